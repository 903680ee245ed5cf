//! The logical plan: an expression tree over chunked sources, with its shape, dtype and chunks.
//!
//! Data only: building a node computes nothing and reads nothing; `exec` runs plans.

mod map;
mod nodes;

pub use map::MapOp;
pub use nodes::{
    block_at, Along, AlongOp, Carried, Concat, GroupReduce, Rechunk, Rolling, NO_GROUP,
};

use crate::coding::CfDecoder;
use crate::io::ChunkSource;
use crate::model::{Block, DType, LazyArray};
use std::any::Any;
use std::sync::Arc;

/// Reductions over dimensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReduceOp {
    /// Sum.
    Sum,
    /// Arithmetic mean.
    Mean,
    /// Minimum.
    Min,
    /// Maximum.
    Max,
    /// Standard deviation with `ddof`.
    Std,
    /// Variance with `ddof`.
    Var,
    /// Number of non-missing values.
    Count,
}

impl ReduceOp {
    /// Whether a Dataset reduction drops the variables that do not hold numbers (xarray's
    /// `numeric_only=True` for mean, sum, std and var): strings here.
    pub fn numeric_only(self) -> bool {
        matches!(
            self,
            ReduceOp::Mean | ReduceOp::Sum | ReduceOp::Std | ReduceOp::Var
        )
    }

    /// The method name, as xarray spells it.
    pub fn name(self) -> &'static str {
        match self {
            ReduceOp::Sum => "sum",
            ReduceOp::Mean => "mean",
            ReduceOp::Min => "min",
            ReduceOp::Max => "max",
            ReduceOp::Std => "std",
            ReduceOp::Var => "var",
            ReduceOp::Count => "count",
        }
    }
}

/// How one input axis is selected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sel {
    /// One position; the axis is dropped.
    Index(usize),
    /// `len` positions from `start` every `step` (step >= 1).
    Range {
        /// First position.
        start: usize,
        /// Step between positions.
        step: usize,
        /// Number of positions.
        len: usize,
    },
    /// Arbitrary positions, in order.
    List(Vec<usize>),
}

impl Sel {
    /// Every position of an axis of length `n`.
    pub fn all(n: usize) -> Self {
        Sel::Range {
            start: 0,
            step: 1,
            len: n,
        }
    }

    /// For an input of `shape`: `positions` along `axis`, every other axis whole.
    pub fn take(shape: &[usize], axis: usize, positions: Vec<usize>) -> Vec<Sel> {
        let mut sel: Vec<Sel> = shape.iter().map(|&n| Sel::all(n)).collect();
        if let Some(s) = sel.get_mut(axis) {
            *s = Sel::List(positions);
        }
        sel
    }

    /// Output length along this axis, or `None` if the axis is dropped.
    pub fn out_len(&self) -> Option<usize> {
        match self {
            Sel::Index(_) => None,
            Sel::Range { len, .. } => Some(*len),
            Sel::List(v) => Some(v.len()),
        }
    }

    /// The input position of output position `j`.
    pub fn position(&self, j: usize) -> usize {
        match self {
            Sel::Index(i) => *i,
            Sel::Range { start, step, .. } => start + j * step,
            Sel::List(v) => v[j],
        }
    }
}

