//! The implementations behind the registry's builtins and module functions.
//!
//! Every function has the registry's `Func` signature, so some take `Args` they only read.
#![allow(
    clippy::needless_pass_by_value,
    reason = "all builtins share the `Func` signature"
)]
#![allow(clippy::similar_names, reason = "p/q and n/nd follow the maths")]
#![allow(clippy::many_single_char_names, reason = "short names in numeric code")]

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::error::{Exc, ExcKind, Res};
use super::help::help_text;
use super::operators::order;
use super::registry::{Args, Ctx};
use super::value::{bundle, Value};
use super::xarray::truth;
use super::Stream;

/// Longest sequence a builtin will materialize from a range.
pub(crate) const MAX_ITEMS: usize = 1 << 26;

/// The items of an iterable value, materialized.
pub(crate) fn items(v: &Value) -> Res<Vec<Value>> {
    match v {
        Value::List(v) | Value::Tuple(v) => Ok(v.to_vec()),
        Value::Dict(d) => Ok(d.keys()),
        Value::Dataset(ds) => Ok(ds
            .data_vars
            .keys()
            .map(|k| Value::str(k.as_str()))
            .collect()),
        Value::Str(s) => Ok(s.chars().map(|c| Value::str(c.to_string())).collect()),
        Value::NdArray(a) => a.rows(),
        Value::GroupBy(_) | Value::DatasetOp(_) => {
            super::xarray::group_pairs(v).unwrap_or_else(|| {
                Err(Exc::type_error(format!(
                    "'{}' object is not iterable",
                    v.type_name()
                )))
            })
        }
        Value::DataArray(a) => {
            super::ndarray::row_count(&a.shape())?;
            let rows = a.rows().unwrap_or_default().into_iter();
            Ok(rows.map(|r| Value::DataArray(Arc::new(r))).collect())
        }
        &Value::Range(start, _, step) => {
            let n = v.len().unwrap_or(0);
            if n > MAX_ITEMS {
                return Err(Exc::new(
                    ExcKind::MemoryError,
                    format!("range of {n} items is too large to materialize"),
                ));
            }
            Ok((0..n)
                .map(|i| Value::Int(start + step * i64::try_from(i).unwrap_or(0)))
                .collect())
        }
        other => Err(Exc::type_error(format!(
            "'{}' object is not iterable",
            other.type_name()
        ))),
    }
}

fn opt_str(v: Option<Value>, what: &str, default: &str) -> Res<String> {
    match v {
        None | Some(Value::None) => Ok(default.to_string()),
        Some(Value::Str(s)) => Ok(s.to_string()),
        Some(other) => Err(Exc::type_error(format!(
            "{what} must be None or a string, not {}",
            other.type_name()
        ))),
    }
}

fn first(args: Args) -> Value {
    args.pos.into_iter().next().unwrap_or(Value::None)
}

pub(crate) fn print(ctx: &mut Ctx<'_>, mut args: Args) -> Res<Value> {
    let sep = opt_str(args.take_kw("sep"), "sep", " ")?;
    let end = opt_str(args.take_kw("end"), "end", "\n")?;
    let stream = match args.take_kw("file") {
        None | Some(Value::None) => Stream::Stdout,
        Some(Value::Stream(s)) => s,
        Some(other) => {
            return Err(Exc::type_error(format!(
                "print() file must be sys.stdout or sys.stderr in Nereus cells, not {}",
                other.type_name()
            )))
        }
    };
    let mut text = args
        .pos
        .iter()
        .map(Value::to_str)
        .collect::<Vec<_>>()
        .join(&sep);
    text.push_str(&end);
    if !text.is_empty() {
        ctx.out.stream(stream, &text);
    }
    Ok(Value::None)
}

fn display_id(v: Option<Value>) -> Res<Option<String>> {
    match v {
        None | Some(Value::None) => Ok(None),
        Some(Value::Str(s)) => Ok(Some(s.to_string())),
        Some(other) => Err(Exc::type_error(format!(
            "display_id must be a string, not {}",
            other.type_name()
        ))),
    }
}

pub(crate) fn display(ctx: &mut Ctx<'_>, mut args: Args) -> Res<Value> {
    let id = display_id(args.take_kw("display_id"))?;
    for v in &args.pos {
        ctx.out.display(bundle(v), id.as_deref(), false);
    }
    Ok(Value::None)
}

