//! `to_zarr`: round trips through `open_zarr` in formats 2 and 3, the modes and their errors,
//! append and region writes, CF encoding, progress, and atomicity under cancellation.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::float_cmp,
    clippy::unnecessary_literal_bound
)]

mod common;

use common::ctx;
use common::source::FnSource;
use common::zarr::temp_store;
use ndarray::{ArrayD, Dimension, IxDyn};
use nereus_engine::coding::{Calendar, DateTime, TickUnit, TimeScale};
use nereus_engine::exec::{CancelToken, Context, Progress, ToZarr, WriteError, WriteMode};
use nereus_engine::io::{ChunkSource, TEMP_PREFIX};
use nereus_engine::model::{Attrs, Block, DType, Data, Dataset, Variable};
use nereus_engine::ops::{open_zarr, OpenOptions, Plan};
use serde_json::json;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn memory(dims: &[&str], block: Block) -> Variable {
    Variable::new(
        dims.iter().map(|d| (*d).to_owned()).collect(),
        Data::Memory(Arc::new(block)),
    )
}

fn f64s(shape: &[usize], f: impl Fn(&[usize]) -> f64) -> ArrayD<f64> {
    ArrayD::from_shape_fn(IxDyn(shape), |ix| f(ix.as_array_view().as_slice().unwrap()))
}

/// time (noleap, daily) x lat, with a float32 data variable, an int16 one, a 2-D coordinate.
fn sample(scale: TimeScale, ntime: usize) -> Dataset {
    let t0 = DateTime::date(2000, 2, 27).to_ticks(scale).unwrap();
    let day = scale.ticks_per_day();
    let ticks: Vec<i64> = (0..ntime).map(|i| t0 + i as i64 * day).collect();
    let mut time = memory(
        &["time"],
        Block::I64(ArrayD::from_shape_vec(IxDyn(&[ntime]), ticks).unwrap()),
    );
    scale.mark(&mut time.encoding);
    let lat = memory(&["lat"], Block::F64(f64s(&[3], |i| i[0] as f64 - 1.0)));
    let mut values = f64s(&[ntime, 3], |i| (i[0] * 3 + i[1]) as f64 * 0.5).mapv(|x| x as f32);
    values[[1, 1]] = f32::NAN;
    let mut sst = memory(&["time", "lat"], Block::F32(values));
    sst.attrs.insert("units".into(), json!("K"));
    let count = memory(
        &["time", "lat"],
        Block::I16(f64s(&[ntime, 3], |i| (i[0] + i[1]) as f64).mapv(|x| x as i16)),
    );
    let area = memory(&["lat"], Block::F64(f64s(&[3], |i| 10.0 * i[0] as f64)));
    let mut ds = Dataset::default();
    ds.coords.insert("time".into(), time);
    ds.coords.insert("lat".into(), lat);
    ds.coords.insert("area".into(), area);
    ds.data_vars.insert("sst".into(), sst);
    ds.data_vars.insert("count".into(), count);
    ds.attrs.insert("title".into(), json!("write test"));
    ds
}

fn values(ds: &Dataset, name: &str) -> Block {
    let cancel = CancelToken::new();
    let var = ds
        .data_vars
        .get(name)
        .or_else(|| ds.coords.get(name))
        .unwrap();
    nereus_engine::exec::load_variable(var, &ctx(&cancel))
        .map(|v| match v.data {
            Data::Memory(b) => b.as_ref().clone(),
            Data::Lazy(_) => unreachable!("loaded"),
        })
        .unwrap()
}

fn same(a: &Block, b: &Block) -> bool {
    a.shape() == b.shape()
        && a.to_f64()
            .iter()
            .zip(b.to_f64().iter())
            .all(|(x, y)| (x.is_nan() && y.is_nan()) || (x - y).abs() <= 1e-6 * y.abs().max(1.0))
}

fn write(ds: &Dataset, path: &Path, options: &ToZarr) -> Result<(), WriteError> {
    let cancel = CancelToken::new();
    ds.to_zarr(path, options, &ctx(&cancel)).map(|_| ())
}

