//! The syntax tree of a cell: statements and expressions, each with its source position.

use std::sync::Arc;

use super::error::Pos;

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
    Mod,
    Pow,
    BitAnd,
    BitOr,
    BitXor,
    Shl,
    Shr,
}

impl BinOp {
    /// The operator as written.
    pub(crate) fn symbol(self) -> &'static str {
        match self {
            Self::Add => "+",
            Self::Sub => "-",
            Self::Mul => "*",
            Self::Div => "/",
            Self::FloorDiv => "//",
            Self::Mod => "%",
            Self::Pow => "**",
            Self::BitAnd => "&",
            Self::BitOr => "|",
            Self::BitXor => "^",
            Self::Shl => "<<",
            Self::Shr => ">>",
        }
    }

    /// The operator for a symbol (also the stem of an augmented assignment).
    pub(crate) fn from_symbol(s: &str) -> Option<Self> {
        Some(match s {
            "+" => Self::Add,
            "-" => Self::Sub,
            "*" => Self::Mul,
            "/" => Self::Div,
            "//" => Self::FloorDiv,
            "%" => Self::Mod,
            "**" => Self::Pow,
            "&" => Self::BitAnd,
            "|" => Self::BitOr,
            "^" => Self::BitXor,
            "<<" => Self::Shl,
            ">>" => Self::Shr,
            _ => return None,
        })
    }
}

/// A unary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnaryOp {
    Neg,
    Pos,
    Not,
    Invert,
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Is,
    IsNot,
}

/// One piece of an f-string.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FPart {
    /// Literal text.
    Lit(String),
    /// `{expr!conv:spec}`; `debug` holds the `expr=` text for self-documenting fields.
    Field {
        expr: Expr,
        conv: Option<char>,
        spec: Vec<FPart>,
        debug: Option<String>,
    },
}

/// A call argument.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Arg {
    Pos(Expr),
    Star(Expr),
    /// `**mapping`.
    DoubleStar(Expr),
    Kw(String, Expr),
}

/// An expression and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Expr {
    pub(crate) kind: ExprKind,
    pub(crate) pos: Pos,
}

/// The kinds of expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ExprKind {
    None,
    /// `...`.
    Ellipsis,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    FStr(Vec<FPart>),
    Name(String),
    List(Vec<Expr>),
    Tuple(Vec<Expr>),
    /// `{k: v, ...}`.
    Dict(Vec<(Expr, Expr)>),
    Attr(Box<Expr>, String),
    Call(Box<Expr>, Vec<Arg>),
    Index(Box<Expr>, Box<Expr>),
    Slice(Option<Box<Expr>>, Option<Box<Expr>>, Option<Box<Expr>>),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `a and b` (true) or `a or b` (false).
    Logic(bool, Box<Expr>, Box<Expr>),
    Compare(Box<Expr>, Vec<(CmpOp, Expr)>),
    IfElse {
        cond: Box<Expr>,
        then: Box<Expr>,
        other: Box<Expr>,
    },
    /// `[elt for ... in ... if ...]`.
    ListComp {
        elt: Box<Expr>,
        clauses: Vec<CompFor>,
    },
    /// `{key: value for ... in ... if ...}`.
    DictComp {
        key: Box<Expr>,
        value: Box<Expr>,
        clauses: Vec<CompFor>,
    },
    /// `lambda params: body` (the body is one `return` statement).
    Lambda(Arc<FuncDef>),
}

/// How a parameter of a `def` or `lambda` may be passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParamKind {
    /// Before `/`.
    PositionalOnly,
    /// By position or by name.
    Normal,
    /// After `*` or `*args`.
    KeywordOnly,
    /// `*args`.
    VarPositional,
    /// `**kwargs`.
    VarKeyword,
}

/// One parameter of a `def` or `lambda`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ParamDef {
    pub(crate) name: String,
    pub(crate) kind: ParamKind,
    /// Evaluated once, when the function is defined.
    pub(crate) default: Option<Expr>,
}

