//! Assignment to items and attributes: `ds["anom"] = ...`, `d[k] += 1`,
//! `ds["sst"].attrs["units"] = "K"`.
//!
//! Values are immutable and shared, so a store is copy-on-write: the chain of objects from the
//! root name to the target is read once, the innermost one is copied with the change, each
//! outer one is copied with its changed part, and the root name is rebound. The difference from
//! Python: another name bound to the same object (`d2 = d`, or a loop variable taken from a
//! list) keeps the old value.

use std::sync::Arc;

use super::super::ast::{BinOp, Expr, ExprKind, Target};
use super::super::dict::DictKind;
use super::super::error::{Exc, ExcKind, Res};
use super::super::value::Value;
use super::super::{operators, xarray};
use super::views::Store;
use super::{items, Machine};

/// One step from an object to a part of it.
enum Step {
    Attr(String),
    Item(Value),
    /// `.coords[key]` of a Dataset or DataArray, which changes the object's coordinates.
    Coord(Value),
}

/// How a store along `steps` changes its root: inside a part (`ds.air.attrs[k] = v`
/// changes inside `air`), or as a top-level item set (`ds["air"] = x`, `ds.coords[k] = c`).
fn how(steps: &[Step]) -> Store<'_> {
    match steps {
        [Step::Attr(n), _, ..] => Store::Inside(n),
        [Step::Item(Value::Str(n)), _, ..] => Store::Inside(n),
        [Step::Item(_) | Step::Coord(_)] => Store::Update,
        _ => Store::Other,
    }
}

