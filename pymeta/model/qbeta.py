"""Beta, Weibull and log-normal quantiles as R 4.2.2 computes them, bit for bit, together
with the warnings R would emit.

``qbeta`` follows R's nmath/qbeta.c (R 4.2.2; the 2015-onwards rewrite by Martin Maechler).
Its core is the classical scheme of Applied Statistics algorithm AS 109 (Cran, Martin &
Thomas 1977, with remarks AS R19 and AS R83): a starting value from AS 63/AS 64-type
approximations -- Carter's (1947) normal-based formula when both shapes exceed one,
otherwise the Scheffe-Tukey / Wilson-Hilferty chi-square approximation, or the AS 65
power approximation when that fails -- followed by damped Newton-Raphson steps on
``pbeta``.  R extends this with (i) a cheap one-step correction of the left-tail
asymptote ``x0 = (a p B(p, q))^(1/p)``, (ii) an automatic choice of the tail that is
solved (working with ``1 - x`` when that is better conditioned), (iii) Newton steps on
the log scale ``u = log(x)`` for quantiles near zero, with a final Newton step on the
original scale, (iv) probing of the smallest positive number ``2^-1024`` for quantiles
that underflow, and (v) a return to the tail choice when a Newton step is not finite.

Every branch, constant and floating-point operation is reproduced in R's order, so IEEE
double arithmetic gives R's bits; qbeta.c uses no ``long double``.  ``pbeta_raw`` and
``lbeta`` are the exact ports of :mod:`pymeta.model.toms708`; elementary functions are
the C library's (via the C-semantics wrappers of :mod:`pymeta.model.nmath`).

Warnings.  R's ``qbeta`` may warn with
  * ``"full precision may not have been achieved in 'qbeta'"`` (ME_PRECISION: Newton did
    not converge within 1000 iterations or stepped onto 0),
  * ``"qbeta(a, *) =: x0 with |pbeta(x0,*[, log_]) - alpha| = <%.5g> is not accurate"``,
  * ``"NaNs produced"`` -- not from nmath itself (ME_DOMAIN is silent there) but from R's
    vectorising wrapper (arithmetic.c ``math3_2``) whenever a NaN results from non-NaN
    arguments.
Warnings issued inside toms708's ``bratio`` (non-convergence or underflow diagnostics of
``bpser``/``bfrac``/``bgrat``) are not tracked by the ``pbeta_raw`` port and hence not
reported here.  None occurred in over 200,000 comparisons with R for shapes in [1e-4, 100];
they do appear for shapes in the thousands (e.g. ``bpser ... underflow to -Inf`` when
``pbeta(*, log.p = TRUE)`` is evaluated for a > 2000), where the values still agree.

``qweibull`` (nmath/qweibull.c) and ``qlnorm`` (nmath/qlnorm.c, which calls ``qnorm`` with
location and scale) are short; their only warning is "NaNs produced" for invalid
arguments.

All functions take scalar floats and return ``(value, warnings)`` where ``warnings`` is a
tuple of R's message texts (empty when R is silent).
"""
from __future__ import annotations

import math

from .nmath import (DBL_MIN, DBL_MIN_EXP, DBL_MANT_DIG, M_LN2, _DT_CIv, _DT_Clog, _DT_log,
                    _DT_qIv, _Log1_Exp, _div, _exp, _expm1, _log, _log1p, _pow, _sqrt,
                    qnorm)
from .rmath import rpow1
from .toms708 import lbeta, pbeta_raw

__all__ = ["qbeta", "qweibull", "qlnorm", "MSG_NAN", "MSG_PRECISION"]

_INF = math.inf
_NAN = math.nan

MSG_NAN = "NaNs produced"
MSG_PRECISION = "full precision may not have been achieved in 'qbeta'"

