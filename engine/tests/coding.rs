//! CF decoding against what xarray 2026.9 + zarr 3.1 produce for the same attributes (checked by
//! hand with `xr.open_zarr`), and round trips of each coder.
#![allow(clippy::float_cmp)] // exact values are the point

use ndarray::ArrayD;
use nereus_engine::coding::{Calendar, CfDecoder, TimeScale, NAT};
use nereus_engine::model::{Attrs, Block, DType};
use serde_json::{json, Value};

fn attrs(v: Value) -> Attrs {
    match v {
        Value::Object(m) => m.into_iter().collect(),
        _ => Attrs::new(),
    }
}

fn decode_all(d: &CfDecoder, raw: &[f64]) -> Vec<f64> {
    raw.iter().map(|&x| d.decode(x)).collect()
}

fn same(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| (x.is_nan() && y.is_nan()) || x == y)
}

#[test]
fn zarr_v2_fill_value_masks_integers_like_xarray() {
    // xarray: int16 with Zarr v2 fill_value 0 -> float32 [nan 1 1]; int32 -> float64.
    let d = CfDecoder::decode_cf("i16", &Attrs::new(), DType::I16, Some(0.0)).expect("decoder");
    assert_eq!(d.decoder.dtype(), DType::F32);
    assert!(same(
        &decode_all(&d.decoder, &[0.0, 1.0, 1.0]),
        &[f64::NAN, 1.0, 1.0]
    ));
    assert_eq!(d.encoding.get("_FillValue"), Some(&json!(0)));
    let d = CfDecoder::decode_cf("i32", &Attrs::new(), DType::I32, Some(0.0)).expect("decoder");
    assert_eq!(d.decoder.dtype(), DType::F64);
    // Format 3 passes no Zarr fill value: nothing is masked.
    let d = CfDecoder::decode_cf("v3", &Attrs::new(), DType::I16, None).expect("decoder");
    assert!(d.decoder.is_identity());
    assert_eq!(d.decoder.dtype(), DType::I16);
}

#[test]
fn packed_with_missing_values_like_xarray() {
    // xarray: int16, fill -1, scale 0.5, offset 1.0, missing_value [5, 6]: [-1 5 3] -> [nan nan 2.5].
    let a = attrs(
        json!({"scale_factor": 0.5, "add_offset": 1.0, "missing_value": [5, 6], "long_name": "sc"}),
    );
    let d = CfDecoder::decode_cf("sc", &a, DType::I16, Some(-1.0)).expect("decoder");
    assert_eq!(d.decoder.dtype(), DType::F64);
    assert!(same(
        &decode_all(&d.decoder, &[-1.0, 5.0, 3.0]),
        &[f64::NAN, f64::NAN, 2.5]
    ));
    assert_eq!(d.attrs.keys().collect::<Vec<_>>(), ["long_name"]);
    let keys: Vec<&String> = d.encoding.keys().collect();
    assert_eq!(
        keys,
        ["missing_value", "_FillValue", "scale_factor", "add_offset"]
    );
    // Decode then encode gives back the stored value.
    for raw in [-32768.0, 0.0, 3.0, 32767.0] {
        assert_eq!(d.decoder.encode(d.decoder.decode(raw)), raw);
    }
    // xarray: an integer scale_factor alone keeps integers (int64).
    let d = CfDecoder::decode_cf("sc32", &attrs(json!({"scale_factor": 2})), DType::I32, None)
        .expect("decoder");
    assert_eq!(d.decoder.dtype(), DType::I64);
    let block = Block::I32(ArrayD::from_shape_vec(vec![3], vec![-1, 5, 3]).expect("shape"));
    assert_eq!(
        d.decoder.decode_block(&block),
        Block::I64(ArrayD::from_shape_vec(vec![3], vec![-2, 10, 6]).expect("shape"))
    );
}

#[test]
fn unsigned_and_base64_fill_like_xarray() {
    // xarray: int8, fill -1, _Unsigned "true": [-1 -2 3] -> float32 [nan 254 3].
    let d = CfDecoder::decode_cf(
        "un",
        &attrs(json!({"_Unsigned": "true"})),
        DType::I8,
        Some(-1.0),
    )
    .expect("decoder");
    assert_eq!(d.decoder.dtype(), DType::F32);
    assert!(same(
        &decode_all(&d.decoder, &[-1.0, -2.0, 3.0]),
        &[f64::NAN, 254.0, 3.0]
    ));
    assert_eq!(d.encoding.get("_Unsigned"), Some(&json!("true")));
    // Without a fill value, _Unsigned only reinterprets: uint8 out.
    let d = CfDecoder::decode_cf("un", &attrs(json!({"_Unsigned": "true"})), DType::I8, None)
        .expect("decoder");
    assert_eq!(d.decoder.dtype(), DType::U8);
    let block = Block::I8(ArrayD::from_shape_vec(vec![2], vec![-1, 7]).expect("shape"));
    assert_eq!(
        d.decoder.decode_block(&block),
        Block::U8(ArrayD::from_shape_vec(vec![2], vec![255, 7]).expect("shape"))
    );
    // xarray writes format-3 float _FillValue as base64 of a float64 (here -9.0).
    let d = CfDecoder::decode_cf(
        "f",
        &attrs(json!({"_FillValue": "AAAAAAAAIsA="})),
        DType::F32,
        None,
    )
    .expect("decoder");
    assert_eq!(d.decoder.dtype(), DType::F32);
    assert!(same(
        &decode_all(&d.decoder, &[1.0, -9.0, 3.0]),
        &[1.0, f64::NAN, 3.0]
    ));
}

