//! The climate operations of the cell language: `groupby`, `resample` and `rolling` on a
//! DataArray or Dataset, the reductions of the GroupBy and Rolling values they return, and
//! arithmetic between a GroupBy and an array or dataset (anomalies). Argument parsing and
//! reprs only: the engine computes, `dataset_climate` maps a Dataset's variables.
#![allow(
    clippy::needless_pass_by_value,
    reason = "all methods share the registry's `Func` signature"
)]

use std::sync::Arc;

use super::super::error::{Exc, Res};
use super::super::registry::{Args, Ctx};
use super::super::signature::Bound;
use super::super::value::Value;
use super::dataset_climate::DatasetOp;
use super::methods::{ddof, skipna, this_array, truth};
use nereus_engine::ops::{MapOp, ReduceOp};

fn string_arg(v: Option<Value>, method: &str, what: &str) -> Res<String> {
    match v {
        Some(Value::Str(s)) => Ok(s.to_string()),
        Some(other) => Err(Exc::type_error(format!(
            "{method}() {what} must be a string, not {}",
            other.type_name()
        ))),
        None => Err(Exc::type_error(format!(
            "{method}() missing 1 required argument: '{what}'"
        ))),
    }
}

/// The one `dim=value` pair of `resample(time="MS")` / `rolling(time=3)`, given as a keyword
/// or as a dict.
pub(super) fn one_dim(p: &mut Bound, method: &str, dict_name: &str) -> Res<(String, Value)> {
    let mut pairs = dim_pairs(p, method, dict_name)?;
    match pairs.len() {
        1 => Ok(pairs.remove(0)),
        0 => Err(Exc::type_error(format!(
            "{method}() needs one dimension, e.g. {method}(time=...)"
        ))),
        _ => Err(Exc::new(
            super::super::error::ExcKind::NotImplementedError,
            format!("{method}() over several dimensions at once is not supported yet"),
        )),
    }
}

/// The (dimension, value) pairs of `method(dim=value, ...)` or `method({dim: value, ...})`
/// (the dict being parameter `dict_name`).
pub(super) fn dim_pairs(p: &mut Bound, method: &str, dict_name: &str) -> Res<Vec<(String, Value)>> {
    let dict = p.take(dict_name);
    let mut pairs: Vec<(String, Value)> = p.extra();
    if let Some(Value::Dict(d)) = dict {
        for (k, v) in &d.items {
            let Value::Str(k) = k else {
                return Err(Exc::type_error(format!(
                    "{method}() dimension names must be strings"
                )));
            };
            pairs.push((k.to_string(), v.clone()));
        }
    }
    Ok(pairs)
}

/// `da.groupby(group)`.
pub(crate) fn groupby(_ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let recv = p.receiver();
    // xarray deprecated squeeze; groups keep their dimension either way in current xarray.
    let _squeeze = p.take("squeeze");
    let group = p.take("group");
    // Grouping by an array (`ds.groupby(ds.time.dt.month)`) groups by its values: it joins
    // the object as a coordinate of its name, as xarray's result shows it.
    if let Some(Value::DataArray(g)) = &group {
        let name = g
            .name
            .clone()
            .ok_or_else(|| Exc::value_error("`group` must have a name"))?;
        let with = super::set_coord(
            &recv,
            &Value::str(name.as_str()),
            &Value::DataArray(Arc::clone(g)),
        )
        .unwrap_or_else(|| Err(Exc::type_error("groupby() needs a DataArray or Dataset")))?;
        return group_by_name(&with, &name);
    }
    let key = string_arg(group, "groupby", "group")?;
    group_by_name(&recv, &key)
}

/// `recv.groupby(key)` for a key naming a coordinate or a date part of one.
fn group_by_name(recv: &Value, key: &str) -> Res<Value> {
    if let Value::Dataset(ds) = recv {
        let op = DatasetOp::groupby(ds, key)?;
        return Ok(Value::DatasetOp(Arc::new(op)));
    }
    let gb = this_array(recv, "groupby")?
        .groupby(key)
        .map_err(Exc::from)?;
    Ok(Value::GroupBy(Arc::new(gb)))
}

/// `da.resample(time="MS")`.
pub(crate) fn resample(_ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let recv = p.receiver();
    let (dim, freq) = one_dim(&mut p, "resample", "indexer")?;
    let freq = string_arg(Some(freq), "resample", "frequency")?;
    if let Value::Dataset(ds) = &recv {
        let op = DatasetOp::resample(ds, &dim, &freq)?;
        return Ok(Value::DatasetOp(Arc::new(op)));
    }
    let gb = this_array(&recv, "resample")?
        .resample(&dim, &freq)
        .map_err(Exc::from)?;
    Ok(Value::GroupBy(Arc::new(gb)))
}

