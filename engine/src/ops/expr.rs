//! The logical plan: an expression tree over chunked sources, with its shape, dtype and chunks.
//!
//! Data only: building a node computes nothing and reads nothing; `exec` runs plans.

use crate::coding::CfDecoder;
use crate::io::ChunkSource;
use crate::model::{Block, DType, LazyArray};
use std::any::Any;
use std::sync::Arc;

/// Element-wise operations; each takes the listed number of inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MapOp {
    /// `-x`.
    Neg,
    /// `abs(x)`.
    Abs,
    /// `sqrt(x)`.
    Sqrt,
    /// `exp(x)`.
    Exp,
    /// Natural log.
    Log,
    /// `isnan(x)`.
    IsNan,
    /// `isfinite(x)`: neither NaN nor infinite.
    IsFinite,
    /// `sin(x)`, radians.
    Sin,
    /// `cos(x)`, radians.
    Cos,
    /// `tan(x)`, radians.
    Tan,
    /// `arcsin(x)`, radians.
    ArcSin,
    /// `arccos(x)`, radians.
    ArcCos,
    /// `arctan(x)`, radians.
    ArcTan,
    /// Degrees to radians.
    Deg2Rad,
    /// Radians to degrees.
    Rad2Deg,
    /// Base-10 log.
    Log10,
    /// Largest integer not above `x`.
    Floor,
    /// Smallest integer not below `x`.
    Ceil,
    /// `-1`, `0` or `1` by the sign of `x` (NaN stays NaN).
    Sign,
    /// `~x` on booleans.
    Not,
    /// `a + b`.
    Add,
    /// `a - b`.
    Sub,
    /// `a * b`.
    Mul,
    /// `a / b`.
    Div,
    /// `a ** b`.
    Pow,
    /// `a // b` on floats, numpy's way: `x // 0` is ±inf (NaN for `0 // 0`).
    FloorDiv,
    /// `a % b` on floats with the sign of `b`, numpy's way: `x % 0` is NaN.
    Mod,
    /// `a // b` on integers: `x // 0` is 0, as numpy's integer loops give.
    IntFloorDiv,
    /// `a % b` on integers with the sign of `b`: `x % 0` is 0, as numpy's integer loops give.
    IntMod,
    /// `a > b`.
    Gt,
    /// `a >= b`.
    Ge,
    /// `a < b`.
    Lt,
    /// `a <= b`.
    Le,
    /// `a == b`.
    Eq,
    /// `a != b`.
    Ne,
    /// `a & b` on booleans.
    And,
    /// `a | b` on booleans.
    Or,
    /// `b` where `a` is NaN, else `a` (fillna).
    FillNa,
    /// `where(cond, x, other)`: three inputs.
    Where,
    /// The value as the dtype holds it (`astype`; also the identity of transpose/expand_dims).
    Cast(DType),
    /// numpy's `round(a, decimals=b)`: half to even, `b` may be negative.
    Round,
    /// `clip(a, min=b, max=c)`; a NaN bound is no bound, a NaN value stays NaN.
    Clip,
}

impl MapOp {
    /// Applies the operation to one element of each input (computations run in `f64`).
    #[inline]
    #[allow(clippy::float_cmp)] // == and != on values are the operations themselves
    pub fn apply(self, a: f64, b: f64, c: f64) -> f64 {
        let truth = |x: f64| x != 0.0 && !x.is_nan();
        let flag = |p: bool| if p { 1.0 } else { 0.0 };
        match self {
            MapOp::Neg => -a,
            MapOp::Abs => a.abs(),
            MapOp::Sqrt => a.sqrt(),
            MapOp::Exp => a.exp(),
            MapOp::Log => a.ln(),
            MapOp::IsNan => flag(a.is_nan()),
            MapOp::IsFinite => flag(a.is_finite()),
            MapOp::Sin => a.sin(),
            MapOp::Cos => a.cos(),
            MapOp::Tan => a.tan(),
            MapOp::ArcSin => a.asin(),
            MapOp::ArcCos => a.acos(),
            MapOp::ArcTan => a.atan(),
            MapOp::Deg2Rad => a.to_radians(),
            MapOp::Rad2Deg => a.to_degrees(),
            MapOp::Log10 => a.log10(),
            MapOp::Floor => a.floor(),
            MapOp::Ceil => a.ceil(),
            MapOp::Sign => {
                if a > 0.0 {
                    1.0
                } else if a < 0.0 {
                    -1.0
                } else if a == 0.0 {
                    0.0
                } else {
                    a
                }
            }
            MapOp::Not => flag(!truth(a)),
            MapOp::Add => a + b,
            MapOp::Sub => a - b,
            MapOp::Mul => a * b,
            MapOp::Div => a / b,
            MapOp::Pow => a.powf(b),
            MapOp::FloorDiv => float_divmod(a, b).0,
            MapOp::Mod => float_divmod(a, b).1,
            MapOp::IntFloorDiv => int_divmod(a, b).0,
            MapOp::IntMod => int_divmod(a, b).1,
            MapOp::Gt => flag(a > b),
            MapOp::Ge => flag(a >= b),
            MapOp::Lt => flag(a < b),
            MapOp::Le => flag(a <= b),
            MapOp::Eq => flag(a == b),
            MapOp::Ne => flag(a != b),
            MapOp::And => flag(truth(a) && truth(b)),
            MapOp::Or => flag(truth(a) || truth(b)),
            MapOp::FillNa => {
                if a.is_nan() {
                    b
                } else {
                    a
                }
            }
            MapOp::Where => {
                if truth(a) {
                    b
                } else {
                    c
                }
            }
            MapOp::Cast(dtype) => super::structure::cast(a, dtype),
            MapOp::Round => super::structure::round(a, b),
            MapOp::Clip => super::structure::clip(a, b, c),
        }
    }

