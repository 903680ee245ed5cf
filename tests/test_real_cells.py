"""Real notebook cells (tests/real_cells/*.py) run unchanged in Nereus and in ipykernel + xarray.

Issue C3, "real notebooks run as written". Each source file holds code cells copied verbatim from
a public notebook or executed docs page (xarray tutorial, xarray docs, Project Pythia, Pangeo
gallery), its header naming the repository, path, commit and licence. Only data-loading lines are
changed (they end in `# loading line changed`): they open a look-alike Zarr store that
`tests/real_cells/stores.py` writes with xarray at the start of the run (`<DATA>` in a cell is
replaced by that directory). For each source, one Nereus kernel and one python3 ipykernel run the
cells in order; a cell's id is `<source>:<N>`, N its index in the notebook. Every cell is:

  match                  both ran and the outputs agree (below)
  differs                both ran but the outputs disagree: a wrong answer
  differs-after-failure  the outputs disagree only in what an earlier cell that failed in Nereus
                         would have set (display options not set: the data/attrs listing is
                         expanded; a variable left as it was), and no number differs
  fails                  python ran the cell, Nereus raised an error (or died, or timed out); a
                         NameError on a name an earlier failed cell should have bound is
                         reported as inherited from that cell
  skip                   not compared (`compare=none` in the cell's `# %%` line, with a reason);
                         it still runs in both kernels, for the state later cells need
  python-fails           python raised: a corpus bug (the corpus holds cells that run in python)

`compare=error` in a cell's header: the source shows an error on purpose; the cell matches when
Nereus raises the same exception (or a base class of it). `compare=structure`: only what does not
depend on data values is compared (for outputs derived from random draws).

What is compared: stdout, and each execute_result/display_data (progress bars excepted): its
text/plain as a token stream, numbers to rel 1e-5 / abs 1e-4 or one unit in the last printed
digit, integers exactly; its text/html, when python's is an xarray repr, on its structure
(object type and name, dims and which are indexed, sections with variable names, dims and
dtypes, attribute names). When either side shows a lazy `dask.array<...>` instead of values, or
the cell shows nothing, `(<the cell's last expression, or the name it assigns last>).compute()`
is evaluated in both kernels as a user expression (neither the cell nor the session changes)
and the computed values are compared too (when both kernels can compute it).

The test fails on any `differs` cell not in KNOWN_DIFFERENCES, on any cell of the manifest
(tests/real_cells/manifest.txt, a ratchet of cells that matched before) that no longer matches,
and on any python failure. It prints the rate "N of M cells run and match" and writes the
per-cell summary and the Nereus errors grouped by message to target/real_cells.md
(REAL_CELLS_REPORT overrides the path).

Environment: NEREUS_REAL_CELLS_UPDATE=1 rewrites the manifest with the cells that match now;
NEREUS_REAL_CELLS=name,... runs some sources only; NEREUS_REAL_CELLS_PROBE=1 is a diagnosis, not
the score: Nereus runs the cells without their plotting set-up lines (matplotlib, cartopy,
hvplot, seaborn and IPython imports, %matplotlib, %config InlineBackend) to show what fails
behind them, and nothing is asserted. By hand, `python tests/test_real_cells.py [source ...]`
prints both kernels' outputs cell by cell (REAL_CELLS_DATA=DIR keeps the stores between runs).

The python kernel runs a prelude before the first cell, outside the comparison: stand-ins for
the plotting libraries the test venv lacks (matplotlib, cartopy, hvplot, seaborn) and no-op
`%matplotlib` and `%config InlineBackend...` magics, so the notebooks' set-up cells run as on a
user's machine. Nereus gets nothing.
"""

from __future__ import annotations

import ast
import dataclasses
import html
import math
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from jupyter_client.manager import KernelManager

from conftest import ROOT, iopub_for, shell_reply, stop_kernel

pytestmark = pytest.mark.timeout(600)

HERE = ROOT / "tests" / "real_cells"
MANIFEST = HERE / "manifest.txt"
REPORT = Path(os.environ.get("REAL_CELLS_REPORT", ROOT / "target" / "real_cells.md"))
CELL_TIMEOUT = 120.0

# Cells whose outputs are known to differ, with the reason. A wrong answer is the worst bug:
# list a cell here only when the difference is understood and is not Nereus's to fix.
KNOWN_DIFFERENCES: dict[str, str] = {
    **dict.fromkeys(
        ["xarray_tutorial_groupby:39", "xarray_tutorial_groupby:41", "xarray_tutorial_groupby:54"],
        "float32 rounding: over a constant series (sea ice at -1.8) x - x.mean('time') is exactly "
        "0.0 in Nereus, which accumulates float32 means in float64; numpy accumulates them in "
        "float32 and leaves 5.96e-07 (checked: xarray on float64 values gives 0.0 too)"),
}


