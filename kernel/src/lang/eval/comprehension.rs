//! List and dict comprehensions, with Python 3's scoping: the loop variables are local to the
//! comprehension and never leak into (or clobber) the cell's namespace.

use std::sync::Arc;

use super::super::ast::{CompFor, Expr};
use super::super::dict::{Dict, DictKind};
use super::super::error::{Exc, ExcKind, Res};
use super::super::functions::MAX_ITEMS;
use super::super::value::Value;
use super::Machine;

impl Machine<'_> {
    /// `[elt for ... in ... if ...]`.
    pub(crate) fn list_comp(&mut self, elt: &Expr, clauses: &[CompFor]) -> Res<Value> {
        let mut out = Vec::new();
        self.scoped(clauses, |m| {
            m.clauses(clauses, &mut |m| {
                grow_check(out.len())?;
                out.push(m.eval(elt)?);
                Ok(())
            })
        })?;
        Ok(Value::List(Arc::new(out)))
    }

    /// `{key: value for ... in ... if ...}`; a repeated key keeps its last value, as in Python.
    pub(crate) fn dict_comp(
        &mut self,
        key: &Expr,
        value: &Expr,
        clauses: &[CompFor],
    ) -> Res<Value> {
        let mut dict = Dict::from_pairs(DictKind::Plain, Vec::new())?;
        self.scoped(clauses, |m| {
            m.clauses(clauses, &mut |m| {
                grow_check(dict.items.len())?;
                let k = m.eval(key)?;
                let v = m.eval(value)?;
                dict.insert(k, v)
            })
        })?;
        Ok(Value::Dict(Arc::new(dict)))
    }

    /// Runs `body` with the clauses' target names bound only inside it: their previous values
    /// (or absence) come back afterwards, also when `body` fails.
    fn scoped(&mut self, clauses: &[CompFor], body: impl FnOnce(&mut Self) -> Res<()>) -> Res<()> {
        let mut names = Vec::new();
        for c in clauses {
            c.target.names(&mut names);
        }
        let saved: Vec<(String, Option<Value>)> = names
            .into_iter()
            .map(|n| (n.to_owned(), self.get_name(n)))
            .collect();
        let result = body(self);
        // Restore in reverse so a name bound by two clauses gets its value from before both.
        for (name, old) in saved.into_iter().rev() {
            match old {
                Some(v) => self.set_name(&name, v),
                None => {
                    self.remove_name(&name);
                }
            }
        }
        result
    }

    /// Walks the clauses left to right (outer loop first), calling `emit` for each binding
    /// that passes every filter.
    fn clauses(
        &mut self,
        clauses: &[CompFor],
        emit: &mut dyn FnMut(&mut Self) -> Res<()>,
    ) -> Res<()> {
        let Some((first, rest)) = clauses.split_first() else {
            return emit(self);
        };
        let seq = self.eval(&first.iter)?;
        self.iterate(&seq, |m, v| {
            m.assign(&first.target, v)?;
            for cond in &first.conds {
                let c = m.eval(cond)?;
                if !m.truth(&c)? {
                    return Ok(false);
                }
            }
            m.clauses(rest, emit)?;
            Ok(false)
        })
    }
}

/// Refuses to grow a comprehension's result past what a list may hold.
fn grow_check(len: usize) -> Res<()> {
    if len >= MAX_ITEMS {
        return Err(Exc::new(
            ExcKind::MemoryError,
            format!("comprehension of more than {MAX_ITEMS} items is too large"),
        ));
    }
    Ok(())
}
