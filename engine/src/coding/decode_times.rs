//! Decoding a whole CF time variable as xarray does: its choice of `datetime64[ns]` or cftime
//! objects, and the arithmetic of each, so the dates are xarray's to the last tick.
//!
//! xarray first tries pandas (standard calendars, a reference date and every value inside
//! datetime64[ns], and a unit spelling pandas knows): integers exactly, floats multiplied to
//! nanoseconds in `f64` and truncated. Otherwise cftime decodes: values as `f64`, multiplied to
//! microseconds in x87 extended precision and rounded half to even (with cftime's nudge of
//! values one microsecond off a whole second); standard-calendar dates are then turned back into
//! datetime64[ns] when all lie between 1582-10-15 and the datetime64[ns] limits. Missing times
//! are NaT in both cases (xarray puts the reference date in their place on the cftime path, a
//! bug Nereus does not copy).

use super::calendar::{Calendar, NAT};
use super::datetime::DateTime;
use super::scale::{TickUnit, TimeScale};
use super::time::TimeUnits;
use super::CodingError;

/// Encoded time numbers after masking and unpacking: integers stay exact.
#[derive(Debug, Clone, PartialEq)]
pub enum TimeNumbers {
    /// Integer storage, neither scaled nor offset: `None` where masked.
    Int(Vec<Option<i128>>),
    /// Float storage or packed values: NaN where masked.
    Float(Vec<f64>),
}

impl TimeNumbers {
    /// How many values.
    pub fn len(&self) -> usize {
        match self {
            TimeNumbers::Int(v) => v.len(),
            TimeNumbers::Float(v) => v.len(),
        }
    }

    /// Whether there are no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The values as `f64` (as xarray hands them to cftime), `None` where missing.
    #[allow(
        clippy::cast_precision_loss,
        reason = "cftime receives the values as float64"
    )]
    fn floats(&self) -> impl Iterator<Item = Option<f64>> + '_ {
        let (ints, floats) = match self {
            TimeNumbers::Int(v) => (Some(v), None),
            TimeNumbers::Float(v) => (None, Some(v)),
        };
        let ints = ints.into_iter().flatten().map(|v| v.map(|v| v as f64));
        let floats = floats
            .into_iter()
            .flatten()
            .map(|&v| (!v.is_nan()).then_some(v));
        ints.chain(floats)
    }
}

/// Decodes the numbers of variable `name` in `units`: the scale xarray would give them
/// (datetime64[ns] or cftime) and their ticks, `NaT` where missing.
///
/// # Errors
/// [`CodingError::TimeOutOfRange`] for a value that neither pandas nor cftime can represent
/// (xarray fails on it too), [`CodingError::TimeUnits`] for units cftime cannot read where
/// cftime is needed.
pub fn decode_times(
    name: &str,
    units: &TimeUnits,
    numbers: &TimeNumbers,
) -> Result<(TimeScale, Vec<i64>), CodingError> {
    let cal = units.calendar;
    let standard = matches!(cal, Calendar::Standard | Calendar::ProlepticGregorian);
    if standard {
        if let Some(ticks) = with_pandas(units, numbers) {
            return Ok((TimeScale::new(cal, TickUnit::Nanosecond), ticks));
        }
    }
    let scale = TimeScale::cftime(cal);
    let micros = with_cftime(name, units, numbers)?;
    if standard && fits_datetime64(&micros, scale) {
        let ns = micros
            .iter()
            .map(|&t| if t == NAT { NAT } else { t * 1_000 })
            .collect();
        return Ok((TimeScale::new(cal, TickUnit::Nanosecond), ns));
    }
    Ok((scale, micros))
}

/// pandas' decoding, or `None` where xarray falls back to cftime.
#[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
fn with_pandas(units: &TimeUnits, numbers: &TimeNumbers) -> Option<Vec<i64>> {
    let reference = i64::try_from(units.reference).ok()?;
    if !units.pandas_unit || reference == NAT {
        return None;
    }
    let reform = DateTime::date(1582, 10, 15).to_ticks_wide(units.calendar)?;
    if units.calendar == Calendar::Standard && units.reference < reform {
        return None;
    }
    let unit = i128::from(units.unit_ns);
    let tick = |offset: i128| {
        i64::try_from(i128::from(reference) + offset)
            .ok()
            .filter(|&t| t != NAT)
    };
    match numbers {
        TimeNumbers::Int(values) => values
            .iter()
            .map(|v| match v {
                None => Some(NAT),
                Some(v) => tick(v.checked_mul(unit)?),
            })
            .collect(),
        TimeNumbers::Float(values) => values
            .iter()
            .map(|&v| {
                if v.is_nan() {
                    return Some(NAT);
                }
                // numpy: `values * int64(unit)` in float64, then `astype(int64)` truncates.
                let ns = v * units.unit_ns as f64;
                (ns.abs() < 9.2e18).then(|| tick(i128::from(ns as i64)))?
            })
            .collect(),
    }
}