/// A function definition: `def` or `lambda`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FuncDef {
    /// `<lambda>` for a lambda.
    pub(crate) name: String,
    pub(crate) params: Vec<ParamDef>,
    pub(crate) body: Vec<Stmt>,
    /// The names the body binds (assignments, loop targets, imports, nested defs, `as`
    /// names): Python makes them local to the call unless declared `global`/`nonlocal`.
    pub(crate) locals: Vec<String>,
    /// Names declared `global` in the body.
    pub(crate) globals: Vec<String>,
    /// Names declared `nonlocal` in the body.
    pub(crate) nonlocals: Vec<String>,
    /// The first statement's string, if it is one.
    pub(crate) doc: Option<String>,
}

/// One `except [type [as name]]:` clause.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Handler {
    /// The class or tuple of classes matched; `None` catches everything.
    pub(crate) kind: Option<Expr>,
    pub(crate) name: Option<String>,
    pub(crate) body: Vec<Stmt>,
}

/// One `for target in iter if cond ...` clause of a comprehension.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CompFor {
    pub(crate) target: Target,
    pub(crate) iter: Expr,
    /// The `if` filters, all of which must hold.
    pub(crate) conds: Vec<Expr>,
}

/// An assignment target.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Target {
    Name(String),
    Tuple(Vec<Target>),
    /// `ds["x"]`, `da.attrs["units"]`, `da.name`: an item or attribute chain rooted at a name
    /// (an `Attr` or `Index` expression; the parser checks the root).
    Store(Expr),
}

impl Target {
    /// Every name the target binds, in order.
    pub(crate) fn names<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Self::Name(n) => out.push(n),
            Self::Tuple(ts) => ts.iter().for_each(|t| t.names(out)),
            // Storing into an item or attribute rebinds its root, which is already bound.
            Self::Store(_) => {}
        }
    }
}

/// A statement and its first line.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Stmt {
    pub(crate) kind: StmtKind,
    pub(crate) line: usize,
}

/// The kinds of statement.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum StmtKind {
    /// An expression; `hidden` when it ends with `;`.
    Expr {
        expr: Expr,
        hidden: bool,
    },
    Assign {
        targets: Vec<Target>,
        value: Expr,
    },
    /// `target op= value`; the target is a name or a [`Target::Store`].
    AugAssign {
        target: Target,
        op: BinOp,
        value: Expr,
    },
    If {
        branches: Vec<(Expr, Vec<Stmt>)>,
        orelse: Vec<Stmt>,
    },
    For {
        target: Target,
        iter: Expr,
        body: Vec<Stmt>,
    },
    /// `import module [as alias], ...`.
    Import(Vec<(String, Option<String>)>),
    /// `from module import name [as alias], ...`.
    FromImport {
        module: String,
        names: Vec<(String, Option<String>)>,
    },
    /// `del a, d[k], lst[1:3]`: names or item chains rooted at a name.
    Del(Vec<Target>),
    Pass,
    Break,
    Continue,
    /// `def name(params): body`.
    Def(Arc<FuncDef>),
    Return(Option<Expr>),
    While {
        cond: Expr,
        body: Vec<Stmt>,
    },
    /// `try` with its `except` clauses, `else` and `finally` blocks.
    Try {
        body: Vec<Stmt>,
        handlers: Vec<Handler>,
        orelse: Vec<Stmt>,
        finally: Vec<Stmt>,
    },
    /// `raise [exc]`.
    Raise(Option<Expr>),
    Assert {
        test: Expr,
        msg: Option<Expr>,
    },
    /// `with ctx [as target], ...: body`.
    With {
        items: Vec<(Expr, Option<Target>)>,
        body: Vec<Stmt>,
    },
    /// `global a, b` (`nonlocal` when false).
    Scope {
        global: bool,
        names: Vec<String>,
    },
    /// A line magic: the text after its `%` (`time x`, or `%time` for a misplaced cell magic).
    Magic(String),
    /// `name?` / `?name`: the dotted path, and the detail level (`??` is 1).
    Help {
        path: Vec<String>,
        detail: u8,
    },
}
