"""``result.update(**changes)``: R meta 8.5's ``update.meta`` for pymeta results.

As in R (``R/update.meta.R``), the meta function is called again on the same data with
every option taken from the result as it was *resolved* (``object$method.tau.ci``,
``object$method.predict`` ...), except the ones changed; ``warn`` is FALSE unless given.
R's extra rules: a new ``method_random_ci`` resets ``adhoc_hakn_ci`` to "" (likewise
``method_predict`` / ``adhoc_hakn_pi``), a new ``method_common_ci`` switches the common
effect model on and a new random effects method the random effects model, and a new
``method_predict`` switches prediction intervals on. Continuity corrections as R's
``update.meta``: see :func:`_increments` (metabin, metainc); metaprop and metarate get
``incr``, ``method.incr`` and the resolved ``method.ci``; metarate's ``n`` is not passed
on (R's update.meta does not), and ``pscale``/``irscale`` fall back to 1 with R's
warning when ``backtransf`` is FALSE for a transformed summary measure.
"""
from __future__ import annotations

import inspect
import math

import numpy as np

from .metaprop import UNTRANSFORMED

__all__ = ["update"]


def _na(v, default=None):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return default
    return v


def _blank(v, default):
    return default if v == "" else v


def _increments(fun: str, res, changes: dict):
    """R's update.meta for metabin/metainc increments: with method.incr = "user" the
    object's increments (``data$.incr.e``/``.incr.c``) are passed on as ``incr.e``/
    ``incr.c`` and ``incr`` as NULL (the result gets the object's ``incr`` back), else
    ``incr`` with ``incr.e = incr.c = NULL`` (0 for the arcsine difference and Peto's
    method, with R's note if a non-zero ``incr`` was given). A new ``incr`` without new
    ``incr.e``/``incr.c`` resets method.incr to its default."""
    from ..defaults import DEFAULTS
    from ._args import NULL, setchar
    from ..defaults import CHOICES
    if "method_incr" in changes:
        method_incr = setchar(changes["method_incr"], CHOICES["method_incr"], "method_incr")
    elif "incr" in changes and "incr_e" not in changes and "incr_c" not in changes:
        method_incr = DEFAULTS["method_incr"]
    else:
        method_incr = res.method_incr
    incr = changes.get("incr", res.incr)
    warns = []
    if method_incr == "user":
        data_e, data_c = res.incr_data if res.incr_data is not None else (res.incr_e, res.incr_c)
        return incr, dict(incr=None, method_incr=method_incr,
                          incr_e=changes.get("incr_e", data_e),
                          incr_c=changes.get("incr_c", data_c)), warns
    if fun == "metabin":
        sm = changes.get("sm", res.sm)
        method = changes.get("method", res.method)
        for cond, what in ((sm == "ASD", "arcsine difference (sm = \"ASD\")"),
                           (method == "Peto", "method = \"Peto\"")):
            if cond:
                if "incr" in changes and (isinstance(incr, str)
                                          or np.any(np.atleast_1d(incr) != 0)):
                    warns.append(f"Note, no continuity correction considered for {what}.")
                incr = 0.0
    return None, dict(incr=incr, method_incr=method_incr, incr_e=NULL, incr_c=NULL), warns


def _texts(res, changes: dict) -> tuple[list, dict]:
    """R's update.meta for ``text.random`` / ``text.predict``: the object's texts are passed
    on (as given, so metagen adds no labels of its own); when a new ``method.random.ci`` /
    ``method.predict`` has another number of methods than the text, the text becomes the
    default (with R's warning unless it was the single default text); a new text of
    another length than the methods is R's error."""
    from . import presentation
    warns, out = [], {}
    for which, arg, what in (("random", "method_random_ci",
                              "random effects \n   methods changed by argument "
                              "'method.random.ci'."),
                             ("predict", "method_predict",
                              "prediction intervals \n   changed by argument "
                              "'method.predict'.")):
        name = "text_" + which
        default = presentation.TEXT_DEFAULTS[name]
        text = changes.get(name, getattr(res, name))
        text = (text,) if isinstance(text, str) else tuple(text)
        methods = changes.get(arg, getattr(res, arg))
        n_methods = 1 if isinstance(methods, str) else len(methods)
        if (arg in changes or name in changes) and n_methods != len(text):
            if arg in changes:
                if not (len(text) == 1 and text[0] == default):
                    warns.append(f"Setting argument 'text.{which}' to default as number "
                                 f"of {what}")
                text = (default,)
            if name in changes:
                noun = ("random effects methods" if which == "random"
                        else "prediction intervals")
                raise ValueError(f"Argument 'text.{which}' must be of same length as \n   "
                                 f"number of {noun} specified by setting for '{arg}'.")
        out[name] = text
    return warns, out


