"""The NNF bootstrap prediction interval's machinery without R (pymeta/model/nnf.py).

Parity with R is in tests/test_parity_live.py (``test_live_nnf*``) and the bundled-data
fixtures; here: the replay of ``std::nth_element`` is a selection (it agrees with sorting
whenever there is no NaN), the interval is a function of the seed, R's non-terminating
cases raise instead of looping, and a single study is refused.
"""
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pymeta
from pymeta.model import nnf
from pymeta.model.pooling import r_seed


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=80), st.data())
def test_nth_element_selects(values, data):
    nth = data.draw(st.integers(0, len(values) - 1))
    v = list(values)
    nnf._nth_element(v, nth)
    assert sorted(v) == sorted(values)                 # a permutation
    assert v[nth] == sorted(values)[nth]               # the order statistic in place
    assert all(x <= v[nth] for x in v[:nth])           # partitioned around it
    assert all(x >= v[nth] for x in v[nth + 1:])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(-100, 100), min_size=2, max_size=200),
       st.sampled_from([0.05, 0.1, 0.2, 0.5]))
def test_quantile_pair_is_type7_without_nan(values, alpha):
    x = np.array(values)
    lo, hi = nnf._quantile_pair(x, alpha)
    q = np.quantile(x, [alpha / 2, 1 - alpha / 2])
    assert lo == pytest.approx(q[0], rel=1e-12, abs=1e-12)
    assert hi == pytest.approx(q[1], rel=1e-12, abs=1e-12)


TE = [0.12, -0.35, 0.41, 0.05, -0.10]
SE = [0.20, 0.31, 0.25, 0.15, 0.40]


def test_same_seed_same_interval_and_seed_matters():
    a = nnf.pima_boot(TE, SE, 0.05, 11)
    b = nnf.pima_boot(TE, SE, 0.05, 11)
    c = nnf.pima_boot(TE, SE, 0.05, 12)
    assert (a.lower, a.upper) == (b.lower, b.upper)
    assert (a.lower, a.upper) != (c.lower, c.upper)
    assert a.lower < a.upper and a.df == len(TE) - 1


def test_wider_level_wider_interval():
    a = nnf.pima_boot(TE, SE, 0.05, 3)
    b = nnf.pima_boot(TE, SE, 0.20, 3)
    assert a.lower < b.lower < b.upper < a.upper


def test_non_terminating_cases_raise():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match="does not terminate"):
            pymeta.metagen([0.1, 0.5], [0.2, 0.3], exclude=[True, False],
                           method_predict="NNF", seed_predict=1)
        with pytest.raises(ValueError, match="does not terminate"):
            pymeta.metagen([0.1, 0.1, 0.1], [0.2, 0.3, 0.1], method_predict="NNF",
                           seed_predict=1)


def test_missing_estimate_is_pimetas_error():
    with pytest.raises(ValueError, match="'y' has missing value"):
        pymeta.metagen([0.1, math.nan, -0.2], [0.2, 0.3, 0.25], method_predict="NNF",
                       seed_predict=4)


def test_r_seed_is_as_integer():
    assert r_seed(2.7) == 2 and r_seed(-2.7) == -2 and r_seed(None) is None
    with pytest.raises(ValueError, match="not a valid integer"):
        r_seed(2.0 ** 31)
