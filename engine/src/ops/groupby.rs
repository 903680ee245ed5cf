//! groupby: reductions by group along one dimension, and arithmetic between a GroupBy and its
//! reduced result (anomalies), lazily and with xarray's semantics.
//!
//! Groups come from a coordinate's values or a date part of a time coordinate (`"time.month"`);
//! coordinates are in memory, so the label map (a group id per position) is computed eagerly,
//! while the data stay lazy. Resampling builds the same [`GroupBy`] over time bins (`resample`).

use super::arith::{apply, lazy_variable, plan_of, Operand};
use super::error::{closest, PlanError};
use super::plan::{GroupReduce, MapOp, Node, Plan, ReduceOp, Sel, NO_GROUP};
use super::reduce::result_dtype;
use crate::coding::NAT;
use crate::coding::{Meaning, TimeComponent, TimeScale};
use crate::model::{Block, DType, Data, DataArray, Labels, Variable};
use indexmap::IndexMap;
use ndarray::{ArrayD, IxDyn};
use std::sync::Arc;

/// An array split into groups along one dimension: `da.groupby(key)` or `da.resample(...)`.
#[derive(Debug, Clone)]
pub struct GroupBy {
    array: DataArray,
    dim: String,
    name: String,
    groups: Arc<[usize]>,
    count: usize,
    /// The groups' coordinate (dims `[name]`), when its labels have an engine dtype.
    labels: Option<Variable>,
    resample: bool,
}

impl GroupBy {
    /// A grouping of `array` along `dim` by a label map with `count` groups; the result's
    /// dimension is called `name` and labelled by `labels`.
    pub(crate) fn new(
        array: DataArray,
        dim: String,
        name: String,
        groups: Vec<usize>,
        count: usize,
        labels: Option<Variable>,
        resample: bool,
    ) -> Self {
        Self {
            array,
            dim,
            name,
            groups: groups.into(),
            count,
            labels,
            resample,
        }
    }

    /// The grouped array.
    pub fn array(&self) -> &DataArray {
        &self.array
    }

    /// The grouped dimension.
    pub fn dim(&self) -> &str {
        &self.dim
    }

    /// The result's dimension (`month` for `"time.month"`, `time` for resample).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Number of groups.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether there are no groups.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Whether this is a resample (time bins) rather than a groupby.
    pub fn is_resample(&self) -> bool {
        self.resample
    }

    /// The groups' labels, when they have a coordinate.
    pub fn labels(&self) -> Option<&Variable> {
        self.labels.as_ref()
    }

    /// The same groups over another array along the same dimension (the variables of a
    /// dataset share one grouping).
    #[must_use]
    pub fn over(&self, array: DataArray) -> GroupBy {
        GroupBy {
            array,
            ..self.clone()
        }
    }

    /// The positions along the grouped dimension that group `g` holds, in order.
    pub fn positions(&self, g: usize) -> Vec<i64> {
        self.groups
            .iter()
            .enumerate()
            .filter(|&(_, &k)| k == g)
            .map(|(i, _)| i64::try_from(i).unwrap_or(i64::MAX))
            .collect()
    }

    /// Whether each group holds no position (an empty resample bin).
    pub fn empty_groups(&self) -> Vec<bool> {
        let mut empty = vec![true; self.count];
        for &g in self.groups.iter().filter(|&&g| g != NO_GROUP) {
            empty[g] = false;
        }
        empty
    }

    fn axis(&self) -> usize {
        self.array
            .dims()
            .iter()
            .position(|d| *d == self.dim)
            .unwrap_or_default()
    }

