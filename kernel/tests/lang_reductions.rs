//! Weighted, coarsen and the whole-axis methods (cumsum, argmin/argmax, median, quantile) in
//! cells: they print like xarray's objects, agree with the same result spelled with plain
//! reductions, and bad arguments get xarray-like errors with suggestions.
#![allow(clippy::unwrap_used, reason = "test fixtures")]

mod common;

/// Runs cells in one session over a small window of the sample `sst`: the last cell's shown
/// value (or the first "ename: evalue") and stdout.
fn run(cells: &[&str]) -> (String, String) {
    common::run_cells(
        "import xarray as xr\nimport numpy as np\nDATA = \"{DATA}\"\n\
         sst = xr.open_zarr(DATA + \"/sst.zarr\").sst.isel(time=slice(0, 14), lat=slice(80, 92), lon=slice(0, 30))",
        cells,
    )
}

/// The last printed line as a float.
fn last_float(stdout: &str) -> f64 {
    stdout.lines().last().unwrap().trim().parse().unwrap()
}

#[test]
fn objects_print_like_xarray() {
    let (shown, _) = run(&["sst.coarsen(time=2)"]);
    assert_eq!(shown, "DataArrayCoarsen [windows->{'time': 2},side->left]");
    let (shown, _) = run(&["sst.coarsen({\"lon\": 3}, boundary=\"trim\", side=\"right\")"]);
    assert_eq!(shown, "DataArrayCoarsen [windows->{'lon': 3},side->right]");
    let (shown, _) = run(&["sst.weighted(np.cos(np.deg2rad(sst.lat)))"]);
    assert_eq!(
        shown,
        "DataArrayWeighted with weights along dimensions: lat"
    );
}

#[test]
fn weighted_mean_is_the_weighted_sum_over_valid_weights() {
    let (_, stdout) = run(&[
        "w = np.cos(np.deg2rad(sst.lat))",
        "a = sst.weighted(w).mean((\"lat\", \"lon\")).isel(time=3).item()",
        "b = ((sst * w).sum((\"lat\", \"lon\")) / ((~np.isnan(sst)) * w).sum((\"lat\", \"lon\"))).isel(time=3).item()",
        "print(abs(a - b))",
    ]);
    assert!(last_float(&stdout) < 1e-9, "{stdout}");
    let (shown, _) = run(&["sst.weighted(np.cos(np.deg2rad(sst.lat))).sum(\"lat\").dims"]);
    assert_eq!(shown, "('time', 'lon')");
}

