//! A data array: one variable with its coordinates and a name (xarray's `DataArray`).

use super::{Attrs, DType, Variable};
use indexmap::IndexMap;

/// A labelled N-d array: a variable plus the coordinates that share its dimensions.
#[derive(Debug, Clone)]
pub struct DataArray {
    /// The array's name (the variable name in its dataset).
    pub name: Option<String>,
    /// The values.
    pub variable: Variable,
    /// Coordinates whose dims are a subset of the array's dims.
    pub coords: IndexMap<String, Variable>,
}

impl DataArray {
    /// Dimension names.
    pub fn dims(&self) -> &[String] {
        &self.variable.dims
    }

    /// The shape.
    pub fn shape(&self) -> Vec<usize> {
        self.variable.shape()
    }

    /// The dtype.
    pub fn dtype(&self) -> DType {
        self.variable.dtype()
    }

    /// Attributes.
    pub fn attrs(&self) -> &Attrs {
        &self.variable.attrs
    }

    /// The same name and coordinates over other values (of the same dimensions).
    #[must_use]
    pub fn with_variable(&self, variable: Variable) -> DataArray {
        DataArray {
            name: self.name.clone(),
            variable,
            coords: self.coords.clone(),
        }
    }

    /// Size of each dimension, in order.
    pub fn sizes(&self) -> IndexMap<String, usize> {
        self.dims().iter().cloned().zip(self.shape()).collect()
    }
}
