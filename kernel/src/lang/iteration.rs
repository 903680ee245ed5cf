//! Builtins over iterables and callables: `enumerate`, `zip`, `map`, `filter`, `any`, `all`,
//! `reversed`, and the object queries `isinstance`, `hasattr`, `getattr`, `callable`.
#![allow(
    clippy::needless_pass_by_value,
    reason = "all builtins share the `Func` signature"
)]

use std::sync::Arc;

use super::error::{Exc, Res};
use super::functions::items;
use super::registry::{Args, Ctx};
use super::value::Value;
use super::xarray::truth;

fn list(v: Vec<Value>) -> Value {
    Value::List(Arc::new(v))
}

fn pair(a: Value, b: Value) -> Value {
    Value::Tuple(Arc::new(vec![a, b]))
}

/// `enumerate(iterable, start=0)`: the (index, item) pairs, as a list (cells consume them
/// at once).
pub(crate) fn enumerate(_: &mut Ctx<'_>, mut args: Args) -> Res<Value> {
    args.positional("enumerate", &["iterable", "start"])?;
    args.arity("enumerate", 1, 2)?;
    let start = match args.pos.get(1) {
        Some(v) => v.as_int().ok_or_else(|| {
            Exc::type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                v.type_name()
            ))
        })?,
        None => 0,
    };
    let out = items(&args.pos[0])?
        .into_iter()
        .zip(start..)
        .map(|(v, i)| pair(Value::Int(i), v))
        .collect();
    Ok(list(out))
}

/// `zip(*iterables, strict=False)`: tuples of the items at each position, up to the shortest.
pub(crate) fn zip(ctx: &mut Ctx<'_>, mut args: Args) -> Res<Value> {
    let strict = match args.take_kw("strict") {
        Some(v) => truth(ctx, &v)?,
        None => false,
    };
    let seqs: Vec<Vec<Value>> = args.pos.iter().map(items).collect::<Res<_>>()?;
    let n = seqs.iter().map(Vec::len).min().unwrap_or(0);
    if strict && seqs.iter().any(|s| s.len() != n) {
        return Err(Exc::value_error("zip() arguments have different lengths"));
    }
    let out = (0..n)
        .map(|i| Value::Tuple(Arc::new(seqs.iter().map(|s| s[i].clone()).collect())))
        .collect();
    Ok(list(out))
}

/// `map(function, *iterables)`: the function applied to the items at each position.
pub(crate) fn map(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    args.arity("map", 2, usize::MAX)?;
    let mut pos = args.pos.into_iter();
    let f = pos.next().unwrap_or(Value::None);
    let seqs: Vec<Vec<Value>> = pos.map(|s| items(&s)).collect::<Res<_>>()?;
    let n = seqs.iter().map(Vec::len).min().unwrap_or(0);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let call = Args {
            pos: seqs.iter().map(|s| s[i].clone()).collect(),
            ..Args::default()
        };
        out.push(ctx.call(&f, call)?);
    }
    Ok(list(out))
}

/// `filter(function, iterable)`: the items for which the function is true (`None`: the
/// items that are true themselves).
pub(crate) fn filter(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    args.arity("filter", 2, 2)?;
    let f = &args.pos[0];
    let mut out = Vec::new();
    for v in items(&args.pos[1])? {
        let keep = if matches!(f, Value::None) {
            v.clone()
        } else {
            ctx.call(
                f,
                Args {
                    pos: vec![v.clone()],
                    ..Args::default()
                },
            )?
        };
        if truth(ctx, &keep)? {
            out.push(v);
        }
    }
    Ok(list(out))
}

/// `any(iterable)` / `all(iterable)`, stopping at the first item that decides.
fn any_all(ctx: &mut Ctx<'_>, args: &Args, name: &str, want: bool) -> Res<Value> {
    args.arity(name, 1, 1)?;
    for v in items(&args.pos[0])? {
        if truth(ctx, &v)? == want {
            return Ok(Value::Bool(want));
        }
    }
    Ok(Value::Bool(!want))
}

pub(crate) fn any(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    any_all(ctx, &args, "any", true)
}

pub(crate) fn all(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    any_all(ctx, &args, "all", false)
}

/// `reversed(sequence)`.
pub(crate) fn reversed(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    args.arity("reversed", 1, 1)?;
    if matches!(args.pos[0], Value::Dataset(_)) {
        return Err(Exc::type_error("'Dataset' object is not reversible"));
    }
    let mut v = items(&args.pos[0])?;
    v.reverse();
    Ok(list(v))
}

/// The class name a type object stands for: `int`, `xr.DataArray`, `ValueError`.
fn class_name(t: &Value) -> Option<&'static str> {
    match t {
        Value::Type(name) => Some(name),
        Value::Builtin(b) if b.module.is_empty() || b.module == "xarray" => Some(b.name),
        _ => None,
    }
}

/// Whether a value of Python type `ty` is an instance of class `class`.
fn instance_of(ty: &str, class: &str) -> bool {
    ty == class
        || class == "object"
        || (class == "int" && ty == "bool")
        || super::error::ExcKind::from_name(ty)
            .zip(super::error::ExcKind::from_name(class))
            .is_some_and(|(t, c)| t.is_subclass(c))
}

/// `isinstance(obj, class_or_tuple)`.
pub(crate) fn isinstance(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    args.arity("isinstance", 2, 2)?;
    let ty = args.pos[0].type_name();
    let classes = match &args.pos[1] {
        Value::Tuple(items) => items.to_vec(),
        other => vec![other.clone()],
    };
    for c in &classes {
        let name = class_name(c).ok_or_else(|| {
            Exc::type_error("isinstance() arg 2 must be a type, a tuple of types, or a union")
        })?;
        if instance_of(ty, name) {
            return Ok(Value::Bool(true));
        }
    }
    Ok(Value::Bool(false))
}

/// `getattr(obj, name[, default])`.
pub(crate) fn getattr(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    args.arity("getattr", 2, 3)?;
    let Value::Str(name) = &args.pos[1] else {
        return Err(Exc::type_error("attribute name must be string"));
    };
    let found = match super::xarray::attribute(Some(ctx), &args.pos[0], name) {
        Some(r) => r,
        None => super::eval::attribute(&args.pos[0], name),
    };
    match (found, args.pos.get(2)) {
        (Err(e), Some(default)) if e.kind == super::error::ExcKind::AttributeError => {
            Ok(default.clone())
        }
        (r, _) => r,
    }
}

/// `hasattr(obj, name)`.
pub(crate) fn hasattr(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    args.arity("hasattr", 2, 2)?;
    let probe = Args {
        pos: vec![args.pos[0].clone(), args.pos[1].clone(), Value::Ellipsis],
        ..Args::default()
    };
    let v = getattr(ctx, probe)?;
    Ok(Value::Bool(!matches!(v, Value::Ellipsis)))
}

/// `callable(obj)`.
pub(crate) fn callable(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    args.arity("callable", 1, 1)?;
    Ok(Value::Bool(matches!(
        &args.pos[0],
        Value::Builtin(_) | Value::Method(..) | Value::Function(_) | Value::Type(_)
    )))
}
