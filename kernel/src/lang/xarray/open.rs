//! `xr.open_zarr`: keyword arguments as Python gives them become the engine's open options and
//! `chunks`; opening itself (metadata only) is the engine's.

use std::path::PathBuf;
use std::sync::Arc;

use super::super::error::{Exc, Res};
use super::super::registry::{Args, Ctx};
use super::super::value::{str_repr, Value};
use super::convert::open_error;
use super::methods::truth;
use nereus_engine::ops::{open_zarr_chunked, ChunkSize, Chunks, OpenOptions};

fn flag(ctx: &Ctx<'_>, v: Option<Value>, default: bool) -> Res<bool> {
    v.map_or(Ok(default), |v| truth(ctx, &v))
}

/// One dimension's size in a `chunks` dict: an int (-1 for the whole dimension), or None or
/// "auto" for the storage chunks.
fn chunk_size(dim: &str, v: &Value) -> Res<ChunkSize> {
    match v {
        Value::None => Ok(ChunkSize::Storage),
        Value::Str(s) if &**s == "auto" => Ok(ChunkSize::Storage),
        Value::Int(n) => Ok(ChunkSize::from_int(*n)),
        other => Err(Exc::type_error(format!(
            "chunks for dimension '{dim}' must be an int, -1, None or \"auto\", not {}",
            other.type_name()
        ))),
    }
}

/// `chunks=` as xarray takes it: None, `{}` or "auto" keep the storage chunks (values stay
/// lazy either way; see [`Chunks`]), an int applies to every dimension, a dict per dimension.
/// Sizes and dimension names are checked by the engine against the store.
fn chunks_arg(v: Option<Value>) -> Res<Chunks> {
    match v {
        None | Some(Value::None) => Ok(Chunks::Storage),
        Some(Value::Str(s)) if &*s == "auto" => Ok(Chunks::Storage),
        Some(Value::Str(s)) => Err(Exc::value_error(format!(
            "chunks={} is not supported: give an int, -1, \"auto\", None or a dict of sizes by dimension",
            str_repr(&s)
        ))),
        Some(Value::Int(n)) => Ok(Chunks::All(ChunkSize::from_int(n))),
        Some(Value::Dict(d)) if d.items.is_empty() => Ok(Chunks::Storage),
        Some(Value::Dict(d)) => d
            .items
            .iter()
            .map(|(k, v)| match k {
                Value::Str(dim) => Ok((dim.to_string(), chunk_size(dim, v)?)),
                other => Err(Exc::type_error(format!(
                    "chunks keys must be dimension names, not {}",
                    other.type_name()
                ))),
            })
            .collect::<Res<Vec<_>>>()
            .map(Chunks::Dims),
        Some(other) => Err(Exc::type_error(format!(
            "chunks must be an int, \"auto\", None or a dict of sizes by dimension, not {}",
            other.type_name()
        ))),
    }
}

/// `xr.open_zarr(store, ...)`.
pub(crate) fn open_zarr(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let consolidated = p.take("consolidated");
    let decode_cf = flag(ctx, p.take("decode_cf"), true)?;
    let mask_and_scale = flag(ctx, p.take("mask_and_scale"), decode_cf)?;
    let decode_times = flag(ctx, p.take("decode_times"), decode_cf)?;
    let chunks = chunks_arg(p.take("chunks"))?;
    let path = store_path("open_zarr", p.take("store"))?;
    let consolidated = match consolidated {
        None | Some(Value::None) => None,
        Some(v) => Some(truth(ctx, &v)?),
    };
    let options = OpenOptions {
        consolidated,
        mask_and_scale,
        decode_times,
    };
    let ds = open_zarr_chunked(&path, options, &chunks).map_err(|e| open_error(&e, &path))?;
    Ok(Value::Dataset(Arc::new(ds)))
}

/// The `store` argument of `func` (`open_zarr`, `to_zarr`) as a path, with Python's errors for a
/// missing or non-string store.
pub(super) fn store_path(func: &str, store: Option<Value>) -> Res<PathBuf> {
    match store {
        Some(Value::Str(s)) => Ok(PathBuf::from(&*s)),
        Some(other) => Err(Exc::type_error(format!(
            "store must be a path string, not {}",
            other.type_name()
        ))),
        None => Err(Exc::type_error(format!(
            "{func}() missing 1 required positional argument: 'store'"
        ))),
    }
}
