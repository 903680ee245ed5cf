//! Structural and element-wise methods, `xr.concat`, `xr.merge` and Dataset methods in cells,
//! against what xarray 2026.9 (with dask) gives for the same small sample store.
#![allow(clippy::unwrap_used, reason = "test fixtures")]

mod common;
use common::show;

use nereus::lang::Interpreter;

/// An interpreter with `xr`, `ds` (the SST sample) and `sst` defined.
fn session() -> Interpreter {
    common::session("import xarray as xr\nimport numpy as np\nds = xr.open_zarr(\"{DATA}/sst.zarr\")\nsst = ds.sst")
}

/// A cell's number, checked against xarray's to a float32-sized tolerance.
fn assert_close(it: &mut Interpreter, code: &str, want: f64) {
    let got = show(it, code);
    let x: f64 = got.parse().unwrap_or_else(|_| panic!("{code}: {got}"));
    assert!(
        (x - want).abs() <= 1e-5 * want.abs().max(1.0),
        "{code}: {x}, xarray {want}"
    );
}

#[test]
fn transpose_rename_squeeze_expand_dims() {
    let mut it = session();
    for (code, want) in [
        (
            "sst.transpose(\"lon\", \"lat\", \"time\").dims",
            "('lon', 'lat', 'time')",
        ),
        ("sst.transpose().dims", "('lon', 'lat', 'time')"),
        (
            "sst.transpose(\"lon\", \"...\").dims",
            "('lon', 'time', 'lat')",
        ),
        (
            "ds.transpose(\"lon\", \"...\").sst.dims",
            "('lon', 'time', 'lat')",
        ),
        (
            "sst.rename({\"lat\": \"latitude\"}).dims",
            "('time', 'latitude', 'lon')",
        ),
        (
            "sorted(sst.rename(lon=\"x\").coords)",
            "['lat', 'time', 'x']",
        ),
        ("sst.rename(\"t\").name", "'t'"),
        ("list(ds.rename(sst=\"t\").data_vars)", "['t']"),
        (
            "sst.isel(time=slice(0, 1)).squeeze().dims",
            "('lat', 'lon')",
        ),
        (
            "'time' in sst.isel(time=slice(0, 1)).squeeze(\"time\").coords",
            "True",
        ),
        (
            "ds.isel(time=slice(0, 1)).squeeze().sst.dims",
            "('lat', 'lon')",
        ),
        ("sst.expand_dims(member=3).shape", "(3, 120, 180, 360)"),
        (
            "sst.expand_dims(\"member\").dims",
            "('member', 'time', 'lat', 'lon')",
        ),
        ("sst.isel(time=0).expand_dims(\"time\").time.shape", "(1,)"),
        ("sst.expand_dims({\"member\": 2}).chunks[1][:2]", "(12, 12)"),
    ] {
        assert_eq!(show(&mut it, code), want, "{code}");
    }
    // Moving axes never changes a value.
    let same = show(&mut it, "float(sst.isel(time=7, lat=100, lon=200))");
    assert_eq!(
        show(
            &mut it,
            "float(sst.transpose(\"lon\", \"lat\", \"time\").isel(lon=200, lat=100, time=7))"
        ),
        same
    );
    assert_eq!(
        show(
            &mut it,
            "float(sst.expand_dims(member=3).isel(member=2, time=7, lat=100, lon=200))"
        ),
        same
    );
    for (code, want) in [
        ("sst.transpose(\"lat\")", "ValueError: ('lat',) must be a permuted list of ('time', 'lat', 'lon'), unless `...` is included"),
        ("sst.transpose(\"latt\", \"...\")", "did you mean \"lat\""),
        ("sst.transpose(\"latt\", \"...\", missing_dims=\"ignore\").dims", "('time', 'lat', 'lon')"),
        ("sst.rename(lat2=\"y\")", "ValueError: cannot rename 'lat2' because it is not a variable or dimension in this dataset; did you mean \"lat\"?"),
        ("sst.squeeze(\"lat\")", "ValueError: cannot select a dimension to squeeze out which has length greater than one"),
        ("sst.squeeze(\"tim\")", "did you mean \"time\""),
        ("sst.expand_dims(\"lat\")", "ValueError: Dimension lat already exists."),
    ] {
        let got = show(&mut it, code);
        assert!(got.contains(want), "{code}: {got}");
    }
}

