//! The sliding reductions against each window recomputed from scratch as numpy does (xarray's
//! construct path without bottleneck), on random tiles of random data with NaN.

use super::eval_rolling;
use crate::exec::elementwise::Reads;
use crate::model::Block;
use crate::ops::{Plan, ReduceOp, Rolling};
use ndarray::{ArrayD, ArrayView1, Axis, IxDyn};
use proptest::prelude::*;
use std::sync::Arc;

const OPS: [ReduceOp; 7] = [
    ReduceOp::Sum,
    ReduceOp::Mean,
    ReduceOp::Min,
    ReduceOp::Max,
    ReduceOp::Std,
    ReduceOp::Var,
    ReduceOp::Count,
];

/// One window's reduction of its valid values, numpy's way (two-pass variance); NaN with
/// fewer than `min_periods` of them.
fn direct(op: ReduceOp, w: &ArrayView1<'_, f64>, min_periods: usize) -> f64 {
    let valid = || w.iter().copied().filter(|x| !x.is_nan());
    let count = valid().count();
    if count < min_periods || count == 0 {
        return f64::NAN;
    }
    #[allow(clippy::cast_precision_loss, reason = "test windows are small")]
    let n = count as f64;
    let mean = valid().sum::<f64>() / n;
    let var = valid().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
    match op {
        ReduceOp::Count => n,
        ReduceOp::Sum => valid().sum(),
        ReduceOp::Mean => mean,
        ReduceOp::Min => valid().fold(f64::INFINITY, f64::min),
        ReduceOp::Max => valid().fold(f64::NEG_INFINITY, f64::max),
        ReduceOp::Std => var.sqrt(),
        ReduceOp::Var => var,
    }
}

/// Every window of the whole of `values` recomputed directly.
fn expected(r: &Rolling, values: &ArrayD<f64>) -> ArrayD<f64> {
    let (before, after) = r.reach();
    let n = values.shape()[r.axis];
    let mut out = values.clone();
    for (mut o, lane) in out
        .lanes_mut(Axis(r.axis))
        .into_iter()
        .zip(values.lanes(Axis(r.axis)))
    {
        for (i, x) in o.iter_mut().enumerate() {
            let from = i.saturating_sub(before);
            let to = (i + after + 1).min(n);
            *x = direct(r.op, &lane.slice(ndarray::s![from..to]), r.min_periods);
        }
    }
    out
}

fn rolling(values: &ArrayD<f64>, op: ReduceOp, axis: usize, window: usize) -> Rolling {
    Rolling {
        op,
        input: Plan::memory(Arc::new(Block::F64(values.clone()))),
        axis,
        window,
        center: false,
        min_periods: window,
    }
}

/// Whether `got` matches `want` to `rtol` (of `scale` at least), NaN where it is NaN.
fn close(got: &ArrayD<f64>, want: &ArrayD<f64>, rtol: f64, scale: f64) -> Result<(), String> {
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        let same = (g.is_nan() && w.is_nan()) || (g - w).abs() <= rtol * w.abs().max(scale);
        if !same {
            return Err(format!("at {i}: got {g}, expected {w}"));
        }
    }
    Ok(())
}

/// Values `offset + noise * u` with `u` in [-1, 1) from a fixed sequence, NaN where a second
/// draw falls under `nan`.
fn field(shape: &[usize], seed: u64, offset: f64, noise: f64, nan: f64) -> ArrayD<f64> {
    let mut state = seed;
    let mut draw = move || {
        // splitmix64
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        #[allow(clippy::cast_precision_loss, reason = "53 random bits")]
        let u = ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64;
        u
    };
    ArrayD::from_shape_simple_fn(IxDyn(shape), || {
        let x = offset + noise * (2.0 * draw() - 1.0);
        if draw() < nan {
            f64::NAN
        } else {
            x
        }
    })
}

proptest! {
    #[test]
    fn tiles_match_direct_windows(
        dims in proptest::collection::vec(1usize..9, 1..4),
        axis_pick in 0usize..3,
        op in 0usize..OPS.len(),
        window in 1usize..12,
        center: bool,
        periods_pick in 0usize..12,
        nan in prop_oneof![Just(0.0), Just(0.3), Just(0.9)],
        offset in prop_oneof![Just(0.0), Just(1e4)],
        seed: u64,
        cut in proptest::collection::vec((0usize..9, 1usize..9), 3),
    ) {
        let axis = axis_pick % dims.len();
        let values = field(&dims, seed, offset, 1.0, nan);
        let mut r = rolling(&values, OPS[op], axis, window);
        r.center = center;
        r.min_periods = 1 + periods_pick % window;
        let want = expected(&r, &values);
        // A tile anywhere in the array: its windows reach into the rows around it.
        let start: Vec<usize> = dims.iter().zip(&cut).map(|(&d, &(s, _))| s % d).collect();
        let shape: Vec<usize> =
            dims.iter().zip(&start).zip(&cut).map(|((&d, &s), &(_, n))| n.min(d - s)).collect();
        let got = eval_rolling(&r, &start, &shape, &Reads::default())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let want = want.slice_each_axis(|ax| {
            let i = ax.axis.index();
            ndarray::Slice::from(start[i]..start[i] + shape[i])
        });
        close(&got, &want.to_owned(), 1e-9, 1.0).map_err(TestCaseError::fail)?;
    }
}

/// Far from zero with a small spread, and a jump that a running sum of squares would not
/// come back from: std and var keep xarray's digits.
#[test]
fn std_keeps_digits_far_from_zero() {
    let mut values = field(&[400, 3], 7, 1e4, 1e-3, 0.1);
    values
        .slice_mut(ndarray::s![200.., ..])
        .mapv_inplace(|x| x + 1e4);
    for op in [ReduceOp::Std, ReduceOp::Var] {
        for center in [false, true] {
            let mut r = rolling(&values, op, 0, 30);
            r.center = center;
            r.min_periods = 1;
            let got = eval_rolling(&r, &[0, 0], &[400, 3], &Reads::default()).expect("in memory");
            assert_eq!(close(&got, &expected(&r, &values), 1e-7, 0.0), Ok(()));
        }
    }
}

/// A window of one valid value has no spread; windows with none, or too few, are NaN.
#[test]
fn single_and_missing_values() {
    let nan = f64::NAN;
    let values = ArrayD::from_shape_vec(IxDyn(&[6]), vec![nan, 3.0, nan, nan, nan, 5.0])
        .expect("six values");
    let mut r = rolling(&values, ReduceOp::Std, 0, 3);
    r.min_periods = 1;
    let got = eval_rolling(&r, &[0], &[6], &Reads::default()).expect("in memory");
    assert_eq!(close(&got, &expected(&r, &values), 0.0, 0.0), Ok(()));
    assert_eq!(got[[1]].to_bits(), 0f64.to_bits(), "std of one value");
    assert!(got[[0]].is_nan() && got[[4]].is_nan());
    r.op = ReduceOp::Max;
    r.min_periods = 2;
    let got = eval_rolling(&r, &[0], &[6], &Reads::default()).expect("in memory");
    assert!(got.iter().all(|x| x.is_nan()));
}
