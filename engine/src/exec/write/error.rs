//! Errors of `to_zarr`: bad arguments for the store at hand, storage and coding failures, and
//! an interrupted write with an account of what it left.

use super::super::ExecError;
use crate::coding::CodingError;
use crate::io::IoError;
use std::fmt;

/// How far one array got before a write stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArrayProgress {
    /// The array (variable) name.
    pub name: String,
    /// Chunks written, each whole.
    pub written: usize,
    /// Chunks to write.
    pub total: usize,
}

/// What an interrupted write left in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteReport {
    /// The store path.
    pub store: String,
    /// Every array of the write, in order.
    pub arrays: Vec<ArrayProgress>,
}

impl fmt::Display for WriteReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (done, rest): (Vec<_>, Vec<_>) = self.arrays.iter().partition(|a| a.written == a.total);
        let names = |v: &[&ArrayProgress]| {
            v.iter()
                .map(|a| format!("`{}`", a.name))
                .collect::<Vec<_>>()
                .join(", ")
        };
        write!(
            f,
            "store `{}` holds only whole chunks (no chunk is torn)",
            self.store
        )?;
        if !done.is_empty() {
            write!(f, "; complete: {}", names(&done))?;
        }
        let partial: Vec<String> = rest
            .iter()
            .map(|a| format!("`{}` {} of {} chunks", a.name, a.written, a.total))
            .collect();
        if !partial.is_empty() {
            write!(f, "; incomplete: {}", partial.join(", "))?;
        }
        write!(
            f,
            "; unwritten chunks read as the fill value, and consolidated metadata was not written"
        )
    }
}

/// A variable that does not fit the array of that name in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The variable.
    pub name: String,
    /// Its dimensions.
    pub dims: Vec<String>,
    /// Its shape.
    pub shape: Vec<usize>,
    /// The stored array's dimensions.
    pub stored_dims: Vec<String>,
    /// The stored array's shape.
    pub stored_shape: Vec<u64>,
    /// What may be meant.
    pub hint: Option<&'static str>,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "variable `{}` has dims {:?} and shape {:?}, but the array in the store has dims {:?} and shape {:?}",
            self.name, self.dims, self.shape, self.stored_dims, self.stored_shape
        )?;
        match self.hint {
            Some(h) => write!(f, " ({h})"),
            None => Ok(()),
        }
    }
}

/// Why `to_zarr` failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// `mode="w-"` on a path that already holds something.
    #[error(
        "store `{store}` already exists; use mode=\"w\" to overwrite it or mode=\"a\" to add to it"
    )]
    StoreExists {
        /// The store path.
        store: String,
    },
    /// `mode="w"` on a path that is not a Zarr store: it is not deleted.
    #[error("`{store}` exists and is not a Zarr store, so mode=\"w\" will not delete it")]
    NotAStore {
        /// The path.
        store: String,
    },
    /// `mode="w"` on a store that the values being written are read from: deleting it first
    /// would lose them (xarray empties the store and writes fill values).
    #[error("cannot write `{store}` with mode=\"w\": the values to write are read from it (array `{array}`), and mode=\"w\" deletes it first; write to another path, or load() the values before")]
    ReadsTarget {
        /// The store path.
        store: String,
        /// The stored array read.
        array: String,
    },
    /// Another writer (a Nereus kernel, here or on another machine sharing the filesystem)
    /// holds the store's lock.
    #[error("store `{store}` is being written by another process (it holds the lock `{lock}`); write again when that write has finished, or to another path")]
    Busy {
        /// The store path.
        store: String,
        /// The lock file.
        lock: String,
    },
    /// `region=` or `mode="r+"` on a store that does not exist.
    #[error("store `{store}` does not exist; {why}")]
    NoStore {
        /// The store path.
        store: String,
        /// What needed it.
        why: &'static str,
    },
    /// An argument value that xarray refuses too.
    #[error("{0}")]
    BadArgument(String),
    /// `zarr_format` other than the existing store's.
    #[error("store `{store}` is Zarr format {existing}; cannot write zarr_format={asked} into it")]
    FormatMismatch {
        /// The store path.
        store: String,
        /// The store's format.
        existing: u8,
        /// The format asked for.
        asked: u8,
    },
    /// `append_dim` names no dimension of the dataset.
    #[error("append_dim={dim:?} does not match any existing dataset dimensions {dims:?}")]
    AppendDimMissing {
        /// The dimension asked for.
        dim: String,
        /// The dataset's dimensions.
        dims: Vec<String>,
    },
    /// A variable's dimensions or sizes do not match the array already in the store.
    #[error("{0}")]
    Mismatch(Box<Mismatch>),
    /// A region that does not start and end on chunk boundaries of a stored array.
    #[error("region {dim}={start}:{stop} is not aligned with the chunks of `{name}` ({chunk} along `{dim}`): each region must start and end on a chunk boundary (or at the end of the array), since partial chunks written in parallel could lose data")]
    UnalignedRegion {
        /// The array.
        name: String,
        /// The dimension.
        dim: String,
        /// Region start.
        start: usize,
        /// Region stop.
        stop: usize,
        /// The chunk length along `dim`.
        chunk: u64,
    },
    /// Reading or writing the store failed.
    #[error(transparent)]
    Io(#[from] IoError),
    /// A variable's encoding could not be applied.
    #[error(transparent)]
    Coding(#[from] CodingError),
    /// Computing values failed.
    #[error(transparent)]
    Exec(ExecError),
    /// The write was cancelled; the report says what it left.
    #[error("to_zarr interrupted: {0}")]
    Interrupted(Box<WriteReport>),
}

impl From<ExecError> for WriteError {
    fn from(e: ExecError) -> Self {
        WriteError::Exec(e)
    }
}
