"""Tests for pymeta.model.nmath (port of R 4.2.2's qchisq/pchisq via nmath's qgamma/pgamma).

The live test (``@pytest.mark.r``) sends (p, df) and (q, df) pairs to ``Rscript`` as
hexadecimal floats, reads R's ``qchisq``/``pchisq`` back with ``sprintf("%a")`` and
requires bitwise equality.  The grid includes metafor's Q-profile critical values
``qchisq(0.025, df)`` and ``qchisq(0.025, df, lower.tail = FALSE)`` for df = 1..500.
The property tests need no R.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from pymeta.model.nmath import pchisq, qchisq
from pymeta.testing.rscript import from_hex, rscript_or_skip, run_rscript, same_double


R_SCRIPT = r"""
args <- commandArgs(trailingOnly = TRUE)
inp <- read.table(args[1], sep = ";", colClasses = "character",
                  col.names = c("kind", "x", "df", "lt", "lg"))
x <- as.numeric(inp$x); df <- as.numeric(inp$df)
lt <- inp$lt == "1"; lg <- inp$lg == "1"
r <- numeric(nrow(inp))
for (i in seq_len(nrow(inp))) {
  r[i] <- if (inp$kind[i] == "q")
    qchisq(x[i], df[i], lower.tail = lt[i], log.p = lg[i])
  else
    pchisq(x[i], df[i], lower.tail = lt[i], log.p = lg[i])
}
writeLines(sprintf("%a", r), args[2])
"""


def _cases():
    """(kind, x, df, lower_tail, log_p) tuples; deterministic."""
    rng = np.random.default_rng(20240501)
    cases = []
    # Q-profile critical values (metafor): both tails of the 2.5% point, df = 1..500
    for df in range(1, 501):
        cases.append(("q", 0.025, float(df), True, False))
        cases.append(("q", 0.025, float(df), False, False))
    # usual probabilities for small and non-integer df
    ps = (0.005, 0.01, 0.05, 0.1, 0.5, 0.9, 0.95, 0.975, 0.99, 0.995)
    for df in (0.5, 1.0, 1.5, 2.0, 2.7, 3.0, 10.3, 30.0, 123.45, 300.0):
        for p in ps:
            for lt in (True, False):
                cases.append(("q", p, df, lt, False))
    # random p and df (log-uniform df, including df < 1 and very large df)
    for _ in range(150):
        p = float(rng.uniform(1e-10, 1 - 1e-10))
        df = float(math.exp(rng.uniform(math.log(0.05), math.log(5e4))))
        cases.append(("q", p, df, bool(rng.integers(2)), False))
    for _ in range(50):                           # extreme tails and log scale
        lp = -float(math.exp(rng.uniform(math.log(1e-20), math.log(700))))
        df = float(math.exp(rng.uniform(math.log(0.01), math.log(1e4))))
        cases.append(("q", lp, df, bool(rng.integers(2)), True))
    # pchisq at random points near the bulk and far out
    for _ in range(150):
        df = float(math.exp(rng.uniform(math.log(0.05), math.log(5e3))))
        q = df * float(math.exp(rng.normal(0.0, 0.5))) if rng.uniform() < 0.7 else \
            float(math.exp(rng.uniform(math.log(1e-6), math.log(1e4))))
        cases.append(("p", q, df, bool(rng.integers(2)), bool(rng.uniform() < 0.2)))
    return cases


@pytest.fixture(scope="module")
def r_chisq(request):
    rscript = rscript_or_skip(request.config)
    cases = _cases()
    out = run_rscript(rscript, R_SCRIPT, ("%s;%s;%s;%d;%d" % (
        kind, float(x).hex(), float(df).hex(), int(lt), int(lg))
        for kind, x, df, lt, lg in cases))
    res = [_from_hex(s) for s in out]
    assert len(res) == len(cases)
    return cases, res


_from_hex, _same = from_hex, same_double


@pytest.mark.r
def test_matches_r_bit_for_bit(r_chisq):
    cases, rres = r_chisq
    mism = []
    for (kind, x, df, lt, lg), r in zip(cases, rres):
        py = qchisq(x, df, lt, lg) if kind == "q" else pchisq(x, df, lt, lg)
        if not _same(py, r):
            mism.append((kind, x, df, lt, lg, r, py))
    assert not mism, f"{len(mism)} of {len(cases)} differ from R, e.g. {mism[:5]}"


@pytest.mark.r
def test_critical_values_bit_for_bit(r_chisq):
    cases, rres = r_chisq
    n = 0
    for (kind, x, df, lt, lg), r in zip(cases, rres):
        if kind == "q" and x == 0.025 and not lg and df == int(df) and df <= 500:
            assert qchisq(x, df, lt).hex() == r.hex(), (df, lt)
            n += 1
    assert n >= 1000


# ---------------------------------------------------------------- no R needed
@pytest.mark.parametrize("df", [0.3, 1.0, 2.0, 4.5, 17.0, 99.0, 1000.0])
def test_inverse_roundtrip(df):
    xs = df * np.exp(np.linspace(-3.0, 1.5, 41))
    for x in xs:
        for lt in (True, False):
            p = pchisq(x, df, lt)
            if 1e-300 < p < 0.9:          # p near 1 is ill-conditioned (rounding of p)
                back = qchisq(p, df, lt)
                assert back == pytest.approx(x, rel=1e-9), (x, df, lt, p, back)


@pytest.mark.parametrize("df", [0.5, 1.0, 3.0, 25.0, 250.0])
def test_monotone(df):
    ps = np.linspace(1e-6, 1 - 1e-6, 301)
    q_lo = qchisq(ps, df)
    q_up = qchisq(ps, df, lower_tail=False)
    assert np.all(np.diff(q_lo) > 0)
    assert np.all(np.diff(q_up) < 0)
    xs = np.linspace(0.01, 5 * df + 20, 301)
    assert np.all(np.diff(pchisq(xs, df)) >= 0)
    # increasing in df at fixed p
    dfs = np.arange(1, 200)
    assert np.all(np.diff(qchisq(0.025, dfs)) > 0)
    assert np.all(np.diff(qchisq(0.025, dfs, lower_tail=False)) > 0)


def test_boundaries_and_tails():
    assert qchisq(0.0, 3.0) == 0.0 and qchisq(1.0, 3.0) == math.inf
    assert qchisq(0.0, 3.0, lower_tail=False) == math.inf
    assert math.isnan(qchisq(-0.1, 3.0)) and math.isnan(qchisq(0.5, -1.0))
    assert pchisq(0.0, 3.0) == 0.0 and pchisq(math.inf, 3.0) == 1.0
    for df in (0.7, 5.0, 80.0):
        for x in (0.2, df, 3 * df):
            lo, up = pchisq(x, df), pchisq(x, df, lower_tail=False)
            assert lo + up == pytest.approx(1.0, abs=1e-15)
            assert math.log(lo) == pytest.approx(pchisq(x, df, log_p=True), rel=1e-13)


def test_agrees_with_scipy_closely():
    from scipy import stats
    for df in (1.0, 2.5, 10.0, 123.45):
        for p in (0.005, 0.025, 0.5, 0.975):
            assert qchisq(p, df) == pytest.approx(stats.chi2.ppf(p, df), rel=1e-12)
            assert qchisq(p, df, lower_tail=False) == pytest.approx(stats.chi2.isf(p, df),
                                                                    rel=1e-12)


# ------------------------------------------------------------------ Student t quantiles

def _qt_grid():
    rng = np.random.default_rng(20261125)
    p = np.concatenate([10.0 ** rng.uniform(-300, -1, 120),      # far lower tail
                        rng.uniform(0.01, 0.99, 60),                # bulk
                        1 - 10.0 ** rng.uniform(-15, -2, 40),       # near 1
                        [0.025, 0.05, 0.5, 0.95, 0.975, 0.995]])
    dfs = [0.3, 0.7, 0.95, 1.0, 1.5, 2.0, 2.05, 3.0, 4.5, 10.0, 30.0, 100.0, 1000.0, 12345.6]
    # (not p within 1e-2 of 1 for df < 1: R's bisection there compares pt = 1 - val, rounded
    # to 1e-16, with p, so R's own quantile carries errors up to 1 % -- ill-conditioned)
    return [(float(a), d) for d in dfs for a in p if d >= 1 or a < 0.99]


@pytest.mark.r
def test_qt_matches_r(r_meta):
    # R's qt(p, df) (nmath/qt.c), followed step by step by pymeta.model.rmath.qt: Hill's
    # start values and R's closed forms are R's arithmetic, the Taylor steps use R's pt
    # (TOMS 708 port, bit-identical: tests/test_toms708.py; the 1e-13 bound here dates from
    # scipy's stdtr in the steps and is kept as a coarse guard)
    from pymeta.model.rmath import qt
    from pymeta.reference import bridge
    bridge._load()
    ro = bridge._state["ro"]
    grid = _qt_grid()
    p = np.array([a for a, _ in grid])
    df = np.array([d for _, d in grid])
    r = np.array(ro.r["qt"](ro.FloatVector(p), ro.FloatVector(df)))
    py = qt(p, df)
    with np.errstate(invalid="ignore"):
        # (relative, with an absolute floor of 1e-15 for quantiles near 0: qt(0.5, 0.7) is
        # 2.4e-16 in R, the end of its bisection at 0, not a number with digits)
        rel = np.where(py == r, 0.0, np.abs(py - r) / np.maximum(np.abs(r), 1e-2))
    worst = int(np.argmax(rel))
    assert np.all(np.isfinite(r) == np.isfinite(py))
    assert rel[worst] <= 1e-13, (p[worst], df[worst], py[worst], r[worst], rel[worst])
    # metagen's seTE from a p-value with df: the upper tail at p / 2, near p = 1 included
    # (the quantile is then close to 0, where only R's own steps keep R's digits)
    a = p[p > 0.5] / 2
    for d in (1.0, 2.0, 3.0, 30.0):
        ru = np.array(ro.r["qt"](ro.FloatVector(a), d, **{"lower.tail": False}))
        assert np.max(np.abs(-qt(a, np.full(a.size, d)) - ru) / np.abs(ru)) <= 1e-13
