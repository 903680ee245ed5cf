//! `nereus sample-data`: deterministic, realistic demo stores written with zarrs.
//!
//! Two stores go into the output directory:
//! - `ssh.zarr`: an eNATL60-like hourly sea-surface height (Zarr format 2, consolidated,
//!   Blosc/zstd with shuffle, land as fill value 1e20, all-land chunks absent). See [`ssh`].
//! - `sst.zarr`: monthly 1-degree global sea-surface temperature (Zarr format 3, zstd, NaN land,
//!   a seasonal cycle and an ENSO-like signal in the NINO3.4 box). See [`sst`].
//!
//! Every value is a pure function of its indices (no random numbers), chunks are generated in
//! parallel with a bounded number in flight, and each store is written into a temporary directory,
//! renamed into place, and only then marked complete, so a rerun skips finished stores and redoes
//! interrupted ones.

mod ssh;
mod sst;
mod store;

use nereus_engine::model::nbytes;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// How much data to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Size {
    /// SSH 96 x 200 x 200 (15 MB raw); SST 10 years (1950-1959). For `make demo` and tests.
    #[default]
    Small,
    /// SSH 240 x 500 x 800 (384 MB raw); SST 40 years (1950-1989).
    Medium,
    /// SSH 480 x 1000 x 2000 (3.84 GB raw, the benchmark size); SST 40 years.
    Large,
}

impl Size {
    /// All sizes, smallest first.
    pub const ALL: [Size; 3] = [Size::Small, Size::Medium, Size::Large];

    /// The name used on the command line and in the completion marker.
    pub fn name(self) -> &'static str {
        match self {
            Size::Small => "small",
            Size::Medium => "medium",
            Size::Large => "large",
        }
    }
}

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Size {
    type Err = SampleError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Size::ALL
            .into_iter()
            .find(|size| size.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| SampleError::UnknownSize {
                given: s.to_owned(),
                suggestion: Size::ALL
                    .into_iter()
                    .max_by(|a, b| {
                        strsim::jaro_winkler(a.name(), s)
                            .total_cmp(&strsim::jaro_winkler(b.name(), s))
                    })
                    .unwrap_or_default()
                    .name(),
            })
    }
}

/// Errors while generating sample data.
#[derive(Debug, thiserror::Error)]
pub enum SampleError {
    /// `--size` was not small, medium or large.
    #[error("unknown sample size {given:?}: expected small, medium or large (did you mean {suggestion:?}?)")]
    UnknownSize {
        /// What was given.
        given: String,
        /// The closest valid size.
        suggestion: &'static str,
    },
    /// A file-system operation failed.
    #[error("{action} {}: {source}", path.display())]
    Io {
        /// What was being done ("cannot create", ...).
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// zarrs could not open the store directory.
    #[error("cannot open the Zarr store {}: {message}", path.display())]
    Store {
        /// The store directory.
        path: PathBuf,
        /// What zarrs said.
        message: String,
    },
    /// Our array metadata was rejected by zarrs (a bug in the generator).
    #[error("invalid metadata for array {array}: {message}")]
    Metadata {
        /// The array name.
        array: String,
        /// What was wrong.
        message: String,
    },
    /// Encoding or storing a chunk failed.
    #[error("cannot write chunk {chunk} of array {array}: {message}")]
    Chunk {
        /// The array name.
        array: String,
        /// The chunk key, e.g. `0.1.2`.
        chunk: String,
        /// What zarrs said.
        message: String,
    },
    /// The worker pool could not start.
    #[error("cannot start the sample-data worker pool: {0}")]
    Pool(String),
}

impl SampleError {
    fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> SampleError {
        let path = path.to_owned();
        move |source| SampleError::Io {
            action,
            path,
            source,
        }
    }
}

/// What to generate and where.
#[derive(Clone, Debug)]
pub struct SampleOptions {
    /// How much data.
    pub size: Size,
    /// Output directory (created if missing); the stores go in `out/ssh.zarr` and `out/sst.zarr`.
    pub out: PathBuf,
    /// Rewrite stores that are already complete (of any size; without it a complete store of
    /// another size is kept).
    pub force: bool,
    /// Worker threads (0: one per core).
    pub threads: usize,
}

/// One store's outcome.
#[derive(Clone, Debug)]
pub struct StoreReport {
    /// The store directory.
    pub path: PathBuf,
    /// One-line description of the contents.
    pub description: String,
    /// Uncompressed size of the main variable in bytes.
    pub raw_bytes: u64,
    /// Bytes on disk (all files of the store).
    pub disk_bytes: u64,
    /// Chunks of the main variable written.
    pub chunks_written: u64,
    /// Chunks of the main variable left absent (all fill value).
    pub chunks_absent: u64,
    /// True when the store was already complete and left untouched.
    pub skipped: bool,
}

impl fmt::Display for StoreReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.skipped {
            return write!(
                f,
                "up to date {}: {} ({} raw, {} on disk)",
                self.path.display(),
                self.description,
                nbytes::decimal(self.raw_bytes),
                nbytes::decimal(self.disk_bytes),
            );
        }
        write!(
            f,
            "wrote {}: {} ({} raw, {} on disk; {} chunks written, {} all-fill chunks absent)",
            self.path.display(),
            self.description,
            nbytes::decimal(self.raw_bytes),
            nbytes::decimal(self.disk_bytes),
            self.chunks_written,
            self.chunks_absent,
        )
    }
}

