//! IPython-style magics: `%name args` lines and `%%name` cells.
//!
//! One table ([`MAGICS`]) feeds dispatch, `%lsmagic`, completion after `%`, `%name?` help and
//! the unknown-magic error.

use std::fmt::Write as _;
use std::time::Instant;

use super::error::{closest, suggestion, Exc, ExcKind, Res};
use super::lexer::tokenize;
use super::repr_text::{dtype_name, human_bytes};
use super::value::Value;
use super::{parser, Completeness, Interpreter, MimeBundle, Output, Stream};
use crate::exec::{CancelToken, ExecConfig};

/// How computations report progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProgressMode {
    /// A bar for computations that take a while.
    #[default]
    Auto,
    /// A bar for every computation.
    Always,
    /// No progress output.
    Never,
    /// One line when a computation ends.
    Summary,
}

impl ProgressMode {
    const ALL: [(&'static str, Self); 4] = [
        ("auto", Self::Auto),
        ("always", Self::Always),
        ("never", Self::Never),
        ("summary", Self::Summary),
    ];

    /// The name `%config` accepts and shows.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, m)| *m == self)
            .map_or("auto", |(n, _)| n)
    }
}

/// The image format plots are rendered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PlotFormat {
    /// `image/png`.
    #[default]
    Png,
    /// `image/svg+xml`.
    Svg,
}

impl PlotFormat {
    const ALL: [(&'static str, Self); 2] = [("png", Self::Png), ("svg", Self::Svg)];

    /// The name `%config` accepts and shows.
    pub fn name(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Svg => "svg",
        }
    }
}

/// Settings `%config` keeps for the kernel (threads and memory live in [`ExecConfig`]).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Settings {
    pub(crate) progress: ProgressMode,
    pub(crate) plot_format: PlotFormat,
}

/// A magic invocation: its arguments, its body (cell magics) and the cell line it is on.
struct Call<'a> {
    args: &'a str,
    body: Option<&'a str>,
    /// 1-based line of the `%` line in the cell.
    line: usize,
}

type MagicFn = fn(&mut Interpreter, &Call<'_>, &mut dyn Output, &CancelToken) -> Res<Option<Value>>;

/// One magic in the registry.
pub(crate) struct Magic {
    /// Its name without `%`.
    pub(crate) name: &'static str,
    /// Usable as a line magic (`%name`).
    pub(crate) line: bool,
    /// Usable as a cell magic (`%%name`).
    pub(crate) cell: bool,
    /// Usage lines, as help shows them.
    pub(crate) usage: &'static str,
    /// One paragraph of documentation.
    pub(crate) doc: &'static str,
    func: MagicFn,
}

/// Every magic, sorted by name.
pub(crate) static MAGICS: &[Magic] = &[
    Magic { name: "cd", line: true, cell: false, usage: "%cd [DIR]", func: cd,
        doc: "Changes the working directory (the home directory without DIR; `~` expands) and prints the new one." },
    Magic { name: "config", line: true, cell: false, usage: "%config [KEY=VALUE ...]", func: config,
        doc: "Without arguments lists the settings; `%config threads=2 memory=2GB progress=auto plot_format=png` changes them. threads: worker threads (>= 1); memory: budget for chunks in flight (bytes, or with KB, MB, GB, TB); progress: auto, always, never or summary; plot_format: png or svg." },
    Magic { name: "env", line: true, cell: false, usage: "%env [NAME[=VALUE]]", func: env,
        doc: "Without arguments lists the environment variables; `%env NAME` shows one; `%env NAME=VALUE` (or `%env NAME VALUE`) sets it for the kernel process." },
    Magic { name: "history", line: true, cell: false, usage: "%history [-n]", func: history,
        doc: "Prints the inputs of this session, oldest first; with -n each is preceded by its execution number." },
    Magic { name: "lsmagic", line: true, cell: false, usage: "%lsmagic", func: lsmagic,
        doc: "Lists the available line and cell magics." },
    Magic { name: "pwd", line: true, cell: false, usage: "%pwd", func: pwd,
        doc: "Returns the current working directory." },
    Magic { name: "time", line: true, cell: true, usage: "%time STATEMENT\n%%time\nCELL", func: time,
        doc: "Runs the statement (or the cell) once and prints the CPU times (user, sys, total) and the wall time. The value of a trailing expression is still shown as the result." },
    Magic { name: "timeit", line: true, cell: true, usage: "%timeit [-n N] [-r R] STATEMENT\n%%timeit [-n N] [-r R]\nCELL", func: timeit,
        doc: "Times the statement (or the cell): R runs (default 7) of N loops each; without -n, N is the smallest power of 10 for which one run takes at least 0.2 s. Prints the mean and standard deviation per loop. An interrupt stops it." },
    Magic { name: "who", line: true, cell: false, usage: "%who [TYPE ...]", func: who,
        doc: "Prints the names of the variables defined in the notebook, optionally only those of the given types (e.g. `%who DataArray int`)." },
    Magic { name: "whos", line: true, cell: false, usage: "%whos [TYPE ...]", func: whos,
        doc: "Prints a table of the variables: name, type and a summary (for arrays: dimensions, shape, dtype and size, from metadata without computing)." },
];

/// A magic by name, of the kind asked for.
fn find(name: &str, cell: bool) -> Option<&'static Magic> {
    MAGICS
        .iter()
        .find(|m| m.name == name && if cell { m.cell } else { m.line })
}

