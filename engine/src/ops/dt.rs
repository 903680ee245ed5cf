//! xarray's `.dt` accessor: a date part of each value of a datetime array (`time.dt.month`,
//! `da["time.dayofyear"]`), in the array's own calendar.

use std::sync::Arc;

use super::PlanError;
use crate::coding::{TimeComponent, TimeScale, NAT, SEASONS};
use crate::model::{Block, Data, DataArray, Labels, Variable};

/// The season names as labels numbered in [`SEASONS`] order: fixed-width `<U3` (what
/// `.dt.season` gives) or `object` (the index of a `groupby("time.season")` result).
pub(crate) fn season_labels(unicode: bool) -> Labels {
    let table = SEASONS.map(str::to_owned).to_vec();
    if unicode {
        Labels::unicode(table)
    } else {
        Labels::object(table)
    }
}

impl DataArray {
    /// The date part `part` (`"month"`, `"dayofyear"`, ...) of each value, named after the
    /// part, with this array's dimensions, coordinates and attributes: int64, or float64 with
    /// NaN where a value is NaT, as xarray gives. The values must be in memory (coordinates are).
    pub fn date_part(&self, part: &str) -> Result<DataArray, PlanError> {
        let bad = |why: String| PlanError::BadDtype {
            op: format!(".dt.{part}"),
            dtype: why,
        };
        let component = TimeComponent::parse(part).ok_or_else(|| {
            bad(format!(
                "{}: no such date part",
                crate::repr::dtype_name(&self.variable)
            ))
        })?;
        let scale = TimeScale::of(&self.variable)
            .ok_or_else(|| bad(crate::repr::dtype_name(&self.variable).to_owned()))?;
        if !component.defined_in(scale.calendar) {
            return Err(bad(format!(
                "{} (calendar {:?} has no real weekdays)",
                crate::repr::dtype_name(&self.variable),
                scale.calendar.name()
            )));
        }
        let Data::Memory(block) = &self.variable.data else {
            return Err(bad(format!(
                "{} values that are not loaded (call .load() first)",
                crate::repr::dtype_name(&self.variable)
            )));
        };
        let Block::I64(ticks) = block.as_ref() else {
            return Err(bad(crate::repr::dtype_name(&self.variable).to_owned()));
        };
        let parts = ticks.mapv(|t| {
            (t != NAT)
                .then(|| scale.datetime(t))
                .flatten()
                .map(|d| component.of(&d, scale.calendar))
        });
        let season = component == TimeComponent::Season;
        let block = if season {
            // xarray names the season of NaT 'nan' (a string): the code after the seasons.
            Block::I64(parts.mapv(|p| p.unwrap_or(4)))
        } else if parts.iter().all(Option::is_some) {
            Block::I64(parts.mapv(Option::unwrap_or_default))
        } else {
            #[allow(clippy::cast_precision_loss, reason = "date parts are small")]
            Block::F64(parts.mapv(|p| p.map_or(f64::NAN, |v| v as f64)))
        };
        let mut variable = Variable::new(self.variable.dims.clone(), Data::Memory(Arc::new(block)));
        // xarray keeps the attributes of the dates (keep_attrs).
        variable.attrs.clone_from(&self.variable.attrs);
        if season {
            let mut table = season_labels(true).table().to_vec();
            if parts.iter().any(Option::is_none) {
                table.push("nan".to_owned());
            }
            Labels::unicode(table).mark(&mut variable.encoding);
        }
        Ok(DataArray {
            name: Some(part.to_owned()),
            variable,
            coords: self.coords.clone(),
        })
    }
}

