//! Element-wise maths on arrays: operators, numpy ufuncs (`np.sqrt`, ...), `xr.where`,
//! `open_zarr` and `slice`. DataArrays stay lazy; numpy arrays are computed at once.
#![allow(
    clippy::needless_pass_by_value,
    reason = "all builtins share the `Func` signature"
)]

use std::path::PathBuf;
use std::sync::Arc;

use super::super::ast::{BinOp, CmpOp, UnaryOp};
use super::super::builtins::{Args, Ctx};
use super::super::error::{Exc, ExcKind, Res};
use super::super::ndarray::NdArray;
use super::super::value::Value;
use super::convert::{exec_error, is_array, open_error, operand, plan_error};
use crate::exec::{CancelToken, Context, ExecConfig};
use crate::model::{Data, DataArray};
use crate::ops::arith::apply;
use crate::ops::{open_zarr as engine_open, MapOp, OpenOptions, Operand};

/// Wraps an engine result: a DataArray stays lazy, a numpy-only result is computed now.
fn finish(result: Result<DataArray, crate::ops::PlanError>, numpy_only: bool) -> Res<Value> {
    let a = result.map_err(|e| plan_error(&e))?;
    if !numpy_only {
        return Ok(Value::DataArray(Arc::new(a)));
    }
    // In-memory inputs only: nothing to read, nothing worth interrupting.
    let cancel = CancelToken::new();
    let ctx = Context {
        config: ExecConfig {
            threads: 1,
            memory_budget: 1 << 30,
        },
        progress: None,
        cancel: &cancel,
    };
    let loaded = a.compute(&ctx).map_err(|e| exec_error(&e))?;
    match loaded.variable.data {
        Data::Memory(block) => Ok(Value::NdArray(Arc::new(NdArray {
            block,
            calendar: None,
        }))),
        Data::Lazy(_) => Err(Exc::new(ExcKind::RuntimeError, "array was not computed")),
    }
}

fn has_dataarray(vals: &[&Value]) -> bool {
    vals.iter().any(|v| matches!(v, Value::DataArray(_)))
}

fn operands(vals: &[&Value], what: &str) -> Res<Vec<Operand>> {
    vals.iter()
        .map(|v| {
            operand(v).ok_or_else(|| {
                Exc::type_error(format!(
                    "unsupported operand type for {what}: '{}'",
                    v.type_name()
                ))
            })
        })
        .collect()
}

/// Applies an element-wise op to arrays and numbers (at least one array).
fn elementwise(op: MapOp, vals: &[&Value], what: &str) -> Res<Value> {
    let ops = operands(vals, what)?;
    finish(apply(op, &ops), !has_dataarray(vals))
}

/// `a op b` when either side is an array.
pub(crate) fn binary(op: BinOp, a: &Value, b: &Value) -> Res<Value> {
    let map = match op {
        BinOp::Add => MapOp::Add,
        BinOp::Sub => MapOp::Sub,
        BinOp::Mul => MapOp::Mul,
        BinOp::Div => MapOp::Div,
        BinOp::Pow => MapOp::Pow,
        BinOp::BitAnd => MapOp::And,
        BinOp::BitOr => MapOp::Or,
        other => {
            return Err(Exc::new(
                ExcKind::NotImplementedError,
                format!(
                    "operator '{}' on arrays is not supported yet",
                    other.symbol()
                ),
            ))
        }
    };
    elementwise(map, &[a, b], op.symbol())
}

/// `a op b` for a comparison when either side is an array: an array of booleans.
pub(crate) fn compare(op: CmpOp, a: &Value, b: &Value) -> Option<Res<Value>> {
    let map = match op {
        CmpOp::Lt => MapOp::Lt,
        CmpOp::Le => MapOp::Le,
        CmpOp::Gt => MapOp::Gt,
        CmpOp::Ge => MapOp::Ge,
        CmpOp::Eq => MapOp::Eq,
        CmpOp::Ne => MapOp::Ne,
        _ => return None,
    };
    if !(is_array(a) || is_array(b)) {
        return None;
    }
    Some(elementwise(map, &[a, b], "comparison"))
}