def sources() -> list[Path]:
    paths = sorted(p for p in HERE.glob("*.py") if p.name not in ("stores.py", "__init__.py"))
    only = os.environ.get("NEREUS_REAL_CELLS")
    if only:
        names = set(only.split(","))
        paths = [p for p in paths if p.stem in names]
    return paths


# --------------------------------------------------------------------------------------------
# The corpus files


@dataclasses.dataclass
class Cell:
    id: str
    code: str
    compare: str = "full"  # full | structure | error | none
    reason: str = ""


HEADER = re.compile(r"^# %%(?: \[(\d+)\])?(.*)$")


def parse_source(path: Path) -> list[Cell]:
    cells: list[Cell] = []
    current: Cell | None = None
    lines: list[str] = []

    def flush() -> None:
        if current is not None:
            current.code = "\n".join(lines).strip("\n")
            cells.append(current)

    for line in path.read_text().splitlines():
        m = HEADER.match(line)
        if not m:
            if current is not None:
                lines.append(line)
            continue
        flush()
        lines = []
        number = m.group(1) or str(len(cells) + 1)
        rest = m.group(2).strip()
        compare, reason = "full", ""
        cm = re.match(r"compare=(\w+)\s*(.*)", rest)
        if cm:
            compare, reason = cm.group(1), cm.group(2)
            assert compare in ("full", "structure", "error", "none"), (path, line)
        current = Cell(f"{path.stem}:{number}", "", compare, reason)
    flush()
    return cells


# --------------------------------------------------------------------------------------------
# Running cells


PYTHON_PRELUDE = r'''
import sys as _sys, types as _types

class _Anything:
    """Stands in for any plotting object: every attribute, call, item and operator works."""
    def __init__(self, *a, **k): pass
    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return _Anything()
    def __call__(self, *a, **k): return _Anything()
    def __getitem__(self, k): return _Anything()
    def __setitem__(self, k, v): pass
    def __iter__(self): return iter(())
    def __repr__(self): return "<plotting stand-in>"

def _fake(name):
    mod = _types.ModuleType(name)
    mod.__getattr__ = lambda attr: _Anything()
    mod.__path__ = []
    _sys.modules[name] = mod
    return mod

for _name in ["matplotlib", "matplotlib.pyplot", "cartopy", "cartopy.crs", "cartopy.feature",
              "hvplot", "hvplot.xarray", "seaborn"]:
    _fake(_name)
_sys.modules["matplotlib"].pyplot = _sys.modules["matplotlib.pyplot"]
_sys.modules["matplotlib.pyplot"].rcParams = {}
_sys.modules["cartopy"].crs = _sys.modules["cartopy.crs"]
_sys.modules["cartopy"].feature = _sys.modules["cartopy.feature"]
_sys.modules["hvplot"].xarray = _sys.modules["hvplot.xarray"]

_ip = get_ipython()
_ip.register_magic_function(lambda line: None, "line", "matplotlib")
_real_config = _ip.find_line_magic("config")
def _config(line):
    if line.strip().startswith("InlineBackend"):
        return None
    return _real_config(line)
_ip.magics_manager.magics["line"]["config"] = _config
del _name, _ip
'''


@dataclasses.dataclass
class Output:
    kind: str  # result | display
    text: str  # text/plain
    html: str | None = None


@dataclasses.dataclass
class Obs:
    status: str = "ok"  # ok | error | timeout | dead
    ename: str = ""
    evalue: str = ""
    stdout: str = ""
    outputs: list[Output] = dataclasses.field(default_factory=list)
    line: int | None = None  # the cell line an error names ("Cell line N" in Nereus tracebacks)

    def error_line(self) -> str:
        first = (self.evalue or "").strip().splitlines()
        return f"{self.ename}: {first[0] if first else ''}".strip()


PROGRESS = re.compile(r"^\[[#\-]*\] \d+% ")


