"""estmeansd's Monte Carlo methods ("Cai", "BC-McGrath") against R, on R's random stream.

R meta computes these with ``estmeansd::mln.mean.sd`` / ``estmeansd::bc.mean.sd``, which
draw from R's global stream; R's numbers are fixed only by ``set.seed()`` before the
call. Each test runs R after ``set.seed(s)`` and pymeta with ``seed_estmeansd = s`` (or
``RRandom(s)``) and asks for the same doubles:

* the estmeansd ports alone (location, scale, shape, mean, SD), over drawn summaries of
  every scenario (S1 range, S2 quartiles, S3 both), including the log-normal case
  (shape 0), skewed and nearly symmetric data, small and large n;
* R's minimisers the ports follow (``optimize``, ``optim`` Nelder-Mead) on their own;
* metacont / metamean / metagen with the methods for means and SDs, mixed with
  reported means, both arms, ``approx.*`` labels and subgroups: every number field;
* estmeansd's errors and warnings.
"""
import math
import warnings

import numpy as np
import pytest

import pymeta
from pymeta.effects.estmeansd import bc_mean_sd, mln_mean_sd
from pymeta.model.optimize import nelder_mead, optimize
from pymeta.model.rrng import RRandom

pytestmark = pytest.mark.r

RTOL = 1e-10     # the parity contract; so far every value has been bit-identical


def _r(code: str):
    import rpy2.robjects as ro
    return ro.r(code)


def _num(v) -> str:
    return "NA" if v is None or (isinstance(v, float) and math.isnan(v)) else repr(float(v))


def _vec(v) -> str:
    return "c(" + ", ".join(_num(x) for x in v) + ")"


def _close(ours, theirs, what):
    ours, theirs = np.asarray(ours, float), np.asarray(theirs, float)
    assert ours.shape == theirs.shape, what
    same_nan = np.isnan(ours) == np.isnan(theirs)
    assert same_nan.all(), (what, ours, theirs)
    ok = ~np.isnan(ours)
    diff = np.abs(ours[ok] - theirs[ok])
    assert np.all(diff <= RTOL * np.maximum(np.abs(theirs[ok]), 1e-300)), (what, ours, theirs)


def _summaries(rs: np.random.Generator):
    """One study's summaries: a skewed, symmetric or log-normal-like sample's quantiles."""
    n = float(rs.choice([3, 5, 10, 25, 60, 200, 1500]))
    kind = rs.integers(3)
    if kind == 0:
        x = np.sort(rs.lognormal(rs.uniform(0, 3), rs.uniform(0.1, 1.2), int(max(n, 5))))
    elif kind == 1:
        x = np.sort(rs.normal(50, 10, int(max(n, 5))))
    else:
        x = np.sort(rs.gamma(rs.uniform(0.5, 5), 2.0, int(max(n, 5))))
    q = np.round(np.quantile(x, [0, 0.25, 0.5, 0.75, 1]), int(rs.integers(1, 4)))
    if len(set(q)) < 5:
        q = np.sort(q + np.array([0, 0.01, 0.02, 0.03, 0.04]))
    scen = rs.choice(["S1", "S2", "S3"])
    keep = {"S1": (0, 2, 4), "S2": (1, 2, 3), "S3": (0, 1, 2, 3, 4)}[scen]
    vals = [float(q[i]) if i in keep else None for i in range(5)]
    return vals, n


ESTMEANSD_CASES = 60


