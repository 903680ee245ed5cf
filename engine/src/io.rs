//! Storage: opens Zarr stores (formats 2 and 3) and reads their chunks as typed blocks.
//!
//! `io` knows formats and codecs, not CF conventions: it reports attributes and the fill value
//! as stored, and `coding` interprets them.

mod encoding;
mod error;
mod rechunk;
mod source;
mod store;
mod stream;
mod write;

pub use error::IoError;
pub use rechunk::Rechunked;
pub use source::ZarrSource;
pub use store::open_store;
pub use write::{
    is_zarr_node, store_format, write_atomic, ArraySpec, ArrayWriter, Compression, StoreWriter,
    TEMP_PREFIX,
};

use crate::model::with_block;
use crate::model::{Attrs, Block, DType};
use std::fmt;
use std::ops::ControlFlow;
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
    /// The directory the array is stored in, when it is on the filesystem (a write must not
    /// delete what a computation reads).
    fn location(&self) -> Option<std::path::PathBuf> {
        None
    }
    /// Reads and decodes one chunk, clipped to the array; an absent chunk reads as the fill
    /// value.
    fn read_chunk(&self, index: &[u64]) -> Result<Block, IoError>;
    /// Reads and decodes any region (`start`, `shape`), across chunks.
    fn read_region(&self, start: &[u64], shape: &[u64]) -> Result<Block, IoError>;
    /// Reads a region in slabs of whole rows along its first axis, in order, handing each to
    /// `each` until it breaks. Sources that can decode part of a chunk hold one slab of about
    /// `slab_bytes` at a time; the default reads the region whole, as one slab.
    fn read_region_slabs(
        &self,
        start: &[u64],
        shape: &[u64],
        _slab_bytes: u64,
        each: &mut dyn FnMut(Slab<'_>) -> ControlFlow<()>,
    ) -> Result<(), IoError> {
        lend_whole(&self.read_region(start, shape)?, each);
        Ok(())
    }
}

/// Lends a whole block to a slab consumer, as one slab.
fn lend_whole(block: &Block, each: &mut dyn FnMut(Slab<'_>) -> ControlFlow<()>) {
    with_block!(block, a => {
        let a = a.as_standard_layout();
        if let Some(values) = a.as_slice() {
            let _ = each(Slab::from(values));
        }
    });
}

/// Values of one slab in storage dtype, C order, lent to a consumer.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Slab<'a> {
    /// `bool`.
    Bool(&'a [bool]),
    /// `int8`.
    I8(&'a [i8]),
    /// `int16`.
    I16(&'a [i16]),
    /// `int32`.
    I32(&'a [i32]),
    /// `int64`.
    I64(&'a [i64]),
    /// `uint8`.
    U8(&'a [u8]),
    /// `uint16`.
    U16(&'a [u16]),
    /// `uint32`.
    U32(&'a [u32]),
    /// `uint64`.
    U64(&'a [u64]),
    /// `float32`.
    F32(&'a [f32]),
    /// `float64`.
    F64(&'a [f64]),
}

macro_rules! slab_from {
    ($($t:ty => $variant:ident),*) => {$(
        impl<'a> From<&'a [$t]> for Slab<'a> {
            fn from(values: &'a [$t]) -> Self {
                Slab::$variant(values)
            }
        }
    )*};
}

slab_from!(bool => Bool, i8 => I8, i16 => I16, i32 => I32, i64 => I64, u8 => U8, u16 => U16,
    u32 => U32, u64 => U64, f32 => F32, f64 => F64);

/// Runs `$body` with `$v` bound to the typed slice inside a [`Slab`].
macro_rules! with_slab {
    ($slab:expr, $v:ident => $body:expr) => {
        match $slab {
            $crate::io::Slab::Bool($v) => $body,
            $crate::io::Slab::I8($v) => $body,
            $crate::io::Slab::I16($v) => $body,
            $crate::io::Slab::I32($v) => $body,
            $crate::io::Slab::I64($v) => $body,
            $crate::io::Slab::U8($v) => $body,
            $crate::io::Slab::U16($v) => $body,
            $crate::io::Slab::U32($v) => $body,
            $crate::io::Slab::U64($v) => $body,
            $crate::io::Slab::F32($v) => $body,
            $crate::io::Slab::F64($v) => $body,
        }
    };
}
pub(crate) use with_slab;

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
