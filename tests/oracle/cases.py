"""The oracle's cases: operation chains replayed with xarray to produce the expected results.

A case names a store, a variable and a list of ops (the JSON schema the Rust test reads; see
`fixtures.py`). `evaluate` applies the ops with xarray twice: on the decoded data as stored (for the
result dtype) and on the float64-cast data (for the values Nereus is compared against).
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np
import xarray as xr

from oracle import structure

BINARY = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "div": operator.truediv,
    "pow": operator.pow,
    "gt": operator.gt,
    "lt": operator.lt,
    "eq": operator.eq,
}
UNARY = {
    "neg": operator.neg,
    "abs": abs,
    "sqrt": np.sqrt,
    "exp": np.exp,
    "log": np.log,
    "isnan": lambda da: da.isnull(),
    "floor": np.floor,
    "deg2rad": np.deg2rad,
    "cos": np.cos,
}


def _label(value: Any) -> Any:
    """A JSON label as xarray wants it (ISO strings stay strings; xarray parses them)."""
    return value


def _indexers(spec: dict, labels: bool) -> dict:
    """Turns the JSON indexers of isel/sel into xarray indexers."""
    out = {}
    for dim, value in spec.items():
        if isinstance(value, dict):
            bounds = list(value["slice"]) + [None] * (3 - len(value["slice"]))
            out[dim] = slice(*(_label(b) if labels else b for b in bounds))
        elif isinstance(value, list):
            out[dim] = [_label(v) for v in value] if labels else value
        else:
            out[dim] = _label(value) if labels else value
    return out


def _cast(da: xr.DataArray, cast: bool) -> xr.DataArray:
    return da.astype("float64") if cast and da.dtype.kind in "fiub" else da


def apply_ops(ds: xr.Dataset, var: str, ops: list[dict], cast: bool) -> xr.DataArray:
    """Applies a case's ops to `ds[var]` with xarray (float64-cast first when `cast`)."""
    da = _cast(ds[var], cast)
    for op in ops:
        kind = op["op"]
        if kind == "isel":
            da = da.isel(_indexers(op["indexers"], labels=False))
        elif kind == "sel":
            da = da.sel(_indexers(op["indexers"], labels=True), method=op.get("method"))
        elif kind == "reduce":
            kwargs = {"dim": op.get("dim")}
            if op["func"] != "count" and op.get("skipna") is not None:
                kwargs["skipna"] = op["skipna"]
            if op["func"] in ("std", "var"):
                kwargs["ddof"] = op.get("ddof", 0)
            da = getattr(da, op["func"])(**kwargs)
        elif kind == "binary":
            if "scalar" in op:
                other = op["scalar"]
            else:
                other = apply_ops(ds, op["other"]["var"], op["other"].get("ops", []), cast)
            da = BINARY[op["func"]](da, other)
        elif kind == "unary":
            da = UNARY[op["func"]](da)
        elif kind == "where":
            cond = BINARY[op["cond"]["func"]](da, op["cond"]["scalar"])
            other = op.get("other")
            da = da.where(cond) if other is None else da.where(cond, other)
        elif kind == "fillna":
            da = da.fillna(op["value"])
        elif kind == "groupby":
            da = getattr(da.groupby(op["key"]), op["func"])()
        elif kind == "anomaly":
            clim = getattr(da.groupby(op["key"]), op.get("clim", "mean"))()
            da = BINARY[op["func"]](da.groupby(op["key"]), clim)
        elif kind == "resample":
            da = getattr(da.resample({op.get("dim", "time"): op["freq"]}), op["func"])()
        elif kind == "rolling":
            rolled = da.rolling({op.get("dim", "time"): op["window"]}, center=op.get("center", False),
                                min_periods=op.get("min_periods"))
            da = getattr(rolled, op["func"])()
        elif kind == "coarsen":
            windows = dict(op["windows"]) if "windows" in op else {op["dim"]: op["window"]}
            coarse = da.coarsen(windows, boundary=op.get("boundary", "exact"),
                                side=op.get("side", "left"))
            da = getattr(coarse, op["func"])()
        elif kind == "weighted":
            w = apply_ops(ds, op["weights"]["var"], op["weights"].get("ops", []), cast)
            da = getattr(da.weighted(w), op["func"])(dim=op.get("dim"), skipna=op.get("skipna"))
        elif kind == "cumsum":
            da = da.cumsum(op["dim"], skipna=op.get("skipna"))
        elif kind == "arg":
            da = getattr(da, op["func"])(op["dim"], skipna=op.get("skipna"))
        elif kind == "median":
            da = da.median(op.get("dim"), skipna=op.get("skipna"))
        elif kind == "chunk":
            chunks = op["chunks"]
            da = da.chunk({d: tuple(v) if isinstance(v, list) else v for d, v in chunks.items()}
                          if isinstance(chunks, dict) else chunks)
        elif kind == "quantile":
            da = da.quantile(op["q"], dim=op.get("dim"), method="linear", skipna=op.get("skipna"))
        elif kind in structure.KINDS:
            da = structure.apply(ds, da, op, cast, apply_ops)
        else:
            raise ValueError(f"unknown op {kind!r}")
    return da


