//! Expression parsing for [`Parser`](super::Parser), lowest precedence first.

use super::super::ast::{Arg, BinOp, CmpOp, CompFor, Expr, ExprKind, FPart, Target, UnaryOp};
use super::super::error::{Exc, ExcKind, Res};
use super::super::fstring;
use super::super::lexer::Tok;
use super::target::to_target;
use super::{generator, is_keyword, unsupported, Parser, UNSUPPORTED};

impl Parser {
    /// A `for` target: one or more targets separated by commas, up to `in`.
    pub(super) fn target_list(&mut self) -> Res<Target> {
        let mut items = vec![self.or_expr()?];
        while self.eat_op(",") {
            if self.is_kw("in") {
                break;
            }
            items.push(self.or_expr()?);
        }
        let target_expr = if items.len() == 1 {
            items.pop().ok_or_else(|| self.unexpected("a target"))?
        } else {
            let pos = items[0].pos;
            Expr {
                kind: ExprKind::Tuple(items),
                pos,
            }
        };
        to_target(target_expr)
    }

    /// The `for target in iter [if cond ...]` clauses after a comprehension's element.
    fn comp_clauses(&mut self) -> Res<Vec<CompFor>> {
        let mut clauses = Vec::new();
        while self.eat_kw("for") {
            self.enter()?;
            let target = self.target_list()?;
            if !self.eat_kw("in") {
                return Err(self.unexpected("'in'"));
            }
            let iter = self.or_test()?;
            let mut conds = Vec::new();
            while self.eat_kw("if") {
                conds.push(self.or_test()?);
            }
            clauses.push(CompFor {
                target,
                iter,
                conds,
            });
        }
        self.leave(clauses.len());
        Ok(clauses)
    }

    /// `a, b, c` (a tuple) or a single expression.
    pub(super) fn testlist(&mut self) -> Res<Expr> {
        let first = self.test()?;
        if !self.is_op(",") {
            return Ok(first);
        }
        let pos = first.pos;
        let mut items = vec![first];
        while self.eat_op(",") {
            if self.starts_expr() {
                items.push(self.test()?);
            } else {
                break;
            }
        }
        Ok(Expr {
            kind: ExprKind::Tuple(items),
            pos,
        })
    }

    pub(super) fn starts_expr(&self) -> bool {
        match self.peek() {
            Tok::Name(n) => {
                !is_keyword(n) || matches!(n.as_str(), "True" | "False" | "None" | "not" | "lambda")
            }
            Tok::Int(_) | Tok::Float(_) | Tok::Str(_) | Tok::FStr { .. } => true,
            Tok::Op(o) => matches!(*o, "(" | "[" | "{" | "-" | "+" | "~" | "..."),
            _ => false,
        }
    }

    pub(super) fn test(&mut self) -> Res<Expr> {
        if self.is_kw("lambda") {
            return self.lambda();
        }
        let e = self.or_test()?;
        if self.is_kw("if") {
            self.i += 1;
            self.enter()?;
            let cond = self.or_test()?;
            if !self.eat_kw("else") {
                return Err(self.unexpected("'else'"));
            }
            let other = self.test()?;
            self.leave(1);
            let pos = e.pos;
            return Ok(Expr {
                kind: ExprKind::IfElse {
                    cond: Box::new(cond),
                    then: Box::new(e),
                    other: Box::new(other),
                },
                pos,
            });
        }
        Ok(e)
    }

    pub(super) fn logic_chain(&mut self, kw: &str, and: bool) -> Res<Expr> {
        let mut e = if and {
            self.not_test()?
        } else {
            self.logic_chain("and", true)?
        };
        let mut levels = 0;
        while self.eat_kw(kw) {
            self.enter()?;
            levels += 1;
            let rhs = if and {
                self.not_test()?
            } else {
                self.logic_chain("and", true)?
            };
            let pos = e.pos;
            e = Expr {
                kind: ExprKind::Logic(and, Box::new(e), Box::new(rhs)),
                pos,
            };
        }
        self.leave(levels);
        Ok(e)
    }

    pub(super) fn or_test(&mut self) -> Res<Expr> {
        self.logic_chain("or", false)
    }