/// Names with their prefix (`%time` or `%%time`), as listed and completed.
pub(crate) fn names(cell: bool) -> Vec<String> {
    let prefix = if cell { "%%" } else { "%" };
    MAGICS
        .iter()
        .filter(|m| if cell { m.cell } else { m.line })
        .map(|m| format!("{prefix}{}", m.name))
        .collect()
}

fn usage_error(msg: impl Into<String>) -> Exc {
    Exc::new(ExcKind::UsageError, msg)
}

/// The error for an unknown magic: the closest name and the known ones.
fn unknown(name: &str, cell: bool) -> Exc {
    let (kind, prefix) = if cell { ("Cell", "%%") } else { ("Line", "%") };
    let known = names(cell);
    let hint = closest(
        name,
        MAGICS
            .iter()
            .filter(|m| if cell { m.cell } else { m.line })
            .map(|m| m.name),
    )
    .map_or_else(String::new, |c| format!(" Did you mean: '{prefix}{c}'?"));
    usage_error(format!(
        "{kind} magic function `{prefix}{name}` not found.{hint} Available {} magics: {}",
        kind.to_lowercase(),
        known.join(", ")
    ))
}

/// The help text of a magic (`%time?`).
fn help_text(m: &Magic) -> String {
    format!("Usage:\n{}\n\nDocstring:\n{}", m.usage, m.doc)
}

/// The help text of the magic `name`, for inspect.
pub(crate) fn help(name: &str, cell: bool) -> Option<String> {
    find(name, cell).map(help_text)
}

/// Whether line `line` of a cell is a line magic: it starts with `%` at column 0 and the code
/// before it does not leave a bracket, string or `\` continuation open.
fn is_magic_line(line: &str, code_before: &str) -> bool {
    line.starts_with('%') && !matches!(tokenize(code_before), Err(e) if e.incomplete)
}

/// One piece of a cell: Python source (padded with newlines so its lines keep their cell
/// numbers) or a line magic.
enum Segment<'a> {
    Code(String),
    Magic { text: &'a str, line: usize },
}

fn segments(code: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut has_code = false;
    for (i, line) in code.split('\n').enumerate() {
        if is_magic_line(line, &current) {
            if has_code {
                out.push(Segment::Code(std::mem::take(&mut current)));
                has_code = false;
            }
            current = "\n".repeat(i + 1);
            out.push(Segment::Magic {
                text: line.trim_end_matches('\r'),
                line: i + 1,
            });
        } else {
            has_code |= !line.trim().is_empty();
            current.push_str(line);
            current.push('\n');
        }
    }
    if has_code {
        out.push(Segment::Code(current));
    }
    out
}

