//! Zarr plumbing for the sample stores: arrays from JSON metadata, parallel chunk writes, groups
//! and consolidated metadata (v2 `.zmetadata`, v3 inline `consolidated_metadata`).

use super::{ChunkCounts, SampleError};
use rayon::prelude::*;
use serde_json::{json, Map, Value};
use std::path::Path;
use std::sync::Arc;
use zarrs::array::{
    Array, ArrayMetadata, ArrayMetadataOptions, ArrayMetadataV2, ArrayMetadataV3, Element,
};
use zarrs::filesystem::FilesystemStore;

/// An open filesystem store rooted at a directory (created if missing).
pub(super) fn open(root: &Path) -> Result<Arc<FilesystemStore>, SampleError> {
    std::fs::create_dir_all(root).map_err(SampleError::io("cannot create", root))?;
    FilesystemStore::new(root)
        .map(Arc::new)
        .map_err(|e| SampleError::Store {
            path: root.to_owned(),
            message: e.to_string(),
        })
}

/// Creates array `name` from zarr-python-style metadata (`.zarray` plus an `attributes` map for
/// format 2, `zarr.json` for format 3) and writes its metadata, without zarrs' own attributes.
pub(super) fn create_array(
    store: &Arc<FilesystemStore>,
    name: &str,
    metadata: Value,
) -> Result<Array<FilesystemStore>, SampleError> {
    let bad = |message: String| SampleError::Metadata {
        array: name.to_owned(),
        message,
    };
    let metadata = match metadata.get("zarr_format").and_then(Value::as_u64) {
        Some(2) => ArrayMetadata::V2(
            serde_json::from_value::<ArrayMetadataV2>(metadata).map_err(|e| bad(e.to_string()))?,
        ),
        Some(3) => ArrayMetadata::V3(
            serde_json::from_value::<ArrayMetadataV3>(metadata).map_err(|e| bad(e.to_string()))?,
        ),
        _ => return Err(bad("zarr_format must be 2 or 3".to_owned())),
    };
    let array = Array::new_with_metadata(Arc::clone(store), &format!("/{name}"), metadata)
        .map_err(|e| bad(e.to_string()))?;
    array
        .store_metadata_opt(&ArrayMetadataOptions::default().with_include_zarrs_metadata(false))
        .map_err(|e| bad(e.to_string()))?;
    Ok(array)
}

/// Number of chunks along each dimension for `shape` split into `chunks`.
pub(super) fn grid(shape: &[u64], chunks: &[u64]) -> Vec<u64> {
    shape
        .iter()
        .zip(chunks)
        .map(|(&n, &c)| n.div_ceil(c))
        .collect()
}

/// Writes every chunk of `array` in parallel on `threads` workers, at most `threads` chunks in
/// flight. `make(chunk_indices)` returns the full (edge-padded) chunk in C order, or `None` for a
/// chunk that is entirely fill value and must stay absent.
pub(super) fn write_chunks<T, F>(
    array: &Array<FilesystemStore>,
    name: &str,
    chunk_grid: &[u64],
    threads: usize,
    make: F,
) -> Result<ChunkCounts, SampleError>
where
    T: Element + Send,
    F: Fn(&[u64]) -> Option<Vec<T>> + Sync,
{
    let total: u64 = chunk_grid.iter().product();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .thread_name(|i| format!("nereus-sample-{i}"))
        .build()
        .map_err(|e| SampleError::Pool(e.to_string()))?;
    pool.install(|| {
        (0..total)
            .into_par_iter()
            .map(|flat| {
                let indices = unravel(flat, chunk_grid);
                let Some(data) = make(&indices) else {
                    return Ok(ChunkCounts {
                        written: 0,
                        absent: 1,
                    });
                };
                array
                    .store_chunk(&indices, data)
                    .map_err(|e| SampleError::Chunk {
                        array: name.to_owned(),
                        chunk: indices
                            .iter()
                            .map(u64::to_string)
                            .collect::<Vec<_>>()
                            .join("."),
                        message: e.to_string(),
                    })?;
                Ok(ChunkCounts {
                    written: 1,
                    absent: 0,
                })
            })
            .try_reduce(ChunkCounts::default, |a, b| {
                Ok(ChunkCounts {
                    written: a.written + b.written,
                    absent: a.absent + b.absent,
                })
            })
    })
}

