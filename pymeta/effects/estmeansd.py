"""Sample mean and SD from medians, quartiles and ranges: R package estmeansd 1.0.1.

R meta calls these for ``method.mean`` / ``method.sd`` "Cai" and "BC-McGrath":

* :func:`bc_mean_sd` is ``estmeansd::bc.mean.sd`` (McGrath et al. 2020, Box-Cox method,
  defaults ``preserve.tail = FALSE``, ``avoid.mc = FALSE``): the Box-Cox parameter from
  ``optimize`` on (-2, 3), location and scale from ``metaBLUE::Luo.mean`` /
  ``metaBLUE::Wan.std`` on the transformed summaries, then the mean and SD of
  ``rnorm(n + 1000, location, scale)`` draws, truncated symmetrically and transformed
  back.
* :func:`mln_mean_sd` is ``estmeansd::mln.mean.sd`` (Cai et al. 2021): the Box-Cox
  parameter maximising the order-statistics likelihood (``optimize`` on (0, 10),
  ``tol = 0.001``), the normal parameters by ``optim`` (Nelder-Mead) from the Luo/Wan
  start, then the mean and SD of 10,000 ``rnorm`` draws, truncated and transformed back.

Both are Monte Carlo methods on R's global random stream: R's result depends on the
state of that stream. Here the stream is an explicit :class:`~pymeta.model.rrng.RRandom`
(``RRandom(s)`` is R's ``set.seed(s)``), so the same state gives R's doubles. "QE-McGrath"
(``qe.mean.sd``: L-BFGS-B fits of five distributions, no random numbers) is in
:mod:`pymeta.effects.qe`; :func:`estimate` runs all three in meta's loop.
"""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..model import nmath
from ..model.optimize import nelder_mead, optimize
from ..model.rmath import r_sum, rexp, rlog, rpow, rpow1
from ..model.rrng import RRandom
from . import approx as _approx     # meta's Luo means (approx imports this module too)

__all__ = ["bc_mean_sd", "mln_mean_sd", "EstMeanSD", "RStream", "estimate", "MONTE_CARLO", "r_mean",
           "r_sd"]

_M_LN_SQRT_2PI = 0.918938533204672741780329736406


@dataclass(frozen=True)
class EstMeanSD:
    """``est.mean``, ``est.sd`` and the fitted ``location``, ``scale``, ``shape``
    (estmeansd's names); ``warnings``: R's warnings from the call, in order."""
    est_mean: float
    est_sd: float
    location: float
    scale: float
    shape: float
    warnings: tuple = ()


# -- R's mean() and sd() ---------------------------------------------------------------
def r_mean(x: np.ndarray) -> float:
    """R's ``mean(x)`` for doubles (summary.c): long-double sum over n, then one
    long-double correction pass."""
    x = np.asarray(x, dtype=float)
    n = x.size
    if n == 0:
        return math.nan
    xl = x.astype(np.longdouble)
    s = np.add.accumulate(xl)[-1] / n
    if math.isfinite(float(s)):
        t = np.add.accumulate(xl - s)[-1]
        s = s + t / n
    return float(s)


def r_sd(x: np.ndarray) -> float:
    """R's ``sd(x)`` = ``sqrt(var(x))`` (cov.c: long-double mean with one correction
    pass, rounded to double, then the long-double sum of squared deviations over n - 1)."""
    x = np.asarray(x, dtype=float)
    n = x.size
    if n < 2:
        return math.nan
    xl = x.astype(np.longdouble)
    tmp = np.add.accumulate(xl)[-1] / n
    if math.isfinite(float(tmp)):
        tmp = tmp + np.add.accumulate(xl - tmp)[-1] / n
    xm = np.longdouble(float(tmp))
    dev = xl - xm
    ss = np.add.accumulate(dev * dev)[-1]
    return math.sqrt(float(ss / (n - 1)))


# -- estmeansd's checks ------------------------------------------------------------------
def _given(*v) -> bool:
    return all(x is not None and not math.isnan(x) for x in v)


def get_scenario(mn, q1, med, q3, mx) -> str:
    """estmeansd ``get.scenario``: S3 (all five), S2 (quartiles), S1 (range)."""
    if _given(mn, q1, med, q3, mx):
        return "S3"
    if _given(q1, med, q3):
        return "S2"
    if _given(mn, med, mx):
        return "S1"
    raise ValueError("Summary measures not in appropriate form. See documentation for\n"
                     "       appropriate forms.")


