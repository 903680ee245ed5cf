//! `open_store`: reads a Zarr store's root metadata (format 2 with or without `.zmetadata`,
//! format 3 with or without consolidated metadata) and builds one reader per array.

use super::encoding::{array_encoding, codec_names, fill_value_v2};
use super::source::ZarrSource;
use super::{ArrayMeta, IoError, StoreMeta};
use crate::model::{Attrs, DType};
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;
use zarrs::array::data_type::{
    BoolDataType, Float32DataType, Float64DataType, Int16DataType, Int32DataType, Int64DataType,
    Int8DataType, UInt16DataType, UInt32DataType, UInt64DataType, UInt8DataType,
};
use zarrs::array::{
    Array, ArrayCreateError, ArrayMetadata, ArrayMetadataV2, ArrayMetadataV3, DataType,
};
use zarrs::filesystem::FilesystemStore;

/// Opens the root group of the Zarr store at `path` (metadata only: no chunk is read).
///
/// `consolidated`: `Some(true)` requires consolidated metadata (`.zmetadata` in format 2, the
/// `consolidated_metadata` field of `zarr.json` in format 3); `Some(false)` ignores it; `None`
/// uses it when present. Nested groups are skipped.
pub fn open_store(path: &Path, consolidated: Option<bool>) -> Result<StoreMeta, IoError> {
    let store_name = path.display().to_string();
    let ctx = Ctx {
        store: store_name.clone(),
        root: path.to_path_buf(),
        fs: Arc::new(FilesystemStore::new(path).map_err(|e| IoError::BadArray {
            store: store_name.clone(),
            array: String::new(),
            message: e.to_string(),
        })?),
    };
    if path.join("zarr.json").is_file() {
        open_v3(path, &ctx, consolidated)
    } else if [".zmetadata", ".zgroup"]
        .iter()
        .any(|f| path.join(f).is_file())
    {
        open_v2(path, &ctx, consolidated)
    } else {
        Err(IoError::NotAStore { store: store_name })
    }
}

struct Ctx {
    store: String,
    root: std::path::PathBuf,
    fs: Arc<FilesystemStore>,
}

/// zarrs's store and node path for array `name` of the store at `root` (whose store is `fs`).
/// zarrs refuses node names starting with `__`, which the v3 spec reserves and xarray writes
/// anyway for an unnamed DataArray (`__xarray_dataarray_variable__`): such an array is the
/// root of a store over its own directory.
pub(crate) fn array_node(
    fs: &Arc<FilesystemStore>,
    root: &Path,
    name: &str,
) -> Result<(Arc<FilesystemStore>, String), String> {
    let path = format!("/{name}");
    if zarrs::node::NodePath::validate(&path) {
        return Ok((Arc::clone(fs), path));
    }
    let own = FilesystemStore::new(root.join(name)).map_err(|e| e.to_string())?;
    Ok((Arc::new(own), "/".to_owned()))
}

/// Reads a JSON file (`None` if absent); zarr-python's bare `NaN` and `Infinity` are accepted.
pub(super) fn read_json(file: &Path) -> Result<Option<Value>, IoError> {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(IoError::ReadFile {
                file: file.display().to_string(),
                source,
            })
        }
    };
    parse_json(&text, &file.display().to_string()).map(Some)
}

fn parse_json(text: &str, file: &str) -> Result<Value, IoError> {
    // numpy's NaN/Infinity are not JSON, but zarr-python v2 writes them bare in some versions.
    let fixed;
    let text = if text.contains("NaN") || text.contains("Infinity") {
        fixed = text
            .replace(": NaN", ": \"NaN\"")
            .replace(": -Infinity", ": \"-Infinity\"")
            .replace(": Infinity", ": \"Infinity\"");
        fixed.as_str()
    } else {
        text
    };
    serde_json::from_str(text).map_err(|e| IoError::BadJson {
        file: file.to_string(),
        message: e.to_string(),
    })
}

fn as_attrs(v: Option<Value>) -> Attrs {
    match v {
        Some(Value::Object(m)) => m.into_iter().collect(),
        _ => Attrs::new(),
    }
}

/// Direct children of `path` that are directories holding `marker`, sorted.
pub(super) fn child_dirs(path: &Path, marker: &str) -> Result<Vec<String>, IoError> {
    let entries = std::fs::read_dir(path).map_err(|source| IoError::ReadFile {
        file: path.display().to_string(),
        source,
    })?;
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().join(marker).is_file())
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .collect();
    names.sort();
    Ok(names)
}

