//! resample: time bins from a pandas frequency ("D", "6h", "MS", "ME", "QS-DEC", "YS", ...)
//! laid out in the time coordinate's own calendar, as a [`GroupBy`] over the bins.
//!
//! Defaults are pandas' (and so xarray's): fixed steps start at midnight of the first day;
//! month, quarter and year starts are closed and labelled on the left; their ends ("ME",
//! "QE", "YE") on the right. Empty bins give NaN.

use super::error::PlanError;
use super::groupby::GroupBy;
use super::plan::NO_GROUP;
use crate::coding::{DateTime, TimeScale, NAT, NS_PER_DAY};
use crate::model::{Block, Data, DataArray, Variable};
use ndarray::{ArrayD, IxDyn};
use std::sync::Arc;

/// How bins step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// A fixed number of nanoseconds from midnight of the first day.
    Ticks(i64),
    /// Whole months: `months` per bin, on months congruent to `anchor` (0-11) modulo `period`;
    /// `end` puts edges at month ends, closed and labelled on the right.
    Months {
        months: i64,
        period: i64,
        anchor: i64,
        end: bool,
    },
}

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];

/// Parses a pandas frequency string.
fn parse(freq: &str) -> Result<Step, PlanError> {
    let bad = |why: &str| PlanError::BadFrequency {
        freq: freq.to_owned(),
        why: why.to_owned(),
    };
    let digits = freq.chars().take_while(char::is_ascii_digit).count();
    let n: i64 = if digits == 0 {
        1
    } else {
        freq[..digits]
            .parse()
            .map_err(|_| bad("the multiple is too large"))?
    };
    if n == 0 {
        return Err(bad("the multiple must be positive"));
    }
    let (unit, suffix) = match freq[digits..].split_once('-') {
        Some((u, s)) => (u, Some(s)),
        None => (&freq[digits..], None),
    };
    let anchor = |default: i64| -> Result<i64, PlanError> {
        suffix.map_or(Ok(default), |s| {
            MONTHS
                .iter()
                .position(|m| m.eq_ignore_ascii_case(s))
                .and_then(|i| i64::try_from(i).ok())
                .ok_or_else(|| bad("the anchor must be a month: JAN, FEB, ..., DEC"))
        })
    };
    let ticks = |ns: i64| {
        n.checked_mul(ns)
            .map(Step::Ticks)
            .ok_or_else(|| bad("too large"))
    };
    let months = |period: i64, anchor: i64, end: bool| Step::Months {
        months: n * period,
        period,
        anchor,
        end,
    };
    if suffix.is_some() && !matches!(unit, "QS" | "QE" | "Q" | "YS" | "AS" | "YE" | "Y" | "A") {
        return Err(bad("only quarter and year frequencies take an anchor"));
    }
    match unit {
        "D" => ticks(NS_PER_DAY),
        "h" | "H" => ticks(3_600_000_000_000),
        "min" | "T" => ticks(60_000_000_000),
        "s" | "S" => ticks(1_000_000_000),
        "MS" => Ok(months(1, 0, false)),
        "ME" | "M" => Ok(months(1, 0, true)),
        "QS" => Ok(months(3, anchor(0)?, false)),
        "QE" | "Q" => Ok(months(3, anchor(11)?, true)),
        "YS" | "AS" => Ok(months(12, anchor(0)?, false)),
        "YE" | "Y" | "A" => Ok(months(12, anchor(11)?, true)),
        _ => Err(bad(
            "expected a multiple and one of D, h, min, s, MS, ME, QS, QE, YS, YE (e.g. \"1D\", \"QS-DEC\")",
        )),
    }
}

/// Month index (`year * 12 + month - 1`) of a date.
fn month_index(d: &DateTime) -> i64 {
    d.year * 12 + i64::from(d.month) - 1
}

/// Ticks of the first (or, with `end`, last) midnight of month index `mi`.
fn month_edge(mi: i64, end: bool, scale: TimeScale) -> Option<i64> {
    let cal = scale.calendar;
    let year = mi.div_euclid(12);
    let month = u8::try_from(mi.rem_euclid(12) + 1).ok()?;
    let day = if end {
        cal.days_in_month(year, month)
    } else {
        1
    };
    DateTime::date(year, month, day).to_ticks(scale)
}

