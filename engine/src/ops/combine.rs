//! Combining several arrays or datasets into one, as `xr.concat` and `xr.merge` do.
//!
//! `concat` plans a [`Concat`] node: each output region maps to the inputs covering it, and the
//! chunking splits at input boundaries so no tile straddles two inputs. `merge` aligns the
//! variables of every argument with an outer join (xarray's default) and only checks values it
//! can compare without computing; it reads nothing.

use super::align::{align, merge_coords, Join};
use super::arith::promote::{result_type, Typed};
use super::arith::{lazy_variable, plan_of};
use super::error::PlanError;
use super::plan::{Concat, Node, Plan};
use super::structure::{expand_variable, rename_dims};
use crate::coding::TimeScale;
use crate::model::{Block, DType, Data, DataArray, Dataset, Labels, Variable};
use indexmap::IndexMap;
use ndarray::{ArrayD, Axis, IxDyn};
use std::sync::Arc;

/// numpy's common dtype of the variables (`np.concatenate`'s result type).
fn common_dtype(vars: &[&Variable]) -> DType {
    let typed: Vec<Typed> = vars.iter().map(|v| Typed::strong(v.dtype())).collect();
    result_type(&typed)
}

/// In-memory blocks concatenated along `axis`, as `dtype` (int64, such as time ticks, exactly).
fn concat_blocks(blocks: &[&Block], axis: usize, dtype: DType) -> Block {
    let ints: Option<Vec<_>> = blocks
        .iter()
        .map(|b| match b {
            Block::I64(a) => Some(a.view()),
            _ => None,
        })
        .collect();
    if let (DType::I64, Some(views)) = (dtype, ints) {
        let joined = ndarray::concatenate(Axis(axis), &views)
            .unwrap_or_else(|_| unreachable!("shapes were checked to agree off the axis"));
        return Block::I64(joined);
    }
    let parts: Vec<ArrayD<f64>> = blocks.iter().map(|b| b.to_f64()).collect();
    let views: Vec<_> = parts.iter().map(|p| p.view()).collect();
    let joined = ndarray::concatenate(Axis(axis), &views)
        .unwrap_or_else(|_| unreachable!("shapes were checked to agree off the axis"));
    Block::from_f64(joined, dtype)
}

/// Variables with equal dims laid end to end along `dim` (in memory if all are). Times must
/// count the same ticks: datetime64 and cftime dates, or two calendars, do not mix.
fn concat_variables(vars: &[&Variable], dim: &str) -> Result<Variable, PlanError> {
    let first = vars[0];
    if vars.iter().any(|v| Labels::of(v).is_some()) {
        return concat_text(vars, dim);
    }
    let scales: Vec<Option<TimeScale>> = vars
        .iter()
        .map(|v| TimeScale::of(v).map(TimeScale::normalized))
        .collect();
    if scales.windows(2).any(|w| w[0] != w[1]) {
        let shown: Vec<String> = scales
            .iter()
            .map(|s| s.map_or_else(|| "numbers".to_owned(), |s| format!("{} dates", s.calendar)))
            .collect();
        return Err(PlanError::IncompatibleIndexes {
            dim: dim.to_owned(),
            why: format!(
                "cannot concatenate {}: convert them to one calendar first",
                shown.join(" with ")
            ),
        });
    }
    let axis = first.dims.iter().position(|d| d == dim).unwrap_or_default();
    let dtype = common_dtype(vars);
    let blocks: Option<Vec<&Block>> = vars
        .iter()
        .map(|v| match &v.data {
            Data::Memory(b) => Some(b.as_ref()),
            Data::Lazy(_) => None,
        })
        .collect();
    let mut out = if let Some(blocks) = blocks {
        Variable::new(
            first.dims.clone(),
            Data::Memory(Arc::new(concat_blocks(&blocks, axis, dtype))),
        )
    } else {
        let inputs: Vec<Arc<Plan>> = vars.iter().map(|v| plan_of(v)).collect();
        let mut offsets = vec![0];
        for e in &inputs {
            offsets.push(offsets.last().copied().unwrap_or_default() + e.shape()[axis]);
        }
        let mut shape = first.shape();
        shape[axis] = offsets.last().copied().unwrap_or_default();
        let node = Node::Concat(Concat {
            inputs,
            axis,
            offsets,
        });
        lazy_variable(first.dims.clone(), Plan::new(node, shape, dtype))
    };
    out.attrs.clone_from(&first.attrs);
    out.encoding.clone_from(&first.encoding);
    Ok(out)
}

