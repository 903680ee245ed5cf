//! xarray code in cells against the small sample stores, checked against the engine's Rust API.
#![allow(clippy::unwrap_used, reason = "test fixtures")]

mod common;
use common::samples::data_dir;
use common::{plain, Recorder};

use std::path::Path;
use std::time::{Duration, Instant};

use nereus::lang::{Interpreter, MimeBundle};
use nereus_engine::exec::{Context, ExecConfig};
use nereus_engine::model::{Data, DataArray};
use nereus_engine::ops::{open_zarr, OpenOptions, ReduceOp};
use nereus_engine::CancelToken;

/// An interpreter with `xr`, `np`, `ds`, `ssh` and `sst` defined.
fn session() -> Interpreter {
    common::session("import xarray as xr\nimport numpy as np\nds = xr.open_zarr(\"{DATA}/ssh.zarr\")\nssh = ds[\"sossheig\"]\nsst = xr.open_zarr(\"{DATA}/sst.zarr\").sst")
}

/// Runs a cell: the shown value or "ename: evalue", and stdout.
fn run(it: &mut Interpreter, code: &str) -> (String, Recorder) {
    let mut out = Recorder::default();
    let shown = match it.execute(code, &mut out, &CancelToken::new()) {
        Ok(Some(b)) => plain(&b),
        Ok(None) => String::new(),
        Err(e) => format!("{}: {}", e.ename, e.evalue),
    };
    (shown, out)
}

fn show(it: &mut Interpreter, code: &str) -> String {
    run(it, code).0
}

fn float_of(it: &mut Interpreter, code: &str) -> f64 {
    let s = show(it, code);
    s.parse().unwrap_or_else(|_| panic!("{code} -> {s}"))
}

/// The engine's own answer: a reduction of `sossheig` to one number.
fn engine_scalar(f: impl Fn(&DataArray) -> DataArray) -> f64 {
    let ds = open_zarr(&data_dir().join("ssh.zarr"), OpenOptions::default()).unwrap();
    let a = f(&ds.get("sossheig").unwrap());
    let all = a.reduce(ReduceOp::Mean, None, None, 0).unwrap();
    let cancel = CancelToken::new();
    let ctx = Context {
        config: ExecConfig::default(),
        progress: None,
        cancel: &cancel,
    };
    let loaded = all.compute(&ctx).unwrap();
    let Data::Memory(b) = &loaded.variable.data else {
        panic!("not computed")
    };
    b.to_f64().iter().copied().next().unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * b.abs().max(1.0)
}

#[test]
fn open_and_show_without_computing() {
    let mut it = session();
    let ds = show(&mut it, "ds");
    for part in [
        "<xarray.Dataset> Size: ",
        "Dimensions:",
        "(time_counter: 96, y: 200, x: 200)",
        "Coordinates:",
        "  * time_counter",
        "    nav_lat",
        "Data variables:",
        "    sossheig",
        "(time_counter, y, x) float32 15MB dask.array<chunksize=",
    ] {
        assert!(ds.contains(part), "{part:?} missing in\n{ds}");
    }
    let a = show(&mut it, "ssh");
    assert!(
        a.starts_with("<xarray.DataArray 'sossheig' (time_counter: 96, y: 200, x: 200)> Size: 15MB\ndask.array<open_dataset-sossheig, shape=(96, 200, 200), dtype=float32, chunksize=("),
        "{a}"
    );
    assert!(
        a.contains("Attributes:\n    standard_name:     sea_surface_height_above_geoid"),
        "{a}"
    );
    assert!(a.contains("Dimensions without coordinates: y, x"), "{a}");
    assert_eq!(show(&mut it, "ds.sossheig.name"), "'sossheig'");
    let dir = data_dir().display().to_string();
    let raw = show(
        &mut it,
        &format!("xr.open_zarr(\"{dir}/ssh.zarr\", consolidated=True, decode_times=False).time_counter.dtype"),
    );
    assert_eq!(raw, "dtype('float64')");
    let raw_max = float_of(
        &mut it,
        &format!("float(xr.open_zarr(\"{dir}/ssh.zarr\", decode_cf=False).sossheig.isel(time_counter=0).max())"),
    );
    assert!(
        raw_max > 1e19,
        "decode_cf=False leaves land as the 1e20 fill value"
    );
}

