//! What a time variable's `i64` values count: its calendar and the length of one tick.
//!
//! xarray decodes CF times either to numpy `datetime64[ns]` (standard calendars, dates in
//! 1677..2262) or to cftime objects (every other case: non-standard calendars, dates before the
//! Gregorian reform or outside the nanosecond range), which hold microseconds; pandas 3 makes
//! `datetime64[us]` dates (`pd.date_range("2000-01-01", ...)`). Nereus keeps all three as ticks
//! since 1970-01-01 in the variable's calendar: nanoseconds or microseconds (years up to about
//! +-292,000), so `dtype`, dates and precision are xarray's.

use super::calendar::{Calendar, NS_PER_DAY};
use super::datetime::DateTime;
use crate::model::{Attrs, Variable};
use serde_json::Value;

/// Encoding key marking a variable whose int64 values are datetimes in that calendar.
pub use crate::model::TIME_CALENDAR_KEY;
/// Encoding key holding the tick unit of a datetime variable (`ns`, `us`, or `cftime` for
/// cftime objects, which count microseconds).
pub const TIME_UNIT_KEY: &str = "nereus_time_unit";
/// The [`TIME_UNIT_KEY`] value of cftime objects.
const CFTIME_UNIT: &str = "cftime";

/// The length of one tick.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TickUnit {
    /// Nanoseconds: numpy `datetime64[ns]`.
    Nanosecond,
    /// Microseconds: numpy `datetime64[us]` and cftime objects.
    Microsecond,
}

impl TickUnit {
    /// Nanoseconds per tick.
    pub const fn nanos(self) -> i64 {
        match self {
            TickUnit::Nanosecond => 1,
            TickUnit::Microsecond => 1_000,
        }
    }

    /// numpy's unit code (`ns`, `us`).
    pub const fn code(self) -> &'static str {
        match self {
            TickUnit::Nanosecond => "ns",
            TickUnit::Microsecond => "us",
        }
    }
}

/// A time variable's calendar and tick unit: how its `i64` values become dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeScale {
    /// The calendar dates are counted in.
    pub calendar: Calendar,
    /// The length of one tick.
    pub unit: TickUnit,
    /// Whether xarray holds the values as cftime objects (else as numpy datetime64 of `unit`).
    pub cftime: bool,
}

impl TimeScale {
    /// numpy datetime64 values of `calendar` in `unit`.
    pub const fn new(calendar: Calendar, unit: TickUnit) -> Self {
        Self {
            calendar,
            unit,
            cftime: false,
        }
    }

    /// numpy's `datetime64[ns]`: proleptic Gregorian nanoseconds.
    pub const fn datetime64() -> Self {
        Self::new(Calendar::ProlepticGregorian, TickUnit::Nanosecond)
    }

    /// numpy's `datetime64[us]`, the unit pandas 3 gives dates parsed from text.
    pub const fn datetime64_us() -> Self {
        Self::new(Calendar::ProlepticGregorian, TickUnit::Microsecond)
    }

    /// cftime objects of `calendar` (microseconds).
    pub const fn cftime(calendar: Calendar) -> Self {
        Self {
            calendar,
            unit: TickUnit::Microsecond,
            cftime: true,
        }
    }

    /// Whether xarray holds these values as numpy `datetime64` (else as cftime objects).
    pub fn is_datetime64(self) -> bool {
        !self.cftime
    }

