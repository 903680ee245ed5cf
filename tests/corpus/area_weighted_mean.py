# Area-weighted means by hand with cos(latitude) weights, counting only ocean points.
import xarray as xr
import numpy as np
sst = xr.open_zarr(DATA + "/sst.zarr").sst
weights = np.cos(np.deg2rad(sst.lat))
first = sst.isel(time=0)
ocean_weights = weights.where(np.isfinite(first))
print(f"weighted mean, first month: {float((first * weights).sum() / ocean_weights.sum()):.4f}")
print(f"unweighted mean, first month: {float(first.mean()):.4f}")
series = (sst * weights).sum(("lat", "lon")) / weights.where(np.isfinite(sst)).sum(("lat", "lon"))
for i in range(3):
    print(f"month {i}: {float(series.isel(time=i)):.4f}")
tropics = sst.sel(lat=slice(-20, 20))
tw = np.cos(np.deg2rad(tropics.lat))
print(f"tropical weighted mean: {float((tropics * tw).sum() / tw.where(np.isfinite(tropics)).sum()):.4f}")
print(f"weight range: {float(weights.min()):.6f} to {float(weights.max()):.6f}")
