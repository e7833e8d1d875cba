"""Live parity with R meta through rpy2: the paper case and a randomised campaign.

For every case R runs first; then pymeta. Where R errors, pymeta must raise. Where R
returns, every field must meet the parity contract (pymeta/testing/tolerance.py): 1e-10
relative with its floors, or, failing that, no further from R than R itself moves when
its matrix products are computed another way (``options(matprod = "internal")``),
measured on that case in the same run. R's meta warnings must be pymeta's warnings.

``--parity-n`` sets the number of random cases per function/method (default 300; metacont
runs once per sm, metabin once per method (MH, Inverse, Peto, SSW) with sm drawn from its
grid, metamean and metacor draw sm from their grid);
``--hypothesis-seed`` makes a campaign reproducible. The session summary prints, per
campaign, the worst field, its difference and R's own variation beside it.
"""
import math
import os
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import pymeta
from pymeta.reference.fixtures import cases as fixture_cases
from pymeta.testing import campaign, strategies
from pymeta.testing.compare import compare_field, fields_to_compare
from pymeta.testing.report import LOG

pytestmark = pytest.mark.r

N = int(os.environ.get("PYMETA_PARITY_N", "300"))
_CLS = {"metacont": pymeta.MetaCont, "metabin": pymeta.MetaBin, "metagen": pymeta.MetaGen,
        "metamean": pymeta.MetaMean, "metacor": pymeta.MetaCor, "metaprop": pymeta.MetaProp,
        "metainc": pymeta.MetaInc, "metarate": pymeta.MetaRate}


def check_case(r_meta, fun, args, label, strict=False):
    """Run R and pymeta on one case (pymeta.testing.campaign.evaluate judges it) and record
    the worst field of the campaign, with R's own variation on it."""
    fields = fields_to_compare(_CLS[fun])
    # a fixed (strict) case is never skipped as slow: R gets all the time it needs
    limit = None if strict else campaign.R_TIME_LIMIT
    out = r_meta.run_many(fun, [args], fields, time_limit=limit)[0]
    res = campaign.evaluate(fun, args, out, r_meta, fields=fields, strict=strict)
    rec = LOG.get(label)
    rec.cases += 1
    if res.status == "slow":
        rec.slow += 1
        return
    if res.status == "r_error":
        rec.r_errors += 1
        rec.errors.setdefault(res.r_error, res.py_error)
    rec.fallbacks += sum(1 for f, a, _, allowed, ok, _ in res.diffs if ok and a > allowed)
    if res.diffs:
        f, a, rel, allowed, _, own = max(res.diffs, key=lambda r: r[1] / r[3] if r[3] else 0.0)
        excess = a / allowed if allowed else 0.0
        if excess > rec.worst_excess or not rec.worst_field:
            rec.worst_excess, rec.worst_field = excess, f
            rec.worst_abs, rec.worst_rel, rec.worst_allowed = a, rel, allowed
            rec.worst_r_own = own if own == own else _r_own(r_meta, fun, args, f, out["values"])
            rec.worst_case = repr(args)
    assert res.status != "mismatch", f"{label}: {res.detail}\ncase: {args!r}"


def _r_own(r_meta, fun, args, field, r_values):
    """|R(matprod internal) - R(default)| for one field of one case."""
    r_meta.set_matprod("internal")
    try:
        alt = r_meta.run(fun, args, [field])
    finally:
        r_meta.set_matprod("default")
    return compare_field(field, alt["values"].get(field), r_values.get(field)).abs_diff


# -------------------------------------------------------------------------- paper case

@pytest.mark.parametrize("case", [c for c in fixture_cases() if c.group == "paper"],
                         ids=lambda c: c.name)
def test_paper_case_live(r_meta, case):
    """The paper's data: R live vs pymeta, plain 1e-10 bound (no fallback)."""
    check_case(r_meta, case.fun, case.args, "paper case", strict=True)


# ------------------------------------------------------------------ random campaigns

_SETTINGS = settings(max_examples=N, deadline=None, database=None,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                            HealthCheck.filter_too_much])


@_SETTINGS
@given(case=strategies.cases("metagen", with_subgroups=True, with_selection=True,
                             user_args=True))
def test_live_metagen(r_meta, case):
    data, opts = case
    check_case(r_meta, "metagen", {**data, **opts}, "metagen")


@_SETTINGS
@given(case=strategies.cases("metacont", with_subgroups=True, with_selection=True,
                             user_args=True, summaries=True, sm="MD"))
def test_live_metacont_MD(r_meta, case):
    data, opts = case
    check_case(r_meta, "metacont", {**data, **opts}, "metacont MD")


@_SETTINGS
@given(case=strategies.cases("metacont", with_subgroups=True, with_selection=True,
                             user_args=True, summaries=True, sm="SMD"))
def test_live_metacont_SMD(r_meta, case):
    data, opts = case
    check_case(r_meta, "metacont", {**data, **opts}, "metacont SMD")


@_SETTINGS
@given(case=strategies.cases("metacont", with_subgroups=True, with_selection=True,
                             user_args=True, summaries=True, sm="ROM"))
def test_live_metacont_ROM(r_meta, case):
    data, opts = case
    check_case(r_meta, "metacont", {**data, **opts}, "metacont ROM")


@_SETTINGS
@given(case=strategies.cases("metamean", with_subgroups=True, with_selection=True,
                             user_args=True, summaries=True))
def test_live_metamean(r_meta, case):
    data, opts = case
    check_case(r_meta, "metamean", {**data, **opts}, f"metamean {opts.get('sm', 'MRAW')}")


@_SETTINGS
@given(case=strategies.cases("metacor", with_subgroups=True, with_selection=True,
                             user_args=True))
def test_live_metacor(r_meta, case):
    data, opts = case
    check_case(r_meta, "metacor", {**data, **opts}, f"metacor {opts.get('sm', 'ZCOR')}")


#: metabin's common effect methods; sm is drawn from the grid (Peto and SSW mostly with
#: sm = "OR", the only one R allows them; the rest are R errors pymeta must share).
METABIN_METHODS = ("MH", "Inverse", "Peto", "SSW")


@pytest.mark.parametrize("method", METABIN_METHODS)
@_SETTINGS
@given(data=st.data())
def test_live_metabin(r_meta, method, data):
    d, opts = data.draw(strategies.cases("metabin", with_subgroups=True, with_selection=True,
                                         user_args=True, method=method))
    check_case(r_meta, "metabin", {**d, **opts}, f"metabin {opts.get('sm', 'RR')} {method}")


