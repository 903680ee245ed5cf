//! The fused streaming path: a reduction straight over a source (or a contiguous box of one)
//! along its first axis reads each tile in slabs of whole rows and folds each decoded value
//! into its cell in one pass, with no `f64` copy of the tile and no whole decoded chunk held.

use super::cancel::Cancelled;
use super::cells::Cell;
use super::error::ExecError;
use super::tiles::Tile;
use super::CancelToken;
use crate::coding::CfDecoder;
use crate::io::with_slab;
use crate::io::ChunkSource;
use crate::model::ToF64;
use crate::ops::{Node, Plan, Sel};
use std::ops::ControlFlow;
use std::sync::Arc;

/// Cells updated together: 2048 cells of at most 40 bytes stay in L2.
const CELL_BLOCK: usize = 2048;

/// Decoded bytes per slab: whole blosc blocks, a few per slab, and small enough that a slab is
/// still in cache when it is added to the cells.
const SLAB_BYTES: u64 = 4 << 20;

/// The source under `input` and where `input`'s origin lies in it, when `input` is a source or
/// a contiguous box of one (`sel` with slices).
pub(super) fn fused_source(
    input: &Plan,
) -> Option<(&Arc<dyn ChunkSource>, &CfDecoder, Vec<usize>)> {
    match &input.node {
        Node::Source { source, decoder } => {
            Some((source, decoder.as_ref(), vec![0; input.shape().len()]))
        }
        Node::Select { input, sel } => {
            let Node::Source { source, decoder } = &input.node else {
                return None;
            };
            let starts: Option<Vec<usize>> = sel
                .iter()
                .map(|s| match s {
                    Sel::Range { start, step: 1, .. } => Some(*start),
                    _ => None,
                })
                .collect();
            starts.map(|starts| (source, decoder.as_ref(), starts))
        }
        _ => None,
    }
}

/// Folds every row of `tile` into the cells `slot_of(row)` picks, where a row is `width`
/// consecutive values in C order (the trailing axes a reduction keeps: one index of axis 0
/// for a grouped reduction, one index of all the reduced leading axes for a plain one).
/// `cells` holds slots of `width` cells each; a row whose slot is `None` is skipped. Returns
/// false, touching nothing, when `input` is not a source or a box of one.
pub(super) fn fold_rows<C: Cell>(
    input: &Plan,
    tile: &Tile,
    (cells, width): (&mut [C], usize),
    slot_of: &dyn Fn(usize) -> Option<usize>,
    cancel: &CancelToken,
) -> Result<bool, ExecError> {
    let Some((source, decoder, offset)) = fused_source(input) else {
        return Ok(false);
    };
    if tile.len() == 0 || width == 0 {
        return Ok(false);
    }
    let to_u64 = |v: &[usize]| v.iter().map(|&x| x as u64).collect::<Vec<u64>>();
    let start: Vec<usize> = tile.start.iter().zip(&offset).map(|(t, o)| t + o).collect();
    let mut failed = None;
    let mut row = 0;
    source.read_region_slabs(
        &to_u64(&start),
        &to_u64(&tile.shape),
        SLAB_BYTES,
        &mut |slab| {
            let first = row;
            let folded = with_slab!(slab, flat => {
                row += flat.len() / width;
                fold_slab(cells, width, flat, decoder, &|k| slot_of(first + k), cancel)
            });
            match folded {
                Ok(()) => ControlFlow::Continue(()),
                Err(e) => {
                    failed = Some(e);
                    ControlFlow::Break(())
                }
            }
        },
    )?;
    failed.map_or(Ok(true), |e| Err(e.into()))
}

/// Adds a slab of stored values (whole rows of `width` values, C order) to the cells: row `k`
/// goes to slot `slot_of(k)` of `cells`.
fn fold_slab<C: Cell, T: ToF64>(
    cells: &mut [C],
    width: usize,
    flat: &[T],
    decoder: &CfDecoder,
    slot_of: &dyn Fn(usize) -> Option<usize>,
    cancel: &CancelToken,
) -> Result<(), Cancelled> {
    let rows = flat.len() / width;
    // Decoded values of one row of a cell block, reused: decoding a row in one tight loop
    // vectorises, which decoding inside the accumulation loop does not.
    let mut buffer = [0.0; CELL_BLOCK];
    if width == 1 {
        // One cell per row: runs of rows into the same cell add up in a register.
        let mut k = 0;
        while k < rows {
            let slot = slot_of(k);
            let mut end = k + 1;
            while end < rows && end - k < CELL_BLOCK && slot_of(end) == slot {
                end += 1;
            }
            if let Some(slot) = slot {
                let values = &mut buffer[..end - k];
                decoder.decode_run(&flat[k..end], values);
                let mut local = C::default();
                for &x in values.iter() {
                    local.push(x);
                }
                cells[slot].merge(&local);
            }
            k = end;
        }
        return Ok(());
    }
    // Loop tiling: a block of cells stays in cache while every row adds to it, instead of
    // streaming the whole accumulator through memory once per row.
    for first in (0..width).step_by(CELL_BLOCK) {
        cancel.check()?;
        let len = CELL_BLOCK.min(width - first);
        let values = &mut buffer[..len];
        for k in 0..rows {
            let Some(slot) = slot_of(k) else {
                continue;
            };
            let at = k * width + first;
            decoder.decode_run(&flat[at..at + len], values);
            let target = slot * width + first;
            C::push_row(&mut cells[target..target + len], values);
        }
    }
    Ok(())
}
