//! Execution settings: thread count and memory budget, with defaults taken from the machine.

/// How a computation may use the machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExecConfig {
    /// Worker threads for chunk tasks.
    pub threads: usize,
    /// Bytes that chunks in flight may take, at most.
    pub memory_budget: u64,
    /// Bytes one result may take, at most (`%config memory=` sets both); `None`: the memory
    /// available when it is made.
    pub result_budget: Option<u64>,
}

impl Default for ExecConfig {
    fn default() -> Self {
        Self {
            threads: std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
            memory_budget: default_budget(),
            result_budget: None,
        }
    }
}

/// A quarter of the memory the process may have (the machine's, or its container's or
/// address-space limit), at least 256 MB; 2 GB if unknown.
fn default_budget() -> u64 {
    crate::model::memory::total().map_or(2 << 30, |bytes| (bytes / 4).max(256 << 20))
}
