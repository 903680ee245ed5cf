//! coarsen: reductions over consecutive non-overlapping windows along one dimension
//! (`da.coarsen(time=4, boundary="trim").mean()`), lazily, as a grouped reduction whose group
//! of position `i` is `i // window`.
//!
//! Coordinates along the dimension become the mean of each window, as xarray's default
//! `coord_func="mean"` gives (times: the mean instant, exactly, in ticks). Not several
//! dimensions at once: a mean over 2-D windows is not a mean of 1-D means when NaN are skipped.

use super::arith::{expr_of, lazy_variable};
use super::error::{bad_option, unknown_dim, PlanError};
use super::expr::{Expr, Node, ReduceOp};
use super::groupby::{GroupReduce, NO_GROUP};
use super::reduce::result_dtype;
use crate::coding::NAT;
use crate::model::{Block, DType, Data, DataArray, Variable};
use ndarray::{ArrayD, Axis, IxDyn};
use std::sync::Arc;

/// What happens to positions left over when the window does not divide the dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Boundary {
    /// Refuse: the window must divide the dimension.
    Exact,
    /// Drop the leftover positions.
    Trim,
    /// Pad the last (or first) window with missing values.
    Pad,
}

impl Boundary {
    /// Parses xarray's spelling.
    ///
    /// # Errors
    /// [`PlanError::BadOption`] for anything but "exact", "trim" or "pad".
    pub fn parse(s: &str) -> Result<Self, PlanError> {
        match s {
            "exact" => Ok(Self::Exact),
            "trim" => Ok(Self::Trim),
            "pad" => Ok(Self::Pad),
            other => Err(bad_option("boundary", other, &["exact", "trim", "pad"])),
        }
    }
}

/// An array cut into windows along one dimension, waiting for its reduction.
#[derive(Debug, Clone)]
pub struct Coarsen {
    array: DataArray,
    dim: String,
    window: usize,
    boundary: Boundary,
    /// Whether windows are aligned on the end (leftovers at the start).
    right: bool,
}

impl DataArray {
    /// `da.coarsen(dim=window, boundary=..., side=...)`; `side` is "left" or "right".
    ///
    /// # Errors
    /// An unknown dimension, a window below 1, or a `side` other than "left"/"right".
    pub fn coarsen(
        &self,
        dim: &str,
        window: i64,
        boundary: Boundary,
        side: &str,
    ) -> Result<Coarsen, PlanError> {
        if !self.dims().iter().any(|d| d == dim) {
            return Err(unknown_dim(dim, self.dims()));
        }
        let window = usize::try_from(window)
            .ok()
            .filter(|&w| w >= 1)
            .ok_or_else(|| PlanError::BadWindow {
                dim: dim.to_owned(),
                why: format!("the window must be a positive integer, got {window}"),
            })?;
        let right = match side {
            "left" => false,
            "right" => true,
            other => return Err(bad_option("side", other, &["left", "right"])),
        };
        Ok(Coarsen {
            array: self.clone(),
            dim: dim.to_owned(),
            window,
            boundary,
            right,
        })
    }
}

impl Coarsen {
    /// The coarsened dimension.
    pub fn dim(&self) -> &str {
        &self.dim
    }

    /// The window length.
    pub fn window(&self) -> usize {
        self.window
    }

    /// "left" or "right".
    pub fn side(&self) -> &'static str {
        if self.right {
            "right"
        } else {
            "left"
        }
    }

    /// The window of each position ([`NO_GROUP`]: trimmed), the number of windows, and
    /// whether some window is partial (padded).
    fn labels(&self, n: usize) -> Result<(Vec<usize>, usize, bool), PlanError> {
        let w = self.window;
        let rest = n % w;
        let (count, shift, skip) = match self.boundary {
            Boundary::Exact if rest != 0 => {
                return Err(PlanError::CoarsenNotExact { size: n, window: w })
            }
            Boundary::Exact | Boundary::Trim => (n / w, 0, if self.right { rest } else { 0 }),
            // Padding at the start shifts every position by the pad's length.
            Boundary::Pad => (
                n.div_ceil(w),
                if self.right { (w - rest) % w } else { 0 },
                0,
            ),
        };
        let groups = (0..n)
            .map(|i| {
                let g = (i + shift).checked_sub(skip).map_or(NO_GROUP, |j| j / w);
                if g < count {
                    g
                } else {
                    NO_GROUP
                }
            })
            .collect();
        Ok((groups, count, rest != 0 && self.boundary == Boundary::Pad))
    }

    /// `.mean()`, `.sum()`, `.min()`, `.max()`, `.std()`, `.var()`, `.count()` of each window
    /// (NaN skipped for floats; std and var with ddof 0, as xarray's coarsen gives).
    ///
    /// # Errors
    /// [`PlanError::CoarsenNotExact`] with boundary "exact" when the window does not divide
    /// the dimension.
    pub fn reduce(&self, op: ReduceOp) -> Result<DataArray, PlanError> {
        let axis = self
            .array
            .dims()
            .iter()
            .position(|d| *d == self.dim)
            .ok_or_else(|| unknown_dim(&self.dim, self.array.dims()))?;
        let input = expr_of(&self.array.variable);
        let (groups, count, padded) = self.labels(input.shape()[axis])?;
        let groups: Arc<[usize]> = groups.into();
        let mut dtype = result_dtype(op, input.dtype());
        // xarray pads with NaN, which turns integers into floats.
        if padded && !input.dtype().is_float() && op != ReduceOp::Count {
            dtype = DType::F64;
        }
        let mut coords = self.array.coords.clone();
        for coord in coords.values_mut() {
            if let Some(a) = coord.dims.iter().position(|d| *d == self.dim) {
                *coord = coarsen_coord(coord, a, &groups, count);
            }
        }
        Ok(DataArray {
            name: self.array.name.clone(),
            variable: Variable {
                attrs: self.array.variable.attrs.clone(),
                ..lazy_variable(
                    self.array.dims().to_vec(),
                    group_reduce(op, input, axis, groups, count, dtype),
                )
            },
            coords,
        })
    }
}

