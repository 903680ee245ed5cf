//! numpy helpers notebooks call on computed values: `np.nan_to_num`, `np.array_equal` and the
//! `np.testing` assertions. xarray objects are computed first, as numpy computes them.
#![allow(
    clippy::needless_pass_by_value,
    reason = "all builtins share the `Func` signature"
)]

use nereus_engine::coding::Meaning;
use std::fmt::Write as _;
use std::sync::Arc;

use super::super::error::{Exc, ExcKind, Res};
use super::super::ndarray::{ndarray_of, NdArray};
use super::super::registry::{Args, Builtin, Ctx, Module};
use super::super::value::Value;
use super::convert::load;
use super::creation::list_block;
use nereus_engine::model::{Block, DType};

/// A value as a numpy array: an array as is, a DataArray computed, a list or number as
/// `np.asarray` makes it.
pub(crate) fn as_ndarray(ctx: &Ctx<'_>, v: &Value) -> Res<Arc<NdArray>> {
    match v {
        Value::NdArray(a) => Ok(Arc::clone(a)),
        Value::DataArray(a) => {
            let loaded = load(ctx, a)?;
            ndarray_of(&loaded.variable)
                .map(Arc::new)
                .ok_or_else(|| Exc::type_error("the array is not in memory"))
        }
        other => {
            let block = list_block(other, &|kind| {
                Exc::type_error(format!(
                    "a numpy array of {kind} is not supported in Nereus"
                ))
            })?;
            Ok(Arc::new(NdArray {
                block: Arc::new(block),
                meaning: Meaning::Numbers,
                scalar: false,
            }))
        }
    }
}

/// `np.nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None)`: a numpy array.
fn nan_to_num(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let x = as_ndarray(ctx, &p.required("x")?)?;
    let _copy = p.take("copy");
    let num = |name: &str, v: Option<Value>, default: f64| -> Res<f64> {
        match v {
            None | Some(Value::None) => Ok(default),
            Some(v) => v
                .as_f64()
                .ok_or_else(|| Exc::type_error(format!("{name} must be a number"))),
        }
    };
    let dtype = x.block.dtype();
    if !matches!(dtype, DType::F32 | DType::F64) {
        return Ok(Value::NdArray(x));
    }
    let (big, small) = if dtype == DType::F32 {
        (f64::from(f32::MAX), f64::from(f32::MIN))
    } else {
        (f64::MAX, f64::MIN)
    };
    let nan = num("nan", p.take("nan"), 0.0)?;
    let posinf = num("posinf", p.take("posinf"), big)?;
    let neginf = num("neginf", p.take("neginf"), small)?;
    let values = x.block.to_f64().mapv(|v| {
        if v.is_nan() {
            nan
        } else if v == f64::INFINITY {
            posinf
        } else if v == f64::NEG_INFINITY {
            neginf
        } else {
            v
        }
    });
    Ok(Value::NdArray(Arc::new(NdArray {
        block: Arc::new(Block::from_f64(values, dtype)),
        meaning: x.meaning.clone(),
        scalar: false,
    })))
}

/// numpy's `==` of two elements: exact, NaN never equal.
#[allow(clippy::float_cmp, reason = "numpy's array_equal compares exactly")]
fn exactly_equal(p: f64, q: f64) -> bool {
    p == q
}

/// Whether two arrays have the same shape and elements (NaN equal to NaN with `equal_nan`).
fn same(a: &NdArray, b: &NdArray, equal_nan: bool) -> bool {
    if a.block.shape() != b.block.shape() || a.time().is_some() != b.time().is_some() {
        return false;
    }
    if matches!(a.meaning, Meaning::Text(_)) || matches!(b.meaning, Meaning::Text(_)) {
        // Strings compare as strings (their codes index different tables).
        return (0..a.block.len()).all(|i| a.item(i).to_str() == b.item(i).to_str())
            && matches!(a.meaning, Meaning::Text(_)) == matches!(b.meaning, Meaning::Text(_));
    }
    let (x, y) = (a.block.to_f64(), b.block.to_f64());
    x.iter()
        .zip(y.iter())
        .all(|(p, q)| exactly_equal(*p, *q) || (equal_nan && p.is_nan() && q.is_nan()))
}

/// `np.array_equal(a1, a2, equal_nan=False)`.
fn array_equal(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let a = as_ndarray(ctx, &p.required("a1")?)?;
    let b = as_ndarray(ctx, &p.required("a2")?)?;
    let equal_nan = match p.take("equal_nan") {
        Some(v) => super::truth(ctx, &v)?,
        None => false,
    };
    Ok(Value::Bool(same(&a, &b, equal_nan)))
}

