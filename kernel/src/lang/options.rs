//! The process-wide settings a notebook's set-up lines change: `xr.set_options(...)` and
//! `np.set_printoptions(...)`, read by the reprs. Held per execution thread, as Python holds
//! them per process; a new interpreter starts from the defaults.

use std::cell::RefCell;

use nereus_engine::repr::numpy::PrintOptions;
use nereus_engine::repr::DisplayOptions;

/// xarray's options that Nereus honours (the others are refused by name when set).
#[derive(Debug, Clone)]
pub(crate) struct XrOptions {
    /// `display_style`: `"html"` adds the HTML repr, `"text"` shows only text.
    pub(crate) html: bool,
    /// `display_expand_*` and the repr bounds.
    pub(crate) display: DisplayOptions,
    /// `keep_attrs`: `None` is xarray's "default".
    pub(crate) keep_attrs: Option<bool>,
}

impl Default for XrOptions {
    fn default() -> Self {
        Self {
            html: true,
            display: DisplayOptions::default(),
            keep_attrs: None,
        }
    }
}

/// Both option sets, as saved and restored by a `with` block.
#[derive(Debug, Clone)]
pub(crate) struct Snapshot {
    pub(crate) xr: XrOptions,
    pub(crate) np: PrintOptions,
}

thread_local! {
    static CURRENT: RefCell<Snapshot> = RefCell::new(Snapshot {
        xr: XrOptions::default(),
        np: PrintOptions::NUMPY,
    });
}

/// The options in force.
pub(crate) fn current() -> Snapshot {
    CURRENT.with(|c| c.borrow().clone())
}

/// Replaces the options in force, returning the previous ones.
pub(crate) fn replace(new: Snapshot) -> Snapshot {
    CURRENT.with(|c| std::mem::replace(&mut *c.borrow_mut(), new))
}

/// Back to xarray's and numpy's defaults (a new interpreter).
pub(crate) fn reset() {
    replace(Snapshot {
        xr: XrOptions::default(),
        np: PrintOptions::NUMPY,
    });
}

/// numpy's print options in force.
pub(crate) fn numpy() -> PrintOptions {
    CURRENT.with(|c| c.borrow().np)
}
