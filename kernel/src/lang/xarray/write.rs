//! `Dataset.to_zarr` / `DataArray.to_zarr`: xarray's keyword arguments become the engine's
//! [`ToZarr`] options; the write itself (chunk by chunk, with progress) is the engine's.
#![allow(
    clippy::needless_pass_by_value,
    reason = "all methods share the registry's `Func` signature"
)]

use std::ops::Range;

use super::super::dict::to_json;
use super::super::error::{Exc, ExcKind, Res};
use super::super::registry::{Args, Builtin, Ctx};
use super::super::value::Value;
use super::convert::{exec_error, run_reporting};
use super::methods::truth;
use super::open::store_path;
use nereus_engine::exec::{ToZarr, WriteError, WriteMode};
use nereus_engine::model::Attrs;
use serde_json::Value as Json;

/// The registry entry of `to_zarr` for `class` (`"DataArray"` or `"Dataset"`).
pub(crate) const fn to_zarr_method(class: &'static str) -> Builtin {
    method!(class, "to_zarr", "to_zarr(store, mode=None, *, append_dim=None, region=None, zarr_format=None, consolidated=None, encoding=None, compute=True)", to_zarr,
        "Writes to a Zarr store, chunk by chunk within the memory budget, with a progress bar; interruptible. mode: \"w-\" (default: fail if the store exists), \"w\" (overwrite), \"a\" (add or overwrite variables; with append_dim=\"time\", append along it), \"r+\" (existing arrays only). region={\"time\": slice(0, 12)} writes into existing arrays at chunk-aligned positions. zarr_format 2 or 3 (default 3, or the existing store's); consolidated metadata is written last unless consolidated=False. encoding={\"sst\": {\"chunks\": [12, 90, 180], \"dtype\": \"int16\", \"scale_factor\": 0.01, \"_FillValue\": -32768, \"compressors\": None}} sets how each variable is stored; times are written as CF numbers (\"days since ...\" and their calendar). A DataArray is written as a one-variable dataset (named __xarray_dataarray_variable__ if it has no name). Every chunk is written whole (temporary file, then rename): an interrupted write leaves no torn chunk.")
}

fn opt_str(name: &str, v: Option<Value>) -> Res<Option<String>> {
    match v {
        None | Some(Value::None) => Ok(None),
        Some(Value::Str(s)) => Ok(Some(s.to_string())),
        Some(other) => Err(Exc::type_error(format!(
            "{name} must be a string, not {}",
            other.type_name()
        ))),
    }
}

/// `region={"time": slice(0, 12)}`: integer slices without step per dimension.
fn region_arg(v: Option<Value>) -> Res<Vec<(String, Range<usize>)>> {
    let items = match v {
        None | Some(Value::None) => return Ok(Vec::new()),
        Some(Value::Dict(d)) => d.items.clone(),
        Some(Value::Str(s)) if &*s == "auto" => {
            return Err(Exc::new(
                ExcKind::NotImplementedError,
                "region=\"auto\" is not supported yet: give a dict of integer slices",
            ))
        }
        Some(other) => {
            return Err(Exc::type_error(format!(
                "region must be a dict of dimension -> slice, not {}",
                other.type_name()
            )))
        }
    };
    items
        .iter()
        .map(|(k, v)| {
            let Value::Str(dim) = k else {
                return Err(Exc::type_error("region keys must be dimension names"));
            };
            let Value::Slice(p) = v else {
                return Err(Exc::type_error(format!(
                    "region[{dim:?}] must be a slice, not {}",
                    v.type_name()
                )));
            };
            let bound = |x: &Value, default: usize| match x {
                Value::None => Ok(default),
                Value::Int(i) => usize::try_from(*i).map_err(|_| {
                    Exc::value_error(format!("region[{dim:?}] bounds must not be negative"))
                }),
                other => Err(Exc::type_error(format!(
                    "region[{dim:?}] bounds must be integers, not {}",
                    other.type_name()
                ))),
            };
            if !matches!(p[2], Value::None | Value::Int(1)) {
                return Err(Exc::value_error(format!(
                    "region[{dim:?}] must have step 1 or None"
                )));
            }
            Ok((dim.to_string(), bound(&p[0], 0)?..bound(&p[1], usize::MAX)?))
        })
        .collect()
}

