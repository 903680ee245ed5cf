//! Python's text forms of scalars and attribute values, as reprs show them: `repr(float)`,
//! numpy's float32 scalars, `format(x, ".4")`, and JSON attributes as Python values.

use std::fmt::Write;

pub use crate::model::names::py_repr as str_repr;

/// Python's float repr: shortest round-trip digits, scientific below 1e-4 and from 1e16.
pub fn float_repr(x: f64) -> String {
    float_text(x, &format!("{:e}", x.abs()))
}

/// numpy's str of a `float32` scalar: Python's layout with the shortest digits that
/// round-trip in single precision (`0.1`, not `0.10000000149011612`).
pub fn float32_repr(x: f32) -> String {
    float_text(f64::from(x), &format!("{:e}", x.abs()))
}

/// Python's float layout of `x`, whose shortest digits are `sci` (`{:e}` of its magnitude).
fn float_text(x: f64, sci: &str) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if x == 0.0 {
        return if x.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if x < 0.0 { "-" } else { "" };
    if (-4..16).contains(&exp) {
        let n = digits.len();
        let body = if exp >= 0 {
            let point = usize::try_from(exp).unwrap_or(0) + 1;
            if n <= point {
                format!("{digits}{}.0", "0".repeat(point - n))
            } else {
                format!("{}.{}", &digits[..point], &digits[point..])
            }
        } else {
            let zeros = usize::try_from(-exp - 1).unwrap_or(0);
            format!("0.{}{digits}", "0".repeat(zeros))
        };
        format!("{sign}{body}")
    } else {
        let (first, rest) = digits.split_at(1);
        let frac = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{first}{frac}e{esign}{:02}", exp.abs())
    }
}

/// `format(mag, ".{p}e")` of a magnitude: `p` digits after the point, a two-digit exponent.
pub fn sci(mag: f64, p: usize) -> String {
    let t = format!("{mag:.p$e}");
    let (m, e) = t.split_once('e').unwrap_or((&t, "0"));
    let e: i32 = e.parse().unwrap_or(0);
    format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
}

/// `g` formatting of a magnitude with `p` significant digits; `repr_like` (a precision and
/// no type, as in `".4"`) keeps at least one decimal as Python does.
pub fn general(mag: f64, p: usize, repr_like: bool) -> String {
    if mag == 0.0 {
        return if repr_like { "0.0".into() } else { "0".into() };
    }
    if !mag.is_finite() {
        return float_repr(mag);
    }
    let scientific = format!("{:.*e}", p - 1, mag);
    let exp: i64 = scientific
        .split_once('e')
        .and_then(|(_, e)| e.parse().ok())
        .unwrap_or(0);
    let p_i = i64::try_from(p).unwrap_or(6);
    let strip = |s: String| -> String {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    };
    if -4 <= exp && exp < p_i - i64::from(repr_like) {
        let decimals = usize::try_from(p_i - 1 - exp).unwrap_or(0);
        let s = strip(format!("{mag:.decimals$}"));
        if repr_like && !s.contains('.') {
            format!("{s}.0")
        } else {
            s
        }
    } else {
        let scientific = sci(mag, p - 1);
        let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, ""));
        format!("{}e{exponent}", strip(mantissa.to_string()))
    }
}

/// `format(x, ".{p}")`: `p` significant digits, at least one decimal (xarray's previews use
/// `.4`).
pub fn format_precision(x: f64, p: usize) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    let sign = if x.is_sign_negative() { "-" } else { "" };
    format!("{sign}{}", general(x.abs(), p.max(1), true))
}

/// A JSON attribute value as Python's `repr()` of the value it loads as (`None`, `True`, `1`,
/// `0.5`, `'text'`, `[1, 2]`, `{'a': 1}`).
pub fn json_repr(v: &serde_json::Value) -> String {
    let mut out = String::new();
    write_json(&mut out, v);
    out
}

fn write_json(out: &mut String, v: &serde_json::Value) {
    use serde_json::Value as J;
    match v {
        J::Null => out.push_str("None"),
        J::Bool(true) => out.push_str("True"),
        J::Bool(false) => out.push_str("False"),
        J::Number(n) => {
            if let Some(i) = n.as_i64() {
                let _ = write!(out, "{i}");
            } else if let Some(u) = n.as_u64() {
                let _ = write!(out, "{u}");
            } else {
                out.push_str(&float_repr(n.as_f64().unwrap_or(f64::NAN)));
            }
        }
        J::String(s) => out.push_str(&str_repr(s)),
        J::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_json(out, item);
            }
            out.push(']');
        }
        J::Object(map) => {
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&str_repr(k));
                out.push_str(": ");
                write_json(out, item);
            }
            out.push('}');
        }
    }
}

/// A short attribute value for reprs: strings bare, others as Python shows them.
pub fn attr_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => json_repr(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn float_reprs_match_python() {
        for (x, s) in [
            (1.0, "1.0"),
            (0.1, "0.1"),
            (1e16, "1e+16"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (123_456_789_012_345_680.0, "1.2345678901234568e+17"),
            (1e22, "1e+22"),
            (-2.5, "-2.5"),
            (1e15, "1000000000000000.0"),
            (1.5e-7, "1.5e-07"),
            (1e100, "1e+100"),
            (f64::INFINITY, "inf"),
            (-0.0, "-0.0"),
        ] {
            assert_eq!(float_repr(x), s);
        }
        assert_eq!(float_repr(f64::NAN), "nan");
        assert_eq!(float32_repr(0.1), "0.1");
    }

    #[test]
    fn str_reprs_match_python() {
        assert_eq!(str_repr("hello"), "'hello'");
        assert_eq!(str_repr("it's"), "\"it's\"");
        assert_eq!(str_repr("a'b\"c"), "'a\\'b\"c'");
        assert_eq!(str_repr("\n\t\u{0}é"), "'\\n\\t\\x00é'");
    }

    #[test]
    fn precision_formats_match_python() {
        // Python: format(x, ".4") for each x.
        for (x, s) in [
            (1.0, "1.0"),
            (-0.0, "-0.0"),
            (123.456_78, "123.5"),
            (1234.56, "1.235e+03"),
            (0.000_012_345_6, "1.235e-05"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
        ] {
            assert_eq!(format_precision(x, 4), s, "{x}");
        }
    }

    #[test]
    fn attributes_print_as_python_values() {
        assert_eq!(attr_text(&json!("degC")), "degC");
        assert_eq!(
            attr_text(&json!({"a": [1, 2.5, null, true], "b": "x"})),
            "{'a': [1, 2.5, None, True], 'b': 'x'}"
        );
        assert_eq!(
            attr_text(&json!(18_446_744_073_709_551_615_u64)),
            "18446744073709551615"
        );
        assert_eq!(attr_text(&json!(1e20)), "1e+20");
    }
}
