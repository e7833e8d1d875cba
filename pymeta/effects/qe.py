"""McGrath et al.'s quantile estimation (QE) method: estmeansd's ``qe.mean.sd``.

McGrath S, Zhao X, Steele R, Thombs BD, Benedetti A; DEPRESsion Screening Data (DEPRESSD)
Collaboration (2020). Estimating the sample mean and standard deviation from commonly
reported quantiles in meta-analysis. Statistical Methods in Medical Research 29:2520-2537.

The method fits five distributions (normal, log-normal, gamma, Weibull, beta) to the
reported quantiles by least squares between the distribution's quantile function at the
scenario's probabilities and the reported values, and reports the mean and SD of the best
fitting one. The steps follow estmeansd 1.0.1 (``qe.fit``, ``set.qe.fit.control``,
``get.mean.sd``), meta's ``method.mean = "QE-McGrath"`` / ``method.sd = "QE-McGrath"``:

* probabilities: S1 (range) ``1/n, 0.5, 1 - 1/n``; S2 (quartiles) ``0.25, 0.5, 0.75``;
  S3 (all five) ``1/n, 0.25, 0.5, 0.75, 1 - 1/n``;
* start values from metaBLUE's Luo mean and Wan SD (moment matching for each family; the
  Weibull shape from ``nlminb`` on the coefficient of variation, falling back to
  ``(mean/sd)^1.086`` when that fit errs or warns);
* each fit is ``optim(method = "L-BFGS-B")`` within estmeansd's bounds; a fit that errs
  (e.g. a non-finite objective) is dropped, the beta fit also when it warns;
* the family with the smallest objective wins (``which.min``: the first on ties,
  dropped fits ignored).

No random numbers are drawn. R's warnings (estmeansd's equal-quantile warning) and its
message for negative quantiles are returned with the estimate.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from ..model import nmath
from ..model.nmath import _div
from ..model.lbfgsb import optim_lbfgsb
from ..model.nlminb import nlminb
from ..model.qbeta import qbeta, qlnorm, qweibull
from ..model.rmath import r_sqrt, r_sum, rexp, rlog, rpow1
from .estmeansd import _quants, check_errors, get_scenario, luo_mean, wan_std

__all__ = ["QEMeanSD", "qe_mean_sd", "FAMILIES"]

FAMILIES = ("normal", "log-normal", "gamma", "weibull", "beta")

#: estmeansd's message when a quantile is negative (R's ``message()``, not a warning).
NEGATIVE_MESSAGE = "Only fit the normal distribution because of negative quantiles."


@dataclass(frozen=True)
class QEMeanSD:
    """``qe.mean.sd()``'s ``est.mean``, ``est.sd``, ``selected.dist`` and ``values`` (the
    minimised objective of each family, NaN for a dropped fit), the fitted parameters of
    each family (``par``), R's ``warnings`` and ``messages`` in order."""
    est_mean: float
    est_sd: float
    selected_dist: str
    values: tuple
    par: tuple
    warnings: tuple = ()
    messages: tuple = ()


class _RCondition(Exception):
    """A warning or error R raises inside a fit that estmeansd's ``tryCatch`` catches."""


def _sqrt_warn(x: float) -> float:
    """R's ``sqrt``: NaN with the warning "NaNs produced" for a negative number."""
    if x < 0:
        raise _RCondition("NaNs produced")
    return math.sqrt(x) if not math.isnan(x) else x


def _qnorm(p: float, mu: float, sigma: float):
    """R's ``qnorm(p, mean, sd)`` (nmath/qnorm.c): ``mu + sigma * qnorm(p)``."""
    if math.isnan(p) or math.isnan(mu) or math.isnan(sigma):
        return p + mu + sigma, ()
    if sigma < 0:
        return math.nan, ("NaNs produced",)
    if sigma == 0:
        return mu, ()
    return mu + sigma * nmath.qnorm(p), ()