def iso(values: np.ndarray) -> list[str]:
    """Decoded times as ISO strings 'YYYY-MM-DDTHH:MM:SS' (numpy datetimes or cftime objects)."""
    flat = np.asarray(values).ravel()
    if flat.dtype.kind == "M":
        return [str(v) for v in np.datetime_as_string(flat, unit="s")]
    return [v.isoformat(sep="T", timespec="seconds") if hasattr(v, "isoformat") else str(v) for v in flat]


def _reduce(func: str, dim, skipna=None, ddof=None) -> dict:
    op = {"op": "reduce", "func": func, "dim": dim, "skipna": skipna}
    if ddof is not None:
        op["ddof"] = ddof
    return op


def reduction_ops() -> list[tuple[str, list[dict]]]:
    """Every reduction over one, several and all dims, with skipna true/false and ddof 0/1."""
    out = []
    dims = {"time": ["time"], "latlon": ["lat", "lon"], "all": None}
    for func in ("mean", "sum", "min", "max"):
        for dname, dim in dims.items():
            for skipna in (True, False):
                out.append((f"{func}-{dname}-skipna{str(skipna).lower()}", [_reduce(func, dim, skipna)]))
    for func in ("std", "var"):
        for dname, dim in dims.items():
            for skipna in (True, False):
                out.append((f"{func}-{dname}-skipna{str(skipna).lower()}-ddof0", [_reduce(func, dim, skipna, 0)]))
            out.append((f"{func}-{dname}-ddof1", [_reduce(func, dim, True, 1)]))
    for dname, dim in dims.items():
        out.append((f"count-{dname}", [_reduce("count", dim)]))
    out.append(("mean-time-default-skipna", [_reduce("mean", ["time"])]))
    out.append(("mean-lon", [_reduce("mean", ["lon"], True)]))
    return out


