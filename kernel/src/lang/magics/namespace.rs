//! The namespace magics `%who` and `%whos`: the user's variables, summarised from metadata.
//!
//! They never compute an array's values.

use std::fmt::Write as _;

use super::super::error::Res;
use super::super::value::Value;
use super::super::{Interpreter, Output, Stream};
use super::Call;
use nereus_engine::exec::CancelToken;
use nereus_engine::model::nbytes;
use nereus_engine::repr::dtype_name;

/// The user's variable names, sorted, optionally only of the given type names.
fn variables<'a>(interp: &'a Interpreter, types: &str) -> Vec<(&'a String, &'a Value)> {
    let types: Vec<&str> = types.split_whitespace().collect();
    let mut vars: Vec<_> = interp
        .ns
        .iter()
        .filter(|(k, v)| {
            !k.starts_with('_') && (types.is_empty() || types.contains(&v.type_name()))
        })
        .collect();
    vars.sort_by(|a, b| a.0.cmp(b.0));
    vars
}

#[allow(clippy::unnecessary_wraps, reason = "a MagicFn")]
pub(super) fn who(
    interp: &mut Interpreter,
    call: &Call<'_>,
    out: &mut dyn Output,
    _: &CancelToken,
) -> Res<Option<Value>> {
    let vars = variables(interp, call.args);
    let text = if vars.is_empty() {
        if call.args.is_empty() {
            "Interactive namespace is empty.\n".to_string()
        } else {
            "No variables match your requested type.\n".to_string()
        }
    } else {
        let names: Vec<&str> = vars.iter().map(|(k, _)| k.as_str()).collect();
        names.join("\t") + "\n"
    };
    out.stream(Stream::Stdout, &text);
    Ok(None)
}

/// `(time: 12, lat: 4)`.
fn dims_text<'a>(dims: impl Iterator<Item = (&'a str, usize)>) -> String {
    let parts: Vec<String> = dims.map(|(d, n)| format!("{d}: {n}")).collect();
    format!("({})", parts.join(", "))
}

/// The Data/Info column of `%whos`: a summary from metadata, never computing.
fn info(v: &Value) -> String {
    match v {
        Value::DataArray(a) => {
            let var = &a.variable;
            let state = if var.data.is_loaded() {
                "in memory"
            } else {
                "lazy"
            };
            format!(
                "{} shape {:?}, {}, {} elems, {}, {state}",
                dims_text(a.dims().iter().map(String::as_str).zip(var.shape())),
                var.shape(),
                dtype_name(var),
                var.size(),
                nbytes::xarray(var.nbytes() as u128),
            )
        }
        Value::Dataset(ds) => {
            let dims = ds.dims();
            let bytes: usize = ds
                .coords
                .values()
                .chain(ds.data_vars.values())
                .map(nereus_engine::model::Variable::nbytes)
                .sum();
            format!(
                "{} {} data vars, {} coords, {}",
                dims_text(dims.iter().map(|(d, n)| (d.as_str(), *n))),
                ds.data_vars.len(),
                ds.coords.len(),
                nbytes::xarray(bytes as u128)
            )
        }
        Value::NdArray(a) => {
            let shape = a.block.shape();
            let n: usize = shape.iter().product();
            format!(
                "shape {shape:?}, {}, {n} elems, {}",
                a.dtype_name(),
                nbytes::xarray((n * a.block.dtype().size()) as u128)
            )
        }
        other => {
            let repr = other.repr().replace('\n', " ");
            if repr.chars().count() > 50 {
                let head: String = repr.chars().take(25).collect();
                let tail: Vec<char> = repr.chars().rev().take(20).collect();
                let tail: String = tail.into_iter().rev().collect();
                format!("{head}<...>{tail}")
            } else {
                repr
            }
        }
    }
}

pub(super) fn whos(
    interp: &mut Interpreter,
    call: &Call<'_>,
    out: &mut dyn Output,
    _: &CancelToken,
) -> Res<Option<Value>> {
    let vars = variables(interp, call.args);
    if vars.is_empty() {
        return who(interp, call, out, &CancelToken::new());
    }
    let vw = vars
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0)
        .max(8)
        + 3;
    let tw = vars
        .iter()
        .map(|(_, v)| v.type_name().len())
        .max()
        .unwrap_or(0)
        .max(4)
        + 3;
    let mut text = format!("{:vw$}{:tw$}Data/Info\n", "Variable", "Type");
    text.push_str(&"-".repeat(vw + tw + 9));
    text.push('\n');
    for (name, v) in vars {
        let _ = writeln!(text, "{name:vw$}{:tw$}{}", v.type_name(), info(v));
    }
    out.stream(Stream::Stdout, &text);
    Ok(None)
}
