"""R's ``stats::nlminb`` for an objective alone (no gradient, no Hessian), step by step.

Source: R 4.2.2, ``src/library/stats/R/nlminb.R`` (the R driver and its messages),
``src/library/stats/src/port.c`` (``Rf_divset``, ``port_nlminb``, the C stand-ins for
a few PORT/BLAS utilities) and ``src/library/stats/src/portsrc.f`` (D. M. Gay's PORT
optimisation library: ``DRMNF``/``DRMNG`` without bounds, ``DRMNFB``/``DRMNGB`` with
box bounds, and the routines they reach).  Inner products and 2-norms are the
reference BLAS ``ddot``/``dnrm2`` (LAPACK 3.11, the BLAS R is linked with here); the
machine constants are R's ``d1mach`` (epsilon = 2^-52, DBL_MIN, DBL_MAX).

How the method works, in brief.  PORT keeps all of its state in an integer vector
``iv`` and a double vector ``v`` (1-based here as in Fortran, slot 0 unused) and talks
to its caller by *reverse communication*: each call returns with ``iv[1] == 1`` ("give
me f at x"), ``iv[1] == 2`` (here also "give me f at x", the value being used for a
finite-difference gradient) or ``iv[1] >= 3`` (finished; the code says why).

* Start-up: default tolerances are written into ``v`` (relative function tolerance
  1e-10, x tolerance sqrt(eps), false-convergence tolerance 100 eps, first trust radius
  1, ...); the work areas are laid out inside ``v``; the Hessian approximation
  ``L L'`` starts as ``diag(scale)``.
* Gradient: forward differences, one coordinate at a time, with a step chosen from the
  current function value, the previous gradient component and the curvature estimate
  ``alpha_i`` (the diagonal of ``L L'``); if the forward step looks too inaccurate a
  central difference is used instead.  With bounds, steps that would leave the box are
  reversed, or a one-sided three-point formula is used.
* Step: a double-dogleg step inside a trust region of radius ``v[RADIUS]`` scaled by
  ``d``, between the Cauchy (steepest descent) point and the quasi-Newton point
  ``-(L L')^{-1} g``.  With bounds, variables sitting on a bound with the gradient
  pushing outwards are frozen (their rows moved to the end of the permuted Cholesky
  factor), and the dogleg is cut where it first meets a bound; that variable is then
  frozen and a new dogleg is computed in the remaining subspace.
* Step assessment: the actual reduction is compared with the model's prediction; the
  radius is shrunk or enlarged (by a factor of up to 4, or a longer step is tried
  first and the better point kept), and the tests for X-, relative-, absolute-,
  singular- and false convergence are made.
* Update: after an accepted step the gradient at the new point is computed and the
  Cholesky factor ``L`` is updated by the BFGS secant formula in factored form
  (Goldfarb's recurrence), with Powell's damping when ``y's`` is small.

All arithmetic is done on Python floats in the Fortran's order of operations, so the
sequence of points handed to the objective, and the result, are R's to the last bit.
Two properties of R's *compiled* code (gfortran -O2, Debian's R 4.2.2) are reproduced
on purpose, see ``_dl7tvm`` and ``_dd7dgb``: with bounds, the "L L' step" product
used to decide on a radius increase comes out as 0 (PORT passes the same array as
input and output and the compiled loop zeroes before it reads), and when every
variable sits on a bound the never-set local NRED behaves as a tiny positive number.
The state vectors were checked against R's own ``drmnf_``/``drmnfb_`` after every
reverse-communication call (thousands of random problems), besides the end-to-end
tests against ``nlminb`` itself.

R's ``port.c`` turns a NaN objective value into ``+Inf`` (with the warning
"NA/NaN function evaluation", reported here as ``NlminbResult.nan_warning`` rather
than a Python warning); the PORT code then treats it as a failed step.  As in R, the
objective is evaluated once more at the final point after PORT has stopped.
"""
from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

from .blas import ddot as _ddot, dnrm2 as _dnrm2
from .nmath import _div, _sqrt

__all__ = ["nlminb", "NlminbResult", "SUPPORTED_CONTROL"]

_INF = math.inf
_NAN = math.nan

# d1mach as R supplies it
_MACHEP = sys.float_info.epsilon          # d1mach(4) = 2^-52
_TINY = sys.float_info.min                # d1mach(1)
_BIG = sys.float_info.max                 # d1mach(2)

# ----------------------------------------------------------------------------------
# iv[] subscripts (1-based)
_TOOBIG, _IVNEED, _VNEED, _MODEL, _NFCALL, _NFGCAL = 2, 3, 4, 5, 6, 7
_RADINC, _RESTOR, _STAGE, _STGLIM, _SWITCH, _XIRC = 8, 9, 10, 11, 12, 13
_DTYPE, _MXFCAL, _MXITER, _OUTLEV, _PARPRT, _PRUNIT = 16, 17, 18, 19, 20, 21
_INITS = 25                                # also INITH
_G, _IRC, _NGCALL, _NITER, _MLSTGD, _KAGQT = 28, 29, 30, 31, 32, 33
_NWTSTP, _MODE, _DG, _OLDN, _STEP, _STLSTG = 34, 35, 37, 38, 40, 41
_LMAT, _X0, _LASTIV, _LASTV, _NEXTIV, _NEXTV = 42, 43, 44, 45, 46, 47
_G0 = 48                                   # DRMNG
_NC = 48                                   # DRMNGB (same slot)
_PARSAV, _NVDFLT, _ALGSAV, _NFCOV, _NGCOV = 49, 50, 51, 52, 53
_DTYPE0, _CNVCOD, _SGIRC, _PERM, _X0PRT, _SOLPRT, _STATPR = 54, 55, 57, 58, 24, 22, 23

# v[] subscripts (1-based)
_DGNORM, _DSTNRM, _DST0, _GTSTEP, _STPPAR, _NREDUC, _PREDUC = 1, 2, 3, 4, 5, 6, 7
_RADIUS, _RAD0, _F, _FDIF, _FLSTGD, _F0, _GTSLST, _PLSTGD = 8, 9, 10, 11, 12, 13, 14, 15
_RADFAC, _RELDX, _DSTSAV, _EPSLON, _PHMNFC, _PHMXFC = 16, 17, 18, 19, 20, 21
_DECFAC, _INCFAC, _RDFCMN, _RDFCMX = 22, 23, 24, 25
_TUNER1, _TUNER2, _TUNER3, _TUNER4, _TUNER5 = 26, 27, 28, 29, 30
_AFCTOL, _RFCTOL, _XCTOL, _XFTOL, _LMAX0, _LMAXS, _SCTOL = 31, 32, 33, 34, 35, 36, 37
_DINIT, _DTINIT, _D0INIT, _DFAC, _ETA0, _BIAS = 38, 39, 40, 41, 42, 43
_GTHG, _GRDFAC, _NWTFAC = 44, 45, 46

# control names of nlminb.R (port_cpos) -> (array, subscript)
_CPOS = {
    "eval.max": ("iv", 17), "iter.max": ("iv", 18), "trace": ("iv", 19),
    "maxiter": ("iv", 18),
    "abs.tol": ("v", 31), "rel.tol": ("v", 32), "x.tol": ("v", 33), "xf.tol": ("v", 34),
    "step.min": ("v", 35), "step.max": ("v", 36), "sing.tol": ("v", 37),
    "scale.init": ("v", 38), "diff.g": ("v", 42),
}
SUPPORTED_CONTROL = tuple(_CPOS)


@dataclass(frozen=True)
class NlminbResult:
    """What R's ``nlminb()`` returns: ``par``, ``objective`` (PORT's ``v[F]``),
    ``convergence`` (0 for codes 3-6, else 1), ``iterations``, ``evaluations``
    (``(function, gradient)`` counts, as R's named vector) and ``message``;
    ``nan_warning`` is True when R would have warned "NA/NaN function evaluation"
    (some objective value was NaN and was replaced by +Inf)."""
    par: tuple
    objective: float
    convergence: int
    iterations: int
    evaluations: tuple
    message: str
    nan_warning: bool = False


# ----------------------------------------------------------------------------------
# IEEE helpers (Python raises where C returns Inf/NaN)

def _pow(x: float, y: float) -> float:
    try:
        return math.pow(x, y)
    except OverflowError:
        return _INF
    except ValueError:
        if x == 0.0 and y < 0.0:
            return _INF
        return _NAN


def _dmax1(a: float, b: float) -> float:
    # gfortran's MAX on x86-64 (maxsd): the second operand unless a > b
    return a if a > b else b


# ----------------------------------------------------------------------------------
# BLAS and the C replacements of port.c.  An array argument is a (list, base) pair:
# element I (1-based) of the array is lst[base + I - 1].

def _dv2axy(n, w, wb, a, x, xb, y, yb):
    """w := a*x + y."""
    for i in range(n):
        w[wb + i] = a * x[xb + i] + y[yb + i]


def _dv7cpy(n, dst, db, src, sb):
    if n <= 0:
        return
    dst[db:db + n] = src[sb:sb + n]


def _dv7scp(n, dst, db, c):
    for i in range(n):
        dst[db + i] = c


def _dv7ipr(n, ip, ipb, x, xb):
    """x[i] := x[ip[i]] (forward permutation; ip holds 1-based indices)."""
    tmp = [x[xb + ip[ipb + i] - 1] for i in range(n)]
    x[xb:xb + n] = tmp


def _dv7vmp(n, x, xb, y, yb, z, zb, k):
    """x := y / z (k < 0) or y * z (k >= 0), elementwise."""
    if k < 0:
        for i in range(n):
            x[xb + i] = _div(y[yb + i], z[zb + i])
    else:
        for i in range(n):
            x[xb + i] = y[yb + i] * z[zb + i]


def _dv7shf(n, k, x, xb):
    """Move x[k] to the end, shifting x[k+1..n] left."""
    if k >= n:
        return
    t = x[xb + k - 1]
    for i in range(k, n):
        x[xb + i - 1] = x[xb + i]
    x[xb + n - 1] = t


def _i7shft(n, k, x, xb):
    if k < 0:
        k1 = -k
        if k1 >= n:
            return
        t = x[xb + n - 1]
        for ii in range(1, n - k1 + 1):
            i = n - ii
            x[xb + i] = x[xb + i - 1]
        x[xb + k1 - 1] = t
        return
    if k >= n:
        return
    t = x[xb + k - 1]
    for i in range(k, n):
        x[xb + i - 1] = x[xb + i]
    x[xb + n - 1] = t