#[test]
fn coarsen_means_windows_and_their_coordinates() {
    let (shown, stdout) = run(&[
        "s = sst.fillna(0.0)",
        "c = s.coarsen(lon=5).mean()",
        "print(c.sizes[\"lon\"], c.lon.isel(lon=1).item() == s.lon.isel(lon=slice(5, 10)).mean().item())",
        "print(abs(c.isel(time=1, lat=2, lon=1).item() - s.isel(time=1, lat=2, lon=slice(5, 10)).mean().item()))",
    ]);
    assert!(shown.is_empty(), "{shown}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "6 True", "{stdout}");
    assert!(last_float(&stdout) < 1e-5, "{stdout}");
    let (shown, _) = run(&["sst.coarsen(time=4, boundary=\"trim\").sum().sizes[\"time\"]"]);
    assert_eq!(shown, "3");
}

#[test]
fn cumsum_argmin_median_quantile_agree_with_plain_reductions() {
    let (shown, stdout) = run(&[
        "c = sst.cumsum(\"time\").isel(time=-1)",
        "print(abs((c - sst.sum(\"time\")).max().item()) < 1e-3)",
        "i = sst.fillna(-99.0).argmax(\"lon\").isel(time=0, lat=0).item()",
        "row = sst.fillna(-99.0).isel(time=0, lat=0)",
        "print(row.isel(lon=i).item() == row.max().item())",
        "print(sst.median(\"time\").dims, sst.quantile([0.1, 0.9], \"time\").dims)",
        "print(abs(sst.quantile(0.5, \"time\") - sst.median(\"time\")).max().item())",
    ]);
    assert!(shown.is_empty(), "{shown}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "True", "{stdout}");
    assert_eq!(lines[1], "True", "{stdout}");
    assert_eq!(
        lines[2], "('lat', 'lon') ('quantile', 'lat', 'lon')",
        "{stdout}"
    );
    assert!(last_float(&stdout) < 1e-5, "{stdout}");
}

#[test]
fn bad_arguments_get_xarray_errors() {
    let (shown, _) = run(&["sst.coarsen(time=4).mean()"]);
    assert_eq!(
        shown,
        "ValueError: Could not coarsen a dimension of size 14 with window 4 and boundary='exact'. Try a different 'boundary' option."
    );
    let (shown, _) = run(&["sst.coarsen(time=2, boundary=\"trimm\")"]);
    assert!(shown.contains("did you mean \"trim\"?"), "{shown}");
    let (shown, _) = run(&["sst.coarsen(tme=2)"]);
    assert!(shown.contains("did you mean \"time\"?"), "{shown}");
    let (shown, _) = run(&["sst.weighted(sst.lat * np.nan)"]);
    assert!(
        shown.starts_with("ValueError: `weights` cannot contain missing values"),
        "{shown}"
    );
    let (shown, _) = run(&["sst.weighted(np.cos(np.deg2rad(sst.lat))).mean(\"latt\")"]);
    assert!(shown.contains("did you mean \"lat\"?"), "{shown}");
    let (shown, _) = run(&["sst.quantile(1.5, \"time\")"]);
    assert!(
        shown.starts_with("ValueError: Quantiles must be in the range [0, 1]"),
        "{shown}"
    );
    let (shown, _) = run(&["sst.quantile(0.5, \"time\", method=\"nearest\")"]);
    assert!(shown.contains("invalid method"), "{shown}");
    let (shown, _) = run(&["sst.argmin()"]);
    assert!(shown.starts_with("NotImplementedError"), "{shown}");
    let (shown, _) = run(&["sst.cumsum(\"tim\")"]);
    assert!(shown.contains("did you mean \"time\"?"), "{shown}");
}

#[test]
fn chunk_rechunks_lazily_and_keeps_values() {
    let (shown, _) = run(&["sst.chunk(time=4, lat=-1, lon=(10, 20)).chunks"]);
    assert_eq!(shown, "((4, 4, 4, 2), (12,), (10, 20))");
    let (shown, _) = run(&["sst.chunk({\"time\": 3}).chunk(5).chunks"]);
    assert_eq!(shown, "((5, 5, 4), (5, 5, 2), (5, 5, 5, 5, 5, 5))");
    let (shown, stdout) = run(&[
        "a = sst.chunk(time=1, lon=7)",
        "print((abs(a - sst).max().item() == 0), abs(a.mean().item() - sst.mean().item()) < 1e-4)",
        "print(a.attrs == sst.attrs, sst.median(\"time\").attrs == sst.attrs)",
    ]);
    assert!(shown.is_empty(), "{shown}");
    assert_eq!(stdout, "True True\nTrue True\n");
    let (_, stdout) = run(&["sst.chunk(time=1).median(\"time\").explain()"]);
    assert!(
        stdout.contains("Along quantile") && stdout.contains("Rechunk"),
        "{stdout}"
    );
    let (shown, _) = run(&["sst.chunk(time=(10, 3))"]);
    assert!(shown.contains("do not add up to its length 14"), "{shown}");
    let (shown, _) = run(&["sst.chunk(tme=2)"]);
    assert!(shown.contains("did you mean \"time\"?"), "{shown}");
}

#[test]
fn results_over_numpy_values_are_computed_at_once_as_in_xarray() {
    // Loaded values: operations are eager, as on xarray's numpy arrays (no chunks).
    let (shown, _) = run(&[
        "x = sst.load()",
        "(x.mean('time').chunks, (x - x.mean()).chunks, x.groupby('time.month').mean().chunks)",
    ]);
    assert_eq!(shown, "(None, None, None)");
    // Read from a store, or chunked: lazy, as dask is.
    let (shown, _) = run(&[
        "x = sst.load().chunk({'time': 7})",
        "(sst.mean('time').chunks is None, x.mean('lon').chunks is None)",
    ]);
    assert_eq!(shown, "(False, False)");
}
