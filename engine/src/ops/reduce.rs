//! Reductions over named dimensions (mean, sum, min, max, std, var, count), lazily, with
//! xarray's defaults: all dims when none are named, NaN skipped for floats.

use super::arith::{lazy_variable, plan_of};
use super::error::{unknown_dim, PlanError};
use super::plan::{Node, Plan, ReduceOp};
use crate::coding::{Meaning, TimeScale, NAT};
use crate::model::{Block, DType, Data, DataArray, Variable};
use ndarray::{ArrayD, IxDyn};
use std::sync::Arc;

/// Refuses `what` (a grouped, windowed or cumulative reduction, a cast, ...) on dates or
/// strings: Nereus computes it on numbers only, and the dates' ticks or the strings' codes
/// would come out as numbers.
pub fn numbers_only(var: &Variable, what: &str) -> Result<(), PlanError> {
    match Meaning::of(var) {
        Meaning::Numbers => Ok(()),
        Meaning::Dates(scale) => Err(PlanError::BadDtype {
            op: format!(
                "{what} (Nereus reduces dates only with min, max, mean and count over dimensions)"
            ),
            dtype: scale.dtype_name().to_owned(),
        }),
        Meaning::Text(labels) => Err(PlanError::BadDtype {
            op: format!("{what} (Nereus holds strings as labels only)"),
            dtype: labels.dtype_name().to_owned(),
        }),
    }
}

/// One date reduction (not sum, std or var) of `ticks` (`tick_ns` nanoseconds each).
fn date_reduction(op: ReduceOp, ticks: &[i64], tick_ns: i64) -> i64 {
    let valid = || ticks.iter().copied().filter(|&t| t != NAT);
    match op {
        ReduceOp::Count => i64::try_from(valid().count()).unwrap_or(i64::MAX),
        ReduceOp::Min | ReduceOp::Max if ticks.contains(&NAT) || ticks.is_empty() => NAT,
        ReduceOp::Min => ticks.iter().copied().min().unwrap_or(NAT),
        ReduceOp::Max => ticks.iter().copied().max().unwrap_or(NAT),
        _ => {
            let Some(offset) = valid().min() else {
                return NAT;
            };
            #[allow(clippy::cast_precision_loss)] // xarray takes this mean in float64 too
            let (sum, n) = valid().fold((0.0_f64, 0.0_f64), |(s, n), t| {
                (s + ((t - offset) as f64) * tick_ns as f64, n + 1.0)
            });
            #[allow(clippy::cast_possible_truncation)] // below the spread of the dates
            let mean_ns = (sum / n).trunc() as i64;
            offset + mean_ns / tick_ns
        }
    }
}

/// The dtype xarray gives a reduction of `input`.
pub(crate) fn result_dtype(op: ReduceOp, input: DType) -> DType {
    match op {
        ReduceOp::Count => DType::I64,
        ReduceOp::Min | ReduceOp::Max => input,
        ReduceOp::Sum => match input {
            DType::F32 | DType::F64 => input,
            DType::U8 | DType::U16 | DType::U32 | DType::U64 => DType::U64,
            _ => DType::I64,
        },
        ReduceOp::Mean | ReduceOp::Std | ReduceOp::Var => {
            if input == DType::F32 {
                DType::F32
            } else {
                DType::F64
            }
        }
    }
}

