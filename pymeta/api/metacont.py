"""``metacont``: meta-analysis of continuous outcomes (two groups), R meta 8.5's rules.

Source: R meta 8.5 ``R/metacont.R``. Implemented: sm = "MD" (with ``pooledvar`` and
study-level ``method.ci`` "z"/"t"); the model options of :func:`pymeta.metagen`.
"""
from __future__ import annotations

import numpy as np

from ..defaults import CHOICES, DEFAULTS
from ..effects.continuous import mean_difference
from ..result import MetaCont
from ._args import (Warn, check_length, check_logical, column, numeric,
                    reject_unsupported, setchar, studlabs)
from .metagen import LACKING_COMMON, fit_generic, resolve_model

__all__ = ["metacont"]

_LACKING = LACKING_COMMON | frozenset({
    "median_e", "q1_e", "q3_e", "min_e", "max_e", "median_c", "q1_c", "q3_c", "min_c",
    "max_c", "method_mean", "method_sd", "approx_mean_e", "approx_mean_c", "approx_sd_e",
    "approx_sd_c", "method_smd", "sd_glass", "exact_smd",
})


def metacont(n_e, mean_e, sd_e, n_c, mean_c, sd_c, studlab=None, data=None, *, sm=None,
             method_ci=None, level=None, pooledvar=None, common=None, random=None,
             prediction=None, method_tau=None, method_tau_ci=None, method_I2=None,
             level_ma=None, method_common_ci=None, method_random_ci=None, adhoc_hakn_ci=None,
             level_predict=None, method_predict=None, adhoc_hakn_pi=None, level_hetstat=None,
             control=None, warn=None, **r_only) -> MetaCont:
    """Meta-analysis of continuous outcome data (R meta ``metacont``), R's defaults throughout.

    The first seven arguments are vectors or, with ``data``, column names (like R's
    ``data=``). As in R, missing values are allowed (the study stays in the output and is
    left out of pooling) and non-positive standard deviations get no weight, with R's
    warning; non-numeric values raise ValueError naming the study.
    """
    reject_unsupported("metacont", r_only, _LACKING)
    w = Warn(DEFAULTS["warn"] if warn is None else check_logical(warn, "warn"))
    sm = setchar(sm or DEFAULTS["smcont"], CHOICES["sm_cont"], "sm")
    if sm != "MD":
        raise NotImplementedError(f"metacont(): sm = \"{sm}\" is not implemented in pymeta yet.")
    method_ci = setchar(method_ci or DEFAULTS["method_ci_cont"], CHOICES["method_ci_cont"],
                        "method_ci")
    pooledvar = check_logical(DEFAULTS["pooledvar"] if pooledvar is None else pooledvar, "pooledvar")

    raw = {name: column(v, data, name) for name, v in
           dict(n_e=n_e, mean_e=mean_e, sd_e=sd_e, n_c=n_c, mean_c=mean_c, sd_c=sd_c).items()}
    if raw["n_e"] is None or raw["n_c"] is None:
        raise ValueError("Arguments 'n.e' and 'n.c' must be provided.")
    labels_raw = column(studlab, data, "studlab")
    k_all = len(np.atleast_1d(np.asarray(raw["n_e"], dtype=object)))
    labels = studlabs(labels_raw, k_all)
    check_length("n_e", k_all, **{k: np.atleast_1d(np.asarray(v, dtype=object))
                                  for k, v in raw.items() if k != "n_e"},
                 studlab=None if labels_raw is None else labels)
    if k_all == 0:
        raise ValueError("No studies to combine in meta-analysis.")
    x = {name: numeric(v, name, labels) for name, v in raw.items()}

    eff = mean_difference(x["n_e"], x["mean_e"], x["sd_e"], x["n_c"], x["mean_c"], x["sd_c"],
                          pooledvar=pooledvar)
    # R meta's warnings, in R's order
    if eff.na_n.any():
        w.warn("Note, studies with non-positive values for n.e and / or n.c get no weight in "
               "meta-analysis.")
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
    for i in np.flatnonzero(np.isnan(eff.TE) | np.isnan(eff.seTE)):
        if not eff.nonpos_sd[i]:
            w.note(f"Study '{labels[i]}': missing data, not pooled.")

    model = resolve_model(locals())
    fields = fit_generic(eff.TE, eff.seTE, labels, sm=sm, model=model, warn=w,
                         study_df=(x["n_e"] + x["n_c"] - 2) if method_ci == "t" else None)
    return MetaCont(**fields, n_e=x["n_e"], mean_e=x["mean_e"], sd_e=x["sd_e"], n_c=x["n_c"],
                    mean_c=x["mean_c"], sd_c=x["sd_c"], pooledvar=pooledvar, method_ci=method_ci,
                    n_e_pooled=float(np.nansum(x["n_e"])), n_c_pooled=float(np.nansum(x["n_c"])),
                    warnings=tuple(w.warnings), notes=tuple(w.notes))
