//! The climate operations of the cell language: `groupby`, `resample` and `rolling` on a
//! DataArray, the reductions of the GroupBy and Rolling values they return, and arithmetic
//! between a GroupBy and an array (anomalies). Argument parsing only: the engine computes.
#![allow(
    clippy::needless_pass_by_value,
    reason = "all methods share the registry's `Func` signature"
)]

use std::sync::Arc;

use super::super::builtins::{Args, Ctx};
use super::super::error::{Exc, Res};
use super::super::value::Value;
use super::convert::plan_error;
use super::methods::{this_array, truth};
use crate::model::DataArray;
use crate::ops::{GroupBy, MapOp, ReduceOp, RollingWindow};

fn array(a: DataArray) -> Value {
    Value::DataArray(Arc::new(a))
}

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
pub(super) fn one_dim(args: &mut Args, method: &str, dict_name: &str) -> Res<(String, Value)> {
    let mut pairs: Vec<(String, Value)> = std::mem::take(&mut args.kw);
    if let Some(Value::Dict(d)) = args.pos.first().cloned().or(args.take_kw(dict_name)) {
        args.pos.clear();
        for (k, v) in &d.items {
            let Value::Str(k) = k else {
                return Err(Exc::type_error(format!(
                    "{method}() dimension names must be strings"
                )));
            };
            pairs.push((k.to_string(), v.clone()));
        }
    }
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

/// `da.groupby(group)`.
pub(crate) fn groupby(_ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let (recv, mut args) = args.receiver();
    let _squeeze = args.take_kw("squeeze");
    let group = args.take_kw("group").or_else(|| args.pos.first().cloned());
    let key = string_arg(group, "groupby", "group")?;
    let gb = this_array(&recv, "groupby")?
        .groupby(&key)
        .map_err(|e| plan_error(&e))?;
    Ok(Value::GroupBy(Arc::new(gb)))
}

/// `da.resample(time="MS")`.
pub(crate) fn resample(_ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let (recv, mut args) = args.receiver();
    let (dim, freq) = one_dim(&mut args, "resample", "indexer")?;
    let freq = string_arg(Some(freq), "resample", "frequency")?;
    let gb = this_array(&recv, "resample")?
        .resample(&dim, &freq)
        .map_err(|e| plan_error(&e))?;
    Ok(Value::GroupBy(Arc::new(gb)))
}

/// `da.rolling(time=3, center=False, min_periods=None)`.
pub(crate) fn rolling(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let (recv, mut args) = args.receiver();
    let center = match args.take_kw("center") {
        None => false,
        Some(v) => truth(ctx, &v)?,
    };
    let min_periods = match args.take_kw("min_periods") {
        None | Some(Value::None) => None,
        Some(v) => Some(
            v.as_int()
                .ok_or_else(|| Exc::type_error("min_periods must be an integer or None"))?,
        ),
    };
    let (dim, window) = one_dim(&mut args, "rolling", "dim")?;
    let window = window
        .as_int()
        .ok_or_else(|| Exc::type_error("rolling() window must be an integer"))?;
    let rolled = this_array(&recv, "rolling")?
        .rolling(&dim, window, center, min_periods)
        .map_err(|e| plan_error(&e))?;
    Ok(Value::Rolling(Arc::new(rolled)))
}

fn this_groupby<'v>(recv: &'v Value, method: &str) -> Res<&'v Arc<GroupBy>> {
    match recv {
        Value::GroupBy(g) => Ok(g),
        other => Err(Exc::type_error(format!(
            "GroupBy.{method}() needs a GroupBy, not {}",
            other.type_name()
        ))),
    }
}

fn this_rolling<'v>(recv: &'v Value, method: &str) -> Res<&'v Arc<RollingWindow>> {
    match recv {
        Value::Rolling(r) => Ok(r),
        other => Err(Exc::type_error(format!(
            "Rolling.{method}() needs a Rolling, not {}",
            other.type_name()
        ))),
    }
}

