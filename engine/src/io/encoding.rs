//! What an array's metadata says about its storage, as xarray's `.encoding` reports it:
//! chunks, dtype, zarr_format, compressors/filters (JSON), shards, fill values.

use crate::coding::mask::fill_value_from_json;
use crate::model::{Attrs, DType};
use serde_json::{json, Value};

/// The Zarr format-2 `fill_value` as a number (`None` for `null`).
pub(crate) fn fill_value_v2(zarray: &Value) -> Option<f64> {
    let dtype = zarray.get("dtype").and_then(Value::as_str).unwrap_or("");
    let as_float = if dtype.contains('f') {
        DType::F64
    } else {
        DType::I64
    };
    zarray
        .get("fill_value")
        .and_then(|v| fill_value_from_json(v, as_float))
}

/// The codec names/ids an array uses (including those inside `sharding_indexed`).
pub(crate) fn codec_names(meta: &Value, format: u8) -> Vec<String> {
    let mut names = Vec::new();
    if format == 2 {
        if let Some(id) = meta.pointer("/compressor/id").and_then(Value::as_str) {
            names.push(id.to_string());
        }
        for f in meta
            .get("filters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(id) = f.get("id").and_then(Value::as_str) {
                names.push(id.to_string());
            }
        }
    } else {
        collect_v3(meta.get("codecs"), &mut names);
    }
    names
}

fn collect_v3(codecs: Option<&Value>, names: &mut Vec<String>) {
    for c in codecs.and_then(Value::as_array).into_iter().flatten() {
        if let Some(n) = c.get("name").and_then(Value::as_str) {
            names.push(n.to_string());
        }
        collect_v3(c.pointer("/configuration/codecs"), names);
        collect_v3(c.pointer("/configuration/index_codecs"), names);
    }
}

/// Whether a format-3 codec maps arrays to arrays (a "filter" in xarray's terms).
fn is_array_to_array(name: &str) -> bool {
    matches!(
        name,
        "transpose" | "bitround" | "numcodecs.fixedscaleoffset" | "reshape" | "zarrs.squeeze"
    ) || name.starts_with("numcodecs.")
        && ["delta", "quantize", "astype"]
            .iter()
            .any(|f| name.ends_with(f))
}

/// Whether a format-3 codec maps arrays to bytes (the "serializer").
fn is_array_to_bytes(name: &str) -> bool {
    matches!(
        name,
        "bytes" | "sharding_indexed" | "vlen-utf8" | "vlen-bytes" | "packbits" | "zfp"
    )
}

/// xarray-like `.encoding` of one array.
pub(crate) fn array_encoding(meta: &Value, format: u8, dtype: DType, dims: &[String]) -> Attrs {
    let mut enc = Attrs::new();
    let empty = Vec::new();
    let (chunks, compressors, filters, serializer, shards);
    if format == 2 {
        chunks = meta.get("chunks").cloned().unwrap_or(Value::Null);
        compressors = meta
            .get("compressor")
            .filter(|c| !c.is_null())
            .map_or_else(Vec::new, |c| vec![c.clone()]);
        filters = meta
            .get("filters")
            .and_then(Value::as_array)
            .unwrap_or(&empty)
            .clone();
        serializer = None;
        shards = Value::Null;
    } else {
        let codecs = meta
            .get("codecs")
            .and_then(Value::as_array)
            .unwrap_or(&empty);
        let sharding = codecs
            .iter()
            .find(|c| c.get("name").and_then(Value::as_str) == Some("sharding_indexed"));
        let grid = meta
            .pointer("/chunk_grid/configuration/chunk_shape")
            .cloned()
            .unwrap_or(Value::Null);
        let inner: &Vec<Value> = if let Some(s) = sharding {
            chunks = s
                .pointer("/configuration/chunk_shape")
                .cloned()
                .unwrap_or(Value::Null);
            shards = grid;
            s.pointer("/configuration/codecs")
                .and_then(Value::as_array)
                .unwrap_or(&empty)
        } else {
            chunks = grid;
            shards = Value::Null;
            codecs
        };
        let name = |c: &Value| {
            c.get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        filters = inner
            .iter()
            .filter(|c| is_array_to_array(&name(c)))
            .cloned()
            .collect();
        compressors = inner
            .iter()
            .filter(|c| !is_array_to_array(&name(c)) && !is_array_to_bytes(&name(c)))
            .cloned()
            .collect();
        serializer = inner.iter().find(|c| is_array_to_bytes(&name(c))).cloned();
    }
    if let Value::Array(c) = &chunks {
        let preferred: serde_json::Map<String, Value> =
            dims.iter().cloned().zip(c.iter().cloned()).collect();
        enc.insert("preferred_chunks".into(), Value::Object(preferred));
    }
    enc.insert("chunks".into(), chunks);
    enc.insert("compressors".into(), Value::Array(compressors));
    enc.insert("filters".into(), Value::Array(filters));
    enc.insert("shards".into(), shards);
    if let Some(s) = serializer {
        enc.insert("serializer".into(), s);
    }
    if format == 3 {
        enc.insert(
            "fill_value".into(),
            meta.get("fill_value").cloned().unwrap_or(Value::Null),
        );
    }
    enc.insert("dtype".into(), json!(dtype.name()));
    enc.insert("zarr_format".into(), json!(format));
    enc
}
