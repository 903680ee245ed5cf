//! `open_zarr`: a store becomes a lazy dataset. Only metadata and index coordinates are read;
//! data variables become plan sources, CF-decoded on the fly.

use super::arith::lazy_variable;
use super::error::{closest, unknown_dim, PlanError};
use super::plan::Plan;
use crate::coding::time::{is_time_units, TimeUnits};
use crate::coding::{decode_times, Calendar, CfDecoder, CodingError};
use crate::io::{open_store, ArrayMeta, IoError, Rechunked};
use crate::model::with_block;
use crate::model::ToF64;
use crate::model::{Attrs, Block, Data, DataArray, Dataset, Variable};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

/// `open_zarr` keywords.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenOptions {
    /// Use consolidated metadata: `Some(true)` requires it, `None` uses it when present.
    pub consolidated: Option<bool>,
    /// Apply `_FillValue`/`missing_value` masking and `scale_factor`/`add_offset`.
    pub mask_and_scale: bool,
    /// Decode CF time units into datetimes.
    pub decode_times: bool,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self {
            consolidated: None,
            mask_and_scale: true,
            decode_times: true,
        }
    }
}

/// One dimension's chunk size in `open_zarr(chunks=...)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChunkSize {
    /// The storage chunks (`"auto"` or `None` for the dimension).
    Storage,
    /// The whole dimension as one chunk (`-1`).
    Whole,
    /// Chunks of this many elements (the last one shorter); must be positive.
    Size(i64),
}

impl ChunkSize {
    /// An integer as xarray takes it: -1 means the whole dimension.
    pub fn from_int(n: i64) -> Self {
        if n == -1 {
            ChunkSize::Whole
        } else {
            ChunkSize::Size(n)
        }
    }

    /// The chunk length along an axis of length `len` stored in chunks of `storage`.
    fn resolve(self, storage: u64, len: u64) -> u64 {
        match self {
            ChunkSize::Storage => storage,
            ChunkSize::Whole | ChunkSize::Size(-1) => len,
            ChunkSize::Size(n) => u64::try_from(n).unwrap_or(storage),
        }
    }

    fn check(self, dim: Option<&str>) -> Result<(), PlanError> {
        match self {
            ChunkSize::Size(n) if n < 1 && n != -1 => Err(PlanError::BadChunkSize {
                dim: dim.map(str::to_owned),
                size: n,
            }),
            _ => Ok(()),
        }
    }
}

/// `open_zarr(chunks=...)`: the chunks the engine tiles by (what `.chunks` reports).
///
/// xarray's `chunks=None` means "no dask, load on access"; here values stay lazy and are read
/// by storage chunk, which bounds memory where one whole-array chunk would not.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Chunks {
    /// The storage chunks: `chunks` unspecified, `{}`, `"auto"` (our choice) or `None`.
    #[default]
    Storage,
    /// The same size along every dimension (`chunks=n`, or `-1` for whole dimensions).
    All(ChunkSize),
    /// Sizes for some dimensions (`chunks={"time": 12}`); the others keep storage chunks.
    Dims(Vec<(String, ChunkSize)>),
}

impl Chunks {
    /// The size requested for `dim`.
    fn for_dim(&self, dim: &str) -> ChunkSize {
        match self {
            Chunks::Storage => ChunkSize::Storage,
            Chunks::All(size) => *size,
            Chunks::Dims(sizes) => sizes
                .iter()
                .rev()
                .find(|(d, _)| d == dim)
                .map_or(ChunkSize::Storage, |(_, s)| *s),
        }
    }

    /// Checks sizes and dimension names against the store's dimensions.
    fn check(&self, dims: &[String]) -> Result<(), PlanError> {
        match self {
            Chunks::Storage => Ok(()),
            Chunks::All(size) => size.check(None),
            Chunks::Dims(sizes) => sizes.iter().try_for_each(|(d, size)| {
                if dims.contains(d) {
                    size.check(Some(d))
                } else {
                    Err(unknown_dim(d, dims))
                }
            }),
        }
    }
}

