//! The structural and element-wise methods of DataArray and Dataset: transpose, rename,
//! squeeze, expand_dims, astype, round and clip. A Dataset applies each to every variable that
//! has the dimensions involved (or to every data variable for value conversions), as xarray does.
#![allow(
    clippy::needless_pass_by_value,
    reason = "all methods share the registry's `Func` signature"
)]

use super::super::error::{Exc, Res};
use super::super::registry::{Args, Builtin, Ctx, Func};
use super::super::value::Value;
use super::convert::dims_arg;
use nereus_engine::model::{DType, Dataset};
use nereus_engine::ops::dataset::DatasetOperand;
use nereus_engine::ops::{Operand, PlanError};

/// One method of this module, declared once for DataArray and Dataset (or Dataset alone:
/// `assign`, `where` and `fillna`, which DataArray has from elsewhere).
pub(crate) struct Row {
    name: &'static str,
    signature: &'static str,
    func: Func,
    doc: &'static str,
}

/// Declares each row as a named constant.
macro_rules! rows {
    ($($konst:ident: $name:literal, $sig:literal, $func:path, $doc:literal;)*) => {
        $(
            #[doc = concat!("`", $name, "`.")]
            pub(crate) const $konst: Row = Row { name: $name, signature: $sig, func: $func, doc: $doc };
        )*
    };
}

rows! {
    TRANSPOSE: "transpose", "transpose(*dims, transpose_coords=True, missing_dims='raise')", transpose,
        "Reorders the dimensions: transpose(\"lon\", \"lat\", \"time\"); \"...\" stands for the others in their order (transpose(\"time\", \"...\")); no names reverses them. missing_dims=\"ignore\" skips names the object lacks. Coordinates are reordered too. Lazy.";
    RENAME: "rename", "rename(new_name_or_name_dict=None, **names)", rename,
        "Renames variables, coordinates and dimensions: rename({\"lat\": \"latitude\"}) or rename(lat=\"latitude\"); renaming an index coordinate renames its dimension. On a DataArray, a string renames the array itself.";
    SQUEEZE: "squeeze", "squeeze(dim=None, drop=False, axis=None)", squeeze,
        "Drops dimensions of length 1 (the named ones, or all of them); their coordinates stay as scalar coordinates. Lazy.";
    EXPAND_DIMS: "expand_dims", "expand_dims(dim=None, axis=None, **dim_kwargs)", expand_dims,
        "Adds leading dimensions: expand_dims(\"member\") (length 1), expand_dims({\"member\": 3}) or expand_dims(member=3) (values repeated). A scalar coordinate of that name becomes the new dimension's coordinate. Lazy.";
    ASTYPE: "astype", "astype(dtype, *, order=None, casting=None, subok=None, copy=None, keep_attrs=True)", astype,
        "Casts the values to a numpy dtype (\"float32\", \"int16\", float, ...): floats to integers truncate toward zero. Lazy.";
    ROUND: "round", "round(decimals=0)", round,
        "Rounds to the given number of decimals (negative: to tens, hundreds ...), halves to even as numpy does: 0.5 -> 0, 1.5 -> 2. Lazy.";
    CLIP: "clip", "clip(min=None, max=None, *, keep_attrs=None)", clip,
        "Limits the values to [min, max] (None: no bound on that side); NaN stays NaN. Lazy.";
    DROP_VARS: "drop_vars", "drop_vars(names, *, errors='raise')", super::combine::drop_vars,
        "Removes variables or coordinates by name (a name or a list); errors=\"ignore\" skips names that are absent.";
    ASSIGN_COORDS: "assign_coords", "assign_coords(coords=None, **coords_kwargs)", super::combine::assign_coords,
        "Adds or replaces coordinates: assign_coords(lon=[...]) along the dimension of that name, assign_coords(month=(\"time\", values)), or a DataArray. Sizes must match the dimensions.";
    ASSIGN: "assign", "assign(variables=None, **variables_kwargs)", super::combine::assign,
        "Adds or replaces data variables: ds.assign(anom=ds.sst - ds.sst.mean(\"time\")). A DataArray's coordinates come along; sizes must match. Lazy.";
    WHERE: "where", "where(cond, other=<NA>, drop=False)", super::methods::where_,
        "Keeps values of every data variable where `cond` (a boolean DataArray, or a Dataset of them by variable name: ds.where(ds > 0)) is True, `other` (NaN by default) elsewhere. Lazy.";
    FILLNA: "fillna", "fillna(value)", super::methods::fillna,
        "Replaces missing values (NaN) of every data variable by `value`, a number or an array. Lazy.";
    TO_DATASET: "to_dataset", "to_dataset(dim=None, *, name=None, promote_attrs=False)", to_dataset,
        "The array as a one-variable Dataset under its name (or `name`), with its coordinates; promote_attrs=True copies its attributes to the Dataset. Lazy.";
}

