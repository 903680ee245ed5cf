//! xarray is the oracle: replays the cases `tests/oracle/fixtures.py` computed with xarray on
//! stores written by zarr-python, and compares Nereus' answers (values, dims, dtype, errors).
//!
//! Run by `tests/test_engine_oracle.py`, which writes the fixtures and sets `NEREUS_ORACLE`.
#![allow(missing_docs, clippy::unwrap_used)]

use nereus_engine::coding::TimeScale;
use nereus_engine::exec::{CancelToken, Context, ExecConfig};
use nereus_engine::model::{Block, DataArray};
use nereus_engine::model::{Data, Dataset};
use nereus_engine::ops::{
    open_zarr_chunked, Boundary, ChunkSize, ChunkSpec, Chunks, Indexer, Label, LabelIndexer, MapOp,
    OpenOptions, Operand, ReduceOp,
};
use serde_json::Value;
use std::error::Error;
use std::path::Path;

#[path = "oracle/structure.rs"]
mod structure;

type Res<T> = Result<T, Box<dyn Error>>;

fn indexer(v: &Value) -> Res<Indexer> {
    Ok(match v {
        Value::Number(n) => Indexer::Int(n.as_i64().ok_or("int indexer")?),
        Value::Array(items) => Indexer::List(
            items
                .iter()
                .map(|i| i.as_i64().ok_or("int in list"))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(o) => {
            let s = o.get("slice").and_then(Value::as_array).ok_or("slice")?;
            Indexer::Slice {
                start: s.first().and_then(Value::as_i64),
                stop: s.get(1).and_then(Value::as_i64),
                step: s.get(2).and_then(Value::as_i64),
            }
        }
        _ => return Err(format!("bad indexer {v}").into()),
    })
}

/// A coarsen op's windows: `"windows": [[dim, window], ...]`, or one `"dim"` and `"window"`.
fn coarsen_windows(op: &Value) -> Res<Vec<(String, i64)>> {
    let Some(pairs) = op["windows"].as_array() else {
        let dim = op["dim"].as_str().ok_or("dim")?;
        return Ok(vec![(
            dim.to_owned(),
            op["window"].as_i64().ok_or("window")?,
        )]);
    };
    pairs
        .iter()
        .map(|p| {
            let dim = p[0].as_str().ok_or("window dim")?;
            Ok((dim.to_owned(), p[1].as_i64().ok_or("window size")?))
        })
        .collect()
}

fn label(v: &Value) -> Res<Label> {
    Ok(match v {
        Value::Number(n) => Label::Num(n.as_f64().ok_or("number")?),
        Value::String(s) => Label::Str(s.clone()),
        _ => return Err(format!("bad label {v}").into()),
    })
}

fn label_indexer(v: &Value) -> Res<LabelIndexer> {
    Ok(match v {
        Value::Array(items) => LabelIndexer::List(items.iter().map(label).collect::<Res<_>>()?),
        Value::Object(o) => {
            let s = o.get("slice").and_then(Value::as_array).ok_or("slice")?;
            let end = |i: usize| s.get(i).filter(|v| !v.is_null()).map(label).transpose();
            LabelIndexer::Slice(end(0)?, end(1)?)
        }
        other => LabelIndexer::Scalar(label(other)?),
    })
}

fn map_op(name: &str) -> Res<MapOp> {
    Ok(match name {
        "add" => MapOp::Add,
        "sub" => MapOp::Sub,
        "mul" => MapOp::Mul,
        "div" => MapOp::Div,
        "pow" => MapOp::Pow,
        "gt" => MapOp::Gt,
        "ge" => MapOp::Ge,
        "lt" => MapOp::Lt,
        "le" => MapOp::Le,
        "eq" => MapOp::Eq,
        "ne" => MapOp::Ne,
        "neg" => MapOp::Neg,
        "abs" => MapOp::Abs,
        "sqrt" => MapOp::Sqrt,
        "exp" => MapOp::Exp,
        "log" => MapOp::Log,
        "isnan" => MapOp::IsNan,
        "floor" => MapOp::Floor,
        "deg2rad" => MapOp::Deg2Rad,
        "cos" => MapOp::Cos,
        other => return Err(format!("unknown op {other}").into()),
    })
}

fn reduce_op(name: &str) -> Res<ReduceOp> {
    Ok(match name {
        "mean" => ReduceOp::Mean,
        "sum" => ReduceOp::Sum,
        "min" => ReduceOp::Min,
        "max" => ReduceOp::Max,
        "std" => ReduceOp::Std,
        "var" => ReduceOp::Var,
        "count" => ReduceOp::Count,
        other => return Err(format!("unknown reduction {other}").into()),
    })
}

/// One dimension's size in `chunks=`: an integer (-1 whole), or null/"auto" for storage.
fn chunk_size(v: &Value) -> Res<ChunkSize> {
    match v {
        Value::Null => Ok(ChunkSize::Storage),
        Value::String(s) if s == "auto" => Ok(ChunkSize::Storage),
        v => Ok(ChunkSize::from_int(v.as_i64().ok_or("chunk size")?)),
    }
}

/// The case's `open.chunks` as the engine takes it.
fn chunks(case: &Value) -> Res<Chunks> {
    Ok(match &case["open"]["chunks"] {
        Value::Object(dims) => Chunks::Dims(
            dims.iter()
                .map(|(d, v)| Ok((d.clone(), chunk_size(v)?)))
                .collect::<Res<_>>()?,
        ),
        Value::Null => Chunks::Storage,
        other => match chunk_size(other)? {
            ChunkSize::Storage => Chunks::Storage,
            size => Chunks::All(size),
        },
    })
}

/// Opens the case's variable and applies its ops.
fn build(case: &Value) -> Res<DataArray> {
    let store = case["store"].as_str().ok_or("store")?;
    let ds = open_zarr_chunked(Path::new(store), OpenOptions::default(), &chunks(case)?)?;
    let da = ds.get(case["var"].as_str().ok_or("var")?)?;
    apply_ops(&ds, da, &case["ops"])
}

/// `.chunk(...)`'s argument: a dict of dim -> int or list of lengths, or one int for all dims.
fn chunk_specs(da: &DataArray, v: &Value) -> Res<Vec<(String, ChunkSpec)>> {
    let one = |v: &Value| -> Res<ChunkSpec> {
        Ok(match v {
            Value::Array(sizes) => ChunkSpec::Sizes(
                sizes
                    .iter()
                    .map(|s| {
                        s.as_u64()
                            .and_then(|s| usize::try_from(s).ok())
                            .ok_or("size")
                    })
                    .collect::<Result<_, _>>()?,
            ),
            Value::Null => ChunkSpec::Keep,
            v => ChunkSpec::Size(v.as_i64().ok_or("chunk size")?),
        })
    };
    match v {
        Value::Object(dims) => dims.iter().map(|(d, v)| Ok((d.clone(), one(v)?))).collect(),
        v => {
            let s = one(v)?;
            Ok(da.dims().iter().map(|d| (d.clone(), s.clone())).collect())
        }
    }
}

/// A JSON list of dimension names, or `None` (null: every dimension).
fn dims_of(v: &Value) -> Option<Vec<String>> {
    v.as_array().map(|d| {
        d.iter()
            .filter_map(|x| x.as_str().map(str::to_owned))
            .collect()
    })
}

/// Applies a list of ops (the vocabulary of `tests/oracle/cases.py`).
fn apply_ops(ds: &Dataset, mut da: DataArray, ops: &Value) -> Res<DataArray> {
    for op in ops.as_array().ok_or("ops")? {
        da = match op["op"].as_str().ok_or("op")? {
            "isel" => {
                let idx = op["indexers"].as_object().ok_or("indexers")?;
                da.isel(
                    &idx.iter()
                        .map(|(k, v)| Ok((k.clone(), indexer(v)?)))
                        .collect::<Res<Vec<_>>>()?,
                )?
            }
            "sel" => {
                let idx = op["indexers"].as_object().ok_or("indexers")?;
                da.sel(
                    &idx.iter()
                        .map(|(k, v)| Ok((k.clone(), label_indexer(v)?)))
                        .collect::<Res<Vec<_>>>()?,
                    op["method"].as_str() == Some("nearest"),
                    None,
                )?
            }
            "reduce" => {
                let dims: Option<Vec<String>> = op["dim"].as_array().map(|d| {
                    d.iter()
                        .filter_map(|x| x.as_str().map(str::to_owned))
                        .collect()
                });
                da.reduce(
                    reduce_op(op["func"].as_str().ok_or("func")?)?,
                    dims.as_deref(),
                    op["skipna"].as_bool(),
                    u32::try_from(op["ddof"].as_u64().unwrap_or(0))?,
                )?
            }
            "binary" => {
                let func = map_op(op["func"].as_str().ok_or("func")?)?;
                let other = if let Some(x) = op["scalar"].as_f64() {
                    Operand::Scalar(x)
                } else {
                    let var = ds.get(op["other"]["var"].as_str().ok_or("other var")?)?;
                    let ops = op["other"]
                        .get("ops")
                        .cloned()
                        .unwrap_or(Value::Array(vec![]));
                    Operand::array(apply_ops(ds, var, &ops)?)
                };
                da.binary(func, &other)?
            }
            "unary" => da.unary(map_op(op["func"].as_str().ok_or("func")?)?)?,
            "where" => {
                let cond = da.binary(
                    map_op(op["cond"]["func"].as_str().ok_or("cond func")?)?,
                    &Operand::Scalar(op["cond"]["scalar"].as_f64().ok_or("cond scalar")?),
                )?;
                let other = op["other"].as_f64().map(Operand::Scalar);
                da.where_(&cond, other.as_ref())?
            }
            "fillna" => da.fillna(&Operand::Scalar(op["value"].as_f64().ok_or("value")?))?,
            "groupby" => da.groupby(op["key"].as_str().ok_or("key")?)?.reduce(
                reduce_op(op["func"].as_str().ok_or("func")?)?,
                None,
                0,
            )?,
            "anomaly" => {
                let gb = da.groupby(op["key"].as_str().ok_or("key")?)?;
                let clim = gb.reduce(reduce_op(op["clim"].as_str().unwrap_or("mean"))?, None, 0)?;
                gb.binary(map_op(op["func"].as_str().ok_or("func")?)?, &clim, false)?
            }
            "resample" => da
                .resample(
                    op["dim"].as_str().unwrap_or("time"),
                    op["freq"].as_str().ok_or("freq")?,
                )?
                .reduce(reduce_op(op["func"].as_str().ok_or("func")?)?, None, 0)?,
            "rolling" => da
                .rolling(
                    op["dim"].as_str().unwrap_or("time"),
                    op["window"].as_i64().ok_or("window")?,
                    op["center"].as_bool().unwrap_or(false),
                    op["min_periods"].as_i64(),
                )?
                .reduce(reduce_op(op["func"].as_str().ok_or("func")?)?)?,
            "coarsen" => da
                .coarsen(
                    &coarsen_windows(op)?,
                    Boundary::parse(op["boundary"].as_str().unwrap_or("exact"))?,
                    op["side"].as_str().unwrap_or("left"),
                )?
                .reduce(reduce_op(op["func"].as_str().ok_or("func")?)?)?,
            "weighted" => {
                let spec = &op["weights"];
                let var = ds.get(spec["var"].as_str().ok_or("weights var")?)?;
                let ops = spec.get("ops").cloned().unwrap_or(Value::Array(vec![]));
                let weights = compute(&apply_ops(ds, var, &ops)?, 1)?;
                let w = da.weighted(&weights)?;
                let dims = dims_of(&op["dim"]);
                let skipna = op["skipna"].as_bool();
                match op["func"].as_str() {
                    Some("mean") => w.mean(dims.as_deref(), skipna)?,
                    _ => w.sum(dims.as_deref(), skipna)?,
                }
            }
            "chunk" => da.chunk(&chunk_specs(&da, &op["chunks"])?)?,
            "cumsum" => da.cumsum(op["dim"].as_str().ok_or("dim")?, op["skipna"].as_bool())?,
            "arg" => da.arg_extreme(
                op["func"].as_str() == Some("argmax"),
                op["dim"].as_str().ok_or("dim")?,
                op["skipna"].as_bool(),
            )?,
            "median" => da.median(dims_of(&op["dim"]).as_deref(), op["skipna"].as_bool())?,
            "quantile" => {
                let (qs, list) = match &op["q"] {
                    Value::Array(q) => (q.iter().filter_map(Value::as_f64).collect(), true),
                    q => (vec![q.as_f64().ok_or("q")?], false),
                };
                let dims = dims_of(&op["dim"]);
                da.quantile(&qs, list, dims.as_deref(), "linear", op["skipna"].as_bool())?
            }
            kind if structure::KINDS.contains(&kind) => structure::apply(&da, op, |spec| {
                let var = ds.get(spec["var"].as_str().ok_or("other var")?)?;
                apply_ops(ds, var, spec.get("ops").unwrap_or(&Value::Array(vec![])))
            })?,
            other => return Err(format!("unknown op {other}").into()),
        };
    }
    Ok(da)
}

fn compute(da: &DataArray, threads: usize) -> Res<DataArray> {
    let cancel = CancelToken::new();
    let ctx = Context {
        config: ExecConfig {
            threads,
            ..ExecConfig::default()
        },
        progress: None,
        cancel: &cancel,
    };
    Ok(da.compute(&ctx)?)
}

fn block_of(da: &DataArray) -> Res<&Block> {
    match &da.variable.data {
        Data::Memory(b) => Ok(b),
        Data::Lazy(_) => Err("not computed".into()),
    }
}

fn read_f64(path: &str) -> Res<Vec<f64>> {
    let bytes = std::fs::read(path)?;
    Ok(bytes
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
        .collect())
}

/// Coordinate names, index labels and chunks, where the case records them (before computing:
/// they are what the lazy result reports).
fn check_labels(da: &DataArray, expect: &Value) -> Res<()> {
    if let Some(want) = expect.get("coords") {
        let mut got: Vec<&String> = da.coords.keys().collect();
        got.sort();
        let want: Vec<String> = serde_json::from_value(want.clone())?;
        if got != want.iter().collect::<Vec<_>>() {
            return Err(format!("coords {got:?}, xarray {want:?}").into());
        }
    }
    for (dim, want) in expect
        .get("labels")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let want: Vec<f64> = serde_json::from_value(want.clone())?;
        let got: Vec<f64> = match da.coords.get(dim).map(|c| &c.data) {
            Some(Data::Memory(b)) => b.to_f64().iter().copied().collect(),
            _ => return Err(format!("no index {dim:?} in memory").into()),
        };
        if got != want {
            return Err(format!("labels of {dim}: {got:?}, xarray {want:?}").into());
        }
    }
    if let Some(want) = expect.get("time_iso") {
        let time = da.coords.get("time").ok_or("no time coordinate")?;
        let scale = TimeScale::of(time).ok_or("time is not datetimes")?;
        let got: Vec<String> = match &time.data {
            Data::Memory(b) => match b.as_ref() {
                Block::I64(t) => t.iter().map(|&t| scale.format_iso(t)).collect(),
                _ => return Err("time labels are not int64 ticks".into()),
            },
            Data::Lazy(_) => return Err("time labels are not in memory".into()),
        };
        let want: Vec<String> = serde_json::from_value(want.clone())?;
        if got != want {
            return Err(format!("time labels {got:?}, xarray {want:?}").into());
        }
    }
    if let Some(want) = expect.get("chunks") {
        let got: Option<Vec<Vec<usize>>> = match &da.variable.data {
            Data::Lazy(l) => Some(l.chunks()),
            Data::Memory(_) => None,
        };
        let want: Option<Vec<Vec<usize>>> = serde_json::from_value(want.clone())?;
        if got != want {
            return Err(format!("chunks {got:?}, xarray {want:?}").into());
        }
    }
    Ok(())
}

