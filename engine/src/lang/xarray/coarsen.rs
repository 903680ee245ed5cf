//! `coarsen` and `weighted` on a DataArray in the cell language: the Coarsen and Weighted values
//! they return, those values' reductions, registry tables and reprs. Argument parsing only.
#![allow(
    clippy::needless_pass_by_value,
    reason = "all methods share the registry's `Func` signature"
)]

use std::sync::Arc;

use super::super::builtins::{Args, Builtin, Class, Ctx, ANY_KEYWORD};
use super::super::error::{Exc, ExcKind, Res};
use super::super::value::Value;
use super::convert::{dims_arg, load, plan_error};
use super::methods::{this_array, truth};
use crate::model::{Data, DataArray};
use crate::ops::{Boundary, Coarsen, ReduceOp, Weighted};

fn array(a: DataArray) -> Value {
    Value::DataArray(Arc::new(a))
}

/// `da.coarsen(time=4, boundary="trim", side="left")` or `da.coarsen({"time": 4})`.
pub(crate) fn coarsen(_ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let (recv, mut args) = args.receiver();
    let text = |args: &mut Args, name: &str, default: &str| -> Res<String> {
        match args.take_kw(name) {
            None => Ok(default.to_owned()),
            Some(Value::Str(s)) => Ok(s.to_string()),
            Some(other) => Err(Exc::type_error(format!(
                "coarsen() {name} must be a string, not {}",
                other.type_name()
            ))),
        }
    };
    let boundary = text(&mut args, "boundary", "exact")?;
    let side = text(&mut args, "side", "left")?;
    if let Some(v) = args.take_kw("coord_func") {
        if !matches!(&v, Value::Str(s) if &**s == "mean") {
            return Err(Exc::new(
                ExcKind::NotImplementedError,
                format!(
                    "coarsen() supports coord_func='mean' only, got {}",
                    v.repr()
                ),
            ));
        }
    }
    let (dim, window) = super::groupby::one_dim(&mut args, "coarsen", "dim")?;
    let window = window
        .as_int()
        .ok_or_else(|| Exc::type_error("coarsen() window must be an integer"))?;
    let boundary = Boundary::parse(&boundary).map_err(|e| plan_error(&e))?;
    let c = this_array(&recv, "coarsen")?
        .coarsen(&dim, window, boundary, &side)
        .map_err(|e| plan_error(&e))?;
    Ok(Value::Coarsen(Arc::new(c)))
}

fn this_coarsen<'v>(recv: &'v Value, method: &str) -> Res<&'v Arc<Coarsen>> {
    match recv {
        Value::Coarsen(c) => Ok(c),
        other => Err(Exc::type_error(format!(
            "DataArrayCoarsen.{method}() needs a DataArrayCoarsen, not {}",
            other.type_name()
        ))),
    }
}

fn coarsen_reduce(op: ReduceOp, args: Args) -> Res<Value> {
    let (recv, mut args) = args.receiver();
    let _keep_attrs = args.take_kw("keep_attrs");
    args.arity(op.name(), 0, 0)?;
    this_coarsen(&recv, op.name())?
        .reduce(op)
        .map(array)
        .map_err(|e| plan_error(&e))
}

fn coarsen_mean(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    coarsen_reduce(ReduceOp::Mean, args)
}
fn coarsen_sum(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    coarsen_reduce(ReduceOp::Sum, args)
}
fn coarsen_min(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    coarsen_reduce(ReduceOp::Min, args)
}
fn coarsen_max(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    coarsen_reduce(ReduceOp::Max, args)
}
fn coarsen_std(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    coarsen_reduce(ReduceOp::Std, args)
}
fn coarsen_var(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    coarsen_reduce(ReduceOp::Var, args)
}
fn coarsen_count(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    coarsen_reduce(ReduceOp::Count, args)
}

/// xarray's repr of a Coarsen.
pub(crate) fn coarsen_repr(c: &Coarsen) -> String {
    format!(
        "DataArrayCoarsen [windows->{{'{}': {}}},side->{}]",
        c.dim(),
        c.window(),
        c.side()
    )
}

/// `da.weighted(weights)`: lazy weights are loaded first, since NaN among them is an error
/// that xarray raises here (weights are normally small: cos(lat), cell areas).
pub(crate) fn weighted(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let (recv, mut args) = args.receiver();
    let w = args
        .take_kw("weights")
        .or_else(|| args.pos.first().cloned());
    args.arity("weighted", 0, 1)?;
    let weights = match w {
        Some(Value::DataArray(w)) => w,
        Some(other) => {
            return Err(Exc::type_error(format!(
                "`weights` must be a DataArray, not {}",
                other.type_name()
            )))
        }
        None => {
            return Err(Exc::type_error(
                "weighted() missing 1 required positional argument: 'weights'",
            ))
        }
    };
    let weights = match &weights.variable.data {
        Data::Memory(_) => weights.as_ref().clone(),
        Data::Lazy(_) => load(ctx, &weights)?,
    };
    let w = this_array(&recv, "weighted")?
        .weighted(&weights)
        .map_err(|e| plan_error(&e))?;
    Ok(Value::Weighted(Arc::new(w)))
}

