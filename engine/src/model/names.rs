//! Name suggestions: the one rule every "did you mean" in Nereus uses.
//!
//! CPython's rule (an edit distance small for the names' lengths), plus containment, so a short
//! name suggests the long one it abbreviates (`time` -> `time_counter`).

use std::fmt::Write as _;

/// The candidate closest to `name`, if one is close enough to be a likely slip.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let n = name.chars().count();
    let mut best: Option<(usize, &str)> = None;
    for cand in candidates {
        if cand == name {
            continue;
        }
        let cost = 2 * strsim::levenshtein(name, cand);
        let limit = (n + cand.chars().count() + 3) / 3;
        let contains = n >= 2 && (cand.contains(name) || name.contains(cand));
        if (cost <= limit || contains)
            && best.is_none_or(|(c, b)| cost < c || (cost == c && cand < b))
        {
            best = Some((cost, cand));
        }
    }
    best.map(|(_, c)| c)
}

/// " (did you mean `x`?)" for a suggestion, or nothing: the suffix storage and CF errors use.
pub fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default()
}

/// Python's str repr: single quotes unless the text has one and no double quote.
pub fn py_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || (0x7f..0xa0).contains(&(c as u32)) => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_slips_and_abbreviations_only() {
        assert_eq!(closest("foo", ["foo1", "bar"]), Some("foo1"));
        assert_eq!(closest("prnt", ["print", "range"]), Some("print"));
        assert_eq!(
            closest("time", ["time_counter", "y", "x"]),
            Some("time_counter")
        );
        assert_eq!(closest("sstt", ["sst", "lat"]), Some("sst"));
        assert_eq!(closest("xyz", ["print", "range"]), None);
        assert_eq!(closest("nope", ["type"]), None);
        assert_eq!(closest("a", ["y"]), None);
        assert_eq!(closest("latitude", ["time_counter", "y", "x"]), None);
    }
}
