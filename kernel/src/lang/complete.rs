//! Completion and inspection at a cursor, from the namespace and the registry.

use super::builtins::{builtin, class_of, BUILTINS, MODULES};
use super::eval::{resolve_path, Namespace};
use super::magics;
use super::parser::{KEYWORDS, UNSUPPORTED};
use super::value::Value;
use super::{Completion, MimeBundle};

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The dotted chain ending at `end` (a code-point index): its start and its text.
fn chain_before(chars: &[char], end: usize) -> (usize, String) {
    let mut start = end;
    while start > 0 && (is_ident(chars[start - 1]) || chars[start - 1] == '.') {
        start -= 1;
    }
    // A chain cannot start with a digit or a dot (e.g. `1.5`).
    while start < end && !(chars[start].is_alphabetic() || chars[start] == '_') {
        start += 1;
    }
    (start, chars[start..end].iter().collect())
}

/// Attribute names of a value: its class's methods and properties, plus variables of a
/// dataset and coordinates of an array (from the type and metadata; nothing is computed).
fn value_attrs(v: &Value) -> Vec<String> {
    let mut names: Vec<String> = class_of(v)
        .map(|c| c.attr_names().into_iter().map(str::to_string).collect())
        .unwrap_or_default();
    match v {
        Value::Dataset(ds) => names.extend(ds.names().map(str::to_string)),
        Value::DataArray(a) => names.extend(a.coords.keys().cloned()),
        _ => {}
    }
    names.sort_unstable();
    names.dedup();
    names
}

/// Resolves a dotted chain to a value, if it names one (no computation).
fn chain_value(ns: &Namespace, chain: &str) -> Option<Value> {
    if chain.is_empty() {
        return None;
    }
    let path: Vec<String> = chain.split('.').map(str::to_string).collect();
    resolve_path(ns, &path).ok()
}

/// Inside a string literal right after `[` or `(`/`,` of a call: the quote position, partial
/// text, and the opener (`[` or the callee's chain).
fn string_context(chars: &[char], cursor: usize) -> Option<(usize, String, Option<String>)> {
    let mut q = cursor;
    while q > 0 && chars[q - 1] != '"' && chars[q - 1] != '\'' {
        if !(is_ident(chars[q - 1]) || chars[q - 1] == ' ') {
            return None;
        }
        q -= 1;
    }
    let quote = q.checked_sub(1)?;
    let partial: String = chars[q..cursor].iter().collect();
    let mut b = quote;
    while b > 0 && chars[b - 1] == ' ' {
        b -= 1;
    }
    let mut opener = *chars.get(b.checked_sub(1)?)?;
    if opener == '=' {
        // `dim="...`: the keyword's name, then the call's `(` or `,`.
        let (kw_start, _) = chain_before(chars, b - 1);
        b = kw_start;
        while b > 0 && chars[b - 1] == ' ' {
            b -= 1;
        }
        opener = *chars.get(b.checked_sub(1)?)?;
    }
    match opener {
        '[' => Some((
            q,
            partial,
            Some(format!("[{}", chain_before(chars, b - 1).1)),
        )),
        '(' | ',' => call_before(chars, b).map(|callee| (q, partial, Some(callee))),
        _ => None,
    }
}

/// The callee chain of the call whose parentheses enclose position `pos`.
fn call_before(chars: &[char], pos: usize) -> Option<String> {
    let mut depth = 0usize;
    let mut i = pos;
    while i > 0 {
        i -= 1;
        match chars[i] {
            ')' | ']' | '}' => depth += 1,
            '[' | '{' | '(' if depth > 0 => depth -= 1,
            '(' => return Some(chain_before(chars, i).1),
            '[' | '{' | '\n' => return None,
            _ => {}
        }
    }
    None
}

/// Dimension names of the receiver of a `base.method` chain.
fn receiver_dims(ns: &Namespace, callee: &str) -> Option<(String, Vec<String>)> {
    let (base, method) = callee.rsplit_once('.')?;
    let dims = match chain_value(ns, base)? {
        Value::DataArray(a) => a.dims().to_vec(),
        Value::Dataset(ds) => ds.dims().keys().cloned().collect(),
        _ => return None,
    };
    Some((method.to_string(), dims))
}

/// Completions in data-aware contexts: `ds["` and `mean("`.
fn data_completion(ns: &Namespace, chars: &[char], cursor: usize) -> Option<Completion> {
    if let Some((start, partial, Some(opener))) = string_context(chars, cursor) {
        let names: Vec<String> = if let Some(base) = opener.strip_prefix('[') {
            match chain_value(ns, base)? {
                Value::Dataset(ds) => ds.names().map(str::to_string).collect(),
                Value::DataArray(a) => a.coords.keys().cloned().collect(),
                Value::Dict(d) => d
                    .keys()
                    .iter()
                    .filter_map(|k| match k {
                        Value::Str(s) => Some(s.to_string()),
                        _ => None,
                    })
                    .collect(),
                _ => return None,
            }
        } else {
            receiver_dims(ns, &opener)?.1
        };
        return Some(Completion {
            matches: names
                .into_iter()
                .filter(|n| n.starts_with(&partial))
                .collect(),
            cursor_start: start,
            cursor_end: cursor,
        });
    }
    None
}

