"""Progress bars, interrupt and responsiveness during a long reduction (issue C2), through
jupyter_client on the medium sample dataset, and the saved summary of `nereus run`.

The reductions are made long by reading the store in thin chunks (``chunks=``) on one thread,
so they last a few seconds however fast the machine is. Time bounds are generous and check
behaviour (an interrupt comes back, updates are throttled), never speed.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from datetime import datetime
from pathlib import Path
from queue import Empty

import pytest

from conftest import NEREUS_BIN, TIMEOUT, execute, iopub_for, kernel_pid, shell_reply

pytestmark = pytest.mark.timeout(300)

CHUNKS = re.compile(r"(\d+)/(\d+) chunks")


@pytest.fixture(scope="session")
def ssh_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The medium eNATL60-like SSH store, written once per test session (a few seconds)."""
    out = tmp_path_factory.mktemp("medium")
    subprocess.run(
        [str(NEREUS_BIN), "sample-data", "--size", "medium", "--out", str(out)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    store = out / "ssh.zarr"
    assert store.is_dir()
    return store


def reduction(store: Path, time_chunk: int) -> str:
    """A cell computing a std over time on one thread, reading `time_chunk` steps per task:
    6 gives a few seconds of work; 1 runs far longer and is only ever interrupted."""
    return (
        "import xarray as xr\n"
        f"ssh = xr.open_zarr({str(store)!r}, chunks={{'time_counter': {time_chunk}}})\n"
        "%config threads=1\n"
        "sd = ssh.sossheig.std('time_counter').load()\n"
    )


def kernel_time(msg: dict) -> float:
    """When the kernel made msg (its header date), in seconds."""
    date = msg["header"]["date"]
    if isinstance(date, str):
        date = datetime.fromisoformat(date.replace("Z", "+00:00"))
    return date.timestamp()


def text(msg: dict) -> str:
    return msg["content"]["data"].get("text/plain", "")


def display_id(msg: dict) -> str | None:
    return (msg["content"].get("transient") or {}).get("display_id")


def progress_messages(msgs: list[dict]) -> list[dict]:
    """display_data and update_display_data of the one progress display in msgs."""
    shown = [m for m in msgs if m["msg_type"] == "display_data" and display_id(m)]
    assert len(shown) == 1, [m["msg_type"] for m in msgs]
    ident = display_id(shown[0])
    return [
        m
        for m in msgs
        if m["msg_type"] in ("display_data", "update_display_data") and display_id(m) == ident
    ]


def wait_for_bar(kc, msg_id: str) -> list[dict]:
    """iopub messages of msg_id until its progress bar is first shown."""
    got: list[dict] = []
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        try:
            msg = kc.get_iopub_msg(timeout=1)
        except Empty:
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        got.append(msg)
        if msg["msg_type"] == "display_data" and display_id(msg):
            return got
        assert msg["msg_type"] not in ("error", "execute_result"), msg["content"]
    raise AssertionError(f"no progress bar within {TIMEOUT} s: {[m['msg_type'] for m in got]}")


def test_reduction_shows_a_live_bar_then_a_summary(kc, ssh_store: Path) -> None:
    reply, msgs = execute(kc, reduction(ssh_store, 6), timeout=120)
    assert reply["content"]["status"] == "ok", reply["content"]
    bar = progress_messages(msgs)
    live, final = bar[:-1], bar[-1]
    assert bar[0]["msg_type"] == "display_data"
    assert all(m["msg_type"] == "update_display_data" for m in bar[1:])
    assert len(live) >= 4, f"expected the display and >= 3 in-place updates, got {len(live)}"

    counts = []
    for m in live:
        found = CHUNKS.search(text(m))
        assert found, text(m)
        counts.append((int(found.group(1)), int(found.group(2))))
        html = m["content"]["data"]["text/html"]
        assert "<script" not in html and "width:" in html
    done = [d for d, _ in counts]
    totals = [t for _, t in counts]
    assert done == sorted(set(done)), f"counts must rise: {done}"
    # A later stage (loading the 2-D coordinates) may add its chunks to the total.
    assert totals == sorted(totals), totals
    assert "left" in text(live[0]) and "/s" in text(live[0]), text(live[0])

    # ~10 updates a second at most, measured on the kernel's own timestamps.
    stamps = [kernel_time(m) for m in live]
    gaps = [b - a for a, b in zip(stamps, stamps[1:])]
    assert min(gaps) >= 0.05, gaps
    assert len(live) <= 10 * (stamps[-1] - stamps[0]) + 2, (len(live), stamps[-1] - stamps[0])

    summary = text(final)
    shape = r"Computed \d+ chunks, [\d.]+ [kMGT]?B in .+ \([\d.]+ [kMGT]?B/s\)"
    assert re.fullmatch(shape, summary), summary
    assert int(summary.split()[1]) >= totals[-1], (summary, totals)
    assert "text/html" in final["content"]["data"]
    # The bar settles while the cell is still busy (before its idle status).
    assert msgs.index(final) < len(msgs) - 1


def test_quick_computations_show_no_bar(kc, ssh_store: Path) -> None:
    code = (
        f"import xarray as xr\nssh = xr.open_zarr({str(ssh_store)!r})\n"
        "corner = ssh.sossheig.isel(time_counter=0, y=slice(0, 4), x=slice(0, 4)).load()"
    )
    reply, msgs = execute(kc, code)
    assert reply["content"]["status"] == "ok", reply["content"]
    kinds = [m["msg_type"] for m in msgs]
    assert "display_data" not in kinds and "update_display_data" not in kinds, kinds


@pytest.mark.parametrize(
    ("mode", "expect"), [("transient", "gone"), ("summary", "line only"), ("none", "nothing")]
)
def test_progress_modes(kc, ssh_store: Path, mode: str, expect: str) -> None:
    reply, msgs = execute(kc, f"%config progress={mode}\n" + reduction(ssh_store, 12), timeout=120)
    assert reply["content"]["status"] == "ok", reply["content"]
    if expect == "nothing":
        kinds = [m["msg_type"] for m in msgs]
        assert "display_data" not in kinds and "update_display_data" not in kinds, kinds
        return
    bar = progress_messages(msgs)
    if expect == "gone":
        assert bar[-1]["msg_type"] == "update_display_data"
        assert bar[-1]["content"]["data"] == {}
    else:
        assert len(bar) == 1 and text(bar[0]).startswith("Computed ")


@pytest.mark.parametrize("how", ["message", "sigint"])
def test_interrupt_during_a_reduction(km, kc, ssh_store: Path, how: str) -> None:
    reply, _ = execute(kc, "kept = 40")
    assert reply["content"]["status"] == "ok"
    code = "before = 2\n" + reduction(ssh_store, 1) + "after = 1\n"
    msg_id = kc.execute(code)
    queued = kc.execute("queued = 1")
    seen = wait_for_bar(kc, msg_id)
    assert CHUNKS.search(text(seen[-1]))

    t0 = time.monotonic()
    if how == "message":
        km.interrupt_kernel()
    else:
        os.kill(kernel_pid(km), signal.SIGINT)
    reply = shell_reply(kc, msg_id, timeout=30)
    elapsed = time.monotonic() - t0
    assert elapsed < 5, f"interrupted reduction took {elapsed:.1f} s to reply"
    assert reply["content"]["status"] == "error", reply["content"]
    assert reply["content"]["ename"] == "KeyboardInterrupt", reply["content"]
    rest = iopub_for(kc, msg_id)
    errors = [m for m in rest if m["msg_type"] == "error"]
    assert errors and errors[0]["content"]["ename"] == "KeyboardInterrupt"
    final = progress_messages(seen + rest)[-1]
    assert text(final).startswith("Stopped after "), text(final)

    # Queued behind the error: aborted, as ipykernel does.
    assert shell_reply(kc, queued)["content"]["status"] == "aborted"
    iopub_for(kc, queued)

    # The namespace kept what was assigned before the interrupted statement, not after.
    reply, msgs = execute(kc, "kept + before")
    assert reply["content"]["status"] == "ok", reply["content"]
    results = [m for m in msgs if m["msg_type"] == "execute_result"]
    assert results and results[0]["content"]["data"]["text/plain"] == "42"
    for name in ("after", "sd", "queued"):
        reply, _ = execute(kc, name)
        assert reply["content"]["ename"] == "NameError", (name, reply["content"])
    assert km.is_alive()


def test_kernel_answers_while_a_reduction_runs(km, kc, ssh_store: Path) -> None:
    msg_id = kc.execute(reduction(ssh_store, 1))
    wait_for_bar(kc, msg_id)

    t0 = time.monotonic()
    c = shell_reply(kc, kc.complete("pri", 3), timeout=10)["content"]
    assert c["status"] == "ok" and "print" in c["matches"]
    c = shell_reply(kc, kc.inspect("print", 5), timeout=10)["content"]
    assert c["status"] == "ok" and c["found"] is True
    assert kc.hb_channel.is_beating()
    assert shell_reply(kc, kc.kernel_info(), timeout=10)["msg_type"] == "kernel_info_reply"
    request = kc.session.msg("kernel_info_request", {})
    kc.control_channel.send(request)
    control = kc.get_control_msg(timeout=10)
    assert control["msg_type"] == "kernel_info_reply"
    assert control["parent_header"]["msg_id"] == request["header"]["msg_id"]
    c = shell_reply(kc, kc.is_complete("x = ("), timeout=10)["content"]
    assert c["status"] == "incomplete"
    assert time.monotonic() - t0 < 20

    # The reduction was still running all along: it ends only by interrupt.
    km.interrupt_kernel()
    reply = shell_reply(kc, msg_id, timeout=30)
    assert reply["content"]["ename"] == "KeyboardInterrupt", reply["content"]
    iopub_for(kc, msg_id)


def test_nereus_run_saves_the_final_summary(tmp_path: Path, ssh_store: Path) -> None:
    nb = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
        "cells": [
            {
                "cell_type": "code",
                "id": "reduce",
                "metadata": {},
                "execution_count": None,
                "outputs": [],
                "source": reduction(ssh_store, 6) + "float(sd.mean())",
            }
        ],
    }
    src, out = tmp_path / "reduce.ipynb", tmp_path / "reduce.out.ipynb"
    src.write_text(json.dumps(nb))
    done = subprocess.run(
        [str(NEREUS_BIN), "run", str(src), "--output", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    outputs = json.loads(out.read_text())["cells"][0]["outputs"]
    shown = [o for o in outputs if o["output_type"] == "display_data"]
    assert len(shown) == 1, outputs
    plain = "".join(shown[0]["data"]["text/plain"])
    assert re.match(r"Computed \d+ chunks, .* in .*/s\)$", plain), plain
    assert "transient" not in shown[0]
    assert outputs[-1]["output_type"] == "execute_result"
