//! Functions a cell defines (`def`, `lambda`): their values, calls with Python's argument
//! binding, and the scopes their names live in (locals, enclosing functions, the namespace).

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::{Arc, Mutex, PoisonError};

use super::super::ast::{FuncDef, ParamKind};
use super::super::dict::{Dict, DictKind};
use super::super::error::{Exc, ExcKind, Res};
use super::super::registry::Args;
use super::super::signature::{Kind, Param, Signature};
use super::super::value::Value;
use super::views::Store;
use super::{Flow, Machine};

/// Deepest nesting of calls of cell functions, as Python's default recursion limit.
const MAX_CALL_DEPTH: usize = 1000;

/// The variables of one running call, shared with the functions it defines (closures).
#[derive(Debug)]
pub(crate) struct FrameVars {
    pub(crate) def: Arc<FuncDef>,
    pub(crate) vars: HashMap<String, Value>,
}

/// A call's scope, as functions defined inside it hold it.
pub(crate) type Frame = Arc<Mutex<FrameVars>>;

/// Locks a frame; a frame is never locked across evaluation, so a poisoned lock (a panic in
/// a builtin while another thread held it) still holds consistent variables.
pub(super) fn vars(frame: &Frame) -> std::sync::MutexGuard<'_, FrameVars> {
    frame.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A function defined by a cell.
#[derive(Debug)]
pub(crate) struct UserFunc {
    pub(crate) def: Arc<FuncDef>,
    /// Each parameter's default, evaluated when the function was defined.
    defaults: Vec<Option<Value>>,
    /// The scopes of the functions it was defined in, outermost first.
    closure: Vec<Frame>,
    signature: Signature,
}

impl UserFunc {
    /// The function's name (`<lambda>` for a lambda).
    pub(crate) fn name(&self) -> &str {
        &self.def.name
    }

    /// Its signature as `inspect` writes it: `(a, b=1, *args, **kw)`.
    pub(crate) fn signature_text(&self) -> String {
        let parts: Vec<String> = self
            .def
            .params
            .iter()
            .zip(&self.defaults)
            .map(|(p, d)| match (p.kind, d) {
                (ParamKind::VarPositional, _) => format!("*{}", p.name),
                (ParamKind::VarKeyword, _) => format!("**{}", p.name),
                (_, Some(d)) => format!("{}={}", p.name, d.repr()),
                (_, None) => p.name.clone(),
            })
            .collect();
        format!("({})", parts.join(", "))
    }
}

