"""``metagen``: generic inverse-variance meta-analysis of estimates and standard errors.

Follows R meta 8.5 ``R/metagen.R``: argument resolution (1), standard-error checks (9),
pooling (12) and heterogeneity (13). Every other meta function resolves its own data
into ``TE``/``seTE`` and then calls :func:`fit_generic`, as R's functions call metagen.
"""
from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np

from ..defaults import CHOICES, DEFAULTS
from ..model.intervals import ci
from ..model.pooling import ModelOptions, pool
from ..model.tau2 import MetaforWarning
from ..model.usw import UswWarning
from ..model.three_level import is_three_level, pool_three_level
from ..result import MetaGen
from ..model import nmath
from ..model.rmath import _libm, qt, rexp, rlog, rsum
from ..effects.correlation import cor2z
from ..effects.proportion import p2asin, p2logit
from ._args import (MetaWarning, Warn, check_length, check_level, check_logical, column,
                    column_or_value, numeric, reject_unsupported, select_studies, setchar,
                    setchar_vec, stored_column, studlabs, subset_studies, take, NA_POSITION,
                    na_subset_warnings)
from .subgroup import meta_function
from .cluster import (check_rho, resolve_cluster, subset_cluster, three_level_fields,
                      three_level_model)
from ..effects import approx as _approx
from ..effects.estmeansd import make_stream, report as report_estmeansd

__all__ = ["metagen", "model_options", "fit_generic", "USER_ARGS",
           "pop_user_args", "user_args", "subset_user_args", "with_user_args"]

#: User weights, ``TE.tau``, ``seed.predict`` and ``detail.tau``: arguments every meta
#: function takes and hands on to metagen (see :func:`user_args`).
USER_ARGS = ("weights", "weights_common", "weights_random", "TE_tau", "seed_predict",
             "detail_tau")

#: chklength's name of the first data argument of each function (meta ``chklength``).
_FIRST_ARG = {"metagen": "TE", "metacont": "n.e", "metabin": "event.e", "metamean": "n",
              "metacor": "cor", "metaprop": "event", "metainc": "event.e", "metarate": "event"}

#: The subgroup arguments (R meta's ``subgroup()``), for the functions that lack them.
SUBGROUP_ARGS = frozenset({"subgroup", "subgroup_name", "test_subgroup", "prediction_subgroup",
                           "tau_common", "byvar"})

#: metagen's arguments pymeta lacks (R meta's presentation arguments are taken by
#: :mod:`pymeta.api.presentation`).
_LACKING = frozenset()

#: Tested option values (the grid the parity tests and strategies draw from).
SUPPORTED = {
    "method_tau": ("REML", "DL", "PM", "ML", "HS", "SJ", "HE", "EB"),
    "method_tau_ci": ("QP", "BJ", "J", ""),
}


def model_options(*, method_tau, method_tau_ci, method_I2, method_common_ci, method_random_ci,
                  adhoc_hakn_ci, method_predict, adhoc_hakn_pi, level_ma, level_hetstat,
                  level_predict, null_effect, control, tau_preset=None) -> ModelOptions:
    """Check and resolve the model arguments as meta does; unsupported values raise."""
    method_tau = setchar(method_tau, CHOICES["method_tau"], "method_tau")
    if method_tau not in SUPPORTED["method_tau"]:
        raise NotImplementedError(f"method.tau = \"{method_tau}\" is not implemented in pymeta yet "
                                  f"(implemented: {', '.join(SUPPORTED['method_tau'])}).")
    if method_tau_ci is None:
        method_tau_ci = "J" if method_tau == "DL" else "QP"
    method_tau_ci = setchar(method_tau_ci, CHOICES["method_tau_ci"], "method_tau_ci")
    if method_tau_ci == "PL":  # profile likelihood only for three-level models
        method_tau_ci = "J" if method_tau == "DL" else "QP"
    if method_tau_ci not in SUPPORTED["method_tau_ci"]:
        raise NotImplementedError(f"method.tau.ci = \"{method_tau_ci}\" is not implemented in "
                                  "pymeta yet.")
    method_random_ci = setchar_vec(method_random_ci, CHOICES["method_random_ci"], "method_random_ci")
    adhoc_ci = setchar_vec("" if adhoc_hakn_ci is None else adhoc_hakn_ci,
                           CHOICES["adhoc_hakn_ci"], "adhoc_hakn_ci")
    method_predict = setchar_vec(method_predict, CHOICES["method_predict"], "method_predict")
    adhoc_pi = setchar_vec("" if adhoc_hakn_pi is None else adhoc_hakn_pi,
                           CHOICES["adhoc_hakn_pi"], "adhoc_hakn_pi")
    control = dict(control or {})
    return ModelOptions(
        method_tau=method_tau, method_tau_ci=method_tau_ci,
        method_I2=setchar(method_I2, CHOICES["method_I2"], "method_I2"),
        method_common_ci=setchar(method_common_ci, CHOICES["method_common_ci"], "method_common_ci"),
        method_random_ci=method_random_ci, adhoc_hakn_ci=adhoc_ci,
        method_predict=method_predict, adhoc_hakn_pi=adhoc_pi,
        level_ma=check_level(level_ma, "level_ma"),
        level_hetstat=check_level(level_hetstat, "level_hetstat"),
        level_predict=check_level(level_predict, "level_predict"),
        null_effect=float(null_effect), control=control,
        tau_preset=None if tau_preset is None else _tau_preset(tau_preset))


def _tau_preset(value) -> float:
    """``tau.preset``: R takes any number (it is squared for tau2, kept as given for tau)."""
    v = np.asarray(value, dtype=float).ravel() if not isinstance(value, str) else None
    if v is None or v.size != 1:
        raise ValueError("Argument 'tau.preset' must be a single numeric value.")
    return float(v[0])


def _resolve_predict(method_tau: str, tau_missing: bool, method_predict, prediction,
                     warn: Warn | None):
    """meta's ``prediction = gs("prediction") | !missing(method.predict)`` and the KR rule
    (meta 8.5 ``set_method_tau`` / ``set_method_predict``: KR prediction intervals need REML;
    their warnings come whatever ``warn`` is, as the meta functions call them without it).

    Returns ``(method_tau, method_predict, prediction)``.
    """
    missing = method_predict is None
    mp = DEFAULTS["method_predict"] if missing else method_predict
    pred = DEFAULTS["prediction"] or not missing if prediction is None else prediction
    mp_t = (mp,) if isinstance(mp, str) else tuple(mp)
    mp_t = tuple(setchar(m, CHOICES["method_predict"], "method_predict") for m in mp_t)
    if method_tau != "REML" and "KR" in mp_t and tau_missing and not missing:
        if warn is not None:
            warn.always("Argument 'method.tau' set to \"REML\" as 'method.predict' = \"KR\".")
        method_tau = "REML"
    any_kr, any_kr_pr = "KR" in mp_t, "KR-PR" in mp_t
    if method_tau != "REML" and (any_kr or any_kr_pr):
        if not tau_missing and not missing and warn is not None:
            which = " / ".join(x for x, y in (('"KR"', any_kr), ('"KR-PR"', any_kr_pr)) if y)
            warn.always(f"Argument 'method.predict' set to \"V\" instead of {which} as "
                      "'method.tau' != \"REML\".")
        mp_t = tuple("V" if m in ("KR", "KR-PR") else m for m in mp_t)
    return method_tau, mp_t, check_logical(pred, "prediction")