def _fmt(v) -> str:
    return format(v, ".15g")


def _quants(scenario, mn, q1, med, q3, mx):
    return {"S1": ((mn, med, mx), ("min.val", "med.val", "max.val")),
            "S2": ((q1, med, q3), ("q1.val", "med.val", "q3.val")),
            "S3": ((mn, q1, med, q3, mx),
                   ("min.val", "q1.val", "med.val", "q3.val", "max.val"))}[scenario]


def check_errors(mn, q1, med, q3, mx, n, scenario) -> tuple:
    """estmeansd ``check_errors``: R's stops as ValueError; returns R's warnings."""
    if n is None or math.isnan(n) or n < 3 or n > 1e6:
        raise ValueError("Value of n must be between 3 and 1,000,000")
    vals, names = _quants(scenario, mn, q1, med, q3, mx)
    listed = ", ".join(names[:-1]) + ", and " + names[-1]
    shown = " ".join(_fmt(v) for v in vals)
    if any(b < a for a, b in zip(vals, vals[1:])):
        raise ValueError(f"The quantiles are not in increasing order. The values of {listed} "
                         f"are: {shown}")
    if len(set(vals)) < len(vals):
        return (f"Some of the quantiles are equal to each other. This can result in "
                f"unexpected behaviour of the method. The values of {listed} are: {shown}",)
    return ()


# -- metaBLUE's Luo.mean and Wan.std -----------------------------------------------------


def luo_mean(X, n: float, scenario: str) -> float:
    """``metaBLUE::Luo.mean(X, n, type)$muhat`` (Luo et al. 2018): the formulas and
    operation order of meta's own Luo means (:func:`pymeta.effects.approx.luo_mean`)."""
    if scenario == "S1":
        return float(_approx.luo_mean(n, X[1], mn=X[0], mx=X[2]))
    if scenario == "S2":
        return float(_approx.luo_mean(n, X[1], X[0], X[2]))
    return float(_approx.luo_mean(n, X[2], X[1], X[3], X[0], X[4]))


def wan_std(X, n: float, scenario: str) -> float:
    """``metaBLUE::Wan.std(X, n, type)$sigmahat`` (Wan et al. 2014)."""
    if scenario == "S1":
        return (X[2] - X[0]) / (2 * nmath.qnorm((n - 0.375) / (n + 0.25)))
    if scenario == "S2":
        return (X[2] - X[0]) / (2 * nmath.qnorm((0.75 * n - 0.125) / (n + 0.25)))
    tao = 2 * nmath.qnorm((n - 0.375) / (n + 0.25))
    eta = 2 * nmath.qnorm((0.75 * n - 0.125) / (n + 0.25))
    return 0.5 * (X[4] - X[0]) / tao + 0.5 * (X[3] - X[1]) / eta


# -- R scalar helpers --------------------------------------------------------------------
def _log(x: float) -> float:
    """R's ``log`` on one double (:func:`pymeta.model.rmath.rlog`)."""
    return float(rlog(x))


def _sign(x: float) -> float:
    if math.isnan(x):
        return x
    return 1.0 if x > 0 else (-1.0 if x < 0 else 0.0)


def _rnorm(rng: RRandom, m: int, mu: float, sigma: float) -> np.ndarray:
    """R's ``rnorm(m, mu, sigma)`` (nmath/rnorm.c): NaN without a draw for an NA mean
    or a negative / non-finite sigma; ``mu`` without a draw for sigma = 0."""
    if math.isnan(mu) or not math.isfinite(sigma) or sigma < 0.0:
        return np.full(m, math.nan)
    if sigma == 0.0 or not math.isfinite(mu):
        return np.full(m, mu)
    return mu + sigma * rng.normals(m)


def _length(v: float) -> int:
    """R's vector length from a double (``asVecSize``: truncation)."""
    return int(math.trunc(v))


