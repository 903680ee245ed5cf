//! Python's format-spec mini-language (`f"{x:>10,.2f}"`) for ints, floats and strings.
#![allow(
    clippy::many_single_char_names,
    reason = "the spec fields follow Python's one-letter names"
)]

use super::error::{Exc, Res};
use super::value::Value;
use nereus_engine::repr::python::{float_repr, general, sci};

#[derive(Debug, Default)]
struct Spec {
    fill: Option<char>,
    align: Option<char>,
    sign: Option<char>,
    zero: bool,
    width: usize,
    grouping: Option<char>,
    precision: Option<usize>,
    kind: Option<char>,
}

fn parse_spec(spec: &str) -> Res<Spec> {
    let c: Vec<char> = spec.chars().collect();
    let mut s = Spec::default();
    let mut i = 0;
    let is_align = |ch: Option<&char>| ch.is_some_and(|ch| "<>^=".contains(*ch));
    if is_align(c.get(1)) {
        s.fill = c.first().copied();
        s.align = c.get(1).copied();
        i = 2;
    } else if is_align(c.first()) {
        s.align = c.first().copied();
        i = 1;
    }
    if let Some(&ch @ ('+' | '-' | ' ')) = c.get(i) {
        s.sign = Some(ch);
        i += 1;
    }
    if c.get(i) == Some(&'#') {
        i += 1;
    }
    if c.get(i) == Some(&'0') {
        s.zero = true;
        i += 1;
    }
    let digits = |i: &mut usize| -> Option<usize> {
        let start = *i;
        while c.get(*i).is_some_and(char::is_ascii_digit) {
            *i += 1;
        }
        c[start..*i].iter().collect::<String>().parse().ok()
    };
    s.width = digits(&mut i).unwrap_or(0).min(10_000);
    if let Some(&g @ (',' | '_')) = c.get(i) {
        s.grouping = Some(g);
        i += 1;
    }
    if c.get(i) == Some(&'.') {
        i += 1;
        s.precision = Some(
            digits(&mut i)
                .ok_or_else(|| Exc::value_error("Format specifier missing precision"))?
                .min(500),
        );
    }
    if let Some(&k) = c.get(i) {
        s.kind = Some(k);
        i += 1;
    }
    if i != c.len() {
        return Err(Exc::value_error("Invalid format specifier"));
    }
    Ok(s)
}

fn group(int_part: &str, sep: char) -> String {
    let n = int_part.len();
    let mut out = String::new();
    for (k, ch) in int_part.chars().enumerate() {
        if k > 0 && (n - k).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(ch);
    }
    out
}

/// Formats `v` by `spec` the way `format(v, spec)` does.
pub(crate) fn format_value(v: &Value, spec: &str) -> Res<String> {
    if spec.is_empty() {
        return Ok(v.to_str());
    }
    // A numpy scalar (a 0-d array) formats as the Python number it holds.
    if let Value::NdArray(a) = v {
        if a.block.shape().is_empty() && a.is_numbers() {
            return format_value(&a.item(0), spec);
        }
    }
    let s = parse_spec(spec)?;
    let unknown = |k: char| {
        Exc::value_error(format!(
            "Unknown format code '{k}' for object of type '{}'",
            v.type_name()
        ))
    };
    let (negative, body) = match v {
        Value::Str(text) => {
            if let Some(k) = s.kind.filter(|&k| k != 's') {
                return Err(unknown(k));
            }
            if s.sign.is_some() {
                return Err(Exc::value_error(
                    "Sign not allowed in string format specifier",
                ));
            }
            let text: String = match s.precision {
                Some(p) => text.chars().take(p).collect(),
                None => text.to_string(),
            };
            return Ok(pad(&s, "", &text, '<'));
        }
        Value::Int(_) | Value::Bool(_)
            if matches!(s.kind, None | Some('d' | 'x' | 'X' | 'o' | 'b')) =>
        {
            if s.precision.is_some() {
                return Err(Exc::value_error(
                    "Precision not allowed in integer format specifier",
                ));
            }
            let i = v.as_int().unwrap_or(0);
            let mag = i.unsigned_abs();
            let digits = match s.kind {
                Some('x') => format!("{mag:x}"),
                Some('X') => format!("{mag:X}"),
                Some('o') => format!("{mag:o}"),
                Some('b') => format!("{mag:b}"),
                _ => mag.to_string(),
            };
            let digits = match s.grouping {
                Some(g) => group(&digits, g),
                None => digits,
            };
            (i < 0, digits)
        }
        v => {
            let Some(x) = v.as_f64() else {
                return Err(Exc::type_error(format!(
                    "unsupported format string passed to {}.__format__",
                    v.type_name()
                )));
            };
            let (kind, repr_like) = match s.kind {
                Some(k) => (k, false),
                None if s.precision.is_some() => ('g', true),
                None => ('r', false),
            };
            let p = s.precision.unwrap_or(6);
            let mag = x.abs();
            let mut text = match kind {
                'f' | 'F' => format!("{mag:.p$}"),
                'e' | 'E' => sci(mag, p),
                'g' | 'G' | 'n' => general(mag, p.max(1), repr_like),
                '%' => format!("{:.p$}%", mag * 100.0),
                'r' => float_repr(mag),
                k => return Err(unknown(k)),
            };
            if mag.is_nan() || mag.is_infinite() {
                text = if mag.is_nan() {
                    "nan".into()
                } else {
                    "inf".into()
                };
            }
            if kind.is_ascii_uppercase() {
                text = text.to_uppercase();
            }
            if let Some(g) = s.grouping {
                let split = text
                    .find(|ch: char| !ch.is_ascii_digit())
                    .unwrap_or(text.len());
                text = format!("{}{}", group(&text[..split], g), &text[split..]);
            }
            (x.is_sign_negative() && !x.is_nan(), text)
        }
    };
    let sign = match (negative, s.sign) {
        (true, _) => "-",
        (false, Some('+')) => "+",
        (false, Some(' ')) => " ",
        _ => "",
    };
    Ok(pad(&s, sign, &body, '>'))
}

