"""R's one- and multi-dimensional minimisers that estmeansd calls, step by step.

* :func:`optimize` is ``stats::optimize`` (src/library/stats/src/optimize.c:
  ``Brent_fmin``, Brent's golden-section / parabolic search, with ``fcn1`` turning a
  non-finite value into ``DBL_MAX``; ``maximum = TRUE`` minimises ``-f``).
* :func:`nelder_mead` is ``stats::optim(method = "Nelder-Mead")`` with its default
  controls (src/appl/optim.c: ``nmmin``, J.C. Nash's Pascal code as re-crafted by
  Ripley: alpha 1, beta 0.5, gamma 2, ``reltol = sqrt(.Machine$double.eps)``,
  ``abstol = -Inf``, ``maxit = 500``; a non-finite value counts as 1e35).

Same arithmetic in the same order as R's C, so the iterates are R's.
"""
from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from typing import Callable, Sequence

__all__ = ["optimize", "OptimizeResult", "nelder_mead", "NelderMeadResult"]

_DBL_MAX = sys.float_info.max
_DBL_EPS = sys.float_info.epsilon
_BIG = 1.0e35


@dataclass(frozen=True)
class OptimizeResult:
    """``optimize()``'s value: the abscissa (``minimum`` or ``maximum``), ``objective``
    (the function re-evaluated there, as R does) and ``nonfinite`` (R's warning "NA/Inf
    replaced by maximum positive value" was raised)."""
    x: float
    objective: float
    nonfinite: bool


def optimize(f: Callable[[float], float], lower: float, upper: float, *,
             maximum: bool = False, tol: float = _DBL_EPS ** 0.25) -> OptimizeResult:
    """R's ``optimize(f, c(lower, upper), maximum = , tol = )``."""
    if not math.isfinite(lower):
        raise ValueError("invalid 'xmin' value")
    if not math.isfinite(upper):
        raise ValueError("invalid 'xmax' value")
    if lower >= upper:
        raise ValueError("'xmin' not less than 'xmax'")
    if not math.isfinite(tol) or tol <= 0.0:
        raise ValueError("invalid 'tol' value")
    flag = [False]

    def fcn1(x: float) -> float:
        v = float(f(x))
        if maximum:
            v = -v
        if not math.isfinite(v):
            flag[0] = True
            return _DBL_MAX
        return v
    x = _brent_fmin(lower, upper, fcn1, tol)
    return OptimizeResult(x=x, objective=float(f(x)), nonfinite=flag[0])


def _brent_fmin(ax: float, bx: float, f: Callable[[float], float], tol: float) -> float:
    """optimize.c ``Brent_fmin``."""
    c = (3.0 - math.sqrt(5.0)) * 0.5
    eps = math.sqrt(_DBL_EPS)
    a, b = ax, bx
    v = a + c * (b - a)
    w = x = v
    d = e = 0.0
    fx = f(x)
    fv = fw = fx
    tol3 = tol / 3.0
    while True:
        xm = (a + b) * 0.5
        tol1 = eps * abs(x) + tol3
        t2 = tol1 * 2.0
        if abs(x - xm) <= t2 - (b - a) * 0.5:
            break
        p = q = r = 0.0
        if abs(e) > tol1:            # fit a parabola
            r = (x - w) * (fx - fv)
            q = (x - v) * (fx - fw)
            p = (x - v) * q - (x - w) * r
            q = (q - r) * 2.0
            if q > 0.0:
                p = -p
            else:
                q = -q
            r = e
            e = d
        if abs(p) >= abs(q * 0.5 * r) or p <= q * (a - x) or p >= q * (b - x):
            e = (b - x) if x < xm else (a - x)     # golden section
            d = c * e
        else:                                       # parabolic interpolation
            d = p / q
            u = x + d
            if u - a < t2 or b - u < t2:
                d = tol1
                if x >= xm:
                    d = -d
        if abs(d) >= tol1:
            u = x + d
        elif d > 0.0:
            u = x + tol1
        else:
            u = x - tol1
        fu = f(u)
        if fu <= fx:
            if u < x:
                b = x
            else:
                a = x
            v, w, x = w, x, u
            fv, fw, fx = fw, fx, fu
        else:
            if u < x:
                a = u
            else:
                b = u
            if fu <= fw or w == x:
                v, fv = w, fw
                w, fw = u, fu
            elif fu <= fv or v == x or v == w:
                v, fv = u, fu
    return x


@dataclass(frozen=True)
class NelderMeadResult:
    """``optim()``'s ``par``, ``value``, ``counts`` (function) and ``convergence``
    (0, 1 = maxit reached, 10 = degenerate simplex)."""
    par: tuple
    value: float
    counts: int
    convergence: int


