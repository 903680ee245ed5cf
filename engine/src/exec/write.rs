//! `to_zarr`: writes a dataset to a Zarr store (formats 2 and 3) chunk by chunk.
//!
//! Each variable's tiles are its output chunks; the executor computes them in parallel waves
//! within the memory budget and each worker encodes and writes its own chunk (atomically), so
//! no chunk is ever written by two threads (zarrs has no locks). Array metadata is written
//! before any chunk, so the store opens at every moment; consolidated metadata is written
//! last, after every chunk. Progress covers all chunks of all variables; cancellation stops
//! between chunks and the error says which arrays are complete.

mod error;
mod guard;
mod lock;
mod plan;

pub use error::{ArrayProgress, Mismatch, WriteError, WriteReport};

use self::plan::{existing_array, new_array, Target, VarWrite};
use super::elementwise::{read_region, read_tile, wide_int_read};
use super::run::{materialize, prepare, run_tile_list};
use super::tiles::{spans, tile_grid, Memory, Tile};
use super::{Context, ExecError, Progress, ProgressFn};
use crate::coding::CfEncoder;
use crate::io::{is_zarr_node, open_store, store_format, ArrayWriter, IoError, StoreWriter};
use crate::model::{Attrs, Block, DataArray, Dataset, Variable};
use crate::ops::Plan;
use indexmap::IndexMap;
use ndarray::Slice;
use serde_json::Value;
use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

/// `to_zarr`'s `mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteMode {
    /// `"w-"`: create; fail if the store exists.
    Create,
    /// `"w"`: create, replacing an existing store.
    Overwrite,
    /// `"a"`: add or overwrite variables, or append along `append_dim` (creates the store
    /// if missing).
    Append,
    /// `"r+"`: write into existing arrays only (e.g. a region).
    Modify,
}

/// `to_zarr` keywords.
#[derive(Debug, Clone, PartialEq)]
pub struct ToZarr {
    /// How to treat an existing store.
    pub mode: WriteMode,
    /// Append along this dimension (mode `"a"`).
    pub append_dim: Option<String>,
    /// Write into these index ranges of existing arrays (`region={"time": slice(0, 12)}`).
    pub region: Vec<(String, Range<usize>)>,
    /// 2 or 3; `None`: the existing store's, or 3 (xarray's default with zarr-python 3).
    pub zarr_format: Option<u8>,
    /// Write consolidated metadata (last).
    pub consolidated: bool,
    /// Per-variable encoding (`chunks`, `compressors`, `dtype`, `_FillValue`, `scale_factor`,
    /// `add_offset`, `units`, `calendar`).
    pub encoding: IndexMap<String, Attrs>,
}

impl Default for ToZarr {
    fn default() -> Self {
        Self {
            mode: WriteMode::Create,
            append_dim: None,
            region: Vec::new(),
            zarr_format: None,
            consolidated: true,
            encoding: IndexMap::new(),
        }
    }
}

/// What a finished write did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteSummary {
    /// The arrays written, with their chunk counts.
    pub arrays: Vec<ArrayProgress>,
    /// The store's format.
    pub zarr_format: u8,
}

impl DataArray {
    /// The one-variable dataset `to_zarr` writes: the array under its name, or
    /// `__xarray_dataarray_variable__` when it has none (as xarray names it), with its
    /// coordinates.
    pub fn to_dataset(&self) -> Dataset {
        let name = self
            .name
            .clone()
            .unwrap_or_else(|| "__xarray_dataarray_variable__".to_owned());
        let mut ds = Dataset {
            coords: self.coords.clone(),
            ..Dataset::default()
        };
        ds.data_vars.insert(name, self.variable.clone());
        ds
    }

    /// `DataArray.to_zarr`: writes [`DataArray::to_dataset`].
    ///
    /// # Errors
    /// See [`Dataset::to_zarr`].
    pub fn to_zarr(
        &self,
        path: &Path,
        options: &ToZarr,
        ctx: &Context<'_>,
    ) -> Result<WriteSummary, WriteError> {
        self.to_dataset().to_zarr(path, options, ctx)
    }
}

