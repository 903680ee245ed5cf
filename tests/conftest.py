"""Shared fixtures for the Python tests of the Nereus kernel.

The tests run against the release binary (``NEREUS_BIN``, default ``target/release/nereus``).
``make test`` points HOME, every Jupyter directory and NEREUS_HISTORY at a fresh temporary
directory and installs the kernelspec with ``--prefix`` into a directory on JUPYTER_PATH. When
pytest is run by hand, the session fixture below does the same so the suite is self-contained.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from queue import Empty
from typing import Any, Iterator

import pytest
from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager

ROOT = Path(__file__).resolve().parent.parent
NEREUS_BIN = Path(os.environ.get("NEREUS_BIN", ROOT / "target" / "release" / "nereus")).resolve()
# NEREUS_TEST_KERNEL=python3 points the protocol tests at ipykernel, to check the harness itself.
KERNEL_NAME = os.environ.get("NEREUS_TEST_KERNEL", "nereus")
TIMEOUT = 30  # generous: tests assert behaviour, not speed


def _nereus_spec_ok() -> bool:
    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    except Exception:
        return False
    return Path(spec.argv[0]).resolve() == NEREUS_BIN


def _bootstrap_environment() -> None:
    """Make the suite self-contained when it is not run through ``make test``."""
    if not NEREUS_BIN.exists():
        raise pytest.UsageError(
            f"{NEREUS_BIN} not found: run `cargo build --release -p nereus` or set NEREUS_BIN"
        )
    base = Path(tempfile.mkdtemp(prefix="nereus-pytest-"))
    if "NEREUS_HISTORY" not in os.environ:
        os.environ["NEREUS_HISTORY"] = str(base / "nereus-history")
    os.environ.setdefault("JUPYTER_RUNTIME_DIR", str(base / "runtime"))
    if not _nereus_spec_ok():
        prefix = base / "prefix"
        subprocess.run([str(NEREUS_BIN), "install", "--prefix", str(prefix)], check=True)
        old = os.environ.get("JUPYTER_PATH")
        share = str(prefix / "share" / "jupyter")
        os.environ["JUPYTER_PATH"] = share + (os.pathsep + old if old else "")
        assert _nereus_spec_ok(), "installed kernelspec is not found through JUPYTER_PATH"


def pytest_configure(config: pytest.Config) -> None:
    if KERNEL_NAME == "nereus":
        _bootstrap_environment()


# --------------------------------------------------------------------------------------------
# Kernel fixtures


def start_kernel(env: dict[str, str] | None = None) -> tuple[KernelManager, BlockingKernelClient]:
    km = KernelManager(kernel_name=KERNEL_NAME)
    kwargs: dict[str, Any] = {}
    if env is not None:
        kwargs["env"] = env
    km.start_kernel(**kwargs)
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=TIMEOUT)
    return km, kc


def stop_kernel(km: KernelManager, kc: BlockingKernelClient) -> None:
    try:
        kc.stop_channels()
    finally:
        if km.has_kernel:
            km.shutdown_kernel(now=False)


@pytest.fixture
def kernel() -> Iterator[tuple[KernelManager, BlockingKernelClient]]:
    km, kc = start_kernel()
    try:
        yield km, kc
    finally:
        stop_kernel(km, kc)


@pytest.fixture
def km(kernel: tuple[KernelManager, BlockingKernelClient]) -> KernelManager:
    return kernel[0]


@pytest.fixture
def kc(kernel: tuple[KernelManager, BlockingKernelClient]) -> BlockingKernelClient:
    return kernel[1]


def kernel_pid(km: KernelManager) -> int:
    prov = km.provisioner
    assert prov is not None
    pid = getattr(prov, "pid", None) or prov.process.pid  # type: ignore[attr-defined]
    return int(pid)


# --------------------------------------------------------------------------------------------
# Message helpers


def shell_reply(kc: BlockingKernelClient, msg_id: str, timeout: float = TIMEOUT) -> dict:
    """The shell reply to msg_id (other replies are skipped)."""
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"no shell reply to {msg_id} within {timeout} s")
        try:
            msg = kc.get_shell_msg(timeout=remaining)
        except Empty:
            continue
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg


def iopub_for(kc: BlockingKernelClient, msg_id: str, timeout: float = TIMEOUT) -> list[dict]:
    """All iopub messages whose parent is msg_id, up to and including the idle status."""
    out: list[dict] = []
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            types = [m["msg_type"] for m in out]
            raise AssertionError(f"no idle status for {msg_id} within {timeout} s; got {types}")
        try:
            msg = kc.get_iopub_msg(timeout=remaining)
        except Empty:
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        out.append(msg)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return out


def execute(
    kc: BlockingKernelClient, code: str, timeout: float = TIMEOUT, **kwargs: Any
) -> tuple[dict, list[dict]]:
    """Run code; return (execute_reply, iopub messages for it up to idle)."""
    msg_id = kc.execute(code, **kwargs)
    reply = shell_reply(kc, msg_id, timeout)
    msgs = iopub_for(kc, msg_id, timeout)
    return reply, msgs


def outputs(msgs: list[dict]) -> list[dict]:
    """The output messages (no status, no execute_input)."""
    return [m for m in msgs if m["msg_type"] not in ("status", "execute_input")]


def stream_text(msgs: list[dict], name: str = "stdout") -> str:
    return "".join(
        m["content"]["text"]
        for m in msgs
        if m["msg_type"] == "stream" and m["content"]["name"] == name
    )


def drain_iopub(kc: BlockingKernelClient, quiet: float = 0.2) -> list[dict]:
    got = []
    while True:
        try:
            got.append(kc.get_iopub_msg(timeout=quiet))
        except Empty:
            return got


def new_id() -> str:
    return uuid.uuid4().hex


def read_json(path: Path) -> Any:
    return json.loads(path.read_text())