#: The model arguments every meta function takes (pymeta names).
MODEL_ARGS = ("method_tau", "method_tau_ci", "method_I2", "method_common_ci",
              "method_random_ci", "adhoc_hakn_ci", "method_predict", "adhoc_hakn_pi",
              "prediction", "level", "level_ma", "level_hetstat", "level_predict", "common",
              "random", "control", "tau_preset")


def pop_user_args(r_only: dict) -> dict:
    """Take :data:`USER_ARGS` out of a function's extra keyword arguments."""
    return {name: r_only.pop(name, None) for name in USER_ARGS}


def check_numbers(values, r_name: str) -> None:
    """meta's ``chknumeric`` type check of a seed vector (NA allowed): R's message for
    anything not a number (logicals and strings included)."""
    if any(isinstance(x, (bool, np.bool_, str)) or
           not isinstance(x, (int, float, np.integer, np.floating)) for x in values):
        raise ValueError(f"Non-numeric value for argument '{r_name}'.")


def _weights(v, arg: str):
    """meta's ``chknumeric(x, min = 0)`` of user weights (length checked later)."""
    if v is None:
        return None
    name = arg.replace("_", ".")
    if isinstance(v, (str, bytes)):
        raise ValueError(f"Non-numeric value for argument '{name}'.")
    try:
        w = numeric(v, arg)
    except ValueError:
        raise ValueError(f"Non-numeric value for argument '{name}'.") from None
    if np.any(w[~np.isnan(w)] < 0):
        raise ValueError(f"Argument '{name}' must be larger equal 0.")
    return w


def user_args(extra: dict, data, fun: str, method: str = "Inverse") -> dict:
    """Check :data:`USER_ARGS` as meta 8.5 does (``metagen.R`` and the other functions'
    sections (1)-(2)): ``weights`` is the default of ``weights.common`` and
    ``weights.random``; weights must be numeric and non-negative; user weights for the
    common effect model need the inverse variance method, those for the random effects
    model are refused for GLMM / LRP / SSW (R's messages); ``seed.predict`` must be a single
    number. Returns the checked values (weights not yet recycled, see :func:`with_user_args`).
    """
    e = {name: column(value, data, name) if name.startswith("weights") else value
         for name, value in extra.items()}      # meta's catch() from data
    wc = _weights(e["weights_common"] if e["weights_common"] is not None else e["weights"],
                  "weights_common")
    wr = _weights(e["weights_random"] if e["weights_random"] is not None else e["weights"],
                  "weights_random")
    if wc is not None and method != "Inverse":
        raise ValueError("User-specified weights for the common effect model only implemented "
                         "for the inverse variance method (method = \"Inverse\").")
    if wr is not None and method in ("GLMM", "LRP", "SSW"):
        if fun == "metabin":
            raise ValueError("User-specified weights for the random effects model not "
                             "implemented for method = \"GLMM\",  \"LRP\" or  \"SSW\".")
        if method == "GLMM":
            raise ValueError("User-specified weights for the random effects model not "
                             "implemented for generalized linear mixed models "
                             "(method = \"GLMM\").")
    seed = e["seed_predict"]
    if seed is not None:
        sv = np.asarray(seed, dtype=object).ravel()
        sv = [x for x in sv if not (x is None or (isinstance(x, float) and np.isnan(x)))]
        check_numbers(sv, "seed.predict")
        if sv and len(sv) != 1:
            raise ValueError("Argument 'seed.predict' must be a numeric of length 1.")
    te_tau = _te_tau(e["TE_tau"])
    detail = e["detail_tau"]
    if isinstance(detail, (list, np.ndarray)):
        detail = tuple(str(x) for x in detail)
    return dict(weights_common=wc, weights_random=wr, TE_tau=te_tau, seed_predict=seed,
                detail_tau="" if detail is None else detail)


def _te_tau(value):
    """``TE.tau`` as R meta takes it: unchecked. A single number (NA included) stays a
    float; a vector a tuple, which hetcalc recycles against the estimates as R's
    arithmetic does; logicals count as 1 / 0; character values (a tuple of str) stop
    only where R computes with them (:func:`pymeta.model.pooling.hetcalc`, DL)."""
    if value is None:
        return None
    tv = np.asarray(value, dtype=object).ravel()
    if any(isinstance(v, str) for v in tv):
        return tuple(str(v) for v in tv)
    vals = []
    for v in tv:
        if v is None:
            vals.append(math.nan)
        elif isinstance(v, (bool, np.bool_, int, float, np.integer, np.floating)):
            vals.append(float(v))
        else:
            raise ValueError("non-numeric argument to binary operator")
    return vals[0] if len(vals) == 1 else tuple(vals)


def subset_user_args(user: dict, idx, k_all: int, fun: str) -> dict:
    """meta's sections (3) and (6) for the user weights: recycled / length-checked over the
    ``k_all`` studies given, then restricted to the ``subset`` positions ``idx`` (None:
    all studies) -- R's ``weights.common <- weights.common[subset]``."""
    if idx is None:
        return user
    out = dict(user)
    for name in ("weights_common", "weights_random"):
        w = _recycled(user[name], k_all, name, fun)
        out[name] = None if w is None else take(w, idx)
    return out


def _recycled(w, k_all: int, name: str, fun: str):
    """User weights recycled to ``k_all`` studies (a single value) or length-checked
    (meta ``chklength``); None stays None."""
    if w is None:
        return None
    if w.size == 1:
        return np.full(k_all, w[0])
    if w.size != k_all:
        raise ValueError(f"Arguments '{_FIRST_ARG[fun]}' and '{name.replace('_', '.')}' "
                         "must have the same length.")
    return w


