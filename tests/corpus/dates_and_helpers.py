# Date parts with the .dt accessor and virtual variables, a helper function with defaults and
# a lambda, try/except around a lookup, a while loop, list building, and the Pangeo talk's
# NINO3.4 line with mean(dim='time') after rolling.
import warnings
warnings.filterwarnings("ignore")
import xarray as xr
import numpy as np
xr.set_options(keep_attrs=True, display_expand_data=False)
ds = xr.open_zarr(DATA + "/sst.zarr")
sst = ds.sst
t = ds.time.isel(time=slice(0, 15))
print(t.dt.month.values, t.dt.year.values[:3])
print(t.dt.dayofyear.values[-3:], t.dt.days_in_month.values[:4], t.dt.quarter.values[::4])
print(t.dt.dayofweek.values[:7], t.dt.hour.values.max())
print(ds["time.month"].name, ds["time.month"].dims, int(ds["time.year"].max()))
print(sst["time.month"].shape, sst.time.dt.month.dtype)


def box_mean(da, lat=(-5, 5), lon=(190, 240)):
    """Area mean over a lat/lon box."""
    return da.sel(lat=slice(*lat), lon=slice(*lon)).mean(("lat", "lon"))


nino = box_mean(sst)
print(f"{float(nino.mean()):.4f}", nino.dims)
smooth = (sst.sel(lat=slice(-5, 5), lon=slice(190, 240))
          .mean(dim=('lon', 'lat'))
          .rolling(time=3).mean(dim='time'))
print(f"{float(smooth.max()):.4f} {int(smooth.count())}")
to_kelvin = lambda x: x + 273.15
print(f"{float(to_kelvin(nino).mean()):.3f}")
try:
    sst.sel(depth=0)
except (KeyError, ValueError) as err:
    print("no depth:", type(err).__name__)
years = []
year = 1950
while year < 1953:
    years.append(int(sst.sel(time=str(year)).mean() > 0))
    year += 1
print(years)
means = {name: round(float(ds[name].mean()), 3) for name in ds.data_vars}
print(sorted(means.items(), key=lambda kv: kv[0]))
print(", ".join(f"{k}={v}" for k, v in sst.sizes.items()))
print("{} has {:.1f} months".format(sst.name, float(sst.time.size)))