@pytest.mark.parametrize("fun", ["bc.mean.sd", "mln.mean.sd"])
def test_estmeansd_functions_equal_r(r_meta, fun):
    _r("suppressMessages(library(estmeansd))")
    py = bc_mean_sd if fun == "bc.mean.sd" else mln_mean_sd
    rs = np.random.default_rng(20261126 + len(fun))
    shapes = set()
    errors = 0
    for case in range(ESTMEANSD_CASES):
        (mn, q1, med, q3, mx), n = _summaries(rs)
        seed = int(rs.integers(-2**31 + 1, 2**31 - 1))
        args = ", ".join(f"{a} = {_num(v)}" for a, v in
                         zip(("min.val", "q1.val", "med.val", "q3.val", "max.val"),
                             (mn, q1, med, q3, mx)) if v is not None)
        theirs = _r(
            f"tryCatch({{set.seed({seed}); r <- suppressWarnings(estmeansd::{fun}({args}, "
            f"n = {n!r})); c(r$est.mean, r$est.sd, r$location, r$scale, r$shape, runif(1))}}, "
            "error = function(e) conditionMessage(e))")
        g = RRandom(seed)
        if isinstance(theirs[0], str):     # R stops: so must pymeta, with R's message first
            with pytest.raises(ValueError) as err:
                py(mn, q1, med, q3, mx, n, rng=g)
            assert str(err.value).startswith(theirs[0]), (str(err.value), theirs[0])
            errors += 1
            continue
        theirs = np.asarray(theirs, float)
        res = py(mn, q1, med, q3, mx, n, rng=g)
        ours = [res.est_mean, res.est_sd, res.location, res.scale, res.shape, g.unif_rand()]
        _close(ours, theirs, (fun, case, (mn, q1, med, q3, mx), n, seed))
        shapes.add(res.shape == 0)
    if fun == "bc.mean.sd":   # the log-normal branch (shape 0) and the power branch
        assert shapes == {True, False}, "the cases must include shape 0 and shape > 0"
    assert errors < ESTMEANSD_CASES // 4


def test_optimize_equals_r(r_meta):
    """R's optimize(): minimum, maximum, a flat stretch, a non-finite region, tol."""
    cases = [("function(x) (x - 1/3)^2", (0.0, 1.0), False, None, lambda x: (x - 1 / 3) ** 2),
             ("function(x) sin(3 * x) + x / 5", (-2.0, 3.0), False, None,
              lambda x: math.sin(3 * x) + x / 5),
             ("function(x) -abs(x - 0.7)", (0.0, 10.0), True, 0.001, lambda x: -abs(x - 0.7)),
             ("function(x) log(x - 1)", (0.0, 4.0), True, None,
              lambda x: math.log(x - 1) if x > 1 else (-math.inf if x == 1 else math.nan)),
             ("function(x) ifelse(x < 2, 1, (x - 2.5)^4)", (0.0, 6.0), False, 1e-8,
              lambda x: 1.0 if x < 2 else (x - 2.5) ** 4)]
    for src, (lo, up), maximum, tol, f in cases:
        targ = "" if tol is None else f", tol = {tol!r}"
        theirs = np.asarray(_r(f"o <- suppressWarnings(optimize({src}, c({lo!r}, {up!r}), "
                               f"maximum = {str(maximum).upper()}{targ})); unlist(o)"), float)
        kw = {} if tol is None else {"tol": tol}
        res = optimize(f, lo, up, maximum=maximum, **kw)
        _close([res.x, res.objective], theirs, src)


def test_nelder_mead_equals_r(r_meta):
    """R's optim() default method: Rosenbrock, a shrink-prone valley, a NaN region, maxit."""
    fns = [("function(p) 100 * (p[2] - p[1]^2)^2 + (1 - p[1])^2", (-1.2, 1.0),
            lambda p: 100 * (p[1] - p[0] ** 2) ** 2 + (1 - p[0]) ** 2),
           ("function(p) abs(p[1] - 3) + 10 * abs(p[2] + p[1])", (0.0, 0.0),
            lambda p: abs(p[0] - 3) + 10 * abs(p[1] + p[0])),
           ("function(p) if (p[2] <= 0) NaN else (p[1] - 2)^2 + log(p[2])^2", (5.0, 0.5),
            lambda p: math.nan if p[1] <= 0 else (p[0] - 2) ** 2 + math.log(p[1]) ** 2)]
    for src, start, f in fns:
        theirs = np.asarray(_r(f"o <- optim({_vec(start)}, {src}); "
                               "c(o$par, o$value, o$counts[1], o$convergence)"), float)
        res = nelder_mead(f, start)
        _close([*res.par, res.value, res.counts, res.convergence], theirs, src)


