//! CF calendars: date <-> tick arithmetic in each calendar, and ISO / numpy-style formatting.
//!
//! A *tick* is an `i64` count of nanoseconds since 1970-01-01T00:00 counted in the variable's own
//! calendar (so a `noleap` year is always 365 days of ticks). `standard`/`gregorian` is treated as
//! proleptic Gregorian, as xarray does when it decodes to `datetime64[ns]` (cftime's mixed
//! Julian/Gregorian rule only differs before 1582-10-15, outside the datetime64[ns] range).

use super::CodingError;
use std::fmt;

/// Nanoseconds per day.
pub const NS_PER_DAY: i64 = 86_400_000_000_000;
/// numpy's `NaT` in ticks.
pub const NAT: i64 = i64::MIN;

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

    /// Whether xarray decodes this calendar to numpy `datetime64` (otherwise to cftime objects).
    pub fn is_numpy_compatible(self) -> bool {
        matches!(self, Calendar::Standard | Calendar::ProlepticGregorian)
    }

    /// Whether `year` has a 29 February (or, for `360_day`, whether it is irrelevant: false).
    pub fn is_leap(self, year: i64) -> bool {
        match self {
            Calendar::Standard | Calendar::ProlepticGregorian => {
                year.rem_euclid(4) == 0 && (year.rem_euclid(100) != 0 || year.rem_euclid(400) == 0)
            }
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

/// A broken-down calendar date and time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    /// Year (astronomical: year 0 exists).
    pub year: i64,
    /// Month, 1-12.
    pub month: u8,
    /// Day of month, 1-31.
    pub day: u8,
    /// Hour, 0-23.
    pub hour: u8,
    /// Minute, 0-59.
    pub minute: u8,
    /// Second, 0-59.
    pub second: u8,
    /// Nanosecond, 0-999_999_999.
    pub nanosecond: u32,
}

impl DateTime {
    /// Midnight of a date.
    pub fn date(year: i64, month: u8, day: u8) -> Self {
        Self {
            year,
            month,
            day,
            hour: 0,
            minute: 0,
            second: 0,
            nanosecond: 0,
        }
    }

    /// Breaks ticks (ns since 1970-01-01 in `cal`) into a date and time; `None` for `NaT`.
    pub fn from_ticks(ticks: i64, cal: Calendar) -> Option<Self> {
        if ticks == NAT {
            return None;
        }
        let days = ticks.div_euclid(NS_PER_DAY);
        let ns = ticks.rem_euclid(NS_PER_DAY);
        let (year, month, day) = cal.date_from_days(days);
        let secs = ns / 1_000_000_000;
        Some(Self {
            year,
            month,
            day,
            hour: small(secs / 3600),
            minute: small(secs / 60 % 60),
            second: small(secs % 60),
            nanosecond: u32::try_from(ns % 1_000_000_000).unwrap_or(0),
        })
    }

    /// Ticks of this date and time in `cal`; `None` if out of the i64 range or invalid in `cal`.
    pub fn to_ticks(&self, cal: Calendar) -> Option<i64> {
        self.to_ticks_wide(cal)
            .and_then(|t| i64::try_from(t).ok())
            .filter(|&t| t != NAT)
    }

    /// Ticks as `i128` (any year); `None` if the date is invalid in `cal`.
    pub fn to_ticks_wide(&self, cal: Calendar) -> Option<i128> {
        if !(1..=12).contains(&self.month)
            || self.day == 0
            || self.day > cal.days_in_month(self.year, self.month)
        {
            return None;
        }
        let days = i128::from(cal.days_from_date(self.year, self.month, self.day));
        let secs =
            i128::from(self.hour) * 3600 + i128::from(self.minute) * 60 + i128::from(self.second);
        let t = days * i128::from(NS_PER_DAY) + secs * 1_000_000_000 + i128::from(self.nanosecond);
        Some(t)
    }

    /// Day of the year, 1-based.
    pub fn day_of_year(&self, cal: Calendar) -> u16 {
        let d = cal.days_from_date(self.year, self.month, self.day)
            - cal.days_from_date(self.year, 1, 1);
        u16::try_from(d + 1).unwrap_or(0)
    }

    /// Full ISO 8601: `2000-01-01T00:00:00`, with a fraction only when non-zero (`.5`).
    pub fn to_iso(&self) -> String {
        let mut s = format!(
            "{}-{:02}-{:02}T{:02}:{:02}:{:02}",
            format_year(self.year),
            self.month,
            self.day,
            self.hour,
            self.minute,
            self.second
        );
        if self.nanosecond != 0 {
            let frac = format!("{:09}", self.nanosecond);
            s.push('.');
            s.push_str(frac.trim_end_matches('0'));
        }
        s
    }

    /// numpy's `str(datetime64[ns])`: `2000-01-01T00:00:00.000000000`.
    pub fn to_numpy(&self) -> String {
        format!(
            "{}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}",
            format_year(self.year),
            self.month,
            self.day,
            self.hour,
            self.minute,
            self.second,
            self.nanosecond
        )
    }

    /// pandas/xarray repr style: `2000-01-01` at midnight, else the ISO form.
    pub fn to_compact(&self) -> String {
        if (self.hour, self.minute, self.second, self.nanosecond) == (0, 0, 0, 0) {
            format!(
                "{}-{:02}-{:02}",
                format_year(self.year),
                self.month,
                self.day
            )
        } else {
            self.to_iso()
        }
    }
}

/// A date part that groupby keys name, as xarray's `.dt` accessor spells it (`time.month`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeComponent {
    /// The year.
    Year,
    /// The month, 1-12.
    Month,
    /// The day of the month.
    Day,
    /// The hour, 0-23.
    Hour,
    /// The minute.
    Minute,
    /// The second.
    Second,
    /// The day of the year, 1-based (in the variable's calendar).
    DayOfYear,
    /// The meteorological season, numbered in [`SEASONS`] order.
    Season,
}

