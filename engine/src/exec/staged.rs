//! Rechunks that would decode their input's chunks many times over go through a temporary
//! Zarr store, as rechunker does for dask.
//!
//! A `.chunk(...)` re-tiles a plan lazily: each new chunk reads the storage chunks it overlaps.
//! When the new chunks cut across the old ones (time series from maps), every old chunk is
//! decoded once per new chunk it feeds, hundreds of times for a typical map-to-series rechunk.
//! Then the input is first written once to a temporary store, in chunks that nest in the old
//! ones and are no longer than the new ones along each axis (the write decodes each old chunk
//! once and writes its pieces), and the new chunks read from there. Memory stays bounded as in
//! any write; the store takes the data's size on disk (under `TMPDIR`) and is removed with the
//! plan. An input small next to the memory budget (as held reads are, see `shared`) is instead
//! read once into memory and re-tiled from there.

use super::context::Context;
use super::error::ExecError;
use super::shared::{held_in_memory, SHARE_FRACTION};
use super::tiles::spans;
use super::write::ToZarr;
use crate::io::{ChunkSource, IoError, Slab};
use crate::model::{Attrs, Block, DType, Dataset};
use crate::ops::arith::{lazy_variable, plan_of};
use crate::ops::{open_zarr, Node, OpenOptions, Plan, Rechunk};
use serde_json::{json, Value};
use std::ops::ControlFlow;
use std::sync::Arc;

/// A rechunk is staged when reading its new chunks straight from its input would decode at
/// least this many times the input's size.
const STAGE_AMPLIFICATION: f64 = 4.0;

/// More staging chunks than this (tiny ones, from awkward chunk lengths) are not worth their
/// files: such a rechunk reads its input directly.
const MAX_STAGING_CHUNKS: usize = 1 << 20;

/// The variable's name in the temporary store.
const NAME: &str = "staged";

/// How many times over reading chunks `to` from chunks `from` decodes an axis of length `n`.
fn amplification(from: &[usize], to: &[usize], n: usize) -> f64 {
    let old = spans(from);
    let read: usize = spans(to)
        .iter()
        .map(|&(a, n)| {
            old.iter()
                .filter(|&&(c, m)| c < a + n && a < c + m)
                .map(|&(_, m)| m)
                .sum::<usize>()
        })
        .sum();
    #[allow(clippy::cast_precision_loss)] // a ratio of lengths
    let ratio = read as f64 / n.max(1) as f64;
    ratio
}

/// The staging chunk length along an axis with old chunks `from` and new chunks `to`: the old
/// length where it is no longer than a new chunk, else the longest divisor of it that is, so
/// staging chunks nest in the old ones (each old chunk is decoded once while writing them) and
/// a new chunk reads each at most once.
fn staging_chunk(from: &[usize], to: &[usize]) -> usize {
    let old = from.first().copied().unwrap_or(1).max(1);
    let new = to.iter().copied().max().unwrap_or(1).max(1);
    if old <= new {
        return old;
    }
    (1..=new).rev().find(|d| old % d == 0).unwrap_or(1)
}

/// Names of staging directories: the prefix, then the process id and a random part.
const STAGE_PREFIX: &str = "nereus-rechunk-";

/// Deletes the staging directories of processes that are gone (a kernel killed during a
/// staged rechunk cannot delete its own). Best effort: a directory that cannot be read or
/// removed is left.
fn remove_stale_stages(tmp: &std::path::Path) {
    // Without /proc nothing tells a live process from a dead one: leave everything.
    if !std::path::Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(tmp) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(STAGE_PREFIX))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if !std::path::Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The rechunk `expr` (of a materialized input) held in memory or staged through a temporary
