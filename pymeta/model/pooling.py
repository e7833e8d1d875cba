"""Inverse-variance pooling: the model step every meta function ends in (R's ``metagen``).

Given study estimates ``TE`` and standard errors ``seTE`` (NaN = missing), this module
computes the common effect estimate, the between-study variance, the random effects
estimate with its confidence interval(s), the prediction interval(s) and the
heterogeneity statistics, following R meta 8.5 ``R/metagen.R`` section (12)-(13) and
``R/hetcalc.R`` step by step (same order of operations, same NA rules). The
Kenward-Roger pieces follow meta's ``R/kenwardroger.R`` (Partlett & Riley 2017), the
Hartung-Knapp ones Knapp & Hartung (2003).

Everything here is a pure function of numpy arrays and a :class:`ModelOptions`.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np

from . import genq
from . import tau2 as tau2_mod
from . import rmafit, usw
from .heterogeneity import Interval, calc_H, calc_Rb, isquared, pval_Q
from .intervals import ci
from .rmath import r_sqrt, r_sum, rpow, rsum, weighted_mean

__all__ = ["ModelOptions", "hetcalc", "kenwardroger", "pool"]

NA = math.nan


@dataclass(frozen=True)
class ModelOptions:
    """Resolved model arguments (R meta's names, "." -> "_")."""
    method_tau: str = "REML"
    method_tau_ci: str = "QP"
    method_I2: str = "Q"
    method_common_ci: str = "classic"
    method_random_ci: tuple = ("classic",)
    adhoc_hakn_ci: tuple = ("",)
    method_predict: tuple = ("V",)
    adhoc_hakn_pi: tuple = ("",)
    level_ma: float = 0.95
    level_hetstat: float = 0.95
    level_predict: float = 0.95
    null_effect: float = 0.0
    TE_tau: float | None = None
    tau_preset: float | None = None
    #: user-specified weights (meta's ``weights.common`` / ``weights.random``), all studies
    weights_common: tuple | None = None
    weights_random: tuple | None = None
    #: the user gave ad hoc corrections with ``weights.random``: meta warns and drops them
    usw_adhoc_dropped: bool = False
    control: dict = field(default_factory=dict)
    #: metagen's ``keeprma``: keep metafor's fits with user weights (``rma.usw.c`` / ``.r``)
    keeprma: bool = False
    #: ``seed.predict`` for ``method.predict = "NNF"`` (None: R's ``set.seed(NULL)``)
    seed_predict: float | None = None
    #: R's global random stream as the analysis sees it (an estmeansd ``RStream``, None:
    #: not needed): the NNF bootstrap's ``set.seed`` restarts it, and R draws the
    #: approximations of later analyses (subgroups) from where the bootstrap left it
    stream: object = field(default=None, compare=False, repr=False)


# ----------------------------------------------------------------------------- hetcalc

def hetcalc(TE, seTE, opts: ModelOptions) -> dict:
    """Between-study variance, its CI, Q, H and I2 (meta's ``hetcalc`` without subgroups).

    Studies with a missing or infinite ``TE`` or ``seTE`` are left out first, as in R.
    """
    TE = np.asarray(TE, dtype=float)
    seTE = np.asarray(seTE, dtype=float)
    finite = ~np.isinf(TE) & ~np.isinf(seTE)
    TE, seTE = TE[finite], seTE[finite]
    ok = ~(np.isnan(TE) | np.isnan(seTE))
    TE, seTE = TE[ok], seTE[ok]
    k = TE.size
    method_tau_ci = opts.method_tau_ci
    level = opts.level_hetstat
    out = dict(tau2=NA, se_tau2=NA, lower_tau2=NA, upper_tau2=NA, tau=NA,
               lower_tau=NA, upper_tau=NA, sign_lower_tau="", sign_upper_tau="")

    if opts.TE_tau is not None and opts.method_tau == "DL":
        return _flatten_het(_hetcalc_te_tau(TE, seTE, opts.TE_tau, level, out))

    if k < 2:
        Q = NA if k == 0 else 0.0
        df_Q = 0.0
        H, I2 = calc_H(Q, df_Q, level), isquared(Q, df_Q, level)
        out.update(Q=Q, df_Q=df_Q, pval_Q=pval_Q(Q, df_Q), method_tau_ci="",
                   H=H, I2=I2)
        return _flatten_het(out)

    vi = seTE ** 2
    fit = _estimate_tau2(TE, vi, opts.method_tau, opts.control)
    w = 1 / vi
    Q = rsum(w * (TE - weighted_mean(TE, w)) ** 2)
    df_Q = float(k - 1)
    out.update(tau2=fit.tau2, se_tau2=fit.se_tau2, tau=math.sqrt(fit.tau2),
               Q=Q, df_Q=df_Q, pval_Q=pval_Q(Q, df_Q))
    if df_Q < 1:
        method_tau_ci = ""

    ci0 = None
    if method_tau_ci == "QP":
        ci0 = tau2_mod.tau2_ci_qprofile(TE, vi, fit.tau2, level=level, control=opts.control)
    elif method_tau_ci == "BJ":  # GENQ fit with weights 1/seTE^2, then its confint
        ci0 = genq.tau2_ci_bj(TE, seTE, level=level, control=opts.control)
    elif method_tau_ci == "J":   # GENQ fit with weights 1/seTE
        ci0 = genq.tau2_ci_j(TE, seTE, level=level, control=opts.control)
    elif method_tau_ci != "":
        raise NotImplementedError(f"method.tau.ci = '{method_tau_ci}' is not implemented yet")

    if opts.method_I2 == "Q":
        H, I2 = calc_H(Q, df_Q, level), isquared(Q, df_Q, level)
    else:  # "tau2": metafor's x$H2 and x$I2 (from tau2 and the typical within-study variance)
        H = Interval(r_sqrt(fit.H2), NA, NA)
        I2 = Interval(fit.I2 / 100, NA, NA)
        if ci0 is not None:
            H = Interval(H.TE, r_sqrt(ci0.lower_H2), r_sqrt(ci0.upper_H2))
            I2 = Interval(I2.TE, ci0.lower_I2 / 100, ci0.upper_I2 / 100)

    if ci0 is not None:
        out.update(lower_tau2=ci0.lower_tau2, upper_tau2=ci0.upper_tau2,
                   lower_tau=ci0.lower_tau, upper_tau=ci0.upper_tau,
                   sign_lower_tau=ci0.lb_sign, sign_upper_tau=ci0.ub_sign)
    out.update(method_tau_ci=method_tau_ci, H=H, I2=I2)
    return _flatten_het(out)


def _r_recycle(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two vectors as R's arithmetic recycles them: both to the longer length (none when
    either is empty), with R's warning when that is not a multiple of the shorter."""
    if a.size == 0 or b.size == 0:
        return np.empty(0), np.empty(0)
    n = max(a.size, b.size)
    if n % a.size or n % b.size:
        warnings.warn("longer object length is not a multiple of shorter object length",
                      tau2_mod.MetaforWarning, stacklevel=3)
    return np.resize(a, n), np.resize(b, n)


def _hetcalc_te_tau(TE, seTE, TE_tau, level: float, out: dict) -> dict:
    """meta's hetcalc with ``TE.tau`` and DL (as RevMan 5, e.g. metabin's Q.Cochrane): Q
    around the given estimate, tau2 = (Q - df) / C (0 if Q <= df, NA if df = 0), no tau2
    CI, H and I2 from that Q. A vector ``TE.tau`` is recycled as R's
    ``sum(w.common * (TE - TE.tau)^2, na.rm = TRUE)`` recycles it (missing values are
    dropped from the sum); character values stop there."""
    tt = np.atleast_1d(np.asarray(TE_tau, dtype=object))
    if any(isinstance(v, str) for v in tt):
        raise ValueError("non-numeric argument to binary operator")
    with np.errstate(all="ignore"):
        w = 1 / (seTE * seTE)
    w[np.isnan(w)] = 0.0
    te, tt = _r_recycle(TE, tt.astype(float))
    d = te - tt
    wr, d2 = _r_recycle(w, d * d)
    Q = rsum(wr * d2)
    df_Q = float(np.count_nonzero(~np.isnan(seTE)) - 1)
    if df_Q == 0:
        tau2 = NA
    elif Q <= df_Q:   # R: round(Q, digits = 18) <= df.Q; rounding to 18 decimals is moot here
        tau2 = 0.0
    else:
        sw = np.float64(rsum(w))
        with np.errstate(all="ignore"):
            C = sw - np.float64(rsum(w * w)) / sw
            tau2 = float(np.float64(Q - df_Q) / C)
    out.update(tau2=tau2, tau=math.sqrt(tau2) if tau2 >= 0 else NA, Q=Q, df_Q=df_Q,
               pval_Q=pval_Q(Q, df_Q), method_tau_ci="",
               H=calc_H(Q, df_Q, level), I2=isquared(Q, df_Q, level))
    return out


def _estimate_tau2(TE, vi, method_tau: str, control: dict):
    """metafor ``rma.uni(yi = TE, vi = vi, method = method.tau, control)`` (tau2, se.tau2)."""
    if method_tau not in tau2_mod.TAU2_METHODS:
        raise NotImplementedError(f"method.tau = '{method_tau}' is not implemented yet")
    return tau2_mod.estimate_tau2(TE, vi, method_tau, control=control or None)


def _flatten_het(out: dict) -> dict:
    H, I2 = out.pop("H"), out.pop("I2")
    out.update(H=H.TE, lower_H=H.lower, upper_H=H.upper,
               I2=I2.TE, lower_I2=I2.lower, upper_I2=I2.upper)
    return out


# ------------------------------------------------------------------------ Kenward-Roger

def kenwardroger(w_random) -> tuple[float, float]:
    """(se, df) of the Kenward-Roger adjusted random effects estimate (meta ``kenwardroger``)."""
    w = np.asarray(w_random, dtype=float)
    w1p, w2p, w3p = (np.float64(v) for v in (rsum(w), rsum(w * w), rsum(rpow(w, 3))))
    with np.errstate(all="ignore"):
        r21 = np.float64(w2p) / w1p
        IE = w2p * 0.5 - w3p / w1p + 0.5 * (r21 * r21)
        var = (1 + 2 * (w3p / w1p - r21 * r21) / np.float64(IE)) / w1p
        vw = var * w2p
        df = 2 * IE / (vw * vw)
    se = math.sqrt(var) if not math.isnan(var) and var >= 0 else NA
    return se, float(df)


# ------------------------------------------------------------------------------ pooling

def _r_if(a: float, op: str, b: float, what: str) -> bool:
    """An R ``if`` on a numeric comparison: NA/NaN stops, as R's 'missing value where
    TRUE/FALSE needed' error does."""
    if math.isnan(a) or math.isnan(b):
        raise ValueError(f"{what} is undefined (NaN), so R meta stops here with "
                         "'missing value where TRUE/FALSE needed'.")
    return a < b if op == "<" else a > b


def _recycle(values: tuple, methods: tuple, which: str, name: str) -> tuple[tuple, tuple]:
    """meta's recycling of ``adhoc.hakn.*`` against the ``method.*`` vector."""
    n_hk = sum(m == which for m in methods)
    if len(values) == 1:
        return methods, tuple(values[0] if m == which else "" for m in methods)
    if len(values) == n_hk:
        it = iter(values)
        return methods, tuple(next(it) if m == which else "" for m in methods)
    if len(methods) == 1 and methods[0] == which:
        return (which,) * len(values), tuple(values)
    if len(values) == len(methods):   # one per method, as given
        return methods, tuple(values)
    if name == "adhoc.hakn.ci":
        raise ValueError("Argument 'adhoc.hakn.ci' must be of same length as "
                         "'method.random.ci' or number of meta-analyses with Hartung-Knapp "
                         "method")
    raise ValueError("Argument 'adhoc.hakn.pi' must be of same length as 'method.predict' "
                     "or number of prediction intervals using Hartung-Knapp method")


def _nnf_interval(TE, seTE, level_predict: float, seed, TE_random: float, stream=None):
    """meta's NNF prediction interval: ``pimeta::pima(TE[!exclude], seTE[!exclude],
    method = "boot", alpha = 1 - level.predict, seed = seed.predict)``'s ``lpi``, ``upi``
    and ``nup`` (df); the standard error is NA (metagen.R). ``stream``: see
    :attr:`ModelOptions.stream`."""
    from dataclasses import replace
    from . import nnf
    res = nnf.pima_boot(TE, seTE, alpha=1 - level_predict, seed=r_seed(seed), stream=stream)
    base = ci(TE_random, NA, level_predict)
    return replace(base, seTE=np.float64(NA), lower=np.float64(res.lower),
                   upper=np.float64(res.upper), df=np.float64(res.df))


def r_seed(seed):
    """R's ``set.seed(seed)`` argument as the integer R uses (``as.integer``: truncation;
    NULL stays None, a fresh random start)."""
    if seed is None:
        return None
    v = np.asarray(seed, dtype=float).ravel()
    if v.size == 0:
        return None
    x = float(v[0])
    if math.isnan(x) or abs(x) >= 2147483648.0:
        raise ValueError("supplied seed is not a valid integer")
    return int(x)


def pool(TE, seTE, exclude, opts: ModelOptions) -> dict:
    """Common and random effects meta-analysis of ``TE``/``seTE`` (meta ``metagen`` (12)-(13)).

    Returns a dict with R meta's field names ("." -> "_").
    """
    TE = np.asarray(TE, dtype=float)
    seTE = np.asarray(seTE, dtype=float)
    exclude = np.asarray(exclude, dtype=bool)
    k_all = TE.size
    usable = ~np.isnan(TE) & ~np.isnan(seTE) & ~exclude
    k = int(usable.sum())
    method_random_ci = tuple(opts.method_random_ci)
    method_predict = tuple(opts.method_predict)
    adhoc_ci, adhoc_pi = tuple(opts.adhoc_hakn_ci), tuple(opts.adhoc_hakn_pi)
    res: dict = {}

    if k == 0:
        res.update(_empty_fit(k_all))
        res.update(k=0, method_random_ci=method_random_ci, method_predict=method_predict,
                   adhoc_hakn_ci=adhoc_ci, adhoc_hakn_pi=adhoc_pi)
        return _finish_predict(res)

    if k == 1:
        method_random_ci = tuple("classic" if m in ("HK", "KR") else m for m in method_random_ci)
        method_predict = tuple("V" if m in ("HK", "KR") else m for m in method_predict)
        adhoc_ci = ("",)
        adhoc_pi = ("",)

    hc = hetcalc(TE[~exclude], seTE[~exclude], opts)
    tau2_fit = hc["tau2"]   # the estimate before tau.preset (user weights' metafor fit)
    given = (method_random_ci, method_predict, adhoc_ci, adhoc_pi)  # before any recycling
    if opts.tau_preset is None:
        tau2_calc = 0.0 if math.isnan(hc["tau2"]) else hc["tau2"]
    else:  # R estimates (and warns) as usual, then overwrites with the preset value
        tau2_calc = opts.tau_preset ** 2
        hc.update(tau2=tau2_calc, se_tau2=NA, lower_tau2=NA, upper_tau2=NA,
                  tau=opts.tau_preset, lower_tau=NA, upper_tau=NA, method_tau_ci="",
                  sign_lower_tau="", sign_upper_tau="")

    # Common effect model (Cooper & Hedges 1994, p. 265-6); with user weights R fits
    # metafor's model here instead (its warnings before the random effects block's)
    usw_common = (None if opts.weights_common is None
                  else _marked(_usw_common, TE, seTE, usable, opts))
    with np.errstate(all="ignore"):
        w_common = 1 / seTE ** 2
    w_common[np.isnan(w_common) | np.isnan(TE) | exclude] = 0
    TE_common = weighted_mean(TE, w_common)
    if opts.method_common_ci == "classic":
        seTE_common = math.sqrt(1 / rsum(w_common)) if rsum(w_common) > 0 else math.inf
    else:  # IVhet (Doi et al. 2015)
        sw = rsum(w_common)
        with np.errstate(all="ignore"):   # R's sum() here has no na.rm: NA seTE -> NA
            seTE_common = float(np.sqrt(r_sum((w_common / sw) ** 2 * (seTE ** 2 + tau2_calc))))
    cc = ci(TE_common, seTE_common, opts.level_ma, null_effect=opts.null_effect)

    # Random effects model (Cooper & Hedges 1994, p. 265, 274-5)
    with np.errstate(all="ignore"):
        w_random = 1 / (seTE ** 2 + tau2_calc)
    w_random[np.isnan(w_random) | np.isnan(TE) | exclude] = 0
    TE_random = weighted_mean(TE, w_random)
    sw_random = rsum(w_random)
    seTE_classic = math.sqrt(1 / sw_random) if sw_random > 0 else math.inf

    seTE_kero, df_kero = kenwardroger(w_random)
    if "KR" in method_random_ci or "KR" in method_predict:
        if math.isnan(df_kero):  # R: is.nan(seTE.kero) | is.nan(df.kero); se is NA, never NaN
            method_random_ci = tuple("classic-KR" if m == "KR" else m for m in method_random_ci)
            method_predict = tuple("V-KR" if m == "KR" else m for m in method_predict)

    df_hakn = k - 1
    with np.errstate(all="ignore"):
        q = float(np.float64(1) / np.float64(k - 1) * rsum(w_random * (TE - TE_random) ** 2))
        seTE_hakn = float(np.sqrt(np.float64(q) / sw_random))

    # With user-specified random effects weights R's metagen runs none of the classic CI /
    # PI code below (nor its stops: recycling, if (NA)); _usw_random fills those fields.
    usw_random = opts.weights_random is not None
    if not usw_random:
        method_random_ci, adhoc_ci = _recycle(adhoc_ci, method_random_ci, "HK",
                                              "adhoc.hakn.ci")
    n_ci = len(method_random_ci)
    seTE_hakn_adhoc_ci = [seTE_hakn] * n_ci
    df_hakn_ci = [float(df_hakn)] * n_ci
    rows = [] if not usw_random else [ci(TE_random, NA, opts.level_ma)] * n_ci
    for i, m in enumerate(method_random_ci if not usw_random else ()):
        if m in ("classic", "classic-KR"):
            r = ci(TE_random, seTE_classic, opts.level_ma, null_effect=opts.null_effect)
            seTE_hakn_adhoc_ci[i] = NA
        elif m == "HK":
            a = adhoc_ci[i]
            if a == "se":
                if _r_if(q, "<", 1, "Hartung-Knapp q (adhoc.hakn.ci = 'se')"):
                    seTE_hakn_adhoc_ci[i] = seTE_classic
            elif a == "ci":
                hk = ci(TE_random, seTE_hakn, opts.level_ma, df=df_hakn_ci[i])
                re = ci(TE_random, seTE_classic, opts.level_ma)
                if _r_if(float(hk.upper - hk.lower), "<", float(re.upper - re.lower),
                         "The Hartung-Knapp CI width (adhoc.hakn.ci = 'ci')"):
                    seTE_hakn_adhoc_ci[i] = seTE_classic
                    df_hakn_ci[i] = NA
            elif a == "IQWiG6":  # IQWiG (2020): HK CI narrower than the DL CI -> classic SE
                hk = ci(TE_random, seTE_hakn, opts.level_ma, df=df_hakn_ci[i])
                dl = _dl_classic(TE, seTE)
                re = ci(dl[0], dl[1], opts.level_ma)
                if _r_if(float(hk.upper - hk.lower), "<", float(re.upper - re.lower),
                         "The Hartung-Knapp CI width (adhoc.hakn.ci = 'IQWiG6')"):
                    seTE_hakn_adhoc_ci[i] = seTE_classic
            elif a != "":
                raise NotImplementedError(f"adhoc.hakn.ci = '{a}' is not implemented yet")
            r = ci(TE_random, seTE_hakn_adhoc_ci[i], opts.level_ma, df=df_hakn_ci[i],
                   null_effect=opts.null_effect)
        elif m == "KR":
            r = ci(TE_random, seTE_kero, opts.level_ma, df=df_kero, null_effect=opts.null_effect)
        else:  # pragma: no cover - guarded by argument checks
            raise ValueError(m)
        rows.append(r)

    # Prediction intervals
    if not usw_random:
        method_predict, adhoc_pi = _recycle(adhoc_pi, method_predict, "HK", "adhoc.hakn.pi")
    n_pi = len(method_predict)
    seTE_hakn_adhoc_pi = [seTE_hakn] * n_pi
    df_hakn_pi = [float(df_hakn)] * n_pi
    lp = opts.level_predict
    prows = [] if not usw_random else [ci(TE_random, NA, lp)] * n_pi
    for i, m in enumerate(method_predict if not usw_random else ()):
        if m in ("HK", "HK-PR") and (df_hakn_pi[i] >= (1 if m == "HK" else 2)):
            if adhoc_pi[i] == "se" and _r_if(q, "<", 1, "Hartung-Knapp q (adhoc.hakn.pi = 'se')"):
                seTE_hakn_adhoc_pi[i] = seTE_classic
            p = ci(TE_random, math.sqrt(seTE_hakn_adhoc_pi[i] * seTE_hakn_adhoc_pi[i] + tau2_calc), lp,
                   df=df_hakn_pi[i] - (0 if m == "HK" else 1))
        elif m in ("V", "V-KR") and k > 1:
            p = ci(TE_random, math.sqrt(seTE_classic * seTE_classic + tau2_calc), lp, df=k - 1)
        elif m in ("HTS", "HTS-KR") and k > 2:
            p = ci(TE_random, math.sqrt(seTE_classic * seTE_classic + tau2_calc), lp, df=k - 2)
        elif m == "KR" and df_kero > 0:
            p = ci(TE_random, math.sqrt(seTE_kero * seTE_kero + tau2_calc), lp, df=df_kero)
        elif m == "KR-PR" and _r_if(df_kero, ">", 1, "The Kenward-Roger df (method.predict = 'KR-PR')"):
            p = ci(TE_random, math.sqrt(seTE_kero * seTE_kero + tau2_calc), lp, df=df_kero - 1)
        elif m == "S":
            p = ci(TE_random, math.sqrt(seTE_classic * seTE_classic + tau2_calc), lp)
        elif m == "NNF":
            p = _nnf_interval(TE[~exclude], seTE[~exclude], lp, opts.seed_predict,
                              TE_random, opts.stream)
        elif m == "KR":
            p = ci(TE_random, NA, lp, df=df_kero - 1)
        elif m == "V":
            p = ci(TE_random, NA, lp, df=k - 1)
        elif m == "HTS":
            p = ci(TE_random, NA, lp, df=k - 2)
        else:
            p = ci(TE_random, NA, lp)
        prows.append(p)

    Rb = calc_Rb(seTE[~np.isnan(seTE)], seTE_classic, tau2_calc, hc["Q"], hc["df_Q"],
                 opts.level_ma)

    def col(rs, attr):
        return np.array([float(getattr(r, attr)) for r in rs])

    any_hk_ci = "HK" in method_random_ci
    res.update(hc)
    res.update(
        k=k, w_common=w_common, TE_common=float(cc.TE), seTE_common=float(cc.seTE),
        statistic_common=float(cc.statistic), pval_common=float(cc.p),
        lower_common=float(cc.lower), upper_common=float(cc.upper),
        w_random=w_random, TE_random=TE_random if n_ci == 1 else np.full(n_ci, TE_random), seTE_random=col(rows, "seTE"),
        statistic_random=col(rows, "statistic"), pval_random=col(rows, "p"),
        df_random=col(rows, "df"), lower_random=col(rows, "lower"),
        upper_random=col(rows, "upper"), seTE_classic=seTE_classic,
        method_random_ci=method_random_ci, adhoc_hakn_ci=adhoc_ci,
        df_hakn_ci=np.array(df_hakn_ci) if any_hk_ci else NA,
        seTE_hakn_ci=seTE_hakn, seTE_hakn_adhoc_ci=np.array(seTE_hakn_adhoc_ci),
        df_kero=df_kero if ("KR" in method_random_ci or "KR" in method_predict) else NA,
        seTE_kero=seTE_kero,
        method_predict=method_predict, adhoc_hakn_pi=adhoc_pi,
        df_hakn_pi=np.array(df_hakn_pi) if "HK" in method_predict else NA,
        seTE_predict=col(prows, "seTE"), df_predict=col(prows, "df"),
        lower_predict=col(prows, "lower"), upper_predict=col(prows, "upper"),
        seTE_hakn_pi=seTE_hakn, seTE_hakn_adhoc_pi=np.array(seTE_hakn_adhoc_pi),
        Rb=Rb.TE, lower_Rb=Rb.lower, upper_Rb=Rb.upper, tau2_calc=tau2_calc,
    )
    if usw_common is not None:
        res.update(usw_common)
    if usw_random:
        _marked(_usw_random, res, TE, seTE, usable, opts, k, tau2_fit, given)
    return _finish_predict(res)


def _marked(fit, *args):
    """Run one fit with user weights, its metafor warnings marked as :class:`usw.UswWarning`:
    metagen's common tau2 across subgroups (hcc) comes before them in R
    (:mod:`pymeta.api.subgroup` places its warnings there)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fit(*args)
    for c in caught:
        if issubclass(c.category, tau2_mod.MetaforWarning):
            warnings.warn(str(c.message), usw.UswWarning, stacklevel=3)
        else:
            warnings.warn_explicit(c.message, c.category, c.filename, c.lineno)
    return out


def _usw_common(TE, seTE, usable, opts: ModelOptions) -> dict:
    """The common effect fields of the fit with user-specified weights (meta ``metagen``
    (12), ``usw.common``: rma.uni(method = "FE"); see :mod:`pymeta.model.usw`). R fits it
    after hetcalc, before the random effects block, so its warnings come there. A missing
    weight leaves its study out of metafor's fit (rma.uni's NA handling, with its
    warning), while meta's ``k`` still counts it."""
    w_c = usw.fit_weights(opts.weights_common, usable)   # (after its length check)
    fit, w_c = usw.drop_missing_weights(usable, w_c)
    vi = seTE[fit] ** 2
    usw.variance_ratio_warning(vi)     # rma.uni(method = "FE"): only its variance check
    usw.check_all_infinite(vi)         # (and, with k > 1, its heterogeneity block)
    out = usw.common_usw(TE, seTE, fit, w_c, opts)
    if opts.keeprma:
        out["rma_usw_c"] = rmafit.rma_weighted(
            TE[fit], vi, w_c, out["TE_common"], out["seTE_common"], method="FE", test="z",
            level=opts.level_ma, tau2fit=None, k_all=int(np.sum(usable)))
    return out


