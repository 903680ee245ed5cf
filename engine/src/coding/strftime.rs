//! `strftime`: dates as text under a format (`"%a, %b %d %H:%M"`), with the directives of
//! Python's `datetime.strftime` in the C locale, in any CF calendar.

use super::calendar::Calendar;
use super::datetime::{DateTime, TimeComponent};
use std::fmt::Write as _;

const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A format that cannot be applied: which directive, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("directive %{directive} {why}")]
pub struct FormatError {
    /// The directive's letter.
    pub directive: char,
    /// What is wrong with it.
    pub why: String,
}

/// `dt` (in `cal`) written under `format`, as Python's `strftime` writes it.
///
/// # Errors
/// A directive Nereus does not write (locale and week-number ones), or a weekday in a
/// calendar without real weeks.
pub fn strftime(dt: &DateTime, cal: Calendar, format: &str) -> Result<String, FormatError> {
    let mut out = String::with_capacity(format.len() + 8);
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let Some(d) = chars.next() else {
            out.push('%');
            break;
        };
        directive(&mut out, d, dt, cal)?;
    }
    Ok(out)
}

/// Writes one directive's text.
fn directive(out: &mut String, d: char, dt: &DateTime, cal: Calendar) -> Result<(), FormatError> {
    let month = MONTHS[usize::from(dt.month.clamp(1, 12) - 1)];
    let weekday = || -> Result<&'static str, FormatError> {
        if !TimeComponent::DayOfWeek.defined_in(cal) {
            return Err(FormatError {
                directive: d,
                why: format!(
                    "needs real weekdays, which the {:?} calendar has not",
                    cal.name()
                ),
            });
        }
        let i = TimeComponent::DayOfWeek.of(dt, cal);
        Ok(DAYS[usize::try_from(i).unwrap_or(0) % 7])
    };
    let year = cal.display_year(dt.year);
    let hour12 = match dt.hour % 12 {
        0 => 12,
        h => h,
    };
    // Writing to a String cannot fail.
    let _ = match d {
        'a' => write!(out, "{}", &weekday()?[..3]),
        'A' => write!(out, "{}", weekday()?),
        'w' => {
            let monday0 = TimeComponent::DayOfWeek.of(dt, cal);
            weekday()?;
            write!(out, "{}", (monday0 + 1) % 7)
        }
        'u' => {
            weekday()?;
            write!(out, "{}", TimeComponent::DayOfWeek.of(dt, cal) + 1)
        }
        'd' => write!(out, "{:02}", dt.day),
        'e' => write!(out, "{:2}", dt.day),
        'b' | 'h' => write!(out, "{}", &month[..3]),
        'B' => write!(out, "{month}"),
        'm' => write!(out, "{:02}", dt.month),
        'y' => write!(out, "{:02}", year.rem_euclid(100)),
        'Y' => write!(out, "{year:04}"),
        'H' => write!(out, "{:02}", dt.hour),
        'I' => write!(out, "{hour12:02}"),
        'p' => write!(out, "{}", if dt.hour < 12 { "AM" } else { "PM" }),
        'M' => write!(out, "{:02}", dt.minute),
        'S' => write!(out, "{:02}", dt.second),
        'f' => write!(out, "{:06}", dt.nanosecond / 1000),
        'j' => write!(out, "{:03}", dt.day_of_year(cal)),
        'F' => write!(out, "{year:04}-{:02}-{:02}", dt.month, dt.day),
        'T' | 'X' => write!(out, "{:02}:{:02}:{:02}", dt.hour, dt.minute, dt.second),
        'R' => write!(out, "{:02}:{:02}", dt.hour, dt.minute),
        // The C locale's date and time forms.
        'c' => {
            for (i, part) in ['a', 'b', 'e', 'T', 'Y'].into_iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                directive(out, part, dt, cal)?;
            }
            Ok(())
        }
        'x' => write!(out, "{:02}/{:02}/{:02}", dt.month, dt.day, year.rem_euclid(100)),
        '%' => write!(out, "%"),
        other => {
            return Err(FormatError {
                directive: other,
                why: "is not supported in Nereus (supported: %a %A %w %u %d %e %b %B %h %m %y %Y %H %I %p %M %S %f %j %F %T %R %c %x %X %%)".to_owned(),
            })
        }
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(year: i64, month: u8, day: u8, hour: u8) -> DateTime {
        DateTime {
            hour,
            minute: 5,
            second: 9,
            nanosecond: 123_456_000,
            ..DateTime::date(year, month, day)
        }
    }

    #[test]
    fn formats_like_python() -> Result<(), FormatError> {
        let d = at(2000, 1, 1, 13);
        let cal = Calendar::Standard;
        assert_eq!(strftime(&d, cal, "%a, %b %d %H:%M")?, "Sat, Jan 01 13:05");
        assert_eq!(
            strftime(&d, cal, "%A %B %j %I%p %S.%f %y %%")?,
            "Saturday January 001 01PM 09.123456 00 %"
        );
        assert_eq!(strftime(&d, cal, "%Y-%m-%dT%H")?, "2000-01-01T13");
        assert_eq!(strftime(&d, cal, "%w %u")?, "6 6");
        assert_eq!(strftime(&d, cal, "%c")?, "Sat Jan  1 13:05:09 2000");
        Ok(())
    }

    #[test]
    fn refuses_what_it_cannot_write() {
        let d = at(2000, 2, 30, 0);
        assert!(strftime(&d, Calendar::Day360, "%a").is_err());
        assert_eq!(
            strftime(&d, Calendar::Day360, "%d %b").as_deref(),
            Ok("30 Feb")
        );
        assert_eq!(
            strftime(&d, Calendar::Standard, "%x %X").as_deref(),
            Ok("02/30/00 00:05:09")
        );
        assert!(strftime(&d, Calendar::Standard, "%U").is_err());
    }
}
