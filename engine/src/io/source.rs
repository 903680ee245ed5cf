//! `ZarrSource`: one Zarr array read chunk by chunk through zarrs, as typed blocks.

use super::stream::{open_blosc_chunk, open_chunk, stream_codec, wrong_size, ChunkReader, Decoded};
use super::{lend_whole, ChunkSource, IoError, Slab};
use crate::model::{Block, DType};
use ndarray::{ArrayD, ArrayView, IxDyn, SliceInfoElem};
use std::fmt;
use std::ops::{ControlFlow, Range};
use std::sync::Arc;
use zarrs::array::codec::BytesCodec;
use zarrs::array::{
    Array, ArrayError, ArraySubset, BytesToBytesCodecTraits, CodecOptions, ElementOwned,
};
use zarrs::filesystem::FilesystemStore;
use zarrs::storage::StorageError;

/// A Zarr array on the filesystem.
pub struct ZarrSource {
    name: String,
    array: Array<FilesystemStore>,
    shape: Vec<u64>,
    chunks: Vec<u64>,
    dtype: DType,
    options: CodecOptions,
    /// The blosc codec, when chunks decode slab by slab (see `stream`).
    stream: Option<Arc<dyn BytesToBytesCodecTraits>>,
    partial: PartialRead,
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

/// How part of one chunk is read, so that a chunk decoding to more or fewer values than its
/// shape is an error on every path (zarrs's partial decoders never check the size).
#[derive(Debug, Clone, Copy)]
enum PartialRead {
    /// `bytes` alone: the stored file is the decoded chunk; its length is checked, then only
    /// the part is read.
    Raw,
    /// `bytes` + `blosc`: the header's decoded size is checked, then zarrs decodes only the
    /// blocks the part needs.
    Blosc,
    /// Anything else (another compressor, which zarrs decodes whole for a part anyway, or a
    /// shard, decoded whole as the streaming reductions do): decoded whole, which zarrs
    /// checks, then cut.
    Whole,
}

impl PartialRead {
    fn of(array: &Array<FilesystemStore>) -> Self {
        let codecs = array.codecs();
        let plain = codecs.array_to_array_codecs().is_empty()
            && codecs.array_to_bytes_codec().as_any().is::<BytesCodec>()
            && array.storage_transformers().create_metadatas().is_empty();
        match codecs.bytes_to_bytes_codecs() {
            [] if plain => Self::Raw,
            [_] if stream_codec(array).is_some() => Self::Blosc,
            _ => Self::Whole,
        }
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
            stream: stream_codec(&array),
            partial: PartialRead::of(&array),
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

    /// Reads the part `within` (array coordinates) of chunk `chunk`, after checking that the
    /// chunk decodes to its shape's size: zarrs checks a whole chunk, never a part.
    fn read_in_chunk<T: ElementOwned + Clone>(
        &self,
        chunk: &[u64],
        within: &[Range<u64>],
    ) -> Result<ArrayD<T>, IoError> {
        let fail = |e: ArrayError| self.chunk_error(chunk, &e);
        let stored = self.array.chunk_subset(chunk).map_err(fail)?;
        let origin = stored.start();
        let whole = within
            .iter()
            .zip(origin.iter().zip(stored.shape().iter()))
            .all(|(r, (&o, &n))| r.start == o && r.end - r.start == n);
        if !whole {
            let expected = stored.num_elements() * self.dtype.size() as u64;
            match self.partial {
                PartialRead::Raw => self.check_raw_size(chunk, expected).map_err(fail)?,
                PartialRead::Blosc => {
                    open_blosc_chunk(&self.array, chunk, expected).map_err(fail)?;
                }
                PartialRead::Whole => {
                    let all: ArrayD<T> = self
                        .array
                        .retrieve_chunk_opt(chunk, &self.options)
                        .map_err(fail)?;
                    let info: Vec<SliceInfoElem> = within
                        .iter()
                        .zip(origin)
                        .map(|(r, o)| {
                            SliceInfoElem::from(to_usize(r.start - o)..to_usize(r.end - o))
                        })
                        .collect();
                    return Ok(all.slice(info.as_slice()).to_owned());
                }
            }
        }
        let subset = ArraySubset::new_with_ranges(within);
        self.array
            .retrieve_array_subset_opt::<ArrayD<T>>(&subset, &self.options)
            .map_err(fail)
    }

    /// Checks that an uncompressed chunk's file holds `expected` bytes (absent is fill value).
    fn check_raw_size(&self, chunk: &[u64], expected: u64) -> Result<(), ArrayError> {
        let Some(file) = open_chunk(&self.array, chunk)? else {
            return Ok(());
        };
        let size = file.metadata().map_err(StorageError::from)?.len();
        if size == expected {
            Ok(())
        } else {
            Err(wrong_size(size, expected))
        }
    }

    fn region<T: ElementOwned + Clone + Default>(
        &self,
        start: &[u64],
        shape: &[u64],
    ) -> Result<ArrayD<T>, IoError> {
        let usize_shape: Vec<usize> = shape.iter().map(|&s| to_usize(s)).collect();
        let ranges = self.chunk_ranges(start, shape);
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

    /// The chunk index ranges covering a region, per axis.
    fn chunk_ranges(&self, start: &[u64], shape: &[u64]) -> Vec<Range<u64>> {
        start
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
            .collect()
    }

    /// Streams the part `within` (array coordinates) of chunk `chunk` in slabs of whole rows
    /// of the stored chunk along axis 0, cropped to `within`, lending each to `each`.
    fn slabs<T>(
        &self,
        codec: Option<Arc<dyn BytesToBytesCodecTraits>>,
        chunk: &[u64],
        within: &[Range<u64>],
        slab_bytes: u64,
        each: &mut dyn FnMut(Slab<'_>) -> ControlFlow<()>,
    ) -> Result<(), IoError>
    where
        T: Decoded + ElementOwned + Clone,
        for<'a> Slab<'a>: From<&'a [T]>,
    {
        let fail = |e: ArrayError| self.chunk_error(chunk, &e);
        let chunk_shape = self.array.chunk_shape(chunk).map_err(fail)?;
        let row_len: u64 = chunk_shape[1..].iter().map(|n| n.get()).product();
        let row_bytes = row_len * self.dtype.size() as u64;
        let rows = (slab_bytes / row_bytes.max(1)).max(1);
        let chunk_bytes =
            chunk_shape.iter().map(|n| n.get()).product::<u64>() * self.dtype.size() as u64;
        let reader = match codec {
            Some(codec) => {
                ChunkReader::open(&self.array, codec, chunk, chunk_bytes).map_err(fail)?
            }
            None => ChunkReader::decoded(&self.array, chunk, &self.options).map_err(fail)?,
        };
        let Some(reader) = reader else {
            // An absent chunk is all fill value: zarrs fills each slab, a slab at a time.
            let mut slab_within = within.to_vec();
            for first in within[0].clone().step_by(to_usize(rows)) {
                slab_within[0] = first..(first + rows).min(within[0].end);
                let slab: ArrayD<T> = self.read_in_chunk(chunk, &slab_within)?;
                let slab = slab.as_standard_layout();
                if slab
                    .as_slice()
                    .is_some_and(|v| each(Slab::from(v)).is_break())
                {
                    break;
                }
            }
            return Ok(());
        };
        let origin: Vec<u64> = chunk.iter().zip(&self.chunks).map(|(i, c)| i * c).collect();
        let local: Vec<Range<u64>> = within
            .iter()
            .zip(&origin)
            .map(|(r, o)| r.start - o..r.end - o)
            .collect();
        // Cropping copies: only edge chunks, whose stored trailing extent exceeds the array's.
        let crop: Option<Vec<SliceInfoElem>> = local[1..]
            .iter()
            .zip(&chunk_shape[1..])
            .any(|(r, n)| r.start != 0 || r.end != n.get())
            .then(|| {
                std::iter::once(SliceInfoElem::from(..))
                    .chain(
                        local[1..]
                            .iter()
                            .map(|r| SliceInfoElem::from(to_usize(r.start)..to_usize(r.end))),
                    )
                    .collect()
            });
        let mut row = local[0].start;
        while row < local[0].end {
            let end = (row + rows).min(local[0].end);
            let bytes = reader
                .decode(&(row * row_bytes..end * row_bytes), &self.options)
                .map_err(fail)?;
            let values = T::view(&bytes);
            if values.len() as u64 != (end - row) * row_len {
                return Err(fail(ArrayError::Other(format!(
                    "rows {row}..{end} decoded to {} values, not {}",
                    values.len(),
                    (end - row) * row_len
                ))));
            }
            let flow = match &crop {
                None => each(Slab::from(&values[..])),
                Some(info) => {
                    let shape: Vec<usize> = std::iter::once(to_usize(end - row))
                        .chain(chunk_shape[1..].iter().map(|n| to_usize(n.get())))
                        .collect();
                    let view = ArrayView::from_shape(IxDyn(&shape), &values[..])
                        .map_err(|e| fail(ArrayError::Other(e.to_string())))?;
                    let cropped: Vec<T> = view.slice(info.as_slice()).iter().cloned().collect();
                    each(Slab::from(&cropped[..]))
                }
            };
            if flow.is_break() {
                return Ok(());
            }
            row = end;
        }
        Ok(())
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

    fn location(&self) -> Option<std::path::PathBuf> {
        let meta = zarrs::node::meta_key_v3(self.array.path());
        let file = self.array.storage().key_to_fspath(&meta);
        file.parent().map(std::path::Path::to_path_buf)
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

    fn read_region_slabs(
        &self,
        start: &[u64],
        shape: &[u64],
        slab_bytes: u64,
        each: &mut dyn FnMut(Slab<'_>) -> ControlFlow<()>,
    ) -> Result<(), IoError> {
        self.check_region(start, shape)?;
        let ranges = self.chunk_ranges(start, shape);
        let one_chunk = ranges.iter().all(|r| r.end - r.start == 1);
        if !one_chunk || shape.is_empty() {
            lend_whole(&typed!(self, start, shape), each);
            return Ok(());
        }
        let codec = self.stream.clone();
        let chunk: Vec<u64> = ranges.iter().map(|r| r.start).collect();
        let within: Vec<Range<u64>> = start.iter().zip(shape).map(|(&s, &n)| s..s + n).collect();
        let (chunk, within) = (chunk.as_slice(), within.as_slice());
        match self.dtype {
            DType::Bool => self.slabs::<bool>(codec, chunk, within, slab_bytes, each),
            DType::I8 => self.slabs::<i8>(codec, chunk, within, slab_bytes, each),
            DType::I16 => self.slabs::<i16>(codec, chunk, within, slab_bytes, each),
            DType::I32 => self.slabs::<i32>(codec, chunk, within, slab_bytes, each),
            DType::I64 => self.slabs::<i64>(codec, chunk, within, slab_bytes, each),
            DType::U8 => self.slabs::<u8>(codec, chunk, within, slab_bytes, each),
            DType::U16 => self.slabs::<u16>(codec, chunk, within, slab_bytes, each),
            DType::U32 => self.slabs::<u32>(codec, chunk, within, slab_bytes, each),
            DType::U64 => self.slabs::<u64>(codec, chunk, within, slab_bytes, each),
            DType::F32 => self.slabs::<f32>(codec, chunk, within, slab_bytes, each),
            DType::F64 => self.slabs::<f64>(codec, chunk, within, slab_bytes, each),
        }
    }
}