    /// `gb.mean()`, `gb.sum()`, ...: reduces each group over the grouped dimension.
    pub fn reduce(
        &self,
        op: ReduceOp,
        skipna: Option<bool>,
        ddof: u32,
    ) -> Result<DataArray, PlanError> {
        super::reduce::numbers_only(&self.array.variable, &format!("grouped {}", op.name()))?;
        let input = plan_of(&self.array.variable);
        let axis = self.axis();
        let mut shape = input.shape().to_vec();
        shape[axis] = self.count;
        let mut sizes = vec![0usize; self.count];
        for &g in self.groups.iter().filter(|&&g| g != NO_GROUP) {
            sizes[g] += 1;
        }
        // Empty resample bins are NaN, which an integer count cannot hold: xarray gives floats.
        let dtype = if self.resample && op == ReduceOp::Count && sizes.contains(&0) {
            DType::F64
        } else {
            result_dtype(op, input.dtype())
        };
        let skipna = skipna.unwrap_or(true) && input.dtype().is_float();
        let expr = Plan::new(
            Node::GroupReduce(GroupReduce {
                op,
                input,
                axis,
                groups: Arc::clone(&self.groups),
                skipna,
                ddof,
                empty_nan: self.resample,
            }),
            shape,
            dtype,
        );
        let mut dims = self.array.dims().to_vec();
        dims[axis].clone_from(&self.name);
        let mut coords: IndexMap<String, Variable> = IndexMap::new();
        if let Some(labels) = &self.labels {
            coords.insert(self.name.clone(), labels.clone());
        }
        for (k, c) in &self.array.coords {
            if !c.dims.contains(&self.dim) && !coords.contains_key(k) {
                coords.insert(k.clone(), c.clone());
            }
        }
        // xarray keeps the array's attributes.
        let mut variable = lazy_variable(dims, expr);
        variable.attrs.clone_from(&self.array.variable.attrs);
        Ok(DataArray {
            name: self.array.name.clone(),
            variable,
            coords,
        })
    }

    /// `gb <op> other` (or `other <op> gb` when `reflected`): each position combined with
    /// `other` at its group, as `sst.groupby("time.month") - clim` computes anomalies. Lazy:
    /// `other` is indexed by the label map, so nothing is materialised.
    pub fn binary(
        &self,
        op: MapOp,
        other: &DataArray,
        reflected: bool,
    ) -> Result<DataArray, PlanError> {
        let mismatch = |why: String| PlanError::GroupMismatch {
            group: self.name.clone(),
            why,
        };
        let Some(other_axis) = other.dims().iter().position(|d| *d == self.name) else {
            return Err(mismatch(format!(
                "it has no dimension {:?} (its dimensions are {:?})",
                self.name,
                other.dims()
            )));
        };
        let at = self.group_positions(other, other_axis).map_err(mismatch)?;
        let mut positions = Vec::with_capacity(self.groups.len());
        for &g in self.groups.iter() {
            if g == NO_GROUP {
                return Err(mismatch(format!(
                    "{:?} has missing values, which belong to no group",
                    self.dim
                )));
            }
            positions.push(at[g]);
        }
        // `other` indexed by each position's group, along the grouped dimension.
        let input = plan_of(&other.variable);
        let mut shape = input.shape().to_vec();
        shape[other_axis] = positions.len();
        let sel = Sel::take(input.shape(), other_axis, positions);
        let dtype = input.dtype();
        let picked = Plan::new(Node::Select { input, sel }, shape, dtype);
        let mut dims = other.dims().to_vec();
        dims[other_axis].clone_from(&self.dim);
        let spread = DataArray {
            name: other.name.clone(),
            variable: lazy_variable(dims, picked),
            coords: other
                .coords
                .iter()
                .filter(|(_, c)| !c.dims.contains(&self.name))
                .map(|(k, c)| (k.clone(), c.clone()))
                .collect(),
        };
        let operands = [Operand::array(self.array.clone()), Operand::array(spread)];
        let mut out = if reflected {
            apply(op, &[operands[1].clone(), operands[0].clone()])?
        } else {
            apply(op, &operands)?
        };
        out.variable.attrs.clone_from(&self.array.variable.attrs);
        // xarray keeps the group of each position as a coordinate along the dimension.
        if let Some(labels) = &self.labels {
            if self.name != self.dim {
                if let Data::Memory(block) = &labels.data {
                    let per_position = Sel::List(self.groups.to_vec());
                    let values = select_block(block, &per_position);
                    let mut coord = Variable::new(vec![self.dim.clone()], Data::Memory(values));
                    coord.attrs.clone_from(&labels.attrs);
                    Meaning::of(labels).mark(&mut coord.encoding);
                    out.coords.insert(self.name.clone(), coord);
                }
            }
        }
        Ok(out)
    }

