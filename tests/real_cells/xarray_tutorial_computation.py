# Source: xarray-contrib/xarray-tutorial, fundamentals/03.1_computation_with_xarray.ipynb
#   commit 9461d9214e119becb20c96498533d6465d221257
#   https://github.com/xarray-contrib/xarray-tutorial/blob/9461d9214e119becb20c96498533d6465d221257/fundamentals/03.1_computation_with_xarray.ipynb
#   rendered at https://tutorial.xarray.dev
# Licence: Apache-2.0 (LICENSE of xarray-contrib/xarray-tutorial)
# Code cells copied verbatim, in notebook order; [N] is the cell's index in the notebook
# (markdown cells included). Plot-only cells are left out; changed lines end in
# `# loading line changed`.

# %% [1]
import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

# Ask Xarray to not show data values by default
xr.set_options(display_expand_data=False)

%config InlineBackend.figure_format='retina'

# %% [3]
ds = xr.open_zarr("<DATA>/ersstv5.zarr").load()  # loading line changed
ds

# %% [7]
sst_kelvin = ds.sst + 273.15
sst_kelvin

# %% [9]
f = 0.5 * np.log(sst_kelvin**2)
f

# %% [11]
np.nan_to_num(ds.sst, nan=0)

# %% [13]
xr.apply_ufunc(np.nan_to_num, ds.sst, kwargs={"nan": 0})

# %% [16]
sst = ds.sst
sst.mean(axis=0)

# %% [18]
sst.mean(dim="time")

# %% [20]
sst.mean(["lat", "time"])

# %% [22]
sst.mean()
