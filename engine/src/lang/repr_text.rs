//! Text reprs of DataArrays, Datasets and their mappings, modelled on xarray's; they never
//! compute: lazy values show as `dask.array<chunksize=...>`, loaded ones as numpy would.
//! Also the display hook's HTML: [`html`] hands these texts and the language's value printing
//! to `crate::repr::html`.

use std::fmt::Write as _;
use std::sync::Arc;

use super::dict::{attr_text, Dict, DictKind};
use super::format::format_value;
use super::ndarray::NdArray;
use super::value::{str_repr, Value};
use crate::coding::format_compact;
use crate::model::{Attrs, Data, DataArray, Dataset, Variable};
use crate::repr::{dask_inline as lazy_text, html as repr_html, DisplayOptions, ValueFormat};

use crate::repr::{calendar_of, is_index};

pub(crate) use crate::repr::{dataset_dims, dtype_name, human_bytes};

/// xarray's display width.
const WIDTH: usize = 80;

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
    // Element by element: only the first and last few are read, whatever the array's size.
    let text = |i: usize| -> String {
        match (a.calendar, a.item(i)) {
            (Some(c), Value::Int(ticks)) => format_compact(ticks, c),
            (_, Value::Float(f)) => format_value(&Value::Float(f), ".4").unwrap_or_default(),
            (_, v) => v.repr(),
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
    let title = if d.kind == DictKind::DataVars {
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

/// The language's printing, as the HTML reprs embed it.
struct LangFormat;

impl ValueFormat for LangFormat {
    fn inline(&self, var: &Variable, width: usize) -> String {
        inline_values(var, width)
    }

    fn values(&self, var: &Variable) -> String {
        ndarray_of(var).map(|a| a.repr()).unwrap_or_default()
    }

    fn attr(&self, value: &serde_json::Value) -> String {
        attr_text(value)
    }

    fn quoted(&self, s: &str) -> String {
        str_repr(s)
    }
}

/// The `text/html` of a value that has one (datasets, arrays and their variable mappings),
/// with `text` (its text repr) as the fallback.
pub(crate) fn html(v: &Value, text: &str) -> Option<String> {
    let opts = DisplayOptions::default();
    match v {
        Value::Dataset(ds) => Some(repr_html::dataset(ds, text, &LangFormat, &opts)),
        Value::DataArray(a) => Some(repr_html::dataarray(a, text, &LangFormat, &opts)),
        Value::Dict(d) if matches!(d.kind, DictKind::DataVars | DictKind::Coords) => {
            let vars = d
                .items
                .iter()
                .filter_map(|(k, v)| match v {
                    Value::DataArray(a) => Some((k.to_str(), a.variable.clone())),
                    _ => None,
                })
                .collect();
            let title = if d.kind == DictKind::DataVars {
                "Data variables"
            } else {
                "Coordinates"
            };
            Some(repr_html::variables(title, &vars, text, &LangFormat, &opts))
        }
        _ => None,
    }
}
