"""Argument handling shared by the meta functions: data columns, numeric checks, choices.

R meta's counterparts: ``catch`` (take an argument from ``data``), ``chknumeric``,
``chklength``, ``setchar`` (case-insensitive unique-prefix matching of a character
argument) and ``setstudlab``. Errors name the argument with R's dotted name and, where one
study is at fault, the study.
"""
from __future__ import annotations

import math
import warnings as _warnings

import numpy as np

from ..result import r_name

__all__ = ["NULL", "user_increments", "MetaWarning", "column", "numeric", "check_length", "setchar",
           "setchar_vec", "studlabs", "reject_unsupported", "check_level", "check_logical", "Warn",
           "select_studies", "take", "subset_studies", "NA_POSITION", "NASubset",
           "has_missing_positions", "na_subset_warnings", "resolve_deprecated",
           "place_warnings", "accepts_deprecated"]


class _RNull:
    """R's explicit ``NULL`` for an argument whose default depends on other arguments
    (metabin's/metainc's ``incr.e = if (length(incr) > 1) incr else NULL``): passing
    :data:`NULL` keeps that default from applying, as ``incr.e = NULL`` does in R."""

    def __repr__(self) -> str:
        return "NULL"


NULL = _RNull()


def user_increments(incr_e, incr_c, incr_vec, data):
    """metabin's / metainc's ``incr.e`` and ``incr.c`` as given (columns of ``data`` by
    name), R's default ``incr`` for both when ``incr_vec`` (the numeric ``incr``) is a
    vector of length > 1, and none for :data:`NULL`. Returns the pair, or (None, None)."""
    by_study = incr_vec is not None and np.size(incr_vec) > 1
    out = []
    for v, arg in ((incr_e, "incr_e"), (incr_c, "incr_c")):
        out.append(None if v is NULL else (incr_vec if by_study else None) if v is None
                   else column(v, data, arg))
    if (out[0] is None) != (out[1] is None):
        raise ValueError("Arguments 'incr.e' and 'incr.c' are required together.")
    return tuple(out)


class MetaWarning(UserWarning):
    """A warning R meta gives on the same input (same text)."""


class Warn:
    """Collects R meta's warnings and pymeta's notes for one call."""

    def __init__(self, enabled: bool = True, emit: bool = True):
        self.enabled = enabled
        self.emit = emit     # False: only collect (the caller places and issues them)
        self.warnings: list[str] = []
        self.notes: list[str] = []

    def warn(self, msg: str) -> None:
        if self.enabled:
            self.warnings.append(msg)
            if self.emit:
                _warnings.warn(msg, MetaWarning, stacklevel=4)

    def always(self, msg: str) -> None:
        """A warning R gives whatever ``warn`` is (not guarded by ``if (warn)`` in R)."""
        self.warnings.append(msg)
        if self.emit:
            _warnings.warn(msg, MetaWarning, stacklevel=4)

    def note(self, msg: str) -> None:
        self.notes.append(msg)


def column(value, data, arg: str):
    """meta's ``catch``: a string names a column of ``data``; anything else is used as is."""
    if data is not None and isinstance(value, str):
        if value not in data:
            raise ValueError(f"Argument '{r_name(arg)}': no column '{value}' in data.")
        return data[value]
    return value


def column_or_value(value, data):
    """meta's ``catch`` for a character argument (``approx.mean.e`` ...): a column of
    ``data`` when ``data`` has one of that name, else the value itself (R evaluates the
    string literal to itself)."""
    if data is not None and isinstance(value, str) and value in data:
        return data[value]
    return value


def studlabs(studlab, k: int) -> tuple:
    """meta's ``setstudlab``: the integers 1..k when absent ("" for a single study); numeric
    labels stay numbers and anything else becomes text, as R keeps the vector's type."""
    if studlab is None:
        return ("",) if k == 1 else tuple(range(1, k + 1))
    items = list(np.asarray(studlab, dtype=object).ravel())
    if items and all(isinstance(s, (int, float, np.integer, np.floating))
                     and not isinstance(s, (bool, np.bool_)) for s in items):
        if all(isinstance(s, (int, np.integer)) for s in items):
            return tuple(int(s) for s in items)
        return tuple(float(s) for s in items)
    return tuple(str(s) for s in items)


