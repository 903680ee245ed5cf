# The NINO3.4 box (5S-5N, 170W-120W): area mean time series.
import xarray as xr
sst = xr.open_zarr(DATA + "/sst.zarr").sst
box = sst.sel(lat=slice(-5, 5), lon=slice(190, 240))
series = box.mean(("lat", "lon"))
for i in range(6):
    print(f"month {i}: {float(series.isel(time=i)):.4f}")
print(f"std of the box mean: {float(series.std()):.4f}")