/// cftime's decoding to microseconds (`NaT` where missing).
fn with_cftime(
    name: &str,
    units: &TimeUnits,
    numbers: &TimeNumbers,
) -> Result<Vec<i64>, CodingError> {
    if units.unit_ns < 1_000 {
        return Err(CodingError::TimeUnits {
            variable: name.to_owned(),
            units: "nanoseconds".to_owned(),
            reason: format!(
                "cftime, which xarray needs for these dates in the {} calendar, counts no \
                 nanoseconds",
                units.calendar
            ),
        });
    }
    let factor = u64::try_from(units.unit_ns / 1_000).unwrap_or(1);
    let whole_seconds = units.unit_ns >= 1_000_000_000;
    let reference = units.reference.div_euclid(1_000);
    numbers
        .floats()
        .map(|v| {
            let Some(v) = v else { return Ok(NAT) };
            let out_of_range = || CodingError::TimeOutOfRange {
                variable: name.to_owned(),
                value: v,
                calendar: units.calendar.name().to_owned(),
            };
            let micros = cftime_micros(v, factor, whole_seconds).ok_or_else(out_of_range)?;
            i64::try_from(reference + i128::from(micros))
                .ok()
                .filter(|&t| t != NAT)
                .ok_or_else(out_of_range)
        })
        .collect()
}

/// Whether cftime-decoded standard-calendar dates become datetime64[ns] in xarray: all on or
/// after 1582-10-15 and within datetime64[ns]'s limits.
fn fits_datetime64(micros: &[i64], scale: TimeScale) -> bool {
    let valid = || micros.iter().copied().filter(|&t| t != NAT);
    let (Some(min), Some(max)) = (valid().min(), valid().max()) else {
        return true;
    };
    let at = |y, mo, d, h, mi, s, us: u32| {
        let dt = DateTime {
            hour: h,
            minute: mi,
            second: s,
            nanosecond: us * 1_000,
            ..DateTime::date(y, mo, d)
        };
        scale.ticks(&dt)
    };
    let (Some(reform), Some(lower), Some(upper)) = (
        at(1582, 10, 15, 0, 0, 0, 0),
        at(1677, 9, 21, 0, 12, 43, 145_224),
        at(2262, 4, 11, 23, 47, 16, 854_775),
    ) else {
        return false;
    };
    min >= reform && min >= lower && max <= upper
}

/// cftime's `value * factor` microseconds: the product in x87 extended precision (64-bit
/// significand, as numpy's `longdouble` on x86-64), rounded half to even, then moved to the
/// whole second when it lands one microsecond off one (for units of a second or longer).
/// `None` when it overflows `i64` (cftime raises).
fn cftime_micros(value: f64, factor: u64, whole_seconds: bool) -> Option<i64> {
    let product = Extended::product(value, factor)?;
    let rounded = product.round(Rounding::HalfEven)?;
    if whole_seconds {
        match rounded.rem_euclid(1_000_000) {
            1 => return product.round(Rounding::Floor),
            999_999 => return product.round(Rounding::Ceil),
            _ => {}
        }
    }
    Some(rounded)
}

/// A finite extended-precision value: `(-1)^negative * significand * 2^exponent`.
#[derive(Debug, Clone, Copy)]
struct Extended {
    negative: bool,
    significand: u128,
    exponent: i32,
}

#[derive(Debug, Clone, Copy)]
enum Rounding {
    HalfEven,
    Floor,
    Ceil,
}

impl Extended {
    /// `value * factor` rounded to a 64-bit significand, half to even; `None` if not finite.
    fn product(value: f64, factor: u64) -> Option<Self> {
        if !value.is_finite() {
            return None;
        }
        let bits = value.to_bits();
        let negative = bits >> 63 == 1;
        let biased = i32::try_from((bits >> 52) & 0x7ff).ok()?;
        let fraction = bits & ((1 << 52) - 1);
        let (mantissa, exponent) = if biased == 0 {
            (fraction, -1074)
        } else {
            (fraction | (1 << 52), biased - 1075)
        };
        let mut significand = u128::from(mantissa) * u128::from(factor);
        let mut exponent = exponent;
        let width = 128 - significand.leading_zeros();
        if width > 64 {
            let shift = width - 64;
            let rest = significand & ((1u128 << shift) - 1);
            let half = 1u128 << (shift - 1);
            significand >>= shift;
            if rest > half || (rest == half && significand & 1 == 1) {
                significand += 1;
            }
            exponent += i32::try_from(shift).ok()?;
        }
        Some(Self {
            negative,
            significand,
            exponent,
        })
    }

