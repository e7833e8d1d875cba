"""Tests for pymeta.model.qbeta (ports of R 4.2.2's nmath qbeta, qweibull and qlnorm).

The live tests (``@pytest.mark.r``) send all cases to one ``Rscript`` run as hexadecimal
floats; R evaluates each call separately inside ``withCallingHandlers`` so that the
warnings of every single call are captured (and muffled), and writes the value back with
``sprintf("%a")`` followed by the warning messages.  Values must agree bit for bit and
the warnings must be the same messages in the same order -- estmeansd's QE-McGrath fit
treats any warning as a failed fit, so the warnings matter as much as the values.

The grid follows that use: shapes log-spaced over [0.001, 40] (both below and above one,
extreme ratios), probabilities 1/n (n = 5 .. 10000), 0.25, 0.5, 0.75 and 1 - 1/n, both
tails and log scale, random draws, and the edge cases p = 0, 1, outside [0, 1], shapes
0 / Inf / negative.  The property tests need no R.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from pymeta.model.qbeta import qbeta, qlnorm, qweibull
from pymeta.model.toms708 import pbeta
from pymeta.testing.rscript import from_hex, rscript_or_skip, run_rscript, same_double


R_SCRIPT = r"""
args <- commandArgs(trailingOnly = TRUE)
inp <- read.table(args[1], sep = ";", colClasses = "character",
                  col.names = c("fun", "x", "a", "b", "lt", "lg"))
