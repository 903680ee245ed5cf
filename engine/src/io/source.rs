//! `ZarrSource`: one Zarr array read chunk by chunk through zarrs, as typed blocks.

use super::{ChunkSource, IoError};
use crate::model::{Block, DType};
use ndarray::{ArrayD, IxDyn, SliceInfoElem};
use std::fmt;
use std::ops::Range;
use std::sync::Arc;
use zarrs::array::{Array, ArrayError, ArraySubset, CodecOptions, ElementOwned};
use zarrs::filesystem::FilesystemStore;

/// A Zarr array on the filesystem.
pub struct ZarrSource {
    name: String,
    array: Array<FilesystemStore>,
    shape: Vec<u64>,
    chunks: Vec<u64>,
    dtype: DType,
    options: CodecOptions,
}

impl fmt::Debug for ZarrSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ZarrSource")
            .field("name", &self.name)
            .field("shape", &self.shape)
            .field("chunks", &self.chunks)
            .field("dtype", &self.dtype)
            .finish_non_exhaustive()
    }
}

impl ZarrSource {
    /// Wraps an opened array whose regular chunk (or shard) shape is `chunks`.
    pub(crate) fn new(
        name: String,
        array: Array<FilesystemStore>,
        chunks: Vec<u64>,
        dtype: DType,
    ) -> Self {
        // The engine parallelises over chunks on its own pool: one codec thread per call.
        let options = CodecOptions::default().with_concurrent_target(1);
        Self {
            name,
            shape: array.shape().to_vec(),
            array,
            chunks,
            dtype,
            options,
        }
    }

    /// Wraps this source for the `ArrayMeta`.
    pub(crate) fn into_arc(self) -> Arc<dyn ChunkSource> {
        Arc::new(self)
    }

    fn key(&self, chunk: &[u64]) -> String {
        self.array.chunk_key(chunk).to_string()
    }

    fn chunk_error(&self, chunk: &[u64], err: &ArrayError) -> IoError {
        let key = self.key(chunk);
        match err {
            ArrayError::StorageError(e) => IoError::ReadChunk {
                array: self.name.clone(),
                key,
                message: e.to_string(),
            },
            e => IoError::CorruptChunk {
                array: self.name.clone(),
                key,
                message: e.to_string(),
            },
        }
    }

    /// Reads the part `within` (array coordinates) of chunk `chunk`.
    fn read_in_chunk<T: ElementOwned>(
        &self,
        chunk: &[u64],
        within: &[Range<u64>],
    ) -> Result<ArrayD<T>, IoError> {
        let subset = ArraySubset::new_with_ranges(within);
        self.array
            .retrieve_array_subset_opt::<ArrayD<T>>(&subset, &self.options)
            .map_err(|e| self.chunk_error(chunk, &e))
    }

    fn region<T: ElementOwned + Clone + Default>(
        &self,
        start: &[u64],
        shape: &[u64],
    ) -> Result<ArrayD<T>, IoError> {
        let usize_shape: Vec<usize> = shape.iter().map(|&s| to_usize(s)).collect();
        // Chunk index ranges covering the region, per axis.
        let ranges: Vec<Range<u64>> = start
            .iter()
            .zip(shape)
            .zip(&self.chunks)
            .map(|((&s, &n), &c)| {
                if n == 0 {
                    0..0
                } else {
                    s / c..(s + n - 1) / c + 1
                }
            })
            .collect();
        if ranges.iter().all(|r| r.end - r.start == 1) {
            let first: Vec<u64> = ranges.iter().map(|r| r.start).collect();
            let within: Vec<Range<u64>> =
                start.iter().zip(shape).map(|(&s, &n)| s..s + n).collect();
            return self.read_in_chunk(&first, &within);
        }
        let mut out = ArrayD::<T>::default(IxDyn(&usize_shape));
        if out.is_empty() {
            return Ok(out);
        }
        let mut idx: Vec<u64> = ranges.iter().map(|r| r.start).collect();
        loop {
            let within: Vec<Range<u64>> = idx
                .iter()
                .zip(&self.chunks)
                .zip(start.iter().zip(shape))
                .map(|((&i, &c), (&s, &n))| (i * c).max(s)..((i + 1) * c).min(s + n))
                .collect();
            let part: ArrayD<T> = self.read_in_chunk(&idx, &within)?;
            let info: Vec<SliceInfoElem> = within
                .iter()
                .zip(start)
                .map(|(r, &s)| SliceInfoElem::from(to_usize(r.start - s)..to_usize(r.end - s)))
                .collect();
            out.slice_mut(info.as_slice()).assign(&part);
            // Next chunk index, last axis fastest.
            let mut axis = idx.len();
            loop {
                if axis == 0 {
                    return Ok(out);
                }
                axis -= 1;
                idx[axis] += 1;
                if idx[axis] < ranges[axis].end {
                    break;
                }
                idx[axis] = ranges[axis].start;
            }
        }
    }

