//! Properties (`.dims`, `.sizes`, `.values`, ...), variables as attributes and items
//! (`ds.sossheig`, `ds["sossheig"]`), and positional indexing (`da[0, 10:20]`).

use std::sync::Arc;

use super::super::eval::views::view_of;

use super::super::dict::{attrs_dict, Dict, DictKind};
use super::super::error::{suggestion, Exc, ExcKind, Res};
use super::super::ndarray::ndarray_of;
use super::super::ndarray::NdArray;
use super::super::registry::Ctx;
use super::super::value::Value;
use super::convert::{indexer, load};
use nereus_engine::model::{Data, DataArray, Dataset, Variable};
use nereus_engine::ops::Indexer;
use nereus_engine::repr::{dataset_dims, dtype_name};

fn tuple(v: Vec<Value>) -> Value {
    Value::Tuple(Arc::new(v))
}

fn ints(v: impl IntoIterator<Item = usize>) -> Value {
    tuple(
        v.into_iter()
            .map(|n| Value::Int(i64::try_from(n).unwrap_or(i64::MAX)))
            .collect(),
    )
}

fn int(n: usize) -> Value {
    Value::Int(i64::try_from(n).unwrap_or(i64::MAX))
}

fn sizes_dict(pairs: impl IntoIterator<Item = (String, usize)>) -> Value {
    Value::Dict(Arc::new(Dict::from_named(
        DictKind::Frozen,
        pairs.into_iter().map(|(k, n)| (k, int(n))),
    )))
}

/// A coordinate of `coords` as a DataArray carrying the coordinates along its own dims.
fn coord_array(
    name: &str,
    var: &Variable,
    coords: &indexmap::IndexMap<String, Variable>,
) -> DataArray {
    DataArray {
        name: Some(name.to_owned()),
        variable: var.clone(),
        coords: coords
            .iter()
            .filter(|(_, c)| c.dims.iter().all(|d| var.dims.contains(d)))
            .map(|(k, c)| (k.clone(), c.clone()))
            .collect(),
    }
}

fn coords_dict(coords: &indexmap::IndexMap<String, Variable>, owner_dims: Vec<String>) -> Value {
    let mut d = Dict::from_named(
        DictKind::Coords,
        coords.iter().map(|(k, v)| {
            (
                k.clone(),
                Value::DataArray(Arc::new(coord_array(k, v, coords))),
            )
        }),
    );
    d.owner_dims = owner_dims;
    Value::Dict(Arc::new(d))
}

fn da(v: &Value) -> Res<&Arc<DataArray>> {
    super::methods::this_array(v, "property")
}

fn ds(v: &Value) -> Res<&Arc<Dataset>> {
    match v {
        Value::Dataset(d) => Ok(d),
        other => Err(Exc::type_error(format!(
            "expected a Dataset, not {}",
            other.type_name()
        ))),
    }
}

fn nd(v: &Value) -> Res<&Arc<NdArray>> {
    match v {
        Value::NdArray(a) => Ok(a),
        other => Err(Exc::type_error(format!(
            "expected an ndarray, not {}",
            other.type_name()
        ))),
    }
}

type Prop = Res<Value>;

pub(crate) fn dims(_: &mut Ctx<'_>, v: &Value) -> Prop {
    match v {
        Value::Dataset(d) => Ok(sizes_dict(dataset_dims(d))),
        other => Ok(tuple(
            da(other)?
                .dims()
                .iter()
                .map(|d| Value::str(d.as_str()))
                .collect(),
        )),
    }
}

pub(crate) fn sizes(_: &mut Ctx<'_>, v: &Value) -> Prop {
    match v {
        Value::Dataset(d) => Ok(sizes_dict(dataset_dims(d))),
        other => Ok(sizes_dict(da(other)?.sizes())),
    }
}

pub(crate) fn shape(_: &mut Ctx<'_>, v: &Value) -> Prop {
    match v {
        Value::NdArray(a) => Ok(ints(a.block.shape().iter().copied())),
        other => Ok(ints(da(other)?.shape())),
    }
}

