//! Reshaping and element-wise conversions of data arrays, as xarray names them: `transpose`,
//! `rename`, `squeeze`, `expand_dims`, `astype`, `round` and `clip`.
//!
//! Lazy values stay lazy (a map node that moves axes reads the same chunks); values in memory,
//! such as index coordinates, are reshaped at once so they stay usable as indexes. Combining
//! several arrays (`concat`, `merge`) is in `combine`.

use super::arith::{lazy_variable, map_plan, plan_of};
use super::error::{closest, unknown_dim, PlanError};
use super::plan::{MapOp, Node, Plan, Sel};
use crate::coding::TimeScale;
use crate::model::map_block;
use crate::model::{DType, Data, DataArray, Variable};
use indexmap::IndexMap;
use ndarray::{ArrayD, Axis, IxDyn};
use std::sync::Arc;

/// An in-memory array laid out on new axes: input axis `i` becomes output axis `axes[i]`,
/// other output axes broadcast to `shape` (C order).
fn remap_array<T: Clone>(a: &ArrayD<T>, axes: &[usize], shape: &[usize]) -> ArrayD<T> {
    let mut order: Vec<usize> = (0..axes.len()).collect();
    order.sort_by_key(|&i| axes[i]);
    let mut v = a.view().permuted_axes(IxDyn(&order));
    let mut present = axes.to_vec();
    present.sort_unstable();
    for o in 0..shape.len() {
        if present.binary_search(&o).is_err() {
            v.insert_axis_inplace(Axis(o));
        }
    }
    match v.broadcast(IxDyn(shape)) {
        Some(b) => b.as_standard_layout().into_owned(),
        None => v.as_standard_layout().into_owned(),
    }
}

/// A variable laid out on new dims: input axis `i` goes to output axis `axes[i]`; output axes
/// no input axis maps to are new, of the given length. Lazy values get a map node.
pub(crate) fn remap_variable(
    var: &Variable,
    axes: &[usize],
    dims: Vec<String>,
    shape: Vec<usize>,
) -> Variable {
    let data = match &var.data {
        Data::Memory(block) => Data::Memory(Arc::new(
            map_block!(block.as_ref(), a => remap_array(a, axes, &shape)),
        )),
        Data::Lazy(_) => {
            let input = plan_of(var);
            let dtype = input.dtype();
            let op = MapOp::Cast(dtype);
            Data::Lazy(Plan::new(
                Node::Map {
                    op,
                    inputs: vec![(input, axes.to_vec())],
                },
                shape,
                dtype,
            ))
        }
    };
    Variable {
        dims,
        data,
        attrs: var.attrs.clone(),
        encoding: var.encoding.clone(),
    }
}

/// A variable's axes in the order of `order` (dims it lacks are skipped).
fn transpose_variable(var: &Variable, order: &[String]) -> Variable {
    let dims: Vec<String> = order
        .iter()
        .filter(|d| var.dims.contains(d))
        .cloned()
        .collect();
    if dims == var.dims {
        return var.clone();
    }
    let axes: Vec<usize> = var
        .dims
        .iter()
        .map(|d| dims.iter().position(|x| x == d).unwrap_or_default())
        .collect();
    let shape = dims
        .iter()
        .map(|d| var.dim_size(d).unwrap_or_default())
        .collect();
    remap_variable(var, &axes, dims, shape)
}

/// A variable with `new` dims of the given lengths in front.
pub(crate) fn expand_variable(var: &Variable, new: &[(String, usize)]) -> Variable {
    let k = new.len();
    let axes: Vec<usize> = (k..k + var.dims.len()).collect();
    let dims = new.iter().map(|(d, _)| d.clone()).chain(var.dims.clone());
    let shape = new.iter().map(|&(_, n)| n).chain(var.shape());
    remap_variable(var, &axes, dims.collect(), shape.collect())
}