/// `op a` for an array.
pub(crate) fn unary(op: UnaryOp, a: &Value) -> Res<Value> {
    match op {
        UnaryOp::Pos => Ok(a.clone()),
        UnaryOp::Neg => elementwise(MapOp::Neg, &[a], "unary -"),
        UnaryOp::Invert => elementwise(MapOp::Not, &[a], "unary ~"),
        UnaryOp::Not => Err(Exc::value_error(
            "The truth value of an array with more than one element is ambiguous. Use a.any() or a.all()",
        )),
    }
}

fn ufunc(name: &str, op: MapOp, args: Args, scalar: fn(f64) -> Value) -> Res<Value> {
    args.arity(name, 1, 1)?;
    let x = &args.pos[0];
    if is_array(x) {
        return elementwise(op, &[x], name);
    }
    let v = x.as_f64().ok_or_else(|| {
        Exc::type_error(format!(
            "ufunc '{name}' not supported for the input type '{}'",
            x.type_name()
        ))
    })?;
    Ok(scalar(v))
}

pub(crate) fn sqrt(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    ufunc("sqrt", MapOp::Sqrt, args, |x| Value::Float(x.sqrt()))
}

pub(crate) fn abs(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    ufunc("absolute", MapOp::Abs, args, |x| Value::Float(x.abs()))
}

pub(crate) fn exp(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    ufunc("exp", MapOp::Exp, args, |x| Value::Float(x.exp()))
}

pub(crate) fn log(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    ufunc("log", MapOp::Log, args, |x| Value::Float(x.ln()))
}

pub(crate) fn isnan(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    ufunc("isnan", MapOp::IsNan, args, |x| Value::Bool(x.is_nan()))
}

/// `abs(x)` for an array (the builtin delegates here).
pub(crate) fn abs_array(x: &Value) -> Res<Value> {
    elementwise(MapOp::Abs, &[x], "abs()")
}

/// `xr.where(cond, x, y)` / `np.where(cond, x, y)`.
pub(crate) fn where_(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    args.arity("where", 3, 3)?;
    let vals: Vec<&Value> = args.pos.iter().collect();
    if !vals.iter().any(|v| is_array(v)) {
        return Ok(if args.pos[0].truthy() {
            args.pos[1].clone()
        } else {
            args.pos[2].clone()
        });
    }
    elementwise(MapOp::Where, &vals, "where()")
}

fn flag(v: Option<Value>, default: bool) -> bool {
    v.map_or(default, |v| v.truthy())
}

/// `xr.open_zarr(store, ...)`.
pub(crate) fn open_zarr(_: &mut Ctx<'_>, mut args: Args) -> Res<Value> {
    let store = args.take_kw("store");
    let consolidated = args.take_kw("consolidated");
    let decode_cf = flag(args.take_kw("decode_cf"), true);
    let mask_and_scale = flag(args.take_kw("mask_and_scale"), decode_cf);
    let decode_times = flag(args.take_kw("decode_times"), decode_cf);
    let _chunks = args.take_kw("chunks");
    args.arity("open_zarr", 0, 1)?;
    let path = match store.or_else(|| args.pos.into_iter().next()) {
        Some(Value::Str(s)) => PathBuf::from(&*s),
        Some(other) => {
            return Err(Exc::type_error(format!(
                "store must be a path string, not {}",
                other.type_name()
            )))
        }
        None => {
            return Err(Exc::type_error(
                "open_zarr() missing 1 required positional argument: 'store'",
            ))
        }
    };
    let consolidated = match consolidated {
        None | Some(Value::None) => None,
        Some(v) => Some(v.truthy()),
    };
    let options = OpenOptions {
        consolidated,
        mask_and_scale,
        decode_times,
    };
    let ds = engine_open(&path, options).map_err(|e| open_error(&e, &path))?;
    Ok(Value::Dataset(Arc::new(ds)))
}

/// `slice(stop)` / `slice(start, stop[, step])`.
pub(crate) fn slice(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    args.arity("slice", 1, 3)?;
    let mut it = args.pos.into_iter();
    let (a, b, c) = (it.next(), it.next(), it.next());
    let parts = match (a, b, c) {
        (Some(end), None, _) => [Value::None, end, Value::None],
        (a, b, c) => [
            a.unwrap_or(Value::None),
            b.unwrap_or(Value::None),
            c.unwrap_or(Value::None),
        ],
    };
    Ok(Value::Slice(Arc::new(parts)))
}
