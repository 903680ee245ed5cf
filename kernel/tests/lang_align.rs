//! `xr.align` and `xr.open_zarr(chunks=...)` in cells, against what xarray 2026.9 with dask
//! prints for the same small sample stores.
#![allow(clippy::unwrap_used, reason = "test fixtures")]

mod common;
use common::show;

use nereus::lang::Interpreter;

/// An interpreter with `xr`, `np`, `DATA` (the sample directory) and `sst` defined.
fn session() -> Interpreter {
    common::session("import xarray as xr\nimport numpy as np\nDATA = \"{DATA}\"\nsst = xr.open_zarr(DATA + \"/sst.zarr\").sst")
}

fn twelves(n: usize) -> String {
    format!("({})", vec!["12"; n].join(", "))
}

#[test]
fn open_zarr_chunks_match_dask() {
    let mut it = session();
    let sst =
        |chunks: &str| format!("xr.open_zarr(DATA + '/sst.zarr', chunks={chunks}).sst.chunks");
    let storage = format!("({}, (180,), (360,))", twelves(10));
    for (chunks, want) in [
        ("None", storage.clone()),
        ("{}", storage.clone()),
        ("'auto'", storage.clone()),
        (
            "{'time': 24}",
            "((24, 24, 24, 24, 24), (180,), (360,))".to_owned(),
        ),
        ("-1", "((120,), (180,), (360,))".to_owned()),
        (
            "{'time': -1, 'lat': None}",
            "((120,), (180,), (360,))".to_owned(),
        ),
        (
            "{'lat': 'auto', 'lon': 100}",
            format!("({}, (180,), (100, 100, 100, 60))", twelves(10)),
        ),
        (
            "12",
            format!("({}, {}, {})", twelves(10), twelves(15), twelves(30)),
        ),
    ] {
        assert_eq!(show(&mut it, &sst(chunks)), want, "chunks={chunks}");
    }
    assert_eq!(
        show(
            &mut it,
            "xr.open_zarr(DATA + '/ssh.zarr', chunks={'time_counter': 5, 'x': -1}).sossheig.chunks"
        ),
        format!(
            "(({}, 1), (48, 48, 48, 48, 8), (200,))",
            vec!["5"; 19].join(", ")
        )
    );
    // Rechunking changes the tiling, never the values.
    let mean = "float(xr.open_zarr(DATA + '/sst.zarr', chunks={'time': 7, 'lon': 50}).sst.mean())";
    assert_eq!(show(&mut it, mean), show(&mut it, "float(sst.mean())"));
}

#[test]
fn open_zarr_chunks_errors_are_value_errors() {
    let mut it = session();
    let open = |chunks: &str| format!("xr.open_zarr(DATA + '/sst.zarr', chunks={chunks})");
    let unknown = show(&mut it, &open("{'tim': 12}"));
    assert!(
        unknown.starts_with("ValueError: no dimension \"tim\"; did you mean \"time\"?"),
        "{unknown}"
    );
    for chunks in ["0", "{'time': -2}"] {
        let e = show(&mut it, &open(chunks));
        assert!(e.starts_with("ValueError: chunk size"), "{chunks}: {e}");
    }
    assert!(show(&mut it, &open("'big'")).starts_with("ValueError: chunks='big'"));
    assert!(show(&mut it, &open("2.5")).starts_with("TypeError: chunks must be"));
    assert!(
        show(&mut it, &open("{'time': 2.5}")).starts_with("TypeError: chunks for dimension 'time'")
    );
}

#[test]
fn align_joins_match_xarray() {
    let mut it = session();
    show(
        &mut it,
        "a = sst.isel(lat=slice(80, 90))\nb = sst.isel(lat=slice(85, 95))",
    );
    for (code, want) in [
        (
            "x, y = xr.align(a, b)\nx.sizes['lat'], y.sizes['lat'], float(x.lat[0]), float(y.lat[-1])",
            "(5, 5, -4.5, -0.5)",
        ),
        (
            "x, y = xr.align(a, b, join='outer')\nx.sizes['lat'], int(x.isel(time=0).count()), int(y.isel(time=0).count()), str(x.dtype)",
            "(15, 2905, 2914, 'float32')",
        ),
        (
            "x, y = xr.align(a, b, join='left')\nx.sizes['lat'], int(y.isel(time=0).count())",
            "(10, 1451)",
        ),
        ("float(xr.align(a, b, join='right')[0].lat[0])", "-4.5"),
        ("x, y = xr.align(a, b)\nfloat((x - y).max())", "0.0"),
        (
            "r = xr.align(a, b, a)\ntype(r), len(r), r[0].name",
            "(<class 'tuple'>, 3, 'sst')",
        ),
    ] {
        assert_eq!(show(&mut it, code), want, "cell: {code}");
    }
}

#[test]
fn align_errors_are_pythonic() {
    let mut it = session();
    show(
        &mut it,
        "a = sst.isel(lat=slice(80, 90))\nb = sst.isel(lat=slice(85, 95))",
    );
    for (code, want) in [
        (
            "xr.align(a, b, join='exact')",
            "ValueError: cannot align objects with join='exact' where index/labels/sizes are not equal along these coordinates (dimensions): 'lat' ('lat',)",
        ),
        (
            "xr.align(a, b, join='foo')",
            "ValueError: invalid value for join: foo (expected 'inner', 'outer', 'left', 'right' or 'exact')",
        ),
        (
            "xr.align(a, 3)",
            "TypeError: align() arguments must be DataArrays, not int",
        ),
    ] {
        assert_eq!(show(&mut it, code), want, "cell: {code}");
    }
    let e = show(&mut it, "xr.align(sst.isel(lat=[80, 80, 81]), a)");
    assert!(
        e.starts_with("ValueError: cannot reindex or align along dimension 'lat' because the"),
        "{e}"
    );
}
