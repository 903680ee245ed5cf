"""Builds the xarray oracle: fixture stores plus `cases.json` with xarray's expected answers.

Usage: `python tests/oracle/fixtures.py OUTDIR [--check]` (or `fixtures.build(OUTDIR)`).

`OUTDIR/cases.json` follows the schema `engine/tests/oracle.rs` reads:

    {"cases": [
      {"id", "store" (absolute path), "var", "ops": [op, ...],
       "expect": {"dims", "shape", "dtype" (xarray's dtype of the result without the cast),
                  "values" (absolute path of a little-endian float64 C-order raw file; booleans as
                  0/1; NaN where xarray has NaN), "rtol", "atol"}},
      {"id", "store", "var": "time", "ops": [],
       "expect": {"dims", "shape", "dtype": "datetime64[ns]" | "object", "iso": ["2000-01-01T00:00:00", ...]}},
      {"id": "times-...", "store", "var": "time", "ops": [],
       "expect": {"dims": ["time"], "shape": [n], "dtype": "datetime64[ns]" | "object",
                  "times": ["2000-01-16T12:00:00.000000000" | "0001-01-16T12:00:00.000000" | "NaT", ...],
                  "calendar": "datetime64" | cftime's calendar ("standard", "noleap", "all_leap", ...),
                  "xarray_bug": "missing cftime values" | "uint64 _FillValue not masked" (optional)},
       "about": {"zarr_format", "units", "calendar", "dtype", "kind", "missing", ...} (informational)},
      {"id", "store", "var", "ops", "expect_error": {"contains": [substring, ...]}}]}

`times` (the CF time sweep of `times.py`) holds one canonical string per decoded value: for
datetime64 `np.datetime_as_string(unit="ns")`; for cftime objects (dtype "object")
`{Y}-{m:02d}-{d:02d}T{H:02d}:{M:02d}:{S:02d}.{us:06d}` from the object's fields, with `Y` as
`%04d` or `-%04d` in cftime's own year numbering (no year 0 in standard/julian); "NaT" for a
missing time. `calendar` is "datetime64" for numpy datetimes, else the cftime objects' calendar.
With `xarray_bug`, xarray itself gets that store wrong (reference dates or an error for missing
cftime times, a uint64 fill value taken as -1): the expectation is xarray's decoding of the valid
values alone, with "NaT" where a value is missing.

The op vocabulary is documented in `cases.py`. Expected values are xarray's results on float64-cast
data (after CF decoding); `atol` is 1e-6 times the largest finite magnitude in the input or result.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import xarray as xr

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from oracle import cases as C  # noqa: E402
from oracle import stores as S  # noqa: E402
from oracle import structure  # noqa: E402
from oracle import times  # noqa: E402

MAIN = "v2-blosc-zstd-bitshuffle"
UNSET = object()  # `chunks` not given (None is a value open_zarr takes)
# Stores whose plain float64 variable is checked too (it needs no decoding: a few suffice).
PLAIN_TOO = {"v2-none", "v3-none", MAIN}


class Builder:
    """Accumulates cases, evaluating each with xarray and writing expected arrays."""

    def __init__(self, outdir: Path):
        self.outdir = outdir
        self.expected = outdir / "expected"
        self.expected.mkdir(parents=True, exist_ok=True)
        self.cases: list[dict] = []
        self._open: dict[Path, xr.Dataset] = {}

    def dataset(self, store: S.Store) -> xr.Dataset:
        """The store opened with xarray's defaults (consolidated, CF-decoded), cached."""
        if store.path not in self._open:
            self._open[store.path] = xr.open_zarr(store.path).load()
        return self._open[store.path]

    def value(self, store: S.Store, var: str, name: str, ops: list[dict], rtol=1e-6, atol=None,
              coords: bool = False, chunks=UNSET) -> None:
        """Adds a case whose expectation is xarray's result (values, or ISO times); with `coords`,
        also the result's coordinate names and index labels; with `chunks`, the store is opened
        with `open_zarr(chunks=chunks)` and the expectation holds dask's `.chunks` too."""
        cid = f"{store.id}-{var}-{name}"
        ds = self.dataset(store)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices, 0/0, log of <= 0
            native = C.apply_ops(ds, var, ops, cast=False)
            result = C.apply_ops(ds, var, ops, cast=True)
        base = {"id": cid, "store": str(store.path), "var": var, "ops": ops}
        expect = {"dims": list(native.dims), "shape": list(native.shape), "dtype": str(native.dtype)}
        if coords:
            expect["coords"] = sorted(str(k) for k in native.coords)
            expect["labels"] = {str(d): [float(v) for v in native.indexes[d]]
                                for d in native.dims if d in native.indexes and native.indexes[d].dtype.kind in "fiu"}
        if "time" in native.dims and "time" in native.indexes and native["time"].dtype.kind in "MO":
            expect["time_iso"] = C.iso(native["time"].values)
        if chunks is not UNSET:
            base["open"] = {"chunks": chunks}
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # chunks that split storage chunks
                lazy = C.apply_ops(xr.open_zarr(store.path, chunks=chunks), var, ops, cast=False)
            if not any(op["op"] in ("reduce", "groupby", "anomaly", "resample") for op in ops):
                # Reductions are planned as one chunk here; dask keeps the kept axes' chunks
                # (and splits grouped results into a chunk per group, without flox).
                expect["chunks"] = [list(c) for c in lazy.chunks] if lazy.chunks is not None else None
        if native.dtype.kind in "MO":
            self.cases.append(base | {"expect": expect | {"iso": C.iso(native.values)}})
            return
        values = np.asarray(result.values, dtype="float64")
        if list(result.shape) != expect["shape"]:
            raise AssertionError(f"{cid}: cast changed the shape {result.shape} != {native.shape}")
        if atol is None:
            atol = 1e-6 * max(_max_abs(ds[var].values), _max_abs(values), 1e-30)
        path = self.expected / f"{cid}.f64"
        np.ascontiguousarray(values, dtype="<f8").tofile(path)
        self.cases.append(base | {"expect": expect | {"values": str(path), "rtol": rtol, "atol": float(atol)}})

    def error(self, store: S.Store, var: str, name: str, ops: list[dict], contains: list[str]) -> None:
        """Adds a case that must fail, after checking that xarray fails too."""
        cid = f"{store.id}-{name}"
        try:
            C.apply_ops(xr.open_zarr(store.path), var, ops, cast=True).values  # noqa: B018
        except Exception:  # noqa: BLE001 - xarray raises KeyError, ValueError, IndexError...
            pass
        else:
            raise AssertionError(f"{cid}: xarray accepted what should be an error")
        self.cases.append(
            {"id": cid, "store": str(store.path), "var": var, "ops": ops, "expect_error": {"contains": contains}}
        )

    def write(self) -> Path:
        """Writes cases.json and returns its path."""
        ids = [c["id"] for c in self.cases]
        dupes = {i for i in ids if ids.count(i) > 1}
        if dupes:
            raise AssertionError(f"duplicate case ids: {sorted(dupes)}")
        path = self.outdir / "cases.json"
        path.write_text(json.dumps({"cases": self.cases}, indent=1) + "\n")
        return path