    /// How many inputs the operation takes.
    pub fn arity(self) -> usize {
        match self {
            MapOp::Neg
            | MapOp::Abs
            | MapOp::Sqrt
            | MapOp::Exp
            | MapOp::Log
            | MapOp::IsNan
            | MapOp::IsFinite
            | MapOp::Sin
            | MapOp::Cos
            | MapOp::Tan
            | MapOp::ArcSin
            | MapOp::ArcCos
            | MapOp::ArcTan
            | MapOp::Deg2Rad
            | MapOp::Rad2Deg
            | MapOp::Log10
            | MapOp::Floor
            | MapOp::Ceil
            | MapOp::Sign
            | MapOp::Not
            | MapOp::Cast(_) => 1,
            MapOp::Where | MapOp::Clip => 3,
            _ => 2,
        }
    }
}

impl MapOp {
    /// numpy's result dtype for a one-input op: float functions of integers give floats
    /// (float32 for small integers, as numpy's float16 is not an engine dtype), tests give
    /// bools, and `-`, `abs`, `floor`, `ceil`, `sign` keep the dtype. `None` for ops with more
    /// inputs, and where numpy has no loop (`sign` of bools).
    pub fn unary_dtype(self, input: DType) -> Option<DType> {
        use DType::{Bool, F32, F64, I16, I8, U16, U8};
        match self {
            MapOp::IsFinite | MapOp::IsNan | MapOp::Not => Some(Bool),
            MapOp::Sqrt
            | MapOp::Exp
            | MapOp::Log
            | MapOp::Sin
            | MapOp::Cos
            | MapOp::Tan
            | MapOp::ArcSin
            | MapOp::ArcCos
            | MapOp::ArcTan
            | MapOp::Deg2Rad
            | MapOp::Rad2Deg
            | MapOp::Log10 => Some(match input {
                F32 | Bool | I8 | U8 | I16 | U16 => F32,
                _ => F64,
            }),
            MapOp::Neg | MapOp::Abs | MapOp::Floor | MapOp::Ceil => Some(input),
            MapOp::Sign if input != Bool => Some(input),
            MapOp::Cast(dtype) => Some(dtype),
            _ => None,
        }
    }
}

/// numpy's `divmod` for floats (`npy_divmod`): the floor quotient, snapped to the nearest
/// integer, and the remainder with the sign of `b`. `x // 0` is `x / 0`; `x % 0` is NaN.
#[allow(clippy::float_cmp)] // exact zero tests are numpy's own
fn float_divmod(a: f64, b: f64) -> (f64, f64) {
    let mut m = a % b;
    if b == 0.0 {
        return (a / b, m);
    }
    let mut div = (a - m) / b;
    if m == 0.0 {
        m = 0.0_f64.copysign(b);
    } else if (b < 0.0) != (m < 0.0) {
        m += b;
        div -= 1.0;
    }
    let floordiv = if div == 0.0 {
        0.0_f64.copysign(a / b)
    } else {
        let f = div.floor();
        if div - f > 0.5 {
            f + 1.0
        } else {
            f
        }
    };
    (floordiv, m)
}

