"""Nagashima, Noma & Furukawa's bootstrap prediction interval (``method.predict = "NNF"``).

R meta computes it with ``pimeta::pima(TE, seTE, method = "boot", alpha = 1 -
level.predict, seed = seed.predict)`` (pimeta 1.1.3, R/pima-boot.r, src/pi-boot.cpp),
with pimeta's defaults ``B = 25000``, ``maxit1 = 100000``, ``eps = 1e-10``, ``lower = 0``,
``upper = 1000``, ``maxit2 = 1000``, ``tol = .Machine$double.eps^0.25``. The algorithm
(Nagashima, Noma & Furukawa 2019, Stat Methods Med Res 28:1689-1702):

1. ``set.seed(seed)``; ``B`` uniforms ``p_b``.
2. For each ``p_b``: ``tau2_b`` solves ``P(Q > q_a | tau2) = p_b``, where ``Q`` is Cochran's
   statistic, a quadratic form whose distribution under ``tau2`` is that of
   ``sum(lambda_i chi2_1)`` with ``lambda`` the ``k - 1`` largest eigenvalues of
   ``T A T`` (``A = W - w w'/sum(w)``, ``W = diag(1/sigma^2)``,
   ``T = diag(sqrt(sigma^2 + tau2))``), evaluated by Farebrother's AS 204 with
   ``mode = 1``; ``tau2_b = 0`` when ``P(Q > q_a | 0) >= p_b``. The root is Brent's zeroin
   (Forsythe, Malcolm & Moler) on ``[0, max(1000, q_a)]``; a NaN there draws a new
   ``p_b``.
3. ``B`` draws ``t_b ~ t(k - 1)`` then ``B`` draws ``z_b ~ N(0, 1)``; with weights
   ``1/(sigma^2 + tau2_b)``, ``m_b`` the weighted mean and ``v_b`` the weighted residual
   variance over ``k - 1``, the bootstrap predictions are
   ``m_b + z_b sqrt(tau2_b) - t_b sqrt(v_b)``.
4. The interval is their ``alpha/2`` and ``1 - alpha/2`` quantiles (R's type 7).

Every random number is R's (:mod:`.rrng`); the root finder, the series and the quantile
follow pimeta's C++ step by step, vectorised over the bootstrap samples. The eigenvalues
come from LAPACK, not Eigen, so they (and everything after) may differ from R's in the
last bits: the interval agrees to rounding, not bit for bit.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special

from .rrng import RRandom

__all__ = ["NNFInterval", "pima_boot", "NO_END"]

#: pymeta's message where R's pimeta bootstrap would never return
NO_END = ("method.predict = \"NNF\": the distribution of Q cannot be evaluated here (a "
          "single study, or Q <= 0 from identical estimates), so R's pimeta bootstrap "
          "redraws for ever and does not terminate; pymeta stops instead.")

_EPS = 2.220446049250313e-16
_LN_SQRT_PI_OVER_2 = 0.22579135264473
_MAX_REDRAWS = 10000


@dataclass(frozen=True)
class NNFInterval:
    lower: float
    upper: float
    df: float          # pimeta's nup = k - 1
    seed: int          # the seed used (R's set.seed argument)


def _check_num(x: np.ndarray, name: str) -> None:
    """pimeta's util_check_num (its messages)."""
    if np.any(np.isnan(x)):
        raise ValueError(f"'{name}' has missing value(s).")
    if np.any(np.isinf(x)):
        raise ValueError(f"'{name}' has infinite value(s).")