/// The full dim order `transpose(*dims)` asks for: every named dim, `...` standing for the
/// others in their order; none given reverses. Unknown dims raise unless `ignore_missing`.
pub fn transpose_order(
    have: &[String],
    dims: &[String],
    ignore_missing: bool,
) -> Result<Vec<String>, PlanError> {
    if dims.is_empty() {
        return Ok(have.iter().rev().cloned().collect());
    }
    let mut given = Vec::new();
    for d in dims {
        if d == "..." || have.contains(d) {
            given.push(d.clone());
        } else if !ignore_missing {
            return Err(unknown_dim(d, have));
        }
    }
    let rest: Vec<String> = have
        .iter()
        .filter(|d| !given.contains(d))
        .cloned()
        .collect();
    let Some(at) = given.iter().position(|d| d == "...") else {
        if !rest.is_empty() {
            return Err(PlanError::NotPermutation {
                given,
                dims: have.to_vec(),
            });
        }
        return Ok(given);
    };
    let mut out: Vec<String> = given[..at].to_vec();
    out.extend(rest);
    out.extend(given[at + 1..].iter().filter(|d| *d != "...").cloned());
    Ok(out)
}

/// Checks every name of a rename mapping is among `valid`.
pub fn check_rename(mapping: &[(String, String)], valid: &[&str]) -> Result<(), PlanError> {
    for (old, _) in mapping {
        if !valid.contains(&old.as_str()) {
            return Err(PlanError::RenameMissing {
                name: old.clone(),
                suggestion: closest(old, valid.iter().copied()),
            });
        }
    }
    Ok(())
}

/// A variable with its dims renamed by `mapping`.
pub(crate) fn rename_dims(var: &Variable, mapping: &[(String, String)]) -> Variable {
    let mut out = var.clone();
    for d in &mut out.dims {
        if let Some((_, new)) = mapping.iter().find(|(old, _)| old == d) {
            d.clone_from(new);
        }
    }
    out
}

/// The new name of `name` under `mapping`.
pub(crate) fn renamed(name: &str, mapping: &[(String, String)]) -> String {
    mapping
        .iter()
        .find(|(old, _)| old == name)
        .map_or_else(|| name.to_owned(), |(_, new)| new.clone())
}

impl DataArray {
    /// `transpose(*dims, missing_dims=...)`: the axes in the order given (`...` for the rest,
    /// none for reversed), coordinates too. Lazy.
    pub fn transpose(&self, dims: &[String], ignore_missing: bool) -> Result<DataArray, PlanError> {
        let order = transpose_order(self.dims(), dims, ignore_missing)?;
        Ok(DataArray {
            name: self.name.clone(),
            variable: transpose_variable(&self.variable, &order),
            coords: self
                .coords
                .iter()
                .map(|(k, c)| (k.clone(), transpose_variable(c, &order)))
                .collect(),
        })
    }

    /// `rename({old: new})` of coordinates and dimensions (an index coordinate renames its
    /// dimension with it, as in xarray).
    pub fn rename(&self, mapping: &[(String, String)]) -> Result<DataArray, PlanError> {
        let valid: Vec<&str> = self
            .coords
            .keys()
            .map(String::as_str)
            .chain(self.dims().iter().map(String::as_str))
            .collect();
        check_rename(mapping, &valid)?;
        Ok(DataArray {
            name: self.name.clone(),
            variable: rename_dims(&self.variable, mapping),
            coords: self
                .coords
                .iter()
                .map(|(k, c)| (renamed(k, mapping), rename_dims(c, mapping)))
                .collect(),
        })
    }

    /// `squeeze(dim=None)`: drops length-1 dimensions (the named ones, or all), keeping their
    /// coordinates as scalars.
    pub fn squeeze(&self, dims: Option<&[String]>) -> Result<DataArray, PlanError> {
        let sizes = self.sizes();
        let mut selections = IndexMap::new();
        match dims {
            None => {
                for (d, n) in &sizes {
                    if *n == 1 {
                        selections.insert(d.clone(), Sel::Index(0));
                    }
                }
            }
            Some(names) => {
                for d in names {
                    let size = *sizes.get(d).ok_or_else(|| unknown_dim(d, self.dims()))?;
                    if size != 1 {
                        return Err(PlanError::NotSqueezable {
                            dim: d.clone(),
                            size,
                        });
                    }
                    selections.insert(d.clone(), Sel::Index(0));
                }
            }
        }
        Ok(self.select(&selections))
    }

