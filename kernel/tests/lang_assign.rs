//! Assignment to items and attributes in cells: dicts, lists and list slices, `ds["x"] = ...`,
//! `da[0, 1:3] = ...`, coords, attrs and names, augmented and nested forms, and the errors
//! Python and xarray give. Expected values are what Python with xarray 2026.9 prints for the
//! same code.
#![allow(clippy::unwrap_used, reason = "test fixtures")]

mod common;
use common::show;

use nereus::lang::{is_complete, Completeness, Interpreter};

/// An interpreter with `xr`, `np` and `ds` (the SST store) defined.
fn session() -> Interpreter {
    common::session(
        "import xarray as xr\nimport numpy as np\nds = xr.open_zarr(\"{DATA}/sst.zarr\")",
    )
}

#[test]
fn dict_and_list_items() {
    let mut it = Interpreter::new();
    assert_eq!(
        show(&mut it, "d = {'a': 1}\nd['b'] = 2\nd['a'] += 10\nd"),
        "{'a': 11, 'b': 2}"
    );
    assert_eq!(
        show(&mut it, "l = [1, 2, 3]\nl[-1] = 9\nl[0] += 1\nl"),
        "[2, 2, 9]"
    );
    assert_eq!(
        show(&mut it, "n = {'x': [1, {'y': 0}]}\nn['x'][1]['y'] = 5\nn"),
        "{'x': [1, {'y': 5}]}"
    );
    assert_eq!(
        show(&mut it, "a = [0, 0]\na[0], b = 1, 2\n(a, b)"),
        "([1, 0], 2)"
    );
    assert_eq!(
        show(&mut it, "for k in ['p', 'q']:\n    d[k] = k * 2\nd"),
        "{'a': 11, 'b': 2, 'p': 'pp', 'q': 'qq'}"
    );
    assert_eq!(
        show(&mut it, "l[5] = 1"),
        "IndexError: list assignment index out of range"
    );
    assert_eq!(
        show(&mut it, "l['a'] = 1"),
        "TypeError: list indices must be integers or slices, not str"
    );
    assert_eq!(
        show(&mut it, "d[[1]] = 1"),
        "TypeError: unhashable type: 'list'"
    );
    assert_eq!(
        show(&mut it, "t = (1, 2)\nt[0] = 1"),
        "TypeError: 'tuple' object does not support item assignment"
    );
    assert_eq!(
        show(&mut it, "s = 'ab'\ns[0] = 'x'"),
        "TypeError: 'str' object does not support item assignment"
    );
    assert_eq!(show(&mut it, "d['zz'] += 1"), "KeyError: 'zz'");
}

#[test]
fn list_slices_are_assigned_as_in_python() {
    let mut it = Interpreter::new();
    for (code, want) in [
        ("xs[1:3] = [7, 8]\nxs", "[1, 7, 8, 4, 5]"),
        ("xs[1:3] = [7, 8, 9]\nxs", "[1, 7, 8, 9, 4, 5]"),
        ("xs[1:3] = []\nxs", "[1, 4, 5]"),
        ("xs[::2] = ['a', 'b', 'c']\nxs", "['a', 2, 'b', 4, 'c']"),
        ("xs[::-2] = [7, 8, 9]\nxs", "[9, 2, 8, 4, 7]"),
        ("xs[3:1] = [7, 8, 9]\nxs", "[1, 2, 3, 7, 8, 9, 4, 5]"),
        ("xs[-2:] = []\nxs", "[1, 2, 3]"),
        ("xs[10:] = [0]\nxs", "[1, 2, 3, 4, 5, 0]"),
        ("xs[:0] = range(2)\nxs", "[0, 1, 1, 2, 3, 4, 5]"),
        ("xs[1:3:1] = 'ab'\nxs", "[1, 'a', 'b', 4, 5]"),
        ("xs[1:4:2] = (0, 0)\nxs", "[1, 0, 3, 0, 5]"),
        ("xs[1:3] += [0]\nxs", "[1, 2, 3, 0, 4, 5]"),
        ("xs[:] = xs[::-1]\nxs", "[5, 4, 3, 2, 1]"),
        (
            "n = [[1, 2], [3, 4]]\nn[1][:1] = [9, 9]\nn",
            "[[1, 2], [9, 9, 4]]",
        ),
        ("xs[1:3] = 5", "TypeError: can only assign an iterable"),
        (
            "xs[::2] = 5",
            "TypeError: must assign iterable to extended slice",
        ),
        (
            "xs[::2] = [1, 2]",
            "ValueError: attempt to assign sequence of size 2 to extended slice of size 3",
        ),
        (
            "xs[::-1] = []",
            "ValueError: attempt to assign sequence of size 0 to extended slice of size 5",
        ),
        ("xs[::0] = []", "ValueError: slice step cannot be zero"),
        (
            "xs['a':] = [0]",
            "TypeError: slice indices must be integers or None or have an __index__ method",
        ),
        (
            "t = (1, 2)\nt[0:1] = [3]",
            "TypeError: 'tuple' object does not support item assignment",
        ),
    ] {
        assert_eq!(
            show(&mut it, &format!("xs = [1, 2, 3, 4, 5]\n{code}")),
            want,
            "cell: {code}"
        );
    }
}

