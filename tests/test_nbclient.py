"""notebooks/hello.ipynb runs under nbclient with the Nereus kernel and under `nereus run`,
and both give the same, valid, outputs."""

from __future__ import annotations

import copy
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import KERNEL_NAME, NEREUS_BIN, ROOT

pytestmark = pytest.mark.timeout(120)

HELLO = ROOT / "notebooks" / "hello.ipynb"

# What each code cell of hello.ipynb must produce (streams merged per name).
EXPECTED = [
    [{"output_type": "stream", "name": "stdout", "text": "hello, world\n"}],
    [{"output_type": "execute_result", "data": {"text/plain": "3"}}],
    [{"output_type": "execute_result", "data": {"text/plain": "42"}}],
    [{"output_type": "stream", "name": "stdout", "text": "0 0\n1 1\n2 4\n"}],
    [
        {"output_type": "display_data", "data": {"text/plain": "42"}},
        {"output_type": "stream", "name": "stdout", "text": "done\n"},
    ],
]


def normalise(outputs: list) -> list[dict]:
    """Outputs without metadata and execution counts; consecutive streams of one name merged."""
    out: list[dict] = []
    for o in outputs:
        o = {k: v for k, v in dict(o).items() if k not in ("metadata", "execution_count", "transient")}
        if "data" in o:
            o["data"] = {k: ("".join(v) if isinstance(v, list) else v) for k, v in dict(o["data"]).items()}
        if o["output_type"] == "stream":
            o["text"] = "".join(o["text"]) if isinstance(o["text"], list) else o["text"]
            if out and out[-1]["output_type"] == "stream" and out[-1]["name"] == o["name"]:
                out[-1]["text"] += o["text"]
                continue
        out.append(o)
    return out


def code_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code"]


def check_outputs(nb) -> None:
    cells = code_cells(nb)
    assert len(cells) == len(EXPECTED)
    for i, (cell, want) in enumerate(zip(cells, EXPECTED)):
        got = normalise(cell.outputs)
        for g in got:
            if "data" in g:  # extra mime types are allowed; text/plain must match
                g["data"] = {"text/plain": g["data"].get("text/plain")}
        assert got == want, f"cell {i} ({cell.source!r})"
    counts = [c.execution_count for c in cells]
    assert counts == list(range(1, len(cells) + 1)), counts


@pytest.fixture(scope="module")
def nbclient_result():
    nb = nbformat.read(HELLO, as_version=4)
    assert nb.metadata.kernelspec.name == KERNEL_NAME
    client = NotebookClient(nb, timeout=60, kernel_name=KERNEL_NAME, resources={"metadata": {"path": str(ROOT)}})
    client.execute()
    return nb


def test_hello_notebook_is_valid() -> None:
    nb = nbformat.read(HELLO, as_version=4)
    nbformat.validate(nb)
    assert (nb.nbformat, nb.nbformat_minor) == (4, 5)
    assert nb.metadata.kernelspec == {"name": "nereus", "display_name": "Nereus", "language": "nereus"}
    assert all(c.outputs == [] and c.execution_count is None for c in code_cells(nb))


def test_nbclient_runs_hello(nbclient_result) -> None:
    nb = nbclient_result
    nbformat.validate(nb)
    check_outputs(nb)
    assert nb.metadata.language_info.name == "nereus"


def test_nereus_run_matches_nbclient(nbclient_result, tmp_path: Path) -> None:
    out = tmp_path / "hello.out.ipynb"
    p = subprocess.run(
        [str(NEREUS_BIN), "run", str(HELLO), "-o", str(out)],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )
    assert p.returncode == 0, p.stderr
    nb = nbformat.read(out, as_version=4)
    nbformat.validate(nb)
    check_outputs(nb)
    ours = [(normalise(c.outputs), c.execution_count) for c in code_cells(nb)]
    theirs = [(normalise(c.outputs), c.execution_count) for c in code_cells(nbclient_result)]
    assert ours == theirs
    # Sources and cell ids are untouched.
    src = nbformat.read(HELLO, as_version=4)
    assert [(c.id, c.source) for c in nb.cells] == [(c.id, c.source) for c in src.cells]
    assert nb.metadata.kernelspec == src.metadata.kernelspec
    # The input file is not modified.
    assert nbformat.read(HELLO, as_version=4) == src


def test_nereus_run_error_notebook(tmp_path: Path) -> None:
    """A failing cell stops the run with a non-zero exit, and the error is in the output."""
    nb = copy.deepcopy(nbformat.read(HELLO, as_version=4))
    nb.cells.insert(2, nbformat.v4.new_code_cell("undefined_name"))
    src = tmp_path / "err.ipynb"
    nbformat.write(nb, src)
    out = tmp_path / "err.out.ipynb"
    p = subprocess.run([str(NEREUS_BIN), "run", str(src), "-o", str(out)], capture_output=True, text=True, timeout=60)
    assert p.returncode != 0
    assert "NameError" in p.stderr + p.stdout
    if out.exists():
        res = nbformat.read(out, as_version=4)
        nbformat.validate(res)
        errs = [o for o in res.cells[2].outputs if o.output_type == "error"]
        assert errs and errs[0].ename == "NameError"
