"""metagen(keeprma = TRUE) with user weights: metafor's fits kept, compared with R's.

R meta keeps the ``rma.uni`` objects of its fits with user-specified weights as
``rma.usw.c`` (common effect, ``method = "FE"``) and ``rma.usw.r`` (random effects, one
per ``method.random.ci``; a list when there are several). pymeta keeps their numbers as
:class:`pymeta.model.rmafit.RmaFit`. Each test runs the same call in R and compares
every field of every kept fit (R's numbers read back as hexadecimal doubles) within the
parity contract (1e-10 relative, absolute floor 1e-12 as for every field: the REML log
likelihood of a single study is a cancellation to about 1e-32 in R, where pymeta's
weighted mean, one ulp away, gives 0; integers, strings and logicals exactly).
"""
import math
import warnings

import numpy as np
import pytest

import pymeta
from pymeta.testing import tolerance as T

pytestmark = pytest.mark.r

FIELDS = ("b", "se", "zval", "pval", "ci.lb", "ci.ub", "vb", "tau2", "se.tau2", "tau2.fix",
          "I2", "H2", "vt", "QE", "QEp", "QM", "QMdf", "QMp", "k", "k.all", "p", "m", "yi",
          "vi", "weights", "method", "test", "level", "ddf", "s2w", "fit.stats")

R_EXTRACT = """function(m) {
  one <- function(o) {
    fs <- as.numeric(as.matrix(o$fit.stats))
    vals <- list(b = as.numeric(o$b), se = o$se, zval = o$zval, pval = o$pval,
                 ci.lb = o$ci.lb, ci.ub = o$ci.ub, vb = as.numeric(o$vb), tau2 = o$tau2,
                 se.tau2 = o$se.tau2, tau2.fix = o$tau2.fix, I2 = o$I2, H2 = o$H2,
                 vt = o$vt, QE = o$QE, QEp = o$QEp, QM = o$QM, QMdf = o$QMdf, QMp = o$QMp,
                 k = o$k, k.all = o$k.all, p = o$p, m = o$m, yi = as.numeric(o$yi),
                 vi = o$vi, weights = o$weights, method = o$method, test = o$test,
                 level = o$level, ddf = o$ddf, s2w = o$s2w, fit.stats = fs)
    vapply(names(vals), function(n) {
      v <- vals[[n]]
      s <- if (is.character(v) || is.logical(v)) as.character(v)
           else ifelse(is.na(v), "NA", sprintf("%a", as.numeric(v)))
      paste0(n, "=", paste(s, collapse = ";"))
    }, "")
  }
  lst <- function(x) if (is.null(x)) list() else if (inherits(x, "rma")) list(x) else x
  list(c = lapply(lst(m$rma.usw.c), one), r = lapply(lst(m$rma.usw.r), one),
       single = inherits(m$rma.usw.r, "rma"))
}"""


def _r(code: str):
    import rpy2.robjects as ro
    return ro.r(code)


def _vec(v) -> str:
    return "c(" + ", ".join("NA" if v is None or (isinstance(v, float) and math.isnan(v))
                            else float(v).hex().join(('as.numeric("', '")'))
                            for v in v) + ")"


def _parse(lines) -> dict:
    out = {}
    for line in lines:
        name, _, val = str(line).partition("=")
        out[name] = val.split(";") if val != "" else []
    return out


def _flat(name: str, v) -> list:
    if name == "fit.stats":
        return [v[c][r] for c in ("ML", "REML") for r in ("ll", "dev", "AIC", "BIC", "AICc")]
    if isinstance(v, (tuple, list)):
        return list(v)
    return [v]