/// A node of the plan.
#[derive(Debug)]
pub enum Node {
    /// An array in storage, CF-decoded on the fly.
    Source {
        /// The reader.
        source: Arc<dyn ChunkSource>,
        /// CF decoding applied to every element.
        decoder: Arc<CfDecoder>,
    },
    /// Values in memory.
    Memory(Arc<Block>),
    /// A Python scalar: it takes the other operand's dtype where numpy would (NEP 50). The
    /// node's dtype says which Python type it was: `int64` an int, `float64` a float, `bool`.
    Scalar(f64),
    /// Positions selected along each input axis.
    Select {
        /// The input.
        input: Arc<Plan>,
        /// One per input axis.
        sel: Vec<Sel>,
    },
    /// An element-wise operation with broadcasting: each input comes with, for each of its
    /// axes, the output axis it maps to.
    Map {
        /// The operation.
        op: MapOp,
        /// Inputs with their axis maps.
        inputs: Vec<(Arc<Plan>, Vec<usize>)>,
    },
    /// A reduction over some axes of the input.
    Reduce {
        /// The reduction.
        op: ReduceOp,
        /// The input.
        input: Arc<Plan>,
        /// Reduced input axes, ascending.
        axes: Vec<usize>,
        /// Skip NaN.
        skipna: bool,
        /// Delta degrees of freedom for std and var.
        ddof: u32,
    },
    /// A reduction by group along one axis (groupby, resample).
    GroupReduce(GroupReduce),
    /// A moving-window reduction along one axis (rolling).
    Rolling(Rolling),
    /// An operation needing whole axes: cumsum, argmin/argmax, median/quantile.
    Along(Along),
    /// A running sum resumed from per-block carries (what `exec` runs a cumsum as).
    Carried(Carried),
    /// The input's values tiled by other chunks (`.chunk(...)`).
    Rechunk(Rechunk),
    /// Inputs laid end to end along one axis (concat).
    Concat(Concat),
}

/// A plan node with its shape and dtype.
#[derive(Debug)]
pub struct Plan {
    /// What to compute.
    pub node: Node,
    shape: Vec<usize>,
    dtype: DType,
    /// Nodes on the longest path down to a leaf (1 for a leaf).
    depth: usize,
    /// Whether no node below reads a store or tiles into chunks (see
    /// [`Plan::is_numpy_backed`]); kept per node so the question costs nothing.
    numpy: bool,
}

impl Plan {
    /// Wraps a node whose shape and dtype the caller computed.
    pub(crate) fn new(node: Node, shape: Vec<usize>, dtype: DType) -> Arc<Self> {
        let numpy = !matches!(node, Node::Source { .. } | Node::Rechunk(_));
        let mut expr = Self {
            node,
            shape,
            dtype,
            depth: 1,
            numpy,
        };
        expr.depth = 1 + expr.inputs().iter().map(|i| i.depth).max().unwrap_or(0);
        expr.numpy &= expr.inputs().iter().all(|i| i.numpy);
        Arc::new(expr)
    }

    /// Nodes on the longest path from this one down to a leaf: how deep the executor, which
    /// walks plans recursively, recurses.
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// A source node.
    pub fn source(source: Arc<dyn ChunkSource>, decoder: CfDecoder) -> Arc<Self> {
        let shape = source
            .shape()
            .iter()
            .map(|&n| usize::try_from(n).unwrap_or(usize::MAX))
            .collect();
        let dtype = decoder.dtype();
        Self::new(
            Node::Source {
                source,
                decoder: Arc::new(decoder),
            },
            shape,
            dtype,
        )
    }

    /// An in-memory node.
    pub fn memory(block: Arc<Block>) -> Arc<Self> {
        let shape = block.shape().to_vec();
        let dtype = block.dtype();
        Self::new(Node::Memory(block), shape, dtype)
    }

    /// The shape.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// The dtype.
    pub fn dtype(&self) -> DType {
        self.dtype
    }

    /// Whether this is a Python scalar (weak dtype).
    pub fn is_scalar(&self) -> bool {
        matches!(self.node, Node::Scalar(_))
    }

    /// Root-to-leaf paths through the plan (a shared sub-plan counts once per path to it),
    /// counted in time linear in its distinct nodes; saturates at `u64::MAX`.
    pub fn paths(self: &Arc<Self>) -> u64 {
        fn walk(e: &Arc<Plan>, seen: &mut std::collections::HashMap<usize, u64>) -> u64 {
            let key = Arc::as_ptr(e) as usize;
            if let Some(&n) = seen.get(&key) {
                return n;
            }
            let inputs = e.inputs();
            let n = if inputs.is_empty() {
                1
            } else {
                inputs
                    .into_iter()
                    .fold(0u64, |acc, i| acc.saturating_add(walk(i, seen)))
            };
            seen.insert(key, n);
            n
        }
        walk(self, &mut std::collections::HashMap::new())
    }

