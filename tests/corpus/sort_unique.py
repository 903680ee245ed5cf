# np.unique and np.sort on computed values (numbers with NaN and -0.0, integers, bools, season
# names, strftime strings and dates), DataArray.to_numpy() and sortby; N-D sorts along an axis are
# refused by name.
import numpy as np
import pandas as pd
import xarray as xr
t = pd.date_range("2000-01-01", periods=6, freq="MS")
ds = xr.Dataset({"a": ("time", np.array([3.0, np.nan, 1.0, -0.0, 0.0, np.nan]))}, coords={"time": t})
print(np.unique(ds.a), np.sort(ds.a.values), ds.a.to_numpy())
print(np.unique(ds.time.dt.season.values), np.unique(ds.groupby("time.season").mean().season))
print(np.sort(ds.time.dt.strftime("%b").values), np.unique(ds.time.dt.month))
print(np.unique([[3, 1], [1, 2]]), np.sort(np.array([[3, 1], [0, 2]]), axis=None))
print(np.unique(np.array([True, False, True])), np.unique(np.arange(5) % 2))
sst = xr.open_zarr(DATA + "/sst.zarr").sst.isel(time=slice(0, 3), lat=slice(80, 84), lon=slice(0, 4))
print(np.unique(sst.round(1)).size, np.sort(sst.isel(time=0, lat=0).values))
# sortby along a coordinate, a data variable or a DataArray key; descending keeps NaN last.
ds = ds.assign_coords(k=("time", [5, 3, 3, 1, 9, 0]))
print(ds.sortby("a"), ds.sortby("a", ascending=False).time.values)
print(ds.a.sortby("k").values, ds.sortby(ds.a).k.values, ds.sortby("time", ascending=False).k.values)
print(ds.groupby("time.season").mean().sortby("season", ascending=False).season.values)
print(np.unique(ds.time), np.sort(ds.time.values)[-1])
b = xr.DataArray([2.0, np.nan, 1.0, np.nan], dims="x", coords={"x": [0, 1, 2, 3]})
print(b.sortby(b, ascending=False).x.values, b.sortby(b).x.values)
