"""Between-study variance of a meta-regression: metafor 3.8-1 ``rma.uni(yi, vi, mods = ~ x)``.

R meta's ``hetcalc`` (R/hetcalc.R) estimates the common between-study variance of a
subgroup analysis (``tau.common = TRUE``) as the residual heterogeneity of the model with
the subgroup as moderator: ``rma.uni(yi = TE, sei = seTE, method = method.tau, mods =
~ subgroup, control = control)``, and its confidence interval with ``confint.rma.uni``
(type "QP", or "GENQ" for meta's "BJ"/"J"). This module follows the estimation blocks of
metafor's R/rma.uni.r for a design matrix ``X`` (intercept and moderators) step by step:

* ``P = W - W X (X'WX)^-1 X'W`` with ``(X'WX)^-1`` from ``.invcalc`` (``qr.solve`` of
  ``sqrt(W) X``), ``yi`` centred (``Ymc``), ``p`` = number of columns of ``X``;
* DL ``(RSS - (k-p)) / tr(P)`` (W = 1/vi); HS ``(RSS - k) / sum(1/vi)``; HE ``(RSS -
  tr(PV)) / (k-p)`` (W = identity); SJ ``tau2.0 RSS / (k-p)`` from ``tau2.0 = var(yi)
  (k-1)/k`` (W = 1/(vi + tau2.0)); PM the root of ``RSS(tau2) = k-p`` by ``uniroot``;
* ML/REML/EB Fisher scoring from ``max(0, HE, tau2.min)``: ML ``(y'PPy - sum(w)) /
  sum(w^2)``, REML ``(y'PPy - tr(P)) / tr(PP)``, EB ``(y'Py k/(k-p) - k) / sum(w)``, step
  halving at ``tau2.min``, stop when the change is at most ``threshold``; ML/REML then the
  ``ll0check``;
* the standard errors of each method, ``QE`` (W = 1/vi), ``vt = (k-p)/tr(P_FE)``, ``I2``,
  ``H2`` (for the common effect fit ``method = "FE"``: ``I2`` and ``H2`` from ``QE``).

Rounding follows R's own sequence as :mod:`pymeta.model.tau2` does for the intercept-only
model: the design matrix has R's column order (``factor()`` sorts the levels),
``.invcalc`` is LINPACK ``dqrdc2`` + ``dqrcf`` (``dqrsl`` job 100) on ``sqrt(W) X`` and a
reference ``dsyrk`` for ``tcrossprod``, every ``%*%`` a reference ``dgemm``/``dgemv``
(left-to-right sums over the inner index, evaluated left to right as R parses ``W %*% X
%*% stXWX %*% crossprod(X, W)``), ``sum()``/``.tr()`` long double sums. ``y'Py`` cancels
heavily when Q is small, so the last bits of ``P`` matter (QE, Q.resid, its p-value).
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Mapping, Optional

import numpy as np

from . import tau2 as t2
from .genq import eigen_sym_values
from .farebrother import farebrother_qq
from .rmath import r_sqrt
from .rootfind import uniroot

__all__ = ["ModFit", "design_matrix", "rma_mods", "tau2_ci_qp_mods", "tau2_ci_genq_mods"]

MetaforError = t2.MetaforError


@dataclass(frozen=True)
class ModFit:
    """The parts of ``rma.uni(..., mods = )`` meta uses (metafor's names)."""
    tau2: float
    se_tau2: float
    k: int
    p: int
    QE: float
    vt: float
    I2: float
    H2: float
    iterations: int = 0


def _r_levels(groups) -> list:
    """The levels of ``factor(subgroup)`` as ``model.matrix(~ subgroup)`` makes them: the
    sorted distinct values (numbers numerically, logicals FALSE < TRUE, strings by code
    point as in the C / C.UTF-8 collation R runs with here)."""
    uniq = list(dict.fromkeys(groups))
    if all(isinstance(g, bool) or isinstance(g, np.bool_) for g in uniq):
        return sorted(uniq)
    if all(isinstance(g, (int, float, np.integer, np.floating))
           and not isinstance(g, (bool, np.bool_)) for g in uniq):
        return sorted(uniq, key=float)
    try:
        return sorted(uniq, key=str)
    except TypeError:   # pragma: no cover - mixed unorderable values
        return uniq


def design_matrix(groups) -> np.ndarray:
    """``model.matrix(~ subgroup)``: intercept and a treatment dummy for each level after
    the first, levels sorted as R's ``factor()`` sorts them. (The parametrisation does not
    change tau2 or QE mathematically, but it does change their rounding: R's column order
    is needed to reproduce R's last bits.)"""
    levels = _r_levels(groups)
    X = np.ones((len(groups), len(levels)))
    for j, lev in enumerate(levels[1:], start=1):
        X[:, j] = [1.0 if g == lev else 0.0 for g in groups]
    return X


# ---------------------------------------------------------------------------
# R's arithmetic for the k x p design (reference BLAS / LINPACK, as in tau2.py)
# ---------------------------------------------------------------------------

def _ddot(x: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Reference ``ddot(x, Y[:, c])`` for every column c: a left-to-right sum."""
    return np.add.accumulate(x[:, None] * Y, axis=0)[-1]


def _dqrdc2(x: np.ndarray, tol: float = 1e-07):
    """R's LINPACK ``dqrdc2`` (src/appl/dqrdc2.f, ``qr(x, tol = 1e-07)``): Householder QR
    with limited column pivoting. Returns (qr, qraux, rank, pivot) (pivot 0-based)."""
    x = np.array(x, dtype=float, copy=True)
    n, p = x.shape
    qraux = np.zeros(p)
    if n > 0:
        for j in range(p):
            qraux[j] = t2._dnrm2(x[:, j])
    work1 = qraux.copy()
    work2 = np.where(qraux == 0.0, 1.0, qraux)
    jpvt = list(range(p))
    k = p + 1                                   # Fortran's k (1-based count)
    for l in range(min(n, p)):
        while not (l + 1 >= k or qraux[l] >= work2[l] * tol):
            order = list(range(l + 1, p)) + [l]
            x[:, l:] = x[:, order]
            jpvt[l:] = [jpvt[i] for i in order]
            qraux[l:] = qraux[order]
            work1[l:] = work1[order]
            work2[l:] = work2[order]
            k -= 1
        if l + 1 == n:
            continue
        nrmxl = t2._dnrm2(x[l:, l])
        if nrmxl == 0.0:
            continue
        if x[l, l] != 0.0:
            nrmxl = math.copysign(nrmxl, x[l, l])
        x[l:, l] = (1.0 / nrmxl) * x[l:, l]                     # dscal
        x[l, l] = 1.0 + x[l, l]
        for j in range(l + 1, p):
            t = -float(_ddot(x[l:, l], x[l:, j:j + 1])[0]) / x[l, l]
            if t != 0.0:                                         # daxpy
                x[l:, j] = x[l:, j] + t * x[l:, l]
            if qraux[j] != 0.0:
                a = abs(x[l, j]) / qraux[j]
                tt = max(1.0 - a * a, 0.0)
                if abs(tt) >= 1e-6:
                    qraux[j] = qraux[j] * math.sqrt(tt)
                else:
                    qraux[j] = t2._dnrm2(x[l + 1:, j])
                    work1[j] = qraux[j]
        qraux[l] = x[l, l]
        x[l, l] = -nrmxl
    return x, qraux, min(k - 1, n), jpvt


def _qr_coef_identity(qr: np.ndarray, qraux: np.ndarray, rank: int) -> np.ndarray:
    """``qr.coef(qr, diag(n))`` (LINPACK ``dqrcf``: ``dqrsl`` job 100 on every column of
    the identity): Q'y by the stored Householder vectors, then back substitution."""
    n = qr.shape[0]
    Y = np.eye(n)
    for j in range(min(rank, n - 1)):
        if qraux[j] == 0.0:
            continue
        xj = qr[j:, j].copy()
        xj[0] = qraux[j]                  # dqrsl puts qraux on the diagonal meanwhile
        t = -_ddot(xj, Y[j:, :]) / xj[0]
        Y[j:, :] = np.where(t[None, :] != 0.0, Y[j:, :] + t[None, :] * xj[:, None],
                            Y[j:, :])
    B = Y[:rank, :].copy()
    for j in range(rank - 1, -1, -1):
        if qr[j, j] == 0.0:
            raise MetaforError("exact singularity in 'qr.coef'")
        B[j, :] = B[j, :] / qr[j, j]
        if j > 0:
            t = -B[j, :]
            B[:j, :] = np.where(t[None, :] != 0.0, B[:j, :] + t[None, :] * qr[:j, j][:, None],
                                B[:j, :])
    return B


def _tcrossprod_self(B: np.ndarray) -> np.ndarray:
    """``tcrossprod(B)`` (reference ``dsyrk``): element (i, j) the left-to-right sum over l
    of ``B[i, l] * B[j, l]``."""
    return np.add.accumulate(B[:, None, :] * B[None, :, :], axis=2)[:, :, -1]


def _stxwx(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    """metafor's ``.invcalc(X, W = diag(w), k)``: ``tcrossprod(qr.solve(sqrt(W) %*% X,
    diag(k)))`` with R's LINPACK QR (``sqrt(W) %*% X`` is exact: one non-zero term)."""
    sWX = np.sqrt(w)[:, None] * X
    if not np.all(np.isfinite(sWX)):
        raise MetaforError("NA/NaN/Inf in foreign function call (arg 1) "
                           "(qr.default in metafor's .invcalc: a weight 1/(vi + tau2) is "
                           "not finite)")
    qr, qraux, rank, _ = _dqrdc2(sWX)
    if rank != min(X.shape):
        raise MetaforError("singular matrix 'a' in solve")
    return _tcrossprod_self(_qr_coef_identity(qr, qraux, rank))


_mm = t2._matmul_ref      # reference dgemm: left-to-right sums over the inner index


def _w_minus(M: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``W - M`` for ``W = diag(w)``: only the diagonal takes w."""
    P = -M
    idx = np.arange(w.size)
    P[idx, idx] = w - M[idx, idx]
    return P


def _p_mat(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``W - W %*% X %*% stXWX %*% crossprod(X, W)`` evaluated left to right as R does
    (``W %*% X`` and ``crossprod(X, W)`` are exact with a diagonal ``W``)."""
    WX = w[:, None] * X
    M = _mm(_mm(WX, _stxwx(X, w)), X.T * w[None, :])
    return _w_minus(M, w)


def _p_mat_confint(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``A - A %*% X %*% stXAX %*% t(X) %*% A`` as confint.rma.uni's GENQ interval writes
    it: left to right, the weights applied last, after the sum over the moderators
    (rma.uni's ``crossprod(X, A)`` weights each term first, which rounds differently; with
    large weights ``Q`` cancels to a rounding-sensitive remainder, 1e-9 apart)."""
    WX = w[:, None] * X
    M = _mm(_mm(WX, _stxwx(X, w)), np.ascontiguousarray(X.T)) * w[None, :]
    return _w_minus(M, w)


def _quad(y: np.ndarray, M: np.ndarray) -> float:
    """``crossprod(y, M) %*% y`` (two left-to-right dgemv sums)."""
    return t2._quad(y, M)


_tr = t2._tr              # .tr(): sum(diag()) in long double
_rsum = t2._rsum          # sum(): long double
_sum_pp = t2._colsum_pp   # sum(A * B): long double, column-major


def _rss_fun(yc, vi, X):
    """``.QE.func(tau2val, Y, vi, X, k, objective = 0)``."""
    def f(tau2val: float) -> float:
        if np.any(tau2val + vi < 0):
            raise MetaforError("Some marginal variances are negative.")
        return _quad(yc, _p_mat(X, 1.0 / (vi + tau2val)))
    return f


def _weights(vi, tau2):
    return t2._weights(vi, tau2)


def rma_mods(yi, vi, X, method: str = "REML", control: Optional[Mapping] = None) -> ModFit:
    """``rma.uni(yi, vi, mods = X[, -1], method = method, control = control)`` (metafor
    3.8-1, R/rma.uni.r): tau2, its standard error and the heterogeneity fields.

    ``X`` has the intercept in its first column; ``method`` one of
    :data:`pymeta.model.tau2.TAU2_METHODS` or "FE". Raises :class:`MetaforError` with
    metafor's message where rma.uni stops."""
    X = np.asarray(X, dtype=float)
    k, p = X.shape

    def dims():
        if p > k or (method not in ("FE", "EE", "CE") and p + 1 > k):
            raise MetaforError("Number of parameters to be estimated is larger than the "
                               "number of observations.")

    yi, vi, allvipos, con = t2._setup(yi, vi, control, check=dims)
    if method not in t2.TAU2_METHODS and method not in ("FE", "EE", "CE"):
        raise NotImplementedError(f"method = '{method}' is not implemented")
    yc = t2._r_center(yi)
    tau2_min = float(con["tau2_min"])
    se = math.nan
    it = 0
    fe = method in ("FE", "EE", "CE")
    if fe:
        tau2 = 0.0
    if method in ("HS", "DL", "PM") and not allvipos:
        raise MetaforError(f"{method} estimator cannot be used when there are non-positive "
                           "sampling variances in the data.")
    if method == "HS":
        wi = 1.0 / vi
        P = _p_mat(X, wi)
        tau2 = (_quad(yc, P) - k) / _rsum(wi)
    if method in ("HE", "ML", "REML", "EB"):
        P = np.eye(k) - _mm(X, _mm(_stxwx(X, np.ones(k)), X.T))
        PV = P * vi[None, :]               # P %*% diag(vi): one non-zero term each
        trPV = _tr(PV)
        tau2 = (_quad(yc, P) - trPV) / (k - p)
    if method == "DL":
        wi = 1.0 / vi
        P = _p_mat(X, wi)
        trP = _tr(P)
        tau2 = (_quad(yc, P) - (k - p)) / trP
    if method == "SJ":
        tau2_0 = (t2._r_var(yc) * (k - 1) / k if con["tau2_init"] is None
                  else float(con["tau2_init"]))
        wi = 1.0 / (vi + tau2_0)
        P = _p_mat(X, wi)
        PV = P * vi[None, :]
        tau2 = tau2_0 * _quad(yc, P) / (k - p)
    if method == "PM":
        tau2 = t2.pm_root(_rss_fun(yc, vi, X), k - p, tau2_min, con)
    if method in ("ML", "REML", "EB"):
        tau2 = (max(0.0, tau2, tau2_min) if con["tau2_init"] is None
                else float(con["tau2_init"]))
        threshold = float(con["threshold"])
        change = threshold + 1
        conv = True
        while change > threshold:
            it += 1
            old2 = tau2
            wi = _weights(vi, tau2)
            P = _p_mat(X, wi)
            if method == "ML":
                adj = (_quad(yc, _mm(P, P)) - _rsum(wi)) / _rsum(wi * wi)
            elif method == "REML":
                PP = _mm(P, P)
                adj = (_quad(yc, PP) - _tr(P)) / _tr(PP)
            else:
                adj = (_quad(yc, P) * k / (k - p) - k) / _rsum(wi)
            tau2 = t2.fisher_step(tau2, adj, con)
            change = abs(old2 - tau2)
            if it > con["maxiter"]:
                conv = False
                break
        if not conv:
            raise t2.FisherScoringError("Fisher scoring algorithm did not converge. See "
                                        "'help(rma)' for possible remedies.")
        if method in ("ML", "REML") and con["ll0check"] and allvipos:
            ll0 = _loglik(yc, vi, X, method)
            _weights(vi, tau2)
            ll = _loglik(yc, vi + tau2, X, method)
            if ll0 - ll > con["tol"] and tau2 > threshold:
                warnings.warn("Fisher scoring algorithm may have gotten stuck at a local "
                              "maximum.\nSetting tau^2 = 0. Check the profile likelihood "
                              "plot with profile().", t2.MetaforWarning, stacklevel=2)
                tau2 = 0.0
        wi = _weights(vi, tau2)
        P = _p_mat(X, wi)
    if not fe:
        tau2 = t2._finish_tau2(tau2, vi, con)
        t = max(tau2, 0.0)
        if method == "HS":
            sw = _rsum(wi)
            se = r_sqrt(1 / (sw * sw) * ((2 * (k - p) + 4 * t * _tr(P))
                                         + 2 * (t * t) * _sum_pp(P, P)))
        elif method == "HE":
            se = math.sqrt(1 / ((k - p) * (k - p)) * ((2 * _sum_pp(PV, PV.T) + 4 * t * trPV)
                                                      + 2 * (t * t) * (k - p)))
        elif method == "DL":
            se = r_sqrt(1 / (trP * trP) * ((2 * (k - p) + 4 * t * trP)
                                           + 2 * (t * t) * _sum_pp(P, P)))
        elif method == "SJ":
            se = math.sqrt((tau2_0 * tau2_0) / ((k - p) * (k - p))
                           * ((2 * _sum_pp(PV, PV.T) + 4 * t * _sum_pp(PV, P))
                              + 2 * (t * t) * _sum_pp(P, P)))
        elif method == "ML":
            se = math.sqrt(2 / _rsum(wi * wi))
        elif method == "REML":
            se = math.sqrt(2 / _sum_pp(P, P))
        else:  # EB, PM
            sw = _rsum(1.0 / (vi + tau2))
            se = math.sqrt(2 * (k * k) / (k - p) / (sw * sw))
    # rma.uni's model fitting: wi = 1/(vi + tau2) must be finite (FE with a zero vi, or
    # an estimate of 0 with one, stops here in R), then .invcalc(X, W) stops when X'WX is
    # singular to its QR (weights some 1e16 apart within a subgroup's column)
    _stxwx(X, _weights(vi, tau2))
    QE = vt = I2 = H2 = math.nan
    if allvipos:
        if k > p:
            Pfe = _p_mat(X, 1.0 / vi)
            QE = max(0.0, _quad(yc, Pfe))
            vt = (k - p) / _tr(Pfe)
            if fe:
                I2 = max(0.0, 100 * (QE - (k - p)) / QE)
                H2 = QE / (k - p)
            else:
                I2 = 100 * tau2 / (vt + tau2)
                H2 = tau2 / vt + 1
        else:
            QE, I2, H2, vt = 0.0, 0.0, 1.0, 0.0
    else:
        t2._nonpos_het_warning(vi, "Q" if p == 1 else "QE")
    return ModFit(tau2=tau2, se_tau2=se, k=k, p=p, QE=QE, vt=vt, I2=I2, H2=H2,
                  iterations=it)


def _loglik(yc, v, X, method):
    """The log likelihood of rma.uni's ``ll0check`` (weights 1/v)."""
    k, p = X.shape
    wi = 1.0 / v
    XW = X.T * wi[None, :]                                  # crossprod(X, W), exact
    beta = _mm(_mm(_stxwx(X, wi), XW), yc[:, None])        # stXWX %*% X'W %*% Ymc
    r = yc - _mm(X, beta)[:, 0]
    rss = _rsum(wi * (r * r))
    slog = _rsum(t2._r_log(v))
    if method == "ML":
        return ((((-1.0 / 2.0) * k) * math.log(2.0 * math.pi) - 0.5 * slog) - 0.5 * rss)
    # determinant(crossprod(X, W) %*% X) is LAPACK's LU; numpy's LU (only the ll0check
    # comparison uses it)
    logdet = np.linalg.slogdet(_mm(XW, X))[1]
    return (((((-1.0 / 2.0) * (k - p)) * math.log(2.0 * math.pi) - 0.5 * slog)
             - 0.5 * logdet) - 0.5 * rss)


def _ci_limits(control, tau2_hat, ci_control):
    xcon = t2._norm_control(control)
    tmin = float(xcon["tau2_min"]) if xcon.get("tau2_min") is not None else min(0.0, tau2_hat)
    tmax = (float(xcon["tau2_max"]) if xcon.get("tau2_max") is not None
            else max(100.0, tau2_hat * 10, tmin * 10))
    con = {"tol": t2._DBL_EPSILON ** 0.25, "maxiter": 1000, "tau2_min": tmin,
           "tau2_max": tmax}
    for key, val in t2._norm_control(ci_control).items():
        if key in con:
            con[key] = val
    return con


def _root(f, con):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # maxiter warning: the root is still used
            return uniroot(f, float(con["tau2_min"]), float(con["tau2_max"]), tol=con["tol"],
                           maxiter=con["maxiter"]).root, True
    except (ValueError, MetaforError):
        return math.nan, False


def _bounds(null_at_min, ub_at_max, f_ub, both_at_max, lb_at_min, f_lb, con):
    """confint.rma.uni's bracketing: the conditions (booleans) and root functions of the
    upper and lower bound, in R's order."""
    tmin, tmax = float(con["tau2_min"]), float(con["tau2_max"])
    lb = ub = math.nan
    lb_sign = ub_sign = ""
    lb_conv = ub_conv = False
    if null_at_min:
        lb = ub = tmin
        lb_sign = ub_sign = "<"
        lb_conv = ub_conv = True
    elif ub_at_max:
        ub, ub_sign, ub_conv = tmax, ">", True
    else:
        ub, ub_conv = _root(f_ub, con)
    if both_at_max:
        lb = ub = tmax
        lb_sign = ub_sign = ">"
        lb_conv = ub_conv = True
    elif lb_at_min:
        lb, lb_conv = tmin, True
        if tmin > 0:
            lb_sign = "<"
    else:
        lb, lb_conv = _root(f_lb, con)
    if not lb_conv:
        warnings.warn("Error in iterative search for the lower bound.",
                      t2.MetaforWarning, stacklevel=3)
    if not ub_conv:
        warnings.warn("Error in iterative search for the upper bound.",
                      t2.MetaforWarning, stacklevel=3)
    return lb, ub, lb_sign, ub_sign


def _ci_result(lb, ub, lb_sign, ub_sign, vt, con) -> t2.Tau2CI:
    return t2.Tau2CI(lower_tau2=lb, upper_tau2=ub,
                     lower_tau=math.sqrt(lb) if lb >= 0 else math.nan,
                     upper_tau=math.sqrt(ub) if ub >= 0 else math.nan,
                     lb_sign=lb_sign, ub_sign=ub_sign,
                     lower_I2=100 * lb / (vt + lb), upper_I2=100 * ub / (vt + ub),
                     lower_H2=lb / vt + 1, upper_H2=ub / vt + 1,
                     tau2_min=float(con["tau2_min"]), tau2_max=float(con["tau2_max"]))


def tau2_ci_qp_mods(yi, vi, X, fit: ModFit, level: float = 0.95,
                    control: Optional[Mapping] = None, *,
                    ci_control: Optional[Mapping] = None) -> t2.Tau2CI:
    """``confint.rma.uni(fit, level = 100 * level)`` (type "QP") of a model with moderators:
    the Q-profile with ``k - p`` degrees of freedom and the uncentred ``yi``."""
    X = np.asarray(X, dtype=float)
    yi = np.asarray(yi, dtype=float)
    vi = np.asarray(vi, dtype=float)
    if np.any(vi <= 0):
        raise MetaforError("Cannot compute CI for tau^2 when there are non-positive "
                           "sampling variances in the data.")
    k, p = X.shape
    con = _ci_limits(control, fit.tau2, ci_control)
    alpha = t2._metafor_level(100 * level)
    crit_u, crit_l = t2._qchisq_pair(alpha / 2, k - p)
    Q = _rss_fun(yi, vi, X)
    tmin, tmax = float(con["tau2_min"]), float(con["tau2_max"])
    q_min, q_max = Q(tmin), Q(tmax)
    lb, ub, lbs, ubs = _bounds(q_min < crit_l, q_max > crit_l, lambda t: Q(t) - crit_l,
                               q_max > crit_u, q_min < crit_u, lambda t: Q(t) - crit_u, con)
    return _ci_result(lb, ub, lbs, ubs, fit.vt, con)


def tau2_ci_genq_mods(yi, vi, X, weights, level: float = 0.95,
                      control: Optional[Mapping] = None) -> t2.Tau2CI:
    """``confint.rma.uni(rma.uni(yi, vi, weights = weights, method = "GENQ", mods =,
    control), level = 100 * level)``: the generalised Q-statistic CI of Jackson (2013) /
    Biggerstaff & Jackson (2008) with moderators (``k - p`` eigenvalues)."""
    X = np.asarray(X, dtype=float)
    t2._setup(yi, vi, control)     # the GENQ fit's warnings (tau2.min, ratio of variances)
    yi, vi = t2._check_inputs(yi, vi)
    vi, allvipos = t2._clean_vi(vi)
    weights = np.asarray(weights, dtype=float)
    k, p = X.shape
    yc = t2._r_center(yi)
    P = _p_mat(X, weights)
    trP = _tr(P)
    tau2_fit = max(float(t2._merge_control(control)["tau2_min"]),
                   (_quad(yc, P) - _tr(P * vi[None, :])) / trP)
    con = _ci_limits(control, tau2_fit, None)
    alpha = t2._metafor_level(100 * level)
    P = _p_mat_confint(X, weights)
    Q = _quad(yi, P)
    seen: dict = {}

    def area(tau2val: float) -> float:
        key = float(tau2val)
        if key not in seen:
            s = np.sqrt(vi + tau2val)
            lam = eigen_sym_values((P * s[:, None]) * s[None, :])[:k - p]
            seen[key] = farebrother_qq(Q, lam)
        return seen[key]

    tmin, tmax = float(con["tau2_min"]), float(con["tau2_max"])
    g_max, g_min = area(tmax), area(tmin)
    lb, ub, lbs, ubs = _bounds(g_min > 1 - alpha / 2, g_max < 1 - alpha / 2,
                               lambda t: (1 - area(t)) - alpha / 2, g_max < alpha / 2,
                               g_min > alpha / 2, lambda t: area(t) - alpha / 2, con)
    if allvipos:
        Pfe = _p_mat(X, 1.0 / vi)
        vt = (k - p) / _tr(Pfe)
    else:
        vt = math.nan
    return _ci_result(lb, ub, lbs, ubs, vt, con)


def hetcalc_subgroup(TE, seTE, subgroup, method_tau: str, method_tau_ci: str,
                     method_I2: str, level: float, control=None) -> dict:
    """The residual heterogeneity of R meta's ``hetcalc(..., subgroup = subgroup)``
    (R/hetcalc.R, ``tau.common``): ``rma.uni`` with the subgroup as moderator (intercept
    only for a single subgroup; the common effect model ``method = "FE"`` when there are
    too few studies for tau2), its Q-profile or generalised Q CI (none if fewer than three
    studies or with the FE fallback), ``Q.resid`` = ``QE`` on ``k - p`` degrees of
    freedom, and ``H.resid``/``I2.resid`` from ``Q.resid`` (``method.I2 = "Q"``) or from
    metafor's ``H2``/``I2``; with a tau2 CI their bounds are those of the CI whatever
    ``method.I2`` is. Studies with a missing or infinite ``TE``/``seTE`` are left
    out first. Returns the ``*_resid`` fields (pymeta's names)."""
    from .heterogeneity import calc_H, isquared, pval_Q
    TE = np.asarray(TE, dtype=float)
    seTE = np.asarray(seTE, dtype=float)
    sg = list(subgroup)
    keep = ~np.isinf(TE) & ~np.isinf(seTE) & ~(np.isnan(TE) | np.isnan(seTE))
    TE, seTE = TE[keep], seTE[keep]
    sg = [v for v, ok in zip(sg, keep) if ok]
    k = TE.size
    df_Q = float(k - 1) if k >= 2 else 0.0    # the overall df.Q of the same hetcalc call
    vi = seTE ** 2
    use_fe = False
    if len(set(sg)) == 1:
        X = np.ones((k, 1))
        fit = t2.estimate_tau2(TE, vi, method_tau, control=control or None)
        tau2, QE, H2, I2, p = fit.tau2, fit.QE, fit.H2, fit.I2, 1
    else:
        X = design_matrix(sg)
        try:
            fit = rma_mods(TE, vi, X, method_tau, control or None)
        except MetaforError as exc:
            if "Number of parameters to be estimated is larger" not in str(exc):
                raise
            use_fe = True
            fit = rma_mods(TE, vi, X, "FE", control or None)
        tau2, QE, H2, I2, p = fit.tau2, fit.QE, fit.H2, fit.I2, fit.p
    df_resid = float(k - p)
    if method_I2 == "Q":
        H, I2i = calc_H(QE, df_resid, level), isquared(QE, df_resid, level)
        H = [H.TE, H.lower, H.upper]
        I2v = [I2i.TE, I2i.lower, I2i.upper]
    else:
        H = [r_sqrt(H2), math.nan, math.nan]
        I2v = [I2 / 100, math.nan, math.nan]
    if df_Q < 2 or use_fe:
        method_tau_ci = ""
    ci1 = None
    if method_tau_ci in ("BJ", "J"):
        w = 1 / vi if method_tau_ci == "BJ" else 1 / seTE
        if p == 1:   # R fits the GENQ model with mods = ~ subgroup all the same
            raise ValueError("contrasts can be applied only to factors with 2 or more levels")
        else:
            ci1 = tau2_ci_genq_mods(TE, vi, X, w, level=level, control=control or None)
    elif method_tau_ci == "QP":
        if p == 1:
            ci1 = t2.tau2_ci_qprofile(TE, vi, tau2, level=level, control=control or None)
        else:
            ci1 = tau2_ci_qp_mods(TE, vi, X, fit, level=level, control=control or None)
    elif method_tau_ci != "":
        raise NotImplementedError(f"method.tau.ci = '{method_tau_ci}' is not implemented yet")
    nan = math.nan
    out = dict(tau2_resid=tau2, lower_tau2_resid=nan, upper_tau2_resid=nan,
               tau_resid=math.sqrt(tau2), lower_tau_resid=nan, upper_tau_resid=nan,
               Q_resid=QE, df_Q_resid=df_resid, pval_Q_resid=pval_Q(QE, df_resid))
    if ci1 is not None:
        out.update(lower_tau2_resid=ci1.lower_tau2, upper_tau2_resid=ci1.upper_tau2,
                   lower_tau_resid=ci1.lower_tau, upper_tau_resid=ci1.upper_tau)
        # R sets these bounds whatever method.I2 is (unlike hetcalc's overall H and I2)
        H[1:] = [r_sqrt(ci1.lower_H2), r_sqrt(ci1.upper_H2)]
        I2v[1:] = [ci1.lower_I2 / 100, ci1.upper_I2 / 100]
    out.update(H_resid=H[0], lower_H_resid=H[1], upper_H_resid=H[2],
               I2_resid=I2v[0], lower_I2_resid=I2v[1], upper_I2_resid=I2v[2],
               method_tau_ci=method_tau_ci)
    return out
