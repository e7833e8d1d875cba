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
BASE = {"metacont": CONT, "metabin": BIN, "metamean": MEAN, "metacor": COR}

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
    Case("cont-tau-common", "metacont", py=_set("metacont", subgroup=["a", "b", "a"], tau_common=True),
         r=_set("metacont", subgroup=["a", "b", "a"], tau_common=True), expect="notimpl",
         r_ok=True, names=("tau.common",)),
    Case("bin-tau-common", "metabin", py=_set("metabin", subgroup=["a", "b", "a"], tau_common=True),
         r=_set("metabin", subgroup=["a", "b", "a"], tau_common=True), expect="notimpl",
         r_ok=True, names=("tau.common",)),
    Case("cont-median_e", "metacont", py=_set("metacont", median_e=[1.1, 0.8, 0.9]),
         r=_set("metacont", median_e=[1.1, 0.8, 0.9]), expect="notimpl", r_ok=True,
         names=("median.e",)),
    Case("bin-sm-OR", "metabin", py=_set("metabin", sm="OR"),
         r=_set("metabin", sm="OR"), expect="notimpl", r_ok=True, names=("OR",)),
    # R's meta functions take '...' and silently ignore unknown arguments; pymeta refuses
    Case("cont-unknown-keyword", "metacont", py=_set("metacont", foo=1.0),
         r=_set("metacont", foo=1.0), expect="typeerror", r_ok=True, names=("foo",)),
    Case("bin-unknown-keyword", "metabin", py=_set("metabin", foo=1.0),
         r=_set("metabin", foo=1.0), expect="typeerror", r_ok=True, names=("foo",)),
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
