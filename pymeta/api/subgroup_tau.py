"""A common between-study variance across subgroups (R meta's ``tau.common = TRUE``) and
subgroups with a given ``tau.preset``.

R meta 8.5 (``R/metagen.R`` argument checks and ``if (by)`` block, ``R/hetcalc.R``,
``addHet`` in ``R/meta-aux.R``):

* ``tau.preset`` with ``subgroup`` sets ``tau.common = TRUE`` (with a warning) and every
  subgroup is re-run with that ``tau.preset``; the residual heterogeneity fields stay NA;
* ``tau.common = TRUE`` (without ``tau.preset``) estimates tau2 of the model with the
  subgroup as moderator (:func:`pymeta.model.metareg.hetcalc_subgroup`) and re-runs every
  subgroup with ``tau.preset = tau.resid``; the residual fields, ``Q.w.random`` (=
  ``Q.resid``) and its df and p-value are added, and with a tau2 CI method (QP, BJ, J)
  missing subgroup tau2 bounds are the residual bounds;
* metabin's default ``method`` is "Inverse" when ``tau.common = TRUE``.
"""
from __future__ import annotations

import math

import numpy as np

import warnings

from ..defaults import CHOICES
from ..model.metareg import hetcalc_subgroup
from ..model.pooling import ModelOptions, hetcalc
from ..model.rmath import r_take
from ..model.tau2 import MetaforWarning
from ._args import setchar

__all__ = ["PRESET_WARNING", "resolve", "residual_fields", "fill_within",
           "with_check_warnings"]

PRESET_WARNING = "Argument 'tau.common' set to TRUE as argument tau.preset is not NULL."



def resolve(name: str, kwargs: dict, tau_common: bool) -> tuple[bool, list]:
    """``tau.common`` after R's argument checks with ``subgroup`` given, and the warnings
    of those checks; sets metabin's default method for ``tau.common = TRUE``."""
    warns = []
    if kwargs.get("tau_preset") is not None and not tau_common:
        if kwargs.get("warn", True) is not False:
            warns.append(PRESET_WARNING)
        tau_common = True
    return tau_common, warns


def residual_fields(name: str, res, subgroup, tau_preset=None) -> tuple[dict | None, list]:
    """meta's ``hcc``: the residual heterogeneity of the analysis ``res`` with the
    ``subgroup`` of each study (``TE``/``seTE`` as pooled), and metafor's warnings on the
    way. R's ``hetcalc(..., subgroup)`` fits the model without moderators (and its CI)
    before the one with them, so their warnings come twice in all."""
    if name == "metagen" and res.k == 0:
        # R: metagen's k = 0 branch leaves hcc undefined, which only tau.common without
        # tau.preset uses (the other functions compute hcc themselves, from all studies)
        if tau_preset is None:
            raise ValueError("object 'hcc' not found")
        return None, []
    TE = np.asarray(res.TE, dtype=float)
    # metagen: its seTE (zeros made NA); the others: their own seTE, zeros kept, which
    # rma.uni then sees as non-positive sampling variances
    seTE = np.asarray(res.seTE if name == "metagen" or res.seTE_given is None
                      else res.seTE_given, dtype=float)
    if name == "metagen" and res.exclude is not None and np.any(res.exclude):
        TE, seTE, subgroup = _metagen_excluded(TE, seTE, np.asarray(res.exclude, bool),
                                               list(subgroup))
    # metagen: its resolved argument; metabin: its metagen result's (blank for tau.preset)
    method_tau_ci = (_method_tau_ci(res) if name == "metagen"
                     else res.method_tau_ci if name == "metabin" else "")
    control = res.call[1].get("control") if res.call else None
    TE_tau = res.TE_tau   # the TE.tau given (metagen and the functions calling it: with DL)
    if name == "metabin" and res.Q_Cochrane and res.method == "MH":
        TE_tau = res.TE_common
    elif name == "metainc" and res.method != "Inverse":   # metainc.R: TE.common
        TE_tau = res.TE_common
    if TE_tau is not None and res.method_tau == "DL":
        method_tau_ci = ""   # hetcalc's TE.tau branch blanks it before the residual fit
    opts = ModelOptions(method_tau=res.method_tau, method_tau_ci=method_tau_ci,
                        method_I2=res.method_I2, level_hetstat=res.level_hetstat,
                        TE_tau=TE_tau, control=control or {})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        hetcalc(TE, seTE, opts)
        hcc = hetcalc_subgroup(TE, seTE, subgroup, res.method_tau, method_tau_ci,
                               res.method_I2, res.level_hetstat, control)
    return hcc, [str(c.message) for c in caught if issubclass(c.category, MetaforWarning)]