/// The registry entry of `row` for `class`.
pub(crate) const fn entry(class: &'static str, row: Row) -> Builtin {
    method!(class, row.name, row.signature, row.func, row.doc)
}

/// `da.to_dataset(name=..., promote_attrs=...)` (splitting along `dim` is not supported).
pub(crate) fn to_dataset(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let recv = p.receiver();
    p.only_defaults(&["dim"])?;
    let name = p.take("name").filter(|v| !matches!(v, Value::None));
    let promote = p
        .take("promote_attrs")
        .is_some_and(|v| v.truthy() == Some(true));
    let Value::DataArray(a) = &recv else {
        return Err(Exc::type_error("to_dataset() is a DataArray method"));
    };
    let mut a = (**a).clone();
    if let Some(n) = name {
        a.name = Some(string(&n, "name")?);
    }
    let Some(n) = &a.name else {
        return Err(Exc::from(PlanError::Unnamed));
    };
    if a.coords.contains_key(n) {
        return Err(Exc::value_error(format!(
            "cannot create a Dataset from a DataArray with the same name as one of its coordinates ({n:?})"
        )));
    }
    let mut ds = a.to_dataset();
    if promote {
        ds.attrs.clone_from(a.attrs());
    }
    Ok(Value::from(ds))
}

/// A string argument, or a TypeError naming it.
pub(super) fn string(v: &Value, what: &str) -> Res<String> {
    match v {
        Value::Str(s) => Ok(s.to_string()),
        other => Err(Exc::type_error(format!(
            "{what} must be a string, not {}",
            other.type_name()
        ))),
    }
}

/// `{name: value}` pairs from an optional dict and the free keywords (`rename({"a": "b"})`,
/// `rename(a="b")`), for `name()`.
pub(super) fn pairs(
    dict: Option<Value>,
    keywords: Vec<(String, Value)>,
    name: &str,
) -> Res<Vec<(String, Value)>> {
    let mut out = Vec::new();
    match dict {
        None | Some(Value::None) => {}
        Some(Value::Dict(d)) => {
            for (k, v) in &d.items {
                out.push((string(k, "names")?, v.clone()));
            }
        }
        Some(other) => {
            return Err(Exc::type_error(format!(
                "{name}() takes a dict, not {}",
                other.type_name()
            )))
        }
    }
    out.extend(keywords);
    Ok(out)
}

pub(crate) fn transpose(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let recv = p.receiver();
    p.only_defaults(&["transpose_coords"])?;
    let ignore = match p.take("missing_dims") {
        None => false,
        Some(Value::Str(s)) if matches!(&*s, "raise" | "ignore" | "warn") => &*s != "raise",
        Some(other) => {
            return Err(Exc::value_error(format!(
                "Unrecognised option {} for missing_dims argument",
                other.repr()
            )))
        }
    };
    let dims = p
        .rest()
        .iter()
        .map(|v| string(v, "dimension names"))
        .collect::<Res<Vec<_>>>()?;
    match &recv {
        Value::Dataset(ds) => Ok(Value::from(ds.transpose(&dims, ignore)?)),
        other => Ok(Value::from(
            super::methods::this_array(other, "transpose")?.transpose(&dims, ignore)?,
        )),
    }
}

pub(crate) fn rename(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let recv = p.receiver();
    let given = p.take("new_name_or_name_dict");
    let names = p.extra();
    if let (Value::DataArray(a), Some(Value::Str(_) | Value::None)) = (&recv, &given) {
        if names.is_empty() {
            // A string names the array itself.
            let mut out = a.as_ref().clone();
            out.name = match given {
                Some(Value::Str(s)) => Some(s.to_string()),
                _ => None,
            };
            return Ok(Value::from(out));
        }
    }
    let mapping: Vec<(String, String)> = pairs(given, names, "rename")?
        .into_iter()
        .map(|(k, v)| Ok((k, string(&v, "new names")?)))
        .collect::<Res<_>>()?;
    match &recv {
        Value::Dataset(ds) => Ok(Value::from(ds.rename(&mapping)?)),
        other => Ok(Value::from(
            super::methods::this_array(other, "rename")?.rename(&mapping)?,
        )),
    }
}

pub(crate) fn squeeze(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let recv = p.receiver();
    p.only_defaults(&["drop", "axis"])?;
    let dims = dims_arg(p.take("dim"))?;
    match &recv {
        Value::Dataset(ds) => Ok(Value::from(ds.squeeze(dims.as_deref())?)),
        other => Ok(Value::from(
            super::methods::this_array(other, "squeeze")?.squeeze(dims.as_deref())?,
        )),
    }
}

