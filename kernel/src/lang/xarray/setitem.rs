//! Assignment into xarray objects: `ds["x"] = ...`, `ds.coords["x"] = ...`, `da["c"] = ...`,
//! `da[0, 1:3] = ...` (positions), `.attrs = {...}` and `da.name = ...`. Each returns an
//! updated copy, which the evaluator stores back into the object it came from (see
//! `eval::assign`). A positional assignment into a lazy array is lazy too: the new values are
//! a plan over the old ones; into values in memory it is computed at once.

use std::sync::Arc;

use ndarray::{ArrayD, IxDyn};

use super::super::dict::to_json;
use super::super::error::{Exc, ExcKind, Res};
use super::super::value::Value;
use super::combine::{array_coord, dataset_coord, dataset_var};
use super::creation::list_block;
use super::numpy::compute_now;
use super::props::item_indexers;
use nereus_engine::model::shape_text;
use nereus_engine::model::{Attrs, Block, DType, Data, DataArray, Dataset, Variable};

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
            _ => set_positions(a, key, v),
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
pub(super) fn attrs(v: &Value) -> Res<Attrs> {
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

/// `da[key] = v` by position, as xarray's `DataArray.__setitem__`: the key selects as `da[key]`
/// does, and `v` (a number, a list, a numpy array or a DataArray) is broadcast over the
/// selection and stored with the array's dtype.
fn set_positions(a: &DataArray, key: &Value, v: &Value) -> Res<Value> {
    if a.variable.calendar().is_some() {
        return Err(Exc::new(
            ExcKind::NotImplementedError,
            "assigning into datetime arrays is not supported in Nereus cells",
        ));
    }
    let indexers = item_indexers(a, key)?;
    let obj = a.isel(&indexers).map_err(Exc::from)?;
    let value = assigned(v, &obj, a.dtype())?;
    let lazy = !a.variable.data.is_loaded();
    check_shape(&value, &obj, lazy)?;
    let out = a.isel_assign(&indexers, &value).map_err(Exc::from)?;
    let out = if lazy { out } else { compute_now(&out)? };
    Ok(Value::DataArray(Arc::new(out)))
}

/// The value stored by `da[key] = v` as a variable, its dims named as xarray's
/// `Variable.__setitem__` names them: a DataArray's own (after its coordinates are checked
/// against the selection's), the selection's last ones for an array, none for a number.
fn assigned(v: &Value, obj: &DataArray, dtype: DType) -> Res<Variable> {
    let data = match v {
        Value::DataArray(x) => {
            check_coords(x, obj)?;
            return Ok(x.variable.clone());
        }
        Value::NdArray(x) if x.is_numbers() => Arc::clone(&x.block),
        Value::List(_) | Value::Tuple(_) => Arc::new(list_block(v, &|kind| {
            Exc::type_error(format!(
                "cannot assign a list holding {kind} into a DataArray"
            ))
        })?),
        Value::Str(s) => Arc::new(parsed(s, dtype)?),
        Value::Bool(b) => Arc::new(Block::Bool(ArrayD::from_elem(IxDyn(&[]), *b))),
        Value::Int(i) => Arc::new(Block::I64(ArrayD::from_elem(IxDyn(&[]), *i))),
        Value::Float(x) => Arc::new(Block::F64(ArrayD::from_elem(IxDyn(&[]), *x))),
        other => {
            return Err(Exc::type_error(format!(
                "cannot assign a {} into a DataArray",
                other.type_name()
            )))
        }
    };
    let ndim = data.shape().len();
    let dims = obj.dims();
    if ndim > dims.len() {
        return Err(Exc::value_error(format!(
            "shape mismatch: value array of shape {} could not be broadcast to indexing result \
             with {} dimensions",
            shape_text(data.shape()),
            dims.len()
        )));
    }
    Ok(Variable::new(
        dims[dims.len() - ndim..].to_vec(),
        Data::Memory(data),
    ))
}

/// numpy's conversion of a string stored into a numeric array (Python's `float()` or `int()`).
fn parsed(s: &str, dtype: DType) -> Res<Block> {
    let (text, quoted) = (s.trim(), Value::str(s).repr());
    if dtype.is_float() {
        let x = text.parse::<f64>().map_err(|_| {
            Exc::value_error(format!(
                "could not convert string to float: np.str_({quoted})"
            ))
        })?;
        return Ok(Block::F64(ArrayD::from_elem(IxDyn(&[]), x)));
    }
    let i = text.parse::<i64>().map_err(|_| {
        Exc::value_error(format!(
            "invalid literal for int() with base 10: np.str_({quoted})"
        ))
    })?;
    Ok(Block::I64(ArrayD::from_elem(IxDyn(&[]), i)))
}

/// xarray's check that a DataArray value's dimension coordinates are those it is stored at.
fn check_coords(value: &DataArray, obj: &DataArray) -> Res<()> {
    for k in value.dims() {
        let (Some(theirs), Some(mine)) = (value.coords.get(k), obj.coords.get(k)) else {
            continue;
        };
        if same_values(theirs, mine) == Some(false) {
            return Err(Exc::new(
                ExcKind::IndexError,
                format!(
                    "dimension coordinate '{k}' conflicts between indexed and indexing objects"
                ),
            ));
        }
    }
    Ok(())
}

/// xarray's `Variable.equals` on values in memory (None when either is lazy): same dims, same
/// values by number, NaN equal to NaN.
#[allow(clippy::float_cmp, reason = "equality of values is the question")]
fn same_values(a: &Variable, b: &Variable) -> Option<bool> {
    let (Data::Memory(x), Data::Memory(y)) = (&a.data, &b.data) else {
        return None;
    };
    if a.dims != b.dims || x.shape() != y.shape() {
        return Some(false);
    }
    let (x, y) = (x.to_f64(), y.to_f64());
    Some(
        x.iter()
            .zip(&y)
            .all(|(p, q)| p == q || (p.is_nan() && q.is_nan())),
    )
}

/// xarray's `set_dims` of the value over the selection's dims, then numpy's broadcasting
/// check, in dask's words for a lazy array and numpy's for one in memory.
fn check_shape(value: &Variable, obj: &DataArray, lazy: bool) -> Res<()> {
    if value.dims.iter().any(|d| !obj.dims().contains(d)) {
        let names = |ds: &[String]| {
            Value::Tuple(Arc::new(
                ds.iter().map(|d| Value::str(d.as_str())).collect(),
            ))
            .repr()
        };
        return Err(Exc::value_error(format!(
            "new dimensions {} must be a superset of existing dimensions {}",
            names(obj.dims()),
            names(&value.dims)
        )));
    }
    let want = obj.shape();
    let got: Vec<usize> = obj
        .dims()
        .iter()
        .map(|d| value.dim_size(d).unwrap_or(1))
        .collect();
    if got.iter().zip(&want).all(|(&g, &w)| g == w || g == 1) {
        return Ok(());
    }
    Err(Exc::value_error(if lazy {
        format!(
            "shape mismatch: value array of shape {} could not be broadcast to indexing result \
             of shape {}",
            shape_text(&got),
            shape_text(&want)
        )
    } else {
        let numpy = |s: &[usize]| shape_text(s).replace(", ", ",");
        format!(
            "could not broadcast input array from shape {} into shape {}",
            numpy(&got),
            numpy(&want)
        )
    }))
}