/// Season names in the order xarray sorts them (alphabetical), which numbers
/// [`TimeComponent::Season`].
pub const SEASONS: [&str; 4] = ["DJF", "JJA", "MAM", "SON"];

impl TimeComponent {
    /// Every component with its name.
    pub const ALL: [(&'static str, TimeComponent); 8] = [
        ("year", TimeComponent::Year),
        ("month", TimeComponent::Month),
        ("day", TimeComponent::Day),
        ("hour", TimeComponent::Hour),
        ("minute", TimeComponent::Minute),
        ("second", TimeComponent::Second),
        ("dayofyear", TimeComponent::DayOfYear),
        ("season", TimeComponent::Season),
    ];

    /// The component called `name`, if any.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, c)| *c)
    }

    /// The component's name.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, c)| *c == self)
            .map_or("", |(n, _)| n)
    }

    /// The component of a date in `cal`.
    pub fn of(self, dt: &DateTime, cal: Calendar) -> i64 {
        match self {
            TimeComponent::Year => dt.year,
            TimeComponent::Month => i64::from(dt.month),
            TimeComponent::Day => i64::from(dt.day),
            TimeComponent::Hour => i64::from(dt.hour),
            TimeComponent::Minute => i64::from(dt.minute),
            TimeComponent::Second => i64::from(dt.second),
            TimeComponent::DayOfYear => i64::from(dt.day_of_year(cal)),
            TimeComponent::Season => match dt.month {
                12 | 1 | 2 => 0,
                6..=8 => 1,
                3..=5 => 2,
                _ => 3,
            },
        }
    }
}

fn format_year(y: i64) -> String {
    if y < 0 {
        format!("-{:04}", -y)
    } else {
        format!("{y:04}")
    }
}

/// ISO form of ticks in `cal` (`NaT` for missing).
pub fn format_iso(ticks: i64, cal: Calendar) -> String {
    DateTime::from_ticks(ticks, cal).map_or_else(|| "NaT".to_string(), |d| d.to_iso())
}

/// numpy `datetime64[ns]` form of ticks in `cal` (`NaT` for missing).
pub fn format_numpy(ticks: i64, cal: Calendar) -> String {
    DateTime::from_ticks(ticks, cal).map_or_else(|| "NaT".to_string(), |d| d.to_numpy())
}

/// xarray-repr form of ticks in `cal`: the date alone at midnight (`NaT` for missing).
pub fn format_compact(ticks: i64, cal: Calendar) -> String {
    DateTime::from_ticks(ticks, cal).map_or_else(|| "NaT".to_string(), |d| d.to_compact())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Calendar; 6] = [
        Calendar::Standard,
        Calendar::ProlepticGregorian,
        Calendar::NoLeap,
        Calendar::AllLeap,
        Calendar::Day360,
        Calendar::Julian,
    ];

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
    fn ticks_and_formats() {
        let t = DateTime {
            hour: 6,
            nanosecond: 500_000_000,
            ..DateTime::date(2000, 1, 1)
        };
        let ticks = t.to_ticks(Calendar::Standard).expect("in range");
        assert_eq!(DateTime::from_ticks(ticks, Calendar::Standard), Some(t));
        assert_eq!(t.to_iso(), "2000-01-01T06:00:00.5");
        assert_eq!(t.to_numpy(), "2000-01-01T06:00:00.500000000");
        assert_eq!(DateTime::date(2000, 1, 1).to_compact(), "2000-01-01");
        assert_eq!(format_iso(NAT, Calendar::NoLeap), "NaT");
        assert_eq!(
            DateTime::date(2000, 12, 31).day_of_year(Calendar::Standard),
            366
        );
        assert_eq!(
            DateTime::date(2000, 12, 30).day_of_year(Calendar::Day360),
            360
        );
        assert_eq!(
            DateTime::date(2001, 2, 30).to_ticks(Calendar::Standard),
            None
        );
        assert!(DateTime::date(2001, 2, 30)
            .to_ticks(Calendar::Day360)
            .is_some());
    }

    #[test]
    fn time_components() {
        let t = DateTime {
            hour: 18,
            ..DateTime::date(2001, 12, 30)
        };
        let of = |c| TimeComponent::of(c, &t, Calendar::Day360);
        assert_eq!(of(TimeComponent::Year), 2001);
        assert_eq!(of(TimeComponent::DayOfYear), 360);
        assert_eq!(of(TimeComponent::Hour), 18);
        assert_eq!(
            SEASONS[usize::try_from(of(TimeComponent::Season)).unwrap_or(9)],
            "DJF"
        );
        assert_eq!(
            TimeComponent::parse("dayofyear"),
            Some(TimeComponent::DayOfYear)
        );
        assert_eq!(TimeComponent::Season.name(), "season");
        assert_eq!(TimeComponent::parse("months"), None);
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
