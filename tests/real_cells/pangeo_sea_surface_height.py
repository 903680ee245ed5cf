# Source: pangeo-gallery/physical-oceanography, 01_sea-surface-height.ipynb
#   commit 4c1a33ac760543eb27046a8eda5dd21c63cacfed
#   https://github.com/pangeo-gallery/physical-oceanography/blob/4c1a33ac760543eb27046a8eda5dd21c63cacfed/01_sea-surface-height.ipynb
#   rendered at https://gallery.pangeo.io
# Licence: MIT (LICENSE of pangeo-gallery/physical-oceanography, (c) 2020 Ryan Abernathey)
# Code cells copied verbatim, in notebook order; [N] is the cell's index in the notebook
# (markdown cells included). Plot-only cells are left out; changed lines end in
# `# loading line changed`.

# %% [1]
import numpy as np
import xarray as xr
import matplotlib.pyplot as plt
import hvplot.xarray
plt.rcParams['figure.figsize'] = (15,10)
%matplotlib inline

# %% [3]
# from intake import open_catalog  # loading line changed
# cat = open_catalog("https://raw.githubusercontent.com/pangeo-data/pangeo-datastore/master/intake-catalogs/ocean.yaml")  # loading line changed
ds  = xr.open_zarr("<DATA>/sea_surface_height.zarr")  # loading line changed
ds

# %% [11]
# the number of GB involved in the reduction
ds.sla.nbytes/1e9

# %% [12]
# the computationally intensive step
sla_timeseries = ds.sla.mean(dim=('latitude', 'longitude')).load()

# %% [15]
sla_hov = ds.sla.mean(dim='longitude').load()

# %% [19]
sla_std = ds.sla.std(dim='time').load()
sla_std.name = 'Sea Level Variability [m]'
