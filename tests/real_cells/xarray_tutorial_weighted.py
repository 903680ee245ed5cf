# Source: xarray-contrib/xarray-tutorial, fundamentals/03.4_weighted.ipynb
#   commit 9461d9214e119becb20c96498533d6465d221257
#   https://github.com/xarray-contrib/xarray-tutorial/blob/9461d9214e119becb20c96498533d6465d221257/fundamentals/03.4_weighted.ipynb
#   rendered at https://tutorial.xarray.dev
# Licence: Apache-2.0 (LICENSE of xarray-contrib/xarray-tutorial)
# Code cells copied verbatim, in notebook order; [N] is the cell's index in the notebook
# (markdown cells included). Plot-only cells are left out; changed lines end in
# `# loading line changed`.

# %% [1]
import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

%config InlineBackend.figure_format='retina'

# %% [2]
ds = xr.open_zarr("<DATA>/ersstv5.zarr").load()  # loading line changed
ds

# %% [3] compare=none the cell ends in weights.plot() (plotting is not compared here); it defines the weights later cells use
weights = np.cos(np.deg2rad(ds.lat))
display(weights.dims)

weights.plot()

# %% [5]
(ds.sst * weights).dims

# %% [9]
sst_weighted = ds.sst.weighted(weights)
sst_weighted