/// Row-major chunk indices of flat chunk number `flat`.
fn unravel(mut flat: u64, chunk_grid: &[u64]) -> Vec<u64> {
    let mut indices = vec![0; chunk_grid.len()];
    for (index, &n) in indices.iter_mut().zip(chunk_grid).rev() {
        *index = flat % n;
        flat /= n;
    }
    indices
}

/// Writes pretty JSON (zarr-python's layout: 4-space indent is not required by any reader).
pub(super) fn write_json(path: &Path, value: &Value) -> Result<(), SampleError> {
    let text = serde_json::to_string_pretty(value).map_err(|e| SampleError::Metadata {
        array: path.display().to_string(),
        message: e.to_string(),
    })?;
    std::fs::write(path, text + "\n").map_err(SampleError::io("cannot write", path))
}

fn read_json(path: &Path) -> Result<Value, SampleError> {
    let text = std::fs::read_to_string(path).map_err(SampleError::io("cannot read", path))?;
    serde_json::from_str(&text).map_err(|e| SampleError::Metadata {
        array: path.display().to_string(),
        message: e.to_string(),
    })
}

/// Writes the format 2 root group (`.zgroup`, `.zattrs`) and the consolidated `.zmetadata` that
/// zarr-python and xarray read, gathering the `.zarray`/`.zattrs` of `arrays` as written.
pub(super) fn finish_group_v2(
    root: &Path,
    attrs: &Value,
    arrays: &[&str],
) -> Result<(), SampleError> {
    let zgroup = json!({"zarr_format": 2});
    write_json(&root.join(".zgroup"), &zgroup)?;
    write_json(&root.join(".zattrs"), attrs)?;
    let mut metadata = Map::new();
    metadata.insert(".zgroup".to_owned(), zgroup);
    metadata.insert(".zattrs".to_owned(), attrs.clone());
    for name in arrays {
        for file in [".zarray", ".zattrs"] {
            let path = root.join(name).join(file);
            if path.exists() {
                metadata.insert(format!("{name}/{file}"), read_json(&path)?);
            }
        }
    }
    write_json(
        &root.join(".zmetadata"),
        &json!({"metadata": metadata, "zarr_consolidated_format": 1}),
    )
}

/// Writes the format 3 root group `zarr.json` with zarr-python's inline consolidated metadata.
pub(super) fn finish_group_v3(
    root: &Path,
    attrs: &Value,
    arrays: &[&str],
) -> Result<(), SampleError> {
    let mut members = Map::new();
    for name in arrays {
        members.insert(
            (*name).to_owned(),
            read_json(&root.join(name).join("zarr.json"))?,
        );
    }
    write_json(
        &root.join("zarr.json"),
        &json!({
            "zarr_format": 3,
            "node_type": "group",
            "attributes": attrs,
            "consolidated_metadata": {"kind": "inline", "must_understand": false, "metadata": members},
        }),
    )
}

/// Total size in bytes of the files under `path`.
pub(super) fn disk_usage(path: &Path) -> Result<u64, SampleError> {
    let meta = std::fs::symlink_metadata(path).map_err(SampleError::io("cannot stat", path))?;
    if !meta.is_dir() {
        return Ok(meta.len());
    }
    let mut total = 0;
    for entry in std::fs::read_dir(path).map_err(SampleError::io("cannot list", path))? {
        let entry = entry.map_err(SampleError::io("cannot list", path))?;
        total += disk_usage(&entry.path())?;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unravel_is_row_major() {
        assert_eq!(unravel(0, &[2, 3, 4]), vec![0, 0, 0]);
        assert_eq!(unravel(5, &[2, 3, 4]), vec![0, 1, 1]);
        assert_eq!(unravel(23, &[2, 3, 4]), vec![1, 2, 3]);
        assert_eq!(grid(&[200, 96], &[48, 48]), vec![5, 2]);
    }
}
