"""The oracle's sweep of CF time decoding: a few hundred tiny stores, each with a 1-D `time`
coordinate stored as raw numbers, and the dates xarray decodes from them.

Every store holds `time(time)` (6-30 raw numbers with `units` and, in most stores, `calendar`)
and a float32 `v(time)` with a few NaN. The sweep covers:

- units days .. microseconds (and nanoseconds for int64 near 2**62), against reference dates
  padded and unpadded, before 1582 and 1678, after 2262, with a `T`, and with time zone offsets;
- stored dtypes int8 .. uint64, float32 and float64, every calendar CF names (and none given);
- dates before 1678, after 2262, before 1582-10-15 and straddling each, negative offsets;
- `_FillValue` on int and float times, NaN, and int16/int32 packed with scale_factor/add_offset;
- groupby month/season/dayofyear on `v` for six calendars, and a CESM2-like monthly `tos`.

The expected dates are xarray's (`xr.open_zarr(store).time.values`), as canonical strings:
`np.datetime_as_string(unit="ns")` for datetime64, `YYYY-MM-DDTHH:MM:SS.ffffff` from cftime's
fields for cftime objects (its own year numbering: no year 0 in standard/julian), "NaT" for missing.

One known xarray bug is worked around: when xarray decodes through cftime (other calendars, or
standard dates it cannot hold in datetime64[ns]) and some times are missing, it returns the
reference date for NaN, raises for an integer `_FillValue`, or (standard calendar, NaN with
out-of-range dates) skips its range check and wraps valid dates. The expectation of such a store
is xarray's decoding of its valid values alone (the same decoder on the same attributes, checked
equal to the store's decoding on every store without missing values) with "NaT" where a value is
missing, and `"xarray_bug": "missing cftime values"` in `expect`. A second bug gets the same
treatment with `"xarray_bug": "uint64 _FillValue not masked"`: xarray compares a uint64 time's
`_FillValue` with the values already cast to int64, so 2**64-1 decodes as -1 unit, not NaT.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from pathlib import Path
from typing import Any

import cftime
import numpy as np
import xarray as xr

from oracle import stores as S

CALENDARS: list[str | None] = ["standard", "gregorian", "proleptic_gregorian", "noleap", "365_day",
                               "all_leap", "366_day", "360_day", "julian", None]
UNITS = ["days", "hours", "minutes", "seconds", "milliseconds", "microseconds"]
REFS = [
    "1970-01-01",
    "2000-01-01 00:00:00",
    "0001-01-01 00:00:00",  # CESM
    "1-1-1",  # unpadded
    "1850-01-01",
    "1500-06-15",  # before 1582 and 1678
    "2300-01-01",  # after 2262
    "1979-01-01T06:30:00",
    "2000-01-01 00:00:00 +05:00",
    "2000-01-01 00:00:00 -0330",
    "1000-01-01",
]
DTYPES = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64"]
SECONDS = {"days": 86400.0, "hours": 3600.0, "minutes": 60.0, "seconds": 1.0, "milliseconds": 1e-3,
           "microseconds": 1e-6, "nanoseconds": 1e-9}
FRACTIONS = [0.0, 0.5, 0.25, 0.1, 1 / 3, 0.75]
BUG = "missing cftime values"
BUG_U64 = "uint64 _FillValue not masked"
GROUP_CALENDARS = ["standard", "proleptic_gregorian", "noleap", "all_leap", "360_day", "julian"]


@dataclasses.dataclass
class Spec:
    """One time store: raw stored numbers (missing entries hold the fill, or NaN) and attributes."""

    name: str
    units: str
    calendar: str | None
    raw: np.ndarray
    fill: Any = None  # `_FillValue` in the encoding
    scale_factor: float | None = None
    add_offset: float | None = None
    kind: str = "grid"
    error: list[str] | None = None  # xarray must fail; the error must contain these
    zarr_format: int = 0  # 0: alternate by position

    @property
    def missing(self) -> np.ndarray:
        raw = self.raw
        miss = np.isnan(raw) if raw.dtype.kind == "f" else np.zeros(raw.shape, bool)
        if self.fill is not None:
            miss |= raw == self.fill
        return miss

    def attrs(self) -> dict:
        attrs: dict[str, Any] = {"units": self.units}
        if self.calendar is not None:
            attrs["calendar"] = self.calendar
        if self.scale_factor is not None:
            attrs["scale_factor"] = self.scale_factor
            attrs["add_offset"] = self.add_offset
        return attrs


@dataclasses.dataclass
class _Named:
    """What `Builder.error` needs of a store: an id (the case id's prefix) and a path."""

    id: str
    path: Path


def _cal_name(calendar: str | None) -> str:
    return "nocal" if calendar is None else calendar.replace("_", "")


def _ref_name(i: int) -> str:
    return f"r{i}"


# -- raw values ---------------------------------------------------------------------------------

def ramp(dtype: str, unit: str, n: int, variant: int) -> np.ndarray:
    """`n` increasing raw numbers of `dtype` in `unit`: negative offsets for signed types,
    fractional parts for floats, steps from hours to a year, always within the dtype."""
    dt = np.dtype(dtype)
    spacing = [9.5 * 86400, 6 * 3600, 365.25 * 86400, 1.5 * 3600, 40 * 86400][variant % 5]
    step = spacing / SECONDS[unit]
    if dt.kind in "iu":
        info = np.iinfo(dt)
        lo, hi = int(info.min), int(info.max)
        istep = max(1, min(int(round(step)), (hi - lo) // (n + 1)))
        start = -istep * (n // 3) if dt.kind == "i" else istep * (variant % 3)
        start = min(max(start, lo), hi - istep * (n - 1))
        values = [start + istep * i for i in range(n)]
        assert lo <= values[0] and values[-1] <= hi, (dtype, unit, values)
        return np.array(values, dtype=dt)
    fstep = float(round(step)) if step >= 1 else step
    base = (np.arange(n) - n // 3) * fstep
    frac = np.array([FRACTIONS[(i + variant) % len(FRACTIONS)] for i in range(n)])
    return (base + frac).astype(dt)


def _date2num(dates, units: str, calendar: str) -> np.ndarray:
    return np.asarray(cftime.date2num(dates, units, calendar=calendar), dtype="float64")


def _julian_reform_hours() -> float:
    """Hours from 1500-06-15 to 1582-10-01 in the Julian calendar (= the standard one then)."""
    return float(cftime.date2num(cftime.datetime(1582, 10, 1, calendar="julian"), "hours since 1500-06-15", calendar="julian"))


def _noleap_midmonths(n: int) -> np.ndarray:
    """Mid-month noleap day counts since 0001-01-01 from 2001-05 (730135.5, 730166.0, ...)."""
    out = []
    for k in range(n):
        y, m = 2001 + (4 + k) // 12, (4 + k) % 12 + 1
        start = cftime.datetime(y, m, 1, calendar="noleap")
        end = cftime.datetime(y + m // 12, m % 12 + 1, 1, calendar="noleap")
        a, b = _date2num([start, end], "days since 0001-01-01 00:00:00", "noleap")
        out.append((a + b) / 2)
    return np.array(out)


def _with_missing(values: np.ndarray, positions: list[int], fill=None) -> np.ndarray:
    out = values.copy()
    for p in positions:
        out[p] = np.nan if fill is None else fill
    return out


# -- the sweep ------------------------------------------------------------------------------------

def specs() -> list[Spec]:
    """Every time store of the sweep (the grouping and CESM stores are separate)."""
    out: list[Spec] = []
    # A: every reference date with every calendar (dtype and unit rotate: each calendar sees
    # every dtype and every unit).
    for ci, cal in enumerate(CALENDARS):
        for ri, ref in enumerate(REFS):
            dtype = DTYPES[(ri + 3 * ci) % len(DTYPES)]
            unit = UNITS[(ri + ci) % len(UNITS)]
            n = 6 + (ci * 5 + ri * 3) % 25
            out.append(Spec(f"grid-{_cal_name(cal)}-{_ref_name(ri)}-{unit}-{dtype}", f"{unit} since {ref}", cal,
                            ramp(dtype, unit, n, ci + ri), zarr_format=2 + (ci + ri) % 2))
    # B: every unit with every dtype.
    for ui, unit in enumerate(UNITS):
        for di, dtype in enumerate(DTYPES):
            cal = CALENDARS[(ui + 3 * di) % len(CALENDARS)]
            ri = (2 * ui + di) % len(REFS)
            n = 6 + (ui * 7 + di * 3) % 25
            out.append(Spec(f"unitdtype-{unit}-{dtype}-{_cal_name(cal)}-{_ref_name(ri)}", f"{unit} since {REFS[ri]}", cal,
                            ramp(dtype, unit, n, ui + 2 * di + 1), kind="unitdtype", zarr_format=2 + (ui + di) % 2))
    reform = _julian_reform_hours()
    midmonths = _noleap_midmonths(14)
    for ci, cal in enumerate(CALENDARS):
        first = len(out)
        c = _cal_name(cal)
        fr = np.array(FRACTIONS * 3)
        # C: dates out of datetime64[ns] range, around the Gregorian reform, negative offsets.
        out += [
            Spec(f"before1678-{c}", "days since 1970-01-01", cal, -125000 + 730.5 * np.arange(8) + fr[:8], kind="range"),
            Spec(f"straddle1678-{c}", "hours since 1970-01-01 00:00:00", cal,
                 np.arange(-2_700_000, -2_390_000, 40_000, dtype="int64"), kind="range"),
            Spec(f"after2262-{c}", "minutes since 2000-01-01 00:00:00", cal,
                 np.arange(150_000_000, 200_000_000, 5_000_000, dtype="int64"), kind="range"),
            Spec(f"straddle2262-{c}", "seconds since 2000-01-01 00:00:00", cal,
                 8.2e9 + 2.5e7 * np.arange(9) + fr[:9], kind="range"),
            Spec(f"before1582-{c}", "days since 1500-06-15", cal, np.arange(0, 30_000, 2_900, dtype="int32"), kind="range"),
            Spec(f"straddle1582-{c}", "hours since 1500-06-15", cal,
                 (reform + 18 * np.arange(18)).astype("int32"), kind="range"),
            Spec(f"negative-{c}", "seconds since 2300-01-01", cal,
                 np.linspace(-1.2e10, 0, 12).astype("int64"), kind="range"),
            Spec(f"straddleall-{c}", "days since 1970-01-01", cal,
                 np.linspace(-150_000, 150_000, 10) + fr[:10], kind="range"),
        ]
        # D: missing times.
        idt = ["int16", "int32", "int64", "uint16", "uint32", "int8", "uint8", "uint64", "int32", "int16"][ci]
        ifill = np.iinfo(idt).max if idt.startswith("u") else (-128 if idt == "int8" else -9999)
        unit = UNITS[ci % len(UNITS)]
        iv = ramp(idt, unit, 12, ci)
        iv = iv[iv != ifill]
        where = [[2, len(iv) - 1], [0, 3], [1, 4, 5]][ci % 3]
        out.append(Spec(f"fillint-{c}-{unit}-{idt}", f"{unit} since 2000-01-01 00:00:00", cal,
                        _with_missing(iv, where, np.array(ifill, idt)), fill=np.array(ifill, idt).item(), kind="fill"))
        fdt = ["float32", "float64"][ci % 2]
        ffill = [-9999.0, 1.0e20][(ci // 2) % 2]
        fv = ramp(fdt, UNITS[(ci + 2) % len(UNITS)], 10, ci)
        out.append(Spec(f"fillfloat-{c}-{fdt}", f"{UNITS[(ci + 2) % len(UNITS)]} since 1850-01-01", cal,
                        _with_missing(fv, [[3], [0, 6], [4, 9]][ci % 3]).astype(fdt), fill=ffill, kind="fill"))
        nv = ramp(["float64", "float32"][ci % 2], "hours", 11, ci + 1)
        out.append(Spec(f"nan-{c}", "hours since 1970-01-01", cal, _with_missing(nv, [[5], [0, 1], [10]][ci % 3]), kind="fill"))
        out.append(Spec(f"nanrange-{c}", "days since 1970-01-01", cal,
                        _with_missing(np.linspace(-150_000, 150_000, 13) + fr[:13], [[6], [2, 9], [11]][ci % 3]), kind="fill"))
        out.append(Spec(f"nanref0001-{c}", "days since 0001-01-01 00:00:00", cal, _with_missing(midmonths[:12], [4, 7]), kind="fill"))
        # E: packed times.
        out.append(Spec(f"packed16-{c}", "days since 1850-01-01", cal, (np.arange(13) * 300 - 3000).astype("int16"),
                        scale_factor=0.125, add_offset=54000.0, kind="packed"))
        out.append(Spec(f"packed32-{c}", "hours since 1970-01-01 00:00:00", cal, (np.arange(9) * 4001 - 20000).astype("int32"),
                        scale_factor=0.5, add_offset=260000.0, kind="packed"))
        out.append(Spec(f"packedfill-{c}", "days since 1970-01-01", cal,
                        _with_missing((np.arange(10) * 411 - 2000).astype("int16"), [2, 6], np.int16(-32767)),
                        fill=-32767, scale_factor=0.25, add_offset=10000.0, kind="packed"))
        # F: CESM-style mid-month float64 day counts since 0001-01-01.
        out.append(Spec(f"midmonth-{c}", "days since 0001-01-01 00:00:00", cal, midmonths.copy(), kind="midmonth"))
        # G: int64 near 2**62 microseconds (exact in float64, which xarray's cftime path goes through).
        big = np.array([-(2**61) - 2**50, -(2**40), 0, 2**40 + 2**20, 2**61, 2**62 - 2**30, 2**62], dtype="int64")
        out.append(Spec(f"int64us2e62-{c}", "microseconds since 1970-01-01", cal, big, kind="int64"))
        for j, spec in enumerate(out[first:]):  # each kind of store in both formats across calendars
            spec.zarr_format = 2 + (ci + j) % 2
    ns = np.array([-(2**62) + 12345, -(2**40) + 7, 0, 123456789, 2**62 - 987654321, 2**62 + 1, 2**62 + 99], dtype="int64")
    for cal, ref in (("standard", "1970-01-01"), ("gregorian", "2000-01-01 00:00:00"), ("proleptic_gregorian", "1970-01-01"),
                     (None, "1979-01-01T06:30:00")):
        out.append(Spec(f"int64ns2e62-{_cal_name(cal)}", f"nanoseconds since {ref}", cal, ns.copy(), kind="int64"))
    # xarray compares a uint64 fill value with the values cast to int64: it never matches.
    u64 = np.array([0, 7, 2**64 - 1, 30, 41, 2**64 - 1, 60], dtype="uint64")
    out.append(Spec("fillint-standard-uint64", "hours since 2000-01-01 00:00:00", "standard", u64, fill=2**64 - 1, kind="fill"))
    # H: errors xarray raises.
    out.append(Spec("int64ns2e62-noleap", "nanoseconds since 1970-01-01", "noleap", ns.copy(), kind="error", error=["time"]))
    out.append(Spec("calnone-int32", "days since 2000-01-01", "none", np.arange(0, 60, 6, dtype="int32"), kind="error",
                    error=["calendar", "none"]))
    out.append(Spec("calnone-float64", "hours since 1-1-1", "none", np.arange(8) * 1.5, kind="error", error=["calendar", "none"]))
    out.append(Spec("uint64overflow", "microseconds since 1970-01-01", "standard",
                    np.array([0, 2**40, 2**62, 2**63 + 5, 2**63 + 2**62, 2**64 - 1], dtype="uint64"),
                    kind="error", error=["time"]))
    return out


# -- expectations ---------------------------------------------------------------------------------

def canonical(values: np.ndarray) -> list[str]:
    """The canonical strings of decoded times (see the module docstring)."""
    flat = np.asarray(values).ravel()
    if flat.dtype.kind == "M":
        return [str(s) for s in np.datetime_as_string(flat.astype("datetime64[ns]"), unit="ns")]
    out = []
    for v in flat:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            out.append("NaT")
            continue
        if not hasattr(v, "microsecond"):
            raise TypeError(f"not a date: {v!r}")
        y = f"{v.year:04d}" if v.year >= 0 else f"-{-v.year:04d}"
        out.append(f"{y}-{v.month:02d}-{v.day:02d}T{v.hour:02d}:{v.minute:02d}:{v.second:02d}.{v.microsecond:06d}")
    return out


def calendar_of(values: np.ndarray) -> str:
    """"datetime64", or the cftime objects' calendar."""
    flat = np.asarray(values).ravel()
    if flat.dtype.kind == "M":
        return "datetime64"
    for v in flat:
        if hasattr(v, "calendar"):
            return str(v.calendar)
    raise AssertionError("no cftime object among the decoded times")


def _decode_valid(spec: Spec) -> np.ndarray:
    """xarray's decoding of the valid raw values alone, with NaT (None) where a value is missing."""
    miss = spec.missing
    ds = xr.Dataset(coords={"time": ("time", spec.raw[~miss], spec.attrs())})
    valid = xr.decode_cf(ds).time.values
    if not miss.any():
        return valid
    if valid.dtype.kind == "M":
        full = np.full(spec.raw.shape, np.datetime64("NaT"), dtype=valid.dtype)
    else:
        full = np.full(spec.raw.shape, None, dtype=object)
    full[~miss] = valid
    return full


def expectation(spec: Spec, path: Path) -> dict | None:
    """The `expect` of a store's decoded time, or None when xarray rightly fails."""
    try:
        direct = xr.open_zarr(path).time.values
    except Exception:  # noqa: BLE001 - ValueError, OverflowError, OutOfBoundsDatetime...
        direct = None
    miss = spec.missing
    if not miss.any():
        if direct is None:
            return None
        alt = _decode_valid(spec)
        if (alt.dtype, canonical(alt)) != (direct.dtype, canonical(direct)):
            raise AssertionError(f"{spec.name}: decoding the values alone differs from decoding the store")
        values, bug = direct, False
    else:
        alt = _decode_valid(spec)
        try:
            same = direct is not None and (alt.dtype, canonical(alt)) == (direct.dtype, canonical(direct))
        except TypeError:  # xarray returned ints among the dates
            same = False
        values, bug = (direct, False) if same else (alt, True)
    n = int(spec.raw.size)
    expect = {"dims": ["time"], "shape": [n], "dtype": str(values.dtype), "times": canonical(values),
              "calendar": calendar_of(values)}
    if bug:
        expect["xarray_bug"] = BUG_U64 if spec.raw.dtype == np.uint64 and spec.fill is not None else BUG
    return expect


# -- writing ------------------------------------------------------------------------------------

def _data(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    v = (10.0 + np.sin(np.arange(n) / 3.0) + rng.normal(0, 0.1, n)).astype("float32")
    v[[1, n // 2]] = np.nan
    return v


def _write(ds: xr.Dataset, path: Path, zarr_format: int, encoding: dict) -> None:
    ds.to_zarr(path, mode="w", zarr_format=zarr_format, consolidated=True, encoding=encoding)


def write_spec(spec: Spec, path: Path, zarr_format: int, seed: int) -> None:
    """Writes one time store: the raw numbers verbatim (dtype, `_FillValue`, packing attrs)."""
    n = spec.raw.size
    enc: dict[str, Any] = {"dtype": spec.raw.dtype}
    if spec.fill is not None:
        enc["_FillValue"] = spec.fill
    ds = xr.Dataset({"v": ("time", _data(n, seed))},
                    coords={"time": xr.Variable("time", spec.raw, spec.attrs())})
    _write(ds, path, zarr_format, {"time": enc})


def _about(spec: Spec, zarr_format: int) -> dict:
    about = {"zarr_format": zarr_format, "units": spec.units, "calendar": spec.calendar,
             "dtype": str(spec.raw.dtype), "kind": spec.kind, "missing": int(spec.missing.sum())}
    if spec.fill is not None:
        about["_FillValue"] = float(spec.fill) if isinstance(spec.fill, float) else int(spec.fill)
    if spec.scale_factor is not None:
        about |= {"scale_factor": spec.scale_factor, "add_offset": spec.add_offset}
    return about


def _add_time_case(b, spec: Spec, path: Path, zarr_format: int) -> dict | None:
    """Appends the decode case (or the error case) of one store; returns its expectation."""
    expect = expectation(spec, path)
    if spec.error is not None or expect is None:
        if spec.error is None:
            raise AssertionError(f"{spec.name}: xarray fails to decode an intended store")
        if expect is not None:
            raise AssertionError(f"{spec.name}: xarray decodes an intended error")
        b.error(_Named("times", path), "time", spec.name, [], spec.error)
        b.cases[-1]["about"] = _about(spec, zarr_format)
        return None
    b.cases.append({"id": f"times-{spec.name}", "store": str(path), "var": "time", "ops": [], "expect": expect,
                    "about": _about(spec, zarr_format)})
    return expect


def group_specs() -> list[tuple[Spec, np.ndarray]]:
    """Two stores per calendar for groupby: one in 1678-2262, one in 0001-0002 or the 2300s;
    monthly (15th) or 10-day steps; `v` has NaN, and all of July is NaN in the modern store."""
    out = []
    for ci, cal in enumerate(GROUP_CALENDARS):
        c = _cal_name(cal)
        monthly_modern = cal in ("standard", "noleap", "360_day")
        if monthly_modern:
            units = "days since 1850-01-01"
            dates = [cftime.datetime(1995 + k // 12, k % 12 + 1, 15, calendar=cal) for k in range(48)]
            modern = _date2num(dates, units, cal)
        else:
            units = "days since 1970-01-01"
            modern = 9131.0 + 10.0 * np.arange(55)  # from 1995-01-01 (standard count), 10-day steps
        out.append((Spec(f"group-{c}-modern", units, cal, modern, kind="group"), _modern_months(modern, units, cal)))
        if monthly_modern:
            early = Spec(f"group-{c}-0001", "days since 0001-01-01 00:00:00", cal, 3.0 + 10.0 * np.arange(55), kind="group")
        else:
            dates = [cftime.datetime(2300 + k // 12, k % 12 + 1, 15, 12, calendar=cal) for k in range(48)]
            early = Spec(f"group-{c}-2300", "hours since 2300-01-01", cal, _date2num(dates, "hours since 2300-01-01", cal), kind="group")
        out.append((early, np.zeros(early.raw.size, bool)))
    return out


def _date_selections(values: np.ndarray) -> list[tuple[str, Any, str | None]]:
    """Date-string selections as notebooks write them, on a store's own years: a year or a
    month names the whole period (in a slice and alone), a full date one instant."""
    full = canonical(values[5:6])[0][:19]
    y = full[:4]
    # xarray's CFTimeIndex cannot take a string with method="nearest".
    nearest = [("nearest", f"{y}-06-20", "nearest")] if values.dtype.kind == "M" else []
    return nearest + [
        ("year-slice", {"slice": [y, y]}, None),
        ("month-slice", {"slice": [f"{y}-02", f"{y}-04"]}, None),
        ("open-slice", {"slice": [None, f"{y}-03"]}, None),
        ("month-label", full[:7], None),
        ("day-label", full[:10], None),
        ("full-label", full, None),
    ]


def _modern_months(raw: np.ndarray, units: str, calendar: str) -> np.ndarray:
    """Where the decoded month is July (those `v` are all NaN: an empty group)."""
    months = np.array([d.month for d in cftime.num2date(raw, units, calendar=calendar, only_use_cftime_datetimes=True)])
    return months == 7


def _group_data(n: int, seed: int, july: np.ndarray) -> np.ndarray:
    rng = np.random.default_rng(seed)
    v = (15.0 + 5.0 * np.sin(2 * np.pi * np.arange(n) / 12.0) + rng.normal(0, 1.0, n)).astype("float32")
    v[rng.random(n) < 0.15] = np.nan
    v[july] = np.nan
    return v


def _cesm(b, root: Path) -> None:
    """CESM2-like `tos(time, lat, lon)`: 180 months (16th 12:00, 2000-2014) as float64 noleap
    days since 0001-01-01, 1-degree grid, ~30% land NaN plus a few random NaN."""
    rng = np.random.default_rng(2)
    cal, units = "noleap", "days since 0001-01-01 00:00:00"
    dates = [cftime.datetime(2000 + k // 12, k % 12 + 1, 16, 12, calendar=cal) for k in range(180)]
    time = _date2num(dates, units, cal)
    lat = np.arange(-89.5, 90.0, 1.0)
    lon = np.arange(0.5, 360.0, 1.0)
    la, lo = np.meshgrid(np.deg2rad(lat), np.deg2rad(lon), indexing="ij")
    land = (np.sin(2 * lo) * np.cos(la) + 0.6 * np.sin(3 * la + lo) > 0.45) | (lat[:, None] < -78)
    month = np.arange(180) % 12
    tos = (28.0 * np.cos(la)[None] - 2.0 + 2.5 * np.sin(2 * np.pi * month / 12.0)[:, None, None] * np.sin(la)[None]
           + rng.normal(0, 0.3, (180, lat.size, lon.size))).astype("float32")
    tos[:, land] = np.nan
    tos[rng.random(tos.shape) < 0.002] = np.nan
    ds = xr.Dataset(
        {"tos": (("time", "lat", "lon"), tos, {"units": "degC", "standard_name": "sea_surface_temperature"})},
        coords={"time": ("time", time, {"units": units, "calendar": cal}),
                "lat": ("lat", lat, {"units": "degrees_north"}), "lon": ("lon", lon, {"units": "degrees_east"})},
    )
    path = root / "cesm2-tos.zarr"
    _write(ds, path, 2, {"tos": {"chunks": (12, 180, 360)}})
    spec = Spec("cesm2-tos", units, cal, time, kind="cesm")
    _add_time_case(b, spec, path, 2)
    store = S.Store("times-cesm2", path, 2, cal, units, "times")
    for func in ("count", "mean"):
        b.value(store, "tos", f"groupby-month-{func}", [{"op": "groupby", "key": "time.month", "func": func}])


def _bounds(b, root: Path) -> None:
    """CF cell boundaries without units of their own (`time:bounds = "time_bnds"`), as CMIP6
    stores them: xarray gives them the time variable's units and calendar and decodes them too."""
    for i, (cal, units, zarr_format) in enumerate([
        ("noleap", "days since 0001-01-01 00:00:00", 2),
        ("standard", "days since 1850-01-01", 3),
        ("360_day", "hours since 2300-01-01", 2),
    ]):
        n = 12
        step = 24.0 * 30 if units.startswith("hours") else 30.0
        edges = np.arange(n + 1) * step + (730_000.0 if "0001" in units else 0.0)
        time = (edges[:-1] + edges[1:]) / 2
        bnds = np.stack([edges[:-1], edges[1:]], axis=1)
        ds = xr.Dataset(
            {"v": ("time", _data(n, 90 + i)),
             "time_bnds": (("time", "nbnd"), bnds)},
            coords={"time": ("time", time, {"units": units, "calendar": cal, "bounds": "time_bnds"})},
        )
        path = root / f"bounds-{cal}.zarr"
        _write(ds, path, zarr_format, {})
        decoded = xr.open_zarr(path)
        for var in ("time", "time_bnds"):
            values = decoded[var].values
            b.cases.append({
                "id": f"times-bounds-{cal}-{var}", "store": str(path), "var": var, "ops": [],
                "expect": {"dims": list(decoded[var].dims), "shape": list(values.shape),
                           "dtype": str(values.dtype), "times": canonical(values),
                           "calendar": calendar_of(values)},
            })


def add_cases(b, root: Path) -> None:
    """Writes the time stores under `root` and appends their cases to `b` (a `fixtures.Builder`)."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SerializationWarning, v3 consolidated metadata, CFWarning
        for i, spec in enumerate(specs()):
            zarr_format = spec.zarr_format or 2 + i % 2
            path = root / f"{spec.name}.zarr"
            write_spec(spec, path, zarr_format, seed=i)
            _add_time_case(b, spec, path, zarr_format)
        for i, (spec, july) in enumerate(group_specs()):
            zarr_format = 2 + i % 2
            path = root / f"{spec.name}.zarr"
            ds = xr.Dataset({"v": ("time", _group_data(spec.raw.size, 50 + i, july))},
                            coords={"time": xr.Variable("time", spec.raw, spec.attrs())})
            _write(ds, path, zarr_format, {})
            _add_time_case(b, spec, path, zarr_format)
            store = S.Store(f"times-{spec.name}", path, zarr_format, spec.calendar or "", spec.units, "times")
            for key, func in (("month", "count"), ("season", "count"), ("dayofyear", "count"), ("month", "mean")):
                b.value(store, "v", f"groupby-{key}-{func}", [{"op": "groupby", "key": f"time.{key}", "func": func}])
            for name, indexers, method in _date_selections(xr.open_zarr(path).time.values):
                b.value(store, "v", f"sel-{name}", [{"op": "sel", "indexers": {"time": indexers}, "method": method}])
        _cesm(b, root)
        _bounds(b, root)


def summary(cases: list[dict]) -> str:
    """Counts of the time cases: stores, per calendar attribute, per stored dtype, decoded kind."""
    from collections import Counter

    timed = [c for c in cases if c["id"].startswith("times-") and "about" in c]
    decoded = [c for c in timed if "expect" in c]
    lines = [f"time stores: {len({c['store'] for c in cases if c['id'].startswith('times-')})}",
             f"time decode cases: {len(decoded)}, errors: {len(timed) - len(decoded)}, "
             f"xarray-bug cases: {sum('xarray_bug' in c['expect'] for c in decoded)}",
             f"other cases on time stores (groupby): {sum(1 for c in cases if c['id'].startswith('times-') and 'about' not in c)}"]
    kinds = Counter("datetime64" if c["expect"]["dtype"].startswith("datetime64") else "cftime" for c in decoded)
    lines.append(f"decoded as: {dict(kinds)}")
    lines.append(f"per calendar attribute: {dict(Counter(str(c['about']['calendar']) for c in timed))}")
    lines.append(f"per stored dtype: {dict(Counter(c['about']['dtype'] for c in timed))}")
    lines.append(f"per kind: {dict(Counter(c['about']['kind'] for c in timed))}")
    lines.append(f"decoded calendar: {dict(Counter(c['expect']['calendar'] for c in decoded))}")
    return "\n".join(lines)
