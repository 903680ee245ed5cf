//! A Dataset's structural and element-wise methods: transpose, rename, squeeze, expand_dims,
//! astype, round, clip and where. Each is checked against the dataset's dimensions first, then
//! applied to every variable having the dimensions involved (value conversions: to the data
//! variables only), as xarray does.

use super::DatasetOperand;
use crate::model::{DType, DataArray, Dataset, Variable};
use crate::ops::error::unknown_dim;
use crate::ops::structure::{check_rename, expand_variable, rename_dims, renamed, transpose_order};
use crate::ops::{Operand, PlanError};
use indexmap::IndexMap;
use std::convert::Infallible;

impl Dataset {
    /// The data variables mapped by `f`; coordinates and attributes kept.
    pub fn map_data<E>(&self, f: impl Fn(DataArray) -> Result<DataArray, E>) -> Result<Dataset, E> {
        let mut out = self.clone();
        for (name, v) in &mut out.data_vars {
            if let Some(a) = self.array(name) {
                *v = f(a)?.variable;
            }
        }
        Ok(out)
    }

    /// `ds.transpose(*dims)`: `dims` checked against the dataset's (unless `ignore_missing`),
    /// then each variable takes those it has, `...` standing for the rest. Lazy.
    pub fn transpose(&self, dims: &[String], ignore_missing: bool) -> Result<Dataset, PlanError> {
        transpose_order(&self.dim_names(), dims, ignore_missing)?;
        self.map_variables(|a| {
            let mine: Vec<String> = dims
                .iter()
                .filter(|d| *d == "..." || a.dims().contains(d))
                .cloned()
                .collect();
            Ok(Some(a.transpose(&mine, false)?.variable))
        })
    }

    /// `ds.rename({old: new})`: variables, coordinates and dimensions of those names.
    pub fn rename(&self, mapping: &[(String, String)]) -> Result<Dataset, PlanError> {
        let dims = self.dim_names();
        let valid: Vec<&str> = self
            .names()
            .chain(dims.iter().map(String::as_str))
            .collect();
        check_rename(mapping, &valid)?;
        let ren = |vars: &IndexMap<String, Variable>| {
            vars.iter()
                .map(|(k, v)| (renamed(k, mapping), rename_dims(v, mapping)))
                .collect()
        };
        Ok(Dataset {
            data_vars: ren(&self.data_vars),
            coords: ren(&self.coords),
            attrs: self.attrs.clone(),
            coords_first: self.coords_first,
        })
    }

    /// `ds.squeeze(dims)`: drops the named dimensions (every one of length 1 when `None`),
    /// each of which must have length 1. Lazy.
    pub fn squeeze(&self, dims: Option<&[String]>) -> Result<Dataset, PlanError> {
        let sizes = self.dims();
        let names: Vec<String> = match dims {
            Some(d) => d.to_vec(),
            None => sizes
                .iter()
                .filter(|(_, &n)| n == 1)
                .map(|(d, _)| d.clone())
                .collect(),
        };
        for d in &names {
            match sizes.get(d) {
                None => return Err(unknown_dim(d, &self.dim_names())),
                Some(&size) if size != 1 => {
                    return Err(PlanError::NotSqueezable {
                        dim: d.clone(),
                        size,
                    })
                }
                Some(_) => {}
            }
        }
        self.map_variables(|a| {
            let mine: Vec<String> = names
                .iter()
                .filter(|d| a.dims().contains(d))
                .cloned()
                .collect();
            Ok(Some(a.squeeze(Some(&mine))?.variable))
        })
    }

    /// `ds.expand_dims({dim: size})`: new leading dimensions on every data variable; a scalar
    /// coordinate of a new dimension's name becomes its coordinate. Lazy.
    pub fn expand_dims(&self, new: &[(String, usize)]) -> Result<Dataset, PlanError> {
        let have = self.dim_names();
        if let Some((d, _)) = new.iter().find(|(d, _)| have.contains(d)) {
            return Err(PlanError::DimExists { dim: d.clone() });
        }
        let mut out = self.clone();
        for (name, c) in &mut out.coords {
            if let Some(pair) = new
                .iter()
                .find(|(d, _)| d == name)
                .filter(|_| c.dims.is_empty())
            {
                *c = expand_variable(c, std::slice::from_ref(pair));
            }
        }
        out.map_data(|a| a.expand_dims(new))
    }

    /// `ds.astype(dtype)` on every data variable. Lazy.
    #[must_use]
    pub fn astype(&self, dtype: DType) -> Dataset {
        self.map_values(|a| a.astype(dtype))
    }

    /// `ds.round(decimals)` on every data variable. Lazy.
    #[must_use]
    pub fn round(&self, decimals: i64) -> Dataset {
        self.map_values(|a| a.round(decimals))
    }

    /// `ds.clip(min, max)` on every data variable (`float_bound`: a bound was a float). Lazy.
    #[must_use]
    pub fn clip(&self, min: Option<f64>, max: Option<f64>, float_bound: bool) -> Dataset {
        self.map_values(|a| a.clip(min, max, float_bound))
    }

    /// `ds.where(cond, other)`: `cond` one boolean array, or a dataset of them by variable name.
    pub fn where_(
        &self,
        cond: DatasetOperand<'_>,
        other: Option<&Operand>,
    ) -> Result<Dataset, PlanError> {
        self.map_data(|a| {
            let c = match cond {
                DatasetOperand::Dataset(c) => c.get(a.name.as_deref().unwrap_or_default())?,
                DatasetOperand::Array(c) => c.clone(),
            };
            a.where_(&c, other)
        })
    }

    /// The data variables mapped by an infallible `f`.
    fn map_values(&self, f: impl Fn(DataArray) -> DataArray) -> Dataset {
        let Ok(out) = self.map_data(|a| Ok::<_, Infallible>(f(a)));
        out
    }
}