/// Splits `%name args` (without the `%`s) into name and arguments.
fn split_name(text: &str) -> (&str, &str) {
    let text = text.trim();
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    (&text[..end], &text[end..])
}

/// Runs a cell with its magics; returns the value to show.
pub(crate) fn execute_cell(
    interp: &mut Interpreter,
    code: &str,
    out: &mut dyn Output,
    cancel: &CancelToken,
) -> Res<Option<Value>> {
    let start = code.len() - code.trim_start_matches(['\n', '\r']).len();
    let skipped = code[..start].matches('\n').count();
    let first = code[start..].split('\n').next().unwrap_or("");
    if let Some(rest) = first.strip_prefix("%%") {
        let line = skipped + 1;
        let (name, args) = split_name(rest);
        let body_start = start + first.len() + usize::from(code.len() > start + first.len());
        let body = &code[body_start..];
        return run_magic(interp, name, args, Some(body), line, out, cancel);
    }
    let segs = segments(code);
    let n = segs.len();
    let mut result = None;
    for (i, seg) in segs.into_iter().enumerate() {
        let last = i + 1 == n;
        let v = match seg {
            Segment::Code(src) => interp.run_source(&src, last, out, cancel)?,
            Segment::Magic { text, line } => {
                let text = &text[1..];
                if text.starts_with('%') {
                    return Err(usage_error(format!(
                        "cell magic `{}` must be on the first line of the cell",
                        text.split_whitespace().next().unwrap_or("%%")
                    ))
                    .with_line(line));
                }
                let (name, args) = split_name(text);
                run_magic(interp, name, args, None, line, out, cancel)?
            }
        };
        result = if last { v } else { None };
    }
    Ok(result)
}

fn run_magic(
    interp: &mut Interpreter,
    name: &str,
    args: &str,
    body: Option<&str>,
    line: usize,
    out: &mut dyn Output,
    cancel: &CancelToken,
) -> Res<Option<Value>> {
    let cell = body.is_some();
    if name.is_empty() {
        return Err(usage_error(format!(
            "a magic needs a name, e.g. {}",
            names(cell).join(", ")
        ))
        .with_line(line));
    }
    let magic = find(name, cell).ok_or_else(|| unknown(name, cell).with_line(line))?;
    if args.trim_start().starts_with('?') && args.trim().trim_matches('?').is_empty() {
        let mut data = MimeBundle::new();
        data.insert("text/plain".into(), help_text(magic).into());
        out.page(data);
        return Ok(None);
    }
    let invocation = Call {
        args: args.trim(),
        body,
        line,
    };
    (magic.func)(interp, &invocation, out, cancel).map_err(|e| e.with_line(line))
}

/// IPython's is_complete for cells with magics: a `%%` cell is as complete as its body, a
/// line magic is complete.
pub(crate) fn is_complete(code: &str) -> Completeness {
    let trimmed = code.trim_start_matches(['\n', '\r']);
    if let Some(rest) = trimmed.strip_prefix("%%") {
        return match rest.split_once('\n') {
            Some((_, body)) if !body.trim().is_empty() => is_complete(body),
            _ => Completeness::Incomplete {
                indent: String::new(),
            },
        };
    }
    if !code.split('\n').any(|l| l.starts_with('%')) {
        return super::completeness::is_complete(code);
    }
    let mut blanked = String::new();
    let mut last_is_magic = false;
    for (i, line) in code.split('\n').enumerate() {
        if i > 0 {
            blanked.push('\n');
        }
        last_is_magic = is_magic_line(line, &blanked);
        if !last_is_magic {
            blanked.push_str(line);
        }
    }
    if last_is_magic {
        return Completeness::Complete;
    }
    super::completeness::is_complete(&blanked)
}