def numeric(x, arg: str, labels=None, *, required: bool = True) -> np.ndarray:
    """A numeric vector (NaN = R's NA). Non-numeric entries raise ValueError naming the study.

    ``None`` and pandas' NA are missing values; booleans are rejected, as R's
    ``is.numeric`` rejects logicals.
    """
    if x is None:
        if required:
            raise ValueError(f"Argument '{r_name(arg)}' must be provided.")
        return None
    if hasattr(x, "to_numpy"):
        x = x.to_numpy(dtype=object, na_value=None)
    arr = np.asarray(x, dtype=object).ravel() if not isinstance(x, np.ndarray) or x.dtype == object \
        else np.asarray(x).ravel()
    if arr.dtype.kind in "iuf":
        return arr.astype(float)
    out = np.empty(arr.size)
    for i, v in enumerate(arr):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            out[i] = math.nan
        elif isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer, np.floating)):
            who = f"study '{labels[i]}'" if labels is not None and i < len(labels) else f"element {i + 1}"
            raise ValueError(f"Non-numeric value for argument '{r_name(arg)}' ({who}: {v!r}).")
        else:
            out[i] = float(v)
    return out


def check_length(ref: str, k: int, **vectors) -> None:
    """meta's ``chklength``: every vector as long as the first data argument."""
    for name, v in vectors.items():
        if v is not None and len(v) != k:
            raise ValueError(f"Arguments '{r_name(ref)}' and '{r_name(name)}' must have the same "
                             f"length ({k} and {len(v)}).")


def setchar(value: str, choices, arg: str) -> str:
    """meta's ``setchar``: case-insensitive exact or unique-prefix match against ``choices``."""
    if not isinstance(value, str):
        raise ValueError(f"Argument '{r_name(arg)}' must be a character string.")
    low = value.lower()
    exact = [c for c in choices if c.lower() == low]
    if exact:
        return exact[0]
    pref = [c for c in choices if c.lower().startswith(low)] if low else []
    if len(pref) == 1:
        return pref[0]
    shown = ", ".join(f'"{c}"' for c in choices)
    raise ValueError(f"Argument '{r_name(arg)}' should be any of {shown} (got \"{value}\").")


def setchar_vec(value, choices, arg: str) -> tuple:
    """``setchar`` over a character vector (meta allows several CI/PI methods at once)."""
    vals = (value,) if isinstance(value, str) else tuple(value)
    return tuple(setchar(v, choices, arg) for v in vals)


def check_level(x, arg: str) -> float:
    """meta's ``chklevel``: a single number strictly between 0 and 1."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        raise ValueError(f"Argument '{r_name(arg)}' must be a numeric of length 1.") from None
    if not 0 < v < 1:
        raise ValueError(f"Argument '{r_name(arg)}' must be a numeric between 0 and 1.")
    return v


def check_logical(x, arg: str) -> bool:
    """meta's ``chklogical``."""
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, float)) and x in (0, 1):
        return bool(x)
    raise ValueError(f"Argument '{r_name(arg)}' must be a logical.")


def reject_unsupported(fun: str, given: dict, lacking: frozenset) -> None:
    """R arguments pymeta does not implement raise NotImplementedError; unknown ones TypeError."""
    for name, value in given.items():
        if name in lacking:
            if value is not None:
                raise NotImplementedError(f"{fun}(): argument '{r_name(name)}' is not implemented "
                                          "in pymeta yet.")
        else:
            raise TypeError(f"{fun}() got an unexpected keyword argument '{name}'")


def _missing(e) -> bool:
    """An element R reads as NA: None, NaN or pandas' NA."""
    return (e is None or (isinstance(e, (float, np.floating)) and math.isnan(e))
            or type(e).__name__ == "NAType")


