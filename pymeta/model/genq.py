"""Generalised-Q confidence interval for tau^2 (R meta's ``method.tau.ci`` "BJ" and "J").

R meta (R/hetcalc.R) fits, only to get the CI,

* "BJ" (Biggerstaff & Jackson 2008): ``rma.uni(yi = TE, sei = seTE, weights = 1/seTE^2,
  method = "GENQ", control = control)``,
* "J" (Jackson 2013): the same with ``weights = 1/seTE``,

and calls ``confint.rma.uni(fit, level = 100 * level)``, which for a GENQ fit takes the
``type = "GENQ"`` branch of metafor 3.8-1's R/confint.rma.uni.r: the generalised Q
statistic ``Q = y' P y`` (``P`` built from the weights ``A``, *uncentred* yi) is, under a
given tau^2, a weighted sum of chi-squares with weights ``lambda`` = the k - 1 largest
eigenvalues of ``S P S``, ``S = diag(sqrt(vi + tau^2))`` (``.GENQ.func`` in
R/misc.func.hidden.uni.r); its upper tail probability comes from
``CompQuadForm::farebrother`` (:mod:`.farebrother`) and the bounds are found with R's
``uniroot`` (:mod:`.rootfind`).

Rounding.  ``S P S`` is formed as R's reference-BLAS ``dgemm`` forms it (every element a
single product, ``(P_ij s_i) s_j``); its eigenvalues come from the same LAPACK routine
R's ``eigen(symmetric = TRUE)`` calls, ``dsyevr`` (jobz "N", range "A", uplo "L",
abstol 0, optimal workspace), through scipy's binding of the system LAPACK - which on
this machine is the library R itself is linked to (Debian's netlib LAPACK 3.11), so the
eigenvalues are R's to the bit.  The ``P`` matrix, ``Q`` and the GENQ point estimate
(which sets ``tau2.max``) reuse the replicas of metafor's arithmetic in :mod:`.tau2`.
"""
from __future__ import annotations

import math
import warnings
from typing import Mapping, Optional

import numpy as np
from scipy.linalg import lapack

from .farebrother import farebrother_qq
from .rootfind import uniroot
from .tau2 import (MetaforError, MetaforWarning, Tau2CI, _check_inputs, _clean_vi,
                   _nonpos_het_warning, _invcalc_int, _metafor_level, _norm_control,
                   _p_matrix, _quad, _r_center, _rsum, _tr, _vt, _DBL_EPSILON)

__all__ = ["genq_tau2", "tau2_ci_genq", "tau2_ci_bj", "tau2_ci_j", "eigen_sym_values"]


def eigen_sym_values(M: np.ndarray) -> np.ndarray:
    """``eigen(M, symmetric = TRUE, only.values = TRUE)$values`` (decreasing order).

    R's ``La_rs`` copies the matrix, asks ``dsyevr`` for its optimal workspace and
    calls it with jobz "N", range "A", uplo "L" and abstol 0; R then reverses the
    (ascending) values.
    """
    M = np.asarray(M, dtype=float)
    if not np.all(np.isfinite(M)):
        raise MetaforError("infinite or missing values in 'x'")
    n = M.shape[0]
    lwork, liwork, info = lapack.dsyevr_lwork(n, lower=1)
    if info != 0:  # pragma: no cover - workspace query cannot fail for n >= 1
        raise MetaforError(f"error code {info} from Lapack routine 'dsyevr'")
    w, _, m, _, info = lapack.dsyevr(np.asfortranarray(M), compute_v=0, range="A",
                                     lower=1, abstol=0.0, lwork=int(lwork),
                                     liwork=int(liwork))
    if info != 0:
        raise MetaforError(f"error code {info} from Lapack routine 'dsyevr'")
    return np.asarray(w[:m], dtype=float)[::-1].copy()


def _genq_func(P: np.ndarray, vi: np.ndarray, Q: float, k: int):
    """``.GENQ.func(tau2val, P, vi, Q, level = 0, k, p = 1, getlower = TRUE)``:
    P(Q(tau2val) > Q), the area to the right of Q.

    R evaluates it more than once at the same tau2 (at the bracket ends, before and
    inside ``uniroot``); it is a pure function, so this closure remembers its values -
    the same numbers, without repeating a Farebrother series that can run to its
    100,000 terms."""
    seen: dict = {}

    def area(tau2val: float) -> float:
        key = float(tau2val)
        if key not in seen:
            s = np.sqrt(vi + tau2val)
            SPS = (P * s[:, None]) * s[None, :]          # (S %*% P) %*% S
            lam = eigen_sym_values(SPS)[:k - 1]
            seen[key] = farebrother_qq(Q, lam)
        return seen[key]
    return area