def selection_ops() -> list[tuple[str, list[dict]]]:
    """isel/sel variants on the main (standard calendar, month-start times) store."""
    isel = lambda **ix: {"op": "isel", "indexers": ix}  # noqa: E731
    sel = lambda method=None, **ix: {"op": "sel", "indexers": ix, "method": method}  # noqa: E731
    return [
        ("isel-int", [isel(lat=3)]),
        ("isel-slice", [isel(lon={"slice": [0, 10, None]})]),
        ("isel-slice-step", [isel(lon={"slice": [1, None, 3]})]),
        ("isel-slice-negative", [isel(lat={"slice": [-4, None, None]})]),
        ("isel-list", [isel(time=[0, 2, 5])]),
        ("isel-mixed", [isel(time=0, lat=[1, 3, 8], lon={"slice": [2, 12, 2]})]),
        ("isel-point", [isel(time=12, lat=9, lon=19)]),
        ("sel-slice-inclusive", [sel(lat={"slice": [-7.5, 7.5]})]),
        ("sel-slice-between-labels", [sel(lat={"slice": [-6.0, 6.0]}, lon={"slice": [190.0, 240.0]})]),
        ("sel-scalar", [sel(lon=200.5)]),
        ("sel-list", [sel(lon=[155.5, 200.5, 245.5])]),
        ("sel-nearest-scalar", [sel("nearest", lat=3.1, lon=201.0)]),
        ("sel-nearest-list", [sel("nearest", lon=[151.0, 199.0, 300.0])]),
        ("sel-time-label", [sel(time="2000-03-01")]),
        ("sel-time-slice", [sel(time={"slice": ["2000-02-01", "2000-06-15"]})]),
        ("sel-time-nearest", [sel("nearest", time="2000-03-04")]),
        ("isel-then-mean", [isel(time={"slice": [0, 6, None]}), _reduce("mean", ["time"], True)]),
        ("sel-box-mean", [sel(lat={"slice": [-5.0, 5.0]}, lon={"slice": [190.0, 240.0]}), _reduce("mean", ["lat", "lon"], True)]),
    ]


def arithmetic_ops() -> list[tuple[str, list[dict]]]:
    """Scalar and variable arithmetic (broadcast (time, lat, lon) with (lat, lon)), unary math,
    where and fillna, alone and chained with reductions."""
    b = lambda func, scalar: {"op": "binary", "func": func, "scalar": scalar}  # noqa: E731
    bv = lambda func, var: {"op": "binary", "func": func, "other": {"var": var}}  # noqa: E731
    u = lambda func: {"op": "unary", "func": func}  # noqa: E731
    out = [(f"{f}-scalar", [b(f, s)]) for f, s in
           [("add", 2.5), ("sub", 2.5), ("mul", -1.5), ("div", 4.0), ("pow", 2.0), ("gt", 20.0), ("lt", 20.0)]]
    out += [
        ("sub-clim-broadcast", [bv("sub", "clim")]),
        ("mul-clim-broadcast", [bv("mul", "clim")]),
        ("div-clim-broadcast", [bv("div", "clim")]),
        ("add-f64-var", [bv("add", "sst_f64")]),
        ("gt-clim", [bv("gt", "clim")]),
        ("anomaly-mean-time", [bv("sub", "clim"), _reduce("mean", ["time"], True)]),
        ("anomaly-std-all", [bv("sub", "clim"), _reduce("std", None, True, 0)]),
        ("neg", [u("neg")]),
        ("abs-of-anomaly", [bv("sub", "clim"), u("abs")]),
        ("sqrt", [u("sqrt")]),
        ("exp-scaled", [b("div", 10.0), u("exp")]),
        ("log", [u("log")]),
        ("isnan", [u("isnan")]),
        ("isnan-count-sum", [u("isnan"), _reduce("sum", ["time"])]),
        ("where-gt-nan", [{"op": "where", "cond": {"func": "gt", "scalar": 20.0}, "other": None}]),
        ("where-gt-zero", [{"op": "where", "cond": {"func": "gt", "scalar": 20.0}, "other": 0.0}]),
        ("where-then-mean", [{"op": "where", "cond": {"func": "lt", "scalar": 25.0}, "other": None},
                             _reduce("mean", ["time"], True)]),
        ("fillna", [{"op": "fillna", "value": 0.0}]),
        ("fillna-then-mean-noskip", [{"op": "fillna", "value": -1.0}, _reduce("mean", None, False)]),
        ("scale-offset-chain", [b("mul", 1.8), b("add", 32.0), _reduce("max", ["lat", "lon"], True)]),
    ]
    return out


