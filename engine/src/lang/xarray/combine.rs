//! Building objects from others: `xr.concat`, `xr.merge`, `assign`, `assign_coords`,
//! `drop_vars`, and arithmetic on a Dataset (each data variable in turn, as in xarray).
#![allow(
    clippy::needless_pass_by_value,
    reason = "all builtins share the registry's `Func` signature"
)]

use std::sync::Arc;

use super::super::builtins::{Args, Ctx};
use super::super::error::{Exc, ExcKind, Res};
use super::super::value::Value;
use super::convert::{dims_arg, operand, plan_error};
use super::structure::pairs;
use crate::model::{Block, Data, DataArray, Dataset, Variable};
use crate::ops::combine::{concat_datasets, merge as merge_datasets};
use crate::ops::error::closest;
use crate::ops::{Join, MapOp, Operand, PlanError};
use indexmap::IndexMap;
use ndarray::ArrayD;

fn plan<T>(r: Result<T, PlanError>) -> Res<T> {
    r.map_err(Exc::from)
}

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

/// A variable for `name` from what assign/assign_coords take: a DataArray, `(dims, values)`,
/// values along the dimension `name`, or a number; checked against the object's `sizes`.
fn new_variable(
    name: &str,
    v: &Value,
    sizes: &IndexMap<String, usize>,
) -> Res<(Variable, IndexMap<String, Variable>)> {
    let (var, coords) = match v {
        Value::DataArray(a) => (a.variable.clone(), a.coords.clone()),
        Value::Tuple(parts) if parts.len() == 2 => {
            let dims = dims_arg(Some(parts[0].clone()))?.unwrap_or_default();
            let block = values_block(&parts[1])?;
            (Variable::new(dims, Data::Memory(block)), IndexMap::new())
        }
        other => {
            let block = values_block(other)?;
            let dims = if block.shape().is_empty() {
                Vec::new()
            } else {
                vec![name.to_owned()]
            };
            (Variable::new(dims, Data::Memory(block)), IndexMap::new())
        }
    };
    if var.dims.len() != var.shape().len() {
        return Err(Exc::value_error(format!(
            "different number of dimensions on data and dims: {} vs {}",
            var.shape().len(),
            var.dims.len()
        )));
    }
    for (d, n) in var.dims.iter().zip(var.shape()) {
        if let Some(&m) = sizes.get(d).filter(|&&m| m != n) {
            return Err(Exc::value_error(format!(
                "conflicting sizes for dimension '{d}': length {n} on '{name}' and length {m} on the object it is assigned to"
            )));
        }
    }
    Ok((var, coords))
}

pub(crate) fn assign_coords(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let (recv, mut args) = args.receiver();
    let new = pairs(&mut args, "assign_coords", &["coords"])?;
    match &recv {
        Value::Dataset(ds) => {
            let mut out = ds.as_ref().clone();
            for (name, v) in &new {
                dataset_coord(&mut out, name, v)?;
            }
            Ok(Value::Dataset(Arc::new(out)))
        }
        other => {
            let mut out = super::methods::this_array(other, "assign_coords")?
                .as_ref()
                .clone();
            for (name, v) in &new {
                array_coord(&mut out, name, v)?;
            }
            Ok(Value::DataArray(Arc::new(out)))
        }
    }
}

/// `ds.coords[name] = v`: adds or replaces a coordinate (a data variable of that name goes).
pub(crate) fn dataset_coord(out: &mut Dataset, name: &str, v: &Value) -> Res<()> {
    let (var, _) = new_variable(name, v, &out.dims())?;
    out.data_vars.shift_remove(name);
    out.coords.insert(name.to_owned(), var);
    Ok(())
}

/// `da.coords[name] = v`: adds or replaces a coordinate along the array's own dimensions.
pub(crate) fn array_coord(out: &mut DataArray, name: &str, v: &Value) -> Res<()> {
    let (var, _) = new_variable(name, v, &out.sizes())?;
    if !var.dims.iter().all(|d| out.dims().contains(d)) {
        return Err(Exc::value_error(format!(
            "coordinate {name} has dimensions {}, but these are not a subset of the DataArray dimensions {}",
            dims_repr(&var.dims),
            dims_repr(out.dims())
        )));
    }
    out.coords.insert(name.to_owned(), var);
    Ok(())
}

/// Dimension names as Python shows a tuple of them: `('x',)`, `('time', 'lat')`.
fn dims_repr(dims: &[String]) -> String {
    Value::Tuple(Arc::new(
        dims.iter().map(|d| Value::str(d.as_str())).collect(),
    ))
    .repr()
}

