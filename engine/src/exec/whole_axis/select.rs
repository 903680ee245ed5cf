//! The per-cell step of argmin/argmax and quantiles: each output cell from the contiguous run
//! of all its values, in `f32` or `f64` (see [`Value`]), quantiles by selection, not sorting.

use super::gather::Layout;
use crate::coding::CfDecoder;
use crate::exec::ExecError;
use crate::model::ToF64;
use crate::ops::{Along, AlongOp};
use std::cmp::Ordering;

/// An element type of the gathered columns: `f32` holds a source's values when each is an
/// exact `f32`, halving the memory traffic; selection then orders them as their `f64` values.
pub(super) trait Value: ToF64 + Default + PartialOrd {
    /// Whether the value is NaN.
    fn is_nan(self) -> bool;
    /// IEEE total order, as `f64::total_cmp`.
    fn total_cmp(&self, other: &Self) -> Ordering;
    /// The smaller of two non-NaN values, as `f64::min`.
    fn min(self, other: Self) -> Self;
}

macro_rules! value {
    ($($t:ident),*) => {$(
        impl Value for $t {
            fn is_nan(self) -> bool {
                $t::is_nan(self)
            }
            fn total_cmp(&self, other: &Self) -> Ordering {
                $t::total_cmp(self, other)
            }
            fn min(self, other: Self) -> Self {
                $t::min(self, other)
            }
        }
    )*};
}
value!(f32, f64);

/// The results of the output cells whose values `cols` holds as `layout` says (first decoded
/// with `decoder`, if any): one per quantile per cell (one for argmin/argmax), cell-major.
pub(super) fn select_cells<T: Value>(
    a: &Along,
    cols: &[T],
    layout: Layout,
    decoder: Option<&CfDecoder>,
) -> Result<Vec<f64>, ExecError> {
    let per_cell = match &a.op {
        AlongOp::Quantile { qs, .. } => qs.len(),
        _ => 1,
    };
    let Layout { cells, n, lanes } = layout;
    let mut out = Vec::with_capacity(cells * per_cell);
    // Each cell's values are copied out to a run of their own: the block they come from stays
    // in cache for its other cells, and selection reorders the copy.
    let mut run = vec![T::default(); n];
    let mut wide = vec![0.0; if decoder.is_some() { n } else { 0 }];
    for c in 0..cells {
        let values = cols[layout.start(c)..].iter().step_by(lanes);
        for (x, &v) in run.iter_mut().zip(values) {
            *x = v;
        }
        if let Some(decoder) = decoder {
            decoder.decode_run(&run, &mut wide);
            for (x, &y) in run.iter_mut().zip(&wide) {
                *x = T::from_f64(y);
            }
        }
        cell(a, &mut run, &mut out)?;
    }
    Ok(out)
}

/// One output cell from all its values: pushes one result per quantile (one for argmin/max).
#[allow(clippy::cast_precision_loss, reason = "positions are far below 2^53")]
fn cell<T: Value>(a: &Along, run: &mut [T], out: &mut Vec<f64>) -> Result<(), ExecError> {
    match &a.op {
        AlongOp::ArgMin | AlongOp::ArgMax => {
            let max = a.op == AlongOp::ArgMax;
            let mut best: Option<(usize, T)> = None;
            for (i, &x) in run.iter().enumerate() {
                if x.is_nan() {
                    if a.skipna {
                        continue;
                    }
                    // numpy's argmin/argmax stop at the first NaN.
                    best = Some((i, x));
                    break;
                }
                let better = best.is_none_or(|(_, b)| if max { x > b } else { x < b });
                if better {
                    best = Some((i, x));
                }
            }
            let (i, _) = best.ok_or(ExecError::AllNanSlice)?;
            out.push(i as f64);
        }
        AlongOp::Quantile { qs, .. } => {
            let valid = if a.skipna {
                keep_numbers(run)
            } else if run.iter().any(|x| x.is_nan()) {
                0
            } else {
                run.len()
            };
            for &q in qs {
                out.push(linear_quantile(&mut run[..valid], q));
            }
        }
        AlongOp::CumSum => {}
    }
    Ok(())
}