def _study_selection(value, k_all: int, arg: str, data) -> np.ndarray | None:
    """A ``subset``/``exclude`` argument as positions (0-based) into the k_all studies.

    Accepted as in R meta (``x[subset]``, ``exclude2[exclude] <- TRUE``): a logical
    vector (recycled when shorter, as R's logical indexing is) or integer positions --
    0-based in pymeta, where R counts from 1. With ``data``, a string names a column.

    Missing values as meta 8.5's section (4) meets them: in a logical vector (booleans
    with None or pandas' NA; None alone is R's logical NA) ``sum(x)`` is NA, so its
    ``if (is.logical(x) & sum(x) > k.All || length(x) > k.All)`` stops with R's
    "missing value where TRUE/FALSE needed" unless the vector is longer than the data.
    A missing position of ``exclude`` is skipped, as R's ``exclude2[exclude] <- TRUE``
    skips NA subscripts.
    """
    v, miss, logical = _classify(value, data, arg)
    if logical:
        if v.size > k_all:
            return None  # caller raises R's length error
        if miss.any():
            raise ValueError(f"Argument '{r_name(arg)}' has missing values: R meta stops with "
                             "'missing value where TRUE/FALSE needed'.")
        mask = v.astype(bool)
        return np.flatnonzero(np.resize(mask, k_all) if mask.size else mask)
    vals = v[~miss]
    if not all(isinstance(e, (int, np.integer)) and not isinstance(e, (bool, np.bool_))
               or (isinstance(e, (float, np.floating)) and float(e).is_integer()) for e in vals):
        raise ValueError(f"Argument '{r_name(arg)}' must be a logical vector or integer "
                         "positions (0-based).")
    if v.size > k_all:
        return None
    idx = vals.astype(int)
    if np.any(idx < 0) or np.any(idx >= k_all):
        raise ValueError(f"Argument '{r_name(arg)}': positions must be between 0 and "
                         f"{k_all - 1} (0-based).")
    if miss.any() and arg != "exclude":
        # R's x[subset] with an NA subscript: a study of missing values (NA_POSITION)
        out = np.full(v.size, NA_POSITION, dtype=int)
        out[~miss] = idx
        return out
    return idx


#: A missing position in ``subset`` (R's ``x[NA]``): the study of missing values R analyses.
NA_POSITION = -1


class NASubset(tuple):
    """A ``subset`` of positions with missing entries, as the public functions' wrapper
    hands it on (:func:`pymeta.api.subgroup.meta_function`), with what R's handling of
    them depends on: ``keepdata`` as given (None: R's default TRUE) and whether
    subgroups were given."""

    def __new__(cls, values, keepdata=None, subgroup: bool = False):
        obj = super().__new__(cls, values)
        obj.keepdata = keepdata
        obj.subgroup = subgroup
        return obj


def _classify(value, data, arg: str):
    """A ``subset`` / ``exclude`` value as an object vector, its missing entries and
    whether it is logical (see :func:`_study_selection`)."""
    value = column(value, data, arg)
    if hasattr(value, "to_numpy"):
        value = value.to_numpy(dtype=object)
    v = np.asarray(value, dtype=object).ravel()
    miss = np.array([_missing(e) for e in v], dtype=bool)
    logical = bool(v.size) and all(isinstance(e, (bool, np.bool_)) for e in v[~miss]) and (
        not miss.all() or not any(isinstance(e, (float, np.floating)) for e in v))
    return v, miss, logical


def has_missing_positions(subset, data=None) -> bool:
    """Whether ``subset`` lists positions some of which are missing (R's ``x[NA]``)."""
    if subset is None or isinstance(subset, NASubset):
        return False
    v, miss, logical = _classify(subset, data, "subset")
    return bool(miss.any()) and not logical


def _na_positions(fun: str | None, subset, exclude, k_all: int) -> None:
    """What R meta 8.5 does with a missing position in ``subset`` (measured), in R's
    order. With ``keepdata = TRUE`` (the default) R stores the subset in its data frame:
    a subset as long as the data is kept as it is and ``data$.x[data$.subset] <- x``
    stops on the NA subscript ("NAs are not allowed in subscripted assignments"); a
    shorter or longer one becomes a logical column, and the assignment only warns
    (metagen: twice, see :func:`na_subset_warnings`; metacont and metamean warn and stop
    further on), except in metabin, metainc, metarate and metaprop, whose assignments
    stop either way; metacor assigns nothing. Then subgroups stop ("Missing values in
    argument 'subgroup'."); metacont and metamean stop in an ``if`` on NA, metaprop in
    ``binom.test``; with ``exclude`` all but metagen stop in an ``if`` on its NA entry.
    Otherwise R analyses a study of missing values, kept in the output with NA and left
    out of pooling."""
    if fun is None or not isinstance(subset, NASubset):
        raise NotImplementedError("Missing positions in argument 'subset' are not "
                                  "implemented here.")
    keepdata = True if subset.keepdata is None else bool(subset.keepdata)
    if keepdata and fun != "metacor" and (
            len(subset) == k_all or fun in ("metabin", "metainc", "metarate", "metaprop")):
        raise ValueError("NAs are not allowed in subscripted assignments")
    if subset.subgroup:
        raise ValueError("Missing values in argument 'subgroup'.")
    if fun in ("metacont", "metamean"):
        raise ValueError("missing value where TRUE/FALSE needed")
    if fun == "metaprop":
        raise ValueError("'x' must be nonnegative and integer")
    if exclude is not None and fun != "metagen":
        raise ValueError("missing value where TRUE/FALSE needed")


