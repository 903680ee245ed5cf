//! Walks the whole registry: every callable has a docstring, a signature under its own name,
//! and accepts exactly the keywords its signature names (free keywords iff it has `**`).

use super::builtins::{Builtin, Class, ANY_KEYWORD, BUILTINS, DICT, MODULES};
use super::xarray::{
    COARSEN, DATAARRAY, DATASET, DATASET_COARSEN, DATASET_GROUPBY, DATASET_ROLLING,
    DATASET_WEIGHTED, GROUPBY, NDARRAY, ROLLING, WEIGHTED,
};

/// Every class with methods.
const CLASSES: [&Class; 12] = [
    &DICT,
    &DATAARRAY,
    &DATASET,
    &NDARRAY,
    &GROUPBY,
    &DATASET_GROUPBY,
    &ROLLING,
    &DATASET_ROLLING,
    &COARSEN,
    &DATASET_COARSEN,
    &WEIGHTED,
    &DATASET_WEIGHTED,
];

/// Every callable: builtins, module functions, class methods, with where it lives.
fn every_callable() -> Vec<(String, &'static Builtin)> {
    let mut all: Vec<(String, &Builtin)> = BUILTINS.iter().map(|b| (String::new(), b)).collect();
    for m in MODULES {
        all.extend(m.functions.iter().map(|b| (m.name.to_owned(), b)));
    }
    for c in CLASSES {
        all.extend(c.methods.iter().map(|b| (c.name.to_owned(), b)));
    }
    all
}

/// The parameters of `name(a, b=1, /, c=None, *args, d, **kw)` between the outer parentheses,
/// split at top-level commas.
fn parameters(signature: &str) -> Vec<String> {
    let Some(open) = signature.find('(') else {
        return Vec::new();
    };
    let inner = &signature[open + 1..signature.rfind(')').unwrap_or(signature.len())];
    let (mut out, mut depth, mut quote, mut cur) = (Vec::new(), 0i32, None, String::new());
    for ch in inner.chars() {
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (None, '\'' | '"') => quote = Some(ch),
            (None, '(' | '[' | '{' | '<') => depth += 1,
            (None, ')' | ']' | '}' | '>') => depth -= 1,
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

/// The names a signature accepts as keywords, and whether it takes `**free` keywords.
fn keyword_names(signature: &str) -> (Vec<String>, bool) {
    let (mut names, mut free) = (Vec::new(), false);
    for p in parameters(signature) {
        if p == "/" {
            names.clear(); // what came before is positional-only
        } else if p.starts_with("**") {
            free = true;
        } else if !p.starts_with('*') {
            let name = p.split(['=', ':']).next().unwrap_or_default().trim();
            names.push(name.to_owned());
        }
    }
    (names, free)
}

/// A signature in the style of CPython's builtin docs: several forms, or optional positional
/// parameters in brackets.
fn is_c_style(signature: &str) -> bool {
    signature.contains(") / ") || signature.contains("[,") || signature.contains(",]")
}

/// The words of a signature that could name a parameter.
fn identifiers(signature: &str) -> Vec<String> {
    signature
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn signatures_parse_as_python_reads_them() {
    assert_eq!(
        keyword_names("sum(iterable, /, start=0)"),
        (vec!["start".to_owned()], false)
    );
    assert_eq!(
        keyword_names("transpose(*dims, transpose_coords=True, missing_dims='raise')"),
        (
            vec!["transpose_coords".to_owned(), "missing_dims".to_owned()],
            false
        )
    );
    assert_eq!(
        keyword_names("isel(indexers=None, drop=False, **indexers_kwargs)"),
        (vec!["indexers".to_owned(), "drop".to_owned()], true)
    );
    assert_eq!(
        keyword_names("f(x=('a', 'b'), *, y=<NA>)"),
        (vec!["x".to_owned(), "y".to_owned()], false)
    );
}

#[test]
fn every_callable_accepts_the_keywords_its_signature_names() {
    let mut wrong = Vec::new();
    for (owner, b) in every_callable() {
        let at = if owner.is_empty() {
            b.name.to_owned()
        } else {
            format!("{owner}.{}", b.name)
        };
        if b.doc.trim().is_empty() {
            wrong.push(format!("{at}: no docstring"));
        }
        if !b.signature.starts_with(&format!("{}(", b.name)) || !b.signature.ends_with(')') {
            wrong.push(format!(
                "{at}: signature {:?} is not {}(...)",
                b.signature, b.name
            ));
        }
        let (mut named, free) = keyword_names(b.signature);
        let mut accepted: Vec<String> = b
            .keywords
            .iter()
            .filter(|k| **k != ANY_KEYWORD)
            .map(|k| (*k).to_owned())
            .collect();
        named.sort();
        accepted.sort();
        if is_c_style(b.signature) {
            // `range(stop) / range(start, stop[, step])`: each keyword accepted is named there.
            let words = identifiers(b.signature);
            if let Some(k) = accepted.iter().find(|k| !words.contains(k)) {
                wrong.push(format!("{at}: accepts {k:?}, not in {:?}", b.signature));
            }
        } else if named != accepted {
            wrong.push(format!(
                "{at}: signature names {named:?}, binding accepts {accepted:?}"
            ));
        }
        if free != b.keywords.contains(&ANY_KEYWORD) {
            wrong.push(format!(
                "{at}: signature {} free keywords, binding {}",
                if free { "takes" } else { "takes no" },
                if free { "does not" } else { "does" }
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
