"""Properties of the three-level model (``cluster``), without R.

Invariants: a cluster without repeats changes nothing but the stored cluster; both
variance components are non-negative and their CIs hold them; the CI of the pooled
estimate holds it; ``w_random`` are percentages; ``k_study`` counts the clusters used;
relabelling the clusters changes nothing (bit for bit); a shift of every estimate
shifts the pooled estimate; the common effect model is never fitted. The numbers
themselves are compared with R in tests/test_three_level_live.py.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import pymeta
from pymeta.model.tau2 import MetaforError


@st.composite
def clustered(draw):
    n_cl = draw(st.integers(2, 5))
    sizes = [draw(st.integers(1, 4)) for _ in range(n_cl)]
    if max(sizes) < 2:
        sizes[0] = 2
    cl = [f"c{i}" for i, s in enumerate(sizes) for _ in range(s)]
    k = len(cl)
    te = draw(st.lists(st.floats(-2, 2, allow_nan=False), min_size=k, max_size=k))
    se = draw(st.lists(st.floats(0.05, 1.0), min_size=k, max_size=k))
    rho = draw(st.sampled_from([0.0, 0.3, 0.6]))
    method = draw(st.sampled_from(["REML", "ML"]))
    return dict(TE=te, seTE=se, cluster=cl, rho=rho, method_tau=method)


def _run(**kw):
    """metagen; a fit metafor would not finish (R's same error) is not a case here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return pymeta.metagen(**kw)
        except MetaforError as exc:
            assume(False)
            raise AssertionError from exc


_SETTINGS = settings(max_examples=10, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(clustered())
def test_three_level_invariants(case):
    m = _run(**case)
    assert m.three_level
    tau2 = np.asarray(m.tau2)
    assert tau2.shape == (2,) and np.all(tau2 >= 0)
    lo, up = np.asarray(m.lower_tau2), np.asarray(m.upper_tau2)
    ok = ~np.isnan(lo) & ~np.isnan(up)
    assert np.all(lo[ok] <= tau2[ok] + 1e-12) and np.all(tau2[ok] <= up[ok] + 1e-12)
    assert m.lower_random <= m.TE_random <= m.upper_random
    assert abs(float(np.sum(m.w_random)) - 100.0) < 1e-9
    assert m.k_study == len(set(case["cluster"])) and m.k == len(case["TE"])
    assert not m.common and math.isnan(m.TE_common)
    assert np.all(np.isnan(np.asarray(m.w_common, dtype=float)))
    assert m.method_tau_ci == "PL" and m.method_tau == case["method_tau"]


@_SETTINGS
@given(clustered())
def test_three_level_relabelling(case):
    """Cluster labels are only labels: other names, same numbers bit for bit."""
    a = _run(**case)
    names = {c: f"z{i}" for i, c in enumerate(sorted(set(case["cluster"]), reverse=True))}
    b = _run(**{**case, "cluster": [names[c] for c in case["cluster"]]})
    for f in ("TE_random", "seTE_random", "tau2", "lower_tau2", "upper_tau2", "Q",
              "w_random", "lower_predict"):
        assert np.array_equal(np.asarray(getattr(a, f)), np.asarray(getattr(b, f)),
                              equal_nan=True), f


@_SETTINGS
@given(clustered(), st.floats(-3, 3))
def test_three_level_shift(case, shift):
    """Adding a constant to every estimate moves the pooled estimate by it and leaves the
    variance components (up to the optimiser's tolerance)."""
    a = _run(**case)
    b = _run(**{**case, "TE": [t + shift for t in case["TE"]]})
    assert b.TE_random == pytest.approx(a.TE_random + shift, abs=1e-6)
    assert np.allclose(np.asarray(b.tau2), np.asarray(a.tau2), rtol=1e-4, atol=1e-6)


@_SETTINGS
@given(clustered())
def test_cluster_without_repeats_is_the_usual_model(case):
    """A cluster given once per study: the ordinary model, identical field by field,
    with the cluster stored."""
    k = len(case["TE"])
    plain = _run(TE=case["TE"], seTE=case["seTE"])
    cl = _run(TE=case["TE"], seTE=case["seTE"], cluster=list(range(k)), rho=case["rho"])
    assert not cl.three_level and cl.cluster == tuple(range(k)) and cl.id is None
    a, b = plain.to_dict(), cl.to_dict()
    for f in a:
        if f in ("cluster", "rho", "call"):
            continue
        va, vb = a[f], b[f]
        if isinstance(va, np.ndarray) or isinstance(vb, np.ndarray):
            assert np.array_equal(np.asarray(va), np.asarray(vb), equal_nan=True), f
        elif isinstance(va, float) and math.isnan(va):
            assert isinstance(vb, float) and math.isnan(vb), f
        else:
            assert va == vb, f


def test_k1_usable_estimate():
    """Clusters repeat but a single estimate is usable: metafor's vcalc stops (R's
    message, checked against R in tests/test_three_level_live.py)."""
    with pytest.raises(MetaforError, match="Processing terminated since k = 1."):
        pymeta.metagen(TE=[0.1, math.nan, math.nan], seTE=[0.1, 0.2, 0.2],
                       cluster=["a", "a", "b"])
