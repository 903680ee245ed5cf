//! Exceptions raised inside a cell, typed by Python exception class, and their tracebacks.

use super::LangError;

/// The Python exception classes a cell can raise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExcKind {
    SyntaxError,
    IndentationError,
    NameError,
    TypeError,
    ValueError,
    ZeroDivisionError,
    OverflowError,
    IndexError,
    AttributeError,
    ModuleNotFoundError,
    ImportError,
    NotImplementedError,
    KeyboardInterrupt,
    MemoryError,
    KeyError,
    OSError,
    FileNotFoundError,
    RuntimeError,
    RecursionError,
    UsageError,
    BaseException,
    Exception,
    AssertionError,
    UnboundLocalError,
    LookupError,
    ArithmeticError,
    StopIteration,
    Warning,
    UserWarning,
    DeprecationWarning,
    RuntimeWarning,
    FutureWarning,
}

/// Every class, for lookup by name.
const ALL: &[ExcKind] = &[
    ExcKind::SyntaxError,
    ExcKind::IndentationError,
    ExcKind::NameError,
    ExcKind::TypeError,
    ExcKind::ValueError,
    ExcKind::ZeroDivisionError,
    ExcKind::OverflowError,
    ExcKind::IndexError,
    ExcKind::AttributeError,
    ExcKind::ModuleNotFoundError,
    ExcKind::ImportError,
    ExcKind::NotImplementedError,
    ExcKind::KeyboardInterrupt,
    ExcKind::MemoryError,
    ExcKind::KeyError,
    ExcKind::OSError,
    ExcKind::FileNotFoundError,
    ExcKind::RuntimeError,
    ExcKind::RecursionError,
    ExcKind::BaseException,
    ExcKind::Exception,
    ExcKind::AssertionError,
    ExcKind::UnboundLocalError,
    ExcKind::LookupError,
    ExcKind::ArithmeticError,
    ExcKind::StopIteration,
    ExcKind::Warning,
    ExcKind::UserWarning,
    ExcKind::DeprecationWarning,
    ExcKind::RuntimeWarning,
    ExcKind::FutureWarning,
];

impl ExcKind {
    /// The class name as Python prints it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::SyntaxError => "SyntaxError",
            Self::IndentationError => "IndentationError",
            Self::NameError => "NameError",
            Self::TypeError => "TypeError",
            Self::ValueError => "ValueError",
            Self::ZeroDivisionError => "ZeroDivisionError",
            Self::OverflowError => "OverflowError",
            Self::IndexError => "IndexError",
            Self::AttributeError => "AttributeError",
            Self::ModuleNotFoundError => "ModuleNotFoundError",
            Self::ImportError => "ImportError",
            Self::NotImplementedError => "NotImplementedError",
            Self::KeyboardInterrupt => "KeyboardInterrupt",
            Self::MemoryError => "MemoryError",
            Self::KeyError => "KeyError",
            Self::OSError => "OSError",
            Self::FileNotFoundError => "FileNotFoundError",
            Self::RuntimeError => "RuntimeError",
            Self::RecursionError => "RecursionError",
            Self::UsageError => "UsageError",
            Self::BaseException => "BaseException",
            Self::Exception => "Exception",
            Self::AssertionError => "AssertionError",
            Self::UnboundLocalError => "UnboundLocalError",
            Self::LookupError => "LookupError",
            Self::ArithmeticError => "ArithmeticError",
            Self::StopIteration => "StopIteration",
            Self::Warning => "Warning",
            Self::UserWarning => "UserWarning",
            Self::DeprecationWarning => "DeprecationWarning",
            Self::RuntimeWarning => "RuntimeWarning",
            Self::FutureWarning => "FutureWarning",
        }
    }

    /// The builtin exception class called `name`.
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        ALL.iter().copied().find(|k| k.name() == name)
    }

    /// The class names a cell can use (`except ValueError`), for completion and suggestions.
    pub(crate) fn names<'a>() -> impl Iterator<Item = &'a str> {
        ALL.iter().map(|k| k.name())
    }

    /// Python's base class (None for `BaseException`).
    fn parent(self) -> Option<Self> {
        Some(match self {
            Self::BaseException => return None,
            Self::KeyboardInterrupt | Self::Exception => Self::BaseException,
            Self::IndentationError => Self::SyntaxError,
            Self::UnboundLocalError => Self::NameError,
            Self::ZeroDivisionError | Self::OverflowError => Self::ArithmeticError,
            Self::IndexError | Self::KeyError => Self::LookupError,
            Self::ModuleNotFoundError => Self::ImportError,
            Self::FileNotFoundError => Self::OSError,
            Self::NotImplementedError | Self::RecursionError => Self::RuntimeError,
            // IPython's UsageError derives from Exception too.
            Self::UserWarning
            | Self::DeprecationWarning
            | Self::RuntimeWarning
            | Self::FutureWarning => Self::Warning,
            _ => Self::Exception,
        })
    }

    /// Whether this class is `other` or derives from it (`except other:` catches it).
    pub(crate) fn is_subclass(self, other: Self) -> bool {
        let mut k = Some(self);
        while let Some(c) = k {
            if c == other {
                return true;
            }
            k = c.parent();
        }
        false
    }
}

