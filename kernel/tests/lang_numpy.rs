//! numpy in cells: truth of arrays, `//` and `%`, ufuncs (on numbers, arrays and Datasets),
//! iteration of numpy arrays and DataArrays, `np.arange` and `np.linspace`, checked against
//! what numpy 2.4 and xarray 2026.9 print.

mod common;
use common::{plain, Recorder};

use nereus::lang::Interpreter;
use nereus_engine::CancelToken;

/// Runs a cell after `import numpy as np`: the shown value or "ename: evalue", and the pages.
fn run(i: &mut Interpreter, code: &str) -> (String, Vec<String>) {
    let mut out = Recorder::default();
    let shown = match i.execute(
        &format!("import numpy as np\n{code}"),
        &mut out,
        &CancelToken::new(),
    ) {
        Ok(Some(b)) => plain(&b),
        Ok(None) => String::new(),
        Err(e) => format!("{}: {}", e.ename, e.evalue),
    };
    (shown, out.pages)
}

fn value(code: &str) -> String {
    run(&mut Interpreter::new(), code).0
}

#[test]
fn truth_of_arrays_is_numpys() {
    let ambiguous = "ValueError: The truth value of an array with more than one element is ambiguous. Use a.any() or a.all()";
    for (code, want) in [
        ("if np.arange(3):\n    pass", ambiguous),
        ("np.arange(3) and 1", ambiguous),
        ("np.arange(3) or 1", ambiguous),
        ("not np.arange(2)", ambiguous),
        ("1 if np.arange(2) else 0", ambiguous),
        ("bool(np.arange(2))", ambiguous),
        ("[x for x in range(3) if np.arange(2)]", ambiguous),
        ("bool(np.arange(0))", "ValueError: The truth value of an empty array is ambiguous. Use `array.size > 0` to check that an array is not empty."),
        // One element: its own truth, as numpy and xarray.
        ("bool(np.arange(1)), bool(np.arange(1, 2)), not np.arange(1)", "(False, True, True)"),
        ("'yes' if np.linspace(0, 1, 1) == 0 else 'no'", "'yes'"),
        ("np.arange(1) or 'other'", "'other'"),
    ] {
        assert_eq!(value(code), want, "cell: {code}");
    }
}

#[test]
fn floor_division_and_modulo_on_arrays_are_numpys() {
    // Expected reprs printed by numpy 2.4.
    for (code, want) in [
        (
            "np.arange(-3, 4) // 2",
            "array([-2, -1, -1,  0,  0,  1,  1])",
        ),
        ("np.arange(-3, 4) % 3", "array([0, 1, 2, 0, 1, 2, 0])"),
        (
            "np.linspace(-1, 1, 5) // 0.5",
            "array([-2., -1.,  0.,  1.,  2.])",
        ),
        (
            "np.linspace(-1, 1, 5) % 0.75",
            "array([0.5 , 0.25, 0.  , 0.5 , 0.25])",
        ),
        ("np.arange(-1, 2) // 0", "array([0, 0, 0])"),
        ("np.arange(-1, 2) % 0", "array([0, 0, 0])"),
        ("np.arange(-1.0, 2) // 0", "array([-inf,  nan,  inf])"),
        ("np.arange(-1.0, 2) % 0", "array([nan, nan, nan])"),
        ("7 % np.arange(1, 4)", "array([0, 1, 1])"),
        ("-7.5 // np.arange(1, 4)", "array([-8., -4., -3.])"),
        (
            "np.arange(6) // np.arange(1, 7)",
            "array([0, 0, 0, 0, 0, 0])",
        ),
        ("a = np.arange(5)\na //= 2\na", "array([0, 0, 1, 1, 2])"),
        // Python numbers keep Python's rules.
        ("-7 // 2, -7 % 2, 7.5 % -2", "(-4, 1, -0.5)"),
        (
            "1.0 // 0",
            "ZeroDivisionError: float floor division by zero",
        ),
    ] {
        assert_eq!(value(code), want, "cell: {code}");
    }
}