/// A 3 x 4 all-ocean box of the first SST month, as `a`, before each cell.
const BOX: &str = "a = ds.sst.isel(time=0, lat=slice(60, 63), lon=slice(154, 158))\n";

#[test]
fn positions_of_an_array_are_assigned_as_in_xarray() {
    let mut it = session();
    // Each cell assigns, then shows the box's values row by row.
    for (code, want) in [
        ("a[0] = 5", "[[5.0, 5.0, 5.0, 5.0], [22.033, 22.038, 22.043, 22.047], [22.408, 22.416, 22.424, 22.431]]"),
        ("a[0, :] = 1.5\na[1:3] = np.nan", "[[1.5, 1.5, 1.5, 1.5], [nan, nan, nan, nan], [nan, nan, nan, nan]]"),
        ("a[:, 2] = np.arange(3)", "[[21.651, 21.652, 0.0, 21.655], [22.033, 22.038, 1.0, 22.047], [22.408, 22.416, 2.0, 22.431]]"),
        ("a[1] = [1, 2, 3, 4]", "[[21.651, 21.652, 21.654, 21.655], [1.0, 2.0, 3.0, 4.0], [22.408, 22.416, 22.424, 22.431]]"),
        ("a[-1, -1] = 7", "[[21.651, 21.652, 21.654, 21.655], [22.033, 22.038, 22.043, 22.047], [22.408, 22.416, 22.424, 7.0]]"),
        ("a[[0, 2]] = 7", "[[7.0, 7.0, 7.0, 7.0], [22.033, 22.038, 22.043, 22.047], [7.0, 7.0, 7.0, 7.0]]"),
        ("a[::2, ::-1] = np.arange(4)", "[[3.0, 2.0, 1.0, 0.0], [22.033, 22.038, 22.043, 22.047], [3.0, 2.0, 1.0, 0.0]]"),
        ("a[dict(lon=slice(1, 3))] = 2", "[[21.651, 2.0, 2.0, 21.655], [22.033, 2.0, 2.0, 22.047], [22.408, 2.0, 2.0, 22.431]]"),
        ("a[{'lat': 0, 'lon': -1}] = -1", "[[21.651, 21.652, 21.654, -1.0], [22.033, 22.038, 22.043, 22.047], [22.408, 22.416, 22.424, 22.431]]"),
        ("a[:] = np.arange(4.0)", "[[0.0, 1.0, 2.0, 3.0], [0.0, 1.0, 2.0, 3.0], [0.0, 1.0, 2.0, 3.0]]"),
        ("a[0] = True", "[[1.0, 1.0, 1.0, 1.0], [22.033, 22.038, 22.043, 22.047], [22.408, 22.416, 22.424, 22.431]]"),
        ("a[0] = '2.5'", "[[2.5, 2.5, 2.5, 2.5], [22.033, 22.038, 22.043, 22.047], [22.408, 22.416, 22.424, 22.431]]"),
        ("a[:, 2] = a[:, 0] * 10", "[[21.651, 21.652, 216.507, 21.655], [22.033, 22.038, 220.332, 22.047], [22.408, 22.416, 224.081, 22.431]]"),
        ("a[0] += 100", "[[121.651, 121.652, 121.654, 121.655], [22.033, 22.038, 22.043, 22.047], [22.408, 22.416, 22.424, 22.431]]"),
        ("a[1:, 1:3] = a[1:, 0] - 30", "[[21.651, 21.652, 21.654, 21.655], [22.033, -7.967, -7.967, 22.047], [22.408, -7.592, -7.592, 22.431]]"),
        ("a[1:1] = 9", "[[21.651, 21.652, 21.654, 21.655], [22.033, 22.038, 22.043, 22.047], [22.408, 22.416, 22.424, 22.431]]"),
    ] {
        let cell = format!("{BOX}{code}\n[[round(float(v), 3) for v in r] for r in a]");
        assert_eq!(show(&mut it, &cell), want, "cell: {code}");
    }
    for (code, want) in [
        ("a[0] = 5\n(a.dtype, a.name, a.attrs['units'], a.dims, a.shape, sorted(a.coords))", "(dtype('float32'), 'sst', 'degC', ('lat', 'lon'), (3, 4), ['lat', 'lon', 'time'])"),
        ("m = a.load()\nm[0] = 99\nm[:, 1] = m[:, 0] + 1\n[[round(float(v), 3) for v in r] for r in m]", "[[99.0, 100.0, 99.0, 99.0], [22.033, 23.033, 22.043, 22.047], [22.408, 23.408, 22.424, 22.431]]"),
        ("i = a.astype('int32')\ni[0] = 2.7\ni[1] = -2.7\n(str(i.dtype), [[int(v) for v in r] for r in i])", "('int32', [[2, 2, 2, 2], [-2, -2, -2, -2], [22, 22, 22, 22]])"),
        ("a[0] = 5\n(a.chunks is None, a.load().chunks is None)", "(False, True)"),
        ("m = a.load()\nm[0] = 5\nm.chunks is None", "True"),
        ("a[:, 2] = np.arange(2)", "ValueError: shape mismatch: value array of shape (2,) could not be broadcast to indexing result of shape (3,)"),
        ("m = a.load()\nm[:, 2] = np.arange(2)", "ValueError: could not broadcast input array from shape (2,) into shape (3,)"),
        ("a[:] = np.arange(3.0)", "ValueError: shape mismatch: value array of shape (1, 3) could not be broadcast to indexing result of shape (3, 4)"),
        ("m = a.load()\nm[:] = np.arange(3.0)", "ValueError: could not broadcast input array from shape (1,3) into shape (3,4)"),
        ("a[:, :2] = [[1, 2, 3], [4, 5, 6]]", "ValueError: shape mismatch: value array of shape (2, 3) could not be broadcast to indexing result of shape (3, 2)"),
        ("a[0, 0, 0] = 1", "IndexError: too many indices"),
        ("a[0] = 'x'", "ValueError: could not convert string to float: np.str_('x')"),
        // Through the dataset (last: it changes `ds` for later cells, as in Python).
        ("ds['sst'][:, 60, 154] = 0\nds.sst[1:3, 60, 155:157] = -1\n([round(float(v), 3) for v in ds.sst[:3, 60, 154:157].mean('lon')], ds.sst.attrs['units'], ds.sst.chunks is None)", "([14.435, -0.667, -0.667], 'degC', False)"),
    ] {
        assert_eq!(show(&mut it, &format!("{BOX}{code}")), want, "cell: {code}");
    }
}

