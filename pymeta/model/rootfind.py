"""Bracketing root finder with the exact iterate sequence of R's ``uniroot``.

Followed sources (R 4.2.2):

* ``stats::uniroot`` (R/src/library/stats/R/nlm.R): argument checks, the
  optional interval extension (``extendInt``), the sign check, the call to
  the C routine ``zeroin2`` and the final re-evaluation ``f(root)``.
* ``R_zeroin2`` (src/library/stats/src/zeroin.c): Brent's method as in the
  netlib ``zeroin`` (Forsythe, Malcolm & Moler), receiving ``f(a)`` and
  ``f(b)`` precomputed, with an iteration cap and returning the estimated
  precision ``|c - b|``.
* ``fcn2`` in ``do_zeroin2`` (src/library/stats/src/optimize.c): inside the
  Brent iterations a non-finite ``f`` value is replaced by ``-DBL_MAX``
  (for ``-Inf``) or ``+DBL_MAX`` (for ``+Inf``/``NaN``) with a warning.

All floating-point expressions are evaluated in the same order as the C
code, so for the same function values the iterates are bit-identical.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

__all__ = ["uniroot", "UnirootResult", "UnirootWarning"]

_DBL_EPSILON = float(np.finfo(float).eps)
_DBL_MAX = float(np.finfo(float).max)


class UnirootWarning(RuntimeWarning):
    """Warnings that R's ``uniroot`` / ``zeroin2`` would emit."""


@dataclass(frozen=True)
class UnirootResult:
    """Result of :func:`uniroot` (fields named after R's return list).

    ``iter`` is R's ``iter`` (Brent iterations, plus extension steps when
    the interval was extended); ``estim_prec`` is R's ``estim.prec``;
    ``init_it`` is R's ``init.it`` (``None`` when no extension took place,
    where R reports ``NA``).
    """

    root: float
    f_root: float
    iter: int
    estim_prec: float
    init_it: Optional[int] = None


def _is_na(x: float) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _zeroin2(f: Callable[[float], float], ax: float, bx: float,
             fa: float, fb: float, tol: float, maxiter: int):
    """Port of ``R_zeroin2`` (zeroin.c). Returns ``(b, iterations, prec)``.

    ``iterations`` is -1 when the cap was hit (as R's ``*Maxit``).
    """
    a = ax
    b = bx
    c = a
    fc = fa
    left = maxiter + 1

    # a root exactly at an end point
    if fa == 0.0:
        return a, 0, 0.0
    if fb == 0.0:
        return b, 0, 0.0

    while left:
        left -= 1
        prev_step = b - a

        # keep b the best approximation so far
        if abs(fc) < abs(fb):
            a = b
            b = c
            c = a
            fa = fb
            fb = fc
            fc = fa

        tol_act = 2.0 * _DBL_EPSILON * abs(b) + tol / 2.0
        new_step = (c - b) / 2.0

        if abs(new_step) <= tol_act or fb == 0.0:
            return b, maxiter - left, abs(c - b)

        # try interpolation only if the previous step was big enough and
        # moved in the right direction
        if abs(prev_step) >= tol_act and abs(fa) > abs(fb):
            cb = c - b
            if a == c:
                # secant (two distinct points)
                t1 = fb / fa
                p = cb * t1
                q = 1.0 - t1
            else:
                # inverse quadratic interpolation
                q = fa / fc
                t1 = fb / fc
                t2 = fb / fa
                p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0))
                q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0)
            if p > 0.0:
                q = -q
            else:
                p = -p
            if (p < (0.75 * cb * q - abs(tol_act * q) / 2.0)
                    and p < abs(prev_step * q / 2.0)):
                new_step = p / q

        # never step by less than the tolerance
        if abs(new_step) < tol_act:
            if new_step > 0.0:
                new_step = tol_act
            else:
                new_step = -tol_act

        a = b
        fa = fb
        b += new_step
        fb = f(b)
        if (fb > 0.0 and fc > 0.0) or (fb < 0.0 and fc < 0.0):
            # c must bracket the root together with b
            c = a
            fc = fa

    return b, -1, abs(c - b)


def _wrap_fcn2(f: Callable[[float], float]) -> Callable[[float], float]:
    """Mimic ``fcn2`` of optimize.c: non-finite values become +-DBL_MAX."""

    def g(x: float) -> float:
        v = float(f(x))
        if not math.isfinite(v):
            if v == -math.inf:
                warnings.warn("-Inf replaced by maximally negative value",
                              UnirootWarning, stacklevel=3)
                return -_DBL_MAX
            warnings.warn("NA/Inf replaced by maximum positive value",
                          UnirootWarning, stacklevel=3)
            return _DBL_MAX
        return v

    return g


def _sign(x: float) -> float:
    if math.isnan(x):
        return math.nan
    return 1.0 if x > 0 else (-1.0 if x < 0 else 0.0)


def _truncate(x: float) -> float:
    # pmax.int(pmin(x, xmax), -xmax), NaN passes through
    if math.isnan(x):
        return x
    return max(min(x, _DBL_MAX), -_DBL_MAX)


