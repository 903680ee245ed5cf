//! Broken-down dates and times, the date parts xarray's `.dt` accessor names, and their text
//! forms. Ticks become dates through a [`TimeScale`] (calendar and tick unit).

use super::calendar::{Calendar, NAT};
use super::scale::{TickUnit, TimeScale};
use std::fmt::Write as _;

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

    /// Breaks ticks of `scale` into a date and time; `None` for `NaT`.
    pub fn from_ticks(ticks: i64, scale: TimeScale) -> Option<Self> {
        if ticks == NAT {
            return None;
        }
        let per_day = scale.ticks_per_day();
        let days = ticks.div_euclid(per_day);
        let ns = ticks.rem_euclid(per_day) * scale.unit.nanos();
        let (year, month, day) = scale.calendar.date_from_days(days);
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

    /// Ticks of this date and time in `scale` (a fraction of a tick is dropped); `None` if out
    /// of the `i64` range or not a date of the calendar.
    pub fn to_ticks(&self, scale: TimeScale) -> Option<i64> {
        self.to_ticks_wide(scale.calendar)
            .map(|ns| ns.div_euclid(i128::from(scale.unit.nanos())))
            .and_then(|t| i64::try_from(t).ok())
            .filter(|&t| t != NAT)
    }

    /// This date with its year as `cal` numbers it (no year 0 in `standard` and `julian`).
    #[must_use]
    pub fn numbered(&self, cal: Calendar) -> Self {
        Self {
            year: cal.display_year(self.year),
            ..*self
        }
    }

    /// Nanoseconds since 1970-01-01 in `cal` as `i128` (any year); `None` if the date is
    /// invalid in `cal`.
    pub fn to_ticks_wide(&self, cal: Calendar) -> Option<i128> {
        if !cal.is_valid_date(self.year, self.month, self.day) {
            return None;
        }
        let days = i128::from(cal.days_from_date(self.year, self.month, self.day));
        let secs =
            i128::from(self.hour) * 3600 + i128::from(self.minute) * 60 + i128::from(self.second);
        let t = days * i128::from(super::calendar::NS_PER_DAY)
            + secs * 1_000_000_000
            + i128::from(self.nanosecond);
        Some(t)
    }

    /// Day of the year, 1-based.
    pub fn day_of_year(&self, cal: Calendar) -> u16 {
        let d = cal.days_from_date(self.year, self.month, self.day)
            - cal.days_from_date(self.year, 1, 1);
        u16::try_from(d + 1).unwrap_or(0)
    }

    /// `2000-01-01{sep}00:00:00`: date and time to the second.
    fn stamp(&self, sep: char) -> String {
        format!(
            "{}-{:02}-{:02}{sep}{:02}:{:02}:{:02}",
            format_year(self.year),
            self.month,
            self.day,
            self.hour,
            self.minute,
            self.second
        )
    }

    /// Full ISO 8601: `2000-01-01T00:00:00`, with a fraction only when non-zero (`.5`).
    pub fn to_iso(&self) -> String {
        let mut s = self.stamp('T');
        if self.nanosecond != 0 {
            let frac = format!("{:09}", self.nanosecond);
            s.push('.');
            s.push_str(frac.trim_end_matches('0'));
        }
        s
    }

    /// numpy's `str()` of a datetime64 in `unit`: `2000-01-01T00:00:00.000000000` (ns),
    /// `2000-01-01T00:00:00.000000` (us).
    pub fn to_numpy(&self, unit: TickUnit) -> String {
        match unit {
            TickUnit::Nanosecond => {
                format!("{}.{:09}", self.stamp('T'), self.nanosecond)
            }
            TickUnit::Microsecond => format!("{}.{:06}", self.stamp('T'), self.nanosecond / 1_000),
        }
    }

    /// `str()` of a cftime object: `2000-01-16 12:00:00`, microseconds when non-zero
    /// (`2000-01-01 00:00:00.300000`).
    pub fn to_cftime_str(&self) -> String {
        let mut s = self.stamp(' ');
        if self.nanosecond >= 1_000 {
            let _ = write!(s, ".{:06}", self.nanosecond / 1_000);
        }
        s
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
    /// The day of the week, Monday 0 (calendars with real weeks only: see
    /// [`TimeComponent::defined_in`]).
    DayOfWeek,
    /// The number of days in the date's month (in its calendar).
    DaysInMonth,
    /// The quarter, 1-4.
    Quarter,
}

/// Season names in the order xarray sorts them (alphabetical), which numbers
/// [`TimeComponent::Season`].
pub const SEASONS: [&str; 4] = ["DJF", "JJA", "MAM", "SON"];

impl TimeComponent {
    /// Every component with its name.
    pub const ALL: [(&'static str, TimeComponent); 11] = [
        ("year", TimeComponent::Year),
        ("month", TimeComponent::Month),
        ("day", TimeComponent::Day),
        ("hour", TimeComponent::Hour),
        ("minute", TimeComponent::Minute),
        ("second", TimeComponent::Second),
        ("dayofyear", TimeComponent::DayOfYear),
        ("season", TimeComponent::Season),
        ("dayofweek", TimeComponent::DayOfWeek),
        ("days_in_month", TimeComponent::DaysInMonth),
        ("quarter", TimeComponent::Quarter),
    ];

    /// pandas' other names for components (`weekday`, `daysinmonth`).
    const ALIASES: [(&'static str, TimeComponent); 4] = [
        ("weekday", TimeComponent::DayOfWeek),
        ("day_of_week", TimeComponent::DayOfWeek),
        ("daysinmonth", TimeComponent::DaysInMonth),
        ("day_of_year", TimeComponent::DayOfYear),
    ];

    /// The component called `name` (or one of pandas' aliases), if any.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .chain(&Self::ALIASES)
            .find(|(n, _)| *n == name)
            .map(|(_, c)| *c)
    }

    /// Whether the component means something in `cal`: weeks run through real days, so
    /// weekdays need a calendar whose days are real days (not noleap, all_leap or 360_day).
    pub fn defined_in(self, cal: Calendar) -> bool {
        self != TimeComponent::DayOfWeek
            || matches!(
                cal,
                Calendar::Standard | Calendar::ProlepticGregorian | Calendar::Julian
            )
    }

    /// The component's name.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, c)| *c == self)
            .map_or("", |(n, _)| n)
    }

    /// The component of a date in `cal` (years as the calendar numbers them).
    pub fn of(self, dt: &DateTime, cal: Calendar) -> i64 {
        match self {
            TimeComponent::Year => cal.display_year(dt.year),
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
            // 1970-01-01 was a Thursday (3, counting from Monday 0).
            TimeComponent::DayOfWeek => {
                (cal.days_from_date(dt.year, dt.month, dt.day) + 3).rem_euclid(7)
            }
            TimeComponent::DaysInMonth => i64::from(cal.days_in_month(dt.year, dt.month)),
            TimeComponent::Quarter => i64::from((dt.month - 1) / 3 + 1),
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

fn small(v: i64) -> u8 {
    u8::try_from(v).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_and_formats() {
        let ns = TimeScale::datetime64();
        let t = DateTime {
            hour: 6,
            nanosecond: 500_000_000,
            ..DateTime::date(2000, 1, 1)
        };
        let ticks = t.to_ticks(ns).expect("in range");
        assert_eq!(DateTime::from_ticks(ticks, ns), Some(t));
        assert_eq!(t.to_iso(), "2000-01-01T06:00:00.5");
        assert_eq!(
            t.to_numpy(TickUnit::Nanosecond),
            "2000-01-01T06:00:00.500000000"
        );
        assert_eq!(DateTime::date(2000, 1, 1).to_compact(), "2000-01-01");
        assert_eq!(TimeScale::cftime(Calendar::NoLeap).format_iso(NAT), "NaT");
        assert_eq!(
            DateTime::date(2000, 12, 31).day_of_year(Calendar::Standard),
            366
        );
        assert_eq!(
            DateTime::date(2000, 12, 30).day_of_year(Calendar::Day360),
            360
        );
        assert_eq!(DateTime::date(2001, 2, 30).to_ticks(ns), None);
        assert!(DateTime::date(2001, 2, 30)
            .to_ticks(TimeScale::cftime(Calendar::Day360))
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
}
