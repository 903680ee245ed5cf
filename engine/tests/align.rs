//! Label alignment in arithmetic and `align`, and `open_zarr(chunks=...)`: results, the plans
//! they build (nothing extra when labels agree) and the errors, worded as xarray's.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::float_cmp,
    clippy::many_single_char_names,
    clippy::unnecessary_literal_bound
)]

mod common;

use common::source::FnSource;
use common::zarr::{array_v3, temp_store, v3_meta, write};
use ndarray::{ArrayD, IxDyn};
use nereus_engine::exec::{CancelToken, Context, ExecConfig};
use nereus_engine::io::{ChunkSource, IoError, Rechunked};
use nereus_engine::model::{Block, DType, Data, DataArray, Variable};
use nereus_engine::ops::arith::plan_of;
use nereus_engine::ops::{
    align, open_zarr, open_zarr_chunked, ChunkSize, Chunks, Indexer, Join, MapOp, Node,
    OpenOptions, Operand, Plan, PlanError,
};
use std::sync::Arc;

fn f64s(shape: &[usize], values: Vec<f64>) -> Arc<Block> {
    Arc::new(Block::F64(
        ArrayD::from_shape_vec(IxDyn(shape), values).unwrap(),
    ))
}

fn coord(dim: &str, labels: &[f64]) -> (String, Variable) {
    let block = f64s(&[labels.len()], labels.to_vec());
    (
        dim.to_owned(),
        Variable::new(vec![dim.to_owned()], Data::Memory(block)),
    )
}

/// A lazy (t, x) array over a chunked source, with index `x` (and `t` 0..nt).
fn lazy(name: &str, nt: usize, x: &[f64], offset: f64) -> DataArray {
    let n = nt * x.len();
    let data = ArrayD::from_shape_vec(
        IxDyn(&[nt, x.len()]),
        (0..n).map(|i| i as f64 + offset).collect(),
    )
    .unwrap();
    let source = Arc::new(FnSource::memory(data, &[2, 3]));
    let expr = Plan::source(
        source,
        nereus_engine::coding::CfDecoder::identity(DType::F64),
    );
    let t: Vec<f64> = (0..nt).map(|i| i as f64).collect();
    DataArray {
        name: Some(name.to_owned()),
        variable: Variable::new(vec!["t".into(), "x".into()], Data::Lazy(expr)),
        coords: [coord("t", &t), coord("x", x)].into_iter().collect(),
    }
}

fn compute(da: &DataArray) -> DataArray {
    let cancel = CancelToken::new();
    let ctx = Context {
        config: ExecConfig {
            threads: 1,
            ..ExecConfig::default()
        },
        progress: None,
        cancel: &cancel,
    };
    da.compute(&ctx).unwrap()
}

fn values(da: &DataArray) -> Vec<f64> {
    match &compute(da).variable.data {
        Data::Memory(b) => b.to_f64().iter().copied().collect(),
        Data::Lazy(_) => unreachable!(),
    }
}

fn labels(da: &DataArray, dim: &str) -> Vec<f64> {
    match &da.coords[dim].data {
        Data::Memory(b) => b.to_f64().iter().copied().collect(),
        Data::Lazy(_) => panic!("index {dim} is lazy"),
    }
}

const X: [f64; 6] = [0.0, 1.5, 3.0, 4.5, 6.0, 7.5];

#[test]
fn equal_labels_plan_no_selection() {
    let a = lazy("a", 3, &X, 0.0);
    let b = lazy("b", 3, &X, 100.0);
    let c = a.binary(MapOp::Add, &Operand::array(b.clone())).unwrap();
    let Node::Map { inputs, .. } = &plan_of(&c.variable).node else {
        panic!("not a map");
    };
    assert!(Arc::ptr_eq(&inputs[0].0, &plan_of(&a.variable)));
    assert!(Arc::ptr_eq(&inputs[1].0, &plan_of(&b.variable)));
    assert_eq!(labels(&c, "x"), X);
}

