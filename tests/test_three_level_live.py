"""The three-level model (``cluster`` / ``rho`` / ``id``) of metagen, metacont, metamean
and metacor against R meta 8.5 / metafor 3.8-1, every field of the result under the
parity contract (strict: no "R's own variation" fallback).

Data: metadat's dat.konstantopoulos2011 (56 estimates in 11 districts, read from R at
run time) and small hand-made sets (clusters of 1-4 estimates, NA rows, exclusions,
between- or within-cluster variance at the boundary). Options: REML / ML (and a
given other method.tau, R's warning), classic / HK / KR and several at once, V / HTS /
S prediction intervals, rho, levels, null.effect, method.I2, method.tau.ci "",
user weights / tau.preset / adhoc.hakn.ci (ignored or reset as R does), the deprecated
``id``, a cluster without repeats (stored only), subset and exclude. R's errors are
checked word for word.
"""
from __future__ import annotations

import functools
import math

import pytest

import pymeta
from pymeta.model.tau2 import MetaforError
from test_parity_live import check_case

pytestmark = pytest.mark.r

_NA = math.nan

#: 12 estimates in 5 clusters (sizes 4, 3, 2, 2, 1)
_TE12 = [0.12, 0.30, 0.25, 0.41, -0.05, 0.10, 0.02, 0.55, 0.48, 0.20, 0.33, 0.15]
_SE12 = [0.10, 0.12, 0.09, 0.15, 0.11, 0.10, 0.13, 0.14, 0.12, 0.08, 0.10, 0.20]
_CL12 = ["a", "a", "a", "a", "b", "b", "b", "c", "c", "d", "d", "e"]
#: the same clusters with estimates that put the within-cluster variance at 0
_TE12W = [0.10, 0.11, 0.09, 0.10, 0.40, 0.41, 0.39, -0.2, -0.21, 0.25, 0.26, 0.05]


@functools.lru_cache(maxsize=None)
def _konst():
    import rpy2.robjects as ro
    d = ro.r("metadat::dat.konstantopoulos2011")
    yi = [float(v) for v in d.rx2("yi")]
    se = [math.sqrt(float(v)) for v in d.rx2("vi")]
    cl = [float(v) for v in d.rx2("district")]
    return yi, se, cl


def _k(**kw):
    yi, se, cl = _konst()
    return dict(TE=yi, seTE=se, cluster=cl, **kw)


def _s(**kw):
    return dict(TE=list(_TE12), seTE=list(_SE12), cluster=list(_CL12), **kw)


_GEN = [
    ("konst default", lambda: _k()),
    ("konst HK", lambda: _k(method_random_ci="HK")),
    ("konst classic HK KR", lambda: _k(method_random_ci=["classic", "HK", "KR"])),
    ("konst ML rho 0.5", lambda: _k(method_tau="ML", rho=0.5)),
    ("konst levels", lambda: _k(level_ma=0.9, level_hetstat=0.8, level_predict=0.99,
                                level=0.9, prediction=True)),
    ("konst DL given", lambda: _k(method_tau="DL")),
    ("konst PM given, J", lambda: _k(method_tau="PM", method_tau_ci="J")),
    ("konst tau ci none", lambda: _k(method_tau_ci="")),
    ("konst predict HTS S", lambda: _k(method_predict=["V", "HTS", "S"])),
    ("konst adhoc", lambda: _k(method_random_ci="HK", adhoc_hakn_ci="se",
                               adhoc_hakn_pi="se", method_predict="V")),
    ("konst null effect", lambda: _k(null_effect=0.1, sm="SMD")),
    ("konst I2 tau2", lambda: _k(method_I2="tau2")),
    ("konst common given", lambda: _k(common=True, random=True)),
    ("konst weights tau.preset", lambda: _k(weights=1.0, tau_preset=0.2)),
    ("konst detail", lambda: _k(detail_tau=["between", "within"])),
    ("small", lambda: _s()),
    # metafor's warnings once per method.random.ci fit, vcalc's once per V built
    ("small variance ratio, three methods", lambda: dict(
        _s(), seTE=[1e-5] + _SE12[1:], method_random_ci=["classic", "HK", "KR"])),
    ("small rho 1, two methods", lambda: _s(rho=1.0,
                                                method_random_ci=["HK", "classic"])),
    ("small DL with TE.tau", lambda: _s(method_tau="DL", TE_tau=0.2)),
    ("small IVhet, warn FALSE", lambda: _s(method_common_ci="IVhet", warn=False,
                                           method_tau="HE")),
    ("small common only", lambda: _s(common=True, random=False)),
    ("small cluster as numbers", lambda: dict(_s(), cluster=[3, 3, 3, 3, 1, 1, 1, 2, 2,
                                                             5, 5, 4])),
    ("small rho", lambda: _s(rho=0.6, method_random_ci=["HK", "classic"])),
    ("small ML", lambda: _s(method_tau="ML", prediction=True,
                            method_predict=["HTS", "S"])),
    ("small within zero", lambda: dict(_s(), TE=list(_TE12W))),
    ("small NA and exclude", lambda: dict(
        _s(), TE=[_NA] + _TE12[1:], exclude=[False] * 5 + [True] + [False] * 6)),
    ("small subset", lambda: _s(subset=[True] * 10 + [False, True])),
    # metafor's vcalc reads its rho matrix at meta's original positions: R's "subscript
    # out of bounds" once a pair in one cluster sits past the number of estimates used
    ("small two NA, R stops", lambda: dict(_s(), TE=[_NA, _NA] + _TE12[2:])),
    ("small NA and exclude apart", lambda: dict(
        _s(), TE=_TE12[:4] + [_NA] + _TE12[5:], exclude=[False] * 10 + [True, False])),
    ("small subset, R stops", lambda: _s(subset=[False, False] + [True] * 10)),
    ("small id", lambda: dict(TE=_TE12, seTE=_SE12, id=_CL12)),
    ("small id and cluster", lambda: _s(id=list(range(12)))),
    ("no repeats", lambda: dict(TE=_TE12[:5], seTE=_SE12[:5], cluster=list("vwxyz"),
                                rho=0.3)),
    ("repeats among infinite only", lambda: dict(
        TE=[0.1, 0.2, math.inf, 0.3], seTE=[0.1, 0.2, 0.3, 0.1],
        cluster=["a", "b", "a", "c"])),
]


