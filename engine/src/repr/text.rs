//! Text reprs of DataArrays, Datasets and their mappings, line for line as xarray's
//! `formatting.py` writes them; they never compute: lazy values show as dask prints them.

mod grouped;
mod inline;
mod layout;

use std::sync::Arc;

use crate::coding::Meaning;
use crate::model::{nbytes, Attrs, Block, Data, DataArray, Dataset, Variable};
use crate::repr::numpy::{array_repr, PrintOptions};
use crate::repr::python::{attr_text, str_repr};
use crate::repr::{dask, dataset_dims, dtype_name, is_index, DisplayOptions};
pub use grouped::{coarsen, groupby, rolling, weighted};
use layout::{attr_row, col_width, mapping_section, pad, wrapped, MAX_ROWS, WIDTH};

/// xarray cuts the printed values of an array to this many lines (`limit_lines`).
const MAX_DATA_LINES: usize = 40;

/// numpy's `repr()` of a loaded variable's values (`None` for lazy data), under `opts`.
fn values_repr(var: &Variable, opts: PrintOptions) -> Option<String> {
    let block: &Block = match &var.data {
        Data::Memory(b) => b,
        Data::Lazy(_) => return None,
    };
    Some(array_repr(block, &Meaning::of(var), opts))
}

/// numpy's `repr()` of a loaded variable's values with numpy's default options; empty for
/// lazy data (what the HTML repr's data section shows).
pub fn values(var: &Variable) -> String {
    values_repr(var, PrintOptions::NUMPY).unwrap_or_default()
}

/// The one-line preview of a variable's values in at most `width` characters, as xarray's
/// `inline_variable_array_repr` writes it (wider only for lazy data).
pub fn inline(var: &Variable, width: usize) -> String {
    inline::preview(var, isize::try_from(width).unwrap_or(isize::MAX))
}

/// `summarize_variable`: `  * name  (dims) dtype size preview`, the preview fitting the
/// display width (the line as a whole is not cut).
fn var_line(name: &str, var: &Variable, index: bool, col: usize) -> String {
    let marker = if index { '*' } else { ' ' };
    let dims = if var.dims.is_empty() {
        String::new()
    } else {
        format!("({}) ", var.dims.join(", "))
    };
    let front = format!(
        "{}{dims}{} {} ",
        pad(&format!("  {marker} {name} "), col),
        dtype_name(var),
        nbytes::xarray(var.nbytes() as u128)
    );
    let used = isize::try_from(front.chars().count()).unwrap_or(isize::MAX);
    let room = isize::try_from(WIDTH).unwrap_or(isize::MAX) - used;
    format!("{front}{}", inline::preview(var, room))
}

/// `coords_repr`: in `dims` order, each dimension's coordinate followed by the others whose
/// last known dimension it is (`_coord_sort_key`); those with none come last.
fn coords_section(
    coords: &[(&str, &Variable)],
    dims: &[String],
    col: usize,
    max_rows: Option<usize>,
) -> String {
    if max_rows == Some(0) {
        return collapsed("Coordinates", coords.len());
    }
    let position = |d: &str| dims.iter().position(|x| x == d);
    let mut sorted = coords.to_vec();
    sorted.sort_by_key(|(k, v)| match position(k) {
        Some(i) => (i, 0),
        None => (
            v.dims
                .iter()
                .rev()
                .find_map(|d| position(d))
                .unwrap_or(dims.len()),
            1,
        ),
    });
    mapping_section("Coordinates", &sorted, col, max_rows, |(k, v)| {
        var_line(k, v, is_index(k, v), col)
    })
}

/// `attrs_repr`, if there are attributes.
fn attrs_section(attrs: &Attrs, expand: bool) -> Option<String> {
    if attrs.is_empty() {
        return None;
    }
    if !expand {
        return Some(collapsed("Attributes", attrs.len()));
    }
    let col = col_width(attrs.keys().map(String::as_str));
    let entries: Vec<(&String, String)> = attrs.iter().map(|(k, v)| (k, attr_text(v))).collect();
    Some(mapping_section(
        "Attributes",
        &entries,
        col,
        Some(MAX_ROWS),
        |(k, v)| attr_row(k, v, col),
    ))
}

/// A section that `display_expand_*=False` collapses: its title and item count.
fn collapsed(title: &str, n: usize) -> String {
    format!("{title}: ({n})")
}

/// The row limit of a section: none shown (collapsed) when its expand option is `False`.
fn rows(expand: Option<bool>) -> usize {
    if expand == Some(false) {
        0
    } else {
        MAX_ROWS
    }
}

/// `unindexed_dims_repr`, if some dimensions have no coordinate of their name.
fn without_coords(dims: &[String], coords: &[(&str, &Variable)]) -> Option<String> {
    let bare: Vec<String> = dims
        .iter()
        .filter(|d| !coords.iter().any(|(k, _)| k == d))
        .cloned()
        .collect();
    let start = "Dimensions without coordinates: ";
    (!bare.is_empty()).then(|| format!("{start}{}", wrapped(&bare, start.len())))
}

/// `name: size` for each dimension.
fn dim_items(dims: &[String], shape: &[usize]) -> Vec<String> {
    dims.iter()
        .zip(shape)
        .map(|(d, n)| format!("{d}: {n}"))
        .collect()
}

/// Whether `a` is its own index coordinate (`ds.time`): xarray holds those as pandas indexes
/// and prints them with its short array options.
fn is_index_view(a: &DataArray) -> bool {
    let own = a.name.as_ref().and_then(|n| a.coords.get(n));
    match (own, &a.variable.data) {
        (Some(c), Data::Memory(b)) => {
            matches!(&c.data, Data::Memory(cb) if Arc::ptr_eq(b, cb))
                && a.name.as_deref().is_some_and(|n| is_index(n, c))
        }
        _ => false,
    }
}