#[test]
fn reductions_match_the_engine() {
    let mut it = session();
    let m = show(&mut it, "m = ssh.mean(\"time_counter\"); m");
    assert!(
        m.starts_with("<xarray.DataArray 'sossheig' (y: 200, x: 200)> Size: 160kB\ndask.array<"),
        "{m}"
    );
    for form in [
        "ssh.mean(dim=\"time_counter\")",
        "ssh.mean(\"time_counter\")",
        "ssh.mean(dim=[\"time_counter\"])",
    ] {
        assert_eq!(
            show(&mut it, &format!("{form}.dims")),
            "('y', 'x')",
            "{form}"
        );
    }
    assert_eq!(
        show(&mut it, "ssh.mean((\"y\", \"x\")).sizes"),
        "Frozen({'time_counter': 96})"
    );
    assert_eq!(show(&mut it, "ssh.mean(dim=[\"y\", \"x\"]).shape"), "(96,)");
    let want = engine_scalar(Clone::clone);
    assert!(close(float_of(&mut it, "float(ssh.mean())"), want));
    assert!(close(float_of(&mut it, "float(m.mean())"), want));
    assert!(close(float_of(&mut it, "m.mean().item()"), want));
    let std1 = float_of(&mut it, "float(ssh.std(ddof=1))");
    let std0 = float_of(&mut it, "float(ssh.std())");
    assert!(std1 > std0 && std0 > 0.0);
    assert_eq!(
        show(&mut it, "float(ssh.mean(skipna=False))"),
        "nan",
        "land is NaN"
    );
    let loaded = show(&mut it, "m.load()");
    assert!(
        loaded.starts_with("<xarray.DataArray 'sossheig' (y: 200, x: 200)> Size: 160kB\narray([["),
        "{loaded}"
    );
    assert!(loaded.contains("dtype=float32)"), "{loaded}");
    let values = show(&mut it, "m.compute().values");
    assert!(
        values.starts_with("array([[")
            && values.contains("...,")
            && values.ends_with("dtype=float32)"),
        "{values}"
    );
    assert_eq!(show(&mut it, "m.values.shape"), "(200, 200)");
    let a = float_of(&mut it, "m.max().item()");
    assert!(a > float_of(&mut it, "m.min().item()"));
}

#[test]
fn selection_by_position_and_label() {
    let mut it = session();
    for (code, want) in [
        (
            "ssh.isel(time_counter=0, x=slice(10, 20)).shape",
            "(200, 10)",
        ),
        ("ssh.isel({\"x\": 3}).dims", "('time_counter', 'y')"),
        ("ssh.isel(indexers={\"y\": [1, 2]}).shape", "(96, 2, 200)"),
        ("ssh[0, :, 5:7].shape", "(200, 2)"),
        ("ssh[-1].dims", "('y', 'x')"),
        (
            "sst.sel(lat=slice(-5, 5), lon=200.5, method=\"nearest\").dims",
            "('time', 'lat')",
        ),
        (
            "sst.sel(lat=slice(-5, 5), lon=200.5, method=\"nearest\").sizes['lat']",
            "10",
        ),
        (
            "sst.sel(time=\"1950-03-01\", method=\"nearest\").dims",
            "('lat', 'lon')",
        ),
        ("ds.isel(time_counter=0).sossheig.dims", "('y', 'x')"),
        ("ds.mean(\"time_counter\").sossheig.dims", "('y', 'x')"),
        ("ds.isel(x=slice(0, 5)).nav_lat.shape", "(200, 5)"),
    ] {
        assert_eq!(show(&mut it, code), want, "{code}");
    }
    let a = float_of(&mut it, "float(ssh.isel(time_counter=3, y=100, x=100))");
    let b = engine_scalar(|s| {
        s.isel(&[
            ("time_counter".into(), nereus_engine::ops::Indexer::Int(3)),
            ("y".into(), nereus_engine::ops::Indexer::Int(100)),
            ("x".into(), nereus_engine::ops::Indexer::Int(100)),
        ])
        .unwrap()
    });
    assert!(close(a, b) || (a.is_nan() && b.is_nan()));
    let t = show(
        &mut it,
        "sst.sel(time=\"1950-03-01\", method=\"nearest\").time.values",
    );
    // One datetime's .values is a numpy scalar, in nanoseconds (9 digits), as xarray gives.
    assert!(
        t.starts_with("np.datetime64('1950-0") && t.ends_with(".000000000')"),
        "{t}"
    );
}

