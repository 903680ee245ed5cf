//! CF time units: `"<unit> since <reference date>"` parsed once per variable, and the
//! encoding of ticks back to numbers. Decoding whole variables is [`super::decode_times`].
//!
//! The reference date is kept as nanoseconds since 1970-01-01 in the variable's calendar
//! (`i128`: `days since 0001-01-01` is common in climate models).

pub use super::calendar::Calendar;
use super::calendar::NAT;
use super::datetime::DateTime;
use super::scale::TimeScale;
use super::CodingError;

/// A parsed `units` attribute of a CF time variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeUnits {
    /// Nanoseconds per unit (`days` = 86 400 000 000 000).
    pub unit_ns: i64,
    /// Whether pandas reads this unit's spelling (`days`, `hours`, ...; not `d`, `hrs`, `sec`):
    /// xarray decodes other spellings through cftime only.
    pub pandas_unit: bool,
    /// The reference date as nanoseconds since 1970-01-01 in `calendar`.
    pub reference: i128,
    /// The calendar the reference and results are counted in.
    pub calendar: Calendar,
}

/// Unit spellings cftime reads, and nanoseconds per unit. `nanoseconds` only pandas reads;
/// `months` only for `360_day` and `common_years` only for `noleap`, as cftime allows.
const UNITS: [(&[&str], i64); 9] = [
    (&["nanoseconds", "nanosecond"], 1),
    (
        &["microseconds", "microsecond", "microsec", "microsecs"],
        1_000,
    ),
    (
        &[
            "milliseconds",
            "millisecond",
            "millisec",
            "millisecs",
            "msec",
            "msecs",
            "ms",
        ],
        1_000_000,
    ),
    (&["seconds", "second", "sec", "secs", "s"], 1_000_000_000),
    (&["minutes", "minute", "min", "mins"], 60_000_000_000),
    (&["hours", "hour", "hr", "hrs", "h"], 3_600_000_000_000),
    (&["days", "day", "d"], NS_PER_DAY),
    (&["months", "month"], 30 * NS_PER_DAY),
    (&["common_years", "common_year"], 365 * NS_PER_DAY),
];

use super::calendar::NS_PER_DAY;

/// The spellings pandas reads (xarray adds an `s` before looking them up).
const PANDAS_UNITS: [&str; 7] = [
    "nanoseconds",
    "microseconds",
    "milliseconds",
    "seconds",
    "minutes",
    "hours",
    "days",
];