# constants of qbeta.c (all literals / compile-time expressions give the same doubles)
_LOG_Q_CUT = -5.0                 # switch to log(x) Newton below x = e^-5
_N_NEWTON_FREE = 4                # Newton steps taken without the step-size guard
_VERY_MIN = DBL_MIN / 4.0         # 2^-1024 (subnormal)
_LOG_VERY_MIN = M_LN2 * (DBL_MIN_EXP - 2)
_ONE_MINUS_EPS = float.fromhex("0x1.fffffffffffffp-1")   # 1 - 2^-53
_FPU = 3e-308
_ACU_MIN = 1e-300
_P_LO = _FPU
_P_HI = 1 - 2.22e-16
_C1, _C2, _C3, _C4 = 2.30753, 0.27061, 0.99229, 0.04481
_LOG_EPS_C = M_LN2 * (1. - DBL_MANT_DIG)       # log(DBL_EPSILON)
_U0_LOW = M_LN2 * DBL_MIN_EXP
_SWAP_BACK = -_exp(_LOG_Q_CUT)                  # evaluated at run time in C, same libm
_SWAP_NOW = -_exp(4 * _LOG_Q_CUT)


def _isfinite(x: float) -> bool:
    return math.isfinite(x)


def _fmin2(x: float, y: float) -> float:
    if x != x or y != y:
        return x + y
    return x if x < y else y


def _fmax2(x: float, y: float) -> float:
    if x != x or y != y:
        return x + y
    return y if x < y else x


def _cube(x: float) -> float:
    """R_pow_di(x, 3): binary powering gives x * (x * x)."""
    if x != x:
        return x
    if not _isfinite(x):
        return rpow1(x, 3.0)
    return x * (x * x)


