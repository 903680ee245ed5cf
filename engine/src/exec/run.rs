//! Runs a plan: splits it into chunk-aligned tiles, evaluates them in parallel waves sized by
//! the memory budget, and folds results in tile order so any thread count gives the same bits.

use super::cells::{Cell, ExtremeCell, MomentCell, SumCell};
use super::error::ExecError;
use super::eval::{eval, prefetch, Reads};
use super::progress::{Progress, ProgressFn};
use super::{CancelToken, ExecConfig};
use crate::model::Block;
use crate::ops::{Expr, Node, ReduceOp};
use ndarray::{ArrayD, ArrayViewD, Axis, IxDyn, Slice, Zip};
use rayon::prelude::*;
use std::sync::Arc;

/// What a computation runs with.
pub struct Context<'a> {
    /// Threads and memory budget.
    pub config: ExecConfig,
    /// Called after every tile.
    pub progress: Option<ProgressFn<'a>>,
    /// Checked before every tile.
    pub cancel: &'a CancelToken,
}

/// A region of a plan's output.
#[derive(Debug, Clone)]
struct Tile {
    start: Vec<usize>,
    shape: Vec<usize>,
}

impl Tile {
    fn len(&self) -> usize {
        self.shape.iter().product()
    }
}

/// The chunk-aligned tiles of `expr`, in C order.
fn tiles(expr: &Expr) -> Vec<Tile> {
    let chunks = expr.chunk_sizes();
    let mut out = vec![Tile {
        start: Vec::new(),
        shape: Vec::new(),
    }];
    for sizes in chunks {
        let mut next = Vec::with_capacity(out.len() * sizes.len());
        for t in &out {
            let mut offset = 0;
            for &n in &sizes {
                let mut tile = t.clone();
                tile.start.push(offset);
                tile.shape.push(n);
                next.push(tile);
                offset += n;
            }
        }
        out = next;
    }
    out
}

/// Largest strip evaluated in `f64` at once, in elements.
const STRIP: usize = 1 << 18;

/// Bytes one tile of `expr` may take while evaluated: its source reads in storage dtype (with
/// the codec's compressed and decoded buffers alive during the read), plus the `f64`
/// temporaries of one strip per plan node.
fn tile_cost(expr: &Expr, tile: &Tile) -> u64 {
    fn walk(e: &Expr, nodes: &mut u64, read_bytes: &mut u64) {
        *nodes += 1;
        match &e.node {
            Node::Source { source, .. } => *read_bytes += source.dtype().size() as u64,
            Node::Select { input, .. } | Node::Reduce { input, .. } => {
                walk(input, nodes, read_bytes);
            }
            Node::Map { inputs, .. } => inputs.iter().for_each(|(i, _)| walk(i, nodes, read_bytes)),
            Node::Memory(_) | Node::Scalar(_) => {}
        }
    }
    let (mut nodes, mut read_bytes) = (0, 0);
    walk(expr, &mut nodes, &mut read_bytes);
    let len = tile.len() as u64;
    len * read_bytes * 3 + len.min(STRIP as u64) * 8 * (nodes + 1)
}

/// Splits a tile into strips of at most [`STRIP`] elements, in C order.
fn strips(tile: &Tile) -> Vec<Tile> {
    let ndim = tile.shape.len();
    // The first axis whose trailing block fits in a strip; axes before it go one index at a time.
    let mut axis = 0;
    while axis < ndim && tile.shape[axis + 1..].iter().product::<usize>() > STRIP {
        axis += 1;
    }
    if axis == ndim {
        return vec![tile.clone()];
    }
    let trailing: usize = tile.shape[axis + 1..].iter().product::<usize>().max(1);
    let step = (STRIP / trailing).max(1);
    let mut out = vec![Tile {
        start: Vec::new(),
        shape: Vec::new(),
    }];
    for a in 0..ndim {
        let (s, n) = (tile.start[a], tile.shape[a]);
        let pieces: Vec<(usize, usize)> = match a.cmp(&axis) {
            std::cmp::Ordering::Less => (0..n).map(|i| (s + i, 1)).collect(),
            std::cmp::Ordering::Equal => (0..n)
                .step_by(step)
                .map(|i| (s + i, step.min(n - i)))
                .collect(),
            std::cmp::Ordering::Greater => vec![(s, n)],
        };
        out = out
            .into_iter()
            .flat_map(|t| {
                pieces.iter().map(move |&(ps, pn)| {
                    let mut t = t.clone();
                    t.start.push(ps);
                    t.shape.push(pn);
                    t
                })
            })
            .collect();
    }
    out
}

/// Reads a tile's sources once, then hands each strip's values to `each`, in order.
fn for_each_strip(
    plan: &Expr,
    tile: &Tile,
    cancel: &CancelToken,
    mut each: impl FnMut(&Tile, ArrayD<f64>),
) -> Result<(), ExecError> {
    let mut reads = Reads::default();
    prefetch(plan, &tile.start, &tile.shape, &mut reads)?;
    for strip in strips(tile) {
        cancel.check()?;
        each(&strip, eval(plan, &strip.start, &strip.shape, &reads)?);
    }
    Ok(())
}

