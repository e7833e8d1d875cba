"""The ``cluster`` / ``rho`` / ``id`` arguments of the meta functions (R meta 8.5's
three-level model): their checks and the option rules of a three-level analysis.

Sources: ``metagen.R`` sections (1), (4), (10) and (12), ``metacont.R`` / ``metamean.R``
/ ``metacor.R`` section (10), ``chkmlm`` (``meta-chk.R``) and ``deprecated2``
(``meta-aux.R``). The fit itself is :mod:`pymeta.model.three_level`.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from ._args import Warn, column, take

__all__ = ["check_rho", "resolve_cluster", "cluster_values", "subset_cluster",
           "three_level_model", "three_level_fields", "three_level_method", "THREE_LEVEL_PREDICT"]

#: chkmlm: the prediction interval methods of a three-level model
THREE_LEVEL_PREDICT = ("V", "HTS", "S")


def check_rho(rho) -> float:
    """meta's ``chknumeric(rho, min = -1, max = 1)`` (NA passes, as in R). R also takes
    several values, which metafor's vcalc refuses for this model; pymeta takes one."""
    vals = [rho] if isinstance(rho, str) or np.ndim(rho) == 0 else list(np.ravel(rho))
    if any(isinstance(v, (bool, np.bool_, str)) or
           not isinstance(v, (int, float, np.integer, np.floating)) for v in vals):
        raise ValueError("Non-numeric value for argument 'rho'.")
    r = np.array(vals, dtype=float)
    if np.any(r[~np.isnan(r)] < -1) or np.any(r[~np.isnan(r)] > 1):
        raise ValueError("Argument 'rho' must be between -1 and 1.")
    if r.size != 1:
        raise NotImplementedError("Argument 'rho' with other than one value is not "
                                  "implemented in pymeta.")
    return float(r[0])


def cluster_values(v) -> tuple | None:
    """A cluster vector as a tuple of Python values (None for R's NA)."""
    if v is None:
        return None
    out = []
    for e in np.asarray(v, dtype=object).ravel():
        if e is None or (isinstance(e, (float, np.floating)) and math.isnan(e)) \
                or type(e).__name__ == "NAType":
            out.append(None)
        elif isinstance(e, np.generic):
            out.append(e.item())
        else:
            out.append(e)
    return tuple(out)


def resolve_cluster(cluster, id, data, w: Warn) -> tuple | None:
    """meta's ``catch("cluster")`` / ``catch("id")`` and ``deprecated2(cluster, id)``
    (metagen and metacont): ``id`` alone is used, with R's warning; both given, ``id``
    is ignored, with R's warning (meta's default ``warn.deprecated = TRUE``; R gives
    them whatever ``warn`` is)."""
    cl = column(cluster, data, "cluster")
    old = column(id, data, "id")
    if cl is not None and old is not None:
        w.always("Deprecated argument 'id' ignored as 'cluster' is also provided.")
    elif cl is None and old is not None:
        w.always("Use argument 'cluster' instead of 'id' (deprecated).")
        cl = old
    return cluster_values(cl)


def subset_cluster(cl: tuple | None, idx) -> tuple | None:
    """``cluster[subset]`` (R's NA for a missing position)."""
    if cl is None or idx is None:
        return cl
    return take(cl, idx)


def three_level_model(model, method_tau_given: bool, warn: Warn, fun_method: str = "Inverse"):
    """meta's section (10) for a three-level analysis: ``chkmlm`` (R's warning when a
    ``method.tau`` other than REML / ML was given, which then becomes REML; R's error
    for a prediction interval method other than V, HTS, S), no common effect model
    (silently, as R sets ``common`` before its warning could fire), and ``adhoc.hakn.ci``
    / ``adhoc.hakn.pi`` reset to "" with R's warning (metagen section (12)).
    ``method.tau.ci`` becomes "PL" in the fit. Returns the new model."""
    opts = model.opts
    if opts.method_tau not in ("REML", "ML") and method_tau_given:
        warn.always("For three-level model, argument 'method.tau' set to \"REML\".")
    if any(m not in THREE_LEVEL_PREDICT for m in opts.method_predict):
        raise ValueError("Available prediction interval methods for three-level models: "
                         "\"V\", \"HTS\", \"S\".")
    method_tau = opts.method_tau if opts.method_tau in ("REML", "ML") else "REML"
    adhoc_ci, adhoc_pi = opts.adhoc_hakn_ci, opts.adhoc_hakn_pi
    if any(a != "" for a in adhoc_ci + adhoc_pi):
        warn.always("Ad hoc variance correction not implemented for three-level model.")
        adhoc_ci, adhoc_pi = ("",) * len(adhoc_ci), ("",) * len(adhoc_pi)
    opts = dataclasses.replace(opts, method_tau=method_tau, adhoc_hakn_ci=adhoc_ci,
                               adhoc_hakn_pi=adhoc_pi)
    return dataclasses.replace(model, opts=opts, common=False)


def three_level_method(cl, TE, seTE, method: str, method_given: bool, warn: Warn,
                       fun: str, refused=()) -> str:
    """metabin's / metainc's section (9) / (8): a three-level model is fitted by the
    inverse variance method (``chkmlm``'s warning when another method was given; the
    study estimates and increments stay those of the method given). ``refused``:
    methods pymeta lacks (R keeps their other settings, e.g. GLMM's method.tau = "ML").
    Returns the method."""
    from ..model.three_level import is_three_level
    if cl is None or not is_three_level(cl, TE, seTE):
        return method
    if method in refused:
        raise NotImplementedError(f"{fun}(): method = \"{method}\" is not implemented in "
                                  "pymeta yet.")
    if method != "Inverse" and method_given:
        warn.always("Inverse variance method used in three-level model.")
    return "Inverse"


def three_level_fields(fields: dict, detail_given) -> None:
    """metagen section (14) for a three-level model: without a user ``detail.tau``, a
    model with more estimates than clusters labels its variance components "between
    cluster" / "within cluster"; ``TE.tau`` is not stored (R keeps it for DL only, and
    the model's method.tau is REML or ML)."""
    if not fields.get("three_level"):
        return
    fields["TE_tau"] = None
    if detail_given is None and fields["k"] != fields["k_study"]:
        fields["detail_tau"] = ("between cluster", "within cluster")