def na_subset_warnings(subset, idx) -> tuple:
    """R's warnings from metagen's ``data$.TE[data$.subset] <- TE`` and
    ``data$.seTE[...] <- seTE`` with ``keepdata = TRUE`` and a subset with missing
    positions (not as long as the data): fewer rows than values, so
    "number of items to replace is not a multiple of replacement length" twice, unless
    no position is given at all."""
    if not isinstance(subset, NASubset) or subset.keepdata is False:
        return ()
    pos = np.asarray(idx)
    rows = np.unique(pos[pos != NA_POSITION]).size
    if rows == 0 or rows % pos.size == 0:
        return ()
    return ("number of items to replace is not a multiple of replacement length",) * 2


def select_studies(subset, exclude, k_all: int, data=None, *, subset_msg: str = "subset",
                   fun: str | None = None):
    """meta's section "(4) Subset, exclude studies": returns ``(idx, exclude)``.

    ``idx`` (None without ``subset``) are the positions of the studies analysed, in
    order; ``exclude`` (None without ``exclude``) is the logical vector over all k_all
    studies of those kept in the output but left out of pooling (meta's ``exclude``
    field once ``idx`` is applied). R's errors for a selection longer than the data:
    "Length of subset is larger than number of studies." (metagen: "Length of argument
    'subset' ...").

    A missing position in ``subset`` is :data:`NA_POSITION` in ``idx`` (:func:`take`
    gives a missing value there) where R analyses such a study, and R's error where it
    stops (:func:`_na_positions`; ``fun`` is the caller, ``subset`` a :class:`NASubset`).
    """
    idx = excl = None
    if subset is not None:
        idx = _study_selection(subset, k_all, "subset", data)
        if idx is None:
            raise ValueError(f"Length of {subset_msg} is larger than number of studies.")
        if np.any(idx == NA_POSITION):
            _na_positions(fun, subset, exclude, k_all)
    if exclude is not None:
        pos = _study_selection(exclude, k_all, "exclude", data)
        if pos is None:
            raise ValueError("Length of argument 'exclude' is larger than number of studies.")
        excl = np.zeros(k_all, dtype=bool)
        excl[pos] = True
    return idx, excl


def take(v, idx):
    """``v[idx]`` for a per-study vector (numpy array, tuple of labels) or None; a
    :data:`NA_POSITION` gives R's NA (NaN, None; False for a logical vector, whose NA
    meta only shows in metagen's ``exclude`` field)."""
    if v is None or idx is None:
        return v
    idx = np.asarray(idx, dtype=int)
    na = idx == NA_POSITION
    if isinstance(v, tuple):
        return tuple(None if i == NA_POSITION else v[i] for i in idx)
    a = np.asarray(v)
    if not na.any():
        return a[idx]
    out = a[np.where(na, 0, idx)]
    if out.dtype.kind in "iu":
        out = out.astype(float)
    if out.dtype.kind == "f":
        out[na] = np.nan
    elif out.dtype.kind == "b":
        out[na] = False
    else:
        out = out.astype(object)
        out[na] = None
    return out


def stored_column(given, idx, new) -> np.ndarray:
    """A per-study column of R's ``object$data`` after the analysis: without ``subset``
    the values analysed (``data$.x <- x``); with ``subset`` the values of all studies as
    given, where the rows of the studies analysed get the analysed values by
    ``data$.x[data$.subset] <- x``: the subset's values in its own order, assigned to its
    rows in the data's order (so positions listed out of order misplace them, as in R),
    recycled as R recycles them."""
    new = np.asarray(new)
    if idx is None:
        return new.copy()
    col = np.array(given, dtype=new.dtype if new.dtype.kind == "f" else object)
    keep = np.zeros(col.size, dtype=bool)
    pos = np.asarray(idx, dtype=int)
    keep[pos[pos != NA_POSITION]] = True
    col[keep] = np.resize(new, int(keep.sum()))
    return col


