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

/// Computes a variable that xarray would hold as numpy (a plan over values in memory only,
/// not chunked): operations on numpy arrays are eager in xarray, so their results show values.
/// Other variables stay as they are, and so does one that memory cannot hold (where numpy
/// would fail, Nereus keeps it lazy: a reduction of it still streams).
pub fn settle_variable(var: &Variable, ctx: &Context<'_>) -> Result<Variable, ExecError> {
    let needs = crate::model::memory::bytes_of(&var.shape(), var.dtype().size());
    let fits = crate::model::memory::check(needs, ctx.config.result_budget, String::new).is_ok();
    if fits && unsettled(var) {
        return load_variable(var, ctx);
    }
    Ok(var.clone())
}

/// Whether a variable is lazy over values in memory only (see [`settle_variable`]).
fn unsettled(var: &Variable) -> bool {
    matches!(var.data, Data::Lazy(_)) && plan_of(var).is_numpy_backed()
}

impl DataArray {
    /// The values and coordinates that xarray would hold as numpy, computed
    /// ([`settle_variable`]); lazy data read from a store or chunked stays lazy.
    pub fn settle(&self, ctx: &Context<'_>) -> Result<DataArray, ExecError> {
        self.each_variable(|v| settle_variable(v, ctx))
    }

    /// Whether [`DataArray::settle`] has something to compute.
    pub fn unsettled(&self) -> bool {
        std::iter::once(&self.variable)
            .chain(self.coords.values())
            .any(unsettled)
    }

    /// `.load()` / `.compute()`: the values and every coordinate in memory.
    pub fn compute(&self, ctx: &Context<'_>) -> Result<DataArray, ExecError> {
        self.each_variable(|v| load_variable(v, ctx))
    }

    /// The array with `f` applied to its values and every coordinate.
    fn each_variable(
        &self,
        f: impl Fn(&Variable) -> Result<Variable, ExecError>,
    ) -> Result<DataArray, ExecError> {
        Ok(DataArray {
            name: self.name.clone(),
            variable: f(&self.variable)?,
            coords: self
                .coords
                .iter()
                .map(|(k, c)| Ok((k.clone(), f(c)?)))
                .collect::<Result<_, ExecError>>()?,
        })
    }
}

impl Dataset {
    /// [`DataArray::settle`] for every variable.
    pub fn settle(&self, ctx: &Context<'_>) -> Result<Dataset, ExecError> {
        self.each_variable(|v| settle_variable(v, ctx))
    }

    /// Whether [`Dataset::settle`] has something to compute.
    pub fn unsettled(&self) -> bool {
        self.coords
            .values()
            .chain(self.data_vars.values())
            .any(unsettled)
    }

    /// `.load()` / `.compute()`: every variable in memory, as one computation for progress.
    pub fn compute(&self, ctx: &Context<'_>) -> Result<Dataset, ExecError> {
        self.each_variable(|v| load_variable(v, ctx))
    }

    /// The dataset with `f` applied to every variable.
    fn each_variable(
        &self,
        f: impl Fn(&Variable) -> Result<Variable, ExecError>,
    ) -> Result<Dataset, ExecError> {
        let all = |vars: &indexmap::IndexMap<String, Variable>| {
            vars.iter()
                .map(|(k, v)| Ok((k.clone(), f(v)?)))
                .collect::<Result<indexmap::IndexMap<_, _>, ExecError>>()
        };
        Ok(Dataset {
            coords: all(&self.coords)?,
            data_vars: all(&self.data_vars)?,
            attrs: self.attrs.clone(),
            coords_first: self.coords_first,
        })
    }
}
