//! The timing magics `%time`/`%%time` and `%timeit`/`%%timeit`, with IPython's time format.
//!
//! They run statements through the interpreter; parsing and dispatch are not theirs.

use std::fmt::Write as _;
use std::time::Instant;

use super::super::error::{Exc, Res};
use super::super::value::Value;
use super::super::{parser, Interpreter, Output, ProgressMode, Stream};
use super::{usage_error, Call};
use nereus_engine::exec::CancelToken;

/// User and system CPU seconds of this process (getrusage; zeros where unavailable).
fn cpu_times() -> (f64, f64) {
    #[cfg(unix)]
    {
        use nix::sys::resource::{getrusage, UsageWho};
        if let Ok(usage) = getrusage(UsageWho::RUSAGE_SELF) {
            let secs = |t: nix::sys::time::TimeVal| {
                #[allow(clippy::cast_precision_loss)]
                let s = t.tv_sec() as f64 + t.tv_usec() as f64 * 1e-6;
                s
            };
            return (secs(usage.user_time()), secs(usage.system_time()));
        }
    }
    (0.0, 0.0)
}

/// `%.3g` as Python prints it, for values in [1, 1000).
fn g3(x: f64) -> String {
    let s = if x >= 99.95 {
        format!("{x:.0}")
    } else if x >= 9.995 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    };
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A duration as IPython's `_format_time` writes it: `1.23 ms`, `456 ns`, `1min 5s`.
pub(super) fn format_time(secs: f64) -> String {
    const UNITS: [(&str, f64); 4] = [("s", 1.0), ("ms", 1e3), ("µs", 1e6), ("ns", 1e9)];
    if secs >= 60.0 {
        let mut parts = Vec::new();
        let mut left = secs;
        for (suffix, len) in [("d", 86400.0), ("h", 3600.0), ("min", 60.0), ("s", 1.0)] {
            let v = (left / len).floor();
            if v > 0.0 {
                left %= len;
                parts.push(format!("{v}{suffix}"));
            }
            if left < 1.0 {
                break;
            }
        }
        return parts.join(" ");
    }
    let order = if secs > 0.0 {
        #[allow(clippy::cast_possible_truncation)]
        let o = (-(secs.log10().floor() as i64).div_euclid(3)).clamp(0, 3);
        usize::try_from(o).unwrap_or(3)
    } else {
        3
    };
    let (unit, scale) = UNITS[order];
    format!("{} {unit}", g3(secs * scale))
}

/// The statement of `%time`/`%timeit`, padded so its lines keep their cell numbers.
fn timed_source(call: &Call<'_>, stmt: &str, magic: &str) -> Res<String> {
    match call.body {
        Some(body) => Ok("\n".repeat(call.line) + body),
        None if stmt.trim().is_empty() => Err(usage_error(format!(
            "%{magic} needs a statement to run, e.g. %{magic} ds.sst.mean().load()"
        ))),
        None => Ok("\n".repeat(call.line - 1) + stmt),
    }
}

pub(super) fn time(
    interp: &mut Interpreter,
    call: &Call<'_>,
    out: &mut dyn Output,
    cancel: &CancelToken,
) -> Res<Option<Value>> {
    if call.body.is_some() && !call.args.is_empty() {
        return Err(usage_error(format!(
            "%%time takes no arguments, got '{}'",
            call.args
        )));
    }
    let source = timed_source(call, call.args, "time")?;
    let stmts = parser::parse_program(&source)?;
    let (user0, sys0) = cpu_times();
    let t0 = Instant::now();
    let value = interp.run_stmts(&stmts, true, out, cancel)?;
    let wall = t0.elapsed().as_secs_f64();
    let (user1, sys1) = cpu_times();
    let (user, sys) = ((user1 - user0).max(0.0), (sys1 - sys0).max(0.0));
    out.stream(
        Stream::Stdout,
        &format!(
            "CPU times: user {}, sys: {}, total: {}\nWall time: {}\n",
            format_time(user),
            format_time(sys),
            format_time(user + sys),
            format_time(wall)
        ),
    );
    Ok(value)
}