def _pq_batch(qa: float, lam: np.ndarray, *, maxit: int = 100000,
              eps: float = 1e-10) -> np.ndarray:
    """pimeta's ``pQCpp`` (AS 204, ``mode = 1``) for each row of ``lam`` (ascending
    eigenvalues); returns ``prob`` with NaN where ``fx`` treats the result as failed
    (``ifault < 0`` or 2; pimeta's ``ifault = 3`` is overwritten by 4 before it is
    looked at)."""
    S, n = lam.shape
    prob = np.empty(S)
    if n < 1 or qa < 0.0 or maxit < 1 or eps < 0.0:
        prob[:] = math.nan               # prob = -2, ifault = 2
        return prob
    # lambda[i] <= 0: prob = -7 and ifault = -i, which is 0 (not a failure) for i = 0
    nonpos = lam <= 0.0
    first_bad = np.where(nonpos.any(axis=1), np.argmax(nonpos, axis=1), -1)
    prob[first_bad == 0] = -7.0
    prob[first_bad > 0] = math.nan
    rows = np.flatnonzero(first_bad < 0)
    if rows.size == 0:
        return prob
    L = lam[rows]
    beta = L.min(axis=1)                               # mode = 1
    hold = beta[:, None] / L
    gamma = 1.0 - hold
    ssum = np.ones(rows.size)
    for i in range(n):                                  # sequential product
        ssum = ssum * hold[:, i]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ao = np.exp(0.5 * (np.log(ssum) - 0.0))
        z = qa / beta
    out = np.empty(rows.size)
    zero_ao = ao <= 0.0
    out[zero_ao] = 0.0                                 # prob = 0, ifault = 1
    live = np.flatnonzero(~zero_ao)
    if live.size:
        out[live] = _pq_series(z[live], ao[live], gamma[live], n, maxit, eps)
    prob[rows] = out
    return prob


def _pq_series(z: np.ndarray, ao: np.ndarray, gamma: np.ndarray, n: int, maxit: int,
               eps: float) -> np.ndarray:
    """The series of ``pQCpp`` for the rows still live: every quantity is a vector over
    rows, the history ``a``/``b`` is kept step-major (one row per step), and rows that have
    converged (or stopped, ``prob < -1/ao``) are dropped as they go."""
    tol = -200.0
    with np.errstate(all="ignore"):
        if n % 2 == 0:
            i0 = 2
            lans = -0.5 * z
            dans = np.exp(lans)
            pans = 1.0 - dans
        else:
            i0 = 1
            lans = -0.5 * (z + np.log(z)) - _LN_SQRT_PI_OVER_2
            dans = np.exp(lans)
            # pnorm(sqrt(z)) - pnorm(-sqrt(z)) (Cephes' ndtr, within an ulp or so of R's
            # pnorm: the eigenvalues already differ from Eigen's in their last bits)
            sz = np.sqrt(z)
            pans = special.ndtr(sz) - special.ndtr(-sz)
        kk = n - 2
        for j in range(i0, kk + 1, 2):
            small = lans < tol
            lans = np.where(small, lans + np.log(z / float(j)), lans)
            dans = np.where(small, np.exp(lans), dans * z / float(j))
            pans = pans - dans
    out = np.empty(z.size)
    idx = np.arange(z.size)
    prob = pans.copy()
    eps2 = eps / ao
    aoinv = 1.0 / ao
    ssum = aoinv - 1.0
    g = np.ascontiguousarray(gamma.T)                  # n x rows
    th = np.ones_like(g)
    cap = 64
    A = np.empty((cap, z.size))
    Bh = np.empty((cap, z.size))
    with np.errstate(all="ignore"):
        for m in range(1, maxit + 1):
            if idx.size == 0:
                break
            if m > cap:
                A = np.concatenate([A, np.empty_like(A)])
                Bh = np.concatenate([Bh, np.empty_like(Bh)])
                cap *= 2
            th *= g
            s1 = 0.5 * np.add.reduce(th, axis=0)       # theta_1 + ... + theta_n, in order
            Bh[m - 1] = s1
            if m > 1:
                # s1 + b[m-2] a[0] + b[m-3] a[1] + ... + b[0] a[m-2], in that order (a
                # running sum down the rows of a C-contiguous array)
                X = np.empty((m, idx.size))
                X[0] = s1
                np.multiply(Bh[m - 2::-1], A[:m - 1], out=X[1:])
                s1 = np.add.reduce(X, axis=0)
            s1 = s1 / float(m)
            A[m - 1] = s1
            kk += 2
            small = lans < tol
            lans = np.where(small, lans + np.log(z / float(kk)), lans)
            dans = np.where(small, np.exp(lans), dans * z / float(kk))
            pans = pans - dans
            ssum = ssum - s1
            s1 = pans * s1
            prob = prob + s1
            stop = prob < -aoinv
            conv = ~stop & (np.abs(pans * ssum) < eps2) & (np.abs(s1) < eps2)
            fin = stop | conv
            if fin.any():
                out[idx[fin]] = ao[fin] * np.where(stop[fin], -3.0, prob[fin])
                keep = ~fin
                idx, z, ao, eps2, aoinv = idx[keep], z[keep], ao[keep], eps2[keep], aoinv[keep]
                lans, dans, pans = lans[keep], dans[keep], pans[keep]
                ssum, prob = ssum[keep], prob[keep]
                g, th = g[:, keep], th[:, keep]
                A2 = np.empty((cap, idx.size))
                B2 = np.empty((cap, idx.size))
                A2[:m] = A[:m, keep]
                B2[:m] = Bh[:m, keep]
                A, Bh = A2, B2
    # ifault 4 (maxit): the value stands
    out[idx] = ao * prob
    return out