/// Whether a `units` string is a CF time; xarray decodes only those as times (`... since ...`,
/// case as written).
pub fn is_time_units(units: &str) -> bool {
    units
        .split_once(" since ")
        .is_some_and(|(u, d)| !u.trim().is_empty() && !d.trim().is_empty())
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
        let Some((unit, date)) = units.trim().split_once(" since ") else {
            return Err(err("expected `<unit> since <date>`"));
        };
        let unit = unit.trim().to_ascii_lowercase();
        let Some(&(_, unit_ns)) = UNITS
            .iter()
            .find(|(names, _)| names.contains(&unit.as_str()))
        else {
            let reason = if matches!(unit.as_str(), "years" | "year" | "weeks" | "week") {
                format!("`{unit}` are not a CF time unit xarray reads")
            } else {
                format!("unknown unit `{unit}` (use seconds, minutes, hours, days, ...)")
            };
            return Err(err(&reason));
        };
        let months = unit_ns == 30 * NS_PER_DAY;
        let years = unit_ns == 365 * NS_PER_DAY;
        if (months && calendar != Calendar::Day360) || (years && calendar != Calendar::NoLeap) {
            return Err(err(&format!(
                "`{unit}` are only defined in the {} calendar",
                if months { "360_day" } else { "noleap" }
            )));
        }
        let plural = if unit.ends_with('s') {
            unit.clone()
        } else {
            format!("{unit}s")
        };
        let pandas_unit = PANDAS_UNITS.contains(&plural.as_str());
        let lower = date.trim().to_ascii_lowercase();
        let (dt, offset_ns) = parse_reference(&lower, calendar).map_err(|r| err(&r))?;
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
            pandas_unit,
            reference,
            calendar,
        })
    }

    /// The encoded value of ticks of `scale` in these units (NaN for `NaT`); exact when the
    /// offset is a whole number of units.
    #[allow(clippy::cast_precision_loss)]
    pub fn encode(&self, ticks: i64, scale: TimeScale) -> f64 {
        match self.offset_ns(ticks, scale) {
            None => f64::NAN,
            Some(off) => {
                // Whole units, then the fraction: dividing `off as f64` would round twice
                // and move cftime's microsecond.
                let unit = i128::from(self.unit_ns);
                let whole = off.div_euclid(unit) as f64;
                let rest = off.rem_euclid(unit);
                if rest == 0 {
                    whole
                } else {
                    whole + rest as f64 / unit as f64
                }
            }
        }
    }

    /// The encoded value of ticks as a whole number of units, if it is one (`None` for `NaT`
    /// and for fractions).
    pub fn encode_exact(&self, ticks: i64, scale: TimeScale) -> Option<i128> {
        let off = self.offset_ns(ticks, scale)?;
        let unit = i128::from(self.unit_ns);
        (off % unit == 0).then_some(off / unit)
    }

    /// Nanoseconds from the reference to ticks of `scale` (`None` for `NaT`).
    fn offset_ns(&self, ticks: i64, scale: TimeScale) -> Option<i128> {
        (ticks != NAT).then(|| i128::from(ticks) * i128::from(scale.unit.nanos()) - self.reference)
    }
}

/// Parses a date label (`2000-01-15`, `2000-01-15T06:00`, `2000-01`, `2000`) to ticks of
/// `scale`; a partial date means its first instant.
pub fn parse_datetime(s: &str, scale: TimeScale) -> Result<i64, CodingError> {
    parse_date_label(s, scale).map(|l| l.start)
}

/// How precisely a date label is written, finest first (pandas' order of resolutions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Resolution {
    /// Nanoseconds.
    Nanosecond,
    /// Microseconds.
    Microsecond,
    /// Milliseconds.
    Millisecond,
    /// Seconds.
    Second,
    /// Minutes.
    Minute,
    /// Hours.
    Hour,
    /// Days.
    Day,
    /// Months.
    Month,
    /// Years.
    Year,
}

/// A date label as the period it names: `2000-01` is every instant of January 2000.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateLabel {
    /// The first instant, in ticks.
    pub start: i64,
    /// The first instant after the period, in ticks (saturated at `i64::MAX`).
    pub end: i64,
    /// How precisely the label was written.
    pub resolution: Resolution,
}

/// Parses a date label to the period it names, in ticks of `scale`.
pub fn parse_date_label(s: &str, scale: TimeScale) -> Result<DateLabel, CodingError> {
    let err = |reason: String| CodingError::BadDate {
        text: s.to_string(),
        reason,
    };
    let cal = scale.calendar;
    let (dt, offset, resolution) = parse_date(&s.trim().to_ascii_lowercase(), cal).map_err(err)?;
    let tick = i128::from(scale.unit.nanos());
    let to_ticks = |d: &DateTime| {
        d.to_ticks_wide(cal)
            .map(|ns| (ns - i128::from(offset)).div_euclid(tick))
    };
    let start = to_ticks(&dt)
        .and_then(|t| i64::try_from(t).ok())
        .filter(|&t| t != NAT)
        .ok_or_else(|| {
            err(format!(
                "not a valid {cal} date in the range of {}",
                scale.dtype_name()
            ))
        })?;
    let next = match resolution {
        Resolution::Year => to_ticks(&DateTime::date(dt.year + 1, 1, 1)),
        Resolution::Month if dt.month == 12 => to_ticks(&DateTime::date(dt.year + 1, 1, 1)),
        Resolution::Month => to_ticks(&DateTime::date(dt.year, dt.month + 1, 1)),
        other => {
            let ns: i128 = match other {
                Resolution::Day => i128::from(NS_PER_DAY),
                Resolution::Hour => 3_600_000_000_000,
                Resolution::Minute => 60_000_000_000,
                Resolution::Second => 1_000_000_000,
                Resolution::Millisecond => 1_000_000,
                Resolution::Microsecond => 1_000,
                _ => 1,
            };
            Some(i128::from(start) + (ns / tick).max(1))
        }
    };
    let end = next.map_or(i64::MAX, |t| i64::try_from(t).unwrap_or(i64::MAX));
    Ok(DateLabel {
        start,
        end,
        resolution,
    })
}

