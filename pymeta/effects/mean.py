"""Study-level effects for single means (one group: size, mean, SD).

Source: R meta 8.5 ``R/metamean.R`` section (9).

* Raw mean (sm = "MRAW"): ``TE = mean``, ``seTE = sqrt(sd^2 / n)``.
* Log mean (sm = "MLN"): ``TE = log(mean)``, ``seTE = sqrt(sd^2 / (n mean^2))``.

meta's checks for "non-positive" sample sizes and means flag only *missing* values (its
helper ``npn`` returns ``is.na(x)``): a zero or negative ``n`` goes into the formula as it
is, a negative mean gives ``log(mean) = NaN`` (no weight), a zero mean an infinite log.
Studies with ``sd <= 0`` get no standard error (no weight).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..model.rmath import rlog

__all__ = ["MeanEffects", "raw_mean", "log_mean"]


@dataclass(frozen=True)
class MeanEffects:
    TE: np.ndarray
    seTE: np.ndarray
    na_n: np.ndarray        # n missing: meta's "non-positive sample size" flag
    na_mean: np.ndarray     # mean missing: meta's "negative or zero mean" flag (MLN)
    nonpos_sd: np.ndarray   # sd <= 0: no weight
    nonpos_n: np.ndarray    # n <= 0 (R computes on regardless)
    nonpos_mean: np.ndarray  # mean <= 0 (MLN: R takes the log as it is)
    seTE_pre_sd: np.ndarray  # seTE before the SD rule (R's study-level t-CI uses it)


def raw_mean(n, mean, sd) -> MeanEffects:
    """Raw means and their standard errors (sm = "MRAW"), meta's missing-value rules."""
    with np.errstate(all="ignore"):
        na_n = np.isnan(n)
        TE = np.where(na_n, np.nan, mean)
        seTE = np.where(na_n, np.nan, np.sqrt(sd ** 2 / n))
        seTE = np.where(np.isnan(TE), np.nan, seTE)
        pre = seTE
        nonpos_sd = sd <= 0
        seTE = np.where(nonpos_sd, np.nan, seTE)
        return MeanEffects(TE=TE, seTE=seTE, na_n=na_n, na_mean=np.isnan(mean),
                           nonpos_sd=nonpos_sd, nonpos_n=n <= 0, nonpos_mean=mean <= 0,
                           seTE_pre_sd=pre)


def log_mean(n, mean, sd) -> MeanEffects:
    """Log means and their standard errors (sm = "MLN"), meta's missing-value rules."""
    with np.errstate(all="ignore"):
        na_n = np.isnan(n)
        na_mean = np.isnan(mean)
        out = na_n | na_mean
        TE = np.where(out, np.nan, rlog(mean))
        seTE = np.where(out, np.nan, np.sqrt(sd ** 2 / (n * mean ** 2)))
        seTE = np.where(np.isnan(TE), np.nan, seTE)
        pre = seTE
        nonpos_sd = sd <= 0
        seTE = np.where(nonpos_sd, np.nan, seTE)
        return MeanEffects(TE=TE, seTE=seTE, na_n=na_n, na_mean=na_mean,
                           nonpos_sd=nonpos_sd, nonpos_n=n <= 0, nonpos_mean=mean <= 0,
                           seTE_pre_sd=pre)