/// A grouped reduction node over `axis` (NaN skipped for floats, ddof 0).
fn group_reduce(
    op: ReduceOp,
    input: Arc<Expr>,
    axis: usize,
    groups: Arc<[usize]>,
    count: usize,
    dtype: DType,
) -> Arc<Expr> {
    let mut shape = input.shape().to_vec();
    shape[axis] = count;
    let skipna = input.dtype().is_float();
    Expr::new(
        Node::GroupReduce(GroupReduce {
            op,
            input,
            axis,
            groups,
            skipna,
            ddof: 0,
            empty_nan: false,
        }),
        shape,
        dtype,
    )
}

/// A coordinate's window means along its axis `axis`: computed now when in memory (exactly,
/// in ticks, for times), else lazily.
#[allow(
    clippy::cast_precision_loss,
    reason = "window lengths are far below 2^52"
)]
fn coarsen_coord(coord: &Variable, axis: usize, groups: &[usize], count: usize) -> Variable {
    let Data::Memory(block) = &coord.data else {
        let input = expr_of(coord);
        let dtype = result_dtype(ReduceOp::Mean, input.dtype());
        let expr = group_reduce(ReduceOp::Mean, input, axis, groups.into(), count, dtype);
        return Variable {
            attrs: coord.attrs.clone(),
            ..lazy_variable(coord.dims.clone(), expr)
        };
    };
    let mut shape = block.shape().to_vec();
    shape[axis] = count;
    let data = match block.as_ref() {
        Block::I64(ticks) if coord.calendar().is_some() => {
            let mut out = ArrayD::from_elem(IxDyn(&shape), NAT);
            for (g, mut lane) in out.axis_iter_mut(Axis(axis)).enumerate() {
                let members: Vec<usize> = positions(groups, g);
                let picked = ticks.select(Axis(axis), &members);
                for (o, window) in lane.iter_mut().zip(picked.lanes(Axis(axis))) {
                    *o = mean_ticks(window.iter().copied());
                }
            }
            Block::I64(out)
        }
        other => {
            let values = other.to_f64();
            let mut out = ArrayD::from_elem(IxDyn(&shape), f64::NAN);
            for (g, mut lane) in out.axis_iter_mut(Axis(axis)).enumerate() {
                let picked = values.select(Axis(axis), &positions(groups, g));
                for (o, window) in lane.iter_mut().zip(picked.lanes(Axis(axis))) {
                    let valid: Vec<f64> = window.iter().copied().filter(|x| !x.is_nan()).collect();
                    if !valid.is_empty() {
                        *o = valid.iter().sum::<f64>() / valid.len() as f64;
                    }
                }
            }
            Block::from_f64(out, result_dtype(ReduceOp::Mean, other.dtype()))
        }
    };
    Variable {
        dims: coord.dims.clone(),
        data: Data::Memory(Arc::new(data)),
        attrs: coord.attrs.clone(),
        encoding: coord.encoding.clone(),
    }
}

/// The positions of window `g`.
fn positions(groups: &[usize], g: usize) -> Vec<usize> {
    (0..groups.len()).filter(|&i| groups[i] == g).collect()
}

/// The mean of times (NaT skipped), offset from the earliest as xarray does so the sum cannot
/// overflow, and truncated to a whole tick.
fn mean_ticks(ticks: impl Iterator<Item = i64>) -> i64 {
    let valid: Vec<i64> = ticks.filter(|&t| t != NAT).collect();
    let Some(&first) = valid.iter().min() else {
        return NAT;
    };
    let offsets: i128 = valid
        .iter()
        .map(|&t| i128::from(t) - i128::from(first))
        .sum();
    let n = i128::try_from(valid.len()).unwrap_or(i128::MAX);
    i64::try_from(i128::from(first) + offsets / n).unwrap_or(NAT)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(n: usize, window: usize, boundary: Boundary, right: bool) -> (Vec<usize>, usize) {
        let c = Coarsen {
            array: crate::ops::arith::scalar_array(0.0),
            dim: "t".to_owned(),
            window,
            boundary,
            right,
        };
        let (g, n, _) = c.labels(n).unwrap_or_default();
        (g, n)
    }

    #[test]
    fn windows_follow_boundary_and_side() {
        const X: usize = NO_GROUP;
        assert_eq!(
            labels(5, 2, Boundary::Trim, false),
            (vec![0, 0, 1, 1, X], 2)
        );
        assert_eq!(labels(5, 2, Boundary::Trim, true), (vec![X, 0, 0, 1, 1], 2));
        assert_eq!(labels(5, 2, Boundary::Pad, false), (vec![0, 0, 1, 1, 2], 3));
        assert_eq!(labels(5, 2, Boundary::Pad, true), (vec![0, 1, 1, 2, 2], 3));
        assert_eq!(labels(4, 2, Boundary::Exact, false), (vec![0, 0, 1, 1], 2));
        assert_eq!(mean_ticks([10, 20, NAT].into_iter()), 15);
        assert_eq!(mean_ticks([-3, -2].into_iter()), -3);
    }
}
