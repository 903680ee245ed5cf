//! `xr.align(*objects, join="inner")`: DataArrays aligned on their indexes by the engine's
//! [`nereus_engine::ops::align`], returned as a tuple. Datasets are not aligned here yet.

use std::sync::Arc;

use super::super::error::{Exc, ExcKind, Res};
use super::super::registry::{Args, Ctx};
use super::super::value::Value;
use nereus_engine::model::DataArray;
use nereus_engine::ops::Join;

/// The `join` keyword: one of xarray's five names.
fn join_arg(v: Option<Value>) -> Res<Join> {
    let name = match v {
        None => return Ok(Join::Inner),
        Some(Value::Str(s)) => s.to_string(),
        Some(other) => other.repr(),
    };
    Join::parse(&name).ok_or_else(|| {
        Exc::value_error(format!(
            "invalid value for join: {name} (expected 'inner', 'outer', 'left', 'right' or 'exact')"
        ))
    })
}

/// `xr.align(a, b, ..., join="inner", copy=True)`.
#[allow(
    clippy::needless_pass_by_value,
    reason = "all builtins share the `Func` signature"
)]
pub(crate) fn align(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let join = join_arg(p.take("join"))?;
    // Values are never modified in place, so copies and views are the same thing here.
    let _copy = p.take("copy");
    let arrays = p
        .rest()
        .iter()
        .map(|v| match v {
            Value::DataArray(a) => Ok(a.as_ref().clone()),
            Value::Dataset(_) => Err(Exc::new(
                ExcKind::NotImplementedError,
                "xr.align of Datasets is not supported yet; align their DataArrays (ds.name)",
            )),
            other => Err(Exc::type_error(format!(
                "align() arguments must be DataArrays, not {}",
                other.type_name()
            ))),
        })
        .collect::<Res<Vec<DataArray>>>()?;
    let aligned = nereus_engine::ops::align(&arrays, join).map_err(Exc::from)?;
    Ok(Value::Tuple(Arc::new(
        aligned
            .into_iter()
            .map(|a| Value::DataArray(Arc::new(a)))
            .collect(),
    )))
}
