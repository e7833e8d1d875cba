"""Leave-one-out (``metainf``) and cumulative (``metacum``) meta-analysis, R meta 8.5.

Source: R meta 8.5 ``R/metainf.R`` and ``R/metacum.R`` (the two differ only in which
studies each step keeps and in the step labels). Each step re-runs the meta function of
the result on a subset of its studies with the options R passes on: ``sm``,
``method.tau``, ``level.ma``, ``method.common.ci``, the chosen random effects method and
its ad hoc correction, the first prediction method, ``level.predict``, ``control`` and
the function's own ``null.effect`` / ``pooledvar`` -- and nothing else, so every other
option takes its default in the steps, as in R (e.g. ``method.tau.ci``, ``method.I2``,
and for metacont ``method.smd``/``exact.smd``). Steps are run with ``warn = FALSE``
(metacor has no such argument). Continuity corrections: metabin and metainc steps get the
object's stored ``incr.e``/``incr.c`` as user increments (for metabin with the
Mantel-Haenszel method and ``MH.exact = TRUE`` these are zero, so, as in R, the steps
then correct no study); metaprop and metarate steps get ``incr`` and ``method.incr``
(metaprop also ``method.ci``; metarate neither ``method.ci`` nor ``n``).
"""
from __future__ import annotations

import math

import numpy as np

from ..result import Meta, MetaCum, MetaInf
from ._args import (NA_POSITION, MetaWarning, NASubset, column, has_missing_positions,
                    select_studies, setchar)
from .subgroup import DATA_ARGS, sub_call

__all__ = ["metainf", "metacum"]

NA = math.nan


def r_mean(x) -> float:
    """R ``mean`` of doubles: long double sum / n plus the mean residual."""
    a = np.asarray(x, dtype=np.longdouble).ravel()
    if a.size == 0:
        return NA
    s = np.add.accumulate(a)[-1] / a.size
    if not np.isfinite(s):
        return float(s)
    t = np.add.accumulate(a - s)[-1]
    return float(s + t / a.size)


def _step_options(fun: str, x: Meta, no_r: int) -> dict:
    opts = dict(method_tau=x.method_tau, level_ma=x.level_ma,
                method_common_ci=x.method_common_ci,
                method_random_ci=x.method_random_ci[no_r],
                adhoc_hakn_ci=x.adhoc_hakn_ci[no_r] if len(x.adhoc_hakn_ci) > no_r else "",
                level_predict=x.level_predict, method_predict=x.method_predict[0],
                adhoc_hakn_pi=x.adhoc_hakn_pi[0],
                control=x.call[1].get("control") if x.call else None,
                tau_preset=x.tau_preset)
    if fun != "metacor":
        opts["warn"] = False
    if fun in ("metagen", "metacor"):
        opts.update(sm=x.sm, null_effect=x.null_effect)
    elif fun == "metamean":
        opts.update(sm=x.sm, null_effect=None if math.isnan(x.null_effect) else x.null_effect)
    elif fun == "metacont":
        pv = x.pooledvar
        opts.update(sm=x.sm, pooledvar=False if isinstance(pv, float) and math.isnan(pv) else pv)
    elif fun == "metabin":
        opts.update(method=x.method, sm=x.sm, allstudies=x.allstudies, MH_exact=x.MH_exact,
                    RR_Cochrane=x.RR_Cochrane, Q_Cochrane=x.Q_Cochrane)
    elif fun == "metainc":
        opts.update(method=x.method, sm=x.sm)
    elif fun == "metaprop":
        opts.update(method=x.method, sm=x.sm, null_effect=x.null_effect,
                    method_incr=x.method_incr, method_ci=x.method_ci)
    elif fun == "metarate":   # R passes no method.ci (the steps take "NAsm") and no n
        opts.update(method=x.method, sm=x.sm, null_effect=x.null_effect,
                    method_incr=x.method_incr)
    else:
        raise NotImplementedError(f"metainf()/metacum() for {fun} results is not implemented "
                                  "in pymeta yet.")
    return opts


def _sorted_increments(fun: str, x: Meta, o) -> dict:
    """The increments R's metainf/metacum take from ``x``, in the order ``o``: the stored
    ``incr.e``/``incr.c`` (metabin, metainc; passed on as user increments, so without
    method.incr) or ``incr`` repeated to one per study (metaprop, metarate)."""
    if fun in ("metabin", "metainc"):
        return dict(incr_e=np.asarray(x.incr_e, float)[o], incr_c=np.asarray(x.incr_c, float)[o])
    if fun in ("metaprop", "metarate"):
        incr = np.atleast_1d(np.asarray(x.incr, float))
        return dict(incr=np.resize(incr, len(o))[o] if incr.size == 1 else incr[o])
    return {}