def _data(rs, k, arms=("e", "c")):
    """k studies: some with means and SDs, the others with medians, quartiles, ranges."""
    d = {}
    for arm in arms:
        sfx = f"_{arm}" if arm else ""
        n = rs.choice([12.0, 20, 35, 60, 140], size=k)
        cols = {c: np.full(k, np.nan) for c in ("mean", "sd", "median", "q1", "q3", "min",
                                                  "max")}
        for i in range(k):
            (mn, q1, med, q3, mx), _ = _summaries(rs)
            if rs.random() < 0.3:
                cols["mean"][i] = med * 1.05
                cols["sd"][i] = (q3 - q1) / 1.35 if q1 is not None else (mx - mn) / 4
            for c, v in zip(("min", "q1", "median", "q3", "max"), (mn, q1, med, q3, mx)):
                if v is not None:
                    cols[c][i] = v
        d[f"n{sfx}"] = n
        d.update({f"{c}{sfx}": v for c, v in cols.items()})
    return d


FIELDS = ("TE", "seTE", "TE_common", "seTE_common", "TE_random", "seTE_random", "tau2",
          "lower_random", "upper_random", "Q")


def _compare_fun(fun, d, extra_py, extra_r, seed, arm_fields, more=()):
    args = ", ".join(f"{k.replace('_', '.')} = {_vec(v)}" for k, v in d.items())
    fields = list(arm_fields) + list(FIELDS) + list(more)
    if "subgroup" in extra_py:   # R's subgroups re-run the approximations on its stream
        fields += ["TE_common_w", "seTE_common_w", "TE_random_w", "seTE_random_w", "Q_w",
                   "tau2_w"]
    rf = ", ".join(f"as.numeric(m${f.replace('_', '.')})" for f in fields)
    theirs = _r(f"set.seed({seed}); m <- suppressWarnings(meta::{fun}({args}{extra_r})); "
                f"list({rf}, runif(1))")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = getattr(pymeta, fun)(**{k: np.asarray(v) for k, v in d.items()}, **extra_py,
                                   seed_estmeansd=seed)
    for f, t in zip(fields, theirs):
        _close(np.atleast_1d(getattr(res, f)), np.asarray(t, float), (fun, f, seed))
    return res


def _methods(rs):
    mm = rs.choice(["Cai", "BC-McGrath", "Luo"])
    ms = rs.choice(["Cai", "BC-McGrath", "Shi"]) if mm != "Luo" else rs.choice(["Cai",
                                                                              "BC-McGrath"])
    return str(mm), str(ms)


@pytest.mark.parametrize("case", range(12))
def test_metacont_equals_r(r_meta, case):
    rs = np.random.default_rng(700 + case)
    k = int(rs.integers(2, 6))
    d = _data(rs, k)
    mm, ms = _methods(rs)
    sm = str(rs.choice(["MD", "SMD", "ROM"]))
    py = dict(method_mean=mm, method_sd=ms, sm=sm)
    rr = f', method.mean = "{mm}", method.sd = "{ms}", sm = "{sm}"'
    if case % 4 == 3:       # subgroups
        sg = ["a", "b"] * k
        py["subgroup"] = sg[:k]
        rr += f", subgroup = c({', '.join(repr(s) for s in sg[:k])})"
    res = _compare_fun("metacont", d, py, rr, int(rs.integers(1, 10**6)),
                       ("mean_e", "sd_e", "mean_c", "sd_c"))
    assert any("set.seed(" in n for n in res.notes)


@pytest.mark.parametrize("case", range(8))
def test_metamean_equals_r(r_meta, case):
    rs = np.random.default_rng(900 + case)
    k = int(rs.integers(1, 6))
    d = _data(rs, k, arms=("",))
    mm, ms = _methods(rs)
    sm = str(rs.choice(["MRAW", "MLN"]))
    _compare_fun("metamean", d, dict(method_mean=mm, method_sd=ms, sm=sm),
                 f', method.mean = "{mm}", method.sd = "{ms}", sm = "{sm}"',
                 int(rs.integers(1, 10**6)), ("mean", "sd"))


NNF_SG = [  # (function, seed of the data, methods, subgroups, seed.predict.subgroup)
    ("metacont", 31, ("Cai", "BC-McGrath"), ["a", "b", "a", "b", "b"], [4, 5]),
    ("metamean", 32, ("BC-McGrath", "Cai"), ["x", "y", "y", "z", "z", "x"], [9]),
]


