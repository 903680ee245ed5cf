//! HTML reprs of datasets, data arrays and their variable mappings, laid out as xarray's
//! `_repr_html_`: header, dimensions, Coordinates, Data variables and Attributes sections, each
//! variable a row (name, dims, dtype, preview) that opens onto its attributes and data.
//!
//! Lazy data shows a dask-like chunk table; loaded data shows the values as numpy prints them.
//! Nothing is computed or read, and every section is bounded by [`DisplayOptions::max_rows`].

use std::fmt::Write as _;

use indexmap::IndexMap;

use super::chunks::ChunkLayout;
use super::escape::escape_into;
use super::options::DisplayOptions;
use super::python::{attr_text, str_repr};
use super::section::{attrs_list, bounded_rows, collapsible, escaped_cut};
use super::style;
use super::summary::{dask_inline, dataset_dims, dtype_name, is_index};
use super::text;
use crate::model::{Attrs, DataArray, Dataset, Variable};

/// What every builder needs: the display options.
struct Ctx<'a> {
    opts: &'a DisplayOptions,
}

/// The HTML repr of a dataset; `text` is its text repr, embedded as the `<pre>` fallback.
pub fn dataset(ds: &Dataset, text: &str, opts: &DisplayOptions) -> String {
    let cx = Ctx { opts };
    let dims = dataset_dims(ds);
    let indexed: Vec<&str> = indexed_dims(&ds.coords);
    let mut out = String::with_capacity(4096);
    open_wrap(&mut out, text, opts);
    header(&mut out, "xarray.Dataset", None);
    out.push_str("</div>");
    let _ = write!(
        out,
        "<div class='nr-section nr-section-summary' style='{};cursor:default;padding-left:14px'>\
         Dimensions: ",
        style::SUMMARY
    );
    dim_list(
        &mut out,
        dims.iter().map(|(d, n)| (d.as_str(), *n)),
        &indexed,
    );
    out.push_str("</div>");
    let dim_names: Vec<&str> = dims.keys().map(String::as_str).collect();
    // As xarray: Coordinates and Attributes only when there are some, Data variables always.
    if !ds.coords.is_empty() {
        cx.coords_section(&mut out, &ds.coords, &dim_names);
    }
    cx.vars_section(&mut out, "Data variables", &ds.data_vars);
    if !ds.attrs.is_empty() {
        cx.attrs_section(&mut out, &ds.attrs);
    }
    close_wrap(&mut out);
    out
}

/// The HTML repr of a data array; `text` is its text repr, embedded as the `<pre>` fallback.
pub fn dataarray(a: &DataArray, text: &str, opts: &DisplayOptions) -> String {
    let cx = Ctx { opts };
    let indexed = indexed_dims(&a.coords);
    let name = a.name.as_deref().map(str_repr);
    let mut out = String::with_capacity(2048);
    open_wrap(&mut out, text, opts);
    header(&mut out, "xarray.DataArray", name.as_deref());
    out.push(' ');
    let shape = a.shape();
    dim_list(
        &mut out,
        a.dims()
            .iter()
            .map(String::as_str)
            .zip(shape.iter().copied()),
        &indexed,
    );
    out.push_str("</div>");
    let var = &a.variable;
    let open = if opts.expand_data.unwrap_or(true) {
        " open"
    } else {
        ""
    };
    let _ = write!(
        out,
        "<details class='nr-array'{open} style='margin:4px 0'><summary style='{}'>\
         <span style='{}'><span class='nr-array-preview' style='{};width:100%'>",
        style::SUMMARY,
        style::CELLS,
        style::CELL_PREVIEW
    );
    escape_into(&mut out, &preview(var, opts.array_preview_width));
    out.push_str("</span></span></summary><div style='padding-left:14px'>");
    data(&mut out, var);
    out.push_str("</div></details>");
    let dim_names: Vec<&str> = a.dims().iter().map(String::as_str).collect();
    if !a.coords.is_empty() {
        cx.coords_section(&mut out, &a.coords, &dim_names);
    }
    if !a.attrs().is_empty() {
        cx.attrs_section(&mut out, a.attrs());
    }
    close_wrap(&mut out);
    out
}