#: Found by CI: metabin SSW with one usable study per (sub)analysis. R's ci2meta uses
#: metabin's own method.random.ci (three methods here), not metagen's single "classic".
_SSW_OPTS = {"sm": "OR", "method": "SSW", "method_tau": "REML",
             "method_random_ci": ("HK", "classic", "KR")}
_SSW_K1 = [
    {"event_e": np.array([0.]), "n_e": np.array([1.]), "event_c": np.array([1.]),
     "n_c": np.array([6.])},
    {"event_e": np.array([0., 0.]), "n_e": np.array([1., 1.]), "event_c": np.array([0., 0.]),
     "n_c": np.array([1., 1.]), "studlab": ["Study 1", "Study 2"], "subgroup": ["B", "A"]},
    {"event_e": np.array([0., 0., 0.]), "n_e": np.array([1., 1., 1.]),
     "event_c": np.array([0., 0., 1.]), "n_c": np.array([1., 1., 6.]),
     "studlab": ["Study 1", "Study 2", "Study 3"], "subgroup": ["B", "B", "A"]},
]


@pytest.mark.parametrize("i", range(len(_SSW_K1)))
def test_live_metabin_ssw_one_study(r_meta, i):
    check_case(r_meta, "metabin", {**_SSW_K1[i], **_SSW_OPTS}, "metabin OR SSW k=1", strict=True)


#: method.predict = "NNF" (pimeta's bootstrap, seeded by seed.predict and, per subgroup,
#: seed.predict.subgroup). Fixed cases here; the drawn campaign is
#: tests/test_nnf_drawn_live.py, which runs each case in a killable child process because
#: drawn data reach cases where R's pimeta never returns (Q = y'Ay negative by rounding)
#: or needs Farebrother series of thousands of terms per root-search step.
#: Fixed NNF cases over the eight functions (subgroup seeds, several methods, level,
#: exclude, k = 2, pimeta's error for a missing estimate).
_NNF_CASES = [
    ("metagen", dict(TE=[0.12, -0.35, 0.41, 0.05, -0.10], seTE=[0.2, 0.31, 0.25, 0.15, 0.4],
                     method_predict=("NNF", "V"), seed_predict=11)),
    ("metagen", dict(TE=[0.12, -0.35, 0.41, 0.05, -0.10], seTE=[0.2, 0.31, 0.25, 0.15, 0.4],
                     subgroup=["A", "A", "B", "B", "B"], method_predict="NNF", seed_predict=3,
                     seed_predict_subgroup=[5, 9], prediction_subgroup=True)),
    ("metagen", dict(TE=[0.1, 0.5, -0.2, 0.3], seTE=[0.2, 0.3, 0.25, 0.1], method_predict="NNF",
                     seed_predict=4, exclude=[False, True, False, False])),
    ("metagen", dict(TE=[0.1, math.nan, -0.2, 0.3], seTE=[0.2, 0.3, 0.25, 0.1],
                     method_predict="NNF", seed_predict=4)),
    ("metagen", dict(TE=[0.1, 0.5], seTE=[0.2, 0.3], method_predict="NNF", seed_predict=4,
                     method_tau="DL")),
    ("metacont", dict(n_e=[20, 30, 25, 40], mean_e=[1.2, 0.8, 1.0, 1.5], sd_e=[1, 1.1, 0.9, 1.2],
                      n_c=[22, 28, 24, 35], mean_c=[0.9, 0.7, 0.6, 1.0], sd_c=[1, 1.2, 1, 1.1],
                      sm="SMD", method_predict=("HK", "NNF"), seed_predict=5)),
    ("metabin", dict(event_e=[5, 8, 3, 10], n_e=[20, 30, 25, 40], event_c=[7, 10, 6, 9],
                     n_c=[22, 28, 24, 41], method_predict="NNF", seed_predict=11)),
    ("metabin", dict(event_e=[0, 8, 3, 10], n_e=[20, 30, 25, 40], event_c=[0, 10, 6, 9],
                     n_c=[22, 28, 24, 41], method_predict="NNF", seed_predict=11)),
    ("metaprop", dict(event=[5, 8, 3, 10], n=[20, 30, 25, 40], method="Inverse",
                      method_predict="NNF", seed_predict=2.7)),
    ("metainc", dict(event_e=[5, 8, 3], time_e=[200, 310, 250], event_c=[7, 10, 6],
                     time_c=[220, 280, 240], method_predict="NNF", seed_predict=4)),
    ("metarate", dict(event=[5, 8, 3], time=[200, 310, 250], method_predict="NNF",
                      seed_predict=4)),
    ("metacor", dict(cor=[0.5, 0.3, 0.6, 0.1], n=[20, 30, 25, 50],
                     method_predict=("NNF", "HTS"), seed_predict=-4)),
    ("metamean", dict(n=[20, 30, 25], mean=[1.2, 0.8, 1], sd=[1, 1.1, 0.9],
                      method_predict="NNF", seed_predict=4, level_predict=0.8)),
]


@pytest.mark.parametrize("i", range(len(_NNF_CASES)))
def test_live_nnf(r_meta, i):
    fun, args = _NNF_CASES[i]
    args = {k: (np.array(v, dtype=float) if isinstance(v, list) and k not in
                ("subgroup", "exclude", "seed_predict_subgroup") else v)
            for k, v in args.items()}
    check_case(r_meta, fun, args, f"{fun} NNF", strict=True)


#: Found while building NNF: k = 2 with a bootstrap tau2 of Inf (no root below 1000):
#: pimeta's predictions are NaN there and its quantiles depend on std::nth_element's
#: handling of NaN, which pymeta replays.
_NNF_INF = [{"TE": np.array([0.21804221, -0.20209149]), "seTE": np.array([0.89712552, 0.60590479]),
             "method_predict": "NNF", "seed_predict": 973},
            {"TE": np.array([0.21804221, -0.20209149]) * 3, "seTE": np.array([8.9712552, 6.0590479]),
             "method_predict": "NNF", "seed_predict": 174}]


@pytest.mark.parametrize("i", range(len(_NNF_INF)))
def test_live_nnf_infinite_tau2(r_meta, i):
    check_case(r_meta, "metagen", _NNF_INF[i], "metagen NNF Inf tau2", strict=True)


