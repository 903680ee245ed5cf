//! Operations that need a whole axis at once, lazily: `cumsum` (a running sum carried across
//! chunk edges), `argmin`/`argmax` (integer positions) and `median`/`quantile` (every value of
//! the reduced dimensions for each output cell), with xarray's signatures and dtypes.
//!
//! Data only: `exec::whole_axis` runs them within the memory budget.

use super::arith::{lazy_variable, plan_of};
use super::error::{bad_option, unknown_dim, PlanError};
use super::plan::{Along, AlongOp, Node, Plan, ReduceOp};
use super::reduce::result_dtype;
use crate::coding::TimeScale;
use crate::model::{Block, DType, Data, DataArray, Variable};
use indexmap::IndexMap;
use ndarray::{ArrayD, IxDyn};
use std::sync::Arc;

/// The axis positions of `dims` (every dimension when `None`), ascending.
fn axes_of(array: &DataArray, dims: Option<&[String]>) -> Result<Vec<usize>, PlanError> {
    let all = array.dims();
    let mut axes = Vec::new();
    match dims {
        None => axes.extend(0..all.len()),
        Some(dims) => {
            for d in dims {
                let a = all
                    .iter()
                    .position(|x| x == d)
                    .ok_or_else(|| unknown_dim(d, all))?;
                if !axes.contains(&a) {
                    axes.push(a);
                }
            }
        }
    }
    axes.sort_unstable();
    Ok(axes)
}

impl DataArray {
    fn along(
        &self,
        op: AlongOp,
        axes: Vec<usize>,
        skipna: Option<bool>,
        dtype: DType,
    ) -> (Arc<Plan>, Vec<String>) {
        let input = plan_of(&self.variable);
        let skipna = skipna.unwrap_or(true) && input.dtype().is_float();
        let (mut shape, mut dims) = (Vec::new(), Vec::new());
        if let AlongOp::Quantile { qs, list: true } = &op {
            shape.push(qs.len());
            dims.push("quantile".to_owned());
        }
        let keep_all = op == AlongOp::CumSum;
        for (a, (d, &n)) in self.dims().iter().zip(input.shape()).enumerate() {
            if keep_all || !axes.contains(&a) {
                shape.push(n);
                dims.push(d.clone());
            }
        }
        let node = Node::Along(Along {
            op,
            input,
            axes,
            skipna,
        });
        (Plan::new(node, shape, dtype), dims)
    }

    /// `var` with this array's attributes, which xarray keeps through these operations.
    fn with_attrs(&self, var: Variable) -> Variable {
        Variable {
            attrs: self.variable.attrs.clone(),
            ..var
        }
    }

    /// Coordinates that survive reducing to `kept` dimensions.
    fn coords_within(&self, kept: &[String]) -> IndexMap<String, Variable> {
        self.coords
            .iter()
            .filter(|(_, c)| c.dims.iter().all(|d| kept.contains(d)))
            .map(|(k, c)| (k.clone(), c.clone()))
            .collect()
    }

    /// `cumsum(dim)`: the running sum along one dimension (NaN counts as 0 for floats unless
    /// `skipna` is false); integers sum in int64 (uint64 for unsigned), as numpy does.
    ///
    /// # Errors
    /// An unknown dimension.
    pub fn cumsum(&self, dim: &str, skipna: Option<bool>) -> Result<DataArray, PlanError> {
        super::reduce::numbers_only(&self.variable, "cumsum")?;
        let axes = axes_of(self, Some(&[dim.to_owned()]))?;
        let dtype = result_dtype(ReduceOp::Sum, self.dtype());
        let (expr, dims) = self.along(AlongOp::CumSum, axes, skipna, dtype);
        Ok(DataArray {
            name: self.name.clone(),
            variable: self.with_attrs(lazy_variable(dims, expr)),
            coords: self.coords.clone(),
        })
    }

    /// `argmin(dim)` / `argmax(dim)` (`max` true): int64 positions along `dim`; with
    /// `skipna`, an all-NaN slice fails when computed, as numpy's nanargmin does.
    ///
    /// # Errors
    /// An unknown dimension.
    pub fn arg_extreme(
        &self,
        max: bool,
        dim: &str,
        skipna: Option<bool>,
    ) -> Result<DataArray, PlanError> {
        // Dates order as their ticks do; strings' codes do not.
        if TimeScale::of(&self.variable).is_none() {
            super::reduce::numbers_only(&self.variable, if max { "argmax" } else { "argmin" })?;
        }
        let axes = axes_of(self, Some(&[dim.to_owned()]))?;
        let op = if max {
            AlongOp::ArgMax
        } else {
            AlongOp::ArgMin
        };
        let (expr, dims) = self.along(op, axes, skipna, DType::I64);
        Ok(DataArray {
            name: self.name.clone(),
            coords: self.coords_within(&dims),
            variable: self.with_attrs(lazy_variable(dims, expr)),
        })
    }

    /// `median(dim)`: numpy's nanmedian over `dims` (all when `None`); float32 stays float32.
    ///
    /// # Errors
    /// An unknown dimension.
    pub fn median(
        &self,
        dims: Option<&[String]>,
        skipna: Option<bool>,
    ) -> Result<DataArray, PlanError> {
        super::reduce::numbers_only(&self.variable, "median")?;
        let axes = axes_of(self, dims)?;
        let dtype = result_dtype(ReduceOp::Mean, self.dtype());
        let op = AlongOp::Quantile {
            qs: vec![0.5],
            list: false,
        };
        let (expr, dims) = self.along(op, axes, skipna, dtype);
        Ok(DataArray {
            name: self.name.clone(),
            coords: self.coords_within(&dims),
            variable: self.with_attrs(lazy_variable(dims, expr)),
        })
    }

    /// `quantile(q, dim, method="linear")`: float64 quantiles over `dims` (all when `None`);
    /// a list of q adds a leading `quantile` dimension, one q a scalar `quantile` coordinate.
    ///
    /// # Errors
    /// An unknown dimension, a q outside `[0, 1]`, or a method other than "linear".
    pub fn quantile(
        &self,
        qs: &[f64],
        list: bool,
        dims: Option<&[String]>,
        method: &str,
        skipna: Option<bool>,
    ) -> Result<DataArray, PlanError> {
        super::reduce::numbers_only(&self.variable, "quantile")?;
        if method != "linear" {
            return Err(bad_option("method", method, &["linear"]));
        }
        if let Some(&q) = qs.iter().find(|q| !(0.0..=1.0).contains(*q)) {
            return Err(PlanError::BadQuantile { q });
        }
        let axes = axes_of(self, dims)?;
        let op = AlongOp::Quantile {
            qs: qs.to_vec(),
            list,
        };
        let (expr, dims) = self.along(op, axes, skipna, DType::F64);
        let mut coords = self.coords_within(&dims);
        let q_dims = if list {
            vec!["quantile".to_owned()]
        } else {
            Vec::new()
        };
        let shape: Vec<usize> = q_dims.iter().map(|_| qs.len()).collect();
        let values = ArrayD::from_shape_vec(IxDyn(&shape), qs.to_vec())
            .unwrap_or_else(|_| ArrayD::from_elem(IxDyn(&[]), f64::NAN));
        coords.insert(
            "quantile".to_owned(),
            Variable::new(q_dims, Data::Memory(Arc::new(Block::F64(values)))),
        );
        Ok(DataArray {
            name: self.name.clone(),
            variable: self.with_attrs(lazy_variable(dims, expr)),
            coords,
        })
    }
}
