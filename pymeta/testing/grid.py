"""The option grid each pymeta function declares: the option values pymeta implements and
proves against R. The hypothesis strategies, the live parity campaign and the fixture
corpus all draw from here, so a new function or option plugs in by being listed here
(plus, for a new kind of data, a data strategy in :mod:`pymeta.testing.strategies`).

Each entry maps an argument (pymeta's name) to the values to draw; the first value is R
meta's default. ``None`` means "argument not passed" (R's default applies); a tuple is a
vector argument (several methods at once, as R returns them).
"""
from __future__ import annotations

from types import MappingProxyType

__all__ = ["GRID", "MODEL_GRID", "APPROX_GRID", "SELECTION", "METAGEN_INPUTS", "USER_GRID",
           "cells"]

#: Model options shared by every function (metagen's tail).
MODEL_GRID = MappingProxyType({
    "method_tau": ("REML", "DL", "PM", "ML", "HS", "SJ", "HE", "EB"),
    "method_tau_ci": (None, "QP", "BJ", "J", ""),
    "method_I2": ("Q", "tau2"),
    "method_common_ci": ("classic", "IVhet"),
    "method_random_ci": ("classic", "HK", "KR", ("HK", "classic", "KR")),
    "adhoc_hakn_ci": ("", "se", "ci", "IQWiG6"),
    "method_predict": (None, "V", "HTS", "HK", "HK-PR", "KR", "KR-PR", "S", ("V", "HK", "KR-PR")),
    "adhoc_hakn_pi": ("", "se"),
    "level": (0.95, 0.9),
    "level_ma": (0.95, 0.99),
    "level_predict": (0.95, 0.8),
    "level_hetstat": (0.95, 0.9),
    "tau_preset": (None, 0.5),
})

#: User weights, TE.tau, seed.predict and detail.tau (every function; metagen's arguments).
#: Drawn by the strategies on top of the grid (one in three cases gets weights); kept out
#: of :data:`GRID` so that the stored fixture corpus, drawn before them, still covers every
#: cell of it. ``weights``: which argument gets positive random weights ("single": one
#: value that R recycles).
USER_GRID = MappingProxyType({
    "weights": (None,) * 8 + ("weights", "weights_common", "weights_random", "single"),
    "TE_tau": (None, None, 0.0, 0.2, (0.1, -0.1)),   # a vector: recycled as R does
    "seed_predict": (None, 7),
    "detail_tau": (None, "study"),
})

GRID = MappingProxyType({
    "metagen": MappingProxyType({
        "sm": ("", "MD"),
        "null_effect": (0.0, 0.5),
        **MODEL_GRID,
    }),
    "metacont": MappingProxyType({
        "sm": ("MD", "SMD", "ROM"),
        "pooledvar": (False, True),
        "method_ci": ("z", "t"),
        "method_smd": ("Hedges", "Cohen", "Glass"),
        "exact_smd": (None, True, False),     # None: R's default (TRUE in meta 8.x)
        "sd_glass": ("control", "experimental"),
        **MODEL_GRID,
    }),
    "metabin": MappingProxyType({
        "sm": ("RR", "OR", "RD", "ASD", "DOR", "VE"),
        # Peto and SSW need sm = "OR": the strategy mostly pairs them so (R's refusal of
        # other sm is kept in ~1 in 10 such draws, where pymeta must raise too)
        "method": ("MH", "Inverse", "Peto", "SSW"),
        "incr": (None, 0.5, 0.1, "TACC", 0.0),
        # "user": the strategy adds incr.e / incr.c (or a study-specific incr)
        "method_incr": ("only0", "if0all", "all", "user"),
        "allstudies": (False, True),
        "MH_exact": (False, True),
        "RR_Cochrane": (False, True),
        "Q_Cochrane": (None, True, False),
        "pscale": (None, 100.0),
        "warn": (None, False),        # some of R's warnings come whatever warn is
        **MODEL_GRID,
    }),
    "metamean": MappingProxyType({
        "sm": ("MRAW", "MLN"),
        "method_ci": ("z", "t"),
        "null_effect": (None, 0.0, 2.0),      # None: R's default (NA, no test)
        **MODEL_GRID,
    }),
    "metacor": MappingProxyType({
        "sm": ("ZCOR", "COR"),
        "null_effect": (0.0, 0.3, -0.5),
        **MODEL_GRID,
    }),
    "metaprop": MappingProxyType({
        "sm": ("PLOGIT", "PAS", "PFT", "PLN", "PRAW"),
        "method": ("Inverse",),               # R's default for PLOGIT (GLMM) is not implemented
        "method_ci": ("CP", "WS", "WSCC", "AC", "SA", "SACC", "NAsm"),
        "incr": (0.5, 0.1),
        "method_incr": ("only0", "if0all", "all"),
        "null_effect": (None, 0.5, 0.1),      # None: R's default (NA, no test)
        **MODEL_GRID,
    }),
    "metainc": MappingProxyType({
        "sm": ("IRR", "IRD", "IRSD", "VE"),
        "method": (None, "MH", "Inverse", "Cochran"),   # None: MH, or Inverse for IRSD
        "incr": (0.5, 0.1),
        "method_incr": ("only0", "if0all", "all"),
        **MODEL_GRID,
    }),
    "metarate": MappingProxyType({
        "sm": ("IRLN", "IR", "IRS", "IRFT"),
        "method_ci": ("NAsm", "Poisson"),
        "incr": (0.5, 0.1),
        "method_incr": ("only0", "if0all", "all"),
        "null_effect": (None, 0.5, 0.01, 2.0),  # None: R's default (NA, no test)
        **MODEL_GRID,
    }),
})

#: Approximation of means / SDs from medians, quartiles and ranges (metacont, metamean):
#: drawn by the strategies' ``summaries`` option together with the per-study summaries
#: (kept out of :data:`GRID`, whose every cell the fixture corpus must cover). The
#: Monte Carlo estmeansd methods ("Cai", "BC-McGrath") come with a drawn
#: ``seed_estmeansd``, which the R side turns into ``set.seed()`` before the call;
#: "QE-McGrath" draws no random numbers.
APPROX_GRID = MappingProxyType({
    "method_mean": (None, "Luo", "Wan", "Cai", "BC-McGrath", "QE-McGrath"),
    "method_sd": (None, "Shi", "Wan", "Cai", "BC-McGrath", "QE-McGrath"),
})


#: Drawn on top of GRID by the live campaigns (``strategies.cases(...,
#: with_selection=True)``; not in the stored fixture corpus): R meta's ``exclude`` and
#: ``subset`` as logical masks, each study TRUE with one of these probabilities (1.0:
#: every study excluded; 0.0: none selected, R's "No studies to combine").
SELECTION = MappingProxyType({
    "exclude": (0.2, 0.4, 1.0),
    "subset": (0.8, 0.6, 0.0),
})

#: metagen's other inputs (``strategies.gen_inputs``): the level of confidence limits given
#: as ``lower``/``upper``, study ``df`` and ``method_ci`` (None: R's default, "t" once
#: df is given).
METAGEN_INPUTS = MappingProxyType({
    "level_ci": (0.95, 0.9),
    "df": (1.0, 2.0, 4.0, 10.0, 30.0, 200.0),
    "method_ci": (None, "t", "z"),
})


def cells(fun: str | None = None) -> list:
    """Every (function, option, value) cell of the grid; ``None`` = option not passed."""
    funs = [fun] if fun else list(GRID)
    return [(f, opt, val) for f in funs for opt, vals in GRID[f].items() for val in vals]