def _dnorm_log(x: float, mu: float, sigma: float) -> float:
    """R's ``dnorm(x, mu, sigma, log = TRUE)`` (nmath/dnorm.c)."""
    if math.isnan(x) or math.isnan(mu) or math.isnan(sigma):
        return x + mu + sigma
    if sigma < 0:
        return math.nan
    if not math.isfinite(sigma):
        return -math.inf
    if not math.isfinite(x) and mu == x:
        return math.nan
    if sigma == 0:
        return math.inf if x == mu else -math.inf
    z = (x - mu) / sigma
    if not math.isfinite(z):
        return -math.inf
    z = abs(z)
    if z >= 2 * math.sqrt(1.7976931348623157e308):
        return -math.inf
    return -(_M_LN_SQRT_2PI + 0.5 * z * z + math.log(sigma))


def _pnorm(x: float, mu: float, sigma: float, lower: bool = True, log_p: bool = False) -> float:
    """R's ``pnorm(x, mu, sigma, lower.tail, log.p)`` (nmath/pnorm.c, pnorm5)."""
    if math.isnan(x) or math.isnan(mu) or math.isnan(sigma):
        return x + mu + sigma
    if not math.isfinite(x) and mu == x:
        return math.nan
    lo, hi = ((-math.inf if log_p else 0.0), (0.0 if log_p else 1.0))
    if sigma <= 0:
        if sigma < 0:
            return math.nan
        return (lo if lower else hi) if x < mu else (hi if lower else lo)
    p = (x - mu) / sigma
    if not math.isfinite(p):
        return (lo if lower else hi) if x < mu else (hi if lower else lo)
    return nmath.pnorm(p, lower_tail=lower, log_p=log_p)


# -- BC method (McGrath et al. 2020) ------------------------------------------------------
def _smooth_bc(vals, lam: float) -> list:
    if abs(lam) < 1e-8:
        return [_log(v) for v in vals]
    return [(_sign(v) * rpow1(abs(v), lam) - 1) / lam for v in vals]


def _div(a: float, b: float) -> float:
    """C's a / b (IEEE: x/0 is +-Inf, 0/0 NaN)."""
    try:
        return a / b
    except ZeroDivisionError:
        if math.isnan(a) or a == 0:
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)


def _find_lambda(quants, scenario: str, warns: list) -> float:
    lq = [_log(v) for v in quants]
    if scenario == "S3":
        lmin, lq1, lmed, lq3, lmax = lq
        t1 = _div(lq3 - lmed, lmed - lq1) - 1
        t2 = _div(lmax - lmed, lmed - lmin) - 1
        ratio = t1 * t1 + t2 * t2
    else:
        a, m, b = lq
        t = _div(b - m, m - a) - 1
        ratio = t * t
    if math.isnan(ratio):    # R's `if (abs(ratio.diff) < 1e-8)` on NA
        raise ValueError("missing value where TRUE/FALSE needed (in estmeansd::bc.mean.sd: "
                         "the summaries give no finite log ratio)")
    if abs(ratio) < 1e-8:
        return 0.0

    def err(lam):
        t = _smooth_bc(quants, lam)
        if scenario == "S3":
            u1 = _div(t[3] - t[2], t[2] - t[1]) - 1
            u2 = _div(t[4] - t[2], t[2] - t[0]) - 1
            return u1 * u1 + u2 * u2
        u = _div(t[2] - t[1], t[1] - t[0]) - 1
        return u * u
    res = optimize(err, -2.0, 3.0)
    if res.nonfinite:
        warns.append("NA/Inf replaced by maximum positive value")
    return res.x


def _round_lambda(lam: float) -> float:
    return 0.0 if abs(lam) < 1e-8 else max(0.0, lam)


def _inv_bc(x: np.ndarray, lam: float) -> np.ndarray:
    with np.errstate(all="ignore"):
        if abs(lam) < 1e-8:
            return rexp(x)
        a = x * lam + 1
        return np.sign(a) * rpow(np.abs(a), 1 / lam)


def bc_mean_sd(mn=None, q1=None, med=None, q3=None, mx=None, n=None, *,
               rng: RRandom) -> EstMeanSD:
    """``estmeansd::bc.mean.sd(min.val, q1.val, med.val, q3.val, max.val, n)``."""
    scenario = get_scenario(mn, q1, med, q3, mx)
    warns = list(check_errors(mn, q1, med, q3, mx, n, scenario))
    quants, _ = _quants(scenario, mn, q1, med, q3, mx)
    lam = _round_lambda(_find_lambda(quants, scenario, warns))
    tv = _smooth_bc(quants, lam)
    location = luo_mean(tv, n, scenario)
    scale = wan_std(tv, n, scenario)
    shape = lam
    draws = _rnorm(rng, _length(n + 1e3), location, scale)
    with np.errstate(invalid="ignore"):
        if shape >= 1e-8:
            keep = (draws >= -1 / shape) & (draws <= 2 * location + 1 / shape)
            draws = draws[keep]
    vals = _inv_bc(draws, shape)
    return EstMeanSD(r_mean(vals), r_sd(vals), location, scale, shape, tuple(warns))


