"""Issue S, never die, never lie: bad input gets xarray's error (or a clearer one), the kernel
lives, and the next cell runs. Stores are written by zarr-python during the test."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import zarr

from conftest import execute

pytestmark = pytest.mark.timeout(120)


def error_of(kc, code: str) -> dict:
    reply, _ = execute(kc, code)
    assert reply["content"]["status"] == "error", reply["content"]
    return reply["content"]


def assert_alive(kc) -> None:
    reply, msgs = execute(kc, "1 + 1")
    assert reply["content"]["status"] == "ok", reply["content"]
    results = [m["content"]["data"]["text/plain"] for m in msgs if m["msg_type"] == "execute_result"]
    assert results == ["2"], results


def test_conflicting_dimension_sizes_are_refused_at_open(kc, tmp_path: Path) -> None:
    """A variable whose shape says y=400 where the coordinate says 200: xarray's ValueError."""
    path = tmp_path / "conflict.zarr"
    group = zarr.open_group(path, mode="w", zarr_format=2)
    y = group.create_array("y", shape=(200,), dtype="f8")
    y.attrs["_ARRAY_DIMENSIONS"] = ["y"]
    y[:] = np.arange(200.0)
    ssh = group.create_array("ssh", shape=(400,), dtype="f4")
    ssh.attrs["_ARRAY_DIMENSIONS"] = ["y"]
    zarr.consolidate_metadata(path)
    err = error_of(kc, f"import xarray as xr\nds = xr.open_zarr({str(path)!r})")
    assert err["ename"] == "ValueError"
    assert "conflicting sizes for dimension 'y'" in err["evalue"]
    assert "length 400" in err["evalue"] and "length 200" in err["evalue"]
    assert_alive(kc)
