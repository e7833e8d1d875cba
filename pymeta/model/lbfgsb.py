"""R's ``stats::optim(par, fn, method = "L-BFGS-B", lower, upper)``, step by step.

The algorithm is the limited-memory BFGS method for bound-constrained problems of
Byrd, Lu, Nocedal and Zhu (1995, SIAM J. Sci. Comput. 16, 1190-1208; the Fortran code
by Zhu, Byrd, Lu and Nocedal, "L-BFGS-B", NAM-11, 1994).  R ships a C translation of
version 2.3 of that code (src/appl/lbfgsb.c), driven by ``lbfgsb()`` in
src/appl/optim.c, with the objective and a finite-difference gradient supplied by
``fminfn`` / ``fmingr`` in src/library/stats/src/optim.c.  This module follows R 4.2.2
operation for operation so that every evaluated point, and hence ``par``, ``value`` and
``counts``, are R's to the last bit.

How one run goes:

* The start is projected into the box, then each iteration
  (1) finds the generalized Cauchy point: the first local minimiser of the quadratic
  model along the projected steepest-descent path, walking the breakpoints where
  coordinates hit their bounds in heap order;
  (2) minimises the model over the coordinates still free at that point (a direct
  solve with the compact representation of the limited-memory matrix, built from the
  last ``lmm`` step / gradient-change pairs; LINPACK ``dpofa`` Cholesky factors and
  ``dtrsl`` triangular solves), and backtracks into the box if needed;
  (3) runs the Moré-Thuente line search (MINPACK-2 ``dcsrch`` / ``dcstep``) with
  ftol 1e-3, gtol 0.9, xtol 0.1 along the resulting direction;
  (4) stops when the projected gradient's sup-norm is at most ``pgtol`` or the relative
  decrease of f is at most ``factr * DBL_EPSILON``; otherwise stores the new pair
  (skipped when the curvature s'y is not positive enough) and repeats.
* R's driver counts iterations ("NEW_X") and gives up with convergence 1 after
  ``maxit``; ``counts`` are the number of (function, gradient) evaluations the
  algorithm asked for (both the same number; the gradient's own function calls are not
  counted).
* Without a user gradient, R differentiates centrally with step ``ndeps`` but clips
  each probe to the box, dividing by the step actually taken on each side.

Floating point: every expression keeps C's evaluation order; the BLAS level-1 calls
(``ddot``, ``daxpy``, ``dscal``, ``dcopy``) go to the reference (netlib) BLAS that R
loads here, whose ``ddot`` accumulates five products per pass after a remainder loop,
and that order is kept too.  The C code keeps line-search and iteration state in
``static`` variables; here it lives in objects private to one call.  (The only place the
C code reads such state before setting it -- the line search continuing after its own
start-up check failed, possible only when a step bound of 0 meets a unit first step,
i.e. after at least one earlier line search of the same run -- therefore sees the same
values here.)

Supported ``control`` entries: ``maxit``, ``factr``, ``pgtol``, ``lmm``, ``ndeps``,
``fnscale``, ``parscale`` and ``trace = 0``; anything else raises
``NotImplementedError``.
"""
from __future__ import annotations

import math
import numbers
import sys
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

from .blas import ddot as _ddot

__all__ = ["optim_lbfgsb", "LbfgsbResult"]

_EPSMCH = sys.float_info.epsilon


@dataclass(frozen=True)
class LbfgsbResult:
    """``optim()``'s value: ``par``, ``value``, ``counts`` = (function, gradient),
    ``convergence`` (0; 1 = maxit reached; 51 warning; 52 error) and ``message``."""
    par: tuple
    value: float
    counts: tuple
    convergence: int
    message: str


# ---------------------------------------------------------------- reference BLAS / LINPACK
# Vectors are Python lists addressed by a 0-based start index; matrices are flat
# column-major lists, element (i, j) (1-based) of a matrix starting at ``off`` with
# leading dimension ``ld`` lives at ``off + (i - 1) + (j - 1) * ld``.

def _daxpy(n, da, x, ix, y, iy):
    """y := y + da * x (netlib: nothing to do when n <= 0 or da == 0)."""
    if n <= 0 or da == 0.0:
        return
    for k in range(n):
        y[iy + k] = y[iy + k] + da * x[ix + k]


def _dscal(n, da, x, ix):
    for k in range(n):
        x[ix + k] = da * x[ix + k]


def _dcopy(n, x, ix, y, iy):
    for k in range(n):
        y[iy + k] = x[ix + k]


def _dpofa(a, off, lda, n):
    """R's LINPACK dpofa (Cholesky, upper factor in place) with R's 1e-14 relative
    tolerance for positive definiteness; returns info (0 = success)."""
    for j in range(1, n + 1):
        s = 0.0
        cj = off + (j - 1) * lda                      # start of column j
        for k in range(1, j):
            ck = off + (k - 1) * lda
            t = a[cj + k - 1] - _ddot(k - 1, a, ck, a, cj)
            t = t / a[ck + k - 1]
            a[cj + k - 1] = t
            s = s + t * t
        s = a[cj + j - 1] - s
        if s <= 1e-14 * abs(a[cj + j - 1]):
            return j
        a[cj + j - 1] = math.sqrt(s)
    return 0


def _dtrsl(t, off, ldt, n, b, boff, job):
    """LINPACK dtrsl for an upper triangular t (jobs 01: T x = b, 11: T' x = b, as
    lbfgsb uses them; 00 and 10 for completeness); returns info."""
    def T(i, j):
        return t[off + (i - 1) + (j - 1) * ldt]
    for info in range(1, n + 1):
        if T(info, info) == 0.0:
            return info
    kase = 1
    if job % 10 != 0:
        kase = 2
    if (job % 100) // 10 != 0:
        kase += 2
    if kase == 1:
        b[boff] = b[boff] / T(1, 1)
        for j in range(2, n + 1):
            temp = -b[boff + j - 2]
            _daxpy(n - j + 1, temp, t, off + (j - 1) + (j - 2) * ldt, b, boff + j - 1)
            b[boff + j - 1] = b[boff + j - 1] / T(j, j)
    elif kase == 2:
        b[boff + n - 1] = b[boff + n - 1] / T(n, n)
        for jj in range(2, n + 1):
            j = n - jj + 1
            temp = -b[boff + j]
            _daxpy(j, temp, t, off + j * ldt, b, boff)
            b[boff + j - 1] = b[boff + j - 1] / T(j, j)
    elif kase == 3:
        b[boff + n - 1] = b[boff + n - 1] / T(n, n)
        for jj in range(2, n + 1):
            j = n - jj + 1
            b[boff + j - 1] = b[boff + j - 1] - _ddot(jj - 1, t, off + j + (j - 1) * ldt,
                                                      b, boff + j)
            b[boff + j - 1] = b[boff + j - 1] / T(j, j)
    else:
        b[boff] = b[boff] / T(1, 1)
        for j in range(2, n + 1):
            b[boff + j - 1] = b[boff + j - 1] - _ddot(j - 1, t, off + (j - 1) * ldt,
                                                      b, boff)
            b[boff + j - 1] = b[boff + j - 1] / T(j, j)
    return 0


