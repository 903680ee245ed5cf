# Source: xarray-contrib/xarray-tutorial, fundamentals/03.2_groupby_with_xarray.ipynb
#   commit 220c7ac45ea9e42460b4d28dd36dd147b0c49261
#   https://github.com/xarray-contrib/xarray-tutorial/blob/220c7ac45ea9e42460b4d28dd36dd147b0c49261/fundamentals/03.2_groupby_with_xarray.ipynb
#   rendered at https://tutorial.xarray.dev
# Licence: Apache-2.0 (LICENSE of xarray-contrib/xarray-tutorial)
# Code cells copied verbatim, in notebook order; [N] is the cell's index in the notebook
# (markdown cells included). Plot-only cells are left out; changed lines end in
# `# loading line changed`.

# %% [1]
import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

# don't expand data by default
xr.set_options(display_expand_data=False, display_expand_attrs=False)

%config InlineBackend.figure_format='retina'

# %% [3]
ds = xr.open_zarr("<DATA>/ersstv5.zarr").load()  # loading line changed
ds

# %% [7]
ds.time

# %% [9]
?ds.groupby

# %% [12]
ds.time.dt

# %% [13]
ds.time.dt.month

# %% [14]
ds.time.dt.year

# %% [17]
gb = ds.groupby(ds.time.dt.month)
gb

# %% [19]
gb = ds.groupby("time.month")
gb

# %% [24]
ds_mm = gb.mean()
ds_mm

# %% [32]
?gb.map

# %% [34]
def time_mean(a):
    return a.mean(dim="time")


gb.map(time_mean)

# %% [37]
for group_name, group_ds in gb:
    # stop iterating after the first loop
    break
print(group_name)
group_ds

# %% [39]
def remove_time_mean(x):
    return x - x.mean(dim="time")


ds_anom = ds.groupby("time.month").map(remove_time_mean)
ds_anom

# %% [41]
gb = ds.groupby("time.month")
ds_anom = gb - gb.mean()
ds_anom

# %% [48]
ds_anom.time

# %% [50]
resample_obj = ds_anom.resample(time="5YE")
resample_obj

# %% [53]
ds_anom_resample = resample_obj.mean()
ds_anom_resample

# %% [54]
for label, group in resample_obj:
    break
print(label, "\n\n", group)

# %% [58]
from IPython.display import display_html

grouped = ds.groupby("time.year").mean().sst.sel(lon=300, lat=50)
resampled = ds.resample(time="YE").mean().sst.sel(lon=300, lat=50)
display_html(grouped)
display_html(resampled)

# %% [59]
np.array_equal(grouped.data, resampled.data)
