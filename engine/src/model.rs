//! The data model: dtypes, typed in-memory blocks, attributes, variables, arrays and datasets.
//!
//! Nothing here reads files or computes; `io` produces these values, `ops` plans over them and
//! `exec` computes them.

mod attrs;
mod block;
mod dataarray;
mod dataset;
mod dtype;
mod labels;
mod lazy;
pub mod memory;
pub mod names;
pub mod nbytes;
mod variable;

pub use attrs::{drop_conflicts, Attrs};
pub(crate) use block::{map_block, with_block};
pub use block::{shape_text, Block, ToF64};
pub use dataarray::DataArray;
pub use dataset::Dataset;
pub use dtype::DType;
pub use labels::{Labels, LABELS_KEY};
pub use lazy::{Data, LazyArray};
pub use variable::{Variable, TIME_CALENDAR_KEY};
