"""Study-level effects and common effect pooling for binary outcomes (2x2 tables).

Source: R meta 8.5 ``R/metabin.R`` sections (7) continuity correction, (8) study
results and (11) common effect methods. Study effects (Cooper & Hedges 1994): odds ratio
p. 251-2 (Peto's O - E over V p. 252), risk ratio p. 247-8 with the variance of
Hartung & Knapp (2001, eq. 18), risk difference p. 246-7, arcsine difference (Ruecker
et al. 2009). Mantel-Haenszel: odds ratio with the Robins-Breslow-Greenland variance
(Cooper & Hedges p. 265-6), risk ratio with the Greenland & Robins (1985) variance, risk
difference with Deeks' (1999) variance; with ``MH.exact = FALSE`` (meta's default) the
continuity correction is added inside the MH sums too, as in Stata's metan. Peto's
method and sample size weighting (SSW) pool the study log odds ratios.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import math

from ..model.rmath import rexp, rlog, rpow, rsum, weighted_mean

__all__ = ["Table", "Continuity", "continuity", "study_effects", "risk_ratio", "mh_pool",
           "mh_risk_ratio", "peto_pool", "ssw_pool", "cmh_test"]


@dataclass(frozen=True)
class Table:
    """The 2x2 cells after meta's inclusion rule (``incl`` = 0 zeroes a study out)."""
    n11: np.ndarray
    n21: np.ndarray
    n1_: np.ndarray
    n2_: np.ndarray

    @property
    def n12(self):
        return self.n1_ - self.n11

    @property
    def n22(self):
        return self.n2_ - self.n21

    @property
    def n__(self):
        return self.n1_ + self.n2_


@dataclass(frozen=True)
class Continuity:
    incl: np.ndarray          # 1 = informative, 0 = excluded (double zero, invalid, missing)
    sparse_study: np.ndarray  # study has a zero cell (and is included)
    sparse: bool
    doublezeros: bool
    incr_e: np.ndarray
    incr_c: np.ndarray
    allevents: np.ndarray
    events_gt_n_e: np.ndarray
    events_gt_n_c: np.ndarray
    nonpos_n: np.ndarray
    neg_events: np.ndarray
    double_zero: np.ndarray
    addincr: bool = False     # method.incr = "all" in force
    allincr: bool = False     # method.incr = "if0all" in force


def _eq(a, b):
    """R's ``a == b`` on doubles with NA: 1.0, 0.0 or NaN (NA)."""
    with np.errstate(invalid="ignore"):
        return np.where(np.isnan(a) | np.isnan(b), np.nan, (a == b).astype(float))


def _gt(a, b):
    with np.errstate(invalid="ignore"):
        return np.where(np.isnan(a) | np.isnan(b), np.nan, (a > b).astype(float))


def _and(x, y):
    """R's three-valued ``&``: FALSE wins over NA."""
    return np.where((x == 0) | (y == 0), 0.0, np.where(np.isnan(x) | np.isnan(y), np.nan, 1.0))


def _or(*xs):
    """R's three-valued ``|``: TRUE wins over NA."""
    out = xs[0]
    for y in xs[1:]:
        out = np.where((out == 1) | (y == 1), 1.0,
                       np.where(np.isnan(out) | np.isnan(y), np.nan, 0.0))
    return out


