"""tau^2 estimators DL, HE, HS, SJ, PM, ML, EB (and REML) and the tau^2 CIs QP, BJ, J
against live metafor 3.8-1 (with CompQuadForm 1.4.4 for the GENQ CIs).

R is called as R meta (R/hetcalc.R) calls it: ``rma.uni(yi, sei = seTE, method = M)``
followed by ``confint.rma.uni(fit, level = 95)`` (QP), and for "BJ"/"J"
``confint.rma.uni(rma.uni(yi, sei = seTE, weights = 1/seTE^2 or 1/seTE, method = "GENQ"),
level = 95)``.  Data go to ``Rscript`` as hexadecimal floats, results come back with
``sprintf("%.17g")`` (exact).  No R numbers are typed into this file.
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

from pymeta.model import farebrother as fb
from pymeta.model import genq
from pymeta.model import tau2 as t2

RSCRIPT = shutil.which("Rscript")
METHODS = ("DL", "HE", "HS", "SJ", "PM", "ML", "EB", "REML")
CI_TYPES = ("BJ", "J")


# ----------------------------------------------------------------------------- data


def _datasets(n_total: int = 210, seed: int = 20250301):
    """k = 2..50, vi ratios up to 1e6, tau2 from 0 to 1e6 x median(vi), identical and
    rounded yi, large means; every 10th data set has k = 2."""
    rng = np.random.default_rng(seed)
    ks = [2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50]
    out = []
    for n in range(n_total):
        k = 2 if n % 10 == 0 else ks[n % len(ks)]
        kind = n % 7
        scale = 10.0 ** rng.uniform(-4, 3)
        spread = [0.0, 1.0, 2.0, 3.0, 4.5, 6.0][n % 6]          # log10 range of vi
        vi = scale * 10.0 ** rng.uniform(0, spread, size=k)
        sei = np.sqrt(vi)
        mv = float(np.median(sei * sei))
        tau2 = {0: 0.0, 1: 0.01 * mv, 2: mv, 3: 1e3 * mv, 4: 1e6 * mv}.get(
            kind, mv * 10.0 ** rng.uniform(-2, 2))
        mu = rng.normal(0, 3)
        yi = mu + rng.normal(0, math.sqrt(tau2), k) + rng.normal(0, 1, k) * sei
        if kind == 0 and n % 3 == 0:
            yi = np.full(k, mu)                                 # identical estimates
        if n % 13 == 4:
            yi = np.round(yi, 2)
        if n % 19 == 6:
            yi = 1e4 + rng.normal(0, math.sqrt(0.1 * mv), k) + rng.normal(0, 1, k) * sei
        out.append((n, yi.astype(float), sei.astype(float)))
    return out


DATASETS = _datasets()
#: "BJ" CIs are expensive in R and here alike when tau2 >> min(vi) (Farebrother's series
#: then runs to its 100,000 terms, O(terms^2)); the first 15 by default (each CI then
#: takes under a minute in either), all 210 data sets with PYMETA_BJ_N=210. The J CI
#: (weights 1/seTE) and the long Farebrother series themselves are tested on every data
#: set and in test_farebrother_against_compquadform.
BJ_N = int(os.environ.get("PYMETA_BJ_N", "15"))

# ------------------------------------------------------------------------------ R

R_SCRIPT = r"""
suppressPackageStartupMessages({library(metafor); library(CompQuadForm)})
args <- commandArgs(TRUE)
L <- readLines(args[1])
methods <- strsplit(args[3], ",", fixed = TRUE)[[1]]
f17 <- function(x) if (is.null(x) || length(x) == 0 || is.na(x)) "NA" else sprintf("%.17g", x)
out <- character(0)
run <- function(expr) {
  warns <- character(0)
  res <- tryCatch(withCallingHandlers(expr, warning = function(w) {
      warns <<- c(warns, conditionMessage(w)); invokeRestart("muffleWarning")
    }), error = function(e) e)
  list(res = res, warns = warns)
}
cifields <- function(ci) {
  rr <- ci$random
  c(f17(rr["tau^2", "ci.lb"]), f17(rr["tau^2", "ci.ub"]),
    f17(rr["tau", "ci.lb"]), f17(rr["tau", "ci.ub"]),
    f17(rr["I^2(%)", "ci.lb"]), f17(rr["I^2(%)", "ci.ub"]),
    f17(rr["H^2", "ci.lb"]), f17(rr["H^2", "ci.ub"]),
    paste0("[", ci$lb.sign, "]"), paste0("[", ci$ub.sign, "]"), as.character(ci$ci.null))
}
clean <- function(s) gsub("[\n;]", " ", paste(s, collapse = " | "))
for (line in L) {
  parts <- strsplit(line, ";", fixed = TRUE)[[1]]
  id <- parts[1]
  yi <- as.numeric(strsplit(parts[2], ",", fixed = TRUE)[[1]])
  sei <- as.numeric(strsplit(parts[3], ",", fixed = TRUE)[[1]])
  for (m in methods) {
    if (m %in% c("BJ", "J")) {
      w <- if (m == "BJ") 1 / sei^2 else 1 / sei
      r <- run({fit <- rma.uni(yi = yi, sei = sei, weights = w, method = "GENQ")
                list(fit = fit, ci = confint.rma.uni(fit, level = 100 * 0.95))})
    } else {
      r <- run({fit <- rma.uni(yi = yi, sei = sei, method = m)
                list(fit = fit, ci = confint.rma.uni(fit, level = 100 * 0.95))})
    }
    if (inherits(r$res, "error")) {
      out <- c(out, paste(id, m, "ERR", clean(conditionMessage(r$res)), sep = ";"))
      next
    }
    fit <- r$res$fit
    vals <- c(f17(fit$tau2), f17(fit$se.tau2), f17(fit$I2), f17(fit$H2), f17(fit$vt),
              f17(fit$QE), cifields(r$res$ci), clean(r$warns))
    out <- c(out, paste(c(id, m, "OK", vals), collapse = ";"))
  }
}
writeLines(out, args[2])
"""

FIELDS = ["tau2", "se_tau2", "I2", "H2", "vt", "QE",
          "lower_tau2", "upper_tau2", "lower_tau", "upper_tau",
          "lower_I2", "upper_I2", "lower_H2", "upper_H2", "lb_sign", "ub_sign", "ci_null",
          "warnings"]
TAU2_SCALE = {"tau2", "se_tau2", "vt", "lower_tau2", "upper_tau2"}
TAU_SCALE = {"lower_tau", "upper_tau"}


def _r_available() -> bool:
    if RSCRIPT is None:
        return False
    try:
        p = subprocess.run([RSCRIPT, "-e", "cat(requireNamespace('metafor', quietly=TRUE) && "
                            "requireNamespace('CompQuadForm', quietly=TRUE))"],
                           capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return False
    return p.stdout.strip().endswith("TRUE")


def _num(s: str) -> float:
    return math.nan if s == "NA" else float(s)


def run_r(datasets, methods):
    with tempfile.TemporaryDirectory() as d:
        inp, outp, scr = (os.path.join(d, f) for f in ("in.txt", "out.txt", "run.R"))
        with open(scr, "w") as fh:
            fh.write(R_SCRIPT)
        with open(inp, "w") as fh:
            for i, yi, sei in datasets:
                fh.write("%d;%s;%s\n" % (i, ",".join(float(v).hex() for v in yi),
                                         ",".join(float(v).hex() for v in sei)))
        subprocess.run([RSCRIPT, "--vanilla", scr, inp, outp, ",".join(methods)], check=True,
                       capture_output=True, text=True, timeout=7200)
        res = {}
        with open(outp) as fh:
            for line in fh:
                parts = line.rstrip("\n").split(";")
                key = (int(parts[0]), parts[1])
                if parts[2] == "ERR":
                    res[key] = parts[3]
                    continue
                row = {}
                for name, s in zip(FIELDS, parts[3:]):
                    if name in ("lb_sign", "ub_sign"):
                        row[name] = s[1:-1]
                    elif name == "ci_null":
                        row[name] = s == "TRUE"
                    elif name == "warnings":
                        row[name] = s
                    else:
                        row[name] = _num(s)
                res[key] = row
        return res


def run_py(yi, sei, method):
    """pymeta's answer for one (data set, method) as the R script computes it."""
    vi = sei * sei
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if method in CI_TYPES:
                w = 1 / vi if method == "BJ" else 1 / sei
                tau2 = genq.genq_tau2(yi, vi, w)
                fit = None
                ci = genq.tau2_ci_genq(yi, vi, w, level=0.95)
            else:
                fit = t2.estimate_tau2(yi, vi, method)
                tau2 = fit.tau2
                ci = t2.tau2_ci_qprofile(yi, vi, fit.tau2, level=0.95)
        except t2.MetaforError as exc:
            return str(exc)
    row = dict(tau2=tau2, lower_tau2=ci.lower_tau2, upper_tau2=ci.upper_tau2,
               lower_tau=ci.lower_tau, upper_tau=ci.upper_tau, lower_I2=ci.lower_I2,
               upper_I2=ci.upper_I2, lower_H2=ci.lower_H2, upper_H2=ci.upper_H2,
               lb_sign=ci.lb_sign, ub_sign=ci.ub_sign, ci_null=ci.ci_null,
               warnings=" | ".join(str(c.message).replace("\n", " ")
                                   for c in caught if issubclass(c.category, t2.MetaforWarning)))
    if fit is not None:
        row.update(se_tau2=fit.se_tau2, I2=fit.I2, H2=fit.H2, vt=fit.vt, QE=fit.QE)
    return row


