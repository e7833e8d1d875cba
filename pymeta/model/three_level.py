"""meta's three-level model (``cluster`` with repeated values): the pooling fields of
metagen from metafor's ``rma.mv`` (:mod:`pymeta.model.rma_mv`).

Follows meta 8.5: ``hetcalc`` (hetcalc.R: the fit on the studies not excluded, with
finite values, and its profile-likelihood CIs of both variance components), metagen's
section (12) for a three-level model (one ``rma.mv`` per ``method.random.ci`` through
``runMLM`` / ``extrMLM`` of meta-aux.R, ``calcPI`` with the sum of both variance
components) and section (13) (``Rb``, computed with that sum).
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from . import rma_mv as mv
from .heterogeneity import calc_H, calc_Rb, isquared, pval_Q
from .intervals import ci
from .rmath import r_sum
from .tau2 import MetaforWarning

NA = math.nan


def is_three_level(cluster, TE, seTE) -> bool:
    """metagen's ``three.level``: clusters repeat among the studies with finite TE and
    seTE (NA rows and excluded rows count)."""
    cl = np.asarray(cluster, dtype=object)
    sel = ~np.isinf(np.asarray(TE, float)) & ~np.isinf(np.asarray(seTE, float))
    vals = [c for c, s in zip(cl, sel) if s]
    return len(set(vals)) != len(vals)


def _check_obs(obs, cluster) -> None:
    """metafor's ``vcalc(..., obs = idx[sel.4], rho)``: ``rho`` becomes a matrix over the
    n estimates, read at ``[obs[i], obs[j]]`` (R's positional index) for every pair in one
    cluster; an ``obs`` (meta's position of the estimate among those given) above n is
    R's "subscript out of bounds"."""
    n = len(obs)
    codes = {c: i for i, c in enumerate(dict.fromkeys(cluster))}
    cl = np.array([codes[c] for c in cluster])
    past = np.asarray(obs, dtype=float) > n
    # a pair in one cluster (i != j) with either position past n
    for g in np.unique(cl[past]):
        if np.count_nonzero(cl == g) > 1:
            raise ValueError("subscript out of bounds")


def pool_three_level(TE, seTE, exclude, cluster, rho: float, opts, obs=None) -> dict:
    """The fields of :func:`pymeta.model.pooling.pool` for the three-level model.

    ``obs``: metagen's ``idx`` (1-based positions of the studies among those given to
    metagen, before its subset; default 1..k)."""
    TE = np.asarray(TE, dtype=float)
    seTE = np.asarray(seTE, dtype=float)
    exclude = np.asarray(exclude, dtype=bool)
    cl = np.asarray(cluster, dtype=object)
    k_all = TE.size
    usable = ~np.isnan(TE) & ~np.isnan(seTE) & ~exclude
    k = int(usable.sum())
    method = opts.method_tau
    # hetcalc: TE[!exclude], no infinite values, no NA; warnings suppressed
    keep = ~exclude & ~np.isinf(TE) & ~np.isinf(seTE) & ~np.isnan(TE) & ~np.isnan(seTE)
    kept = list(cl[keep])
    obs = np.arange(1, k_all + 1) if obs is None else np.asarray(obs, dtype=float)
    if len(kept) < 2:
        # hetcalc has no heterogeneity statistics; metagen's own fit stops in vcalc
        # ("Processing terminated since k = 1.")
        mv.rma_mv(TE[usable], seTE[usable] ** 2, list(cl[usable]), rho=rho,
                  method=opts.method_tau, control=opts.control or None,
                  emit_warnings=False)
        raise NotImplementedError("metagen(): a three-level model with fewer than two "
                                  "finite estimates is not implemented in pymeta yet.")
    if len(set(kept)) == len(kept):
        # hetcalc fits rma.uni when no cluster repeats among these studies; meta then
        # hands that fit to confint.rma.mv (R's error for "PL") or takes rma.uni's CI
        raise NotImplementedError("metagen(): a three-level model whose clusters repeat "
                                  "only among studies left out of the heterogeneity "
                                  "statistics is not implemented in pymeta yet.")
    hc_fit = mv.rma_mv(TE[keep], seTE[keep] ** 2, list(cl[keep]), rho=rho, method=method,
                       control=opts.control or None, emit_warnings=False)
    tau2 = np.array(hc_fit.sigma2, dtype=float)
    Q, df_Q = float(hc_fit.QE), float(hc_fit.k - hc_fit.p)
    out = dict(tau2=tau2, se_tau2=NA, tau=np.sqrt(tau2), Q=Q, df_Q=df_Q,
               pval_Q=pval_Q(Q, df_Q))
    if opts.method_I2 == "Q":
        H = calc_H(Q, df_Q, opts.level_hetstat)
        I2 = isquared(Q, df_Q, opts.level_hetstat)
        out.update(H=H.TE, lower_H=H.lower, upper_H=H.upper, I2=I2.TE, lower_I2=I2.lower,
                   upper_I2=I2.upper)
    else:   # "tau2": rma.mv has no I2 / H2 (meta's replaceNULL gives NA)
        out.update({f: NA for f in ("H", "lower_H", "upper_H", "I2", "lower_I2",
                                     "upper_I2")})
    method_tau_ci = "" if opts.method_tau_ci == "" or df_Q < 1 else "PL"
    lo2, up2 = np.full(2, NA), np.full(2, NA)
    lo, up = np.full(2, NA), np.full(2, NA)
    sl, su = ["", ""], ["", ""]
    if method_tau_ci == "PL":
        for p in mv.confint_rma_mv(hc_fit, level=100 * opts.level_hetstat):
            j = p.component - 1
            lo2[j], up2[j] = p.ci_lb, p.ci_ub
            lo[j], up[j] = p.sigma[1], p.sigma[2]
            sl[j], su[j] = p.lb_sign, p.ub_sign
        out.update(lower_tau2=lo2, upper_tau2=up2, lower_tau=lo, upper_tau=up,
                   sign_lower_tau=tuple(sl), sign_upper_tau=tuple(su))
    else:
        out.update(lower_tau2=NA, upper_tau2=NA, lower_tau=NA, upper_tau=NA,
                   sign_lower_tau="", sign_upper_tau="")
    out["method_tau_ci"] = method_tau_ci
    # runMLM: rma.mv on TE[sel.4] with level.ma; one fit serves every CI method
    _check_obs(list(obs[usable]), list(cl[usable]))
    mr = tuple("classic" if m == "KR" else m for m in opts.method_random_ci)
    # metagen builds V once (vcalc's warnings once); runMLM fits rma.mv once per method,
    # each giving metafor's warnings: the z fit serves classic / KR, HK's t test only
    # changes its CI, so the other fits' warnings are the first one's again
    y_u, cl_u = TE[usable], list(cl[usable])
    V = mv.vcalc(seTE[usable] ** 2, cl_u, rho)
    fit = mv.rma_mv_fit(y_u, V, cl_u, method=method, test="z", level=100 * opts.level_ma,
                        control=opts.control or None, emit_warnings=True)
    for _ in mr[1:]:
        for msg in fit.warnings:
            warnings.warn(msg, MetaforWarning, stacklevel=2)
    b, se = float(fit.b), float(fit.se)
    lower, upper, stat, pval, dfr, fits = [], [], [], [], [], []
    for m in mr:
        hk = m == "HK"
        f = fit if not hk else mv.rma_mv_fit(y_u, V, cl_u, method=method, test="t",
                                             level=100 * opts.level_ma,
                                             control=opts.control or None,
                                             emit_warnings=False)
        fits.append(f)
        lower.append(float(f.ci_lb))
        upper.append(float(f.ci_ub))
        stat.append(float(f.zval))
        p = ci(b, se, opts.level_ma, null_effect=opts.null_effect,
               df=(k - 1.0) if hk else math.inf)
        pval.append(float(p.p))
        dfr.append(k - 1.0 if hk else NA)
    w_random = np.zeros(k_all)
    w_random[usable] = np.asarray(fit.weights, dtype=float)
    tau2_calc = r_sum(tau2[~np.isnan(tau2)]) if k > 1 else 0.0
    se_pred = math.sqrt(se * se + tau2_calc)
    dfp = []
    for m in opts.method_predict:
        dfp.append(k - 1.0 if m == "V" and k >= 2 else k - 2.0 if m == "HTS" and k >= 3
                   else math.inf if m == "S" else NA)
    dfp = np.array(dfp)
    pred = ci(np.full(dfp.size, b), np.full(dfp.size, se_pred), opts.level_predict, df=dfp)
    Rb = calc_Rb(seTE[~np.isnan(seTE)], se, tau2_calc, Q, df_Q, opts.level_ma)
    n = len(mr)
    out.update(
        k=k, w_common=np.full(k_all, NA), TE_common=NA, seTE_common=NA,
        statistic_common=NA, pval_common=NA, lower_common=NA, upper_common=NA,
        w_random=w_random, TE_random=b if n == 1 else np.full(n, b),
        seTE_random=np.full(n, se), statistic_random=np.array(stat),
        pval_random=np.array(pval), df_random=np.array(dfr), lower_random=np.array(lower),
        upper_random=np.array(upper), seTE_classic=se, df_hakn_ci=NA, seTE_hakn_ci=NA,
        seTE_hakn_adhoc_ci=NA, df_kero=NA, seTE_kero=NA, df_hakn_pi=NA,
        seTE_hakn_pi=NA, seTE_hakn_adhoc_pi=NA,
        seTE_predict=np.full(dfp.size, se_pred), df_predict=np.asarray(pred.df),
        lower_predict=np.asarray(pred.lower), upper_predict=np.asarray(pred.upper),
        Rb=Rb.TE, lower_Rb=Rb.lower, upper_Rb=Rb.upper, tau2_calc=tau2_calc,
        method_random_ci=tuple(opts.method_random_ci),
        method_predict=tuple(opts.method_predict),
        adhoc_hakn_ci=("",) * n, adhoc_hakn_pi=("",) * dfp.size,
        k_study=len(set(c for c, u in zip(cl, usable) if u)),
        # runMLM's fits (meta's rma.three.level with keeprma = TRUE; a list for several
        # methods)
        rma_three_level=fits[0] if len(fits) == 1 else tuple(fits))
    return out
