"""Issue S, item 1: a value that memory cannot hold is a MemoryError naming what it needs and the
budget, raised before anything is allocated, and the kernel lives (Rust aborts the process when
an allocation fails). Stores are written by zarr-python during the test; xarray is the oracle for
the numbers that do compute."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
import zarr
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager

from conftest import NEREUS_BIN, TIMEOUT, execute, stop_kernel, stream_text

pytestmark = pytest.mark.timeout(300)


def error_of(kc, code: str) -> dict:
    reply, _ = execute(kc, code, timeout=120)
    assert reply["content"]["status"] == "error", reply["content"]
    return reply["content"]


def printed(kc, code: str) -> str:
    reply, msgs = execute(kc, code, timeout=120)
    assert reply["content"]["status"] == "ok", reply["content"]
    return stream_text(msgs)


def assert_alive(kc) -> None:
    assert printed(kc, "print(1 + 1)") == "2\n"


def fill_only_store(path: Path, shape: tuple[int, ...], chunks: tuple[int, ...], ones: int = 0) -> Path:
    """A float64 Zarr v3 array `a` of zeros (chunks left unwritten read as the fill value), with
    its first `ones` rows along axis 0 set to 1, and coordinates for its dims."""
    dims = ["t", "y", "x"][-len(shape):]
    group = zarr.open_group(path, mode="w", zarr_format=3)
    a = group.create_array("a", shape=shape, chunks=chunks, dtype="f8", fill_value=0.0,
                           dimension_names=dims)
    if ones:
        a[:ones] = 1.0
    for dim, n in zip(dims, shape):
        c = group.create_array(dim, shape=(n,), dtype="i8", dimension_names=[dim])
        c[:] = np.arange(n)
    return path


def test_results_too_large_for_memory_raise_memory_error(kc, tmp_path: Path) -> None:
    """An outer product of a (1000, 1000) array with itself is 8 TB: lazy or loaded, computing
    it is a MemoryError naming its shape, dtype and size, while what fits still computes."""
    path = fill_only_store(tmp_path / "square.zarr", (1000, 1000), (250, 1000), ones=10)
    printed(kc, f"import xarray as xr\nds = xr.open_zarr({str(path)!r})\n"
                "big = ds.a * ds.a.rename(y='y2', x='x2')")
    for code in ["big.load()", "big.values", "print(big.compute())"]:
        err = error_of(kc, code)
        assert err["ename"] == "MemoryError", (code, err)
        assert "shape (1000, 1000, 1000, 1000) and data type float64 needs" in err["evalue"], err
        assert "the memory budget is" in err["evalue"] and "available now" in err["evalue"], err
    assert "(1000, 1000, 1000, 1000)" in printed(kc, "print(big.shape)")
    # Over loaded values arithmetic computes at once, as numpy does; this one does not fit,
    # so it stays lazy and raises when it is computed.
    printed(kc, "x = ds.a.load()\nbig = x * x.rename(y='y2', x='x2')")
    err = error_of(kc, "big.values")
    assert err["ename"] == "MemoryError" and "needs 7.28 TiB" in err["evalue"], err
    want = float(xr.open_zarr(path, consolidated=False).a.mean())
    assert float(printed(kc, "print(float((x * x).mean()))")) == pytest.approx(want)
    assert_alive(kc)


def test_config_memory_limits_results_too(kc, tmp_path: Path) -> None:
    """`%config memory=` bounds chunks in flight and every result: loading 8 MB under 4 MB is a
    MemoryError that names the setting; a mean streams within it; a larger budget loads."""
    path = fill_only_store(tmp_path / "square.zarr", (1000, 1000), (100, 1000), ones=10)
    want = xr.open_zarr(path, consolidated=False).a
    printed(kc, f"import xarray as xr\nds = xr.open_zarr({str(path)!r})")
    printed(kc, "%config memory=4MB")
    err = error_of(kc, "ds.a.load()")
    assert err["ename"] == "MemoryError", err
    assert err["evalue"] == (
        "computing an array of shape (1000, 1000) and data type float64 needs 7.63 MiB; "
        "the memory budget is 4.00 MiB (set by %config memory=)"
    )
    assert float(printed(kc, "print(float(ds.a.mean()))")) == pytest.approx(float(want.mean()))
    got = float(printed(kc, "print(float(ds.a.sum('x').max()))"))
    assert got == pytest.approx(float(want.sum("x").max()))
    printed(kc, "%config memory=64MB")
    assert printed(kc, "print(ds.a.load().shape)") == "(1000, 1000)\n"
    assert_alive(kc)


@pytest.fixture
def limited_kernel(tmp_path: Path):
    """A kernel under a 3.5 GB address-space limit (`prlimit --as`, as `ulimit -v` sets it), where
    an allocation past the limit fails rather than being overcommitted."""
    spec = tmp_path / "kernels" / "nereus-limited"
    spec.mkdir(parents=True)
    argv = ["prlimit", "--as=3500000000", str(NEREUS_BIN), "kernel", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({
        "argv": argv, "display_name": "Nereus (limited)", "language": "nereus",
        "interrupt_mode": "message",
    }))
    km = KernelManager(kernel_name="nereus-limited",
                       kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(spec.parent)]))
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=TIMEOUT)
    try:
        yield km, kc
    finally:
        stop_kernel(km, kc)


def test_allocations_past_an_address_space_limit_raise_memory_error(limited_kernel, tmp_path: Path) -> None:
    """Under the limit a 3 GB load, a doubling str and a doubling list each end in MemoryError
    naming the memory available, the kernel lives, and a mean over the 3 GB still streams."""
    km, kc = limited_kernel
    path = fill_only_store(tmp_path / "big.zarr", (400, 1000, 1000), (10, 1000, 1000), ones=10)
    printed(kc, f"import xarray as xr\nds = xr.open_zarr({str(path)!r})")
    err = error_of(kc, "ds.a.load()")
    assert err["ename"] == "MemoryError", err
    assert "shape (400, 1000, 1000) and data type float64 needs 2.98 GiB" in err["evalue"], err
    assert "(the memory available now)" in err["evalue"], err
    err = error_of(kc, "s = 'ab' * 10**6\nfor i in range(40):\n    s = s + s")
    assert err["ename"] == "MemoryError" and "a str of" in err["evalue"], err
    err = error_of(kc, "l = [0.5] * 10**6\nfor i in range(40):\n    l = l + l")
    assert err["ename"] == "MemoryError" and "a list of" in err["evalue"], err
    err = error_of(kc, "l = [0] * 10**8")
    assert err["ename"] == "MemoryError", err
    assert km.is_alive()
    # What the failed cells built up to is still there, and usable.
    assert printed(kc, "print(len(s) > 10**8, len(l) > 10**6)") == "True True\n"
    assert float(printed(kc, "print(float(ds.a.mean()))")) == pytest.approx(10 / 400)
    assert_alive(kc)