impl DataArray {
    /// `mean(dim)`, `sum(dim)`, ...: `dims` None means every dimension; `skipna` None means
    /// "skip NaN for floats"; `ddof` applies to std and var.
    pub fn reduce(
        &self,
        op: ReduceOp,
        dims: Option<&[String]>,
        skipna: Option<bool>,
        ddof: u32,
    ) -> Result<DataArray, PlanError> {
        let all = self.dims().to_vec();
        let dims = dims.map_or_else(|| all.clone(), <[String]>::to_vec);
        let mut axes = Vec::new();
        for d in &dims {
            let position = all
                .iter()
                .position(|x| x == d)
                .ok_or_else(|| unknown_dim(d, &all))?;
            if !axes.contains(&position) {
                axes.push(position);
            }
        }
        axes.sort_unstable();
        let input = plan_of(&self.variable);
        let shape: Vec<usize> = input
            .shape()
            .iter()
            .enumerate()
            .filter(|(i, _)| !axes.contains(i))
            .map(|(_, &n)| n)
            .collect();
        let kept: Vec<String> = all
            .iter()
            .enumerate()
            .filter(|(i, _)| !axes.contains(i))
            .map(|(_, d)| d.clone())
            .collect();
        match Meaning::of(&self.variable) {
            Meaning::Dates(scale) => return self.reduce_dates(scale, op, &axes, &kept),
            Meaning::Text(_) => numbers_only(&self.variable, op.name())?,
            Meaning::Numbers => {}
        }
        let dtype = result_dtype(op, input.dtype());
        let skipna = skipna.unwrap_or(true) && input.dtype().is_float();
        let expr = Plan::new(
            Node::Reduce {
                op,
                input,
                axes,
                skipna,
                ddof,
            },
            shape,
            dtype,
        );
        Ok(self.reduced(lazy_variable(kept.clone(), expr), &kept))
    }

    /// The array of a reduction's `variable`: this name, attributes, and the coordinates
    /// along the `kept` dimensions.
    fn reduced(&self, mut variable: Variable, kept: &[String]) -> DataArray {
        // xarray keeps attributes through reductions by default.
        variable.attrs.clone_from(self.attrs());
        let coords = self
            .coords
            .iter()
            .filter(|(_, c)| c.dims.iter().all(|d| kept.contains(d)))
            .map(|(k, c)| (k.clone(), c.clone()))
            .collect();
        DataArray {
            name: self.name.clone(),
            variable,
            coords,
        }
    }

    /// min, max, count and mean of dates on their int64 ticks, as xarray computes them: min and
    /// max are NaT when a value is, count counts the dates, mean skips NaT (the mean of the
    /// nanoseconds past the earliest date, truncated); other reductions of dates are refused
    /// rather than computed on the ticks.
    fn reduce_dates(
        &self,
        scale: TimeScale,
        op: ReduceOp,
        axes: &[usize],
        kept: &[String],
    ) -> Result<DataArray, PlanError> {
        let refuse = |why: &str| PlanError::BadDtype {
            op: format!("{}{why}", op.name()),
            dtype: scale.dtype_name().to_owned(),
        };
        if matches!(op, ReduceOp::Sum | ReduceOp::Std | ReduceOp::Var) {
            return Err(refuse(
                " (Nereus reduces dates by min, max, mean and count)",
            ));
        }
        let ticks = match &self.variable.data {
            Data::Memory(block) => match block.as_ref() {
                Block::I64(t) => t.clone(),
                _ => return Err(refuse(" (dates not held as int64 ticks)")),
            },
            Data::Lazy(_) => return Err(refuse(" of lazy dates (call .load() first)")),
        };
        // The reduced axes last: each run of `width` values is one result's.
        let rank = ticks.ndim();
        let order: Vec<usize> = (0..rank)
            .filter(|i| !axes.contains(i))
            .chain(axes.iter().copied())
            .collect();
        let shape: Vec<usize> = order[..rank - axes.len()]
            .iter()
            .map(|&i| ticks.shape()[i])
            .collect();
        let width: usize = axes.iter().map(|&i| ticks.shape()[i]).product();
        let laid = ticks.permuted_axes(order).as_standard_layout().into_owned();
        let values: Vec<i64> = laid.iter().copied().collect();
        let row = |r: &[i64]| date_reduction(op, r, scale.unit.nanos());
        let out: Vec<i64> = if width == 0 {
            vec![row(&[]); shape.iter().product()]
        } else {
            values.chunks(width).map(row).collect()
        };
        let block = ArrayD::from_shape_vec(IxDyn(&shape), out).map_err(|_| refuse(""))?;
        let mut variable = Variable::new(kept.to_vec(), Data::Memory(Arc::new(Block::I64(block))));
        if op != ReduceOp::Count {
            scale.mark(&mut variable.encoding);
        }
        Ok(self.reduced(variable, kept))
    }
}
