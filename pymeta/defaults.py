"""R meta 8.5's defaults (``settings.meta("reset")``), in one place.

Only the settings pymeta reads. Names are R's with "." -> "_".
"""
from __future__ import annotations

from types import MappingProxyType

__all__ = ["DEFAULTS", "CHOICES"]

DEFAULTS = MappingProxyType({
    "level": 0.95,
    "level_ma": 0.95,
    "level_hetstat": 0.95,
    "level_predict": 0.95,
    "common": True,
    "random": True,
    "prediction": False,
    "method_common_ci": "classic",
    "method_random_ci": "classic",
    "adhoc_hakn_ci": "",
    "adhoc_hakn_pi": "",
    "method_tau": "REML",
    "method_tau_ci": None,      # J for DL, QP otherwise
    "method_I2": "Q",
    "method_predict": "V",
    "backtransf": True,
    "warn": True,
    "keeprma": False,           # metagen: keep metafor's fits with user weights
    # metacont
    "smcont": "MD",
    "pooledvar": False,
    "method_ci_cont": "z",
    "method_smd": "Hedges",
    "sd_glass": "control",
    "exact_smd": True,          # meta 8.x: TRUE (settings.meta("reset"); RevMan5 sets FALSE)
    # metamean, metacor
    "smmean": "MRAW",
    "smcor": "ZCOR",
    # metabin
    "smbin": "RR",
    "method": "MH",
    "incr": 0.5,
    "method_incr": "only0",
    "allstudies": False,
    "MH_exact": False,
    "RR_Cochrane": False,
    "Q_Cochrane": True,
})

#: The values R meta accepts for each character argument (``gs("meth4...")``).
CHOICES = MappingProxyType({
    "method_tau": ("DL", "PM", "REML", "ML", "HS", "SJ", "HE", "EB"),
    "method_tau_ci": ("QP", "BJ", "J", "PL", ""),
    "method_I2": ("Q", "tau2"),
    "method_common_ci": ("classic", "IVhet"),
    "method_random_ci": ("classic", "HK", "KR"),
    "method_predict": ("V", "HTS", "HK", "HK-PR", "KR", "KR-PR", "NNF", "S", ""),
    "adhoc_hakn_ci": ("", "se", "ci", "IQWiG6"),
    "adhoc_hakn_pi": ("", "se"),
    "sm_cont": ("MD", "SMD", "ROM"),
    "sm_bin": ("OR", "RD", "RR", "ASD", "DOR", "VE"),
    "method_bin": ("Inverse", "MH", "Peto", "GLMM", "LRP", "SSW"),
    "method_incr": ("only0", "if0all", "all", "user"),
    "method_ci_cont": ("z", "t"),
    "method_smd": ("Hedges", "Cohen", "Glass"),
    "sd_glass": ("control", "experimental"),
    "sm_mean": ("MRAW", "MLN"),
    "sm_cor": ("ZCOR", "COR"),
})
