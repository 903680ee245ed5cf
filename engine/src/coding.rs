//! CF conventions (no I/O): fill values, scale/offset packing, `_Unsigned`, time units and
//! calendars, as xarray's default `decode_cf` applies them.
//!
//! [`CfDecoder::new`] reads a variable's attributes once; [`CfDecoder::decode`] is the
//! per-element path the executor fuses into its chunk pipelines; [`CfEncoder`] is the inverse,
//! for writing.

pub mod calendar;
mod decoder;
pub mod encoder;
mod error;
pub mod mask;
pub mod scale_offset;
pub mod time;

pub use calendar::{format_compact, format_iso, format_numpy, Calendar, DateTime, NAT, NS_PER_DAY};
pub use decoder::{CfDecoded, CfDecoder};
pub use encoder::{CfEncoded, CfEncoder};
pub use error::CodingError;
pub use time::TimeUnits;
