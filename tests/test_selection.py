"""``subset``/``exclude`` (all eight functions), metagen's other inputs and ``byvar``:
pymeta's own rules, without R (the live campaigns compare them with R).

R meta 8.5: ``subset`` restricts the analysis to the studies given; ``exclude`` keeps
studies in the output but gives them weight 0 (``TE[!exclude]`` in the pooling);
positions are 0-based in pymeta (R counts from 1).
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import pymeta

TE = [0.1, 0.5, -0.2, 0.3]
SE = [0.2, 0.3, 0.25, 0.1]
LAB = ["a", "b", "c", "d"]
BIN = dict(event_e=[5.0, 8.0, 3.0, 4.0], n_e=[20.0, 30.0, 25.0, 40.0],
           event_c=[7.0, 10.0, 6.0, 9.0], n_c=[22.0, 28.0, 24.0, 41.0], studlab=LAB)


def test_subset_positions_are_zero_based_and_equal_the_mask():
    by_mask = pymeta.metagen(TE, SE, LAB, subset=[True, False, True, True])
    by_pos = pymeta.metagen(TE, SE, LAB, subset=[0, 2, 3])
    assert by_mask.studlab == by_pos.studlab == ("a", "c", "d")
    assert by_mask.TE_common == by_pos.TE_common


def test_exclude_keeps_study_but_pools_without_it():
    m = pymeta.metagen(TE, SE, LAB, exclude=[1])
    ref = pymeta.metagen([0.1, -0.2, 0.3], [0.2, 0.25, 0.1])
    assert m.k == 3 and m.k_all == 4
    assert list(m.exclude) == [False, True, False, False]
    assert m.w_common[1] == 0 and m.w_random[1] == 0
    assert m.TE_common == pytest.approx(ref.TE_common, rel=1e-14)
    assert m.TE[1] == 0.5                      # still in the output
    assert pymeta.metagen(TE, SE).exclude is None   # R's NULL when not given


@pytest.mark.parametrize("method", ["MH", "Inverse", "Peto", "SSW"])
def test_metabin_exclude_equals_dropping_the_study(method):
    opts = dict(method=method, sm="OR", method_tau="DL")
    m = pymeta.metabin(**BIN, exclude=[False, False, True, False], **opts)
    ref = pymeta.metabin(**{k: [v[i] for i in (0, 1, 3)] for k, v in BIN.items()}, **opts)
    assert m.TE_common == pytest.approx(ref.TE_common, rel=1e-13)
    assert m.seTE_common == pytest.approx(ref.seTE_common, rel=1e-13)
    assert m.tau2 == pytest.approx(ref.tau2, rel=1e-12, abs=1e-15)
    assert m.w_common[2] == 0


def test_subset_with_subgroups_subsets_the_subgroup_too():
    m = pymeta.metagen(TE, SE, LAB, subgroup=["A", "B", "A", "C"], subset=[0, 1, 2])
    assert m.subgroup == ("A", "B", "A")
    assert m.subgroup_levels == ("A", "B")


def test_metagen_from_confidence_limits_and_p_values():
    lo = np.array(TE) - 1.959963984540054 * np.array(SE)
    up = np.array(TE) + 1.959963984540054 * np.array(SE)
    m = pymeta.metagen(lower=lo, upper=up)
    assert np.allclose(m.TE, TE, rtol=1e-12) and np.allclose(m.seTE, SE, rtol=1e-12)
    assert list(m.lower) == list(lo) and m.level_ci is not None
    p = pymeta.metagen(TE, pval=m.pval)
    assert np.allclose(p.seTE, SE, rtol=1e-10)
    t = pymeta.metagen(TE, SE, df=[3, 4, 5, 6])
    assert t.method_ci == "t" and list(t.df) == [3, 4, 5, 6]
    assert np.all(t.upper - t.lower > m.upper - m.lower)


def test_byvar_is_subgroup_with_rs_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = pymeta.metagen(TE, SE, byvar=["A", "B", "A", "B"])
        both = pymeta.metagen(TE, SE, byvar=["A", "B", "A", "B"], subgroup=["X"] * 4)
    assert m.subgroup_levels == ("A", "B")
    assert m.warnings[0] == "Use argument 'subgroup' instead of 'byvar' (deprecated)."
    assert both.subgroup_levels == ("X",)
    assert both.warnings[0] == "Deprecated argument 'byvar' ignored as 'subgroup' is also provided."


def test_leave_one_out_and_update_keep_selection():
    """update() applies subset/exclude again (R's update.meta); metainf's steps keep the
    exclusion; a sortvar vector together with subset is taken as given (checked against
    R live in test_subgroup_live.py)."""
    m = pymeta.metagen(TE, SE, exclude=[0], subset=[0, 1, 2])
    u = m.update()
    assert list(u.exclude) == list(m.exclude) and u.studlab == m.studlab
    assert u.TE_common == m.TE_common and u.k == m.k == 2
    inf = pymeta.metainf(m)
    assert inf.k[0] == 2 and all(k == 1 for k in inf.k[1:])   # omitting the excluded one
    assert pymeta.metainf(m, sortvar=[3.0, 2.0, 1.0]).studlab == ("Omitting 3", "Omitting 2",
                                                                 "Omitting 1")


@pytest.mark.parametrize("fun", ["metagen", "metaprop"])
def test_deprecated_names_used_or_ignored_as_r_does(fun):
    args = dict(TE=TE, seTE=SE) if fun == "metagen" else dict(
        event=[5.0, 8.0, 3.0, 4.0], n=[20.0, 30.0, 25.0, 40.0], method="Inverse")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = getattr(pymeta, fun)(**args, comb_fixed=False, hakn=True)
        both = getattr(pymeta, fun)(**args, comb_random=False, random=True)
    assert m.common is False and tuple(m.method_random_ci) == ("HK",)
    assert m.warnings[:2] == ("Use argument 'common' instead of 'comb.fixed' (deprecated).",
                              "Use argument 'method.random.ci' instead of 'hakn' (deprecated).")
    assert both.random is True
    assert both.warnings[0] == ("Deprecated argument 'comb.random' ignored as 'random' is also "
                                "provided.")


# -- subset with the per-study inputs of main's branches (medians, increments, subgroups) ---
CONT = dict(n_e=[20.0, 30.0, 25.0, 40.0], mean_e=[1.2, np.nan, 1.0, 2.0],
            sd_e=[1.0, 1.1, np.nan, 1.3], n_c=[20.0, 30.0, 25.0, 40.0],
            mean_c=[1.0, 0.5, 0.7, 1.1], sd_c=[1.0, 1.0, 0.9, 1.1],
            median_e=[1.1, 0.8, 0.9, 2.0], q1_e=[0.5, 0.2, 0.3, 1.0],
            q3_e=[1.8, 1.5, 1.6, 3.0], studlab=LAB)
KEEP = (1, 2, 3)


def _sliced(d: dict) -> dict:
    return {k: [v[i] for i in KEEP] for k, v in d.items()}


def test_metacont_subset_selects_medians_and_approximation_labels():
    labs = dict(approx_mean_e=["iqr", "iqr", "", ""], approx_sd_e=["", "", "iqr", ""])
    m = pymeta.metacont(**CONT, **labs, subset=list(KEEP))
    ref = pymeta.metacont(**_sliced(CONT), **_sliced(labs))
    assert list(m.median_e) == list(ref.median_e) == [0.8, 0.9, 2.0]
    assert list(m.approx_mean_e) == list(ref.approx_mean_e)
    assert np.array_equal(m.mean_e, ref.mean_e) and np.array_equal(m.sd_e, ref.sd_e)
    assert m.TE_common == ref.TE_common


def test_single_approximation_label_with_subset():
    """R indexes a single approx.* label with subset: NA past study 1, where its loop over
    the labels stops; a subset of study 1 alone keeps the label."""
    with pytest.raises(ValueError, match="missing value where TRUE/FALSE needed"):
        pymeta.metacont(**CONT, approx_mean_e="iqr", subset=list(KEEP))
    m = pymeta.metacont(**CONT, approx_mean_e="iqr", subset=[0])
    assert list(m.approx_mean_e) == ["iqr"]
    assert m.TE[0] == pymeta.metacont(**CONT, approx_mean_e="iqr").TE[0]


def test_metainc_subset_selects_user_increments_and_subgroups():
    inc = dict(event_e=[0.0, 3.0, 5.0, 2.0], time_e=[100.0, 120.0, 90.0, 80.0],
               event_c=[1.0, 0.0, 4.0, 6.0], time_c=[100.0, 110.0, 95.0, 85.0], studlab=LAB)
    user = dict(incr_e=[0.1, 0.2, 0.3, 0.4], incr_c=[0.5, 0.6, 0.7, 0.8])
    m = pymeta.metainc(**inc, **user, subset=list(KEEP), subgroup=["x", "y", "x", "y"],
                       exclude=[False, False, True, False], method="Inverse")
    ref = pymeta.metainc(**_sliced(inc), **_sliced(user), subgroup=["y", "x", "y"],
                         exclude=[False, True, False], method="Inverse")
    assert list(m.incr_e) == [0.2, 0.3, 0.4] and list(m.incr_c) == [0.6, 0.7, 0.8]
    assert m.subgroup == ("y", "x", "y")
    assert np.array_equal(m.TE_common_w, ref.TE_common_w, equal_nan=True)
    assert m.TE_random == ref.TE_random and m.w_random[1] == 0


def test_metabin_subset_selects_study_specific_increments():
    m = pymeta.metabin(**BIN, incr=[0.1, 0.2, 0.3, 0.4], subset=list(KEEP),
                       allstudies=True, method_incr="all")
    ref = pymeta.metabin(**_sliced(BIN), incr=[0.2, 0.3, 0.4], allstudies=True,
                         method_incr="all")
    assert list(m.incr) == [0.2, 0.3, 0.4]
    assert np.array_equal(m.TE, ref.TE) and m.TE_common == ref.TE_common


def test_user_weights_follow_subset_and_exclude():
    wts = [1.0, 2.0, 3.0, 4.0]
    gen = dict(n_e=[20.0, 30.0, 25.0, 40.0], mean_e=[1.2, 0.8, 1.0, 2.0],
               sd_e=[1.0, 1.1, 0.9, 1.3], n_c=[20.0, 30.0, 25.0, 40.0],
               mean_c=[1.0, 0.5, 0.7, 1.1], sd_c=[1.0, 1.0, 0.9, 1.1], studlab=LAB)
    m = pymeta.metacont(**gen, weights=wts, subset=list(KEEP), exclude=[0, 2], method_tau="DL")
    ref = pymeta.metacont(**{k: [v[i] for i in (1, 3)] for k, v in gen.items()},
                          weights=[2.0, 4.0], method_tau="DL")
    assert list(m.weights_common) == [2.0, 3.0, 4.0]
    assert m.TE_common == pytest.approx(ref.TE_common, rel=1e-14)
    assert m.TE_random == pytest.approx(ref.TE_random, rel=1e-14)
    with pytest.raises(ValueError, match="same length"):   # checked before the subset
        pymeta.metacont(**gen, weights=[1.0, 2.0, 3.0], subset=list(KEEP))


def test_metagen_user_weights_stay_unsubset():
    """R's metagen leaves the user weights at all studies given and picks them with the
    subset's usable studies, an index R recycles: with KEEP (b, c, d) and b excluded the
    index (F, T, T) becomes (F, T, T, F), so c and d are pooled with b's and c's weights."""
    wts = [1.0, 2.0, 3.0, 4.0]
    m = pymeta.metagen(TE, SE, LAB, weights=wts, subset=list(KEEP), exclude=[1])
    ref = pymeta.metagen(TE[2:], SE[2:], LAB[2:], weights=[2.0, 3.0])
    assert list(m.weights_common) == wts            # R keeps them at k_all
    assert m.TE_common == ref.TE_common and m.TE_random == ref.TE_random
    assert m.TE_common != pymeta.metagen(TE[2:], SE[2:], LAB[2:], weights=[3.0, 4.0]).TE_common
    with pytest.raises(ValueError, match="Length of 'yi' and 'weights' is not the same."):
        pymeta.metagen(TE, SE, LAB, weights=wts, subset=list(KEEP))   # (T, T, T, T): 4 != 3


def test_metagen_common_tau_with_excluded_studies():
    """R's metagen pairs the estimates of the studies not excluded with every study's
    subgroup: with two subgroups and unequal lengths it stops (data.frame's recycling
    error for 3 and 4 rows), with one subgroup it fits."""
    sg = ["A", "B", "A", "B"]
    with pytest.raises(ValueError, match="differing number of rows: 3, 4"):
        pymeta.metagen(TE, SE, LAB, subgroup=sg, tau_common=True, exclude=[1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match="differing number of rows: 3, 4"):
            pymeta.metagen(TE, SE, LAB, subgroup=sg, tau_preset=0.1, exclude=[1])
        one = pymeta.metagen(TE, SE, LAB, subgroup=["A"] * 4, tau_common=True, exclude=[1])
        alone = pymeta.metagen(TE, SE, LAB, exclude=[1])
        ok = pymeta.metagen(TE, SE, LAB, subgroup=sg, tau_common=True, subset=[0, 1, 2])
    assert one.tau2_resid == alone.tau2
    assert ok.subgroup == ("A", "B", "A") and ok.tau_common is True
