//! Indexing: `isel` by position and `sel` by coordinate label (exact, inclusive slices, lists,
//! nearest), applied lazily to an array and to the coordinates that share its dimensions.

use super::arith::{expr_of, lazy_variable};
use super::error::{unknown_dim, PlanError};
use super::expr::{Expr, Node, Sel};
use crate::map_block;
use crate::model::{Data, DataArray, Variable};
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
        Indexer::Slice { start, stop, step } => {
            let step = step.unwrap_or(1);
            if step < 1 {
                return Err(PlanError::BadStep {
                    dim: dim.to_owned(),
                    step,
                });
            }
            // Python's slice clamping.
            let clamp = |v: Option<i64>, default: i64| -> i64 {
                match v {
                    None => default,
                    Some(v) if v < 0 => (v + size).max(0),
                    Some(v) => v.min(size),
                }
            };
            let (a, b) = (clamp(*start, 0), clamp(*stop, size));
            let len = if b > a { (b - a + step - 1) / step } else { 0 };
            Sel::Range {
                start: usize::try_from(a).unwrap_or(0),
                step: usize::try_from(step).unwrap_or(1),
                len: usize::try_from(len).unwrap_or(0),
            }
        }
    })
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
    let input = expr_of(var);
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
    let expr = Expr::new(
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

impl DataArray {
    /// `isel(dim=indexer, ...)`: selects by position, lazily.
    pub fn isel(&self, indexers: &[(String, Indexer)]) -> Result<DataArray, PlanError> {
        let sizes = self.sizes();
        let mut selections = IndexMap::new();
        for (dim, idx) in indexers {
            let n = *sizes
                .get(dim)
                .ok_or_else(|| unknown_dim(dim, self.dims()))?;
            selections.insert(dim.clone(), resolve(dim, n, idx)?);
        }
        Ok(self.select(&selections))
    }

    /// Applies resolved selections to the values and every coordinate.
    pub(crate) fn select(&self, selections: &IndexMap<String, Sel>) -> DataArray {
        DataArray {
            name: self.name.clone(),
            variable: select_variable(&self.variable, selections),
            coords: self
                .coords
                .iter()
                .map(|(k, c)| (k.clone(), select_variable(c, selections)))
                .collect(),
        }
    }

    /// `sel(dim=label, ..., method=None | "nearest")`: selects by coordinate label, lazily.
    pub fn sel(
        &self,
        indexers: &[(String, LabelIndexer)],
        nearest: bool,
    ) -> Result<DataArray, PlanError> {
        let mut selections = IndexMap::new();
        for (dim, idx) in indexers {
            if !self.dims().contains(dim) {
                return Err(unknown_dim(dim, self.dims()));
            }
            let index = self
                .coords
                .get(dim)
                .filter(|c| c.dims.len() == 1 && &c.dims[0] == dim)
                .ok_or_else(|| PlanError::NoIndex { dim: dim.clone() })?;
            let labels = super::index::CoordIndex::new(dim, index)?;
            selections.insert(dim.clone(), labels.resolve(idx, nearest)?);
        }
        Ok(self.select(&selections))
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
        assert!(resolve("x", 10, &s(None, None, Some(-1))).is_err());
        Ok(())
    }
}
