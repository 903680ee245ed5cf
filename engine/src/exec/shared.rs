//! Reads a plan repeats are done once: a small region of a source that several parts of the
//! plan read (a box's climatology and the box's anomalies) is read, decoded and held, and the
//! plan reads it from memory.
//!
//! Each reduction inside a plan is its own pass over the data, so without this a climatology
//! and the anomalies subtracting it read and decompress every chunk twice. A region is held
//! when it is a sparse part of the chunks it lies in (reading it again would decompress
//! [`SPARSITY`] times its size or more) and takes at most [`SHARE_FRACTION`] of the memory
//! budget; what is held is taken off the budget the rest of the computation streams in. Whole
//! arrays and dense regions stream again: passes over them from memory are no faster than
//! decoding, and holding them would cost memory for nothing.

use super::context::Context;
use super::error::ExecError;
use super::run::compute_plan;
use crate::ops::{Node, Plan, Rechunk, Sel};
use std::sync::Arc;

/// A repeated read is held when it takes at most this fraction of the memory budget.
pub(super) const SHARE_FRACTION: u64 = 16;

/// A repeated read is held when the chunks it lies in are at least this many times its size.
const SPARSITY: usize = 4;

/// A read: a selection of a source.
#[derive(PartialEq)]
struct Key {
    source: usize,
    sel: Vec<Sel>,
}

/// The read `e` is, if it is a selection of a source.
fn key(e: &Plan) -> Option<Key> {
    match &e.node {
        Node::Select { input, sel } if matches!(input.node, Node::Source { .. }) => Some(Key {
            source: std::ptr::from_ref(input.as_ref()) as usize,
            sel: sel.clone(),
        }),
        _ => None,
    }
}

/// Whether the storage chunks a selection touches hold [`SPARSITY`] times its elements.
fn sparse(read: &Plan) -> bool {
    let Node::Select { input, sel } = &read.node else {
        return false;
    };
    let Node::Source { source, .. } = &input.node else {
        return false;
    };
    let mut covered: usize = 1;
    for ((s, &n), &c) in sel.iter().zip(input.shape()).zip(source.chunks()) {
        let c = usize::try_from(c.max(1)).unwrap_or(usize::MAX);
        let positions: Vec<usize> = match s.out_len() {
            None => vec![s.position(0)],
            Some(len) => (0..len).map(|j| s.position(j)).collect(),
        };
        let mut chunks: Vec<usize> = positions.iter().map(|p| p / c).collect();
        chunks.sort_unstable();
        chunks.dedup();
        let along: usize = chunks.iter().map(|k| c.min(n - k * c)).sum();
        covered = covered.saturating_mul(along);
    }
    covered / SPARSITY >= read.shape().iter().product::<usize>().max(1)
}

/// Counts every read of the plan, one per place it occurs.
fn count(e: &Arc<Plan>, seen: &mut Vec<(Key, Arc<Plan>, usize)>) {
    if let Some(k) = key(e) {
        match seen.iter_mut().find(|(have, _, _)| *have == k) {
            Some((_, _, n)) => *n += 1,
            None => seen.push((k, Arc::clone(e), 1)),
        }
        return;
    }
    for input in e.inputs() {
        count(input, seen);
    }
}

/// `e` with the held reads served from memory.
fn replace(e: &Arc<Plan>, held: &[(Key, Arc<Plan>)]) -> Arc<Plan> {
    if let Some(k) = key(e) {
        return held
            .iter()
            .find(|(have, _)| *have == k)
            .map_or_else(|| Arc::clone(e), |(_, m)| Arc::clone(m));
    }
    e.with_inputs(e.inputs().into_iter().map(|i| replace(i, held)).collect())
}

/// `read` computed into memory once, tiled by `splits` (interior edges per axis).
pub(super) fn held_in_memory(
    read: &Arc<Plan>,
    splits: Vec<Vec<usize>>,
    ctx: &Context<'_>,
) -> Result<Arc<Plan>, ExecError> {
    let block = Plan::memory(Arc::new(compute_plan(read, ctx)?));
    Ok(Rechunk::over(block, splits))
}

/// The plan with its small repeated reads loaded once, and the budget left for the rest.
pub(super) fn hold_repeated_reads(
    expr: &Arc<Plan>,
    ctx: &Context<'_>,
) -> Result<(Arc<Plan>, u64), ExecError> {
    let budget = ctx.config.memory_budget;
    let mut seen = Vec::new();
    count(expr, &mut seen);
    let mut held = Vec::new();
    let mut held_bytes = 0;
    for (k, read, n) in seen {
        let bytes = read.shape().iter().product::<usize>() as u64 * read.dtype().size() as u64;
        if n < 2 || !sparse(&read) || held_bytes + bytes > budget / SHARE_FRACTION {
            continue;
        }
        held_bytes += bytes;
        // Tiled as the storage was, so later passes still run chunk by chunk in parallel.
        let tiled = held_in_memory(&read, read.splits(), ctx)?;
        held.push((k, tiled));
    }
    if held.is_empty() {
        return Ok((Arc::clone(expr), budget));
    }
    Ok((replace(expr, &held), budget.saturating_sub(held_bytes)))
}
