//! The CF encoder of one variable: xarray's `encode_cf_variable` for writing (times to
//! `"<unit> since <date>"` numbers, scale/offset packing, NaN to `_FillValue`, the storage
//! dtype), the inverse of [`super::CfDecoder`].
//!
//! It reads what `encoding` asks for (keys as xarray names them) and infers the rest as xarray
//! does; it does no I/O and knows no storage format.

use super::calendar::{Calendar, NAT, NS_PER_DAY};
use super::datetime::DateTime;
use super::mask::{collect_fills, in_storage};
use super::scale::TimeScale;
use super::scale_offset::ScaleOffset;
use super::time::TimeUnits;
use super::CodingError;
use crate::model::{Attrs, Block, DType};
use ndarray::ArrayD;
use serde_json::Value;
use std::fmt::Write as _;

/// How one variable's decoded values become stored values.
#[derive(Debug, Clone, PartialEq)]
pub struct CfEncoder {
    storage: DType,
    scale: f64,
    offset: f64,
    /// The value NaN becomes (in storage units), if any.
    fill: Option<f64>,
    time: Option<(TimeUnits, TimeScale)>,
}

/// What [`CfEncoder::encode_cf`] returns: the encoder and the CF attributes to store.
#[derive(Debug, Clone)]
pub struct CfEncoded {
    /// The encoder.
    pub encoder: CfEncoder,
    /// `units`, `calendar`, `scale_factor`, `add_offset`, `missing_value` to add to the
    /// variable's attributes (not `_FillValue`: its form depends on the storage format).
    pub attrs: Attrs,
    /// The `_FillValue`, in storage units, if the variable has one.
    pub fill_value: Option<f64>,
}

impl CfEncoder {
    /// xarray's CF encoding of variable `name` of dtype `dtype` with `encoding` (xarray's keys:
    /// `dtype`, `_FillValue`, `missing_value`, `scale_factor`, `add_offset`, `units`,
    /// `calendar`). `ticks` are the values of a time variable of `scale`, from which units
    /// are inferred when `encoding` has none (`None` for other variables).
    ///
    /// # Errors
    /// [`CodingError`] for an unusable attribute (a non-numeric fill value, unknown dtype or
    /// calendar, unparseable time units).
    pub fn encode_cf(
        name: &str,
        dtype: DType,
        encoding: &Attrs,
        time: Option<(TimeScale, &[i64])>,
    ) -> Result<CfEncoded, CodingError> {
        let mut attrs = Attrs::new();
        let mut enc = encoding.clone();
        let requested = match enc.get("dtype") {
            // A `_Unsigned` source's dtype is the signed storage of unsigned values: writing
            // the decoded values in it would wrap them.
            Some(_) if enc.contains_key("_Unsigned") => None,
            Some(v) => Some(parse_dtype(name, v)?),
            None => None,
        };
        let units = match time {
            Some((scale, ticks)) => {
                let units = match enc.get("units").and_then(Value::as_str) {
                    Some(u) => u.to_owned(),
                    None => infer_units(ticks, scale),
                };
                let cal_name = match enc.get("calendar").and_then(Value::as_str) {
                    Some(c) => c.to_owned(),
                    // datetime64 values: xarray names their calendar this way.
                    None if scale.is_datetime64() => "proleptic_gregorian".to_owned(),
                    None => scale.calendar.name().to_owned(),
                };
                // The dates are counted in the values' own calendar; a `calendar` asked for in
                // the encoding must name the same one.
                let asked = Calendar::parse(&cal_name, name)?;
                let same = asked == scale.calendar
                    || (scale.is_datetime64()
                        && matches!(asked, Calendar::Standard | Calendar::ProlepticGregorian));
                if !same {
                    return Err(CodingError::BadAttr {
                        variable: name.to_owned(),
                        attr: "calendar".to_owned(),
                        value: Value::from(cal_name).to_string(),
                        reason: format!(
                            "the values are dates of the {} calendar; converting calendars \
                             is not supported",
                            scale.calendar
                        ),
                    });
                }
                let parsed = TimeUnits::parse_for(name, &units, asked)?;
                attrs.insert("units".into(), Value::from(units));
                attrs.insert("calendar".into(), Value::from(cal_name));
                Some((parsed, scale, ticks))
            }
            None => None,
        };
        let (packing, raw) = ScaleOffset::collect(name, &mut enc)?;
        attrs.extend(raw);
        let storage = match (requested, &units) {
            (Some(d), _) => d,
            (None, Some((u, scale, ticks))) => {
                let exact = ticks
                    .iter()
                    .all(|&t| t == NAT || u.encode_exact(t, *scale).is_some());
                if exact {
                    DType::I64
                } else {
                    DType::F64
                }
            }
            (None, None) => dtype,
        };
        let fills = collect_fills(name, &mut enc, storage, None)?;
        for (k, v) in &fills.raw {
            if k == "missing_value" {
                attrs.insert(k.clone(), v.clone());
            }
        }
        // xarray casts the fill value to the storage dtype (`dtype.type(fv)`): a float32
        // variable's 1e20 is stored as float32's nearest, the value its masked data holds.
        let mut fill_value = fills.fill_value.map(|v| in_storage(v, storage));
        let has_nat = units
            .as_ref()
            .is_some_and(|(_, _, ticks)| ticks.contains(&NAT));
        if fill_value.is_none() && !storage.is_float() && has_nat {
            // NaT in integer storage: xarray stores numpy's NaT integer as the fill value.
            #[allow(clippy::cast_precision_loss)] // -2^63 is exact in f64
            let nat = NAT as f64;
            fill_value = Some(nat);
        }
        if fill_value.is_none() && units.is_none() && dtype.is_float() && storage.is_float() {
            // xarray's DefaultFillvalueCoder: float data gets `_FillValue` NaN.
            fill_value = Some(f64::NAN);
        }
        let masked = fill_value.or_else(|| fills.masked.first().copied());
        let encoder = CfEncoder {
            storage,
            scale: packing.scale_value(),
            offset: packing.offset_value(),
            fill: masked,
            time: units.map(|(u, scale, _)| (u, scale)),
        };
        Ok(CfEncoded {
            encoder,
            attrs,
            fill_value,
        })
    }

