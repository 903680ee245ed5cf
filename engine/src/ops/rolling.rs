//! rolling: moving-window reductions along one dimension (`da.rolling(time=3, center=True)`),
//! lazily; a window reaches across chunk edges, so the executor reads each tile with a halo.

use super::arith::{lazy_variable, plan_of};
use super::error::{unknown_dim, PlanError};
use super::plan::{Node, Plan, ReduceOp, Rolling};
use crate::model::{DType, DataArray};

/// A rolling window over an array, waiting for its reduction: `da.rolling(time=3)`.
#[derive(Debug, Clone)]
pub struct RollingWindow {
    array: DataArray,
    dim: String,
    window: usize,
    center: bool,
    min_periods: usize,
}

impl RollingWindow {
    /// The rolled dimension.
    pub fn dim(&self) -> &str {
        &self.dim
    }

    /// The window length.
    pub fn window(&self) -> usize {
        self.window
    }

    /// Whether windows are centred.
    pub fn center(&self) -> bool {
        self.center
    }

    /// The rolled array.
    pub fn array(&self) -> &DataArray {
        &self.array
    }

    /// The same window over another array having the dimension (the variables of a dataset
    /// share one window).
    #[must_use]
    pub fn over(&self, array: DataArray) -> RollingWindow {
        RollingWindow {
            array,
            ..self.clone()
        }
    }

    /// `.mean()`, `.sum()`, `.min()`, `.max()`, `.std()`, `.var()`, `.count()` of each window
    /// (std and var with ddof 0, as xarray's rolling gives).
    pub fn reduce(&self, op: ReduceOp) -> Result<DataArray, PlanError> {
        super::reduce::numbers_only(&self.array.variable, &format!("rolling {}", op.name()))?;
        let input = plan_of(&self.array.variable);
        let axis = self
            .array
            .dims()
            .iter()
            .position(|d| *d == self.dim)
            .ok_or_else(|| unknown_dim(&self.dim, self.array.dims()))?;
        let dtype = if input.dtype() == DType::F32 && op != ReduceOp::Count {
            DType::F32
        } else {
            DType::F64
        };
        let shape = input.shape().to_vec();
        let expr = Plan::new(
            Node::Rolling(Rolling {
                op,
                input,
                axis,
                window: self.window,
                center: self.center,
                min_periods: self.min_periods,
            }),
            shape,
            dtype,
        );
        let mut variable = lazy_variable(self.array.dims().to_vec(), expr);
        variable.attrs.clone_from(&self.array.variable.attrs);
        Ok(DataArray {
            name: self.array.name.clone(),
            variable,
            coords: self.array.coords.clone(),
        })
    }
}

impl DataArray {
    /// `rolling(dim=window, center=False, min_periods=None)`: `min_periods` defaults to the
    /// window length.
    pub fn rolling(
        &self,
        dim: &str,
        window: i64,
        center: bool,
        min_periods: Option<i64>,
    ) -> Result<RollingWindow, PlanError> {
        if !self.dims().iter().any(|d| d == dim) {
            return Err(unknown_dim(dim, self.dims()));
        }
        let bad = |why: String| PlanError::BadWindow {
            dim: dim.to_owned(),
            why,
        };
        let window = usize::try_from(window)
            .ok()
            .filter(|&w| w > 0)
            .ok_or_else(|| bad(format!("window must be > 0, got {window}")))?;
        let min_periods = match min_periods {
            None => window,
            Some(m) => usize::try_from(m)
                .ok()
                .filter(|&m| m > 0 && m <= window)
                .ok_or_else(|| {
                    bad(format!(
                        "min_periods must be between 1 and the window ({window}), got {m}"
                    ))
                })?,
        };
        Ok(RollingWindow {
            array: self.clone(),
            dim: dim.to_owned(),
            window,
            center,
            min_periods,
        })
    }
}