#[test]
fn round_trips_in_both_formats_and_calendars() {
    for (format, scale) in [
        (2, TimeScale::new(Calendar::Standard, TickUnit::Nanosecond)),
        (3, TimeScale::cftime(Calendar::NoLeap)),
        (3, TimeScale::new(Calendar::Standard, TickUnit::Nanosecond)),
        (2, TimeScale::cftime(Calendar::Day360)),
        (2, TimeScale::cftime(Calendar::Standard)),
    ] {
        let calendar = scale.calendar;
        let ds = sample(scale, 5);
        let path = temp_store("rt");
        let options = ToZarr {
            mode: WriteMode::Overwrite,
            zarr_format: Some(format),
            ..ToZarr::default()
        };
        write(&ds, &path, &options).unwrap();
        assert!(!path.join("sst").join("zarr.json").exists() || format == 3);
        let back = open_zarr(&path, OpenOptions::default()).unwrap();
        for name in ["lat", "area", "sst", "count"] {
            assert!(
                same(&values(&back, name), &values(&ds, name)),
                "{format} {calendar} {name}"
            );
        }
        // The same dates; cftime dates of the standard calendar in 1678..2262 come back as
        // datetime64, as xarray reads them.
        let dates = |d: &Dataset| {
            let scale = TimeScale::of(&d.coords["time"]).unwrap();
            let Block::I64(t) = values(d, "time") else {
                panic!("times are int64 ticks")
            };
            t.iter().map(|&t| scale.format_iso(t)).collect::<Vec<_>>()
        };
        assert_eq!(dates(&back), dates(&ds), "{format} {calendar}");
        assert!(back.coords.contains_key("area"), "coordinates attribute");
        assert_eq!(back.attrs["title"], json!("write test"));
        assert_eq!(back.data_vars["sst"].attrs["units"], json!("K"));
        // datetime64 values are written in xarray's name for their calendar.
        let expected = if scale.is_datetime64() {
            "proleptic_gregorian"
        } else {
            calendar.name()
        };
        assert_eq!(back.coords["time"].calendar(), Some(expected));
        assert_eq!(values(&back, "count").dtype(), DType::I16);
        let text = std::fs::read_to_string(if format == 3 {
            path.join("zarr.json")
        } else {
            path.join(".zmetadata")
        })
        .unwrap();
        assert!(!text.contains("_zarrs"), "no zarrs attribute");
        assert!(text.contains("days since 2000-02-27"), "{text}");
    }
}

#[test]
fn modes_and_their_errors() {
    let ds = sample(TimeScale::new(Calendar::Standard, TickUnit::Nanosecond), 4);
    let path = temp_store("modes");
    write(&ds, &path, &ToZarr::default()).unwrap();
    let again = write(&ds, &path, &ToZarr::default());
    assert!(
        matches!(again, Err(WriteError::StoreExists { .. })),
        "{again:?}"
    );
    let wrong_dim = ToZarr {
        mode: WriteMode::Append,
        append_dim: Some("depth".into()),
        ..ToZarr::default()
    };
    let err = write(&ds, &path, &wrong_dim).unwrap_err();
    assert!(matches!(err, WriteError::AppendDimMissing { .. }), "{err}");
    assert!(err.to_string().contains("depth"));
    // Different dims for an existing variable.
    let mut other = ds.clone();
    let sst = other.data_vars["sst"].clone();
    other.data_vars.insert(
        "count".into(),
        Variable {
            dims: vec!["lat".into(), "time".into()],
            data: Data::Memory(Arc::new(Block::F64(f64s(&[3, 4], |_| 1.0)))),
            ..sst
        },
    );
    let err = write(
        &other,
        &path,
        &ToZarr {
            mode: WriteMode::Append,
            ..ToZarr::default()
        },
    )
    .unwrap_err();
    assert!(matches!(err, WriteError::Mismatch(_)), "{err}");
    // mode "w" replaces; a non-Zarr directory is not deleted.
    write(
        &ds,
        &path,
        &ToZarr {
            mode: WriteMode::Overwrite,
            zarr_format: Some(2),
            ..ToZarr::default()
        },
    )
    .unwrap();
    assert!(path.join(".zmetadata").is_file() && !path.join("zarr.json").exists());
    let plain = temp_store("plain");
    std::fs::write(plain.join("notes.txt"), "keep me").unwrap();
    let err = write(
        &ds,
        &plain,
        &ToZarr {
            mode: WriteMode::Overwrite,
            ..ToZarr::default()
        },
    )
    .unwrap_err();
    assert!(matches!(err, WriteError::NotAStore { .. }), "{err}");
    assert!(plain.join("notes.txt").is_file());
}

