//! The engine's typed Rust API alone, without the language: the NINO3.4 pipeline, a
//! Dataset-wide climatology with anomalies, and to_zarr, written once through the API and once
//! as cells; the stores they write hold the same bits.
#![allow(clippy::unwrap_used, reason = "test fixtures")]

mod common;

use common::ctx;
use nereus_engine::model::Data;
use nereus_engine::prelude::*;
use std::path::Path;

fn overwrite() -> ToZarr {
    ToZarr {
        mode: WriteMode::Overwrite,
        ..ToZarr::default()
    }
}

fn dims(names: &[&str]) -> Vec<String> {
    names.iter().map(|d| (*d).to_owned()).collect()
}

/// `slice(lo, hi)` of numeric labels.
fn between(lo: f64, hi: f64) -> LabelIndexer {
    LabelIndexer::Slice(Some(Label::Num(lo)), Some(Label::Num(hi)))
}

/// Runs `cells` after opening the sample stores, with `{DATA}` and `{OUT}` filled in.
fn run_cells(cells: &str, out: &Path) {
    let code = cells.replace("{OUT}", &out.display().to_string());
    let (shown, _) = common::run_cells("import xarray as xr\nDATA = \"{DATA}\"", &[&code]);
    assert!(shown.is_empty(), "{shown}");
}

/// A loaded variable's values, exactly: integers as themselves, floats as their bits.
fn values(v: &Variable) -> Vec<i128> {
    let Data::Memory(block) = &v.data else {
        panic!("not loaded")
    };
    block.to_i128().unwrap_or_else(|| {
        block
            .to_f64()
            .iter()
            .map(|x| i128::from(x.to_bits()))
            .collect()
    })
}

/// Asserts the stores at `a` and `b` hold the same variables, dims, dtypes, attributes and
/// values, bit for bit (NaN included).
fn assert_same_store(typed: &Path, celled: &Path) {
    let cancel = CancelToken::new();
    let load = |p: &Path| {
        open_zarr(p, OpenOptions::default())
            .unwrap()
            .compute(&ctx(&cancel))
            .unwrap()
    };
    let (ours, theirs) = (load(typed), load(celled));
    assert!(!ours.data_vars.is_empty());
    for (which, mine, other) in [
        ("data variable", &ours.data_vars, &theirs.data_vars),
        ("coordinate", &ours.coords, &theirs.coords),
    ] {
        let names =
            |m: &indexmap::IndexMap<String, Variable>| m.keys().cloned().collect::<Vec<_>>();
        assert_eq!(names(mine), names(other), "{which}s");
        for (name, v) in mine {
            let w = &other[name];
            assert_eq!(v.dims, w.dims, "{which} {name}");
            assert_eq!(v.dtype(), w.dtype(), "{which} {name}");
            assert_eq!(v.attrs, w.attrs, "{which} {name}");
            let (p, q) = (values(v), values(w));
            assert_eq!(p.len(), q.len(), "{which} {name}");
            let first = p.iter().zip(&q).position(|(x, y)| x != y);
            assert!(
                first.is_none(),
                "{which} {name} differs first at flat index {first:?}"
            );
        }
    }
    assert_eq!(ours.attrs, theirs.attrs);
}

#[test]
fn the_nino34_pipeline_through_the_api_matches_the_cell() {
    let sst_store = common::samples::data_dir().join("sst.zarr");
    let dir = tempfile::tempdir().unwrap();
    let (typed, celled) = (dir.path().join("api.zarr"), dir.path().join("cell.zarr"));
    let cancel = CancelToken::new();

    let sst = open_zarr(&sst_store, OpenOptions::default())
        .unwrap()
        .get("sst")
        .unwrap();
    let months = sst.groupby("time.month").unwrap();
    let clim = months.reduce(ReduceOp::Mean, None, 0).unwrap();
    let anom = months.binary(MapOp::Sub, &clim, false).unwrap();
    let region = [
        ("lat".to_owned(), between(-5.0, 5.0)),
        ("lon".to_owned(), between(190.0, 240.0)),
    ];
    let index = anom
        .sel(&region, false, None)
        .unwrap()
        .reduce(ReduceOp::Mean, Some(&dims(&["lat", "lon"])), None, 0)
        .unwrap();
    let mut smooth = index
        .rolling("time", 3, false, None)
        .unwrap()
        .reduce(ReduceOp::Mean)
        .unwrap();
    smooth.name = Some("result".to_owned());
    smooth.to_zarr(&typed, &overwrite(), &ctx(&cancel)).unwrap();

    run_cells(
        r#"sst = xr.open_zarr(DATA + "/sst.zarr").sst
clim = sst.groupby("time.month").mean("time")
anom = sst.groupby("time.month") - clim
box = anom.sel(lat=slice(-5, 5), lon=slice(190, 240)).mean(("lat", "lon"))
box.rolling(time=3).mean().rename("result").to_zarr("{OUT}", mode="w")"#,
        &celled,
    );
    assert_same_store(&typed, &celled);
}

#[test]
fn a_dataset_climatology_through_the_api_matches_the_cell() {
    let sst_store = common::samples::data_dir().join("sst.zarr");
    let dir = tempfile::tempdir().unwrap();
    let store = |name: &str| dir.path().join(name);
    let (typed, celled) = (store("clim-api.zarr"), store("clim-cell.zarr"));
    let (typed_anom, celled_anom) = (store("anom-api.zarr"), store("anom-cell.zarr"));
    let cancel = CancelToken::new();

    let ds = open_zarr(&sst_store, OpenOptions::default()).unwrap();
    let months = ds.groupby("time.month").unwrap();
    let clim = months.reduce(ReduceOp::Mean, None, 0).unwrap();
    let spread = months
        .binary(MapOp::Sub, DatasetOperand::Dataset(&clim), false)
        .unwrap()
        .reduce(ReduceOp::Std, Some(&dims(&["time"])), None, 0)
        .unwrap();
    clim.to_zarr(&typed, &overwrite(), &ctx(&cancel)).unwrap();
    spread
        .to_zarr(&typed_anom, &overwrite(), &ctx(&cancel))
        .unwrap();

    run_cells(
        &r#"ds = xr.open_zarr(DATA + "/sst.zarr")
clim = ds.groupby("time.month").mean("time")
clim.to_zarr("{OUT}", mode="w")
(ds.groupby("time.month") - clim).std("time").to_zarr("{ANOM}", mode="w")"#
            .replace("{ANOM}", &celled_anom.display().to_string()),
        &celled,
    );
    assert_same_store(&typed, &celled);
    assert_same_store(&typed_anom, &celled_anom);
}
