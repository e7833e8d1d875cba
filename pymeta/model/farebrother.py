"""Farebrother's algorithm AS 204 (Appl. Statist. 1984, 33(3)) as used by R.

metafor's ``confint.rma.uni`` for ``method = "GENQ"`` fits (and so R meta's
``method.tau.ci = "BJ"`` / ``"J"``) evaluates the distribution of a positive
definite quadratic form in normal variates with ``CompQuadForm::farebrother``
(CompQuadForm 1.4.4, C routine ``ruben`` in ``src/ruben.cpp``), with its
defaults ``h = 1``, ``delta = 0``, ``maxit = 100000``, ``eps = 1e-10`` and
``mode = 1``.  This is an independent Python transcription of that routine:
every floating-point operation happens in the same order and in IEEE double
precision (the C code is compiled for x86-64 SSE2: no extended precision, no
fused multiply-add), the C library's ``exp``/``log`` are Python's ``math``
ones, and ``pnorm`` is the bit-identical port of R's in :mod:`.nmath`.

Two loops of the C code are sums that run left to right; they are done
here with ``numpy.add.accumulate``, which is a strictly sequential running
sum (per column, for a 2-d array), so the results are the same doubles.

R's wrapper returns ``Qq = 1 - res``: the probability that the quadratic form
*exceeds* ``q``.  The routine's error codes (``res`` = -2, -3, -7) pass
through that subtraction unchanged in R (giving ``Qq`` = 3, 4, 8), and so
they do here.
"""
from __future__ import annotations

import math

import numpy as np

from . import nmath

__all__ = ["farebrother_qq", "ruben"]

_LN_SQRT_PI_OVER_2 = 0.22579135264473   # the constant typed in the C code


def _clog(x: float) -> float:
    """C ``log`` including its special values (``log(0) = -Inf``, NaN for x < 0)."""
    if x > 0.0:
        return math.log(x)
    if x == 0.0:
        return -math.inf
    return math.nan


def _cexp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _pnorm(x: float) -> float:
    return float(nmath.pnorm(x, True, False))   # pnorm(x, 0, 1): (x - 0)/1 == x


_BLOCK = 32     # steps per sub-block
_BIG = 512      # steps per big block
_ROWS = 256     # rows per chunk of the big partial sums (256 x 512 doubles: in cache)


def _column_sums(X: np.ndarray) -> np.ndarray:
    """Left-to-right sum down each column of a C-contiguous 2-d array with several
    columns: ``((X[0] + X[1]) + X[2]) + ...``.

    numpy reduces over the outer (row) axis of such an array by adding whole rows
    into the result one after the other - an element-wise add, not the pairwise
    summation numpy uses along a contiguous axis - so every column is an exact
    sequential sum.  (``tests/test_tau2_methods.py`` checks this against an explicit
    loop, and the port against CompQuadForm itself.)
    """
    return np.add.reduce(X, axis=0)


def _add_terms(lead: np.ndarray, b: np.ndarray, a: np.ndarray, r_from: int, r_to: int,
               mm0: int, work: np.ndarray) -> np.ndarray:
    """``lead[c] + b[mm-1-r]*a[r-1]`` added for r = r_from, ..., r_to - 1 in that order,
    for the steps mm = mm0 + c (c = 0 .. len(lead) - 1): each column an exact
    left-to-right sum.  The rows go through ``work`` in chunks that stay in cache; each
    chunk starts with the running sums so far, so the order of additions is unchanged.
    """
    ncol = lead.size
    if r_to <= r_from:
        return lead
    rows = work.shape[0] - 1
    # W[i] = b[i : i + ncol]; the products of term r use W[mm0 - 1 - r]
    W = np.lib.stride_tricks.sliding_window_view(b[:mm0 - 1 - r_from + ncol], ncol)
    for r0 in range(r_from, r_to, rows):
        r1 = min(r_to, r0 + rows)
        X = work[:r1 - r0 + 1]
        X[0] = lead
        np.multiply(W[mm0 - r1:mm0 - r0][::-1], a[r0 - 1:r1 - 1, None], out=X[1:])
        lead = _column_sums(X)
    return lead


