# Overlapping latitude bands: arithmetic and xr.align match them on their labels.
import xarray as xr
sst = xr.open_zarr(DATA + "/sst.zarr").sst
south = sst.sel(lat=slice(-10, 5))
north = sst.sel(lat=slice(-5, 10))
diff = north - south
print(diff.sizes["lat"], float(diff.lat.min()), float(diff.lat.max()))
print(f"max |difference| on the overlap: {float(abs(diff).max()):.4f}")
a, b = xr.align(south, north, join="outer")
print(a.sizes["lat"], int(a.isel(time=0).count()), int(b.isel(time=0).count()))
print({join: xr.align(south, north, join=join)[1].sizes["lat"] for join in ["inner", "outer", "left", "right"]})
# Month-to-month differences by slicing align on time too: every value is compared with itself.
step = sst.isel(time=slice(1, None)) - sst.isel(time=slice(None, -1))
print(step.sizes["time"], f"{float(abs(step).max()):.4f}")