def subset_column(values, idx, k_all: int) -> np.ndarray:
    """R's ``data$.x <- NA; data$.x[subset] <- x`` (metabin's and metainc's increments):
    the subset's values at their own positions, NA elsewhere; without ``subset`` the
    values."""
    values = np.asarray(values, dtype=float)
    if idx is None:
        return values.copy()
    col = np.full(k_all, np.nan)
    pos = np.asarray(idx, dtype=int)
    ok = pos != NA_POSITION                      # (R: data$.x[NA] <- x assigns nothing)
    col[pos[ok]] = values[ok] if values.size == pos.size else values
    return col


def subset_studies(idx, x: dict, labels: tuple, excl, *per_study):
    """meta's section "(6) Use subset for analysis": the data ``x`` (name -> vector),
    ``labels``, ``exclude`` and further per-study vectors (e.g. study-specific
    increments; single values stay as they are) restricted to ``idx`` (None: all).

    Returns ``(x, labels, excl, per_study)``; raises R's error when no study is left.
    """
    if idx is None:
        return x, labels, excl, per_study
    k = len(labels)
    x = {name: take(v, idx) for name, v in x.items()}
    per_study = tuple(take(v, idx) if v is not None and np.size(v) == k and np.ndim(v) == 1
                      else v for v in per_study)
    labels, excl = take(labels, idx), take(excl, idx)
    if not labels:
        raise ValueError("No studies to combine in meta-analysis.")
    return x, labels, excl, per_study


#: meta's deprecated argument names (``deprecated()``/``deprecated2()`` in meta-aux.R),
#: in the order R checks them: old name -> current name.
DEPRECATED = {"level_comb": "level_ma", "comb_fixed": "common", "fixed": "common",
              "comb_random": "random", "hakn": "method_random_ci",
              "adhoc_hakn": "adhoc_hakn_ci"}

#: Warnings of the meta functions' argument checks, which R gives before those of the
#: deprecated arguments (and of everything after).
_ARGUMENT_WARNINGS = ("Argument 'method.common.ci", "Argument 'pscale'", "Argument 'Q.Cochrane'",
                      "Argument 'method.tau' set", "Argument 'method.predict' set",
                      "Argument 'irscale'", "Argument 'args.transf'",
                      "Argument 'args.backtransf'")


def resolve_deprecated(kwargs: dict) -> tuple[dict, list]:
    """R's handling of deprecated argument names: the old name's value is used when the
    current one is missing ("Use argument 'new' instead of 'old' (deprecated).") and
    ignored otherwise ("Deprecated argument 'old' ignored as 'new' is also provided.").
    ``hakn = TRUE/FALSE`` becomes ``method.random.ci = "HK"/"classic"``."""
    kwargs = dict(kwargs)
    given = {k for k, v in kwargs.items() if v is not None}
    msgs = []
    for old, new in DEPRECATED.items():
        if old not in kwargs:
            continue
        value = kwargs.pop(old)
        if value is None:
            continue
        o, n = r_name(old), r_name(new)
        if new in given:
            msgs.append(f"Deprecated argument '{o}' ignored as '{n}' is also provided.")
            continue
        msgs.append(f"Use argument '{n}' instead of '{o}' (deprecated).")
        if old == "hakn" and isinstance(value, (bool, np.bool_)):
            value = "HK" if value else "classic"
        kwargs[new] = value
    return kwargs, msgs


def place_warnings(warns: tuple, msgs: list) -> tuple:
    """``msgs`` (R's deprecation warnings, given whatever ``warn`` is, as
    ``warn.deprecated`` is TRUE after ``settings.meta("reset")``) placed where R gives
    them: after the argument-check warnings; also issued as :class:`MetaWarning`."""
    n = 0
    while n < len(warns) and warns[n].startswith(_ARGUMENT_WARNINGS):
        n += 1
    for msg in msgs:
        _warnings.warn(msg, MetaWarning, stacklevel=3)
    return tuple(warns[:n]) + tuple(msgs) + tuple(warns[n:])


def accepts_deprecated(fun):
    """Let ``fun`` take meta's deprecated argument names (:func:`resolve_deprecated`)."""
    import functools

    @functools.wraps(fun)
    def wrapper(*args, **kwargs):
        kwargs, msgs = resolve_deprecated(kwargs)
        res = fun(*args, **kwargs)
        return res.replace(warnings=place_warnings(res.warnings, msgs)) if msgs else res
    return wrapper
