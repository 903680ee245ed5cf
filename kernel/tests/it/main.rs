//! End-to-end tests: spawn the `nereus` binary and drive it with a Rust ZeroMQ client.
#![allow(missing_docs, unreachable_pub, clippy::unwrap_used)]

mod harness;
mod protocol;
mod robustness;