#[test]
fn arithmetic_and_numpy_functions() {
    let mut it = session();
    let mean = engine_scalar(Clone::clone);
    assert!(close(
        float_of(&mut it, "float((ssh * 2 + 1).mean())"),
        2.0 * mean + 1.0
    ));
    assert!(close(
        float_of(&mut it, "float((2 - ssh).mean())"),
        2.0 - mean
    ));
    assert!(close(float_of(&mut it, "float((-ssh).mean())"), -mean));
    assert!(float_of(&mut it, "float(abs(ssh).min())") >= 0.0);
    assert!(float_of(&mut it, "float(np.abs(ssh).min())") >= 0.0);
    assert_eq!(show(&mut it, "(ssh > 0).dtype"), "dtype('bool')");
    assert_eq!(
        show(&mut it, "mask = (ssh > 0) & (ssh < 1); (~mask).dtype"),
        "dtype('bool')"
    );
    assert!(float_of(&mut it, "float(ssh.where(ssh > 0).min())") > 0.0);
    assert_eq!(show(&mut it, "float(ssh.where(ssh > 0, 0.0).min())"), "0.0");
    assert_eq!(
        show(&mut it, "bool(np.isnan(ssh.fillna(0)).max().item())"),
        "False"
    );
    assert!(float_of(&mut it, "float(np.sqrt(abs(ssh)).max())") > 0.0);
    assert!(close(
        float_of(&mut it, "float(np.log(np.exp(ssh)).mean())"),
        mean
    ));
    assert_eq!(
        show(&mut it, "float(xr.where(ssh > 0, 1.0, 0.0).max())"),
        "1.0"
    );
    assert_eq!(show(&mut it, "np.nan"), "nan");
    assert_eq!(show(&mut it, "np.pi"), "3.141592653589793");
    assert_eq!(show(&mut it, "np.sqrt(4)"), "np.float64(2.0)");
    let v = show(
        &mut it,
        "ssh.isel(time_counter=0, y=100, x=slice(0, 4)).values * 2",
    );
    assert!(
        v.starts_with("array([") && v.ends_with("dtype=float32)"),
        "{v}"
    );
    assert_eq!(
        show(&mut it, "ssh * 2 + 1").lines().next().unwrap_or(""),
        "<xarray.DataArray 'sossheig' (time_counter: 96, y: 200, x: 200)> Size: 15MB"
    );
}

#[test]
fn properties_dicts_and_loops() {
    let mut it = session();
    for (code, want) in [
        ("ssh.dims", "('time_counter', 'y', 'x')"),
        (
            "ssh.sizes",
            "Frozen({'time_counter': 96, 'y': 200, 'x': 200})",
        ),
        ("ssh.shape", "(96, 200, 200)"),
        ("ssh.dtype", "dtype('float32')"),
        ("str(ssh.dtype)", "'float32'"),
        ("ssh.dtype == 'float32'", "True"),
        ("ssh.name", "'sossheig'"),
        ("ssh.nbytes", "15360000"),
        ("ssh.ndim, ssh.size", "(3, 3840000)"),
        ("ssh.attrs['units']", "'m'"),
        ("ssh.attrs.get('units', '?')", "'m'"),
        ("ssh.attrs.get('nope', '?')", "'?'"),
        ("'units' in ssh.attrs", "True"),
        ("len(ssh.attrs) > 2", "True"),
        ("list(ssh.coords)", "['nav_lat', 'nav_lon', 'time_counter']"),
        (
            "ds.dims",
            "Frozen({'time_counter': 96, 'y': 200, 'x': 200})",
        ),
        ("list(ds.data_vars)", "['sossheig']"),
        ("len(ds.data_vars)", "1"),
        ("'sossheig' in ds", "True"),
        ("type(ds.attrs)", "dict"),
        ("ssh.chunks[1][0] > 0", "True"),
        ("m = ssh.mean('time_counter').load(); m.chunks", ""),
        (
            "'dtype' in ssh.encoding or 'chunks' in ssh.encoding or len(ssh.encoding) >= 0",
            "True",
        ),
        ("{'x': 3, 'y': [1, 2]}", "{'x': 3, 'y': [1, 2]}"),
        ("{'a': 1}['a'] + len({})", "1"),
        ("[k for k in ['a']]", "['a']"),
        (
            "{k: v.dims for k, v in ds.data_vars.items()}",
            "{'sossheig': ('time_counter', 'y', 'x')}",
        ),
    ] {
        assert_eq!(show(&mut it, code), want, "{code}");
    }
    let coords = show(&mut it, "ssh.coords");
    assert!(
        coords.starts_with("Coordinates:\n") && coords.contains("* time_counter"),
        "{coords}"
    );
    let (_, out) = run(
        &mut it,
        "for name in ds.data_vars:\n    print(f\"{name}: {ds[name].attrs.get('units', '?')}\")\nfor k, v in {'a': 1}.items():\n    print(k, v)",
    );
    assert_eq!(out.stdout, "sossheig: m\na 1\n");
    let (_, out) = run(&mut it, "ssh.mean(\"time_counter\").explain()");
    assert!(
        out.stdout.contains("Reduce mean") && out.stdout.contains("Source"),
        "{}",
        out.stdout
    );
}

