//! CF scale/offset coder: `decoded = encoded * scale_factor + add_offset`, and xarray's choice
//! of the decoded float dtype (`_choose_float_dtype`).

use super::CodingError;
use crate::model::{Attrs, DType};
use serde_json::Value;

/// A `scale_factor` or `add_offset` and whether it was stored as an integer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Packing {
    /// The value.
    pub value: f64,
    /// Whether the JSON number was an integer (numpy would type it `int64`).
    pub is_int: bool,
}

/// The packing attributes of a variable.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ScaleOffset {
    /// `scale_factor`, if present.
    pub scale: Option<Packing>,
    /// `add_offset`, if present.
    pub offset: Option<Packing>,
}

impl ScaleOffset {
    /// Removes `scale_factor` and `add_offset` from `attrs`, returning them and their raw values
    /// (for `encoding`).
    pub fn collect(
        variable: &str,
        attrs: &mut Attrs,
    ) -> Result<(Self, Vec<(String, Value)>), CodingError> {
        let mut raw = Vec::new();
        let mut take = |attr: &str| -> Result<Option<Packing>, CodingError> {
            let Some(v) = attrs.shift_remove(attr) else {
                return Ok(None);
            };
            let packing = packing(&v).ok_or_else(|| CodingError::BadAttr {
                variable: variable.to_string(),
                attr: attr.to_string(),
                value: v.to_string(),
                reason: "expected a number".to_string(),
            })?;
            raw.push((attr.to_string(), v));
            Ok(Some(packing))
        };
        let scale = take("scale_factor")?;
        let offset = take("add_offset")?;
        Ok((Self { scale, offset }, raw))
    }

    /// Whether either attribute is present.
    pub fn is_present(&self) -> bool {
        self.scale.is_some() || self.offset.is_some()
    }

    /// The multiplier (1 when absent).
    pub fn scale_value(&self) -> f64 {
        self.scale.map_or(1.0, |p| p.value)
    }

    /// The addend (0 when absent).
    pub fn offset_value(&self) -> f64 {
        self.offset.map_or(0.0, |p| p.value)
    }

    /// xarray's `_choose_float_dtype` for packed data. JSON floats are float64 in Python, so a
    /// float `scale_factor` or any `add_offset` gives float64; an integer `scale_factor` alone
    /// gives int64 (as xarray does), except when values are also masked (`masked`), where
    /// xarray's result is ill-defined and we give float64.
    pub fn decoded_dtype(&self, masked: bool) -> DType {
        match (self.scale, self.offset) {
            (Some(s), None) if s.is_int && !masked => DType::I64,
            _ => DType::F64,
        }
    }
}

fn packing(v: &Value) -> Option<Packing> {
    match v {
        Value::Number(n) => Some(Packing {
            value: n.as_f64()?,
            is_int: !n.is_f64(),
        }),
        Value::Array(a) if a.len() == 1 => packing(&a[0]),
        _ => None,
    }
}

/// numpy's `maybe_promote` for masking unpacked data: small ints -> float32, other ints ->
/// float64, floats unchanged.
pub fn masked_dtype(storage: DType) -> DType {
    match storage {
        DType::I8 | DType::I16 | DType::U8 | DType::U16 | DType::F32 => DType::F32,
        _ => DType::F64,
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn collects_and_chooses_dtypes() {
        let mut attrs: Attrs = [
            ("scale_factor".to_string(), json!(0.5)),
            ("add_offset".to_string(), json!(1.0)),
            ("units".to_string(), json!("K")),
        ]
        .into_iter()
        .collect();
        let (so, raw) = ScaleOffset::collect("t", &mut attrs).expect("packing");
        assert_eq!(raw.len(), 2);
        assert_eq!(attrs.len(), 1);
        assert_eq!((so.scale_value(), so.offset_value()), (0.5, 1.0));
        assert_eq!(so.decoded_dtype(false), DType::F64);
        let mut attrs: Attrs = [("scale_factor".to_string(), json!(2))]
            .into_iter()
            .collect();
        let (so, _) = ScaleOffset::collect("t", &mut attrs).expect("packing");
        assert_eq!(so.decoded_dtype(false), DType::I64);
        assert_eq!(masked_dtype(DType::U16), DType::F32);
        assert_eq!(masked_dtype(DType::I32), DType::F64);
        let mut attrs: Attrs = [("add_offset".to_string(), json!("x"))]
            .into_iter()
            .collect();
        assert!(ScaleOffset::collect("t", &mut attrs).is_err());
    }

    #[test]
    fn decode_then_encode_round_trips() {
        let so = ScaleOffset {
            scale: Some(Packing {
                value: 0.01,
                is_int: false,
            }),
            offset: Some(Packing {
                value: 273.15,
                is_int: false,
            }),
        };
        for raw in [-32767.0_f64, -1.0, 0.0, 1.0, 12345.0, 32767.0] {
            let decoded = raw * so.scale_value() + so.offset_value();
            let back = ((decoded - so.offset_value()) / so.scale_value()).round();
            assert_eq!(back, raw);
        }
    }
}