#[test]
fn appends_along_a_dimension_and_adds_variables() {
    for format in [2, 3] {
        let path = temp_store("append");
        let ds = sample(TimeScale::cftime(Calendar::NoLeap), 5);
        let first = ToZarr {
            mode: WriteMode::Overwrite,
            zarr_format: Some(format),
            encoding: [(
                "sst".to_owned(),
                [("chunks".to_owned(), json!([2, 3]))].into_iter().collect(),
            )]
            .into_iter()
            .collect(),
            ..ToZarr::default()
        };
        write(&ds.clone(), &path, &first).unwrap();
        // The next five days: the first appended day fills the stored partial chunk.
        let mut next = sample(TimeScale::cftime(Calendar::NoLeap), 10);
        let later = |v: &Variable| -> Variable {
            let Data::Memory(b) = &v.data else {
                unreachable!()
            };
            let sliced = match b.as_ref() {
                Block::I64(a) => {
                    Block::I64(a.slice_axis(ndarray::Axis(0), (5..).into()).to_owned())
                }
                Block::F32(a) => {
                    Block::F32(a.slice_axis(ndarray::Axis(0), (5..).into()).to_owned())
                }
                Block::I16(a) => {
                    Block::I16(a.slice_axis(ndarray::Axis(0), (5..).into()).to_owned())
                }
                _ => unreachable!(),
            };
            Variable {
                data: Data::Memory(Arc::new(sliced)),
                ..v.clone()
            }
        };
        let full = next.clone();
        for name in ["sst", "count"] {
            let v = later(&next.data_vars[name]);
            next.data_vars.insert(name.into(), v);
        }
        let t = later(&next.coords["time"]);
        next.coords.insert("time".into(), t);
        let mut extra = memory(&["lat"], Block::F64(f64s(&[3], |i| i[0] as f64 * 2.0)));
        extra.attrs.insert("note".into(), json!("new"));
        next.data_vars.insert("extra".into(), extra);
        let append = ToZarr {
            mode: WriteMode::Append,
            append_dim: Some("time".into()),
            ..ToZarr::default()
        };
        write(&next, &path, &append).unwrap();
        let back = open_zarr(&path, OpenOptions::default()).unwrap();
        for name in ["time", "sst", "count"] {
            assert!(
                same(&values(&back, name), &values(&full, name)),
                "{format} {name}"
            );
        }
        assert_eq!(back.data_vars["extra"].attrs["note"], json!("new"));
        // A wrong size along another dimension is refused.
        let mut bad = next.clone();
        bad.coords.shift_remove("lat");
        bad.coords.shift_remove("area");
        bad.data_vars.shift_remove("extra");
        bad.data_vars.shift_remove("count");
        let v = bad.data_vars["sst"].clone();
        bad.data_vars.insert(
            "sst".into(),
            Variable {
                data: Data::Memory(Arc::new(Block::F32(ArrayD::zeros(IxDyn(&[5, 2]))))),
                ..v
            },
        );
        let err = write(&bad, &path, &append).unwrap_err();
        assert!(matches!(err, WriteError::Mismatch(_)), "{err}");
    }
}

#[test]
fn region_writes_must_follow_chunks() {
    let path = temp_store("region");
    let ds = sample(TimeScale::new(Calendar::Standard, TickUnit::Nanosecond), 6);
    let opts = ToZarr {
        mode: WriteMode::Overwrite,
        encoding: [
            (
                "sst".to_owned(),
                [("chunks".to_owned(), json!([2, 3]))].into_iter().collect(),
            ),
            (
                "count".to_owned(),
                [("chunks".to_owned(), json!([2, 3]))].into_iter().collect(),
            ),
            (
                "time".to_owned(),
                [("chunks".to_owned(), json!([2]))].into_iter().collect(),
            ),
        ]
        .into_iter()
        .collect(),
        ..ToZarr::default()
    };
    write(&ds, &path, &opts).unwrap();
    let mut part = Dataset::default();
    part.data_vars.insert(
        "sst".into(),
        memory(
            &["time", "lat"],
            Block::F32(ArrayD::from_elem(IxDyn(&[2, 3]), 7.0)),
        ),
    );
    let region = |a, b| ToZarr {
        mode: WriteMode::Modify,
        region: vec![("time".into(), a..b)],
        ..ToZarr::default()
    };
    write(&part, &path, &region(2, 4)).unwrap();
    let back = open_zarr(&path, OpenOptions::default()).unwrap();
    let got = values(&back, "sst").to_f64();
    assert!(got.slice(ndarray::s![2..4, ..]).iter().all(|&x| x == 7.0));
    assert_eq!(got[[0, 0]], 0.0);
    assert_eq!(got[[5, 2]], 8.5);
    let err = write(&part, &path, &region(1, 3)).unwrap_err();
    assert!(matches!(err, WriteError::UnalignedRegion { .. }), "{err}");
    assert!(err.to_string().contains("chunk"));
}

