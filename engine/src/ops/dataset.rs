//! Dataset operations, applied variable by variable as xarray does: each variable takes the
//! indexers and dimensions it has; coordinates along reduced dimensions are dropped.

mod arith;
mod assign;
mod climate;
mod structure;

pub use climate::{DatasetCoarsen, DatasetGroupBy, DatasetRolling, DatasetWeighted};

use super::error::unknown_dim;
use super::reduce::result_dtype;
use super::{Indexer, Label, LabelIndexer, PlanError, ReduceOp};
use crate::model::{DataArray, Dataset, Variable};

/// What a Dataset is combined with: one array for every variable, or a dataset's variable
/// of each name.
#[derive(Debug, Clone, Copy)]
pub enum DatasetOperand<'a> {
    /// The same array for every variable.
    Array(&'a DataArray),
    /// The variable of the same name.
    Dataset(&'a Dataset),
}

impl Dataset {
    /// The dataset's dimension names, in [`Dataset::dims`] order.
    fn dim_names(&self) -> Vec<String> {
        self.dims().keys().cloned().collect()
    }

    /// Checks every named dimension exists in the dataset.
    fn check_dims<'a>(&self, names: impl IntoIterator<Item = &'a String>) -> Result<(), PlanError> {
        let dims = self.dim_names();
        for d in names {
            if !dims.contains(d) {
                return Err(unknown_dim(d, &dims));
            }
        }
        Ok(())
    }

    /// The dataset with every variable mapped by `f` (`None` drops it), attributes kept.
    pub fn map_variables(
        &self,
        f: impl Fn(DataArray) -> Result<Option<Variable>, PlanError>,
    ) -> Result<Dataset, PlanError> {
        let mut out = Dataset {
            attrs: self.attrs.clone(),
            coords_first: self.coords_first,
            ..Dataset::default()
        };
        for (names, target) in [
            (self.coords.keys().collect::<Vec<_>>(), &mut out.coords),
            (
                self.data_vars.keys().collect::<Vec<_>>(),
                &mut out.data_vars,
            ),
        ] {
            for name in names {
                let Some(a) = self.array(name) else { continue };
                if let Some(v) = f(a)? {
                    target.insert(name.clone(), v);
                }
            }
        }
        Ok(out)
    }

    /// `ds.isel(...)`: positions along the named dimensions, in every variable having them.
    pub fn isel(&self, indexers: &[(String, Indexer)]) -> Result<Dataset, PlanError> {
        self.check_dims(indexers.iter().map(|(d, _)| d))?;
        self.map_variables(|a| Ok(Some(a.isel(&restrict(&a, indexers))?.variable)))
    }

    /// `ds.sel(...)`: labels along the named dimensions (`nearest`: the closest label, at most
    /// `tolerance` away); see [`DataArray::sel`].
    pub fn sel(
        &self,
        indexers: &[(String, LabelIndexer)],
        nearest: bool,
        tolerance: Option<f64>,
    ) -> Result<Dataset, PlanError> {
        self.check_dims(indexers.iter().map(|(d, _)| d))?;
        self.map_variables(|a| {
            let mine = restrict(&a, indexers);
            Ok(Some(a.sel(&mine, nearest, tolerance)?.variable))
        })
    }

    /// `ds.drop_sel(dim=labels, ...)`: see [`DataArray::drop_sel`].
    pub fn drop_sel(
        &self,
        labels: &[(String, Vec<Label>)],
        ignore_missing: bool,
    ) -> Result<Dataset, PlanError> {
        self.check_dims(labels.iter().map(|(d, _)| d))?;
        self.map_variables(|a| {
            let mine = restrict(&a, labels);
            Ok(Some(a.drop_sel(&mine, ignore_missing)?.variable))
        })
    }

    /// `ds.mean(dim)` and the other reductions, over `dims` (every dimension when `None`);
    /// `skipna` as xarray's default when `None`.
    pub fn reduce(
        &self,
        op: ReduceOp,
        dims: Option<&[String]>,
        skipna: Option<bool>,
        ddof: u32,
    ) -> Result<Dataset, PlanError> {
        if let Some(d) = dims {
            self.check_dims(d)?;
        }
        let data_vars: Vec<&String> = self.data_vars.keys().collect();
        self.map_variables(|a| {
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
            if op.numeric_only() && crate::model::Labels::of(&a.variable).is_some() {
                return Ok(None);
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
}

/// The pairs of `pairs` naming a dimension of `a`.
fn restrict<T: Clone>(a: &DataArray, pairs: &[(String, T)]) -> Vec<(String, T)> {
    pairs
        .iter()
        .filter(|(d, _)| a.dims().contains(d))
        .cloned()
        .collect()
}

/// A data variable lacking every reduced dimension, reduced as xarray's Dataset reductions
/// reduce it: over none of its dimensions (each value alone), or over all when it has none.
/// A value alone keeps itself, and its dtype, under mean, min and max (sum may widen it).
pub fn reduce_absent(
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