def _qgamma(p: float, shape: float, rate: float):
    """R's ``qgamma(p, shape, rate)``: the scale ``1/rate`` computed first, as R does."""
    v = nmath.qgamma(p, shape, 1 / rate)
    return v, (("NaNs produced",) if math.isnan(v) and not math.isnan(p + shape + rate)
               else ())


_QUANTILE: dict[str, Callable] = {
    "normal": _qnorm, "log-normal": qlnorm, "gamma": _qgamma, "weibull": qweibull,
    "beta": qbeta,
}


def _objective(family: str, probs: tuple, quants: tuple, warns: list) -> Callable:
    """estmeansd's ``S.theta.<family>``: ``sum((q(probs, theta) - quants)^2)``. R's
    warnings from the quantile function go to ``warns``; in the beta fit, whose
    ``tryCatch`` also catches warnings, the first one ends the fit."""
    q = _QUANTILE[family]
    catch = family == "beta"

    def fn(theta) -> float:
        a, b = float(theta[0]), float(theta[1])
        d = []
        for p, x in zip(probs, quants):
            v, w = q(p, a, b)
            if w:
                if catch:
                    raise _RCondition(w[0])
                warns.extend(w)
            d.append(v - x)
        return r_sum([e * e for e in d])
    return fn


def _weibull_shape_start(mean_hat: float, sd_hat: float) -> float:
    """``set.qe.fit.control``'s Weibull shape start: ``nlminb`` from
    ``(mean/sd)^1.086`` (lower bound 0.001) on the squared distance between the
    coefficient of variation and the Weibull's; the plain start when nlminb errs or warns
    (a NaN objective warns "NA/NaN function evaluation"; a negative square root "NaNs
    produced")."""
    start = rpow1(_div(mean_hat, sd_hat), 1.086)

    def obj(k) -> float:
        k = float(k[0])
        t1 = nmath.gammafn(_div(k + 2, k))
        t2 = nmath.gammafn(_div(k + 1, k))
        t3 = _sqrt_warn(_div(t1, t2 * t2) - 1)
        d = _div(sd_hat, mean_hat) - t3
        v = d * d
        if math.isnan(v):
            raise _RCondition("NA/NaN function evaluation")
        return v
    try:
        fit = nlminb(obj, [start], lower=0.001)
    except (_RCondition, ValueError, ArithmeticError):
        return start
    if fit.nan_warning:
        return start
    par = float(fit.par[0])
    return start if math.isnan(par) else par


def _control(quants: tuple, n: float, scenario: str, warns: list) -> dict:
    """estmeansd's ``set.qe.fit.control`` for one sample (``two.sample.default =
    FALSE``): per family, the start values, the first and the second parameter's
    (lower, upper) bounds. R's warning for the log of a negative start (only where the
    quantiles are negative and only the normal is fitted) goes to ``warns``."""
    if scenario in ("S1", "S2"):
        mu_bounds = (quants[0], quants[2])
    else:
        mu_bounds = (quants[1], quants[3])
    positive = min(quants) > 0
    mean_hat = luo_mean(quants, n, scenario)
    sd_hat = wan_std(quants, n, scenario)
    cv = _div(sd_hat, mean_hat)
    cv2 = cv * cv
    sd2 = sd_hat * sd_hat
    con = {"normal": ((mean_hat, sd_hat), mu_bounds, (0.001, 50.0))}
    ratio = _div(mean_hat, r_sqrt(1 + cv2))
    if ratio < 0:                      # R's log() of a negative start: NaN, warned
        warns.append("NaNs produced")
    # without the log bounds (a zero quantile) R's c(NULL[1], 0.001) / c(NULL[2], 10)
    # leave one value each, which optim recycles: both parameters in [0.001, 10]
    lmu_bounds = ((rlog(mu_bounds[0]), rlog(mu_bounds[1])) if positive
                  else (0.001, 10.0))
    con["log-normal"] = ((rlog(ratio), r_sqrt(rlog(1 + cv2))), lmu_bounds, (0.001, 10.0))
    con["gamma"] = ((_div(mean_hat * mean_hat, sd2), _div(mean_hat, sd2)),
                    (0.001, 100.0), (0.001, 100.0))
    s1 = mean_hat * (_div(mean_hat * (1 - mean_hat), sd2) - 1)
    s2 = _div(s1 * (1 - mean_hat), mean_hat)
    small = rpow1(10.0, -3.0)
    con["beta"] = ((s1, s2), (small, 40.0), (small, 40.0))
    if min(quants) >= 0:      # (R computes it also for negative quantiles, unused there)
        shape = _weibull_shape_start(mean_hat, sd_hat)
        scale = _div(mean_hat, nmath.gammafn(_div(shape + 1, shape)))
        con["weibull"] = ((shape, scale), (0.001, 100.0), (0.001, 100.0))
    return con


