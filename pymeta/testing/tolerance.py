"""The parity contract: how close pymeta must be to R meta, in one place.

Read by the live parity tests, the fixture tests and the fixture check. The reasons for
every number are in TOLERANCES.md at the repository root.

A field passes when, element by element, ``|py - r| <= max(RTOL * |r|, floor)`` with

* ``floor = ABS_FLOOR`` (1e-12) for most fields,
* ``floor = VAR_FLOOR_FACTOR * median(seTE^2)`` for variance-scale fields (tau2, its CI,
  se.tau2): an absolute error in a variance is only meaningful relative to the size of
  the study variances,
* ``floor = sqrt(VAR_FLOOR_FACTOR * median(seTE^2))`` for tau and its CI, the same floor
  carried through the square root (|sqrt(a) - sqrt(b)| <= sqrt(|a - b|)),

or, failing that, when the difference is no larger than R's own variation on the same
case: R run again with ``options(matprod = "internal")`` (a different but equally valid
order of floating-point operations in metafor's matrix products). Missing values must
match exactly (NA in R = NaN in pymeta), as must strings, logicals and counts.
"""
from __future__ import annotations

__all__ = ["RTOL", "ABS_FLOOR", "VAR_FLOOR_FACTOR", "VARIANCE_FIELDS", "SD_FIELDS",
           "EXCLUDED_FIELDS"]

RTOL = 1e-10
ABS_FLOOR = 1e-12
VAR_FLOOR_FACTOR = 1e-10

#: Fields on the variance scale of the effect (floor scales with median(seTE^2)).
VARIANCE_FIELDS = frozenset({"tau2", "se.tau2", "lower.tau2", "upper.tau2", "tau2.calc"})
#: Fields on the standard-deviation scale of tau (floor scales with median(seTE)).
SD_FIELDS = frozenset({"tau", "lower.tau", "upper.tau"})
#: Fields not compared, with the reason.
EXCLUDED_FIELDS = {
    "warnings": "pymeta's own field; R's warnings are compared separately, message by message",
    "notes": "pymeta's own field (R says nothing)",
    "version": "the R meta version is checked once per session against the pin",
    "rma.usw.c": "metafor's rma object (keeprma = TRUE): compared field by field with R's "
                 "in tests/test_keeprma_live.py",
    "rma.usw.r": "metafor's rma objects (keeprma = TRUE): compared field by field with R's "
                 "in tests/test_keeprma_live.py",
    "rma.three.level": "metafor's rma.mv object (keeprma = TRUE): its numbers are those of "
                       "tests/test_rma_mv_live.py; tests/test_three_level_live.py checks "
                       "b, se, sigma2 and the CI against R's rma.three.level",
}
