# Source: xarray-contrib/xarray-tutorial, overview/xarray-in-45-min.ipynb
#   commit 9461d9214e119becb20c96498533d6465d221257
#   https://github.com/xarray-contrib/xarray-tutorial/blob/9461d9214e119becb20c96498533d6465d221257/overview/xarray-in-45-min.ipynb
#   rendered at https://tutorial.xarray.dev
# Licence: Apache-2.0 (LICENSE of xarray-contrib/xarray-tutorial)
# Code cells copied verbatim, in notebook order; [N] is the cell's index in the notebook
# (markdown cells included). Plot-only cells are left out; changed lines end in
# `# loading line changed`.

# %% [1]
import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

xr.set_options(keep_attrs=True, display_expand_data=False)
np.set_printoptions(threshold=10, edgeitems=2)

%xmode minimal
%matplotlib inline
%config InlineBackend.figure_format='retina'

# %% [3]
ds = xr.open_zarr("<DATA>/air_temperature.zarr").load()  # loading line changed
ds

# %% [6]
# pull out "air" dataarray with dictionary syntax
ds["air"]

# %% [8]
# pull out dataarray using dot notation
ds.air

# %% [11]
da = ds.air

da.name

# %% [13]
da.dims

# %% [15]
da.coords

# %% [17]
# extracting coordinate variables
da.lon

# %% [18]
# extracting coordinate variables from .coords
da.coords["lon"]

# %% [21]
da.attrs

# %% [22]
# assign your own attributes!
da.attrs["who_is_awesome"] = "xarray"
da.attrs

# %% [23]
da

# %% [25]
da.data

# %% [26]
# what is the type of the underlying data
type(da.data)

# %% [30]
# plot the first timestep
lat = ds.air.lat.data  # numpy array
lon = ds.air.lon.data  # numpy array
temp = ds.air.data  # numpy array

# %% [32]
temp.mean(axis=1)  ## what did I just do? I can't tell by looking at this line.

# %% [39]
# here's what ds looks like
ds

# %% [40]
# pull out data for all of 2013-May
ds.sel(time="2013-05")

# %% [41]
# demonstrate slicing
ds.sel(time=slice("2013-05", "2013-07"))

# %% [42]
ds.sel(time="2013")

# %% [43]
# demonstrate "nearest" indexing
ds.sel(lon=240.2, method="nearest")

# %% [44]
# "nearest indexing at multiple points"
ds.sel(lon=[240.125, 234], lat=[40.3, 50.3], method="nearest")

# %% [46]
ds.air.data[0, 2, 3]

# %% [47]
# pull out time index 0, lat index 2, and lon index 3
ds.air.isel(time=0, lat=2, lon=3)  #  much better than ds.air[0, 2, 3]

# %% [48]
# demonstrate slicing
ds.air.isel(lat=slice(10))

# %% [50]
# Earth's average radius in meters
R = 6.371e6

# Coordinate spacing for this dataset is 2.5 x 2.5 degrees
dϕ = np.deg2rad(2.5)
dλ = np.deg2rad(2.5)

dlat = R * dϕ * xr.ones_like(ds.air.lon)
dlon = R * dλ * np.cos(np.deg2rad(ds.air.lat))
dlon.name = "dlon"
dlat.name = "dlat"

# %% [52]
# returns an xarray DataArray!
np.cos(np.deg2rad(ds.lat))

# %% [53]
# cell latitude length is constant with longitude
dlat

# %% [54]
# cell longitude length changes with latitude
dlon

# %% [56]
cell_area = dlon * dlat
cell_area

# %% [59]
ds.air.isel(time=1) / cell_area

# %% [61]
# make a copy of cell_area
# then add 1e-5 degrees to latitude
cell_area_bad = cell_area.copy(deep=True)
cell_area_bad["lat"] = cell_area.lat + 1e-5  # latitudes are off by 1e-5 degrees!
cell_area_bad

# %% [62]
cell_area_bad * ds.air.isel(time=1)

# %% [64] compare=error the notebook shows this error on purpose (join="exact" with latitudes off by 1e-5)
xr.align(cell_area_bad, ds.air, join="exact")

# %% [69]
# here's ds
ds

# %% [70]
# seasonal groups
ds.groupby("time.season")

# %% [71]
# make a seasonal mean
seasonal_mean = ds.groupby("time.season").mean()
seasonal_mean

# %% [73]
seasonal_mean = seasonal_mean.sel(season=["DJF", "MAM", "JJA", "SON"])
seasonal_mean

# %% [76]
# resample to monthly frequency
ds.resample(time="ME").mean()
