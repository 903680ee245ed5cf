//! Cell functions applied to groups: iterating a GroupBy (`for label, group in gb`) and
//! `gb.map(func)`, which puts the results back together as xarray does: along the grouped
//! dimension in its original order when each result keeps it, else along a new dimension
//! labelled by the groups.
#![allow(
    clippy::needless_pass_by_value,
    reason = "all builtins share the `Func` signature"
)]

use std::sync::Arc;

use super::super::error::{Exc, ExcKind, Res};
use super::super::ndarray::ndarray_of;
use super::super::registry::{Args, Ctx};
use super::super::value::Value;
use nereus_engine::model::{DataArray, Dataset, Variable};
use nereus_engine::ops::combine::{concat, concat_datasets};
use nereus_engine::ops::{GroupBy, Indexer, Join};

/// What is grouped: an array, or every variable of a dataset.
enum Grouped<'a> {
    Array(&'a GroupBy),
    Dataset(&'a GroupBy, &'a Dataset),
}

impl Grouped<'_> {
    fn of(v: &Value) -> Option<Grouped<'_>> {
        match v {
            Value::GroupBy(gb) => Some(Grouped::Array(gb)),
            Value::DatasetOp(op) => match &**op {
                super::DatasetOp::GroupBy(g) => Some(Grouped::Dataset(&g.groupby, &g.dataset)),
                _ => None,
            },
            _ => None,
        }
    }

    fn groupby(&self) -> &GroupBy {
        match self {
            Grouped::Array(gb) | Grouped::Dataset(gb, _) => gb,
        }
    }

    /// Group `g`: the positions it holds, selected (lazily).
    fn group(&self, positions: Vec<i64>) -> Res<Value> {
        let gb = self.groupby();
        let at = [(gb.dim().to_owned(), Indexer::List(positions))];
        match self {
            Grouped::Array(gb) => Ok(Value::from(gb.array().isel(&at)?)),
            Grouped::Dataset(_, ds) => Ok(Value::from(ds.isel(&at)?)),
        }
    }
}

/// Group `g`'s label (a number, or a datetime for time bins), or the refusal for groups
/// Nereus cannot label (seasons are strings).
fn label(gb: &GroupBy, g: usize) -> Res<Value> {
    let labels = gb
        .labels()
        .and_then(ndarray_of)
        .ok_or_else(|| unlabelled(gb))?;
    labels.index(&Value::Int(i64::try_from(g).unwrap_or(i64::MAX)))
}

fn unlabelled(gb: &GroupBy) -> Exc {
    Exc::new(
        ExcKind::NotImplementedError,
        format!(
            "the groups of '{}' have string labels, which Nereus arrays do not hold yet",
            gb.name()
        ),
    )
}

/// `(label, group)` pairs of a grouping, skipping empty time bins; None for other values.
pub(crate) fn group_pairs(v: &Value) -> Option<Res<Vec<Value>>> {
    let grouped = Grouped::of(v)?;
    let gb = grouped.groupby();
    Some((0..gb.len()).try_fold(Vec::new(), |mut out, g| {
        let positions = gb.positions(g);
        if !positions.is_empty() {
            let pair = vec![label(gb, g)?, grouped.group(positions)?];
            out.push(Value::Tuple(Arc::new(pair)));
        }
        Ok(out)
    }))
}

/// `gb.map(func, args=(), shortcut=None, **kwargs)`.
pub(crate) fn map(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let recv = p.receiver();
    let func = p.required("func")?;
    let extra = match p.take("args") {
        None => Vec::new(),
        Some(Value::Tuple(t) | Value::List(t)) => t.to_vec(),
        Some(other) => vec![other],
    };
    let _shortcut = p.take("shortcut");
    let kwargs = p.extra();
    let grouped =
        Grouped::of(&recv).ok_or_else(|| Exc::type_error("map() needs a GroupBy object"))?;
    let gb = grouped.groupby();
    let mut results = Vec::new();
    let mut order = Vec::new();
    let mut labelled = Vec::new();
    for g in 0..gb.len() {
        let positions = gb.positions(g);
        if positions.is_empty() {
            continue;
        }
        order.extend(positions.iter().copied());
        labelled.push(g);
        let mut call = Args {
            pos: vec![grouped.group(positions)?],
            kw: kwargs.clone(),
            callee: None,
        };
        call.pos.extend(extra.iter().cloned());
        results.push(ctx.call(&func, call)?);
    }
    combine(gb, results, &order, &labelled)
}

