//! Errors of CF decoding: each names the variable and the attribute or unit string at fault.

use crate::model::names::did_you_mean;

/// A CF attribute that cannot be interpreted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CodingError {
    /// `units` looks like a time (`... since ...`) but cannot be parsed.
    #[error("variable `{variable}`: cannot decode time units `{units}`: {reason}")]
    TimeUnits {
        /// The variable.
        variable: String,
        /// The unit string as stored.
        units: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A date label (e.g. in `sel(time="2000-01-15")`) that cannot be read.
    #[error("cannot read date `{text}`: {reason}")]
    BadDate {
        /// The label as given.
        text: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The `calendar` attribute names no calendar we know.
    #[error("variable `{variable}`: unknown calendar `{calendar}`{}", did_you_mean(.suggestion.as_deref()))]
    Calendar {
        /// The variable.
        variable: String,
        /// The calendar as stored.
        calendar: String,
        /// The closest known calendar name, if any is close.
        suggestion: Option<String>,
    },
    /// A CF attribute (`_FillValue`, `scale_factor`, ...) has a value of the wrong kind.
    #[error("variable `{variable}`: attribute `{attr}` = {value} is not usable: {reason}")]
    BadAttr {
        /// The variable.
        variable: String,
        /// The attribute name.
        attr: String,
        /// The value as stored (JSON).
        value: String,
        /// What was expected.
        reason: String,
    },
    /// A time value neither datetime64[ns] nor cftime's 64-bit microseconds can hold (xarray
    /// cannot decode it either).
    #[error(
        "variable `{variable}`: time value {value:e} cannot be decoded in the {calendar} \
         calendar: it lies beyond 64-bit microseconds (about 292,000 years) of the reference \
         date; xarray cannot decode it either (open with decode_times=False)"
    )]
    TimeOutOfRange {
        /// The variable.
        variable: String,
        /// The encoded value.
        value: f64,
        /// The calendar.
        calendar: String,
    },
}
