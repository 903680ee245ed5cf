//! Plan explanations: the tree of stages a computation will run, one line per node, with the
//! source chunking and what is fused into each chunk task.

use super::plan::{Node, Plan, Sel};
use crate::model::DataArray;
use std::fmt::Write;

impl Plan {
    /// The plan as an indented tree; per-chunk stages below a reduction run fused in one pass.
    pub fn explain(&self) -> String {
        let mut out = String::new();
        self.explain_into(&mut out, 0);
        out
    }

    fn explain_into(&self, out: &mut String, depth: usize) {
        let pad = "  ".repeat(depth);
        let head = match &self.node {
            Node::Source { source, decoder } => {
                let chunks: usize = self.chunk_sizes().iter().map(Vec::len).product();
                format!(
                    "Source {} {:?} chunks {:?} ({chunks} chunks), decode: {}",
                    source.name(),
                    self.shape(),
                    source.chunks(),
                    decoder.describe()
                )
            }
            Node::Memory(_) => format!("InMemory {:?} {}", self.shape(), self.dtype()),
            Node::Scalar(x) => format!("Scalar {x}"),
            Node::Select { sel, .. } => {
                let parts: Vec<String> = sel
                    .iter()
                    .map(|s| match s {
                        Sel::Index(i) => format!("{i}"),
                        Sel::Range { start, step, len } => {
                            format!("{start}:{}:{step}", start + step * len)
                        }
                        Sel::List(v) => format!("[{} positions]", v.len()),
                    })
                    .collect();
                format!("Select [{}] -> {:?}", parts.join(", "), self.shape())
            }
            Node::Map { op, .. } => format!("Map {op:?} -> {} {:?}", self.dtype(), self.shape()),
            Node::Reduce {
                op,
                axes,
                skipna,
                ddof,
                ..
            } => format!(
                "Reduce {} over axes {axes:?} (skipna={skipna}, ddof={ddof}) -> {} {:?}; \
                 per chunk: read, decode, element-wise ops and partial {} fused, partials folded in chunk order",
                op.name(),
                self.dtype(),
                self.shape(),
                op.name()
            ),
            Node::GroupReduce(g) => format!(
                "GroupReduce {} along axis {} into {} groups (skipna={}) -> {} {:?}; \
                 per chunk: partial {} per group fused, partials folded in chunk order",
                g.op.name(),
                g.axis,
                g.count(self.shape()),
                g.skipna,
                self.dtype(),
                self.shape(),
                g.op.name()
            ),
            Node::Concat(c) => format!(
                "Concat {} inputs along axis {} -> {} {:?}",
                c.inputs.len(),
                c.axis,
                self.dtype(),
                self.shape()
            ),
            Node::Rolling(r) => format!(
                "Rolling {} along axis {} (window={}, center={}, min_periods={}) -> {} {:?}; \
                 per chunk: read with a halo of the window's reach",
                r.op.name(),
                r.axis,
                r.window,
                r.center,
                r.min_periods,
                self.dtype(),
                self.shape()
            ),
            Node::Along(a) => format!(
                "Along {} over axes {:?} (skipna={}) -> {} {:?}; per tile: {}",
                a.op.name(),
                a.axes,
                a.skipna,
                self.dtype(),
                self.shape(),
                if a.op == super::plan::AlongOp::CumSum {
                    "running sum, carried across chunk edges in chunk order"
                } else {
                    "whole reduced axes for a block of cells, within the memory budget"
                }
            ),
            Node::Carried(c) => format!(
                "Carried running sum along axis {} in {} blocks (skipna={}) -> {} {:?}; per tile: \
                 its blocks' running sums plus their carries",
                c.axis,
                c.starts.len(),
                c.skipna,
                self.dtype(),
                self.shape()
            ),
            Node::Rechunk(_) => format!(
                "Rechunk -> {} {:?} in chunks {:?}; per tile: reads the region it covers",
                self.dtype(),
                self.shape(),
                self.chunk_sizes()
            ),
        };
        let _ = writeln!(out, "{pad}{head}");
        for input in self.inputs() {
            input.explain_into(out, depth + 1);
        }
    }
}

impl DataArray {
    /// `.explain()`: how the values would be computed (nothing is read).
    pub fn explain(&self) -> String {
        super::arith::plan_of(&self.variable).explain()
    }
}