    /// For each group, its position along `other`'s group dimension: by label when `other`
    /// has the groups' coordinate, else by order when the sizes agree.
    fn group_positions(&self, other: &DataArray, axis: usize) -> Result<Vec<usize>, String> {
        let size = other.shape()[axis];
        let theirs = other.coords.get(&self.name).filter(|c| c.dims.len() == 1);
        match (&self.labels, theirs) {
            (Some(our_var), Some(their_var)) => {
                let (Data::Memory(ours), Data::Memory(theirs)) = (&our_var.data, &their_var.data)
                else {
                    return Err("its group labels are not in memory".to_owned());
                };
                // Strings match as strings: the codes of two tables mean different things.
                let texts = |var: &Variable, block: &Block| -> Option<Vec<Option<String>>> {
                    Labels::of(var).map(|l| {
                        block
                            .iter_i64()
                            .map(|c| l.text(c).map(str::to_owned))
                            .collect()
                    })
                };
                match (texts(our_var, ours), texts(their_var, theirs)) {
                    (None, None) => {}
                    (Some(a), Some(b)) => {
                        return a
                            .iter()
                            .map(|x| {
                                b.iter().position(|y| y == x).ok_or_else(|| {
                                    format!(
                                        "it has no {} = {}",
                                        self.name,
                                        x.as_deref().unwrap_or("nan")
                                    )
                                })
                            })
                            .collect();
                    }
                    _ => {
                        return Err(
                            "its group labels are strings and ours are not, or the reverse"
                                .to_owned(),
                        )
                    }
                }
                let (ours, theirs) = (ours.to_f64(), theirs.to_f64());
                ours.iter()
                    .map(|x| {
                        theirs
                            .iter()
                            .position(|y| x.total_cmp(y).is_eq())
                            .ok_or_else(|| format!("it has no {} = {x}", self.name))
                    })
                    .collect()
            }
            _ if size == self.count => Ok((0..size).collect()),
            _ => Err(format!(
                "it has {size} {:?} values where there are {} groups",
                self.name, self.count
            )),
        }
    }
}

/// `block[sel]` along its only axis.
fn select_block(block: &Block, sel: &Sel) -> Arc<Block> {
    let n = sel.out_len().unwrap_or(0);
    let picks: Vec<usize> = (0..n).map(|j| sel.position(j)).collect();
    Arc::new(block.take(0, &picks))
}

/// Sorted distinct keys and each position's index among them (`None` keys: [`NO_GROUP`]).
fn unique_ids<T: Copy + PartialOrd>(keys: &[Option<T>]) -> (Vec<usize>, Vec<T>) {
    let mut distinct: Vec<T> = keys.iter().flatten().copied().collect();
    distinct.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    distinct.dedup_by(|a, b| a == b);
    let ids = keys
        .iter()
        .map(|k| {
            k.map_or(NO_GROUP, |k| {
                distinct.partition_point(|d| d.partial_cmp(&k) == Some(std::cmp::Ordering::Less))
            })
        })
        .collect();
    (ids, distinct)
}

impl DataArray {
    /// `groupby(key)`: groups by a 1-D coordinate's values (`"lat"`), or by a date part of a
    /// time coordinate (`"time.month"`, year, day, hour, minute, second, dayofyear, season).
    pub fn groupby(&self, key: &str) -> Result<GroupBy, PlanError> {
        let bad = |why: String, suggestion: Option<String>| PlanError::BadGroupKey {
            key: key.to_owned(),
            why,
            suggestion,
        };
        let (coord_name, part) = match key.split_once('.') {
            Some((c, p)) => (c, Some(p)),
            None => (key, None),
        };
        let names: Vec<&str> = self.coords.keys().map(String::as_str).collect();
        let coord = self.coords.get(coord_name).ok_or_else(|| {
            bad(
                format!("no coordinate {coord_name:?}"),
                closest(coord_name, names.iter().copied()),
            )
        })?;
        let [dim] = coord.dims.as_slice() else {
            return Err(bad(
                format!("coordinate {coord_name:?} is not one-dimensional"),
                None,
            ));
        };
        let Data::Memory(block) = &coord.data else {
            return Err(bad(
                format!("coordinate {coord_name:?} is not in memory"),
                None,
            ));
        };
        let Some(part) = part else {
            return Ok(by_values(self, dim, coord_name, coord, block));
        };
        let component = TimeComponent::parse(part).ok_or_else(|| {
            let parts = TimeComponent::ALL.iter().map(|(n, _)| *n);
            bad(
                format!("{part:?} is not a date part"),
                closest(part, parts).map(|p| format!("{coord_name}.{p}")),
            )
        })?;
        let (Some(scale), Block::I64(ticks)) = (TimeScale::of(coord), block.as_ref()) else {
            return Err(bad(
                format!("coordinate {coord_name:?} does not hold datetimes"),
                None,
            ));
        };
        if !component.defined_in(scale.calendar) {
            return Err(bad(
                format!(
                    "the {:?} calendar has no real weekdays",
                    scale.calendar.name()
                ),
                None,
            ));
        }
        let keys: Vec<Option<i64>> = ticks
            .iter()
            .map(|&t| {
                (t != NAT)
                    .then(|| scale.datetime(t))
                    .flatten()
                    .map(|d| component.of(&d, scale.calendar))
            })
            .collect();
        let (ids, distinct) = unique_ids(&keys);
        let n = distinct.len();
        let mut labels = Variable::new(
            vec![part.to_owned()],
            Data::Memory(Arc::new(Block::I64(
                ArrayD::from_shape_vec(IxDyn(&[n]), distinct.clone()).unwrap_or_default(),
            ))),
        );
        // Seasons are strings (xarray's object index 'DJF', 'JJA', ...), numbered in SEASONS
        // order, which is their sorted order.
        if component == TimeComponent::Season {
            super::dt::season_labels(false).mark(&mut labels.encoding);
        }
        let labels = Some(labels);
        Ok(GroupBy::new(
            self.clone(),
            dim.clone(),
            part.to_owned(),
            ids,
            distinct.len(),
            labels,
            false,
        ))
    }
}

