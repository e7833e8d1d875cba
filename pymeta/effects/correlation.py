"""Study-level effects for correlations (correlation ``cor`` and sample size ``n``).

Source: R meta 8.5 ``R/metacor.R`` section (7) and ``cor2z`` (``R/meta-transf.R``).

* Fisher's z (sm = "ZCOR"): ``TE = 0.5 log((1 + cor) / (1 - cor))``,
  ``seTE = sqrt(1 / (n - 3))``.
* Untransformed correlation (sm = "COR"): ``TE = cor``,
  ``seTE = sqrt((1 - cor^2)^2 / (n - 1))``.

As in R there are no further rules: a correlation of +-1 gives an infinite z (ZCOR) or a
zero standard error (COR, which metagen then sets to NA); ``n <= 3`` gives an infinite or
NaN standard error for ZCOR.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..model.rmath import rlog

__all__ = ["CorEffects", "cor2z", "fisher_z", "raw_correlation"]


@dataclass(frozen=True)
class CorEffects:
    TE: np.ndarray
    seTE: np.ndarray


def cor2z(x):
    """meta's ``cor2z``: ``0.5 * log((1 + x) / (1 - x))`` with the C library's log."""
    with np.errstate(all="ignore"):
        x = np.asarray(x, dtype=float)
        return 0.5 * rlog((1 + x) / (1 - x))


def fisher_z(cor, n) -> CorEffects:
    """Fisher's z-transformed correlations and their standard errors (sm = "ZCOR")."""
    with np.errstate(all="ignore"):
        return CorEffects(TE=np.asarray(cor2z(cor), dtype=float), seTE=np.sqrt(1 / (n - 3)))


def raw_correlation(cor, n) -> CorEffects:
    """Correlations and their standard errors (sm = "COR")."""
    with np.errstate(all="ignore"):
        return CorEffects(TE=np.asarray(cor, dtype=float).copy(),
                          seTE=np.sqrt((1 - cor ** 2) ** 2 / (n - 1)))