x <- as.numeric(inp$x); a <- as.numeric(inp$a); b <- as.numeric(inp$b)
lt <- inp$lt == "1"; lg <- inp$lg == "1"
out <- character(nrow(inp))
for (i in seq_len(nrow(inp))) {
  w <- character(0)
  f <- switch(inp$fun[i], qbeta = qbeta, qweibull = qweibull, qlnorm = qlnorm)
  v <- withCallingHandlers(
    f(x[i], a[i], b[i], lower.tail = lt[i], log.p = lg[i]),
    warning = function(cond) {
      w <<- c(w, conditionMessage(cond))
      invokeRestart("muffleWarning")
    })
  out[i] <- paste(c(sprintf("%a", v), gsub("[\t\n]", " ", w)), collapse = "\t")
}
writeLines(out, args[2])
"""

FUNS = {"qbeta": qbeta, "qweibull": qweibull, "qlnorm": qlnorm}

NS = (5, 6, 7, 8, 10, 12, 15, 20, 25, 30, 40, 50, 75, 100, 150, 200, 300, 500, 750, 1000,
      1500, 2000, 3000, 5000, 7500, 10000)
PROBS = sorted({1 / n for n in NS} | {0.25, 0.5, 0.75} | {1 - 1 / n for n in NS})
SHAPES = (0.001, 0.0017, 0.003, 0.0055, 0.01, 0.018, 0.03, 0.055, 0.1, 0.18, 0.3, 0.55,
          0.8, 1.0, 1.3, 2.0, 3.0, 5.5, 10.0, 18.0, 30.0, 40.0)


def _qbeta_cases():
    """(fun, p, a, b, lower_tail, log_p) tuples; deterministic."""
    rng = np.random.default_rng(20261127)
    cases = []
    # the full grid of shapes x probabilities, lower tail
    for a in SHAPES:
        for b in SHAPES:
            for p in PROBS:
                cases.append(("qbeta", p, a, b, True, False))
    # upper tail and log scale on a coarser grid
    sub = SHAPES[::3] + (40.0,)
    psub = (1 / 10000, 1 / 1000, 1 / 50, 1 / 5, 0.25, 0.5, 0.75, 1 - 1 / 5, 1 - 1 / 50,
            1 - 1 / 1000, 1 - 1 / 10000)
    for a in sub:
        for b in sub:
            for p in psub:
                cases.append(("qbeta", p, a, b, False, False))
                cases.append(("qbeta", math.log(p), a, b, True, True))
                cases.append(("qbeta", math.log(p), a, b, False, True))
    # random shapes log-uniform on [0.001, 40] with the estmeansd probabilities ...
    lo, hi = math.log(0.001), math.log(40.0)
    for _ in range(1500):
        a = float(math.exp(rng.uniform(lo, hi)))
        b = float(math.exp(rng.uniform(lo, hi)))
        p = PROBS[int(rng.integers(len(PROBS)))]
        cases.append(("qbeta", p, a, b, True, False))
    # ... and with uniform / extreme probabilities, both tails, some on the log scale
    for _ in range(700):
        a = float(math.exp(rng.uniform(lo, hi)))
        b = float(math.exp(rng.uniform(lo, hi)))
        if rng.uniform() < 0.7:
            p = float(rng.uniform())
            lg = False
        else:
            p = -float(math.exp(rng.uniform(math.log(1e-12), math.log(800))))
            lg = True
        cases.append(("qbeta", p, a, b, bool(rng.integers(2)), lg))
    # extreme shape ratios and tiny / huge shapes outside the estmeansd range
    for a, b in ((1e-5, 40.0), (40.0, 1e-5), (1e-8, 20.0), (1e-9, 20.0), (0.125, 2.0 ** -96),
                 (1e3, 1e-3), (1e-3, 1e3), (1e5, 2.0), (0.05, 1e4), (0.143891, 0.05),
                 (0.001, 0.05), (0.2, 0.03), (1e-300, 1.0), (2.0, 1e-300)):
        for p in (2.0 ** -98, 1e-300, 1e-10, 0.01, 0.2066, 0.21, 0.5, 0.95, 1 - 1e-10):
            cases.append(("qbeta", p, a, b, True, False))
            cases.append(("qbeta", p, a, b, False, False))
        for lp in (-1e-10, -0.5, -10.0, -1000.0):
            cases.append(("qbeta", lp, a, b, True, True))
    # edges: p = 0 / 1 / outside, shapes 0 / Inf / negative / NaN
    for p, lg in ((0.0, False), (1.0, False), (-0.1, False), (1.1, False), (0.0, True),
                  (-math.inf, True), (0.5, True), (math.log(0.3), True), (0.3, False),
                  (math.nan, False)):
        for a, b in ((2.0, 3.0), (0.0, 0.0), (0.0, 2.0), (2.0, 0.0), (math.inf, 2.0),
                     (2.0, math.inf), (math.inf, math.inf), (-1.0, 2.0), (2.0, -0.5),
                     (math.nan, 1.0)):
            for lt in (True, False):
                cases.append(("qbeta", p, a, b, lt, lg))
    for lt in (True, False):                  # exactly "1/2" for the two-point mass
        cases.append(("qbeta", 0.5, 0.0, 0.0, lt, False))
        cases.append(("qbeta", -math.log(2.0), 0.0, 0.0, lt, True))
    return cases


def _other_cases():
    rng = np.random.default_rng(7)
    cases = []
    ps = PROBS + [0.0, 1.0, -0.5, 1.5, 1e-300, 1 - 2.0 ** -53]
    for fun, pars in (("qweibull", ((0.001, 1.0), (0.05, 2.0), (0.3, 1.0), (1.0, 1.0),
                                    (1.7, 0.5), (3.0, 40.0), (40.0, 1.0), (0.0, 1.0),
                                    (2.0, 0.0), (-1.0, 1.0), (math.inf, 2.0),
                                    (2.0, math.inf))),
                      ("qlnorm", ((0.0, 1.0), (1.5, 0.3), (-2.0, 2.5), (0.0, 0.0),
                                  (3.0, -1.0), (700.0, 1.0), (-700.0, 5.0),
                                  (0.0, math.inf), (math.inf, 1.0)))):
        for a, b in pars:
            for p in ps:
                for lt in (True, False):
                    cases.append((fun, p, a, b, lt, False))
            for lp in (0.0, -1e-300, -1e-10, -0.7, -5.0, -100.0, -1e5, -math.inf, 0.5):
                for lt in (True, False):
                    cases.append((fun, lp, a, b, lt, True))
    for _ in range(400):
        p = float(rng.uniform())
        cases.append(("qweibull", p, float(math.exp(rng.uniform(-7, 4))),
                      float(math.exp(rng.uniform(-5, 5))), bool(rng.integers(2)), False))
        cases.append(("qlnorm", p, float(rng.normal(0, 3)), float(math.exp(rng.uniform(-5, 2))),
                      bool(rng.integers(2)), False))
    return cases


_from_hex, _same = from_hex, same_double


@pytest.fixture(scope="module")
def r_results(request):
    rscript = rscript_or_skip(request.config)
    cases = _qbeta_cases() + _other_cases()
    return cases, run_r(rscript, cases)


def run_r(rscript: str, cases):
    """R's (value, warnings) for each (fun, x, a, b, lower_tail, log_p) case."""
    lines = run_rscript(rscript, R_SCRIPT, ("%s;%s;%s;%s;%d;%d" % (
        fun, float(x).hex(), float(a).hex(), float(b).hex(), int(lt), int(lg))
        for fun, x, a, b, lt, lg in cases), timeout=900, english=True)
    res = []
    for line in lines:
        parts = line.split("\t")
        res.append((_from_hex(parts[0]), tuple(parts[1:])))
    assert len(res) == len(cases)
    return res


def _compare(cases, rres, funs):
    n = 0
    bad_val, bad_warn = [], []
    for (fun, x, a, b, lt, lg), (rv, rw) in zip(cases, rres):
        if fun not in funs:
            continue
        n += 1
        pv, pw = FUNS[fun](x, a, b, lt, lg)
        if not _same(pv, rv):
            bad_val.append((fun, x, a, b, lt, lg, rv, pv))
        if tuple(pw) != tuple(rw):
            bad_warn.append((fun, x, a, b, lt, lg, rw, pw))
    return n, bad_val, bad_warn