impl Dataset {
    /// `Dataset.to_zarr`: writes every variable (coordinates included) to the store at `path`.
    ///
    /// # Errors
    /// [`WriteError`]: arguments that do not fit the store (it exists for `"w-"`, an unknown
    /// `append_dim`, dims or sizes that differ from the stored arrays, a region off the chunk
    /// grid), storage or coding failures, and [`WriteError::Interrupted`] when cancelled.
    pub fn to_zarr(
        &self,
        path: &Path,
        options: &ToZarr,
        ctx: &Context<'_>,
    ) -> Result<WriteSummary, WriteError> {
        let store_name = path.display().to_string();
        let dims: Vec<String> = self.dims().keys().cloned().collect();
        check_options(options, &dims)?;
        // Held until the write ends: a second writer is refused rather than mixed in.
        let _lock = lock::StoreLock::acquire(path)?;
        let existing = store_format(path);
        let store = match (options.mode, existing) {
            (WriteMode::Create, _) if path.exists() && !is_empty_dir(path) => {
                return Err(WriteError::StoreExists { store: store_name })
            }
            (WriteMode::Overwrite, _) if path.exists() => {
                if !is_zarr_node(path) && !is_empty_dir(path) {
                    return Err(WriteError::NotAStore { store: store_name });
                }
                guard::check_not_read(self, path)?;
                std::fs::remove_dir_all(path).map_err(|source| IoError::WriteFile {
                    file: store_name.clone(),
                    source,
                })?;
                StoreWriter::create(path, options.zarr_format.unwrap_or(3))?
            }
            (WriteMode::Modify, None) => {
                return Err(WriteError::NoStore {
                    store: store_name,
                    why: "mode=\"r+\" writes into an existing store",
                })
            }
            (WriteMode::Append, None) if !options.region.is_empty() => {
                return Err(WriteError::NoStore {
                    store: store_name,
                    why: "region= writes into existing arrays",
                })
            }
            (WriteMode::Append | WriteMode::Modify, Some(format)) => {
                if let Some(asked) = options.zarr_format.filter(|&f| f != format) {
                    return Err(WriteError::FormatMismatch {
                        store: store_name,
                        existing: format,
                        asked,
                    });
                }
                StoreWriter::open(path)?
            }
            _ => StoreWriter::create(path, options.zarr_format.unwrap_or(3))?,
        };
        let stored = if existing.is_some() && store_format(path).is_some() {
            open_store(path, Some(false))?.arrays
        } else {
            Vec::new()
        };
        let writes = self.plan(&store, &stored, options, ctx)?;
        store.drop_consolidated()?;
        let mut outputs = Vec::with_capacity(writes.len());
        for w in &writes {
            let output = match &w.target {
                Target::New(spec) => ArrayWriter::create(&store, spec)?,
                Target::Existing { shape } => {
                    ArrayWriter::open(&store, &w.name, w.encoder.storage_dtype(), shape.as_deref())?
                }
            };
            outputs.push(output);
        }
        let arrays = write_all(&writes, &outputs, &store_name, ctx)?;
        let mut attrs = if existing.is_some() {
            store.group_attrs()?
        } else {
            Attrs::new()
        };
        attrs.extend(self.attrs.iter().map(|(k, v)| (k.clone(), v.clone())));
        if let Some(orphans) = self.orphan_coords() {
            attrs.insert("coordinates".into(), Value::from(orphans));
        }
        store.finish(&attrs, options.consolidated)?;
        Ok(WriteSummary {
            arrays,
            zarr_format: store.format(),
        })
    }