def _fx_batch(tau2: np.ndarray, alpha: np.ndarray, qa: float, sigma: np.ndarray,
              A: np.ndarray) -> np.ndarray:
    """pimeta's ``fx(tau2, alpha, side = 0)``: ``1 - prob - alpha`` (NaN on failure)."""
    tmp = np.sqrt(sigma[None, :] ** 2 + tau2[:, None])
    Z = tmp[:, :, None] * A[None, :, :] * tmp[:, None, :]
    ev = np.linalg.eigvalsh(Z)[:, 1:]                  # ascending; tail(k - 1)
    prob = _pq_batch(qa, ev)
    return 1.0 - prob - alpha


def _zeroin_batch(p: np.ndarray, lower: float, upper: float, qa: float,
                  sigma: np.ndarray, A: np.ndarray, maxit: int, tol: float):
    """pimeta's ``findRootTau2`` for each ``p``: (tau2, status) with status 0 (root),
    1 (no sign change), 2 (NaN met), 3 (maxit)."""
    S = p.size
    tau2 = np.full(S, math.nan)
    status = np.zeros(S, dtype=int)
    a = np.full(S, float(lower))
    b = np.full(S, float(upper))
    # fx(lower) and fx(upper) are 1 - prob - p with the same prob for every p: one series
    # each ((1 - prob) - 0 - p is the same double as 1 - prob - p)
    ends = _fx_batch(np.array([float(lower), float(upper)]), np.zeros(2), qa, sigma, A)
    fa = ends[0] - p
    fb = ends[1] - p
    with np.errstate(invalid="ignore"):
        same = fa * fb >= 0.0
    status[same] = 1
    act = np.flatnonzero(~same)
    c = a.copy()
    fc = fa.copy()
    d = b - a
    e = d.copy()
    it = np.zeros(S, dtype=int)
    with np.errstate(all="ignore"):
        while act.size:
            it[act] += 1
            A_, B_, C_ = a[act], b[act], c[act]
            FA, FB, FC = fa[act], fb[act], fc[act]
            D, E = d[act], e[act]
            nan = np.isnan(FA) | np.isnan(FB)
            status[act[nan]] = 2
            swap = np.abs(FC) < np.abs(FB)
            A_ = np.where(swap, B_, A_)
            B_ = np.where(swap, C_, B_)
            C_ = np.where(swap, A_, C_)
            FA = np.where(swap, FB, FA)
            FB = np.where(swap, FC, FB)
            FC = np.where(swap, FA, FC)
            tol1 = 2.0 * _EPS * np.abs(B_) + 0.5 * tol
            xm = 0.5 * (C_ - B_)
            conv = ~nan & ((np.abs(xm) <= tol1) | (FB == 0.0))
            tau2[act[conv]] = B_[conv]
            bis = (np.abs(E) < tol1) & (np.abs(FA) <= np.abs(FB))
            lin = A_ == C_
            q_ = FA / FC
            r_ = FB / FC
            s_ = FB / FA
            pq = s_ * (2.0 * xm * q_ * (q_ - r_) - (B_ - A_) * (r_ - 1.0))
            qq = (q_ - 1.0) * (r_ - 1.0) * (s_ - 1.0)
            pl = 2.0 * xm * s_
            ql = 1.0 - s_
            P = np.where(lin, pl, pq)
            Q = np.where(lin, ql, qq)
            Q = np.where(P > 0.0, -Q, Q)
            P = np.abs(P)
            interp = (2.0 * P < 3.0 * xm * Q - np.abs(tol1 * Q)) & (P < np.abs(0.5 * E * Q))
            newE = np.where(bis, xm, np.where(interp, D, xm))
            newD = np.where(bis, xm, np.where(interp, P / Q, xm))
            A_ = B_.copy()
            FA = FB.copy()
            B_ = np.where(np.abs(newD) > tol1, B_ + newD,
                          np.where(xm < 0.0, B_ - tol1, B_ + tol1))
            go = ~(nan | conv)
            idx = act[go]
            a[act], fa[act], c[act], fc[act] = A_, FA, C_, FC
            d[act], e[act] = newD, newE
            b[act] = B_
            if idx.size:
                fbn = _fx_batch(b[idx], p[idx], qa, sigma, A)
                fb[idx] = fbn
                flip = fbn * (fc[idx] / np.abs(fc[idx])) > 0.0
                fi = idx[flip]
                c[fi] = a[fi]
                fc[fi] = fa[fi]
                d[fi] = b[fi] - a[fi]
                e[fi] = d[fi]
                over = it[idx] >= maxit
                status[idx[over]] = 3
                idx = idx[~over]
            act = idx
    return tau2, status


