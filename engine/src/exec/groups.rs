//! Grouped reductions (groupby, resample): cells addressed by (group, kept position), filled
//! per tile for the groups the tile touches and merged in tile order, so any thread count
//! gives the same bits. Not the label maps: `ops::groupby` computes those.

use super::cells::{Cell, ExtremeCell, MomentCell, SumCell};
use super::context::Context;
use super::elementwise::{for_each_strip, read_tile};
use super::error::ExecError;
use super::fused::fold_rows;
use super::run::run_tile_list;
use super::tiles::{region, tiles, Memory, Tile};
use crate::ops::plan::NO_GROUP;
use crate::ops::{GroupReduce, Plan, ReduceOp};
use ndarray::{ArrayD, Axis, IxDyn, Zip};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Rows per group a tile should hold: below this, folding partial cells costs more than the
/// reading they summarise (monthly chunks of a year grouped by month give one row per group).
const ROWS_PER_GROUP: usize = 4;

/// Fewest tiles joining may leave, so the pool stays busy. A constant, not the thread count:
/// the tiles decide the fold order and so the bits of the result.
const MIN_TILES: usize = 8;

/// Computes a grouped reduction of `input` (element-wise, reductions already computed) to
/// values shaped `out_shape`.
pub(super) fn reduce_groups(
    g: &GroupReduce,
    input: &Arc<Plan>,
    out_shape: &[usize],
    ctx: &Context<'_>,
) -> Result<ArrayD<f64>, ExecError> {
    match g.op {
        ReduceOp::Sum | ReduceOp::Mean | ReduceOp::Count => {
            run::<SumCell>(g, input, out_shape, ctx)
        }
        ReduceOp::Std | ReduceOp::Var => run::<MomentCell>(g, input, out_shape, ctx),
        ReduceOp::Min => run::<ExtremeCell<false>>(g, input, out_shape, ctx),
        ReduceOp::Max => run::<ExtremeCell<true>>(g, input, out_shape, ctx),
    }
}

/// The input axis of output axis `a` of a view with the grouped axis removed.
fn full_axis(a: usize, grouped: usize) -> usize {
    if a >= grouped {
        a + 1
    } else {
        a
    }
}

/// The groups positions `span` belong to, ascending (positions in no group left out).
fn present_groups(span: &[usize]) -> Vec<usize> {
    let mut present: Vec<usize> = span.iter().copied().filter(|&x| x != NO_GROUP).collect();
    present.sort_unstable();
    present.dedup();
    present
}

/// The input's chunk tiles, runs of consecutive ones along the grouped axis joined so each
/// holds about [`ROWS_PER_GROUP`] rows per group it touches.
fn grouped_tiles(input: &Plan, g: &GroupReduce) -> Result<Vec<Tile>, ExecError> {
    let base = tiles(input)?;
    let axis = g.axis;
    let Some(first) = base.first() else {
        return Ok(base);
    };
    let rows = first.shape[axis].max(1);
    let along = input.shape()[axis].div_ceil(rows);
    let most = (base.len() / MIN_TILES).clamp(1, along.max(1));
    let rows_per_group = |joined: usize| {
        let span = &g.groups[..(rows * joined).min(g.groups.len())];
        span.len() / present_groups(span).len().max(1)
    };
    let factor = (1..=most)
        .find(|&f| rows_per_group(f) >= ROWS_PER_GROUP)
        .unwrap_or(most);
    if factor == 1 {
        return Ok(base);
    }
    // Tiles sharing their other starts and the same run along the axis become one, kept in
    // the order their first member came.
    let mut joined: Vec<Tile> = Vec::new();
    let mut slot: HashMap<(usize, Vec<usize>), usize> = HashMap::new();
    for t in base {
        let run = t.start[axis] / (rows * factor);
        let mut others = t.start.clone();
        others[axis] = 0;
        if let Some(&i) = slot.get(&(run, others.clone())) {
            let j = &mut joined[i];
            let end = (j.start[axis] + j.shape[axis]).max(t.start[axis] + t.shape[axis]);
            j.start[axis] = j.start[axis].min(t.start[axis]);
            j.shape[axis] = end - j.start[axis];
        } else {
            slot.insert((run, others), joined.len());
            joined.push(t);
        }
    }
    Ok(joined)
}

/// `tile` cut along `axis` where the input's chunks (of sizes `sizes` along it) end.
fn chunk_parts(tile: &Tile, axis: usize, sizes: &[usize]) -> Vec<Tile> {
    let (from, to) = (tile.start[axis], tile.start[axis] + tile.shape[axis]);
    let mut parts = Vec::new();
    let mut edge = 0;
    for &n in sizes {
        let (lo, hi) = (edge.max(from), (edge + n).min(to));
        if lo < hi {
            let mut part = tile.clone();
            part.start[axis] = lo;
            part.shape[axis] = hi - lo;
            parts.push(part);
        }
        edge += n;
    }
    parts
}

/// Folded tiles' cell buffers, handed to the next tiles: a fresh buffer of tens of MB per tile
/// cost more in page faults than filling its cells. Holds at most as many as were in flight.
struct Spare<C>(Mutex<Vec<Vec<C>>>);

impl<C> Default for Spare<C> {
    fn default() -> Self {
        Self(Mutex::new(Vec::new()))
    }
}

impl<C: Cell> Spare<C> {
    /// Empty cells shaped `shape`, in a spare buffer if there is one.
    fn take(&self, shape: &[usize]) -> ArrayD<C> {
        let mut buffer = self
            .0
            .lock()
            .ok()
            .and_then(|mut b| b.pop())
            .unwrap_or_default();
        buffer.clear();
        buffer.resize(shape.iter().product(), C::default());
        ArrayD::from_shape_vec(IxDyn(shape), buffer)
            .unwrap_or_else(|_| ArrayD::default(IxDyn(shape)))
    }

