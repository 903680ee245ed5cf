//! numpy's reductions of a computed array (`arr.mean()`, `arr.max(axis=0)`, `arr.std(ddof=1)`):
//! numpy's meaning, so NaN propagates (np.nanmean is the skipping one), computed by the engine
//! over the array seen as a DataArray with dimensions `dim_0`, `dim_1`, ...
#![allow(
    clippy::needless_pass_by_value,
    reason = "all builtins share the `Func` signature"
)]

use nereus_engine::coding::Meaning;
use std::sync::Arc;

use super::super::error::{Exc, ExcKind, Res};
use super::super::ndarray::NdArray;
use super::super::registry::{Args, Builtin, Ctx};
use super::super::value::Value;
use super::convert::load;
use nereus_engine::model::{Data, DataArray, Variable};
use nereus_engine::ops::ReduceOp;

/// The axes of `axis=`: None (all), an int or a tuple of ints, negative from the end.
fn axes(v: Option<Value>, ndim: usize) -> Res<Option<Vec<String>>> {
    let list = match v {
        None | Some(Value::None) => return Ok(None),
        Some(Value::Tuple(t) | Value::List(t)) => t.to_vec(),
        Some(other) => vec![other],
    };
    let n = i64::try_from(ndim).unwrap_or(i64::MAX);
    list.iter()
        .map(|a| {
            let i = a.as_int().ok_or_else(|| {
                Exc::type_error(format!(
                    "'{}' object cannot be interpreted as an integer",
                    a.type_name()
                ))
            })?;
            let at = if i < 0 { i + n } else { i };
            if at < 0 || at >= n {
                return Err(Exc::new(
                    ExcKind::IndexError,
                    format!("axis {i} is out of bounds for array of dimension {ndim}"),
                ));
            }
            Ok(format!("dim_{at}"))
        })
        .collect::<Res<Vec<_>>>()
        .map(Some)
}

fn reduce(op: ReduceOp, ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let recv = p.receiver();
    let Value::NdArray(a) = &recv else {
        return Err(Exc::type_error("ndarray reductions need a numpy array"));
    };
    p.only_defaults(&["dtype", "out", "keepdims", "where", "initial"])?;
    let ddof = super::methods::ddof(&mut p)?;
    reduce_array(ctx, a, op, p.take("axis"), ddof, Some(false))
}

/// Reduces a numpy array over `axis` (all axes for None); `skipna` Some(false) is numpy's
/// NaN-propagating reduction, Some(true) its `nan` form.
fn reduce_array(
    ctx: &Ctx<'_>,
    a: &NdArray,
    op: ReduceOp,
    axis: Option<Value>,
    ddof: u32,
    skipna: Option<bool>,
) -> Res<Value> {
    if matches!(a.meaning, Meaning::Text(_)) {
        return Err(Exc::type_error(format!(
            "numpy reductions of {} (string) arrays are not supported in Nereus",
            a.dtype_name()
        )));
    }
    let ndim = a.block.shape().len();
    let dims = axes(axis, ndim)?;
    let array = DataArray {
        name: None,
        variable: Variable::new(
            (0..ndim).map(|i| format!("dim_{i}")).collect(),
            Data::Memory(Arc::clone(&a.block)),
        ),
        coords: indexmap::IndexMap::new(),
    };
    let reduced = array
        .reduce(op, dims.as_deref(), skipna, ddof)
        .map_err(Exc::from)?;
    let done = load(ctx, &reduced)?;
    let Data::Memory(block) = &done.variable.data else {
        return Err(Exc::type_error("the reduction gave lazy values"));
    };
    let out = NdArray {
        block: Arc::clone(block),
        meaning: a.meaning.clone(),
        scalar: block.shape().is_empty(),
    };
    Ok(Value::NdArray(Arc::new(out)))
}

macro_rules! nd_reductions {
    ($($name:ident $row:ident $op:ident $sig:literal $doc:literal;)*) => {
        $(fn $name(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
            reduce(ReduceOp::$op, ctx, args)
        }
        #[doc = concat!("`ndarray.", stringify!($name), "` (in the ndarray class).")]
        pub(crate) const $row: Builtin = method!("ndarray", stringify!($name), $sig, $name, $doc);)*
    };
}

