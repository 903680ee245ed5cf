#!/usr/bin/env python3
"""Streaming reductions on the large sample data: Nereus vs xarray + dask vs the decode floor.

Cases: ``mean`` and ``std`` of ``sossheig`` over ``time_counter`` on the large SSH store
(``nereus sample-data --size large``: float32 480 x 1000 x 2000 in 240 x 240 x 480 chunks,
Blosc/zstd, 3.84 GB decoded). Tools, each measured in its own process:

- Nereus: engine/benches/reduce.rs (open_zarr, reduce, compute on the engine's pool).
- xarray + dask: ``xr.open_zarr(store)[var].<op>(dim).compute()`` with the threaded scheduler
  and the same number of workers, in the pinned venv (this interpreter).
- floor: engine/benches/reduce.rs ``--op floor``, zarrs alone reading and decoding every chunk
  on a rayon pool of the same size, computing nothing.

Every measurement covers opening the store and computing the result. Wall time, GB/s (decoded
bytes / wall, GB = 1e9 bytes) and peak RSS (the worker process's VmHWM) are reported.

Before timing, each tool runs once (this warms the OS page cache for all of them) and Nereus's
results are checked against xarray's (rtol 1e-5, atol 1e-5 of the result's largest magnitude,
NaN positions equal); any disagreement stops the benchmark with an error. Then every case runs
``--runs`` times, interleaved, and the table shows the median wall time and the largest peak
RSS. If the warm-up pass predicts more than ``--time-limit`` seconds for the timed runs, one run
is made instead.

Run with ``make bench`` (or ``make bench-engine``); the thread count is ``BENCH_THREADS`` or the
cores this process may use, the Nereus memory budget ``BENCH_BUDGET_MB`` or the engine's
default. Never part of ``make test``.
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

LARGE_SHAPE = (480, 1000, 2000)
OPS = ("mean", "std")

# Runs in a fresh interpreter: argv = store, var, op, dim, threads, out.
DASK_WORKER = DASK_WORKER_PRELUDE + r"""
store, var, op, dim, threads, out = sys.argv[1:7]
with dask.config.set(scheduler="threads", num_workers=int(threads)):
    t0 = time.perf_counter()
    da = xr.open_zarr(store)[var]
    result = getattr(da, op)(dim).compute()
    wall = time.perf_counter() - t0
peak = vmhwm_mb()
if out:
    np.ascontiguousarray(result.values, dtype="<f8").tofile(out)