#[test]
fn bool_fill_is_kept_but_does_not_mask() {
    let d = CfDecoder::decode_cf("b", &Attrs::new(), DType::Bool, Some(0.0)).expect("decoder");
    assert!(d.decoder.is_identity());
    assert_eq!(d.encoding.get("_FillValue"), Some(&json!(0)));
}

/// The dates of stored time values, decoded whole as `open_zarr` does.
fn times(d: &CfDecoder, block: &Block) -> (TimeScale, Vec<String>) {
    let (scale, ticks) = d
        .decode_times("time", block)
        .expect("a time")
        .expect("decodes");
    (
        scale,
        ticks.iter().map(|&t| scale.format_compact(t)).collect(),
    )
}

#[test]
fn times_decode_to_calendar_ticks() {
    let a = attrs(json!({"units": "days since 2000-01-01", "calendar": "noleap", "axis": "T"}));
    let d = CfDecoder::decode_cf("time", &a, DType::I32, None).expect("decoder");
    assert_eq!(d.decoder.dtype(), DType::I64);
    let block = Block::I32(ArrayD::from_shape_vec(vec![4], vec![0, 59, 365, 366]).expect("shape"));
    let (scale, shown) = times(&d.decoder, &block);
    assert_eq!(scale, TimeScale::cftime(Calendar::NoLeap));
    assert_eq!(
        shown,
        [
            "2000-01-01 00:00:00",
            "2000-03-01 00:00:00",
            "2001-01-01 00:00:00",
            "2001-01-02 00:00:00"
        ]
    );
    assert_eq!(d.attrs.keys().collect::<Vec<_>>(), ["axis"]);
    assert_eq!(
        d.encoding.get("units"),
        Some(&json!("days since 2000-01-01"))
    );
    assert_eq!(d.encoding.get("calendar"), Some(&json!("noleap")));
    // A masked time is NaT, in integer storage as in float.
    let a = attrs(json!({"units": "hours since 1950-01-01 00:00:00"}));
    let d = CfDecoder::decode_cf("t", &a, DType::I32, Some(-1.0)).expect("decoder");
    let block = Block::I32(ArrayD::from_shape_vec(vec![2], vec![-1, 36]).expect("shape"));
    let (scale, shown) = times(&d.decoder, &block);
    assert!(scale.is_datetime64());
    assert_eq!(shown, ["NaT", "1950-01-02T12:00:00"]);
    assert_eq!(scale.format_element(NAT), "NaT");
    // decode_times=False: units stay in attrs.
    let (dec, attrs_left, _) = CfDecoder::from_attrs("t", &a, DType::I32, None).expect("decoder");
    assert!(attrs_left.contains_key("units"));
    assert_eq!(dec.decode(36.0), 36.0);
}

#[test]
fn bad_cf_attributes_name_the_variable() {
    let a = attrs(json!({"units": "days since 2000-01-01", "calendar": "360day"}));
    let err = CfDecoder::decode_cf("time", &a, DType::F64, None).expect_err("calendar");
    assert_eq!(
        err.to_string(),
        "variable `time`: unknown calendar `360day` (did you mean `360_day`?)"
    );
    let a = attrs(json!({"units": "days since the beginning"}));
    let err = CfDecoder::decode_cf("time", &a, DType::F64, None).expect_err("units");
    assert!(
        err.to_string()
            .starts_with("variable `time`: cannot decode time units `days since the beginning`"),
        "{err}"
    );
    let a = attrs(json!({"scale_factor": "big"}));
    let err = CfDecoder::decode_cf("sst", &a, DType::I16, None).expect_err("scale");
    assert!(
        err.to_string()
            .starts_with("variable `sst`: attribute `scale_factor`"),
        "{err}"
    );
    // Units without `since` are not times (xarray leaves `days` alone unless decode_timedelta).
    let d = CfDecoder::decode_cf("dt", &attrs(json!({"units": "days"})), DType::F64, None)
        .expect("decoder");
    assert!(d.decoder.is_identity());
}
