"""Parity with R meta from the committed fixtures (runs without R).

Every fixture in fixtures/ holds R's result for one call; pymeta is run on the same
arguments and every field is compared under the parity contract
(pymeta/testing/tolerance.py, TOLERANCES.md). The paper case and meta's bundled datasets
must meet the plain 1e-10 bound: no fallback to R's own variation here.
"""
import math

import pytest

from pymeta.reference import fixtures
from pymeta.testing.compare import compare_result, worst

FIXTURES = fixtures.load_all()
R_BASE_WARNINGS = ("NaNs produced",)


def _id(item):
    path, _ = item
    return f"{path.parent.name}/{path.stem}"


def test_fixture_corpus_present():
    groups = {p.parent.name for p, _ in FIXTURES}
    assert {"paper", "bundled"} <= groups
    assert len([1 for p, _ in FIXTURES if p.parent.name == "paper"]) == 7


@pytest.mark.parametrize("item", FIXTURES, ids=_id)
def test_fixture_parity(item):
    path, fx = item
    res = fixtures.run_pymeta(fx["fun"], fx["args"])
    diffs = compare_result(res, fx["r_values"], fields=list(fx["r_values"]))
    bad = [d for d in diffs if not d.ok]
    w = worst(diffs)
    print(f"{path.name}: worst field {w.field}: |diff| {w.abs_diff:.3g} "
          f"(rel {w.rel_diff:.3g}, allowed {w.allowed:.3g})")
    assert not bad, "\n".join(f"{d.field}: {d.detail} (|diff| {d.abs_diff:.3g} > {d.allowed:.3g})"
                              for d in bad)
    r_meta_warnings = [m for m in fx["r_warnings"] if not any(b in m for b in R_BASE_WARNINGS)]
    assert list(res.warnings) == r_meta_warnings


def test_paper_published_values_reproduced():
    """The five published numbers, at the paper's printed precision, from pymeta."""
    import json
    pub = json.loads((fixtures.PAPER_DIR / "published.json").read_text())["results"]
    for name, p in pub.items():
        (path, fx), = [(q, f) for q, f in FIXTURES if q.name == f"{name}__{f['fun']}.json"]
        res = fixtures.run_pymeta(fx["fun"], fx["args"])
        tr = math.exp if p["measure"] == "RR" else (lambda x: x)
        got = {"estimate": tr(res.TE_common), "lower": tr(res.lower_common),
               "upper": tr(res.upper_common), "p": res.pval_common}
        for key, digits in p["digits"].items():
            assert round(got[key], digits) == pytest.approx(p[key], abs=10 ** -(digits + 3)), \
                (name, key, got[key], p[key])


@pytest.mark.r
def test_fixtures_reproduced_by_installed_R(r_meta):
    """`pymeta fixtures check`: the installed R gives every stored number, bit for bit, and
    regenerating twice gives byte-identical files (what `fixtures regenerate` writes)."""
    first = fixtures.generate(r_meta)
    second = fixtures.generate(r_meta)
    assert first == second
    for path, text in first.items():
        assert path.read_text() == text, f"{path} differs from what R gives now; run " \
                                         "`python3 -m pymeta fixtures check`"
    assert fixtures.check(r_meta) == []
