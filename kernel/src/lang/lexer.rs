//! Turns cell source into tokens, with Python's indentation, line joining and string rules.

mod unescape;

use super::error::{Exc, ExcKind, Pos};
pub(crate) use unescape::unescape;

/// One token's kind and payload.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    /// An identifier or keyword.
    Name(String),
    /// An integer literal.
    Int(i64),
    /// A float literal.
    Float(f64),
    /// A string literal, escapes already processed.
    Str(String),
    /// An f-string: the raw body between the quotes, and whether it is also raw (`rf`).
    FStr { body: String, raw: bool },
    /// An operator or delimiter.
    Op(&'static str),
    /// A line magic: the text after the `%` that starts a logical line (IPython's escape).
    Magic(String),
    /// End of a logical line.
    Newline,
    /// The indentation grew.
    Indent,
    /// The indentation shrank by one level.
    Dedent,
    /// End of input.
    Eof,
}

/// A token and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub(crate) tok: Tok,
    pub(crate) pos: Pos,
}

/// A lexing failure; `incomplete` when more input could fix it (open bracket, `"""`, `\`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LexError {
    pub(crate) exc: Exc,
    pub(crate) incomplete: bool,
}

const OPS: &[&str] = &[
    "**=", "//=", ">>=", "<<=", "...", "->", "**", "//", "==", "!=", "<=", ">=", "<<", ">>", "+=",
    "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=", ":=", "+", "-", "*", "/", "%", "@", "<", ">",
    "=", "(", ")", "[", "]", "{", "}", ",", ":", ".", ";", "~", "&", "|", "^", "?", "!",
];

struct Lexer {
    src: Vec<char>,
    i: usize,
    line: usize,
    col: usize,
    toks: Vec<Token>,
    indents: Vec<usize>,
    brackets: Vec<(char, Pos)>,
    /// At the beginning of a logical line, before its indentation was measured.
    bol: bool,
}

/// Tokenizes a whole cell.
pub(crate) fn tokenize(source: &str) -> Result<Vec<Token>, LexError> {
    let mut lx = Lexer {
        src: source.chars().collect(),
        i: 0,
        line: 1,
        col: 0,
        toks: Vec::new(),
        indents: vec![0],
        brackets: Vec::new(),
        bol: true,
    };
    lx.run()?;
    Ok(lx.toks)
}

fn err(msg: impl Into<String>, pos: Pos) -> LexError {
    LexError {
        exc: Exc::syntax(msg, pos),
        incomplete: false,
    }
}

fn incomplete(msg: impl Into<String>, pos: Pos) -> LexError {
    LexError {
        exc: Exc::syntax(msg, pos),
        incomplete: true,
    }
}

impl Lexer {
    fn pos(&self) -> Pos {
        Pos {
            line: self.line,
            col: self.col,
        }
    }