pub(crate) fn assign(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let (recv, mut args) = args.receiver();
    let Value::Dataset(ds) = &recv else {
        return Err(Exc::type_error("assign() needs a Dataset"));
    };
    let new = pairs(&mut args, "assign", &["variables"])?;
    let mut out = ds.as_ref().clone();
    for (name, v) in &new {
        dataset_var(&mut out, name, v)?;
    }
    Ok(Value::Dataset(Arc::new(out)))
}

/// `ds[name] = v`, as `ds.assign`: adds or replaces a data variable. A DataArray is first
/// aligned to the dataset's indexes (xarray's left join: missing labels become NaN), and its
/// coordinates come along where the dataset has none of that name.
pub(crate) fn dataset_var(out: &mut Dataset, name: &str, v: &Value) -> Res<()> {
    let aligned;
    let v = match v {
        Value::DataArray(a) => {
            aligned = Value::DataArray(Arc::new(align_to(out, a)?));
            &aligned
        }
        other => other,
    };
    let (var, coords) = new_variable(name, v, &out.dims())?;
    for (k, c) in coords {
        out.coords.entry(k).or_insert(c);
    }
    out.coords.shift_remove(name);
    out.data_vars.insert(name.to_owned(), var);
    Ok(())
}

/// `a` reindexed onto the dataset's index along every dimension both have an index for.
fn align_to(ds: &Dataset, a: &DataArray) -> Res<DataArray> {
    let mut a = a.clone();
    for d in a.dims().to_vec() {
        let is_index = |c: &Variable| c.dims.len() == 1 && c.dims[0] == d;
        let (Some(target), true) = (
            ds.coords
                .get(&d)
                .filter(|c| is_index(c))
                .and_then(|_| ds.array(&d)),
            a.coords.get(&d).is_some_and(is_index),
        ) else {
            continue;
        };
        let mut both = plan(crate::ops::align(&[target, a], Join::Left))?;
        a = both
            .pop()
            .ok_or_else(|| Exc::new(ExcKind::RuntimeError, "alignment lost an array"))?;
    }
    Ok(a)
}

pub(crate) fn drop_vars(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let (recv, mut args) = args.receiver();
    let names = args.take_kw("names");
    let ignore = match args.take_kw("errors") {
        None => false,
        Some(Value::Str(s)) if matches!(&*s, "raise" | "ignore") => &*s == "ignore",
        Some(_) => {
            return Err(Exc::value_error(
                "errors must be either \"raise\" or \"ignore\"",
            ))
        }
    };
    args.arity("drop_vars", 0, 1)?;
    let names = dims_arg(names.or_else(|| args.pos.pop()))?
        .ok_or_else(|| Exc::type_error("drop_vars() missing required argument 'names'"))?;
    let have: Vec<String> = match &recv {
        Value::Dataset(ds) => ds.names().map(str::to_owned).collect(),
        other => super::methods::this_array(other, "drop_vars")?
            .coords
            .keys()
            .cloned()
            .collect(),
    };
    let missing: Vec<String> = names
        .iter()
        .filter(|n| !have.contains(n))
        .cloned()
        .collect();
    if !missing.is_empty() && !ignore {
        let suggestion = closest(&missing[0], have.iter().map(String::as_str));
        return Err(plan_error(&PlanError::VarsNotFound {
            names: missing,
            suggestion,
        }));
    }
    Ok(match &recv {
        Value::Dataset(ds) => {
            let mut out = ds.as_ref().clone();
            for n in &names {
                out.data_vars.shift_remove(n);
                out.coords.shift_remove(n);
            }
            Value::Dataset(Arc::new(out))
        }
        other => {
            let mut out = super::methods::this_array(other, "drop_vars")?
                .as_ref()
                .clone();
            out.coords.retain(|k, _| !names.contains(k));
            Value::DataArray(Arc::new(out))
        }
    })
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
pub(crate) fn concat(_: &mut Ctx<'_>, mut args: Args) -> Res<Value> {
    let objs = args.take_kw("objs");
    let dim = args.take_kw("dim");
    let join = join_arg(args.take_kw("join"))?;
    for k in [
        "data_vars",
        "coords",
        "compat",
        "positions",
        "fill_value",
        "combine_attrs",
    ] {
        let _ = args.take_kw(k);
    }
    args.arity("concat", 0, 2)?;
    let mut pos = args.pos.into_iter();
    let objs = objects(objs.or_else(|| pos.next()), "concat")?;
    let dim = concat_dim(dim.or_else(|| pos.next()))?;
    if objs.iter().all(|o| matches!(o, Value::Dataset(_))) && !objs.is_empty() {
        let ds: Vec<Dataset> = objs
            .iter()
            .filter_map(|o| match o {
                Value::Dataset(d) => Some(d.as_ref().clone()),
                _ => None,
            })
            .collect();
        return plan(concat_datasets(&ds, &dim, join)).map(|d| Value::Dataset(Arc::new(d)));
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
    plan(crate::ops::combine::concat(&arrays, &dim, join)).map(|a| Value::DataArray(Arc::new(a)))
}

/// `xr.merge(objects)`.
pub(crate) fn merge(_: &mut Ctx<'_>, mut args: Args) -> Res<Value> {
    let objs = args.take_kw("objects");
    let join = join_arg(args.take_kw("join"))?;
    for k in ["compat", "fill_value", "combine_attrs"] {
        let _ = args.take_kw(k);
    }
    args.arity("merge", 0, 1)?;
    let objs = objects(objs.or_else(|| args.pos.pop()), "merge")?;
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
                })
            }
            other => Err(Exc::type_error(format!(
                "objects must be an iterable containing only Dataset(s), DataArray(s), and dictionaries, not {}",
                other.type_name()
            ))),
        })
        .collect::<Res<Vec<_>>>()?;
    plan(merge_datasets(&datasets, join)).map(|d| Value::Dataset(Arc::new(d)))
}