def with_user_args(model: "Model", user: dict, k_all: int, fun: str,
                   stream=None) -> tuple["Model", dict]:
    """Recycle / length-check the user weights (meta ``chklength``), put weights and
    ``TE.tau`` into the model options and return the result fields R stores
    (``weights.common``, ``weights.random``, ``TE.tau`` (metagen: only with DL),
    ``detail.tau``, ``seed.predict``). ``stream``: the analysis' random stream (estmeansd's
    approximations), which an NNF prediction interval moves on as R's ``pima`` does."""
    out = {name: _recycled(user[name], k_all, name, fun)
           for name in ("weights_common", "weights_random")}
    opts = model.opts
    te_tau = user["TE_tau"]
    opts = dataclasses.replace(
        opts, TE_tau=te_tau if te_tau is not None else opts.TE_tau,
        weights_common=None if out["weights_common"] is None else tuple(out["weights_common"]),
        weights_random=None if out["weights_random"] is None else tuple(out["weights_random"]),
        seed_predict=user["seed_predict"], stream=stream)
    out.update(TE_tau=te_tau if (te_tau is not None and opts.method_tau == "DL") else None,
               detail_tau=user["detail_tau"], seed_predict=user["seed_predict"])
    return dataclasses.replace(model, opts=opts), out


@dataclasses.dataclass(frozen=True)
class Model:
    """The resolved model arguments of one call."""
    opts: ModelOptions
    level: float
    common: bool
    random: bool
    prediction: bool
    #: ``!missing(method.tau)`` (chkmlm's warning of a three-level model)
    method_tau_given: bool = False


def resolve_model(args: dict, null_effect: float = 0.0, warn: Warn | None = None) -> Model:
    """Apply R meta's defaults to the model arguments (``None`` = not given) and check them.

    ``args`` holds the caller's values of :data:`MODEL_ARGS` (e.g. from ``locals()``).
    """
    a = {name: args.get(name) for name in MODEL_ARGS}

    def dflt(name):
        return DEFAULTS[name] if a[name] is None else a[name]

    method_tau = setchar(dflt("method_tau"), CHOICES["method_tau"], "method_tau")
    method_tau, mp, pred = _resolve_predict(method_tau, a["method_tau"] is None,
                                            a["method_predict"], a["prediction"], warn)
    opts = model_options(
        method_tau=method_tau, method_tau_ci=a["method_tau_ci"],
        method_I2=dflt("method_I2"), method_common_ci=dflt("method_common_ci"),
        method_random_ci=dflt("method_random_ci"), adhoc_hakn_ci=a["adhoc_hakn_ci"],
        method_predict=mp, adhoc_hakn_pi=a["adhoc_hakn_pi"], level_ma=dflt("level_ma"),
        level_hetstat=dflt("level_hetstat"), level_predict=dflt("level_predict"),
        null_effect=null_effect, control=a["control"], tau_preset=a["tau_preset"])
    # meta: random = gs("random") | !is.null(tau.preset)
    random = a["random"] if a["random"] is not None else (
        DEFAULTS["random"] or a["tau_preset"] is not None)
    return Model(opts=opts, level=check_level(dflt("level"), "level"),
                 common=check_logical(dflt("common"), "common"),
                 random=check_logical(random, "random"), prediction=pred,
                 method_tau_given=a["method_tau"] is not None)


