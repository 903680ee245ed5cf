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

from conftest import execute, start_kernel, stop_kernel, stream_text

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


DTYPES = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64"]


def extreme_fill(dtype: str) -> float | int:
    """A fill value at the edge of what the dtype holds (and of what JSON numbers carry)."""
    if dtype.startswith("float"):
        return 1e20 if dtype == "float32" else -9.99e33
    info = np.iinfo(dtype)
    return int(info.min) if info.min < 0 else int(info.max)


FORMATS = [(2, 2), (3, 3), (2, 3), (3, 2)]


@pytest.mark.parametrize("fill", ["none", "nan", "extreme"])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("src_fmt", "fmt"), FORMATS, ids=[f"v{a}-to-v{b}" for a, b in FORMATS])
def test_every_dtype_and_fill_value_reads_back_as_xarrays_write(
    kernel, tmp_path: Path, src_fmt: int, fmt: int, dtype: str, fill: str
) -> None:
    """A store opened and written again by Nereus reads back, in xarray and in zarr-python,
    as the store it came from: values, mask, dtype, fill value and stored values. (xarray's
    own write is no oracle here: it turns a uint64 fill into 0 and cannot change formats
    without dropping the encoding.)"""
    if fill == "nan" and not dtype.startswith("float"):
        pytest.skip("NaN is a fill value of floats only")
    src, out = tmp_path / "src.zarr", tmp_path / "out.zarr"
    rng = np.random.default_rng(3)
    info = np.finfo(dtype) if dtype.startswith("float") else np.iinfo(dtype)
    raw = rng.integers(0, 100, (4, 5)).astype(dtype)
    # Values float64 cannot hold exactly (int64/uint64) and at the dtype's edge.
    raw[0, 0] = info.max if dtype.startswith(("u", "float")) else info.min + 1
    raw[0, 1] = 2**53 + 1 if dtype in ("int64", "uint64") else raw[0, 1]
    fv = None
    if fill != "none":
        fv = np.nan if fill == "nan" else extreme_fill(dtype)
        raw[1, 2] = fv
        raw[3, 4] = fv
    ds = xr.Dataset({"v": (("y", "x"), raw)})
    ds.to_zarr(src, mode="w", zarr_format=src_fmt, encoding={"v": {"_FillValue": fv}})
    err = run(kernel, f"import xarray as xr\nxr.open_zarr({str(src)!r}).to_zarr({str(out)!r}, mode='w', zarr_format={fmt})")
    assert not err, err
    want, got = xr.open_zarr(src).load(), xr.open_zarr(out).load()
    assert got.v.dtype == want.v.dtype
    np.testing.assert_array_equal(got.v.values, want.v.values)
    # Float data without one gets xarray's default `_FillValue`, NaN.
    want_fill = np.nan if fv is None and dtype.startswith("float") else want.v.encoding.get("_FillValue")
    got_fill = got.v.encoding.get("_FillValue")
    assert got_fill == want_fill or (np.isnan(got_fill) and np.isnan(want_fill)), (got_fill, want_fill)
    stored_want, stored_got = zarr.open_array(src / "v", mode="r"), zarr.open_array(out / "v", mode="r")
    assert stored_got.dtype == stored_want.dtype
    if fv is not None and dtype in ("int64", "uint64"):
        # Masked integers decode to float64, in xarray too: 2**53 + 1 is stored back rounded.
        return
    np.testing.assert_array_equal(stored_got[:], stored_want[:])


@pytest.mark.parametrize("fmt", [2, 3])
def test_a_float32_fill_value_given_at_double_precision_masks_after_writing(kernel, tmp_path: Path, fmt: int) -> None:
    """A netCDF-born v2 store whose float32 fill value is written `1e+20` (NEMO's land): the
    data holds float32(1e20). Nereus's copy must mask the same points in xarray (the v3 copy
    stored the double 1e20 and xarray unmasked land: mean 4.6e19 instead of the sea's)."""
    src, out = tmp_path / "src.zarr", tmp_path / "out.zarr"
    data = np.arange(12, dtype="float32").reshape(3, 4) / 10
    data[0, :2] = np.float32(1e20)
    xr.Dataset({"ssh": (("y", "x"), data)}).to_zarr(
        src, mode="w", zarr_format=2, encoding={"ssh": {"_FillValue": np.float32(1e20)}}
    )
    meta = src / "ssh" / ".zarray"
    text = meta.read_text()
    import json

    doc = json.loads(text)
    doc["fill_value"] = 1e20
    meta.write_text(json.dumps(doc))
    want = xr.open_zarr(src, consolidated=False).ssh.load()
    assert int(want.isnull().sum()) == 2
    ok(kernel, f"import xarray as xr\nxr.open_zarr({str(src)!r}, consolidated=False).to_zarr({str(out)!r}, mode='w', zarr_format={fmt})")
    got = xr.open_zarr(out).ssh.load()
    np.testing.assert_array_equal(got.values, want.values)
    assert float(got.mean()) == pytest.approx(float(want.mean()))


@pytest.mark.parametrize("fmt", [2, 3])
def test_an_unnamed_dataarray_is_written_and_read_under_xarrays_name(kernel, tmp_path: Path, fmt: int) -> None:
    """xarray stores an unnamed DataArray as `__xarray_dataarray_variable__`, a name zarrs
    refuses (`__` is reserved in v3): Nereus writes it, and opens xarray's."""
    src, out, theirs = tmp_path / "src.zarr", tmp_path / "out.zarr", tmp_path / "theirs.zarr"
    want_ds = source(src, fmt, "standard")
    ok(kernel, f"import xarray as xr\nds = xr.open_zarr({str(src)!r})\n"
               f"(ds.sst * ds.flag).to_zarr({str(out)!r}, mode='w', zarr_format={fmt})")
    want = want_ds.sst * want_ds.flag
    assert want.name is None
    got = xr.open_dataarray(out, engine="zarr").load()
    assert got.name is None
    np.testing.assert_allclose(got.values, want.values, rtol=1e-6, atol=1e-5, equal_nan=True)
    want.to_zarr(theirs, mode="w", zarr_format=fmt)
    reply, msgs = execute(kernel, f"t = xr.open_zarr({str(theirs)!r})['__xarray_dataarray_variable__']\nprint(t.isel(time=0).values)")
    assert reply["content"]["status"] == "ok", reply["content"]
    assert stream_text(msgs) == f"{want.isel(time=0).values}\n"