@pytest.mark.parametrize("fun,seed,methods,sg,seeds", NNF_SG, ids=[c[0] for c in NNF_SG])
def test_subgroups_after_nnf_equal_r(r_meta, fun, seed, methods, sg, seeds):
    """With method.predict = "NNF", pimeta's set.seed(seed.predict) restarts R's stream in
    the overall analysis and again in each subgroup; each subgroup's re-run
    approximations draw from where the previous bootstrap left it. The subgroup means
    depend on that stream state: with a stream the bootstrap does not move on, both cases
    fail (checked by hand)."""
    rs = np.random.default_rng(seed)
    arms = ("e", "c") if fun == "metacont" else ("",)
    d = _data(rs, len(sg), arms=arms)
    mm, ms = methods
    py = dict(method_mean=mm, method_sd=ms, subgroup=sg, method_predict="NNF",
              seed_predict=3, seed_predict_subgroup=seeds, prediction_subgroup=True)
    rr = (f', method.mean = "{mm}", method.sd = "{ms}", '
          f'subgroup = c({", ".join(repr(s) for s in sg)}), method.predict = "NNF", '
          f'seed.predict = 3, seed.predict.subgroup = {_vec(seeds)}, prediction.subgroup = TRUE')
    arm_fields = ("mean_e", "sd_e", "mean_c", "sd_c") if fun == "metacont" else ("mean", "sd")
    _compare_fun(fun, d, py, rr, 11, arm_fields,
                 more=("lower_predict", "upper_predict", "lower_predict_w", "upper_predict_w"))


def test_metacont_approx_labels_equal_r(r_meta):
    """approx.mean.* / approx.sd.* name the approximation per study (even where a mean is
    reported): R calls estmeansd for those studies only, in its order."""
    rs = np.random.default_rng(4242)
    d = _data(rs, 4)
    # every study gets all five summaries, so every label is possible
    for arm in ("e", "c"):
        for i in range(4):
            (mn, q1, med, q3, mx), _ = _summaries(np.random.default_rng(i + (arm == "c") * 10))
            base = [10.0, 20.0, 30.0, 45.0, 80.0] if mn is None or q1 is None else \
                [mn, q1, med, q3, mx]
            for c, v in zip(("min", "q1", "median", "q3", "max"), base):
                d[f"{c}_{arm}"][i] = v
    for arm in ("e", "c"):   # reported means and SDs too: "" keeps them
        d[f"mean_{arm}"] = d[f"median_{arm}"] * 1.02
        d[f"sd_{arm}"] = (d[f"q3_{arm}"] - d[f"q1_{arm}"]) / 1.3
    labels = dict(approx_mean_e=["iqr", "", "range", "iqr.range"],
                  approx_mean_c=["range", "iqr.range", "iqr", ""],
                  approx_sd_e=["iqr.range", "iqr", "", "range"],
                  approx_sd_c=["", "iqr.range", "range", "iqr"])
    rl = "".join(f", {k.replace('_', '.')} = c({', '.join(repr(x) for x in v)})"
                 for k, v in labels.items())
    res = _compare_fun("metacont", d, dict(method_mean="BC-McGrath", method_sd="Cai",
                                           **labels),
                       f', method.mean = "BC-McGrath", method.sd = "Cai"{rl}', 31337,
                       ("mean_e", "sd_e", "mean_c", "sd_c"))
    assert res.k == 4


def test_metagen_equals_r(r_meta):
    """metagen's approx.TE / approx.seTE from medians etc. with the Monte Carlo methods."""
    rs = np.random.default_rng(55)
    k = 5
    TE = np.full(k, np.nan)
    seTE = np.full(k, np.nan)
    cols = {c: np.full(k, np.nan) for c in ("median", "q1", "q3", "min", "max")}
    for i in range(k):
        (mn, q1, med, q3, mx), _ = _summaries(rs)
        for c, v in zip(("min", "q1", "median", "q3", "max"), (mn, q1, med, q3, mx)):
            if v is not None:
                cols[c][i] = v
    d = dict(TE=TE, seTE=seTE, n_e=np.array([20.0, 30, 45, 12, 80]), **cols)
    for mm, ms in (("Cai", "BC-McGrath"), ("BC-McGrath", "Cai")):
        _compare_fun("metagen", d, dict(method_mean=mm, method_sd=ms),
                     f', method.mean = "{mm}", method.sd = "{ms}"', 8080, ())


