//! The cell language: parse and evaluate a cell, complete and inspect code, answer is_complete.
//!
//! The pipeline is lexer -> parser -> AST -> evaluator; one registry (`builtins` and the
//! tables of `xarray`, rows typed in `registry`) feeds dispatch, completion, inspect, help
//! and error suggestions. Each row declares its Python signature once (`signature`): the call
//! checks keywords against it, and xarray's and numpy's functions bind their arguments to it
//! as Python does; CPython's builtins, which are C functions, check theirs with CPython's
//! words. The language converts values and names and calls the engine's public API.
//!
//! Assignment to items and attributes (`ds["anom"] = ...`, `da.attrs["units"] = "K"`,
//! `d[k] += 1`) follows Python, with one difference: values are immutable and shared, so a
//! store copies the object and rebinds the name the target starts from. Another name bound to
//! the same object keeps the old value (`d2 = d; d["k"] = 1` leaves `d2` unchanged, and so does
//! `for d in dicts: d["k"] = 1` for the dicts in the list), and a target must start at a name
//! (`f()[0] = 1` is refused).

/// One registry row ([`builtins::Builtin`]): the class or module it belongs to ("" for a
/// builtin), its name, Python signature (from which its keywords come), implementation and
/// docstring. Defined before the modules so that every table below uses this one spelling.
macro_rules! method {
    ($class:expr, $name:expr, $sig:expr, $func:expr, $doc:expr) => {
        Builtin {
            name: $name,
            module: $class,
            signature: $sig,
            doc: $doc,
            func: $func,
        }
    };
}

mod ast;
mod builtins;
mod complete;
mod completeness;
mod context;
mod dict;
mod error;
mod eval;
mod format;
mod fstring;
mod functions;
mod help;
mod imports;
mod iteration;
mod lexer;
mod magics;
mod ndarray;
mod operators;
mod options;
mod pandas;
mod parser;
mod progress;
mod random;
mod registry;
#[cfg(test)]
mod registry_tests;
mod repr_text;
mod setup;
mod signature;
mod strings;
mod value;
mod xarray;

use error::{Exc, Pos};
use eval::{Machine, Namespace};
use nereus_engine::exec::{CancelToken, ExecConfig};
use registry::Ctx;

use value::{bundle, Value};

pub use magics::{PlotFormat, ProgressMode};
pub use progress::ProgressSink;

/// A MIME bundle: mime type -> value (a string for text types), as Jupyter sends it.
pub type MimeBundle = serde_json::Map<String, serde_json::Value>;

/// Which output stream text goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}

/// Where a running cell sends what it shows, in order.
pub trait Output {
    /// Text printed to stdout or stderr.
    fn stream(&mut self, stream: Stream, text: &str);
    /// A rich display; with `update` the display with that id is replaced in place.
    fn display(&mut self, data: MimeBundle, display_id: Option<&str>, update: bool);
    /// Clears the cell's output, now or (with `wait`) when the next output arrives.
    fn clear_output(&mut self, wait: bool);
    /// Help text for the pager (`obj?`).
    fn page(&mut self, data: MimeBundle);
    /// This session's stored inputs as (line number, source), oldest first, for `%history`.
    /// Outputs that keep no history answer with nothing.
    fn history(&self) -> Vec<(usize, String)> {
        Vec::new()
    }
    /// Where computations report their progress; outputs that show none answer `None`.
    fn progress(&self) -> Option<&dyn ProgressSink> {
        None
    }
}

/// An error raised by a cell, in Python's terms.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{ename}: {evalue}")]
pub struct LangError {
    /// Exception name, e.g. `NameError`.
    pub ename: String,
    /// Message.
    pub evalue: String,
    /// Traceback lines as shown to the user.
    pub traceback: Vec<String>,
}

/// The answer to is_complete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Completeness {
    /// Ready to run.
    Complete,
    /// More lines are expected; the next line's indent.
    Incomplete {
        /// Indent for the next line.
        indent: String,
    },
    /// Cannot become valid by adding lines.
    Invalid,
}

/// Completion matches for the text between `cursor_start` and `cursor_end` (code points).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Completion {
    /// Candidates replacing the span.
    pub matches: Vec<String>,
    /// Start of the replaced span, in code points.
    pub cursor_start: usize,
    /// End of the replaced span, in code points.
    pub cursor_end: usize,
}

/// A cell namespace and the evaluator over it.
#[derive(Debug, Default)]
pub struct Interpreter {
    ns: Namespace,
    /// How many cell-function calls are running (Python's recursion limit).
    call_depth: usize,
    config: ExecConfig,
    settings: magics::Settings,
}

impl Interpreter {
    /// An empty namespace.
    pub fn new() -> Self {
        options::reset();
        random::reset();
        eval::views::reset();
        Self::default()
    }

    /// Threads and memory budget that computations (`.load()`, `.values`, ...) run with.
    pub fn config(&self) -> ExecConfig {
        self.config
    }

    /// Sets threads and memory budget for the next computations (`%config`).
    pub fn set_config(&mut self, config: ExecConfig) {
        self.config = config;
    }

