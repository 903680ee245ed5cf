//! How lazy values print: dask's array repr (`dask.array<name, shape=..., ...>`) with the name
//! dask would give the last step of the plan, and which 0-d arrays `open_zarr` leaves
//! unchunked (xarray shows them as `...`).

use std::sync::Arc;

use crate::model::shape_text as tuple_text;
use crate::model::{DType, Data, Variable};
use crate::ops::{AlongOp, MapOp, Node, Plan, ReduceOp};
use crate::repr::dtype_name;

/// The plan behind a lazy variable.
fn plan(var: &Variable) -> Option<Arc<Plan>> {
    match &var.data {
        Data::Lazy(l) => Arc::clone(l).as_any_arc().downcast::<Plan>().ok(),
        Data::Memory(_) => None,
    }
}

/// A 0-d array read straight from a store: `open_zarr` chunks only arrays with dimensions,
/// so xarray holds it as a lazily indexed backend array, not a dask one.
pub fn is_unchunked(var: &Variable) -> bool {
    var.dims.is_empty() && plan(var).is_some_and(|e| matches!(e.node, Node::Source { .. }))
}

/// dask's `Array.__repr__`: the largest chunk along each axis and the graph's last step.
pub fn array_repr(var: &Variable) -> Option<String> {
    let Data::Lazy(l) = &var.data else {
        return None;
    };
    let biggest: Vec<usize> = l
        .chunks()
        .iter()
        .map(|c| c.iter().copied().max().unwrap_or(0))
        .collect();
    let name = plan(var).map_or_else(|| "array".to_owned(), |e| step_name(&e));
    Some(format!(
        "dask.array<{name}, shape={}, dtype={}, chunksize={}, chunktype=numpy.ndarray>",
        tuple_text(l.shape()),
        dtype_name(var),
        tuple_text(&biggest)
    ))
}

/// The name dask gives the last step of the plan, token dropped (`name.rsplit("-", 1)[0]`).
fn step_name(e: &Plan) -> String {
    let float_input = |input: &Plan| matches!(input.dtype(), DType::F32 | DType::F64);
    let name = match &e.node {
        Node::Source { source, .. } => {
            // xarray's `_maybe_chunk` names the graph `open_dataset-{name}-{token}`.
            let var = source.name().rsplit('/').next().unwrap_or_default();
            return format!("open_dataset-{var}");
        }
        Node::Memory(_) | Node::Scalar(_) => "array",
        Node::Select { .. } => "getitem",
        Node::Map { op, inputs } => match (op, inputs.first()) {
            // A cast to the same dtype is how the plan reorders or adds axes.
            (MapOp::Cast(to), Some((input, axes))) if *to == input.dtype() => {
                if axes.len() == input.shape().len() && axes.len() == e.shape().len() {
                    if axes.windows(2).all(|w| w[0] < w[1]) {
                        return step_name(input);
                    }
                    "transpose"
                } else {
                    "getitem"
                }
            }
            _ => map_name(*op),
        },
        Node::Reduce {
            op, input, skipna, ..
        } => {
            let nan = *skipna && float_input(input);
            match op {
                ReduceOp::Sum | ReduceOp::Count => "sum-aggregate",
                ReduceOp::Mean => "mean_agg-aggregate",
                ReduceOp::Max if nan => "_nanmax_skip-aggregate",
                ReduceOp::Max => "max-aggregate",
                ReduceOp::Min if nan => "_nanmin_skip-aggregate",
                ReduceOp::Min => "min-aggregate",
                ReduceOp::Std => "_sqrt",
                ReduceOp::Var if nan => "moment_agg-aggregate",
                ReduceOp::Var => "var-aggregate",
            }
        }
        // xarray's flox-less groupby and resample stack one reduction per group.
        Node::GroupReduce(_) => "stack",
        Node::Rolling(_) => "truediv",
        Node::Along(a) => {
            return match a.op {
                AlongOp::CumSum if a.skipna && float_input(&a.input) => "nancumsum".to_owned(),
                AlongOp::Quantile { .. } if a.skipna => "nanquantile".to_owned(),
                ref op => op.name().to_owned(),
            }
        }
        Node::Carried(c) if c.skipna && float_input(&c.input) => "nancumsum",
        Node::Carried(_) => "cumsum",
        Node::Rechunk(r) => match r.input.node {
            Node::Memory(_) => "xarray",
            _ => "rechunk-merge",
        },
        Node::Concat(_) => "concatenate",
    };
    name.to_owned()
}

/// The dask name of an element-wise step: the numpy ufunc or `operator` function it applies.
pub(crate) fn map_name(op: MapOp) -> &'static str {
    match op {
        MapOp::Neg => "neg",
        MapOp::Abs => "absolute",
        MapOp::Sqrt => "sqrt",
        MapOp::Exp => "exp",
        MapOp::Log => "log",
        MapOp::IsNan => "isnan",
        MapOp::IsFinite => "isfinite",
        MapOp::Sin => "sin",
        MapOp::Cos => "cos",
        MapOp::Tan => "tan",
        MapOp::ArcSin => "arcsin",
        MapOp::ArcCos => "arccos",
        MapOp::ArcTan => "arctan",
        MapOp::Deg2Rad => "deg2rad",
        MapOp::Rad2Deg => "rad2deg",
        MapOp::Log10 => "log10",
        MapOp::Floor => "floor",
        MapOp::Ceil => "ceil",
        MapOp::Sign => "sign",
        MapOp::Not => "invert",
        MapOp::Add => "add",
        MapOp::Sub => "sub",
        MapOp::Mul => "mul",
        MapOp::Div => "truediv",
        MapOp::Pow => "pow",
        MapOp::FloorDiv | MapOp::IntFloorDiv => "floordiv",
        MapOp::Mod | MapOp::IntMod => "mod",
        MapOp::Gt => "gt",
        MapOp::Ge => "ge",
        MapOp::Lt => "lt",
        MapOp::Le => "le",
        MapOp::Eq => "eq",
        MapOp::Ne => "ne",
        MapOp::And => "and_",
        MapOp::Or => "or_",
        MapOp::FillNa | MapOp::Where => "where",
        MapOp::Cast(_) => "astype",
        MapOp::Round => "round",
        MapOp::Clip => "clip",
    }
}
