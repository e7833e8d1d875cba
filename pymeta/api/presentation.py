"""R meta's presentation arguments: labels, titles, what printouts show.

pymeta prints nothing, but R meta stores these arguments in its result, and a result must
carry what R's carries. Every meta function takes them (meta 8.5 ``metagen`` and friends,
defaults from ``settings.meta``'s reset values):

* ``text_common`` ("Common effect model"), ``text_random`` ("Random effects model"),
  ``text_predict`` ("Prediction interval"), ``text_w_common`` ("common"),
  ``text_w_random`` ("random"): ``chkchar`` (text.common / text.w.* a single string);
* ``title``, ``complab``, ``outclab``, ``label_left``, ``label_right`` (all ""; metarate
  stores "" for the labels whatever is given),
  ``col_label_left`` / ``col_label_right`` ("black"); ``label_e`` / ``label_c``
  ("Experimental" / "Control", single strings) for the two-group functions;
* ``overall`` / ``overall_hetstat`` (``common | random``; FALSE for a single study, as
  metagen section 6 sets them);
* ``method_bias``: meta's ``setmethodbias`` (old names rank / linreg / mm / count / score
  mapped to Begg / Egger / Thompson / Schwarzer / Harbord); default "Egger", metabin
  "Harbord" for OR and "Deeks" for DOR; metacont allows Begg, Egger, Thompson (and
  Pustejovsky for SMD);
* ``keepdata``: R stores ``keepdata`` as given in metagen; the other functions call
  metagen with ``keepdata = FALSE`` and their result says FALSE whatever was given.
  pymeta keeps no copy of the data frame (R's ``data`` component);
* ``print_subgroup_name`` (TRUE) and ``sep_subgroup`` (" = "): stored with subgroups only;
* ``seed_predict_subgroup``: the seeds of the subgroups' NNF prediction intervals (one per
  subgroup, or one recycled; checked then, as R's ``subgroup()`` does); without NNF
  neither checked nor used; never stored, as in R;
* ``warn_deprecated`` (TRUE): FALSE silences the deprecated-argument warnings (metacor
  still warns about ``byvar``: it does not pass warn.deprecated on there);
* metacont / metabin ``backtransf`` (TRUE): only stored (metagen and the functions with
  transformed proportions or rates handle it themselves).

``text_random`` / ``text_predict`` get metagen's suffixes (metagen section 14; the same
rule applies when a single text is given for several methods): per random effects CI
method, "classic" keeps the text, "KR" / "classic-KR" add " (KR)" / " (classic-KR)", "HK"
adds " (HK)" or " (HK-SE)" etc. with the ad hoc correction; with random effects user
weights "HK" adds " (T)" and "KR" gives "". metagen applies the rule when
``text_random`` is not given; the other functions pass their ``text.random`` on to
metagen, so there only several methods with a single text get it. Without any usable
study (k = 0) the text stays as given. Several prediction methods with a single text get
" (method)" or " (HK-SE)".
"""
from __future__ import annotations

import numpy as np

from ._args import check_logical, setchar
from ..result import r_name

__all__ = ["ARGS", "pop", "check", "result_fields", "suffix_random", "suffix_predict"]

TEXT_DEFAULTS = {
    "text_common": "Common effect model", "text_random": "Random effects model",
    "text_predict": "Prediction interval", "text_w_common": "common",
    "text_w_random": "random",
}
STRING_DEFAULTS = {
    "title": "", "complab": "", "outclab": "", "label_left": "", "label_right": "",
    "col_label_left": "black", "col_label_right": "black",
}
TWO_GROUP = ("metagen", "metacont", "metabin", "metainc")

#: every function's presentation arguments (``label_e``/``label_c`` only where R has them)
COMMON_ARGS = (tuple(TEXT_DEFAULTS) + tuple(STRING_DEFAULTS)
               + ("overall", "overall_hetstat", "method_bias", "keepdata",
                  "print_subgroup_name", "sep_subgroup", "seed_predict_subgroup",
                  "warn_deprecated"))
ARGS = {fun: COMMON_ARGS + (("label_e", "label_c") if fun in TWO_GROUP else ())
        + (("backtransf",) if fun in ("metacont", "metabin") else ())
        for fun in ("metagen", "metacont", "metabin", "metamean", "metacor", "metaprop",
                    "metainc", "metarate")}

METH4BIAS = ("Begg", "Egger", "Thompson", "Schwarzer", "Harbord", "Peters", "Deeks",
             "Pustejovsky", "Macaskill")
_OLD_BIAS = {"rank": "Begg", "linreg": "Egger", "mm": "Thompson", "count": "Schwarzer",
             "score": "Harbord"}


def pop(fun: str, kwargs: dict) -> dict:
    """Remove the presentation arguments given (not None) from ``kwargs``."""
    out = {}
    for name in ARGS.get(fun, ()):
        if name in kwargs:
            v = kwargs.pop(name)
            if v is not None:
                out[name] = v
    return out


def _chkchar(x, name: str, single: bool):
    """meta's ``chkchar``: only the length is checked (one value where ``single``)."""
    vals = tuple(x) if isinstance(x, (list, tuple, np.ndarray)) else (x,)
    if single:
        if len(vals) != 1:
            raise ValueError(f"Argument '{r_name(name)}' must be a character string.")
        return vals[0]
    return vals


