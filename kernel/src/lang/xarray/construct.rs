//! xarray's constructors: `xr.DataArray(data, coords, dims, name, attrs)`, `xr.Dataset(
//! data_vars, coords, attrs)`, and `xr.zeros_like` / `ones_like` / `full_like` (lazy: built
//! from the template with the engine's arithmetic, so a large template never materializes).
#![allow(
    clippy::needless_pass_by_value,
    reason = "all builtins share the `Func` signature"
)]

use std::sync::Arc;

use indexmap::IndexMap;

use super::super::ast::BinOp;
use super::super::error::{Exc, ExcKind, Res};
use super::super::functions::items;
use super::super::registry::{Args, Ctx};
use super::super::value::Value;
use super::creation::{dtype_arg, list_block};
use super::setitem::attrs;
use nereus_engine::coding::TimeScale;
use nereus_engine::model::{Data, DataArray, Dataset, Variable};
use nereus_engine::ops::Operand;

/// Values as a block: a numpy array, a loaded DataArray's values, a (nested) list, a number.
fn values(v: &Value, what: &str) -> Res<Variable> {
    let block = match v {
        Value::NdArray(a) => {
            let mut var = Variable::new(Vec::new(), Data::Memory(Arc::clone(&a.block)));
            a.meaning.mark(&mut var.encoding);
            return Ok(var);
        }
        Value::DataArray(a) => return Ok(a.variable.clone()),
        Value::Range(..) => {
            list_block(&Value::List(Arc::new(items(v)?)), &|k| unsupported(what, k))?
        }
        other => list_block(other, &|k| unsupported(what, k))?,
    };
    Ok(Variable::new(Vec::new(), Data::Memory(Arc::new(block))))
}

fn unsupported(what: &str, kind: &str) -> Exc {
    Exc::new(
        ExcKind::NotImplementedError,
        format!("{what} holding {kind} values is not supported in Nereus: only numbers, dates and (nested) lists of numbers"),
    )
}

/// A `dims` argument: a name or a sequence of names.
fn dim_names(v: &Value) -> Res<Vec<String>> {
    match v {
        Value::Str(s) => Ok(vec![s.to_string()]),
        Value::List(t) | Value::Tuple(t) => t
            .iter()
            .map(|d| match d {
                Value::Str(s) => Ok(s.to_string()),
                other => Err(Exc::type_error(format!(
                    "dimension names must be strings, not {}",
                    other.type_name()
                ))),
            })
            .collect(),
        other => Err(Exc::type_error(format!(
            "dims must be a string or a sequence of strings, not {}",
            other.type_name()
        ))),
    }
}

/// One variable of a `coords` or `data_vars` mapping: `(dims, values[, attrs])`, a DataArray,
/// or bare values along `default_dims` (the key's own dimension for a 1-D coordinate).
fn variable(
    name: &str,
    v: &Value,
    default_dims: impl FnOnce(usize) -> Res<Vec<String>>,
) -> Res<Variable> {
    if let Value::Tuple(t) = v {
        let (dims, data, attrs_v) = match t.as_slice() {
            [d, x] => (d, x, None),
            [d, x, a] => (d, x, Some(a)),
            _ => {
                return Err(Exc::type_error(format!(
                    "variable {name:?} must be (dims, data) or (dims, data, attrs), not a tuple of {} items",
                    t.len()
                )))
            }
        };
        let mut var = values(data, "a variable")?;
        var.dims = dim_names(dims)?;
        check_ndim(name, &var)?;
        if let Some(a) = attrs_v {
            var.attrs = attrs(a)?;
        }
        return Ok(var);
    }
    let mut var = values(v, "a variable")?;
    if !matches!(v, Value::DataArray(_)) {
        var.dims = default_dims(var.shape().len())?;
    }
    check_ndim(name, &var)?;
    Ok(var)
}

fn check_ndim(name: &str, var: &Variable) -> Res<()> {
    let (nd, ndim) = (var.dims.len(), var.shape().len());
    if nd != ndim {
        return Err(Exc::value_error(format!(
            "different number of dimensions on data and dims: {ndim} vs {nd} (variable {name:?})"
        )));
    }
    Ok(())
}

/// The pairs of a `coords` argument: a dict, or a sequence of (name, values) pairs.
fn coord_pairs(v: Option<Value>) -> Res<Vec<(String, Value)>> {
    let pairs = match v {
        None | Some(Value::None) => return Ok(Vec::new()),
        Some(Value::Dict(d)) => d.items.clone(),
        Some(seq @ (Value::List(_) | Value::Tuple(_))) => items(&seq)?
            .into_iter()
            .map(|p| match items(&p)?.as_slice() {
                [k, v] => Ok((k.clone(), v.clone())),
                _ => Err(Exc::value_error(
                    "coords must be a dict or a sequence of (name, values) pairs",
                )),
            })
            .collect::<Res<_>>()?,
        Some(other) => {
            return Err(Exc::type_error(format!(
                "coords must be a dict or a sequence of pairs, not {}",
                other.type_name()
            )))
        }
    };
    pairs
        .into_iter()
        .map(|(k, v)| match k {
            Value::Str(k) => Ok((k.to_string(), v)),
            other => Err(Exc::type_error(format!(
                "coordinate names must be strings, not {}",
                other.type_name()
            ))),
        })
        .collect()
}

