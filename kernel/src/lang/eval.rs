//! Runs statements and evaluates expressions against a namespace.

mod assign;
mod comprehension;
mod control;
mod fstring;
mod function;
mod mutate;
pub(crate) mod views;

pub(crate) use function::UserFunc;

use std::collections::HashMap;
use std::sync::Arc;

use super::ast::{Arg, Expr, ExprKind, Stmt, StmtKind, Target, UnaryOp};
use super::builtins;
use super::dict::{Dict, DictKind};
use super::error::{suggestion, Exc, ExcKind, Res};
use super::functions::items;
use super::operators;
use super::registry::{Args, Ctx};
use super::value::Value;
use super::Interpreter;

/// Variables defined by the cells run so far.
pub(crate) type Namespace = HashMap<String, Value>;

/// How a statement list finished.
#[derive(Debug, Clone)]
pub(crate) enum Flow {
    Normal,
    Break,
    Continue,
    /// `return value` inside a function.
    Return(Value),
}

/// One running cell: the interpreter it mutates (namespace, and settings for magics) and
/// where its output goes.
pub(crate) struct Machine<'a> {
    pub(crate) interp: &'a mut Interpreter,
    pub(crate) ctx: Ctx<'a>,
    /// The scopes of the running function call, outermost first (empty at the top level).
    pub(crate) frames: Vec<function::Frame>,
    /// The exceptions being handled (`except` blocks), innermost last, for a bare `raise`.
    pub(crate) handling: Vec<Exc>,
}

impl<'a> Machine<'a> {
    /// A machine at a cell's top level.
    pub(crate) fn new(interp: &'a mut Interpreter, ctx: Ctx<'a>) -> Self {
        Self {
            interp,
            ctx,
            frames: Vec::new(),
            handling: Vec::new(),
        }
    }
}

/// Looks a name up in the namespace, then the builtins.
pub(crate) fn lookup(ns: &Namespace, name: &str) -> Res<Value> {
    if let Some(v) = ns.get(name) {
        return Ok(v.clone());
    }
    if let Some(b) = builtins::builtin(name) {
        return Ok(Value::Builtin(b));
    }
    if let Some(k) = ExcKind::from_name(name) {
        return Ok(Value::Type(k.name()));
    }
    let candidates = ns
        .keys()
        .map(String::as_str)
        .chain(builtins::BUILTINS.iter().map(|b| b.name))
        .chain(ExcKind::names());
    let hint = suggestion(name, candidates);
    Err(Exc::new(
        ExcKind::NameError,
        format!("name '{name}' is not defined{hint}"),
    ))
}

/// Refuses `keep_attrs=False`: Nereus keeps attributes as xarray 2026 does by default, and
/// dropping them is not implemented (accepting it would show attributes xarray drops).
fn refuse_dropping_attrs(b: &super::registry::Builtin, kw: &[(String, Value)]) -> Res<()> {
    if kw
        .iter()
        .any(|(k, v)| k == "keep_attrs" && matches!(v, Value::Bool(false)))
    {
        return Err(Exc::new(
            ExcKind::NotImplementedError,
            format!(
                "{}(keep_attrs=False) is not supported in Nereus; attributes are kept as xarray keeps them by default",
                b.name
            ),
        ));
    }
    Ok(())
}

