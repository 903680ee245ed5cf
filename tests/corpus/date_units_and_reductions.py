# pandas 3 dates are datetime64[us] (text) or keep their unit, and xarray keeps it through
# selection, resampling and .dt; one date's .values is a numpy scalar; reductions of dates
# (min/max propagate NaT, mean skips it, count counts dates) and comparisons of dates; the
# operations numpy does not define on dates raise TypeError rather than compute on numbers.
import numpy as np
import pandas as pd
import xarray as xr
time = pd.date_range("2000-01-01", freq="6h", periods=40)
ds = xr.Dataset({"foo": ("time", np.arange(40.0)), "time": time})
print(ds.time.dtype, repr(ds.time.dtype), repr(pd.date_range("2000-01-01", periods=2, unit="ns").dtype))
print(repr(ds.time.values[:2]))
print(repr(ds.time[3].values), repr(ds.time.max().values), repr(ds.time.min().values))
print(ds.time.mean().values, int(ds.time.count()))
print(ds.sel(time=pd.Timestamp("2000-01-02T06:00")).foo.values, ds.sel(time=ds.time[5]).foo.values)
print(ds.sel(time=slice(pd.Timestamp("2000-01-03"), "2000-01-04")).foo.values)
print(ds.resample(time="1D").mean().time.dtype, ds.time.dt.floor("D").dtype)
print(ds.foo.where(ds.time > ds.time[36]).values[-5:], int((ds.time == ds.time[2]).sum()))
t = pd.to_datetime(["2000-01-01T00:00", "2000-01-02T00:00", "2000-01-03T00:00", "2000-02-11T06:00"])
d2 = xr.Dataset({"a": ("x", [1.0, 2.0, 3.0, 4.0]), "t": ("x", t)}, coords={"x": [1, 1, 2, 2]})
d2["t"] = d2.t.where(d2.a != 2)
print(repr(d2.t.max().values), repr(d2.t.min().values), d2.t.mean().values, int(d2.t.count()))
print(d2.mean().t.values, d2.max().t.values, d2.count().t.values)
print(d2.t.isnull().values)
for f in (lambda: ds.time * 2, lambda: ds.time + ds.time, lambda: np.sqrt(ds.time),
          lambda: ds.time.std(), lambda: ds.time.sum(), lambda: d2.sum()):
    try:
        f()
        print("ran")
    except TypeError:
        print("TypeError")
