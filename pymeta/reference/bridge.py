"""Run R's `meta` through rpy2 to get reference results for parity tests.

Usage::

    from pymeta.reference.bridge import RMeta
    r = RMeta()
    ok, reason = r.available()
    out = r.run("metacont", {"n_e": [...], "mean_e": [...], ...}, ["TE.common", "tau2"])
    out["values"]["TE.common"]

Arguments: Python names use underscores and become R's dotted names
(``method_tau`` -> ``method.tau``); names without underscores pass unchanged.
Values: None omits the argument; bool -> logical; str -> character;
int/float/numpy arrays -> double vectors with NaN sent as NA_real_;
sequences of str -> character vectors; booleans with None -> logical vectors with NA.

Results (`run` returns one dict, `run_many` a list of them)::

    {"ok": bool, "error": str | None, "warnings": [str], "messages": [str],
     "values": {field: value}}

with each value converted as: component absent/NULL (or not an atomic
vector) -> None; NA -> float("nan"); double of length 1 -> float, longer or
empty -> numpy float array; character -> str (length 1) or list of str;
logical -> bool (length 1) or list of bool. Integers arrive as doubles.
`values` is empty when ok is False.

R is embedded once per process and is not thread-safe: call from one thread.
"""

from __future__ import annotations

import math
from typing import Any, Iterable, Sequence

import numpy as np

from .versions import FIX, R_REFERENCE_DIR, mismatches

_R_SCRIPT = R_REFERENCE_DIR / "pymeta_ref.R"

# Per-process state, shared by all RMeta instances.
_state: dict[str, Any] = {"loaded": False, "error": None}


def _load() -> None:
    """Start embedded R, source pymeta_ref.R and attach meta (once)."""
    if _state["loaded"]:
        return
    if _state["error"] is not None:
        raise RuntimeError(_state["error"])
    try:
        import rpy2.rinterface as ri
        import rpy2.robjects as ro
    except Exception as exc:  # ImportError, or R failing to start
        _state["error"] = f"rpy2/R unavailable: {exc!r}; {FIX} and use /usr/bin/python3"
        raise RuntimeError(_state["error"]) from exc
    has_meta = ro.r('suppressPackageStartupMessages(requireNamespace("meta", quietly = TRUE))')[0]
    if not has_meta:
        _state["error"] = f"R package meta is not installed; {FIX}"
        raise RuntimeError(_state["error"])
    ro.r("suppressPackageStartupMessages(library(meta))")
    ro.r["source"](str(_R_SCRIPT))
    _state.update(
        loaded=True,
        ri=ri,
        ro=ro,
        run=ro.globalenv["pymeta_ref_run"],
        run_many=ro.globalenv["pymeta_ref_run_many"],
        versions=ro.globalenv["pymeta_ref_versions"],
    )


# ---------------------------------------------------------------- Python -> R


def r_name(name: str) -> str:
    """Python keyword to R argument name: ``n_e`` -> ``n.e``."""
    return name.replace("_", ".")


def _float_vector(values: Iterable[float]):
    ro = _state["ro"]
    return ro.FloatVector([ro.NA_Real if math.isnan(v) else v for v in values])


def _to_r(value: Any):
    """Convert one argument value to an R vector."""
    ro = _state["ro"]
    if isinstance(value, (bool, np.bool_)):
        return ro.BoolVector([bool(value)])
    if isinstance(value, str):
        return ro.StrVector([value])
    if isinstance(value, dict):   # e.g. control = list(maxiter = 1000, tau2.min = 0)
        lst = ro.vectors.ListVector.from_length(len(value))
        for i, v in enumerate(value.values()):
            lst[i] = _to_r(v)
        lst.names = ro.StrVector([r_name(k) for k in value])
        return lst
    if isinstance(value, (int, float, np.integer, np.floating)):
        return _float_vector([float(value)])
    arr = np.asarray(value)
    if arr.ndim > 1:
        raise ValueError(f"arguments must be scalars or 1-d, got shape {arr.shape}")
    arr = arr.reshape(-1)
    kind = arr.dtype.kind
    if kind == "b":
        return ro.BoolVector(arr.tolist())
    if kind in "iuf":
        return _float_vector(arr.astype(float).tolist())
    if kind in "USO":
        items = arr.tolist()
        if any(isinstance(x, bool) for x in items) and \
                all(x is None or isinstance(x, bool) for x in items):   # logical with NA
            return ro.BoolVector([ro.NA_Logical if x is None else x for x in items])
        if all(x is None or isinstance(x, str) for x in items):
            return ro.StrVector([ro.NA_Character if x is None else x for x in items])
        return _float_vector(np.asarray(items, dtype=float).tolist())
    raise TypeError(f"cannot pass {arr.dtype} values to R")


