//! How a cell's computations report progress to whoever shows it (the kernel's bars).
//!
//! This module only defines the hook (computations call it from `xarray::convert::run`);
//! rendering, throttling and publishing belong to the implementer (the kernel's session).

use super::ProgressMode;
use nereus_engine::exec::Progress;

/// Receives the progress of each computation a cell runs.
///
/// Every method is called on the thread that runs the cell; `update` comes after every chunk
/// (in bursts, one per wave of chunks), so it must stay cheap: keep state and throttle before
/// doing anything slow.
pub trait ProgressSink: Sync {
    /// A computation starts, to be shown per `mode` (`%config progress=...`).
    fn begin(&self, mode: ProgressMode);
    /// Chunks and bytes done so far. Counts restart when a computation has several stages
    /// (an inner reduction first, then the outer one).
    fn update(&self, progress: Progress);
    /// The computation ended; `completed` is false when it failed or was interrupted.
    fn end(&self, completed: bool);
}
