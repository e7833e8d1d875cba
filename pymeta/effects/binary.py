"""Study-level effects and Mantel-Haenszel pooling for binary outcomes (2x2 tables).

Source: R meta 8.5 ``R/metabin.R`` sections (7) continuity correction, (8) study
results and (11) Mantel-Haenszel. Risk ratio (sm = "RR"): Cooper & Hedges (1994)
p. 247-8 with the variance of Hartung & Knapp (2001, eq. 18); Mantel-Haenszel RR with the
Greenland & Robins (1985) variance; with ``MH.exact = FALSE`` (meta's default) the
continuity correction is added inside the MH sums too, as in Stata's metan.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..model.rmath import rlog, rpow, rsum

__all__ = ["Table", "Continuity", "continuity", "risk_ratio", "mh_risk_ratio", "cmh_test"]


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
               allstudies: bool) -> Continuity:
    """Which studies enter, and the increments added to their cells (meta section (7)).

    R's logical vectors carry NA; they are kept here as 1.0 / 0.0 / NaN so that studies
    with missing cells are treated exactly as R treats them (e.g. ``NA & FALSE`` is
    FALSE, and an NA subscript leaves the element alone).
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

    if isinstance(incr, str):  # "TACC": treatment arm continuity correction
        with np.errstate(all="ignore"):
            base_e, base_c = n_e / (n_e + n_c), n_c / (n_e + n_c)
    else:
        base_e = base_c = np.broadcast_to(np.asarray(incr, dtype=float), (k,))
    no_cc = sm == "ASD" or method in ("Peto", "GLMM")
    addincr = method_incr == "all" and not no_cc
    allincr = method_incr == "if0all" and not no_cc
    if addincr or (sparse and allincr):
        incr_e, incr_c = np.array(base_e, float), np.array(base_c, float)
    elif sparse:
        incr_e, incr_c = base_e * sel, base_c * sel
    else:
        incr_e, incr_c = np.zeros(k), np.zeros(k)
    if method == "Peto":
        incr_e, incr_c = np.zeros(k), np.zeros(k)
    return Continuity(incl=incl, sparse_study=sel == 1, sparse=sparse, doublezeros=doublezeros,
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
