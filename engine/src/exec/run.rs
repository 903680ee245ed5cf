//! Runs a plan: splits it into chunk-aligned tiles, evaluates them in parallel waves sized by
//! the memory budget, and folds results in tile order so any thread count gives the same bits.

use super::cells::{Cell, ExtremeCell, MomentCell, SumCell};
use super::context::Context;
use super::elementwise::{for_each_strip, read_region, read_tile, wide_int_read};
use super::error::ExecError;
use super::fused::fold_rows;
use super::progress::Progress;
use super::shared::hold_repeated_reads;
use super::tiles::{region, tile_cost, tiles, Memory, Tile};
use super::{CancelToken, ExecConfig};
use crate::model::Block;
use crate::ops::narrow::push_selections;
use crate::ops::{AlongOp, Node, Plan, ReduceOp};
use ndarray::{ArrayD, ArrayViewD, ArrayViewMutD, Axis, IxDyn, Slice, Zip};
use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};

/// The most root-to-leaf paths a plan may have. The executor walks a sub-plan once per path
/// reaching it, so a plan that reuses its own result over and over (`a = a + a` in a loop)
/// grows exponentially; past this it gets a clear error instead of a hang.
const MAX_PLAN_PATHS: u64 = 1 << 16;

/// The deepest plan the executor runs: it walks plans recursively, on threads whose stacks
/// ([`WORKER_STACK`], and the cell thread's) hold this many levels with room to spare.
/// dask computes 5,000-step chains; notebooks rarely build 100.
pub(super) const MAX_PLAN_DEPTH: usize = 20_000;

/// Stack of each chunk worker: the recursive evaluation of a [`MAX_PLAN_DEPTH`]-deep plan.
const WORKER_STACK: usize = 256 << 20;

/// How many tiles per computing thread may be computing or waiting to be folded at once: one
/// computing and one waiting keeps every thread busy while the fold catches up.
const WAVE_AHEAD: usize = 2;

/// Computes inner reductions first, so what remains is element-wise over sources.
pub(super) fn materialize(expr: &Arc<Plan>, ctx: &Context<'_>) -> Result<Arc<Plan>, ExecError> {
    match &expr.node {
        Node::Along(a) if a.op == AlongOp::CumSum => {
            return super::whole_axis::carried(a, &materialize(&a.input, ctx)?, expr, ctx);
        }
        Node::Reduce { .. } | Node::GroupReduce(_) | Node::Along(_) => {
            return Ok(Plan::memory(Arc::new(compute_plan(expr, ctx)?)));
        }
        _ => {}
    }
    let inputs = expr
        .inputs()
        .into_iter()
        .map(|i| materialize(i, ctx))
        .collect::<Result<Vec<_>, _>>()?;
    let rebuilt = expr.with_inputs(inputs);
    Ok(super::staged::staged(&rebuilt, ctx)?.unwrap_or(rebuilt))
}

/// Computes a plan to an in-memory block of its dtype.
pub fn compute(expr: &Arc<Plan>, ctx: &Context<'_>) -> Result<Block, ExecError> {
    let (plan, config) = prepare(expr, ctx)?;
    compute_plan(&plan, &ctx.with_config(config))
}

/// The plan to run for `expr`: selections pushed down, small repeated reads held in memory;
/// and the settings for the rest (the budget less what is held).
pub(super) fn prepare(
    expr: &Arc<Plan>,
    ctx: &Context<'_>,
) -> Result<(Arc<Plan>, ExecConfig), ExecError> {
    if expr.depth() > MAX_PLAN_DEPTH {
        return Err(ExecError::PlanTooDeep {
            depth: expr.depth(),
            limit: MAX_PLAN_DEPTH,
        });
    }
    let paths = expr.paths();
    if paths > MAX_PLAN_PATHS {
        return Err(ExecError::PlanTooLarge { paths });
    }
    let (plan, memory_budget) = hold_repeated_reads(&push_selections(expr), ctx)?;
    Ok((
        plan,
        ExecConfig {
            memory_budget,
            ..ctx.config
        },
    ))
}

