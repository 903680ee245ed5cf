//! Help text for values and registry entries, shared by `obj?`, `help()` and inspect.

use std::fmt::Write as _;

use super::value::Value;

/// The help text for a value: signature and docstring for registry entries, else type and repr.
pub(crate) fn help_text(v: &Value, detail: u8) -> String {
    match v {
        Value::Method(recv, b) => format!(
            "Signature: {}.{}\nType:      method of {}\nDocstring:\n{}",
            recv.type_name(),
            b.signature,
            recv.type_name(),
            b.doc
        ),
        Value::DataArray(a) => {
            let chunks = match &a.variable.data {
                nereus_engine::model::Data::Lazy(l) => format!(
                    "{:?} (lazy)",
                    l.chunks()
                        .iter()
                        .map(|c| c.iter().copied().max().unwrap_or(0))
                        .collect::<Vec<_>>()
                ),
                nereus_engine::model::Data::Memory(_) => "in memory".to_string(),
            };
            format!(
                "Type:        DataArray\nName:        {}\nDimensions:  {:?}\nShape:       {:?}\nDtype:       {}\nChunks:      {chunks}\nString form:\n{}",
                a.name.as_deref().unwrap_or("None"),
                a.dims(),
                a.shape(),
                nereus_engine::repr::dtype_name(&a.variable),
                v.repr()
            )
        }
        Value::Builtin(b) => {
            let kind = if b.module.is_empty() {
                "builtin function".to_string()
            } else {
                format!("function in module {}", b.module)
            };
            format!(
                "Signature: {}\nType:      {kind}\nDocstring:\n{}",
                signature(b),
                b.doc
            )
        }
        Value::Function(f) => format!(
            "Signature: {}{}\nType:      function\nDocstring: {}",
            f.name(),
            f.signature_text(),
            f.def.doc.as_deref().unwrap_or("<no docstring>")
        ),
        Value::Module(m) => {
            let mut s = format!(
                "Type:      module\nModule:    {}\nDocstring:\n{}",
                m.name, m.doc
            );
            s.push_str("\n\nContents:");
            for b in m.functions {
                let _ = write!(s, "\n  {}", b.signature);
            }
            for c in m.constants {
                let _ = write!(s, "\n  {}: {}", c.name, c.doc);
            }
            s
        }
        other => {
            let mut repr = other.repr();
            let limit = if detail > 0 { 10_000 } else { 500 };
            if repr.chars().count() > limit {
                repr = repr.chars().take(limit).collect::<String>() + "...";
            }
            let mut s = format!("Type:        {}\nString form: {repr}", other.type_name());
            if let Some(n) = other.len() {
                let _ = write!(s, "\nLength:      {n}");
            }
            s
        }
    }
}

/// Help for a dotted path (`ssh.mean`, `ssh.values`): properties that compute are described,
/// never read.
pub(crate) fn help_for_path(
    ns: &super::eval::Namespace,
    path: &[String],
    detail: u8,
) -> super::error::Res<String> {
    use super::eval::resolve_path;
    match resolve_path(ns, path) {
        Ok(value) => Ok(help_text(&value, detail)),
        Err(e) => {
            let described = path.split_last().and_then(|(last, base)| {
                let base = resolve_path(ns, base).ok()?;
                let class = super::builtins::class_of(&base)?;
                Some(property_help(class, class.property(last)?))
            });
            described.ok_or(e)
        }
    }
}

/// Help for a property of a class (`ssh.values?`), without reading it.
pub(crate) fn property_help(
    class: &super::registry::Class,
    p: &super::registry::Property,
) -> String {
    format!(
        "Type:      property of {}\nName:      {}\nDocstring:\n{}",
        class.name, p.name, p.doc
    )
}

fn signature(b: &super::registry::Builtin) -> String {
    let qual = b.qualname();
    b.signature
        .strip_prefix(b.name)
        .map_or_else(|| b.signature.to_string(), |rest| format!("{qual}{rest}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::builtins::builtin;

    #[test]
    fn builtin_help_has_signature_and_doc() {
        let text = builtin("len")
            .map(|b| help_text(&Value::Builtin(b), 0))
            .unwrap_or_default();
        assert!(text.starts_with("Signature: len(obj, /)"));
        assert!(text.contains("number of items"));
    }

    #[test]
    fn value_help_has_type_and_repr() {
        let text = help_text(&Value::str("abc"), 0);
        assert!(
            text.contains("Type:        str")
                && text.contains("'abc'")
                && text.contains("Length:      3")
        );
    }
}
