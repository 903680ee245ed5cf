//! Runs statements and evaluates expressions against a namespace.

mod assign;
mod comprehension;

use std::collections::HashMap;
use std::sync::Arc;

use super::ast::{Arg, Expr, ExprKind, FPart, Stmt, StmtKind, Target, UnaryOp};
use super::builtins;
use super::dict::{Dict, DictKind};
use super::error::{suggestion, Exc, ExcKind, Res};
use super::format::format_value;
use super::functions::items;
use super::operators;
use super::registry::{Args, Ctx};
use super::value::Value;
use super::Interpreter;

/// Variables defined by the cells run so far.
pub(crate) type Namespace = HashMap<String, Value>;

/// How a statement list finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    Normal,
    Break,
    Continue,
}

/// One running cell: the interpreter it mutates (namespace, and settings for magics) and
/// where its output goes.
pub(crate) struct Machine<'a> {
    pub(crate) interp: &'a mut Interpreter,
    pub(crate) ctx: Ctx<'a>,
}

/// Looks a name up in the namespace, then the builtins.
pub(crate) fn lookup(ns: &Namespace, name: &str) -> Res<Value> {
    if let Some(v) = ns.get(name) {
        return Ok(v.clone());
    }
    if let Some(b) = builtins::builtin(name) {
        return Ok(Value::Builtin(b));
    }
    let candidates = ns
        .keys()
        .map(String::as_str)
        .chain(builtins::BUILTINS.iter().map(|b| b.name));
    let hint = suggestion(name, candidates);
    Err(Exc::new(
        ExcKind::NameError,
        format!("name '{name}' is not defined{hint}"),
    ))
}

/// An attribute of a value, without running a cell: properties that compute are refused.
pub(crate) fn attribute(base: &Value, name: &str) -> Res<Value> {
    if let Some(r) = super::xarray::attribute(None, base, name) {
        return r;
    }
    match base {
        Value::Module(m) => m.attr(name).ok_or_else(|| m.no_attr(name)),
        other => Err(Exc::new(
            ExcKind::AttributeError,
            format!("'{}' object has no attribute '{name}'", other.type_name()),
        )),
    }
}

/// Resolves a dotted path (`time.sleep`) without calling anything.
pub(crate) fn resolve_path(ns: &Namespace, path: &[String]) -> Res<Value> {
    let (first, rest) = path
        .split_first()
        .ok_or_else(|| Exc::syntax("empty name", super::error::Pos::default()))?;
    let mut v = lookup(ns, first)?;
    for name in rest {
        v = attribute(&v, name)?;
    }
    Ok(v)
}

