"""Sanity checks of a built oracle, independent of the xarray op interpreter in `cases.py`.

- every store opens with xarray and loads;
- every case is well formed: the raw file holds prod(shape) float64 values, dims match the shape,
  ISO lists and the time sweep's `times` have prod(shape) entries ("NaT" or a date with a "T");
- the reductions and decodings of the main store are recomputed with numpy straight from
  zarr-python arrays (manual CF decoding) and must match the expected files.
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import xarray as xr
import zarr

AXES = {("time",): (0,), ("lon",): (2,), ("lat", "lon"): (1, 2), None: (0, 1, 2)}
NUMPY = {
    ("mean", True): np.nanmean, ("mean", False): np.mean,
    ("sum", True): np.nansum, ("sum", False): np.sum,
    ("min", True): np.nanmin, ("min", False): np.min,
    ("max", True): np.nanmax, ("max", False): np.max,
    ("std", True): np.nanstd, ("std", False): np.std,
    ("var", True): np.nanvar, ("var", False): np.var,
}


def _expected(case: dict) -> np.ndarray:
    e = case["expect"]
    return np.fromfile(e["values"], dtype="<f8").reshape(e["shape"])


def check_shapes(cases: list[dict]) -> None:
    """Every case is well formed."""
    for case in cases:
        assert Path(case["store"]).exists(), case["id"]
        if "expect_error" in case:
            assert case["expect_error"]["contains"], case["id"]
            continue
        e = case["expect"]
        assert len(e["dims"]) == len(e["shape"]), case["id"]
        n = math.prod(e["shape"])
        if "iso" in e:
            assert len(e["iso"]) == n, case["id"]
            assert all("T" in s for s in e["iso"]), case["id"]
        elif "times" in e:
            assert len(e["times"]) == n, case["id"]
            assert all(s == "NaT" or "T" in s for s in e["times"]), case["id"]
            assert (e["calendar"] == "datetime64") == e["dtype"].startswith("datetime64"), case["id"]
        else:
            assert Path(e["values"]).stat().st_size == 8 * n, case["id"]
            assert e["rtol"] > 0 and e["atol"] >= 0, case["id"]


def _decoded_main(store: Path, var: str) -> np.ndarray:
    """`var` decoded by hand from zarr-python (fill value to NaN, then scale/offset)."""
    arr = zarr.open_array(store / var, mode="r")
    raw = arr[:].astype("float64")
    attrs = dict(arr.attrs)
    fill = attrs.get("_FillValue", arr.fill_value)
    if fill is not None and not (isinstance(fill, float) and math.isnan(fill)):
        raw[raw == float(fill)] = np.nan
    return raw * attrs.get("scale_factor", 1.0) + attrs.get("add_offset", 0.0)


def check_numpy(cases: list[dict], main_prefix: str = "v2-blosc-zstd-bitshuffle-sst-") -> int:
    """Recomputes the main store's decodings and plain reductions with numpy; returns the count."""
    checked = 0
    for case in cases:
        if not case["id"].startswith(main_prefix) or "expect" not in case:
            continue
        store, ops = Path(case["store"]), case["ops"]
        data = _decoded_main(store, case["var"])
        if not ops:
            want = data
        elif len(ops) == 1 and ops[0]["op"] == "reduce":
            op = ops[0]
            axes = AXES[tuple(op["dim"]) if op["dim"] else None]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                if op["func"] == "count":
                    want = np.sum(~np.isnan(data), axis=axes)
                else:
                    skipna = op.get("skipna") is not False
                    kwargs = {"ddof": op.get("ddof", 0)} if op["func"] in ("std", "var") else {}
                    want = NUMPY[(op["func"], skipna)](data, axis=axes, **kwargs)
                    if op["func"] == "sum" and skipna:
                        want = np.where(np.all(np.isnan(data), axis=axes), 0.0, want)
        else:
            continue
        got = _expected(case)
        e = case["expect"]
        np.testing.assert_allclose(got, want, rtol=e["rtol"], atol=e["atol"], equal_nan=True, err_msg=case["id"])
        checked += 1
    return checked


def check_stores(cases: list[dict]) -> None:
    """Every store opens with xarray and loads (without decoding times where xarray cannot)."""
    undecodable = {c["store"] for c in cases if c["var"] == "time"
                   and ("expect_error" in c or "xarray_bug" in c.get("expect", {}))}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", xr.SerializationWarning)  # cftime fallbacks of the time sweep
        warnings.filterwarnings("ignore", message="this date/calendar/year zero convention")  # cftime
        for store in sorted({c["store"] for c in cases}):
            if "bad-time-units" in store or store in undecodable:
                xr.open_zarr(store, decode_times=False).load()
            else:
                xr.open_zarr(store).load()


def check(cases_json: Path) -> None:
    """Runs every sanity check on a built oracle."""
    cases = json.loads(Path(cases_json).read_text())["cases"]
    check_shapes(cases)
    check_stores(cases)
    assert check_numpy(cases) >= 40, "too few cases re-checked with numpy"
