//! The climate operations on a Dataset in cells: groupby, resample, rolling, coarsen and
//! weighted over every data variable, with the variables, dims, coordinates, attrs, reprs and
//! errors xarray 2026.9 gives (the expected texts are xarray's, on the same sample data).
#![allow(clippy::unwrap_used, reason = "test fixtures")]

mod common;

use std::path::Path;

/// A small box of the sample SST with variables lacking time, space or every dimension.
const SETUP: &str = "import numpy as np
import xarray as xr
DATA = \"{DATA}\"
ds = xr.open_zarr(DATA + \"/sst.zarr\").isel(lat=slice(80, 84), lon=slice(0, 6))
ds[\"clim\"] = ds.sst.mean(\"time\")
ds[\"series\"] = ds.sst.mean((\"lat\", \"lon\"))
ds[\"total\"] = ds.sst.sum()";

fn run(cells: &[&str]) -> (String, String) {
    common::run_cells(SETUP, cells)
}

/// Lines equal with their numbers within 1e-5 relative (1e-4 absolute), as the corpus
/// compares Nereus with xarray.
fn assert_same(got: &str, want: &str) {
    let number = |c: char| c.is_ascii_digit() || c == '.' || c == '-';
    let (got, want): (Vec<&str>, Vec<&str>) = (got.lines().collect(), want.lines().collect());
    assert_eq!(got.len(), want.len(), "{got:#?}\n{want:#?}");
    for (g, w) in got.iter().zip(&want) {
        let (gw, ww): (Vec<&str>, Vec<&str>) = (
            g.split(|c: char| !number(c))
                .filter(|s| !s.is_empty())
                .collect(),
            w.split(|c: char| !number(c))
                .filter(|s| !s.is_empty())
                .collect(),
        );
        let strip = |s: &str| s.replace(|c: char| number(c), "");
        assert_eq!(strip(g), strip(w), "{g}\n{w}");
        for (a, b) in gw.iter().zip(&ww) {
            let (a, b): (f64, f64) = (a.parse().unwrap(), b.parse().unwrap());
            assert!((a - b).abs() <= 1e-4_f64.max(1e-5 * b.abs()), "{g}\n{w}");
        }
    }
}

#[test]
fn corpus_dataset_climatology_matches_xarray() {
    let code = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus/dataset_climatology.py"),
    )
    .unwrap();
    let (shown, stdout) = common::run_cells("DATA = \"{DATA}\"", &[&code]);
    assert!(shown.is_empty(), "{shown}");
    assert_same(
        &stdout,
        "['sst', 'clim_map', 'series'] ('month', 'lat', 'lon') ('month', 'lat', 'lon') ('month',)
climatology: 14.97709 15.15300
spread: 0.93005
('time', 'lat', 'lon') ('time', 'lat', 'lon') ('time',) ('time',)
anomalies: -0.000000 0.03014
('time', 'lat', 'lon') (10, 180, 360) 15.01874
('lat', 'lon') 14.89950
(120, 45, 360) (45, 360) 14.81766
['sst', 'clim_map'] ('time',) ()
area means: 19.19406 18.99798
degC degC degC
",
    );
}

/// The data variables of a shown Dataset: `name (dims) dtype`, and its coordinate lines.
fn layout(shown: &str) -> Vec<String> {
    shown
        .lines()
        .filter(|l| l.starts_with("    ") || l.starts_with("  *"))
        .filter(|l| !l.contains(':'))
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .collect()
}

#[test]
fn groups_keep_variables_without_the_dimension() {
    let (shown, _) = run(&["ds.groupby(\"time.month\").mean()"]);
    assert_eq!(
        layout(&shown),
        [
            "* month (month)",
            "* lat (lat)",
            "* lon (lon)",
            "sst (month, lat,",
            "clim (month, lat,",
            "series (month) float32",
            "total (month) float32",
        ],
        "{shown}"
    );
    // Counting a value alone gives 1, whatever its group's size; attrs stay.
    let (shown, _) = run(&[
        "c = ds.groupby(\"time.month\").count()",
        "(int(c.total.sum()), int(c.clim.max()), int(c.sst.max()), c.sst.attrs[\"units\"])",
    ]);
    assert_eq!(shown, "(12, 1, 10, 'degC')");
    // Yearly bins of a two-year slice with a gap: empty bins are NaN for every variable.
    let (shown, _) = run(&[
        "r = ds.isel(time=[0, 1, 30]).resample(time=\"YS\").mean()",
        "(r.sizes[\"time\"], r.series.dims, int(r.clim.count()), int(r.series.count()), int(r.total.count()))",
    ]);
    assert_eq!(shown, "(3, ('time',), 4, 2, 2)");
}

#[test]
fn anomalies_of_a_dataset() {
    let (shown, _) = run(&[
        "g = ds.groupby(\"time.month\")",
        "a = g - g.mean()",
        "(sorted(a.coords), a.month.dims, a.clim.dims, a.total.dims, float(abs(a.clim).max()), a.sst.attrs[\"units\"])",
    ]);
    assert_eq!(
        shown,
        "(['lat', 'lon', 'month', 'time'], ('time',), ('time', 'lat', 'lon'), ('time',), 0.0, 'degC')"
    );
    let (shown, _) = run(&["ds.groupby(\"time.month\") - 1"]);
    assert_eq!(
        shown,
        "TypeError: GroupBy objects only support binary ops when the other argument is a Dataset or DataArray"
    );
    let (shown, _) = run(&[
        "a = ds.groupby(\"time.month\") - ds.sst.groupby(\"time.month\").mean()",
        "(list(a.data_vars), a.series.dims)",
    ]);
    assert_eq!(
        shown,
        "(['sst', 'clim', 'series', 'total'], ('time', 'lat', 'lon'))"
    );
}

#[test]
fn windows_leave_other_variables_alone() {
    let (shown, _) = run(&[
        "r = ds.rolling(time=3).mean()",
        "(r.clim.dims, r.total.dims, int(r.series.count()), r.sst.attrs[\"units\"])",
    ]);
    assert_eq!(shown, "(('lat', 'lon'), (), 118, 'degC')");
    let (shown, _) = run(&[
        "c = ds.coarsen(lat=2).max()",
        "(c.sizes[\"lat\"], c.series.dims, [float(x) for x in c.lat.values])",
    ]);
    assert_eq!(shown, "(2, ('time',), [-9.0, -7.0])");
}

/// Expected texts are xarray 2026.9's on the same data.
#[test]
fn coarsen_over_several_dimensions() {
    let (shown, _) = run(&["ds.coarsen(lat=2, lon=3)"]);
    assert_eq!(
        shown,
        "DatasetCoarsen [windows->{'lat': 2, 'lon': 3},side->left]"
    );
    let (shown, _) = run(&[
        "c = ds.coarsen(lat=2, lon=3).mean()",
        "(list(c.data_vars), c.sst.dims, c.clim.dims, c.series.dims, c.total.dims, sorted(c.coords), c.sst.attrs[\"units\"])",
    ]);
    assert_eq!(
        shown,
        "(['sst', 'clim', 'series', 'total'], ('time', 'lat', 'lon'), ('lat', 'lon'), ('time',), (), ['lat', 'lon', 'time'], 'degC')"
    );
    let (shown, _) = run(&[
        "c = ds.coarsen(lat=2, lon=3).mean()",
        "([float(x) for x in c.lat.values], [float(x) for x in c.lon.values], round(float(c.clim.sum()), 4), round(float(c.series.sum()), 3), c.clim.dtype, c.sst.shape)",
    ]);
    assert_eq!(
        shown,
        "([-9.0, -7.0], [1.5, 4.5], 26.84, 3220.804, dtype('float32'), (120, 2, 2))"
    );
    let (shown, _) = run(&[
        "c = ds.coarsen({\"lon\": 2, \"time\": 5}, boundary=\"trim\", side=\"right\").var()",
        "(c.sst.shape, c.clim.dims, c.series.shape, str(c.time[0].values)[:19], round(float(c.sst.mean()), 5), round(float(c.series.max()), 5))",
    ]);
    assert_eq!(
        shown,
        "((24, 4, 3), ('lat', 'lon'), (24,), '1950-03-02T00:00:00', 0.01666, 0.03467)"
    );
    let (shown, _) = run(&["ds.coarsen(lat=2, foo=3, bar=1)"]);
    assert_eq!(
        shown,
        "ValueError: Window dimensions ('foo', 'bar') not found in Dataset dimensions ('time', 'lat', 'lon')"
    );
    let (shown, _) = run(&["ds.coarsen(lat=2, lon=4).mean()"]);
    assert_eq!(
        shown,
        "ValueError: Could not coarsen a dimension of size 6 with window 4 and boundary='exact'. Try a different 'boundary' option."
    );
}

#[test]
fn weighted_means_of_every_variable() {
    let (shown, _) = run(&[
        "w = ds.weighted(np.cos(np.deg2rad(ds.lat))).sum(\"lat\")",
        "(list(w.data_vars), w.clim.dims, w.series.dims, w.total.dims, sorted(w.coords))",
    ]);
    assert_eq!(
        shown,
        "(['sst', 'clim', 'series', 'total'], ('lon',), ('time',), (), ['lon', 'time'])"
    );
}

#[test]
fn reprs_and_registry() {
    let (shown, _) = run(&["ds.groupby(\"time.month\")"]);
    assert_eq!(
        shown,
        "<DatasetGroupBy, grouped over 1 grouper(s), 12 groups in total:\n    'month': UniqueGrouper('month'), 12/12 groups with labels 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12>"
    );
    let (shown, _) = run(&["ds.resample(time=\"YS\")"]);
    assert_eq!(
        shown,
        "<DatasetResample, grouped over 1 grouper(s), 10 groups in total:\n    '__resample_dim__': TimeResampler('__resample_dim__'), 10/10 groups with labels 1950-01-01, ..., 1959-01-01>"
    );
    let (shown, _) = run(&["ds.groupby(\"lat\")"]);
    assert_eq!(
        shown,
        "<DatasetGroupBy, grouped over 1 grouper(s), 4 groups in total:\n    'lat': UniqueGrouper('lat'), 4/4 groups with labels -9.5, -8.5, -7.5, -6.5>"
    );
    let (shown, _) = run(&["ds.rolling(time=3, center=True)"]);
    assert_eq!(shown, "DatasetRolling [time->3(center)]");
    let (shown, _) = run(&["ds.coarsen(lat=2)"]);
    assert_eq!(shown, "DatasetCoarsen [windows->{'lat': 2},side->left]");
    let (shown, _) = run(&["ds.weighted(ds.lat)"]);
    assert_eq!(shown, "DatasetWeighted with weights along dimensions: lat");
    // IPython displays a class by its name (print gives <class 'method'>).
    let (shown, _) = run(&["type(ds.groupby(\"time.month\").mean)"]);
    assert_eq!(shown, "method");
}

#[test]
fn errors_in_xarrays_words() {
    for (cell, want) in [
        (
            "ds.groupby(\"foo.month\")",
            "KeyError: No variable named 'foo.month'. Variables on the dataset include ['sst', 'clim', 'series', 'total', ",
        ),
        (
            "xr.open_zarr(DATA + \"/sst.zarr\").rolling(foo=3)",
            "KeyError: Window dimensions ('foo',) not found in Dataset dimensions ('time', 'lat', 'lon')",
        ),
        (
            "ds.coarsen(lat=3).mean()",
            "ValueError: Could not coarsen a dimension of size 4 with window 3 and boundary='exact'. Try a different 'boundary' option.",
        ),
        (
            "xr.open_zarr(DATA + \"/sst.zarr\").weighted(ds.lat).mean(\"foo\")",
            "ValueError: Dimensions ('foo',) not found in DatasetWeighted dimensions ('time', 'lat', 'lon')",
        ),
        (
            "xr.open_zarr(DATA + \"/sst.zarr\").coarsen(foo=3)",
            "ValueError: Window dimensions ('foo',) not found in Dataset dimensions ('time', 'lat', 'lon')",
        ),
    ] {
        let (shown, _) = run(&[cell]);
        assert!(shown.starts_with(want), "{cell}: {shown}");
    }
}

#[test]
fn completion_and_help_come_from_the_registry() {
    let mut it = common::session(SETUP);
    let _ = common::show(
        &mut it,
        "g = ds.groupby(\"time.month\")\nr = ds.rolling(time=3)",
    );
    for (code, want) in [
        ("ds.gro", "groupby"),
        ("ds.coar", "coarsen"),
        ("g.st", "std"),
        ("r.cou", "count"),
    ] {
        let c = it.complete(code, code.chars().count());
        assert!(
            c.matches.iter().any(|m| m == want),
            "{code}: {:?}",
            c.matches
        );
    }
    let text = it
        .inspect("g.mean(", 7, 0)
        .map(|b| common::plain(&b))
        .unwrap_or_default();
    assert!(
        text.contains("mean(dim=None") && text.contains("group"),
        "{text}"
    );
    let shown = common::show(&mut it, "g.mean");
    assert_eq!(
        shown,
        "<bound method DatasetGroupBy.mean of <xarray.DatasetGroupBy>>"
    );
}
