"""The corpus (tests/corpus/*.py): real xarray snippets run through the Nereus kernel with
jupyter_client and through Python with xarray; the printed lines must match, numbers to 1e-5."""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
from pathlib import Path

import pytest

from conftest import NEREUS_BIN, ROOT, start_kernel, stop_kernel

pytestmark = pytest.mark.timeout(180)

CORPUS = sorted((ROOT / "tests" / "corpus").glob("*.py"))
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corpus-data")
    subprocess.run([str(NEREUS_BIN), "sample-data", "--size", "small", "--out", str(out)],
                   check=True, capture_output=True)
    return out


@pytest.fixture
def kernel():
    # A kernel per snippet: snippets change session settings (xr.set_options, numpy's print
    # options) as notebooks do, and each starts from the defaults as the python side does.
    km, kc = start_kernel()
    yield kc
    stop_kernel(km, kc)


def run_in_nereus(kc, code: str) -> str:
    out: list[str] = []
    errors: list[dict] = []

    def hook(msg: dict) -> None:
        if msg["msg_type"] == "stream" and msg["content"]["name"] == "stdout":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            errors.append(msg["content"])

    reply = kc.execute_interactive(code, output_hook=hook, timeout=120)
    assert reply["content"]["status"] == "ok", errors or reply["content"]
    return "".join(out)


def run_in_xarray(code: str) -> str:
    # Snippets change process-wide settings as notebooks do (xr.set_options, numpy's print
    # options); they must not leak into the other tests of this process.
    import numpy as np
    import xarray as xr

    saved_xr = dict(xr.core.options.OPTIONS)
    saved_np = np.get_printoptions()
    buf = io.StringIO()
    try:
        with contextlib.redirect_stdout(buf):
            exec(compile(code, "<corpus>", "exec"), {})  # noqa: S102 - our own corpus files
    finally:
        xr.core.options.OPTIONS.update(saved_xr)
        np.set_printoptions(**saved_np)
    return buf.getvalue()


def same(nereus: str, xarray: str) -> None:
    got, want = nereus.splitlines(), xarray.splitlines()
    assert len(got) == len(want), (got, want)
    for g, w in zip(got, want):
        assert NUMBER.sub("#", g) == NUMBER.sub("#", w), (g, w)
        for a, b in zip(NUMBER.findall(g), NUMBER.findall(w)):
            assert float(a) == pytest.approx(float(b), rel=1e-5, abs=1e-4), (g, w)


@pytest.mark.parametrize("snippet", CORPUS, ids=[p.stem for p in CORPUS])
def test_snippet_matches_xarray(snippet: Path, data: Path, kernel) -> None:
    code = f"DATA = {str(data)!r}\n" + snippet.read_text()
    same(run_in_nereus(kernel, code), run_in_xarray(code))