/// A GroupBy or Rolling reduction.
fn reduce(op: ReduceOp, ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let name = op.name();
    let (recv, mut args) = args.receiver();
    let _keep_attrs = args.take_kw("keep_attrs");
    if let Value::Rolling(_) = recv {
        args.arity(name, 0, 0)?;
        return this_rolling(&recv, name)?
            .reduce(op)
            .map(array)
            .map_err(|e| plan_error(&e));
    }
    let gb = this_groupby(&recv, name)?;
    let skipna = match args.take_kw("skipna") {
        None | Some(Value::None) => None,
        Some(v) => Some(truth(ctx, &v)?),
    };
    let ddof = match args.take_kw("ddof") {
        None => 0,
        Some(v) => v
            .as_int()
            .and_then(|d| u32::try_from(d).ok())
            .ok_or_else(|| Exc::type_error("ddof must be a non-negative integer"))?,
    };
    match args.take_kw("dim").or_else(|| args.pos.first().cloned()) {
        None | Some(Value::None) => {}
        Some(Value::Str(d)) if *d == *gb.dim() => {}
        Some(other) => {
            return Err(Exc::new(
                super::super::error::ExcKind::NotImplementedError,
                format!(
                    "{name}() of a GroupBy reduces over {:?} only; got dim={}",
                    gb.dim(),
                    other.repr()
                ),
            ))
        }
    }
    gb.reduce(op, skipna, ddof)
        .map(array)
        .map_err(|e| plan_error(&e))
}

pub(crate) fn mean(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    reduce(ReduceOp::Mean, ctx, args)
}
pub(crate) fn sum(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    reduce(ReduceOp::Sum, ctx, args)
}
pub(crate) fn min(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    reduce(ReduceOp::Min, ctx, args)
}
pub(crate) fn max(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    reduce(ReduceOp::Max, ctx, args)
}
pub(crate) fn std(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    reduce(ReduceOp::Std, ctx, args)
}
pub(crate) fn var(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    reduce(ReduceOp::Var, ctx, args)
}
pub(crate) fn count(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    reduce(ReduceOp::Count, ctx, args)
}

/// Whether a value is a GroupBy (so operators combine by group).
pub(crate) fn is_grouped(v: &Value) -> bool {
    matches!(v, Value::GroupBy(_))
}

/// `gb <op> array` or `array <op> gb`: each position combined with the array at its group.
/// `None` when neither side is a GroupBy.
pub(crate) fn binary(op: MapOp, a: &Value, b: &Value) -> Option<Res<Value>> {
    let (gb, other, reflected) = match (a, b) {
        (Value::GroupBy(g), other) => (g, other, false),
        (other, Value::GroupBy(g)) => (g, other, true),
        _ => return None,
    };
    let Value::DataArray(other) = other else {
        return Some(Err(Exc::type_error(format!(
            "unsupported operand type(s) for GroupBy arithmetic: '{}' (use the reduced result, e.g. gb - gb.mean())",
            other.type_name()
        ))));
    };
    Some(
        gb.binary(op, other, reflected)
            .map(array)
            .map_err(|e| plan_error(&e)),
    )
}

/// xarray's repr of a GroupBy: what it is grouped over and how many groups.
pub(crate) fn groupby_repr(gb: &GroupBy) -> String {
    let kind = if gb.is_resample() {
        "DataArrayResample"
    } else {
        "DataArrayGroupBy"
    };
    let labels = gb.labels().and_then(|l| match &l.data {
        crate::model::Data::Memory(b) if l.calendar().is_none() => {
            let v = b.to_f64();
            let show = |x: &f64| format!("{x}");
            Some(match v.len() {
                0 => String::new(),
                n if n <= 6 => v.iter().map(show).collect::<Vec<_>>().join(", "),
                n => format!("{}, {}, ..., {}", show(&v[0]), show(&v[1]), show(&v[n - 1])),
            })
        }
        _ => None,
    });
    let n = gb.len();
    let plural = if n == 1 { "" } else { "s" };
    match labels {
        Some(l) => format!(
            "<{kind}, grouped over '{}'\n{n} group{plural} with labels {l}.>",
            gb.name()
        ),
        None => format!("<{kind}, grouped over '{}'\n{n} group{plural}.>", gb.name()),
    }
}

/// xarray's repr of a Rolling.
pub(crate) fn rolling_repr(r: &RollingWindow) -> String {
    let center = if r.center() { "(center)" } else { "" };
    format!("DataArrayRolling [{}->{}{center}]", r.dim(), r.window())
}
