//! Element-wise arithmetic, comparisons, `where` and `fillna` on data arrays: operands are
//! aligned on their indexes and broadcast by dimension name as xarray does, with numpy's dtype
//! promotion.

mod positional;
pub(crate) mod promote;

use self::promote::{fits, promote, result_type, Typed};
use super::align::{align, merge_coords, Join};
use super::error::PlanError;
use super::plan::{MapOp, Node, Plan};
use crate::coding::TimeScale;
use crate::model::{drop_conflicts, memory, Block, DType, Data, DataArray, Labels, Variable};
use indexmap::IndexMap;
use std::sync::Arc;

/// The plan behind an array's values (in-memory values become a memory node).
pub fn plan_of(var: &Variable) -> Arc<Plan> {
    match &var.data {
        Data::Memory(block) => Plan::memory(Arc::clone(block)),
        Data::Lazy(lazy) => Arc::clone(lazy)
            .as_any_arc()
            .downcast::<Plan>()
            .unwrap_or_else(|_| unreachable!("every lazy array is an ops::Plan")),
    }
}

/// A variable over a plan: lazy, or loaded when the plan is values in memory.
pub fn lazy_variable(dims: Vec<String>, expr: Arc<Plan>) -> Variable {
    match &expr.node {
        Node::Memory(block) => Variable::new(dims, Data::Memory(Arc::clone(block))),
        _ => Variable::new(dims, Data::Lazy(expr)),
    }
}

/// One side of a binary operation.
#[derive(Debug, Clone)]
pub enum Operand {
    /// A data array, aligned by dimension name.
    Array(Box<DataArray>),
    /// A Python float: weak, it keeps a float array's dtype and makes integers float64.
    Scalar(f64),
    /// A Python int: weak, it takes the array's dtype (`int16_array * 2` stays int16), and
    /// must fit in it as numpy requires.
    Int(i64),
    /// A Python bool: promotes as a bool array does (`int8_array + True` stays int8).
    Bool(bool),
    /// A numpy array: aligned by position with the trailing dimensions of the result, as
    /// numpy broadcasts (`da - da.values` is element-wise).
    Positional(Arc<Block>),
}

impl Operand {
    /// An array operand.
    pub fn array(a: DataArray) -> Self {
        Operand::Array(Box::new(a))
    }
}

/// A Python scalar's plan node, typed by its Python type (see [`Node::Scalar`]).
fn scalar_node(x: f64, dtype: DType) -> Arc<Plan> {
    Plan::new(Node::Scalar(x), Vec::new(), dtype)
}

/// How promotion sees a plan input: Python scalars are weak (NEP 50), arrays strong.
fn typed(e: &Plan) -> Typed {
    if e.is_scalar() {
        Typed::weak(e.dtype())
    } else {
        Typed::strong(e.dtype())
    }
}

/// A map node with numpy's result dtype.
pub(crate) fn map_node(
    op: MapOp,
    inputs: Vec<(Arc<Plan>, Vec<usize>)>,
    shape: Vec<usize>,
) -> Arc<Plan> {
    let dtypes: Vec<Typed> = inputs.iter().map(|(e, _)| typed(e)).collect();
    let dtype = promote(op, &dtypes);
    map_plan(op, inputs, shape, dtype)
}

/// A map node of `dtype`; over loaded values only, it computes at once as numpy does, and the
/// result is loaded values too (when memory holds it).
pub(crate) fn map_plan(
    op: MapOp,
    inputs: Vec<(Arc<Plan>, Vec<usize>)>,
    shape: Vec<usize>,
    dtype: DType,
) -> Arc<Plan> {
    let loaded = |e: &Plan| match &e.node {
        Node::Memory(block) => Some(block.to_f64()),
        Node::Scalar(x) => Some(ndarray::arr0(*x).into_dyn()),
        _ => None,
    };
    // Each operand's float64 copy, the float64 result and the result in its dtype.
    let needs = memory::bytes_of(&shape, 8).saturating_mul(inputs.len() as u128 + 2);
    // A result that does not fit stays lazy: computing it then raises MemoryError.
    let room = memory::check(needs, None, String::new).is_ok();
    let values: Option<Vec<_>> = if room {
        inputs.iter().map(|(e, _)| loaded(e)).collect()
    } else {
        None
    };
    if let Some(values) = values {
        let operands = values
            .into_iter()
            .zip(&inputs)
            .map(|(v, (_, axes))| (v, axes.as_slice()))
            .collect();
        let out = op.apply_arrays(operands, &shape);
        return Plan::memory(Arc::new(Block::from_f64(out, dtype)));
    }
    Plan::new(Node::Map { op, inputs }, shape, dtype)
}

