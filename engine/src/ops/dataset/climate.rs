//! The climate operations of a Dataset: `groupby`, `resample`, `rolling`, `coarsen` and
//! `weighted` apply to every data variable as xarray 2026.9 (without flox) applies them, each
//! variable's plan the DataArray one, so nothing is computed. Here: which variables and
//! coordinates the results keep, in which order, and xarray's errors.

use super::{reduce_absent, DatasetOperand};
use crate::model::{Block, Data, DataArray, Dataset, Variable};
use crate::ops::weighted::check_weights;
use crate::ops::{Boundary, Coarsen, GroupBy, MapOp, PlanError, ReduceOp, RollingWindow};
use indexmap::IndexMap;
use std::sync::Arc;

/// `ds.groupby(key)` or `ds.resample(dim=freq)`: a dataset grouped as the key's coordinate is.
#[derive(Debug, Clone)]
pub struct DatasetGroupBy {
    /// The grouped dataset.
    pub dataset: Arc<Dataset>,
    /// The grouping, built over the key's coordinate.
    pub groupby: GroupBy,
}

/// `ds.rolling(dim=window)`.
#[derive(Debug, Clone)]
pub struct DatasetRolling {
    /// The dataset.
    pub dataset: Arc<Dataset>,
    /// The window, built over the first variable along its dimension.
    pub rolling: RollingWindow,
}

/// `ds.coarsen(dim=window, ...)`.
#[derive(Debug, Clone)]
pub struct DatasetCoarsen {
    /// The dataset.
    pub dataset: Arc<Dataset>,
    /// The windows, built over the first variable along the first dimension.
    pub coarsen: Coarsen,
}

/// `ds.weighted(weights)`, the weights in memory.
#[derive(Debug, Clone)]
pub struct DatasetWeighted {
    /// The dataset.
    pub dataset: Arc<Dataset>,
    /// The weights.
    pub weights: DataArray,
}

impl Dataset {
    /// The dataset's dimensions, data variables' first, in the order xarray's messages list
    /// them.
    pub fn dims_in_order(&self) -> Vec<String> {
        let mut dims: Vec<String> = Vec::new();
        for var in self.data_vars.values().chain(self.coords.values()) {
            for d in &var.dims {
                if !dims.contains(d) {
                    dims.push(d.clone());
                }
            }
        }
        dims
    }

    /// xarray's error for a key naming no variable.
    fn no_variable(&self, key: &str) -> PlanError {
        PlanError::NoVariable {
            key: key.to_owned(),
            names: self
                .data_vars
                .keys()
                .chain(self.coords.keys())
                .cloned()
                .collect(),
        }
    }

    /// The first variable (coordinates first) along `dim`, to build a window over; xarray's
    /// error when there is none (a KeyError for rolling, else a ValueError).
    fn along(&self, dim: &str, key_error: bool) -> Result<DataArray, PlanError> {
        let name = self.names().find(|n| {
            self.array(n)
                .is_some_and(|a| a.dims().iter().any(|d| d == dim))
        });
        name.and_then(|n| self.array(n))
            .ok_or_else(|| PlanError::WindowDimsNotFound {
                missing: vec![dim.to_owned()],
                dims: self.dims_in_order(),
                key_error,
            })
    }

    /// `ds.groupby(key)`: by a coordinate's (or 1-D variable's) values or a date part of it.
    pub fn groupby(&self, key: &str) -> Result<DatasetGroupBy, PlanError> {
        let name = key.split_once('.').map_or(key, |(c, _)| c);
        let mut carrier = self.array(name).ok_or_else(|| self.no_variable(key))?;
        // A data variable groups as a coordinate would.
        if !carrier.coords.contains_key(name) {
            carrier
                .coords
                .insert(name.to_owned(), carrier.variable.clone());
        }
        Ok(DatasetGroupBy {
            groupby: carrier.groupby(key)?,
            dataset: Arc::new(self.clone()),
        })
    }