def _sortvar(x: Meta, sortvar):
    if sortvar is None:
        return None
    if isinstance(sortvar, str):
        if hasattr(x, sortvar):
            return np.asarray(getattr(x, sortvar))
        data = x.call[1].get("data") if x.call else None
        if data is not None and sortvar in data:
            v = np.asarray(data[sortvar])
            subset = x.call[1].get("subset")
            if subset is not None:   # R: sortvar[x$data$.subset], rows in the data's order
                if has_missing_positions(subset, data):   # (metacor: R's .subset NA)
                    subset = NASubset(column(subset, data, "subset"), True)
                idx, _ = select_studies(subset, None, len(v), data, fun=x.call[0])
                keep = np.zeros(len(v), dtype=bool)
                keep[idx[idx != NA_POSITION]] = True
                v = v[keep]
            return v
        raise ValueError(f"Argument 'sortvar': no field or data column '{sortvar}'.")
    return np.asarray(sortvar)


def _lab(s) -> str:
    """A study label as R's ``paste`` writes it (a missing label: "NA")."""
    return "NA" if s is None else str(s)


def _order(v) -> np.ndarray:
    """R ``order``: ascending, stable, NAs last."""
    v = np.asarray(v)
    if v.dtype.kind in "fiub":
        f = v.astype(float)
        nan = np.isnan(f)
        idx = np.argsort(np.where(nan, np.inf, f), kind="stable")
        return np.concatenate([idx[~nan[idx]], idx[nan[idx]]])
    return np.array(sorted(range(v.size), key=lambda i: v[i]), dtype=int)


