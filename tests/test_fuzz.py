"""Issue S: whatever a cell does, the kernel lives. Cells generated from a seeded random source
(hostile templates with random sizes, and token soup) run one after another in one kernel; each
must end with a reply (ok or a Python error), never a dead or silent kernel. The seed is
NEREUS_FUZZ_SEED (default fixed, so CI is repeatable); a failure names the seed and the cell."""

from __future__ import annotations

import os
import random
from pathlib import Path

import numpy as np
import pytest
import zarr

from conftest import execute, iopub_for, shell_reply

pytestmark = pytest.mark.timeout(900)

SEED = int(os.environ.get("NEREUS_FUZZ_SEED", "20261207"))
CELLS = int(os.environ.get("NEREUS_FUZZ_CELLS", "120"))
PATIENCE = 20  # seconds a cell may run before it is interrupted


def store(path: Path) -> Path:
    """A (200, 300) float32 array with NaNs, chunked (50, 100), with y/x coordinates."""
    group = zarr.open_group(path, mode="w", zarr_format=2)
    values = np.random.default_rng(0).normal(size=(200, 300)).astype("f4")
    values[::7, ::11] = np.nan
    a = group.create_array("a", shape=values.shape, chunks=(50, 100), dtype="f4")
    a.attrs["_ARRAY_DIMENSIONS"] = ["y", "x"]
    a[:] = values
    for dim, n in (("y", 200), ("x", 300)):
        c = group.create_array(dim, shape=(n,), dtype="f8")
        c.attrs["_ARRAY_DIMENSIONS"] = [dim]
        c[:] = np.arange(n) * 0.5
    zarr.consolidate_metadata(path)
    return path


def hostile(r: random.Random, path: Path) -> str:
    """One cell from a template of the ways cells have killed kernels, at a random size."""
    n = r.choice([1, 10, 1000, 5000, 25_000])
    k = r.randint(1, 12)
    op = r.choice(["+", "-", "*", "/", "**"])
    reduce = r.choice(["mean()", "max('y')", "std('x')", "sum(['y', 'x'])", "median('y')",
                       "cumsum('x')", "quantile(0.5, dim='y')", "argmax('x')"])
    load = r.choice(["load()", "values", "compute()", "mean().values", "to_numpy()"])
    pick = r.choice
    isel = pick(["10**18", "-10**18", "slice(None, None, 0)", "slice(-10**18, 10**18)", "[0, 10**9]"])
    sel = pick(["float('nan')", "1e308", "slice(1e308, -1e308)", "[0.5, 0.25]"])
    dims = pick(["'x', 'y'", "'x'", "'z', 'y'", "..."])
    # Never a real directory outside the test's own: mode="w" deletes what it replaces.
    target = pick([repr(str(path)), repr(str(path.parent / "out.zarr")), "'/proc/nereus.zarr'", "123"])
    templates = [
        f"b = a\nfor i in range({n}):\n    b = b {op} {pick(['1', '0.5', 'a', 'b'])}\nb.{reduce}.values",
        f"b = a\nfor i in range({min(k, 5)}):\n    b = b * b.rename(y=f'y{{i}}', x=f'x{{i}}')\nb.{load}",
        f"x = []\nfor i in range({n * 4}):\n    x = [x]\nprint(len(str(x)) if {n} < 5000 else x == x)\nx = 0",
        f"d = {{}}\nfor i in range({n * 4}):\n    d = {{'k': d, 'v': [d]}}\nd = None",
        # Sizes stay within what a CI machine holds: the point is the path, not the machine.
        f"s = {pick(['chr(97)', 'str(a.shape)', repr('ab' * 50)])} * 10**{min(k, 6)}\nfor i in range({min(k, 8)}):\n    s = s + s\nlen(s)",
        f"l = [a] * 10**{min(k, 7)}\nl = l + l\nlen(l)",
        f"list(range(10**{k}))[-1]",
        f"a.isel(y={isel}).{load}",
        f"a.sel(x={sel}, method='nearest').{load}",
        f"a.rolling(y={pick(['0', '-1', '10**9', '200', '3'])}).mean().{load}",
        f"a.coarsen(x={pick(['0', '7', '10**9', '300'])}, boundary='trim').mean().{load}",
        f"a.chunk({{'y': {pick(['1', '0', '-5', '10**9', '7'])}}}).{reduce}.values",
        f"a.transpose({dims}).{load}",
        f"(a {op} a.values{pick(['', '[0]', '.T', '[:, :1]'])}).{reduce}.values",
        f"2 ** {pick(['64', '10**6', '-1', '0.5'])} {op} {pick(['0', '1e-320', 'a.mean()'])}",
        f"%config memory={pick(['1KB', '1MB', '0', '-1', 'lots', '10TB'])}\na.{load}",
        f"a.groupby(a.y {pick(['// 10', '% 3', '* 0', '+ 0.25'])}).{pick(['mean()', 'max()', 'count()'])}.{load}",
        f"xr.concat([a] * {pick(['0', '1', '100', '1000'])}, dim='t').{reduce}.values",
        f"a.where(a > {pick(['0', 'a', 'a.values', 'np.inf'])}).{reduce}.values",
        f"a.to_zarr({target}, mode='w')",
    ]
    setup = f"import numpy as np\nimport xarray as xr\n%config memory=512MB\na = xr.open_zarr({str(path)!r}).a\n"
    return setup + r.choice(templates)


