"""Parity with R meta from the committed fixtures (runs without R).

Every stored case in fixtures/ holds R's answer to one call: the paper case, meta's
bundled datasets and the randomised corpus (fixtures/random/). pymeta is run on the same
arguments: where R stopped pymeta must raise, and otherwise every field must meet the
parity contract (pymeta/testing/tolerance.py, TOLERANCES.md) with no fallback, and R's
meta/metafor warnings must be pymeta's. The corpus must cover every cell of the declared
option grid (pymeta/testing/grid.py), so it cannot quietly shrink.
"""
import json
import math

import pytest

from pymeta.reference import fixtures
from pymeta.testing import campaign, grid

FIXTURES = fixtures.load_all()
NAMED = [(i, r) for i, r in FIXTURES if not i.startswith("random/")]
RANDOM = [(i, r) for i, r in FIXTURES if i.startswith("random/")]


def test_fixture_corpus_present():
    groups = {i.split("/")[0] for i, _ in FIXTURES}
    assert {"paper", "bundled", "random"} <= groups
    assert len([1 for i, _ in FIXTURES if i.startswith("paper/")]) == 7
    assert len(RANDOM) >= 2000


def _judge(rec):
    out = {"ok": rec["r_ok"], "error": rec["r_error"], "warnings": rec["r_warnings"],
           "values": rec["r_values"]}
    return campaign.evaluate(rec["fun"], rec["args"], out, None,
                             fields=list(rec["r_values"]) or None, strict=True)


@pytest.mark.parametrize("item", NAMED, ids=[i for i, _ in NAMED])
def test_fixture_parity(item):
    """Paper case and bundled datasets: plain 1e-10 bound on every field."""
    _, rec = item
    res = _judge(rec)
    assert rec["r_ok"] and res.status == "ok", res.detail


def test_random_corpus_parity():
    """The randomised corpus (>= 2000 cases over the whole grid), case by case."""
    bad = []
    worst = (0.0, None)
    for ident, rec in RANDOM:
        res = _judge(rec)
        if not res.passed:
            bad.append(f"{ident}: {res.detail}")
        for f, a, rel, allowed, ok, _ in res.diffs:
            if allowed and a / allowed > worst[0]:
                worst = (a / allowed, f"{ident} {f}: |diff| {a:.3g}, rel {rel:.3g}")
    print(f"random corpus: {len(RANDOM)} cases; worst field {worst[1]} "
          f"({worst[0]:.3g} x its allowance)")
    assert not bad, "\n".join(bad[:20])


def missing_cells(records) -> list:
    """Grid cells (function, option, value) that no stored case exercises."""
    seen = set()
    for rec in records:
        opts = rec["options"]
        for opt in grid.GRID[rec["fun"]]:
            val = opts[opt] if opt in opts else None
            seen.add((rec["fun"], opt, tuple(val) if isinstance(val, list) else val))
    return [c for c in grid.cells() if c not in seen]


def test_corpus_covers_the_whole_grid():
    assert missing_cells([r for _, r in RANDOM]) == []


def test_grid_check_fails_when_a_cell_loses_its_fixtures():
    """Remove every case of one cell: the coverage check must name exactly that cell."""
    fun, opt, val = ("metabin", "incr", "TACC")
    kept = [r for _, r in RANDOM
            if not (r["fun"] == fun and r["options"].get(opt, None) == val)]
    assert missing_cells(kept) == [(fun, opt, val)]


def test_paper_published_values_reproduced():
    """The five published numbers, at the paper's printed precision, from pymeta."""
    pub = json.loads((fixtures.PAPER_DIR / "published.json").read_text())["results"]
    for name, p in pub.items():
        (rec,) = [r for i, r in NAMED if i.startswith(f"paper/{name}__")]
        res = fixtures.run_pymeta(rec["fun"], rec["args"])
        tr = math.exp if p["measure"] == "RR" else (lambda x: x)
        got = {"estimate": tr(res.TE_common), "lower": tr(res.lower_common),
               "upper": tr(res.upper_common), "p": res.pval_common}
        for key, digits in p["digits"].items():
            assert round(got[key], digits) == pytest.approx(p[key], abs=10 ** -(digits + 3)), \
                (name, key, got[key], p[key])


@pytest.mark.r
@pytest.mark.slow
def test_fixtures_reproduced_by_installed_R(r_meta):
    """Regenerating gives the committed files byte for byte (they were written by an
    earlier `fixtures regenerate`, so this is the second run of it): the installed R
    gives every stored number, and generation is deterministic."""
    files = fixtures.generate(r_meta)
    assert set(files) == set(fixtures.fixture_files())
    for path, text in files.items():
        assert path.read_text() == text, f"{path} differs from what R gives now; run " \
                                         "`python3 -m pymeta fixtures check`"


@pytest.mark.r
def test_fixtures_check_reports_an_altered_value(r_meta, tmp_path):
    """An altered stored value is reported by `fixtures check`, field by field."""
    import shutil
    shutil.copytree(fixtures.FIXTURE_DIR, tmp_path / "fx")
    target = tmp_path / "fx" / "paper" / "mrs__metacont.json"
    fx = json.loads(target.read_text())
    fx["cases"][0]["r_values"]["TE.common"] += 1e-9
    target.write_text(fixtures.dumps(fx))
    lines = fixtures.check(r_meta, root=tmp_path / "fx", random=False)
    assert len(lines) == 1 and "paper/mrs__metacont.json#0" in lines[0] \
        and "TE.common" in lines[0], lines
