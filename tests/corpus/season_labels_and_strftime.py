# Strings as xarray gives them: season names (.dt.season, ds["time.season"], the index of a
# groupby("time.season") result, sel on it), .dt.strftime in a numpy and a noleap calendar,
# comparisons with a string, where, isnull, concat, and Dataset means that drop string
# variables. What Nereus refuses on strings (arithmetic, casts) raises.
import numpy as np
import pandas as pd
import xarray as xr
time = pd.date_range("2000-01-01", periods=14, freq="MS")
ds = xr.Dataset({"t": (("time", "x"), np.arange(28.0).reshape(14, 2))},
                coords={"time": time, "x": [1, 2]})
s = ds.time.dt.season
print(s)
print(ds["time.season"].values, s.dtype, s.nbytes, s[0].values, s.values[1])
seasonal = ds.groupby("time.season").mean()
print(seasonal)
print(seasonal.season, seasonal.season.values)
print(seasonal.sel(season="JJA"))
print(seasonal.sel(season=["DJF", "MAM", "JJA", "SON"]).t.values)
print(seasonal.isel(season=0).season, seasonal.season[1])
print(seasonal.drop_sel(season="DJF").season.values)
print(ds.groupby("time.season"))
print(ds.t.groupby("time.season") - ds.t.groupby("time.season").mean())
print(s == "MAM", (s != "DJF").values.sum())
print(ds.sel(time=s == "JJA").time.values)
print(s.where(s == "DJF"))
print(s.where(s == "DJF").isnull().values)
print(ds.time.dt.strftime("%a, %b %d %H:%M"))
print(ds.time.dt.strftime("%Y-%m-%d %j %A %B %I%p %c").values[:2].tolist())
noleap = xr.open_zarr(DATA + "/ssh.zarr").time_counter[::30]
print(noleap.dt.strftime("%Y/%m/%d %H %j"), noleap.dt.season.values)
print(xr.concat([s[:2], ds.time.dt.strftime("%b")[:2]], dim="time").values)
labelled = ds.assign_coords(season=s)
print(labelled.groupby("season").sum())
ds["season"] = s
print(ds.mean())
print(ds.groupby("time.month").mean().data_vars)
for bad in (lambda: s + 1, lambda: s.astype(float), lambda: s.cumsum("time"), lambda: seasonal.sel(season="XYZ")):
    try:
        bad()
        print("ran")
    except Exception:
        print("refused")
