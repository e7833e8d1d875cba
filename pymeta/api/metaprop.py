"""``metaprop``: meta-analysis of single proportions, R meta 8.5's rules.

Source: R meta 8.5 ``R/metaprop.R`` and ``R/meta-ci.R``. Implemented: sm = "PLOGIT",
"PAS", "PFT", "PLN", "PRAW" with the inverse variance method; study-level intervals
``method.ci`` "CP" (R's default), "WS", "WSCC", "AC", "SA", "SACC", "NAsm"; continuity
corrections ``incr`` with ``method.incr`` "only0" / "if0all" / "all" / "user";
``null.effect`` (a proportion; the Clopper-Pearson p-values test it exactly); the model
options of :func:`pymeta.metagen`.

R's default for sm = "PLOGIT" is the generalised linear mixed model (method = "GLMM",
via metafor's ``rma.glmm``/lme4), which pymeta does not implement: pymeta raises
NotImplementedError unless ``method="Inverse"`` is passed.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from ..defaults import DEFAULTS
from ..effects import proportion as prop
from ..model.intervals import ci
from ..result import MetaProp
from ._args import (Warn, check_length, check_logical, column, numeric,
                    reject_unsupported, select_studies, setchar, studlabs, subset_studies)
from .cluster import check_rho, cluster_values, subset_cluster, three_level_fields
from .metagen import (fit_generic, pop_user_args, resolve_model,
                      subset_user_args, user_args, with_user_args)
from .subgroup import meta_function

__all__ = ["metaprop"]

_LACKING = frozenset()
SM_PROP = ("PLOGIT", "PLN", "PRAW", "PAS", "PFT")
METHOD_CI_PROP = ("CP", "WS", "WSCC", "AC", "SA", "SACC", "NAsm")
METHOD_INCR = ("only0", "if0all", "all", "user")
UNTRANSFORMED = ("COR", "PRAW", "IR", "RD", "IRD", "MD", "SMD", "MRAW")


def is_wholenumber(x):
    """meta's ``is_wholenumber``: |x - round(x)| < sqrt(machine epsilon) (NaN stays NaN)."""
    with np.errstate(invalid="ignore"):
        return np.abs(x - np.round(x)) < np.finfo(float).eps ** 0.5


def check_incr(incr, k: int) -> np.ndarray:
    """meta's ``chknumeric(incr, min = 0)`` and ``chklength(incr, k)``."""
    if isinstance(incr, (bool, np.bool_)) or isinstance(incr, str):
        raise ValueError("Non-numeric value for argument 'incr'.")
    arr = np.atleast_1d(np.asarray(incr, dtype=float))
    ok = arr[~np.isnan(arr)]
    if ok.size and (ok < 0).any():
        raise ValueError("Argument 'incr' must be larger equal 0.")
    if arr.size > 1 and arr.size != k:
        raise ValueError(f"Arguments 'event' and 'incr' must have the same length ({k} and "
                         f"{arr.size}).")
    return arr


def null_prop(value) -> float:
    """metaprop's check: NA, or a single number in [0, 1]."""
    if value is None:
        return math.nan
    if isinstance(value, (bool, np.bool_)) or not isinstance(
            value, (int, float, np.integer, np.floating)):
        raise ValueError("Argument 'null.effect' must be a numeric of length 1.")
    v = float(value)
    if not math.isnan(v) and not 0 <= v <= 1:
        raise ValueError("Argument 'null.effect' must be between 0 and 1.")
    return v


def _no(excl, k: int) -> np.ndarray:
    """meta's ``exclude`` vector (all FALSE when the argument is not given)."""
    return np.zeros(k, dtype=bool) if excl is None else excl


def check_counts(x: dict, labels, positive: tuple, nonneg: tuple) -> None:
    """meta's ``chknumeric(event, 0)`` / ``chknumeric(n, 0, zero = TRUE)`` (NA allowed)."""
    for name in nonneg:
        v = x[name]
        if (v[~np.isnan(v)] < 0).any():
            raise ValueError(f"Argument '{name.replace('_', '.')}' must be larger equal 0.")
    for name in positive:
        v = x[name]
        if (v[~np.isnan(v)] <= 0).any():
            raise ValueError(f"Argument '{name.replace('_', '.')}' must be positive.")