def fit_generic(TE, seTE, studlab: tuple, *, sm: str, model: Model, warn: Warn,
                method: str = "Inverse", study_df=None, backtransf: bool = True,
                exclude=None, zero_se_na: bool = True, cluster=None,
                rho: float = 0.0, cluster_obs=None) -> dict:
    """metagen's steps (9)-(14) on study estimates; returns the fields of :class:`Meta`.

    ``exclude`` (meta's argument, None when not given): studies kept in the output but
    left out of pooling (R's ``TE[!exclude]`` etc.; weight 0). ``cluster`` (a tuple
    over the studies, None when not given) and ``rho``: R's three-level model where
    clusters repeat among the studies of finite ``TE`` and ``seTE`` (metagen section
    (10), :mod:`pymeta.api.cluster`, :mod:`pymeta.model.three_level`); ``cluster_obs``:
    metagen's ``idx`` (1-based positions before its subset; default 1..k).
    """
    opts, level = model.opts, model.level
    common, random, prediction = model.common, model.random, model.prediction
    TE = np.asarray(TE, dtype=float)
    seTE = np.asarray(seTE, dtype=float).copy()
    seTE_given = seTE.copy()
    k_all = TE.size
    with np.errstate(invalid="ignore"):
        # zero_se_na False: metagen with cycles, whose new standard errors come after
        # this check (R: section 11 after section 9)
        if zero_se_na and np.any(seTE[~np.isnan(seTE)] <= 0):
            warn.warn("Zero values in seTE replaced by NAs.")
            seTE[~np.isnan(seTE) & (seTE == 0)] = np.nan
    overall = common or random
    overall_hetstat = common or random
    if k_all == 1:  # no meta-analysis of a single study (metagen section 6)
        common = random = prediction = overall = overall_hetstat = False
        opts = dataclasses.replace(opts, method_random_ci=("classic",), adhoc_hakn_ci=("",),
                                   method_predict=("V",), adhoc_hakn_pi=("",))
    excl = np.zeros(k_all, dtype=bool) if exclude is None else np.asarray(exclude, bool)
    three = cluster is not None and is_three_level(cluster, TE, seTE)
    tau_preset = opts.tau_preset    # (stored as given)
    keeprma = opts.keeprma
    if three:   # user weights, tau.preset and keeprma's weighted fits do not apply
        model = three_level_model(model, model.method_tau_given, warn)
        opts, common = model.opts, model.common
        opts = dataclasses.replace(opts, weights_common=None, weights_random=None,
                                   tau_preset=None, keeprma=False)
    if opts.weights_random is not None and \
            int((~np.isnan(TE) & ~np.isnan(seTE) & ~excl).sum()) > 1 and \
            any(a != "" for a in opts.adhoc_hakn_ci + opts.adhoc_hakn_pi):
        # metagen (12): no ad hoc variance correction with user weights (R warns whatever
        # 'warn' is, after the common effect fit; with k = 1 they are already reset)
        opts = dataclasses.replace(opts, adhoc_hakn_ci=("",) * len(opts.adhoc_hakn_ci),
                                   adhoc_hakn_pi=("",) * len(opts.adhoc_hakn_pi),
                                   usw_adhoc_dropped=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", MetaforWarning)
        fit = (pool_three_level(TE, seTE, excl, cluster, rho, opts, cluster_obs) if three
               else pool(TE, seTE, excl, opts))
    usw_at = None
    for c in caught:  # metafor's warnings reach the user as R's do, in order (meta's
        if issubclass(c.category, MetaforWarning):   # runNN: whatever warn is)
            if usw_at is None and issubclass(c.category, UswWarning):
                usw_at = len(warn.warnings)
            warn.always(str(c.message))
        else:
            warnings.warn_explicit(c.message, c.category, c.filename, c.lineno)
    study = ci(TE, seTE, level=level, df=study_df, null_effect=opts.null_effect)
    fields = dict(
        studlab=studlab, sm=sm, null_effect=opts.null_effect, TE=TE, seTE=seTE,
        statistic=study.statistic, pval=study.p,
        df=np.full(k_all, np.nan) if study_df is None else study.df,
        level=level, lower=study.lower, upper=study.upper,
        k_study=fit.pop("k_study", fit["k"]), k_all=k_all, k_TE=int((~np.isnan(TE)).sum()),
        overall=overall, overall_hetstat=overall_hetstat, common=common, random=random,
        prediction=prediction, backtransf=backtransf, method=method, method_random="Inverse",
        level_ma=opts.level_ma, method_common_ci=opts.method_common_ci,
        method_tau=opts.method_tau, level_hetstat=opts.level_hetstat, method_I2=opts.method_I2,
        level_predict=opts.level_predict, tau_preset=tau_preset,
        exclude=None if exclude is None else excl,
        three_level=three, cluster=cluster, rho=rho, id=cluster if three else None,
    )
    fields.update(fit)
    if not keeprma:
        fields["rma_three_level"] = None
    fields["df_random"] = np.atleast_1d(fields["df_random"])
    fields["seTE_given"] = seTE_given
    fields["usw_warning_at"] = usw_at
    return fields


@meta_function
def metagen(TE=None, seTE=None, studlab=None, data=None, *, subset=None, exclude=None,
            sm: str = "", method_ci=None, level=None, common=None,
            random=None, prediction=None, method_tau=None, method_tau_ci=None, method_I2=None,
            level_ma=None, method_common_ci=None, method_random_ci=None, adhoc_hakn_ci=None,
            level_predict=None, method_predict=None, adhoc_hakn_pi=None, level_hetstat=None,
            null_effect: float = 0.0, n_e=None, n_c=None, pval=None, df=None, lower=None,
            upper=None, level_ci=0.95, median=None, q1=None, q3=None, min=None, max=None,
            method_mean="Luo", method_sd="Shi", approx_TE=None, approx_seTE=None,
            cycles=None, transf=None, func_transf=None, backtransf=None,
            func_backtransf=None, args_transf=None, args_backtransf=None, pscale=None, irscale=None, irunit="person-years",
            keeprma=None, control=None, tau_preset=None, warn=None, seed_estmeansd=None,
            cluster=None, rho=0.0, id=None, **r_only) -> MetaGen:
    """Generic inverse-variance meta-analysis (R meta ``metagen``), R's defaults throughout.

    ``TE``/``seTE``/``studlab`` (and ``n_e``, ``n_c``, ``pval``, ``df``, ``lower``,
    ``upper``) are vectors or, with ``data`` (a DataFrame or mapping), column names.
    As in R (``metagen.R`` sections 7-8, ``TE.seTE.ci``/``seTE.pval`` of
    ``se-internal.R``): a missing ``seTE`` comes from the confidence limits
    ``lower``/``upper`` (level ``level_ci``; t quantiles where ``df`` is given), else from
    ``pval`` and ``TE``; a missing ``TE`` is the midpoint of the limits. ``method_ci``
    ("z", or "t" when ``df`` is given) chooses the study-level intervals; given limits are
    kept as the study's interval. ``subset`` and ``exclude`` (logical vectors or 0-based
    positions) select the studies analysed and those left out of pooling.
    With a sample size (``n_e`` and / or ``n_c``, their sum when both are given), a
    missing ``seTE`` / ``TE`` also comes from ``median`` with the quartiles ``q1``/``q3``
    and the range ``min``/``max`` (``method_mean`` "Luo"/"Wan", ``method_sd``
    "Shi"/"Wan"); ``approx_TE`` / ``approx_seTE`` name the approximation per study
    instead (see :func:`_approximate`).

    ``transf = False`` (the default when ``func_transf`` is given) says ``TE``, ``lower``
    and ``upper`` are on the original scale: they are transformed first, with
    ``func_transf`` or meta's rule for ``sm`` (``meta-transf.R``: log for ratio and log
    measures, Fisher's z for ZCOR, logit for PLOGIT, arcsine for PAS, square root for
    IRS, log(1 - VE / 100) for VE, where the limits swap); ``seTE`` is not transformed.
    ``func_transf``/``func_backtransf`` are names of R meta's functions (``"log"``,
    ``"cor2z"``, ...) or Python callables (R keeps the function's name).
    ``cycles`` (n-of-1 trials, metagen section 11): the standard errors are replaced by
    the pooled SD ``sqrt(sum((cycles - 1) seTE^2) / sum(cycles - 1))`` over
    ``sqrt(cycles)``, study intervals use the normal quantile, and nothing is
    approximated (R skips sections 7-8).
    ``cluster`` (a vector or column name; ``id`` is its deprecated name) and ``rho``: where
    clusters repeat, R's three-level model (metafor's ``rma.mv``, see
    :mod:`pymeta.model.three_level`): REML or ML, no common effect model, profile
    likelihood CIs of both variance components (``tau2`` has two values).
    Returns a :class:`pymeta.result.MetaGen`.
    """
    extra = pop_user_args(r_only)
    reject_unsupported("metagen", r_only, _LACKING)
    w = Warn(DEFAULTS["warn"] if warn is None else check_logical(warn, "warn"))
    rho = check_rho(rho)
    method_ci = setchar(("z" if df is None else "t") if method_ci is None else method_ci,
                        CHOICES["method_ci_cont"], "method_ci")
    method_mean, method_sd = _approx.check_methods(method_mean, method_sd)
    # R warns about args.transf / pscale / irscale after its checks of method.tau and
    # method.predict (set_method_tau), which pymeta's resolve_model gives: collected
    # here, placed after those below
    w_args = Warn(emit=False)
    transf, ftr, func_backtransf, args_transf, args_backtransf = _transf_args(
        transf, func_transf, func_backtransf, args_transf, args_backtransf, w_args)
    backtransf = (DEFAULTS["backtransf"] if backtransf is None
                  else check_logical(backtransf, "backtransf"))
    scales = _scales(pscale, irscale, irunit, backtransf, w_args)
    keeprma = DEFAULTS["keeprma"] if keeprma is None else check_logical(keeprma, "keeprma")
    labels_raw = column(studlab, data, "studlab")
    raw = {name: column(v, data, name) for name, v in
           dict(TE=TE, seTE=seTE, lower=lower, upper=upper, pval=pval, df=df, n_e=n_e,
                n_c=n_c).items()}
    summ_raw = {name: column(v, data, name) for name, v in
                dict(median=median, q1=q1, q3=q3, min=min, max=max).items()}
    if raw["TE"] is None and summ_raw["median"] is None and \
            (raw["lower"] is None or raw["upper"] is None):
        raise ValueError("Treatment estimates missing. Provide either argument 'TE' or "
                         "'median', or arguments 'lower' and 'upper'.")
    first = next(v for v in (raw["TE"], summ_raw["median"], raw["lower"], raw["upper"])
                 if v is not None)
    k_all = len(np.atleast_1d(np.asarray(first, dtype=object)))
    labels = studlabs(labels_raw, k_all)
    x = {name: (np.full(k_all, np.nan) if v is None and name in ("TE", "seTE")
                else numeric(v, name, labels, required=False))
         for name, v in raw.items()}
    if not transf:
        _transform_inputs(x, raw, sm, ftr)
    cl = resolve_cluster(cluster, id, data, w)
    cyc = numeric(column(cycles, data, "cycles"), "cycles", labels, required=False)
    if cl is not None and cyc is not None:
        raise ValueError("Arguments 'cluster' (multi-level model) and 'cycles' (n-of-1 "
                         "trials) cannot be used together.")
    if cyc is not None:
        with np.errstate(invalid="ignore"):
            if np.any(cyc[~np.isnan(cyc)] < 1):
                raise ValueError("Argument 'cycles' must be larger equal 1.")
        method_ci = "z"
    arg = "TE" if raw["TE"] is not None else "median"   # R: if (avail.TE) "TE" else "median"
    check_length(arg, k_all, seTE=x["seTE"], studlab=None if labels_raw is None else labels,
                 n_e=x["n_e"], n_c=x["n_c"])
    labs = {name: _approx_arg(column_or_value(v, data), k_all, name, arg, choices)
            for name, v, choices in (("approx_TE", approx_TE, _APPROX_TE),
                                     ("approx_seTE", approx_seTE, _APPROX_SETE))}
    check_length(arg, k_all, pval=x["pval"], df=x["df"], lower=x["lower"], upper=x["upper"],
                 cycles=cyc, cluster=cl)
    if cyc is not None:
        x["cycles"] = cyc
    lci = numeric(np.atleast_1d(level_ci), "level_ci")
    if lci.size == 1:
        lci = np.full(k_all, lci[0])
    check_length(arg, k_all, level_ci=lci)
    summ = {name: numeric(v, name, labels, required=False) for name, v in summ_raw.items()}
    check_length(arg, k_all, **summ)
    uargs = user_args(extra, data, "metagen")
    idx, excl = select_studies(subset, exclude, k_all, data,
                               subset_msg="argument 'subset'", fun="metagen")
    # R's data columns (section 5) as update() needs them, before the subset
    given = dict(TE=np.array(x["TE"], dtype=float), seTE=np.array(x["seTE"], dtype=float),
                 lower=x["lower"], upper=x["upper"], level_ci=np.array(lci, dtype=float),
                 labels=dict(labs))
    x, labels, excl, (lci,) = subset_studies(idx, x, labels, excl, lci)
    cl = subset_cluster(cl, idx)
    # R's section (6): summaries and approx.* labels too (a single label indexed past 1
    # gives NA)
    summ, labs = _approx.subset_approx(idx, k_all, summ, labs, column(subset, data, "subset"))
    TE_v, seTE_v = x["TE"], x["seTE"]
    if TE_v.size == 0:
        raise ValueError("No studies to combine in meta-analysis.")
    if np.any(seTE_v[~np.isnan(seTE_v)] < 0):
        raise ValueError("Argument 'seTE' must be larger equal 0.")
    sd_n_of_1 = None
    stream = make_stream(seed_estmeansd)
    if cyc is None:
        approx_fields = _approximate(TE_v, seTE_v, x, lci, summ, labs["approx_TE"],
                                     labs["approx_seTE"], method_mean, method_sd, stream)
    else:
        approx_fields = None   # R skips sections (7) and (8) and keeps the labels given
    update_data = _update_data(given, idx, TE_v, seTE_v, approx_fields)
    if cyc is not None:
        seTE_v, sd_n_of_1 = _n_of_1(seTE_v, x["cycles"])
    n_before = len(w.warnings)
    model = resolve_model(locals(), null_effect=float(null_effect), warn=w)
    w.warnings[:] = (w.warnings[n_before:] + w_args.warnings + w.warnings[:n_before])
    for msg in w_args.warnings:
        warnings.warn(msg, MetaWarning, stacklevel=3)
    # R's metagen (section 6) leaves the user weights unsubset: the fits index all k_all
    # weights with the subset's usable studies (pymeta.model.usw.fit_weights)
    model, user_fields = with_user_args(model, uargs, k_all, "metagen", stream)
    if keeprma:      # metafor's fits with user weights kept (rma.usw.c / rma.usw.r)
        model = dataclasses.replace(model, opts=dataclasses.replace(model.opts, keeprma=True))
    report_estmeansd(stream, w, "metagen")
    study_df = x["df"] if method_ci == "t" and x["df"] is not None else None
    fields = fit_generic(TE_v, seTE_v, labels, sm=sm, model=model, warn=w,
                         backtransf=backtransf,
                         study_df=study_df, exclude=excl, zero_se_na=cyc is None,
                         cluster=cl, rho=rho,
                         cluster_obs=None if idx is None else np.asarray(idx, float) + 1)
    lo, up = np.array(fields["lower"], float), np.array(fields["upper"], float)
    for given, out in ((x["lower"], lo), (x["upper"], up)):
        if given is not None:   # R keeps the confidence limits given
            out[~np.isnan(given)] = given[~np.isnan(given)]
    fields.update(lower=lo, upper=up)
    if study_df is not None:   # R keeps the df given, NA included (meta's ci: normal there)
        fields.update(df=np.array(study_df, dtype=float))
    fields.update(user_fields)
    three_level_fields(fields, extra["detail_tau"])
    if excl is not None and idx is not None and np.any(np.asarray(idx) == NA_POSITION):
        # R's exclude[subset]: NA for a missing position (pooled as excluded or not, the
        # study of missing values gets no weight)
        shown = np.array(excl, dtype=object)
        shown[np.asarray(idx) == NA_POSITION] = None
        fields["exclude"] = shown
    for msg in na_subset_warnings(subset, idx):   # R's data$.TE[data$.subset] <- TE
        w.always(msg)
    avail_ci = x["lower"] is not None or x["upper"] is not None
    if approx_fields is None:   # (R's list(), after everything else)
        approx_fields = {name: _stored_labels(labs[name]) for name in ("approx_TE",
                                                                       "approx_seTE")}
    return MetaGen(**fields, n_e=x["n_e"], n_c=x["n_c"], method_ci=method_ci,
                   update_data=update_data,
                   method_mean=method_mean, **approx_fields,
                   level_ci=lci if avail_ci else None, cycles=x.get("cycles"),
                   sd_n_of_1=sd_n_of_1, transf=transf, func_transf=ftr and ftr[0],
                   func_backtransf=func_backtransf, args_transf=args_transf,
                   args_backtransf=args_backtransf, **scales,
                   warnings=tuple(w.warnings), notes=tuple(w.notes))


def _update_data(given: dict, idx, TE, seTE, approx_fields) -> dict:
    """The columns of R's ``object$data`` that ``update.meta`` hands metagen again
    (metagen.R sections (5) and (8)): estimates and standard errors of all studies given,
    on the analysis scale (after ``transf = FALSE``'s transformation), where those of the
    studies analysed are replaced by their values after the approximations
    (``data$.TE[data$.subset] <- TE``: the subset's values in its own order, assigned to
    its rows in the data's order, as R assigns them); the confidence limits and their
    level as given; the ``approx.*`` labels as given (a single label fills every row of
    the data frame) or, without them, the labels of the approximations made (""
    elsewhere). With ``cycles``: the standard errors before the n-of-1 ones."""
    k_all = given["TE"].size
    out = dict(lower=given["lower"], upper=given["upper"],
               level_ci=given["level_ci"] if (given["lower"] is not None
                                              or given["upper"] is not None) else None)
    for name, new in (("TE", TE), ("seTE", seTE)):
        out[name] = stored_column(given[name], idx, np.asarray(new, dtype=float))
    for name in ("approx_TE", "approx_seTE"):
        user = given["labels"][name]
        made = None if approx_fields is None else approx_fields[name]
        if user is not None:
            out[name] = tuple(user) if len(user) == k_all else (user[0],) * k_all
        elif made is not None:
            out[name] = tuple(stored_column([""] * k_all, idx, np.asarray(made, dtype=object)))
        else:
            out[name] = None
    return out


def _scales(pscale, irscale, irunit, backtransf: bool, w: Warn) -> dict:
    """metagen's ``pscale`` / ``irscale`` (``chknumeric(length = 1)``; set to 1 when
    ``backtransf`` is FALSE, with R's warning if given) and ``irunit``, stored as given."""
    out = {}
    for name, v in (("pscale", pscale), ("irscale", irscale)):
        given = v is not None
        if not given:
            v = 1.0
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.number)):
            if isinstance(v, (list, tuple, np.ndarray)) and len(v) != 1:
                raise ValueError(f"Argument '{name}' must be a numeric of length 1.")
            raise ValueError(f"Non-numeric value for argument '{name}'.")
        v = float(v)
        if not backtransf and v != 1:
            if given:
                w.always(f"Argument '{name}' set to 1 as argument 'backtransf' is FALSE.")
            v = 1.0
        out[name] = v
    out["irunit"] = irunit
    return out


