//! How much memory a value may take, and the check that refuses one before it is allocated:
//! Rust aborts the process when an allocation fails (and a container's limit kills it), so an
//! allocation sized by user data is measured against what is left first.

use super::nbytes;
use std::fmt;

/// A result that does not fit: what it is, what it needs, and the budget it was held to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} needs {}; the memory budget is {}", nbytes::binary(*.needs), self.budget)]
pub struct OutOfMemory {
    /// What was to be allocated, e.g. "the result (float64, shape (480, 180, 360))".
    pub what: String,
    /// Bytes it needs (saturated at `u128::MAX`).
    pub needs: u128,
    /// The limit it exceeds.
    pub budget: Budget,
}

/// The limit a result is held to, and where it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    /// Set by the user (`%config memory=`, `ExecConfig::result_budget`).
    Set(u64),
    /// What the machine (its container, the process's address-space limit) has left now.
    Available(u64),
}

impl fmt::Display for Budget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Budget::Set(n) => write!(f, "{} (set by %config memory=)", nbytes::binary(n)),
            Budget::Available(n) => {
                write!(f, "{} (the memory available now)", nbytes::binary(n))
            }
        }
    }
}

impl Budget {
    /// The budget for one result: `set` if given (or less, when less is available).
    pub fn for_result(set: Option<u64>) -> Budget {
        let available = available();
        match set {
            Some(n) if n <= available => Budget::Set(n),
            _ => Budget::Available(available),
        }
    }

    fn bytes(self) -> u64 {
        match self {
            Budget::Set(n) | Budget::Available(n) => n,
        }
    }
}

/// Allocations below this are not measured unless a budget is set: reading `/proc` costs more
/// than they risk.
const UNMEASURED: u128 = 1 << 24;

/// Refuses `needs` bytes for `what` when they exceed the budget for a result (`set`, or the
/// memory available now).
pub fn check(
    needs: u128,
    set: Option<u64>,
    what: impl FnOnce() -> String,
) -> Result<(), OutOfMemory> {
    if needs < UNMEASURED && set.is_none_or(|s| needs <= u128::from(s)) {
        return Ok(());
    }
    let budget = Budget::for_result(set);
    if needs <= u128::from(budget.bytes()) {
        return Ok(());
    }
    Err(OutOfMemory {
        what: what(),
        needs,
        budget,
    })
}

/// Bytes of an array of `shape` with `item` bytes per element, without overflow.
pub fn bytes_of(shape: &[usize], item: usize) -> u128 {
    shape
        .iter()
        .try_fold(item as u128, |n, &d| n.checked_mul(d as u128))
        .unwrap_or(u128::MAX)
}

/// Bytes the process can still take: the least of the machine's available memory, its
/// control group's room (v2 or v1) and its address-space limit's room (`ulimit -v`).
pub fn available() -> u64 {
    [
        meminfo("MemAvailable:"),
        cgroup_room(),
        address_space_room(),
    ]
    .into_iter()
    .flatten()
    .min()
    .unwrap_or(u64::MAX)
}

/// Memory the process could ever have: the machine's, its control group's limit, its
/// address-space limit, whichever is least.
pub fn total() -> Option<u64> {
    [meminfo("MemTotal:"), cgroup_limit(), address_space_limit()]
        .into_iter()
        .flatten()
        .min()
}

/// A `/proc/meminfo` field in bytes.
fn meminfo(field: &str) -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with(field))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb.saturating_mul(1024))
}

/// A number in a control-group file (`max` and absurd v1 "unlimited" values are none).
fn cgroup_number(path: &str) -> Option<u64> {
    let n: u64 = std::fs::read_to_string(path).ok()?.trim().parse().ok()?;
    (n < 1 << 60).then_some(n)
}

/// The control-group directories that limit this process: its own and every ancestor, for
/// the v2 hierarchy and v1's memory controller.
fn cgroup_dirs() -> Vec<(String, &'static str, &'static str)> {
    let Ok(text) = std::fs::read_to_string("/proc/self/cgroup") else {
        return Vec::new();
    };
    let mut dirs = Vec::new();
    for line in text.lines() {
        let mut parts = line.splitn(3, ':');
        let (Some(_), Some(controllers), Some(path)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let (root, limit, usage) = if controllers.is_empty() {
            ("/sys/fs/cgroup", "memory.max", "memory.current")
        } else if controllers.split(',').any(|c| c == "memory") {
            (
                "/sys/fs/cgroup/memory",
                "memory.limit_in_bytes",
                "memory.usage_in_bytes",
            )
        } else {
            continue;
        };
        // Inside a container the path may name the host's hierarchy while the mount shows the
        // container's own group at the root: the root is in the list either way.
        let mut path = path.trim_end_matches('/').to_string();
        loop {
            dirs.push((format!("{root}{path}"), limit, usage));
            match path.rfind('/') {
                Some(at) => path.truncate(at),
                None => break,
            }
            if path.is_empty() {
                dirs.push((root.to_string(), limit, usage));
                break;
            }
        }
    }
    dirs
}

/// The tightest control-group memory limit.
fn cgroup_limit() -> Option<u64> {
    cgroup_dirs()
        .iter()
        .filter_map(|(dir, limit, _)| cgroup_number(&format!("{dir}/{limit}")))
        .min()
}

/// The least room left under any control-group limit; reclaimable page cache counts as room.
fn cgroup_room() -> Option<u64> {
    cgroup_dirs()
        .iter()
        .filter_map(|(dir, limit, usage)| {
            let limit = cgroup_number(&format!("{dir}/{limit}"))?;
            let used = cgroup_number(&format!("{dir}/{usage}")).unwrap_or(0);
            let cache = std::fs::read_to_string(format!("{dir}/memory.stat"))
                .ok()
                .and_then(|s| {
                    s.lines()
                        .find_map(|l| {
                            l.strip_prefix("inactive_file ")
                                .or_else(|| l.strip_prefix("total_inactive_file "))
                        })
                        .and_then(|v| v.trim().parse::<u64>().ok())
                })
                .unwrap_or(0);
            Some(limit.saturating_sub(used.saturating_sub(cache)))
        })
        .min()
}

/// The soft address-space limit (`ulimit -v`, `prlimit --as`), if any.
fn address_space_limit() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = text.lines().find(|l| l.starts_with("Max address space"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// Room under the address-space limit: the limit less the process's virtual size.
fn address_space_room() -> Option<u64> {
    let limit = address_space_limit()?;
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: u64 = status
        .lines()
        .find(|l| l.starts_with("VmSize:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(limit.saturating_sub(kb.saturating_mul(1024)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_result_over_the_set_budget_is_refused_by_name() {
        let err = check(3 << 30, Some(1 << 30), || "the result".into()).expect_err("over");
        assert_eq!(
            err.to_string(),
            "the result needs 3.00 GiB; the memory budget is 1.00 GiB (set by %config memory=)"
        );
        assert!(check(1 << 20, Some(1 << 30), || unreachable!()).is_ok());
    }

    #[test]
    fn shapes_past_any_memory_do_not_overflow() {
        assert_eq!(bytes_of(&[480, 180, 360], 4), 124_416_000);
        assert_eq!(bytes_of(&[usize::MAX, usize::MAX, 4], 8), u128::MAX);
        assert!(check(u128::MAX, None, || "x".into()).is_err());
        assert!(available() > 0);
        assert!(total().is_some_and(|t| t > 0));
    }
}
