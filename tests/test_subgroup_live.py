"""Live parity with R meta for subgroup analyses, ``metainf``, ``metacum`` and ``update``.

Subgroup analyses are also drawn by every campaign of test_parity_live.py (the case
strategies add a ``subgroup`` column to most data sets); here they are checked on meta's
own data sets as well. ``metainf``/``metacum``/``update`` are run in R on the object R
built (``post`` calls of the bridge) and compared field by field with pymeta, on random
data and on meta's data sets (Fleiss1993cont, amlodipine, Olkin1995 -- as 2x2 tables and
as single proportions --, woodyplants, smoking -- as incidence rates in two groups and as
single rates).
"""
import os
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import pymeta
from pymeta.testing import strategies
from pymeta.testing.budget import OverBudget, time_budget
from pymeta.testing.campaign import R_BASE_WARNINGS
from pymeta.testing.compare import compare_field, compare_result, fields_to_compare

pytestmark = pytest.mark.r

N = max(5, int(os.environ.get("PYMETA_PARITY_N", "300")) // 30)
_SETTINGS = settings(max_examples=N, deadline=None, database=None,
                     suppress_health_check=list(HealthCheck))


def _py(fun, args, post, post_args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = getattr(pymeta, fun)(**args)
        if post is None:
            return m, m
        if post == "update":
            return m, m.update(**post_args)
        return m, getattr(pymeta, post)(m, **post_args)


def check(r_meta, fun, args, post=None, post_args=None, label=""):
    """R first, then pymeta; every field within the parity contract, same warnings."""
    post_args = post_args or {}
    try:
        with time_budget():
            m, res = _py(fun, args, post, post_args)
        py_err = None
    except (NotImplementedError, OverBudget):
        # (a drawn analysis that takes minutes, in R as well: see pymeta.testing.budget)
        assume(False)
        return
    except (ValueError, RuntimeError, ArithmeticError) as exc:
        m = res = None
        py_err = exc
    if res is None and py_err is None:      # metainf/metacum with k < 2: R returns NULL
        cls = pymeta.MetaInf
    else:
        cls = type(res) if res is not None else pymeta.MetaInf if post in (
            "metainf", "metacum") else getattr(pymeta, {"metagen": "MetaGen",
                                                        "metacont": "MetaCont",
                                                        "metabin": "MetaBin",
                                                        "metamean": "MetaMean",
                                                        "metacor": "MetaCor",
                                                        "metaprop": "MetaProp",
                                                        "metainc": "MetaInc",
                                                        "metarate": "MetaRate"}[fun])
    fields = fields_to_compare(cls)
    out = r_meta.run(fun, args, fields, post=post, post_args=post_args)
    if not out["ok"] and (out["error"] or "").startswith("meta returned NULL") \
            and py_err is not None:
        # meta warns and returns NULL instead of stopping (metainc's Cochran method with
        # another sm): pymeta raises, with R's message
        assert str(py_err)[:40] in out["error"], f"{label}: {py_err!r} vs R {out['error']}"
        return
    if not out["ok"] and (out["error"] or "").startswith("meta returned NULL"):
        # metainf/metacum with k < 2, update of a result made with keepdata = FALSE: R
        # warns and returns NULL (the bridge reports NULL as an error); pymeta returns
        # None with the same warning
        assert res is None and py_err is None, f"{label}: R returns NULL, pymeta {res!r}"
        assert any(msg in out["error"] for msg in (
            "Nothing calculated (minimum number of studies: 2).",
            "Necessary data not available. Please, recreate meta-analysis object without "
            "option 'keepdata = FALSE'.")), out["error"]
        return
    if not out["ok"]:
        assert py_err is not None, f"{label}: R stops ({out['error']}) but pymeta returned"
        return
    assert py_err is None, f"{label}: R returns but pymeta raised {py_err!r}\n{args!r}"
    if res is None:
        assert all(v is None for v in out["values"].values()), label
        assert "Nothing calculated (minimum number of studies: 2)." in out["warnings"]
        return
    diffs = compare_result(res, out["values"], fields)
    bad = [d for d in diffs if not d.ok]
    if bad:  # R's own variation on this case (matrix products computed another way)
        r_meta.set_matprod("internal")
        try:
            alt = r_meta.run(fun, args, [d.field for d in bad], post=post, post_args=post_args)
        finally:
            r_meta.set_matprod("default")
        bad = [d for d in bad if d.abs_diff > compare_field(
            d.field, alt["values"].get(d.field), out["values"].get(d.field)).abs_diff]
    assert not bad, (f"{label}: " + "; ".join(f"{d.field}: {d.detail}" for d in bad)
                     + f"\ncase: {args!r} {post} {post_args!r}")
    r_w = [w for w in out["warnings"] if not any(b in w for b in R_BASE_WARNINGS)]
    py_w = list(m.warnings) + ([] if res is m else list(res.warnings))
    assert py_w == r_w, f"{label}: warnings differ: pymeta {py_w!r} vs R {r_w!r}\n{args!r}"


# ------------------------------------------------------------------- meta's data sets

def _r_data(name):
    """A data set of R package meta as a dict of numpy arrays / lists of str."""
    from pymeta.reference import bridge
    bridge._load()
    ro = bridge._state["ro"]
    df = ro.r(f'local({{ data({name}, package = "meta"); as.list({name}) }})')
    out = {}
    for key, col in zip(df.names, df):
        vals = list(col)
        if all(isinstance(v, str) for v in vals):
            out[key] = vals
        elif hasattr(col, "levels"):
            levels = list(col.levels)
            out[key] = [levels[i - 1] for i in vals]
        else:
            out[key] = np.array(vals, dtype=float)
    return out


def _datasets():
    fl = _r_data("Fleiss1993cont")
    am = _r_data("amlodipine")
    ol = _r_data("Olkin1995")
    wp = _r_data("woodyplants")
    sm = _r_data("smoking")
    sg5 = ["b", "a", "b", "c", "c"]
    ol_sg = ["<1980" if y < 1980 else "1980+" for y in ol["year"]]
    sm_sg = ["x", "y", "x", "y", "x", "y", "y"]
    return {
        "Fleiss1993cont": ("metacont", dict(
            n_e=fl["n.psyc"], mean_e=fl["mean.psyc"], sd_e=fl["sd.psyc"], n_c=fl["n.cont"],
            mean_c=fl["mean.cont"], sd_c=fl["sd.cont"], studlab=fl["study"], sm="SMD",
            subgroup=sg5)),
        "amlodipine": ("metacont", dict(
            n_e=am["n.amlo"], mean_e=am["mean.amlo"], sd_e=np.sqrt(am["var.amlo"]),
            n_c=am["n.plac"], mean_c=am["mean.plac"], sd_c=np.sqrt(am["var.plac"]),
            studlab=am["study"], subgroup=["x", "y"] * 4)),
        "Olkin1995": ("metabin", dict(
            event_e=ol["ev.exp"], n_e=ol["n.exp"], event_c=ol["ev.cont"], n_c=ol["n.cont"],
            studlab=[str(a) for a in ol["author"]], sm="RR", subgroup=ol_sg)),
        "Olkin1995 prop": ("metaprop", dict(
            event=ol["ev.exp"], n=ol["n.exp"], studlab=[str(a) for a in ol["author"]],
            method="Inverse", subgroup=ol_sg)),
        "smoking inc": ("metainc", dict(
            event_e=sm["d.smokers"], time_e=sm["py.smokers"], event_c=sm["d.nonsmokers"],
            time_c=sm["py.nonsmokers"], studlab=sm["study"], subgroup=sm_sg)),
        "smoking rate": ("metarate", dict(
            event=sm["d.smokers"], time=sm["py.smokers"], n=sm["participants"],
            studlab=sm["study"], subgroup=sm_sg)),
        "woodyplants": ("metacont", dict(
            n_e=wp["n.elev"], mean_e=wp["mean.elev"], sd_e=wp["sd.elev"], n_c=wp["n.amb"],
            mean_c=wp["mean.amb"], sd_c=wp["sd.amb"], sm="ROM",
            subgroup=[str(t) for t in wp["treat"]])),
    }


@pytest.fixture(scope="module")
def datasets(r_meta):
    return _datasets()


_DS = ("Fleiss1993cont", "amlodipine", "Olkin1995", "woodyplants", "Olkin1995 prop",
       "smoking inc", "smoking rate")


@pytest.mark.parametrize("name", _DS)
@pytest.mark.parametrize("method_tau", ["REML", "PM"])
def test_dataset_subgroups(r_meta, datasets, name, method_tau):
    fun, args = datasets[name]
    check(r_meta, fun, {**args, "method_tau": method_tau}, label=f"{name} subgroups")


@pytest.mark.parametrize("name", _DS)
@pytest.mark.parametrize("method_tau", ["REML", "DL", "PM", "ML"])
@pytest.mark.parametrize("extra", [{"tau_common": True},
                                   {"tau_common": True, "method_tau_ci": "BJ"},
                                   {"tau_common": True, "method_I2": "tau2"},
                                   {"tau_preset": 0.2}])
def test_dataset_tau_common(r_meta, datasets, name, method_tau, extra):
    fun, args = datasets[name]
    check(r_meta, fun, {**args, "method_tau": method_tau, **extra},
          label=f"{name} tau.common {extra}")


@pytest.mark.parametrize("name", _DS)
@pytest.mark.parametrize("extra", [
    {"method_random_ci": ("classic", "HK", "KR"), "method_predict": ("V", "HTS")},
    {"method_random_ci": ("HK", "classic"), "adhoc_hakn_ci": ("se",)},
    {"method_predict": ("HTS", "KR", "S"), "adhoc_hakn_pi": ("ci",)},
    {"method_random_ci": ("classic", "HK"), "tau_common": True, "method_tau": "PM"}])
def test_dataset_several_methods(r_meta, datasets, name, extra):
    fun, args = datasets[name]
    check(r_meta, fun, {**args, **extra}, label=f"{name} several methods {extra}")


@pytest.mark.parametrize("name", _DS)
@pytest.mark.parametrize("post", ["metainf", "metacum"])
@pytest.mark.parametrize("pooled", ["common", "random"])
def test_dataset_inf_cum(r_meta, datasets, name, post, pooled):
    fun, args = datasets[name]
    check(r_meta, fun, {**args, "method_random_ci": "HK", "method_predict": "HTS"},
          post, {"pooled": pooled}, label=f"{name} {post}")


@pytest.mark.parametrize("name", _DS)
@pytest.mark.parametrize("changes", [{"method_tau": "PM"}, {"method_random_ci": "HK"},
                                     {"level_ma": 0.9, "method_tau": "SJ"},
                                     {"subgroup": None}])
def test_dataset_update(r_meta, datasets, name, changes):
    fun, args = datasets[name]
    if "subgroup" in changes:  # update an analysis without subgroups into one with them
        args = {k: v for k, v in args.items() if k != "subgroup"}
        changes = {"subgroup": datasets[name][1]["subgroup"]}
    check(r_meta, fun, args, "update", changes, label=f"{name} update")


def test_sortvar(r_meta, datasets):
    fun, args = datasets["Fleiss1993cont"]
    sv = [3.0, 1.0, 2.0, 5.0, 4.0]
    for post in ("metainf", "metacum"):
        check(r_meta, fun, args, post, {"pooled": "random", "sortvar": sv}, label="sortvar")


# ----------------------------------------------------------------------- random data

@_SETTINGS
@given(case=strategies.cases("metagen", max_k=12, with_subgroups=True),
       post=st.sampled_from(["metainf", "metacum"]),
       pooled=st.sampled_from(["common", "random"]))
def test_live_inf_cum_metagen(r_meta, case, post, pooled):
    data, opts = case
    check(r_meta, "metagen", {**data, **opts}, post, {"pooled": pooled}, label=post)


@_SETTINGS
@given(case=strategies.cases("metacont", max_k=12, with_subgroups=True, summaries=True,
                             with_selection=True),
       post=st.sampled_from(["metainf", "metacum"]),
       pooled=st.sampled_from(["common", "random"]))
def test_live_inf_cum_metacont(r_meta, case, post, pooled):
    data, opts = case
    check(r_meta, "metacont", {**data, **opts}, post, {"pooled": pooled}, label=post)


@_SETTINGS
@given(case=strategies.cases("metamean", max_k=12, with_subgroups=True, summaries=True,
                             with_selection=True),
       post=st.sampled_from(["metainf", "metacum"]),
       pooled=st.sampled_from(["common", "random"]))
def test_live_inf_cum_metamean(r_meta, case, post, pooled):
    data, opts = case
    check(r_meta, "metamean", {**data, **opts}, post, {"pooled": pooled}, label=post)


@_SETTINGS
@given(case=strategies.cases("metacor", max_k=12, with_subgroups=True),
       post=st.sampled_from(["metainf", "metacum"]),
       pooled=st.sampled_from(["common", "random"]))
def test_live_inf_cum_metacor(r_meta, case, post, pooled):
    data, opts = case
    check(r_meta, "metacor", {**data, **opts}, post, {"pooled": pooled}, label=post)


@pytest.mark.parametrize("fun", ["metabin", "metaprop", "metainc", "metarate"])
@_SETTINGS
@given(data=st.data(), post=st.sampled_from(["metainf", "metacum"]),
       pooled=st.sampled_from(["common", "random"]))
def test_live_inf_cum_counts(r_meta, fun, data, post, pooled):
    # R passes the stored increments on: metabin/metainc's incr.e / incr.c as user
    # increments, metaprop/metarate's incr (with method.incr; metaprop also method.ci)
    d, opts = data.draw(strategies.cases(fun, max_k=12, with_subgroups=True))
    check(r_meta, fun, {**d, **opts}, post, {"pooled": pooled}, label=f"{fun} {post}")


@_SETTINGS
@given(fun=st.sampled_from(["metagen", "metacont", "metamean", "metacor", "metabin",
                            "metaprop", "metainc", "metarate"]),
       data=st.data(),
       method_tau=st.sampled_from(["REML", "DL", "PM", "ML", "EB", "HE", "SJ", "HS"]),
       method_tau_ci=st.sampled_from([None, "QP", "BJ", "J"]),
       method_I2=st.sampled_from(["Q", "tau2"]),
       preset=st.sampled_from([None, None, None, 0.3]))
def test_live_tau_common(r_meta, fun, data, method_tau, method_tau_ci, method_I2, preset):
    d, opts = data.draw(strategies.cases(fun, max_k=15, with_subgroups=True))
    assume("subgroup" in d)
    args = {**d, **opts, "tau_common": True, "method_tau": method_tau, "method_I2": method_I2}
    args.pop("tau_preset", None)
    if method_tau_ci is not None:
        args["method_tau_ci"] = method_tau_ci
    if preset is not None:
        args.update(tau_preset=preset, tau_common=False)
    check(r_meta, fun, args, label=f"tau.common {fun}")


_CHANGES = st.sampled_from([{"method_tau": "PM"}, {"method_tau": "DL"},
                            {"method_random_ci": "HK"}, {"method_predict": "HTS"},
                            {"level_ma": 0.9}, {"method_common_ci": "IVhet"},
                            {"method_I2": "tau2"}, {"method_tau_ci": "BJ"}])


@_SETTINGS
@given(fun=st.sampled_from(["metagen", "metacont", "metamean", "metacor", "metabin", "metaprop",
                            "metainc", "metarate"]),
       data=st.data(), changes=_CHANGES)
def test_live_update(r_meta, fun, data, changes):
    # with medians / quartiles / ranges (metacont, metamean), subset / exclude and user
    # arguments: what update.meta takes from object$data
    d, opts = data.draw(strategies.cases(fun, max_k=15, with_subgroups=True, summaries=True,
                                         with_selection=True, user_args=True))
    check(r_meta, fun, {**d, **opts}, "update", changes, label=f"update {fun}")


_COUNT_CHANGES = st.sampled_from([
    {"incr": 0.1}, {"method_incr": "all"}, {"incr": 0.25, "method_incr": "if0all"},
    {"backtransf": False}, {"method_tau": "PM", "method_random_ci": "HK"}])


@pytest.mark.parametrize("fun", ["metabin", "metaprop", "metainc", "metarate"])
@_SETTINGS
@given(data=st.data(), changes=_COUNT_CHANGES)
def test_live_update_counts(r_meta, fun, data, changes):
    # continuity corrections (R: a new incr resets metabin's / metainc's method.incr,
    # user increments are passed on as the object's incr.e / incr.c), pscale / irscale
    # with backtransf = FALSE
    if fun == "metabin" and "backtransf" in changes:   # (pymeta's metabin: no backtransf)
        changes = {"pscale": 100}
    d, opts = data.draw(strategies.cases(fun, max_k=12, with_subgroups=True,
                                         with_selection=True, user_args=True))
    check(r_meta, fun, {**d, **opts}, "update", changes, label=f"update {fun}")


@pytest.mark.parametrize("k", [1, 4])
@pytest.mark.parametrize("changes", [{"method_tau": "PM"}, {"method_random_ci": "HK"},
                                     {"level_ma": 0.9}])
def test_live_update_keeps_tau_preset(r_meta, k, changes):
    # found by CI: update() dropped tau.preset, which R's update.meta passes on
    args = {"TE": np.linspace(0.0, 0.6, k), "seTE": np.linspace(1.0, 0.4, k),
            "studlab": [f"Study {i + 1}" for i in range(k)], "tau_preset": 0.5}
    check(r_meta, "metagen", args, "update", changes, label="update tau.preset")


@pytest.mark.parametrize("fun", ["metagen", "metacor"])
@pytest.mark.parametrize("first, changes", [
    ({"method_random_ci": ("HK", "classic", "KR")}, {"method_random_ci": "HK"}),
    ({"method_random_ci": "HK"}, {"method_random_ci": ("classic", "HK")}),
    ({"method_random_ci": "classic"}, {"method_random_ci": ("classic", "KR")}),
    ({"method_predict": ("V", "HTS")}, {"method_predict": "HK"}),
    ({"method_predict": "HK"}, {"method_predict": ("V", "S")}),
])
def test_live_update_method_count_warnings(r_meta, fun, first, changes):
    # found by CI: R's update.meta resets the object's text.random / text.predict when the
    # number of methods changes, with a warning unless that text was the single default
    # (metagen labels even one method, "Random effects model (HK)"; metacor only several)
    data = ({"TE": np.array([0.1, 0.5, 0.2]), "seTE": np.array([0.3, 0.2, 0.4])}
            if fun == "metagen" else {"cor": np.array([0.1, 0.5, 0.2]),
                                      "n": np.array([20.0, 35.0, 14.0])})
    args = {**data, "studlab": ["A", "B", "C"], **first}
    check(r_meta, fun, args, "update", changes, label="update text warnings")


@pytest.mark.parametrize("fun", ["metagen", "metacor"])
def test_live_update_null_effect(r_meta, fun):
    # found by CI: R's update.meta does not pass null.effect on to metagen (metacor: does)
    data = ({"TE": np.array([0.1, 0.5, 0.2]), "seTE": np.array([0.3, 0.2, 0.4])}
            if fun == "metagen" else {"cor": np.array([0.1, 0.5, 0.2]),
                                      "n": np.array([20.0, 35.0, 14.0])})
    args = {**data, "studlab": ["A", "B", "C"], "null_effect": 0.3}
    check(r_meta, fun, args, "update", {"method_tau": "PM"}, label="update null.effect")


_SEL = [
    ("metagen", dict(TE=[0.1, 0.5, -0.2, 0.3, 0.8], seTE=[0.2, 0.3, 0.25, 0.4, 0.5],
                     studlab=list("ABCDE"), subset=[True, True, False, True, True])),
    ("metagen", dict(TE=[0.1, 0.5, -0.2, 0.3, 0.8], seTE=[0.2, 0.3, 0.25, 0.4, 0.5],
                     studlab=list("ABCDE"), exclude=[False, True, False, False, False],
                     subset=[True, True, False, True, True], subgroup=list("xxyyx"))),
    ("metacont", dict(n_e=[20, 30, 25, 40], mean_e=[1.2, 0.8, 1.0, 1.5],
                      sd_e=[1, 1.1, 0.9, 1.2], n_c=[22, 28, 24, 35],
                      mean_c=[0.9, 0.7, 0.6, 1.0], sd_c=[1, 1.2, 1, 1.1], studlab=list("ABCD"),
                      subset=[True, False, True, True], exclude=[True, False, False, False],
                      sm="SMD")),
    ("metabin", dict(event_e=[5, 8, 3, 0], n_e=[20, 30, 25, 10], event_c=[7, 10, 6, 2],
                     n_c=[22, 28, 24, 12], studlab=list("ABCD"),
                     subset=[True, True, False, True], exclude=[False, True, False, False])),
    ("metaprop", dict(event=[5, 8, 3, 0], n=[20, 30, 25, 10], studlab=list("ABCD"),
                      subset=[True, True, False, True], method="Inverse")),
    ("metacor", dict(cor=[0.5, 0.3, 0.6, 0.1], n=[20, 30, 25, 40], studlab=list("ABCD"),
                     exclude=[False, False, True, False])),
]


@pytest.mark.parametrize("changes", [{"method_tau": "PM"},
                                     {"method_random_ci": "HK", "level_ma": 0.9}])
@pytest.mark.parametrize("fun,args", _SEL, ids=[f"{f}-{i}" for i, (f, _) in enumerate(_SEL)])
def test_live_update_subset_exclude(r_meta, fun, args, changes):
    # R's update.meta applies the object's subset and exclude again (its data keeps
    # .subset / .exclude); without them the update pooled every study
    check(r_meta, fun, args, "update", changes, label=f"update {fun} subset/exclude")


@pytest.mark.parametrize("post,post_args", [("metainf", {}), ("metacum", {}),
                                            ("metainf", {"pooled": "random"})])
@pytest.mark.parametrize("fun,args", _SEL, ids=[f"{f}-{i}" for i, (f, _) in enumerate(_SEL)])
def test_live_metainf_subset_exclude(r_meta, fun, args, post, post_args):
    # R's metainf / metacum run on the studies of the subset and pass each step the
    # object's exclude (sorted with the data)
    check(r_meta, fun, args, post, post_args, label=f"{post} {fun} subset/exclude")


@pytest.mark.parametrize("post", ["metainf", "metacum"])
@pytest.mark.parametrize("fun,args", [
    ("metacor", dict(cor=[0.5, 0.3, 0.6, 0.1], n=[20, 30, 25, 40], studlab=list("ABCD"),
                     exclude=[False, False, True, False])),
    ("metagen", dict(TE=[0.1, 0.5, -0.2, 0.3], seTE=[0.2, 0.3, 0.25, 0.4],
                     n_e=[10, 20, 30, 40], n_c=[12, 22, 32, 42], studlab=list("ABCD"),
                     exclude=[True, False, False, False]))])
def test_live_metainf_sortvar_exclude(r_meta, fun, args, post):
    # R sorts exclude (and metagen's n.e / n.c) with the data
    check(r_meta, fun, args, post, {"sortvar": [4.0, 1.0, 3.0, 2.0]},
          label=f"{post} {fun} sortvar/exclude")


_PRES_POST = st.sampled_from([(None, {}), ("metainf", {}), ("metacum", {}),
                              ("update", {"method_tau": "PM"}),
                              ("update", {"method_random_ci": ("HK", "classic")}),
                              ("update", {"method_predict": ("V", "HTS")}),
                              ("update", {"sm": "OR"}), ("update", {"title": "new"}),
                              ("update", {"text_random": "RE"})])


@_SETTINGS
@given(fun=st.sampled_from(["metagen", "metacont", "metamean", "metacor", "metabin", "metaprop",
                            "metainc", "metarate"]),
       data=st.data(), post=_PRES_POST)
def test_live_presentation(r_meta, fun, data, post):
    # R meta's presentation arguments (texts, labels, overall, method.bias, keepdata ...)
    # as stored by the meta functions, carried by update.meta (with its text resets and
    # metabin's method.bias for a new sm) and by metainf / metacum
    d, opts = data.draw(strategies.cases(fun, max_k=10, with_subgroups=True))
    pres = data.draw(strategies.presentation_args(fun))
    name, changes = post
    if name == "update" and "sm" in changes and fun != "metabin":
        changes = {"method_bias": "Begg"}
    check(r_meta, fun, {**d, **opts, **pres}, name, changes, label=f"presentation {fun}")


_NA = float("nan")
_TC_EXCL = [  # metagen, tau.common with excluded studies: R's hetcalc gets TE[!exclude]
    # beside every study's subgroup (see pymeta.api.subgroup_tau._metagen_excluded)
    ("one subgroup", [.1, .3, .5, .2, .4], list("aaaaa"), [0, 1, 0, 0, 0], {}),
    ("one subgroup, preset", [.1, .3, .5, .2, .4], list("aaaaa"), [0, 1, 0, 0, 0],
     {"tau_preset": 0.02}),
    ("4 of 5 rows", [.1, .3, .5, .2, .4], list("aabbb"), [0, 1, 0, 0, 0], {}),
    ("2 of 4 rows", [.1, .3, .5, .2], list("aabb"), [0, 1, 0, 1], {}),
    ("recycled mask, lengths equal", [.1, _NA, .5, .2, -.3, .9], list("abbaab"),
     [1, 0, 0, 0, 0, 0], {}),
    ("recycled mask, aligned", [_NA, .3, .5, .2, .4, .6], list("aaabbb"), [0, 0, 0, 0, 0, 1],
     {"method_tau": "DL"}),
]


@pytest.mark.parametrize("label,TE,sg,excl,extra", _TC_EXCL, ids=[c[0] for c in _TC_EXCL])
def test_live_metagen_tau_common_exclude(r_meta, label, TE, sg, excl, extra):
    """R's metagen hands hetcalc the estimates of the studies not excluded but the
    subgroups of all: one subgroup works, unequal lengths stop (data.frame or metafor),
    equal lengths after R's recycled masks pair estimates with other studies' labels."""
    se = [.1, .2, .15, .2, .3, .25][:len(TE)]
    args = dict(TE=TE, seTE=se, subgroup=sg, exclude=[bool(e) for e in excl],
                tau_common=True, **extra)
    check(r_meta, "metagen", args, label=label)


_T, _F = True, False
_GEN6 = dict(TE=[.1, .5, -.2, .3, .05, .4], seTE=[.2, .3, .25, .15, .22, .3])
_W6 = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
_SG6 = list("aabbab")
_CONT5 = dict(n_e=[20.0, 30.0, 25.0, 40.0, 18.0], mean_e=[1.2, 0.8, 1.0, 2.0, 1.4],
              sd_e=[1.0, 1.1, 0.9, 1.3, 1.0], n_c=[22.0, 28.0, 24.0, 41.0, 20.0],
              mean_c=[0.9, 0.7, 0.6, 1.1, 1.5], sd_c=[1.0, 1.2, 1.0, 1.1, 0.8],
              subgroup=list("xyxyx"))
_BIN5 = dict(event_e=[5.0, 8.0, 3.0, 12.0, 7.0], n_e=[20.0, 30.0, 25.0, 40.0, 33.0],
             event_c=[7.0, 10.0, 6.0, 15.0, 6.0], n_c=[22.0, 28.0, 24.0, 41.0, 30.0],
             subgroup=list("xyxyx"))
#: User weights and TE.tau with subgroups: R's subgroup() passes TE.tau = x$TE.tau to
#: every function and the weights (x$weights.*[sel]) to metagen alone; its w.*.w are
#: sum(x$w.*[sel]) over metafor's weights (NA when some study was not fitted).
_USW_SG = [
    ("metagen", "weights", dict(_GEN6, subgroup=_SG6, weights=_W6)),
    ("metagen", "weights.random, PM, HK", dict(_GEN6, subgroup=_SG6, weights_random=_W6,
                                               method_tau="PM", method_random_ci="HK")),
    ("metagen", "weights.common, excluded", dict(_GEN6, subgroup=_SG6, weights_common=_W6,
                                                 exclude=[_F, _T, _F, _F, _F, _F])),
    ("metagen", "weights, tau.common", dict(_GEN6, subgroup=_SG6, weights=_W6,
                                            tau_common=True)),
    ("metagen", "weights, subset, lengths differ", dict(
        _GEN6, subgroup=_SG6, weights=_W6, subset=[_T, _T, _T, _T, _T, _F],
        exclude=[_T, _F, _F, _F, _F, _F])),
    ("metagen", "weights, subset", dict(
        _GEN6, subgroup=list("abbaba"), weights=_W6, subset=[_T, _T, _T, _F, _T, _F],
        exclude=[_T, _T, _F, _F, _F, _F])),
    ("metagen", "TE.tau, DL", dict(_GEN6, subgroup=_SG6, TE_tau=0.2, method_tau="DL")),
    ("metagen", "TE.tau, REML", dict(_GEN6, subgroup=_SG6, TE_tau=0.2)),
    ("metagen", "TE.tau, DL, tau.common", dict(_GEN6, subgroup=_SG6, TE_tau=0.2,
                                               method_tau="DL", tau_common=True)),
    # found by the campaign: hetcalc's TE.tau branch blanks method.tau.ci, so the residual
    # fit of a single subgroup asks for no (J) CI
    ("metagen", "TE.tau, DL, one subgroup, tau.preset", dict(
        _GEN6, subgroup=list("BBBBBB"), TE_tau=0.0, method_tau="DL", tau_preset=0.5,
        exclude=[_T, _T, _T, _F, _F, _F])),
    # found by the campaign: metagen's common tau2 (hcc) warns before its weighted fits
    ("metagen", "weights with NA, tau.preset, warnings' order", dict(
        TE=[0.0, 0.0, 0.0], lower=[-1.95996398e-03, -1.95996398e-03, -1.95996398e+03],
        upper=[1.95996398e-03, 1.95996398e-03, 1.95996398e+03], subgroup=list("BBB"),
        tau_preset=0.5, weights=[float("nan"), float("nan"), 1.0])),
    ("metacont", "weights", dict(_CONT5, weights=[1.0, 2.0, 3.0, 4.0, 5.0])),
    ("metacont", "TE.tau, DL", dict(_CONT5, TE_tau=0.1, method_tau="DL")),
    ("metacont", "TE.tau, DL, tau.common", dict(_CONT5, TE_tau=0.1, method_tau="DL",
                                                tau_common=True)),
    ("metabin", "TE.tau, Inverse, DL", dict(_BIN5, TE_tau=0.1, method="Inverse",
                                            method_tau="DL", tau_common=True)),
    ("metabin", "weights.random, MH", dict(_BIN5, weights_random=[1.0, 2.0, 3.0, 4.0, 5.0])),
    ("metamean", "weights, TE.tau", dict(n=[20.0, 30.0, 25.0, 40.0], mean=[1.2, 0.8, 1.0, 2.0],
                                         sd=[1.0, 1.1, 0.9, 1.3], subgroup=list("abab"),
                                         weights=[2.0, 1.0, 1.0, 3.0], TE_tau=1.0,
                                         method_tau="DL")),
]


@pytest.mark.parametrize("fun,label,args", _USW_SG, ids=[f"{f}-{c}" for f, c, _ in _USW_SG])
def test_live_user_args_with_subgroups(r_meta, fun, label, args):
    check(r_meta, fun, args, label=f"{fun} {label}")


_NAN = float("nan")
#: metainf / metacum of analyses with user weights or TE.tau: R sorts the stored weights
#: (x$weights.*[o]), gives each step its weights[sel] and TE.tau = x$TE.tau.
_USW_INF = [
    ("metagen", dict(_GEN6, weights=_W6)),
    ("metagen", dict(_GEN6, weights_random=[1.0, _NAN, 3.0, 4.0, 5.0, 6.0], method_tau="PM")),
    ("metagen", dict(_GEN6, weights=_W6, subset=[_F, _T, _T, _T, _T, _T])),
    ("metagen", dict(_GEN6, TE_tau=[0.1, 0.3], method_tau="DL")),
    ("metacont", dict({k: v for k, v in _CONT5.items() if k != "subgroup"},
                      weights_common=[1.0, 2.0, 3.0, 4.0, 5.0])),
    ("metabin", dict({k: v for k, v in _BIN5.items() if k != "subgroup"}, TE_tau=0.1,
                     method="Inverse", method_tau="DL")),
]


@pytest.mark.parametrize("post,pooled", [("metainf", "random"), ("metacum", "random"),
                                         ("metainf", "common")])
@pytest.mark.parametrize("fun,args", _USW_INF, ids=[f"{f}{i}" for i, (f, _) in
                                                  enumerate(_USW_INF)])
def test_live_metainf_user_args(r_meta, fun, args, post, pooled):
    check(r_meta, fun, args, post, {"pooled": pooled}, label=f"{post} {fun} user args")


#: metainf / metacum of metagen results made with cycles (n-of-1 trials) or transf =
#: FALSE: R's steps call metagen on the stored TE / seTE (the n-of-1 standard errors, the
#: transformed estimates) without those arguments.
_N1 = dict(TE=[0.3, -0.2, 0.5, 0.1, 0.9], seTE=[1.1, 0.8, _NAN, 0.0, 1.4],
           cycles=[3.0, 2.0, 4.0, _NAN, 1.0])
_GEN_STEPS = [
    dict(_N1),
    dict(_N1, method_tau="DL", exclude=[_F, _T, _F, _F, _F]),
    dict(TE=[0.2, 0.7, 1.1, -0.3], lower=[-0.1, 0.2, 0.5, -0.9],
         upper=[0.5, 1.2, 1.7, 0.3], sm="OR", transf=False),
    dict(TE=[1.5, 2.0, 3.0, 0.8], lower=[1.1, 1.2, 1.3, 0.5], upper=[2.5, 4.0, 7.0, 1.3],
         sm="HR", func_transf="log"),
]


@pytest.mark.parametrize("post", ["metainf", "metacum"])
@pytest.mark.parametrize("args", _GEN_STEPS, ids=[str(i) for i in range(len(_GEN_STEPS))])
def test_live_metainf_cycles_transf(r_meta, args, post):
    check(r_meta, "metagen", args, post, {"pooled": "random"},
          label=f"{post} metagen cycles/transf")


def test_live_metainf_sortvar_with_subset(r_meta):
    """A sortvar vector is used as given, for the studies of the subset."""
    args = dict(_GEN6, subset=[_T, _F, _T, _T, _T, _F], exclude=[_F, _F, _T, _F, _F, _F])
    for post in ("metainf", "metacum"):
        check(r_meta, "metagen", args, post, {"sortvar": [0.4, 0.1, 0.3, 0.2]},
              label=f"{post} sortvar with subset")


def test_metainf_sortvar_column_with_subset(r_meta):
    """A sortvar named as a column of ``data`` is subset by R (sortvar[x$data$.subset]):
    the same leave-one-out order as R's metainf(m, sortvar = year)."""
    import pandas as pd
    from pymeta.reference import bridge
    df = pd.DataFrame(dict(TE=_GEN6["TE"], seTE=_GEN6["seTE"],
                           year=[2004.0, 1999.0, 2010.0, 2001.0, 2007.0, 1995.0]))
    keep = [4, 0, 2, 3]                       # positions, not in the data's order
    m = pymeta.metagen("TE", "seTE", data=df, subset=keep)
    py = pymeta.metainf(m, sortvar="year")
    bridge._load()
    ro = bridge._state["ro"]
    r = ro.r('''local({
        df <- data.frame(TE = c(.1, .5, -.2, .3, .05, .4),
                         seTE = c(.2, .3, .25, .15, .22, .3),
                         year = c(2004, 1999, 2010, 2001, 2007, 1995))
        m <- meta::metagen(TE, seTE, data = df, subset = c(5, 1, 3, 4))
        inf <- meta::metainf(m, sortvar = year)
        list(studlab = inf$studlab, TE = inf$TE, lower = inf$lower)
    })''')
    out = dict(zip(r.names, r))
    assert list(py.studlab) == list(out["studlab"])
    for f in ("TE", "lower"):
        assert compare_field(f, getattr(py, f), np.array(out[f])).ok, f


#: update() of metagen results made from confidence limits, p-values, df, medians,
#: cycles or with transf = FALSE: R's update.meta hands metagen its object$data (the
#: estimates after the approximations, the approximation labels, limits on the
#: analysis scale with transf = TRUE), see pymeta.api.metagen._update_data.
_GEN_UPDATE = [
    dict(TE=[_NAN, .2, .3, .1], seTE=[_NAN, .1, .2, _NAN], median=[.1, _NAN, _NAN, _NAN],
         q1=[0.0, _NAN, _NAN, _NAN], q3=[.3, _NAN, _NAN, _NAN], n_e=[20.0, 25.0, 30.0, 22.0],
         n_c=[20.0, 24.0, 31.0, 20.0], lower=[_NAN, _NAN, _NAN, -.2],
         upper=[_NAN, _NAN, _NAN, .4]),
    dict(TE=[.1, .2, .3], lower=[-.1, 0.0, .1], upper=[.3, .4, .5], level_ci=0.9),
    dict(TE=[.1, .2, .3], pval=[.3, .04, .01]),
    dict(TE=[.1, .2, .3], seTE=[.1, .1, .2], df=[5.0, 6.0, 7.0], method_ci="t"),
    dict(_N1),
    dict(TE=[.2, .7, 1.1, -.3], lower=[-.1, .2, .5, -.9], upper=[.5, 1.2, 1.7, .3], sm="OR",
         transf=False),
    dict(TE=[1.5, 2.0, 3.0, 0.8], lower=[1.1, 1.2, 1.3, 0.5], upper=[2.5, 4.0, 7.0, 1.3],
         sm="HR", func_transf="log"),
    dict(TE=[_NAN, .2, .3, .5], lower=[-.1, 0.0, .1, .2], upper=[.3, .4, .5, .9],
         subset=[_T, _F, _T, _T], exclude=[_F, _F, _T, _F]),
    dict(TE=[.1, .2, .3], seTE=[.1, 0.0, .2], approx_seTE=["", "", ""]),
    dict(TE=[.1, _NAN, .3], seTE=[_NAN, .1, .2], lower=[-.3, .0, -.1], upper=[.5, .4, .7],
         median=[.1, .2, .3], q1=[0.0, .1, .2], q3=[.2, .3, .4], n_e=[10.0, 12.0, 14.0],
         approx_TE=["", "iqr", ""], approx_seTE=["ci", "", ""]),
]


@pytest.mark.parametrize("changes", [{"method_tau": "DL"}, {"level_ma": 0.9, "sm": "RR"}])
@pytest.mark.parametrize("args", _GEN_UPDATE, ids=[str(i) for i in range(len(_GEN_UPDATE))])
def test_live_update_metagen_inputs(r_meta, args, changes):
    check(r_meta, "metagen", args, "update", changes, label="update metagen inputs")


_Q = dict(n_e=[20.0, 30.0, 25.0, 40.0], mean_e=[1.2, _NAN, 1.0, _NAN],
          sd_e=[1.0, _NAN, 0.9, 1.3], n_c=[22.0, 28.0, 24.0, 41.0], mean_c=[0.9, 0.7, 0.6, 1.1],
          sd_c=[1.0, 1.2, 1.0, _NAN], median_e=[1.0, 0.9, 1.0, 1.8], q1_e=[0.5, 0.4, 0.5, 1.1],
          q3_e=[1.5, 1.6, 1.5, 2.6], min_c=[0.0, 0.1, 0.0, -0.5], max_c=[2.0, 2.1, 1.9, 3.0],
          median_c=[0.9, 0.7, 0.6, 1.1])
_M = dict(n=[20.0, 30.0, 25.0, 40.0], mean=[1.2, _NAN, 1.0, 2.0], sd=[1.0, _NAN, 0.9, _NAN],
          median=[1.0, 0.9, 1.0, 1.8], q1=[0.5, 0.4, 0.5, 1.1], q3=[1.5, 1.6, 1.5, 2.6])
#: update() of metacont / metamean results with approximated means and SDs: R's
#: update.meta hands them object$data's means and SDs (after the approximations), the
#: medians, quartiles and ranges, and the approximation labels (metacont: data columns;
#: metamean: the result's own, of the subset's length, so R stops with a subset whose
#: studies were approximated); see pymeta.api.update._approx_data.
_APPROX_UPDATE = [
    ("metacont", dict(_Q)),
    ("metacont", dict(_Q, sm="SMD", method_mean="Wan", method_sd="Wan")),
    ("metacont", dict(_Q, subset=[_T, _T, _F, _T])),
    ("metacont", dict(_Q, exclude=[_F, _T, _F, _F])),
    ("metacont", dict(_Q, approx_mean_e=["", "iqr", "", "iqr"], approx_sd_c=["", "", "", "range"])),
    ("metacont", dict(_Q, approx_sd_e="iqr", subset=[_T, _F, _F, _F])),
    ("metacont", dict(_Q, mean_e=[1.2, 0.8, 1.0, 2.0], sd_e=[1.0, 1.1, 0.9, 1.3],
                      sd_c=[1.0, 1.2, 1.0, 1.1])),
    ("metamean", dict(_M)),
    ("metamean", dict(_M, sm="MLN", method_mean="Wan")),
    ("metamean", dict(_M, subset=[_T, _T, _F, _F])),      # R stops (labels' length)
    ("metamean", dict(_M, subset=[_T, _F, _T, _F])),      # no approximation in the subset
    ("metamean", dict(_M, approx_mean=["", "iqr", "", ""], approx_sd=["", "iqr", "", "iqr"])),
]


@pytest.mark.parametrize("changes", [{"method_tau": "DL"}, {"sm": "ROM"}])
@pytest.mark.parametrize("fun,args", _APPROX_UPDATE,
                         ids=[f"{f}{i}" for i, (f, _) in enumerate(_APPROX_UPDATE)])
def test_live_update_approximations(r_meta, fun, args, changes):
    if fun == "metamean" and "sm" in changes:
        changes = {"sm": "MLN" if args.get("sm") != "MLN" else "MRAW"}
    check(r_meta, fun, args, "update", changes, label="update approximations")


@pytest.mark.parametrize("fun", ["metacont", "metamean"])
def test_update_subset_positions_as_r(r_meta, fun):
    """metacont / metamean store the subset's means and SDs with
    data$.mean.e[data$.subset] <- mean.e, as metagen stores its estimates (R counts
    positions from 1): with positions out of order update.meta analyses misplaced
    values, here with approximated ones too."""
    from pymeta.reference import bridge
    bridge._load()
    ro = bridge._state["ro"]
    if fun == "metacont":
        call = ("meta::metacont(c(20, 30, 25, 40), c(1.2, NA, 1, 2), c(1, NA, .9, 1.3), "
                "c(22, 28, 24, 41), c(.9, .7, .6, 1.1), c(1, 1.2, 1, 1.1), "
                "median.e = c(1, .9, 1, 1), q1.e = c(.5, .4, .5, .5), "
                "q3.e = c(1.5, 1.6, 1.5, 1.5), subset = c(4, 2, 1))")
        m = pymeta.metacont([20., 30, 25, 40], [1.2, _NAN, 1, 2], [1, _NAN, .9, 1.3],
                            [22., 28, 24, 41], [.9, .7, .6, 1.1], [1, 1.2, 1, 1.1],
                            median_e=[1, .9, 1, 1], q1_e=[.5, .4, .5, .5],
                            q3_e=[1.5, 1.6, 1.5, 1.5], subset=[3, 1, 0])
    else:
        call = ("meta::metamean(c(20, 30, 25, 40), c(1.2, .8, 1, 2), c(1, 1.1, .9, 1.3), "
                "subset = c(4, 1, 3))")
        m = pymeta.metamean([20., 30, 25, 40], [1.2, .8, 1, 2], [1, 1.1, .9, 1.3],
                            subset=[3, 0, 2])
    r = ro.r(f'''local({{
        u <- update({call}, method.tau = "DL")
        list(TE = u$TE, seTE = u$seTE, TE.random = u$TE.random, lower.random = u$lower.random)
    }})''')
    out = {k: np.array(v) for k, v in zip(r.names, r)}
    u = m.update(method_tau="DL")
    for f in out:
        assert compare_field(f, getattr(u, f.replace(".", "_")), out[f]).ok, f


def test_update_metagen_subset_positions_as_r(r_meta):
    """R's metagen stores the subset's estimates with data$.TE[data$.subset] <- TE: with
    positions in another order than the data's they land on other studies' rows, and
    update.meta analyses them there. pymeta does the same (R counts positions from 1)."""
    from pymeta.reference import bridge
    bridge._load()
    ro = bridge._state["ro"]
    r = ro.r('''local({
        m <- meta::metagen(c(.1, .5, -.2, .3), c(.2, .3, .25, .15), subset = c(4, 1, 3))
        u <- update(m, method.tau = "DL")
        list(TE = u$TE, seTE = u$seTE, TE.random = u$TE.random, lower.random = u$lower.random)
    })''')
    out = {k: np.array(v) for k, v in zip(r.names, r)}
    u = pymeta.metagen([.1, .5, -.2, .3], [.2, .3, .25, .15], subset=[3, 0, 2]).update(
        method_tau="DL")
    for f in out:
        assert compare_field(f, getattr(u, f.replace(".", "_")), out[f]).ok, f