    /// `ds.resample(dim=freq)`.
    pub fn resample(&self, dim: &str, freq: &str) -> Result<DatasetGroupBy, PlanError> {
        let carrier = self.array(dim).ok_or_else(|| self.no_variable(dim))?;
        Ok(DatasetGroupBy {
            groupby: carrier.resample(dim, freq)?,
            dataset: Arc::new(self.clone()),
        })
    }

    /// `ds.rolling(dim=window, center=..., min_periods=...)`.
    pub fn rolling(
        &self,
        dim: &str,
        window: i64,
        center: bool,
        min_periods: Option<i64>,
    ) -> Result<DatasetRolling, PlanError> {
        let carrier = self.along(dim, true)?;
        Ok(DatasetRolling {
            rolling: carrier.rolling(dim, window, center, min_periods)?,
            dataset: Arc::new(self.clone()),
        })
    }

    /// `ds.coarsen(dim=window, ..., boundary=..., side=...)`: every dimension must be the
    /// dataset's, though a variable may lack some; `windows` is not empty.
    pub fn coarsen(
        &self,
        windows: &[(String, i64)],
        boundary: Boundary,
        side: &str,
    ) -> Result<DatasetCoarsen, PlanError> {
        let dims = self.dims_in_order();
        let missing: Vec<String> = windows
            .iter()
            .filter(|(d, _)| !dims.contains(d))
            .map(|(d, _)| d.clone())
            .collect();
        if !missing.is_empty() {
            return Err(PlanError::WindowDimsNotFound {
                missing,
                dims,
                key_error: false,
            });
        }
        let Some((dim, _)) = windows.first() else {
            return Err(PlanError::NoDims { op: "coarsen" });
        };
        let carrier = self.along(dim, false)?;
        Ok(DatasetCoarsen {
            coarsen: Coarsen::new(carrier, windows, boundary, side)?,
            dataset: Arc::new(self.clone()),
        })
    }

    /// `ds.weighted(weights)`, the weights in memory.
    pub fn weighted(&self, weights: &DataArray) -> Result<DatasetWeighted, PlanError> {
        check_weights(weights)?;
        Ok(DatasetWeighted {
            dataset: Arc::new(self.clone()),
            weights: weights.clone(),
        })
    }
}

impl DatasetGroupBy {
    /// `.mean()`, `.sum()`, ... of each group. A variable lacking the grouped dimension is
    /// reduced over none of its own (as `ds.mean(dim)` reduces it) and repeated for every
    /// group, NaN for empty resample bins; the groups' dimension comes first, as xarray's
    /// concatenation of the groups puts it.
    pub fn reduce(
        &self,
        op: ReduceOp,
        skipna: Option<bool>,
        ddof: u32,
    ) -> Result<Dataset, PlanError> {
        let (ds, gb) = (&self.dataset, &self.groupby);
        let (dim, name) = (gb.dim(), gb.name().to_owned());
        let empty = gb.empty_groups();
        let gaps = gb.is_resample() && empty.contains(&true);
        let mut data_vars = IndexMap::new();
        for (k, var) in &ds.data_vars {
            let Some(a) = ds.array(k) else { continue };
            if op.numeric_only() && crate::model::Labels::of(var).is_some() {
                continue;
            }
            let reduced = if var.dims.iter().any(|d| d == dim) {
                gb.over(a).reduce(op, skipna, ddof)?
            } else {
                let alone = reduce_absent(&a, op, skipna, ddof)?;
                let repeated = alone.expand_dims(&[(name.clone(), gb.len())])?;
                if gaps {
                    repeated.where_(&present(&name, &empty), None)?
                } else {
                    repeated
                }
            };
            let mut order = vec![name.clone()];
            order.extend(reduced.dims().iter().filter(|d| **d != name).cloned());
            let mut v = reduced.transpose(&order, false)?.variable;
            v.attrs.clone_from(&var.attrs);
            data_vars.insert(k.clone(), v);
        }
        let kept = ds
            .coords
            .iter()
            .filter(|(_, c)| !c.dims.iter().any(|d| d == dim));
        let labels = gb.labels().map(|l| (name.clone(), l.clone()));
        // xarray reindexes over empty bins, which moves the labels after the other coordinates.
        let coords = if gaps {
            kept.map(|(k, c)| (k.clone(), c.clone()))
                .chain(labels)
                .collect()
        } else {
            labels
                .into_iter()
                .chain(kept.map(|(k, c)| (k.clone(), c.clone())))
                .collect()
        };
        Ok(Dataset {
            data_vars,
            coords,
            attrs: ds.attrs.clone(),
            coords_first: false,
        })
    }