# -- Cai et al. (2021) --------------------------------------------------------------------
def _boxcox(lam: float, x: float) -> float:
    if lam == 0:
        return _log(x)
    return (rpow1(x, lam) - 1) / lam


def _order_loglik(scenario: str, n: float) -> Callable:
    """The log-likelihood of the reported order statistics under N(mu, sigma) (the
    expression ``mln.mean.sd`` writes out for each scenario)."""
    h = math.floor(0.25 * n + 1)
    j = math.floor(0.5 * n + 1)
    k = math.floor(0.75 * n + 1)

    def loglik(t, mu, sigma):
        dens = r_sum(np.array([_dnorm_log(v, mu, sigma) for v in t]))
        P = _pnorm
        if scenario == "S1":
            mnl, medl, mxl = t
            return (dens + (j - 2) * _log(P(medl, mu, sigma) - P(mnl, mu, sigma))
                    + (n - j - 1) * _log(P(mxl, mu, sigma) - P(medl, mu, sigma)))
        if scenario == "S2":
            q1l, medl, q3l = t
            return (dens + (h - 1) * P(q1l, mu, sigma, log_p=True)
                    + (j - h - 1) * _log(P(medl, mu, sigma) - P(q1l, mu, sigma))
                    + (k - j - 1) * _log(P(q3l, mu, sigma) - P(medl, mu, sigma))
                    + (n - k) * P(q3l, mu, sigma, lower=False, log_p=True))
        mnl, q1l, medl, q3l, mxl = t
        return (dens + (h - 2) * _log(P(q1l, mu, sigma) - P(mnl, mu, sigma))
                + (j - h - 1) * _log(P(medl, mu, sigma) - P(q1l, mu, sigma))
                + (k - j - 1) * _log(P(q3l, mu, sigma) - P(medl, mu, sigma))
                + (n - k - 1) * _log(P(mxl, mu, sigma) - P(q3l, mu, sigma)))
    return loglik


def mln_mean_sd(mn=None, q1=None, med=None, q3=None, mx=None, n=None, *,
                rng: RRandom) -> EstMeanSD:
    """``estmeansd::mln.mean.sd(min.val, q1.val, med.val, q3.val, max.val, n)``."""
    scenario = get_scenario(mn, q1, med, q3, mx)
    warns = list(check_errors(mn, q1, med, q3, mx, n, scenario))
    quants, _ = _quants(scenario, mn, q1, med, q3, mx)
    loglik = _order_loglik(scenario, n)

    def profile(lam):
        t = [_boxcox(lam, v) for v in quants]
        return loglik(t, luo_mean(t, n, scenario), wan_std(t, n, scenario))
    try:   # R: tryCatch(..., error = NULL), so R's error is that NULL is not a function
        lam = _round_lambda(optimize(profile, 0.0, 10.0, tol=0.001, maximum=True).x)
        t = [_boxcox(lam, v) for v in quants]
        start = (luo_mean(t, n, scenario), wan_std(t, n, scenario))
        fit = nelder_mead(lambda th: -loglik(t, th[0], th[1]), start)
    except ValueError as exc:
        raise ValueError(f"attempt to apply non-function (in estmeansd::mln.mean.sd, whose "
                         f"optimiser stopped: {exc})") from None
    mu, sigma = fit.par
    draws = _rnorm(rng, 10000, mu, sigma)
    with np.errstate(all="ignore"):
        if lam != 0:
            draws = draws[(draws > -1 / lam) & (draws < 2 * mu + 1 / lam)]
            vals = rpow(lam * draws + 1, 1 / lam)
        else:
            vals = rexp(draws)
    return EstMeanSD(r_mean(vals), r_sd(vals), mu, sigma, lam, tuple(warns))