def _args_to_r(args: dict[str, Any]):
    """A named R list; None-valued arguments are left out."""
    ro = _state["ro"]
    pairs = [(r_name(k), _to_r(v)) for k, v in args.items() if v is not None]
    lst = ro.vectors.ListVector.from_length(len(pairs))
    for i, (_, v) in enumerate(pairs):
        lst[i] = v
    lst.names = ro.StrVector([k for k, _ in pairs])
    return lst


# ---------------------------------------------------------------- R -> Python


def _from_r(x: Any) -> Any:
    """Convert an atomic R vector (or NULL) as described in the module doc."""
    ri = _state["ri"]
    if x is None or isinstance(x, ri.NULLType):
        return None
    if isinstance(x, (ri.FloatSexpVector, ri.IntSexpVector)):
        # NA_real_ is a NaN already; NA_integer_ must be mapped by hand.
        arr = np.array([float("nan") if v is ri.NA_Integer else v for v in x], dtype=float)
        return float(arr[0]) if arr.size == 1 else arr
    if isinstance(x, ri.BoolSexpVector):
        items = [float("nan") if v is ri.NA_Logical else bool(v) for v in x]
    elif isinstance(x, ri.StrSexpVector):
        items = [float("nan") if v is ri.NA_Character else str(v) for v in x]
    else:
        raise TypeError(f"unexpected R value of type {type(x).__name__}")
    return items[0] if len(items) == 1 else items


def _strings(x: Any) -> list[str]:
    return [str(v) for v in x]


def _result(res: Any) -> dict:
    """Convert one pymeta_ref_run() result list."""
    parts = dict(zip(res.names, res))
    missing = set(_strings(parts["missing"]))
    values_r = parts["values"]
    names = list(values_r.names) if len(values_r) else []
    values = {n: (None if n in missing else _from_r(v)) for n, v in zip(names, values_r)}
    error = parts["error"][0]
    return {
        "ok": bool(parts["ok"][0]),
        "error": None if error is _state["ri"].NA_Character else str(error),
        "warnings": _strings(parts["warnings"]),
        "messages": _strings(parts["messages"]),
        "values": values,
        "seconds": float(parts["seconds"][0]),   # the meta call alone, timed in R
        "timeout": bool(parts["timeout"][0]) if "timeout" in parts else False,
    }


# ---------------------------------------------------------------- public API


class RMeta:
    """Reference runner for R's meta; all instances share one embedded R."""

    def available(self) -> tuple[bool, str]:
        """(True, "") if R, meta and the pinned versions are all in place."""
        try:
            _load()
        except RuntimeError as exc:
            return False, str(exc)
        problems = mismatches(self.versions())
        if problems:
            return False, "version mismatch: " + "; ".join(problems) + f"; {FIX}"
        return True, ""

    def versions(self) -> dict[str, str | None]:
        """Versions of R, meta, metafor, CompQuadForm and metabook."""
        _load()
        v = _state["versions"]()
        na = _state["ri"].NA_Character
        return {n: (None if x is na else str(x)) for n, x in zip(v.names, v)}

    def run(self, fun: str, args: dict[str, Any], fields: Sequence[str], *,
            post: str | None = None, post_args: dict[str, Any] | None = None) -> dict:
        """Call meta::<fun>(**args) and return the requested result fields.

        With ``post`` (e.g. "metainf", "metacum", "update") the result ``m`` is passed on
        as ``post(m, **post_args)`` and the fields are taken from that second object.
        """
        _load()
        ro = _state["ro"]
        if post is None:
            res = _state["run"](ro.StrVector([fun]), _args_to_r(args),
                                ro.StrVector(list(fields)))
        else:
            res = _state["run"](ro.StrVector([fun]), _args_to_r(args),
                                ro.StrVector(list(fields)), True, ro.StrVector([post]),
                                _args_to_r(post_args or {}))
        return _result(res)

    def run_many(
        self, fun: str, list_of_args: Sequence[dict[str, Any]], fields: Sequence[str],
        time_limit: float | None = None,
    ) -> list[dict]:
        """`run` for many argument sets, in one R call. With ``time_limit`` (seconds) a
        case R has not finished by then stops with ``timeout`` True (R checks the limit
        between its own steps, so it can overrun by one compiled call)."""
        _load()
        ro = _state["ro"]
        batch = ro.vectors.ListVector.from_length(len(list_of_args))
        for i, args in enumerate(list_of_args):
            batch[i] = _args_to_r(args)
        limit = math.inf if time_limit is None else float(time_limit)
        res = _state["run_many"](ro.StrVector([fun]), batch, ro.StrVector(list(fields)),
                                 ro.FloatVector([limit]))
        return [_result(r) for r in res]

    def set_matprod(self, mode: str) -> None:
        """R's ``options(matprod = mode)``: "default" or "internal" (R's own variation)."""
        if mode not in ("default", "internal", "blas", "default.simd"):
            raise ValueError(mode)
        _load()
        _state["ro"].r(f'options(matprod = "{mode}")')

    def rpy2_version(self) -> str:
        import rpy2
        return rpy2.__version__
