"""``metacont``: meta-analysis of continuous outcomes (two groups), R meta 8.5's rules.

Source: R meta 8.5 ``R/metacont.R``. Implemented: sm = "MD" (with ``pooledvar`` and
study-level ``method.ci`` "z"/"t"), sm = "SMD" (``method.smd`` "Hedges"/"Cohen"/"Glass",
``exact.smd``, ``sd.glass``) and sm = "ROM" (with ``pooledvar``); the model options of
:func:`pymeta.metagen`. As in R, options that do not apply to the chosen ``sm`` are
ignored (``method.ci`` is "z" unless sm = "MD") and reported as R reports them
(``method.smd``/``sd.glass`` "", ``exact.smd``/``pooledvar`` NA).
"""
from __future__ import annotations

import math

import numpy as np

from ..defaults import CHOICES, DEFAULTS
from ..effects.approx import (approx_labels, approximate_means, approximate_sds, check_methods,
                              r_labels, subset_approx)
from ..effects.estmeansd import make_stream, report as report_estmeansd
from ..effects.continuous import mean_difference, ratio_of_means, standardised_mean_difference
from ..model.intervals import ci
from ..result import MetaCont
from ._args import (Warn, check_length, check_logical, column, column_or_value, numeric,
                    reject_unsupported, select_studies, setchar, stored_column, studlabs,
                    subset_studies)
from .cluster import check_rho, resolve_cluster, subset_cluster, three_level_fields
from .metagen import (fit_generic, pop_user_args, resolve_model,
                      subset_user_args, user_args, with_user_args)
from .subgroup import meta_function

__all__ = ["metacont"]

_LACKING = frozenset()

#: The summaries R approximates means and SDs from (metacont.R, blocks 7 and 8).
_SUMMARIES = ("median_e", "q1_e", "q3_e", "min_e", "max_e",
              "median_c", "q1_c", "q3_c", "min_c", "max_c")


