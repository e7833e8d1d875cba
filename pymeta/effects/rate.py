"""Study-level effects for incidence rates (events per person-time).

Sources: R meta 8.5 ``R/metarate.R`` (single rates), ``R/metainc.R`` (two groups,
including the Mantel-Haenszel (Greenland & Robins 1985) and Cochran common effects) and
``R/meta-ci.R`` (``ciPoisson``: R's ``poisson.test`` exact interval, quantiles of the
gamma distribution).

Single rates (sm): "IR" (rate), "IRLN" (log rate), "IRS" (square root), "IRFT"
(Freeman-Tukey). Two groups: "IRR" and "VE" (log rate ratio), "IRD" (rate difference),
"IRSD" (difference of square roots).
"""
from __future__ import annotations

import math

import numpy as np

from ..model import nmath
from ..model.rmath import r_sum, rlog, rsum, weighted_mean

__all__ = ["rate_continuity", "rate_effects", "transf_null_rate", "poisson_ci",
           "rate_ci_to_scale", "inc_continuity", "inc_effects", "mh_common", "cochran_common"]


def _incr_event(sel, incr_v, method_incr: str, sparse: bool):
    if method_incr in ("all", "user"):
        return incr_v.copy()
    if sparse:
        return incr_v.copy() if method_incr == "if0all" else incr_v * sel
    return np.zeros(incr_v.size)


def rate_continuity(event, *, sm: str, incr, method_incr: str):
    k = event.size
    with np.errstate(invalid="ignore"):
        if sm in ("IR", "IRLN"):
            sel = np.where(np.isnan(event), np.nan, (event == 0).astype(float))
        else:
            sel = np.zeros(k)
    sparse = bool(np.any(sel == 1))
    incr_v = np.broadcast_to(np.asarray(incr, dtype=float), (k,)).astype(float)
    return sel, sparse, _incr_event(sel, incr_v, method_incr, sparse)


def rate_effects(event, time, incr_event, sm: str):
    e, ie = event, incr_event
    with np.errstate(all="ignore"):
        if sm == "IR":
            TE = (e + ie) / time
            seTE = np.sqrt(TE / time)
        elif sm == "IRLN":
            TE = rlog((e + ie) / time)
            seTE = np.sqrt(1 / (e + ie))
        elif sm == "IRS":
            TE = np.sqrt(e / time)
            seTE = np.sqrt(1 / (4 * time))
        elif sm == "IRFT":
            TE = 0.5 * (np.sqrt(e / time) + np.sqrt((e + 1) / time))
            seTE = np.sqrt(1 / (4 * time))
        else:  # pragma: no cover
            raise ValueError(sm)
    return np.asarray(TE, float), np.asarray(seTE, float)


def transf_null_rate(null_effect: float, sm: str) -> float:
    if math.isnan(null_effect):
        return math.nan
    with np.errstate(all="ignore"):
        if sm == "IRLN":
            return float(rlog(null_effect))
        if sm in ("IRS", "IRFT"):
            return float(np.sqrt(null_effect))
    return float(null_effect)


def poisson_ci(event, time, level: float):
    """R's ``poisson.test(x, T, conf.level = level)$conf.int`` per study (NaN for NA)."""
    k = event.size
    lo, up = np.full(k, np.nan), np.full(k, np.nan)
    alpha = (1 - level) / 2
    for i in range(k):
        x, T = event[i], time[i]
        # R's test is !is.na(event[i] & !is.na(time[i])) (sic): a missing time reaches
        # poisson.test, which stops
        if math.isnan(T):
            raise ValueError("'x' must be finite, nonnegative, and integer" if math.isnan(x)
                             else "'T' must be nonnegative")
        if math.isnan(x):
            continue
        x = float(round(x))
        pl = 0.0 if x == 0 else nmath.qgamma(alpha, x)
        pu = nmath.qgamma(1 - alpha, x + 1)
        lo[i], up[i] = pl / T, pu / T
    return lo, up


