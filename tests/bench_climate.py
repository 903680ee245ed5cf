#!/usr/bin/env python3
"""Climate pipelines on the large sample data: Nereus vs xarray + dask, the same code text.

Each case is one snippet of xarray code, run unchanged by both tools, each in its own process:

- Nereus: kernel/benches/pipeline.rs runs the snippet as one cell of the cell language.
- xarray + dask: ``exec`` of the snippet in the pinned venv (this interpreter), with the threaded
  scheduler and the same number of workers.

Every snippet ends by writing its result with ``to_zarr``; before timing, both results are read
back with xarray and must agree (rtol 1e-5, atol 1e-5 of the largest magnitude, NaN positions
equal), or the benchmark stops. Wall time covers opening the store, computing and writing the
(small) result; peak RSS is the worker's VmHWM. Each case then runs ``--runs`` times, interleaved;
the table shows the median wall time and the largest peak RSS.

Stores: ``data/large/sst.zarr`` (monthly SST, 480 x 180 x 360 float32, 124 MB) and
``data/large/ssh.zarr`` (hourly SSH, 480 x 1000 x 2000 float32, 3.84 GB), from
``nereus sample-data --size large``. Run with ``make bench``; threads are ``BENCH_THREADS`` or
the cores this process may use. Never part of ``make test``.
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

import numpy as np
from benchlib import (DASK_WORKER_PRELUDE, ROOT, bench_binary, check_agreement,
                      run_json)


# name -> (store file name, target speed-up over dask from DESIGN.md, snippet). STORE and OUT
# are bound before the snippet runs. Results of the format-2 SSH store are written as format 2:
# xarray cannot write their inherited Blosc encoding into a format-3 store.
CASES = {
    "climatology + anomalies": ("sst.zarr", 3, """
import xarray as xr
sst = xr.open_zarr(STORE).sst
clim = sst.groupby("time.month").mean("time")
anom = sst.groupby("time.month") - clim
anom.std("time").rename("result").to_zarr(OUT, mode="w")
"""),
    "NINO3.4 index": ("sst.zarr", 10, """
import xarray as xr
sst = xr.open_zarr(STORE).sst
clim = sst.groupby("time.month").mean("time")
anom = sst.groupby("time.month") - clim
box = anom.sel(lat=slice(-5, 5), lon=slice(190, 240)).mean(("lat", "lon"))
box.rolling(time=3).mean().rename("result").to_zarr(OUT, mode="w")
"""),
    "30-step rolling mean, then its std": ("ssh.zarr", 3, """
import xarray as xr
ssh = xr.open_zarr(STORE).sossheig
ssh.rolling(time_counter=30).mean().std("time_counter").rename("result").to_zarr(
    OUT, mode="w", zarr_format=2)
"""),
    "median over time": ("ssh.zarr", 3, """
import xarray as xr
ssh = xr.open_zarr(STORE).sossheig
ssh.median("time_counter").rename("result").to_zarr(OUT, mode="w", zarr_format=2)
"""),
}

# Runs in a fresh interpreter: argv = code file, threads.
DASK_WORKER = DASK_WORKER_PRELUDE + r"""
code_file, threads = sys.argv[1:3]
code = open(code_file).read()
with dask.config.set(scheduler="threads", num_workers=int(threads)):
    t0 = time.perf_counter()
    exec(code, {})
    wall = time.perf_counter() - t0
print(json.dumps({"wall_s": wall, "peak_rss_mb": vmhwm_mb(), "versions": VERSIONS}))
"""


def snippet(case: str, data: Path, out: Path) -> str:
    """The case's code with STORE and OUT bound, identical for both tools."""
    store, _, code = CASES[case]
    return f"STORE = {str(data / store)!r}\nOUT = {str(out)!r}\n" + code.lstrip("\n")


