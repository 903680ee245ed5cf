//! `open_zarr`: a store becomes a lazy dataset. Only metadata and index coordinates are read;
//! data variables become plan sources, CF-decoded on the fly.

use super::arith::lazy_variable;
use super::error::{closest, PlanError};
use super::expr::Expr;
use crate::coding::time::{is_time_units, TimeUnits};
use crate::coding::{Calendar, CfDecoder, CodingError};
use crate::io::{open_store, ArrayMeta, IoError};
use crate::model::ToF64;
use crate::model::{Attrs, Block, Data, DataArray, Dataset, Variable, TIME_CALENDAR_KEY};
use crate::with_block;
use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

/// `open_zarr` keywords.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenOptions {
    /// Use consolidated metadata: `Some(true)` requires it, `None` uses it when present.
    pub consolidated: Option<bool>,
    /// Apply `_FillValue`/`missing_value` masking and `scale_factor`/`add_offset`.
    pub mask_and_scale: bool,
    /// Decode CF time units into datetimes.
    pub decode_times: bool,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self {
            consolidated: None,
            mask_and_scale: true,
            decode_times: true,
        }
    }
}

/// Errors opening a dataset.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    /// The store could not be read.
    #[error(transparent)]
    Io(#[from] IoError),
    /// CF attributes could not be decoded.
    #[error(transparent)]
    Coding(#[from] CodingError),
}

/// Opens a Zarr store (format 2 or 3) as a lazy dataset, decoding CF conventions as xarray.
pub fn open_zarr(path: &Path, options: OpenOptions) -> Result<Dataset, OpenError> {
    let store = open_store(path, options.consolidated)?;
    // Names listed in `coordinates` attributes are coordinates, as xarray decides.
    let listed: HashSet<String> = store
        .arrays
        .iter()
        .filter_map(|m| {
            m.attrs
                .get("coordinates")
                .and_then(serde_json::Value::as_str)
        })
        .flat_map(|s| s.split_whitespace().map(str::to_owned))
        .collect();
    let mut ds = Dataset {
        attrs: store.attrs.clone(),
        ..Dataset::default()
    };
    for meta in &store.arrays {
        let is_index = meta.dims.len() == 1 && meta.dims[0] == meta.name;
        let var = variable(meta, options, is_index)?;
        if is_index || listed.contains(&meta.name) {
            ds.coords.insert(meta.name.clone(), var);
        } else {
            ds.data_vars.insert(meta.name.clone(), var);
        }
    }
    Ok(ds)
}

/// One stored array as a variable: lazy, or loaded when it is an index or holds times.
fn variable(meta: &ArrayMeta, options: OpenOptions, is_index: bool) -> Result<Variable, OpenError> {
    let storage = meta.source.dtype();
    let (decoder, mut attrs, mut encoding) = if options.mask_and_scale {
        CfDecoder::from_attrs(&meta.name, &meta.attrs, storage, meta.fill_value)?
    } else {
        (
            CfDecoder::identity(storage),
            meta.attrs.clone(),
            Attrs::new(),
        )
    };
    for (k, v) in &meta.encoding {
        encoding.entry(k.clone()).or_insert_with(|| v.clone());
    }
    if let Some(c) = attrs.shift_remove("coordinates") {
        encoding.insert("coordinates".to_owned(), c);
    }
    let units = attrs
        .get("units")
        .and_then(serde_json::Value::as_str)
        .filter(|u| options.decode_times && is_time_units(u))
        .map(str::to_owned);
    let data = if let Some(units) = units {
        let calendar_name = attrs
            .get("calendar")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("standard")
            .to_owned();
        let calendar = Calendar::parse(&calendar_name, &meta.name)?;
        let time = TimeUnits::parse_for(&meta.name, &units, calendar)?;
        let values = read_all(meta, &decoder)?;
        // NaT for missing times, as numpy spells it.
        let ticks = values.mapv(|x| if x.is_nan() { i64::MIN } else { time.decode(x) });
        for k in ["units", "calendar"] {
            if let Some(v) = attrs.shift_remove(k) {
                encoding.insert(k.to_owned(), v);
            }
        }
        encoding.insert(
            TIME_CALENDAR_KEY.to_owned(),
            serde_json::Value::from(calendar.name()),
        );
        Data::Memory(Arc::new(Block::I64(ticks)))
    } else if is_index {
        Data::Memory(Arc::new(Block::from_f64(
            read_all(meta, &decoder)?,
            decoder.dtype(),
        )))
    } else {
        let expr = Expr::source(Arc::clone(&meta.source), decoder);
        return Ok(Variable {
            attrs,
            encoding,
            ..lazy_variable(meta.dims.clone(), expr)
        });
    };
    Ok(Variable {
        dims: meta.dims.clone(),
        data,
        attrs,
        encoding,
    })
}

/// Reads a whole (small) array, CF-decoded, as `f64`.
fn read_all(meta: &ArrayMeta, decoder: &CfDecoder) -> Result<ndarray::ArrayD<f64>, OpenError> {
    let shape = meta.source.shape().to_vec();
    let block = meta.source.read_region(&vec![0; shape.len()], &shape)?;
    Ok(with_block!(&block, a => a.mapv(|x| decoder.decode(x.to_f64()))))
}

impl Dataset {
    /// `ds[name]`: a variable with its coordinates, or an error suggesting the closest name.
    pub fn get(&self, name: &str) -> Result<DataArray, PlanError> {
        self.array(name).ok_or_else(|| PlanError::UnknownVariable {
            name: name.to_owned(),
            suggestion: closest(name, self.names()),
            valid: self.names().map(str::to_owned).collect(),
        })
    }
}