    fn peek(&self, k: usize) -> Option<char> {
        self.src.get(self.i + k).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.src.get(self.i).copied()?;
        self.i += 1;
        if c == '\n' {
            self.line += 1;
            self.col = 0;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn push(&mut self, tok: Tok, pos: Pos) {
        self.toks.push(Token { tok, pos });
    }

    fn run(&mut self) -> Result<(), LexError> {
        loop {
            if self.bol {
                self.bol = false;
                if !self.indentation()? {
                    break;
                }
                // `%` cannot start a Python statement, so at a line start it is a magic.
                if self.peek(0) == Some('%') {
                    self.magic();
                    continue;
                }
            }
            let Some(c) = self.peek(0) else { break };
            let pos = self.pos();
            match c {
                ' ' | '\t' | '\x0c' | '\r' => {
                    self.bump();
                }
                '#' => {
                    while self.peek(0).is_some_and(|c| c != '\n') {
                        self.bump();
                    }
                }
                '\n' => {
                    self.bump();
                    if self.brackets.is_empty() {
                        self.push(Tok::Newline, pos);
                        self.bol = true;
                    }
                }
                '\\' => {
                    self.bump();
                    match self.peek(0) {
                        Some('\n') => {
                            self.bump();
                        }
                        Some('\r') if self.peek(1) == Some('\n') => {
                            self.bump();
                            self.bump();
                        }
                        None => return Err(incomplete("unexpected end of input after '\\'", pos)),
                        Some(_) => {
                            return Err(err(
                                "unexpected character after line continuation character",
                                pos,
                            ))
                        }
                    }
                }
                c if c.is_ascii_digit()
                    || (c == '.' && self.peek(1).is_some_and(|d| d.is_ascii_digit())) =>
                {
                    self.number(pos)?;
                }
                c if c.is_alphabetic() || c == '_' => self.name_or_string(pos)?,
                '"' | '\'' => self.string(pos, "")?,
                _ => self.op(pos)?,
            }
        }
        if let Some(&(open, pos)) = self.brackets.last() {
            return Err(incomplete(format!("'{open}' was never closed"), pos));
        }
        let pos = self.pos();
        if self
            .toks
            .last()
            .is_some_and(|t| !matches!(t.tok, Tok::Newline | Tok::Dedent))
        {
            self.push(Tok::Newline, pos);
        }
        while self.indents.len() > 1 {
            self.indents.pop();
            self.push(Tok::Dedent, pos);
        }
        self.push(Tok::Eof, pos);
        Ok(())
    }

    /// Measures a new line's indent and emits Indent/Dedent; false at end of input.
    fn indentation(&mut self) -> Result<bool, LexError> {
        loop {
            let mut width = 0;
            while let Some(c) = self.peek(0) {
                match c {
                    ' ' => width += 1,
                    '\t' => width = (width / 8 + 1) * 8,
                    '\x0c' => width = 0,
                    _ => break,
                }
                self.bump();
            }
            match self.peek(0) {
                None => return Ok(false),
                Some('\n' | '\r' | '#') => {
                    while self.peek(0).is_some_and(|c| c != '\n') {
                        self.bump();
                    }
                    if self.bump().is_none() {
                        return Ok(false);
                    }
                }
                Some(_) => {
                    let pos = self.pos();
                    let current = self.indents.last().copied().unwrap_or(0);
                    if width > current {
                        if self.toks.last().is_none_or(|t| t.tok != Tok::Newline) {
                            return Err(LexError {
                                exc: Exc::at(ExcKind::IndentationError, "unexpected indent", pos),
                                incomplete: false,
                            });
                        }
                        self.indents.push(width);
                        self.push(Tok::Indent, pos);
                    } else {
                        while self.indents.last().is_some_and(|&w| w > width) {
                            self.indents.pop();
                            self.push(Tok::Dedent, pos);
                        }
                        if self.indents.last().copied().unwrap_or(0) != width {
                            return Err(LexError {
                                exc: Exc::at(
                                    ExcKind::IndentationError,
                                    "unindent does not match any outer indentation level",
                                    pos,
                                ),
                                incomplete: false,
                            });
                        }
                    }
                    return Ok(true);
                }
            }
        }
    }

    /// A line magic: the rest of the physical line after its `%`.
    fn magic(&mut self) {
        let pos = self.pos();
        self.bump();
        let start = self.i;
        while self.peek(0).is_some_and(|c| c != '\n') {
            self.bump();
        }
        let text: String = self.src[start..self.i].iter().collect();
        self.push(Tok::Magic(text.trim_end_matches('\r').to_owned()), pos);
    }

    fn number(&mut self, pos: Pos) -> Result<(), LexError> {
        let start = self.i;
        let radix = match (self.peek(0), self.peek(1).map(|c| c.to_ascii_lowercase())) {
            (Some('0'), Some('x')) => 16,
            (Some('0'), Some('o')) => 8,
            (Some('0'), Some('b')) => 2,
            _ => 10,
        };
        if radix != 10 {
            self.bump();
            self.bump();
            let digits_start = self.i;
            while self
                .peek(0)
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                self.bump();
            }
            let text: String = self.src[digits_start..self.i]
                .iter()
                .filter(|&&c| c != '_')
                .collect();
            let v = i64::from_str_radix(&text, radix).map_err(|e| Self::int_error(&e, pos))?;
            self.push(Tok::Int(v), pos);
            return Ok(());
        }
        let mut is_float = false;
        while let Some(c) = self.peek(0) {
            if c.is_ascii_digit() || c == '_' {
                self.bump();
            } else if c == '.' && !is_float {
                is_float = true;
                self.bump();
            } else if (c == 'e' || c == 'E')
                && (self.peek(1).is_some_and(|d| d.is_ascii_digit())
                    || (matches!(self.peek(1), Some('+' | '-'))
                        && self.peek(2).is_some_and(|d| d.is_ascii_digit())))
            {
                is_float = true;
                self.bump();
                self.bump();
                while self.peek(0).is_some_and(|d| d.is_ascii_digit() || d == '_') {
                    self.bump();
                }
                break;
            } else {
                break;
            }
        }
        if self.peek(0).is_some_and(|c| c == 'j' || c == 'J') {
            return Err(LexError {
                exc: Exc::at(
                    ExcKind::NotImplementedError,
                    "complex numbers are not supported in Nereus cells",
                    pos,
                ),
                incomplete: false,
            });
        }
        if self
            .peek(0)
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            return Err(err("invalid decimal literal", self.pos()));
        }
        let text: String = self.src[start..self.i]
            .iter()
            .filter(|&&c| c != '_')
            .collect();
        if is_float {
            let v: f64 = text
                .parse()
                .map_err(|_| err("invalid decimal literal", pos))?;
            self.push(Tok::Float(v), pos);
        } else {
            if text.len() > 1 && text.starts_with('0') && text.chars().any(|c| c != '0') {
                return Err(err(
                    "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers",
                    pos,
                ));
            }
            let v: i64 = text.parse().map_err(|e| Self::int_error(&e, pos))?;
            self.push(Tok::Int(v), pos);
        }
        Ok(())
    }

