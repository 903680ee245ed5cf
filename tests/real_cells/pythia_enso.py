# Source: ProjectPythia/pythia-foundations, core/xarray/enso-xarray.ipynb
#   commit 3d97326c0e8463481a95d87b3d285fa7214e1b9a
#   https://github.com/ProjectPythia/pythia-foundations/blob/3d97326c0e8463481a95d87b3d285fa7214e1b9a/core/xarray/enso-xarray.ipynb
#   rendered at https://foundations.projectpythia.org
# Licence: Apache-2.0 (LICENSE of ProjectPythia/pythia-foundations)
# Code cells copied verbatim, in notebook order; [N] is the cell's index in the notebook
# (markdown cells included). Plot-only cells are left out; changed lines end in
# `# loading line changed`.

# %% [6]
import cartopy.crs as ccrs
import matplotlib.pyplot as plt
import xarray as xr
# from pythia_datasets import DATASETS  # loading line changed

# %% [10]
filepath = '<DATA>/CESM2_sst_data.zarr'  # loading line changed
data = xr.open_zarr(filepath)  # loading line changed
filepath2 = '<DATA>/CESM2_grid_variables.zarr'  # loading line changed
areacello = xr.open_zarr(filepath2).areacello  # loading line changed

ds = xr.merge([data, areacello])
ds

# %% [14]
tos_nino34 = ds.sel(lat=slice(-5, 5), lon=slice(190, 240))
tos_nino34

# %% [16]
tos_nino34 = ds.where(
    (ds.lat < 5) & (ds.lat > -5) & (ds.lon > 190) & (ds.lon < 240), drop=True
)
tos_nino34

# %% [20]
gb = tos_nino34.tos.groupby('time.month')
tos_nino34_anom = gb - gb.mean(dim='time')
index_nino34 = tos_nino34_anom.weighted(tos_nino34.areacello).mean(dim=['lat', 'lon'])

# %% [22]
index_nino34_rolling_mean = index_nino34.rolling(time=5, center=True).mean()

# %% [25]
std_dev = tos_nino34.tos.std()
std_dev

# %% [27]
normalized_index_nino34_rolling_mean = index_nino34_rolling_mean / std_dev
