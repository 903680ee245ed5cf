//! Coordinate indexes: turn labels into positions along a 1-D coordinate (pandas-like rules:
//! exact match or nearest, slices inclusive of both ends, monotonic either way).

use super::error::PlanError;
use super::expr::Sel;
use super::select::{Label, LabelIndexer};
use crate::coding::time::parse_datetime;
use crate::coding::TimeScale;
use crate::model::{Data, Variable};

/// The labels of one dimension, as numbers (datetimes as ticks of their scale).
#[derive(Debug)]
pub struct CoordIndex<'a> {
    dim: &'a str,
    values: Vec<f64>,
    time: Option<TimeScale>,
}

impl<'a> CoordIndex<'a> {
    /// Reads the (in-memory) coordinate of `dim`.
    pub fn new(dim: &'a str, coord: &Variable) -> Result<Self, PlanError> {
        let Data::Memory(block) = &coord.data else {
            return Err(PlanError::NoIndex {
                dim: dim.to_owned(),
            });
        };
        let time = TimeScale::of(coord);
        Ok(Self {
            dim,
            values: block.to_f64().iter().copied().collect(),
            time,
        })
    }

    /// The label as a number on this index's scale.
    fn key(&self, label: &Label) -> Result<f64, PlanError> {
        let bad = |why: &str| PlanError::BadLabel {
            dim: self.dim.to_owned(),
            label: label.to_string(),
            why: why.to_owned(),
        };
        match (label, self.time) {
            (Label::Num(x), None) => Ok(*x),
            // Ticks near 1e18 keep ~100 ns resolution as f64: ample for matching dates.
            #[allow(clippy::cast_precision_loss)]
            (Label::Str(s), Some(scale)) => parse_datetime(s, scale)
                .map(|ticks| ticks as f64)
                .map_err(|e| bad(&e.to_string())),
            (Label::Num(_), Some(_)) => Err(bad("this is a time coordinate: give a date string")),
            (Label::Str(_), None) => Err(bad("this coordinate holds numbers")),
        }
    }

    fn ascending(&self) -> bool {
        self.values.windows(2).all(|w| w[0] <= w[1])
    }

    fn descending(&self) -> bool {
        self.values.windows(2).all(|w| w[0] >= w[1])
    }

    fn position(&self, label: &Label, nearest: bool) -> Result<usize, PlanError> {
        let key = self.key(label)?;
        let found = if nearest {
            self.values
                .iter()
                .enumerate()
                .filter(|(_, v)| !v.is_nan())
                .min_by(|a, b| (a.1 - key).abs().total_cmp(&(b.1 - key).abs()))
                .map(|(i, _)| i)
        } else {
            #[allow(clippy::float_cmp)] // an exact label match is what sel means
            let exact = self.values.iter().position(|&v| v == key);
            exact
        };
        found.ok_or_else(|| PlanError::LabelNotFound {
            dim: self.dim.to_owned(),
            label: label.to_string(),
        })
    }

    /// The selection for an indexer.
    pub fn resolve(&self, idx: &LabelIndexer, nearest: bool) -> Result<Sel, PlanError> {
        match idx {
            LabelIndexer::Scalar(l) => Ok(Sel::Index(self.position(l, nearest)?)),
            LabelIndexer::List(ls) => Ok(Sel::List(
                ls.iter()
                    .map(|l| self.position(l, nearest))
                    .collect::<Result<_, _>>()?,
            )),
            LabelIndexer::Slice(a, b) => {
                let lo = a.as_ref().map(|l| self.key(l)).transpose()?;
                let hi = b.as_ref().map(|l| self.key(l)).transpose()?;
                // On a decreasing index, pandas reads slice(a, b) from a down to b.
                let keep: Box<dyn Fn(f64) -> bool> = if self.descending() && !self.ascending() {
                    Box::new(move |v| lo.is_none_or(|a| v <= a) && hi.is_none_or(|b| v >= b))
                } else {
                    Box::new(move |v| lo.is_none_or(|a| v >= a) && hi.is_none_or(|b| v <= b))
                };
                let hits: Vec<usize> = (0..self.values.len())
                    .filter(|&i| keep(self.values[i]))
                    .collect();
                let contiguous = hits.windows(2).all(|w| w[1] == w[0] + 1);
                Ok(match (hits.first(), contiguous) {
                    (None, _) => Sel::Range {
                        start: 0,
                        step: 1,
                        len: 0,
                    },
                    (Some(&start), true) => Sel::Range {
                        start,
                        step: 1,
                        len: hits.len(),
                    },
                    (Some(_), false) => Sel::List(hits),
                })
            }
        }
    }
}
