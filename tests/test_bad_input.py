"""Bad input: pymeta must do what R meta does, or refuse loudly where R does.

Each case is run twice:

* ``test_pymeta_*`` (no R): pymeta's own behaviour, against the expectations written in
  the table below (error naming the argument and study; or a result with R's warnings,
  notes naming the study);
* ``test_against_r`` (``@pytest.mark.r``): the same input given to R meta live. Where R
  stops (``ok`` False) pymeta must raise ``ValueError`` naming the argument with R's
  dotted name (and, for a problem in one study, the study); where R goes on, pymeta must
  return a result whose ``warnings`` are R's meta warnings (same text, same order),
  whose fields match R's under the parity contract (``compare_result``), and whose
  ``notes`` name the studies affected. The table also records what R does, so a change
  in R's behaviour fails here.

R warnings that are not meta's own are ignored (:data:`IGNORED_R_WARNINGS`): base R's
``"NaNs produced"`` (``sqrt`` of a negative variance when ``n`` < 0).

Python values without an R counterpart are sent to R as the value an R user would have:
``None`` / ``pd.NA`` inside a vector as ``NA``; a vector holding a non-numeric string as
a character vector; all-boolean vectors as logical vectors.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

import pymeta
from pymeta.reference.bridge import RMeta
from pymeta.testing.compare import compare_result, fields_to_compare

#: R warnings that do not come from meta (base R arithmetic), ignored in the comparison.
IGNORED_R_WARNINGS = frozenset({"NaNs produced"})

NAN = math.nan

CONT = dict(n_e=[20.0, 30.0, 25.0], mean_e=[1.2, 0.8, 1.0], sd_e=[1.0, 1.1, 0.9],
            n_c=[22.0, 28.0, 24.0], mean_c=[0.9, 0.7, 0.6], sd_c=[1.0, 1.2, 1.0],
            studlab=["Alpha", "Beta", "Gamma"])
BIN = dict(event_e=[5.0, 8.0, 3.0], n_e=[20.0, 30.0, 25.0], event_c=[7.0, 10.0, 6.0],
           n_c=[22.0, 28.0, 24.0], studlab=["Alpha", "Beta", "Gamma"])
MEAN = dict(n=[20.0, 30.0, 25.0], mean=[1.2, 0.8, 1.0], sd=[1.0, 1.1, 0.9],
            studlab=["Alpha", "Beta", "Gamma"])
COR = dict(cor=[0.5, 0.3, 0.6], n=[20.0, 30.0, 25.0], studlab=["Alpha", "Beta", "Gamma"])
PROP = dict(event=[5.0, 8.0, 3.0], n=[20.0, 30.0, 25.0], method="Inverse",
            studlab=["Alpha", "Beta", "Gamma"])
INC = dict(event_e=[5.0, 8.0, 3.0], time_e=[200.0, 310.0, 250.0], event_c=[7.0, 10.0, 6.0],
           time_c=[220.0, 280.0, 240.0], studlab=["Alpha", "Beta", "Gamma"])
RATE = dict(event=[5.0, 8.0, 3.0], time=[200.0, 310.0, 250.0],
            studlab=["Alpha", "Beta", "Gamma"])
BASE = {"metacont": CONT, "metabin": BIN, "metamean": MEAN, "metacor": COR,
        "metaprop": PROP, "metainc": INC, "metarate": RATE}

W_SD = "Note, studies with non-positive values for sd.e or sd.c get no weight in meta-analysis."
W_N_CONT = ("Note, studies with non-positive values for n.e and / or n.c get no weight in "
            "meta-analysis.")
W_EV_E = "Studies with event.e > n.e get no weight in meta-analysis."
W_EV_C = "Studies with event.c > n.c get no weight in meta-analysis."
W_N_BIN = "Studies with non-positive values for n.e and / or n.c get no weight in meta-analysis."
W_ROM_MEAN = "Note, studies with negative or zero means get no weight in meta-analysis."
W_N_MEAN = "Studies with non-positive sample size get no weight in meta-analysis."
W_MLN_MEAN = "Studies with negative or zero mean get no weight in meta-analysis."
W_SD_MEAN = "Studies with non-positive standard deviation get no weight in meta-analysis."
W_NEG = ("Studies with negative values for event.e and / or event.c get no weight in "
         "meta-analysis.")


@dataclass(frozen=True)
class Case:
    """One bad input. ``expect``: "error" (ValueError), "result" (R goes on),
    "notimpl" (NotImplementedError; R goes on), "typeerror" (TypeError; R ignores it)."""
    id: str
    fun: str
    py: dict                     # pymeta's arguments
    r: dict                      # the same input as an R user would give it
    expect: str
    r_ok: bool                   # does R meta accept it?
    names: tuple = ()            # what pymeta's error message must mention
    warnings: tuple = ()         # R meta's warnings (expected in result.warnings)
    noted: tuple = ()            # studies result.notes must name
    r_error: str = ""            # (a fragment of) R's error message
    k: int = -1                  # studies pooled (default: all but the noted ones)
    mh_weight_kept: bool = False  # R quirk: the noted study keeps a Mantel-Haenszel weight


def _set(fun, **changes):
    return {**BASE[fun], **changes}


def _one(fun, name, i, value):
    """The base data with element ``i`` of ``name`` replaced."""
    v = list(BASE[fun][name])
    v[i] = value
    return _set(fun, **{name: v})


def _same(fun, name, i, value, **kw):
    d = _one(fun, name, i, value)
    return dict(py=d, r=d, **kw)


CASES: list[Case] = []

# -- metacont: impossible values: R goes on (no weight / NaN or Inf SE) --------------------
CASES += [
    Case("cont-sd_e-negative", "metacont", **_same("metacont", "sd_e", 1, -1.0),
         expect="result", r_ok=True, warnings=(W_SD,), noted=("Beta",)),
    Case("cont-sd_c-zero", "metacont", **_same("metacont", "sd_c", 1, 0.0),
         expect="result", r_ok=True, warnings=(W_SD,), noted=("Beta",)),
    Case("cont-sd_e-zero", "metacont", **_same("metacont", "sd_e", 0, 0.0),
         expect="result", r_ok=True, warnings=(W_SD,), noted=("Alpha",)),
    # n = 0: R keeps the study (SE = Inf, weight 0), says nothing
    # (it still counts in k: k = 3)
    Case("cont-n_e-zero", "metacont", **_same("metacont", "n_e", 1, 0.0),
         expect="result", r_ok=True, noted=("Beta",), k=3),
    Case("cont-n_both-zero", "metacont",
         py=_set("metacont", n_e=[20.0, 0.0, 25.0], n_c=[22.0, 0.0, 24.0]),
         r=_set("metacont", n_e=[20.0, 0.0, 25.0], n_c=[22.0, 0.0, 24.0]),
         expect="result", r_ok=True, noted=("Beta",), k=3),
    # n < 0: sqrt of a negative variance: NaN SE (R: base warning "NaNs produced" only)
    Case("cont-n_c-negative", "metacont", **_same("metacont", "n_c", 1, -5.0),
         expect="result", r_ok=True, noted=("Beta",)),
    Case("cont-n_e-negative", "metacont", **_same("metacont", "n_e", 2, -3.0),
         expect="result", r_ok=True, noted=("Gamma",)),
]
# -- metacont SMD / ROM, metamean, metacor: R's rules for impossible and missing values ----
def _opt(fun, name, i, value, **options):
    d = {**_one(fun, name, i, value), **options}
    return dict(py=d, r=d)


CASES += [
    Case("cont-SMD-sd_e-zero", "metacont", **_opt("metacont", "sd_e", 1, 0.0, sm="SMD"),
         expect="result", r_ok=True, warnings=(W_SD,), noted=("Beta",)),
    Case("cont-SMD-Glass-sd_e-nan", "metacont",   # Glass' delta needs only sd.c: R pools it
         **_opt("metacont", "sd_e", 1, NAN, sm="SMD", method_smd="Glass"),
         expect="result", r_ok=True, k=3),
    Case("cont-ROM-mean_c-nan", "metacont", **_opt("metacont", "mean_c", 1, NAN, sm="ROM"),
         expect="result", r_ok=True, warnings=(W_ROM_MEAN,), noted=("Beta",)),
    # meta's "negative or zero means" check only sees missing means: no warning, NaN estimate
    Case("cont-ROM-mean_e-negative", "metacont",
         **_opt("metacont", "mean_e", 1, -0.8, sm="ROM"),
         expect="result", r_ok=True, noted=("Beta",)),
    Case("mean-sd-negative", "metamean", **_same("metamean", "sd", 1, -1.0),
         expect="result", r_ok=True, warnings=(W_SD_MEAN,), noted=("Beta",)),
    Case("mean-n-nan", "metamean", **_same("metamean", "n", 1, NAN),
         expect="result", r_ok=True, warnings=(W_N_MEAN,), noted=("Beta",)),
    Case("mean-MLN-mean-nan", "metamean", **_opt("metamean", "mean", 1, NAN, sm="MLN"),
         expect="result", r_ok=True, warnings=(W_MLN_MEAN,), noted=("Beta",)),
    Case("mean-MLN-mean-negative", "metamean", **_opt("metamean", "mean", 1, -0.8, sm="MLN"),
         expect="result", r_ok=True, noted=("Beta",)),
    Case("mean-sm-XYZ", "metamean", **_opt("metamean", "n", 0, 20.0, sm="XYZ"),
         expect="error", r_ok=False, names=("sm",), r_error="Argument 'sm' must be"),
    Case("cor-cor-above-1", "metacor", **_same("metacor", "cor", 1, 1.5),
         expect="error", r_ok=False, names=("cor", "Beta"),
         r_error="Argument 'cor' must be between -1 and 1."),
    Case("cor-n-zero", "metacor", **_same("metacor", "n", 1, 0.0),
         expect="error", r_ok=False, names=("'n'", "Beta"),
         r_error="Argument 'n' must be positive."),
    # sm = "COR" with cor = 1: zero SE, set to NA by metagen, which metacor calls with
    # warn = FALSE: no warning in R
    Case("cor-COR-cor-one", "metacor", **_opt("metacor", "cor", 1, 1.0, sm="COR"),
         expect="result", r_ok=True, noted=("Beta",)),
    Case("cor-cor-nan", "metacor", **_same("metacor", "cor", 1, NAN),
         expect="result", r_ok=True, noted=("Beta",)),
]

# -- metacont: missing values in each field ------------------------------------------------
for _f in ("n_e", "mean_e", "sd_e", "n_c", "mean_c", "sd_c"):
    CASES.append(Case(f"cont-{_f}-nan", "metacont", **_same("metacont", _f, 1, NAN),
                      expect="result", r_ok=True, noted=("Beta",),
                      warnings=(W_N_CONT,) if _f in ("n_e", "n_c") else ()))
CASES += [
    Case("cont-mean_c-None", "metacont", py=_one("metacont", "mean_c", 1, None),
         r=_one("metacont", "mean_c", 1, NAN), expect="result", r_ok=True, noted=("Beta",)),
    Case("cont-sd_e-pdNA", "metacont",
         py=_set("metacont", sd_e=pd.array([1.0, pd.NA, 0.9], dtype="Float64")),
         r=_one("metacont", "sd_e", 1, NAN), expect="result", r_ok=True, noted=("Beta",)),
    Case("cont-n_e-pdNA-series", "metacont",
         py=_set("metacont", n_e=pd.Series([20, 30, pd.NA], dtype="Int64")),
         r=_one("metacont", "n_e", 2, NAN), expect="result", r_ok=True, noted=("Gamma",),
         warnings=(W_N_CONT,)),
    Case("cont-mean_e-all-nan", "metacont", py=_set("metacont", mean_e=[NAN] * 3),
         r=_set("metacont", mean_e=[NAN] * 3), expect="result", r_ok=True,
         noted=("Alpha", "Beta", "Gamma")),
]
# -- metabin: impossible counts --------------------------------------------------------------
CASES += [
    Case("bin-event_e-gt-n", "metabin", **_same("metabin", "event_e", 1, 35.0),
         expect="result", r_ok=True, warnings=(W_EV_E,), noted=("Beta",)),
    Case("bin-event_c-gt-n", "metabin", **_same("metabin", "event_c", 2, 30.0),
         expect="result", r_ok=True, warnings=(W_EV_C,), noted=("Gamma",)),
    Case("bin-n_e-zero", "metabin", **_same("metabin", "n_e", 1, 0.0),
         expect="result", r_ok=True, warnings=(W_EV_E, W_N_BIN), noted=("Beta",)),
    Case("bin-n_c-negative", "metabin", **_same("metabin", "n_c", 1, -3.0),
         expect="result", r_ok=True, warnings=(W_EV_C, W_N_BIN), noted=("Beta",)),
    Case("bin-n_c-zero-no-events", "metabin",
         py=_set("metabin", event_c=[7.0, 0.0, 6.0], n_c=[22.0, 0.0, 24.0]),
         r=_set("metabin", event_c=[7.0, 0.0, 6.0], n_c=[22.0, 0.0, 24.0]),
         expect="result", r_ok=True, warnings=(W_N_BIN,), noted=("Beta",)),
    Case("bin-event_e-negative", "metabin", **_same("metabin", "event_e", 1, -1.0),
         expect="result", r_ok=True, warnings=(W_NEG,), noted=("Beta",)),
    Case("bin-event_c-negative", "metabin", **_same("metabin", "event_c", 0, -2.0),
         expect="result", r_ok=True, warnings=(W_NEG,), noted=("Alpha",)),
]
# R meta quirk (reproduced): with method = "MH" the MH sums are taken with na.rm = TRUE
# term by term, so a study with a missing event count still contributes the finite one of
# its two MH terms: with event.e missing it keeps its weight S (w.common = 5.17 here), with
# event.c missing its R term enters the numerator (TE.common 0.218 in R and pymeta,
# against -0.447 without the study). test_against_r checks pymeta reproduces it.
for _f in ("event_e", "n_e", "event_c", "n_c"):
    CASES.append(Case(f"bin-{_f}-nan", "metabin", **_same("metabin", _f, 1, NAN),
                      expect="result", r_ok=True, noted=("Beta",),
                      mh_weight_kept=_f == "event_e"))
CASES += [
    Case("bin-event_c-None", "metabin", py=_one("metabin", "event_c", 0, None),
         r=_one("metabin", "event_c", 0, NAN), expect="result", r_ok=True, noted=("Alpha",)),
    Case("bin-n_c-pdNA-series", "metabin",
         py=_set("metabin", n_c=pd.Series([22, pd.NA, 24], dtype="Int64")),
         r=_one("metabin", "n_c", 1, NAN), expect="result", r_ok=True, noted=("Beta",)),
    Case("bin-n_e-all-nan", "metabin", py=_set("metabin", n_e=[NAN] * 3),
         r=_set("metabin", n_e=[NAN] * 3), expect="result", r_ok=True,
         noted=("Alpha", "Beta", "Gamma")),
]
# -- both: non-numeric, booleans, lengths, empty ---------------------------------------------
CASES += [
    Case("cont-n_e-string", "metacont", py=_one("metacont", "n_e", 1, "abc"),
         r=_set("metacont", n_e=["20", "abc", "25"]), expect="error", r_ok=False,
         names=("n.e", "Beta"), r_error="Non-numeric value for argument 'n.e'."),
    Case("cont-sd_c-numeric-strings", "metacont", py=_set("metacont", sd_c=["1", "1.2", "1"]),
         r=_set("metacont", sd_c=["1", "1.2", "1"]), expect="error", r_ok=False,
         names=("sd.c", "Alpha"), r_error="Non-numeric value for argument 'sd.c'."),
    Case("bin-event_c-string", "metabin", py=_one("metabin", "event_c", 2, "abc"),
         r=_set("metabin", event_c=["7", "10", "abc"]), expect="error", r_ok=False,
         names=("event.c", "Gamma"), r_error="Non-numeric value for argument 'event.c'."),
    Case("cont-mean_e-bool", "metacont", py=_set("metacont", mean_e=[True, False, True]),
         r=_set("metacont", mean_e=np.array([True, False, True])), expect="error",
         r_ok=False, names=("mean.e", "Alpha"),
         r_error="Non-numeric value for argument 'mean.e'."),
    Case("bin-event_e-bool", "metabin", py=_set("metabin", event_e=np.array([True, False, True])),
         r=_set("metabin", event_e=np.array([True, False, True])), expect="error",
         r_ok=False, names=("event.e", "Alpha"),
         r_error="Non-numeric value for argument 'event.e'."),
    Case("cont-length", "metacont", py=_set("metacont", sd_c=[1.0, 1.2]),
         r=_set("metacont", sd_c=[1.0, 1.2]), expect="error", r_ok=False,
         names=("n.e", "sd.c"), r_error="Arguments 'n.e' and 'sd.c' must have the same length."),
    Case("cont-length-studlab", "metacont", py=_set("metacont", studlab=["a", "b"]),
         r=_set("metacont", studlab=["a", "b"]), expect="error", r_ok=False,
         names=("n.e", "studlab"),
         r_error="Arguments 'n.e' and 'studlab' must have the same length."),
    Case("bin-length", "metabin", py=_set("metabin", n_c=[22.0, 28.0]),
         r=_set("metabin", n_c=[22.0, 28.0]), expect="error", r_ok=False,
         names=("event.e", "n.c"),
         r_error="Arguments 'event.e' and 'n.c' must have the same length."),
    Case("cont-empty", "metacont", py={k: [] for k in CONT}, r={k: [] for k in CONT},
         expect="error", r_ok=False, names=("No studies",),
         r_error="No studies to combine in meta-analysis."),
    # R stops with an internal error here ("replacement has 1 row, data has 0")
    Case("bin-empty", "metabin", py={k: [] for k in BIN}, r={k: [] for k in BIN},
         expect="error", r_ok=False, names=("No studies",), r_error="replacement has"),
    Case("cont-n_e-missing", "metacont", py=_set("metacont", n_e=None),
         r=_set("metacont", n_e=None), expect="error", r_ok=False, names=("n.e",),
         r_error="Argument 'n.e' is NULL."),
]
# -- options -----------------------------------------------------------------------------------
CASES += [
    Case("cont-method_tau-XYZ", "metacont", py=_set("metacont", method_tau="XYZ"),
         r=_set("metacont", method_tau="XYZ"), expect="error", r_ok=False,
         names=("method.tau", "REML"), r_error="Argument 'method.tau' must be"),
    Case("bin-method-XYZ", "metabin", py=_set("metabin", method="XYZ"),
         r=_set("metabin", method="XYZ"), expect="error", r_ok=False,
         names=("method", "Inverse"), r_error="Argument 'method' must be"),
    Case("cont-method_random_ci-XYZ", "metacont", py=_set("metacont", method_random_ci="XYZ"),
         r=_set("metacont", method_random_ci="XYZ"), expect="error", r_ok=False,
         names=("method.random.ci",), r_error="Argument 'method.random.ci' must be"),
    Case("cont-level-2", "metacont", py=_set("metacont", level=2.0),
         r=_set("metacont", level=2.0), expect="error", r_ok=False, names=("level",),
         r_error="Argument 'level' must be a numeric between 0 and 1."),
    Case("bin-incr-negative", "metabin", py=_set("metabin", incr=-1.0),
         r=_set("metabin", incr=-1.0), expect="error", r_ok=False, names=("incr",),
         r_error="Argument 'incr' must be larger equal 0."),
    # a median besides the mean and SD: R keeps the means (nothing to approximate)
    Case("cont-median_e", "metacont", py=_set("metacont", median_e=[1.1, 0.8, 0.9]),
         r=_set("metacont", median_e=[1.1, 0.8, 0.9]), expect="result", r_ok=True),
    # GLMM (R: lme4's glmer) is not implemented; its default sm is "OR"
    Case("bin-method-GLMM", "metabin", py=_set("metabin", method="GLMM"),
         r=_set("metabin", method="GLMM"), expect="notimpl", r_ok=True, names=("GLMM",)),
    # R's meta functions take '...' and silently ignore unknown arguments; pymeta refuses
    Case("cont-unknown-keyword", "metacont", py=_set("metacont", foo=1.0),
         r=_set("metacont", foo=1.0), expect="typeerror", r_ok=True, names=("foo",)),
    Case("bin-unknown-keyword", "metabin", py=_set("metabin", foo=1.0),
         r=_set("metabin", foo=1.0), expect="typeerror", r_ok=True, names=("foo",)),
]

# -- metabin: summary measures, methods and continuity corrections ----------------------------
W_USER = ("Argument 'method.incr = \"user\"' as arguments 'incr.e' and 'incr.c' are "
          "provided.")
W_INCR_IGNORED = "Argument 'incr' ignored as arguments 'incr.e' and 'incr.c' are provided."
W_PETO = "Note, no continuity correction considered for method = \"Peto\"."
W_QC = ("Argument 'Q.Cochrane' only considered for Mantel-Haenszel method in combination "
        "with DerSimonian-Laird estimator.")
W_PSCALE = "Argument 'pscale' only considered for risk differences."
W_IVHET = "Argument 'method.common.ci = \"IVhet\"' only available if 'method = \"Inverse\"."
#: a zero cell (not a double zero) in study Alpha
BIN_SPARSE = dict(BIN, event_e=[0.0, 8.0, 3.0])
#: study Beta: no events in either group; study Gamma: every patient has an event
BIN_DZ = dict(BIN, event_e=[5.0, 0.0, 25.0], event_c=[7.0, 0.0, 24.0])
_INC = [0.5, 0.1, 1.0]


def _bin(data=BIN, **options):
    d = {**data, **options}
    return dict(py=d, r=d)


CASES += [
    # R refuses Peto, SSW, GLMM and LRP for any sm but "OR"
    Case("bin-Peto-RR", "metabin", **_bin(method="Peto", sm="RR"), expect="error",
         r_ok=False, names=("Peto", "sm"), r_error="Peto's method only possible"),
    Case("bin-SSW-RD", "metabin", **_bin(method="SSW", sm="RD"), expect="error",
         r_ok=False, names=("Sample size weighting", "sm"),
         r_error="Sample size weighting only available"),
    Case("bin-GLMM-RR", "metabin", **_bin(method="GLMM", sm="RR"), expect="error",
         r_ok=False, names=("sm",), r_error="Generalised linear mixed models only possible"),
    Case("bin-sm-XYZ", "metabin", **_bin(sm="XYZ"), expect="error", r_ok=False,
         names=("sm",), r_error="Argument 'sm' must be"),
    # Peto with an explicit allstudies = TRUE on sparse data: R notes it adds nothing
    Case("bin-Peto-allstudies-sparse", "metabin",
         **_bin(BIN_SPARSE, method="Peto", allstudies=True), expect="result", r_ok=True,
         warnings=(W_PETO,), k=3),
    Case("bin-Peto-TACC-sparse", "metabin", **_bin(BIN_SPARSE, method="Peto", incr="TACC"),
         expect="result", r_ok=True, k=3),
    Case("bin-SSW-OR", "metabin", **_bin(BIN_SPARSE, method="SSW", sm="OR"),
         expect="result", r_ok=True, k=3),
    Case("bin-ASD-MH-incr", "metabin", **_bin(BIN_SPARSE, sm="ASD", incr=0.1),
         expect="result", r_ok=True, k=3),
    # non-informative studies: OR drops both, RR the double zero only, RD keeps both
    Case("bin-OR-double-zero-all-events", "metabin", **_bin(BIN_DZ, sm="OR"),
         expect="result", r_ok=True, noted=("Beta", "Gamma")),
    Case("bin-RR-double-zero", "metabin", **_bin(BIN_DZ, sm="RR", method="Inverse"),
         expect="result", r_ok=True, noted=("Beta",)),
    Case("bin-RD-double-zero", "metabin", **_bin(BIN_DZ, sm="RD"), expect="result",
         r_ok=True, k=3),
    Case("bin-OR-allstudies", "metabin", **_bin(BIN_DZ, sm="OR", allstudies=True),
         expect="result", r_ok=True, k=3),
    # continuity corrections given by the user
    Case("bin-user-incr", "metabin", **_bin(BIN_SPARSE, incr_e=_INC, incr_c=[0.5, 0.5, 0.0]),
         expect="result", r_ok=True, k=3),
    Case("bin-user-incr-recycled", "metabin", **_bin(BIN_SPARSE, incr_e=0.25, incr_c=0.75),
         expect="result", r_ok=True, k=3),
    Case("bin-incr-vector", "metabin", **_bin(BIN_SPARSE, incr=_INC), expect="result",
         r_ok=True, k=3),
    Case("bin-user-incr-method_incr-only0", "metabin",
         **_bin(BIN_SPARSE, method_incr="only0", incr_e=_INC, incr_c=_INC),
         expect="result", r_ok=True, warnings=(W_USER,), k=3),
    Case("bin-user-incr-incr-ignored", "metabin",
         **_bin(BIN_SPARSE, incr=0.1, incr_e=_INC, incr_c=_INC),
         expect="result", r_ok=True, warnings=(W_INCR_IGNORED,), k=3),
    Case("bin-incr_e-alone", "metabin", **_bin(incr_e=_INC), expect="error", r_ok=False,
         names=("incr.e", "incr.c"), r_error="required together"),
    Case("bin-method_incr-user-without-incr", "metabin", **_bin(method_incr="user"),
         expect="error", r_ok=False, names=("incr.e",), r_error="method.incr = \"user\""),
    Case("bin-incr_e-negative", "metabin", **_bin(incr_e=[0.5, -1.0, 0.5], incr_c=_INC),
         expect="error", r_ok=False, names=("incr.e",),
         r_error="Argument 'incr.e' must be larger equal 0."),
    Case("bin-incr_c-nan", "metabin", **_bin(incr_e=_INC, incr_c=[0.5, NAN, 0.5]),
         expect="error", r_ok=False, names=("incr.c",),
         r_error="Missing values not allowed in argument 'incr.c'."),
    Case("bin-incr-vector-length", "metabin", **_bin(incr=[0.5, 0.1]), expect="error",
         r_ok=False, names=("incr",), r_error="must have the same length"),
    Case("bin-incr-XYZ", "metabin", **_bin(incr="XYZ"), expect="error", r_ok=False,
         names=("incr", "TACC"), r_error="Argument 'incr' should be"),
    # arguments R takes but ignores here, with a warning
    Case("bin-Q_Cochrane-Inverse", "metabin", **_bin(method="Inverse", Q_Cochrane=True),
         expect="result", r_ok=True, warnings=(W_QC,)),
    Case("bin-Q_Cochrane-ASD", "metabin", **_bin(sm="ASD", method_tau="DL", Q_Cochrane=True),
         expect="result", r_ok=True, warnings=(W_QC,)),
    Case("bin-Q_Cochrane-MH-DL", "metabin", **_bin(method_tau="DL", Q_Cochrane=True),
         expect="result", r_ok=True),
    Case("bin-pscale-RR", "metabin", **_bin(pscale=100.0), expect="result", r_ok=True,
         warnings=(W_PSCALE,)),
    Case("bin-pscale-RD", "metabin", **_bin(sm="RD", pscale=100.0), expect="result",
         r_ok=True),
    Case("bin-IVhet-MH", "metabin", **_bin(method_common_ci="IVhet"), expect="result",
         r_ok=True, warnings=(W_IVHET,)),
]

# -- metaprop, metainc, metarate: impossible, missing and rejected input -------------------
W_NASM = ("Normal approximation confidence interval (argument method.ci = \"NAsm\") used as\n"
          "at least one number of events contains a non-integer value.")
CASES += [
    Case("prop-event-gt-n", "metaprop", **_same("metaprop", "event", 1, 35.0),
         expect="error", r_ok=False, names=("events",),
         r_error="Number of events must not be larger than number of observations"),
    Case("prop-n-zero", "metaprop", **_same("metaprop", "n", 1, 0.0),
         expect="error", r_ok=False, names=("'n'",), r_error="Argument 'n' must be positive."),
    Case("prop-event-negative", "metaprop", **_same("metaprop", "event", 2, -1.0),
         expect="error", r_ok=False, names=("'event'",),
         r_error="Argument 'event' must be larger equal 0."),
    Case("prop-event-nan", "metaprop", **_same("metaprop", "event", 1, NAN),
         expect="result", r_ok=True, noted=("Beta",)),
    # R quirk: with method.ci = "CP" (default) a missing n reaches binom.test, which stops
    Case("prop-n-nan-CP", "metaprop", **_opt("metaprop", "n", 0, NAN, sm="PFT"),
         expect="error", r_ok=False, names=("'n'",), r_error="'n' must be a positive integer"),
    Case("prop-n-nan-WS", "metaprop", **_opt("metaprop", "n", 0, NAN, sm="PFT", method_ci="WS"),
         expect="result", r_ok=True, noted=("Alpha",)),
    Case("rate-Poisson-time-nan", "metarate",
         **_opt("metarate", "time", 0, NAN, method_ci="Poisson"),
         expect="error", r_ok=False, names=("'T'",), r_error="'T' must be nonnegative"),
    Case("rate-time-nan", "metarate", **_same("metarate", "time", 0, NAN),
         expect="result", r_ok=True, noted=("Alpha",)),
    Case("prop-event-non-integer", "metaprop", **_same("metaprop", "event", 1, 7.5),
         expect="result", r_ok=True, warnings=(W_NASM,)),
    Case("prop-null-effect-2", "metaprop", **_opt("metaprop", "n", 0, 20.0, null_effect=2.0),
         expect="error", r_ok=False, names=("null.effect",),
         r_error="Argument 'null.effect' must be between 0 and 1."),
    # R's default for sm = "PLOGIT" is the GLMM, which pymeta does not implement
    Case("prop-PLOGIT-GLMM-default", "metaprop",
         py={k: v for k, v in PROP.items() if k != "method"},
         r={k: v for k, v in PROP.items() if k != "method"}, expect="notimpl", r_ok=True,
         names=("GLMM", "method=\"Inverse\"")),
    Case("inc-time_e-negative", "metainc", **_same("metainc", "time_e", 1, -3.0),
         expect="error", r_ok=False, names=("time.e",),
         r_error="Argument 'time.e' must be positive."),
    Case("inc-event_c-negative", "metainc", **_same("metainc", "event_c", 1, -3.0),
         expect="error", r_ok=False, names=("event.c",),
         r_error="Argument 'event.c' must be larger equal 0."),
    # MH: the study with a missing event.e keeps its weight S (R's sums with na.rm = TRUE)
    Case("inc-event_e-nan", "metainc", **_same("metainc", "event_e", 1, NAN),
         expect="result", r_ok=True, noted=("Beta",), mh_weight_kept=True),
    Case("inc-event_c-nan-Inverse", "metainc",
         **_opt("metainc", "event_c", 1, NAN, method="Inverse"),
         expect="result", r_ok=True, noted=("Beta",)),
    Case("inc-time_c-nan-IRD", "metainc",
         **_opt("metainc", "time_c", 2, NAN, sm="IRD", method="Inverse"),
         expect="result", r_ok=True, noted=("Gamma",)),
    # R warns and returns NULL
    Case("inc-Cochran-IRD", "metainc", **_opt("metainc", "time_c", 2, 240.0, sm="IRD",
                                              method="Cochran"),
         expect="error", r_ok=False, names=("Cochran",),
         r_error="Cochran method only available"),
    # R stops with an internal error (no MH formula for IRSD)
    Case("inc-MH-IRSD", "metainc", **_opt("metainc", "time_c", 2, 240.0, sm="IRSD",
                                          method="MH"),
         expect="error", r_ok=False, names=("IRSD",), r_error="object 'w.common' not found"),
    # user continuity corrections (incr.e / incr.c; a vector incr is taken as both)
    Case("inc-user-incr", "metainc", **_opt("metainc", "event_e", 0, 0.0,
                                            incr_e=_INC, incr_c=[0.5, 0.0, 0.25]),
         expect="result", r_ok=True),
    Case("inc-incr-vector", "metainc", **_opt("metainc", "event_e", 0, 0.0, incr=_INC),
         expect="result", r_ok=True),
    Case("inc-user-incr-method_incr-only0", "metainc",
         **_opt("metainc", "event_e", 0, 0.0, method_incr="only0", incr=0.1, incr_e=_INC,
                incr_c=_INC),
         expect="result", r_ok=True, warnings=(W_USER, W_INCR_IGNORED)),
    Case("inc-incr_e-alone", "metainc", **_opt("metainc", "event_e", 0, 0.0, incr_e=_INC),
         expect="error", r_ok=False, names=("incr.e", "incr.c"), r_error="required together"),
    Case("inc-incr_e-negative", "metainc",
         **_opt("metainc", "event_e", 0, 0.0, incr_e=[0.5, -1.0, 0.5], incr_c=_INC),
         expect="error", r_ok=False, names=("incr.e",),
         r_error="Argument 'incr.e' must be larger equal 0."),
    Case("inc-incr_c-nan", "metainc",
         **_opt("metainc", "event_e", 0, 0.0, incr_e=_INC, incr_c=[0.5, NAN, 0.5]),
         expect="error", r_ok=False, names=("incr.c",),
         r_error="Missing values not allowed in argument 'incr.c'."),
    Case("rate-time-zero", "metarate", **_same("metarate", "time", 1, 0.0),
         expect="error", r_ok=False, names=("'time'",),
         r_error="Argument 'time' must be positive."),
    Case("rate-event-nan", "metarate", **_same("metarate", "event", 1, NAN),
         expect="result", r_ok=True, noted=("Beta",)),
    Case("rate-Poisson-event-nan", "metarate",
         **_opt("metarate", "event", 1, NAN, method_ci="Poisson"),
         expect="result", r_ok=True, noted=("Beta",)),
    Case("rate-Poisson-null-effect-2", "metarate",
         **_opt("metarate", "time", 1, 310.0, method_ci="Poisson", null_effect=2.0),
         expect="error", r_ok=False, names=("null.effect",),
         r_error="Argument 'null.effect' must be between 0 and 1."),
    Case("rate-event-non-integer", "metarate",
         **_opt("metarate", "event", 1, 7.5, method_ci="Poisson"),
         expect="result", r_ok=True, warnings=(W_NASM,)),
]

# -- subset / exclude (all functions) and metagen's other inputs: R's rejections ----------
GEN = dict(TE=[0.1, 0.5, -0.2], seTE=[0.2, 0.3, 0.25], studlab=["Alpha", "Beta", "Gamma"])
BASE["metagen"] = GEN
_TOO_LONG = [True, True, True, False]


def _err(cid, fun, names, r_error, **changes):
    d = _set(fun, **changes)
    return Case(cid, fun, py=d, r=d, expect="error", r_ok=False, names=names, r_error=r_error)


CASES += [
    _err("gen-subset-too-long", "metagen", ("subset",),
         "Length of argument 'subset' is larger than number of studies.", subset=_TOO_LONG),
    _err("cont-subset-too-long", "metacont", ("subset",),
         "Length of subset is larger than number of studies.", subset=_TOO_LONG),
    _err("prop-subset-too-long", "metaprop", ("subset",),
         "Length of subset is larger than number of studies.", subset=_TOO_LONG),
    _err("gen-exclude-too-long", "metagen", ("exclude",),
         "Length of argument 'exclude' is larger than number of studies.", exclude=_TOO_LONG),
    _err("bin-exclude-too-long", "metabin", ("exclude",),
         "Length of argument 'exclude' is larger than number of studies.", exclude=_TOO_LONG),
    _err("cor-subset-none", "metacor", ("No studies",),
         "No studies to combine in meta-analysis.", subset=[False, False, False]),
    _err("inc-subset-none", "metainc", ("No studies",),
         "No studies to combine in meta-analysis.", subset=[False, False, False]),
    _err("gen-lower-above-upper", "metagen", ("Lower limit",),
         "Lower limit must be smaller than upper limit.", seTE=[0.2, NAN, 0.25],
         lower=[0.0, 3.0, 1.0], upper=[2.0, 1.0, 4.0]),
    _err("gen-pval-zero", "metagen", ("p-value",), "No valid value for p-value",
         seTE=[0.2, NAN, 0.25], pval=[0.1, 0.0, 0.3]),
    _err("gen-pval-one", "metagen", ("p-value",), "No valid value for p-value",
         seTE=[NAN, NAN, NAN], pval=[0.1, 1.0, 0.3]),
    _err("gen-seTE-negative", "metagen", ("seTE",), "Argument 'seTE' must be larger equal 0.",
         seTE=[0.2, -0.3, 0.25]),
    Case("gen-no-estimates", "metagen", py=dict(seTE=[0.2, 0.3, 0.25]),
         r=dict(seTE=[0.2, 0.3, 0.25]), expect="error", r_ok=False, names=("TE", "lower"),
         r_error="Treatment estimates missing."),
    Case("gen-method-ci-bad", "metagen", py=_set("metagen", method_ci="q"),
         r=_set("metagen", method_ci="q"), expect="error", r_ok=False, names=("method.ci",),
         r_error="method.ci"),
]

# -- user-specified weights and seed.predict: R's checks and refusals (meta 8.5) -------------
_USW_COMMON = "User-specified weights for the common effect model only implemented"

CASES += [
    _err("cont-weights-negative", "metacont", ("weights.common",),
         "Argument 'weights.common' must be larger equal 0.", weights=[1.0, -1.0, 2.0]),
    _err("cor-weights_random-negative", "metacor", ("weights.random",),
         "Argument 'weights.random' must be larger equal 0.", weights_random=[1.0, 2.0, -0.5]),
    # R checks the weights as a whole (chknumeric), naming no study
    _err("cont-weights-nonnumeric", "metacont", ("weights.common",),
         "Non-numeric value for argument 'weights.common'.", weights=["a", "b", "c"]),
    _err("mean-weights-length", "metamean", ("'n'", "weights.common"),
         "Arguments 'n' and 'weights.common' must have the same length.", weights=[1.0, 2.0]),
    _err("rate-weights_random-length", "metarate", ("'event'", "weights.random"),
         "Arguments 'event' and 'weights.random' must have the same length.",
         weights_random=[1.0, 2.0]),
    _err("bin-weights-MH", "metabin", ("common effect",), _USW_COMMON, weights=[1.0, 2.0, 3.0]),
    _err("bin-weights_common-Peto", "metabin", ("common effect",), _USW_COMMON,
         method="Peto", sm="OR", weights_common=[1.0, 2.0, 3.0]),
    _err("bin-weights_random-SSW", "metabin", ("SSW",),
         "User-specified weights for the random effects model not implemented",
         method="SSW", sm="OR", weights_random=[1.0, 2.0, 3.0]),
    _err("inc-weights-MH", "metainc", ("common effect",), _USW_COMMON, weights=2.0),
    _err("inc-weights-Cochran", "metainc", ("common effect",), _USW_COMMON,
         method="Cochran", weights_common=[1.0, 2.0, 3.0]),
    _err("prop-weights_random-GLMM", "metaprop", ("GLMM",),
         "User-specified weights for the random effects model not implemented",
         method="GLMM", weights_random=[1.0, 2.0, 3.0]),
    _err("rate-weights-GLMM", "metarate", ("common effect",), _USW_COMMON,
         method="GLMM", weights=[1.0, 2.0, 3.0]),
    _err("cor-seed_predict-length", "metacor", ("seed.predict",),
         "Argument 'seed.predict' must be a numeric of length 1.", seed_predict=[1.0, 2.0]),
    _err("cont-seed_predict-nonnumeric", "metacont", ("seed.predict",),
         "Non-numeric value for argument 'seed.predict'.", seed_predict="x"),
]

IDS = [c.id for c in CASES]
assert len(set(IDS)) == len(IDS)


def call(case: Case):
    """Run pymeta on the case, collecting its MetaWarnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = getattr(pymeta, case.fun)(**case.py)
    emitted = [str(w.message) for w in caught if issubclass(w.category, pymeta.MetaWarning)]
    return res, emitted