def alignment_ops() -> list[tuple[str, list[dict]]]:
    """Binary ops between differently selected operands: xarray aligns them on their indexes
    (`arithmetic_join="inner"`: the labels common to both, in the left operand's order)."""
    isel = lambda **ix: {"op": "isel", "indexers": ix}  # noqa: E731
    sel = lambda **ix: {"op": "sel", "indexers": ix, "method": None}  # noqa: E731
    other = lambda func, var, *ops: {"op": "binary", "func": func, "other": {"var": var, "ops": list(ops)}}  # noqa: E731
    return [
        ("align-sel-overlap", [sel(lat={"slice": [-7.5, 2.5]}), other("add", "sst", sel(lat={"slice": [-2.5, 7.5]}))]),
        ("align-isel-overlap", [isel(lon={"slice": [0, 12, None]}), other("sub", "sst", isel(lon={"slice": [5, None, None]}))]),
        ("align-list-order", [isel(lon=[13, 3, 1, 7, 5]), other("mul", "sst", isel(lon={"slice": [2, 9, None]}))]),
        ("align-step", [isel(lon={"slice": [0, None, 2]}), other("sub", "sst", isel(lon={"slice": [0, None, 3]}))]),
        ("align-two-dims", [isel(lat={"slice": [0, 6, None]}, lon={"slice": [4, None, None]}),
                            other("sub", "sst", isel(lat={"slice": [3, None, None]}, lon={"slice": [0, 10, None]}))]),
        ("align-time", [isel(time={"slice": [0, 8, None]}), other("sub", "sst", isel(time={"slice": [4, None, None]}))]),
        ("align-broadcast-clim", [isel(time={"slice": [0, 8, None]}), other("sub", "clim", isel(lon={"slice": [4, 16, None]}))]),
        ("align-sel-box-minus-clim", [sel(lon={"slice": [190.0, 240.0]}), other("sub", "clim")]),
        ("align-disjoint", [isel(lon={"slice": [0, 5, None]}), other("add", "sst", isel(lon={"slice": [10, 15, None]}))]),
        ("align-then-mean", [isel(time={"slice": [0, 8, None]}), other("sub", "sst", isel(time={"slice": [4, None, None]})),
                             _reduce("mean", ["time"], True)]),
        ("align-scalar-coord-conflict", [isel(time=0), other("sub", "sst", isel(time=1))]),
        ("align-scalar-coord-same", [isel(time=2), other("sub", "sst", isel(time=2), isel(lon={"slice": [3, None, None]}))]),
    ]


def chunk_cases() -> list[tuple[str, object, list[dict]]]:
    """(name, chunks, ops) for `open_zarr(chunks=...)`: the values must not change, and `.chunks`
    must be what xarray with dask reports (the main store is chunked 5 x 4 x 8 on 13 x 10 x 20)."""
    isel = lambda **ix: {"op": "isel", "indexers": ix}  # noqa: E731
    return [
        ("chunks-empty", {}, []),
        ("chunks-time-3", {"time": 3}, []),
        ("chunks-lat-whole", {"lat": -1}, []),
        ("chunks-all-whole", -1, []),
        ("chunks-int", 6, []),
        ("chunks-two-dims", {"time": 4, "lon": 7}, []),
        ("chunks-then-isel", {"time": 4}, [isel(time={"slice": [2, 11, None]}, lon={"slice": [3, 17, None]})]),
        ("chunks-then-scalar", {"lon": 6}, [{"op": "binary", "func": "mul", "scalar": 2.0}]),
        ("chunks-anomaly", {"lon": 5}, [{"op": "binary", "func": "sub", "other": {"var": "clim"}}]),
        ("chunks-then-mean", {"time": 4, "lat": 3}, [_reduce("mean", ["time"], True)]),
    ]


def error_ops() -> list[tuple[str, str, list[dict], list[str]]]:
    """(name, var, ops, substrings the error must contain) for bad input on the main store."""
    return [
        ("missing-var", "sstt", [], ["sstt", "sst"]),
        ("reduce-missing-dim", "sst", [_reduce("mean", ["depth"], True)], ["depth"]),
        ("reduce-misspelt-dim", "sst", [_reduce("mean", ["lattitude"], True)], ["lattitude", "lat"]),
        ("isel-missing-dim", "sst", [{"op": "isel", "indexers": {"level": 0}}], ["level"]),
        ("isel-out-of-bounds", "sst", [{"op": "isel", "indexers": {"lat": 99}}], ["99"]),
        ("sel-missing-label", "sst", [{"op": "sel", "indexers": {"lat": 3.3}, "method": None}], ["3.3"]),
        ("binary-missing-var", "sst", [{"op": "binary", "func": "sub", "other": {"var": "climm"}}], ["climm", "clim"]),
    ]