    /// `gb <op> other` (or `other <op> gb` when `reflected`): each variable combined with
    /// `other` at its group. A variable lacking the grouped dimension is first repeated along
    /// it, as xarray's concatenation of the groups does.
    pub fn binary(
        &self,
        op: MapOp,
        other: DatasetOperand<'_>,
        reflected: bool,
    ) -> Result<Dataset, PlanError> {
        let (ds, gb) = (&self.dataset, &self.groupby);
        let dim = gb.dim();
        let size = ds.dims().get(dim).copied().unwrap_or(0);
        let mut data_vars = IndexMap::new();
        let mut per_position: Option<Variable> = None;
        for (k, var) in &ds.data_vars {
            let theirs = match other {
                DatasetOperand::Array(o) => o.clone(),
                DatasetOperand::Dataset(o) => match o.array(k) {
                    Some(o) => o,
                    None => continue,
                },
            };
            let Some(mut a) = ds.array(k) else { continue };
            if !var.dims.iter().any(|d| d == dim) {
                a = a.expand_dims(&[(dim.to_owned(), size)])?;
            }
            let out = gb.over(a).binary(op, &theirs, reflected)?;
            if per_position.is_none() {
                per_position = out.coords.get(gb.name()).cloned();
            }
            let mut v = out.variable;
            v.attrs.clone_from(&var.attrs);
            data_vars.insert(k.clone(), v);
        }
        // As xarray orders them: the dataset's coordinates, then the group of each position.
        let group = per_position.map(|c| (gb.name().to_owned(), c));
        Ok(Dataset {
            data_vars,
            coords: ds
                .coords
                .iter()
                .map(|(k, c)| (k.clone(), c.clone()))
                .chain(group)
                .collect(),
            attrs: ds.attrs.clone(),
            coords_first: true,
        })
    }
}

impl DatasetRolling {
    /// `.mean()`, `.sum()`, ... of each window, for every variable along the rolled dimension;
    /// the others and the coordinates unchanged.
    pub fn reduce(&self, op: ReduceOp) -> Result<Dataset, PlanError> {
        let mut out = reduce_windows(
            &self.dataset,
            &[self.rolling.dim()],
            |a| self.rolling.over(a).reduce(op),
            |c| Ok(c.clone()),
        )?;
        out.coords_first = true;
        Ok(out)
    }
}

impl DatasetCoarsen {
    /// `.mean()`, `.sum()`, ... of each window, for every variable along a coarsened
    /// dimension; coarsened coordinates take the mean of each window.
    pub fn reduce(&self, op: ReduceOp) -> Result<Dataset, PlanError> {
        let dims: Vec<&str> = self
            .coarsen
            .windows()
            .iter()
            .map(|(d, _)| d.as_str())
            .collect();
        reduce_windows(
            &self.dataset,
            &dims,
            |a| self.coarsen.over(a).reduce(op),
            |c| self.coarsen.coord(c),
        )
    }
}