def _presentation(res, fun: str, changes: dict) -> dict:
    """The presentation arguments update.meta passes on from the object (metabin: a new
    sm "OR" / "DOR" gets "Harbord" / "Deeks" unless method.bias is given)."""
    from . import presentation
    opts = {name: getattr(res, name) for name in presentation.ARGS[fun]
            if name not in ("text_random", "text_predict", "seed_predict_subgroup",
                            "warn_deprecated", "keepdata", "print_subgroup_name",
                            "sep_subgroup") and hasattr(res, name)}
    opts["keepdata"] = True
    if res.subgroup is not None:
        opts.update(print_subgroup_name=res.print_subgroup_name,
                    sep_subgroup=res.sep_subgroup)
    if fun == "metabin" and "method_bias" not in changes:
        sm = changes.get("sm", res.sm)
        if sm in ("OR", "DOR"):
            opts["method_bias"] = "Harbord" if sm == "OR" else "Deeks"
    if fun == "metagen":
        opts.update(pscale=res.pscale, irscale=res.irscale, irunit=res.irunit)
    return opts


def _metagen_data(res, call: dict) -> dict:
    """The study data R's update.meta hands metagen: ``object$data``'s estimates and
    standard errors after the approximations (with ``cycles`` the ones given), confidence
    limits on the analysis scale, their level and the ``approx.*`` labels
    (:func:`pymeta.api.metagen._update_data`), and the other study columns as given."""
    ud = res.update_data
    out = {name: ud[name] for name in ("TE", "seTE", "lower", "upper", "level_ci", "approx_TE",
                                       "approx_seTE") if ud[name] is not None}
    out.update({name: call[name] for name in ("pval", "df", "n_e", "n_c", "median", "q1", "q3",
                                              "min", "max", "cycles")
                if call.get(name) is not None})
    return out


def _approx_data(fun: str, res) -> dict:
    """What R's update.meta hands metacont / metamean besides n: ``object$data``'s means
    and SDs after the approximations, the medians, quartiles and ranges, the ``approx.*``
    labels (metacont: the data columns; metamean: the result's own ``approx.mean`` /
    ``approx.sd``, of the subset's length, so R stops where a subset's studies were
    approximated)."""
    out = {k: v for k, v in res.update_data.items() if v is not None}
    if fun == "metamean":
        out.update({name: tuple(getattr(res, name)) for name in ("approx_mean", "approx_sd")
                    if getattr(res, name) is not None})
    return out