#[test]
fn assigned_values_must_sit_on_the_selections_coordinates() {
    // xarray's message goes on with the reprs of both coordinates; Nereus keeps the first line,
    // and words an index out of bounds as its `isel` does.
    let mut it = session();
    let conflict = |dim: &str| {
        format!("IndexError: dimension coordinate '{dim}' conflicts between indexed and indexing objects")
    };
    for (code, want) in [
        ("a[:, 2] = a[0, :]", conflict("lon")),
        ("a[:, 2] = a[:, 0].isel(lat=[2, 1, 0])", conflict("lat")),
        ("a[0] = a[:, 0]", conflict("lat")),
        (
            "a[5] = 1",
            "IndexError: index 5 is out of bounds for dimension \"lat\" of size 3".to_owned(),
        ),
    ] {
        assert_eq!(show(&mut it, &format!("{BOX}{code}")), want, "cell: {code}");
    }
}

#[test]
fn copy_on_write_leaves_other_names_alone() {
    // The documented difference from Python: values are shared immutably.
    let mut it = Interpreter::new();
    assert_eq!(
        show(&mut it, "d = {'k': 0}\nd2 = d\nd['k'] = 1\n(d, d2)"),
        "({'k': 1}, {'k': 0})"
    );
}

#[test]
fn dataset_items_add_and_replace_variables() {
    let mut it = session();
    let code = "ds['clim'] = ds['sst'].mean('time')\nds['anom'] = ds['sst'] - ds['clim']\nds['flag'] = 1.5\n(list(ds.data_vars), ds.anom.dims, ds.clim.dims, ds.flag.dims)";
    assert_eq!(
        show(&mut it, code),
        "(['sst', 'clim', 'anom', 'flag'], ('time', 'lat', 'lon'), ('lat', 'lon'), ())"
    );
    assert_eq!(show(&mut it, "ds['flag'] += 1\nfloat(ds.flag)"), "2.5");
    // Part of the grid is aligned onto the dataset's labels, as xarray does.
    assert_eq!(
        show(&mut it, "ds['band'] = ds['sst'].sel(lat=slice(-10, 10))\n(ds.band.sizes['lat'], int(ds.band.isel(time=0).count()))"),
        "(180, 5854)"
    );
    assert_eq!(
        show(&mut it, "ds['bad'] = (('lat',), [1.0, 2.0, 3.0])"),
        "ValueError: conflicting sizes for dimension 'lat': length 3 on 'bad' and length 180 on the object it is assigned to"
    );
    assert_eq!(
        show(&mut it, "ds['time'] = 1"),
        "ValueError: dimension 'time' already exists as a scalar variable"
    );
}