@pytest.mark.parametrize("label,make", _GEN, ids=[c for c, _ in _GEN])
def test_live_three_level_metagen(r_meta, label, make):
    check_case(r_meta, "metagen", make(), "three-level metagen", strict=True)


def test_three_level_result_fields():
    """The fields R gives a three-level model (checked against R in the cases above):
    two variance components with profile CIs, the clusters counted in k.study, no
    common effect model, method.tau.ci "PL", w.random in percent."""
    res = pymeta.metagen(**_s())
    assert res.three_level and res.id == tuple(_CL12) and res.cluster == tuple(_CL12)
    assert len(res.tau2) == 2 and res.k_study == 5 and res.k == 12
    assert not res.common and math.isnan(res.TE_common)
    assert res.method_tau_ci == "PL" and res.detail_tau == ("between cluster",
                                                            "within cluster")
    assert abs(sum(res.w_random) - 100) < 1e-9
    plain = pymeta.metagen(TE=_TE12, seTE=_SE12)
    assert not plain.three_level and plain.cluster is None and plain.id is None


_ERRORS = [
    (dict(_s(), rho=2), "Argument 'rho' must be between -1 and 1."),
    (dict(_s(), rho="a"), "Non-numeric value for argument 'rho'."),
    (dict(_s(), method_predict="HK"),
     "Available prediction interval methods for three-level models: \"V\", \"HTS\", \"S\"."),
    (dict(_s(), cycles=[2.0] * 12),
     "Arguments 'cluster' (multi-level model) and 'cycles' (n-of-1 trials) cannot be "
     "used together."),
    (dict(_s(), cluster=_CL12[:11]), "Arguments 'TE' and 'cluster' must have the same "
     "length"),
    (dict(_s(), cluster=["a", None] + _CL12[2:]),
     "No missing values allowed in 'cluster' variable."),
    (dict(TE=[0.1, _NA, _NA], seTE=[0.1, 0.2, 0.2], cluster=["a", "a", "b"]),
     "Processing terminated since k = 1."),
]


@pytest.mark.parametrize("args,msg", _ERRORS, ids=[m[:30] for _, m in _ERRORS])
def test_live_three_level_errors(r_meta, args, msg):
    """R stops; pymeta raises ValueError with R's reason (R's message checked too)."""
    with pytest.raises((ValueError, MetaforError)) as exc:
        pymeta.metagen(**args)
    assert str(exc.value).startswith(msg)
    out = r_meta.run_many("metagen", [args], ["TE.random"])[0]
    assert out.get("error"), "R did not stop"
    assert msg.split(" (")[0].rstrip(".") in out["error"].replace("\n", " ")