impl Machine<'_> {
    /// `target op= value`: reads the target, applies `op`, and stores the result.
    pub(crate) fn aug_assign(&mut self, target: &Target, op: BinOp, value: &Expr) -> Res<()> {
        match target {
            Target::Name(n) => {
                let current = self.lookup_name(n)?;
                let rhs = self.eval(value)?;
                let v = operators::binary(op, &current, &rhs)?;
                // `da += 1` changes a shared variable in place, as xarray's does.
                self.set_name(n, v.clone());
                self.share_change(&current, &v, Store::Other);
                Ok(())
            }
            Target::Store(e) => self.store(e, true, |m, current| {
                let rhs = m.eval(value)?;
                let current = current.ok_or_else(|| Exc::syntax("nothing to update", e.pos))?;
                operators::binary(op, &current, &rhs)
            }),
            Target::Tuple(_) => Err(Exc::syntax(
                "'tuple' is an illegal expression for augmented assignment",
                super::super::error::Pos::default(),
            )),
        }
    }

    /// Stores into the item or attribute `target` the value `new` makes from the current one,
    /// which is read only when `read` (for `op=`: `=` must not compute `ds.x.values` first).
    pub(crate) fn store(
        &mut self,
        target: &Expr,
        read: bool,
        new: impl FnOnce(&mut Self, Option<Value>) -> Res<Value>,
    ) -> Res<()> {
        let (root, chain, steps) = self.chain(target)?;
        let parent = chain.last().cloned().unwrap_or(Value::None);
        let last = steps
            .last()
            .ok_or_else(|| Exc::syntax("cannot assign to a bare name here", target.pos))?;
        let current = if read {
            Some(self.part(&parent, last)?)
        } else {
            None
        };
        let mut v = new(self, current)?;
        for (k, (parent, step)) in chain.iter().zip(&steps).enumerate().rev() {
            v = put(parent, step, &v, k + 1 == steps.len())?;
        }
        self.rebind_root(&root, v, how(&steps))?;
        Ok(())
    }

    /// The root name of `target`, the objects along its chain (the root's value, then each part
    /// but the last) and the steps between them.
    fn chain(&mut self, target: &Expr) -> Res<(String, Vec<Value>, Vec<Step>)> {
        let (root, steps) = self.steps(target)?;
        let mut chain = vec![self.lookup_name(&root)?];
        let mut steps = steps;
        let mut i = 0;
        while i < steps.len() {
            let parent = chain.last().cloned().unwrap_or(Value::None);
            let coords_item = matches!(&steps[i], Step::Attr(a) if a == "coords")
                && matches!(steps.get(i + 1), Some(Step::Item(_)))
                && matches!(parent, Value::Dataset(_) | Value::DataArray(_));
            if coords_item {
                if let Step::Item(k) = steps.remove(i + 1) {
                    steps[i] = Step::Coord(k);
                }
            }
            if i + 1 < steps.len() {
                chain.push(self.part(&parent, &steps[i])?);
            }
            i += 1;
        }
        Ok((root, chain, steps))
    }

    /// `del target` for an item chain: the innermost object is copied without the item and
    /// the chain is stored back, as for assignment.
    pub(crate) fn delete(&mut self, target: &Expr) -> Res<()> {
        let (root, chain, steps) = self.chain(target)?;
        let (Some(parent), Some(last)) = (chain.last(), steps.last()) else {
            return Err(Exc::syntax("cannot delete a bare name here", target.pos));
        };
        let mut v = match last {
            // `del ds.coords[k]` names its object and key as `del ds[k]` does.
            Step::Item(k) | Step::Coord(k) => del_item(parent, k)?,
            Step::Attr(name) => {
                return Err(Exc::new(
                    ExcKind::NotImplementedError,
                    format!("deleting the attribute '{name}' is not supported in Nereus cells"),
                ))
            }
        };
        for (parent, step) in chain.iter().zip(&steps).rev().skip(1) {
            v = put(parent, step, &v, false)?;
        }
        self.rebind_root(&root, v, Store::Other)?;
        Ok(())
    }

    /// The root name of a target chain and its steps, keys evaluated left to right.
    fn steps(&mut self, target: &Expr) -> Res<(String, Vec<Step>)> {
        match &target.kind {
            ExprKind::Name(n) => Ok((n.clone(), Vec::new())),
            ExprKind::Attr(base, name) => {
                let (root, mut steps) = self.steps(base)?;
                steps.push(Step::Attr(name.clone()));
                Ok((root, steps))
            }
            ExprKind::Index(base, idx) => {
                let (root, mut steps) = self.steps(base)?;
                steps.push(Step::Item(self.index_key(idx)?));
                Ok((root, steps))
            }
            _ => Err(Exc::syntax("cannot assign to expression here", target.pos)),
        }
    }

    /// The part of `v` a step names (`v.attr`, `v[key]`, `v.coords[key]`).
    fn part(&mut self, v: &Value, step: &Step) -> Res<Value> {
        match step {
            Step::Attr(name) => self.attr_of(v, name),
            Step::Item(k) => operators::index(v, k),
            Step::Coord(k) => {
                let coords = self.attr_of(v, "coords")?;
                operators::index(&coords, k)
            }
        }
    }

    /// `v.name`, running a computing property if it is one.
    pub(crate) fn attr_of(&mut self, v: &Value, name: &str) -> Res<Value> {
        match xarray::attribute(Some(&mut self.ctx), v, name) {
            Some(r) => r,
            None => super::attribute(v, name),
        }
    }
}

/// `parent` with the part `step` names replaced by `v`; `last` when `step` is the target itself.
fn put(parent: &Value, step: &Step, v: &Value, last: bool) -> Res<Value> {
    match step {
        Step::Attr(name) => {
            xarray::set_attr(parent, name, v, last).unwrap_or_else(|| Err(no_setattr(parent, name)))
        }
        Step::Coord(k) => {
            xarray::set_coord(parent, k, v).unwrap_or_else(|| Err(no_setitem(parent)))
        }
        Step::Item(k) => match parent {
            Value::Dict(d) if d.kind == DictKind::Plain => {
                let mut out = d.as_ref().clone();
                out.insert(k.clone(), v.clone())?;
                Ok(Value::Dict(Arc::new(out)))
            }
            Value::List(items) => {
                let mut out = items.as_ref().clone();
                if let Value::Slice(p) = k {
                    assign_slice(&mut out, p, v)?;
                } else {
                    out[list_index(k, items.len())?] = v.clone();
                }
                Ok(Value::List(Arc::new(out)))
            }
            other => xarray::set_item(other, k, v).unwrap_or_else(|| Err(no_setitem(other))),
        },
    }
}

