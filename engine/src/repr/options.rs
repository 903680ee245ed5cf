//! Display options: xarray's `display_expand_*` switches and collapse thresholds, and the bounds
//! that keep a repr small for any dataset.

/// How much a repr shows and which sections start open.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DisplayOptions {
    /// Open the Coordinates section: `None` is xarray's "default" (open below 25 items).
    pub expand_coords: Option<bool>,
    /// Open the Data variables section: `None` opens it below 15 items.
    pub expand_data_vars: Option<bool>,
    /// Open the Attributes section: `None` opens it below 10 items.
    pub expand_attrs: Option<bool>,
    /// Open a DataArray's data section (`None` opens it, as xarray does).
    pub expand_data: Option<bool>,
    /// Rows a section lists before it shows only the first and last halves and a count.
    pub max_rows: usize,
    /// Characters of one attribute value shown before it is cut with `...`.
    pub max_attr_chars: usize,
    /// Lines of the `<pre>` text fallback kept before the middle is elided.
    pub max_text_lines: usize,
    /// Width of a variable's one-line value preview (xarray: 35).
    pub preview_width: usize,
    /// Width of a DataArray's value preview (xarray: 70).
    pub array_preview_width: usize,
}

impl DisplayOptions {
    /// xarray's thresholds: a section with at least this many items starts collapsed.
    pub const COORDS_COLLAPSE: usize = 25;
    /// Data variables collapse from this many (xarray's `datavar_section`).
    pub const DATA_VARS_COLLAPSE: usize = 15;
    /// Attributes collapse from this many (xarray's `attr_section`).
    pub const ATTRS_COLLAPSE: usize = 10;

    /// Whether a section of `n` items starts open: the option if set, else `n < threshold`.
    pub(crate) fn open(option: Option<bool>, n: usize, threshold: usize) -> bool {
        n > 0 && option.unwrap_or(n < threshold)
    }
}

impl Default for DisplayOptions {
    fn default() -> Self {
        Self {
            expand_coords: None,
            expand_data_vars: None,
            expand_attrs: None,
            expand_data: None,
            max_rows: 100,
            max_attr_chars: 2000,
            max_text_lines: 60,
            preview_width: 35,
            array_preview_width: 70,
        }
    }
}
