# Climate operations on a whole Dataset: a monthly climatology and anomalies of every data
# variable, yearly means, a running mean, a coarser grid and area-weighted means; variables
# lacking the dimension are kept (repeated per group, or unchanged by windows).
import numpy as np
import xarray as xr
ds = xr.open_zarr(DATA + "/sst.zarr")
ds["clim_map"] = ds.sst.mean("time")
ds["series"] = ds.sst.mean(("lat", "lon"))
clim = ds.groupby("time.month").mean("time")
print(list(clim.data_vars), clim.sst.dims, clim.clim_map.dims, clim.series.dims)
print(f"climatology: {float(clim.sst.mean()):.5f} {float(clim.series.isel(month=0)):.5f}")
print(f"spread: {float(ds.groupby('time.month').std().sst.max()):.5f}")
anom = ds.groupby("time.month") - clim
print(anom.sst.dims, anom.clim_map.dims, anom.series.dims, anom.month.dims)
print(f"anomalies: {float(anom.sst.mean()):.6f} {float(anom.series.std()):.5f}")
yearly = ds.resample(time="YS").mean()
print(yearly.sst.dims, yearly.sst.shape, f"{float(yearly.series.max()):.5f}")
smooth = ds.rolling(time=3, center=True).mean()
print(smooth.clim_map.dims, f"{float(smooth.series.isel(time=5)):.5f}")
coarse = ds.coarsen(lat=4, boundary="trim").mean()
print(coarse.sst.shape, coarse.clim_map.shape, f"{float(coarse.clim_map.mean()):.5f}")
weights = np.cos(np.deg2rad(ds.lat))
area = ds.drop_vars("series").weighted(weights).mean(("lat", "lon"))
print(list(area.data_vars), area.sst.dims, area.clim_map.dims)
print(f"area means: {float(area.sst.isel(time=0)):.5f} {float(area.clim_map):.5f}")
print(clim.sst.attrs["units"], anom.sst.attrs["units"], area.sst.attrs["units"])
