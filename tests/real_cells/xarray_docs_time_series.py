# Source: pydata/xarray, doc/user-guide/time-series.md (a MyST notebook page, executed by the docs build)
#   commit 53828c65ae717449d351501bc1d3c9c4caf32db7
#   https://github.com/pydata/xarray/blob/53828c65ae717449d351501bc1d3c9c4caf32db7/doc/user-guide/time-series.md
#   rendered at https://docs.xarray.dev/en/stable/user-guide/time-series.html
# Licence: Apache-2.0 (LICENSE of pydata/xarray)
# Code cells copied verbatim, in page order; [N] is the N-th {code-cell} block of the page. The
# sections "Datetime components" and "Resampling and grouped operations" (without the upsampling
# and SeasonGrouper/SeasonResampler cells); cell [1] is the page's hidden set-up cell, whose MyST
# ":tags: [remove-input]" option line is left out. No data is loaded.

# %% [1]
import numpy as np
import pandas as pd
import xarray as xr

np.random.seed(123456)

# %% [12]
time = pd.date_range("2000-01-01", freq="6h", periods=365 * 4)
ds = xr.Dataset({"foo": ("time", np.arange(365 * 4)), "time": time})
ds.time.dt.hour

# %% [13]
ds.time.dt.day_of_week

# %% [14]
ds["time.month"]

# %% [15]
ds["time.day_of_year"]

# %% [16]
ds["time.season"]

# %% [17]
ds["time"].dt.season

# %% [18]
ds["time"].dt.floor("D")

# %% [19]
ds["time"].dt.strftime("%a, %b %d %H:%M")

# %% [20]
ds.isel(time=(ds.time.dt.month == 1))

# %% [21]
ds.isel(time=ds.time.dt.month.isin([1, 2, 3]))

# %% [22]
ds.groupby("time.hour").mean()

# %% [23]
ds.resample(time="6h")

# %% [24]
ds.resample(time="6h").mean()

# %% [25]
ds.resample(time="6h").reduce(np.mean)

# %% [29]
ds.groupby("time.season").mean()
