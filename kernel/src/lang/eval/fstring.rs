//! f-strings: each field evaluated, converted (`!r`, `!s`, the `=` debug form) and formatted
//! with its (itself evaluated) format spec.

use super::super::ast::FPart;
use super::super::error::Res;
use super::super::format::format_value;
use super::super::value::Value;
use super::Machine;

impl Machine<'_> {
    /// The text of an f-string's parts.
    pub(super) fn fstring(&mut self, parts: &[FPart]) -> Res<String> {
        let mut s = String::new();
        for p in parts {
            match p {
                FPart::Lit(t) => s.push_str(t),
                FPart::Field {
                    expr,
                    conv,
                    spec,
                    debug,
                } => {
                    let v = self.eval(expr)?;
                    if let Some(d) = debug {
                        s.push_str(d);
                    }
                    let conv = conv.or(if debug.is_some() && spec.is_empty() {
                        Some('r')
                    } else {
                        None
                    });
                    let v = match conv {
                        Some('r' | 'a') => Value::str(v.repr()),
                        Some(_) => Value::str(v.to_str()),
                        None => v,
                    };
                    let spec = self.fstring(spec)?;
                    s.push_str(&format_value(&v, &spec)?);
                }
            }
        }
        Ok(s)
    }
}
