//! `Context`: what one computation runs with (settings, progress callback, cancel token).

use super::progress::ProgressFn;
use super::{CancelToken, ExecConfig};

/// What a computation runs with.
pub struct Context<'a> {
    /// Threads and memory budget.
    pub config: ExecConfig,
    /// Called after every tile.
    pub progress: Option<ProgressFn<'a>>,
    /// Checked before every tile.
    pub cancel: &'a CancelToken,
}

impl<'a> Context<'a> {
    /// The same progress and cancellation under other settings.
    pub(super) fn with_config(&self, config: ExecConfig) -> Context<'a> {
        Context {
            config,
            progress: self.progress,
            cancel: self.cancel,
        }
    }
}
