"""Edge cases of the model surface, every one against R meta live (issue 4's list).

Data sets: k = 1, k = 2, identical estimates, standard errors whose ratio spans 1e6
(largest/smallest), nearly equal standard errors (ratio 1 + 1e-6), tau2 at the zero
boundary (Q < df), extreme heterogeneity, and SMD with very large arms (the exact
small-sample factor J needs gamma-function ratios that overflow if done naively).

Each is run with every tau2 estimator under three controls: R's defaults, tightened
controls (``threshold = 1e-12, tol = 1e-12, maxiter = 1000``: agreement here shows the
algorithm, not a shared early stopping point, is right) and ``maxiter = 1``
(non-convergence: R's warning or error must be reproduced). Where R stops, pymeta must
raise; where R goes on, pymeta's warnings must be R's (same text, same order) and every
field must meet the parity contract.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import pymeta
from pymeta.testing.compare import compare_result, fields_to_compare

METHODS = ("REML", "DL", "PM", "ML", "HS", "SJ", "HE", "EB")
CONTROLS = {
    "default": None,
    "tight": {"threshold": 1e-12, "tol": 1e-12, "maxiter": 1000},
    "maxiter1": {"maxiter": 1},
}
IGNORED_R_WARNINGS = frozenset({"NaNs produced"})


def _gen(TE, seTE):
    k = len(TE)
    return {"TE": [float(x) for x in TE], "seTE": [float(x) for x in seTE],
            "studlab": [f"S{i + 1}" for i in range(k)]}


DATA = {
    "k1": ("metagen", _gen([0.3], [0.2])),
    "k2": ("metagen", _gen([0.3, -0.4], [0.2, 0.35])),
    "equal_TE": ("metagen", _gen([0.5] * 5, [0.1, 0.2, 0.3, 0.15, 0.25])),
    "seTE_ratio_1e6": ("metagen", _gen([0.2, 1.5, -3.0, 0.7, 0.1],
                                       [1e-3, 0.1, 1e3, 0.5, 2.0])),
    "seTE_ratio_1p1e-6": ("metagen", _gen([0.2, 0.5, -0.1, 0.3],
                                          [0.2, 0.2 * (1 + 1e-6), 0.2 * (1 - 1e-6), 0.2])),
    "tau2_zero_boundary": ("metagen", _gen([0.10, 0.12, 0.11, 0.09, 0.105],
                                           [0.2, 0.25, 0.3, 0.2, 0.22])),
    "extreme_heterogeneity": ("metagen", _gen([-5.0, 0.0, 5.0, 10.0, 2.0],
                                              [0.05, 0.1, 0.08, 0.12, 0.05])),
    "smd_large_n": ("metacont", {
        "n_e": [200000.0, 150000.0, 3.0], "mean_e": [1.0, 1.2, 0.4],
        "sd_e": [1.0, 1.1, 0.8], "n_c": [210000.0, 160000.0, 2.0],
        "mean_c": [0.9, 1.0, 0.1], "sd_c": [1.1, 1.0, 0.9], "sm": "SMD",
        "studlab": ["A", "B", "C"]}),
}

CASES = [(d, m, c) for d in DATA for m in METHODS for c in CONTROLS]


def _args(data_id: str, method: str, control: str) -> tuple[str, dict]:
    fun, data = DATA[data_id]
    args = dict(data, method_tau=method)
    if CONTROLS[control] is not None:
        args["control"] = dict(CONTROLS[control])
    return fun, args


def _pymeta(fun: str, args: dict):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return getattr(pymeta, fun)(**args), None
        except (NotImplementedError, TypeError):
            raise
        except Exception as exc:   # noqa: BLE001 - compared with R below
            return None, exc


@pytest.fixture(scope="module")
def r_results(r_meta):
    """R meta on every case, in one batch per function."""
    out = {}
    for fun in ("metagen", "metacont"):
        ids = [c for c in CASES if DATA[c[0]][0] == fun]
        cls = type(getattr(pymeta, fun)(**dict(DATA[ids[0][0]][1])))
        fields = fields_to_compare(cls)
        runs = r_meta.run_many(fun, [_args(*c)[1] for c in ids], fields)
        out.update(dict(zip(ids, runs)))
    return out


@pytest.mark.r
@pytest.mark.parametrize("case", CASES, ids=["-".join(c) for c in CASES])
def test_edge_case_against_r(case, r_results):
    fun, args = _args(*case)
    r = r_results[case]
    res, exc = _pymeta(fun, args)
    if not r["ok"]:
        assert exc is not None, f"R stops ({r['error']!r}); pymeta returned a result"
        return
    assert exc is None, f"R goes on; pymeta raised {exc!r}"
    r_warn = [w for w in r["warnings"] if w not in IGNORED_R_WARNINGS]
    assert list(res.warnings) == r_warn
    bad = [d for d in compare_result(res, r["values"]) if not d.ok]
    assert not bad, "; ".join(f"{d.field}: {d.detail}" for d in bad)


def test_edge_case_invariants():
    """Without R: the checks that hold whatever R says (tau2 >= 0, I2 in [0, 1], the
    common CI containing its estimate), on the default controls."""
    for data_id in DATA:
        for method in METHODS:
            fun, args = _args(data_id, method, "default")
            res, exc = _pymeta(fun, args)
            if exc is not None:
                continue
            if not np.isnan(res.tau2):
                assert res.tau2 >= 0
            if not np.isnan(res.I2):
                assert 0 <= res.I2 <= 1
            if not np.isnan(res.TE_common):
                assert res.lower_common <= res.TE_common <= res.upper_common
