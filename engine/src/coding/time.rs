//! CF time coder: `"<unit> since <reference date>"` numbers <-> calendar ticks.
//!
//! Decoded times are ticks (see [`super::calendar`]): `i64` nanoseconds since 1970-01-01T00:00 in
//! the variable's calendar, `NaT` = `i64::MIN` as in numpy. Integral values are converted with
//! exact integer arithmetic; fractional ones are rounded to the nearest nanosecond.

pub use super::calendar::Calendar;
use super::calendar::{DateTime, NAT};
use super::CodingError;

/// A parsed `units` attribute of a CF time variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeUnits {
    /// Nanoseconds per unit (`days` = 86 400 000 000 000).
    pub unit_ns: i64,
    /// The reference date as ticks in `calendar` (wide: `days since 0001-01-01` is common in
    /// climate models, though year 1 itself is outside the `i64` tick range).
    pub reference: i128,
    /// The calendar the reference and results are counted in.
    pub calendar: Calendar,
}

const UNITS: [(&[&str], i64); 8] = [
    (&["nanoseconds", "nanosecond", "ns"], 1),
    (
        &["microseconds", "microsecond", "us", "usec", "usecs"],
        1_000,
    ),
    (
        &["milliseconds", "millisecond", "ms", "msec", "msecs"],
        1_000_000,
    ),
    (&["seconds", "second", "s", "sec", "secs"], 1_000_000_000),
    (&["minutes", "minute", "min", "mins"], 60_000_000_000),
    (&["hours", "hour", "h", "hr", "hrs"], 3_600_000_000_000),
    (&["days", "day", "d"], 86_400_000_000_000),
    (&["weeks", "week"], 604_800_000_000_000),
];

/// Whether a `units` string is a CF time (`... since ...`); xarray decodes only those as times.
pub fn is_time_units(units: &str) -> bool {
    units.to_ascii_lowercase().contains(" since ")
}

impl TimeUnits {
    /// Parses `units` (e.g. `days since 1950-01-01 00:00:00`) in `calendar`.
    pub fn parse(units: &str, calendar: Calendar) -> Result<Self, CodingError> {
        Self::parse_for("", units, calendar)
    }

    /// [`TimeUnits::parse`], with `variable` named in the error.
    pub fn parse_for(variable: &str, units: &str, calendar: Calendar) -> Result<Self, CodingError> {
        let err = |reason: &str| CodingError::TimeUnits {
            variable: variable.to_string(),
            units: units.to_string(),
            reason: reason.to_string(),
        };
        let lower = units.trim().to_ascii_lowercase();
        let Some((unit, date)) = lower.split_once(" since ") else {
            return Err(err("expected `<unit> since <date>`"));
        };
        let unit = unit.trim();
        let Some(&(_, unit_ns)) = UNITS.iter().find(|(names, _)| names.contains(&unit)) else {
            let reason = if matches!(unit, "months" | "month" | "years" | "year" | "common_years") {
                format!("`{unit}` have no fixed length; only nanoseconds to weeks are supported")
            } else {
                format!("unknown unit `{unit}` (use seconds, minutes, hours, days, ...)")
            };
            return Err(err(&reason));
        };
        let (dt, offset_ns) = parse_reference(date.trim()).map_err(|r| err(&r))?;
        let reference = dt
            .to_ticks_wide(calendar)
            .map(|t| t - i128::from(offset_ns))
            .ok_or_else(|| {
                err(&format!(
                    "reference date is not a valid {calendar} date in range"
                ))
            })?;
        Ok(Self {
            unit_ns,
            reference,
            calendar,
        })
    }

    /// Ticks for an encoded value; `NaT` for NaN and for values outside the tick range.
    #[inline]
    pub fn decode(&self, value: f64) -> i64 {
        self.try_decode(value).unwrap_or(NAT)
    }

    /// Ticks for an encoded value: `Some(NaT)` for NaN, `None` when out of range.
    #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
    pub fn try_decode(&self, value: f64) -> Option<i64> {
        if value.is_nan() {
            return Some(NAT);
        }
        if !value.is_finite() {
            return None;
        }
        let t = if value.fract() == 0.0 && value.abs() < 9.0e15 {
            i128::from(value as i64) * i128::from(self.unit_ns) + self.reference
        } else {
            let off = (value * self.unit_ns as f64).round();
            if off.abs() > 9.3e18 {
                return None;
            }
            i128::from(off as i64) + self.reference
        };
        i64::try_from(t).ok().filter(|&t| t != NAT)
    }

    /// The encoded value of ticks (NaN for `NaT`); exact when the offset is a whole number of
    /// units.
    #[allow(clippy::cast_precision_loss)]
    pub fn encode(&self, ticks: i64) -> f64 {
        if ticks == NAT {
            return f64::NAN;
        }
        let off = i128::from(ticks) - self.reference;
        let unit = i128::from(self.unit_ns);
        if off % unit == 0 {
            (off / unit) as f64
        } else {
            off as f64 / unit as f64
        }
    }

