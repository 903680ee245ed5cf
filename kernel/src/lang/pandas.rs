//! The pandas names notebooks use with xarray: `pd.date_range`, `pd.Timestamp` and
//! `pd.to_datetime`, giving numpy datetime64[ns] values (Nereus has no pandas objects: a
//! DatetimeIndex is a datetime64 array, a Timestamp a datetime64 scalar).
#![allow(
    clippy::needless_pass_by_value,
    reason = "all builtins share the `Func` signature"
)]

use std::sync::Arc;

use ndarray::{ArrayD, IxDyn};

use super::error::{Exc, ExcKind, Res};
use super::functions::items;
use super::ndarray::NdArray;
use super::registry::{Args, Builtin, Ctx};
use super::value::Value;
use nereus_engine::coding::time::parse_datetime;
use nereus_engine::coding::TimeScale;
use nereus_engine::model::Block;

/// numpy's datetime64[ns] (pandas 3 defaults to microseconds; the dates are the same, only
/// the dtype name differs).
fn scale() -> TimeScale {
    TimeScale::datetime64()
}

/// Datetimes as a numpy array (`scalar`: one numpy datetime64 rather than a 0-d array).
fn dates(ticks: Vec<i64>, shape: &[usize], scalar: bool) -> Res<Value> {
    let block =
        ArrayD::from_shape_vec(IxDyn(shape), ticks).map_err(|e| Exc::value_error(e.to_string()))?;
    Ok(Value::NdArray(Arc::new(NdArray {
        block: Arc::new(Block::I64(block)),
        time: Some(scale()),
        scalar,
    })))
}

/// A date given as a string or a datetime value, in ticks.
fn ticks_of(v: &Value, what: &str) -> Res<i64> {
    match v {
        Value::Str(s) => parse_datetime(s, scale()).map_err(|e| Exc::value_error(e.to_string())),
        Value::NdArray(a) if a.time.is_some() && a.block.len() == 1 => a
            .block
            .iter_i64()
            .next()
            .ok_or_else(|| Exc::value_error("empty date")),
        other => Err(Exc::type_error(format!(
            "{what}: cannot read a date from {}",
            other.type_name()
        ))),
    }
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
    for name in ["tz", "name", "unit"] {
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
    let start = ticks_of(&start, "date_range start")?;
    let end = end.map(|e| ticks_of(&e, "date_range end")).transpose()?;
    if end.is_some() && periods.is_some() {
        return Err(Exc::new(
            ExcKind::NotImplementedError,
            "pd.date_range with start, end and periods (evenly spaced) is not supported in Nereus",
        ));
    }
    let ticks = nereus_engine::ops::resample::date_range(start, end, periods, &freq, scale())
        .map_err(Exc::from)?;
    let n = ticks.len();
    dates(ticks, &[n], false)
}

/// `pd.Timestamp(ts_input)`: one datetime.
fn timestamp(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let v = p.required("ts_input")?;
    dates(vec![ticks_of(&v, "Timestamp")?], &[], true)
}

/// `pd.to_datetime(arg)`: a date string to a datetime, a list of them to an array.
fn to_datetime(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let arg = p.required("arg")?;
    match &arg {
        Value::Str(_) => dates(vec![ticks_of(&arg, "to_datetime")?], &[], true),
        Value::List(_) | Value::Tuple(_) => {
            let ticks = items(&arg)?
                .iter()
                .map(|v| ticks_of(v, "to_datetime"))
                .collect::<Res<Vec<_>>>()?;
            let n = ticks.len();
            dates(ticks, &[n], false)
        }
        Value::NdArray(a) if a.time.is_some() => Ok(arg.clone()),
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
        "Dates from `start`, `periods` of them or up to `end` (included), by a pandas frequency (default 'D'): 'h', '6h', 'D', 'MS', 'ME', 'QS-DEC', 'YS', ... A datetime64[ns] numpy array in Nereus (pandas gives a DatetimeIndex)."),
    method!("pandas", "Timestamp", "Timestamp(ts_input)", timestamp,
        "A datetime from a date string ('2000-01-15', '2000-01-15T06:00'): a numpy datetime64[ns] in Nereus."),
    method!("pandas", "to_datetime", "to_datetime(arg)", to_datetime,
        "Date strings (one, or a list) as datetimes: numpy datetime64[ns] in Nereus."),
];
