//! Modules notebooks import that Nereus runs only in part: `IPython.display`, and the plotting
//! and pandas modules whose names are refused by name until Nereus implements them, so that
//! an import line runs and a call says exactly what is missing.

use super::registry::{Builtin, Constant, Module};
use super::value::Value;

/// Why a name of the plotting modules is missing.
const NO_FIGURES: &str = "Nereus does not draw matplotlib or cartopy figures yet";

/// `matplotlib.pyplot`.
pub(crate) static PYPLOT: Module = Module {
    name: "matplotlib.pyplot",
    doc: "matplotlib's pyplot: importable; Nereus does not draw its figures yet.",
    functions: &[],
    constants: &[],
    pending: Some(NO_FIGURES),
};

/// `matplotlib.colors`.
pub(crate) static COLORS: Module = Module {
    name: "matplotlib.colors",
    doc: "matplotlib's colors: importable; Nereus does not draw its figures yet.",
    functions: &[],
    constants: &[],
    pending: Some(NO_FIGURES),
};

/// `matplotlib`.
pub(crate) static MATPLOTLIB: Module = Module {
    name: "matplotlib",
    doc: "matplotlib: importable; Nereus does not draw its figures yet.",
    functions: &[],
    constants: &[
        Constant {
            name: "pyplot",
            doc: "matplotlib.pyplot.",
            value: || Value::Module(&PYPLOT),
        },
        Constant {
            name: "colors",
            doc: "matplotlib.colors.",
            value: || Value::Module(&COLORS),
        },
    ],
    pending: Some(NO_FIGURES),
};

/// `cartopy.crs`.
pub(crate) static CARTOPY_CRS: Module = Module {
    name: "cartopy.crs",
    doc: "cartopy's map projections: importable; Nereus does not draw maps yet.",
    functions: &[],
    constants: &[],
    pending: Some(NO_FIGURES),
};

/// `cartopy.feature`.
pub(crate) static CARTOPY_FEATURE: Module = Module {
    name: "cartopy.feature",
    doc: "cartopy's map features: importable; Nereus does not draw maps yet.",
    functions: &[],
    constants: &[],
    pending: Some(NO_FIGURES),
};

/// `cartopy`.
pub(crate) static CARTOPY: Module = Module {
    name: "cartopy",
    doc: "cartopy: importable; Nereus does not draw maps yet.",
    functions: &[],
    constants: &[
        Constant {
            name: "crs",
            doc: "cartopy.crs.",
            value: || Value::Module(&CARTOPY_CRS),
        },
        Constant {
            name: "feature",
            doc: "cartopy.feature.",
            value: || Value::Module(&CARTOPY_FEATURE),
        },
    ],
    pending: Some(NO_FIGURES),
};

/// `pandas`.
pub(crate) static PANDAS: Module = Module {
    name: "pandas",
    doc: "pandas: the names notebooks use with xarray (date_range, Timestamp, to_datetime), giving numpy datetimes.",
    functions: super::pandas::PANDAS_FUNCTIONS,
    constants: &[],
    pending: Some("Nereus does not implement this pandas name yet"),
};

static DISPLAY_FUNCTIONS: &[Builtin] = &[
    method!("IPython.display", "display", "display(*objs, display_id=None)", super::functions::display,
        "Shows each object as a rich output in the cell's output area (as the builtin display)."),
    method!("IPython.display", "clear_output", "clear_output(wait=False)", super::functions::clear_output,
        "Clears the cell's output area (as the builtin clear_output)."),
    method!("IPython.display", "display_html", "display_html(*objs, raw=False, metadata=None)", super::functions::display_html,
        "Shows each object's HTML repr (an xarray object's rich view) without its text; with raw=True, strings are shown as HTML."),
    method!("IPython.display", "update_display", "update_display(obj, *, display_id)", super::functions::update_display,
        "Replaces an output shown with display(..., display_id=...) (as the builtin update_display)."),
];

/// `IPython.display`.
pub(crate) static IPYTHON_DISPLAY: Module = Module {
    name: "IPython.display",
    doc: "IPython's display functions: display, clear_output, update_display.",
    functions: DISPLAY_FUNCTIONS,
    constants: &[],
    pending: Some("Nereus implements display, display_html, clear_output and update_display of IPython.display"),
};
