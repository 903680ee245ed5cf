//! Evaluates an element-wise plan over one region of its output, as `f64` values: reads the
//! source region, CF-decodes, selects and combines operands with broadcasting.
//!
//! A tile's source regions are read once ([`prefetch`]) in their storage dtype; the tile is then
//! evaluated strip by strip, so `f64` temporaries stay small whatever the chunk size.
//! Reductions inside the plan must have been computed first (see `run::materialize`).

use super::context::Context;
use super::error::ExecError;
use super::tiles::{strip_order, strips, Tile};
use super::CancelToken;
use crate::io::ChunkSource;
use crate::model::with_block;
use crate::model::{Block, DType, ToF64};
use crate::ops::plan::Carried;
use crate::ops::{MapOp, Node, Plan, Sel};
use ndarray::{ArrayD, Axis, IxDyn, Slice};

/// Source regions read for one tile, in storage dtype, keyed by plan node.
#[derive(Default)]
pub(crate) struct Reads {
    entries: Vec<(usize, Vec<usize>, Block)>,
}

impl Reads {
    /// The cached read of `node` containing `start .. start + shape`, and the offset within it.
    fn find(&self, node: &Plan, start: &[usize], shape: &[usize]) -> Option<(&Block, Vec<usize>)> {
        let key = std::ptr::from_ref(node) as usize;
        self.entries.iter().find_map(|(k, at, block)| {
            let inside = *k == key
                && start
                    .iter()
                    .zip(at)
                    .zip(shape)
                    .zip(block.shape())
                    .all(|(((&s, &a), &n), &have)| s >= a && s + n <= a + have);
            inside.then(|| (block, start.iter().zip(at).map(|(s, a)| s - a).collect()))
        })
    }
}

/// The source of a plan that only reads stored 64-bit integers: such values are copied as
/// they are, never through `f64` (which rounds them past 2**53).
pub(crate) fn wide_int_read(expr: &Plan) -> Option<&dyn ChunkSource> {
    match &expr.node {
        Node::Source { source, decoder }
            if decoder.is_identity() && matches!(expr.dtype(), DType::I64 | DType::U64) =>
        {
            Some(source.as_ref())
        }
        _ => None,
    }
}

/// Reads `start .. start + shape` of a source in its storage dtype.
pub(crate) fn read_region(
    source: &dyn ChunkSource,
    start: &[usize],
    shape: &[usize],
) -> Result<Block, ExecError> {
    let to_u64 = |v: &[usize]| v.iter().map(|&x| x as u64).collect::<Vec<u64>>();
    Ok(source.read_region(&to_u64(start), &to_u64(shape))?)
}

/// Reads every source region that the region `start .. start + shape` of `expr` needs.
pub(crate) fn prefetch(
    expr: &Plan,
    start: &[usize],
    shape: &[usize],
    reads: &mut Reads,
) -> Result<(), ExecError> {
    if shape.contains(&0) {
        return Ok(());
    }
    match &expr.node {
        Node::Source { source, .. } => {
            let block = read_region(source.as_ref(), start, shape)?;
            reads
                .entries
                .push((std::ptr::from_ref(expr) as usize, start.to_vec(), block));
        }
        Node::Select { input, sel } => {
            let (s, n, _) = select_region(sel, start, shape);
            prefetch(input, &s, &n, reads)?;
        }
        Node::Map { inputs, .. } => {
            for (input, axes) in inputs {
                let s: Vec<usize> = axes.iter().map(|&o| start[o]).collect();
                let n: Vec<usize> = axes.iter().map(|&o| shape[o]).collect();
                prefetch(input, &s, &n, reads)?;
            }
        }
        Node::Concat(c) => super::concat::prefetch_concat(c, start, shape, reads)?,
        Node::Rechunk(r) => prefetch(&r.input, start, shape, reads)?,
        Node::Carried(c) => {
            let (s, n, _) = resumed_region(c, start, shape);
            prefetch(&c.input, &s, &n, reads)?;
        }
        Node::Rolling(r) => {
            let (s, n) = super::window::halo(r, start, shape);
            prefetch(&r.input, &s, &n, reads)?;
        }
        Node::Memory(_)
        | Node::Scalar(_)
        | Node::Reduce { .. }
        | Node::GroupReduce(_)
        | Node::Along(_) => {}
    }
    Ok(())
}