def uniroot(f: Callable[[float], float], lower: float, upper: float, *,
            f_lower: Optional[float] = None, f_upper: Optional[float] = None,
            tol: float = _DBL_EPSILON ** 0.25, maxiter: int = 1000,
            extend_int: str = "no") -> UnirootResult:
    """Find a root of ``f`` in ``[lower, upper]`` exactly as R's ``uniroot``.

    Mirrors ``stats::uniroot`` (nlm.R) with ``check.conv = FALSE`` and
    ``trace = 0``, calling a port of ``R_zeroin2`` (zeroin.c).

    Parameters follow R: ``f_lower``/``f_upper`` default to ``f(lower)`` and
    ``f(upper)`` (evaluated in that order); ``extend_int`` is one of
    ``"no"``, ``"yes"``, ``"downX"``, ``"upX"``.

    Raises ``ValueError`` with R's message for ``lower >= upper``, NA end
    point values, and end point values of equal sign
    ("f() values at end points not of opposite sign").  When ``maxiter`` is
    reached a :class:`UnirootWarning` ("_NOT_ converged in N iterations") is
    issued and the last iterate returned with ``iter = maxiter``, as in R.
    """
    lower = float(lower)
    upper = float(upper)
    if not (lower < upper):
        raise ValueError("lower < upper  is not fulfilled")
    if f_lower is None:
        f_lower = float(f(lower))
    else:
        f_lower = float(f_lower)
    if f_upper is None:
        f_upper = float(f(upper))
    else:
        f_upper = float(f_upper)
    if math.isnan(f_lower):
        raise ValueError("f.lower = f(lower) is NA")
    if math.isnan(f_upper):
        raise ValueError("f.upper = f(upper) is NA")

    sig_map = {"yes": None, "downX": -1.0, "no": 0.0, "upX": 1.0}
    if extend_int not in sig_map:
        raise ValueError("'arg' should be one of \"no\", \"yes\", \"downX\", \"upX\"")
    sig = sig_map[extend_int]

    f_low_t = _truncate(f_lower)
    f_upp_t = _truncate(f_upper)
    if sig is None:
        do_x = f_low_t * f_upp_t > 0
    else:
        do_x = (sig * f_low_t > 0) or (sig * f_upp_t < 0)

    it = 0
    if do_x:
        def delta_of(u: float) -> float:
            return 0.01 * max(1e-4, abs(u))

        if sig is None:
            delta = [delta_of(lower), delta_of(upper)]
            while f_lower * f_upper > 0:
                fin = [math.isfinite(lower), math.isfinite(upper)]
                if not any(fin):
                    break
                it += 1
                if it > maxiter:
                    raise ValueError(
                        "no sign change found in %d iterations" % (it - 1))
                if fin[0]:
                    ol, of = lower, f_lower
                    lower = lower - delta[0]
                    f_lower = float(f(lower))
                    if math.isnan(f_lower):
                        lower, f_lower = ol, of
                        delta[0] = delta[0] / 4
                if fin[1]:
                    ol, of = upper, f_upper
                    upper = upper + delta[1]
                    f_upper = float(f(upper))
                    if math.isnan(f_upper):
                        upper, f_upper = ol, of
                        delta[1] = delta[1] / 4
                delta = [2 * delta[0], 2 * delta[1]]
        else:
            delta = delta_of(lower)
            while sig * f_lower > 0:
                it += 1
                if it > maxiter:
                    raise ValueError(
                        "no sign change found in %d iterations" % (it - 1))
                lower = lower - delta
                f_lower = float(f(lower))
                delta = 2 * delta
            delta = delta_of(upper)
            while sig * f_upper < 0:
                it += 1
                if it > maxiter:
                    raise ValueError(
                        "no sign change found in %d iterations" % (it - 1))
                upper = upper + delta
                f_upper = float(f(upper))
                delta = 2 * delta

    prod = _sign(f_lower) * _sign(f_upper)
    if not (prod <= 0):  # NaN also fails, as isTRUE(NA) is FALSE in R
        if do_x:
            raise ValueError("did not succeed extending the interval endpoints "
                             "for f(lower) * f(upper) <= 0")
        raise ValueError("f() values at end points not of opposite sign")

    if not (math.isfinite(tol) and tol > 0):
        raise ValueError("invalid 'tol' value")
    maxiter = int(maxiter)
    if maxiter <= 0:
        raise ValueError("'maxiter' must be positive")

    root, n_iter, prec = _zeroin2(_wrap_fcn2(f), lower, upper,
                                  f_lower, f_upper, float(tol), maxiter)
    if n_iter < 0:
        warnings.warn("_NOT_ converged in %d iteration%s"
                      % (maxiter, "" if maxiter == 1 else "s"),
                      UnirootWarning, stacklevel=2)
        n_iter = maxiter
    init_it: Optional[int]
    if do_x:
        n_iter += it
        init_it = it
    else:
        init_it = None
    return UnirootResult(root=root, f_root=float(f(root)), iter=n_iter,
                         estim_prec=prec, init_it=init_it)
