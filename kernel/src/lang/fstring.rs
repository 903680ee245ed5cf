//! Splits an f-string body into literal text and `{expr!conv:spec}` fields.

use super::ast::FPart;
use super::error::{Exc, Pos, Res};
use super::lexer::unescape;
use super::parser::{parse_expression_here, MAX_DEPTH};

/// Parses the body of an f-string (the text between its quotes).
pub(crate) fn parse(body: &str, raw: bool, pos: Pos, depth: usize) -> Res<Vec<FPart>> {
    if depth > MAX_DEPTH {
        return Err(Exc::syntax("f-string: expressions nested too deeply", pos));
    }
    let chars: Vec<char> = body.chars().collect();
    let mut parts = Vec::new();
    let mut lit = String::new();
    let mut i = 0;
    let flush = |lit: &mut String, parts: &mut Vec<FPart>| {
        if !lit.is_empty() {
            let text = if raw {
                std::mem::take(lit)
            } else {
                unescape(&std::mem::take(lit))
            };
            parts.push(FPart::Lit(text));
        }
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            '{' if chars.get(i + 1) == Some(&'{') => {
                lit.push('{');
                i += 2;
            }
            '}' if chars.get(i + 1) == Some(&'}') => {
                lit.push('}');
                i += 2;
            }
            '}' => return Err(Exc::syntax("f-string: single '}' is not allowed", pos)),
            '{' => {
                flush(&mut lit, &mut parts);
                let (field, next) = field(&chars, i + 1, raw, pos, depth)?;
                parts.push(field);
                i = next;
            }
            _ => {
                lit.push(c);
                i += 1;
            }
        }
    }
    flush(&mut lit, &mut parts);
    Ok(parts)
}

/// Parses one field starting after its `{`; returns it and the index after its `}`.
fn field(chars: &[char], start: usize, raw: bool, pos: Pos, depth: usize) -> Res<(FPart, usize)> {
    let mut i = start;
    let mut nest = 0usize;
    let mut quote: Option<char> = None;
    let mut expr_end = None;
    let mut conv = None;
    // Find the end of the expression: a top-level '!', ':', or '}'.
    while i < chars.len() {
        let c = chars[i];
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        match c {
            '\'' | '"' => quote = Some(c),
            '(' | '[' | '{' => nest += 1,
            ')' | ']' | '}' if nest > 0 => nest -= 1,
            '!' if nest == 0 && chars.get(i + 1) != Some(&'=') => {
                expr_end = Some(i);
                break;
            }
            ':' | '}' if nest == 0 => {
                expr_end = Some(i);
                break;
            }
            _ => {}
        }
        i += 1;
    }
    let Some(end) = expr_end else {
        return Err(Exc::syntax("f-string: expecting '}'", pos));
    };
    let mut text: String = chars[start..end].iter().collect();
    let mut debug = None;
    let trimmed = text.trim_end();
    if trimmed.ends_with('=')
        && !["==", "!=", "<=", ">="]
            .iter()
            .any(|op| trimmed.ends_with(op))
    {
        debug = Some(text.clone());
        text = trimmed[..trimmed.len() - 1].to_string();
    }
    if text.trim().is_empty() {
        return Err(Exc::syntax("f-string: empty expression not allowed", pos));
    }
    let expr = parse_expression_here(text.trim(), depth + 1).map_err(|mut e| {
        e.pos = Some(pos);
        e.msg = format!("f-string: {}", e.msg);
        e
    })?;
    i = end;
    if chars.get(i) == Some(&'!') {
        match chars.get(i + 1) {
            Some(&c @ ('r' | 's' | 'a')) => conv = Some(c),
            _ => {
                return Err(Exc::syntax(
                    "f-string: invalid conversion character: expected 's', 'r', or 'a'",
                    pos,
                ))
            }
        }
        i += 2;
    }
    let mut spec = Vec::new();
    if chars.get(i) == Some(&':') {
        let spec_start = i + 1;
        let mut nest = 0usize;
        i += 1;
        while i < chars.len() && !(chars[i] == '}' && nest == 0) {
            match chars[i] {
                '{' => nest += 1,
                '}' => nest -= 1,
                _ => {}
            }
            i += 1;
        }
        let spec_text: String = chars[spec_start..i.min(chars.len())].iter().collect();
        spec = parse(&spec_text, raw, pos, depth + 1)?;
    }
    if chars.get(i) != Some(&'}') {
        return Err(Exc::syntax("f-string: expecting '}'", pos));
    }
    Ok((
        FPart::Field {
            expr,
            conv,
            spec,
            debug,
        },
        i + 1,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_literals_and_fields() {
        let parts = parse("a{x}b{{c}}{y!r:>{w}}", false, Pos::default(), 0).unwrap_or_default();
        assert_eq!(parts.len(), 4);
        assert_eq!(parts[0], FPart::Lit("a".into()));
        assert_eq!(parts[2], FPart::Lit("b{c}".into()));
        assert!(matches!(&parts[3], FPart::Field { conv: Some('r'), spec, .. } if spec.len() == 2));
    }

    #[test]
    fn debug_fields_and_errors() {
        let parts = parse("{x=}", false, Pos::default(), 0).unwrap_or_default();
        assert!(matches!(&parts[0], FPart::Field { debug: Some(d), .. } if d == "x="));
        assert!(parse("{x", false, Pos::default(), 0).is_err());
        assert!(parse("}", false, Pos::default(), 0).is_err());
        assert!(parse("{}", false, Pos::default(), 0).is_err());
    }
}