def _max_abs(values: np.ndarray) -> float:
    values = np.asarray(values)
    if values.dtype.kind not in "fiub" or values.size == 0:
        return 0.0
    finite = np.abs(values[np.isfinite(values)].astype("float64"))
    return float(finite.max()) if finite.size else 0.0


def build(outdir: Path | str) -> Path:
    """Writes every fixture store and the expected results under `outdir`; returns cases.json."""
    outdir = Path(outdir).resolve()
    stores = S.write_all(outdir / "stores")
    by_id = {s.id: s for s in stores}
    b = Builder(outdir)

    for store in stores:
        if store.kind in ("matrix", "descending", "missing"):
            for var in S.PACKINGS if store.id in PLAIN_TOO else S.PACKINGS[:-1]:
                b.value(store, var, "decode", [])
            b.value(store, "time", "decode", [])
        if store.zarr_format == 3 and store.kind == "matrix":
            box = {"op": "sel", "indexers": {"lat": {"slice": [-5.0, 5.0]}, "lon": {"slice": [190.0, 240.0]}}, "method": None}
            b.value(store, "sst", "box-mean", [box, C._reduce("mean", ["lat", "lon"], True)])
    for sid in ("v2-none", "v3-none"):
        b.value(by_id[sid], "clim", "decode", [])

    main = by_id[MAIN]
    for name, ops in C.reduction_ops() + C.selection_ops() + C.arithmetic_ops():
        b.value(main, "sst", name, ops)
    b.value(main, "sst_f64", "std-time-ddof1", [C._reduce("std", ["time"], True, 1)])
    b.value(main, "sst_packed", "sum-all", [C._reduce("sum", None, True)])
    b.value(main, "sst_packed", "mean-time", [C._reduce("mean", ["time"], True)])
    for name, ops in C.alignment_ops():
        b.value(main, "sst", name, ops, coords=True)
    for name, chunks, ops in C.chunk_cases():
        b.value(main, "sst", name, ops, chunks=chunks)
    b.value(main, "sst", "eq-data-value", [{"op": "binary", "func": "eq", "scalar": _first_finite(b.dataset(main)["sst"])}])
    for name, var, ops, contains in C.error_ops() + C.whole_axis_errors():
        b.error(main, var, name, ops, contains)
    for name, ops in C.whole_axis_ops():
        b.value(main, "sst", name, ops, coords=True)
    for name, ops in C.rechunk_ops():
        b.value(main, "sst", name, ops, chunks={})

    for name, ops, coords in structure.value_ops():
        b.value(main, "sst", name, ops, coords=coords)
    b.value(main, "sst", "concat-chunks", structure.chunk_case(), chunks={})
    for name, var, ops, contains in structure.error_ops():
        b.error(main, var, name, ops, contains)

    desc = by_id["v3-gzip"]
    b.value(desc, "sst", "sel-descending-slice", [{"op": "sel", "indexers": {"lat": {"slice": [10.0, -10.0]}}, "method": None}])
    b.value(desc, "sst", "sel-descending-nearest", [{"op": "sel", "indexers": {"lat": 3.1}, "method": "nearest"}])
    for store in (by_id["v2-missing-chunks"], by_id["v3-missing-chunks"]):
        b.value(store, "sst", "mean-time", [C._reduce("mean", ["time"], True)])

    curv = by_id["v2-curvilinear"]
    for var in ("ssh", "nav_lat", "nav_lon", "time_counter"):
        b.value(curv, var, "decode", [])
    b.value(curv, "ssh", "mean-yx", [C._reduce("mean", ["y", "x"], True)])
    other = lambda var, *ops: {"var": var, "ops": list(ops)}  # noqa: E731
    b.value(curv, "ssh", "minus-time-mean", [{"op": "binary", "func": "sub", "other": other("ssh", C._reduce("mean", ["time_counter"], True))}], coords=True)
    b.value(curv, "ssh", "align-2d-coords-same", [{"op": "isel", "indexers": {"y": {"slice": [0, 5, None]}}},
                                                 {"op": "binary", "func": "add", "other": other("ssh", {"op": "isel", "indexers": {"y": {"slice": [0, 5, None]}}})}], coords=True)
    b.value(curv, "ssh", "align-2d-coords-conflict", [{"op": "isel", "indexers": {"y": {"slice": [0, 5, None]}}},
                                                     {"op": "binary", "func": "add", "other": other("ssh", {"op": "isel", "indexers": {"y": {"slice": [4, 9, None]}}})}], coords=True)
    b.value(curv, "ssh", "align-scalar-time-conflict", [{"op": "isel", "indexers": {"time_counter": 0}},
                                                       {"op": "binary", "func": "sub", "other": other("ssh", {"op": "isel", "indexers": {"time_counter": 1}})}], coords=True)
    b.value(curv, "ssh", "chunks-x-whole", [], chunks={"x": -1, "time_counter": 2})
    b.error(curv, "ssh", "align-no-index-sizes", [{"op": "isel", "indexers": {"x": {"slice": [0, 5, None]}}},
                                                  {"op": "binary", "func": "add", "other": other("ssh")}],
            ["cannot reindex or align along dimension 'x' because of conflicting dimension sizes: {5, 14}"])
    b.value(curv, "ssh", "isel-y-mean-time", [{"op": "isel", "indexers": {"y": {"slice": [2, 7, None]}}},
                                               C._reduce("mean", ["time_counter"], True)])

    b.error(by_id["v2-bad-time-units"], "time", "bad-time-units", [], ["fortnights"])

    for store in (s for s in stores if s.kind == "climate"):
        for name, ops, coords in C.climate_ops():
            b.value(store, "tas", name, ops, coords=coords)
    climate = by_id["v2-climate-standard"]
    # Chunks of 4 six-hourly steps give one row per hour group: the engine joins runs of chunks
    # into tiles, which must not change any value.
    for func in ("mean", "std", "max"):
        b.value(climate, "tas", f"groupby-hour-{func}-small-chunks",
                [{"op": "groupby", "key": "time.hour", "func": func}], chunks={"time": 4})
    b.value(climate, "tas", "anomaly-hour-small-chunks",
            [{"op": "anomaly", "key": "time.hour", "func": "sub"}], chunks={"time": 4})
    b.error(climate, "tas", "groupby-bad-part", [{"op": "groupby", "key": "time.mnth", "func": "mean"}], ["time.month"])
    b.error(climate, "tas", "resample-bad-freq", [{"op": "resample", "freq": "fortnight", "func": "mean"}], ["fortnight"])
    b.error(climate, "tas", "rolling-bad-dim", [{"op": "rolling", "dim": "tme", "window": 3, "func": "mean"}], ["tme", "time"])

    big = by_id["v2-big"]
    b.value(big, "big", "mean-all", [C._reduce("mean", None, True)], atol=0.0)
    b.value(big, "big", "sum-all", [C._reduce("sum", None, True)], atol=0.0)
    b.value(big, "big", "std-all", [C._reduce("std", None, True, 0)], atol=0.0)

    times.add_cases(b, outdir / "stores" / "times")
    return b.write()


def _first_finite(da: xr.DataArray) -> float:
    values = da.values.ravel()
    return float(values[np.isfinite(values)][0])


def main(argv: list[str] | None = None) -> int:
    """Command line: build into OUTDIR, optionally run the sanity checks."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--check", action="store_true", help="run oracle/check.py on the result")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    path = build(args.outdir)
    cases = json.loads(path.read_text())["cases"]
    print(f"{len(cases)} cases in {path} ({time.perf_counter() - start:.1f} s)")
    print(times.summary(cases))
    if args.check:
        from oracle import check

        check.check(path)
        print("sanity checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
