"""Issue S, never die, never lie: bad input gets xarray's error (or a clearer one), the kernel
lives, and the next cell runs. Stores are written by zarr-python during the test."""

from __future__ import annotations

import time
from pathlib import Path

import numcodecs
import numpy as np
import pytest
import zarr

from conftest import execute, stream_text

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


@pytest.fixture(scope="module")
def positional_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A (y, x) array with a NaN and an x index, and arrays whose values serve as numpy operands."""
    import xarray as xr

    path = tmp_path_factory.mktemp("positional") / "p.zarr"
    sst = np.arange(6.0).reshape(2, 3)
    sst[0, 1] = np.nan
    xr.Dataset(
        {
            "sst": (("y", "x"), sst, {"units": "K"}),
            "col": (("y", "z"), np.array([[1.0], [2.0]])),
            "row": (("w", "x"), np.array([[10.0, 20.0, 30.0]])),
            "cube": (("t", "y", "x"), np.ones((2, 2, 3))),
        },
        coords={"x": [10, 20, 30]},
    ).to_zarr(path, mode="w")
    return path


POSITIONAL = [
    "a - a.values",
    "a.values - a",
    "a * a.x.values",
    "a + ds.col.values",
    "xr.where(a > 2, a, a.x.values)",
    "a.where(a > 2, a.x.values)",
    "a.fillna(a.x.values)",
    "ds.row.values + ds.col.values",
    "(ds.drop_vars(['col', 'row', 'cube']) + a.x.values).sst",
]


@pytest.mark.parametrize("expr", POSITIONAL)
def test_numpy_operands_align_by_position(kc, positional_store: Path, expr: str) -> None:
    """`da - da.values` is element-wise (it was an outer product): a numpy operand takes the
    trailing dimensions, as numpy broadcasting does in xarray."""
    import xarray as xr

    ds = xr.open_zarr(positional_store)
    a = ds.sst
    want = eval(expr, {"xr": xr, "np": np, "ds": ds, "a": a})  # noqa: S307 - our own expressions
    shown = f"print(r.dims, r.name, r.attrs)\nprint(r.values)" if hasattr(want, "dims") else "print(r)"
    reply, msgs = execute(
        kc,
        f"import numpy as np\nimport xarray as xr\nds = xr.open_zarr({str(positional_store)!r})\n"
        f"a = ds.sst\nr = {expr}\n{shown}",
    )
    assert reply["content"]["status"] == "ok", reply["content"]
    if hasattr(want, "dims"):
        expected = f"{want.dims} {want.name} {want.attrs}\n{want.values}\n"
    else:
        expected = f"{want}\n"
    assert stream_text(msgs) == expected


@pytest.mark.parametrize(
    "expr", ["a + ds.col.isel(z=0).values", "a + ds.cube.values", "ds.row.isel(w=0).values + ds.col.isel(z=0).values"]
)
def test_numpy_operands_that_do_not_broadcast_raise_xarrays_error(
    kc, positional_store: Path, expr: str
) -> None:
    import xarray as xr

    # Loaded, so the message is numpy's (dask words it differently).
    ds = xr.open_zarr(positional_store).load()
    with pytest.raises(ValueError) as want:
        eval(expr, {"xr": xr, "np": np, "ds": ds, "a": ds.sst})  # noqa: S307 - our own expressions
    err = error_of(
        kc, f"import xarray as xr\nds = xr.open_zarr({str(positional_store)!r})\na = ds.sst\n{expr}"
    )
    assert (err["ename"], err["evalue"]) == ("ValueError", str(want.value).strip())
    assert_alive(kc)


CODECS = {
    "v2-blosc": (2, lambda: {"compressors": numcodecs.Blosc(cname="lz4")}, lambda x: numcodecs.Blosc(cname="lz4").encode(x)),
    "v2-zstd": (2, lambda: {"compressors": numcodecs.Zstd()}, lambda x: numcodecs.Zstd().encode(x)),
    "v2-none": (2, lambda: {"compressors": None}, lambda x: x.tobytes()),
    "v3-zstd": (3, lambda: {"compressors": zarr.codecs.ZstdCodec()}, lambda x: numcodecs.Zstd().encode(x)),
    "v3-blosc": (
        3,
        lambda: {"compressors": zarr.codecs.BloscCodec(cname="lz4", typesize=8, shuffle="shuffle")},
        lambda x: numcodecs.Blosc(cname="lz4", shuffle=numcodecs.Blosc.SHUFFLE).encode(x),
    ),
    "v3-none": (3, lambda: {"compressors": None}, lambda x: x.tobytes()),
}


@pytest.mark.parametrize("values", [32, 8], ids=["more", "fewer"])
@pytest.mark.parametrize("codec", list(CODECS))
def test_a_chunk_of_the_wrong_size_is_an_error_on_every_path(
    kc, tmp_path: Path, codec: str, values: int
) -> None:
    """A (4, 4) chunk whose stored encoding holds 32 (or 8) values: xarray raises on every read;
    Nereus's streaming reductions gave numbers and a partial read the first values."""
    import xarray as xr

    fmt, options, encode = CODECS[codec]
    path = tmp_path / "wrong.zarr"
    group = zarr.open_group(path, mode="w", zarr_format=fmt)
    array = group.create_array(
        "v", shape=(8, 4), chunks=(4, 4), dtype="f8", dimension_names=["y", "x"] if fmt == 3 else None, **options()
    )
    if fmt == 2:
        array.attrs["_ARRAY_DIMENSIONS"] = ["y", "x"]
    array[:] = np.arange(32.0).reshape(8, 4)
    zarr.consolidate_metadata(path)
    key = path / "v" / ("0.0" if fmt == 2 else "c/0/0")
    key.write_bytes(encode(np.full(values, 100.0)))
    ds = xr.open_zarr(path)
    reads = ["ds.v.mean().values", "ds.v.max().values", "ds.v.isel(y=0).values", "ds.v.sum('y').values", "ds.v.values"]
    for read in reads:
        with pytest.raises(Exception):  # noqa: B017, PT011 - xarray's error differs by codec
            eval(read, {"ds": ds})  # noqa: S307 - our own expressions
    execute(kc, f"import xarray as xr\nds = xr.open_zarr({str(path)!r})")
    for read in reads:
        err = error_of(kc, f"print({read})")
        assert err["ename"] == "OSError", (read, err)
        assert str(key.relative_to(path)) in err["evalue"], (read, err["evalue"])
    # The sound chunk still reads.
    reply, msgs = execute(kc, "print(ds.v.isel(y=5).values)")
    assert stream_text(msgs) == "[20. 21. 22. 23.]\n", reply["content"]