impl Machine<'_> {
    /// Runs a block, stopping at break/continue.
    pub(crate) fn run_block(&mut self, stmts: &[Stmt]) -> Res<Flow> {
        for s in stmts {
            let flow = self.run(s).map_err(|e| e.with_line(s.line))?;
            if flow != Flow::Normal {
                return Ok(flow);
            }
        }
        Ok(Flow::Normal)
    }

    /// Runs one statement.
    pub(crate) fn run(&mut self, stmt: &Stmt) -> Res<Flow> {
        self.ctx.cancel.check().map_err(|_| Exc::interrupted())?;
        match &stmt.kind {
            StmtKind::Expr { expr, .. } => {
                self.eval(expr)?;
            }
            StmtKind::Assign { targets, value } => {
                let v = self.eval(value)?;
                for t in targets {
                    self.assign(t, v.clone())?;
                }
            }
            StmtKind::AugAssign { target, op, value } => self.aug_assign(target, *op, value)?,
            StmtKind::If { branches, orelse } => {
                for (cond, body) in branches {
                    let c = self.eval(cond)?;
                    if self.truth(&c)? {
                        return self.run_block(body);
                    }
                }
                return self.run_block(orelse);
            }
            StmtKind::For { target, iter, body } => self.run_for(target, iter, body)?,
            StmtKind::Import(names) => {
                for (module, alias) in names {
                    let m = builtins::module(module)?;
                    self.interp.ns.insert(
                        alias.clone().unwrap_or_else(|| module.clone()),
                        Value::Module(m),
                    );
                }
            }
            StmtKind::FromImport { module, names } => {
                let m = builtins::module(module)?;
                for (name, alias) in names {
                    let v = m.attr(name).ok_or_else(|| {
                        let hint = suggestion(name, m.attr_names());
                        Exc::new(
                            ExcKind::ImportError,
                            format!("cannot import name '{name}' from '{module}'{hint}"),
                        )
                    })?;
                    self.interp
                        .ns
                        .insert(alias.clone().unwrap_or_else(|| name.clone()), v);
                }
            }
            StmtKind::Del(targets) => {
                for t in targets {
                    match t {
                        Target::Store(e) => self.delete(e)?,
                        Target::Name(n) => {
                            if self.interp.ns.remove(n).is_none() {
                                lookup(&self.interp.ns, n)?;
                                return Err(Exc::new(
                                    ExcKind::NameError,
                                    format!("name '{n}' is not defined"),
                                ));
                            }
                        }
                        Target::Tuple(_) => {} // flattened by the parser
                    }
                }
            }
            StmtKind::Magic(text) => {
                self.magic(text, stmt.line)?;
            }
            StmtKind::Pass => {}
            StmtKind::Break => return Ok(Flow::Break),
            StmtKind::Continue => return Ok(Flow::Continue),
            StmtKind::Help { path, detail } => {
                let text = super::help::help_for_path(&self.interp.ns, path, *detail)?;
                let mut data = super::MimeBundle::new();
                data.insert("text/plain".into(), text.into());
                self.ctx.out.page(data);
            }
        }
        Ok(Flow::Normal)
    }

    /// Runs the line magic `%text` of cell line `line`; it may change the settings that later
    /// computations of this cell use (`%config threads=2` in a loop).
    pub(crate) fn magic(&mut self, text: &str, line: usize) -> Res<Option<Value>> {
        let v =
            super::magics::run_line_magic(self.interp, text, line, self.ctx.out, self.ctx.cancel);
        self.ctx.config = self.interp.config;
        self.ctx.progress = self.interp.settings.progress;
        v
    }

    fn run_for(&mut self, target: &Target, iter: &Expr, body: &[Stmt]) -> Res<()> {
        let seq = self.eval(iter)?;
        self.iterate(&seq, |m, v| {
            m.assign(target, v)?;
            Ok(m.run_block(body)? == Flow::Break)
        })
    }

    /// Calls `step` on each item of `seq` until it returns true; a range is walked without
    /// building its items, and an interrupt stops the walk between items.
    pub(crate) fn iterate(
        &mut self,
        seq: &Value,
        mut step: impl FnMut(&mut Self, Value) -> Res<bool>,
    ) -> Res<()> {
        let mut each = |m: &mut Self, v: Value| -> Res<bool> {
            m.ctx.cancel.check().map_err(|_| Exc::interrupted())?;
            step(m, v)
        };
        match seq {
            &Value::Range(start, _, st) => {
                let n = seq.len().unwrap_or(0);
                let mut cur = start;
                for _ in 0..n {
                    if each(self, Value::Int(cur))? {
                        break;
                    }
                    cur = cur.saturating_add(st);
                }
            }
            other => {
                for v in items(other)? {
                    if each(self, v)? {
                        break;
                    }
                }
            }
        }
        Ok(())
    }

    pub(crate) fn assign(&mut self, target: &Target, v: Value) -> Res<()> {
        match target {
            Target::Name(n) => {
                self.interp.ns.insert(n.clone(), v);
            }
            Target::Tuple(ts) => {
                let vals = items(&v).map_err(|_| {
                    Exc::type_error(format!(
                        "cannot unpack non-iterable {} object",
                        v.type_name()
                    ))
                })?;
                if vals.len() > ts.len() {
                    return Err(Exc::value_error(format!(
                        "too many values to unpack (expected {})",
                        ts.len()
                    )));
                }
                if vals.len() < ts.len() {
                    return Err(Exc::value_error(format!(
                        "not enough values to unpack (expected {}, got {})",
                        ts.len(),
                        vals.len()
                    )));
                }
                for (t, v) in ts.iter().zip(vals) {
                    self.assign(t, v)?;
                }
            }
            Target::Store(e) => self.store(e, false, |_, _| Ok(v))?,
        }
        Ok(())
    }

    /// Evaluates an expression.
    pub(crate) fn eval(&mut self, e: &Expr) -> Res<Value> {
        Ok(match &e.kind {
            ExprKind::None => Value::None,
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Int(i) => Value::Int(*i),
            ExprKind::Float(f) => Value::Float(*f),
            ExprKind::Str(s) => Value::str(s.as_str()),
            ExprKind::FStr(parts) => Value::str(self.fstring(parts)?),
            ExprKind::Name(n) => lookup(&self.interp.ns, n)?,
            ExprKind::List(items) => Value::List(Arc::new(self.eval_all(items)?)),
            ExprKind::Tuple(items) => Value::Tuple(Arc::new(self.eval_all(items)?)),
            ExprKind::Attr(base, name) => {
                let b = self.eval(base)?;
                self.attr_of(&b, name)?
            }
            ExprKind::Dict(pairs) => {
                let mut items = Vec::with_capacity(pairs.len());
                for (k, v) in pairs {
                    items.push((self.eval(k)?, self.eval(v)?));
                }
                Value::Dict(Arc::new(Dict::from_pairs(DictKind::Plain, items)?))
            }
            ExprKind::Call(callee, args) => {
                let f = self.eval(callee)?;
                let args = self.eval_args(args)?;
                self.call(&f, args)?
            }
            ExprKind::Index(base, idx) => {
                let b = self.eval(base)?;
                let i = self.index_key(idx)?;
                operators::index(&b, &i)?
            }
            ExprKind::Slice(..) => {
                return Err(Exc::type_error(
                    "slices are only allowed inside [] with a single index",
                ))
            }
            ExprKind::Unary(UnaryOp::Not, v) => {
                let v = self.eval(v)?;
                Value::Bool(!self.truth(&v)?)
            }
            ExprKind::Unary(op, v) => {
                let v = self.eval(v)?;
                operators::unary(*op, &v)?
            }
            ExprKind::Binary(op, a, b) => {
                let a = self.eval(a)?;
                let b = self.eval(b)?;
                operators::binary(*op, &a, &b)?
            }
            ExprKind::Logic(and, a, b) => {
                let a = self.eval(a)?;
                if self.truth(&a)? == *and {
                    self.eval(b)?
                } else {
                    a
                }
            }
            ExprKind::Compare(first, rest) => {
                let mut left = self.eval(first)?;
                if let [(op, e)] = rest.as_slice() {
                    let right = self.eval(e)?;
                    if let Some(r) = super::xarray::compare(*op, &left, &right) {
                        return r;
                    }
                    return Ok(Value::Bool(operators::compare(*op, &left, &right)?));
                }
                for (op, e) in rest {
                    let right = self.eval(e)?;
                    if !operators::compare(*op, &left, &right)? {
                        return Ok(Value::Bool(false));
                    }
                    left = right;
                }
                Value::Bool(true)
            }
            ExprKind::ListComp { elt, clauses } => self.list_comp(elt, clauses)?,
            ExprKind::DictComp {
                key,
                value,
                clauses,
            } => self.dict_comp(key, value, clauses)?,
            ExprKind::IfElse { cond, then, other } => {
                let c = self.eval(cond)?;
                if self.truth(&c)? {
                    self.eval(then)?
                } else {
                    self.eval(other)?
                }
            }
        })
    }

    /// Python's truth of a value; an array must hold one element (computed if lazy).
    pub(crate) fn truth(&mut self, v: &Value) -> Res<bool> {
        super::xarray::truth(&self.ctx, v)
    }

    fn eval_all(&mut self, items: &[Expr]) -> Res<Vec<Value>> {
        items.iter().map(|e| self.eval(e)).collect()
    }

    /// The key of `x[idx]`: `x[a, b:c]` gives a tuple of subscripts.
    pub(crate) fn index_key(&mut self, idx: &Expr) -> Res<Value> {
        match &idx.kind {
            ExprKind::Tuple(items) => Ok(Value::Tuple(Arc::new(
                items
                    .iter()
                    .map(|e| self.subscript(e))
                    .collect::<Res<_>>()?,
            ))),
            _ => self.subscript(idx),
        }
    }

    /// One subscript item: `a:b:c` becomes a slice value.
    fn subscript(&mut self, e: &Expr) -> Res<Value> {
        let ExprKind::Slice(lo, hi, step) = &e.kind else {
            return self.eval(e);
        };
        let mut part = |p: &Option<Box<Expr>>| -> Res<Value> {
            p.as_deref().map_or(Ok(Value::None), |e| self.eval(e))
        };
        Ok(Value::Slice(Arc::new([part(lo)?, part(hi)?, part(step)?])))
    }

    fn eval_args(&mut self, args: &[Arg]) -> Res<Args> {
        let mut out = Args::default();
        for a in args {
            match a {
                Arg::Pos(e) => out.pos.push(self.eval(e)?),
                Arg::Star(e) => {
                    let v = self.eval(e)?;
                    out.pos.extend(items(&v)?);
                }
                Arg::Kw(name, e) => {
                    let v = self.eval(e)?;
                    out.kw.push((name.clone(), v));
                }
            }
        }
        Ok(out)
    }

    /// Calls a value with evaluated arguments.
    pub(crate) fn call(&mut self, f: &Value, mut args: Args) -> Res<Value> {
        let b = match f {
            Value::Builtin(b) => *b,
            Value::Method(recv, b) => {
                args.pos.insert(0, (**recv).clone());
                args.callee = Some((*b, true));
                *b
            }
            Value::Type(t) if builtins::builtin(t).is_some() => {
                builtins::builtin(t).ok_or_else(|| Exc::type_error("not callable"))?
            }
            other => {
                return Err(Exc::type_error(format!(
                    "'{}' object is not callable",
                    other.type_name()
                )))
            }
        };
        args.callee.get_or_insert((b, false));
        // Only calls with keywords read the signature.
        if !args.kw.is_empty() {
            b.parsed_signature().check_keywords(b, &args.kw)?;
        }
        (b.func)(&mut self.ctx, args)
    }

    fn fstring(&mut self, parts: &[FPart]) -> Res<String> {
        let mut s = String::new();
        for p in parts {
            match p {
                FPart::Lit(t) => s.push_str(t),
                FPart::Field {
                    expr,
                    conv,
                    spec,
                    debug,
                } => {
                    let v = self.eval(expr)?;
                    if let Some(d) = debug {
                        s.push_str(d);
                    }
                    let conv = conv.or(if debug.is_some() && spec.is_empty() {
                        Some('r')
                    } else {
                        None
                    });
                    let v = match conv {
                        Some('r' | 'a') => Value::str(v.repr()),
                        Some(_) => Value::str(v.to_str()),
                        None => v,
                    };
                    let spec = self.fstring(spec)?;
                    s.push_str(&format_value(&v, &spec)?);
                }
            }
        }
        Ok(s)
    }
}
