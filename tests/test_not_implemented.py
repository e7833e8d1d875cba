"""What pymeta does not implement, listed, and refused loudly.

R meta arguments that pymeta lacks raise ``NotImplementedError`` naming the argument (R's
dotted name); they are never silently ignored. This file *is* the list: each function's
lacking arguments come from its module (``_LACKING``) and are printed with ``-rA``; the
test fails if any of them is accepted or ignored. Option *values* pymeta lacks are in
:data:`LACKING_VALUES`.
"""
from __future__ import annotations

import importlib
import math
import warnings

import pytest

import pymeta

DATA = {
    "metagen": dict(TE=[0.1, 0.5, -0.2], seTE=[0.2, 0.3, 0.25]),
    "metacont": dict(n_e=[20.0, 30.0, 25.0], mean_e=[1.2, 0.8, 1.0], sd_e=[1.0, 1.1, 0.9],
                     n_c=[22.0, 28.0, 24.0], mean_c=[0.9, 0.7, 0.6], sd_c=[1.0, 1.2, 1.0]),
    "metabin": dict(event_e=[5.0, 8.0, 3.0], n_e=[20.0, 30.0, 25.0], event_c=[7.0, 10.0, 6.0],
                    n_c=[22.0, 28.0, 24.0]),
    "metamean": dict(n=[20.0, 30.0, 25.0], mean=[1.2, 0.8, 1.0], sd=[1.0, 1.1, 0.9]),
    "metacor": dict(cor=[0.5, 0.3, 0.6], n=[20.0, 30.0, 25.0]),
    "metaprop": dict(event=[5.0, 8.0, 3.0], n=[20.0, 30.0, 25.0], method="Inverse"),
    "metainc": dict(event_e=[5.0, 8.0, 3.0], time_e=[200.0, 310.0, 250.0],
                    event_c=[7.0, 10.0, 6.0], time_c=[220.0, 280.0, 240.0]),
    "metarate": dict(event=[5.0, 8.0, 3.0], time=[200.0, 310.0, 250.0]),
}

#: (function, argument, value) combinations R accepts and pymeta refuses.
LACKING_VALUES = [
    ("metabin", "method", "GLMM"),               # R: metafor::rma.glmm (lme4)
    ("metabin", "method", "LRP"),                # R: package brglm2
    ("metaprop", "method", "GLMM"),              # R's default for sm = "PLOGIT"
    ("metainc", "method", "GLMM"),
    ("metarate", "method", "GLMM"),
]


#: (function, arguments, what) combinations R accepts and pymeta refuses: the
#: three-level model (``cluster`` repeating) with a common tau2 in subgroups (metafor's
#: rma.mv with moderators), and one whose clusters repeat only among studies left out
#: of the heterogeneity statistics (meta's hetcalc then mixes rma.uni and rma.mv).
_CL = dict(cluster=["a", "a", "b"])
LACKING_COMBINATIONS = [
    (fun, {**DATA[fun], **_CL, "subgroup": ["x", "y", "x"], "tau_common": True},
     "tau.common = TRUE with a three-level model")
    for fun in ("metagen", "metacont", "metamean", "metacor")
] + [
    ("metagen", dict(TE=[0.1, 0.5, -0.2, 0.3], seTE=[0.2, 0.3, 0.25, 0.2],
                     cluster=["a", "b", "c", "a"], exclude=[True, False, False, False]),
     "clusters repeating only among excluded studies"),
    ("metagen", dict(DATA["metagen"], rho=[0.1, 0.2]), "rho with several values"),
]


def lacking(fun: str) -> list:
    mod = importlib.import_module(f"pymeta.api.{fun}")
    return sorted(mod._LACKING)


ARGS = [(fun, arg) for fun in DATA for arg in lacking(fun)]


@pytest.mark.parametrize("fun,arg", ARGS, ids=[f"{f}-{a}" for f, a in ARGS])
def test_lacking_argument_raises(fun, arg):
    with pytest.raises(NotImplementedError, match=arg.replace("_", ".")):
        getattr(pymeta, fun)(**{**DATA[fun], arg: 1})


@pytest.mark.parametrize("fun,arg,value", LACKING_VALUES)
def test_lacking_value_raises(fun, arg, value):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(NotImplementedError, match=value):
            getattr(pymeta, fun)(**{**DATA[fun], arg: value})


@pytest.mark.parametrize("fun,args,what", LACKING_COMBINATIONS,
                         ids=[f"{f}-{w}" for f, _, w in LACKING_COMBINATIONS])
def test_lacking_combination_raises(fun, args, what):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(NotImplementedError):
            getattr(pymeta, fun)(**args)


def test_list_of_lacking_arguments():
    """Print the list (``pytest -rA -k list_of_lacking``); every function has one."""
    for fun in DATA:
        print(f"{fun}: {', '.join(a.replace('_', '.') for a in lacking(fun)) or '(none)'}")
    for fun, _, what in LACKING_COMBINATIONS:
        print(f"{fun}: {what}")
    assert all(isinstance(lacking(f), list) for f in DATA)


def test_keeprma_keeps_the_weighted_fits():
    """keeprma = TRUE keeps metafor's fits with user weights (compared with R's in
    tests/test_keeprma_live.py), also where a study has an infinite sampling variance;
    without user weights there is nothing to keep."""
    te, se = [-1.0, 0.1, 0.2, 0.5], [math.inf, 0.2, 0.3, 0.25]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = pymeta.metagen(te, se, weights=[1.0, 2.0, 3.0, 4.0], keeprma=True)
    assert res.rma_usw_r.k == 4 and res.rma_usw_r.weights == (1.0, 2.0, 3.0, 4.0)
    res = pymeta.metagen(DATA["metagen"]["TE"], DATA["metagen"]["seTE"],
                         weights=[1.0, 2.0, 3.0], keeprma=True)
    assert res.rma_usw_c.method == "FE" and res.rma_usw_r.method == "REML"
    assert pymeta.metagen(**DATA["metagen"], keeprma=True).rma_usw_c is None


def test_missing_subset_positions_follow_r():
    """A missing position in subset is R's x[NA] (tests/test_parity_live.py::
    test_live_missing_subset_positions): R's stop with keepdata = TRUE, a study of
    missing values with keepdata = FALSE. Missing positions in exclude are skipped, as
    R skips them."""
    with pytest.raises(ValueError, match="NAs are not allowed in subscripted assignments"):
        pymeta.metagen(**DATA["metagen"], subset=[0, float("nan"), 2])
    res = pymeta.metagen(**DATA["metagen"], subset=[0, float("nan")], keepdata=False)
    assert res.k == 1 and res.k_all == 2 and res.studlab == (1, None)
    res = pymeta.metagen(**DATA["metagen"], exclude=[float("nan"), 1])
    assert list(res.exclude) == [False, True, False]