#[test]
fn coordinates_by_item_and_through_coords() {
    let mut it = session();
    assert_eq!(
        show(
            &mut it,
            "ds.coords['lat2'] = ds['lat'] * 2\n(sorted(ds.coords), float(ds.lat2.max()))"
        ),
        "(['lat', 'lat2', 'lon', 'time'], 179.0)"
    );
    assert_eq!(
        show(
            &mut it,
            "ds['lat2'] = ds['lat2'] + 1\n('lat2' in ds.coords, float(ds.lat2.max()))"
        ),
        "(True, 180.0)"
    );
    assert_eq!(
        show(&mut it, "da = ds.sst\nda['newc'] = 3\nsorted(da.coords)"),
        "['lat', 'lat2', 'lon', 'newc', 'time']"
    );
    assert_eq!(
        show(&mut it, "da['zz'] = ('zz', [1, 2])"),
        "ValueError: coordinate zz has dimensions ('zz',), but these are not a subset of the DataArray dimensions ('time', 'lat', 'lon')"
    );
    assert_eq!(
        show(&mut it, "ds.sizes['lat'] = 2"),
        "TypeError: 'Frozen' object does not support item assignment"
    );
    assert_eq!(
        show(&mut it, "ds.data_vars['x'] = 2"),
        "TypeError: 'DataVariables' object does not support item assignment"
    );
}