/// An attribute of a value, without running a cell: properties that compute are refused.
pub(crate) fn attribute(base: &Value, name: &str) -> Res<Value> {
    if let Some(r) = super::xarray::attribute(None, base, name) {
        return r;
    }
    match (base, name) {
        (Value::Type(t), "__name__") => return Ok(Value::str(*t)),
        (Value::Builtin(b), "__name__") => return Ok(Value::str(b.name)),
        (Value::Function(f), "__name__") => return Ok(Value::str(f.name())),
        (Value::Function(f), "__doc__") => {
            return Ok(f.def.doc.as_deref().map_or(Value::None, Value::str))
        }
        (Value::Module(m), "__name__") => return Ok(Value::str(m.name)),
        _ => {}
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
            if !matches!(flow, Flow::Normal) {
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
            StmtKind::For { target, iter, body } => return self.run_for(target, iter, body),
            StmtKind::While { cond, body } => return self.run_while(cond, body),
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finally,
            } => return self.run_try(body, handlers, orelse, finally),
            StmtKind::Raise(e) => return self.raise(e.as_ref()),
            StmtKind::Assert { test, msg } => return self.assert(test, msg.as_ref()),
            StmtKind::With { items, body } => return self.run_with(items, body),
            StmtKind::Def(def) => {
                let f = self.make_function(def)?;
                self.set_name(&def.name, f);
            }
            StmtKind::Return(value) => {
                if self.frames.is_empty() {
                    return Err(Exc::syntax(
                        "'return' outside function",
                        super::error::Pos {
                            line: stmt.line,
                            col: 0,
                        },
                    ));
                }
                let v = match value {
                    Some(e) => self.eval(e)?,
                    None => Value::None,
                };
                return Ok(Flow::Return(v));
            }
            StmtKind::Scope { global, .. } => {
                if !*global && self.frames.is_empty() {
                    return Err(Exc::syntax(
                        "nonlocal declaration not allowed at module level",
                        super::error::Pos {
                            line: stmt.line,
                            col: 0,
                        },
                    ));
                }
            }
            StmtKind::Import(names) => {
                for (module, alias) in names {
                    let m = builtins::module(module)?;
                    let name = alias.clone().unwrap_or_else(|| module.clone());
                    self.set_name(&name, Value::Module(m));
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
                    let name = alias.clone().unwrap_or_else(|| name.clone());
                    self.set_name(&name, v);
                }
            }
            StmtKind::Del(targets) => {
                for t in targets {
                    match t {
                        Target::Store(e) => self.delete(e)?,
                        Target::Name(n) => {
                            if self.remove_name(n).is_none() {
                                self.lookup_name(n)?;
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

    fn run_for(&mut self, target: &Target, iter: &Expr, body: &[Stmt]) -> Res<Flow> {
        let seq = self.eval(iter)?;
        let mut ret = None;
        self.iterate(&seq, |m, v| {
            m.assign(target, v)?;
            Ok(match m.run_block(body)? {
                Flow::Break => true,
                Flow::Return(v) => {
                    ret = Some(v);
                    true
                }
                Flow::Normal | Flow::Continue => false,
            })
        })?;
        Ok(ret.map_or(Flow::Normal, Flow::Return))
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
            Target::Name(n) => self.set_name(n, v),
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
            ExprKind::Ellipsis => Value::Ellipsis,
            ExprKind::Lambda(def) => self.make_function(def)?,
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Int(i) => Value::Int(*i),
            ExprKind::Float(f) => Value::Float(*f),
            ExprKind::Str(s) => Value::str(s.as_str()),
            ExprKind::FStr(parts) => Value::str(self.fstring(parts)?),
            ExprKind::Name(n) => self.lookup_name(n)?,
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
                if let ExprKind::Attr(base, name) = &callee.kind {
                    return self.call_method(base, name, args);
                }
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
                super::xarray::settle(&self.ctx, operators::unary(*op, &v)?)?
            }
            ExprKind::Binary(op, a, b) => {
                let a = self.eval(a)?;
                let b = self.eval(b)?;
                super::xarray::settle(&self.ctx, operators::binary(*op, &a, &b)?)?
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
                        return super::xarray::settle(&self.ctx, r?);
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
                Arg::DoubleStar(e) => {
                    let v = self.eval(e)?;
                    let Value::Dict(d) = &v else {
                        return Err(Exc::type_error(format!(
                            "argument after ** must be a mapping, not {}",
                            v.type_name()
                        )));
                    };
                    for (k, v) in &d.items {
                        let Value::Str(k) = k else {
                            return Err(Exc::type_error("keywords must be strings"));
                        };
                        if out.kw.iter().any(|(n, _)| **n == **k) {
                            return Err(Exc::type_error(format!(
                                "got multiple values for keyword argument '{k}'"
                            )));
                        }
                        out.kw.push((k.to_string(), v.clone()));
                    }
                }
            }
        }
        Ok(out)
    }

    /// Calls a value with evaluated arguments.
    pub(crate) fn call(&mut self, f: &Value, mut args: Args) -> Res<Value> {
        let b = match f {
            Value::Function(func) => return self.call_function(func, args),
            Value::Type(t) if control::exception_class(f).is_some() => {
                if let Some((k, _)) = args.kw.first() {
                    return Err(Exc::type_error(format!(
                        "{t}() takes no keyword arguments, got '{k}'"
                    )));
                }
                let kind =
                    control::exception_class(f).ok_or_else(|| Exc::type_error("not callable"))?;
                return Ok(control::new_exception(kind, &args.pos));
            }
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
            refuse_dropping_attrs(b, &args.kw)?;
        }
        // The builtin may call back into cell functions (`groupby(...).map(f)`): it gets the
        // interpreter for that.
        let Self { interp, ctx, .. } = self;
        let mut inner = Ctx {
            out: &mut *ctx.out,
            cancel: ctx.cancel,
            config: ctx.config,
            progress: ctx.progress,
            interp: Some(&mut **interp),
        };
        let out = (b.func)(&mut inner, args)?;
        super::xarray::settle(&inner, out)
    }
}