def compare(yi, sei, py, r):
    """(list of failures, {field: worst relative difference}, n fields bit-identical,
    n fields compared)."""
    mv = float(np.median(sei * sei))
    fails, worst, same, n = [], {}, 0, 0
    for name in FIELDS:
        if name not in py:
            continue
        a, b = py[name], r[name]
        if isinstance(b, (str, bool)):
            if a != b:
                fails.append(f"{name}: pymeta {a!r} R {b!r}")
            continue
        n += 1
        if math.isnan(b) or math.isnan(a):
            if not (math.isnan(a) and math.isnan(b)):
                fails.append(f"{name}: pymeta {a!r} R {b!r}")
            else:
                same += 1
            continue
        if a == b:
            same += 1
            continue
        floor = 1e-12
        if name in TAU2_SCALE:
            floor = 1e-10 * mv
        elif name in TAU_SCALE:
            floor = math.sqrt(1e-10 * mv)
        d = abs(a - b)
        worst[name] = max(worst.get(name, 0.0), d / abs(b) if b else math.inf)
        if d > max(1e-10 * abs(b), floor):
            fails.append(f"{name}: pymeta {a!r} R {b!r} (diff {d:.3g})")
    return fails, worst, same, n


# ---------------------------------------------------------------------------- tests


@pytest.fixture(scope="module")
def r_results(r_mode):
    if r_mode == "off":
        pytest.skip("--r=off")
    if not _r_available():
        if r_mode == "require":
            pytest.fail("Rscript with metafor and CompQuadForm required (--r=require)")
        pytest.skip("Rscript/metafor/CompQuadForm not available")
    res = run_r(DATASETS, METHODS + ("J",))
    res.update(run_r(DATASETS[:BJ_N], ("BJ",)))
    return res


