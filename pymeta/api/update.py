"""``result.update(**changes)``: R meta 8.5's ``update.meta`` for pymeta results.

As in R (``R/update.meta.R``), the meta function is called again on the same data with
every option taken from the result as it was *resolved* (``object$method.tau.ci``,
``object$method.predict`` ...), except the ones changed; ``warn`` is FALSE unless given.
R's extra rules: a new ``method_random_ci`` resets ``adhoc_hakn_ci`` to "" (likewise
``method_predict`` / ``adhoc_hakn_pi``), a new ``method_common_ci`` switches the common
effect model on and a new random effects method the random effects model, and a new
``method_predict`` switches prediction intervals on.
"""
from __future__ import annotations

import inspect
import math

__all__ = ["update"]


def _na(v, default=None):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return default
    return v


def _blank(v, default):
    return default if v == "" else v


def update(res, **changes):
    import pymeta
    from ..defaults import DEFAULTS
    from .subgroup import DATA_ARGS
    if res.call is None:
        raise ValueError("Necessary data not available: this result was not made by a "
                         "pymeta meta function.")
    fun, call = res.call
    if fun not in DATA_ARGS:
        raise NotImplementedError(f"update() for {fun} results is not implemented yet.")
    args = {a: call[a] for a in (*DATA_ARGS[fun], "studlab", "data") if a in call}
    opts = dict(
        sm=res.sm, level=res.level, level_ma=res.level_ma, common=res.common,
        random=res.random, method_common_ci=res.method_common_ci,
        method_random_ci=tuple(res.method_random_ci), adhoc_hakn_ci=tuple(res.adhoc_hakn_ci),
        method_predict=tuple(res.method_predict), adhoc_hakn_pi=tuple(res.adhoc_hakn_pi),
        method_tau=res.method_tau, method_tau_ci=res.method_tau_ci,
        level_hetstat=res.level_hetstat, method_I2=res.method_I2, prediction=res.prediction,
        level_predict=res.level_predict, backtransf=res.backtransf, control=call.get("control"),
        warn=False)
    if _na(res.tau_preset) is not None:
        # R: tau.preset = object$tau.preset, kept whatever else changes
        opts["tau_preset"] = res.tau_preset
    if fun == "metacor":
        opts["null_effect"] = res.null_effect
    if fun == "metamean":
        opts.update(null_effect=_na(res.null_effect), method_ci=res.method_ci)
    if fun == "metacont":
        opts.update(pooledvar=_na(res.pooledvar, DEFAULTS["pooledvar"]),
                    method_smd=_blank(res.method_smd, DEFAULTS["method_smd"]),
                    sd_glass=_blank(res.sd_glass, DEFAULTS["sd_glass"]),
                    exact_smd=_na(res.exact_smd, DEFAULTS["exact_smd"]),
                    method_ci=res.method_ci)
    if fun == "metabin":
        opts.update(method=res.method, incr=res.incr, method_incr=res.method_incr,
                    allstudies=res.allstudies, MH_exact=res.MH_exact,
                    RR_Cochrane=res.RR_Cochrane, Q_Cochrane=res.Q_Cochrane)
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
    if fun == "metabin":
        method = changes.get("method", opts["method"])
        tau = changes.get("method_tau", opts["method_tau"])
        sm = changes.get("sm", opts["sm"])
        if not (method == "MH" and tau == "DL" and sm in ("OR", "RR", "RD", "DOR")):
            opts["Q_Cochrane"] = False
        if "incr" in changes and "method_incr" not in changes:
            opts["method_incr"] = DEFAULTS["method_incr"]
    f = getattr(pymeta, fun)
    accepted = inspect.signature(f).parameters
    opts = {k: v for k, v in opts.items() if k in accepted}
    opts.update(changes)
    if fun == "metagen":   # R 8.5's update.meta calls metagen without null.effect
        opts.pop("null_effect", None)
    out = f(**args, **opts)
    if "studlab" not in call and len(out.studlab) == 1:
        # R stores the label of a single study ("") and passes it on: "" stays ""
        pass
    return out
