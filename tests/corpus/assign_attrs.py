# Building a derived dataset by assignment: new variables, coordinates and attributes.
import xarray as xr
ds = xr.open_zarr(DATA + "/sst.zarr")
clim = ds["sst"].mean("time")
ds["clim"] = clim
ds["anom"] = ds["sst"] - ds["clim"]
ds["anom"].attrs = {"units": "K"}
ds["anom"].attrs["long_name"] = "SST anomaly"
ds["sst"].attrs["note"] = "unchanged values"
ds.attrs["title"] = "SST with anomalies"
ds.attrs["history"] = "derived"
ds.attrs["history"] += "; anomalies added"
ds.coords["lat2"] = ds["lat"] * 2
ds["flag"] = 1.5
print(sorted(ds.data_vars), sorted(ds.coords))
print(ds["anom"].dims, ds["clim"].dims, ds["flag"].dims)
print(ds.anom.attrs)
print(ds.sst.attrs["note"], ds.attrs["title"], ds.attrs["history"])
print(f"{float(ds.clim.mean()):.4f} {float(abs(ds.anom).max()):.4f}")
print(float(ds.lat2.min()), float(ds.lat2.max()))
# A DataArray over part of the grid is aligned to the dataset: the rest is NaN.
ds["band"] = ds["sst"].sel(lat=slice(-10, 10))
print(ds.band.sizes["lat"], int(ds.band.isel(time=0).count()))
tropics = ds["sst"].sel(lat=slice(-20, 20)).mean(("lat", "lon"))
tropics.name = "tropics"
tropics.attrs = {"units": "degC", "region": "20S-20N"}
print(tropics.name, tropics.attrs, tropics.dims)
meta = {"n": 1}
meta["n"] += 1
meta["names"] = [v for v in ds.data_vars]
meta["names"][0] = "first"
print(meta)
