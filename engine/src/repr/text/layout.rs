//! The column layout of xarray's text reprs (`xarray/core/formatting.py`): name columns,
//! truncation, wrapped dimension lists and sections elided past `display_max_rows`.

/// xarray's `display_width`.
pub(super) const WIDTH: usize = 80;
/// xarray's `display_max_rows`: longer sections show their first and last rows.
pub(super) const MAX_ROWS: usize = 12;

fn len(s: &str) -> usize {
    s.chars().count()
}

/// `maybe_truncate`: `s` cut to `max` characters, the last three being `...`.
pub(super) fn truncate(s: &str, max: usize) -> String {
    if len(s) <= max {
        return s.to_owned();
    }
    let mut t: String = s.chars().take(max.saturating_sub(3)).collect();
    t.push_str("...");
    t
}

/// `pretty_print`: `s` truncated or padded with spaces to exactly `width` characters.
pub(super) fn pad(s: &str, width: usize) -> String {
    let t = truncate(s, width);
    let fill = width.saturating_sub(len(&t));
    format!("{t}{}", " ".repeat(fill))
}

/// `_calculate_col_width`: the name column of a section, from its longest name.
pub(super) fn col_width<'a>(names: impl Iterator<Item = &'a str>) -> usize {
    names.map(len).max().unwrap_or(0).max(7) + 6
}

/// `_element_formatter`: `elements` joined by `, `, wrapped before [`WIDTH`] onto lines
/// indented by `col` spaces, with the middle lines elided past [`MAX_ROWS`].
pub(super) fn wrapped(elements: &[String], col: usize) -> String {
    let mut rows = vec![String::new()];
    let mut row_len = 0;
    for (i, e) in elements.iter().enumerate() {
        let delim = if i + 1 < elements.len() { ", " } else { "" };
        let item = format!("{e}{delim}");
        row_len += len(&item);
        if col + row_len > WIDTH {
            if let Some(last) = rows.last_mut() {
                let kept = last.trim_end().len();
                last.truncate(kept);
            }
            rows.push(format!("\n{}{item}", " ".repeat(col)));
            row_len = len(&item);
        } else if let Some(last) = rows.last_mut() {
            last.push_str(&item);
        }
    }
    if rows.len() > MAX_ROWS {
        let (first, last) = first_last(MAX_ROWS);
        let mut kept: Vec<String> = rows[..first].to_vec();
        kept.push(format!("\n{}...", " ".repeat(col)));
        kept.extend_from_slice(&rows[rows.len() - last..]);
        rows = kept;
    }
    rows.concat()
}

/// `calc_max_rows_first` and `calc_max_rows_last`.
fn first_last(max_rows: usize) -> (usize, usize) {
    (max_rows / 2 + max_rows % 2, max_rows / 2)
}

/// `_mapping_repr`: `Title:` then one row per entry (made by `row`), or `*empty*`; past
/// `max_rows` the title counts `(shown/all)` and the middle rows become `    ...`.
pub(super) fn mapping_section<T>(
    title: &str,
    entries: &[T],
    col: usize,
    max_rows: Option<usize>,
    row: impl Fn(&T) -> String,
) -> String {
    let n = entries.len();
    if n == 0 {
        return format!("{title}:\n    *empty*");
    }
    let mut lines = Vec::new();
    match max_rows {
        Some(max) if n > max => {
            let (first, last) = first_last(max);
            lines.push(format!("{title}: ({max}/{n})"));
            lines.extend(entries[..first].iter().map(&row));
            if max > 1 {
                lines.push(format!("{} ...", pad("    ...", col)));
                lines.extend(entries[n - last..].iter().map(&row));
            }
        }
        _ => {
            lines.push(format!("{title}:"));
            lines.extend(entries.iter().map(&row));
        }
    }
    lines.join("\n")
}

/// `summarize_attr`: `    key: value` with the value on one line, cut at [`WIDTH`].
pub(super) fn attr_row(key: &str, value: &str, col: usize) -> String {
    let key = pad(&format!("    {key}:"), col);
    let value = value.replace('\t', "\\t").replace('\n', "\\n");
    truncate(&format!("{key} {value}"), WIDTH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dimension_lists_wrap_like_xarray() {
        // xarray: _element_formatter([f"dim{i:02d}: {i*100}" for i in range(30)], 14, 12)
        let dims: Vec<String> = (0..30).map(|i| format!("dim{i:02}: {}", i * 100)).collect();
        let text = wrapped(&dims, 14);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 6);
        assert_eq!(
            lines[0],
            "dim00: 0, dim01: 100, dim02: 200, dim03: 300, dim04: 400,"
        );
        assert_eq!(
            lines[2],
            "              dim10: 1000, dim11: 1100, dim12: 1200, dim13: 1300, dim14: 1400,"
        );
        assert_eq!(wrapped(&["x".into(), "y".into()], 32), "x, y");
    }

    #[test]
    fn long_sections_show_their_ends() {
        let keys: Vec<String> = (0..14).map(|i| format!("k{i}")).collect();
        let col = col_width(keys.iter().map(String::as_str));
        let text = mapping_section("Attributes", &keys, col, Some(MAX_ROWS), |k| {
            attr_row(k, &k[1..], col)
        });
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "Attributes: (12/14)");
        assert_eq!(lines[1], "    k0:       0");
        assert_eq!(lines[7], "    ...       ...");
        assert_eq!(lines[13], "    k13:      13");
        let none: [String; 0] = [];
        assert_eq!(
            mapping_section("Data variables", &none, col, None, String::clone),
            "Data variables:\n    *empty*"
        );
    }
}