def ruben(lam, q: float, *, mode: float = 1.0, maxit: int = 100000,
          eps: float = 1e-10):
    """AS 204 for central chi-squares with multiplicity 1 (``h = 1``, ``delta = 0``).

    Returns ``(res, dnsty, ifault)`` exactly as the C routine leaves them:
    ``res`` is P(Q < q).
    """
    lam = np.asarray(lam, dtype=float)
    n = lam.size
    if n < 1 or q <= 0 or maxit < 1 or eps <= 0.0:
        return -2.0, 0.0, 2
    tol = -200.0
    ssum = float(lam[0])
    bbeta = ssum
    for i in range(n):
        hold = float(lam[i])
        if hold <= 0.0:
            return -7.0, 0.0, -(i + 1)
        if bbeta > hold:
            bbeta = hold
        if ssum < hold:
            ssum = hold
    if mode > 0.0:
        bbeta = mode * bbeta
    else:
        bbeta = 2.0 / (1.0 / bbeta + 1.0 / ssum)

    gamma = np.empty(n)
    k = 0
    ssum = 1.0
    sum1 = 0.0
    for i in range(n):
        hold = bbeta / float(lam[i])
        gamma[i] = 1.0 - hold
        ssum = ssum * hold            # R_pow(hold, 1) == hold
        sum1 = sum1 + 0.0             # + delta[i]
        k = k + 1
    theta = np.ones(n)

    ao = _cexp(0.5 * (_clog(ssum) - sum1))
    if ao <= 0.0:       # (a NaN ao goes on, as in C)
        return 0.0, 0.0, 1
    z = q / bbeta
    if k % 2 == 0:
        i0 = 2
        lans = -0.5 * z
        dans = _cexp(lans)
        pans = 1.0 - dans
    else:
        i0 = 1
        lans = -0.5 * (z + _clog(z)) - _LN_SQRT_PI_OVER_2
        dans = _cexp(lans)
        sz = math.sqrt(z)
        pans = _pnorm(sz) - _pnorm(-sz)
    k = k - 2
    j = i0
    while j <= k:
        if lans < tol:
            lans = lans + _clog(z / float(j))
            dans = _cexp(lans)
        else:
            dans = dans * z / float(j)
        pans = pans - dans
        j += 2

    prbty = pans
    dnsty = dans
    eps2 = eps / ao
    aoinv = 1.0 / ao
    ssum = aoinv - 1.0

    # The series terms.  a[m-1] needs the sequential sum
    #     b[m-1] + b[m-2]*a[0] + b[m-3]*a[1] + ... + b[0]*a[m-2]
    # (O(m) per step; the term for r = 1, 2, ... is b[m-1-r]*a[r-1]).  The terms of
    # step mm whose a[r-1] is already known when a block of steps starts are summed for
    # all steps of the block together, as running sums down the rows of a (rows x
    # steps) array - one exact left-to-right sum per column (_add_terms).  Two levels:
    # big blocks of _BIG steps take the terms known before the block, sub-blocks of
    # _BLOCK steps the terms of the earlier sub-blocks, and each step then adds its own
    # last few products, in the same order, one by one.
    big, small = _BIG, _BLOCK
    a = np.empty(maxit + big)
    b = np.empty(maxit + big)
    add_acc = np.add.accumulate
    work_big = np.empty((_ROWS + 1, big))
    work_small = np.empty((big + 1, small))
    m = 1
    done = False
    while m <= maxit and not done:
        for j in range(big):     # steps past maxit are computed but never used
            # theta_i *= gamma_i; b = 0.5 * (0 + theta_1 + ... + theta_n): the
            # m*delta*(hold - hold2) terms of the C code are signed zeros
            np.multiply(theta, gamma, out=theta)
            b[m - 1 + j] = 0.5 * float(add_acc(theta)[n - 1])
        lead_big = _add_terms(b[m - 1:m - 1 + big].copy(), b, a, 1, m, m, work_big)
        for s0 in range(0, big, small):
            ms = m + s0                       # first step of the sub-block
            if ms > maxit or done:
                break
            lead = _add_terms(lead_big[s0:s0 + small].copy(), b, a, m, ms, ms, work_small)
            for j in range(min(small, maxit - ms + 1)):
                mm = ms + j
                sum1 = float(lead[j])
                for r in range(ms, mm):
                    sum1 = sum1 + float(b[mm - 1 - r]) * float(a[r - 1])
                sum1 = sum1 / float(mm)
                a[mm - 1] = sum1
                k = k + 2
                if lans < tol:
                    lans = lans + _clog(z / float(k))
                    dans = _cexp(lans)
                else:
                    dans = dans * z / float(k)
                pans = pans - dans
                ssum = ssum - sum1
                dnsty = dnsty + dans * sum1
                sum1 = pans * sum1
                prbty = prbty + sum1
                if prbty < -aoinv:
                    return -3.0, dnsty, 3
                if abs(pans * ssum) < eps2 and abs(sum1) < eps2:
                    done = True
                    break
        m += big

    ifault = 4
    dnsty = ao * dnsty / (bbeta + bbeta)
    prbty = ao * prbty
    if prbty < 0.0 or prbty > 1.0:
        ifault += 5
    elif dnsty < 0.0:
        ifault += 6
    return prbty, dnsty, ifault


def farebrother_qq(q: float, lam) -> float:
    """``CompQuadForm::farebrother(q, lambda)$Qq`` with the package defaults."""
    res, _, _ = ruben(lam, float(q))
    return 1.0 - res