// ---------------------------------------------------------------------------------------------
// Timing

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
pub(crate) fn format_time(secs: f64) -> String {
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

fn time(
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
    stmts: &[super::ast::Stmt],
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

fn timeit(
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
    let number = if let Some(n) = number {
        n
    } else {
        let mut n = 1;
        for index in 0..10 {
            n = 10u64.pow(index);
            if run_loops(interp, &stmts, n, out, cancel)? >= 0.2 {
                break;
            }
        }
        n
    };
    let mut runs = Vec::new();
    for _ in 0..repeat {
        runs.push(run_loops(interp, &stmts, number, out, cancel)?);
    }
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

// ---------------------------------------------------------------------------------------------
// Namespace

/// The user's variable names, sorted, optionally only of the given type names.
fn variables<'a>(interp: &'a Interpreter, types: &str) -> Vec<(&'a String, &'a Value)> {
    let types: Vec<&str> = types.split_whitespace().collect();
    let mut vars: Vec<_> = interp
        .ns
        .iter()
        .filter(|(k, v)| {
            !k.starts_with('_') && (types.is_empty() || types.contains(&v.type_name()))
        })
        .collect();
    vars.sort_by(|a, b| a.0.cmp(b.0));
    vars
}

#[allow(clippy::unnecessary_wraps, reason = "a MagicFn")]
fn who(
    interp: &mut Interpreter,
    call: &Call<'_>,
    out: &mut dyn Output,
    _: &CancelToken,
) -> Res<Option<Value>> {
    let vars = variables(interp, call.args);
    let text = if vars.is_empty() {
        if call.args.is_empty() {
            "Interactive namespace is empty.\n".to_string()
        } else {
            "No variables match your requested type.\n".to_string()
        }
    } else {
        let names: Vec<&str> = vars.iter().map(|(k, _)| k.as_str()).collect();
        names.join("\t") + "\n"
    };
    out.stream(Stream::Stdout, &text);
    Ok(None)
}

/// `(time: 12, lat: 4)`.
fn dims_text<'a>(dims: impl Iterator<Item = (&'a str, usize)>) -> String {
    let parts: Vec<String> = dims.map(|(d, n)| format!("{d}: {n}")).collect();
    format!("({})", parts.join(", "))
}

/// The Data/Info column of `%whos`: a summary from metadata, never computing.
fn info(v: &Value) -> String {
    match v {
        Value::DataArray(a) => {
            let var = &a.variable;
            let state = if var.data.is_loaded() {
                "in memory"
            } else {
                "lazy"
            };
            format!(
                "{} shape {:?}, {}, {} elems, {}, {state}",
                dims_text(a.dims().iter().map(String::as_str).zip(var.shape())),
                var.shape(),
                dtype_name(var),
                var.size(),
                human_bytes(var.nbytes()),
            )
        }
        Value::Dataset(ds) => {
            let dims = ds.dims();
            let bytes: usize = ds
                .coords
                .values()
                .chain(ds.data_vars.values())
                .map(crate::model::Variable::nbytes)
                .sum();
            format!(
                "{} {} data vars, {} coords, {}",
                dims_text(dims.iter().map(|(d, n)| (d.as_str(), *n))),
                ds.data_vars.len(),
                ds.coords.len(),
                human_bytes(bytes)
            )
        }
        Value::NdArray(a) => {
            let shape = a.block.shape();
            let n: usize = shape.iter().product();
            format!(
                "shape {shape:?}, {}, {n} elems, {}",
                a.dtype_name(),
                human_bytes(n * a.block.dtype().size())
            )
        }
        other => {
            let repr = other.repr().replace('\n', " ");
            if repr.chars().count() > 50 {
                let head: String = repr.chars().take(25).collect();
                let tail: Vec<char> = repr.chars().rev().take(20).collect();
                let tail: String = tail.into_iter().rev().collect();
                format!("{head}<...>{tail}")
            } else {
                repr
            }
        }
    }
}