def _drldst(p, d, db, x, xb, x0, x0b):
    """Relative difference between x and x0, scaled by d."""
    emax = 0.0
    xmax = 0.0
    for i in range(p):
        di = d[db + i]
        t = abs(di * (x[xb + i] - x0[x0b + i]))
        if emax < t:
            emax = t
        t = di * (abs(x[xb + i]) + abs(x0[x0b + i]))
        if xmax < t:
            xmax = t
    if xmax > 0.0:
        return _div(emax, xmax)
    return 0.0


# ----------------------------------------------------------------------------------
# packed lower-triangular matrix routines (L stored row by row)

def _dl7ivm(n, x, xb, l, lb, y, yb):
    """Solve L x = y."""
    k = 1
    while k <= n:
        if y[yb + k - 1] != 0.0:
            break
        x[xb + k - 1] = 0.0
        k += 1
    else:
        return
    j = k * (k + 1) // 2
    x[xb + k - 1] = _div(y[yb + k - 1], l[lb + j - 1])
    if k >= n:
        return
    k += 1
    for i in range(k, n + 1):
        t = _ddot(i - 1, l, lb + j, x, xb)
        j = j + i
        x[xb + i - 1] = _div(y[yb + i - 1] - t, l[lb + j - 1])


def _dl7itv(n, x, xb, l, lb, y, yb):
    """Solve L' x = y."""
    for i in range(n):
        x[xb + i] = y[yb + i]
    np1 = n + 1
    i0 = n * (n + 1) // 2
    for ii in range(1, n + 1):
        i = np1 - ii
        xi = _div(x[xb + i - 1], l[lb + i0 - 1])
        x[xb + i - 1] = xi
        if i <= 1:
            return
        i0 = i0 - i
        if xi == 0.0:
            continue
        for j in range(1, i):
            ij = i0 + j
            x[xb + j - 1] = x[xb + j - 1] - xi * l[lb + ij - 1]


def _dl7tvm(n, x, xb, l, lb, y, yb):
    """x := L' y.

    As compiled in R (gfortran -O2, which may assume x and y do not overlap), x[i]
    is zeroed *before* y[i] is read.  DRMNGB calls this routine with x and y the same
    array (to form L L' step), so there every y[i] reads 0 and the result is 0 (NaN
    if L holds a non-finite entry); the order below reproduces that."""
    i0 = 0
    for i in range(1, n + 1):
        x[xb + i - 1] = 0.0
        yi = y[yb + i - 1]
        for j in range(1, i + 1):
            ij = i0 + j
            x[xb + j - 1] = x[xb + j - 1] + yi * l[lb + ij - 1]
        i0 = i0 + i


def _dl7vml(n, x, xb, l, lb, y, yb):
    """x := L y."""
    np1 = n + 1
    i0 = n * (n + 1) // 2
    for ii in range(1, n + 1):
        i = np1 - ii
        i0 = i0 - i
        t = 0.0
        for j in range(1, i + 1):
            ij = i0 + j
            t = t + l[lb + ij - 1] * y[yb + j - 1]
        x[xb + i - 1] = t


def _dl7upd(beta, bb, gamma, gb, l, lb, lam, lamb, lplus, lpb, n, w, wb, z, zb):
    """Cholesky factor of L (I + z w')(I + w z') L' (Goldfarb's recurrence)."""
    nu = 1.0
    eta = 0.0
    if n > 1:
        nm1 = n - 1
        s = 0.0
        for i in range(1, nm1 + 1):
            j = n - i
            wj1 = w[wb + j]
            s = s + wj1 * wj1
            lam[lamb + j - 1] = s
        for j in range(1, nm1 + 1):
            wj = w[wb + j - 1]
            a = nu * z[zb + j - 1] - eta * wj
            theta = 1.0 + a * wj
            s = a * lam[lamb + j - 1]
            lj = _sqrt(theta * theta + a * s)
            if theta > 0.0:
                lj = -lj
            lam[lamb + j - 1] = lj
            b = theta * wj + s
            gamma[gb + j - 1] = _div(b * nu, lj)
            beta[bb + j - 1] = _div(a - b * eta, lj)
            nu = _div(-nu, lj)
            eta = _div(-(eta + _div(a * a, theta - lj)), lj)
    lam[lamb + n - 1] = 1.0 + (nu * z[zb + n - 1] - eta * w[wb + n - 1]) * w[wb + n - 1]
    np1 = n + 1
    jj = n * (n + 1) // 2
    for k in range(1, n + 1):
        j = np1 - k
        lj = lam[lamb + j - 1]
        ljj = l[lb + jj - 1]
        lplus[lpb + jj - 1] = lj * ljj
        wj = w[wb + j - 1]
        w[wb + j - 1] = ljj * wj
        zj = z[zb + j - 1]
        z[zb + j - 1] = ljj * zj
        if k != 1:
            bj = beta[bb + j - 1]
            gj = gamma[gb + j - 1]
            ij = jj + j
            for i in range(j + 1, n + 1):
                lij = l[lb + ij - 1]
                lplus[lpb + ij - 1] = lj * lij + bj * w[wb + i - 1] + gj * z[zb + i - 1]
                w[wb + i - 1] = w[wb + i - 1] + lij * wj
                z[zb + i - 1] = z[zb + i - 1] + lij * zj
                ij = ij + i
        jj = jj - j


def _dw7zbf(l, lb, n, s, sb, w, wb, y, yb, z, zb):
    """w and z of the BFGS update in factored form (with Powell's damping)."""
    eps = 0.1
    _dl7tvm(n, w, wb, l, lb, s, sb)
    shs = _ddot(n, w, wb, w, wb)
    ys = _ddot(n, y, yb, s, sb)
    if ys >= eps * shs:
        cy = _div(1.0, _sqrt(ys) * _sqrt(shs))
        cs = _div(1.0, shs)
    else:
        theta = _div((1.0 - eps) * shs, shs - ys)
        epsrt = _sqrt(eps)
        cy = _div(theta, shs * epsrt)
        cs = _div(1.0 + _div(theta - 1.0, epsrt), shs)
    _dl7ivm(n, z, zb, l, lb, y, yb)
    for i in range(n):
        z[zb + i] = cy * z[zb + i] - cs * w[wb + i]


def _dh2rfg(a, b):
    """Householder 2x2 reflection; returns (value, x, y, z)."""
    if b == 0.0:
        return a, 0.0, 0.0, 0.0
    t = abs(a) + abs(b)
    a1 = _div(a, t)
    b1 = _div(b, t)
    c = _sqrt(a1 * a1 + b1 * b1)
    if a1 > 0.0:
        c = -c
    a1 = a1 - c
    z = _div(b1, a1)
    x = _div(a1, c)
    y = _div(b1, c)
    return t * c, x, y, z


def _dq7rsh(k, p, r, rb, w, wb):
    """Permute column k of the packed upper triangle R to the end and restore the
    triangular form with 2x2 Householder reflections (no Q'r to update)."""
    if k >= p:
        return
    km1 = k - 1
    k1 = k * km1 // 2
    _dv7cpy(k, w, wb, r, rb + k1)
    wj = w[wb + k - 1]
    pm1 = p - 1
    j1 = k1 + km1
    for j in range(k, pm1 + 1):
        jm1 = j - 1
        jp1 = j + 1
        if jm1 > 0:
            _dv7cpy(jm1, r, rb + k1, r, rb + j1 + 1)
        j1 = j1 + jp1
        k1 = k1 + j
        a = r[rb + j1 - 1]
        b = r[rb + j1]
        if b == 0.0:
            r[rb + k1 - 1] = a
            x = 0.0
            z = 0.0
        else:
            r[rb + k1 - 1], x, y, z = _dh2rfg(a, b)
            if j != pm1:
                i1 = j1
                for i in range(jp1, pm1 + 1):
                    i1 = i1 + i
                    ai = r[rb + i1 - 1]
                    bi = r[rb + i1]
                    t = ai * x + bi * y
                    r[rb + i1 - 1] = ai + t
                    r[rb + i1] = bi + t * z
        t = x * wj
        w[wb + j - 1] = wj + t
        wj = t * z
    w[wb + p - 1] = wj
    _dv7cpy(p, r, rb + k1, w, wb)


# ----------------------------------------------------------------------------------
# defaults and parameter check

def _dv7dfl(alg, v, base):
    """Default tolerances; V(k) of the routine is v[base + k - 1]."""
    def put(k, val):
        v[base + k - 1] = val
    machep = _MACHEP
    put(_AFCTOL, machep * machep if machep > 1e-10 else 1e-20)
    put(_DECFAC, 0.5)
    sqteps = math.sqrt(machep)
    put(_DFAC, 0.6)
    put(_DTINIT, 1e-6)
    mepcrt = _pow(machep, 1.0 / 3.0)
    put(_D0INIT, 1.0)
    put(_EPSLON, 0.1)
    put(_INCFAC, 2.0)
    put(_LMAX0, 1.0)
    put(_LMAXS, 1.0)
    put(_PHMNFC, -0.1)
    put(_PHMXFC, 0.1)
    put(_RDFCMN, 0.1)
    put(_RDFCMX, 4.0)
    put(_RFCTOL, _dmax1(1e-10, mepcrt * mepcrt))
    put(_SCTOL, v[base + _RFCTOL - 1])
    put(_TUNER1, 0.1)
    put(_TUNER2, 1e-4)
    put(_TUNER3, 0.75)
    put(_TUNER4, 0.5)
    put(_TUNER5, 0.75)
    put(_XCTOL, sqteps)
    put(_XFTOL, 1e2 * machep)
    if alg == 1:                                  # regression constants (unused here)
        put(47, _dmax1(1e-6, 1e2 * machep))
        put(_DINIT, 0.0)
        put(44, sqteps)
        put(42, mepcrt)
        put(43, sqteps)
        put(45, 1.5)
        put(46, math.sqrt(_BIG / 256.0) * 16.0)
        put(49, 1e-3)
        put(50, 1e-4)
    else:
        put(_BIAS, 0.8)
        put(_DINIT, -1.0)
        put(_ETA0, 1.0e3 * machep)


