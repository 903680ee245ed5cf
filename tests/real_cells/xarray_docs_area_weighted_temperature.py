# Source: pydata/xarray, doc/examples/area_weighted_temperature.ipynb
#   commit 53828c65ae717449d351501bc1d3c9c4caf32db7
#   https://github.com/pydata/xarray/blob/53828c65ae717449d351501bc1d3c9c4caf32db7/doc/examples/area_weighted_temperature.ipynb
#   rendered at https://docs.xarray.dev
# Licence: Apache-2.0 (LICENSE of pydata/xarray)
# Code cells copied verbatim, in notebook order; [N] is the cell's index in the notebook
# (markdown cells included). Plot-only cells are left out; changed lines end in
# `# loading line changed`.

# %% [2]
%matplotlib inline

import cartopy.crs as ccrs
import matplotlib.pyplot as plt
import numpy as np

import xarray as xr

# %% [4]
ds = xr.open_zarr("<DATA>/air_temperature.zarr").load()  # loading line changed

# to celsius
air = ds.air - 273.15

# resample from 6-hourly to daily values
air = air.resample(time="D").mean()

air

# %% [8]
weights = np.cos(np.deg2rad(air.lat))
weights.name = "weights"
weights

# %% [10]
air_weighted = air.weighted(weights)
air_weighted

# %% [11]
weighted_mean = air_weighted.mean(("lon", "lat"))
weighted_mean
