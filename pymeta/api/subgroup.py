"""Subgroup analyses and the recorded call behind ``update``/``metainf``/``metacum``.

R meta 8.5 (``R/subgroup.R``, the ``if (by)`` block at the end of ``R/metagen.R``): a
subgroup analysis re-runs the same meta function on the studies of each subgroup (with a
fixed set of the parent's resolved options, see :func:`sub_call`) and collects the pooled
results per subgroup; the test for subgroup differences is Cochran's Q of the subgroup
estimates (``metagen(TE.common.w, seTE.common.w, method.tau = "DL")$Q``), within-subgroup
heterogeneity the sum of the subgroup Qs. For metabin and metainc R gives each subgroup
the stored increments ``x$incr.e[sel]``/``x$incr.c[sel]`` with method.incr = "user", else
``x$incr`` (sliced when study-specific) -- see :func:`study_options`.

:func:`meta_function` wraps each public meta function: it records the call (for
``result.update``, ``metainf`` and ``metacum``) and adds the subgroup fields.
"""
from __future__ import annotations

import functools
import inspect
import math

import numpy as np

from ..effects.estmeansd import make_stream
from ..model.heterogeneity import pval_Q
from ..model.rmath import r_sum, r_take, rsum, weighted_mean
from . import subgroup_multi, subgroup_tau
from ._args import column

__all__ = ["meta_function", "DATA_ARGS", "sub_call", "subgroup_fields"]

NA = math.nan

#: The per-study data arguments of each function (the fields R takes ``x$...[sel]`` from).
DATA_ARGS = {
    "metagen": ("TE", "seTE"),
    "metacont": ("n_e", "mean_e", "sd_e", "n_c", "mean_c", "sd_c"),
    "metabin": ("event_e", "n_e", "event_c", "n_c"),
    "metamean": ("n", "mean", "sd"),
    "metacor": ("cor", "n"),
    "metaprop": ("event", "n"),
    "metainc": ("event_e", "time_e", "event_c", "time_c"),
    "metarate": ("event", "time"),
}

#: R's name of each function's first data argument (its length messages name it).
FIRST_ARG = {"metagen": "TE", "metacont": "n.e", "metabin": "event.e", "metamean": "n",
             "metacor": "cor", "metaprop": "event", "metainc": "event.e", "metarate": "event"}


def _na_none(v):
    """R's NA / "" passed on as an argument: the function's default applies."""
    if v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and v == ""):
        return None
    return v


def _own_options(fun: str, res) -> dict:
    """The function-specific options R's subgroup() passes on (``x$sm`` ...)."""
    if fun == "metagen":
        return dict(sm=res.sm, null_effect=res.null_effect)
    if fun == "metacont":
        return dict(sm=res.sm, pooledvar=_na_none(res.pooledvar),
                    method_smd=_na_none(res.method_smd), sd_glass=_na_none(res.sd_glass),
                    exact_smd=_na_none(res.exact_smd))
    if fun == "metabin":
        return dict(method=res.method, sm=res.sm, incr=res.incr, method_incr=res.method_incr,
                    allstudies=res.allstudies, MH_exact=res.MH_exact,
                    RR_Cochrane=res.RR_Cochrane, Q_Cochrane=res.Q_Cochrane)
    if fun in ("metacor", "metamean"):
        ne = res.null_effect
        return dict(sm=res.sm, null_effect=None if fun == "metamean" and math.isnan(ne) else ne)
    if fun in ("metaprop", "metarate"):   # R passes neither method.ci nor level
        return dict(method=res.method, sm=res.sm, method_incr=res.method_incr,
                    null_effect=res.null_effect)
    if fun == "metainc":
        return dict(method=res.method, sm=res.sm, method_incr=res.method_incr)
    raise NotImplementedError(f"subgroups for {fun}")


def _slice(v, sel):
    """``x[sel]`` for a per-study vector, the value itself for a single value."""
    if isinstance(v, np.ndarray) and v.ndim == 1 and v.size > 1:
        return v[sel]
    return v


