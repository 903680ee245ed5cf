//! The [`Output`] a running cell writes to: turns each call into a message for [`Publish`],
//! including the progress bars of its computations. It decides nothing about bars itself
//! (`session::progress` does); it only reads the clock and publishes.

use super::history::History;
use super::progress::Reporter;
use super::{media, Publish};
use crate::lang::{MimeBundle, Output, Stream};
use crate::lang::{ProgressMode, ProgressSink};
use jupyter_protocol::{
    ClearOutput, DisplayData, JupyterMessageContent, Payload, StreamContent, Transient,
    UpdateDisplayData,
};
use nereus_engine::exec::Progress;
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

/// One cell's outputs.
pub(super) struct Outputs<'a> {
    /// Locked only so the progress callback (shared access) can publish too; one thread runs
    /// the cell, so it is never contended.
    out: Mutex<&'a mut dyn Publish>,
    silent: bool,
    /// Pager payloads for the execute_reply.
    pub(super) payload: Vec<Payload>,
    /// The history file, read by `%history`.
    history: Option<&'a History>,
    /// This session's cells when there is no history file.
    inputs: &'a [(usize, String)],
    progress: Reporter,
}

impl<'a> Outputs<'a> {
    /// Outputs of a cell to `out`; a silent cell shows nothing.
    pub(super) fn new(
        out: &'a mut dyn Publish,
        silent: bool,
        history: Option<&'a History>,
        inputs: &'a [(usize, String)],
    ) -> Self {
        Self {
            out: Mutex::new(out),
            silent,
            payload: Vec::new(),
            history,
            inputs,
            progress: Reporter::default(),
        }
    }

    fn publish(&mut self, content: JupyterMessageContent) {
        self.out
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .publish(content);
    }

    fn publish_shared(&self, content: Option<JupyterMessageContent>) {
        if let Some(content) = content {
            self.out
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .publish(content);
        }
    }

    /// Settles a bar the cell left open (a panic skipped its end) as stopped.
    pub(super) fn close_progress(&self) {
        self.publish_shared(self.progress.end(false, Instant::now()));
    }
}

impl Output for Outputs<'_> {
    fn stream(&mut self, stream: Stream, text: &str) {
        if self.silent || text.is_empty() {
            return;
        }
        let content = match stream {
            Stream::Stdout => StreamContent::stdout(text),
            Stream::Stderr => StreamContent::stderr(text),
        };
        self.publish(content.into());
    }

    fn display(&mut self, data: MimeBundle, display_id: Option<&str>, update: bool) {
        if self.silent {
            return;
        }
        let transient = Transient {
            display_id: display_id.map(str::to_owned),
        };
        let content = match (update, display_id) {
            (true, Some(_)) => JupyterMessageContent::UpdateDisplayData(UpdateDisplayData {
                data: media(data),
                metadata: serde_json::Map::new(),
                transient,
            }),
            _ => JupyterMessageContent::DisplayData(DisplayData {
                data: media(data),
                metadata: serde_json::Map::new(),
                transient: Some(transient),
            }),
        };
        self.publish(content);
    }

    fn clear_output(&mut self, wait: bool) {
        if !self.silent {
            self.publish(ClearOutput { wait }.into());
        }
    }

    fn page(&mut self, data: MimeBundle) {
        self.payload.push(Payload::Page {
            data: media(data),
            start: 0,
        });
    }

    fn history(&self) -> Vec<(usize, String)> {
        let Some(history) = self.history else {
            return self.inputs.to_vec();
        };
        match history.range(0, 1, 0) {
            Ok(entries) => entries.into_iter().map(|e| (e.line, e.source)).collect(),
            Err(e) => {
                log::warn!("{e}");
                Vec::new()
            }
        }
    }

    fn progress(&self) -> Option<&dyn ProgressSink> {
        (!self.silent).then_some(self as &dyn ProgressSink)
    }
}

/// Called by the executor on the cell's thread; throttled in [`Reporter`], so most calls only
/// update counters, and the few that publish hand one message to the iopub channel.
impl ProgressSink for Outputs<'_> {
    fn begin(&self, mode: ProgressMode) {
        self.progress.begin(mode, Instant::now());
    }

    fn update(&self, progress: Progress) {
        self.publish_shared(self.progress.update(progress, Instant::now()));
    }

    fn end(&self, completed: bool) {
        self.publish_shared(self.progress.end(completed, Instant::now()));
    }
}
