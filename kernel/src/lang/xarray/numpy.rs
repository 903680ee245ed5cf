//! Element-wise maths on arrays: operators, numpy ufuncs (`np.sqrt`, ...), `xr.where` and
//! `slice`. DataArrays stay lazy; numpy arrays are computed at once. Result dtypes are the
//! engine's (numpy's rules, NEP 50 for Python scalars).
#![allow(
    clippy::needless_pass_by_value,
    reason = "all builtins share the `Func` signature"
)]

use nereus_engine::coding::Meaning;
use std::sync::Arc;

use super::super::ast::{BinOp, CmpOp, UnaryOp};
use super::super::error::{Exc, ExcKind, Res};
use super::super::ndarray::NdArray;
use super::super::registry::{Args, Ctx};
use super::super::value::Value;
use super::convert::{is_array, operand};
use nereus_engine::exec::{CancelToken, Context, ExecConfig};
use nereus_engine::model::{DType, Data, DataArray};
use nereus_engine::ops::arith::apply;
use nereus_engine::ops::{MapOp, Operand};

/// Wraps an engine result: a DataArray stays lazy, a numpy-only result is computed now.
fn finish(
    result: Result<DataArray, nereus_engine::ops::PlanError>,
    numpy_only: bool,
) -> Res<Value> {
    let a = result.map_err(Exc::from)?;
    if !numpy_only {
        return Ok(Value::DataArray(Arc::new(a)));
    }
    match compute_now(&a)?.variable.data {
        // numpy gives a scalar, not a 0-d array, for a ufunc of scalars.
        Data::Memory(block) => Ok(Value::NdArray(Arc::new(NdArray {
            scalar: block.shape().is_empty(),
            block,
            meaning: Meaning::Numbers,
        }))),
        Data::Lazy(_) => Err(Exc::new(ExcKind::RuntimeError, "array was not computed")),
    }
}