    /// `expand_dims({dim: size})`: new leading dimensions; a scalar coordinate of that name
    /// becomes its 1-D coordinate. Lazy.
    pub fn expand_dims(&self, new: &[(String, usize)]) -> Result<DataArray, PlanError> {
        for (d, _) in new {
            if self.dims().contains(d) {
                return Err(PlanError::DimExists { dim: d.clone() });
            }
        }
        let coords = self
            .coords
            .iter()
            .map(|(k, c)| match new.iter().find(|(d, _)| d == k) {
                Some(pair) if c.dims.is_empty() => {
                    (k.clone(), expand_variable(c, std::slice::from_ref(pair)))
                }
                _ => (k.clone(), c.clone()),
            })
            .collect();
        Ok(DataArray {
            name: self.name.clone(),
            variable: expand_variable(&self.variable, new),
            coords,
        })
    }

    /// `astype(dtype)`: the values cast as numpy casts them. Lazy.
    #[must_use]
    pub fn astype(&self, dtype: DType) -> DataArray {
        let mut out = self.map_values(MapOp::Cast(dtype), &[], dtype);
        if dtype != self.dtype() {
            // Cast datetimes are plain numbers (nanoseconds), as numpy's are.
            TimeScale::unmark(&mut out.variable.encoding);
        }
        out
    }

    /// `round(decimals)`: numpy's rounding, half to even. Lazy.
    #[must_use]
    pub fn round(&self, decimals: i64) -> DataArray {
        #[allow(clippy::cast_precision_loss)] // decimals are small
        let d = decimals as f64;
        self.map_values(MapOp::Round, &[d], self.dtype())
    }

    /// `clip(min, max)`: values limited to the bounds (None: no bound). A float bound makes
    /// integer values float64, as numpy's promotion of a Python float does. Lazy.
    #[must_use]
    pub fn clip(&self, min: Option<f64>, max: Option<f64>, float_bound: bool) -> DataArray {
        if min.is_none() && max.is_none() {
            return self.clone();
        }
        let dtype = if float_bound && !self.dtype().is_float() {
            DType::F64
        } else {
            self.dtype()
        };
        let bounds = [min.unwrap_or(f64::NAN), max.unwrap_or(f64::NAN)];
        self.map_values(MapOp::Clip, &bounds, dtype)
    }

    /// The values through `op` with scalar extra inputs, as `dtype`; coordinates unchanged.
    fn map_values(&self, op: MapOp, scalars: &[f64], dtype: DType) -> DataArray {
        let input = plan_of(&self.variable);
        let axes: Vec<usize> = (0..input.shape().len()).collect();
        let shape = input.shape().to_vec();
        let mut inputs = vec![(input, axes)];
        inputs.extend(scalars.iter().map(|&x| {
            (
                Plan::new(Node::Scalar(x), Vec::new(), DType::F64),
                Vec::new(),
            )
        }));
        let expr = map_plan(op, inputs, shape, dtype);
        let mut variable = lazy_variable(self.dims().to_vec(), expr);
        variable.attrs.clone_from(&self.variable.attrs);
        variable.encoding.clone_from(&self.variable.encoding);
        self.with_variable(variable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transpose_orders_with_ellipsis() -> Result<(), PlanError> {
        let have: Vec<String> = ["t", "y", "x"].iter().map(|s| (*s).to_owned()).collect();
        let s = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(transpose_order(&have, &[], false)?, s(&["x", "y", "t"]));
        assert_eq!(
            transpose_order(&have, &s(&["x", "..."]), false)?,
            s(&["x", "t", "y"])
        );
        assert_eq!(
            transpose_order(&have, &s(&["...", "t"]), false)?,
            s(&["y", "x", "t"])
        );
        assert!(transpose_order(&have, &s(&["x"]), false).is_err());
        assert!(transpose_order(&have, &s(&["x", "z", "..."]), false).is_err());
        assert_eq!(
            transpose_order(&have, &s(&["x", "z", "..."]), true)?,
            s(&["x", "t", "y"])
        );
        Ok(())
    }
}