    pub(super) fn not_test(&mut self) -> Res<Expr> {
        let pos = self.pos();
        if self.eat_kw("not") {
            self.enter()?;
            let e = self.not_test()?;
            self.leave(1);
            return Ok(Expr {
                kind: ExprKind::Unary(UnaryOp::Not, Box::new(e)),
                pos,
            });
        }
        self.comparison()
    }

    pub(super) fn comparison(&mut self) -> Res<Expr> {
        let first = self.or_expr()?;
        let mut rest = Vec::new();
        loop {
            let op = match self.peek() {
                Tok::Op("==") => CmpOp::Eq,
                Tok::Op("!=") => CmpOp::Ne,
                Tok::Op("<") => CmpOp::Lt,
                Tok::Op("<=") => CmpOp::Le,
                Tok::Op(">") => CmpOp::Gt,
                Tok::Op(">=") => CmpOp::Ge,
                Tok::Name(n) if n == "in" => CmpOp::In,
                Tok::Name(n)
                    if n == "not" && matches!(self.peek_at(1), Tok::Name(m) if m == "in") =>
                {
                    self.i += 1;
                    CmpOp::NotIn
                }
                Tok::Name(n) if n == "is" => {
                    if matches!(self.peek_at(1), Tok::Name(m) if m == "not") {
                        self.i += 1;
                        CmpOp::IsNot
                    } else {
                        CmpOp::Is
                    }
                }
                _ => break,
            };
            self.i += 1;
            self.enter()?;
            rest.push((op, self.or_expr()?));
        }
        self.leave(rest.len());
        if rest.is_empty() {
            return Ok(first);
        }
        let pos = first.pos;
        Ok(Expr {
            kind: ExprKind::Compare(Box::new(first), rest),
            pos,
        })
    }

    /// Left-associative binary operators by precedence climbing (one frame per level of nesting).
    pub(super) fn binary(&mut self, min_prec: u8) -> Res<Expr> {
        fn prec(op: &str) -> Option<u8> {
            Some(match op {
                "|" => 1,
                "^" => 2,
                "&" => 3,
                "<<" | ">>" => 4,
                "+" | "-" => 5,
                "*" | "/" | "//" | "%" | "@" => 6,
                _ => return None,
            })
        }
        let mut e = self.unary()?;
        let mut levels = 0;
        while let Tok::Op(op) = self.peek() {
            let op = *op;
            let Some(p) = prec(op).filter(|&p| p >= min_prec) else {
                break;
            };
            let pos = self.pos();
            self.i += 1;
            let Some(bop) = BinOp::from_symbol(op) else {
                return Err(Exc::at(
                    ExcKind::NotImplementedError,
                    format!("operator '{op}' is not supported yet"),
                    pos,
                ));
            };
            self.enter()?;
            levels += 1;
            let rhs = self.binary(p + 1)?;
            e = Expr {
                kind: ExprKind::Binary(bop, Box::new(e), Box::new(rhs)),
                pos,
            };
        }
        self.leave(levels);
        Ok(e)
    }

    pub(super) fn or_expr(&mut self) -> Res<Expr> {
        self.binary(1)
    }

    pub(super) fn unary(&mut self) -> Res<Expr> {
        let pos = self.pos();
        let op = match self.peek() {
            Tok::Op("-") => UnaryOp::Neg,
            Tok::Op("+") => UnaryOp::Pos,
            Tok::Op("~") => UnaryOp::Invert,
            _ => return self.power(),
        };
        self.i += 1;
        self.enter()?;
        let e = self.unary()?;
        self.leave(1);
        Ok(Expr {
            kind: ExprKind::Unary(op, Box::new(e)),
            pos,
        })
    }

    pub(super) fn power(&mut self) -> Res<Expr> {
        let base = self.primary()?;
        if self.is_op("**") {
            let pos = self.pos();
            self.i += 1;
            self.enter()?;
            let exp = self.unary()?;
            self.leave(1);
            return Ok(Expr {
                kind: ExprKind::Binary(BinOp::Pow, Box::new(base), Box::new(exp)),
                pos,
            });
        }
        Ok(base)
    }

