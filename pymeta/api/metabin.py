"""``metabin``: meta-analysis of binary outcomes (2x2 tables), R meta 8.5's rules.

Source: R meta 8.5 ``R/metabin.R``. Implemented: sm = "RR", "OR", "RD", "ASD", "DOR"
and "VE"; methods "MH" (default), "Inverse", "Peto" and "SSW" (sample size weighting);
continuity corrections ``incr`` (number, study-specific vector or "TACC") with
``method.incr`` "only0" / "if0all" / "all", or user-given ``incr.e`` / ``incr.c``
("user"); ``allstudies``; ``MH.exact``; ``RR.Cochrane``; ``Q.Cochrane`` (Q and the
DerSimonian-Laird tau2 around the Mantel-Haenszel estimate); the Cochran-Mantel-Haenszel
test. Random effects and heterogeneity come from the inverse-variance study estimates,
as in R, also when the common effect is MH, Peto or SSW. Not implemented (raise
NotImplementedError): method = "GLMM" and "LRP".
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
                    reject_unsupported, select_studies, setchar, studlabs, subset_column,
                    subset_studies, user_increments)
from .cluster import (check_rho, cluster_values, subset_cluster, three_level_fields,
                      three_level_method)
from .metagen import (fit_generic, pop_user_args, resolve_model,
                      subset_user_args, user_args, with_user_args)
from .subgroup import meta_function

__all__ = ["metabin"]

_LACKING = frozenset()
_NOT_IMPLEMENTED_METHOD = ("GLMM", "LRP")
_MODEL_GLMM = ("UM.FS", "UM.RS", "CM.EL", "CM.AL", "")
_TXT_USER = "as arguments 'incr.e' and 'incr.c' are provided"


def _fmt_study(labels, idx) -> str:
    return ", ".join(f"'{labels[i]}'" for i in idx)


def _nonneg(x, arg: str, labels=None) -> np.ndarray:
    """meta's ``chknumeric(x, min = 0)``: numeric, NA allowed, no negative value."""
    v = numeric(x, arg, labels)
    if np.any(v[~np.isnan(v)] < 0):
        raise ValueError(f"Argument '{arg.replace('_', '.')}' must be larger equal 0.")
    return v


def _sm_default(method) -> str:
    """meta's default ``sm``: "OR" when ``method`` (partially) matches Peto, GLMM, LRP or
    SSW (R's ``charmatch`` on the lower-case value), else ``gs("smbin")``."""
    if isinstance(method, str):
        low = method.lower()
        hits = [m for m in ("peto", "glmm", "lrp", "ssw") if m.startswith(low)]
        if hits:  # unique or ambiguous (charmatch 0) both differ from NA
            return "OR"
    return DEFAULTS["smbin"]