#: meta's transformations (``meta-transf.R``) by R name, and the back-transformation R
#: chooses for each when ``func.backtransf`` is not given.
_TRANSF = {
    "log": rlog, "exp": rexp, "sqrt": np.sqrt,
    "cor2z": cor2z, "p2logit": p2logit, "p2asin": p2asin,
    "z2cor": lambda x: _libm(math.tanh, x, neg=None, zero=None),
    "logit2p": lambda x: 1 / (1 + rexp(-x)),
    "VE2logVR": lambda x: rlog(1 - x / 100),
    "logVR2VE": lambda x: 100 * (1 - rexp(x)),
}
_BACKTRANSF = {"log": "exp", "cor2z": "z2cor", "p2logit": "logit2p", "p2asin": "asin2p",
               "VE2logVR": "logVR2VE"}


def _func_name(f, arg: str):
    """R's ``chkfunc`` and ``deparse(substitute(f))``: a name R meta knows, or a callable
    (kept under its ``__name__``)."""
    if f is None:
        return None, None
    if callable(f):
        return getattr(f, "__name__", repr(f)), f
    if isinstance(f, str):
        if f not in _TRANSF:
            raise NotImplementedError(f"Argument '{arg.replace('_', '.')}' = '{f}': pymeta "
                                      f"knows meta's functions {sorted(_TRANSF)}; pass a "
                                      "Python callable for any other.")
        return f, _TRANSF[f]
    raise ValueError(f"Argument '{arg.replace('_', '.')}' must be a function.")