    pub(super) fn primary(&mut self) -> Res<Expr> {
        let mut e = self.atom()?;
        let mut levels = 0;
        loop {
            let pos = self.pos();
            let kind = if self.eat_op(".") {
                ExprKind::Attr(Box::new(e), self.name()?)
            } else if self.eat_op("(") {
                ExprKind::Call(Box::new(e), self.call_args()?)
            } else if self.eat_op("[") {
                self.enter()?;
                let idx = self.subscript()?;
                self.leave(1);
                self.expect_op("]")?;
                ExprKind::Index(Box::new(e), Box::new(idx))
            } else {
                break;
            };
            self.enter()?;
            levels += 1;
            e = Expr { kind, pos };
        }
        self.leave(levels);
        Ok(e)
    }

    pub(super) fn call_args(&mut self) -> Res<Vec<Arg>> {
        self.enter()?;
        let mut args = Vec::new();
        while !self.eat_op(")") {
            if self.eat_op("*") {
                args.push(Arg::Star(self.test()?));
            } else if self.eat_op("**") {
                args.push(Arg::DoubleStar(self.test()?));
            } else if matches!(self.peek(), Tok::Name(_)) && self.peek_at(1) == &Tok::Op("=") {
                let name = self.name()?;
                self.i += 1;
                args.push(Arg::Kw(name, self.test()?));
            } else {
                if args
                    .iter()
                    .any(|a| matches!(a, Arg::Kw(..) | Arg::DoubleStar(_)))
                {
                    return Err(Exc::syntax(
                        "positional argument follows keyword argument",
                        self.pos(),
                    ));
                }
                let first = self.test()?;
                if self.is_kw("for") {
                    // `f(x for x in xs)`: the generator is consumed by the call, so a list
                    // holds the same items.
                    let pos = first.pos;
                    let clauses = self.comp_clauses()?;
                    args.push(Arg::Pos(Expr {
                        kind: ExprKind::ListComp {
                            elt: Box::new(first),
                            clauses,
                        },
                        pos,
                    }));
                } else {
                    args.push(Arg::Pos(first));
                }
            }
            if !self.eat_op(",") {
                self.expect_op(")")?;
                break;
            }
        }
        self.leave(1);
        Ok(args)
    }

    pub(super) fn subscript(&mut self) -> Res<Expr> {
        let pos = self.pos();
        let mut items = Vec::new();
        loop {
            items.push(self.slice_item()?);
            if !self.eat_op(",") || self.is_op("]") {
                break;
            }
        }
        if items.len() == 1 {
            return items.pop().ok_or_else(|| self.unexpected("an index"));
        }
        Ok(Expr {
            kind: ExprKind::Tuple(items),
            pos,
        })
    }

    pub(super) fn slice_item(&mut self) -> Res<Expr> {
        let pos = self.pos();
        let part = |p: &mut Self| -> Res<Option<Box<Expr>>> {
            if p.is_op(":") || p.is_op("]") || p.is_op(",") {
                Ok(None)
            } else {
                Ok(Some(Box::new(p.test()?)))
            }
        };
        let lo = part(self)?;
        if !self.eat_op(":") {
            return lo.map(|b| *b).ok_or_else(|| self.unexpected("an index"));
        }
        let hi = part(self)?;
        let step = if self.eat_op(":") { part(self)? } else { None };
        Ok(Expr {
            kind: ExprKind::Slice(lo, hi, step),
            pos,
        })
    }