    /// numpy's dtype name of the values: `datetime64[ns]`/`datetime64[us]`, or `object` for
    /// cftime objects.
    pub fn dtype_name(self) -> &'static str {
        match (self.cftime, self.unit) {
            (true, _) => "object",
            (false, TickUnit::Nanosecond) => "datetime64[ns]",
            (false, TickUnit::Microsecond) => "datetime64[us]",
        }
    }

    /// cftime's class of these dates (`DatetimeNoLeap`, ...).
    pub fn cftime_class(self) -> &'static str {
        match self.calendar {
            Calendar::Standard => "DatetimeGregorian",
            Calendar::ProlepticGregorian => "DatetimeProlepticGregorian",
            Calendar::NoLeap => "DatetimeNoLeap",
            Calendar::AllLeap => "DatetimeAllLeap",
            Calendar::Day360 => "Datetime360Day",
            Calendar::Julian => "DatetimeJulian",
        }
    }

    /// The scale whose ticks mean the same instants: every datetime64 scale of a unit is
    /// numpy's one (standard and proleptic Gregorian agree on its dates).
    #[must_use]
    pub fn normalized(self) -> Self {
        if self.is_datetime64() {
            Self::new(Calendar::ProlepticGregorian, self.unit)
        } else {
            self
        }
    }

    /// Ticks per day.
    pub const fn ticks_per_day(self) -> i64 {
        NS_PER_DAY / self.unit.nanos()
    }

    /// Ticks in `ns` nanoseconds, if a whole number.
    pub fn ticks_of_nanos(self, ns: i64) -> Option<i64> {
        let per = self.unit.nanos();
        (ns % per == 0).then_some(ns / per)
    }

    /// The date of ticks; `None` for `NaT`.
    pub fn datetime(self, ticks: i64) -> Option<DateTime> {
        DateTime::from_ticks(ticks, self)
    }

    /// The ticks of a date (a fraction of a tick dropped); `None` if not representable.
    pub fn ticks(self, date: &DateTime) -> Option<i64> {
        date.to_ticks(self)
    }

    /// The date of ticks as the calendar numbers its years (`None` for `NaT`).
    fn shown(self, ticks: i64) -> Option<DateTime> {
        self.datetime(ticks).map(|d| d.numbered(self.calendar))
    }

    /// Full ISO 8601 (`2000-01-01T00:00:00`, a fraction only when non-zero), `NaT` for missing.
    pub fn format_iso(self, ticks: i64) -> String {
        self.shown(ticks)
            .map_or_else(|| "NaT".to_owned(), |d| d.to_iso())
    }

    /// As numpy prints one element: `2000-01-01T00:00:00.000000000` for datetime64 (six
    /// digits for microseconds), and for
    /// cftime objects their repr, `cftime.DatetimeNoLeap(2000, 1, 1, 0, 0, 0, 0, has_year_zero=True)`.
    pub fn format_element(self, ticks: i64) -> String {
        let Some(d) = self.shown(ticks) else {
            return "NaT".to_owned();
        };
        if self.is_datetime64() {
            return d.to_numpy(self.unit);
        }
        format!(
            "cftime.{}({}, {}, {}, {}, {}, {}, {}, has_year_zero={})",
            self.cftime_class(),
            d.year,
            d.month,
            d.day,
            d.hour,
            d.minute,
            d.second,
            d.nanosecond / 1_000,
            if self.calendar.has_year_zero() {
                "True"
            } else {
                "False"
            }
        )
    }

    /// As xarray's reprs show a value: the date alone at midnight for datetime64, else the
    /// date and time (`str()` of a cftime object: `2000-01-16 12:00:00`); `NaT` for missing.
    pub fn format_compact(self, ticks: i64) -> String {
        match self.shown(ticks) {
            None => "NaT".to_owned(),
            Some(d) if self.is_datetime64() => d.to_compact(),
            Some(d) => d.to_cftime_str(),
        }
    }

    /// The scale of a variable's values, if they are datetimes.
    pub fn of(var: &Variable) -> Option<Self> {
        Self::from_encoding(&var.encoding)
    }

    /// The scale recorded in an encoding by [`TimeScale::mark`].
    pub fn from_encoding(encoding: &Attrs) -> Option<Self> {
        let calendar = encoding.get(TIME_CALENDAR_KEY).and_then(Value::as_str)?;
        let calendar = Calendar::parse(calendar, "").ok()?;
        Some(match encoding.get(TIME_UNIT_KEY).and_then(Value::as_str) {
            Some(CFTIME_UNIT) => Self::cftime(calendar),
            Some("us") => Self::new(calendar, TickUnit::Microsecond),
            _ => Self::new(calendar, TickUnit::Nanosecond),
        })
    }

    /// Records this scale in an encoding (the values are datetimes of this scale).
    pub fn mark(self, encoding: &mut Attrs) {
        encoding.insert(
            TIME_CALENDAR_KEY.to_owned(),
            Value::from(self.calendar.name()),
        );
        let unit = if self.cftime {
            CFTIME_UNIT
        } else {
            self.unit.code()
        };
        encoding.insert(TIME_UNIT_KEY.to_owned(), Value::from(unit));
    }

    /// Removes a recorded scale from an encoding (the values are no longer datetimes).
    pub fn unmark(encoding: &mut Attrs) {
        encoding.shift_remove(TIME_CALENDAR_KEY);
        encoding.shift_remove(TIME_UNIT_KEY);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cftime_scale_reaches_year_one_and_beyond_2262() {
        let s = TimeScale::cftime(Calendar::NoLeap);
        let d = DateTime {
            hour: 12,
            ..DateTime::date(1, 1, 16)
        };
        let t = s.ticks(&d).expect("in range");
        assert_eq!(s.datetime(t), Some(d));
        assert_eq!(s.format_compact(t), "0001-01-16 12:00:00");
        let far = s.ticks(&DateTime::date(3000, 2, 28)).expect("far");
        assert_eq!(s.format_iso(far), "3000-02-28T00:00:00");
        assert_eq!(
            s.format_element(far),
            "cftime.DatetimeNoLeap(3000, 2, 28, 0, 0, 0, 0, has_year_zero=True)"
        );
        assert_eq!(
            TimeScale::datetime64().ticks(&DateTime::date(3000, 1, 1)),
            None
        );
    }

    #[test]
    fn real_world_calendars_have_no_year_zero() {
        let s = TimeScale::cftime(Calendar::Standard);
        // Astronomical year 0 is 1 BC: cftime's year -1.
        let t = s.ticks(&DateTime::date(0, 12, 31)).expect("1 BC");
        assert_eq!(s.format_iso(t), "-0001-12-31T00:00:00");
        let next = s.format_iso(t + s.ticks_per_day());
        assert_eq!(next, "0001-01-01T00:00:00");
    }

    #[test]
    fn scale_round_trips_through_encoding() {
        let mut enc = Attrs::new();
        let s = TimeScale::cftime(Calendar::Julian);
        s.mark(&mut enc);
        assert_eq!(TimeScale::from_encoding(&enc), Some(s));
        TimeScale::unmark(&mut enc);
        assert!(enc.is_empty());
        let us = TimeScale::datetime64_us();
        us.mark(&mut enc);
        assert_eq!(TimeScale::from_encoding(&enc), Some(us));
        assert_eq!(us.dtype_name(), "datetime64[us]");
    }

    #[test]
    fn microsecond_datetime64_prints_as_numpy() {
        let us = TimeScale::datetime64_us();
        let t = us
            .ticks(&DateTime {
                hour: 6,
                ..DateTime::date(2000, 1, 1)
            })
            .expect("in range");
        assert_eq!(us.format_element(t), "2000-01-01T06:00:00.000000");
        assert_eq!(us.format_compact(t), "2000-01-01T06:00:00");
        assert!(us.is_datetime64());
    }
}