#[test]
fn astype_round_clip_match_xarray() {
    let mut it = session();
    assert_eq!(show(&mut it, "str(sst.astype(\"int16\").dtype)"), "'int16'");
    assert_eq!(
        show(
            &mut it,
            "int(sst.astype(\"int16\").isel(time=0, lat=90, lon=180))"
        ),
        "28"
    );
    assert_eq!(
        show(&mut it, "str(ds.astype(\"float64\").sst.dtype)"),
        "'float64'"
    );
    assert_eq!(show(&mut it, "str(sst.round(1).dtype)"), "'float32'");
    assert_close(
        &mut it,
        "float(sst.round(1).isel(time=0, lat=90, lon=180))",
        28.600_000_381_469_727,
    );
    assert_close(
        &mut it,
        "float(sst.round(1).mean())",
        14.977_086_067_199_707,
    );
    assert_close(&mut it, "float(sst.clip(0, 10).max())", 10.0);
    assert_close(&mut it, "float(sst.clip(min=25).min())", 25.0);
    assert_close(
        &mut it,
        "float(sst.clip(5, 20).mean())",
        13.811_765_670_776_367,
    );
    assert_close(
        &mut it,
        "float(ds.clip(5, 20).sst.mean())",
        13.811_765_670_776_367,
    );
    let got = show(&mut it, "sst.astype(\"float16\")");
    assert!(
        got.contains("TypeError: data type 'float16' not understood"),
        "{got}"
    );
}

#[test]
fn concat_and_merge_match_xarray() {
    let mut it = session();
    for (code, want) in [
        (
            "xr.concat([sst.isel(time=slice(0, 5)), sst.isel(time=slice(5, None))], \"time\").chunks",
            "((5, 7, 12, 12, 12, 12, 12, 12, 12, 12, 12), (180,), (360,))",
        ),
        ("xr.concat([sst.isel(time=0), sst.isel(time=1)], \"time\").dims", "('time', 'lat', 'lon')"),
        ("xr.concat([sst.isel(time=0), sst.isel(time=1)], \"member\").shape", "(2, 180, 360)"),
        ("xr.concat([ds.isel(time=0), ds.isel(time=1)], \"time\").sst.shape", "(2, 180, 360)"),
        (
            "xr.merge([sst.isel(lat=slice(0, 10)).rename(\"a\"), sst.isel(lat=slice(5, 15)).rename(\"b\")]).a.shape",
            "(120, 15, 360)",
        ),
    ] {
        assert_eq!(show(&mut it, code), want, "{code}");
    }
    assert_close(
        &mut it,
        "float(xr.concat([sst.isel(lon=slice(0, 100)), sst.isel(lon=slice(100, None))], \"lon\").mean())",
        14.977_086_067_199_707,
    );
    assert_close(
        &mut it,
        "float(xr.concat([sst.isel(time=0), sst.isel(time=1)], \"member\").mean())",
        15.178_200_721_740_723,
    );
    // Pieces put back in order give the original, whichever chunk edges they cut.
    assert_eq!(
        show(&mut it, "float(abs(xr.concat([sst.isel(time=slice(0, 17)), sst.isel(time=slice(17, 40)), sst.isel(time=slice(40, None))], \"time\") - sst).max())"),
        "0.0"
    );
    for (code, want) in [
        ("xr.merge([sst.rename(\"a\"), (sst + 1).rename(\"a\")])", "ValueError: conflicting values for variable 'a' on objects to be combined. You can skip this check by specifying compat='override'."),
        ("xr.merge([sst.rename(None)])", "unable to convert unnamed DataArray to a Dataset without providing an explicit name"),
        ("xr.concat([], \"time\")", "ValueError: must supply at least one object to concatenate"),
        ("xr.merge([ds, ds]).sst.shape", "(120, 180, 360)"),
        // Options Nereus does not implement are refused by name, never ignored; their
        // defaults, written out, are what it does.
        ("xr.concat([sst, sst], \"time\", fill_value=0)", "NotImplementedError: concat(fill_value=0) is not supported in Nereus; only the default (<NA>)"),
        ("xr.concat([sst, sst], \"time\", coords=\"minimal\")", "NotImplementedError: concat(coords='minimal')"),
        ("xr.concat([sst, sst], \"time\", coords=\"different\", compat=\"equals\").shape", "(240, 180, 360)"),
        ("xr.merge([ds], combine_attrs=\"drop\")", "NotImplementedError: merge(combine_attrs='drop')"),
        ("sst.isel(time=[0]).squeeze(drop=True)", "NotImplementedError: DataArray.squeeze(drop=True)"),
        ("sst.isel(time=[0]).squeeze(axis=0)", "NotImplementedError: DataArray.squeeze(axis=0)"),
        ("sst.transpose(transpose_coords=False)", "NotImplementedError: DataArray.transpose(transpose_coords=False)"),
        ("sst.isel(tim=0, missing_dims=\"ignore\")", "NotImplementedError: DataArray.isel(missing_dims='ignore')"),
        ("sst.expand_dims(\"member\", axis=1)", "NotImplementedError: DataArray.expand_dims(axis=1)"),
    ] {
        let got = show(&mut it, code);
        assert!(got.contains(want), "{code}: {got}");
    }
}

