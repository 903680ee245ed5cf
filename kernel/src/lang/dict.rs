//! Dicts: insertion-ordered maps with Python semantics, their methods, and JSON attribute values.
#![allow(
    clippy::needless_pass_by_value,
    reason = "methods share the registry's `MethodFn` signature"
)]

use std::fmt::Write as _;
use std::sync::Arc;

use super::error::{Exc, ExcKind, Res};
use super::registry::{Args, Ctx};
use super::value::Value;
use serde_json::Value as Json;

/// How a dict shows itself: a plain dict, or one of xarray's read-only mappings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DictKind {
    /// `{'a': 1}`.
    Plain,
    /// `Frozen({'x': 3})`: `.sizes`, `.dims` of a dataset.
    Frozen,
    /// `ds.data_vars`: names to DataArrays, shown as xarray's "Data variables:" section.
    DataVars,
    /// `.coords`: names to DataArrays, shown as xarray's "Coordinates:" section.
    Coords,
}

impl DictKind {
    /// The Python type name of a dict of this kind.
    pub(crate) fn type_name(self) -> &'static str {
        match self {
            Self::Plain => "dict",
            Self::Frozen => "Frozen",
            Self::DataVars => "DataVariables",
            Self::Coords => "Coordinates",
        }
    }
}

/// An insertion-ordered map; keys compare with Python's `==` (so `1 == 1.0 == True`).
#[derive(Debug, Clone)]
pub(crate) struct Dict {
    pub(crate) kind: DictKind,
    pub(crate) items: Vec<(Value, Value)>,
    /// For a `.coords` mapping: its owner's dimensions, which order the repr's rows.
    pub(crate) owner_dims: Vec<String>,
}

/// Whether a value can be a dict key (Python: hashable).
fn check_hashable(k: &Value) -> Res<()> {
    match k {
        Value::List(_) | Value::Dict(_) | Value::DataArray(_) | Value::Dataset(_) => Err(
            Exc::type_error(format!("unhashable type: '{}'", k.type_name())),
        ),
        Value::Tuple(v) => v.iter().try_for_each(check_hashable),
        _ => Ok(()),
    }
}

impl Dict {
    /// A dict from pairs; later duplicates replace earlier values, as in a literal.
    pub(crate) fn from_pairs(kind: DictKind, pairs: Vec<(Value, Value)>) -> Res<Self> {
        let mut d = Self {
            kind,
            items: Vec::with_capacity(pairs.len()),
            owner_dims: Vec::new(),
        };
        for (k, v) in pairs {
            d.insert(k, v)?;
        }
        Ok(d)
    }

    /// Sets `d[k] = v`: a new key goes last, an existing one keeps its place.
    pub(crate) fn insert(&mut self, k: Value, v: Value) -> Res<()> {
        check_hashable(&k)?;
        match self.items.iter_mut().find(|(x, _)| x.py_eq(&k)) {
            Some(slot) => slot.1 = v,
            None => self.items.push((k, v)),
        }
        Ok(())
    }

    /// A dict keyed by strings (no hashing checks needed).
    pub(crate) fn from_named(
        kind: DictKind,
        pairs: impl IntoIterator<Item = (String, Value)>,
    ) -> Self {
        Self {
            kind,
            items: pairs.into_iter().map(|(k, v)| (Value::str(k), v)).collect(),
            owner_dims: Vec::new(),
        }
    }

    /// The value for `key`.
    pub(crate) fn get(&self, key: &Value) -> Option<&Value> {
        self.items
            .iter()
            .find(|(k, _)| k.py_eq(key))
            .map(|(_, v)| v)
    }

    /// `d[key]`, or KeyError suggesting the closest string key.
    pub(crate) fn index(&self, key: &Value) -> Res<Value> {
        check_hashable(key)?;
        self.get(key).cloned().ok_or_else(|| {
            let names = self.items.iter().filter_map(|(k, _)| match k {
                Value::Str(s) => Some(&**s),
                _ => None,
            });
            let hint = match key {
                Value::Str(s) => super::error::suggestion(s, names),
                _ => String::new(),
            };
            Exc::new(ExcKind::KeyError, format!("{}{hint}", key.repr()))
        })
    }

    /// The keys, in order.
    pub(crate) fn keys(&self) -> Vec<Value> {
        self.items.iter().map(|(k, _)| k.clone()).collect()
    }

    /// Python `==`.
    pub(crate) fn py_eq(&self, other: &Self) -> bool {
        self.items.len() == other.items.len()
            && self
                .items
                .iter()
                .all(|(k, v)| other.get(k).is_some_and(|w| w.py_eq(v)))
    }

    /// Python `repr()`.
    pub(crate) fn repr(&self) -> String {
        match self.kind {
            DictKind::DataVars | DictKind::Coords => super::repr_text::mapping(self),
            DictKind::Plain | DictKind::Frozen => {
                let mut s = String::from("{");
                for (i, (k, v)) in self.items.iter().enumerate() {
                    if i > 0 {
                        s.push_str(", ");
                    }
                    let _ = write!(s, "{}: {}", k.repr(), v.repr());
                }
                s.push('}');
                if self.kind == DictKind::Frozen {
                    format!("Frozen({s})")
                } else {
                    s
                }
            }
        }
    }
}

