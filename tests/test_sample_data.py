"""`nereus sample-data`: the stores it writes open in real xarray with the promised layout.

Runs the release binary (``NEREUS_BIN``) once per session with ``--size small`` into a temporary
directory, then checks with xarray and zarr-python: dims, shapes, dtypes, CF-decoded times (noleap
-> cftime), NaN land after masking, coordinates, attributes, compressors, and that all-land chunks
are absent on disk.
"""

from __future__ import annotations

import json
import os
import subprocess
import warnings
from pathlib import Path

import cftime
import numpy as np
import pytest
import xarray as xr

ROOT = Path(__file__).resolve().parent.parent
NEREUS_BIN = Path(os.environ.get("NEREUS_BIN", ROOT / "target" / "release" / "nereus")).resolve()


def _run(out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(NEREUS_BIN), "sample-data", "--size", "small", "--out", str(out), *extra],
        capture_output=True, text=True, timeout=300, check=False,
    )


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small sample data, generated once for the module."""
    out = tmp_path_factory.mktemp("sample") / "data"
    proc = _run(out)
    assert proc.returncode == 0, proc.stderr
    assert "ssh.zarr" in proc.stdout and "sst.zarr" in proc.stdout, proc.stdout
    return out


def _open(path: Path) -> xr.Dataset:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # consolidated metadata must be found: no fallback warning
        return xr.open_zarr(path)


def test_ssh_layout(data: Path) -> None:
    ds = _open(data / "ssh.zarr")
    ssh = ds["sossheig"]
    assert ssh.dims == ("time_counter", "y", "x")
    assert ssh.shape == (96, 200, 200)
    assert ssh.dtype == np.float32
    assert ssh.encoding["chunks"] == (48, 48, 48)
    assert ssh.attrs["units"] == "m"
    assert set(ds.coords) == {"time_counter", "nav_lat", "nav_lon"}
    assert ds["nav_lat"].dims == ("y", "x") and ds["nav_lon"].dims == ("y", "x")
    lat, lon = ds["nav_lat"].values, ds["nav_lon"].values
    assert 23 < lat.min() < 26 and 64 < lat.max() < 67
    assert -83 < lon.min() < -79 and 10 < lon.max() < 13


def test_ssh_metadata_on_disk(data: Path) -> None:
    root = data / "ssh.zarr"
    zmeta = json.loads((root / ".zmetadata").read_text())
    assert zmeta["zarr_consolidated_format"] == 1
    zarray = zmeta["metadata"]["sossheig/.zarray"]
    assert zarray["zarr_format"] == 2 and zarray["dtype"] == "<f4"
    assert zarray["fill_value"] == pytest.approx(1e20)
    assert zarray["compressor"]["id"] == "blosc"
    assert zarray["compressor"]["cname"] == "zstd" and zarray["compressor"]["shuffle"] == 1
    zattrs = zmeta["metadata"]["sossheig/.zattrs"]
    assert zattrs["_ARRAY_DIMENSIONS"] == ["time_counter", "y", "x"]
    assert set(zattrs["coordinates"].split()) == {"nav_lat", "nav_lon"}
    assert zmeta["metadata"]["sossheig/.zarray"] == json.loads((root / "sossheig" / ".zarray").read_text())


def test_ssh_time_is_hourly_noleap(data: Path) -> None:
    ds = _open(data / "ssh.zarr")
    t = ds["time_counter"].values
    assert isinstance(t[0], cftime.DatetimeNoLeap)
    assert t[0] == cftime.DatetimeNoLeap(2009, 7, 1)
    assert (t[1] - t[0]).total_seconds() == 3600
    raw = xr.open_zarr(data / "ssh.zarr", decode_times=False)["time_counter"]
    assert raw.attrs["units"] == "seconds since 1950-01-01 00:00:00"
    assert raw.attrs["calendar"] == "noleap"


def test_ssh_land_is_nan_and_all_land_chunks_absent(data: Path) -> None:
    ds = _open(data / "ssh.zarr")
    ssh = ds["sossheig"].values
    land = np.isnan(ssh)
    assert 0.2 < land.mean() < 0.8
    assert (land == land[0]).all(), "the land mask does not depend on time"
    ocean = ssh[~land]
    assert np.abs(ocean).max() < 3.0 and ocean.std() > 0.05
    # Tides and eddies make the field vary in time at ocean points.
    assert ssh[:, ~land[0]].std(axis=0).min() > 0
    present = {p.name for p in (data / "ssh.zarr" / "sossheig").iterdir() if not p.name.startswith(".")}
    absent = 0
    for it in range(2):
        for jy in range(5):
            for ix in range(5):
                tile = land[0, jy * 48:(jy + 1) * 48, ix * 48:(ix + 1) * 48]
                key = f"{it}.{jy}.{ix}"
                assert (key in present) == (not tile.all()), key
                absent += tile.all()
    assert absent >= 2


def test_sst_layout(data: Path) -> None:
    ds = _open(data / "sst.zarr")
    sst = ds["sst"]
    assert sst.dims == ("time", "lat", "lon")
    assert sst.shape == (120, 180, 360) and sst.dtype == np.float32
    np.testing.assert_allclose(ds["lat"].values, np.arange(-89.5, 90, 1.0))
    np.testing.assert_allclose(ds["lon"].values, np.arange(0.5, 360, 1.0))
    assert ds["lat"].attrs["standard_name"] == "latitude" and ds["lat"].attrs["units"] == "degrees_north"
    assert ds["lon"].attrs["standard_name"] == "longitude" and ds["lon"].attrs["units"] == "degrees_east"
    meta = json.loads((data / "sst.zarr" / "sst" / "zarr.json").read_text())
    assert meta["zarr_format"] == 3 and meta["dimension_names"] == ["time", "lat", "lon"]
    assert [c["name"] for c in meta["codecs"]] == ["bytes", "zstd"]
    raw = xr.open_zarr(data / "sst.zarr", decode_times=False)["time"]
    assert raw.attrs["units"] == "days since 1950-01-01"


def test_sst_time_land_and_signals(data: Path) -> None:
    ds = _open(data / "sst.zarr")
    t = ds["time"].values
    assert t.dtype.kind == "M"
    assert str(t[0])[:10] == "1950-01-01" and str(t[-1])[:10] == "1959-12-01"
    sst = ds["sst"].values
    land = np.isnan(sst[0])
    assert 0.15 < land.mean() < 0.5
    assert np.isnan(sst[:, land]).all()
    assert np.nanmin(sst) >= -1.8 and np.nanmax(sst) < 35
    # Seasonal cycle: the North Atlantic is warmer in August than in February.
    na = ds["sst"].sel(lat=slice(30, 50), lon=slice(300, 340)).mean(("lat", "lon"))
    assert float(na.isel(time=7)) > float(na.isel(time=1)) + 2
    # ENSO-like signal: NINO3.4 anomalies swing by more than 2 degrees.
    nino = ds["sst"].sel(lat=slice(-5, 5), lon=slice(190, 240)).mean(("lat", "lon"))
    anom = nino.groupby("time.month") - nino.groupby("time.month").mean()
    assert float(anom.max() - anom.min()) > 2


def test_rerun_skips_and_force_rewrites(data: Path) -> None:
    before = (data / "ssh.zarr" / ".zmetadata").stat().st_mtime_ns
    proc = _run(data)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("up to date") == 2, proc.stdout
    assert (data / "ssh.zarr" / ".zmetadata").stat().st_mtime_ns == before
    # A complete store of another size is kept (make demo must never shrink the benchmark data).
    proc = subprocess.run(
        [str(NEREUS_BIN), "sample-data", "--size", "large", "--out", str(data)],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert proc.returncode == 0 and proc.stdout.count("--force rewrites it as large") == 2, proc.stdout
    chunk = (data / "sst.zarr" / "sst" / "c" / "0" / "0" / "0").read_bytes()
    proc = _run(data, "--force")
    assert proc.returncode == 0, proc.stderr
    assert "up to date" not in proc.stdout
    assert (data / "sst.zarr" / "sst" / "c" / "0" / "0" / "0").read_bytes() == chunk, "not deterministic"


def test_bad_size_is_rejected(tmp_path: Path) -> None:
    proc = subprocess.run(
        [str(NEREUS_BIN), "sample-data", "--size", "huge", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert proc.returncode != 0
    assert "small" in proc.stderr
