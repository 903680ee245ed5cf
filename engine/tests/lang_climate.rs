//! The climate operations in cells (groupby, resample, rolling) on the small sample stores:
//! the corpus snippet runs, GroupBy values print and combine like xarray's, and bad keys get
//! xarray-like errors with suggestions.
#![allow(clippy::unwrap_used, reason = "test fixtures")]

mod common;

use common::samples::data_dir;
use common::{plain, Recorder};

use std::path::Path;

use nereus_engine::lang::Interpreter;
use nereus_engine::CancelToken;
/// Runs cells in one session: the last cell's shown value (or "ename: evalue") and stdout.
fn run(cells: &[&str]) -> (String, String) {
    let mut it = Interpreter::new();
    let mut out = Recorder::default();
    let setup = format!(
        "import xarray as xr\nDATA = {:?}\nsst = xr.open_zarr(DATA + \"/sst.zarr\").sst",
        data_dir().display().to_string()
    );
    it.execute(&setup, &mut out, &CancelToken::new()).unwrap();
    let mut shown = String::new();
    for cell in cells {
        shown = match it.execute(cell, &mut out, &CancelToken::new()) {
            Ok(Some(b)) => plain(&b),
            Ok(None) => String::new(),
            Err(e) => format!("{}: {}", e.ename, e.evalue),
        };
    }
    (shown, out.stdout)
}

#[test]
fn corpus_climatology_runs() {
    let code = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus/climatology.py"),
    )
    .unwrap();
    let (shown, stdout) = run(&[&code]);
    assert!(shown.is_empty(), "{shown}");
    println!("{stdout}");
    assert!(
        stdout.starts_with("('month', 'lat', 'lon') (12, 180, 360)\n"),
        "{stdout}"
    );
    let mean_line = stdout
        .lines()
        .find(|l| l.starts_with("anomaly mean"))
        .unwrap();
    let mean: f64 = mean_line.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(
        mean.abs() < 1e-4,
        "anomalies of a climatology average to zero: {mean}"
    );
}

#[test]
fn groupby_values_print_and_combine() {
    let (shown, _) = run(&["gb = sst.groupby(\"time.month\")", "gb"]);
    assert_eq!(
        shown,
        "<DataArrayGroupBy, grouped over 'month'\n12 groups with labels 1, 2, ..., 12.>"
    );
    let (shown, _) =
        run(&["(sst.groupby(\"time.month\") - sst.groupby(\"time.month\").mean()).dims"]);
    assert_eq!(shown, "('time', 'lat', 'lon')");
    let (shown, _) = run(&["sst.rolling(time=3, center=True)"]);
    assert_eq!(shown, "DataArrayRolling [time->3(center)]");
}

#[test]
fn bad_keys_say_what_was_meant() {
    let (shown, _) = run(&["sst.groupby(\"time.mnth\")"]);
    assert!(
        shown.starts_with("ValueError: cannot group by \"time.mnth\""),
        "{shown}"
    );
    assert!(shown.contains("did you mean \"time.month\"?"), "{shown}");
    let (shown, _) = run(&["sst.resample(time=\"fortnight\")"]);
    assert!(shown.contains("invalid frequency \"fortnight\""), "{shown}");
    let (shown, _) = run(&["sst.rolling(time=0)"]);
    assert!(shown.contains("window must be > 0, got 0"), "{shown}");
    let (shown, _) = run(&["sst.groupby(\"time.month\") - sst.mean(\"time\")"]);
    assert!(shown.contains("it has no dimension \"month\""), "{shown}");
}
