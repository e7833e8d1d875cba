"""Study-level effects for continuous outcomes (two groups: means, SDs, sizes).

Source: R meta 8.5 ``R/metacont.R`` section (9). Standardised mean difference (sm = "SMD",
Hedges / Cohen / Glass) and ratio of means (sm = "ROM"): see the functions. Mean
difference (sm = "MD"):
``TE = mean.e - mean.c``; ``seTE = sqrt(sd.e^2/n.e + sd.c^2/n.c)`` or, with
``pooledvar``, ``sqrt(s_p^2 (1/n.e + 1/n.c))`` with the pooled variance
``s_p^2 = ((n.e-1) sd.e^2 + (n.c-1) sd.c^2) / (n.e + n.c - 2)`` (Cooper & Hedges 1994).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..model.nmath import lgammafn
from ..model.rmath import rexp, rlog

__all__ = ["ContEffects", "mean_difference", "standardised_mean_difference", "ratio_of_means"]


@dataclass(frozen=True)
class ContEffects:
    TE: np.ndarray
    seTE: np.ndarray
    na_n: np.ndarray        # n.e or n.c missing: meta's "non-positive n" flag (see below)
    nonpos_sd: np.ndarray   # sd.e <= 0 or sd.c <= 0: no weight
    nonpos_n: np.ndarray    # n.e <= 0 or n.c <= 0 (R computes on regardless)
    na_mean: np.ndarray | None = None   # ROM: mean.e or mean.c missing (meta's "<= 0" flag)
    seTE_pre_sd: np.ndarray | None = None   # seTE before the SD rule (R's study-level t-CI)


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
        seTE_pre_sd = seTE
        nonpos_sd = (sd_e <= 0) | (sd_c <= 0)
        seTE = np.where(nonpos_sd, np.nan, seTE)
        nonpos_n = (n_e <= 0) | (n_c <= 0)
    return ContEffects(TE=TE, seTE=seTE, na_n=na_n, nonpos_sd=nonpos_sd, nonpos_n=nonpos_n,
                       seTE_pre_sd=seTE_pre_sd)


def _lgamma(x) -> np.ndarray:
    """R ``lgamma(x)`` elementwise (R's own ``lgammafn``, not the C library's)."""
    a = np.asarray(x, dtype=float)
    return np.array([lgammafn(float(v)) for v in a.ravel()]).reshape(a.shape)


def _j_exact(x):
    """meta's exact bias-correction factor ``J(x) = exp(lgamma(x/2) - log(sqrt(x/2)) -
    lgamma((x-1)/2))``, evaluated in R's order."""
    x = np.asarray(x, dtype=float)
    with np.errstate(all="ignore"):
        return rexp(_lgamma(x / 2) - rlog(np.sqrt(x / 2)) - _lgamma((x - 1) / 2))


def _k_exact(x):
    """meta's ``K(x) = 1 - (x - 2) / (x * J(x)^2)`` (exact variance factor)."""
    x = np.asarray(x, dtype=float)
    j = _j_exact(x)
    with np.errstate(all="ignore"):
        return 1 - (x - 2) / (x * (j * j))


