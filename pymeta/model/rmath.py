"""R's arithmetic and distribution functions, as R meta calls them.

Small helpers that make numpy behave like the R expressions meta evaluates:

* ``r_sum``/``rsum``: R's ``sum()`` accumulates doubles left to right in 80-bit long
  double and rounds once (numpy's pairwise summation rounds differently).
* ``r_take``: R's ``x[mask]`` for a logical mask (recycled when shorter, NA past the
  end when longer).
* ``weighted_mean``: ``stats:::weighted.mean.default`` with ``na.rm = TRUE``:
  ``sum((x * w)[w != 0]) / sum(w)`` over the non-missing ``x``.
* ``qnorm``/``pnorm``/``pchisq``/``qchisq``: R's own algorithms (nmath port in
  :mod:`pymeta.model.nmath`), bit-identical to R 4.2.2.
* ``qt``: R's nmath/qt.c step by step (bisection for df < 1, Hill's algorithm with R's
  closed forms and Taylor steps otherwise); ``pt``: nmath/pt.c on TOMS 708's ``bratio``
  (port in :mod:`pymeta.model.toms708`); both bit-identical to R 4.2.2.

All functions are pure and operate on float64 numpy arrays; NaN plays R's NA.
"""
from __future__ import annotations

import math

import numpy as np

from . import nmath, toms708

