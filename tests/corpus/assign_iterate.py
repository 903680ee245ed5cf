# Editing values in place, iterating arrays and datasets, ufuncs on a Dataset, and the
# attributes xarray keeps through computations.
import xarray as xr
import numpy as np
ds = xr.open_zarr(DATA + "/sst.zarr")
box = ds.sst.isel(time=slice(0, 6), lat=slice(60, 66), lon=slice(150, 160))
# Positional assignment, lazy as in xarray with dask.
box[0] = 0.0
box[1, :, 2:5] = np.nan
box[2, ::2, -1] = np.arange(3)
box[dict(time=3, lon=0)] = box[3, :, 1] + 10
box[4:] += 1
print(f"{float(box.mean()):.4f} {int(box.count())} {float(box[2, 4, -1]):.1f}")
print(box.dims, box.dtype, box.attrs["units"])
# Iterating along the first dimension.
for month in box:
    print(str(month.time.values)[:7], month.dims, f"{float(month.mean()):.4f}")
print(len(box), [round(float(v), 3) for v in box[5, 0, :3]])
names = [name for name in ds]
print(names, len(ds), list(ds))
# numpy ufuncs on a Dataset work variable by variable.
small = ds.isel(time=slice(0, 12))
roots = np.sqrt(abs(small))
print(f"{float(roots.sst.mean()):.5f} {float(np.abs(small - 25).sst.max()):.4f}")
print(sorted(roots.coords), float(roots.lat[0]), roots.attrs["Conventions"])
# Attributes kept through arithmetic, reductions and anomalies.
anom = small.sst.groupby("time.month") - small.sst.groupby("time.month").mean()
print((small.sst + 1).attrs["units"], small.sst.mean("time").attrs["units"], anom.attrs["units"])
other = small.sst.mean("time")
other.attrs = {"units": "K", "source": "model"}
print(sorted((small.sst - other).attrs), sorted(xr.where(small.sst > 20, other, 0).attrs))
# List slices.
levels = [0, 10, 20, 30, 40, 50]
levels[1:3] = [5, 15, 25]
levels[::2] = [-1, -2, -3, -4]
levels[-2:] = []
print(levels)
