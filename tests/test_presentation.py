"""R meta's presentation arguments (pymeta.api.presentation) without R: the rules of
metagen's labels, update.meta's text resets and R's argument checks. Parity with R on
drawn cases is in test_subgroup_live.py::test_live_presentation and in every campaign of
test_parity_live.py."""
import warnings

import pytest

import pymeta

GEN = dict(TE=[0.1, 0.5, -0.2], seTE=[0.2, 0.3, 0.25])
CONT = dict(n_e=[20.0, 30.0, 25.0], mean_e=[1.2, 0.8, 1.0], sd_e=[1.0, 1.1, 0.9],
            n_c=[22.0, 28.0, 24.0], mean_c=[0.9, 0.7, 0.6], sd_c=[1.0, 1.2, 1.0])


def test_defaults_as_r():
    m = pymeta.metagen(**GEN)
    assert m.text_random == ("Random effects model",) and m.keepdata is True
    assert (m.label_e, m.label_c, m.col_label_left, m.method_bias) == \
        ("Experimental", "Control", "black", "Egger")
    assert m.print_subgroup_name is None and m.sep_subgroup is None
    c = pymeta.metacont(**CONT, subgroup=["a", "b", "a"])
    assert c.keepdata is False and c.print_subgroup_name is True and c.sep_subgroup == " = "
    d = pymeta.metacor(cor=[0.5, 0.3, 0.6], n=[20.0, 30.0, 25.0])
    assert (d.label_e, d.label_c) == ("", "")


def test_metagen_labels_methods_other_functions_only_several():
    m = pymeta.metagen(**GEN, method_random_ci="HK", adhoc_hakn_ci="se")
    assert m.text_random == ("Random effects model (HK-SE)",)
    assert pymeta.metagen(**GEN, method_random_ci="HK", text_random="RE").text_random == ("RE",)
    c = pymeta.metacont(**CONT, method_random_ci="HK")
    assert c.text_random == ("Random effects model",)
    c = pymeta.metacont(**CONT, method_random_ci=("HK", "classic", "KR"),
                        method_predict=("V", "HK"), adhoc_hakn_pi=("", "se"))
    assert c.text_random == ("Random effects model (HK)", "Random effects model",
                             "Random effects model (KR)")
    assert c.text_predict == ("Prediction interval (V)", "Prediction interval (HK-SE)")


def test_single_study_and_method_bias():
    one = pymeta.metagen(TE=[0.1], seTE=[0.2], overall=True, overall_hetstat=True)
    assert one.overall is False and one.overall_hetstat is False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        b = pymeta.metabin([5.0, 8.0], [20.0, 30.0], [7.0, 10.0], [22.0, 28.0], sm="OR")
    assert b.method_bias == "Harbord"
    assert b.update(sm="RR").method_bias == "Harbord"   # update.meta keeps the object's
    assert pymeta.metagen(**GEN, method_bias="linreg").method_bias == "Egger"
    with pytest.raises(ValueError, match="method.bias"):
        pymeta.metacont(**CONT, method_bias="Harbord")


def test_checks_and_update_text_rules():
    with pytest.raises(ValueError, match="'text.common' must be a character string"):
        pymeta.metagen(**GEN, text_common=["a", "b"])
    with pytest.raises(ValueError, match="'overall' must be a logical"):
        pymeta.metagen(**GEN, overall="yes")
    m = pymeta.metagen(**GEN, method_random_ci=("HK", "KR"))
    with pytest.warns(pymeta.MetaWarning, match="Setting argument 'text.random' to default"):
        u = m.update(method_random_ci="classic")
    assert u.text_random == ("Random effects model",)
    with pytest.raises(ValueError, match="'text.random' must be of same length"):
        m.update(text_random=("a", "b", "c"))
    assert m.update(title="T").title == "T" and m.update(method_tau="PM").text_random == \
        m.text_random


def test_warn_deprecated_false_silences_only_deprecation():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m = pymeta.metagen(**GEN, comb_fixed=False, warn_deprecated=False)
    assert m.common is False and not m.warnings
    assert not [c for c in caught if "deprecated" in str(c.message)]


def test_update_without_data_returns_none():
    """R's update.meta warns and returns NULL for an object made with keepdata = FALSE;
    metacont's update ignores backtransf (R calls metacont without it)."""
    m = pymeta.metacont(**CONT, keepdata=False)
    assert m.keepdata is False   # (metacont always reports FALSE, as R does)
    with pytest.warns(pymeta.MetaWarning, match="Necessary data not available"):
        assert m.update(method_tau="PM") is None
    c = pymeta.metacont(**CONT, backtransf=False)
    assert c.backtransf is False and c.update(method_tau="PM").backtransf is True