#: metacont / metamean / metacor with clusters: R's wrappers repeat metagen's detection
#: and chkmlm on their own estimates, then call metagen with cluster and rho
_N12 = [20.0, 25, 30, 18, 40, 22, 35, 28, 26, 31, 19, 24]
_M12 = [5.1, 5.6, 4.9, 6.2, 5.0, 5.3, 4.7, 6.0, 5.8, 5.2, 5.5, 5.4]
_SD12 = [1.1, 1.3, 0.9, 1.6, 1.2, 1.0, 1.4, 1.5, 1.1, 0.8, 1.2, 1.3]
_MC12 = [4.8, 5.0, 4.9, 5.1, 5.2, 4.9, 4.8, 5.0, 5.1, 4.7, 5.0, 5.2]
_COR12 = [0.31, 0.45, 0.28, 0.52, 0.10, 0.22, 0.18, 0.60, 0.55, 0.35, 0.41, 0.27]


def _cont(**kw):
    return dict(n_e=_N12, mean_e=_M12, sd_e=_SD12, n_c=_N12[::-1], mean_c=_MC12,
                sd_c=_SD12[::-1], cluster=list(_CL12), **kw)


_WRAP = [
    ("metacont", "MD", lambda: _cont()),
    ("metacont", "SMD HK rho", lambda: _cont(sm="SMD", rho=0.4,
                                             method_random_ci=["classic", "HK"])),
    ("metacont", "ROM ML DL given", lambda: _cont(sm="ROM", method_tau="DL")),
    ("metacont", "id", lambda: dict(n_e=_N12, mean_e=_M12, sd_e=_SD12, n_c=_N12,
                                    mean_c=_MC12, sd_c=_SD12, id=list(_CL12))),
    ("metacont", "subset", lambda: _cont(subset=[True] * 11 + [False])),
    ("metamean", "MRAW", lambda: dict(n=_N12, mean=_M12, sd=_SD12, cluster=list(_CL12))),
    ("metamean", "MLN predict S", lambda: dict(n=_N12, mean=_M12, sd=_SD12, sm="MLN",
                                               cluster=list(_CL12), method_predict="S",
                                               null_effect=5.0)),
    ("metacor", "ZCOR", lambda: dict(cor=_COR12, n=_N12, cluster=list(_CL12))),
    ("metacor", "COR exclude", lambda: dict(cor=_COR12, n=_N12, cluster=list(_CL12),
                                            sm="COR", exclude=[False] * 11 + [True])),
    ("metacor", "no repeats", lambda: dict(cor=_COR12[:4], n=_N12[:4], cluster=[1, 2, 3, 4],
                                           rho=-0.5)),
]


@pytest.mark.parametrize("fun,label,make", _WRAP, ids=[f"{f} {c}" for f, c, _ in _WRAP])
def test_live_three_level_wrappers(r_meta, fun, label, make):
    check_case(r_meta, fun, make(), f"three-level {fun}", strict=True)


@pytest.mark.parametrize("post,post_args", [
    ("update", {"method_tau": "ML"}), ("update", {"method_random_ci": "HK"}),
    ("update", {"method_tau": "DL"}), ("metainf", {}), ("metacum", {})])
def test_live_three_level_after(r_meta, post, post_args):
    """update() of a three-level metagen result (R passes the object's cluster and rho
    on) and R's stops of metainf / metacum, word for word."""
    from pymeta.testing.compare import compare_field, fields_to_compare
    fields = fields_to_compare(pymeta.MetaGen)
    r_args = {k.replace("_", "."): v for k, v in post_args.items()}
    theirs = r_meta.run("metagen", _s(rho=0.3), fields, post=post, post_args=r_args)
    m = pymeta.metagen(**_s(rho=0.3))
    if post != "update":
        assert not theirs["ok"]
        with pytest.raises(ValueError) as exc:
            getattr(pymeta, post)(m)
        assert str(exc.value) == theirs["error"].strip()
        return
    assert theirs["ok"], theirs["error"]
    res = m.update(**post_args)
    for f in fields:
        d = compare_field(f, res.to_dict()[f], theirs["values"].get(f))
        assert d.ok, (post, f, d)


def test_three_level_tau_common_not_implemented():
    """A common tau2 in subgroups of a three-level model is not implemented: refused,
    never ignored."""
    with pytest.raises(NotImplementedError):
        pymeta.metagen(**_s(subgroup=["x", "y"] * 6, tau_common=True))


