//! numpy's array constructors `np.arange` and `np.linspace`: in-memory 1-D numpy arrays built
//! with numpy's arithmetic (so the values match numpy's to the last bit). Nothing lazy here.
#![allow(
    clippy::needless_pass_by_value,
    reason = "all builtins share the `Func` signature"
)]
#![allow(
    clippy::similar_names,
    reason = "start, stop and step are numpy's parameter names"
)]

use nereus_engine::coding::Meaning;
use std::sync::Arc;

use ndarray::{Array1, ArrayD, IxDyn};

use super::super::error::{Exc, ExcKind, Res};
use super::super::functions::MAX_ITEMS;
use super::super::ndarray::NdArray;
use super::super::registry::{Args, Ctx};
use super::super::value::Value;
use nereus_engine::model::{Block, DType};

/// A `dtype=` argument: None, a numpy name (`"float32"`), `np.dtype`, or `int`/`float`/`bool`.
pub(crate) fn dtype_arg(v: Option<Value>) -> Res<Option<DType>> {
    const ALL: [DType; 11] = [
        DType::Bool,
        DType::I8,
        DType::I16,
        DType::I32,
        DType::I64,
        DType::U8,
        DType::U16,
        DType::U32,
        DType::U64,
        DType::F32,
        DType::F64,
    ];
    let name: String = match &v {
        None | Some(Value::None) => return Ok(None),
        Some(Value::Str(s)) => s.to_string(),
        Some(Value::DType(s) | Value::Type(s)) => (*s).to_owned(),
        Some(Value::Builtin(b)) => b.name.to_owned(),
        Some(other) => {
            return Err(Exc::type_error(format!(
                "Cannot interpret '{}' as a data type",
                other.repr()
            )))
        }
    };
    let dtype = match name.as_str() {
        "int" => Some(DType::I64),
        "float" => Some(DType::F64),
        "bool" => Some(DType::Bool),
        other => ALL.into_iter().find(|d| d.name() == other),
    };
    dtype
        .map(Some)
        .ok_or_else(|| Exc::type_error(format!("data type '{name}' not understood")))
}

/// A 1-D numpy array of `values` cast to `dtype`.
fn array(values: Vec<f64>, dtype: DType) -> Value {
    let n = values.len();
    let a: ArrayD<f64> = Array1::from_vec(values).into_dyn();
    debug_assert_eq!(a.len(), n);
    Value::NdArray(Arc::new(NdArray {
        block: Arc::new(Block::from_f64(a, dtype)),
        meaning: Meaning::Numbers,
        scalar: false,
    }))
}

