//! A computation context for the tests (two threads, a 64 MiB budget); the kernel's tests
//! include this file too.

use nereus_engine::exec::{CancelToken, Context, ExecConfig};

/// A computation context for the tests: two threads, a 64 MiB budget.
pub fn ctx(cancel: &CancelToken) -> Context<'_> {
    Context {
        config: ExecConfig {
            threads: 2,
            memory_budget: 64 << 20,
            result_budget: None,
        },
        progress: None,
        cancel,
    }
}
