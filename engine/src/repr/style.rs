//! Inline styles for the HTML reprs: JupyterLab's CSS variables with light-theme fallbacks, so
//! one output reads in light and dark themes, in classic Notebook and in exported HTML.
//!
//! Inline because JupyterLab's sanitizer drops `<style>` blocks from untrusted outputs; the only
//! stylesheet rule is the fallback switch in [`FALLBACK_RULES`], which must vanish there.

/// Classes of the `<pre>` text fallback and of the rich view.
pub(crate) const FALLBACK_CLASS: &str = "nr-text-repr-fallback";
/// The rich view's class; hidden inline until the rule below shows it.
pub(crate) const WRAP_CLASS: &str = "nr-wrap";

/// Hides the text fallback and shows the rich view; a sanitizer that strips `<style>` leaves
/// the fallback showing and the rich view hidden (xarray's trick).
pub(crate) const FALLBACK_RULES: &str =
    "<style>.nr-text-repr-fallback{display:none}.nr-wrap{display:block!important}</style>";

/// The outer box: theme font, colour and size.
pub(crate) const WRAP: &str = "display:none;min-width:300px;max-width:760px;\
font-family:var(--jp-content-font-family,-apple-system,BlinkMacSystemFont,Segoe UI,Helvetica,Arial,sans-serif);\
font-size:var(--jp-content-font-size1,13px);line-height:1.4;\
color:var(--jp-content-font-color0,rgba(0,0,0,1));\
background-color:var(--jp-layout-color0,transparent)";

/// The object-type line (`xarray.Dataset`).
pub(crate) const HEADER: &str = "padding:4px 0 4px 0;margin-bottom:4px;\
border-bottom:solid 1px var(--jp-border-color2,#e0e0e0)";

/// Secondary text (object type, counts, dims of a variable).
pub(crate) const MUTED: &str = "color:var(--jp-content-font-color2,rgba(0,0,0,0.54))";

/// A section's clickable title line.
pub(crate) const SUMMARY: &str = "cursor:pointer;font-weight:500;padding:2px 0;\
color:var(--jp-content-font-color0,rgba(0,0,0,1))";

/// The body of a section, indented under its title.
pub(crate) const SECTION_BODY: &str = "margin:0 0 4px 0;padding:0 0 0 14px;list-style:none";

/// One variable row.
pub(crate) const ROW: &str = "padding:1px 0;\
border-bottom:solid 1px var(--jp-border-color3,#eeeeee)";

/// The cells of a row sit in one line that never wraps; cells cut long text with an ellipsis.
pub(crate) const CELLS: &str =
    "display:inline-flex;width:94%;white-space:nowrap;vertical-align:bottom";
/// Row cells: name, dims, dtype, preview. Fixed widths keep the columns aligned across rows.
pub(crate) const CELL_NAME: &str = "width:24%;overflow:hidden;text-overflow:ellipsis";
/// The dims cell.
pub(crate) const CELL_DIMS: &str = "width:24%;overflow:hidden;text-overflow:ellipsis;\
color:var(--jp-content-font-color2,rgba(0,0,0,.54))";
/// The dtype cell.
pub(crate) const CELL_DTYPE: &str = "width:13%;overflow:hidden;text-overflow:ellipsis;\
color:var(--jp-content-font-color2,rgba(0,0,0,.54))";
/// The value preview cell.
pub(crate) const CELL_PREVIEW: &str = "width:39%;overflow:hidden;text-overflow:ellipsis;\
font-family:var(--jp-code-font-family,monospace);font-size:.92em;\
color:var(--jp-content-font-color3,rgba(0,0,0,.38))";

/// Index coordinates and dimensions with an index are bold, as in xarray.
pub(crate) const INDEXED: &str = "font-weight:bold";

/// The expanded details of a row (its attributes and data).
pub(crate) const ROW_DETAILS: &str = "margin:2px 0 6px 14px;padding:4px 8px;\
background-color:var(--jp-layout-color1,rgba(0,0,0,0.03))";

/// Attribute lists (`<dl>` as a two-column grid).
pub(crate) const ATTRS: &str = "display:grid;grid-template-columns:minmax(80px,auto) 1fr;\
column-gap:8px;margin:0;padding:0";
/// An attribute name.
pub(crate) const ATTR_KEY: &str = "margin:0;color:var(--jp-content-font-color2,rgba(0,0,0,0.54))";
/// An attribute value (long values wrap rather than widen the repr).
pub(crate) const ATTR_VALUE: &str = "margin:0;overflow-wrap:anywhere;white-space:pre-wrap";

/// `<pre>` blocks (numpy values, the text fallback).
pub(crate) const PRE: &str = "margin:2px 0;white-space:pre;overflow-x:auto;\
font-family:var(--jp-code-font-family,monospace);font-size:var(--jp-code-font-size,12px);\
color:var(--jp-content-font-color1,rgba(0,0,0,0.87));background:transparent";

/// The chunk table (dask's layout) and its cells.
pub(crate) const TABLE: &str = "border-collapse:collapse;margin:2px 8px 2px 0;\
font-size:0.92em;color:var(--jp-content-font-color1,rgba(0,0,0,0.87))";
/// A chunk-table cell.
pub(crate) const TD: &str = "padding:0 8px;text-align:right";
/// A chunk-table header cell.
pub(crate) const TH: &str = "padding:0 8px;text-align:left;font-weight:600";

/// Chunk-grid picture: fill, lines and labels.
pub(crate) const SVG_FILL: &str = "fill:#ECB172A0;stroke:none";
/// Chunk boundaries and the outline.
pub(crate) const SVG_LINE: &str =
    "stroke:var(--jp-content-font-color2,rgba(0,0,0,0.54));stroke-width:1";
/// Size labels beside the picture.
pub(crate) const SVG_TEXT: &str =
    "fill:var(--jp-content-font-color1,rgba(0,0,0,0.87));font-size:11px";