def _divset(liv, lv):
    """R's Rf_divset(2, ...): fresh iv, v (1-based, zero filled) with nlminb's defaults."""
    iv = [0] * (liv + 1)
    v = [0.0] * (lv + 1)
    iv[_PRUNIT] = 0
    iv[_ALGSAV] = 2
    miv, mv = 59, 71
    if liv < miv:
        iv[1] = 15
        return iv, v
    if lv < mv:
        iv[1] = 16
        return iv, v
    _dv7dfl(2, v, 1)
    iv[1] = 12
    iv[_IVNEED] = 0
    iv[_LASTIV] = miv
    iv[_LASTV] = mv
    iv[_LMAT] = mv + 1
    iv[_MXFCAL] = 200
    iv[_MXITER] = 150
    iv[_OUTLEV] = 0
    iv[_PARPRT] = 1
    iv[_PERM] = miv + 1
    iv[_SOLPRT] = 0
    iv[_STATPR] = 0
    iv[_VNEED] = 0
    iv[_X0PRT] = 1
    iv[_DTYPE] = 0
    iv[_INITS] = 1
    iv[_NFCOV] = 0
    iv[_NGCOV] = 0
    iv[_NVDFLT] = 25
    iv[_PARSAV] = 47
    v[_AFCTOL] = 0.0
    return iv, v


# admissible ranges of v[19..43] checked by DPARCK (general optimisation): slot K of
# v is checked against entry K - 18 (K <= 41) or K - 9 (K = 42, 43) of these tables
_VRANGE = (
    (1.0e-3, 0.9), (-0.99, -1.0e-3), (1.0e-3, 1.0e1), (1.0e-2, 0.8), (1.2, 1.0e2),
    (1.0e-2, 0.8), (1.2, 1.0e2), (0.0, 0.5), (0.0, 0.5), (1.0e-3, 1.0), (-1.0, 1.0),
    (_MACHEP, _BIG), (0.0, _BIG), (_MACHEP, 0.1), (0.0, 1.0), (0.0, 1.0),
    (_TINY, _BIG), (_TINY, _BIG), (0.0, 1.0), (-10.0, _BIG), (0.0, _BIG), (0.0, _BIG),
    (0.0, 1.0),                                   # entries 1-23: v[19..41]
)
_VRANGE_EXTRA = {33: (_MACHEP, 1.0), 34: (0.0, 1.0)}   # v[42] (ETA0), v[43] (BIAS)


def _vrange(i):
    return _VRANGE[i - 1] if i <= 23 else _VRANGE_EXTRA[i]


def _dparck(d, iv, v, n, liv, lv):
    """DPARCK for ALG = 2 with printing off: storage checks, the range checks of the
    tolerances, and d > 0."""
    if iv[_ALGSAV] != 2:
        iv[1] = 67
        return
    miv1 = 59
    if iv[1] == 15:
        iv[_LASTIV] = miv1
        iv[_LASTV] = 0
        return
    iv1 = iv[1]
    if iv1 in (12, 13):
        miv1 = max(miv1, iv[_PERM] - 1)
        miv2 = miv1 + max(iv[_IVNEED], 0)
        iv[_LASTIV] = miv2
        if liv < miv1:
            iv[1] = 15
            return
        iv[_IVNEED] = 0
        iv[_LASTV] = max(iv[_VNEED], 0) + iv[_LMAT] - 1
        iv[_VNEED] = 0
        if liv < miv2:
            iv[1] = 15
            return
        if lv < iv[_LASTV]:
            iv[1] = 16
            return
    if 12 <= iv1 <= 14:
        if n < 1:
            iv[1] = 81
            return
        if iv1 != 14:
            iv[_NEXTIV] = iv[_PERM]
            iv[_NEXTV] = iv[_LMAT]
        if iv1 == 13:
            return
        k = iv[_PARSAV] - _EPSLON
        _dv7dfl(2, v, k + 1)
        iv[_DTYPE0] = 0
        iv[_OLDN] = n
    else:
        if n != iv[_OLDN]:
            iv[1] = 17
            return
        if not (1 <= iv1 <= 11):
            iv[1] = 80
            return
    if iv1 == 14:
        iv1 = 12
    m = 0
    i = 1
    k = _EPSLON
    for _ in range(25):
        vk = v[k]
        lo_, hi_ = _vrange(i)
        if not (vk >= lo_ and vk <= hi_):
            m = k
        k += 1
        i += 1
        if i == 24:
            i = 33
    if iv[_NVDFLT] != 25:
        iv[1] = 51
        return
    if not ((iv[_DTYPE] > 0 or v[_DINIT] > 0.0) and iv1 == 12):
        for i in range(1, n + 1):
            if not (d[i] > 0.0):
                m = 18
    if m != 0:
        iv[1] = m
        return
    # PU = 0: nothing is printed, nothing else is done


def _ditsum(iv, v, x, n):
    """Iteration summary (control = list(trace = k))."""
    outlev = iv[_OUTLEV]
    if not outlev:
        return
    if math.fmod(iv[_NITER], outlev) == 0:
        s = "%3d:%#14.8g:" % (iv[_NITER], v[_F])
        s += "".join(" %#8g" % x[i] for i in range(1, n + 1))
        sys.stdout.write(s + "\n")


# ----------------------------------------------------------------------------------
# step assessment

def _da7sst(iv, v):
    """Assess the candidate step: decide on the next trust radius, whether to restore
    an earlier point, and test for convergence (result in iv[IRC])."""
    nfc = iv[_NFCALL]
    iv[_SWITCH] = 0
    iv[_RESTOR] = 0
    rfac1 = 1.0
    goodx = True
    emaxs = 0.0
    i = iv[_IRC]
    if i == 1:
        lab = 20
    elif i == 2:
        lab = 30
    elif i in (3, 4):
        lab = 10
    elif i == 5:
        lab = 40
    elif i == 6:
        lab = 280
    elif 7 <= i <= 11:
        lab = 220
    elif i == 12:
        lab = 170
    else:
        iv[_IRC] = 13
        return
    while True:
        if lab == 10:
            iv[_STAGE] = 1
            iv[_RADINC] = 0
            v[_FLSTGD] = v[_F0]
            if iv[_TOOBIG] == 0:
                lab = 110
                continue
            iv[_STAGE] = -1
            iv[_XIRC] = i
            lab = 60
            continue
        if lab == 20:
            if iv[_MODEL] != iv[_MLSTGD]:
                lab = 30
                continue
            iv[_STAGE] = iv[_STGLIM]
            iv[_RADINC] = -1
            lab = 110
            continue
        if lab == 30:
            iv[_STAGE] = iv[_STAGE] + 1
            lab = 40
            continue
        if lab == 40:
            if iv[_STAGE] > 0:
                lab = 50
                continue
            if iv[_TOOBIG] != 0:
                lab = 60
                continue
            iv[_STAGE] = -iv[_STAGE]
            i = iv[_XIRC]
            if i == 1:
                lab = 20
            elif i == 2:
                lab = 30
            elif i in (3, 4):
                lab = 110
            elif i == 5:
                lab = 70
            else:
                lab = 50
            continue
        if lab == 50:
            if iv[_TOOBIG] == 0:
                lab = 70
                continue
            iv[_TOOBIG] = 0
            if iv[_RADINC] > 0:
                lab = 80
                continue
            iv[_STAGE] = -iv[_STAGE]
            iv[_XIRC] = iv[_IRC]
            lab = 60
            continue
        if lab == 60:
            iv[_TOOBIG] = 0
            v[_RADFAC] = v[_DECFAC]
            iv[_RADINC] = iv[_RADINC] - 1
            iv[_IRC] = 5
            iv[_RESTOR] = 1
            v[_F] = v[_FLSTGD]
            return
        if lab == 70:
            if v[_F] < v[_FLSTGD]:
                lab = 110
                continue
            if iv[_MODEL] != iv[_MLSTGD]:
                iv[_MODEL] = iv[_MLSTGD]
                iv[_SWITCH] = 1
            lab = 80
            continue
        if lab == 80:
            if v[_FLSTGD] >= v[_F0]:
                lab = 110
                continue
            if iv[_STAGE] < iv[_STGLIM]:
                goodx = False
            elif nfc < iv[_NFGCAL] + iv[_STGLIM] + 2:
                goodx = False
            elif iv[_SWITCH] != 0:
                goodx = False
            iv[_RESTOR] = 3
            v[_F] = v[_FLSTGD]
            v[_PREDUC] = v[_PLSTGD]
            v[_GTSTEP] = v[_GTSLST]
            if iv[_SWITCH] == 0:
                rfac1 = _div(v[_DSTNRM], v[_DSTSAV])
            v[_DSTNRM] = v[_DSTSAV]
            if goodx:
                v[_FDIF] = v[_F0] - v[_F]
                iv[_IRC] = 4
                v[_RADFAC] = rfac1
                return
            nfc = iv[_NFGCAL]
            lab = 110
            continue
        if lab == 110:
            v[_FDIF] = v[_F0] - v[_F]
            if v[_FDIF] > v[_TUNER2] * v[_PREDUC]:
                lab = 140
                continue
            if iv[_RADINC] > 0:
                lab = 140
                continue
            if v[_F] < v[_F0]:
                iv[_NFGCAL] = nfc
            else:
                iv[_MLSTGD] = iv[_MODEL]
                v[_FLSTGD] = v[_F]
                v[_F] = v[_F0]
                iv[_RESTOR] = 1
            iv[_IRC] = 1
            if iv[_STAGE] >= iv[_STGLIM]:
                iv[_IRC] = 5
                iv[_RADINC] = iv[_RADINC] - 1
            lab = 160
            continue
        if lab == 140:
            iv[_NFGCAL] = nfc
            rfac1 = 1.0
            v[_DSTSAV] = v[_DSTNRM]
            if v[_FDIF] > v[_PREDUC] * v[_TUNER1]:
                lab = 190
                continue
            if iv[_STAGE] >= iv[_STGLIM]:
                iv[_IRC] = 4
            else:
                iv[_IRC] = 2
            lab = 160
            continue
        if lab == 160:
            iv[_XIRC] = iv[_IRC]
            emax = v[_GTSTEP] + v[_FDIF]
            v[_RADFAC] = 0.5 * rfac1
            if emax < v[_GTSTEP]:
                v[_RADFAC] = rfac1 * _dmax1(v[_RDFCMN], _div(0.5 * v[_GTSTEP], emax))
            lab = 170
            continue
        if lab == 170:
            if v[_RELDX] <= v[_XFTOL]:
                iv[_IRC] = 12
                lab = 240
                continue
            iv[_IRC] = iv[_XIRC]
            if v[_F] < v[_F0]:
                lab = 200
            else:
                lab = 230
            continue
        if lab == 190:
            if (v[_FDIF] < (-v[_TUNER3] * v[_GTSTEP]) or iv[_RADINC] < 0
                    or iv[_RESTOR] == 1 or iv[_RESTOR] == 3):
                v[_RADFAC] = 1.0
                iv[_IRC] = 3
                lab = 230
                continue
            v[_RADFAC] = v[_RDFCMX]
            gts = v[_GTSTEP]
            if v[_FDIF] < (_div(0.5, v[_RADFAC]) - 1.0) * gts:
                v[_RADFAC] = _dmax1(v[_INCFAC], _div(0.5 * gts, gts + v[_FDIF]))
            iv[_IRC] = 4
            if v[_STPPAR] == 0.0:
                lab = 230
                continue
            if v[_DST0] >= 0.0 and (v[_DST0] < 2.0 * v[_DSTNRM]
                                    or v[_NREDUC] < 1.2 * v[_FDIF]):
                lab = 230
                continue
            iv[_IRC] = 5
            iv[_RADINC] = iv[_RADINC] + 1
            lab = 200
            continue
        if lab == 200:
            v[_FLSTGD] = v[_F]
            iv[_MLSTGD] = iv[_MODEL]
            if iv[_RESTOR] == 0:
                iv[_RESTOR] = 2
            v[_DSTSAV] = v[_DSTNRM]
            iv[_NFGCAL] = nfc
            v[_PLSTGD] = v[_PREDUC]
            v[_GTSLST] = v[_GTSTEP]
            lab = 230
            continue
        if lab == 220:
            iv[_IRC] = iv[_XIRC]
            if not (v[_DSTSAV] >= 0.0):
                iv[_IRC] = 12
            lab = 240
            continue
        if lab == 230:
            iv[_XIRC] = iv[_IRC]
            lab = 240
            continue
        if lab == 240:
            if iv[_RESTOR] == 1 and v[_FLSTGD] < v[_F0]:
                iv[_RESTOR] = 3
            if abs(v[_F]) < v[_AFCTOL]:
                iv[_IRC] = 10
            if 0.5 * v[_FDIF] > v[_PREDUC]:
                return
            emax = v[_RFCTOL] * abs(v[_F0])
            emaxs = v[_SCTOL] * abs(v[_F0])
            if v[_PREDUC] <= emaxs and (v[_DSTNRM] > v[_LMAXS] or v[_STPPAR] == 0.0):
                iv[_IRC] = 11
            if not (v[_DST0] < 0.0):
                i = 0
                if ((v[_NREDUC] > 0.0 and v[_NREDUC] <= emax)
                        or (v[_NREDUC] == 0.0 and v[_PREDUC] == 0.0)):
                    i = 2
                if v[_STPPAR] == 0.0 and v[_RELDX] <= v[_XCTOL] and goodx:
                    i = i + 1
                if i > 0:
                    iv[_IRC] = i + 6
            # label 250
            if iv[_IRC] > 5 and iv[_IRC] != 12:
                return
            if v[_STPPAR] == 0.0:
                return
            if v[_DSTNRM] > v[_LMAXS]:
                if 0.5 * v[_DSTNRM] <= v[_LMAXS]:
                    return
                xmax = _div(v[_LMAXS], v[_DSTNRM])
                if xmax * (2.0 - xmax) * v[_PREDUC] >= emaxs:
                    return
            else:
                if v[_PREDUC] >= emaxs:
                    return
                if v[_DST0] > 0.0:
                    if 0.5 * v[_DST0] <= v[_LMAXS]:
                        return
            # label 270
            if v[_NREDUC] < 0.0:
                lab = 290
                continue
            v[_GTSLST] = v[_GTSTEP]
            v[_DSTSAV] = v[_DSTNRM]
            if iv[_IRC] == 12:
                v[_DSTSAV] = -v[_DSTSAV]
            v[_PLSTGD] = v[_PREDUC]
            i = iv[_RESTOR]
            iv[_RESTOR] = 2
            if i == 3:
                iv[_RESTOR] = 0
            iv[_IRC] = 6
            return
        if lab == 280:
            v[_GTSTEP] = v[_GTSLST]
            v[_DSTNRM] = abs(v[_DSTSAV])
            iv[_IRC] = iv[_XIRC]
            if v[_DSTSAV] <= 0.0:
                iv[_IRC] = 12
            v[_NREDUC] = -v[_PREDUC]
            v[_PREDUC] = v[_PLSTGD]
            iv[_RESTOR] = 3
            lab = 290
            continue
        if lab == 290:
            if -v[_NREDUC] <= v[_SCTOL] * abs(v[_F0]):
                iv[_IRC] = 11
            return
        raise AssertionError(lab)   # pragma: no cover