/// The HTML repr of a mapping of variables (`ds.data_vars`, `.coords`): one open section titled
/// `title` (`"Data variables"`, `"Coordinates"`); `text` is the text fallback.
pub fn variables(
    title: &str,
    vars: &IndexMap<String, Variable>,
    text: &str,
    opts: &DisplayOptions,
) -> String {
    let cx = Ctx { opts };
    let mut out = String::with_capacity(2048);
    open_wrap(&mut out, text, opts);
    let indexed = indexed_dims(vars);
    collapsible(&mut out, title, vars.len(), true, |out| {
        cx.rows(out, vars, &(0..vars.len()).collect::<Vec<_>>(), &indexed);
    });
    close_wrap(&mut out);
    out
}

/// Dimensions that have an index coordinate (shown bold).
fn indexed_dims(coords: &IndexMap<String, Variable>) -> Vec<&str> {
    coords
        .iter()
        .filter(|(k, v)| is_index(k, v))
        .map(|(k, _)| k.as_str())
        .collect()
}

/// The fallback switch, the `<pre>` text fallback (elided past `max_text_lines`) and the
/// opening of the rich view.
fn open_wrap(out: &mut String, text: &str, opts: &DisplayOptions) {
    let _ = write!(
        out,
        "<div class='nr-repr'>{}<pre class='{}' style='{}'>",
        style::FALLBACK_RULES,
        style::FALLBACK_CLASS,
        style::PRE
    );
    let lines = text.lines().count();
    if lines > opts.max_text_lines {
        let head = opts.max_text_lines.div_ceil(2);
        let tail = opts.max_text_lines / 2;
        for line in text.lines().take(head) {
            escaped_cut(out, line, opts.max_attr_chars);
            out.push('\n');
        }
        let _ = writeln!(out, "... ({} lines not shown) ...", lines - head - tail);
        for (i, line) in text.lines().skip(lines - tail).enumerate() {
            if i > 0 {
                out.push('\n');
            }
            escaped_cut(out, line, opts.max_attr_chars);
        }
    } else {
        escape_into(out, text);
    }
    let _ = write!(
        out,
        "</pre><div class='{}' style='{}'>",
        style::WRAP_CLASS,
        style::WRAP
    );
}

fn close_wrap(out: &mut String) {
    out.push_str("</div></div>");
}

/// Opens the header line: object type and, for arrays, the quoted name; the caller adds the
/// array's dims and closes it.
fn header(out: &mut String, obj_type: &str, name: Option<&str>) {
    let _ = write!(
        out,
        "<div class='nr-header' style='{}'><span class='nr-obj-type' style='{}'>{obj_type}</span>",
        style::HEADER,
        style::MUTED
    );
    if let Some(name) = name {
        out.push_str(" <span class='nr-obj-name' style='font-weight:600'>");
        escape_into(out, name);
        out.push_str("</span>");
    }
}

/// `(time: 96, y: 200, x: 200)` with indexed dimensions bold.
fn dim_list<'a>(out: &mut String, dims: impl Iterator<Item = (&'a str, usize)>, indexed: &[&str]) {
    out.push_str("<ul class='nr-dim-list' style='display:inline;margin:0;padding:0'>(");
    for (i, (d, n)) in dims.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str("<li style='display:inline'>");
        if indexed.contains(&d) {
            let _ = write!(
                out,
                "<span class='nr-dim nr-has-index' style='{}'>",
                style::INDEXED
            );
        } else {
            out.push_str("<span class='nr-dim'>");
        }
        escape_into(out, d);
        let _ = write!(out, "</span>: <span class='nr-dim-size'>{n}</span></li>");
    }
    out.push_str(")</ul>");
}

/// xarray's coordinate order: each dimension's index coordinate, then the coordinates whose
/// last known dimension it is; scalar and other coordinates last.
fn coord_order(coords: &IndexMap<String, Variable>, dims: &[&str]) -> Vec<usize> {
    let key = |(name, var): (&String, &Variable)| -> (usize, u8) {
        if let Some(i) = dims.iter().position(|d| d == name) {
            return (i, 0);
        }
        var.dims
            .iter()
            .rev()
            .find_map(|d| dims.iter().position(|x| x == d))
            .map_or((dims.len(), 1), |i| (i, 1))
    };
    let mut order: Vec<usize> = (0..coords.len()).collect();
    order.sort_by_key(|&i| coords.get_index(i).map_or((usize::MAX, 1), key));
    order
}

