//! Building objects from others: `xr.concat`, `xr.merge`, `assign`, `assign_coords`,
//! `drop_vars`, and arithmetic on a Dataset (each data variable in turn, as in xarray).
#![allow(
    clippy::needless_pass_by_value,
    reason = "all builtins share the registry's `Func` signature"
)]

use std::sync::Arc;

use super::super::error::{Exc, Res};
use super::super::registry::{Args, Ctx};
use super::super::value::Value;
use super::convert::{dims_arg, operand};
use super::structure::pairs;
use indexmap::IndexMap;
use ndarray::ArrayD;
use nereus_engine::model::{Block, Data, DataArray, Dataset, Variable};
use nereus_engine::ops::combine::{concat_datasets, merge as merge_datasets};
use nereus_engine::ops::{Join, MapOp, PlanError};

/// Values given as a list of numbers, a numpy array or a number: an in-memory block (ints stay
/// int64, as numpy makes them).
fn values_block(v: &Value) -> Res<Arc<Block>> {
    let bad = || Exc::type_error(format!("cannot use a {} as variable values", v.type_name()));
    match v {
        Value::NdArray(a) => Ok(Arc::clone(&a.block)),
        Value::List(items) | Value::Tuple(items) => {
            let ints: Option<Vec<i64>> = items
                .iter()
                .map(|x| x.as_int().filter(|_| !matches!(x, Value::Float(_))))
                .collect();
            let n = items.len();
            if let Some(ints) = ints {
                return Ok(Arc::new(Block::I64(
                    ArrayD::from_shape_vec(vec![n], ints).map_err(|_| bad())?,
                )));
            }
            let floats: Vec<f64> = items
                .iter()
                .map(|x| x.as_f64().ok_or_else(bad))
                .collect::<Res<_>>()?;
            Ok(Arc::new(Block::F64(
                ArrayD::from_shape_vec(vec![n], floats).map_err(|_| bad())?,
            )))
        }
        Value::Int(i) => Ok(Arc::new(Block::I64(ndarray::arr0(*i).into_dyn()))),
        other => other
            .as_f64()
            .map(|x| Arc::new(Block::F64(ndarray::arr0(x).into_dyn())))
            .ok_or_else(bad),
    }
}

/// An array for `name` from what assign/assign_coords take: a DataArray, `(dims, values)`,
/// values along the dimension `name`, or a number.
fn new_array(name: &str, v: &Value) -> Res<DataArray> {
    if let Value::DataArray(a) = v {
        return Ok(a.as_ref().clone());
    }
    let variable = match v {
        Value::Tuple(parts) if parts.len() == 2 => {
            let dims = dims_arg(Some(parts[0].clone()))?.unwrap_or_default();
            Variable::new(dims, Data::Memory(values_block(&parts[1])?))
        }
        other => {
            let block = values_block(other)?;
            let dims = if block.shape().is_empty() {
                Vec::new()
            } else {
                vec![name.to_owned()]
            };
            Variable::new(dims, Data::Memory(block))
        }
    };
    if variable.dims.len() != variable.shape().len() {
        return Err(Exc::value_error(format!(
            "different number of dimensions on data and dims: {} vs {}",
            variable.shape().len(),
            variable.dims.len()
        )));
    }
    Ok(DataArray {
        name: Some(name.to_owned()),
        variable,
        coords: IndexMap::new(),
    })
}

/// `(name, array)` pairs from assign's arguments.
fn new_arrays(pairs: Vec<(String, Value)>) -> Res<Vec<(String, DataArray)>> {
    pairs
        .into_iter()
        .map(|(name, v)| Ok((name.clone(), new_array(&name, &v)?)))
        .collect()
}

pub(crate) fn assign_coords(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let recv = p.receiver();
    let coords: Vec<(String, Variable)> =
        new_arrays(pairs(p.take("coords"), p.extra(), "assign_coords")?)?
            .into_iter()
            .map(|(name, a)| (name, a.variable))
            .collect();
    match &recv {
        Value::Dataset(ds) => Ok(Value::from(ds.assign_coords(&coords)?)),
        other => Ok(Value::from(
            super::methods::this_array(other, "assign_coords")?.assign_coords(&coords)?,
        )),
    }
}

/// `ds.coords[name] = v`: adds or replaces a coordinate (a data variable of that name goes).
pub(crate) fn dataset_coord(out: &mut Dataset, name: &str, v: &Value) -> Res<()> {
    Ok(out.set_coord(name, new_array(name, v)?.variable)?)
}

/// `da.coords[name] = v`: adds or replaces a coordinate along the array's own dimensions.
pub(crate) fn array_coord(out: &mut DataArray, name: &str, v: &Value) -> Res<()> {
    Ok(out.set_coord(name, new_array(name, v)?.variable)?)
}

pub(crate) fn assign(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let recv = p.receiver();
    let Value::Dataset(ds) = &recv else {
        return Err(Exc::type_error("assign() needs a Dataset"));
    };
    let new = new_arrays(pairs(p.take("variables"), p.extra(), "assign")?)?;
    Ok(Value::from(ds.assign(&new)?))
}

/// `ds[name] = v`, as `ds.assign`.
pub(crate) fn dataset_var(out: &mut Dataset, name: &str, v: &Value) -> Res<()> {
    Ok(out.set_variable(name, &new_array(name, v)?)?)
}

