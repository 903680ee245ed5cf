#!/usr/bin/env python3
"""Repr time of a dataset with 1, 50 and 5,000 variables: Nereus vs xarray's ``_repr_html_``.

For each case xarray writes a Zarr store (format 2, consolidated; metadata only: the repr reads
no chunk, so none is written) with that many float32 ``(time, lat, lon)`` variables, attributes
on each, and time/lat/lon index coordinates. Then:

- Nereus: kernel/benches/repr.rs opens the store once and times displaying ``ds`` (the full
  MIME bundle: text/plain and text/html), median of ``--nereus-runs``.
- xarray: ``xr.open_zarr(store)`` once, then ``ds._repr_html_()`` timed the same way (the
  HTML, which embeds the text repr as its fallback), in this interpreter.

Prints a Markdown table (median ms and HTML size for each) and the DESIGN.md target (a
50-variable dataset under 2 ms). Run with ``make bench`` (see the Makefile) or directly with
the project venv's python. Never part of ``make test``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import dask.array as da
import numpy as np
from benchlib import bench_binary
import pandas as pd
import xarray as xr

ROOT = Path(__file__).resolve().parent.parent
CASES = (1, 50, 5000)
TARGET_MS = 2.0  # DESIGN.md: HTML repr of a 50-variable dataset under 2 ms


def write_store(path: Path, n_vars: int) -> None:
    """A store of ``n_vars`` lazy variables; only metadata is written (compute=False)."""
    shape, chunks = (365, 180, 360), (73, 90, 90)
    coords = {
        "time": pd.date_range("2000-01-01", periods=shape[0], freq="D"),
        "lat": np.linspace(-89.5, 89.5, shape[1]),
        "lon": np.linspace(0.5, 359.5, shape[2]),
    }
    data = {
        f"var{i:04d}": (("time", "lat", "lon"),
                        da.zeros(shape, chunks=chunks, dtype="float32"),
                        {"units": "K", "long_name": f"variable number {i}"})
        for i in range(n_vars)
    }
    ds = xr.Dataset(data, coords=coords, attrs={"title": f"{n_vars} variables"})
    ds.to_zarr(path, mode="w", zarr_format=2, consolidated=True, compute=False)


def time_xarray(store: Path, runs: int) -> tuple[float, int]:
    ds = xr.open_zarr(store)
    html = ds._repr_html_()  # warm caches (xarray's static CSS) before timing
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        html = ds._repr_html_()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times), len(html)


def time_nereus(binary: Path, store: Path, runs: int) -> dict:
    proc = subprocess.run([str(binary), "--store", str(store), "--runs", str(runs)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{binary} failed ({proc.returncode}):\n{proc.stderr}{proc.stdout}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def size(n: int) -> str:
    return f"{n / 1e3:.0f} kB" if n >= 1000 else f"{n} B"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50,
                        help="timed xarray reprs per case (default 50; a tenth for 5,000)")
    parser.add_argument("--nereus-runs", type=int, default=500,
                        help="timed Nereus reprs per case (default 500: a median of many "
                             "sub-millisecond runs is steadier on a shared machine)")
    args = parser.parse_args()
    binary = bench_binary("repr", "nereus")
    rows = []
    with tempfile.TemporaryDirectory(prefix="nereus-bench-repr-") as tmp:
        for n in CASES:
            store = Path(tmp) / f"vars{n}.zarr"
            print(f"writing {n}-variable store ...", file=sys.stderr)
            write_store(store, n)
            # Fewer runs for the big case: xarray takes seconds per repr there.
            runs = args.runs if n < 1000 else max(3, args.runs // 10)
            ours = time_nereus(binary, store, args.nereus_runs if n < 1000 else 50)
            theirs_ms, theirs_bytes = time_xarray(store, runs)
            rows.append((n, ours, theirs_ms, theirs_bytes))
    print()
    print("### Dataset repr (display of `ds`), Nereus vs xarray `_repr_html_`")
    print()
    print(f"- machine: {platform.machine()}, {os.cpu_count()} cpus; Python "
          f"{platform.python_version()}, xarray {xr.__version__}")
    print("- Nereus: text/plain + text/html bundle; xarray: `_repr_html_()` (HTML with text "
          "fallback); medians")
    print()
    print("| variables | Nereus ms | xarray ms | speed-up | Nereus HTML | xarray HTML |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n, ours, theirs_ms, theirs_bytes in rows:
        print(f"| {n} | {ours['median_ms']:.3f} | {theirs_ms:.2f} | "
              f"{theirs_ms / max(ours['median_ms'], 1e-9):.0f}x | {size(ours['html_bytes'])} | "
              f"{size(theirs_bytes)} |")
    print()
    fifty = next(ours for n, ours, _, _ in rows if n == 50)
    met = "yes" if fifty["median_ms"] < TARGET_MS else "**no**"
    print("| target (DESIGN.md) | measured | met |")
    print("|---|---:|:---:|")
    print(f"| 50-variable dataset repr < {TARGET_MS:.0f} ms | {fifty['median_ms']:.3f} ms | {met} |")


if __name__ == "__main__":
    main()
