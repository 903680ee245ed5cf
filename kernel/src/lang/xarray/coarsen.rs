//! `coarsen` and `weighted` on a DataArray or Dataset in the cell language: the Coarsen and
//! Weighted values they return, those values' reductions, registry tables and reprs. Argument
//! parsing only (a Dataset's variables are handled in `dataset_climate`).
#![allow(
    clippy::needless_pass_by_value,
    reason = "all methods share the registry's `Func` signature"
)]

use std::sync::Arc;

use super::super::error::{Exc, ExcKind, Res};
use super::super::registry::{Args, Builtin, Class, Ctx};
use super::super::signature::Bound;
use super::super::value::Value;
use super::convert::{dims_arg, load};
use super::dataset_climate::DatasetOp;
use super::methods::{skipna, this_array};
use nereus_engine::model::Data;
use nereus_engine::ops::{Boundary, ReduceOp};

/// `da.coarsen(time=4, boundary="trim", side="left")`, `da.coarsen(lat=2, lon=2)` or
/// `da.coarsen({"lat": 2, "lon": 2})`.
pub(crate) fn coarsen(_ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let recv = p.receiver();
    let text = |p: &mut Bound, name: &str, default: &str| -> Res<String> {
        match p.take(name) {
            None => Ok(default.to_owned()),
            Some(Value::Str(s)) => Ok(s.to_string()),
            Some(other) => Err(Exc::type_error(format!(
                "coarsen() {name} must be a string, not {}",
                other.type_name()
            ))),
        }
    };
    let boundary = text(&mut p, "boundary", "exact")?;
    let side = text(&mut p, "side", "left")?;
    if let Some(v) = p.take("coord_func") {
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
    let windows = super::groupby::dim_pairs(&mut p, "coarsen", "dim")?
        .into_iter()
        .map(|(dim, window)| {
            let window = window
                .as_int()
                .ok_or_else(|| Exc::type_error("coarsen() window must be an integer"))?;
            Ok((dim, window))
        })
        .collect::<Res<Vec<_>>>()?;
    if windows.is_empty() {
        return Err(Exc::type_error(
            "coarsen() needs a dimension, e.g. coarsen(time=4) or coarsen(lat=2, lon=2)",
        ));
    }
    let boundary = Boundary::parse(&boundary).map_err(Exc::from)?;
    if let Value::Dataset(ds) = &recv {
        let op = DatasetOp::coarsen(ds, &windows, boundary, &side)?;
        return Ok(Value::DatasetOp(Arc::new(op)));
    }
    let c = this_array(&recv, "coarsen")?
        .coarsen(&windows, boundary, &side)
        .map_err(Exc::from)?;
    Ok(Value::Coarsen(Arc::new(c)))
}

/// A Coarsen reduction: of a DataArray or of every variable of a Dataset.
fn coarsen_reduce(op: ReduceOp, _: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let recv = args.bind()?.receiver();
    match &recv {
        Value::Coarsen(c) => c.reduce(op).map(Value::from).map_err(Exc::from),
        Value::DatasetOp(d) => d.reduce_windows(op),
        other => Err(Exc::type_error(format!(
            "DataArrayCoarsen.{}() needs a DataArrayCoarsen, not {}",
            op.name(),
            other.type_name()
        ))),
    }
}

reductions!(coarsen_reduce);

/// `da.weighted(weights)`: lazy weights are loaded first, since NaN among them is an error
/// that xarray raises here (weights are normally small: cos(lat), cell areas).
pub(crate) fn weighted(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let recv = p.receiver();
    let weights = match p.required("weights")? {
        Value::DataArray(w) => w,
        other => {
            return Err(Exc::type_error(format!(
                "`weights` must be a DataArray, not {}",
                other.type_name()
            )))
        }
    };
    let weights = match &weights.variable.data {
        Data::Memory(_) => weights.as_ref().clone(),
        Data::Lazy(_) => load(ctx, &weights)?,
    };
    if let Value::Dataset(ds) = &recv {
        let op = DatasetOp::weighted(ds, &weights)?;
        return Ok(Value::DatasetOp(Arc::new(op)));
    }
    let w = this_array(&recv, "weighted")?
        .weighted(&weights)
        .map_err(Exc::from)?;
    Ok(Value::Weighted(Arc::new(w)))
}

fn weighted_reduce(mean: bool, ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let name = if mean { "mean" } else { "sum" };
    let mut p = args.bind()?;
    let recv = p.receiver();
    let skipna = skipna(ctx, &mut p)?;
    let dims = dims_arg(p.take("dim"))?;
    let w = match &recv {
        Value::Weighted(w) => w,
        Value::DatasetOp(d) => return d.reduce_weighted(mean, dims.as_deref(), skipna),
        other => {
            return Err(Exc::type_error(format!(
                "DataArrayWeighted.{name}() needs a DataArrayWeighted, not {}",
                other.type_name()
            )))
        }
    };
    let out = if mean {
        w.mean(dims.as_deref(), skipna)
    } else {
        w.sum(dims.as_deref(), skipna)
    };
    out.map(Value::from).map_err(Exc::from)
}

fn weighted_mean(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    weighted_reduce(true, ctx, args)
}
fn weighted_sum(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    weighted_reduce(false, ctx, args)
}

/// The reductions of a Coarsen class (`DataArrayCoarsen` or `DatasetCoarsen`).
const fn coarsen_methods(class: &'static str) -> [Builtin; 8] {
    with_reductions!(class, self, windows, " of each window", "NaN is skipped. Lazy.";
        method!(class, "construct", "construct(window_dim=None, keep_attrs=None, **window_dim_kwargs)", super::window_view::coarsen_construct,
            "Splits each coarsened dimension in two: construct(time=(\"year\", \"month\")). Windows must divide the dimension; values in memory."))
}

static COARSEN_METHODS: [Builtin; 8] = coarsen_methods("DataArrayCoarsen");
static DATASET_COARSEN_METHODS: [Builtin; 8] = coarsen_methods("DatasetCoarsen");

/// The Coarsen class.
pub(crate) static COARSEN: Class = Class {
    name: "DataArrayCoarsen",
    methods: &COARSEN_METHODS,
    properties: &[],
};

/// The Coarsen class of a Dataset.
pub(crate) static DATASET_COARSEN: Class = Class {
    name: "DatasetCoarsen",
    methods: &DATASET_COARSEN_METHODS,
    properties: &[],
};

/// The reductions of a Weighted class (`DataArrayWeighted` or `DatasetWeighted`).
const fn weighted_methods(class: &'static str) -> [Builtin; 2] {
    [
        method!(class, "mean", "mean(dim=None, *, skipna=None, keep_attrs=None)", weighted_mean,
            "Weighted mean over the named dimension(s) (all when None): the sum of weights times values over the sum of the weights of the non-missing values. Lazy."),
        method!(class, "sum", "sum(dim=None, *, skipna=None, keep_attrs=None)", weighted_sum,
            "Weighted sum over the named dimension(s) (all when None); missing values count as 0. Lazy."),
    ]
}

static WEIGHTED_METHODS: [Builtin; 2] = weighted_methods("DataArrayWeighted");
static DATASET_WEIGHTED_METHODS: [Builtin; 2] = weighted_methods("DatasetWeighted");

/// The Weighted class.
pub(crate) static WEIGHTED: Class = Class {
    name: "DataArrayWeighted",
    methods: &WEIGHTED_METHODS,
    properties: &[],
};

/// The Weighted class of a Dataset.
pub(crate) static DATASET_WEIGHTED: Class = Class {
    name: "DatasetWeighted",
    methods: &DATASET_WEIGHTED_METHODS,
    properties: &[],
};
