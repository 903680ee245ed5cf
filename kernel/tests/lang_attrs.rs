//! Attributes through computations: xarray 2026.9 keeps them by default through arithmetic,
//! ufuncs, reductions, selections, `where`, `fillna`, `astype`, `rename` and groupby
//! arithmetic, and drops only the attributes on which two operands disagree. Expected values
//! are what Python with xarray prints for the same code.

mod common;
use common::show;

#[test]
fn attributes_follow_xarrays_keep_attrs_default() {
    let mut it = common::session(
        "import xarray as xr\nimport numpy as np\nds = xr.open_zarr(\"{DATA}/sst.zarr\")\n\
         a = ds.sst.isel(time=slice(0, 24))\nb = a.mean(\"time\")\n\
         b.attrs = {\"units\": \"K\", \"other\": 1}\nw = np.cos(np.deg2rad(a.lat))\n\
         d = ds.isel(time=slice(0, 12))",
    );
    for (code, want) in [
        ("[list(x.attrs) for x in [a + b, b + a, a + 1, 1 + a, -a, abs(a), a > 1, a == b, a * a]]", "[['standard_name', 'long_name', 'other'], ['other', 'standard_name', 'long_name'], ['standard_name', 'long_name', 'units'], ['standard_name', 'long_name', 'units'], ['standard_name', 'long_name', 'units'], ['standard_name', 'long_name', 'units'], ['standard_name', 'long_name', 'units'], ['standard_name', 'long_name', 'other'], ['standard_name', 'long_name', 'units']]"),
        ("(a + 1).attrs == a.attrs, (a * w).attrs, (w * a).attrs, (a.sum('lat') / w.sum()).attrs", "(True, {'axis': 'Y'}, {'axis': 'Y'}, {'axis': 'Y'})"),
        ("[list(x.attrs) for x in [a.where(a > 3), a.where(a > 3, b), xr.where(a > 3, a, b), xr.where(a > 3, b, a), xr.where(a > 3, 1, a)]]", "[['standard_name', 'long_name', 'units'], ['standard_name', 'long_name', 'units'], ['standard_name', 'long_name', 'units'], ['units', 'other'], []]"),
        ("[x.attrs == a.attrs for x in [a.fillna(0), a.fillna(b), a.astype(int), a.rename('z'), a.rename(lat='y'), a.sel(lat=0.5, method='nearest'), a.isel(lat=0), a[0]]]", "[True, True, True, True, True, True, True, True]"),
        ("[x.attrs == a.attrs for x in [a.mean(), a.std('time'), a.count(), a.max(), a.min('lat'), a.sum(), a.var(), a.median('time')]]", "[True, True, True, True, True, True, True, True]"),
        ("[x.attrs == a.attrs for x in [np.sqrt(a), np.isnan(a), a.round(), a.clip(0, 1), a.cumsum('time'), a.rolling(time=3).mean(), a.coarsen(lat=2).mean()]]", "[True, True, True, True, True, True, True]"),
        ("clim = a.groupby('time.month').mean()\nanom = a.groupby('time.month') - clim\n(clim.attrs == a.attrs, anom.attrs == a.attrs, a.resample(time='YS').mean().attrs == a.attrs)", "(True, True, True)"),
        ("(a.lat + 1).attrs == a.lat.attrs, (a + 1).lat.attrs == a.lat.attrs, w.attrs == a.lat.attrs", "(True, True, True)"),
        ("[list(x.attrs) for x in [d + 1, (d + 1).sst, d * d, np.sqrt(d), np.sqrt(d).sst, d.mean(), d.mean().sst, (d - d.mean('time')).sst]]", "[['title', 'Conventions', 'source', 'sample_size'], ['standard_name', 'long_name', 'units'], ['title', 'Conventions', 'source', 'sample_size'], ['title', 'Conventions', 'source', 'sample_size'], ['standard_name', 'long_name', 'units'], ['title', 'Conventions', 'source', 'sample_size'], ['standard_name', 'long_name', 'units'], ['standard_name', 'long_name', 'units']]"),
        ("e = d * 1\ne.attrs = {'title': 'other', 'x': 1}\n[list(x.attrs) for x in [d + e, e + d, d + d.sst, d.sst + d, 2 - d, -d]]", "[['Conventions', 'source', 'sample_size', 'x'], ['x', 'Conventions', 'source', 'sample_size'], ['title', 'Conventions', 'source', 'sample_size', 'standard_name', 'long_name', 'units'], ['title', 'Conventions', 'source', 'sample_size', 'standard_name', 'long_name', 'units'], ['title', 'Conventions', 'source', 'sample_size'], ['title', 'Conventions', 'source', 'sample_size']]"),
        ("(d + 1).lat.attrs == d.lat.attrs, d.mean('time').lat.attrs == d.lat.attrs", "(True, True)"),
    ] {
        assert_eq!(show(&mut it, code), want, "cell: {code}");
    }
}