def study_options(fun: str, res, sel) -> dict:
    """The continuity corrections R's subgroup() gives the studies ``sel``: for metabin
    and metainc the user increments ``x$incr.e[sel]``/``x$incr.c[sel]`` (as stored, i.e.
    after R's corrections) with method.incr = "user", else ``x$incr`` (its slice when
    study-specific) with ``incr.e = incr.c = NULL``."""
    if fun in ("metabin", "metainc"):
        if res.method_incr == "user":
            return dict(incr=None, incr_e=np.asarray(res.incr_e, float)[sel],
                        incr_c=np.asarray(res.incr_c, float)[sel])
        from ._args import NULL
        return dict(incr=_slice(res.incr, sel), incr_e=NULL, incr_c=NULL)
    if fun in ("metaprop", "metarate"):
        return dict(incr=_slice(res.incr, sel))
    return {}


def _user_options(fun: str, res, sel) -> dict:
    """What R's ``subgroup()`` passes on of the user arguments: ``TE.tau = x$TE.tau`` to
    every function, and to metagen alone ``weights.common = x$weights.common[sel]`` and
    ``weights.random = x$weights.random[sel]`` (the other functions' subgroups are pooled
    without user weights). metagen keeps the weights of all studies given (not subset),
    so with ``subset`` R's ``[sel]`` recycles the shorter mask (:func:`pymeta.model.rmath.r_take`)."""
    out = {} if res.TE_tau is None else {"TE_tau": res.TE_tau}
    if fun == "metagen":
        for name in ("weights_common", "weights_random"):
            w = getattr(res, name)
            if w is not None:
                out[name] = r_take(np.asarray(w, dtype=float), sel)
    return out


def _warn_arg(res):
    call = res.call[1] if res.call else {}
    return call.get("warn")


#: The median / quartile / range fields R's ``subgroup()`` passes on (``subsetVar``).
APPROX_ARGS = {
    "metacont": tuple(f"{a}_{arm}" for arm in ("e", "c")
                      for a in ("median", "q1", "q3", "min", "max")) + (
        "approx_mean_e", "approx_sd_e", "approx_mean_c", "approx_sd_c"),
    "metamean": ("median", "q1", "q3", "min", "max", "approx_mean", "approx_sd"),
}


def _approx_options(fun: str, res, sel) -> dict:
    """meta's ``subsetVar`` of the summaries and approximation labels, with
    ``method.mean`` / ``method.sd`` (R's subgroup() re-runs the approximations; a single
    ``approx.*`` value stays single, so it names each subgroup's first study)."""
    out = {}
    for a in APPROX_ARGS.get(fun, ()):
        v = getattr(res, a)
        if v is None:
            continue
        v = np.asarray(v)
        out[a] = (v[0] if v.dtype == object else v) if v.size == 1 else v[sel]
    if out:
        out.update(method_mean=res.method_mean or None, method_sd=res.method_sd or None)
    return out


def sub_call(fun: str, res, sel, options: dict, *, approx: bool = False):
    """Run ``fun`` on the studies ``sel`` (boolean mask or index array) of ``res``; with
    ``approx`` (subgroup analyses) also on its medians, quartiles and ranges, as R's
    ``subgroup()`` passes them."""
    import pymeta
    data = {a: np.asarray(getattr(res, a))[sel] for a in DATA_ARGS[fun]}
    labels = np.asarray(res.studlab, dtype=object)[sel]
    if fun == "metarate" and res.n is not None:
        data["n"] = np.asarray(res.n)[sel]
    extra = _approx_options(fun, res, sel) if approx else {}
    if getattr(res, "exclude", None) is not None:   # R: exclude = x$exclude[sel]
        extra["exclude"] = list(np.asarray(res.exclude, dtype=bool)[sel])
    if res.cluster is not None:     # R: cluster = x$cluster[sel], rho = x$rho
        extra.update(cluster=[res.cluster[i] for i in np.flatnonzero(sel)], rho=res.rho)
    if fun == "metagen":                            # R: n.e = x$n.e[sel], n.c = x$n.c[sel]
        extra.update({a: np.asarray(getattr(res, a))[sel] for a in ("n_e", "n_c")
                      if getattr(res, a) is not None})
    return getattr(pymeta, fun)(**data, studlab=list(labels), **options, **extra)