/// Coordinates of `dims`/`sizes`: each must span a subset of them with matching sizes.
fn coords_of(
    pairs: &[(String, Value)],
    sizes: &IndexMap<String, usize>,
) -> Res<IndexMap<String, Variable>> {
    let mut out = IndexMap::new();
    for (k, v) in pairs {
        let var = variable(k, v, |ndim| match ndim {
            0 => Ok(Vec::new()),
            1 => Ok(vec![k.clone()]),
            n => Err(Exc::value_error(format!(
                "coordinate {k:?} has {n} dimensions: give them as ({k:?}: (dims, values))"
            ))),
        })?;
        for (d, n) in var.dims.iter().zip(var.shape()) {
            match sizes.get(d) {
                Some(&m) if m == n => {}
                Some(&m) => {
                    return Err(Exc::value_error(format!(
                        "conflicting sizes for dimension {d:?}: length {m} on the data but length {n} on coordinate {k:?}"
                    )))
                }
                None => {
                    return Err(Exc::value_error(format!(
                        "coordinate {k} has dimensions {:?}, but these are not a subset of the DataArray dimensions {:?}",
                        var.dims,
                        sizes.keys().collect::<Vec<_>>()
                    )))
                }
            }
        }
        // A DataArray given as a coordinate brings its own coordinates along.
        if let Value::DataArray(a) = v {
            for (ck, cv) in &a.coords {
                if ck != k {
                    out.entry(ck.clone()).or_insert_with(|| cv.clone());
                }
            }
        }
        out.insert(k.clone(), var);
    }
    Ok(out)
}

/// `xr.DataArray(data, coords=None, dims=None, name=None, attrs=None)`.
pub(crate) fn data_array(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let data = p.take("data").unwrap_or(Value::Float(f64::NAN));
    let pairs = coord_pairs(p.take("coords"))?;
    let mut var = values(&data, "xr.DataArray")?;
    let mut coords = match &data {
        Value::DataArray(a) => a.coords.clone(),
        _ => IndexMap::new(),
    };
    match p.take("dims") {
        Some(Value::None) | None if matches!(data, Value::DataArray(_)) => {}
        Some(Value::None) | None => {
            let ndim = var.shape().len();
            var.dims = if pairs.len() == ndim && ndim > 0 {
                pairs.iter().map(|(k, _)| k.clone()).collect()
            } else {
                (0..ndim).map(|i| format!("dim_{i}")).collect()
            };
        }
        Some(d) => var.dims = dim_names(&d)?,
    }
    check_ndim("data", &var)?;
    let sizes: IndexMap<String, usize> = var.dims.iter().cloned().zip(var.shape()).collect();
    coords.extend(coords_of(&pairs, &sizes)?);
    if let Some(a) = p.take("attrs").filter(|a| !matches!(a, Value::None)) {
        var.attrs = attrs(&a)?;
    }
    let name = match p.take("name") {
        None | Some(Value::None) => match &data {
            Value::DataArray(a) => a.name.clone(),
            _ => None,
        },
        Some(Value::Str(s)) => Some(s.to_string()),
        Some(other) => Some(other.to_str()),
    };
    Ok(Value::from(DataArray {
        name,
        variable: var,
        coords,
    }))
}

