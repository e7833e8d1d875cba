"""tau^2 of the model with the subgroup as moderator (pymeta.model.metareg) against live
metafor 3.8-1: ``rma.uni(yi, sei = sei, method = M, mods = ~ g, control = ...)`` with its
``confint.rma.uni(fit, level = 95)`` (QP), and the GENQ fits with weights 1/sei^2 ("BJ")
and 1/sei ("J") with their CIs, as R meta's hetcalc calls them for ``tau.common = TRUE``.

Data go to Rscript as hexadecimal floats, results come back with ``sprintf("%.17g")``.
No R numbers are typed into this file.
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

from pymeta.model import metareg as mr
from pymeta.model import tau2 as t2

RSCRIPT = shutil.which("Rscript")
METHODS = ("DL", "HE", "HS", "SJ", "PM", "ML", "EB", "REML", "FE")
CONTROLS = {"default": None,
            "tight": {"threshold": 1e-8, "tol": 1e-10, "maxiter": 1000}}
N = int(os.environ.get("PYMETA_MODS_N", "80"))

R_SCRIPT = r"""
suppressPackageStartupMessages({library(metafor); library(CompQuadForm)})
args <- commandArgs(TRUE)
L <- readLines(args[1])
methods <- strsplit(args[3], ",", fixed = TRUE)[[1]]
if (args[5] == "internal") options(matprod = "internal")
control <- if (args[4] == "tight") list(threshold = 1e-8, tol = 1e-10, maxiter = 1000) else list()
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
  if (is.null(ci)) return(rep("NA", 10))
  rr <- ci$random
  c(f17(rr["tau^2", "ci.lb"]), f17(rr["tau^2", "ci.ub"]),
    f17(rr["tau", "ci.lb"]), f17(rr["tau", "ci.ub"]),
    f17(rr["I^2(%)", "ci.lb"]), f17(rr["I^2(%)", "ci.ub"]),
    f17(rr["H^2", "ci.lb"]), f17(rr["H^2", "ci.ub"]),
    paste0("[", ci$lb.sign, "]"), paste0("[", ci$ub.sign, "]"))
}
clean <- function(s) gsub("[\n;]", " ", paste(s, collapse = " | "))
for (line in L) {
  parts <- strsplit(line, ";", fixed = TRUE)[[1]]
  id <- parts[1]
  yi <- as.numeric(strsplit(parts[2], ",", fixed = TRUE)[[1]])
  sei <- as.numeric(strsplit(parts[3], ",", fixed = TRUE)[[1]])
  g <- strsplit(parts[4], ",", fixed = TRUE)[[1]]
  d <- data.frame(yi, sei, g)
  for (m in methods) {
    if (m %in% c("BJ", "J")) {
      w <- if (m == "BJ") 1 / sei^2 else 1 / sei
      r <- run({fit <- rma.uni(yi = yi, sei = sei, weights = w, method = "GENQ",
                               mods = ~ g, data = d, control = control)
                list(fit = fit, ci = confint.rma.uni(fit, level = 100 * 0.95))})
    } else {
      r <- run({fit <- rma.uni(yi = yi, sei = sei, method = m, mods = ~ g, data = d,
                               control = control)
                list(fit = fit, ci = if (m != "FE") confint.rma.uni(fit, level = 100 * 0.95))})
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
          "lower_I2", "upper_I2", "lower_H2", "upper_H2", "lb_sign", "ub_sign", "warnings"]
TAU2_SCALE = {"tau2", "se_tau2", "vt", "lower_tau2", "upper_tau2"}
TAU_SCALE = {"lower_tau", "upper_tau"}


def _datasets(n_total: int = N, seed: int = 20261125):
    """k = 3..40 studies in 2..5 subgroups (some of one study), vi ratios up to 1e3,
    tau2 from 0 to 1e3 x median(vi), subgroup effects of several sizes."""
    rng = np.random.default_rng(seed)
    out = []
    for n in range(n_total):
        k = int(rng.choice([3, 4, 5, 6, 8, 10, 15, 25, 40]))
        n_g = int(min(k - 1, rng.integers(2, 6)))
        g = np.array([f"g{i % n_g}" for i in range(k)])
        rng.shuffle(g)
        scale = 10.0 ** rng.uniform(-3, 1)
        vi = scale * 10.0 ** rng.uniform(0, [0, 1, 2, 3][n % 4], size=k)
        sei = np.sqrt(vi)
        mv = float(np.median(vi))
        tau2 = [0.0, 0.1 * mv, mv, 1e3 * mv][n % 4 if n % 5 else 2]
        shift = {lev: rng.normal(0, [0, 1, 5][n % 3]) * math.sqrt(mv) for lev in set(g)}
        yi = (rng.normal(0, 2) + np.array([shift[v] for v in g])
              + rng.normal(0, math.sqrt(tau2), k) + rng.normal(0, 1, k) * sei)
        out.append((n, yi.astype(float), sei.astype(float), list(g)))
    return out


DATASETS = _datasets()


def _r_available() -> bool:
    if RSCRIPT is None:
        return False
    p = subprocess.run([RSCRIPT, "-e", "cat(requireNamespace('metafor', quietly=TRUE))"],
                       capture_output=True, text=True, timeout=120)
    return p.stdout.strip().endswith("TRUE")


def _num(s: str) -> float:
    return math.nan if s == "NA" else float(s)


def run_r(datasets, methods, control, matprod="default"):
    with tempfile.TemporaryDirectory() as d:
        inp, outp, scr = (os.path.join(d, f) for f in ("in.txt", "out.txt", "run.R"))
        with open(scr, "w") as fh:
            fh.write(R_SCRIPT)
        with open(inp, "w") as fh:
            for i, yi, sei, g in datasets:
                fh.write("%d;%s;%s;%s\n" % (i, ",".join(float(v).hex() for v in yi),
                                            ",".join(float(v).hex() for v in sei),
                                            ",".join(g)))
        subprocess.run([RSCRIPT, "--vanilla", scr, inp, outp, ",".join(methods), control,
                        matprod],
                       check=True, capture_output=True, text=True, timeout=3600)
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
                    elif name == "warnings":
                        row[name] = s
                    else:
                        row[name] = _num(s)
                res[key] = row
        return res


def run_py(yi, sei, g, method, control):
    vi = sei * sei
    X = mr.design_matrix(g)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if method in ("BJ", "J"):
                w = 1 / vi if method == "BJ" else 1 / sei
                fit = None
                ci = mr.tau2_ci_genq_mods(yi, vi, X, w, level=0.95, control=control)
            else:
                fit = mr.rma_mods(yi, vi, X, method, control)
                ci = (None if method == "FE"
                      else mr.tau2_ci_qp_mods(yi, vi, X, fit, level=0.95, control=control))
        except t2.MetaforError as exc:
            return str(exc)
    row = dict(warnings=" | ".join(str(c.message).replace("\n", " ") for c in caught
                                   if issubclass(c.category, t2.MetaforWarning)))
    if ci is not None:
        row.update(lower_tau2=ci.lower_tau2, upper_tau2=ci.upper_tau2,
                   lower_tau=ci.lower_tau, upper_tau=ci.upper_tau, lower_I2=ci.lower_I2,
                   upper_I2=ci.upper_I2, lower_H2=ci.lower_H2, upper_H2=ci.upper_H2,
                   lb_sign=ci.lb_sign, ub_sign=ci.ub_sign)
    if fit is not None:
        row.update(tau2=fit.tau2, se_tau2=fit.se_tau2, I2=fit.I2, H2=fit.H2, vt=fit.vt,
                   QE=fit.QE)
    return row


def compare(sei, py, r, r_alt):
    """Within 1e-10 relative (floors for tau2 near 0), or no further from R than R with
    its internal matrix products is (R's own variation on ill-conditioned roots)."""
    mv = float(np.median(sei * sei))
    fails, worst = [], {}
    for name in FIELDS:
        if name not in py or name == "warnings":
            continue
        a, b = py[name], r[name]
        if isinstance(b, str):
            if a != b:
                fails.append(f"{name}: pymeta {a!r} R {b!r}")
            continue
        if math.isnan(b) or math.isnan(a):
            if not (math.isnan(a) and math.isnan(b)):
                fails.append(f"{name}: pymeta {a!r} R {b!r}")
            continue
        floor = 1e-12
        if name in TAU2_SCALE:
            floor = 1e-10 * mv
        elif name in TAU_SCALE:
            floor = math.sqrt(1e-10 * mv)
        d = abs(a - b)
        worst[name] = max(worst.get(name, 0.0), d / abs(b) if b else (0.0 if d == 0 else d))
        alt = r_alt.get(name, b) if isinstance(r_alt, dict) else b
        own = abs(alt - b) if isinstance(alt, float) and not math.isnan(alt) else 0.0
        if d > max(1e-10 * abs(b), floor, own):
            fails.append(f"{name}: pymeta {a!r} R {b!r} (diff {d:.3g})")
    return fails, worst


@pytest.fixture(scope="module")
def r_mods(r_mode):
    if r_mode == "off":
        pytest.skip("--r=off")
    if not _r_available():
        if r_mode == "require":
            pytest.fail("Rscript with metafor required (--r=require)")
        pytest.skip("Rscript/metafor not available")
    return {(c, mp): run_r(DATASETS, METHODS + ("J",), c, mp) for c in CONTROLS
            for mp in ("default", "internal")}


@pytest.mark.r
@pytest.mark.parametrize("control", list(CONTROLS))
@pytest.mark.parametrize("method", METHODS + ("J",))
def test_mods_against_metafor(r_mods, method, control):
    failures, worst_all, n_err = [], {}, 0
    for i, yi, sei, g in DATASETS:
        r = r_mods[(control, "default")][(i, method)]
        r_alt = r_mods[(control, "internal")][(i, method)]
        py = run_py(yi, sei, g, method, CONTROLS[control])
        if isinstance(r, str) or isinstance(py, str):
            if not (isinstance(r, str) and isinstance(py, str)):
                failures.append(f"data set {i}: R {r!r} vs pymeta {py!r}")
            n_err += 1
            continue
        f, w = compare(sei, py, r, r_alt)
        failures += [f"data set {i} (k={yi.size}): {x}" for x in f]
        if py["warnings"] != r["warnings"]:
            failures.append(f"data set {i}: warnings {py['warnings']!r} vs R {r['warnings']!r}")
        for key, val in w.items():
            worst_all[key] = max(worst_all.get(key, 0.0), val)
    print(f"\n{method}/{control}: {len(DATASETS)} data sets ({n_err} errors in both); worst "
          "relative differences: " + ", ".join(f"{k} {v:.2g}" for k, v in
                                               sorted(worst_all.items())))
    assert not failures, "\n".join(failures[:30])
