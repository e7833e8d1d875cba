"""Study-level effects and confidence intervals for single proportions (events out of n).

Source: R meta 8.5 ``R/metaprop.R`` sections (7)-(8) and ``R/meta-ci.R``; R's
``binom.test`` (stats) for the Clopper-Pearson interval and its exact p-value.

Transformations (sm): logit "PLOGIT", arcsine "PAS", Freeman-Tukey double arcsine "PFT",
log "PLN" and the raw proportion "PRAW". Study-level intervals (``method.ci``):
Clopper-Pearson "CP" (exact; quantiles of the beta distribution), Wilson score "WS"
(with continuity correction "WSCC"), Agresti-Coull "AC", simple asymptotic "SA" (with
continuity correction "SACC") and the normal approximation on the transformed scale
"NAsm". Every interval except NAsm is computed for the proportion and then transformed
to the scale of ``sm``, as R does (PFT via ``n * bound`` events).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from ..model import nmath
from ..model.rmath import _libm, qnorm, rlog, rpow

__all__ = ["continuity", "transform", "study_ci", "dbinom", "binom_test",
           "p2logit", "p2asin"]


def _asin(x):
    """C library ``asin`` elementwise (as R calls it); NaN outside [-1, 1]."""
    with np.errstate(all="ignore"):
        x = np.asarray(x, dtype=float)
        x = np.where(np.abs(x) > 1, np.nan, x)
    return _libm(math.asin, x, neg=None, zero=None)


def p2logit(x):
    """R's ``qlogis(x)`` = log(x / (1 - x)) (NaN outside [0, 1])."""
    x = np.asarray(x, dtype=float)
    with np.errstate(all="ignore"):
        out = np.where((x < 0) | (x > 1), np.nan, rlog(x / (1 - x)))
        # qlogis computes log(p / (1 - p)) directly
    return out


def p2asin(x):
    with np.errstate(all="ignore"):
        return _asin(np.sqrt(np.asarray(x, dtype=float)))


def continuity(event, n, *, sm: str, incr, method_incr: str):
    """meta's section (7): which studies get ``incr`` added (``sel``), ``sparse``, ``incr.event``."""
    k = event.size
    with np.errstate(invalid="ignore"):
        if sm in ("PAS", "PFT"):
            sel = np.zeros(k)
        else:
            z = (event == 0) | ((n - event) == 0)
            sel = np.where(np.isnan(event) | np.isnan(n), np.nan, z.astype(float))
    sparse = bool(np.any(sel == 1))
    incr_v = np.broadcast_to(np.asarray(incr, dtype=float), (k,)).astype(float)
    if method_incr in ("all", "user"):
        incr_event = incr_v.copy()
    elif sparse:
        incr_event = incr_v.copy() if method_incr == "if0all" else incr_v * sel
    else:
        incr_event = np.zeros(k)
    return sel, sparse, incr_event


def transform(event, n, incr_event, sm: str):
    """Study estimates ``TE`` and standard errors ``seTE`` on the scale of ``sm``."""
    e, ie = event, incr_event
    with np.errstate(all="ignore"):
        if sm == "PLOGIT":
            TE = rlog((e + ie) / (n - e + ie))
            seTE = np.sqrt(1 / (e + ie) + 1 / (n - e + ie))
        elif sm == "PAS":
            TE = _asin(np.sqrt(e / n))
            seTE = np.sqrt(1 / (4 * n))
        elif sm == "PFT":
            TE = 0.5 * (_asin(np.sqrt(e / (n + 1))) + _asin(np.sqrt((e + 1) / (n + 1))))
            seTE = np.sqrt(1 / (4 * n + 2))
        elif sm == "PLN":
            TE = rlog((e + ie) / (n + ie))
            seTE = np.where(e == n, np.sqrt(1 / e - 1 / (n + ie)),
                            np.sqrt(1 / (e + ie) - 1 / (n + ie)))
            seTE = np.where(np.isnan(e) | np.isnan(n), np.nan, seTE)
        elif sm == "PRAW":
            TE = e / n
            seTE = np.sqrt((e + ie) * (n - e + ie) / rpow(n + 2 * ie, 3))
        else:  # pragma: no cover - checked by the caller
            raise ValueError(sm)
    return np.asarray(TE, float), np.asarray(seTE, float)