def _run(x: Meta, kind: str, pooled, sortvar, prediction, overall, no: int):
    if not isinstance(x, Meta) or x.call is None:
        raise ValueError("Argument 'x' must be a meta-analysis result of a pymeta function.")
    fun = x.call[0]
    if fun not in DATA_ARGS:
        raise NotImplementedError(f"{kind}() for {fun} results is not implemented yet.")
    if x.three_level:   # R stops (metainf.R / metacum.R)
        what = "Leave-one-out method" if kind == "metainf" else "Cumulative meta-analysis"
        raise ValueError(f"{what} not implemented for three-level model.")
    k_all = len(x.TE)
    if k_all < 2:
        import warnings
        msg = "Nothing calculated (minimum number of studies: 2)."
        warnings.warn(msg, MetaWarning, stacklevel=3)
        return None
    if pooled is not None:
        pooled = setchar(pooled, ("common", "random", "fixed"), "pooled")
        pooled = "common" if pooled == "fixed" else pooled
    else:
        pooled = "random" if (not x.common and x.random) else "common"
    prediction = (pooled == "random" and x.prediction) if prediction is None else bool(prediction)
    overall = x.overall if overall is None else bool(overall)
    mrc = tuple(x.method_random_ci)
    tdist_random = pooled == "random" and any(m in ("HK", "KR") for m in mrc)
    if pooled == "random" and len(mrc) > 1:
        raise ValueError("the condition has length > 1 (R stops here: several random "
                         "effects methods)")
    tdist_predict_v = [m not in ("S", "") for m in x.method_predict]
    if pooled == "random" and len(tdist_predict_v) > 1:
        raise ValueError("the condition has length > 1 (R stops here: several prediction "
                         "methods)")
    tdist_predict = tdist_predict_v[0]
    sv = _sortvar(x, sortvar)
    if sv is not None and sv.size != k_all:
        raise ValueError("Number of studies in object 'x' and argument 'sortvar' have "
                         "different length.")
    o = np.arange(k_all) if sv is None else _order(sv)
    if not (isinstance(no, (int, np.integer)) and no >= 1):
        raise ValueError("Argument 'no' must be a positive integer.")
    n_c = 1
    n_r = np.atleast_1d(x.seTE_random).size
    if pooled == "common":
        if no > n_c:
            raise ValueError("Argument 'no' must be smaller or equal to number of common "
                             "effect estimates.")
        no_r = 0
    else:
        if no > n_r:
            raise ValueError("Argument 'no' must be smaller or equal to number of random "
                             "effects estimates.")
        no_r = no - 1
    studlab = [x.studlab[i] for i in o]
    if kind == "metainf":
        slab = tuple(f"Omitting {_lab(s)}" for s in studlab)
    else:
        # R: k = cumsum(!exclude), the studies pooled so far
        excl = np.zeros(k_all, bool) if x.exclude is None else np.asarray(x.exclude, bool)[o]
        ncum = np.cumsum(~excl)
        slab = tuple(f"Adding {_lab(s)} (k={int(n)})" for s, n in zip(studlab, ncum))
    opts = _step_options(fun, x, no_r)
    # the sorted result: sub_call takes its data from these fields
    # R sorts exclude (and metagen's n.e / n.c) with the data
    per_study = [a for a in ("exclude", "n_e", "n_c")
                 if a not in DATA_ARGS[fun] and getattr(x, a, None) is not None]
    sorted_x = x.replace(**{a: np.asarray(getattr(x, a))[o]
                            for a in (*DATA_ARGS[fun], *per_study)},
                         studlab=tuple(studlab), **({"n": None} if fun == "metarate" else {}))
    incrs = _sorted_increments(fun, x, o)
    # R: weights.common <- x$weights.common[o] (metagen keeps all k_all weights given, so
    # with subset these are its first k, reordered), each step's weights.common[sel]; and
    # TE.tau = x$TE.tau
    incrs.update({n: np.asarray(getattr(x, n), dtype=float)[o]
                  for n in ("weights_common", "weights_random") if getattr(x, n) is not None})
    if x.TE_tau is not None:
        opts["TE_tau"] = x.TE_tau
    n_sorted = np.asarray(x.n, dtype=float)[o] if fun == "metaprop" else None
    t_sorted = np.asarray(x.time, dtype=float)[o] if fun == "metarate" else None
    rows, warns, add = [], [], []
    for i in range(k_all):
        sel = (np.arange(k_all) != i) if kind == "metainf" else (np.arange(k_all) <= i)
        m = sub_call(fun, sorted_x, sel, {**opts, **{k: v[sel] for k, v in incrs.items()}})
        warns.extend(m.warnings)
        add.append((m.method_tau_ci, m.sign_lower_tau, m.sign_upper_tau))
        k_mh = getattr(m, "k_MH", NA)
        if pooled == "common":
            row = (m.TE_common, m.seTE_common, m.lower_common, m.upper_common,
                   m.statistic_common, m.pval_common, NA, NA, NA, NA)
            w = _rsum_na(m.w_common)
        else:
            row = (_first(m.TE_random), _first(m.seTE_random), _first(m.lower_random),
                   _first(m.upper_random), _first(m.statistic_random), _first(m.pval_random),
                   _first(m.df_random) if tdist_random else NA, _first(m.lower_predict),
                   _first(m.upper_predict), _first(m.df_predict) if tdist_predict else NA)
            w = _rsum_na(m.w_random)
        rows.append(dict(
            TE=row[0], seTE=row[1], lower=row[2], upper=row[3], statistic=row[4], pval=row[5],
            df_random=row[6], lower_predict=row[7], upper_predict=row[8], df_predict=row[9],
            w=w, tau2=m.tau2, se_tau2=m.se_tau2, lower_tau2=m.lower_tau2,
            upper_tau2=m.upper_tau2, tau=m.tau, lower_tau=m.lower_tau, upper_tau=m.upper_tau,
            I2=m.I2, lower_I2=m.lower_I2, upper_I2=m.upper_I2, Rb=m.Rb,
            n_harmonic_mean=(_harmonic(n_sorted[sel]) if fun == "metaprop" and x.sm == "PFT"
                             else NA),
            t_harmonic_mean=(_harmonic(t_sorted[sel]) if fun == "metarate" and x.sm == "IRFT"
                             else NA),
            k=m.k, k_study=m.k_study,
            k_all=m.k_all, k_TE=m.k_TE, k_MH=k_mh))
    cols = {name: np.array([float(r[name]) for r in rows]) for name in rows[0]}

    def uniq(j):
        seen = []
        for a in add:
            if a[j] != "" and a[j] not in seen:
                seen.append(a[j])
        return tuple(seen)

    mtc = uniq(0)
    method_tau_ci = mtc[0] if len(mtc) == 1 else (mtc if mtc else "")
    sgn_lo, sgn_up = uniq(1), uniq(2)
    TE_r = np.atleast_1d(x.TE_random)
    if TE_r.size == 1 and n_r > 1:
        TE_r = np.full(n_r, TE_r[0])
    if pooled == "common":
        pooled_vals = dict(TE_pooled=x.TE_common, seTE_pooled=x.seTE_common,
                           lower_pooled=x.lower_common, upper_pooled=x.upper_common,
                           statistic_pooled=x.statistic_common, pval_pooled=x.pval_common,
                           w_pooled=_rsum_na(x.w_common), lower_predict_pooled=NA,
                           upper_predict_pooled=NA)
    else:
        pooled_vals = dict(TE_pooled=float(TE_r[no_r]),
                           seTE_pooled=_at(x.seTE_random, no_r),
                           lower_pooled=_at(x.lower_random, no_r),
                           upper_pooled=_at(x.upper_random, no_r),
                           statistic_pooled=_at(x.statistic_random, no_r),
                           pval_pooled=_at(x.pval_random, no_r),
                           w_pooled=_rsum_na(x.w_random),
                           lower_predict_pooled=_at(x.lower_predict, 0),
                           upper_predict_pooled=_at(x.upper_predict, 0))
    n = getattr(x, "n", None) if fun in ("metamean", "metacor", "metaprop", "metarate") else None
    n_hm = _harmonic(np.asarray(n, dtype=float)[o]) if n is not None else NA
    t_hm = _harmonic(np.asarray(x.time, dtype=float)[o]) if fun == "metarate" else NA
    cls = MetaInf if kind == "metainf" else MetaCum
    return cls(
        studlab=slab, **cols, sign_lower_tau=sgn_lo, sign_upper_tau=sgn_up,
        sm=x.sm, null_effect=x.null_effect, pooled=pooled, common=pooled == "common",
        random=pooled == "random", overall=overall, overall_hetstat=False,
        prediction=prediction, method_predict=x.method_predict[0],
        # R: x$text.predict[1]; the labels and scales as the object has them (NULL if not)
        text_predict=x.text_predict[0], label_e=x.label_e, label_c=x.label_c,
        label_left=x.label_left, label_right=x.label_right, title=x.title,
        complab=x.complab, outclab=x.outclab, pscale=getattr(x, "pscale", None),
        irscale=getattr(x, "irscale", None), irunit=getattr(x, "irunit", None),
        adhoc_hakn_pi=x.adhoc_hakn_pi[0], backtransf=x.backtransf, level=x.level_ma,
        level_ma=x.level_ma, level_predict=x.level_predict, method=x.method,
        method_random=x.method_random, method_common_ci=x.method_common_ci,
        method_random_ci=mrc[no_r], adhoc_hakn_ci=_at_str(x.adhoc_hakn_ci, no_r),
        method_tau=x.method_tau, method_tau_ci=method_tau_ci, method_I2=x.method_I2,
        k_pooled=x.k, k_study_pooled=x.k_study, k_all_pooled=x.k_all, k_TE_pooled=x.k_TE,
        k_MH_pooled=getattr(x, "k_MH", None), **pooled_vals,
        df_random_pooled=_at(x.df_random, no_r), df_predict_pooled=_at(x.df_predict, 0),
        Q_pooled=x.Q, Q_Cochrane=getattr(x, "Q_Cochrane", None), tau2_pooled=x.tau2,
        se_tau2_pooled=x.se_tau2, lower_tau2_pooled=x.lower_tau2,
        upper_tau2_pooled=x.upper_tau2, tau_pooled=x.tau, lower_tau_pooled=x.lower_tau,
        upper_tau_pooled=x.upper_tau, sign_lower_tau_pooled=x.sign_lower_tau,
        sign_upper_tau_pooled=x.sign_upper_tau, I2_pooled=x.I2, lower_I2_pooled=x.lower_I2,
        upper_I2_pooled=x.upper_I2, Rb_pooled=x.Rb, n_harmonic_mean_pooled=n_hm,
        t_harmonic_mean_pooled=t_hm, no=no, classes=(fun,), warnings=tuple(warns))