pub(crate) fn ndim(_: &mut Ctx<'_>, v: &Value) -> Prop {
    match v {
        Value::NdArray(a) => Ok(int(a.block.shape().len())),
        other => Ok(int(da(other)?.dims().len())),
    }
}

pub(crate) fn size(_: &mut Ctx<'_>, v: &Value) -> Prop {
    match v {
        Value::NdArray(a) => Ok(int(a.block.len())),
        other => Ok(int(da(other)?.variable.size())),
    }
}

pub(crate) fn attrs(_: &mut Ctx<'_>, v: &Value) -> Prop {
    match v {
        Value::Dataset(d) => Ok(attrs_dict(&d.attrs)),
        other => Ok(attrs_dict(da(other)?.attrs())),
    }
}

pub(crate) fn encoding(_: &mut Ctx<'_>, v: &Value) -> Prop {
    let mut enc = da(v)?.variable.encoding.clone();
    nereus_engine::coding::TimeScale::unmark(&mut enc);
    Ok(attrs_dict(&enc))
}

pub(crate) fn dtype(_: &mut Ctx<'_>, v: &Value) -> Prop {
    match v {
        Value::NdArray(a) => Ok(Value::DType(a.dtype_name())),
        other => Ok(Value::DType(dtype_name(&da(other)?.variable))),
    }
}

pub(crate) fn name(_: &mut Ctx<'_>, v: &Value) -> Prop {
    Ok(da(v)?.name.as_deref().map_or(Value::None, Value::str))
}

pub(crate) fn coords(_: &mut Ctx<'_>, v: &Value) -> Prop {
    match v {
        Value::Dataset(d) => Ok(coords_dict(
            &d.coords,
            dataset_dims(d).keys().cloned().collect(),
        )),
        other => {
            let a = da(other)?;
            Ok(coords_dict(&a.coords, a.dims().to_vec()))
        }
    }
}

pub(crate) fn data_vars(_: &mut Ctx<'_>, v: &Value) -> Prop {
    let d = ds(v)?;
    Ok(Value::Dict(Arc::new(Dict::from_named(
        DictKind::DataVars,
        d.data_vars.keys().filter_map(|k| {
            d.array(k)
                .map(|a| (k.clone(), Value::DataArray(Arc::new(a))))
        }),
    ))))
}

pub(crate) fn nbytes(_: &mut Ctx<'_>, v: &Value) -> Prop {
    match v {
        Value::Dataset(d) => Ok(int(d
            .coords
            .values()
            .chain(d.data_vars.values())
            .map(Variable::nbytes)
            .sum())),
        Value::NdArray(a) => Ok(int(a.block.len() * a.block.dtype().size())),
        other => Ok(int(da(other)?.variable.nbytes())),
    }
}

pub(crate) fn chunks(_: &mut Ctx<'_>, v: &Value) -> Prop {
    match &da(v)?.variable.data {
        Data::Memory(_) => Ok(Value::None),
        Data::Lazy(l) => Ok(tuple(l.chunks().into_iter().map(ints).collect())),
    }
}

/// `.values`: computes a lazy array (interruptible).
pub(crate) fn values(ctx: &mut Ctx<'_>, v: &Value) -> Prop {
    if let Value::NdArray(_) = v {
        return Ok(v.clone());
    }
    let loaded = load(ctx, da(v)?)?;
    let mut arr = ndarray_of(&loaded.variable)
        .ok_or_else(|| Exc::new(ExcKind::RuntimeError, "array was not computed"))?;
    // xarray gives one datetime64 as a numpy scalar, not a 0-d array.
    arr.scalar = arr.block.shape().is_empty()
        && arr
            .time()
            .is_some_and(nereus_engine::coding::TimeScale::is_datetime64);
    Ok(Value::NdArray(Arc::new(arr)))
}

/// `da.to_numpy()`: the method form of `.values`.
pub(crate) fn to_numpy(ctx: &mut Ctx<'_>, args: super::super::registry::Args) -> Res<Value> {
    let recv = args.bind()?.receiver();
    values(ctx, &recv)
}

pub(crate) fn nd_dtype(ctx: &mut Ctx<'_>, v: &Value) -> Prop {
    nd(v)?;
    dtype(ctx, v)
}