/// `np.testing.assert_allclose(actual, desired, rtol=1e-07, atol=0, equal_nan=True)`.
fn assert_allclose(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let actual = as_ndarray(ctx, &p.required("actual")?)?;
    let desired = as_ndarray(ctx, &p.required("desired")?)?;
    let tol = |v: Option<Value>, d: f64| v.and_then(|v| v.as_f64()).unwrap_or(d);
    let rtol = tol(p.take("rtol"), 1e-7);
    let atol = tol(p.take("atol"), 0.0);
    let equal_nan = match p.take("equal_nan") {
        Some(v) => super::truth(ctx, &v)?,
        None => true,
    };
    let err_msg = p.take("err_msg").map(|v| v.to_str()).unwrap_or_default();
    if let Some(text) = [&actual, &desired].into_iter().find(|a| !a.is_numbers()) {
        return Err(Exc::type_error(format!(
            "assert_allclose compares numbers, not {} values",
            text.dtype_name()
        )));
    }
    let (x, y) = (actual.block.to_f64(), desired.block.to_f64());
    let shapes = actual.block.shape() == desired.block.shape()
        || desired.block.shape().is_empty()
        || desired.block.len() == 1;
    let total = x.len();
    let bad = if shapes {
        let d: Vec<f64> = if desired.block.len() == 1 {
            vec![y.iter().next().copied().unwrap_or(f64::NAN); total]
        } else {
            y.iter().copied().collect()
        };
        x.iter()
            .zip(&d)
            .filter(|(a, b)| {
                let close = (*a - *b).abs() <= atol + rtol * b.abs();
                let both_nan = a.is_nan() && b.is_nan();
                !(close || both_nan && equal_nan)
            })
            .count()
    } else {
        total
    };
    if bad == 0 && shapes {
        return Ok(Value::None);
    }
    let mut msg = format!("\n{err_msg}\nNot equal to tolerance rtol={rtol:e}, atol={atol}\n");
    if shapes {
        #[allow(clippy::cast_precision_loss, reason = "a percentage")]
        let pct = bad as f64 * 100.0 / total.max(1) as f64;
        let _ = write!(msg, "\nMismatched elements: {bad} / {total} ({pct:.3}%)");
    } else {
        let _ = write!(
            msg,
            "\n(shapes {:?}, {:?} mismatch)",
            actual.block.shape(),
            desired.block.shape()
        );
    }
    let _ = write!(
        msg,
        "\n ACTUAL: {}\n DESIRED: {}",
        actual.repr(),
        desired.repr()
    );
    Err(Exc::new(ExcKind::AssertionError, msg))
}

/// `np.testing.assert_array_equal(actual, desired)`.
fn assert_array_equal(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let actual = as_ndarray(ctx, &p.required("actual")?)?;
    let desired = as_ndarray(ctx, &p.required("desired")?)?;
    let err_msg = p.take("err_msg").map(|v| v.to_str()).unwrap_or_default();
    if same(&actual, &desired, true) {
        return Ok(Value::None);
    }
    Err(Exc::new(
        ExcKind::AssertionError,
        format!(
            "\nArrays are not equal\n{err_msg}\n ACTUAL: {}\n DESIRED: {}",
            actual.repr(),
            desired.repr()
        ),
    ))
}

/// `np.nan_to_num` (in the numpy table).
pub(crate) const NAN_TO_NUM: Builtin = method!("numpy", "nan_to_num", "nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None)", nan_to_num,
    "The values (computed, as a numpy array) with NaN replaced by `nan` and infinities by `posinf`/`neginf` (the largest finite values by default).");
/// `np.array_equal` (in the numpy table).
pub(crate) const ARRAY_EQUAL: Builtin = method!("numpy", "array_equal", "array_equal(a1, a2, equal_nan=False)", array_equal,
    "True if both arrays (computed) have the same shape and elements; NaN equals NaN only with equal_nan=True.");

static TESTING_FUNCTIONS: &[Builtin] = &[
    method!("numpy.testing", "assert_allclose", "assert_allclose(actual, desired, rtol=1e-07, atol=0, equal_nan=True, err_msg='', verbose=True, *, strict=False)", assert_allclose,
        "Raises AssertionError unless |actual - desired| <= atol + rtol * |desired| everywhere (NaN matching NaN unless equal_nan=False)."),
    method!("numpy.testing", "assert_array_equal", "assert_array_equal(actual, desired, err_msg='', verbose=True, *, strict=False)", assert_array_equal,
        "Raises AssertionError unless both arrays have the same shape and elements (NaN matching NaN)."),
];

/// `np.testing`.
pub(crate) static TESTING: Module = Module {
    name: "numpy.testing",
    doc: "numpy's test assertions: assert_allclose, assert_array_equal.",
    functions: TESTING_FUNCTIONS,
    constants: &[],
    pending: Some("Nereus implements assert_allclose and assert_array_equal of numpy.testing"),
};
