"""notebooks/tour.ipynb, the notebook `make demo` runs, executes on freshly generated sample data
under `nereus run` and under nbclient with the Nereus kernel, and its numbers agree with xarray."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
import xarray as xr
from nbclient import NotebookClient

from conftest import KERNEL_NAME, NEREUS_BIN, ROOT

pytestmark = pytest.mark.timeout(180)


@pytest.fixture(scope="module")
def layout(tmp_path_factory) -> Path:
    """A copy of the repository's notebooks/ beside a data/ of small sample stores."""
    base = tmp_path_factory.mktemp("tour")
    (base / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / "tour.ipynb", base / "notebooks" / "tour.ipynb")
    subprocess.run([str(NEREUS_BIN), "sample-data", "--size", "small", "--out", str(base / "data")],
                   check=True, capture_output=True)
    return base


def printed(nb, pattern: str) -> float:
    """The number a cell printed after `pattern`."""
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                m = re.search(pattern + r"\s*(-?[0-9.]+)", "".join(o["text"]))
                if m:
                    return float(m.group(1))
    raise AssertionError(f"nothing printed matching {pattern!r}")


def check_against_xarray(nb, data: Path) -> None:
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors
    ssh = xr.open_zarr(data / "ssh.zarr").sossheig.astype("float64")
    assert printed(nb, "mean SSH:") == pytest.approx(float(ssh.mean()), rel=1e-5, abs=1e-6)
    want = float(ssh.std("time_counter").max())
    assert printed(nb, "std over time, max:") == pytest.approx(want, rel=1e-5, abs=1e-6)
    last = [c for c in nb.cells if c.cell_type == "code"][-1]
    text = "".join(last.outputs[-1]["data"]["text/plain"])
    sst = xr.open_zarr(data / "sst.zarr").sst
    box = sst.sel(lat=slice(-5, 5), lon=slice(190, 240)).mean(("lat", "lon")).isel(time=slice(0, 12))
    assert f"{float(box[0]):.4f}"[:6] in text, text


def test_nereus_run(layout: Path) -> None:
    out = layout / "tour.out.ipynb"
    subprocess.run([str(NEREUS_BIN), "run", str(layout / "notebooks" / "tour.ipynb"), "-o", str(out)],
                   check=True, capture_output=True)
    nb = nbformat.read(out, as_version=4)
    nbformat.validate(nb)
    check_against_xarray(nb, layout / "data")


def test_nbclient(layout: Path) -> None:
    nb = nbformat.read(layout / "notebooks" / "tour.ipynb", as_version=4)
    NotebookClient(nb, kernel_name=KERNEL_NAME, timeout=120,
                   resources={"metadata": {"path": str(layout / "notebooks")}}).execute()
    check_against_xarray(nb, layout / "data")
