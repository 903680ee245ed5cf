# A monthly climatology, anomalies against it, yearly means and the NINO3.4 index smoothed by
# a centred 5-month running mean.
import xarray as xr
sst = xr.open_zarr(DATA + "/sst.zarr").sst
clim = sst.groupby("time.month").mean()
print(clim.dims, clim.shape)
print(f"climatology range: {float(clim.min()):.4f} {float(clim.max()):.4f}")
anom = sst.groupby("time.month") - clim
print(f"anomaly mean: {float(anom.mean()):.6f}")
print(f"anomaly std: {float(anom.std()):.4f}")
nino = anom.sel(lat=slice(-5, 5), lon=slice(190, 240)).mean(("lat", "lon"))
smooth = nino.rolling(time=5, center=True).mean()
print(f"nino3.4 max: {float(smooth.max()):.4f} over {float(smooth.count()):.0f} months")
yearly = sst.resample(time="YS").mean()
print(yearly.dims, yearly.shape)
print(f"first year mean: {float(yearly.isel(time=0).mean()):.4f}")
