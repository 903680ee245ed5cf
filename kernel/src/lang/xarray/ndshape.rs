//! Shape and type changes of a computed numpy array (`reshape`, `flatten`/`ravel`, `astype`,
//! `copy`) and numpy's filled constructors (`np.zeros`, `np.ones`, `np.full`, `np.tile`).
#![allow(
    clippy::needless_pass_by_value,
    reason = "all builtins share the `Func` signature"
)]

use nereus_engine::coding::Meaning;
use std::sync::Arc;

use ndarray::{ArrayD, IxDyn};

use super::super::error::{Exc, Res};
use super::super::functions::items;
use super::super::ndarray::NdArray;
use super::super::registry::{Args, Builtin, Ctx};
use super::super::value::Value;
use super::creation::dtype_arg;
use nereus_engine::model::{Block, DType};

fn this(recv: &Value) -> Res<&Arc<NdArray>> {
    match recv {
        Value::NdArray(a) => Ok(a),
        other => Err(Exc::type_error(format!(
            "a numpy array method needs a numpy array, not {}",
            other.type_name()
        ))),
    }
}

fn nd(block: Block, meaning: Meaning) -> Value {
    Value::NdArray(Arc::new(NdArray {
        block: Arc::new(block),
        meaning,
        scalar: false,
    }))
}

/// A shape argument: an int or a sequence of ints, one of which may be -1 (inferred).
fn shape_arg(parts: &[Value], size: Option<usize>) -> Res<Vec<usize>> {
    let parts: Vec<Value> = match parts {
        [one @ (Value::Tuple(_) | Value::List(_))] => items(one)?,
        many => many.to_vec(),
    };
    let dims: Vec<i64> = parts
        .iter()
        .map(|v| {
            v.as_int().ok_or_else(|| {
                Exc::type_error(format!(
                    "'{}' object cannot be interpreted as an integer",
                    v.type_name()
                ))
            })
        })
        .collect::<Res<_>>()?;
    let known: i64 = dims.iter().filter(|&&d| d != -1).product();
    let inferred = dims.iter().filter(|&&d| d == -1).count();
    dims.iter()
        .map(|&d| match (d, size) {
            (-1, Some(n)) if inferred == 1 && known > 0 => {
                Ok(n / usize::try_from(known).unwrap_or(1))
            }
            (d, _) if d >= 0 => Ok(usize::try_from(d).unwrap_or(0)),
            _ => Err(Exc::value_error("can only specify one unknown dimension")),
        })
        .collect()
}

fn reshape(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let (recv, args) = args.receiver();
    let a = this(&recv)?;
    let size = a.block.len();
    let shape = shape_arg(&args.pos, Some(size))?;
    let block = a.block.reshaped(&shape).ok_or_else(|| {
        // numpy writes the shape without spaces: (2,2,1), (5,).
        Exc::value_error(format!(
            "cannot reshape array of size {size} into shape {}",
            nereus_engine::model::shape_text(&shape).replace(' ', "")
        ))
    })?;
    Ok(nd(block, a.meaning.clone()))
}

fn flatten(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let recv = args.bind()?.receiver();
    let a = this(&recv)?;
    let block = a
        .block
        .reshaped(&[a.block.len()])
        .ok_or_else(|| Exc::value_error("cannot flatten"))?;
    Ok(nd(block, a.meaning.clone()))
}

fn astype(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let recv = p.receiver();
    let a = this(&recv)?;
    let dtype =
        dtype_arg(p.take("dtype"))?.ok_or_else(|| Exc::type_error("astype() needs a dtype"))?;
    if !a.is_numbers() {
        return Err(Exc::type_error(format!(
            "astype of {} values is not supported in Nereus",
            a.dtype_name()
        )));
    }
    Ok(nd(
        Block::from_f64(a.block.to_f64(), dtype),
        Meaning::Numbers,
    ))
}

fn copy(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    Ok(args.bind()?.receiver())
}

/// `ndarray.reshape`, `flatten`, `ravel`, `astype`, `copy` (in the ndarray class).
pub(crate) const RESHAPE: Builtin = method!("ndarray", "reshape", "reshape(*shape, order='C')", reshape,
    "The same elements in another shape (C order); one dimension may be -1, inferred from the size.");
