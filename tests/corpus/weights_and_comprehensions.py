# Area weights from latitude, comprehensions, floor division and modulo.
import xarray as xr
import numpy as np
sst = xr.open_zarr(DATA + "/sst.zarr").sst
weights = np.cos(np.deg2rad(sst.lat))
print(f"max weight: {float(weights.max()):.6f}")
print(f"weighted first month: {float((sst.isel(time=0) * weights).mean()):.4f}")
months = [m for m in range(12) if m % 3 == 0]
print(months)
print({m: m // 4 for m in months})
print(f"25 to 30 degrees, first month: {int((sst.isel(time=0) // 5 == 5).sum())}")
print(f"floor of the max: {float(np.floor(sst.max()))}")
print(f"sign of min - mean: {float(np.sign(sst.min() - sst.mean()))}")
print([round(v, 3) for v in np.linspace(0, 1, 5).tolist()])
print(np.arange(-3, 4) // 2, np.arange(-3, 4) % 3)
for name in [n for n in ["sst", "lat"] if n in sst.coords or n == sst.name]:
    print(name)