@meta_function
def metacont(n_e, mean_e=None, sd_e=None, n_c=None, mean_c=None, sd_c=None, studlab=None,
             data=None, *, subset=None, exclude=None, sm=None,
             method_ci=None, level=None, pooledvar=None, method_smd=None, sd_glass=None,
             exact_smd=None, median_e=None, q1_e=None, q3_e=None, min_e=None, max_e=None,
             median_c=None, q1_c=None, q3_c=None, min_c=None, max_c=None, method_mean=None,
             method_sd=None, approx_mean_e=None, approx_mean_c=None, approx_sd_e=None,
             approx_sd_c=None, common=None, random=None,
             prediction=None, method_tau=None, method_tau_ci=None, method_I2=None,
             level_ma=None, method_common_ci=None, method_random_ci=None, adhoc_hakn_ci=None,
             level_predict=None, method_predict=None, adhoc_hakn_pi=None, level_hetstat=None,
             control=None, tau_preset=None, warn=None, seed_estmeansd=None,
             cluster=None, rho=0.0, id=None, **r_only) -> MetaCont:
    """Meta-analysis of continuous outcome data (R meta ``metacont``), R's defaults throughout.

    The first seven arguments are vectors or, with ``data``, column names (like R's
    ``data=``). As in R, missing values are allowed (the study stays in the output and is
    left out of pooling) and non-positive standard deviations get no weight, with R's
    warning; non-numeric values raise ValueError naming the study.

    Means and SDs may instead be approximated from medians, quartiles and ranges
    (``median_e``, ``q1_e``, ``q3_e``, ``min_e``, ``max_e`` and the ``_c`` ones;
    ``method_mean`` "Luo"/"Wan", ``method_sd`` "Shi"/"Wan"; ``approx_mean_e`` ... to choose
    per study), by R's rules (:mod:`pymeta.effects.approx`). ``method_mean`` /
    ``method_sd`` "Cai" and "BC-McGrath" are Monte Carlo methods (R package estmeansd)
    that R runs on its global random stream; ``seed_estmeansd`` (pymeta only) is the
    ``set.seed()`` value R would have before the call (None: a fresh seed, reported in
    the notes). "QE-McGrath" (estmeansd's quantile estimation) draws no random numbers.
    """
    extra = pop_user_args(r_only)
    reject_unsupported("metacont", r_only, _LACKING)
    uargs = user_args(extra, data, "metacont")
    w = Warn(DEFAULTS["warn"] if warn is None else check_logical(warn, "warn"))
    rho = check_rho(rho)
    sm = setchar(sm or DEFAULTS["smcont"], CHOICES["sm_cont"], "sm")
    if sm != "MD":  # R: method.ci <- "z" for SMD and ROM, before checking it
        method_ci = "z"
    method_ci = setchar(method_ci or DEFAULTS["method_ci_cont"], CHOICES["method_ci_cont"],
                        "method_ci")
    pooledvar = check_logical(DEFAULTS["pooledvar"] if pooledvar is None else pooledvar, "pooledvar")
    # checked whatever sm is, as in R
    method_smd = setchar(method_smd or DEFAULTS["method_smd"], CHOICES["method_smd"],
                         "method_smd")
    sd_glass = setchar(sd_glass or DEFAULTS["sd_glass"], CHOICES["sd_glass"], "sd_glass")
    exact_smd = DEFAULTS["exact_smd"] if exact_smd is None else exact_smd
    if sm == "SMD" and method_smd != "Glass":  # R evaluates `if (exact.smd)` only here
        exact_smd = check_logical(exact_smd, "exact_smd")

    method_mean, method_sd = check_methods(method_mean, method_sd)

    raw = {name: column(v, data, name) for name, v in
           dict(n_e=n_e, mean_e=mean_e, sd_e=sd_e, n_c=n_c, mean_c=mean_c, sd_c=sd_c).items()}
    if raw["n_e"] is None or raw["n_c"] is None:
        raise ValueError("Arguments 'n.e' and 'n.c' must be provided.")
    summ = {name: column(v, data, name) for name, v in zip(
        _SUMMARIES, (median_e, q1_e, q3_e, min_e, max_e, median_c, q1_c, q3_c, min_c, max_c))}
    for arm in ("e", "c"):   # R's "Additional checks"
        if raw[f"mean_{arm}"] is None and summ[f"median_{arm}"] is None:
            raise ValueError(f"Provide either argument 'mean.{arm}' or 'median.{arm}'.")
    for arm in ("e", "c"):
        if raw[f"sd_{arm}"] is None and not (
                (summ[f"q1_{arm}"] is not None and summ[f"q3_{arm}"] is not None)
                or (summ[f"min_{arm}"] is not None and summ[f"max_{arm}"] is not None)):
            raise ValueError(f"Provide either argument 'sd.{arm}' and arguments 'q1.{arm}' & "
                             f"'q3.{arm}' or 'min.{arm} & 'max.{arm}'.")
    labels_raw = column(studlab, data, "studlab")
    k_all = len(np.atleast_1d(np.asarray(raw["n_e"], dtype=object)))
    labels = studlabs(labels_raw, k_all)
    check_length("n_e", k_all, **{k: np.atleast_1d(np.asarray(v, dtype=object))
                                  for k, v in raw.items() if k != "n_e" and v is not None},
                 studlab=None if labels_raw is None else labels)
    check_length("n_e", k_all, **{k: np.atleast_1d(np.asarray(v, dtype=object))
                                  for k, v in summ.items() if v is not None})
    cl = resolve_cluster(cluster, id, data, w)
    check_length("n_e", k_all, cluster=cl)
    approx = {name: approx_labels(column_or_value(v, data), k_all, name, "n_e")
              for name, v in dict(approx_mean_e=approx_mean_e, approx_mean_c=approx_mean_c,
                                  approx_sd_e=approx_sd_e, approx_sd_c=approx_sd_c).items()}
    if k_all == 0:
        raise ValueError("No studies to combine in meta-analysis.")
    x = {name: (np.full(k_all, math.nan) if v is None else numeric(v, name, labels))
         for name, v in raw.items()}
    s_x = {name: (None if v is None else numeric(v, name, labels)) for name, v in summ.items()}
    # R's section (6): the subset of the data, summaries and approximation labels
    idx, excl = select_studies(subset, exclude, k_all, data, fun="metacont")
    given = (dict(x), dict(s_x), dict(approx), k_all)   # for R's object$data (update)
    uargs = subset_user_args(uargs, idx, k_all, "metacont")
    x, labels, excl, _ = subset_studies(idx, x, labels, excl)
    cl = subset_cluster(cl, idx)
    s_x, approx = subset_approx(idx, k_all, s_x, approx, column(subset, data, "subset"))
    k_all = len(labels)
    stream = make_stream(seed_estmeansd)
    # R's sections (7) and (8): both arms' means, then both arms' SDs
    for arm in ("e", "c"):
        x[f"mean_{arm}"], approx[f"approx_mean_{arm}"] = approximate_means(
            x[f"n_{arm}"], x[f"mean_{arm}"],
            *(s_x[f"{s}_{arm}"] for s in ("median", "q1", "q3", "min", "max")),
            method_mean=method_mean, method_sd=method_sd,
            approx_mean=approx[f"approx_mean_{arm}"], stream=stream)
    for arm in ("e", "c"):
        x[f"sd_{arm}"], approx[f"approx_sd_{arm}"] = approximate_sds(
            x[f"n_{arm}"], x[f"mean_{arm}"], x[f"sd_{arm}"],
            *(s_x[f"{s}_{arm}"] for s in ("median", "q1", "q3", "min", "max")),
            method_mean=method_mean, method_sd=method_sd,
            approx_sd=approx[f"approx_sd_{arm}"], stream=stream,
            explicit_iqr_range_median_raw=arm == "c")
    approx = {name: r_labels(v) for name, v in approx.items()}
    update_data = _update_data(given, idx, x, approx)

    data6 = (x["n_e"], x["mean_e"], x["sd_e"], x["n_c"], x["mean_c"], x["sd_c"])
    if sm == "MD":
        eff = mean_difference(*data6, pooledvar=pooledvar)
    elif sm == "SMD":
        eff = standardised_mean_difference(*data6, method_smd=method_smd, exact_smd=exact_smd,
                                           sd_glass=sd_glass)
    else:
        eff = ratio_of_means(*data6, pooledvar=pooledvar)
    # R meta's warnings, in R's order (setmethodpredict's come first)
    model = resolve_model(locals(), warn=w)
    model, user_fields = with_user_args(model, uargs, k_all, "metacont", stream)
    report_estmeansd(stream, w, "metacont")
    if eff.na_n.any():
        w.warn("Note, studies with non-positive values for n.e and / or n.c get no weight in "
               "meta-analysis.")
    if sm == "ROM" and eff.na_mean.any():
        w.warn("Note, studies with negative or zero means get no weight in meta-analysis.")
    if eff.nonpos_sd.any():
        w.warn("Note, studies with non-positive values for sd.e or sd.c get no weight in "
               "meta-analysis.")
    for i in np.flatnonzero(eff.nonpos_n):
        w.note(f"Study '{labels[i]}': non-positive sample size (n.e = {x['n_e'][i]:g}, "
               f"n.c = {x['n_c'][i]:g}); R meta does not exclude it, its standard error is "
               f"{eff.seTE[i]:g} as in R.")
    for i in np.flatnonzero(eff.nonpos_sd):
        w.note(f"Study '{labels[i]}': non-positive standard deviation (sd.e = {x['sd_e'][i]:g}, "
               f"sd.c = {x['sd_c'][i]:g}): no weight in the meta-analysis.")
    if sm == "ROM":
        with np.errstate(invalid="ignore"):
            sign = (x["mean_e"] * x["mean_c"] <= 0) & ~eff.na_mean
        for i in np.flatnonzero(sign & ~eff.na_n):
            w.note(f"Study '{labels[i]}': means of opposite sign or zero (mean.e = "
                   f"{x['mean_e'][i]:g}, mean.c = {x['mean_c'][i]:g}); R meta takes the log of "
                   f"their ratio as it is (estimate {eff.TE[i]:g}).")
    for i in np.flatnonzero(np.isnan(eff.TE) | np.isnan(eff.seTE)):
        if not eff.nonpos_sd[i]:
            w.note(f"Study '{labels[i]}': missing data, not pooled.")

    fields = fit_generic(eff.TE, eff.seTE, labels, sm=sm, model=model, warn=w,
                         study_df=(x["n_e"] + x["n_c"] - 2) if method_ci == "t" else None,
                         exclude=excl, cluster=cl, rho=rho)
    if method_ci == "t":
        # R computes the study-level t-CI before the SD rule (section 9): a study with
        # sd.e or sd.c <= 0 keeps that interval although its seTE is NA
        st = ci(eff.TE, eff.seTE_pre_sd, level=model.level, df=x["n_e"] + x["n_c"] - 2)
        fields.update(lower=st.lower, upper=st.upper, statistic=st.statistic, pval=st.p,
                      df=st.df)
    # what R reports at the end of metacont ("Unset some variables")
    if sm == "SMD":
        pooledvar_out = math.nan
        if method_smd != "Glass":
            sd_glass = ""
        else:
            exact_smd = math.nan
    else:
        pooledvar_out = pooledvar
        method_smd, sd_glass, exact_smd = "", "", math.nan
    fields.update(user_fields)
    three_level_fields(fields, extra["detail_tau"])
    return MetaCont(**fields, n_e=x["n_e"], mean_e=x["mean_e"], sd_e=x["sd_e"], n_c=x["n_c"],
                    mean_c=x["mean_c"], sd_c=x["sd_c"], pooledvar=pooledvar_out,
                    method_smd=method_smd, sd_glass=sd_glass, exact_smd=exact_smd,
                    method_ci=method_ci,
                    n_e_pooled=float(np.nansum(x["n_e"])), n_c_pooled=float(np.nansum(x["n_c"])),
                    method_mean=method_mean if (approx["approx_mean_e"] is not None
                                                or approx["approx_mean_c"] is not None) else "",
                    method_sd=method_sd if (approx["approx_sd_e"] is not None
                                            or approx["approx_sd_c"] is not None) else "",
                    **s_x, **approx,
                    warnings=tuple(w.warnings), notes=tuple(w.notes), update_data=update_data)


def _update_data(given: tuple, idx, x: dict, approx: dict) -> dict:
    """The columns of R's ``object$data`` that ``update.meta`` hands metacont again
    (metacont.R sections (5) and the end): means and SDs after the approximations
    (:func:`._args.stored_column`), the medians, quartiles and ranges as given, and the
    ``approx.*`` labels: those given (a single one fills every row) or "", where the
    studies analysed get the labels of the approximations made; no column when no study
    was approximated (R drops it)."""
    x_all, s_all, labels_given, k_all = given
    out = {name: stored_column(x_all[name], idx, x[name])
           for name in ("mean_e", "sd_e", "mean_c", "sd_c")}
    out.update(s_all)
    for name, final in approx.items():
        if final is None:
            out[name] = None
            continue
        user = labels_given[name]
        base = [""] * k_all if user is None else (list(user) * k_all if len(user) == 1
                                                    else list(user))
        out[name] = tuple(stored_column(base, idx, np.asarray(final, dtype=object)))
    return out
