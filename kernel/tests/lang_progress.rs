//! Every computation a cell runs reports to the output's progress sink: begin with the
//! `%config progress` mode, rising updates, end (failed when interrupted).
#![allow(clippy::unwrap_used, reason = "test fixtures")]

mod common;

use common::samples::data_dir;

use std::sync::Mutex;

use nereus::lang::{Interpreter, MimeBundle, Output, ProgressMode, ProgressSink, Stream};
use nereus_engine::exec::Progress;
use nereus_engine::CancelToken;

/// What a sink was told, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Event {
    Begin(ProgressMode),
    Update(Progress),
    End(bool),
}

/// An output that records progress events and can cancel after the first update.
#[derive(Default)]
struct Sink {
    events: Mutex<Vec<Event>>,
    cancel_on_update: Option<CancelToken>,
}

impl Output for Sink {
    fn stream(&mut self, _: Stream, _: &str) {}
    fn display(&mut self, _: MimeBundle, _: Option<&str>, _: bool) {}
    fn clear_output(&mut self, _: bool) {}
    fn page(&mut self, _: MimeBundle) {}
    fn progress(&self) -> Option<&dyn ProgressSink> {
        Some(self)
    }
}

impl ProgressSink for Sink {
    fn begin(&self, mode: ProgressMode) {
        self.events.lock().unwrap().push(Event::Begin(mode));
    }
    fn update(&self, progress: Progress) {
        self.events.lock().unwrap().push(Event::Update(progress));
        if let Some(cancel) = &self.cancel_on_update {
            cancel.cancel();
        }
    }
    fn end(&self, completed: bool) {
        self.events.lock().unwrap().push(Event::End(completed));
    }
}

/// An interpreter with the small sample SSH store open as `ssh`.
fn session() -> Interpreter {
    let dir = data_dir();
    let mut it = Interpreter::new();
    let code = format!(
        "import xarray as xr\nssh = xr.open_zarr(\"{}/ssh.zarr\").sossheig",
        dir.display()
    );
    it.execute(&code, &mut Sink::default(), &CancelToken::new())
        .unwrap();
    it
}

fn events(it: &mut Interpreter, code: &str, sink: &mut Sink, cancel: &CancelToken) -> Vec<Event> {
    let _ = it.execute(code, sink, cancel);
    std::mem::take(&mut *sink.events.lock().unwrap())
}

#[test]
fn a_load_reports_begin_rising_updates_and_end() {
    let mut it = session();
    let cancel = CancelToken::new();
    let got = events(
        &mut it,
        "m = ssh.mean('time_counter').load()",
        &mut Sink::default(),
        &cancel,
    );
    assert_eq!(got.first(), Some(&Event::Begin(ProgressMode::Bar)));
    assert_eq!(got.last(), Some(&Event::End(true)));
    let updates: Vec<Progress> = got
        .iter()
        .filter_map(|e| match e {
            Event::Update(p) => Some(*p),
            _ => None,
        })
        .collect();
    assert!(!updates.is_empty());
    let first = updates[0];
    assert!(first.chunks_total > 0 && first.bytes_total > 0, "{first:?}");
    assert!(updates.iter().any(|p| p.chunks_done == p.chunks_total));

    // One begin/end pair per computation; the mode follows %config, even within the cell.
    let got = events(
        &mut it,
        "%config progress=summary\nv = float(ssh.max())",
        &mut Sink::default(),
        &cancel,
    );
    assert_eq!(got.first(), Some(&Event::Begin(ProgressMode::Summary)));
    assert_eq!(got.iter().filter(|e| matches!(e, Event::End(_))).count(), 1);

    // Lazy operations compute nothing, so report nothing.
    let got = events(
        &mut it,
        "lazy = ssh.std('time_counter')",
        &mut Sink::default(),
        &cancel,
    );
    assert!(got.is_empty(), "{got:?}");
}

#[test]
fn an_interrupted_computation_ends_failed() {
    let mut it = session();
    let cancel = CancelToken::new();
    let mut sink = Sink {
        cancel_on_update: Some(cancel.clone()),
        ..Sink::default()
    };
    let got = events(
        &mut it,
        "m = ssh.std('time_counter').load()",
        &mut sink,
        &cancel,
    );
    assert_eq!(got.last(), Some(&Event::End(false)), "{got:?}");
}
