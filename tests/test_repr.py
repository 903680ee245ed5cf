"""HTML reprs through the kernel, compared with xarray's ``_repr_html_`` for the same store.

xarray writes the stores (Zarr formats 2 and 3); Nereus opens them in a kernel started with
jupyter_client and displays a Dataset and a DataArray. Both HTML outputs are parsed with
html.parser and must show the same dimensions (and which are indexed), the same coordinates and
data variables with the same dims and dtypes, and the same attributes, global and per variable.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from conftest import execute, start_kernel, stop_kernel

pytestmark = pytest.mark.timeout(180)

HOSTILE = "<script>alert('x')</script> & \"quotes\""


def make_dataset() -> xr.Dataset:
    """A small climate-like dataset: time/lat/lon indexes, a 2-D auxiliary coordinate, three
    data variables of different dtypes, attributes of several JSON types and a hostile one."""
    rng = np.random.default_rng(0)
    time = pd.date_range("2000-01-01", periods=12, freq="MS")
    lat = np.linspace(-30.0, 30.0, 7)
    lon = np.arange(0.0, 40.0, 5.0)
    area = np.cos(np.deg2rad(lat))[:, None] * np.ones((lat.size, lon.size))
    ds = xr.Dataset(
        {
            "sst": (("time", "lat", "lon"),
                    rng.normal(20, 3, (12, 7, 8)).astype("float32"),
                    {"units": "degC", "long_name": "sea surface temperature", "valid_max": 40.5}),
            "mask": (("lat", "lon"), (area > 0.9).astype("int16"),
                     {"flag_values": [0, 1], "comment": HOSTILE}),
            "index": (("time",), rng.normal(0, 1, 12), {"note": "1e20 is not data", "n": 3}),
        },
        coords={"time": time, "lat": ("lat", lat, {"units": "degrees_north"}), "lon": lon,
                "area": (("lat", "lon"), area, {"units": "1"})},
        attrs={"title": "repr fixture", "Conventions": "CF-1.8", "version": 2,
               "scale": 0.5, "flag": True, "levels": [1, 2, 3], "hostile": HOSTILE},
    )
    return ds.chunk({"time": 6, "lat": 4, "lon": 4})


@pytest.fixture(scope="module")
def stores(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("repr-stores")
    ds = make_dataset()
    paths = {}
    for fmt in (2, 3):
        path = out / f"fixture_v{fmt}.zarr"
        ds.to_zarr(path, mode="w", zarr_format=fmt, consolidated=True)
        paths[f"v{fmt}"] = path
    return paths


@pytest.fixture(scope="module")
def kc():
    km, client = start_kernel()
    yield client
    stop_kernel(km, client)


class Repr(HTMLParser):
    """What a repr shows, from class names: xarray's use the ``xr-`` prefix, Nereus's ``nr-``."""

    def __init__(self, prefix: str) -> None:
        super().__init__(convert_charrefs=True)
        self.p = prefix
        self.dims: dict[str, int] = {}
        self.indexed: set[str] = set()
        self.sections: dict[str, dict[str, tuple[str, str]]] = {}
        self.attrs: dict[str, str] = {}
        self.var_attrs: dict[str, dict[str, str]] = {}
        self._stack: list[tuple[str, set[str]]] = []
        self._capture: list[list] = []  # [kind, depth, text]
        self._section = ""
        self._row: dict[str, str] | None = None
        self._dim_lists = 0  # dim lists closed so far: only the first (the object's) counts
        self._key = ""

    def _has(self, cls: str) -> bool:
        return any(f"{self.p}-{cls}" in c for _, c in self._stack)

    def handle_starttag(self, tag, attrs):
        if tag in ("input", "br", "img", "hr", "meta", "link"):
            return  # void elements never close
        classes = set((dict(attrs).get("class") or "").split())
        self._stack.append((tag, classes))
        p = self.p
        if f"{p}-var-item" in classes:
            self._row = {}
        kind = None
        if f"{p}-section-summary" in classes:
            kind = "section"
        elif self._dim_lists == 0 and tag == "li" and self._has("dim-list"):
            kind = "dim"
        elif classes & {f"{p}-var-name", f"{p}-var-dims", f"{p}-var-dtype"}:
            kind = next(iter(classes & {f"{p}-var-name", f"{p}-var-dims", f"{p}-var-dtype"}))
        elif tag in ("dt", "dd") and self._has("attrs"):
            kind = tag
        if f"{p}-has-index" in classes and self._capture and self._capture[-1][0] == "dim":
            self._capture[-1].append("indexed")
        if kind:
            self._capture.append([kind, len(self._stack), ""])

    def handle_startendtag(self, tag, attrs):
        pass  # <rect/>, <line/>: nothing to read and nothing to close

    def handle_endtag(self, tag):
        # As browsers do: an end tag closes any elements left open inside it.
        if all(t != tag for t, _ in self._stack):
            return
        while self._stack:
            closed = self._stack[-1][0]
            self._close()
            if closed == tag:
                return

    def _close(self) -> None:
        depth = len(self._stack)
        _, classes = self._stack.pop()
        if f"{self.p}-dim-list" in classes:
            self._dim_lists += 1
        if f"{self.p}-var-item" in classes and self._row is not None:
            if "name" in self._row:
                self.sections.setdefault(self._section, {})[self._row["name"]] = (
                    self._row.get("dims", ""), self._row.get("dtype", ""))
            self._row = None
        if not self._capture or self._capture[-1][1] != depth:
            return
        kind, _, text, *flags = self._capture.pop()
        text = " ".join(text.split())
        if kind == "section":
            self._section = text.split(":")[0]
        elif kind == "dim":
            name, size = text.rsplit(":", 1)
            self.dims[name.strip()] = int(size)
            if flags:
                self.indexed.add(name.strip())
        elif kind.endswith(("var-name", "var-dims", "var-dtype")) and self._row is not None:
            self._row[kind.rsplit("-", 1)[1]] = text
        elif kind == "dt":
            self._key = text.removesuffix(":").strip()
        elif kind == "dd":
            if self._row is not None and "name" in self._row:
                self.var_attrs.setdefault(self._row["name"], {})[self._key] = text
            else:
                self.attrs[self._key] = text

    def handle_data(self, data):
        for cap in self._capture:
            cap[2] += data


def parse(html: str, prefix: str) -> Repr:
    r = Repr(prefix)
    r.feed(html)
    r.close()
    return r


def nereus_html(kc, code: str) -> dict:
    reply, msgs = execute(kc, code)
    assert reply["content"]["status"] == "ok", reply["content"]
    results = [m for m in msgs if m["msg_type"] == "execute_result"]
    assert results, [m["msg_type"] for m in msgs]
    return results[-1]["content"]["data"]


def assert_same(nereus: Repr, xarray: Repr) -> None:
    assert nereus.dims == xarray.dims
    assert nereus.indexed == xarray.indexed
    assert set(nereus.sections) - {""} == set(xarray.sections) - {""}
    for title, rows in xarray.sections.items():
        assert nereus.sections[title] == rows, title
    assert nereus.attrs == xarray.attrs
    for name, attrs in xarray.var_attrs.items():
        assert nereus.var_attrs.get(name, {}) == attrs, name


@pytest.mark.parametrize("fmt", ["v2", "v3"])
def test_dataset_repr_matches_xarray(kc, stores, fmt) -> None:
    path = stores[fmt]
    data = nereus_html(kc, f"import xarray as xr\nds = xr.open_zarr({str(path)!r})\nds")
    assert data["text/plain"].startswith("<xarray.Dataset>")
    ours = parse(data["text/html"], "nr")
    theirs = parse(xr.open_zarr(path)._repr_html_(), "xr")
    assert theirs.dims and theirs.sections and theirs.attrs, "the parser reads xarray's repr"
    assert_same(ours, theirs)
    assert ours.attrs["hostile"] == HOSTILE
    assert "<script>" not in data["text/html"]


@pytest.mark.parametrize("var", ["sst", "mask", "index"])
def test_dataarray_repr_matches_xarray(kc, stores, var) -> None:
    path = stores["v2"]
    data = nereus_html(kc, f"import xarray as xr\nds = xr.open_zarr({str(path)!r})\nds.{var}")
    assert data["text/plain"].startswith(f"<xarray.DataArray '{var}'")
    ours = parse(data["text/html"], "nr")
    theirs = parse(xr.open_zarr(path)[var]._repr_html_(), "xr")
    assert theirs.dims and theirs.sections, "the parser reads xarray's repr"
    assert_same(ours, theirs)
    assert "numpy.ndarray" in data["text/html"], "lazy data shows the chunk table"


def test_loaded_array_shows_values(kc, stores) -> None:
    path = stores["v2"]
    data = nereus_html(kc, f"import xarray as xr\nxr.open_zarr({str(path)!r}).lat")
    ours = parse(data["text/html"], "nr")
    theirs = parse(xr.open_zarr(path).lat._repr_html_(), "xr")
    assert_same(ours, theirs)
    assert "array([-30., -20., -10.,   0.,  10.,  20.,  30.])" in data["text/html"]