/// Computes inner reductions first, so what remains is element-wise over sources.
fn materialize(expr: &Arc<Expr>, ctx: &Context<'_>) -> Result<Arc<Expr>, ExecError> {
    let rebuilt = match &expr.node {
        Node::Reduce { .. } => return Ok(Expr::memory(Arc::new(compute(expr, ctx)?))),
        Node::Select { input, sel } => {
            let inner = materialize(input, ctx)?;
            if Arc::ptr_eq(&inner, input) {
                return Ok(Arc::clone(expr));
            }
            Node::Select {
                input: inner,
                sel: sel.clone(),
            }
        }
        Node::Map { op, inputs } => {
            let mut changed = false;
            let mut new_inputs = Vec::with_capacity(inputs.len());
            for (input, axes) in inputs {
                let inner = materialize(input, ctx)?;
                changed |= !Arc::ptr_eq(&inner, input);
                new_inputs.push((inner, axes.clone()));
            }
            if !changed {
                return Ok(Arc::clone(expr));
            }
            Node::Map {
                op: *op,
                inputs: new_inputs,
            }
        }
        _ => return Ok(Arc::clone(expr)),
    };
    Ok(Expr::new(rebuilt, expr.shape().to_vec(), expr.dtype()))
}

/// Computes a plan to an in-memory block of its dtype.
pub fn compute(expr: &Arc<Expr>, ctx: &Context<'_>) -> Result<Block, ExecError> {
    ctx.cancel.check()?;
    match &expr.node {
        Node::Memory(block) => Ok(block.as_ref().clone()),
        Node::Reduce {
            op,
            input,
            axes,
            skipna,
            ddof,
        } => {
            let input = materialize(input, ctx)?;
            let reduction = Reduction {
                op: *op,
                axes,
                skipna: *skipna,
                ddof: *ddof,
                out_shape: expr.shape(),
            };
            let values = match op {
                ReduceOp::Sum | ReduceOp::Mean | ReduceOp::Count => {
                    reduction.run::<SumCell>(&input, ctx)?
                }
                ReduceOp::Std | ReduceOp::Var => reduction.run::<MomentCell>(&input, ctx)?,
                ReduceOp::Min => reduction.run::<ExtremeCell<false>>(&input, ctx)?,
                ReduceOp::Max => reduction.run::<ExtremeCell<true>>(&input, ctx)?,
            };
            Ok(Block::from_f64(values, expr.dtype()))
        }
        _ => {
            let plan = materialize(expr, ctx)?;
            let mut out = ArrayD::<f64>::zeros(IxDyn(plan.shape()));
            let memory = Memory {
                fixed: 0,
                per_tile: |t: &Tile| t.len() as u64 * 8,
            };
            run_tiles(
                &plan,
                ctx,
                &memory,
                |tile| {
                    let mut values = ArrayD::<f64>::zeros(IxDyn(&tile.shape));
                    for_each_strip(&plan, tile, ctx.cancel, |strip, part| {
                        values
                            .slice_each_axis_mut(|ax| {
                                let i = ax.axis.index();
                                let from = strip.start[i] - tile.start[i];
                                Slice::from(from..from + strip.shape[i])
                            })
                            .assign(&part);
                    })?;
                    Ok(values)
                },
                |tile, values| {
                    out.slice_each_axis_mut(|ax| region(tile, ax.axis.index()))
                        .assign(&values);
                },
            )?;
            Ok(Block::from_f64(out, plan.dtype()))
        }
    }
}

fn region(tile: &Tile, axis: usize) -> Slice {
    Slice::from(tile.start[axis]..tile.start[axis] + tile.shape[axis])
}

/// What the caller holds besides the tiles: `fixed` bytes for the whole run (accumulators),
/// and `per_tile` bytes for each tile's result until it is folded.
struct Memory<F: Fn(&Tile) -> u64> {
    fixed: u64,
    per_tile: F,
}

