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


_BLOCK = 32


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
    # (O(m) per step).  Its first m-1 products only use coefficients that are
    # known when step m starts, so the steps m, m+1, ..., m+B-1 of a block get
    # those leading partial sums together - a running sum down the rows of an
    # (m x B) array, one exact left-to-right sum per column - and each step then
    # adds its own few remaining products, in the same order, one by one.
    block = _BLOCK
    a = np.empty(maxit + block)
    b = np.empty(maxit + block)
    add_acc = np.add.accumulate
    window = np.lib.stride_tricks.sliding_window_view
    work = np.empty((64, block))
    m = 1
    done = False
    while m <= maxit and not done:
        nb = block          # always full width (see _column_sums); steps past maxit unused
        for j in range(nb):
            # theta_i *= gamma_i; b = 0.5 * (0 + theta_1 + ... + theta_n): the
            # m*delta*(hold - hold2) terms of the C code are signed zeros
            np.multiply(theta, gamma, out=theta)
            b[m - 1 + j] = 0.5 * float(add_acc(theta)[n - 1])
        if m > 1:
            if work.shape[0] < m:           # grow the work array (doubling)
                work = np.empty((min(2 * m, maxit + 1), nb))
            X = work[:m]
            X[0] = b[m - 1:m - 1 + nb]
            # row r (r = 1..m-1): b[m-1-r+j] * a[r-1] for the column (step m+j)
            np.multiply(window(b[:m - 2 + nb], nb)[m - 2::-1], a[:m - 1, None], out=X[1:])
            lead = _column_sums(X)
        else:
            lead = b[0:nb].copy()
        for j in range(min(nb, maxit - m + 1)):
            mm = m + j
            sum1 = float(lead[j])
            for r in range(m, mm):
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
        m += nb

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