fn weighted_reduce(mean: bool, ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let name = if mean { "mean" } else { "sum" };
    let (recv, mut args) = args.receiver();
    let Value::Weighted(w) = &recv else {
        return Err(Exc::type_error(format!(
            "DataArrayWeighted.{name}() needs a DataArrayWeighted, not {}",
            recv.type_name()
        )));
    };
    let _keep_attrs = args.take_kw("keep_attrs");
    let skipna = match args.take_kw("skipna") {
        None | Some(Value::None) => None,
        Some(v) => Some(truth(ctx, &v)?),
    };
    let dim = args.take_kw("dim");
    args.arity(name, 0, 1)?;
    let dims = dims_arg(dim.or_else(|| args.pos.into_iter().next()))?;
    let out = if mean {
        w.mean(dims.as_deref(), skipna)
    } else {
        w.sum(dims.as_deref(), skipna)
    };
    out.map(array).map_err(|e| plan_error(&e))
}

fn weighted_mean(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    weighted_reduce(true, ctx, args)
}
fn weighted_sum(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    weighted_reduce(false, ctx, args)
}

/// xarray's repr of a Weighted.
pub(crate) fn weighted_repr(w: &Weighted) -> String {
    format!(
        "DataArrayWeighted with weights along dimensions: {}",
        w.weight_dims().join(", ")
    )
}

macro_rules! method {
    ($class:literal, $name:literal, $sig:literal, $kw:expr, $func:path, $doc:literal) => {
        Builtin {
            name: $name,
            module: $class,
            signature: $sig,
            doc: $doc,
            keywords: $kw,
            func: $func,
        }
    };
}

/// `DataArray.coarsen` and `DataArray.weighted`, for the DataArray registry.
pub(crate) const COARSEN_METHOD: Builtin = method!("DataArray", "coarsen",
    "coarsen(dim=None, boundary='exact', side='left', coord_func='mean', **window_kwargs)",
    &["dim", "boundary", "side", "coord_func", ANY_KEYWORD], coarsen,
    "Non-overlapping windows along one dimension: coarsen(time=4, boundary=\"trim\").mean(). boundary: 'exact' (the window must divide the dimension), 'trim' (drop the leftovers), 'pad' (a partial last window); side='right' aligns windows on the end. Coordinates become the mean of each window. Reductions: mean, sum, min, max, std, var, count. Lazy; streams chunk by chunk.");

/// `DataArray.weighted`.
pub(crate) const WEIGHTED_METHOD: Builtin = method!("DataArray", "weighted", "weighted(weights)",
    &["weights"], weighted,
    "Weighted reductions: ssh.weighted(np.cos(np.deg2rad(ssh.lat))).mean((\"lat\", \"lon\")). The weights broadcast by dimension name and must not hold NaN; NaN in the data drop their weights (an all-NaN column has a NaN mean and a 0 sum). Then .mean(dim) or .sum(dim). Lazy.");

const COARSEN_KW: &[&str] = &["keep_attrs"];

static COARSEN_METHODS: &[Builtin] = &[
    method!(
        "DataArrayCoarsen",
        "mean",
        "mean(keep_attrs=None)",
        COARSEN_KW,
        coarsen_mean,
        "Mean of each window (NaN skipped). Lazy."
    ),
    method!(
        "DataArrayCoarsen",
        "sum",
        "sum(keep_attrs=None)",
        COARSEN_KW,
        coarsen_sum,
        "Sum of each window (NaN skipped). Lazy."
    ),
    method!(
        "DataArrayCoarsen",
        "min",
        "min(keep_attrs=None)",
        COARSEN_KW,
        coarsen_min,
        "Minimum of each window. Lazy."
    ),
    method!(
        "DataArrayCoarsen",
        "max",
        "max(keep_attrs=None)",
        COARSEN_KW,
        coarsen_max,
        "Maximum of each window. Lazy."
    ),
    method!(
        "DataArrayCoarsen",
        "std",
        "std(keep_attrs=None)",
        COARSEN_KW,
        coarsen_std,
        "Standard deviation of each window (ddof 0). Lazy."
    ),
    method!(
        "DataArrayCoarsen",
        "var",
        "var(keep_attrs=None)",
        COARSEN_KW,
        coarsen_var,
        "Variance of each window (ddof 0). Lazy."
    ),
    method!(
        "DataArrayCoarsen",
        "count",
        "count(keep_attrs=None)",
        COARSEN_KW,
        coarsen_count,
        "Number of valid values in each window. Lazy."
    ),
];

/// The Coarsen class.
pub(crate) static COARSEN: Class = Class {
    name: "DataArrayCoarsen",
    methods: COARSEN_METHODS,
    properties: &[],
};

const WEIGHTED_KW: &[&str] = &["dim", "skipna", "keep_attrs"];

static WEIGHTED_METHODS: &[Builtin] = &[
    method!("DataArrayWeighted", "mean", "mean(dim=None, *, skipna=None, keep_attrs=None)", WEIGHTED_KW, weighted_mean,
        "Weighted mean over the named dimension(s) (all when None): the sum of weights times values over the sum of the weights of the non-missing values. Lazy."),
    method!("DataArrayWeighted", "sum", "sum(dim=None, *, skipna=None, keep_attrs=None)", WEIGHTED_KW, weighted_sum,
        "Weighted sum over the named dimension(s) (all when None); missing values count as 0. Lazy."),
];

/// The Weighted class.
pub(crate) static WEIGHTED: Class = Class {
    name: "DataArrayWeighted",
    methods: WEIGHTED_METHODS,
    properties: &[],
};