#[test]
fn errors_suggest_the_closest_name() {
    let mut it = session();
    let e = show(&mut it, "ssh.mean(\"time\")");
    assert!(
        e.starts_with("ValueError: no dimension \"time\"; did you mean \"time_counter\"?"),
        "{e}"
    );
    let e = show(&mut it, "ssh.isel(tim_counter=0)");
    assert!(
        e.starts_with("ValueError: no dimension \"tim_counter\"; did you mean \"time_counter\"?"),
        "{e}"
    );
    let e = show(&mut it, "ds[\"sosheig\"]");
    assert!(
        e.starts_with("KeyError: no variable \"sosheig\"; did you mean \"sossheig\"?"),
        "{e}"
    );
    assert_eq!(
        show(&mut it, "ssh.meen"),
        "AttributeError: 'DataArray' object has no attribute 'meen'. Did you mean: 'mean'?"
    );
    assert_eq!(
        show(&mut it, "ds.sosheig"),
        "AttributeError: 'Dataset' object has no attribute 'sosheig'. Did you mean: 'sossheig'?"
    );
    assert_eq!(
        show(&mut it, "ssh.mean(dimm='x')"),
        "TypeError: DataArray.mean() got an unexpected keyword argument 'dimm'. Did you mean: 'dim'?"
    );
    let e = show(&mut it, "ssh.isel(x=1000)");
    assert!(
        e.starts_with("IndexError: index 1000 is out of bounds"),
        "{e}"
    );
    let e = show(&mut it, "ssh.sel(x=3)");
    assert!(
        e.starts_with("KeyError: cannot select by label along \"x\""),
        "{e}"
    );
    let e = show(&mut it, "xr.open_zarr(\"/nonexistent/x.zarr\")");
    assert!(e.starts_with("FileNotFoundError: "), "{e}");
    assert_eq!(
        show(&mut it, "xr.open_zarr()"),
        "TypeError: open_zarr() missing 1 required positional argument: 'store'"
    );
    assert_eq!(
        show(&mut it, "ds.to_zarr(1)"),
        "TypeError: store must be a path string, not int"
    );
    let e = show(&mut it, "ssh << 2");
    assert!(e.starts_with("NotImplementedError: operator '<<'"), "{e}");
}

