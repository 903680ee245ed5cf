//! Storage: opens Zarr stores (formats 2 and 3) and reads their chunks as typed blocks.
//!
//! `io` knows formats and codecs, not CF conventions: it reports attributes and the fill value
//! as stored, and `coding` interprets them.

mod encoding;
mod error;
mod rechunk;
mod source;
mod store;

pub use error::IoError;
pub use rechunk::Rechunked;
pub use source::ZarrSource;
pub use store::open_store;

use crate::model::{Attrs, Block, DType};
use std::fmt;
use std::sync::Arc;

/// A chunked N-d array in storage, read chunk by chunk.
pub trait ChunkSource: Send + Sync + fmt::Debug {
    /// The array's path in its store, for messages.
    fn name(&self) -> &str;
    /// The array's shape.
    fn shape(&self) -> &[u64];
    /// The regular chunk shape (edge chunks are clipped to the array).
    fn chunks(&self) -> &[u64];
    /// The storage dtype.
    fn dtype(&self) -> DType;
    /// Reads and decodes one chunk, clipped to the array; an absent chunk reads as the fill
    /// value.
    fn read_chunk(&self, index: &[u64]) -> Result<Block, IoError>;
    /// Reads and decodes any region (`start`, `shape`), across chunks.
    fn read_region(&self, start: &[u64], shape: &[u64]) -> Result<Block, IoError>;
}

/// One array of a store, with what xarray needs to make a variable of it.
#[derive(Debug, Clone)]
pub struct ArrayMeta {
    /// The array's name in the store (the variable name).
    pub name: String,
    /// Dimension names (`_ARRAY_DIMENSIONS` in format 2, `dimension_names` in format 3).
    pub dims: Vec<String>,
    /// Attributes as stored, minus `_ARRAY_DIMENSIONS`.
    pub attrs: Attrs,
    /// The fill value xarray masks like `_FillValue` (its default `use_zarr_fill_value_as_mask`):
    /// the Zarr fill value in format 2 (`None` for `null`); always `None` in format 3, whose
    /// Zarr fill value is in `encoding["fill_value"]` and does not mask.
    pub fill_value: Option<f64>,
    /// Storage facts for `.encoding`: chunks, dtype, compressor/codecs, zarr_format.
    pub encoding: Attrs,
    /// The reader.
    pub source: Arc<dyn ChunkSource>,
}

/// A store's root group: its attributes and arrays.
#[derive(Debug, Clone)]
pub struct StoreMeta {
    /// The store's path, for messages.
    pub path: String,
    /// 2 or 3.
    pub zarr_format: u8,
    /// Root group attributes.
    pub attrs: Attrs,
    /// The arrays directly under the root, in name order.
    pub arrays: Vec<ArrayMeta>,
}

impl StoreMeta {
    /// The array called `name`, or an error suggesting the closest name.
    pub fn array(&self, name: &str) -> Result<&ArrayMeta, IoError> {
        self.arrays
            .iter()
            .find(|a| a.name == name)
            .ok_or_else(|| IoError::NoSuchArray {
                store: self
                    .arrays
                    .first()
                    .map_or_else(String::new, |a| a.source.name().to_string()),
                array: name.to_string(),
                suggestion: error::closest(name, self.arrays.iter().map(|a| a.name.as_str())),
            })
    }
}
