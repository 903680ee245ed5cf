//! Builds the syntax tree from tokens: statements, blocks and expressions by precedence.
//!
//! Hand-written rather than a Python parser crate: ruff's parser is not published by its
//! authors, and `rustpython-ruff_python_parser` is an unofficial republish that follows ruff's
//! internal API churn. A full Python grammar would also accept `def`, `lambda` and the rest,
//! which cells must reject with a pointer to `%%rust`, and our errors need the subset's own
//! "expected ..." messages, columns in code points and the incomplete-input answers that
//! `is_complete` gives from this same parser.

use super::ast::{BinOp, Expr, ExprKind, Stmt, StmtKind};
use super::error::{Exc, ExcKind, Pos, Res};
use super::lexer::{tokenize, Tok, Token};

mod compound;
mod expr;
mod target;

use target::to_target;

/// Deepest nesting of brackets, operators and blocks a cell may use.
pub(crate) const MAX_DEPTH: usize = 100;

/// Keywords that Python has but Nereus cells do not run.
pub(crate) const UNSUPPORTED: &[&str] = &["class", "async", "await", "yield"];

/// Every Python keyword (completion offers the supported ones).
pub(crate) const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// Stack for the parser thread: recursive descent needs ~20 KiB per nesting level in debug builds.
const PARSE_STACK: usize = 16 << 20;

/// Runs `f` on a thread with a stack big enough for [`MAX_DEPTH`] levels, whatever thread calls.
fn on_big_stack<T: Send>(f: impl FnOnce() -> Res<T> + Send) -> Res<T> {
    std::thread::scope(|s| {
        let handle = std::thread::Builder::new()
            .name("nereus-parse".into())
            .stack_size(PARSE_STACK)
            .spawn_scoped(s, f);
        match handle {
            Ok(h) => h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
            Err(e) => Err(Exc::new(
                ExcKind::MemoryError,
                format!("cannot start the parser thread: {e}"),
            )),
        }
    })
}

/// Parses a whole cell.
pub(crate) fn parse_program(source: &str) -> Res<Vec<Stmt>> {
    on_big_stack(|| parse_program_here(source))
}

/// Parses a single expression (user_expressions), allowing a bare tuple.
pub(crate) fn parse_expression(source: &str) -> Res<Expr> {
    on_big_stack(|| parse_expression_here(source, 0))
}

fn parse_program_here(source: &str) -> Res<Vec<Stmt>> {
    let toks = tokenize(source).map_err(|e| e.exc)?;
    let mut p = Parser {
        toks,
        i: 0,
        depth: 0,
    };
    let mut stmts = Vec::new();
    while !p.at_eof() {
        if p.peek() == &Tok::Newline {
            p.i += 1;
            continue;
        }
        p.statement(&mut stmts)?;
    }
    Ok(stmts)
}

/// Parses a single expression on the current thread (f-string fields), starting at `depth`.
pub(crate) fn parse_expression_here(source: &str, depth: usize) -> Res<Expr> {
    let toks = tokenize(source).map_err(|e| e.exc)?;
    let mut p = Parser { toks, i: 0, depth };
    let e = p.testlist()?;
    while p.peek() == &Tok::Newline {
        p.i += 1;
    }
    if !p.at_eof() {
        return Err(p.unexpected("end of expression"));
    }
    Ok(e)
}

/// The error for a keyword Nereus does not run.
pub(crate) fn unsupported(word: &str, pos: Pos) -> Exc {
    Exc::at(
        ExcKind::NotImplementedError,
        format!("'{word}' is not supported in Nereus cells; use a %%rust cell for general code"),
        pos,
    )
}

struct Parser {
    toks: Vec<Token>,
    i: usize,
    depth: usize,
}

fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

impl Parser {
    fn peek(&self) -> &Tok {
        self.toks.get(self.i).map_or(&Tok::Eof, |t| &t.tok)
    }

    fn peek_at(&self, k: usize) -> &Tok {
        self.toks.get(self.i + k).map_or(&Tok::Eof, |t| &t.tok)
    }

    fn pos(&self) -> Pos {
        self.toks
            .get(self.i)
            .or(self.toks.last())
            .map_or(Pos::default(), |t| t.pos)
    }

