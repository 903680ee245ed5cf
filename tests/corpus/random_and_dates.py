# numpy's legacy random generator seeded as notebooks seed it (the same numbers as numpy),
# pandas date ranges into a Dataset, month names in date labels, and dates masked by where.
import numpy as np
import pandas as pd
import xarray as xr
np.random.seed(123456)
print(np.random.rand(3), np.random.randn(2, 2))
print(np.random.normal(5, 2, size=3), np.random.randint(0, 10, size=5), np.random.uniform(-1, 1, 2))
print(np.random.random(), np.random.randn())
time = pd.date_range("2000-01-01", freq="6h", periods=365 * 4)
ds = xr.Dataset({"foo": ("time", np.arange(365 * 4)), "time": time})
print(ds.time.dt.hour[:5].values, ds.time.dt.day_of_week[:3].values)
print(ds.sel(time="2000-Jan").foo.shape, ds.sel(time="2000-February").foo.shape)
print(ds.resample(time="1D").mean().foo.shape)
starts = pd.date_range("2000-01-15", periods=3, freq="MS")
print(len(starts), str(starts[0])[:10], str(starts[-1])[:10])
masked = ds.time.where(ds.time.dt.month == 1)
print(int(masked.isnull().sum()), str(masked.values[0])[:19])
print(ds.isel(time=(ds.time.dt.month == 1)).foo.shape, ds.isel(time=ds.time.dt.month.isin([1, 2, 3])).foo.shape)
print(int(ds.foo.isin([3, 5, 7.0]).sum()), int(ds.foo.isin([]).sum()), ds.copy().foo.shape)
t6 = ds.time.isel(time=slice(0, 8))
print(t6.dt.floor("D").dt.hour.values, t6.dt.ceil("D").dt.day.values, t6.dt.round("12h").dt.hour.values)
daily = ds.resample(time="1D").reduce(np.mean)
print(daily.foo.shape, daily.foo.values[:3], daily.foo.dims)
monthly_max = ds.foo.groupby("time.month").reduce(np.max)
print(monthly_max.dims, monthly_max.values[:3])
