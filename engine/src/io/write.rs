//! Writing Zarr stores (formats 2 and 3) on the filesystem: group and array metadata as
//! xarray and zarr-python write them, chunks encoded with the array's codecs, and consolidated
//! metadata.
//!
//! Every file is written atomically: to a temporary file in the same directory, then renamed
//! over the target, so a reader (or an interrupted writer) never sees half a chunk. Metadata is
//! written here as JSON rather than through zarrs' `store_metadata`, so zarrs' own `_zarrs`
//! attribute never reaches the outputs. No CF semantics: `coding` decides attribute values.

mod array;

pub use array::{ArraySpec, ArrayWriter, Compression};

use super::store::{child_dirs, read_json};
use super::IoError;
use crate::model::Attrs;
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use zarrs::filesystem::FilesystemStore;

/// A store opened for writing: its root directory and Zarr format.
#[derive(Debug, Clone)]
pub struct StoreWriter {
    root: PathBuf,
    fs: Arc<FilesystemStore>,
    format: u8,
}

/// Metadata files whose presence makes a directory a Zarr node.
const MARKERS: [&str; 4] = ["zarr.json", ".zgroup", ".zarray", ".zmetadata"];

/// Whether `path` holds a Zarr group or array (so `mode="w"` may replace it).
pub fn is_zarr_node(path: &Path) -> bool {
    MARKERS.iter().any(|m| path.join(m).is_file())
}

/// The format of the store at `path`: 3 for `zarr.json`, 2 for `.zgroup`/`.zmetadata`.
pub fn store_format(path: &Path) -> Option<u8> {
    if path.join("zarr.json").is_file() {
        Some(3)
    } else if path.join(".zgroup").is_file() || path.join(".zmetadata").is_file() {
        Some(2)
    } else {
        None
    }
}

impl StoreWriter {
    /// Creates an empty group of `format` (2 or 3) at `root`, whose directory must be absent or
    /// empty; the group's metadata is written at once so the store opens whatever follows.
    ///
    /// # Errors
    /// [`IoError::WriteFile`] if the directory or metadata cannot be written.
    pub fn create(root: &Path, format: u8) -> Result<Self, IoError> {
        std::fs::create_dir_all(root).map_err(write_error(root))?;
        let writer = Self::at(root, format)?;
        writer.write_group(&Attrs::new(), None)?;
        Ok(writer)
    }

    /// Opens the existing store at `root` for writing (its format read from its metadata).
    ///
    /// # Errors
    /// [`IoError::NotAStore`] if `root` holds no Zarr group.
    pub fn open(root: &Path) -> Result<Self, IoError> {
        let format = store_format(root).ok_or_else(|| IoError::NotAStore {
            store: root.display().to_string(),
        })?;
        Self::at(root, format)
    }

    fn at(root: &Path, format: u8) -> Result<Self, IoError> {
        let fs = FilesystemStore::new(root).map_err(|e| IoError::BadArray {
            store: root.display().to_string(),
            array: String::new(),
            message: e.to_string(),
        })?;
        Ok(Self {
            root: root.to_owned(),
            fs: Arc::new(fs),
            format,
        })
    }

    /// The store's root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// 2 or 3.
    pub fn format(&self) -> u8 {
        self.format
    }

    /// The root group's attributes as stored.
    ///
    /// # Errors
    /// [`IoError`] if the group metadata cannot be read.
    pub fn group_attrs(&self) -> Result<Attrs, IoError> {
        let value = if self.format == 3 {
            read_json(&self.root.join("zarr.json"))?.and_then(|v| v.get("attributes").cloned())
        } else {
            read_json(&self.root.join(".zattrs"))?
        };
        Ok(match value {
            Some(Value::Object(m)) => m.into_iter().collect(),
            _ => Attrs::new(),
        })
    }

