"""REML tau^2, se(tau^2) and the Q-profile CI against live metafor 3.8-1.

Data sets are generated with numpy (fixed seed) and sent to ``Rscript`` as
hexadecimal floats (exact); R writes results with ``sprintf("%.17g")``
(exact round trip).  R's ``rma.uni(yi, sei, method = "REML")`` and
``confint.rma.uni(fit, level = 100 * 0.95)`` are called as R meta
(R/hetcalc.R) calls them.  No R numbers are typed into this file.
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

from pymeta.model import tau2 as t2

RSCRIPT = shutil.which("Rscript")

# --------------------------------------------------------------------------
# data sets
# --------------------------------------------------------------------------


def _datasets():
    rng = np.random.default_rng(20240611)
    out = []
    ks = [2, 2, 3, 4, 5, 7, 10, 15, 20, 30, 50]
    n = 0
    while len(out) < 200:
        k = ks[n % len(ks)]
        kind = n % 8
        scale = 10.0 ** rng.uniform(-4, 3)               # overall size of vi
        spread = [0.0, 1.0, 2.0, 3.0, 6.0][n % 5]        # log10 range of vi
        vi = scale * 10.0 ** rng.uniform(0, spread, size=k)
        sei = np.sqrt(vi)
        mv = float(np.median(sei * sei))
        if kind == 0:
            tau2 = 0.0                                   # no heterogeneity
        elif kind == 1:
            tau2 = 0.01 * mv
        elif kind == 2:
            tau2 = mv
        elif kind == 3:
            tau2 = 1e3 * mv                              # huge heterogeneity
        elif kind == 4:
            tau2 = 1e6 * mv
        else:
            tau2 = mv * 10.0 ** rng.uniform(-2, 2)
        mu = rng.normal(0, 3)
        yi = mu + rng.normal(0, math.sqrt(tau2), k) + rng.normal(0, 1, k) * sei
        if kind == 0 and n % 3 == 0:
            yi = np.full(k, mu)                          # identical estimates
        if n % 17 == 5:
            yi = np.round(yi, 2)                         # ties / rounded data
        if n % 23 == 7:
            tau2_small = 0.1 * mv                        # large mean, small spread
            yi = 1e4 + rng.normal(0, math.sqrt(tau2_small), k) + rng.normal(0, 1, k) * sei
        out.append((n, yi.astype(float), sei.astype(float)))
        n += 1
    return out


DATASETS = _datasets()

# --------------------------------------------------------------------------
# running R
# --------------------------------------------------------------------------

R_SCRIPT = r"""
suppressPackageStartupMessages(library(metafor))
args <- commandArgs(TRUE)
L <- readLines(args[1])
f17 <- function(x) if (is.null(x) || length(x) == 0 || is.na(x)) "NA" else sprintf("%.17g", x)
out <- character(0)
for (line in L) {
  parts <- strsplit(line, ";", fixed = TRUE)[[1]]
  id <- parts[1]
  yi <- as.numeric(strsplit(parts[2], ",", fixed = TRUE)[[1]])
  sei <- as.numeric(strsplit(parts[3], ",", fixed = TRUE)[[1]])
  ctrl <- if (length(parts) >= 4 && nzchar(parts[4])) eval(parse(text = parts[4])) else list()
  warns <- character(0)
  res <- tryCatch(withCallingHandlers({
      fit <- rma.uni(yi = yi, sei = sei, method = "REML", control = ctrl)
      ci <- confint.rma.uni(fit, level = 100 * 0.95)
      list(fit = fit, ci = ci)
    }, warning = function(w) {
      warns <<- c(warns, conditionMessage(w)); invokeRestart("muffleWarning")
    }), error = function(e) e)
  if (inherits(res, "error")) {
    out <- c(out, paste(id, "ERR", gsub("[\n;]", " ", conditionMessage(res)), sep = ";"))
    next
  }
  vo <- suppressWarnings(capture.output(tmp <- rma.uni(yi = yi, sei = sei, method = "REML", verbose = TRUE, control = ctrl)))
  m <- regmatches(vo, regexpr("converged after [0-9]+ iterations", vo))
  it <- if (length(m)) sub("converged after ([0-9]+) iterations", "\\1", m[1]) else "NA"
  fit <- res$fit; ci <- res$ci; rr <- ci$random
  k <- length(yi)
  vals <- c(f17(fit$tau2), f17(fit$se.tau2), it, f17(fit$I2), f17(fit$H2), f17(fit$vt),
            f17(fit$QE),
            f17(rr["tau^2", "ci.lb"]), f17(rr["tau^2", "ci.ub"]),
            f17(rr["tau", "ci.lb"]), f17(rr["tau", "ci.ub"]),
            f17(rr["I^2(%)", "ci.lb"]), f17(rr["I^2(%)", "ci.ub"]),
            f17(rr["H^2", "ci.lb"]), f17(rr["H^2", "ci.ub"]),
            paste0("[", ci$lb.sign, "]"), paste0("[", ci$ub.sign, "]"), as.character(ci$ci.null),
            f17(qchisq(0.05/2, k - 1, lower.tail = FALSE)), f17(qchisq(0.05/2, k - 1, lower.tail = TRUE)),
            gsub("[\n;]", " ", paste(warns, collapse = " | ")))
  out <- c(out, paste(c(id, "OK", vals), collapse = ";"))
}
writeLines(out, args[2])
"""

FIELDS = ["tau2", "se_tau2", "iterations", "I2", "H2", "vt", "QE",
          "lower_tau2", "upper_tau2", "lower_tau", "upper_tau",
          "lower_I2", "upper_I2", "lower_H2", "upper_H2",
          "lb_sign", "ub_sign", "ci_null", "crit_u", "crit_l", "warnings"]


def _r_control(ctl) -> str:
    """A Python control dict as R code (hex floats are exact in R)."""
    if not ctl:
        return ""
    items = []
    for key, val in ctl.items():
        if isinstance(val, int):
            items.append("%s = %dL" % (key, val))
        else:
            items.append("%s = %s" % (key, float(val).hex()))
    return "list(%s)" % ", ".join(items)


def _control_cases():
    """Non-default metafor controls (as meta's ``control`` argument would
    pass them), exercising step size, threshold, maxiter (error path),
    start value, tau2.min > 0 and a small tau2.max (CI sign branches)."""
    out = []
    for j, (i, yi, sei) in enumerate(DATASETS[:60]):
        mv = float(np.median(sei * sei))
        ctl = [{"stepadj": 0.5}, {"threshold": 1e-9}, {"maxiter": 3},
               {"tau2.init": 3.0 * mv}, {"tau2.min": 0.05 * mv},
               {"tau2.max": 0.02 * mv}][j % 6]
        out.append((1000 + i, yi, sei, ctl))
    return out


CONTROL_CASES = _control_cases()


def _r_available() -> bool:
    if RSCRIPT is None:
        return False
    try:
        p = subprocess.run([RSCRIPT, "-e", "cat(requireNamespace('metafor', quietly=TRUE))"],
                           capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return False
    return p.stdout.strip().endswith("TRUE")


def _num(s: str) -> float:
    return math.nan if s == "NA" else float(s)


def run_metafor(datasets):
    """Fit all data sets in one Rscript call; returns {id: dict or error str}."""
    with tempfile.TemporaryDirectory() as d:
        inp = os.path.join(d, "in.txt")
        outp = os.path.join(d, "out.txt")
        scr = os.path.join(d, "run.R")
        with open(scr, "w") as fh:
            fh.write(R_SCRIPT)
        with open(inp, "w") as fh:
            for i, yi, sei, *ctl in datasets:
                fh.write("%d;%s;%s;%s\n" % (i, ",".join(float(v).hex() for v in yi),
                                            ",".join(float(v).hex() for v in sei),
                                            _r_control(ctl[0] if ctl else None)))
        subprocess.run([RSCRIPT, "--vanilla", scr, inp, outp], check=True,
                       capture_output=True, text=True, timeout=1800)
        res = {}
        with open(outp) as fh:
            for line in fh:
                parts = line.rstrip("\n").split(";")
                i = int(parts[0])
                if parts[1] == "ERR":
                    res[i] = parts[2]
                    continue
                v = parts[2:]
                row = {}
                for name, s in zip(FIELDS, v):
                    if name in ("lb_sign", "ub_sign"):
                        row[name] = s[1:-1]
                    elif name == "ci_null":
                        row[name] = s == "TRUE"
                    elif name == "iterations":
                        row[name] = None if s == "NA" else int(s)
                    elif name == "warnings":
                        row[name] = s
                    else:
                        row[name] = _num(s)
                res[i] = row
        return res


@pytest.fixture(scope="module")
def r_results(r_mode):
    if r_mode == "off":
        pytest.skip("R tests switched off (--r off)")
    if not _r_available():
        if r_mode == "require":
            pytest.fail("Rscript with metafor is required but not available")
        pytest.skip("Rscript with metafor not available")
    return run_metafor(DATASETS + CONTROL_CASES)


def _py_fit(yi, sei, crit=None, control=None):
    vi = sei * sei
    with warnings.catch_warnings(record=True) as wl:
        warnings.simplefilter("always")
        fit = t2.tau2_reml(yi, vi, control=control)
        ci = t2.tau2_ci_qprofile(yi, vi, fit.tau2, level=0.95, control=control, crit=crit)
    return fit, ci, [str(w.message) for w in wl]


def _rel(a: float, b: float, floor: float) -> float:
    """|a-b| / max(|b|, floor); 0 when both NaN; inf when only one is."""
    if math.isnan(a) or math.isnan(b):
        return 0.0 if (math.isnan(a) and math.isnan(b)) else math.inf
    if a == b:
        return 0.0
    return abs(a - b) / max(abs(b), floor)


NUMERIC = ["tau2", "se_tau2", "I2", "H2", "vt", "QE", "lower_tau2", "upper_tau2",
           "lower_tau", "upper_tau", "lower_I2", "upper_I2", "lower_H2", "upper_H2"]
TAU2_LIKE = {"tau2", "lower_tau2", "upper_tau2"}


def _compare(r_results, use_r_crit: bool, cases=None):
    worst = {f: (0.0, None) for f in NUMERIC}
    exact = {f: 0 for f in NUMERIC}
    failures = []
    n_err = 0
    for i, yi, sei, *ctl in (DATASETS if cases is None else cases):
        control = ctl[0] if ctl else None
        r = r_results[i]
        if isinstance(r, str):  # R error: we must raise the same one
            n_err += 1
            try:
                t2.tau2_reml(yi, sei * sei, control=control)
                failures.append((i, "no error", None, r, None))
            except t2.MetaforError as e:
                if str(e).split(".")[0] not in r:
                    failures.append((i, "error", str(e), r, None))
            continue
        crit = (r["crit_u"], r["crit_l"]) if use_r_crit else None
        fit, ci, pw = _py_fit(yi, sei, crit, control)
        py = dict(tau2=fit.tau2, se_tau2=fit.se_tau2, I2=fit.I2, H2=fit.H2, vt=fit.vt,
                  QE=fit.QE, lower_tau2=ci.lower_tau2, upper_tau2=ci.upper_tau2,
                  lower_tau=ci.lower_tau, upper_tau=ci.upper_tau, lower_I2=ci.lower_I2,
                  upper_I2=ci.upper_I2, lower_H2=ci.lower_H2, upper_H2=ci.upper_H2)
        medv = float(np.median(sei * sei))
        for f in NUMERIC:
            floor = 1e-12
            if f in TAU2_LIKE:
                floor = max(floor, medv)  # 1e-10 * median(vi) absolute floor
            elif f in ("lower_tau", "upper_tau"):
                floor = max(floor, math.sqrt(medv))
            d = _rel(py[f], r[f], floor)
            if d == 0.0:
                exact[f] += 1
            if d > worst[f][0]:
                worst[f] = (d, i)
            if d > 1e-10:
                failures.append((i, f, py[f], r[f], d))
        for f in ("lb_sign", "ub_sign"):
            if getattr(ci, f) != r[f]:
                failures.append((i, f, getattr(ci, f), r[f], None))
        if ci.ci_null != r["ci_null"]:
            failures.append((i, "ci_null", ci.ci_null, r["ci_null"], None))
        if r["iterations"] is not None and fit.iterations != r["iterations"]:
            failures.append((i, "iterations", fit.iterations, r["iterations"], None))
        r_ll0 = "stuck at a local maximum" in r["warnings"]
        if fit.ll0_reset != r_ll0:
            failures.append((i, "ll0_reset", fit.ll0_reset, r_ll0, None))
    if cases is not None:
        print("control cases: %d, of which R errors (reproduced): %d" % (len(cases), n_err))
    return worst, exact, failures


def _report(title, worst, exact, n=None):
    n = len(DATASETS) if n is None else n
    lines = [title]
    for f, (d, i) in worst.items():
        lines.append("  %-11s worst rel diff %.3g (data set %s), bit-identical in %d/%d"
                     % (f, d, i, exact[f], n))
    print("\n".join(lines))


CI_FIELDS = [f for f in NUMERIC if f.startswith(("lower_", "upper_"))]


@pytest.mark.r
def test_reml_and_qp_ci_match_metafor(r_results):
    """Default path (pymeta's own qchisq, a bit-identical port of R's): tau2, se.tau2,
    iterations, I2, H2, vt, QE, the ll0 check and every Q-profile bound and sign agree with
    metafor to 1e-10 (in practice bit-identically)."""
    worst, exact, failures = _compare(r_results, use_r_crit=False)
    _report("pymeta vs metafor (pymeta's qchisq):", worst, exact)
    assert not failures, failures[:20]


@pytest.mark.r
def test_qp_ci_with_r_quantiles_is_bit_identical(r_results):
    """With R's own qchisq values injected (``crit=``), everything -
    including every Brent iterate of the CI search - is bit-identical."""
    worst, exact, failures = _compare(r_results, use_r_crit=True)
    _report("pymeta vs metafor (R chi^2 quantiles injected):", worst, exact)
    assert not failures, failures[:20]
    for f in NUMERIC:
        assert worst[f][0] == 0.0, (f, worst[f])


@pytest.mark.r
def test_non_default_controls_match_metafor(r_results):
    """stepadj, threshold, maxiter (R's non-convergence error), tau2.init,
    tau2.min > 0 and a small tau2.max (">" CI branches), R quantiles."""
    worst, exact, failures = _compare(r_results, use_r_crit=True, cases=CONTROL_CASES)
    n_fit = sum(not isinstance(r_results[i], str) for i, *_ in CONTROL_CASES)
    _report("pymeta vs metafor, non-default controls (R chi^2 quantiles):", worst, exact, n_fit)
    assert not failures, failures[:20]
    signs = {(r["lb_sign"], r["ub_sign"]) for i, *_ in CONTROL_CASES
             if not isinstance(r := r_results[i], str)}
    assert (">", ">") in signs


# --------------------------------------------------------------------------
# R-free checks
# --------------------------------------------------------------------------


def test_reml_is_stationary_point():
    """With a tight threshold the REML estimate solves the REML score
    equation (or sits at the boundary 0 with a negative score)."""
    for i, yi, sei in DATASETS[:60]:
        vi = sei * sei
        default = t2.tau2_reml(yi, vi)
        thr = max(1e-14, 1e-11 * default.tau2)
        fit = t2.tau2_reml(yi, vi, control={"threshold": thr, "maxiter": 10000})
        w = 1 / (vi + fit.tau2)
        mu = np.sum(w * yi) / np.sum(w)
        score = np.sum(w ** 2 * (yi - mu) ** 2) - np.sum(w) + np.sum(w ** 2) / np.sum(w)
        if fit.tau2 <= 1e-9 * np.max(vi):
            # boundary: step halving creeps towards 0 from above
            assert score <= 1e-8 * np.sum(w), (i, score)
        else:
            assert abs(score) <= 1e-6 * np.sum(w), (i, score)
        assert abs(default.tau2 - fit.tau2) <= 1e-4 * max(1.0, fit.tau2), i


def test_k1_and_errors():
    fit = t2.tau2_reml([0.3], [0.04])
    assert fit.tau2 == 0.0 and math.isnan(fit.se_tau2) and fit.iterations == 0
    with pytest.raises(t2.MetaforError, match="k = 1"):
        t2.tau2_ci_qprofile([0.3], [0.04], 0.0)
    with pytest.raises(t2.FisherScoringError, match="did not converge"):
        t2.tau2_reml([0.1, 0.9, 1.4, -0.3], [0.01, 0.02, 0.03, 0.04],
                     control={"maxiter": 1})


def test_control_names_and_start_value():
    yi = np.array([0.1, 0.5, -0.2, 0.9, 0.4])
    vi = np.array([0.02, 0.05, 0.01, 0.08, 0.03])
    a = t2.tau2_reml(yi, vi)
    assert a.tau2_init == max(0.0, t2.tau2_he(yi, vi))
    b = t2.tau2_reml(yi, vi, control={"tau2.init": 0.5, "threshold": 1e-12, "maxiter": 1000})
    assert b.tau2_init == 0.5
    assert abs(a.tau2 - b.tau2) < 1e-4
    # meta passes its rma.uni control to the CI; Fisher-scoring keys are ignored there
    ci1 = t2.tau2_ci_qprofile(yi, vi, a.tau2)
    ci2 = t2.tau2_ci_qprofile(yi, vi, a.tau2, control={"maxiter": 5, "stepadj": 0.5})
    assert ci1 == ci2