/// `IPython.display.display_html(*objs, raw=False)`: each object's HTML repr only (nothing
/// for objects without one); with raw=True the strings themselves are the HTML.
pub(crate) fn display_html(ctx: &mut Ctx<'_>, mut args: Args) -> Res<Value> {
    let raw = match args.take_kw("raw") {
        Some(v) => truth(ctx, &v)?,
        None => false,
    };
    if let Some(v) = args
        .take_kw("metadata")
        .filter(|v| !matches!(v, Value::None))
    {
        return Err(Exc::new(
            ExcKind::NotImplementedError,
            format!(
                "display_html(metadata={}) is not supported in Nereus",
                v.repr()
            ),
        ));
    }
    for v in &args.pos {
        let html = if raw {
            Some(serde_json::Value::from(v.to_str()))
        } else {
            bundle(v).remove("text/html")
        };
        if let Some(html) = html {
            let mut b = super::MimeBundle::new();
            b.insert("text/html".into(), html);
            ctx.out.display(b, None, false);
        }
    }
    Ok(Value::None)
}

pub(crate) fn update_display(ctx: &mut Ctx<'_>, mut args: Args) -> Res<Value> {
    args.positional("update_display", &["obj"])?;
    let id = display_id(args.take_kw("display_id"))?.ok_or_else(|| {
        Exc::type_error("update_display() missing required keyword argument: 'display_id'")
    })?;
    args.arity("update_display", 1, 1)?;
    ctx.out.display(bundle(&first(args)), Some(&id), true);
    Ok(Value::None)
}

pub(crate) fn clear_output(ctx: &mut Ctx<'_>, mut args: Args) -> Res<Value> {
    let wait = match args.take_kw("wait").or_else(|| args.pos.pop()) {
        Some(v) => truth(ctx, &v)?,
        None => false,
    };
    args.arity("clear_output", 0, 0)?;
    ctx.out.clear_output(wait);
    Ok(Value::None)
}

pub(crate) fn help(ctx: &mut Ctx<'_>, mut args: Args) -> Res<Value> {
    args.positional("help", &["request"])?;
    args.arity("help", 1, 1)?;
    let mut data = super::MimeBundle::new();
    data.insert("text/plain".into(), help_text(&first(args), 0).into());
    ctx.out.page(data);
    Ok(Value::None)
}

pub(crate) fn len(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    args.arity("len", 1, 1)?;
    let v = first(args);
    let n = v.len().ok_or_else(|| match v {
        Value::DataArray(_) | Value::NdArray(_) => Exc::type_error("len() of unsized object"),
        _ => Exc::type_error(format!("object of type '{}' has no len()", v.type_name())),
    })?;
    Ok(Value::Int(i64::try_from(n).map_err(|_| Exc::overflow())?))
}

fn as_index(v: &Value) -> Res<i64> {
    v.as_int().ok_or_else(|| {
        Exc::type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            v.type_name()
        ))
    })
}

pub(crate) fn range(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    args.arity("range", 1, 3)?;
    let n: Vec<i64> = args.pos.iter().map(as_index).collect::<Res<_>>()?;
    let (start, stop, step) = match n.as_slice() {
        [stop] => (0, *stop, 1),
        [start, stop] => (*start, *stop, 1),
        [start, stop, step] => (*start, *stop, *step),
        _ => (0, 0, 1),
    };
    if step == 0 {
        return Err(Exc::value_error("range() arg 3 must not be zero"));
    }
    Ok(Value::Range(start, stop, step))
}

pub(crate) fn str_(_: &mut Ctx<'_>, mut args: Args) -> Res<Value> {
    args.positional("str", &["object"])?;
    args.arity("str", 0, 1)?;
    Ok(Value::str(
        args.pos.first().map(Value::to_str).unwrap_or_default(),
    ))
}

pub(crate) fn repr(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    args.arity("repr", 1, 1)?;
    Ok(Value::str(first(args).repr()))
}

fn float_to_int(f: f64) -> Res<i64> {
    if f.is_nan() {
        return Err(Exc::value_error("cannot convert float NaN to integer"));
    }
    if f.is_infinite() {
        return Err(Exc::new(
            ExcKind::OverflowError,
            "cannot convert float infinity to integer",
        ));
    }
    let t = f.trunc();
    #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
    if t >= -(i64::MIN as f64) || t < i64::MIN as f64 {
        Err(Exc::overflow())
    } else {
        Ok(t as i64)
    }
}