/// `del base[key]` as Python and xarray do it: a copy of `base` without the item.
fn del_item(base: &Value, key: &Value) -> Res<Value> {
    let missing = || Exc::new(ExcKind::KeyError, key.repr());
    match base {
        Value::Dict(d) if d.kind == DictKind::Plain => {
            let mut out = d.as_ref().clone();
            let before = out.items.len();
            out.items.retain(|(k, _)| !k.py_eq(key));
            if out.items.len() == before {
                return Err(missing());
            }
            Ok(Value::Dict(Arc::new(out)))
        }
        Value::List(items) => {
            let mut out = items.as_ref().clone();
            if let Value::Slice(p) = key {
                let (picks, _) = operators::slice_positions(p, out.len())?;
                let mut drop = vec![false; out.len()];
                for i in picks {
                    drop[i] = true;
                }
                let mut i = 0;
                out.retain(|_| {
                    i += 1;
                    !drop[i - 1]
                });
            } else {
                out.remove(list_index(key, items.len())?);
            }
            Ok(Value::List(Arc::new(out)))
        }
        Value::Dataset(ds) => {
            let Value::Str(name) = key else {
                return Err(missing());
            };
            if !ds.data_vars.contains_key(&**name) && !ds.coords.contains_key(&**name) {
                return Err(missing());
            }
            let mut out = ds.as_ref().clone();
            out.data_vars.shift_remove(&**name);
            out.coords.shift_remove(&**name);
            Ok(Value::Dataset(Arc::new(out)))
        }
        Value::DataArray(a) => {
            let Value::Str(name) = key else {
                return Err(Exc::type_error(
                    "DataArray items can be deleted only by coordinate name",
                ));
            };
            if !a.coords.contains_key(&**name) {
                return Err(missing());
            }
            let mut out = a.as_ref().clone();
            out.coords.shift_remove(&**name);
            Ok(Value::DataArray(Arc::new(out)))
        }
        other => Err(Exc::type_error(format!(
            "'{}' object doesn't support item deletion",
            other.type_name()
        ))),
    }
}

/// `lst[lo:hi:step] = v` as Python does it: a step of 1 splices in any number of items, other
/// steps replace exactly the items they select.
fn assign_slice(list: &mut Vec<Value>, p: &[Value; 3], v: &Value) -> Res<()> {
    let (picks, step) = operators::slice_positions(p, list.len())?;
    let Ok(new) = items(v) else {
        return Err(Exc::type_error(if step == 1 {
            "can only assign an iterable"
        } else {
            "must assign iterable to extended slice"
        }));
    };
    if step == 1 {
        let (start, end) = operators::splice_range(p, list.len())?;
        list.splice(start..end, new);
        return Ok(());
    }
    if picks.len() != new.len() {
        return Err(Exc::value_error(format!(
            "attempt to assign sequence of size {} to extended slice of size {}",
            new.len(),
            picks.len()
        )));
    }
    for (at, x) in picks.into_iter().zip(new) {
        list[at] = x;
    }
    Ok(())
}

/// The position `lst[key] = ...` replaces: negative counts from the end, as in Python.
fn list_index(key: &Value, len: usize) -> Res<usize> {
    let i = key.as_int().ok_or_else(|| {
        Exc::type_error(format!(
            "list indices must be integers or slices, not {}",
            key.type_name()
        ))
    })?;
    let n = i64::try_from(len).unwrap_or(i64::MAX);
    let at = if i < 0 { i.saturating_add(n) } else { i };
    usize::try_from(at)
        .ok()
        .filter(|&at| at < len)
        .ok_or_else(|| Exc::new(ExcKind::IndexError, "list assignment index out of range"))
}

fn no_setitem(v: &Value) -> Exc {
    Exc::type_error(format!(
        "'{}' object does not support item assignment",
        v.type_name()
    ))
}

/// Python's errors for setting an attribute of a value that has no settable attributes.
fn no_setattr(v: &Value, name: &str) -> Exc {
    let msg = match v {
        Value::Module(m) => {
            return Exc::new(
                ExcKind::NotImplementedError,
                format!(
                    "setting attributes of module '{}' is not supported in Nereus cells",
                    m.name
                ),
            )
        }
        other if super::attribute(other, name).is_ok() => format!(
            "'{}' object attribute '{name}' is read-only",
            other.type_name()
        ),
        other => format!("'{}' object has no attribute '{name}'", other.type_name()),
    };
    Exc::new(ExcKind::AttributeError, msg)
}