class Kernel:
    def __init__(self, name: str, env: dict[str, str] | None = None) -> None:
        self.name = name
        self.km = KernelManager(kernel_name=name)
        kwargs: dict[str, Any] = {"cwd": str(ROOT)}
        if env is not None:
            kwargs["env"] = env
        self.km.start_kernel(**kwargs)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)
        self.dead = False

    def run(self, code: str, timeout: float = CELL_TIMEOUT) -> Obs:
        if self.dead:
            return Obs("dead", "KernelDied", "the kernel died in an earlier cell")
        msg_id = self.kc.execute(code, store_history=True, allow_stdin=False)
        try:
            reply = shell_reply(self.kc, msg_id, timeout)
            msgs = iopub_for(self.kc, msg_id, 30)
        except AssertionError as exc:
            if not self.km.is_alive():
                self.dead = True
                return Obs("dead", "KernelDied", "the kernel died running this cell")
            self.dead = True  # state is unknown from here on
            return Obs("timeout", "Timeout", str(exc))
        obs = Obs()
        # A display that is later updated is a progress bar (Nereus shows one for long
        # computations): kernel UI, not an output of the cell.
        updated = {m["content"].get("transient", {}).get("display_id")
                   for m in msgs if m["msg_type"] == "update_display_data"}
        for m in msgs:
            t, c = m["msg_type"], m["content"]
            display_id = (c.get("transient") or {}).get("display_id")
            if t == "display_data" and (display_id in updated or PROGRESS.match(c.get("data", {}).get("text/plain", ""))):
                continue
            if t == "stream" and c["name"] == "stdout":
                obs.stdout += c["text"]
            elif t in ("execute_result", "display_data"):
                data = c.get("data", {})
                obs.outputs.append(Output("result" if t == "execute_result" else "display",
                                          data.get("text/plain", ""), data.get("text/html")))
            elif t == "error":
                obs.status, obs.ename, obs.evalue = "error", c.get("ename", ""), c.get("evalue", "")
                m = re.search(r"Cell line (\d+)", "\n".join(c.get("traceback", [])))
                obs.line = int(m.group(1)) if m else None
        content = reply["content"]
        if content.get("status") != "ok" and obs.status == "ok":
            obs.status = "error"
            obs.ename = content.get("ename", "")
            obs.evalue = content.get("evalue", "")
        return obs

    def evaluate(self, expression: str, timeout: float = CELL_TIMEOUT) -> str | None:
        """The text/plain of a user expression evaluated after the last cell, or None."""
        if self.dead:
            return None
        msg_id = self.kc.execute("", silent=True, store_history=False,
                                 user_expressions={"v": expression}, allow_stdin=False)
        try:
            reply = shell_reply(self.kc, msg_id, timeout)
            iopub_for(self.kc, msg_id, 30)
        except AssertionError:
            return None
        value = reply["content"].get("user_expressions", {}).get("v", {})
        if value.get("status") != "ok":
            return None
        return value.get("data", {}).get("text/plain")

    def stop(self) -> None:
        try:
            stop_kernel(self.km, self.kc)
        except Exception:  # noqa: BLE001 - best effort at teardown
            if self.km.has_kernel:
                self.km.shutdown_kernel(now=True)


# --------------------------------------------------------------------------------------------
# Comparing outputs
#
# Texts are compared as token streams (whitespace ignored: numpy pads and wraps arrays by the
# width of the numbers it prints), numbers to rel 1e-5 / abs 1e-4 or one unit in the last
# printed digit (two sums in a different order can land either side of a rounding boundary).
# Integers must be equal. Normalised on both sides, never a data value:
#   - object addresses (0x...);
#   - dask's graph-layer names and chunk sizes in `dask.array<...>` (dask's choices for a
#     derived array, not an answer; the chunks of an opened store are checked by test_repr);
#   - a lazy placeholder on one side against values on the other (xarray computes eagerly
#     after .load(), Nereus may stay lazy and the other way round): that data block or that
#     variable's preview is not compared.

NUMBER = re.compile(r"-?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|\bnan\b|\binf\b")
TOKEN = re.compile(NUMBER.pattern + r"|\w+|[^\w\s]")
ADDRESS = re.compile(r"\b0x[0-9a-fA-F]+\b")
DASK_NAME = re.compile(r"dask\.array<[^,<>]*, shape=")
CHUNKSIZE = re.compile(r"chunksize=\([^)]*\)")
SECTION = re.compile(r"^(Coordinates:|Dimensions without coordinates:|Data variables:|Attributes:|Indexes:|Dimensions:)")
# A coordinate or variable line of a text repr: name, (dims), dtype, size, then the preview.
VAR_LINE = re.compile(r"^(\s+\*?\s*(\S+)\s+(?:\([^)]*\)\s+)?\S+\s+\d+(?:\.\d+)?[kMGT]?B )(.*)$")


