//! Coordinate indexes: turn labels into positions along a 1-D coordinate (pandas-like rules:
//! exact match or nearest, slices inclusive of both ends, monotonic either way). Date strings
//! on a time index name periods, as in pandas and xarray's CFTimeIndex: `"2000-01"` is all of
//! January, in a slice as in a single label.

use super::error::PlanError;
use super::plan::Sel;
use super::select::{Label, LabelIndexer};
use crate::coding::time::{parse_date_label, DateLabel, Resolution};
use crate::coding::{TimeScale, NAT};
use crate::model::{Block, Data, Labels, Variable};

/// The labels of one dimension, as numbers (datetimes as ticks of their scale).
#[derive(Debug)]
pub struct CoordIndex<'a> {
    dim: &'a str,
    values: Vec<f64>,
    time: Option<TimeIndex>,
    /// For a string index, its distinct strings sorted: `values` then hold each label's rank,
    /// so labels compare and slice as pandas compares strings.
    text: Option<Vec<String>>,
    /// The farthest a nearest label may be from the one asked for (`sel(tolerance=)`).
    tolerance: Option<f64>,
}

/// A time coordinate's exact ticks.
#[derive(Debug)]
struct TimeIndex {
    scale: TimeScale,
    ticks: Vec<i64>,
}

impl<'a> CoordIndex<'a> {
    /// Reads the (in-memory) coordinate of `dim`.
    pub fn new(dim: &'a str, coord: &Variable) -> Result<Self, PlanError> {
        let Data::Memory(block) = &coord.data else {
            return Err(PlanError::NoIndex {
                dim: dim.to_owned(),
            });
        };
        let time = match (TimeScale::of(coord), block.as_ref()) {
            (Some(scale), Block::I64(t)) => Some(TimeIndex {
                scale,
                ticks: t.iter().copied().collect(),
            }),
            _ => None,
        };
        if let Some(labels) = Labels::of(coord) {
            let mut sorted: Vec<String> = labels.table().to_vec();
            sorted.sort_unstable();
            sorted.dedup();
            let rank = |code: i64| -> f64 {
                let text = labels.text(code).unwrap_or_default();
                #[allow(clippy::cast_precision_loss, reason = "a rank among the labels")]
                sorted
                    .binary_search_by(|s| s.as_str().cmp(text))
                    .map_or(f64::NAN, |r| r as f64)
            };
            return Ok(Self {
                dim,
                values: block.iter_i64().map(rank).collect(),
                time,
                text: Some(sorted),
                tolerance: None,
            });
        }
        Ok(Self {
            dim,
            values: block.to_f64().iter().copied().collect(),
            time,
            text: None,
            tolerance: None,
        })
    }

    /// This index with nearest matches at most `tolerance` away (numeric indexes only).
    ///
    /// # Errors
    /// [`PlanError::BadLabel`] for a tolerance on a time index (pandas takes a timedelta
    /// there, which Nereus does not read yet), or a negative one.
    pub fn within(mut self, tolerance: Option<f64>) -> Result<Self, PlanError> {
        let Some(t) = tolerance else { return Ok(self) };
        let bad = |why: &str| PlanError::BadLabel {
            dim: self.dim.to_owned(),
            label: format!("tolerance={t}"),
            why: why.to_owned(),
        };
        if self.time.is_some() {
            return Err(bad("a tolerance on a time index is not supported yet"));
        }
        if self.text.is_some() {
            return Err(bad("a tolerance needs numeric labels, not strings"));
        }
        if t.is_nan() || t < 0.0 {
            return Err(bad("tolerance must be a non-negative number"));
        }
        self.tolerance = Some(t);
        Ok(self)
    }

    /// The positions left when `labels` (each matched exactly) are dropped; with
    /// `ignore_missing`, labels not on the index are skipped rather than an error.
    pub fn drop(&self, labels: &[Label], ignore_missing: bool) -> Result<Vec<usize>, PlanError> {
        let mut dropped = Vec::new();
        for label in labels {
            match self.resolve(&LabelIndexer::List(vec![label.clone()]), false) {
                Ok(Sel::List(found)) => dropped.extend(found),
                Ok(_) => {}
                Err(PlanError::LabelNotFound { .. }) if ignore_missing => {}
                Err(e) => return Err(e),
            }
        }
        Ok((0..self.values.len())
            .filter(|i| !dropped.contains(i))
            .collect())
    }

    fn bad(&self, label: &Label, why: &str) -> PlanError {
        PlanError::BadLabel {
            dim: self.dim.to_owned(),
            label: label.to_string(),
            why: why.to_owned(),
        }
    }

    /// The label as a number on this index: itself on a numeric index, its rank among the
    /// sorted strings on a string index (half way between neighbours when absent, so it matches
    /// nothing exactly but bounds a slice where pandas would).
    fn key(&self, label: &Label) -> Result<f64, PlanError> {
        match (label, &self.text) {
            (Label::Num(x), None) => Ok(*x),
            (Label::Str(_), None) => Err(self.bad(label, "this coordinate holds numbers")),
            (Label::Num(_), Some(_)) => Err(self.bad(label, "this coordinate holds strings")),
            #[allow(clippy::cast_precision_loss, reason = "a rank among the labels")]
            (Label::Str(s), Some(sorted)) => {
                Ok(match sorted.binary_search_by(|t| t.as_str().cmp(s)) {
                    Ok(r) => r as f64,
                    Err(r) => r as f64 - 0.5,
                })
            }
        }
    }

