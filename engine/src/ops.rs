//! The lazy plan: indexing, arithmetic and reductions on data arrays build an expression tree
//! over chunked sources; nothing is read until `exec` runs it.

pub mod align;
pub mod along;
pub mod arith;
pub mod coarsen;
pub mod combine;
pub mod error;
pub mod explain;
pub mod expr;
pub mod groupby;
pub mod index;
pub mod narrow;
pub mod open;
pub mod rechunk;
pub mod reduce;
pub mod resample;
pub mod rolling;
pub mod select;
pub mod structure;
pub mod weighted;

pub use align::{align, Join};
pub use along::{Along, AlongOp};
pub use arith::Operand;
pub use coarsen::{Boundary, Coarsen};
pub use error::PlanError;
pub use expr::{Expr, MapOp, Node, ReduceOp, Sel};
pub use groupby::{GroupBy, GroupReduce};
pub use open::{open_zarr, open_zarr_chunked, ChunkSize, Chunks, OpenError, OpenOptions};
pub use rechunk::{ChunkSpec, Rechunk};
pub use rolling::{Rolling, RollingWindow};
pub use select::{Indexer, Label, LabelIndexer};
pub use weighted::Weighted;