/// Inside a call's parentheses, the parameters `word` may start, as `name=`: the callee's
/// keywords from its declared signature, and for `isel`/`sel` the receiver's dimensions.
fn keyword_matches(ns: &Namespace, chars: &[char], start: usize, word: &str) -> Vec<String> {
    let mut b = start;
    while b > 0 && chars[b - 1] == ' ' {
        b -= 1;
    }
    if b == 0 || !matches!(chars[b - 1], '(' | ',') {
        return Vec::new();
    }
    let Some(callee) = call_before(chars, b) else {
        return Vec::new();
    };
    let mut names: Vec<String> = match receiver_dims(ns, &callee) {
        Some((method, dims)) if matches!(method.as_str(), "isel" | "sel") => dims,
        _ => Vec::new(),
    };
    let builtin = match chain_value(ns, &callee) {
        Some(Value::Builtin(b) | Value::Method(_, b)) => Some(b),
        Some(Value::Type(t)) => builtin(t),
        _ => None,
    };
    if let Some(b) = builtin {
        names.extend(b.parsed_signature().keywords().map(str::to_owned));
    }
    let mut out: Vec<String> = Vec::new();
    for n in names {
        let m = format!("{n}=");
        if n.starts_with(word) && !out.contains(&m) {
            out.push(m);
        }
    }
    out
}

/// Magic names after `%` or `%%` at the start of a line, after any indent (`%%` only at the
/// very start of the cell).
fn magic_completion(chars: &[char], cursor: usize) -> Option<Completion> {
    let mut start = cursor;
    while start > 0 && is_ident(chars[start - 1]) {
        start -= 1;
    }
    let mut pct = start;
    while pct > 0 && chars[pct - 1] == '%' && start - pct < 2 {
        pct -= 1;
    }
    let percents = start - pct;
    // Line magics may be indented (inside a block); only what precedes them on the line counts.
    let mut line_start = pct;
    while line_start > 0 && matches!(chars[line_start - 1], ' ' | '\t') {
        line_start -= 1;
    }
    if percents == 0 || (line_start > 0 && chars[line_start - 1] != '\n') {
        return None;
    }
    let typed: String = chars[pct..cursor].iter().collect();
    let mut matches: Vec<String> = magics::names(false);
    if pct == 0 {
        matches.extend(magics::names(true));
    }
    matches.retain(|m| m.starts_with(&typed));
    Some(Completion {
        matches,
        cursor_start: pct,
        cursor_end: cursor,
    })
}

/// Help for the magic whose name is under the cursor (`%ti|me x`).
fn magic_help(chars: &[char], cursor: usize) -> Option<String> {
    let line_start = chars[..cursor]
        .iter()
        .rposition(|&c| c == '\n')
        .map_or(0, |i| i + 1);
    let line: String = chars[line_start..]
        .iter()
        .take_while(|&&c| c != '\n')
        .collect();
    let rest = line.trim_start().strip_prefix('%')?;
    let (cell, rest) = match rest.strip_prefix('%') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let name: String = rest.chars().take_while(|&c| is_ident(c)).collect();
    let name_end = line_start + line.chars().count() - rest.chars().count() + name.chars().count();
    (cursor <= name_end).then_some(())?;
    magics::help(&name, cell)
}