#[test]
fn completion_and_inspect_come_from_the_registry() {
    let it = session();
    let has = |code: &str, want: &[&str]| {
        let n = code.chars().count();
        let c = it.complete(code, n);
        for w in want {
            assert!(
                c.matches.iter().any(|m| m == w),
                "{code}: {w} not in {:?}",
                c.matches
            );
        }
        c
    };
    let c = has(
        "ssh.",
        &[
            "mean",
            "isel",
            "sel",
            "values",
            "dims",
            "attrs",
            "where",
            "time_counter",
        ],
    );
    assert_eq!(c.cursor_start, 4);
    has("ssh.me", &["mean"]);
    has("ds.", &["sossheig", "data_vars", "mean", "isel"]);
    has("ds.sossheig.st", &["std"]);
    has("ssh.attrs.", &["get", "keys", "items"]);
    let c = has("ds[\"sos", &["sossheig"]);
    assert_eq!((c.cursor_start, c.cursor_end), (4, 7));
    has("ds['", &["sossheig", "time_counter"]);
    has("ssh.mean(\"", &["time_counter", "y", "x"]);
    has("ssh.mean(dim=\"ti", &["time_counter"]);
    has("ssh.isel(ti", &["time_counter="]);
    // Inside any call, the callee's keywords from its signature, then the usual names.
    let c = has("ssh.mean(sk", &["skipna="]);
    assert_eq!(c.cursor_start, 9);
    has("xr.concat([ssh, ssh], dim=\"time_counter\", jo", &["join="]);
    has("print(ssh, s", &["sep=", "ssh"]);
    has("ssh.rolling(time_counter=3, ce", &["center="]);
    has("np.sq", &["sqrt"]);
    has("xr.open", &["open_zarr"]);
    let text = |b: Option<MimeBundle>| b.map(|b| plain(&b)).unwrap_or_default();
    let t = text(it.inspect("ssh.mean(", 9, 0));
    assert!(t.contains("mean(dim=None") && t.contains("Lazy"), "{t}");
    let t = text(it.inspect("ssh.values", 6, 0));
    assert!(
        t.contains("property of DataArray") && t.contains("computes"),
        "{t}"
    );
    let t = text(it.inspect("ssh", 1, 0));
    assert!(
        t.contains("Type:        DataArray") && t.contains("(lazy)"),
        "{t}"
    );
    let mut it = session();
    let (_, out) = run(&mut it, "ssh.mean?");
    assert!(
        out.pages
            .first()
            .is_some_and(|p| p.starts_with("Signature: DataArray.mean(dim=None")),
        "{:?}",
        out.pages
    );
    let (_, out) = run(&mut it, "ssh.values?");
    assert!(
        out.pages
            .first()
            .is_some_and(|p| p.contains("property of DataArray")),
        "{:?}",
        out.pages
    );
}