def _cdiv(a: int, b: int) -> int:
    """C integer division (truncation toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def _push_heap(v: list, hole: int, top: int, value: float) -> None:
    parent = _cdiv(hole - 1, 2)
    while hole > top and v[parent] < value:
        v[hole] = v[parent]
        hole = parent
        parent = _cdiv(hole - 1, 2)
    v[hole] = value


def _adjust_heap(v: list, first: int, hole: int, length: int, value: float) -> None:
    top = hole
    child = hole
    while child < _cdiv(length - 1, 2):
        child = 2 * (child + 1)
        if v[first + child] < v[first + child - 1]:
            child -= 1
        v[first + hole] = v[first + child]
        hole = child
    if (length & 1) == 0 and child == _cdiv(length - 2, 2):
        child = 2 * (child + 1)
        v[first + hole] = v[first + child - 1]
        hole = child - 1
    # __push_heap on the sub-array starting at first
    parent = _cdiv(hole - 1, 2)
    while hole > top and v[first + parent] < value:
        v[first + hole] = v[first + parent]
        hole = parent
        parent = _cdiv(hole - 1, 2)
    v[first + hole] = value


def _heap_select(v: list, first: int, middle: int, last: int) -> None:
    length = middle - first
    if length >= 2:
        parent = _cdiv(length - 2, 2)
        while True:
            _adjust_heap(v, first, parent, length, v[first + parent])
            if parent == 0:
                break
            parent -= 1
    for i in range(middle, last):
        if v[i] < v[first]:
            value = v[i]
            v[i] = v[first]
            _adjust_heap(v, first, 0, length, value)


def _nth_element(v: list, nth: int) -> None:
    """libstdc++'s ``std::nth_element(v.begin(), v.begin() + nth, v.end())`` (GCC 12,
    bits/stl_algo.h: introselect with median-of-three pivots, heap select past the depth
    limit, insertion sort of the last few), comparing with ``<`` as C++ does - so the
    order it leaves around NaNs is the one pimeta's compiled code leaves."""
    first, last = 0, len(v)
    if first == last or nth == last:
        return
    depth = 2 * ((last - first).bit_length() - 1)
    while last - first > 3:
        if depth == 0:
            _heap_select(v, first, nth + 1, last)
            v[first], v[nth] = v[nth], v[first]
            return
        depth -= 1
        mid = first + (last - first) // 2
        a, b, c = first + 1, mid, last - 1
        if v[a] < v[b]:
            m = b if v[b] < v[c] else (c if v[a] < v[c] else a)
        elif v[a] < v[c]:
            m = a
        elif v[b] < v[c]:
            m = c
        else:
            m = b
        v[first], v[m] = v[m], v[first]
        lo, hi = first + 1, last
        pivot = v[first]
        while True:
            while v[lo] < pivot:
                lo += 1
            hi -= 1
            while pivot < v[hi]:
                hi -= 1
            if not lo < hi:
                break
            v[lo], v[hi] = v[hi], v[lo]
            lo += 1
        cut = lo
        if cut <= nth:
            first = cut
        else:
            last = cut
    for i in range(first + 1, last):                    # __insertion_sort
        val = v[i]
        if val < v[first]:
            v[first + 1:i + 1] = v[first:i]
            v[first] = val
        else:
            j = i
            while val < v[j - 1]:
                v[j] = v[j - 1]
                j -= 1
            v[j] = val


