//! A dataset: data variables and coordinates sharing dimensions (xarray's `Dataset`).

use super::{Attrs, DataArray, Variable};
use indexmap::IndexMap;

/// Variables sharing dimensions, with global attributes.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// Data variables, in store order.
    pub data_vars: IndexMap<String, Variable>,
    /// Coordinate variables (1-D index coordinates and others such as 2-D lat/lon).
    pub coords: IndexMap<String, Variable>,
    /// Global attributes.
    pub attrs: Attrs,
    /// Whether xarray would list the coordinates before the data variables: the results of
    /// arithmetic, rolling and weighted reductions are built that way, which orders the
    /// dimensions of their repr; opened stores and other operations list data first.
    pub coords_first: bool,
}

impl Dataset {
    /// Sizes of every dimension, in first-seen order.
    pub fn dims(&self) -> IndexMap<String, usize> {
        let mut sizes = IndexMap::new();
        for var in self.coords.values().chain(self.data_vars.values()) {
            for (d, n) in var.dims.iter().zip(var.shape()) {
                sizes.entry(d.clone()).or_insert(n);
            }
        }
        sizes
    }

    /// Every variable name, coordinates first.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.coords
            .keys()
            .chain(self.data_vars.keys())
            .map(String::as_str)
    }

    /// The variable `name` (data variable or coordinate) as a data array with its coordinates.
    pub fn array(&self, name: &str) -> Option<DataArray> {
        let variable = self
            .data_vars
            .get(name)
            .or_else(|| self.coords.get(name))?
            .clone();
        let coords = self
            .coords
            .iter()
            .filter(|(_, c)| c.dims.iter().all(|d| variable.dims.contains(d)))
            .map(|(k, c)| (k.clone(), c.clone()))
            .collect();
        Some(DataArray {
            name: Some(name.to_owned()),
            variable,
            coords,
        })
    }
}