def _fit(family: str, con: dict, probs: tuple, quants: tuple, warns: list):
    start, b1, b2 = con[family]
    lo, hi = (b1[0], b2[0]), (b1[1], b2[1])
    fn = _objective(family, probs, quants, warns)
    try:
        res = optim_lbfgsb(fn, list(start), lower=list(lo), upper=list(hi))
    except (_RCondition, ValueError, ArithmeticError):
        return None
    return res


def _mean_sd(family: str, par: tuple) -> tuple[float, float]:
    """estmeansd's ``get.mean.sd`` for one family."""
    a, b = par
    if family == "normal":
        return a, b
    if family == "log-normal":
        return (rexp(a + b * b / 2),
                r_sqrt((rexp(b * b) - 1) * rexp(2 * a + b * b)))
    if family == "gamma":
        return a / b, r_sqrt(a / (b * b))
    if family == "weibull":
        g1 = nmath.gammafn(1 + 1 / a)
        return b * g1, r_sqrt(b * b * (nmath.gammafn(1 + 2 / a) - g1 * g1))
    s = a + b
    return a / s, r_sqrt(a * b / ((s * s) * (s + 1)))


def qe_mean_sd(mn=None, q1=None, med=None, q3=None, mx=None, n=None, *,
               rng=None) -> QEMeanSD:
    """``estmeansd::qe.mean.sd(min.val, q1.val, med.val, q3.val, max.val, n)``. ``rng``
    is accepted for the interface the Monte Carlo methods share and not used."""
    scenario = get_scenario(mn, q1, med, q3, mx)
    warns = list(check_errors(mn, q1, med, q3, mx, n, scenario))
    quants, _ = _quants(scenario, mn, q1, med, q3, mx)
    quants = tuple(float(x) for x in quants)
    if scenario == "S1":
        probs = (1 / n, 0.5, 1 - 1 / n)
    elif scenario == "S2":
        probs = (0.25, 0.5, 0.75)
    else:
        probs = (1 / n, 0.25, 0.5, 0.75, 1 - 1 / n)
    if all(x == 0 for x in quants):        # estmeansd's min(quants == 0)
        quants = tuple(rpow1(10.0, -2.0) if x == 0 else x for x in quants)
    con = _control(quants, n, scenario, warns)
    messages = []
    fits = {"normal": _fit("normal", con, probs, quants, warns)}
    if min(quants) < 0:
        messages.append(NEGATIVE_MESSAGE)
    else:
        for fam in FAMILIES[1:]:
            fits[fam] = _fit(fam, con, probs, quants, warns)
    values = tuple(math.nan if fits.get(f) is None else float(fits[f].value)
                   for f in FAMILIES)
    pars = tuple(None if fits.get(f) is None else tuple(float(v) for v in fits[f].par)
                 for f in FAMILIES)
    best = None
    for i, v in enumerate(values):
        if not math.isnan(v) and (best is None or v < values[best]):
            best = i
    if best is None:
        raise ValueError("argument is of length zero")
    family = FAMILIES[best]
    est_mean, est_sd = _mean_sd(family, pars[best])
    return QEMeanSD(est_mean, est_sd, family, values, pars, tuple(warns), tuple(messages))
