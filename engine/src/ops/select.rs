//! Indexing: `isel` by position and `sel` by coordinate label (exact, inclusive slices, lists,
//! nearest), applied lazily to an array and to the coordinates that share its dimensions.

use super::arith::{lazy_variable, map_node, plan_of};
use super::error::{unknown_dim, PlanError};
use super::plan::{MapOp, Node, Plan, Sel};
use crate::model::map_block;
use crate::model::{Block, Data, DataArray, Labels, Variable};
use indexmap::IndexMap;
use ndarray::{ArrayD, Axis};
use std::sync::Arc;

/// A positional indexer for one dimension, as `isel` takes it.
#[derive(Debug, Clone, PartialEq)]
pub enum Indexer {
    /// One position (negative counts from the end); drops the dimension.
    Int(i64),
    /// A Python slice.
    Slice {
        /// Start (None: from the beginning).
        start: Option<i64>,
        /// Stop, exclusive (None: to the end).
        stop: Option<i64>,
        /// Step (None: 1).
        step: Option<i64>,
    },
    /// Positions, in order.
    List(Vec<i64>),
    /// A boolean mask as long as the dimension: the positions where it is true.
    Mask(Vec<bool>),
}

/// A coordinate label: a number, or a date string for time coordinates.
#[derive(Debug, Clone, PartialEq)]
pub enum Label {
    /// A number.
    Num(f64),
    /// A string (dates in ISO form).
    Str(String),
}

impl std::fmt::Display for Label {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Label::Num(x) => write!(f, "{x}"),
            Label::Str(s) => write!(f, "{s:?}"),
        }
    }
}

/// A label indexer for one dimension, as `sel` takes it.
#[derive(Debug, Clone, PartialEq)]
pub enum LabelIndexer {
    /// One label; drops the dimension.
    Scalar(Label),
    /// Labels from `start` to `stop`, both included.
    Slice(Option<Label>, Option<Label>),
    /// Several labels.
    List(Vec<Label>),
}

/// Turns a positional indexer into a selection along an axis of size `n`.
fn resolve(dim: &str, n: usize, idx: &Indexer) -> Result<Sel, PlanError> {
    let size = i64::try_from(n).unwrap_or(i64::MAX);
    let position = |i: i64| -> Result<usize, PlanError> {
        let p = if i < 0 { i + size } else { i };
        usize::try_from(p)
            .ok()
            .filter(|&p| p < n)
            .ok_or_else(|| PlanError::OutOfBounds {
                dim: dim.to_owned(),
                index: i,
                size: n,
            })
    };
    Ok(match idx {
        Indexer::Int(i) => Sel::Index(position(*i)?),
        Indexer::List(v) => Sel::List(v.iter().map(|&i| position(i)).collect::<Result<_, _>>()?),
        Indexer::Mask(m) if m.len() != n => {
            return Err(PlanError::MaskLength {
                len: m.len(),
                size: n,
            })
        }
        Indexer::Mask(m) => Sel::List(
            m.iter()
                .enumerate()
                .filter(|(_, &b)| b)
                .map(|(i, _)| i)
                .collect(),
        ),
        Indexer::Slice { start, stop, step } => {
            let step = step.unwrap_or(1);
            if step == 0 {
                return Err(PlanError::BadStep {
                    dim: dim.to_owned(),
                    step,
                });
            }
            let (a, b) = slice_bounds(*start, *stop, step, size);
            if step < 0 {
                // Backwards: the positions, in the order they are taken.
                let len = if a > b { (a - b - 1) / -step + 1 } else { 0 };
                let at = |j: i64| usize::try_from(a + j * step).unwrap_or(0);
                return Ok(Sel::List((0..len).map(at).collect()));
            }
            let len = if b > a { (b - a + step - 1) / step } else { 0 };
            Sel::Range {
                start: usize::try_from(a).unwrap_or(0),
                step: usize::try_from(step).unwrap_or(1),
                len: usize::try_from(len).unwrap_or(0),
            }
        }
    })
}

/// Python's slice clamping: the first position and the exclusive end for a non-zero `step`.
fn slice_bounds(lo: Option<i64>, hi: Option<i64>, step: i64, size: i64) -> (i64, i64) {
    let (least, most) = if step > 0 { (0, size) } else { (-1, size - 1) };
    let clamp = |v: Option<i64>, default: i64| match v {
        None => default,
        Some(v) if v < 0 => (v + size).max(least),
        Some(v) => v.min(most),
    };
    if step > 0 {
        (clamp(lo, 0), clamp(hi, size))
    } else {
        (clamp(lo, size - 1), clamp(hi, -1))
    }
}

