"""metafor's fitted-model object for meta's fits with user-specified weights.

With ``keeprma = TRUE`` R meta's ``metagen`` keeps the ``rma.uni`` objects it fitted for
``weights.common`` (``rma.usw.c``: ``method = "FE"``) and ``weights.random``
(``rma.usw.r``: ``method.tau``, one fit per ``method.random.ci``, a list when there are
several). :class:`RmaFit` holds the numbers of such an object for the intercept-only
model meta fits (metafor 3.8-1, ``rma.uni`` with ``weights``):

* ``b``, ``vb``, ``se``: the weighted least squares estimate ``sum(w y) / sum(w)`` and its
  sandwich variance ``sum(w^2 (v + tau2)) / sum(w)^2``;
* ``zval``, ``pval``, ``ci_lb``, ``ci_ub``: a z test (``test = "z"``) or a t test with
  ``k - 1`` df (``test = "t"``, Hartung-Knapp in meta: t quantiles only, ``s2w = 1``),
  critical value ``qnorm(alpha/2, lower.tail = FALSE)`` / ``qt(alpha/2, k - 1,
  lower.tail = FALSE)``, with metafor's ``level`` stored as alpha (0.05 for 95%);
* ``QM``, ``QMdf``, ``QMp``: the Wald test of the coefficient (``b^2 / vb`` through
  ``chol2inv(chol(vb))``), chi-square with 1 df, or F(1, k - 1) for ``test = "t"``;
* ``tau2``, ``se_tau2`` and the heterogeneity statistics ``QE``, ``QEp``, ``vt``,
  ``I2``, ``H2``: those of the unweighted estimator (metafor's estimators ignore the
  weights); the common effect fit has tau2 = 0 and ``I2 = max(0, 100 (QE - (k - 1)) /
  QE)``, ``H2 = QE / (k - 1)``;
* ``fit_stats``: the ML and REML log likelihood, deviance, AIC, BIC and AICc of the
  weighted fit (``RSS`` with weights ``1/(v + tau2)`` around the weighted estimate).

The design matrices, the data and the call of metafor's object are R's and are not kept.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, fields
from types import MappingProxyType
from typing import Mapping

import numpy as np

from . import nmath, toms708
from .rmath import pchisq_upper, pnorm_upper, pt_upper, qt, r_sum, rlog
from .tau2 import Tau2Fit, _het_fields, _metafor_level, _r_center, _seqsum

__all__ = ["RmaFit", "rma_weighted"]

NA = math.nan
_LN_SQRT_2PI = 0.918938533204672741780329736406   # R's M_LN_SQRT_2PI


@dataclass(frozen=True)
class RmaFit:
    """The numbers of a metafor ``rma.uni`` object (metafor's names, "." -> "_")."""
    b: float
    se: float
    zval: float
    pval: float
    ci_lb: float
    ci_ub: float
    vb: float
    tau2: float
    se_tau2: float
    tau2_fix: bool
    I2: float
    H2: float
    vt: float
    QE: float
    QEp: float
    QM: float
    QMdf: tuple
    QMp: float
    k: int
    k_all: int
    p: int
    m: int
    yi: tuple
    vi: tuple
    weights: tuple
    method: str
    test: str
    level: float
    ddf: float
    s2w: float
    fit_stats: Mapping

    def to_dict(self) -> dict:
        """The fields under metafor's dotted names (``ci.lb``, ``se.tau2``, ``fit.stats``)."""
        return {f.name.replace("_", "."): getattr(self, f.name) for f in fields(self)}


def _pf_upper(x: float, df1: float, df2: float) -> float:
    """R's ``pf(x, df1, df2, lower.tail = FALSE)`` (nmath/pf.c) for finite df."""
    if math.isnan(x) or math.isnan(df1) or math.isnan(df2):
        return x + df2 + df1
    if df1 <= 0 or df2 <= 0:
        return NA
    if x <= 0:
        return 1.0
    if x == math.inf:
        return 0.0
    if df1 * x > df2:
        return toms708.pbeta(df2 / (df2 + df1 * x), df2 / 2., df1 / 2., True, False)
    return toms708.pbeta(df1 * x / (df2 + df1 * x), df1 / 2., df2 / 2., False, False)


def _fit_stats(yi, vi, w_model, b, tau2, k: int, p: int, parms: int) -> Mapping:
    """rma.uni's ``fit.stats`` (REMLf = TRUE): ll, dev, AIC, BIC, AICc for ML and REML."""
    r = yi - b
    rss = r_sum(w_model * (r * r))
    slog = r_sum(rlog(vi + tau2))
    ll_ml = ((-1 / 2) * k) * math.log(2 * math.pi) - 1 / 2 * slog - 1 / 2 * rss
    ll_reml = (((-1 / 2) * (k - p)) * math.log(2 * math.pi) + 1 / 2 * math.log(k)
               + (-1 / 2) * slog - 1 / 2 * rlog(_seqsum(w_model)) - 1 / 2 * rss)
    if k > p:
        if np.all(vi > 0):
            dn = r_sum(np.array([_dnorm0_log(v) for v in vi]))
            dev_ml = -2 * (ll_ml - dn)
        else:
            dev_ml = -2 * ll_ml
    else:
        dev_ml = 0.0

    def crit(ll, kk):
        mx = max(kk, parms + 2)
        return (-2 * ll + 2 * parms, -2 * ll + parms * rlog(kk),
                -2 * ll + 2 * parms * mx / (mx - parms - 1))
    aic_ml, bic_ml, aicc_ml = crit(ll_ml, k)
    aic_reml, bic_reml, aicc_reml = crit(ll_reml, k - p)
    return MappingProxyType({
        "ML": MappingProxyType(dict(ll=ll_ml, dev=dev_ml, AIC=aic_ml, BIC=bic_ml,
                                    AICc=aicc_ml)),
        "REML": MappingProxyType(dict(ll=ll_reml, dev=-2 * (ll_reml - 0), AIC=aic_reml,
                                      BIC=bic_reml, AICc=aicc_reml))})


def _dnorm0_log(v: float) -> float:
    """``dnorm(y, mean = y, sd = sqrt(v), log = TRUE)`` (nmath/dnorm.c at x = mu)."""
    return -(_LN_SQRT_2PI + 0.5 * 0.0 * 0.0 + rlog(math.sqrt(v)))


def rma_weighted(yi, vi, weights, b: float, se: float, *, method: str, test: str,
                 level: float, tau2fit: Tau2Fit | None, k_all: int) -> RmaFit:
    """The :class:`RmaFit` of ``rma.uni(yi, vi, weights, method, test, level)`` (meta's
    ``runUSW``), from the fit's studies and weights, its estimate ``b`` and standard error
    ``se`` (:func:`pymeta.model.usw._wls`) and, for a random effects fit, the estimator's
    result ``tau2fit`` (None: ``method = "FE"``). ``level`` is meta's (0.95): metafor
    receives ``100 * level``."""
    yi = np.asarray(yi, dtype=float)
    vi = np.asarray(vi, dtype=float)
    w = np.asarray(weights, dtype=float)
    k, p = int(yi.size), 1
    alpha = _metafor_level(100 * level)
    fe = tau2fit is None
    tau2 = 0.0 if fe else float(tau2fit.tau2)
    vb = se * se
    zval = b / se if se != 0 else (NA if b == 0 or math.isnan(b) else math.copysign(
        math.inf, b))
    t_test = test == "t"
    ddf = float(k - p) if t_test else NA
    r = math.sqrt(vb)
    inv = (1 / r) * (1 / r) if r != 0 else NA
    QM = (b * inv) * b
    if t_test:
        QMdf = (1, k - p)
        QMp = _pf_upper(QM, 1.0, float(k - p)) if k - p > 0 else NA
        pval = 2 * float(pt_upper(abs(zval), ddf)) if ddf > 0 else NA
        crit = -float(qt(alpha / 2, ddf)) if ddf > 0 else NA
    else:
        QMdf = (1, NA)
        QMp = float(pchisq_upper(QM, 1.0))
        pval = 2 * float(pnorm_upper(abs(zval)))
        crit = nmath.qnorm(alpha / 2, lower_tail=False)
    allvipos = bool(np.all(vi > 0))
    if fe:
        if allvipos and k > p:
            QE, vt, _, _ = _het_fields(_r_center(yi), vi, k, 0.0, True)
            i2 = 100 * (QE - (k - p)) / QE if QE != 0 else NA
            I2 = i2 if math.isnan(i2) else max(0.0, i2)     # R's max(0, NaN) is NaN
            H2 = QE / (k - p)
        elif allvipos:
            QE, vt, I2, H2 = 0.0, 0.0, 0.0, 1.0
        else:
            QE = vt = I2 = H2 = NA
        se_tau2 = NA
    else:
        QE, vt, I2, H2 = tau2fit.QE, tau2fit.vt, tau2fit.I2, tau2fit.H2
        se_tau2 = float(tau2fit.se_tau2)
    QEp = float(pchisq_upper(QE, float(k - p))) if not math.isnan(QE) and k > p else (
        1.0 if QE == 0 else NA)
    parms = p + (0 if fe else 1)
    w_model = 1 / (vi + tau2)
    return RmaFit(
        b=float(b), se=float(se), zval=float(zval), pval=float(pval),
        ci_lb=float(b - crit * se), ci_ub=float(b + crit * se), vb=float(vb),
        tau2=tau2, se_tau2=se_tau2, tau2_fix=False, I2=float(I2), H2=float(H2),
        vt=float(vt), QE=float(QE), QEp=float(QEp), QM=float(QM), QMdf=QMdf,
        QMp=float(QMp), k=k, k_all=int(k_all), p=p, m=1, yi=tuple(yi.tolist()),
        vi=tuple(vi.tolist()), weights=tuple(w.tolist()),
        method="FE" if fe else method, test=test, level=alpha,
        ddf=ddf, s2w=1.0,
        fit_stats=_fit_stats(yi, vi, w_model, b, tau2, k, p, parms))