    /// One write per variable, coordinates first; nothing is written yet.
    fn plan(
        &self,
        store: &StoreWriter,
        stored: &[crate::io::ArrayMeta],
        options: &ToZarr,
        ctx: &Context<'_>,
    ) -> Result<Vec<VarWrite>, WriteError> {
        let region_dims: Vec<&str> = options.region.iter().map(|(d, _)| d.as_str()).collect();
        let vars: Vec<(&String, &Variable)> =
            self.coords.iter().chain(self.data_vars.iter()).collect();
        if !region_dims.is_empty() {
            let unrelated: Vec<&str> = vars
                .iter()
                .filter(|(_, v)| !v.dims.iter().any(|d| region_dims.contains(&d.as_str())))
                .map(|(n, _)| n.as_str())
                .collect();
            if !unrelated.is_empty() {
                return Err(WriteError::BadArgument(format!(
                    "the variables {unrelated:?} have none of the region dimensions {region_dims:?}: drop them first, e.g. with .drop_vars({unrelated:?})"
                )));
            }
        }
        let mut writes = Vec::with_capacity(vars.len());
        for (name, var) in vars {
            let asked = options.encoding.get(name.as_str());
            match stored.iter().find(|m| &m.name == name) {
                Some(meta) if options.mode != WriteMode::Overwrite => {
                    if asked.is_some() {
                        return Err(WriteError::BadArgument(format!(
                            "variable `{name}` already exists in the store, so its encoding cannot be changed: drop it from encoding="
                        )));
                    }
                    let append = options
                        .append_dim
                        .as_deref()
                        .filter(|d| var.dims.iter().any(|v| v == d));
                    writes.push(existing_array(var, meta, append, &options.region, ctx)?);
                }
                _ if !options.region.is_empty() || options.mode == WriteMode::Modify => {
                    return Err(WriteError::BadArgument(format!(
                        "variable `{name}` is not in the store: region= and mode=\"r+\" only write into existing arrays"
                    )));
                }
                _ => {
                    let attrs = self.stored_attrs(name, var);
                    writes.push(new_array(name, var, asked, attrs, store.format(), ctx)?);
                }
            }
        }
        Ok(writes)
    }

    /// A variable's attributes as stored: its own, plus `coordinates` naming the non-index
    /// coordinates along its dimensions (data variables only, as xarray writes it).
    fn stored_attrs(&self, name: &str, var: &Variable) -> Attrs {
        let mut attrs = var.attrs.clone();
        attrs.shift_remove("coordinates");
        if self.data_vars.contains_key(name) {
            let listed: Vec<&str> = self
                .coords
                .iter()
                .filter(|(c, v)| !is_index(c, v) && v.dims.iter().all(|d| var.dims.contains(d)))
                .map(|(c, _)| c.as_str())
                .collect();
            if !listed.is_empty() {
                attrs.insert("coordinates".into(), Value::from(listed.join(" ")));
            }
        }
        attrs
    }

    /// Non-index coordinates no data variable lists: xarray names them in the group's
    /// `coordinates` attribute.
    fn orphan_coords(&self) -> Option<String> {
        let orphans: Vec<&str> = self
            .coords
            .iter()
            .filter(|(c, v)| {
                !is_index(c, v)
                    && !self
                        .data_vars
                        .values()
                        .any(|d| v.dims.iter().all(|x| d.dims.contains(x)))
            })
            .map(|(c, _)| c.as_str())
            .collect();
        (!orphans.is_empty()).then(|| orphans.join(" "))
    }
}

fn is_index(name: &str, var: &Variable) -> bool {
    var.dims.len() == 1 && var.dims[0] == name
}

fn is_empty_dir(path: &Path) -> bool {
    std::fs::read_dir(path).is_ok_and(|mut d| d.next().is_none())
}