fn open_v2(path: &Path, ctx: &Ctx, consolidated: Option<bool>) -> Result<StoreMeta, IoError> {
    let zmeta_file = path.join(".zmetadata");
    let zmeta = if consolidated == Some(false) {
        None
    } else {
        read_json(&zmeta_file)?
    };
    if consolidated == Some(true) && zmeta.is_none() {
        return Err(IoError::NotConsolidated {
            store: ctx.store.clone(),
            expected: "`.zmetadata`".into(),
        });
    }
    // (name, .zarray, .zattrs) per array, and the root attributes.
    let mut arrays: Vec<(String, Value, Attrs)> = Vec::new();
    let root_attrs;
    if let Some(zmeta) = zmeta {
        let file = zmeta_file.display().to_string();
        let Some(Value::Object(entries)) = zmeta.get("metadata") else {
            return Err(IoError::BadJson {
                file,
                message: "no `metadata` object".into(),
            });
        };
        root_attrs = as_attrs(entries.get(".zattrs").cloned());
        for (key, zarray) in entries {
            let Some(name) = key.strip_suffix("/.zarray") else {
                continue;
            };
            if name.contains('/') {
                continue;
            }
            let attrs = as_attrs(entries.get(&format!("{name}/.zattrs")).cloned());
            arrays.push((name.to_string(), zarray.clone(), attrs));
        }
        arrays.sort_by(|a, b| a.0.cmp(&b.0));
    } else {
        root_attrs = as_attrs(read_json(&path.join(".zattrs"))?);
        for name in child_dirs(path, ".zarray")? {
            let dir = path.join(&name);
            let zarray = read_json(&dir.join(".zarray"))?.unwrap_or(Value::Null);
            let attrs = as_attrs(read_json(&dir.join(".zattrs"))?);
            arrays.push((name, zarray, attrs));
        }
    }
    let arrays = arrays
        .into_iter()
        .map(|(name, zarray, attrs)| array_v2(ctx, name, &zarray, attrs))
        .collect::<Result<_, _>>()?;
    Ok(StoreMeta {
        path: ctx.store.clone(),
        zarr_format: 2,
        attrs: root_attrs,
        arrays,
    })
}

fn array_v2(
    ctx: &Ctx,
    name: String,
    zarray: &Value,
    mut attrs: Attrs,
) -> Result<ArrayMeta, IoError> {
    let bad = |message: String| IoError::BadArray {
        store: ctx.store.clone(),
        array: name.clone(),
        message,
    };
    let dims = match attrs.shift_remove("_ARRAY_DIMENSIONS") {
        Some(Value::Array(d)) => d
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| bad("`_ARRAY_DIMENSIONS` must be a list of strings".into()))?,
        _ => {
            return Err(IoError::MissingDims {
                store: ctx.store.clone(),
                array: name,
                expected: "attribute `_ARRAY_DIMENSIONS`",
            })
        }
    };
    let meta: ArrayMetadataV2 = serde_json::from_value(zarray.clone())
        .map_err(|e| bad(format!("invalid `.zarray`: {e}")))?;
    let chunks = meta.chunks.iter().map(|c| c.get()).collect();
    let fill_value = fill_value_v2(zarray);
    let (fs, node) = array_node(&ctx.fs, &ctx.root, &name).map_err(&bad)?;
    let array = Array::new_with_metadata(fs, &node, ArrayMetadata::V2(meta))
        .map_err(|e| create_error(ctx, &name, &codec_names(zarray, 2), &e))?;
    let dtype = map_dtype(ctx, &name, array.data_type())?;
    let encoding = array_encoding(zarray, 2, dtype, &dims);
    Ok(finish(
        name, dims, attrs, fill_value, encoding, array, chunks, dtype,
    ))
}

fn open_v3(path: &Path, ctx: &Ctx, consolidated: Option<bool>) -> Result<StoreMeta, IoError> {
    let root_file = path.join("zarr.json");
    let root = read_json(&root_file)?.unwrap_or(Value::Null);
    if root.get("node_type").and_then(Value::as_str) != Some("group") {
        return Err(IoError::BadJson {
            file: root_file.display().to_string(),
            message: "the root is not a group (xarray opens groups only)".into(),
        });
    }
    let root_attrs = as_attrs(root.get("attributes").cloned());
    let inline = root
        .pointer("/consolidated_metadata/metadata")
        .and_then(Value::as_object)
        .filter(|_| consolidated != Some(false));
    if consolidated == Some(true) && inline.is_none() {
        return Err(IoError::NotConsolidated {
            store: ctx.store.clone(),
            expected: "`consolidated_metadata` in `zarr.json`".into(),
        });
    }
    let mut nodes: Vec<(String, Value)> = match inline {
        Some(entries) => entries
            .iter()
            .filter(|(k, _)| !k.contains('/'))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        None => child_dirs(path, "zarr.json")?
            .into_iter()
            .map(|name| {
                let v = read_json(&path.join(&name).join("zarr.json"))?.unwrap_or(Value::Null);
                Ok((name, v))
            })
            .collect::<Result<_, IoError>>()?,
    };
    nodes.retain(|(_, v)| v.get("node_type").and_then(Value::as_str) == Some("array"));
    nodes.sort_by(|a, b| a.0.cmp(&b.0));
    let arrays = nodes
        .into_iter()
        .map(|(name, json)| array_v3(ctx, name, &json))
        .collect::<Result<_, _>>()?;
    Ok(StoreMeta {
        path: ctx.store.clone(),
        zarr_format: 3,
        attrs: root_attrs,
        arrays,
    })
}

