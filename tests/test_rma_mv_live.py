"""pymeta.model.rma_mv (meta's three-level model: metafor's vcalc + rma.mv +
confint.rma.mv) against R 4.2.2 / metafor 3.8-1 / meta 8.5.

One Rscript run (module fixture) fits every case in R exactly as meta does::

    V <- vcalc(vi = seTE^2, cluster = cl, obs = idx, rho = rho)
    m <- rma.mv(yi, V, random = ~ 1 | cl/idx, data = data.frame(cl, idx),
                method = method, test = test, level = 100 * level)
    confint(m, level = 100 * level)

with ``nlminb`` traced (iterations and evaluation counts of the main fit), and, for
the cases marked for it, also ``metagen(yi, seTE, cluster = cl, rho = rho, ...)`` whose
``TE.random``, ``seTE.random``, ``lower/upper.random``, ``tau2``, ``lower/upper.tau2``,
``Q``, ``w.random`` meta takes from these fits.  Every number comes back as a
hexadecimal double.  Cases: metafor's dat.konstantopoulos2011 (k = 56, rho 0 and 0.5,
REML and ML), dat.assink2016 (k = 100: LAPACK's blocked code paths), one single-cluster
case (sigma2.1 fixed at 0), and 24 random data sets (2-8 clusters of 1-5 estimates,
some with a between- or within-cluster variance estimated at the boundary, ML, t tests,
rho != 0, level 90%), and four cases with |rho| at or near 1 (vcalc's and rma.mv's
"not positive definite" warnings, metafor's lm() start value with QE = NA, and the
error "Final variance-covariance matrix not positive definite." for rho = -1).

The port is required to be bit-identical to R for every number (contract fallback
reported: 1e-10 relative); integers, signs and warnings exactly.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from pymeta.model import rma_mv as RM
from pymeta.model.tau2 import MetaforError
from pymeta.testing.rscript import from_hex, rscript_or_skip, run_rscript, same_double

pytestmark = pytest.mark.r

R_SCRIPT = r"""
suppressPackageStartupMessages({library(metafor); library(meta)})
args <- commandArgs(trailingOnly = TRUE)
lines <- readLines(args[1])
hx <- function(v) paste(ifelse(is.na(v), "NA", sprintf("%a", as.numeric(v))), collapse = ",")
last_opt <- NULL
trace("nlminb", exit = quote(assign("last_opt", returnValue(), envir = globalenv())),
      where = asNamespace("stats"), print = FALSE)