/// Moves the non-NaN values of `run` to its front (the rest is left unspecified) and returns
/// how many there are.
fn keep_numbers<T: Value>(run: &mut [T]) -> usize {
    let mut kept = 0;
    for i in 0..run.len() {
        let x = run[i];
        if !x.is_nan() {
            run[kept] = x;
            kept += 1;
        }
    }
    kept
}

/// numpy's "linear" quantile (method 7) of NaN-free values, by selection rather than sorting;
/// NaN for no values. The interpolation is numpy's `_lerp` in `f64`, bit for bit.
#[allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "q * (n - 1) is a non-negative position below n"
)]
pub(super) fn linear_quantile<T: Value>(values: &mut [T], q: f64) -> f64 {
    let n = values.len();
    if n == 0 {
        return f64::NAN;
    }
    let virtual_index = q * (n - 1) as f64;
    let below = (virtual_index.floor() as usize).min(n - 1);
    let above = (below + 1).min(n - 1);
    let t = virtual_index - below as f64;
    let (_, &mut lo, rest) = values.select_nth_unstable_by(below, T::total_cmp);
    let hi = if above == below {
        lo
    } else {
        rest.iter().copied().fold(rest[0], T::min)
    };
    let (lo, hi) = (lo.to_f64(), hi.to_f64());
    let diff = hi - lo;
    if t >= 0.5 {
        hi - diff * (1.0 - t)
    } else {
        lo + diff * t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::float_cmp, reason = "exact results are the point")]
    fn quantiles_follow_numpy_linear() {
        let q = |v: &[f64], q: f64| linear_quantile(&mut v.to_vec(), q);
        assert_eq!(q(&[3.0, 1.0, 2.0, 4.0], 0.5), 2.5);
        assert_eq!(q(&[3.0, 1.0, 2.0], 0.5), 2.0);
        assert_eq!(q(&[5.0, 1.0, 3.0], 0.25), 2.0);
        assert_eq!(q(&[5.0, 1.0, 3.0], 1.0), 5.0);
        assert_eq!(q(&[5.0], 0.3), 5.0);
        assert!(q(&[], 0.5).is_nan());
    }

    #[test]
    fn f32_selection_gives_the_f64_bits() {
        // Values exact in f32, in a scrambled order with NaN among them.
        let values: Vec<f64> = (0..203)
            .map(|i| {
                if i % 17 == 5 {
                    f64::NAN
                } else {
                    let k = f32::from(u16::try_from((i * 7919) % 211).unwrap_or(0));
                    f64::from(k * 0.37 - 20.0)
                }
            })
            .collect();
        let along = |skipna| Along {
            op: AlongOp::Quantile {
                qs: vec![0.0, 0.1, 0.5, 0.77, 1.0],
                list: true,
            },
            input: crate::ops::Plan::memory(std::sync::Arc::new(crate::model::Block::F64(
                ndarray::ArrayD::zeros(ndarray::IxDyn(&[0])),
            ))),
            axes: vec![0],
            skipna,
        };
        for skipna in [true, false] {
            let a = along(skipna);
            let narrow: Vec<f32> = values.iter().map(|&x| f32::from_f64(x)).collect();
            let layout = Layout {
                cells: 1,
                n: 203,
                lanes: 1,
            };
            let (wide, narrow) = (
                select_cells(&a, &values, layout, None).unwrap_or_default(),
                select_cells(&a, &narrow, layout, None).unwrap_or_default(),
            );
            assert_eq!(wide.len(), 5);
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&wide), bits(&narrow));
            assert_eq!(wide.iter().all(|x| x.is_nan()), !skipna);
        }
    }
}
