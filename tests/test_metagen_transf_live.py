"""metagen's n-of-1 trials (``cycles``) and inputs on the original scale (``transf``,
``func.transf``, ``func.backtransf``) against R live.

Every case is run in R meta and in pymeta and judged by the campaign like every live case
(all of MetaGen's fields, 1e-10 relative, R's warnings; where R stops pymeta must raise
with R's message). The deterministic cases walk R's rules (metagen.R sections 1 and 11,
meta-transf.R); the drawn ones mix them with the pooling options.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pymeta
from pymeta.testing import campaign
from pymeta.testing.compare import fields_to_compare

pytestmark = pytest.mark.r

nan = float("nan")
FIELDS = fields_to_compare(pymeta.MetaGen)

_N1 = dict(TE=[0.3, -0.2, 0.5, 0.1, 0.9], seTE=[1.1, 0.8, nan, 0.0, 1.4],
           cycles=[3.0, 2.0, 4.0, nan, 1.0], studlab=["P1", "P2", "P3", "P4", "P5"])

CYCLE_CASES = [
    {},
    dict(df=[2.0, 1.0, 3.0, 5.0, 4.0], method_ci="t"),      # R: method.ci back to "z"
    dict(cycles=[2.0, 2.0, 2.0, 2.0, 2.0], method_tau="DL", method_random_ci="HK"),
    dict(subset=[True, True, False, True, True], exclude=[False, True, False, False, False]),
    dict(subgroup=["a", "b", "a", "b", "a"], method_tau="PM"),
    dict(cycles=[3.0, 2.0, 0.5, 1.0, 2.0]),                 # R stops: cycles >= 1
    dict(cycles=[3.0, 2.0, 4.0]),                           # R stops: lengths differ
    dict(seTE=[1.1, 0.8, 0.7, 0.6, 0.5], warn=False, prediction=True),
    dict(lower=[-1.0, -2.0, -1.5, -0.5, 0.1], upper=[1.5, 1.6, 2.0, 0.8, 2.0]),
    # approx.* with cycles: R skips the approximations and keeps the labels (NULL when
    # all are ""; a single label indexed by subset has NAs, which stop R's all() there)
    dict(approx_seTE=["", "ci", "", "pval", ""], lower=[-1.0, -2.0, -1.5, -0.5, 0.1],
         upper=[1.5, 1.6, 2.0, 0.8, 2.0]),
    dict(approx_TE="ci", approx_seTE=["", "", "", "", ""]),
    dict(approx_TE="ci", subset=[True, True, False, True, True]),
    dict(approx_TE="ci", subset=[False, True, False, True, True]),
    dict(approx_TE=["", "", "", "", ""], approx_seTE="", subset=[False, True, False, True, True]),
]


@pytest.mark.parametrize("opts", CYCLE_CASES, ids=[str(i) for i in range(len(CYCLE_CASES))])
def test_cycles_live(r_meta, opts):
    out = _judge(r_meta, {**_N1, **opts})
    if out["ok"]:   # R's n-of-1 fields were there and compared
        assert out["values"].get("sd.n_of_1") is not None


_RATIO = dict(TE=[1.5, 2.0, 3.0, 0.8], lower=[1.1, 1.2, 1.3, 0.5],
              upper=[2.5, 4.0, 7.0, 1.3], studlab=["S1", "S2", "S3", "S4"])
_PROP = dict(TE=[0.2, 0.35, 0.5, 0.1], lower=[0.1, 0.2, 0.3, 0.02],
             upper=[0.35, 0.5, 0.7, 0.3], studlab=["S1", "S2", "S3", "S4"])

TRANSF_CASES = [
    dict(_RATIO, sm="OR", transf=False),
    dict(_RATIO, sm="HR", func_transf="log"),
    dict(_RATIO, sm="RR", transf=False, seTE=[0.2, nan, 0.4, nan]),
    dict(_RATIO, sm="ROM", transf=False, TE=[nan, nan, nan, nan]),   # TE from the limits
    dict(_RATIO, sm="MLN", transf=False, method_tau="DL"),
    dict(_RATIO, sm="IRS", transf=False),
    dict(_RATIO, sm="MD", transf=False),                     # no transformation for MD
    dict(_RATIO, sm="OR", func_transf="log", transf=True),   # given but not applied
    dict(_RATIO, sm="OR", func_transf="exp", func_backtransf="log"),
    dict(_RATIO, sm="OR", func_transf="sqrt"),               # R stops: no back-transf.
    dict(_PROP, sm="ZCOR", transf=False),
    dict(_PROP, sm="ZCOR", func_transf="cor2z"),
    dict(_PROP, sm="PLOGIT", transf=False),
    dict(_PROP, sm="PAS", transf=False, subgroup=["x", "x", "y", "y"]),
    dict(_PROP, sm="PLN", transf=False),
    dict(TE=[60.0, 45.0, 70.0], lower=[30.0, 10.0, 50.0], upper=[80.0, 65.0, 85.0],
         sm="VE", transf=False),                              # limits swap
    dict(TE=[60.0, 45.0, 70.0], seTE=[0.2, 0.3, 0.25], sm="VE", transf=False),
    # args.transf / args.backtransf: R's do.call(func, c(list(x), args)); log's base
    # (10 and 2: the C library's log10 / log2, as R's logbase), R's errors and warnings
    dict(_RATIO, sm="OR", func_transf="log", args_transf={"base": 10},
         func_backtransf="exp"),
    dict(_RATIO, sm="OR", func_transf="log", args_transf={"base": 2},
         func_backtransf="exp", args_backtransf={"x": 1.0}),
    dict(_RATIO, sm="RR", func_transf="log", args_transf={"base": 3.5},
         func_backtransf="exp", seTE=[0.2, nan, 0.4, nan]),
    dict(_RATIO, sm="OR", func_transf="log", args_transf={"base": 10}),   # R stops
    dict(_RATIO, sm="OR", func_transf="log", args_transf={"foo": 1.0},
         func_backtransf="exp"),                                          # unused argument
    dict(_PROP, sm="ZCOR", func_transf="cor2z", args_transf={"base": 10},
         func_backtransf="z2cor"),                                        # unused argument
    dict(_RATIO, sm="OR", args_transf={"base": 10}),                      # ignored, warning
    dict(_RATIO, sm="OR", transf=False, args_backtransf={"base": 10}),    # ignored, warning
    dict(_RATIO, sm="OR", func_transf="log", func_backtransf="exp", args_transf=3.0),
]


@pytest.mark.parametrize("opts", TRANSF_CASES, ids=[str(i) for i in range(len(TRANSF_CASES))])
def test_transf_live(r_meta, opts):
    _judge(r_meta, opts)


@st.composite
def _drawn(draw):
    k = draw(st.integers(1, 8))
    TE = draw(st.lists(st.floats(0.05, 20.0), min_size=k, max_size=k))
    se = draw(st.lists(st.one_of(st.floats(0.01, 3.0), st.just(nan), st.just(0.0)),
                       min_size=k, max_size=k))
    args = dict(TE=TE, seTE=se, studlab=[f"S{i + 1}" for i in range(k)],
                method_tau=draw(st.sampled_from(["REML", "DL", "PM", "ML", "SJ", "HE"])),
                method_random_ci=draw(st.sampled_from(["classic", "HK", "KR"])),
                prediction=draw(st.booleans()))
    if draw(st.booleans()):
        args["cycles"] = draw(st.lists(st.one_of(st.integers(1, 12).map(float), st.just(nan)),
                                       min_size=k, max_size=k))
        args["sm"] = draw(st.sampled_from(["MD", "SMD", ""]))
    else:
        args["sm"] = draw(st.sampled_from(["OR", "RR", "HR", "MLN", "IRS", "MD"]))
        args["transf"] = False
    return args


@settings(max_examples=40, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(args=_drawn())
def test_drawn_live(r_meta, args):
    _judge(r_meta, args)


def test_python_callable_as_R_function_name():
    """A callable is kept under its name, as R's deparse(substitute(func.transf)) does;
    the result is the one with R's function named."""
    a = pymeta.metagen(**_RATIO, sm="OR", func_transf=np.log)
    b = pymeta.metagen(**_RATIO, sm="OR", func_transf="log")
    assert a.func_transf == b.func_transf == "log" and a.func_backtransf == "exp"
    # numpy's log may differ from the C library's (R's) by an ulp; the callable is used
    assert a.TE_random == pytest.approx(b.TE_random, rel=1e-14) and not a.transf
    with pytest.raises(ValueError, match="func.backtransf"):
        pymeta.metagen(**_RATIO, sm="OR", func_transf=lambda x: x ** 2)


def _judge(r_meta, args):
    args = {k: v for k, v in args.items() if v is not None}
    out = r_meta.run_many("metagen", [args], FIELDS)[0]
    res = campaign.evaluate("metagen", args, out, r_meta, fields=FIELDS, strict=True)
    assert res.status in ("ok", "r_error"), res.detail
    return out


@pytest.mark.parametrize("method_ci", ["t", "z"])
def test_df_with_missing_values_live(r_meta, method_ci):
    # R keeps the df given (NA stays NA; that study's interval is normal); pymeta
    # reported Inf there
    _judge(r_meta, dict(TE=[0.1, 0.2, 0.3, 0.4], seTE=[0.1, 0.2, 0.3, 0.2],
                        df=[5.0, nan, 0.0, 2.0], method_ci=method_ci, studlab=list("ABCD")))