_SG12 = ["x", "x", "y", "y", "x", "y", "y", "x", "y", "x", "y", "x"]
_SUB = [
    ("metagen", "subgroups", lambda: _s(subgroup=list(_SG12))),
    ("metagen", "subgroups by cluster", lambda: _s(subgroup=["p"] * 7 + ["q"] * 5,
                                                   method_random_ci=["classic", "HK"],
                                                   prediction=True, rho=0.4)),
    ("metagen", "one subgroup without repeats", lambda: _s(
        subgroup=["p"] * 4 + ["q", "r", "r", "q", "r", "q", "r", "q"])),
    ("metacont", "subgroups", lambda: _cont(subgroup=list(_SG12), sm="SMD")),
    ("metagen", "subgroups, prediction", lambda: _s(subgroup=list(_SG12),
                                                    prediction_subgroup=True,
                                                    method_predict=["V", "S"],
                                                    test_subgroup=False)),
    ("metamean", "subgroups", lambda: dict(n=_N12, mean=_M12, sd=_SD12,
                                           cluster=list(_CL12), subgroup=list(_SG12))),
    ("metacor", "subgroups ML", lambda: dict(cor=_COR12, n=_N12, cluster=list(_CL12),
                                             subgroup=list(_SG12), method_tau="ML")),
]


@pytest.mark.parametrize("fun,label,make", _SUB, ids=[f"{f} {c}" for f, c, _ in _SUB])
def test_live_three_level_subgroups(r_meta, fun, label, make):
    """Subgroups of a three-level model (tau.common = FALSE): each subgroup's own model
    (three-level where its clusters repeat), R's sums of both variance components and
    the tests R sets NA."""
    check_case(r_meta, fun, make(), f"three-level {fun} subgroups", strict=True)


def _drawn(fun: str, seed: int) -> dict:
    """One drawn three-level case of ``fun``: 2-6 clusters of 1-4 studies with a
    between- and a within-cluster effect (each sometimes 0), and drawn options."""
    import numpy as np
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 5, size=int(rng.integers(2, 7)))
    if sizes.max() < 2:
        sizes[0] = 2
    cl = [f"c{i}" for i, s in enumerate(sizes) for _ in range(int(s))]
    k = len(cl)
    u = rng.normal(0, float(rng.choice([0.0, 0.3])), size=len(sizes))
    e = rng.normal(0, float(rng.choice([0.0, 0.2])), size=k)
    mu = np.repeat(u, sizes) + e + 0.3
    if fun == "metagen":
        se = rng.uniform(0.05, 0.5, size=k)
        args = dict(TE=list(np.round(mu + rng.normal(0, se), 4)), seTE=list(np.round(se, 4)))
    elif fun == "metacont":
        n_e, n_c = rng.integers(8, 60, size=k), rng.integers(8, 60, size=k)
        sd_e, sd_c = rng.uniform(0.5, 2, size=k), rng.uniform(0.5, 2, size=k)
        args = dict(n_e=[float(v) for v in n_e], mean_e=list(np.round(5 + mu, 3)),
                    sd_e=list(np.round(sd_e, 3)), n_c=[float(v) for v in n_c],
                    mean_c=list(np.round(5 + rng.normal(0, 0.2, size=k), 3)),
                    sd_c=list(np.round(sd_c, 3)),
                    sm=str(rng.choice(["MD", "SMD", "ROM"])))
    elif fun == "metamean":
        n = rng.integers(8, 80, size=k)
        args = dict(n=[float(v) for v in n], mean=list(np.round(4 + mu, 3)),
                    sd=list(np.round(rng.uniform(0.5, 2, size=k), 3)),
                    sm=str(rng.choice(["MRAW", "MLN"])))
    else:
        n = rng.integers(10, 120, size=k)
        args = dict(cor=list(np.round(np.tanh(mu), 3)), n=[float(v) for v in n],
                    sm=str(rng.choice(["ZCOR", "COR"])))
    args["cluster"] = cl
    if rng.random() < 0.4:
        args["rho"] = float(rng.choice([0.3, 0.6, -0.2]))
    if rng.random() < 0.5:
        args["method_tau"] = str(rng.choice(["ML", "REML", "DL", "PM"]))
    if rng.random() < 0.5:
        mrc = [m for m in ("classic", "HK", "KR") if rng.random() < 0.5] or ["HK"]
        args["method_random_ci"] = mrc
    if rng.random() < 0.4:
        args["method_predict"] = [m for m in ("V", "HTS", "S") if rng.random() < 0.6] or ["S"]
    if rng.random() < 0.3:
        args["prediction"] = True
    if rng.random() < 0.3:
        args["level_ma"] = float(rng.choice([0.9, 0.99]))
    if rng.random() < 0.3:
        args["level_hetstat"] = float(rng.choice([0.8, 0.9]))
    if rng.random() < 0.2:
        args["method_I2"] = "tau2"
    if rng.random() < 0.2:
        args["method_tau_ci"] = str(rng.choice(["", "QP", "J"]))
    if rng.random() < 0.2 and k > 4:
        ex = [False] * k
        ex[int(rng.integers(0, k))] = True
        args["exclude"] = ex
    return args


