//! Errors while computing: storage failures, cancellation, and plans that cannot run.

use crate::io::IoError;

/// Why a computation stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExecError {
    /// Reading or decoding a chunk failed.
    #[error(transparent)]
    Io(#[from] IoError),
    /// The computation was interrupted.
    #[error("interrupted")]
    Cancelled,
    /// argmin/argmax skipping NaN over values that are all NaN (numpy's nanargmin error).
    #[error("All-NaN slice encountered")]
    AllNanSlice,
    /// A rechunk could not go through its temporary store.
    #[error("cannot rechunk through a temporary store: {why}")]
    Staging {
        /// The reason.
        why: String,
    },
    /// The worker pool could not be started.
    #[error("cannot start {threads} worker threads: {why}")]
    Pool {
        /// Threads asked for.
        threads: usize,
        /// The reason.
        why: String,
    },
}

impl From<super::Cancelled> for ExecError {
    fn from(_: super::Cancelled) -> Self {
        ExecError::Cancelled
    }
}