    /// Removes consolidated metadata, so that while arrays change the store is read from the
    /// arrays' own metadata (consolidated metadata is written again last, by
    /// [`StoreWriter::finish`]).
    ///
    /// # Errors
    /// [`IoError::WriteFile`] if it cannot be removed.
    pub fn drop_consolidated(&self) -> Result<(), IoError> {
        if self.format == 3 {
            let attrs = self.group_attrs()?;
            self.write_group(&attrs, None)
        } else {
            let file = self.root.join(".zmetadata");
            match std::fs::remove_file(&file) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(write_error(&file)(e)),
                _ => Ok(()),
            }
        }
    }

    /// Writes the group attributes and, if `consolidated`, the consolidated metadata of every
    /// array in the store (format 2 `.zmetadata`, format 3 inline `consolidated_metadata`).
    ///
    /// # Errors
    /// [`IoError`] if metadata cannot be read or written.
    pub fn finish(&self, attrs: &Attrs, consolidated: bool) -> Result<(), IoError> {
        if !consolidated {
            return self.write_group(attrs, None);
        }
        let mut members = Map::new();
        for name in self.array_names()? {
            let dir = self.root.join(&name);
            if self.format == 3 {
                if let Some(meta) = read_json(&dir.join("zarr.json"))? {
                    members.insert(name, meta);
                }
            } else {
                for file in [".zarray", ".zattrs"] {
                    if let Some(meta) = read_json(&dir.join(file))? {
                        members.insert(format!("{name}/{file}"), meta);
                    }
                }
            }
        }
        self.write_group(attrs, Some(members))
    }

    /// Names of the arrays directly under the root, sorted.
    fn array_names(&self) -> Result<Vec<String>, IoError> {
        let marker = if self.format == 3 {
            "zarr.json"
        } else {
            ".zarray"
        };
        let mut names = child_dirs(&self.root, marker)?;
        if self.format == 3 {
            // Nested groups also have a `zarr.json`.
            names.retain(|n| {
                matches!(read_json(&self.root.join(n).join("zarr.json")),
                    Ok(Some(v)) if v.get("node_type").and_then(Value::as_str) == Some("array"))
            });
        }
        Ok(names)
    }

    fn write_group(
        &self,
        attrs: &Attrs,
        consolidated: Option<Map<String, Value>>,
    ) -> Result<(), IoError> {
        let attrs: Map<String, Value> = attrs.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        if self.format == 3 {
            let mut group = json!({"zarr_format": 3, "node_type": "group", "attributes": attrs});
            if let (Some(members), Value::Object(g)) = (consolidated, &mut group) {
                g.insert(
                    "consolidated_metadata".into(),
                    json!({"kind": "inline", "must_understand": false, "metadata": members}),
                );
            }
            return write_json(&self.root.join("zarr.json"), &group);
        }
        let zgroup = json!({"zarr_format": 2});
        write_json(&self.root.join(".zgroup"), &zgroup)?;
        write_json(&self.root.join(".zattrs"), &Value::Object(attrs.clone()))?;
        if let Some(mut members) = consolidated {
            members.insert(".zgroup".into(), zgroup);
            members.insert(".zattrs".into(), Value::Object(attrs));
            write_json(
                &self.root.join(".zmetadata"),
                &json!({"metadata": members, "zarr_consolidated_format": 1}),
            )?;
        }
        Ok(())
    }
}

/// Writes pretty JSON atomically.
pub(crate) fn write_json(file: &Path, value: &Value) -> Result<(), IoError> {
    let text = serde_json::to_string_pretty(value).map_err(|e| IoError::BadJson {
        file: file.display().to_string(),
        message: e.to_string(),
    })?;
    write_atomic(file, text.as_bytes())
}

/// Distinguishes temporary files of one process's concurrent writes.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Prefix of temporary files: hidden, so Zarr readers listing a directory skip them.
pub const TEMP_PREFIX: &str = ".nereus-tmp-";

/// Writes `bytes` to `file` through a temporary file in the same directory and a rename, so
/// `file` is either its old content or all of the new one. The temporary file is removed on
/// failure.
///
/// # Errors
/// [`IoError::WriteFile`] naming the file.
pub fn write_atomic(file: &Path, bytes: &[u8]) -> Result<(), IoError> {
    let dir = file.parent().unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(dir).map_err(write_error(dir))?;
    let name = file
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(
        "{TEMP_PREFIX}{name}-{}-{}",
        std::process::id(),
        TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, file));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(write_error(file)(e));
    }
    Ok(())
}

fn write_error(file: &Path) -> impl Fn(std::io::Error) -> IoError + '_ {
    move |source| IoError::WriteFile {
        file: file.display().to_string(),
        source,
    }
}