fn pad(s: &Spec, sign: &str, body: &str, default_align: char) -> String {
    let len = sign.chars().count() + body.chars().count();
    let (fill, align) = match (s.fill, s.align, s.zero) {
        (f, Some(a), _) => (f.unwrap_or(' '), a),
        (_, None, true) => ('0', '='),
        (_, None, false) => (' ', default_align),
    };
    let gap = s.width.saturating_sub(len);
    let fills = |n: usize| std::iter::repeat_n(fill, n).collect::<String>();
    match align {
        '<' => format!("{sign}{body}{}", fills(gap)),
        '^' => format!("{}{sign}{body}{}", fills(gap / 2), fills(gap - gap / 2)),
        '=' => format!("{sign}{}{body}", fills(gap)),
        _ => format!("{}{sign}{body}", fills(gap)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[allow(clippy::needless_pass_by_value, reason = "terse test calls")]
    fn f(v: Value, spec: &str) -> String {
        format_value(&v, spec).unwrap_or_else(|e| format!("{}: {}", e.kind.name(), e.msg))
    }

    #[test]
    fn matches_python_format() {
        assert_eq!(f(Value::Float(1.23456), ".2f"), "1.23");
        assert_eq!(f(Value::Int(42), ">5"), "   42");
        assert_eq!(f(Value::Int(42), "<5"), "42   ");
        assert_eq!(f(Value::str("x"), "^5"), "  x  ");
        assert_eq!(f(Value::Int(1_234_567), ","), "1,234,567");
        assert_eq!(f(Value::Float(0.5), "%"), "50.000000%");
        assert_eq!(f(Value::Int(12), "05d"), "00012");
        assert_eq!(f(Value::Int(-12), "05d"), "-0012");
        assert_eq!(f(Value::Float(1e20), "g"), "1e+20");
        assert_eq!(f(Value::Float(0.0001), "g"), "0.0001");
        assert_eq!(f(Value::Float(123.456), "e"), "1.234560e+02");
        assert_eq!(f(Value::Float(1.5), "g"), "1.5");
        assert_eq!(f(Value::Float(100_000.0), "g"), "100000");
        assert_eq!(f(Value::Float(1_000_000.0), "g"), "1e+06");
        assert_eq!(f(Value::Float(1.5), ".3"), "1.5");
        assert_eq!(f(Value::Float(2.0), ".3"), "2.0");
        assert_eq!(f(Value::Float(100.0), ".3"), "1e+02");
        assert_eq!(f(Value::Float(1234.5), ".3"), "1.23e+03");
        assert_eq!(f(Value::Float(1234.5), ",.1f"), "1,234.5");
        assert_eq!(f(Value::Int(255), "x"), "ff");
        assert_eq!(f(Value::Float(-1.0), "+.1f"), "-1.0");
        assert_eq!(f(Value::Float(1.0), "+.1f"), "+1.0");
        assert_eq!(
            f(Value::Int(3), ".3"),
            "ValueError: Precision not allowed in integer format specifier"
        );
        assert_eq!(
            f(Value::Int(3), "q"),
            "ValueError: Unknown format code 'q' for object of type 'int'"
        );
        assert_eq!(f(Value::str("abc"), ".2"), "ab");
    }
}
