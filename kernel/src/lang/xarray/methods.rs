//! The methods of DataArray and Dataset: reductions, isel/sel, load/compute, where, fillna,
//! explain and item. Each parses xarray's arguments and calls the engine.
#![allow(
    clippy::needless_pass_by_value,
    reason = "all methods share the registry's `Func` signature"
)]

use std::sync::Arc;

use super::super::error::{Exc, ExcKind, Res};
use super::super::registry::{Args, Ctx};
use super::super::signature::Bound;
use super::super::value::Value;
use super::super::Stream;
use super::convert::{dims_arg, indexer, label_indexer, labels_of, load, number, operand, run};
use nereus_engine::model::DataArray;
use nereus_engine::ops::{Indexer, Label, LabelIndexer, ReduceOp};

/// The DataArray receiver, or a TypeError.
pub(crate) fn this_array<'v>(recv: &'v Value, method: &str) -> Res<&'v Arc<DataArray>> {
    match recv {
        Value::DataArray(a) => Ok(a),
        other => Err(Exc::type_error(format!(
            "DataArray.{method}() needs a DataArray, not {}",
            other.type_name()
        ))),
    }
}

/// The `skipna` a reduction was given: `None` (skip NaN for floats) unless a truth value.
pub(super) fn skipna(ctx: &Ctx<'_>, p: &mut Bound) -> Res<Option<bool>> {
    match p.take("skipna") {
        None | Some(Value::None) => Ok(None),
        Some(v) => Ok(Some(truth(ctx, &v)?)),
    }
}

/// The `ddof` a reduction was given (0 when not).
pub(super) fn ddof(p: &mut Bound) -> Res<u32> {
    match p.take("ddof") {
        None => Ok(0),
        Some(v) => v
            .as_int()
            .and_then(|d| u32::try_from(d).ok())
            .ok_or_else(|| Exc::type_error("ddof must be a non-negative integer")),
    }
}

fn reduce(op: ReduceOp, ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let name = op.name();
    let mut p = args.bind()?;
    let recv = p.receiver();
    let skipna = skipna(ctx, &mut p)?;
    let ddof = ddof(&mut p)?;
    let mut dims = dims_arg(p.take("dim"))?;
    for (k, v) in p.extra() {
        if k != "axis" {
            return Err(unexpected_keyword(&recv, name, &k));
        }
        if dims.is_some() {
            return Err(Exc::value_error(
                "cannot supply both 'axis' and 'dim' arguments",
            ));
        }
        let Value::DataArray(a) = &recv else {
            return Err(Exc::new(
                ExcKind::NotImplementedError,
                format!("Dataset.{name}(axis=...) is not supported in Nereus; name the dimensions with dim="),
            ));
        };
        dims = axis_dims(&v, a.dims())?;
    }
    match &recv {
        Value::Dataset(ds) => ds
            .reduce(op, dims.as_deref(), skipna, ddof)
            .map(Value::from)
            .map_err(Exc::from),
        other => this_array(other, name)?
            .reduce(op, dims.as_deref(), skipna, ddof)
            .map(Value::from)
            .map_err(Exc::from),
    }
}

reductions!(reduce);

/// Python's error for a keyword a reduction of `recv` does not take, suggesting the closest
/// one it does.
pub(super) fn unexpected_keyword(recv: &Value, name: &str, k: &str) -> Exc {
    let hint = super::super::error::suggestion(k, ["dim", "skipna", "ddof", "keep_attrs", "axis"]);
    Exc::type_error(format!(
        "{}.{name}() got an unexpected keyword argument '{k}'{hint}",
        recv.type_name()
    ))
}

/// The dimensions `axis=` numbers (an int or a sequence of ints, negative from the end).
pub(super) fn axis_dims(v: &Value, dims: &[String]) -> Res<Option<Vec<String>>> {
    let list = match v {
        Value::None => return Ok(None),
        Value::List(t) | Value::Tuple(t) => t.to_vec(),
        other => vec![other.clone()],
    };
    let n = i64::try_from(dims.len()).unwrap_or(i64::MAX);
    list.iter()
        .map(|a| {
            let i = a
                .as_int()
                .ok_or_else(|| Exc::type_error("axis must be an integer"))?;
            let at = if i < 0 { i + n } else { i };
            usize::try_from(at)
                .ok()
                .and_then(|at| dims.get(at).cloned())
                .ok_or_else(|| {
                    Exc::value_error(format!(
                        "axis {i} is out of bounds for array of dimension {}",
                        dims.len()
                    ))
                })
        })
        .collect::<Res<Vec<_>>>()
        .map(Some)
}

