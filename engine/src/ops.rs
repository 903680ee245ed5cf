//! The lazy plan: indexing, arithmetic and reductions on data arrays build an expression tree
//! over chunked sources; nothing is read until `exec` runs it.

pub mod align;
pub mod arith;
pub mod error;
pub mod explain;
pub mod expr;
pub mod groupby;
pub mod index;
pub mod open;
pub mod reduce;
pub mod resample;
pub mod rolling;
pub mod select;

pub use align::{align, Join};
pub use arith::Operand;
pub use error::PlanError;
pub use expr::{Expr, MapOp, Node, ReduceOp, Sel};
pub use groupby::{GroupBy, GroupReduce};
pub use open::{open_zarr, open_zarr_chunked, ChunkSize, Chunks, OpenError, OpenOptions};
pub use rolling::{Rolling, RollingWindow};
pub use select::{Indexer, Label, LabelIndexer};