def climate_ops() -> list[tuple[str, list[dict], bool]]:
    """(name, ops, coords) for the climate stores (6-hourly, two years and a bit, every
    calendar): groupby climatologies and anomalies, resampling, rolling across chunk edges.
    `coords` says whether the result's coordinates are compared too (not for seasons, whose
    string labels the engine has no dtype for)."""
    gb = lambda key, func: {"op": "groupby", "key": key, "func": func}  # noqa: E731
    anomaly = lambda key, func="sub": {"op": "anomaly", "key": key, "func": func}  # noqa: E731
    rs = lambda freq, func: {"op": "resample", "freq": freq, "func": func}  # noqa: E731
    roll = lambda window, func, **kw: {"op": "rolling", "window": window, "func": func, **kw}  # noqa: E731
    out = [(f"groupby-month-{f}", [gb("time.month", f)], True) for f in ("mean", "sum", "min", "max", "std", "var", "count")]
    out += [
        ("groupby-season-mean", [gb("time.season", "mean")], False),
        ("groupby-year-mean", [gb("time.year", "mean")], True),
        ("groupby-dayofyear-max", [gb("time.dayofyear", "max")], True),
        ("groupby-hour-mean", [gb("time.hour", "mean")], True),
        ("groupby-lat-mean", [gb("lat", "mean")], True),
        ("anomaly-month", [anomaly("time.month")], False),
        ("anomaly-month-mean", [anomaly("time.month"), _reduce("mean", None, True)], False),
        ("anomaly-month-std-time", [anomaly("time.month"), _reduce("std", ["time"], True, 0)], False),
        ("anomaly-season-div", [anomaly("time.season", "div")], False),
        ("anomaly-dayofyear-mean-space", [anomaly("time.dayofyear"), _reduce("mean", ["lat", "lon"], True)], False),
    ]
    for freq in ("MS", "YS", "D", "1D", "ME", "QS-DEC", "12h"):
        out.append((f"resample-{freq}-mean", [rs(freq, "mean")], True))
    out += [(f"resample-MS-{f}", [rs("MS", f)], True) for f in ("sum", "min", "max", "std", "count")]
    out.append(("resample-h-sum", [{"op": "isel", "indexers": {"time": {"slice": [0, 40, None]}}}, rs("h", "sum")], True))
    out += [
        ("rolling-3-mean", [roll(3, "mean")], True),
        ("rolling-3-center-mean", [roll(3, "mean", center=True)], True),
        ("rolling-4-center-sum", [roll(4, "sum", center=True)], True),
        ("rolling-5-min-periods-mean", [roll(5, "mean", min_periods=2)], True),
        ("rolling-7-center-min", [roll(7, "min", center=True, min_periods=1)], True),
        ("rolling-7-max", [roll(7, "max")], True),
        ("rolling-30-std", [roll(30, "std", min_periods=10)], True),
        ("rolling-3-count", [roll(3, "count", center=True)], True),
        ("rolling-4-center-max", [roll(4, "max", center=True)], True),
        ("rolling-30-min", [roll(30, "min")], True),
        ("rolling-6-center-std-min-periods-1", [roll(6, "std", center=True, min_periods=1)], True),
        ("rolling-5-var-min-periods-2", [roll(5, "var", min_periods=2)], True),
        # Sparse values: windows with one valid value (std 0) and with none.
        ("rolling-3-std-sparse", [{"op": "where", "cond": {"func": "gt", "scalar": 23.0}, "other": None},
                                  roll(3, "std", min_periods=1)], True),
        ("rolling-8-center-max-sparse", [{"op": "where", "cond": {"func": "gt", "scalar": 23.0}, "other": None},
                                         roll(8, "max", center=True, min_periods=1)], True),
        # Far from zero with a small spread: a running sum of squares would lose the digits.
        ("rolling-24-center-var-offset", [{"op": "binary", "func": "add", "scalar": 1e7},
                                          roll(24, "var", center=True, min_periods=1)], True),
        ("rolling-lon-3-mean", [roll(3, "mean", dim="lon", center=True)], True),
        ("rolling-then-mean", [roll(12, "mean", center=True), _reduce("mean", ["time"], True)], True),
        ("resample-then-rolling", [rs("MS", "mean"), roll(3, "mean", center=True)], True),
        ("coarsen-day-mean", [{"op": "coarsen", "dim": "time", "window": 4, "func": "mean", "boundary": "trim"}], True),
        ("coarsen-day-lon-mean", [{"op": "coarsen", "windows": [["time", 4], ["lon", 2]], "func": "mean", "boundary": "trim"}], True),
        ("coarsen-time-lat-trim-right-std", [{"op": "coarsen", "windows": [["lat", 2], ["time", 7]], "func": "std",
                                              "boundary": "trim", "side": "right"}], True),
        ("cumsum-time", [{"op": "cumsum", "dim": "time"}], True),
        ("median-time", [{"op": "median", "dim": ["time"]}], True),
        ("quantile-list-time", [{"op": "quantile", "q": [0.1, 0.9], "dim": ["time"]}], True),
    ]
    # Selections after an operation: the engine computes the operation only where they keep
    # it, which must not change a value (ints drop axes, lists reorder, steps cross chunks).
    isel = lambda **ix: {"op": "isel", "indexers": ix}  # noqa: E731
    out += [
        ("anomaly-month-box-mean", [anomaly("time.month"), isel(lat={"slice": [1, 3, None]}, lon={"slice": [1, 4, None]}),
                                    _reduce("mean", ["lat", "lon"], True)], False),
        ("anomaly-month-point-list", [anomaly("time.month"), isel(lat=1, lon=[3, 0, 2])], False),
        ("anomaly-month-isel-twice", [anomaly("time.month"), isel(lon={"slice": [1, None, None]}),
                                      isel(lon={"slice": [0, None, 2]}, lat=2, time={"slice": [5, 900, 7]})], False),
        ("groupby-month-mean-isel", [gb("time.month", "mean"), isel(month=[11, 0, 5], lon={"slice": [0, None, 3]})], True),
        ("rolling-5-std-isel", [roll(5, "std", min_periods=2), isel(lat=2, time={"slice": [3, 400, 3]})], True),
        ("mean-time-isel-list", [_reduce("mean", ["time"], True), isel(lat=[2, 0], lon=3)], True),
        ("resample-MS-max-isel", [rs("MS", "max"), isel(lon=1, lat={"slice": [1, None, None]})], True),
        ("minus-time-mean-isel", [{"op": "binary", "func": "sub", "other": {"var": "tas", "ops": [_reduce("mean", ["time"], True)]}},
                                  isel(lat={"slice": [0, 2, None]}, lon=[1, 2])], True),
    ]
    return out


