//! coarsen: reductions over consecutive non-overlapping windows along one or more dimensions
//! (`da.coarsen(lat=4, lon=4, boundary="trim").mean()`), lazily, as one grouped reduction.
//!
//! The widest dimension's windows are groups along its axis (position `i` in group
//! `i // window`). Every other coarsened dimension is dealt out in strided selections (the
//! k-th position of each of its windows) laid end to end along the grouped axis, so all the
//! members of a window fall in one group: a 2-D window's mean is one mean with NaN skipped,
//! as xarray's reshape-then-reduce gives, not a mean of 1-D means. The price is that each
//! chunk is read once per strided selection. Padded windows along a strided dimension read
//! missing values (NaN), as xarray pads.
//!
//! Coordinates become the mean of each window, as xarray's default `coord_func="mean"` gives
//! (times: the mean instant, exactly, in ticks).

use super::arith::{lazy_variable, plan_of};
use super::error::{bad_option, unknown_dim, PlanError};
use super::plan::{Concat, GroupReduce, NO_GROUP};
use super::plan::{MapOp, Node, Plan, ReduceOp, Sel};
use super::reduce::result_dtype;
use crate::coding::NAT;
use crate::model::{Block, DType, Data, DataArray, Variable};
use ndarray::{ArrayD, IxDyn};
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

/// An array cut into windows along some of its dimensions, waiting for its reduction.
#[derive(Debug, Clone)]
pub struct Coarsen {
    array: DataArray,
    /// (dimension, window length), in the order given.
    windows: Vec<(String, usize)>,
    boundary: Boundary,
    /// Whether windows are aligned on the end (leftovers at the start).
    right: bool,
}

/// Where one dimension's windows fall.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Layout {
    /// Window length.
    size: usize,
    /// Number of windows.
    count: usize,
    /// Positions trimmed at the start (trim, side "right").
    skip: usize,
    /// Missing positions padded before the first position (pad, side "right").
    pad_before: usize,
    /// Missing positions padded after the last one (pad, side "left").
    pad_after: usize,
}

impl Layout {
    /// The window of each of `n` positions ([`NO_GROUP`]: trimmed).
    fn labels(&self, n: usize) -> Vec<usize> {
        (0..n)
            .map(|i| {
                let g = (i + self.pad_before)
                    .checked_sub(self.skip)
                    .map_or(NO_GROUP, |j| j / self.size);
                if g < self.count {
                    g
                } else {
                    NO_GROUP
                }
            })
            .collect()
    }

    fn padded(&self) -> bool {
        self.pad_before + self.pad_after > 0
    }
}

impl DataArray {
    /// `da.coarsen(dim=window, ..., boundary=..., side=...)`; `side` is "left" or "right".
    ///
    /// # Errors
    /// An unknown dimension, a window below 1, or a `side` other than "left"/"right".
    pub fn coarsen(
        &self,
        windows: &[(String, i64)],
        boundary: Boundary,
        side: &str,
    ) -> Result<Coarsen, PlanError> {
        if let Some((dim, _)) = windows.iter().find(|(d, _)| !self.dims().contains(d)) {
            return Err(unknown_dim(dim, self.dims()));
        }
        Coarsen::new(self.clone(), windows, boundary, side)
    }
}

impl Coarsen {
    /// Windows over `array`, which need not have every dimension (a dataset's variables
    /// share the windows of the dataset's dimensions).
    ///
    /// # Errors
    /// A window below 1, a dimension given twice, or a `side` other than "left"/"right".
    pub fn new(
        array: DataArray,
        windows: &[(String, i64)],
        boundary: Boundary,
        side: &str,
    ) -> Result<Self, PlanError> {
        let right = match side {
            "left" => false,
            "right" => true,
            other => return Err(bad_option("side", other, &["left", "right"])),
        };
        let windows = windows
            .iter()
            .enumerate()
            .map(|(i, (dim, window))| {
                if windows[..i].iter().any(|(d, _)| d == dim) {
                    return Err(PlanError::BadWindow {
                        dim: dim.clone(),
                        why: "the dimension is given twice".to_owned(),
                    });
                }
                let length = usize::try_from(*window)
                    .ok()
                    .filter(|&w| w >= 1)
                    .ok_or_else(|| PlanError::BadWindow {
                        dim: dim.clone(),
                        why: format!("the window must be a positive integer, got {window}"),
                    })?;
                Ok((dim.clone(), length))
            })
            .collect::<Result<_, PlanError>>()?;
        Ok(Self {
            array,
            windows,
            boundary,
            right,
        })
    }

