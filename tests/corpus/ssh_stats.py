# Sea-surface height statistics over time, and attributes in an f-string loop.
import xarray as xr
ds = xr.open_zarr(DATA + "/ssh.zarr")
ssh = ds.sossheig
print(f"mean: {float(ssh.mean()):.5f}")
print(f"max of std over time: {float(ssh.std('time_counter').max()):.5f}")
print(f"min of first hour: {float(ssh.isel(time_counter=0).min()):.5f}")
for name in ds.data_vars:
    print(f"{name}: {ds[name].attrs.get('units', '?')}")
