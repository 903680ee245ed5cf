//! Nereus engine: labelled chunked arrays over Zarr, and the cell language that drives them.
//!
//! The kernel talks to the engine only through [`lang::Interpreter`] (run a cell, complete,
//! inspect) and [`exec::CancelToken`] (interrupt a running cell). It never sees protocol types.

pub mod coding;
pub mod exec;
pub mod io;
pub mod lang;
pub mod model;
pub mod ops;
pub mod prelude;
pub mod repr;
pub mod sample;

pub use exec::CancelToken;
pub use lang::{Interpreter, LangError, MimeBundle, Output, Stream};