pub(crate) fn int(ctx: &mut Ctx<'_>, mut args: Args) -> Res<Value> {
    if let Some(x) = args.pos.first_mut() {
        *x = super::xarray::scalar(ctx, x)?;
    }
    let base = args.take_kw("base");
    args.arity("int", 0, 2)?;
    let base = match (base, args.pos.get(1)) {
        (Some(b), _) => Some(as_index(&b)?),
        (None, Some(b)) => Some(as_index(b)?),
        _ => None,
    };
    let x = args.pos.into_iter().next().unwrap_or(Value::Int(0));
    match (&x, base) {
        (Value::Str(s), base) => {
            let base = base.unwrap_or(10);
            let bad = || {
                Exc::value_error(format!(
                    "invalid literal for int() with base {base}: {}",
                    x.repr()
                ))
            };
            let t = s.trim().replace('_', "");
            let (neg, t) = t
                .strip_prefix('-')
                .map_or((false, t.trim_start_matches('+')), |r| (true, r));
            let lower = t.to_ascii_lowercase();
            let (radix, digits) = match (base, lower.get(..2)) {
                (0 | 16, Some("0x")) => (16, &t[2..]),
                (0 | 8, Some("0o")) => (8, &t[2..]),
                (0 | 2, Some("0b")) => (2, &t[2..]),
                (0, _) => (10, t),
                (b @ 2..=36, _) => (u32::try_from(b).unwrap_or(10), t),
                _ => return Err(Exc::value_error("int() base must be >= 2 and <= 36, or 0")),
            };
            let v = i64::from_str_radix(digits, radix).map_err(|e| {
                if matches!(e.kind(), std::num::IntErrorKind::PosOverflow) {
                    Exc::overflow()
                } else {
                    bad()
                }
            })?;
            Ok(Value::Int(if neg { -v } else { v }))
        }
        (_, Some(_)) => Err(Exc::type_error(
            "int() can't convert non-string with explicit base",
        )),
        (Value::Float(f), None) => Ok(Value::Int(float_to_int(*f)?)),
        (v, None) if v.as_int().is_some() => Ok(Value::Int(v.as_int().unwrap_or(0))),
        (v, None) => Err(Exc::type_error(format!(
            "int() argument must be a string or a real number, not '{}'",
            v.type_name()
        ))),
    }
}

pub(crate) fn float(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    args.arity("float", 0, 1)?;
    let x = args.pos.into_iter().next().unwrap_or(Value::Float(0.0));
    let x = super::xarray::scalar(ctx, &x)?;
    if let Value::Str(s) = &x {
        let t = s.trim().replace('_', "");
        let lower = t.to_ascii_lowercase();
        let ok = !lower.is_empty()
            && (lower
                .chars()
                .all(|c| c.is_ascii_digit() || "+-.e".contains(c))
                || lower.trim_start_matches(['+', '-']).starts_with("inf")
                || lower.trim_start_matches(['+', '-']) == "nan");
        return t
            .parse::<f64>()
            .ok()
            .filter(|_| ok)
            .map(Value::Float)
            .ok_or_else(|| {
                Exc::value_error(format!("could not convert string to float: {}", x.repr()))
            });
    }
    x.as_f64().map(Value::Float).ok_or_else(|| {
        Exc::type_error(format!(
            "float() argument must be a string or a real number, not '{}'",
            x.type_name()
        ))
    })
}

pub(crate) fn bool_(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    args.arity("bool", 0, 1)?;
    match args.pos.first() {
        Some(v) => Ok(Value::Bool(truth(ctx, v)?)),
        None => Ok(Value::Bool(false)),
    }
}

pub(crate) fn list(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    args.arity("list", 0, 1)?;
    let v = args.pos.first().map(items).transpose()?.unwrap_or_default();
    Ok(Value::List(Arc::new(v)))
}

pub(crate) fn tuple(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    args.arity("tuple", 0, 1)?;
    let v = args.pos.first().map(items).transpose()?.unwrap_or_default();
    Ok(Value::Tuple(Arc::new(v)))
}