# ---------------------------------------------------------------- pieces of one iteration
# 1-d arrays of the algorithm are 1-based lists (element 0 unused).  ``ws``/``wy`` are
# n x m, ``sy``/``ss``/``wt`` m x m and ``wn``/``snd`` 2m x 2m, all flat column-major.

def _active(n, l, u, nbd, x, iwhere):
    """Project the start into the box and classify the variables; returns
    (projected, constrained, boxed)."""
    prjctd = False
    cnstnd = False
    boxed = True
    for i in range(1, n + 1):
        if nbd[i] > 0:
            if nbd[i] <= 2 and x[i] <= l[i]:
                if x[i] < l[i]:
                    prjctd = True
                    x[i] = l[i]
            elif nbd[i] >= 2 and x[i] >= u[i]:
                if x[i] > u[i]:
                    prjctd = True
                    x[i] = u[i]
    for i in range(1, n + 1):
        if nbd[i] != 2:
            boxed = False
        if nbd[i] == 0:
            iwhere[i] = -1
        else:
            cnstnd = True
            iwhere[i] = 3 if (nbd[i] == 2 and u[i] - l[i] <= 0.0) else 0
    return prjctd, cnstnd, boxed


def _bmv(m, sy, wt, col, v, vb, p, pb):
    """p := M v for the 2col x 2col middle matrix M of the compact representation
    (v[i] is v[vb + i], p[i] is p[pb + i]); returns info from the triangular solves."""
    if col == 0:
        return 0
    p[pb + col + 1] = v[vb + col + 1]
    for i in range(2, col + 1):
        i2 = col + i
        s = 0.0
        for k in range(1, i):
            s = s + sy[(i - 1) + (k - 1) * m] * v[vb + k] / sy[(k - 1) + (k - 1) * m]
        p[pb + i2] = v[vb + i2] + s
    info = _dtrsl(wt, 0, m, col, p, pb + col + 1, 11)
    if info != 0:
        return info
    for i in range(1, col + 1):
        p[pb + i] = v[vb + i] / math.sqrt(sy[(i - 1) + (i - 1) * m])
    info = _dtrsl(wt, 0, m, col, p, pb + col + 1, 1)
    if info != 0:
        return info
    for i in range(1, col + 1):
        p[pb + i] = -p[pb + i] / math.sqrt(sy[(i - 1) + (i - 1) * m])
    for i in range(1, col + 1):
        s = 0.0
        for k in range(i + 1, col + 1):
            s = s + sy[(k - 1) + (i - 1) * m] * p[pb + col + k] / sy[(i - 1) + (i - 1) * m]
        p[pb + i] = p[pb + i] + s
    return 0


def _hpsolb(n, t, iorder, iheap):
    """Heap of the breakpoints t[1..n] (1-based): build it when iheap == 0, then move
    the least element to position n."""
    if iheap == 0:
        for k in range(2, n + 1):
            ddum = t[k]
            indxin = iorder[k]
            i = k
            while i > 1:
                j = i // 2
                if ddum < t[j]:
                    t[i] = t[j]
                    iorder[i] = iorder[j]
                    i = j
                else:
                    break
            t[i] = ddum
            iorder[i] = indxin
    if n > 1:
        i = 1
        out = t[1]
        indxou = iorder[1]
        ddum = t[n]
        indxin = iorder[n]
        while True:
            j = i + i
            if j <= n - 1:
                if t[j + 1] < t[j]:
                    j += 1
                if t[j] < ddum:
                    t[i] = t[j]
                    iorder[i] = iorder[j]
                    i = j
                    continue
            break
        t[i] = ddum
        iorder[i] = indxin
        t[n] = out
        iorder[n] = indxou