def _subgroup_options(fun: str, res) -> dict:
    """The options R's ``subgroup()`` gives each subgroup's meta-analysis."""
    if fun == "metagen" and res.predict_pre is not None:
        # metagen runs subgroup() before it unsets the prediction method where no
        # interval exists; the other functions take metagen's result, already unset
        mp, ap = res.predict_pre
    else:
        mp, ap = res.method_predict, res.adhoc_hakn_pi
    opts = dict(level_ma=res.level_ma, method_common_ci=res.method_common_ci,
                method_random_ci=tuple(res.method_random_ci),
                adhoc_hakn_ci=tuple(res.adhoc_hakn_ci), level_predict=res.level_predict,
                method_predict=tuple("V" if m == "" else m for m in mp),
                adhoc_hakn_pi=tuple(ap), method_tau=res.method_tau,
                method_tau_ci=res.method_tau_ci, level_hetstat=res.level_hetstat,
                control=(res.call[1].get("control") if res.call else None))
    if fun != "metacor":  # R passes warn = x$warn except for metacor
        opts["warn"] = _warn_arg(res)
    opts.update(_own_options(fun, res))
    return opts


def levels_of(subgroup) -> tuple:
    """meta's ``bylevs``: a factor's levels, else the values in order of appearance."""
    cats = getattr(subgroup, "cat", None)
    if cats is not None and hasattr(cats, "categories"):
        return tuple(cats.categories)
    if hasattr(subgroup, "categories") and hasattr(subgroup, "codes"):
        return tuple(subgroup.categories)
    seen = {}
    for v in _values(subgroup):
        seen.setdefault(v, None)
    return tuple(seen)


def _values(subgroup) -> list:
    if hasattr(subgroup, "to_numpy"):
        subgroup = subgroup.to_numpy(dtype=object)
    out = []
    for v in np.asarray(subgroup, dtype=object).ravel():
        if isinstance(v, (np.floating, float)):
            v = float(v)
        elif isinstance(v, (np.integer,)):
            v = int(v)
        elif isinstance(v, np.str_):
            v = str(v)
        out.append(v)
    return out


def _is_missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _q_dl(TE, seTE, warns: list) -> float:
    """``metagen(TE, seTE, method.tau = "DL")$Q``, with that call's warnings."""
    import pymeta
    m = pymeta.metagen(np.asarray(TE, dtype=float), np.asarray(seTE, dtype=float),
                       method_tau="DL")
    warns.extend(m.warnings)
    return float(np.atleast_1d(m.Q)[0])


def _q_plain(TE, seTE) -> float:
    """Cochran's Q of the finite pairs (what metagen's Q is)."""
    TE = np.asarray(TE, dtype=float)
    seTE = np.asarray(seTE, dtype=float).copy()
    with np.errstate(invalid="ignore"):
        seTE[seTE == 0] = NA
    ok = ~np.isinf(TE) & ~np.isinf(seTE)
    TE, seTE = TE[ok], seTE[ok]
    ok = ~(np.isnan(TE) | np.isnan(seTE))
    TE, seTE = TE[ok], seTE[ok]
    if TE.size == 0:
        return NA
    if TE.size < 2:
        return 0.0
    w = 1 / seTE ** 2
    return rsum(w * (TE - weighted_mean(TE, w)) ** 2)


def _sum_na(x, exclude=None) -> float:
    """meta's ``sumNA`` (subgroup.R): NA if all NA (or NULL), else the sum without NAs
    over the studies not excluded."""
    if x is None:
        return NA
    x = np.asarray(x, dtype=float)
    if x.size == 0 or np.all(np.isnan(x)):
        return NA
    if exclude is not None:
        x = x[~np.asarray(exclude, dtype=bool)]
    return rsum(x[~np.isnan(x)])


def _harmonic(x, sel) -> float:
    """R's ``1 / mean(1 / x[sel])`` (NaN for R's NULL ``x``)."""
    from .metainf import r_mean
    if x is None:
        return NA
    with np.errstate(divide="ignore"):
        return 1 / r_mean(1 / np.asarray(x, dtype=float)[sel])


def _first(v):
    a = np.atleast_1d(np.asarray(v, dtype=float))
    return float(a[0]) if a.size else NA


