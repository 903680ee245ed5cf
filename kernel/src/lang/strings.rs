//! The methods of `str` that notebooks use: `format`, `join`, `split`, `strip`, `replace`,
//! case changes, `startswith`/`endswith`, `find`, `count`, padding.
#![allow(
    clippy::needless_pass_by_value,
    reason = "all builtins share the `Func` signature"
)]

use std::sync::Arc;

use super::error::{Exc, ExcKind, Res};
use super::format::format_value;
use super::functions::items;
use super::registry::{Args, Builtin, Class, Ctx};
use super::value::Value;

/// The receiver string and the arguments after it.
fn this(args: Args) -> (Arc<str>, Args) {
    let (recv, rest) = args.receiver();
    match recv {
        Value::Str(s) => (s, rest),
        other => (Arc::from(other.to_str()), rest),
    }
}

fn string_arg(v: &Value, func: &str) -> Res<Arc<str>> {
    match v {
        Value::Str(s) => Ok(Arc::clone(s)),
        other => Err(Exc::type_error(format!(
            "{func}() argument must be str, not {}",
            other.type_name()
        ))),
    }
}

/// An optional `chars`/`sep` argument: `None` when absent or None.
fn opt_string(args: &Args, i: usize, func: &str) -> Res<Option<Arc<str>>> {
    match args.pos.get(i) {
        None | Some(Value::None) => Ok(None),
        Some(v) => string_arg(v, func).map(Some),
    }
}

fn join(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let (sep, args) = this(args);
    args.arity("str.join", 1, 1)?;
    let mut parts = Vec::new();
    for (i, v) in items(&args.pos[0])?.iter().enumerate() {
        match v {
            Value::Str(s) => parts.push(s.to_string()),
            other => {
                return Err(Exc::type_error(format!(
                    "sequence item {i}: expected str instance, {} found",
                    other.type_name()
                )))
            }
        }
    }
    Ok(Value::str(parts.join(&sep)))
}

fn split(_: &mut Ctx<'_>, mut args: Args) -> Res<Value> {
    args.positional("str.split", &["self", "sep", "maxsplit"])?;
    let (s, args) = this(args);
    let sep = opt_string(&args, 0, "split")?;
    let max = match args.pos.get(1) {
        Some(v) => v
            .as_int()
            .ok_or_else(|| Exc::type_error("maxsplit must be an integer"))?,
        None => -1,
    };
    let limit = usize::try_from(max).ok().map(|m| m + 1);
    let parts: Vec<Value> = match (&sep, limit) {
        (Some(sep), _) if sep.is_empty() => return Err(Exc::value_error("empty separator")),
        (Some(sep), Some(n)) => s.splitn(n, &**sep).map(Value::str).collect(),
        (Some(sep), None) => s.split(&**sep).map(Value::str).collect(),
        (None, limit) => {
            let mut out: Vec<Value> = Vec::new();
            let mut rest = s.trim_start();
            while !rest.is_empty() {
                if limit.is_some_and(|n| out.len() + 1 == n) {
                    out.push(Value::str(rest.trim_end()));
                    break;
                }
                let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                out.push(Value::str(&rest[..end]));
                rest = rest[end..].trim_start();
            }
            out
        }
    };
    Ok(Value::List(Arc::new(parts)))
}

/// `strip`, `lstrip`, `rstrip`: whitespace, or any of `chars`.
fn strip_with(args: Args, name: &str, left: bool, right: bool) -> Res<Value> {
    let (s, args) = this(args);
    args.arity(name, 0, 1)?;
    let chars = opt_string(&args, 0, name)?;
    let is_strip = |c: char| match &chars {
        Some(set) => set.contains(c),
        None => c.is_whitespace(),
    };
    let mut t: &str = &s;
    if left {
        t = t.trim_start_matches(is_strip);
    }
    if right {
        t = t.trim_end_matches(is_strip);
    }
    Ok(Value::str(t))
}

fn strip(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    strip_with(args, "strip", true, true)
}

fn lstrip(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    strip_with(args, "lstrip", true, false)
}

fn rstrip(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    strip_with(args, "rstrip", false, true)
}

fn replace(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let (s, args) = this(args);
    args.arity("replace", 2, 3)?;
    let old = string_arg(&args.pos[0], "replace")?;
    let new = string_arg(&args.pos[1], "replace")?;
    let out = match args.pos.get(2).and_then(Value::as_int) {
        Some(n) if n >= 0 => s.replacen(&*old, &new, usize::try_from(n).unwrap_or(usize::MAX)),
        _ => s.replace(&*old, &new),
    };
    Ok(Value::str(out))
}

/// A method with no arguments mapping the string to another.
fn unary(args: Args, name: &str, f: impl Fn(&str) -> String) -> Res<Value> {
    let (s, args) = this(args);
    args.arity(name, 0, 0)?;
    Ok(Value::str(f(&s)))
}

