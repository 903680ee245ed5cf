//! Merging the coordinates of aligned operands: indexes agree after alignment; other
//! coordinates that differ between operands are dropped, as xarray does, decided without
//! computing anything.

use crate::coding::TimeScale;
use crate::model::{Block, Data, DataArray, Variable};
use crate::ops::arith::plan_of;
use crate::ops::plan::{Node, Plan};
use indexmap::IndexMap;
use std::collections::HashSet;
use std::sync::Arc;

/// The coordinates of a result: every argument's, the first one's where names repeat, except
/// non-index coordinates whose values differ between arguments, which are dropped as xarray does.
pub(crate) fn merge_coords(arrays: &[&DataArray]) -> IndexMap<String, Variable> {
    let mut out: IndexMap<String, Variable> = IndexMap::new();
    let mut conflicts = HashSet::new();
    for a in arrays {
        for (k, c) in &a.coords {
            match out.get(k) {
                None => {
                    out.insert(k.clone(), c.clone());
                }
                Some(have) => {
                    // Indexes were made equal by `align`, and an index wins over a scalar
                    // coordinate of the same name (`da * w.isel(lat=0)` keeps `da.lat`).
                    let is_index = |v: &Variable| v.dims.len() == 1 && v.dims[0] == *k;
                    if is_index(c) && !is_index(have) {
                        out.insert(k.clone(), c.clone());
                    } else if !is_index(c) && !is_index(have) && !same_values(have, c) {
                        conflicts.insert(k.clone());
                    }
                }
            }
        }
    }
    out.retain(|k, _| !conflicts.contains(k));
    out
}

/// Whether two variables provably hold the same values, without computing anything: equal
/// values in memory, or lazy plans that read the same positions of the same nodes.
pub(crate) fn same_values(a: &Variable, b: &Variable) -> bool {
    let scale = |v: &Variable| TimeScale::of(v).map(TimeScale::normalized);
    let labels = crate::model::Labels::of;
    if a.dims != b.dims || scale(a) != scale(b) || labels(a) != labels(b) {
        return false;
    }
    match (&a.data, &b.data) {
        (Data::Memory(x), Data::Memory(y)) => Arc::ptr_eq(x, y) || same_block(x, y),
        (Data::Lazy(_), Data::Lazy(_)) => same_plan(&plan_of(a), &plan_of(b)),
        _ => false,
    }
}

/// Equal shapes and values (NaN equal to NaN, as xarray's `equals`).
fn same_block(x: &Block, y: &Block) -> bool {
    #[allow(clippy::float_cmp)] // exact equality is the question
    let equal = |p: &f64, q: &f64| p == q || (p.is_nan() && q.is_nan());
    x.shape() == y.shape()
        && (x == y
            || x.to_f64()
                .iter()
                .zip(y.to_f64().iter())
                .all(|(p, q)| equal(p, q)))
}

/// Positions of a base plan axis that a chain of selections reads.
#[derive(Debug, PartialEq)]
enum Pick {
    Fixed(usize),
    Positions(Vec<usize>),
}

/// The node under a chain of selections, and per axis of it the positions the chain reads.
fn flatten(e: &Plan) -> (&Plan, Vec<Pick>) {
    let Node::Select { input, sel } = &e.node else {
        let all = e.shape().iter().map(|&n| Pick::Positions((0..n).collect()));
        return (e, all.collect());
    };
    let (base, inner) = flatten(input);
    let mut axes = sel.iter();
    let picks = inner
        .into_iter()
        .map(|p| match (p, axes.next()) {
            (Pick::Positions(ps), Some(s)) => {
                let at = |j: usize| ps.get(s.position(j)).copied().unwrap_or(usize::MAX);
                match s.out_len() {
                    None => Pick::Fixed(at(0)),
                    Some(n) => Pick::Positions((0..n).map(at).collect()),
                }
            }
            (p, _) => p,
        })
        .collect();
    (base, picks)
}

/// Whether two plans compute the same values (conservative: `false` when unsure).
fn same_plan(a: &Plan, b: &Plan) -> bool {
    if std::ptr::eq(a, b) {
        return true;
    }
    if a.shape() != b.shape() || a.dtype() != b.dtype() {
        return false;
    }
    let ((base_a, picks_a), (base_b, picks_b)) = (flatten(a), flatten(b));
    picks_a == picks_b && same_node(base_a, base_b)
}

fn same_node(a: &Plan, b: &Plan) -> bool {
    if std::ptr::eq(a, b) {
        return true;
    }
    match (&a.node, &b.node) {
        (
            Node::Source { source, decoder },
            Node::Source {
                source: other_source,
                decoder: other_decoder,
            },
        ) => Arc::ptr_eq(source, other_source) && Arc::ptr_eq(decoder, other_decoder),
        (Node::Memory(x), Node::Memory(y)) => Arc::ptr_eq(x, y) || same_block(x, y),
        (Node::Scalar(x), Node::Scalar(y)) => x.to_bits() == y.to_bits() && a.dtype() == b.dtype(),
        (
            Node::Map { op, inputs },
            Node::Map {
                op: other_op,
                inputs: others,
            },
        ) => {
            op == other_op
                && inputs.len() == others.len()
                && inputs
                    .iter()
                    .zip(others)
                    .all(|((x, ax), (y, ay))| ax == ay && same_plan(x, y))
        }
        (
            Node::Reduce {
                op,
                input,
                axes,
                skipna,
                ddof,
            },
            Node::Reduce {
                op: other_op,
                input: other_input,
                axes: other_axes,
                skipna: other_skipna,
                ddof: other_ddof,
            },
        ) => {
            op == other_op
                && axes == other_axes
                && skipna == other_skipna
                && ddof == other_ddof
                && same_plan(input, other_input)
        }
        _ => false,
    }
}