#[test]
fn numpy_functions_on_numbers_and_arrays() {
    // Expected reprs printed by numpy 2.4 (numpy scalars as numpy 2 shows them).
    for (code, want) in [
        (
            "np.sin(0), np.cos(np.pi), np.tan(0)",
            "(np.float64(0.0), np.float64(-1.0), np.float64(0.0))",
        ),
        (
            "np.deg2rad(180), np.rad2deg(np.pi)",
            "(np.float64(3.141592653589793), np.float64(180.0))",
        ),
        (
            "np.arctan(1.0), np.arcsin(2.0)",
            "(np.float64(0.7853981633974483), np.float64(nan))",
        ),
        (
            "np.floor(-2.5), np.floor(3), np.ceil(-0.5)",
            "(np.float64(-3.0), np.int64(3), np.float64(-0.0))",
        ),
        (
            "np.sign(-2), np.sign(0.5), np.isfinite(np.inf), np.isfinite(1)",
            "(np.int64(-1), np.float64(1.0), np.False_, np.True_)",
        ),
        (
            "np.log10(1000.0), np.abs(-3)",
            "(np.float64(3.0), np.int64(3))",
        ),
        (
            "np.sin(np.arange(3))",
            "array([0.        , 0.84147098, 0.90929743])",
        ),
        (
            "np.cos(np.linspace(0, np.pi, 3))",
            "array([ 1.000000e+00,  6.123234e-17, -1.000000e+00])",
        ),
        (
            "np.deg2rad(np.arange(0, 181, 90))",
            "array([0.        , 1.57079633, 3.14159265])",
        ),
        (
            "np.floor(np.linspace(-1, 1, 5))",
            "array([-1., -1.,  0.,  0.,  1.])",
        ),
        (
            "np.ceil(np.linspace(-1, 1, 5))",
            "array([-1., -0.,  0.,  1.,  1.])",
        ),
        ("np.floor(np.arange(3))", "array([0, 1, 2])"),
        ("np.sign(np.arange(-2, 3))", "array([-1, -1,  0,  1,  1])"),
        ("np.sign(np.linspace(-1, 1, 3))", "array([-1.,  0.,  1.])"),
        (
            "np.isfinite(np.log(np.arange(3)))",
            "array([False,  True,  True])",
        ),
        ("np.log10(np.linspace(1, 1000, 2))", "array([0., 3.])"),
        // The engine computes in float64 and rounds once, so float32 results can be one ulp
        // off numpy's own float32 loops; the dtype and the printing are numpy's.
        (
            "np.sin(np.arange(3, dtype='int16')).dtype",
            "dtype('float32')",
        ),
        (
            "np.arange(3, dtype='float32') / 3",
            "array([0.        , 0.33333334, 0.6666667 ], dtype=float32)",
        ),
        (
            "np.arange(3, dtype='float32') / 3e7",
            "array([0.0000000e+00, 3.3333333e-08, 6.6666665e-08], dtype=float32)",
        ),
        ("np.arange(5)", "array([0, 1, 2, 3, 4])"),
        ("np.arange(1, 2, 0.25)", "array([1.  , 1.25, 1.5 , 1.75])"),
        ("np.arange(10, 0, -3)", "array([10,  7,  4,  1])"),
        ("np.arange(0)", "array([], dtype=int64)"),
        ("np.arange(5.0)", "array([0., 1., 2., 3., 4.])"),
        (
            "np.arange(0.1, 1, 0.1)",
            "array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])",
        ),
        (
            "np.arange(3, dtype='float32')",
            "array([0., 1., 2.], dtype=float32)",
        ),
        ("np.arange(stop=3)", "array([0, 1, 2])"),
        (
            "np.linspace(0, 1, 5)",
            "array([0.  , 0.25, 0.5 , 0.75, 1.  ])",
        ),
        (
            "np.linspace(0, 1, 4, endpoint=False)",
            "array([0.  , 0.25, 0.5 , 0.75])",
        ),
        ("np.linspace(2.0, 3.0, num=5, retstep=True)[1]", "0.25"),
        (
            "np.linspace(0, 10, 4, dtype=int)",
            "array([ 0,  3,  6, 10])",
        ),
        (
            "np.linspace(-90, 90, 7)",
            "array([-90., -60., -30.,   0.,  30.,  60.,  90.])",
        ),
        ("np.linspace(0, 1, 0)", "array([], dtype=float64)"),
        ("np.arange(4) * 0.5", "array([0. , 0.5, 1. , 1.5])"),
        ("np.arange(0, 5, 0)", "ZeroDivisionError: division by zero"),
        (
            "np.arange()",
            "TypeError: arange() requires stop to be specified.",
        ),
        (
            "np.linspace(0, 1, -1)",
            "ValueError: Number of samples, -1, must be non-negative.",
        ),
        (
            "np.linspace(0, 1, 2.5)",
            "TypeError: 'float' object cannot be interpreted as an integer",
        ),
        (
            "np.arange(10**12)",
            "MemoryError: arange: 1000000000000 elements are too many to hold in memory",
        ),
        (
            "np.sin('a')",
            "TypeError: ufunc 'sin' not supported for the input type 'str'",
        ),
        (
            "np.sine(1)",
            "AttributeError: module 'numpy' has no attribute 'sine'. Did you mean: 'sin'?",
        ),
    ] {
        assert_eq!(value(code), want, "cell: {code}");
    }
    let mut i = Interpreter::new();
    let (_, pages) = run(&mut i, "np.deg2rad?");
    assert!(
        matches!(&pages[..], [p] if p.contains("deg2rad(x, /)") && p.contains("radians")),
        "{pages:?}"
    );
    let c = i.complete("np.si", 5);
    assert_eq!(c.matches, vec!["sign", "sin"]);
}

