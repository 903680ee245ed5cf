# Area-weighted global means with cos(latitude) weights, coarsened grids (along latitude, then
# 4x4 cells and yearly 2x2 cells), and the median and quantiles of the NINO3.4 box over time:
# the reductions of a typical ocean notebook.
import numpy as np
import xarray as xr
sst = xr.open_zarr(DATA + "/sst.zarr").sst
weights = np.cos(np.deg2rad(sst.lat))
global_mean = sst.weighted(weights).mean(("lat", "lon"))
print(global_mean.dims, global_mean.shape)
print(f"weighted global mean, first month: {float(global_mean.isel(time=0)):.5f}")
print(f"weighted global mean, all months: {float(global_mean.mean()):.5f}")
print(f"unweighted, for comparison: {float(sst.isel(time=0).mean()):.5f}")
coarse = sst.coarsen(lat=4, boundary="trim").mean()
print(coarse.dims, coarse.shape)
print(f"coarsened mean: {float(coarse.mean()):.5f}")
grid = sst.coarsen(lat=4, lon=4).mean()
print(grid.dims, grid.shape, float(grid.lat[0]), float(grid.lon[0]), grid.attrs == sst.attrs)
print(f"4x4 cells: mean {float(grid.mean()):.5f}, yearly std {float(sst.coarsen(time=12, lat=2, lon=2).std().mean()):.5f}")
region = sst.sel(lat=slice(-5, 5), lon=slice(190, 240))
print(f"median over time, box mean: {float(region.median('time').mean()):.5f}")
q = region.quantile([0.1, 0.5, 0.9], dim="time").mean(("lat", "lon"))
print(q.dims)
for i in range(3):
    print(f"q{float(q['quantile'][i]):.1f}: {float(q.isel(quantile=i)):.5f}")
box = region.mean(("lat", "lon"))
total = box.cumsum("time")
print(f"cumulative sum at the end: {float(total.isel(time=-1)):.4f}")