nd_reductions! {
    mean ND_MEAN Mean "mean(axis=None, dtype=None, out=None, keepdims=False, *, where=True)" "The mean over the given axis (all elements by default); NaN propagates, as in numpy.";
    sum ND_SUM Sum "sum(axis=None, dtype=None, out=None, keepdims=False, initial=0, where=True)" "The sum over the given axis (all elements by default); NaN propagates.";
    min ND_MIN Min "min(axis=None, out=None, keepdims=False, initial=<no value>, where=True)" "The minimum over the given axis (all elements by default); NaN propagates.";
    max ND_MAX Max "max(axis=None, out=None, keepdims=False, initial=<no value>, where=True)" "The maximum over the given axis (all elements by default); NaN propagates.";
    std ND_STD Std "std(axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True)" "The standard deviation over the given axis, with `ddof` delta degrees of freedom; NaN propagates.";
    var ND_VAR Var "var(axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True)" "The variance over the given axis, with `ddof` delta degrees of freedom; NaN propagates.";
}

/// `np.mean(a, axis=None, ...)` and friends: numpy's reduction of a numpy array (NaN
/// propagates; the `nan` forms skip it), or, for an xarray object, its own reduction method
/// (as numpy calls it: `np.mean(da)` is `da.mean(axis=None)`).
fn np_reduce(op: ReduceOp, skip_nan: bool, ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let a = p.required("a")?;
    p.only_defaults(&["dtype", "out", "keepdims", "where", "initial"])?;
    let axis = p.take("axis");
    let ddof = super::methods::ddof(&mut p)?;
    let skipna = skip_nan.then_some(true);
    match &a {
        Value::DataArray(da) => {
            let dims = match axis {
                None | Some(Value::None) => None,
                Some(v) => super::methods::axis_dims(&v, da.dims())?,
            };
            da.reduce(op, dims.as_deref(), skipna, ddof)
                .map(Value::from)
                .map_err(Exc::from)
        }
        Value::Dataset(ds) if axis.is_none() => ds
            .reduce(op, None, skipna, ddof)
            .map(Value::from)
            .map_err(Exc::from),
        other => {
            let nd = super::nptools::as_ndarray(ctx, other)?;
            reduce_array(ctx, &nd, op, axis, ddof, Some(skip_nan))
        }
    }
}

macro_rules! np_reductions {
    ($($func:ident $name:literal $row:ident $op:ident $nan:literal $sig:literal $doc:literal;)*) => {
        $(fn $func(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
            np_reduce(ReduceOp::$op, $nan, ctx, args)
        }
        #[doc = concat!("`np.", $name, "` (in the numpy table).")]
        pub(crate) const $row: Builtin = method!("numpy", $name, $sig, $func, $doc);)*
    };
}

np_reductions! {
    np_mean "mean" NP_MEAN Mean false "mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=True)" "The mean of a numpy array over `axis` (all elements by default; NaN propagates), or an xarray object's own mean.";
    np_sum "sum" NP_SUM Sum false "sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=0, where=True)" "The sum of a numpy array over `axis` (NaN propagates), or an xarray object's own sum.";
    np_min "min" NP_MIN Min false "min(a, axis=None, out=None, keepdims=False, initial=<no value>, where=True)" "The minimum of a numpy array over `axis` (NaN propagates), or an xarray object's own min.";
    np_max "max" NP_MAX Max false "max(a, axis=None, out=None, keepdims=False, initial=<no value>, where=True)" "The maximum of a numpy array over `axis` (NaN propagates), or an xarray object's own max.";
    np_std "std" NP_STD Std false "std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True)" "The standard deviation over `axis` with `ddof` (NaN propagates), or an xarray object's own std.";
    np_var "var" NP_VAR Var false "var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True)" "The variance over `axis` with `ddof` (NaN propagates), or an xarray object's own var.";
    np_nanmean "nanmean" NP_NANMEAN Mean true "nanmean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=True)" "The mean over `axis`, NaN skipped.";
    np_nansum "nansum" NP_NANSUM Sum true "nansum(a, axis=None, dtype=None, out=None, keepdims=False, initial=0, where=True)" "The sum over `axis`, NaN skipped.";
    np_nanmin "nanmin" NP_NANMIN Min true "nanmin(a, axis=None, out=None, keepdims=False, initial=<no value>, where=True)" "The minimum over `axis`, NaN skipped.";
    np_nanmax "nanmax" NP_NANMAX Max true "nanmax(a, axis=None, out=None, keepdims=False, initial=<no value>, where=True)" "The maximum over `axis`, NaN skipped.";
    np_nanstd "nanstd" NP_NANSTD Std true "nanstd(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True)" "The standard deviation over `axis` with `ddof`, NaN skipped.";
    np_nanvar "nanvar" NP_NANVAR Var true "nanvar(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True)" "The variance over `axis` with `ddof`, NaN skipped.";
}
