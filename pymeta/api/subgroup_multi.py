"""Subgroup analyses with several random effects CI or prediction interval methods.

R meta 8.5 ``R/subgroup.R`` with ``R/subgroup-internal.R`` (``extrMat``, ``addNAs``):

* a field with one value per method (``seTE.random``, ``lower.random``, ``df.hakn.ci``,
  ``lower.predict`` ...) becomes a matrix with one row per subgroup and one column per
  method; a subgroup with a single value is padded with NAs, one without any gets NAs;
  if every subgroup has a single value, the field stays a vector;
* ``TE.random.w`` is the first column;
* the test for subgroup differences of the random effects model is then done once per CI
  method: ``metagen(TE.random.w, lower = lower.random.w[, i], upper = upper.random.w[, i],
  method.tau = "DL")$Q``, i.e. with standard errors from the width of each CI as if it were
  a normal 95% CI (``TE.seTE.ci`` in ``R/se-internal.R``: ``(upper - lower) / (2
  qnorm(0.025, lower.tail = FALSE))``, NA where ``lower == upper``).

A matrix field is a 2-d array (subgroups x methods); ``to_dict`` values are compared
column by column as R stores them.
"""
from __future__ import annotations

import math

import numpy as np

from ..model import nmath
from ..model.heterogeneity import pval_Q

__all__ = ["CI_FIELDS", "PI_FIELDS", "extr_mat", "matrix_fields", "q_b_random"]

#: Fields R collects with ``extrMat(..., methci)`` and ``extrMat(..., methpi)``.
CI_FIELDS = ("seTE_random", "statistic_random", "pval_random", "df_random", "lower_random",
             "upper_random", "df_hakn_ci", "seTE_hakn_adhoc_ci")
PI_FIELDS = ("seTE_predict", "df_predict", "lower_predict", "upper_predict",
             "seTE_hakn_adhoc_pi")


def _values(v) -> np.ndarray:
    if v is None:
        return np.empty(0)
    return np.atleast_1d(np.asarray(v, dtype=float))


def extr_mat(values: list, n_labels: int) -> np.ndarray:
    """meta's ``extrMat``: a vector if every entry has one value, else a subgroups x
    ``n_labels`` matrix (entries padded by ``addNAs``)."""
    arrs = [_values(v) for v in values]
    maxlen = max(a.size for a in arrs)
    pad = []
    for a in arrs:
        if a.size == 0:
            a = np.full(maxlen, np.nan)
        elif a.size == 1 and a.size < maxlen:
            a = np.concatenate([a, np.full(maxlen - 1, np.nan)])
        pad.append(a)
    if pad[0].size == 1:
        return np.array([a[0] for a in pad])
    if pad[0].size == n_labels:
        return np.vstack(pad)
    raise ValueError("Wrong number of labels for list element.")


def matrix_fields(subs: list, n_ci: int, n_pi: int) -> dict:
    """The ``*_w`` fields of :data:`CI_FIELDS`/:data:`PI_FIELDS` from the subgroup
    meta-analyses ``subs`` (in level order), and ``TE_random_w``."""
    out = {f"{f}_w": extr_mat([getattr(m, f) for m in subs], n_ci) for f in CI_FIELDS}
    out.update({f"{f}_w": extr_mat([getattr(m, f) for m in subs], n_pi) for f in PI_FIELDS})
    TE = [_values(m.TE_random) for m in subs]
    out["TE_random_w"] = np.array([t[0] if t.size else np.nan for t in TE])
    return out


def _seTE_ci(lower: np.ndarray, upper: np.ndarray, level: float = 0.95) -> np.ndarray:
    """``TE.seTE.ci(lower, upper, level)$seTE`` without df (normal quantile)."""
    lower = lower.copy()
    upper = upper.copy()
    same = lower == upper
    lower[same] = np.nan
    upper[same] = np.nan
    z = nmath.qnorm((1 - level) / 2, lower_tail=False)
    with np.errstate(invalid="ignore"):
        return np.sqrt(((upper - lower) / (2 * z)) ** 2)


def q_b_random(TE_random_w, lower, upper, df_Q_b: float, q_fun, warns: list) -> dict:
    """Q, df and p-value of the random effects test for subgroup differences, one per CI
    method (``lower``/``upper``: subgroups x methods); ``q_fun(TE, seTE, warns)`` is
    ``metagen(TE, seTE, method.tau = "DL")$Q``."""
    n = lower.shape[1]
    Q = np.empty(n)
    for i in range(n):
        lo, up = lower[:, i], upper[:, i]
        if np.any(lo > up):
            raise ValueError("Lower limit must be smaller than upper limit.")
        Q[i] = q_fun(TE_random_w, _seTE_ci(lo, up), warns)
    return dict(Q_b_random=Q, df_Q_b_random=np.full(n, df_Q_b),
                pval_Q_b_random=np.array([pval_Q(q, df_Q_b) for q in Q]))


def is_multi(out: dict) -> bool:
    return np.ndim(out.get("seTE_random_w")) == 2


def first_or_nan(a) -> float:
    a = _values(a)
    return float(a[0]) if a.size else math.nan