/// Errors opening a dataset.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    /// The store could not be read.
    #[error(transparent)]
    Io(#[from] IoError),
    /// CF attributes could not be decoded.
    #[error(transparent)]
    Coding(#[from] CodingError),
    /// An argument does not fit the store (`chunks` naming an unknown dimension, a bad size).
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// Two arrays give one dimension different lengths (xarray's words).
    #[error(
        "conflicting sizes for dimension '{dim}': length {first_len} on '{first}' and length \
         {second_len} on '{second}'"
    )]
    ConflictingSizes {
        /// The dimension.
        dim: String,
        /// The first array that has it.
        first: String,
        /// Its length there.
        first_len: u64,
        /// An array that disagrees.
        second: String,
        /// Its length there.
        second_len: u64,
    },
}

/// Checks that every array gives each of its dimensions the same length.
fn check_sizes(arrays: &[ArrayMeta]) -> Result<(), OpenError> {
    let mut seen: HashMap<&str, (&str, u64)> = HashMap::new();
    for meta in arrays {
        for (dim, &len) in meta.dims.iter().zip(meta.source.shape()) {
            let (first, first_len) = *seen.entry(dim).or_insert((&meta.name, len));
            if first_len != len {
                return Err(OpenError::ConflictingSizes {
                    dim: dim.clone(),
                    first: first.to_owned(),
                    first_len,
                    second: meta.name.clone(),
                    second_len: len,
                });
            }
        }
    }
    Ok(())
}

/// Opens a Zarr store (format 2 or 3) as a lazy dataset, decoding CF conventions as xarray.
pub fn open_zarr(path: &Path, options: OpenOptions) -> Result<Dataset, OpenError> {
    open_zarr_chunked(path, options, &Chunks::Storage)
}

/// `open_zarr` with `chunks=...`: lazy variables are tiled by `chunks` instead of the storage
/// chunks (indexes are loaded either way, as in xarray).
pub fn open_zarr_chunked(
    path: &Path,
    options: OpenOptions,
    chunks: &Chunks,
) -> Result<Dataset, OpenError> {
    let mut store = open_store(path, options.consolidated)?;
    let mut dims: Vec<String> = Vec::new();
    for d in store.arrays.iter().flat_map(|m| &m.dims) {
        if !dims.contains(d) {
            dims.push(d.clone());
        }
    }
    chunks.check(&dims)?;
    check_sizes(&store.arrays)?;
    if options.decode_times {
        inherit_bounds_units(&mut store.arrays);
    }
    // Names listed in `coordinates` attributes are coordinates, as xarray decides.
    let mut listed: HashSet<String> = store
        .arrays
        .iter()
        .filter_map(|m| {
            m.attrs
                .get("coordinates")
                .and_then(serde_json::Value::as_str)
        })
        .flat_map(|s| s.split_whitespace().map(str::to_owned))
        .collect();
    let mut attrs = store.attrs.clone();
    // A global `coordinates` attribute (xarray writes one for coordinates no variable lists)
    // names coordinates too; like xarray, it is consumed when every name it lists exists.
    let global: Option<Vec<String>> = attrs
        .get("coordinates")
        .and_then(serde_json::Value::as_str)
        .map(|s| s.split_whitespace().map(str::to_owned).collect());
    if let Some(names) = global {
        if names
            .iter()
            .all(|n| store.arrays.iter().any(|m| &m.name == n))
        {
            attrs.shift_remove("coordinates");
            listed.extend(names);
        }
    }
    let mut ds = Dataset {
        attrs,
        ..Dataset::default()
    };
    for meta in &store.arrays {
        let is_index = meta.dims.len() == 1 && meta.dims[0] == meta.name;
        let var = variable(meta, options, is_index, chunks)?;
        if is_index || listed.contains(&meta.name) {
            ds.coords.insert(meta.name.clone(), var);
        } else {
            ds.data_vars.insert(meta.name.clone(), var);
        }
    }
    Ok(ds)
}