/// Picks positions along each axis of an in-memory array; `Index` axes are dropped.
fn take<T: Clone>(a: &ArrayD<T>, sel: &[Sel]) -> ArrayD<T> {
    let mut out = a.clone();
    // From the last axis down, so dropping an axis leaves earlier axis numbers valid.
    for (axis, s) in sel.iter().enumerate().rev() {
        out = if let Sel::Index(i) = s {
            out.index_axis(Axis(axis), *i).to_owned()
        } else {
            let n = s.out_len().unwrap_or(0);
            let positions: Vec<usize> = (0..n).map(|j| s.position(j)).collect();
            out.select(Axis(axis), &positions)
        };
    }
    out
}

/// One selection per axis: the requested one, or the whole axis.
fn per_axis(dims: &[String], shape: &[usize], selections: &IndexMap<String, Sel>) -> Vec<Sel> {
    dims.iter()
        .zip(shape)
        .map(|(d, &n)| {
            selections.get(d).cloned().unwrap_or(Sel::Range {
                start: 0,
                step: 1,
                len: n,
            })
        })
        .collect()
}

/// Applies positional selections (by dim name) to a variable: eagerly for values in memory
/// (coordinates stay indexes), lazily otherwise; dims it lacks are skipped.
pub fn select_variable(var: &Variable, selections: &IndexMap<String, Sel>) -> Variable {
    if !var.dims.iter().any(|d| selections.contains_key(d)) {
        return var.clone();
    }
    if let Data::Memory(block) = &var.data {
        let per_axis = per_axis(&var.dims, block.shape(), selections);
        let taken = map_block!(block.as_ref(), a => take(a, &per_axis));
        let dims = var
            .dims
            .iter()
            .zip(&per_axis)
            .filter(|(_, s)| s.out_len().is_some())
            .map(|(d, _)| d.clone())
            .collect();
        return Variable {
            dims,
            data: Data::Memory(Arc::new(taken)),
            attrs: var.attrs.clone(),
            encoding: var.encoding.clone(),
        };
    }
    let input = plan_of(var);
    let per_axis = per_axis(&var.dims, input.shape(), selections);
    let mut dims = Vec::new();
    let mut shape = Vec::new();
    for ((d, s), _) in var.dims.iter().zip(&per_axis).zip(input.shape()) {
        if let Some(len) = s.out_len() {
            dims.push(d.clone());
            shape.push(len);
        }
    }
    let dtype = input.dtype();
    let expr = Plan::new(
        Node::Select {
            input,
            sel: per_axis,
        },
        shape,
        dtype,
    );
    Variable {
        attrs: var.attrs.clone(),
        encoding: var.encoding.clone(),
        ..lazy_variable(dims, expr)
    }
}

/// One label taken from an `object` index is a numpy `str`, as xarray's index gives it: a
/// 0-d `<Un` of its own length (`season   <U3 12B 'JJA'`).
fn index_scalar(mut var: Variable, index: bool) -> Variable {
    let Some(labels) = Labels::of(&var).filter(|l| index && l.is_object()) else {
        return var;
    };
    if let (true, Data::Memory(block)) = (var.dims.is_empty(), &var.data) {
        let code = block.iter_i64().next().unwrap_or(-1);
        let width = labels.text(code).map_or(1, |s| s.chars().count());
        labels.with_width(width).mark(&mut var.encoding);
    }
    var
}

/// Whether a selection takes a whole axis of size `n` as it is.
fn is_whole(sel: &Sel, n: usize) -> bool {
    *sel == Sel::Range {
        start: 0,
        step: 1,
        len: n,
    }
}

/// For each of the `n` positions of an axis, the position of a value of length `len` that an
/// assignment through `sel` puts there (0 where it puts none; the last one wins, as numpy's).
fn spread(sel: &Sel, n: usize, len: usize) -> Sel {
    if len == n && is_whole(sel, n) {
        return sel.clone();
    }
    let mut at = vec![0; n];
    if len > 1 {
        for j in 0..sel.out_len().unwrap_or(0) {
            at[sel.position(j)] = j;
        }
    }
    Sel::List(at)
}

/// The positions an assignment writes, as a boolean plan with the array axes it spans
/// (None: every position).
fn written(per_axis: &[Sel], shape: &[usize]) -> Option<(Arc<Plan>, Vec<usize>)> {
    let mut mask: Option<(Arc<Plan>, Vec<usize>)> = None;
    for (axis, (sel, &n)) in per_axis.iter().zip(shape).enumerate() {
        if is_whole(sel, n) {
            continue;
        }
        let mut hit = ndarray::Array1::from_elem(n, false);
        for j in 0..sel.out_len().unwrap_or(1) {
            hit[sel.position(j)] = true;
        }
        let axis_mask = (
            Plan::memory(Arc::new(Block::Bool(hit.into_dyn()))),
            vec![axis],
        );
        mask = Some(match mask {
            None => axis_mask,
            Some(m) => {
                let all = (0..shape.len()).collect();
                (
                    map_node(MapOp::And, vec![m, axis_mask], shape.to_vec()),
                    all,
                )
            }
        });
    }
    mask
}