    /// The stored arrays the plan reads, each node once; walked with a stack of its own, as
    /// plans built in a loop are thousands of nodes deep.
    pub fn sources(self: &Arc<Self>) -> Vec<Arc<dyn ChunkSource>> {
        let mut seen = std::collections::HashSet::new();
        let mut stack = vec![self];
        let mut found = Vec::new();
        while let Some(e) = stack.pop() {
            if !seen.insert(Arc::as_ptr(e) as usize) {
                continue;
            }
            if let Node::Source { source, .. } = &e.node {
                found.push(Arc::clone(source));
            }
            stack.extend(e.inputs());
        }
        found
    }

    /// Whether the plan reads no store and tiles nothing into chunks (`.chunk()`): what
    /// xarray would hold as numpy arrays, and so compute at once.
    pub fn is_numpy_backed(&self) -> bool {
        self.numpy
    }

    /// The node's inputs, in a fixed order ([`Plan::with_inputs`] takes them back in it).
    pub fn inputs(&self) -> Vec<&Arc<Plan>> {
        match &self.node {
            Node::Source { .. } | Node::Memory(_) | Node::Scalar(_) => Vec::new(),
            Node::Select { input, .. } | Node::Reduce { input, .. } => vec![input],
            Node::Map { inputs, .. } => inputs.iter().map(|(i, _)| i).collect(),
            Node::GroupReduce(g) => vec![&g.input],
            Node::Rolling(r) => vec![&r.input],
            Node::Along(a) => vec![&a.input],
            Node::Rechunk(r) => vec![&r.input],
            Node::Carried(c) => vec![&c.input, &c.carries],
            Node::Concat(c) => c.inputs.iter().collect(),
        }
    }

    /// The same node over other inputs of the same shapes (in [`Plan::inputs`] order); `self`
    /// itself when they are the same nodes.
    pub fn with_inputs(self: &Arc<Self>, new: Vec<Arc<Plan>>) -> Arc<Plan> {
        if self
            .inputs()
            .into_iter()
            .zip(&new)
            .all(|(a, b)| Arc::ptr_eq(a, b))
        {
            return Arc::clone(self);
        }
        self.reshaped_with(new, self.shape.clone())
    }

    /// The same node over other inputs, giving `shape` (what selecting the inputs along axes
    /// the node keeps gives).
    pub(crate) fn reshaped_with(
        self: &Arc<Self>,
        new: Vec<Arc<Plan>>,
        shape: Vec<usize>,
    ) -> Arc<Plan> {
        let mut new = new.into_iter();
        let mut next = || {
            new.next()
                .unwrap_or_else(|| unreachable!("one input per input"))
        };
        let node = match &self.node {
            Node::Source { .. } | Node::Memory(_) | Node::Scalar(_) => return Arc::clone(self),
            Node::Select { sel, .. } => Node::Select {
                input: next(),
                sel: sel.clone(),
            },
            Node::Reduce {
                op,
                axes,
                skipna,
                ddof,
                ..
            } => Node::Reduce {
                op: *op,
                input: next(),
                axes: axes.clone(),
                skipna: *skipna,
                ddof: *ddof,
            },
            Node::Map { op, inputs } => Node::Map {
                op: *op,
                inputs: inputs
                    .iter()
                    .map(|(_, axes)| (next(), axes.clone()))
                    .collect(),
            },
            Node::GroupReduce(g) => Node::GroupReduce(GroupReduce {
                input: next(),
                groups: Arc::clone(&g.groups),
                ..*g
            }),
            Node::Rolling(r) => Node::Rolling(Rolling {
                input: next(),
                ..*r
            }),
            Node::Along(a) => Node::Along(Along {
                op: a.op.clone(),
                input: next(),
                axes: a.axes.clone(),
                skipna: a.skipna,
            }),
            Node::Rechunk(r) => Node::Rechunk(Rechunk {
                input: next(),
                splits: r.splits.clone(),
            }),
            Node::Carried(c) => Node::Carried(Carried {
                input: next(),
                carries: next(),
                starts: Arc::clone(&c.starts),
                ..*c
            }),
            Node::Concat(c) => Node::Concat(Concat {
                inputs: c.inputs.iter().map(|_| next()).collect(),
                axis: c.axis,
                offsets: c.offsets.clone(),
            }),
        };
        Plan::new(node, shape, self.dtype)
    }