def _subgroup_seeds(seed, method_predict, n_levs: int):
    """R's ``subgroup(x, seed = seed.predict.subgroup)``: with NNF prediction intervals
    one seed per subgroup (a single one recycled); without NNF the seeds do not matter
    (pymeta passes none)."""
    if seed is None or "NNF" not in method_predict:
        return [None] * n_levs
    from .metagen import check_numbers
    v = np.asarray(seed, dtype=object).ravel()
    check_numbers(v, "seed.predict.subgroup")
    if v.size == 1:
        v = np.repeat(v, n_levs)
    if v.size != n_levs:
        raise ValueError("Argument 'seed.predict.subgroup' must be a numeric of length "
                         f"{n_levs}.")
    return [float(x) for x in v]


def subgroup_fields(fun: str, res, subgroup: list, levels: tuple, tau_common: bool = False,
                    tau_preset=None, seed=None, stream=None) -> tuple[dict, list, list]:
    """The subgroup fields of ``res`` (R meta's ``subgroup(x)``, with ``tau.preset`` or the
    common tau of ``tau.common``, see :mod:`.subgroup_tau`), the warnings of the common
    tau2 fit and those the subgroup meta-analyses give. ``stream``: the random stream of the overall analysis, which R's
    re-run approximations continue (estmeansd's Monte Carlo methods)."""
    opts = _subgroup_options(fun, res)
    if stream is not None:
        opts["seed_estmeansd"] = stream
    rows, warns, subs = [], [], []
    hcc, hcc_warns = None, []
    if tau_common:   # R computes it with tau.preset as well (unused then)
        hcc, hcc_warns = subgroup_tau.residual_fields(fun, res, subgroup, tau_preset)
    preset = subgroup_tau.tau_preset_option(tau_common, tau_preset, hcc)
    if preset is not None:
        opts["tau_preset"] = preset
    sg = np.empty(len(subgroup), dtype=object)
    sg[:] = subgroup
    w_common = np.asarray(res.w_common, dtype=float)
    w_random = np.asarray(res.w_random, dtype=float)
    seeds = _subgroup_seeds(seed, opts["method_predict"], len(levels))
    for lev, seed_i in zip(levels, seeds):
        sel = np.array([v == lev for v in subgroup], dtype=bool)
        if not sel.any():
            raise ValueError(f"No data available for subgroup = {lev}")
        extra = {} if seed_i is None else {"seed_predict": seed_i}
        extra.update(_user_options(fun, res, sel))
        m = sub_call(fun, res, sel, {**opts, **study_options(fun, res, sel), **extra},
                     approx=True)
        warns.extend(m.warnings)
        subs.append(m)
        row = dict(
            k_w=m.k, k_study_w=m.k_study, k_all_w=m.k_all, k_TE_w=m.k_TE,
            TE_common_w=m.TE_common, seTE_common_w=m.seTE_common,
            statistic_common_w=m.statistic_common, pval_common_w=m.pval_common,
            lower_common_w=m.lower_common, upper_common_w=m.upper_common,
            w_common_w=r_sum(r_take(w_common, sel)),
            TE_random_w=_first(m.TE_random), seTE_random_w=_first(m.seTE_random),
            statistic_random_w=_first(m.statistic_random), pval_random_w=_first(m.pval_random),
            df_random_w=_first(m.df_random), lower_random_w=_first(m.lower_random),
            upper_random_w=_first(m.upper_random), w_random_w=r_sum(r_take(w_random, sel)),
            seTE_classic_w=m.seTE_classic, df_hakn_ci_w=_first(m.df_hakn_ci),
            seTE_hakn_ci_w=m.seTE_hakn_ci, seTE_hakn_adhoc_ci_w=_first(m.seTE_hakn_adhoc_ci),
            df_kero_w=m.df_kero, seTE_kero_w=m.seTE_kero,
            seTE_predict_w=_first(m.seTE_predict), df_predict_w=_first(m.df_predict),
            lower_predict_w=_first(m.lower_predict), upper_predict_w=_first(m.upper_predict),
            seTE_hakn_pi_w=m.seTE_hakn_pi, seTE_hakn_adhoc_pi_w=_first(m.seTE_hakn_adhoc_pi),
            # R: sum(meta1$tau2), sum(meta1$tau) (both components of a three-level
            # subgroup, whose CIs are NA)
            Q_w=_first(m.Q), tau2_w=r_sum(np.atleast_1d(m.tau2)),
            lower_tau2_w=NA if m.three_level else m.lower_tau2,
            upper_tau2_w=NA if m.three_level else m.upper_tau2,
            tau_w=r_sum(np.atleast_1d(m.tau)),
            lower_tau_w=NA if m.three_level else m.lower_tau,
            upper_tau_w=NA if m.three_level else m.upper_tau,
            H_w=m.H, lower_H_w=m.lower_H, upper_H_w=m.upper_H,
            I2_w=m.I2, lower_I2_w=m.lower_I2, upper_I2_w=m.upper_I2, Rb_w=m.Rb,
            lower_Rb_w=m.lower_Rb, upper_Rb_w=m.upper_Rb,
            # R: sumNA(meta1$..., meta1$exclude) (bin.cont.gen, bin.inc, cor.prop.mean.rate)
            n_e_w=(_sum_na(m.n_e, m.exclude) if fun in ("metacont", "metabin", "metagen")
                   else NA),
            n_c_w=(_sum_na(m.n_c, m.exclude) if fun in ("metacont", "metabin", "metagen")
                   else NA),
            event_e_w=_sum_na(m.event_e, m.exclude) if fun in ("metabin", "metainc") else NA,
            event_c_w=_sum_na(m.event_c, m.exclude) if fun in ("metabin", "metainc") else NA,
            n_w=(_sum_na(m.n, m.exclude)
                 if fun in ("metacor", "metamean", "metaprop", "metarate") else NA),
            event_w=_sum_na(m.event, m.exclude) if fun == "metaprop" else NA,
            time_e_w=_sum_na(m.time_e, m.exclude) if fun == "metainc" else NA,
            time_c_w=_sum_na(m.time_c, m.exclude) if fun == "metainc" else NA,
            # R: 1 / mean(1 / x$n[sel]) (metaprop, metarate keep it; NaN without n)
            n_harmonic_mean_w=(_harmonic(res.n, sel) if fun in ("metaprop", "metarate")
                               else NA),
            t_harmonic_mean_w=_harmonic(res.time, sel) if fun == "metarate" else NA,
        )
        rows.append(row)
    out = {name: np.array([float(r[name]) for r in rows]) for name in rows[0]}
    k_w, Q_w = out["k_w"], out["Q_w"]
    with np.errstate(invalid="ignore"):
        out["pval_Q_w"] = np.array([pval_Q(q, d) for q, d in zip(Q_w, k_w - 1)])
    has_q = ~np.isnan(Q_w)
    Q_w_common = rsum(Q_w[has_q]) if has_q.any() else 0.0
    df_Q_w = float(np.sum((k_w - 1)[has_q]))
    Q_b_common = _q_dl(out["TE_common_w"], out["seTE_common_w"], warns)
    n_pi = len(opts["method_predict"])
    if len(res.method_random_ci) > 1 or n_pi > 1:   # matrices: one column per method
        out.update(subgroup_multi.matrix_fields(subs, len(res.method_random_ci), n_pi))
    df_Q_b = 0.0 if res.k == 0 else float(res.k - 1 - np.sum((k_w - 1)[has_q]))
    if subgroup_multi.is_multi(out):
        qb = subgroup_multi.q_b_random(out["TE_random_w"], out["lower_random_w"],
                                       out["upper_random_w"], df_Q_b,
                                       _q_dl, warns)
    else:
        Q_b_random = _q_dl(out["TE_random_w"], out["seTE_random_w"], warns)
        qb = dict(Q_b_random=Q_b_random, df_Q_b_random=df_Q_b,
                  pval_Q_b_random=pval_Q(Q_b_random, df_Q_b))
    out.update(
        Q_w_common=Q_w_common, Q_w_random=NA, df_Q_w_random=NA, df_Q_w=df_Q_w,
        pval_Q_w_common=pval_Q(Q_w_common, df_Q_w), pval_Q_w_random=NA,
        Q_b_common=Q_b_common, df_Q_b=df_Q_b, df_Q_b_common=df_Q_b,
        pval_Q_b_common=pval_Q(Q_b_common, df_Q_b), **qb,
        subgroup_levels=tuple(levels),
    )
    for name in ("tau2_resid", "lower_tau2_resid", "upper_tau2_resid", "tau_resid",
                 "lower_tau_resid", "upper_tau_resid", "Q_resid", "df_Q_resid", "pval_Q_resid",
                 "H_resid", "lower_H_resid", "upper_H_resid", "I2_resid", "lower_I2_resid",
                 "upper_I2_resid"):
        out[name] = NA
    if hcc is not None and tau_preset is None:
        subgroup_tau.fill_within(out, hcc, res.method_tau_ci)
    if res.three_level:
        _three_level_na(out, tau_common)
    return out, hcc_warns, warns


