//! Execution settings: thread count and memory budget, with defaults taken from the machine.

/// How a computation may use the machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExecConfig {
    /// Worker threads for chunk tasks.
    pub threads: usize,
    /// Bytes that chunks in flight may take, at most.
    pub memory_budget: u64,
}

impl Default for ExecConfig {
    fn default() -> Self {
        Self {
            threads: std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
            memory_budget: default_budget(),
        }
    }
}

/// A quarter of the machine's memory (cgroup limits aside), at least 256 MB; 2 GB if unknown.
fn default_budget() -> u64 {
    let total_kb = std::fs::read_to_string("/proc/meminfo").ok().and_then(|m| {
        m.lines()
            .find(|l| l.starts_with("MemTotal:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
    });
    total_kb.map_or(2 << 30, |kb| (kb * 1024 / 4).max(256 << 20))
}