def _cauchy(n, x, l, u, nbd, g, iorder, iwhere, t, d, xcp, m, wy, ws, sy, wt,
            theta, col, head, wa, sbgnrm, epsmch):
    """Generalized Cauchy point into xcp; returns (nint, info).  wa holds p (wa[1..2m]),
    c (wa[2m+1..]), wbp (wa[4m+1..]) and v (wa[6m+1..])."""
    P, C, WBP, V = 0, 2 * m, 4 * m, 6 * m
    nint = 0
    if sbgnrm <= 0.0:
        _dcopy(n, x, 1, xcp, 1)
        return nint, 0
    bnded = True
    nfree = n + 1
    nbreak = 0
    ibkmin = 0
    bkmin = 0.0
    col2 = col * 2
    f1 = 0.0
    tl = 0.0
    tu = 0.0
    for i in range(1, col2 + 1):
        wa[P + i] = 0.0
    for i in range(1, n + 1):
        neggi = -g[i]
        if iwhere[i] != 3 and iwhere[i] != -1:
            if nbd[i] <= 2:
                tl = x[i] - l[i]
            if nbd[i] >= 2:
                tu = u[i] - x[i]
            xlower = nbd[i] <= 2 and tl <= 0.0
            xupper = nbd[i] >= 2 and tu <= 0.0
            iwhere[i] = 0
            if xlower:
                if neggi <= 0.0:
                    iwhere[i] = 1
            elif xupper:
                if neggi >= 0.0:
                    iwhere[i] = 2
            else:
                if abs(neggi) <= 0.0:
                    iwhere[i] = -3
        pointr = head
        if iwhere[i] != 0 and iwhere[i] != -1:
            d[i] = 0.0
        else:
            d[i] = neggi
            f1 = f1 - neggi * neggi
            for j in range(1, col + 1):
                wa[P + j] = wa[P + j] + wy[(i - 1) + (pointr - 1) * n] * neggi
                wa[P + col + j] = wa[P + col + j] + ws[(i - 1) + (pointr - 1) * n] * neggi
                pointr = pointr % m + 1
            if nbd[i] <= 2 and nbd[i] != 0 and neggi < 0.0:
                nbreak += 1
                iorder[nbreak] = i
                t[nbreak] = tl / (-neggi)
                if nbreak == 1 or t[nbreak] < bkmin:
                    bkmin = t[nbreak]
                    ibkmin = nbreak
            elif nbd[i] >= 2 and neggi > 0.0:
                nbreak += 1
                iorder[nbreak] = i
                t[nbreak] = tu / neggi
                if nbreak == 1 or t[nbreak] < bkmin:
                    bkmin = t[nbreak]
                    ibkmin = nbreak
            else:
                nfree -= 1
                iorder[nfree] = i
                if abs(neggi) > 0.0:
                    bnded = False
    if theta != 1.0:
        _dscal(col, theta, wa, P + col + 1)
    _dcopy(n, x, 1, xcp, 1)
    if nbreak == 0 and nfree == n + 1:
        return nint, 0
    for j in range(1, col2 + 1):
        wa[C + j] = 0.0
    f2 = -theta * f1
    f2_org = f2
    if col > 0:
        info = _bmv(m, sy, wt, col, wa, P, wa, V)
        if info != 0:
            return nint, info
        f2 = f2 - _ddot(col2, wa, V + 1, wa, P + 1)
    dtm = -f1 / f2
    tsum = 0.0
    nint = 1
    skip_to_999 = False
    if nbreak != 0:
        nleft = nbreak
        it = 1
        tj = 0.0
        while True:
            tj0 = tj
            if it == 1:
                tj = bkmin
                ibp = iorder[ibkmin]
            else:
                if it == 2:
                    if ibkmin != nbreak:
                        t[ibkmin] = t[nbreak]
                        iorder[ibkmin] = iorder[nbreak]
                _hpsolb(nleft, t, iorder, it - 2)
                tj = t[nleft]
                ibp = iorder[nleft]
            dt = tj - tj0
            if dtm < dt:
                break
            tsum = tsum + dt
            nleft -= 1
            it += 1
            dibp = d[ibp]
            d[ibp] = 0.0
            if dibp > 0.0:
                zibp = u[ibp] - x[ibp]
                xcp[ibp] = u[ibp]
                iwhere[ibp] = 2
            else:
                zibp = l[ibp] - x[ibp]
                xcp[ibp] = l[ibp]
                iwhere[ibp] = 1
            if nleft == 0 and nbreak == n:
                dtm = dt
                skip_to_999 = True
                break
            nint += 1
            dibp2 = dibp * dibp
            f1 = f1 + (dt * f2 + dibp2 - theta * dibp * zibp)
            f2 = f2 - theta * dibp2
            if col > 0:
                _daxpy(col2, dt, wa, P + 1, wa, C + 1)
                pointr = head
                for j in range(1, col + 1):
                    wa[WBP + j] = wy[(ibp - 1) + (pointr - 1) * n]
                    wa[WBP + col + j] = theta * ws[(ibp - 1) + (pointr - 1) * n]
                    pointr = pointr % m + 1
                info = _bmv(m, sy, wt, col, wa, WBP, wa, V)
                if info != 0:
                    return nint, info
                wmc = _ddot(col2, wa, C + 1, wa, V + 1)
                wmp = _ddot(col2, wa, P + 1, wa, V + 1)
                wmw = _ddot(col2, wa, WBP + 1, wa, V + 1)
                _daxpy(col2, -dibp, wa, WBP + 1, wa, P + 1)
                f1 = f1 + dibp * wmc
                f2 = f2 + (2.0 * dibp * wmp - dibp2 * wmw)
            lim = epsmch * f2_org
            if f2 < lim:
                f2 = lim
            if nleft > 0:
                dtm = -f1 / f2
                continue
            elif bnded:
                f1 = 0.0
                f2 = 0.0
                dtm = 0.0
            else:
                dtm = -f1 / f2
            break
    if not skip_to_999:
        if dtm <= 0.0:
            dtm = 0.0
        tsum = tsum + dtm
        _daxpy(n, tsum, d, 1, xcp, 1)
    if col > 0:
        _daxpy(col2, dtm, wa, P + 1, wa, C + 1)
    return nint, 0


def _cmprlb(n, m, x, g, ws, wy, sy, wt, z, r, wa, indx, theta, col, head, nfree,
            cnstnd):
    """r := -Z'(B (xcp - x) + g) on the free variables; returns info."""
    if not cnstnd and col > 0:
        for i in range(1, n + 1):
            r[i] = -g[i]
        return 0
    for i in range(1, nfree + 1):
        k = indx[i]
        r[i] = -theta * (z[k] - x[k]) - g[k]
    info = _bmv(m, sy, wt, col, wa, 2 * m, wa, 0)
    if info != 0:
        return -8
    pointr = head
    for j in range(1, col + 1):
        a1 = wa[j]
        a2 = theta * wa[col + j]
        for i in range(1, nfree + 1):
            k = indx[i]
            r[i] = r[i] + (wy[(k - 1) + (pointr - 1) * n] * a1
                           + ws[(k - 1) + (pointr - 1) * n] * a2)
        pointr = pointr % m + 1
    return 0


def _errclb(n, m, factr, l, u, nbd):
    """Argument checks; returns the error task or None."""
    task = None
    if n <= 0:
        task = "ERROR: N .LE. 0"
    if m <= 0:
        task = "ERROR: M .LE. 0"
    if factr < 0.0:
        task = "ERROR: FACTR .LT. 0"
    for i in range(1, n + 1):
        if nbd[i] < 0 or nbd[i] > 3:
            task = "ERROR: INVALID NBD"
        if nbd[i] == 2 and l[i] > u[i]:
            task = "ERROR: NO FEASIBLE SOLUTION"
    return task