def whole_axis_ops() -> list[tuple[str, list[dict]]]:
    """Weighted means and sums (cos(lat) weights; time weights over all-NaN land columns),
    coarsen, cumsum across chunk edges, argmin/argmax, median and quantiles on the main store."""
    coslat = {"var": "lat", "ops": [{"op": "unary", "func": "deg2rad"}, {"op": "unary", "func": "cos"}]}
    series = {"var": "sst_f64", "ops": [{"op": "isel", "indexers": {"lat": 0, "lon": 0}}]}
    w = lambda func, weights, dim, **kw: {"op": "weighted", "weights": weights, "func": func, "dim": dim, **kw}  # noqa: E731
    co = lambda dim, window, func, **kw: {"op": "coarsen", "dim": dim, "window": window, "func": func, **kw}  # noqa: E731
    co2 = lambda windows, func, **kw: {"op": "coarsen", "windows": windows, "func": func, **kw}  # noqa: E731
    return [
        ("weighted-coslat-mean-latlon", [w("mean", coslat, ["lat", "lon"])]),
        ("weighted-coslat-mean-lat", [w("mean", coslat, ["lat"])]),
        ("weighted-coslat-sum-lat", [w("sum", coslat, ["lat"])]),
        ("weighted-coslat-mean-all", [w("mean", coslat, None)]),
        ("weighted-coslat-sum-noskip", [w("sum", coslat, ["lat"], skipna=False)]),
        ("weighted-time-mean-all-nan-columns", [w("mean", series, ["time"])]),
        ("weighted-time-sum-all-nan-columns", [w("sum", series, ["time"])]),
        ("coarsen-time-trim-mean", [co("time", 4, "mean", boundary="trim")]),
        ("coarsen-time-trim-right-sum", [co("time", 3, "sum", boundary="trim", side="right")]),
        ("coarsen-lon-exact-mean", [co("lon", 5, "mean")]),
        ("coarsen-lon-exact-std", [co("lon", 4, "std")]),
        ("coarsen-lat-trim-max", [co("lat", 3, "max", boundary="trim")]),
        ("coarsen-lat-pad-count", [co("lat", 3, "count", boundary="pad")]),
        ("coarsen-time-pad-right-min", [co("time", 5, "min", boundary="pad", side="right")]),
        # Several dimensions at once ("windows": [[dim, window], ...] in the order given), across
        # chunk edges, padded and trimmed on either side, over land (all-NaN windows).
        ("coarsen-latlon-exact-mean", [co2([["lat", 2], ["lon", 4]], "mean")]),
        ("coarsen-latlon-trim-std", [co2([["lat", 3], ["lon", 3]], "std", boundary="trim")]),
        ("coarsen-time-lat-pad-sum", [co2([["time", 4], ["lat", 3]], "sum", boundary="pad")]),
        ("coarsen-lonlat-pad-right-max", [co2([["lon", 6], ["lat", 3]], "max", boundary="pad", side="right")]),
        ("coarsen-all-trim-right-var", [co2([["time", 2], ["lat", 4], ["lon", 3]], "var", boundary="trim", side="right")]),
        ("coarsen-latlon-pad-count", [co2([["lat", 4], ["lon", 6]], "count", boundary="pad")]),
        ("coarsen-latlon-min", [co2([["lat", 5], ["lon", 5]], "min")]),
        ("coarsen-latlon-then-mean", [co2([["lat", 2], ["lon", 2]], "mean"), _reduce("mean", ["time"], True)]),
        ("cumsum-time", [{"op": "cumsum", "dim": "time"}]),
        ("cumsum-lon", [{"op": "cumsum", "dim": "lon"}]),
        ("cumsum-time-noskip", [{"op": "cumsum", "dim": "time", "skipna": False}]),
        # Regions starting inside a chunk resume from its carry; a reduction streams the sum.
        ("cumsum-time-isel-step", [{"op": "cumsum", "dim": "time"},
                                   {"op": "isel", "indexers": {"time": {"slice": [2, None, 3]}, "lat": 7}}]),
        ("cumsum-lon-then-std", [{"op": "cumsum", "dim": "lon"}, _reduce("std", ["lon", "time"], True, 0)]),
        ("cumsum-time-noskip-then-max", [{"op": "cumsum", "dim": "time", "skipna": False}, _reduce("max", ["lat"], False)]),
        ("argmax-lat", [{"op": "arg", "func": "argmax", "dim": "lat"}]),
        ("argmin-lon-noskip", [{"op": "arg", "func": "argmin", "dim": "lon", "skipna": False}]),
        ("median-time", [{"op": "median", "dim": ["time"]}]),
        ("median-latlon", [{"op": "median", "dim": ["lat", "lon"]}]),
        ("median-all", [{"op": "median", "dim": None}]),
        ("median-time-noskip", [{"op": "median", "dim": ["time"], "skipna": False}]),
        ("quantile-scalar-time", [{"op": "quantile", "q": 0.3, "dim": ["time"]}]),
        ("quantile-list-time", [{"op": "quantile", "q": [0.05, 0.5, 0.95], "dim": ["time"]}]),
        ("quantile-list-latlon", [{"op": "quantile", "q": [0.0, 0.25, 1.0], "dim": ["lat", "lon"]}]),
        # Rolling over land (all-NaN windows), and along inner axes.
        ("rolling-time-4-center-var", [{"op": "rolling", "window": 4, "func": "var", "center": True, "min_periods": 1}]),
        ("rolling-time-5-std", [{"op": "rolling", "window": 5, "func": "std", "min_periods": 3}]),
        ("rolling-lat-3-center-std", [{"op": "rolling", "dim": "lat", "window": 3, "func": "std", "center": True}]),
        ("rolling-lon-5-max", [{"op": "rolling", "dim": "lon", "window": 5, "func": "max", "min_periods": 2}]),
        ("rolling-lon-6-center-min", [{"op": "rolling", "dim": "lon", "window": 6, "func": "min", "center": True,
                                       "min_periods": 1}]),
        # Tiles holding whole time columns, cut from chunks that split time.
        ("chunk-then-median", [{"op": "chunk", "chunks": {"time": 2, "lat": 3}}, {"op": "median", "dim": ["time"]}]),
    ]