@meta_function
def metabin(event_e, n_e, event_c, n_c, studlab=None, data=None, *, subset=None, exclude=None,
            method=None, sm=None,
            incr=None, method_incr=None, allstudies=None, incr_e=None, incr_c=None,
            level=None, MH_exact=None, RR_Cochrane=None, Q_Cochrane=None, model_glmm=None,
            common=None, random=None, prediction=None, method_tau=None, method_tau_ci=None,
            method_I2=None, level_ma=None, method_common_ci=None, method_random_ci=None,
            adhoc_hakn_ci=None, level_predict=None, method_predict=None, adhoc_hakn_pi=None,
            level_hetstat=None, pscale=None, print_CMH=None, control=None, tau_preset=None, warn=None,
            cluster=None, rho=0.0, **r_only) -> MetaBin:
    """Meta-analysis of binary outcome data (R meta ``metabin``), R's defaults throughout.

    As in R: studies with no events in either arm (and, for odds ratios, with events in
    every patient of both arms) are left out of pooling unless ``allstudies``; a
    continuity correction (0.5) is added to every cell of a study with a zero cell (also
    inside the Mantel-Haenszel sums, ``MH.exact = FALSE``), none for the arcsine
    difference and Peto's method; studies with events > n, n <= 0 or negative events get
    no weight, with R's warning. Each of these is also written out, study by study, in
    ``result.notes``.
    """
    extra = pop_user_args(r_only)
    reject_unsupported("metabin", r_only, _LACKING)
    w = Warn(DEFAULTS["warn"] if warn is None else check_logical(warn, "warn"))
    rho = check_rho(rho)
    method_given = method is not None

    # (1) arguments, in R's order (its warnings come in this order)
    sm = setchar(_sm_default(method or DEFAULTS["method"]) if sm is None else sm,
                 CHOICES["sm_bin"], "sm")
    method = setchar(method or DEFAULTS["method"], CHOICES["method_bin"], "method")
    mcc = setchar(DEFAULTS["method_common_ci"] if method_common_ci is None else method_common_ci,
                  CHOICES["method_common_ci"], "method_common_ci")
    if method != "Inverse" and mcc == "IVhet":
        if method_common_ci is not None:
            w.always("Argument 'method.common.ci = \"IVhet\"' only available if 'method = "
                   "\"Inverse\".")
        method_common_ci = "classic"
    model = resolve_model(locals(), warn=w)
    method_tau = model.opts.method_tau
    pscale = 1.0 if pscale is None else pscale
    if isinstance(pscale, (bool, np.bool_)) or not isinstance(pscale, (int, float, np.number)):
        raise ValueError("Argument 'pscale' must be a numeric of length 1.")
    pscale = float(pscale)
    if sm != "RD" and pscale != 1:
        w.warn("Argument 'pscale' only considered for risk differences.")
        pscale = 1.0
    method_incr_given = method_incr is not None
    method_incr = setchar(method_incr if method_incr_given else DEFAULTS["method_incr"],
                          CHOICES["method_incr"], "method_incr")
    allstudies_given = allstudies is not None
    allstudies = check_logical(DEFAULTS["allstudies"] if allstudies is None else allstudies,
                               "allstudies")
    MH_exact = check_logical(DEFAULTS["MH_exact"] if MH_exact is None else MH_exact, "MH_exact")
    q_given = Q_Cochrane is not None
    Q_Cochrane = (check_logical(Q_Cochrane, "Q_Cochrane") if q_given else
                  DEFAULTS["Q_Cochrane"] and method == "MH" and method_tau == "DL")
    if Q_Cochrane and (method != "MH" or method_tau != "DL"):
        w.always("Argument 'Q.Cochrane' only considered for Mantel-Haenszel method in "
               "combination with DerSimonian-Laird estimator.")
        Q_Cochrane = False
    if model_glmm is not None:
        setchar(model_glmm, _MODEL_GLMM, "model_glmm")
    print_CMH = check_logical(False if print_CMH is None else print_CMH, "print_CMH")
    if sm == "ASD":  # no Mantel-Haenszel etc. for the arcsine difference
        method = "Inverse"
        if q_given and Q_Cochrane:
            w.always("Argument 'Q.Cochrane' only considered for Mantel-Haenszel method in "
                   "combination with DerSimonian-Laird estimator.")
        Q_Cochrane = False
    RR_Cochrane = check_logical(DEFAULTS["RR_Cochrane"] if RR_Cochrane is None else RR_Cochrane,
                                "RR_Cochrane")
    uargs = user_args(extra, data, "metabin", method=method)

    # (2) data and continuity correction arguments
    raw = {name: column(v, data, name) for name, v in
           dict(event_e=event_e, n_e=n_e, event_c=event_c, n_c=n_c).items()}
    labels_raw = column(studlab, data, "studlab")
    incr_given = incr is not None
    incr = DEFAULTS["incr"] if incr is None else incr
    if data is not None and isinstance(incr, str) and incr in data:
        incr = data[incr]   # a column of data (otherwise the string is incr itself, "TACC")
    if isinstance(incr, str):
        try:
            incr = setchar(incr, ("TACC",), "incr")
        except ValueError:
            raise ValueError("Argument 'incr' should be numeric or the character string "
                             "\"TACC\".") from None
        incr_vec = None
    else:
        incr_vec = _nonneg(np.atleast_1d(incr) if np.ndim(incr) == 0 else incr, "incr")
        incr = float(incr_vec[0]) if incr_vec.size == 1 else incr_vec
    # R's defaults: incr.e = incr.c = incr when incr is a (study-specific) vector
    incr_e, incr_c = user_increments(incr_e, incr_c, incr_vec, data)
    user = incr_e is not None
    if user:
        incr_e = _nonneg(np.atleast_1d(incr_e) if np.ndim(incr_e) == 0 else incr_e, "incr_e")
        incr_c = _nonneg(np.atleast_1d(incr_c) if np.ndim(incr_c) == 0 else incr_c, "incr_c")
        if not method_incr_given:
            method_incr = "user"
        if method_incr != "user":
            w.always(f"Argument 'method.incr = \"user\"' {_TXT_USER}.")
        if incr_given:
            if isinstance(incr, str):
                differ = True
            else:
                iv = np.atleast_1d(incr)
                if iv.size != incr_e.size:
                    differ = True
                else:
                    with np.errstate(invalid="ignore"):
                        ne = np.where(np.isnan(iv) | np.isnan(incr_e), np.nan,
                                      (iv != incr_e).astype(float))
                    if np.any(ne == 1):
                        differ = True
                    elif np.any(np.isnan(ne)):
                        raise ValueError("Missing value in 'incr' or 'incr.e': R meta stops "
                                         "with 'missing value where TRUE/FALSE needed'.")
                    else:
                        differ = False
            if differ:
                w.always(f"Argument 'incr' ignored {_TXT_USER}.")

    k_all = len(np.atleast_1d(np.asarray(raw["event_e"], dtype=object)))
    labels = studlabs(labels_raw, k_all)
    x = {name: numeric(v, name, labels) for name, v in raw.items()}
    check_length("event_e", k_all, **{k: np.atleast_1d(np.asarray(v, dtype=object))
                                      for k, v in raw.items() if k != "event_e"},
                 studlab=None if labels_raw is None else labels)
    if isinstance(incr, np.ndarray):
        check_length("event_e", k_all, incr=incr)
    if user:
        incr_e = np.resize(incr_e, k_all) if incr_e.size == 1 else incr_e
        incr_c = np.resize(incr_c, k_all) if incr_c.size == 1 else incr_c
        check_length("event_e", k_all, incr_e=incr_e, incr_c=incr_c)
    cl = cluster_values(column(cluster, data, "cluster"))
    check_length("event_e", k_all, cluster=cl)
    idx, excl = select_studies(subset, exclude, k_all, data, fun="metabin")
    k_given = k_all
    uargs = subset_user_args(uargs, idx, k_all, "metabin")
    if k_all:   # R's section (6): the analysis uses the subset only
        x, labels, excl, (incr, incr_e, incr_c) = subset_studies(idx, x, labels, excl, incr,
                                                                 incr_e, incr_c)
        cl = subset_cluster(cl, idx)
        k_all = len(labels)
    if method_incr == "user" and not user:
        raise ValueError("Non-null input for arguments 'incr.e' and 'incr.c' required if "
                         "'method.incr = \"user\"'.")
    if k_all == 0:
        raise ValueError("No studies to combine in meta-analysis.")
    ee, ne, ec, nc = x["event_e"], x["n_e"], x["event_c"], x["n_c"]

    # (7) continuity correction
    cc = binary.continuity(ee, ne, ec, nc, sm=sm, method=method, incr=incr,
                           method_incr=method_incr, allstudies=allstudies,
                           user_incr=(incr_e, incr_c) if user else None)
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
    if user and (np.isnan(incr_e).any() or np.isnan(incr_c).any()):
        which = "incr.e" if np.isnan(incr_e).any() else "incr.c"
        raise ValueError(f"Missing values not allowed in argument '{which}'.")
    if method == "Peto" and not user:
        incr = 0.0

    # (8) study results
    t = binary.table(ee, ne, ec, nc, cc.incl)
    exclude = np.zeros(k_all, dtype=bool) if excl is None else excl
    Q_CMH = binary.cmh_test(t, exclude)
    TE, seTE = binary.study_effects(t, cc.incr_e, cc.incr_c, cc.allevents, sm=sm,
                                    method=method, RR_Cochrane=RR_Cochrane)
    method = three_level_method(cl, TE, seTE, method, method_given, w, "metabin",
                                _NOT_IMPLEMENTED_METHOD)

    # (10) method / sm combinations
    if sm != "OR":
        if method == "Peto":
            raise ValueError("Peto's method only possible with argument 'sm = \"OR\"'")
        if method == "SSW":
            raise ValueError("Sample size weighting only available with argument 'sm = \"OR\"'")
        if method == "GLMM":
            raise ValueError("Generalised linear mixed models only possible with argument "
                             "'sm = \"OR\"'.")
        if method == "LRP":
            raise ValueError("Logistic regression with penalised likelihood only possible "
                             "with argument 'sm = \"OR\"'.")
    if method in _NOT_IMPLEMENTED_METHOD:
        raise NotImplementedError(f"metabin(): method = \"{method}\" is not implemented in "
                                  "pymeta yet.")
    if not user and method == "Peto" and allstudies_given and allstudies and cc.sparse:
        w.warn("Note, no continuity correction considered for method = \"Peto\".")
    if not user and sm == "ASD" and incr_given and not isinstance(incr, str) \
            and np.isnan(np.atleast_1d(incr)).any() and not np.any(np.atleast_1d(incr) > 0) \
            and not (allstudies_given and allstudies):
        raise ValueError("Missing value in 'incr': R meta stops with 'missing value where "
                         "TRUE/FALSE needed'.")
    _notes(w, labels, cc, x, incr, method, sm, MH_exact, user)

    # (11) meta-analysis
    k_usable = int((~(np.isnan(ee) | np.isnan(ec) | np.isnan(ne) | np.isnan(nc))
                    & ~exclude).sum())
    if k_usable == 1:  # metabin's own k = 1 rule (k counted on the 2x2 data)
        model = dataclasses.replace(model, opts=dataclasses.replace(
            model.opts, method_random_ci=tuple("classic" if m == "HK" else m
                                               for m in model.opts.method_random_ci)))
    model, user_fields = with_user_args(model, uargs, k_all, "metabin")
    user_fields["TE_tau"] = uargs["TE_tau"]   # metabin stores the TE.tau given
    incr_e_out, incr_c_out = cc.incr_e, cc.incr_c
    common_fit = None
    if method == "MH":
        f = 0.0 if MH_exact else 1.0
        incr_e_out, incr_c_out = cc.incr_e * f, cc.incr_c * f
        common_fit = binary.mh_pool(t, TE, incr_e_out, incr_c_out, exclude, sm)
    elif method == "Peto":
        common_fit = binary.peto_pool(TE, seTE, exclude)
    elif method == "SSW":
        w_ssw = binary.ssw_weights(ne, nc, exclude)
        common_fit = binary.ssw_pool(TE, seTE, w_ssw)
    if Q_Cochrane and common_fit is None:
        # a three-level model leaves R without the Mantel-Haenszel estimate it asks for
        raise ValueError("object 'TE.common' not found")
    if Q_Cochrane:
        model = dataclasses.replace(model, opts=dataclasses.replace(
            model.opts, TE_tau=float(common_fit[0])))

    fields = fit_generic(TE, seTE, labels, sm=sm, model=model, warn=w, method=method,
                         exclude=excl, cluster=cl, rho=rho)
    fields["method_random"] = "Inverse" if method == "MH" else method
    if common_fit is not None:
        c = ci(common_fit[0], common_fit[1], level=model.opts.level_ma)
        fields.update(TE_common=float(c.TE), seTE_common=float(c.seTE),
                      lower_common=float(c.lower), upper_common=float(c.upper),
                      statistic_common=float(c.statistic), pval_common=float(c.p),
                      w_common=common_fit[2])
    if method == "SSW":
        tau = fields["tau"]
        TE_r, seTE_r, w_r = binary.ssw_pool(TE, seTE, w_ssw, tau2=tau * tau)
        # R's ci2meta uses metabin's own method.random.ci (HK -> classic at k = 1 only),
        # not metagen's, which collapses to a single "classic" when k.all = 1
        mrc = tuple(model.opts.method_random_ci)
        rows = [ci(TE_r, seTE_r, level=model.opts.level_ma,
                   df=(fields["k"] - 1) if m == "HK" else None) for m in mrc]
        # R's ci2meta(res, ci(TE.random, seTE.random, df = ...)): estimate, SE and
        # statistic stay single values, the bounds and p-values follow the df per method
        # (k - 1 for HK, Inf otherwise); df.random stays metagen's
        fields.update(
            TE_random=TE_r,
            seTE_random=np.array([seTE_r]),
            lower_random=np.array([float(r.lower) for r in rows]),
            upper_random=np.array([float(r.upper) for r in rows]),
            statistic_random=np.array([float(rows[0].statistic)]),
            pval_random=np.array([float(r.p) for r in rows]),
            w_random=w_r)
    if isinstance(incr, np.ndarray) and np.unique(incr).size == 1:
        incr = float(incr[0])
    fields.update(user_fields)
    three_level_fields(fields, extra["detail_tau"])
    return MetaBin(**fields, event_e=ee, n_e=ne, event_c=ec, n_c=nc, incr=incr,
                   method_incr=method_incr, sparse=cc.sparse, allstudies=allstudies,
                   doublezeros=cc.doublezeros, MH_exact=MH_exact, RR_Cochrane=RR_Cochrane,
                   Q_Cochrane=Q_Cochrane, Q_CMH=Q_CMH, df_Q_CMH=1.0, pval_Q_CMH=pval_Q(Q_CMH, 1),
                   print_CMH=print_CMH, pscale=pscale,
                   # R reports the increments used in the MH sums (zero with MH.exact)
                   incr_e=incr_e_out, incr_c=incr_c_out,
                   incr_data=(subset_column(cc.incr_e, idx, k_given),
                              subset_column(cc.incr_c, idx, k_given)),
                   k_MH=float((common_fit[2] > 0).sum()) if method == "MH" else np.nan,
                   warnings=tuple(w.warnings), notes=tuple(w.notes))


