//! Indexing and slicing of sequences, dicts, datasets and arrays: `seq[i]`, `seq[a:b:c]`, `d[k]`.

use super::super::error::{Exc, ExcKind, Res};
use super::super::value::Value;
use super::Arc;

/// Resolves a possibly negative index against a length.
fn resolve(i: i64, len: usize) -> Option<usize> {
    let len = i64::try_from(len).ok()?;
    let i = if i < 0 { i + len } else { i };
    usize::try_from(i)
        .ok()
        .filter(|&u| (u as u64) < len.unsigned_abs())
}

/// The indices a slice selects from a sequence of `len` items (CPython's adjustment rules).
fn adjust_slice(
    lo: Option<i64>,
    hi: Option<i64>,
    step: Option<i64>,
    len: usize,
) -> Res<(i64, i64, i64)> {
    let step = step.unwrap_or(1);
    if step == 0 {
        return Err(Exc::value_error("slice step cannot be zero"));
    }
    let n = i64::try_from(len).unwrap_or(i64::MAX);
    let adjust = |v: Option<i64>, default: i64| -> i64 {
        v.map_or(default, |v| {
            let v = if v < 0 { v.saturating_add(n) } else { v };
            if step > 0 {
                v.clamp(0, n)
            } else {
                v.clamp(-1, n - 1)
            }
        })
    };
    let (start, stop) = if step > 0 {
        (adjust(lo, 0), adjust(hi, n))
    } else {
        (adjust(lo, n - 1), adjust(hi, -1))
    };
    Ok((start, stop, step))
}

/// The positions a slice value (`[lo, hi, step]`) takes from a sequence of `len` items, with
/// its step, as CPython's `slice.indices` gives them.
pub(crate) fn slice_positions(p: &[Value; 3], len: usize) -> Res<(Vec<usize>, i64)> {
    let step = slice_bound(&p[2])?;
    let picks = slice_indices(slice_bound(&p[0])?, slice_bound(&p[1])?, step, len)?;
    Ok((picks, step.unwrap_or(1)))
}

/// Where `seq[lo:hi] = ...` (step 1) splices: the first position and the end, never before it.
pub(crate) fn splice_range(p: &[Value; 3], len: usize) -> Res<(usize, usize)> {
    let (start, stop, _) = adjust_slice(slice_bound(&p[0])?, slice_bound(&p[1])?, Some(1), len)?;
    let start = usize::try_from(start).unwrap_or(0);
    Ok((start, usize::try_from(stop).unwrap_or(0).max(start)))
}

fn slice_indices(
    lo: Option<i64>,
    hi: Option<i64>,
    step: Option<i64>,
    len: usize,
) -> Res<Vec<usize>> {
    let (start, stop, step) = adjust_slice(lo, hi, step, len)?;
    let mut out = Vec::new();
    let mut i = start;
    while (step > 0 && i < stop) || (step < 0 && i > stop) {
        out.push(usize::try_from(i).unwrap_or(0));
        i = i.saturating_add(step);
    }
    Ok(out)
}

fn slice_bound(v: &Value) -> Res<Option<i64>> {
    match v {
        Value::None => Ok(None),
        v => v.as_int().map(Some).ok_or_else(|| {
            Exc::type_error("slice indices must be integers or None or have an __index__ method")
        }),
    }
}

/// `seq[idx]`, where `idx` may be a slice value (`seq[lo:hi:step]`).
pub(crate) fn index(seq: &Value, idx: &Value) -> Res<Value> {
    match (seq, idx) {
        (Value::Dict(d), key) => return d.index(key),
        (Value::Dataset(ds), key) => return super::super::xarray::dataset_item(ds, key),
        (Value::DataArray(a), key) => return super::super::xarray::dataarray_item(a, key),
        (Value::NdArray(a), key) => return a.index(key),
        (Value::List(_) | Value::Tuple(_) | Value::Str(_) | Value::Range(..), Value::Slice(p)) => {
            return slice(
                seq,
                slice_bound(&p[0])?,
                slice_bound(&p[1])?,
                slice_bound(&p[2])?,
            );
        }
        _ => {}
    }
    let kind = match seq {
        Value::List(_) => "list",
        Value::Tuple(_) => "tuple",
        Value::Str(_) => "string",
        Value::Range(..) => "range object",
        other => {
            return Err(Exc::type_error(format!(
                "'{}' object is not subscriptable",
                other.type_name()
            )))
        }
    };
    let Some(i) = idx.as_int() else {
        let noun = if kind == "string" {
            "string"
        } else {
            seq.type_name()
        };
        return Err(Exc::type_error(format!(
            "{noun} indices must be integers or slices, not {}",
            idx.type_name()
        )));
    };
    let len = seq.len().unwrap_or(0);
    let at = resolve(i, len)
        .ok_or_else(|| Exc::new(ExcKind::IndexError, format!("{kind} index out of range")))?;
    Ok(match seq {
        Value::List(v) | Value::Tuple(v) => v.get(at).cloned().unwrap_or(Value::None),
        Value::Str(s) => Value::str(s.chars().nth(at).map(String::from).unwrap_or_default()),
        &Value::Range(start, _, step) => Value::Int(start + step * i64::try_from(at).unwrap_or(0)),
        _ => Value::None,
    })
}

/// `seq[lo:hi:step]`.
pub(crate) fn slice(
    seq: &Value,
    lo: Option<i64>,
    hi: Option<i64>,
    step: Option<i64>,
) -> Res<Value> {
    let len = seq.len().unwrap_or(0);
    if let &Value::Range(start, _, st) = seq {
        let (a, b, s) = adjust_slice(lo, hi, step, len)?;
        let at = |i: i64| start.saturating_add(st.saturating_mul(i));
        return Ok(Value::Range(at(a), at(b), s.saturating_mul(st)));
    }
    let picks = slice_indices(lo, hi, step, len)?;
    Ok(match seq {
        Value::List(v) => Value::List(Arc::new(
            picks.iter().filter_map(|&i| v.get(i).cloned()).collect(),
        )),
        Value::Tuple(v) => Value::Tuple(Arc::new(
            picks.iter().filter_map(|&i| v.get(i).cloned()).collect(),
        )),
        Value::Str(s) => {
            let chars: Vec<char> = s.chars().collect();
            Value::str(
                picks
                    .iter()
                    .filter_map(|&i| chars.get(i))
                    .collect::<String>(),
            )
        }
        other => {
            return Err(Exc::type_error(format!(
                "'{}' object is not subscriptable",
                other.type_name()
            )))
        }
    })
}