/// A dataset from per-variable results: their coordinates (first wins), then the original's
/// coordinates that still fit the result's dimensions.
fn rebuild(ds: &Dataset, results: Vec<(String, DataArray)>) -> Dataset {
    let mut out = Dataset {
        attrs: ds.attrs.clone(),
        ..Dataset::default()
    };
    for (name, a) in results {
        for (k, c) in &a.coords {
            out.coords.entry(k.clone()).or_insert_with(|| c.clone());
        }
        out.data_vars.insert(name, a.variable);
    }
    let sizes = out.dims();
    for (k, c) in &ds.coords {
        let fits = c
            .dims
            .iter()
            .zip(c.shape())
            .all(|(d, n)| sizes.get(d).is_none_or(|&m| m == n));
        if fits && !out.coords.contains_key(k) {
            out.coords.insert(k.clone(), c.clone());
        }
    }
    out
}

/// `ds <op> other` (or reflected): every data variable with `other`, a number, an array, or
/// the same-named variable of another dataset (names only in one are dropped, as xarray's
/// inner join of variables). `None` when neither side is a Dataset.
pub(crate) fn dataset_binary(op: MapOp, left: &Value, right: &Value) -> Option<Res<Value>> {
    let (ds, other, reflected) = match (left, right) {
        (Value::Dataset(d), o) => (d, o, false),
        (o, Value::Dataset(d)) => (d, o, true),
        _ => return None,
    };
    let run = || -> Res<Value> {
        let mut results = Vec::new();
        for name in ds.data_vars.keys() {
            let Some(mine) = ds.array(name) else {
                continue;
            };
            let operand: Operand = match other {
                Value::Dataset(o) => match o.array(name) {
                    Some(theirs) => Operand::array(theirs),
                    None => continue,
                },
                v => operand(v).ok_or_else(|| {
                    Exc::type_error(format!(
                        "unsupported operand type(s) for Dataset arithmetic: '{}'",
                        v.type_name()
                    ))
                })?,
            };
            let result = if reflected {
                mine.binary_reflected(op, &operand)
            } else {
                mine.binary(op, &operand)
            };
            let mut result = plan(result)?;
            result.name = Some(name.clone());
            results.push((name.clone(), result));
        }
        let mut out = rebuild(ds, results);
        // xarray merges both operands' attributes, the Dataset's first, dropping conflicts.
        let theirs = match other {
            Value::Dataset(o) => Some(&o.attrs),
            Value::DataArray(a) => Some(a.attrs()),
            _ => None,
        };
        out.attrs = crate::model::drop_conflicts(std::iter::once(&ds.attrs).chain(theirs));
        Ok(Value::Dataset(Arc::new(out)))
    };
    Some(run())
}

/// `-ds`, `~ds`: a one-input operation on every data variable.
pub(crate) fn dataset_unary(op: MapOp, v: &Value) -> Res<Value> {
    let Value::Dataset(ds) = v else {
        return Err(Exc::type_error(format!(
            "expected a Dataset, not {}",
            v.type_name()
        )));
    };
    let mut results = Vec::new();
    for name in ds.data_vars.keys() {
        if let Some(x) = ds.array(name) {
            results.push((name.clone(), plan(x.unary(op))?));
        }
    }
    Ok(Value::Dataset(Arc::new(rebuild(ds, results))))
}