def check_pymeta(case: Case):
    """pymeta's side of the contract; returns the result (or None when it raised)."""
    exc_type = {"error": ValueError, "notimpl": NotImplementedError,
                "typeerror": TypeError}.get(case.expect)
    if exc_type is not None:
        with pytest.raises(exc_type) as info:
            call(case)
        msg = str(info.value)
        for name in case.names:
            assert name in msg, f"{name!r} not in {msg!r}"
        if case.expect == "error":   # not a bug of pymeta's own
            assert not isinstance(info.value, (NotImplementedError, TypeError))
        return None
    res, emitted = call(case)
    assert tuple(res.warnings) == case.warnings
    assert emitted == list(case.warnings)           # also issued as MetaWarning
    notes = " ".join(res.notes)
    for study in case.noted:
        assert f"'{study}'" in notes, f"study {study!r} not named in notes {res.notes!r}"
    # studies named are out of the pooling (weight 0) and the others are in
    noted = np.isin(np.asarray(res.studlab), case.noted)
    if case.mh_weight_kept:
        assert np.all(np.asarray(res.w_common)[noted] > 0)
    else:
        assert np.all(np.asarray(res.w_common)[noted] == 0)
    assert np.all(np.asarray(res.w_random)[noted] == 0)
    assert np.all(np.asarray(res.w_common)[~noted] > 0)
    assert res.k == (int((~noted).sum()) if case.k < 0 else case.k)
    assert res.k_all == 3
    return res


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_pymeta_bad_input(case):
    check_pymeta(case)