def standardised_mean_difference(n_e, mean_e, sd_e, n_c, mean_c, sd_c, *,
                                 method_smd: str = "Hedges", exact_smd: bool = False,
                                 sd_glass: str = "control") -> ContEffects:
    """Standardised mean differences (sm = "SMD") and their standard errors, as meta.

    ``method_smd`` "Hedges" (Hedges' g; with ``exact_smd`` the exact gamma-function bias
    correction J and variance factor K, otherwise RevMan 5's approximations
    ``J = 1 - 3/(4 df - 1)``, ``K = 1/(2 (df - 1.94))``), "Cohen" (Cohen's d; with
    ``exact_smd`` the exact variance) or "Glass" (Glass' delta, the SD of the group
    ``sd_glass``). Studies with a non-positive SD get neither estimate nor SE (R sets
    both to NA for the SMD).
    """
    with np.errstate(all="ignore"):
        na_n = np.isnan(n_e) | np.isnan(n_c)
        N = n_e + n_c
        df = N - 2
        if method_smd in ("Hedges", "Cohen"):
            s_within = np.sqrt(((n_e - 1) * sd_e ** 2 + (n_c - 1) * sd_c ** 2) / df)
        else:
            s_within = sd_c if sd_glass == "control" else sd_e
        smd = np.where(na_n, np.nan, (mean_e - mean_c) / s_within)
        base = 1 / n_e + 1 / n_c
        if method_smd == "Cohen":
            TE = smd
            if exact_smd:
                js = _j_exact(df) * smd
                seTE = np.sqrt(base + (js * js) * _k_exact(df))
            else:
                seTE = np.sqrt(base + TE ** 2 / (2 * N))
        elif method_smd == "Hedges":
            if exact_smd:
                J, K = _j_exact(df), _k_exact(df)
            else:
                J, K = 1 - 3 / (4 * df - 1), 1 / (2 * (df - 1.94))
            TE = J * smd
            seTE = np.sqrt(base + TE ** 2 * K)
        else:  # Glass
            n_g = n_c if sd_glass == "control" else n_e
            TE = smd
            seTE = np.sqrt(base + TE ** 2 / (2 * (n_g - 1)))
        seTE = np.where(na_n | np.isnan(TE), np.nan, seTE)
        nonpos_sd = (sd_e <= 0) | (sd_c <= 0)
        seTE = np.where(nonpos_sd, np.nan, seTE)
        TE = np.where(nonpos_sd, np.nan, TE)
        nonpos_n = (n_e <= 0) | (n_c <= 0)
    return ContEffects(TE=TE, seTE=seTE, na_n=na_n, nonpos_sd=nonpos_sd, nonpos_n=nonpos_n)


def ratio_of_means(n_e, mean_e, sd_e, n_c, mean_c, sd_c, pooledvar: bool = False) -> ContEffects:
    """Log ratios of means (sm = "ROM") and their standard errors, as meta.

    ``TE = log(mean.e / mean.c)``, ``seTE = sqrt(sd.e^2/(n.e mean.e^2) + sd.c^2/(n.c
    mean.c^2))`` or, with ``pooledvar``, the pooled variance in place of both SDs.
    meta's check for "negative or zero means" flags only *missing* means (its ``npn``
    returns ``is.na(x)``): means of opposite sign give a NaN estimate (no weight), a zero
    mean an infinite one, two negative means a valid log ratio.
    """
    with np.errstate(all="ignore"):
        na_n = np.isnan(n_e) | np.isnan(n_c)
        na_mean = np.isnan(mean_e) | np.isnan(mean_c)
        TE = np.where(na_n | na_mean, np.nan, rlog(mean_e / mean_c))
        if pooledvar:
            N = n_e + n_c
            var_pooled = ((n_e - 1) * sd_e ** 2 + (n_c - 1) * sd_c ** 2) / (N - 2)
            seTE = np.where(na_n, np.nan,
                            np.sqrt(var_pooled * (1 / (n_e * mean_e ** 2)
                                                  + 1 / (n_c * mean_c ** 2))))
        else:
            seTE = np.where(na_n | na_mean, np.nan,
                            np.sqrt(sd_e ** 2 / (n_e * mean_e ** 2)
                                    + sd_c ** 2 / (n_c * mean_c ** 2)))
        seTE = np.where(np.isnan(TE), np.nan, seTE)
        nonpos_sd = (sd_e <= 0) | (sd_c <= 0)
        seTE = np.where(nonpos_sd, np.nan, seTE)
        nonpos_n = (n_e <= 0) | (n_c <= 0)
    return ContEffects(TE=TE, seTE=seTE, na_n=na_n, nonpos_sd=nonpos_sd, nonpos_n=nonpos_n,
                       na_mean=na_mean)
