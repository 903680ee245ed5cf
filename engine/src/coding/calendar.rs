//! CF calendars: day counts since 1970-01-01 <-> dates in each calendar, as cftime counts them.
//!
//! Days are counted in the calendar's own terms (a `noleap` year is always 365 days).
//! `standard`/`gregorian` is cftime's mixed calendar: Julian up to 1582-10-04, Gregorian from
//! the next day, 1582-10-15 (identical to proleptic Gregorian in numpy's datetime64[ns] range).
//! Years are astronomical here (year 0 exists); the real-world calendars `standard` and
//! `julian` number years as cftime does, without a year 0 ([`Calendar::display_year`]).

use super::CodingError;
use std::fmt;

/// Nanoseconds per day.
pub const NS_PER_DAY: i64 = 86_400_000_000_000;
/// numpy's `NaT` in ticks.
pub const NAT: i64 = i64::MIN;
/// Days from 1970-01-01 to 1582-10-15, the first Gregorian day of the `standard` calendar.
const GREGORIAN_START: i64 = -141_427;
/// Days from 1970-01-01 (Gregorian) to Julian 1970-01-01 (= Gregorian 1970-01-14).
const JULIAN_EPOCH: i64 = 13;

/// A CF calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Calendar {
    /// `standard` / `gregorian` (proleptic Gregorian here; see the module docs).
    #[default]
    Standard,
    /// `proleptic_gregorian`.
    ProlepticGregorian,
    /// `noleap` / `365_day`.
    NoLeap,
    /// `all_leap` / `366_day`.
    AllLeap,
    /// `360_day`: twelve months of 30 days.
    Day360,
    /// `julian`: a leap year every 4 years.
    Julian,
}

const NAMES: [(&str, Calendar); 9] = [
    ("standard", Calendar::Standard),
    ("gregorian", Calendar::Standard),
    ("proleptic_gregorian", Calendar::ProlepticGregorian),
    ("noleap", Calendar::NoLeap),
    ("365_day", Calendar::NoLeap),
    ("all_leap", Calendar::AllLeap),
    ("366_day", Calendar::AllLeap),
    ("360_day", Calendar::Day360),
    ("julian", Calendar::Julian),
];

const CUM_NOLEAP: [i64; 13] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
const CUM_LEAP: [i64; 13] = [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366];

impl Calendar {
    /// Every calendar.
    pub const ALL: [Calendar; 6] = [
        Calendar::Standard,
        Calendar::ProlepticGregorian,
        Calendar::NoLeap,
        Calendar::AllLeap,
        Calendar::Day360,
        Calendar::Julian,
    ];

    /// Parses a CF calendar name (case-insensitive); `variable` is for the error.
    pub fn parse(name: &str, variable: &str) -> Result<Self, CodingError> {
        let lower = name.trim().to_ascii_lowercase();
        if let Some((_, c)) = NAMES.iter().find(|(n, _)| *n == lower) {
            return Ok(*c);
        }
        let suggestion =
            crate::model::names::closest(&lower, NAMES.iter().map(|(n, _)| *n)).map(str::to_owned);
        Err(CodingError::Calendar {
            variable: variable.to_string(),
            calendar: name.to_string(),
            suggestion,
        })
    }

