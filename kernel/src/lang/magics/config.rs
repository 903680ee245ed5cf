//! `%config`: the kernel settings (threads, memory budget, progress, plot format) and their
//! parsing. Computations read the settings; this file does not run any.

use std::fmt::Write as _;

use super::super::error::{suggestion, Exc, Res};
use super::super::value::Value;
use super::super::{Interpreter, Output, Stream};
use super::{usage_error, Call};
use nereus_engine::exec::{CancelToken, ExecConfig};

/// How computations show progress; nothing is ever shown for one that ends within ~0.3 s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProgressMode {
    /// A live bar that ends as a one-line summary.
    #[default]
    Bar,
    /// A live bar that disappears when the computation ends.
    Transient,
    /// No live bar, only the one-line summary at the end.
    Summary,
    /// No progress output.
    None,
}

impl ProgressMode {
    /// Accepted names; `off` is another name for `none`.
    const ALL: [(&'static str, Self); 5] = [
        ("bar", Self::Bar),
        ("transient", Self::Transient),
        ("summary", Self::Summary),
        ("none", Self::None),
        ("off", Self::None),
    ];

    /// The name `%config` accepts and shows.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, m)| *m == self)
            .map_or("bar", |(n, _)| n)
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
        "memory" => {
            "memory budget for chunks in flight and for each result (bytes, or KB/MB/GB/TB)"
        }
        "progress" => "bar (then a summary line), transient, summary or none",
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

pub(super) fn config(
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
                exec.result_budget = Some(exec.memory_budget);
            }
            "progress" => settings.progress = choice(key, value, &ProgressMode::ALL)?,
            k if k.contains('.') => {
                interp.settings = settings;
                super::frontend::ipython_trait(interp, k, value)?;
                settings = interp.settings;
            }
            "plot_format" => settings.plot_format = choice(key, value, &PlotFormat::ALL)?,
            _ => return Err(bad_key(key)),
        }
    }
    interp.set_config(ExecConfig { ..exec });
    interp.settings = settings;
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_parse_and_show() {
        assert_eq!(parse_bytes("2GB"), Some(2 << 30));
        assert_eq!(parse_bytes("512 mb"), Some(512 << 20));
        assert_eq!(parse_bytes("1000"), Some(1000));
        assert_eq!(parse_bytes("2XB"), None);
        assert_eq!(show_bytes(2 << 30), "2GB");
        assert_eq!(show_bytes(3 << 29), "1.5GB");
    }
}
