//! Runs whole-axis operations within the memory budget: a running sum (`cumsum`) tile by tile
//! with the sum before each tile carried in tile order, and argmin/argmax/quantiles over tiles
//! that hold the whole reduced axes for a block of cells, sized so a tile fits the budget.
//! Limits: a running sum is as large as its input and is held whole once computed (as any
//! computed array is); a quantile over every dimension needs every value in one tile.
//!
//! Not the plan nodes: `ops::along` builds those.

use super::error::ExecError;
use super::run::{
    for_each_strip, region, run_tile_list, run_tiles, tile_cost, Context, Memory, Tile,
};
use crate::ops::{Along, AlongOp, Expr};
use ndarray::{ArrayD, Axis, IxDyn, Slice, Zip};
use std::sync::Arc;

/// Computes `a` over its (materialized) `input` to values shaped `out_shape`.
pub(super) fn compute_along(
    a: &Along,
    input: &Arc<Expr>,
    out_shape: &[usize],
    ctx: &Context<'_>,
) -> Result<ArrayD<f64>, ExecError> {
    match &a.op {
        AlongOp::CumSum => cumsum(a, input, out_shape, ctx),
        AlongOp::ArgMin | AlongOp::ArgMax | AlongOp::Quantile { .. } => {
            columns(a, input, out_shape, ctx)
        }
    }
}

/// A tile's values, evaluated strip by strip.
fn read_tile(plan: &Expr, tile: &Tile, ctx: &Context<'_>) -> Result<ArrayD<f64>, ExecError> {
    let mut values = ArrayD::<f64>::zeros(IxDyn(&tile.shape));
    for_each_strip(plan, tile, ctx.cancel, |strip, part| {
        values
            .slice_each_axis_mut(|ax| {
                let i = ax.axis.index();
                let from = strip.start[i] - tile.start[i];
                Slice::from(from..from + strip.shape[i])
            })
            .assign(&part);
    })?;
    Ok(values)
}

fn cumsum(
    a: &Along,
    input: &Arc<Expr>,
    out_shape: &[usize],
    ctx: &Context<'_>,
) -> Result<ArrayD<f64>, ExecError> {
    let axis = a.axes.first().copied().unwrap_or_default();
    let mut out = ArrayD::<f64>::zeros(IxDyn(out_shape));
    let memory = Memory {
        fixed: out.len() as u64 * 8,
        per_tile: |t: &Tile| t.len() as u64 * 8,
    };
    run_tiles(
        input,
        ctx,
        &memory,
        |tile| {
            let mut values = read_tile(input, tile, ctx)?;
            for mut lane in values.lanes_mut(Axis(axis)) {
                let mut sum = 0.0;
                for x in &mut lane {
                    if !(a.skipna && x.is_nan()) {
                        sum += *x;
                    }
                    *x = sum;
                }
            }
            Ok(values)
        },
        |tile, mut values| {
            let start = tile.start[axis];
            if start > 0 {
                // Tiles fold in C order, so the one before along the axis is already in `out`:
                // its last row is the running sum this tile continues.
                let carry = out.slice_each_axis(|ax| {
                    if ax.axis.index() == axis {
                        Slice::from(start - 1..start)
                    } else {
                        region(tile, ax.axis.index())
                    }
                });
                Zip::from(&mut values)
                    .and_broadcast(&carry)
                    .for_each(|v, &c| *v += c);
            }
            out.slice_each_axis_mut(|ax| region(tile, ax.axis.index()))
                .assign(&values);
        },
    )?;
    Ok(out)
}