impl DataArray {
    /// `isel(dim=indexer, ...)`: selects by position, lazily.
    pub fn isel(&self, indexers: &[(String, Indexer)]) -> Result<DataArray, PlanError> {
        Ok(self.select(&self.selections(indexers)?))
    }

    /// The resolved selection of each dimension `indexers` names.
    fn selections(
        &self,
        indexers: &[(String, Indexer)],
    ) -> Result<IndexMap<String, Sel>, PlanError> {
        let sizes = self.sizes();
        let mut selections = IndexMap::new();
        for (dim, idx) in indexers {
            let n = *sizes
                .get(dim)
                .ok_or_else(|| unknown_dim(dim, self.dims()))?;
            selections.insert(dim.clone(), resolve(dim, n, idx)?);
        }
        Ok(selections)
    }

    /// `self[indexers] = value` (xarray's positional `__setitem__`), lazily: the positions
    /// `isel(indexers)` selects take `value`'s values, cast to this array's dtype, and the
    /// rest keep theirs. `value`'s dims must be among those `isel(indexers)` keeps, each of
    /// the selected length or 1 (broadcast); the caller checks, with xarray's messages.
    ///
    /// # Errors
    /// An unknown dimension or a position out of bounds, as `isel` gives them; a value
    /// dimension the selection does not keep, or of another length.
    pub fn isel_assign(
        &self,
        indexers: &[(String, Indexer)],
        value: &Variable,
    ) -> Result<DataArray, PlanError> {
        let selections = self.selections(indexers)?;
        let target = plan_of(&self.variable);
        let shape = target.shape().to_vec();
        let per_axis = per_axis(self.dims(), &shape, &selections);
        let dtype = target.dtype();
        let mut source = plan_of(value);
        // For each value dim, the array axis it lands on, and which value position goes where.
        let mut onto = Vec::new();
        let mut spreads = Vec::new();
        for (d, &len) in value.dims.iter().zip(source.shape()) {
            let found = self.dims().iter().position(|x| x == d);
            let fits = |a: &usize| {
                let kept = per_axis[*a].out_len();
                kept.is_some() && (len == 1 || kept == Some(len))
            };
            let at = found.filter(fits).ok_or_else(|| {
                let kept = found.and_then(|a| per_axis[a].out_len()).unwrap_or(0);
                let mut sizes = vec![len.min(kept), len.max(kept)];
                sizes.dedup();
                PlanError::SizeMismatch {
                    dim: d.clone(),
                    sizes,
                    index_size: None,
                }
            })?;
            onto.push(at);
            spreads.push(spread(&per_axis[at], shape[at], len));
        }
        let spread_shape: Vec<usize> = onto.iter().map(|&a| shape[a]).collect();
        if spread_shape != source.shape() || spreads.iter().any(|s| matches!(s, Sel::List(_))) {
            source = Plan::new(
                Node::Select {
                    input: source,
                    sel: spreads,
                },
                spread_shape,
                value.dtype(),
            );
        }
        // numpy casts what it stores to the array's dtype.
        let own: Vec<usize> = (0..onto.len()).collect();
        let source_shape = source.shape().to_vec();
        if source.dtype() != dtype {
            source = map_node(MapOp::Cast(dtype), vec![(source, own)], source_shape);
        }
        let expr = match written(&per_axis, &shape) {
            None => map_node(MapOp::Cast(dtype), vec![(source, onto)], shape),
            Some(mask) => {
                let all = (0..shape.len()).collect();
                map_node(
                    MapOp::Where,
                    vec![mask, (source, onto), (target, all)],
                    shape,
                )
            }
        };
        let mut out = self.clone();
        out.variable = Variable {
            attrs: self.variable.attrs.clone(),
            encoding: self.variable.encoding.clone(),
            ..lazy_variable(self.dims().to_vec(), expr)
        };
        Ok(out)
    }

    /// What iterating gives, as xarray's `__iter__`: the positions along the first dimension,
    /// each a lazy selection keeping the coordinates; None for a 0-d array.
    pub fn rows(&self) -> Option<Vec<DataArray>> {
        let (dim, &n) = self.dims().first().zip(self.shape().first())?;
        Some(
            (0..n)
                .map(|i| {
                    let sel = IndexMap::from([(dim.clone(), Sel::Index(i))]);
                    self.select(&sel)
                })
                .collect(),
        )
    }