def transf_null(null_effect: float, sm: str) -> float:
    """The null effect on the scale of ``sm`` (R's ``transf.null.effect``)."""
    if math.isnan(null_effect):
        return math.nan
    with np.errstate(all="ignore"):
        if sm == "PLOGIT":
            return float(p2logit(null_effect))
        if sm in ("PAS", "PFT"):
            return float(p2asin(null_effect))
        if sm == "PLN":
            return float(rlog(null_effect))
    return float(null_effect)


# ------------------------------------------------------------------ exact binomial test

def dbinom(x: float, n: float, p: float) -> float:
    """R's ``dbinom`` for whole x, n (nmath/dbinom.c ``dbinom_raw``)."""
    q = 1 - p
    if p == 0:
        return 1.0 if x == 0 else 0.0
    if q == 0:
        return 1.0 if x == n else 0.0
    if x == 0:
        if n == 0:
            return 1.0
        lc = -nmath.bd0(n, n * q) - n * p if p < 0.1 else n * math.log(q)
        return math.exp(lc)
    if x == n:
        lc = -nmath.bd0(n, n * p) - n * q if q < 0.1 else n * math.log(p)
        return math.exp(lc)
    if x < 0 or x > n:
        return 0.0
    lc = (nmath.stirlerr(n) - nmath.stirlerr(x) - nmath.stirlerr(n - x)
          - nmath.bd0(x, n * p) - nmath.bd0(n - x, n * q))
    lf = 1.837877066409345483560659472811 + math.log(x) + math.log1p(-x / n)
    return math.exp(lc - 0.5 * lf)


def _pbinom(x: float, n: float, p: float, lower: bool = True) -> float:
    if x < 0:
        return 0.0 if lower else 1.0
    if x >= n:
        return 1.0 if lower else 0.0
    # scipy.stats.binom (Boost's incomplete beta) agrees with R's pbinom (TOMS 708) to
    # ~3e-12 relative; scipy.special.bdtr (Cephes) is off by up to 1.5e-10 for n ~ 5e4
    return float(stats.binom.cdf(x, n, p) if lower else stats.binom.sf(x, n, p))


def binom_test(x: float, n: float, p: float, level: float):
    """R's ``binom.test(x, n, p, conf.level = level)``: (lower, upper, two-sided p-value)."""
    alpha = (1 - level) / 2
    # Boost's inverse incomplete beta (scipy.stats.beta) agrees with R's qbeta to ~1e-14;
    # Cephes' special.betaincinv only to ~1e-11
    lower = 0.0 if x == 0 else float(stats.beta.ppf(alpha, x, n - x + 1))
    upper = 1.0 if x == n else float(stats.beta.ppf(1 - alpha, x + 1, n - x))
    if p == 0:
        pval = float(x == 0)
    elif p == 1:
        pval = float(x == n)
    else:
        rel = 1 + 1e-07
        d = dbinom(x, n, p)
        m = n * p
        if x == m:
            pval = 1.0
        elif x < m:
            i = np.arange(math.ceil(m), n + 1)
            y = int((stats.binom.pmf(i, n, p) <= d * rel).sum())
            pval = _pbinom(x, n, p) + _pbinom(n - y, n, p, lower=False)
        else:
            i = np.arange(0, math.floor(m) + 1)
            y = int((stats.binom.pmf(i, n, p) <= d * rel).sum())
            pval = _pbinom(y - 1, n, p) + _pbinom(x - 1, n, p, lower=False)
        pval = min(1.0, pval)
    return lower, upper, pval


# ------------------------------------------------------------------ study-level CIs

@dataclass(frozen=True)
class StudyCI:
    lower: np.ndarray
    upper: np.ndarray
    p: np.ndarray | None      # Clopper-Pearson p-values (NA without null effect)


