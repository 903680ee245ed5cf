//! Nereus engine: labelled chunked arrays over Zarr with xarray's names, lazy, computed in
//! parallel over chunks in bounded memory, with progress, cancellation and xarray-like reprs.
//!
//! A Rust program uses it alone through [`prelude`]: open a store, select, compute, reduce,
//! group, write. The kernel's cell language is one such program; it sees only this public API.

pub mod coding;
pub mod exec;
pub mod io;
pub mod model;
pub mod ops;
pub mod prelude;
pub mod repr;

pub use exec::CancelToken;
