"""Writes the oracle's fixture stores with xarray and zarr-python (never with Nereus).

The matrix: Zarr formats 2 and 3 x codecs (blosc lz4+shuffle, blosc zstd+bitshuffle, zstd, gzip,
zlib (v2 only), none, and one sharded v3 store). Every codec store holds the same field in four
packings (`sst` float32 with NaN, `sst_fill` float32 with _FillValue, `sst_packed` int16 with
scale_factor/add_offset/_FillValue, `sst_f64` float64 plain) plus a 2-D `clim(lat, lon)`, in ragged
chunks (13 x 10 x 20 in 5 x 4 x 8), and a time coordinate whose calendar and units cycle through
standard, proleptic_gregorian, noleap, all_leap and 360_day. Extra stores: missing chunks (v2, v3),
a curvilinear grid with 2-D `nav_lat`/`nav_lon`, a descending latitude, undecodable time units,
and one 10^7-element float32 store for the precision check.
"""

from __future__ import annotations

import dataclasses
import json
import os
import warnings
from pathlib import Path

import numcodecs
import numpy as np
import xarray as xr
from zarr.codecs import BloscCodec, GzipCodec, ZstdCodec

NT, NLAT, NLON = 13, 10, 20
CHUNKS = (5, 4, 8)
CALENDARS = ["standard", "proleptic_gregorian", "noleap", "all_leap", "360_day"]
UNITS = ["days since 2000-01-01", "hours since 1900-01-01 00:00:00"]
PACKINGS = ["sst", "sst_fill", "sst_packed", "sst_f64"]


@dataclasses.dataclass
class Store:
    """One fixture store: its id, path, format and what the case builder should know about it."""

    id: str
    path: Path
    zarr_format: int
    calendar: str
    units: str
    kind: str = "matrix"  # matrix | missing | curvilinear | descending | bad-time | big | climate


def _codecs(zarr_format: int) -> dict[str, dict]:
    """The `encoding` fragment for each codec name, for one Zarr format."""
    if zarr_format == 2:
        return {
            "blosc-lz4-shuffle": {"compressors": [numcodecs.Blosc("lz4", 5, numcodecs.Blosc.SHUFFLE)]},
            "blosc-zstd-bitshuffle": {
                "compressors": [numcodecs.Blosc("zstd", 3, numcodecs.Blosc.BITSHUFFLE)]
            },
            "zstd": {"compressors": [numcodecs.Zstd(level=3)]},
            "gzip": {"compressors": [numcodecs.GZip(level=5)]},
            "zlib": {"compressors": [numcodecs.Zlib(level=5)]},
            "none": {"compressors": None},
        }
    return {
        "blosc-lz4-shuffle": {"compressors": [BloscCodec(cname="lz4", clevel=5, shuffle="shuffle")]},
        "blosc-zstd-bitshuffle": {
            "compressors": [BloscCodec(cname="zstd", clevel=3, shuffle="bitshuffle")]
        },
        "zstd": {"compressors": [ZstdCodec(level=3)]},
        "gzip": {"compressors": [GzipCodec(level=5)]},
        "none": {"compressors": None},
        "sharded-zstd": {"compressors": [ZstdCodec(level=3)], "shards": (10, 8, 16)},
    }


def time_values(calendar: str, units: str, n: int = NT) -> np.ndarray:
    """Raw time numbers for a store; the standard/days store uses month starts of 2000 so that
    label selection by ISO date finds exact matches."""
    if units.startswith("days") and calendar == "standard":
        starts = np.array([f"2000-{m:02d}-01" for m in range(1, 13)] + ["2001-01-01"], "datetime64[D]")
        return (starts[:n] - np.datetime64("2000-01-01", "D")).astype("float64")
    if units.startswith("days"):
        return np.arange(n) * 29.5  # fractional days: noon every other step
    return np.arange(n) * 24.0 * 15 + 6.0  # 06:00 every 15 days, crossing 1900-02-28


def field(rng: np.random.Generator, lat: np.ndarray, lon: np.ndarray, nt: int = NT) -> np.ndarray:
    """A plausible SST-like float64 field (time, lat, lon) with land and cloud NaNs."""
    t = np.arange(nt)[:, None, None]
    la = np.deg2rad(lat)[None, :, None]
    lo = np.deg2rad(lon)[None, None, :]
    values = (
        20.0
        + 8.0 * np.cos(3 * la)
        + 3.0 * np.sin(2 * np.pi * t / 12) * np.sin(la)
        + 1.5 * np.sin(4 * lo)
        + rng.normal(0.0, 0.5, (nt, lat.size, lon.size))
    )
    land = (lon[None, :] > 230) & (lat[:, None] > 8)
    land |= (np.abs(lat[:, None] + 12.5) < 1) & (np.abs(lon[None, :] - 175.5) < 6)
    values[:, land] = np.nan
    values[rng.random(values.shape) < 0.03] = np.nan  # clouds: NaN at single times
    return values


