"""``metamean``: meta-analysis of single means, R meta 8.5's rules.

Source: R meta 8.5 ``R/metamean.R``. Implemented: sm = "MRAW" (raw means, with
study-level ``method.ci`` "z"/"t") and sm = "MLN" (log means); ``null.effect``; the model
options of :func:`pymeta.metagen`. As in R, ``null.effect`` defaults to NA, in which case
the study-level and pooled test statistics and p-values are NA (R even shortens the
study-level ``statistic`` and ``pval`` to a single NA); for sm = "MLN" the null effect is
given on the mean scale and tested on the log scale. ``method.ci`` is "z" unless
sm = "MRAW", as in R.
"""
from __future__ import annotations

import math

import numpy as np

from ..defaults import CHOICES, DEFAULTS
from ..effects.approx import approx_labels, approximate, check_methods, r_labels, subset_approx
from ..effects.estmeansd import make_stream, report as report_estmeansd
from ..effects.mean import log_mean, raw_mean
from ..model.intervals import ci
from ..model.rmath import rlog
from ..result import MetaMean
from ._args import (Warn, check_length, check_logical, column, column_or_value, numeric,
                    reject_unsupported, select_studies, setchar, stored_column, studlabs,
                    subset_studies)
from .cluster import check_rho, cluster_values, subset_cluster, three_level_fields
from .metagen import (fit_generic, pop_user_args, resolve_model,
                      subset_user_args, user_args, with_user_args)
from .subgroup import meta_function

__all__ = ["metamean"]

_LACKING = frozenset()


def _null_effect(value) -> float:
    """meta's ``chknumeric(null.effect, length = 1)`` (NA allowed)."""
    if value is None:
        return math.nan
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer,
                                                                      np.floating)):
        raise ValueError("Argument 'null.effect' must be a numeric of length 1.")
    return float(value)


