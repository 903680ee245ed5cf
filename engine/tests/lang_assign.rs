//! Assignment to items and attributes in cells: dicts, lists, `ds["x"] = ...`, coords, attrs
//! and names, augmented and nested forms, and the errors Python and xarray give. Expected
//! values are what Python with xarray prints for the same code.
#![allow(clippy::unwrap_used, reason = "test fixtures")]

mod common;
use common::show;

use nereus_engine::lang::{is_complete, Completeness, Interpreter};

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
