# A DataArray taken from a Dataset is the dataset's variable (xarray-in-45-min's
# `da = ds.air; da.attrs["who_is_awesome"] = "xarray"`): attributes and values changed in
# place through either name show through the other; a variable replaced whole is a new object.
import numpy as np
import xarray as xr
ds = xr.Dataset({"air": (("lat", "lon"), np.arange(6.0).reshape(2, 3), {"units": "K"}),
                 "b": ("lat", [1.0, 2.0])}, coords={"lat": [10.0, 20.0], "lon": [1.0, 2.0, 3.0]})
da = ds.air
da2 = ds["air"]
ds_alias = ds
da.attrs["who_is_awesome"] = "xarray"
print(ds.air.attrs, da2.attrs, ds_alias.air.attrs)
ds.air.attrs["more"] = 1
print(da.attrs, da2.attrs)
da.attrs = {"x": 1}
da.name = "zz"
print(ds.air.attrs, ds.air.name, da.name)
lat = ds.lat
lat.attrs["units"] = "degrees_north"
print(ds.lat.attrs, ds.air.lat.attrs)
ds["c"] = ds.b * 2
da.attrs.update({"y": 2})
print(da.attrs, ds.air.attrs, list(ds.data_vars))


def f():
    d = ds.b
    d.attrs["in_f"] = True
    return ds.b.attrs


print(f())
da[0, 0] = 100.0
print(ds.air.values)
da += 1
print(ds.air.values, da.values)
ds["air"] = ds.air * 0
ds.air[1, 1] = -5
print(da.values, ds.air.values)