#[test]
fn dataset_methods_apply_to_every_variable() {
    let mut it = session();
    assert_eq!(show(&mut it, "str((ds + 1).sst.dtype)"), "'float32'");
    assert_close(
        &mut it,
        "float((ds * 2).sst.mean())",
        29.954_172_134_399_414,
    );
    assert_close(
        &mut it,
        "float((2 * ds).sst.mean())",
        29.954_172_134_399_414,
    );
    assert_close(&mut it, "float((-ds).sst.mean())", -14.977_086_067_199_707);
    assert_close(
        &mut it,
        "float(ds.mean(\"time\").sst.mean())",
        14.977_085_113_525_39,
    );
    assert_eq!(show(&mut it, "str((ds > 20).sst.dtype)"), "'bool'");
    assert_eq!(
        show(
            &mut it,
            "list(ds.assign(anom=ds.sst - ds.sst.mean(\"time\")).data_vars)"
        ),
        "['sst', 'anom']"
    );
    assert_eq!(
        show(
            &mut it,
            "ds.assign_coords(month=(\"time\", list(range(120)))).month.dims"
        ),
        "('time',)"
    );
    assert_eq!(show(&mut it, "list(ds.drop_vars(\"sst\").data_vars)"), "[]");
    assert_eq!(
        show(&mut it, "sorted(sst.drop_vars([\"lat\", \"lon\"]).coords)"),
        "['time']"
    );
    assert_eq!(
        show(
            &mut it,
            "list(ds.drop_vars(\"nope\", errors=\"ignore\").data_vars)"
        ),
        "['sst']"
    );
    for (code, want) in [
        ("ds.drop_vars(\"sstt\")", "ValueError: These variables cannot be found in this dataset: ['sstt']; did you mean \"sst\"?"),
        ("ds.assign_coords(month=(\"time\", [1, 2]))", "conflicting sizes for dimension 'time'"),
    ] {
        let got = show(&mut it, code);
        assert!(got.contains(want), "{code}: {got}");
    }
}

#[test]
fn dataset_where_and_fillna() {
    let mut it = session();
    // Each data variable as the DataArray method gives it; land (NaN) filled below any SST.
    let gt = show(&mut it, "float(sst.where(sst > 20).mean())");
    assert_eq!(show(&mut it, "float(ds.where(ds > 20).sst.mean())"), gt);
    assert_eq!(show(&mut it, "float(ds.where(ds.sst > 20).sst.mean())"), gt);
    assert_eq!(
        show(&mut it, "float(ds.fillna(-100.0).sst.min())"),
        "-100.0"
    );
}
