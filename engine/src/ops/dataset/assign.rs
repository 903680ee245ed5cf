//! Adding, replacing and removing variables and coordinates: `assign`, `assign_coords` and
//! `drop_vars` of a Dataset, and a DataArray's coordinates. What is assigned is checked
//! against the object's dimension sizes first, as xarray does.

use crate::model::{DataArray, Dataset, Variable};
use crate::ops::error::closest;
use crate::ops::{align, Join, PlanError};
use indexmap::IndexMap;

/// Checks `var`, assigned as `name`, against the object's dimension `sizes`.
fn check_sizes(
    name: &str,
    var: &Variable,
    sizes: &IndexMap<String, usize>,
) -> Result<(), PlanError> {
    for (d, len) in var.dims.iter().zip(var.shape()) {
        if let Some(&target) = sizes.get(d).filter(|&&m| m != len) {
            return Err(PlanError::AssignedSize {
                dim: d.clone(),
                len,
                name: name.to_owned(),
                target,
            });
        }
    }
    Ok(())
}

/// The names of `names` not in `have`: an error unless `ignore_missing`.
fn check_present(names: &[String], have: &[&str], ignore_missing: bool) -> Result<(), PlanError> {
    let missing: Vec<String> = names
        .iter()
        .filter(|n| !have.contains(&n.as_str()))
        .cloned()
        .collect();
    match missing.first() {
        Some(first) if !ignore_missing => Err(PlanError::VarsNotFound {
            suggestion: closest(first, have.iter().copied()),
            names: missing,
        }),
        _ => Ok(()),
    }
}

impl Dataset {
    /// `ds[name] = value`: adds or replaces a data variable. `value` is first aligned to the
    /// dataset's indexes (xarray's left join: missing labels become NaN), and its coordinates
    /// come along where the dataset has none of that name. Lazy.
    pub fn set_variable(&mut self, name: &str, value: &DataArray) -> Result<(), PlanError> {
        let value = self.align_to_indexes(value)?;
        check_sizes(name, &value.variable, &self.dims())?;
        for (k, c) in value.coords {
            self.coords.entry(k).or_insert(c);
        }
        self.coords.shift_remove(name);
        self.data_vars.insert(name.to_owned(), value.variable);
        Ok(())
    }

    /// `ds.coords[name] = var`: adds or replaces a coordinate (a data variable of that name goes).
    pub fn set_coord(&mut self, name: &str, var: Variable) -> Result<(), PlanError> {
        check_sizes(name, &var, &self.dims())?;
        self.data_vars.shift_remove(name);
        self.coords.insert(name.to_owned(), var);
        Ok(())
    }

    /// `ds.assign(name=value, ...)`: [`Dataset::set_variable`] for each, in order.
    pub fn assign(&self, variables: &[(String, DataArray)]) -> Result<Dataset, PlanError> {
        let mut out = self.clone();
        for (name, value) in variables {
            out.set_variable(name, value)?;
        }
        Ok(out)
    }

    /// `ds.assign_coords(name=var, ...)`: [`Dataset::set_coord`] for each, in order.
    pub fn assign_coords(&self, coords: &[(String, Variable)]) -> Result<Dataset, PlanError> {
        let mut out = self.clone();
        for (name, var) in coords {
            out.set_coord(name, var.clone())?;
        }
        Ok(out)
    }

    /// `ds.drop_vars(names, errors=...)`: without those variables and coordinates; a name the
    /// dataset lacks is an error unless `ignore_missing`.
    pub fn drop_vars(&self, names: &[String], ignore_missing: bool) -> Result<Dataset, PlanError> {
        check_present(names, &self.names().collect::<Vec<_>>(), ignore_missing)?;
        let mut out = self.clone();
        for n in names {
            out.data_vars.shift_remove(n);
            out.coords.shift_remove(n);
        }
        Ok(out)
    }

    /// `a` reindexed onto the dataset's index along every dimension both have an index for.
    fn align_to_indexes(&self, a: &DataArray) -> Result<DataArray, PlanError> {
        let mut a = a.clone();
        for d in a.dims().to_vec() {
            let is_index = |c: &Variable| c.dims.len() == 1 && c.dims[0] == d;
            let (Some(target), true) = (
                self.coords
                    .get(&d)
                    .filter(|c| is_index(c))
                    .and_then(|_| self.array(&d)),
                a.coords.get(&d).is_some_and(is_index),
            ) else {
                continue;
            };
            // align returns one array per input: the second is `a`, reindexed.
            if let Some(aligned) = align(&[target, a.clone()], Join::Left)?.pop() {
                a = aligned;
            }
        }
        Ok(a)
    }
}

impl DataArray {
    /// `da.coords[name] = var`: adds or replaces a coordinate along the array's own dimensions.
    pub fn set_coord(&mut self, name: &str, var: Variable) -> Result<(), PlanError> {
        check_sizes(name, &var, &self.sizes())?;
        if !var.dims.iter().all(|d| self.dims().contains(d)) {
            return Err(PlanError::CoordNotSubset {
                name: name.to_owned(),
                dims: var.dims.clone(),
                array_dims: self.dims().to_vec(),
            });
        }
        self.coords.insert(name.to_owned(), var);
        Ok(())
    }

    /// `da.assign_coords(name=var, ...)`: [`DataArray::set_coord`] for each, in order.
    pub fn assign_coords(&self, coords: &[(String, Variable)]) -> Result<DataArray, PlanError> {
        let mut out = self.clone();
        for (name, var) in coords {
            out.set_coord(name, var.clone())?;
        }
        Ok(out)
    }

    /// `da.drop_vars(names, errors=...)`: without those coordinates; a name the array lacks is
    /// an error unless `ignore_missing`.
    pub fn drop_vars(
        &self,
        names: &[String],
        ignore_missing: bool,
    ) -> Result<DataArray, PlanError> {
        let have: Vec<&str> = self.coords.keys().map(String::as_str).collect();
        check_present(names, &have, ignore_missing)?;
        let mut out = self.clone();
        out.coords.retain(|k, _| !names.contains(k));
        Ok(out)
    }
}