/// Tiles holding the whole `axes` for blocks of the other axes: the chunk grid of the kept
/// axes, halved along their longest axis until a tile (plus its `f64` copy) fits `room`.
fn column_tiles(input: &Expr, axes: &[usize], room: u64) -> Vec<Tile> {
    let shape = input.shape();
    let chunks = input.chunk_sizes();
    let mut out = vec![Tile {
        start: Vec::new(),
        shape: Vec::new(),
    }];
    for (a, sizes) in chunks.iter().enumerate() {
        let pieces: Vec<(usize, usize)> = if axes.contains(&a) {
            vec![(0, shape[a])]
        } else {
            let mut at = 0;
            sizes
                .iter()
                .map(|&n| {
                    at += n;
                    (at - n, n)
                })
                .collect()
        };
        out = out
            .iter()
            .flat_map(|t| {
                pieces.iter().map(move |&(s, n)| {
                    let mut t = t.clone();
                    t.start.push(s);
                    t.shape.push(n);
                    t
                })
            })
            .collect();
    }
    let cost = |t: &Tile| tile_cost(input, t) + t.len() as u64 * 8;
    let mut fitted = Vec::with_capacity(out.len());
    let mut todo: Vec<Tile> = out.into_iter().rev().collect();
    while let Some(t) = todo.pop() {
        let longest = (0..t.shape.len())
            .filter(|a| !axes.contains(a) && t.shape[*a] > 1)
            .max_by_key(|&a| t.shape[a]);
        match longest {
            Some(a) if cost(&t) > room => {
                let half = t.shape[a] / 2;
                let (mut first, mut second) = (t.clone(), t);
                first.shape[a] = half;
                second.start[a] += half;
                second.shape[a] -= half;
                // Pushed in reverse so tiles stay in C order.
                todo.push(second);
                todo.push(first);
            }
            _ => fitted.push(t),
        }
    }
    fitted
}

fn columns(
    a: &Along,
    input: &Arc<Expr>,
    out_shape: &[usize],
    ctx: &Context<'_>,
) -> Result<ArrayD<f64>, ExecError> {
    let ndim = input.shape().len();
    let kept: Vec<usize> = (0..ndim).filter(|x| !a.axes.contains(x)).collect();
    let mut out = ArrayD::<f64>::zeros(IxDyn(out_shape));
    let fixed = out.len() as u64 * 8;
    let threads = ctx.config.threads.max(1) as u64;
    let room = ctx.config.memory_budget.saturating_sub(fixed) / threads;
    let tiles = column_tiles(input, &a.axes, room);
    let qs = match &a.op {
        AlongOp::Quantile { qs, .. } => qs.len(),
        _ => 1,
    };
    let leading_q = matches!(a.op, AlongOp::Quantile { list: true, .. });
    let cells = |t: &Tile| kept.iter().map(|&x| t.shape[x]).product::<usize>();
    let memory = Memory {
        fixed,
        per_tile: |t: &Tile| (cells(t) * qs) as u64 * 8,
    };
    run_tile_list(
        input,
        &tiles,
        ctx,
        &memory,
        |tile| {
            let values = read_tile(input, tile, ctx)?;
            // Reduced axes last, so each cell's values are one contiguous run.
            let order: Vec<usize> = kept.iter().chain(&a.axes).copied().collect();
            let values = values.permuted_axes(IxDyn(&order));
            let values = values.as_standard_layout();
            let n: usize = a.axes.iter().map(|&x| tile.shape[x]).product();
            let mut results = Vec::with_capacity(cells(tile) * qs);
            let mut scratch = Vec::with_capacity(n);
            for run in values.as_slice().unwrap_or_default().chunks(n.max(1)) {
                cell(a, run, &mut scratch, &mut results)?;
            }
            Ok(results)
        },
        |tile, results| {
            let kept_shape: Vec<usize> = kept.iter().map(|&x| tile.shape[x]).collect();
            let shape: Vec<usize> = kept_shape.iter().copied().chain([qs]).collect();
            let Ok(part) = ArrayD::from_shape_vec(IxDyn(&shape), results) else {
                return;
            };
            for q in 0..qs {
                let values = part.index_axis(Axis(kept.len()), q);
                let mut target = if leading_q {
                    out.index_axis_mut(Axis(0), q)
                } else {
                    out.view_mut()
                };
                target
                    .slice_each_axis_mut(|ax| region(tile, kept[ax.axis.index()]))
                    .assign(&values);
            }
        },
    )?;
    Ok(out)
}