def continuity(event_e, n_e, event_c, n_c, *, sm: str, method: str, incr, method_incr: str,
               allstudies: bool, user_incr=None) -> Continuity:
    """Which studies enter, and the increments added to their cells (meta section (7)).

    R's logical vectors carry NA; they are kept here as 1.0 / 0.0 / NaN so that studies
    with missing cells are treated exactly as R treats them (e.g. ``NA & FALSE`` is
    FALSE, and an NA subscript leaves the element alone).

    ``user_incr``: the pair ``(incr_e, incr_c)`` when the user gave both (R's
    ``method.incr = "user"`` branch): used as given, also for Peto's method.
    """
    k = event_e.size
    zero = np.zeros(k)
    allevents = _and(_eq(event_c, n_c), _eq(event_e, n_e))
    double_zero = _and(_eq(event_c, zero), _eq(event_e, zero))
    if allstudies or sm in ("RD", "ASD"):
        incl = np.ones(k)
    else:
        cond = _or(double_zero, allevents) if sm in ("OR", "DOR") else double_zero
        incl = np.where(cond == 0, 1.0, np.nan)
    gt_e = _gt(event_e, n_e)
    gt_c = _gt(event_c, n_c)
    nonpos_n = _or(1.0 - _gt(n_e, zero), 1.0 - _gt(n_c, zero))  # n <= 0
    neg = _or(_gt(zero, event_e), _gt(zero, event_c))
    incl[_or(gt_e, gt_c) == 1] = np.nan
    incl[nonpos_n == 1] = np.nan
    incl[neg == 1] = np.nan
    if sm == "ASD":
        sel = np.zeros(k)
    else:
        sel = _or(_eq(n_e - event_e, zero), _eq(event_e, zero),
                  _eq(n_c - event_c, zero), _eq(event_c, zero))
    sel[np.isnan(incl)] = 0.0
    incl[np.isnan(incl)] = 0.0
    sparse = bool(np.any(sel == 1))
    dz = _or(double_zero, allevents) if sm == "OR" else double_zero
    doublezeros = bool(sparse and sm in ("RR", "OR") and method not in ("Peto", "GLMM")
                       and np.any(dz == 1))

    no_cc = sm == "ASD" or method in ("Peto", "GLMM")
    addincr = method_incr == "all" and not no_cc and user_incr is None
    allincr = method_incr == "if0all" and not no_cc and user_incr is None
    if user_incr is not None:
        incr_e, incr_c = (np.asarray(v, dtype=float) for v in user_incr)
    else:
        if isinstance(incr, str):  # "TACC": treatment arm continuity correction
            with np.errstate(all="ignore"):
                base_e, base_c = n_e / (n_e + n_c), n_c / (n_e + n_c)
        else:
            base_e = base_c = np.broadcast_to(np.asarray(incr, dtype=float), (k,))
        if addincr or (sparse and allincr):
            incr_e, incr_c = np.array(base_e, float), np.array(base_c, float)
        elif sparse:
            incr_e, incr_c = base_e * sel, base_c * sel
        else:
            incr_e, incr_c = np.zeros(k), np.zeros(k)
        if method == "Peto":
            incr_e, incr_c = np.zeros(k), np.zeros(k)
    return Continuity(incl=incl, sparse_study=sel == 1, sparse=sparse, doublezeros=doublezeros,
                      addincr=addincr, allincr=allincr,
                      incr_e=incr_e * incl, incr_c=incr_c * incl, allevents=allevents,
                      events_gt_n_e=gt_e == 1, events_gt_n_c=gt_c == 1,
                      nonpos_n=nonpos_n == 1, neg_events=neg == 1,
                      double_zero=double_zero == 1)


def table(event_e, n_e, event_c, n_c, incl) -> Table:
    return Table(n11=event_e * incl, n21=event_c * incl, n1_=n_e * incl, n2_=n_c * incl)


def risk_ratio(t: Table, incr_e, incr_c, allevents, RR_Cochrane: bool = False):
    """log risk ratio and its standard error per study (NaN where not estimable)."""
    with np.errstate(all="ignore"):
        if not RR_Cochrane:
            TE = rlog(((t.n11 + incr_e) / (t.n1_ + incr_e)) / ((t.n21 + incr_c) / (t.n2_ + incr_c)))
            notall = 1.0 - allevents  # R: !allevents, NA stays NA
            seTE = np.sqrt(1 / (t.n11 + incr_e * notall) - 1 / (t.n1_ + incr_e)
                           + 1 / (t.n21 + incr_c * notall) - 1 / (t.n2_ + incr_c))
        else:
            TE = rlog(((t.n11 + incr_e) / (t.n1_ + 2 * incr_e))
                        / ((t.n21 + incr_c) / (t.n2_ + 2 * incr_c)))
            seTE = np.sqrt(1 / (t.n11 + incr_e) - 1 / (t.n1_ + 2 * incr_e)
                           + 1 / (t.n21 + incr_c) - 1 / (t.n2_ + 2 * incr_c))
    return TE, seTE