/// Refuses the element-wise operations Nereus does not define on datetimes or strings, whose
/// ticks or codes would otherwise come out as plain numbers: only comparisons of dates with
/// dates of the same unit, and `where` on dates (which masks them with NaT), apply.
fn check_times(op: MapOp, operands: &[Operand]) -> Result<(), PlanError> {
    for o in operands {
        if let Operand::Array(a) = o {
            if let Some(labels) = Labels::of(&a.variable) {
                return Err(PlanError::BadDtype {
                    op: format!(
                        "'{}' (Nereus holds strings as labels only)",
                        crate::repr::dask::map_name(op)
                    ),
                    dtype: labels.dtype_name().to_owned(),
                });
            }
        }
    }
    let scales: Vec<Option<TimeScale>> = operands
        .iter()
        .map(|o| match o {
            Operand::Array(a) => TimeScale::of(&a.variable).map(TimeScale::normalized),
            _ => None,
        })
        .collect();
    let Some(&first) = scales.iter().flatten().next() else {
        return Ok(());
    };
    let comparison = matches!(
        op,
        MapOp::Gt | MapOp::Ge | MapOp::Lt | MapOp::Le | MapOp::Eq | MapOp::Ne
    );
    if op == MapOp::Where || (comparison && scales.iter().all(|s| *s == Some(first))) {
        return Ok(());
    }
    Err(PlanError::BadDtype {
        op: format!("'{}'", crate::repr::dask::map_name(op)),
        dtype: first.dtype_name().to_owned(),
    })
}

