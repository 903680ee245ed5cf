//! The pandas names notebooks use with xarray: `pd.date_range`, `pd.Timestamp` and
//! `pd.to_datetime`, giving numpy datetime64 values in pandas 3's units: microseconds for dates
//! read from text (nanoseconds when the text has them), else the unit of the dates given
//! (Nereus has no pandas objects: a DatetimeIndex is a datetime64 array, a Timestamp a
//! datetime64 scalar).
#![allow(
    clippy::needless_pass_by_value,
    reason = "all builtins share the `Func` signature"
)]

use nereus_engine::coding::Meaning;
use std::sync::Arc;

use ndarray::{ArrayD, IxDyn};

use super::error::{Exc, ExcKind, Res};
use super::functions::items;
use super::ndarray::NdArray;
use super::registry::{Args, Builtin, Ctx};
use super::value::Value;
use nereus_engine::coding::time::parse_datetime;
use nereus_engine::coding::{TickUnit, TimeScale};
use nereus_engine::model::Block;

/// A date: its ticks and their scale (always numpy datetime64).
type Date = (i64, TimeScale);

/// Datetimes of `scale` as a numpy array (`scalar`: one numpy datetime64 rather than a 0-d
/// array).
fn dates(ticks: Vec<i64>, scale: TimeScale, shape: &[usize], scalar: bool) -> Res<Value> {
    let block =
        ArrayD::from_shape_vec(IxDyn(shape), ticks).map_err(|e| Exc::value_error(e.to_string()))?;
    Ok(Value::NdArray(Arc::new(NdArray {
        block: Arc::new(Block::I64(block)),
        meaning: Meaning::Dates(scale),
        scalar,
    })))
}

/// A date given as a string or a datetime64 value. Text is read as pandas 3 reads it: in
/// microseconds, unless it has finer digits.
fn date_of(v: &Value, what: &str) -> Res<Date> {
    match v {
        Value::Str(s) => {
            let ns = parse_datetime(s, TimeScale::datetime64());
            let us = TimeScale::datetime64_us();
            match ns {
                Ok(t) if t % 1_000 != 0 => Ok((t, TimeScale::datetime64())),
                // Dates outside datetime64[ns]'s years are read in microseconds directly.
                _ => parse_datetime(s, us)
                    .map(|t| (t, us))
                    .map_err(|e| Exc::value_error(e.to_string())),
            }
        }
        Value::NdArray(a)
            if a.block.len() == 1 && a.time().is_some_and(TimeScale::is_datetime64) =>
        {
            a.block
                .iter_i64()
                .next()
                .zip(a.time())
                .ok_or_else(|| Exc::value_error("empty date"))
        }
        other => Err(Exc::type_error(format!(
            "{what}: cannot read a date from {}",
            other.type_name()
        ))),
    }
}

/// `date` in `scale`'s ticks (`None` for a date `scale` cannot hold).
fn in_scale((ticks, from): Date, scale: TimeScale) -> Option<i64> {
    if from == scale {
        return Some(ticks);
    }
    from.datetime(ticks).and_then(|d| scale.ticks(&d))
}

/// Dates in `scale`'s ticks.
fn all_in(dates: &[Date], scale: TimeScale) -> Res<Vec<i64>> {
    dates
        .iter()
        .map(|&d| {
            in_scale(d, scale).ok_or_else(|| {
                Exc::new(
                    ExcKind::OverflowError,
                    format!("a date is out of {}'s range", scale.dtype_name()),
                )
            })
        })
        .collect()
}

/// Dates in the finest unit among them (as pandas combines resolutions).
fn common(dates: &[Date]) -> Res<(Vec<i64>, TimeScale)> {
    let scale = if dates.iter().any(|(_, s)| s.unit == TickUnit::Nanosecond) {
        TimeScale::datetime64()
    } else {
        TimeScale::datetime64_us()
    };
    Ok((all_in(dates, scale)?, scale))
}

fn refuse(func: &str, name: &str, v: &Value) -> Exc {
    Exc::new(
        ExcKind::NotImplementedError,
        format!("pd.{func}({name}={}) is not supported in Nereus", v.repr()),
    )
}