def _formk(n, nsub, ind, nenter, ileave, indx2, iupdat, updatd, wn, wn1, m, ws, wy,
           sy, theta, col, head):
    """Factorise the 2col x 2col indefinite matrix of the subspace problem into wn
    (wn1 = snd carries the inner products from one iteration to the next); returns
    info."""
    m2 = 2 * m

    def W1(i, j):
        return (i - 1) + (j - 1) * m2

    def Y(k, p):
        return wy[(k - 1) + (p - 1) * n]

    def S(k, p):
        return ws[(k - 1) + (p - 1) * n]

    if updatd:
        if iupdat > m:
            for jy in range(1, m):
                js = m + jy
                _dcopy(m - jy, wn1, W1(jy + 1, jy + 1), wn1, W1(jy, jy))
                _dcopy(m - jy, wn1, W1(js + 1, js + 1), wn1, W1(js, js))
                _dcopy(m - 1, wn1, W1(m + 2, jy + 1), wn1, W1(m + 1, jy))
        pbegin = 1
        pend = nsub
        dbegin = nsub + 1
        dend = n
        iy = col
        is_ = m + col
        ipntr = head + col - 1
        if ipntr > m:
            ipntr -= m
        jpntr = head
        for jy in range(1, col + 1):
            js = m + jy
            temp1 = 0.0
            temp2 = 0.0
            temp3 = 0.0
            for k in range(pbegin, pend + 1):
                k1 = ind[k]
                temp1 = temp1 + Y(k1, ipntr) * Y(k1, jpntr)
            for k in range(dbegin, dend + 1):
                k1 = ind[k]
                temp2 = temp2 + S(k1, ipntr) * S(k1, jpntr)
                temp3 = temp3 + S(k1, ipntr) * Y(k1, jpntr)
            wn1[W1(iy, jy)] = temp1
            wn1[W1(is_, js)] = temp2
            wn1[W1(is_, jy)] = temp3
            jpntr = jpntr % m + 1
        jy = col
        jpntr = head + col - 1
        if jpntr > m:
            jpntr -= m
        ipntr = head
        for i in range(1, col + 1):
            is_ = m + i
            temp3 = 0.0
            for k in range(pbegin, pend + 1):
                k1 = ind[k]
                temp3 = temp3 + S(k1, ipntr) * Y(k1, jpntr)
            ipntr = ipntr % m + 1
            wn1[W1(is_, jy)] = temp3
        upcl = col - 1
    else:
        upcl = col
    ipntr = head
    for iy in range(1, upcl + 1):
        is_ = m + iy
        jpntr = head
        for jy in range(1, iy + 1):
            js = m + jy
            temp1 = 0.0
            temp2 = 0.0
            temp3 = 0.0
            temp4 = 0.0
            for k in range(1, nenter + 1):
                k1 = indx2[k]
                temp1 = temp1 + Y(k1, ipntr) * Y(k1, jpntr)
                temp2 = temp2 + S(k1, ipntr) * S(k1, jpntr)
            for k in range(ileave, n + 1):
                k1 = indx2[k]
                temp3 = temp3 + Y(k1, ipntr) * Y(k1, jpntr)
                temp4 = temp4 + S(k1, ipntr) * S(k1, jpntr)
            wn1[W1(iy, jy)] = wn1[W1(iy, jy)] + temp1 - temp3
            wn1[W1(is_, js)] = wn1[W1(is_, js)] - temp2 + temp4
            jpntr = jpntr % m + 1
        ipntr = ipntr % m + 1
    ipntr = head
    for is_ in range(m + 1, m + upcl + 1):
        jpntr = head
        for jy in range(1, upcl + 1):
            temp1 = 0.0
            temp3 = 0.0
            for k in range(1, nenter + 1):
                k1 = indx2[k]
                temp1 = temp1 + S(k1, ipntr) * Y(k1, jpntr)
            for k in range(ileave, n + 1):
                k1 = indx2[k]
                temp3 = temp3 + S(k1, ipntr) * Y(k1, jpntr)
            if is_ <= jy + m:
                wn1[W1(is_, jy)] = wn1[W1(is_, jy)] + (temp1 - temp3)
            else:
                wn1[W1(is_, jy)] = wn1[W1(is_, jy)] + (-temp1 + temp3)
            jpntr = jpntr % m + 1
        ipntr = ipntr % m + 1
    for iy in range(1, col + 1):
        is_ = col + iy
        is1 = m + iy
        for jy in range(1, iy + 1):
            js = col + jy
            js1 = m + jy
            wn[W1(jy, iy)] = wn1[W1(iy, jy)] / theta
            wn[W1(js, is_)] = wn1[W1(is1, js1)] * theta
        for jy in range(1, iy):
            wn[W1(jy, is_)] = -wn1[W1(is1, jy)]
        for jy in range(iy, col + 1):
            wn[W1(jy, is_)] = wn1[W1(is1, jy)]
        wn[W1(iy, iy)] = wn[W1(iy, iy)] + sy[(iy - 1) + (iy - 1) * m]
    info = _dpofa(wn, 0, m2, col)
    if info != 0:
        return -1
    col2 = 2 * col
    for js in range(col + 1, col2 + 1):
        _dtrsl(wn, 0, m2, col, wn, W1(1, js), 11)
    for is_ in range(col + 1, col2 + 1):
        for js in range(is_, col2 + 1):
            wn[W1(is_, js)] = wn[W1(is_, js)] + _ddot(col, wn, W1(1, is_), wn, W1(1, js))
    info = _dpofa(wn, W1(col + 1, col + 1), m2, col)
    if info != 0:
        return -2
    return 0


def _formt(m, wt, sy, ss, col, theta):
    """T = theta S'S + L D^-1 L' (upper half) into wt, Cholesky-factorised; info."""
    for j in range(1, col + 1):
        wt[(j - 1) * m] = theta * ss[(j - 1) * m]
    for i in range(2, col + 1):
        for j in range(i, col + 1):
            k1 = (j if i > j else i) - 1
            ddum = 0.0
            for k in range(1, k1 + 1):
                ddum = ddum + sy[(i - 1) + (k - 1) * m] * sy[(j - 1) + (k - 1) * m] \
                    / sy[(k - 1) + (k - 1) * m]
            wt[(i - 1) + (j - 1) * m] = ddum + theta * ss[(i - 1) + (j - 1) * m]
    info = _dpofa(wt, 0, m, col)
    return -3 if info != 0 else 0


def _freev(n, nfree, indx, indx2, iwhere, updatd, cnstnd, it):
    """Free / active sets at the Cauchy point; returns (nfree, nenter, ileave, wrk)."""
    nenter = 0
    ileave = n + 1
    if it > 0 and cnstnd:
        for i in range(1, nfree + 1):
            k = indx[i]
            if iwhere[k] > 0:
                ileave -= 1
                indx2[ileave] = k
        for i in range(nfree + 1, n + 1):
            k = indx[i]
            if iwhere[k] <= 0:
                nenter += 1
                indx2[nenter] = k
    wrk = ileave < n + 1 or nenter > 0 or updatd
    nfree = 0
    iact = n + 1
    for i in range(1, n + 1):
        if iwhere[i] <= 0:
            nfree += 1
            indx[nfree] = i
        else:
            iact -= 1
            indx[iact] = i
    return nfree, nenter, ileave, wrk


def _matupd(n, m, ws, wy, sy, ss, d, r, st, rr, dr, stp, dtd):
    """Store the new pair (s = d, y = r) and update S'Y, S'S; st carries itail, iupdat,
    col, head, theta."""
    if st.iupdat <= m:
        st.col = st.iupdat
        st.itail = (st.head + st.iupdat - 2) % m + 1
    else:
        st.itail = st.itail % m + 1
        st.head = st.head % m + 1
    col = st.col
    _dcopy(n, d, 1, ws, (st.itail - 1) * n)
    _dcopy(n, r, 1, wy, (st.itail - 1) * n)
    st.theta = rr / dr
    if st.iupdat > m:
        for j in range(1, col):
            _dcopy(j, ss, 1 + j * m, ss, (j - 1) * m)
            _dcopy(col - j, sy, j + j * m, sy, (j - 1) + (j - 1) * m)
    pointr = st.head
    for j in range(1, col):
        sy[(col - 1) + (j - 1) * m] = _ddot(n, d, 1, wy, (pointr - 1) * n)
        ss[(j - 1) + (col - 1) * m] = _ddot(n, ws, (pointr - 1) * n, d, 1)
        pointr = pointr % m + 1
    if stp == 1.0:
        ss[(col - 1) + (col - 1) * m] = dtd
    else:
        ss[(col - 1) + (col - 1) * m] = stp * stp * dtd
    sy[(col - 1) + (col - 1) * m] = dr