def dataset(seed: int, calendar: str, units: str, descending_lat: bool = False) -> xr.Dataset:
    """The matrix dataset: four packings of one field, a 2-D climatology, CF time."""
    rng = np.random.default_rng(seed)
    lat = np.linspace(-22.5, 22.5, NLAT)
    if descending_lat:
        lat = lat[::-1].copy()
    lon = 150.5 + 5.0 * np.arange(NLON)
    values = field(rng, lat, lon)
    dims = ("time", "lat", "lon")
    attrs = {"units": "degC", "standard_name": "sea_surface_temperature"}
    time = xr.Variable("time", time_values(calendar, units), {"units": units, "calendar": calendar})
    return xr.Dataset(
        {
            "sst": (dims, values.astype("float32"), attrs),
            "sst_fill": (dims, values.astype("float32"), attrs),
            "sst_packed": (dims, values, attrs),
            "sst_f64": (dims, np.nan_to_num(values, nan=17.25), attrs),
            "clim": (("lat", "lon"), _nanmean_time(values).astype("float32"), attrs),
        },
        coords={
            "time": time,
            "lat": ("lat", lat, {"units": "degrees_north", "standard_name": "latitude"}),
            "lon": ("lon", lon, {"units": "degrees_east", "standard_name": "longitude"}),
        },
        attrs={"title": "Nereus oracle fixture", "seed": seed},
    )