fn whos(
    interp: &mut Interpreter,
    call: &Call<'_>,
    out: &mut dyn Output,
    _: &CancelToken,
) -> Res<Option<Value>> {
    let vars = variables(interp, call.args);
    if vars.is_empty() {
        return who(interp, call, out, &CancelToken::new());
    }
    let vw = vars
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0)
        .max(8)
        + 3;
    let tw = vars
        .iter()
        .map(|(_, v)| v.type_name().len())
        .max()
        .unwrap_or(0)
        .max(4)
        + 3;
    let mut text = format!("{:vw$}{:tw$}Data/Info\n", "Variable", "Type");
    text.push_str(&"-".repeat(vw + tw + 9));
    text.push('\n');
    for (name, v) in vars {
        let _ = writeln!(text, "{name:vw$}{:tw$}{}", v.type_name(), info(v));
    }
    out.stream(Stream::Stdout, &text);
    Ok(None)
}

// ---------------------------------------------------------------------------------------------
// %config

const CONFIG_KEYS: [&str; 4] = ["threads", "memory", "progress", "plot_format"];

/// Parses `2GB`, `512 MB`, `1.5GiB`, `1048576` into bytes.
fn parse_bytes(text: &str) -> Option<u64> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = (&t[..split], t[split..].trim());
    let x: f64 = num.parse().ok()?;
    let scale: u64 = match unit.to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1 << 10,
        "M" | "MB" | "MIB" => 1 << 20,
        "G" | "GB" | "GIB" => 1 << 30,
        "T" | "TB" | "TIB" => 1 << 40,
        _ => return None,
    };
    #[allow(clippy::cast_precision_loss)]
    let bytes = x * scale as f64;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    ((1.0..1.8e19).contains(&bytes)).then_some(bytes as u64)
}

/// Bytes in the units `%config memory=` accepts: `2GB`, `1.5GB`, `512MB`, `1000B`.
fn show_bytes(n: u64) -> String {
    for (unit, scale) in [
        ("TB", 1u64 << 40),
        ("GB", 1 << 30),
        ("MB", 1 << 20),
        ("KB", 1 << 10),
    ] {
        if n >= scale {
            #[allow(clippy::cast_precision_loss)]
            let x = n as f64 / scale as f64;
            let s = format!("{x:.2}");
            return format!("{}{unit}", s.trim_end_matches('0').trim_end_matches('.'));
        }
    }
    format!("{n}B")
}

fn config_value(interp: &Interpreter, key: &str) -> String {
    match key {
        "threads" => interp.config.threads.to_string(),
        "memory" => show_bytes(interp.config.memory_budget),
        "progress" => interp.settings.progress.name().to_string(),
        _ => interp.settings.plot_format.name().to_string(),
    }
}

fn config_help(key: &str) -> &'static str {
    match key {
        "threads" => "worker threads for computations (>= 1)",
        "memory" => "memory budget for chunks in flight (bytes, or KB/MB/GB/TB)",
        "progress" => "progress reporting: auto, always, never, summary",
        _ => "plot image format: png, svg",
    }
}

fn bad_key(key: &str) -> Exc {
    usage_error(format!(
        "%config: unknown setting '{key}'{} (settings: {})",
        suggestion(key, CONFIG_KEYS),
        CONFIG_KEYS.join(", ")
    ))
}