def _three_level_na(out: dict, tau_common: bool) -> None:
    """What R sets NA for subgroups of a three-level model: the common effect results
    (subgroup()'s ``is.mlm``), the random effects test between subgroups without
    ``tau.common`` (``setNA3``) and the tests within subgroups (``setNAwithin``)."""
    for name in ("TE_common_w", "seTE_common_w", "statistic_common_w", "pval_common_w",
                 "lower_common_w", "upper_common_w", "w_common_w", "Q_w_common",
                 "pval_Q_w_common", "Q_b_common", "df_Q_b_common", "pval_Q_b_common"):
        v = out[name]       # R: x[!is.na(x)] <- NA (the length kept)
        out[name] = np.full(np.shape(v), NA) if np.ndim(v) else NA
    names = ["Q_w_common", "Q_w_random", "df_Q_w", "pval_Q_w_common", "pval_Q_w_random"]
    if not tau_common:
        names += ["Q_b_random", "df_Q_b", "df_Q_b_random", "pval_Q_b_random"]
    for name in names:      # R: res$x <- NA
        out[name] = NA


def _subgroup_name(subgroup, given_name) -> str:
    """meta's ``byvarname``: the column name, else "subgroup" (R's deparsed argument)."""
    if given_name is not None:
        if not isinstance(given_name, str):
            raise ValueError("Argument 'subgroup.name' must be a character string.")
        return given_name
    return "subgroup"