/// The part `offset .. offset + shape` of a block's values.
fn part_of<'a, T>(
    a: &'a ArrayD<T>,
    offset: &[usize],
    shape: &[usize],
) -> ndarray::ArrayViewD<'a, T> {
    a.slice_each_axis(|ax| {
        let i = ax.axis.index();
        Slice::from(offset[i]..offset[i] + shape[i])
    })
}

/// Largest magnitude up to which every integer is exact in `f64`.
const EXACT_F64: u64 = 1 << 53;

/// Fails on a stored 64-bit integer (given by magnitude) that `f64` would round: a clear
/// error, never a nearby number. Smaller integer dtypes always fit.
fn check_exact(
    dtype: &'static str,
    magnitudes: impl Iterator<Item = u64>,
) -> Result<(), ExecError> {
    let mut magnitudes = magnitudes;
    match magnitudes.find(|&m| m > EXACT_F64) {
        Some(m) => Err(ExecError::InexactInteger {
            dtype,
            value: m.to_string(),
        }),
        None => Ok(()),
    }
}

/// The values of `expr` over the region `start .. start + shape`, from `reads` where they
/// cover it (else read directly).
pub(crate) fn eval(
    expr: &Plan,
    start: &[usize],
    shape: &[usize],
    reads: &Reads,
) -> Result<ArrayD<f64>, ExecError> {
    if shape.contains(&0) {
        return Ok(ArrayD::zeros(IxDyn(shape)));
    }
    match &expr.node {
        Node::Source { source, decoder } => {
            let fresh;
            let (block, offset) = if let Some(hit) = reads.find(expr, start, shape) {
                hit
            } else {
                fresh = read_region(source.as_ref(), start, shape)?;
                (&fresh, vec![0; shape.len()])
            };
            // A decoder makes floats of the values, in xarray too; only raw integers stay exact.
            match block {
                _ if !decoder.is_identity() => {}
                Block::I64(a) => check_exact(
                    "int64",
                    part_of(a, &offset, shape).iter().map(|x| x.unsigned_abs()),
                )?,
                Block::U64(a) => {
                    check_exact("uint64", part_of(a, &offset, shape).iter().copied())?;
                }
                _ => {}
            }
            Ok(with_block!(block, a => {
                let part = part_of(a, &offset, shape);
                if decoder.is_identity() {
                    part.mapv(ToF64::to_f64)
                } else {
                    part.mapv(|x| decoder.decode(x.to_f64()))
                }
            }))
        }
        Node::Memory(block) => Ok(slice_block(block, start, shape)),
        Node::Scalar(x) => Ok(ArrayD::from_elem(IxDyn(&[]), *x)),
        Node::Select { input, sel } => eval_select(input, sel, start, shape, reads),
        Node::Map { op, inputs } => eval_map(*op, inputs, start, shape, reads),
        Node::Rolling(r) => super::window::eval_rolling(r, start, shape, reads),
        Node::Rechunk(r) => eval(&r.input, start, shape, reads),
        Node::Carried(c) => {
            let (s, n, skip) = resumed_region(c, start, shape);
            let values = eval(&c.input, &s, &n, reads)?;
            let mut at = start.to_vec();
            at[c.axis] = c.block_of(start[c.axis]);
            let mut one = shape.to_vec();
            one[c.axis] = 1;
            let carry = eval(&c.carries, &at, &one, reads)?;
            Ok(super::whole_axis::resume(c, values, &carry, skip))
        }
        Node::Concat(c) => super::concat::eval_concat(c, start, shape, reads),
        Node::Reduce { .. } | Node::GroupReduce(_) | Node::Along(_) => {
            unreachable!("reductions are materialized before evaluation")
        }
    }
}