    fn check_region(&self, start: &[u64], shape: &[u64]) -> Result<(), IoError> {
        let ok = start.len() == self.shape.len()
            && shape.len() == self.shape.len()
            && start
                .iter()
                .zip(shape)
                .zip(&self.shape)
                .all(|((&s, &n), &len)| s.checked_add(n).is_some_and(|e| e <= len));
        if ok {
            Ok(())
        } else {
            Err(IoError::OutOfBounds {
                array: self.name.clone(),
                what: format!("region start {start:?} shape {shape:?}"),
                shape: self.shape.clone(),
            })
        }
    }
}

fn to_usize(v: u64) -> usize {
    usize::try_from(v).unwrap_or(usize::MAX)
}

macro_rules! typed {
    ($self:ident, $start:ident, $shape:ident) => {
        match $self.dtype {
            DType::Bool => Block::Bool($self.region($start, $shape)?),
            DType::I8 => Block::I8($self.region($start, $shape)?),
            DType::I16 => Block::I16($self.region($start, $shape)?),
            DType::I32 => Block::I32($self.region($start, $shape)?),
            DType::I64 => Block::I64($self.region($start, $shape)?),
            DType::U8 => Block::U8($self.region($start, $shape)?),
            DType::U16 => Block::U16($self.region($start, $shape)?),
            DType::U32 => Block::U32($self.region($start, $shape)?),
            DType::U64 => Block::U64($self.region($start, $shape)?),
            DType::F32 => Block::F32($self.region($start, $shape)?),
            DType::F64 => Block::F64($self.region($start, $shape)?),
        }
    };
}

impl ChunkSource for ZarrSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn shape(&self) -> &[u64] {
        &self.shape
    }

    fn chunks(&self) -> &[u64] {
        &self.chunks
    }

    fn dtype(&self) -> DType {
        self.dtype
    }

    fn read_chunk(&self, index: &[u64]) -> Result<Block, IoError> {
        let grid = self.array.chunk_grid_shape();
        if index.len() != grid.len() || index.iter().zip(grid).any(|(i, g)| i >= g) {
            return Err(IoError::OutOfBounds {
                array: self.name.clone(),
                what: format!("chunk {index:?} (chunk grid {grid:?})"),
                shape: self.shape.clone(),
            });
        }
        let start: Vec<u64> = index.iter().zip(&self.chunks).map(|(i, c)| i * c).collect();
        let shape: Vec<u64> = start
            .iter()
            .zip(&self.chunks)
            .zip(&self.shape)
            .map(|((s, c), len)| (*c).min(len - s))
            .collect();
        let (start, shape) = (start.as_slice(), shape.as_slice());
        Ok(typed!(self, start, shape))
    }

    fn read_region(&self, start: &[u64], shape: &[u64]) -> Result<Block, IoError> {
        self.check_region(start, shape)?;
        Ok(typed!(self, start, shape))
    }
}