def _weights_check(weights: np.ndarray) -> None:
    if np.any(weights < 0):
        raise MetaforError("Negative weights not allowed.")
    if np.any(np.isinf(weights)):
        raise MetaforError("Infinite weights not allowed.")


def genq_tau2(yi, vi, weights, control: Optional[Mapping] = None, *,
              _warn: bool = True) -> float:
    """``rma.uni(yi, vi, weights = weights, method = "GENQ", control)$tau2``.

    ``(RSS - tr(P V)) / tr(P)`` with ``P`` from the weights and mean-centred yi,
    then ``max(tau2.min, .)``.  Issues rma.uni's warnings (ratio of sampling
    variances, tau2.min constraint) as the fit does.
    """
    yi, vi = _check_inputs(yi, vi)
    weights = np.asarray(weights, dtype=float).ravel()
    if weights.shape != yi.shape:
        raise MetaforError("Length of 'yi' and 'weights' is not the same.")
    _weights_check(weights)   # rma.uni checks the weights before the variances
    vi, allvipos = _clean_vi(vi, fit=_warn)
    user = _norm_control(control)
    tau2_min = float(user["tau2_min"]) if user.get("tau2_min") is not None else 0.0
    if tau2_min < 0 and -tau2_min > vi.min():
        tau2_min = -float(vi.min())
        if _warn:
            warnings.warn("Value of 'tau2.min' constrained to -min(vi).",
                          MetaforWarning, stacklevel=2)
    if _warn and allvipos and vi.max() / vi.min() >= 1 / 1e-07:
        warnings.warn("Ratio of largest to smallest sampling variance extremely "
                      "large. May not be able to obtain stable results.",
                      MetaforWarning, stacklevel=2)
    k = yi.size
    if k == 1:
        return max(tau2_min, 0.0)
    yc = _r_center(yi)
    P = _p_matrix(weights, _invcalc_int(weights))
    trP = _tr(P)
    trPV = _rsum(np.diagonal(P) * vi)              # .tr(P %*% V)
    rss = _quad(yc, P)
    tau2 = max(tau2_min, (rss - trPV) / trP)
    if not math.isnan(tau2) and np.any(tau2 + vi < 0):
        raise MetaforError("Some marginal variances are negative.")
    if _warn and not allvipos:
        _nonpos_het_warning(vi)
    return tau2