/// One output cell from all its values: pushes one result per quantile (one for argmin/max).
#[allow(clippy::cast_precision_loss, reason = "positions are far below 2^53")]
fn cell(
    a: &Along,
    run: &[f64],
    scratch: &mut Vec<f64>,
    out: &mut Vec<f64>,
) -> Result<(), ExecError> {
    match &a.op {
        AlongOp::ArgMin | AlongOp::ArgMax => {
            let max = a.op == AlongOp::ArgMax;
            let mut best: Option<(usize, f64)> = None;
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
            scratch.clear();
            if a.skipna {
                scratch.extend(run.iter().copied().filter(|x| !x.is_nan()));
            } else if run.iter().all(|x| !x.is_nan()) {
                scratch.extend_from_slice(run);
            }
            for &q in qs {
                out.push(linear_quantile(scratch, q));
            }
        }
        AlongOp::CumSum => {}
    }
    Ok(())
}

/// numpy's "linear" quantile (method 7) of NaN-free values, by selection rather than sorting;
/// NaN for no values. The interpolation is numpy's `_lerp`, bit for bit.
#[allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "q * (n - 1) is a non-negative position below n"
)]
fn linear_quantile(values: &mut [f64], q: f64) -> f64 {
    let n = values.len();
    if n == 0 {
        return f64::NAN;
    }
    let virtual_index = q * (n - 1) as f64;
    let below = (virtual_index.floor() as usize).min(n - 1);
    let above = (below + 1).min(n - 1);
    let t = virtual_index - below as f64;
    let (_, &mut lo, rest) = values.select_nth_unstable_by(below, f64::total_cmp);
    let hi = if above == below {
        lo
    } else {
        rest.iter().copied().fold(f64::INFINITY, f64::min)
    };
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
    use crate::exec::{CancelToken, ExecConfig, ExecError};
    use crate::model::{Block, DType};
    use crate::ops::Node;

    /// A median over axis 0 of a (40, 6, 10) array with a NaN column, under `budget`.
    fn median(budget: u64, cancel: &CancelToken) -> Result<Block, ExecError> {
        let values = ArrayD::from_shape_fn(IxDyn(&[40, 6, 10]), |ix| {
            if ix[1] == 2 && ix[2] == 3 {
                f64::NAN
            } else {
                f64::from(u32::try_from((ix[0] * 7919 + ix[1] * 31 + ix[2]) % 97).unwrap_or(0))
            }
        });
        let input = Expr::memory(Arc::new(Block::F64(values)));
        let op = AlongOp::Quantile {
            qs: vec![0.5],
            list: false,
        };
        let along = Along {
            op,
            input,
            axes: vec![0],
            skipna: true,
        };
        let expr = Expr::new(Node::Along(along), vec![6, 10], DType::F64);
        let ctx = Context {
            config: ExecConfig {
                threads: 2,
                memory_budget: budget,
            },
            progress: None,
            cancel,
        };
        super::super::compute(&expr, &ctx)
    }

    #[test]
    fn columns_fit_the_budget_and_give_the_same_values() {
        let cancel = CancelToken::new();
        let roomy = median(1 << 30, &cancel).unwrap_or_else(|e| panic!("{e}"));
        let tight = median(4 << 10, &cancel).unwrap_or_else(|e| panic!("{e}"));
        let (roomy, tight) = (roomy.to_f64(), tight.to_f64());
        assert!(roomy[[2, 3]].is_nan() && tight[[2, 3]].is_nan());
        assert!(roomy
            .iter()
            .zip(tight.iter())
            .all(|(a, b)| a.to_bits() == b.to_bits()));
        let input = Expr::memory(Arc::new(Block::F64(ArrayD::zeros(IxDyn(&[40, 6, 10])))));
        let tiles = column_tiles(&input, &[0], 4 << 10);
        assert!(tiles.len() > 1);
        assert!(tiles.iter().all(|t| t.start[0] == 0 && t.shape[0] == 40));
        assert_eq!(tiles.iter().map(Tile::len).sum::<usize>(), 40 * 6 * 10);
        cancel.cancel();
        assert!(matches!(
            median(1 << 30, &cancel),
            Err(ExecError::Cancelled)
        ));
    }

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
}