/// A JSON attribute value as a Python value (objects become dicts, arrays lists).
pub(crate) fn from_json(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::None,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => n
            .as_i64()
            .map(Value::Int)
            .or_else(|| n.as_f64().map(Value::Float))
            .unwrap_or(Value::None),
        serde_json::Value::String(s) => Value::str(s.as_str()),
        serde_json::Value::Array(a) => Value::List(Arc::new(a.iter().map(from_json).collect())),
        serde_json::Value::Object(o) => Value::Dict(Arc::new(Dict::from_named(
            DictKind::Plain,
            o.iter().map(|(k, v)| (k.clone(), from_json(v))),
        ))),
    }
}

/// A Python value as JSON (encodings, attributes): numbers, strings, lists, dicts; dtypes by
/// name. `what` names the destination in errors (`"to_zarr encoding"`).
pub(crate) fn to_json(v: &Value, what: &str) -> Res<Json> {
    Ok(match v {
        Value::None => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or_else(
            || {
                Json::from(if f.is_nan() {
                    "NaN"
                } else if *f > 0.0 {
                    "Infinity"
                } else {
                    "-Infinity"
                })
            },
            Json::Number,
        ),
        Value::Str(s) => Json::from(&**s),
        Value::DType(name) | Value::Type(name) => Json::from(*name),
        Value::List(items) | Value::Tuple(items) => {
            Json::Array(items.iter().map(|x| to_json(x, what)).collect::<Res<_>>()?)
        }
        Value::Dict(d) => Json::Object(
            d.items
                .iter()
                .map(|(k, v)| match k {
                    Value::Str(k) => Ok((k.to_string(), to_json(v, what)?)),
                    other => Err(Exc::type_error(format!(
                        "{what} keys must be strings, not {}",
                        other.type_name()
                    ))),
                })
                .collect::<Res<_>>()?,
        ),
        other => {
            return Err(Exc::type_error(format!(
                "{what} values must be numbers, strings, lists or dicts, not {}",
                other.type_name()
            )))
        }
    })
}

/// Attributes as a plain dict.
pub(crate) fn attrs_dict(attrs: &nereus_engine::model::Attrs) -> Value {
    Value::Dict(Arc::new(Dict::from_named(
        DictKind::Plain,
        attrs.iter().map(|(k, v)| (k.clone(), from_json(v))),
    )))
}

fn this(recv: &Value) -> Res<&Dict> {
    match recv {
        Value::Dict(d) => Ok(d),
        other => Err(Exc::type_error(format!(
            "descriptor requires a 'dict' object but received a '{}'",
            other.type_name()
        ))),
    }
}

/// `d.get(key, default=None)`.
pub(crate) fn get(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let (recv, args) = args.receiver();
    args.arity("get", 1, 2)?;
    let d = this(&recv)?;
    check_hashable(&args.pos[0])?;
    Ok(d.get(&args.pos[0])
        .cloned()
        .or_else(|| args.pos.get(1).cloned())
        .unwrap_or(Value::None))
}

/// `d.keys()`.
pub(crate) fn keys(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let (recv, args) = args.receiver();
    args.arity("keys", 0, 0)?;
    Ok(Value::List(Arc::new(this(&recv)?.keys())))
}

/// `d.values()`.
pub(crate) fn values(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let (recv, args) = args.receiver();
    args.arity("values", 0, 0)?;
    Ok(Value::List(Arc::new(
        this(&recv)?.items.iter().map(|(_, v)| v.clone()).collect(),
    )))
}

/// `d.items()`.
pub(crate) fn items(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let (recv, args) = args.receiver();
    args.arity("items", 0, 0)?;
    Ok(Value::List(Arc::new(
        this(&recv)?
            .items
            .iter()
            .map(|(k, v)| Value::Tuple(Arc::new(vec![k.clone(), v.clone()])))
            .collect(),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_compare_like_python_and_repeat_keys_replace() -> Res<()> {
        let d = Dict::from_pairs(
            DictKind::Plain,
            vec![
                (Value::Int(1), Value::str("a")),
                (Value::Float(1.0), Value::str("b")),
                (Value::str("x"), Value::Int(3)),
            ],
        )?;
        assert_eq!(d.repr(), "{1: 'b', 'x': 3}");
        assert!(d.get(&Value::Bool(true)).is_some());
        let e = d.index(&Value::str("y")).err();
        assert!(e.is_some_and(|e| e.kind == ExcKind::KeyError && e.msg == "'y'"));
        assert!(Dict::from_pairs(
            DictKind::Plain,
            vec![(Value::List(Arc::new(vec![])), Value::None)]
        )
        .is_err_and(|e| e.msg == "unhashable type: 'list'"));
        Ok(())
    }

    #[test]
    fn json_becomes_python_values() {
        let v: serde_json::Value = serde_json::json!({"l": [1, null, 1.5, true], "u": "m"});
        assert_eq!(
            from_json(&v).repr(),
            "{'l': [1, None, 1.5, True], 'u': 'm'}"
        );
    }
}
