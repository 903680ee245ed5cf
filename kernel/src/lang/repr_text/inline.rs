//! One-line previews of a variable's values, as xarray's `inline_variable_array_repr` writes
//! them: dask's chunk summary for lazy data, `...` for unchunked lazy data, and for loaded data
//! `format_array_flat`'s first and last items fitting the width. Only those items are read.

use super::super::format::format_value;
use super::super::value::Value;
use nereus_engine::model::Variable;
use nereus_engine::repr::dask;
use nereus_engine::repr::dask_inline;

/// The preview of `var` in at most `width` characters (wider only for lazy data, as xarray).
pub(super) fn preview(var: &Variable, width: isize) -> String {
    if dask::is_unchunked(var) {
        return "...".to_owned();
    }
    if let Some(text) = dask_inline(var) {
        return text;
    }
    super::ndarray_of(var).map_or_else(String::new, |a| {
        let item = |i: usize| -> String {
            match (a.time, a.item(i)) {
                // datetime64 as pandas shows it; cftime objects as `str()` does.
                (Some(scale), Value::Int(ticks)) => scale.format_compact(ticks),
                (_, Value::Float(f)) => format_value(&Value::Float(f), ".4").unwrap_or_default(),
                (_, v) => v.to_str(),
            }
        };
        flat(a.block.len(), width, item)
    })
}

/// `format_array_flat`: as many of the `n` items (written by `item`) as fit `width`, taken
/// alternately from the front and the back, with ` ... ` between them when some are left out.
fn flat(n: usize, width: isize, item: impl Fn(usize) -> String) -> String {
    let half_width = usize::try_from((width + 1) / 2).unwrap_or(0);
    let relevant = n.max(1).min(half_width.max(2));
    let front: Vec<String> = (0..relevant.div_ceil(2).min(n)).map(&item).collect();
    let back: Vec<String> = (n.saturating_sub(relevant / 2)..n).map(&item).collect();
    // Interleaved [front0, back-1, front1, back-2, ...], as many as could possibly fit.
    let mut interleaved = Vec::new();
    for i in 0..front.len().max(back.len()) {
        interleaved.extend(front.get(i));
        interleaved.extend(back.len().checked_sub(i + 1).and_then(|j| back.get(j)));
    }
    interleaved.truncate(relevant);
    let mut cum = Vec::with_capacity(interleaved.len());
    let mut total: isize = -1;
    for s in &interleaved {
        total += isize::try_from(s.chars().count()).unwrap_or(isize::MAX) + 1;
        cum.push(total);
    }
    let (count, padding) = if n > 2 && (relevant < n || cum.iter().any(|&c| c > width)) {
        // np.argmax: the first position whose text with " ... " overflows, 0 if none does.
        let first_over = cum.iter().position(|&c| c + 4 > width).unwrap_or(0);
        (n.min(first_over.max(2)), " ... ")
    } else {
        (n, if n <= 1 { "" } else { " " })
    };
    let num_front = count.div_ceil(2);
    let num_back = count - num_front;
    let mut text = front[..num_front.min(front.len())].join(" ");
    text.push_str(padding);
    text.push_str(&back[back.len().saturating_sub(num_back)..].join(" "));
    if isize::try_from(text.chars().count()).unwrap_or(isize::MAX) > width {
        let keep = usize::try_from(width - 3).unwrap_or(0);
        text = text.chars().take(keep).collect();
        text.push_str("...");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::flat;

    fn nums(n: usize, width: isize) -> String {
        flat(n, width, |i| format!("{}.0", i * 5))
    }

    #[test]
    fn flat_previews_match_xarray() {
        // xarray: format_array_flat(np.arange(0, 400, 5.0), 39) etc.
        assert_eq!(nums(80, 39), "0.0 5.0 10.0 15.0 ... 385.0 390.0 395.0");
        assert_eq!(nums(3, 80), "0.0 5.0 10.0");
        assert_eq!(nums(1, 80), "0.0");
        assert_eq!(nums(0, 80), "");
        assert_eq!(nums(80, -5), "...");
        assert_eq!(nums(80, 10), "0.0 ......");
        assert_eq!(nums(80, 3), "...");
    }
}
