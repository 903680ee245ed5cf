//! Shared by the tests: an `Output` that records stdout, pager pages and history for the
//! language tests, and Zarr store writers for the storage tests.
#![allow(dead_code, unreachable_pub)] // each test binary uses part of it

pub mod samples;
pub mod zarr;

use nereus_engine::lang::{Interpreter, MimeBundle, Output, Stream};
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
    match it.execute(code, &mut Recorder::default(), &CancelToken::new()) {
        Ok(Some(b)) => plain(&b),
        Ok(None) => String::new(),
        Err(e) => format!("{}: {}", e.ename, e.evalue),
    }
}
