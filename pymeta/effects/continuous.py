"""Study-level effects for continuous outcomes (two groups: means, SDs, sizes).

Source: R meta 8.5 ``R/metacont.R`` section (9). Mean difference (sm = "MD"):
``TE = mean.e - mean.c``; ``seTE = sqrt(sd.e^2/n.e + sd.c^2/n.c)`` or, with
``pooledvar``, ``sqrt(s_p^2 (1/n.e + 1/n.c))`` with the pooled variance
``s_p^2 = ((n.e-1) sd.e^2 + (n.c-1) sd.c^2) / (n.e + n.c - 2)`` (Cooper & Hedges 1994).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["ContEffects", "mean_difference"]


@dataclass(frozen=True)
class ContEffects:
    TE: np.ndarray
    seTE: np.ndarray
    na_n: np.ndarray        # n.e or n.c missing: meta's "non-positive n" flag (see below)
    nonpos_sd: np.ndarray   # sd.e <= 0 or sd.c <= 0: no weight
    nonpos_n: np.ndarray    # n.e <= 0 or n.c <= 0 (R computes on regardless)


def mean_difference(n_e, mean_e, sd_e, n_c, mean_c, sd_c, pooledvar: bool = False) -> ContEffects:
    """Mean differences and their standard errors, with meta's missing-value rules.

    meta's check for non-positive sample sizes flags only *missing* sizes (its helper
    ``npn`` returns ``is.na(x)``); zero or negative sizes go into the formula as they are
    (a zero size gives an infinite standard error, a negative one may give NaN). pymeta
    reproduces that and reports such studies in the result's notes.
    """
    with np.errstate(all="ignore"):
        na_n = np.isnan(n_e) | np.isnan(n_c)
        TE = np.where(na_n, np.nan, mean_e - mean_c)
        if pooledvar:
            N = n_e + n_c
            var_pooled = ((n_e - 1) * sd_e ** 2 + (n_c - 1) * sd_c ** 2) / (N - 2)
            seTE = np.sqrt(var_pooled * (1 / n_e + 1 / n_c))
        else:
            seTE = np.sqrt(sd_e ** 2 / n_e + sd_c ** 2 / n_c)
        seTE = np.where(na_n | np.isnan(TE), np.nan, seTE)
        nonpos_sd = (sd_e <= 0) | (sd_c <= 0)
        seTE = np.where(nonpos_sd, np.nan, seTE)
        nonpos_n = (n_e <= 0) | (n_c <= 0)
    return ContEffects(TE=TE, seTE=seTE, na_n=na_n, nonpos_sd=nonpos_sd, nonpos_n=nonpos_n)