def study_ci(event, n, level: float, method_ci: str, null_effect: float) -> StudyCI:
    """Study-level interval for the proportion (not yet transformed), R's ``ci*`` helpers."""
    k = event.size
    z = float(qnorm(1 - (1 - level) / 2))
    with np.errstate(all="ignore"):
        if method_ci == "CP":
            lo, up, pv = np.full(k, np.nan), np.full(k, np.nan), np.full(k, np.nan)
            for i in range(k):
                # R's test is !is.na(event[i] & !is.na(n[i])) (sic): a missing n with a
                # known event count reaches binom.test, which stops
                if np.isnan(n[i]):
                    raise ValueError("'x' must be nonnegative and integer" if np.isnan(event[i])
                                     else "'n' must be a positive integer >= 'x'")
                if not np.isnan(event[i]):
                    p0 = null_effect if not math.isnan(null_effect) else 0.5
                    xr, nr = round(event[i]), round(n[i])
                    lo[i], up[i], p = binom_test(float(xr), float(nr), p0, level)
                    if not math.isnan(null_effect):
                        pv[i] = p
            return StudyCI(lo, up, pv)
        prop = event / n
        if method_ci == "AC":
            nn = n + z * z
            pr = 1 / nn * (event + 0.5 * (z * z))
            lo = pr - z * np.sqrt(1 / nn * pr * (1 - pr))
            up = pr + z * np.sqrt(1 / nn * pr * (1 - pr))
            lo = np.where(lo < 0, 0.0, lo)
            up = np.where(up > 1, 1.0, up)
        elif method_ci in ("SA", "SACC"):
            if method_ci == "SA":
                lo = prop - z * np.sqrt(prop * (1 - prop) / n)
                up = prop + z * np.sqrt(prop * (1 - prop) / n)
            else:
                lo = prop - (z * np.sqrt(prop * (1 - prop) / n) + 1 / (2 * n))
                up = prop + (z * np.sqrt(prop * (1 - prop) / n) + 1 / (2 * n))
            lo = np.where(lo < 0, 0.0, lo)
            up = np.where(up > 1, 1.0, up)
        elif method_ci == "WS":
            z2 = z * z
            root = z * np.sqrt(z2 + 4 * n * prop * (1 - prop))
            lo = (2 * n * prop + z2 - root) / (2 * (n + z2))
            up = (2 * n * prop + z2 + root) / (2 * (n + z2))
        elif method_ci == "WSCC":
            z2 = z * z
            lo = (2 * n * prop + z2 - 1 - z * np.sqrt(z2 - 2 - 1 / n + 4 * prop * (n * (1 - prop) + 1))) \
                / (2 * (n + z2))
            lo = np.where(lo < 0, 0.0, lo)
            up = (2 * n * prop + z2 + 1 + z * np.sqrt(z2 + 2 - 1 / n + 4 * prop * (n * (1 - prop) - 1))) \
                / (2 * (n + z2))
            up = np.where(up > 1, 1.0, up)
        else:  # pragma: no cover
            raise ValueError(method_ci)
    return StudyCI(np.asarray(lo, float), np.asarray(up, float), None)


def ci_to_scale(lower, upper, n, sm: str):
    """Transform study-level bounds of the proportion to the scale of ``sm`` (R's rules)."""
    with np.errstate(all="ignore"):
        if sm == "PLOGIT":
            return p2logit(lower), p2logit(upper)
        if sm == "PAS":
            return p2asin(lower), p2asin(upper)
        if sm == "PFT":
            lev, uev = n * lower, n * upper
            lo = 0.5 * (_asin(np.sqrt(lev / (n + 1))) + _asin(np.sqrt((lev + 1) / (n + 1))))
            up = 0.5 * (_asin(np.sqrt(uev / (n + 1))) + _asin(np.sqrt((uev + 1) / (n + 1))))
            return lo, up
        if sm == "PLN":
            return rlog(lower), rlog(upper)
    return lower, upper