/// numpy's check that a Python int fits the dtype it is cast to (`int8_array + 300` raises).
/// Comparisons and logical ops are exempt (numpy compares such ints by value), and so is
/// `where`, whose values numpy casts without the check.
fn check_ints(op: MapOp, inputs: &[(Arc<Plan>, Vec<usize>)]) -> Result<(), PlanError> {
    if op.is_predicate() || op == MapOp::Where {
        return Ok(());
    }
    let dtypes: Vec<Typed> = inputs.iter().map(|(e, _)| typed(e)).collect();
    let target = result_type(&dtypes);
    for (e, _) in inputs {
        if let Node::Scalar(x) = e.node {
            #[allow(clippy::cast_possible_truncation)] // the node holds a Python int exactly
            let value = x as i64;
            if e.dtype() == DType::I64 && !fits(value, target) {
                return Err(PlanError::IntOutOfBounds {
                    value,
                    dtype: target.name().to_owned(),
                });
            }
        }
    }
    Ok(())
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
/// `arithmetic_join="inner"`), then broadcasts by dimension name. The result keeps the arrays'
/// attributes that do not conflict, as xarray's default `keep_attrs` does.
pub fn apply(op: MapOp, operands: &[Operand]) -> Result<DataArray, PlanError> {
    check_times(op, operands)?;
    let given: Vec<DataArray> = operands
        .iter()
        .filter_map(|o| match o {
            Operand::Array(a) => Some(a.as_ref().clone()),
            _ => None,
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
            scalar => scalar.clone(),
        })
        .collect();
    let arrays: Vec<&DataArray> = operands
        .iter()
        .filter_map(|o| match o {
            Operand::Array(a) => Some(a.as_ref()),
            _ => None,
        })
        .collect();
    let mut sizes = broadcast_dims(&arrays)?;
    let lifted = positional::name_axes(&operands, &mut sizes)?;
    let dims: Vec<String> = sizes.keys().cloned().collect();
    let inputs: Vec<(Arc<Plan>, Vec<usize>)> = lifted
        .iter()
        .map(|o| match o {
            Operand::Array(a) => {
                let axes = a
                    .dims()
                    .iter()
                    .map(|d| sizes.get_index_of(d).unwrap_or_default())
                    .collect();
                (plan_of(&a.variable), axes)
            }
            Operand::Positional(_) => unreachable!("name_axes names every numpy operand"),
            Operand::Scalar(x) => (scalar_node(*x, DType::F64), Vec::new()),
            #[allow(clippy::cast_precision_loss)] // values compute in f64, as all values do
            Operand::Int(i) => (scalar_node(*i as f64, DType::I64), Vec::new()),
            Operand::Bool(b) => (
                scalar_node(f64::from(u8::from(*b)), DType::Bool),
                Vec::new(),
            ),
        })
        .collect();
    check_ints(op, &inputs)?;
    let expr = map_node(op, inputs, sizes.values().copied().collect());
    let coords = merge_coords(&arrays);
    let names: Vec<&Option<String>> = arrays.iter().map(|a| &a.name).collect();
    let name = match names.split_first() {
        Some((first, rest)) if rest.iter().all(|n| n == first) => (*first).clone(),
        _ => None,
    };
    let mut variable = lazy_variable(dims, expr);
    variable.attrs = drop_conflicts(arrays.iter().map(|a| a.attrs()));
    Ok(DataArray {
        name,
        variable,
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
        if let Some(labels) = Labels::of(&self.variable) {
            return self.where_text(cond, other, &labels);
        }
        let time = TimeScale::of(&self.variable);
        let other = match (other, time) {
            // Dates are masked with NaT (their ticks stay int64 dates), as numpy does.
            (None, Some(_)) => Operand::Int(crate::coding::NAT),
            (Some(_), Some(_)) => {
                return Err(PlanError::BadDtype {
                    op: "where(cond, other) with a fill value".to_owned(),
                    dtype: crate::repr::dtype_name(&self.variable).to_owned(),
                })
            }
            (other, None) => other.cloned().unwrap_or(Operand::Scalar(f64::NAN)),
        };
        let mut out = apply(
            MapOp::Where,
            &[
                Operand::array(cond.clone()),
                Operand::array(self.clone()),
                other,
            ],
        )?;
        // xarray keeps the array's own dimension order first (then the condition's other
        // dimensions), and its attributes.
        let mut order: Vec<String> = self.dims().to_vec();
        order.extend(
            out.dims()
                .iter()
                .filter(|d| !order.contains(d))
                .cloned()
                .collect::<Vec<_>>(),
        );
        if out.dims() != order.as_slice() {
            out = out.transpose(&order, false)?;
        }
        out.name.clone_from(&self.name);
        out.variable.attrs.clone_from(self.attrs());
        if let Some(t) = time {
            t.mark(&mut out.variable.encoding);
        }
        Ok(out)
    }

    /// [`DataArray::where_`] for strings: masked places hold no string (NaN in xarray's object
    /// result); a fill value is refused.
    fn where_text(
        &self,
        cond: &DataArray,
        other: Option<&Operand>,
        labels: &Labels,
    ) -> Result<DataArray, PlanError> {
        if other.is_some() {
            return Err(PlanError::BadDtype {
                op: "where(cond, other) with a fill value".to_owned(),
                dtype: labels.dtype_name().to_owned(),
            });
        }
        let mut codes = self.clone();
        Labels::unmark(&mut codes.variable.encoding);
        let mut out = codes.where_(cond, Some(&Operand::Int(-1)))?;
        Labels::object(labels.table().to_vec()).mark(&mut out.variable.encoding);
        Ok(out)
    }

    /// `self.fillna(value)`.
    pub fn fillna(&self, value: &Operand) -> Result<DataArray, PlanError> {
        let mut out = self.binary(MapOp::FillNa, value)?;
        out.name.clone_from(&self.name);
        out.variable.attrs.clone_from(self.attrs());
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
