//! Whole-axis methods of a DataArray in the cell language: `cumsum`, `argmin`, `argmax`,
//! `median` and `quantile`, with xarray's signatures. Argument parsing only.
#![allow(
    clippy::needless_pass_by_value,
    reason = "all methods share the registry's `Func` signature"
)]

use super::super::error::{Exc, ExcKind, Res};
use super::super::registry::{Args, Builtin, Ctx};
use super::super::signature::Bound;
use super::super::value::Value;
use super::convert::dims_arg;
use super::methods::{skipna, this_array};
use nereus_engine::model::DataArray;

/// The one dimension `name()` runs along: `dim`, or the only dimension of a 1-D array.
fn one_dim(p: &mut Bound, a: &DataArray, name: &str) -> Res<String> {
    match p.take("dim") {
        Some(Value::Str(d)) => Ok(d.to_string()),
        None | Some(Value::None) => match a.dims() {
            [only] => Ok(only.clone()),
            dims => Err(Exc::new(
                ExcKind::NotImplementedError,
                format!(
                    "{name}() over every dimension of a {}-D array (a flat position) is not supported; give dim=, one of {dims:?}",
                    dims.len()
                ),
            )),
        },
        Some(other) => Err(Exc::new(
            ExcKind::NotImplementedError,
            format!(
                "{name}() along one dimension only (a name); got {}",
                other.repr()
            ),
        )),
    }
}

/// `da.cumsum(dim, skipna=None)`.
fn cumsum(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let recv = p.receiver();
    let a = this_array(&recv, "cumsum")?;
    let skipna = skipna(ctx, &mut p)?;
    let dim = one_dim(&mut p, a, "cumsum")?;
    a.cumsum(&dim, skipna).map(Value::from).map_err(Exc::from)
}

fn arg_extreme(max: bool, ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let name = if max { "argmax" } else { "argmin" };
    let mut p = args.bind()?;
    let recv = p.receiver();
    let a = this_array(&recv, name)?;
    let skipna = skipna(ctx, &mut p)?;
    let dim = one_dim(&mut p, a, name)?;
    a.arg_extreme(max, &dim, skipna)
        .map(Value::from)
        .map_err(Exc::from)
}

fn argmin(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    arg_extreme(false, ctx, args)
}
fn argmax(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    arg_extreme(true, ctx, args)
}

/// `da.median(dim=None, skipna=None)`.
fn median(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let recv = p.receiver();
    let skipna = skipna(ctx, &mut p)?;
    let dims = dims_arg(p.take("dim"))?;
    this_array(&recv, "median")?
        .median(dims.as_deref(), skipna)
        .map(Value::from)
        .map_err(Exc::from)
}

/// `da.quantile(q, dim=None, method="linear", skipna=None)`.
fn quantile(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let recv = p.receiver();
    let skipna = skipna(ctx, &mut p)?;
    let method = match p.take("method") {
        None => "linear".to_owned(),
        Some(Value::Str(s)) => s.to_string(),
        Some(other) => {
            return Err(Exc::type_error(format!(
                "quantile() method must be a string, not {}",
                other.type_name()
            )))
        }
    };
    let q = p.required("q")?;
    let dims = dims_arg(p.take("dim"))?;
    let bad_q = |v: &Value| {
        Exc::type_error(format!(
            "quantile() q must be a number or a list of numbers, not {}",
            v.type_name()
        ))
    };
    let (qs, list) = match q {
        Value::List(items) | Value::Tuple(items) => (
            items
                .iter()
                .map(|v| v.as_f64().ok_or_else(|| bad_q(v)))
                .collect::<Res<Vec<f64>>>()?,
            true,
        ),
        v => (vec![v.as_f64().ok_or_else(|| bad_q(&v))?], false),
    };
    this_array(&recv, "quantile")?
        .quantile(&qs, list, dims.as_deref(), &method, skipna)
        .map(Value::from)
        .map_err(Exc::from)
}

/// `DataArray.cumsum`.
pub(crate) const CUMSUM: Builtin = method!("DataArray", "cumsum", "cumsum(dim=None, *, skipna=None, keep_attrs=None)", cumsum,
        "Running sum along one dimension: NaN counts as 0 for floats unless skipna=False; integers sum in int64. Lazy; the sum is carried across chunk edges.");

/// `DataArray.argmin`.
pub(crate) const ARGMIN: Builtin = method!("DataArray", "argmin", "argmin(dim=None, *, skipna=None, keep_attrs=None)", argmin,
        "Integer position of the minimum along one dimension (the first on ties; NaN skipped for floats, an all-NaN slice raises). Lazy.");

/// `DataArray.argmax`.
pub(crate) const ARGMAX: Builtin = method!("DataArray", "argmax", "argmax(dim=None, *, skipna=None, keep_attrs=None)", argmax,
        "Integer position of the maximum along one dimension (the first on ties; NaN skipped for floats, an all-NaN slice raises). Lazy.");

/// `DataArray.median`.
pub(crate) const MEDIAN: Builtin = method!("DataArray", "median", "median(dim=None, *, skipna=None, keep_attrs=None)", median,
        "Median along the named dimension(s), all when None; NaN skipped for floats. Lazy; computed over blocks of cells that each hold the whole dimension, within the memory budget.");

/// `DataArray.quantile`.
pub(crate) const QUANTILE: Builtin = method!("DataArray", "quantile", "quantile(q, dim=None, *, method='linear', keep_attrs=None, skipna=None)", quantile,
        "Quantile(s) q in [0, 1] along the named dimension(s), all when None, with numpy's 'linear' method: a list of q adds a leading 'quantile' dimension, one q a scalar 'quantile' coordinate. float64. Lazy; within the memory budget.");
