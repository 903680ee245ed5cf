//! CF mask coder: `_FillValue` / `missing_value` (and the Zarr v2 fill value) -> NaN.
//!
//! Fill values are compared in the storage dtype, as numpy does: a `float32` variable's
//! `_FillValue` of `-9.99e33` (a JSON float64) matches the stored `float32(-9.99e33)`.

use super::CodingError;
use crate::model::{Attrs, DType};
use serde_json::Value;

/// A fill value read from JSON: a number, `"NaN"`/`"Infinity"`/`"-Infinity"`, a boolean, or
/// (Zarr format 3 as xarray writes it for floats) the base64 of a little-endian float64.
pub fn fill_value_from_json(v: &Value, storage: DType) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::Bool(b) => Some(f64::from(u8::from(*b))),
        Value::String(s) => match s.as_str() {
            "NaN" | "nan" | "NAN" => Some(f64::NAN),
            "Infinity" | "inf" | "+Infinity" => Some(f64::INFINITY),
            "-Infinity" | "-inf" => Some(f64::NEG_INFINITY),
            other if storage.is_float() => base64_f64(other),
            other => other.parse().ok(),
        },
        _ => None,
    }
}

/// A fill value as JSON for `encoding`: integers for integer storage, `"NaN"` for NaN.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
pub fn fill_value_to_json(v: f64, storage: DType) -> Value {
    if storage.is_float() || v.fract() != 0.0 || !v.is_finite() {
        serde_json::Number::from_f64(v).map_or_else(|| Value::from(nan_name(v)), Value::Number)
    } else if v < 0.0 {
        Value::from(v as i64)
    } else {
        Value::from(v as u64)
    }
}

fn nan_name(v: f64) -> &'static str {
    if v.is_nan() {
        "NaN"
    } else if v > 0.0 {
        "Infinity"
    } else {
        "-Infinity"
    }
}

fn base64_f64(s: &str) -> Option<f64> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits: u64 = 0;
    let mut nbits = 0;
    let mut out = Vec::with_capacity(8);
    for c in s.trim_end_matches('=').bytes() {
        let v = ALPHABET.iter().position(|&a| a == c)?;
        bits = (bits << 6) | v as u64;
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            out.push(u8::try_from((bits >> nbits) & 0xff).ok()?);
        }
    }
    let bytes: [u8; 8] = out.try_into().ok()?;
    Some(f64::from_le_bytes(bytes))
}

/// Rounds a value to what the storage dtype can hold, so comparisons match numpy's.
#[allow(clippy::cast_possible_truncation)]
pub(crate) fn in_storage(v: f64, storage: DType) -> f64 {
    match storage {
        DType::F32 => f64::from(v as f32),
        _ => v,
    }
}

/// The fill values of a variable: the raw entries for `encoding`, and the values to mask.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fills {
    /// `(attribute, value as stored)` in xarray's order: `missing_value`, then `_FillValue`.
    pub raw: Vec<(String, Value)>,
    /// The `_FillValue` as a number, if any (before `_Unsigned`).
    pub fill_value: Option<f64>,
    /// The non-NaN values that mask (NaN is already missing).
    pub masked: Vec<f64>,
}