def _asin(x):
    """The C library's asin elementwise (as R's ``asin``); NaN stays NaN."""
    a = np.asarray(x, dtype=float)
    return np.array([math.asin(v) if -1.0 <= v <= 1.0 else math.nan for v in a.ravel()]
                    ).reshape(a.shape)


def study_effects(t: Table, incr_e, incr_c, allevents, *, sm: str, method: str,
                  RR_Cochrane: bool = False):
    """TE and seTE per study for ``sm`` (log scale for ratios; NaN where not estimable)."""
    with np.errstate(all="ignore"):
        if sm in ("OR", "DOR"):
            if method != "Peto":
                TE = rlog(((t.n11 + incr_e) * (t.n22 + incr_c))
                          / ((t.n12 + incr_e) * (t.n21 + incr_c)))
                seTE = np.sqrt(1 / (t.n11 + incr_e) + 1 / (t.n12 + incr_e)
                               + 1 / (t.n21 + incr_c) + 1 / (t.n22 + incr_c))
            else:  # Peto: (O - E) / V with the hypergeometric variance
                n_1 = t.n11 + t.n21
                n_2 = t.n12 + t.n22
                E = t.n1_ * n_1 / t.n__
                V = t.n1_ * t.n2_ * n_1 * n_2 / ((t.n__ - 1) * (t.n__ * t.n__))
                TE = (t.n11 - E) / V
                seTE = np.sqrt(1 / V)
        elif sm in ("RR", "VE"):
            TE, seTE = risk_ratio(t, incr_e, incr_c, allevents, RR_Cochrane)
        elif sm == "RD":
            TE = t.n11 / t.n1_ - t.n21 / t.n2_
            seTE = np.sqrt((t.n11 + incr_e) * (t.n12 + incr_e) / rpow(t.n1_ + 2 * incr_e, 3)
                           + (t.n21 + incr_c) * (t.n22 + incr_c) / rpow(t.n2_ + 2 * incr_c, 3))
        elif sm == "ASD":
            TE = _asin(np.sqrt(t.n11 / t.n1_)) - _asin(np.sqrt(t.n21 / t.n2_))
            seTE = np.sqrt(0.25 * (1 / t.n1_ + 1 / t.n2_))
        else:  # pragma: no cover - guarded by argument checks
            raise ValueError(sm)
    return np.asarray(TE, dtype=float), np.asarray(seTE, dtype=float)


def mh_pool(t: Table, TE, incr_e, incr_c, exclude, sm: str):
    """Mantel-Haenszel common effect: (TE, seTE, weights) for ``sm`` (OR/DOR, RR/VE, RD)."""
    if sm in ("RR", "VE"):
        return mh_risk_ratio(t, incr_e, incr_c, exclude)
    with np.errstate(all="ignore"):
        N = t.n__ + 2 * incr_e + 2 * incr_c
        if sm in ("OR", "DOR"):
            A = (t.n11 + incr_e) * (t.n22 + incr_c) / N
            B = (t.n11 + incr_e + t.n22 + incr_c) / N
            C = (t.n12 + incr_e) * (t.n21 + incr_c) / N
            D = (t.n12 + incr_e + t.n21 + incr_c) / N
            A, B, C, D = (np.where(exclude, 0.0, x) for x in (A, B, C, D))
            sA, sC = rsum(A), rsum(C)
            TE_c = float(rlog(np.float64(sA) / sC))
            e = float(rexp(TE_c))
            seTE_c = float(np.sqrt(1 / (2 * (np.float64(sA) * sA))
                                   * (rsum(A * B) + e * (np.float64(rsum(B * C)) + rsum(A * D))
                                      + (e * e) * rsum(C * D))))
            w = C
        elif sm == "RD":
            ne2, nc2 = t.n1_ + 2 * incr_e, t.n2_ + 2 * incr_c
            R = (((t.n11 + incr_e) * (t.n12 + incr_e) * rpow(nc2, 3)
                  + (t.n21 + incr_c) * (t.n22 + incr_c) * rpow(ne2, 3))
                 / (ne2 * nc2 * (N * N)))
            S = ne2 * nc2 / N
            R, S = (np.where(exclude, 0.0, x) for x in (R, S))
            w = S
            TE_c = weighted_mean(TE, w)
            sS = np.float64(rsum(S))
            seTE_c = float(np.sqrt(np.float64(rsum(R)) / (sS * sS)))
        else:  # pragma: no cover
            raise ValueError(sm)
    return TE_c, seTE_c, np.where(np.isnan(w), 0.0, w)


