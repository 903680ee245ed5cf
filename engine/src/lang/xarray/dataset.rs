//! Dataset operations, applied variable by variable as xarray does: each variable takes the
//! indexers and dimensions it has; coordinates along reduced dimensions are dropped.

use std::sync::Arc;

use super::super::builtins::Ctx;
use super::super::error::Res;
use super::super::value::Value;
use super::convert::{plan_error, run};
use crate::exec::{load_variable, ExecError};
use crate::model::{DataArray, Dataset, Variable};
use crate::ops::error::unknown_dim;
use crate::ops::reduce::result_dtype;
use crate::ops::{Indexer, LabelIndexer, PlanError, ReduceOp};

/// Checks every named dimension exists in the dataset.
fn check_dims<'a>(ds: &Dataset, names: impl IntoIterator<Item = &'a String>) -> Res<()> {
    let dims: Vec<String> = ds.dims().keys().cloned().collect();
    for d in names {
        if !dims.contains(d) {
            return Err(plan_error(&unknown_dim(d, &dims)));
        }
    }
    Ok(())
}

/// Rebuilds a dataset by mapping every variable (None drops it).
fn map_vars(
    ds: &Dataset,
    f: impl Fn(DataArray) -> Result<Option<Variable>, PlanError>,
) -> Res<Value> {
    let mut out = Dataset {
        attrs: ds.attrs.clone(),
        ..Dataset::default()
    };
    for (names, target) in [
        (ds.coords.keys().collect::<Vec<_>>(), &mut out.coords),
        (ds.data_vars.keys().collect::<Vec<_>>(), &mut out.data_vars),
    ] {
        for name in names {
            let Some(a) = ds.array(name) else { continue };
            if let Some(v) = f(a).map_err(|e| plan_error(&e))? {
                target.insert(name.clone(), v);
            }
        }
    }
    Ok(Value::Dataset(Arc::new(out)))
}

fn restrict<T: Clone>(a: &DataArray, pairs: &[(String, T)]) -> Vec<(String, T)> {
    pairs
        .iter()
        .filter(|(d, _)| a.dims().contains(d))
        .cloned()
        .collect()
}

/// `ds.isel(...)`.
pub(crate) fn isel(ds: &Dataset, indexers: &[(String, Indexer)]) -> Res<Value> {
    check_dims(ds, indexers.iter().map(|(d, _)| d))?;
    map_vars(ds, |a| Ok(Some(a.isel(&restrict(&a, indexers))?.variable)))
}

/// `ds.sel(...)`.
pub(crate) fn sel(ds: &Dataset, indexers: &[(String, LabelIndexer)], nearest: bool) -> Res<Value> {
    check_dims(ds, indexers.iter().map(|(d, _)| d))?;
    map_vars(ds, |a| {
        Ok(Some(a.sel(&restrict(&a, indexers), nearest)?.variable))
    })
}

/// `ds.mean(dim)` and the other reductions.
pub(crate) fn reduce(
    ds: &Dataset,
    op: ReduceOp,
    dims: Option<&[String]>,
    skipna: Option<bool>,
    ddof: u32,
) -> Res<Value> {
    if let Some(d) = dims {
        check_dims(ds, d)?;
    }
    let data_vars: Vec<&String> = ds.data_vars.keys().collect();
    map_vars(ds, |a| {
        let name = a.name.clone().unwrap_or_default();
        let mine: Vec<String> = a
            .dims()
            .iter()
            .filter(|d| dims.is_none_or(|w| w.contains(d)))
            .cloned()
            .collect();
        if !data_vars.contains(&&name) {
            // A coordinate survives only if no reduced dimension runs along it.
            return Ok(mine.is_empty().then(|| a.variable.clone()));
        }
        let mut out = if mine.is_empty() {
            reduce_absent(&a, op, skipna, ddof)?.variable
        } else {
            a.reduce(op, Some(&mine), skipna, ddof)?.variable
        };
        out.attrs.clone_from(&a.variable.attrs);
        Ok(Some(out))
    })
}

/// A data variable lacking every reduced dimension, reduced as xarray's Dataset reductions
/// reduce it: over none of its dimensions (each value alone), or over all when it has none.
/// A value alone keeps itself, and its dtype, under mean, min and max (sum may widen it).
pub(super) fn reduce_absent(
    a: &DataArray,
    op: ReduceOp,
    skipna: Option<bool>,
    ddof: u32,
) -> Result<DataArray, PlanError> {
    if a.dims().is_empty() {
        return a.reduce(op, None, skipna, ddof);
    }
    match op {
        ReduceOp::Mean | ReduceOp::Min | ReduceOp::Max => Ok(a.clone()),
        ReduceOp::Sum => {
            let dtype = result_dtype(op, a.dtype());
            Ok(if dtype == a.dtype() {
                a.clone()
            } else {
                a.astype(dtype)
            })
        }
        ReduceOp::Count | ReduceOp::Std | ReduceOp::Var => a.reduce(op, Some(&[]), skipna, ddof),
    }
}

/// `ds.load()`: every variable in memory, as one computation for progress.
pub(crate) fn load(ctx: &Ctx<'_>, ds: &Dataset) -> Res<Value> {
    run(ctx, |c| {
        let load_all = |vars: &indexmap::IndexMap<String, Variable>| {
            vars.iter()
                .map(|(k, v)| Ok((k.clone(), load_variable(v, c)?)))
                .collect::<Result<indexmap::IndexMap<_, _>, ExecError>>()
        };
        Ok(Value::Dataset(Arc::new(Dataset {
            coords: load_all(&ds.coords)?,
            data_vars: load_all(&ds.data_vars)?,
            attrs: ds.attrs.clone(),
        })))
    })
}
