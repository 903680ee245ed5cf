//! Context managers for `with`: option setters that restore the previous options on exit
//! (`xr.set_options`, `np.printoptions`) and managers with nothing to undo in Nereus
//! (`warnings.catch_warnings`: cells raise no Python warnings).

use super::error::{Exc, Res};
use super::options::{self, Snapshot};
use super::registry::Ctx;
use super::value::Value;

/// What leaving a `with` block undoes.
#[derive(Debug)]
pub(crate) enum Manager {
    /// Puts these options back.
    Restore {
        /// The repr shown for the object (`<xarray.core.options.set_options ...>`).
        class: &'static str,
        saved: Snapshot,
    },
    /// Nothing to undo.
    Nothing { class: &'static str },
}

impl Manager {
    /// Python's type name of the manager.
    pub(crate) fn class(&self) -> &'static str {
        match self {
            Self::Restore { class, .. } | Self::Nothing { class } => class,
        }
    }
}

/// `__enter__`: the value bound by `as`.
pub(crate) fn enter(_ctx: &mut Ctx<'_>, v: &Value) -> Res<Value> {
    match v {
        Value::Context(_) => Ok(Value::None),
        other => Err(Exc::type_error(format!(
            "'{}' object does not support the context manager protocol",
            other.type_name()
        ))),
    }
}

/// `__exit__`: restores what the manager saved.
pub(crate) fn exit(v: &Value) {
    if let Value::Context(m) = v {
        if let Manager::Restore { saved, .. } = &**m {
            options::replace(saved.clone());
        }
    }
}