fn check_options(options: &ToZarr, dims: &[String]) -> Result<(), WriteError> {
    if let Some(f) = options.zarr_format.filter(|f| !matches!(f, 2 | 3)) {
        return Err(WriteError::BadArgument(format!(
            "zarr_format must be 2 or 3, not {f}"
        )));
    }
    if let Some(dim) = &options.append_dim {
        if options.mode != WriteMode::Append {
            return Err(WriteError::BadArgument(
                "append_dim needs mode=\"a\"".to_owned(),
            ));
        }
        if !dims.contains(dim) {
            return Err(WriteError::AppendDimMissing {
                dim: dim.clone(),
                dims: dims.to_vec(),
            });
        }
        if options.region.iter().any(|(d, _)| d == dim) {
            return Err(WriteError::BadArgument(format!(
                "append_dim={dim:?} cannot also be a region dimension"
            )));
        }
    }
    if !options.region.is_empty() && options.mode == WriteMode::Overwrite {
        return Err(WriteError::BadArgument(
            "region= writes into an existing store: use mode=\"r+\" or \"a\", not \"w\"".to_owned(),
        ));
    }
    for (d, r) in &options.region {
        if !dims.contains(d) {
            return Err(WriteError::BadArgument(format!(
                "region dimension {d:?} is not a dimension of the dataset {dims:?}"
            )));
        }
        if r.start > r.end {
            return Err(WriteError::BadArgument(format!(
                "region {d}={}:{} is empty or reversed",
                r.start, r.end
            )));
        }
    }
    Ok(())
}

/// The output chunks a variable's values cover, as tiles of the values (largest first).
fn chunk_tiles(shape: &[usize], offset: &[u64], chunks: &[u64]) -> Vec<Tile> {
    let pieces: Vec<Vec<(usize, usize)>> = shape
        .iter()
        .zip(offset)
        .zip(chunks)
        .map(|((&n, &off), &c)| {
            let (off, c) = (to_usize(off), to_usize(c).max(1));
            let mut pieces = Vec::new();
            let mut at = 0;
            while at < n {
                // The next chunk boundary after array position `off + at`.
                let end = ((off + at) / c + 1) * c - off;
                pieces.push((at, end.min(n) - at));
                at = end.min(n);
            }
            pieces
        })
        .collect();
    let mut tiles = tile_grid(&pieces);
    // The executor sizes its waves by the first tile.
    if let Some(largest) = (0..tiles.len()).max_by_key(|&i| tiles[i].len()) {
        tiles.swap(0, largest);
    }
    tiles
}

fn to_usize(v: u64) -> usize {
    usize::try_from(v).unwrap_or(usize::MAX)
}

