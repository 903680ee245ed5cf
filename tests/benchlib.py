"""Shared by the benchmark scripts: building a bench binary, the start of a dask worker, running
one measurement and checking that two tools' results agree."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent

# The start of each dask worker script (run with ``python -c`` in the pinned venv): its imports,
# ``vmhwm_mb()`` (the process's peak RSS in MB) and the ``VERSIONS`` its JSON line reports.
DASK_WORKER_PRELUDE = r"""
import json, sys, time
import dask, numpy as np, xarray as xr, zarr

def vmhwm_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")

VERSIONS = {"xarray": xr.__version__, "dask": dask.__version__, "zarr": zarr.__version__,
            "numpy": np.__version__}
"""


def bench_binary(name: str, package: str) -> Path:
    """Builds bench `name` of crate `package` (`nereus-engine`: engine/benches/, `nereus`:
    kernel/benches/) in the bench profile and returns its executable."""
    cargo = os.environ.get("CARGO", "cargo")
    proc = subprocess.run(
        [cargo, "bench", "-p", package, "--bench", name, "--no-run",
         "--message-format=json"],
        cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True,
    )
    for line in proc.stdout.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg["target"]["name"] == name \
                and msg.get("executable"):
            return Path(msg["executable"])
    raise SystemExit(f"cargo did not report the {name} bench executable")


def run_json(cmd: list[str]) -> dict:
    """Runs one measurement process and returns the JSON object it prints last."""
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed ({proc.returncode}):\n{proc.stderr}{proc.stdout}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def check_agreement(case: str, a: np.ndarray, b: np.ndarray) -> str:
    """Fails loudly unless Nereus's values ``a`` agree with xarray's ``b`` (1-D float64) and
    have NaN at the same positions; returns a one-line summary.

    Tolerance: rtol 1e-5 plus an atol of 1e-5 times the largest |value| of xarray's result.
    The atol matters for means near zero: dask accumulates float32 in float32, so where an SSH
    mean cancels to ~1e-6 its answer is off by a few 1e-7 (Nereus accumulates in float64).
    """
    if a.shape != b.shape:
        raise SystemExit(f"{case}: Nereus gave {a.size} values, xarray {b.size}")
    nan_a, nan_b = np.isnan(a), np.isnan(b)
    if not np.array_equal(nan_a, nan_b):
        raise SystemExit(f"{case}: NaN positions differ: Nereus {nan_a.sum()} NaN, "
                         f"xarray {nan_b.sum()} NaN, {np.sum(nan_a != nan_b)} positions differ")
    ok = ~nan_a
    if not ok.any():
        raise SystemExit(f"{case}: every value is NaN")
    a, b = a[ok], b[ok]
    rtol = 1e-5
    atol = rtol * float(np.abs(b).max())
    diff = np.abs(a - b)
    if np.any(diff > atol + rtol * np.abs(b)):
        worst = int(np.argmax(diff - rtol * np.abs(b)))
        raise SystemExit(f"{case}: results differ beyond rtol {rtol:g}, atol {atol:.2g}: "
                         f"Nereus {a[worst]!r}, xarray {b[worst]!r} (|diff| {diff[worst]:.3g})")
    return (f"{case}: {ok.sum()} values agree (max |diff| {diff.max():.2g}, "
            f"atol {atol:.2g}), {nan_a.sum()} NaN in both")
