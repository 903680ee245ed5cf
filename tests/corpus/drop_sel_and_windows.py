# drop_sel (labels and lists, errors="ignore", dates), sel(method="nearest", tolerance=),
# to_dataset, rolling(...).construct (centred and trailing windows, NaN padding) and
# coarsen(...).construct (a dimension split in two), as the xarray tutorial uses them.
import numpy as np
import pandas as pd
import xarray as xr
da = xr.DataArray(np.arange(20.0).reshape(4, 5), dims=("lat", "lon"), name="air",
                  coords={"lat": [40.0, 50.0, 60.0, 70.0], "lon": [200.0, 202.5, 205.0, 207.5, 210.0]})
print(da.drop_sel(lat=50.0, lon=200.0))
print(da.drop_sel(lon=[200.0, 210.0]).lon.values, da.drop_sel({"lat": 40.0}).shape)
print(da.drop_sel(lat=[55.0, 60.0], errors="ignore").lat.values)
for bad in (lambda: da.drop_sel(lat=55.0), lambda: da.sel(lat=56.0, method="nearest", tolerance=2)):
    try:
        bad()
    except KeyError:
        print("KeyError")
print(da.sel(lat=51.0, lon=201.0, method="nearest", tolerance=2).values)
ds = da.to_dataset()
print(ds.drop_sel(lat=70.0).lat.values, list(da.to_dataset(name="t").data_vars))
print(ds.sel(lon=[203, 209], method="nearest", tolerance=1.0).lon.values)
t = xr.DataArray(np.arange(4), dims="time", coords={"time": pd.date_range("2000-01-01", periods=4)})
print(t.drop_sel(time="2000-01-02").values, t.drop_sel(time=[pd.Timestamp("2000-01-03")]).values)
simple = xr.DataArray(np.arange(10), dims="time", coords={"time": np.arange(10)})
print(simple.rolling(time=5, center=True).construct("window"))
print(simple.rolling(time=4).construct("w").values[:3], simple.rolling(time=4, center=True).construct(time="w").values[-2:])
f = xr.DataArray(np.arange(12, dtype="float32").reshape(3, 4), dims=("y", "x"), coords={"x": [1, 2, 3, 4]}, name="f")
print(f.rolling(x=3).construct("k"))
months = xr.DataArray(np.tile(np.arange(1, 13), reps=2), dims="time", coords={"time": np.arange(1, 25)})
print(months.coarsen(time=12).construct(time=("year", "month")))
print(f.coarsen(x=2).construct({"x": ("a", "b")}))
for bad in (lambda: f.coarsen(x=2).construct(x=("a", "b"), y=("c", "d")),
            lambda: f.coarsen(x=2, y=3).construct(x=("a", "b"))):
    try:
        bad()
    except ValueError:
        print("ValueError")