class RStream:
    """R's global random stream as one analysis sees it (``RRandom(seed)`` is
    ``set.seed(seed)``; None: an unpredictable start, as an unseeded R session), and the
    warnings estmeansd raised on it, in order."""

    def __init__(self, seed: int | None = None):
        self.rng = RRandom(seed)
        self.warnings: list = []
        self.messages: list = []
        self.used = False
        #: "QE-McGrath" results by input: R calls qe.mean.sd once for the mean and again
        #: for the SD; it draws nothing, so the second call's numbers are the first's
        self.qe: dict = {}


#: meta's ``method.mean`` / ``method.sd`` values computed here, and their estmeansd function.
MONTE_CARLO = {"BC-McGrath": bc_mean_sd, "Cai": mln_mean_sd}


def estimate(method: str, want: str, n: np.ndarray, stream: RStream | None, **cols) -> np.ndarray:
    """meta's loop ``for (i in seq_len(k)) x[i] <- estmeansd::<fun>(...)$est.<want>``
    over the studies, in order, on one stream. ``cols``: the summaries meta passes
    (``min``, ``q1``, ``med``, ``q3``, ``max``), arrays of n's length. "QE-McGrath"
    (:mod:`pymeta.effects.qe`) draws nothing; its messages are kept with the warnings."""
    if method == "QE-McGrath":
        from .qe import qe_mean_sd as fun
    else:
        fun = MONTE_CARLO[method]
    if stream is None:
        stream = RStream()
    names = {"min": "mn", "q1": "q1", "median": "med", "q3": "q3", "max": "mx"}
    out = np.empty(n.size)
    stream.used = stream.used or (n.size > 0 and method in MONTE_CARLO)
    for i in range(n.size):
        kw = {names[k]: float(v[i]) for k, v in cols.items()}
        if method == "QE-McGrath":
            key = (tuple(sorted(kw.items())), float(n[i]))
            res = stream.qe.get(key)
            if res is None:
                res = stream.qe[key] = fun(**kw, n=float(n[i]))
        else:
            res = fun(**kw, n=float(n[i]), rng=stream.rng)
        stream.warnings.extend(res.warnings)
        stream.messages.extend(getattr(res, "messages", ()))
        out[i] = res.est_mean if want == "mean" else res.est_sd
    return out


def continued(stream: RStream) -> RStream:
    """A copy of ``stream`` at its current position, with no warnings and no draws yet: the
    global stream as R leaves it after one analysis, for the next (``update``)."""
    out = copy.deepcopy(stream)
    out.warnings, out.messages, out.used = [], [], False
    return out


def make_stream(seed) -> RStream:
    """The stream for pymeta's ``seed_estmeansd`` argument (an integer as R's
    ``set.seed`` takes it, truncated; None: a fresh start whose seed the note reports)."""
    if isinstance(seed, RStream):      # a stream continued (subgroups, see api.subgroup)
        return seed
    if seed is None:
        return RStream(None)
    if (isinstance(seed, (bool, np.bool_, str)) or not isinstance(seed, (int, float, np.integer,
                                                                          np.floating))
            or not math.isfinite(seed)):
        raise ValueError("Argument 'seed_estmeansd' must be a single finite number (the "
                         "value R's set.seed() would get before the call).")
    return RStream(int(math.trunc(seed)))


def note(stream: RStream, fun: str) -> str:
    """The note a result carries when estmeansd drew random numbers."""
    return (f"Means / standard deviations approximated by Monte Carlo (R package "
            f"estmeansd) on R's random stream started by set.seed({stream.rng.seed}): "
            f"R gives the same values after set.seed({stream.rng.seed}); {fun}(..., "
            f"seed_estmeansd = {stream.rng.seed}) reproduces them.")


def report(stream: RStream, warn, fun: str) -> None:
    """Hand estmeansd's warnings (R's, in order) and, where it drew, the seed note to the
    analysis' :class:`~pymeta.api._args.Warn`, and clear them from the stream (the
    subgroup analyses continue it, see :mod:`pymeta.api.subgroup`)."""
    for msg in stream.warnings:
        warn.warn(msg)
    for msg in stream.messages:
        warn.note(f"estmeansd: {msg}")
    # handed on once: a subgroup analysis continuing this stream reports only its own
    stream.warnings, stream.messages = [], []
    if stream.used:
        warn.note(note(stream, fun))