def test_all_data_errors_name_study_where_one_study_is_at_fault():
    """Per-study errors (non-numeric values) name the study, not just the argument."""
    for case in CASES:
        if case.expect == "error" and case.id.endswith(("-string", "-bool")):
            assert any(lab in case.names for lab in ("Alpha", "Beta", "Gamma")), case.id


# ---------------------------------------------------------------------------------------
# Live against R
# ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def r_meta(r_mode):
    """R meta through the bridge; skipped without R unless ``--r=require`` (then fails)."""
    if r_mode == "off":
        pytest.skip("R tests switched off (--r=off)")
    r = RMeta()
    ok, reason = r.available()
    if not ok:
        if r_mode == "require":
            pytest.fail(f"R reference required (--r=require) but unavailable: {reason}")
        pytest.skip(f"R reference unavailable: {reason}")
    return r


def _r_args(case: Case) -> dict:
    """R's arguments: None (argument missing) is dropped by the bridge itself."""
    return dict(case.r)


@pytest.mark.r
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_against_r(case, r_meta):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            res, _ = call(case)
            py_exc = None
        except Exception as exc:   # noqa: BLE001 - compared with R below
            res, py_exc = None, exc
    fields = fields_to_compare(type(res)) if res is not None else ("TE",)
    out = r_meta.run(case.fun, _r_args(case), fields)
    # what R does is part of the table: a change in R fails here
    assert out["ok"] == case.r_ok, f"R: ok={out['ok']} error={out['error']!r}"
    if not out["ok"]:
        assert case.r_error in out["error"], f"R's error changed: {out['error']!r}"
        assert isinstance(py_exc, ValueError) and not isinstance(py_exc, NotImplementedError), \
            f"R stops ({out['error']!r}) but pymeta gave {py_exc!r}"
        for name in case.names:
            assert name in str(py_exc)
        return
    if case.expect in ("notimpl", "typeerror"):
        # R accepts (or ignores) it; pymeta refuses loudly instead of giving a wrong answer
        assert isinstance(py_exc, NotImplementedError if case.expect == "notimpl" else TypeError)
        return
    assert py_exc is None, f"R accepts the input, pymeta raised {py_exc!r}"
    r_warn = [w for w in out["warnings"] if w not in IGNORED_R_WARNINGS]
    assert list(res.warnings) == r_warn
    assert tuple(r_warn) == case.warnings
    bad = [d for d in compare_result(res, out["values"], fields) if not d.ok]
    assert not bad, "fields differing from R: " + "; ".join(
        f"{d.field}: {d.detail}" for d in bad)
    check_pymeta(case)


# ---------------------------------------------------------------------------------------
# Options pymeta does not implement: NotImplementedError naming the option
# ---------------------------------------------------------------------------------------

#: (id, metabin arguments, what the message must name). R accepts all of these (method =
#: "LRP" needs the R package brglm2); pymeta refuses loudly rather than answer wrongly.