/// Collects `missing_value` and `_FillValue` (scalars or lists) from `attrs`, removing them.
///
/// `zarr_fill` is the Zarr v2 array fill value, which xarray uses *as* `_FillValue` (replacing
/// the attribute); pass `None` for format 3, where xarray ignores it for masking. Fill values
/// on `bool` storage are kept in the encoding but do not mask (xarray would make an object
/// array of `True`/`False`/`nan`).
pub fn collect_fills(
    variable: &str,
    attrs: &mut Attrs,
    storage: DType,
    zarr_fill: Option<f64>,
) -> Result<Fills, CodingError> {
    let mut fills = Fills::default();
    if let Some(fv) = zarr_fill {
        attrs.shift_remove("_FillValue");
        attrs.insert("_FillValue".into(), fill_value_to_json(fv, storage));
    }
    for attr in ["missing_value", "_FillValue"] {
        let Some(raw) = attrs.shift_remove(attr) else {
            continue;
        };
        let items: Vec<&Value> = match &raw {
            Value::Array(a) => a.iter().collect(),
            v => vec![v],
        };
        let mut values = Vec::with_capacity(items.len());
        for item in items {
            let v = fill_value_from_json(item, storage).ok_or_else(|| CodingError::BadAttr {
                variable: variable.to_string(),
                attr: attr.to_string(),
                value: raw.to_string(),
                reason: format!("expected a number for {storage} data"),
            })?;
            values.push(v);
        }
        let non_nan: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
        if non_nan.is_empty() && !storage.is_float() {
            // xarray drops a NaN fill on integer data (with a warning).
            continue;
        }
        if attr == "_FillValue" {
            fills.fill_value = values.first().copied();
        }
        if storage != DType::Bool {
            for v in non_nan {
                let v = in_storage(v, storage);
                if !fills.masked.contains(&v) {
                    fills.masked.push(v);
                }
            }
        }
        fills.raw.push((attr.to_string(), raw));
    }
    Ok(fills)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fill_values_from_json() {
        assert_eq!(fill_value_from_json(&json!(-1), DType::I16), Some(-1.0));
        assert!(fill_value_from_json(&json!("NaN"), DType::F32).is_some_and(f64::is_nan));
        assert_eq!(
            fill_value_from_json(&json!("-Infinity"), DType::F64),
            Some(f64::NEG_INFINITY)
        );
        // xarray's FillValueCoder.encode(-9.0, float32) for Zarr format 3.
        assert_eq!(
            fill_value_from_json(&json!("AAAAAAAAIsA="), DType::F32),
            Some(-9.0)
        );
        assert_eq!(fill_value_from_json(&json!({}), DType::F32), None);
        assert_eq!(fill_value_to_json(0.0, DType::I16), json!(0));
        assert_eq!(fill_value_to_json(f64::NAN, DType::F32), json!("NaN"));
    }

    #[test]
    fn collects_and_moves_fill_attributes() {
        let mut attrs: Attrs = [
            ("missing_value".to_string(), json!([5, 6])),
            ("_FillValue".to_string(), json!(-1)),
            ("long_name".to_string(), json!("x")),
        ]
        .into_iter()
        .collect();
        let f = collect_fills("v", &mut attrs, DType::I16, None).expect("fills");
        assert_eq!(f.masked, vec![5.0, 6.0, -1.0]);
        assert_eq!(f.fill_value, Some(-1.0));
        assert_eq!(attrs.keys().collect::<Vec<_>>(), ["long_name"]);
        // The Zarr v2 fill value replaces the attribute.
        let mut attrs: Attrs = [("_FillValue".to_string(), json!(7))].into_iter().collect();
        let f = collect_fills("v", &mut attrs, DType::I32, Some(0.0)).expect("fills");
        assert_eq!(f.masked, vec![0.0]);
        assert_eq!(f.raw, vec![("_FillValue".to_string(), json!(0))]);
    }

    #[test]
    fn nan_and_bool_fills_do_not_mask() {
        let mut attrs = Attrs::new();
        let f = collect_fills("v", &mut attrs, DType::F32, Some(f64::NAN)).expect("fills");
        assert!(f.masked.is_empty());
        assert_eq!(f.raw.len(), 1);
        let f = collect_fills("v", &mut Attrs::new(), DType::Bool, Some(0.0)).expect("fills");
        assert!(f.masked.is_empty());
        let mut attrs: Attrs = [("_FillValue".to_string(), json!("x"))]
            .into_iter()
            .collect();
        let err = collect_fills("sst", &mut attrs, DType::I16, None).expect_err("bad");
        assert!(err.to_string().contains("`sst`: attribute `_FillValue`"));
    }

    #[test]
    fn float32_fill_matches_in_storage_precision() {
        let mut attrs: Attrs = [("_FillValue".to_string(), json!(-9.99e33))]
            .into_iter()
            .collect();
        let f = collect_fills("v", &mut attrs, DType::F32, None).expect("fills");
        assert_eq!(f.masked, vec![f64::from(-9.99e33_f32)]);
    }
}
