//! A callable's Python signature, read from the one text each registry row declares
//! (`isel(indexers=None, drop=False, **indexers_kwargs)`): which keywords it accepts, whether it
//! takes free ones, and how a call's arguments bind to its parameters ([`Bound`]). Help,
//! inspect and completion show the same text.

use std::rc::Rc;

use super::error::{suggestion, Exc, ExcKind, Res};
use super::registry::{Args, Builtin};
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
    /// Whether a call must give it (no default, not in brackets, not `*args`/`**kwargs`).
    pub(crate) required: bool,
    /// Its default as the signature writes it (`'all'`, `None`, `<NA>`).
    pub(crate) default: Option<String>,
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
            let optional = item.contains('[') || item.contains('=');
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
            let default = rest.split_once('=').map(|(_, d)| d.trim().to_owned());
            if !name.is_empty() {
                out.push(Param {
                    name: name.to_owned(),
                    kind,
                    required: !optional
                        && matches!(
                            kind,
                            Kind::PositionalOrKeyword | Kind::KeywordOnly | Kind::PositionalOnly
                        ),
                    default,
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

impl Signature {
    /// Binds a call's arguments to the parameters as Python does: positional arguments fill
    /// the positional parameters in order (the rest go to `*args`), keywords their parameter
    /// (the rest to `**kwargs`); `func` names the callable in errors, and `receiver` says
    /// whether the first positional argument is the object a method was called on.
    pub(crate) fn bind(self: &Rc<Self>, func: &str, receiver: bool, args: Args) -> Res<Bound> {
        let Args { mut pos, kw, .. } = args;
        let receiver = (receiver && !pos.is_empty()).then(|| pos.remove(0));
        let self_count = usize::from(receiver.is_some());
        // One slot per parameter, in order (`*args` and `**kwargs` slots stay empty).
        let mut values: Vec<Option<Value>> = vec![None; self.params.len()];
        let mut rest = Vec::new();
        let mut positional = pos.into_iter();
        for (slot, p) in values.iter_mut().zip(&self.params) {
            match p.kind {
                Kind::PositionalOnly | Kind::PositionalOrKeyword => *slot = positional.next(),
                Kind::VarPositional => rest.extend(positional.by_ref()),
                Kind::KeywordOnly | Kind::VarKeyword => {}
            }
        }
        let surplus = positional.len();
        if surplus > 0 {
            let given = values.iter().filter(|v| v.is_some()).count() + surplus;
            return Err(Exc::type_error(self.too_many(func, self_count, given)));
        }
        let mut extra = Vec::new();
        for (k, v) in kw {
            let at = self.params.iter().position(|p| p.name == k);
            match at.map(|i| (i, self.params[i].kind)) {
                Some((i, Kind::PositionalOrKeyword | Kind::KeywordOnly)) => {
                    if values[i].is_some() {
                        return Err(Exc::type_error(format!(
                            "{func}() got multiple values for argument '{k}'"
                        )));
                    }
                    values[i] = Some(v);
                }
                _ if self.free_keywords() => extra.push((k, v)),
                Some((_, Kind::PositionalOnly)) => {
                    return Err(Exc::type_error(format!(
                        "{func}() got some positional-only arguments passed as keyword arguments: '{k}'"
                    )))
                }
                _ => {
                    return Err(Exc::type_error(format!(
                        "{func}() got an unexpected keyword argument '{k}'"
                    )))
                }
            }
        }
        self.check_required(func, &values)?;
        Ok(Bound {
            signature: Rc::clone(self),
            func: func.to_owned(),
            receiver,
            values,
            rest,
            extra,
        })
    }

    /// Python's message for more positional arguments than the parameters take.
    fn too_many(&self, func: &str, self_count: usize, given: usize) -> String {
        let positional =
            |p: &&Param| matches!(p.kind, Kind::PositionalOnly | Kind::PositionalOrKeyword);
        let max = self.params.iter().filter(positional).count() + self_count;
        let min = self
            .params
            .iter()
            .filter(positional)
            .filter(|p| p.required)
            .count()
            + self_count;
        let takes = if min == max {
            format!("{max}")
        } else {
            format!("from {min} to {max}")
        };
        let given = given + self_count;
        let s = if max == 1 && min == max { "" } else { "s" };
        let were = if given == 1 { "was" } else { "were" };
        format!("{func}() takes {takes} positional argument{s} but {given} {were} given")
    }

    /// Python's message for required parameters a call did not give.
    fn check_required(&self, func: &str, values: &[Option<Value>]) -> Res<()> {
        for (keyword_only, what) in [(false, "positional"), (true, "keyword-only")] {
            let missing: Vec<String> = self
                .params
                .iter()
                .zip(values)
                .filter(|(p, v)| p.required && v.is_none())
                .filter(|(p, _)| (p.kind == Kind::KeywordOnly) == keyword_only)
                .map(|(p, _)| format!("'{}'", p.name))
                .collect();
            let names = match missing.as_slice() {
                [] => continue,
                [one] => one.clone(),
                [init @ .., last] => format!("{} and {last}", init.join(", ")),
            };
            let s = if missing.len() == 1 { "" } else { "s" };
            return Err(Exc::type_error(format!(
                "{func}() missing {} required {what} argument{s}: {names}",
                missing.len()
            )));
        }
        Ok(())
    }
}

/// A call's arguments bound to a signature ([`Signature::bind`]): each parameter's value as
/// given (a default is the callee's to apply), `*args` and `**kwargs`.
#[derive(Debug)]
pub(crate) struct Bound {
    signature: Rc<Signature>,
    func: String,
    receiver: Option<Value>,
    values: Vec<Option<Value>>,
    rest: Vec<Value>,
    extra: Vec<(String, Value)>,
}

impl Bound {
    /// The object a method was called on (`None` for a function).
    pub(crate) fn receiver(&mut self) -> Value {
        self.receiver.take().unwrap_or(Value::None)
    }

    /// Where parameter `name` is, if this signature has it.
    fn index(&self, name: &str) -> Option<usize> {
        self.signature.params.iter().position(|p| p.name == name)
    }

    /// The value given for parameter `name`, if the call gave one (`None` too when this
    /// signature has no such parameter: one implementation serves `sum(dim)` and
    /// `std(dim, ddof)`).
    pub(crate) fn take(&mut self, name: &str) -> Option<Value> {
        let i = self.index(name)?;
        self.values[i].take()
    }

    /// The value of a required parameter (binding refused calls without one; a parameter
    /// this signature lacks is an error in the binding code).
    pub(crate) fn required(&mut self, name: &str) -> Res<Value> {
        self.take(name)
            .ok_or_else(|| Exc::type_error(format!("missing required argument '{name}'")))
    }

    /// Refuses a value other than its default for each of `names`: parameters whose other
    /// values Nereus does not implement, so that a call never silently does something else.
    pub(crate) fn only_defaults(&mut self, names: &[&str]) -> Res<()> {
        for name in names {
            let Some(v) = self.take(name) else { continue };
            let default = self
                .index(name)
                .and_then(|i| self.signature.params[i].default.as_deref());
            if default != Some(v.repr().as_str()) {
                return Err(Exc::new(
                    ExcKind::NotImplementedError,
                    format!(
                        "{}({name}={}) is not supported in Nereus; only the default ({})",
                        self.func,
                        v.repr(),
                        default.unwrap_or("none")
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The positional arguments past the named ones (`*args`), in order.
    pub(crate) fn rest(&mut self) -> Vec<Value> {
        std::mem::take(&mut self.rest)
    }

    /// The keywords no parameter names (`**kwargs`), in call order.
    pub(crate) fn extra(&mut self) -> Vec<(String, Value)> {
        std::mem::take(&mut self.extra)
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

    fn call(pos: Vec<Value>, kw: &[(&str, Value)]) -> Args {
        Args {
            pos,
            kw: kw
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
            callee: None,
        }
    }

    fn bind(sig: &str, method: bool, args: Args) -> Result<Bound, String> {
        Rc::new(Signature::parse(sig))
            .bind("f", method, args)
            .map_err(|e| e.msg)
    }

    #[test]
    fn calls_bind_as_python_binds_them() {
        let sig = "f(a, b=None, *rest, c, d=1, **extra)";
        let args = call(
            vec![Value::Int(1), Value::Int(2), Value::Int(3)],
            &[("c", Value::Int(4)), ("z", Value::Int(5))],
        );
        let mut b = bind(sig, false, args).expect("binds");
        assert!(matches!(b.take("a"), Some(Value::Int(1))));
        assert!(matches!(b.take("b"), Some(Value::Int(2))));
        assert!(matches!(b.rest().as_slice(), [Value::Int(3)]));
        assert!(matches!(b.take("c"), Some(Value::Int(4))));
        assert!(b.take("d").is_none(), "a default is the callee's to apply");
        assert!(matches!(b.extra().as_slice(), [(k, Value::Int(5))] if k == "z"));
        // A keyword fills a positional parameter past a gap; the receiver is set apart.
        let args = call(
            vec![Value::str("recv")],
            &[("b", Value::Int(2)), ("a", Value::Int(1))],
        );
        let mut b = bind("g(a, b=None)", true, args).expect("binds");
        assert!(matches!(b.receiver(), Value::Str(s) if &*s == "recv"));
        assert!(matches!(
            (b.take("a"), b.take("b")),
            (Some(Value::Int(1)), Some(Value::Int(2)))
        ));
    }

    #[test]
    fn binding_errors_read_as_pythons() {
        // Python 3.11: def f(a, b=None): ...; f(1, 2, 3) and so on.
        let three = || vec![Value::Int(1), Value::Int(2), Value::Int(3)];
        assert_eq!(
            bind("f(a, b=None)", false, call(three(), &[]))
                .err()
                .as_deref(),
            Some("f() takes from 1 to 2 positional arguments but 3 were given")
        );
        assert_eq!(
            bind("f()", false, call(vec![Value::Int(1)], &[]))
                .err()
                .as_deref(),
            Some("f() takes 0 positional arguments but 1 was given")
        );
        // A method counts its receiver, as Python counts self.
        assert_eq!(
            bind("f(decimals=0)", true, call(three(), &[]))
                .err()
                .as_deref(),
            Some("f() takes from 1 to 2 positional arguments but 3 were given")
        );
        assert_eq!(
            bind("f(a, b, *, c)", false, call(vec![], &[]))
                .err()
                .as_deref(),
            Some("f() missing 2 required positional arguments: 'a' and 'b'")
        );
        assert_eq!(
            bind("f(*, c)", false, call(vec![], &[])).err().as_deref(),
            Some("f() missing 1 required keyword-only argument: 'c'")
        );
        assert_eq!(
            bind(
                "f(a)",
                false,
                call(vec![Value::Int(1)], &[("a", Value::Int(2))])
            )
            .err()
            .as_deref(),
            Some("f() got multiple values for argument 'a'")
        );
        assert_eq!(
            bind("f(a, /)", false, call(vec![], &[("a", Value::Int(2))]))
                .err()
                .as_deref(),
            Some("f() got some positional-only arguments passed as keyword arguments: 'a'")
        );
        assert_eq!(
            bind(
                "f(a)",
                false,
                call(vec![Value::Int(1)], &[("z", Value::Int(2))])
            )
            .err()
            .as_deref(),
            Some("f() got an unexpected keyword argument 'z'")
        );
    }
}
