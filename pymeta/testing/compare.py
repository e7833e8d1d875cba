"""Field-by-field comparison of a pymeta result with R meta's list for the same call."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import tolerance as T

__all__ = ["FieldDiff", "compare_field", "compare_result", "worst", "fields_to_compare"]


@dataclass(frozen=True)
class FieldDiff:
    field: str
    abs_diff: float
    rel_diff: float
    allowed: float        # the absolute difference the contract allows here
    ok: bool
    detail: str = ""

    @property
    def excess(self) -> float:
        """How far over the allowance (<= 1 passes)."""
        if not math.isfinite(self.abs_diff):
            return math.inf
        return self.abs_diff / self.allowed if self.allowed > 0 else (0.0 if self.abs_diff == 0 else math.inf)


def fields_to_compare(result_cls) -> tuple:
    """R's names of every field of ``result_cls`` that the contract covers."""
    from ..result import r_name
    return tuple(r_name(n) for n in result_cls.field_names() if r_name(n) not in T.EXCLUDED_FIELDS)


def _as_values(x):
    """Normalise R/pymeta values: None (R NULL) -> (), scalars -> 1-tuples, None elements
    -> NaN (NA)."""
    if x is None:
        return ()
    if isinstance(x, (str, bool, np.bool_)):
        return (x,)
    if isinstance(x, dict):   # an R list of single values (args.transf): its values
        return tuple(float(v) if isinstance(v, (int, float)) and not isinstance(v, bool)
                     else v for v in x.values())
    if isinstance(x, (tuple, list)):
        vals = tuple(x)
    else:
        a = np.atleast_1d(np.asarray(x))
        vals = tuple(a.ravel(order="F").tolist())   # matrices column by column, as R does
    # None inside a vector is pymeta's NA of a character vector (R's NA_character_)
    return tuple(math.nan if v is None else v for v in vals)


def _floor(field: str, median_var: float) -> float:
    if field in T.VARIANCE_FIELDS and math.isfinite(median_var):
        return max(T.ABS_FLOOR, T.VAR_FLOOR_FACTOR * median_var)
    if field in T.SD_FIELDS and math.isfinite(median_var):
        return max(T.ABS_FLOOR, math.sqrt(T.VAR_FLOOR_FACTOR * median_var))
    return T.ABS_FLOOR


def compare_field(field: str, py, r, median_var: float = math.nan) -> FieldDiff:
    """Compare one field; NA must meet NA, strings/logicals must be equal."""
    pv, rv = _as_values(py), _as_values(r)
    # R's NULL for an all-NA vector (e.g. metacont drops an all-NA df)
    if not rv and all(isinstance(v, float) and math.isnan(v) for v in pv):
        return FieldDiff(field, 0.0, 0.0, T.ABS_FLOOR, True)
    if len(pv) != len(rv):
        if len(rv) == 1 and len(pv) > 1 and all(v == pv[0] for v in pv):
            pv = pv[:1]
        elif len(pv) == 1 and len(rv) > 1 and all(v == rv[0] or (v != v and rv[0] != rv[0]) for v in rv):
            rv = rv[:1]
        else:
            return FieldDiff(field, math.inf, math.inf, 0.0, False,
                             f"length {len(pv)} vs R {len(rv)}: {pv!r} vs {rv!r}")
    floor = _floor(field, median_var)
    worst_abs = worst_rel = worst_ratio = 0.0
    allowed_at_worst = floor
    ok = True
    detail = ""
    for a, b in zip(pv, rv):
        if isinstance(a, str) or isinstance(b, str) or isinstance(a, (bool, np.bool_)) \
                or isinstance(b, (bool, np.bool_)):
            if a != b and not (isinstance(a, (bool, np.bool_)) and isinstance(b, (int, float))
                               and float(a) == float(b)):
                return FieldDiff(field, math.inf, math.inf, 0.0, False, f"{a!r} vs R {b!r}")
            continue
        a, b = float(a), float(b)
        if math.isnan(a) or math.isnan(b):
            if not (math.isnan(a) and math.isnan(b)):
                return FieldDiff(field, math.inf, math.inf, 0.0, False, f"{a!r} vs R {b!r}")
            continue
        if math.isinf(a) or math.isinf(b):
            if a != b:
                return FieldDiff(field, math.inf, math.inf, 0.0, False, f"{a!r} vs R {b!r}")
            continue
        d = abs(a - b)
        rel = d / abs(b) if b != 0 else (0.0 if d == 0 else math.inf)
        allowed = max(T.RTOL * abs(b), floor)
        if d > allowed:
            ok = False
            detail = f"{a!r} vs R {b!r}"
        if d / allowed >= worst_ratio:
            worst_ratio, worst_abs, worst_rel, allowed_at_worst = d / allowed, d, rel, allowed
    return FieldDiff(field, worst_abs, worst_rel, allowed_at_worst, ok, detail)


def compare_result(result, r_values: dict, fields=None) -> list:
    """Compare every contract field of a pymeta ``result`` with R's ``r_values``."""
    d = result.to_dict()
    seTE = np.asarray(result.seTE, dtype=float)
    seTE = seTE[np.isfinite(seTE)]
    median_var = float(np.median(seTE ** 2)) if seTE.size else math.nan
    names = fields if fields is not None else fields_to_compare(type(result))
    return [compare_field(f, d.get(f), r_values.get(f), median_var) for f in names]


def worst(diffs) -> FieldDiff | None:
    """The field furthest from R, relative to its allowance."""
    diffs = list(diffs)
    return max(diffs, key=lambda x: x.excess) if diffs else None