/// Computes and writes every chunk of every variable, reporting progress over all of them.
fn write_all(
    writes: &[VarWrite],
    outputs: &[ArrayWriter],
    store: &str,
    ctx: &Context<'_>,
) -> Result<Vec<ArrayProgress>, WriteError> {
    let tiles: Vec<Vec<Tile>> = writes
        .iter()
        .zip(outputs)
        .map(|(w, wr)| chunk_tiles(w.values.shape(), &w.offset, wr.chunks()))
        .collect();
    let counts: Vec<AtomicUsize> = writes.iter().map(|_| AtomicUsize::new(0)).collect();
    let chunks_total: usize = tiles.iter().map(Vec::len).sum();
    let bytes_total: u64 = writes
        .iter()
        .map(|w| {
            w.values.shape().iter().product::<usize>() as u64
                * w.encoder.storage_dtype().size() as u64
        })
        .sum();
    let mut before = Progress::default();
    for (i, (w, output)) in writes.iter().zip(outputs).enumerate() {
        let base = before;
        let var_chunks = tiles[i].len();
        let var_bytes = w.values.shape().iter().product::<usize>() as u64
            * w.encoder.storage_dtype().size() as u64;
        // The pass counts groups of chunks (see `chunk_groups`): report its fraction done in
        // this variable's chunks and bytes.
        let report = |p: Progress| {
            if let Some(outer) = ctx.progress {
                let part = |of: u64| of * p.chunks_done as u64 / p.chunks_total.max(1) as u64;
                outer(Progress {
                    chunks_done: base.chunks_done
                        + usize::try_from(part(var_chunks as u64)).unwrap_or(var_chunks),
                    chunks_total,
                    bytes_done: base.bytes_done + part(var_bytes),
                    bytes_total,
                });
            }
        };
        let inner = Context {
            config: ctx.config,
            progress: Some(&report as ProgressFn<'_>),
            cancel: ctx.cancel,
        };
        let result = write_var(w, output, &tiles[i], &counts[i], &inner);
        if let Err(e) = result {
            return Err(match e {
                ExecError::Cancelled => WriteError::Interrupted(Box::new(WriteReport {
                    store: store.to_owned(),
                    arrays: writes
                        .iter()
                        .zip(&tiles)
                        .zip(&counts)
                        .map(|((w, t), c)| ArrayProgress {
                            name: w.name.clone(),
                            written: c.load(Ordering::SeqCst),
                            total: t.len(),
                        })
                        .collect(),
                })),
                other => WriteError::Exec(other),
            });
        }
        before.chunks_done += var_chunks;
        before.bytes_done += var_bytes;
    }
    Ok(writes
        .iter()
        .zip(&tiles)
        .map(|(w, t)| ArrayProgress {
            name: w.name.clone(),
            written: t.len(),
            total: t.len(),
        })
        .collect())
}

/// Output chunks grouped by the chunk of the plan they lie in, each group with the region
/// bounding it: a worker computes a group's region once and writes its chunks, so a plan chunk
/// cut into several output chunks is decoded once, not once per output chunk. A chunk that
/// straddles plan chunks is a group of its own.
fn chunk_groups(plan: &Plan, chunks: &[Tile]) -> Vec<(Tile, Vec<usize>)> {
    let edges: Vec<Vec<usize>> = plan
        .chunk_sizes()
        .iter()
        .map(|sizes| spans(sizes).iter().map(|&(s, n)| s + n).collect())
        .collect();
    let mut groups: Vec<(Tile, Vec<usize>)> = Vec::new();
    let mut by_home: HashMap<Vec<usize>, usize> = HashMap::new();
    for (i, t) in chunks.iter().enumerate() {
        // The plan chunk holding the tile on every axis, if one does.
        let home: Option<Vec<usize>> = t
            .start
            .iter()
            .zip(&t.shape)
            .zip(&edges)
            .map(|((&s, &n), ends)| {
                let k = ends.partition_point(|&e| e <= s);
                (ends.get(k).is_some_and(|&e| s + n <= e)).then_some(k)
            })
            .collect();
        if let Some(&g) = home.as_ref().and_then(|h| by_home.get(h)) {
            let (bound, members) = &mut groups[g];
            for a in 0..bound.start.len() {
                let end = (bound.start[a] + bound.shape[a]).max(t.start[a] + t.shape[a]);
                bound.start[a] = bound.start[a].min(t.start[a]);
                bound.shape[a] = end - bound.start[a];
            }
            members.push(i);
        } else {
            if let Some(h) = home {
                by_home.insert(h, groups.len());
            }
            groups.push((t.clone(), vec![i]));
        }
    }
    // The executor sizes its waves by the first tile.
    if let Some(largest) = (0..groups.len()).max_by_key(|&i| groups[i].0.len()) {
        groups.swap(0, largest);
    }
    groups
}

/// Writes one variable: each group of output chunks (see [`chunk_groups`]) is computed once,
/// then its chunks encoded and written by the worker that computed it.
fn write_var(
    w: &VarWrite,
    writer: &ArrayWriter,
    tiles: &[Tile],
    written: &AtomicUsize,
    ctx: &Context<'_>,
) -> Result<(), ExecError> {
    if let Some(stored) = &w.stored {
        return write_stored(w, stored, writer, tiles, written, ctx);
    }
    // Stored 64-bit integers written as they are: the f64 tiles would round them past 2**53.
    if let Some(source) =
        wide_int_read(&w.values).filter(|_| w.encoder == CfEncoder::cast(w.values.dtype()))
    {
        for tile in tiles {
            let block = read_region(source, &tile.start, &tile.shape)?;
            write_tile(w, writer, tile, &block, ctx)?;
            written.fetch_add(1, Ordering::SeqCst);
        }
        return Ok(());
    }
    let (plan, config) = prepare(&w.values, ctx)?;
    let ctx = &ctx.with_config(config);
    let plan = materialize(&plan, ctx)?;
    let groups = chunk_groups(&plan, tiles);
    let bounds: Vec<Tile> = groups.iter().map(|(b, _)| b.clone()).collect();
    let chunk_bytes = writer.chunks().iter().product::<u64>() * writer.dtype().size() as u64;
    let memory = Memory {
        fixed: 0,
        // A worker holds the group's values and one chunk's encoded bytes.
        per_tile: |t: &Tile| t.len() as u64 * 8 + 2 * chunk_bytes,
    };
    // Groups are disjoint regions, so their first corners tell them apart.
    let by_start: HashMap<&[usize], &[usize]> = groups
        .iter()
        .map(|(b, m)| (b.start.as_slice(), m.as_slice()))
        .collect();
    let members = |bound: &Tile| by_start.get(bound.start.as_slice()).copied().unwrap_or(&[]);
    run_tile_list(
        &plan,
        &bounds,
        ctx,
        &memory,
        |bound| {
            let values = read_tile(&plan, bound, ctx)?;
            for &m in members(bound) {
                let tile = &tiles[m];
                let part = values.slice_each_axis(|ax| {
                    let a = ax.axis.index();
                    let from = tile.start[a] - bound.start[a];
                    Slice::from(from..from + tile.shape[a])
                });
                let block = w.encoder.encode_values(&part.to_owned());
                write_tile(w, writer, tile, &block, ctx)?;
                written.fetch_add(1, Ordering::SeqCst);
            }
            Ok(())
        },
        |_, ()| {},
    )
}

/// Writes a variable whose stored values are already in memory (times), chunk by chunk.
fn write_stored(
    w: &VarWrite,
    stored: &Block,
    writer: &ArrayWriter,
    tiles: &[Tile],
    written: &AtomicUsize,
    ctx: &Context<'_>,
) -> Result<(), ExecError> {
    for tile in tiles {
        write_tile(
            w,
            writer,
            tile,
            &stored.region(&tile.start, &tile.shape),
            ctx,
        )?;
        written.fetch_add(1, Ordering::SeqCst);
    }
    Ok(())
}

/// Writes one output chunk's stored values.
fn write_tile(
    w: &VarWrite,
    writer: &ArrayWriter,
    tile: &Tile,
    block: &Block,
    ctx: &Context<'_>,
) -> Result<(), ExecError> {
    let within: Vec<Range<u64>> = tile
        .start
        .iter()
        .zip(&tile.shape)
        .zip(&w.offset)
        .map(|((&s, &n), &o)| o + s as u64..o + (s + n) as u64)
        .collect();
    let index: Vec<u64> = within
        .iter()
        .zip(writer.chunks())
        .map(|(r, &c)| r.start / c.max(1))
        .collect();
    // Past this point the chunk is written whole or not at all.
    ctx.cancel.check()?;
    writer.write_chunk(&index, &within, block)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiles_follow_the_chunk_grid_from_the_offset() {
        let t = chunk_tiles(&[7], &[3], &[4]);
        let mut spans: Vec<(usize, usize)> = t.iter().map(|t| (t.start[0], t.shape[0])).collect();
        spans.sort_unstable();
        assert_eq!(spans, vec![(0, 1), (1, 4), (5, 2)]);
        assert_eq!(chunk_tiles(&[4, 6], &[0, 0], &[2, 3]).len(), 4);
        assert_eq!(chunk_tiles(&[], &[], &[]).len(), 1);
        assert!(chunk_tiles(&[0], &[0], &[1]).is_empty());
    }
}
