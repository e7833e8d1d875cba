"""Properties of the estmeansd ports and R's minimisers (no R needed).

The live parity is tests/test_estmeansd_live.py; these state what must hold whatever R
says: the seed in a result's note reproduces the result, a seed fixes the numbers, the
minimisers find what they are asked for, R's mean/sd are the mean and SD.
"""
import math
import re
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import pymeta
from pymeta.effects.estmeansd import bc_mean_sd, mln_mean_sd, r_mean, r_sd
from pymeta.model.optimize import nelder_mead, optimize
from pymeta.model.rrng import RRandom

DATA = dict(n_e=np.array([30.0, 40, 25]), n_c=np.array([31.0, 38, 27]),
            median_e=np.array([4.5, 5.0, 3.9]), q1_e=np.array([3.0, 3.2, 2.5]),
            q3_e=np.array([7.0, 8.1, 6.1]), median_c=np.array([3.5, 4.0, 3.1]),
            q1_c=np.array([2.0, 2.4, 1.9]), q3_c=np.array([6.0, 6.6, 5.0]))


@pytest.mark.parametrize("method", ["Cai", "BC-McGrath"])
def test_note_seed_reproduces_the_result(method):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        first = pymeta.metacont(**DATA, method_mean=method, method_sd=method)
        seed = int(re.search(r"seed_estmeansd = (-?\d+)", first.notes[-1]).group(1))
        again = pymeta.metacont(**DATA, method_mean=method, method_sd=method,
                                seed_estmeansd=seed)
        other = pymeta.metacont(**DATA, method_mean=method, method_sd=method,
                                seed_estmeansd=seed + 1)
    assert np.array_equal(first.mean_e, again.mean_e)
    assert first.TE_random == again.TE_random
    assert not np.array_equal(first.mean_e, other.mean_e)   # Monte Carlo: the seed matters


def test_no_draws_no_note():
    """Reported means and SDs: estmeansd is never called, nothing is drawn or noted."""
    d = dict(n_e=[10.0, 12], mean_e=[1.0, 2], sd_e=[1.0, 1], n_c=[10.0, 12],
             mean_c=[1.5, 2.5], sd_c=[1.0, 1.2])
    res = pymeta.metacont(**d, method_mean="Cai", method_sd="BC-McGrath")
    assert not any("set.seed" in n for n in res.notes)


@pytest.mark.parametrize("bad", ["1", True, math.nan, math.inf])
def test_bad_seed_is_refused(bad):
    with pytest.raises(ValueError, match="seed_estmeansd"):
        pymeta.metacont(**DATA, method_mean="Cai", seed_estmeansd=bad)


@settings(max_examples=40, deadline=None)
@given(st.floats(0.5, 50), st.floats(0.05, 0.9), st.integers(10, 400),
       st.integers(-2**31 + 1, 2**31 - 1))
def test_estimates_are_plausible(mu, spread, n, seed):
    """Quartiles of a log-normal sample: both methods give a mean between the quartiles'
    extremes' neighbourhood and a positive SD; the same seed gives the same numbers."""
    q1, med, q3 = (math.exp(math.log(mu) + z * spread) for z in (-0.6745, 0.0, 0.6745))
    for fun in (bc_mean_sd, mln_mean_sd):
        a = fun(None, q1, med, q3, None, float(n), rng=RRandom(seed))
        b = fun(None, q1, med, q3, None, float(n), rng=RRandom(seed))
        assert (a.est_mean, a.est_sd) == (b.est_mean, b.est_sd)
        assert a.est_sd > 0
        assert q1 < a.est_mean < q3 + (q3 - q1)


@settings(max_examples=60, deadline=None)
@given(st.floats(-5, 5), st.floats(0.1, 3))
def test_optimize_finds_a_parabola_minimum(a, width):
    res = optimize(lambda x: (x - a) ** 2, a - width, a + 2 * width)
    assert abs(res.x - a) <= 3 * (1.5e-8 * abs(a) + 2.2e-16 ** 0.25 / 3) + 1e-12
    top = optimize(lambda x: -(x - a) ** 2, a - width, a + 2 * width, maximum=True)
    assert abs(top.x - a) < 1e-3


@settings(max_examples=40, deadline=None)
@given(st.floats(-10, 10), st.floats(-10, 10), st.floats(0.5, 5))
def test_nelder_mead_finds_a_quadratic_minimum(a, b, scale):
    res = nelder_mead(lambda p: (p[0] - a) ** 2 + scale * (p[1] - b) ** 2, (0.0, 0.0))
    assert res.convergence == 0
    assert res.value < 1e-6 * (1 + a * a + b * b)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=200))
def test_r_mean_and_sd(x):
    x = np.array(x)
    exact = math.fsum(x) / x.size
    assert abs(r_mean(x) - exact) <= 4 * np.spacing(max(abs(exact), np.abs(x).max()))
    sd = float(np.std(x, ddof=1))
    assert r_sd(x) == pytest.approx(sd, rel=1e-9, abs=1e-9 * np.abs(x).max())


def test_subgroups_continue_the_stream():
    """The subgroup analyses redraw (as R does), so a one-study subgroup's mean differs
    from the overall analysis' mean for that study, and the same seed repeats both."""
    kw = dict(method_mean="BC-McGrath", seed_estmeansd=5, subgroup=["a", "b", "b"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        one = pymeta.metacont(**DATA, **kw)
        two = pymeta.metacont(**DATA, **kw)
        alone = pymeta.metacont(**DATA, method_mean="BC-McGrath", seed_estmeansd=5)
    assert one.TE_common_w[0] != one.TE[0]
    assert np.array_equal(one.TE_common_w, two.TE_common_w)
    assert np.array_equal(one.TE, alone.TE)


def test_qe_draws_nothing_and_ignores_the_seed():
    """"QE-McGrath" is deterministic: no random numbers, no seed note, the same numbers
    whatever seed_estmeansd says, and the Monte Carlo methods' stream is left as it was."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = pymeta.metacont(**DATA, method_mean="QE-McGrath", method_sd="QE-McGrath")
        b = pymeta.metacont(**DATA, method_mean="QE-McGrath", method_sd="QE-McGrath",
                            seed_estmeansd=7)
    assert not any("set.seed" in n for n in a.notes + b.notes)
    assert np.array_equal(a.mean_e, b.mean_e) and np.array_equal(a.sd_c, b.sd_c)
    assert a.TE_random == b.TE_random


@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.data_too_large, HealthCheck.too_slow])
@given(st.floats(0.5, 50), st.floats(0.05, 0.9), st.integers(10, 400),
       st.sampled_from(["S1", "S2", "S3"]))
def test_qe_estimates_are_a_fitted_family(mu, spread, n, scen):
    """Quantiles of a log-normal: the estimate is the selected family's mean and SD, the
    selected family has the smallest objective of those fitted, the SD is positive."""
    from pymeta.effects.qe import FAMILIES, _mean_sd, qe_mean_sd
    q = [mu * math.exp(spread * z) for z in (-2.0, -0.6745, 0.0, 0.6745, 2.0)]
    keep = {"S1": (0, 2, 4), "S2": (1, 2, 3), "S3": (0, 1, 2, 3, 4)}[scen]
    vals = [q[i] if i in keep else None for i in range(5)]
    res = qe_mean_sd(*vals, n=float(n))
    i = FAMILIES.index(res.selected_dist)
    assert res.values[i] == min(v for v in res.values if not math.isnan(v))
    assert (res.est_mean, res.est_sd) == _mean_sd(res.selected_dist, res.par[i])
    assert res.est_sd > 0 and q[0] < res.est_mean < q[4]