#[test]
fn inner_join_keeps_common_labels_in_first_order() {
    let a = lazy("a", 2, &X, 0.0);
    let b = a
        .isel(&[(
            "x".into(),
            Indexer::Slice {
                start: Some(2),
                stop: None,
                step: None,
            },
        )])
        .unwrap();
    let c = a.binary(MapOp::Sub, &Operand::array(b)).unwrap();
    assert_eq!(c.shape(), vec![2, 4]);
    assert_eq!(labels(&c, "x"), &X[2..]);
    assert!(values(&c).iter().all(|&v| v == 0.0));

    // Reversed labels on the left: the result follows the left operand's order.
    let rev = lazy("r", 2, &[7.5, 6.0, 4.5, 3.0, 1.5, 0.0], 0.0);
    let d = rev
        .binary(MapOp::Add, &Operand::array(lazy("b", 2, &X[1..4], 0.0)))
        .unwrap();
    assert_eq!(labels(&d, "x"), [4.5, 3.0, 1.5]);
    // rev holds 0..5 along x for t=0 at labels 7.5..0; b holds 0,1,2 at 1.5,3,4.5.
    assert_eq!(values(&d)[..3], [2.0 + 2.0, 3.0 + 1.0, 4.0 + 0.0]);
    // The chunk structure survives a contiguous selection.
    let Data::Lazy(l) = &c.variable.data else {
        panic!("lazy");
    };
    assert_eq!(l.chunks()[1], vec![1, 3]);
}

#[test]
fn disjoint_labels_give_an_empty_result() {
    let a = lazy("a", 2, &X[..2], 0.0);
    let b = lazy("b", 2, &X[3..], 0.0);
    let c = a.binary(MapOp::Add, &Operand::array(b)).unwrap();
    assert_eq!(c.shape(), vec![2, 0]);
    assert!(values(&c).is_empty());
}

#[test]
fn sizes_without_index_must_agree() {
    let mut a = lazy("a", 2, &X, 0.0);
    let mut b = lazy("b", 2, &X[..4], 0.0);
    a.coords.shift_remove("x");
    b.coords.shift_remove("x");
    let err = a
        .binary(MapOp::Add, &Operand::array(b.clone()))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot reindex or align along dimension 'x' because of conflicting dimension sizes: {4, 6}"
    );
    let indexed = lazy("c", 2, &X, 0.0);
    let err = indexed.binary(MapOp::Add, &Operand::array(b)).unwrap_err();
    assert!(
        err.to_string()
            .ends_with("{4, 6} (note: an index is found along that dimension with size=6)"),
        "{err}"
    );
    // Same size without an index on one side: positions match, the index is kept.
    let c = indexed.binary(MapOp::Add, &Operand::array(a)).unwrap();
    assert_eq!(labels(&c, "x"), X);
}

#[test]
fn duplicate_labels_cannot_align() {
    let a = lazy("a", 1, &[0.0, 1.5, 1.5], 0.0);
    let b = lazy("b", 1, &[0.0, 1.5], 0.0);
    assert!(matches!(
        a.binary(MapOp::Add, &Operand::array(b)),
        Err(PlanError::DuplicateLabels { .. })
    ));
    // Equal indexes need no alignment, duplicates or not.
    let c = a.binary(MapOp::Add, &Operand::array(a.clone())).unwrap();
    assert_eq!(c.shape(), vec![1, 3]);
}

#[test]
fn nan_labels_match_each_other() {
    let a = lazy("a", 1, &[1.0, f64::NAN, 2.0], 0.0);
    let b = lazy("b", 1, &[f64::NAN, 2.0, 5.0], 0.0);
    let c = a.binary(MapOp::Add, &Operand::array(b)).unwrap();
    let got = labels(&c, "x");
    assert!(got[0].is_nan() && got[1] == 2.0 && got.len() == 2);
}

#[test]
fn conflicting_non_index_coords_are_dropped() {
    let a = lazy("a", 2, &X, 0.0);
    let mut p = a.clone();
    p.coords.insert("lab".into(), coord("x", &[1.0; 6]).1);
    let mut q = a.clone();
    q.coords.insert("lab".into(), coord("x", &[2.0; 6]).1);
    let r = p.binary(MapOp::Add, &Operand::array(q)).unwrap();
    assert!(!r.coords.contains_key("lab"));
    let r = p.binary(MapOp::Add, &Operand::array(p.clone())).unwrap();
    assert!(r.coords.contains_key("lab"));
    // Scalar coordinates left by different isel positions conflict too.
    let t0 = a.isel(&[("t".into(), Indexer::Int(0))]).unwrap();
    let t1 = a.isel(&[("t".into(), Indexer::Int(1))]).unwrap();
    let r = t0.binary(MapOp::Sub, &Operand::array(t1)).unwrap();
    assert!(!r.coords.contains_key("t"));
    assert!(r.coords.contains_key("x"));
    let r = t0.binary(MapOp::Sub, &Operand::array(t0.clone())).unwrap();
    assert!(r.coords.contains_key("t"));
}