def peto_pool(TE, seTE, exclude):
    """Peto's common effect: inverse-variance mean of the Peto log odds ratios."""
    with np.errstate(all="ignore"):
        w = 1 / (seTE * seTE)
    w = np.where(exclude, 0.0, w)
    TE_c = weighted_mean(TE, w)
    with np.errstate(all="ignore"):
        seTE_c = float(np.sqrt(1 / np.float64(rsum(w))))
    return TE_c, seTE_c, np.where(np.isnan(w), 0.0, w)


def ssw_weights(n_e, n_c, exclude):
    """Sample size weights n.e * n.c / (n.e + n.c) (0 for excluded studies)."""
    with np.errstate(all="ignore"):
        w = n_e * n_c / (n_e + n_c)
    return np.where(exclude, 0.0, w)


def ssw_pool(TE, seTE, w, tau2: float = 0.0):
    """Sample size weighted mean of ``TE`` and its SE (with ``tau2`` added to the study
    variances for the random effects model); ``tau2`` NaN drops every term, as R's
    ``sum(..., na.rm = TRUE)`` does."""
    TE_c = weighted_mean(TE, w)
    with np.errstate(all="ignore"):
        num = rsum((w * w) * (seTE * seTE + tau2))
        sw = np.float64(rsum(w))
        seTE_c = float(np.sqrt(np.float64(num) / (sw * sw)))
    return TE_c, seTE_c, np.where(np.isnan(w), 0.0, w)


def mh_risk_ratio(t: Table, incr_e, incr_c, exclude):
    """Mantel-Haenszel log risk ratio, its SE (Greenland & Robins 1985) and the MH weights."""
    with np.errstate(all="ignore"):
        N = t.n__ + 2 * incr_e + 2 * incr_c
        D = ((t.n1_ + 2 * incr_e) * (t.n2_ + 2 * incr_c) * (t.n11 + t.n21 + incr_e + incr_c)
             - (t.n11 + incr_e) * (t.n21 + incr_c) * N) / N ** 2
        R = (t.n11 + incr_e) * (t.n2_ + 2 * incr_c) / N
        S = (t.n21 + incr_c) * (t.n1_ + 2 * incr_e) / N
        D, R, S = (np.where(exclude, 0.0, x) for x in (D, R, S))
        sR, sS = rsum(R), rsum(S)
        TE = float(rlog(np.float64(sR) / sS))
        seTE = float(np.sqrt(np.float64(rsum(D)) / (sR * sS)))
    w = np.where(np.isnan(S), 0.0, S)
    return TE, seTE, w


def cmh_test(t: Table, exclude) -> float:
    """Cochran-Mantel-Haenszel statistic Q.CMH (1 df)."""
    with np.errstate(all="ignore"):
        n_1 = t.n11 + t.n21
        n_2 = t.n12 + t.n22
        num = (t.n11 - t.n1_ * n_1 / t.n__)[~exclude]
        den = (t.n1_ * t.n2_ * n_1 * n_2 / rpow(t.n__, 3))[~exclude]
        s = np.float64(rsum(num))
        return float(s * s / rsum(den))
