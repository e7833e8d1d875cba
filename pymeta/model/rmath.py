"""R's arithmetic and distribution functions, as R meta calls them.

Small helpers that make numpy behave like the R expressions meta evaluates:

* ``rsum``: R's ``sum()`` accumulates doubles in extended precision; ``math.fsum``
  (correctly rounded) agrees with it to the last bit on well-scaled data, closer than
  numpy's pairwise summation.
* ``weighted_mean``: ``stats:::weighted.mean.default`` with ``na.rm = TRUE``:
  ``sum((x * w)[w != 0]) / sum(w)`` over the non-missing ``x``.
* ``qnorm``/``pnorm``/``qt``/``pt``/``pchisq``/``qchisq``: R's distribution functions via
  scipy.special (agreement with R measured at <= 2e-13 relative, see TOLERANCES.md).

All functions are pure and operate on float64 numpy arrays; NaN plays R's NA.
"""
from __future__ import annotations

import math

import numpy as np
from scipy import special

__all__ = ["rsum", "weighted_mean", "qnorm", "pnorm_upper", "qt", "pt_upper",
           "pchisq_upper", "qchisq", "as_float_array"]


def as_float_array(x) -> np.ndarray:
    """Return ``x`` as a 1-d float64 array (R's ``int2num`` plus vector recycling of scalars)."""
    return np.atleast_1d(np.asarray(x, dtype=float))


def rsum(x) -> float:
    """R ``sum(x, na.rm = TRUE)``: sum of the non-missing values, extended precision."""
    a = np.asarray(x, dtype=float).ravel()
    a = a[~np.isnan(a)]
    if np.isinf(a).any():  # fsum raises on inf - inf; R returns NaN / +-Inf
        return float(np.sum(a))
    return math.fsum(a)


def weighted_mean(x, w) -> float:
    """``weighted.mean(x, w, na.rm = TRUE)`` exactly as R's default method computes it."""
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    keep = ~np.isnan(x)
    x, w = x[keep], w[keep]
    with np.errstate(all="ignore"):
        xw = (x * w)[w != 0]
        num = math.fsum(xw) if np.isfinite(xw).all() else float(np.sum(xw))
        den = math.fsum(w) if np.isfinite(w).all() else float(np.sum(w))
        return float(np.float64(num) / np.float64(den)) if den != 0 or num != 0 else math.nan


def qnorm(p):
    """R ``qnorm(p)`` (lower tail)."""
    return special.ndtri(p)


def pnorm_upper(z):
    """R ``pnorm(z, lower.tail = FALSE)``."""
    return special.ndtr(-np.asarray(z, dtype=float))


def qt(p, df):
    """R ``qt(p, df)`` (lower tail), to full double precision.

    scipy's ``stdtrit`` alone is off by up to ~2e-9 relative (measured against R 4.2.2 for
    df 0.7-1000, p 0.95-0.995); three Newton steps on the upper tail ``stdtr(df, -x)``, which
    is accurate, bring it to ~1e-14, as R's own ``qt`` refines its start value.
    """
    p = np.asarray(p, dtype=float)
    df = np.asarray(df, dtype=float)
    x = special.stdtrit(df, p)
    with np.errstate(all="ignore"):
        for _ in range(3):
            # upper tail of x is 1 - p; t density from its closed form
            f = special.stdtr(df, -x) - (1.0 - p)
            dens = np.exp(special.gammaln((df + 1) / 2) - special.gammaln(df / 2)
                          - 0.5 * np.log(df * np.pi) - (df + 1) / 2 * np.log1p(x * x / df))
            step = f / dens
            x = np.where(np.isfinite(step), x + step, x)
    return x


def pt_upper(t, df):
    """R ``pt(t, df, lower.tail = FALSE)``."""
    return special.stdtr(df, -np.asarray(t, dtype=float))


def pchisq_upper(q, df):
    """R ``pchisq(q, df, lower.tail = FALSE)``."""
    return special.chdtrc(df, q)


def qchisq(p, df, lower_tail: bool = True):
    """R ``qchisq(p, df, lower.tail)``."""
    return special.chdtri(df, 1.0 - p if lower_tail else p)
