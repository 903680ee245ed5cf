//! The lazy operations: indexing, arithmetic and reductions on data arrays and datasets build
//! a [`Plan`] over chunked sources; nothing is read until `exec` runs it.

pub mod align;
pub mod along;
pub mod arith;
pub mod coarsen;
pub mod combine;
pub mod construct;
pub mod dataset;
pub mod dt;
pub mod error;
pub mod explain;
pub mod groupby;
pub mod index;
pub mod narrow;
pub mod open;
pub mod plan;
pub mod rechunk;
pub mod reduce;
pub mod resample;
pub mod rolling;
pub mod select;
pub mod structure;
pub mod text;
pub mod weighted;

pub use align::{align, Join};
pub use arith::Operand;
pub use coarsen::{Boundary, Coarsen};
pub use error::PlanError;
pub use groupby::GroupBy;
pub use open::{open_zarr, open_zarr_chunked, ChunkSize, Chunks, OpenError, OpenOptions};
pub use plan::{
    Along, AlongOp, Concat, GroupReduce, MapOp, Node, Plan, Rechunk, ReduceOp, Rolling, Sel,
};
pub use rechunk::ChunkSpec;
pub use rolling::RollingWindow;
pub use select::{Indexer, Label, LabelIndexer};
pub use weighted::Weighted;
