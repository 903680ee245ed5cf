//! Element-wise arithmetic, comparisons, `where` and `fillna` on data arrays: operands are
//! aligned on their indexes and broadcast by dimension name as xarray does, with numpy's dtype
//! promotion.

use super::align::{align, merge_coords, Join};
use super::error::PlanError;
use super::expr::{Expr, MapOp, Node};
use crate::model::{Block, DType, Data, DataArray, Variable};
use indexmap::IndexMap;
use std::sync::Arc;

/// The plan behind an array's values (in-memory values become a memory node).
pub fn expr_of(var: &Variable) -> Arc<Expr> {
    match &var.data {
        Data::Memory(block) => Expr::memory(Arc::clone(block)),
        Data::Lazy(lazy) => Arc::clone(lazy)
            .as_any_arc()
            .downcast::<Expr>()
            .unwrap_or_else(|_| unreachable!("every lazy array is an ops::Expr")),
    }
}

/// A lazy variable over a plan.
pub fn lazy_variable(dims: Vec<String>, expr: Arc<Expr>) -> Variable {
    Variable::new(dims, Data::Lazy(expr))
}

/// One side of a binary operation.
#[derive(Debug, Clone)]
pub enum Operand {
    /// A data array, aligned by dimension name.
    Array(Box<DataArray>),
    /// A Python number.
    Scalar(f64),
}

impl Operand {
    /// An array operand.
    pub fn array(a: DataArray) -> Self {
        Operand::Array(Box::new(a))
    }
}

/// numpy's result dtype for an arithmetic operation (NEP 50: Python scalars are weak).
fn promote(op: MapOp, dtypes: &[(DType, bool)]) -> DType {
    use DType::{Bool, F32, F64, I16, I64, I8, U16, U8};
    match op {
        MapOp::IsNan
        | MapOp::Not
        | MapOp::Gt
        | MapOp::Ge
        | MapOp::Lt
        | MapOp::Le
        | MapOp::Eq
        | MapOp::Ne
        | MapOp::And
        | MapOp::Or => return Bool,
        MapOp::FillNa => return dtypes[0].0,
        _ => {}
    }
    let strong: Vec<DType> = dtypes
        .iter()
        .filter(|(_, weak)| !weak)
        .map(|d| d.0)
        .collect();
    let any_weak_float = dtypes.iter().any(|(d, weak)| *weak && d.is_float());
    let float_needed = matches!(op, MapOp::Div | MapOp::Sqrt | MapOp::Exp | MapOp::Log)
        || any_weak_float
        || (op == MapOp::Where && strong.iter().any(|d| d.is_float()));
    if strong.contains(&F64) {
        return F64;
    }
    if strong.contains(&F32) {
        // float32 stays float32 with small ints; int32/int64 partners need float64.
        let small = |d: &DType| matches!(d, F32 | Bool | I8 | I16 | U8 | U16);
        return if strong.iter().all(small) { F32 } else { F64 };
    }
    if float_needed {
        return F64;
    }
    match strong.as_slice() {
        [] => F64,
        [only] if matches!(op, MapOp::Neg | MapOp::Abs) => *only,
        [Bool] if op == MapOp::Where => Bool,
        _ => I64,
    }
}

/// A map node with numpy's result dtype.
pub(crate) fn map_node(
    op: MapOp,
    inputs: Vec<(Arc<Expr>, Vec<usize>)>,
    shape: Vec<usize>,
) -> Arc<Expr> {
    let dtypes: Vec<(DType, bool)> = inputs
        .iter()
        .map(|(e, _)| (e.dtype(), e.is_scalar()))
        .collect();
    let dtype = promote(op, &dtypes);
    Expr::new(Node::Map { op, inputs }, shape, dtype)
}

/// The result dims of broadcasting (aligned) arrays by name: the first array's dims, then new
/// ones.
fn broadcast_dims(arrays: &[&DataArray]) -> Result<IndexMap<String, usize>, PlanError> {
    let mut sizes: IndexMap<String, usize> = IndexMap::new();
    for a in arrays {
        for (d, n) in a.sizes() {
            match sizes.get(&d) {
                Some(&m) if m != n => {
                    // Only reachable for arrays that were not aligned first.
                    return Err(PlanError::SizeMismatch {
                        dim: d,
                        sizes: vec![m.min(n), m.max(n)],
                        index_size: None,
                    });
                }
                Some(_) => {}
                None => {
                    sizes.insert(d, n);
                }
            }
        }
    }
    Ok(sizes)
}

