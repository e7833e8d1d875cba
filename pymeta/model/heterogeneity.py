"""Heterogeneity statistics: Q and its p-value, H, I2 and Rb with confidence intervals.

Sources (facts, not code): R meta 8.5 ``R/meta-het.R`` (``calcH``, ``isquared``, ``Rb``,
``pvalQ``); Higgins & Thompson (2002) Stat Med 21:1539 for H and I2 and the CI of log H;
Crippa et al. (2016) Stat Med 35:3661 (eq. 4 and appendix D) for Rb.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .intervals import ci
from .rmath import pchisq_upper, r_sum, rexp, rpow, rsum

__all__ = ["Interval", "pval_Q", "calc_H", "isquared", "calc_Rb"]

NA = math.nan


@dataclass(frozen=True)
class Interval:
    """A point estimate with its interval (meta's list(TE, lower, upper))."""
    TE: float
    lower: float
    upper: float


def _rmax1(x: float) -> float:
    """R ``max(c(x, 1))``: NA propagates."""
    return NA if math.isnan(x) else max(x, 1.0)


def pval_Q(Q: float, df: float) -> float:
    """meta's ``pvalQ``: upper chi-square tail, NA when df is NA or < 1."""
    if math.isnan(df) or df < 1:
        return NA
    return float(pchisq_upper(Q, df))


def calc_H(Q: float, df: float, level: float) -> Interval:
    """H = sqrt(Q / df) floored at 1, with the Higgins-Thompson CI of log H (meta ``calcH``)."""
    k = df + 1
    if math.isnan(k):
        H = selogH = NA
    else:
        H = math.sqrt(Q / (k - 1)) if k > 1 and not math.isnan(Q) else NA
        if math.isnan(Q):
            selogH = NA
        elif Q > k:
            selogH = (0.5 * (math.log(Q) - math.log(k - 1)) /
                      (math.sqrt(2 * Q) - math.sqrt(2 * k - 3))) if k >= 2 else NA
        else:
            selogH = (math.sqrt(1 / (2 * (k - 2)) * (1 - 1 / (3 * ((k - 2) * (k - 2)))))
                      if k > 2 else NA)
    h = _rmax1(H)
    t = ci(math.log(h) if not math.isnan(h) else NA, selogH, level)
    return Interval(TE=float(rexp(t.TE)),
                    lower=_rmax1(float(rexp(t.lower))),
                    upper=_rmax1(float(rexp(t.upper))))


def isquared(Q: float, df: float, level: float) -> Interval:
    """I2 = (H^2 - 1) / H^2 applied to H and its CI limits (meta ``isquared``)."""
    h = calc_H(Q, df, level)

    def f(x: float) -> float:
        return (x * x - 1) / (x * x)

    return Interval(TE=f(h.TE), lower=f(h.lower), upper=f(h.upper))


def calc_Rb(seTE, seTE_random: float, tau2: float, Q: float, df_Q: float,
            level: float) -> Interval:
    """Crippa et al.'s Rb with its Wald CI clipped to [0, 1] (meta ``Rb``).

    ``seTE`` are all non-missing study standard errors (as meta passes them).
    """
    if math.isnan(df_Q) or df_Q == 0:
        return Interval(NA, NA, NA)
    k = np.float64(df_Q) + 1   # (df.Q = -1 when no study is left: R divides by 0)
    seTE = np.asarray(seTE, dtype=float)
    var = seTE ** 2
    w = 1 / var
    S1, S2, S3 = (np.float64(v) for v in (rsum(w), rsum(w * w), rsum(rpow(w, 3))))
    with np.errstate(all="ignore"):
        Rb = tau2 / (k * (seTE_random * seTE_random))
        a = var * (S1 - S2 / S1)
        seQ = np.sqrt(2 * (k - 1) + 4 * (S1 - S2 / S1) * tau2
                      + 2 * (S2 - 2 * S3 / S1 + (S2 * S2) / (S1 * S1)) * (tau2 * tau2))
        s = 1 / k * r_sum(a / (Q + a - (k - 1)) ** 2)   # R: sum() without na.rm
        seRb = np.sqrt((s * s) * (seQ * seQ))
    c = ci(Rb, seRb, level)
    lo = float(c.lower)
    up = float(c.upper)
    return Interval(TE=float(c.TE), lower=0.0 if lo < 0 else lo, upper=1.0 if up > 1 else up)
