//! The climate operations of a Dataset: `groupby`, `resample`, `rolling`, `coarsen` and
//! `weighted` apply to every data variable as xarray 2026.9 (without flox) applies them, each
//! variable's plan the DataArray one, so nothing is computed. Here: which variables and
//! coordinates the results keep, in which order, and xarray's errors; not argument parsing.

use std::sync::Arc;

use indexmap::IndexMap;

use super::super::builtins::Class;
use super::super::error::{Exc, ExcKind, Res};
use super::super::value::{str_repr, Value};
use super::coarsen::{coarsen_text, weighted_text, DATASET_COARSEN, DATASET_WEIGHTED};
use super::convert::plan_error;
use super::dataset::reduce_absent;
use super::groupby::{groupby_text, rolling_text};
use crate::model::{Block, Data, DataArray, Dataset, Variable};
use crate::ops::weighted::check_weights;
use crate::ops::{Boundary, Coarsen, GroupBy, MapOp, PlanError, ReduceOp, RollingWindow};

/// A Dataset waiting for a reduction (or, grouped, for arithmetic). Each holds the operation
/// built over one of the dataset's arrays; every variable having the dimension reuses it.
#[derive(Debug)]
#[allow(
    clippy::large_enum_variant,
    reason = "built once per call and held behind an Arc"
)]
pub(crate) enum DatasetOp {
    /// `ds.groupby(key)` or `ds.resample(dim=freq)`, grouped as the key's coordinate is.
    GroupBy(Arc<Dataset>, GroupBy),
    /// `ds.rolling(dim=window)`.
    Rolling(Arc<Dataset>, RollingWindow),
    /// `ds.coarsen(dim=window, ...)`.
    Coarsen(Arc<Dataset>, Coarsen),
    /// `ds.weighted(weights)`, the weights in memory.
    Weighted(Arc<Dataset>, DataArray),
}

fn dataset(ds: Dataset) -> Value {
    Value::Dataset(Arc::new(ds))
}

fn plan<T>(r: Result<T, PlanError>) -> Res<T> {
    r.map_err(|e| plan_error(&e))
}

/// Python's repr of a list of names, shortened past `max` items as xarray's messages do.
fn names_repr<'a>(names: impl Iterator<Item = &'a str>, max: usize) -> String {
    let names: Vec<String> = names.map(str_repr).collect();
    if names.len() <= max {
        return format!("[{}]", names.join(", "));
    }
    let (head, tail) = (&names[..max / 2], &names[names.len() - max / 2..]);
    format!("[{}, ..., {}]", head.join(", "), tail.join(", "))
}

/// Python's repr of a tuple of names.
fn tuple_repr(names: &[String]) -> String {
    let items: Vec<Value> = names.iter().map(|n| Value::str(n.as_str())).collect();
    Value::Tuple(Arc::new(items)).repr()
}

/// xarray's KeyError for a key naming no variable.
fn no_variable(ds: &Dataset, key: &str) -> Exc {
    let names = ds
        .data_vars
        .keys()
        .chain(ds.coords.keys())
        .map(String::as_str);
    Exc::new(
        ExcKind::KeyError,
        format!(
            "No variable named {}. Variables on the dataset include {}",
            str_repr(key),
            names_repr(names, 10)
        ),
    )
}

/// The dataset's dimensions, data variables' first, in the order xarray's messages list them.
fn dims_in_order(ds: &Dataset) -> Vec<String> {
    let mut dims: Vec<String> = Vec::new();
    for var in ds.data_vars.values().chain(ds.coords.values()) {
        for d in &var.dims {
            if !dims.contains(d) {
                dims.push(d.clone());
            }
        }
    }
    dims
}

/// xarray's error for window dimensions (`missing`) the dataset lacks.
fn window_dims_not_found(ds: &Dataset, missing: &[String], kind: ExcKind) -> Exc {
    Exc::new(
        kind,
        format!(
            "Window dimensions {} not found in Dataset dimensions {}",
            tuple_repr(missing),
            tuple_repr(&dims_in_order(ds))
        ),
    )
}

