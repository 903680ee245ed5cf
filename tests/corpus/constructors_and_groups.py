# Arrays built in the notebook (xr.DataArray, xr.Dataset, *_like, np.tile/zeros/reshape),
# grouping by an array's values, iterating groups and resample bins, GroupBy.map with a
# function that reduces and one that keeps the grouped dimension, and numpy's reductions.
import numpy as np
import xarray as xr
simple = xr.DataArray(np.arange(10), dims="time", coords={"time": np.arange(10)})
print(simple)
months = xr.DataArray(np.tile(np.arange(1, 13), reps=2), dims="time",
                      coords={"time": np.arange(1, 25)})
print(months)
da = xr.DataArray([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dims=("x", "y"),
                  coords={"x": [10, 20], "y": [1, 2, 3], "label": ("x", [7, 8])},
                  name="foo", attrs={"units": "m"})
print(da)
ds = xr.Dataset({"foo": da, "bar": (("x",), [1, 2])}, coords={"z": 3}, attrs={"title": "t"})
print(ds)
print(xr.ones_like(da))
print(xr.zeros_like(ds, dtype="int32"))
print(xr.full_like(da, 2.5).values.tolist())
print(np.arange(6).reshape(-1, 2).astype("float32"), np.zeros((2, 2)), np.ones(3, dtype="int16"))
sst = xr.open_zarr(DATA + "/sst.zarr").sst
gb = sst.groupby(sst.time.dt.month)
print(gb)
clim = gb.map(lambda x: x.mean("time"))
print(clim.dims, clim.shape, f"{float(clim.mean()):.5f}")
anom = sst.groupby("time.month").map(lambda x: x - x.mean(dim="time"))
print(anom.dims, f"{float(anom.isel(time=17, lat=90, lon=200)):.5f}")
for label, group in gb:
    print(label, group.shape)
    break
for label, group in sst.resample(time="YS"):
    print(label, group.shape)
    break
point = sst.isel(lat=90, lon=200).values
print(f"{point.mean():.4f} {point.max():.4f} {point.std(ddof=1):.4f}", point.reshape(10, 12).mean(axis=0).shape)
