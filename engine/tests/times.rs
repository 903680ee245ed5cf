//! Property tests of CF time coding: random offsets in every calendar and unit round-trip
//! through decoding and encoding (exactly for integers), and times written with inferred units
//! read back as the same dates.

use ndarray::ArrayD;
use nereus_engine::coding::{
    decode_times, Calendar, CfDecoder, CfEncoder, TimeNumbers, TimeScale, TimeUnits, NAT,
};
use nereus_engine::model::{Attrs, Block, DType};
use proptest::prelude::*;

const CALENDARS: [Calendar; 6] = Calendar::ALL;
/// Units and how many of them make roughly 5,000 years, at most 2^52: offsets (and steps
/// between them) stay inside 2^53, as xarray hands cftime integers as float64.
const UNITS: [(&str, i64); 6] = [
    ("days", 1_800_000),
    ("hours", 43_800_000),
    ("minutes", 2_600_000_000),
    ("seconds", 157_000_000_000),
    ("milliseconds", 157_000_000_000_000),
    ("microseconds", 1 << 52),
];

fn units() -> impl Strategy<Value = (TimeUnits, i64)> {
    (
        0..CALENDARS.len(),
        0..UNITS.len(),
        1..4000_i64,
        1..=12_u8,
        1..=28_u8,
    )
        .prop_map(|(c, u, year, month, day)| {
            let (unit, span) = UNITS[u];
            let text = format!("{unit} since {year:04}-{month:02}-{day:02} 06:30:00");
            let parsed = TimeUnits::parse(&text, CALENDARS[c]).expect("valid units");
            (parsed, span)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn integer_offsets_round_trip_exactly(
        (u, span) in units(),
        raw in prop::collection::vec(any::<i64>(), 1..20),
    ) {
        let values: Vec<Option<i128>> = raw.iter().map(|&r| Some(i128::from(r % span))).collect();
        let (scale, ticks) = decode_times("t", &u, &TimeNumbers::Int(values.clone()))
            .expect("in range");
        for (t, v) in ticks.iter().zip(&values) {
            prop_assert_ne!(*t, NAT);
            prop_assert_eq!(u.encode_exact(*t, scale), *v);
        }
    }

    #[test]
    fn float_offsets_decode_again_to_the_same_ticks(
        (u, span) in units(),
        raw in prop::collection::vec(-1.0..1.0_f64, 1..20),
    ) {
        #[allow(clippy::cast_precision_loss)]
        let values: Vec<f64> = raw.iter().map(|&r| r * span as f64 / 7.0).collect();
        let (scale, ticks) = decode_times("t", &u, &TimeNumbers::Float(values)).expect("in range");
        let again: Vec<f64> = ticks.iter().map(|&t| u.encode(t, scale)).collect();
        let (scale2, ticks2) = decode_times("t", &u, &TimeNumbers::Float(again)).expect("again");
        prop_assert_eq!(scale, scale2);
        prop_assert_eq!(ticks, ticks2);
    }

    #[test]
    fn inferred_units_read_back_as_the_same_dates(
        (u, span) in units(),
        raw in prop::collection::vec(any::<i64>(), 1..12),
    ) {
        let values: Vec<Option<i128>> = raw.iter().map(|&r| Some(i128::from(r % span))).collect();
        let (scale, ticks) = decode_times("t", &u, &TimeNumbers::Int(values)).expect("in range");
        let out = CfEncoder::encode_cf("t", DType::I64, &Attrs::new(), Some((scale, &ticks)))
            .expect("encodes");
        let n = ticks.len();
        let stored = out.encoder.encode_ticks(&ArrayD::from_shape_vec(vec![n], ticks.clone()).expect("shape"));
        let decoded = CfDecoder::decode_cf("t", &out.attrs, stored.dtype(), None).expect("decoder");
        let (back_scale, back) = decoded.decoder.decode_times("t", &stored).expect("a time").expect("decodes");
        let dates = |s: TimeScale, t: &[i64]| t.iter().map(|&t| s.format_iso(t)).collect::<Vec<_>>();
        prop_assert_eq!(dates(back_scale, back.as_slice().expect("1-D")), dates(scale, &ticks));
        prop_assert!(matches!(stored, Block::I64(_) | Block::F64(_)));
    }
}

/// A 1-D array along `time` with these ticks of `scale` as its time coordinate.
fn along_time(scale: TimeScale, ticks: Vec<i64>) -> nereus_engine::model::DataArray {
    use nereus_engine::model::{Data, DataArray, Variable};
    use std::sync::Arc;
    let n = ticks.len();
    let mut time = Variable::new(
        vec!["time".to_owned()],
        Data::Memory(Arc::new(Block::I64(
            ArrayD::from_shape_vec(vec![n], ticks).expect("1-D"),
        ))),
    );
    scale.mark(&mut time.encoding);
    let values = Block::F64(ArrayD::from_elem(vec![n], 1.0));
    DataArray {
        name: Some("v".to_owned()),
        variable: Variable::new(vec!["time".to_owned()], Data::Memory(Arc::new(values))),
        coords: [("time".to_owned(), time)].into_iter().collect(),
    }
}

#[test]
fn concat_keeps_times_exact_and_refuses_mixed_scales() {
    use nereus_engine::model::Data;
    use nereus_engine::ops::combine::concat;
    use nereus_engine::ops::Join;
    // Milliseconds in 2000: about 9.5e17 ns, beyond f64's exact integers.
    let ns = TimeScale::new(
        Calendar::Standard,
        nereus_engine::coding::TickUnit::Nanosecond,
    );
    let t0 = 946_684_800_001_000_000_i64;
    let a = along_time(ns, vec![t0, t0 + 1_000_000]);
    let b = along_time(ns, vec![t0 + 2_000_000, t0 + 3_000_000]);
    let joined = concat(&[a.clone(), b], "time", Join::Outer).expect("same scale");
    let Data::Memory(block) = &joined.coords["time"].data else {
        panic!("times stay in memory")
    };
    let want: Vec<i64> = (0..4).map(|k| t0 + k * 1_000_000).collect();
    assert_eq!(block.to_i128().map(|v| v.len()), Some(4));
    assert_eq!(
        block.as_ref(),
        &Block::I64(ArrayD::from_shape_vec(vec![4], want).expect("1-D"))
    );
    let cf = along_time(TimeScale::cftime(Calendar::NoLeap), vec![0, 1]);
    let err = concat(&[a, cf], "time", Join::Outer).expect_err("datetime64 with noleap dates");
    assert!(err.to_string().contains("noleap"), "{err}");
}