def incr_field(incr_arr: np.ndarray):
    """R's ``if (length(unique(incr)) == 1) unique(incr) else incr``."""
    u = np.unique(incr_arr[~np.isnan(incr_arr)])
    has_na = np.isnan(incr_arr).any()
    if u.size + has_na == 1:
        return float(incr_arr[0])
    return incr_arr


@meta_function
def metaprop(event, n, studlab=None, data=None, *, subset=None, exclude=None, method=None,
             sm=None, incr=None,
             method_incr=None, method_ci=None, level=None, common=None, random=None,
             prediction=None, method_tau=None, method_tau_ci=None, method_I2=None,
             level_ma=None, method_common_ci=None, method_random_ci=None, adhoc_hakn_ci=None,
             level_predict=None, method_predict=None, adhoc_hakn_pi=None, level_hetstat=None,
             null_effect=None, backtransf=None, pscale=1, control=None, tau_preset=None, warn=None,
             cluster=None, rho=0.0, **r_only) -> MetaProp:
    """Meta-analysis of single proportions (R meta ``metaprop``), R's defaults throughout.

    ``event``, ``n`` and ``studlab`` are vectors or, with ``data``, column names.
    ``sm="PLOGIT"`` (R's default) needs ``method="Inverse"``: R's default method for it
    is the GLMM, which pymeta does not implement (NotImplementedError).
    ``null_effect`` is a proportion (default NA: no test of the study results).
    """
    extra = pop_user_args(r_only)
    reject_unsupported("metaprop", r_only, _LACKING)
    w = Warn(DEFAULTS["warn"] if warn is None else check_logical(warn, "warn"))
    rho = check_rho(rho)
    sm = setchar(sm or "PLOGIT", SM_PROP, "sm")
    uargs = user_args(extra, data, "metaprop", method=(
        setchar(method, ("Inverse", "GLMM"), "method") if method is not None
        else "GLMM" if sm == "PLOGIT" else "Inverse"))
    if method is None:
        if sm == "PLOGIT":
            raise NotImplementedError(
                "metaprop(): R meta's default for sm = \"PLOGIT\" is method = \"GLMM\" (a "
                "generalised linear mixed model), which pymeta does not implement; pass "
                "method=\"Inverse\" for the inverse variance method.")
        method = "Inverse"
    method = setchar(method, ("Inverse", "GLMM"), "method")
    if method == "GLMM":
        raise NotImplementedError("metaprop(): method = \"GLMM\" is not implemented in pymeta; "
                                  "pass method=\"Inverse\".")
    method_incr = setchar(method_incr or DEFAULTS["method_incr"], METHOD_INCR, "method_incr")
    null_effect = null_prop(null_effect)
    backtransf = check_logical(DEFAULTS["backtransf"] if backtransf is None else backtransf,
                               "backtransf")
    if isinstance(pscale, (bool, np.bool_)) or not isinstance(
            pscale, (int, float, np.integer, np.floating)):
        raise ValueError("Argument 'pscale' must be a numeric of length 1.")
    pscale = float(pscale)
    if not backtransf and pscale != 1 and sm not in UNTRANSFORMED:
        w.warn("Argument 'pscale' set to 1 as argument 'backtransf' is FALSE.")
        pscale = 1.0
    method_ci = setchar(method_ci or "CP", METHOD_CI_PROP, "method_ci")
    model = resolve_model(locals(), null_effect=prop.transf_null(null_effect, sm), warn=w)

    raw = {name: column(v, data, name) for name, v in dict(event=event, n=n).items()}
    if raw["event"] is None:
        raise ValueError("Argument 'event' is NULL.")
    if raw["n"] is None:
        raise ValueError("Argument 'n' is NULL.")
    labels_raw = column(studlab, data, "studlab")
    k_all = len(np.atleast_1d(np.asarray(raw["event"], dtype=object)))
    incr_arr = check_incr(DEFAULTS["incr"] if incr is None else column(incr, data, "incr"),
                          k_all)
    labels = studlabs(labels_raw, k_all)
    check_length("event", k_all, n=np.atleast_1d(np.asarray(raw["n"], dtype=object)),
                 studlab=None if labels_raw is None else labels)
    if k_all == 0:
        raise ValueError("No studies to combine in meta-analysis.")
    cl = cluster_values(column(cluster, data, "cluster"))
    check_length("event", k_all, cluster=cl)
    x = {name: numeric(v, name, labels) for name, v in raw.items()}
    idx, excl = select_studies(subset, exclude, k_all, data, fun="metaprop")
    uargs = subset_user_args(uargs, idx, k_all, "metaprop")
    x, labels, excl, (incr_arr,) = subset_studies(idx, x, labels, excl, incr_arr)
    cl = subset_cluster(cl, idx)
    k_all = len(labels)
    ev, nn = x["event"], x["n"]
    check_counts(x, labels, positive=("n",), nonneg=("event",))
    with np.errstate(invalid="ignore"):
        if (ev > nn).any():
            raise ValueError("Number of events must not be larger than number of observations")
    if method_ci != "NAsm":
        if (is_wholenumber(ev) == 0)[~np.isnan(ev)].any():
            w.warn("Normal approximation confidence interval (argument method.ci = \"NAsm\") "
                   "used as\nat least one number of events contains a non-integer value.")
            method_ci = "NAsm"
        elif (is_wholenumber(nn) == 0)[~np.isnan(nn)].any():
            w.warn("Normal approximation confidence interval (argument method.ci = \"NAsm\") "
                   "used as\nat least one sample size contains a non-integer value.")
            method_ci = "NAsm"

    sel, sparse, incr_event = prop.continuity(ev, nn, sm=sm, incr=incr_arr,
                                              method_incr=method_incr)
    TE, seTE = prop.transform(ev, nn, incr_event, sm)
    if method_ci == "NAsm":
        st = ci(TE, seTE, level=model.level, null_effect=null_effect)
        lower, upper, cp_p = st.lower, st.upper, None
    else:
        sc = prop.study_ci(ev, nn, model.level, method_ci, null_effect)
        lower, upper = prop.ci_to_scale(sc.lower, sc.upper, nn, sm)
        cp_p = sc.p
    _notes(w, labels, ev, nn, incr_event, sm)

    k_usable = int((~(np.isnan(ev) | np.isnan(nn)) & ~_no(excl, k_all)).sum())
    if k_usable == 1:  # metaprop's own k = 1 rule (k counted on the data)
        model = dataclasses.replace(model, opts=dataclasses.replace(
            model.opts, method_random_ci=tuple("classic" if m == "HK" else m
                                               for m in model.opts.method_random_ci)))
    model, user_fields = with_user_args(model, uargs, k_all, "metaprop")
    fields = fit_generic(TE, seTE, labels, sm=sm, model=model, warn=w, method="Inverse",
                         backtransf=backtransf, exclude=excl, cluster=cl, rho=rho)
    if method_ci == "CP":
        fields["statistic"] = np.full(k_all, np.nan)
        fields["pval"] = cp_p
    elif method_ci != "NAsm":
        fields["statistic"] = np.full(k_all, np.nan)
        fields["pval"] = np.full(k_all, np.nan)
    fields.update(lower=np.asarray(lower, float), upper=np.asarray(upper, float),
                  null_effect=null_effect)
    fields.update(user_fields)
    three_level_fields(fields, extra["detail_tau"])
    return MetaProp(**fields, event=ev, n=nn, incr=incr_field(incr_arr),
                    method_incr=method_incr, sparse=sparse, method_ci=method_ci,
                    incr_event=incr_event, pscale=pscale,
                    warnings=tuple(w.warnings), notes=tuple(w.notes))


def _notes(w: Warn, labels, ev, nn, incr_event, sm) -> None:
    """Say, study by study, what R meta does without a word."""
    corr = np.flatnonzero(incr_event > 0)
    if corr.size and sm in ("PLOGIT", "PLN", "PRAW"):
        w.note(", ".join(f"'{labels[i]}'" for i in corr)
               + f": continuity correction added to events and non-events (sm = \"{sm}\").")
    miss = np.flatnonzero(np.isnan(ev) | np.isnan(nn))
    if miss.size:
        w.note(", ".join(f"'{labels[i]}'" for i in miss)
               + ": missing data; no study estimate, not pooled.")
