//! One array being written: its metadata (format 2 `.zarray` + `.zattrs`, format 3
//! `zarr.json`) and its chunks, each encoded with the array's codecs and written atomically.

use super::{read_json, write_atomic, write_json, StoreWriter};
use crate::coding::mask::{fill_value_from_json, fill_value_to_json};
use crate::io::IoError;
use crate::model::{Attrs, Block, DType};
use ndarray::{ArrayD, IxDyn, Slice};
use serde_json::{json, Map, Value};
use std::ops::Range;
use zarrs::array::{
    Array, ArrayMetadata, ArrayMetadataV2, ArrayMetadataV3, ArrayToBytesCodecTraits, CodecOptions,
    IntoArrayBytes,
};
use zarrs::filesystem::FilesystemStore;

/// How chunks are compressed.
#[derive(Debug, Clone, PartialEq)]
pub enum Compression {
    /// What xarray writes by default: zstd (format 3), Blosc/LZ4 with shuffle (format 2).
    Default,
    /// Uncompressed.
    None,
    /// Codecs as metadata JSON: a list of bytes-to-bytes codecs (`{"name": ..}`) for format 3,
    /// one compressor (`{"id": ..}`) for format 2.
    Codecs(Value),
}

/// Everything needed to create an array.
#[derive(Debug, Clone)]
pub struct ArraySpec {
    /// The array's name (a directory under the root).
    pub name: String,
    /// Dimension names.
    pub dims: Vec<String>,
    /// Shape.
    pub shape: Vec<u64>,
    /// Regular chunk shape.
    pub chunks: Vec<u64>,
    /// Storage dtype.
    pub dtype: DType,
    /// The CF `_FillValue` in storage units: the Zarr fill value in format 2, an attribute in
    /// format 3 (base64 for floats, as xarray writes it).
    pub fill_value: Option<f64>,
    /// The format-3 Zarr `fill_value` (`encoding["fill_value"]`); the dtype's default if None.
    pub zarr_fill: Option<f64>,
    /// Compression.
    pub compression: Compression,
    /// Attributes (CF attributes included, `_FillValue` excepted).
    pub attrs: Attrs,
}

/// Writes the chunks of one array.
pub struct ArrayWriter {
    name: String,
    store: String,
    root: std::path::PathBuf,
    array: Array<FilesystemStore>,
    dtype: DType,
    shape: Vec<u64>,
    chunks: Vec<u64>,
    /// The value outside the array in edge chunks and in chunks never written.
    pad: f64,
    options: CodecOptions,
}

impl std::fmt::Debug for ArrayWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ArrayWriter")
            .field("name", &self.name)
            .field("shape", &self.shape)
            .field("chunks", &self.chunks)
            .finish_non_exhaustive()
    }
}

/// numpy's type string for format 2.
fn dtype_v2(d: DType) -> &'static str {
    match d {
        DType::Bool => "|b1",
        DType::I8 => "|i1",
        DType::I16 => "<i2",
        DType::I32 => "<i4",
        DType::I64 => "<i8",
        DType::U8 => "|u1",
        DType::U16 => "<u2",
        DType::U32 => "<u4",
        DType::U64 => "<u8",
        DType::F32 => "<f4",
        DType::F64 => "<f8",
    }
}

