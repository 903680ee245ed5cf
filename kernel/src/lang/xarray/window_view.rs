//! `rolling(...).construct(...)` and `coarsen(...).construct(...)`: windows as new dimensions
//! (engine `ops::construct`), on DataArrays with their values in memory.
#![allow(
    clippy::needless_pass_by_value,
    reason = "all methods share the registry's `Func` signature"
)]

use super::super::error::{Exc, ExcKind, Res};
use super::super::functions::items;
use super::super::registry::{Args, Ctx};
use super::super::value::Value;
use super::structure::{pairs, string as name};

/// The refusal of `construct` on a Dataset's rolling or coarsen object.
fn dataset_refused(what: &str) -> Exc {
    Exc::new(
        ExcKind::NotImplementedError,
        format!(
            "{what}.construct on a Dataset is not supported in Nereus; construct each DataArray"
        ),
    )
}

/// `rolling(dim=w).construct(window_dim=None, stride=1, fill_value=<NA>, ...)`.
pub(crate) fn rolling_construct(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let recv = p.receiver();
    p.only_defaults(&[
        "stride",
        "fill_value",
        "keep_attrs",
        "sliding_window_view_kwargs",
    ])?;
    let Value::Rolling(r) = &recv else {
        return Err(dataset_refused("rolling(...)"));
    };
    let window_dim = match p.take("window_dim") {
        Some(Value::Str(s)) => s.to_string(),
        dict => match pairs(dict, p.extra(), "construct")?.as_slice() {
            [(d, v)] if d == r.dim() => name(v, "window_dim")?,
            _ => {
                return Err(Exc::value_error(format!(
                    "construct() takes one new dimension name for {:?}: construct(\"window\") or construct({}=\"window\")",
                    r.dim(),
                    r.dim()
                )))
            }
        },
    };
    r.construct(&window_dim).map(Value::from).map_err(Exc::from)
}

/// `coarsen(dim=w).construct(window_dim=None, keep_attrs=None, **window_dim_kwargs)`: each
/// coarsened dimension to a pair of new names, `time=("year", "month")`.
pub(crate) fn coarsen_construct(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let recv = p.receiver();
    p.only_defaults(&["keep_attrs"])?;
    let Value::Coarsen(c) = &recv else {
        return Err(dataset_refused("coarsen(...)"));
    };
    let names = pairs(p.take("window_dim"), p.extra(), "construct")?
        .into_iter()
        .map(|(dim, v)| {
            let two = items(&v)?;
            match two.as_slice() {
                [outer, inner] => Ok((
                    dim,
                    (name(outer, "new dimension")?, name(inner, "new dimension")?),
                )),
                _ => Err(Exc::value_error(format!(
                    "construct({dim}=...) takes two new dimension names, e.g. (\"year\", \"month\")"
                ))),
            }
        })
        .collect::<Res<Vec<_>>>()?;
    c.construct(&names).map(Value::from).map_err(Exc::from)
}