/// The `{dim: indexer}` pairs of isel/sel: an optional dict (positional or `indexers=`) plus
/// keyword arguments, in order.
fn indexer_pairs(name: &str, p: &mut Bound) -> Res<Vec<(String, Value)>> {
    pairs_from(name, "indexers", p)
}

/// The `{dim: value}` pairs of a call, from its dict argument `dict_arg` and its keywords.
fn pairs_from(name: &str, dict_arg: &str, p: &mut Bound) -> Res<Vec<(String, Value)>> {
    if p.take("drop").is_some_and(|v| v.truthy() != Some(false)) {
        return Err(Exc::new(
            ExcKind::NotImplementedError,
            format!("{name}(drop=True) is not supported yet"),
        ));
    }
    p.only_defaults(&["missing_dims"])?;
    let mut pairs = Vec::new();
    match p.take(dict_arg) {
        None | Some(Value::None) => {}
        Some(Value::Dict(d)) => {
            for (k, v) in &d.items {
                let Value::Str(k) = k else {
                    return Err(Exc::type_error(format!(
                        "{name}() dimension names must be strings, not {}",
                        k.type_name()
                    )));
                };
                pairs.push((k.to_string(), v.clone()));
            }
        }
        Some(other) => {
            return Err(Exc::type_error(format!(
                "{name}() indexers must be a dict, not {}",
                other.type_name()
            )))
        }
    }
    pairs.extend(p.extra());
    Ok(pairs)
}

pub(crate) fn isel(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let recv = p.receiver();
    let pairs = indexer_pairs("isel", &mut p)?;
    let indexers: Vec<(String, Indexer)> = pairs
        .iter()
        .map(|(d, v)| Ok((d.clone(), indexer(v)?)))
        .collect::<Res<_>>()?;
    match &recv {
        Value::Dataset(ds) => ds.isel(&indexers).map(Value::from).map_err(Exc::from),
        other => this_array(other, "isel")?
            .isel(&indexers)
            .map(Value::from)
            .map_err(Exc::from),
    }
}

pub(crate) fn sel(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let mut recv = p.receiver();
    let method = p.take("method");
    let tolerance = match p.take("tolerance") {
        None | Some(Value::None) => None,
        Some(v) => Some(number(&v).ok_or_else(|| {
            Exc::new(
                ExcKind::NotImplementedError,
                format!(
                    "sel(tolerance={}): Nereus takes a number of the coordinate's units",
                    v.repr()
                ),
            )
        })?),
    };
    let nearest = match method {
        None | Some(Value::None) => false,
        Some(Value::Str(s)) if &*s == "nearest" => true,
        Some(other) => {
            return Err(Exc::value_error(format!(
                "sel method must be None or 'nearest', not {}",
                other.repr()
            )))
        }
    };
    let mut pairs = indexer_pairs("sel", &mut p)?;
    // A boolean array selects positions, as in xarray (`sel(time=ds.time.dt.month == 7)`).
    let masks: Vec<(String, Indexer)> = pairs
        .iter()
        .filter(|(_, v)| matches!(v, Value::DataArray(a) if a.dtype() == nereus_engine::model::DType::Bool))
        .map(|(d, v)| Ok((d.clone(), bool_mask(ctx, v)?)))
        .collect::<Res<_>>()?;
    if !masks.is_empty() {
        pairs.retain(|(d, _)| !masks.iter().any(|(m, _)| m == d));
        recv = isel_value(&recv, &masks)?;
    }
    let indexers: Vec<(String, LabelIndexer)> = pairs
        .iter()
        .map(|(d, v)| Ok((d.clone(), label_indexer(v)?)))
        .collect::<Res<_>>()?;
    let result = match &recv {
        Value::Dataset(ds) => ds.sel(&indexers, nearest, tolerance).map(Value::from),
        other => this_array(other, "sel")?
            .sel(&indexers, nearest, tolerance)
            .map(Value::from),
    };
    result.map_err(label_error)
}

/// xarray's label methods say KeyError for a name that is no dimension (isel says
/// ValueError).
fn label_error(e: nereus_engine::ops::PlanError) -> Exc {
    match e {
        nereus_engine::ops::PlanError::UnknownDim { .. } => {
            Exc::new(ExcKind::KeyError, e.to_string())
        }
        other => Exc::from(other),
    }
}