    pub(super) fn atom(&mut self) -> Res<Expr> {
        let pos = self.pos();
        let tok = self.peek().clone();
        let kind = match tok {
            Tok::Int(v) => {
                self.i += 1;
                ExprKind::Int(v)
            }
            Tok::Float(v) => {
                self.i += 1;
                ExprKind::Float(v)
            }
            Tok::Str(_) | Tok::FStr { .. } => return self.strings(),
            Tok::Op("...") => {
                self.i += 1;
                ExprKind::Ellipsis
            }
            Tok::Name(n) => {
                self.i += 1;
                match n.as_str() {
                    "True" => ExprKind::Bool(true),
                    "False" => ExprKind::Bool(false),
                    "None" => ExprKind::None,
                    w if UNSUPPORTED.contains(&w) => return Err(unsupported(w, pos)),
                    w if is_keyword(w) => {
                        self.i -= 1;
                        return Err(self.unexpected("an expression"));
                    }
                    _ => ExprKind::Name(n),
                }
            }
            Tok::Op("(") => {
                self.i += 1;
                self.enter()?;
                if self.eat_op(")") {
                    self.leave(1);
                    return Ok(Expr {
                        kind: ExprKind::Tuple(Vec::new()),
                        pos,
                    });
                }
                let first = self.test()?;
                if self.is_kw("for") {
                    return Err(generator(self.pos()));
                }
                let e = if self.is_op(",") {
                    let mut items = vec![first];
                    while self.eat_op(",") && !self.is_op(")") {
                        items.push(self.test()?);
                    }
                    Expr {
                        kind: ExprKind::Tuple(items),
                        pos,
                    }
                } else {
                    first
                };
                self.expect_op(")")?;
                self.leave(1);
                return Ok(e);
            }
            Tok::Op("[") => {
                self.i += 1;
                self.enter()?;
                let mut items = Vec::new();
                while !self.eat_op("]") {
                    items.push(self.test()?);
                    if self.is_kw("for") {
                        if items.len() > 1 {
                            return Err(Exc::syntax(
                                "did you forget parentheses around the comprehension target?",
                                pos,
                            ));
                        }
                        let elt = Box::new(items.remove(0));
                        let clauses = self.comp_clauses()?;
                        self.expect_op("]")?;
                        self.leave(1);
                        return Ok(Expr {
                            kind: ExprKind::ListComp { elt, clauses },
                            pos,
                        });
                    }
                    if !self.eat_op(",") {
                        self.expect_op("]")?;
                        break;
                    }
                }
                self.leave(1);
                ExprKind::List(items)
            }
            Tok::Op("{") => {
                self.i += 1;
                self.enter()?;
                let mut pairs = Vec::new();
                while !self.eat_op("}") {
                    let key = self.test()?;
                    if !self.is_op(":") {
                        let what = if self.is_kw("for") {
                            "set comprehensions"
                        } else {
                            "set literals"
                        };
                        return Err(Exc::at(
                            ExcKind::NotImplementedError,
                            format!("{what} are not supported in Nereus cells yet; use a dict {{key: value}} or a list"),
                            pos,
                        ));
                    }
                    self.i += 1;
                    let value = self.test()?;
                    if self.is_kw("for") {
                        if !pairs.is_empty() {
                            return Err(Exc::syntax("invalid syntax: a comprehension must be the only item of a dict display", self.pos()));
                        }
                        let clauses = self.comp_clauses()?;
                        self.expect_op("}")?;
                        self.leave(1);
                        return Ok(Expr {
                            kind: ExprKind::DictComp {
                                key: Box::new(key),
                                value: Box::new(value),
                                clauses,
                            },
                            pos,
                        });
                    }
                    pairs.push((key, value));
                    if !self.eat_op(",") {
                        self.expect_op("}")?;
                        break;
                    }
                }
                self.leave(1);
                ExprKind::Dict(pairs)
            }
            _ => return Err(self.unexpected("an expression")),
        };
        Ok(Expr { kind, pos })
    }

    /// Adjacent string literals, concatenated; an f-string among them makes the whole an f-string.
    pub(super) fn strings(&mut self) -> Res<Expr> {
        let pos = self.pos();
        let mut parts = Vec::new();
        let mut any_f = false;
        loop {
            let tpos = self.pos();
            match self.peek().clone() {
                Tok::Str(s) => parts.push(FPart::Lit(s)),
                Tok::FStr { body, raw } => {
                    any_f = true;
                    parts.extend(fstring::parse(&body, raw, tpos, self.depth)?);
                }
                _ => break,
            }
            self.i += 1;
        }
        if !any_f {
            let s = parts
                .into_iter()
                .map(|p| {
                    if let FPart::Lit(s) = p {
                        s
                    } else {
                        String::new()
                    }
                })
                .collect();
            return Ok(Expr {
                kind: ExprKind::Str(s),
                pos,
            });
        }
        Ok(Expr {
            kind: ExprKind::FStr(parts),
            pos,
        })
    }
}