/// `da.rolling(time=3, center=False, min_periods=None)`.
pub(crate) fn rolling(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let recv = p.receiver();
    let center = match p.take("center") {
        None => false,
        Some(v) => truth(ctx, &v)?,
    };
    let min_periods = match p.take("min_periods") {
        None | Some(Value::None) => None,
        Some(v) => Some(
            v.as_int()
                .ok_or_else(|| Exc::type_error("min_periods must be an integer or None"))?,
        ),
    };
    let (dim, window) = one_dim(&mut p, "rolling", "dim")?;
    let window = window
        .as_int()
        .ok_or_else(|| Exc::type_error("rolling() window must be an integer"))?;
    if let Value::Dataset(ds) = &recv {
        let op = DatasetOp::rolling(ds, &dim, window, center, min_periods)?;
        return Ok(Value::DatasetOp(Arc::new(op)));
    }
    let rolled = this_array(&recv, "rolling")?
        .rolling(&dim, window, center, min_periods)
        .map_err(Exc::from)?;
    Ok(Value::Rolling(Arc::new(rolled)))
}

/// The keywords xarray passes on from a window reduction to the reduction itself: `dim` has
/// no effect there (xarray says so in a FutureWarning and reduces over the windows), the
/// defaults of `skipna` and `ddof` are what Nereus computes, and anything else is refused.
fn window_keywords(ctx: &mut Ctx<'_>, name: &str, p: &mut Bound) -> Res<()> {
    for (k, v) in p.extra() {
        let default = match (k.as_str(), &v) {
            ("dim", _) | ("skipna" | "ddof", Value::None) => true,
            ("skipna", v) => truth(ctx, v)?,
            ("ddof", v) => v.as_int() == Some(0),
            _ => false,
        };
        if !default {
            return Err(Exc::new(
                super::super::error::ExcKind::NotImplementedError,
                format!(
                    "rolling(...).{name}({k}={}) is not supported in Nereus",
                    v.repr()
                ),
            ));
        }
    }
    Ok(())
}

/// A GroupBy or Rolling reduction, of a DataArray or of every variable of a Dataset.
fn reduce(op: ReduceOp, ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let name = op.name();
    let mut p = args.bind()?;
    let recv = p.receiver();
    let windows = match &recv {
        Value::Rolling(_) => true,
        Value::DatasetOp(d) => d.grouping().is_none(),
        _ => false,
    };
    if windows {
        window_keywords(ctx, name, &mut p)?;
    }
    let grouped = match &recv {
        Value::Rolling(r) => {
            return r.reduce(op).map(Value::from).map_err(Exc::from);
        }
        Value::DatasetOp(d) => {
            let Some(gb) = d.grouping() else {
                return d.reduce_windows(op);
            };
            gb
        }
        Value::GroupBy(gb) => gb.as_ref(),
        other => {
            return Err(Exc::type_error(format!(
                "GroupBy.{name}() needs a GroupBy, not {}",
                other.type_name()
            )))
        }
    };
    let skipna = skipna(ctx, &mut p)?;
    let ddof = ddof(&mut p)?;
    if let Some((k, _)) = p.extra().first() {
        return Err(super::methods::unexpected_keyword(&recv, name, k));
    }
    match p.take("dim") {
        None | Some(Value::None) => {}
        Some(Value::Str(d)) if *d == *grouped.dim() => {}
        Some(other) => {
            return Err(Exc::new(
                super::super::error::ExcKind::NotImplementedError,
                format!(
                    "{name}() of a GroupBy reduces over {:?} only; got dim={}",
                    grouped.dim(),
                    other.repr()
                ),
            ))
        }
    }
    match &recv {
        Value::DatasetOp(d) => d.reduce_groups(op, skipna, ddof),
        _ => grouped
            .reduce(op, skipna, ddof)
            .map(Value::from)
            .map_err(Exc::from),
    }
}

reductions!(reduce);

/// Whether a value is a GroupBy of a DataArray or Dataset (so operators combine by group).
pub(crate) fn is_grouped(v: &Value) -> bool {
    match v {
        Value::GroupBy(_) => true,
        Value::DatasetOp(d) => d.grouping().is_some(),
        _ => false,
    }
}

/// `gb <op> array` or `array <op> gb`: each position combined with the array at its group.
/// `None` when neither side is a GroupBy.
pub(crate) fn binary(op: MapOp, a: &Value, b: &Value) -> Option<Res<Value>> {
    let (grouped, other, reflected) = match (a, b) {
        (g, other) if is_grouped(g) => (g, other, false),
        (other, g) if is_grouped(g) => (g, other, true),
        _ => return None,
    };
    if !matches!(other, Value::DataArray(_) | Value::Dataset(_)) {
        return Some(Err(Exc::type_error(
            "GroupBy objects only support binary ops when the other argument is a Dataset or DataArray",
        )));
    }
    Some(match (grouped, other) {
        (Value::DatasetOp(d), other) => d.group_binary(op, other, reflected),
        (Value::GroupBy(gb), Value::DataArray(other)) => gb
            .binary(op, other, reflected)
            .map(Value::from)
            .map_err(Exc::from),
        _ => Err(Exc::new(
            super::super::error::ExcKind::NotImplementedError,
            "arithmetic between a DataArrayGroupBy and a Dataset is not supported yet: combine each variable, e.g. gb - clim[\"sst\"]",
        )),
    })
}