def _transf_args(transf, func_transf, func_backtransf, args_transf, args_backtransf,
                 w: Warn):
    """metagen's checks of ``transf``, ``func.transf``, ``func.backtransf``,
    ``args.transf`` and ``args.backtransf`` (R: ``transf = gs("transf") &
    missing(func.transf)``; ``chklist`` for the arguments, which are dropped with R's
    warning when their function is missing; without ``func.backtransf`` R knows the
    inverse of log, cor2z, p2logit, p2asin and VE2logVR only, and only without
    ``args.transf``; else it stops). Returns the function as (name, callable) with the
    arguments bound."""
    name, fun = _func_name(func_transf, "func_transf")
    transf = (func_transf is None) if transf is None else check_logical(transf, "transf")
    bname, _ = _func_name(func_backtransf, "func_backtransf")
    for arg, v in (("args.transf", args_transf), ("args.backtransf", args_backtransf)):
        if v is not None and not isinstance(v, dict):
            raise ValueError(f"Argument '{arg}' must be a list.")
    for arg, v, f, given in (("args.transf", args_transf, name, func_transf),
                             ("args.backtransf", args_backtransf, bname, func_backtransf)):
        if f is None and v is not None:
            w.always(f"Argument '{arg}' ignored as argument 'func.{arg[5:]}' is missing.")
    args_transf = args_transf if name is not None else None
    args_backtransf = args_backtransf if bname is not None else None
    if name is not None and bname is None:
        if name not in _BACKTRANSF or args_transf is not None:
            raise ValueError("Argument 'func.backtransf' must be specified.")
        bname = _BACKTRANSF[name]
    if name is not None and args_transf:
        fun = _with_args(name, fun, func_transf, args_transf)
    return (transf, (name, fun) if name is not None else None, bname, args_transf,
            args_backtransf)


#: the extra arguments R's own transformation functions take (``log(x, base)``)
_R_FUN_ARGS = {"log": ("base",)}


