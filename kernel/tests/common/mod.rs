//! Shared by the language tests: an `Output` that records stdout, pager pages and history,
//! interpreters set up over the small sample stores, and (from the engine's tests) the sample
//! stores and a test context.
#![allow(dead_code, unused_imports, unreachable_pub)] // each test binary uses part of it

#[path = "../../../engine/tests/common/context.rs"]
mod context;
#[path = "../../../engine/tests/common/html.rs"]
pub mod html;
pub mod samples;

pub use context::ctx;
use nereus::lang::{Interpreter, MimeBundle, Output, Stream};
use nereus_engine::CancelToken;

/// Records what a cell printed to stdout and paged; serves `history` for `%history`.
#[derive(Default)]
pub struct Recorder {
    pub stdout: String,
    pub pages: Vec<String>,
    pub history: Vec<(usize, String)>,
}

/// The `text/plain` of a bundle.
pub fn plain(b: &MimeBundle) -> String {
    b.get("text/plain")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

impl Output for Recorder {
    fn stream(&mut self, stream: Stream, text: &str) {
        if stream == Stream::Stdout {
            self.stdout.push_str(text);
        }
    }
    fn display(&mut self, _: MimeBundle, _: Option<&str>, _: bool) {}
    fn clear_output(&mut self, _: bool) {}
    fn page(&mut self, data: MimeBundle) {
        self.pages.push(plain(&data));
    }
    fn history(&self) -> Vec<(usize, String)> {
        self.history.clone()
    }
}

/// An interpreter that has run `setup`, with `{DATA}` in it replaced by the sample directory.
pub fn session(setup: &str) -> Interpreter {
    let mut it = Interpreter::new();
    let setup = setup.replace("{DATA}", &samples::data_dir().display().to_string());
    let r = it.execute(&setup, &mut Recorder::default(), &CancelToken::new());
    assert!(r.is_ok(), "{r:?}");
    it
}

/// Runs a cell: the shown value's text, nothing, or "ename: evalue".
pub fn show(it: &mut Interpreter, code: &str) -> String {
    run_in(it, code, &mut Recorder::default()).unwrap_or_else(|e| e)
}

/// Runs `cells` in one session after `setup` (as [`session`] takes it): the last cell's shown
/// value, or the first error as "ename: evalue", and what the cells printed.
pub fn run_cells(setup: &str, cells: &[&str]) -> (String, String) {
    let mut it = session(setup);
    let mut out = Recorder::default();
    let mut shown = String::new();
    for cell in cells {
        match run_in(&mut it, cell, &mut out) {
            Ok(text) => shown = text,
            Err(e) => return (e, out.stdout),
        }
    }
    (shown, out.stdout)
}

/// Runs a cell into `out`: the shown value's text (empty for none), or "ename: evalue".
fn run_in(it: &mut Interpreter, code: &str, out: &mut Recorder) -> Result<String, String> {
    match it.execute(code, out, &CancelToken::new()) {
        Ok(shown) => Ok(shown.as_ref().map(plain).unwrap_or_default()),
        Err(e) => Err(format!("{}: {}", e.ename, e.evalue)),
    }
}
