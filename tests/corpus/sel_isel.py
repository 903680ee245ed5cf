# Selection by position and by label on the monthly SST, as in the xarray tutorials.
import xarray as xr
sst = xr.open_zarr(DATA + "/sst.zarr").sst
first = sst.isel(time=0)
print(f"first month, max: {float(first.max()):.4f}")
tropics = sst.sel(lat=slice(-23.5, 23.5))
print(f"tropics: {tropics.sizes['lat']} latitudes, mean {float(tropics.mean()):.4f}")
point = sst.sel(lat=0.3, lon=200.2, method="nearest")
print(f"nearest point, first value: {float(point.isel(time=0)):.4f}")
print(f"every 3rd month mean: {float(sst.isel(time=slice(0, None, 3)).mean()):.4f}")