def _qbeta_raw(alpha: float, p: float, q: float, lower_tail: bool, log_p: bool,
               warns: list) -> float:
    """qbeta.c ``qbeta_raw`` with R's settings (tail chosen by the algorithm, log-x cut
    -5, 4 free Newton steps, quantile not on the log scale); returns ``qb[0]``."""
    log_q_cut = _LOG_Q_CUT
    n_N = _N_NEWTON_FREE
    use_log_x = False
    warned = False
    add_N_step = True
    y = -1.
    u = _NAN
    xinbta = _NAN
    tx = _NAN

    # boundaries of alpha
    d0 = -_INF if log_p else 0.0              # R_D__0 and R_D__1
    d1 = 0.0 if log_p else 1.0
    if alpha == (d0 if lower_tail else d1):
        return 0.0
    if alpha == (d1 if lower_tail else d0):
        return 1.0
    if (log_p and alpha > 0) or (not log_p and (alpha < 0 or alpha > 1)):
        return _NAN                       # ME_DOMAIN: silent in nmath

    # degenerate shapes: one- or two-point masses
    if p == 0 or q == 0 or not _isfinite(p) or not _isfinite(q):
        if p == 0 and q == 0:
            half = -M_LN2 if log_p else 0.5
            if alpha < half:
                return 0.0
            if alpha > half:
                return 1.0
            return 0.5
        elif p == 0 or _div(p, q) == 0:
            return 0.0
        elif q == 0 or _div(q, p) == 0:
            return 1.0
        return 0.5

    p_ = _DT_qIv(alpha, lower_tail, log_p)     # lower-tail probability
    logbeta = lbeta(p, q)
    swap_tail = p_ > 0.5

    def tail():
        """(a, log a, pp, qq) of the tail being solved: the upper one (shapes swapped)
        when ``swap_tail``."""
        if swap_tail:
            return (_DT_CIv(alpha, lower_tail, log_p), _DT_Clog(alpha, lower_tail, log_p),
                    q, p)
        return p_, _DT_log(alpha, lower_tail, log_p), p, q

    n_maybe_swaps = 0
    u_n = 1.
    r = t = 0.0
    while True:                               # label maybe_swap
        a, la, pp, qq = tail()
        n_maybe_swaps += 1
        u_n = 1.          # C re-runs this declaration's initialiser on each pass

        acu = _fmax2(_ACU_MIN, _pow(10., -13. - _div(2.5, pp * pp) - _div(0.5, a * a)))
        u0 = (la + _log(pp) + logbeta) / pp     # log of the left-tail asymptote x0
        rp = pp * (1. - qq) / (pp + 1.)
        t = 0.2
        u0_maybe = _U0_LOW < u0 < -0.01
        to_return = False

        if u0_maybe and u0 < (t * _LOG_EPS_C - _log(math.fabs(
                pp * (1. - qq) * (2. - qq) / (2. * (pp + 2.))))) / 2.:
            # far left tail: one cheap correction of u0, then Newton on log(x)
            rp = rp * _exp(u0)
            if rp > -1.:
                u = u0 - _log1p(rp) / pp
            else:
                u = u0
            tx = xinbta = _exp(u)
            use_log_x = True
        else:
            # normal-quantile approximation y_a (Hastings, as in AS 64)
            r = _sqrt(-2 * la)
            y = r - (_C1 + _C2 * r) / (1. + (_C3 + _C4 * r) * r)
            if pp > 1 and qq > 1:             # Carter's approximation (AS 109)
                r = (y * y - 3.) / 6.
                s = 1. / (pp + pp - 1.)
                t = 1. / (qq + qq - 1.)
                h = 2. / (s + t)
                w = y * _sqrt(h + r) / h - (t - s) * (r + 5. / 6. - 2. / (3. * h))
                if w > 300:
                    t = w + w + _log(qq) - _log(pp)
                    u = -_log1p(_exp(t)) if t <= 18 else -t - _exp(-t)
                    xinbta = _exp(u)
                else:
                    xinbta = pp / (pp + qq * _exp(w + w))
                    u = -_log1p(qq / pp * _exp(w + w))
            else:                             # chi-square approximation (AS 64)
                r = qq + qq
                t = 1. / (3. * _sqrt(qq))
                t = r * _cube(1. + t * (-t + y))
                s = 4. * pp + r - 2.
                if t == 0 or (t < 0. and s >= t):
                    # AS 65: x0 = 1 - ((1 - a) q B(p, q))^(1/q)
                    l1ma = (_DT_log(alpha, lower_tail, log_p) if swap_tail
                            else _DT_Clog(alpha, lower_tail, log_p))
                    xx = (l1ma + _log(qq) + logbeta) / qq
                    if xx <= 0.:
                        xinbta = -_expm1(xx)
                        u = _Log1_Exp(xx)
                    else:
                        r_ = rp * _exp(u0)
                        if r_ > -1.:
                            u = u0 - _log1p(r_) / pp
                        else:
                            u = u0
                        xinbta = _exp(u)
                else:
                    t = s / t
                    if t <= 1.:
                        u = u0
                        xinbta = _exp(u)
                    else:
                        xinbta = 1. - 2. / (t + 1.)
                        u = _log1p(-2. / (t + 1.))

            # possibly solve the other tail instead (R chooses the tail itself)
            if ((swap_tail and u >= _SWAP_BACK) or
                    (not swap_tail and u >= _SWAP_NOW and pp / qq < 1000.)):
                swap_tail = not swap_tail
                a, la, pp, qq = tail()
                u = _Log1_Exp(u)
                xinbta = _exp(u)

            if not use_log_x:
                use_log_x = u < log_q_cut
            bad_u = not _isfinite(u)
            bad_init = bad_u or xinbta > _P_HI

            tx = xinbta
            if bad_u or u < log_q_cut:
                # is the quantile left of the smallest positive number tried?
                w = pbeta_raw(_VERY_MIN, pp, qq, True, log_p)
                if w > (la if log_p else a):
                    if log_p or math.fabs(w - a) < math.fabs(0 - a):
                        tx = _VERY_MIN
                        u_n = _LOG_VERY_MIN
                    else:
                        tx = 0.
                        u_n = -_INF
                    use_log_x = log_p
                    add_N_step = False
                    to_return = True
                elif u < _LOG_VERY_MIN:
                    u = _LOG_VERY_MIN
                    xinbta = _VERY_MIN

            if not to_return and bad_init and not (use_log_x and tx > 0):
                if u == -_INF:
                    u = M_LN2 * DBL_MIN_EXP
                    xinbta = DBL_MIN
                else:
                    xinbta = (0.5 if xinbta > 1.1
                              else (_exp(u) if xinbta < _P_LO else _P_HI))
                    if bad_u:
                        u = _log(xinbta)

        if to_return:
            outcome = "return"
            break

        # label L_Newton: modified Newton-Raphson on pbeta_raw
        r = 1 - pp
        t = 1 - qq
        wprev = 0.
        prev = 1.
        adj = 1.
        outcome = "notconv"
        if use_log_x:
            for i_pb in range(1000):
                y = pbeta_raw(xinbta, pp, qq, True, True)
                w = (0. if y == -_INF else
                     (y - la) * _exp(y - u + logbeta + r * u + t * _Log1_Exp(u)))
                if not _isfinite(w):
                    if n_maybe_swaps <= 1:
                        outcome = "swap"
                        break
                    return _NAN                     # ME_DOMAIN (silent)
                if i_pb >= n_N and w * wprev <= 0.:
                    prev = _fmax2(math.fabs(adj), _FPU)
                g = 1.
                done = False
                for _i_inn in range(1000):
                    adj = g * w
                    if math.fabs(adj) < prev:
                        u_n = u - adj
                        if u_n <= 0.:
                            if prev <= acu or math.fabs(w) <= acu:
                                done = True
                            break
                    g /= 3
                if done:
                    outcome = "conv"
                    break
                D = _fmin2(math.fabs(adj), math.fabs(u_n - u))
                if D <= 4e-16 * math.fabs(u_n + u):
                    outcome = "conv"
                    break
                u = u_n
                xinbta = _exp(u)
                wprev = w
        else:
            for i_pb in range(1000):
                y = pbeta_raw(xinbta, pp, qq, True, log_p)
                if log_p:
                    w = (y - la) * _exp(y + logbeta + r * _log(xinbta)
                                        + t * _log1p(-xinbta))
                else:
                    w = (y - a) * _exp(logbeta + r * _log(xinbta) + t * _log1p(-xinbta))
                if not _isfinite(w):
                    if n_maybe_swaps <= 2:
                        if not log_p and n_maybe_swaps == 2:
                            use_log_x = True
                        if not log_p or n_maybe_swaps <= 1:
                            outcome = "swap"
                            break
                    return _NAN                     # ME_DOMAIN (silent)
                if i_pb >= n_N and w * wprev <= 0.:
                    prev = _fmax2(math.fabs(adj), _FPU)
                g = 1.
                done = False
                for _i_inn in range(1000):
                    adj = g * w
                    if i_pb < n_N or math.fabs(adj) < prev:
                        tx = xinbta - adj
                        if 0. <= tx <= 1.:
                            if prev <= acu or math.fabs(w) <= acu:
                                done = True
                                break
                            if tx != 0. and tx != 1:
                                break
                    g /= 3
                if done:
                    outcome = "conv"
                    break
                if math.fabs(tx - xinbta) <= 4e-16 * (tx + xinbta):
                    outcome = "conv"
                    break
                xinbta = tx
                if tx == 0:
                    break                            # "we have lost"
                wprev = w
        if outcome == "swap":
            continue
        break

    if outcome != "return":
        if outcome == "notconv":
            warned = True
            warns.append(MSG_PRECISION)
        # label L_converged
        log_ = log_p or use_log_x
        if (log_ and y == -_INF) or (not log_ and y == 0):
            # stuck at the left end: is the smallest positive number better?
            w = pbeta_raw(_VERY_MIN, pp, qq, True, log_)
            if log_ or math.fabs(w - a) <= math.fabs(y - a):
                tx = _VERY_MIN
                u_n = _LOG_VERY_MIN
            add_N_step = False
        elif not warned and (math.fabs(y - la) > 3 if log_ else math.fabs(y - a) > 1e-4):
            if not (log_ and y == -_INF and
                    pbeta_raw(_ONE_MINUS_EPS, pp, qq, True, True) > la + 2):
                warns.append(
                    "qbeta(a, *) =: x0 with |pbeta(x0,*%s) - alpha| = %.5g is not accurate"
                    % (", log_" if log_ else "", math.fabs(y - (la if log_ else a))))

    # label L_return
    if use_log_x:
        if add_N_step:
            # a last Newton step on the original scale
            if u_n != 1.:
                xinbta = _exp(u_n)
            y = pbeta_raw(xinbta, pp, qq, True, log_p)
            if log_p:
                w = (y - la) * _exp(y + logbeta + r * _log(xinbta) + t * _log1p(-xinbta))
            else:
                w = (y - a) * _exp(logbeta + r * _log(xinbta) + t * _log1p(-xinbta))
            tx = xinbta - w if _isfinite(w) else xinbta
        else:
            return -_expm1(u_n) if swap_tail else _exp(u_n)
    return 1 - tx if swap_tail else tx