#[test]
fn python_scalars_are_weak_as_in_nep50() {
    // Expected reprs printed by numpy 2.4.
    for (code, want) in [
        ("np.arange(5) + 1", "array([1, 2, 3, 4, 5])"),
        ("(np.arange(5) * 2).dtype", "dtype('int64')"),
        ("2 - np.arange(3)", "array([2, 1, 0])"),
        ("np.arange(3) * 2.5", "array([0. , 2.5, 5. ])"),
        (
            "np.arange(3, dtype='int16') * 2",
            "array([0, 2, 4], dtype=int16)",
        ),
        (
            "(np.arange(3, dtype='int16') + 1.5).dtype",
            "dtype('float64')",
        ),
        (
            "(np.arange(3, dtype='float32') + 1).dtype",
            "dtype('float32')",
        ),
        (
            "(np.arange(3, dtype='float32') * 0.5).dtype",
            "dtype('float32')",
        ),
        (
            "(np.arange(3, dtype='float32') / 2).dtype",
            "dtype('float32')",
        ),
        ("(np.arange(3) > 0) + 1", "array([1, 2, 2])"),
        ("(np.arange(3) > 0) + True", "array([ True,  True,  True])"),
        ("(np.arange(3) > 0) * 1.5", "array([0. , 1.5, 1.5])"),
        (
            "np.arange(3, dtype='int8') + True",
            "array([1, 2, 3], dtype=int8)",
        ),
        ("np.arange(3) ** 2", "array([0, 1, 4])"),
        ("np.arange(3) / 2", "array([0. , 0.5, 1. ])"),
        (
            "np.arange(3, dtype='int16') + np.arange(3, dtype='uint8')",
            "array([0, 2, 4], dtype=int16)",
        ),
        (
            "(np.arange(3, dtype='float32') + np.arange(3)).dtype",
            "dtype('float64')",
        ),
        // A Python int must fit the array's dtype; comparisons compare by value.
        (
            "np.arange(3, dtype='int8') + 300",
            "OverflowError: Python integer 300 out of bounds for int8",
        ),
        (
            "np.arange(3, dtype='int8') > 300",
            "array([False, False, False])",
        ),
        ("np.arange(3, dtype='int8') * 2.5", "array([0. , 2.5, 5. ])"),
    ] {
        assert_eq!(value(code), want, "cell: {code}");
    }
}

#[test]
fn one_input_ops_and_integer_division_keep_numpys_dtypes() {
    // Expected reprs printed by numpy 2.4.
    for (code, want) in [
        ("-np.arange(3)", "array([ 0, -1, -2])"),
        (
            "np.sqrt(np.arange(3, dtype='int16')).dtype",
            "dtype('float32')",
        ),
        (
            "np.abs(np.arange(-2, 1, dtype='int8'))",
            "array([2, 1, 0], dtype=int8)",
        ),
        (
            "(np.arange(3) > 0) // (np.arange(3) > 0)",
            "array([0, 1, 1], dtype=int8)",
        ),
        (
            "np.arange(3, dtype='int16') // 2",
            "array([0, 0, 1], dtype=int16)",
        ),
        ("(np.arange(3, dtype='uint8') % 2).dtype", "dtype('uint8')"),
    ] {
        assert_eq!(value(code), want, "cell: {code}");
    }
}

#[test]
fn arrays_iterate_like_numpy() {
    // numpy 2.4: iterating a 1-D array gives its elements.
    assert_eq!(
        value("[float(v) * 2 for v in np.arange(3)]"),
        "[0.0, 2.0, 4.0]"
    );
    let mut it = Interpreter::new();
    let (shown, _) = run(
        &mut it,
        "total = 0.0\nfor v in np.linspace(0, 1, 5):\n    total += float(v)\ntotal",
    );
    assert_eq!(shown, "2.5");
}