def update(res, **changes):
    import pymeta
    from ..effects.estmeansd import continued
    from ..defaults import DEFAULTS
    from .subgroup import DATA_ARGS
    if res.call is None:
        raise ValueError("Necessary data not available: this result was not made by a "
                         "pymeta meta function.")
    fun, call = res.call
    if call.get("keepdata") is not None and not call["keepdata"]:
        # R: without object$data, update.meta warns and returns NULL
        import warnings
        from ._args import MetaWarning
        warnings.warn("Necessary data not available. Please, recreate meta-analysis object "
                      "without option 'keepdata = FALSE'.", MetaWarning, stacklevel=2)
        return None
    if fun not in DATA_ARGS:
        raise NotImplementedError(f"update() for {fun} results is not implemented yet.")
    refused = ("byvar",)
    given = [a for a in refused if call.get(a) is not None and call.get(a) is not True]
    if given:
        raise NotImplementedError(f"update() of a {fun} result made with argument(s) "
                                  f"{', '.join(given)} is not implemented in pymeta yet.")
    # R: metainc's n.e / n.c from the object's data$.n.e / data$.n.c, where metainc only
    # stores .n.c when n.e is given ("if (avail.n.e) data$.n.c <- n.c")
    extra_data = (("n_e", "n_c") if call.get("n_e") is not None else ()) \
        if fun == "metainc" else ()
    args = {a: call[a] for a in (*DATA_ARGS[fun], *extra_data, "studlab", "data", "subset",
                                 "exclude")
            if call.get(a) is not None}
    if fun == "metagen" and res.update_data is not None:
        args.update(_metagen_data(res, call))
    opts = dict(
        sm=res.sm, level=res.level, level_ma=res.level_ma, common=res.common,
        random=res.random, method_common_ci=res.method_common_ci,
        method_random_ci=tuple(res.method_random_ci), adhoc_hakn_ci=tuple(res.adhoc_hakn_ci),
        # R: an unset prediction method ("", no interval was computed) becomes the
        # default method again (update.meta's replaceVal(method.predict, "", ...))
        method_predict=tuple(DEFAULTS["method_predict"] if mp == "" else mp
                             for mp in res.method_predict),
        adhoc_hakn_pi=tuple(res.adhoc_hakn_pi),
        method_tau=res.method_tau, method_tau_ci=res.method_tau_ci,
        level_hetstat=res.level_hetstat, method_I2=res.method_I2, prediction=res.prediction,
        level_predict=res.level_predict, backtransf=res.backtransf, control=call.get("control"),
        warn=False)
    if fun in ("metacont", "metamean") and res.update_data is not None:
        args.update(_approx_data(fun, res))
        # R: method.mean = object$method.mean, "" (no approximation) becomes "Luo"
        opts.update(method_mean=res.method_mean or "Luo", method_sd=res.method_sd or "Shi")
    if _na(res.tau_preset) is not None:
        # R: tau.preset = object$tau.preset, kept whatever else changes
        opts["tau_preset"] = res.tau_preset
    if fun == "metacor":
        # (R's update.meta passes null.effect on for metacor, metamean, metaprop and
        # metarate, not for metagen: an updated metagen object tests against 0 again)
        opts["null_effect"] = res.null_effect
    if fun == "metamean":
        opts.update(null_effect=_na(res.null_effect), method_ci=res.method_ci)
    if fun == "metagen":   # R: method.mean = object$method.mean, and object$method.ci; the
        # estimates are on the analysis scale already (transf = TRUE, object$func.transf)
        opts.update(method_mean=res.method_mean, method_ci=res.method_ci, transf=True,
                    func_transf=res.func_transf, args_transf=res.args_transf,
                    func_backtransf=res.func_backtransf, args_backtransf=res.args_backtransf)
    if fun == "metacont":
        opts.update(pooledvar=_na(res.pooledvar, DEFAULTS["pooledvar"]),
                    method_smd=_blank(res.method_smd, DEFAULTS["method_smd"]),
                    sd_glass=_blank(res.sd_glass, DEFAULTS["sd_glass"]),
                    exact_smd=_na(res.exact_smd, DEFAULTS["exact_smd"]),
                    method_ci=res.method_ci)
    if fun == "metabin":
        opts.update(method=res.method, allstudies=res.allstudies, MH_exact=res.MH_exact,
                    RR_Cochrane=res.RR_Cochrane, Q_Cochrane=res.Q_Cochrane, pscale=res.pscale)
    if fun == "metainc":
        opts.update(method=res.method, irscale=res.irscale, irunit=res.irunit)
    if fun == "metaprop":
        opts.update(method=res.method, incr=res.incr, method_incr=res.method_incr,
                    method_ci=res.method_ci, null_effect=_na(res.null_effect),
                    pscale=res.pscale)
    if fun == "metarate":   # R's update.meta passes no n to metarate
        opts.update(method=res.method, incr=res.incr, method_incr=res.method_incr,
                    method_ci=res.method_ci, null_effect=_na(res.null_effect),
                    irscale=res.irscale, irunit=res.irunit)
    if res.subgroup is not None:
        # the subgroup as given (a factor keeps its level order, as data$.subgroup in R)
        opts.update(subgroup=call.get("subgroup", list(res.subgroup)),
                    subgroup_name=res.subgroup_name,
                    test_subgroup=res.test_subgroup,
                    prediction_subgroup=res.prediction_subgroup,
                    tau_common=res.tau_common)   # R: tau.common = object$tau.common
    if fun == "metacor":
        opts.pop("warn")
    # R's rules for changed arguments
    if "method_random_ci" in changes and "adhoc_hakn_ci" not in changes:
        mrc = changes["method_random_ci"]
        n = 1 if isinstance(mrc, str) else len(mrc)
        changes = {**changes, "adhoc_hakn_ci": ("",) * n}
    if "method_predict" in changes and "adhoc_hakn_pi" not in changes:
        mp = changes["method_predict"]
        n = 1 if isinstance(mp, str) else len(mp)
        changes = {**changes, "adhoc_hakn_pi": ("",) * n}
    if "method_common_ci" in changes and "common" not in changes:
        opts["common"] = True
    if ("method_random_ci" in changes or "adhoc_hakn_ci" in changes) and "random" not in changes:
        opts["random"] = True
    if "method_predict" in changes:
        opts["prediction"] = bool(changes.get("prediction", opts["prediction"])) or True
    scale_warns, incr_warns = [], []
    if fun == "metabin":
        method = changes.get("method", opts["method"])
        tau = changes.get("method_tau", opts["method_tau"])
        sm = changes.get("sm", opts["sm"])
        if not (method == "MH" and tau == "DL" and sm in ("OR", "RR", "RD", "DOR")):
            opts["Q_Cochrane"] = False
    text_warns, texts = _texts(res, changes)
    opts.update(_presentation(res, fun, changes), **texts)
    changes = {k: v for k, v in changes.items() if k not in texts}
    incr_orig = None
    if fun in ("metabin", "metainc"):
        incr_orig, more, incr_warns = _increments(fun, res, changes)
        opts.update(more)
        changes = {k: v for k, v in changes.items() if k not in more}
    backtransf = changes.get("backtransf", opts["backtransf"])
    sm = changes.get("sm", opts["sm"])
    for scale in ("pscale", "irscale"):
        if scale in opts and not backtransf and changes.get(scale, opts[scale]) != 1 \
                and sm not in UNTRANSFORMED:
            scale_warns.append(f"Argument '{scale}' set to 1 as argument 'backtransf' "
                               "is FALSE.")
            opts[scale] = 1
            changes.pop(scale, None)
    # in R's order: update.meta checks the scales, then the texts, then the increments
    pre_warnings = scale_warns + text_warns + incr_warns
    # R: cluster = object$data$.cluster (as given, or the deprecated id), rho = object$rho
    cl_given = call.get("cluster") if call.get("cluster") is not None else call.get("id")
    if cl_given is not None and "cluster" not in changes and "id" not in changes:
        args["cluster"] = cl_given
    opts["rho"] = res.rho
    f = getattr(pymeta, fun)
    accepted = inspect.signature(f).parameters
    from . import presentation
    opts = {k: v for k, v in opts.items() if k in accepted or k in presentation.ARGS[fun]}
    # R: weights.common / weights.random / seed.predict / TE.tau / detail.tau = object$...
    for name in ("weights_common", "weights_random", "seed_predict", "TE_tau", "detail_tau"):
        if getattr(res, name, None) is not None:
            opts[name] = getattr(res, name)
    if res.stream_after is not None and "seed_estmeansd" in accepted:
        # R's update.meta passes no seed: the approximations draw from R's global stream
        # where the analysis left it
        opts["seed_estmeansd"] = continued(res.stream_after)
    opts.update(changes)
    # R's update.meta calls metacont without backtransf (so gs("backtransf"), TRUE) and
    # no meta function with keepdata (metagen: gs("keepdata"), TRUE), whatever is given
    if fun == "metacont":
        opts.pop("backtransf", None)
    opts["keepdata"] = True
    if fun == "metagen":   # R 8.5's update.meta calls metagen without null.effect
        opts.pop("null_effect", None)
    if pre_warnings:
        import warnings
        from ._args import MetaWarning
        for msg in pre_warnings:
            warnings.warn(msg, MetaWarning, stacklevel=3)
    out = f(**args, **opts)
    if incr_orig is not None:
        out = out.replace(incr=incr_orig)
    if pre_warnings:
        out = out.replace(warnings=tuple(pre_warnings) + tuple(out.warnings))
    if "studlab" not in call and len(out.studlab) == 1:
        # R stores the label of a single study ("") and passes it on: "" stays ""
        pass
    return out
