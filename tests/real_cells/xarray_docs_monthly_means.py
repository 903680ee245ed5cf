# Source: pydata/xarray, doc/examples/monthly-means.ipynb
#   commit 53828c65ae717449d351501bc1d3c9c4caf32db7
#   https://github.com/pydata/xarray/blob/53828c65ae717449d351501bc1d3c9c4caf32db7/doc/examples/monthly-means.ipynb
#   rendered at https://docs.xarray.dev
# Licence: Apache-2.0 (LICENSE of pydata/xarray)
# Code cells copied verbatim, in notebook order; [N] is the cell's index in the notebook
# (markdown cells included). Plot-only cells are left out; changed lines end in
# `# loading line changed`.

# %% [1]
%matplotlib inline
import numpy as np
import pandas as pd
import xarray as xr
import matplotlib.pyplot as plt

# %% [3]
ds = xr.open_zarr("<DATA>/rasm.zarr").load()  # loading line changed
ds

# %% [5]
month_length = ds.time.dt.days_in_month
month_length

# %% [6]
# Calculate the weights by grouping by 'time.season'.
weights = (
    month_length.groupby("time.season") / month_length.groupby("time.season").sum()
)

# Test that the sum of the weights for each season is 1.0
np.testing.assert_allclose(weights.groupby("time.season").sum().values, np.ones(4))

# Calculate the weighted average
ds_weighted = (ds * weights).groupby("time.season").sum(dim="time")

# %% [7]
ds_weighted

# %% [8]
# only used for comparisons
ds_unweighted = ds.groupby("time.season").mean("time")
ds_diff = ds_weighted - ds_unweighted

# %% [10]
# Wrap it into a simple function
def season_mean(ds, calendar="standard"):
    # Make a DataArray with the number of days in each month, size = len(time)
    month_length = ds.time.dt.days_in_month

    # Calculate the weights by grouping by 'time.season'
    weights = (
        month_length.groupby("time.season") / month_length.groupby("time.season").sum()
    )

    # Test that the sum of the weights for each season is 1.0
    np.testing.assert_allclose(weights.groupby("time.season").sum().values, np.ones(4))

    # Calculate the weighted average
    return (ds * weights).groupby("time.season").sum(dim="time")