def normalise(text: str) -> str:
    text = ADDRESS.sub("0x…", text)
    text = DASK_NAME.sub("dask.array<…, shape=", text)
    text = CHUNKSIZE.sub("chunksize=(…)", text)
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def _lazy(s: str) -> bool:
    return s.lstrip().startswith(("dask.array<", "[", "..."))


def _blocks(text: str) -> tuple[list[str], list[str], list[str]]:
    """(header, data block, rest) of a DataArray/Variable text repr; else ([], [], lines)."""
    lines = text.splitlines()
    if not lines or not lines[0].startswith("<xarray.") or lines[0].startswith("<xarray.Dataset"):
        return [], [], lines
    end = 1
    while end < len(lines) and not SECTION.match(lines[end]):
        end += 1
    return lines[:1], lines[1:end], lines[end:]


def align_lazy(got: str, want: str) -> tuple[str, str]:
    """Hide data that one side shows as values and the other as a lazy placeholder."""
    gh, gd, gr = _blocks(got)
    wh, wd, wr = _blocks(want)
    if gd and wd and _lazy(gd[0]) != _lazy(wd[0]):
        gd, wd = ["<data>"], ["<data>"]
    gv = {m.group(2): m for m in map(VAR_LINE.match, gr) if m}
    wv = {m.group(2): m for m in map(VAR_LINE.match, wr) if m}

    def fix(lines: list[str], other: dict) -> list[str]:
        out = []
        for line in lines:
            m = VAR_LINE.match(line)
            if m and m.group(2) in other and _lazy(m.group(3)) != _lazy(other[m.group(2)].group(3)):
                line = m.group(1) + "<data>"
            out.append(line)
        return out

    return ("\n".join(gh + gd + fix(gr, wv)), "\n".join(wh + wd + fix(wr, gv)))


def display_free(text: str) -> str:
    """The repr without what display options change: data blocks, variable previews and the
    attribute listing (compared when an earlier set_options/set_printoptions failed)."""
    if text.lstrip().startswith("array("):
        return "<data>"
    head, data, rest = _blocks(text)
    out = head + (["<data>"] if data else [])
    in_attrs = False
    for line in rest:
        if line.startswith("Attributes:"):
            out.append("Attributes:")
            in_attrs = True
            continue
        if in_attrs and line.startswith(" "):
            continue
        in_attrs = False
        m = VAR_LINE.match(line)
        out.append(m.group(1) + "<data>" if m else line)
    return "\n".join(out)


def structure_text(text: str) -> str:
    """What does not depend on data values (for `compare=structure` cells)."""
    return display_free(text)


def _tolerance(token: str) -> float:
    low = token.lower()
    mant, _, exp = low.partition("e")
    decimals = len(mant.split(".")[1]) if "." in mant else 0
    if "." not in mant and not exp:
        return 0.0
    return 1.01 * 10.0 ** ((int(exp) if exp else 0) - decimals)


def same_number(got: str, want: str) -> bool:
    if got == want:
        return True
    if {got, want} & {"nan", "inf", "-inf"}:
        return False
    a, b = float(got), float(want)
    if math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-4 if _tolerance(got) or _tolerance(want) else 0.0):
        return True
    return abs(a - b) <= max(_tolerance(got), _tolerance(want))


def _context(text: str, pos: int) -> str:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return text[start:end if end >= 0 else len(text)].strip()[:160]


def text_diff(got: str, want: str) -> tuple[str, str] | None:
    """None when equal, else (kind, the first difference): kind "numbers" when the token streams
    agree but for a number, else "text"."""
    got, want = normalise(got), normalise(want)
    if got == want:
        return None
    gt, wt = list(TOKEN.finditer(got)), list(TOKEN.finditer(want))
    first_number = None
    for i in range(max(len(gt), len(wt))):
        if i >= len(gt) or i >= len(wt):
            g = _context(got, gt[i].start()) if i < len(gt) else "<end>"
            w = _context(want, wt[i].start()) if i < len(wt) else "<end>"
            return "text", f"nereus {g!r} / python {w!r}"
        a, b = gt[i].group(), wt[i].group()
        an, bn = NUMBER.fullmatch(a), NUMBER.fullmatch(b)
        if an and bn:
            if first_number is None and not same_number(a, b):
                first_number = (i, a, b)
            continue
        if a != b:
            return "text", f"nereus {_context(got, gt[i].start())!r} / python {_context(want, wt[i].start())!r}"
    if first_number:
        i, a, b = first_number
        return "numbers", (f"nereus {_context(got, gt[i].start())!r} / python "
                           f"{_context(want, wt[i].start())!r} ({a} vs {b})")
    return None