def _with_args(name: str, fun, given, args: dict):
    """``do.call(func.transf, c(list(x), args.transf))``: a Python callable gets the
    arguments as keywords; R's own functions only those they have (else R's error)."""
    if callable(given):
        return lambda x: fun(x, **args)
    unused = [k for k in args if k not in _R_FUN_ARGS.get(name, ())]
    if unused:
        raise ValueError("unused argument (" + ", ".join(f"{k} = {args[k]}" for k in unused)
                         + ")")
    base = float(args["base"])
    if base == 10.0:   # R's logbase (arithmetic.c): log10 / log2 of the C library
        return lambda x: _libm(math.log10, x, neg=math.nan, zero=-math.inf)
    if base == 2.0:
        return lambda x: _libm(math.log2, x, neg=math.nan, zero=-math.inf)
    return lambda x: fun(x) / rlog(base)


def _transform_inputs(x: dict, raw: dict, sm: str, func) -> None:
    """metagen (``transf = FALSE``): ``TE``, ``lower`` and ``upper`` given on the original
    scale are transformed (meta's ``transf``: all-NA vectors are left alone); for VE
    the transformation decreases, so the limits swap."""
    if func is not None:
        f = func[1]
    elif sm in ("HR", "OR", "RR", "IRR", "ROM", "DOR", "PLN", "IRLN", "MLN"):
        f = rlog
    elif sm in ("ZCOR", "PLOGIT", "PAS", "VE"):
        f = _TRANSF[{"ZCOR": "cor2z", "PLOGIT": "p2logit", "PAS": "p2asin",
                     "VE": "VE2logVR"}[sm]]
    elif sm == "IRS":
        f = np.sqrt
    else:
        f = None
    for name in ("TE", "lower", "upper"):
        v = x[name]
        if raw[name] is None or f is None or np.all(np.isnan(v)):
            continue
        with np.errstate(all="ignore"):
            x[name] = np.asarray(f(v), dtype=float)
    if sm == "VE" and raw["lower"] is not None and raw["upper"] is not None:
        x["lower"], x["upper"] = x["upper"], x["lower"]


def _n_of_1(seTE, cycles):
    """metagen section (11), n-of-1 trials: zero standard errors are NA first (section 9,
    silently with cycles), then every study gets ``sd.n_of_1 / sqrt(cycles)`` with
    ``sd.n_of_1 = sqrt(sum(df seTE^2) / sum(df))``, ``df = cycles - 1``, NAs left out of
    both sums."""
    se = seTE.copy()
    se[se == 0] = np.nan
    dfc = cycles - 1
    num = rsum((dfc * se ** 2)[~np.isnan(dfc * se ** 2)])
    den = rsum(dfc[~np.isnan(dfc)])
    with np.errstate(all="ignore"):
        sd = math.sqrt(num / den) if den != 0 else math.nan
        out = sd / np.sqrt(cycles)
    return out, sd


def _upper_quantile(a, df) -> np.ndarray:
    """R's ``qnorm(a, lower.tail = FALSE)`` where ``df`` is NA (nmath's own upper tail, bit
    for bit: near a = 0.5 R's result carries the rounding of 1 - a, and so does this),
    else ``qt(a, df, lower.tail = FALSE)`` (= -qt(a, df) in R's algorithm, which
    :func:`pymeta.model.rmath.qt` follows, closed forms for df = 1 and 2 included)."""
    a = np.asarray(a, dtype=float)
    d = np.asarray(df, dtype=float)
    use_t = ~np.isnan(d)
    out = np.array([nmath.qnorm(float(v), lower_tail=False) for v in a], dtype=float)
    if use_t.any():
        out[use_t] = -np.atleast_1d(qt(a[use_t], d[use_t]))
    return out


#: Values of ``approx.TE`` / ``approx.seTE`` (metagen.R section (3), R's order).
_APPROX_TE = ("", "ci", "iqr.range", "iqr", "range")
_APPROX_SETE = ("", "pval", "ci", "iqr.range", "iqr", "range")


def _approx_arg(value, k_all: int, arg: str, ref: str, choices) -> tuple | None:
    """metagen.R section (3) for ``approx.TE`` / ``approx.seTE``: None when not given;
    else a single value (R's ``rep_len`` result is discarded, so it stays single and
    names the first study only) or ``k_all`` values (``chklength``), each checked by
    ``setchar`` (an NA fails it too). Unlike metacont, all "" stays given: R then
    approximates nothing and reports NULL."""
    if value is None:
        return None
    vals = (value,) if isinstance(value, str) else tuple(np.asarray(value, dtype=object).ravel())
    if len(vals) != 1 and len(vals) != k_all:
        raise ValueError(f"Arguments '{ref.replace('_', '.')}' and '{arg.replace('_', '.')}' "
                         "must have the same length.")
    shown = ", ".join(f'"{c}"' for c in choices[:-1]) + f', or "{choices[-1]}"'
    bad = ValueError(f"Argument '{arg.replace('_', '.')}' must be {shown}.")
    if all(isinstance(v, (int, float, np.integer, np.floating))
           and not isinstance(v, (bool, np.bool_)) for v in vals):
        # R's setchar on a numeric vector: positions in the list of values
        if any(math.isnan(v) or v < 1 or v >= len(choices) + 1 for v in vals):
            raise bad
        return tuple(choices[int(v) - 1] for v in vals)
    if any(not isinstance(v, str) for v in vals):   # NA included
        raise bad
    # R's setchar: charmatch, case-insensitive unless that merges different values
    fold = len({v.lower() for v in vals}) == len(set(vals))
    out = []
    for v in vals:
        key = v.lower() if fold else v
        cands = [c.lower() if fold else c for c in choices]
        if key in cands:
            out.append(choices[cands.index(key)])
            continue
        pref = [i for i, c in enumerate(cands) if c.startswith(key)]
        if len(pref) != 1 or key == "":
            raise bad
        out.append(choices[pref[0]])
    return tuple(out)


