//! Methods that change a list or dict in place (`results.append(x)`, `d.update(...)`): the
//! changed copy is stored back where the receiver came from, as item assignment does.

use std::sync::Arc;

use super::super::ast::{Arg, Expr, ExprKind};
use super::super::dict::{Dict, DictKind};
use super::super::error::{Exc, ExcKind, Res};
use super::super::functions::items;
use super::super::registry::Args;
use super::super::value::Value;
use super::Machine;

/// List methods that change the list.
const LIST_MUTATORS: &[&str] = &[
    "append", "extend", "insert", "pop", "remove", "sort", "reverse", "clear",
];

/// Dict methods that change the dict.
const DICT_MUTATORS: &[&str] = &["update", "pop", "setdefault", "clear", "popitem"];

/// Whether `v.name(...)` changes `v`.
fn mutates(v: &Value, name: &str) -> bool {
    match v {
        Value::List(_) => LIST_MUTATORS.contains(&name),
        Value::Dict(d) => d.kind == DictKind::Plain && DICT_MUTATORS.contains(&name),
        _ => false,
    }
}

impl Machine<'_> {
    /// `base.name(args)`: a method call, storing the receiver back when the method changes it.
    pub(crate) fn call_method(&mut self, base: &Expr, name: &str, args: &[Arg]) -> Res<Value> {
        let recv = self.eval(base)?;
        if !mutates(&recv, name) {
            let f = self.attr_of(&recv, name)?;
            let args = self.eval_args(args)?;
            return self.call(&f, args);
        }
        let args = self.eval_args(args)?;
        let (changed, result) = match &recv {
            Value::List(items) => self.list_method(items.to_vec(), name, args)?,
            Value::Dict(d) => dict_method((**d).clone(), name, args)?,
            _ => return Err(Exc::type_error("not a container")),
        };
        if storable(base) {
            match &base.kind {
                ExprKind::Name(n) => self.rebind_root(n, changed, super::views::Store::Other)?,
                _ => self.store(base, false, |_, _| Ok(changed))?,
            }
        }
        Ok(result)
    }

    /// Runs list method `name` on `v`: the changed list and the method's result.
    fn list_method(
        &mut self,
        mut v: Vec<Value>,
        name: &str,
        mut args: Args,
    ) -> Res<(Value, Value)> {
        let func = format!("list.{name}");
        let mut result = Value::None;
        match name {
            "append" => {
                args.arity(&func, 1, 1)?;
                v.extend(args.pos);
            }
            "extend" => {
                args.arity(&func, 1, 1)?;
                v.extend(items(&args.pos[0])?);
            }
            "insert" => {
                args.arity(&func, 2, 2)?;
                let i = index_arg(&args.pos[0])?;
                let n = i64::try_from(v.len()).unwrap_or(i64::MAX);
                let at = if i < 0 { (i + n).max(0) } else { i.min(n) };
                let item = args.pos.pop().unwrap_or(Value::None);
                v.insert(usize::try_from(at).unwrap_or(0), item);
            }
            "pop" => {
                args.arity(&func, 0, 1)?;
                if v.is_empty() {
                    return Err(Exc::new(ExcKind::IndexError, "pop from empty list"));
                }
                let n = i64::try_from(v.len()).unwrap_or(i64::MAX);
                let i = args.pos.first().map_or(Ok(-1), index_arg)?;
                let at = if i < 0 { i + n } else { i };
                if at < 0 || at >= n {
                    return Err(Exc::new(ExcKind::IndexError, "pop index out of range"));
                }
                result = v.remove(usize::try_from(at).unwrap_or(0));
            }
            "remove" => {
                args.arity(&func, 1, 1)?;
                let at = v
                    .iter()
                    .position(|x| x.py_eq(&args.pos[0]))
                    .ok_or_else(|| Exc::value_error("list.remove(x): x not in list"))?;
                v.remove(at);
            }
            "sort" => {
                args.arity(&func, 0, 0)?;
                let key = args.take_kw("key");
                let reverse = args.take_kw("reverse");
                let mut kw = Vec::new();
                kw.extend(key.map(|k| ("key".to_owned(), k)));
                kw.extend(reverse.map(|r| ("reverse".to_owned(), r)));
                let sorted = super::super::builtins::builtin("sorted")
                    .ok_or_else(|| Exc::type_error("sorted is missing"))?;
                let sorted = self.call(
                    &Value::Builtin(sorted),
                    Args {
                        pos: vec![Value::List(Arc::new(v))],
                        kw,
                        callee: None,
                    },
                )?;
                return Ok((sorted, Value::None));
            }
            "reverse" => {
                args.arity(&func, 0, 0)?;
                v.reverse();
            }
            _ => {
                args.arity(&func, 0, 0)?;
                v.clear();
            }
        }
        Ok((Value::List(Arc::new(v)), result))
    }
}

/// Runs dict method `name` on `d`: the changed dict and the method's result.
fn dict_method(mut d: Dict, name: &str, args: Args) -> Res<(Value, Value)> {
    let func = format!("dict.{name}");
    let mut result = Value::None;
    match name {
        "update" => {
            args.arity(&func, 0, 1)?;
            if let Some(other) = args.pos.first() {
                let pairs = match other {
                    Value::Dict(o) => o.items.clone(),
                    seq => items(seq)?
                        .into_iter()
                        .map(|p| match items(&p)?.as_slice() {
                            [k, v] => Ok((k.clone(), v.clone())),
                            _ => Err(Exc::value_error(
                                "dictionary update sequence element has the wrong length; 2 is required",
                            )),
                        })
                        .collect::<Res<_>>()?,
                };
                for (k, v) in pairs {
                    d.insert(k, v)?;
                }
            }
            for (k, v) in args.kw {
                d.insert(Value::str(k), v)?;
            }
        }
        "pop" => {
            args.arity(&func, 1, 2)?;
            let key = &args.pos[0];
            match d.items.iter().position(|(k, _)| k.py_eq(key)) {
                Some(i) => result = d.items.remove(i).1,
                None => {
                    result = args
                        .pos
                        .get(1)
                        .cloned()
                        .ok_or_else(|| Exc::new(ExcKind::KeyError, key.repr()))?;
                }
            }
        }
        "setdefault" => {
            args.arity(&func, 1, 2)?;
            let key = args.pos[0].clone();
            result = if let Some(v) = d.get(&key) {
                v.clone()
            } else {
                let v = args.pos.get(1).cloned().unwrap_or(Value::None);
                d.insert(key, v.clone())?;
                v
            };
        }
        "popitem" => {
            args.arity(&func, 0, 0)?;
            let (k, v) = d
                .items
                .pop()
                .ok_or_else(|| Exc::new(ExcKind::KeyError, "'popitem(): dictionary is empty'"))?;
            result = Value::Tuple(Arc::new(vec![k, v]));
        }
        _ => {
            args.arity(&func, 0, 0)?;
            d.items.clear();
        }
    }
    Ok((Value::Dict(Arc::new(d)), result))
}

/// An integer index argument.
fn index_arg(v: &Value) -> Res<i64> {
    v.as_int().ok_or_else(|| {
        Exc::type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            v.type_name()
        ))
    })
}

/// Whether `e` names a place a value can be stored back to: a name, or an item or attribute
/// chain rooted at one. A temporary (`[1, 2].append(3)`) has nowhere to go, as in Python.
fn storable(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Name(_) => true,
        ExprKind::Attr(b, _) | ExprKind::Index(b, _) => storable(b),
        _ => false,
    }
}