/// Computes a plan as [`prepare`] leaves it.
pub(super) fn compute_plan(expr: &Arc<Plan>, ctx: &Context<'_>) -> Result<Block, ExecError> {
    ctx.cancel.check()?;
    super::results::check_result(expr, &ctx.config)?;
    if let Some(source) = wide_int_read(expr) {
        let mut out = Block::zeros(expr.dtype(), expr.shape());
        for tile in tiles(expr)? {
            ctx.cancel.check()?;
            out.assign(&tile.start, &read_region(source, &tile.start, &tile.shape)?);
        }
        return Ok(out);
    }
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
        Node::GroupReduce(g) => {
            let input = materialize(&g.input, ctx)?;
            let values = super::groups::reduce_groups(g, &input, expr.shape(), ctx)?;
            Ok(Block::from_f64(values, expr.dtype()))
        }
        // A running sum streams as an element-wise step (the arm below).
        Node::Along(a) if a.op != AlongOp::CumSum => {
            let input = materialize(&a.input, ctx)?;
            let values = super::whole_axis::compute_along(a, &input, expr.shape(), ctx)?;
            Ok(Block::from_f64(values, expr.dtype()))
        }
        _ => {
            let plan = materialize(expr, ctx)?;
            // Filled in its own dtype tile by tile: no float64 copy of the whole result.
            let mut out = Block::zeros(plan.dtype(), plan.shape());
            let memory = Memory {
                fixed: 0,
                per_tile: |t: &Tile| t.len() as u64 * 8,
            };
            run_tiles(
                &plan,
                ctx,
                &memory,
                |tile| read_tile(&plan, tile, ctx),
                |tile, values| out.assign_f64(&tile.start, &values),
            )?;
            Ok(out)
        }
    }
}

/// Evaluates every tile of `plan` with `work` in parallel waves and hands results to `fold`
/// one at a time, in tile order.
pub(super) fn run_tiles<T: Send>(
    plan: &Plan,
    ctx: &Context<'_>,
    memory: &Memory<impl Fn(&Tile) -> u64>,
    work: impl Fn(&Tile) -> Result<T, ExecError> + Sync,
    fold: impl FnMut(&Tile, T),
) -> Result<(), ExecError> {
    run_tile_list(plan, &tiles(plan)?, ctx, memory, work, fold)
}

/// A tile's result, or the payload of a panic while computing it.
type Computed<T> = std::thread::Result<Result<T, ExecError>>;