/// Every data variable along one of `dims` through `window`, the others unchanged, every
/// coordinate through `coord`.
fn reduce_windows(
    ds: &Dataset,
    dims: &[&str],
    window: impl Fn(DataArray) -> Result<DataArray, PlanError>,
    coord: impl Fn(&Variable) -> Result<Variable, PlanError>,
) -> Result<Dataset, PlanError> {
    let mut data_vars = IndexMap::new();
    for (k, var) in &ds.data_vars {
        let v = match ds.array(k) {
            Some(a) if var.dims.iter().any(|d| dims.contains(&d.as_str())) => window(a)?.variable,
            _ => var.clone(),
        };
        data_vars.insert(k.clone(), v);
    }
    let coords = ds
        .coords
        .iter()
        .map(|(k, c)| Ok((k.clone(), coord(c)?)))
        .collect::<Result<_, PlanError>>()?;
    Ok(Dataset {
        data_vars,
        coords,
        attrs: ds.attrs.clone(),
        coords_first: false,
    })
}

impl DatasetWeighted {
    /// The weighted `.mean(dim)` (`mean`) or `.sum(dim)` of every data variable, over its own
    /// dimensions and the weights' when `dims` is None; coordinates along a reduced dimension
    /// are dropped.
    pub fn reduce(
        &self,
        mean: bool,
        dims: Option<&[String]>,
        skipna: Option<bool>,
    ) -> Result<Dataset, PlanError> {
        let (ds, weights) = (&self.dataset, &self.weights);
        let mut all = ds.dims_in_order();
        for d in weights.dims() {
            if !all.contains(d) {
                all.push(d.clone());
            }
        }
        if let Some(dims) = dims {
            let missing: Vec<String> = dims.iter().filter(|d| !all.contains(d)).cloned().collect();
            if !missing.is_empty() {
                return Err(PlanError::WeightedDatasetDims { missing, dims: all });
            }
        }
        let mut data_vars = IndexMap::new();
        for k in ds.data_vars.keys() {
            let Some(a) = ds.array(k) else { continue };
            check_dot_dims(&a, weights, dims)?;
            let w = a.weighted(weights)?;
            let out = if mean {
                w.mean(dims, skipna)?
            } else {
                w.sum(dims, skipna)?
            };
            data_vars.insert(k.clone(), out.variable);
        }
        let reduced = dims.unwrap_or(&all);
        let coords = ds
            .coords
            .iter()
            .filter(|(_, c)| !c.dims.iter().any(|d| reduced.contains(d)))
            .map(|(k, c)| (k.clone(), c.clone()))
            .collect();
        // xarray builds weighted results coordinates first.
        Ok(Dataset {
            data_vars,
            coords,
            attrs: ds.attrs.clone(),
            coords_first: true,
        })
    }
}

/// A boolean array along the groups: true where a group has members.
fn present(name: &str, empty: &[bool]) -> DataArray {
    let values: Vec<bool> = empty.iter().map(|e| !e).collect();
    let block = Block::Bool(
        ndarray::ArrayD::from_shape_vec(ndarray::IxDyn(&[values.len()]), values)
            .unwrap_or_default(),
    );
    DataArray {
        name: None,
        variable: Variable::new(vec![name.to_owned()], Data::Memory(Arc::new(block))),
        coords: IndexMap::new(),
    }
}

/// xarray's error when a variable and the weights both lack a dimension to reduce (its `dot`
/// raises it).
fn check_dot_dims(
    a: &DataArray,
    weights: &DataArray,
    dims: Option<&[String]>,
) -> Result<(), PlanError> {
    let have: Vec<&String> = a.dims().iter().chain(weights.dims()).collect();
    let missing: Vec<String> = dims
        .unwrap_or_default()
        .iter()
        .filter(|d| !have.contains(d))
        .cloned()
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let mut expected: Vec<String> = Vec::new();
    for d in have {
        if !expected.contains(d) {
            expected.push(d.clone());
        }
    }
    Err(PlanError::DotDims { missing, expected })
}