# ----------------------------------------------------------------------------------
# double-dogleg steps

def _dd7dog(dig, db, n, nwtstp, nb, step, sb, v):
    """Double-dogleg step of length v[RADIUS] (or the full quasi-Newton step)."""
    nwtnrm = v[_DST0]
    rlambd = 1.0
    if nwtnrm > 0.0:
        rlambd = _div(v[_RADIUS], nwtnrm)
    gnorm = v[_DGNORM]
    ghinvg = 2.0 * v[_NREDUC]
    v[_GRDFAC] = 0.0
    v[_NWTFAC] = 0.0
    if not (rlambd < 1.0):
        v[_STPPAR] = 0.0
        v[_DSTNRM] = nwtnrm
        v[_GTSTEP] = -ghinvg
        v[_PREDUC] = v[_NREDUC]
        v[_NWTFAC] = -1.0
        for i in range(n):
            step[sb + i] = -nwtstp[nb + i]
        return
    v[_DSTNRM] = v[_RADIUS]
    cfact = _div(gnorm, v[_GTHG])
    cfact = cfact * cfact
    cnorm = gnorm * cfact
    relax = 1.0 - v[_BIAS] * (1.0 - _div(gnorm * cnorm, ghinvg))
    if not (rlambd < relax):
        v[_STPPAR] = 1.0 - _div(rlambd - relax, 1.0 - relax)
        t = -rlambd
        v[_GTSTEP] = t * ghinvg
        v[_PREDUC] = rlambd * (1.0 - 0.5 * rlambd) * ghinvg
        v[_NWTFAC] = t
        for i in range(n):
            step[sb + i] = t * nwtstp[nb + i]
        return
    if not (cnorm < v[_RADIUS]):
        t = _div(-v[_RADIUS], gnorm)
        v[_GRDFAC] = t
        v[_STPPAR] = 1.0 + _div(cnorm, v[_RADIUS])
        v[_GTSTEP] = -v[_RADIUS] * gnorm
        q = _div(v[_GTHG], gnorm)
        v[_PREDUC] = v[_RADIUS] * (gnorm - 0.5 * v[_RADIUS] * (q * q))
        for i in range(n):
            step[sb + i] = t * dig[db + i]
        return
    ctrnwt = _div(cfact * relax * ghinvg, gnorm)
    cf2 = cfact * cfact
    t1 = ctrnwt - gnorm * cf2
    t2 = v[_RADIUS] * _div(v[_RADIUS], gnorm) - gnorm * cf2
    t = relax * nwtnrm
    femnsq = _div(t, gnorm) * t - ctrnwt - t1
    t = _div(t2, t1 + _sqrt(t1 * t1 + femnsq * t2))
    t1 = (t - 1.0) * cfact
    v[_GRDFAC] = t1
    t2 = -t * relax
    v[_NWTFAC] = t2
    v[_STPPAR] = 2.0 - t
    v[_GTSTEP] = t1 * (gnorm * gnorm) + t2 * ghinvg
    u = v[_GTHG] * t1
    v[_PREDUC] = (-(t1 * gnorm * ((t2 + 1.0) * gnorm)) - t2 * (1.0 + 0.5 * t2) * ghinvg
                  - 0.5 * (u * u))
    for i in range(n):
        step[sb + i] = t1 * dig[db + i] + t2 * nwtstp[nb + i]


