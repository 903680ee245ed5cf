//! Decides whether a cell is complete, needs more lines (and at which indent), or is invalid.

use super::error::ExcKind;
use super::lexer::{tokenize, Tok};
use super::parser::parse_program;
use super::Completeness;

/// IPython-compatible is_complete.
pub(crate) fn is_complete(code: &str) -> Completeness {
    let last_line = code.rsplit('\n').next().unwrap_or("");
    let indent_of = |line: &str| {
        line.chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .map(|c| if c == '\t' { 4 } else { 1 })
            .sum::<usize>()
    };
    let toks = match tokenize(code) {
        Ok(t) => t,
        Err(e) if e.incomplete => {
            return Completeness::Incomplete {
                indent: " ".repeat(indent_of(last_line)),
            }
        }
        Err(_) => return Completeness::Invalid,
    };
    // The last logical line: its indent and whether it opens a block.
    let significant: Vec<&Tok> = toks
        .iter()
        .map(|t| &t.tok)
        .filter(|t| !matches!(t, Tok::Newline | Tok::Indent | Tok::Dedent | Tok::Eof))
        .collect();
    let opens_block = significant.last().is_some_and(|t| **t == Tok::Op(":"))
        && last_line.trim_end().ends_with(':');
    let last_code_line = code
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .unwrap_or("");
    if opens_block {
        return Completeness::Incomplete {
            indent: " ".repeat(indent_of(last_code_line) + 4),
        };
    }
    let in_block = toks.iter().any(|t| t.tok == Tok::Indent);
    if in_block && !code.ends_with('\n') {
        return Completeness::Incomplete {
            indent: " ".repeat(indent_of(last_code_line)),
        };
    }
    match parse_program(code) {
        Ok(_) => Completeness::Complete,
        // Unsupported constructs are complete: running them gives the clear error.
        Err(e) if e.kind == ExcKind::NotImplementedError => Completeness::Complete,
        Err(_) => Completeness::Invalid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inc(n: usize) -> Completeness {
        Completeness::Incomplete {
            indent: " ".repeat(n),
        }
    }

    #[test]
    fn matches_ipython() {
        assert_eq!(is_complete("x = 1"), Completeness::Complete);
        assert_eq!(is_complete("for i in range(3):"), inc(4));
        assert_eq!(is_complete("for i in range(3):\n    print(i)"), inc(4));
        assert_eq!(
            is_complete("for i in range(3):\n    print(i)\n"),
            Completeness::Complete
        );
        assert_eq!(is_complete("x = (1,"), inc(0));
        assert_eq!(is_complete("1 +)"), Completeness::Invalid);
        assert_eq!(is_complete("a = = 1"), Completeness::Invalid);
        assert_eq!(is_complete("\"abc"), Completeness::Invalid);
        assert_eq!(is_complete("x = 1\\"), inc(0));
        assert_eq!(is_complete("\"\"\"abc"), inc(0));
        assert_eq!(is_complete("if x:\n    if y:"), inc(8));
        assert_eq!(is_complete("def f():\n  return 1"), inc(2));
        assert_eq!(
            is_complete("def f():\n  return 1\n"),
            Completeness::Complete
        );
        assert_eq!(is_complete(""), Completeness::Complete);
    }
}
