"""Tests for pymeta.model.rootfind.uniroot (port of R's uniroot/zeroin2).

Property tests (hypothesis) check the bracketing guarantees; the live test
(``@pytest.mark.r``) runs the same functions through R's ``uniroot`` via
``Rscript`` and requires root, f.root, iter and estim.prec to be
bit-identical.  Inputs go to R as hexadecimal floats, results come back
with ``sprintf("%.17g")``; no R numbers are typed into this file.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import tempfile
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from pymeta.model.rootfind import UnirootWarning, uniroot

EPS = np.finfo(float).eps
TOL_DEFAULT = EPS ** 0.25
RSCRIPT = shutil.which("Rscript")

# Functions f(x; a) written identically in R and Python (libm calls only).
FUNS_PY = [
    lambda x, a: x * x * x - a,
    lambda x, a: math.exp(x) - a,
    lambda x, a: math.cos(x) - x * a,
    lambda x, a: math.atan(x - a),
    lambda x, a: (math.log(x) if x > 0 else (-math.inf if x == 0 else math.nan)) - a,
    lambda x, a: (x - a) * (x * x + 1),
    lambda x, a: math.tanh(50 * (x - a)),
    lambda x, a: x - a,
    lambda x, a: (x - a) * (x - a) * (x - a),
    lambda x, a: math.sin(x) - a,
]
FUNS_R = """
funs <- list(
  function(x, a) x * x * x - a,
  function(x, a) exp(x) - a,
  function(x, a) cos(x) - x * a,
  function(x, a) atan(x - a),
  function(x, a) log(x) - a,
  function(x, a) (x - a) * (x * x + 1),
  function(x, a) tanh(50 * (x - a)),
  function(x, a) x - a,
  function(x, a) (x - a) * (x - a) * (x - a),
  function(x, a) sin(x) - a)