/// `dict(mapping_or_pairs=(), /, **kwargs)`: a plain dict, keywords last.
pub(crate) fn dict_(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    args.arity("dict", 0, 1)?;
    let mut pairs = Vec::new();
    match args.pos.first() {
        None => {}
        Some(Value::Dict(d)) => pairs.extend(d.items.iter().cloned()),
        Some(v) => {
            for (i, item) in items(v)?.into_iter().enumerate() {
                let kv = items(&item).map_err(|_| {
                    Exc::type_error(format!(
                        "cannot convert dictionary update sequence element #{i} to a sequence"
                    ))
                })?;
                let [k, v] = <[Value; 2]>::try_from(kv).map_err(|kv| {
                    Exc::value_error(format!(
                        "dictionary update sequence element #{i} has length {}; 2 is required",
                        kv.len()
                    ))
                })?;
                pairs.push((k, v));
            }
        }
    }
    pairs.extend(args.kw.into_iter().map(|(k, v)| (Value::str(k), v)));
    let d = super::dict::Dict::from_pairs(super::dict::DictKind::Plain, pairs)?;
    Ok(Value::Dict(Arc::new(d)))
}

pub(crate) fn abs(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    args.arity("abs", 1, 1)?;
    match first(args) {
        v @ (Value::DataArray(_) | Value::NdArray(_) | Value::Dataset(_)) => {
            super::xarray::abs_array(&v)
        }
        Value::Float(f) => Ok(Value::Float(f.abs())),
        v if v.as_int().is_some() => v
            .as_int()
            .and_then(i64::checked_abs)
            .map(Value::Int)
            .ok_or_else(Exc::overflow),
        v => Err(Exc::type_error(format!(
            "bad operand type for abs(): '{}'",
            v.type_name()
        ))),
    }
}

pub(crate) fn round(_: &mut Ctx<'_>, mut args: Args) -> Res<Value> {
    args.positional("round", &["number"])?;
    let kw = args.take_kw("ndigits");
    args.arity("round", 1, 2)?;
    let nd = match kw.or_else(|| args.pos.get(1).cloned()) {
        None | Some(Value::None) => None,
        Some(v) => Some(as_index(&v)?),
    };
    let x = args.pos.swap_remove(0);
    match (&x, nd) {
        (Value::Float(f), None) => Ok(Value::Int(float_to_int(f.round_ties_even())?)),
        (Value::Float(f), Some(_)) if !f.is_finite() => Ok(Value::Float(*f)),
        (Value::Float(f), Some(n)) if n >= 0 => {
            let digits = usize::try_from(n.min(330)).unwrap_or(330);
            Ok(Value::Float(format!("{f:.digits$}").parse().unwrap_or(*f)))
        }
        (Value::Float(f), Some(n)) => {
            let p = 10f64.powi(i32::try_from(-n).unwrap_or(400).min(400));
            Ok(Value::Float(if p.is_infinite() {
                0.0 * f
            } else {
                (f / p).round_ties_even() * p
            }))
        }
        (v, nd) if v.as_int().is_some() => {
            let i = v.as_int().unwrap_or(0);
            match nd {
                Some(n) if n < 0 => {
                    let p = u32::try_from(-n).ok().and_then(|e| 10i64.checked_pow(e));
                    let Some(p) = p else { return Ok(Value::Int(0)) };
                    let (q, r) = (i.div_euclid(p), i.rem_euclid(p));
                    let up = r * 2 > p || (r * 2 == p && q % 2 != 0);
                    Ok(Value::Int(
                        (q + i64::from(up))
                            .checked_mul(p)
                            .ok_or_else(Exc::overflow)?,
                    ))
                }
                _ => Ok(Value::Int(i)),
            }
        }
        (v, _) => Err(Exc::type_error(format!(
            "type {} doesn't define __round__ method",
            v.type_name()
        ))),
    }
}

/// Each value's sort key: `key(v)`, or the value itself without a key function.
fn keys_of(ctx: &mut Ctx<'_>, key: Option<&Value>, values: &[Value]) -> Res<Vec<Value>> {
    match key {
        None | Some(Value::None) => Ok(values.to_vec()),
        Some(f) => values
            .iter()
            .map(|v| {
                ctx.call(
                    f,
                    Args {
                        pos: vec![v.clone()],
                        ..Args::default()
                    },
                )
            })
            .collect(),
    }
}