    /// The canonical CF name (`standard`, `noleap`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Calendar::Standard => "standard",
            Calendar::ProlepticGregorian => "proleptic_gregorian",
            Calendar::NoLeap => "noleap",
            Calendar::AllLeap => "all_leap",
            Calendar::Day360 => "360_day",
            Calendar::Julian => "julian",
        }
    }

    /// Whether the calendar has a year 0 (cftime's `has_year_zero`): not the real-world
    /// `standard` and `julian`, where year -1 precedes year 1.
    pub fn has_year_zero(self) -> bool {
        !matches!(self, Calendar::Standard | Calendar::Julian)
    }

    /// A year as this calendar numbers it, from the astronomical year used in day arithmetic.
    pub fn display_year(self, year: i64) -> i64 {
        if !self.has_year_zero() && year <= 0 {
            year - 1
        } else {
            year
        }
    }

    /// The astronomical year of a year as written in this calendar; `None` for year 0 where
    /// there is none.
    pub fn astronomical_year(self, written: i64) -> Option<i64> {
        match (self.has_year_zero(), written) {
            (false, 0) => None,
            (false, y) if y < 0 => Some(y + 1),
            (_, y) => Some(y),
        }
    }

    /// Whether `year-month-day` is a date of this calendar (the ten days the Gregorian reform
    /// skipped are not dates of `standard`).
    pub fn is_valid_date(self, year: i64, month: u8, day: u8) -> bool {
        (1..=12).contains(&month)
            && day >= 1
            && day <= self.days_in_month(year, month)
            && !(self == Calendar::Standard
                && (year, month) == (1582, 10)
                && (5..15).contains(&day))
    }

    /// Whether `year` has a 29 February (or, for `360_day`, whether it is irrelevant: false).
    pub fn is_leap(self, year: i64) -> bool {
        let gregorian =
            year.rem_euclid(4) == 0 && (year.rem_euclid(100) != 0 || year.rem_euclid(400) == 0);
        match self {
            Calendar::Standard if year < 1582 => year.rem_euclid(4) == 0,
            Calendar::Standard | Calendar::ProlepticGregorian => gregorian,
            Calendar::Julian => year.rem_euclid(4) == 0,
            Calendar::AllLeap => true,
            Calendar::NoLeap | Calendar::Day360 => false,
        }
    }

    /// Days in `month` (1-12) of `year`.
    pub fn days_in_month(self, year: i64, month: u8) -> u8 {
        if self == Calendar::Day360 {
            return 30;
        }
        let cum = if self.is_leap(year) {
            &CUM_LEAP
        } else {
            &CUM_NOLEAP
        };
        let m = usize::from(month.clamp(1, 12));
        u8::try_from(cum[m] - cum[m - 1]).unwrap_or(31)
    }

    /// Days since 1970-01-01 (in this calendar) of a date. The date must be valid.
    pub fn days_from_date(self, year: i64, month: u8, day: u8) -> i64 {
        let (m, d) = (i64::from(month), i64::from(day));
        match self {
            Calendar::Standard if (year, month, day) < (1582, 10, 15) => {
                Calendar::Julian.days_from_date(year, month, day) + JULIAN_EPOCH
            }
            Calendar::Standard | Calendar::ProlepticGregorian => {
                // Howard Hinnant's days_from_civil.
                let y = if m <= 2 { year - 1 } else { year };
                let era = y.div_euclid(400);
                let yoe = y - era * 400;
                let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
                let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
                era * 146_097 + doe - 719_468
            }
            Calendar::Julian => julian_raw(year, m, d) - julian_raw(1970, 1, 1),
            Calendar::NoLeap => (year - 1970) * 365 + CUM_NOLEAP[month_index(m)] + d - 1,
            Calendar::AllLeap => (year - 1970) * 366 + CUM_LEAP[month_index(m)] + d - 1,
            Calendar::Day360 => (year - 1970) * 360 + (m - 1) * 30 + d - 1,
        }
    }

    /// The date (year, month, day) of a day count since 1970-01-01 in this calendar.
    pub fn date_from_days(self, days: i64) -> (i64, u8, u8) {
        let (y, m, d) = match self {
            Calendar::Standard if days < GREGORIAN_START => {
                return Calendar::Julian.date_from_days(days - JULIAN_EPOCH);
            }
            Calendar::Standard | Calendar::ProlepticGregorian => {
                let z = days + 719_468;
                let era = z.div_euclid(146_097);
                let doe = z - era * 146_097;
                let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
                let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
                march_based(era * 400 + yoe, doy)
            }
            Calendar::Julian => {
                let z = days + julian_raw(1970, 1, 1);
                let era = z.div_euclid(1461);
                let doe = z - era * 1461;
                let yoe = (doe / 365).min(3);
                march_based(era * 4 + yoe, doe - 365 * yoe)
            }
            Calendar::NoLeap => fixed_year(days, 365, &CUM_NOLEAP),
            Calendar::AllLeap => fixed_year(days, 366, &CUM_LEAP),
            Calendar::Day360 => {
                let doy = days.rem_euclid(360);
                (1970 + days.div_euclid(360), doy / 30 + 1, doy % 30 + 1)
            }
        };
        (y, small(m), small(d))
    }
}

impl fmt::Display for Calendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

fn month_index(m: i64) -> usize {
    usize::try_from(m.clamp(1, 12) - 1).unwrap_or(0)
}