    /// The coarsened dimensions with their window lengths, in the order given.
    pub fn windows(&self) -> &[(String, usize)] {
        &self.windows
    }

    /// The window length along `dim`, if coarsened.
    pub fn window_of(&self, dim: &str) -> Option<usize> {
        self.windows.iter().find(|(d, _)| d == dim).map(|&(_, w)| w)
    }

    /// Whether windows must divide their dimension (boundary "exact").
    pub fn is_exact(&self) -> bool {
        self.boundary == Boundary::Exact
    }

    /// The coarsened array.
    pub fn array(&self) -> &DataArray {
        &self.array
    }

    /// "left" or "right".
    pub fn side(&self) -> &'static str {
        if self.right {
            "right"
        } else {
            "left"
        }
    }

    /// The same windows over another array (the variables of a dataset share them).
    #[must_use]
    pub fn over(&self, array: DataArray) -> Coarsen {
        Coarsen {
            array,
            ..self.clone()
        }
    }

    /// Where the windows of a dimension of size `n` fall.
    fn layout(&self, size: usize, n: usize) -> Result<Layout, PlanError> {
        let rest = n % size;
        let mut layout = Layout {
            size,
            count: n / size,
            skip: 0,
            pad_before: 0,
            pad_after: 0,
        };
        match self.boundary {
            Boundary::Exact if rest != 0 => {
                return Err(PlanError::CoarsenNotExact {
                    size: n,
                    window: size,
                })
            }
            Boundary::Exact | Boundary::Trim if self.right => layout.skip = rest,
            Boundary::Exact | Boundary::Trim => {}
            Boundary::Pad => {
                layout.count = n.div_ceil(size);
                let pad = (size - rest) % size;
                if self.right {
                    layout.pad_before = pad;
                } else {
                    layout.pad_after = pad;
                }
            }
        }
        Ok(layout)
    }

    /// The windows along the dimensions `dims` has (of sizes `shape`), as (axis, layout), in
    /// the order given: the first that does not fit raises, as in xarray.
    fn layouts(&self, dims: &[String], shape: &[usize]) -> Result<Vec<(usize, Layout)>, PlanError> {
        self.windows
            .iter()
            .filter_map(|(dim, size)| Some((dims.iter().position(|d| d == dim)?, *size)))
            .map(|(axis, size)| Ok((axis, self.layout(size, shape[axis])?)))
            .collect()
    }

    /// A coordinate variable with its windows reduced as xarray's `coord_func="mean"` does
    /// (unchanged when it lacks every coarsened dimension).
    ///
    /// # Errors
    /// [`PlanError::CoarsenNotExact`] as [`Coarsen::reduce`].
    pub fn coord(&self, coord: &Variable) -> Result<Variable, PlanError> {
        let layouts = self.layouts(&coord.dims, &coord.shape())?;
        if layouts.is_empty() {
            return Ok(coord.clone());
        }
        let Data::Memory(block) = &coord.data else {
            return Ok(Variable {
                attrs: coord.attrs.clone(),
                ..lazy_variable(
                    coord.dims.clone(),
                    window_reduce(ReduceOp::Mean, plan_of(coord), &layouts),
                )
            });
        };
        Ok(Variable {
            dims: coord.dims.clone(),
            data: Data::Memory(Arc::new(window_means(
                block,
                coord.calendar().is_some(),
                &layouts,
            ))),
            attrs: coord.attrs.clone(),
            encoding: coord.encoding.clone(),
        })
    }

    /// `.mean()`, `.sum()`, `.min()`, `.max()`, `.std()`, `.var()`, `.count()` of each window
    /// (NaN skipped for floats; std and var with ddof 0, as xarray's coarsen gives). An array
    /// lacking every coarsened dimension comes back unchanged, as xarray leaves a dataset's
    /// variables that lack them.
    ///
    /// # Errors
    /// [`PlanError::CoarsenNotExact`] with boundary "exact" when a window does not divide its
    /// dimension.
    pub fn reduce(&self, op: ReduceOp) -> Result<DataArray, PlanError> {
        super::reduce::numbers_only(&self.array.variable, &format!("coarsen {}", op.name()))?;
        let layouts = self.layouts(self.array.dims(), &self.array.shape())?;
        if layouts.is_empty() {
            return Ok(self.array.clone());
        }
        let expr = window_reduce(op, plan_of(&self.array.variable), &layouts);
        let coords = self
            .array
            .coords
            .iter()
            .map(|(k, c)| Ok((k.clone(), self.coord(c)?)))
            .collect::<Result<_, PlanError>>()?;
        Ok(DataArray {
            name: self.array.name.clone(),
            variable: Variable {
                attrs: self.array.variable.attrs.clone(),
                ..lazy_variable(self.array.dims().to_vec(), expr)
            },
            coords,
        })
    }
}

