//! The `.dt` accessor of a datetime DataArray: its date parts as properties (`year`, `month`,
//! `dayofyear`, `days_in_month`, ...), computed by the engine in the array's calendar.
#![allow(
    clippy::needless_pass_by_value,
    reason = "all builtins share the `Func` signature"
)]

use std::sync::Arc;

use super::super::error::{Exc, Res};
use super::super::registry::{Args, Builtin, Class, Ctx, Property};
use super::convert::load;
use nereus_engine::coding::TimeScale;
use nereus_engine::model::{Data, DataArray};
use nereus_engine::ops::dt::Rounding;

use super::super::value::Value;

/// `da.dt`: the accessor, for datetime arrays only (xarray's TypeError otherwise).
pub(crate) fn accessor(_: &mut Ctx<'_>, v: &Value) -> Res<Value> {
    match v {
        Value::DataArray(a) if TimeScale::of(&a.variable).is_some() => Ok(Value::Dt(Arc::clone(a))),
        _ => Err(Exc::type_error(
            "'.dt' accessor only available for DataArray with datetime64 timedelta64 dtype or for arrays containing cftime datetime objects.",
        )),
    }
}

/// The accessor's dates, loaded first if lazy.
fn dates(ctx: &Ctx<'_>, v: &Value) -> Res<Arc<DataArray>> {
    let Value::Dt(a) = v else {
        return Err(Exc::type_error("not a .dt accessor"));
    };
    if matches!(a.variable.data, Data::Lazy(_)) {
        return Ok(Arc::new(load(ctx, a)?));
    }
    Ok(Arc::clone(a))
}

/// The date part `part` of the accessor's array (loaded first if lazy).
fn part(ctx: &mut Ctx<'_>, v: &Value, part: &str) -> Res<Value> {
    dates(ctx, v)?
        .date_part(part)
        .map(|r| Value::DataArray(Arc::new(r)))
        .map_err(Exc::from)
}

macro_rules! date_parts {
    ($($name:literal => $get:ident, $doc:literal;)*) => {
        $(fn $get(ctx: &mut Ctx<'_>, v: &Value) -> Res<Value> {
            part(ctx, v, $name)
        })*
        static DT_PROPS: &[Property] = &[
            $(Property { name: $name, doc: $doc, computes: false, get: $get },)*
        ];
    };
}

date_parts! {
    "year" => year, "The year of each date (as its calendar numbers years), int64.";
    "month" => month, "The month of each date, 1-12, int64.";
    "day" => day, "The day of the month of each date, int64.";
    "hour" => hour, "The hour of each date, 0-23, int64.";
    "minute" => minute, "The minute of each date, int64.";
    "second" => second, "The second of each date, int64.";
    "dayofyear" => dayofyear, "The day of the year of each date, from 1 (in the array's calendar), int64.";
    "day_of_year" => day_of_year, "The day of the year (same as dayofyear).";
    "dayofweek" => dayofweek, "The day of the week, Monday 0 to Sunday 6 (standard, proleptic_gregorian and julian calendars), int64.";
    "weekday" => weekday, "The day of the week (same as dayofweek).";
    "day_of_week" => day_of_week, "The day of the week (same as dayofweek).";
    "days_in_month" => days_in_month, "The number of days in each date's month, in the array's calendar, int64.";
    "daysinmonth" => daysinmonth, "The number of days in each date's month (same as days_in_month).";
    "quarter" => quarter, "The quarter of each date, 1-4, int64.";
    "season" => season, "The meteorological season of each date ('DJF', 'MAM', 'JJA', 'SON'), as a '<U3' array of strings.";
}

/// `strftime(date_format)`: each date as a string (an object array named `strftime`).
fn strftime(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let recv = p.receiver();
    let format = match p.required("date_format")? {
        Value::Str(s) => s,
        other => {
            return Err(Exc::type_error(format!(
                "strftime() argument 1 must be str, not {}",
                other.type_name()
            )))
        }
    };
    dates(ctx, &recv)?
        .strftime(&format)
        .map(Value::from)
        .map_err(Exc::from)
}

/// `floor`, `ceil`, `round` of the accessor's dates to a fixed frequency; the result is named
/// after the method, as xarray names it.
fn rounded(ctx: &mut Ctx<'_>, args: Args, how: Rounding, name: &str) -> Res<Value> {
    let mut p = args.bind()?;
    let recv = p.receiver();
    let freq = p.required("freq")?.to_str();
    let a = dates(ctx, &recv)?;
    let mut r = a.date_round(&freq, how).map_err(Exc::from)?;
    r.name = Some(name.to_owned());
    Ok(Value::DataArray(Arc::new(r)))
}

fn floor(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    rounded(ctx, args, Rounding::Floor, "floor")
}

fn ceil(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    rounded(ctx, args, Rounding::Ceil, "ceil")
}

fn round(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
    rounded(ctx, args, Rounding::Round, "round")
}

static DT_METHODS: &[Builtin] = &[
    method!(
        "DatetimeAccessor",
        "ceil",
        "ceil(freq)",
        ceil,
        "Each date moved up to a multiple of a fixed frequency ('D', '6h', 'min', 's')."
    ),
    method!(
        "DatetimeAccessor",
        "floor",
        "floor(freq)",
        floor,
        "Each date moved down to a multiple of a fixed frequency ('D', '6h', 'min', 's')."
    ),
    method!(
        "DatetimeAccessor",
        "round",
        "round(freq)",
        round,
        "Each date moved to the nearest multiple of a fixed frequency, ties to the even one."
    ),
    method!(
        "DatetimeAccessor",
        "strftime",
        "strftime(date_format)",
        strftime,
        "Formats each date as a string with Python's strftime directives ('%Y-%m-%d', '%a, %b %d %H:%M'), in the dates' own calendar: an object array of strings (NaT gives NaN)."
    ),
];

/// The `.dt` accessor class.
pub(crate) static DT: Class = Class {
    name: "DatetimeAccessor",
    methods: DT_METHODS,
    properties: DT_PROPS,
};