    /// Keeps a folded tile's cells for reuse.
    fn put(&self, cells: ArrayD<C>) {
        if let Ok(mut spare) = self.0.lock() {
            spare.push(cells.into_raw_vec_and_offset().0);
        }
    }
}

/// What a tile hands to the in-order fold.
enum Part<C> {
    /// Partial cells of the groups present (ascending), stacked along the grouped axis.
    Cells(Vec<usize>, ArrayD<C>),
    /// The tile's values, for tiles with about one row per group.
    Rows(ArrayD<f64>),
}

fn run<C: Cell>(
    g: &GroupReduce,
    input: &Arc<Plan>,
    out_shape: &[usize],
    ctx: &Context<'_>,
) -> Result<ArrayD<f64>, ExecError> {
    let axis = g.axis;
    let count = g.count(out_shape);
    let cuts = input.chunk_sizes().swap_remove(axis);
    let spare = Spare::<C>::default();
    let mut acc = ArrayD::<C>::default(IxDyn(out_shape));
    let cell = std::mem::size_of::<C>() as u64;
    let memory = Memory {
        fixed: acc.len() as u64 * cell,
        // A tile holds cells for at most as many groups as it has positions, or its values.
        per_tile: |t: &Tile| {
            let n = t.shape[axis].max(1);
            ((t.len() / n * n.min(count.max(1))) as u64 * cell).max(t.len() as u64 * 8)
        },
    };
    run_tile_list(
        input,
        &grouped_tiles(input, g)?,
        ctx,
        &memory,
        |tile| {
            let span = &g.groups[tile.start[axis]..tile.start[axis] + tile.shape[axis]];
            // A group's slot in this tile is its rank among the groups the tile touches.
            let present = present_groups(span);
            if span.len() < 2 * present.len() {
                // Barely more rows than groups (monthly data grouped by month): partial cells
                // would outweigh the values, so hand the values over and add them in order.
                return Ok(Part::Rows(read_tile(input, tile, ctx)?));
            }
            let mut shape = tile.shape.clone();
            shape[axis] = present.len();
            let mut cells = spare.take(&shape);
            // Grouped along the first axis of a source: stream the tile's rows into the cells
            // of their groups, never holding the decoded tile.
            if axis == 0 {
                if let Some(flat) = cells.as_slice_mut() {
                    let width = tile.shape[1..].iter().product();
                    // Chunk by chunk, so each is streamed in slabs rather than read whole.
                    let mut streamed = true;
                    for part in chunk_parts(tile, axis, &cuts) {
                        let skip = part.start[axis] - tile.start[axis];
                        let slot_of = |k: usize| present.binary_search(&span[skip + k]).ok();
                        let folded = (&mut *flat, width);
                        streamed = fold_rows(input, &part, folded, &slot_of, ctx.cancel)?;
                        if !streamed {
                            break;
                        }
                    }
                    if streamed {
                        return Ok(Part::Cells(present, cells));
                    }
                }
            }
            for_each_strip(input, tile, ctx.cancel, |strip, values| {
                for k in 0..strip.shape[axis] {
                    let group = g.groups[strip.start[axis] + k];
                    let Ok(slot) = present.binary_search(&group) else {
                        continue; // no group: a missing time
                    };
                    let row = values.index_axis(Axis(axis), k);
                    let mut slab = cells.index_axis_mut(Axis(axis), slot);
                    let mut target = slab.slice_each_axis_mut(|ax| {
                        let a = full_axis(ax.axis.index(), axis);
                        let from = strip.start[a] - tile.start[a];
                        ndarray::Slice::from(from..from + strip.shape[a])
                    });
                    Zip::from(&mut target).and(&row).for_each(|c, &x| c.push(x));
                }
            })?;
            Ok(Part::Cells(present, cells))
        },
        |tile, part| match part {
            Part::Cells(present, part) => {
                for (slot, &group) in present.iter().enumerate() {
                    let mut slab = acc.index_axis_mut(Axis(axis), group);
                    let mut target = slab
                        .slice_each_axis_mut(|ax| region(tile, full_axis(ax.axis.index(), axis)));
                    Zip::from(&mut target)
                        .and(&part.index_axis(Axis(axis), slot))
                        .for_each(Cell::merge);
                }
                spare.put(part);
            }
            Part::Rows(values) => {
                for (k, row) in values.axis_iter(Axis(axis)).enumerate() {
                    let group = g.groups[tile.start[axis] + k];
                    if group == NO_GROUP {
                        continue;
                    }
                    let mut slab = acc.index_axis_mut(Axis(axis), group);
                    let mut target = slab
                        .slice_each_axis_mut(|ax| region(tile, full_axis(ax.axis.index(), axis)));
                    Zip::from(&mut target).and(&row).for_each(|c, &x| c.push(x));
                }
            }
        },
    )?;
    let mut out = acc.mapv(|c| c.finish(g.op, g.skipna, g.ddof));
    if g.empty_nan {
        let mut sizes = vec![0usize; count];
        for &group in g.groups.iter().filter(|&&x| x != NO_GROUP) {
            sizes[group] += 1;
        }
        for (group, _) in sizes.iter().enumerate().filter(|(_, &n)| n == 0) {
            out.index_axis_mut(Axis(axis), group).fill(f64::NAN);
        }
    }
    Ok(out)
}