    /// The value rounded to an integer; `None` outside `i64`.
    fn round(self, mode: Rounding) -> Option<i64> {
        let magnitude: i128 = if self.exponent >= 0 {
            // Checked: a shift of 2^64 by 64 would wrap to 0, a wrong date instead of an error.
            let scale = 2_i128.checked_pow(self.exponent.unsigned_abs())?;
            i128::try_from(self.significand).ok()?.checked_mul(scale)?
        } else {
            let shift = self.exponent.unsigned_abs();
            let (whole, rest, half) = if shift >= 128 {
                (0, self.significand, None)
            } else {
                let whole = self.significand >> shift;
                let rest = self.significand - (whole << shift);
                (whole, rest, Some(1u128 << (shift - 1)))
            };
            let whole = i128::try_from(whole).ok()?;
            let up = match mode {
                Rounding::HalfEven => {
                    half.is_some_and(|h| rest > h || (rest == h && whole & 1 == 1))
                }
                // Away from zero for a negative floor or a positive ceiling.
                Rounding::Floor => self.negative && rest != 0,
                Rounding::Ceil => !self.negative && rest != 0,
            };
            whole + i128::from(up)
        };
        let signed = if self.negative { -magnitude } else { magnitude };
        i64::try_from(signed).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(units: &str, cal: Calendar, numbers: &TimeNumbers) -> (TimeScale, Vec<String>) {
        let u = TimeUnits::parse(units, cal).expect("units");
        let (scale, ticks) = decode_times("time", &u, numbers).expect("decodes");
        let shown = ticks.iter().map(|&t| scale.format_iso(t)).collect();
        (scale, shown)
    }

    #[test]
    fn cesm_mid_month_days_since_year_one() {
        // The bug of issue B3: 730135.5 days since 0001-01-01 in noleap was NaT.
        let nums = TimeNumbers::Float(vec![730_135.5, 0.5, f64::NAN]);
        let (scale, shown) = decode("days since 0001-01-01 00:00:00", Calendar::NoLeap, &nums);
        assert_eq!(scale, TimeScale::cftime(Calendar::NoLeap));
        assert_eq!(shown, ["2001-05-16T12:00:00", "0001-01-01T12:00:00", "NaT"]);
        // Standard: the mixed calendar; 2000-01-15 12:00 is in range but year 1 is not.
        let nums = TimeNumbers::Float(vec![730_135.5, 0.5]);
        let (scale, shown) = decode("days since 0001-01-01", Calendar::Standard, &nums);
        assert!(!scale.is_datetime64());
        assert_eq!(shown, ["2000-01-15T12:00:00", "0001-01-01T12:00:00"]);
        // All in range: cftime's dates become datetime64[ns].
        let nums = TimeNumbers::Float(vec![730_135.5]);
        let (scale, shown) = decode("days since 0001-01-01", Calendar::ProlepticGregorian, &nums);
        assert!(scale.is_datetime64());
        assert_eq!(shown, ["2000-01-17T12:00:00"]);
    }

    #[test]
    fn pandas_truncates_float_nanoseconds_and_keeps_integers_exact() {
        let nums = TimeNumbers::Float(vec![0.3_f32.into()]);
        let (_, shown) = decode("seconds since 2000-01-01", Calendar::Standard, &nums);
        assert_eq!(shown, ["2000-01-01T00:00:00.300000011"]);
        let big = (1_i128 << 62) + 1;
        let nums = TimeNumbers::Int(vec![Some(big), None]);
        let (scale, shown) = decode("nanoseconds since 1970-01-01", Calendar::Standard, &nums);
        assert!(scale.is_datetime64());
        assert_eq!(shown, ["2116-02-20T23:53:38.427387905", "NaT"]);
    }

    #[test]
    fn out_of_range_is_an_error_naming_the_value() {
        let u = TimeUnits::parse("days since 2000-01-01", Calendar::NoLeap).expect("units");
        let err = decode_times("time", &u, &TimeNumbers::Float(vec![1e13])).expect_err("range");
        assert!(err.to_string().contains("variable `time`"), "{err}");
        assert!(err.to_string().contains("1e13"), "{err}");
    }

    #[test]
    fn cftime_rounding_matches_numpy_longdouble() {
        // Values checked with cftime 1.6 (seconds since 2000-01-01, noleap).
        assert_eq!(cftime_micros(1.0 / 3.0, 1_000_000, true), Some(333_333));
        assert_eq!(cftime_micros(2.0 / 3.0, 1_000_000, true), Some(666_667));
        assert_eq!(cftime_micros(2.5e-6, 1_000_000, true), Some(3));
        assert_eq!(cftime_micros(1.5e-6, 1_000_000, true), Some(2));
        assert_eq!(cftime_micros(-0.3, 1_000_000, true), Some(-300_000));
        assert_eq!(cftime_micros(1e-7, 1_000_000, true), Some(0));
        assert_eq!(cftime_micros(1e13, 86_400_000_000, true), None);
        // (2^65 - 1) * 2^63 rounds to a significand of 2^64 at exponent 64: it must overflow,
        // not wrap to zero.
        let m = ((1_u128 << 65) - 1) / 8_191;
        #[allow(clippy::cast_precision_loss, reason = "m has 52 bits")]
        let huge = m as f64 * 2f64.powi(63);
        assert_eq!(cftime_micros(huge, 8_191, false), None);
        assert_eq!(cftime_micros(-(2f64.powi(62)), 2, false), Some(i64::MIN));
    }
}