impl Ctx<'_> {
    fn coords_section(&self, out: &mut String, coords: &IndexMap<String, Variable>, dims: &[&str]) {
        let open = DisplayOptions::open(
            self.opts.expand_coords,
            coords.len(),
            DisplayOptions::COORDS_COLLAPSE,
        );
        let indexed = indexed_dims(coords);
        let order = coord_order(coords, dims);
        collapsible(out, "Coordinates", coords.len(), open, |out| {
            self.rows(out, coords, &order, &indexed);
        });
    }

    fn vars_section(&self, out: &mut String, title: &str, vars: &IndexMap<String, Variable>) {
        let open = DisplayOptions::open(
            self.opts.expand_data_vars,
            vars.len(),
            DisplayOptions::DATA_VARS_COLLAPSE,
        );
        collapsible(out, title, vars.len(), open, |out| {
            let order: Vec<usize> = (0..vars.len()).collect();
            self.rows(out, vars, &order, &[]);
        });
    }

    fn attrs_section(&self, out: &mut String, attrs: &Attrs) {
        let open = DisplayOptions::open(
            self.opts.expand_attrs,
            attrs.len(),
            DisplayOptions::ATTRS_COLLAPSE,
        );
        collapsible(out, "Attributes", attrs.len(), open, |out| {
            let _ = write!(out, "<div style='{}'>", style::SECTION_BODY);
            attrs_list(
                out,
                attrs,
                &|v| attr_text(v),
                self.opts.max_rows,
                self.opts.max_attr_chars,
            );
            out.push_str("</div>");
        });
    }

    /// The variable rows of a section in `order`, bounded; names in `indexed` are bold.
    fn rows(
        &self,
        out: &mut String,
        vars: &IndexMap<String, Variable>,
        order: &[usize],
        indexed: &[&str],
    ) {
        let _ = write!(
            out,
            "<ul class='nr-var-list' style='{}'>",
            style::SECTION_BODY
        );
        bounded_rows(
            out,
            order.len(),
            self.opts.max_rows,
            ("li", "variables"),
            |out, i| {
                if let Some((name, var)) = order.get(i).and_then(|&j| vars.get_index(j)) {
                    self.row(out, name, var, indexed.contains(&name.as_str()));
                }
            },
        );
        out.push_str("</ul>");
    }

    /// One variable: name, dims, dtype and preview; opening it shows attributes and data.
    fn row(&self, out: &mut String, name: &str, var: &Variable, index: bool) {
        let _ = write!(
            out,
            "<li class='nr-var-item' style='{}'><details><summary style='cursor:pointer'>\
             <span style='{}'><span class='nr-var-name' style='{}'>",
            style::ROW,
            style::CELLS,
            style::CELL_NAME
        );
        if index {
            let _ = write!(
                out,
                "<span class='nr-has-index' style='{}'>",
                style::INDEXED
            );
            escaped_cut(out, name, self.opts.max_attr_chars);
            out.push_str("</span>");
        } else {
            escaped_cut(out, name, self.opts.max_attr_chars);
        }
        let _ = write!(
            out,
            "</span><span class='nr-var-dims' style='{}'>(",
            style::CELL_DIMS
        );
        for (i, d) in var.dims.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            escape_into(out, d);
        }
        let _ = write!(
            out,
            ")</span><span class='nr-var-dtype' style='{}'>{}</span>\
             <span class='nr-var-preview' style='{}'>",
            style::CELL_DTYPE,
            dtype_name(var),
            style::CELL_PREVIEW
        );
        escape_into(out, &preview(var, self.opts.preview_width));
        let _ = write!(
            out,
            "</span></span></summary><div style='{}'>",
            style::ROW_DETAILS
        );
        if !var.attrs.is_empty() {
            attrs_list(
                out,
                &var.attrs,
                &|v| attr_text(v),
                self.opts.max_rows,
                self.opts.max_attr_chars,
            );
        }
        data(out, var);
        out.push_str("</div></details></li>");
    }
}

/// The one-line preview: dask's summary for lazy data, first and last values otherwise.
fn preview(var: &Variable, width: usize) -> String {
    dask_inline(var).unwrap_or_else(|| text::inline(var, width))
}

/// The data repr: the chunk table for lazy data, numpy's printout for loaded values.
fn data(out: &mut String, var: &Variable) {
    if let Some(layout) = ChunkLayout::of(var) {
        out.push_str(&layout.html(dtype_name(var)));
    } else {
        let _ = write!(out, "<pre class='nr-values' style='{}'>", style::PRE);
        escape_into(out, &text::values(var));
        out.push_str("</pre>");
    }
}
