//! Assignment into xarray objects: `ds["x"] = ...`, `ds.coords["x"] = ...`, `da["c"] = ...`,
//! `.attrs = {...}` and `da.name = ...`. Each returns an updated copy, which the evaluator
//! stores back into the object it came from (see `eval::assign`).

use std::sync::Arc;

use super::super::dict::to_json;
use super::super::error::{Exc, ExcKind, Res};
use super::super::value::Value;
use super::combine::{array_coord, dataset_coord, dataset_var};
use crate::model::{Attrs, DataArray, Dataset};

/// `base[key] = v` for a Dataset or DataArray, or None for other values.
pub(crate) fn set_item(base: &Value, key: &Value, v: &Value) -> Option<Res<Value>> {
    Some(match base {
        Value::Dataset(ds) => name_of(key).and_then(|name| {
            if ds.coords.contains_key(name) {
                update_dataset(ds, name, |out| dataset_coord(out, name, v))
            } else {
                update_dataset(ds, name, |out| dataset_var(out, name, v))
            }
        }),
        Value::DataArray(a) => match key {
            Value::Str(name) => update_array(a, |out| array_coord(out, name, v)),
            _ => Err(Exc::new(
                ExcKind::NotImplementedError,
                "assigning values into a DataArray (da[...] = ...) is not supported in Nereus \
                 cells; build a new array instead, e.g. da = xr.where(cond, value, da)",
            )),
        },
        _ => return None,
    })
}

/// `base.coords[key] = v` for a Dataset or DataArray, or None for other values.
pub(crate) fn set_coord(base: &Value, key: &Value, v: &Value) -> Option<Res<Value>> {
    Some(match base {
        Value::Dataset(ds) => name_of(key)
            .and_then(|name| update_dataset(ds, name, |out| dataset_coord(out, name, v))),
        Value::DataArray(a) => {
            name_of(key).and_then(|name| update_array(a, |out| array_coord(out, name, v)))
        }
        _ => return None,
    })
}

/// `base.name = v` for a Dataset or DataArray, or None for other values. `last` is false when
/// the assignment goes further in (`ds.sst.attrs["units"] = ...` stores the changed `ds.sst`
/// back), which xarray allows for variables and coordinates but not as a final target.
pub(crate) fn set_attr(base: &Value, name: &str, v: &Value, last: bool) -> Option<Res<Value>> {
    Some(match (base, name) {
        (Value::Dataset(ds), "attrs") => attrs(v).map(|attrs| {
            let mut out = ds.as_ref().clone();
            out.attrs = attrs;
            Value::Dataset(Arc::new(out))
        }),
        (Value::DataArray(a), "attrs") => attrs(v).map(|attrs| {
            let mut out = a.as_ref().clone();
            out.variable.attrs = attrs;
            Value::DataArray(Arc::new(out))
        }),
        (Value::DataArray(a), "name") => array_name(v).map(|n| {
            let mut out = a.as_ref().clone();
            out.name = n;
            Value::DataArray(Arc::new(out))
        }),
        (Value::DataArray(_), "dims") => Err(Exc::new(
            ExcKind::AttributeError,
            "you cannot assign dims on a DataArray. Use .rename() or .swap_dims() instead.",
        )),
        (Value::Dataset(ds), _) if !last && ds.names().any(|n| n == name) => {
            return set_item(base, &Value::str(name), v);
        }
        (Value::DataArray(a), _) if !last && a.coords.contains_key(name) => {
            update_array(a, |out| array_coord(out, name, v))
        }
        (Value::Dataset(_) | Value::DataArray(_), _) => Err(Exc::new(
            ExcKind::AttributeError,
            format!(
                "cannot set attribute '{name}' on a '{}' object. Use __setitem__ style \
                 assignment (e.g., `ds['name'] = ...`) instead of assigning variables.",
                base.type_name()
            ),
        )),
        _ => return None,
    })
}

/// A variable name: the engine's variables are named by strings.
fn name_of(key: &Value) -> Res<&str> {
    match key {
        Value::Str(s) => Ok(s),
        other => Err(Exc::type_error(format!(
            "variable names must be strings in Nereus cells, not {}",
            other.type_name()
        ))),
    }
}

/// A copy of `ds` changed by `f`; a dimension cannot become a scalar (xarray's check).
fn update_dataset(ds: &Dataset, name: &str, f: impl FnOnce(&mut Dataset) -> Res<()>) -> Res<Value> {
    let mut out = ds.clone();
    f(&mut out)?;
    let scalar = out.array(name).is_some_and(|a| a.dims().is_empty());
    if scalar && ds.dims().contains_key(name) {
        return Err(Exc::value_error(format!(
            "dimension '{name}' already exists as a scalar variable"
        )));
    }
    Ok(Value::Dataset(Arc::new(out)))
}

fn update_array(a: &DataArray, f: impl FnOnce(&mut DataArray) -> Res<()>) -> Res<Value> {
    let mut out = a.clone();
    f(&mut out)?;
    Ok(Value::DataArray(Arc::new(out)))
}

/// The value of `.attrs = v`: a dict with string keys and JSON-representable values.
fn attrs(v: &Value) -> Res<Attrs> {
    let Value::Dict(d) = v else {
        return Err(Exc::type_error(if v.len().is_some() {
            format!(
                "attrs must be a dict in Nereus cells, not {}",
                v.type_name()
            )
        } else {
            format!("'{}' object is not iterable", v.type_name())
        }));
    };
    // Item by item rather than through a JSON object, whose map would sort the keys.
    d.items
        .iter()
        .map(|(k, x)| match k {
            Value::Str(k) => Ok((k.to_string(), to_json(x, "attrs")?)),
            other => Err(Exc::type_error(format!(
                "attrs keys must be strings in Nereus cells, not {}",
                other.type_name()
            ))),
        })
        .collect()
}

/// The value of `da.name = v`.
fn array_name(v: &Value) -> Res<Option<String>> {
    match v {
        Value::None => Ok(None),
        Value::Str(s) => Ok(Some(s.to_string())),
        other => Err(Exc::type_error(format!(
            "DataArray names must be strings or None in Nereus cells, not {}",
            other.type_name()
        ))),
    }
}