    /// The broken-down date of ticks in this calendar.
    pub fn datetime(&self, ticks: i64) -> Option<DateTime> {
        DateTime::from_ticks(ticks, self.calendar)
    }
}

/// Parses a date label (`2000-01-15`, `2000-01-15T06:00`, `2000-01`, `2000`) to ticks in `cal`;
/// a partial date means its first instant.
pub fn parse_datetime(s: &str, cal: Calendar) -> Result<i64, CodingError> {
    let err = |reason: String| CodingError::BadDate {
        text: s.to_string(),
        reason,
    };
    let (dt, offset) = parse_reference(&s.trim().to_ascii_lowercase()).map_err(err)?;
    dt.to_ticks(cal)
        .and_then(|t| t.checked_sub(offset))
        .ok_or_else(|| {
            err(format!(
                "not a valid {cal} date in the datetime64[ns] range"
            ))
        })
}

/// Parses a reference date: `Y-M-D`, optional time (` ` or `T`), optional fraction and zone
/// (`Z`, `UTC`, `+hh:mm`, `-hhmm`). Returns the local date-time and the zone offset in ns.
fn parse_reference(s: &str) -> Result<(DateTime, i64), String> {
    let s = s.trim();
    let (neg_year, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (date, rest) = match body.find(['T', 't', ' ']) {
        Some(i) => (&body[..i], body[i + 1..].trim()),
        None => (body, ""),
    };
    let mut parts = date.split('-');
    let mut num = |what: &str| -> Result<i64, String> {
        let p = parts
            .next()
            .ok_or_else(|| format!("missing {what} in reference date"))?;
        p.parse::<i64>()
            .map_err(|_| format!("bad {what} `{p}` in reference date"))
    };
    let year = num("year")?;
    let month = num("month").unwrap_or(1);
    let day = num("day").unwrap_or(1);
    if parts.next().is_some() {
        return Err(format!("cannot read reference date `{date}`"));
    }
    let year = if neg_year { -year } else { year };
    let month = u8::try_from(month).ok().filter(|m| (1..=12).contains(m));
    let day = u8::try_from(day).ok().filter(|d| (1..=31).contains(d));
    let (Some(month), Some(day)) = (month, day) else {
        return Err(format!("month or day out of range in `{date}`"));
    };
    let mut dt = DateTime::date(year, month, day);
    let (time, zone) = split_zone(rest);
    let offset = parse_zone(zone)?;
    if !time.is_empty() {
        let mut hms = time.split(':');
        let (h, m, sec) = (hms.next(), hms.next(), hms.next());
        let small = |p: Option<&str>, max: u8| -> Result<u8, String> {
            p.map_or(Ok(0), |p| {
                p.parse::<u8>()
                    .ok()
                    .filter(|v| *v <= max)
                    .ok_or_else(|| format!("bad time field `{p}` in `{time}`"))
            })
        };
        dt.hour = small(h, 23)?;
        dt.minute = small(m, 59)?;
        if let Some(sec) = sec {
            let (whole, frac) = sec.split_once('.').unwrap_or((sec, ""));
            dt.second = small(Some(whole), 60)?;
            if !frac.is_empty() {
                let digits: String = frac.chars().chain(std::iter::repeat('0')).take(9).collect();
                dt.nanosecond = digits
                    .parse()
                    .map_err(|_| format!("bad fraction of a second `{frac}`"))?;
            }
        }
    }
    Ok((dt, offset))
}

/// Splits `hh:mm:ss[.f][zone]` into the time and the zone text.
fn split_zone(rest: &str) -> (&str, &str) {
    let rest = rest.trim();
    if let Some(t) = rest
        .strip_suffix("utc")
        .or_else(|| rest.strip_suffix("gmt"))
    {
        return (t.trim(), "");
    }
    if let Some(t) = rest.strip_suffix('z') {
        return (t.trim(), "");
    }
    // A zone starts at a `+`, or at a `-` or space after the time's first field.
    match rest
        .char_indices()
        .skip(1)
        .find(|&(_, c)| c == '+' || c == '-' || c == ' ')
    {
        Some((i, _)) => (rest[..i].trim(), rest[i..].trim()),
        None => (rest, ""),
    }
}

fn parse_zone(zone: &str) -> Result<i64, String> {
    let zone = zone.trim();
    if zone.is_empty() || zone == "utc" || zone == "z" {
        return Ok(0);
    }
    let (sign, body) = match zone.as_bytes().first() {
        Some(b'+') => (1, &zone[1..]),
        Some(b'-') => (-1, &zone[1..]),
        _ => return Err(format!("cannot read time zone `{zone}`")),
    };
    let digits: String = body.chars().filter(char::is_ascii_digit).collect();
    let (h, m) = match digits.len() {
        1 | 2 => (digits.as_str(), "0"),
        4 => (&digits[..2], &digits[2..]),
        _ => return Err(format!("cannot read time zone `{zone}`")),
    };
    let h: i64 = h
        .parse()
        .map_err(|_| format!("cannot read time zone `{zone}`"))?;
    let m: i64 = m
        .parse()
        .map_err(|_| format!("cannot read time zone `{zone}`"))?;
    Ok(sign * (h * 3600 + m * 60) * 1_000_000_000)
}

#[cfg(test)]
#[allow(clippy::float_cmp)]
mod tests {
    use super::*;
    use crate::coding::calendar::{format_iso, NS_PER_DAY};

    fn iso(units: &str, cal: Calendar, v: f64) -> String {
        let u = TimeUnits::parse(units, cal).expect("units");
        format_iso(u.decode(v), cal)
    }

    #[test]
    fn cftime_conventions() {
        let base = "days since 2000-01-01";
        assert_eq!(iso(base, Calendar::Day360, 360.0), "2001-01-01T00:00:00");
        assert_eq!(iso(base, Calendar::NoLeap, 365.0), "2001-01-01T00:00:00");
        assert_eq!(iso(base, Calendar::Standard, 366.0), "2001-01-01T00:00:00");
        assert_eq!(iso(base, Calendar::AllLeap, 366.0), "2001-01-01T00:00:00");
        assert_eq!(iso(base, Calendar::Julian, 366.0), "2001-01-01T00:00:00");
        assert_eq!(iso(base, Calendar::Day360, 59.0), "2000-02-30T00:00:00");
        assert_eq!(iso(base, Calendar::NoLeap, 59.0), "2000-03-01T00:00:00");
        assert_eq!(iso(base, Calendar::Standard, 59.0), "2000-02-29T00:00:00");
        assert_eq!(
            iso("hours since 1950-01-01", Calendar::Standard, 36.5),
            "1950-01-02T12:30:00"
        );
        assert_eq!(
            iso("seconds since 1970-01-01", Calendar::Standard, -1.0),
            "1969-12-31T23:59:59"
        );
    }

    #[test]
    fn reference_date_forms() {
        let std = Calendar::Standard;
        let want = TimeUnits::parse("days since 2000-01-01 00:00:00", std).expect("units");
        for units in [
            "days since 2000-01-01",
            "days since 2000-1-1",
            "Days since 2000-01-01T00:00:00Z",
            "day since 2000-01-01 00:00:00 UTC",
            "days since 2000-01-01 00:00:00+00:00",
            "days since 2000-01-01T00:00:00.000",
            "d since 2000-01-01 00:00",
        ] {
            assert_eq!(TimeUnits::parse(units, std), Ok(want), "{units}");
        }
        let shifted = TimeUnits::parse("hours since 2000-01-01 06:00:00+06:00", std).expect("tz");
        assert_eq!(shifted.reference, want.reference);
        let t = parse_datetime("2000-01-02T12:00", std).expect("label");
        assert_eq!(
            i128::from(t),
            want.reference + i128::from(NS_PER_DAY * 3 / 2)
        );
        assert_eq!(
            parse_datetime("2000-02", std).ok(),
            DateTime::date(2000, 2, 1).to_ticks(std)
        );
        assert!(parse_datetime("2000-02-30", std).is_err());
        // CESM-style: far reference, decoded dates in range.
        let early = TimeUnits::parse("days since 1-1-1", Calendar::NoLeap).expect("short form");
        assert_eq!(
            format_iso(early.decode(730_000.0), Calendar::NoLeap),
            "2001-01-01T00:00:00"
        );
        assert_eq!(early.decode(0.0), NAT);
    }

    #[test]
    fn bad_units_are_typed_errors() {
        let err = TimeUnits::parse_for("time", "fortnights since 2000-01-01", Calendar::Standard)
            .expect_err("bad unit");
        assert!(err.to_string().starts_with(
            "variable `time`: cannot decode time units `fortnights since 2000-01-01`"
        ));
        for units in [
            "days since",
            "days since 2000-13-01",
            "months since 2000-01-01",
            "days",
        ] {
            assert!(
                TimeUnits::parse(units, Calendar::Standard).is_err(),
                "{units}"
            );
        }
    }

    #[test]
    fn decode_then_encode_round_trips() {
        for cal in [
            Calendar::Standard,
            Calendar::NoLeap,
            Calendar::Day360,
            Calendar::Julian,
        ] {
            let u = TimeUnits::parse("hours since 1900-01-01 00:00:00", cal).expect("units");
            for v in [0.0, 1.0, -7.0, 1.5, 876_000.0, 1e6 + 0.25] {
                assert_eq!(u.encode(u.decode(v)), v, "{cal} {v}");
            }
            assert!(u.encode(u.decode(f64::NAN)).is_nan());
        }
        let u = TimeUnits::parse("days since 2000-01-01", Calendar::Standard).expect("units");
        assert_eq!(u.decode(1e9), NAT);
        assert_eq!(u.try_decode(1e9), None);
    }
}