def test_estmeansd_errors_and_warnings_equal_r(r_meta):
    """n < 3 and unsorted quantiles stop R; equal quantiles warn."""
    base = dict(n_e=np.array([2.0, 30]), n_c=np.array([25.0, 30]),
                median_e=np.array([5.0, 6]), q1_e=np.array([3.0, 4]), q3_e=np.array([8.0, 9]),
                median_c=np.array([5.0, 6]), q1_c=np.array([3.0, 4]), q3_c=np.array([8.0, 9]))
    for method in ("Cai", "BC-McGrath"):
        msg = str(_r('tryCatch({set.seed(1); meta::metacont(n.e = c(2, 30), n.c = c(25, 30), '
                     'median.e = c(5, 6), q1.e = c(3, 4), q3.e = c(8, 9), median.c = c(5, 6), '
                     'q1.c = c(3, 4), q3.c = c(8, 9), '
                     f'method.mean = "{method}"); "no error"}}, '
                     'error = function(e) conditionMessage(e))')[0])
        with pytest.raises(ValueError) as err:
            pymeta.metacont(**base, method_mean=method, seed_estmeansd=1)
        assert str(err.value).startswith(msg), (str(err.value), msg)
    ws = list(_r('w <- character(0); withCallingHandlers({set.seed(3); '
                 'meta::metamean(n = c(20, 30), median = c(5, 6), q1 = c(5, 4), q3 = c(8, 9), '
                 'method.mean = "BC-McGrath")}, warning = function(x) {w <<- c(w, '
                 'conditionMessage(x)); invokeRestart("muffleWarning")}); w'))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = pymeta.metamean(n=np.array([20.0, 30]), median=np.array([5.0, 6]),
                              q1=np.array([5.0, 4]), q3=np.array([8.0, 9]),
                              method_mean="BC-McGrath", seed_estmeansd=3)
    equal = [w for w in ws if w.startswith("Some of the quantiles are equal")]
    assert equal and [w for w in res.warnings if w.startswith("Some of the quantiles")] == equal


# -- "QE-McGrath": estmeansd::qe.mean.sd (no random numbers) ------------------------------
QE_CASES = 150


def _qe_summaries(rs: np.random.Generator):
    """One study's summaries from one of the five families QE fits, or from a sample with
    negative values (only the normal is fitted), rounded to 1 to 4 decimals."""
    n = float(rs.choice([3, 5, 10, 25, 60, 200, 1500, 20000]))
    m = int(min(max(n, 5), 5000))
    kind = int(rs.integers(7))
    if kind == 0:
        x = rs.lognormal(rs.uniform(-1, 4), rs.uniform(0.05, 1.5), m)
    elif kind == 1:
        x = rs.normal(rs.uniform(5, 200), rs.uniform(0.5, 30), m)
    elif kind == 2:
        x = rs.gamma(rs.uniform(0.3, 20), rs.uniform(0.1, 10), m)
    elif kind == 3:
        x = rs.weibull(rs.uniform(0.5, 8), m) * rs.uniform(0.5, 50)
    elif kind == 4:
        x = rs.beta(rs.uniform(0.3, 30), rs.uniform(0.3, 30), m)
    elif kind == 5:
        x = rs.normal(rs.uniform(-3, 3), rs.uniform(0.5, 5), m)
    else:
        x = rs.uniform(0.001, 0.999, m)
    q = np.round(np.quantile(np.sort(x), [0, 0.25, 0.5, 0.75, 1]), int(rs.integers(1, 5)))
    if rs.random() < 0.85 and len(set(q)) < 5:
        q = np.sort(q + np.array([0, 0.001, 0.002, 0.003, 0.004]))
    scen = rs.choice(["S1", "S2", "S3"])
    keep = {"S1": (0, 2, 4), "S2": (1, 2, 3), "S3": (0, 1, 2, 3, 4)}[scen]
    return [float(q[i]) if i in keep else None for i in range(5)], n