/// Writes the sample stores (skipping complete ones unless `force`) and reports each.
pub fn generate(options: &SampleOptions) -> Result<Vec<StoreReport>, SampleError> {
    std::fs::create_dir_all(&options.out)
        .map_err(SampleError::io("cannot create", &options.out))?;
    let threads = if options.threads == 0 {
        std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
    } else {
        options.threads
    };
    let mut reports = Vec::new();
    for kind in [Kind::Ssh, Kind::Sst] {
        reports.push(generate_one(kind, options, threads)?);
    }
    Ok(reports)
}

#[derive(Clone, Copy)]
enum Kind {
    Ssh,
    Sst,
}

impl Kind {
    fn store_name(self) -> &'static str {
        match self {
            Kind::Ssh => "ssh.zarr",
            Kind::Sst => "sst.zarr",
        }
    }
}

/// The marker's content: the generator version and the size, so a different size regenerates.
fn marker_text(size: Size) -> String {
    format!("{{\"generator\": \"nereus sample-data\", \"version\": 1, \"size\": \"{size}\"}}\n")
}

fn generate_one(
    kind: Kind,
    options: &SampleOptions,
    threads: usize,
) -> Result<StoreReport, SampleError> {
    let name = kind.store_name();
    let final_path = options.out.join(name);
    let marker = options.out.join(format!(".{name}.complete"));
    let summary = match kind {
        Kind::Ssh => ssh::summary(options.size),
        Kind::Sst => sst::summary(options.size),
    };
    let existing = if final_path.is_dir() {
        std::fs::read_to_string(&marker).ok().and_then(|text| {
            Size::ALL
                .into_iter()
                .find(|&size| text == marker_text(size))
        })
    } else {
        None
    };
    if let (Some(existing), false) = (existing, options.force) {
        // A complete store is kept, even of another size: `make demo` must never shrink the
        // large benchmark data. --force rewrites it at the requested size.
        let (description, raw_bytes) = if existing == options.size {
            (summary.description, summary.raw_bytes)
        } else {
            let kept = match kind {
                Kind::Ssh => ssh::summary(existing),
                Kind::Sst => sst::summary(existing),
            };
            let note = format!(
                " [the {existing} sample; --force rewrites it as {}]",
                options.size
            );
            (kept.description + &note, kept.raw_bytes)
        };
        return Ok(StoreReport {
            path: final_path.clone(),
            description,
            raw_bytes,
            disk_bytes: store::disk_usage(&final_path)?,
            chunks_written: 0,
            chunks_absent: 0,
            skipped: true,
        });
    }
    remove_if_exists(&marker)?;
    let partial = options.out.join(format!(".{name}.partial"));
    remove_if_exists(&partial)?;
    let counts = match kind {
        Kind::Ssh => ssh::write(&partial, options.size, threads)?,
        Kind::Sst => sst::write(&partial, options.size, threads)?,
    };
    remove_if_exists(&final_path)?;
    std::fs::rename(&partial, &final_path)
        .map_err(SampleError::io("cannot rename into", &final_path))?;
    std::fs::write(&marker, marker_text(options.size))
        .map_err(SampleError::io("cannot write", &marker))?;
    Ok(StoreReport {
        disk_bytes: store::disk_usage(&final_path)?,
        path: final_path,
        description: summary.description,
        raw_bytes: summary.raw_bytes,
        chunks_written: counts.written,
        chunks_absent: counts.absent,
        skipped: false,
    })
}

fn remove_if_exists(path: &Path) -> Result<(), SampleError> {
    let result = if path.is_dir() {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    };
    match result {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(SampleError::Io {
            action: "cannot remove",
            path: path.to_owned(),
            source: e,
        }),
        _ => Ok(()),
    }
}

/// A store's size and description, known before writing.
struct Summary {
    description: String,
    raw_bytes: u64,
}

/// Chunk counts of a store's main variable.
#[derive(Clone, Copy, Default)]
struct ChunkCounts {
    written: u64,
    absent: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_and_suggest() {
        assert_eq!("small".parse::<Size>().ok(), Some(Size::Small));
        assert_eq!("LARGE".parse::<Size>().ok(), Some(Size::Large));
        let err = "medum"
            .parse::<Size>()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("medium"), "{err}");
    }
}