impl Machine<'_> {
    /// The value of `def` or `lambda`: defaults are evaluated now, in the defining scope.
    pub(crate) fn make_function(&mut self, def: &Arc<FuncDef>) -> Res<Value> {
        let mut defaults = Vec::with_capacity(def.params.len());
        for p in &def.params {
            defaults.push(match &p.default {
                Some(e) => Some(self.eval(e)?),
                None => None,
            });
        }
        let params = def
            .params
            .iter()
            .zip(&defaults)
            .map(|(p, d)| Param {
                name: p.name.clone(),
                kind: match p.kind {
                    ParamKind::PositionalOnly => Kind::PositionalOnly,
                    ParamKind::Normal => Kind::PositionalOrKeyword,
                    ParamKind::KeywordOnly => Kind::KeywordOnly,
                    ParamKind::VarPositional => Kind::VarPositional,
                    ParamKind::VarKeyword => Kind::VarKeyword,
                },
                required: d.is_none()
                    && !matches!(p.kind, ParamKind::VarPositional | ParamKind::VarKeyword),
                default: d.as_ref().map(Value::repr),
            })
            .collect();
        Ok(Value::Function(Arc::new(UserFunc {
            def: Arc::clone(def),
            defaults,
            closure: self.frames.clone(),
            signature: Signature { params },
        })))
    }

    /// Calls a cell function: binds the arguments, runs the body in a fresh scope.
    pub(crate) fn call_function(&mut self, f: &UserFunc, args: Args) -> Res<Value> {
        if self.interp.call_depth >= MAX_CALL_DEPTH {
            return Err(Exc::new(
                ExcKind::RecursionError,
                "maximum recursion depth exceeded",
            ));
        }
        let mut bound = Rc::new(f.signature.clone()).bind(f.name(), false, args)?;
        let mut vars = HashMap::with_capacity(f.def.locals.len());
        for (p, default) in f.def.params.iter().zip(&f.defaults) {
            let v = match p.kind {
                ParamKind::VarPositional => Value::Tuple(Arc::new(bound.rest())),
                ParamKind::VarKeyword => {
                    let pairs = bound
                        .extra()
                        .into_iter()
                        .map(|(k, v)| (Value::str(k), v))
                        .collect();
                    Value::Dict(Arc::new(Dict::from_pairs(DictKind::Plain, pairs)?))
                }
                _ => match bound.take(&p.name).or_else(|| default.clone()) {
                    Some(v) => v,
                    None => continue,
                },
            };
            vars.insert(p.name.clone(), v);
        }
        let frame = Arc::new(Mutex::new(FrameVars {
            def: Arc::clone(&f.def),
            vars,
        }));
        let mut scope = f.closure.clone();
        scope.push(frame);
        let saved = std::mem::replace(&mut self.frames, scope);
        self.interp.call_depth += 1;
        let flow = self.run_block(&f.def.body);
        self.interp.call_depth -= 1;
        self.frames = saved;
        match flow? {
            Flow::Return(v) => Ok(v),
            Flow::Normal => Ok(Value::None),
            Flow::Break | Flow::Continue => Err(Exc::syntax(
                "'break' or 'continue' outside loop",
                super::super::error::Pos::default(),
            )),
        }
    }

    /// The value of name `n`: the running call's locals, then enclosing functions, then the
    /// namespace and the builtins.
    pub(crate) fn lookup_name(&self, n: &str) -> Res<Value> {
        if let Some((top, outer)) = self.frames.split_last() {
            let f = vars(top);
            if let Some(v) = f.vars.get(n) {
                return Ok(v.clone());
            }
            if f.def.locals.iter().any(|l| l == n) {
                return Err(Exc::new(
                    ExcKind::UnboundLocalError,
                    format!("cannot access local variable '{n}' where it is not associated with a value"),
                ));
            }
            if !f.def.globals.iter().any(|g| g == n) {
                drop(f);
                for frame in outer.iter().rev() {
                    if let Some(v) = vars(frame).vars.get(n) {
                        return Ok(v.clone());
                    }
                }
            }
        }
        super::lookup(&self.interp.ns, n)
    }

    /// Binds name `n` in the scope it belongs to.
    pub(crate) fn set_name(&mut self, n: &str, v: Value) {
        match self.scope_of(n) {
            Some(frame) => {
                vars(&frame).vars.insert(n.to_owned(), v);
            }
            None => {
                self.interp.ns.insert(n.to_owned(), v);
            }
        }
    }

    /// Stores the updated object of `root[...] = v` / `root.attr = v` back under its name, in
    /// the scope the name was found in (a global's update is seen everywhere, as Python's
    /// in-place change is). A function's parameter cannot be updated: the caller's object
    /// would not change, as it would in Python.
    /// Variables shared with other names (`da = ds.air`) see the change, as in xarray:
    /// `store` tells how a Dataset changed (`ds.air.attrs[k] = v` inside `air`).
    pub(crate) fn rebind_root(&mut self, root: &str, v: Value, store: Store<'_>) -> Res<()> {
        if let Ok(old) = self.lookup_name(root) {
            self.share_change(&old, &v, store);
        }
        self.bind_root(root, v)
    }

    /// [`Self::rebind_root`] without the sharing.
    fn bind_root(&mut self, root: &str, v: Value) -> Res<()> {
        let Some((top, outer)) = self.frames.split_last() else {
            self.interp.ns.insert(root.to_owned(), v);
            return Ok(());
        };
        let mut f = vars(top);
        if f.def.params.iter().any(|p| p.name == root) {
            return Err(Exc::new(
                ExcKind::NotImplementedError,
                format!(
                    "changing the argument '{root}' in place inside {}() is not supported in Nereus: \
                     the caller's object would not change; return the new value instead",
                    f.def.name
                ),
            ));
        }
        if f.vars.contains_key(root) || f.def.locals.iter().any(|l| l == root) {
            f.vars.insert(root.to_owned(), v);
            return Ok(());
        }
        drop(f);
        let global = vars(top).def.globals.iter().any(|g| g == root);
        if !global {
            for frame in outer.iter().rev() {
                let mut fv = vars(frame);
                if fv.vars.contains_key(root) {
                    fv.vars.insert(root.to_owned(), v);
                    return Ok(());
                }
            }
        }
        self.interp.ns.insert(root.to_owned(), v);
        Ok(())
    }

    /// Unbinds name `n`, returning its value if it had one.
    pub(crate) fn remove_name(&mut self, n: &str) -> Option<Value> {
        match self.scope_of(n) {
            Some(frame) => vars(&frame).vars.remove(n),
            None => self.interp.ns.remove(n),
        }
    }

    /// The value name `n` has in the scope it belongs to, without looking further out.
    pub(crate) fn get_name(&self, n: &str) -> Option<Value> {
        match self.scope_of(n) {
            Some(frame) => vars(&frame).vars.get(n).cloned(),
            None => self.interp.ns.get(n).cloned(),
        }
    }

    /// The frame that binding `n` writes to: the running call's, an enclosing one for a
    /// `nonlocal` name, or none (the namespace) at the top level and for `global` names.
    fn scope_of(&self, n: &str) -> Option<Frame> {
        let (top, outer) = self.frames.split_last()?;
        let f = vars(top);
        if f.def.globals.iter().any(|g| g == n) {
            return None;
        }
        if !f.def.nonlocals.iter().any(|g| g == n) {
            return Some(Arc::clone(top));
        }
        drop(f);
        outer
            .iter()
            .rev()
            .find(|fr| vars(fr).def.locals.iter().any(|l| l == n))
            .map(Arc::clone)
            .or_else(|| Some(Arc::clone(top)))
    }
}