/// store, when reading it directly would decode the input [`STAGE_AMPLIFICATION`] times over;
/// else `None`.
pub(super) fn staged(expr: &Arc<Plan>, ctx: &Context<'_>) -> Result<Option<Arc<Plan>>, ExecError> {
    let Node::Rechunk(Rechunk { input, splits }) = &expr.node else {
        return Ok(None);
    };
    let shape = input.shape().to_vec();
    let from = input.chunk_sizes();
    let to = expr.chunk_sizes();
    let total: f64 = from
        .iter()
        .zip(&to)
        .zip(&shape)
        .map(|((f, t), &n)| amplification(f, t, n))
        .product();
    if total < STAGE_AMPLIFICATION || shape.contains(&0) {
        return Ok(None);
    }
    let bytes = shape.iter().product::<usize>() as u64 * input.dtype().size() as u64;
    if bytes <= ctx.config.memory_budget / SHARE_FRACTION {
        // Small enough to hold: read once into memory and re-tile from there.
        return held_in_memory(input, splits.clone(), ctx).map(Some);
    }
    let chunks: Vec<usize> = from
        .iter()
        .zip(&to)
        .map(|(f, t)| staging_chunk(f, t))
        .collect();
    let files = chunks
        .iter()
        .zip(&shape)
        .fold(1usize, |acc, (&c, &n)| acc.saturating_mul(n.div_ceil(c)));
    if files > MAX_STAGING_CHUNKS {
        return Ok(None);
    }
    let stage = |why: String| ExecError::Staging { why };
    remove_stale_stages(&std::env::temp_dir());
    let dir = tempfile::Builder::new()
        .prefix(&format!("{STAGE_PREFIX}{}-", std::process::id()))
        .tempdir()
        .map_err(|e| stage(format!("cannot create a temporary directory: {e}")))?;
    let store = dir.path().join("staged.zarr");
    let dims: Vec<String> = (0..shape.len()).map(|a| format!("axis_{a}")).collect();
    let mut ds = Dataset::default();
    ds.data_vars.insert(
        NAME.to_owned(),
        lazy_variable(dims.clone(), Arc::clone(input)),
    );
    let mut encoding = Attrs::new();
    encoding.insert("chunks".to_owned(), json!(chunks));
    encoding.insert("compressors".to_owned(), Value::Null);
    let options = ToZarr {
        zarr_format: Some(3),
        consolidated: false,
        encoding: [(NAME.to_owned(), encoding)].into_iter().collect(),
        ..ToZarr::default()
    };
    ds.to_zarr(&store, &options, ctx).map_err(|e| match e {
        super::WriteError::Interrupted(_) => ExecError::Cancelled,
        other => stage(other.to_string()),
    })?;
    let back = open_zarr(&store, OpenOptions::default())
        .map_err(|e| stage(e.to_string()))?
        .get(NAME)
        .map_err(|e| stage(e.to_string()))?;
    let Node::Source { source, decoder } = &plan_of(&back.variable).node else {
        return Err(stage("the staged array did not open lazily".to_owned()));
    };
    let held = Arc::new(Staged {
        inner: Arc::clone(source),
        _dir: dir,
    });
    let read = Plan::new(
        Node::Source {
            source: held,
            decoder: Arc::clone(decoder),
        },
        shape,
        input.dtype(),
    );
    Ok(Some(Rechunk::over(read, splits.clone())))
}

/// The temporary store's array, which keeps the store until the plan reading it is dropped.
#[derive(Debug)]
struct Staged {
    inner: Arc<dyn ChunkSource>,
    _dir: tempfile::TempDir,
}

impl ChunkSource for Staged {
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
        self.inner.chunks()
    }
    fn dtype(&self) -> DType {
        self.inner.dtype()
    }
    fn read_chunk(&self, index: &[u64]) -> Result<Block, IoError> {
        self.inner.read_chunk(index)
    }
    fn read_region(&self, start: &[u64], shape: &[u64]) -> Result<Block, IoError> {
        self.inner.read_region(start, shape)
    }
    fn read_region_slabs(
        &self,
        start: &[u64],
        shape: &[u64],
        slab_bytes: u64,
        each: &mut dyn FnMut(Slab<'_>) -> ControlFlow<()>,
    ) -> Result<(), IoError> {
        self.inner.read_region_slabs(start, shape, slab_bytes, each)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amplification_counts_old_chunks_per_new_chunk() {
        // Same tiling: read once.
        assert!((amplification(&[4, 4, 2], &[4, 4, 2], 10) - 1.0).abs() < 1e-12);
        // New chunks of 1 inside old chunks of 5: each old chunk decoded 5 times.
        assert!((amplification(&[5, 5], &[1; 10], 10) - 5.0).abs() < 1e-12);
        // One whole chunk from many: each old chunk once.
        assert!((amplification(&[2; 5], &[10], 10) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn staging_chunks_nest_in_the_old_ones() {
        assert_eq!(staging_chunk(&[12, 12], &[24]), 12);
        assert_eq!(staging_chunk(&[12, 12], &[10, 10, 4]), 6);
        assert_eq!(staging_chunk(&[30], &[3; 10]), 3);
        assert_eq!(staging_chunk(&[7, 7], &[2; 7]), 1);
    }

    #[test]
    fn stale_stages_of_dead_processes_are_removed() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let dead = tmp.path().join(format!("{STAGE_PREFIX}4294967295-abc"));
        let live = tmp
            .path()
            .join(format!("{STAGE_PREFIX}{}-def", std::process::id()));
        let other = tmp.path().join("nereus-other-1");
        for d in [&dead, &live, &other] {
            std::fs::create_dir_all(d.join("staged.zarr")).unwrap_or_else(|e| panic!("{e}"));
        }
        remove_stale_stages(tmp.path());
        assert!(!dead.exists());
        assert!(live.exists() && other.exists());
    }
}