    /// An encoder of values already in storage units: only the cast to `storage` remains.
    pub fn cast(storage: DType) -> Self {
        CfEncoder {
            storage,
            scale: 1.0,
            offset: 0.0,
            fill: None,
            time: None,
        }
    }

    /// The storage dtype.
    pub fn storage_dtype(&self) -> DType {
        self.storage
    }

    /// Encodes one decoded value: `(x - add_offset) / scale_factor`, rounded half to even for
    /// integer storage (numpy's `around`), NaN to the fill value.
    #[inline]
    pub fn encode(&self, x: f64) -> f64 {
        if x.is_nan() {
            return self.fill.unwrap_or(x);
        }
        let y = (x - self.offset) / self.scale;
        if self.storage.is_float() {
            y
        } else {
            y.round_ties_even()
        }
    }

    /// Encodes decoded values (as the executor computes them, in `f64`) into a storage block.
    pub fn encode_values(&self, values: &ArrayD<f64>) -> Block {
        Block::from_f64(values.mapv(|x| self.encode(x)), self.storage)
    }

    /// Encodes a time variable's ticks (`NaT` included) into a storage block: exactly into
    /// unpacked integer storage, through `f64` otherwise; other variables' values go through
    /// [`CfEncoder::encode_values`].
    #[allow(
        clippy::float_cmp,
        reason = "the exact defaults 1 and 0 mean no packing"
    )]
    pub fn encode_ticks(&self, ticks: &ArrayD<i64>) -> Block {
        let Some((units, scale)) = &self.time else {
            #[allow(clippy::cast_precision_loss)]
            return self.encode_values(&ticks.mapv(|t| t as f64));
        };
        let unpacked = self.scale == 1.0 && self.offset == 0.0;
        if unpacked && !self.storage.is_float() && self.storage != DType::Bool {
            let exact: Option<ArrayD<i64>> = ticks
                .iter()
                .map(|&t| match (t, self.fill) {
                    #[allow(clippy::cast_possible_truncation, reason = "an integer fill value")]
                    (NAT, Some(fill)) => Some(fill as i64),
                    (NAT, None) => Some(NAT),
                    (t, _) => units
                        .encode_exact(t, *scale)
                        .and_then(|v| i64::try_from(v).ok()),
                })
                .collect::<Option<Vec<i64>>>()
                .and_then(|v| ArrayD::from_shape_vec(ticks.raw_dim(), v).ok());
            if let Some(exact) = exact {
                return Block::from_i64(exact, self.storage);
            }
        }
        self.encode_values(&ticks.mapv(|t| units.encode(t, *scale)))
    }
}