fn upper(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    unary(args, "upper", str::to_uppercase)
}

fn lower(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    unary(args, "lower", str::to_lowercase)
}

fn capitalize(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    unary(args, "capitalize", |s| {
        let mut c = s.chars();
        c.next().map_or_else(String::new, |f| {
            f.to_uppercase().collect::<String>() + &c.as_str().to_lowercase()
        })
    })
}

fn title(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    unary(args, "title", |s| {
        let mut out = String::with_capacity(s.len());
        let mut prev_letter = false;
        for c in s.chars() {
            if prev_letter {
                out.extend(c.to_lowercase());
            } else {
                out.extend(c.to_uppercase());
            }
            prev_letter = c.is_alphabetic();
        }
        out
    })
}

/// `startswith` / `endswith` with a string or a tuple of strings.
fn affix(args: Args, name: &str, start: bool) -> Res<Value> {
    let (s, args) = this(args);
    args.arity(name, 1, 1)?;
    let options = match &args.pos[0] {
        Value::Tuple(t) => t.to_vec(),
        other => vec![other.clone()],
    };
    for o in &options {
        let Value::Str(p) = o else {
            return Err(Exc::type_error(format!(
                "{name} first arg must be str or a tuple of str, not {}",
                o.type_name()
            )));
        };
        if (start && s.starts_with(&**p)) || (!start && s.ends_with(&**p)) {
            return Ok(Value::Bool(true));
        }
    }
    Ok(Value::Bool(false))
}

fn startswith(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    affix(args, "startswith", true)
}

fn endswith(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    affix(args, "endswith", false)
}

fn find(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let (s, args) = this(args);
    args.arity("find", 1, 1)?;
    let sub = string_arg(&args.pos[0], "find")?;
    Ok(Value::Int(s.find(&*sub).map_or(-1, |b| {
        i64::try_from(s[..b].chars().count()).unwrap_or(i64::MAX)
    })))
}

fn count(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let (s, args) = this(args);
    args.arity("count", 1, 1)?;
    let sub = string_arg(&args.pos[0], "count")?;
    let n = if sub.is_empty() {
        s.chars().count() + 1
    } else {
        s.matches(&*sub).count()
    };
    Ok(Value::Int(i64::try_from(n).unwrap_or(i64::MAX)))
}

/// `center`, `ljust`, `rjust`, `zfill`: padded to a width.
fn pad(args: Args, name: &str, align: char) -> Res<Value> {
    let (s, args) = this(args);
    let max = if align == '0' { 1 } else { 2 };
    args.arity(name, 1, max)?;
    let width = args.pos[0]
        .as_int()
        .ok_or_else(|| Exc::type_error("width must be an integer"))?;
    let fill = match args.pos.get(1) {
        Some(Value::Str(f)) if f.chars().count() == 1 => f.chars().next().unwrap_or(' '),
        Some(_) => {
            return Err(Exc::type_error(
                "The fill character must be exactly one character long",
            ))
        }
        None => ' ',
    };
    let n = s.chars().count();
    let width = usize::try_from(width).unwrap_or(0);
    if width <= n {
        return Ok(Value::Str(s));
    }
    let extra = width - n;
    let rep = |k: usize, c: char| std::iter::repeat_n(c, k).collect::<String>();
    Ok(Value::str(match align {
        '<' => format!("{s}{}", rep(extra, fill)),
        '>' => format!("{}{s}", rep(extra, fill)),
        '0' => {
            let (sign, digits) = match s.chars().next() {
                Some(c @ ('-' | '+')) => (c.to_string(), &s[1..]),
                _ => (String::new(), &*s),
            };
            format!("{sign}{}{digits}", rep(extra, '0'))
        }
        // Python puts the odd character on the right unless the width is odd.
        _ => {
            let left = extra / 2 + (extra & width & 1);
            format!("{}{s}{}", rep(left, fill), rep(extra - left, fill))
        }
    }))
}

fn center(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    pad(args, "center", '^')
}

fn ljust(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    pad(args, "ljust", '<')
}

fn rjust(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    pad(args, "rjust", '>')
}

fn zfill(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    pad(args, "zfill", '0')
}

/// `template.format(*args, **kwargs)`: `{}`, `{0}`, `{name}`, `{x.attr}`, `{d[key]}`,
/// `!r`/`!s` and a format spec, with `{{`/`}}` escapes.
fn format(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let (template, args) = this(args);
    let mut out = String::new();
    let mut auto = 0usize;
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '}' => return Err(Exc::value_error("Single '}' encountered in format string")),
            '{' => {
                let mut field = String::new();
                let mut depth = 1;
                for c in chars.by_ref() {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        _ => {}
                    }
                    if depth == 0 {
                        break;
                    }
                    field.push(c);
                }
                if depth != 0 {
                    return Err(Exc::value_error("expected '}' before end of string"));
                }
                out.push_str(&format_field(ctx, &field, &args, &mut auto)?);
            }
            c => out.push(c),
        }
    }
    Ok(Value::str(out))
}

