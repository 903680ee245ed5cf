//! weighted: `da.weighted(weights).sum(dim)` / `.mean(dim)`, built from the lazy element-wise
//! ops and reductions exactly as xarray's `DataArrayWeighted` computes them.
//!
//! xarray's sum is `dot(da.fillna(0), weights)` and its mean divides that by the weights of the
//! valid values, `dot(da.notnull(), weights)`, where that is not zero: so an all-NaN column sums
//! to 0 and has a NaN mean. Not the NaN check of lazy weights: the caller loads them first.

use super::arith::Operand;
use super::error::{closest, PlanError};
use super::plan::{MapOp, ReduceOp};
use crate::model::{Data, DataArray};

/// An array with weights, waiting for a weighted reduction: `da.weighted(weights)`.
#[derive(Debug, Clone)]
pub struct Weighted {
    array: DataArray,
    weights: DataArray,
}

impl DataArray {
    /// `da.weighted(weights)`: weights broadcast against the array by dimension name.
    ///
    /// # Errors
    /// [`PlanError::MissingWeights`] when in-memory weights hold NaN (xarray refuses them).
    pub fn weighted(&self, weights: &DataArray) -> Result<Weighted, PlanError> {
        check_weights(weights)?;
        Ok(Weighted {
            array: self.clone(),
            weights: weights.clone(),
        })
    }
}

/// Refuses in-memory weights holding NaN, as xarray does.
///
/// # Errors
/// [`PlanError::MissingWeights`] when they do.
pub fn check_weights(weights: &DataArray) -> Result<(), PlanError> {
    if let Data::Memory(block) = &weights.variable.data {
        if block.dtype().is_float() && block.to_f64().iter().any(|x| x.is_nan()) {
            return Err(PlanError::MissingWeights);
        }
    }
    Ok(())
}

impl Weighted {
    /// The dimensions of the weights (what xarray's repr lists).
    pub fn weight_dims(&self) -> &[String] {
        self.weights.dims()
    }

    /// The named dimensions checked against the array's and the weights' (`None`: every
    /// dimension of either).
    fn dims(&self, dims: Option<&[String]>) -> Result<Vec<String>, PlanError> {
        let mut all: Vec<String> = self.array.dims().to_vec();
        for d in self.weights.dims() {
            if !all.contains(d) {
                all.push(d.clone());
            }
        }
        let Some(dims) = dims else {
            return Ok(all);
        };
        let missing: Vec<String> = dims.iter().filter(|d| !all.contains(d)).cloned().collect();
        if let Some(first) = missing.first() {
            return Err(PlanError::WeightedDims {
                suggestion: closest(first, all.iter().map(String::as_str)),
                missing,
            });
        }
        Ok(dims.to_vec())
    }

    /// `dot(values, weights)` over `dims`: the product summed without skipping NaN.
    fn dot(
        values: &DataArray,
        weights: &DataArray,
        dims: &[String],
    ) -> Result<DataArray, PlanError> {
        let product = values.binary(MapOp::Mul, &Operand::array(weights.clone()))?;
        // Only dims the product has: a dim of neither operand was refused in `dims`.
        let dims: Vec<String> = dims
            .iter()
            .filter(|d| product.dims().contains(d))
            .cloned()
            .collect();
        product.reduce(ReduceOp::Sum, Some(&dims), Some(false), 0)
    }

    /// `.sum(dim, skipna)`: NaN counts as 0 (for floats, unless `skipna` is false).
    ///
    /// # Errors
    /// [`PlanError::WeightedDims`] for a dimension of neither the array nor the weights.
    pub fn sum(
        &self,
        dims: Option<&[String]>,
        skipna: Option<bool>,
    ) -> Result<DataArray, PlanError> {
        let dims = self.dims(dims)?;
        let mut out = self.weighted_sum(&dims, skipna)?;
        out.name.clone_from(&self.array.name);
        out.variable.attrs.clone_from(&self.array.variable.attrs);
        Ok(out)
    }

    fn weighted_sum(&self, dims: &[String], skipna: Option<bool>) -> Result<DataArray, PlanError> {
        let values = if skipna.unwrap_or(true) && self.array.dtype().is_float() {
            self.array.fillna(&Operand::Scalar(0.0))?
        } else {
            self.array.clone()
        };
        Self::dot(&values, &self.weights, dims)
    }

    /// `.mean(dim, skipna)`: the weighted sum over the weights of the non-missing values; NaN
    /// where those weights sum to 0 (all-NaN columns).
    ///
    /// # Errors
    /// [`PlanError::WeightedDims`] for a dimension of neither the array nor the weights.
    pub fn mean(
        &self,
        dims: Option<&[String]>,
        skipna: Option<bool>,
    ) -> Result<DataArray, PlanError> {
        let dims = self.dims(dims)?;
        let sum = self.weighted_sum(&dims, skipna)?;
        let valid = self.array.unary(MapOp::IsNan)?.unary(MapOp::Not)?;
        let total = Self::dot(&valid, &self.weights, &dims)?;
        let nonzero = total.binary(MapOp::Ne, &Operand::Scalar(0.0))?;
        let total = total.where_(&nonzero, None)?;
        let mut out = sum.binary(MapOp::Div, &Operand::array(total))?;
        out.name.clone_from(&self.array.name);
        out.variable.attrs.clone_from(&self.array.variable.attrs);
        Ok(out)
    }
}