@pytest.mark.r
def test_qbeta_matches_r_bit_for_bit(r_results):
    cases, rres = r_results
    n, bad_val, bad_warn = _compare(cases, rres, {"qbeta"})
    assert n > 10000
    assert not bad_val, f"{len(bad_val)} of {n} values differ from R, e.g. {bad_val[:5]}"
    assert not bad_warn, f"{len(bad_warn)} of {n} warnings differ from R, e.g. {bad_warn[:5]}"


@pytest.mark.r
def test_qbeta_warnings_occur(r_results):
    """The grid does reach R's warning branches (otherwise the test above proves little)."""
    cases, rres = r_results
    msgs = {w for (fun, *_), (_, ws) in zip(cases, rres) if fun == "qbeta" for w in ws}
    assert "NaNs produced" in msgs
    assert "full precision may not have been achieved in 'qbeta'" in msgs
    assert any(m.startswith("qbeta(a, *) =: x0 with |pbeta(x0,*) - alpha| = ") for m in msgs)
    assert any(m.startswith("qbeta(a, *) =: x0 with |pbeta(x0,*, log_) - alpha| = ")
               for m in msgs)


@pytest.mark.r
def test_qweibull_qlnorm_match_r_bit_for_bit(r_results):
    cases, rres = r_results
    n, bad_val, bad_warn = _compare(cases, rres, {"qweibull", "qlnorm"})
    assert n > 1000
    assert not bad_val, f"{len(bad_val)} of {n} values differ from R, e.g. {bad_val[:5]}"
    assert not bad_warn, f"{len(bad_warn)} of {n} warnings differ from R, e.g. {bad_warn[:5]}"


# ------------------------------------------------------------------------------------------
# properties (no R)
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("a,b", [(0.01, 0.01), (0.3, 5.0), (1.0, 1.0), (2.0, 3.0),
                                 (5.0, 0.3), (40.0, 40.0), (0.001, 40.0), (40.0, 0.001)])
def test_qbeta_monotone_in_p(a, b):
    ps = sorted(set(PROBS) | set(np.linspace(0.01, 0.99, 41).tolist()))
    qs = [qbeta(p, a, b)[0] for p in ps]
    assert all(x <= y for x, y in zip(qs, qs[1:]))
    assert all(0.0 <= x <= 1.0 for x in qs)


@pytest.mark.parametrize("a,b", [(0.3, 5.0), (1.0, 1.0), (2.0, 3.0), (5.0, 0.3),
                                 (10.0, 40.0), (0.7, 0.7), (1.5, 18.0)])
def test_pbeta_of_qbeta_recovers_p(a, b):
    for p in PROBS:
        x, w = qbeta(p, a, b)
        assert not w
        # accuracy is limited by the spacing of doubles near x (steep cdf near 0 or 1)
        step = abs(pbeta(math.nextafter(x, 2.0), a, b) - pbeta(math.nextafter(x, -1.0), a, b))
        assert abs(pbeta(x, a, b) - p) <= max(1e-9 * p, 4 * step)
        xu, _ = qbeta(1 - p, a, b, lower_tail=False)
        step = abs(pbeta(math.nextafter(xu, 2.0), a, b) - pbeta(math.nextafter(xu, -1.0), a, b))
        assert abs(pbeta(xu, a, b, lower_tail=False) - (1 - p)) <= max(1e-9 * (1 - p),
                                                                        4 * step)


def test_uniform_and_simple_closed_forms():
    for p in (0.1, 0.25, 0.5, 0.9):
        assert qbeta(p, 1.0, 1.0)[0] == pytest.approx(p, rel=1e-14)
        assert qbeta(p, 2.0, 1.0)[0] == pytest.approx(math.sqrt(p), rel=1e-13)
        assert qbeta(p, 1.0, 2.0)[0] == pytest.approx(1 - math.sqrt(1 - p), rel=1e-13)
    assert qbeta(0.0, 2.0, 3.0) == (0.0, ())
    assert qbeta(1.0, 2.0, 3.0) == (1.0, ())
    v, w = qbeta(1.5, 2.0, 3.0)
    assert math.isnan(v) and w == ("NaNs produced",)
    v, w = qbeta(0.5, -1.0, 3.0)
    assert math.isnan(v) and w == ("NaNs produced",)
    assert qweibull(1 - math.exp(-1.0), 2.5, 3.0)[0] == pytest.approx(3.0, rel=1e-15)
    assert qlnorm(0.5, 1.2, 0.7)[0] == pytest.approx(math.exp(1.2), rel=1e-15)
    assert math.isnan(qlnorm(0.5, 0.0, -1.0)[0])
    assert qweibull(0.5, 0.0, 1.0)[1] == ("NaNs produced",)