def _check(obj, theirs: dict, what):
    ours = obj.to_dict()
    assert set(FIELDS) <= set(ours), set(FIELDS) - set(ours)
    for name in FIELDS:
        o, t = _flat(name, ours[name]), theirs[name]
        assert len(o) == len(t), (what, name, o, t)
        for a, b in zip(o, t):
            if isinstance(a, (bool, np.bool_)):
                assert str(bool(a)).upper() == b, (what, name, a, b)
            elif isinstance(a, str):
                assert a == b, (what, name, a, b)
            elif b == "NA":
                assert math.isnan(float(a)), (what, name, a, b)
            else:
                x, y = float(a), float.fromhex(b)
                if math.isinf(y) or math.isnan(y):
                    assert x == y or (math.isnan(x) and math.isnan(y)), (what, name, x, y)
                    continue
                assert abs(x - y) <= max(T.RTOL * abs(y), T.ABS_FLOOR), (what, name, x, y)


def _case(rs: np.random.Generator):
    k = int(rs.integers(1, 9))
    te = rs.normal(0, 0.6, k)
    se = np.exp(rs.uniform(np.log(0.05), np.log(1.5), k))
    kind = int(rs.integers(3))
    w = rs.choice([0.5, 1.0, 2.0, 3.7, 10.0], size=k)
    if rs.random() < 0.15 and k > 2:
        w[int(rs.integers(k))] = np.nan          # metafor drops the study, with a warning
    args = {("weights", "weights_common", "weights_random")[kind]: w}
    if kind == 1 and rs.random() < 0.5:
        args["weights_random"] = rs.choice([1.0, 2.0, 5.0], size=k)
    mt = str(rs.choice(["REML", "DL", "PM", "ML", "HS", "SJ", "HE", "EB"]))
    mr = [["classic"], ["HK"], ["classic", "HK"]][int(rs.integers(3))]
    lvl = float(rs.choice([0.95, 0.9, 0.99]))
    return te, se, args, mt, mr, lvl


@pytest.mark.parametrize("seed", range(6))
def test_keeprma_fits_equal_r(r_meta, seed):
    """Drawn cases (k = 1 to 8, every tau2 estimator, classic / HK / both, three
    levels, weights for both models or either, a missing weight now and then): every
    field of every kept fit equals R's."""
    extract = _r(R_EXTRACT)
    rs = np.random.default_rng(4000 + seed)
    seen = set()
    for case in range(25):
        te, se, args, mt, mr, lvl = _case(rs)
        rargs = ", ".join(f"{k.replace('_', '.')} = {_vec(v)}" for k, v in args.items())
        rmr = "c(" + ", ".join(f'"{m}"' for m in mr) + ")"
        call = (f"suppressWarnings(meta::metagen({_vec(te)}, {_vec(se)}, {rargs}, "
                f'method.tau = "{mt}", method.random.ci = {rmr}, level.ma = {lvl!r}, '
                "keeprma = TRUE))")
        theirs = _r(f"tryCatch({{m <- {call}; list(TRUE, m)}}, error = function(e) "
                    "list(FALSE, conditionMessage(e)))")
        what = (seed, case, mt, mr, lvl, args, te, se)
        if not bool(theirs[0][0]):
            with pytest.raises((ValueError, ArithmeticError, RuntimeError)):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    pymeta.metagen(te, se, **args, method_tau=mt, method_random_ci=mr,
                                   level_ma=lvl, keeprma=True)
            continue
        r = extract(theirs[1])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = pymeta.metagen(te, se, **args, method_tau=mt, method_random_ci=mr,
                                 level_ma=lvl, keeprma=True)
        rc = [_parse(x) for x in r.rx2("c")]
        rr = [_parse(x) for x in r.rx2("r")]
        assert (res.rma_usw_c is None) == (len(rc) == 0), what
        if rc:
            _check(res.rma_usw_c, rc[0], what + ("common",))
        if not rr:
            assert res.rma_usw_r is None, what
            continue
        single = bool(r.rx2("single")[0])
        ours = [res.rma_usw_r] if single else list(res.rma_usw_r)
        assert single == (not isinstance(res.rma_usw_r, tuple)), what
        assert len(ours) == len(rr), what
        for o, t in zip(ours, rr):
            _check(o, t, what + ("random", o.test))
            seen.add((o.method, o.test, o.k == 1))
    assert len(seen) >= 4, seen