print(json.dumps({
    "op": op, "wall_s": wall, "bytes": da.size * da.dtype.itemsize, "peak_rss_mb": peak,
    "versions": VERSIONS,
}))
"""


class Runner:
    """Knows how to launch each tool for each case."""

    def __init__(self, args: argparse.Namespace, binary: Path):
        self.args = args
        self.binary = binary

    def nereus(self, op: str, out: Path | None = None) -> dict:
        a = self.args
        cmd = [str(self.binary), "--store", str(a.store), "--var", a.var, "--op", op,
               "--dim", a.dim, "--threads", str(a.threads)]
        if a.budget_mb:
            cmd += ["--budget-mb", str(a.budget_mb)]
        if out is not None:
            cmd += ["--out", str(out)]
        return run_json(cmd)

    def dask(self, op: str, out: Path | None = None) -> dict:
        a = self.args
        return run_json([sys.executable, "-c", DASK_WORKER, str(a.store), a.var, op, a.dim,
                         str(a.threads), str(out or "")])

    def measure(self, tool: str, op: str, out: Path | None = None) -> dict:
        if tool == "floor":
            return self.nereus("floor", out)
        return getattr(self, tool)(op, out)


def store_shape(store: Path, var: str) -> tuple[int, ...]:
    """The variable's shape from the store's format 2 or 3 metadata."""
    for meta in (store / var / ".zarray", store / var / "zarr.json"):
        if meta.is_file():
            return tuple(json.loads(meta.read_text())["shape"])
    raise SystemExit(f"{store}: no array {var!r}")


def machine() -> str:
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            model = next(ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9
    return f"{os.cpu_count()} cores (nproc), {model}, {mem_gb:.0f} GB RAM, {platform.system()}"


def rust_versions() -> str:
    def out(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                  text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return "?"
    commit = out(["git", "rev-parse", "--short", "HEAD"])
    dirty = "+dirty" if out(["git", "status", "--porcelain", "--untracked-files=no"]) else ""
    return f"nereus-engine {commit}{dirty}, {out(['rustc', '--version'])}"


def main() -> None:
    default_threads = int(os.environ.get("BENCH_THREADS") or len(os.sched_getaffinity(0)))
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--store", type=Path, default=ROOT / "data" / "large" / "ssh.zarr")
    p.add_argument("--var", default="sossheig")
    p.add_argument("--dim", default="time_counter")
    p.add_argument("--threads", type=int, default=default_threads)
    p.add_argument("--budget-mb", type=int, default=int(os.environ.get("BENCH_BUDGET_MB") or 0),
                   help="Nereus memory budget in MiB (0: the engine's default)")
    p.add_argument("--runs", type=int, default=3, help="timed runs per case (median reported)")
    p.add_argument("--time-limit", type=float, default=300,
                   help="seconds the timed runs may take before falling back to one run")
    p.add_argument("--bin", type=Path, help="a built reduce bench (default: cargo bench --no-run)")
    p.add_argument("--any-size", action="store_true",
                   help=f"accept a store that is not the large {LARGE_SHAPE} one")
    args = p.parse_args()

    shape = store_shape(args.store, args.var)
    if shape != LARGE_SHAPE and not args.any_size:
        raise SystemExit(f"{args.store}: {args.var} is {shape}, not the large sample "
                         f"{LARGE_SHAPE}; run `nereus sample-data --size large` into another "
                         "directory, or pass --any-size")
    binary = args.bin or bench_binary("reduce", "nereus-engine")
    runner = Runner(args, binary)
    tools = ("nereus", "dask", "floor")
    results: dict[tuple[str, str], list[dict]] = {(op, t): [] for op in OPS for t in tools}

    # Warm-up: every tool once (page cache), with the agreement check on the results.
    print(f"warm-up and agreement check on {args.store} ({args.threads} threads)", file=sys.stderr)
    t0 = time.perf_counter()
    versions = {}
    with tempfile.TemporaryDirectory(prefix="nereus-bench-") as tmp:
        runner.measure("floor", "floor")
        for op in OPS:
            ours, theirs = Path(tmp, f"nereus-{op}.f64"), Path(tmp, f"dask-{op}.f64")
            runner.measure("nereus", op, ours)
            versions = runner.measure("dask", op, theirs)["versions"]
            print("  " + check_agreement(op, np.fromfile(ours, dtype="<f8"),
                                         np.fromfile(theirs, dtype="<f8")), file=sys.stderr)
    warm = time.perf_counter() - t0
    runs = args.runs if warm * args.runs <= args.time_limit else 1
    print(f"  warm-up took {warm:.0f} s; timing {runs} run(s) per case", file=sys.stderr)

    for r in range(runs):
        floor = runner.measure("floor", "floor")
        for op in OPS:
            results[(op, "floor")].append(floor)
            for tool in ("nereus", "dask"):
                results[(op, tool)].append(runner.measure(tool, op))
        print(f"  run {r + 1}/{runs} done", file=sys.stderr)

    def wall(op: str, tool: str) -> float:
        return statistics.median(m["wall_s"] for m in results[(op, tool)])

    def rss(op: str, tool: str) -> float:
        return max(m["peak_rss_mb"] for m in results[(op, tool)])

    nbytes = results[(OPS[0], "floor")][0]["bytes"]
    budget = f"{args.budget_mb} MiB" if args.budget_mb else "engine default"
    print()
    print(f"### Reductions over `{args.dim}` of `{args.var}` {'x'.join(map(str, shape))} float32 "
          f"({nbytes / 1e9:.2f} GB decoded)")
    print()
    print(f"- machine: {machine()}")
    print(f"- threads: {args.threads}; Nereus memory budget: {budget}; "
          f"{'median of ' + str(runs) + ' runs' if runs > 1 else '1 run'}, warm page cache, "
          "each measurement in its own process")
    print(f"- {rust_versions()}; Python {platform.python_version()}, "
          + ", ".join(f"{k} {v}" for k, v in versions.items()))
    print()
    head = ["case"] + [f"{name} {col}" for name in ("Nereus", "xarray+dask", "floor")
                       for col in ("s", "GB/s", "peak MiB")]
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|")
    for op in OPS:
        cells = [f"{op} over {args.dim}"]
        for tool in tools:
            w = wall(op, tool)
            cells += [f"{w:.2f}", f"{nbytes / 1e9 / w:.2f}", f"{rss(op, tool):.0f}"]
        print("| " + " | ".join(cells) + " |")
    print()
    print("| target (DESIGN.md) | measured | met |")
    print("|---|---:|:---:|")
    checks = [
        ("mean: Nereus within 1.15x of the floor", wall("mean", "nereus") / wall("mean", "floor"),
         "x floor", lambda v: v <= 1.15),
        ("mean: >= 2x faster than dask", wall("mean", "dask") / wall("mean", "nereus"),
         "x dask", lambda v: v >= 2),
        ("std: >= 3x faster than dask", wall("std", "dask") / wall("std", "nereus"),
         "x dask", lambda v: v >= 3),
    ] + [
        (f"{op}: peak RSS <= 1/3 of dask's", rss(op, "nereus") / rss(op, "dask"),
         "of dask's", lambda v: v <= 1 / 3)
        for op in OPS
    ]
    for name, value, unit, ok in checks:
        print(f"| {name} | {value:.2f} {unit} | {'yes' if ok(value) else '**no**'} |")


if __name__ == "__main__":
    main()