/// The input region a running sum over `start .. start + shape` needs (back to the start of
/// its first block), and how many leading positions of it precede the region.
fn resumed_region(
    c: &Carried,
    start: &[usize],
    shape: &[usize],
) -> (Vec<usize>, Vec<usize>, usize) {
    let from = c.starts[c.block_of(start[c.axis])];
    let skip = start[c.axis] - from;
    let mut s = start.to_vec();
    let mut n = shape.to_vec();
    s[c.axis] = from;
    n[c.axis] += skip;
    (s, n, skip)
}

fn slice_block(block: &Block, start: &[usize], shape: &[usize]) -> ArrayD<f64> {
    with_block!(block, a => a
        .slice_each_axis(|ax| {
            let i = ax.axis.index();
            Slice::from(start[i]..start[i] + shape[i])
        })
        .mapv(ToF64::to_f64))
}

/// The input region covering a selection's output region, and the positions to pick within
/// it per input axis (`None` for a dropped axis).
fn select_region(
    sel: &[Sel],
    start: &[usize],
    shape: &[usize],
) -> (Vec<usize>, Vec<usize>, Vec<Option<Vec<usize>>>) {
    let mut in_start = Vec::with_capacity(sel.len());
    let mut in_shape = Vec::with_capacity(sel.len());
    let mut picks = Vec::with_capacity(sel.len());
    let mut out_axis = 0;
    for s in sel {
        if let Sel::Index(i) = s {
            in_start.push(*i);
            in_shape.push(1);
            picks.push(None);
        } else {
            let (a, n) = (start[out_axis], shape[out_axis]);
            out_axis += 1;
            let positions: Vec<usize> = (a..a + n).map(|j| s.position(j)).collect();
            let lo = positions.iter().copied().min().unwrap_or(0);
            let hi = positions.iter().copied().max().map_or(0, |m| m + 1);
            in_start.push(lo);
            in_shape.push(hi - lo);
            picks.push(Some(positions.iter().map(|p| p - lo).collect()));
        }
    }
    (in_start, in_shape, picks)
}

fn eval_select(
    input: &Plan,
    sel: &[Sel],
    start: &[usize],
    shape: &[usize],
    reads: &Reads,
) -> Result<ArrayD<f64>, ExecError> {
    let (in_start, in_shape, picks) = select_region(sel, start, shape);
    let mut values = eval(input, &in_start, &in_shape, reads)?;
    for (axis, pick) in picks.iter().enumerate().rev() {
        values = match pick {
            None => values.index_axis_move(Axis(axis), 0),
            Some(p) if p.iter().enumerate().all(|(i, &x)| i == x) => values,
            Some(p) => values.select(Axis(axis), p),
        };
    }
    Ok(values)
}

fn eval_map(
    op: MapOp,
    inputs: &[(std::sync::Arc<Plan>, Vec<usize>)],
    start: &[usize],
    shape: &[usize],
    reads: &Reads,
) -> Result<ArrayD<f64>, ExecError> {
    let mut operands = Vec::with_capacity(inputs.len());
    for (input, axes) in inputs {
        let s: Vec<usize> = axes.iter().map(|&o| start[o]).collect();
        let n: Vec<usize> = axes.iter().map(|&o| shape[o]).collect();
        operands.push((eval(input, &s, &n, reads)?, axes.as_slice()));
    }
    Ok(op.apply_arrays(operands, shape))
}

/// Reads a tile's sources once, then hands each strip's values to `each`, in order.
pub(super) fn for_each_strip(
    plan: &Plan,
    tile: &Tile,
    cancel: &CancelToken,
    mut each: impl FnMut(&Tile, ArrayD<f64>),
) -> Result<(), ExecError> {
    let mut reads = Reads::default();
    prefetch(plan, &tile.start, &tile.shape, &mut reads)?;
    for strip in strips(tile, &strip_order(plan)) {
        cancel.check()?;
        each(&strip, eval(plan, &strip.start, &strip.shape, &reads)?);
    }
    Ok(())
}

/// A tile's values, evaluated strip by strip.
pub(super) fn read_tile(
    plan: &Plan,
    tile: &Tile,
    ctx: &Context<'_>,
) -> Result<ArrayD<f64>, ExecError> {
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