def meta_function(fun):
    """Decorate a public meta function: record its call and add subgroup analyses."""
    sig = inspect.signature(fun)
    name = fun.__name__

    @functools.wraps(fun)
    def wrapper(*args, subgroup=None, subgroup_name=None, test_subgroup=None,
                prediction_subgroup=None, tau_common=None, byvar=None, **kwargs):
        from ._args import (NASubset, check_logical, has_missing_positions, place_warnings,
                            resolve_deprecated, select_studies)
        from . import presentation
        kwargs, dep = resolve_deprecated(kwargs)
        pres = presentation.pop(name, kwargs)
        pres = presentation.check(name, pres)
        if not pres.get("warn_deprecated", True):   # meta's deprecated(..., warn.deprecated)
            dep = []

        def finish(res, has_subgroup):
            # the stream itself (its draws are done; update copies it): no copy per call
            more = {} if stream is None else {"stream_after": stream}
            return res.replace(**presentation.result_fields(name, res, pres,
                                                            has_subgroup=has_subgroup), **more)
        if byvar is not None:   # meta's deprecated2(subgroup, ..., byvar, ...)
            # (with warn.deprecated, except in metacor, which does not pass it on)
            silent = not pres.get("warn_deprecated", True) and name != "metacor"
            if subgroup is not None:
                msg = "Deprecated argument 'byvar' ignored as 'subgroup' is also provided."
            else:
                msg = "Use argument 'subgroup' instead of 'byvar' (deprecated)."
                subgroup = byvar
            if not silent:
                dep.append(msg)
        bound = sig.bind(*args, **kwargs)
        call = dict(bound.arguments)
        call.update(call.pop("r_only", {}) or {})
        call.update(pres)
        call.update({k: v for k, v in dict(subgroup=subgroup, subgroup_name=subgroup_name,
                                           test_subgroup=test_subgroup,
                                           prediction_subgroup=prediction_subgroup,
                                           tau_common=tau_common).items() if v is not None})
        tau_common_v = False if tau_common is None else check_logical(tau_common, "tau_common")
        if (name == "metabin" and tau_common_v and subgroup is not None
                and "method" not in bound.arguments):
            kwargs["method"] = "Inverse"   # metabin: method = ifelse(tau.common, "Inverse", ...)
        if has_missing_positions(kwargs.get("subset"), call.get("data")):
            # R's x[NA]: what follows depends on keepdata and subgroups (_args._na_positions)
            kwargs["subset"] = NASubset(column(kwargs["subset"], call.get("data"), "subset"),
                                        pres.get("keepdata"), subgroup is not None)
        stream = None
        if name in ("metacont", "metamean", "metagen"):
            # one random stream for the analysis and its subgroups' re-run approximations
            stream = kwargs["seed_estmeansd"] = make_stream(kwargs.get("seed_estmeansd"))
        res = fun(*args, **kwargs)
        res = res.replace(call=(name, call))
        if dep:   # given whatever warn is (warn.deprecated, TRUE after settings reset)
            res = res.replace(warnings=place_warnings(tuple(res.warnings), dep))
        if subgroup is None:
            if tau_common_v:
                w = ("Value for argument 'tau.common' set to FALSE as argument 'subgroup' is "
                     "missing.")
                if kwargs.get("warn", True) is not False:
                    res = res.replace(warnings=(w,) + tuple(res.warnings))
            return finish(res, False)
        sg_raw = column(subgroup, call.get("data"), "subgroup")
        tau_common_v, pre_warns = subgroup_tau.resolve(name, kwargs, tau_common_v)
        if res.three_level and tau_common_v:
            raise NotImplementedError(f"{name}(): a common between-study variance in "
                                      "subgroups (tau.common = TRUE) of a three-level model "
                                      "is not implemented in pymeta yet.")
        levels = levels_of(sg_raw)
        values = _values(sg_raw)
        n_given = len(values)
        if kwargs.get("subset") is not None:   # R: subgroup <- subgroup[subset]
            idx, _ = select_studies(kwargs["subset"], None, len(values), call.get("data"))
            values = [values[i] for i in idx]
        # R: bylevs() of the subgroups analysed: a factor's levels present
        # (levels(factor(x))), else the values in their order of appearance
        is_factor = getattr(getattr(sg_raw, "cat", None), "categories", None) is not None \
            or hasattr(sg_raw, "codes")
        levels = tuple(v for v in levels if v in values) if is_factor else levels_of(values)
        if len(values) != res.k_all:
            raise ValueError(f"Arguments '{FIRST_ARG[name]}' and 'subgroup' must have the same "
                             "length.")
        if any(_is_missing(v) for v in values):
            raise ValueError("Missing values in argument 'subgroup'.")
        test_sg = check_logical(True if test_subgroup is None else test_subgroup,
                                "test_subgroup")
        pred_sg = check_logical(False if prediction_subgroup is None else prediction_subgroup,
                                "prediction_subgroup")
        if subgroup_name is None and isinstance(subgroup, str) and call.get("data") is not None:
            sg_name = subgroup
        else:
            sg_name = _subgroup_name(subgroup, subgroup_name)
            if subgroup_name is None and n_given == 1:
                # R deparses the argument: a vector of length 1 gives its value
                v = _values(sg_raw)[0]
                sg_name = (str(int(v)) if isinstance(v, float) and v.is_integer()
                           else str(v).upper() if isinstance(v, bool) else str(v))
        fields, hcc_warns, warns = subgroup_fields(name, res, values, levels, tau_common_v,
                                                   kwargs.get("tau_preset"),
                                                   seed=pres.get("seed_predict_subgroup"),
                                                   stream=stream)
        overall = subgroup_tau.with_check_warnings(res.warnings, pre_warns)
        at = len(overall)
        if name == "metagen" and res.usw_warning_at is not None:
            # metagen's hcc comes before its fits with user weights (the other functions
            # compute it after their metagen call)
            at = res.usw_warning_at + len(pre_warns)
        return finish(res.replace(subgroup=tuple(values), subgroup_name=sg_name,
                                  tau_common=tau_common_v, test_subgroup=test_sg,
                                  prediction_subgroup=pred_sg,
                                  warnings=overall[:at] + tuple(hcc_warns) + overall[at:]
                                  + tuple(warns),
                                  **fields), True)

    wrapper.__signature__ = sig.replace(parameters=[
        *[p for p in sig.parameters.values() if p.kind != p.VAR_KEYWORD],
        *[inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=None)
          for n in ("subgroup", "subgroup_name", "test_subgroup", "prediction_subgroup",
                    "tau_common")],
        *[p for p in sig.parameters.values() if p.kind == p.VAR_KEYWORD]])
    return wrapper
