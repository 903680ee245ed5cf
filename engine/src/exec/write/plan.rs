//! Planning a write, one variable at a time: where its values go (a new array, an existing
//! one, appended to or a region of it), how they are CF-encoded, and in which chunks.
//!
//! Nothing is written here; `write` creates the arrays and runs the chunks.

use super::error::{Mismatch, WriteError};
use crate::coding::{CfDecoder, CfEncoder, TimeScale};
use crate::exec::{compute, Context};
use crate::io::{ArrayMeta, ArraySpec, Compression};
use crate::model::{Attrs, Block, Data, Variable};
use crate::ops::arith::plan_of;
use crate::ops::Plan;
use serde_json::Value;
use std::ops::Range;
use std::sync::Arc;

/// Where a variable's values go.
#[derive(Debug)]
pub(super) enum Target {
    /// A new array (replacing any of that name).
    New(Box<ArraySpec>),
    /// An existing array, resized to `shape` when appending.
    Existing {
        /// The new shape, if it changes.
        shape: Option<Vec<u64>>,
    },
}

/// What [`encode`] gives: values, encoder, CF attributes, fill value, stored times.
type Encoded = (Arc<Plan>, CfEncoder, Attrs, Option<f64>, Option<Arc<Block>>);

/// One variable's write.
#[derive(Debug)]
pub(super) struct VarWrite {
    /// The array name.
    pub(super) name: String,
    /// The values, decoded (times already encoded: see [`VarWrite::encoder`]).
    pub(super) values: Arc<Plan>,
    /// Times, already in their stored form: written from this block as they are, since
    /// integer ticks far from the reference need more precision than the `f64` tiles hold.
    pub(super) stored: Option<Arc<Block>>,
    /// Decoded values to storage values.
    pub(super) encoder: CfEncoder,
    /// Where the values start in the array, per axis.
    pub(super) offset: Vec<u64>,
    /// The array.
    pub(super) target: Target,
}

/// The CF encoding of a variable: its values, encoder, CF attributes and fill value, and for
/// times the stored block. Times are encoded here, whole (they are small coordinates, and their
/// ticks need `i64` precision the `f64` tiles do not have); other values are encoded tile by
/// tile.
fn encode(
    name: &str,
    var: &Variable,
    encoding: &Attrs,
    ctx: &Context<'_>,
) -> Result<Encoded, WriteError> {
    if let Some(labels) = crate::model::Labels::of(var) {
        return Err(WriteError::BadArgument(format!(
            "variable `{name}` holds strings ({}), which Nereus does not write to Zarr yet",
            labels.dtype_name()
        )));
    }
    let Some(scale) = TimeScale::of(var) else {
        let cf = CfEncoder::encode_cf(name, var.dtype(), encoding, None)?;
        return Ok((plan_of(var), cf.encoder, cf.attrs, cf.fill_value, None));
    };
    let Block::I64(ticks) = compute(&plan_of(var), ctx)? else {
        return Err(WriteError::BadArgument(format!(
            "variable `{name}` has a calendar but its values are not datetimes"
        )));
    };
    let flat: Vec<i64> = ticks.iter().copied().collect();
    let cf = CfEncoder::encode_cf(name, var.dtype(), encoding, Some((scale, &flat)))?;
    let block = cf.encoder.encode_ticks(&ticks);
    // The values are stored values now: only the cast to the storage dtype remains.
    let cast = CfEncoder::cast(block.dtype());
    let block = Arc::new(block);
    let values = Plan::memory(Arc::clone(&block));
    Ok((values, cast, cf.attrs, cf.fill_value, Some(block)))
}

/// The encoding of a stored array, as `open_zarr` would report it (dtype, `_FillValue`,
/// packing, time units): what xarray reuses when it writes into an existing array.
fn stored_encoding(meta: &ArrayMeta) -> Result<Attrs, WriteError> {
    let storage = meta.source.dtype();
    let decoded = CfDecoder::decode_cf(&meta.name, &meta.attrs, storage, meta.fill_value)?;
    let mut enc = decoded.encoding;
    enc.insert("dtype".into(), Value::from(storage.name()));
    Ok(enc)
}

/// Chunk shape of a new array: `encoding["chunks"]` (asked for, or kept from the source),
/// else the values' chunks (the largest along each axis), else the whole array.
fn chunk_shape(var: &Variable, encoding: &Attrs) -> Vec<u64> {
    let shape = var.shape();
    let asked: Option<Vec<u64>> = encoding
        .get("chunks")
        .and_then(Value::as_array)
        .and_then(|c| c.iter().map(Value::as_u64).collect())
        .filter(|c: &Vec<u64>| c.len() == shape.len());
    let chunks: Vec<u64> = asked.unwrap_or_else(|| match &var.data {
        Data::Lazy(l) => l
            .chunks()
            .iter()
            .map(|sizes| sizes.iter().copied().max().unwrap_or(1) as u64)
            .collect(),
        Data::Memory(_) => shape.iter().map(|&n| n as u64).collect(),
    });
    chunks
        .iter()
        .zip(&shape)
        .map(|(&c, &n)| c.min(n as u64).max(1))
        .collect()
}