/// Evaluates every tile of `plan` with `work` in parallel waves and hands results to `fold`
/// one at a time, in tile order.
fn run_tiles<T: Send>(
    plan: &Expr,
    ctx: &Context<'_>,
    memory: &Memory<impl Fn(&Tile) -> u64>,
    work: impl Fn(&Tile) -> Result<T, ExecError> + Sync,
    mut fold: impl FnMut(&Tile, T),
) -> Result<(), ExecError> {
    let all = tiles(plan);
    let threads = ctx.config.threads.max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("nereus-chunk-{i}"))
        .build()
        .map_err(|e| ExecError::Pool {
            threads,
            why: e.to_string(),
        })?;
    let item = plan.dtype().size().max(1) as u64;
    let mut progress = Progress {
        chunks_total: all.len(),
        bytes_total: all.iter().map(|t| t.len() as u64 * item).sum(),
        ..Progress::default()
    };
    let mut next = 0;
    while next < all.len() {
        ctx.cancel.check()?;
        // As many tiles in flight as threads, fewer if the budget cannot hold them.
        let cost = (tile_cost(plan, &all[next]) + (memory.per_tile)(&all[next])).max(1);
        let room = ctx.config.memory_budget.saturating_sub(memory.fixed);
        let fit = usize::try_from(room / cost).unwrap_or(usize::MAX);
        let wave = fit.clamp(1, threads).min(all.len() - next);
        let batch = &all[next..next + wave];
        let results: Vec<Result<T, ExecError>> = pool.install(|| {
            batch
                .par_iter()
                .map(|t| {
                    ctx.cancel.check()?;
                    work(t)
                })
                .collect()
        });
        for (tile, result) in batch.iter().zip(results) {
            fold(tile, result?);
            progress.chunks_done += 1;
            progress.bytes_done += tile.len() as u64 * item;
            if let Some(report) = ctx.progress {
                report(progress);
            }
        }
        next += wave;
    }
    Ok(())
}

/// A reduction's parameters.
struct Reduction<'a> {
    op: ReduceOp,
    axes: &'a [usize],
    skipna: bool,
    ddof: u32,
    out_shape: &'a [usize],
}

impl Reduction<'_> {
    fn run<C: Cell>(&self, input: &Arc<Expr>, ctx: &Context<'_>) -> Result<ArrayD<f64>, ExecError> {
        let mut acc = ArrayD::<C>::default(IxDyn(self.out_shape));
        let kept: Vec<usize> = (0..input.shape().len())
            .filter(|a| !self.axes.contains(a))
            .collect();
        let cell = std::mem::size_of::<C>() as u64;
        let memory = Memory {
            fixed: acc.len() as u64 * cell,
            per_tile: |t: &Tile| kept.iter().map(|&a| t.shape[a] as u64).product::<u64>() * cell,
        };
        run_tiles(
            input,
            ctx,
            &memory,
            |tile| {
                let out_shape: Vec<usize> = kept.iter().map(|&a| tile.shape[a]).collect();
                let mut cells = ArrayD::<C>::default(IxDyn(&out_shape));
                for_each_strip(input, tile, ctx.cancel, |strip, values| {
                    let part = partial::<C>(values.view(), self.axes, &kept);
                    let mut target = cells.slice_each_axis_mut(|ax| {
                        let a = kept[ax.axis.index()];
                        let from = strip.start[a] - tile.start[a];
                        Slice::from(from..from + strip.shape[a])
                    });
                    Zip::from(&mut target).and(&part).for_each(Cell::merge);
                })?;
                Ok(cells)
            },
            |tile, part| {
                let mut target =
                    acc.slice_each_axis_mut(|ax| region_of_kept(tile, &kept, ax.axis.index()));
                Zip::from(&mut target).and(&part).for_each(Cell::merge);
            },
        )?;
        Ok(acc.mapv(|c| c.finish(self.op, self.skipna, self.ddof)))
    }
}

fn region_of_kept(tile: &Tile, kept: &[usize], out_axis: usize) -> Slice {
    region(tile, kept[out_axis])
}

/// Reduces one tile's values over `axes` into cells shaped like the kept axes.
fn partial<C: Cell>(values: ArrayViewD<'_, f64>, axes: &[usize], kept: &[usize]) -> ArrayD<C> {
    let out_shape: Vec<usize> = kept.iter().map(|&a| values.len_of(Axis(a))).collect();
    let cells: usize = out_shape.iter().product();
    let ndim = values.ndim();
    let mut out = ArrayD::<C>::default(IxDyn(&out_shape));
    let Some(slots) = out.as_slice_mut() else {
        unreachable!("a new array is contiguous");
    };
    let is_prefix = axes.iter().enumerate().all(|(i, &a)| a == i);
    if is_prefix && !axes.is_empty() && axes.len() < ndim {
        // Reduced axes lead (e.g. time first): add each slab element-wise, contiguously.
        let values = values.as_standard_layout();
        if let Some(flat) = values.as_slice() {
            for slab in flat.chunks_exact(cells.max(1)) {
                for (cell, &x) in slots.iter_mut().zip(slab) {
                    cell.push(x);
                }
            }
        }
        return out;
    }
    // Otherwise put the reduced axes last (copying when needed) and fold each row.
    let order: Vec<usize> = kept.iter().chain(axes).copied().collect();
    let permuted = values.permuted_axes(IxDyn(&order));
    let values = permuted.as_standard_layout();
    if let Some(flat) = values.as_slice() {
        let row = flat.len() / cells.max(1);
        for (cell, chunk) in slots.iter_mut().zip(flat.chunks(row.max(1))) {
            let mut local = C::default();
            for &x in chunk {
                local.push(x);
            }
            cell.merge(&local);
        }
    }
    out
}
