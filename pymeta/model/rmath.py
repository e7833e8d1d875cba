"""R's arithmetic and distribution functions, as R meta calls them.

Small helpers that make numpy behave like the R expressions meta evaluates:

* ``r_sum``/``rsum``: R's ``sum()`` accumulates doubles left to right in 80-bit long
  double and rounds once (numpy's pairwise summation rounds differently).
* ``weighted_mean``: ``stats:::weighted.mean.default`` with ``na.rm = TRUE``:
  ``sum((x * w)[w != 0]) / sum(w)`` over the non-missing ``x``.
* ``qnorm``/``pnorm``/``pchisq``/``qchisq``: R's own algorithms (nmath port in
  :mod:`pymeta.model.nmath`), bit-identical to R 4.2.2.
* ``qt``/``pt``: scipy.special with R's procedure for df < 1 and Newton refinement
  elsewhere (agreement with R ~1e-14 relative, see TOLERANCES.md).

All functions are pure and operate on float64 numpy arrays; NaN plays R's NA.
"""
from __future__ import annotations

import math

import numpy as np
from scipy import special

from . import nmath

__all__ = ["r_sum", "rsum", "rpow", "rlog", "rexp", "weighted_mean", "qnorm", "pnorm_upper", "qt", "pt_upper",
           "pchisq_upper", "qchisq", "as_float_array"]


def as_float_array(x) -> np.ndarray:
    """Return ``x`` as a 1-d float64 array (R's ``int2num`` plus vector recycling of scalars)."""
    return np.atleast_1d(np.asarray(x, dtype=float))


def r_sum(x) -> float:
    """R ``sum(x)`` for doubles: a left-to-right sum accumulated in 80-bit long double
    (``rsum`` in R's src/main/summary.c), rounded once to double."""
    a = np.asarray(x, dtype=np.longdouble).ravel()
    if a.size == 0:
        return 0.0
    return float(np.add.accumulate(a)[-1])


def rsum(x) -> float:
    """R ``sum(x, na.rm = TRUE)``."""
    a = np.asarray(x, dtype=float).ravel()
    return r_sum(a[~np.isnan(a)])


def _libm(f, x, *, neg, zero):
    a = np.asarray(x, dtype=float)
    out = np.empty(a.shape)
    flat, res = a.ravel(), out.ravel()
    for i, v in enumerate(flat):
        if v != v:
            res[i] = v
        elif v < 0 and neg is not None:
            res[i] = neg
        elif v == 0 and zero is not None:
            res[i] = zero
        else:
            try:
                res[i] = f(v)
            except OverflowError:
                res[i] = math.inf
    return out if a.ndim else float(out)


def rlog(x):
    """R ``log(x)``: the C library's log elementwise (numpy's SIMD log can differ by an
    ulp); log(0) = -Inf, log(x < 0) = NaN."""
    return _libm(math.log, x, neg=math.nan, zero=-math.inf)


def rexp(x):
    """R ``exp(x)``: the C library's exp elementwise."""
    return _libm(math.exp, x, neg=None, zero=None)


def rpow(x, y: float):
    """R's ``x ^ y`` for a double exponent: ``x * x`` for y = 2, else ``R_pow``, which on
    64-bit Intel evaluates ``powl`` in long double and rounds once (src/main/arithmetic.c).
    Plain ``pow`` can differ in the last bit, which matters in cancelling formulas
    (Kenward-Roger, Rb)."""
    x = np.asarray(x, dtype=float)
    if y == 2.0:
        return x * x
    with np.errstate(all="ignore"):
        return np.power(x.astype(np.longdouble), np.longdouble(y)).astype(float)


def weighted_mean(x, w) -> float:
    """``weighted.mean(x, w, na.rm = TRUE)`` exactly as R's default method computes it."""
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    keep = ~np.isnan(x)
    x, w = x[keep], w[keep]
    with np.errstate(all="ignore"):
        return float(np.float64(r_sum((x * w)[w != 0])) / np.float64(r_sum(w)))


def _vec(f, *args):
    """Apply a scalar nmath function elementwise (scalars in, scalar out)."""
    arrs = np.broadcast_arrays(*[np.asarray(a, dtype=float) for a in args])
    out = np.array([f(*vals) for vals in zip(*[a.ravel() for a in arrs])], dtype=float)
    return out.reshape(arrs[0].shape) if arrs[0].ndim else float(out[0])


def qnorm(p):
    """R ``qnorm(p)`` (lower tail), bit-identical (nmath port)."""
    return _vec(nmath.qnorm, p)