/// Groups by the distinct values of a 1-D coordinate, in sorted order.
fn by_values(array: &DataArray, dim: &str, name: &str, coord: &Variable, block: &Block) -> GroupBy {
    // int64 (times as ticks) compares exactly; other dtypes as f64, NaN in no group.
    let (ids, firsts) = if let Some(labels) = Labels::of(coord) {
        // Strings group in sorted order, as xarray sorts them: by rank, not by code.
        let mut sorted: Vec<&str> = labels.table().iter().map(String::as_str).collect();
        sorted.sort_unstable();
        let keys: Vec<Option<usize>> = block
            .iter_i64()
            .map(|c| labels.text(c).and_then(|s| sorted.binary_search(&s).ok()))
            .collect();
        let (ids, _) = unique_ids(&keys);
        (ids, first_positions(&keys))
    } else if let Block::I64(v) = block {
        let keys: Vec<Option<i64>> = v.iter().map(|&x| (x != NAT).then_some(x)).collect();
        let (ids, _) = unique_ids(&keys);
        (ids, first_positions(&keys))
    } else {
        let keys: Vec<Option<f64>> = block
            .to_f64()
            .iter()
            .map(|&x| (!x.is_nan()).then_some(x))
            .collect();
        let (ids, _) = unique_ids(&keys);
        (ids, first_positions(&keys))
    };
    let count = firsts.len();
    let mut labels = coord.clone();
    labels.dims = vec![name.to_owned()];
    labels.data = Data::Memory(select_block(block, &Sel::List(firsts)));
    // The groups' index holds strings as pandas does: `object`.
    if let Some(text) = Labels::of(coord) {
        Labels::object(text.table().to_vec()).mark(&mut labels.encoding);
    }
    GroupBy::new(
        array.clone(),
        dim.to_owned(),
        name.to_owned(),
        ids,
        count,
        Some(labels),
        false,
    )
}

/// The first position of each distinct key, in sorted key order.
fn first_positions<T: Copy + PartialOrd>(keys: &[Option<T>]) -> Vec<usize> {
    let mut order: Vec<(T, usize)> = keys
        .iter()
        .enumerate()
        .filter_map(|(i, k)| k.map(|k| (k, i)))
        .collect();
    order.sort_by(|a, b| {
        a.0.partial_cmp(&b.0)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.1.cmp(&b.1))
    });
    order.dedup_by(|a, b| a.0 == b.0);
    order.into_iter().map(|(_, i)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_maps_are_sorted_and_skip_missing() {
        let (ids, distinct) = unique_ids(&[Some(3), Some(1), None, Some(3), Some(2)]);
        assert_eq!(ids, vec![2, 0, NO_GROUP, 2, 1]);
        assert_eq!(distinct, vec![1, 2, 3]);
        assert_eq!(
            first_positions(&[Some(3.0), Some(1.0), None, Some(3.0)]),
            vec![1, 0]
        );
    }
}
