//! Runs whole-axis operations within the memory budget: a running sum (`cumsum`) as carries
//! per chunk (one grouped pass) and then a stream of chunks resumed from them, and
//! argmin/argmax/quantiles over tiles that hold the whole reduced axes for a block of cells,
//! sized so a tile fits the budget. Limit: a quantile over every dimension needs every value
//! in one tile.
//!
//! Not the plan nodes: `ops::along` builds those.

mod gather;
mod select;

use self::gather::{Gather, Layout};
use self::select::{select_cells, Value};
use super::context::Context;
use super::elementwise::for_each_strip;
use super::error::ExecError;
use super::run::run_tile_list;
use super::tiles::{region, spans, tile_cost, tile_grid, tiles, Memory, Tile};
use crate::model::{Block, DType};
use crate::ops::plan::{block_at, Carried};
use crate::ops::{Along, AlongOp, Node, Plan};
use ndarray::{ArrayD, Axis, IxDyn, Slice, Zip};
use std::sync::{Arc, Mutex};

/// Computes an argmin/argmax/quantile `a` over its (materialized) `input` to values shaped
/// `out_shape` (a running sum is [`carried`] instead).
pub(super) fn compute_along(
    a: &Along,
    input: &Arc<Plan>,
    out_shape: &[usize],
    ctx: &Context<'_>,
) -> Result<ArrayD<f64>, ExecError> {
    let gather = Gather::new(input, &a.axes);
    if gather.exact_f32() {
        columns::<f32>(a, input, out_shape, ctx, &gather)
    } else {
        columns::<f64>(a, input, out_shape, ctx, &gather)
    }
}

/// A cumsum `expr` of the (materialized) `input` as a [`Carried`] running sum: one pass sums
/// each chunk along the axis, the carries are the running totals of those sums, and the
/// running sum itself then streams tile by tile. What is held is one row of carries per chunk
/// along the axis (the input's size over the chunk length, in float64).
pub(super) fn carried(
    a: &Along,
    input: &Arc<Plan>,
    expr: &Plan,
    ctx: &Context<'_>,
) -> Result<Arc<Plan>, ExecError> {
    let axis = a.axes.first().copied().unwrap_or_default();
    let starts: Vec<usize> = spans(&input.chunk_sizes()[axis])
        .iter()
        .map(|&(s, _)| s)
        .collect();
    let mut carries = block_totals(input, axis, a.skipna, &starts, ctx)?;
    // Exclusive running totals: block k carries the sum of blocks 0..k.
    let mut before = ArrayD::<f64>::zeros(carries.index_axis(Axis(axis), 0).raw_dim());
    for mut row in carries.axis_iter_mut(Axis(axis)) {
        let total = row.to_owned();
        row.assign(&before);
        before += &total;
    }
    let node = Node::Carried(Carried {
        input: Arc::clone(input),
        axis,
        skipna: a.skipna,
        starts: starts.into(),
        carries: Plan::memory(Arc::new(Block::from_f64(carries, DType::F64))),
    });
    Ok(Plan::new(node, expr.shape().to_vec(), expr.dtype()))
}

/// The sum of each chunk along `axis` (starting at `starts`): the input's shape with one row
/// per chunk. Tiles follow the chunk grid, so each lies in one chunk; they stream strip by strip.
fn block_totals(
    input: &Arc<Plan>,
    axis: usize,
    skipna: bool,
    starts: &[usize],
    ctx: &Context<'_>,
) -> Result<ArrayD<f64>, ExecError> {
    let mut shape = input.shape().to_vec();
    shape[axis] = starts.len();
    let mut totals = ArrayD::<f64>::zeros(IxDyn(&shape));
    let row_of = |t: &Tile| {
        let mut s = t.shape.clone();
        s[axis] = 1;
        s
    };
    let memory = Memory {
        fixed: totals.len() as u64 * 8,
        per_tile: |t: &Tile| row_of(t).iter().product::<usize>() as u64 * 8,
    };
    run_tile_list(
        input,
        &tiles(input)?,
        ctx,
        &memory,
        |tile| {
            let mut row = ArrayD::<f64>::zeros(IxDyn(&row_of(tile)));
            for_each_strip(input, tile, ctx.cancel, |strip, part| {
                let mut into = row.slice_each_axis_mut(|ax| {
                    let i = ax.axis.index();
                    if i == axis {
                        return Slice::from(0..1);
                    }
                    let from = strip.start[i] - tile.start[i];
                    Slice::from(from..from + strip.shape[i])
                });
                Zip::from(into.lanes_mut(Axis(axis)))
                    .and(part.lanes(Axis(axis)))
                    .for_each(|mut acc, lane| {
                        let mut sum = acc[0];
                        for &x in lane {
                            if !(skipna && x.is_nan()) {
                                sum += x;
                            }
                        }
                        acc[0] = sum;
                    });
            })?;
            Ok(row)
        },
        |tile, row| {
            let block = block_at(starts, tile.start[axis]);
            totals
                .slice_each_axis_mut(|ax| {
                    let i = ax.axis.index();
                    if i == axis {
                        Slice::from(block..=block)
                    } else {
                        region(tile, i)
                    }
                })
                .zip_mut_with(&row, |t, &r| *t += r);
        },
    )?;
    Ok(totals)
}

