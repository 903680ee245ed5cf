# Opening with dask-style chunks, and summarising variables with comprehensions.
import xarray as xr
ds = xr.open_zarr(DATA + "/ssh.zarr", chunks={"time_counter": 24, "x": -1})
print(ds.sossheig.chunks)
sst = xr.open_zarr(DATA + "/sst.zarr", chunks={"time": 60, "lon": 100}).sst
print(sst.chunks)
print(xr.open_zarr(DATA + "/sst.zarr", chunks=-1).sst.chunks)
print(f"mean with 60-month chunks: {float(sst.mean()):.5f}")
print(f"mean with storage chunks: {float(xr.open_zarr(DATA + '/sst.zarr').sst.mean()):.5f}")
print({name: ds[name].dims for name in ds.data_vars})
print([f"{name}: {ds[name].dtype}" for name in ds.data_vars])
print({d: n for d, n in ds.sizes.items() if n > 100})
print([len(c) for c in sst.chunks])
