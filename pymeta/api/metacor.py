"""``metacor``: meta-analysis of correlations, R meta 8.5's rules.

Source: R meta 8.5 ``R/metacor.R``. Implemented: sm = "ZCOR" (Fisher's z, default) and
sm = "COR" (untransformed); ``null.effect`` (a correlation; tested on the z scale for
ZCOR); the model options of :func:`pymeta.metagen`.

As in R: correlations must lie in [-1, 1] and sample sizes be positive (missing values
allowed), otherwise an error; metacor has no ``warn`` argument and calls metagen with
``warn = FALSE``, so metagen's "Zero values in seTE replaced by NAs." is never given
(the zero standard errors are still set to NA; pymeta says so in ``notes``). metafor's
warnings are given as R gives them.
"""
from __future__ import annotations

import numpy as np

from ..defaults import CHOICES, DEFAULTS
from ..effects.correlation import cor2z, fisher_z, raw_correlation
from ..result import MetaCor
from ._args import (Warn, check_length, check_logical, column, numeric,
                    reject_unsupported, select_studies, setchar, studlabs, subset_studies)
from .cluster import check_rho, cluster_values, subset_cluster, three_level_fields
from .metagen import (fit_generic, pop_user_args, resolve_model,
                      subset_user_args, user_args, with_user_args)
from .subgroup import meta_function

#: metacor's arguments pymeta lacks.
_LACKING = frozenset()

__all__ = ["metacor"]

_ZERO_SE = "Zero values in seTE replaced by NAs."


class _MetagenWarnFalse(Warn):
    """metacor's ``metagen(..., warn = FALSE)``: meta's own seTE warning is not given."""

    def warn(self, msg: str) -> None:
        if msg != _ZERO_SE:
            super().warn(msg)


def _null_effect(value) -> float:
    """meta's ``chknumeric(null.effect, length = 1)``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer,
                                                                      np.floating)):
        raise ValueError("Argument 'null.effect' must be a numeric of length 1.")
    return float(value)


@meta_function
def metacor(cor, n, studlab=None, data=None, *, subset=None, exclude=None, sm=None, level=None, common=None, random=None,
            prediction=None, method_tau=None, method_tau_ci=None, method_I2=None, level_ma=None,
            method_common_ci=None, method_random_ci=None, adhoc_hakn_ci=None,
            level_predict=None, method_predict=None, adhoc_hakn_pi=None, level_hetstat=None,
            null_effect=0.0, backtransf=None, control=None, tau_preset=None,
            cluster=None, rho=0.0, **r_only) -> MetaCor:
    """Meta-analysis of correlations (R meta ``metacor``), R's defaults throughout.

    ``cor``, ``n`` and ``studlab`` are vectors or, with ``data``, column names (like R's
    ``data=``). Correlations outside [-1, 1], non-positive sample sizes and non-numeric
    values raise ValueError (naming the argument, and the study where one is at fault).
    """
    extra = pop_user_args(r_only)
    reject_unsupported("metacor", r_only, _LACKING)
    uargs = user_args(extra, data, "metacor")
    w = _MetagenWarnFalse(True)
    null_effect = _null_effect(null_effect)
    rho = check_rho(rho)
    backtransf = check_logical(DEFAULTS["backtransf"] if backtransf is None else backtransf,
                               "backtransf")
    sm = setchar(sm or DEFAULTS["smcor"], CHOICES["sm_cor"], "sm")

    raw = {name: column(v, data, name) for name, v in dict(cor=cor, n=n).items()}
    if raw["cor"] is None:
        raise ValueError("Argument 'cor' is NULL.")
    if raw["n"] is None:
        raise ValueError("Argument 'n' is NULL.")
    labels_raw = column(studlab, data, "studlab")
    k_all = len(np.atleast_1d(np.asarray(raw["cor"], dtype=object)))
    labels = studlabs(labels_raw, k_all)
    check_length("cor", k_all, n=np.atleast_1d(np.asarray(raw["n"], dtype=object)),
                 studlab=None if labels_raw is None else labels)
    if k_all == 0:
        raise ValueError("No studies to combine in meta-analysis.")
    cl = cluster_values(column(cluster, data, "cluster"))
    check_length("cor", k_all, cluster=cl)
    x = {name: numeric(v, name, labels) for name, v in raw.items()}
    idx, excl = select_studies(subset, exclude, k_all, data, fun="metacor")
    uargs = subset_user_args(uargs, idx, k_all, "metacor")
    x, labels, excl, _ = subset_studies(idx, x, labels, excl)
    cl = subset_cluster(cl, idx)
    k_all = len(labels)
    with np.errstate(invalid="ignore"):
        bad_cor = np.flatnonzero((x["cor"] < -1) | (x["cor"] > 1))
        bad_n = np.flatnonzero(x["n"] <= 0)
    if bad_cor.size:
        i = bad_cor[0]
        raise ValueError(f"Argument 'cor' must be between -1 and 1 (study '{labels[i]}': "
                         f"{x['cor'][i]:g}).")
    if bad_n.size:
        i = bad_n[0]
        raise ValueError(f"Argument 'n' must be positive (study '{labels[i]}': "
                         f"{x['n'][i]:g}).")

    if sm == "ZCOR":
        eff = fisher_z(x["cor"], x["n"])
        transf_null = float(cor2z(null_effect))
    else:
        eff = raw_correlation(x["cor"], x["n"])
        transf_null = null_effect
    for i in np.flatnonzero(np.isnan(eff.TE) | np.isnan(eff.seTE)):
        w.note(f"Study '{labels[i]}': missing data, not pooled.")
    for i in np.flatnonzero(eff.seTE == 0):
        w.note(f"Study '{labels[i]}': zero standard error (cor = {x['cor'][i]:g}) replaced by "
               "NA, not pooled (R's metagen is called with warn = FALSE and says nothing).")
    for i in np.flatnonzero(np.isinf(eff.TE) | np.isinf(eff.seTE)):
        w.note(f"Study '{labels[i]}': infinite estimate or standard error (cor = "
               f"{x['cor'][i]:g}, n = {x['n'][i]:g}), as in R.")

    model = resolve_model(locals(), null_effect=transf_null, warn=w)
    model, user_fields = with_user_args(model, uargs, k_all, "metacor")
    fields = fit_generic(eff.TE, eff.seTE, labels, sm=sm, model=model, warn=w,
                         backtransf=backtransf, exclude=excl, cluster=cl, rho=rho)
    fields["null_effect"] = null_effect
    fields.update(user_fields)
    three_level_fields(fields, extra["detail_tau"])
    return MetaCor(**fields, cor=x["cor"], n=x["n"], warnings=tuple(w.warnings),
                   notes=tuple(w.notes))
