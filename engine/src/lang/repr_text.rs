//! Text reprs of DataArrays, Datasets and their mappings, modelled on xarray's; they never
//! compute: lazy values show as `dask.array<chunksize=...>`, loaded ones as numpy would.

use std::fmt::Write as _;
use std::sync::Arc;

use super::dict::{attr_text, Dict};
use super::format::format_value;
use super::ndarray::NdArray;
use super::value::Value;
use crate::coding::{format_compact, Calendar};
use crate::model::{Attrs, Data, DataArray, Dataset, Variable};

/// xarray's display width.
const WIDTH: usize = 80;

/// The calendar of a datetime variable.
pub(crate) fn calendar_of(var: &Variable) -> Option<Calendar> {
    var.calendar().and_then(|c| Calendar::parse(c, "").ok())
}

/// numpy's dtype name for a variable (`datetime64[ns]`, or `object` for cftime calendars).
pub(crate) fn dtype_name(var: &Variable) -> &'static str {
    match calendar_of(var) {
        Some(c) if c.is_numpy_compatible() => "datetime64[ns]",
        Some(_) => "object",
        None => var.dtype().name(),
    }
}

/// Bytes as xarray writes them: `15MB`, `768B`, `160kB`.
pub(crate) fn human_bytes(n: usize) -> String {
    const UNITS: [&str; 7] = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
    #[allow(clippy::cast_precision_loss)]
    let mut x = n as f64;
    let mut unit = UNITS[0];
    for u in UNITS {
        unit = u;
        if x < 1000.0 || u == "EB" {
            break;
        }
        x /= 1000.0;
    }
    format!("{x:.0}{unit}")
}

fn truncate(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_owned();
    }
    let mut t: String = s.chars().take(width - 3).collect();
    t.push_str("...");
    t
}

/// `(time_counter: 96, y: 200, x: 200)`.
fn sizes_text(dims: &[String], shape: &[usize]) -> String {
    let parts: Vec<String> = dims
        .iter()
        .zip(shape)
        .map(|(d, n)| format!("{d}: {n}"))
        .collect();
    format!("({})", parts.join(", "))
}

/// `dask.array<chunksize=(48, 100, 100), meta=np.ndarray>` for a lazy variable.
fn lazy_text(var: &Variable) -> Option<String> {
    let Data::Lazy(l) = &var.data else {
        return None;
    };
    let chunks: Vec<String> = l
        .chunks()
        .iter()
        .map(|c| c.iter().copied().max().unwrap_or(0).to_string())
        .collect();
    let tuple = if chunks.len() == 1 {
        format!("({},)", chunks[0])
    } else {
        format!("({})", chunks.join(", "))
    };
    Some(format!("dask.array<chunksize={tuple}, meta=np.ndarray>"))
}

/// The values of a loaded variable as a numpy array.
pub(crate) fn ndarray_of(var: &Variable) -> Option<NdArray> {
    match &var.data {
        Data::Memory(b) => Some(NdArray {
            block: Arc::clone(b),
            calendar: calendar_of(var),
        }),
        Data::Lazy(_) => None,
    }
}

/// First and last values fitting `width`, like xarray's `format_array_flat`.
fn inline_values(var: &Variable, width: usize) -> String {
    if let Some(t) = lazy_text(var) {
        return t;
    }
    let Some(a) = ndarray_of(var) else {
        return String::new();
    };
    let n = a.block.len();
    let cal = a.calendar;
    let values = a.block.to_f64();
    let flat = values.as_slice_memory_order().unwrap_or(&[]);
    let text = |i: usize| -> String {
        let x = flat.get(i).copied().unwrap_or(f64::NAN);
        match cal {
            #[allow(clippy::cast_possible_truncation)]
            Some(c) => format_compact(x as i64, c),
            None => match a.item(i) {
                Value::Float(f) => format_value(&Value::Float(f), ".4").unwrap_or_default(),
                v => v.repr(),
            },
        }
    };
    let (mut front, mut back) = (Vec::new(), Vec::new());
    let mut used = 0;
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let s = text(lo);
        if used + s.len() + 1 > width && lo > 0 {
            break;
        }
        used += s.len() + 1;
        front.push(s);
        lo += 1;
        if lo >= hi {
            break;
        }
        let s = text(hi - 1);
        if used + s.len() + 5 > width {
            break;
        }
        used += s.len() + 1;
        back.push(s);
        hi -= 1;
    }
    back.reverse();
    let mut parts = front;
    if lo < hi {
        parts.push("...".to_owned());
    }
    parts.extend(back);
    parts.join(" ")
}

/// One variable line: `  * name  (dims) dtype size values`.
fn var_line(name: &str, var: &Variable, index: bool, col: usize) -> String {
    let marker = if index { '*' } else { ' ' };
    let first = format!("  {marker} {name} ");
    let head = format!(
        "{first:<col$}({}) {} {} ",
        var.dims.join(", "),
        dtype_name(var),
        human_bytes(var.nbytes())
    );
    let room = WIDTH.saturating_sub(head.chars().count());
    truncate(&format!("{head}{}", inline_values(var, room)), WIDTH)
}

