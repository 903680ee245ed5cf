//! The building blocks of every HTML repr: collapsible sections (`<details>`/`<summary>`, no
//! script), lists bounded to their first and last rows, and attribute lists.
//!
//! They know nothing of datasets; `html` assembles them into xarray's layout.

use std::fmt::Write as _;

use super::escape::escape_into;
use super::style;
use crate::model::Attrs;

/// A collapsible section titled `title:` with an item count, open or not; `body` writes its
/// contents. With no items it is a plain disabled line, as in xarray.
pub(crate) fn collapsible(
    out: &mut String,
    title: &str,
    count: usize,
    open: bool,
    body: impl FnOnce(&mut String),
) {
    if count == 0 {
        let _ = write!(
            out,
            "<div class='nr-section nr-section-summary' style='{};cursor:default;padding-left:14px'>{title}: \
             <span style='{}'>(0)</span></div>",
            style::SUMMARY,
            style::MUTED
        );
        return;
    }
    let open = if open { " open" } else { "" };
    let _ = write!(
        out,
        "<details class='nr-section'{open}><summary class='nr-section-summary' style='{}'>{title}: \
         <span style='{}'>({count})</span></summary>",
        style::SUMMARY,
        style::MUTED
    );
    body(out);
    out.push_str("</details>");
}

/// Writes rows `0..n` with `row`, or, past `max_rows`, the first and last halves and a line
/// counting what was left out (a `marker.0` element saying "more `marker.1`"), so a section's
/// size is bounded whatever `n` is.
pub(crate) fn bounded_rows(
    out: &mut String,
    n: usize,
    max_rows: usize,
    marker: (&str, &str),
    mut row: impl FnMut(&mut String, usize),
) {
    if n <= max_rows {
        (0..n).for_each(|i| row(out, i));
        return;
    }
    let head = max_rows.div_ceil(2);
    let tail = max_rows / 2;
    (0..head).for_each(|i| row(out, i));
    let (tag, noun) = marker;
    let _ = write!(
        out,
        "<{tag} class='nr-more' style='{};grid-column:1/-1;padding:2px 0;font-style:italic'>\
         ... {} more {noun} ...</{tag}>",
        style::MUTED,
        n - head - tail
    );
    (n - tail..n).for_each(|i| row(out, i));
}

/// Appends `text` escaped, cut to `max_chars` characters with `...`.
pub(crate) fn escaped_cut(out: &mut String, text: &str, max_chars: usize) {
    match text.char_indices().nth(max_chars) {
        Some((at, _)) => {
            escape_into(out, &text[..at]);
            out.push_str("...");
        }
        None => escape_into(out, text),
    }
}

/// An attribute list: `name :` then the value as `str()` prints it (`attr_text`), each cut to
/// `max_chars`, at most `max_rows` rows.
pub(crate) fn attrs_list(
    out: &mut String,
    attrs: &Attrs,
    attr_text: &dyn Fn(&serde_json::Value) -> String,
    max_rows: usize,
    max_chars: usize,
) {
    let _ = write!(out, "<dl class='nr-attrs' style='{}'>", style::ATTRS);
    bounded_rows(
        out,
        attrs.len(),
        max_rows,
        ("div", "attributes"),
        |out, i| {
            let Some((k, v)) = attrs.get_index(i) else {
                return;
            };
            let _ = write!(
                out,
                "<dt class='nr-attr-key' style='{}'><span>",
                style::ATTR_KEY
            );
            escaped_cut(out, k, max_chars);
            let _ = write!(
                out,
                " :</span></dt><dd class='nr-attr-value' style='{}'>",
                style::ATTR_VALUE
            );
            escaped_cut(out, &attr_text(v), max_chars);
            out.push_str("</dd>");
        },
    );
    out.push_str("</dl>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lists_keep_both_ends_and_a_count() {
        let mut out = String::new();
        bounded_rows(&mut out, 1000, 4, ("li", "variables"), |o, i| {
            let _ = write!(o, "[{i}]");
        });
        assert!(out.starts_with("[0][1]<li"), "{out}");
        assert!(out.contains("... 996 more variables ..."), "{out}");
        assert!(out.ends_with("</li>[998][999]"), "{out}");
    }

    #[test]
    fn cuts_long_values_on_char_boundaries() {
        let mut out = String::new();
        escaped_cut(&mut out, "é<é<é", 2);
        assert_eq!(out, "é&lt;...");
    }
}