def agreement(case: str, ours: Path, theirs: Path) -> str:
    """Reads both written results back with xarray and checks that they agree."""
    import xarray as xr
    a, b = (xr.open_zarr(p)["result"].values.astype("f8").ravel() for p in (ours, theirs))
    return check_agreement(case, a, b)


def main() -> None:
    default_threads = int(os.environ.get("BENCH_THREADS") or len(os.sched_getaffinity(0)))
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--data", type=Path, default=ROOT / "data" / "large")
    p.add_argument("--threads", type=int, default=default_threads)
    p.add_argument("--runs", type=int, default=3, help="timed runs per case (median reported)")
    p.add_argument("--time-limit", type=float, default=600,
                   help="seconds the timed runs may take before falling back to one run")
    p.add_argument("--bin", type=Path, help="a built pipeline bench (default: cargo bench)")
    args = p.parse_args()
    binary = args.bin or bench_binary("pipeline", "nereus")
    results: dict[tuple[str, str], list[dict]] = {(c, t): [] for c in CASES for t in ("n", "d")}

    with tempfile.TemporaryDirectory(prefix="nereus-climate-") as tmp:
        def measure(case: str, tool: str, tag: str) -> dict:
            out = Path(tmp, f"{tool}-{tag}.zarr")
            code = Path(tmp, f"{tool}-{tag}.py")
            code.write_text(snippet(case, args.data, out))
            if tool == "n":
                return run_json([str(binary), "--code", str(code), "--threads", str(args.threads)])
            return run_json([sys.executable, "-c", DASK_WORKER, str(code), str(args.threads)])

        print(f"warm-up and agreement check ({args.threads} threads)", file=sys.stderr)
        t0 = time.perf_counter()
        versions = {}
        for i, case in enumerate(CASES):
            measure(case, "n", f"check{i}")
            versions = measure(case, "d", f"check{i}")["versions"]
            print("  " + agreement(case, Path(tmp, f"n-check{i}.zarr"),
                                   Path(tmp, f"d-check{i}.zarr")), file=sys.stderr)
        warm = time.perf_counter() - t0
        runs = args.runs if warm * args.runs <= args.time_limit else 1
        print(f"  warm-up took {warm:.0f} s; timing {runs} run(s) per case", file=sys.stderr)
        for r in range(runs):
            for i, case in enumerate(CASES):
                for tool in ("n", "d"):
                    results[(case, tool)].append(measure(case, tool, f"run{r}-{i}"))
            print(f"  run {r + 1}/{runs} done", file=sys.stderr)

    def wall(case: str, tool: str) -> float:
        return statistics.median(m["wall_s"] for m in results[(case, tool)])

    def rss(case: str, tool: str) -> float:
        return max(m["peak_rss_mb"] for m in results[(case, tool)])

    print()
    print("### Climate pipelines on the large sample data (same code for both tools)")
    print()
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9
    print(f"- machine: {os.cpu_count()} cores (nproc), {mem_gb:.0f} GB RAM, {platform.system()}")
    print(f"- threads: {args.threads}; Nereus memory budget: engine default; "
          f"{'median of ' + str(runs) + ' runs' if runs > 1 else '1 run'}, warm page cache, "
          "each measurement in its own process")
    print(f"- Python {platform.python_version()}, "
          + ", ".join(f"{k} {v}" for k, v in versions.items()))
    print()
    print("| case | Nereus s | Nereus peak MiB | xarray+dask s | xarray+dask peak MiB | speed-up "
          "| target | met |")
    print("|---|---:|---:|---:|---:|---:|---:|:---:|")
    for case, (_, target, _) in CASES.items():
        n, d = wall(case, "n"), wall(case, "d")
        print(f"| {case} | {n:.2f} | {rss(case, 'n'):.0f} | {d:.2f} | {rss(case, 'd'):.0f} "
              f"| {d / n:.1f}x | >= {target}x | {'yes' if d / n >= target else '**no**'} |")


if __name__ == "__main__":
    main()
