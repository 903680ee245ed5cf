"""The oracle's structural cases: transpose, rename, expand_dims, squeeze, astype, round, clip,
concat (existing and new dims, across chunk edges) and merge (outer join, conflicts).

`apply` is called by `cases.apply_ops` for the op kinds in `KINDS`; the Rust half is
`engine/tests/oracle/structure.rs`.
"""

from __future__ import annotations

from typing import Any, Callable

import xarray as xr

KINDS = {"transpose", "rename", "expand_dims", "squeeze", "astype", "round", "clip", "concat", "merge"}


def apply(ds: xr.Dataset, da: xr.DataArray, op: dict, cast: bool, apply_ops: Callable[..., Any]) -> xr.DataArray:
    """One structural op on `da` with xarray (`apply_ops` builds a merge's other operand)."""
    kind = op["op"]
    if kind == "transpose":
        return da.transpose(*(... if d == "..." else d for d in op["dims"]))
    if kind == "rename":
        return da.rename(op["names"])
    if kind == "expand_dims":
        return da.expand_dims(op["dims"])
    if kind == "squeeze":
        return da.squeeze(op.get("dim"))
    if kind == "astype":
        return da.astype(op["dtype"])
    if kind == "round":
        return da.round(op["decimals"])
    if kind == "clip":
        return da.clip(op.get("min"), op.get("max"))
    if kind == "concat":
        # Each part is `da` through a list of isel ops (positional indexers only).
        parts = []
        for part in op["parts"]:
            p = da
            for sel in part:
                p = p.isel({d: slice(*v["slice"]) if isinstance(v, dict) else v for d, v in sel["indexers"].items()})
            parts.append(p)
        return xr.concat(parts, op["dim"], join=op.get("join", "outer"), coords="different", compat="equals")
    other = apply_ops(ds, op["other"]["var"], op["other"].get("ops", []), cast)
    names = ("a", "a" if op.get("conflict") else "b")
    merged = xr.merge([da.rename(names[0]), other.rename(names[1])], join="outer", compat="no_conflicts")
    return merged[op.get("take", "a")]


def _isel(**ix: Any) -> dict:
    return {"op": "isel", "indexers": ix}


def _s(a: Any, b: Any) -> dict:
    return {"slice": [a, b, None]}


