#!/usr/bin/env python3
"""Kernel start and execute round trip, Nereus vs ipykernel, through jupyter_client.

- start: from KernelManager.start_kernel() to the kernel_info_reply on the shell channel
  (a single kernel_info_request queued on the DEALER before the kernel binds).
- execute: a trivial execute_request ("x = 1") to its execute_reply, kernel warm.

Prints a markdown table (median and p99, milliseconds). Run with `make bench`; the kernelspecs
`nereus` and `python3` must be findable (the Makefile installs both into a temporary prefix).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from queue import Empty

import zmq
from jupyter_client.manager import KernelManager

# One ZeroMQ context for every kernel manager: a context per start leaks file descriptors
# until the process runs out ("Too many open files") around the 500th start.
CONTEXT = zmq.Context()


def percentile(xs: list[float], p: float) -> float:
    s = sorted(xs)
    k = min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))
    return s[k]


def wait_reply(kc, msg_id: str, timeout: float = 60) -> dict:
    deadline = time.perf_counter() + timeout
    while True:
        msg = kc.get_shell_msg(timeout=max(0.001, deadline - time.perf_counter()))
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg


def drain(kc) -> None:
    while True:
        try:
            kc.get_iopub_msg(timeout=0)
        except Empty:
            return


def bench_start(kernel: str, n: int) -> list[float]:
    times = []
    for i in range(n):
        km = KernelManager(kernel_name=kernel, context=CONTEXT)
        t0 = time.perf_counter()
        km.start_kernel()
        kc = km.client()
        kc.start_channels()
        wait_reply(kc, kc.kernel_info())
        times.append(time.perf_counter() - t0)
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        if (i + 1) % 100 == 0:
            print(f"  {kernel}: {i + 1}/{n} starts", file=sys.stderr)
    return times


def bench_execute(kernel: str, n: int, warmup: int = 50) -> list[float]:
    km = KernelManager(kernel_name=kernel, context=CONTEXT)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    times = []
    try:
        for i in range(warmup + n):
            t0 = time.perf_counter()
            reply = wait_reply(kc, kc.execute("x = 1"))
            dt = time.perf_counter() - t0
            assert reply["content"]["status"] == "ok", reply["content"]
            if i >= warmup:
                times.append(dt)
            if i % 50 == 0:
                drain(kc)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--starts", type=int, default=1000, help="kernel starts per kernel (default 1000)")
    ap.add_argument("--executes", type=int, default=1000, help="execute round trips per kernel (default 1000)")
    ap.add_argument("--kernels", default="nereus,python3", help="comma-separated kernelspec names")
    args = ap.parse_args()

    kernels = [k for k in args.kernels.split(",") if k]
    rows = []
    for k in kernels:
        print(f"benchmarking {k} ...", file=sys.stderr)
        starts = bench_start(k, args.starts)
        execs = bench_execute(k, args.executes)
        rows.append((k, starts, execs))

    ms = lambda s: f"{s * 1e3:.2f}"  # noqa: E731
    print()
    print(f"Kernel start and trivial execute, through jupyter_client ({platform.machine()}, "
          f"Python {platform.python_version()}); start n={args.starts}, execute n={args.executes}.")
    print()
    print("| kernel | start median (ms) | start p99 (ms) | execute median (ms) | execute p99 (ms) |")
    print("|---|---:|---:|---:|---:|")
    for k, starts, execs in rows:
        print(f"| {k} | {ms(statistics.median(starts))} | {ms(percentile(starts, 99))} "
              f"| {ms(statistics.median(execs))} | {ms(percentile(execs, 99))} |")


if __name__ == "__main__":
    main()