/// Strings laid end to end: each part's codes renumbered into one table (in memory only).
fn concat_text(vars: &[&Variable], dim: &str) -> Result<Variable, PlanError> {
    let refuse = |why: &str| PlanError::IncompatibleIndexes {
        dim: dim.to_owned(),
        why: why.to_owned(),
    };
    let mut texts: Vec<String> = Vec::new();
    let mut blocks = Vec::with_capacity(vars.len());
    let mut object = false;
    for v in vars {
        let (Some(labels), Data::Memory(block)) = (Labels::of(v), &v.data) else {
            return Err(refuse(
                "Nereus concatenates strings only with strings, in memory",
            ));
        };
        object |= labels.is_object();
        let codes: Vec<i64> = block.iter_i64().collect();
        texts.extend(
            codes
                .iter()
                .filter_map(|&c| labels.text(c))
                .map(str::to_owned),
        );
        blocks.push((labels, block, codes));
    }
    let (table, _) = Labels::encode(&texts, !object);
    let renumbered: Vec<Block> = blocks
        .iter()
        .map(|(labels, block, codes)| {
            let mapped: Vec<i64> = codes
                .iter()
                .map(|&c| labels.text(c).and_then(|s| table.code(s)).unwrap_or(-1))
                .collect();
            ArrayD::from_shape_vec(IxDyn(block.shape()), mapped).map(Block::I64)
        })
        .collect::<Result<_, _>>()
        .map_err(|_| refuse("parts of different shapes"))?;
    let refs: Vec<&Block> = renumbered.iter().collect();
    let axis = vars[0]
        .dims
        .iter()
        .position(|d| d == dim)
        .unwrap_or_default();
    let mut out = Variable::new(
        vars[0].dims.clone(),
        Data::Memory(Arc::new(concat_blocks(&refs, axis, DType::I64))),
    );
    out.attrs.clone_from(&vars[0].attrs);
    table.mark(&mut out.encoding);
    Ok(out)
}

/// `xr.concat(arrays, dim, join=...)`: along an existing dimension, or a new leading one.
/// Other dimensions are aligned with `join` (xarray's default is outer); arrays lacking `dim`
/// get it with length 1. Lazy.
pub fn concat(arrays: &[DataArray], dim: &str, join: Join) -> Result<DataArray, PlanError> {
    let first = arrays
        .first()
        .ok_or(PlanError::NothingToCombine { op: "concatenate" })?;
    let new_dim = arrays.iter().all(|a| !a.dims().iter().any(|d| d == dim));
    let one = [(dim.to_owned(), 1)];
    let mut prepared = Vec::with_capacity(arrays.len());
    for a in arrays {
        let a = if a.dims().iter().any(|d| d == dim) {
            a.clone()
        } else {
            a.expand_dims(&one)?
        };
        prepared.push(a);
    }
    let order: Vec<String> = prepared[0].dims().to_vec();
    for a in &mut prepared {
        let same = a.dims().len() == order.len() && a.dims().iter().all(|d| order.contains(d));
        if !same {
            return Err(PlanError::ConcatDims {
                first: order.clone(),
                other: a.dims().to_vec(),
            });
        }
        *a = a.transpose(&order, false)?;
    }
    // Align the other dimensions only: each array's `dim` gets a private name for the join.
    let private = |i: usize| vec![(dim.to_owned(), format!("\u{0}concat{i}"))];
    let hidden: Vec<DataArray> = prepared
        .iter()
        .enumerate()
        .map(|(i, a)| a.rename_dim_only(&private(i)))
        .collect();
    let aligned: Vec<DataArray> = align(&hidden, join)?
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let back: Vec<(String, String)> = private(i).into_iter().map(|(d, p)| (p, d)).collect();
            a.rename_dim_only(&back)
        })
        .collect();
    let variables: Vec<&Variable> = aligned.iter().map(|a| &a.variable).collect();
    let variable = concat_variables(&variables, dim)?;
    let refs: Vec<&DataArray> = aligned.iter().collect();
    let kept = merge_coords(&refs);
    let mut coords = IndexMap::new();
    for (name, c) in &first_coords(&aligned) {
        let all: Option<Vec<&Variable>> = aligned.iter().map(|a| a.coords.get(name)).collect();
        let Some(all) = all else { continue };
        if c.dims.iter().any(|d| d == dim) {
            if all.iter().all(|v| v.dims == c.dims) {
                coords.insert(name.clone(), concat_variables(&all, dim)?);
            }
        } else if let Some(k) = kept.get(name) {
            coords.insert(name.clone(), k.clone());
        } else if new_dim {
            // Values that differ between the arrays become a coordinate along the new dim
            // (xarray's `coords="different"`).
            let expanded: Vec<Variable> = all.iter().map(|v| expand_variable(v, &one)).collect();
            let refs: Vec<&Variable> = expanded.iter().collect();
            coords.insert(name.clone(), concat_variables(&refs, dim)?);
        }
    }
    let name = first
        .name
        .clone()
        .filter(|n| arrays.iter().all(|a| a.name.as_deref() == Some(n.as_str())));
    Ok(DataArray {
        name,
        variable,
        coords,
    })
}

