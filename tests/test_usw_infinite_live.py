"""User-specified weights with studies of infinite standard error, against live R.

meta 8.5's hetcalc leaves a study of infinite TE or seTE out, but its weighted fits
(``runUSW``) hand it to ``rma.uni(yi, sei, weights, method)``, whose estimators then run
on ``vi = Inf`` (and ``yi = +-Inf`` for, e.g., a risk ratio with a zero cell and
``incr = 0``): some return (with a tau2 that reaches meta's ``tau2.calc``), some stop
('missing value where TRUE/FALSE needed', 'NA/NaN/Inf in foreign function call (arg 1)',
"singular matrix 'a' in solve"). See :func:`pymeta.model.usw.tau2_infinite_vi`.

Two checks, both with R run live (no R numbers are typed into this file):

* metafor 3.8-1 directly: ``rma.uni(yi, sei = sei, weights = w, method = M, test = "z")``
  on random data sets (k = 2..8, one, two or all studies of infinite sei, finite or
  infinite yi), tau2 to 1e-10 relative (NaN where R gives NaN), the same error message
  where R stops and the same warnings (Rscript; data as hexadecimal floats);
* meta 8.5 end to end through the rpy2 bridge: metagen and metabin (RR / OR with zero
  cells and ``incr = 0``) with ``weights`` / ``weights.random`` / ``weights.common`` and
  every tau2 method, judged as the parity campaign judges (strict, no fallback), and
  R's error message where R stops.
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

import pymeta
from pymeta.model import usw
from pymeta.testing import campaign
from pymeta.testing.compare import fields_to_compare

pytestmark = pytest.mark.r

RSCRIPT = shutil.which("Rscript")
METHODS = ("DL", "PM", "REML", "ML", "HS", "SJ", "HE", "EB")
INF = math.inf

R_SCRIPT = r"""
suppressPackageStartupMessages(library(metafor))
args <- commandArgs(TRUE)
L <- readLines(args[1])
num <- function(s) as.numeric(strsplit(s, ",", fixed = TRUE)[[1]])
out <- character(0)
for (line in L) {
  p <- strsplit(line, ";", fixed = TRUE)[[1]]
  warns <- character(0)
  res <- tryCatch(withCallingHandlers({
      fit <- rma.uni(yi = num(p[2]), sei = num(p[3]), weights = num(p[4]), method = p[5],
                     test = "z")
      sprintf("OK;%.17g", fit$tau2)
    }, warning = function(w) {
      warns <<- c(warns, conditionMessage(w)); invokeRestart("muffleWarning")
    }), error = function(e) paste0("ERR;", conditionMessage(e)))
  out <- c(out, paste(p[1], res, gsub("[\n;]", " ", paste(warns, collapse = " | ")),
                      sep = ";"))
}
writeLines(out, args[2])
"""


def _hex(v: float) -> str:
    if math.isinf(v):
        return "Inf" if v > 0 else "-Inf"
    return float(v).hex()


def _datasets(n: int = 240, seed: int = 20240611):
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        k = int(rng.choice([2, 2, 3, 4, 5, 8]))
        yi = rng.normal(0, float(rng.choice([0.2, 1.0, 3.0])), k)
        sei = rng.uniform(0.05, 0.6, k)
        n_inf = k if rng.random() < 0.1 else int(rng.choice([1, 1, 2]))
        idx = rng.choice(k, size=min(n_inf, k), replace=False)
        sei[idx] = INF
        kind = rng.random()
        if kind < 0.35:                      # an infinite estimate with it
            yi[idx[0]] = INF if rng.random() < 0.5 else -INF
        if kind < 0.1 and idx.size > 1:      # both signs
            yi[idx[1]] = -yi[idx[0]]
        w = rng.choice([0.5, 1.0, 2.0, 3.7], k)
        out.append((i, yi, sei, w, METHODS[i % len(METHODS)]))
    return out


def _run_metafor(datasets):
    with tempfile.TemporaryDirectory() as d:
        inp, outp, scr = (os.path.join(d, f) for f in ("in.txt", "out.txt", "run.R"))
        with open(scr, "w") as fh:
            fh.write(R_SCRIPT)
        with open(inp, "w") as fh:
            for i, yi, sei, w, m in datasets:
                fh.write("%d;%s;%s;%s;%s\n" % (i, ",".join(map(_hex, yi)),
                                               ",".join(map(_hex, sei)),
                                               ",".join(map(_hex, w)), m))
        subprocess.run([RSCRIPT, "--vanilla", scr, inp, outp], check=True,
                       capture_output=True, text=True, timeout=1800)
        with open(outp) as fh:
            return {int(p[0]): p[1:] for p in (line.rstrip("\n").split(";") for line in fh)}


@pytest.fixture(scope="module")
def metafor_results():
    if RSCRIPT is None:
        pytest.skip("Rscript not found")
    p = subprocess.run([RSCRIPT, "-e", "cat(as.character(packageVersion('metafor')))"],
                       capture_output=True, text=True, timeout=120)
    if p.stdout.strip() != "3.8.1":
        pytest.skip(f"metafor 3.8-1 not available ({p.stdout.strip() or p.stderr.strip()})")
    data = _datasets()
    return data, _run_metafor(data)


def test_tau2_infinite_vi_against_metafor(metafor_results):
    data, r = metafor_results
    seen = set()
    for i, yi, sei, w, m in data:
        status, value, r_warns = r[i]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                tau2 = usw.tau2_infinite_vi(yi, sei ** 2, m)
                py = ("OK", tau2)
            except (ValueError, RuntimeError) as exc:
                py = ("ERR", str(exc))
        py_warns = " | ".join(str(c.message).replace("\n", " ") for c in caught
                              if issubclass(c.category, usw.MetaforWarning))
        label = f"case {i} ({m}): yi={yi.tolist()} sei={sei.tolist()} w={w.tolist()}"
        assert py[0] == status, f"{label}: R {status} {value!r}, pymeta {py}"
        if status == "OK":
            a = float(value)
            b = py[1]
            assert (math.isnan(a) and math.isnan(b)) or a == b or \
                abs(a - b) <= 1e-10 * max(abs(a), abs(b)), f"{label}: R {a!r}, pymeta {b!r}"
            seen.add((m, "nan" if math.isnan(a) else "zero" if a == 0 else "positive"))
        else:
            assert py[1] == value, f"{label}: R stops with {value!r}, pymeta {py[1]!r}"
            seen.add((m, value))
        assert py_warns == r_warns, f"{label}: warnings R {r_warns!r}, pymeta {py_warns!r}"
    # the data sets reach every path: a finite positive tau2 (DL, HS, PM, SJ, EB), NaN
    # (infinite yi), and each of R's three stops
    kinds = {s for _, s in seen}
    for must in ("positive", "nan", "zero", "missing value where TRUE/FALSE needed",
                 "NA/NaN/Inf in foreign function call (arg 1)",
                 "singular matrix 'a' in solve"):
        assert must in kinds, f"no data set gave {must!r}"


# ------------------------------------------------------------------ meta end to end

def _meta_cases():
    cases = []
    fixed = [([0.3], [INF]), ([0.3, 0.1], [INF, 0.2]), ([INF, 0.1], [INF, 0.2]),
             ([0.3, 0.1, -0.2, 0.5], [0.1, INF, 0.2, 0.3]),
             ([0.3, 0.1, INF, 0.5], [0.1, 0.15, INF, 0.3]),
             ([0.3, 0.1, -0.2, 0.5], [0.1, INF, INF, 0.3]),
             ([0.3, 0.1], [INF, INF]), ([INF, -INF, 0.2], [INF, INF, 0.1]),
             ([1.3, 0.1, -0.9, 0.5, 2.0], [0.1, INF, 0.2, 0.3, 0.15])]
    for j, (te, se) in enumerate(fixed):
        for m in METHODS:
            opts = {"method_tau": m, "weights_random": [1.0 + i for i in range(len(te))]}
            if j % 3 == 1:
                opts.update(weights_common=2.0, method_random_ci=["classic", "HK"],
                            method_predict=["V", "S"])
            cases.append(("metagen", {"TE": te, "seTE": se, **opts}))
    # binary data with zero cells: log risk / odds ratio and its standard error infinite
    bins = [([1662, 1576, 4211, 3350], [1662, 1596, 4256, 3389],
             [1269, 790, 0, 3739], [1269, 799, 1811, 3770]),
            ([0, 358, 4256, 1986], [4513, 611, 4256, 3389],
             [659, 404, 0, 2267], [1125, 665, 1811, 3770]),
            ([5, 11, 225, 114], [10, 21, 419, 227], [5, 134, 0, 57], [10, 266, 418, 96]),
            ([12, 0, 30], [50, 40, 60], [10, 8, 12], [50, 40, 60])]
    for j, (ee, ne, ec, nc) in enumerate(bins):
        for m in METHODS:
            cases.append(("metabin", {"event_e": ee, "n_e": ne, "event_c": ec, "n_c": nc,
                                      "sm": "OR" if j == 3 else "RR", "method": "Inverse",
                                      "incr": 0, "method_tau": m, "weights": 1.0}))
    return cases


_CLS = {"metagen": pymeta.MetaGen, "metabin": pymeta.MetaBin}
META_CASES = _meta_cases()


@pytest.mark.parametrize("fun,args", META_CASES,
                         ids=[f"{f}-{i}-{a['method_tau']}" for i, (f, a) in
                              enumerate(META_CASES)])
def test_meta_user_weights_infinite_se(r_meta, fun, args):
    fields = fields_to_compare(_CLS[fun])
    out = r_meta.run_many(fun, [args], fields, time_limit=campaign.R_TIME_LIMIT)[0]
    res = campaign.evaluate(fun, args, out, None, fields=fields, strict=True)
    assert res.status != "mismatch", f"{res.detail}\ncase: {args!r}"
    if not out["ok"]:
        assert res.py_error == "ValueError: " + out["error"].strip(), (res.py_error, out)
