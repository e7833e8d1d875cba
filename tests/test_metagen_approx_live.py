"""metagen's estimates and standard errors from medians, quartiles, ranges, confidence
limits and p-values (R meta 8.5 ``metagen.R`` sections 3, 6, 7 and 8) against R live.

Each case is run through R's ``metagen`` (rpy2 bridge) and pymeta's, and judged by the
campaign like every live case (every field of :class:`pymeta.MetaGen`, ``approx.TE``,
``approx.seTE`` and ``method.mean`` included, 1e-10 relative, no fallback); where R stops
pymeta must raise, with R's message where the message is metagen's own.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import pymeta
from pymeta.testing import campaign
from pymeta.testing.compare import fields_to_compare

pytestmark = pytest.mark.r

nan = math.nan

#: Eight studies, one per route: TE/seTE given (1), confidence limits (2), p-value with
#: TE (3), median + IQR + range (4), median + IQR (5), median + range (6), median
#: without its spreads (7: stays NA), median + IQR with a missing sample size (8).
_BASE = dict(
    TE=[0.5, nan, 0.4, nan, nan, nan, nan, nan],
    seTE=[0.2, nan, nan, nan, nan, nan, nan, nan],
    lower=[nan, 0.1, nan, nan, nan, nan, nan, nan],
    upper=[nan, 0.9, nan, nan, nan, nan, nan, nan],
    pval=[nan, nan, 0.03, nan, nan, nan, nan, nan],
    median=[nan, nan, nan, 1.0, 2.0, 3.0, 1.5, 2.5],
    q1=[nan, nan, nan, 0.5, 1.0, nan, nan, 2.0],
    q3=[nan, nan, nan, 2.0, 3.0, nan, nan, 3.5],
    min=[nan, nan, nan, 0.0, nan, 1.0, 0.5, nan],
    max=[nan, nan, nan, 3.0, nan, 6.0, nan, nan],
    n_e=[20.0, 30.0, 40.0, 10.0, 25.0, 35.0, 15.0, nan],
    n_c=[22.0, 28.0, 38.0, 12.0, 24.0, 300.0, 16.0, 18.0],
    studlab=[f"s{i}" for i in range(1, 9)],
    sm="MD",
)

#: Median-only data (no TE): k comes from the median, R's messages name 'median'.
_MED = dict(median=[1.0, 2.0, 3.0, 2.2], q1=[0.5, 1.0, 2.0, 1.9], q3=[2.0, 3.0, 4.0, 2.9],
            min=[0.0, 0.0, 1.0, 0.5], max=[3.0, 5.0, 6.0, 4.0], n_e=[10.0, 20.0, 30.0, 60.0],
            sm="MD")

_NO_N = {"n_e": None, "n_c": None}

CASES = {
    # automatic routes (R's order: seTE ci, pval, iqr.range, iqr, range; TE ci, ...)
    "auto-both-n": {},
    "auto-n_e-only": dict(n_c=None),
    "auto-n_c-only": dict(n_e=None),
    "auto-no-n": _NO_N,                      # medians unused: TE / seTE stay NA
    "auto-wan-wan": dict(method_mean="Wan", method_sd="Wan"),
    "auto-luo-wan": dict(method_mean="Luo", method_sd="Wan"),
    "auto-wan-shi": dict(method_mean="Wan", method_sd="Shi"),
    "auto-df": dict(df=[nan, 12.0, 20.0, nan, nan, nan, nan, nan], method_ci="z"),
    "auto-level-ci": dict(level_ci=0.9),
    "auto-q-missing": dict(q1=None, q3=None),     # iqr routes unavailable: range only
    "auto-minmax-missing": dict(min=None, max=None),
    "auto-exclude": dict(exclude=[False, False, False, True, False, False, False, False]),
    "auto-subgroup": dict(subgroup=["a", "b", "a", "b", "a", "b", "a", "b"]),
    "auto-random-PM": dict(method_tau="PM"),
    "auto-subset": dict(subset=[True, True, False, True, True, True, False, True]),
    "auto-subset-no-given": dict(subset=[False, False, False, True, True, True, True, True]),
    # median only
    "median-only": {"__data": _MED},
    "median-only-wan": {"__data": _MED, "method_mean": "Wan", "method_sd": "Wan"},
    "median-only-n_c": {"__data": _MED, "n_e": None, "n_c": [10.0, 20.0, 30.0, 60.0]},
    "median-only-no-n": {"__data": _MED, "n_e": None},
    # explicit approx vectors: each study gets the named route, given values overridden
    "explicit-TE": dict(approx_TE=["", "ci", "", "iqr.range", "iqr", "range", "", "iqr"]),
    "explicit-TE-override": dict(approx_TE=["iqr", "", "", "range", "range", "", "", ""],
                                 median=[0.6, nan, nan, 1.0, 2.0, 3.0, 1.5, 2.5],
                                 q1=[0.3, nan, nan, 0.5, 1.0, nan, nan, 2.0],
                                 q3=[0.9, nan, nan, 2.0, 3.0, nan, nan, 3.5],
                                 min=[nan, nan, nan, 0.0, 0.5, 1.0, 0.5, nan],
                                 max=[nan, nan, nan, 3.0, 4.0, 6.0, nan, nan]),
    "explicit-seTE": dict(approx_seTE=["ci", "ci", "pval", "iqr.range", "iqr", "range", "",
                                       "iqr"], lower=[0.1, 0.1, nan, nan, nan, nan, nan, nan],
                          upper=[0.95, 0.9, nan, nan, nan, nan, nan, nan]),
    "explicit-seTE-df": dict(approx_seTE=["pval", "ci", "pval", "", "", "", "", ""],
                             pval=[0.04, nan, 0.03, nan, nan, nan, nan, nan],
                             df=[15.0, 12.0, 20.0, 9.0, 9.0, 9.0, 9.0, 9.0]),
    "explicit-seTE-df-z": dict(approx_seTE=["pval", "ci", "pval", "", "", "", "", ""],
                               pval=[0.04, nan, 0.03, nan, nan, nan, nan, nan],
                               df=[15.0, 12.0, 20.0, nan, nan, nan, nan, nan], method_ci="z"),
    "explicit-both-wan": dict(approx_TE=["", "", "", "iqr", "iqr", "range", "", ""],
                              approx_seTE=["", "", "", "range", "iqr", "range", "", ""],
                              method_mean="Wan", method_sd="Wan"),
    "explicit-iqr.range-wan": dict(approx_TE=["", "", "", "iqr.range", "", "", "", ""],
                                   approx_seTE=["", "", "", "iqr.range", "", "", "", ""],
                                   method_mean="Wan", method_sd="Wan", n_e=None),
    "explicit-NA-summary": dict(approx_TE=["", "", "", "", "", "", "iqr", ""],
                                approx_seTE=["", "", "", "", "", "", "range", ""]),
    "explicit-partial-case": dict(approx_TE=["", "CI", "", "IQR.R", "Iqr", "r", "", ""]),
    "explicit-all-empty": dict(approx_TE=[""] * 8),   # R: no approximation, NULL
    "explicit-single": dict(approx_TE="iqr", approx_seTE="ci",       # study 1 only
                            median=[0.6, nan, nan, 1.0, 2.0, 3.0, 1.5, 2.5],
                            q1=[0.3, nan, nan, 0.5, 1.0, nan, nan, 2.0],
                            q3=[0.9, nan, nan, 2.0, 3.0, nan, nan, 3.5],
                            lower=[0.1, 0.1, nan, nan, nan, nan, nan, nan],
                            upper=[0.95, 0.9, nan, nan, nan, nan, nan, nan]),
    "explicit-single-subset-first": dict(approx_TE="iqr", median=[0.6, nan, nan, 1.0, 2.0,
                                                                  3.0, 1.5, 2.5],
                                         q1=[0.3, nan, nan, 0.5, 1.0, nan, nan, 2.0],
                                         q3=[0.9, nan, nan, 2.0, 3.0, nan, nan, 3.5],
                                         subset=[True] + [False] * 7),
    "explicit-subset": dict(approx_TE=["", "ci", "", "iqr.range", "iqr", "range", "", "iqr"],
                            approx_seTE=["", "", "", "iqr", "iqr", "range", "", ""],
                            subset=[False, True, True, True, False, True, True, True]),
    "explicit-numeric": dict(approx_TE=[1.0, 2.0, 1.0, 3.0, 4.0, 5.0, 1.0, 1.0]),
}

#: Cases where R stops, with the message pymeta must give (None: any error).
ERRORS = {
    "no-n-TE-iqr": ({**_NO_N, "approx_TE": ["", "", "", "", "iqr", "", "", ""]},
                    "Sample size needed if argument 'approx.TE' = \"iqr\"."),
    "no-n-TE-iqr.range": ({**_NO_N, "approx_TE": ["", "", "", "iqr.range", "", "", "", ""]},
                          "Sample size needed if argument 'approx.TE' = \"iqr.range\"."),
    "no-n-TE-range": ({**_NO_N, "approx_TE": ["", "", "", "", "", "range", "", ""]},
                      "Sample size needed if argument 'approx.TE' = \"range\"."),
    # R's message for approx.seTE = "iqr.range" says "iqr"
    "no-n-seTE-iqr.range": ({**_NO_N, "approx_seTE": ["", "", "", "iqr.range", "", "", "",
                                                      ""]},
                            "Sample size needed if argument 'approx.seTE' = \"iqr\"."),
    "no-n-seTE-iqr": ({**_NO_N, "approx_seTE": ["", "", "", "", "iqr", "", "", ""]},
                      "Sample size needed if argument 'approx.seTE' = \"iqr\"."),
    "no-n-seTE-range": ({**_NO_N, "approx_seTE": ["", "", "", "", "", "range", "", ""]},
                        "Sample size needed if argument 'approx.seTE' = \"range\"."),
    "NA-label": (dict(approx_TE=["", "ci", None, "", "", "", "", ""]),
                 'Argument \'approx.TE\' must be "", "ci", "iqr.range", "iqr", or "range".'),
    "bad-label": (dict(approx_seTE=["", "foo", "", "", "", "", "", ""]),
                  'Argument \'approx.seTE\' must be "", "pval", "ci", "iqr.range", "iqr", '
                  'or "range".'),
    "ambiguous-label": (dict(approx_TE=["", "i", "", "", "", "", "", ""]),
                        'Argument \'approx.TE\' must be "", "ci", "iqr.range", "iqr", or '
                        '"range".'),
    "ambiguous-prefix": (dict(approx_TE=["", "", "", "", "iq", "", "", ""]),
                         'Argument \'approx.TE\' must be "", "ci", "iqr.range", "iqr", or '
                         '"range".'),
    # R's setchar matches case-sensitively when lower-casing would merge two values
    "case-sensitive": (dict(approx_TE=["", "", "", "iqr", "IQR", "", "", ""]),
                       'Argument \'approx.TE\' must be "", "ci", "iqr.range", "iqr", or '
                       '"range".'),
    "label-length": (dict(approx_TE=["iqr", "iqr"]),
                     "Arguments 'TE' and 'approx.TE' must have the same length."),
    "median-length": (dict(median=[1.0, 2.0]), None),
    "single-label-subset": (dict(approx_TE="iqr",
                                 subset=[True, False, True, True, True, True, True, True]),
                            "missing value where TRUE/FALSE needed"),
    "pval-label-no-pval": (dict(pval=None, approx_seTE=["", "", "pval", "", "", "", "", ""]),
                           "Arguments 'TE' and 'pval' must have the same length."),
    "ci-label-no-limits": (dict(lower=None, upper=None,
                                approx_TE=["", "", "", "ci", "", "", "", ""]),
                           "replacement has length zero"),
    "iqr-label-no-median": (dict(median=None, approx_seTE=["", "", "", "iqr", "", "", "", ""]),
                            "Arguments 'n' and 'median' must have the same length."),
    "median-below-q1": (dict(median=[nan, nan, nan, 0.4, 2.0, 3.0, 1.5, 2.5]),
                        "Median must be larger than first quartile."),
    "median-only-no-estimates": ({"__data": {"seTE": [0.1, 0.2]}}, None),
}


def _args(opts: dict) -> dict:
    opts = dict(opts)
    base = opts.pop("__data", _BASE)
    args = {**base, **opts}
    return {k: v for k, v in args.items() if v is not None}


def _run(r_meta, args, r_args=None):
    fields = fields_to_compare(pymeta.MetaGen)
    out = r_meta.run_many("metagen", [r_args or args], fields)[0]
    res = campaign.evaluate("metagen", args, out, r_meta, fields=fields, strict=True)
    return out, res


@pytest.mark.parametrize("name", list(CASES))
def test_metagen_approx_live(r_meta, name):
    args = _args(CASES[name])
    out, res = _run(r_meta, args)
    assert out["ok"], f"R stops: {out['error']}"
    assert res.status == "ok", res.detail
    # the new fields were compared, with R's values
    compared = {d[0] for d in res.diffs}
    assert {"approx.TE", "approx.seTE", "method.mean"} <= compared


@pytest.mark.parametrize("name", list(ERRORS))
def test_metagen_approx_errors_live(r_meta, name):
    opts, msg = ERRORS[name]
    args = _args(opts)
    out, res = _run(r_meta, args)
    assert not out["ok"], "R returns a result"
    assert res.status == "r_error", res.detail
    if msg is not None:
        assert out["error"].strip() == msg
        with pytest.raises(ValueError) as exc:
            pymeta.metagen(**args)
        assert str(exc.value) == msg


def test_metagen_approx_subset_positions_live(r_meta):
    """subset as positions (R 1-based, pymeta 0-based) with explicit labels."""
    opts = dict(approx_TE=["", "ci", "", "iqr.range", "iqr", "range", "", ""],
                approx_seTE=["", "", "", "range", "iqr", "range", "", ""])
    py = _args({**opts, "subset": [1, 3, 4, 5]})
    r = _args({**opts, "subset": [2.0, 4.0, 5.0, 6.0]})
    out, res = _run(r_meta, py, r)
    assert out["ok"] and res.status == "ok", res.detail


def test_metagen_approx_fields():
    """The result fields R stores: labels per study (None when nothing was approximated),
    method.mean whatever happened; R's dotted names in to_dict()."""
    m = pymeta.metagen(**_args({}))
    assert list(m.approx_TE) == ["", "ci", "", "iqr.range", "iqr", "range", "", "iqr"]
    assert list(m.approx_seTE) == ["", "ci", "pval", "iqr.range", "iqr", "range", "", "iqr"]
    assert np.isnan(m.TE[6]) and np.isnan(m.TE[7])    # no spread / no sample size
    d = m.to_dict()
    assert d["method.mean"] == "Luo" and list(d["approx.TE"]) == list(m.approx_TE)
    g = pymeta.metagen(TE=[0.1, 0.2], seTE=[0.1, 0.2], method_mean="Wan")
    assert g.approx_TE is None and g.approx_seTE is None and g.method_mean == "Wan"


def test_metagen_update_keeps_method_mean_live(r_meta):
    """update() passes method.mean on, as R's update.meta does (object$method.mean)."""
    m = pymeta.metagen(TE=[0.1, 0.2, 0.4], seTE=[0.1, 0.2, 0.15], method_mean="Wan")
    assert m.update(method_tau="DL").method_mean == "Wan"