def test_64_bit_integers_are_exact_or_an_error(kc, tmp_path: Path) -> None:
    """int64/uint64 values past 2**53 were rounded through float64 (and printed rounded):
    reads and prints are exact now, and arithmetic that would round says so."""
    import xarray as xr

    path = tmp_path / "wide.zarr"
    v = np.array([2**53 + 1, -(2**63) + 1, 2**62 + 3, 5], dtype="int64")
    u = np.array([2**64 - 1, 2**53 + 1, 7, 9], dtype="uint64")
    xr.Dataset({"v": ("x", v), "u": ("x", u)}).to_zarr(path, mode="w")
    reply, msgs = execute(kc, f"import xarray as xr\nds = xr.open_zarr({str(path)!r})\nprint(ds.v.values)\nprint(ds.u.values)")
    assert reply["content"]["status"] == "ok", reply["content"]
    assert stream_text(msgs) == f"{v}\n{u}\n"
    err = error_of(kc, "(ds.v + 1).values")
    assert err["ename"] == "NotImplementedError"
    assert "9007199254740993 cannot be computed exactly" in err["evalue"]
    assert_alive(kc)


def test_mode_w_onto_the_store_being_read_is_refused_before_deleting(kc, tmp_path: Path) -> None:
    """xarray empties the store and writes fill values; Nereus refuses and keeps the data."""
    import xarray as xr

    path = tmp_path / "same.zarr"
    xr.Dataset({"sst": (("y", "x"), np.arange(6.0).reshape(2, 3))}).to_zarr(path, mode="w")
    before = sorted(p.relative_to(path) for p in path.rglob("*"))
    setup = f"import xarray as xr\nds = xr.open_zarr({str(path)!r})"
    execute(kc, setup)
    for cell in [
        f"(ds * 2).to_zarr({str(path)!r}, mode='w')",
        f"ds.sst.to_zarr({str(path / '..' / path.name)!r}, mode='w')",
    ]:
        err = error_of(kc, cell)
        assert "the values to write are read from it" in err["evalue"], (cell, err)
    assert sorted(p.relative_to(path) for p in path.rglob("*")) == before
    np.testing.assert_array_equal(xr.open_zarr(path).sst.values, np.arange(6.0).reshape(2, 3))
    # Loaded first, the values no longer depend on the store: xarray's way works.
    reply, _ = execute(kc, f"{setup}\nds2 = (ds * 2).load()\nds2.to_zarr({str(path)!r}, mode='w')")
    assert reply["content"]["status"] == "ok", reply["content"]
    np.testing.assert_array_equal(xr.open_zarr(path).sst.values, 2 * np.arange(6.0).reshape(2, 3))
    assert_alive(kc)