/// Applies `op` to arrays and scalars: aligns the arrays on their indexes (xarray's
/// `arithmetic_join="inner"`), then broadcasts by dimension name.
pub fn apply(op: MapOp, operands: &[Operand]) -> Result<DataArray, PlanError> {
    let given: Vec<DataArray> = operands
        .iter()
        .filter_map(|o| match o {
            Operand::Array(a) => Some(a.as_ref().clone()),
            Operand::Scalar(_) => None,
        })
        .collect();
    // align returns one array per argument, in order.
    let mut aligned = align(&given, Join::Inner)?.into_iter();
    let operands: Vec<Operand> = operands
        .iter()
        .map(|o| match o {
            Operand::Array(a) => {
                Operand::array(aligned.next().unwrap_or_else(|| a.as_ref().clone()))
            }
            Operand::Scalar(x) => Operand::Scalar(*x),
        })
        .collect();
    let arrays: Vec<&DataArray> = operands
        .iter()
        .filter_map(|o| match o {
            Operand::Array(a) => Some(a.as_ref()),
            Operand::Scalar(_) => None,
        })
        .collect();
    let sizes = broadcast_dims(&arrays)?;
    let dims: Vec<String> = sizes.keys().cloned().collect();
    let inputs = operands
        .iter()
        .map(|o| match o {
            Operand::Array(a) => {
                let axes = a
                    .dims()
                    .iter()
                    .map(|d| sizes.get_index_of(d).unwrap_or_default())
                    .collect();
                (expr_of(&a.variable), axes)
            }
            Operand::Scalar(x) => (
                Expr::new(Node::Scalar(*x), Vec::new(), DType::F64),
                Vec::new(),
            ),
        })
        .collect();
    let expr = map_node(op, inputs, sizes.values().copied().collect());
    let coords = merge_coords(&arrays);
    let names: Vec<&Option<String>> = arrays.iter().map(|a| &a.name).collect();
    let name = match names.split_first() {
        Some((first, rest)) if rest.iter().all(|n| n == first) => (*first).clone(),
        _ => None,
    };
    Ok(DataArray {
        name,
        variable: lazy_variable(dims, expr),
        coords,
    })
}

impl DataArray {
    /// `self <op> other`, broadcasting by dimension name.
    pub fn binary(&self, op: MapOp, other: &Operand) -> Result<DataArray, PlanError> {
        apply(op, &[Operand::array(self.clone()), other.clone()])
    }

    /// `other <op> self` (a scalar on the left, as in `2 - x`).
    pub fn binary_reflected(&self, op: MapOp, other: &Operand) -> Result<DataArray, PlanError> {
        apply(op, &[other.clone(), Operand::array(self.clone())])
    }

    /// A unary operation (`-x`, `abs(x)`, `np.sqrt(x)`, `np.isnan(x)`, `~x`).
    pub fn unary(&self, op: MapOp) -> Result<DataArray, PlanError> {
        let mut out = apply(op, &[Operand::array(self.clone())])?;
        out.name.clone_from(&self.name);
        Ok(out)
    }

    /// `self.where(cond, other)`: values where `cond` holds, `other` (NaN by default) elsewhere.
    pub fn where_(
        &self,
        cond: &DataArray,
        other: Option<&Operand>,
    ) -> Result<DataArray, PlanError> {
        let other = other.cloned().unwrap_or(Operand::Scalar(f64::NAN));
        let mut out = apply(
            MapOp::Where,
            &[
                Operand::array(cond.clone()),
                Operand::array(self.clone()),
                other,
            ],
        )?;
        // xarray keeps the array's own dimension order first.
        out.name.clone_from(&self.name);
        Ok(out)
    }

    /// `self.fillna(value)`.
    pub fn fillna(&self, value: &Operand) -> Result<DataArray, PlanError> {
        let mut out = self.binary(MapOp::FillNa, value)?;
        out.name.clone_from(&self.name);
        Ok(out)
    }
}

/// A 0-d in-memory `float64` array, for tests and literals.
pub fn scalar_array(x: f64) -> DataArray {
    DataArray {
        name: None,
        variable: Variable::new(
            Vec::new(),
            Data::Memory(Arc::new(Block::F64(ndarray::arr0(x).into_dyn()))),
        ),
        coords: IndexMap::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn promotion_follows_numpy() {
        assert_eq!(
            promote(MapOp::Add, &[(DType::F32, false), (DType::F64, true)]),
            DType::F32
        );
        assert_eq!(
            promote(MapOp::Add, &[(DType::F32, false), (DType::I64, false)]),
            DType::F64
        );
        assert_eq!(
            promote(MapOp::Div, &[(DType::I16, false), (DType::I16, false)]),
            DType::F64
        );
        assert_eq!(
            promote(MapOp::Add, &[(DType::I16, false), (DType::F64, true)]),
            DType::F64
        );
        assert_eq!(
            promote(MapOp::Gt, &[(DType::F32, false), (DType::F64, true)]),
            DType::Bool
        );
        assert_eq!(
            promote(
                MapOp::Where,
                &[
                    (DType::Bool, false),
                    (DType::F32, false),
                    (DType::F64, true)
                ]
            ),
            DType::F32
        );
    }
}