OBJ = re.compile(r"class=['\"](?:xr|nr)-obj-(type|name)['\"][^>]*>([^<]*)<")


class HtmlRepr:
    """The structure of an xarray-style HTML repr (class prefix `xr-` or `nr-`)."""

    def __init__(self, text: str) -> None:
        from test_repr import parse

        prefix = "nr" if re.search(r"class=['\"]nr-", text) else "xr"
        r = parse(text, prefix)
        found = {k: html.unescape(v).strip() for k, v in OBJ.findall(text)}
        self.obj_type = found.get("type", "")
        self.obj_name = found.get("name", "")
        self.dims = dict(r.dims)
        self.indexed = sorted(r.indexed)
        self.sections = {k: dict(v) for k, v in r.sections.items() if v}
        self.attrs = sorted(r.attrs)

    def as_dict(self, display_tainted: bool = False) -> dict:
        d = dict(vars(self))
        if display_tainted:
            d.pop("attrs")
        return d


def html_diff(got: str | None, want: str | None, display_tainted: bool = False) -> str | None:
    if want is None or not re.search(r"class=['\"]xr-obj-type", want):
        return None  # not an xarray repr: its text/plain is compared instead
    if got is None:
        return "no text/html from nereus"
    g, w = HtmlRepr(got).as_dict(display_tainted), HtmlRepr(want).as_dict(display_tainted)
    for key in w:
        if g[key] != w[key]:
            return f"html {key}: nereus {g[key]!r} / python {w[key]!r}"
    return None


def output_diff(got: Output, want: Output, mode: str) -> tuple[str, str] | None:
    if mode == "structure":
        d = text_diff(structure_text(got.text), structure_text(want.text))
    else:
        g, w = align_lazy(normalise(got.text), normalise(want.text))
        if mode == "display-free":
            g, w = display_free(g), display_free(w)
        d = text_diff(g, w)
    if d:
        return d[0], f"text/plain {d[1]}"
    h = html_diff(got.html, want.html, mode != "full")
    return ("html", h) if h else None


def error_names(ename: str) -> set[str]:
    """The exception class names that count as raising `ename`: itself and its bases (python
    raises xarray's AlignmentError, a ValueError; Nereus may raise the ValueError)."""
    import builtins

    import xarray  # noqa: F401 - loads the modules whose exception classes are looked up below

    names = {ename}
    candidates = [getattr(builtins, ename, None)]
    candidates += [getattr(m, ename, None) for n, m in list(sys.modules.items())
                   if n.split(".")[0] in ("xarray", "numpy", "pandas") and m is not None]
    for cls in candidates:
        if isinstance(cls, type) and issubclass(cls, BaseException):
            names.update(c.__name__ for c in cls.__mro__ if c not in (BaseException, Exception, object))
    return names


def compare(cell: Cell, got: Obs, want: Obs, display_tainted: bool = False) -> tuple[str, str, str]:
    """(class, kind, detail) for one cell; kind says what differs: "numbers" (the outputs agree
    but for a number), "text" or "html"; "display" when they agree once what display options
    change is left out (and an earlier set_options failed, `display_tainted`)."""
    if cell.compare == "error":
        if want.status == "ok":
            return "python-fails", "", "the cell is marked compare=error but python ran it"
        if got.status != "error":
            return "differs", "text", "python raised, nereus did not"
        if got.ename in error_names(want.ename):
            return "match", "", ""
        return "fails", "", f"{got.error_line()} (python raised {want.ename})"
    if want.status != "ok":
        return "python-fails", "", want.error_line()
    if cell.compare == "none":
        return "skip", "", cell.reason or "not compared"
    if got.status != "ok":
        return "fails", "", got.error_line()
    d = text_diff(got.stdout, want.stdout)
    if d:
        return "differs", d[0], f"stdout {d[1]}"
    if len(got.outputs) != len(want.outputs):
        return "differs", "text", (
            f"{len(got.outputs)} outputs from nereus, {len(want.outputs)} from python: "
            f"nereus {[o.text[:60] for o in got.outputs]!r} / python {[o.text[:60] for o in want.outputs]!r}")
    mode = "structure" if cell.compare == "structure" else "full"
    for g, w in zip(got.outputs, want.outputs):
        d = output_diff(g, w, mode)
        if d and d[0] != "numbers" and display_tainted and not output_diff(g, w, "display-free"):
            return "differs", "display", d[1]
        if d:
            return "differs", d[0], d[1]
    return "match", "", ""


