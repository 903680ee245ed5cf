//! Rolling windows over one region: reads the input with a halo of the window's reach along
//! the rolled axis (rows of the neighbouring chunks), then reduces each window: sum, mean and
//! count by running sums here, min, max, std and var by blocks (`blocks`). Not the window's
//! parameters: `ops::rolling` holds those.

mod blocks;
#[cfg(test)]
mod tests;

use super::elementwise::{eval, Reads};
use super::error::ExecError;
use crate::ops::{ReduceOp, Rolling};
use blocks::{Extreme, Moments};
use ndarray::{ArrayD, Axis, IxDyn, Zip};

/// The input region a rolling region needs: `start .. start + shape` widened by the reach
/// along the rolled axis, clipped to the array.
pub(super) fn halo(r: &Rolling, start: &[usize], shape: &[usize]) -> (Vec<usize>, Vec<usize>) {
    let (before, after) = r.reach();
    let n = r.input.shape()[r.axis];
    let lo = start[r.axis].saturating_sub(before);
    let hi = (start[r.axis] + shape[r.axis] + after).min(n);
    let mut in_start = start.to_vec();
    let mut in_shape = shape.to_vec();
    in_start[r.axis] = lo;
    in_shape[r.axis] = hi - lo;
    (in_start, in_shape)
}

/// The rolling reduction over the region `start .. start + shape` of its output.
pub(super) fn eval_rolling(
    r: &Rolling,
    start: &[usize],
    shape: &[usize],
    reads: &Reads,
) -> Result<ArrayD<f64>, ExecError> {
    let (in_start, in_shape) = halo(r, start, shape);
    let values = eval(&r.input, &in_start, &in_shape, reads)?;
    let lo = in_start[r.axis];
    let spans: Vec<(usize, usize)> = (start[r.axis]..start[r.axis] + shape[r.axis])
        .map(|i| span(r, i, lo))
        .collect();
    Ok(match r.op {
        ReduceOp::Sum | ReduceOp::Mean | ReduceOp::Count => running(r, &spans, shape, &values),
        ReduceOp::Min => blocks::reduce::<Extreme<false>>(r, &spans, shape, &values),
        ReduceOp::Max => blocks::reduce::<Extreme<true>>(r, &spans, shape, &values),
        ReduceOp::Std | ReduceOp::Var => blocks::reduce::<Moments>(r, &spans, shape, &values),
    })
}

/// The input rows `from .. to` of the window at position `i`, counted from input row `lo`.
fn span(r: &Rolling, i: usize, lo: usize) -> (usize, usize) {
    let (before, after) = r.reach();
    let n = r.input.shape()[r.axis];
    (i.saturating_sub(before) - lo, (i + after + 1).min(n) - lo)
}

/// Sum, mean or count of every window by running sums: each input row is added once when it
/// enters the window and taken away once when it leaves, a whole row (every other axis) at a
/// time, so the cost does not grow with the window and rows stream through the cache.
fn running(
    r: &Rolling,
    spans: &[(usize, usize)],
    shape: &[usize],
    values: &ArrayD<f64>,
) -> ArrayD<f64> {
    let axis = Axis(r.axis);
    let mut out = ArrayD::<f64>::zeros(IxDyn(shape));
    let mut sum = values.index_axis(axis, 0).mapv(|_| 0.0);
    let mut count = sum.clone();
    let (mut wlo, mut whi) = (0, 0);
    for (mut row, &(from, to)) in out.axis_iter_mut(axis).zip(spans) {
        while whi < to {
            Zip::from(&mut sum)
                .and(&mut count)
                .and(values.index_axis(axis, whi))
                .for_each(|s, c, &x| {
                    if !x.is_nan() {
                        *s += x;
                        *c += 1.0;
                    }
                });
            whi += 1;
        }
        while wlo < from {
            Zip::from(&mut sum)
                .and(&mut count)
                .and(values.index_axis(axis, wlo))
                .for_each(|s, c, &x| {
                    if !x.is_nan() {
                        *s -= x;
                        *c -= 1.0;
                        if *c == 0.0 {
                            *s = 0.0; // an empty window holds exactly nothing: drop any drift
                        }
                    }
                });
            wlo += 1;
        }
        #[allow(clippy::cast_precision_loss, reason = "window lengths are small")]
        let min_periods = r.min_periods as f64;
        Zip::from(&mut row)
            .and(&sum)
            .and(&count)
            .for_each(|o, &s, &c| {
                *o = if c < min_periods || c == 0.0 {
                    if r.op == ReduceOp::Count && c >= min_periods {
                        0.0
                    } else {
                        f64::NAN
                    }
                } else {
                    match r.op {
                        ReduceOp::Count => c,
                        ReduceOp::Mean => s / c,
                        _ => s,
                    }
                };
            });
    }
    out
}
