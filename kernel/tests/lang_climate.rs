//! The climate operations in cells (groupby, resample, rolling) on the small sample stores:
//! the corpus snippet runs, GroupBy values print and combine like xarray's, and bad keys get
//! xarray-like errors with suggestions.
#![allow(clippy::unwrap_used, reason = "test fixtures")]

mod common;

use std::path::Path;

/// Runs cells in one session over the sample `sst`: the last cell's shown value (or the first
/// "ename: evalue") and stdout.
fn run(cells: &[&str]) -> (String, String) {
    common::run_cells(
        "import xarray as xr\nDATA = \"{DATA}\"\nsst = xr.open_zarr(DATA + \"/sst.zarr\").sst",
        cells,
    )
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
        "<DataArrayGroupBy, grouped over 1 grouper(s), 12 groups in total:\n    'month': UniqueGrouper('month'), 12/12 groups with labels 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12>"
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

/// Expected lines are xarray 2026.9's on the same sample data.
#[test]
fn coarsen_over_several_dimensions_matches_xarray() {
    let (shown, stdout) = run(&[
        "c = sst.coarsen(lat=4, lon=4).mean()",
        "print(c.dims, c.shape, c.dtype, f\"{float(c.mean()):.5f}\", f\"{float(c.isel(time=0, lat=20, lon=10)):.5f}\")",
        "c = sst.coarsen(time=12, lat=2, boundary=\"trim\").std()",
        "print(c.dims, c.shape, c.dtype, f\"{float(c.mean()):.5f}\")",
        "c = sst.isel(lat=slice(0, 30), lon=slice(0, 50)).coarsen({\"lat\": 7, \"lon\": 8}, boundary=\"pad\", side=\"right\")",
        "print(repr(c))",
        "m = c.max()",
        "print(m.shape, m.lat.values, m.lon.values, f\"{float(m.sum()):.4f}\", int(c.count().sum()))",
    ]);
    assert!(shown.is_empty(), "{shown}");
    assert_eq!(
        stdout,
        "('time', 'lat', 'lon') (120, 45, 90) float32 14.88605 26.93406
('time', 'lat', 'lon') (10, 90, 360) float32 0.81609
DataArrayCoarsen [windows->{'lat': 7, 'lon': 8},side->right]
(120, 5, 7) [-89.  -84.5 -77.5 -70.5 -63.5] [ 1.  6. 14. 22. 30. 38. 46.] 5411.2510 30600
"
    );
}

/// Integers padded turn into floats (counts stay integers), all-NaN windows sum to 0 and
/// average to NaN, attrs are kept: xarray 2026.9's answers.
#[test]
fn coarsen_pads_integers_and_skips_nan_as_xarray() {
    let (shown, _) = run(&[
        "i = (sst.isel(time=0, lat=slice(90, 95), lon=slice(180, 186)).fillna(0) * 10).astype(\"int64\")",
        "c = i.coarsen(lat=2, lon=4, boundary=\"pad\")",
        "(c.mean().values.tolist(), c.max().dtype, c.count().values.tolist(), c.sum().dtype, i.coarsen(lat=2, lon=3, boundary=\"trim\", side=\"right\").sum().values.tolist(), c.mean().attrs[\"units\"])",
    ]);
    assert_eq!(
        shown,
        "([[285.25, 285.5], [283.625, 284.5], [282.0, 282.0]], dtype('float64'), [[8, 4], [8, 4], [4, 2]], dtype('float64'), [[1707, 1710], [1695, 1697]], 'degC')"
    );
    let (shown, _) = run(&[
        "x = sst.isel(time=0, lat=slice(0, 2), lon=slice(0, 2)).fillna(1.0).where(sst.lat > -89)",
        "(x.coarsen(lat=1, lon=2).sum().values.tolist(), x.coarsen(lat=1, lon=2).mean().values.tolist())",
    ]);
    assert_eq!(shown, "([[0.0], [2.0]], [[nan], [1.0]])");
    let (shown, _) = run(&["sst.coarsen({\"lat\": 2}, lat=2)"]);
    assert!(shown.starts_with("ValueError: "), "{shown}");
    assert!(shown.contains("given twice"), "{shown}");
}