/// The first variable (coordinates first) along `dim`, to build a window over; xarray's error
/// when there is none.
fn along(ds: &Dataset, dim: &str, kind: ExcKind) -> Res<DataArray> {
    let name = ds.names().find(|n| {
        ds.array(n)
            .is_some_and(|a| a.dims().iter().any(|d| d == dim))
    });
    name.and_then(|n| ds.array(n))
        .ok_or_else(|| window_dims_not_found(ds, &[dim.to_owned()], kind))
}

impl DatasetOp {
    /// `ds.groupby(key)`: by a coordinate's (or 1-D variable's) values or a date part of it.
    pub(crate) fn groupby(ds: Arc<Dataset>, key: &str) -> Res<Self> {
        let name = key.split_once('.').map_or(key, |(c, _)| c);
        let mut carrier = ds.array(name).ok_or_else(|| no_variable(&ds, key))?;
        // A data variable groups as a coordinate would.
        if !carrier.coords.contains_key(name) {
            carrier
                .coords
                .insert(name.to_owned(), carrier.variable.clone());
        }
        let gb = plan(carrier.groupby(key))?;
        Ok(Self::GroupBy(ds, gb))
    }

    /// `ds.resample(dim=freq)`.
    pub(crate) fn resample(ds: Arc<Dataset>, dim: &str, freq: &str) -> Res<Self> {
        let carrier = ds.array(dim).ok_or_else(|| no_variable(&ds, dim))?;
        let gb = plan(carrier.resample(dim, freq))?;
        Ok(Self::GroupBy(ds, gb))
    }

    /// `ds.rolling(dim=window, center=..., min_periods=...)`.
    pub(crate) fn rolling(
        ds: Arc<Dataset>,
        dim: &str,
        window: i64,
        center: bool,
        min_periods: Option<i64>,
    ) -> Res<Self> {
        let carrier = along(&ds, dim, ExcKind::KeyError)?;
        let r = plan(carrier.rolling(dim, window, center, min_periods))?;
        Ok(Self::Rolling(ds, r))
    }

    /// `ds.coarsen(dim=window, ..., boundary=..., side=...)`: every dimension must be the
    /// dataset's, though a variable may lack some.
    pub(crate) fn coarsen(
        ds: Arc<Dataset>,
        windows: &[(String, i64)],
        boundary: Boundary,
        side: &str,
    ) -> Res<Self> {
        let dims = dims_in_order(&ds);
        let missing: Vec<String> = windows
            .iter()
            .filter(|(d, _)| !dims.contains(d))
            .map(|(d, _)| d.clone())
            .collect();
        if !missing.is_empty() {
            return Err(window_dims_not_found(&ds, &missing, ExcKind::ValueError));
        }
        let carrier = match windows.first() {
            Some((dim, _)) => along(&ds, dim, ExcKind::ValueError)?,
            None => return Err(Exc::type_error("coarsen() needs a dimension")),
        };
        let c = plan(Coarsen::new(carrier, windows, boundary, side))?;
        Ok(Self::Coarsen(ds, c))
    }

    /// `ds.weighted(weights)`, the weights in memory.
    pub(crate) fn weighted(ds: Arc<Dataset>, weights: DataArray) -> Res<Self> {
        plan(check_weights(&weights))?;
        Ok(Self::Weighted(ds, weights))
    }

    /// The grouping, for a groupby or resample.
    pub(crate) fn grouping(&self) -> Option<&GroupBy> {
        match self {
            Self::GroupBy(_, gb) => Some(gb),
            _ => None,
        }
    }