#: Found by a campaign: metabin RR with every event = n (TE = 0, seTE = 0 in all studies)
#: and tau.common: hetcalc hands the zero variances to rma.uni, where SJ's start value
#: gives infinite weights (R: qr.default's 'NA/NaN/Inf in foreign function call') and HE's
#: tau2 = 0 stops at the weights ('Division by zero ...').
_ZERO_VI = {"event_e": np.array([1., 1., 1.]), "n_e": np.array([1., 1., 1.]),
            "event_c": np.array([1., 1., 1.]), "n_c": np.array([1., 1., 1.]),
            "subgroup": ["B", "B", "B"], "sm": "RR", "method": "Inverse", "incr": 0.0}
_ZERO_VI_OPTS = [{"method_tau": m, **extra} for m in ("SJ", "HE", "DL", "REML")
                 for extra in ({"tau_preset": 0.5}, {"tau_common": True})]
#: ... and one zero variance among two subgroups of one study each: rma.uni with
#: mods = ~ subgroup stops (too many parameters), hetcalc's common effect refit divides
#: by zero.
_ZERO_VI_2 = {"event_e": np.array([10., 10.]), "n_e": np.array([10., 10.]),
              "event_c": np.array([10., 37.]), "n_c": np.array([10., 39.]),
              "subgroup": ["B", "A"], "sm": "RR", "method": "MH", "incr": 0.0,
              "tau_preset": 0.5}
#: ... and (found by CI) one study with a zero variance, excluded or not: hetcalc's rma.uni
#: for k = 1 skips estimation but its model fit still divides by zero.
_ZERO_VI_1 = {"event_e": np.array([1.]), "n_e": np.array([1.]), "event_c": np.array([1.]),
              "n_c": np.array([1.]), "subgroup": ["B"], "sm": "RR", "method": "MH",
              "incr": 0.0, "method_incr": "only0", "tau_preset": 0.5}
_ZERO_VI_CASES = ([{**_ZERO_VI, **o} for o in _ZERO_VI_OPTS]
                  + [{**_ZERO_VI_2, "method_tau": m} for m in ("REML", "SJ", "HE")]
                  + [{**_ZERO_VI_1, "method_tau": m, **extra} for m in ("REML", "DL")
                     for extra in ({}, {"exclude": [True]}, {"tau_common": True})])


@pytest.mark.parametrize("args", _ZERO_VI_CASES, ids=[
    f"k{a['n_e'].size}-{a['method']}-{a['method_tau']}-"
    f"{'preset' if 'tau_preset' in a else 'common'}"
    f"{'-common' if a.get('tau_common') else ''}{'-exclude' if 'exclude' in a else ''}"
    for a in _ZERO_VI_CASES])
def test_live_metabin_zero_variances_tau_common(r_meta, args):
    check_case(r_meta, "metabin", args, "metabin RR zero variances", strict=True)


#: Found by CI: Cephes' binomial tail (scipy.special.bdtr) was 1.04e-10 off R's pbinom here.
_PROP_LARGE_N = ({"event": np.array([25247.]), "n": np.array([50408.]), "studlab": ["Study 1"]},
                 {"sm": "PLOGIT", "method": "Inverse", "method_ci": "CP", "null_effect": 0.5})


@_SETTINGS
@given(case=strategies.cases("metaprop", with_subgroups=True, with_selection=True,
                             user_args=True))
@example(case=_PROP_LARGE_N)
def test_live_metaprop(r_meta, case):
    data, opts = case
    check_case(r_meta, "metaprop", {**data, **opts}, f"metaprop {opts.get('sm', 'PLOGIT')}")


@_SETTINGS
@given(case=strategies.cases("metainc", with_subgroups=True, with_selection=True,
                             user_args=True))
def test_live_metainc(r_meta, case):
    data, opts = case
    check_case(r_meta, "metainc", {**data, **opts},
               f"metainc {opts.get('sm', 'IRR')} {opts.get('method', 'default')}")


@_SETTINGS
@given(case=strategies.cases("metarate", with_subgroups=True, with_selection=True,
                             user_args=True))
def test_live_metarate(r_meta, case):
    data, opts = case
    check_case(r_meta, "metarate", {**data, **opts},
               f"metarate {opts.get('sm', 'IRLN')} {opts.get('method_ci', 'NAsm')}")


#: R meta 8.5 still takes its deprecated argument names (with R's warnings, given after
#: settings.meta("reset")): 'byvar' for 'subgroup' (functions with subgroups) and, in
#: '...', level.comb, comb.fixed, fixed, comb.random, hakn, adhoc.hakn.
_DEPRECATED = st.fixed_dictionaries({}, optional={
    "comb_fixed": st.booleans(), "fixed": st.booleans(), "comb_random": st.booleans(),
    "level_comb": st.sampled_from((0.9, 0.99)), "hakn": st.booleans(),
    "adhoc_hakn": st.sampled_from(("", "se", "ci")), "warn_deprecated": st.booleans()})