fn array_v3(ctx: &Ctx, name: String, json: &Value) -> Result<ArrayMeta, IoError> {
    let bad = |message: String| IoError::BadArray {
        store: ctx.store.clone(),
        array: name.clone(),
        message,
    };
    let dims: Option<Vec<String>> = json
        .get("dimension_names")
        .and_then(Value::as_array)
        .and_then(|d| d.iter().map(|v| v.as_str().map(str::to_owned)).collect());
    // zarr-python writes no `dimension_names` for a 0-d array: it has none to name.
    let scalar = json
        .get("shape")
        .and_then(Value::as_array)
        .is_some_and(Vec::is_empty);
    let Some(dims) = dims.or_else(|| scalar.then(Vec::new)) else {
        return Err(IoError::MissingDims {
            store: ctx.store.clone(),
            array: name,
            expected: "`dimension_names` in `zarr.json`",
        });
    };
    let attrs = as_attrs(json.get("attributes").cloned());
    let meta: ArrayMetadataV3 = serde_json::from_value(json.clone())
        .map_err(|e| bad(format!("invalid `zarr.json`: {e}")))?;
    let chunks: Vec<u64> = match json
        .pointer("/chunk_grid/configuration/chunk_shape")
        .and_then(Value::as_array)
    {
        Some(c) if json.pointer("/chunk_grid/name").and_then(Value::as_str) == Some("regular") => {
            c.iter().filter_map(Value::as_u64).collect()
        }
        _ => return Err(bad("only the `regular` chunk grid is supported".into())),
    };
    let (fs, node) = array_node(&ctx.fs, &ctx.root, &name).map_err(&bad)?;
    let array = Array::new_with_metadata(fs, &node, ArrayMetadata::V3(meta))
        .map_err(|e| create_error(ctx, &name, &codec_names(json, 3), &e))?;
    let dtype = map_dtype(ctx, &name, array.data_type())?;
    let encoding = array_encoding(json, 3, dtype, &dims);
    // xarray ignores the Zarr fill value for masking in format 3 (it is in `encoding`).
    Ok(finish(
        name, dims, attrs, None, encoding, array, chunks, dtype,
    ))
}

#[allow(clippy::too_many_arguments)]
fn finish(
    name: String,
    dims: Vec<String>,
    attrs: Attrs,
    fill_value: Option<f64>,
    encoding: Attrs,
    array: Array<FilesystemStore>,
    chunks: Vec<u64>,
    dtype: DType,
) -> ArrayMeta {
    let source = ZarrSource::new(name.clone(), array, chunks, dtype).into_arc();
    ArrayMeta {
        name,
        dims,
        attrs,
        fill_value,
        encoding,
        source,
    }
}

fn create_error(ctx: &Ctx, name: &str, codecs: &[String], err: &ArrayCreateError) -> IoError {
    let message = err.to_string();
    match err {
        ArrayCreateError::DataTypeCreateError(_) => IoError::UnsupportedDtype {
            store: ctx.store.clone(),
            array: name.to_string(),
            dtype: message,
        },
        ArrayCreateError::CodecsCreateError(_) | ArrayCreateError::UnsupportedZarrV2Array(_) => {
            match codecs.iter().find(|c| message.contains(c.as_str())) {
                Some(codec) => IoError::UnsupportedCodec {
                    store: ctx.store.clone(),
                    array: name.to_string(),
                    codec: codec.clone(),
                    message,
                },
                None => IoError::BadArray {
                    store: ctx.store.clone(),
                    array: name.to_string(),
                    message,
                },
            }
        }
        _ => IoError::BadArray {
            store: ctx.store.clone(),
            array: name.to_string(),
            message,
        },
    }
}

fn map_dtype(ctx: &Ctx, name: &str, dt: &DataType) -> Result<DType, IoError> {
    let d = if dt.is::<BoolDataType>() {
        DType::Bool
    } else if dt.is::<Int8DataType>() {
        DType::I8
    } else if dt.is::<Int16DataType>() {
        DType::I16
    } else if dt.is::<Int32DataType>() {
        DType::I32
    } else if dt.is::<Int64DataType>() {
        DType::I64
    } else if dt.is::<UInt8DataType>() {
        DType::U8
    } else if dt.is::<UInt16DataType>() {
        DType::U16
    } else if dt.is::<UInt32DataType>() {
        DType::U32
    } else if dt.is::<UInt64DataType>() {
        DType::U64
    } else if dt.is::<Float32DataType>() {
        DType::F32
    } else if dt.is::<Float64DataType>() {
        DType::F64
    } else {
        return Err(IoError::UnsupportedDtype {
            store: ctx.store.clone(),
            array: name.to_string(),
            dtype: dt.to_string(),
        });
    };
    Ok(d)
}
