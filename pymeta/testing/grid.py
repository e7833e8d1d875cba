"""The option grid each pymeta function declares: the option values pymeta implements and
proves against R. The hypothesis strategies, the live parity campaign and the fixture
corpus all draw from here, so a new function or option plugs in by being listed here.

Each entry maps an argument (pymeta's name) to the values to draw; the first value is R
meta's default. ``None`` means "argument not passed" (R's default applies).
"""
from __future__ import annotations

from types import MappingProxyType

__all__ = ["GRID", "MODEL_GRID"]

#: Model options shared by every function (metagen's tail).
MODEL_GRID = MappingProxyType({
    "method_tau": ("REML",),
    "method_tau_ci": (None, "QP"),
    "method_I2": ("Q", "tau2"),
    "method_common_ci": ("classic", "IVhet"),
    "method_random_ci": ("classic", "HK", "KR"),
    "adhoc_hakn_ci": ("", "se", "ci"),
    "method_predict": (None, "V", "HTS", "HK", "HK-PR", "KR", "KR-PR", "S"),
    "adhoc_hakn_pi": ("", "se"),
    "level": (0.95, 0.9),
    "level_ma": (0.95, 0.99),
})

GRID = MappingProxyType({
    "metacont": MappingProxyType({
        "sm": ("MD",),
        "pooledvar": (False, True),
        "method_ci": ("z", "t"),
        **MODEL_GRID,
    }),
    "metabin": MappingProxyType({
        "sm": ("RR",),
        "method": ("MH", "Inverse"),
        "incr": (0.5, 0.1, "TACC"),
        "method_incr": ("only0", "if0all", "all"),
        "allstudies": (False, True),
        "MH_exact": (False, True),
        "RR_Cochrane": (False, True),
        **{k: v for k, v in MODEL_GRID.items() if k != "method_common_ci"},
    }),
})