@pytest.mark.parametrize("fun", tuple(_CLS))
@settings(max_examples=max(N // 4, 10), deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.filter_too_much])
@given(data=st.data())
def test_live_deprecated(r_meta, fun, data):
    d, opts = data.draw(strategies.cases(fun, max_k=8, with_subgroups=True))
    if "subgroup" in d:
        d = {**d, "byvar": d.pop("subgroup")}
        if data.draw(st.booleans()):   # both given: R ignores byvar, with a warning
            d["subgroup"] = list(reversed(d["byvar"]))
    old = data.draw(_DEPRECATED)
    if data.draw(st.booleans()):      # else the current names are given too: R ignores the old
        opts = {k: v for k, v in opts.items()
                if k not in ("method_random_ci", "adhoc_hakn_ci", "level_ma")}
    check_case(r_meta, fun, {**d, **opts, **old}, f"{fun} deprecated")


#: User-specified weights (weights / weights.common / weights.random / a single weight) in
#: every case, with TE.tau, seed.predict and detail.tau drawn too: metagen's rma.uni
#: fits with weights (meta's runUSW/extrUSW), and R's refusals (metabin MH / Peto / SSW,
#: metainc MH / Cochran with common effect weights) pymeta must share.
_USW_CASES = [("metagen", {}), ("metacont", {"sm": "MD"}), ("metacont", {"sm": "SMD"}),
              ("metamean", {}), ("metacor", {}), ("metaprop", {}), ("metainc", {}),
              ("metarate", {}), *[("metabin", {"method": m}) for m in METABIN_METHODS]]


#: Found by CI: with random effects weights R's metagen skips the classic random effects
#: block, so its stops there (KR-PR's if (NA) with one study, adhoc.hakn.* recycling) do
#: not happen.
_USW_SKIPS = [
    ("metamean", {"n": np.array([2., 2.]), "mean": np.array([1., 1.]), "sd": np.array([1., 1.]),
                  "exclude": [True, False], "method_predict": "KR-PR", "weights": [1.0, 1.0]}),
    ("metagen", {"TE": np.array([.1, .2, .3]), "seTE": np.array([.1, .2, .1]),
                 "weights": [1.0, 2.0, 3.0], "method_random_ci": "HK",
                 "adhoc_hakn_ci": ["se", "ci"]}),
    ("metagen", {"TE": np.array([.1, .2, .3]), "seTE": np.array([.1, .2, .1]),
                 "weights_random": [1.0, 2.0, 3.0], "method_predict": ("KR-PR", "HK"),
                 "adhoc_hakn_pi": ["se", "ci", "se"]}),
]


@pytest.mark.parametrize("fun,args", _USW_SKIPS, ids=[f"{f}{i}" for i, (f, _) in
                                                    enumerate(_USW_SKIPS)])
def test_live_user_weights_skip_classic(r_meta, fun, args):
    check_case(r_meta, fun, args, f"{fun} user weights, classic block skipped", strict=True)


_T, _F = True, False
_NA = float("nan")
_TE6 = [.1, .5, -.2, .3, .05, .4]
_SE6 = [.2, .3, .25, .15, .22, .3]
_W6 = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
#: metagen with user weights and subset: R leaves the weights at all k_all studies and
#: indexes them with the subset's usable studies, a shorter logical index R recycles
#: (pymeta.model.usw.fit_weights). Equal lengths fit with other studies' weights; unequal
#: ones stop in rma.uni. (Logical masks: the bridge passes positions unchanged, and R
#: counts from 1.)
_USW_SUBSET = [
    ("shifted weights", dict(subset=[_T, _T, _T, _F, _T, _F], exclude=[_T, _T, _F, _F, _F, _F],
                             weights=_W6)),
    ("shifted, NA estimate", dict(TE=[_NA, .5, -.2, .3, .05, .4], subset=[_T, _T, _T, _F, _T, _F],
                                  exclude=[_F, _T, _F, _F, _F, _F], weights=_W6,
                                  method_random_ci="HK")),
    ("shifted, random only", dict(subset=[_T, _T, _F, _T, _T, _F],
                                  exclude=[_T, _T, _F, _F, _F, _F], weights_random=_W6,
                                  method_tau="PM", method_predict="HTS")),
    ("shifted, common only", dict(subset=[_T, _T, _T, _F, _T, _F],
                                  exclude=[_T, _T, _F, _F, _F, _F], weights_common=_W6)),
    ("one study left", dict(TE=_TE6[:3], seTE=_SE6[:3], subset=[_T, _T, _F],
                            exclude=[_T, _F, _F], weights=[1.0, 2.0, 3.0])),
    ("single weight, all studies", dict(subset=[_T, _T, _T, _F, _F, _F], weights=2.0)),
    ("lengths differ", dict(subset=[_T, _F, _T, _F, _T, _F], weights=_W6)),
    ("lengths differ, only one excluded", dict(subset=[_T, _T, _F, _T, _T, _F],
                                               exclude=[_T, _F, _F, _F, _F, _F],
                                               weights_random=_W6)),
    ("lengths differ, random only", dict(subset=[_T, _T, _T, _T, _T, _F],
                                         exclude=[_F, _F, _F, _F, _T, _F],
                                         weights_random=_W6)),
]


@pytest.mark.parametrize("label,args", _USW_SUBSET, ids=[c[0] for c in _USW_SUBSET])
def test_live_metagen_user_weights_subset(r_meta, label, args):
    """R meta 8.5's metagen does not subset the user weights: equal to R field for field
    (shifted weights included), and R's stop, with R's message, where the lengths differ."""
    args = {"TE": _TE6, "seTE": _SE6, **args}
    check_case(r_meta, "metagen", args, "metagen user weights with subset", strict=True)
    out = r_meta.run("metagen", args, ["TE.common"])
    if not out["ok"]:
        with pytest.raises(ValueError) as exc:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                pymeta.metagen(**args)
        assert str(exc.value) in out["error"], (str(exc.value), out["error"])


#: Missing user weights: R's checks let them through and rma.uni omits those studies from
#: its fits (with its warning) while meta's k still counts them (t limits from metafor's
#: k, t tests and prediction intervals from meta's).
_USW_NA = [
    ("metagen", "one NA", dict(TE=_TE6, seTE=_SE6, weights=[1.0, _NA, 3.0, 4.0, 5.0, 6.0],
                               prediction=True)),
    ("metagen", "NA, HK, PM", dict(TE=_TE6, seTE=_SE6, weights_random=[_NA, 2.0, 3.0, 4.0,
                                                                        _NA, 6.0],
                                   method_random_ci=("HK", "classic"), method_tau="PM",
                                   method_predict=("V", "HTS"))),
    ("metagen", "one fitted, HK", dict(TE=_TE6[:2], seTE=_SE6[:2], weights=[_NA, 2.0],
                                       method_random_ci="HK")),
    ("metagen", "all NA", dict(TE=_TE6, seTE=_SE6, weights_common=_NA)),
    ("metagen", "NA, subgroups", dict(TE=_TE6, seTE=_SE6, weights=[1.0, _NA, 3.0, 4.0, 5.0,
                                                                     6.0],
                                      subgroup=["a", "a", "b", "b", "a", "b"])),
    ("metacont", "NA, DL", dict(n_e=[20.0, 30.0, 25.0, 40.0], mean_e=[1.2, 0.8, 1.0, 2.0],
                                sd_e=[1.0, 1.1, 0.9, 1.3], n_c=[22.0, 28.0, 24.0, 41.0],
                                mean_c=[0.9, 0.7, 0.6, 1.1], sd_c=[1.0, 1.2, 1.0, 1.1],
                                weights=[1.0, 2.0, _NA, 4.0], method_tau="DL", sm="SMD")),
    # found by CI: the common effect fit's warnings come before the random effects block's
    # (here IQWiG6's DerSimonian-Laird re-run, warning of the variance ratio)
    ("metagen", "NA, common, IQWiG6", dict(TE=_TE6, seTE=[1e-4, .2, .3, .1, .25, 3.0],
                                           weights_common=[_NA, 1.0, 2.0, 1.0, 1.0, 2.0],
                                           method_random_ci="HK", adhoc_hakn_ci="IQWiG6")),
    ("metaprop", "NA, common, IQWiG6", dict(event=[100.0, 100.0, 100.0, 50000.0],
                                            n=[1000.0, 1001.0, 1002.0, 50000.0],
                                            weights_common=[_NA, _NA, _NA, 1.0],
                                            method="Inverse", sm="PLN",
                                            method_random_ci="HK", adhoc_hakn_ci="IQWiG6")),
]


@pytest.mark.parametrize("fun,label,args", _USW_NA, ids=[f"{f}-{c}" for f, c, _ in _USW_NA])
def test_live_missing_user_weights(r_meta, fun, label, args):
    check_case(r_meta, fun, args, "missing user weights", strict=True)


_CONT4 = dict(n_e=[20.0, 30.0, 25.0, 40.0], mean_e=[1.2, 0.8, 1.0, 2.0],
              sd_e=[1.0, 1.1, 0.9, 1.3], n_c=[22.0, 28.0, 24.0, 41.0],
              mean_c=[0.9, 0.7, 0.6, 1.1], sd_c=[1.0, 1.2, 1.0, 1.1])

#: Missing values in a logical subset / exclude (None is R's logical NA through the
#: bridge): meta's length check if (is.logical(x) & sum(x) > k.All || ...) meets NA and
#: stops, unless the vector is longer than the data (R's length error).
_NA_LOGICAL = [
    ("metagen", "subset", dict(TE=_TE6, seTE=_SE6, subset=[True, None, True, True, False, True])),
    ("metagen", "subset, recycled", dict(TE=_TE6, seTE=_SE6, subset=[True, None])),
    ("metagen", "exclude", dict(TE=_TE6, seTE=_SE6, exclude=[True, None, False, False, False,
                                                             False])),
    ("metagen", "exclude, longer", dict(TE=_TE6, seTE=_SE6, exclude=[True, None, *[False] * 5])),
    ("metacont", "subset", dict(_CONT4, subset=[None, True, True, True])),
    ("metabin", "exclude", dict(event_e=[5.0, 8.0, 3.0], n_e=[20.0, 30.0, 25.0],
                                event_c=[7.0, 10.0, 6.0], n_c=[22.0, 28.0, 24.0],
                                exclude=[False, None, True])),
    ("metaprop", "subset, longer", dict(event=[5.0, 8.0], n=[20.0, 30.0], method="Inverse",
                                        subset=[True, True, None])),
]


@pytest.mark.parametrize("fun,label,args", _NA_LOGICAL, ids=[f"{f}-{c}" for f, c, _ in _NA_LOGICAL])
def test_live_missing_in_logical_selection(r_meta, fun, label, args):
    check_case(r_meta, fun, args, "missing values in logical subset / exclude", strict=True)


#: Missing positions in exclude: R's exclude2[exclude] <- TRUE skips NA subscripts. R
#: counts positions from 1, pymeta from 0, so R gets its own arguments here.
_NA_EXCLUDE = [
    ("metagen", dict(TE=_TE6, seTE=_SE6), [2.0, _NA, 5.0], False),
    ("metagen", dict(TE=_TE6, seTE=_SE6, subgroup=list("aabbab")), [_NA, 1.0], False),
    ("metacont", dict(_CONT4, sm="SMD"), [_NA, 4.0], False),
    ("metamean", dict(n=[20.0, 30.0, 25.0], mean=[1.2, 0.8, 1.0], sd=[1.0, 1.1, 0.9]),
     [_NA, _NA, _NA], False),
    ("metagen", dict(TE=_TE6[:3], seTE=_SE6[:3]), [1.0, _NA, 2.0, 3.0], True),   # too long
]


@pytest.mark.parametrize("fun,data,r_pos,stops", _NA_EXCLUDE,
                         ids=[f"{f}{i}" for i, (f, *_) in enumerate(_NA_EXCLUDE)])
def test_live_missing_exclude_positions(r_meta, fun, data, r_pos, stops):
    res = _positions_case(r_meta, fun, data, "exclude", r_pos)
    assert res.status == ("r_error" if stops else "ok"), res.detail


def _positions_case(r_meta, fun, data, arg, r_pos):
    """R with its own 1-based positions in ``arg``, pymeta with 0-based ones (NaN stays
    NaN), judged strictly."""
    fields = fields_to_compare(_CLS[fun])
    out = r_meta.run_many(fun, [{**data, arg: r_pos}], fields)[0]
    py_pos = [p - 1 for p in r_pos]
    return campaign.evaluate(fun, {**data, arg: py_pos}, out, r_meta, fields=fields,
                             strict=True)


#: TE.tau as R meta takes it, unchecked: a vector is recycled in hetcalc's
#: sum(w * (TE - TE.tau)^2, na.rm = TRUE) (R's warning where the lengths do not fit),
#: logicals count as numbers, character values stop R's arithmetic (only with DL).
_TE_TAU = [
    ("metagen", "length 2", dict(TE=_TE6, seTE=_SE6, TE_tau=[0.1, 0.3], method_tau="DL")),
    ("metagen", "length 4", dict(TE=_TE6, seTE=_SE6, TE_tau=[0.1, 0.3, -0.1, 0.2],
                                 method_tau="DL")),
    ("metagen", "longer, NA", dict(TE=_TE6[:3], seTE=_SE6[:3], method_tau="DL",
                                   TE_tau=[0.1, _NA, 0.3, 0.0, 0.2])),
    ("metagen", "missing estimate", dict(TE=[.1, _NA, -.2, .3, .05, .4], seTE=_SE6,
                                         TE_tau=[0.1, 0.3, 0.0], method_tau="DL")),
    ("metagen", "logical", dict(TE=_TE6, seTE=_SE6, TE_tau=True, method_tau="DL")),
    ("metagen", "NA", dict(TE=_TE6, seTE=_SE6, TE_tau=_NA, method_tau="DL")),
    ("metagen", "character, DL", dict(TE=_TE6, seTE=_SE6, TE_tau="a", method_tau="DL")),
    ("metagen", "character, REML", dict(TE=_TE6, seTE=_SE6, TE_tau="a")),
    ("metagen", "vector, subgroups", dict(TE=_TE6, seTE=_SE6, TE_tau=[0.1, 0.3],
                                          method_tau="DL", subgroup=list("aabbab"))),
    ("metacont", "vector", dict(_CONT4, TE_tau=[0.1, 0.2, 0.3], method_tau="DL")),
    ("metabin", "vector, Inverse", dict(event_e=[5.0, 8.0, 3.0, 12.0], n_e=[20.0, 30.0, 25.0, 40.0],
                                        event_c=[7.0, 10.0, 6.0, 15.0],
                                        n_c=[22.0, 28.0, 24.0, 41.0], TE_tau=[0.1, -0.2],
                                        method="Inverse", method_tau="DL")),
]


@pytest.mark.parametrize("fun,label,args", _TE_TAU, ids=[f"{f}-{c}" for f, c, _ in _TE_TAU])
def test_live_te_tau_as_given(r_meta, fun, label, args):
    check_case(r_meta, fun, args, "TE.tau as given", strict=True)


# Sampling variances some 1e75 apart (p-values down to 1e-51 with df = 2): metafor's
# typical within-study variance vt = (k - 1) / (sum(w) - sum(w^2) / sum(w)) rounds below
# zero, so H2 = 1 + tau2 / vt < 0 and R's sqrt gives H = NaN ("NaNs produced"); pymeta raised
# a math domain error (CI, stop 13). The subgroup cases take the same path for H.resid.
_P_FAR = [0.880764615259515] * 4 + [7.427946449870092e-51] + [7.341932398625441e-51] * 3 + \
    [1.2234328799099442e-38] * 2 + [7.341932398625441e-51] * 2 + [1.2234328799099442e-38,
                                                                  0.880764615259515,
                                                                  0.13361440253771617]
_FAR = dict(TE=[1.5] * 8 + [1.3, 1.3, 1.5, 1.5, 1.3, 1.5, 1.5], pval=_P_FAR,
            df=[1.0] * 5 + [2.0] * 3 + [1.0, 1.0, 2.0, 2.0, 1.0, 1.0, 1.0], method_I2="tau2")
_NEG_VT = [("REML", _FAR), ("DL", dict(_FAR, method_tau="DL")),
           ("REML, tau.common", dict(_FAR, subgroup=list("ab" * 7 + "a"), tau_common=True)),
           ("DL, tau.common", dict(_FAR, subgroup=list("ab" * 7 + "a"), tau_common=True,
                                   method_tau="DL"))]


@pytest.mark.parametrize("label,args", _NEG_VT, ids=[c for c, _ in _NEG_VT])
def test_live_negative_typical_variance(r_meta, label, args):
    check_case(r_meta, "metagen", args, "negative typical variance", strict=True)


# confint.rma.uni's GENQ interval (BJ / J) of the residual tau2 builds its P as
# A - A %*% X %*% stXAX %*% t(X) %*% A, weights last; with weights 1e6 Q cancels to 0.0099
# and the order of rounding moved it 1e-9 (upper.tau2.resid 8e-10 apart; test_live_metagen,
# hypothesis seed 206, TE / limits as drawn there, printed to 8 digits).
_GENQ_MODS = dict(TE=[1.0, 1.0, 1.00133577], lower=[0.99804004, 0.99804004, 0.97515512],
                  upper=[1.00195996, 1.00195996, 1.02751643], subgroup=["B", "A", "B"],
                  tau_common=True)
_GENQ_CASES = [("BJ", dict(_GENQ_MODS, method_tau_ci="BJ")),
               ("J", dict(_GENQ_MODS, method_tau_ci="J")),
               ("BJ, k = 5", dict(_GENQ_MODS, method_tau_ci="BJ",
                                  TE=[1.0, 1.0, 1.00133577, 1.002, 0.9991],
                                  lower=[0.99804004, 0.99804004, 0.97515512, 0.9981, 0.9987],
                                  upper=[1.00195996, 1.00195996, 1.02751643, 1.0059, 0.9995],
                                  subgroup=["B", "A", "B", "A", "A"]))]


@pytest.mark.parametrize("label,args", _GENQ_CASES, ids=[c for c, _ in _GENQ_CASES])
def test_live_genq_residual_ci(r_meta, label, args):
    check_case(r_meta, "metagen", args, "GENQ CI of the residual tau2", strict=True)


# rma.uni's model fitting inverts X'WX (.invcalc) whatever the tau2 method: with weights
# 1e18 apart R's QR finds the subgroup model singular and stops, where pymeta returned a
# result (test_live_metagen, hypothesis seed 207: the FE fallback of two studies in two
# subgroups, tau.preset making tau.common TRUE).
_SING = dict(TE=[2.0, 2.0], pval=[5.27089257e-01, 2.53962859e-10], df=[1.0, 1.0],
             n_e=[2.0, 2.0], subgroup=["A", "B"])
_SING_CASES = [("tau.preset", dict(_SING, tau_preset=0.5)),
               ("tau.common", dict(_SING, tau_common=True)),
               ("tau.common, DL, k = 3", dict(_SING, tau_common=True, method_tau="DL",
                                              TE=[2.0, 2.0, 1.9], df=[1.0, 1.0, 1.0],
                                              pval=[5.27089257e-01, 2.53962859e-10, 0.3],
                                              n_e=[2.0, 2.0, 2.0], subgroup=["A", "B", "B"]))]


@pytest.mark.parametrize("label,args", _SING_CASES, ids=[c for c, _ in _SING_CASES])
def test_live_singular_model_fit(r_meta, label, args):
    check_case(r_meta, "metagen", args, "singular model fit", strict=True)


@pytest.mark.parametrize("fun,fixed", _USW_CASES,
                         ids=[f + "".join(f"-{v}" for v in x.values()) for f, x in _USW_CASES])
@_SETTINGS
@given(data=st.data())
def test_live_user_weights(r_meta, fun, fixed, data):
    d, opts = data.draw(strategies.cases(fun, user_weights=True, **fixed))
    check_case(r_meta, fun, {**d, **opts}, f"{fun} user weights")


# A weighted fit left with one study (the others' user weights missing) is rma.uni's k = 1
# fit: tau2 = 0 without an estimator, on yi = -Inf and vi = Inf too (a zero cell with
# incr = 0, or a user increment of 0). pymeta ran its tau2 estimator there, which rejected
# the infinite values where R returns TE.random = -Inf (test_live_user_weights[metabin-MH]
# and [metabin-Inverse] in CI of 6949b6e, the drawn cases as printed there).
_USW_K1 = [
    ("MH, incr = 0, weights.random", dict(
        event_e=[1.0, 0.0], n_e=[10.0, 10.0], event_c=[1.0, 1.0], n_c=[10.0, 10.0],
        sm="RR", method="MH", incr=0.0, method_incr="only0", method_tau="REML",
        weights_random=[math.nan, 1.0])),
    ("Inverse, user incr, weights", dict(
        event_e=[0.0, 1.0, 1.0], n_e=[1.0, 1.0, 1.0], event_c=[1.0, 1.0, 1.0],
        n_c=[1.0, 1.0, 1.0], sm="RR", method="Inverse", method_incr="user",
        incr_e=[0.0, 0.5, 0.5], incr_c=[0.5, 0.5, 0.5], method_tau="REML",
        weights=[1.0, math.nan, math.nan])),
    ("Inverse, finite, weights.random, HK", dict(
        event_e=[3.0, 4.0, 1.0], n_e=[10.0, 12.0, 9.0], event_c=[2.0, 5.0, 3.0],
        n_c=[11.0, 10.0, 8.0], sm="OR", method="Inverse", method_tau="PM",
        method_random_ci="HK", weights_random=[math.nan, 2.0, math.nan]))]


@pytest.mark.parametrize("label,args", _USW_K1, ids=[c for c, _ in _USW_K1])
def test_live_user_weights_one_study(r_meta, label, args):
    check_case(r_meta, "metabin", args, "user weights, one study fitted", strict=True)


# estmeansd's warnings live on the random stream the subgroup analyses continue: each
# analysis reports only its own. pymeta re-reported the overall analysis' "NA/Inf replaced
# by maximum positive value" (bc.mean.sd's optimize on a minimum of 0) in every subgroup
# (test_live_metacont_ROM, hypothesis seed 306).
_BC = dict(n_e=[24.0, 497.0, 40.0, 60.0], mean_e=[math.nan, math.nan, 6.1, 6.0],
           sd_e=[math.nan, math.nan, 2.2, 0.7], median_e=[7.2, 7.2, math.nan, math.nan],
           q1_e=[4.8, 5.6, math.nan, math.nan], q3_e=[9.6, 11.3, math.nan, math.nan],
           min_e=[0.0, 1.5, math.nan, math.nan], max_e=[10.8, 12.6, math.nan, math.nan],
           n_c=[30.0, 400.0, 45.0, 55.0], mean_c=[6.8, 7.7, 6.8, 6.0],
           sd_c=[4.3, 0.7, 2.2, 0.5], method_sd="BC-McGrath", seed_estmeansd=-162)
_BC_CASES = [("ROM, BC studies in one subgroup", dict(_BC, sm="ROM", subgroup=list("BBAA"))),
             ("MD, BC studies in both subgroups", dict(_BC, subgroup=list("ABAB"))),
             ("SMD, tau.preset", dict(_BC, sm="SMD", subgroup=list("BBAA"), tau_preset=0.5))]


@pytest.mark.parametrize("label,args", _BC_CASES, ids=[c for c, _ in _BC_CASES])
def test_live_estmeansd_warnings_subgroups(r_meta, label, args):
    check_case(r_meta, "metacont", args, "estmeansd warnings in subgroups", strict=True)


# R's x ^ y is the C library's pow: pymeta's long double powl rounded 152.5089 ^ lambda one
# ulp away, and estmeansd's Nelder-Mead fit of method.sd = "Cai" (n = 10000) ended 1e-9
# from R's (test_live_metacont_ROM, hypothesis seed 702, the drawn case).
_CAI = dict(n_e=[3.0], mean_e=[math.nan], sd_e=[math.nan], n_c=[10000.0],
            mean_c=[math.nan], sd_c=[math.nan], median_e=[152.48423853], q1_e=[152.33176956],
            q3_e=[152.62717666], min_e=[151.87436265], max_e=[152.89399736],
            median_c=[152.4936], q1_c=[152.4784], q3_c=[152.5089], min_c=[152.4402],
            max_c=[152.547], method_sd="Cai", seed_estmeansd=0)
_CAI_CASES = [("ROM, excluded", dict(_CAI, sm="ROM", exclude=[True])),
              ("MD", dict(_CAI, sm="MD")),
              ("SMD, two studies", dict(_CAI, sm="SMD", **{
                  k: v * 2 for k, v in _CAI.items() if isinstance(v, list)}))]


@pytest.mark.parametrize("label,args", _CAI_CASES, ids=[c for c, _ in _CAI_CASES])
def test_live_cai_box_cox_power(r_meta, label, args):
    check_case(r_meta, "metacont", args, "R's x ^ y in estmeansd's Cai fit", strict=True)


# estmeansd's "QE-McGrath" with negative quantiles (campaign metacont MD, seed 901): only
# the normal is fitted, R's message goes to the notes, and R's "NaNs produced" from the
# log-normal start (a base warning, not compared at this level) is reported by pymeta
_QE_NEG = dict(n_e=[3.0, 2.0], mean_e=[math.nan, 0.0], sd_e=[math.nan, math.nan],
               n_c=[2.0, 2.0], mean_c=[0.0, 0.0], sd_c=[1.0, 1.0],
               median_e=[0.0, math.nan], q1_e=[-1.0, -1.0], q3_e=[1.0, 1.0],
               min_e=[-2.0, math.nan], max_e=[1.5, math.nan], method_sd="QE-McGrath")
_QE_CASES = [("MD, excluded", dict(_QE_NEG, sm="MD", exclude=[True, True])),
             ("MD, mean too", dict(_QE_NEG, sm="MD", method_mean="QE-McGrath")),
             ("SMD, skewed", dict(n_e=[30.0, 12.0], mean_e=[math.nan, 2.5],
                                  sd_e=[math.nan, 1.5], n_c=[25.0, 14.0], mean_c=[0.0, 1.9],
                                  sd_c=[1.0, 1.2], median_e=[2.0, math.nan],
                                  q1_e=[1.0, math.nan], q3_e=[3.0, math.nan],
                                  min_e=[0.5, math.nan], max_e=[9.0, math.nan], sm="SMD",
                                  method_mean="QE-McGrath", method_sd="QE-McGrath"))]


@pytest.mark.parametrize("label,args", _QE_CASES, ids=[c for c, _ in _QE_CASES])
def test_live_qe_mcgrath_cases(r_meta, label, args):
    check_case(r_meta, "metacont", args, "estmeansd's QE-McGrath in metacont", strict=True)
    res = pymeta.metacont(**args)
    assert any(n.startswith("estmeansd: Only fit the normal") for n in res.notes) == (
        args["q1_e"][0] < 0)


#: Missing positions in subset (R's x[NA]): R's error where it stops (keepdata = TRUE, the
#: default, everywhere but metacor; subgroups; metacont, metamean, metaprop; exclude
#: outside metagen), else a study of missing values in the output (studlab NA, metagen's
#: exclude NA), left out of pooling. R gets its own 1-based positions.
_BIN3 = dict(event_e=[5.0, 8.0, 3.0], n_e=[20.0, 30.0, 25.0], event_c=[7.0, 10.0, 6.0],
             n_c=[22.0, 28.0, 24.0])
_INC3 = dict(event_e=[5.0, 8.0, 3.0], time_e=[200.0, 310.0, 250.0],
             event_c=[7.0, 10.0, 6.0], time_c=[220.0, 280.0, 240.0])
_COR3 = dict(cor=[0.5, 0.3, 0.6], n=[20.0, 30.0, 25.0])
_NA_SUBSET = [
    ("metagen", "keepdata", dict(TE=_TE6, seTE=_SE6), [1.0, _NA, 3.0], False),
    ("metagen", "keepdata, all given", dict(TE=_TE6[:3], seTE=_SE6[:3]), [1.0, _NA, 3.0],
     True),
    ("metagen", "keepdata, all missing", dict(TE=_TE6, seTE=_SE6), [_NA, _NA], False),
    ("metagen", "approx labels", dict(TE=_TE6[:4], seTE=_SE6[:4], keepdata=False,
                                      approx_TE=["", "", "", ""]), [1.0, _NA, 3.0], True),
    ("metacont", "keepdata", dict(_CONT4), [1.0, _NA, 3.0], True),
    ("metabin", "keepdata, shorter", dict(_BIN3), [1.0, _NA], True),
    ("metagen", "plain", dict(TE=_TE6, seTE=_SE6, keepdata=False), [1.0, _NA, 3.0], False),
    ("metagen", "labels, order", dict(TE=_TE6, seTE=_SE6, studlab=list("abcdef"),
                                      keepdata=False), [6.0, _NA, 2.0, _NA, 4.0], False),
    ("metagen", "exclude", dict(TE=_TE6, seTE=_SE6, keepdata=False,
                                exclude=[False, False, True, False, True, False]),
     [1.0, _NA, 3.0, 5.0], False),
    ("metagen", "weights", dict(TE=_TE6, seTE=_SE6, keepdata=False,
                                weights=[1.0, 2.0, 3.0, 1.5, 2.5, 0.5]), [1.0, _NA, 3.0], True),
    ("metagen", "weights, all", dict(TE=_TE6[:3], seTE=_SE6[:3], keepdata=False,
                                     weights=[1.0, 2.0, 3.0]), [1.0, _NA, 3.0], False),
    ("metagen", "subgroup", dict(TE=_TE6, seTE=_SE6, keepdata=False,
                                 subgroup=list("aabbab")), [1.0, _NA, 3.0], True),
    ("metacor", "keepdata", dict(_COR3), [1.0, _NA, 3.0], False),
    ("metacor", "no keepdata, PM", dict(_COR3, keepdata=False, method_tau="PM"),
     [_NA, 2.0, 3.0], False),
    ("metacor", "exclude", dict(_COR3, exclude=[True, False, False]), [1.0, _NA, 3.0], True),
    ("metabin", "MH", dict(_BIN3, keepdata=False), [1.0, _NA, 3.0], False),
    ("metabin", "zero cell", dict(_BIN3, event_e=[0.0, 8.0, 3.0], keepdata=False, sm="OR"),
     [1.0, _NA, 3.0], False),
    ("metabin", "keepdata", dict(_BIN3), [1.0, _NA, 3.0], True),
    ("metainc", "plain", dict(_INC3, keepdata=False), [1.0, _NA, 3.0], False),
    ("metainc", "exclude", dict(_INC3, keepdata=False, exclude=[False, True, False]),
     [1.0, _NA, 3.0], True),
    ("metarate", "plain", dict(event=[5.0, 8.0, 3.0], time=[200.0, 310.0, 250.0],
                               keepdata=False), [_NA, 2.0, 3.0], False),
    ("metacont", "no keepdata", dict(_CONT4, keepdata=False), [1.0, _NA, 3.0], True),
    ("metamean", "no keepdata", dict(n=[20.0, 30.0, 25.0], mean=[1.2, 0.8, 1.0],
                                     sd=[1.0, 1.1, 0.9], keepdata=False), [1.0, _NA], True),
    ("metaprop", "no keepdata", dict(event=[5.0, 8.0, 3.0], n=[20.0, 30.0, 25.0],
                                     method="Inverse", keepdata=False), [1.0, _NA], True),
]


@pytest.mark.parametrize("fun,label,data,r_pos,stops", _NA_SUBSET,
                         ids=[f"{f}-{c}" for f, c, *_ in _NA_SUBSET])
def test_live_missing_subset_positions(r_meta, fun, label, data, r_pos, stops):
    res = _positions_case(r_meta, fun, data, "subset", r_pos)
    assert res.status == ("r_error" if stops else "ok"), res.detail
    if stops:   # R's message, word for word
        assert res.py_error.split(": ", 1)[1].strip() == res.r_error.strip(), (
            res.py_error, res.r_error)


@pytest.mark.parametrize("post,post_args", [("metainf", {}), ("metacum", {}),
                                            ("update", {"method_tau": "DL"})])
def test_live_missing_subset_positions_after(r_meta, post, post_args):
    """metainf / metacum / update of a metacor result with a missing subset position:
    every field as R's (the study of missing values labelled "NA" as R pastes it)."""
    data = dict(cor=[0.5, 0.3, 0.6, 0.2], n=[20.0, 30.0, 25.0, 40.0])
    cls = pymeta.MetaInf if post != "update" else _CLS["metacor"]
    fields = fields_to_compare(cls)
    r_post_args = {k.replace("_", "."): v for k, v in post_args.items()}
    theirs = r_meta.run("metacor", {**data, "subset": [1.0, _NA, 3.0]}, fields, post=post,
                        post_args=r_post_args)
    assert theirs["ok"], theirs["error"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = pymeta.metacor(**data, subset=[0, _NA, 2])
        res = m.update(**post_args) if post == "update" else getattr(pymeta, post)(m)
    for f in fields:
        d = compare_field(f, res.to_dict()[f], theirs["values"].get(f))
        assert d.ok, (post, f, d)