def last_expression(code: str) -> str | None:
    """What the cell leaves to look at: the source of its last statement when that is an
    expression (what the cell shows), or the name its last statement assigns to."""
    tree = _tree(code)
    if tree is None or not tree.body:  # type: ignore[attr-defined]
        return None
    last = tree.body[-1]  # type: ignore[attr-defined]
    if isinstance(last, ast.Assign) and len(last.targets) == 1 and isinstance(last.targets[0], ast.Name):
        return last.targets[0].id
    if not isinstance(last, ast.Expr) or code.rstrip().endswith(";"):
        return None
    return ast.get_source_segment("\n".join(code.splitlines()), last)


def hides_values(got: Obs, want: Obs) -> bool:
    """Either side shows a lazy placeholder instead of values, or nothing at all."""
    return not want.outputs or any("dask.array<" in o.text for o in got.outputs + want.outputs)


def check_values(cell: Cell, code: str, nereus: "Kernel", python: "Kernel") -> tuple[str, str] | None:
    """When a matching cell showed no values (a lazy placeholder on either side, or no output),
    evaluate `(<last expression or assigned name>).compute()` in both kernels (a user expression: the cell and the session
    are left as they are) and compare the computed reprs. When their layouts differ (numpy
    switches to scientific notation when one side holds a -2e-7 where the other holds 0, and
    xarray cuts long reprs by lines), compare `.values` of the computed DataArray (numpy's
    summary picks elements, not lines). None when they agree or cannot be compared; else
    (kind, detail), and "unchecked" as kind when the values could not be lined up."""
    expr = last_expression(code)
    if expr is None:
        return None
    d = None
    for suffix in (".compute()", ".compute().values"):
        want = python.evaluate(f"({expr}){suffix}")
        got = nereus.evaluate(f"({expr}){suffix}")
        if want is None or got is None:
            break
        if os.environ.get("NEREUS_REAL_CELLS_DEBUG"):
            print(f"--- computed {cell.id}: ({expr}){suffix}\n{got}\n--- python\n{want}")
        d = text_diff(got, want)
        if d is None or d[0] == "numbers":
            break
    if d is None:
        return None
    if d[0] != "numbers":
        return "unchecked", f"computed values could not be lined up: {d[1]}"
    return d[0], f"computed values: {d[1]}"


# --------------------------------------------------------------------------------------------
# Which failures later cells inherit


MAGIC = re.compile(r"^\s*(?:[%!?]|.*\?\s*$)")
DISPLAY_OPTIONS = re.compile(r"\b(?:set_options|set_printoptions)\s*\(")


def _tree(code: str) -> ast.AST | None:
    lines = ["pass" if MAGIC.match(line) else line for line in code.splitlines()]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def bound_names(code: str, before: int | None = None) -> set[str]:
    """Names a cell binds (assignments, imports, defs, loop targets); with `before`, only those
    bound by top-level statements that end before that line (they ran before an error there)."""
    tree = _tree(code)
    names: set[str] = set()
    if tree is None:
        return names
    for stmt in tree.body:  # type: ignore[attr-defined]
        if before is not None and (stmt.end_lineno or stmt.lineno) >= before:
            continue
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).split(".")[0] for a in node.names)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
    return names


def read_names(code: str) -> set[str]:
    tree = _tree(code)
    if tree is None:
        return set()
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


@dataclasses.dataclass
class Inherited:
    """What earlier Nereus failures left behind in one source's session."""

    names: dict[str, str] = dataclasses.field(default_factory=dict)  # name -> failed cell
    display: str = ""  # the failed cell that set display options

    def update(self, cell: Cell, got: Obs) -> None:
        bound = bound_names(cell.code)
        ran = bound if got.status == "ok" else bound_names(cell.code, got.line or 0)
        for name in ran:
            self.names.pop(name, None)
        for name in bound - ran:
            self.names.setdefault(name, cell.id)
        if got.status != "ok" and not self.display:
            lines = cell.code.splitlines()
            tail = "\n".join(lines[(got.line or 1) - 1:]) if got.line else cell.code
            if DISPLAY_OPTIONS.search(tail):
                self.display = cell.id

    def blame(self, cell: Cell) -> str:
        """The earlier failed cell that should have bound a name this cell reads, or ""."""
        for name in sorted(read_names(cell.code) - bound_names(cell.code)):
            if name in self.names:
                return self.names[name]
        return ""


# --------------------------------------------------------------------------------------------
# The run