def _r_subset(x: list, mask: np.ndarray) -> list:
    """R's ``x[mask]`` of a list of labels (:func:`pymeta.model.rmath.r_take`)."""
    arr = np.empty(len(x), dtype=object)
    arr[:] = x
    return list(r_take(arr, mask))


def _metagen_excluded(TE, seTE, exclude, subgroup: list):
    """What R's metagen hands ``hetcalc`` for ``tau.common`` with excluded studies:
    ``hetcalc(TE[!exclude], seTE[!exclude], ..., subgroup = subgroup)``, the subgroups of
    *all* studies (metagen.R; the other functions pass every study). hetcalc drops the
    infinite, then the missing estimates, applying each (shorter) logical mask to the
    subgroups too, where R recycles it. With a single subgroup left hetcalc fits without
    moderators and the lengths do not matter; otherwise ``data.frame(TE, seTE, subgroup)``
    stops unless one length divides the other, and then metafor stops on the model
    matrix, unless the lengths are equal (the labels then sit beside other studies'
    estimates, as in R)."""
    TE, seTE = TE[~exclude], seTE[~exclude]
    m1 = ~np.isinf(TE) & ~np.isinf(seTE)
    TE, seTE, subgroup = TE[m1], seTE[m1], _r_subset(subgroup, m1)
    m2 = ~(np.isnan(TE) | np.isnan(seTE))
    TE, seTE, subgroup = TE[m2], seTE[m2], _r_subset(subgroup, m2)
    n, m = TE.size, len(subgroup)
    if len(set(subgroup)) == 1:
        return TE, seTE, subgroup[:n]
    if n != m:
        if n == 0 or m % n != 0:
            raise ValueError("Error in data.frame(TE, seTE, subgroup) : arguments imply "
                             f"differing number of rows: {n}, {m}")
        raise ValueError(f"Number of rows in the model matrix ({m}) does not match length "
                         f"of the outcome vector ({n}).")
    return TE, seTE, subgroup


def _method_tau_ci(res) -> str:
    """The method.tau.ci hetcalc gets: the resolved argument (R blanks the result's
    ``method.tau.ci`` for ``tau.preset`` only after that)."""
    if res.tau_preset is None or res.method_tau_ci != "":
        return res.method_tau_ci
    given = res.call[1].get("method_tau_ci") if res.call else None
    if given is None:
        return "J" if res.method_tau == "DL" else "QP"
    value = setchar(given, CHOICES["method_tau_ci"], "method_tau_ci")
    if value == "PL":
        value = "J" if res.method_tau == "DL" else "QP"
    return value


def fill_within(out: dict, hcc: dict, method_tau_ci: str) -> None:
    """``addHet``: residual fields, ``Q.w.random`` and the subgroup tau2 bounds."""
    out.update({k: v for k, v in hcc.items() if k != "method_tau_ci"})
    out.update(Q_w_random=hcc["Q_resid"], df_Q_w_random=hcc["df_Q_resid"],
               pval_Q_w_random=hcc["pval_Q_resid"])
    if method_tau_ci in ("BJ", "J", "QP"):
        for b in ("lower", "upper"):
            a = np.array(out[f"{b}_tau2_w"], dtype=float)
            a[np.isnan(a)] = hcc[f"{b}_tau2_resid"]
            out[f"{b}_tau2_w"] = a


def tau_preset_option(tau_common: bool, tau_preset, hcc: dict | None):
    """The ``tau.preset`` every subgroup is re-run with (None: each its own tau2)."""
    if tau_preset is not None:
        return tau_preset
    if hcc is not None:
        t = hcc["tau_resid"]
        return None if t is None or (isinstance(t, float) and math.isnan(t)) else t
    return None


def with_check_warnings(warns, check_warns) -> tuple:
    """R gives the warning of the ``tau.preset`` check after those of the earlier argument
    checks (all "Argument '...' ...") and of the deprecated names (``deprecated2`` of
    ``byvar`` etc. come first in every meta function); the ones after it are about data
    and fits."""
    warns = tuple(warns)
    i = 0
    while i < len(warns) and warns[i].startswith(("Argument '", "Deprecated argument '",
                                                  "Use argument '")):
        i += 1
    return warns[:i] + tuple(check_warns) + warns[i:]