def _projgr(n, l, u, nbd, x, g):
    """Sup-norm of the projected gradient."""
    sbgnrm = 0.0
    for i in range(1, n + 1):
        gi = g[i]
        if nbd[i] != 0:
            if gi < 0.0:
                if nbd[i] >= 2:
                    lim = x[i] - u[i]
                    if gi < lim:
                        gi = lim
            else:
                if nbd[i] <= 2:
                    lim = x[i] - l[i]
                    if gi > lim:
                        gi = lim
        a = abs(gi)
        if sbgnrm < a:
            sbgnrm = a
    return sbgnrm


def _subsm(n, m, nsub, ind, l, u, nbd, x, d, ws, wy, theta, col, head, wv, wn):
    """Subspace Newton step on the free variables (d = r on entry), then back into the
    box along it; x updated in place.  wv[i] is wv-list[i] (1-based); returns
    (iword, info)."""
    ns = nsub
    if ns <= 0:
        return -1, 0
    pointr = head
    for i in range(1, col + 1):
        temp1 = 0.0
        temp2 = 0.0
        for j in range(1, ns + 1):
            k = ind[j]
            temp1 = temp1 + wy[(k - 1) + (pointr - 1) * n] * d[j]
            temp2 = temp2 + ws[(k - 1) + (pointr - 1) * n] * d[j]
        wv[i] = temp1
        wv[col + i] = theta * temp2
        pointr = pointr % m + 1
    m2 = 2 * m
    col2 = 2 * col
    info = _dtrsl(wn, 0, m2, col2, wv, 1, 11)
    if info != 0:
        return -1, info
    for i in range(1, col + 1):
        wv[i] = -wv[i]
    info = _dtrsl(wn, 0, m2, col2, wv, 1, 1)
    if info != 0:
        return -1, info
    pointr = head
    for jy in range(1, col + 1):
        js = col + jy
        for i in range(1, ns + 1):
            k = ind[i]
            d[i] = d[i] + (wy[(k - 1) + (pointr - 1) * n] * wv[jy] / theta
                           + ws[(k - 1) + (pointr - 1) * n] * wv[js])
        pointr = pointr % m + 1
    for i in range(1, ns + 1):
        d[i] = d[i] / theta
    alpha = 1.0
    temp1 = alpha
    ibd = 0
    for i in range(1, ns + 1):
        k = ind[i]
        dk = d[i]
        if nbd[k] != 0:
            if dk < 0.0 and nbd[k] <= 2:
                temp2 = l[k] - x[k]
                if temp2 >= 0.0:
                    temp1 = 0.0
                elif dk * alpha < temp2:
                    temp1 = temp2 / dk
            elif dk > 0.0 and nbd[k] >= 2:
                temp2 = u[k] - x[k]
                if temp2 <= 0.0:
                    temp1 = 0.0
                elif dk * alpha > temp2:
                    temp1 = temp2 / dk
            if temp1 < alpha:
                alpha = temp1
                ibd = i
    if alpha < 1.0:
        dk = d[ibd]
        k = ind[ibd]
        if dk > 0.0:
            x[k] = u[k]
            d[ibd] = 0.0
        elif dk < 0.0:
            x[k] = l[k]
            d[ibd] = 0.0
    for i in range(1, ns + 1):
        x[ind[i]] = x[ind[i]] + alpha * d[i]
    return (1 if alpha < 1.0 else 0), 0


# ---------------------------------------------------------------- Moré-Thuente line search

class _Dcsrch:
    """MINPACK-2 dcsrch with its saved state (``static`` in the C code)."""

    def __init__(self):
        self.stage = 0
        self.brackt = False
        self.ginit = self.gtest = self.gx = self.gy = 0.0
        self.finit = self.fx = self.fy = self.stx = self.sty = 0.0
        self.stmin = self.stmax = self.width = self.width1 = 0.0

    def __call__(self, f, g, stp, ftol, gtol, xtol, stpmin, stpmax, task):
        """One reverse-communication step; returns (stp, task)."""
        if task.startswith("START"):
            if stp < stpmin:
                task = "ERROR: STP .LT. STPMIN"
            if stp > stpmax:
                task = "ERROR: STP .GT. STPMAX"
            if g >= 0.0:
                task = "ERROR: INITIAL G .GE. ZERO"
            if ftol < 0.0:
                task = "ERROR: FTOL .LT. ZERO"
            if gtol < 0.0:
                task = "ERROR: GTOL .LT. ZERO"
            if xtol < 0.0:
                task = "ERROR: XTOL .LT. ZERO"
            if stpmin < 0.0:
                task = "ERROR: STPMIN .LT. ZERO"
            if stpmax < stpmin:
                task = "ERROR: STPMAX .LT. STPMIN"
            if task.startswith("ERROR"):
                return stp, task
            self.brackt = False
            self.stage = 1
            self.finit = f
            self.ginit = g
            self.gtest = ftol * self.ginit
            self.width = stpmax - stpmin
            self.width1 = self.width / 0.5
            self.stx = 0.0
            self.fx = self.finit
            self.gx = self.ginit
            self.sty = 0.0
            self.fy = self.finit
            self.gy = self.ginit
            self.stmin = 0.0
            self.stmax = stp + stp * 4.0
            return stp, "FG"
        ftest = self.finit + stp * self.gtest
        if self.stage == 1 and f <= ftest and g >= 0.0:
            self.stage = 2
        if self.brackt and (stp <= self.stmin or stp >= self.stmax):
            task = "WARNING: ROUNDING ERRORS PREVENT PROGRESS"
        if self.brackt and self.stmax - self.stmin <= xtol * self.stmax:
            task = "WARNING: XTOL TEST SATISFIED"
        if stp == stpmax and f <= ftest and g <= self.gtest:
            task = "WARNING: STP = STPMAX"
        if stp == stpmin and (f > ftest or g >= self.gtest):
            task = "WARNING: STP = STPMIN"
        if f <= ftest and abs(g) <= gtol * (-self.ginit):
            task = "CONVERGENCE"
        if task.startswith("WARN") or task.startswith("CONV"):
            return stp, task
        if self.stage == 1 and f <= self.fx and f > ftest:
            gtest = self.gtest
            fm = f - stp * gtest
            fxm = self.fx - self.stx * gtest
            fym = self.fy - self.sty * gtest
            gm = g - gtest
            gxm = self.gx - gtest
            gym = self.gy - gtest
            (self.stx, fxm, gxm, self.sty, fym, gym, stp, self.brackt) = _dcstep(
                self.stx, fxm, gxm, self.sty, fym, gym, stp, fm, gm, self.brackt,
                self.stmin, self.stmax)
            self.fx = fxm + self.stx * gtest
            self.fy = fym + self.sty * gtest
            self.gx = gxm + gtest
            self.gy = gym + gtest
        else:
            (self.stx, self.fx, self.gx, self.sty, self.fy, self.gy, stp,
             self.brackt) = _dcstep(self.stx, self.fx, self.gx, self.sty, self.fy,
                                    self.gy, stp, f, g, self.brackt, self.stmin,
                                    self.stmax)
        if self.brackt:
            if abs(self.sty - self.stx) >= self.width1 * 0.66:
                stp = self.stx + (self.sty - self.stx) * 0.5
            self.width1 = self.width
            self.width = abs(self.sty - self.stx)
        if self.brackt:
            self.stmin = self.sty if self.stx > self.sty else self.stx
            self.stmax = self.sty if self.stx < self.sty else self.stx
        else:
            self.stmin = stp + (stp - self.stx) * 1.1
            self.stmax = stp + (stp - self.stx) * 4.0
        if stp < stpmin:
            stp = stpmin
        if stp > stpmax:
            stp = stpmax
        if (self.brackt and (stp <= self.stmin or stp >= self.stmax)) or \
                (self.brackt and (self.stmax - self.stmin <= xtol * self.stmax)):
            stp = self.stx
        return stp, "FG"


