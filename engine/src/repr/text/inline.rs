//! One-line previews of a variable's values, as xarray's `inline_variable_array_repr` writes
//! them: dask's chunk summary for lazy data, `...` for unchunked lazy data, and for loaded data
//! `format_array_flat`'s first and last items fitting the width. Only those items are read.

use crate::coding::{Meaning, NAT};
use crate::model::{Block, Data, Variable};
use crate::repr::python::{format_precision, str_repr};
use crate::repr::{dask, dask_inline};

/// The preview of `var` in at most `width` characters (wider only for lazy data, as xarray).
pub(super) fn preview(var: &Variable, width: isize) -> String {
    if dask::is_unchunked(var) {
        return "...".to_owned();
    }
    if let Some(text) = dask_inline(var) {
        return text;
    }
    let Data::Memory(block) = &var.data else {
        return String::new();
    };
    let meaning = Meaning::of(var);
    flat(block.len(), width, |i| item(block, &meaning, i))
}

/// Element `i` (C order) as xarray's preview writes it: floats to four significant digits,
/// datetime64 as pandas shows it, cftime objects as `str()` does, strings as `repr()`, others as
/// Python prints them.
fn item(block: &Block, meaning: &Meaning, i: usize) -> String {
    let shape = block.shape();
    let mut index = vec![0; shape.len()];
    let mut rest = i;
    for (slot, &n) in index.iter_mut().zip(shape).rev() {
        *slot = rest % n.max(1);
        rest /= n.max(1);
    }
    match block {
        Block::Bool(a) => match a.get(index.as_slice()) {
            Some(true) => "True".to_owned(),
            Some(false) => "False".to_owned(),
            None => String::new(),
        },
        Block::F32(_) | Block::F64(_) => format_precision(block.f64_at(&index), 4),
        _ => {
            // Integers exactly (an i64 or u64 past 2**53 would round through f64).
            let v = block.i128_at(&index).unwrap_or_default();
            let code = || i64::try_from(v).unwrap_or(NAT);
            match meaning {
                Meaning::Dates(scale) => scale.format_compact(code()),
                Meaning::Text(labels) => labels
                    .text(code())
                    .map_or_else(|| "nan".to_owned(), str_repr),
                Meaning::Numbers => v.to_string(),
            }
        }
    }
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