/// Decoded times against xarray's: the dtype (`datetime64[ns]` or cftime's `object`), the
/// calendar of cftime objects, and every value to the nanosecond (datetime64) or microsecond
/// (cftime).
fn check_times(da: &DataArray, block: &Block, expect: &Value, want: &Value) -> Res<()> {
    let scale = TimeScale::of(&da.variable).ok_or("not a time variable")?;
    let dtype = expect["dtype"].as_str().ok_or("dtype")?;
    if scale.dtype_name() != dtype {
        return Err(format!("dtype {}, xarray {dtype}", scale.dtype_name()).into());
    }
    if let Some(cal) = expect.get("calendar").and_then(Value::as_str) {
        if dtype == "object" && cal != scale.calendar.name() {
            return Err(format!("calendar {}, xarray {cal}", scale.calendar).into());
        }
    }
    let Block::I64(ticks) = block else {
        return Err("time values are not int64 ticks".into());
    };
    let got: Vec<String> = ticks
        .iter()
        .map(|&t| match scale.datetime(t) {
            None => "NaT".to_owned(),
            // cftime holds microseconds: six digits, as numpy prints datetime64[us].
            Some(d) => d.numbered(scale.calendar).to_numpy(scale.unit),
        })
        .collect();
    let want: Vec<String> = serde_json::from_value(want.clone())?;
    if got != want {
        let first = got.iter().zip(&want).position(|(g, w)| g != w).unwrap_or(0);
        return Err(format!(
            "times differ first at {first}: {:?}, xarray {:?} (of {} values)",
            got.get(first),
            want.get(first),
            want.len()
        )
        .into());
    }
    Ok(())
}