@pytest.mark.r
@pytest.mark.slow
@pytest.mark.parametrize("method", METHODS + CI_TYPES)
def test_against_metafor(r_results, method):
    failures, worst_all, n_same, n_all, n_err = [], {}, 0, 0, 0
    datasets = DATASETS[:BJ_N] if method == "BJ" else DATASETS
    for i, yi, sei in datasets:
        r = r_results[(i, method)]
        py = run_py(yi, sei, method)
        if isinstance(r, str) or isinstance(py, str):
            if not (isinstance(r, str) and isinstance(py, str)):
                failures.append(f"data set {i}: R {r!r} vs pymeta {py!r}")
            elif r.strip() != py.strip():
                failures.append(f"data set {i}: R error {r!r} vs pymeta error {py!r}")
            n_err += 1
            continue
        f, w, s, n = compare(yi, sei, py, r)
        failures += [f"data set {i} (k={yi.size}): {x}" for x in f]
        for key, val in w.items():
            worst_all[key] = max(worst_all.get(key, 0.0), val)
        n_same += s
        n_all += n
    print(f"\n{method}: {len(datasets)} data sets ({n_err} errors in both), "
          f"{n_same}/{n_all} numeric fields bit-identical; worst relative differences: "
          + (", ".join(f"{k} {v:.2g}" for k, v in sorted(worst_all.items())) or "none"))
    assert not failures, "\n".join(failures[:30])