fn choice<T: Copy>(key: &str, value: &str, all: &[(&'static str, T)]) -> Res<T> {
    let lower = value.to_ascii_lowercase();
    all.iter()
        .find(|(n, _)| *n == lower)
        .map(|(_, v)| *v)
        .ok_or_else(|| {
            let names: Vec<&str> = all.iter().map(|(n, _)| *n).collect();
            Exc::value_error(format!(
                "%config {key}: invalid value '{value}'{}; expected one of {}",
                suggestion(&lower, names.iter().copied()),
                names.join(", ")
            ))
        })
}

fn config(
    interp: &mut Interpreter,
    call: &Call<'_>,
    out: &mut dyn Output,
    _: &CancelToken,
) -> Res<Option<Value>> {
    // `key = value` is accepted as well as `key=value`.
    let joined = call.args.replace(" =", "=").replace("= ", "=");
    let words: Vec<&str> = joined.split_whitespace().collect();
    if words.is_empty() || words.iter().all(|w| !w.contains('=')) {
        let keys: Vec<&str> = if words.is_empty() {
            CONFIG_KEYS.to_vec()
        } else {
            for w in &words {
                if !CONFIG_KEYS.contains(w) {
                    return Err(bad_key(w));
                }
            }
            words
        };
        let mut text = String::new();
        for key in keys {
            let _ = writeln!(
                text,
                "{key:<12}= {:<10} # {}",
                config_value(interp, key),
                config_help(key)
            );
        }
        out.stream(Stream::Stdout, &text);
        return Ok(None);
    }
    let mut exec = interp.config;
    let mut settings = interp.settings;
    for w in words {
        let Some((key, value)) = w.split_once('=') else {
            return Err(usage_error(format!(
                "%config: expected KEY=VALUE, got '{w}' (e.g. %config threads=2 memory=2GB)"
            )));
        };
        match key {
            "threads" => {
                exec.threads =
                    value
                        .parse::<usize>()
                        .ok()
                        .filter(|n| *n >= 1)
                        .ok_or_else(|| {
                            Exc::value_error(format!(
                            "%config threads: invalid value '{value}'; expected a whole number >= 1"
                        ))
                        })?;
            }
            "memory" => {
                exec.memory_budget = parse_bytes(value).ok_or_else(|| {
                    Exc::value_error(format!(
                        "%config memory: invalid value '{value}'; expected bytes or a size with KB, MB, GB or TB (e.g. 2GB)"
                    ))
                })?;
            }
            "progress" => settings.progress = choice(key, value, &ProgressMode::ALL)?,
            "plot_format" => settings.plot_format = choice(key, value, &PlotFormat::ALL)?,
            _ => return Err(bad_key(key)),
        }
    }
    interp.set_config(ExecConfig { ..exec });
    interp.settings = settings;
    Ok(None)
}

// ---------------------------------------------------------------------------------------------
// Environment, directories, history

#[allow(clippy::unnecessary_wraps, reason = "a MagicFn")]
fn lsmagic(
    _: &mut Interpreter,
    _: &Call<'_>,
    out: &mut dyn Output,
    _: &CancelToken,
) -> Res<Option<Value>> {
    let text = format!(
        "Available line magics:\n{}\n\nAvailable cell magics:\n{}\n",
        names(false).join("  "),
        names(true).join("  ")
    );
    out.stream(Stream::Stdout, &text);
    Ok(None)
}

fn env(
    _: &mut Interpreter,
    call: &Call<'_>,
    out: &mut dyn Output,
    _: &CancelToken,
) -> Res<Option<Value>> {
    let args = call.args;
    if args.is_empty() {
        let mut vars: Vec<(String, String)> = std::env::vars_os()
            .map(|(k, v)| {
                (
                    k.to_string_lossy().into_owned(),
                    v.to_string_lossy().into_owned(),
                )
            })
            .collect();
        vars.sort();
        let mut text = String::new();
        for (k, v) in vars {
            let _ = writeln!(text, "{k}={v}");
        }
        out.stream(Stream::Stdout, &text);
        return Ok(None);
    }
    let set = args
        .split_once('=')
        .or_else(|| args.split_once(char::is_whitespace));
    match set {
        Some((name, value)) => {
            let (name, value) = (name.trim(), value.trim());
            if name.is_empty() || name.contains(char::is_whitespace) {
                return Err(usage_error(format!(
                    "%env: invalid variable name '{name}' (usage: %env NAME=VALUE)"
                )));
            }
            std::env::set_var(name, value);
            out.stream(Stream::Stdout, &format!("env: {name}={value}\n"));
            Ok(None)
        }
        None => std::env::var_os(args)
            .map(|v| Some(Value::str(v.to_string_lossy().into_owned())))
            .ok_or_else(|| {
                Exc::new(
                    ExcKind::KeyError,
                    format!("Environment does not have key: {args}"),
                )
            }),
    }
}

fn cwd() -> Res<String> {
    std::env::current_dir()
        .map(|p| p.display().to_string())
        .map_err(|e| Exc::new(ExcKind::OSError, e.to_string()))
}

fn pwd(
    _: &mut Interpreter,
    call: &Call<'_>,
    _: &mut dyn Output,
    _: &CancelToken,
) -> Res<Option<Value>> {
    if !call.args.is_empty() {
        return Err(usage_error("%pwd takes no arguments"));
    }
    Ok(Some(Value::str(cwd()?)))
}

fn cd(
    _: &mut Interpreter,
    call: &Call<'_>,
    out: &mut dyn Output,
    _: &CancelToken,
) -> Res<Option<Value>> {
    let arg = call.args.trim_matches(|c| c == '"' || c == '\'');
    let home = std::env::var("HOME").unwrap_or_else(|_| "/".to_string());
    let dir = if arg.is_empty() || arg == "~" {
        home
    } else if let Some(rest) = arg.strip_prefix("~/") {
        format!("{home}/{rest}")
    } else {
        arg.to_string()
    };
    let path = std::path::Path::new(&dir);
    if !path.exists() {
        return Err(Exc::new(
            ExcKind::FileNotFoundError,
            format!("[Errno 2] No such file or directory: '{dir}'"),
        ));
    }
    if !path.is_dir() {
        return Err(Exc::new(
            ExcKind::OSError,
            format!("[Errno 20] Not a directory: '{dir}'"),
        ));
    }
    std::env::set_current_dir(path)
        .map_err(|e| Exc::new(ExcKind::OSError, format!("{e}: '{dir}'")))?;
    out.stream(Stream::Stdout, &format!("{}\n", cwd()?));
    Ok(None)
}

fn history(
    _: &mut Interpreter,
    call: &Call<'_>,
    out: &mut dyn Output,
    _: &CancelToken,
) -> Res<Option<Value>> {
    let numbered = match call.args {
        "" => false,
        "-n" => true,
        other => {
            return Err(usage_error(format!(
                "%history: unknown argument '{other}' (usage: %history [-n])"
            )))
        }
    };
    let entries = out.history();
    let width = entries.last().map_or(1, |(n, _)| n.to_string().len());
    let mut text = String::new();
    for (n, source) in &entries {
        if numbered {
            let sep = if source.contains('\n') { "\n" } else { " " };
            let _ = write!(text, "{n:>width$}:{sep}");
        }
        text.push_str(source.trim_end_matches('\n'));
        text.push('\n');
    }
    out.stream(Stream::Stdout, &text);
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_sorted_unique_and_documented() {
        for w in MAGICS.windows(2) {
            assert!(w[0].name < w[1].name);
        }
        for m in MAGICS {
            assert!(!m.doc.is_empty() && m.usage.starts_with(&format!("%{}", m.name)));
        }
    }

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

    #[test]
    fn bytes_parse_and_show() {
        assert_eq!(parse_bytes("2GB"), Some(2 << 30));
        assert_eq!(parse_bytes("512 mb"), Some(512 << 20));
        assert_eq!(parse_bytes("1000"), Some(1000));
        assert_eq!(parse_bytes("2XB"), None);
        assert_eq!(show_bytes(2 << 30), "2GB");
        assert_eq!(show_bytes(3 << 29), "1.5GB");
    }

    #[test]
    fn magic_lines_inside_brackets_are_code() {
        assert!(is_magic_line("%time x", "y = 1\n"));
        assert!(!is_magic_line("% 2)", "x = (10\n"));
    }
}