def qbeta(p: float, a: float, b: float, lower_tail: bool = True,
          log_p: bool = False) -> tuple[float, tuple[str, ...]]:
    """R ``qbeta(p, shape1 = a, shape2 = b, lower.tail, log.p)`` for scalars.

    Returns ``(value, warnings)``; ``warnings`` holds R's warning messages in order."""
    p, a, b = float(p), float(a), float(b)
    if p != p or a != a or b != b:
        return p + a + b, ()                  # NA/NaN argument: no warning in R
    warns: list = []
    if a < 0. or b < 0.:
        val = _NAN
    else:
        val = _qbeta_raw(p, a, b, bool(lower_tail), bool(log_p), warns)
    if val != val:
        warns.append(MSG_NAN)
    return val, tuple(warns)


def _q_p01_boundaries(p: float, left: float, right: float, lower_tail: bool,
                      log_p: bool):
    """dpq.h R_Q_P01_boundaries: the boundary result, or None to go on."""
    if log_p:
        if p > 0:
            return _NAN
        if p == 0:
            return right if lower_tail else left
        if p == -_INF:
            return left if lower_tail else right
    else:
        if p < 0 or p > 1:
            return _NAN
        if p == 0:
            return left if lower_tail else right
        if p == 1:
            return right if lower_tail else left
    return None


