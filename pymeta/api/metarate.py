"""``metarate``: meta-analysis of single incidence rates, R meta 8.5's rules.

Source: R meta 8.5 ``R/metarate.R``. Implemented: sm = "IRLN" (R's default), "IR",
"IRS", "IRFT" with the inverse variance method; study-level intervals ``method.ci``
"NAsm" (R's default) and "Poisson" (exact, R's ``poisson.test``); continuity corrections
``incr`` / ``method.incr``; ``null.effect``; the model options of :func:`pymeta.metagen`.
method = "GLMM" raises NotImplementedError.

As in R 8.5-0: with method.ci = "Poisson" the study-level test statistics and p-values
are still those of the normal approximation (R keeps metagen's, because its check for the
exact p-values asks for method.ci = "exact", which it does not accept); the exact interval
requires a null effect between 0 and 1 (R's ``ciPoisson`` check), else R stops.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from ..defaults import DEFAULTS
from ..effects import rate
from ..model.intervals import ci
from ..result import MetaRate
from ._args import (Warn, check_length, check_logical, column, numeric,
                    reject_unsupported, select_studies, setchar, studlabs, subset_studies)
from .cluster import check_rho, cluster_values, subset_cluster, three_level_fields
from .metagen import (fit_generic, pop_user_args, resolve_model,
                      subset_user_args, user_args, with_user_args)
from .subgroup import meta_function
from .metaprop import (METHOD_INCR, UNTRANSFORMED, _no, check_counts, check_incr, incr_field,
                       is_wholenumber)

__all__ = ["metarate"]

_LACKING = frozenset()
SM_RATE = ("IR", "IRLN", "IRS", "IRFT")
METHOD_CI_RATE = ("NAsm", "Poisson")


def _num1(value, arg: str) -> float:
    if value is None:
        return math.nan
    if isinstance(value, (bool, np.bool_)) or not isinstance(
            value, (int, float, np.integer, np.floating)):
        raise ValueError(f"Argument '{arg}' must be a numeric of length 1.")
    return float(value)


@meta_function
def metarate(event, time, studlab=None, data=None, *, subset=None, exclude=None, n=None,
             method=None, sm=None, incr=None,
             method_incr=None, method_ci=None, level=None, common=None, random=None,
             prediction=None, method_tau=None, method_tau_ci=None, method_I2=None,
             level_ma=None, method_common_ci=None, method_random_ci=None, adhoc_hakn_ci=None,
             level_predict=None, method_predict=None, adhoc_hakn_pi=None, level_hetstat=None,
             null_effect=None, backtransf=None, irscale=1, irunit="person-years",
             control=None, tau_preset=None, warn=None, cluster=None, rho=0.0,
             **r_only) -> MetaRate:
    """Meta-analysis of single incidence rates (R meta ``metarate``), R's defaults throughout.

    ``event``, ``time`` (person-time), ``studlab`` and the optional ``n`` are vectors or,
    with ``data``, column names. ``null_effect`` is a rate (default NA: no test).
    """
    extra = pop_user_args(r_only)
    reject_unsupported("metarate", r_only, _LACKING)
    w = Warn(DEFAULTS["warn"] if warn is None else check_logical(warn, "warn"))
    rho = check_rho(rho)
    sm = setchar(sm or "IRLN", SM_RATE, "sm")
    method = setchar(method or "Inverse", ("Inverse", "GLMM"), "method")
    uargs = user_args(extra, data, "metarate", method=method)
    if method == "GLMM":
        raise NotImplementedError("metarate(): method = \"GLMM\" is not implemented in pymeta; "
                                  "use method=\"Inverse\" (R's default).")
    null_effect = _num1(null_effect, "null.effect")
    backtransf = check_logical(DEFAULTS["backtransf"] if backtransf is None else backtransf,
                               "backtransf")
    model = resolve_model(locals(), null_effect=rate.transf_null_rate(null_effect, sm), warn=w)
    irscale = _num1(irscale, "irscale")
    if not backtransf and irscale != 1 and sm not in UNTRANSFORMED:
        w.warn("Argument 'irscale' set to 1 as argument 'backtransf' is FALSE.")
        irscale = 1.0
    if not isinstance(irunit, str):
        raise ValueError("Argument 'irunit' must be a character vector.")
    method_incr = setchar(method_incr or DEFAULTS["method_incr"], METHOD_INCR, "method_incr")
    method_ci = setchar(method_ci or "NAsm", METHOD_CI_RATE, "method_ci")

    raw = {name: column(v, data, name) for name, v in dict(event=event, time=time).items()}
    if raw["event"] is None:
        raise ValueError("Argument 'event' is NULL.")
    if raw["time"] is None:
        raise ValueError("Argument 'time' is NULL.")
    n_raw = column(n, data, "n")
    labels_raw = column(studlab, data, "studlab")
    k_all = len(np.atleast_1d(np.asarray(raw["event"], dtype=object)))
    incr_arr = check_incr(DEFAULTS["incr"] if incr is None else column(incr, data, "incr"),
                          k_all)
    labels = studlabs(labels_raw, k_all)
    check_length("event", k_all, time=np.atleast_1d(np.asarray(raw["time"], dtype=object)),
                 n=None if n_raw is None else np.atleast_1d(np.asarray(n_raw, dtype=object)),
                 studlab=None if labels_raw is None else labels)
    if k_all == 0:
        raise ValueError("No studies to combine in meta-analysis.")
    cl = cluster_values(column(cluster, data, "cluster"))
    check_length("event", k_all, cluster=cl)
    x = {name: numeric(v, name, labels) for name, v in raw.items()}
    if n_raw is not None:
        x["n"] = numeric(n_raw, "n", labels)
    idx, excl = select_studies(subset, exclude, k_all, data, fun="metarate")
    uargs = subset_user_args(uargs, idx, k_all, "metarate")
    x, labels, excl, (incr_arr,) = subset_studies(idx, x, labels, excl, incr_arr)
    cl = subset_cluster(cl, idx)
    k_all = len(labels)
    ev, tm = x["event"], x["time"]
    check_counts(x, labels, positive=("time",) + (("n",) if n_raw is not None else ()),
                 nonneg=("event",))
    if method_ci != "NAsm" and (is_wholenumber(ev) == 0)[~np.isnan(ev)].any():
        w.warn("Normal approximation confidence interval (argument method.ci = \"NAsm\") "
               "used as\nat least one number of events contains a non-integer value.")
        method_ci = "NAsm"

    sel, sparse, incr_event = rate.rate_continuity(ev, sm=sm, incr=incr_arr,
                                                   method_incr=method_incr)
    TE, seTE = rate.rate_effects(ev, tm, incr_event, sm)
    if method_ci == "NAsm":
        st = ci(TE, seTE, level=model.level)
        lower, upper = st.lower, st.upper
    else:
        if not math.isnan(null_effect) and not 0 <= null_effect <= 1:
            raise ValueError("Argument 'null.effect' must be between 0 and 1.")
        lo, up = rate.poisson_ci(ev, tm, model.level)
        lower, upper = rate.rate_ci_to_scale(lo, up, tm, sm)
    corr = np.flatnonzero(incr_event > 0)
    if corr.size and sm in ("IR", "IRLN"):
        w.note(", ".join(f"'{labels[i]}'" for i in corr)
               + f": continuity correction added to the number of events (sm = \"{sm}\").")
    miss = np.flatnonzero(np.isnan(ev) | np.isnan(tm))
    if miss.size:
        w.note(", ".join(f"'{labels[i]}'" for i in miss)
               + ": missing data; no study estimate, not pooled.")

    k_usable = int((~(np.isnan(ev) | np.isnan(tm)) & ~_no(excl, k_all)).sum())
    if k_usable == 1:
        model = dataclasses.replace(model, opts=dataclasses.replace(
            model.opts, method_random_ci=tuple("classic" if m == "HK" else m
                                               for m in model.opts.method_random_ci)))
    model, user_fields = with_user_args(model, uargs, k_all, "metarate")
    fields = fit_generic(TE, seTE, labels, sm=sm, model=model, warn=w, method="Inverse",
                         backtransf=backtransf, exclude=excl, cluster=cl, rho=rho)
    fields.update(lower=np.asarray(lower, float), upper=np.asarray(upper, float),
                  null_effect=null_effect)
    fields.update(user_fields)
    three_level_fields(fields, extra["detail_tau"])
    return MetaRate(**fields, event=ev, time=tm, n=x.get("n"), incr=incr_field(incr_arr),
                    method_incr=method_incr, sparse=sparse, method_ci=method_ci,
                    incr_event=incr_event, irscale=irscale, irunit=irunit,
                    warnings=tuple(w.warnings), notes=tuple(w.notes))