/// Parses `-n N -r R` before the statement.
fn timeit_options(mut args: &str) -> Res<(Option<u64>, u64, &str)> {
    let mut number = None;
    let mut repeat = 7;
    loop {
        args = args.trim_start();
        let Some(flag) = ["-n", "-r"].into_iter().find(|f| args.starts_with(f)) else {
            break;
        };
        let rest = args[2..].trim_start();
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let value = &rest[..end];
        let n = value
            .parse::<u64>()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| {
                usage_error(format!(
                    "%timeit {flag} needs a whole number >= 1, got '{value}'"
                ))
            })?;
        if flag == "-n" {
            number = Some(n);
        } else {
            repeat = n;
        }
        args = &rest[end..];
    }
    Ok((number, repeat, args.trim()))
}

/// Runs the statements `n` times; returns the seconds taken.
fn run_loops(
    interp: &mut Interpreter,
    stmts: &[super::super::ast::Stmt],
    n: u64,
    out: &mut dyn Output,
    cancel: &CancelToken,
) -> Res<f64> {
    let t0 = Instant::now();
    for _ in 0..n {
        cancel.check().map_err(|_| Exc::interrupted())?;
        interp.run_stmts(stmts, false, out, cancel)?;
    }
    Ok(t0.elapsed().as_secs_f64())
}

/// Runs the statements `repeat` times `number` loops (found as IPython does when not given);
/// returns the loops per run and the seconds of each run.
fn measure(
    interp: &mut Interpreter,
    stmts: &[super::super::ast::Stmt],
    number: Option<u64>,
    repeat: u64,
    out: &mut dyn Output,
    cancel: &CancelToken,
) -> Res<(u64, Vec<f64>)> {
    let number = if let Some(n) = number {
        n
    } else {
        let mut n = 1;
        for index in 0..10 {
            n = 10u64.pow(index);
            if run_loops(interp, stmts, n, out, cancel)? >= 0.2 {
                break;
            }
        }
        n
    };
    let mut runs = Vec::new();
    for _ in 0..repeat {
        runs.push(run_loops(interp, stmts, number, out, cancel)?);
    }
    Ok((number, runs))
}

/// `1,000,000`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut s = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            s.push(',');
        }
        s.push(c);
    }
    s
}

pub(super) fn timeit(
    interp: &mut Interpreter,
    call: &Call<'_>,
    out: &mut dyn Output,
    cancel: &CancelToken,
) -> Res<Option<Value>> {
    let (number, repeat, stmt) = timeit_options(call.args)?;
    if call.body.is_some() && !stmt.is_empty() {
        return Err(usage_error(format!(
            "%%timeit takes only -n and -r before the cell, got '{stmt}'"
        )));
    }
    let source = timed_source(call, stmt, "timeit")?;
    let stmts = parser::parse_program(&source)?;
    // A progress bar for every repetition would bury the result (and be timed too).
    let mode = std::mem::replace(&mut interp.settings.progress, ProgressMode::None);
    let measured = measure(interp, &stmts, number, repeat, out, cancel);
    interp.settings.progress = mode;
    let (number, runs) = measured?;
    #[allow(clippy::cast_precision_loss)]
    let per_loop: Vec<f64> = runs.iter().map(|t| t / number as f64).collect();
    #[allow(clippy::cast_precision_loss)]
    let count = per_loop.len() as f64;
    let mean = per_loop.iter().sum::<f64>() / count;
    let std = (per_loop.iter().map(|t| (t - mean).powi(2)).sum::<f64>() / count).sqrt();
    let best = per_loop.iter().copied().fold(f64::INFINITY, f64::min);
    let worst = per_loop.iter().copied().fold(0.0, f64::max);
    let mut text = String::new();
    if best > 0.0 && worst > 4.0 * best && worst > 1e-6 {
        let _ = writeln!(
            text,
            "The slowest run took {:.2} times longer than the fastest. This could mean that an intermediate result is being cached.",
            worst / best
        );
    }
    let _ = writeln!(
        text,
        "{} ± {} per loop (mean ± std. dev. of {repeat} run{}, {} loop{} each)",
        format_time(mean),
        format_time(std),
        if repeat == 1 { "" } else { "s" },
        thousands(number),
        if number == 1 { "" } else { "s" },
    );
    out.stream(Stream::Stdout, &text);
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_format_like_ipython() {
        assert_eq!(format_time(0.001_234_5), "1.23 ms");
        assert_eq!(format_time(0.000_012_3), "12.3 µs");
        assert_eq!(format_time(2.5), "2.5 s");
        assert_eq!(format_time(0.0), "0 ns");
        assert_eq!(format_time(0.000_000_456), "456 ns");
        assert_eq!(format_time(65.0), "1min 5s");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(thousands(100), "100");
    }
}
