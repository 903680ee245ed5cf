# A time-mean climatology and anomalies, broadcast by dimension name.
import xarray as xr
sst = xr.open_zarr(DATA + "/sst.zarr").sst
clim = sst.mean("time")
anom = sst - clim
print(f"anomaly mean: {float(anom.mean()):.6f}")
print(f"anomaly std: {float(anom.std()):.4f}")
print(f"largest warm anomaly: {float(anom.max()):.4f}")