/// Checks one case; `Err` says what differs.
fn check(case: &Value) -> Res<()> {
    let built = build(case);
    if let Some(want) = case.get("expect_error") {
        // Some errors only show when computing (an all-NaN slice).
        let built = built.and_then(|da| compute(&da, 2));
        let Err(e) = built else {
            return Err("expected an error, got a result".into());
        };
        let msg = e.to_string();
        for part in want["contains"].as_array().ok_or("contains")? {
            let part = part.as_str().ok_or("contains str")?;
            if !msg.contains(part) {
                return Err(format!("error {msg:?} lacks {part:?}").into());
            }
        }
        return Ok(());
    }
    let built = built?;
    let expect = &case["expect"];
    check_labels(&built, expect)?;
    let da = compute(&built, 2)?;
    let dims: Vec<String> = serde_json::from_value(expect["dims"].clone())?;
    if da.dims() != dims.as_slice() {
        return Err(format!("dims {:?}, xarray {dims:?}", da.dims()).into());
    }
    let shape: Vec<usize> = serde_json::from_value(expect["shape"].clone())?;
    if da.shape() != shape {
        return Err(format!("shape {:?}, xarray {shape:?}", da.shape()).into());
    }
    let block = block_of(&da)?;
    if let Some(want) = expect.get("times") {
        return check_times(&da, block, expect, want);
    }
    if let Some(iso) = expect.get("iso") {
        let scale = TimeScale::of(&da.variable).ok_or("not a time variable")?;
        let Block::I64(ticks) = block else {
            return Err("time values are not int64 ticks".into());
        };
        let got: Vec<String> = ticks.iter().map(|&t| scale.format_iso(t)).collect();
        let want: Vec<String> = serde_json::from_value(iso.clone())?;
        if got != want {
            return Err(format!("times {got:?}, xarray {want:?}").into());
        }
        return Ok(());
    }
    let dtype = expect["dtype"].as_str().ok_or("dtype")?;
    if da.dtype().name() != dtype {
        return Err(format!("dtype {}, xarray {dtype}", da.dtype()).into());
    }
    let want = read_f64(expect["values"].as_str().ok_or("values")?)?;
    let got: Vec<f64> = block.to_f64().iter().copied().collect();
    if got.len() != want.len() {
        return Err(format!("{} values, xarray {}", got.len(), want.len()).into());
    }
    let rtol = expect["rtol"].as_f64().unwrap_or(1e-6);
    let atol = expect["atol"].as_f64().unwrap_or(0.0);
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        let same = (g.is_nan() && w.is_nan()) || (g - w).abs() <= atol + rtol * w.abs();
        if !same {
            return Err(format!("value {i}: {g}, xarray {w}").into());
        }
    }
    // Determinism: the same bits whatever the thread count.
    if case["ops"].as_array().is_some_and(|ops| {
        ops.iter().any(|o| {
            [
                "reduce", "groupby", "anomaly", "resample", "coarsen", "weighted", "cumsum",
            ]
            .contains(&o["op"].as_str().unwrap_or(""))
        })
    }) {
        for threads in [1, 8] {
            let other: Vec<u64> = block_of(&compute(&build(case)?, threads)?)?
                .to_f64()
                .iter()
                .map(|x| x.to_bits())
                .collect();
            let base: Vec<u64> = got.iter().map(|x| x.to_bits()).collect();
            if other != base {
                return Err(format!("{threads} threads give different bits").into());
            }
        }
    }
    Ok(())
}

#[test]
#[ignore = "needs fixtures from tests/oracle/fixtures.py (run by tests/test_engine_oracle.py)"]
fn cases_match_xarray() -> Res<()> {
    let path = std::env::var("NEREUS_ORACLE").map_err(|_| "set NEREUS_ORACLE to cases.json")?;
    let cases: Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
    let cases = cases["cases"].as_array().ok_or("cases")?;
    let mut failed = Vec::new();
    for case in cases {
        let id = case["id"].as_str().unwrap_or("?");
        match check(case) {
            Ok(()) => println!("ok   {id}"),
            Err(e) => {
                println!("FAIL {id}: {e}");
                failed.push(id.to_owned());
            }
        }
    }
    println!(
        "oracle: {} passed, {} failed",
        cases.len() - failed.len(),
        failed.len()
    );
    assert!(failed.is_empty(), "cases differing from xarray: {failed:?}");
    assert!(!cases.is_empty(), "no cases");
    Ok(())
}
