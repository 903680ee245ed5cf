# Source: xarray-contrib/xarray-tutorial, fundamentals/03.3_windowed.ipynb
#   commit 9461d9214e119becb20c96498533d6465d221257
#   https://github.com/xarray-contrib/xarray-tutorial/blob/9461d9214e119becb20c96498533d6465d221257/fundamentals/03.3_windowed.ipynb
#   rendered at https://tutorial.xarray.dev
# Licence: Apache-2.0 (LICENSE of xarray-contrib/xarray-tutorial)
# Code cells copied verbatim, in notebook order; [N] is the cell's index in the notebook
# (markdown cells included). Plot-only cells are left out; changed lines end in
# `# loading line changed`.

# %% [1]
import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

np.set_printoptions(threshold=10, edgeitems=2)
xr.set_options(display_expand_data=False)

%config InlineBackend.figure_format='retina'

# %% [2]
ds = xr.open_zarr("<DATA>/ersstv5.zarr").load()  # loading line changed
ds

# %% [5]
rolling = ds.rolling(time=12, center=True)
rolling

# %% [7]
ds_rolling = rolling.mean()
ds_rolling

# %% [13]
simple = xr.DataArray(np.arange(10), dims="time", coords={"time": np.arange(10)})
simple

# %% [15]
# adds a new dimension "window"
simple.rolling(time=5, center=True).construct("window")

# %% [18]
coarse = ds.coarsen(lon=5, lat=5)
coarse

# %% [20] compare=error the notebook shows this error on purpose (lat has 89 rows, not a multiple of 5)
# we expect an error here because lat has size 89, which is not divisible by block size 5
coarse.mean()

# %% [21]
coarse = ds.coarsen(lat=5, lon=5, boundary="trim").mean()
coarse

# %% [24]
months = xr.DataArray(
    np.tile(np.arange(1, 13), reps=2),
    dims="time",
    coords={"time": np.arange(1, 25)},
)
months

# %% [26]
# break "time" into two new dimensions: "year", "month"
months.coarsen(time=12).construct(time=("year", "month"))