/// The first of days, hours, minutes, seconds, milliseconds, microseconds, nanoseconds that
/// divides every step between `ticks` of `scale`, since the first value (xarray's
/// `infer_datetime_units`).
pub fn infer_units(ticks: &[i64], scale: TimeScale) -> String {
    let valid: Vec<i64> = ticks.iter().copied().filter(|&t| t != NAT).collect();
    let reference = valid.first().copied().unwrap_or(0);
    let tick = i128::from(scale.unit.nanos());
    let steps: Vec<i128> = valid
        .windows(2)
        .map(|w| (i128::from(w[1]) - i128::from(w[0])) * tick)
        .collect();
    let units: [(&str, i128); 7] = [
        ("days", i128::from(NS_PER_DAY)),
        ("hours", 3_600_000_000_000),
        ("minutes", 60_000_000_000),
        ("seconds", 1_000_000_000),
        ("milliseconds", 1_000_000),
        ("microseconds", 1_000),
        ("nanoseconds", 1),
    ];
    let unit = units
        .iter()
        .find(|(_, ns)| steps.iter().all(|s| s % ns == 0))
        .map_or("nanoseconds", |(u, _)| u);
    let date = scale
        .datetime(reference)
        .unwrap_or(DateTime::date(1970, 1, 1))
        .numbered(scale.calendar);
    let mut text = format!("{unit} since {}", date.to_cftime_str());
    if !date.nanosecond.is_multiple_of(1_000) {
        let _ = write!(text, "{:03}", date.nanosecond % 1_000);
    }
    text
}

/// A dtype as `encoding={"dtype": ...}` names it: numpy's name (`float32`) or type string
/// (`<f4`, `i2`, `|u1`).
///
/// # Errors
/// [`CodingError::BadAttr`] for anything else.
pub fn parse_dtype(variable: &str, v: &Value) -> Result<DType, CodingError> {
    let text = v.as_str().unwrap_or("");
    let code = text.trim_start_matches(['<', '>', '|', '=']);
    let dtype = match code {
        "bool" | "b1" | "?" => DType::Bool,
        "int8" | "i1" => DType::I8,
        "int16" | "i2" => DType::I16,
        "int32" | "i4" => DType::I32,
        "int64" | "i8" => DType::I64,
        "uint8" | "u1" => DType::U8,
        "uint16" | "u2" => DType::U16,
        "uint32" | "u4" => DType::U32,
        "uint64" | "u8" => DType::U64,
        "float32" | "f4" => DType::F32,
        "float64" | "f8" => DType::F64,
        _ => {
            return Err(CodingError::BadAttr {
                variable: variable.to_owned(),
                attr: "dtype".to_owned(),
                value: v.to_string(),
                reason: "expected a numeric dtype such as \"float32\", \"int16\" or \"<f8\""
                    .to_owned(),
            })
        }
    };
    Ok(dtype)
}

#[cfg(test)]
#[allow(clippy::float_cmp)]
mod tests {
    use super::*;
    use crate::coding::CfDecoder;
    use serde_json::json;

    fn enc(pairs: &[(&str, Value)]) -> Attrs {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect()
    }