def _dcstep(stx, fx, dx, sty, fy, dy, stp, fp, dp, brackt, stpmin, stpmax):
    """Safeguarded cubic / quadratic step of the line search; returns the updated
    (stx, fx, dx, sty, fy, dy, stp, brackt)."""
    sgnd = dp * (dx / abs(dx) if dx != 0.0 else math.nan)
    if fp > fx:
        theta = (fx - fp) * 3.0 / (stp - stx) + dx + dp
        s = _cmax(_cmax(abs(theta), abs(dx)), abs(dp))
        q1 = theta / s
        gamm = s * _csqrt(q1 * q1 - dx / s * (dp / s))
        if stp < stx:
            gamm = -gamm
        p = gamm - dx + theta
        q = gamm - dx + gamm + dp
        r = p / q
        stpc = stx + r * (stp - stx)
        stpq = stx + dx / ((fx - fp) / (stp - stx) + dx) / 2.0 * (stp - stx)
        if abs(stpc - stx) < abs(stpq - stx):
            stpf = stpc
        else:
            stpf = stpc + (stpq - stpc) / 2.0
        brackt = True
    elif sgnd < 0.0:
        theta = (fx - fp) * 3.0 / (stp - stx) + dx + dp
        s = _cmax(_cmax(abs(theta), abs(dx)), abs(dp))
        q1 = theta / s
        gamm = s * _csqrt(q1 * q1 - dx / s * (dp / s))
        if stp > stx:
            gamm = -gamm
        p = gamm - dp + theta
        q = gamm - dp + gamm + dx
        r = p / q
        stpc = stp + r * (stx - stp)
        stpq = stp + dp / (dp - dx) * (stx - stp)
        if abs(stpc - stp) > abs(stpq - stp):
            stpf = stpc
        else:
            stpf = stpq
        brackt = True
    elif abs(dp) < abs(dx):
        theta = (fx - fp) * 3.0 / (stp - stx) + dx + dp
        s = _cmax(_cmax(abs(theta), abs(dx)), abs(dp))
        q1 = theta / s
        q1 = q1 * q1 - dx / s * (dp / s)
        gamm = 0.0 if q1 < 0 else s * _csqrt(q1)
        if stp > stx:
            gamm = -gamm
        p = gamm - dp + theta
        q = gamm + (dx - dp) + gamm
        r = p / q
        if r < 0.0 and gamm != 0.0:
            stpc = stp + r * (stx - stp)
        elif stp > stx:
            stpc = stpmax
        else:
            stpc = stpmin
        stpq = stp + dp / (dp - dx) * (stx - stp)
        if brackt:
            if abs(stpc - stp) < abs(stpq - stp):
                stpf = stpc
            else:
                stpf = stpq
            lim = stp + (sty - stp) * 0.66
            if stp > stx:
                stpf = _cmin(lim, stpf)
            else:
                stpf = _cmax(lim, stpf)
        else:
            if abs(stpc - stp) > abs(stpq - stp):
                stpf = stpc
            else:
                stpf = stpq
            stpf = _cmin(stpmax, stpf)
            stpf = _cmax(stpmin, stpf)
    else:
        if brackt:
            theta = (fp - fy) * 3.0 / (sty - stp) + dy + dp
            s = _cmax(_cmax(abs(theta), abs(dy)), abs(dp))
            q1 = theta / s
            gamm = s * _csqrt(q1 * q1 - dy / s * (dp / s))
            if stp > sty:
                gamm = -gamm
            p = gamm - dp + theta
            q = gamm - dp + gamm + dy
            r = p / q
            stpc = stp + r * (sty - stp)
            stpf = stpc
        elif stp > stx:
            stpf = stpmax
        else:
            stpf = stpmin
    if fp > fx:
        sty = stp
        fy = fp
        dy = dp
    else:
        if sgnd < 0.0:
            sty = stx
            fy = fx
            dy = dx
        stx = stp
        fx = fp
        dx = dp
    stp = stpf
    return stx, fx, dx, sty, fy, dy, stp, brackt


def _cmax(a, b):
    """lbfgsb.c's max(a, b): (a < b) ? b : a."""
    return b if a < b else a


def _cmin(a, b):
    """lbfgsb.c's min(a, b): (a > b) ? b : a."""
    return b if a > b else a


def _csqrt(x):
    """C's sqrt: NaN for a negative argument."""
    return math.sqrt(x) if x >= 0.0 else math.nan


# ---------------------------------------------------------------- the main loop

class _Run:
    """State of one L-BFGS-B run (what the C code keeps in ``static`` locals)."""

    def __init__(self, n, m):
        self.n, self.m = n, m
        self.col = 0
        self.head = 1
        self.itail = 0
        self.iupdat = 0
        self.theta = 1.0
        self.updatd = False
        self.dcsrch = _Dcsrch()
        self.csave = "START"

    def reset_memory(self):
        """Forget the stored pairs (B = I) and restart the iteration."""
        self.col = 0
        self.head = 1
        self.theta = 1.0
        self.iupdat = 0
        self.updatd = False