__all__ = ["r_sum", "rsum", "r_take", "rpow", "rpow1", "rlog", "rexp", "weighted_mean", "qnorm", "pnorm_upper", "qt", "pt_upper",
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


def r_sqrt(x: float) -> float:
    """R's ``sqrt(x)`` of one double: NaN for a negative value (where R warns "NaNs
    produced", a base warning, not meta's) instead of Python's domain error. metafor's
    ``H2 = 1 + tau2 / vt`` is negative when the typical within-study variance ``vt``
    rounds below zero (sampling variances some 1e70 apart)."""
    return math.sqrt(x) if x >= 0 else math.nan


def r_take(x, mask) -> np.ndarray:
    """R's ``x[mask]`` for a logical ``mask``: a mask shorter than ``x`` is recycled over
    it, a longer one reads NA (NaN, or None for other values) past the end of ``x``."""
    x, mask = np.asarray(x), np.asarray(mask, dtype=bool)
    if mask.size <= x.size:
        return x[np.resize(mask, x.size)] if x.size else x
    if x.dtype.kind == "f":
        ext = np.full(mask.size, np.nan)
    else:
        ext = np.full(mask.size, None, dtype=object)
    ext[:x.size] = x
    return ext[mask]


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


def rpow1(x: float, y: float) -> float:
    """R's ``x ^ y`` on two doubles (src/main/arithmetic.c): ``x * x`` for y = 2
    (``R_POW``), else ``R_pow``'s special cases, then the C library's ``pow``
    (``math.pow``; numpy's SIMD power and long double ``powl`` differ from it in the last
    bit)."""
    if y == 2.0:
        return x * x
    if x == 1.0 or y == 0.0:
        return 1.0
    if x == 0.0:
        return 0.0 if y > 0 else (math.inf if y < 0 else y)
    if math.isfinite(x) and math.isfinite(y):
        try:
            return math.pow(x, y)
        except ValueError:        # negative base, non-integer exponent: C's NaN
            return math.nan
        except OverflowError:     # C's +-HUGE_VAL
            odd = y == math.floor(y) and math.fmod(y, 2.0) != 0
            return -math.inf if (x < 0 and odd) else math.inf
    if math.isnan(x) or math.isnan(y):
        return x + y
    if not math.isfinite(x):
        if x > 0:
            return 0.0 if y < 0 else math.inf
        if math.isfinite(y) and y == math.floor(y):
            return 0.0 if y < 0 else (x if math.fmod(y, 2.0) != 0 else -x)
    if not math.isfinite(y) and x >= 0:
        if y > 0:
            return math.inf if x >= 1 else 0.0
        return math.inf if x < 1 else 0.0
    return math.nan


def rpow(x, y):
    """R's ``x ^ y`` elementwise (:func:`rpow1`). Bit-identical to R 4.2.2 here
    (145,000 values compared, exponents -50 to 50 including 3, 0.5, -1 and -2), where
    numpy's ``np.power`` / ``**`` on arrays differed in the last bit for a quarter of them
    and ``powl`` rounded once for about one in a thousand; the last bit matters in
    cancelling formulas (Box-Cox transforms, Kenward-Roger, Rb)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    xb, yb = np.broadcast_arrays(x, y)
    out = np.empty(xb.shape)
    res = out.ravel()
    for i, (a, b) in enumerate(zip(xb.ravel(), yb.ravel())):
        res[i] = rpow1(float(a), float(b))
    return out


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
    """R ``qt(p, df)`` (lower tail), following nmath/qt.c step by step.

    df < 1: R's bracketing and bisection on ``pt`` (:func:`_qt_below1`). Otherwise Hill's
    (1970) algorithm 396 with R's changes: closed forms for df = 2 and the Cauchy df = 1,
    the asymptotic normal expansion or Hill's tail formula as start value, then up to ten
    2-term Taylor steps on ``pt(q, df, lower.tail = FALSE)`` with R's density ``dt``, until
    a step is below 1e-14 |q| (:func:`_qt_hill`). The start values and the closed forms
    are R's arithmetic, and ``pt`` is R's own (nmath/pt.c on TOMS 708's ``bratio``, ported
    in :mod:`pymeta.model.toms708`), so the quantile is bit-identical to R's, also far in
    the tail (p down to 1e-300), where scipy's ``stdtrit`` is off by orders of magnitude
    (tests/test_toms708.py).  With scipy's ``stdtr`` (Boost) in the Taylor steps instead,
    about 1 in 8 quantiles ended one ulp or so away from R's.
    """
    pb, dfb = np.broadcast_arrays(np.asarray(p, dtype=float), np.asarray(df, dtype=float))
    out = np.array([_qt_below1(a, d) if d < 1 else _qt_hill(a, d)
                    for a, d in zip(pb.ravel(), dfb.ravel())], dtype=float)
    return out.reshape(pb.shape) if pb.ndim else float(out[0])


def _dt(x: float, n: float) -> float:
    """R's ``dt(x, n)`` (nmath/dt.c of R 4.2.2: Loader's saddle point form)."""
    if math.isnan(x) or math.isnan(n):
        return x + n
    if n <= 0:
        return math.nan
    if math.isinf(x):
        return 0.0
    if math.isinf(n):
        return nmath.dnorm(x)
    t = -nmath.bd0(n / 2.0, (n + 1) / 2.0) + nmath.stirlerr((n + 1) / 2.0) \
        - nmath.stirlerr(n / 2.0)
    x2n = x * x / n
    lrg = x2n > 1.0 / nmath.DBL_EPSILON
    if lrg:
        ax = abs(x)
        l_x2n = math.log(ax) - math.log(n) / 2.0
        u = n * l_x2n
    elif x2n > 0.2:
        l_x2n = math.log(1 + x2n) / 2.0
        u = n * l_x2n
    else:
        l_x2n = math.log1p(x2n) / 2.0
        u = -nmath.bd0(n / 2.0, (n + x * x) / 2.0) + x * x / 2.0
    i_sqrt = math.sqrt(n) / ax if lrg else math.exp(-l_x2n)
    return math.exp(t - u) * nmath.M_1_SQRT_2PI * i_sqrt


def _qt_hill(p: float, ndf: float) -> float:
    """nmath/qt.c for ndf >= 1, lower tail, p not on the log scale (see :func:`qt`)."""
    if math.isnan(p) or math.isnan(ndf):
        return p + ndf
    if p < 0 or p > 1:
        return math.nan
    if p == 0:
        return -math.inf
    if p == 1:
        return math.inf
    if ndf > 1e20:
        return nmath.qnorm(p)
    eps = 1e-12
    neg = p < 0.5
    P = 2 * (p if neg else (0.5 - p + 0.5))     # R_D_Lval / R_D_Cval
    if abs(ndf - 2) < eps:
        if P > nmath.DBL_MIN:
            if 3 * P < nmath.DBL_EPSILON:
                q = 1 / math.sqrt(P)
            elif P > 0.9:
                q = (1 - P) * math.sqrt(2 / (P * (2 - P)))
            else:
                q = math.sqrt(2 / (P * (2 - P)) - 2)
        else:
            q = math.inf
    elif ndf < 1 + eps:                          # Cauchy
        if P == 1.0:
            q = 0.0
        elif P > 0:
            q = 1 / _tanpi(P / 2.0)
        else:
            q = math.inf
    else:
        a = 1 / (ndf - 0.5)
        b = 48 / (a * a)
        c = ((20700 * a / b - 98) * a - 16) * a + 96.36
        d = ((94.5 / (b + c) - 3) / b + 1) * math.sqrt(a * nmath.M_PI / 2) * ndf
        y = (d * P) ** (2 / ndf)
        p_ok = y >= nmath.DBL_EPSILON
        if not p_ok:                             # P very small: log scale
            log_P2 = math.log(P / 2) if P > 0 else -math.inf
            x = (math.log(d) + nmath.M_LN2 + log_P2) / ndf
            y = math.exp(2 * x)
        if (ndf < 2.1 and P > 0.5) or y > 0.05 + a:
            # asymptotic inverse expansion about the normal
            if p_ok:
                x = nmath.qnorm(0.5 * P)
            else:
                x = nmath.qnorm(log_P2, lower_tail=True, log_p=True)
            y = x * x
            if ndf < 5:
                c += 0.3 * (ndf - 4.5) * (x + 0.6)
            c = (((0.05 * d * x - 5) * x - 7) * x - 2) * x + b + c
            y = (((((0.4 * y + 6.3) * y + 36) * y + 94.5) / c - y - 3) / b + 1) * x
            y = math.expm1(a * y * y)
            q = math.sqrt(ndf * y)
        elif not p_ok and x < -nmath.M_LN2 * 53:
            q = math.sqrt(ndf) * math.exp(-x)
        else:
            y = ((1 / (((ndf + 6) / (ndf * y) - 0.089 * d - 0.822) * (ndf + 2) * 3)
                  + 0.5 / (ndf + 4)) * y - 1) * (ndf + 1) / (ndf + 2) + 1 / y
            q = math.sqrt(ndf * y)
        # 2-term Taylor steps (Hill 1981) on the upper tail
        for _ in range(10):
            dens = _dt(q, ndf)
            if not dens > 0:
                break
            x = (toms708.pt(q, ndf, False, False) - P / 2) / dens
            if not math.isfinite(x) or not abs(x) > 1e-14 * abs(q):
                break
            q += x * (1.0 + x * q * (ndf + 1) / (2 * (q * q + ndf)))
    return -q if neg else q


def _tanpi(x: float) -> float:
    """R's own ``tanpi`` (nmath/cospi.c; glibc 2.36 has none): exact at multiples of 1/4."""
    x = math.fmod(x, 1.0)
    if x <= -0.5:
        x += 1
    elif x > 0.5:
        x -= 1
    if x == 0.0:
        return 0.0
    if x == 0.5:
        return math.nan
    if x == 0.25:
        return 1.0
    if x == -0.25:
        return -1.0
    return math.tan(nmath.M_PI * x)


def _pt_lower(x: float, n: float) -> float:
    """R's ``pt(x, n)`` (nmath/pt.c with TOMS 708's ``bratio``), bit-identical (port in
    :mod:`pymeta.model.toms708`), including pt.c's asymptotic branch for x^2 > 1e100 n."""
    return toms708.pt(x, n)


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

    with np.errstate(over="ignore", invalid="ignore"):     # R: Inf when the bracket overflows
        return _qt_bisect_steps(p, df, eps_mach, big)


def _qt_bisect_steps(p, df, eps_mach, big):
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
    """R ``pt(t, df, lower.tail = FALSE)``, bit-identical (TOMS 708 port, nmath/pt.c)."""
    return _vec(lambda x, n: toms708.pt(x, n, lower_tail=False), t, df)


def pchisq_upper(q, df):
    """R ``pchisq(q, df, lower.tail = FALSE)``, bit-identical (nmath port)."""
    return nmath.pchisq(q, df, lower_tail=False)


def qchisq(p, df, lower_tail: bool = True):
    """R ``qchisq(p, df, lower.tail)``, bit-identical (nmath port)."""
    return nmath.qchisq(p, df, lower_tail=lower_tail)
