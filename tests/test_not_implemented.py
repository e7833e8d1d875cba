"""What pymeta does not implement, listed, and refused loudly.

R meta arguments that pymeta lacks raise ``NotImplementedError`` naming the argument (R's
dotted name); they are never silently ignored. This file *is* the list: each function's
lacking arguments come from its module (``_LACKING``) and are printed with ``-rA``; the
test fails if any of them is accepted or ignored. Option *values* pymeta lacks are in
:data:`LACKING_VALUES`.
"""
from __future__ import annotations

import importlib
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
] + [(fun, arg, "QE-McGrath") for fun in ("metacont", "metamean", "metagen")  # estmeansd's
     for arg in ("method_mean", "method_sd")]                  # L-BFGS-B fits (optim)


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


def test_list_of_lacking_arguments():
    """Print the list (``pytest -rA -k list_of_lacking``); every function has one."""
    for fun in DATA:
        print(f"{fun}: {', '.join(a.replace('_', '.') for a in lacking(fun)) or '(none)'}")
    assert all(isinstance(lacking(f), list) for f in DATA)


def test_keeprma_with_user_weights_raises():
    """R keeps metafor's rma objects with keeprma = TRUE and user weights; pymeta has none
    (keeprma = TRUE without user weights changes nothing in R and is accepted)."""
    with pytest.raises(NotImplementedError, match="keeprma"):
        pymeta.metagen(**DATA["metagen"], weights=[1.0, 2.0, 3.0], keeprma=True)
    assert pymeta.metagen(**DATA["metagen"], keeprma=True).TE_random == \
        pymeta.metagen(**DATA["metagen"]).TE_random


def test_missing_subset_positions_raise():
    """R analyses a study of missing values for a missing position in subset (x[NA]);
    pymeta refuses. Missing positions in exclude are skipped, as R skips them."""
    with pytest.raises(NotImplementedError, match="subset"):
        pymeta.metagen(**DATA["metagen"], subset=[0, float("nan")])
    res = pymeta.metagen(**DATA["metagen"], exclude=[float("nan"), 1])
    assert list(res.exclude) == [False, True, False]