/// Bin edges and labels, and each time's bin.
fn bins(step: Step, ticks: &[i64], scale: TimeScale) -> Option<(Vec<usize>, Vec<i64>)> {
    let valid = || ticks.iter().copied().filter(|&t| t != NAT);
    let (Some(first), Some(last)) = (valid().min(), valid().max()) else {
        return Some((vec![NO_GROUP; ticks.len()], Vec::new()));
    };
    match step {
        Step::Ticks(ns) => {
            let ns = scale.ticks_of_nanos(ns)?;
            // pandas' default origin: midnight of the first day; bins from the first's.
            let per_day = scale.ticks_per_day();
            let origin = first.div_euclid(per_day) * per_day;
            let k0 = (first - origin).div_euclid(ns);
            let bin = |t: i64| usize::try_from((t - origin).div_euclid(ns) - k0).ok();
            let count = bin(last)? + 1;
            let labels = (0..count)
                .map(|k| i64::try_from(k).ok().map(|k| origin + (k0 + k) * ns))
                .collect::<Option<Vec<i64>>>()?;
            let ids = ticks
                .iter()
                .map(|&t| if t == NAT { Some(NO_GROUP) } else { bin(t) })
                .collect::<Option<Vec<usize>>>()?;
            Some((ids, labels))
        }
        Step::Months {
            months,
            period,
            anchor,
            end,
        } => {
            let m0 = month_index(&scale.datetime(first)?);
            // A bin of period ending with month `mi` runs up to the start of month `mi + 1`:
            // pandas moves end-anchored edges to the end of their day, so the whole last day
            // of the month is in.
            let (mut mi, shift) = if end {
                (m0 + (anchor - m0).rem_euclid(period), 1)
            } else {
                (m0 - (m0 - anchor).rem_euclid(period), 0)
            };
            // The first month of the bin labelled by month `mi`.
            let opening = |mi: i64| mi + shift * (1 - months);
            let mut lefts = vec![month_edge(opening(mi), false, scale)?];
            let mut labels = vec![month_edge(mi, end, scale)?];
            while month_edge(opening(mi) + months, false, scale)? <= last {
                mi += months;
                lefts.push(month_edge(opening(mi), false, scale)?);
                labels.push(month_edge(mi, end, scale)?);
            }
            let ids = ticks
                .iter()
                .map(|&t| match t {
                    NAT => NO_GROUP,
                    t => lefts.partition_point(|&e| e <= t).saturating_sub(1),
                })
                .collect();
            Some((ids, labels))
        }
    }
}

/// The length in nanoseconds of a fixed pandas frequency (`D`, `6h`, `min`, `s`); month-based
/// ones have no fixed length.
pub fn fixed_nanos(freq: &str) -> Result<i64, PlanError> {
    match parse(freq)? {
        Step::Ticks(ns) => Ok(ns),
        Step::Months { .. } => Err(PlanError::BadFrequency {
            freq: freq.to_owned(),
            why: "a fixed frequency is needed here (D, h, min, s), not a month-based one"
                .to_owned(),
        }),
    }
}

/// Most dates [`date_range`] makes.
const MAX_DATES: usize = 1 << 26;

/// pandas' `date_range`: dates of frequency `freq` from `start` (ticks of `scale`), `periods`
/// of them or up to `end` (included). A fixed frequency (`6h`, `D`) steps from `start`; an
/// anchored one (`MS`, `ME`, `QS-DEC`, `YS`) starts at its first date at or after `start`.
pub fn date_range(
    start: i64,
    end: Option<i64>,
    periods: Option<usize>,
    freq: &str,
    scale: TimeScale,
) -> Result<Vec<i64>, PlanError> {
    let bad = |why: &str| PlanError::BadFrequency {
        freq: freq.to_owned(),
        why: why.to_owned(),
    };
    if end.is_none() && periods.is_none() {
        return Err(bad("date_range needs an end or a number of periods"));
    }
    let limit = periods.unwrap_or(MAX_DATES).min(MAX_DATES);
    let within = |t: i64| end.is_none_or(|e| t <= e);
    let mut out = Vec::new();
    match parse(freq)? {
        Step::Ticks(ns) => {
            let ns = scale
                .ticks_of_nanos(ns)
                .ok_or_else(|| bad("too fine for the dates"))?;
            let mut t = start;
            while out.len() < limit && within(t) {
                out.push(t);
                t = t
                    .checked_add(ns)
                    .ok_or_else(|| bad("the dates run out of range"))?;
            }
        }
        Step::Months {
            months,
            period,
            anchor,
            end: at_end,
        } => {
            let first = scale
                .datetime(start)
                .ok_or_else(|| bad("the start is out of range"))?;
            // The first month on the frequency whose edge is at or after `start`.
            let mut mi = month_index(&first);
            mi += (anchor - mi).rem_euclid(period);
            loop {
                let edge = month_edge(mi, at_end, scale)
                    .ok_or_else(|| bad("the dates run out of range"))?;
                if edge >= start {
                    break;
                }
                mi += period;
            }
            while out.len() < limit {
                let t = month_edge(mi, at_end, scale)
                    .ok_or_else(|| bad("the dates run out of range"))?;
                if !within(t) {
                    break;
                }
                out.push(t);
                mi += months;
            }
        }
    }
    if out.len() >= MAX_DATES {
        return Err(bad("too many dates"));
    }
    Ok(out)
}