def _notes(w: Warn, labels, cc, x, incr, method, sm, MH_exact, user) -> None:
    """Say, study by study, what R meta drops or corrects without a word."""
    invalid = cc.events_gt_n_e | cc.events_gt_n_c | cc.nonpos_n | cc.neg_events
    miss = np.isnan(x["event_e"]) | np.isnan(x["n_e"]) | np.isnan(x["event_c"]) \
        | np.isnan(x["n_c"])
    out = np.flatnonzero((cc.incl == 0) & ~invalid & ~miss)
    if out.size:
        what = ("no events in either group (double zero) or events in every patient of "
                "both groups" if sm in ("OR", "DOR") else "no events in either group "
                "(double zero)")
        w.note(f"{_fmt_study(labels, out)}: {what}; excluded from pooling (TE and seTE are "
               f"NA), as R meta does for sm = \"{sm}\" (allstudies = FALSE).")
    bad = np.flatnonzero(invalid)
    if bad.size:
        w.note(f"{_fmt_study(labels, bad)}: invalid counts (events > n, n <= 0 or negative "
               "events); no weight in the meta-analysis.")
    miss = np.flatnonzero(miss)
    if miss.size:
        mh = (" R meta's Mantel-Haenszel sums drop only the missing terms (sum(..., na.rm ="
              " TRUE)), so such a study still contributes its finite terms to the MH common"
              " effect; pymeta does the same." if method == "MH" else "")
        w.note(f"{_fmt_study(labels, miss)}: missing data; no study-level estimate, left out "
               f"of the inverse-variance and random effects analyses.{mh}")
    if sm == "ASD" or (method == "Peto" and not user):
        if cc.sparse or cc.addincr:
            w.note("No continuity correction: R meta adds none for "
                   + ("the arcsine difference." if sm == "ASD" else "Peto's method."))
        return
    corr = np.flatnonzero((cc.incr_e > 0) | (cc.incr_c > 0))
    if corr.size:
        if user:
            what = "given by incr.e / incr.c"
        elif isinstance(incr, str):
            what = "treatment arm continuity correction (TACC)"
        elif isinstance(incr, np.ndarray):
            what = "given by the study-specific incr"
        else:
            what = f"{incr:g}"
        inside = (" (also inside the Mantel-Haenszel sums, MH.exact = FALSE)"
                  if method == "MH" and not MH_exact else "")
        where = "all cells" if sm != "RD" else "all cells for the standard error"
        w.note(f"{_fmt_study(labels, corr)}: continuity correction {what} added to {where}"
               f"{inside}.")
