"""Meta-analysis with user-specified weights (R meta 8.5 ``metagen`` arguments
``weights.common`` / ``weights.random``).

R meta hands such analyses to metafor: ``runUSW`` / ``extrUSW`` in ``R/meta-aux.R`` fit
``rma.uni(yi, sei, weights, method, test)`` on the usable studies (``method = "FE"`` for the
common effect model, ``method.tau`` for the random effects model, ``test = "t"`` for a
Hartung-Knapp CI and ``"z"`` otherwise). For an intercept-only model metafor's weighted
least squares fit is

* estimate ``b = sum(w * y) / sum(w)``,
* variance ``sum(w^2 * (v + tau2)) / sum(w)^2`` (``tau2 = 0`` for the common effect model;
  no Hartung-Knapp rescaling for ``test = "t"``, only t quantiles with ``k - 1`` df),

with ``tau2`` estimated as without weights (metafor's estimators ignore ``weights``).
meta then keeps metafor's weights (only the usable studies), its CI limits, recomputes the
test with ``ci()`` and derives prediction intervals with ``calcPI`` (``R/meta-aux.R``):
``sqrt(se^2 + tau2)`` with ``k - 1`` (V), ``k - 2`` (HTS), normal (S) or, for every other
method, NA df (a normal interval reported with ``df = Inf``).

Quirks kept as R has them: the common effect test statistic is
``(TE.common - 2 * null.effect) / seTE.common`` (``extrUSW`` subtracts the null effect before
``ci()`` subtracts it again); ``tau.preset`` and ``TE.tau`` do not reach the weighted
random effects fit; Hartung-Knapp, Kenward-Roger and ad hoc fields are NA.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from .heterogeneity import calc_Rb
from .intervals import ci
from .rmath import rsum
from .tau2 import MetaforWarning, _dnrm2

__all__ = ["common_usw", "random_usw", "predict_df", "variance_ratio_warning"]

NA = math.nan


def variance_ratio_warning(vi) -> None:
    """rma.uni's check of the sampling variances, which every fit repeats (also the common
    effect fit, which estimates no tau2)."""
    vi = np.asarray(vi, dtype=float)
    if vi.size and np.all(vi > 0):
        ratio = vi.max() / vi.min()
        if np.isfinite(ratio) and ratio >= 1 / 1e-07:
            warnings.warn("Ratio of largest to smallest sampling variance extremely large. May "
                          "not be able to obtain stable results.", MetaforWarning, stacklevel=3)


def _wls(y, v, w, tau2: float) -> tuple[float, float]:
    """metafor's weighted least squares intercept and its standard error."""
    sw = rsum(w)
    b = rsum(w * y) / sw
    if y.size > 1 and np.isinf(v).any():
        # metafor's A %*% M %*% A with an infinite variance on M's diagonal: 0 * Inf = NaN
        return float(b), NA
    var = rsum(w * w * (v + tau2)) / (sw * sw)
    return float(b), math.sqrt(var)


def _fe_qr_singular(v) -> bool:
    """Whether the heterogeneity block of ``rma.uni`` (all ``vi > 0``, ``k > 1``) stops in
    ``.invcalc(X, W = diag(1/vi))``: ``qr.solve`` of the single column ``sqrt(1/vi)`` finds
    rank 0 when LINPACK ``dqrdc2`` sees its norm below 1e-7 times itself (the reference
    norm is 1 when the column's norm is 0), i.e. a zero (every ``vi`` infinite) or NaN norm."""
    if v.size <= 1 or not np.all(v > 0):
        return False
    nrm = _dnrm2(np.sqrt(1.0 / v))
    return not nrm >= (nrm if nrm != 0.0 else 1.0) * 1e-7


def common_usw(TE, seTE, sel, weights, opts) -> dict:
    """Common effect fields from ``rma.uni(..., weights, method = "FE")`` (meta ``extrUSW``)."""
    y, v, w = TE[sel], seTE[sel] ** 2, np.asarray(weights, dtype=float)[sel]
    if _fe_qr_singular(v):
        raise ValueError("singular matrix 'a' in solve")
    b, se = _wls(y, v, w, 0.0)
    lim = ci(b, se, opts.level_ma)
    test = ci(b - opts.null_effect, se, null_effect=opts.null_effect)
    return dict(w_common=w, TE_common=b, seTE_common=se,
                lower_common=float(lim.lower), upper_common=float(lim.upper),
                statistic_common=float(test.statistic), pval_common=float(test.p))


def predict_df(method_predict: tuple, k: int) -> np.ndarray:
    """meta's ``set_df_predict``: the df of a prediction interval from ``calcPI``."""
    out = []
    for m in method_predict:
        if m == "V" and k >= 2:
            out.append(k - 1.0)
        elif m == "HTS" and k >= 3:
            out.append(k - 2.0)
        elif m == "S":
            out.append(math.inf)
        else:
            out.append(NA)
    return np.array(out)


def random_usw(TE, seTE, sel, weights, tau2_fit: float, k: int, opts, method_random_ci: tuple,
               method_predict: tuple, Q: float, df_Q: float) -> dict:
    """Random effects and prediction fields from ``rma.uni(..., weights, method.tau)``
    (meta ``runUSW`` / ``extrUSW`` / ``calcPI``; ``tau2_fit`` is metafor's estimate)."""
    tau2 = tau2_fit if k > 1 else NA
    tau2_calc = 0.0 if math.isnan(tau2) else tau2
    y, v, w = TE[sel], seTE[sel] ** 2, np.asarray(weights, dtype=float)[sel]
    b, se = _wls(y, v, w, tau2_calc)
    n = len(method_random_ci)
    hk = [m == "HK" for m in method_random_ci]
    lower, upper = np.empty(n), np.empty(n)
    for i in range(n):
        lim = ci(b, se, opts.level_ma, df=(k - 1) if hk[i] else None)
        lower[i], upper[i] = float(lim.lower), float(lim.upper)
    test = ci(np.full(n, b), np.full(n, se), opts.level_ma, null_effect=opts.null_effect,
              df=np.array([k - 1.0 if h else math.inf for h in hk]))
    se_pred = math.sqrt(se * se + tau2_calc)
    dfp = predict_df(method_predict, k)
    pred = ci(np.full(dfp.size, b), np.full(dfp.size, se_pred), opts.level_predict, df=dfp)
    Rb = calc_Rb(seTE[~np.isnan(seTE)], se, tau2_calc, Q, df_Q, opts.level_ma)
    return dict(
        w_random=w, TE_random=b if n == 1 else np.full(n, b), seTE_random=np.full(n, se),
        statistic_random=np.asarray(test.statistic), pval_random=np.asarray(test.p),
        df_random=np.array([k - 1.0 if h else NA for h in hk]),
        lower_random=lower, upper_random=upper, seTE_classic=se,
        df_hakn_ci=NA, seTE_hakn_ci=NA, seTE_hakn_adhoc_ci=NA, df_kero=NA, seTE_kero=NA,
        df_hakn_pi=NA, seTE_hakn_pi=NA, seTE_hakn_adhoc_pi=NA,
        seTE_predict=np.full(dfp.size, se_pred), df_predict=np.asarray(pred.df),
        lower_predict=np.asarray(pred.lower), upper_predict=np.asarray(pred.upper),
        Rb=Rb.TE, lower_Rb=Rb.lower, upper_Rb=Rb.upper, tau2_calc=tau2_calc,
        method_random_ci=tuple(method_random_ci), method_predict=tuple(method_predict))
