"""``metabin``: meta-analysis of binary outcomes (2x2 tables), R meta 8.5's rules.

Source: R meta 8.5 ``R/metabin.R``. Implemented: sm = "RR" with method "MH" (default) and
"Inverse"; continuity corrections ``incr`` (number or "TACC") with ``method.incr``
"only0" / "if0all" / "all"; ``allstudies``; ``MH.exact``; ``RR.Cochrane``; the
Cochran-Mantel-Haenszel test. Random effects and heterogeneity come from the
inverse-variance study estimates, as in R, also when the common effect is MH.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from ..defaults import CHOICES, DEFAULTS
from ..effects import binary
from ..model.heterogeneity import pval_Q
from ..model.intervals import ci
from ..result import MetaBin
from ._args import (Warn, check_length, check_logical, column, numeric,
                    reject_unsupported, setchar, studlabs)
from .metagen import LACKING_COMMON, fit_generic, resolve_model
from .subgroup import meta_function

__all__ = ["metabin"]

_LACKING = LACKING_COMMON | frozenset({"incr_e", "incr_c", "model_glmm", "pscale", "print_CMH"})
_IMPLEMENTED_SM = ("RR",)
_IMPLEMENTED_METHOD = ("MH", "Inverse")


def _fmt_study(labels, idx) -> str:
    return ", ".join(f"'{labels[i]}'" for i in idx)


@meta_function
def metabin(event_e, n_e, event_c, n_c, studlab=None, data=None, *, method=None, sm=None,
            incr=None, method_incr=None, allstudies=None, level=None, MH_exact=None,
            RR_Cochrane=None, Q_Cochrane=None, common=None, random=None, prediction=None,
            method_tau=None, method_tau_ci=None, method_I2=None, level_ma=None,
            method_common_ci=None, method_random_ci=None, adhoc_hakn_ci=None, level_predict=None,
            method_predict=None, adhoc_hakn_pi=None, level_hetstat=None, control=None, warn=None,
            **r_only) -> MetaBin:
    """Meta-analysis of binary outcome data (R meta ``metabin``), R's defaults throughout.

    As in R: studies with no events in either arm are left out of pooling for the risk
    ratio (``doublezeros`` is TRUE in the result); 0.5 is added to every cell of a study
    with a zero cell (also inside the Mantel-Haenszel sums, ``MH.exact = FALSE``);
    studies with events > n, n <= 0 or negative events get no weight, with R's warning.
    Each of these is also written out, study by study, in ``result.notes``.
    """
    reject_unsupported("metabin", r_only, _LACKING)
    w = Warn(DEFAULTS["warn"] if warn is None else check_logical(warn, "warn"))
    method = setchar(method or DEFAULTS["method"], CHOICES["method_bin"], "method")
    sm_default = "OR" if method in ("Peto", "GLMM", "LRP", "SSW") else DEFAULTS["smbin"]
    sm = setchar(sm or sm_default, CHOICES["sm_bin"], "sm")
    if sm not in _IMPLEMENTED_SM:
        raise NotImplementedError(f"metabin(): sm = \"{sm}\" is not implemented in pymeta yet.")
    if method not in _IMPLEMENTED_METHOD:
        raise NotImplementedError(f"metabin(): method = \"{method}\" is not implemented in "
                                  "pymeta yet.")
    incr = DEFAULTS["incr"] if incr is None else incr
    if isinstance(incr, str):
        incr = setchar(incr, ("TACC",), "incr")
    else:
        incr_arr = np.atleast_1d(np.asarray(incr, dtype=float))
        if incr_arr.size != 1:
            raise NotImplementedError("metabin(): a study-specific 'incr' vector is not "
                                      "implemented in pymeta yet.")
        if np.isnan(incr_arr).any() or (incr_arr < 0).any():
            raise ValueError("Argument 'incr' must be larger equal 0.")
        incr = float(incr_arr[0])
    method_incr = setchar(method_incr or DEFAULTS["method_incr"], CHOICES["method_incr"],
                          "method_incr")
    if method_incr == "user":
        raise ValueError("Arguments 'incr.e' and 'incr.c' are required if "
                         "method.incr = \"user\".")
    allstudies = check_logical(DEFAULTS["allstudies"] if allstudies is None else allstudies,
                               "allstudies")
    MH_exact = check_logical(DEFAULTS["MH_exact"] if MH_exact is None else MH_exact, "MH_exact")
    RR_Cochrane = check_logical(DEFAULTS["RR_Cochrane"] if RR_Cochrane is None else RR_Cochrane,
                                "RR_Cochrane")
    method_tau = setchar(method_tau or DEFAULTS["method_tau"], CHOICES["method_tau"], "method_tau")
    q_default = Q_Cochrane is None
    Q_Cochrane = check_logical(DEFAULTS["Q_Cochrane"] if q_default else Q_Cochrane, "Q_Cochrane")
    Q_Cochrane = Q_Cochrane and method == "MH" and method_tau == "DL" if q_default else Q_Cochrane
    if Q_Cochrane and (method != "MH" or method_tau != "DL"):
        w.warn("Argument 'Q.Cochrane' only considered for Mantel-Haenszel method in "
               "combination with DerSimonian-Laird estimator.")
        Q_Cochrane = False

    model = resolve_model(locals(), warn=w)
    if method != "Inverse" and model.opts.method_common_ci == "IVhet":
        if method_common_ci is not None:
            w.warn("Argument 'method.common.ci = \"IVhet\"' only available if 'method = "
                   "\"Inverse\".")
        model = dataclasses.replace(
            model, opts=dataclasses.replace(model.opts, method_common_ci="classic"))

    raw = {name: column(v, data, name) for name, v in
           dict(event_e=event_e, n_e=n_e, event_c=event_c, n_c=n_c).items()}
    labels_raw = column(studlab, data, "studlab")
    k_all = len(np.atleast_1d(np.asarray(raw["event_e"], dtype=object)))
    labels = studlabs(labels_raw, k_all)
    check_length("event_e", k_all, **{k: np.atleast_1d(np.asarray(v, dtype=object))
                                      for k, v in raw.items() if k != "event_e"},
                 studlab=None if labels_raw is None else labels)
    if k_all == 0:
        raise ValueError("No studies to combine in meta-analysis.")
    x = {name: numeric(v, name, labels) for name, v in raw.items()}
    ee, ne, ec, nc = x["event_e"], x["n_e"], x["event_c"], x["n_c"]

    cc = binary.continuity(ee, ne, ec, nc, sm=sm, method=method, incr=incr,
                           method_incr=method_incr, allstudies=allstudies)
    if cc.events_gt_n_e.any():
        w.warn("Studies with event.e > n.e get no weight in meta-analysis.")
    if cc.events_gt_n_c.any():
        w.warn("Studies with event.c > n.c get no weight in meta-analysis.")
    if cc.nonpos_n.any():
        w.warn("Studies with non-positive values for n.e and / or n.c get no weight in "
               "meta-analysis.")
    if cc.neg_events.any():
        w.warn("Studies with negative values for event.e and / or event.c get no weight in "
               "meta-analysis.")
    _notes(w, labels, cc, x, incr, method, MH_exact)

    t = binary.table(ee, ne, ec, nc, cc.incl)
    exclude = np.zeros(k_all, dtype=bool)
    Q_CMH = binary.cmh_test(t, exclude)
    TE, seTE = binary.risk_ratio(t, cc.incr_e, cc.incr_c, cc.allevents, RR_Cochrane)

    k_usable = int((~(np.isnan(ee) | np.isnan(ec) | np.isnan(ne) | np.isnan(nc))).sum())
    if k_usable == 1:  # metabin's own k = 1 rule (k counted on the 2x2 data)
        model = dataclasses.replace(model, opts=dataclasses.replace(
            model.opts, method_random_ci=tuple("classic" if m == "HK" else m
                                               for m in model.opts.method_random_ci)))

    if method == "MH":
        f = 0.0 if MH_exact else 1.0
        TE_MH, seTE_MH, w_MH = binary.mh_risk_ratio(t, cc.incr_e * f, cc.incr_c * f, exclude)

    fields = fit_generic(TE, seTE, labels, sm=sm, model=model, warn=w, method=method)
    if method == "MH":
        c = ci(TE_MH, seTE_MH, level=model.opts.level_ma)
        fields.update(TE_common=float(c.TE), seTE_common=float(c.seTE),
                      lower_common=float(c.lower), upper_common=float(c.upper),
                      statistic_common=float(c.statistic), pval_common=float(c.p),
                      w_common=w_MH)
    return MetaBin(**fields, event_e=ee, n_e=ne, event_c=ec, n_c=nc, incr=incr,
                   method_incr=method_incr, sparse=cc.sparse, allstudies=allstudies,
                   doublezeros=cc.doublezeros, MH_exact=MH_exact, RR_Cochrane=RR_Cochrane,
                   Q_Cochrane=Q_Cochrane, Q_CMH=Q_CMH, df_Q_CMH=1.0, pval_Q_CMH=pval_Q(Q_CMH, 1),
                   # R reports the increments used in the MH sums (zero with MH.exact)
                   incr_e=cc.incr_e * (0.0 if method == "MH" and MH_exact else 1.0),
                   incr_c=cc.incr_c * (0.0 if method == "MH" and MH_exact else 1.0),
                   k_MH=float((w_MH > 0).sum()) if method == "MH" else np.nan,
                   warnings=tuple(w.warnings), notes=tuple(w.notes))


def _notes(w: Warn, labels, cc, x, incr, method, MH_exact) -> None:
    """Say, study by study, what R meta drops or corrects without a word."""
    dz = np.flatnonzero(cc.double_zero & (cc.incl == 0))
    if dz.size:
        w.note(f"{_fmt_study(labels, dz)}: no events in either group (double zero); excluded "
               "from pooling (TE and seTE are NA), as R meta does for sm = \"RR\".")
    bad = np.flatnonzero(cc.events_gt_n_e | cc.events_gt_n_c | cc.nonpos_n | cc.neg_events)
    if bad.size:
        w.note(f"{_fmt_study(labels, bad)}: invalid counts (events > n, n <= 0 or negative "
               "events); no weight in the meta-analysis.")
    miss = np.flatnonzero(np.isnan(x["event_e"]) | np.isnan(x["n_e"]) | np.isnan(x["event_c"])
                          | np.isnan(x["n_c"]))
    if miss.size:
        mh = (" R meta's Mantel-Haenszel sums drop only the missing terms (sum(..., na.rm ="
              " TRUE)), so such a study still contributes its finite terms to the MH common"
              " effect; pymeta does the same." if method == "MH" else "")
        w.note(f"{_fmt_study(labels, miss)}: missing data; no study-level estimate, left out "
               f"of the inverse-variance and random effects analyses.{mh}")
    corr = np.flatnonzero((cc.incr_e > 0) | (cc.incr_c > 0))
    if corr.size:
        what = "treatment arm continuity correction (TACC)" if isinstance(incr, str) else f"{incr:g}"
        inside = (" (also inside the Mantel-Haenszel sums, MH.exact = FALSE)"
                  if method == "MH" and not MH_exact else "")
        w.note(f"{_fmt_study(labels, corr)}: continuity correction {what} added to all cells"
               f"{inside}.")
