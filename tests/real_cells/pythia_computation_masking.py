# Source: ProjectPythia/pythia-foundations, core/xarray/computation-masking.ipynb
#   commit 9a3dbc4101a3dcdf3db2c9585deaf8dd43059b85
#   https://github.com/ProjectPythia/pythia-foundations/blob/9a3dbc4101a3dcdf3db2c9585deaf8dd43059b85/core/xarray/computation-masking.ipynb
#   rendered at https://foundations.projectpythia.org
# Licence: Apache-2.0 (LICENSE of ProjectPythia/pythia-foundations)
# Code cells copied verbatim, in notebook order; [N] is the cell's index in the notebook
# (markdown cells included). Plot-only cells are left out; changed lines end in
# `# loading line changed`.

# %% [6]
import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
# from pythia_datasets import DATASETS  # loading line changed

# %% [8]
filepath = '<DATA>/CESM2_sst_data.zarr'  # loading line changed
ds = xr.open_zarr(filepath)  # loading line changed
ds

# %% [10]
ds.tos + 273.15

# %% [12]
ds.tos**2

# %% [15]
ds.tos.mean()

# %% [19]
ds.tos.min(dim=['time'])

# %% [21]
ds.tos.sum(dim=['lat', 'lon'])

# %% [23]
ds.tos.median(dim='time')

# %% [29]
ds.tos.groupby(ds.time.dt.month)

# %% [32]
ds.tos.groupby('time.month')

# %% [34]
tos_clim = ds.tos.groupby('time.month').mean()
tos_clim

# %% [42]
gb = ds.tos.groupby('time.month')
tos_anom = gb - gb.mean(dim='time')
tos_anom

# %% [48]
filepath2 = '<DATA>/CESM2_grid_variables.zarr'  # loading line changed
areacello = xr.open_zarr(filepath2).areacello  # loading line changed
areacello

# %% [50]
weighted_mean_global_anom = tos_anom.weighted(areacello).mean(dim=['lat', 'lon'])

# %% [55]
r = ds.tos.resample(time='AS')
r

# %% [56]
r.mean()

# %% [58]
m_avg = ds.tos.rolling(time=5, center=True).mean()
m_avg

# %% [63]
ds

# %% [66]
sample = ds.tos.isel(time=-1)
sample

# %% [68]
masked_sample = sample.where(sample < 0.0)
masked_sample