    /// The period a label names on this time index.
    fn period(&self, time: &TimeIndex, label: &Label) -> Result<DateLabel, PlanError> {
        match label {
            Label::Str(s) => {
                parse_date_label(s, time.scale).map_err(|e| self.bad(label, &e.to_string()))
            }
            Label::Num(_) => Err(self.bad(label, "this is a time coordinate: give a date string")),
        }
    }

    fn not_found(&self, label: &Label) -> PlanError {
        PlanError::LabelNotFound {
            dim: self.dim.to_owned(),
            label: label.to_string(),
        }
    }

    /// A selection on a time index: a label names a period, which selects every time in it
    /// (keeping the dimension) when it is coarser than the index's own resolution, or always
    /// for cftime dates (xarray's CFTimeIndex); otherwise it is one instant to match exactly.
    fn resolve_time(
        &self,
        time: &TimeIndex,
        idx: &LabelIndexer,
        nearest: bool,
    ) -> Result<Sel, PlanError> {
        let instant = |label: &Label| -> Result<usize, PlanError> {
            let at = self.period(time, label)?.start;
            let valid = time.ticks.iter().enumerate().filter(|(_, &t)| t != NAT);
            let found = if nearest {
                valid
                    .min_by_key(|(_, &t)| (i128::from(t) - i128::from(at)).unsigned_abs())
                    .map(|(i, _)| i)
            } else {
                time.ticks.iter().position(|&t| t == at)
            };
            found.ok_or_else(|| self.not_found(label))
        };
        let within = |lo: Option<i64>, hi: Option<i64>| -> Vec<usize> {
            (0..time.ticks.len())
                .filter(|&i| {
                    let t = time.ticks[i];
                    t != NAT && lo.is_none_or(|a| t >= a) && hi.is_none_or(|b| t < b)
                })
                .collect()
        };
        match idx {
            LabelIndexer::Scalar(label) if !nearest => {
                let period = self.period(time, label)?;
                if time.scale.is_datetime64() && period.resolution <= time.resolution() {
                    return Ok(Sel::Index(instant(label)?));
                }
                let hits = within(Some(period.start), Some(period.end));
                if hits.is_empty() {
                    return Err(self.not_found(label));
                }
                Ok(selection(hits))
            }
            LabelIndexer::Scalar(label) => Ok(Sel::Index(instant(label)?)),
            LabelIndexer::List(labels) => Ok(Sel::List(
                labels.iter().map(instant).collect::<Result<_, _>>()?,
            )),
            LabelIndexer::Slice(a, b) => {
                let lo = a.as_ref().map(|l| self.period(time, l)).transpose()?;
                let hi = b.as_ref().map(|l| self.period(time, l)).transpose()?;
                let descending = time.ticks.windows(2).all(|w| w[0] >= w[1])
                    && !time.ticks.windows(2).all(|w| w[0] <= w[1]);
                // On a decreasing index, pandas reads slice(a, b) from a down to b.
                let hits = if descending {
                    within(hi.map(|p| p.start), lo.map(|p| p.end))
                } else {
                    within(lo.map(|p| p.start), hi.map(|p| p.end))
                };
                Ok(selection(hits))
            }
        }
    }

    fn ascending(&self) -> bool {
        self.values.windows(2).all(|w| w[0] <= w[1])
    }

    fn descending(&self) -> bool {
        self.values.windows(2).all(|w| w[0] >= w[1])
    }

    fn position(&self, label: &Label, nearest: bool) -> Result<usize, PlanError> {
        if nearest && self.text.is_some() {
            return Err(self.bad(label, "method='nearest' needs numeric labels, not strings"));
        }
        let key = self.key(label)?;
        let found = if nearest {
            self.values
                .iter()
                .enumerate()
                .filter(|(_, v)| !v.is_nan())
                .min_by(|a, b| (a.1 - key).abs().total_cmp(&(b.1 - key).abs()))
                .map(|(i, v)| match self.tolerance {
                    Some(tolerance) if (v - key).abs() > tolerance => {
                        Err(PlanError::NotWithinTolerance {
                            dim: self.dim.to_owned(),
                            label: label.to_string(),
                            tolerance,
                        })
                    }
                    _ => Ok(i),
                })
                .transpose()?
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
        if let Some(time) = &self.time {
            return self.resolve_time(time, idx, nearest);
        }
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
                Ok(selection(hits))
            }
        }
    }
}

impl TimeIndex {
    /// pandas' resolution of the index: the finest date part any of its times uses.
    fn resolution(&self) -> Resolution {
        let per_ns = self.scale.unit.nanos();
        let steps: [(i64, Resolution); 6] = [
            (1_000, Resolution::Nanosecond),
            (1_000_000, Resolution::Microsecond),
            (1_000_000_000, Resolution::Millisecond),
            (60_000_000_000, Resolution::Second),
            (3_600_000_000_000, Resolution::Minute),
            (crate::coding::NS_PER_DAY, Resolution::Hour),
        ];
        let valid = || self.ticks.iter().filter(|&&t| t != NAT);
        steps
            .iter()
            .find(|(ns, _)| {
                let per = ns / per_ns;
                per > 0 && valid().any(|t| t.rem_euclid(per) != 0)
            })
            .map_or(Resolution::Day, |(_, r)| *r)
    }
}

/// Positions as a selection: a range when contiguous, else a list.
fn selection(hits: Vec<usize>) -> Sel {
    let contiguous = hits.windows(2).all(|w| w[1] == w[0] + 1);
    match (hits.first(), contiguous) {
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
    }
}