def _lnsrlb(st, n, l, u, nbd, x, f, g, d, r, t, z, task, ls, boxed, cnstnd, it):
    """Line-search step (reverse communication through ``task``); ls is the dict of
    line-search scalars (fold, gd, gdold, stp, dnorm, dtd, stpmx, ifun, iback, nfgv,
    info).  Returns the new task."""
    if not task.startswith("FG_LN"):
        ls["dtd"] = _ddot(n, d, 1, d, 1)
        ls["dnorm"] = math.sqrt(ls["dtd"])
        stpmx = 1e10
        if cnstnd:
            if it == 0:
                stpmx = 1.0
            else:
                for i in range(1, n + 1):
                    a1 = d[i]
                    if nbd[i] != 0:
                        if a1 < 0.0 and nbd[i] <= 2:
                            a2 = l[i] - x[i]
                            if a2 >= 0.0:
                                stpmx = 0.0
                            elif a1 * stpmx < a2:
                                stpmx = a2 / a1
                        elif a1 > 0.0 and nbd[i] >= 2:
                            a2 = u[i] - x[i]
                            if a2 <= 0.0:
                                stpmx = 0.0
                            elif a1 * stpmx > a2:
                                stpmx = a2 / a1
        ls["stpmx"] = stpmx
        if it == 0 and not boxed:
            d1 = 1.0 / ls["dnorm"] if ls["dnorm"] != 0.0 else math.inf
            ls["stp"] = _cmin(d1, stpmx)
        else:
            ls["stp"] = 1.0
        _dcopy(n, x, 1, t, 1)
        _dcopy(n, g, 1, r, 1)
        ls["fold"] = f
        ls["ifun"] = 0
        ls["iback"] = 0
        st.csave = "START"
    gd = _ddot(n, g, 1, d, 1)
    ls["gd"] = gd
    if ls["ifun"] == 0:
        ls["gdold"] = gd
        if gd >= 0.0:
            ls["info"] = -4
            return task
    stp, st.csave = st.dcsrch(f, gd, ls["stp"], 1e-3, 0.9, 0.1, 0.0, ls["stpmx"],
                              st.csave)
    ls["stp"] = stp
    if not st.csave.startswith("CONV") and not st.csave.startswith("WARN"):
        ls["ifun"] += 1
        ls["nfgv"] += 1
        ls["iback"] = ls["ifun"] - 1
        if stp == 1.0:
            _dcopy(n, z, 1, x, 1)
        else:
            for i in range(1, n + 1):
                x[i] = stp * d[i] + t[i]
        return "FG_LNSRCH"
    return "NEW_X"


def _mainlb(n, m, x, l, u, nbd, factr, pgtol, evaluate, maxit):
    """The L-BFGS-B iteration together with R's driver loop (``lbfgsb`` in optim.c).
    x is 1-based and updated in place; ``evaluate(x)`` returns (f, g) with g 1-based.
    Returns (f, nfgv, fail, message)."""
    st = _Run(n, m)
    epsmch = _EPSMCH
    ws = [0.0] * (n * m)
    wy = [0.0] * (n * m)
    sy = [0.0] * (m * m)
    ss = [0.0] * (m * m)
    wt = [0.0] * (m * m)
    wn = [0.0] * (4 * m * m)
    snd = [0.0] * (4 * m * m)
    z = [0.0] * (n + 1)
    r = [0.0] * (n + 1)
    d = [0.0] * (n + 1)
    t = [0.0] * (n + 1)
    wa = [0.0] * (8 * m + 1)
    indx = [0] * (n + 1)
    iwhere = [0] * (n + 1)
    indx2 = [0] * (n + 1)
    f = 0.0
    g = [0.0] * (n + 1)
    ls = {"fold": 0.0, "gd": 0.0, "gdold": 0.0, "stp": 0.0, "dnorm": 0.0, "dtd": 0.0,
          "stpmx": 0.0, "ifun": 0, "iback": 0, "nfgv": 0, "info": 0}
    it = 0
    nfree = n
    nenter = 0
    ileave = 0
    tol = factr * epsmch
    err = _errclb(n, m, factr, l, u, nbd)
    if err is not None:
        return math.nan, 0, 52, err
    _prjctd, cnstnd, boxed = _active(n, l, u, nbd, x, iwhere)
    driver_iter = 0

    f, g = evaluate(x)                                   # task FG_START
    ls["nfgv"] = 1
    sbgnrm = _projgr(n, l, u, nbd, x, g)
    if sbgnrm <= pgtol:
        return f, ls["nfgv"], 0, "CONVERGENCE: NORM OF PROJECTED GRADIENT <= PGTOL"
    task = "FG_START"
    while True:                                          # L222: one iteration
        info = 0
        if not cnstnd and st.col > 0:
            _dcopy(n, x, 1, z, 1)
            wrk = st.updatd
        else:
            _nint, info = _cauchy(n, x, l, u, nbd, g, indx2, iwhere, t, d, z, m, wy, ws,
                                  sy, wt, st.theta, st.col, st.head, wa, sbgnrm, epsmch)
            if info != 0:                                # singular system: restart
                st.reset_memory()
                continue
            nfree, nenter, ileave, wrk = _freev(n, nfree, indx, indx2, iwhere,
                                                st.updatd, cnstnd, it)
        if nfree != 0 and st.col != 0:                   # L333: subspace minimisation
            if wrk:
                info = _formk(n, nfree, indx, nenter, ileave, indx2, st.iupdat,
                              st.updatd, wn, snd, m, ws, wy, sy, st.theta, st.col,
                              st.head)
            if info != 0:
                st.reset_memory()
                continue
            info = _cmprlb(n, m, x, g, ws, wy, sy, wt, z, r, wa, indx, st.theta, st.col,
                           st.head, nfree, cnstnd)
            if info == 0:
                _iword, info = _subsm(n, m, nfree, indx, l, u, nbd, z, r, ws, wy,
                                      st.theta, st.col, st.head, wa, wn)
            if info != 0:
                st.reset_memory()
                continue
        for i in range(1, n + 1):                        # L555: search direction
            d[i] = z[i] - x[i]
        restart = False
        ls["info"] = 0
        while True:                                      # L666: line search
            task = _lnsrlb(st, n, l, u, nbd, x, f, g, d, r, t, z, task, ls, boxed,
                           cnstnd, it)
            if ls["info"] != 0 or ls["iback"] >= 20:
                _dcopy(n, t, 1, x, 1)                    # back to the previous iterate
                _dcopy(n, r, 1, g, 1)
                f = ls["fold"]
                if st.col == 0:
                    if ls["info"] == 0:
                        ls["info"] = -9
                        ls["nfgv"] -= 1
                        ls["ifun"] -= 1
                        ls["iback"] -= 1
                    return f, ls["nfgv"], 52, "ERROR: ABNORMAL_TERMINATION_IN_LNSRCH"
                if ls["info"] == 0:
                    ls["nfgv"] -= 1
                ls["info"] = 0
                st.reset_memory()
                task = "RESTART_FROM_LNSRCH"
                restart = True
                break
            if task.startswith("FG_LN"):
                f, g = evaluate(x)
                continue
            break
        if restart:
            continue
        it += 1                                          # NEW_X
        sbgnrm = _projgr(n, l, u, nbd, x, g)
        driver_iter += 1
        if driver_iter > maxit:
            return f, ls["nfgv"], 1, "NEW_X"
        if sbgnrm <= pgtol:                              # L777: stopping tests
            return f, ls["nfgv"], 0, "CONVERGENCE: NORM OF PROJECTED GRADIENT <= PGTOL"
        fold = ls["fold"]
        ddum = _cmax(_cmax(abs(fold), abs(f)), 1.0)
        if fold - f <= tol * ddum:
            return f, ls["nfgv"], 0, "CONVERGENCE: REL_REDUCTION_OF_F <= FACTR*EPSMCH"
        for i in range(1, n + 1):
            r[i] = g[i] - r[i]
        rr = _ddot(n, r, 1, r, 1)
        stp = ls["stp"]
        gd, gdold = ls["gd"], ls["gdold"]
        if stp == 1.0:
            dr = gd - gdold
            ddum = -gdold
        else:
            dr = (gd - gdold) * stp
            _dscal(n, stp, d, 1)
            ddum = -gdold * stp
        if dr <= epsmch * ddum:                          # curvature too small: skip
            st.updatd = False
            continue
        st.updatd = True
        st.iupdat += 1
        _matupd(n, m, ws, wy, sy, ss, d, r, st, rr, dr, stp, ls["dtd"])
        info = _formt(m, wt, sy, ss, st.col, st.theta)
        if info != 0:
            st.reset_memory()
            continue