#[test]
fn packs_with_encoding_and_reports_progress() {
    let path = temp_store("pack");
    let ds = sample(TimeScale::new(Calendar::Standard, TickUnit::Nanosecond), 8);
    let enc: Attrs = [
        ("dtype".to_owned(), json!("int16")),
        ("scale_factor".to_owned(), json!(0.5)),
        ("_FillValue".to_owned(), json!(-999)),
        ("chunks".to_owned(), json!([3, 2])),
        ("compressors".to_owned(), json!(null)),
    ]
    .into_iter()
    .collect();
    let events = Mutex::new(Vec::<Progress>::new());
    let report = |p: Progress| events.lock().unwrap().push(p);
    let cancel = CancelToken::new();
    let context = Context {
        progress: Some(&report),
        ..ctx(&cancel)
    };
    let options = ToZarr {
        mode: WriteMode::Overwrite,
        encoding: [("sst".to_owned(), enc)].into_iter().collect(),
        ..ToZarr::default()
    };
    ds.to_zarr(&path, &options, &context).unwrap();
    let back = open_zarr(&path, OpenOptions::default()).unwrap();
    assert!(same(&values(&back, "sst"), &values(&ds, "sst")));
    let raw = open_zarr(
        &path,
        OpenOptions {
            mask_and_scale: false,
            ..OpenOptions::default()
        },
    )
    .unwrap();
    let stored = values(&raw, "sst");
    assert_eq!(stored.dtype(), DType::I16);
    assert_eq!(stored.to_f64()[[1, 1]], -999.0);
    let events = events.into_inner().unwrap();
    let last = events.last().unwrap();
    assert_eq!(last.chunks_done, last.chunks_total);
    assert!(events
        .windows(2)
        .all(|w| w[0].chunks_done < w[1].chunks_done));
}

#[test]
fn a_cancelled_write_leaves_whole_chunks_and_an_openable_store() {
    for format in [2, 3] {
        // Each chunk takes 30 ms, so the write is cancelled mid-way.
        let source = Arc::new(
            FnSource::new("slow", &[40, 50], &[2, 50], |ix| {
                (ix[0] * 100 + ix[1]) as f64
            })
            .slow(Duration::from_millis(30)),
        );
        let expr = Plan::source(
            Arc::clone(&source) as Arc<dyn ChunkSource>,
            nereus_engine::coding::CfDecoder::identity(DType::F64),
        );
        let mut ds = Dataset::default();
        ds.data_vars.insert(
            "v".into(),
            nereus_engine::ops::arith::lazy_variable(vec!["y".into(), "x".into()], expr),
        );
        let path = temp_store("cancel");
        let cancel = CancelToken::new();
        let canceller = cancel.clone();
        let stop = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(150));
            canceller.cancel();
        });
        let options = ToZarr {
            mode: WriteMode::Overwrite,
            zarr_format: Some(format),
            ..ToZarr::default()
        };
        let err = ds.to_zarr(&path, &options, &ctx(&cancel)).unwrap_err();
        stop.join().unwrap();
        let WriteError::Interrupted(report) = &err else {
            panic!("expected an interrupt, got {err}");
        };
        let v = &report.arrays[0];
        assert!(v.written > 0 && v.written < v.total, "{err}");
        assert!(err.to_string().contains("`v` "), "{err}");
        assert!(source.reads.load(Ordering::SeqCst) < 20, "stopped early");
        // No temporary file is left, and every chunk present holds its whole values.
        let dir = path.join("v");
        let mut files = Vec::new();
        for entry in walk(&dir) {
            let name = entry.file_name().unwrap().to_string_lossy().into_owned();
            assert!(!name.starts_with(TEMP_PREFIX), "left {name}");
            if !name.starts_with('.') && name != "zarr.json" {
                files.push(name);
            }
        }
        assert_eq!(files.len(), v.written, "{files:?}");
        let back = open_zarr(&path, OpenOptions::default()).unwrap();
        let got = values(&back, "v").to_f64();
        for row in 0..40 {
            let present = !got[[row, 0]].is_nan();
            for col in 0..50 {
                let x = got[[row, col]];
                if present {
                    assert_eq!(x, (row * 100 + col) as f64);
                } else {
                    assert!(x.is_nan(), "row {row} is torn");
                }
            }
        }
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
