"""Confidence intervals and tests on the estimate scale, as meta's ``ci()`` computes them.

Source: R meta 8.5, ``R/ci.R`` (function ``ci``). With ``df`` absent the interval and the
test are normal (``qnorm``/``pnorm``); with ``df`` given, Student's t is used wherever
``df > 0`` and the normal elsewhere (``df <= 0`` or NA), and the reported ``df`` of those
entries is ``Inf`` when ``df`` was NA.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .rmath import pnorm_upper, pt_upper, qnorm, qt

__all__ = ["CI", "ci"]


@dataclass(frozen=True)
class CI:
    TE: np.ndarray
    seTE: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    statistic: np.ndarray
    p: np.ndarray
    df: np.ndarray


def ci(TE, seTE, level: float = 0.95, df=None, null_effect: float = 0.0) -> CI:
    """meta's ``ci(TE, seTE, level, df, null.effect)`` (vectorised; NaN = NA)."""
    TE = np.asarray(TE, dtype=float)
    seTE = np.asarray(seTE, dtype=float)
    alpha = 1 - level
    with np.errstate(all="ignore"):
        statistic = (TE - null_effect) / seTE
        zq = qnorm(1 - alpha / 2)
        if df is None:
            lower = TE - zq * seTE
            upper = TE + zq * seTE
            pval = 2 * pnorm_upper(np.abs(statistic))
            dfo = np.full(np.broadcast(TE, seTE).shape, np.inf)
        else:
            d = np.asarray(df, dtype=float)
            use_t = ~np.isnan(d) & (d > 0)
            dt = np.where(use_t, d, 1.0)
            tq = qt(1 - alpha / 2, dt)
            q = np.where(use_t, tq, zq)
            lower = TE - q * seTE
            upper = TE + q * seTE
            pval = np.where(use_t, 2 * pt_upper(np.abs(statistic), dt),
                            2 * pnorm_upper(np.abs(statistic)))
            dfo = np.where(np.isnan(d), np.inf, d)
            dfo = np.broadcast_to(dfo, np.broadcast(TE, seTE, dfo).shape).copy()
    return CI(TE=TE, seTE=seTE, lower=np.asarray(lower), upper=np.asarray(upper),
              statistic=np.asarray(statistic), p=np.asarray(pval), df=dfo)