def test_long_chains_of_lazy_operations_compute_or_refuse(kc, positional_store: Path) -> None:
    """`a = a + 1` in a loop: dask computes 5,000 steps, so does Nereus (it overflowed the
    stack near 3,000 and the kernel died); far past that, a RecursionError, and the kernel
    lives."""
    import xarray as xr

    a = xr.open_zarr(positional_store).sst
    reply, msgs = execute(
        kc,
        f"import xarray as xr\na = xr.open_zarr({str(positional_store)!r}).sst\n"
        "for i in range(5000):\n    a = a + 1\nprint(float(a.mean()))",
    )
    assert reply["content"]["status"] == "ok", reply["content"]
    assert float(stream_text(msgs)) == pytest.approx(float((a + 5000).mean()))
    err = error_of(kc, "for i in range(20000):\n    a = a + 1\na.mean().values")
    assert err["ename"] == "RecursionError", err
    assert "operations deep" in err["evalue"]
    assert_alive(kc)


def test_deeply_nested_values_do_not_kill_the_kernel(kc) -> None:
    """Python builds and drops 100,000-deep lists; str() and == at 10,000 levels."""
    reply, msgs = execute(
        kc,
        "a = []\nfor i in range(100000):\n    a = [a]\na = 0\n"
        "b = []\nc = []\nfor i in range(10000):\n    b = [b]\n    c = [c]\n"
        "print(len(str(b)), b == c)\nb = 0\nc = 0",
    )
    assert reply["content"]["status"] == "ok", reply["content"]
    assert stream_text(msgs) == "20002 True\n"
    assert_alive(kc)


def test_a_store_another_writer_holds_is_refused_untouched(kc, tmp_path: Path) -> None:
    """A Nereus write locks `.<store>.nereus-lock` beside the store; while another process holds
    it, mode="w" is refused before deleting anything; once free, the write goes through and
    leaves no lock file."""
    import fcntl

    import xarray as xr

    out = tmp_path / "out.zarr"
    xr.Dataset({"v": ("x", np.arange(4.0))}).to_zarr(out, zarr_format=2)
    lock = tmp_path / ".out.zarr.nereus-lock"
    src = tmp_path / "src.zarr"
    xr.Dataset({"w": ("x", np.zeros(3))}).to_zarr(src, zarr_format=2)
    code = f"import xarray as xr\nxr.open_zarr({str(src)!r}).w.to_zarr({str(out)!r}, mode='w')"
    with open(lock, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        err = error_of(kc, code)
        assert err["ename"] == "OSError", err
        assert "is being written by another process" in err["evalue"], err
        np.testing.assert_array_equal(xr.open_zarr(out).v.values, np.arange(4.0))
        fcntl.flock(held, fcntl.LOCK_UN)
    reply, _ = execute(kc, code)
    assert reply["content"]["status"] == "ok", reply["content"]
    assert list(xr.open_zarr(out).data_vars) == ["w"]
    assert not lock.exists()
    assert_alive(kc)


def test_two_kernels_writing_one_store_do_not_both_succeed(km, kc, tmp_path: Path) -> None:
    """Kernel A writes a 3 GB store (it shows progress, so it is mid-write); kernel B's mode="w"
    onto the same store is refused, A is interrupted with whole chunks only, and B then writes."""
    from conftest import iopub_for, shell_reply, start_kernel, stop_kernel

    src = tmp_path / "src.zarr"
    group = zarr.open_group(src, mode="w", zarr_format=3)
    group.create_array("a", shape=(400, 1000, 1000), chunks=(4, 1000, 1000), dtype="f8",
                       fill_value=0.0, dimension_names=["t", "y", "x"])
    out = tmp_path / "out.zarr"
    write = f"import xarray as xr\n(xr.open_zarr({str(src)!r}).a + 1).to_zarr({str(out)!r}, mode='w')"
    msg_id = kc.execute(write)
    deadline = time.monotonic() + 60
    while True:  # A's first progress update: its write has begun and holds the lock
        assert time.monotonic() < deadline, "kernel A showed no progress"
        msg = kc.get_iopub_msg(timeout=60)
        if (msg["parent_header"].get("msg_id") == msg_id
                and msg["msg_type"] in ("display_data", "update_display_data")):
            break
    km_b, kc_b = start_kernel()
    try:
        err = error_of(kc_b, write)
        assert err["ename"] == "OSError" and "being written by another process" in err["evalue"], err
        km.interrupt_kernel()
        reply = shell_reply(kc, msg_id, timeout=60)
        iopub_for(kc, msg_id, timeout=60)
        assert reply["content"]["status"] == "error"
        assert reply["content"]["ename"] == "KeyboardInterrupt", reply["content"]
        small = (f"import xarray as xr\nxr.open_zarr({str(src)!r}).a.isel(t=slice(0, 8))"
                 f".to_zarr({str(out)!r}, mode='w')")
        reply, _ = execute(kc_b, small, timeout=120)
        assert reply["content"]["status"] == "ok", reply["content"]
    finally:
        stop_kernel(km_b, kc_b)
    import xarray as xr

    assert xr.open_zarr(out).a.shape == (8, 1000, 1000)
    assert not (tmp_path / ".out.zarr.nereus-lock").exists()
    assert_alive(kc)