/// `short_data_repr`: the values of a DataArray as its data prints them.
fn data_text(a: &DataArray) -> String {
    let var = &a.variable;
    if dask::is_unchunked(var) {
        return format!("[{} values with dtype={}]", var.size(), dtype_name(var));
    }
    if let Some(text) = dask::array_repr(var) {
        return text;
    }
    if is_index_view(a) {
        // `short_array_repr`: fewer digits and edge items, so it fits the display width.
        let edgeitems = match var.dims.len() {
            0..=2 => 3,
            3 => 2,
            _ => 1,
        };
        let opts = PrintOptions {
            precision: 6,
            linewidth: WIDTH,
            threshold: 200,
            edgeitems,
        };
        return values_repr(var, opts).unwrap_or_default();
    }
    limit_lines(&values(var), MAX_DATA_LINES)
}

/// `limit_lines`: the first and last halves of `limit` lines around a `...` line.
fn limit_lines(text: &str, limit: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() <= limit {
        return text.to_owned();
    }
    let mut kept = lines[..limit / 2].to_vec();
    kept.push("...");
    kept.extend_from_slice(&lines[lines.len() - limit / 2..]);
    kept.join("\n")
}

/// `array_repr`: `<xarray.DataArray 'name' (dims)> Size: ...`, values, coordinates, attributes.
pub fn dataarray(a: &DataArray) -> String {
    dataarray_with(a, &DisplayOptions::default())
}

/// [`dataarray`] under xarray's `display_expand_*` options: a section set to `False` shows
/// only its title and count, and the data only its one-line preview.
pub fn dataarray_with(a: &DataArray, opts: &DisplayOptions) -> String {
    let name = a
        .name
        .as_ref()
        .map(|n| format!("{} ", str_repr(n)))
        .unwrap_or_default();
    let start = format!("<xarray.DataArray {name}");
    let dims = wrapped(&dim_items(a.dims(), &a.shape()), start.chars().count() + 1);
    let mut lines = vec![
        format!(
            "{start}({dims})> Size: {}",
            nbytes::xarray(a.variable.nbytes() as u128)
        ),
        if opts.expand_data == Some(false) {
            inline(&a.variable, WIDTH)
        } else {
            data_text(a)
        },
    ];
    let coords: Vec<(&str, &Variable)> = a.coords.iter().map(|(k, v)| (k.as_str(), v)).collect();
    if !coords.is_empty() {
        let col = col_width(a.coords.keys().map(String::as_str));
        lines.push(coords_section(
            &coords,
            a.dims(),
            col,
            Some(rows(opts.expand_coords)),
        ));
    }
    lines.extend(without_coords(a.dims(), &coords));
    lines.extend(attrs_section(a.attrs(), opts.expand_attrs != Some(false)));
    lines.join("\n")
}

/// `dataset_repr`: `<xarray.Dataset> Size: ...` with Dimensions, Coordinates, Data variables
/// and Attributes.
pub fn dataset(ds: &Dataset) -> String {
    dataset_with(ds, &DisplayOptions::default())
}

/// [`dataset`] under xarray's `display_expand_*` options (see [`dataarray_with`]).
pub fn dataset_with(ds: &Dataset, opts: &DisplayOptions) -> String {
    let sizes = dataset_dims(ds);
    let size: usize = ds
        .coords
        .values()
        .chain(ds.data_vars.values())
        .map(Variable::nbytes)
        .sum();
    let names: Vec<String> = sizes.keys().cloned().collect();
    let shape: Vec<usize> = sizes.values().copied().collect();
    let col = col_width(ds.names());
    let mut lines = vec![
        format!("<xarray.Dataset> Size: {}", nbytes::xarray(size as u128)),
        format!(
            "{}({})",
            pad("Dimensions:", col),
            wrapped(&dim_items(&names, &shape), col + 1)
        ),
    ];
    let coords: Vec<(&str, &Variable)> = ds.coords.iter().map(|(k, v)| (k.as_str(), v)).collect();
    if !coords.is_empty() {
        lines.push(coords_section(
            &coords,
            &names,
            col,
            Some(rows(opts.expand_coords)),
        ));
    }
    lines.extend(without_coords(&names, &coords));
    let vars: Vec<(&String, &Variable)> = ds.data_vars.iter().collect();
    lines.push(
        if opts.expand_data_vars == Some(false) && !vars.is_empty() {
            collapsed("Data variables", vars.len())
        } else {
            mapping_section("Data variables", &vars, col, Some(MAX_ROWS), |(k, v)| {
                var_line(k, v, false, col)
            })
        },
    );
    lines.extend(attrs_section(&ds.attrs, opts.expand_attrs != Some(false)));
    lines.join("\n")
}

/// `ds.data_vars`: the one section, never elided.
pub fn data_vars(vars: &[(&str, &Variable)]) -> String {
    let col = col_width(vars.iter().map(|(k, _)| *k));
    mapping_section("Data variables", vars, col, None, |(k, v)| {
        var_line(k, v, false, col)
    })
}

/// `ds.coords`: the one section, never elided, in the order of the owner's dimensions
/// `owner_dims` (then those of the coordinates, in order of first appearance).
pub fn coords(coords: &[(&str, &Variable)], owner_dims: &[String]) -> String {
    let col = col_width(coords.iter().map(|(k, _)| *k));
    let mut dims: Vec<String> = owner_dims.to_vec();
    for (_, v) in coords {
        for dim in &v.dims {
            if !dims.contains(dim) {
                dims.push(dim.clone());
            }
        }
    }
    coords_section(coords, &dims, col, None)
}
