//! A variable: named dimensions over data, with attributes and storage encoding.

use super::{Attrs, DType, Data};

/// Dimensions, data, attributes and encoding: xarray's `Variable`.
#[derive(Debug, Clone)]
pub struct Variable {
    /// Dimension names, one per axis.
    pub dims: Vec<String>,
    /// The values, in memory or lazy.
    pub data: Data,
    /// User-facing attributes.
    pub attrs: Attrs,
    /// How the values are stored (dtype, chunks, CF packing, time units and calendar).
    pub encoding: Attrs,
}

impl Variable {
    /// A variable without attributes or encoding.
    pub fn new(dims: Vec<String>, data: Data) -> Self {
        Self {
            dims,
            data,
            attrs: Attrs::new(),
            encoding: Attrs::new(),
        }
    }

    /// The shape.
    pub fn shape(&self) -> Vec<usize> {
        self.data.shape()
    }

    /// The dtype.
    pub fn dtype(&self) -> DType {
        self.data.dtype()
    }

    /// Size of dimension `dim`, if this variable has it.
    pub fn dim_size(&self, dim: &str) -> Option<usize> {
        let axis = self.dims.iter().position(|d| d == dim)?;
        self.shape().get(axis).copied()
    }

    /// Number of elements.
    pub fn size(&self) -> usize {
        self.shape().iter().product()
    }

    /// Bytes the values take in memory (in numpy: text takes its dtype's item size).
    pub fn nbytes(&self) -> usize {
        let itemsize = super::Labels::of(self).map_or(self.dtype().size(), |l| l.itemsize());
        self.size() * itemsize
    }

    /// The calendar if the values are CF datetimes (ticks of nanoseconds since 1970-01-01).
    pub fn calendar(&self) -> Option<&str> {
        self.encoding
            .get(TIME_CALENDAR_KEY)
            .and_then(serde_json::Value::as_str)
    }
}

/// Encoding key marking a variable whose int64 values are datetimes in that calendar.
pub const TIME_CALENDAR_KEY: &str = "nereus_time_calendar";