def _harmonic(x) -> float:
    """R's ``1 / mean(1 / x)``."""
    with np.errstate(divide="ignore"):
        return 1 / r_mean(1 / np.asarray(x, dtype=float))


def _first(v) -> float:
    a = np.atleast_1d(np.asarray(v, dtype=float))
    return float(a[0]) if a.size else NA


def _at(v, i) -> float:
    a = np.atleast_1d(np.asarray(v, dtype=float))
    return float(a[i]) if a.size > i else NA


def _at_str(v, i) -> str:
    v = tuple(v)
    return v[i] if len(v) > i else ""


def _rsum_na(v) -> float:
    from ..model.rmath import rsum
    return rsum(np.asarray(v, dtype=float))


def metainf(x: Meta, pooled: str | None = None, sortvar=None, prediction=None, overall=None,
            no: int = 1) -> MetaInf | None:
    """Leave-one-out meta-analysis (R meta ``metainf``): the pooled result without each
    study in turn. ``pooled`` is "common" or "random" (default: "random" if only the
    random effects model is shown, else "common"); ``sortvar`` a vector or the name of a
    result field / data column to order the studies by. Returns None (with R's warning)
    for fewer than two studies."""
    return _run(x, "metainf", pooled, sortvar, prediction, overall, no)


def metacum(x: Meta, pooled: str | None = None, sortvar=None, prediction=None, overall=None,
            no: int = 1) -> MetaCum | None:
    """Cumulative meta-analysis (R meta ``metacum``): the pooled result of the first 1,
    2, ..., k studies (in the order of ``sortvar``). Arguments as :func:`metainf`."""
    return _run(x, "metacum", pooled, sortvar, prediction, overall, no)