/// A format-3 fill value: `"NaN"`/`"Infinity"` for non-finite floats, `false`/`true` for bools.
fn fill_v3(v: f64, d: DType) -> Value {
    if d == DType::Bool {
        Value::Bool(v != 0.0)
    } else {
        fill_value_to_json(v, d)
    }
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// xarray's format-3 `_FillValue` attribute: the base64 of a little-endian float64 for
/// floats, the number for integers.
fn fill_attr_v3(v: f64, d: DType) -> Value {
    if !d.is_float() {
        return fill_value_to_json(v, d);
    }
    let bytes = v.to_le_bytes();
    let mut out = String::with_capacity(12);
    for group in bytes.chunks(3) {
        let n = group
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= group.len() {
                out.push(char::from(BASE64[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    Value::from(out)
}

impl ArraySpec {
    /// The array's metadata document for `format`: `zarr.json` (format 3, attributes
    /// inside), or `.zarray` with an `attributes` member that [`ArrayWriter::create`] writes
    /// to `.zattrs` (format 2).
    fn metadata(&self, format: u8) -> Value {
        let mut attrs: Map<String, Value> = self
            .attrs
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if format == 2 {
            attrs.insert("_ARRAY_DIMENSIONS".into(), json!(self.dims));
            let compressor = match &self.compression {
                Compression::Default => {
                    json!({"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1, "blocksize": 0})
                }
                Compression::None => Value::Null,
                Compression::Codecs(c) => c.clone(),
            };
            return json!({
                "zarr_format": 2,
                "shape": self.shape,
                "chunks": self.chunks,
                "dtype": dtype_v2(self.dtype),
                "fill_value": self.fill_value.map_or(Value::Null, |v| fill_value_to_json(v, self.dtype)),
                "order": "C",
                "filters": null,
                "dimension_separator": ".",
                "compressor": compressor,
                "attributes": attrs,
            });
        }
        if let Some(v) = self.fill_value {
            attrs.insert("_FillValue".into(), fill_attr_v3(v, self.dtype));
        }
        let default_fill = if self.dtype.is_float() { f64::NAN } else { 0.0 };
        let serializer = if self.dtype.size() == 1 {
            json!({"name": "bytes"})
        } else {
            json!({"name": "bytes", "configuration": {"endian": "little"}})
        };
        let mut codecs = vec![serializer];
        match &self.compression {
            Compression::Default => {
                codecs.push(
                    json!({"name": "zstd", "configuration": {"level": 0, "checksum": false}}),
                );
            }
            Compression::None => {}
            Compression::Codecs(Value::Array(list)) => codecs.extend(list.iter().cloned()),
            Compression::Codecs(one) => codecs.push(one.clone()),
        }
        json!({
            "zarr_format": 3,
            "node_type": "array",
            "shape": self.shape,
            "data_type": self.dtype.name(),
            "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": self.chunks}},
            "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
            "fill_value": fill_v3(self.zarr_fill.unwrap_or(default_fill), self.dtype),
            "codecs": codecs,
            "attributes": attrs,
            "dimension_names": self.dims,
            "storage_transformers": [],
        })
    }
}

impl ArrayWriter {
    /// Creates the array (writing its metadata, replacing any array of that name).
    ///
    /// # Errors
    /// [`IoError::BadArray`] if zarrs refuses the metadata (e.g. an unknown codec),
    /// [`IoError::WriteFile`] if it cannot be written.
    pub fn create(store: &StoreWriter, spec: &ArraySpec) -> Result<Self, IoError> {
        let dir = store.root().join(&spec.name);
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|source| IoError::WriteFile {
                file: dir.display().to_string(),
                source,
            })?;
        }
        let mut meta = spec.metadata(store.format());
        // Build the zarrs array first: invalid codecs fail before anything is written.
        let writer = Self::from_json(store, &spec.name, spec.dtype, &meta)?;
        if store.format() == 2 {
            let attrs = meta
                .as_object_mut()
                .and_then(|m| m.remove("attributes"))
                .unwrap_or_else(|| json!({}));
            write_json(&dir.join(".zattrs"), &attrs)?;
            write_json(&dir.join(".zarray"), &meta)?;
        } else {
            write_json(&dir.join("zarr.json"), &meta)?;
        }
        Ok(writer)
    }

    /// Opens existing array `name` of storage dtype `dtype`, resizing it to `shape` when given
    /// (appending along a dimension; the metadata is rewritten before any chunk).
    ///
    /// # Errors
    /// [`IoError`] if its metadata cannot be read, used or rewritten.
    pub fn open(
        store: &StoreWriter,
        name: &str,
        dtype: DType,
        shape: Option<&[u64]>,
    ) -> Result<Self, IoError> {
        let dir = store.root().join(name);
        let file = dir.join(if store.format() == 3 {
            "zarr.json"
        } else {
            ".zarray"
        });
        let mut meta = read_json(&file)?.ok_or_else(|| IoError::BadArray {
            store: store.root().display().to_string(),
            array: name.to_owned(),
            message: format!("`{}` is missing", file.display()),
        })?;
        if let (Some(shape), Value::Object(m)) = (shape, &mut meta) {
            m.insert("shape".into(), json!(shape));
            write_json(&file, &meta)?;
        }
        Self::from_json(store, name, dtype, &meta)
    }

    fn from_json(
        store: &StoreWriter,
        name: &str,
        dtype: DType,
        meta: &Value,
    ) -> Result<Self, IoError> {
        let bad = |message: String| IoError::BadArray {
            store: store.root().display().to_string(),
            array: name.to_owned(),
            message,
        };
        let metadata = if store.format() == 3 {
            ArrayMetadata::V3(
                serde_json::from_value::<ArrayMetadataV3>(meta.clone())
                    .map_err(|e| bad(e.to_string()))?,
            )
        } else {
            let mut zarray = meta.clone();
            if let Value::Object(m) = &mut zarray {
                m.remove("attributes");
            }
            ArrayMetadata::V2(
                serde_json::from_value::<ArrayMetadataV2>(zarray)
                    .map_err(|e| bad(e.to_string()))?,
            )
        };
        let (fs, node) =
            crate::io::store::array_node(&store.fs, store.root(), name).map_err(bad)?;
        let array =
            Array::new_with_metadata(fs, &node, metadata).map_err(|e| bad(e.to_string()))?;
        let chunks: Vec<u64> = meta
            .pointer(if store.format() == 3 {
                "/chunk_grid/configuration/chunk_shape"
            } else {
                "/chunks"
            })
            .and_then(Value::as_array)
            .map(|c| c.iter().filter_map(Value::as_u64).collect())
            .ok_or_else(|| bad("only regular chunk grids can be written".to_owned()))?;
        let pad = meta
            .get("fill_value")
            .and_then(|v| match v {
                Value::Bool(b) => Some(f64::from(u8::from(*b))),
                v => fill_value_from_json(v, dtype),
            })
            .unwrap_or(0.0);
        Ok(Self {
            name: name.to_owned(),
            store: store.root().display().to_string(),
            root: store.root().to_owned(),
            shape: array.shape().to_vec(),
            array,
            dtype,
            chunks,
            pad,
            // Chunks are written in parallel by the executor: one codec thread per chunk.
            options: CodecOptions::default().with_concurrent_target(1),
        })
    }

    /// The array's shape.
    pub fn shape(&self) -> &[u64] {
        &self.shape
    }

    /// The regular chunk shape.
    pub fn chunks(&self) -> &[u64] {
        &self.chunks
    }

    /// The storage dtype.
    pub fn dtype(&self) -> DType {
        self.dtype
    }

    /// The store key of chunk `index`, e.g. `sst/c/0/1` or `sst/0.1`.
    pub fn chunk_key(&self, index: &[u64]) -> String {
        let path = self.chunk_path(index);
        path.strip_prefix(&self.root)
            .unwrap_or(&path)
            .display()
            .to_string()
    }

    /// The file of chunk `index` (the array may be the root of a store of its own: see
    /// `array_node`).
    fn chunk_path(&self, index: &[u64]) -> std::path::PathBuf {
        self.array
            .storage()
            .key_to_fspath(&self.array.chunk_key(index))
    }

    /// Writes `data` (storage dtype) at `within` (array coordinates, inside chunk `index`).
    /// When `within` is only part of the chunk the rest is read back first, so the chunk
    /// keeps its other values; the caller must not write one chunk from two threads.
    ///
    /// # Errors
    /// [`IoError`] if the existing chunk cannot be read, or encoding or writing fails.
    pub fn write_chunk(
        &self,
        index: &[u64],
        within: &[Range<u64>],
        data: &Block,
    ) -> Result<(), IoError> {
        let key = self.chunk_key(index);
        let fail = |message: String| IoError::EncodeChunk {
            array: self.name.clone(),
            key: key.clone(),
            message,
        };
        let origin: Vec<u64> = index.iter().zip(&self.chunks).map(|(i, c)| i * c).collect();
        let full: Vec<usize> = self.chunks.iter().map(|&c| to_usize(c)).collect();
        let covers = within
            .iter()
            .zip(&origin)
            .zip(&self.chunks)
            .zip(&self.shape)
            .all(|(((r, &o), &c), &n)| r.start == o && r.end == (o + c).min(n));
        let mut chunk = if covers {
            Block::from_f64(ArrayD::from_elem(IxDyn(&full), self.pad), self.dtype)
        } else {
            self.read_chunk(index).map_err(|e| IoError::ReadChunk {
                array: self.name.clone(),
                key: key.clone(),
                message: e,
            })?
        };
        let at: Vec<usize> = within
            .iter()
            .zip(&origin)
            .map(|(r, o)| to_usize(r.start - o))
            .collect();
        if !overlay(&mut chunk, &at, data) {
            return Err(fail(format!(
                "data of dtype {} and shape {:?} does not fit a {} chunk",
                data.dtype(),
                data.shape(),
                self.dtype
            )));
        }
        let shape = self
            .array
            .chunk_shape(index)
            .map_err(|e| fail(e.to_string()))?;
        let data_type = self.array.data_type();
        let bytes = crate::model::with_block!(chunk, a => a.into_array_bytes(data_type))
            .map_err(|e| fail(e.to_string()))?;
        let encoded = self
            .array
            .codecs()
            .encode(
                bytes,
                &shape,
                data_type,
                self.array.fill_value(),
                &self.options,
            )
            .map_err(|e| fail(e.to_string()))?;
        write_atomic(&self.chunk_path(index), &encoded)
    }

    /// The stored chunk `index` in full (fill value if absent), for a partial overwrite.
    fn read_chunk(&self, index: &[u64]) -> Result<Block, String> {
        macro_rules! read {
            ($($d:ident => $t:ty),*) => {
                match self.dtype {
                    $(DType::$d => self
                        .array
                        .retrieve_chunk_opt::<ArrayD<$t>>(index, &self.options)
                        .map(Block::$d),)*
                }
            };
        }
        read!(Bool => bool, I8 => i8, I16 => i16, I32 => i32, I64 => i64, U8 => u8, U16 => u16,
            U32 => u32, U64 => u64, F32 => f32, F64 => f64)
        .map_err(|e| format!("{e} (in store `{}`)", self.store))
    }
}

/// Copies `part` into `chunk` at offset `at`; false if their dtypes differ or it does not fit.
fn overlay(chunk: &mut Block, at: &[usize], part: &Block) -> bool {
    let fits = at.len() == part.shape().len()
        && at
            .iter()
            .zip(part.shape())
            .zip(chunk.shape())
            .all(|((&a, &p), &c)| a + p <= c);
    if !fits {
        return false;
    }
    let region = |a: ndarray::AxisDescription| {
        let i = a.axis.index();
        Slice::from(at[i]..at[i] + part.shape()[i])
    };
    macro_rules! same {
        ($($v:ident),*) => {
            match (chunk, part) {
                $((Block::$v(c), Block::$v(p)) => {
                    c.slice_each_axis_mut(region).assign(p);
                    true
                })*
                _ => false,
            }
        };
    }
    same!(Bool, I8, I16, I32, I64, U8, U16, U32, U64, F32, F64)
}

fn to_usize(v: u64) -> usize {
    usize::try_from(v).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_attr_is_xarrays_base64() {
        assert_eq!(fill_attr_v3(f64::NAN, DType::F32), json!("AAAAAAAA+H8="));
        assert_eq!(fill_attr_v3(-1.0, DType::I16), json!(-1));
    }
}
