//! Variables shared as xarray shares them. `da = ds.air` is, in xarray, the dataset's own
//! variable: changing `da`'s attributes or values in place (`da.attrs["units"] = "K"`,
//! `da[0] = 1`, `da += 1`) changes `ds.air` too, and the reverse. Nereus values are immutable,
//! so a DataArray taken from a Dataset is recorded here as a view of that variable, and an
//! in-place change of either side is written to every name bound to the other.

use std::cell::RefCell;
use std::sync::{Arc, Weak};

use nereus_engine::model::{Data, DataArray, Dataset, Variable};

use super::super::value::Value;
use super::Machine;

/// How a store changed a Dataset.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Store<'a> {
    /// Inside variable `.0` (`ds.air.attrs[k] = v`, `ds.air[0] = 1`).
    Inside(&'a str),
    /// An item set at the top (`ds["c"] = ...`): xarray's update copies every variable, so
    /// views keep sharing values but no longer attributes.
    Update,
    /// Anything else (`ds.attrs[k] = v`, a list changed in place).
    Other,
}

/// A DataArray bound to variable `name` of a Dataset (sharing its attributes when `attrs`).
struct View {
    array: Weak<DataArray>,
    dataset: Weak<Dataset>,
    name: String,
    attrs: bool,
}

thread_local! {
    static VIEWS: RefCell<Vec<View>> = const { RefCell::new(Vec::new()) };
}

/// Forgets every view (a new session).
pub(crate) fn reset() {
    VIEWS.with(|v| v.borrow_mut().clear());
}

/// `ds.name` / `ds["name"]` as a view of the dataset's variable.
pub(crate) fn view_of(dataset: &Arc<Dataset>, name: &str, array: DataArray) -> Value {
    let array = Arc::new(array);
    record(&array, dataset, name, true);
    Value::DataArray(array)
}

fn record(array: &Arc<DataArray>, dataset: &Arc<Dataset>, name: &str, attrs: bool) {
    VIEWS.with(|v| {
        let mut views = v.borrow_mut();
        views.retain(|w| w.array.strong_count() > 0 && w.dataset.strong_count() > 0);
        views.push(View {
            array: Arc::downgrade(array),
            dataset: Arc::downgrade(dataset),
            name: name.to_owned(),
            attrs,
        });
    });
}

/// The dataset and variable name `array` is a view of, and whether it shares attributes.
fn source(array: &Arc<DataArray>) -> Option<(Arc<Dataset>, String, bool)> {
    VIEWS.with(|v| {
        v.borrow().iter().rev().find_map(|w| {
            let a = w.array.upgrade()?;
            Arc::ptr_eq(&a, array)
                .then(|| w.dataset.upgrade().map(|d| (d, w.name.clone(), w.attrs)))
                .flatten()
        })
    })
}

/// The variable `name` of `ds`, data or coordinate.
fn variable<'d>(ds: &'d Dataset, name: &str) -> Option<&'d Variable> {
    ds.data_vars.get(name).or_else(|| ds.coords.get(name))
}

/// Whether two variables hold the very same values (the same block or plan).
fn same_values(a: &Variable, b: &Variable) -> bool {
    let data = match (&a.data, &b.data) {
        (Data::Memory(x), Data::Memory(y)) => Arc::ptr_eq(x, y),
        (Data::Lazy(x), Data::Lazy(y)) => Arc::ptr_eq(x, y),
        _ => false,
    };
    data && a.dims == b.dims && a.encoding == b.encoding
}

/// `to` with the values of `from`, and its attributes when `attrs`.
fn take(to: &Variable, from: &Variable, attrs: bool) -> Variable {
    Variable {
        attrs: if attrs {
            from.attrs.clone()
        } else {
            to.attrs.clone()
        },
        ..from.clone()
    }
}

impl Machine<'_> {
    /// After `old` (a name's value) was changed in place to `new` by `store`: a view's change
    /// goes to its dataset, and a dataset's change inside a variable to that variable's views,
    /// under every name bound to them (a variable replaced whole, `ds["air"] = ...`, is a new
    /// object: its old views keep the old one, as in xarray).
    pub(crate) fn share_change(&mut self, old: &Value, new: &Value, store: Store<'_>) {
        match (old, new) {
            (Value::DataArray(old), Value::DataArray(new)) => {
                let Some((ds, name, attrs)) = source(old) else {
                    return;
                };
                let Some(current) = variable(&ds, &name) else {
                    return;
                };
                let values = !same_values(current, &new.variable);
                let attrs_changed = attrs && current.attrs != new.variable.attrs;
                if !values && !attrs_changed {
                    // Its name or coordinates changed: still a view of the same variable.
                    record(new, &ds, &name, attrs);
                    return;
                }
                if current.shape() != new.variable.shape() {
                    return;
                }
                let var = take(current, &new.variable, attrs);
                let mut changed = (*ds).clone();
                if let Some(v) = changed.data_vars.get_mut(&name) {
                    *v = var;
                } else if let Some(v) = changed.coords.get_mut(&name) {
                    *v = var;
                }
                let changed = Arc::new(changed);
                record(new, &changed, &name, attrs);
                self.replace_dataset(&ds, &changed, Store::Inside(&name));
            }
            (Value::Dataset(old), Value::Dataset(new)) => self.replace_dataset(old, new, store),
            _ => {}
        }
    }

    /// Rebinds every name bound to `old` to `new`, and every view of `old` to a view of `new`:
    /// of the same variable, or of the variable changed inside.
    fn replace_dataset(&mut self, old: &Arc<Dataset>, new: &Arc<Dataset>, store: Store<'_>) {
        let update = |v: &mut Value| match v {
            Value::Dataset(d) if Arc::ptr_eq(d, old) => *v = Value::Dataset(Arc::clone(new)),
            Value::DataArray(a) => {
                let Some((ds, name, attrs)) = source(a).filter(|(ds, _, _)| Arc::ptr_eq(ds, old))
                else {
                    return;
                };
                let (Some(before), Some(after)) = (variable(&ds, &name), variable(new, &name))
                else {
                    return;
                };
                let attrs = attrs && !matches!(store, Store::Update);
                if matches!(store, Store::Inside(n) if n == name) {
                    let mut changed = (**a).clone();
                    changed.variable = take(&changed.variable, after, attrs);
                    let changed = Arc::new(changed);
                    record(&changed, new, &name, attrs);
                    *v = Value::DataArray(changed);
                } else if same_values(before, after) {
                    record(a, new, &name, attrs);
                }
            }
            _ => {}
        };
        self.interp.ns.values_mut().for_each(update);
        for frame in &self.frames {
            super::function::vars(frame)
                .vars
                .values_mut()
                .for_each(update);
        }
    }
}