"""


# --------------------------------------------------------------------------
# property tests
# --------------------------------------------------------------------------

def _odd_monotone(kind):
    g = [lambda u: u, lambda u: u + u * u * u, math.atan, lambda u: math.tanh(3 * u),
         lambda u: u * u * u][kind]
    return g


@settings(max_examples=300, deadline=None)
@given(a=st.floats(-1e3, 1e3),
       left=st.floats(1e-6, 1e3), right=st.floats(1e-6, 1e3),
       kind=st.integers(0, 4),
       tol=st.sampled_from([TOL_DEFAULT, 1e-8, 1e-12, 1e-2]))
def test_root_within_tolerance(a, left, right, kind, tol):
    g = _odd_monotone(kind)
    f = lambda x: g(x - a)  # sign(f) == sign(x - a) exactly
    lo, hi = a - left, a + right
    if not lo < hi:
        return
    res = uniroot(f, lo, hi, tol=tol)
    assert lo <= res.root <= hi
    # the root is bracketed by b and c with |c - b| = estim_prec
    assert abs(res.root - a) <= res.estim_prec + 4 * EPS * abs(a)
    if res.f_root != 0:  # an exact zero stops early with estim_prec = |c - b|
        assert res.estim_prec <= 4 * EPS * abs(res.root) + tol + 4 * EPS * abs(a)
    assert res.f_root == f(res.root)
    assert 0 <= res.iter <= 1000


@settings(max_examples=100, deadline=None)
@given(a=st.floats(-100, 100), w=st.floats(1e-3, 50), shift=st.floats(1e-3, 50))
def test_same_sign_endpoints_raise(a, w, shift):
    f = lambda x: x - a
    lo = a + shift
    with pytest.raises(ValueError, match="f\\(\\) values at end points not of opposite sign"):
        uniroot(f, lo, lo + w)


def test_argument_errors_and_endpoint_roots():
    with pytest.raises(ValueError, match="lower < upper"):
        uniroot(lambda x: x, 1.0, 1.0)
    with pytest.raises(ValueError, match="is NA"):
        uniroot(lambda x: math.nan, 0.0, 1.0)
    r = uniroot(lambda x: x - 1.0, 1.0, 2.0)
    assert (r.root, r.iter, r.estim_prec) == (1.0, 0, 0.0)
    r = uniroot(lambda x: x - 2.0, 1.0, 2.0, f_lower=-1.0, f_upper=0.0)
    assert (r.root, r.iter, r.estim_prec) == (2.0, 0, 0.0)


def test_precomputed_end_values_are_used():
    calls = []

    def f(x):
        calls.append(x)
        return x * x * x - 2.0

    r1 = uniroot(f, 0.0, 3.0)
    n1 = len(calls)
    calls.clear()
    r2 = uniroot(f, 0.0, 3.0, f_lower=f(0.0), f_upper=f(3.0))
    assert r1 == r2 and len(calls) == n1


def test_maxiter_warning():
    with warnings.catch_warnings(record=True) as wl:
        warnings.simplefilter("always")
        r = uniroot(lambda x: math.exp(x) - 7.0, -30.0, 30.0, maxiter=3)
    assert r.iter == 3
    assert any(issubclass(w.category, UnirootWarning) and "_NOT_ converged in 3 iterations"
               in str(w.message) for w in wl)


def test_extend_int():
    r = uniroot(lambda x: x - 10.0, 0.0, 1.0, extend_int="yes")
    assert abs(r.root - 10.0) <= r.estim_prec + 1e-12 and r.init_it > 0
    r = uniroot(lambda x: x - 10.0, 0.0, 1.0, extend_int="upX")
    assert abs(r.root - 10.0) <= r.estim_prec + 1e-12
    with pytest.raises(ValueError):
        uniroot(lambda x: x - 10.0, 0.0, 1.0, extend_int="downX")


# --------------------------------------------------------------------------
# live comparison with R
# --------------------------------------------------------------------------

def _cases():
    rng = np.random.default_rng(4711)
    cases = []
    tols = [TOL_DEFAULT, 1e-8, 1e-12, 1e-3, 0.5]
    maxits = [1000, 1000, 1000, 5, 2, 1]
    exts = ["no"] * 8 + ["yes", "upX", "downX"]
    for n in range(600):
        fi = n % len(FUNS_PY)
        if fi in (0, 3, 5, 6, 7, 8):
            a = rng.normal(0, 10)
            root = math.copysign(abs(a) ** (1 / 3), a) if fi == 0 else a
        elif fi == 1:
            a = math.exp(rng.uniform(-5, 5))
            root = math.log(a)
        elif fi == 2:
            a = rng.uniform(0.1, 3)
            root = None
        elif fi == 4:
            a = rng.uniform(-5, 5)
            root = math.exp(a)
        else:  # sin
            a = rng.uniform(-0.9, 0.9)
            root = math.asin(a)
        if root is None:
            lo, hi = -0.5, 1.6
        else:
            lo = root - abs(root) * rng.uniform(0, 2) - rng.uniform(1e-3, 3)
            hi = root + abs(root) * rng.uniform(0, 2) + rng.uniform(1e-3, 3)
        if fi == 4:
            lo = max(lo, root * 1e-3)
        if fi == 9:
            lo, hi = max(lo, -1.5), min(hi, 1.5)
        ext = exts[n % len(exts)]
        if ext != "no" or n % 29 == 0:
            # move the interval off the root (extension or sign error)
            if fi in (0, 3, 5, 6, 7, 8):
                lo, hi = root + 0.5, root + 2.0
                if ext == "downX":
                    lo, hi = root - 2.0, root - 0.5
        tol = tols[n % len(tols)]
        maxit = maxits[n % len(maxits)]
        cases.append((n, fi, a, lo, hi, tol, maxit, ext))
    return cases


R_MAIN = r"""
args <- commandArgs(TRUE)
L <- readLines(args[1])
f17 <- function(x) if (is.null(x) || length(x) == 0 || is.na(x)) "NA" else sprintf("%.17g", x)
out <- character(0)
for (line in L) {
  p <- strsplit(line, ";", fixed = TRUE)[[1]]
  fi <- as.integer(p[2]) + 1L
  a <- as.numeric(p[3]); lo <- as.numeric(p[4]); hi <- as.numeric(p[5])
  tol <- as.numeric(p[6]); maxit <- as.integer(p[7]); ext <- p[8]
  warns <- character(0)
  res <- tryCatch(withCallingHandlers(
      uniroot(funs[[fi]], c(lo, hi), a = a, tol = tol, maxiter = maxit, extendInt = ext),
      warning = function(w) { warns <<- c(warns, conditionMessage(w)); invokeRestart("muffleWarning") }),
    error = function(e) e)
  if (inherits(res, "error")) {
    out <- c(out, paste(p[1], "ERR", gsub("[\n;]", " ", conditionMessage(res)), sep = ";"))
  } else {
    out <- c(out, paste(p[1], "OK", f17(res$root), f17(res$f.root), res$iter,
                        f17(res$estim.prec), if (is.na(res$init.it)) "NA" else res$init.it,
                        gsub("[\n;]", " ", paste(warns, collapse = " | ")), sep = ";"))
  }
}
writeLines(out, args[2])
"""


@pytest.fixture(scope="module")
def r_uniroot(r_mode):
    if r_mode == "off":
        pytest.skip("R tests switched off (--r off)")
    if RSCRIPT is None:
        if r_mode == "require":
            pytest.fail("Rscript is required but not available")
        pytest.skip("Rscript not available")
    cases = _cases()
    with tempfile.TemporaryDirectory() as d:
        inp, outp, scr = (os.path.join(d, n) for n in ("in.txt", "out.txt", "run.R"))
        with open(scr, "w") as fh:
            fh.write(FUNS_R + R_MAIN)
        with open(inp, "w") as fh:
            for n, fi, a, lo, hi, tol, maxit, ext in cases:
                fh.write("%d;%d;%s;%s;%s;%s;%d;%s\n" % (n, fi, float(a).hex(), float(lo).hex(),
                                                       float(hi).hex(), float(tol).hex(), maxit, ext))
        subprocess.run([RSCRIPT, "--vanilla", scr, inp, outp], check=True,
                       capture_output=True, text=True, timeout=600)
        res = {}
        with open(outp) as fh:
            for line in fh:
                p = line.rstrip("\n").split(";")
                res[int(p[0])] = p[1:]
    return cases, res


def _f(s):
    return math.nan if s == "NA" else float(s)


@pytest.mark.r
def test_matches_r_uniroot_bit_for_bit(r_uniroot):
    cases, rres = r_uniroot
    n_ok = n_err = n_warn = 0
    mism = []
    for n, fi, a, lo, hi, tol, maxit, ext in cases:
        r = rres[n]
        f = (lambda fun, aa: (lambda x: fun(x, aa)))(FUNS_PY[fi], a)
        with warnings.catch_warnings(record=True) as wl:
            warnings.simplefilter("always")
            try:
                py = uniroot(f, lo, hi, tol=tol, maxiter=maxit, extend_int=ext)
                perr = None
            except ValueError as e:
                py, perr = None, str(e)
        if r[0] == "ERR":
            n_err += 1
            if perr is None or perr not in r[1]:
                mism.append((n, "error", perr, r[1]))
            continue
        if perr is not None:
            mism.append((n, "unexpected error", perr, r))
            continue
        n_ok += 1
        got = (py.root, py.f_root, py.iter, py.estim_prec,
               "NA" if py.init_it is None else str(py.init_it))
        exp = (_f(r[1]), _f(r[2]), int(r[3]), _f(r[4]), r[5])
        if got != exp:
            mism.append((n, got, exp))
        r_not_conv = "_NOT_ converged" in r[6]
        py_not_conv = any("_NOT_ converged" in str(w.message) for w in wl)
        n_warn += r_not_conv
        if r_not_conv != py_not_conv:
            mism.append((n, "warning", py_not_conv, r_not_conv))
    print("uniroot vs R: %d converged/returned cases, %d errors, %d maxiter warnings, "
          "%d mismatches" % (n_ok, n_err, n_warn, len(mism)))
    assert n_ok > 400 and n_err > 5 and n_warn > 20
    assert not mism, mism[:10]
