"""R meta's ``metagen`` with every ``method.tau`` x ``method.tau.ci`` combination, live.

For each combination R accepts (``method.tau.ci`` not given = meta's default: "J" for DL,
"QP" otherwise; "QP", "BJ", "J" and "" explicitly), random data sets (k = 2..30, with
identical estimates and k = 2 among them, ``method.I2`` alternating "Q"/"tau2" so the
H/I2 CIs from the tau2 CI are exercised) go through R meta (rpy2 bridge) and pymeta;
``pymeta.testing.campaign.evaluate`` judges every field and the warnings.
"""
from __future__ import annotations

import os
import zlib

import numpy as np
import pytest

import pymeta
from pymeta.testing import campaign
from pymeta.testing.compare import fields_to_compare

pytestmark = pytest.mark.r

METHODS = ("DL", "HE", "HS", "SJ", "PM", "ML", "EB", "REML")
CIS = (None, "QP", "BJ", "J", "")
N = max(6, int(os.environ.get("PYMETA_PARITY_N", "300")) // 10)


def _cases(method, ci, n):
    rng = np.random.default_rng(zlib.crc32(f"{method}/{ci}".encode()))
    out = []
    for j in range(n):
        k = 2 if j % 5 == 0 else int(rng.integers(3, 31))
        se = np.sqrt(10.0 ** rng.uniform(-2, 0.5, k) * 10.0 ** rng.uniform(-1, 1))
        tau2 = [0.0, 0.05, 0.5, 5.0][j % 4] * float(np.median(se * se))
        te = rng.normal(0.3, 1) + rng.normal(0, np.sqrt(tau2), k) + rng.normal(0, 1, k) * se
        if j % 7 == 3:
            te = np.full(k, 0.25)
        args = dict(TE=[float(v) for v in te], seTE=[float(v) for v in se],
                    studlab=[f"s{i + 1}" for i in range(k)],
                    method_tau=method, method_I2="tau2" if j % 2 else "Q")
        if ci is not None:
            args["method_tau_ci"] = ci
        out.append(args)
    return out


@pytest.mark.parametrize("ci", CIS, ids=lambda c: "default" if c is None else (c or "none"))
@pytest.mark.parametrize("method", METHODS)
def test_metagen_tau2_method_ci(r_meta, method, ci):
    fields = fields_to_compare(pymeta.MetaGen)
    cases = _cases(method, ci, N)
    outs = r_meta.run_many("metagen", cases, fields)
    bad = []
    for args, out in zip(cases, outs):
        res = campaign.evaluate("metagen", args, out, r_meta, fields=fields)
        if res.status == "mismatch":
            bad.append(f"{res.detail}\ncase: {args!r}")
    assert not bad, "\n\n".join(bad[:5])
