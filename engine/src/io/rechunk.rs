//! `Rechunked`: a source seen through another chunk shape (`open_zarr(chunks=...)`).
//!
//! The plan tiles by a source's `chunks()`, so reporting the requested shape is all a rechunk at
//! open time needs; each requested chunk is read as a region of the inner source, which stitches
//! the storage chunks it spans.

use super::{ChunkSource, IoError};
use crate::model::{Block, DType};
use std::sync::Arc;

/// A source whose chunks are `chunks` instead of the inner source's.
#[derive(Debug)]
pub struct Rechunked {
    inner: Arc<dyn ChunkSource>,
    chunks: Vec<u64>,
}

impl Rechunked {
    /// `inner` with chunk shape `chunks` (one per axis; sizes below 1 count as 1); the inner
    /// source itself when the shapes agree or `chunks` has the wrong length.
    pub fn wrap(inner: Arc<dyn ChunkSource>, chunks: &[u64]) -> Arc<dyn ChunkSource> {
        let chunks: Vec<u64> = chunks.iter().map(|&c| c.max(1)).collect();
        if chunks.len() != inner.shape().len() || chunks == inner.chunks() {
            return inner;
        }
        Arc::new(Self { inner, chunks })
    }
}

impl ChunkSource for Rechunked {
    fn name(&self) -> &str {
        self.inner.name()
    }
    fn location(&self) -> Option<std::path::PathBuf> {
        self.inner.location()
    }

    fn shape(&self) -> &[u64] {
        self.inner.shape()
    }

    fn chunks(&self) -> &[u64] {
        &self.chunks
    }

    fn dtype(&self) -> DType {
        self.inner.dtype()
    }

    fn read_chunk(&self, index: &[u64]) -> Result<Block, IoError> {
        let shape = self.inner.shape();
        let grid: Vec<u64> = shape
            .iter()
            .zip(&self.chunks)
            .map(|(&n, &c)| n.div_ceil(c))
            .collect();
        if index.len() != grid.len() || index.iter().zip(&grid).any(|(i, g)| i >= g) {
            return Err(IoError::OutOfBounds {
                array: self.name().to_owned(),
                what: format!("chunk {index:?} (chunk grid {grid:?})"),
                shape: shape.to_vec(),
            });
        }
        let start: Vec<u64> = index.iter().zip(&self.chunks).map(|(i, c)| i * c).collect();
        let extent: Vec<u64> = start
            .iter()
            .zip(&self.chunks)
            .zip(shape)
            .map(|((&s, &c), &n)| c.min(n - s))
            .collect();
        self.inner.read_region(&start, &extent)
    }

    fn read_region(&self, start: &[u64], shape: &[u64]) -> Result<Block, IoError> {
        self.inner.read_region(start, shape)
    }
}