/// `drop_sel(labels=None, *, errors='raise', **labels_kwargs)`: drops labels (a label or a
/// list of them per dimension, matched exactly).
pub(crate) fn drop_sel(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let recv = p.receiver();
    let ignore_missing = match p.take("errors") {
        None => false,
        Some(Value::Str(s)) if &*s == "raise" => false,
        Some(Value::Str(s)) if &*s == "ignore" => true,
        Some(other) => {
            return Err(Exc::value_error(format!(
                "errors must be either 'raise' or 'ignore', not {}",
                other.repr()
            )))
        }
    };
    let labels: Vec<(String, Vec<Label>)> = pairs_from("drop_sel", "labels", &mut p)?
        .iter()
        .map(|(d, v)| Ok((d.clone(), labels_of(v)?)))
        .collect::<Res<_>>()?;
    let result = match &recv {
        Value::Dataset(ds) => ds.drop_sel(&labels, ignore_missing).map(Value::from),
        other => this_array(other, "drop_sel")?
            .drop_sel(&labels, ignore_missing)
            .map(Value::from),
    };
    result.map_err(Exc::from)
}

/// `load()` and `compute()`: values in memory (interruptible).
pub(crate) fn load_method(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let recv = args.bind()?.receiver();
    match &recv {
        Value::Dataset(ds) => run(ctx, |c| ds.compute(c)).map(Value::from),
        other => Ok(Value::from(load(ctx, this_array(other, "load")?)?)),
    }
}

pub(crate) fn where_(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let recv = p.receiver();
    let cond = p.required("cond")?;
    let other = p.take("other");
    let drop = match p.take("drop") {
        Some(v) => truth(ctx, &v)?,
        None => false,
    };
    if drop {
        if other.is_some() {
            return Err(Exc::value_error("cannot set `other` if drop=True"));
        }
        // Keep only the labels where the condition holds somewhere, then mask.
        let masks = drop_masks(ctx, &cond)?;
        let narrowed = isel_value(&recv, &masks)?;
        let cond = isel_value(&cond, &masks)?;
        let args = Args {
            pos: vec![narrowed, cond],
            kw: Vec::new(),
            callee: None,
        };
        return where_plain(args);
    }
    let mut args = Args {
        pos: vec![recv, cond],
        kw: Vec::new(),
        callee: None,
    };
    args.pos.extend(other);
    where_plain(args)
}

/// For each dimension of the boolean `cond`, the positions where it is true somewhere (what
/// `where(cond, drop=True)` keeps).
fn drop_masks(ctx: &Ctx<'_>, cond: &Value) -> Res<Vec<(String, Indexer)>> {
    let Value::DataArray(c) = cond else {
        return Err(Exc::type_error(
            "where(drop=True) needs a DataArray condition",
        ));
    };
    let c = load(ctx, c)?;
    let nereus_engine::model::Data::Memory(block) = &c.variable.data else {
        return Err(Exc::type_error("the condition is not in memory"));
    };
    let nereus_engine::model::Block::Bool(b) = block.as_ref() else {
        return Err(Exc::type_error(
            "where(drop=True) needs a boolean condition",
        ));
    };
    Ok(c.dims()
        .iter()
        .enumerate()
        .map(|(axis, d)| {
            let mut any = vec![false; b.shape()[axis]];
            for (idx, &v) in b.indexed_iter() {
                if v {
                    any[idx[axis]] = true;
                }
            }
            (d.clone(), Indexer::Mask(any))
        })
        .collect())
}

/// A 1-D boolean DataArray as a positional mask (computed if lazy).
fn bool_mask(ctx: &Ctx<'_>, v: &Value) -> Res<Indexer> {
    let Value::DataArray(a) = v else {
        return Err(Exc::type_error("a boolean mask must be a DataArray"));
    };
    let a = load(ctx, a)?;
    match &a.variable.data {
        nereus_engine::model::Data::Memory(b) => match b.as_ref() {
            nereus_engine::model::Block::Bool(m) if m.ndim() == 1 => {
                Ok(Indexer::Mask(m.iter().copied().collect()))
            }
            _ => Err(Exc::new(
                ExcKind::IndexError,
                "a boolean indexer must be one-dimensional",
            )),
        },
        nereus_engine::model::Data::Lazy(_) => Err(Exc::type_error("the mask is not in memory")),
    }
}

/// `v.isel(...)` for a DataArray or Dataset, the indexers restricted to its dimensions.
fn isel_value(v: &Value, at: &[(String, Indexer)]) -> Res<Value> {
    match v {
        Value::Dataset(ds) => {
            let dims = nereus_engine::repr::dataset_dims(ds);
            let at: Vec<_> = at
                .iter()
                .filter(|(d, _)| dims.contains_key(d))
                .cloned()
                .collect();
            Ok(Value::from(ds.isel(&at)?))
        }
        Value::DataArray(a) => {
            let at: Vec<_> = at
                .iter()
                .filter(|(d, _)| a.dims().contains(d))
                .cloned()
                .collect();
            Ok(Value::from(a.isel(&at)?))
        }
        other => Err(Exc::type_error(format!(
            "where() needs a DataArray or Dataset, not {}",
            other.type_name()
        ))),
    }
}