/// Compression from `encoding`: `compressors` (a list, or None for none) or `compressor`;
/// kept from a source only when it was stored in the same format.
fn compression(encoding: &Attrs, asked: bool, format: u8) -> Compression {
    let same_format =
        asked || encoding.get("zarr_format").and_then(Value::as_u64) == Some(u64::from(format));
    let value = encoding
        .get("compressors")
        .or_else(|| encoding.get("compressor"));
    match value {
        Some(_) if !same_format => Compression::Default,
        Some(Value::Null) => Compression::None,
        Some(Value::Array(list)) if list.is_empty() => Compression::None,
        Some(Value::Array(list)) if format == 2 => list
            .first()
            .cloned()
            .map_or(Compression::None, Compression::Codecs),
        Some(v) => Compression::Codecs(v.clone()),
        None => Compression::Default,
    }
}

/// Plans a new array for `var`: its encoding is the variable's own, overridden by `asked`.
pub(super) fn new_array(
    name: &str,
    var: &Variable,
    asked: Option<&Attrs>,
    attrs: Attrs,
    format: u8,
    ctx: &Context<'_>,
) -> Result<VarWrite, WriteError> {
    let mut encoding = var.encoding.clone();
    if let Some(a) = asked {
        encoding.extend(a.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    let (values, encoder, cf_attrs, fill_value, stored) = encode(name, var, &encoding, ctx)?;
    let mut all_attrs = attrs;
    all_attrs.extend(cf_attrs);
    let spec = ArraySpec {
        name: name.to_owned(),
        dims: var.dims.clone(),
        shape: var.shape().iter().map(|&n| n as u64).collect(),
        chunks: chunk_shape(var, &encoding),
        dtype: encoder.storage_dtype(),
        fill_value,
        zarr_fill: if format == 3 {
            encoding
                .get("fill_value")
                .and_then(|v| crate::coding::mask::fill_value_from_json(v, encoder.storage_dtype()))
        } else {
            None
        },
        compression: compression(&encoding, asked.is_some(), format),
        attrs: all_attrs,
    };
    Ok(VarWrite {
        name: name.to_owned(),
        offset: vec![0; var.dims.len()],
        values,
        stored,
        encoder,
        target: Target::New(Box::new(spec)),
    })
}

/// Plans writing `var` into the stored array `meta`: in place, appended along `append`, or
/// into `region` (dimension ranges, checked against the stored chunks).
pub(super) fn existing_array(
    var: &Variable,
    meta: &ArrayMeta,
    append: Option<&str>,
    region: &[(String, Range<usize>)],
    ctx: &Context<'_>,
) -> Result<VarWrite, WriteError> {
    let shape = var.shape();
    let stored = meta.source.shape();
    let chunks = meta.source.chunks();
    let mismatch = |hint| {
        WriteError::Mismatch(Box::new(Mismatch {
            name: meta.name.clone(),
            dims: var.dims.clone(),
            shape: shape.clone(),
            stored_dims: meta.dims.clone(),
            stored_shape: stored.to_vec(),
            hint,
        }))
    };
    if var.dims != meta.dims {
        return Err(mismatch(None));
    }
    let mut offset = vec![0u64; shape.len()];
    let mut new_shape = None;
    for (axis, dim) in var.dims.iter().enumerate() {
        let n = shape[axis] as u64;
        if append == Some(dim.as_str()) {
            offset[axis] = stored[axis];
            let mut grown = stored.to_vec();
            grown[axis] += n;
            new_shape = Some(grown);
        } else if let Some((_, r)) = region.iter().find(|(d, _)| d == dim) {
            let chunk = chunks[axis];
            let (start, stop) = (r.start as u64, r.end as u64);
            if stop > stored[axis] || stop - start != n {
                return Err(mismatch(Some(
                    "the region must lie inside the stored array and match the variable's size",
                )));
            }
            if start % chunk != 0 || (stop % chunk != 0 && stop != stored[axis]) {
                return Err(WriteError::UnalignedRegion {
                    name: meta.name.clone(),
                    dim: dim.clone(),
                    start: r.start,
                    stop: r.end,
                    chunk,
                });
            }
            offset[axis] = start;
        } else if n != stored[axis] {
            let hint = append.map(|_| "only the append dimension may differ");
            return Err(mismatch(hint));
        }
    }
    let encoding = stored_encoding(meta)?;
    let (values, encoder, _, _, stored) = encode(&meta.name, var, &encoding, ctx)?;
    Ok(VarWrite {
        name: meta.name.clone(),
        values,
        stored,
        encoder,
        offset,
        target: Target::Existing { shape: new_shape },
    })
}