    /// Chunk sizes along each axis: where storage chunks (or operands' chunks) split it.
    pub fn chunk_sizes(&self) -> Vec<Vec<usize>> {
        self.splits()
            .into_iter()
            .zip(&self.shape)
            .map(|(cuts, &n)| {
                let mut sizes = Vec::new();
                let mut prev = 0;
                for c in cuts.into_iter().chain(std::iter::once(n)) {
                    if c > prev {
                        sizes.push(c - prev);
                        prev = c;
                    }
                }
                if sizes.is_empty() {
                    sizes.push(0);
                }
                sizes
            })
            .collect()
    }

    /// Interior split points per axis (ascending, excluding 0 and the length).
    pub(crate) fn splits(&self) -> Vec<Vec<usize>> {
        match &self.node {
            Node::Source { source, .. } => source
                .chunks()
                .iter()
                .zip(&self.shape)
                .map(|(&c, &n)| {
                    let c = usize::try_from(c.max(1)).unwrap_or(usize::MAX);
                    (c..n).step_by(c).collect()
                })
                .collect(),
            Node::Memory(_) | Node::Scalar(_) | Node::GroupReduce(_) => {
                vec![Vec::new(); self.shape.len()]
            }
            // The axes left keep their chunks, as dask's reductions do.
            Node::Reduce { input, axes, .. } => input
                .splits()
                .into_iter()
                .enumerate()
                .filter(|(a, _)| !axes.contains(a))
                .map(|(_, cuts)| cuts)
                .collect(),
            Node::Rolling(r) => r.input.splits(),
            Node::Carried(c) => c.input.splits(),
            // A running sum keeps its input's chunks; the reductions are computed whole.
            Node::Along(a) if a.op == AlongOp::CumSum => a.input.splits(),
            Node::Along(_) => vec![Vec::new(); self.shape.len()],
            Node::Rechunk(r) => r.splits.clone(),
            Node::Concat(c) => c.splits(self.shape.len()),
            Node::Select { input, sel } => {
                let inner = input.splits();
                sel.iter()
                    .zip(inner)
                    .filter_map(|(s, cuts)| match s {
                        Sel::Index(_) => None,
                        Sel::List(_) => Some(Vec::new()),
                        Sel::Range { start, step, len } => Some(
                            cuts.into_iter()
                                .filter(|&c| c > *start)
                                .map(|c| (c - start).div_ceil(*step))
                                .filter(|&j| j > 0 && j < *len)
                                .collect(),
                        ),
                    })
                    .collect()
            }
            Node::Map { inputs, .. } => {
                let mut out = vec![Vec::new(); self.shape.len()];
                for (k, (input, axes)) in inputs.iter().enumerate() {
                    // An operand used twice (`a + a`) is walked once: plans built by doubling
                    // stay linear here.
                    if inputs[..k]
                        .iter()
                        .any(|(other, at)| Arc::ptr_eq(other, input) && at == axes)
                    {
                        continue;
                    }
                    for (cuts, &o) in input.splits().into_iter().zip(axes) {
                        out[o].extend(cuts);
                    }
                }
                for cuts in &mut out {
                    cuts.sort_unstable();
                    cuts.dedup();
                }
                out
            }
        }
    }
}

impl LazyArray for Plan {
    fn shape(&self) -> &[usize] {
        &self.shape
    }

    fn dtype(&self) -> DType {
        self.dtype
    }

    fn chunks(&self) -> Vec<Vec<usize>> {
        self.chunk_sizes()
    }

    fn as_any_arc(self: Arc<Self>) -> Arc<dyn Any + Send + Sync> {
        self
    }
}