def rate_ci_to_scale(lower, upper, time, sm: str):
    with np.errstate(all="ignore"):
        if sm == "IRLN":
            return rlog(lower), rlog(upper)
        if sm == "IRS":
            return np.sqrt(lower), np.sqrt(upper)
        if sm == "IRFT":
            lev, uev = time * lower, time * upper
            return (0.5 * (np.sqrt(lev / time) + np.sqrt((lev + 1) / time)),
                    0.5 * (np.sqrt(uev / time) + np.sqrt((uev + 1) / time)))
    return lower, upper


# ------------------------------------------------------------------ two groups (metainc)

def inc_continuity(event_e, event_c, *, incr, method_incr: str):
    k = event_e.size
    with np.errstate(invalid="ignore"):
        z = (event_e == 0) | (event_c == 0)
        # R's NA | TRUE is TRUE, NA | FALSE is NA
        na = (np.isnan(event_e) | np.isnan(event_c)) & ~z
        sel = np.where(na, np.nan, z.astype(float))
    sparse = bool(np.any(sel == 1))
    incr_v = np.broadcast_to(np.asarray(incr, dtype=float), (k,)).astype(float)
    return sel, sparse, _incr_event(sel, incr_v, method_incr, sparse)


def inc_effects(ee, te, ec, tc, incr_e, incr_c, sm: str):
    with np.errstate(all="ignore"):
        if sm in ("IRR", "VE"):
            TE = rlog(((ee + incr_e) / te) / ((ec + incr_c) / tc))
            seTE = np.sqrt(1 / (ee + incr_e) + 1 / (ec + incr_c))
        elif sm == "IRD":
            TE = ee / te - ec / tc
            seTE = np.sqrt((ee + incr_e) / (te * te) + (ec + incr_c) / (tc * tc))
        elif sm == "IRSD":
            TE = np.sqrt(ee / te) - np.sqrt(ec / tc)
            seTE = np.sqrt(0.25 / te + 0.25 / tc)
        else:  # pragma: no cover
            raise ValueError(sm)
    TE = np.asarray(TE, float)
    return TE, np.asarray(seTE, float)


def mh_common(ee, te, ec, tc, TE, sm: str, exclude=None):
    """Mantel-Haenszel common effect (Greenland & Robins 1985): (TE, seTE, weights);
    ``exclude``d studies contribute no terms (metainc: ``D[exclude] <- ... <- 0``)."""
    x, y, n, m = ee, ec, te, tc
    ex = np.zeros(np.shape(x), bool) if exclude is None else np.asarray(exclude, bool)
    with np.errstate(all="ignore"):
        N = n + m
        if sm in ("IRR", "VE"):
            t = x + y
            D = n * m * t / (N * N)
            R = x * m / N
            S = y * n / N
            D, R, S = (np.where(ex, 0.0, v) for v in (D, R, S))
            sR, sS = np.float64(rsum(R)), np.float64(rsum(S))
            TEc = float(rlog(sR / sS))
            seTEc = float(np.sqrt(np.float64(rsum(D)) / (sR * sS)))
            return TEc, seTEc, S
        # IRD
        L = (x * (m * m) + y * (n * n)) / (N * N)
        S = n * m / N
        L, S = (np.where(ex, 0.0, v) for v in (L, S))
        TEc = weighted_mean(TE, S)
        sS = np.float64(rsum(S))
        seTEc = float(np.sqrt(np.float64(rsum(L)) / (sS * sS)))
        return TEc, seTEc, S


def cochran_common(ee, te, ec, tc, TE, exclude=None):
    """Cochran's common effect for the rate ratio: (TE, seTE, weights); ``exclude``d
    studies get weight 0 (its SE still sums the events of every study, as in R)."""
    with np.errstate(all="ignore"):
        w = ec * te / tc
        if exclude is not None:
            w = np.where(exclude, 0.0, w)
        x, ww = np.asarray(TE, float), np.asarray(w, float)
        # weighted.mean(TE, w) without na.rm: an NA weight selects an NA term
        TEc = float(np.float64(r_sum((x * ww)[ww != 0])) / np.float64(r_sum(ww)))
        seTEc = float(np.sqrt(1 / np.float64(r_sum(ee)) + 1 / np.float64(r_sum(ec))))
    return TEc, seTEc, w
