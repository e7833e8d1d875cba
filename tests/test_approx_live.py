"""Means and SDs from medians, quartiles and ranges: pymeta.effects.approx against R live.

Two layers: meta's own helpers (``meta:::mean_sd_iqr``, ``mean_sd_range``,
``mean_sd_iqr_range``) called in R on hypothesis-drawn vectors, compared value by value
with pymeta's ports (1e-10 relative; R's error where R stops), including the sizes at
which R's table look-up drops an index (n <= 1) and shifts the table values onto other
studies; and metacont / metamean calls with R's per-study rules (which study is
approximated how, ``approx.*`` given per study or as a single value, a summary missing
where the approximation named needs it), judged by the campaign like every live case.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pymeta
from pymeta.effects import approx
from pymeta.reference import bridge
from pymeta.testing import campaign
from pymeta.testing.compare import compare_field, fields_to_compare

pytestmark = pytest.mark.r

_SETTINGS = settings(max_examples=60, deadline=None, database=None,
                     suppress_health_check=[HealthCheck.too_slow])


def _r_helper(name: str, args: dict):
    """meta:::<name>(...) in R: (mean, sd) arrays, or the error message."""
    ro = bridge._state["ro"]
    f = ro.r(f"function(...) tryCatch({{ r <- meta:::{name}(...); "
             "list(ok = TRUE, mean = as.numeric(r$mean), sd = as.numeric(r$sd)) }, "
             "error = function(e) list(ok = FALSE, msg = conditionMessage(e)))")
    kw = {k: (ro.StrVector([v]) if isinstance(v, str) else bridge._to_r(np.asarray(v, float)))
          for k, v in args.items()}
    out = f(**kw)
    parts = dict(zip(out.names, out))
    if not bool(parts["ok"][0]):
        return str(parts["msg"][0])
    return np.array(parts["mean"], dtype=float), np.array(parts["sd"], dtype=float)


_PY = {"mean_sd_iqr": approx.mean_sd_iqr, "mean_sd_range": approx.mean_sd_range,
       "mean_sd_iqr_range": approx.mean_sd_iqr_range}


def _compare_helper(r_meta, name, py_args, r_args):
    r = _r_helper(name, r_args)
    try:
        py = _PY[name](**py_args)
    except ValueError as exc:
        assert isinstance(r, str), f"pymeta raised {exc} but R returned {r}"
        assert str(exc) == r
        return
    assert not isinstance(r, str), f"R stops ({r}) but pymeta returned {py}"
    for field, a, b in (("mean", py[0], r[0]), ("sd", py[1], r[1])):
        d = compare_field(field, a, b)
        assert d.ok, f"{name} {field}: {d.detail} ({py_args})"


#: Sizes around R's table limits (50 for the range, 201 for the IQR), below 1 (index 0:
#: R drops it and recycles the rest), fractional (R truncates the index) and missing.
_SIZES = st.one_of(st.integers(1, 60), st.integers(195, 260), st.integers(1000, 10 ** 5),
                   st.sampled_from((0.5, 1.0, 1.5, 2.5, 49.7, 50.2, 201.0, 202.0, math.nan)))


@st.composite
def _summaries(draw, valid=True):
    k = draw(st.integers(1, 6))
    rows = draw(st.lists(st.tuples(_SIZES, st.floats(-50, 50), st.floats(0.01, 5),
                                   st.floats(0.01, 5), st.floats(0.0, 10), st.floats(0.0, 10)),
                         min_size=k, max_size=k))
    n, med, a, b, c, d = (np.array(x, dtype=float) for x in zip(*rows))
    q1, q3 = med - a, med + b
    mn, mx = q1 - c, q3 + d
    if not valid:   # one study out of order: R stops with the message of the first check
        i = draw(st.integers(0, k - 1))
        which = draw(st.sampled_from(("q1", "q3", "min", "max")))
        {"q1": q1, "q3": q3, "min": mn, "max": mx}[which][i] = med[i] + (
            10.0 if which in ("q1", "min") else -10.0)
    if draw(st.booleans()):   # a missing summary somewhere (R: NA in, NA out)
        i = draw(st.integers(0, k - 1))
        draw(st.sampled_from((med, q1, q3, mn, mx)))[i] = math.nan
    return dict(n=n, median=med, q1=q1, q3=q3, min=mn, max=mx)


@_SETTINGS
@given(s=_summaries(), method=st.sampled_from(("Luo", "Wan")))
def test_mean_sd_iqr_vs_R(r_meta, s, method):
    _compare_helper(r_meta, "mean_sd_iqr",
                    dict(n=s["n"], median=s["median"], q1=s["q1"], q3=s["q3"], method_mean=method),
                    dict(n=s["n"], median=s["median"], q1=s["q1"], q3=s["q3"],
                         **{"method.mean": method}))


@_SETTINGS
@given(s=_summaries(), method=st.sampled_from(("Luo", "Wan")))
def test_mean_sd_range_vs_R(r_meta, s, method):
    _compare_helper(r_meta, "mean_sd_range",
                    dict(n=s["n"], median=s["median"], mn=s["min"], mx=s["max"],
                         method_mean=method),
                    dict(n=s["n"], median=s["median"], min=s["min"], max=s["max"],
                         **{"method.mean": method}))


@_SETTINGS
@given(s=_summaries(), mm=st.sampled_from(("Luo", "Wan")), ms=st.sampled_from(("Shi", "Wan")))
def test_mean_sd_iqr_range_vs_R(r_meta, s, mm, ms):
    _compare_helper(r_meta, "mean_sd_iqr_range",
                    dict(n=s["n"], median=s["median"], q1=s["q1"], q3=s["q3"], mn=s["min"],
                         mx=s["max"], method_mean=mm, method_sd=ms),
                    dict(n=s["n"], median=s["median"], q1=s["q1"], q3=s["q3"], min=s["min"],
                         max=s["max"], **{"method.mean": mm, "method.sd": ms}))


@settings(max_examples=30, deadline=None, database=None)
@given(s=_summaries(valid=False), name=st.sampled_from(tuple(_PY)))
def test_helpers_stop_where_R_stops(r_meta, s, name):
    py = dict(n=s["n"], median=s["median"])
    r = dict(n=s["n"], median=s["median"])
    if name != "mean_sd_range":
        py.update(q1=s["q1"], q3=s["q3"])
        r.update(q1=s["q1"], q3=s["q3"])
    if name != "mean_sd_iqr":
        py.update(mn=s["min"], mx=s["max"])
        r.update(min=s["min"], max=s["max"])
    _compare_helper(r_meta, name, py, r)


def test_table_index_shift_as_in_R(r_meta):
    """n = 1 gives table index 0: R drops it, and the next study's size picks up the
    value meant for another (n = 5 gets NA here, n = 1 the n = 5 divisor)."""
    s = dict(n=[1.0, 5.0, 300.0], median=[3.0, 4.0, 5.0], q1=[2.0, 3.0, 4.0], q3=[4.0, 5.0, 6.0])
    _compare_helper(r_meta, "mean_sd_iqr", s, s)
    assert np.isnan(approx.mean_sd_iqr(**s)[1][1])


# ----------------------------------------------------------------- metacont / metamean

nan = math.nan
_CONT = dict(n_e=[20.0, 30.0, 40.0, 12.0], n_c=[25.0, 35.0, 45.0, 15.0],
             mean_e=[nan, 5.0, nan, nan], sd_e=[nan, 2.0, nan, 1.1],
             mean_c=[4.0, nan, 4.5, nan], sd_c=[1.5, nan, 2.0, nan],
             median_e=[5.2, nan, 6.0, 5.5], q1_e=[4.0, nan, 5.0, 4.9], q3_e=[6.5, nan, 7.1, 6.0],
             min_e=[1.0, nan, nan, 2.0], max_e=[10.0, nan, nan, 9.0],
             median_c=[nan, 4.4, nan, 3.9], min_c=[nan, 1.0, 0.5, 1.2],
             max_c=[nan, 9.0, 8.0, 7.7], q1_c=[nan, nan, nan, 3.0], q3_c=[nan, nan, nan, 5.0],
             studlab=["a", "b", "c", "d"])

CONT_CASES = [
    {},
    dict(method_mean="Wan", method_sd="Wan"),
    dict(approx_mean_e="iqr"),                                   # single value: study 1 only
    dict(approx_mean_e=["iqr", "", "range", "iqr.range"], approx_sd_c=["", "range", "", "iqr"]),
    dict(approx_sd_e=["iqr.range", "iqr", "", "range"]),         # overrides a given SD; NA
    dict(approx_mean_e=["", "", "", "iqr"], subgroup=["A", "B", "A", "B"]),
    dict(approx_mean_c="range", subgroup=["A", "B", "B", "A"]),  # R re-approximates per group
    dict(sm="SMD", method_sd="Wan", subgroup=["A", "A", "B", "B"]),
    dict(sm="ROM", method_mean="Wan"),
    # means left missing (R's "negative or zero means" note) after R's method.predict one
    dict(sm="ROM", approx_mean_e=["iqr", "", "", ""], method_tau="DL", method_predict="KR"),
    # a single label with subset: R's approx.mean.e[subset] of a length-one vector, NA
    # past study 1, so R stops at the first NA unless the subset is study 1 alone (or a
    # logical subset shorter than the studies, not recycled over the label)
    dict(approx_mean_e="iqr", subset=[True, False, True, False]),
    dict(approx_sd_c="range", subset=[False, True, True, True]),
    dict(approx_mean_e="iqr", subset=[True, False, False, False]),
    dict(approx_mean_e="iqr", subset=[True, False]),
]


@pytest.mark.parametrize("opts", CONT_CASES, ids=[str(i) for i in range(len(CONT_CASES))])
def test_metacont_summaries_live(r_meta, opts):
    _judge(r_meta, "metacont", {**_CONT, **opts})


_MEAN = dict(n=[1.0, 5.0, 300.0, 40.0, 60.0], mean=[nan, nan, nan, 4.0, nan],
             sd=[nan, nan, nan, nan, 1.0], median=[3.0, 4.0, 5.0, nan, 5.5],
             q1=[2.0, 3.0, 4.0, 3.1, 4.0], q3=[4.0, 5.0, 6.0, 5.0, 7.0],
             min=[0.5, nan, 1.0, 0.0, 1.0], max=[9.0, nan, 12.0, 9.0, 13.0])

MEAN_CASES = [
    {},
    dict(method_mean="Wan", method_sd="Wan", sm="MLN"),
    dict(approx_mean="range"),
    dict(approx_sd=["iqr", "range", "iqr.range", "", "iqr"]),
    dict(approx_mean=["iqr", "", "", "", "range"], subgroup=["B", "A", "B", "A", "A"]),
    dict(mean=None, sd=None, median=[3.0, 4.0, 5.0, 4.2, 5.5], method_ci="t"),
    dict(q1=None, q3=None, approx_sd="iqr"),                     # R: NULL[j], it stops
    dict(median=[3.0, 4.0, 5.0, nan, 3.9]),                      # median below q1: R stops
    dict(approx_mean="range", subset=[True, False, True, True, False]),   # NA label: stops
    dict(approx_sd="iqr", subset=[True, False, False, False, False]),
    dict(approx_sd="iqr", subset=[True, True]),                  # (iqr, NA): stops
    dict(approx_sd="iqr", subset=[True, False]),                 # studies 1, 3, 5; 1 label
]


@pytest.mark.parametrize("opts", MEAN_CASES, ids=[str(i) for i in range(len(MEAN_CASES))])
def test_metamean_summaries_live(r_meta, opts):
    _judge(r_meta, "metamean", {**_MEAN, **opts})


def _judge(r_meta, fun, args):
    args = {k: v for k, v in args.items() if v is not None}
    cls = {"metacont": pymeta.MetaCont, "metamean": pymeta.MetaMean}[fun]
    fields = fields_to_compare(cls)
    out = r_meta.run_many(fun, [args], fields)[0]
    res = campaign.evaluate(fun, args, out, r_meta, fields=fields, strict=True)
    assert res.status in ("ok", "r_error"), res.detail
    if out["ok"]:   # the approximation fields are there and were compared
        names = ("approx.mean.e", "approx.sd.c") if fun == "metacont" else ("approx.sd",)
        assert any(out["values"].get(f) is not None for f in names + ("method.mean",))