/// `pd.date_range(start=None, end=None, periods=None, freq=None, ...)`.
fn date_range(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    for name in ["tz", "name"] {
        if let Some(v) = p.take(name).filter(|v| !matches!(v, Value::None)) {
            return Err(refuse("date_range", name, &v));
        }
    }
    if let Some(v) = p
        .take("normalize")
        .filter(|v| !matches!(v, Value::Bool(false)))
    {
        return Err(refuse("date_range", "normalize", &v));
    }
    if let Some(v) = p.take("inclusive").filter(|v| v.to_str() != "both") {
        return Err(refuse("date_range", "inclusive", &v));
    }
    let start = p.take("start").filter(|v| !matches!(v, Value::None));
    let end = p.take("end").filter(|v| !matches!(v, Value::None));
    let periods = match p.take("periods").filter(|v| !matches!(v, Value::None)) {
        None => None,
        Some(v) => Some(
            v.as_int()
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| Exc::type_error("periods must be a non-negative integer"))?,
        ),
    };
    let freq = match p.take("freq").filter(|v| !matches!(v, Value::None)) {
        None => "D".to_owned(),
        Some(v) => v.to_str(),
    };
    let Some(start) = start else {
        return Err(Exc::new(
            ExcKind::NotImplementedError,
            "pd.date_range without a start is not supported in Nereus",
        ));
    };
    let mut given = vec![date_of(&start, "date_range start")?];
    if let Some(e) = &end {
        given.push(date_of(e, "date_range end")?);
    }
    let (mut ticks, mut scale) = common(&given)?;
    match p.take("unit").filter(|v| !matches!(v, Value::None)) {
        None => {}
        Some(Value::Str(u)) if &*u == "ns" || &*u == "us" => {
            let unit = if &*u == "ns" {
                TimeScale::datetime64()
            } else {
                TimeScale::datetime64_us()
            };
            ticks = all_in(&given, unit)?;
            scale = unit;
        }
        Some(v) => return Err(refuse("date_range", "unit", &v)),
    }
    let start = ticks[0];
    let end = ticks.get(1).copied();
    if end.is_some() && periods.is_some() {
        return Err(Exc::new(
            ExcKind::NotImplementedError,
            "pd.date_range with start, end and periods (evenly spaced) is not supported in Nereus",
        ));
    }
    let ticks = nereus_engine::ops::resample::date_range(start, end, periods, &freq, scale)
        .map_err(Exc::from)?;
    let n = ticks.len();
    dates(ticks, scale, &[n], false)
}

/// `pd.Timestamp(ts_input)`: one datetime.
fn timestamp(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let v = p.required("ts_input")?;
    let (t, scale) = date_of(&v, "Timestamp")?;
    dates(vec![t], scale, &[], true)
}

/// `pd.to_datetime(arg)`: a date string to a datetime, a list of them to an array.
fn to_datetime(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let arg = p.required("arg")?;
    match &arg {
        Value::Str(_) => {
            let (t, scale) = date_of(&arg, "to_datetime")?;
            dates(vec![t], scale, &[], true)
        }
        Value::List(_) | Value::Tuple(_) => {
            let given = items(&arg)?
                .iter()
                .map(|v| date_of(v, "to_datetime"))
                .collect::<Res<Vec<_>>>()?;
            let (ticks, scale) = common(&given)?;
            let n = ticks.len();
            dates(ticks, scale, &[n], false)
        }
        Value::NdArray(a) if a.time().is_some() => Ok(arg.clone()),
        other => Err(Exc::new(
            ExcKind::NotImplementedError,
            format!(
                "pd.to_datetime of {} is not supported in Nereus",
                other.type_name()
            ),
        )),
    }
}

/// The pandas functions (in the pandas module).
pub(crate) static PANDAS_FUNCTIONS: &[Builtin] = &[
    method!("pandas", "date_range", "date_range(start=None, end=None, periods=None, freq=None, tz=None, normalize=False, name=None, inclusive='both', *, unit=None)", date_range,
        "Dates from `start`, `periods` of them or up to `end` (included), by a pandas frequency (default 'D'): 'h', '6h', 'D', 'MS', 'ME', 'QS-DEC', 'YS', ... A datetime64 numpy array in Nereus (pandas gives a DatetimeIndex); `unit` 'us' or 'ns'."),
    method!("pandas", "Timestamp", "Timestamp(ts_input)", timestamp,
        "A datetime from a date string ('2000-01-15', '2000-01-15T06:00'): a numpy datetime64 in Nereus."),
    method!("pandas", "to_datetime", "to_datetime(arg)", to_datetime,
        "Date strings (one, or a list) as datetimes: numpy datetime64 in Nereus."),
];