pub(crate) fn drop_vars(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let recv = p.receiver();
    let ignore = match p.take("errors") {
        None => false,
        Some(Value::Str(s)) if matches!(&*s, "raise" | "ignore") => &*s == "ignore",
        Some(_) => {
            return Err(Exc::value_error(
                "errors must be either \"raise\" or \"ignore\"",
            ))
        }
    };
    let names = dims_arg(p.take("names"))?
        .ok_or_else(|| Exc::type_error("drop_vars() missing required argument 'names'"))?;
    match &recv {
        Value::Dataset(ds) => Ok(Value::from(ds.drop_vars(&names, ignore)?)),
        other => Ok(Value::from(
            super::methods::this_array(other, "drop_vars")?.drop_vars(&names, ignore)?,
        )),
    }
}

/// The `dim` argument of concat: a dimension name.
fn concat_dim(v: Option<Value>) -> Res<String> {
    match v {
        Some(Value::Str(s)) => Ok(s.to_string()),
        Some(other) => Err(Exc::type_error(format!(
            "concat dim must be a dimension name, not {}",
            other.type_name()
        ))),
        None => Err(Exc::type_error("concat() missing required argument 'dim'")),
    }
}

/// The list argument of concat/merge.
fn objects(v: Option<Value>, name: &str) -> Res<Vec<Value>> {
    match v {
        Some(Value::List(items) | Value::Tuple(items)) => Ok(items.to_vec()),
        Some(other) => Err(Exc::type_error(format!(
            "{name}() takes a list of DataArray or Dataset objects, not {}",
            other.type_name()
        ))),
        None => Err(Exc::type_error(format!(
            "{name}() missing required argument 'objs'"
        ))),
    }
}

/// The `join=` argument: outer by default, as xarray's concat and merge.
fn join_arg(v: Option<Value>) -> Res<Join> {
    match v {
        None | Some(Value::None) => Ok(Join::Outer),
        Some(Value::Str(s)) => Join::parse(&s).ok_or_else(|| {
            Exc::value_error(format!(
                "join must be one of 'inner', 'outer', 'left', 'right', 'exact', not {s:?}"
            ))
        }),
        Some(other) => Err(Exc::type_error(format!(
            "join must be a string, not {}",
            other.type_name()
        ))),
    }
}

/// `xr.concat(objs, dim)`.
pub(crate) fn concat(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    p.only_defaults(&[
        "data_vars",
        "coords",
        "compat",
        "positions",
        "fill_value",
        "combine_attrs",
    ])?;
    let join = join_arg(p.take("join"))?;
    let objs = objects(p.take("objs"), "concat")?;
    let dim = concat_dim(p.take("dim"))?;
    if objs.iter().all(|o| matches!(o, Value::Dataset(_))) && !objs.is_empty() {
        let ds: Vec<Dataset> = objs
            .iter()
            .filter_map(|o| match o {
                Value::Dataset(d) => Some(d.as_ref().clone()),
                _ => None,
            })
            .collect();
        return Ok(Value::Dataset(Arc::new(concat_datasets(&ds, &dim, join)?)));
    }
    let arrays: Vec<DataArray> = objs
        .iter()
        .map(|o| match o {
            Value::DataArray(a) => Ok(a.as_ref().clone()),
            other => Err(Exc::type_error(format!(
                "can only concatenate xarray Dataset and DataArray objects, got {}",
                other.type_name()
            ))),
        })
        .collect::<Res<_>>()?;
    Ok(Value::DataArray(Arc::new(
        nereus_engine::ops::combine::concat(&arrays, &dim, join)?,
    )))
}

/// `xr.merge(objects)`.
pub(crate) fn merge(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    p.only_defaults(&["compat", "fill_value", "combine_attrs"])?;
    let join = join_arg(p.take("join"))?;
    let objs = objects(p.take("objects"), "merge")?;
    let datasets = objs
        .iter()
        .map(|o| match o {
            Value::Dataset(d) => Ok(d.as_ref().clone()),
            Value::DataArray(a) => {
                let name = a.name.clone().ok_or(PlanError::Unnamed).map_err(Exc::from)?;
                Ok(Dataset {
                    data_vars: IndexMap::from([(name, a.variable.clone())]),
                    coords: a.coords.clone(),
                    attrs: IndexMap::new(),
                    coords_first: false,
                })
            }
            other => Err(Exc::type_error(format!(
                "objects must be an iterable containing only Dataset(s), DataArray(s), and dictionaries, not {}",
                other.type_name()
            ))),
        })
        .collect::<Res<Vec<_>>>()?;
    Ok(Value::Dataset(Arc::new(merge_datasets(&datasets, join)?)))
}

/// `ds <op> other` (or reflected): every data variable with `other`, a number, an array, or
/// the same-named variable of another dataset. `None` when neither side is a Dataset.
pub(crate) fn dataset_binary(op: MapOp, left: &Value, right: &Value) -> Option<Res<Value>> {
    let (ds, other, reflected) = match (left, right) {
        (Value::Dataset(d), o) => (d, o, false),
        (o, Value::Dataset(d)) => (d, o, true),
        _ => return None,
    };
    let result = match other {
        Value::Dataset(o) => ds.binary_dataset(op, o, reflected).map_err(Exc::from),
        v => operand(v)
            .ok_or_else(|| {
                Exc::type_error(format!(
                    "unsupported operand type(s) for Dataset arithmetic: '{}'",
                    v.type_name()
                ))
            })
            .and_then(|o| ds.binary(op, &o, reflected).map_err(Exc::from)),
    };
    Some(result.map(Value::from))
}

/// `-ds`, `~ds`: a one-input operation on every data variable.
pub(crate) fn dataset_unary(op: MapOp, v: &Value) -> Res<Value> {
    let Value::Dataset(ds) = v else {
        return Err(Exc::type_error(format!(
            "expected a Dataset, not {}",
            v.type_name()
        )));
    };
    Ok(Value::from(ds.unary(op)?))
}