def _approximate(TE, seTE, x: dict, level_ci, summ: dict, approx_TE, approx_seTE,
                 method_mean: str, method_sd: str, stream=None) -> dict:
    """metagen.R sections (7)-(8), in place on ``TE`` / ``seTE``.

    Without ``approx_seTE`` a missing standard error comes, in this order, from the
    confidence limits (``TE.seTE.ci``, t quantiles where ``df`` is given), the p-value
    (``seTE.pval``), median + quartiles + range (``mean_sd_iqr_range``, ``method_sd``),
    median + quartiles (``mean_sd_iqr``), median + range (``mean_sd_range``); the last
    three need a sample size: ``n_e``, ``n_c`` or, with both, ``n_e + n_c`` (R's ``$se``
    = sd / sqrt(n)). Without ``approx_TE`` a missing estimate comes from the limits'
    midpoint, then the same three (means, ``method_mean``). With ``approx_*`` each study
    gets the approximation named (even where a value is given; "" leaves it), R's
    "Sample size needed ..." error where no sample size is given.

    Returns the result fields ``approx_TE`` / ``approx_seTE`` (None where R stores NULL:
    no study approximated).
    """
    lower, upper, pval, df = x["lower"], x["upper"], x["pval"], x["df"]
    k = TE.size
    dfv = np.full(k, np.nan) if df is None else df
    median, q1, q3, mn, mx = (summ[n] for n in ("median", "q1", "q3", "min", "max"))
    n_e, n_c = x["n_e"], x["n_c"]
    if n_e is None and n_c is None:
        n = None
    else:
        n = n_c if n_e is None else (n_e if n_c is None else n_e + n_c)

    def from_ci(j, use_df=True):
        if lower is None or upper is None:   # R: lower[j] of NULL, assigned to seTE[j]
            raise ValueError("replacement has length zero")
        lo, up = lower[j].copy(), upper[j].copy()
        same = lo == up
        lo[same] = up[same] = np.nan
        with np.errstate(invalid="ignore"):
            if np.any(lo > up):
                raise ValueError("Lower limit must be smaller than upper limit.")
        lev = level_ci[j]
        if np.any(np.isnan(lev)) or np.any((lev <= 0) | (lev >= 1)):
            raise ValueError("Argument 'level' must be a numeric between 0 and 1.")
        d = dfv[j] if use_df else np.full(lo.size, np.nan)
        q = _upper_quantile((1 - lev) / 2, d)   # R: q*((1 - level) / 2, lower.tail = FALSE)
        with np.errstate(all="ignore"):
            se = np.sqrt(((up - lo) / (2 * q)) ** 2)
        return lo + (up - lo) / 2, se

    def from_pval(j):
        if pval is None:     # R: seTE.pval(TE[j], NULL) -> chklength
            raise ValueError("Arguments 'TE' and 'pval' must have the same length.")
        p = pval[j]
        ok = ~np.isnan(p)
        if np.any(p[ok] <= 0) or np.any(p[ok] >= 1):
            raise ValueError("No valid value for p-value")
        out = np.full(p.size, np.nan)
        if ok.any():
            q = _upper_quantile(p[ok] / 2, dfv[j][ok])
            with np.errstate(all="ignore"):
                out[ok] = np.sqrt((TE[j][ok] / q) ** 2)
        return out

    def helper(label, j, want):
        """meta's mean_sd_* on the studies j: $mean (method.mean) or $se (method.sd
        for iqr.range only; the other helpers at their defaults)."""
        nj = n[j]
        if label == "iqr.range":
            mean, sd = _approx.mean_sd_iqr_range(
                nj, *(None if v is None else v[j] for v in (median, q1, q3, mn, mx)),
                method_mean=method_mean if want == "mean" else "Luo",
                method_sd=method_sd if want == "se" else "Shi", stream=stream)
        elif label == "iqr":
            mean, sd = _approx.mean_sd_iqr(
                nj, *(None if v is None else v[j] for v in (median, q1, q3)),
                method_mean=method_mean if want == "mean" else "Luo", stream=stream)
        else:
            mean, sd = _approx.mean_sd_range(
                nj, *(None if v is None else v[j] for v in (median, mn, mx)),
                method_mean=method_mean if want == "mean" else "Luo", stream=stream)
        if want == "mean":
            return mean
        with np.errstate(all="ignore"):
            return sd / np.sqrt(np.atleast_1d(np.asarray(nj, dtype=float)))

    needs = {"iqr.range": (median, q1, q3, mn, mx), "iqr": (median, q1, q3),
             "range": (median, mn, mx)}

    def auto(target, labels, steps, want):
        for label in steps:
            sel = np.isnan(target)
            if not sel.any():
                continue
            if label == "ci":
                if lower is None or upper is None:
                    continue
                j = sel & ~np.isnan(lower) & ~np.isnan(upper)
            elif label == "pval":
                if pval is None:
                    continue
                j = sel & ~np.isnan(TE) & ~np.isnan(pval)
            else:
                if any(v is None for v in needs[label]) or n is None:
                    continue
                j = sel.copy()
                for v in needs[label]:
                    j &= ~np.isnan(v)
            if not j.any():
                continue
            for i in np.flatnonzero(j):
                labels[i] = label
            if label == "ci":
                target[j] = from_ci(j, use_df=want == "se")[0 if want == "mean" else 1]
            elif label == "pval":
                target[j] = from_pval(j)
            else:
                target[j] = helper(label, j, want)

    def listed(target, labels, want, arg):
        for i, label in enumerate(labels):
            if label is None:   # R: if (NA == "ci") ...
                raise ValueError("missing value where TRUE/FALSE needed")
            j = np.array([i])
            if label == "ci":
                target[i] = from_ci(j, use_df=want == "se")[0 if want == "mean" else 1][0]
            elif label == "pval":
                target[i] = from_pval(j)[0]
            elif label:
                if n is None:   # R's messages (approx.seTE = "iqr.range" says "iqr")
                    shown = "iqr" if (label == "iqr.range" and want == "se") else label
                    raise ValueError(f"Sample size needed if argument '{arg}' = \"{shown}\".")
                target[i] = helper(label, j, want)[0]

    # (7) standard errors
    if approx_seTE is None:
        lab_se = [""] * k
        auto(seTE, lab_se, ("ci", "pval", "iqr.range", "iqr", "range"), "se")
    else:
        lab_se = list(approx_seTE)
        listed(seTE, lab_se, "se", "approx.seTE")
    # (8) estimates
    if approx_TE is None:
        lab_te = [""] * k
        auto(TE, lab_te, ("ci", "iqr.range", "iqr", "range"), "mean")
    else:
        lab_te = list(approx_TE)
        listed(TE, lab_te, "mean", "approx.TE")

    return dict(approx_TE=_stored_labels(lab_te), approx_seTE=_stored_labels(lab_se))


def _stored_labels(labels):
    """The result's ``approx.TE`` / ``approx.seTE``: R's ``if (all(approx.* == "")) NULL
    else approx.*``, where an NA label (a single label indexed by ``subset``) makes
    ``all()`` NA unless another label is not "", and ``if (NA)`` stops. None stays None."""
    if labels is None:
        return None
    empty = [None if v is None else v == "" for v in labels]
    if False in empty:
        return np.array(labels, dtype=object)
    if None in empty:
        raise ValueError("missing value where TRUE/FALSE needed")
    return None