/// A [`Carried`] running sum over `start .. start + shape`, from the input's `values` over
/// the same region extended back to the start of its first block, and that block's `carry`.
pub(super) fn resume(
    c: &Carried,
    mut values: ArrayD<f64>,
    carry: &ArrayD<f64>,
    skip: usize,
) -> ArrayD<f64> {
    for mut lane in values.lanes_mut(Axis(c.axis)) {
        let mut sum = 0.0;
        for x in &mut lane {
            if !(c.skipna && x.is_nan()) {
                sum += *x;
            }
            *x = sum;
        }
    }
    let mut out = values.slice_axis_move(Axis(c.axis), Slice::from(skip..));
    Zip::from(&mut out)
        .and_broadcast(carry)
        .for_each(|v, &k| *v += k);
    out
}

/// Tiles holding the whole `axes` for blocks of the other axes: the chunk grid of the kept
/// axes, halved along their longest axis until a tile (plus its buffer of `item` bytes per
/// value, in blocks of `lanes` cells) fits `room`.
fn column_tiles(input: &Plan, axes: &[usize], room: u64, (item, lanes): (u64, usize)) -> Vec<Tile> {
    let shape = input.shape();
    let pieces: Vec<Vec<(usize, usize)>> = input
        .chunk_sizes()
        .iter()
        .enumerate()
        .map(|(a, sizes)| {
            if axes.contains(&a) {
                return vec![(0, shape[a])];
            }
            spans(sizes)
        })
        .collect();
    let out = tile_grid(&pieces);
    let cost = |t: &Tile| tile_cost(input, t) + layout(t, axes, lanes).len() as u64 * item;
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

/// The layout of a column tile's buffer: one cell per position of the axes other than `axes`.
fn layout(tile: &Tile, axes: &[usize], lanes: usize) -> Layout {
    let (mut cells, mut n) = (1, 1);
    for (a, &len) in tile.shape.iter().enumerate() {
        if axes.contains(&a) {
            n *= len;
        } else {
            cells *= len;
        }
    }
    Layout { cells, n, lanes }
}

/// Quantiles or argmin/argmax over column tiles: each tile is gathered into a reused buffer of
/// `T` (see [`Layout`]), and each cell is selected from a run of its own values.
fn columns<T: Value>(
    a: &Along,
    input: &Arc<Plan>,
    out_shape: &[usize],
    ctx: &Context<'_>,
    gather: &Gather<'_>,
) -> Result<ArrayD<f64>, ExecError> {
    let ndim = input.shape().len();
    let kept: Vec<usize> = (0..ndim).filter(|x| !a.axes.contains(x)).collect();
    let mut out = ArrayD::<f64>::zeros(IxDyn(out_shape));
    let fixed = out.len() as u64 * 8;
    let threads = ctx.config.threads.max(1) as u64;
    let room = ctx.config.memory_budget.saturating_sub(fixed) / threads;
    let item = std::mem::size_of::<T>() as u64;
    let lanes = gather.lanes();
    let tiles = column_tiles(input, &a.axes, room, (item, lanes));
    let qs = match &a.op {
        AlongOp::Quantile { qs, .. } => qs.len(),
        _ => 1,
    };
    let leading_q = matches!(a.op, AlongOp::Quantile { list: true, .. });
    let memory = Memory {
        fixed,
        // A tile's buffer while it computes (counted while it waits too), and its results.
        per_tile: |t: &Tile| {
            let layout = layout(t, &a.axes, lanes);
            (layout.cells * qs) as u64 * 8 + layout.len() as u64 * item
        },
    };
    // Column buffers outlive their tiles, at most one per tile in flight, so the big
    // allocation is made (and its pages touched) once per thread rather than once per tile.
    let buffers: Mutex<Vec<Vec<T>>> = Mutex::new(Vec::new());
    run_tile_list(
        input,
        &tiles,
        ctx,
        &memory,
        |tile| {
            let reused = buffers.lock().ok().and_then(|mut b| b.pop());
            let mut buffer = reused.unwrap_or_default();
            let layout = layout(tile, &a.axes, lanes);
            if buffer.len() < layout.len() {
                buffer.resize(layout.len(), T::default());
            }
            let cols = &mut buffer[..layout.len()];
            gather.fill(input, (tile, layout), cols, ctx.cancel)?;
            let results = select_cells(a, cols, layout, gather.decoder())?;
            if let Ok(mut b) = buffers.lock() {
                b.push(buffer);
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
        let input = Plan::memory(Arc::new(Block::F64(values)));
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
        let expr = Plan::new(Node::Along(along), vec![6, 10], DType::F64);
        let ctx = Context {
            config: ExecConfig {
                threads: 2,
                memory_budget: budget,
                result_budget: None,
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
        let input = Plan::memory(Arc::new(Block::F64(ArrayD::zeros(IxDyn(&[40, 6, 10])))));
        let tiles = column_tiles(&input, &[0], 4 << 10, (8, 1));
        assert!(tiles.len() > 1);
        assert!(tiles.iter().all(|t| t.start[0] == 0 && t.shape[0] == 40));
        assert_eq!(tiles.iter().map(Tile::len).sum::<usize>(), 40 * 6 * 10);
        cancel.cancel();
        assert!(matches!(
            median(1 << 30, &cancel),
            Err(ExecError::Cancelled)
        ));
    }
}