_DRAWN = [(fun, seed) for fun in ("metagen", "metacont", "metamean", "metacor")
          for seed in range(25)]


@pytest.mark.parametrize("fun,seed", _DRAWN, ids=[f"{f}-{s}" for f, s in _DRAWN])
def test_live_three_level_drawn(r_meta, fun, seed):
    """100 drawn cases (25 per function): every field, every warning, strict."""
    check_case(r_meta, fun, _drawn(fun, seed), f"three-level {fun} drawn", strict=True)


def test_live_three_level_keeprma(r_meta):
    """keeprma = TRUE keeps metafor's rma.mv fits (one per method.random.ci, as R's
    list): b, se, sigma2, the CI and the test as R's ``rma.three.level``."""
    import rpy2.robjects as ro
    args = _s(rho=0.2, method_random_ci=["classic", "HK"], keeprma=True)
    for name, v in (("te", args["TE"]), ("se", args["seTE"])):
        ro.globalenv[name] = ro.FloatVector(v)
    ro.globalenv["cl"] = ro.StrVector(args["cluster"])
    ro.r('m3 <- suppressWarnings(meta::metagen(te, se, cluster = cl, rho = 0.2, '
         'method.random.ci = c("classic", "HK"), keeprma = TRUE))$rma.three.level')
    res = pymeta.metagen(**args)
    assert isinstance(res.rma_three_level, tuple) and len(res.rma_three_level) == 2
    for i, fit in enumerate(res.rma_three_level, start=1):
        for ours, theirs in ((fit.b, "b"), (fit.se, "se"), (fit.ci_lb, "ci.lb"),
                             (fit.ci_ub, "ci.ub"), (fit.zval, "zval")):
            r = float(ro.r(f"as.numeric(m3[[{i}]]${theirs})")[0])
            assert ours == r, (i, theirs, ours, r)
        assert list(fit.sigma2) == list(ro.r(f"m3[[{i}]]$sigma2"))
        assert fit.test == str(ro.r(f"m3[[{i}]]$test")[0])
    assert pymeta.metagen(**_s()).rma_three_level is None


_EV12 = [3.0, 7, 5, 12, 2, 9, 4, 15, 11, 6, 8, 0]
_TIME12 = [120.0, 200, 150, 310, 90, 260, 140, 400, 330, 180, 210, 95]
_RATE = [
    ("IRLN", lambda: dict(event=_EV12, time=_TIME12, cluster=list(_CL12))),
    ("IR HK rho", lambda: dict(event=_EV12, time=_TIME12, cluster=list(_CL12), sm="IR",
                               rho=0.5, method_random_ci=["classic", "HK"])),
    ("IRS ML subgroups", lambda: dict(event=_EV12, time=_TIME12, cluster=list(_CL12),
                                      sm="IRS", method_tau="ML", subgroup=list(_SG12))),
    ("IRFT exclude, DL given", lambda: dict(event=_EV12, time=_TIME12, cluster=list(_CL12),
                                            sm="IRFT", method_tau="DL",
                                            exclude=[False] * 11 + [True])),
]


@pytest.mark.parametrize("label,make", _RATE, ids=[c for c, _ in _RATE])
def test_live_three_level_metarate(r_meta, label, make):
    check_case(r_meta, "metarate", make(), "three-level metarate", strict=True)