pub(crate) fn expand_dims(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let recv = p.receiver();
    p.only_defaults(&["axis"])?;
    let mut new: Vec<(String, usize)> = Vec::new();
    let size = |v: &Value| -> Res<usize> {
        v.as_int()
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| {
                Exc::type_error(format!(
                    "dimension sizes must be non-negative integers, not {}",
                    v.repr()
                ))
            })
    };
    match p.take("dim") {
        None | Some(Value::None) => {}
        Some(Value::Dict(d)) => {
            for (k, v) in &d.items {
                new.push((string(k, "dimension names")?, size(v)?));
            }
        }
        other => new.extend(
            dims_arg(other)?
                .unwrap_or_default()
                .into_iter()
                .map(|d| (d, 1)),
        ),
    }
    for (k, v) in p.extra() {
        new.push((k, size(&v)?));
    }
    match &recv {
        Value::Dataset(ds) => Ok(Value::from(ds.expand_dims(&new)?)),
        other => Ok(Value::from(
            super::methods::this_array(other, "expand_dims")?.expand_dims(&new)?,
        )),
    }
}

/// Refuses `what` on strings (and on dates unless `dates` allows them) in the receiver's
/// values: the engine would compute on their codes or ticks as numbers.
fn numbers_only(recv: &Value, what: &str, dates: bool) -> Res<()> {
    let vars: Vec<&nereus_engine::model::Variable> = match recv {
        Value::Dataset(ds) => ds.data_vars.values().collect(),
        Value::DataArray(a) => vec![&a.variable],
        _ => Vec::new(),
    };
    for var in vars {
        let is_date = nereus_engine::coding::TimeScale::of(var).is_some();
        if !(dates && is_date) {
            nereus_engine::ops::reduce::numbers_only(var, what).map_err(Exc::from)?;
        }
    }
    Ok(())
}

pub(crate) fn astype(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let recv = p.receiver();
    // Memory layout and casting rules: numpy's business, not the values'.
    for k in ["order", "casting", "subok", "copy", "keep_attrs"] {
        let _ = p.take(k);
    }
    let dtype: DType = super::creation::dtype_arg(p.take("dtype"))?
        .ok_or_else(|| Exc::type_error("astype() missing required argument 'dtype'"))?;
    numbers_only(&recv, "astype", true)?;
    match &recv {
        Value::Dataset(ds) => Ok(Value::from(ds.astype(dtype))),
        other => Ok(Value::from(
            super::methods::this_array(other, "astype")?.astype(dtype),
        )),
    }
}

pub(crate) fn round(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let recv = p.receiver();
    let decimals = match p.take("decimals") {
        None => 0,
        Some(v) => v
            .as_int()
            .filter(|_| !matches!(v, Value::Float(_)))
            .ok_or_else(|| {
                Exc::type_error(format!(
                    "decimals must be an integer, not {}",
                    v.type_name()
                ))
            })?,
    };
    numbers_only(&recv, "round", false)?;
    match &recv {
        Value::Dataset(ds) => Ok(Value::from(ds.round(decimals))),
        other => Ok(Value::from(
            super::methods::this_array(other, "round")?.round(decimals),
        )),
    }
}

pub(crate) fn clip(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let recv = p.receiver();
    let _ = p.take("keep_attrs");
    let (lo, hi) = (p.take("min"), p.take("max"));
    let mut float_bound = false;
    let mut bound = |v: Option<Value>| -> Res<Option<f64>> {
        match v {
            None | Some(Value::None) => Ok(None),
            Some(Value::Float(x)) => {
                float_bound = true;
                Ok(Some(x))
            }
            Some(v) => v.as_f64().map(Some).ok_or_else(|| {
                Exc::type_error(format!(
                    "clip bounds must be numbers or None, not {}",
                    v.type_name()
                ))
            }),
        }
    };
    let (lo, hi) = (bound(lo)?, bound(hi)?);
    numbers_only(&recv, "clip", false)?;
    match &recv {
        Value::Dataset(ds) => Ok(Value::from(ds.clip(lo, hi, float_bound))),
        other => Ok(Value::from(
            super::methods::this_array(other, "clip")?.clip(lo, hi, float_bound),
        )),
    }
}

/// `ds.where(cond, other)`: `cond` a boolean DataArray, or a Dataset of them by variable name.
pub(super) fn dataset_where(ds: &Dataset, cond: &Value, other: Option<&Operand>) -> Res<Value> {
    let cond = match cond {
        Value::Dataset(c) => DatasetOperand::Dataset(c),
        Value::DataArray(c) => DatasetOperand::Array(c),
        _ => {
            return Err(Exc::from(PlanError::BadDtype {
                op: "where() cond".to_owned(),
                dtype: "non-array".to_owned(),
            }))
        }
    };
    Ok(Value::from(ds.where_(cond, other)?))
}