fn small(v: i64) -> u8 {
    u8::try_from(v).unwrap_or(0)
}

/// Days of a Julian-calendar date in an arbitrary epoch (March-based 4-year eras).
fn julian_raw(year: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { year - 1 } else { year };
    let era = y.div_euclid(4);
    let yoe = y - era * 4;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    era * 1461 + yoe * 365 + doy
}

/// (year, month, day) from a March-based year and its day-of-year (0 = 1 March).
fn march_based(y: i64, doy: i64) -> (i64, i64, i64) {
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn fixed_year(days: i64, len: i64, cum: &[i64; 13]) -> (i64, i64, i64) {
    let doy = days.rem_euclid(len);
    let m = cum.iter().rposition(|&c| c <= doy).unwrap_or(0);
    let month = i64::try_from(m).unwrap_or(0) + 1;
    (1970 + days.div_euclid(len), month, doy - cum[m] + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Calendar; 6] = Calendar::ALL;

    #[test]
    fn epoch_is_day_zero_in_every_calendar() {
        for cal in ALL {
            assert_eq!(cal.days_from_date(1970, 1, 1), 0, "{cal}");
            assert_eq!(cal.date_from_days(0), (1970, 1, 1), "{cal}");
        }
    }

    #[test]
    fn days_round_trip_over_centuries() {
        for cal in ALL {
            for days in (-200_000..200_000).step_by(7) {
                let (y, m, d) = cal.date_from_days(days);
                assert!(d >= 1 && d <= cal.days_in_month(y, m), "{cal} {days}");
                assert_eq!(cal.days_from_date(y, m, d), days, "{cal} {y}-{m}-{d}");
            }
        }
    }

    #[test]
    fn known_dates() {
        // 2000-03-01 is day 11017 since 1970-01-01 (proleptic Gregorian).
        assert_eq!(Calendar::Standard.days_from_date(2000, 3, 1), 11017);
        assert_eq!(Calendar::Standard.date_from_days(-1), (1969, 12, 31));
        // The Julian calendar ran 13 days behind from 1900-03-01 to 2100-02-28:
        // Julian 2000-01-01 is Gregorian 2000-01-14, and Julian 1970-01-01 is Gregorian
        // 1970-01-14, so the two counts agree.
        assert_eq!(Calendar::Julian.days_from_date(2000, 1, 1), 10957);
        assert!(Calendar::Julian.is_leap(1900));
        assert!(!Calendar::Standard.is_leap(1900));
        assert_eq!(Calendar::NoLeap.days_in_month(2000, 2), 28);
        assert_eq!(Calendar::AllLeap.days_in_month(2001, 2), 29);
    }

    #[test]
    fn standard_is_julian_before_the_reform() {
        let std = Calendar::Standard;
        // 1582-10-04 (Julian) is followed by 1582-10-15 (Gregorian).
        assert_eq!(
            std.days_from_date(1582, 10, 4) + 1,
            std.days_from_date(1582, 10, 15)
        );
        assert_eq!(std.days_from_date(1582, 10, 15), GREGORIAN_START);
        assert!(!std.is_valid_date(1582, 10, 10));
        assert!(std.is_leap(1500) && !Calendar::ProlepticGregorian.is_leap(1500));
        // cftime: 730135 days since 0001-01-01 is 2000-01-15 in standard, -17 in proleptic.
        let since_year_one =
            |cal: Calendar| cal.date_from_days(cal.days_from_date(1, 1, 1) + 730_135);
        assert_eq!(since_year_one(std), (2000, 1, 15));
        assert_eq!(since_year_one(Calendar::ProlepticGregorian), (2000, 1, 17));
        assert_eq!(std.display_year(0), -1);
        assert_eq!(std.astronomical_year(-1), Some(0));
        assert_eq!(std.astronomical_year(0), None);
        assert_eq!(Calendar::NoLeap.display_year(0), 0);
    }

    #[test]
    fn calendar_names() {
        assert_eq!(Calendar::parse("Gregorian", "t"), Ok(Calendar::Standard));
        assert_eq!(Calendar::parse("365_day", "t"), Ok(Calendar::NoLeap));
        let err = Calendar::parse("no_leap", "time").expect_err("unknown");
        assert_eq!(
            err.to_string(),
            "variable `time`: unknown calendar `no_leap` (did you mean `noleap`?)"
        );
    }
}