_EVC12 = [5.0, 9, 4, 10, 6, 7, 8, 11, 14, 5, 9, 2]
_INC = [
    ("IRR default MH", lambda: dict(event_e=_EV12, time_e=_TIME12, event_c=_EVC12,
                                    time_c=_TIME12[::-1], cluster=list(_CL12))),
    ("IRR MH given", lambda: dict(event_e=_EV12, time_e=_TIME12, event_c=_EVC12,
                                  time_c=_TIME12[::-1], cluster=list(_CL12), method="MH")),
    ("IRD Cochran given, HK", lambda: dict(event_e=_EV12, time_e=_TIME12, event_c=_EVC12,
                                           time_c=_TIME12[::-1], cluster=list(_CL12),
                                           sm="IRD", method="Cochran",
                                           method_random_ci="HK")),
    ("IRSD MH given", lambda: dict(event_e=_EV12, time_e=_TIME12, event_c=_EVC12,
                                   time_c=_TIME12[::-1], cluster=list(_CL12), sm="IRSD",
                                   method="MH")),
    ("VE subgroups rho", lambda: dict(event_e=_EV12, time_e=_TIME12, event_c=_EVC12,
                                      time_c=_TIME12[::-1], cluster=list(_CL12), sm="VE",
                                      rho=0.4, subgroup=list(_SG12))),
    ("IRR no repeats", lambda: dict(event_e=_EV12[:4], time_e=_TIME12[:4],
                                    event_c=_EVC12[:4], time_c=_TIME12[:4],
                                    cluster=[1, 2, 3, 4])),
]


@pytest.mark.parametrize("label,make", _INC, ids=[c for c, _ in _INC])
def test_live_three_level_metainc(r_meta, label, make):
    check_case(r_meta, "metainc", make(), "three-level metainc", strict=True)


_N12P = [30.0, 40, 35, 50, 25, 45, 30, 60, 55, 35, 40, 20]
_PROP = [
    ("PLOGIT Inverse", lambda: dict(event=_EV12, n=_N12P, cluster=list(_CL12),
                                    method="Inverse")),
    ("PFT HK", lambda: dict(event=_EV12, n=_N12P, cluster=list(_CL12), sm="PFT",
                            method_random_ci="HK")),
    ("PAS ML rho subgroups", lambda: dict(event=_EV12, n=_N12P, cluster=list(_CL12),
                                          sm="PAS", method_tau="ML", rho=0.3,
                                          subgroup=list(_SG12))),
    ("PRAW null effect, WS CI", lambda: dict(event=_EV12, n=_N12P, cluster=list(_CL12),
                                             sm="PRAW", method_ci="WS", null_effect=0.2)),
    ("PLN exclude", lambda: dict(event=_EV12, n=_N12P, cluster=list(_CL12), sm="PLN",
                                 exclude=[True] + [False] * 11)),
]


@pytest.mark.parametrize("label,make", _PROP, ids=[c for c, _ in _PROP])
def test_live_three_level_metaprop(r_meta, label, make):
    check_case(r_meta, "metaprop", make(), "three-level metaprop", strict=True)


_BIN12 = dict(event_e=[3.0, 7, 5, 12, 2, 9, 4, 15, 11, 6, 8, 0],
              n_e=[30.0, 40, 35, 50, 25, 45, 30, 60, 55, 35, 40, 20],
              event_c=[5.0, 9, 4, 10, 6, 7, 8, 11, 14, 5, 9, 2],
              n_c=[32.0, 38, 36, 48, 27, 44, 31, 58, 57, 33, 42, 21])
_BIN = [
    ("OR default MH", lambda: dict(_BIN12, cluster=list(_CL12))),
    ("OR MH given, DL given", lambda: dict(_BIN12, cluster=list(_CL12), method="MH",
                                           method_tau="DL")),
    ("OR Peto given", lambda: dict(_BIN12, cluster=list(_CL12), method="Peto")),
    ("RR Inverse HK rho", lambda: dict(_BIN12, cluster=list(_CL12), sm="RR",
                                       method="Inverse", rho=0.5,
                                       method_random_ci=["classic", "HK"])),
    ("RD SSW given", lambda: dict(_BIN12, cluster=list(_CL12), sm="RD", method="SSW")),
    ("ASD subgroups", lambda: dict(_BIN12, cluster=list(_CL12), sm="ASD",
                                   subgroup=list(_SG12))),
    ("OR no repeats", lambda: dict({k: v[:5] for k, v in _BIN12.items()},
                                   cluster=list("abcde"))),
]


@pytest.mark.parametrize("label,make", _BIN, ids=[c for c, _ in _BIN])
def test_live_three_level_metabin(r_meta, label, make):
    check_case(r_meta, "metabin", make(), "three-level metabin", strict=True)