def pnorm_upper(z):
    """R ``pnorm(z, lower.tail = FALSE)``, bit-identical (nmath port)."""
    return _vec(lambda x: nmath.pnorm(x, lower_tail=False), z)


def qt(p, df):
    """R ``qt(p, df)`` (lower tail), to full double precision.

    scipy's ``stdtrit`` alone is off by up to ~2e-9 relative (measured against R 4.2.2 for
    df 0.7-1000, p 0.95-0.995); three Newton steps on the upper tail ``stdtr(df, -x)``, which
    is accurate, bring it to ~1e-14, as R's own ``qt`` refines its start value.
    """
    p = np.asarray(p, dtype=float)
    df = np.asarray(df, dtype=float)
    if np.any(df < 1):
        pb, dfb = np.broadcast_arrays(p, df)
        out = np.array([_qt_below1(a, d) if d < 1 else float(qt(a, d))
                        for a, d in zip(pb.ravel(), dfb.ravel())])
        return out.reshape(pb.shape) if pb.ndim else out[0]
    x = special.stdtrit(df, p)
    with np.errstate(all="ignore"):
        for _ in range(3):
            # upper tail of x is 1 - p; t density from its closed form
            f = special.stdtr(df, -x) - (1.0 - p)
            dens = np.exp(special.gammaln((df + 1) / 2) - special.gammaln(df / 2)
                          - 0.5 * np.log(df * np.pi) - (df + 1) / 2 * np.log1p(x * x / df))
            step = f / dens
            x = np.where(np.isfinite(step), x + step, x)
    return x


def _pt_lower(x: float, n: float) -> float:
    """R's ``pt(x, n)`` (nmath/pt.c), including its asymptotic branch for x^2 > 1e100 n,
    where scipy's ``stdtr`` saturates (x beyond ~1.3e154)."""
    if math.isinf(x):
        return 1.0 if x > 0 else 0.0
    nx = 1 + (x / n) * x
    if nx > 1e100:
        lval = (-0.5 * n * (2 * math.log(abs(x)) - math.log(n))
                - special.betaln(0.5 * n, 0.5) - math.log(0.5 * n))
        val = math.exp(lval)
    elif n > x * x:
        val = float(special.betainc(n / 2, 0.5, n / (n + x * x)))
    else:
        val = float(special.betainc(n / 2, 0.5, 1 / nx))
    val /= 2
    return 1 - val if x > 0 else val


def _qt_below1(p: float, df: float) -> float:
    """R's ``qt`` for 0 < df < 1 (nmath/qt.c): bracket by doubling, then bisect on ``pt``.

    The quantile is astronomically large there and only R's own procedure gives R's
    number: the bracket [lx, ux] grows by doubling until ``pt`` crosses
    ``p (1 +- 1e-11)``, then is halved until its relative width is <= 1e-13 (at most 1000
    steps); the midpoint is returned. A bracket that overflows gives Inf, as in R.
    """
    if math.isnan(p) or math.isnan(df) or df <= 0:
        return math.nan
    if p == 0:
        return -math.inf
    if p == 1:
        return math.inf
    eps_mach = np.finfo(float).eps
    big = np.finfo(float).max
    if p > 1 - eps_mach:
        return math.inf

    def pt(x):
        return _pt_lower(x, df)

    pp = min(1 - eps_mach, p * (1 + 1e-11))
    ux = 1.0
    while ux < big and pt(ux) < pp:
        ux *= 2
    pp = p * (1 - 1e-11)
    lx = -1.0
    while lx > -big and pt(lx) > pp:
        lx *= 2
    it = 0
    with np.errstate(all="ignore"):
        while True:
            nx = 0.5 * (lx + ux)
            if pt(nx) > p:
                ux = nx
            else:
                lx = nx
            it += 1
            width = (np.float64(ux) - lx) / abs(nx)
            if not (width > 1e-13) or it >= 1000:
                break
        return float(0.5 * (np.float64(lx) + ux))


def pt_upper(t, df):
    """R ``pt(t, df, lower.tail = FALSE)``."""
    return special.stdtr(df, -np.asarray(t, dtype=float))


def pchisq_upper(q, df):
    """R ``pchisq(q, df, lower.tail = FALSE)``, bit-identical (nmath port)."""
    return nmath.pchisq(q, df, lower_tail=False)


def qchisq(p, df, lower_tail: bool = True):
    """R ``qchisq(p, df, lower.tail)``, bit-identical (nmath port)."""
    return nmath.qchisq(p, df, lower_tail=lower_tail)