def _with_nan_warning(val: float) -> tuple[float, tuple[str, ...]]:
    return val, ((MSG_NAN,) if val != val else ())


def qweibull(p: float, shape: float, scale: float = 1.0, lower_tail: bool = True,
             log_p: bool = False) -> tuple[float, tuple[str, ...]]:
    """R ``qweibull(p, shape, scale, lower.tail, log.p)`` (nmath/qweibull.c) for scalars:
    ``scale * (-log(1 - p))^(1/shape)`` with C's ``pow``; returns ``(value, warnings)``."""
    p, shape, scale = float(p), float(shape), float(scale)
    if p != p or shape != shape or scale != scale:
        return p + shape + scale, ()
    if shape <= 0 or scale <= 0:
        return _with_nan_warning(_NAN)
    bnd = _q_p01_boundaries(p, 0., _INF, lower_tail, log_p)
    if bnd is not None:
        return _with_nan_warning(bnd)
    return _with_nan_warning(scale * _pow(-_DT_Clog(p, lower_tail, log_p), _div(1., shape)))


def qlnorm(p: float, meanlog: float = 0.0, sdlog: float = 1.0, lower_tail: bool = True,
           log_p: bool = False) -> tuple[float, tuple[str, ...]]:
    """R ``qlnorm(p, meanlog, sdlog, lower.tail, log.p)`` (nmath/qlnorm.c) for scalars:
    ``exp(qnorm(p, meanlog, sdlog))``; returns ``(value, warnings)``."""
    p, meanlog, sdlog = float(p), float(meanlog), float(sdlog)
    if p != p or meanlog != meanlog or sdlog != sdlog:
        return p + meanlog + sdlog, ()
    bnd = _q_p01_boundaries(p, 0., _INF, lower_tail, log_p)
    if bnd is not None:
        return _with_nan_warning(bnd)
    # qnorm(p, mu, sigma): its boundary checks are already passed here
    if sdlog < 0:
        z = _NAN
    elif sdlog == 0:
        z = meanlog
    else:
        # the unit quantile of nmath.qnorm is R's 'val' (its '0 + 1 * val' is exact up to
        # the sign of zero, which 'mu + sigma * val' cannot turn into a different exp())
        z = meanlog + sdlog * qnorm(p, lower_tail, log_p)
    return _with_nan_warning(_exp(z))
