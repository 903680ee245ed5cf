//! Window views as new dimensions: `rolling(...).construct("window")` (each position's window
//! along a new last dimension, padded with NaN) and `coarsen(...).construct(time=("year",
//! "month"))` (a dimension split in two). They build arrays larger than or as large as their
//! input, so they work on values in memory.

use std::sync::Arc;

use ndarray::{ArrayD, IxDyn};

use super::coarsen::Coarsen;
use super::error::PlanError;
use super::rolling::RollingWindow;
use crate::coding::TimeScale;
use crate::model::{Block, DType, Data, DataArray, Variable};

/// The block of `var`, which must be in memory and hold numbers (`what` names the call).
fn memory_block<'a>(var: &'a Variable, dim: &str, what: &str) -> Result<&'a Block, PlanError> {
    match &var.data {
        Data::Memory(b) => Ok(b),
        Data::Lazy(_) => Err(PlanError::BadWindow {
            dim: dim.to_owned(),
            why: format!("{what} needs the values in memory: call .load() first"),
        }),
    }
}

impl RollingWindow {
    /// `rolling(dim=w, center=...).construct(window_dim)`: for each position, the values of
    /// its window along a new last dimension `window_dim`, NaN beyond the ends (integers
    /// become float64, as xarray fills them with NaN).
    ///
    /// # Errors
    /// [`PlanError::BadWindow`] for lazy values or a name already used;
    /// [`PlanError::BadDtype`] for dates and booleans.
    pub fn construct(&self, window_dim: &str) -> Result<DataArray, PlanError> {
        let array = self.array();
        let dim = self.dim();
        if array.dims().iter().any(|d| d == window_dim) {
            return Err(PlanError::BadWindow {
                dim: dim.to_owned(),
                why: format!("the window dimension {window_dim:?} already exists"),
            });
        }
        let block = memory_block(&array.variable, dim, "rolling(...).construct")?;
        if TimeScale::of(&array.variable).is_some() || block.dtype() == DType::Bool {
            return Err(PlanError::BadDtype {
                op: "rolling(...).construct (filled with NaN)".to_owned(),
                dtype: crate::repr::dtype_name(&array.variable).to_owned(),
            });
        }
        let axis = array
            .dims()
            .iter()
            .position(|d| d == dim)
            .ok_or_else(|| super::error::unknown_dim(dim, array.dims()))?;
        let (window, values) = (self.window(), block.to_f64());
        // xarray pads window // 2 before a centred window, window - 1 before a trailing one.
        let before = if self.center() {
            window / 2
        } else {
            window - 1
        };
        let n = values.shape()[axis];
        let mut shape = values.shape().to_vec();
        shape.push(window);
        let out = ArrayD::from_shape_fn(IxDyn(&shape), |ix| {
            let k = ix[shape.len() - 1];
            let mut at: Vec<usize> = (0..shape.len() - 1).map(|i| ix[i]).collect();
            match (at[axis] + k).checked_sub(before).filter(|&p| p < n) {
                Some(p) => {
                    at[axis] = p;
                    values[IxDyn(&at)]
                }
                None => f64::NAN,
            }
        });
        let block = if block.dtype() == DType::F32 {
            #[allow(clippy::cast_possible_truncation)] // float32 values, back to float32
            Block::F32(out.mapv(|x| x as f32))
        } else {
            Block::F64(out)
        };
        let mut dims = array.dims().to_vec();
        dims.push(window_dim.to_owned());
        let mut variable = Variable::new(dims, Data::Memory(Arc::new(block)));
        variable.attrs.clone_from(array.attrs());
        Ok(DataArray {
            name: array.name.clone(),
            variable,
            coords: array.coords.clone(),
        })
    }
}

impl Coarsen {
    /// `coarsen(dim=w).construct(dim=(outer, inner))`: each coarsened dimension split into
    /// `outer` (the windows) and `inner` (the positions in a window), for the array and every
    /// coordinate along it; windows must divide their dimension (boundary "exact").
    ///
    /// # Errors
    /// [`PlanError::BadWindow`] for a coarsened dimension without new names, names for one
    /// that is not coarsened, lazy values, or another boundary; [`PlanError::CoarsenNotExact`] when a window does not divide.
    pub fn construct(&self, names: &[(String, (String, String))]) -> Result<DataArray, PlanError> {
        let array = self.array();
        for (dim, _) in self.windows() {
            if !names.iter().any(|(d, _)| d == dim) {
                return Err(PlanError::BadWindow {
                    dim: dim.clone(),
                    why: "construct() needs new dimension names for every coarsened dimension"
                        .to_owned(),
                });
            }
        }
        // As xarray, names for a dimension that is not coarsened are an error (not a split
        // into windows of one).
        if let Some((dim, _)) = names.iter().find(|(d, _)| self.window_of(d).is_none()) {
            return Err(PlanError::BadWindow {
                dim: dim.clone(),
                why: "construct() names a dimension that is not coarsened".to_owned(),
            });
        }
        if !self.is_exact() {
            return Err(PlanError::BadWindow {
                dim: self.windows()[0].0.clone(),
                why: "coarsen(...).construct with boundary 'trim' or 'pad' is not supported yet"
                    .to_owned(),
            });
        }
        let split = |var: &Variable| -> Result<Variable, PlanError> {
            if !var.dims.iter().any(|d| names.iter().any(|(n, _)| n == d)) {
                return Ok(var.clone());
            }
            let mut dims = Vec::new();
            let mut shape = Vec::new();
            for (d, &len) in var.dims.iter().zip(&var.shape()) {
                if let Some((_, (outer, inner))) = names.iter().find(|(n, _)| n == d) {
                    let w = self.window_of(d).unwrap_or(1); // checked above: coarsened
                    if len % w != 0 {
                        return Err(PlanError::CoarsenNotExact {
                            size: len,
                            window: w,
                        });
                    }
                    dims.extend([outer.clone(), inner.clone()]);
                    shape.extend([len / w, w]);
                } else {
                    dims.push(d.clone());
                    shape.push(len);
                }
            }
            let block = memory_block(var, &var.dims[0], "coarsen(...).construct")?;
            let reshaped = block.reshaped(&shape).ok_or_else(|| PlanError::BadWindow {
                dim: var.dims[0].clone(),
                why: "the windows do not divide the values".to_owned(),
            })?;
            Ok(Variable {
                dims,
                data: Data::Memory(Arc::new(reshaped)),
                attrs: var.attrs.clone(),
                encoding: var.encoding.clone(),
            })
        };
        let coords = array
            .coords
            .iter()
            .map(|(k, c)| Ok((k.clone(), split(c)?)))
            .collect::<Result<_, PlanError>>()?;
        Ok(DataArray {
            name: array.name.clone(),
            variable: split(&array.variable)?,
            coords,
        })
    }
}