@meta_function
def metamean(n, mean=None, sd=None, studlab=None, data=None, *, subset=None, exclude=None,
             sm=None, method_ci=None,
             level=None, median=None, q1=None, q3=None, min=None, max=None,  # noqa: A002
             method_mean=None, method_sd=None, approx_mean=None, approx_sd=None,
             common=None, random=None, prediction=None, method_tau=None, method_tau_ci=None,
             method_I2=None, level_ma=None, method_common_ci=None, method_random_ci=None,
             adhoc_hakn_ci=None, level_predict=None, method_predict=None, adhoc_hakn_pi=None,
             level_hetstat=None, null_effect=None, backtransf=None, control=None, tau_preset=None, warn=None,
             seed_estmeansd=None, cluster=None, rho=0.0, **r_only) -> MetaMean:
    """Meta-analysis of single means (R meta ``metamean``), R's defaults throughout.

    ``n``, ``mean``, ``sd`` and ``studlab`` are vectors or, with ``data``, column names
    (like R's ``data=``). ``null_effect`` (default NA, i.e. no test) is on the scale of
    the means. As in R, missing values are allowed (the study stays in the output and is
    left out of pooling) and non-positive standard deviations get no weight, with R's
    warning; non-numeric values raise ValueError naming the study.

    Means and SDs may instead be approximated from medians, quartiles and ranges
    (``median``, ``q1``, ``q3``, ``min``, ``max``; ``method_mean`` "Luo"/"Wan",
    ``method_sd`` "Shi"/"Wan"; ``approx_mean`` / ``approx_sd`` to choose per study), by
    R's rules (:mod:`pymeta.effects.approx`).
    """
    extra = pop_user_args(r_only)
    reject_unsupported("metamean", r_only, _LACKING)
    uargs = user_args(extra, data, "metamean")
    w = Warn(DEFAULTS["warn"] if warn is None else check_logical(warn, "warn"))
    rho = check_rho(rho)
    null_effect = _null_effect(null_effect)
    sm = setchar(sm or DEFAULTS["smmean"], CHOICES["sm_mean"], "sm")
    if sm != "MRAW":  # R: method.ci <- "z" for MLN, before checking it
        method_ci = "z"
    method_ci = setchar(method_ci or DEFAULTS["method_ci_cont"], CHOICES["method_ci_cont"],
                        "method_ci")
    backtransf = check_logical(DEFAULTS["backtransf"] if backtransf is None else backtransf,
                               "backtransf")

    method_mean, method_sd = check_methods(method_mean, method_sd)
    summ = {name: column(v, data, name) for name, v in
            dict(median=median, q1=q1, q3=q3, min=min, max=max).items()}
    if mean is None and summ["median"] is None:
        raise ValueError("Provide either argument 'mean' or 'median'.")
    if sd is None and not ((summ["q1"] is not None and summ["q3"] is not None)
                           or (summ["min"] is not None and summ["max"] is not None)):
        raise ValueError("Provide either argument 'sd' and arguments 'q1' & 'q3' or "
                         "'min & 'max'.")
    raw = {name: column(v, data, name) for name, v in dict(n=n, mean=mean, sd=sd).items()}
    if raw["n"] is None:
        raise ValueError("Argument 'n' is NULL.")
    labels_raw = column(studlab, data, "studlab")
    k_all = len(np.atleast_1d(np.asarray(raw["n"], dtype=object)))
    labels = studlabs(labels_raw, k_all)
    check_length("n", k_all, **{k: np.atleast_1d(np.asarray(v, dtype=object))
                                for k, v in raw.items() if k != "n" and v is not None},
                 studlab=None if labels_raw is None else labels)
    check_length("n", k_all, **{k: np.atleast_1d(np.asarray(v, dtype=object))
                                for k, v in summ.items() if v is not None})
    cl = cluster_values(column(cluster, data, "cluster"))
    check_length("n", k_all, cluster=cl)
    approx = {name: approx_labels(column_or_value(v, data), k_all, name, "n")
              for name, v in dict(approx_mean=approx_mean, approx_sd=approx_sd).items()}
    if k_all == 0:
        raise ValueError("No studies to combine in meta-analysis.")
    x = {name: (np.full(k_all, math.nan) if v is None else numeric(v, name, labels))
         for name, v in raw.items()}
    s_x = {name: (None if v is None else numeric(v, name, labels)) for name, v in summ.items()}
    # R's section (6): the subset of the data, summaries and approximation labels
    idx, excl = select_studies(subset, exclude, k_all, data, fun="metamean")
    given = (dict(x), dict(s_x), dict(approx), k_all)   # for R's object$data (update)
    uargs = subset_user_args(uargs, idx, k_all, "metamean")
    x, labels, excl, _ = subset_studies(idx, x, labels, excl)
    cl = subset_cluster(cl, idx)
    s_x, approx = subset_approx(idx, k_all, s_x, approx, column(subset, data, "subset"))
    k_all = len(labels)
    stream = make_stream(seed_estmeansd)
    x["mean"], x["sd"], am, asd = approximate(
        x["n"], x["mean"], x["sd"], *s_x.values(), method_mean=method_mean,
        method_sd=method_sd, approx_mean=approx["approx_mean"], approx_sd=approx["approx_sd"],
        stream=stream)
    approx = dict(approx_mean=r_labels(am), approx_sd=r_labels(asd))
    update_data = _update_data(given, idx, x)

    eff = (raw_mean if sm == "MRAW" else log_mean)(x["n"], x["mean"], x["sd"])
    # R meta's warnings, in R's order (setmethodpredict's come first)
    with np.errstate(all="ignore"):
        transf_null = null_effect if sm == "MRAW" else float(rlog(null_effect))
    model = resolve_model(locals(), null_effect=transf_null, warn=w)
    model, user_fields = with_user_args(model, uargs, k_all, "metamean", stream)
    report_estmeansd(stream, w, "metamean")
    if eff.na_n.any():
        w.warn("Studies with non-positive sample size get no weight in meta-analysis.")
    if sm == "MLN" and eff.na_mean.any():
        w.warn("Studies with negative or zero mean get no weight in meta-analysis.")
    if eff.nonpos_sd.any():
        w.warn("Studies with non-positive standard deviation get no weight in meta-analysis.")
    for i in np.flatnonzero(eff.nonpos_n):
        w.note(f"Study '{labels[i]}': non-positive sample size (n = {x['n'][i]:g}); R meta "
               f"does not exclude it, its standard error is {eff.seTE[i]:g} as in R.")
    if sm == "MLN":
        for i in np.flatnonzero(eff.nonpos_mean & ~eff.na_n):
            w.note(f"Study '{labels[i]}': non-positive mean ({x['mean'][i]:g}); R meta takes "
                   f"its log as it is (estimate {eff.TE[i]:g}).")
    for i in np.flatnonzero(eff.nonpos_sd):
        w.note(f"Study '{labels[i]}': non-positive standard deviation (sd = {x['sd'][i]:g}): "
               "no weight in the meta-analysis.")
    for i in np.flatnonzero(np.isnan(eff.TE) | np.isnan(eff.seTE)):
        if not eff.nonpos_sd[i]:
            w.note(f"Study '{labels[i]}': missing data, not pooled.")

    fields = fit_generic(eff.TE, eff.seTE, labels, sm=sm, model=model, warn=w,
                         study_df=(x["n"] - 1) if method_ci == "t" else None,
                         backtransf=backtransf, exclude=excl, cluster=cl, rho=rho)
    fields["null_effect"] = null_effect
    if method_ci == "t":
        # R computes the study-level t-CI before the SD rule: a study with sd <= 0 keeps
        # its interval (of the SE computed from that sd) although its seTE is NA
        st = ci(eff.TE, eff.seTE_pre_sd, level=model.level, df=x["n"] - 1,
                null_effect=null_effect)
        fields.update(lower=st.lower, upper=st.upper, statistic=st.statistic, pval=st.p,
                      df=st.df)
    if math.isnan(null_effect):  # R: res$statistic <- NA; res$pval <- NA (length 1)
        fields["statistic"] = np.full(1, math.nan)
        fields["pval"] = np.full(1, math.nan)
    fields.update(user_fields)
    three_level_fields(fields, extra["detail_tau"])
    return MetaMean(**fields, n=x["n"], mean=x["mean"], sd=x["sd"], method_ci=method_ci,
                    method_mean=method_mean if approx["approx_mean"] is not None else "",
                    method_sd=method_sd if approx["approx_sd"] is not None else "",
                    **s_x, **approx,
                    warnings=tuple(w.warnings), notes=tuple(w.notes), update_data=update_data)


def _update_data(given: tuple, idx, x: dict) -> dict:
    """The columns of R's ``object$data`` that ``update.meta`` hands metamean again
    (metamean.R): means and SDs after the approximations (:func:`._args.stored_column`)
    and the medians, quartiles and ranges as given. (R's update passes the result's own
    ``approx.mean`` / ``approx.sd``, not a data column: :func:`pymeta.api.update`.)"""
    x_all, s_all, _, _ = given
    out = {name: stored_column(x_all[name], idx, x[name]) for name in ("mean", "sd")}
    out.update(s_all)
    return out