def test_keeprma_without_user_weights_keeps_nothing(r_meta):
    """keeprma = TRUE without user weights: R keeps no fit (NULL), nor does pymeta."""
    res = pymeta.metagen([0.1, 0.5, -0.2], [0.2, 0.3, 0.25], keeprma=True)
    assert res.rma_usw_c is None and res.rma_usw_r is None
    isnull = _r("m <- meta::metagen(c(0.1, 0.5, -0.2), c(0.2, 0.3, 0.25), keeprma = TRUE); "
                "c(is.null(m$rma.usw.c), is.null(m$rma.usw.r))")
    assert list(isnull) == [True, True]
    assert pymeta.metagen([0.1, 0.5, -0.2], [0.2, 0.3, 0.25],
                          weights=[1.0, 2.0, 3.0]).rma_usw_c is None   # keeprma FALSE


def test_keeprma_subgroups_and_update_equal_r(r_meta):
    """With subgroups R keeps the fits of the overall analysis; update() (R's
    update.meta, which does not pass keeprma on) keeps none."""
    extract = _r(R_EXTRACT)
    te, se = [0.1, 0.5, -0.2, 0.3, 0.05], [0.2, 0.3, 0.25, 0.1, 0.15]
    w, sg = [1.0, 2.0, 3.0, 4.0, 2.5], ["a", "a", "b", "b", "b"]
    m = _r(f"m <- suppressWarnings(meta::metagen({_vec(te)}, {_vec(se)}, weights = {_vec(w)}, "
           'subgroup = c("a", "a", "b", "b", "b"), method.random.ci = c("classic", "HK"), '
           "keeprma = TRUE)); m")
    r = extract(m)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = pymeta.metagen(te, se, weights=w, subgroup=sg, method_random_ci=["classic", "HK"],
                             keeprma=True)
    _check(res.rma_usw_c, _parse(r.rx2("c")[0]), "subgroups, common")
    for o, t in zip(res.rma_usw_r, r.rx2("r")):
        _check(o, _parse(t), ("subgroups, random", o.test))
    nulls = _r("m2 <- suppressWarnings(update(m, method.tau = 'PM')); "
               "c(is.null(m2$rma.usw.c), is.null(m2$rma.usw.r))")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        upd = res.update(method_tau="PM")
    assert list(nulls) == [True, True]
    assert upd.rma_usw_c is None and upd.rma_usw_r is None


@pytest.mark.parametrize("method", ["REML", "DL", "PM", "ML", "HS", "SJ", "HE", "EB"])
@pytest.mark.parametrize("te0", [-1.0, -math.inf])
def test_keeprma_infinite_variance_equal_r(r_meta, method, te0):
    """A study of infinite sampling variance (a zero cell with incr = 0 gives such a
    study, with an infinite estimate too): metafor's fits keep it (weight 0); every field
    of the kept fits as R's, or R's stop."""
    extract = _r(R_EXTRACT)
    te, se, w = [te0, 0.1, 0.2, 0.5], [math.inf, 0.2, 0.3, 0.25], [1.0, 2.0, 3.0, 4.0]
    theirs = _r(f"tryCatch({{m <- suppressWarnings(meta::metagen({_vec(te)}, {_vec(se)}, "
                f'weights = {_vec(w)}, method.tau = "{method}", '
                'method.random.ci = c("classic", "HK"), keeprma = TRUE)); list(TRUE, m)}, '
                "error = function(e) list(FALSE, conditionMessage(e)))")
    kw = dict(weights=w, method_tau=method, method_random_ci=["classic", "HK"], keeprma=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if not bool(theirs[0][0]):
            with pytest.raises((ValueError, ArithmeticError, RuntimeError)) as err:
                pymeta.metagen(te, se, **kw)
            assert str(err.value).startswith(str(theirs[1][0])), (err.value, theirs[1][0])
            return
        res = pymeta.metagen(te, se, **kw)
    r = extract(theirs[1])
    _check(res.rma_usw_c, _parse(r.rx2("c")[0]), (method, te0, "common"))
    for o, t in zip(res.rma_usw_r, r.rx2("r")):
        _check(o, _parse(t), (method, te0, "random", o.test))