fn extreme(ctx: &mut Ctx<'_>, name: &str, mut args: Args, want: std::cmp::Ordering) -> Res<Value> {
    let key = args.take_kw("key");
    let default = args.take_kw("default");
    args.arity(name, 1, usize::MAX)?;
    let candidates = if args.pos.len() == 1 {
        items(&args.pos[0])?
    } else {
        if default.is_some() {
            return Err(Exc::type_error(format!(
                "Cannot specify a default for {name}() with multiple positional arguments"
            )));
        }
        args.pos
    };
    let keys = keys_of(ctx, key.as_ref(), &candidates)?;
    let mut best: Option<usize> = None;
    for (i, k) in keys.iter().enumerate() {
        let better = match best {
            None => true,
            Some(b) => order(k, &keys[b], if want.is_lt() { "<" } else { ">" })? == want,
        };
        if better {
            best = Some(i);
        }
    }
    match best {
        Some(i) => Ok(candidates[i].clone()),
        None => {
            default.ok_or_else(|| Exc::value_error(format!("{name}() arg is an empty sequence")))
        }
    }
}

pub(crate) fn min(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    extreme(ctx, "min", args, std::cmp::Ordering::Less)
}

pub(crate) fn max(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    extreme(ctx, "max", args, std::cmp::Ordering::Greater)
}

pub(crate) fn sum(_: &mut Ctx<'_>, mut args: Args) -> Res<Value> {
    let start = args.take_kw("start");
    args.arity("sum", 1, 2)?;
    let mut acc = start
        .or_else(|| args.pos.get(1).cloned())
        .unwrap_or(Value::Int(0));
    if matches!(acc, Value::Str(_)) {
        return Err(Exc::type_error(
            "sum() can't sum strings [use ''.join(seq) instead]",
        ));
    }
    for v in items(&args.pos[0])? {
        acc = super::operators::binary(super::ast::BinOp::Add, &acc, &v)?;
    }
    Ok(acc)
}

pub(crate) fn sorted(ctx: &mut Ctx<'_>, mut args: Args) -> Res<Value> {
    let reverse = match args.take_kw("reverse") {
        Some(v) => truth(ctx, &v)?,
        None => false,
    };
    let key = args.take_kw("key");
    args.arity("sorted", 1, 1)?;
    let v = items(&args.pos[0])?;
    let keys = keys_of(ctx, key.as_ref(), &v)?;
    let mut idx: Vec<usize> = (0..v.len()).collect();
    let mut err = None;
    // Stable, also when reversed: Python sorts equal keys in their original order either way.
    idx.sort_by(|&a, &b| {
        let o = order(&keys[a], &keys[b], "<").unwrap_or_else(|e| {
            err.get_or_insert(e);
            std::cmp::Ordering::Equal
        });
        if reverse {
            o.reverse()
        } else {
            o
        }
    });
    if let Some(e) = err {
        return Err(e);
    }
    Ok(Value::List(Arc::new(
        idx.into_iter().map(|i| v[i].clone()).collect(),
    )))
}

pub(crate) fn type_(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    args.arity("type", 1, 1)?;
    Ok(Value::Type(first(args).type_name()))
}

pub(crate) fn sleep(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    args.arity("sleep", 1, 1)?;
    let v = first(args);
    let secs = v.as_f64().ok_or_else(|| {
        Exc::type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            v.type_name()
        ))
    })?;
    if secs.is_nan() {
        return Err(Exc::value_error("Invalid value NaN (not a number)"));
    }
    if secs < 0.0 {
        return Err(Exc::value_error("sleep length must be non-negative"));
    }
    let total = Duration::try_from_secs_f64(secs)
        .map_err(|_| Exc::new(ExcKind::OverflowError, "sleep length is too large"))?;
    let start = Instant::now();
    loop {
        ctx.cancel.check().map_err(|_| Exc::interrupted())?;
        let left = total.saturating_sub(start.elapsed());
        if left.is_zero() {
            return Ok(Value::None);
        }
        std::thread::sleep(left.min(Duration::from_millis(20)));
    }
}

pub(crate) fn time(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    args.arity("time", 0, 0)?;
    Ok(Value::Float(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64()),
    ))
}

pub(crate) fn perf_counter(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    args.arity("perf_counter", 0, 0)?;
    Ok(Value::Float(
        EPOCH.get_or_init(Instant::now).elapsed().as_secs_f64(),
    ))
}
