"""Drawn NNF prediction intervals against R, each case in a killable child process.

``method.predict = "NNF"`` runs pimeta's bootstrap in compiled code that R's time limit
cannot interrupt, and some data sets never finish there (Q = y'Ay negative by rounding:
pimeta redraws for ever) or take hours (Farebrother series of thousands of terms per
root-search step). So each drawn case runs, R first and then pymeta, in a forked child
with a wall-clock budget; a case over budget is killed and counted as slow. The test
fails on any mismatch, and also when too many cases are slow, so it cannot pass
vacuously. The fixed NNF cases are ``tests/test_parity_live.py::test_live_nnf``.
"""
import multiprocessing
import os

import numpy as np
import pytest

import pymeta
from pymeta.testing import campaign
from pymeta.testing.compare import fields_to_compare
from pymeta.testing.report import LOG

pytestmark = pytest.mark.r

CASES_PER_FUNCTION = int(os.environ.get("PYMETA_NNF_DRAWN", "5"))
BUDGET = 45.0          # seconds per case, R and pymeta together (typical: a few)
_CLS = {"metacont": pymeta.MetaCont, "metabin": pymeta.MetaBin, "metagen": pymeta.MetaGen,
        "metamean": pymeta.MetaMean, "metacor": pymeta.MetaCor, "metaprop": pymeta.MetaProp,
        "metainc": pymeta.MetaInc, "metarate": pymeta.MetaRate}


def _in_child(fn, budget: float):
    """``fn()`` in a forked child: ("ok", value), ("error", repr) or ("timeout", None)."""
    ctx = multiprocessing.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)

    def target():
        try:
            send.send(("ok", fn()))
        except BaseException as exc:   # reported to the parent, which fails the test
            send.send(("error", repr(exc)))

    proc = ctx.Process(target=target)
    proc.start()
    send.close()
    if recv.poll(budget):
        out = recv.recv()
        proc.join()
        return out
    proc.kill()
    proc.join()
    return ("timeout", None)


def _nnf_cases(fun: str, n: int) -> list:
    rs = np.random.default_rng(sum(map(ord, fun)))
    drawn = campaign.draw_cases(fun, n, seed=20261126, max_k=10, summaries=False,
                                with_selection=True)
    out = []
    for data, opts in drawn:
        o = {k: v for k, v in opts.items() if not k.startswith("method_predict")}
        o["method_predict"] = "NNF" if rs.random() < 0.7 else ("NNF", "HTS")
        o["seed_predict"] = int(rs.integers(1, 10**6))
        o["prediction"] = True
        if "subgroup" in data or "subgroup" in o:
            o["prediction_subgroup"] = bool(rs.random() < 0.5)
            # without it R's subgroup intervals are random (pimeta's set.seed(NULL)), and
            # so are pymeta's: nothing to compare
            o["seed_predict_subgroup"] = int(rs.integers(1, 10**6))
        out.append({**data, **o})
    return out


@pytest.mark.parametrize("fun", sorted(_CLS))
def test_live_nnf_drawn(r_meta, fun):
    fields = fields_to_compare(_CLS[fun])
    rec = LOG.get(f"{fun} NNF drawn")
    slow = 0
    for args in _nnf_cases(fun, CASES_PER_FUNCTION):
        def one():
            out = r_meta.run_many(fun, [args], fields)[0]
            return campaign.evaluate(fun, args, out, r_meta, fields=fields, strict=True)
        status, res = _in_child(one, BUDGET)
        rec.cases += 1
        if status == "timeout":
            slow += 1
            rec.slow += 1
            continue
        assert status == "ok", f"{fun} NNF drawn: the child failed: {res}\ncase: {args!r}"
        if res.status == "r_error":
            rec.r_errors += 1
            rec.errors.setdefault(res.r_error, res.py_error)
        for f, a, rel, allowed, _, _ in res.diffs:
            if allowed and a / allowed > rec.worst_excess:
                rec.worst_excess, rec.worst_field = a / allowed, f
                rec.worst_abs, rec.worst_rel, rec.worst_allowed = a, rel, allowed
                rec.worst_case = repr(args)
        assert res.status != "mismatch", f"{fun} NNF drawn: {res.detail}\ncase: {args!r}"
    assert slow <= CASES_PER_FUNCTION // 2, f"{slow} of {CASES_PER_FUNCTION} cases over budget"
