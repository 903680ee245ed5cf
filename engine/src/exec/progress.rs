//! Progress events: how much of a computation is done, reported after every chunk.

/// Chunks and bytes done out of the total for one computation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Chunk tasks finished.
    pub chunks_done: usize,
    /// Chunk tasks in all.
    pub chunks_total: usize,
    /// Bytes of decoded input processed.
    pub bytes_done: u64,
    /// Bytes of decoded input in all.
    pub bytes_total: u64,
}

/// A progress callback; it is called from the coordinating thread, in order.
pub type ProgressFn<'a> = &'a (dyn Fn(Progress) + Sync);
