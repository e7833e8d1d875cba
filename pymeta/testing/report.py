"""A running record of parity comparisons, summarised at the end of a test session."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

__all__ = ["ParityRecord", "ParityLog", "LOG"]


@dataclass
class ParityRecord:
    label: str                 # e.g. "metabin RR MH"
    cases: int = 0
    r_errors: int = 0          # cases where R (and so pymeta) raised
    slow: int = 0              # skipped: R over the campaign's time limit
    fallbacks: int = 0         # fields that needed R's own variation to pass
    worst_field: str = ""
    worst_abs: float = 0.0
    worst_rel: float = 0.0
    worst_allowed: float = math.nan
    worst_r_own: float = math.nan   # R's own variation on that field/case (matprod internal)
    worst_case: str = ""
    worst_excess: float = 0.0
    errors: dict = field(default_factory=dict)   # R's error message -> pymeta's (first seen)


@dataclass
class ParityLog:
    records: dict = field(default_factory=dict)

    def get(self, label: str) -> ParityRecord:
        return self.records.setdefault(label, ParityRecord(label))

    def lines(self) -> list:
        out = []
        for r in self.records.values():
            own = "n/a" if math.isnan(r.worst_r_own) else f"{r.worst_r_own:.3g}"
            out.append(f"{r.label}: {r.cases} cases ({r.r_errors} R errors matched, {r.slow} skipped as too slow in R), worst field "
                       f"{r.worst_field or '-'}: |pymeta - R| {r.worst_abs:.3g} (rel {r.worst_rel:.3g},"
                       f" allowed {r.worst_allowed:.3g}); R's own variation there: {own};"
                       f" fields passing only within R's own variation: {r.fallbacks}")
            for r_msg, py_msg in r.errors.items():
                out.append(f"    R error {r_msg!r} <-> pymeta {py_msg!r}")
        return out


LOG = ParityLog()
