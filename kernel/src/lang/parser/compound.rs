//! Functions and the statements around them: `def`, `lambda`, `while`, `try`, `with`, and the
//! simple `return`, `raise`, `assert`, `global` and `nonlocal`.

use std::sync::Arc;

use super::super::ast::{
    Expr, ExprKind, FuncDef, Handler, ParamDef, ParamKind, Stmt, StmtKind, Target,
};
use super::super::error::{Exc, ExcKind, Res};
use super::super::lexer::Tok;
use super::Parser;

impl Parser {
    /// `def name(params): body`.
    pub(super) fn def_stmt(&mut self) -> Res<StmtKind> {
        self.i += 1;
        let name = self.name()?;
        self.expect_op("(")?;
        let params = self.params(")", true)?;
        self.expect_op(")")?;
        if self.eat_op("->") {
            // The annotation is evaluated by Python but never used by cells.
            self.test()?;
        }
        let body = self.block()?;
        Ok(StmtKind::Def(Arc::new(func_def(name, params, body))))
    }

    /// `lambda params: expr`.
    pub(super) fn lambda(&mut self) -> Res<Expr> {
        let pos = self.pos();
        self.i += 1;
        let params = self.params(":", false)?;
        self.expect_op(":")?;
        self.enter()?;
        let body = self.test()?;
        self.leave(1);
        let line = body.pos.line;
        let ret = Stmt {
            kind: StmtKind::Return(Some(body)),
            line,
        };
        let def = func_def("<lambda>".into(), params, vec![ret]);
        Ok(Expr {
            kind: ExprKind::Lambda(Arc::new(def)),
            pos,
        })
    }

    /// A parameter list up to (not including) `end`: `a, b=1, /, c, *args, d=2, **kw`;
    /// `annotated` for a `def`'s, whose parameters may carry `: type`.
    fn params(&mut self, end: &str, annotated: bool) -> Res<Vec<ParamDef>> {
        let mut params: Vec<ParamDef> = Vec::new();
        let mut kind = ParamKind::Normal;
        while !self.is_op(end) {
            let pos = self.pos();
            if self.eat_op("/") {
                for p in &mut params {
                    p.kind = ParamKind::PositionalOnly;
                }
            } else if self.eat_op("**") {
                let name = self.param_name(annotated)?;
                params.push(ParamDef {
                    name,
                    kind: ParamKind::VarKeyword,
                    default: None,
                });
            } else if self.eat_op("*") {
                kind = ParamKind::KeywordOnly;
                if !self.is_op(",") {
                    let name = self.param_name(annotated)?;
                    params.push(ParamDef {
                        name,
                        kind: ParamKind::VarPositional,
                        default: None,
                    });
                }
            } else {
                let name = self.param_name(annotated)?;
                let default = if self.eat_op("=") {
                    Some(self.test()?)
                } else {
                    None
                };
                let after_default = params
                    .iter()
                    .any(|p| p.default.is_some() && p.kind != ParamKind::KeywordOnly);
                if default.is_none() && kind == ParamKind::Normal && after_default {
                    return Err(Exc::syntax(
                        "parameter without a default follows parameter with a default",
                        pos,
                    ));
                }
                if params.iter().any(|p| p.name == name) {
                    return Err(Exc::syntax(
                        format!("duplicate argument '{name}' in function definition"),
                        pos,
                    ));
                }
                params.push(ParamDef {
                    name,
                    kind,
                    default,
                });
            }
            if !self.eat_op(",") {
                break;
            }
        }
        Ok(params)
    }

    /// A parameter's name, skipping its annotation (`x: float`) in a `def`.
    fn param_name(&mut self, annotated: bool) -> Res<String> {
        let name = self.name()?;
        if annotated && self.eat_op(":") {
            self.test()?;
        }
        Ok(name)
    }

    /// `while cond: body`.
    pub(super) fn while_stmt(&mut self) -> Res<StmtKind> {
        self.i += 1;
        let cond = self.test()?;
        let body = self.block()?;
        self.no_loop_else("while")?;
        Ok(StmtKind::While { cond, body })
    }

