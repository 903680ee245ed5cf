# Source: pydata/xarray, doc/examples/multidimensional-coords.ipynb
#   commit 6ca51d31c119989be4bdd95edaa1288ccd3dec7d
#   https://github.com/pydata/xarray/blob/6ca51d31c119989be4bdd95edaa1288ccd3dec7d/doc/examples/multidimensional-coords.ipynb
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
import cartopy.crs as ccrs
from matplotlib import pyplot as plt

# %% [3]
ds = xr.open_zarr("<DATA>/rasm.zarr").load()  # loading line changed
ds

# %% [5]
print(ds.xc.attrs)
print(ds.yc.attrs)