/// `xr.Dataset(data_vars=None, coords=None, attrs=None)`.
pub(crate) fn dataset(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let mut ds = Dataset::default();
    let vars = coord_pairs(p.take("data_vars"))?;
    let mut sizes: IndexMap<String, usize> = IndexMap::new();
    let mut brought: IndexMap<String, Variable> = IndexMap::new();
    for (k, v) in &vars {
        // A bare 1-D value is along a dimension of its own name, as xarray makes it.
        let var = variable(k, v, |ndim| match ndim {
            0 => Ok(Vec::new()),
            1 => Ok(vec![k.clone()]),
            _ => Err(Exc::value_error(format!(
                "data variable {k:?} needs dimension names: give it as {k:?}: (dims, values)"
            ))),
        })?;
        merge_sizes(&mut sizes, &var, k)?;
        if let Value::DataArray(a) = v {
            for (ck, cv) in &a.coords {
                brought.entry(ck.clone()).or_insert_with(|| cv.clone());
            }
        }
        ds.data_vars.insert(k.clone(), var);
    }
    let pairs = coord_pairs(p.take("coords"))?;
    for (k, v) in &pairs {
        let var = variable(k, v, |ndim| match ndim {
            0 => Ok(Vec::new()),
            1 => Ok(vec![k.clone()]),
            n => Err(Exc::value_error(format!(
                "coordinate {k:?} has {n} dimensions: give them as {k:?}: (dims, values)"
            ))),
        })?;
        merge_sizes(&mut sizes, &var, k)?;
        ds.coords.insert(k.clone(), var);
    }
    for (k, v) in brought {
        if !ds.coords.contains_key(&k) {
            merge_sizes(&mut sizes, &v, &k)?;
            ds.coords.insert(k, v);
        }
    }
    // A data variable named like a dimension is its index coordinate, as xarray makes it.
    let promoted: Vec<String> = ds
        .data_vars
        .iter()
        .filter(|(k, v)| v.dims.len() == 1 && v.dims[0] == **k)
        .map(|(k, _)| k.clone())
        .collect();
    for k in promoted {
        if let Some(v) = ds.data_vars.shift_remove(&k) {
            ds.coords.insert(k, v);
        }
    }
    if let Some(a) = p.take("attrs").filter(|a| !matches!(a, Value::None)) {
        ds.attrs = attrs(&a)?;
    }
    Ok(Value::from(ds))
}

fn merge_sizes(sizes: &mut IndexMap<String, usize>, var: &Variable, name: &str) -> Res<()> {
    for (d, n) in var.dims.iter().zip(var.shape()) {
        match sizes.get(d) {
            Some(&m) if m != n => {
                return Err(Exc::value_error(format!(
                    "conflicting sizes for dimension {d:?}: length {n} on {name:?} and length {m} on another variable"
                )))
            }
            Some(_) => {}
            None => {
                sizes.insert(d.clone(), n);
            }
        }
    }
    Ok(())
}

/// `template` with every value replaced by `fill`, lazily: `(template * 0).fillna(0) + fill`
/// is `fill` everywhere (NaN and infinities included) in the template's dtype.
fn filled(template: &DataArray, fill: &Value) -> Res<DataArray> {
    let zero = super::binary(BinOp::Mul, &Value::from(template.clone()), &Value::Int(0))?;
    let Value::DataArray(zero) = zero else {
        return Err(Exc::type_error("full_like needs a DataArray or Dataset"));
    };
    let zero = zero.fillna(&Operand::Scalar(0.0)).map_err(Exc::from)?;
    let Value::DataArray(out) = super::binary(BinOp::Add, &Value::from(zero), fill)? else {
        return Err(Exc::type_error("full_like needs a DataArray or Dataset"));
    };
    let mut out = (*out).clone();
    out.variable.attrs.clone_from(&template.variable.attrs);
    out.name.clone_from(&template.name);
    Ok(out)
}

fn like(other: &Value, fill: &Value, dtype: Option<Value>) -> Res<Value> {
    let dtype = dtype_arg(dtype)?;
    let one = |a: &DataArray| -> Res<DataArray> {
        if TimeScale::of(&a.variable).is_some() {
            return Err(Exc::new(
                ExcKind::NotImplementedError,
                "zeros_like/ones_like/full_like of datetimes is not supported in Nereus",
            ));
        }
        let template = match dtype {
            Some(d) => a.astype(d),
            None => a.clone(),
        };
        let out = filled(&template, fill)?;
        Ok(if out.dtype() == template.dtype() {
            out
        } else {
            out.astype(template.dtype())
        })
    };
    match other {
        Value::DataArray(a) => Ok(Value::from(one(a)?)),
        Value::Dataset(ds) => {
            let mut out = (**ds).clone();
            for (k, v) in &ds.data_vars {
                let a = DataArray {
                    name: Some(k.clone()),
                    variable: v.clone(),
                    coords: IndexMap::new(),
                };
                out.data_vars.insert(k.clone(), one(&a)?.variable);
            }
            Ok(Value::from(out))
        }
        o => Err(Exc::type_error(format!(
            "Expected DataArray, Dataset, or Variable, got {}",
            o.type_name()
        ))),
    }
}

/// `xr.zeros_like(other, dtype=None)`.
pub(crate) fn zeros_like(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let other = p.required("other")?;
    like(&other, &Value::Int(0), p.take("dtype"))
}

/// `xr.ones_like(other, dtype=None)`.
pub(crate) fn ones_like(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let other = p.required("other")?;
    like(&other, &Value::Int(1), p.take("dtype"))
}

/// `xr.full_like(other, fill_value, dtype=None)`.
pub(crate) fn full_like(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let other = p.required("other")?;
    let fill = p.required("fill_value")?;
    if fill.as_f64().is_none() {
        return Err(Exc::new(
            ExcKind::NotImplementedError,
            format!(
                "full_like with fill_value={} is not supported in Nereus: only numbers",
                fill.repr()
            ),
        ));
    }
    like(&other, &fill, p.take("dtype"))
}
