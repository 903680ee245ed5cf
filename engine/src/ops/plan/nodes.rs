//! The payloads of the plan's composite nodes (grouped, rolling, whole-axis, rechunked and
//! concatenated): data only, so the modules that build them import them and not the reverse.

use super::{Node, Plan, ReduceOp};
use std::sync::Arc;

/// In a label map: a position that belongs to no group (a missing time).
pub const NO_GROUP: usize = usize::MAX;

/// A reduction by group along one axis: output position `g` of the axis folds every input
/// position whose group is `g`.
#[derive(Debug)]
pub struct GroupReduce {
    /// The reduction.
    pub op: ReduceOp,
    /// The input.
    pub input: Arc<Plan>,
    /// The grouped input axis.
    pub axis: usize,
    /// The group of each input position along `axis` ([`NO_GROUP`]: left out).
    pub groups: Arc<[usize]>,
    /// Skip NaN.
    pub skipna: bool,
    /// Delta degrees of freedom for std and var.
    pub ddof: u32,
    /// Whether groups without positions give NaN (resample bins) rather than the empty value.
    pub empty_nan: bool,
}

impl GroupReduce {
    /// Number of groups: the output length along the axis.
    pub fn count(&self, out_shape: &[usize]) -> usize {
        out_shape.get(self.axis).copied().unwrap_or(0)
    }
}

/// A moving-window reduction: output position `i` reduces the input positions of its window
/// along `axis`, NaN where fewer than `min_periods` of them are valid.
#[derive(Debug)]
pub struct Rolling {
    /// The reduction.
    pub op: ReduceOp,
    /// The input.
    pub input: Arc<Plan>,
    /// The rolled axis.
    pub axis: usize,
    /// Window length.
    pub window: usize,
    /// Whether the window is centred on its position (else it ends there).
    pub center: bool,
    /// Fewest valid values that give a result.
    pub min_periods: usize,
}

impl Rolling {
    /// How many positions before and after its own a window covers (xarray's centring puts
    /// the extra position of an even window before).
    pub fn reach(&self) -> (usize, usize) {
        if self.center {
            (self.window / 2, self.window - 1 - self.window / 2)
        } else {
            (self.window - 1, 0)
        }
    }
}

/// What an [`Along`] node computes.
#[derive(Debug, Clone, PartialEq)]
pub enum AlongOp {
    /// The running sum along the axis; NaN counts as 0 when skipping.
    CumSum,
    /// The position of the smallest value (the first on ties).
    ArgMin,
    /// The position of the largest value (the first on ties).
    ArgMax,
    /// numpy's "linear" quantiles of the reduced axes' values; with `list`, the quantiles are a
    /// new leading axis, else there is one.
    Quantile {
        /// The quantiles, in `[0, 1]`.
        qs: Vec<f64>,
        /// Whether the result has a `quantile` axis (a list of q) or not (one q).
        list: bool,
    },
}

impl AlongOp {
    /// The method name, as xarray spells it.
    pub fn name(&self) -> &'static str {
        match self {
            AlongOp::CumSum => "cumsum",
            AlongOp::ArgMin => "argmin",
            AlongOp::ArgMax => "argmax",
            AlongOp::Quantile { .. } => "quantile",
        }
    }
}

/// A running sum resumed block by block (the executor's form of `cumsum`): along `axis`, a
/// position's value is its block's carry plus the running sum of the block up to it, so any
/// region is computed from its blocks alone and a cumsum streams like an element-wise step.
#[derive(Debug)]
pub struct Carried {
    /// The summed values.
    pub input: Arc<Plan>,
    /// The summed axis.
    pub axis: usize,
    /// NaN counts as 0.
    pub skipna: bool,
    /// Where each block starts along the axis: ascending, the first 0.
    pub starts: Arc<[usize]>,
    /// The sum of everything before each block: the input's shape, one row per block along
    /// `axis`.
    pub carries: Arc<Plan>,
}

impl Carried {
    /// The block holding position `at` along the axis.
    pub fn block_of(&self, at: usize) -> usize {
        block_at(&self.starts, at)
    }
}

/// The block holding position `at`, for blocks starting at `starts` (ascending, the first 0).
pub fn block_at(starts: &[usize], at: usize) -> usize {
    starts.partition_point(|&s| s <= at).saturating_sub(1)
}

/// A whole-axis operation: see [`AlongOp`].
#[derive(Debug)]
pub struct Along {
    /// The operation.
    pub op: AlongOp,
    /// The input.
    pub input: Arc<Plan>,
    /// The input axes it runs along (one, but for quantiles), ascending.
    pub axes: Vec<usize>,
    /// Skip NaN.
    pub skipna: bool,
}

/// A plan split into other chunks: `splits` are the interior chunk edges of each axis.
#[derive(Debug)]
pub struct Rechunk {
    /// The input.
    pub input: Arc<Plan>,
    /// Interior split points per axis, ascending.
    pub splits: Vec<Vec<usize>>,
}

impl Rechunk {
    /// `input`'s values tiled by `splits` (interior edges per axis).
    pub fn over(input: Arc<Plan>, splits: Vec<Vec<usize>>) -> Arc<Plan> {
        let (shape, dtype) = (input.shape().to_vec(), input.dtype());
        Plan::new(Node::Rechunk(Rechunk { input, splits }), shape, dtype)
    }
}

/// Inputs laid end to end along one axis; all other axes agree.
#[derive(Debug)]
pub struct Concat {
    /// The inputs, in order.
    pub inputs: Vec<Arc<Plan>>,
    /// The axis they are laid along.
    pub axis: usize,
    /// Where each input starts along `axis`, then the total length.
    pub offsets: Vec<usize>,
}

impl Concat {
    /// The inputs covering `start .. start + len` along the axis: (input, start within it,
    /// length), in order.
    pub fn pieces(&self, start: usize, len: usize) -> Vec<(usize, usize, usize)> {
        let end = start + len;
        self.offsets
            .windows(2)
            .enumerate()
            .filter_map(|(i, w)| {
                let (lo, hi) = (w[0].max(start), w[1].min(end));
                (lo < hi).then(|| (i, lo - w[0], hi - lo))
            })
            .collect()
    }

    /// Interior split points per axis: every input boundary along the axis plus each input's
    /// own chunk edges, shifted to where it starts.
    pub(crate) fn splits(&self, ndim: usize) -> Vec<Vec<usize>> {
        let mut out = vec![Vec::new(); ndim];
        for (input, &offset) in self.inputs.iter().zip(&self.offsets) {
            for (axis, sizes) in input.chunk_sizes().into_iter().enumerate() {
                let shift = if axis == self.axis { offset } else { 0 };
                let mut at = shift;
                for n in sizes {
                    at += n;
                    out[axis].push(at);
                }
                out[axis].push(shift);
            }
        }
        let total = self.offsets.last().copied().unwrap_or_default();
        for (axis, cuts) in out.iter_mut().enumerate() {
            let n = if axis == self.axis {
                total
            } else {
                self.inputs.first().map_or(0, |e| e.shape()[axis])
            };
            cuts.retain(|&c| c > 0 && c < n);
            cuts.sort_unstable();
            cuts.dedup();
        }
        out
    }
}
