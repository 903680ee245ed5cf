//! Errors of opening a store and reading chunks; each names the store, array or chunk key.

use crate::model::names::did_you_mean;

/// Errors opening a store or reading a chunk.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IoError {
    /// No Zarr metadata at the path.
    #[error("no Zarr store at `{store}`: found neither `zarr.json` (format 3) nor `.zgroup`/`.zmetadata` (format 2)")]
    NotAStore {
        /// The store path.
        store: String,
    },
    /// A metadata file could not be read.
    #[error("cannot read `{file}`: {source}")]
    ReadFile {
        /// The file.
        file: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// A metadata file is not the JSON it should be.
    #[error("bad metadata in `{file}`: {message}")]
    BadJson {
        /// The file (or `.zmetadata` entry).
        file: String,
        /// What is wrong.
        message: String,
    },
    /// Consolidated metadata was required but the store has none.
    #[error("store `{store}` has no consolidated metadata ({expected}); open it with consolidated=None or False")]
    NotConsolidated {
        /// The store path.
        store: String,
        /// Where it was looked for.
        expected: String,
    },
    /// An array without dimension names (`_ARRAY_DIMENSIONS` in format 2, `dimension_names` in
    /// format 3), which xarray refuses too.
    #[error("array `{array}` in `{store}` has no dimension names ({expected}), so it cannot be a variable")]
    MissingDims {
        /// The store path.
        store: String,
        /// The array.
        array: String,
        /// The attribute or field looked for.
        expected: &'static str,
    },
    /// An array whose metadata zarrs (or we) cannot use.
    #[error("array `{array}` in `{store}`: {message}")]
    BadArray {
        /// The store path.
        store: String,
        /// The array.
        array: String,
        /// What is wrong.
        message: String,
    },
    /// A data type other than bool, (u)int8-64, float32/64.
    #[error("array `{array}` in `{store}` has data type `{dtype}`, which is not supported (bool, int8-64, uint8-64, float32, float64 are)")]
    UnsupportedDtype {
        /// The store path.
        store: String,
        /// The array.
        array: String,
        /// The stored data type.
        dtype: String,
    },
    /// A codec (compressor or filter) we cannot decode.
    #[error(
        "array `{array}` in `{store}` uses codec `{codec}`, which is not supported: {message}"
    )]
    UnsupportedCodec {
        /// The store path.
        store: String,
        /// The array.
        array: String,
        /// The codec name or id.
        codec: String,
        /// zarrs' message.
        message: String,
    },
    /// An array name that the store does not have.
    #[error("store `{store}` has no array `{array}`{}", did_you_mean(.suggestion.as_deref()))]
    NoSuchArray {
        /// The store path.
        store: String,
        /// The name asked for.
        array: String,
        /// The closest existing name, if any is close.
        suggestion: Option<String>,
    },
    /// A chunk index or region outside the array.
    #[error("array `{array}`: {what} is outside the array (shape {shape:?})")]
    OutOfBounds {
        /// The array.
        array: String,
        /// The chunk index or region asked for.
        what: String,
        /// The array shape.
        shape: Vec<u64>,
    },
    /// A chunk that exists but does not decode (truncated, corrupted, wrong codec).
    #[error("array `{array}`: chunk `{key}` is corrupt or truncated: {message}")]
    CorruptChunk {
        /// The array.
        array: String,
        /// The chunk's store key, e.g. `sst/c/0/1/2` or `sst/0.1.2`.
        key: String,
        /// The decoder's message.
        message: String,
    },
    /// The store failed while reading a chunk.
    #[error("array `{array}`: cannot read chunk `{key}`: {message}")]
    ReadChunk {
        /// The array.
        array: String,
        /// The chunk's store key.
        key: String,
        /// The store's message.
        message: String,
    },
    /// A file of a store being written could not be written, renamed or removed.
    #[error("cannot write `{file}`: {source}")]
    WriteFile {
        /// The file.
        file: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// A chunk could not be encoded with its array's codecs.
    #[error("array `{array}`: cannot encode chunk `{key}`: {message}")]
    EncodeChunk {
        /// The array.
        array: String,
        /// The chunk's store key.
        key: String,
        /// The codec's message.
        message: String,
    },
}

/// The closest of `names` to `name` (the shared rule in [`crate::model::names`]).
pub(crate) fn closest<'a>(name: &str, names: impl IntoIterator<Item = &'a str>) -> Option<String> {
    crate::model::names::closest(name, names).map(str::to_owned)
}
