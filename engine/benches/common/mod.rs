//! Shared by the bench binaries: this process's peak memory.

use std::error::Error;

/// This process's peak resident set (VmHWM), in MiB.
pub(crate) fn peak_rss_mb() -> Result<f64, Box<dyn Error + Send + Sync>> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .ok_or("no VmHWM in /proc/self/status")?
        .parse()?;
    #[allow(clippy::cast_precision_loss)]
    Ok(kb as f64 / 1024.0)
}