    fn int_error(e: &std::num::ParseIntError, pos: Pos) -> LexError {
        use std::num::IntErrorKind;
        match e.kind() {
            IntErrorKind::PosOverflow | IntErrorKind::NegOverflow => LexError {
                exc: Exc::at(
                    ExcKind::OverflowError,
                    "integer literal does not fit in 64 bits",
                    pos,
                ),
                incomplete: false,
            },
            _ => err("invalid number literal", pos),
        }
    }

    fn name_or_string(&mut self, pos: Pos) -> Result<(), LexError> {
        let start = self.i;
        while self
            .peek(0)
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            self.bump();
        }
        let name: String = self.src[start..self.i].iter().collect();
        let is_prefix = matches!(
            name.to_ascii_lowercase().as_str(),
            "r" | "u" | "f" | "b" | "rb" | "br" | "fr" | "rf"
        );
        if is_prefix && matches!(self.peek(0), Some('"' | '\'')) {
            return self.string(pos, &name.to_ascii_lowercase());
        }
        self.push(Tok::Name(name), pos);
        Ok(())
    }

    fn string(&mut self, pos: Pos, prefix: &str) -> Result<(), LexError> {
        if prefix.contains('b') {
            return Err(LexError {
                exc: Exc::at(
                    ExcKind::NotImplementedError,
                    "bytes literals are not supported in Nereus cells",
                    pos,
                ),
                incomplete: false,
            });
        }
        let raw = prefix.contains('r');
        let quote = self.bump().unwrap_or('"');
        let triple = self.peek(0) == Some(quote) && self.peek(1) == Some(quote);
        if triple {
            self.bump();
            self.bump();
        }
        let mut body = String::new();
        loop {
            let Some(c) = self.peek(0) else {
                return Err(if triple {
                    incomplete("unterminated triple-quoted string literal", pos)
                } else {
                    err("unterminated string literal", pos)
                });
            };
            if c == quote
                && (!triple || (self.peek(1) == Some(quote) && self.peek(2) == Some(quote)))
            {
                self.bump();
                if triple {
                    self.bump();
                    self.bump();
                }
                break;
            }
            if c == '\n' && !triple {
                return Err(err("unterminated string literal", pos));
            }
            self.bump();
            body.push(c);
            if c == '\\' {
                match self.peek(0) {
                    Some(n) if n != '\n' || triple => {
                        self.bump();
                        body.push(n);
                    }
                    Some(_) => {
                        self.bump();
                        body.push('\n');
                    }
                    None => {}
                }
            }
        }
        if prefix.contains('f') {
            self.push(Tok::FStr { body, raw }, pos);
        } else {
            let text = if raw { body } else { unescape(&body) };
            self.push(Tok::Str(text), pos);
        }
        Ok(())
    }

    fn op(&mut self, pos: Pos) -> Result<(), LexError> {
        let Some(&op) = OPS
            .iter()
            .find(|op| op.chars().enumerate().all(|(k, c)| self.peek(k) == Some(c)))
        else {
            let c = self.peek(0).unwrap_or(' ');
            return Err(err(
                format!("invalid character '{c}' (U+{:04X})", u32::from(c)),
                pos,
            ));
        };
        for _ in 0..op.chars().count() {
            self.bump();
        }
        match op {
            "(" | "[" | "{" => self.brackets.push((op.chars().next().unwrap_or('('), pos)),
            ")" | "]" | "}" => {
                let want = match op {
                    ")" => '(',
                    "]" => '[',
                    _ => '{',
                };
                match self.brackets.pop() {
                    Some((open, _)) if open == want => {}
                    Some((open, _)) => {
                        return Err(err(
                            format!("closing parenthesis '{op}' does not match opening parenthesis '{open}'"),
                            pos,
                        ))
                    }
                    None => return Err(err(format!("unmatched '{op}'"), pos)),
                }
            }
            _ => {}
        }
        self.push(Tok::Op(op), pos);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<Tok> {
        tokenize(src)
            .map(|t| t.into_iter().map(|t| t.tok).collect())
            .unwrap_or_default()
    }

    #[test]
    fn numbers_and_ops() {
        assert_eq!(
            kinds("x = 1_000 + 2.5e3 // 0x10"),
            vec![
                Tok::Name("x".into()),
                Tok::Op("="),
                Tok::Int(1000),
                Tok::Op("+"),
                Tok::Float(2500.0),
                Tok::Op("//"),
                Tok::Int(16),
                Tok::Newline,
                Tok::Eof
            ]
        );
    }

    #[test]
    fn indentation_and_brackets_join_lines() {
        let toks = kinds("for i in (1,\n  2):\n    x = 1\ny = 2\n");
        assert!(toks.contains(&Tok::Indent));
        assert!(toks.contains(&Tok::Dedent));
        assert_eq!(toks.iter().filter(|t| **t == Tok::Newline).count(), 3);
    }

    #[test]
    fn strings_and_escapes() {
        assert_eq!(
            kinds(r#"'a\n' "b" r'\n'"#)[..3],
            [
                Tok::Str("a\n".into()),
                Tok::Str("b".into()),
                Tok::Str("\\n".into())
            ]
        );
        assert_eq!(kinds("'''x\ny'''")[0], Tok::Str("x\ny".into()));
        assert_eq!(
            kinds("f'{x}!'")[0],
            Tok::FStr {
                body: "{x}!".into(),
                raw: false
            }
        );
    }

    #[test]
    fn errors_say_whether_more_input_helps() {
        assert!(tokenize("(1,").is_err_and(|e| e.incomplete));
        assert!(tokenize("'''abc").is_err_and(|e| e.incomplete));
        assert!(tokenize("x = \\").is_err_and(|e| e.incomplete));
        assert!(tokenize("'abc").is_err_and(|e| !e.incomplete));
        assert!(tokenize("1 +)").is_err_and(|e| !e.incomplete));
        assert!(
            tokenize("99999999999999999999").is_err_and(|e| e.exc.kind == ExcKind::OverflowError)
        );
        assert!(tokenize("  x = 1").is_err_and(|e| e.exc.kind == ExcKind::IndentationError));
    }

    #[test]
    fn percent_at_a_line_start_is_a_magic() {
        let toks = kinds("for i in r:\n    %time x % 2\r\ny = 1 % 2\n");
        assert!(toks.contains(&Tok::Magic("time x % 2".into())));
        assert_eq!(
            toks.iter().filter(|t| matches!(t, Tok::Magic(_))).count(),
            1
        );
        // Inside brackets or after a `\` continuation `%` is the operator.
        assert!(!kinds("x = (10\n% 3)")
            .iter()
            .any(|t| matches!(t, Tok::Magic(_))));
        assert!(!kinds("x = 10 \\\n% 3")
            .iter()
            .any(|t| matches!(t, Tok::Magic(_))));
    }
}