R_QE = """function(args) tryCatch({{
  ws <- character(0)
  r <- withCallingHandlers(suppressMessages(do.call(estmeansd::qe.mean.sd, args)),
         warning = function(x) {{ ws <<- c(ws, conditionMessage(x))
                                  invokeRestart("muffleWarning") }})
  list(c(r$est.mean, r$est.sd, r$values), r$selected.dist, ws)
}}, error = function(e) conditionMessage(e))"""


def test_qe_mean_sd_equals_r(r_meta):
    """``qe.mean.sd`` over drawn summaries of every scenario and family: the estimate,
    the minimised objective of each of the five fits (NA where R drops a fit), the
    selected family and R's warnings."""
    from pymeta.effects.qe import qe_mean_sd
    import rpy2.robjects as ro
    _r("suppressMessages(library(estmeansd))")
    fun = _r(R_QE.format())
    rs = np.random.default_rng(20261127)
    selected, dropped, errors = set(), 0, 0
    for case in range(QE_CASES):
        (mn, q1, med, q3, mx), n = _qe_summaries(rs)
        args = {a: v for a, v in zip(("min.val", "q1.val", "med.val", "q3.val", "max.val"),
                                     (mn, q1, med, q3, mx)) if v is not None}
        args["n"] = n
        theirs = fun(ro.ListVector({k: ro.FloatVector([v]) for k, v in args.items()}))
        what = (case, (mn, q1, med, q3, mx), n)
        if isinstance(theirs[0], str):
            with pytest.raises(ValueError) as err:
                qe_mean_sd(mn, q1, med, q3, mx, n)
            assert str(err.value).startswith(theirs[0]), (str(err.value), theirs[0])
            errors += 1
            continue
        res = qe_mean_sd(mn, q1, med, q3, mx, n)
        _close([res.est_mean, res.est_sd, *res.values], np.asarray(theirs[0], float), what)
        assert res.selected_dist == theirs[1][0], what
        assert list(res.warnings) == list(theirs[2]), what
        selected.add(res.selected_dist)
        dropped += int(np.isnan(res.values).sum())
    assert errors < QE_CASES // 4
    assert len(selected) >= 4, selected     # the draws reach most families
    assert dropped > 0                      # ... and fits R drops


@pytest.mark.parametrize("case", range(8))
def test_metacont_qe_equals_r(r_meta, case):
    rs = np.random.default_rng(1300 + case)
    k = int(rs.integers(2, 6))
    d = _data(rs, k)
    mm, ms = [("QE-McGrath", "QE-McGrath"), ("QE-McGrath", "Shi"), ("Luo", "QE-McGrath"),
              ("QE-McGrath", "Cai")][case % 4]
    sm = str(rs.choice(["MD", "SMD", "ROM"]))
    py = dict(method_mean=mm, method_sd=ms, sm=sm)
    rr = f', method.mean = "{mm}", method.sd = "{ms}", sm = "{sm}"'
    if case >= 4:       # subgroups
        sg = ["a", "b"] * k
        py["subgroup"] = sg[:k]
        rr += f", subgroup = c({', '.join(repr(s) for s in sg[:k])})"
    _compare_fun("metacont", d, py, rr, int(rs.integers(1, 10**6)),
                 ("mean_e", "sd_e", "mean_c", "sd_c"))


@pytest.mark.parametrize("case", range(4))
def test_metamean_qe_equals_r(r_meta, case):
    rs = np.random.default_rng(1400 + case)
    k = int(rs.integers(1, 6))
    d = _data(rs, k, arms=("",))
    sm = str(rs.choice(["MRAW", "MLN"]))
    mm, ms = ("QE-McGrath", "QE-McGrath") if case % 2 else ("Wan", "QE-McGrath")
    _compare_fun("metamean", d, dict(method_mean=mm, method_sd=ms, sm=sm),
                 f', method.mean = "{mm}", method.sd = "{ms}", sm = "{sm}"',
                 int(rs.integers(1, 10**6)), ("mean", "sd"))