def _quantile_pair(x: np.ndarray, alpha: float) -> tuple:
    """pimeta's lower and upper quantiles, ``(1 - h) x_(lo) + h x_(hi)`` at
    ``(n - 1) alpha / 2`` and ``(n - 1)(1 - alpha / 2)``, each order statistic found by
    ``std::nth_element`` on the same array in turn. Without NaNs that is the sorted
    array; with NaNs (a bootstrap tau^2 of Inf) the selections are replayed."""
    n = x.size
    nan = bool(np.isnan(x).any())
    v = x.tolist() if nan else np.sort(x)

    def select(i: int) -> float:
        if nan:
            _nth_element(v, i)
        return float(v[i])

    out = []
    for index in ((n - 1) * alpha * 0.5, (n - 1) * (1.0 - alpha * 0.5)):
        lo = math.floor(index)
        hi = math.ceil(index)
        val = select(lo)
        if index > lo:
            h = index - lo
            val = (1.0 - h) * val + h * select(hi)
        out.append(val)
    return tuple(out)


def pima_boot(y, sigma, alpha: float = 0.05, seed: int | None = None, *, B: int = 25000,
              maxit1: int = 100000, eps: float = 1e-10, lower: float = 0.0,
              upper: float = 1000.0, maxit2: int = 1000,
              tol: float = _EPS ** 0.25, stream=None) -> NNFInterval:
    """``pimeta::pima(y, sigma, method = "boot", alpha, seed = seed)``'s ``lpi``, ``upi``
    and ``nup``. ``seed = None`` is R's ``set.seed(NULL)`` (a fresh random stream).

    ``stream``: an object standing for R's global random stream (its ``rng``, an
    :class:`~.rrng.RRandom`), which pimeta's ``set.seed`` restarts and its draws move on;
    afterwards ``stream.rng`` is where R's stream is after ``pima`` (R draws later random
    numbers from there, e.g. the subgroups' estmeansd approximations)."""
    y = np.asarray(y, dtype=float)
    sigma = np.asarray(sigma, dtype=float)
    _check_num(y, "y")
    _check_num(sigma, "se")
    if sigma.size and sigma.min() < 0.0:
        raise ValueError("'se' should be non-negative.")
    if y.size != sigma.size:
        raise ValueError("'y' and 'se' should have the same length.")
    k = y.size
    rng = RRandom(seed)
    if stream is not None:
        stream.rng = rng
    pvec = rng.uniforms(B)
    w = sigma ** -2.0
    A = np.diag(w) - np.outer(w, w) / w.sum()
    qa = float(y @ A @ y)
    mupper = max(upper, qa)
    zeroval, topval = _fx_batch(np.array([0.0, mupper]), np.zeros(2), qa, sigma, A)
    if math.isnan(zeroval) or math.isnan(topval):
        # every root search meets a NaN at a bracket end; pimeta then redraws for ever
        raise ValueError(NO_END)
    rnd = np.zeros(B)
    need = ~(zeroval >= pvec)
    idx = np.flatnonzero(need)
    t2, st = _zeroin_batch(pvec[idx], lower, mupper, qa, sigma, A, maxit2, tol)
    rnd[idx] = np.where(st == 1, math.inf, t2)
    # status 2 (a NaN on the way): new uniforms, sample by sample in index order
    for i in idx[st == 2]:
        for _ in range(_MAX_REDRAWS):
            p = rng.unif_rand()
            if zeroval >= p:
                rnd[i] = 0.0
                break
            t2i, sti = _zeroin_batch(np.array([p]), lower, mupper, qa, sigma, A, maxit2, tol)
            if sti[0] != 2:
                rnd[i] = math.inf if sti[0] == 1 else t2i[0]
                break
        else:
            raise ValueError(NO_END)
    rndt = rng.t_draws(B, float(k - 1))
    rndn = rng.normals(B)
    s2 = sigma ** 2
    with np.errstate(all="ignore"):        # an Inf tau2 gives NaN predictions, as in C++
        wB = 1.0 / (s2[None, :] + rnd[:, None])
        wBrs = wB.sum(axis=1)
        mB = (y[None, :] * wB).sum(axis=1) / wBrs
        vB = (wB * (y[None, :] - mB[:, None]) ** 2).sum(axis=1) / (k - 1) / wBrs
        dpt = mB + rndn * np.sqrt(rnd) - rndt * np.sqrt(vB)
    lpi, upi = _quantile_pair(dpt, alpha)
    return NNFInterval(lower=lpi, upper=upi, df=float(k - 1), seed=rng.seed)