/// numpy's integer `//` and `%` on values held as `f64`: floor division and a remainder with
/// the sign of `b`; division by zero gives 0 for both.
#[allow(clippy::float_cmp)]
fn int_divmod(a: f64, b: f64) -> (f64, f64) {
    if b == 0.0 {
        return (0.0, 0.0);
    }
    // `a / b` rounds, so its floor can be one too high; the remainder's sign tells.
    let q = (a / b).floor();
    let r = a - q * b;
    if r != 0.0 && (r < 0.0) != (b < 0.0) {
        (q - 1.0, r + b)
    } else {
        (q, r)
    }
}

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
        input: Arc<Expr>,
        /// One per input axis.
        sel: Vec<Sel>,
    },
    /// An element-wise operation with broadcasting: each input comes with, for each of its
    /// axes, the output axis it maps to.
    Map {
        /// The operation.
        op: MapOp,
        /// Inputs with their axis maps.
        inputs: Vec<(Arc<Expr>, Vec<usize>)>,
    },
    /// A reduction over some axes of the input.
    Reduce {
        /// The reduction.
        op: ReduceOp,
        /// The input.
        input: Arc<Expr>,
        /// Reduced input axes, ascending.
        axes: Vec<usize>,
        /// Skip NaN.
        skipna: bool,
        /// Delta degrees of freedom for std and var.
        ddof: u32,
    },
    /// A reduction by group along one axis (groupby, resample).
    GroupReduce(super::groupby::GroupReduce),
    /// A moving-window reduction along one axis (rolling).
    Rolling(super::rolling::Rolling),
    /// An operation needing whole axes: cumsum, argmin/argmax, median/quantile.
    Along(super::along::Along),
    /// The input's values tiled by other chunks (`.chunk(...)`).
    Rechunk(super::rechunk::Rechunk),
    /// Inputs laid end to end along one axis (concat).
    Concat(super::combine::Concat),
}

/// A plan node with its shape and dtype.
#[derive(Debug)]
pub struct Expr {
    /// What to compute.
    pub node: Node,
    shape: Vec<usize>,
    dtype: DType,
}

impl Expr {
    /// Wraps a node whose shape and dtype the caller computed.
    pub(crate) fn new(node: Node, shape: Vec<usize>, dtype: DType) -> Arc<Self> {
        Arc::new(Self { node, shape, dtype })
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
    fn splits(&self) -> Vec<Vec<usize>> {
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
            Node::Memory(_) | Node::Scalar(_) | Node::Reduce { .. } | Node::GroupReduce(_) => {
                vec![Vec::new(); self.shape.len()]
            }
            Node::Rolling(r) => r.input.splits(),
            // A running sum keeps its input's chunks; the reductions are computed whole.
            Node::Along(a) if a.op == super::along::AlongOp::CumSum => a.input.splits(),
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
                for (input, axes) in inputs {
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

impl LazyArray for Expr {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::float_cmp, reason = "exact results are the point")]
    fn floor_division_and_modulo_follow_numpy() {
        // Values checked against numpy 2.4.
        let f = |a: f64, b: f64| {
            (
                MapOp::FloorDiv.apply(a, b, 0.0),
                MapOp::Mod.apply(a, b, 0.0),
            )
        };
        assert_eq!(f(7.5, 2.0), (3.0, 1.5));
        assert_eq!(f(-7.5, 2.0), (-4.0, 0.5));
        assert_eq!(f(7.5, -2.0), (-4.0, -0.5));
        assert_eq!(f(-7.5, -2.0), (3.0, -1.5));
        assert_eq!(f(-7.5, f64::INFINITY), (-1.0, f64::INFINITY));
        assert_eq!(f(1.0, 0.0).0, f64::INFINITY);
        assert_eq!(f(-1.0, 0.0).0, f64::NEG_INFINITY);
        assert!(f(0.0, 0.0).0.is_nan() && f(1.0, 0.0).1.is_nan());
        assert!(f(f64::INFINITY, 2.0).0.is_nan() && f(f64::INFINITY, 2.0).1.is_nan());
        assert!(f(2.0, -2.0).1.is_sign_negative());
        let i = |a: f64, b: f64| {
            (
                MapOp::IntFloorDiv.apply(a, b, 0.0),
                MapOp::IntMod.apply(a, b, 0.0),
            )
        };
        assert_eq!(i(7.0, 2.0), (3.0, 1.0));
        assert_eq!(i(-7.0, 2.0), (-4.0, 1.0));
        assert_eq!(i(7.0, -2.0), (-4.0, -1.0));
        assert_eq!(i(-7.0, -2.0), (3.0, -1.0));
        assert_eq!(i(5.0, 0.0), (0.0, 0.0));
    }

    #[test]
    fn sign_and_dtype_rules() {
        let sign = |x: f64| MapOp::Sign.apply(x, 0.0, 0.0);
        assert_eq!((sign(-3.0), sign(2.0), sign(-0.0)), (-1.0, 1.0, 0.0));
        assert!(sign(f64::NAN).is_nan());
        assert_eq!(MapOp::Sin.unary_dtype(DType::I64), Some(DType::F64));
        assert_eq!(MapOp::Sin.unary_dtype(DType::I16), Some(DType::F32));
        assert_eq!(MapOp::IsFinite.unary_dtype(DType::F32), Some(DType::Bool));
        assert_eq!(MapOp::Floor.unary_dtype(DType::I16), Some(DType::I16));
        assert_eq!(MapOp::Add.unary_dtype(DType::I16), None);
    }
}