def _usw_random(res: dict, TE, seTE, usable, opts: ModelOptions, k: int, tau2_fit: float,
                given: tuple) -> None:
    """Replace the random effects fields by the fits with user-specified weights (meta
    ``metagen`` (12), ``usw.random``; R runs them where its classic random effects block
    would run)."""
    if opts.usw_adhoc_dropped:
        warnings.warn("Ad hoc variance correction not implemented for user-specified "
                      "weights.", tau2_mod.MetaforWarning, stacklevel=2)
    # one rma.uni fit per CI method, each estimating tau2 (and warning) anew; hetcalc's
    # TE.tau and tau.preset do not reach them
    w_r = usw.fit_weights(opts.weights_random, usable)   # rma.uni's first check
    fits = []
    for i, m in enumerate(given[0]):
        fit, w_fit = usw.drop_missing_weights(usable, w_r, warn=True)
        vi = seTE[fit] ** 2
        if vi.size == 1 and m == "HK":
            warnings.warn('Setting argument test="z" since k=1.', tau2_mod.MetaforWarning,
                          stacklevel=2)
        tau2fit = None
        if vi.size == 1:
            # rma.uni's k = 1 rule: tau2 = 0 without an estimator (yi and vi may be
            # infinite, e.g. a zero cell with incr = 0; metafor does not check them)
            tau2_fit = 0.0
            if opts.keeprma:
                tau2fit = tau2_mod._fit_k1(vi, tau2_mod._merge_control(opts.control),
                                           bool(np.all(vi > 0)))
        elif bool(np.isinf(vi).any()):
            # hetcalc left these studies out; rma.uni gets them (see usw.tau2_infinite_vi)
            if opts.keeprma:   # (the same path, with metafor's other fields)
                tau2fit = usw.fit_infinite_vi(TE[fit], vi, opts.method_tau, opts.control)
                tau2_fit = tau2fit.tau2
            else:
                tau2_fit = usw.tau2_infinite_vi(TE[fit], vi, opts.method_tau, opts.control)
        else:
            tau2fit = _estimate_tau2(TE[fit], vi, opts.method_tau, opts.control)
            tau2_fit = tau2fit.tau2
        fits.append((fit, w_fit, vi, tau2fit, "t" if m == "HK" and vi.size > 1 else "z"))
    # R keeps the unrecycled CI / PI methods and ad hoc settings (no KR fallback)
    mr, mp, adhoc_ci, adhoc_pi = (tuple(g) for g in given)
    res.update(usw.random_usw(TE, seTE, fit, w_fit, tau2_fit, k, opts,
                              mr, mp, res["Q"], res["df_Q"]))
    res.update(adhoc_hakn_ci=adhoc_ci, adhoc_hakn_pi=adhoc_pi)
    if opts.keeprma:
        b = float(np.atleast_1d(res["TE_random"])[0])
        se = float(np.atleast_1d(res["seTE_random"])[0])
        objs = tuple(rmafit.rma_weighted(TE[f], v, w, b, se, method=opts.method_tau, test=t,
                                         level=opts.level_ma, tau2fit=t2f,
                                         k_all=int(np.sum(usable)))
                     for f, w, v, t2f, t in fits)
        res["rma_usw_r"] = objs[0] if len(objs) == 1 else objs