/// A source position: 1-based line, 0-based column in code points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Pos {
    pub(crate) line: usize,
    pub(crate) col: usize,
}

/// An exception in flight: its class, message and where it was raised.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Exc {
    pub(crate) kind: ExcKind,
    pub(crate) msg: String,
    pub(crate) pos: Option<Pos>,
    /// Syntax errors point at a column with a caret; runtime errors only name the line.
    pub(crate) caret: bool,
}

/// The result type of everything that can raise.
pub(crate) type Res<T> = Result<T, Exc>;

impl Exc {
    /// An exception without a position yet (the statement adds it).
    pub(crate) fn new(kind: ExcKind, msg: impl Into<String>) -> Self {
        Self {
            kind,
            msg: msg.into(),
            pos: None,
            caret: false,
        }
    }

    /// A syntax-like error pointing at a column.
    pub(crate) fn at(kind: ExcKind, msg: impl Into<String>, pos: Pos) -> Self {
        Self {
            kind,
            msg: msg.into(),
            pos: Some(pos),
            caret: true,
        }
    }

    /// A `SyntaxError` at `pos`.
    pub(crate) fn syntax(msg: impl Into<String>, pos: Pos) -> Self {
        Self::at(ExcKind::SyntaxError, msg, pos)
    }

    /// A `TypeError`.
    pub(crate) fn type_error(msg: impl Into<String>) -> Self {
        Self::new(ExcKind::TypeError, msg)
    }

    /// A `ValueError`.
    pub(crate) fn value_error(msg: impl Into<String>) -> Self {
        Self::new(ExcKind::ValueError, msg)
    }

    /// `OverflowError` for integer results outside i64.
    pub(crate) fn overflow() -> Self {
        Self::new(
            ExcKind::OverflowError,
            "integer result does not fit in 64 bits",
        )
    }

    /// `MemoryError` unless the memory available holds `needs` more bytes for `what`.
    pub(crate) fn check_memory(needs: u128, what: impl FnOnce() -> String) -> Res<()> {
        nereus_engine::model::memory::check(needs, None, what)
            .map_err(|e| Self::new(ExcKind::MemoryError, e.to_string()))
    }

    /// `ZeroDivisionError`.
    pub(crate) fn zero_division(msg: &str) -> Self {
        Self::new(ExcKind::ZeroDivisionError, msg)
    }

    /// `KeyboardInterrupt` after a cancel.
    pub(crate) fn interrupted() -> Self {
        Self::new(ExcKind::KeyboardInterrupt, "interrupted")
    }

    /// Attaches the statement's line if no position is known yet.
    #[must_use]
    pub(crate) fn with_line(mut self, line: usize) -> Self {
        if self.pos.is_none() {
            self.pos = Some(Pos { line, col: 0 });
        }
        self
    }

    /// Converts to the public error, with a traceback quoting `source`.
    pub(crate) fn into_lang_error(self, source: &str) -> LangError {
        let ename = self.kind.name().to_string();
        let mut traceback = Vec::new();
        if let Some(pos) = self.pos {
            let text = source.lines().nth(pos.line.saturating_sub(1)).unwrap_or("");
            if self.caret {
                traceback.push(format!("  Cell line {}, column {}", pos.line, pos.col + 1));
                traceback.push(format!("    {text}"));
                let pad: String = text
                    .chars()
                    .take(pos.col)
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                traceback.push(format!("    {pad}^"));
            } else {
                traceback.push("Traceback (most recent call last):".to_string());
                traceback.push(format!("  Cell line {}", pos.line));
                traceback.push(format!("    {}", text.trim()));
            }
        }
        traceback.push(format!("{ename}: {}", self.msg));
        LangError {
            ename,
            evalue: self.msg,
            traceback,
        }
    }
}

pub(crate) use nereus_engine::model::names::closest;

/// " Did you mean 'x'?" or nothing.
pub(crate) fn suggestion<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(name, candidates).map_or_else(String::new, |c| format!(". Did you mean: '{c}'?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_traceback_has_caret_under_column() {
        let e = Exc::syntax("expected ')'", Pos { line: 2, col: 4 });
        let le = e.into_lang_error("x = 1\nf(1 2\n");
        assert_eq!(le.ename, "SyntaxError");
        assert!(le.traceback.iter().any(|l| l == "    f(1 2"));
        assert!(le.traceback.iter().any(|l| l == "        ^"));
    }

    #[test]
    fn runtime_traceback_names_line() {
        let e = Exc::new(ExcKind::NameError, "name 'y' is not defined").with_line(1);
        let le = e.into_lang_error("print(y)");
        assert_eq!(le.traceback[1], "  Cell line 1");
        assert_eq!(
            le.traceback.last().map(String::as_str),
            Some("NameError: name 'y' is not defined")
        );
    }
}