    #[test]
    fn packs_rounds_and_masks_like_xarray() {
        let e = enc(&[
            ("dtype", json!("int16")),
            ("scale_factor", json!(0.01)),
            ("add_offset", json!(10.0)),
            ("_FillValue", json!(-32768)),
        ]);
        let out = CfEncoder::encode_cf("t", DType::F64, &e, None).expect("encode");
        assert_eq!(out.encoder.storage_dtype(), DType::I16);
        assert_eq!(out.fill_value, Some(-32768.0));
        assert_eq!(out.encoder.encode(10.125), 12.0); // 12.5 rounds to even
        assert_eq!(out.encoder.encode(f64::NAN), -32768.0);
        let mut attrs = out.attrs.clone();
        attrs.insert("_FillValue".into(), json!(-32768));
        let dec = CfDecoder::decode_cf("t", &attrs, DType::I16, None).expect("decode");
        assert!(dec.decoder.decode(out.encoder.encode(f64::NAN)).is_nan());
        assert!((dec.decoder.decode(out.encoder.encode(11.5)) - 11.5).abs() < 1e-9);
    }

    #[test]
    fn floats_default_to_nan_fill_and_ints_to_none() {
        let f = CfEncoder::encode_cf("x", DType::F32, &Attrs::new(), None).expect("f");
        assert!(f.fill_value.is_some_and(f64::is_nan));
        assert_eq!(f.encoder.storage_dtype(), DType::F32);
        let i = CfEncoder::encode_cf("n", DType::I32, &Attrs::new(), None).expect("i");
        assert_eq!(i.fill_value, None);
    }

    #[test]
    fn times_infer_units_and_round_trip() {
        let cal = TimeScale::cftime(Calendar::NoLeap);
        let t0 = DateTime::date(2000, 2, 28).to_ticks(cal).expect("date");
        let day = cal.ticks_per_day();
        let ticks = [t0, t0 + day, t0 + 3 * day];
        let out = CfEncoder::encode_cf("time", DType::I64, &Attrs::new(), Some((cal, &ticks)))
            .expect("time");
        assert_eq!(out.attrs["units"], json!("days since 2000-02-28 00:00:00"));
        // Exact in int64 where f64 would round: nanoseconds far from the reference.
        let ns = TimeScale::datetime64();
        let far = [0, (1_i64 << 62) + 1];
        let e = enc(&[("units", json!("nanoseconds since 1970-01-01"))]);
        let out_ns = CfEncoder::encode_cf("t", DType::I64, &e, Some((ns, &far))).expect("ns");
        let block = out_ns
            .encoder
            .encode_ticks(&ArrayD::from_shape_vec(vec![2], far.to_vec()).expect("shape"));
        assert_eq!(
            block,
            Block::I64(ArrayD::from_shape_vec(vec![2], far.to_vec()).expect("shape"))
        );
        assert_eq!(out.attrs["calendar"], json!("noleap"));
        assert_eq!(out.encoder.storage_dtype(), DType::I64);
        let block = out
            .encoder
            .encode_ticks(&ArrayD::from_shape_vec(vec![3], ticks.to_vec()).expect("shape"));
        assert_eq!(
            block.to_f64().into_raw_vec_and_offset().0,
            vec![0.0, 1.0, 3.0]
        );
        let hourly = [t0, t0 + day / 24 * 30];
        assert!(infer_units(&hourly, cal).starts_with("hours since"));
        let ns = TimeScale::datetime64();
        let t0 = DateTime::date(2000, 2, 28).to_ticks(ns).expect("date");
        let std = CfEncoder::encode_cf("time", DType::I64, &Attrs::new(), Some((ns, &[t0, NAT])))
            .expect("nat");
        assert_eq!(std.attrs["calendar"], json!("proleptic_gregorian"));
        assert!(std.fill_value.is_some());
    }

    #[test]
    fn dtype_names_and_codes() {
        assert_eq!(parse_dtype("v", &json!("<f4")), Ok(DType::F32));
        assert_eq!(parse_dtype("v", &json!("int16")), Ok(DType::I16));
        assert!(parse_dtype("v", &json!("S10")).is_err());
    }
}
