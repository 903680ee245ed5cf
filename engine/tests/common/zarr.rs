//! Writes Zarr stores for the storage tests: metadata by hand, data through zarrs.

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use zarrs::array::{Array, ArrayMetadata, ArraySubset, Element};
use zarrs::filesystem::FilesystemStore;

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A fresh empty directory under the system temp dir.
pub fn temp_store(tag: &str) -> PathBuf {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("nereus-io-{}-{tag}-{n}.zarr", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

pub fn write(path: &Path, v: &Value) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, serde_json::to_string_pretty(v).expect("json")).expect("write");
}

/// Writes a format-2 array: `.zarray`, `.zattrs`, and the data through zarrs.
pub fn array_v2<T: Element>(root: &Path, name: &str, zarray: &Value, attrs: &Value, data: &[T]) {
    write(&root.join(name).join(".zarray"), zarray);
    write(&root.join(name).join(".zattrs"), attrs);
    let meta = serde_json::from_value(zarray.clone()).expect("v2 metadata");
    store_data(root, name, ArrayMetadata::V2(meta), data);
}

/// Writes a format-3 array: `zarr.json` and the data through zarrs.
pub fn array_v3<T: Element>(root: &Path, name: &str, meta: &Value, data: &[T]) {
    write(&root.join(name).join("zarr.json"), meta);
    let meta = serde_json::from_value(meta.clone()).expect("v3 metadata");
    store_data(root, name, ArrayMetadata::V3(meta), data);
}

pub fn store_data<T: Element>(root: &Path, name: &str, meta: ArrayMetadata, data: &[T]) {
    if data.is_empty() {
        return;
    }
    let store = Arc::new(FilesystemStore::new(root).expect("store"));
    let array = Array::new_with_metadata(store, &format!("/{name}"), meta).expect("array");
    let subset = ArraySubset::new_with_shape(array.shape().to_vec());
    array.store_array_subset(&subset, data).expect("store data");
}

pub fn zarray(
    dtype: &str,
    shape: &[u64],
    chunks: &[u64],
    fill: &Value,
    compressor: &Value,
) -> Value {
    json!({"zarr_format": 2, "shape": shape, "chunks": chunks, "dtype": dtype, "fill_value": fill,
           "order": "C", "filters": null, "compressor": compressor})
}

pub fn v3_meta(
    dtype: &str,
    shape: &[u64],
    chunks: &[u64],
    fill: &Value,
    codecs: &Value,
    dims: &[&str],
) -> Value {
    json!({"zarr_format": 3, "node_type": "array", "shape": shape, "data_type": dtype,
           "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": chunks}},
           "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
           "fill_value": fill, "codecs": codecs, "dimension_names": dims, "attributes": {"units": "K"}})
}