def _dd7dgb(bl, bu, d, dig, dgb, dst, dsb, g, gb, ipiv, ipb, ka, l, lb, v, p, pc,
            nwtst, nwb, step, stb, td, tdb, tg, tgb, w, wb, x0, x0b):
    """Double-dogleg step for simple bounds; returns the new KA."""
    meps2 = 2.0 * _MACHEP
    gnorm0 = v[_DGNORM]
    v[_DSTNRM] = 0.0
    if ka >= 0:
        dnwtst = v[_DST0]
        nred = v[_NREDUC]
    else:
        # When every variable is held at a bound (pc <= 0) on the first call of an
        # iteration, the Fortran stores its never-assigned local NRED in v[NREDUC]:
        # in R that is a stale stack slot (left by R's evaluator; in practice a
        # pointer or small integer, i.e. a tiny positive double).  It only feeds the
        # convergence test that follows (the zero step ends the run): R reports
        # code 5 when f != 0 there and code 3 when f == 0, which the smallest
        # positive double reproduces.
        dnwtst = 0.0
        nred = 5e-324
    pred = 0.0
    v[_STPPAR] = 0.0
    rad = v[_RADIUS]
    gnorm = 0.0
    p1 = pc
    if pc <= 0:
        dnwtst = 0.0
        _dv7scp(p, step, stb, 0.0)
    else:
        _dv7cpy(p, td, tdb, d, 1)
        _dv7ipr(p, ipiv, ipb, td, tdb)
        _dv7scp(pc, dst, dsb, 0.0)
        _dv7cpy(p, tg, tgb, g, gb)
        _dv7ipr(p, ipiv, ipb, tg, tgb)
        while True:
            # label 30
            _dl7ivm(p1, nwtst, nwb, l, lb, tg, tgb)
            ghinvg = _ddot(p1, nwtst, nwb, nwtst, nwb)
            v[_NREDUC] = 0.5 * ghinvg
            _dl7itv(p1, nwtst, nwb, l, lb, nwtst, nwb)
            _dv7vmp(p1, step, stb, nwtst, nwb, td, tdb, 1)
            v[_DST0] = _dnrm2(pc, step, stb)
            if ka < 0:
                ka = 0
                dnwtst = v[_DST0]
                nred = v[_NREDUC]
            # label 40
            v[_RADIUS] = rad - v[_DSTNRM]
            if v[_RADIUS] <= 0.0:
                break
            _dv7vmp(p1, dig, dgb, tg, tgb, td, tdb, -1)
            gnorm = _dnrm2(p1, dig, dgb)
            if gnorm <= 0.0:
                break
            v[_DGNORM] = gnorm
            _dv7vmp(p1, dig, dgb, dig, dgb, td, tdb, -1)
            _dl7tvm(p1, w, wb, l, lb, dig, dgb)
            v[_GTHG] = _dnrm2(p1, w, wb)
            ka = ka + 1
            _dd7dog(dig, dgb, p1, nwtst, nwb, step, stb, v)
            t = 1.0
            k = 0
            for i in range(1, p1 + 1):
                j = ipiv[ipb + i - 1]
                x0i = x0[x0b + j - 1] + _div(dst[dsb + i - 1], td[tdb + i - 1])
                xi = x0i + step[stb + i - 1]
                if xi < bl[j]:
                    ti = _div(bl[j] - x0i, step[stb + i - 1])
                    j = -i
                elif xi <= bu[j]:
                    continue
                else:
                    ti = _div(bu[j] - x0i, step[stb + i - 1])
                    j = i
                if t <= ti:
                    continue
                k = j
                t = ti
            _dv7vmp(p1, step, stb, step, stb, td, tdb, 1)
            _dv2axy(p1, dst, dsb, t, step, stb, dst, dsb)
            v[_DSTNRM] = _dnrm2(pc, dst, dsb)
            t1 = t * v[_GRDFAC]
            t2 = t * v[_NWTFAC]
            u = v[_GTHG] * t1
            pred = (pred - t1 * gnorm * ((t2 + 1.0) * gnorm) - t2 * (1.0 + 0.5 * t2) * ghinvg
                    - 0.5 * (u * u))
            if k == 0:
                break
            _dl7vml(p1, w, wb, l, lb, w, wb)
            t2 = 1.0 - t2
            for i in range(p1):
                tg[tgb + i] = t2 * tg[tgb + i] - t1 * w[wb + i]
            p1m1 = p1 - 1
            j = abs(k)
            if j != p1:
                _dq7rsh(j, p1, l, lb, w, wb)
                _i7shft(p1, j, ipiv, ipb)
                _dv7shf(p1, j, tg, tgb)
                _dv7shf(p1, j, td, tdb)
                _dv7shf(p1, j, dst, dsb)
            if k < 0:
                ipiv[ipb + p1 - 1] = -ipiv[ipb + p1 - 1]
            p1 = p1m1
            if p1 <= 0:
                break
        # label 100
        _dv7scp(p, step, stb, 0.0)
        for i in range(1, pc + 1):
            j = abs(ipiv[ipb + i - 1])
            step[stb + j - 1] = _div(dst[dsb + i - 1], td[tdb + i - 1])
        if p1 < pc:
            _dv2axy(p, td, tdb, 1.0, step, stb, x0, x0b)
            for i in range(p1 + 1, pc + 1):
                j = ipiv[ipb + i - 1]
                t = meps2
                if j <= 0:
                    t = -t
                    j = -j
                    ipiv[ipb + i - 1] = j
                t = t * _dmax1(abs(td[tdb + j - 1]), abs(x0[x0b + j - 1]))
                step[stb + j - 1] = step[stb + j - 1] + t
    # label 140
    v[_DGNORM] = gnorm0
    v[_NREDUC] = nred
    v[_PREDUC] = pred
    v[_RADIUS] = rad
    v[_DST0] = dnwtst
    v[_GTSTEP] = _ddot(p, step, stb, g, gb)
    return ka


# ----------------------------------------------------------------------------------
# finite-difference gradients

def _stewart_step(w, wb, fx, xi, di, gi, eta0, alphai) -> tuple:
    """The finite-difference step DS7GRD and DS3GRD share (Stewart's scheme, from the
    curvature estimate ``alphai`` and the relative error ``eta0`` of f): ``(h,
    central)``, ``central`` when the step is for a central difference."""
    afx = abs(w[wb + 3])                 # f(x) kept at the start of the gradient
    machep = w[wb]
    h0 = w[wb + 1]
    hmin = 50.0 * machep
    axi = abs(xi)
    axibar = _dmax1(axi, _div(1.0, di))
    agi = abs(gi)
    eta = abs(eta0)
    if afx > 0.0:
        eta = _dmax1(eta, _div(agi * axi * machep, afx))
    if alphai == 0.0:
        return axibar, False
    if gi == 0.0 or fx == 0.0:
        return h0 * axibar, False
    afxeta = afx * eta
    aai = abs(alphai)
    if gi * gi <= afxeta * aai:
        h = 2.0 * _pow(afxeta * agi, 1.0 / 3.0) * _pow(aai, -2.0 / 3.0)
        h = h * (1.0 - _div(2.0 * agi, 3.0 * aai * h + 4.0 * agi))
    else:
        h = 2.0 * _sqrt(_div(afxeta, aai))
        h = h * (1.0 - _div(aai * h, 3.0 * aai * h + 4.0 * agi))
    h = _dmax1(h, hmin * axibar)
    if aai * h <= 0.002 * agi:
        if h >= 0.02 * axibar:
            h = h0 * axibar
        if alphai * gi < 0.0:
            h = -h
        return h, False
    discon = 2.0e3 * afxeta
    h = _div(discon, agi + _sqrt(gi * gi + aai * discon))
    h = _dmax1(h, hmin * axibar)
    if h >= 0.02 * axibar:
        h = axibar * _pow(h0, 2.0 / 3.0)
    return h, True


def _ds7grd(alpha, ab, d, eta0, fx, g, gb, iv, n, w, wb, x):
    """One step of the forward/central-difference gradient (iv[SGIRC] is the state);
    returns FX (restored to f(x) when the gradient is complete)."""
    irc = iv[_SGIRC]
    FH, FX0, HSAVE, XISAVE = wb + 2, wb + 3, wb + 4, wb + 5
    h = 0.0
    i = 0
    if irc < 0:
        lab = 140
    elif irc > 0:
        lab = 210
    else:
        w[wb] = _MACHEP
        w[wb + 1] = math.sqrt(w[wb])
        w[FX0] = fx
        lab = 110
    while True:
        if lab == 110:
            i = abs(irc) + 1
            if i > n:
                fx = w[FX0]
                irc = 0
                break
            irc = i
            w[XISAVE] = x[i]
            h, central = _stewart_step(w, wb, fx, x[i], d[i], g[gb + i - 1], eta0,
                                       alpha[ab + i - 1])
            if not central:
                lab = 200
                continue
            irc = -i
            lab = 200
            continue
        if lab == 140:
            h = -w[HSAVE]
            i = abs(irc)
            if h > 0.0:
                g[gb + i - 1] = _div(w[FH] - fx, 2.0 * h)
                x[i] = w[XISAVE]
                lab = 110
                continue
            w[FH] = fx
            lab = 200
            continue
        if lab == 200:
            x[i] = w[XISAVE] + h
            w[HSAVE] = h
            break
        if lab == 210:
            g[gb + irc - 1] = _div(fx - w[FX0], w[HSAVE])
            x[irc] = w[XISAVE]
            lab = 110
            continue
        raise AssertionError(lab)   # pragma: no cover
    iv[_SGIRC] = irc
    return fx


def _ds3grd(alpha, ab, bl, bu, d, eta0, fx, g, gb, iv, p, w, wb, x):
    """DS7GRD with simple bounds: steps that would leave the box are reversed, or a
    one-sided three-point formula is used.  iv[SGIRC] > p signals failure."""
    irc = iv[_SGIRC]
    FH, FX0, HSAVE, XISAVE = wb + 2, wb + 3, wb + 4, wb + 5
    h = xi = xih = 0.0
    i = 0
    if irc < 0:
        lab = 80
    elif irc > 0:
        lab = 210
    else:
        w[wb] = _MACHEP
        w[wb + 1] = math.sqrt(w[wb])
        w[FX0] = fx
        lab = 20
    while True:
        if lab == 20:
            i = abs(irc) + 1
            if i > p:
                irc = 0
                fx = w[FX0]
                break
            irc = i
            if not (bl[i] < bu[i]):
                g[gb + i - 1] = 0.0
                continue
            xi = x[i]
            w[XISAVE] = xi
            h, central = _stewart_step(w, wb, fx, xi, d[i], g[gb + i - 1], eta0,
                                       alpha[ab + i - 1])
            if not central:
                lab = 150
                continue
            xih = xi + h
            if xi - h < bl[i]:
                # label 60
                if xi + 2.0 * h > bu[i]:
                    lab = 190
                    continue
                irc = -(i + p)
                lab = 200
                continue
            irc = -i
            if xih <= bu[i]:
                lab = 200
                continue
            h = -h
            xih = xi + h
            if xi + 2.0 * h < bl[i]:
                lab = 190
                continue
            irc = -(i + p)
            lab = 200
            continue
        if lab == 80:
            i = -irc
            if i <= p:
                # label 100
                h = -w[HSAVE]
                if h > 0.0:
                    g[gb + i - 1] = _div(w[FH] - fx, 2.0 * h)
                    x[i] = w[XISAVE]
                    lab = 20
                    continue
                w[FH] = fx
                xih = w[XISAVE] + h
                lab = 200
                continue
            i = i - p
            if i <= p:
                w[FH] = fx
                h = 2.0 * w[HSAVE]
                xih = w[XISAVE] + h
                irc = irc - p
                lab = 200
                continue
            i = i - p
            g[gb + i - 1] = _div(4.0 * w[FH] - fx - 3.0 * w[FX0], w[HSAVE])
            irc = i
            x[i] = w[XISAVE]
            lab = 20
            continue
        if lab == 150:
            hit = False
            while True:
                # label 160
                xih = xi + h
                if h > 0.0:
                    if xih <= bu[i]:
                        lab = 200
                        break
                else:
                    if xih >= bl[i]:
                        lab = 200
                        break
                if hit:
                    lab = 190
                    break
                hit = True
                h = -h
            continue
        if lab == 190:
            irc = i + p
            fx = w[FX0]
            break
        if lab == 200:
            x[i] = xih
            w[HSAVE] = h
            break
        if lab == 210:
            g[gb + irc - 1] = _div(fx - w[FX0], w[HSAVE])
            x[irc] = w[XISAVE]
            lab = 20
            continue
        raise AssertionError(lab)   # pragma: no cover
    iv[_SGIRC] = irc
    return fx