/// The results of `map` put together.
fn combine(gb: &GroupBy, results: Vec<Value>, order: &[i64], groups: &[usize]) -> Res<Value> {
    let dim = gb.dim();
    let keeps = |dims: &[String]| dims.iter().any(|d| d == dim);
    if results.iter().all(|r| matches!(r, Value::DataArray(_))) {
        let arrays: Vec<DataArray> = results
            .into_iter()
            .filter_map(|r| match r {
                Value::DataArray(a) => Some((*a).clone()),
                _ => None,
            })
            .collect();
        if arrays.iter().all(|a| keeps(a.dims())) {
            let joined = concat(&arrays, dim, Join::Outer)?;
            return Ok(Value::from(joined.isel(&restore(dim, order))?));
        }
        let mut joined = concat(&arrays, gb.name(), Join::Outer)?;
        joined
            .coords
            .insert(gb.name().to_owned(), labels_of(gb, groups)?);
        return Ok(Value::from(joined));
    }
    if results.iter().all(|r| matches!(r, Value::Dataset(_))) {
        let sets: Vec<Dataset> = results
            .into_iter()
            .filter_map(|r| match r {
                Value::Dataset(d) => Some((*d).clone()),
                _ => None,
            })
            .collect();
        if sets
            .iter()
            .all(|d| nereus_engine::repr::dataset_dims(d).contains_key(dim))
        {
            let joined = concat_datasets(&sets, dim, Join::Outer)?;
            return Ok(Value::from(joined.isel(&restore(dim, order))?));
        }
        let mut joined = concat_datasets(&sets, gb.name(), Join::Outer)?;
        joined
            .coords
            .insert(gb.name().to_owned(), labels_of(gb, groups)?);
        return Ok(Value::from(joined));
    }
    Err(Exc::new(
        ExcKind::NotImplementedError,
        "map() combines DataArray or Dataset results only (every group's the same kind)",
    ))
}

/// The selection that puts rows concatenated group by group back in their original order.
fn restore(dim: &str, order: &[i64]) -> [(String, Indexer); 1] {
    let mut idx: Vec<usize> = (0..order.len()).collect();
    idx.sort_by_key(|&k| order[k]);
    let positions = idx
        .into_iter()
        .map(|k| i64::try_from(k).unwrap_or(i64::MAX))
        .collect();
    [(dim.to_owned(), Indexer::List(positions))]
}

/// The labels of the non-empty groups `groups`, as the new dimension's coordinate.
fn labels_of(gb: &GroupBy, groups: &[usize]) -> Res<Variable> {
    let labels = gb.labels().ok_or_else(|| unlabelled(gb))?;
    let all: Vec<i64> = groups
        .iter()
        .map(|&g| i64::try_from(g).unwrap_or(i64::MAX))
        .collect();
    let array = DataArray {
        name: None,
        variable: labels.clone(),
        coords: indexmap::IndexMap::new(),
    };
    Ok(array
        .isel(&[(gb.name().to_owned(), Indexer::List(all))])?
        .variable)
}

/// A list of dimension-name lists (`input_core_dims=[["time"]]`).
fn core_dims(v: Option<Value>, n: usize, what: &str) -> Res<Vec<Vec<String>>> {
    let Some(v) = v.filter(|v| !matches!(v, Value::None)) else {
        return Ok(vec![Vec::new(); n]);
    };
    let lists = super::super::functions::items(&v)?;
    lists
        .iter()
        .map(|l| {
            super::super::functions::items(l)?
                .iter()
                .map(|d| match d {
                    Value::Str(s) => Ok(s.to_string()),
                    other => Err(Exc::type_error(format!(
                        "{what} must hold dimension names, not {}",
                        other.type_name()
                    ))),
                })
                .collect()
        })
        .collect()
}