#[test]
fn align_exact_inner_and_nan_filling_joins() {
    let a = lazy("a", 1, &X[..4], 0.0);
    let b = lazy("b", 1, &X[2..], 10.0);
    let err = align(&[a.clone(), b.clone()], Join::Exact).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot align objects with join='exact' where index/labels/sizes are not equal along these coordinates (dimensions): 'x' ('x',)"
    );
    let inner = align(&[a.clone(), b.clone()], Join::Inner).unwrap();
    assert_eq!(values(&inner[0]), [2.0, 3.0]);
    assert_eq!(values(&inner[1]), [10.0, 11.0]);

    let left = align(&[a.clone(), b.clone()], Join::Left).unwrap();
    assert_eq!(labels(&left[1], "x"), &X[..4]);
    let v = values(&left[1]);
    assert!(v[0].is_nan() && v[1].is_nan() && v[2..] == [10.0, 11.0]);

    let right = align(&[a.clone(), b.clone()], Join::Right).unwrap();
    assert_eq!(labels(&right[0], "x"), &X[2..]);
    let v = values(&right[0]);
    assert!(v[..2] == [2.0, 3.0] && v[2].is_nan() && v[3].is_nan());

    let outer = align(&[b, a], Join::Outer).unwrap();
    assert_eq!(labels(&outer[0], "x"), X);
    assert_eq!(labels(&outer[1], "x"), X);
    let v = values(&outer[0]);
    assert!(v[0].is_nan() && v[1].is_nan() && v[2..] == [10.0, 11.0, 12.0, 13.0]);
    let v = values(&outer[1]);
    assert!(v[..4] == [0.0, 1.0, 2.0, 3.0] && v[4].is_nan() && v[5].is_nan());
    assert_eq!(Join::parse("outer"), Some(Join::Outer));
    assert_eq!(Join::parse("sideways"), None);
}

#[test]
fn rechunked_source_reports_and_serves_new_chunks() {
    let data = ArrayD::from_shape_vec(IxDyn(&[5, 7]), (0..35).map(f64::from).collect()).unwrap();
    let inner: Arc<dyn ChunkSource> = Arc::new(FnSource::memory(data, &[2, 3]));
    let same = Rechunked::wrap(Arc::clone(&inner), &[2, 3]);
    assert!(Arc::ptr_eq(&same, &inner));
    let src = Rechunked::wrap(inner, &[5, 4]);
    assert_eq!(src.chunks(), [5, 4]);
    let Block::F64(chunk) = src.read_chunk(&[0, 1]).unwrap() else {
        panic!("dtype");
    };
    assert_eq!(chunk.shape(), [5, 3]);
    assert_eq!(chunk[[1, 0]], 11.0);
    assert!(matches!(
        src.read_chunk(&[1, 0]),
        Err(IoError::OutOfBounds { .. })
    ));
    let expr = Plan::source(src, nereus_engine::coding::CfDecoder::identity(DType::F64));
    assert_eq!(expr.chunk_sizes(), [vec![5], vec![4, 3]]);
}

