//! IPython-style magics: the registry, `%%name` cells and `%name args` lines, wherever a
//! statement may stand (a line magic inside a `for` body runs on every pass).
//!
//! One table ([`MAGICS`]) feeds dispatch, `%lsmagic`, completion after `%`, `%name?` help and
//! the unknown-magic error. The magics themselves live in the files below, one job each.

mod config;
mod frontend;
mod namespace;
mod system;
mod timing;

use std::borrow::Cow;

use super::error::{closest, Exc, ExcKind, Res};
use super::value::Value;
use super::{Completeness, Interpreter, MimeBundle, Output, Stream};
use config::config;
use frontend::{matplotlib, xmode};
use namespace::{who, whos};
use nereus_engine::exec::CancelToken;
use system::{cd, env, history, pwd};
use timing::{time, timeit};

pub(crate) use config::Settings;
pub use config::{PlotFormat, ProgressMode};

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
        doc: "Without arguments lists the settings; `%config threads=2 memory=2GB progress=bar plot_format=png` changes them. threads: worker threads (>= 1); memory: budget for chunks in flight and for each result, beyond which a computation raises MemoryError (bytes, or with KB, MB, GB, TB; default: a quarter of memory for chunks, what is available for results); progress: how computations taking over 0.3 s are shown: bar (default: a live bar that ends as a one-line summary), transient (a live bar that disappears), summary (only the line at the end) or none (also off); plot_format: png or svg." },
    Magic { name: "env", line: true, cell: false, usage: "%env [NAME[=VALUE]]", func: env,
        doc: "Without arguments lists the environment variables; `%env NAME` shows one; `%env NAME=VALUE` (or `%env NAME VALUE`) sets it for the kernel process." },
    Magic { name: "history", line: true, cell: false, usage: "%history [-n]", func: history,
        doc: "Prints the inputs of this session, oldest first; with -n each is preceded by its execution number." },
    Magic { name: "lsmagic", line: true, cell: false, usage: "%lsmagic", func: lsmagic,
        doc: "Lists the available line and cell magics." },
    Magic { name: "matplotlib", line: true, cell: false, usage: "%matplotlib [inline]", func: matplotlib,
        doc: "Nereus always shows figures inline, so `%matplotlib inline` (or no argument) does nothing; interactive backends (widget, qt, ...) are not supported." },
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
    Magic { name: "xmode", line: true, cell: false, usage: "%xmode [Plain|Context|Verbose|Minimal|Docs]", func: xmode,
        doc: "Sets IPython's traceback detail. Nereus tracebacks always name the cell line and the error; the mode is acknowledged as IPython does." },
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

pub(super) fn usage_error(msg: impl Into<String>) -> Exc {
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

/// IPython's `leading_indent` cleanup: when the first non-blank line is indented, that indent
/// is removed from every line that starts with it, so a pasted indented cell still runs.
pub(crate) fn dedent_cell(code: &str) -> Cow<'_, str> {
    let Some(first) = code.split('\n').find(|l| !l.trim().is_empty()) else {
        return Cow::Borrowed(code);
    };
    let indent = &first[..first.len() - first.trim_start_matches([' ', '\t']).len()];
    if indent.is_empty() {
        return Cow::Borrowed(code);
    }
    let lines: Vec<&str> = code
        .split('\n')
        .map(|l| l.strip_prefix(indent).unwrap_or(l))
        .collect();
    Cow::Owned(lines.join("\n"))
}

/// Splits `%name args` (without the `%`s) into name and arguments.
fn split_name(text: &str) -> (&str, &str) {
    let text = text.trim();
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    (&text[..end], &text[end..])
}

/// Runs a cell: a first line `%%name` makes it a cell magic, otherwise it is Python source
/// whose line magics the parser has made statements. Returns the value to show.
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
    interp.run_source(code, true, out, cancel)
}

/// Runs the line magic `%text` found on cell line `line`.
pub(crate) fn run_line_magic(
    interp: &mut Interpreter,
    text: &str,
    line: usize,
    out: &mut dyn Output,
    cancel: &CancelToken,
) -> Res<Option<Value>> {
    if text.starts_with('%') {
        return Err(usage_error(format!(
            "cell magic `%{}` must be on the first line of the cell",
            text.split_whitespace().next().unwrap_or("%")
        ))
        .with_line(line));
    }
    let (name, args) = split_name(text);
    run_magic(interp, name, args, None, line, out, cancel)
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

/// IPython's is_complete for cells with magics: a `%%` cell is as complete as its body; line
/// magics are statements, so the rest is Python's rule.
pub(crate) fn is_complete(code: &str) -> Completeness {
    let code = dedent_cell(code);
    let trimmed = code.trim_start_matches(['\n', '\r']);
    if let Some(rest) = trimmed.strip_prefix("%%") {
        return match rest.split_once('\n') {
            Some((_, body)) if !body.trim().is_empty() => is_complete(body),
            _ => Completeness::Incomplete {
                indent: String::new(),
            },
        };
    }
    super::completeness::is_complete(&code)
}

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
    fn indented_cells_lose_their_first_indent() {
        assert_eq!(dedent_cell("  %time x\n  y = 1"), "%time x\ny = 1");
        assert_eq!(dedent_cell("\n    a\n      b\nc"), "\na\n  b\nc");
        assert_eq!(dedent_cell("x = 1\n  y"), "x = 1\n  y");
    }
}
