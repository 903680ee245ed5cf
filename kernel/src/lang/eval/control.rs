//! `while`, `try`, `raise`, `assert` and `with`: control flow beyond `if` and `for`.

use std::sync::Arc;

use super::super::ast::{Expr, Handler, Stmt, Target};
use super::super::error::{Exc, ExcKind, Res};
use super::super::value::Value;
use super::{Flow, Machine};

impl Machine<'_> {
    /// `while cond: body`; an interrupt stops it between iterations.
    pub(crate) fn run_while(&mut self, cond: &Expr, body: &[Stmt]) -> Res<Flow> {
        loop {
            self.ctx.cancel.check().map_err(|_| Exc::interrupted())?;
            let c = self.eval(cond)?;
            if !self.truth(&c)? {
                return Ok(Flow::Normal);
            }
            match self.run_block(body)? {
                Flow::Break => return Ok(Flow::Normal),
                Flow::Normal | Flow::Continue => {}
                ret @ Flow::Return(_) => return Ok(ret),
            }
        }
    }

    /// `try` / `except` / `else` / `finally`, in Python's order; a `finally` that returns or
    /// breaks wins over what the rest did, as in Python.
    pub(crate) fn run_try(
        &mut self,
        body: &[Stmt],
        handlers: &[Handler],
        orelse: &[Stmt],
        finally: &[Stmt],
    ) -> Res<Flow> {
        let result = match self.run_block(body) {
            Ok(Flow::Normal) => self.run_block(orelse),
            Ok(flow) => Ok(flow),
            Err(e) => self.handle(e, handlers),
        };
        if finally.is_empty() {
            return result;
        }
        match self.run_block(finally)? {
            Flow::Normal => result,
            other => Ok(other),
        }
    }

    /// Runs the first handler that matches `e`, or gives `e` back.
    fn handle(&mut self, e: Exc, handlers: &[Handler]) -> Res<Flow> {
        for h in handlers {
            if !self.matches(&e, h.kind.as_ref())? {
                continue;
            }
            if let Some(name) = &h.name {
                self.set_name(name, Value::Exception(Arc::new(e.clone())));
            }
            self.handling.push(e);
            let flow = self.run_block(&h.body);
            self.handling.pop();
            // Python unbinds the `as` name when the handler ends.
            if let Some(name) = &h.name {
                self.remove_name(name);
            }
            return flow;
        }
        Err(e)
    }

    /// Whether `except kind:` catches `e`.
    fn matches(&mut self, e: &Exc, kind: Option<&Expr>) -> Res<bool> {
        let Some(kind) = kind else { return Ok(true) };
        let k = self.eval(kind)?;
        let classes = match &k {
            Value::Tuple(items) => items.to_vec(),
            other => vec![other.clone()],
        };
        for c in &classes {
            let Some(class) = exception_class(c) else {
                return Err(Exc::type_error(
                    "catching classes that do not inherit from BaseException is not allowed",
                ));
            };
            if e.kind.is_subclass(class) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// `raise`, `raise Class`, `raise Class(args)`.
    pub(crate) fn raise(&mut self, e: Option<&Expr>) -> Res<Flow> {
        let Some(e) = e else {
            return Err(self.handling.last().cloned().unwrap_or_else(|| {
                Exc::new(ExcKind::RuntimeError, "No active exception to reraise")
            }));
        };
        let v = self.eval(e)?;
        Err(match &v {
            Value::Exception(exc) => Exc {
                pos: None,
                ..(**exc).clone()
            },
            other => match exception_class(other) {
                Some(kind) => Exc::new(kind, ""),
                None => Exc::type_error("exceptions must derive from BaseException"),
            },
        })
    }

    /// `assert test, msg`.
    pub(crate) fn assert(&mut self, test: &Expr, msg: Option<&Expr>) -> Res<Flow> {
        let t = self.eval(test)?;
        if self.truth(&t)? {
            return Ok(Flow::Normal);
        }
        let msg = match msg {
            Some(m) => self.eval(m)?.to_str(),
            None => String::new(),
        };
        Err(Exc::new(ExcKind::AssertionError, msg))
    }

    /// `with a as x, b: body`: each context is entered in order and exited in reverse, also
    /// when the body raises.
    pub(crate) fn run_with(
        &mut self,
        items: &[(Expr, Option<Target>)],
        body: &[Stmt],
    ) -> Res<Flow> {
        let Some(((ctx, target), rest)) = items.split_first() else {
            return self.run_block(body);
        };
        let manager = self.eval(ctx)?;
        let entered = super::super::context::enter(&mut self.ctx, &manager)?;
        let result = match target {
            Some(t) => self.assign(t, entered),
            None => Ok(()),
        }
        .and_then(|()| self.run_with(rest, body));
        super::super::context::exit(&manager);
        result
    }
}

/// The exception class a value names (`ValueError`), if it names one.
pub(crate) fn exception_class(v: &Value) -> Option<ExcKind> {
    match v {
        Value::Type(name) => ExcKind::from_name(name),
        _ => None,
    }
}

/// The exception `Class(args)` makes: its message is `str()` of the one argument (`repr()` for
/// `KeyError`, as Python prints it), or of the tuple of several.
pub(crate) fn new_exception(kind: ExcKind, args: &[Value]) -> Value {
    let msg = match args {
        [] => String::new(),
        [one] if kind == ExcKind::KeyError => one.repr(),
        [one] => one.to_str(),
        many => Value::Tuple(Arc::new(many.to_vec())).repr(),
    };
    Value::Exception(Arc::new(Exc::new(kind, msg)))
}