/// [`run_tiles`] over given tiles (largest first, for the budget), e.g. a store's chunks.
pub(super) fn run_tile_list<T: Send>(
    plan: &Plan,
    all: &[Tile],
    ctx: &Context<'_>,
    memory: &Memory<impl Fn(&Tile) -> u64>,
    work: impl Fn(&Tile) -> Result<T, ExecError> + Sync,
    mut fold: impl FnMut(&Tile, T),
) -> Result<(), ExecError> {
    let threads = ctx.config.threads.max(1);
    // The first tile is a full chunk: the largest.
    let (cost, held) = all.first().map_or((1, 0), |t| {
        (tile_cost(plan, t).max(1), (memory.per_tile)(t))
    });
    let room = ctx.config.memory_budget.saturating_sub(memory.fixed);
    // Tiles computing at once: as many as threads, fewer if the budget cannot hold them.
    let active = usize::try_from(room / (cost + held).max(1))
        .unwrap_or(usize::MAX)
        .clamp(1, threads);
    // Finished tiles wait to be folded in order; a wave may run ahead by as many as the rest of
    // the budget holds, so one slow chunk does not leave the other threads idle.
    let spare = room.saturating_sub(active as u64 * (cost + held));
    let ahead = usize::try_from(spare / held.max(1)).unwrap_or(usize::MAX);
    let wave_len = active
        .saturating_add(ahead)
        .clamp(active, active * WAVE_AHEAD);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(active)
        .thread_name(|i| format!("nereus-chunk-{i}"))
        .stack_size(WORKER_STACK)
        .build()
        .map_err(|e| ExecError::Pool {
            threads: active,
            why: e.to_string(),
        })?;
    let item = plan.dtype().size().max(1) as u64;
    let mut progress = Progress {
        chunks_total: all.len(),
        bytes_total: all.iter().map(|t| t.len() as u64 * item).sum(),
        ..Progress::default()
    };
    // Tiles are computed by the pool while this thread folds finished ones in order; at most
    // `wave_len` are computing or waiting at once, so memory stays what the budget allowed.
    let failed = AtomicBool::new(false);
    let mut outcome = Ok(());
    pool.in_place_scope(|scope| {
        let (done, finished) = mpsc::channel::<(usize, Computed<T>)>();
        let (work, failed) = (&work, &failed);
        let mut spawned = 0;
        let mut waiting: BTreeMap<usize, Computed<T>> = BTreeMap::new();
        for next in 0..all.len() {
            while spawned < all.len() && spawned < next + wave_len {
                let (tile, done) = (&all[spawned], done.clone());
                let index = spawned;
                scope.spawn(move |_| {
                    let result = if failed.load(Ordering::Relaxed) {
                        Ok(Err(ExecError::Cancelled))
                    } else {
                        // A panic travels to the folding thread, which re-raises it there.
                        panic::catch_unwind(AssertUnwindSafe(|| {
                            ctx.cancel
                                .check()
                                .map_err(ExecError::from)
                                .and_then(|()| work(tile))
                        }))
                    };
                    // The receiver is gone only once the run has already failed.
                    let _ = done.send((index, result));
                });
                spawned += 1;
            }
            // Every spawned tile sends exactly once and this thread holds a sender, so `recv`
            // cannot fail; `Err(Cancelled)` covers it anyway.
            let computed = loop {
                if let Some(computed) = waiting.remove(&next) {
                    break computed;
                }
                match finished.recv() {
                    Ok((index, computed)) => {
                        waiting.insert(index, computed);
                    }
                    Err(_) => break Ok(Err(ExecError::Cancelled)),
                }
            };
            let result = match computed {
                Ok(result) => result,
                Err(payload) => {
                    failed.store(true, Ordering::Relaxed);
                    panic::resume_unwind(payload);
                }
            };
            let folded = result.and_then(|value| {
                ctx.cancel.check()?;
                fold(&all[next], value);
                Ok(())
            });
            if let Err(e) = folded {
                failed.store(true, Ordering::Relaxed);
                outcome = Err(e);
                return;
            }
            progress.chunks_done += 1;
            progress.bytes_done += all[next].len() as u64 * item;
            if let Some(report) = ctx.progress {
                report(progress);
            }
        }
    });
    outcome
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
    fn run<C: Cell>(&self, input: &Arc<Plan>, ctx: &Context<'_>) -> Result<ArrayD<f64>, ExecError> {
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
                if reduce_source_directly(input, tile, self.axes, &mut cells, ctx.cancel)? {
                    return Ok(cells);
                }
                for_each_strip(input, tile, ctx.cancel, |strip, values| {
                    let mut target = cells.slice_each_axis_mut(|ax| {
                        let a = kept[ax.axis.index()];
                        let from = strip.start[a] - tile.start[a];
                        Slice::from(from..from + strip.shape[a])
                    });
                    accumulate::<C>(values.view(), self.axes, &kept, &mut target);
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

/// The fused fast path for the commonest plans, a reduction straight over a source (or a box
/// of one) along its leading axes (e.g. `mean("time")`): every row folds into the same cells.
/// Returns false when the plan has another shape.
fn reduce_source_directly<C: Cell>(
    input: &Plan,
    tile: &Tile,
    axes: &[usize],
    cells: &mut ArrayD<C>,
    cancel: &CancelToken,
) -> Result<bool, ExecError> {
    let is_prefix = !axes.is_empty() && axes.iter().enumerate().all(|(i, &a)| a == i);
    if !is_prefix {
        return Ok(false);
    }
    let Some(slots) = cells.as_slice_mut() else {
        return Ok(false);
    };
    let width = slots.len();
    fold_rows(input, tile, (slots, width), &|_| Some(0), cancel)
}

/// Adds one strip's values, reduced over `axes`, into `target` (cells shaped like the kept
/// axes of the strip), in a fixed order.
fn accumulate<C: Cell>(
    values: ArrayViewD<'_, f64>,
    axes: &[usize],
    kept: &[usize],
    target: &mut ArrayViewMutD<'_, C>,
) {
    let kept_shape: Vec<usize> = kept.iter().map(|&a| values.len_of(Axis(a))).collect();
    let cells: usize = kept_shape.iter().product();
    let is_prefix = axes.iter().enumerate().all(|(i, &a)| a == i);
    if is_prefix && !axes.is_empty() && axes.len() < values.ndim() {
        // Reduced axes lead (e.g. time first): add each slab element-wise, contiguously.
        let values = values.as_standard_layout();
        if let Some(flat) = values.as_slice() {
            for slab in flat.chunks_exact(cells.max(1)) {
                if let Ok(slab) = ArrayViewD::from_shape(IxDyn(&kept_shape), slab) {
                    Zip::from(&mut *target)
                        .and(&slab)
                        .for_each(|cell, &x| cell.push(x));
                }
            }
        }
        return;
    }
    // Otherwise put the reduced axes last (copying when needed) and fold each row.
    let order: Vec<usize> = kept.iter().chain(axes).copied().collect();
    let permuted = values.permuted_axes(IxDyn(&order));
    let values = permuted.as_standard_layout();
    if let Some(flat) = values.as_slice() {
        let row = (flat.len() / cells.max(1)).max(1);
        for (cell, chunk) in target.iter_mut().zip(flat.chunks(row)) {
            let mut local = C::default();
            for &x in chunk {
                local.push(x);
            }
            cell.merge(&local);
        }
    }
}
