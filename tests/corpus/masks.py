# Masks, where and fillna.
import xarray as xr
import numpy as np
sst = xr.open_zarr(DATA + "/sst.zarr").sst
warm = sst.where(sst > 28)
print(f"warm points: {int(warm.count())}")
print(f"ocean points: {int(sst.count())}")
print(f"filled mean: {float(sst.fillna(0).mean()):.4f}")
print(f"sqrt mean: {float(np.sqrt(sst.where(sst > 0)).mean()):.4f}")
print(f"land fraction of the first month: {float(np.isnan(sst.isel(time=0)).mean()):.4f}")