def _method_bias(value, fun: str, sm: str) -> str:
    if value is None:
        if fun == "metabin" and sm == "OR":
            return "Harbord"
        if fun == "metabin" and sm == "DOR":
            return "Deeks"
        return "Egger"
    if isinstance(value, str):
        low = value.lower()
        old = [o for o in _OLD_BIAS if o.startswith(low)] if low else []
        if low in _OLD_BIAS or len(old) == 1:
            return _OLD_BIAS[low if low in _OLD_BIAS else old[0]]
    choices = METH4BIAS
    if fun == "metacont":   # setmethodbias(method.bias, c(1:3, if (sm == "SMD") 8))
        choices = METH4BIAS[:3] + (("Pustejovsky",) if sm == "SMD" else ())
    return setchar(value, choices, "method_bias")


def check(fun: str, given: dict) -> dict:
    """R's checks of the presentation arguments (``chkchar``, ``chklogical``); returns
    the values normalised (texts of text.random / text.predict as tuples)."""
    out = dict(given)
    for name in ("text_common", "text_w_common", "text_w_random", "label_e", "label_c",
                 "sep_subgroup"):
        if name in out:
            out[name] = _chkchar(out[name], name, single=True)
    for name in ("text_random", "text_predict"):
        if name in out:
            out[name] = _chkchar(out[name], name, single=False)
    for name in ("keepdata", "warn_deprecated", "overall", "overall_hetstat",
                 "print_subgroup_name", "backtransf"):
        if name in out:
            out[name] = check_logical(out[name], name)
    for name in STRING_DEFAULTS:
        if name in out:
            v = out[name]
            out[name] = v if isinstance(v, str) else tuple(v)
    return out


def _recycle(x: tuple, n: int) -> tuple:
    x = tuple(x) or ("",)
    return tuple(x[i % len(x)] for i in range(n))


def suffix_random(text: tuple, mrc: tuple, adhoc: tuple, usw_random: bool) -> tuple:
    """metagen's ``text.random`` per random effects CI method (see module docstring);
    ``usw_random``: a fit by metafor (user weights or a three-level model), where HK is
    "(T)"."""
    t = text[0]
    adhoc = _recycle(adhoc, len(mrc))
    out = []
    for m, a in zip(mrc, adhoc):
        if usw_random:
            out.append(t if m == "classic" else (t + " (T)" if m == "HK" else ""))
        elif m == "classic":
            out.append(t)
        elif m in ("KR", "classic-KR"):
            out.append(f"{t} ({m})")
        elif m == "HK":
            out.append(f"{t} (HK)" if a == "" else f"{t} (HK-{a[:2].upper()})")
        else:
            out.append(f"{t} (HK")
    return tuple(out)


def suffix_predict(text: tuple, mpi: tuple, adhoc: tuple) -> tuple:
    """metagen's ``text.predict`` for several prediction interval methods."""
    t = text[0]
    adhoc = _recycle(adhoc, len(mpi))
    return tuple(f"{t} ({m})" if m != "HK" or a == "" else f"{t} ({m}-{a.upper()})"
                 for m, a in zip(mpi, adhoc))


def result_fields(fun: str, res, given: dict, *, has_subgroup: bool) -> dict:
    """The result fields R stores for these arguments, from the values ``given`` (checked)
    and the analysis ``res``."""
    out = {}
    for name, default in TEXT_DEFAULTS.items():
        v = given.get(name, default)
        out[name] = ((v,) if isinstance(v, str) else tuple(v)) \
            if name in ("text_random", "text_predict") else v
    mrc = tuple(res.method_random_ci)
    if res.k > 0 and ((fun == "metagen" and "text_random" not in given)
                      or (len(out["text_random"]) == 1 and len(mrc) > 1)):
        out["text_random"] = suffix_random(out["text_random"], mrc, tuple(res.adhoc_hakn_ci),
                                           res.weights_random is not None or res.three_level)
    # (the methods as asked for, before meta unsets those without an interval)
    mpi, api = res.predict_pre or (res.method_predict, res.adhoc_hakn_pi)
    if len(mpi) > 1 and len(out["text_predict"]) == 1:
        out["text_predict"] = suffix_predict(out["text_predict"], tuple(mpi), tuple(api))
    for name, default in STRING_DEFAULTS.items():
        out[name] = given.get(name, default)
    if fun == "metarate":   # metarate blanks metagen's labels (m$label.left <- "" ...)
        out["label_left"] = out["label_right"] = ""
    if fun in TWO_GROUP:
        out["label_e"] = given.get("label_e", "Experimental")
        out["label_c"] = given.get("label_c", "Control")
    if res.k_all > 1:   # metagen section 6: no overall results for a single study
        for name in ("overall", "overall_hetstat"):
            if name in given:
                out[name] = given[name]
    if "backtransf" in ARGS[fun]:   # metacont / metabin: stored only (gs("backtransf"))
        out["backtransf"] = given.get("backtransf", True)
    out["method_bias"] = _method_bias(given.get("method_bias"), fun, res.sm)
    out["keepdata"] = given.get("keepdata", True) if fun == "metagen" else False
    if has_subgroup:
        out["print_subgroup_name"] = given.get("print_subgroup_name", True)
        out["sep_subgroup"] = given.get("sep_subgroup", " = ")
    return out
