# xr.apply_ufunc with and without core dimensions, where(drop=True) on a box, boolean sel,
# numpy's reductions and helpers on computed values, and numpy scalars promoting float32.
import numpy as np
import xarray as xr
ds = xr.open_zarr(DATA + "/sst.zarr").isel(time=slice(0, 6)).load()
filled = xr.apply_ufunc(np.nan_to_num, ds.sst, kwargs={"nan": 0})
print(filled.name, filled.dims, filled.dtype, f"{float(filled.sum()):.2f}")
tmean = xr.apply_ufunc(np.mean, ds.sst, input_core_dims=[["time"]], kwargs={"axis": -1})
print(tmean.dims, tmean.shape, f"{float(tmean.isel(lat=90, lon=200)):.5f}")
try:
    xr.apply_ufunc(np.nan_to_num, xr.open_zarr(DATA + "/sst.zarr").sst)
except ValueError:
    print("lazy input refused without dask=")
box = ds.sst.where((ds.lat < 5) & (ds.lat > -5) & (ds.lon > 190) & (ds.lon < 240), drop=True)
print(box.dims, box.shape, f"{float(box.mean()):.4f}")
print(ds.where(ds.lat > 80, drop=True).sst.shape)
print(ds.sel(time=ds.time.dt.month == 2).sst.shape, ds.sst.mean(axis=0).dims)
v = ds.sst.isel(time=0).values
print(np.nanmax(v) > 0, np.isnan(np.max(v)), np.array_equal(v, v), np.array_equal(v, v, equal_nan=True))
np.testing.assert_allclose(np.nanmean(v), float(ds.sst.isel(time=0).mean()), rtol=1e-6)
np.testing.assert_array_equal(np.nan_to_num(v, nan=-1.0)[0, :2], np.array([-1.0, -1.0]))
dphi = np.deg2rad(2.5)
cell = 6.371e6 * dphi * xr.ones_like(ds.lat.astype("float32"))
print(cell.dtype, type(dphi).__name__, f"{float(cell[0]):.3f}")