/// CF cell boundaries (`time:bounds = "time_bnds"`) often carry no `units`/`calendar`: as
/// xarray does, they take their time variable's, so they decode with it.
fn inherit_bounds_units(arrays: &mut [ArrayMeta]) {
    let inherited: Vec<(String, Attrs)> = arrays
        .iter()
        .filter_map(|m| {
            let units = m.attrs.get("units").and_then(serde_json::Value::as_str)?;
            let bounds = m.attrs.get("bounds").and_then(serde_json::Value::as_str)?;
            units.contains("since").then(|| {
                let mut keys = Attrs::new();
                for k in ["units", "calendar"] {
                    if let Some(v) = m.attrs.get(k) {
                        keys.insert(k.to_owned(), v.clone());
                    }
                }
                (bounds.to_owned(), keys)
            })
        })
        .collect();
    for (bounds, keys) in inherited {
        if let Some(meta) = arrays.iter_mut().find(|m| m.name == bounds) {
            for (k, v) in keys {
                meta.attrs.entry(k).or_insert(v);
            }
        }
    }
}

/// One stored array as a variable: lazy, or loaded when it is an index or holds times.
fn variable(
    meta: &ArrayMeta,
    options: OpenOptions,
    is_index: bool,
    chunks: &Chunks,
) -> Result<Variable, OpenError> {
    let storage = meta.source.dtype();
    let (decoder, mut attrs, mut encoding) = if options.mask_and_scale {
        CfDecoder::from_attrs(&meta.name, &meta.attrs, storage, meta.fill_value)?
    } else {
        (
            CfDecoder::identity(storage),
            meta.attrs.clone(),
            Attrs::new(),
        )
    };
    for (k, v) in &meta.encoding {
        encoding.entry(k.clone()).or_insert_with(|| v.clone());
    }
    if let Some(c) = attrs.shift_remove("coordinates") {
        encoding.insert("coordinates".to_owned(), c);
    }
    let units = attrs
        .get("units")
        .and_then(serde_json::Value::as_str)
        .filter(|u| options.decode_times && is_time_units(u))
        .map(str::to_owned);
    let data = if let Some(units) = units {
        let calendar_name = attrs
            .get("calendar")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("standard")
            .to_owned();
        let calendar = Calendar::parse(&calendar_name, &meta.name)?;
        let time = TimeUnits::parse_for(&meta.name, &units, calendar)?;
        let raw = read_raw(meta)?;
        let (scale, ticks) = decode_times(&meta.name, &time, &decoder.time_numbers(&raw))?;
        // One tick per stored value, so the shape always fits.
        let ticks =
            ndarray::ArrayD::from_shape_vec(raw.shape().to_vec(), ticks).unwrap_or_default();
        for k in ["units", "calendar"] {
            if let Some(v) = attrs.shift_remove(k) {
                encoding.insert(k.to_owned(), v);
            }
        }
        scale.mark(&mut encoding);
        Data::Memory(Arc::new(Block::I64(ticks)))
    } else if is_index {
        Data::Memory(Arc::new(Block::from_f64(
            read_all(meta, &decoder)?,
            decoder.dtype(),
        )))
    } else {
        let source = &meta.source;
        let sizes: Vec<u64> = meta
            .dims
            .iter()
            .zip(source.chunks().iter().zip(source.shape()))
            .map(|(d, (&c, &n))| chunks.for_dim(d).resolve(c, n))
            .collect();
        let expr = Plan::source(Rechunked::wrap(Arc::clone(source), &sizes), decoder);
        return Ok(Variable {
            attrs,
            encoding,
            ..lazy_variable(meta.dims.clone(), expr)
        });
    };
    Ok(Variable {
        dims: meta.dims.clone(),
        data,
        attrs,
        encoding,
    })
}

/// Reads a whole (small) array, CF-decoded, as `f64`.
fn read_all(meta: &ArrayMeta, decoder: &CfDecoder) -> Result<ndarray::ArrayD<f64>, OpenError> {
    let block = read_raw(meta)?;
    Ok(with_block!(&block, a => a.mapv(|x| decoder.decode(x.to_f64()))))
}

/// Reads a whole (small) array as stored.
fn read_raw(meta: &ArrayMeta) -> Result<Block, OpenError> {
    let shape = meta.source.shape().to_vec();
    Ok(meta.source.read_region(&vec![0; shape.len()], &shape)?)
}

impl Dataset {
    /// `ds[name]`: a variable with its coordinates, or an error suggesting the closest name.
    pub fn get(&self, name: &str) -> Result<DataArray, PlanError> {
        self.array(name).ok_or_else(|| PlanError::UnknownVariable {
            name: name.to_owned(),
            suggestion: closest(name, self.names()),
            valid: self.names().map(str::to_owned).collect(),
        })
    }
}