# ---------------------------------------------------------------- R's optim() front end

_DEFAULTS = {"trace": 0, "maxit": 100, "factr": 1e7, "pgtol": 0.0, "lmm": 5,
             "fnscale": 1.0}


def _as_list(v):
    if isinstance(v, numbers.Real):
        return [float(v)]
    return [float(a) for a in v]


def _rep_len(v, n, what):
    if isinstance(v, numbers.Real):
        return [float(v)] * n
    v = [float(a) for a in v]
    if n and not v:
        raise ValueError(f"'{what}' has length 0")
    return [v[i % len(v)] for i in range(n)]


def optim_lbfgsb(fn: Callable[[list], float], par: Sequence[float], *,
                 lower=-math.inf, upper=math.inf,
                 control: Mapping | None = None) -> LbfgsbResult:
    """R's ``optim(par, fn, method = "L-BFGS-B", lower = , upper = , control = )``
    without a gradient function: ``fn`` gets a list of floats and returns a number.
    ``lower`` / ``upper`` are numbers or sequences (recycled as R's ``rep_len``)."""
    con = dict(_DEFAULTS)
    npar = len(par)
    con["ndeps"] = [1e-3] * npar
    con["parscale"] = [1.0] * npar
    for key, val in dict(control or {}).items():
        if key not in ("maxit", "factr", "pgtol", "lmm", "ndeps", "fnscale", "parscale",
                       "trace"):
            raise NotImplementedError(f"control entry {key!r} is not supported")
        if key == "trace" and val != 0:
            raise NotImplementedError("only trace = 0 is supported")
        con[key] = val
    ndeps = _as_list(con["ndeps"])
    parscale = _as_list(con["parscale"])
    if len(parscale) != npar:
        raise ValueError("'parscale' is of the wrong length")
    if len(ndeps) != npar:
        raise ValueError("'ndeps' is of the wrong length")
    fnscale = float(con["fnscale"])
    maxit = int(con["maxit"])
    factr = float(con["factr"])
    pgtol = float(con["pgtol"])
    lmm = int(con["lmm"])
    lo = _rep_len(lower, npar, "lower")
    up = _rep_len(upper, npar, "upper")

    def call(xs):
        v = fn(xs)
        try:
            v = float(v)
        except TypeError:
            vs = list(v)
            if len(vs) != 1:
                raise ValueError("objective function in optim evaluates to length "
                                 f"{len(vs)} not 1") from None
            v = float(vs[0])
        return v / fnscale

    if npar == 0:
        val = call([])
        return LbfgsbResult((), val * fnscale, (1, 0), 0, "NOTHING TO DO")

    n = npar
    x = [0.0] + [float(par[i]) / parscale[i] for i in range(n)]
    l = [0.0] + [lo[i] / parscale[i] for i in range(n)]
    u = [0.0] + [up[i] / parscale[i] for i in range(n)]
    nbd = [0] * (n + 1)
    for i in range(1, n + 1):
        if not math.isfinite(l[i]):
            nbd[i] = 0 if not math.isfinite(u[i]) else 3
        else:
            nbd[i] = 1 if not math.isfinite(u[i]) else 2

    def fminfn(p):
        xs = []
        for i in range(1, n + 1):
            if not math.isfinite(p[i]):
                raise ValueError("non-finite value supplied by optim")
            xs.append(p[i] * parscale[i - 1])
        return call(xs)

    def fmingr(p):
        """Central differences with step ndeps, each side clipped to the box."""
        df = [0.0] * (n + 1)
        xs = [p[i] * parscale[i - 1] for i in range(1, n + 1)]
        for i in range(1, n + 1):
            eps = ndeps[i - 1]
            epsused = eps
            tmp = p[i] + eps
            if tmp > u[i]:
                tmp = u[i]
                epsused = tmp - p[i]
            xs[i - 1] = tmp * parscale[i - 1]
            val1 = call(list(xs))
            tmp = p[i] - eps
            if tmp < l[i]:
                tmp = l[i]
                eps = p[i] - tmp
            xs[i - 1] = tmp * parscale[i - 1]
            val2 = call(list(xs))
            den = epsused + eps
            num = val1 - val2
            if den == 0.0:
                q = math.nan if (num == 0.0 or math.isnan(num)) else math.copysign(
                    math.inf, num)
            else:
                q = num / den
            df[i] = q
            if not math.isfinite(q):
                raise ValueError(f"non-finite finite-difference value [{i}]")
            xs[i - 1] = p[i] * parscale[i - 1]
        return df

    def evaluate(p):
        fv = fminfn(p)
        if not math.isfinite(fv):
            raise ValueError("L-BFGS-B needs finite values of 'fn'")
        return fv, fmingr(p)

    f, nfgv, fail, msg = _mainlb(n, lmm, x, l, u, nbd, factr, pgtol, evaluate, maxit)
    out = tuple(x[i] * parscale[i - 1] for i in range(1, n + 1))
    return LbfgsbResult(out, f * fnscale, (nfgv, nfgv), fail, msg)