/// `encoding={"var": {...}}`.
fn encoding_arg(v: Option<Value>) -> Res<indexmap::IndexMap<String, Attrs>> {
    let json = match v {
        None | Some(Value::None) => return Ok(indexmap::IndexMap::new()),
        Some(v) => to_json(&v, "to_zarr encoding")?,
    };
    let Json::Object(vars) = json else {
        return Err(Exc::type_error(
            "encoding must be a dict of variable -> dict",
        ));
    };
    vars.into_iter()
        .map(|(name, e)| match e {
            Json::Object(m) => Ok((name, m.into_iter().collect())),
            _ => Err(Exc::type_error(format!(
                "encoding[{name:?}] must be a dict such as {{\"dtype\": \"float32\"}}"
            ))),
        })
        .collect()
}

fn write_error(e: WriteError) -> Exc {
    match e {
        WriteError::Interrupted(report) => Exc::new(
            ExcKind::KeyboardInterrupt,
            format!("to_zarr interrupted: {report}"),
        ),
        WriteError::Exec(e) => exec_error(&e),
        WriteError::Io(io) => Exc::new(ExcKind::OSError, io.to_string()),
        e @ (WriteError::StoreExists { .. }
        | WriteError::NotAStore { .. }
        | WriteError::Busy { .. }) => Exc::new(ExcKind::OSError, e.to_string()),
        WriteError::NoStore { .. } => Exc::new(ExcKind::FileNotFoundError, e.to_string()),
        other => Exc::value_error(other.to_string()),
    }
}

/// `ds.to_zarr(store, ...)` and `da.to_zarr(store, ...)`.
pub(crate) fn to_zarr(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let recv = p.receiver();
    let mode = opt_str("mode", p.take("mode"))?;
    let append_dim = opt_str("append_dim", p.take("append_dim"))?;
    let region = region_arg(p.take("region"))?;
    let zarr_format = match p.take("zarr_format") {
        None | Some(Value::None) => None,
        Some(Value::Int(f)) => Some(u8::try_from(f).unwrap_or(0)),
        Some(other) => {
            return Err(Exc::type_error(format!(
                "zarr_format must be 2, 3 or None, not {}",
                other.type_name()
            )))
        }
    };
    let consolidated = match p.take("consolidated") {
        None | Some(Value::None) => true,
        Some(v) => truth(ctx, &v)?,
    };
    let encoding = encoding_arg(p.take("encoding"))?;
    if let Some(c) = p.take("compute") {
        if !truth(ctx, &c)? {
            return Err(Exc::new(
                ExcKind::NotImplementedError,
                "to_zarr(compute=False) is not supported: Nereus writes metadata and values together",
            ));
        }
    }
    let path = store_path("to_zarr", p.take("store"))?;
    let mode = match mode.as_deref() {
        None if append_dim.is_some() => WriteMode::Append,
        None if !region.is_empty() => WriteMode::Modify,
        None | Some("w-") => WriteMode::Create,
        Some("w") => WriteMode::Overwrite,
        Some("a") => WriteMode::Append,
        Some("r+") => WriteMode::Modify,
        Some(other) => {
            return Err(Exc::value_error(format!(
                "mode must be \"w\", \"w-\", \"a\" or \"r+\", not {other:?}"
            )))
        }
    };
    let options = ToZarr {
        mode,
        append_dim,
        region,
        zarr_format,
        consolidated,
        encoding,
    };
    let dataset;
    let ds = match &recv {
        Value::Dataset(ds) => ds.as_ref(),
        Value::DataArray(a) => {
            dataset = a.to_dataset();
            &dataset
        }
        other => {
            return Err(Exc::type_error(format!(
                "to_zarr() needs a Dataset or DataArray, not {}",
                other.type_name()
            )))
        }
    };
    run_reporting(ctx, |c| ds.to_zarr(&path, &options, c))
        .map(|_| Value::None)
        .map_err(write_error)
}