@dataclasses.dataclass
class Result:
    cell: Cell
    cls: str
    detail: str
    nereus: Obs
    python: Obs
    cause: str = ""  # for a failure: the error, or "after <cell>" when it is inherited


NAME_ERROR = re.compile(r"name '(\w+)' is not defined")
PLOT_IMPORT = re.compile(
    r"^\s*(?:import\s+(?:matplotlib|cartopy|hvplot|seaborn)\b.*"
    r"|from\s+(?:matplotlib|cartopy|hvplot|seaborn|IPython)\b.*"
    r"|%(?:matplotlib|config\s+InlineBackend)\b.*)$")


def probe(code: str) -> str:
    """The cell without its plotting set-up lines (NEREUS_REAL_CELLS_PROBE=1 only)."""
    return "\n".join("pass" if PLOT_IMPORT.match(line) else line for line in code.splitlines())


def run_source(path: Path, data: Path, python_env: dict[str, str], probing: bool = False) -> list[Result]:
    cells = parse_source(path)
    nereus = Kernel("nereus")
    python = Kernel("python3", env=python_env)
    results = []
    inherited = Inherited()
    try:
        prelude = python.run(PYTHON_PRELUDE)
        assert prelude.status == "ok", prelude
        for cell in cells:
            code = cell.code.replace("<DATA>", str(data))
            want = python.run(code)
            got = nereus.run(probe(code) if probing else code)
            cls, kind, detail = compare(cell, got, want, bool(inherited.display))
            if cls == "match" and hides_values(got, want):
                d = check_values(cell, code, nereus, python)
                if d and d[0] == "unchecked":
                    detail = d[1]
                elif d:
                    cls, kind, detail = "differs", d[0], d[1]
                    if kind != "numbers" and inherited.display:
                        kind = "display"
            cause = ""
            if cls == "fails":
                m = NAME_ERROR.search(got.evalue)
                if got.ename == "NameError" and m and m.group(1) in inherited.names:
                    cause = f"after {inherited.names[m.group(1)]}"
                else:
                    cause = got.error_line()
            elif cls == "differs" and kind == "display":
                # Differs only in what display options change, and an earlier
                # set_options/set_printoptions failed in Nereus: not this cell's wrong answer.
                cls, detail = "differs-after-failure", f"{detail} (after {inherited.display} failed)"
            elif cls == "differs" and kind != "numbers" and inherited.blame(cell):
                # Reads a variable an earlier failed cell should have (re)bound. Differing
                # numbers are always a wrong answer.
                cls, detail = "differs-after-failure", f"{detail} (after {inherited.blame(cell)} failed)"
            results.append(Result(cell, cls, detail, got, want, cause))
            inherited.update(cell, got)
    finally:
        nereus.stop()
        python.stop()
    return results


def cell_order(cell_id: str) -> tuple[str, int, str]:
    source, _, number = cell_id.partition(":")
    return (source, int(number) if number.isdigit() else 0, number)


def manifest() -> set[str]:
    if not MANIFEST.exists():
        return set()
    return {line.split("#")[0].strip() for line in MANIFEST.read_text().splitlines()} - {""}


SCORED = ("match", "differs", "differs-after-failure", "fails")