    fn at_eof(&self) -> bool {
        matches!(self.peek(), Tok::Eof)
    }

    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek(), Tok::Op(o) if *o == op)
    }

    fn is_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Tok::Name(n) if n == kw)
    }

    fn eat_op(&mut self, op: &str) -> bool {
        let hit = self.is_op(op);
        if hit {
            self.i += 1;
        }
        hit
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        let hit = self.is_kw(kw);
        if hit {
            self.i += 1;
        }
        hit
    }

    fn describe(tok: &Tok) -> String {
        match tok {
            Tok::Name(n) => format!("'{n}'"),
            Tok::Int(_) | Tok::Float(_) => "a number".into(),
            Tok::Str(_) | Tok::FStr { .. } => "a string".into(),
            Tok::Op(o) => format!("'{o}'"),
            Tok::Newline => "end of line".into(),
            Tok::Indent => "an indent".into(),
            Tok::Dedent => "a dedent".into(),
            Tok::Eof => "end of input".into(),
            Tok::Magic(_) => "a magic".into(),
        }
    }

    fn unexpected(&self, expected: &str) -> Exc {
        let tok = self.peek();
        if let Tok::Name(n) = tok {
            if UNSUPPORTED.contains(&n.as_str()) {
                return unsupported(n, self.pos());
            }
        }
        if tok == &Tok::Indent {
            return Exc::at(ExcKind::IndentationError, "unexpected indent", self.pos());
        }
        Exc::syntax(
            format!(
                "invalid syntax: expected {expected}, found {}",
                Self::describe(tok)
            ),
            self.pos(),
        )
    }

    fn expect_op(&mut self, op: &str) -> Res<()> {
        if self.eat_op(op) {
            Ok(())
        } else {
            Err(self.unexpected(&format!("'{op}'")))
        }
    }

    fn name(&mut self) -> Res<String> {
        match self.peek().clone() {
            Tok::Name(n) if !is_keyword(&n) => {
                self.i += 1;
                Ok(n)
            }
            _ => Err(self.unexpected("a name")),
        }
    }

    fn enter(&mut self) -> Res<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Exc::syntax(
                format!("too deeply nested: more than {MAX_DEPTH} levels of brackets, operators or blocks"),
                self.pos(),
            ));
        }
        Ok(())
    }

    fn leave(&mut self, levels: usize) {
        self.depth -= levels;
    }

    // ---- statements ----

    fn statement(&mut self, out: &mut Vec<Stmt>) -> Res<()> {
        let line = self.pos().line;
        match self.peek() {
            Tok::Name(k) if k == "if" => {
                let s = self.if_stmt()?;
                out.push(Stmt { kind: s, line });
            }
            Tok::Name(k) if k == "for" => {
                let s = self.for_stmt()?;
                out.push(Stmt { kind: s, line });
            }
            Tok::Name(k) if matches!(k.as_str(), "def" | "while" | "try" | "with") => {
                let s = match k.as_str() {
                    "def" => self.def_stmt()?,
                    "while" => self.while_stmt()?,
                    "try" => self.try_stmt()?,
                    _ => self.with_stmt()?,
                };
                out.push(Stmt { kind: s, line });
            }
            Tok::Op("@") => {
                return Err(Exc::at(
                    ExcKind::NotImplementedError,
                    "decorators are not supported in Nereus cells",
                    self.pos(),
                ))
            }
            Tok::Name(k) if UNSUPPORTED.contains(&k.as_str()) => {
                return Err(unsupported(k, self.pos()))
            }
            Tok::Magic(text) => {
                let kind = StmtKind::Magic(text.clone());
                self.i += 1;
                match self.peek() {
                    Tok::Newline => self.i += 1,
                    Tok::Eof => {}
                    _ => return Err(self.unexpected("end of line")),
                }
                out.push(Stmt { kind, line });
            }
            _ => self.simple_line(out)?,
        }
        Ok(())
    }

    /// Simple statements separated by `;`, up to the end of the line.
    fn simple_line(&mut self, out: &mut Vec<Stmt>) -> Res<()> {
        loop {
            let line = self.pos().line;
            let kind = self.simple_stmt()?;
            let semi = self.eat_op(";");
            let kind = match kind {
                StmtKind::Expr { expr, .. } if semi => StmtKind::Expr { expr, hidden: true },
                k => k,
            };
            out.push(Stmt { kind, line });
            if matches!(self.peek(), Tok::Newline | Tok::Eof) {
                if self.peek() == &Tok::Newline {
                    self.i += 1;
                }
                return Ok(());
            }
            if !semi {
                return Err(self.unexpected("end of line or ';'"));
            }
        }
    }

    fn simple_stmt(&mut self) -> Res<StmtKind> {
        let pos = self.pos();
        if self.eat_op("?") {
            return self.help_path(pos, 0);
        }
        if self.eat_kw("pass") {
            return Ok(StmtKind::Pass);
        }
        if self.eat_kw("break") {
            return Ok(StmtKind::Break);
        }
        if self.eat_kw("continue") {
            return Ok(StmtKind::Continue);
        }
        if self.eat_kw("import") {
            let mut names = Vec::new();
            loop {
                let module = self.dotted()?;
                let alias = if self.eat_kw("as") {
                    Some(self.name()?)
                } else {
                    None
                };
                names.push((module, alias));
                if !self.eat_op(",") {
                    return Ok(StmtKind::Import(names));
                }
            }
        }
        if self.eat_kw("from") {
            let module = self.dotted()?;
            if !self.eat_kw("import") {
                return Err(self.unexpected("'import'"));
            }
            let paren = self.eat_op("(");
            let mut names = Vec::new();
            loop {
                if self.is_op("*") {
                    return Err(Exc::at(
                        ExcKind::NotImplementedError,
                        "'from ... import *' is not supported in Nereus cells",
                        self.pos(),
                    ));
                }
                let name = self.name()?;
                let alias = if self.eat_kw("as") {
                    Some(self.name()?)
                } else {
                    None
                };
                names.push((name, alias));
                if !self.eat_op(",") || (paren && self.is_op(")")) {
                    break;
                }
            }
            if paren {
                self.expect_op(")")?;
            }
            return Ok(StmtKind::FromImport { module, names });
        }
        if let Some(kind) = self.flow_stmt()? {
            return Ok(kind);
        }
        if self.eat_kw("del") {
            let targets = self.testlist()?;
            return Ok(StmtKind::Del(target::del_targets(targets)?));
        }
        let first = self.testlist()?;
        if self.is_op("?") {
            let path = dotted_path(&first).ok_or_else(|| {
                Exc::syntax(
                    "help ('?') needs a name such as 'len?' or 'time.sleep?'",
                    pos,
                )
            })?;
            let mut detail = 0;
            while self.eat_op("?") {
                detail += 1;
            }
            return Ok(StmtKind::Help {
                path,
                detail: (detail - 1).min(1),
            });
        }
        if let Tok::Op(op) = self.peek() {
            if let Some(stem) = op
                .strip_suffix('=')
                .filter(|s| !s.is_empty() && !matches!(*s, "=" | "!" | "<" | ">" | ":"))
            {
                let op =
                    BinOp::from_symbol(stem).ok_or_else(|| self.unexpected("an expression"))?;
                let target = target::aug_target(first)?;
                self.i += 1;
                let value = self.testlist()?;
                return Ok(StmtKind::AugAssign { target, op, value });
            }
        }
        if self.is_op("=") {
            let mut targets = vec![to_target(first)?];
            let mut value;
            loop {
                self.expect_op("=")?;
                value = self.testlist()?;
                if !self.is_op("=") {
                    break;
                }
                targets.push(to_target(value)?);
            }
            return Ok(StmtKind::Assign { targets, value });
        }
        Ok(StmtKind::Expr {
            expr: first,
            hidden: false,
        })
    }

    fn help_path(&mut self, pos: Pos, detail: u8) -> Res<StmtKind> {
        let mut detail = detail;
        if self.eat_op("?") {
            detail = 1;
        }
        let first = self.testlist()?;
        let path = dotted_path(&first).ok_or_else(|| {
            Exc::syntax(
                "help ('?') needs a name such as '?len' or '?time.sleep'",
                pos,
            )
        })?;
        Ok(StmtKind::Help { path, detail })
    }

    fn dotted(&mut self) -> Res<String> {
        let mut s = self.name()?;
        while self.eat_op(".") {
            s.push('.');
            s.push_str(&self.name()?);
        }
        Ok(s)
    }

    fn block(&mut self) -> Res<Vec<Stmt>> {
        self.expect_op(":")?;
        self.enter()?;
        let mut body = Vec::new();
        if self.peek() == &Tok::Newline {
            self.i += 1;
            if self.peek() != &Tok::Indent {
                return Err(Exc::at(
                    ExcKind::IndentationError,
                    "expected an indented block",
                    self.pos(),
                ));
            }
            self.i += 1;
            while !matches!(self.peek(), Tok::Dedent | Tok::Eof) {
                self.statement(&mut body)?;
            }
            if self.peek() == &Tok::Dedent {
                self.i += 1;
            }
        } else {
            self.simple_line(&mut body)?;
        }
        self.leave(1);
        Ok(body)
    }

    fn if_stmt(&mut self) -> Res<StmtKind> {
        self.i += 1;
        let mut branches = vec![(self.test()?, self.block()?)];
        let mut orelse = Vec::new();
        loop {
            if self.eat_kw("elif") {
                branches.push((self.test()?, self.block()?));
            } else if self.eat_kw("else") {
                orelse = self.block()?;
                break;
            } else {
                break;
            }
        }
        Ok(StmtKind::If { branches, orelse })
    }

    fn for_stmt(&mut self) -> Res<StmtKind> {
        self.i += 1;
        let target = self.target_list()?;
        if !self.eat_kw("in") {
            return Err(self.unexpected("'in'"));
        }
        let iter = self.testlist()?;
        let body = self.block()?;
        self.no_loop_else("for")?;
        Ok(StmtKind::For { target, iter, body })
    }
}

