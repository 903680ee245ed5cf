//! CF conventions (no I/O): fill values, scale/offset packing, `_Unsigned`, time units and
//! calendars, as xarray's default `decode_cf` applies them.
//!
//! [`CfDecoder::new`] reads a variable's attributes once; [`CfDecoder::decode`] is the
//! per-element path the executor fuses into its chunk pipelines; [`CfEncoder`] is the inverse,
//! for writing.

pub mod calendar;
pub mod datetime;
mod decode_times;
mod decoder;
pub mod encoder;
mod error;
pub mod mask;
mod meaning;
pub mod scale;
pub mod scale_offset;
pub mod strftime;
pub mod time;

pub use calendar::{Calendar, NAT, NS_PER_DAY};
pub use datetime::{DateTime, TimeComponent, SEASONS};
pub use decode_times::{decode_times, TimeNumbers};
pub use decoder::{CfDecoded, CfDecoder};
pub use encoder::{CfEncoded, CfEncoder};
pub use error::CodingError;
pub use meaning::Meaning;
pub use scale::{TickUnit, TimeScale};
pub use time::TimeUnits;
