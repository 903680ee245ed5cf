//! The structural ops of the oracle (`tests/oracle/structure.py`) replayed through the engine.

use super::Res;
use nereus_engine::coding::encoder::parse_dtype;
use nereus_engine::model::{DataArray, Dataset};
use nereus_engine::ops::combine::{concat, merge};
use nereus_engine::ops::{Indexer, Join};
use serde_json::Value;

/// The op kinds this module replays.
pub(crate) const KINDS: [&str; 9] = [
    "transpose",
    "rename",
    "expand_dims",
    "squeeze",
    "astype",
    "round",
    "clip",
    "concat",
    "merge",
];

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| x.as_str().map(str::to_owned))
        .collect()
}

/// `da` through the isel ops of one concat part.
fn part(da: &DataArray, ops: &Value) -> Res<DataArray> {
    let mut p = da.clone();
    for op in ops.as_array().ok_or("part")? {
        let idx = op["indexers"].as_object().ok_or("indexers")?;
        let pairs = idx
            .iter()
            .map(|(k, v)| {
                Ok((
                    k.clone(),
                    match v {
                        Value::Object(o) => {
                            let s = o.get("slice").and_then(Value::as_array).ok_or("slice")?;
                            Indexer::Slice {
                                start: s.first().and_then(Value::as_i64),
                                stop: s.get(1).and_then(Value::as_i64),
                                step: None,
                            }
                        }
                        v => Indexer::Int(v.as_i64().ok_or("int")?),
                    },
                ))
            })
            .collect::<Res<Vec<_>>>()?;
        p = p.isel(&pairs)?;
    }
    Ok(p)
}

fn as_dataset(da: &DataArray, name: &str) -> Dataset {
    Dataset {
        data_vars: [(name.to_owned(), da.variable.clone())]
            .into_iter()
            .collect(),
        coords: da.coords.clone(),
        attrs: nereus_engine::model::Attrs::new(),
        coords_first: false,
    }
}

/// Applies one structural op; `other` builds a merge's other operand from its spec.
pub(crate) fn apply(
    da: &DataArray,
    op: &Value,
    other: impl Fn(&Value) -> Res<DataArray>,
) -> Res<DataArray> {
    Ok(match op["op"].as_str().ok_or("op")? {
        "transpose" => da.transpose(&strings(&op["dims"]), false)?,
        "rename" => {
            let names = op["names"].as_object().ok_or("names")?;
            let pairs: Vec<(String, String)> = names
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect();
            da.rename(&pairs)?
        }
        "expand_dims" => {
            let dims: Vec<(String, usize)> = match &op["dims"] {
                Value::Object(o) => o
                    .iter()
                    .map(|(k, v)| (k.clone(), usize::try_from(v.as_u64().unwrap_or(1)).unwrap()))
                    .collect(),
                v => strings(v).into_iter().map(|d| (d, 1)).collect(),
            };
            da.expand_dims(&dims)?
        }
        "squeeze" => {
            let dims: Option<Vec<String>> = op["dim"].as_str().map(|d| vec![d.to_owned()]);
            da.squeeze(dims.as_deref())?
        }
        "astype" => da.astype(parse_dtype("x", &op["dtype"])?),
        "round" => da.round(op["decimals"].as_i64().ok_or("decimals")?),
        "clip" => {
            let float = [&op["min"], &op["max"]].iter().any(|v| v.is_f64());
            da.clip(op["min"].as_f64(), op["max"].as_f64(), float)
        }
        "concat" => {
            let parts = op["parts"]
                .as_array()
                .ok_or("parts")?
                .iter()
                .map(|p| part(da, p))
                .collect::<Res<Vec<_>>>()?;
            let join = match op["join"].as_str() {
                None => Join::Outer,
                Some(j) => Join::parse(j).ok_or("join")?,
            };
            concat(&parts, op["dim"].as_str().ok_or("dim")?, join)?
        }
        "merge" => {
            let o = other(&op["other"])?;
            let second = if op["conflict"].as_bool() == Some(true) {
                "a"
            } else {
                "b"
            };
            let merged = merge(&[as_dataset(da, "a"), as_dataset(&o, second)], Join::Outer)?;
            merged.get(op["take"].as_str().unwrap_or("a"))?
        }
        other => return Err(format!("unknown structural op {other}").into()),
    })
}