/// `where(cond[, other])` without dropping: `pos` is (receiver, cond[, other]).
fn where_plain(args: Args) -> Res<Value> {
    let mut pos = args.pos.into_iter();
    let recv = pos.next().unwrap_or(Value::None);
    let cond = pos.next().unwrap_or(Value::None);
    let other = pos.next();
    if let Value::Dataset(ds) = &recv {
        let other = other.as_ref().and_then(operand);
        return super::structure::dataset_where(ds, &cond, other.as_ref());
    }
    let a = this_array(&recv, "where")?;
    let Value::DataArray(cond) = &cond else {
        return Err(Exc::type_error(format!(
            "where() cond must be a DataArray of booleans, not {}",
            cond.type_name()
        )));
    };
    let other = match &other {
        None => None,
        Some(v) => Some(operand(v).ok_or_else(|| {
            Exc::type_error(format!(
                "where() other must be a number or a DataArray, not {}",
                v.type_name()
            ))
        })?),
    };
    a.where_(cond, other.as_ref())
        .map(Value::from)
        .map_err(Exc::from)
}

pub(crate) fn fillna(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let recv = p.receiver();
    let value = p.required("value")?;
    let v = operand(&value).ok_or_else(|| {
        Exc::type_error(format!(
            "fillna() value must be a number or a DataArray, not {}",
            value.type_name()
        ))
    })?;
    if let Value::Dataset(ds) = &recv {
        return ds
            .map_data(|a| a.fillna(&v))
            .map(Value::from)
            .map_err(Exc::from);
    }
    this_array(&recv, "fillna")?
        .fillna(&v)
        .map(Value::from)
        .map_err(Exc::from)
}

pub(crate) fn explain(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let recv = args.bind()?.receiver();
    let text = this_array(&recv, "explain")?.explain();
    ctx.out.stream(Stream::Stdout, &text);
    Ok(Value::None)
}

/// A one-element array (DataArray computed if needed, or numpy) as a Python number.
pub(crate) fn scalar(ctx: &Ctx<'_>, v: &Value) -> Res<Value> {
    let nd = match v {
        Value::NdArray(a) => Arc::clone(a),
        Value::DataArray(a) => {
            let loaded = load(ctx, a)?;
            let Some(nd) = super::super::ndarray::ndarray_of(&loaded.variable) else {
                return Err(Exc::new(ExcKind::RuntimeError, "array was not computed"));
            };
            Arc::new(nd)
        }
        other => return Ok(other.clone()),
    };
    if nd.block.len() != 1 {
        return Err(Exc::value_error(
            "can only convert an array of size 1 to a Python scalar",
        ));
    }
    Ok(nd.item(0))
}

/// Python's `bool(v)`, as numpy decides it for arrays: a one-element array gives its element's
/// truth (computing a lazy one), other sizes are ambiguous.
pub(crate) fn truth(ctx: &Ctx<'_>, v: &Value) -> Res<bool> {
    let size = match v {
        Value::NdArray(a) => a.block.len(),
        Value::DataArray(a) => a.variable.size(),
        other => return Ok(other.truthy().unwrap_or(true)),
    };
    match size {
        0 => Err(Exc::value_error(
            "The truth value of an empty array is ambiguous. Use `array.size > 0` to check that an array is not empty.",
        )),
        1 => Ok(scalar(ctx, v)?.truthy().unwrap_or(true)),
        _ => Err(Exc::value_error(
            "The truth value of an array with more than one element is ambiguous. Use a.any() or a.all()",
        )),
    }
}

pub(crate) fn item(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let recv = args.bind()?.receiver();
    scalar(ctx, &recv)
}

/// `ndarray.tolist()`.
pub(crate) fn tolist(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let recv = args.bind()?.receiver();
    let Value::NdArray(a) = &recv else {
        return Err(Exc::type_error("tolist() needs a numpy array"));
    };
    let shape = a.block.shape().to_vec();
    Ok(nest(a, &shape, 0))
}

/// Nested lists of the elements from `offset` over `shape`.
fn nest(a: &super::super::ndarray::NdArray, shape: &[usize], offset: usize) -> Value {
    match shape.split_first() {
        None => a.item(offset),
        Some((&n, rest)) => {
            let stride: usize = rest.iter().product();
            Value::List(Arc::new(
                (0..n).map(|i| nest(a, rest, offset + i * stride)).collect(),
            ))
        }
    }
}

/// `da.copy(deep=True, data=None)`: Nereus values never change in place, so the object itself
/// is its copy.
pub(crate) fn copy(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let recv = p.receiver();
    let _deep = p.take("deep");
    p.only_defaults(&["data"])?;
    Ok(recv)
}
