//! What a Rust program using the engine alone needs in scope: `use nereus_engine::prelude::*;`
//! brings the data model, opening a store, the operations' arguments, computing and writing.

pub use crate::exec::{CancelToken, Context, ExecConfig, ExecError, ToZarr, WriteError, WriteMode};
pub use crate::model::{DType, DataArray, Dataset, Variable};
pub use crate::ops::dataset::DatasetOperand;
pub use crate::ops::{
    open_zarr, Indexer, Join, Label, LabelIndexer, MapOp, OpenError, OpenOptions, Operand,
    PlanError, ReduceOp,
};