impl DataArray {
    /// `.dt.strftime(format)`: each date as text (an `object` array of strings named
    /// `strftime`, NaT as NaN), with this array's dimensions and coordinates. The
    /// values must be in memory (coordinates are).
    pub fn strftime(&self, format: &str) -> Result<DataArray, PlanError> {
        let what = || crate::repr::dtype_name(&self.variable).to_owned();
        let bad = |dtype: String| PlanError::BadDtype {
            op: ".dt.strftime".to_owned(),
            dtype,
        };
        let scale = TimeScale::of(&self.variable).ok_or_else(|| bad(what()))?;
        let Data::Memory(block) = &self.variable.data else {
            return Err(bad(format!(
                "{} values that are not loaded (call .load() first)",
                what()
            )));
        };
        let Block::I64(ticks) = block.as_ref() else {
            return Err(bad(what()));
        };
        let texts: Vec<Option<String>> = ticks
            .iter()
            .map(|&t| {
                let Some(d) = (t != NAT).then(|| scale.datetime(t)).flatten() else {
                    return Ok(None);
                };
                crate::coding::strftime::strftime(&d, scale.calendar, format)
                    .map(Some)
                    .map_err(|source| PlanError::BadFormat {
                        format: format.to_owned(),
                        source,
                    })
            })
            .collect::<Result<_, _>>()?;
        let present: Vec<&str> = texts.iter().flatten().map(String::as_str).collect();
        let (labels, codes) = Labels::encode(&present, false);
        let mut next = codes.into_iter();
        let all: Vec<i64> = texts
            .iter()
            .map(|t| {
                if t.is_some() {
                    next.next().unwrap_or(-1)
                } else {
                    -1
                }
            })
            .collect();
        let values =
            ndarray::ArrayD::from_shape_vec(ticks.raw_dim(), all).map_err(|_| bad(what()))?;
        let mut variable = Variable::new(
            self.variable.dims.clone(),
            Data::Memory(Arc::new(Block::I64(values))),
        );
        // xarray's strftime keeps no attributes (its date parts do).
        labels.mark(&mut variable.encoding);
        Ok(DataArray {
            name: Some("strftime".to_owned()),
            variable,
            coords: self.coords.clone(),
        })
    }
}

/// How [`DataArray::date_round`] rounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    /// Down to the previous multiple (`.dt.floor`).
    Floor,
    /// Up to the next multiple (`.dt.ceil`).
    Ceil,
    /// To the nearest multiple, ties to the even one (`.dt.round`).
    Round,
}

impl DataArray {
    /// `.dt.floor(freq)` / `ceil` / `round` for a fixed frequency (`D`, `6h`, `min`): dates
    /// moved to multiples of it counted from 1970-01-01, NaT kept. The values must be in memory.
    pub fn date_round(&self, freq: &str, how: Rounding) -> Result<DataArray, PlanError> {
        let bad = |why: &str| PlanError::BadDtype {
            op: format!("rounding dates to {freq:?}"),
            dtype: why.to_owned(),
        };
        let scale = TimeScale::of(&self.variable).ok_or_else(|| bad("not datetimes"))?;
        let ns = super::resample::fixed_nanos(freq)?;
        let step = scale
            .ticks_of_nanos(ns)
            .filter(|s| *s > 0)
            .ok_or_else(|| bad("a frequency finer than the dates' resolution"))?;
        let Data::Memory(block) = &self.variable.data else {
            return Err(bad("values that are not loaded (call .load() first)"));
        };
        let Block::I64(ticks) = block.as_ref() else {
            return Err(bad("not datetimes"));
        };
        let rounded = ticks.mapv(|t| {
            if t == NAT {
                return NAT;
            }
            let down = t - t.rem_euclid(step);
            let rest = t - down;
            match how {
                Rounding::Floor => down,
                Rounding::Ceil if rest == 0 => down,
                Rounding::Ceil => down + step,
                Rounding::Round => {
                    let up = 2 * rest > step || (2 * rest == step && (down / step) % 2 != 0);
                    if up {
                        down + step
                    } else {
                        down
                    }
                }
            }
        });
        let mut out = self.clone();
        out.variable.data = Data::Memory(Arc::new(Block::I64(rounded)));
        Ok(out)
    }
}