    /// xarray's class name.
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Self::GroupBy(_, gb) if gb.is_resample() => "DatasetResample",
            Self::GroupBy(..) => "DatasetGroupBy",
            Self::Rolling(..) => "DatasetRolling",
            Self::Coarsen(..) => "DatasetCoarsen",
            Self::Weighted(..) => "DatasetWeighted",
        }
    }

    /// The registry class: its methods, for calls, completion and help.
    pub(crate) fn class(&self) -> &'static Class {
        match self {
            Self::GroupBy(..) => &super::DATASET_GROUPBY,
            Self::Rolling(..) => &super::DATASET_ROLLING,
            Self::Coarsen(..) => &DATASET_COARSEN,
            Self::Weighted(..) => &DATASET_WEIGHTED,
        }
    }

    /// xarray's repr.
    pub(crate) fn repr(&self) -> String {
        match self {
            Self::GroupBy(_, gb) => groupby_text("Dataset", gb),
            Self::Rolling(_, r) => rolling_text("Dataset", r),
            Self::Coarsen(_, c) => coarsen_text("Dataset", c),
            Self::Weighted(_, w) => weighted_text("Dataset", w.dims()),
        }
    }

    fn mismatch(&self, what: &str) -> Exc {
        Exc::type_error(format!("{}.{what} is not available", self.type_name()))
    }

    /// `.mean()`, `.sum()`, ... of each group. A variable lacking the grouped dimension is
    /// reduced over none of its own (as `ds.mean(dim)` reduces it) and repeated for every
    /// group, NaN for empty resample bins; the groups' dimension comes first, as xarray's
    /// concatenation of the groups puts it.
    pub(crate) fn reduce_groups(
        &self,
        op: ReduceOp,
        skipna: Option<bool>,
        ddof: u32,
    ) -> Res<Value> {
        let Self::GroupBy(ds, gb) = self else {
            return Err(self.mismatch(op.name()));
        };
        let (dim, name) = (gb.dim(), gb.name().to_owned());
        let empty = gb.empty_groups();
        let gaps = gb.is_resample() && empty.contains(&true);
        let mut data_vars = IndexMap::new();
        for (k, var) in &ds.data_vars {
            let Some(a) = ds.array(k) else { continue };
            let reduced = if var.dims.iter().any(|d| d == dim) {
                plan(gb.over(a).reduce(op, skipna, ddof))?
            } else {
                let alone = plan(reduce_absent(&a, op, skipna, ddof))?;
                let repeated = plan(alone.expand_dims(&[(name.clone(), gb.len())]))?;
                if gaps {
                    plan(repeated.where_(&present(&name, &empty), None))?
                } else {
                    repeated
                }
            };
            let mut order = vec![name.clone()];
            order.extend(reduced.dims().iter().filter(|d| **d != name).cloned());
            let mut v = plan(reduced.transpose(&order, false))?.variable;
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
        Ok(dataset(Dataset {
            data_vars,
            coords,
            attrs: ds.attrs.clone(),
        }))
    }

    /// `.mean()`, `.sum()`, ... of each window: every variable along a windowed dimension as
    /// the DataArray's windows reduce it, the others unchanged; coarsened coordinates take the
    /// mean of each window.
    pub(crate) fn reduce_windows(&self, op: ReduceOp) -> Res<Value> {
        let (ds, dims): (_, Vec<&str>) = match self {
            Self::Rolling(ds, r) => (ds, vec![r.dim()]),
            Self::Coarsen(ds, c) => (ds, c.windows().iter().map(|(d, _)| d.as_str()).collect()),
            _ => return Err(self.mismatch(op.name())),
        };
        let window = |a: DataArray| match self {
            Self::Coarsen(_, c) => c.over(a).reduce(op),
            Self::Rolling(_, r) => r.over(a).reduce(op),
            _ => Ok(a),
        };
        let mut data_vars = IndexMap::new();
        for (k, var) in &ds.data_vars {
            let v = match ds.array(k) {
                Some(a) if var.dims.iter().any(|d| dims.contains(&d.as_str())) => {
                    plan(window(a))?.variable
                }
                _ => var.clone(),
            };
            data_vars.insert(k.clone(), v);
        }
        let coords = ds
            .coords
            .iter()
            .map(|(k, c)| match self {
                Self::Coarsen(_, windows) => Ok((k.clone(), plan(windows.coord(c))?)),
                _ => Ok((k.clone(), c.clone())),
            })
            .collect::<Res<_>>()?;
        Ok(dataset(Dataset {
            data_vars,
            coords,
            attrs: ds.attrs.clone(),
        }))
    }

    /// The weighted `.mean(dim)` or `.sum(dim)` of every data variable (over its own
    /// dimensions and the weights' when `dims` is None); coordinates along a reduced
    /// dimension are dropped.
    pub(crate) fn reduce_weighted(
        &self,
        mean: bool,
        dims: Option<&[String]>,
        skipna: Option<bool>,
    ) -> Res<Value> {
        let Self::Weighted(ds, weights) = self else {
            return Err(self.mismatch(if mean { "mean" } else { "sum" }));
        };
        let mut all = dims_in_order(ds);
        for d in weights.dims() {
            if !all.contains(d) {
                all.push(d.clone());
            }
        }
        if let Some(dims) = dims {
            let missing: Vec<String> = dims.iter().filter(|d| !all.contains(d)).cloned().collect();
            if !missing.is_empty() {
                return Err(Exc::value_error(format!(
                    "Dimensions {} not found in DatasetWeighted dimensions {}",
                    tuple_repr(&missing),
                    tuple_repr(&all)
                )));
            }
        }
        let mut data_vars = IndexMap::new();
        for k in ds.data_vars.keys() {
            let Some(a) = ds.array(k) else { continue };
            check_dot_dims(&a, weights, dims)?;
            let w = plan(a.weighted(weights))?;
            let out = plan(if mean {
                w.mean(dims, skipna)
            } else {
                w.sum(dims, skipna)
            })?;
            data_vars.insert(k.clone(), out.variable);
        }
        let reduced = dims.unwrap_or(&all);
        let coords = ds
            .coords
            .iter()
            .filter(|(_, c)| !c.dims.iter().any(|d| reduced.contains(d)))
            .map(|(k, c)| (k.clone(), c.clone()))
            .collect();
        Ok(dataset(Dataset {
            data_vars,
            coords,
            attrs: ds.attrs.clone(),
        }))
    }

    /// `gb <op> other` (or `other <op> gb` when `reflected`) for a grouped Dataset: each
    /// variable combined with `other` (a DataArray, or the Dataset's variable of the same
    /// name; names in only one are left out) at its group. A variable lacking the grouped
    /// dimension is first repeated along it, as xarray's concatenation of the groups does.
    pub(crate) fn group_binary(&self, op: MapOp, other: &Value, reflected: bool) -> Res<Value> {
        let Self::GroupBy(ds, gb) = self else {
            return Err(self.mismatch("arithmetic"));
        };
        let dim = gb.dim();
        let size = ds.dims().get(dim).copied().unwrap_or(0);
        let mut data_vars = IndexMap::new();
        let mut per_position: Option<Variable> = None;
        for (k, var) in &ds.data_vars {
            let theirs = match other {
                Value::DataArray(o) => o.as_ref().clone(),
                Value::Dataset(o) => match o.array(k) {
                    Some(o) => o,
                    None => continue,
                },
                _ => {
                    return Err(Exc::type_error(
                        "GroupBy objects only support binary ops when the other argument is a Dataset or DataArray",
                    ))
                }
            };
            let Some(mut a) = ds.array(k) else { continue };
            if !var.dims.iter().any(|d| d == dim) {
                a = plan(a.expand_dims(&[(dim.to_owned(), size)]))?;
            }
            let out = plan(gb.over(a).binary(op, &theirs, reflected))?;
            if per_position.is_none() {
                per_position = out.coords.get(gb.name()).cloned();
            }
            let mut v = out.variable;
            v.attrs.clone_from(&var.attrs);
            data_vars.insert(k.clone(), v);
        }
        // As xarray's concatenation orders them: coordinates along the dimension, the group
        // of each position, then the others.
        let (along, rest): (Vec<_>, Vec<_>) = ds
            .coords
            .iter()
            .map(|(k, c)| (k.clone(), c.clone()))
            .partition(|(_, c)| c.dims.iter().any(|d| d == dim));
        let group = per_position.map(|c| (gb.name().to_owned(), c));
        Ok(dataset(Dataset {
            data_vars,
            coords: along.into_iter().chain(group).chain(rest).collect(),
            attrs: ds.attrs.clone(),
        }))
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
fn check_dot_dims(a: &DataArray, weights: &DataArray, dims: Option<&[String]>) -> Res<()> {
    let have: Vec<&String> = a.dims().iter().chain(weights.dims()).collect();
    let missing: Vec<&String> = dims
        .unwrap_or_default()
        .iter()
        .filter(|d| !have.contains(d))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let quoted = |v: &[&String]| v.iter().map(|d| str_repr(d)).collect::<Vec<_>>().join(", ");
    let mut expected: Vec<&String> = Vec::new();
    for d in have {
        if !expected.contains(&d) {
            expected.push(d);
        }
    }
    Err(Exc::value_error(format!(
        "Dimension(s) {} do not exist. Expected one or more of {{{}}}",
        quoted(&missing),
        quoted(&expected)
    )))
}
