//! `DataArray.chunk(...)` in the cell language: xarray's ways of giving chunks (a dict, keywords,
//! one size for every dimension, -1, None, "auto", explicit tuples) parsed into the engine's
//! [`ChunkSpec`]s. Argument parsing only: `ops::rechunk` says what a rechunk does.
#![allow(
    clippy::needless_pass_by_value,
    reason = "all methods share the registry's `Func` signature"
)]

use std::sync::Arc;

use super::super::error::{Exc, Res};
use super::super::registry::{Args, Builtin, Ctx};
use super::super::value::Value;
use super::methods::this_array;
use nereus_engine::ops::ChunkSpec;

/// One dimension's chunks: an int (-1: whole), None or "auto" (keep), or a tuple of lengths.
fn spec(v: &Value) -> Res<ChunkSpec> {
    let bad = || {
        Exc::type_error(format!(
            "chunk sizes must be integers, -1, None, 'auto' or tuples of integers, not {}",
            v.repr()
        ))
    };
    match v {
        Value::None => Ok(ChunkSpec::Keep),
        Value::Str(s) if &**s == "auto" => Ok(ChunkSpec::Keep),
        Value::Int(-1) => Ok(ChunkSpec::Whole),
        Value::Int(n) => Ok(ChunkSpec::Size(*n)),
        Value::Tuple(items) | Value::List(items) => items
            .iter()
            .map(|x| {
                x.as_int()
                    .and_then(|n| usize::try_from(n).ok())
                    .ok_or_else(bad)
            })
            .collect::<Res<Vec<usize>>>()
            .map(ChunkSpec::Sizes),
        _ => Err(bad()),
    }
}

/// `da.chunk(chunks={}, **chunks_kwargs)`.
fn chunk(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let recv = p.receiver();
    let a = this_array(&recv, "chunk")?;
    let given = p.take("chunks");
    let mut pairs: Vec<(String, ChunkSpec)> = Vec::new();
    match given {
        None => {}
        Some(Value::Dict(d)) => {
            for (k, v) in &d.items {
                let Value::Str(k) = k else {
                    return Err(Exc::type_error(format!(
                        "chunk() dimension names must be strings, not {}",
                        k.type_name()
                    )));
                };
                pairs.push((k.to_string(), spec(v)?));
            }
        }
        // One entry per dimension, in order.
        Some(Value::Tuple(items) | Value::List(items)) if items.len() == a.dims().len() => {
            for (d, v) in a.dims().iter().zip(items.iter()) {
                pairs.push((d.clone(), spec(v)?));
            }
        }
        Some(one) => {
            let s = spec(&one)?;
            pairs.extend(a.dims().iter().map(|d| (d.clone(), s.clone())));
        }
    }
    for (k, v) in p.extra() {
        pairs.push((k, spec(&v)?));
    }
    a.chunk(&pairs)
        .map(|c| Value::DataArray(Arc::new(c)))
        .map_err(Exc::from)
}

/// `DataArray.chunk`.
pub(crate) const CHUNK: Builtin = method!("DataArray", "chunk", "chunk(chunks={}, **chunks_kwargs)", chunk,
    "The same values split into other chunks, which computations then tile by (and `.chunks` reports): chunk({\"time\": 12}), chunk(time=12, lat=-1), chunk(100) for every dimension, chunk(lon=(50, 150)) for explicit lengths. -1 is the whole dimension; None, \"auto\" or an unnamed dimension keeps its chunks (dask's ~128 MiB \"auto\" sizes are not picked). Lazy and never a copy: each new chunk reads the region it covers, so memory stays within the budget; chunks that cut storage chunks read those more than once.");
