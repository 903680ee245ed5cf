//! Text reprs of the objects a reduction waits on, as xarray writes them:
//! `<DataArrayGroupBy, grouped over 1 grouper(s), ...>`, `DatasetRolling [time->3]`,
//! `DataArrayCoarsen [windows->{...},side->left]`, `DataArrayWeighted with weights along ...`;
//! `owner` is `"DataArray"` or `"Dataset"`.

use crate::coding::{Meaning, NAT};
use crate::model::{Block, Data, Variable};
use crate::ops::{Coarsen, GroupBy, RollingWindow};
use crate::repr::python::{format_precision, str_repr};

/// xarray's repr of the GroupBy of a DataArray or Dataset (`owner`): its grouper, the number
/// of groups and the labels that fit 30 characters.
pub fn groupby(owner: &str, gb: &GroupBy) -> String {
    let n = gb.len();
    let (kind, grouper, name) = if gb.is_resample() {
        ("Resample", "TimeResampler", "__resample_dim__")
    } else {
        ("GroupBy", "UniqueGrouper", gb.name())
    };
    let labels = gb
        .labels()
        .map(|l| format!(" with labels {}", flat_labels(l, l.size())))
        .unwrap_or_default();
    format!(
        "<{owner}{kind}, grouped over 1 grouper(s), {n} groups in total:\n    '{name}': {grouper}('{name}'), {n}/{n} groups{labels}>"
    )
}

/// xarray's `format_array_flat(labels, 30)` with its spaces turned to ", ": as many first and
/// last labels as fit, "..." between.
fn flat_labels(labels: &Variable, n: usize) -> String {
    const WIDTH: usize = 30;
    let Data::Memory(block) = &labels.data else {
        return String::new();
    };
    let meaning = Meaning::of(labels);
    let values = block.to_f64();
    let item = |i: usize| -> String {
        let x = values.iter().nth(i).copied().unwrap_or(f64::NAN);
        let code = || match block.as_ref() {
            Block::I64(t) => t.iter().nth(i).copied().unwrap_or(NAT),
            _ => NAT,
        };
        match &meaning {
            Meaning::Dates(s) => s.format_compact(code()),
            Meaning::Text(l) => str_repr(l.text(code()).unwrap_or_default()),
            Meaning::Numbers if block.dtype().is_float() => format_precision(x, 4),
            Meaning::Numbers => x.to_string(),
        }
    };
    // Only these can show: every label takes at least two characters.
    let relevant = n.min(WIDTH.div_ceil(2).max(2));
    let front: Vec<String> = (0..relevant.div_ceil(2)).map(item).collect();
    let back: Vec<String> = (n - relevant / 2..n).map(item).collect();
    // Widths of the first and last labels interleaved, as xarray weighs them.
    let mut cum = Vec::with_capacity(relevant);
    let mut total = 0;
    for i in 0..relevant {
        total += if i % 2 == 0 {
            &front[i / 2]
        } else {
            &back[back.len() - 1 - i / 2]
        }
        .len()
            + 1;
        cum.push(total - 1);
    }
    let (count, padding) = if n > 2 && (relevant < n || cum.iter().any(|&c| c > WIDTH)) {
        let fit = cum.iter().position(|&c| c + 4 > WIDTH).unwrap_or(0);
        (fit.max(2).min(n), " ... ")
    } else {
        (n, " ")
    };
    let num_front = count.div_ceil(2);
    let mut text = front[..num_front].join(" ");
    if count > 1 {
        text.push_str(padding);
        text.push_str(&back[back.len() - (count - num_front)..].join(" "));
    }
    if text.len() > WIDTH {
        text.truncate(WIDTH - 3);
        text.push_str("...");
    }
    text.split_whitespace().collect::<Vec<_>>().join(", ")
}

/// xarray's repr of the Rolling of a DataArray or Dataset (`owner`).
pub fn rolling(owner: &str, r: &RollingWindow) -> String {
    let center = if r.center() { "(center)" } else { "" };
    format!("{owner}Rolling [{}->{}{center}]", r.dim(), r.window())
}

/// xarray's repr of the Coarsen of a DataArray or Dataset (`owner`).
pub fn coarsen(owner: &str, c: &Coarsen) -> String {
    let windows: Vec<String> = c
        .windows()
        .iter()
        .map(|(dim, size)| format!("{}: {size}", str_repr(dim)))
        .collect();
    format!(
        "{owner}Coarsen [windows->{{{}}},side->{}]",
        windows.join(", "),
        c.side()
    )
}

/// xarray's repr of the Weighted of a DataArray or Dataset (`owner`).
pub fn weighted(owner: &str, weight_dims: &[String]) -> String {
    format!(
        "{owner}Weighted with weights along dimensions: {}",
        weight_dims.join(", ")
    )
}