/// The number of elements, refused beyond what the cell language materializes.
fn checked_len(n: f64, name: &str) -> Res<usize> {
    if n.is_nan() {
        return Err(Exc::value_error(format!(
            "{name}: cannot compute length (NaN in the arguments)"
        )));
    }
    #[allow(clippy::cast_precision_loss)]
    if n > MAX_ITEMS as f64 {
        return Err(Exc::new(
            ExcKind::MemoryError,
            format!("{name}: {n} elements are too many to hold in memory"),
        ));
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Ok(n.max(0.0) as usize)
}

fn number(v: &Value, name: &str) -> Res<f64> {
    v.as_f64().ok_or_else(|| {
        Exc::type_error(format!(
            "{name}() not supported for inputs of type '{}'",
            v.type_name()
        ))
    })
}

/// `np.array(object, dtype=None)` and `np.asarray`: a numpy array of a number, a (nested) list
/// of numbers or another array, as numpy types it unless `dtype` is given.
pub(crate) fn array_of(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    // np.array names it `object`, np.asarray `a`.
    let object = match p.take("object") {
        Some(v) => v,
        None => p.required("a")?,
    };
    let dtype = dtype_arg(p.take("dtype"))?;
    let (block, meaning) = match &object {
        Value::NdArray(a) => (a.block.as_ref().clone(), a.meaning.clone()),
        other => (
            list_block(other, &|kind| {
                Exc::type_error(format!(
                    "np.array of {kind} is not supported in Nereus cells: only numbers and \
                     (nested) lists of numbers"
                ))
            })?,
            Meaning::Numbers,
        ),
    };
    let block = match dtype {
        Some(d) if d != block.dtype() && meaning == Meaning::Numbers => {
            Block::from_f64(block.to_f64(), d)
        }
        _ => block,
    };
    Ok(Value::NdArray(Arc::new(NdArray {
        block: Arc::new(block),
        meaning,
        scalar: false,
    })))
}

/// A (nested) list of numbers as numpy's `np.asarray` makes it: bool if all items are, int64
/// if all are ints, else float64 (also when empty). `unsupported` words the error for an item
/// of another type (named by its Python type).
pub(crate) fn list_block(v: &Value, unsupported: &dyn Fn(&str) -> Exc) -> Res<Block> {
    fn walk(
        v: &Value,
        depth: usize,
        shape: &mut Vec<usize>,
        out: &mut Vec<Value>,
        unsupported: &dyn Fn(&str) -> Exc,
    ) -> Res<()> {
        let ragged = || Exc::value_error("setting an array element with a sequence.");
        match v {
            Value::List(items) | Value::Tuple(items) => {
                match shape.get(depth) {
                    // The first list at this depth sets its length.
                    None if out.is_empty() && depth == shape.len() => shape.push(items.len()),
                    Some(&n) if n == items.len() => {}
                    _ => return Err(ragged()),
                }
                items
                    .iter()
                    .try_for_each(|x| walk(x, depth + 1, shape, out, unsupported))
            }
            x if depth == shape.len() && x.as_f64().is_some() => {
                out.push(x.clone());
                Ok(())
            }
            x if x.as_f64().is_some() => Err(ragged()),
            other => Err(unsupported(other.type_name())),
        }
    }
    let (mut shape, mut items) = (Vec::new(), Vec::new());
    walk(v, 0, &mut shape, &mut items, unsupported)?;
    let bad_shape = |_| Exc::value_error("setting an array element with a sequence.");
    let shape = IxDyn(&shape);
    Ok(
        if !items.is_empty() && items.iter().all(|x| matches!(x, Value::Bool(_))) {
            let vals = items.iter().map(|x| x.truthy() == Some(true)).collect();
            Block::Bool(ArrayD::from_shape_vec(shape, vals).map_err(bad_shape)?)
        } else if !items.is_empty() && items.iter().all(|x| x.as_int().is_some()) {
            let vals = items.iter().filter_map(Value::as_int).collect();
            Block::I64(ArrayD::from_shape_vec(shape, vals).map_err(bad_shape)?)
        } else {
            let vals = items.iter().filter_map(Value::as_f64).collect();
            Block::F64(ArrayD::from_shape_vec(shape, vals).map_err(bad_shape)?)
        },
    )
}

/// `np.arange([start,] stop[, step], dtype=None)`.
pub(crate) fn arange(_: &mut Ctx<'_>, mut args: Args) -> Res<Value> {
    let dtype = dtype_arg(args.take_kw("dtype"))?;
    let kw_start = args.take_kw("start");
    let kw_stop = args.take_kw("stop");
    let kw_step = args.take_kw("step");
    args.arity("arange", 0, 3)?;
    let mut pos = args.pos.into_iter();
    let (start, stop, step) = match (pos.next(), pos.next(), pos.next()) {
        // One positional argument is the stop, unless stop= is given too.
        (Some(a), None, _) if kw_stop.is_none() => (kw_start, Some(a), kw_step),
        (a, b, c) => (a.or(kw_start), b.or(kw_stop), c.or(kw_step)),
    };
    let stop = stop.ok_or_else(|| Exc::type_error("arange() requires stop to be specified."))?;
    let start = start.unwrap_or(Value::Int(0));
    let step = step.unwrap_or(Value::Int(1));
    let ints = [&start, &stop, &step].iter().all(|v| v.as_int().is_some());
    let (a, b, s) = (
        number(&start, "arange")?,
        number(&stop, "arange")?,
        number(&step, "arange")?,
    );
    if s == 0.0 {
        return Err(Exc::zero_division("division by zero"));
    }
    let n = checked_len(((b - a) / s).ceil(), "arange")?;
    // numpy fills start, start + step, then continues with their difference as the delta.
    let delta = (a + s) - a;
    #[allow(clippy::cast_precision_loss)]
    let values = (0..n).map(|i| a + i as f64 * delta).collect();
    let default = if ints { DType::I64 } else { DType::F64 };
    Ok(array(values, dtype.unwrap_or(default)))
}

/// `np.linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None)`.
pub(crate) fn linspace(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let dtype = dtype_arg(p.take("dtype"))?;
    let start = p.required("start")?;
    let stop = p.required("stop")?;
    let num = match p.take("num") {
        None => 50,
        Some(v) => v.as_int().ok_or_else(|| {
            Exc::type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                v.type_name()
            ))
        })?,
    };
    let endpoint = p
        .take("endpoint")
        .is_none_or(|v| v.truthy().unwrap_or(true));
    let retstep = p
        .take("retstep")
        .is_some_and(|v| v.truthy().unwrap_or(true));
    if num < 0 {
        return Err(Exc::value_error(format!(
            "Number of samples, {num}, must be non-negative."
        )));
    }
    #[allow(clippy::cast_precision_loss)]
    let n = checked_len(num as f64, "linspace")?;
    let (a, b) = (number(&start, "linspace")?, number(&stop, "linspace")?);
    let div = if endpoint { n.saturating_sub(1) } else { n };
    let delta = b - a;
    #[allow(clippy::cast_precision_loss)]
    let (step, mut values): (f64, Vec<f64>) = if div > 0 {
        let step = delta / div as f64;
        // numpy divides first when the step underflows to zero.
        let values = if step == 0.0 {
            (0..n).map(|i| i as f64 / div as f64 * delta + a).collect()
        } else {
            (0..n).map(|i| i as f64 * step + a).collect()
        };
        (step, values)
    } else {
        (f64::NAN, (0..n).map(|i| i as f64 * delta + a).collect())
    };
    if endpoint && n > 1 {
        if let Some(last) = values.last_mut() {
            *last = b;
        }
    }
    let dtype = dtype.unwrap_or(DType::F64);
    if !dtype.is_float() {
        // numpy rounds towards -inf for integer dtypes.
        for v in &mut values {
            *v = v.floor();
        }
    }
    let out = array(values, dtype);
    if retstep {
        return Ok(Value::Tuple(Arc::new(vec![out, Value::Float(step)])));
    }
    Ok(out)
}