/// [`parse_date`] without the resolution.
fn parse_reference(s: &str, cal: Calendar) -> Result<(DateTime, i64), String> {
    parse_date(s, cal).map(|(d, offset, _)| (d, offset))
}

/// The number (1-12) of an English month name, full or abbreviated to three letters.
fn month_number(name: &str) -> Option<i64> {
    const NAMES: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let lower = name.to_ascii_lowercase();
    NAMES
        .iter()
        .position(|n| *n == lower || (lower.len() == 3 && n.starts_with(&lower)))
        .and_then(|i| i64::try_from(i + 1).ok())
}

/// Parses a date: `Y[-M[-D]]`, optional time (` ` or `T`, `hh[:mm[:ss[.f]]]`) and zone (`Z`,
/// `UTC`, `+hh:mm`, `-hhmm`), the year as `cal` numbers it. Returns the local date-time
/// (astronomical year), the zone offset in ns and how precisely the date was written.
fn parse_date(s: &str, cal: Calendar) -> Result<(DateTime, i64, Resolution), String> {
    let s = s.trim();
    let (neg_year, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (date, rest) = match body.find(['T', 't', ' ']) {
        Some(i) => (&body[..i], body[i + 1..].trim()),
        None => (body, ""),
    };
    let fields: Vec<&str> = date.split('-').collect();
    if fields.len() > 3 {
        return Err(format!("cannot read date `{date}`"));
    }
    let num = |i: usize, what: &str| -> Result<i64, String> {
        fields.get(i).map_or(Ok(1), |p| {
            p.parse::<i64>()
                .ok()
                // pandas reads month names too: `2014-May`, `2014-september`.
                .or_else(|| (i == 1).then(|| month_number(p)).flatten())
                .ok_or_else(|| format!("bad {what} `{p}` in date `{date}`"))
        })
    };
    let year = num(0, "year")?;
    let month = num(1, "month")?;
    let day = num(2, "day")?;
    let mut resolution = [Resolution::Year, Resolution::Month, Resolution::Day][fields.len() - 1];
    let year = cal
        .astronomical_year(if neg_year { -year } else { year })
        .ok_or_else(|| format!("the {cal} calendar has no year 0"))?;
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
        resolution = if m.is_some() {
            Resolution::Minute
        } else {
            Resolution::Hour
        };
        if let Some(sec) = sec {
            let (whole, frac) = sec.split_once('.').unwrap_or((sec, ""));
            dt.second = small(Some(whole), 60)?;
            resolution = Resolution::Second;
            if !frac.is_empty() {
                let digits: String = frac.chars().chain(std::iter::repeat('0')).take(9).collect();
                dt.nanosecond = digits
                    .parse()
                    .map_err(|_| format!("bad fraction of a second `{frac}`"))?;
                resolution = match frac.len() {
                    1..=3 => Resolution::Millisecond,
                    4..=6 => Resolution::Microsecond,
                    _ => Resolution::Nanosecond,
                };
            }
        }
    }
    Ok((dt, offset, resolution))
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
    use super::super::decode_times::{decode_times, TimeNumbers};
    use super::super::scale::TickUnit;
    use super::*;

    fn iso(units: &str, cal: Calendar, v: f64) -> String {
        let u = TimeUnits::parse(units, cal).expect("units");
        let (scale, ticks) = decode_times("t", &u, &TimeNumbers::Float(vec![v])).expect("decodes");
        scale.format_iso(ticks[0])
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
        assert_eq!(
            iso("months since 2000-01-01", Calendar::Day360, 13.0),
            "2001-02-01T00:00:00"
        );
    }

    #[test]
    fn reference_date_forms() {
        let std = Calendar::Standard;
        let want = TimeUnits::parse("days since 2000-01-01 00:00:00", std).expect("units");
        for units in [
            "days since 2000-01-01",
            "days since 2000-1-1",
            "days since 2000-01-01T00:00:00Z",
            "days since 2000-01-01 00:00:00 UTC",
            "days since 2000-01-01 00:00:00+00:00",
            "days since 2000-01-01T00:00:00.000",
            "Days since 2000-01-01 00:00",
        ] {
            assert_eq!(TimeUnits::parse(units, std), Ok(want), "{units}");
        }
        let shifted = TimeUnits::parse("hours since 2000-01-01 06:00:00+06:00", std).expect("tz");
        assert_eq!(shifted.reference, want.reference);
        // Spellings pandas does not read go through cftime.
        let short = TimeUnits::parse("d since 2000-01-01", std).expect("d");
        assert!(!short.pandas_unit && want.pandas_unit);
        let ns = TimeScale::new(std, TickUnit::Nanosecond);
        let t = parse_datetime("2000-01-02T12:00", ns).expect("label");
        assert_eq!(
            i128::from(t),
            want.reference + i128::from(NS_PER_DAY * 3 / 2)
        );
        assert_eq!(
            parse_datetime("2000-02", ns).ok(),
            DateTime::date(2000, 2, 1).to_ticks(ns)
        );
        assert!(parse_datetime("2000-02-30", ns).is_err());
        // CESM-style: far reference, decoded dates in range.
        assert_eq!(
            iso("days since 1-1-1", Calendar::NoLeap, 730_000.0),
            "2001-01-01T00:00:00"
        );
        assert_eq!(
            iso("days since 1-1-1", Calendar::NoLeap, 0.0),
            "0001-01-01T00:00:00"
        );
        // Year 0 does not exist in the standard calendar; -0001 is the year before 1.
        assert!(TimeUnits::parse("days since 0000-01-01", std).is_err());
        assert_eq!(
            iso("days since -0001-12-31", Calendar::Julian, 1.0),
            "0001-01-01T00:00:00"
        );
    }

    #[test]
    fn only_since_units_are_times() {
        assert!(is_time_units("days since 2000-01-01"));
        assert!(!is_time_units("days"));
        // xarray looks for " since " as written.
        assert!(!is_time_units("Days SINCE 2000-01-01"));
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
            "weeks since 2000-01-01",
            "days",
        ] {
            assert!(
                TimeUnits::parse(units, Calendar::Standard).is_err(),
                "{units}"
            );
        }
    }

    #[test]
    fn encode_inverts_decode() {
        for cal in [
            Calendar::Standard,
            Calendar::NoLeap,
            Calendar::Day360,
            Calendar::Julian,
        ] {
            let u = TimeUnits::parse("hours since 1900-01-01 00:00:00", cal).expect("units");
            let values = vec![0.0, 1.0, -7.0, 1.5, 876_000.0, 1e6 + 0.25, f64::NAN];
            let (scale, ticks) =
                decode_times("t", &u, &TimeNumbers::Float(values.clone())).expect("decodes");
            for (&t, &v) in ticks.iter().zip(&values) {
                let back = u.encode(t, scale);
                assert!(
                    back == v || (back.is_nan() && v.is_nan()),
                    "{cal} {v} {back}"
                );
            }
        }
    }
}
