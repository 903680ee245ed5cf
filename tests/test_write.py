"""`to_zarr` through the Nereus kernel, checked with xarray and zarr-python.

Fixtures are written by xarray during the test (formats 2 and 3, standard and noleap
calendars); Nereus opens them, computes, writes with `to_zarr`, and xarray reads the result:
values (rtol 1e-6), dims, coords, attrs and decoded times must match xarray's own answer.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import xarray as xr
import zarr

from conftest import start_kernel, stop_kernel

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def kernel():
    km, kc = start_kernel()
    yield kc
    stop_kernel(km, kc)


def run(kc, code: str) -> dict:
    """Runs a cell; returns the error content (or {} on success)."""
    errors: list[dict] = []

    def hook(msg: dict) -> None:
        if msg["msg_type"] == "error":
            errors.append(msg["content"])

    reply = kc.execute_interactive(code, output_hook=hook, timeout=120)
    if reply["content"]["status"] == "ok":
        return {}
    return errors[0] if errors else reply["content"]


def ok(kc, code: str) -> None:
    err = run(kc, code)
    assert not err, err


def source(path: Path, zarr_format: int, calendar: str) -> xr.Dataset:
    """An xarray-written store: float32 with NaN and attrs, int16, a 2-D non-index coordinate,
    CF times in `calendar`, chunked 4 along time."""
    times = xr.date_range("2001-02-25", periods=10, freq="D", calendar=calendar, use_cftime=calendar != "standard")
    rng = np.random.default_rng(7)
    sst = rng.normal(15, 3, (10, 6, 8)).astype("float32")
    sst[2, 1, 1] = np.nan
    ds = xr.Dataset(
        {
            "sst": (("time", "lat", "lon"), sst, {"units": "degC", "long_name": "sea surface temperature"}),
            "flag": (("time", "lat", "lon"), rng.integers(0, 5, (10, 6, 8)).astype("int16")),
        },
        coords={
            "time": times,
            "lat": np.linspace(-5, 5, 6),
            "lon": np.linspace(190, 240, 8),
            "area": (("lat", "lon"), rng.uniform(1, 2, (6, 8))),
        },
        attrs={"title": "write fixture", "institution": "test"},
    )
    enc = {"sst": {"chunks": (4, 6, 8)}, "flag": {"chunks": (4, 6, 8)}}
    ds.to_zarr(path, mode="w", zarr_format=zarr_format, encoding=enc, consolidated=True)
    return xr.open_zarr(path).load()


def assert_same(got: xr.Dataset, want: xr.Dataset) -> None:
    assert set(got.data_vars) == set(want.data_vars)
    assert set(got.coords) == set(want.coords)
    assert got.attrs == want.attrs
    for name in list(want.data_vars) + list(want.coords):
        g, w = got[name], want[name]
        assert g.dims == w.dims, name
        if np.issubdtype(w.dtype, np.number):
            np.testing.assert_allclose(g.values.astype("f8"), w.values.astype("f8"), rtol=1e-6, equal_nan=True)
        else:
            assert list(g.values) == list(w.values), name
        assert {k: v for k, v in g.attrs.items()} == {k: v for k, v in w.attrs.items()}, name


CASES = [(2, "standard"), (3, "standard"), (2, "noleap"), (3, "noleap")]


@pytest.mark.parametrize(("fmt", "calendar"), CASES, ids=[f"v{f}-{c}" for f, c in CASES])
def test_xarray_nereus_xarray_round_trip(kernel, tmp_path: Path, fmt: int, calendar: str) -> None:
    src, out = tmp_path / "src.zarr", tmp_path / "out.zarr"
    want = source(src, fmt, calendar)
    ok(kernel, f"import xarray as xr\nds = xr.open_zarr({str(src)!r})\n"
               f"ds.to_zarr({str(out)!r}, mode='w', zarr_format={fmt})")
    got = xr.open_zarr(out)
    assert got["time"].dtype == want["time"].dtype
    assert_same(got.load(), want)
    # zarr-python sees the format asked for and the dimension names.
    group = zarr.open_group(out, mode="r")
    assert group.metadata.zarr_format == fmt
    sst = group["sst"]
    dims = sst.metadata.dimension_names if fmt == 3 else sst.attrs["_ARRAY_DIMENSIONS"]
    assert tuple(dims) == ("time", "lat", "lon")
    assert sst.chunks == (4, 6, 8)
    assert "_zarrs" not in sst.attrs


@pytest.mark.parametrize(("fmt", "calendar"), CASES, ids=[f"v{f}-{c}" for f, c in CASES])
def test_computed_results_match_xarray(kernel, tmp_path: Path, fmt: int, calendar: str) -> None:
    src, out = tmp_path / "src.zarr", tmp_path / "mean.zarr"
    want_ds = source(src, fmt, calendar)
    ok(kernel, f"import xarray as xr\nds = xr.open_zarr({str(src)!r})\n"
               f"anom = ds.sst - ds.sst.mean('time')\n"
               f"anom.to_zarr({str(out)!r}, mode='w', zarr_format={fmt})")
    got = xr.open_dataarray(out, engine="zarr").load()
    want = want_ds.sst - want_ds.sst.mean("time")
    assert got.dims == want.dims
    np.testing.assert_allclose(got.values, want.values, rtol=1e-6, atol=1e-5, equal_nan=True)
    np.testing.assert_array_equal(got["lat"].values, want["lat"].values)
    assert list(got["time"].values) == list(want["time"].values)


@pytest.mark.parametrize("fmt", [2, 3])
def test_append_along_time(kernel, tmp_path: Path, fmt: int) -> None:
    src, out = tmp_path / "src.zarr", tmp_path / "appended.zarr"
    want = source(src, fmt, "noleap")
    # 6 steps in chunks of 4: the first appended step completes a stored partial chunk.
    ok(kernel, f"import xarray as xr\nds = xr.open_zarr({str(src)!r})\n"
               f"ds.isel(time=slice(0, 6)).to_zarr({str(out)!r}, mode='w')\n"
               f"ds.isel(time=slice(6, 10)).to_zarr({str(out)!r}, append_dim='time')")
    assert_same(xr.open_zarr(out).load(), want)
    assert zarr.open_group(out, mode="r")["sst"].chunks == (4, 6, 8)


def test_mode_errors(kernel, tmp_path: Path) -> None:
    src = tmp_path / "src.zarr"
    source(src, 3, "standard")
    ok(kernel, f"import xarray as xr\nds = xr.open_zarr({str(src)!r})")
    err = run(kernel, f"ds.to_zarr({str(src)!r})")
    assert err["ename"] == "OSError" and "already exists" in err["evalue"], err
    err = run(kernel, f"ds.to_zarr({str(src)!r}, mode='a', append_dim='depth')")
    assert err["ename"] == "ValueError" and "depth" in err["evalue"], err
    xr.open_zarr(src).load()
