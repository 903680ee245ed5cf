//! The executor: runs plans chunk by chunk on a thread pool within a memory budget, with
//! progress events and cancellation.

mod cancel;
mod cells;
mod concat;
mod config;
mod context;
mod elementwise;
mod error;
mod fused;
mod groups;
mod progress;
mod results;
mod run;
mod shared;
mod staged;
mod tiles;
mod whole_axis;
mod window;
mod write;

pub use cancel::{CancelToken, Cancelled};
pub use config::ExecConfig;
pub use context::Context;
pub use error::ExecError;
pub use progress::{Progress, ProgressFn};
pub use run::compute;
pub use write::{
    ArrayProgress, Mismatch, ToZarr, WriteError, WriteMode, WriteReport, WriteSummary,
};

use crate::model::{Data, DataArray, Dataset, Variable};
use crate::ops::arith::plan_of;
use std::sync::Arc;

/// Computes a variable's values (a no-op when they are in memory).
pub fn load_variable(var: &Variable, ctx: &Context<'_>) -> Result<Variable, ExecError> {
    if var.data.is_loaded() {
        return Ok(var.clone());
    }
    let block = compute(&plan_of(var), ctx)?;
    Ok(Variable {
        dims: var.dims.clone(),
        data: Data::Memory(Arc::new(block)),
        attrs: var.attrs.clone(),
        encoding: var.encoding.clone(),
    })
}

impl DataArray {
    /// `.load()` / `.compute()`: the values and every coordinate in memory.
    pub fn compute(&self, ctx: &Context<'_>) -> Result<DataArray, ExecError> {
        Ok(DataArray {
            name: self.name.clone(),
            variable: load_variable(&self.variable, ctx)?,
            coords: self
                .coords
                .iter()
                .map(|(k, c)| Ok((k.clone(), load_variable(c, ctx)?)))
                .collect::<Result<_, ExecError>>()?,
        })
    }
}

impl Dataset {
    /// `.load()` / `.compute()`: every variable in memory, as one computation for progress.
    pub fn compute(&self, ctx: &Context<'_>) -> Result<Dataset, ExecError> {
        let load_all = |vars: &indexmap::IndexMap<String, Variable>| {
            vars.iter()
                .map(|(k, v)| Ok((k.clone(), load_variable(v, ctx)?)))
                .collect::<Result<indexmap::IndexMap<_, _>, ExecError>>()
        };
        Ok(Dataset {
            coords: load_all(&self.coords)?,
            data_vars: load_all(&self.data_vars)?,
            attrs: self.attrs.clone(),
            coords_first: self.coords_first,
        })
    }
}