/// `ndarray.flatten`.
pub(crate) const FLATTEN: Builtin = method!(
    "ndarray",
    "flatten",
    "flatten(order='C')",
    flatten,
    "The elements as a 1-D array, in C order."
);
/// `ndarray.ravel`.
pub(crate) const RAVEL: Builtin = method!(
    "ndarray",
    "ravel",
    "ravel(order='C')",
    flatten,
    "The elements as a 1-D array, in C order."
);
/// `ndarray.astype`.
pub(crate) const ASTYPE: Builtin = method!(
    "ndarray",
    "astype",
    "astype(dtype, order='K', casting='unsafe', subok=True, copy=True)",
    astype,
    "The elements converted to `dtype` (floats to integers truncate toward zero)."
);
/// `ndarray.copy`.
pub(crate) const COPY: Builtin = method!(
    "ndarray",
    "copy",
    "copy(order='C')",
    copy,
    "A copy of the array."
);

/// A block of `shape` filled with `value` in `dtype` (float64 by default).
fn full_block(shape: &[usize], value: f64, dtype: Option<DType>) -> Block {
    Block::from_f64(
        ArrayD::from_elem(IxDyn(shape), value),
        dtype.unwrap_or(DType::F64),
    )
}

fn filled(args: Args, value: Option<f64>) -> Res<Value> {
    let mut p = args.bind()?;
    let shape_v = p.required("shape")?;
    let shape = shape_arg(&[shape_v], None)?;
    let value = if let Some(v) = value {
        v
    } else {
        let f = p.required("fill_value")?;
        f.as_f64()
            .ok_or_else(|| Exc::type_error("fill_value must be a number"))?
    };

    let n: usize = shape.iter().product();
    super::super::error::Exc::check_memory(n as u128 * 8, || format!("an array of {n} elements"))?;
    Ok(nd(
        full_block(&shape, value, dtype_arg(p.take("dtype"))?),
        Meaning::Numbers,
    ))
}

fn zeros(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    filled(args, Some(0.0))
}

fn ones(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    filled(args, Some(1.0))
}

fn full(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    filled(args, None)
}

/// `np.tile(A, reps)` for an int `reps`: the array repeated along its last axis.
fn tile(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let a = p.required("A")?;
    let reps = p
        .required("reps")?
        .as_int()
        .and_then(|r| usize::try_from(r).ok())
        .ok_or_else(|| {
            Exc::new(
                super::super::error::ExcKind::NotImplementedError,
                "np.tile with reps other than a non-negative int is not supported in Nereus",
            )
        })?;
    let a = match &a {
        Value::NdArray(a) => Arc::clone(a),
        other => {
            return Err(Exc::type_error(format!(
                "np.tile of {} is not supported in Nereus",
                other.type_name()
            )))
        }
    };
    let shape = a.block.shape().to_vec();
    let Some((&last, lead)) = shape.split_last() else {
        return Err(Exc::type_error(
            "np.tile of a 0-d array is not supported in Nereus",
        ));
    };
    let rows: usize = lead.iter().product();
    let mut out_shape = lead.to_vec();
    out_shape.push(last * reps);
    let flat = a
        .block
        .reshaped(&[rows, last])
        .ok_or_else(|| Exc::value_error("np.tile"))?;
    let mut tiled = Block::zeros(a.block.dtype(), &[rows, last * reps]);
    for k in 0..reps {
        tiled.assign(&[0, k * last], &flat);
    }
    let block = tiled
        .reshaped(&out_shape)
        .ok_or_else(|| Exc::value_error("np.tile"))?;
    Ok(nd(block, a.meaning.clone()))
}

/// `np.zeros`, `np.ones`, `np.full`, `np.tile` (in the numpy table).
pub(crate) const NP_ZEROS: Builtin = method!(
    "numpy",
    "zeros",
    "zeros(shape, dtype=float)",
    zeros,
    "A new array of `shape` filled with zeros (float64 unless dtype is given)."
);
/// `np.ones`.
pub(crate) const NP_ONES: Builtin = method!(
    "numpy",
    "ones",
    "ones(shape, dtype=None)",
    ones,
    "A new array of `shape` filled with ones (float64 unless dtype is given)."
);
/// `np.full`.
pub(crate) const NP_FULL: Builtin = method!(
    "numpy",
    "full",
    "full(shape, fill_value, dtype=None)",
    full,
    "A new array of `shape` filled with `fill_value` (float64 unless dtype is given)."
);
/// `np.tile`.
pub(crate) const NP_TILE: Builtin = method!(
    "numpy",
    "tile",
    "tile(A, reps)",
    tile,
    "The array repeated `reps` times along its last axis."
);