def value_ops() -> list[tuple[str, list[dict], bool]]:
    """(name, ops, coords) on the main store's sst (13 x 10 x 20, chunks 5 x 4 x 8)."""
    mean_time = {"op": "reduce", "func": "mean", "dim": ["time"], "skipna": True}
    concat = lambda dim, *parts: {"op": "concat", "dim": dim, "parts": [list(p) for p in parts]}  # noqa: E731
    merge = lambda var, *ops, **kw: {"op": "merge", "other": {"var": var, "ops": list(ops)}, **kw}  # noqa: E731
    halves = [{"op": "unary", "func": "floor"}, {"op": "binary", "func": "add", "scalar": 0.5}]
    return [
        ("transpose-lon-time-lat", [{"op": "transpose", "dims": ["lon", "time", "lat"]}], True),
        ("transpose-reverse-then-mean", [{"op": "transpose", "dims": []}, mean_time], True),
        ("transpose-ellipsis", [{"op": "transpose", "dims": ["lon", "..."]}], True),
        ("rename-lat", [{"op": "rename", "names": {"lat": "latitude"}}], True),
        ("expand-dims-member", [{"op": "expand_dims", "dims": {"member": 2}}], True),
        ("expand-dims-scalar-coord", [_isel(time=4), {"op": "expand_dims", "dims": ["time"]}], True),
        ("squeeze-all", [_isel(time=_s(3, 4)), {"op": "squeeze"}], True),
        ("squeeze-lat", [_isel(lat=_s(2, 3)), {"op": "squeeze", "dim": "lat"}], True),
        ("astype-float64", [{"op": "astype", "dtype": "float64"}], False),
        ("astype-int16", [{"op": "fillna", "value": 0.0}, {"op": "astype", "dtype": "int16"}], False),
        ("astype-int32-neg", [{"op": "fillna", "value": 0.0}, {"op": "binary", "func": "sub", "scalar": 15.5},
                              {"op": "astype", "dtype": "int32"}], False),
        ("round-1", [{"op": "round", "decimals": 1}], False),
        ("round-neg1", [{"op": "round", "decimals": -1}], False),
        ("round-half-even", halves + [{"op": "round", "decimals": 0}], False),
        ("clip-both", [{"op": "clip", "min": 5.0, "max": 20.0}], False),
        ("clip-min", [{"op": "clip", "min": 25.0}], False),
        ("clip-max-int", [{"op": "clip", "max": 10}], False),
        ("concat-time-chunk-edges", [concat("time", [_isel(time=_s(0, 3))], [_isel(time=_s(3, 11))],
                                            [_isel(time=_s(11, None))])], True),
        ("concat-lon-reordered", [concat("lon", [_isel(lon=_s(7, None))], [_isel(lon=_s(0, 7))])], True),
        ("concat-new-dim", [concat("member", [_isel(time=0)], [_isel(time=5)], [_isel(time=9)])], True),
        ("concat-existing-from-scalars", [concat("time", [_isel(time=2)], [_isel(time=6)])], True),
        ("concat-then-mean", [concat("time", [_isel(time=_s(0, 6))], [_isel(time=_s(6, None))]), mean_time], True),
        ("concat-outer-lat", [concat("time", [_isel(time=_s(0, 4), lat=_s(0, 6))], [_isel(time=_s(4, 8), lat=_s(3, 9))])], True),
        *[(f"concat-{join}-lat", [{**concat("time", [_isel(time=_s(0, 4), lat=_s(0, 6))], [_isel(time=_s(4, 8), lat=_s(3, 9))]),
                                   "join": join}], True) for join in ("inner", "left", "right")],
        ("merge-outer-a", [_isel(lat=_s(0, 7)), merge("sst", _isel(lat=_s(4, None)))], True),
        ("merge-outer-b", [_isel(lat=_s(0, 7)), merge("sst", _isel(lat=_s(4, None)), take="b")], True),
        ("merge-broadcast-clim", [_isel(lon=_s(0, 12)), merge("clim", _isel(lon=_s(5, None)), take="b")], True),
        ("merge-same-values", [merge("sst", conflict=True)], True),
    ]


def chunk_case() -> list[dict]:
    """A concat whose pieces cut the storage chunks: its chunks must be dask's."""
    return dict((name, ops) for name, ops, _ in value_ops())["concat-time-chunk-edges"]


def error_ops() -> list[tuple[str, str, list[dict], list[str]]]:
    """(name, var, ops, substrings the error must contain) on the main store."""
    return [
        ("concat-exact-mismatch", "sst", [{"op": "concat", "dim": "time", "join": "exact",
                                           "parts": [[_isel(time=_s(0, 4), lat=_s(0, 6))], [_isel(time=_s(4, 8), lat=_s(3, 9))]]}],
         ["cannot align objects with join='exact'"]),
        ("merge-conflict", "sst", [{"op": "merge", "other": {"var": "sst", "ops": [{"op": "binary", "func": "add", "scalar": 1.0}]},
                                    "conflict": True}],
         ["conflicting values for variable 'a' on objects to be combined"]),
        ("transpose-not-permutation", "sst", [{"op": "transpose", "dims": ["lat"]}],
         ["('lat',) must be a permuted list of ('time', 'lat', 'lon'), unless `...` is included"]),
        ("squeeze-long-dim", "sst", [{"op": "squeeze", "dim": "lat"}],
         ["cannot select a dimension to squeeze out which has length greater than one"]),
        ("expand-dims-existing", "sst", [{"op": "expand_dims", "dims": ["lat"]}], ["Dimension lat already exists."]),
        ("rename-missing", "sst", [{"op": "rename", "names": {"lattitude": "y"}}],
         ["cannot rename 'lattitude' because it is not a variable or dimension in this dataset"]),
    ]