/// `xr.apply_ufunc(func, *args, input_core_dims=None, output_core_dims=((),), kwargs=None,
/// dask='forbidden', ...)`: `func` gets each DataArray's values as a numpy array, its core
/// dimensions moved last, and its result is labelled with the remaining dimensions and the
/// output core dimensions. The values are computed within the memory budget (a MemoryError
/// rather than an unbounded load); running `func` chunk by chunk is not implemented.
pub(crate) fn apply_ufunc(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let func = p.required("func")?;
    let inputs = p.rest();
    p.only_defaults(&[
        "exclude_dims",
        "vectorize",
        "join",
        "dataset_join",
        "dataset_fill_value",
        "meta",
        "on_missing_core_dim",
    ])?;
    let _ = (
        p.take("output_dtypes"),
        p.take("output_sizes"),
        p.take("dask_gufunc_kwargs"),
    );
    let _keep_attrs = p.take("keep_attrs");
    let kwargs = match p.take("kwargs") {
        None | Some(Value::None) => Vec::new(),
        Some(Value::Dict(d)) => d
            .items
            .iter()
            .map(|(k, v)| match k {
                Value::Str(k) => Ok((k.to_string(), v.clone())),
                _ => Err(Exc::type_error("kwargs keys must be strings")),
            })
            .collect::<Res<_>>()?,
        Some(other) => {
            return Err(Exc::type_error(format!(
                "kwargs must be a dict, not {}",
                other.type_name()
            )))
        }
    };
    let dask = match p.take("dask") {
        None => "forbidden".to_owned(),
        Some(v) => v.to_str(),
    };
    let in_core = core_dims(p.take("input_core_dims"), inputs.len(), "input_core_dims")?;
    let out_core = match p.take("output_core_dims") {
        None => vec![Vec::new()],
        v => core_dims(v, 1, "output_core_dims")?,
    };
    let [out_core] = out_core.as_slice() else {
        return Err(Exc::new(
            ExcKind::NotImplementedError,
            "apply_ufunc with several outputs is not supported in Nereus",
        ));
    };
    if in_core.len() != inputs.len() {
        return Err(Exc::value_error(format!(
            "input_core_dims must have one entry per argument: {} for {} arguments",
            in_core.len(),
            inputs.len()
        )));
    }
    let mut first: Option<(DataArray, Vec<String>)> = None;
    let mut call = Args::default();
    for (v, core) in inputs.iter().zip(&in_core) {
        let Value::DataArray(a) = v else {
            if matches!(v, Value::Dataset(_)) {
                return Err(Exc::new(
                    ExcKind::NotImplementedError,
                    "apply_ufunc over a Dataset is not supported in Nereus; apply it to each DataArray",
                ));
            }
            call.pos.push(v.clone());
            continue;
        };
        if matches!(a.variable.data, nereus_engine::model::Data::Lazy(_)) && dask == "forbidden" {
            return Err(Exc::value_error(
                "apply_ufunc encountered a chunked array on an argument, but handling for chunked arrays has not been enabled. Either set the ``dask`` argument or load your data into memory first with ``.load()`` or ``.compute()``",
            ));
        }
        let loop_dims: Vec<String> = a
            .dims()
            .iter()
            .filter(|d| !core.contains(d))
            .cloned()
            .collect();
        let mut order = loop_dims.clone();
        order.extend(core.iter().cloned());
        let moved = a.transpose(&order, false)?;
        match &first {
            None => first = Some((moved.clone(), loop_dims)),
            Some((f, dims)) => {
                let same = *dims == loop_dims
                    && loop_dims
                        .iter()
                        .all(|d| f.sizes().get(d) == moved.sizes().get(d));
                if !same {
                    return Err(Exc::new(
                        ExcKind::NotImplementedError,
                        "apply_ufunc over DataArrays with different dimensions (broadcasting) is not supported in Nereus",
                    ));
                }
            }
        }
        let values = super::nptools::as_ndarray(ctx, &Value::from(moved))?;
        call.pos.push(Value::NdArray(values));
    }
    call.kw = kwargs;
    let result = ctx.call(&func, call)?;
    let Some((template, mut dims)) = first else {
        return Ok(result);
    };
    dims.extend(out_core.iter().cloned());
    let values = super::nptools::as_ndarray(ctx, &result)?;
    if values.block.shape().len() != dims.len() {
        return Err(Exc::value_error(format!(
            "applied function returned data with an unexpected number of dimensions. Received {} dimension(s) but expected {} dimensions with names {:?}",
            values.block.shape().len(),
            dims.len(),
            dims
        )));
    }
    let mut variable = Variable::new(
        dims.clone(),
        nereus_engine::model::Data::Memory(Arc::clone(&values.block)),
    );
    values.meaning.mark(&mut variable.encoding);
    variable.attrs.clone_from(&template.variable.attrs);
    let sizes: indexmap::IndexMap<String, usize> = dims
        .iter()
        .cloned()
        .zip(values.block.shape().iter().copied())
        .collect();
    let coords = template
        .coords
        .iter()
        .filter(|(_, c)| {
            c.dims
                .iter()
                .zip(c.shape())
                .all(|(d, n)| sizes.get(d) == Some(&n))
        })
        .map(|(k, c)| (k.clone(), c.clone()))
        .collect();
    let names: Vec<Option<String>> = inputs
        .iter()
        .filter_map(|v| match v {
            Value::DataArray(a) => Some(a.name.clone()),
            _ => None,
        })
        .collect();
    let name = names
        .first()
        .cloned()
        .flatten()
        .filter(|n| names.iter().all(|m| m.as_deref() == Some(n)));
    Ok(Value::from(DataArray {
        name,
        variable,
        coords,
    }))
}