    /// Refuses `for/while ... else`, which Nereus does not run.
    pub(super) fn no_loop_else(&self, word: &str) -> Res<()> {
        if self.is_kw("else") {
            return Err(Exc::at(
                ExcKind::NotImplementedError,
                format!("'{word} ... else' is not supported in Nereus cells"),
                self.pos(),
            ));
        }
        Ok(())
    }

    /// `try:` with `except`, `else` and `finally` clauses.
    pub(super) fn try_stmt(&mut self) -> Res<StmtKind> {
        let pos = self.pos();
        self.i += 1;
        let body = self.block()?;
        let mut handlers = Vec::new();
        while self.eat_kw("except") {
            if self.is_op("*") {
                return Err(Exc::at(
                    ExcKind::NotImplementedError,
                    "'except*' is not supported in Nereus cells",
                    self.pos(),
                ));
            }
            let (kind, name) = if self.is_op(":") {
                (None, None)
            } else {
                let kind = self.test()?;
                let name = if self.eat_kw("as") {
                    Some(self.name()?)
                } else {
                    None
                };
                (Some(kind), name)
            };
            let body = self.block()?;
            handlers.push(Handler { kind, name, body });
        }
        let orelse = if !handlers.is_empty() && self.eat_kw("else") {
            self.block()?
        } else {
            Vec::new()
        };
        let finally = if self.eat_kw("finally") {
            self.block()?
        } else {
            Vec::new()
        };
        if handlers.is_empty() && finally.is_empty() {
            return Err(Exc::syntax("expected 'except' or 'finally' block", pos));
        }
        Ok(StmtKind::Try {
            body,
            handlers,
            orelse,
            finally,
        })
    }

    /// `with a as x, b: body`.
    pub(super) fn with_stmt(&mut self) -> Res<StmtKind> {
        self.i += 1;
        let paren = self.is_op("(") && self.with_items_parenthesized();
        if paren {
            self.i += 1;
        }
        let mut items = Vec::new();
        loop {
            let ctx = self.test()?;
            let target = if self.eat_kw("as") {
                Some(super::target::to_target(self.or_expr()?)?)
            } else {
                None
            };
            items.push((ctx, target));
            if !self.eat_op(",") || (paren && self.is_op(")")) {
                break;
            }
        }
        if paren {
            self.expect_op(")")?;
        }
        let body = self.block()?;
        Ok(StmtKind::With { items, body })
    }

    /// Whether `with (` opens Python 3.10's parenthesized item list rather than an expression:
    /// the matching `)` is followed by `:`, and an `as` or a top-level comma is inside.
    fn with_items_parenthesized(&self) -> bool {
        let mut depth = 0usize;
        let mut items_like = false;
        for (k, t) in self.toks[self.i..].iter().enumerate() {
            match &t.tok {
                Tok::Op("(" | "[" | "{") => depth += 1,
                Tok::Op(")" | "]" | "}") => {
                    depth -= 1;
                    if depth == 0 {
                        let next = self.toks.get(self.i + k + 1).map(|t| &t.tok);
                        return items_like && next == Some(&Tok::Op(":"));
                    }
                }
                Tok::Op(",") if depth == 1 => items_like = true,
                Tok::Name(n) if n == "as" && depth == 1 => items_like = true,
                Tok::Newline | Tok::Eof => return false,
                _ => {}
            }
        }
        false
    }

    /// `return`, `raise`, `assert`, `global` or `nonlocal`, if the line starts with one.
    pub(super) fn flow_stmt(&mut self) -> Res<Option<StmtKind>> {
        let ends = |p: &Self| matches!(p.peek(), Tok::Newline | Tok::Eof | Tok::Op(";"));
        if self.eat_kw("return") {
            let value = if ends(self) {
                None
            } else {
                Some(self.testlist()?)
            };
            return Ok(Some(StmtKind::Return(value)));
        }
        if self.eat_kw("raise") {
            if ends(self) {
                return Ok(Some(StmtKind::Raise(None)));
            }
            let e = self.test()?;
            if self.eat_kw("from") {
                // The cause only decorates the traceback.
                self.test()?;
            }
            return Ok(Some(StmtKind::Raise(Some(e))));
        }
        if self.eat_kw("assert") {
            let test = self.test()?;
            let msg = if self.eat_op(",") {
                Some(self.test()?)
            } else {
                None
            };
            return Ok(Some(StmtKind::Assert { test, msg }));
        }
        for (word, global) in [("global", true), ("nonlocal", false)] {
            if self.eat_kw(word) {
                let mut names = vec![self.name()?];
                while self.eat_op(",") {
                    names.push(self.name()?);
                }
                return Ok(Some(StmtKind::Scope { global, names }));
            }
        }
        Ok(None)
    }
}