# ----------------------------------------------------------------------------------
# the unconstrained driver (gradient supplied by the caller)

def _drmng(d, fx, g, gb, iv, v, x, n, liv, lv):
    i = iv[1]
    rstrst = 3
    if i == 1:
        lab = 50
    elif i == 2:
        lab = 60
    else:
        if iv[1] == 12 or iv[1] == 13:
            iv[_VNEED] = iv[_VNEED] + n * (n + 13) // 2
        _dparck(d, iv, v, n, liv, lv)
        i = iv[1] - 2
        if i > 12:
            return
        if 1 <= i <= 6:
            lab = 190
        elif i in (7, 9):
            lab = 120
        elif i == 8:
            lab = 90
        elif i == 12:
            lab = 20
        else:
            lab = 10
    while True:
        if lab == 10:
            l_ = iv[_LMAT]
            iv[_X0] = l_ + n * (n + 1) // 2
            iv[_STEP] = iv[_X0] + n
            iv[_STLSTG] = iv[_STEP] + n
            iv[_G0] = iv[_STLSTG] + n
            iv[_NWTSTP] = iv[_G0] + n
            iv[_DG] = iv[_NWTSTP] + n
            iv[_NEXTV] = iv[_DG] + n
            if iv[1] != 13:
                lab = 20
                continue
            iv[1] = 14
            return
        if lab == 20:
            iv[_NITER] = 0
            iv[_NFCALL] = 1
            iv[_NGCALL] = 1
            iv[_NFGCAL] = 1
            iv[_MODE] = -1
            iv[_MODEL] = 1
            iv[_STGLIM] = 1
            iv[_TOOBIG] = 0
            iv[_CNVCOD] = 0
            iv[_RADINC] = 0
            v[_RAD0] = 0.0
            if v[_DINIT] >= 0.0:
                _dv7scp(n, d, 1, v[_DINIT])
            if iv[_INITS] == 1:
                l_ = iv[_LMAT]
                _dv7scp(n * (n + 1) // 2, v, l_, 0.0)
                k = l_ - 1
                for i in range(1, n + 1):
                    k = k + i
                    t = d[i]
                    if t <= 0.0:
                        t = 1.0
                    v[k] = t
            iv[1] = 1
            return
        if lab == 50:
            v[_F] = fx
            if iv[_MODE] >= 0:
                lab = 190
                continue
            v[_F0] = fx
            iv[1] = 2
            if iv[_TOOBIG] == 0:
                return
            iv[1] = 63
            lab = 350
            continue
        if lab == 60:
            if iv[_TOOBIG] != 0:
                iv[1] = 65
                lab = 350
                continue
            dg1 = iv[_DG]
            _dv7vmp(n, v, dg1, g, gb, d, 1, -1)
            v[_DGNORM] = _dnrm2(n, v, dg1)
            if iv[_CNVCOD] != 0:
                lab = 340
                continue
            if iv[_MODE] == 0:
                lab = 300
                continue
            v[_RADIUS] = v[_LMAX0]
            iv[_MODE] = 0
            lab = 80
            continue
        if lab == 80:
            _ditsum(iv, v, x, n)
            lab = 90
            continue
        if lab == 90:
            k = iv[_NITER]
            if k >= iv[_MXITER]:
                iv[1] = 10
                lab = 350
                continue
            lab = 100
            continue
        if lab == 100:
            iv[_NITER] = k + 1
            if k > 0:
                v[_RADIUS] = v[_RADFAC] * v[_DSTNRM]
            g01 = iv[_G0]
            x01 = iv[_X0]
            v[_F0] = v[_F]
            iv[_IRC] = 4
            iv[_KAGQT] = -1
            _dv7cpy(n, v, x01, x, 1)
            _dv7cpy(n, v, g01, g, gb)
            lab = 130             # STOPX() is always false
            continue
        if lab == 120:
            if v[_F] >= v[_F0]:
                lab = 130
                continue
            v[_RADFAC] = 1.0
            k = iv[_NITER]
            lab = 100
            continue
        if lab == 130:
            if iv[_NFCALL] < iv[_MXFCAL]:
                lab = 150
                continue
            iv[1] = 9
            if v[_F] >= v[_F0]:
                lab = 350
                continue
            iv[_CNVCOD] = iv[1]
            lab = 290
            continue
        if lab == 150:
            step1 = iv[_STEP]
            dg1 = iv[_DG]
            nwtst1 = iv[_NWTSTP]
            if iv[_KAGQT] < 0:
                l_ = iv[_LMAT]
                _dl7ivm(n, v, nwtst1, v, l_, g, gb)
                v[_NREDUC] = 0.5 * _ddot(n, v, nwtst1, v, nwtst1)
                _dl7itv(n, v, nwtst1, v, l_, v, nwtst1)
                _dv7vmp(n, v, step1, v, nwtst1, d, 1, 1)
                v[_DST0] = _dnrm2(n, v, step1)
                _dv7vmp(n, v, dg1, v, dg1, d, 1, -1)
                _dl7tvm(n, v, step1, v, l_, v, dg1)
                v[_GTHG] = _dnrm2(n, v, step1)
                iv[_KAGQT] = 0
            _dd7dog(v, dg1, n, v, nwtst1, v, step1, v)
            if iv[_IRC] == 6:
                if iv[_RESTOR] != 2:
                    lab = 190
                    continue
                rstrst = 2
                lab = 200
                continue
            iv[_TOOBIG] = 0
            if v[_DSTNRM] <= 0.0:
                lab = 190
                continue
            if (iv[_IRC] == 5 and v[_RADFAC] > 1.0
                    and not (v[_PREDUC] > 1.2 * v[_FDIF])):
                if iv[_RESTOR] != 2:
                    lab = 190
                    continue
                rstrst = 0
                lab = 200
                continue
            x01 = iv[_X0]
            step1 = iv[_STEP]
            _dv2axy(n, x, 1, 1.0, v, step1, v, x01)
            iv[_NFCALL] = iv[_NFCALL] + 1
            iv[1] = 1
            return
        if lab == 190:
            rstrst = 3
            lab = 200
            continue
        if lab == 200:
            x01 = iv[_X0]
            v[_RELDX] = _drldst(n, d, 1, x, 1, v, x01)
            _da7sst(iv, v)
            step1 = iv[_STEP]
            lstgst = iv[_STLSTG]
            i = iv[_RESTOR] + 1
            if i == 1:
                pass
            elif i == 3:
                _dv7cpy(n, v, lstgst, v, step1)
            elif i == 4:
                _dv7cpy(n, v, step1, v, lstgst)
                _dv2axy(n, x, 1, 1.0, v, step1, v, x01)
                v[_RELDX] = _drldst(n, d, 1, x, 1, v, x01)
                iv[_RESTOR] = rstrst
            else:
                _dv7cpy(n, x, 1, v, x01)
            k = iv[_IRC]
            if k == 6:
                v[_RADIUS] = v[_LMAXS]
                lab = 150
            elif 2 <= k <= 4:
                lab = 280
            elif 7 <= k <= 12:
                lab = 270
            elif k == 13:
                iv[1] = 64
                lab = 350
            elif k == 14:
                lab = 300
            else:
                v[_RADIUS] = v[_RADFAC] * v[_DSTNRM]
                lab = 130
            continue
        if lab == 270:
            iv[_CNVCOD] = k - 4
            if v[_F] >= v[_F0]:
                lab = 340
                continue
            if iv[_XIRC] == 14:
                lab = 340
                continue
            iv[_XIRC] = 14
            lab = 280
            continue
        if lab == 280:
            if iv[_IRC] == 3:
                step1 = iv[_STEP]
                temp1 = iv[_STLSTG]
                l_ = iv[_LMAT]
                _dl7tvm(n, v, temp1, v, l_, v, step1)
                _dl7vml(n, v, temp1, v, l_, v, temp1)
            lab = 290
            continue
        if lab == 290:
            iv[_NGCALL] = iv[_NGCALL] + 1
            iv[1] = 2
            return
        if lab == 300:
            g01 = iv[_G0]
            _dv2axy(n, v, g01, -1.0, v, g01, g, gb)
            step1 = iv[_STEP]
            temp1 = iv[_STLSTG]
            if iv[_IRC] == 3:
                _dv2axy(n, v, temp1, -1.0, v, g01, v, temp1)
                _dv7vmp(n, v, temp1, v, temp1, d, 1, -1)
                if _dnrm2(n, v, temp1) <= v[_DGNORM] * v[_TUNER4]:
                    v[_RADFAC] = v[_INCFAC]
                elif not (_ddot(n, g, gb, v, step1) >= v[_GTSTEP] * v[_TUNER5]):
                    v[_RADFAC] = v[_INCFAC]
            w = iv[_NWTSTP]
            z = iv[_X0]
            l_ = iv[_LMAT]
            _dw7zbf(v, l_, n, v, step1, v, w, v, g01, v, z)
            _dl7upd(v, temp1, v, step1, v, l_, v, g01, v, l_, n, v, w, v, z)
            iv[1] = 2
            lab = 80
            continue
        if lab == 340:
            iv[1] = iv[_CNVCOD]
            iv[_CNVCOD] = 0
            lab = 350
            continue
        if lab == 350:
            _ditsum(iv, v, x, n)
            return
        raise AssertionError(lab)   # pragma: no cover


def _drmnf(d, fx, iv, v, x, n, liv, lv):
    """DRMNF: DRMNG with the gradient by finite differences; returns FX."""
    iv1 = iv[1]
    if iv1 == 1:
        lab = 10
    elif iv1 == 2:
        lab = 50
    else:
        if iv1 == 12 or iv1 == 13:
            iv[_VNEED] = iv[_VNEED] + 2 * n + 6
        if iv1 == 14 or 2 < iv1 < 12:
            lab = 10
        else:
            g1 = 1
            if iv1 == 12:
                iv[1] = 13
            lab = 20
    while True:
        if lab == 10:
            g1 = iv[_G]
            lab = 20
            continue
        if lab == 20:
            _drmng(d, fx, v, g1, iv, v, x, n, liv, lv)
            if iv[1] < 2:
                return fx
            if iv[1] > 2:
                if iv[1] != 14:
                    return fx
                iv[_G] = iv[_NEXTV] + n + 6
                iv[_NEXTV] = iv[_G] + n
                if iv1 != 13:
                    lab = 10
                    continue
                return fx
            if iv[_NITER] == 0:
                _dv7scp(n, v, g1, 0.0)
            j = iv[_LMAT]
            k = g1 - n
            for i in range(1, n + 1):
                v[k] = _ddot(i, v, j, v, j)
                k = k + 1
                j = j + i
            iv[_NGCALL] = iv[_NGCALL] - 1
            iv[_SGIRC] = 0
            fx = v[_F]
            lab = 60
            continue
        if lab == 50:
            if iv[_TOOBIG] != 0:
                lab = 10
                continue
            lab = 60
            continue
        if lab == 60:
            g1 = iv[_G]
            alpha = g1 - n
            w = alpha - 6
            fx = _ds7grd(v, alpha, d, v[_ETA0], fx, v, g1, iv, n, v, w, x)
            if iv[_SGIRC] == 0:
                lab = 10
                continue
            iv[_NGCALL] = iv[_NGCALL] + 1
            return fx
        raise AssertionError(lab)   # pragma: no cover


# ----------------------------------------------------------------------------------
# the bounded driver

def _drmngb(bl, bu, d, fx, g, gb, iv, v, x, n, liv, lv):
    i = iv[1]
    rstrst = 3
    k = 0
    if i == 1:
        lab = 70
    elif i == 2:
        lab = 80
    else:
        if 12 <= iv[1] <= 13:
            iv[_VNEED] = iv[_VNEED] + n * (n + 19) // 2
            iv[_IVNEED] = iv[_IVNEED] + n
        _dparck(d, iv, v, n, liv, lv)
        i = iv[1] - 2
        if i > 12:
            return
        if 1 <= i <= 6:
            lab = 250
        elif i in (7, 9):
            lab = 190
        elif i == 8:
            lab = 150
        elif i == 12:
            lab = 30
        else:
            lab = 20
    while True:
        if lab == 20:
            l_ = iv[_LMAT]
            iv[_X0] = l_ + n * (n + 1) // 2
            iv[_STEP] = iv[_X0] + 2 * n
            iv[_STLSTG] = iv[_STEP] + 2 * n
            iv[_NWTSTP] = iv[_STLSTG] + n
            iv[_DG] = iv[_NWTSTP] + 2 * n
            iv[_NEXTV] = iv[_DG] + 2 * n
            iv[_NEXTIV] = iv[_PERM] + n
            if iv[1] != 13:
                lab = 30
                continue
            iv[1] = 14
            return
        if lab == 30:
            iv[_NITER] = 0
            iv[_NFCALL] = 1
            iv[_NGCALL] = 1
            iv[_NFGCAL] = 1
            iv[_MODE] = -1
            iv[_MODEL] = 1
            iv[_STGLIM] = 1
            iv[_TOOBIG] = 0
            iv[_CNVCOD] = 0
            iv[_RADINC] = 0
            iv[_NC] = n
            v[_RAD0] = 0.0
            ipi = iv[_PERM]
            bad = False
            for i in range(1, n + 1):
                iv[ipi] = i
                ipi = ipi + 1
                if bl[i] > bu[i]:
                    bad = True
                    break
            if bad:
                iv[1] = 82
                lab = 430
                continue
            if v[_DINIT] >= 0.0:
                _dv7scp(n, d, 1, v[_DINIT])
            if iv[_INITS] == 1:
                l_ = iv[_LMAT]
                _dv7scp(n * (n + 1) // 2, v, l_, 0.0)
                k = l_ - 1
                for i in range(1, n + 1):
                    k = k + i
                    t = d[i]
                    if t <= 0.0:
                        t = 1.0
                    v[k] = t
            iv[1] = 1
            lab = 440
            continue
        if lab == 70:
            v[_F] = fx
            if iv[_MODE] >= 0:
                lab = 250
                continue
            v[_F0] = fx
            iv[1] = 2
            if iv[_TOOBIG] == 0:
                return
            iv[1] = 63
            lab = 430
            continue
        if lab == 80:
            if iv[_TOOBIG] != 0:
                iv[1] = 65
                lab = 430
                continue
            ipi = iv[_PERM]
            ipn = ipi + n
            n1 = n
            np1 = n + 1
            l_ = iv[_LMAT]
            w1 = iv[_NWTSTP] + n
            k = n - iv[_NC]
            for i in range(1, n + 1):
                ipn = ipn - 1
                j = iv[ipn]
                fixed = False
                if bl[j] >= bu[j]:
                    fixed = True
                else:
                    xi = x[j]
                    gi = g[gb + j - 1]
                    if xi <= bl[j] and gi > 0.0:
                        fixed = True
                    elif xi >= bu[j] and gi < 0.0:
                        fixed = True
                if not fixed:
                    if i <= k:
                        iv[_CNVCOD] = 0
                    continue
                i1 = np1 - i
                if i1 < n1:
                    _i7shft(n1, i1, iv, ipi)
                    _dq7rsh(i1, n1, v, l_, v, w1)
                n1 = n1 - 1
            iv[_NC] = n1
            v[_DGNORM] = 0.0
            if n1 > 0:
                dg1 = iv[_DG]
                _dv7vmp(n, v, dg1, g, gb, d, 1, -1)
                _dv7ipr(n, iv, ipi, v, dg1)
                v[_DGNORM] = _dnrm2(n1, v, dg1)
            if iv[_CNVCOD] != 0:
                lab = 420
                continue
            if iv[_MODE] == 0:
                lab = 370
                continue
            v[_RADIUS] = v[_LMAX0]
            iv[_MODE] = 0
            lab = 140
            continue
        if lab == 140:
            _ditsum(iv, v, x, n)
            lab = 150
            continue
        if lab == 150:
            k = iv[_NITER]
            if k >= iv[_MXITER]:
                iv[1] = 10
                lab = 430
                continue
            lab = 160
            continue
        if lab == 160:
            iv[_NITER] = k + 1
            if k != 0:
                t = v[_RADFAC] * v[_DSTNRM]
                if v[_RADFAC] < 1.0 or t > v[_RADIUS]:
                    v[_RADIUS] = t
            x01 = iv[_X0]
            v[_F0] = v[_F]
            iv[_IRC] = 4
            iv[_KAGQT] = -1
            _dv7cpy(n, v, x01, x, 1)
            lab = 200             # STOPX() is always false
            continue
        if lab == 190:
            if v[_F] >= v[_F0]:
                lab = 200
                continue
            v[_RADFAC] = 1.0
            k = iv[_NITER]
            lab = 160
            continue
        if lab == 200:
            if iv[_NFCALL] < iv[_MXFCAL]:
                lab = 220
                continue
            iv[1] = 9
            if v[_F] >= v[_F0]:
                lab = 430
                continue
            iv[_CNVCOD] = iv[1]
            lab = 360
            continue
        if lab == 220:
            step1 = iv[_STEP]
            dg1 = iv[_DG]
            nwtst1 = iv[_NWTSTP]
            w1 = nwtst1 + n
            dstep1 = step1 + n
            ipi = iv[_PERM]
            l_ = iv[_LMAT]
            tg1 = dg1 + n
            x01 = iv[_X0]
            td1 = x01 + n
            iv[_KAGQT] = _dd7dgb(bl, bu, d, v, dg1, v, dstep1, g, gb, iv, ipi,
                                 iv[_KAGQT], v, l_, v, n, iv[_NC], v, nwtst1, v, step1,
                                 v, td1, v, tg1, v, w1, v, x01)
            if iv[_IRC] == 6:
                if iv[_RESTOR] != 2:
                    lab = 250
                    continue
                rstrst = 2
                lab = 260
                continue
            iv[_TOOBIG] = 0
            if v[_DSTNRM] <= 0.0:
                lab = 250
                continue
            if (iv[_IRC] == 5 and v[_RADFAC] > 1.0
                    and not (v[_PREDUC] > 1.2 * v[_FDIF])):
                if iv[_RESTOR] != 2:
                    lab = 250
                    continue
                rstrst = 0
                lab = 260
                continue
            _dv2axy(n, x, 1, 1.0, v, step1, v, x01)
            iv[_NFCALL] = iv[_NFCALL] + 1
            iv[1] = 1
            lab = 440
            continue
        if lab == 250:
            rstrst = 3
            lab = 260
            continue
        if lab == 260:
            x01 = iv[_X0]
            v[_RELDX] = _drldst(n, d, 1, x, 1, v, x01)
            _da7sst(iv, v)
            step1 = iv[_STEP]
            lstgst = iv[_STLSTG]
            i = iv[_RESTOR] + 1
            if i == 1:
                pass
            elif i == 3:
                _dv7cpy(n, v, lstgst, x, 1)
            elif i == 4:
                _dv7cpy(n, x, 1, v, lstgst)
                _dv2axy(n, v, step1, -1.0, v, x01, x, 1)
                v[_RELDX] = _drldst(n, d, 1, x, 1, v, x01)
                iv[_RESTOR] = rstrst
            else:
                _dv7cpy(n, x, 1, v, x01)
            k = iv[_IRC]
            if k == 6:
                v[_RADIUS] = v[_LMAXS]
                lab = 220
            elif 2 <= k <= 4:
                lab = 340
            elif 7 <= k <= 12:
                lab = 330
            elif k == 13:
                iv[1] = 64
                lab = 430
            elif k == 14:
                lab = 370
            else:
                v[_RADIUS] = v[_RADFAC] * v[_DSTNRM]
                lab = 200
            continue
        if lab == 330:
            iv[_CNVCOD] = k - 4
            if v[_F] >= v[_F0]:
                lab = 420
                continue
            if iv[_XIRC] == 14:
                lab = 420
                continue
            iv[_XIRC] = 14
            lab = 340
            continue
        if lab == 340:
            x01 = iv[_X0]
            step1 = iv[_STEP]
            _dv2axy(n, v, step1, -1.0, v, x01, x, 1)
            if iv[_IRC] == 3:
                ipi = iv[_PERM]
                _dv7cpy(n, v, x01, v, step1)
                _dv7ipr(n, iv, ipi, v, x01)
                l_ = iv[_LMAT]
                _dl7tvm(n, v, x01, v, l_, v, x01)
                _dl7vml(n, v, x01, v, l_, v, x01)
                temp1 = iv[_STLSTG]
                temp0 = temp1 - 1
                for i in range(1, n + 1):
                    j = iv[ipi]
                    ipi = ipi + 1
                    k = temp0 + j
                    v[k] = v[x01]
                    x01 = x01 + 1
            lab = 360
            continue
        if lab == 360:
            g01 = iv[_NWTSTP] + n
            _dv7cpy(n, v, g01, g, gb)
            iv[_NGCALL] = iv[_NGCALL] + 1
            iv[_TOOBIG] = 0
            iv[1] = 2
            return
        if lab == 370:
            g01 = iv[_NWTSTP] + n
            _dv2axy(n, v, g01, -1.0, v, g01, g, gb)
            step1 = iv[_STEP]
            temp1 = iv[_STLSTG]
            if iv[_IRC] == 3:
                _dv2axy(n, v, temp1, -1.0, v, g01, v, temp1)
                _dv7vmp(n, v, temp1, v, temp1, d, 1, -1)
                if _dnrm2(n, v, temp1) <= v[_DGNORM] * v[_TUNER4]:
                    v[_RADFAC] = v[_INCFAC]
                elif not (_ddot(n, g, gb, v, step1) >= v[_GTSTEP] * v[_TUNER5]):
                    v[_RADFAC] = v[_INCFAC]
            w1 = iv[_NWTSTP]
            z = iv[_X0]
            l_ = iv[_LMAT]
            ipi = iv[_PERM]
            _dv7ipr(n, iv, ipi, v, step1)
            _dv7ipr(n, iv, ipi, v, g01)
            _dw7zbf(v, l_, n, v, step1, v, w1, v, g01, v, z)
            _dl7upd(v, temp1, v, step1, v, l_, v, g01, v, l_, n, v, w1, v, z)
            iv[1] = 2
            lab = 140
            continue
        if lab == 420:
            iv[1] = iv[_CNVCOD]
            iv[_CNVCOD] = 0
            lab = 430
            continue
        if lab == 430:
            _ditsum(iv, v, x, n)
            return
        if lab == 440:
            for i in range(1, n + 1):
                if x[i] < bl[i]:
                    x[i] = bl[i]
                if x[i] > bu[i]:
                    x[i] = bu[i]
            return
        raise AssertionError(lab)   # pragma: no cover


def _drmnfb(bl, bu, d, fx, iv, v, x, p, liv, lv):
    """DRMNFB: DRMNGB with the gradient by DS3GRD; returns FX."""
    iv1 = iv[1]
    if iv1 == 1:
        lab = 10
    elif iv1 == 2:
        lab = 50
    else:
        if iv1 == 12 or iv1 == 13:
            iv[_VNEED] = iv[_VNEED] + 2 * p + 6
        if iv1 == 14 or 2 < iv1 < 12:
            lab = 10
        else:
            g1 = 1
            if iv1 == 12:
                iv[1] = 13
            lab = 20
    while True:
        if lab == 10:
            g1 = iv[_G]
            lab = 20
            continue
        if lab == 20:
            _drmngb(bl, bu, d, fx, v, g1, iv, v, x, p, liv, lv)
            if iv[1] < 2:
                return fx
            if iv[1] > 2:
                if iv[1] != 14:
                    return fx
                iv[_G] = iv[_NEXTV] + p + 6
                iv[_NEXTV] = iv[_G] + p
                if iv1 != 13:
                    lab = 10
                    continue
                return fx
            if iv[_NITER] == 0:
                _dv7scp(p, v, g1, 0.0)
            j = iv[_LMAT]
            alpha0 = g1 - p - 1
            ipi = iv[_PERM]
            for i in range(1, p + 1):
                k = alpha0 + iv[ipi]
                v[k] = _ddot(i, v, j, v, j)
                ipi = ipi + 1
                j = j + i
            iv[_NGCALL] = iv[_NGCALL] - 1
            iv[_SGIRC] = 0
            fx = v[_F]
            lab = 60
            continue
        if lab == 50:
            if iv[_TOOBIG] != 0:
                lab = 10
                continue
            lab = 60
            continue
        if lab == 60:
            g1 = iv[_G]
            alpha = g1 - p
            w = alpha - 6
            fx = _ds3grd(v, alpha, bl, bu, d, v[_ETA0], fx, v, g1, iv, p, v, w, x)
            i = iv[_SGIRC]
            if i == 0:
                lab = 10
                continue
            if i > p:
                iv[_TOOBIG] = 1
                lab = 10
                continue
            iv[_NGCALL] = iv[_NGCALL] + 1
            return fx
        raise AssertionError(lab)   # pragma: no cover


# ----------------------------------------------------------------------------------
# R's nlminb()

def _port_msg(iv1: int) -> str:
    msgs = {
        3: "X-convergence (3)",
        4: "relative convergence (4)",
        5: "both X-convergence and relative convergence (5)",
        6: "absolute function convergence (6)",
        7: "singular convergence (7)",
        8: "false convergence (8)",
        9: "function evaluation limit reached without convergence (9)",
        10: "iteration limit reached without convergence (10)",
        14: "storage only has been allocated (14)",
        15: "LIV too small (15)",
        16: "LV too small (16)",
        63: "fn cannot be computed at initial par (63)",
        65: "gr cannot be computed at initial par (65)",
        300: "initial par violates constraints",
    }
    return msgs.get(iv1, "See PORT documentation.  Code (%d)" % iv1)


def _fmt_g(x: float) -> str:
    """R's sprintf("%g", x)."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Inf" if x > 0 else "-Inf"
    return "%g" % x


def _as_integer(val) -> int:
    x = float(val)
    if not math.isfinite(x) or abs(x) >= 2147483648.0:
        raise ValueError("control value %r cannot be coerced to an R integer" % (val,))
    return int(x)                       # truncation toward zero, as as.integer()


def _pmatch(name: str):
    """R's pmatch() of one control name against port_cpos: exact, else a unique
    partial (prefix) match, else None."""
    if name in _CPOS:
        return name
    hits = [nm for nm in _CPOS if nm.startswith(name)] if name else []
    return hits[0] if len(hits) == 1 else None


def _as_list(val) -> list:
    if isinstance(val, (int, float)):
        return [float(val)]
    return [float(u) for u in val]


def _recycle(val, n: int, name: str) -> list:
    if isinstance(val, (int, float)):
        seq = [float(val)]
    else:
        seq = [float(u) for u in val]
    if not seq:
        raise ValueError("'%s' must not be empty" % name)
    return [seq[i % len(seq)] for i in range(n)]


def nlminb(objective: Callable[[tuple], float], start: Sequence[float] | float, *,
           lower: Sequence[float] | float = -_INF,
           upper: Sequence[float] | float = _INF,
           scale: Sequence[float] | float = 1.0,
           control: Mapping[str, float] | None = None) -> NlminbResult:
    """R's ``nlminb(start, objective, lower = , upper = , scale = , control = )`` with
    no gradient and no Hessian.

    ``objective`` receives the parameter vector as a tuple of floats (also for one
    parameter) and returns a float.  Bounds are used (the PORT routine ``DRMNFB``)
    when any ``lower`` is not -Inf or any ``upper`` is not Inf, as in R; they are
    recycled to the length of ``start``.

    ``control``: the entries of R's ``port_cpos`` are supported -- ``eval.max``,
    ``iter.max`` (alias ``maxiter``), ``abs.tol``, ``rel.tol``, ``x.tol``, ``xf.tol``,
    ``step.min``, ``step.max``, ``sing.tol``, ``scale.init``, ``diff.g`` and ``trace``
    (iteration lines printed to stdout in R's format).  Names are matched as R's
    ``pmatch`` does (exact, else a unique prefix); names that do not match raise
    ``NotImplementedError`` (R would warn and ignore them).  Values are coerced as R
    does (``as.integer`` truncation for ``eval.max``, ``iter.max``, ``trace``).
    """
    if isinstance(start, (int, float)):
        par = [float(start)]
    else:
        par = [float(s) for s in start]
    n = len(par)
    if n < 1:
        raise ValueError("'d' must be a nonempty numeric vector")
    liv = 78 + 3 * n
    lv = 130 + (n * (n + 27)) // 2
    iv, v = _divset(liv, lv)
    if control:
        for name, val in control.items():
            full = _pmatch(name)
            if full is None:
                raise NotImplementedError(
                    "nlminb control element %r is not supported (supported: %s)"
                    % (name, ", ".join(SUPPORTED_CONTROL)))
            where, pos = _CPOS[full]
            if where == "iv":
                iv[pos] = _as_integer(val)
            else:
                v[pos] = float(val)

    lo = _recycle(lower, n, "lower")
    up = _recycle(upper, n, "upper")
    # R decides on the bounds as given, before recycling them to length(par)
    bounded = (any(b != -_INF for b in _as_list(lower))
               or any(b != _INF for b in _as_list(upper)))
    d = [0.0] + _recycle(scale, n, "scale")
    x = [0.0] + par
    bl = [0.0] + lo
    bu = [0.0] + up

    fx = _INF
    nan_seen = False
    while True:
        if bounded:
            _drmnfb(bl, bu, d, fx, iv, v, x, n, liv, lv)
        else:
            _drmnf(d, fx, iv, v, x, n, liv, lv)
        fx = float(objective(tuple(x[1:])))
        if fx != fx:
            nan_seen = True
            fx = _INF
        if iv[1] >= 3:
            break

    iv1 = iv[1]
    if 19 <= iv1 <= 43:
        # R compares iv1 with all of port_cpos (iv and v slots alike, in this order)
        names = [nm for nm, (_, pos) in _CPOS.items() if pos == iv1]
        if names:
            message = "'control' component '%s' = %s, is out of range" % (
                names[0], _fmt_g(v[iv1]))
        else:
            message = "V[IV[1]] = V[%d] = %s is out of range (see PORT docu.)" % (
                iv1, _fmt_g(v[iv1]))
    else:
        message = _port_msg(iv1)
    return NlminbResult(
        par=tuple(x[1:]),
        objective=v[_F],
        convergence=0 if 3 <= iv1 <= 6 else 1,
        iterations=iv[_NITER],
        evaluations=(iv[_NFCALL], iv[_NGCALL]),
        message=message,
        nan_warning=nan_seen,
    )