/// Completions for the word before `cursor`.
pub(crate) fn complete(ns: &Namespace, code: &str, cursor: usize) -> Completion {
    let chars: Vec<char> = code.chars().collect();
    let cursor = cursor.min(chars.len());
    if let Some(c) = magic_completion(&chars, cursor) {
        return c;
    }
    if let Some(c) = data_completion(ns, &chars, cursor) {
        return c;
    }
    let (start, chain) = chain_before(&chars, cursor);
    let line_start = chars[..start]
        .iter()
        .rposition(|&c| c == '\n')
        .map_or(0, |i| i + 1);
    let line_before: String = chars[line_start..start].iter().collect();
    let mut matches: Vec<String> = Vec::new();
    let word_start;
    if let Some((base, partial)) = chain.rsplit_once('.') {
        word_start = cursor - partial.chars().count();
        let path: Vec<String> = base.split('.').map(str::to_string).collect();
        // A module the cell imports but that has not run yet still completes, as in IPython.
        let module = match resolve_path(ns, &path) {
            Ok(Value::Module(m)) => Some(m),
            _ if path.len() == 1 => MODULES.iter().copied().find(|m| m.name == path[0]),
            _ => None,
        };
        if let Some(m) = module {
            matches = m
                .attr_names()
                .into_iter()
                .filter(|n| n.starts_with(partial))
                .map(str::to_string)
                .collect();
        } else if let Ok(v) = resolve_path(ns, &path) {
            matches = value_attrs(&v)
                .into_iter()
                .filter(|n| n.starts_with(partial))
                .collect();
        }
    } else {
        word_start = start;
        let trimmed = line_before.trim_start();
        let module_context =
            trimmed == "import " || (trimmed.starts_with("from ") && !trimmed.contains(" import"));
        if module_context {
            matches = MODULES
                .iter()
                .map(|m| m.name)
                .filter(|n| n.starts_with(&chain))
                .map(str::to_string)
                .collect();
        } else if let Some(module) = trimmed
            .strip_prefix("from ")
            .and_then(|r| r.split_once(" import "))
            .map(|(m, _)| m.trim())
        {
            if let Some(m) = MODULES.iter().find(|m| m.name == module) {
                matches = m
                    .attr_names()
                    .into_iter()
                    .filter(|n| n.starts_with(&chain))
                    .map(str::to_string)
                    .collect();
            }
        } else if !chain.is_empty() {
            let names = ns
                .keys()
                .map(String::as_str)
                .chain(BUILTINS.iter().map(|b| b.name))
                .chain(
                    KEYWORDS
                        .iter()
                        .copied()
                        .filter(|k| !UNSUPPORTED.contains(k)),
                );
            matches = names
                .filter(|n| n.starts_with(&chain))
                .map(str::to_string)
                .collect();
            matches.sort_unstable();
            matches.dedup();
            // Inside a call, the callee's parameters come first, as IPython lists them.
            let mut keywords = keyword_matches(ns, &chars, start, &chain);
            keywords.append(&mut matches);
            matches = keywords;
        }
    }
    Completion {
        matches,
        cursor_start: word_start,
        cursor_end: cursor,
    }
}

/// Help for the name under or before `cursor`, or for the call the cursor is inside.
pub(crate) fn inspect(ns: &Namespace, code: &str, cursor: usize, detail: u8) -> Option<MimeBundle> {
    let chars: Vec<char> = code.chars().collect();
    let cursor = cursor.min(chars.len());
    if let Some(text) = magic_help(&chars, cursor) {
        let mut data = MimeBundle::new();
        data.insert("text/plain".into(), text.into());
        return Some(data);
    }
    let mut end = cursor;
    while end < chars.len() && is_ident(chars[end]) {
        end += 1;
    }
    let (_, mut chain) = chain_before(&chars, end);
    if chain.is_empty() {
        // Inside a call's parentheses: inspect the callee.
        let mut depth = 0usize;
        let mut i = cursor;
        while i > 0 {
            i -= 1;
            match chars[i] {
                ')' | ']' => depth += 1,
                '(' | '[' if depth > 0 => depth -= 1,
                '(' => {
                    chain = chain_before(&chars, i).1;
                    break;
                }
                '\n' => break,
                _ => {}
            }
        }
    }
    let chain = chain.trim_end_matches('.');
    if chain.is_empty() {
        return None;
    }
    let path: Vec<String> = chain.split('.').map(str::to_string).collect();
    let text = super::help::help_for_path(ns, &path, detail).ok()?;
    let mut data = MimeBundle::new();
    data.insert("text/plain".into(), text.into());
    Some(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::builtins::module;

    fn ns() -> Namespace {
        let mut ns = Namespace::new();
        ns.insert("foo1".into(), Value::Int(1));
        if let Ok(m) = module("time") {
            ns.insert("time".into(), Value::Module(m));
        }
        ns
    }

    #[test]
    fn completes_names_keywords_and_attributes() {
        let c = complete(&ns(), "x = fo", 6);
        assert_eq!(c.matches, vec!["foo1", "for"]);
        assert_eq!((c.cursor_start, c.cursor_end), (4, 6));
        let c = complete(&ns(), "time.sl", 7);
        assert_eq!(c.matches, vec!["sleep"]);
        assert_eq!(c.cursor_start, 5);
        let c = complete(&ns(), "import ti", 9);
        assert_eq!(c.matches, vec!["time"]);
    }

    #[test]
    fn cursor_counts_code_points() {
        let code = "s = 'héllo'; pri";
        let n = code.chars().count();
        let c = complete(&ns(), code, n);
        assert_eq!(c.matches, vec!["print"]);
        assert_eq!(c.cursor_start, n - 3);
    }

    #[test]
    fn inspects_names_and_calls() {
        let text = |b: Option<MimeBundle>| {
            b.and_then(|b| {
                b.get("text/plain")
                    .and_then(|v| v.as_str().map(str::to_string))
            })
        };
        assert!(
            text(inspect(&ns(), "time.sleep(1)", 7, 0)).is_some_and(|t| t.contains("sleep(secs"))
        );
        assert!(
            text(inspect(&ns(), "print(1, ", 9, 0)).is_some_and(|t| t.contains("print(*objects"))
        );
        assert!(text(inspect(&ns(), "foo1", 2, 0)).is_some_and(|t| t.contains("Type:        int")));
        assert!(inspect(&ns(), "nothing_here", 3, 0).is_none());
    }
}
