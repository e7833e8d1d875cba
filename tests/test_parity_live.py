"""Live parity with R meta through rpy2: the paper case and a randomised campaign.

For every case R runs first; then pymeta. Where R errors, pymeta must raise. Where R
returns, every field must meet the parity contract (pymeta/testing/tolerance.py): 1e-10
relative with its floors, or, failing that, no further from R than R itself moves when
its matrix products are computed another way (``options(matprod = "internal")``),
measured on that case in the same run. R's meta warnings must be pymeta's warnings.

``--parity-n`` sets the number of random cases per function/method (default 200);
``--hypothesis-seed`` makes a campaign reproducible. The session summary prints, per
campaign, the worst field, its difference and R's own variation beside it.
"""
import os
import warnings

import pytest
from hypothesis import HealthCheck, given, settings

import pymeta
from pymeta.reference.fixtures import cases as fixture_cases
from pymeta.testing import strategies
from pymeta.testing.compare import compare_field, compare_result, fields_to_compare
from pymeta.testing.report import LOG

pytestmark = pytest.mark.r

N = int(os.environ.get("PYMETA_PARITY_N", "200"))
R_BASE_WARNINGS = ("NaNs produced",)
_CLS = {"metacont": pymeta.MetaCont, "metabin": pymeta.MetaBin, "metagen": pymeta.MetaGen}


def _r_meta_warnings(ws):
    return [m for m in ws if not any(b in m for b in R_BASE_WARNINGS)]


def check_case(r_meta, fun, args, label, strict=False):
    """Run R and pymeta on one case and assert parity; record the worst field."""
    fields = fields_to_compare(_CLS[fun])
    rec = LOG.get(label)
    rec.cases += 1
    out = r_meta.run(fun, args, fields)
    if not out["ok"]:
        rec.r_errors += 1
        with pytest.raises((ValueError, RuntimeError, ArithmeticError)) as exc:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                getattr(pymeta, fun)(**args)
        rec.errors.setdefault(out["error"].strip(), str(exc.value))
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = getattr(pymeta, fun)(**args)
    diffs = compare_result(res, out["values"], fields)
    bad = [d for d in diffs if not d.ok]
    own = {}
    if bad and not strict:
        # R's own variation on this case: the same call with R's internal matrix product
        r_meta.set_matprod("internal")
        try:
            alt = r_meta.run(fun, args, [d.field for d in bad])
        finally:
            r_meta.set_matprod("default")
        for d in bad:
            o = compare_field(d.field, alt["values"].get(d.field), out["values"].get(d.field))
            own[d.field] = o.abs_diff
        still = [d for d in bad if d.abs_diff > own[d.field]]
        rec.fallbacks += len(bad) - len(still)
        bad = still
    w = max(diffs, key=lambda d: d.excess)
    if w.excess > rec.worst_excess or not rec.worst_field:
        rec.worst_excess, rec.worst_field = w.excess, w.field
        rec.worst_abs, rec.worst_rel, rec.worst_allowed = w.abs_diff, w.rel_diff, w.allowed
        rec.worst_r_own = own[w.field] if w.field in own else _r_own(r_meta, fun, args, w.field,
                                                                      out["values"])
        rec.worst_case = repr(args)
    assert not bad, (f"{label}: fields outside the parity contract (and outside R's own "
                     f"variation):\n" + "\n".join(
                         f"  {d.field}: {d.detail}; |diff| {d.abs_diff:.3g} > allowed "
                         f"{d.allowed:.3g}, R's own variation {own.get(d.field, float('nan')):.3g}"
                         for d in bad) + f"\ncase: {args!r}")
    assert list(res.warnings) == _r_meta_warnings(out["warnings"]), (res.warnings, out["warnings"])


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
@given(case=strategies.cases("metacont"))
def test_live_metacont_MD(r_meta, case):
    data, opts = case
    check_case(r_meta, "metacont", {**data, **opts, "sm": "MD"}, "metacont MD")


@_SETTINGS
@given(case=strategies.cases("metabin"))
def test_live_metabin_RR_MH(r_meta, case):
    data, opts = case
    check_case(r_meta, "metabin", {**data, **opts, "sm": "RR", "method": "MH"}, "metabin RR MH")


@_SETTINGS
@given(case=strategies.cases("metabin"))
def test_live_metabin_RR_Inverse(r_meta, case):
    data, opts = case
    check_case(r_meta, "metabin", {**data, **opts, "sm": "RR", "method": "Inverse"},
               "metabin RR Inverse")
