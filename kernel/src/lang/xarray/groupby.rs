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
use super::super::format::format_value;
use super::super::registry::{Args, Ctx};
use super::super::signature::Bound;
use super::super::value::Value;
use super::dataset_climate::DatasetOp;
use super::methods::{this_array, truth};
use nereus_engine::coding::{TimeScale, NAT};
use nereus_engine::model::{Block, Data, Variable};
use nereus_engine::ops::{GroupBy, MapOp, ReduceOp, RollingWindow};

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
    let key = string_arg(p.take("group"), "groupby", "group")?;
    if let Value::Dataset(ds) = &recv {
        let op = DatasetOp::groupby(ds, &key)?;
        return Ok(Value::DatasetOp(Arc::new(op)));
    }
    let gb = this_array(&recv, "groupby")?
        .groupby(&key)
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

/// A GroupBy or Rolling reduction, of a DataArray or of every variable of a Dataset.
fn reduce(op: ReduceOp, ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let name = op.name();
    let mut p = args.bind()?;
    let recv = p.receiver();
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
    let skipna = match p.take("skipna") {
        None | Some(Value::None) => None,
        Some(v) => Some(truth(ctx, &v)?),
    };
    let ddof = match p.take("ddof") {
        None => 0,
        Some(v) => v
            .as_int()
            .and_then(|d| u32::try_from(d).ok())
            .ok_or_else(|| Exc::type_error("ddof must be a non-negative integer"))?,
    };
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

/// xarray's repr of a DataArray's GroupBy.
pub(crate) fn groupby_repr(gb: &GroupBy) -> String {
    groupby_text("DataArray", gb)
}

/// xarray's repr of the GroupBy of a DataArray or Dataset (`owner`): its grouper, the number
/// of groups and the labels that fit 30 characters.
pub(super) fn groupby_text(owner: &str, gb: &GroupBy) -> String {
    let n = gb.len();
    let (kind, grouper, name) = if gb.is_resample() {
        ("Resample", "TimeResampler", "__resample_dim__")
    } else {
        ("GroupBy", "UniqueGrouper", gb.name())
    };
    let labels = gb
        .labels()
        .map(|l| format!(" with labels {}", flat_labels(l, l.size())))
        .unwrap_or_default();
    format!(
        "<{owner}{kind}, grouped over 1 grouper(s), {n} groups in total:\n    '{name}': {grouper}('{name}'), {n}/{n} groups{labels}>"
    )
}

/// xarray's `format_array_flat(labels, 30)` with its spaces turned to ", ": as many first and
/// last labels as fit, "..." between.
fn flat_labels(labels: &Variable, n: usize) -> String {
    const WIDTH: usize = 30;
    let Data::Memory(block) = &labels.data else {
        return String::new();
    };
    let time = TimeScale::of(labels);
    let values = block.to_f64();
    let item = |i: usize| -> String {
        let x = values.iter().nth(i).copied().unwrap_or(f64::NAN);
        match (block.as_ref(), time) {
            (Block::I64(t), Some(s)) => s.format_compact(t.iter().nth(i).copied().unwrap_or(NAT)),
            (b, _) if b.dtype().is_float() => {
                format_value(&Value::Float(x), ".4").unwrap_or_default()
            }
            _ => x.to_string(),
        }
    };
    // Only these can show: every label takes at least two characters.
    let relevant = n.min(WIDTH.div_ceil(2).max(2));
    let front: Vec<String> = (0..relevant.div_ceil(2)).map(item).collect();
    let back: Vec<String> = (n - relevant / 2..n).map(item).collect();
    // Widths of the first and last labels interleaved, as xarray weighs them.
    let mut cum = Vec::with_capacity(relevant);
    let mut total = 0;
    for i in 0..relevant {
        total += if i % 2 == 0 {
            &front[i / 2]
        } else {
            &back[back.len() - 1 - i / 2]
        }
        .len()
            + 1;
        cum.push(total - 1);
    }
    let (count, padding) = if n > 2 && (relevant < n || cum.iter().any(|&c| c > WIDTH)) {
        let fit = cum.iter().position(|&c| c + 4 > WIDTH).unwrap_or(0);
        (fit.max(2).min(n), " ... ")
    } else {
        (n, " ")
    };
    let num_front = count.div_ceil(2);
    let mut text = front[..num_front].join(" ");
    if count > 1 {
        text.push_str(padding);
        text.push_str(&back[back.len() - (count - num_front)..].join(" "));
    }
    if text.len() > WIDTH {
        text.truncate(WIDTH - 3);
        text.push_str("...");
    }
    text.split_whitespace().collect::<Vec<_>>().join(", ")
}

/// xarray's repr of a DataArray's Rolling.
pub(crate) fn rolling_repr(r: &RollingWindow) -> String {
    rolling_text("DataArray", r)
}

/// xarray's repr of the Rolling of a DataArray or Dataset (`owner`).
pub(super) fn rolling_text(owner: &str, r: &RollingWindow) -> String {
    let center = if r.center() { "(center)" } else { "" };
    format!("{owner}Rolling [{}->{}{center}]", r.dim(), r.window())
}