/// A function definition with its local names worked out, as Python does at compile time.
fn func_def(name: String, params: Vec<ParamDef>, body: Vec<Stmt>) -> FuncDef {
    let mut bound: Vec<String> = params.iter().map(|p| p.name.clone()).collect();
    let mut declared = Vec::new();
    for s in &body {
        bound_names(s, &mut bound, &mut declared);
    }
    bound.retain(|n| !declared.iter().any(|(_, d)| d == n));
    let (globals, nonlocals): (Vec<_>, Vec<_>) = declared.into_iter().partition(|(g, _)| *g);
    let mut locals = Vec::new();
    for n in bound {
        if !locals.contains(&n) {
            locals.push(n);
        }
    }
    let doc = match body.first().map(|s| &s.kind) {
        Some(StmtKind::Expr { expr, .. }) => match &expr.kind {
            ExprKind::Str(s) => Some(s.clone()),
            _ => None,
        },
        _ => None,
    };
    FuncDef {
        name,
        params,
        body,
        locals,
        globals: globals.into_iter().map(|(_, n)| n).collect(),
        nonlocals: nonlocals.into_iter().map(|(_, n)| n).collect(),
        doc,
    }
}

/// Collects the names statement `s` binds (not inside nested functions or comprehensions),
/// and the names it declares `global` or `nonlocal`.
fn bound_names(s: &Stmt, out: &mut Vec<String>, declared: &mut Vec<(bool, String)>) {
    let target = |t: &Target, out: &mut Vec<String>| {
        let mut names = Vec::new();
        t.names(&mut names);
        out.extend(names.into_iter().map(str::to_owned));
    };
    let block = |b: &[Stmt], out: &mut Vec<String>, declared: &mut Vec<(bool, String)>| {
        for s in b {
            bound_names(s, out, declared);
        }
    };
    match &s.kind {
        StmtKind::Assign { targets, .. } => targets.iter().for_each(|t| target(t, out)),
        StmtKind::AugAssign { target: t, .. } => target(t, out),
        StmtKind::For {
            target: t, body, ..
        } => {
            target(t, out);
            block(body, out, declared);
        }
        StmtKind::Del(ts) => ts.iter().for_each(|t| target(t, out)),
        StmtKind::Import(names) => out.extend(names.iter().map(|(m, alias)| {
            alias
                .clone()
                .unwrap_or_else(|| m.split('.').next().unwrap_or(m).to_owned())
        })),
        StmtKind::FromImport { names, .. } => out.extend(
            names
                .iter()
                .map(|(n, alias)| alias.clone().unwrap_or_else(|| n.clone())),
        ),
        StmtKind::Def(def) => out.push(def.name.clone()),
        StmtKind::If { branches, orelse } => {
            for (_, b) in branches {
                block(b, out, declared);
            }
            block(orelse, out, declared);
        }
        StmtKind::While { body, .. } => block(body, out, declared),
        StmtKind::Try {
            body,
            handlers,
            orelse,
            finally,
        } => {
            block(body, out, declared);
            for h in handlers {
                out.extend(h.name.clone());
                block(&h.body, out, declared);
            }
            block(orelse, out, declared);
            block(finally, out, declared);
        }
        StmtKind::With { items, body } => {
            for (_, t) in items {
                if let Some(t) = t {
                    target(t, out);
                }
            }
            block(body, out, declared);
        }
        StmtKind::Scope { global, names } => {
            declared.extend(names.iter().map(|n| (*global, n.clone())));
        }
        StmtKind::Expr { .. }
        | StmtKind::Return(_)
        | StmtKind::Raise(_)
        | StmtKind::Assert { .. }
        | StmtKind::Pass
        | StmtKind::Break
        | StmtKind::Continue
        | StmtKind::Magic(_)
        | StmtKind::Help { .. } => {}
    }
}