/// The error for `(x for x in xs)` outside a call: generators would need lazy iteration.
fn generator(pos: Pos) -> Exc {
    Exc::at(
        ExcKind::NotImplementedError,
        "generator expressions are only supported as a call's argument in Nereus cells (sum(x for x in ...)); use a list comprehension [x for x in ...]",
        pos,
    )
}

/// `a.b.c` as a list of names, if the expression is one.
fn dotted_path(e: &Expr) -> Option<Vec<String>> {
    match &e.kind {
        ExprKind::Name(n) => Some(vec![n.clone()]),
        ExprKind::Attr(base, attr) => {
            let mut p = dotted_path(base)?;
            p.push(attr.clone());
            Some(p)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(src: &str) -> Result<Vec<StmtKind>, Exc> {
        parse_program(src).map(|v| v.into_iter().map(|s| s.kind).collect())
    }

    #[test]
    fn assignment_chains_and_augmented() {
        let s = kind("a = b = 2\nx += 1").unwrap_or_default();
        assert!(matches!(&s[0], StmtKind::Assign { targets, .. } if targets.len() == 2));
        assert!(matches!(&s[1], StmtKind::AugAssign { op: BinOp::Add, .. }));
    }

    #[test]
    fn semicolon_hides_only_the_last() {
        let s = kind("1; 2;").unwrap_or_default();
        assert!(matches!(&s[1], StmtKind::Expr { hidden: true, .. }));
        let s = kind("1; 2").unwrap_or_default();
        assert!(matches!(&s[1], StmtKind::Expr { hidden: false, .. }));
    }

    #[test]
    fn help_forms() {
        assert!(
            matches!(&kind("time.sleep?").unwrap_or_default()[0], StmtKind::Help { path, detail: 0 } if path.len() == 2)
        );
        assert!(
            matches!(&kind("?len").unwrap_or_default()[0], StmtKind::Help { path, .. } if path[0] == "len")
        );
        assert!(matches!(
            &kind("len??").unwrap_or_default()[0],
            StmtKind::Help { detail: 1, .. }
        ));
    }

    #[test]
    fn errors_point_at_the_problem() {
        let e = kind("f(1 2)").err();
        assert!(
            e.as_ref().is_some_and(
                |e| e.msg.contains("expected ')'") && e.pos == Some(Pos { line: 1, col: 4 })
            ),
            "{e:?}"
        );
        assert!(kind("class A:\n  pass").is_err_and(|e| e.kind == ExcKind::NotImplementedError));
        assert!(kind("a = = 1").is_err_and(|e| e.kind == ExcKind::SyntaxError));
        assert!(kind("if x:\ny").is_err_and(|e| e.kind == ExcKind::IndentationError));
    }

    #[test]
    fn nesting_up_to_the_limit_parses_on_a_small_stack() {
        let ok = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(|| {
                let src = "(".repeat(MAX_DEPTH - 2) + "-1" + &")".repeat(MAX_DEPTH - 2);
                kind(&src).is_ok()
            })
            .map(|h| h.join().unwrap_or(false));
        assert!(matches!(ok, Ok(true)));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let src = "(".repeat(10_000) + &")".repeat(10_000);
        assert!(kind(&src).is_err_and(|e| e.msg.contains("too deeply nested")));
        let chain = vec!["1"; 5000].join("+");
        assert!(kind(&chain).is_err());
        let unary = "-".repeat(10_000) + "1";
        assert!(kind(&unary).is_err());
    }
}