/// `ds.name` for a variable, or None when `name` is not one.
pub(crate) fn variable_attr(ds: &Arc<Dataset>, name: &str) -> Option<Value> {
    ds.array(name).map(|a| view_of(ds, name, a))
}

/// `da.name` for a coordinate, or None.
pub(crate) fn coord_attr(a: &DataArray, name: &str) -> Option<Value> {
    a.coords
        .get(name)
        .map(|c| Value::DataArray(Arc::new(coord_array(name, c, &a.coords))))
}

/// The AttributeError for a missing attribute, suggesting methods, properties and variables.
pub(crate) fn no_attr(base: &Value, name: &str, extra: &[&str]) -> Exc {
    let mut names: Vec<&str> = super::super::builtins::class_of(base)
        .map(super::super::registry::Class::attr_names)
        .unwrap_or_default();
    names.extend_from_slice(extra);
    let hint = suggestion(name, names);
    Exc::new(
        ExcKind::AttributeError,
        format!(
            "'{}' object has no attribute '{name}'{hint}",
            base.type_name()
        ),
    )
}

/// xarray's virtual variables: `"time.month"` is the date part of coordinate `time`, when
/// `key` names no variable itself.
fn date_part_of(key: &str, base: impl FnOnce(&str) -> Option<DataArray>) -> Option<Res<Value>> {
    let (name, part) = key.split_once('.')?;
    let base = base(name)?;
    Some(
        base.date_part(part)
            .map(|a| Value::DataArray(Arc::new(a)))
            .map_err(Exc::from),
    )
}

/// `ds[key]`: a variable by name, or a virtual variable (`ds["time.month"]`).
pub(crate) fn dataset_item(d: &Arc<Dataset>, key: &Value) -> Res<Value> {
    match key {
        Value::Str(s) => match d.get(s) {
            Ok(a) => Ok(view_of(d, s, a)),
            Err(e) => date_part_of(s, |n| d.get(n).ok()).unwrap_or(Err(Exc::from(e))),
        },
        other => Err(Exc::type_error(format!(
            "Dataset indices must be variable names, not {}",
            other.type_name()
        ))),
    }
}

/// `da[key]`: a coordinate by name, or positions (a dict of dims, or along the dims in order).
pub(crate) fn dataarray_item(a: &DataArray, key: &Value) -> Res<Value> {
    if let Value::Str(s) = key {
        let coord = |n: &str| match coord_attr(a, n) {
            Some(Value::DataArray(c)) => Some((*c).clone()),
            _ => None,
        };
        if let Some(r) = coord(s).is_none().then(|| date_part_of(s, coord)).flatten() {
            return r;
        }
        return coord_attr(a, s).ok_or_else(|| {
            let names = a.coords.keys().map(String::as_str);
            Exc::new(
                ExcKind::KeyError,
                format!("'{s}' is not a coordinate{}", suggestion(s, names)),
            )
        });
    }
    a.isel(&item_indexers(a, key)?)
        .map(|r| Value::DataArray(Arc::new(r)))
        .map_err(Exc::from)
}

/// The positional indexers of `da[key]` (and `da[key] = ...`): a dict of dims to indexers,
/// or indexers along the dims in order.
pub(crate) fn item_indexers(a: &DataArray, key: &Value) -> Res<Vec<(String, Indexer)>> {
    if let Value::Dict(d) = key {
        return d
            .items
            .iter()
            .map(|(k, v)| match k {
                Value::Str(k) => Ok((k.to_string(), indexer(v)?)),
                other => Err(Exc::type_error(format!(
                    "dimension names must be strings, not {}",
                    other.type_name()
                ))),
            })
            .collect();
    }
    let keys: Vec<Value> = match key {
        Value::Tuple(items) => items.to_vec(),
        other => vec![other.clone()],
    };
    if keys.len() > a.dims().len() {
        return Err(Exc::new(ExcKind::IndexError, "too many indices"));
    }
    a.dims()
        .iter()
        .zip(&keys)
        .map(|(d, k)| Ok((d.clone(), indexer(k)?)))
        .collect()
}
