//! Rolling windows over one region: reads the input with a halo of the window's reach along
//! the rolled axis (rows of the neighbouring chunks), then reduces each window. Not the
//! window's parameters: `ops::rolling` holds those.

use super::error::ExecError;
use super::eval::{eval, Reads};
use crate::ops::{ReduceOp, Rolling};
use ndarray::{ArrayD, ArrayView1, Axis, IxDyn, Zip};

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
    if matches!(r.op, ReduceOp::Sum | ReduceOp::Mean | ReduceOp::Count) {
        return Ok(running(r, start, shape, in_start[r.axis], &values));
    }
    let (before, after) = r.reach();
    let n = r.input.shape()[r.axis];
    let lo = in_start[r.axis];
    let mut out = ArrayD::<f64>::zeros(IxDyn(shape));
    Zip::from(out.lanes_mut(Axis(r.axis)))
        .and(values.lanes(Axis(r.axis)))
        .for_each(|mut lane, input| {
            for (j, o) in lane.iter_mut().enumerate() {
                let i = start[r.axis] + j;
                let from = i.saturating_sub(before) - lo;
                let to = (i + after + 1).min(n) - lo;
                *o = window_value(r.op, &input.slice(ndarray::s![from..to]), r.min_periods);
            }
        });
    Ok(out)
}

/// Sum, mean or count of every window by running sums: each input row is added once when it
/// enters the window and taken away once when it leaves, a whole row (every other axis) at a
/// time, so the cost does not grow with the window and rows stream through the cache.
fn running(
    r: &Rolling,
    start: &[usize],
    shape: &[usize],
    lo: usize,
    values: &ArrayD<f64>,
) -> ArrayD<f64> {
    let (before, after) = r.reach();
    let n = r.input.shape()[r.axis];
    let axis = Axis(r.axis);
    let mut out = ArrayD::<f64>::zeros(IxDyn(shape));
    let mut sum = values.index_axis(axis, 0).mapv(|_| 0.0);
    let mut count = sum.clone();
    let first = start[r.axis].saturating_sub(before);
    let (mut wlo, mut whi) = (first, first);
    for (j, mut row) in out.axis_iter_mut(axis).enumerate() {
        let i = start[r.axis] + j;
        let (from, to) = (i.saturating_sub(before), (i + after + 1).min(n));
        while whi < to {
            Zip::from(&mut sum)
                .and(&mut count)
                .and(values.index_axis(axis, whi - lo))
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
                .and(values.index_axis(axis, wlo - lo))
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

/// One window's reduction of its valid values; NaN with fewer than `min_periods` of them.
fn window_value(op: ReduceOp, w: &ArrayView1<'_, f64>, min_periods: usize) -> f64 {
    let valid = || w.iter().copied().filter(|x| !x.is_nan());
    let count = valid().count();
    if count < min_periods || count == 0 {
        return if op == ReduceOp::Count && count >= min_periods {
            0.0
        } else {
            f64::NAN
        };
    }
    #[allow(clippy::cast_precision_loss, reason = "window lengths are small")]
    let n = count as f64;
    match op {
        ReduceOp::Count => n,
        ReduceOp::Sum => valid().sum(),
        ReduceOp::Mean => valid().sum::<f64>() / n,
        ReduceOp::Min => valid().fold(f64::INFINITY, f64::min),
        ReduceOp::Max => valid().fold(f64::NEG_INFINITY, f64::max),
        ReduceOp::Std | ReduceOp::Var => {
            let mean = valid().sum::<f64>() / n;
            let var = valid().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
            if op == ReduceOp::Std {
                var.sqrt()
            } else {
                var
            }
        }
    }
}
