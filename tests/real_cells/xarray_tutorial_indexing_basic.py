# Source: xarray-contrib/xarray-tutorial, fundamentals/02.1_indexing_Basic.ipynb
#   commit 9461d9214e119becb20c96498533d6465d221257
#   https://github.com/xarray-contrib/xarray-tutorial/blob/9461d9214e119becb20c96498533d6465d221257/fundamentals/02.1_indexing_Basic.ipynb
#   rendered at https://tutorial.xarray.dev
# Licence: Apache-2.0 (LICENSE of xarray-contrib/xarray-tutorial)
# Code cells copied verbatim, in notebook order; [N] is the cell's index in the notebook
# (markdown cells included). Plot-only cells are left out; changed lines end in
# `# loading line changed`.

# %% [2]
import xarray as xr

xr.set_options(display_expand_attrs=False, display_expand_data=False);

# %% [4]
ds = xr.open_zarr("<DATA>/air_temperature.zarr").load()  # loading line changed
ds

# %% [5]
da = ds["air"]

# %% [8]
np_array = ds["air"].data  # numpy array
np_array.shape

# %% [10]
np_array[1, 0, 0]

# %% [12]
# extract a time-series for one spatial location
np_array[:, 20, 40]

# %% [16]
da[:, 20, 40]

# %% [24]
np_array[:, [0, 1], [0, 1]].shape

# %% [25]
da[:, [0, 1], [0, 1]].shape

# %% [31]
# demonstrate slicing
da.sel(lon=slice(210, 215))

# %% [32]
# demonstrate slicing
da.sel(lat=slice(50, 25), lon=slice(210, 215))

# %% [34]
da.drop_sel(lat=50.0, lon=200.0)

# %% [36]
da.sel(lat=52.25, lon=251.8998, method="nearest")

# %% [38]
da.sel(lat=52.25, lon=251.8998, method="nearest", tolerance=2)

# %% [40]
ds.sel(lat=52.25, lon=251.8998, method="nearest")

# %% [42]
ds.sel(time="2013-01-01 06:00")

# %% [44]
ds.sel(time="2013-01-01")

# %% [46]
ds.sel(time="2014")

# %% [48]
ds.sel(time="2014-May")

# %% [50]
# This will return a subset of the dataset corresponding to the entire year of 2013.
ds.sel(time=slice("2013-01-01", "2013-12-31"))

# %% [55]
dates = ["2013-07-09", "2013-10-11", "2013-12-24"]
ds.sel(time=dates)

# %% [58]
ds.sel(time=ds.time.dt.month == 7)

# %% [60]
ds.sel(time=ds.time.dt.day == 15)
