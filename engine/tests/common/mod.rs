//! Shared by the tests: Zarr store writers for the storage tests, a chunked source computed
//! from its indices for the executor tests, the small sample stores and a test context.
#![allow(dead_code, unused_imports, unreachable_pub)] // each test binary uses part of it

mod context;
pub mod html;
pub mod source;
pub mod zarr;

pub use context::ctx;
