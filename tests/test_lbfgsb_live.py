"""Tests for pymeta.model.lbfgsb (port of R 4.2.2's ``optim(method = "L-BFGS-B")``).

The live tests (``@pytest.mark.r``) send each problem (start, bounds, data, control) to
``Rscript`` as hexadecimal floats; R runs ``optim(par, fn, method = "L-BFGS-B", lower,
upper, control)`` with a finite-difference gradient and returns ``par`` and ``value``
with ``sprintf("%a")``, ``counts``, ``convergence``, ``message`` and the list of every
point ``fn`` was evaluated at.  Python must agree bit for bit (par, value, every
evaluated point) and exactly (counts, convergence, message); a mismatch reports the
first evaluation where the two runs part.  The problems: quadratics and Rosenbrock's
function with and without active bounds, starts on a bound and outside the box, a
six-variable Rosenbrock (BLAS ddot's unrolled loop), ``maxit`` / ``factr`` / ``pgtol``
/ ``lmm`` / ``ndeps`` / ``parscale`` / ``fnscale`` variants, an infeasible box, a
non-finite objective, and estmeansd's QE fit of a normal distribution to 3 or 5 sample
quantiles (``S.theta``).  The property tests need no R.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from pymeta.model import nmath
from pymeta.model.lbfgsb import LbfgsbResult, optim_lbfgsb
from pymeta.model.rmath import r_sum, rpow1
from pymeta.testing.rscript import from_hex, rscript_or_skip, run_rscript


R_SCRIPT = r"""
args <- commandArgs(trailingOnly = TRUE)
lines <- readLines(args[1])
hv <- function(s) if (nchar(s)) as.numeric(strsplit(s, ",", fixed = TRUE)[[1]]) else numeric(0)
hx <- function(v) paste(sprintf("%a", v), collapse = ",")
out <- character(length(lines))
for (k in seq_along(lines)) {
  f <- strsplit(lines[k], ";", fixed = TRUE)[[1]]
  f <- c(f, rep("", 7 - length(f)))
  kind <- f[1]; par <- hv(f[2]); lower <- hv(f[3]); upper <- hv(f[4])
  dat <- hv(f[5]); dat2 <- hv(f[6])
  ctl <- if (nzchar(f[7])) eval(parse(text = paste0("list(", f[7], ")"))) else list()
  fn <- switch(kind,
    quad = function(x) dat[1] * (x[1] - dat[3])^2 + dat[2] * (x[2] - dat[4])^2 +
                       dat[5] * x[1] * x[2],
    rosen = function(x) 100 * (x[2] - x[1] * x[1])^2 + (1 - x[1])^2,
    rosenn = function(x) { n <- length(x)
                           sum(100 * (x[-1] - x[-n]^2)^2 + (1 - x[-n])^2) },
    qnorm = function(theta) sum((qnorm(p = dat, theta[1], theta[2]) - dat2)^2),
    qlnorm = function(theta) sum((qlnorm(p = dat, theta[1], theta[2]) - dat2)^2),
    wall = function(x) (x[1] - 3)^2 + x[2]^2 + if (x[1] > dat[1]) Inf else 0)
  evals <- character()
  fnl <- function(x) { evals[[length(evals) + 1L]] <<- paste(sprintf("%a", x), collapse = ":")
                       fn(x) }
  r <- tryCatch(optim(par, fnl, method = "L-BFGS-B", lower = lower, upper = upper,
                      control = ctl),
                error = function(e) conditionMessage(e))
  out[k] <- if (is.character(r)) paste0("ERR;", r, ";", paste(evals, collapse = " ")) else
    paste(hx(r$par), sprintf("%a", r$value), paste(r$counts, collapse = ","),
          r$convergence, r$message, paste(evals, collapse = " "), sep = ";")
}
writeLines(out, args[2])
"""

INF = math.inf


# ------------------------------------------------------------------ the problems in Python

def _fn(kind, dat, dat2):
    if kind == "quad":
        w1, w2, c1, c2, h = dat

        def f(x):
            a, b = x[0] - c1, x[1] - c2
            return w1 * rpow1(a, 2.0) + w2 * rpow1(b, 2.0) + h * x[0] * x[1]
    elif kind == "rosen":
        def f(x):
            a = x[1] - x[0] * x[0]
            return 100 * rpow1(a, 2.0) + rpow1(1 - x[0], 2.0)
    elif kind == "rosenn":
        def f(x):
            terms = [100 * rpow1(x[i + 1] - rpow1(x[i], 2.0), 2.0) + rpow1(1 - x[i], 2.0)
                     for i in range(len(x) - 1)]
            return r_sum(terms)
    elif kind == "qnorm":
        def f(theta):
            mu, sigma = theta
            return r_sum([rpow1(mu + sigma * nmath.qnorm(p) - q, 2.0)
                          for p, q in zip(dat, dat2)])
    elif kind == "qlnorm":
        def f(theta):
            mu, sigma = theta
            return r_sum([rpow1(math.exp(mu + sigma * nmath.qnorm(p)) - q, 2.0)
                          for p, q in zip(dat, dat2)])
    elif kind == "wall":
        def f(x):
            return rpow1(x[0] - 3, 2.0) + rpow1(x[1], 2.0) + (INF if x[0] > dat[0] else 0.0)
    else:
        raise ValueError(kind)
    return f


def _qe_normal_case(rng, five):
    """estmeansd-like data: sample quantiles of a random normal sample."""
    n = int(rng.integers(10, 400))
    mu = float(rng.uniform(-20, 50))
    sd = float(math.exp(rng.uniform(math.log(0.2), math.log(15))))
    xs = np.sort(rng.normal(mu, sd, n))
    q1, med, q3 = (float(v) for v in np.quantile(xs, [0.25, 0.5, 0.75]))
    if five:
        probs = [1.0 / n, 0.25, 0.5, 0.75, 1.0 - 1.0 / n]
        quants = [float(xs[0]), q1, med, q3, float(xs[-1])]
    else:
        probs = [0.25, 0.5, 0.75]
        quants = [q1, med, q3]
    start = [(q1 + med + q3) / 3.0, (q3 - q1) / 1.35]
    return ("qnorm", start, [q1, 0.001], [q3, 50.0], probs, quants, {})


def _qe_lognormal_case(rng):
    n = int(rng.integers(10, 400))
    xs = np.sort(np.exp(rng.normal(rng.uniform(-1, 4), rng.uniform(0.1, 1.5), n)))
    q1, med, q3 = (float(v) for v in np.quantile(xs, [0.25, 0.5, 0.75]))
    probs = [1.0 / n, 0.25, 0.5, 0.75, 1.0 - 1.0 / n]
    quants = [float(xs[0]), q1, med, q3, float(xs[-1])]
    start = [math.log(med), (math.log(q3) - math.log(q1)) / 1.35]
    return ("qlnorm", start, [math.log(q1), 0.001], [math.log(q3), 50.0], probs, quants, {})


def _random_rosen_case(rng):
    """Rosenbrock in 3 to 8 variables, random one- or two-sided bounds (or none) and a
    start that may lie outside the box: several breakpoints per Cauchy search, variables
    entering and leaving the free set."""
    n = int(rng.integers(3, 9))
    lo, up = [], []
    for _ in range(n):
        k = int(rng.integers(4))
        lo.append(float(rng.uniform(-2.0, 0.6)) if k in (1, 3) else -INF)
        up.append(float(rng.uniform(0.4, 2.0)) if k in (2, 3) else INF)
    start = [float(v) for v in rng.uniform(-2.5, 2.5, n)]
    return ("rosenn", start, lo, up, [], [], {})


def _cases():
    """(kind, par, lower, upper, dat, dat2, control) tuples; deterministic."""
    rng = np.random.default_rng(20261127)
    quad = [1.0, 3.0, 1.0, 2.0, 0.5]
    c = [
        ("quad", [0.0, 0.0], [-INF, -INF], [INF, INF], quad, [], {}),
        ("quad", [0.0, 0.0], [-5.0, -5.0], [5.0, 1.5], quad, [], {}),        # active upper
        ("quad", [3.0, -1.0], [0.5, -1.0], [4.0, 1.0], [1.0, 3.0, 0.0, 2.0, 0.0], [], {}),
        ("quad", [-1.0, 0.5], [-1.0, 0.0], [3.0, 3.0], [2.0, 0.7, -3.0, 1.0, 0.2], [], {}),
        ("quad", [10.0, -10.0], [-2.0, -2.0], [2.0, 2.0], quad, [], {}),     # outside the box
        ("quad", [0.3, 0.4], [0.3, -INF], [INF, 0.4], [1.0, 1.0, 0.0, 1.0, 0.0], [], {}),
        ("quad", [1.0, 2.0], [-INF, -INF], [INF, INF], [1.0, 1.0, 1.0, 2.0, 0.0], [], {}),
        ("rosen", [-1.2, 1.0], [-INF, -INF], [INF, INF], [], [], {}),
        ("rosen", [-1.2, 1.0], [-2.0, -2.0], [0.5, 2.0], [], [], {}),         # active x1
        ("rosen", [-1.2, 1.0], [-2.0, 1.0], [2.0, 2.0], [], [], {}),          # start on x2 bound
        ("rosen", [2.0, 2.0], [-2.0, -2.0], [2.0, 2.0], [], [], {}),          # corner start
        ("rosen", [-1.2, 1.0], [-3.0, -INF], [INF, 0.8], [], [], {}),         # one-sided
        ("rosen", [-1.2, 1.0], [-INF, -INF], [INF, INF], [], [], {"maxit": 5}),
        ("rosen", [-1.2, 1.0], [-INF, -INF], [INF, INF], [], [], {"factr": 10.0}),
        ("rosen", [-1.2, 1.0], [-INF, -INF], [INF, INF], [], [], {"pgtol": 1e-3}),
        ("rosen", [-1.2, 1.0], [-2.0, -2.0], [2.0, 2.0], [], [], {"lmm": 2}),
        ("rosen", [-1.2, 1.0], [-INF, -INF], [INF, INF], [], [], {"ndeps": [1e-6, 1e-5]}),
        ("rosen", [-1.2, 1.0], [-2.0, -2.0], [2.0, 2.0], [], [],
         {"parscale": [2.0, 0.5], "fnscale": 3.0}),
        ("rosenn", [-1.2, 1.0, -1.2, 1.0, 0.5, -0.3], [-INF] * 6, [INF] * 6, [], [], {}),
        ("rosenn", [-1.2, 1.0, -1.2, 1.0, 0.5, -0.3, 0.1], [-2.0] * 7,
         [0.8, 2, 2, 2, 2, 0.9, 2], [], [], {}),
        ("quad", [1.0, 1.0], [2.0, 0.0], [1.0, 3.0], quad, [], {}),          # infeasible
        ("wall", [1.0, 1.0], [-INF, -INF], [INF, INF], [2.0], [], {}),     # non-finite fn
        ("wall", [1.0, 1.0], [-INF, -INF], [INF, INF], [1.0005], [], {}),  # ... in the gradient
    ]
    for _ in range(25):
        c.append(_qe_normal_case(rng, False))
    for _ in range(25):
        c.append(_qe_normal_case(rng, True))
    rng2 = np.random.default_rng(11272026)
    for _ in range(30):
        c.append(_random_rosen_case(rng2))
    for _ in range(15):
        c.append(_qe_lognormal_case(rng2))
    return c


def _h(v: float) -> str:
    if v == INF:
        return "Inf"
    if v == -INF:
        return "-Inf"
    return float(v).hex()


_from_hex = from_hex


def _rctl(ctl):
    parts = []
    for k, v in ctl.items():
        if isinstance(v, (list, tuple)):
            parts.append("%s = c(%s)" % (k, ", ".join(_h(float(a)) for a in v)))
        else:
            parts.append("%s = %s" % (k, _h(float(v))))
    return ", ".join(parts)


@pytest.fixture(scope="module")
def r_lbfgsb(request):
    rscript = rscript_or_skip(request.config)
    cases = _cases()
    res = run_rscript(rscript, R_SCRIPT, (
        ";".join([kind, ",".join(map(_h, par)), ",".join(map(_h, lo)), ",".join(map(_h, up)),
                  ",".join(map(_h, dat)), ",".join(map(_h, dat2)), _rctl(ctl)])
        for kind, par, lo, up, dat, dat2, ctl in cases))
    assert len(res) == len(cases)
    return cases, [_parse(s) for s in res]


def _parse(line):
    f = line.split(";")
    evals = [tuple(_from_hex(v) for v in e.split(":")) for e in f[-1].split(" ") if e]
    if f[0] == "ERR":
        return {"error": f[1], "evals": evals}
    return {"par": tuple(_from_hex(v) for v in f[0].split(",")),
            "value": _from_hex(f[1]), "counts": tuple(int(v) for v in f[2].split(",")),
            "convergence": int(f[3]), "message": f[4], "evals": evals}


def _run_py(case):
    kind, par, lo, up, dat, dat2, ctl = case
    f = _fn(kind, dat, dat2)
    evals = []

    def logged(x):
        evals.append(tuple(x))
        return f(x)
    try:
        res = optim_lbfgsb(logged, par, lower=lo, upper=up, control=ctl)
    except ValueError as e:
        return {"error": str(e), "evals": evals}
    return {"par": res.par, "value": res.value, "counts": res.counts,
            "convergence": res.convergence, "message": res.message, "evals": evals}


def _bits(t):
    return tuple(float(v).hex() for v in t)


def _compare(case, r, py):
    """None when identical, else a description of the first difference."""
    re_, pe = r["evals"], py["evals"]
    for k, (a, b) in enumerate(zip(re_, pe)):
        if _bits(a) != _bits(b):
            return f"evaluation {k + 1} differs: R {a} vs Python {b}"
    if len(re_) != len(pe):
        return f"{len(re_)} evaluations in R, {len(pe)} in Python"
    if "error" in r or "error" in py:
        if r.get("error") != py.get("error"):
            return f"R: {r.get('error', 'no error')!r}, Python: {py.get('error', 'no error')!r}"
        return None
    if r["message"] == "ERROR: NO FEASIBLE SOLUTION":      # R's value is uninitialised
        keys = ("par", "counts", "convergence", "message")
    else:
        keys = ("par", "value", "counts", "convergence", "message")
    for key in keys:
        a, b = r[key], py[key]
        if key in ("par", "value"):
            a, b = (_bits(a), _bits(b)) if key == "par" else (a.hex(), b.hex())
        if a != b:
            return f"{key}: R {r[key]!r} vs Python {py[key]!r}"
    return None


@pytest.mark.r
def test_matches_r_bit_for_bit(r_lbfgsb):
    cases, rres = r_lbfgsb
    bad = []
    for i, (case, r) in enumerate(zip(cases, rres)):
        why = _compare(case, r, _run_py(case))
        if why:
            bad.append((i, case[0], why))
    assert not bad, f"{len(bad)} of {len(cases)} differ from R: {bad[:5]}"


@pytest.mark.r
def test_qe_normal_fits_bit_for_bit(r_lbfgsb):
    cases, rres = r_lbfgsb
    n = 0
    for case, r in zip(cases, rres):
        if case[0] != "qnorm":
            continue
        py = _run_py(case)
        assert _bits(py["par"]) == _bits(r["par"]), (case, r["par"], py["par"])
        assert py["value"].hex() == r["value"].hex()
        assert (py["counts"], py["convergence"], py["message"]) == \
            (r["counts"], r["convergence"], r["message"])
        n += 1
    assert n == 50


@pytest.mark.r
def test_covers_the_interesting_paths(r_lbfgsb):
    """The R runs include maxit exhaustion, both convergence messages, the infeasible box
    and both non-finite errors, so these paths are compared too."""
    _cases_, rres = r_lbfgsb
    msgs = {r.get("message") for r in rres}
    assert {"NEW_X", "CONVERGENCE: REL_REDUCTION_OF_F <= FACTR*EPSMCH",
            "CONVERGENCE: NORM OF PROJECTED GRADIENT <= PGTOL",
            "ERROR: NO FEASIBLE SOLUTION"} <= msgs
    errs = {r.get("error") for r in rres}
    assert "L-BFGS-B needs finite values of 'fn'" in errs
    assert "non-finite finite-difference value [1]" in errs


# ---------------------------------------------------------------- no R needed

def _quad(x):
    return (x[0] - 1.0) ** 2 + 3.0 * (x[1] - 2.0) ** 2 + 0.5 * x[0] * x[1]


def test_result_type_and_unconstrained_minimum():
    res = optim_lbfgsb(_quad, [0.0, 0.0])
    assert isinstance(res, LbfgsbResult)
    # gradient 0: 2(x - 1) + 0.5 y = 0, 6(y - 2) + 0.5 x = 0
    a = np.array([[2.0, 0.5], [0.5, 6.0]])
    xy = np.linalg.solve(a, [2.0, 12.0])
    assert res.par == pytest.approx(tuple(xy), abs=1e-4)
    assert res.convergence == 0 and res.message.startswith("CONVERGENCE")
    assert res.counts[0] == res.counts[1] >= 2
    assert res.value == _quad(list(res.par))


def test_bounds_are_respected_and_active():
    seen = []

    def f(x):
        seen.append(tuple(x))
        return _quad(x)
    res = optim_lbfgsb(f, [0.0, 0.0], lower=[-5.0, -5.0], upper=[5.0, 1.5])
    assert res.par[1] == 1.5
    assert all(-5.0 <= a <= 5.0 and -5.0 <= b <= 1.5 for a, b in seen)


def test_start_outside_box_is_projected():
    seen = []

    def f(x):
        seen.append(tuple(x))
        return _quad(x)
    optim_lbfgsb(f, [10.0, -10.0], lower=-2.0, upper=2.0)
    assert seen[0] == (2.0, -2.0)


def test_maxit_and_messages():
    rosen = lambda x: 100 * (x[1] - x[0] * x[0]) ** 2 + (1 - x[0]) ** 2  # noqa: E731
    res = optim_lbfgsb(rosen, [-1.2, 1.0], control={"maxit": 3})
    assert res.convergence == 1 and res.message == "NEW_X"
    res = optim_lbfgsb(rosen, [-1.2, 1.0])
    assert res.convergence == 0 and res.par == pytest.approx((1.0, 1.0), abs=1e-3)


def test_errors_and_unsupported_controls():
    with pytest.raises(ValueError, match="L-BFGS-B needs finite values of 'fn'"):
        optim_lbfgsb(lambda x: math.nan, [1.0, 2.0])
    with pytest.raises(NotImplementedError):
        optim_lbfgsb(_quad, [0.0, 0.0], control={"reltol": 1e-8})
    with pytest.raises(NotImplementedError):
        optim_lbfgsb(_quad, [0.0, 0.0], control={"trace": 6})
    res = optim_lbfgsb(_quad, [1.0, 1.0], lower=[2.0, 0.0], upper=[1.0, 3.0])
    assert (res.convergence, res.message, res.counts) == (52, "ERROR: NO FEASIBLE SOLUTION",
                                                          (0, 0))


def test_qe_normal_recovers_parameters():
    # exact normal quantiles: the fit should land on (mu, sigma)
    mu, sigma = 12.5, 3.25
    probs = [0.25, 0.5, 0.75]
    quants = [mu + sigma * nmath.qnorm(p) for p in probs]
    f = _fn("qnorm", probs, quants)
    res = optim_lbfgsb(f, [12.0, 2.0], lower=[quants[0], 0.001], upper=[quants[2], 50.0])
    assert res.par == pytest.approx((mu, sigma), rel=1e-3)
    assert res.value < 1e-6


def test_deterministic_no_shared_state():
    r1 = optim_lbfgsb(_quad, [0.3, -0.7], lower=[-1.0, -1.0], upper=[1.0, 1.0])
    optim_lbfgsb(lambda x: 100 * (x[1] - x[0] * x[0]) ** 2 + (1 - x[0]) ** 2, [-1.2, 1.0])
    r2 = optim_lbfgsb(_quad, [0.3, -0.7], lower=[-1.0, -1.0], upper=[1.0, 1.0])
    assert r1 == r2