/// The plan of `op` over the windows `layouts` (at least one) of `input`: one grouped
/// reduction along the widest window's axis, over the strided selections of the others.
fn window_reduce(op: ReduceOp, input: Arc<Plan>, layouts: &[(usize, Layout)]) -> Arc<Plan> {
    // The widest window groups (the first among equals), so the fewest selections are made.
    let grouped = layouts.iter().enumerate().fold(0, |best, (i, (_, l))| {
        if l.size > layouts[best].1.size {
            i
        } else {
            best
        }
    });
    let (axis, along) = layouts[grouped];
    let strided: Vec<(usize, Layout)> = layouts
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != grouped)
        .map(|(_, &w)| w)
        .collect();
    // xarray pads with NaN, which turns integers into floats.
    let padded = layouts.iter().any(|(_, l)| l.padded());
    let mut dtype = result_dtype(op, input.dtype());
    if padded && !input.dtype().is_float() && op != ReduceOp::Count {
        dtype = DType::F64;
    }
    let source = strided
        .iter()
        .filter(|(_, l)| l.padded())
        .fold(input, |e, &(a, l)| pad(&e, a, l));
    let pieces = selections(&source, &strided);
    let n = source.shape()[axis];
    let labels = along.labels(n);
    let groups: Arc<[usize]> = labels
        .iter()
        .copied()
        .cycle()
        .take(n * pieces.len())
        .collect();
    let input = lay_end_to_end(pieces, axis, source.dtype());
    let mut shape = input.shape().to_vec();
    shape[axis] = along.count;
    let skipna = input.dtype().is_float();
    Plan::new(
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

/// `input` with `l`'s missing positions (NaN) added along `axis`; integers become floats.
fn pad(input: &Arc<Plan>, axis: usize, l: Layout) -> Arc<Plan> {
    let dtype = if input.dtype().is_float() {
        input.dtype()
    } else {
        DType::F64
    };
    let missing = |len: usize| {
        let mut shape = input.shape().to_vec();
        shape[axis] = len;
        let nan = Plan::new(Node::Scalar(f64::NAN), Vec::new(), DType::F64);
        let inputs = vec![(nan, Vec::new())];
        Plan::new(
            Node::Map {
                op: MapOp::Cast(dtype),
                inputs,
            },
            shape,
            dtype,
        )
    };
    let parts: Vec<Arc<Plan>> = [
        (l.pad_before > 0).then(|| missing(l.pad_before)),
        Some(Arc::clone(input)),
        (l.pad_after > 0).then(|| missing(l.pad_after)),
    ]
    .into_iter()
    .flatten()
    .collect();
    lay_end_to_end(parts, axis, dtype)
}

/// Every strided selection of `source`: one per combination of positions within the windows
/// of the `strided` axes, each taking that position of every window.
fn selections(source: &Arc<Plan>, strided: &[(usize, Layout)]) -> Vec<Arc<Plan>> {
    let mut sels: Vec<Vec<Sel>> = vec![source.shape().iter().map(|&n| Sel::all(n)).collect()];
    for &(axis, l) in strided {
        sels = sels
            .into_iter()
            .flat_map(|sel| {
                (0..l.size).map(move |k| {
                    let mut sel = sel.clone();
                    sel[axis] = Sel::Range {
                        start: l.skip + k,
                        step: l.size,
                        len: l.count,
                    };
                    sel
                })
            })
            .collect();
    }
    sels.into_iter()
        .map(|sel| {
            let shape = sel.iter().filter_map(Sel::out_len).collect();
            let input = Arc::clone(source);
            Plan::new(Node::Select { input, sel }, shape, source.dtype())
        })
        .collect()
}

/// `parts` laid end to end along `axis` as `dtype` (the part itself when alone).
fn lay_end_to_end(mut parts: Vec<Arc<Plan>>, axis: usize, dtype: DType) -> Arc<Plan> {
    if parts.len() == 1 {
        return parts.remove(0);
    }
    let mut offsets = vec![0];
    for p in &parts {
        offsets.push(offsets[offsets.len() - 1] + p.shape()[axis]);
    }
    let mut shape = parts[0].shape().to_vec();
    shape[axis] = offsets[offsets.len() - 1];
    Plan::new(
        Node::Concat(Concat {
            inputs: parts,
            axis,
            offsets,
        }),
        shape,
        dtype,
    )
}

/// An in-memory coordinate's window means (NaN skipped; times exactly, in ticks).
#[allow(
    clippy::cast_precision_loss,
    reason = "window lengths are far below 2^52"
)]
fn window_means(block: &Block, times: bool, layouts: &[(usize, Layout)]) -> Block {
    let mut shape = block.shape().to_vec();
    let labels: Vec<(usize, Vec<usize>)> = layouts
        .iter()
        .map(|&(axis, l)| {
            let labels = l.labels(shape[axis]);
            shape[axis] = l.count;
            (axis, labels)
        })
        .collect();
    // The output position of an input position, None when trimmed.
    let target = |at: &IxDyn| {
        let mut out = at.clone();
        for (axis, labels) in &labels {
            out[*axis] = labels[at[*axis]];
            if out[*axis] == NO_GROUP {
                return None;
            }
        }
        Some(out)
    };
    match block {
        Block::I64(ticks) if times => {
            let mut members = ArrayD::<Vec<i64>>::default(IxDyn(&shape));
            for (at, &t) in ticks.indexed_iter() {
                if let Some(out) = target(&at) {
                    members[out].push(t);
                }
            }
            Block::I64(members.map(|m| mean_ticks(m.iter().copied())))
        }
        other => {
            let mut sums = ArrayD::<(f64, usize)>::default(IxDyn(&shape));
            for (at, &x) in other.to_f64().indexed_iter() {
                if let Some(out) = target(&at).filter(|_| !x.is_nan()) {
                    let cell = &mut sums[out];
                    *cell = (cell.0 + x, cell.1 + 1);
                }
            }
            let means = sums.map(|&(sum, n)| if n > 0 { sum / n as f64 } else { f64::NAN });
            Block::from_f64(means, result_dtype(ReduceOp::Mean, other.dtype()))
        }
    }
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
            windows: Vec::new(),
            boundary,
            right,
        };
        c.layout(window, n)
            .map(|l| (l.labels(n), l.count))
            .unwrap_or_default()
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
        assert_eq!(labels(5, 2, Boundary::Exact, false), (Vec::new(), 0));
        assert_eq!(mean_ticks([10, 20, NAT].into_iter()), 15);
        assert_eq!(mean_ticks([-3, -2].into_iter()), -3);
    }

    #[test]
    fn memory_means_span_every_coarsened_axis() {
        let values = ArrayD::from_shape_vec(
            IxDyn(&[3, 4]),
            vec![0., 1., 2., 3., 4., f64::NAN, 6., 7., 8., 9., 10., 11.],
        )
        .unwrap_or_default();
        let layout = |size, count, pad_after| Layout {
            size,
            count,
            skip: 0,
            pad_before: 0,
            pad_after,
        };
        let out = window_means(
            &Block::F64(values),
            false,
            &[(0, layout(2, 2, 1)), (1, layout(2, 2, 0))],
        );
        // Window (0, 0) holds 0, 1, 4 (NaN skipped); the padded row's windows hold one row.
        assert_eq!(
            out.to_f64().iter().copied().collect::<Vec<_>>(),
            vec![5. / 3., 4.5, 8.5, 10.5]
        );
    }
}