#[test]
fn attrs_and_names() {
    let mut it = session();
    assert_eq!(
        show(&mut it, "ds['sst'].attrs['units'] = 'K'\nds.sst.attrs['n'] = 1\nds.sst.attrs['n'] += 1\nds.sst.attrs"),
        "{'standard_name': 'sea_surface_temperature', 'long_name': 'Monthly mean sea surface temperature', 'units': 'K', 'n': 2}"
    );
    assert_eq!(
        show(
            &mut it,
            "ds.attrs = {'title': 't'}\nds.attrs['history'] = 'x'\nds.attrs"
        ),
        "{'title': 't', 'history': 'x'}"
    );
    assert_eq!(
        show(
            &mut it,
            "da = ds.sst\nda.name = 'q'\nda.attrs = {'a': [1, 2.5]}\n(da.name, da.attrs, list(ds))"
        ),
        "('q', {'a': [1, 2.5]}, ['sst'])"
    );
    assert_eq!(
        show(
            &mut it,
            "ds.lat.attrs['axis'] = 'Y'\nds['lat'].attrs['axis']"
        ),
        "'Y'"
    );
    assert_eq!(
        show(&mut it, "da.attrs = 5"),
        "TypeError: 'int' object is not iterable"
    );
    assert_eq!(
        show(&mut it, "da.dims = ('a',)"),
        "AttributeError: you cannot assign dims on a DataArray. Use .rename() or .swap_dims() instead."
    );
    assert_eq!(
        show(&mut it, "ds.sst = 1"),
        "AttributeError: cannot set attribute 'sst' on a 'Dataset' object. Use __setitem__ style assignment (e.g., `ds['name'] = ...`) instead of assigning variables."
    );
    assert_eq!(
        show(&mut it, "x = 1\nx.foo = 2"),
        "AttributeError: 'int' object has no attribute 'foo'"
    );
    assert_eq!(
        show(&mut it, "d = {}\nd.get = 2"),
        "AttributeError: 'dict' object attribute 'get' is read-only"
    );
}

#[test]
fn targets_that_cannot_be_assigned() {
    let mut it = Interpreter::new();
    let err = |it: &mut Interpreter, code: &str| {
        show(it, code)
            .split(':')
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(err(&mut it, "f() = 1"), "SyntaxError");
    assert_eq!(err(&mut it, "len([])[0] = 1"), "NotImplementedError");
    assert_eq!(
        show(&mut it, "(a, b) += 1"),
        "SyntaxError: 'tuple' is an illegal expression for augmented assignment"
    );
    assert_eq!(
        show(&mut it, "len(x) += 1"),
        "SyntaxError: 'function call' is an illegal expression for augmented assignment"
    );
    assert_eq!(
        show(&mut it, "undefined['k'] = 1"),
        "NameError: name 'undefined' is not defined"
    );
}

#[test]
fn completeness_and_completion_see_assignments() {
    let it = session();
    assert!(matches!(
        is_complete("ds['x'] = ("),
        Completeness::Incomplete { .. }
    ));
    assert_eq!(
        is_complete("ds['x'].attrs['u'] += 1"),
        Completeness::Complete
    );
    assert_eq!(is_complete("f() = 1"), Completeness::Invalid);
    let c = it.complete("ds['anom'] = ds.ss", 18);
    assert!(c.matches.iter().any(|m| m == "sst"), "{:?}", c.matches);
}

#[test]
fn del_removes_items_as_python_and_xarray_do() {
    let mut it = session();
    // Expected: what Python 3.11 with xarray 2026.9 prints for the same statements.
    assert_eq!(
        show(
            &mut it,
            "xs = [0, 1, 2, 3, 4, 5]\ndel xs[1:5:2]\ndel xs[-1]\nxs"
        ),
        "[0, 2, 4]"
    );
    assert_eq!(
        show(&mut it, "d = {'a': 1, 'b': 2}\ndel d['a'], xs[0]\n(d, xs)"),
        "({'b': 2}, [2, 4])"
    );
    assert_eq!(show(&mut it, "del d['z']"), "KeyError: 'z'");
    assert_eq!(
        show(&mut it, "del xs[10]"),
        "IndexError: list assignment index out of range"
    );
    assert_eq!(
        show(&mut it, "t = (1, 2)\ndel t[0]"),
        "TypeError: 'tuple' object doesn't support item deletion"
    );
    assert_eq!(
        show(
            &mut it,
            "ds['twice'] = ds.sst * 2\nds.attrs['note'] = 'x'\ndel ds['twice']\ndel ds.attrs['note']\n(list(ds.data_vars), 'note' in ds.attrs)"
        ),
        "(['sst'], False)"
    );
    assert_eq!(show(&mut it, "del ds['zz']"), "KeyError: 'zz'");
    assert_eq!(
        show(
            &mut it,
            "s = ds.sst\ndel s['lat']\n('lat' in s.coords, 'lat' in ds.sst.coords)"
        ),
        "(False, True)"
    );
    assert!(show(&mut it, "del ds.sst").starts_with("NotImplementedError: deleting attributes"));
    assert_eq!(
        show(&mut it, "del f(x)"),
        "SyntaxError: cannot delete function call"
    );
}