def _dl_classic(TE, seTE) -> tuple[float, float]:
    """``metagen(TE, seTE, method.tau = "DL", method.tau.ci = "", method.random.ci =
    "classic")``'s ``TE.random`` and ``seTE.classic``: the DerSimonian-Laird CI that
    ``adhoc.hakn.ci = "IQWiG6"`` compares with (meta 8.5 ``metagen``, all studies given)."""
    opts = ModelOptions(method_tau="DL", method_tau_ci="")
    fit = pool(TE, seTE, np.zeros(np.size(TE), dtype=bool), opts)
    return float(np.atleast_1d(fit["TE_random"])[0]), float(fit["seTE_classic"])


def _empty_fit(k_all: int) -> dict:
    """meta's results when no study can be pooled (k = 0)."""
    nan1 = np.array([NA])
    return dict(
        w_common=np.zeros(k_all), TE_common=NA, seTE_common=NA, statistic_common=NA,
        pval_common=NA, lower_common=NA, upper_common=NA,
        w_random=np.zeros(k_all), TE_random=NA, seTE_random=nan1, statistic_random=nan1,
        pval_random=nan1, df_random=nan1, lower_random=nan1, upper_random=nan1,
        seTE_classic=NA, df_hakn_ci=NA, seTE_hakn_ci=NA, seTE_hakn_adhoc_ci=nan1,
        df_kero=NA, seTE_kero=NA, df_hakn_pi=NA, seTE_predict=nan1, df_predict=nan1,
        lower_predict=nan1, upper_predict=nan1, seTE_hakn_pi=NA, seTE_hakn_adhoc_pi=nan1,
        tau2=NA, se_tau2=NA, lower_tau2=NA, upper_tau2=NA, tau=NA, lower_tau=NA,
        upper_tau=NA, method_tau_ci="", sign_lower_tau="", sign_upper_tau="",
        Q=NA, df_Q=NA, pval_Q=NA, H=NA, lower_H=NA, upper_H=NA, I2=NA, lower_I2=NA,
        upper_I2=NA, Rb=NA, lower_Rb=NA, upper_Rb=NA, tau2_calc=NA)


def _finish_predict(res: dict) -> dict:
    """meta unsets the prediction method, df and adhoc flag where no interval exists."""
    lo = np.atleast_1d(res["lower_predict"])
    up = np.atleast_1d(res["upper_predict"])
    none = np.isnan(lo) & np.isnan(up)
    mp = tuple(res["method_predict"])
    if len(mp) != none.size:
        mp = mp * none.size if len(mp) == 1 else mp
    ap = tuple(res["adhoc_hakn_pi"])
    if len(ap) != none.size:
        ap = ap * none.size if len(ap) == 1 else ap
    # before unsetting: what metagen's own subgroup analysis sees (R unsets at the very end)
    res["predict_pre"] = (mp, ap)
    res["method_predict"] = tuple("" if n else m for n, m in zip(none, mp))
    res["df_predict"] = np.where(none, NA, np.atleast_1d(res["df_predict"]))
    res["adhoc_hakn_pi"] = tuple("" if n else a for n, a in zip(none, ap))
    return res