#[test]
fn interrupting_a_long_load() {
    let mut it = session();
    let cancel = CancelToken::new();
    let remote = cancel.clone();
    let start = Instant::now();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        remote.cancel();
    });
    let code = "big = ssh * 1.5 + ssh * ssh - np.sqrt(abs(ssh)) + np.exp(ssh) * 0.5\nfor i in range(100000):\n    v = big.std().load()";
    let r = it.execute(code, &mut Recorder::default(), &cancel);
    t.join().unwrap();
    let e = r.err().unwrap();
    assert_eq!(e.ename, "KeyboardInterrupt");
    assert!(start.elapsed() < Duration::from_secs(5));
    // A cancelled token stops the computation itself, not only the statement loop.
    let cancel = CancelToken::new();
    cancel.cancel();
    let r = it.eval_expression("big.mean().values", &cancel);
    assert_eq!(
        r.err().map(|e| e.ename).as_deref(),
        Some("KeyboardInterrupt")
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

#[test]
fn displaying_lazy_arrays_reads_no_chunk() {
    let broken =
        std::env::temp_dir().join(format!("nereus-lang-broken-{}.zarr", std::process::id()));
    copy_dir(&data_dir().join("ssh.zarr"), &broken);
    // Every data chunk of sossheig becomes garbage: any read would fail.
    for e in std::fs::read_dir(broken.join("sossheig")).unwrap() {
        let p = e.unwrap().path();
        if !p.file_name().unwrap().to_string_lossy().starts_with('.') {
            std::fs::write(&p, b"not a blosc chunk").unwrap();
        }
    }
    let mut it = Interpreter::new();
    let open = format!(
        "import xarray as xr\nds = xr.open_zarr(\"{}\")\nssh = ds.sossheig",
        broken.display()
    );
    assert_eq!(show(&mut it, &open), "");
    for code in [
        "ds",
        "ssh",
        "ssh.mean('time_counter')",
        "(ssh * 2).isel(x=slice(0, 10))",
        "ssh.dims",
        "ssh.chunks",
    ] {
        let s = show(&mut it, code);
        assert!(!s.contains("Error"), "{code}: {s}");
    }
    let e = show(&mut it, "ssh.mean('time_counter').load()");
    assert!(e.starts_with("OSError: ") && e.contains("sossheig"), "{e}");
    let _ = std::fs::remove_dir_all(&broken);
}

#[test]
fn truth_ufuncs_and_floor_division_on_lazy_arrays() {
    let mut it = session();
    // Truth: one element is computed, more are ambiguous (numpy's ValueError).
    let ambiguous = "ValueError: The truth value of an array with more than one element is ambiguous. Use a.any() or a.all()";
    assert_eq!(show(&mut it, "if ssh > 0:\n    pass"), ambiguous);
    assert_eq!(show(&mut it, "ssh.isel(time_counter=0) and 1"), ambiguous);
    assert_eq!(show(&mut it, "not ssh"), ambiguous);
    assert_eq!(
        show(&mut it, "'ok' if ssh.max() > ssh.min() else 'no'"),
        "'ok'"
    );
    assert_eq!(
        show(&mut it, "[t for t in range(3) if ssh.mean() > -100]"),
        "[0, 1, 2]"
    );
    assert_eq!(show(&mut it, "not ssh.max()"), "False");
    // numpy functions keep DataArrays lazy DataArrays, with numpy's dtypes.
    for code in [
        "np.sin(ssh)",
        "np.floor(ssh)",
        "np.isfinite(ssh)",
        "ssh // 0.1",
        "ssh % 0.1",
    ] {
        assert_eq!(
            show(&mut it, &format!("type({code})")),
            "xarray.core.dataarray.DataArray",
            "{code}"
        );
        assert_eq!(
            show(&mut it, &format!("({code}).chunks is None")),
            "False",
            "{code}"
        );
    }
    assert_eq!(show(&mut it, "np.sin(ssh).dtype"), "dtype('float32')");
    assert_eq!(show(&mut it, "np.isfinite(ssh).dtype"), "dtype('bool')");
    assert_eq!(show(&mut it, "(ssh // 0.1).dtype"), "dtype('float32')");
    assert!(close(
        float_of(&mut it, "float(np.isfinite(ssh).mean())"),
        1.0 - float_of(&mut it, "float(np.isnan(ssh).mean())")
    ));
    assert!(close(
        float_of(
            &mut it,
            "float((np.sin(ssh) ** 2 + np.cos(ssh) ** 2).mean())"
        ),
        1.0
    ));
    assert!(close(
        float_of(&mut it, "float(np.rad2deg(np.deg2rad(ssh)).mean())"),
        float_of(&mut it, "float(ssh.mean())")
    ));
    assert!(float_of(&mut it, "float(np.ceil(ssh).min() - np.floor(ssh).min())") >= 0.0);
    // Floor division and modulo: x == (x // d) * d + x % d, the remainder takes d's sign.
    assert!(
        float_of(
            &mut it,
            "float(abs((ssh // 0.1) * 0.1 + ssh % 0.1 - ssh).max())"
        ) < 1e-5
    );
    assert!(float_of(&mut it, "float((ssh % 0.1).min())") >= 0.0);
    assert!(float_of(&mut it, "float((ssh % -0.1).max())") <= 0.0);
    // Coordinates work the same: area weights from latitude.
    let w = float_of(&mut it, "float(np.cos(np.deg2rad(sst.lat)).max())");
    assert!(close(w, 0.5_f64.to_radians().cos()), "{w}");
}

#[test]
fn loaded_values_iterate_by_rows() {
    // numpy: a 2-D array iterates over its rows, each a 1-D array.
    let mut it = session();
    assert_eq!(
        show(&mut it, "[r.shape for r in sst.isel(time=0).values][:2]"),
        "[(360,), (360,)]"
    );
}

#[test]
fn boolean_lists_and_numpy_arrays_index_as_numpy_does() {
    let mut it = session();
    let lat = |it: &mut Interpreter, key: &str| {
        show(it, &format!("sst.isel(lat={key}).lat.values.tolist()"))
    };
    // A mask as long as the dimension picks where it is true; a mix with ints is positions.
    assert_eq!(lat(&mut it, "np.array([2, 0])"), lat(&mut it, "[2, 0]"));
    assert_eq!(lat(&mut it, "[True, 1]"), lat(&mut it, "[1, 1]"));
    let n: usize = show(&mut it, "sst.sizes['lat']").parse().unwrap();
    let mask = (0..n)
        .map(|i| if i % 2 == 0 { "True" } else { "False" })
        .collect::<Vec<_>>()
        .join(", ");
    let evens = (0..n)
        .step_by(2)
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    assert_eq!(
        lat(&mut it, &format!("[{mask}]")),
        lat(&mut it, &format!("[{evens}]"))
    );
    assert_eq!(
        lat(&mut it, &format!("np.array([{mask}])")),
        lat(&mut it, &format!("[{evens}]"))
    );
    assert_eq!(
        show(&mut it, "sst[:, [True, False]]"),
        format!("IndexError: Boolean array size 2 is used to index array with shape ({n},).")
    );
    assert_eq!(
        show(&mut it, "sst.isel(lat=np.array([0.5]))"),
        "IndexError: arrays used as indices must be of integer (or boolean) type"
    );
}