    /// How computations report progress (`%config progress=...`).
    pub fn progress(&self) -> ProgressMode {
        self.settings.progress
    }

    /// The image format plots are rendered in (`%config plot_format=...`).
    pub fn plot_format(&self) -> PlotFormat {
        self.settings.plot_format
    }

    /// Runs a cell; returns the bundle of a trailing expression to display, if any.
    ///
    /// Lines starting with `%name` (after any indent) are line magics, a first line `%%name`
    /// makes a cell magic.
    pub fn execute(
        &mut self,
        code: &str,
        out: &mut dyn Output,
        cancel: &CancelToken,
    ) -> Result<Option<MimeBundle>, LangError> {
        let code = magics::dedent_cell(code);
        match magics::execute_cell(self, &code, out, cancel) {
            Ok(Some(Value::None) | None) => Ok(None),
            Ok(Some(v)) => Ok(Some(bundle(&v))),
            Err(e) => Err(e.into_lang_error(&code)),
        }
    }

    /// Parses and runs Python source (no magics); with `keep_last`, a trailing expression's
    /// value is returned rather than discarded.
    fn run_source(
        &mut self,
        source: &str,
        keep_last: bool,
        out: &mut dyn Output,
        cancel: &CancelToken,
    ) -> Result<Option<Value>, Exc> {
        let stmts = parser::parse_program(source)?;
        self.run_stmts(&stmts, keep_last, out, cancel)
    }

    /// Runs parsed statements; see [`Self::run_source`].
    fn run_stmts(
        &mut self,
        stmts: &[ast::Stmt],
        keep_last: bool,
        out: &mut dyn Output,
        cancel: &CancelToken,
    ) -> Result<Option<Value>, Exc> {
        let config = self.config;
        let progress = self.settings.progress;
        let mut m = Machine::new(
            self,
            Ctx {
                out,
                cancel,
                config,
                progress,
                interp: None,
            },
        );
        let shown = |k: &ast::StmtKind| {
            matches!(
                k,
                ast::StmtKind::Expr { hidden: false, .. } | ast::StmtKind::Magic(_)
            )
        };
        let (body, last) = match stmts.split_last() {
            Some((last, body)) if keep_last && shown(&last.kind) => (body, Some(last)),
            _ => (stmts, None),
        };
        let flow = m.run_block(body)?;
        if !matches!(flow, eval::Flow::Normal) {
            let word = if matches!(flow, eval::Flow::Break) {
                "break"
            } else {
                "continue"
            };
            return Err(Exc::syntax(
                format!("'{word}' outside loop"),
                Pos { line: 1, col: 0 },
            ));
        }
        let Some(last) = last else { return Ok(None) };
        m.ctx.cancel.check().map_err(|_| Exc::interrupted())?;
        match &last.kind {
            ast::StmtKind::Expr { expr, .. } => {
                m.eval(expr).map(Some).map_err(|e| e.with_line(last.line))
            }
            ast::StmtKind::Magic(text) => m.magic(text, last.line),
            _ => Ok(None),
        }
    }

    /// Evaluates one expression (user_expressions) to its bundle.
    pub fn eval_expression(
        &mut self,
        code: &str,
        cancel: &CancelToken,
    ) -> Result<MimeBundle, LangError> {
        let expr = parser::parse_expression(code).map_err(|e| e.into_lang_error(code))?;
        let mut sink = NullOutput;
        let config = self.config;
        let mut m = Machine::new(
            self,
            Ctx {
                out: &mut sink,
                cancel,
                config,
                progress: ProgressMode::None,
                interp: None,
            },
        );
        let v = m
            .eval(&expr)
            .map_err(|e| e.with_line(1).into_lang_error(code))?;
        Ok(bundle(&v))
    }

    /// Completions at `cursor_pos` (code points).
    pub fn complete(&self, code: &str, cursor_pos: usize) -> Completion {
        complete::complete(&self.ns, code, cursor_pos)
    }

    /// Help for the name at `cursor_pos` (code points), if any.
    pub fn inspect(&self, code: &str, cursor_pos: usize, detail_level: u8) -> Option<MimeBundle> {
        complete::inspect(&self.ns, code, cursor_pos, detail_level)
    }
}

/// Discards output (user_expressions must not print).
pub(crate) struct NullOutput;

impl Output for NullOutput {
    fn stream(&mut self, _: Stream, _: &str) {}
    fn display(&mut self, _: MimeBundle, _: Option<&str>, _: bool) {}
    fn clear_output(&mut self, _: bool) {}
    fn page(&mut self, _: MimeBundle) {}
}

/// Whether `code` is complete, needs more lines, or is invalid.
pub fn is_complete(code: &str) -> Completeness {
    magics::is_complete(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpreter_can_move_to_a_worker_thread() {
        fn assert_send<T: Send + Sync>() {}
        assert_send::<Interpreter>();
    }

    #[test]
    fn keyboard_interrupt_name() {
        assert_eq!(
            error::ExcKind::KeyboardInterrupt.name(),
            "KeyboardInterrupt"
        );
    }
}