/// The first array's coordinates, then those only later arrays have.
fn first_coords(arrays: &[DataArray]) -> IndexMap<String, Variable> {
    let mut out = IndexMap::new();
    for a in arrays {
        for (k, c) in &a.coords {
            out.entry(k.clone()).or_insert_with(|| c.clone());
        }
    }
    out
}

impl DataArray {
    /// The array with dims renamed (coordinates keep their names).
    fn rename_dim_only(&self, mapping: &[(String, String)]) -> DataArray {
        DataArray {
            name: self.name.clone(),
            variable: rename_dims(&self.variable, mapping),
            coords: self
                .coords
                .iter()
                .map(|(k, c)| (k.clone(), rename_dims(c, mapping)))
                .collect(),
        }
    }
}

/// `xr.concat(datasets, dim, join=...)`: every data variable concatenated as [`concat`] does;
/// each must be in every dataset.
pub fn concat_datasets(datasets: &[Dataset], dim: &str, join: Join) -> Result<Dataset, PlanError> {
    let first = datasets
        .first()
        .ok_or(PlanError::NothingToCombine { op: "concatenate" })?;
    let mut out = Dataset {
        attrs: first.attrs.clone(),
        ..Dataset::default()
    };
    for name in first.data_vars.keys() {
        let arrays: Option<Vec<DataArray>> = datasets.iter().map(|d| d.array(name)).collect();
        let arrays = arrays.ok_or_else(|| PlanError::NotInAll { name: name.clone() })?;
        let joined = concat(&arrays, dim, join)?;
        for (k, c) in joined.coords {
            out.coords.entry(k).or_insert(c);
        }
        out.data_vars.insert(name.clone(), joined.variable);
    }
    Ok(out)
}

/// `xr.merge(datasets)`: the variables of every dataset by name, aligned with `join` (xarray's
/// default is outer). A name in several datasets must hold values that are provably the same
/// without computing; otherwise it is xarray's MergeError. Lazy.
pub fn merge(datasets: &[Dataset], join: Join) -> Result<Dataset, PlanError> {
    let first = datasets
        .first()
        .ok_or(PlanError::NothingToCombine { op: "merge" })?;
    let mut names = Vec::new();
    let mut arrays = Vec::new();
    for ds in datasets {
        for name in ds.data_vars.keys() {
            if let Some(a) = ds.array(name) {
                names.push(name.clone());
                arrays.push(a);
            }
        }
    }
    let aligned = align(&arrays, join)?;
    let mut out = Dataset {
        attrs: first.attrs.clone(),
        ..Dataset::default()
    };
    for (name, a) in names.iter().zip(&aligned) {
        match out.data_vars.get(name) {
            None => {
                out.data_vars.insert(name.clone(), a.variable.clone());
            }
            Some(have) if super::align::same_values(have, &a.variable) => {}
            Some(_) => return Err(PlanError::MergeConflict { name: name.clone() }),
        }
    }
    let refs: Vec<&DataArray> = aligned.iter().collect();
    out.coords = merge_coords(&refs);
    Ok(out)
}