def summary(results: list[Result], probing: bool = False) -> str:
    scored = [r for r in results if r.cls in SCORED]
    matched = sum(r.cls == "match" for r in scored)
    count = lambda cls: sum(r.cls == cls for r in results)  # noqa: E731
    lines = ["# Real notebook cells in Nereus", ""]
    if probing:
        lines += ["**PROBE run (NEREUS_REAL_CELLS_PROBE=1): Nereus ran the cells without their plotting "
                  "set-up lines (matplotlib/cartopy/hvplot/seaborn/IPython imports, %matplotlib, "
                  "%config InlineBackend). Not the score.**", ""]
    lines += [
        f"**{matched} of {len(scored)} cells run and match** "
        f"({count('differs')} differ, {count('differs-after-failure')} differ after an earlier failure, "
        f"{count('fails')} fail in Nereus, {count('skip')} not compared, "
        f"{count('python-fails')} fail in python).",
        "",
    ]
    by_source: dict[str, list[Result]] = {}
    for r in results:
        by_source.setdefault(r.cell.id.split(":")[0], []).append(r)
    for source, rs in by_source.items():
        ok = sum(r.cls == "match" for r in rs)
        n = sum(r.cls in SCORED for r in rs)
        lines += [f"## {source}: {ok} of {n}", "", "| cell | status | detail |", "|---|---|---|"]
        for r in rs:
            detail = r.detail
            if r.cls == "fails" and r.cause.startswith("after "):
                detail = f"{detail} ({r.cause})"
            detail = detail.replace("|", "\\|").replace("\n", " ")
            if len(detail) > 300:
                detail = detail[:300] + "…"
            lines.append(f"| {r.cell.id} | {r.cls} | {detail} |")
        lines.append("")
    own: dict[str, list[str]] = {}
    inherited: dict[str, int] = {}
    after = {r.cell.id: r.cause.removeprefix("after ") for r in results if r.cause.startswith("after ")}
    for r in results:
        if r.cls != "fails":
            continue
        if r.cell.id in after:
            root = after[r.cell.id]
            while root in after:  # a chain: 'xr' was not bound, so neither was 'ds', ...
                root = after[root]
            inherited[root] = inherited.get(root, 0) + 1
        else:
            own.setdefault(r.cause, []).append(r.cell.id)
    if own:
        lines += ["## Nereus errors, by message", "",
                  "Each failing cell once; the last column counts the later cells that fail only "
                  "because these did (a NameError on a name they should have bound, directly or "
                  "through a chain of such cells).", "",
                  "| cells | error | where | later cells blocked |", "|---|---|---|---|"]
        for msg, ids in sorted(own.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            blocked = sum(inherited.get(i, 0) for i in ids)
            lines.append(f"| {len(ids)} | {msg.replace('|', chr(92) + '|')} | {', '.join(ids)} | {blocked} |")
        lines.append("")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    sys.path.insert(0, str(HERE))
    try:
        import stores  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(HERE))
    return stores.write_all(tmp_path_factory.mktemp("real-cells-data"))


def python_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONSTARTUP", None)
    env["PYTHONWARNINGS"] = "ignore"
    env.setdefault("MPLBACKEND", "agg")
    return env


def test_real_cells(data: Path) -> None:
    probing = os.environ.get("NEREUS_REAL_CELLS_PROBE") == "1"
    results: list[Result] = []
    for path in sources():
        results += run_source(path, data, python_env(), probing)
    text = summary(results, probing)
    print("\n" + text)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(text + "\n")
    if probing:
        return

    matching = sorted((r.cell.id for r in results if r.cls == "match"), key=cell_order)
    if os.environ.get("NEREUS_REAL_CELLS_UPDATE") == "1":
        MANIFEST.write_text(
            "# Cells of tests/real_cells that run unchanged in Nereus and match ipykernel + xarray.\n"
            "# A ratchet: tests/test_real_cells.py fails when one of them stops matching.\n"
            "# Regenerate with NEREUS_REAL_CELLS_UPDATE=1 (after checking the report).\n"
            + "\n".join(matching) + "\n")

    problems = []
    for r in results:
        if r.cls == "differs" and r.cell.id not in KNOWN_DIFFERENCES:
            problems.append(f"WRONG ANSWER {r.cell.id}: {r.detail}")
        if r.cls == "python-fails":
            problems.append(f"python fails {r.cell.id} (fix the corpus): {r.detail}")
    ran = {r.cell.id: r for r in results}
    for cell_id in sorted(manifest() & set(ran)):
        r = ran[cell_id]
        if r.cls != "match":
            problems.append(f"REGRESSION {cell_id} ({r.cls}): {r.detail}")
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------------------------
# By hand: `python tests/test_real_cells.py [source ...]` shows both kernels' outputs per cell.


def _show(names: list[str]) -> None:
    import tempfile

    import conftest

    conftest._bootstrap_environment()
    sys.path.insert(0, str(HERE))
    import stores  # type: ignore[import-not-found]

    out = Path(os.environ.get("REAL_CELLS_DATA") or tempfile.mkdtemp(prefix="real-cells-"))
    if not (out / "rasm.zarr").exists():
        stores.write_all(out)
    for path in sources():
        if names and path.stem not in names:
            continue
        for r in run_source(path, out, python_env(), os.environ.get("NEREUS_REAL_CELLS_PROBE") == "1"):
            print(f"=== {r.cell.id}: {r.cls} {r.detail}")
            print(r.cell.code)
            for who, o in (("python", r.python), ("nereus", r.nereus)):
                print(f"--- {who}: {o.status} {o.error_line() if o.status != 'ok' else ''}")
                if o.stdout:
                    print(o.stdout.rstrip())
                for out_ in o.outputs:
                    print(f"[{out_.kind}]{' +html' if out_.html else ''}")
                    print(out_.text)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "tests"))
    _show(sys.argv[1:])
