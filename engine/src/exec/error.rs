//! Errors while computing: storage failures, cancellation, and plans that cannot run.

use crate::io::IoError;

/// Why a computation stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExecError {
    /// Reading or decoding a chunk failed.
    #[error(transparent)]
    Io(#[from] IoError),
    /// A result larger than the memory it may take.
    #[error(transparent)]
    OutOfMemory(#[from] crate::model::memory::OutOfMemory),
    /// The computation was interrupted.
    #[error("interrupted")]
    Cancelled,
    /// argmin/argmax skipping NaN over values that are all NaN (numpy's nanargmin error).
    #[error("All-NaN slice encountered")]
    AllNanSlice,
    /// A plan reuses a sub-plan so often that running it would take exponential time.
    #[error(
        "this computation reuses an intermediate result {paths} times over (built in a loop \
         such as `a = a + a`?); compute the intermediate first (`a = a.compute()`) and go on \
         from that"
    )]
    PlanTooLarge {
        /// Root-to-leaf paths through the plan.
        paths: u64,
    },
    /// A plan deeper than the executor walks (built by a long loop of lazy operations).
    #[error(
        "this computation is {depth} operations deep (built in a loop such as `a = a + 1`?), \
         more than the {limit} Nereus runs at once; compute an intermediate result \
         (`a = a.compute()`) every few thousand steps"
    )]
    PlanTooDeep {
        /// The plan's depth.
        depth: usize,
        /// The deepest plan run.
        limit: usize,
    },
    /// A rechunk could not go through its temporary store.
    #[error("cannot rechunk through a temporary store: {why}")]
    Staging {
        /// The reason.
        why: String,
    },
    /// A 64-bit integer that the float64 computations cannot hold exactly.
    #[error(
        "the {dtype} value {value} cannot be computed exactly: Nereus computes in float64, \
         which holds integers only up to 2**53 (9007199254740992); xarray keeps such values \
         exact"
    )]
    InexactInteger {
        /// The dtype (`int64`, `uint64`).
        dtype: &'static str,
        /// The first such value met.
        value: String,
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