#[test]
fn dataarrays_iterate_along_their_first_dimension() {
    // xarray 2026.9: each item is the array at one position of the first dim, coords kept;
    // a Dataset iterates over its data variable names, as a dict does.
    let mut it = common::session(
        "import xarray as xr\nimport numpy as np\nds = xr.open_zarr(\"{DATA}/sst.zarr\")\n\
         a = ds.sst.isel(time=slice(0, 3), lat=slice(60, 63), lon=slice(154, 158))",
    );
    for (code, want) in [
        ("len(a), len(a[0]), len(a[0, 0]), len(ds)", "(3, 3, 4, 1)"),
        ("[t.dims for t in a]", "[('lat', 'lon'), ('lat', 'lon'), ('lat', 'lon')]"),
        ("[str(t.time.values)[:10] for t in a]", "['1950-01-01', '1950-02-01', '1950-03-01']"),
        ("[round(float(t.mean()), 4) for t in a]", "[22.0376, 22.251, 22.3746]"),
        ("rows = list(a[0])\n(len(rows), rows[1].dims, float(rows[1].lat), sorted(rows[1].coords))", "(3, ('lon',), -28.5, ['lat', 'lon', 'time'])"),
        ("total = 0.0\nfor t in a:\n    for r in t:\n        total += float(r.sum())\nround(total, 3)", "799.959"),
        ("[[round(float(v), 2) for v in r] for r in a[0]]", "[[21.65, 21.65, 21.65, 21.65], [22.03, 22.04, 22.04, 22.05], [22.41, 22.42, 22.42, 22.43]]"),
        ("list(a[0, 0, 0])", "TypeError: iteration over a 0-d array"),
        ("for v in a[0, 0, 0]:\n    pass\n0", "TypeError: iteration over a 0-d array"),
        ("len(a[0, 0, 0])", "TypeError: len() of unsized object"),
        ("list(ds), [k for k in ds], tuple(ds)", "(['sst'], ['sst'], ('sst',))"),
        ("names = []\nfor k in ds:\n    names += [k]\nnames", "['sst']"),
        ("x, y, z = a.time\n(x.dims, str(y.values))", "((), '1950-02-01T00:00:00.000000000')"),
        ("[t.attrs['units'] for t in a]", "['degC', 'degC', 'degC']"),
        ("[float(t) for t in a.lat]", "[-29.5, -28.5, -27.5]"),
    ] {
        assert_eq!(common::show(&mut it, code), want, "cell: {code}");
    }
}

#[test]
fn ufuncs_apply_to_each_data_variable_of_a_dataset() {
    // xarray 2026.9: coordinates and attributes are left as they are.
    let mut it = common::session(
        "import xarray as xr\nimport numpy as np\nds = xr.open_zarr(\"{DATA}/sst.zarr\")\n\
         d = ds.isel(time=slice(0, 3), lat=slice(60, 63), lon=slice(150, 158))",
    );
    for (code, want) in [
        ("r = np.sqrt(d)\n(list(r.data_vars), sorted(r.coords), round(float(r.sst.mean()), 5), float(r.lat[0]))", "(['sst'], ['lat', 'lon', 'time'], 4.71019, -29.5)"),
        ("[round(float(f(d).sst.mean()), 5) for f in [np.abs, np.exp, np.log, np.sin, np.cos, np.floor, np.ceil, np.sign, np.log10, np.deg2rad]]", "[22.18711, 4550436864.0, 3.09941, -0.18492, -0.93064, 21.69565, 22.69565, 1.0, 1.34605, 0.38724]"),
        ("round(float(abs(d - 22).sst.max()), 5), round(float(np.abs(d - 22).sst.min()), 5)", "(0.74132, 1e-05)"),
        ("str(np.isnan(d).sst.dtype), int(np.isnan(d.where(d.sst > 22)).sst.sum()), str(np.isfinite(d).sst.dtype)", "('bool', 24, 'bool')"),
        ("np.sqrt(d).sst.dims, np.sqrt(d).attrs == d.attrs, np.sqrt(d).sst.attrs == d.sst.attrs, np.sqrt(d).lat.attrs == d.lat.attrs", "(('time', 'lat', 'lon'), True, True, True)"),
        ("(np.sqrt(d) ** 2 - d).sst.dims", "('time', 'lat', 'lon')"),
        ("np.sqrt(d.sst.isel(time=0, lat=0, lon=0)).dims", "()"),
    ] {
        assert_eq!(common::show(&mut it, code), want, "cell: {code}");
    }
}

#[test]
fn np_array_types_its_items_as_numpy_does() {
    // Expected texts: numpy 2.4's repr of the same calls.
    for (code, want) in [
        (
            "np.array([[1, 2], [3, 4]])",
            "array([[1, 2],\n       [3, 4]])",
        ),
        (
            "np.array([1.5, 2], dtype='float32')",
            "array([1.5, 2. ], dtype=float32)",
        ),
        ("np.asarray([True, False])", "array([ True, False])"),
        ("np.array(3)", "array(3)"),
        (
            "np.array(np.arange(3), dtype='float64')",
            "array([0., 1., 2.])",
        ),
        (
            "np.array([[1, 2], [3]])",
            "ValueError: setting an array element with a sequence.",
        ),
    ] {
        assert_eq!(value(code), want, "{code}");
    }
    assert!(value("np.array(['a'])").starts_with("TypeError: np.array of str"));
}