    /// Applies resolved selections to the values and every coordinate.
    pub(crate) fn select(&self, selections: &IndexMap<String, Sel>) -> DataArray {
        let is_index = |name: &str, var: &Variable| var.dims.len() == 1 && var.dims[0] == name;
        let own_index = self
            .name
            .as_deref()
            .is_some_and(|n| is_index(n, &self.variable) && self.coords.contains_key(n));
        DataArray {
            name: self.name.clone(),
            variable: index_scalar(select_variable(&self.variable, selections), own_index),
            coords: self
                .coords
                .iter()
                .map(|(k, c)| {
                    let selected = select_variable(c, selections);
                    (k.clone(), index_scalar(selected, is_index(k, c)))
                })
                .collect(),
        }
    }

    /// `sel(dim=label, ..., method=None | "nearest", tolerance=...)`: selects by coordinate
    /// label, lazily; a nearest label at most `tolerance` away (else
    /// [`PlanError::NotWithinTolerance`]).
    pub fn sel(
        &self,
        indexers: &[(String, LabelIndexer)],
        nearest: bool,
        tolerance: Option<f64>,
    ) -> Result<DataArray, PlanError> {
        let mut selections = IndexMap::new();
        for (dim, idx) in indexers {
            let labels = self.index_of(dim)?.within(tolerance)?;
            selections.insert(dim.clone(), labels.resolve(idx, nearest)?);
        }
        Ok(self.select(&selections))
    }

    /// `drop_sel(dim=labels, ...)`: everything but the `labels` (matched exactly) along each
    /// dimension; with `ignore_missing` (`errors="ignore"`), labels not found are skipped.
    pub fn drop_sel(
        &self,
        labels: &[(String, Vec<Label>)],
        ignore_missing: bool,
    ) -> Result<DataArray, PlanError> {
        let mut selections = IndexMap::new();
        for (dim, dropped) in labels {
            let kept = self.index_of(dim)?.drop(dropped, ignore_missing)?;
            selections.insert(dim.clone(), Sel::List(kept));
        }
        Ok(self.select(&selections))
    }

    /// The index of `dim`: its 1-D coordinate.
    fn index_of<'a>(&self, dim: &'a str) -> Result<super::index::CoordIndex<'a>, PlanError> {
        if !self.dims().iter().any(|d| d == dim) {
            return Err(unknown_dim(dim, self.dims()));
        }
        let index = self
            .coords
            .get(dim)
            .filter(|c| c.dims.len() == 1 && c.dims[0] == dim)
            .ok_or_else(|| PlanError::NoIndex {
                dim: dim.to_owned(),
            })?;
        super::index::CoordIndex::new(dim, index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_clamp_like_python() -> Result<(), PlanError> {
        let s = |a, b, c| Indexer::Slice {
            start: a,
            stop: b,
            step: c,
        };
        assert_eq!(
            resolve("x", 10, &s(Some(-3), None, None))?,
            Sel::Range {
                start: 7,
                step: 1,
                len: 3
            }
        );
        assert_eq!(
            resolve("x", 10, &s(Some(1), Some(100), Some(3)))?,
            Sel::Range {
                start: 1,
                step: 3,
                len: 3
            }
        );
        assert_eq!(
            resolve("x", 10, &s(Some(5), Some(2), None))?,
            Sel::Range {
                start: 5,
                step: 1,
                len: 0
            }
        );
        assert_eq!(resolve("x", 10, &Indexer::Int(-1))?, Sel::Index(9));
        assert!(resolve("x", 10, &Indexer::Int(10)).is_err());
        assert_eq!(
            resolve("x", 5, &s(None, None, Some(-2)))?,
            Sel::List(vec![4, 2, 0])
        );
        assert_eq!(
            resolve("x", 5, &s(Some(-2), Some(0), Some(-1)))?,
            Sel::List(vec![3, 2, 1])
        );
        assert_eq!(
            resolve("x", 5, &s(Some(1), Some(3), Some(-1)))?,
            Sel::List(vec![])
        );
        assert_eq!(
            resolve("x", 5, &s(Some(100), Some(-100), Some(-3)))?,
            Sel::List(vec![4, 1])
        );
        assert!(resolve("x", 10, &s(None, None, Some(0))).is_err());
        Ok(())
    }

    #[test]
    fn assigned_values_spread_over_their_positions() {
        // Positions 3, 1, 3 of 5 take values 0, 1, 2: the last write wins, as in numpy.
        let picks = Sel::List(vec![3, 1, 3]);
        assert_eq!(spread(&picks, 5, 3), Sel::List(vec![0, 1, 0, 2, 0]));
        // A length-1 value broadcasts; a whole axis of the same length is taken as it is.
        assert_eq!(spread(&picks, 5, 1), Sel::List(vec![0; 5]));
        let whole = Sel::Range {
            start: 0,
            step: 1,
            len: 4,
        };
        assert_eq!(spread(&whole, 4, 4), whole);
        assert!(written(std::slice::from_ref(&whole), &[4]).is_none());
        let (_, axes) = written(&[whole, picks], &[4, 5]).expect("a mask");
        assert_eq!(axes, vec![1]);
    }
}