/// `func(values, axis=k, **kwargs)` on a group's values along `dim`: the reduced array,
/// labelled with the group's other dimensions and coordinates.
fn reduce_values(
    ctx: &mut Ctx<'_>,
    func: &Value,
    a: &DataArray,
    dim: &str,
    kwargs: &[(String, Value)],
) -> Res<DataArray> {
    let axis = a
        .dims()
        .iter()
        .position(|d| d == dim)
        .ok_or_else(|| Exc::value_error(format!("the group has no dimension {dim:?}")))?;
    let values = super::nptools::as_ndarray(ctx, &Value::from(a.clone()))?;
    let mut kw = kwargs.to_vec();
    kw.push((
        "axis".to_owned(),
        Value::Int(i64::try_from(axis).unwrap_or(i64::MAX)),
    ));
    let out = ctx.call(
        func,
        Args {
            pos: vec![Value::NdArray(values)],
            kw,
            callee: None,
        },
    )?;
    let out = super::nptools::as_ndarray(ctx, &out)?;
    let dims: Vec<String> = a.dims().iter().filter(|d| *d != dim).cloned().collect();
    if out.block.shape().len() != dims.len() {
        return Err(Exc::value_error(format!(
            "reduce() expects func to remove the axis it is given: got {} dimensions, expected {}",
            out.block.shape().len(),
            dims.len()
        )));
    }
    let mut variable = Variable::new(
        dims,
        nereus_engine::model::Data::Memory(Arc::clone(&out.block)),
    );
    variable.attrs.clone_from(&a.variable.attrs);
    let coords = a
        .coords
        .iter()
        .filter(|(_, c)| !c.dims.iter().any(|d| d == dim))
        .map(|(k, c)| (k.clone(), c.clone()))
        .collect();
    Ok(DataArray {
        name: a.name.clone(),
        variable,
        coords,
    })
}

/// `gb.reduce(func, dim=None, **kwargs)`: `func(values, axis=..., **kwargs)` on each group's
/// values (computed, within the memory budget) over the grouped dimension, stacked along the
/// groups.
pub(crate) fn reduce(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let recv = p.receiver();
    let func = p.required("func")?;
    let grouped =
        Grouped::of(&recv).ok_or_else(|| Exc::type_error("reduce() needs a GroupBy object"))?;
    let gb = grouped.groupby();
    match p.take("dim") {
        None | Some(Value::None) => {}
        Some(Value::Str(d)) if *d == *gb.dim() => {}
        Some(other) => {
            return Err(Exc::new(
                ExcKind::NotImplementedError,
                format!(
                    "GroupBy.reduce over {} is not supported in Nereus; only the grouped dimension {:?}",
                    other.repr(),
                    gb.dim()
                ),
            ))
        }
    }
    p.only_defaults(&["axis", "keepdims"])?;
    let _ = (p.take("keep_attrs"), p.take("shortcut"));
    let kwargs = p.extra();
    let dim = gb.dim().to_owned();
    let mut results = Vec::new();
    let mut labelled = Vec::new();
    for g in 0..gb.len() {
        let positions = gb.positions(g);
        if positions.is_empty() {
            continue;
        }
        labelled.push(g);
        results.push(match grouped.group(positions)? {
            Value::DataArray(a) => Value::from(reduce_values(ctx, &func, &a, &dim, &kwargs)?),
            Value::Dataset(ds) => {
                let mut out = Dataset {
                    attrs: ds.attrs.clone(),
                    ..Dataset::default()
                };
                for name in ds.data_vars.keys() {
                    let a = ds.get(name)?;
                    if a.dims().contains(&dim) {
                        let r = reduce_values(ctx, &func, &a, &dim, &kwargs)?;
                        for (k, c) in &r.coords {
                            out.coords.entry(k.clone()).or_insert_with(|| c.clone());
                        }
                        out.data_vars.insert(name.clone(), r.variable);
                    }
                }
                Value::from(out)
            }
            other => other,
        });
    }
    combine(gb, results, &[], &labelled)
}