def whole_axis_errors() -> list[tuple[str, str, list[dict], list[str]]]:
    """(name, var, ops, substrings) that xarray refuses on the main store."""
    return [
        ("coarsen-exact-error", "sst", [{"op": "coarsen", "dim": "time", "window": 4, "func": "mean"}],
         ["Could not coarsen a dimension of size 13 with window 4 and boundary='exact'"]),
        # The first window in the order given that does not divide its dimension is reported.
        ("coarsen-2d-exact-error", "sst", [{"op": "coarsen", "windows": [["lat", 3], ["lon", 3]], "func": "mean"}],
         ["Could not coarsen a dimension of size 10 with window 3 and boundary='exact'"]),
        ("argmin-all-nan", "sst", [{"op": "arg", "func": "argmin", "dim": "time"}], ["All-NaN slice encountered"]),
        ("quantile-out-of-range", "sst", [{"op": "quantile", "q": 1.5, "dim": ["time"]}], ["Quantiles must be in the range [0, 1]"]),
        ("weighted-missing-dim", "sst", [{"op": "weighted", "weights": {"var": "lat"}, "func": "mean", "dim": ["lattitude"]}],
         ["does not contain the dimensions", "lattitude"]),
    ]


def rechunk_ops() -> list[tuple[str, list[dict]]]:
    """`.chunk(...)` on the main store opened with its storage chunks (5 x 4 x 8 on 13 x 10 x 20):
    the values must not change and `.chunks` must be dask's."""
    ch = lambda chunks: {"op": "chunk", "chunks": chunks}  # noqa: E731
    return [
        ("chunk-time-4", [ch({"time": 4})]),
        ("chunk-all-whole", [ch(-1)]),
        ("chunk-lon-tuple", [ch({"lon": [5, 15], "lat": -1})]),
        ("chunk-after-arith", [{"op": "binary", "func": "mul", "scalar": 2.0}, ch({"lat": 3})]),
        ("chunk-after-isel", [{"op": "isel", "indexers": {"time": {"slice": [2, 11, None]}}}, ch({"time": 2, "lon": 7})]),
        ("chunk-then-mean", [ch({"time": 3, "lon": 6}), {"op": "reduce", "func": "mean", "dim": ["time"], "skipna": True}]),
        ("chunk-then-cumsum", [ch({"time": 2}), {"op": "cumsum", "dim": "time"}]),
    ]