@pytest.mark.r
def test_farebrother_against_compquadform(r_mode):
    """The AS 204 port against CompQuadForm::farebrother directly (bit for bit)."""
    if r_mode == "off":
        pytest.skip("--r=off")
    if not _r_available():
        if r_mode == "require":
            pytest.fail("Rscript with CompQuadForm required (--r=require)")
        pytest.skip("CompQuadForm not available")
    rng = np.random.default_rng(7)
    cases = []
    for j in range(60):
        r = 1 + j % 12
        lam = np.sort(10.0 ** rng.uniform(-(j % 4), 1, r))[::-1]
        q = float(np.sum(lam)) * rng.uniform(0.05, 4)
        if j == 0:
            q = 0.0                                   # error code path (c <= 0)
        if j == 1:
            lam = np.array([2.0, 1.0, -1e-17])        # non-positive lambda
        cases.append((q, lam))
    # long series (the blocked sums span several big blocks and chunks): eigenvalue
    # ratios of 1e3 .. 1e8, the last one running to all 100,000 terms (as in a BJ/J CI
    # at tau2.max = 100 with study variances of 1e-6)
    for ratio in (1e3, 1e5, 1e8):
        lam = np.array([ratio, ratio / 3.0, 2.0, 1.0, 0.5])
        cases.append((float(np.sum(lam)) * 0.7, lam))
    script = ("suppressPackageStartupMessages(library(CompQuadForm))\n"
              "L <- readLines(commandArgs(TRUE)[1])\n"
              "for (l in L) { p <- strsplit(l, ';')[[1]]; q <- as.numeric(p[1]); "
              "lam <- as.numeric(strsplit(p[2], ',')[[1]]); "
              "cat(sprintf('%.17g', farebrother(q, lam)$Qq), '\\n') }\n")
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "in.txt"), "w") as fh:
            for q, lam in cases:
                fh.write("%s;%s\n" % (float(q).hex(), ",".join(float(v).hex() for v in lam)))
        with open(os.path.join(d, "run.R"), "w") as fh:
            fh.write(script)
        p = subprocess.run([RSCRIPT, "--vanilla", os.path.join(d, "run.R"),
                            os.path.join(d, "in.txt")], capture_output=True, text=True,
                           check=True, timeout=600)
    r_vals = [float(v) for v in p.stdout.split()]
    py_vals = [fb.farebrother_qq(q, lam) for q, lam in cases]
    assert py_vals == r_vals


def test_dispatcher_methods():
    yi = np.array([0.1, 0.5, -0.2, 0.9])
    vi = np.array([0.1, 0.2, 0.05, 0.3])
    for m in METHODS:
        fit = t2.estimate_tau2(yi, vi, m)
        assert fit.k == 4 and fit.tau2 >= 0
    with pytest.raises(NotImplementedError):
        t2.estimate_tau2(yi, vi, "GENQM")
    one = t2.estimate_tau2(yi[:1], vi[:1], "DL")
    assert one.tau2 == 0.0 and math.isnan(one.se_tau2)


@pytest.mark.parametrize("rows", [1, 2, 3, 17, 1000, 5000])
def test_column_sums_are_sequential(rows):
    """The blocked Farebrother series relies on numpy adding the rows of a 2-d array one
    after the other (no pairwise summation): check against an explicit loop on data
    with heavy cancellation."""
    rng = np.random.default_rng(rows)
    for width in (fb._BLOCK, fb._BIG):
        X = rng.standard_normal((rows, width)) * 10.0 ** rng.uniform(-12, 12, (rows, width))
        expect = X[0].copy()
        for r in range(1, rows):
            expect = expect + X[r]
        assert np.array_equal(fb._column_sums(X), expect)