impl DataArray {
    /// `resample(dim=freq)`: groups of consecutive times in bins of a pandas frequency, in
    /// the time coordinate's calendar.
    pub fn resample(&self, dim: &str, freq: &str) -> Result<GroupBy, PlanError> {
        let step = parse(freq)?;
        if !self.dims().iter().any(|d| d == dim) {
            return Err(super::error::unknown_dim(dim, self.dims()));
        }
        let not_time = || PlanError::BadGroupKey {
            key: dim.to_owned(),
            why: "resample needs a datetime coordinate along the dimension".to_owned(),
            suggestion: None,
        };
        let coord = self
            .coords
            .get(dim)
            .filter(|c| c.dims.len() == 1)
            .ok_or_else(not_time)?;
        let (Some(scale), Data::Memory(block)) = (TimeScale::of(coord), &coord.data) else {
            return Err(not_time());
        };
        let Block::I64(ticks) = block.as_ref() else {
            return Err(not_time());
        };
        let ticks: Vec<i64> = ticks.iter().copied().collect();
        let (ids, labels) = bins(step, &ticks, scale).ok_or_else(|| PlanError::BadFrequency {
            freq: freq.to_owned(),
            why: "the bins fall outside the representable dates".to_owned(),
        })?;
        let count = labels.len();
        let mut label_coord = coord.clone();
        label_coord.data = Data::Memory(Arc::new(Block::I64(
            ArrayD::from_shape_vec(IxDyn(&[count]), labels).unwrap_or_default(),
        )));
        Ok(GroupBy::new(
            self.clone(),
            dim.to_owned(),
            dim.to_owned(),
            ids,
            count,
            Some(Variable::clone(&label_coord)),
            true,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::coding::Calendar;

    fn ticks(cal: TimeScale, dates: &[(i64, u8, u8, u8)]) -> Vec<i64> {
        dates
            .iter()
            .map(|&(y, m, d, h)| {
                DateTime {
                    hour: h,
                    ..DateTime::date(y, m, d)
                }
                .to_ticks(cal)
                .unwrap_or(NAT)
            })
            .collect()
    }

    #[test]
    fn date_ranges_as_pandas_makes_them() {
        let scale = TimeScale::datetime64();
        let t = |y, m, d| DateTime::date(y, m, d).to_ticks(scale).expect("in range");
        assert_eq!(
            date_range(t(2000, 1, 15), None, Some(3), "MS", scale).ok(),
            Some(vec![t(2000, 2, 1), t(2000, 3, 1), t(2000, 4, 1)])
        );
        assert_eq!(
            date_range(t(2000, 1, 1), None, Some(2), "ME", scale).ok(),
            Some(vec![t(2000, 1, 31), t(2000, 2, 29)])
        );
        assert_eq!(
            date_range(t(2000, 1, 1), Some(t(2001, 1, 1)), None, "QS-DEC", scale).ok(),
            Some(vec![
                t(2000, 3, 1),
                t(2000, 6, 1),
                t(2000, 9, 1),
                t(2000, 12, 1)
            ])
        );
        let six_hours = date_range(t(2000, 1, 1), None, Some(5), "6h", scale).ok();
        assert_eq!(six_hours.map(|v| v[4] - v[0]), Some(24 * 3_600_000_000_000));
    }

    #[test]
    fn frequencies_parse_as_pandas_spells_them() {
        assert_eq!(parse("1D"), Ok(Step::Ticks(NS_PER_DAY)));
        assert_eq!(parse("6h"), Ok(Step::Ticks(6 * 3_600_000_000_000)));
        assert!(matches!(
            parse("QS-DEC"),
            Ok(Step::Months {
                months: 3,
                anchor: 11,
                end: false,
                ..
            })
        ));
        assert!(parse("0D").is_err());
        let err = parse("fortnight").expect_err("unknown");
        assert!(err.to_string().contains("\"fortnight\""), "{err}");
        assert!(parse("MS-JAN").is_err());
    }

    #[test]
    fn month_bins_in_a_360_day_calendar() {
        let cal = TimeScale::cftime(Calendar::Day360);
        let t = ticks(
            cal,
            &[(2000, 1, 30, 12), (2000, 2, 1, 0), (2000, 4, 30, 18)],
        );
        let (ids, labels) =
            bins(parse("MS").unwrap_or(Step::Ticks(1)), &t, cal).unwrap_or_default();
        assert_eq!(ids, vec![0, 1, 3]);
        assert_eq!(labels.len(), 4);
        // Month ends are labelled by the last day at midnight, yet hold that whole day.
        let (ids, labels) =
            bins(parse("ME").unwrap_or(Step::Ticks(1)), &t, cal).unwrap_or_default();
        assert_eq!(ids, vec![0, 1, 3]);
        assert_eq!(labels[0], ticks(cal, &[(2000, 1, 30, 0)])[0]);
        assert_eq!(labels[3], ticks(cal, &[(2000, 4, 30, 0)])[0]);
        // Quarters from December: 1999-12-01 starts the first.
        let (ids, labels) =
            bins(parse("QS-DEC").unwrap_or(Step::Ticks(1)), &t, cal).unwrap_or_default();
        assert_eq!(ids, vec![0, 0, 1]);
        assert_eq!(labels[0], ticks(cal, &[(1999, 12, 1, 0)])[0]);
        // Daily bins count microsecond ticks in a cftime scale.
        let (ids, labels) =
            bins(parse("1D").unwrap_or(Step::Ticks(1)), &t, cal).unwrap_or_default();
        assert_eq!(ids, vec![0, 1, 90]);
        assert_eq!(labels[1] - labels[0], cal.ticks_per_day());
    }
}
