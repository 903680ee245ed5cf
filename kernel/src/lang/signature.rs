//! A callable's Python signature, read from the one text each registry row declares
//! (`isel(indexers=None, drop=False, **indexers_kwargs)`): which keywords it accepts and whether
//! it takes free ones. Help and inspect show the same text.

use super::error::{suggestion, Exc, Res};
use super::registry::Builtin;
use super::value::Value;

/// How a parameter may be passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Before `/`, or in CPython's several-forms notation (`range(stop) / range(start, stop)`).
    PositionalOnly,
    /// By position or by name.
    PositionalOrKeyword,
    /// After `*` or `*args`.
    KeywordOnly,
    /// `*args`.
    VarPositional,
    /// `**kwargs`: any further keyword.
    VarKeyword,
}

/// One parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Param {
    pub(crate) name: String,
    pub(crate) kind: Kind,
}

/// The parameters of a signature, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Signature {
    pub(crate) params: Vec<Param>,
}

impl Signature {
    /// Reads `name(a, b=1, /, c=None, *args, d, **kw)`. CPython's notation for several forms
    /// (`min(iterable, /) / min(a, b, *args)`) makes every parameter positional-only; numpy's
    /// brackets for optional leading parameters (`arange([start,] stop[, step], dtype=None)`)
    /// only mark them optional.
    pub(crate) fn parse(text: &str) -> Self {
        let forms: Vec<&str> = text.split(") / ").collect();
        let several = forms.len() > 1;
        let mut params: Vec<Param> = Vec::new();
        for form in forms {
            for p in Self::parse_form(form) {
                let p = if several && p.kind == Kind::PositionalOrKeyword {
                    Param {
                        kind: Kind::PositionalOnly,
                        ..p
                    }
                } else {
                    p
                };
                if !params.iter().any(|q| q.name == p.name) {
                    params.push(p);
                }
            }
        }
        Self { params }
    }

    fn parse_form(form: &str) -> Vec<Param> {
        let mut out: Vec<Param> = Vec::new();
        let mut keyword_only = false;
        for item in top_level_items(form) {
            let item = item.trim_matches(|c: char| c == '[' || c == ']' || c.is_whitespace());
            if item == "/" {
                for p in &mut out {
                    p.kind = Kind::PositionalOnly;
                }
                continue;
            }
            if item == "*" {
                keyword_only = true;
                continue;
            }
            let (kind, rest) = if let Some(rest) = item.strip_prefix("**") {
                (Kind::VarKeyword, rest)
            } else if let Some(rest) = item.strip_prefix('*') {
                keyword_only = true;
                (Kind::VarPositional, rest)
            } else if keyword_only {
                (Kind::KeywordOnly, item)
            } else {
                (Kind::PositionalOrKeyword, item)
            };
            let name = rest.split(['=', ':']).next().unwrap_or_default().trim();
            if !name.is_empty() {
                out.push(Param {
                    name: name.to_owned(),
                    kind,
                });
            }
        }
        out
    }

    /// The names it accepts as keywords, in order.
    pub(crate) fn keywords(&self) -> impl Iterator<Item = &str> {
        self.params
            .iter()
            .filter(|p| matches!(p.kind, Kind::PositionalOrKeyword | Kind::KeywordOnly))
            .map(|p| p.name.as_str())
    }

    /// Whether it takes any further keyword (`**kwargs`; for xarray, dimension names).
    pub(crate) fn free_keywords(&self) -> bool {
        self.params.iter().any(|p| p.kind == Kind::VarKeyword)
    }

    /// Whether keyword `name` may be passed.
    pub(crate) fn accepts(&self, name: &str) -> bool {
        self.free_keywords() || self.keywords().any(|k| k == name)
    }

    /// Refuses keywords of a call to `b` that it does not take (with the closest it does) or
    /// that come twice, in the words Python uses for a function of its kind.
    pub(crate) fn check_keywords(&self, b: &Builtin, keywords: &[(String, Value)]) -> Res<()> {
        // CPython's builtins, dict methods and the time and sys modules are written in C;
        // xarray and numpy's functions are Python and name the class of a method.
        let in_c = matches!(b.module, "" | "dict" | "time" | "sys");
        for (i, (k, _)) in keywords.iter().enumerate() {
            if !self.accepts(k) {
                let hint = suggestion(k, self.keywords());
                let msg = if in_c && self.keywords().next().is_none() {
                    format!("{}() takes no keyword arguments", b.qualname())
                } else if in_c {
                    format!(
                        "'{k}' is an invalid keyword argument for {}(){hint}",
                        b.name
                    )
                } else if b.module.starts_with(char::is_uppercase) {
                    format!(
                        "{}.{}() got an unexpected keyword argument '{k}'{hint}",
                        b.module, b.name
                    )
                } else {
                    format!(
                        "{}() got an unexpected keyword argument '{k}'{hint}",
                        b.name
                    )
                };
                return Err(Exc::type_error(msg));
            }
            if keywords[..i].iter().any(|(p, _)| p == k) {
                return Err(Exc::type_error(format!(
                    "{}() got multiple values for keyword argument '{k}'",
                    b.name
                )));
            }
        }
        Ok(())
    }
}

/// The text between the outer parentheses of one form, split at top-level commas (defaults
/// may hold tuples and strings).
fn top_level_items(form: &str) -> Vec<String> {
    let Some(open) = form.find('(') else {
        return Vec::new();
    };
    let inner = &form[open + 1..form.rfind(')').unwrap_or(form.len())];
    let (mut out, mut depth, mut quote, mut cur) = (Vec::new(), 0i32, None, String::new());
    for ch in inner.chars() {
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (None, '\'' | '"') => quote = Some(ch),
            (None, '(' | '{' | '<') => depth += 1,
            (None, ')' | '}' | '>') => depth -= 1,
            (None, ',') if depth == 0 => {
                out.push(std::mem::take(&mut cur).trim().to_owned());
                continue;
            }
            _ => {}
        }
        cur.push(ch);
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_owned());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keywords(text: &str) -> (Vec<String>, bool) {
        let sig = Signature::parse(text);
        (
            sig.keywords().map(str::to_owned).collect(),
            sig.free_keywords(),
        )
    }

    #[test]
    fn signatures_parse_as_python_reads_them() {
        assert_eq!(
            keywords("sum(iterable, /, start=0)"),
            (vec!["start".to_owned()], false)
        );
        assert_eq!(
            keywords("transpose(*dims, transpose_coords=True, missing_dims='raise')"),
            (
                vec!["transpose_coords".to_owned(), "missing_dims".to_owned()],
                false
            )
        );
        assert_eq!(
            keywords("isel(indexers=None, drop=False, **indexers_kwargs)"),
            (vec!["indexers".to_owned(), "drop".to_owned()], true)
        );
        assert_eq!(
            keywords("f(x=('a', 'b'), *, y=<NA>)"),
            (vec!["x".to_owned(), "y".to_owned()], false)
        );
        assert_eq!(
            keywords("range(stop) / range(start, stop[, step])"),
            (vec![], false)
        );
        assert_eq!(
            keywords("arange([start,] stop[, step], dtype=None)"),
            (
                ["start", "stop", "step", "dtype"]
                    .map(str::to_owned)
                    .to_vec(),
                false
            )
        );
        let sig = Signature::parse("get(key, default=None, /)");
        assert!(!sig.accepts("key") && !sig.accepts("default"));
    }
}
