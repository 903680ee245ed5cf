//! HTML escaping: the one function every user string (names, attributes, values) passes through.

/// `s` with `&`, `<`, `>`, `"` and `'` replaced by entities, safe in text and quoted attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

/// Appends `s`, escaped, to `out` (the hot path: no temporary string per piece).
pub(crate) fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape("<script>alert('x&y')</script>\""),
            "&lt;script&gt;alert(&#x27;x&amp;y&#x27;)&lt;/script&gt;&quot;"
        );
        assert_eq!(escape("plain é"), "plain é");
    }
}
