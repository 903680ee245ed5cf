//! Plan rewrite: selections move down towards the sources, so a reduction or an element-wise
//! operation computes only the positions a later `sel`/`isel` keeps.
//!
//! `anom.sel(lat=..., lon=...)` of `anom = x.groupby("time.month") - clim` is written after the
//! climatology, but the climatology of a box needs only the box: selecting along an axis that an
//! operation keeps (every axis of an element-wise operation, the kept axes of a reduction, the
//! axes beside a grouped or rolled one) commutes with it, value for value. The rewrite never
//! changes a result's values, only which input positions are read.

use super::plan::GroupReduce;
use super::plan::Rolling;
use super::plan::{Node, Plan, Sel};
use std::sync::Arc;

/// The plan with every selection pushed as far towards its sources as it goes.
pub fn push_selections(expr: &Arc<Plan>) -> Arc<Plan> {
    match &expr.node {
        Node::Select { input, sel } => narrow(input, sel),
        // Whole-axis operations, rechunks and concats address their inputs by position: what
        // is under them is pushed on its own.
        _ => expr.with_inputs(expr.inputs().into_iter().map(push_selections).collect()),
    }
}

/// `expr` with `sel` applied (one selection per axis of `expr`), selections pushed down.
fn narrow(expr: &Arc<Plan>, sel: &[Sel]) -> Arc<Plan> {
    // A dropped axis is first kept as a length-one range, so every rule below keeps ranks;
    // it is dropped again on top.
    if sel.iter().any(|s| matches!(s, Sel::Index(_))) {
        let kept: Vec<Sel> = sel.iter().map(keep_axis).collect();
        let inner = narrow(expr, &kept);
        let drop: Vec<Sel> = sel
            .iter()
            .zip(inner.shape())
            .map(|(s, &n)| match s {
                Sel::Index(_) => Sel::Index(0),
                _ => Sel::all(n),
            })
            .collect();
        return select(inner, drop);
    }
    if sel.iter().zip(expr.shape()).all(|(s, &n)| is_whole(s, n)) {
        return push_selections(expr);
    }
    match &expr.node {
        Node::Select { input, sel: inner } => narrow(input, &compose(inner, sel)),
        Node::Map { inputs, .. } => {
            let narrowed = inputs
                .iter()
                .map(|(input, axes)| {
                    let per_axis: Vec<Sel> = input
                        .shape()
                        .iter()
                        .zip(axes)
                        .map(|(&n, &o)| {
                            // A broadcast axis of length one stays whole.
                            if n == expr.shape()[o] {
                                sel[o].clone()
                            } else {
                                Sel::all(n)
                            }
                        })
                        .collect();
                    narrow(input, &per_axis)
                })
                .collect();
            expr.reshaped_with(narrowed, selected_shape(expr.shape(), sel))
        }
        Node::Reduce { input, axes, .. } => {
            let mut kept = sel.iter();
            let per_axis: Vec<Sel> = input
                .shape()
                .iter()
                .enumerate()
                .map(|(k, &n)| {
                    if axes.contains(&k) {
                        Sel::all(n)
                    } else {
                        kept.next().cloned().unwrap_or(Sel::all(n))
                    }
                })
                .collect();
            let narrowed = vec![narrow(input, &per_axis)];
            expr.reshaped_with(narrowed, selected_shape(expr.shape(), sel))
        }
        Node::GroupReduce(GroupReduce { input, axis, .. })
        | Node::Rolling(Rolling { input, axis, .. }) => beside_axis(expr, input, *axis, sel),
        _ => select(push_selections(expr), sel.to_vec()),
    }
}

/// An operation on `input` along `axis` (grouped or rolled) with `sel` applied: the other axes
/// are selected below it, `axis` above it.
fn beside_axis(expr: &Arc<Plan>, input: &Arc<Plan>, axis: usize, sel: &[Sel]) -> Arc<Plan> {
    let below: Vec<Sel> = sel
        .iter()
        .zip(input.shape())
        .enumerate()
        .map(|(k, (s, &n))| if k == axis { Sel::all(n) } else { s.clone() })
        .collect();
    let mut shape = selected_shape(expr.shape(), sel);
    shape[axis] = expr.shape()[axis];
    let inner = expr.reshaped_with(vec![narrow(input, &below)], shape);
    let above: Vec<Sel> = sel
        .iter()
        .zip(inner.shape())
        .enumerate()
        .map(|(k, (s, &n))| if k == axis { s.clone() } else { Sel::all(n) })
        .collect();
    select(inner, above)
}

/// A selection node (merged with one under it), or `input` itself when the selection takes
/// everything.
fn select(input: Arc<Plan>, sel: Vec<Sel>) -> Arc<Plan> {
    if sel.iter().zip(input.shape()).all(|(s, &n)| is_whole(s, n)) {
        return input;
    }
    if let Node::Select {
        input: inner,
        sel: first,
    } = &input.node
    {
        return select(Arc::clone(inner), compose(first, &sel));
    }
    let shape = sel.iter().filter_map(Sel::out_len).collect();
    let dtype = input.dtype();
    Plan::new(Node::Select { input, sel }, shape, dtype)
}

/// The shape after a rank-keeping selection.
fn selected_shape(shape: &[usize], sel: &[Sel]) -> Vec<usize> {
    sel.iter()
        .zip(shape)
        .map(|(s, &n)| s.out_len().unwrap_or(n))
        .collect()
}

/// A dropping selection as a rank-keeping one.
fn keep_axis(s: &Sel) -> Sel {
    match s {
        Sel::Index(i) => Sel::Range {
            start: *i,
            step: 1,
            len: 1,
        },
        other => other.clone(),
    }
}

/// Whether `s` takes every position of an axis of length `n`, in order.
fn is_whole(s: &Sel, n: usize) -> bool {
    *s == Sel::all(n)
}

/// One selection over another's result: `outer` is per output axis of `inner` (rank-keeping).
fn compose(inner: &[Sel], outer: &[Sel]) -> Vec<Sel> {
    let mut outer = outer.iter();
    inner
        .iter()
        .map(|s| match s {
            Sel::Index(_) => s.clone(),
            _ => match outer.next() {
                Some(o) => compose_axis(s, o),
                None => s.clone(),
            },
        })
        .collect()
}

/// Positions `outer` of the positions `inner`.
fn compose_axis(inner: &Sel, outer: &Sel) -> Sel {
    match (inner, outer) {
        (
            Sel::Range { start, step, .. },
            Sel::Range {
                start: s2,
                step: t2,
                len,
            },
        ) => Sel::Range {
            start: start + s2 * step,
            step: step * t2,
            len: *len,
        },
        (_, Sel::Index(i)) => Sel::Index(inner.position(*i)),
        _ => {
            let n = outer.out_len().unwrap_or(0);
            Sel::List((0..n).map(|j| inner.position(outer.position(j))).collect())
        }
    }
}

#[cfg(test)]
mod tests;