out <- character(0)
for (ln in lines) {
  f <- strsplit(ln, ";", fixed = TRUE)[[1]]
  name <- f[1]; method <- f[2]; test <- f[3]; lev <- as.numeric(f[4]); rho <- as.numeric(f[5])
  do.meta <- f[6] == "1"
  if (f[7] == "konst") {
    d <- dat.konstantopoulos2011; yi <- d$yi; se <- sqrt(d$vi); cl <- as.character(d$district)
  } else if (f[7] == "assink") {
    d <- dat.assink2016; yi <- d$yi; se <- sqrt(d$vi); cl <- as.character(d$study)
  } else {
    yi <- as.numeric(strsplit(f[7], ",")[[1]]); se <- as.numeric(strsplit(f[8], ",")[[1]])
    cl <- strsplit(f[9], ",")[[1]]
  }
  k <- length(yi); idx <- seq_len(k)
  wr <- character(0)
  res <- tryCatch(withCallingHandlers({
    V <- vcalc(vi = se^2, cluster = cl, obs = idx, rho = rho)
    m <- rma.mv(yi, V, random = ~ 1 | cl / idx, data = data.frame(cl, idx),
                method = method, test = test, level = 100 * lev)
    opt <- last_opt
    ci <- confint(m, level = 100 * lev)
    list(m = m, opt = opt, ci = ci)
  }, warning = function(w) { wr <<- c(wr, conditionMessage(w)); invokeRestart("muffleWarning") }),
  error = function(e) conditionMessage(e))
  if (is.character(res)) {
    out <- c(out, paste(c(name, hx(yi), hx(se), paste(cl, collapse = ","), "ERROR", res,
                          paste(wr, collapse = "#")), collapse = ";"))
    last_opt <- NULL
    next
  }
  m <- res$m; opt <- res$opt; ci <- res$ci
  cis <- if (inherits(ci, "list.confint.rma")) ci[vapply(ci, is.list, TRUE)] else list(ci)
  cistr <- vapply(cis, function(o) {
    rn <- rownames(o$random)
    paste(substring(rn[1], nchar(rn[1])), hx(c(o$random[1, ], o$random[2, ])),
          o$lb.sign, o$ub.sign, sep = "|")
  }, "")
  ll <- m$fit.stats["ll", ]
  vals <- c(hx(yi), hx(se), paste(cl, collapse = ","),
            hx(c(m$b, m$se, m$zval, m$pval, m$ci.lb, m$ci.ub, m$vb, m$QE, m$QEp, ll[1], ll[2])),
            hx(m$sigma2), paste(as.integer(m$vc.fix$sigma2), collapse = ","),
            paste(m$s.nlevels, collapse = ","),
            if (is.null(opt)) "NA" else paste(opt$iterations, opt$evaluations[1], opt$evaluations[2], sep = ","),
            hx(weights(m, type = "rowsum")),
            paste(cistr, collapse = "#"), paste(wr, collapse = "#"))
  if (do.meta) {
    mm <- tryCatch(suppressWarnings(metagen(yi, se, cluster = cl, rho = rho,
                  method.tau = method, method.random.ci = if (test == "t") "HK" else "classic",
                  level.ma = lev, level.hetstat = lev)), error = function(e) NULL)
    if (!is.null(mm)) vals <- c(vals, hx(c(mm$TE.random, mm$seTE.random, mm$lower.random, mm$upper.random,
                         mm$tau2, mm$lower.tau2, mm$upper.tau2, mm$Q)), hx(mm$w.random))
  }
  last_opt <- NULL
  out <- c(out, paste(c(name, vals), collapse = ";"))
}
writeLines(out, args[2])
"""


def _hexs(v):
    return ",".join(float(x).hex() for x in v)


def _random_cases():
    """24 random three-level data sets (fixed seed)."""
    rng = np.random.default_rng(20261127)
    cases = []
    for i in range(24):
        ncl = int(rng.integers(2, 9))
        sizes = rng.integers(1, 6, size=ncl)
        if sizes.max() < 2:
            sizes[0] = 2
        cl = [("c%d" % (j + 1)) for j, n in enumerate(sizes) for _ in range(int(n))]
        order = rng.permutation(len(cl)) if i % 3 == 0 else np.arange(len(cl))
        cl = [cl[j] for j in order]
        k = len(cl)
        # between / within SDs: some near zero to give boundary estimates
        sb = [0.0, 0.05, 0.3, 0.6][i % 4]
        sw = [0.4, 0.0, 0.2, 0.05, 0.3, 0.0][i % 6]
        u = {c: rng.normal(0, sb) for c in set(cl)}
        se = rng.uniform(0.08, 0.6, size=k)
        yi = np.array([0.3 + u[c] + rng.normal(0, sw) + rng.normal(0, s)
                       for c, s in zip(cl, se)])
        yi = np.round(yi, 4)
        se = np.round(se, 4)
        method = "ML" if i % 5 == 2 else "REML"
        test = "t" if i % 4 == 1 else "z"
        level = 0.9 if i % 7 == 3 else 0.95
        rho = [0.0, 0.0, 0.5, 0.3, -0.2, 0.8][i % 6]
        do_meta = 1 if i % 3 == 0 else 0
        cases.append(("rand%02d" % i, method, test, level, rho, do_meta,
                      _hexs(yi), _hexs(se), ",".join(cl)))
    # single cluster: sigma2.1 fixed to 0 with metafor's warning; one component profiled
    rng2 = np.random.default_rng(7)
    se = np.round(rng2.uniform(0.1, 0.4, size=5), 4)
    yi = np.round(rng2.normal(0.2, 0.3, size=5), 4)
    cases.append(("single", "REML", "z", 0.95, 0.0, 0, _hexs(yi), _hexs(se), ",".join(["a"] * 5)))
    # |rho| at the limit: vcalc's and rma.mv's "not positive definite" warnings, the
    # lm() start value (QE NA) for a singular V, and the error of a failed final fit
    rng3 = np.random.default_rng(11)
    se = np.round(rng3.uniform(0.1, 0.4, size=12), 3)
    yi = np.round(rng3.normal(0.3, 0.3, size=12), 3)
    cl = ",".join(c for c in "dacb" for _ in range(3))
    for nm, rho in (("rho1", 1.0), ("rho_m05", -0.5), ("rho_m1", -1.0), ("rho0999", 0.999)):
        cases.append((nm, "REML", "z", 0.95, rho, 1, _hexs(yi), _hexs(se), cl))
    return cases


CASES = [
    ("konst", "REML", "z", 0.95, 0.0, 1, "konst", "", ""),
    ("konst_rho05", "REML", "z", 0.95, 0.5, 1, "konst", "", ""),
    ("konst_ML_t", "ML", "t", 0.9, 0.0, 1, "konst", "", ""),
    ("assink", "REML", "z", 0.95, 0.0, 1, "assink", "", ""),
] + _random_cases()


@pytest.fixture(scope="module")
def r_results(request):
    rscript = rscript_or_skip(request.config)
    lines = [";".join(str(x) for x in c) for c in CASES]
    out = run_rscript(rscript, R_SCRIPT, lines, english=True)
    return {line.split(";")[0]: line.split(";")[1:] for line in out}


def _nums(s):
    return [from_hex(x) for x in s.split(",")] if s else []


WORST = {"rel": 0.0, "where": "", "nonbitwise": []}


def _cmp(tag, py, r):
    """Bitwise equality required; the relative difference is recorded."""
    py = float(py)
    r = float(r)
    if same_double(py, r) or (math.isnan(py) and math.isnan(r)):
        return
    d = abs(py - r) / max(abs(r), 1e-300) if math.isfinite(r) else math.inf
    if d > WORST["rel"]:
        WORST["rel"], WORST["where"] = d, tag
    WORST["nonbitwise"].append((tag, py, r, d))


def _run_case(case, rv):
    name, method, test, level, rho = case[:5]
    yi, se, cl = _nums(rv[0]), _nums(rv[1]), rv[2].split(",")
    yi, se = np.array(yi), np.array(se)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        fit = RM.rma_mv(yi, se * se, cl, rho=rho, method=method, test=test,
                        level=100 * level)
        cis = RM.confint_rma_mv(fit, 100 * level)
    pywarn = [str(w.message) for w in rec]
    return fit, cis, pywarn


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_rma_mv_against_r(case, r_results):
    rv = r_results[case[0]]
    name = case[0]
    if rv[3] == "ERROR":
        with pytest.raises(MetaforError) as err, warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            yi, se, cl = np.array(_nums(rv[0])), np.array(_nums(rv[1])), rv[2].split(",")
            fit = RM.rma_mv(yi, se * se, cl, rho=case[4], method=case[1], test=case[2],
                            level=100 * case[3])
            RM.confint_rma_mv(fit, 100 * case[3])
        assert str(err.value) == rv[4]
        assert [str(w.message) for w in rec] == (rv[5].split("#") if rv[5] else [])
        return
    fit, cis, pywarn = _run_case(case, rv)
    (b, se, zval, pval, cilb, ciub, vb, QE, QEp, llML, llREML) = _nums(rv[3])
    for tag, p, r in (("b", fit.b, b), ("se", fit.se, se), ("zval", fit.zval, zval),
                      ("pval", fit.pval, pval), ("ci.lb", fit.ci_lb, cilb),
                      ("ci.ub", fit.ci_ub, ciub), ("vb", fit.vb, vb), ("QE", fit.QE, QE),
                      ("QEp", fit.QEp, QEp), ("ll.ML", fit.ll_ML, llML),
                      ("ll.REML", fit.ll_REML, llREML)):
        _cmp("%s %s" % (name, tag), p, r)
    s2 = _nums(rv[4])
    for j in range(2):
        _cmp("%s sigma2[%d]" % (name, j + 1), fit.sigma2[j], s2[j])
    assert list(fit.vc_fix) == [bool(int(x)) for x in rv[5].split(",")]
    assert list(fit.s_nlevels) == [int(x) for x in rv[6].split(",")]
    if rv[7] != "NA":
        it, fe, ge = (int(x) for x in rv[7].split(","))
        assert (fit.iterations, fit.evaluations) == (it, (fe, ge)), name
    w = _nums(rv[8])
    assert len(w) == len(fit.weights)
    for j, (p, r) in enumerate(zip(fit.weights, w)):
        _cmp("%s weights[%d]" % (name, j), p, r)
    rci = [s.split("|") for s in rv[9].split("#")] if rv[9] else []
    assert [c.component for c in cis] == [int(x[0]) for x in rci]
    for c, (comp, nums, lbs, ubs) in zip(cis, rci):
        v = _nums(nums)       # estimate, ci.lb, ci.ub (sigma^2), then sigma
        py = [c.estimate, c.ci_lb, c.ci_ub] + list(c.sigma)
        for j, (p, r) in enumerate(zip(py, v)):
            _cmp("%s PL[%s][%d]" % (name, comp, j), p, r)
        assert (c.lb_sign, c.ub_sign) == (lbs, ubs)
    rwarn = rv[10].split("#") if rv[10] else []
    assert pywarn == rwarn, (pywarn, rwarn)
    if len(rv) > 11:
        # meta's own metagen(cluster = ...) fields, from these fits (meta's glue:
        # TE/seTE/lower/upper.random from rma.mv, tau2 = sigma2, PL CI bounds per
        # component, Q = QE, w.random = weights rowsum)
        mv = _nums(rv[11])
        lt = {c.component: c for c in cis}
        lower = [lt[j].ci_lb if j in lt else math.nan for j in (1, 2)]
        upper = [lt[j].ci_ub if j in lt else math.nan for j in (1, 2)]
        py = [fit.b, fit.se, fit.ci_lb, fit.ci_ub, *fit.sigma2, *lower, *upper, fit.QE]
        labels = ["TE.random", "seTE.random", "lower.random", "upper.random", "tau2[1]",
                  "tau2[2]", "lower.tau2[1]", "lower.tau2[2]", "upper.tau2[1]",
                  "upper.tau2[2]", "Q"]
        for lab, p, r in zip(labels, py, mv):
            _cmp("%s meta %s" % (name, lab), p, r)
        wr = _nums(rv[12])
        for j, (p, r) in enumerate(zip(fit.weights, wr)):
            _cmp("%s meta w.random[%d]" % (name, j), p, r)
    bad = [x for x in WORST["nonbitwise"] if x[0].startswith(name + " ")]
    assert not bad, bad[:5]


def test_zz_report_worst():
    """Summary of the comparison (runs last): bitwise everywhere, else the worst
    relative difference must stay within the 1e-10 contract."""
    print("\nrma_mv vs R: %d non-bitwise numbers; worst relative difference %.3g (%s)"
          % (len(WORST["nonbitwise"]), WORST["rel"], WORST["where"]))
    assert WORST["rel"] <= 1e-10


def test_lapack_flag():
    """The module reports whether scipy's LAPACK is the reference build (it is here,
    which is what makes the bitwise comparisons above possible)."""
    assert isinstance(RM.LAPACK_IS_REFERENCE, bool)
    assert "LAPACK" in RM.LAPACK_INFO


R_CONTROL = r"""
suppressPackageStartupMessages(library(metafor))
args <- commandArgs(trailingOnly = TRUE)
d <- dat.konstantopoulos2011; k <- nrow(d); cl <- as.character(d$district); idx <- seq_len(k)
V <- vcalc(vi = sqrt(d$vi)^2, cluster = cl, obs = idx, rho = 0)
one <- function(ctl) {
  m <- tryCatch(rma.mv(d$yi, V, random = ~ 1 | cl / idx, data = data.frame(cl, idx),
                       control = ctl), error = function(e) conditionMessage(e))
  if (is.character(m)) paste0("ERROR;", m) else paste(sprintf("%a", c(m$sigma2, m$b, m$se)), collapse = ",")
}
writeLines(c(paste(sprintf("%a", d$yi), collapse = ","), paste(sprintf("%a", sqrt(d$vi)), collapse = ","),
             paste(cl, collapse = ","), one(list(rel.tol = 1e-12)), one(list(iter.max = 3))), args[2])
"""


def test_control_passed_to_nlminb(request):
    """meta's ``control`` reaches nlminb through rma.mv: a tighter rel.tol gives R's
    optimum bit for bit; iter.max = 3 gives metafor's convergence error."""
    out = run_rscript(rscript_or_skip(request.config), R_CONTROL, [], english=True)
    yi = np.array([from_hex(x) for x in out[0].split(",")])
    se = np.array([from_hex(x) for x in out[1].split(",")])
    cl = out[2].split(",")
    tight, short = out[3], out[4]
    fit = RM.rma_mv(yi, se * se, cl, control={"rel.tol": 1e-12})
    r = [from_hex(x) for x in tight.split(",")]
    for p, q in zip([*fit.sigma2, fit.b, fit.se], r):
        assert same_double(p, q)
    assert short.startswith("ERROR;")
    with pytest.raises(MetaforError) as err:
        RM.rma_mv(yi, se * se, cl, control={"iter.max": 3})
    assert str(err.value) == short[len("ERROR;"):]