/// One `{field!conv:spec}` of `str.format`.
fn format_field(ctx: &mut Ctx<'_>, field: &str, args: &Args, auto: &mut usize) -> Res<String> {
    let (head, spec) = field.split_once(':').unwrap_or((field, ""));
    let (path, conv) = match head.split_once('!') {
        Some((p, c)) => (p, Some(c)),
        None => (head, None),
    };
    let end = path.find(['.', '[']).unwrap_or(path.len());
    let (first, mut rest) = path.split_at(end);
    let mut v = if first.is_empty() {
        let v = args.pos.get(*auto).cloned();
        *auto += 1;
        v.ok_or_else(|| {
            Exc::new(
                ExcKind::IndexError,
                format!(
                    "Replacement index {} out of range for positional args tuple",
                    *auto - 1
                ),
            )
        })?
    } else if let Ok(i) = first.parse::<usize>() {
        args.pos.get(i).cloned().ok_or_else(|| {
            Exc::new(
                ExcKind::IndexError,
                format!("Replacement index {i} out of range for positional args tuple"),
            )
        })?
    } else {
        args.kw
            .iter()
            .find(|(k, _)| k == first)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| Exc::new(ExcKind::KeyError, format!("'{first}'")))?
    };
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            let name = &r[..end];
            v = match super::xarray::attribute(Some(ctx), &v, name) {
                Some(r) => r?,
                None => super::eval::attribute(&v, name)?,
            };
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let close = r
                .find(']')
                .ok_or_else(|| Exc::value_error("Missing ']' in format string"))?;
            let key = &r[..close];
            let k = key
                .parse::<i64>()
                .map_or_else(|_| Value::str(key), Value::Int);
            v = super::operators::index(&v, &k)?;
            rest = &r[close + 1..];
        } else {
            return Err(Exc::value_error(
                "Only '.' or '[' may follow ']' in format field specifier",
            ));
        }
    }
    let v = match conv {
        None => v,
        Some("r" | "a") => Value::str(v.repr()),
        Some("s") => Value::str(v.to_str()),
        Some(c) => {
            return Err(Exc::value_error(format!(
                "Unknown conversion specifier {c}"
            )))
        }
    };
    format_value(&v, spec)
}

static STR_METHODS: &[Builtin] = &[
    method!("str", "capitalize", "capitalize()", capitalize, "The string with its first character upper-case and the rest lower-case."),
    method!("str", "center", "center(width, fillchar=' ', /)", center, "The string centred in `width` characters, padded with `fillchar`."),
    method!("str", "count", "count(sub, /)", count, "How many non-overlapping times `sub` occurs."),
    method!("str", "endswith", "endswith(suffix, /)", endswith, "Whether the string ends with `suffix` (or with any string of a tuple)."),
    method!("str", "find", "find(sub, /)", find, "The index of the first occurrence of `sub`, or -1."),
    method!("str", "format", "format(*args, **kwargs)", format, "The string with its {} fields replaced by the arguments: '{} has {:.2f} {units}'.format(name, x, units='m')."),
    method!("str", "join", "join(iterable, /)", join, "The strings of an iterable joined with this string between them: ', '.join(names)."),
    method!("str", "ljust", "ljust(width, fillchar=' ', /)", ljust, "The string left-aligned in `width` characters."),
    method!("str", "lower", "lower()", lower, "The string in lower case."),
    method!("str", "lstrip", "lstrip(chars=None, /)", lstrip, "The string without leading whitespace (or leading characters of `chars`)."),
    method!("str", "replace", "replace(old, new, count=-1, /)", replace, "The string with occurrences of `old` replaced by `new` (the first `count` only, if given)."),
    method!("str", "rjust", "rjust(width, fillchar=' ', /)", rjust, "The string right-aligned in `width` characters."),
    method!("str", "rstrip", "rstrip(chars=None, /)", rstrip, "The string without trailing whitespace (or trailing characters of `chars`)."),
    method!("str", "split", "split(sep=None, maxsplit=-1)", split, "The words of the string, split at runs of whitespace, or at each `sep`; at most `maxsplit` splits."),
    method!("str", "startswith", "startswith(prefix, /)", startswith, "Whether the string starts with `prefix` (or with any string of a tuple)."),
    method!("str", "strip", "strip(chars=None, /)", strip, "The string without leading and trailing whitespace (or characters of `chars`)."),
    method!("str", "title", "title()", title, "The string with each word capitalized."),
    method!("str", "upper", "upper()", upper, "The string in upper case."),
    method!("str", "zfill", "zfill(width, /)", zfill, "The string padded on the left with zeros to `width` characters (after any sign)."),
];

/// The `str` class.
pub(crate) static STR: Class = Class {
    name: "str",
    methods: STR_METHODS,
    properties: &[],
};