#[test]
fn open_with_chunks_retiles_lazily_and_checks_its_input() {
    // 10 x 4 x 6 float32 in 4 x 4 x 3 chunks, some of it NaN (land).
    let path = temp_store("sst");
    let codecs = serde_json::json!([{"name": "bytes", "configuration": {"endian": "little"}}]);
    let meta = v3_meta(
        "float32",
        &[10, 4, 6],
        &[4, 4, 3],
        &serde_json::json!("NaN"),
        &codecs,
        &["time", "lat", "lon"],
    );
    #[allow(clippy::cast_precision_loss)]
    let stored: Vec<f32> = (0..240)
        .map(|i| if i % 7 == 3 { f32::NAN } else { i as f32 / 8.0 })
        .collect();
    array_v3(&path, "sst", &meta, &stored);
    write(
        &path.join("zarr.json"),
        &serde_json::json!({"zarr_format": 3, "node_type": "group", "attributes": {}}),
    );
    let plain = open_zarr(&path, OpenOptions::default()).unwrap();
    let sst = plain.get("sst").unwrap();
    let dims = sst.dims().to_vec();
    let Data::Lazy(l) = &sst.variable.data else {
        panic!("lazy");
    };
    let storage = l.chunks();
    let open = |chunks: &Chunks| open_zarr_chunked(&path, OpenOptions::default(), chunks);
    let chunks_of = |chunks: &Chunks| {
        let ds = open(chunks).unwrap();
        let Data::Lazy(l) = ds.get("sst").unwrap().variable.data else {
            panic!("lazy");
        };
        l.chunks()
    };
    assert_eq!(chunks_of(&Chunks::Storage), storage);
    let whole = chunks_of(&Chunks::All(ChunkSize::Whole));
    assert_eq!(
        whole,
        sst.shape().iter().map(|&n| vec![n]).collect::<Vec<_>>()
    );
    let first = dims[0].clone();
    let n0 = sst.shape()[0];
    let got = chunks_of(&Chunks::Dims(vec![(first.clone(), ChunkSize::from_int(3))]));
    let mut want = vec![3; n0 / 3];
    if !n0.is_multiple_of(3) {
        want.push(n0 % 3);
    }
    assert_eq!(got[0], want);
    assert_eq!(got[1..], storage[1..]);
    // Same values whatever the chunks.
    let rechunked = open(&Chunks::Dims(vec![(first.clone(), ChunkSize::from_int(3))]))
        .unwrap()
        .get("sst")
        .unwrap();
    let (x, y) = (values(&sst), values(&rechunked));
    assert!(x
        .iter()
        .zip(&y)
        .all(|(a, b)| a == b || (a.is_nan() && b.is_nan())));

    let misspelt = format!("{first}x");
    let err = open(&Chunks::Dims(vec![(misspelt, ChunkSize::from_int(3))])).unwrap_err();
    assert!(
        err.to_string().contains(&format!("did you mean {first:?}")),
        "{err}"
    );
    let err = open(&Chunks::Dims(vec![(first, ChunkSize::from_int(0))])).unwrap_err();
    assert!(err.to_string().contains("chunk size 0"), "{err}");
    let err = open(&Chunks::All(ChunkSize::from_int(-2))).unwrap_err();
    assert!(err.to_string().contains("chunk size -2"), "{err}");
}

#[test]
fn numpy_operands_take_the_trailing_dimensions() {
    let a = lazy("a", 2, &X[..3], 0.0);
    // The array's own values: element-wise, never an outer product.
    let same = f64s(&[2, 3], (0..6).map(f64::from).collect());
    let d = a.binary(MapOp::Sub, &Operand::Positional(same)).unwrap();
    assert_eq!(d.dims(), ["t", "x"]);
    assert_eq!(d.name.as_deref(), Some("a"));
    assert!(values(&d).iter().all(|&v| v == 0.0));
    // A row broadcasts over t; a (2, 1) column over x.
    let row = f64s(&[3], vec![10.0, 20.0, 30.0]);
    let r = a
        .binary_reflected(MapOp::Sub, &Operand::Positional(row))
        .unwrap();
    assert_eq!(values(&r), [10.0, 19.0, 28.0, 7.0, 16.0, 25.0]);
    let col = f64s(&[2, 1], vec![1.0, 2.0]);
    let c = a.binary(MapOp::Mul, &Operand::Positional(col)).unwrap();
    assert_eq!(values(&c), [0.0, 1.0, 2.0, 6.0, 8.0, 10.0]);
}

#[test]
fn numpy_operands_alone_broadcast_as_numpy() {
    let row = f64s(&[1, 3], vec![1.0, 2.0, 3.0]);
    let col = f64s(&[2, 1], vec![10.0, 20.0]);
    let s = nereus_engine::ops::arith::apply(
        MapOp::Add,
        &[Operand::Positional(row), Operand::Positional(col)],
    )
    .unwrap();
    assert_eq!(s.dims(), ["dim_0", "dim_1"]);
    assert_eq!(values(&s), [11.0, 12.0, 13.0, 21.0, 22.0, 23.0]);
}

#[test]
fn numpy_operands_that_do_not_fit_are_errors() {
    let a = lazy("a", 2, &X[..3], 0.0);
    let err = |block| {
        a.binary(MapOp::Add, &Operand::Positional(block))
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        err(f64s(&[2], vec![0.0; 2])),
        "operands could not be broadcast together with shapes (2,3) (2,)"
    );
    assert_eq!(
        err(f64s(&[1, 2, 3], vec![0.0; 6])),
        "dimensions ('t', 'x') must have the same length as the number of data dimensions, ndim=3"
    );
    let one = lazy("a", 1, &X[..3], 0.0);
    let stretch = one
        .binary(
            MapOp::Add,
            &Operand::Positional(f64s(&[2, 3], vec![0.0; 6])),
        )
        .unwrap_err();
    assert!(matches!(stretch, PlanError::StretchByNumpy { ref dim, len: 2 } if dim == "t"));
}