def nelder_mead(fn: Callable[[Sequence[float]], float], par: Sequence[float], *,
                alpha: float = 1.0, beta: float = 0.5, gamma: float = 2.0,
                reltol: float = math.sqrt(_DBL_EPS), abstol: float = -math.inf,
                maxit: int = 500) -> NelderMeadResult:
    """R's ``optim(par, fn)`` (default method and controls; fnscale = parscale = 1, so
    R's scaling is exact and omitted)."""
    n = len(par)
    bvec = [float(v) for v in par]

    def fminfn(p):
        for v in p:
            if not math.isfinite(v):
                raise ValueError("non-finite value supplied by optim")
        return float(fn(list(p)))

    if maxit <= 0:
        return NelderMeadResult(tuple(bvec), fminfn(bvec), 0, 0)
    n1, c_col = n + 1, n + 2
    # P: n + 1 rows (parameters, then function value) by n + 2 columns
    P = [[0.0] * (n + 2) for _ in range(n + 1)]
    fail = 0
    f = fminfn(bvec)
    if not math.isfinite(f):
        raise ValueError("function cannot be evaluated at initial parameters")
    funcount = 1
    convtol = reltol * (abs(f) + reltol)
    P[n1 - 1][0] = f
    for i in range(n):
        P[i][0] = bvec[i]
    L = 1
    size = 0.0
    step = 0.0
    for i in range(n):
        if 0.1 * abs(bvec[i]) > step:
            step = 0.1 * abs(bvec[i])
    if step == 0.0:
        step = 0.1
    for j in range(2, n1 + 1):
        for i in range(n):
            P[i][j - 1] = bvec[i]
        trystep = step
        while P[j - 2][j - 1] == bvec[j - 2]:
            P[j - 2][j - 1] = bvec[j - 2] + trystep
            trystep *= 10
        size += trystep
    oldsize = size
    calcvert = True

    def evaluate(p):
        v = fminfn(p)
        return v if math.isfinite(v) else _BIG

    while True:
        if calcvert:
            for j in range(n1):
                if j + 1 != L:
                    for i in range(n):
                        bvec[i] = P[i][j]
                    P[n1 - 1][j] = evaluate(bvec)
                    funcount += 1
            calcvert = False
        VL = P[n1 - 1][L - 1]
        VH = VL
        H = L
        for j in range(1, n1 + 1):
            if j != L:
                f = P[n1 - 1][j - 1]
                if f < VL:
                    L, VL = j, f
                if f > VH:
                    H, VH = j, f
        if VH <= VL + convtol or VL <= abstol:
            break
        for i in range(n):
            temp = -P[i][H - 1]
            for j in range(n1):
                temp += P[i][j]
            P[i][c_col - 1] = temp / n
        for i in range(n):
            bvec[i] = (1.0 + alpha) * P[i][c_col - 1] - alpha * P[i][H - 1]
        f = evaluate(bvec)
        funcount += 1
        VR = f
        if VR < VL:
            P[n1 - 1][c_col - 1] = f
            for i in range(n):
                f = gamma * bvec[i] + (1 - gamma) * P[i][c_col - 1]
                P[i][c_col - 1] = bvec[i]
                bvec[i] = f
            f = evaluate(bvec)
            funcount += 1
            if f < VR:
                for i in range(n):
                    P[i][H - 1] = bvec[i]
                P[n1 - 1][H - 1] = f
            else:
                for i in range(n):
                    P[i][H - 1] = P[i][c_col - 1]
                P[n1 - 1][H - 1] = VR
        else:
            if VR < VH:
                for i in range(n):
                    P[i][H - 1] = bvec[i]
                P[n1 - 1][H - 1] = VR
            for i in range(n):
                bvec[i] = (1 - beta) * P[i][H - 1] + beta * P[i][c_col - 1]
            f = evaluate(bvec)
            funcount += 1
            if f < P[n1 - 1][H - 1]:
                for i in range(n):
                    P[i][H - 1] = bvec[i]
                P[n1 - 1][H - 1] = f
            elif VR >= VH:                          # shrink towards the lowest vertex
                calcvert = True
                size = 0.0
                for j in range(n1):
                    if j + 1 != L:
                        for i in range(n):
                            P[i][j] = beta * (P[i][j] - P[i][L - 1]) + P[i][L - 1]
                            size += abs(P[i][j] - P[i][L - 1])
                if size < oldsize:
                    oldsize = size
                else:
                    fail = 10
                    break
        if not funcount <= maxit:
            break
    if funcount > maxit:
        fail = 1
    return NelderMeadResult(tuple(P[i][L - 1] for i in range(n)), P[n1 - 1][L - 1],
                            funcount, fail)