/// Computes a plan over in-memory values at once: nothing to read, nothing worth interrupting.
pub(crate) fn compute_now(a: &DataArray) -> Res<DataArray> {
    let cancel = CancelToken::new();
    let ctx = Context {
        config: ExecConfig {
            threads: 1,
            memory_budget: 1 << 30,
            result_budget: None,
        },
        progress: None,
        cancel: &cancel,
    };
    a.compute(&ctx).map_err(Exc::from)
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

/// The dtype of an array value, or of a Python number (ints and bools as int64).
fn dtype_of(v: &Value) -> DType {
    match v {
        Value::DataArray(a) => a.variable.dtype(),
        Value::NdArray(a) => a.block.dtype(),
        Value::Float(_) => DType::F64,
        Value::Dataset(d) if d.data_vars.values().any(|v| v.dtype().is_float()) => DType::F64,
        _ => DType::I64,
    }
}

/// Whether every operand holds integers (or bools), so `//` and `%` take numpy's integer rules.
fn all_integer(vals: &[&Value]) -> bool {
    vals.iter().all(|v| !dtype_of(v).is_float())
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
        BinOp::FloorDiv if all_integer(&[a, b]) => MapOp::IntFloorDiv,
        BinOp::FloorDiv => MapOp::FloorDiv,
        BinOp::Mod if all_integer(&[a, b]) => MapOp::IntMod,
        BinOp::Mod => MapOp::Mod,
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
    if let Some(grouped) = super::groupby::binary(map, a, b) {
        return grouped;
    }
    if let Some(r) = super::combine::dataset_binary(map, a, b) {
        return r;
    }
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
    if let Some(r) = super::combine::dataset_binary(map, a, b) {
        return Some(r);
    }
    // Strings compare with a string by equality (season names, strftime output).
    if matches!(op, CmpOp::Eq | CmpOp::Ne) {
        match (a, b) {
            (Value::DataArray(x), Value::Str(s)) | (Value::Str(s), Value::DataArray(x)) => {
                return Some(
                    x.equals_text(s, op == CmpOp::Ne)
                        .map(Value::from)
                        .map_err(Exc::from),
                );
            }
            (Value::NdArray(x), Value::Str(s)) | (Value::Str(s), Value::NdArray(x))
                if matches!(x.meaning, Meaning::Text(_)) =>
            {
                return Some(strings_equal(x, s, op == CmpOp::Ne));
            }
            _ => {}
        }
    }
    if !(is_array(a) || is_array(b)) {
        return None;
    }
    Some(elementwise(map, &[a, b], "comparison"))
}

/// `array == text` (`!=` with `negate`) for a numpy array of strings: a bool array.
fn strings_equal(array: &NdArray, text: &str, negate: bool) -> Res<Value> {
    let hits: Vec<bool> = (0..array.block.len())
        .map(|i| matches!(array.item(i), Value::Str(item) if &*item == text) != negate)
        .collect();
    let shape = array.block.shape().to_vec();
    let mask = ndarray::ArrayD::from_shape_vec(ndarray::IxDyn(&shape), hits)
        .map_err(|e| Exc::value_error(e.to_string()))?;
    Ok(Value::NdArray(Arc::new(NdArray {
        block: Arc::new(nereus_engine::model::Block::Bool(mask)),
        meaning: Meaning::Numbers,
        scalar: false,
    })))
}

/// `op a` for an array.
pub(crate) fn unary(op: UnaryOp, a: &Value) -> Res<Value> {
    match op {
        UnaryOp::Pos => Ok(a.clone()),
        UnaryOp::Neg if matches!(a, Value::Dataset(_)) => super::combine::dataset_unary(MapOp::Neg, a),
        UnaryOp::Neg => elementwise(MapOp::Neg, &[a], "unary -"),
        UnaryOp::Invert => elementwise(MapOp::Not, &[a], "unary ~"),
        UnaryOp::Not => Err(Exc::value_error(
            "The truth value of an array with more than one element is ambiguous. Use a.any() or a.all()",
        )),
    }
}

/// A one-input numpy ufunc: element-wise (and lazy) on arrays, on each data variable of a
/// Dataset (coordinates untouched); on a Python number the same operation, giving an int,
/// float or bool as numpy's scalar result would be.
fn ufunc(name: &str, op: MapOp, args: Args) -> Res<Value> {
    let x = &args.bind()?.required("x")?;
    if matches!(x, Value::Dataset(_)) {
        return super::combine::dataset_unary(op, x);
    }
    if is_array(x) {
        return elementwise(op, &[x], name);
    }
    let v = x.as_f64().ok_or_else(|| {
        Exc::type_error(format!(
            "ufunc '{name}' not supported for the input type '{}'",
            x.type_name()
        ))
    })?;
    let y = op.apply(v, 0.0, 0.0);
    // numpy's result is a numpy scalar (np.float64, np.int64, np.bool), which, unlike a Python
    // number, is not a weak scalar in later arithmetic with float32 arrays (NEP 50).
    let dtype = match op.unary_dtype(dtype_of(x)) {
        Some(d) => d,
        None => DType::F64,
    };
    let block = nereus_engine::model::Block::from_f64(
        ndarray::ArrayD::from_elem(ndarray::IxDyn(&[]), y),
        dtype,
    );
    Ok(Value::NdArray(Arc::new(NdArray {
        block: Arc::new(block),
        meaning: Meaning::Numbers,
        scalar: true,
    })))
}

/// One registry function per ufunc: `np.<name>(x)`.
macro_rules! ufuncs {
    ($($func:ident => $name:literal, $op:ident;)*) => {
        $(
            pub(crate) fn $func(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
                ufunc($name, MapOp::$op, args)
            }
        )*
    };
}

ufuncs! {
    sqrt => "sqrt", Sqrt;
    abs => "absolute", Abs;
    exp => "exp", Exp;
    log => "log", Log;
    log10 => "log10", Log10;
    isnan => "isnan", IsNan;
    isfinite => "isfinite", IsFinite;
    sin => "sin", Sin;
    cos => "cos", Cos;
    tan => "tan", Tan;
    arcsin => "arcsin", ArcSin;
    arccos => "arccos", ArcCos;
    arctan => "arctan", ArcTan;
    deg2rad => "deg2rad", Deg2Rad;
    rad2deg => "rad2deg", Rad2Deg;
    floor => "floor", Floor;
    ceil => "ceil", Ceil;
    sign => "sign", Sign;
}

/// `abs(x)` for an array or a Dataset (the builtin delegates here).
pub(crate) fn abs_array(x: &Value) -> Res<Value> {
    if matches!(x, Value::Dataset(_)) {
        return super::combine::dataset_unary(MapOp::Abs, x);
    }
    elementwise(MapOp::Abs, &[x], "abs()")
}

/// `xr.where(cond, x, y)`: as `np.where`, with its parameters also by keyword.
pub(crate) fn xr_where(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    choose(&p.required("cond")?, &p.required("x")?, &p.required("y")?)
}

/// `np.where(condition, x, y)`.
pub(crate) fn where_(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    choose(
        &p.required("condition")?,
        &p.required("x")?,
        &p.required("y")?,
    )
}

/// `x` where `cond` holds, `y` elsewhere: element-wise for arrays, Python's `x if cond else y`
/// when none is one.
fn choose(cond: &Value, x: &Value, y: &Value) -> Res<Value> {
    let vals = [cond, x, y];
    if !vals.iter().any(|v| is_array(v)) {
        return Ok(if cond.truthy().unwrap_or(true) {
            x.clone()
        } else {
            y.clone()
        });
    }
    let mut out = elementwise(MapOp::Where, &vals, "where()")?;
    // xarray's default `keep_attrs` for `where` copies the attributes of `x` (none for a number).
    if let Value::DataArray(a) = &mut out {
        let attrs = match x {
            Value::DataArray(x) => x.attrs().clone(),
            _ => nereus_engine::model::Attrs::new(),
        };
        Arc::make_mut(a).variable.attrs = attrs;
    }
    Ok(out)
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

/// `da.isnull()` / `ds.isnull()`: NaN, or NaT for dates (always False for integers). Lazy.
pub(crate) fn isnull(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let recv = args.bind()?.receiver();
    null_mask(&recv)
}

/// `da.notnull()` / `ds.notnull()`: the opposite of `isnull`. Lazy.
pub(crate) fn notnull(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let recv = args.bind()?.receiver();
    let mask = null_mask(&recv)?;
    unary(UnaryOp::Invert, &mask)
}

fn null_mask(v: &Value) -> Res<Value> {
    match v {
        Value::Dataset(_) => super::combine::dataset_unary(MapOp::IsNan, v),
        Value::DataArray(a) if Meaning::of(&a.variable) != Meaning::Numbers => {
            // Dates are int64 ticks, NaT their missing value; strings are codes, -1 (no
            // string) theirs.
            let mut plain = (**a).clone();
            let missing = match Meaning::of(&a.variable) {
                Meaning::Text(_) => -1,
                _ => nereus_engine::coding::NAT,
            };
            nereus_engine::coding::TimeScale::unmark(&mut plain.variable.encoding);
            nereus_engine::model::Labels::unmark(&mut plain.variable.encoding);
            let out = apply(MapOp::Eq, &[Operand::array(plain), Operand::Int(missing)]);
            finish(out, false)
        }
        Value::DataArray(_) => elementwise(MapOp::IsNan, &[v], "isnull()"),
        other => Err(Exc::type_error(format!(
            "isnull() needs a DataArray or Dataset, not {}",
            other.type_name()
        ))),
    }
}

/// `da.isin(test_elements)`: True where a value equals one of the numbers. Lazy.
pub(crate) fn isin(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let recv = p.receiver();
    let elements = super::super::functions::items(&p.required("test_elements")?)?;
    let numeric = matches!(&recv, Value::DataArray(a)
        if Meaning::of(&a.variable) == Meaning::Numbers);
    if !numeric {
        return Err(Exc::new(
            ExcKind::NotImplementedError,
            format!(
                "isin() of {} values is not supported in Nereus",
                recv.type_name()
            ),
        ));
    }
    let equal = |e: &Value| {
        compare(CmpOp::Eq, &recv, e).unwrap_or_else(|| Err(Exc::type_error("isin() needs numbers")))
    };
    // With no element nothing is in it: a NaN never compares equal.
    let mut acc = equal(&Value::Float(f64::NAN))?;
    for e in &elements {
        if e.as_f64().is_none() {
            return Err(Exc::new(
                ExcKind::NotImplementedError,
                format!(
                    "isin() with {} elements is not supported in Nereus: only numbers",
                    e.type_name()
                ),
            ));
        }
        acc = binary(BinOp::BitOr, &acc, &equal(e)?)?;
    }
    Ok(acc)
}