TOKENS = [
    "a", "b", "x", "ds", ".", "(", ")", "[", "]", "{", "}", ",", ":", "=", "==", "+", "-", "*", "**",
    "/", "//", "%", "@", "~", "not", "and", "or", "in", "is", "None", "True", "0", "1", "-1",
    "10**9", "1e308", "'y'", "'x'", "f'{a}'", "lambda", "for", "if", "else", "def", "return",
    "mean", "isel", "sel", "values", "load", "rename", "rolling", "coarsen", "groupby", "where",
    "xr", "np", "print", "len", "str", "range", "%config", "%time", "\n", "    ", "...", "#",
]


def soup(r: random.Random) -> str:
    """Random tokens: syntax errors, odd calls and stray magics."""
    return " ".join(r.choice(TOKENS) for _ in range(r.randint(1, 40)))


def test_random_hostile_cells_never_kill_the_kernel(kernel, tmp_path: Path) -> None:
    km, kc = kernel
    path = store(tmp_path / "fuzz.zarr")
    reply, _ = execute(kc, f"import xarray as xr\na = xr.open_zarr({str(path)!r}).a")
    assert reply["content"]["status"] == "ok", reply["content"]
    r = random.Random(SEED)
    tally: dict[str, int] = {}
    for i in range(CELLS):
        code = hostile(r, path) if r.random() < 0.7 else soup(r)
        where = f"seed {SEED}, cell {i}:\n{code}"
        msg_id = kc.execute(code)
        try:
            reply = shell_reply(kc, msg_id, timeout=PATIENCE)
        except AssertionError:
            # Some cells ask for years of work (a mean over 10**28 values), as they can in
            # xarray: what a user does then is interrupt, and the kernel must answer.
            assert km.is_alive(), f"the kernel died on {where}"
            km.interrupt_kernel()
            try:
                reply = shell_reply(kc, msg_id, timeout=60)
            except AssertionError as e:
                raise AssertionError(f"no reply after an interrupt for {where}") from e
        iopub_for(kc, msg_id, timeout=60)
        assert km.is_alive(), f"the kernel died on {where}"
        status = reply["content"]["status"]
        assert status in ("ok", "error"), f"status {status!r} for {where}"
        if status == "error":
            # A Python error, never an internal one.
            assert reply["content"]["ename"] not in ("PanicException", "InternalError"), where
        outcome = reply["content"].get("ename", "ok")
        tally[outcome] = tally.get(outcome, 0) + 1
    print(f"seed {SEED}: {CELLS} cells:", dict(sorted(tally.items())))
    reply, _ = execute(kc, "a = xr.open_zarr(" + repr(str(path)) + ").a\nfloat(a.mean())")
    assert reply["content"]["status"] == "ok", reply["content"]
