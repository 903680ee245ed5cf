//! Reductions over named dimensions (mean, sum, min, max, std, var, count), lazily, with
//! xarray's defaults: all dims when none are named, NaN skipped for floats.

use super::arith::{lazy_variable, plan_of};
use super::error::{unknown_dim, PlanError};
use super::plan::{Node, Plan, ReduceOp};
use crate::model::{DType, DataArray};

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
        let coords = self
            .coords
            .iter()
            .filter(|(_, c)| c.dims.iter().all(|d| kept.contains(d)))
            .map(|(k, c)| (k.clone(), c.clone()))
            .collect();
        let mut variable = lazy_variable(kept, expr);
        // xarray keeps attributes through reductions by default.
        variable.attrs.clone_from(self.attrs());
        Ok(DataArray {
            name: self.name.clone(),
            variable,
            coords,
        })
    }
}