def _nanmean_time(values: np.ndarray) -> np.ndarray:
    """Mean over time ignoring NaN; NaN (quietly) where every step is NaN."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(values, axis=0)


def encoding(ds: xr.Dataset, codec: dict, chunks=CHUNKS) -> dict:
    """Per-variable encodings: the codec everywhere, plus the packing of each variant."""
    enc = {}
    for name, var in ds.variables.items():
        e = dict(codec)
        if "shards" in e and var.ndim != 3:
            del e["shards"]
        e["chunks"] = tuple(min(c, s) for c, s in zip(chunks[-var.ndim :], var.shape)) if var.ndim else ()
        if var.ndim == 1:
            e["chunks"] = var.shape
        enc[name] = e
    if "sst_fill" in enc:
        enc["sst_fill"] |= {"_FillValue": np.float32(-999.0), "dtype": "float32"}
        enc["sst_packed"] |= {
            "dtype": "int16",
            "scale_factor": 0.01,
            "add_offset": 20.0,
            "_FillValue": np.int16(-32767),
        }
    return enc


def _write(ds: xr.Dataset, path: Path, zarr_format: int, enc: dict) -> None:
    with warnings.catch_warnings():
        # zarr-python warns that v3 consolidated metadata is not in the spec yet; we want it.
        warnings.filterwarnings("ignore", message="Consolidated metadata", category=UserWarning)
        ds.to_zarr(path, mode="w", zarr_format=zarr_format, consolidated=True, encoding=enc)


def _delete_chunks(path: Path, zarr_format: int, var: str, keys: list[tuple[int, ...]]) -> list[str]:
    """Removes chunk files so they read as the fill value; returns the removed keys."""
    removed = []
    for key in keys:
        rel = ".".join(map(str, key)) if zarr_format == 2 else "c/" + "/".join(map(str, key))
        os.remove(path / var / rel)
        removed.append(f"{var}/{rel}")
    return removed


def write_all(root: Path) -> list[Store]:
    """Writes every fixture store under `root` and returns their descriptions."""
    root.mkdir(parents=True, exist_ok=True)
    stores: list[Store] = []
    combo = 0
    for zarr_format in (2, 3):
        for codec_name, codec in _codecs(zarr_format).items():
            calendar = CALENDARS[combo % len(CALENDARS)]
            units = UNITS[combo % len(UNITS)]
            if (zarr_format, codec_name) == (2, "blosc-zstd-bitshuffle"):
                calendar, units = "standard", UNITS[0]  # the main store for operation cases
            descending = (zarr_format, codec_name) == (3, "gzip")
            sid = f"v{zarr_format}-{codec_name}"
            path = root / f"{sid}.zarr"
            ds = dataset(100 + combo, calendar, units, descending_lat=descending)
            _write(ds, path, zarr_format, encoding(ds, codec))
            stores.append(Store(sid, path, zarr_format, calendar, units, "descending" if descending else "matrix"))
            combo += 1

    for zarr_format in (2, 3):
        sid = f"v{zarr_format}-missing-chunks"
        path = root / f"{sid}.zarr"
        ds = dataset(300 + zarr_format, "noleap", UNITS[0])
        _write(ds, path, zarr_format, encoding(ds, _codecs(zarr_format)["zstd"]))
        _delete_chunks(path, zarr_format, "sst", [(0, 0, 0), (1, 2, 1), (2, 1, 2)])
        _delete_chunks(path, zarr_format, "sst_packed", [(0, 1, 1), (1, 1, 1)])
        stores.append(Store(sid, path, zarr_format, "noleap", UNITS[0], "missing"))

    stores.append(_curvilinear(root))
    stores.append(_bad_time(root))
    stores.append(_big(root))
    for calendar in ("standard", "noleap", "360_day"):
        stores.append(_climate(root, calendar))
    return stores


def _curvilinear(root: Path) -> Store:
    """A NEMO-like (time, y, x) store with 2-D nav_lat/nav_lon coordinates, noleap hourly time."""
    rng = np.random.default_rng(7)
    ny, nx, nt = 9, 14, 6
    j, i = np.meshgrid(np.arange(ny), np.arange(nx), indexing="ij")
    nav_lat = (30.0 + 1.5 * j + 0.3 * np.sin(i / 3)).astype("float32")
    nav_lon = (-60.0 + 2.0 * i - 0.4 * j).astype("float32")
    ssh = 0.5 * np.sin(nav_lon / 10.0)[None] * np.cos(np.arange(nt) / 2.0)[:, None, None]
    ssh = ssh + rng.normal(0, 0.05, ssh.shape)
    ssh[:, :3, :4] = np.nan  # land corner
    units = "hours since 1900-01-01 00:00:00"
    ds = xr.Dataset(
        {"ssh": (("time_counter", "y", "x"), ssh.astype("float32"), {"units": "m"})},
        coords={
            "time_counter": ("time_counter", 876_000.0 + np.arange(nt), {"units": units, "calendar": "noleap"}),
            "nav_lat": (("y", "x"), nav_lat, {"units": "degrees_north"}),
            "nav_lon": (("y", "x"), nav_lon, {"units": "degrees_east"}),
        },
    )
    path = root / "v2-curvilinear.zarr"
    enc = {
        "ssh": {"chunks": (4, 4, 5), "compressors": [numcodecs.Blosc("zstd", 5, numcodecs.Blosc.SHUFFLE)]},
        "nav_lat": {"chunks": (4, 5)},
        "nav_lon": {"chunks": (4, 5)},
    }
    ds.to_zarr(path, mode="w", zarr_format=2, consolidated=True, encoding=enc)
    return Store("v2-curvilinear", path, 2, "noleap", units, "curvilinear")


def _bad_time(root: Path) -> Store:
    """A store whose time units xarray cannot decode."""
    units = "fortnights since 2000-01-01"
    ds = xr.Dataset(
        {"sst": (("time", "lat"), np.ones((3, 2), "float32"))},
        coords={"time": ("time", [0.0, 1.0, 2.0], {"units": units, "calendar": "standard"})},
    )
    path = root / "v2-bad-time-units.zarr"
    ds.to_zarr(path, mode="w", zarr_format=2, consolidated=True)
    return Store("v2-bad-time-units", path, 2, "standard", units, "bad-time")


def _big(root: Path) -> Store:
    """10^7 float32 values, normal(0, 1) + 1000, seeded: the summation-precision check."""
    rng = np.random.default_rng(2024)
    shape = (100, 400, 250)
    big = (rng.standard_normal(shape, dtype="float32") + np.float32(1000.0)).astype("float32")
    ds = xr.Dataset(
        {"big": (("time", "lat", "lon"), big)},
        coords={"lat": np.arange(400.0), "lon": np.arange(250.0)},
    )
    path = root / "v2-big.zarr"
    enc = {"big": {"chunks": (10, 100, 250), "compressors": [numcodecs.Blosc("lz4", 1, numcodecs.Blosc.SHUFFLE)]}}
    ds.to_zarr(path, mode="w", zarr_format=2, consolidated=True, encoding=enc)
    return Store("v2-big", path, 2, "", "", "big")


def _climate(root: Path, calendar: str) -> Store:
    """A 6-hourly (time, lat, lon) store over two years and a bit, with a seasonal cycle,
    noise and NaN, chunked so that months, seasons and rolling windows straddle chunks."""
    rng = np.random.default_rng(len(calendar))
    nt = 4 * 365 * 2 + 44
    lat = np.array([-10.0, 0.0, 10.0])
    lon = np.array([200.0, 210.0, 220.0, 230.0])
    days = np.arange(nt) / 4.0
    cycle = 5.0 * np.sin(2 * np.pi * days / 365.0)[:, None, None]
    values = 20.0 + cycle + np.cos(np.deg2rad(lat))[None, :, None] + rng.normal(0, 1.0, (nt, 3, 4))
    values[rng.random(values.shape) < 0.05] = np.nan
    units = "hours since 2000-01-01"
    ds = xr.Dataset(
        {"tas": (("time", "lat", "lon"), values.astype("float32"), {"units": "degC"})},
        coords={
            "time": ("time", 6.0 * np.arange(nt) + 3.0, {"units": units, "calendar": calendar}),
            "lat": ("lat", lat, {"units": "degrees_north"}),
            "lon": ("lon", lon, {"units": "degrees_east"}),
        },
    )
    sid = f"v2-climate-{calendar}"
    path = root / f"{sid}.zarr"
    enc = {"tas": {"chunks": (97, 2, 3), "compressors": [numcodecs.Zstd(level=3)]}}
    ds.to_zarr(path, mode="w", zarr_format=2, consolidated=True, encoding=enc)
    return Store(sid, path, 2, calendar, units, "climate")


def describe(stores: list[Store]) -> str:
    """A JSON summary of the stores (for debugging fixture runs)."""
    return json.dumps([dataclasses.asdict(s) | {"path": str(s.path)} for s in stores], indent=1)