fn is_index(name: &str, var: &Variable) -> bool {
    var.dims.len() == 1 && var.dims[0] == name
}

fn section<'a>(
    out: &mut String,
    title: &str,
    vars: impl Iterator<Item = (&'a str, &'a Variable, bool)>,
    col: usize,
) {
    let _ = write!(out, "\n{title}:");
    for (name, var, index) in vars {
        let _ = write!(out, "\n{}", var_line(name, var, index, col));
    }
}

fn attrs_section(out: &mut String, attrs: &Attrs) {
    if attrs.is_empty() {
        return;
    }
    out.push_str("\nAttributes:");
    for (k, v) in attrs {
        let text = attr_text(v).replace('\t', "\\t").replace('\n', "\\n");
        let _ = write!(out, "\n{}", truncate(&format!("    {k}: {text}"), WIDTH));
    }
}

fn col_width<'a>(names: impl Iterator<Item = &'a str>) -> usize {
    names.map(|n| n.chars().count()).max().unwrap_or(0).max(1) + 6
}

fn without_coords(
    out: &mut String,
    dims: &[String],
    coords: &indexmap::IndexMap<String, Variable>,
) {
    let bare: Vec<&str> = dims
        .iter()
        .filter(|d| !coords.contains_key(*d))
        .map(String::as_str)
        .collect();
    if !bare.is_empty() {
        let _ = write!(out, "\nDimensions without coordinates: {}", bare.join(", "));
    }
}

/// `<xarray.DataArray 'name' (dims)> Size: ...` with values, coordinates and attributes.
pub(crate) fn dataarray(a: &DataArray) -> String {
    let name = a
        .name
        .as_ref()
        .map(|n| format!(" {}", super::dict::quoted(n)))
        .unwrap_or_default();
    let var = &a.variable;
    let mut out = format!(
        "<xarray.DataArray{name} {}> Size: {}\n",
        sizes_text(a.dims(), &a.shape()),
        human_bytes(var.nbytes())
    );
    match (lazy_text(var), ndarray_of(var)) {
        (Some(t), _) => out.push_str(&t),
        (None, Some(arr)) => out.push_str(&arr.repr()),
        (None, None) => {}
    }
    if !a.coords.is_empty() {
        let col = col_width(a.coords.keys().map(String::as_str));
        section(
            &mut out,
            "Coordinates",
            a.coords
                .iter()
                .map(|(k, v)| (k.as_str(), v, is_index(k, v))),
            col,
        );
    }
    without_coords(&mut out, a.dims(), &a.coords);
    attrs_section(&mut out, a.attrs());
    out
}

/// Dimension sizes of a dataset in xarray's order: data variables first, then coordinates.
pub(crate) fn dataset_dims(ds: &Dataset) -> indexmap::IndexMap<String, usize> {
    let mut sizes = indexmap::IndexMap::new();
    for var in ds.data_vars.values().chain(ds.coords.values()) {
        for (d, n) in var.dims.iter().zip(var.shape()) {
            sizes.entry(d.clone()).or_insert(n);
        }
    }
    sizes
}

/// `<xarray.Dataset> Size: ...` with Dimensions, Coordinates, Data variables and Attributes.
pub(crate) fn dataset(ds: &Dataset) -> String {
    let dims = dataset_dims(ds);
    let size: usize = ds
        .coords
        .values()
        .chain(ds.data_vars.values())
        .map(Variable::nbytes)
        .sum();
    let names: Vec<String> = dims.keys().cloned().collect();
    let shape: Vec<usize> = dims.values().copied().collect();
    let col = col_width(ds.names());
    let mut out = format!(
        "<xarray.Dataset> Size: {}\n{:<col$}{}",
        human_bytes(size),
        "Dimensions:",
        sizes_text(&names, &shape)
    );
    section(
        &mut out,
        "Coordinates",
        ds.coords
            .iter()
            .map(|(k, v)| (k.as_str(), v, is_index(k, v))),
        col,
    );
    without_coords(&mut out, &names, &ds.coords);
    section(
        &mut out,
        "Data variables",
        ds.data_vars.iter().map(|(k, v)| (k.as_str(), v, false)),
        col,
    );
    attrs_section(&mut out, &ds.attrs);
    out
}

/// `ds.data_vars` / `.coords`: the one section, from a dict of DataArrays.
pub(crate) fn mapping(d: &Dict) -> String {
    let entries: Vec<(String, &Variable)> = d
        .items
        .iter()
        .filter_map(|(k, v)| match v {
            Value::DataArray(a) => Some((k.to_str(), &a.variable)),
            _ => None,
        })
        .collect();
    let col = col_width(entries.iter().map(|(k, _)| k.as_str()));
    let title = if d.kind == super::dict::DictKind::DataVars {
        "Data variables"
    } else {
        "Coordinates"
    };
    let mut out = String::new();
    section(
        &mut out,
        title,
        entries
            .iter()
            .map(|(k, v)| (k.as_str(), *v, is_index(k, v))),
        col,
    );
    out.trim_start_matches('\n').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_like_xarray() {
        assert_eq!(human_bytes(768), "768B");
        assert_eq!(human_bytes(160_000), "160kB");
        assert_eq!(human_bytes(15_360_000), "15MB");
    }
}