def tau2_ci_genq(yi, vi, weights, level: float = 0.95,
                 control: Optional[Mapping] = None, *,
                 ci_control: Optional[Mapping] = None) -> Tau2CI:
    """``confint.rma.uni(rma.uni(yi, vi, weights = weights, method = "GENQ",
    control = control), level = 100 * level)$random`` (metafor 3.8-1, type "GENQ").

    * ``tau2.min`` = ``control$tau2.min`` or else ``min(0, tau2_GENQ)``; ``tau2.max`` =
      ``control$tau2.max`` or else ``max(100, 10 tau2_GENQ, 10 tau2.min)``; ``ci_control``
      (confint's own control: ``tau2.min``, ``tau2.max``) overrides them;
    * ``G(t)`` = P(Q > Q_obs | tau^2 = t), increasing in t;
    * upper bound: ``G(tau2.min) > 1 - alpha/2`` -> both bounds tau2.min with "<" (null
      set if tau2.min <= 0); else ``G(tau2.max) < 1 - alpha/2`` -> tau2.max with ">";
      else the root of ``(1 - G) - alpha/2`` by ``uniroot`` (tol eps^0.25, maxiter 1000);
    * lower bound: ``G(tau2.max) < alpha/2`` -> both bounds tau2.max with ">"; else
      ``G(tau2.min) > alpha/2`` -> tau2.min ("<" only if tau2.min > 0); else the root of
      ``G - alpha/2``;
    * a failed root search leaves the bound NaN with metafor's warning.
    """
    yi, vi = _check_inputs(yi, vi)
    weights = np.asarray(weights, dtype=float).ravel()
    tau2_fit = genq_tau2(yi, vi, weights, control)
    vi, allvipos = _clean_vi(vi)
    k = yi.size
    if k == 1:
        raise MetaforError("Stopped because k = 1.")

    xcon = _norm_control(control)
    tmin = float(xcon["tau2_min"]) if xcon.get("tau2_min") is not None else min(0.0, tau2_fit)
    if xcon.get("tau2_max") is not None:
        tmax = float(xcon["tau2_max"])
    else:
        tmax = max(100.0, tau2_fit * 10, tmin * 10)
    con = {"tol": _DBL_EPSILON ** 0.25, "maxiter": 1000, "tau2_min": tmin, "tau2_max": tmax}
    for key, val in _norm_control(ci_control).items():
        if key in con:
            con[key] = val
    tmin, tmax = float(con["tau2_min"]), float(con["tau2_max"])

    alpha = _metafor_level(100 * level)
    P = _p_matrix(weights, _invcalc_int(weights))
    Q = _quad(yi, P)                                 # crossprod(Y, P) %*% Y, Y uncentred
    area = _genq_func(P, vi, Q, k)

    G_max = area(tmax)
    G_min = area(tmin)

    def root(getlower: bool):
        if getlower:
            f = lambda t: area(t) - alpha / 2          # noqa: E731
        else:
            f = lambda t: (1 - area(t)) - alpha / 2    # noqa: E731
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")        # maxiter warning: root still used
                # uniroot(.GENQ.func, c(tau2.min, tau2.max)): R's own defaults
                return uniroot(f, tmin, tmax, tol=_DBL_EPSILON ** 0.25,
                               maxiter=1000).root, True
        except (ValueError, MetaforError):
            return math.nan, False

    lb = ub = math.nan
    ci_null = False
    lb_conv = ub_conv = False
    lb_sign = ub_sign = ""

    if G_min > 1 - alpha / 2:
        lb = ub = tmin
        lb_sign = ub_sign = "<"
        lb_conv = ub_conv = True
        if tmin <= 0:
            ci_null = True
    else:
        if G_max < 1 - alpha / 2:
            ub = tmax
            ub_sign = ">"
            ub_conv = True
        else:
            ub, ub_conv = root(getlower=False)

    if G_max < alpha / 2:
        lb = ub = tmax
        lb_sign = ub_sign = ">"
        lb_conv = ub_conv = True
    else:
        if G_min > alpha / 2:
            lb = tmin
            lb_conv = True
            if tmin > 0:
                lb_sign = "<"
        else:
            lb, lb_conv = root(getlower=True)

    if not lb_conv:
        warnings.warn("Error in iterative search for the lower bound.",
                      MetaforWarning, stacklevel=2)
    if not ub_conv:
        warnings.warn("Error in iterative search for the upper bound.",
                      MetaforWarning, stacklevel=2)

    vt = _vt(vi, k) if allvipos else math.nan
    tau_lb = math.sqrt(lb) if lb >= 0 else math.nan
    tau_ub = math.sqrt(ub) if ub >= 0 else math.nan
    return Tau2CI(lower_tau2=lb, upper_tau2=ub, lower_tau=tau_lb, upper_tau=tau_ub,
                  lb_sign=lb_sign, ub_sign=ub_sign,
                  lower_I2=100 * lb / (vt + lb), upper_I2=100 * ub / (vt + ub),
                  lower_H2=lb / vt + 1, upper_H2=ub / vt + 1, ci_null=ci_null,
                  lb_conv=lb_conv, ub_conv=ub_conv, tau2_min=tmin, tau2_max=tmax)


def tau2_ci_bj(TE, seTE, level: float = 0.95, control: Optional[Mapping] = None) -> Tau2CI:
    """R meta's ``method.tau.ci = "BJ"``: GENQ CI with weights ``1/seTE^2``."""
    seTE = np.asarray(seTE, dtype=float)
    vi = seTE * seTE
    return tau2_ci_genq(TE, vi, 1 / vi, level=level, control=control)


def tau2_ci_j(TE, seTE, level: float = 0.95, control: Optional[Mapping] = None) -> Tau2CI:
    """R meta's ``method.tau.ci = "J"``: GENQ CI with weights ``1/seTE``."""
    seTE = np.asarray(seTE, dtype=float)
    return tau2_ci_genq(TE, seTE * seTE, 1 / seTE, level=level, control=control)
