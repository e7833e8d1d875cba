"""``metainc``: meta-analysis of incidence rates in two groups, R meta 8.5's rules.

Source: R meta 8.5 ``R/metainc.R``. Implemented: sm = "IRR" (R's default), "IRD", "IRSD",
"VE"; method = "MH" (R's default unless sm = "IRSD"), "Inverse" and "Cochran";
continuity corrections ``incr`` with ``method.incr`` "only0" / "if0all" / "all" (the
increment goes to the events of both groups of a study with a zero count) or user
increments ``incr.e``/``incr.c`` ("user"; as in R a vector ``incr`` of length > 1 is
taken as both); ``irscale``; the model options of :func:`pymeta.metagen`. Random effects
and heterogeneity come from the inverse-variance study estimates, as in R, also when the
common effect is MH or Cochran. method = "GLMM" raises NotImplementedError.

What R 8.5-0 rejects, pymeta rejects: the Mantel-Haenszel method has no formula for
sm = "IRSD" and the Cochran method none for "IRD" or "IRSD" (R stops, or for Cochran with
"IRD" warns and returns NULL; pymeta raises ValueError with R's text).
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from ..defaults import DEFAULTS
from ..effects import rate
from ..model.intervals import ci
from ..result import MetaInc
from ._args import (Warn, check_length, check_logical, column, numeric,
                    reject_unsupported, select_studies, setchar, studlabs, subset_column,
                    subset_studies, user_increments)
from .cluster import (check_rho, cluster_values, subset_cluster, three_level_fields,
                      three_level_method)
from .metagen import (fit_generic, pop_user_args, resolve_model,
                      subset_user_args, user_args, with_user_args)
from .subgroup import meta_function
from .metaprop import METHOD_INCR, _no, check_incr, incr_field

__all__ = ["metainc"]

_LACKING = frozenset({"model_glmm"})
SM_INC = ("IRR", "IRD", "IRSD", "VE")
METHOD_INC = ("Inverse", "MH", "Cochran", "GLMM")


@meta_function
def metainc(event_e, time_e, event_c, time_c, studlab=None, data=None, *, subset=None,
            exclude=None, method=None, sm=None, incr=None, method_incr=None, incr_e=None,
            incr_c=None, n_e=None, n_c=None, level=None, common=None, random=None,
            prediction=None, method_tau=None, method_tau_ci=None, method_I2=None,
            level_ma=None, method_common_ci=None, method_random_ci=None, adhoc_hakn_ci=None,
            level_predict=None, method_predict=None, adhoc_hakn_pi=None, level_hetstat=None,
            backtransf=None, irscale=1, irunit="person-years", control=None, tau_preset=None, warn=None,
            cluster=None, rho=0.0, **r_only) -> MetaInc:
    """Meta-analysis of incidence rates (R meta ``metainc``), R's defaults throughout.

    ``event_e``, ``time_e``, ``event_c``, ``time_c`` (events and person-times of the
    experimental and control groups) and ``studlab`` are vectors or, with ``data``,
    column names. ``n_e`` / ``n_c`` (sample sizes) are only stored, as R does (subset
    with the studies; R's subgroup sums ``n.e.w`` / ``n.c.w`` are then NA).
    """
    extra = pop_user_args(r_only)
    reject_unsupported("metainc", r_only, _LACKING)
    w = Warn(DEFAULTS["warn"] if warn is None else check_logical(warn, "warn"))
    rho = check_rho(rho)
    method_given = method is not None
    sm = setchar(sm or "IRR", SM_INC, "sm")
    model = resolve_model(locals(), warn=w)
    backtransf = check_logical((sm != "IRSD" and DEFAULTS["backtransf"])
                               if backtransf is None else backtransf, "backtransf")
    if isinstance(irscale, (bool, np.bool_)) or not isinstance(
            irscale, (int, float, np.integer, np.floating)):
        raise ValueError("Argument 'irscale' must be a numeric of length 1.")
    irscale = float(irscale)
    if not isinstance(irunit, str):
        raise ValueError("Argument 'irunit' must be a character vector.")
    if sm != "IRD" and irscale != 1:
        w.warn("Argument 'irscale' only considered for incidence rate differences.")
        irscale = 1.0
    method = setchar(method or ("Inverse" if sm == "IRSD" else "MH"), METHOD_INC, "method")
    uargs = user_args(extra, data, "metainc", method=method)
    if method == "GLMM":
        raise NotImplementedError("metainc(): method = \"GLMM\" is not implemented in pymeta.")
    if method != "Inverse" and model.opts.method_common_ci == "IVhet":
        if method_common_ci is not None:
            # (R warns whatever 'warn' says)
            w.always("Argument 'method.common.ci = \"IVhet\"' only available if 'method = "
                     "\"Inverse\".")
        model = dataclasses.replace(
            model, opts=dataclasses.replace(model.opts, method_common_ci="classic"))
    method_incr_given = method_incr is not None
    method_incr = setchar(method_incr or DEFAULTS["method_incr"], METHOD_INCR, "method_incr")

    raw = {name: column(v, data, name) for name, v in
           dict(event_e=event_e, time_e=time_e, event_c=event_c, time_c=time_c).items()}
    if raw["event_e"] is None:
        raise ValueError("Argument 'event.e' is NULL.")
    labels_raw = column(studlab, data, "studlab")
    k_all = len(np.atleast_1d(np.asarray(raw["event_e"], dtype=object)))
    incr_arr = check_incr(DEFAULTS["incr"] if incr is None else column(incr, data, "incr"),
                          k_all)
    user = _user_incr(incr_e, incr_c, incr_arr, data)
    if user is not None and not method_incr_given:
        method_incr = "user"
    if user is not None and method_incr != "user":
        w.always("Argument 'method.incr = \"user\"' as arguments 'incr.e' and 'incr.c' are "
                 "provided.")
    if user is not None and incr is not None:
        e = user[0]
        n = max(incr_arr.size, e.size)
        if incr_arr.size != e.size or np.any(np.resize(incr_arr, n) != np.resize(e, n)):
            w.always("Argument 'incr' ignored as arguments 'incr.e' and 'incr.c' are "
                     "provided.")
    if method_incr == "user" and user is None:
        raise ValueError("Arguments 'incr.e' and 'incr.c' must be provided if "
                         "'method.incr = \"user\".")
    if user is not None:
        user = tuple(np.resize(v, k_all) if v.size == 1 else v for v in user)
        check_length("event_e", k_all, incr_e=user[0], incr_c=user[1])
    for name in ("time_e", "event_c", "time_c"):
        if raw[name] is None:
            raise ValueError(f"Argument '{name.replace('_', '.')}' is NULL.")
    labels = studlabs(labels_raw, k_all)
    x = {name: numeric(v, name, labels) for name, v in raw.items()}
    ee, te, ec, tc = x["event_e"], x["time_e"], x["event_c"], x["time_c"]
    for name, pos in (("event_e", False), ("time_e", True), ("event_c", False),
                      ("time_c", True)):
        v = x[name][~np.isnan(x[name])]
        if pos and (v <= 0).any():
            raise ValueError(f"Argument '{name.replace('_', '.')}' must be positive.")
        if not pos and (v < 0).any():
            raise ValueError(f"Argument '{name.replace('_', '.')}' must be larger equal 0.")
    check_length("event_e", k_all, **{k: v for k, v in x.items() if k != "event_e"},
                 studlab=None if labels_raw is None else labels)
    sizes = {name: numeric(column(v, data, name), name, labels, required=False)
             for name, v in (("n_e", n_e), ("n_c", n_c))}
    check_length("event_e", k_all, **{k: v for k, v in sizes.items() if v is not None})
    if k_all == 0:
        raise ValueError("No studies to combine in meta-analysis.")
    cl = cluster_values(column(cluster, data, "cluster"))
    check_length("event_e", k_all, cluster=cl)
    idx, excl = select_studies(subset, exclude, k_all, data, fun="metainc")
    k_given = k_all
    uargs = subset_user_args(uargs, idx, k_all, "metainc")
    # R's section (6): the subset of the data and of the (user) increments
    x, labels, excl, (incr_arr, ne, nc, *user_s) = subset_studies(
        idx, x, labels, excl, incr_arr, sizes["n_e"], sizes["n_c"],
        *(() if user is None else user))
    user = tuple(user_s) if user is not None else None
    cl = subset_cluster(cl, idx)
    k_all = len(labels)
    ee, te, ec, tc = x["event_e"], x["time_e"], x["event_c"], x["time_c"]

    sel, sparse, incr_event = rate.inc_continuity(ee, ec, incr=incr_arr, method_incr=method_incr)
    incr_e_v, incr_c_v = (incr_event, incr_event) if user is None else user
    TE, seTE = rate.inc_effects(ee, te, ec, tc, incr_e_v, incr_c_v, sm)
    TE = np.where(np.isnan(TE), np.nan, TE)
    # (before the Mantel-Haenszel / Cochran fits)
    method = three_level_method(cl, TE, seTE, method, method_given, w, "metainc")

    k_usable = int((~(np.isnan(ee) | np.isnan(ec) | np.isnan(te) | np.isnan(tc))
                    & ~_no(excl, k_all)).sum())
    if k_usable == 1:
        model = dataclasses.replace(model, opts=dataclasses.replace(
            model.opts, method_random_ci=tuple("classic" if m == "HK" else m
                                               for m in model.opts.method_random_ci)))
    common_fit = None
    if method == "MH":
        if sm == "IRSD":  # R: object 'w.common' not found
            raise ValueError("metainc(): the Mantel-Haenszel method is not available for "
                             "sm = \"IRSD\" (R meta stops: object 'w.common' not found).")
        common_fit = rate.mh_common(ee, te, ec, tc, TE, sm, exclude=excl)
    elif method == "Cochran":
        if sm == "IRD":
            raise ValueError("Cochran method only available for Incidence Rate Ratio "
                             "(sm = \"IRR\") and Vaccine Efficacy / Effectiveness (sm = \"VE\")")
        if sm == "IRSD":  # R: object 'TE.common' not found
            raise ValueError("metainc(): the Cochran method is not available for "
                             "sm = \"IRSD\" (R meta stops: object 'TE.common' not found).")
        common_fit = rate.cochran_common(ee, te, ec, tc, TE, exclude=excl)
    _notes(w, labels, ee, ec, te, tc, np.maximum(incr_e_v, incr_c_v), method)

    model, user_fields = with_user_args(model, uargs, k_all, "metainc")
    user_fields["TE_tau"] = uargs["TE_tau"]   # metainc stores the TE.tau given
    fields = fit_generic(TE, seTE, labels, sm=sm, model=model, warn=w, method=method,
                         backtransf=backtransf, exclude=excl, cluster=cl, rho=rho)
    if common_fit is not None:
        TEc, seTEc, w_c = common_fit
        c = ci(TEc, seTEc, level=model.opts.level_ma)
        fields.update(TE_common=float(c.TE), seTE_common=float(c.seTE),
                      lower_common=float(c.lower), upper_common=float(c.upper),
                      statistic_common=float(c.statistic), pval_common=float(c.p),
                      w_common=np.asarray(w_c, float))
    if method == "MH":
        wc = np.asarray(common_fit[2], float)
        k_MH = math.nan if np.isnan(wc).any() else float((wc > 0).sum())
    else:
        k_MH = math.nan
    fields["method_random"] = "Inverse"
    fields.update(user_fields)
    three_level_fields(fields, extra["detail_tau"])
    return MetaInc(**fields, event_e=ee, time_e=te, event_c=ec, time_c=tc,
                   incr=incr_field(incr_arr), method_incr=method_incr, sparse=sparse,
                   incr_e=incr_e_v, incr_c=incr_c_v, k_MH=k_MH, irscale=irscale,
                   incr_data=(subset_column(incr_e_v, idx, k_given),
                              subset_column(incr_c_v, idx, k_given)),
                   irunit=irunit, n_e=ne, n_c=nc,
                   warnings=tuple(w.warnings), notes=tuple(w.notes))


def _user_incr(incr_e, incr_c, incr_arr, data):
    """metainc's ``incr.e``/``incr.c`` (R's default: ``incr`` when it is a vector of
    length > 1; :data:`NULL` keeps that default off). None without user increments."""
    ie, ic = user_increments(incr_e, incr_c, incr_arr, data)
    if ie is None:
        return None
    out = []
    for name, v in (("incr.e", ie), ("incr.c", ic)):
        v = np.atleast_1d(numeric(v, name.replace(".", "_")))
        if np.isnan(v).any():
            raise ValueError(f"Missing values not allowed in argument '{name}'.")
        if (v < 0).any():
            raise ValueError(f"Argument '{name}' must be larger equal 0.")
        out.append(v)
    return tuple(out)


def _notes(w: Warn, labels, ee, ec, te, tc, incr_event, method) -> None:
    corr = np.flatnonzero(incr_event > 0)
    if corr.size:
        inside = (" (not inside the Mantel-Haenszel / Cochran sums, as in R)"
                  if method != "Inverse" else "")
        w.note(", ".join(f"'{labels[i]}'" for i in corr)
               + f": continuity correction added to the events of both groups{inside}.")
    miss = np.flatnonzero(np.isnan(ee) | np.isnan(ec) | np.isnan(te) | np.isnan(tc))
    if miss.size:
        w.note(", ".join(f"'{labels[i]}'" for i in miss)
               + ": missing data; no study estimate, left out of the inverse-variance and "
               "random effects analyses.")
