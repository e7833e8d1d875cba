"""Result objects: immutable, with R meta's field names ("." -> "_").

``to_dict()`` returns R's dotted names (``TE.common``, ``lower.tau2``, ``df.Q`` ...), so a
result can be laid next to the list R meta returns. Vectors are read-only numpy arrays.
Two fields are pymeta's own: ``warnings`` (the warnings R meta gives on the same input,
same text) and ``notes`` (what pymeta, like R, silently dropped or corrected, said aloud).
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

__all__ = ["Meta", "MetaGen", "MetaCont", "MetaBin", "MetaMean", "MetaCor", "MetaProp", "MetaInc",
           "MetaRate", "r_name"]

#: Field names whose R spelling is not the mechanical "_" -> "." mapping.
_R_NAME_EXCEPTIONS: dict[str, str] = {}
#: pymeta-only fields (kept under the same name in ``to_dict``).
_OWN_FIELDS = ("warnings", "notes")


def r_name(name: str) -> str:
    """R meta's name of a pymeta field or argument (``lower_I2`` -> ``lower.I2``)."""
    if name in _OWN_FIELDS:
        return name
    return _R_NAME_EXCEPTIONS.get(name, name.replace("_", "."))


@dataclass(frozen=True, kw_only=True)
class Meta:
    """Fields every meta analysis has (R meta's ``metagen`` list)."""
    studlab: tuple
    sm: str
    null_effect: float
    TE: np.ndarray
    seTE: np.ndarray
    statistic: np.ndarray
    pval: np.ndarray
    df: np.ndarray
    level: float
    lower: np.ndarray
    upper: np.ndarray
    k: int
    k_study: int
    k_all: int
    k_TE: int
    overall: bool
    overall_hetstat: bool
    common: bool
    random: bool
    prediction: bool
    backtransf: bool
    method: str
    method_random: str
    w_common: np.ndarray
    TE_common: float
    seTE_common: float
    statistic_common: float
    pval_common: float
    level_ma: float
    method_common_ci: str
    lower_common: float
    upper_common: float
    w_random: np.ndarray
    TE_random: float | np.ndarray
    seTE_random: np.ndarray
    statistic_random: np.ndarray
    pval_random: np.ndarray
    method_random_ci: tuple
    df_random: np.ndarray
    lower_random: np.ndarray
    upper_random: np.ndarray
    seTE_classic: float
    adhoc_hakn_ci: tuple
    df_hakn_ci: float | np.ndarray
    seTE_hakn_ci: float
    seTE_hakn_adhoc_ci: np.ndarray
    df_kero: float
    seTE_kero: float
    method_predict: tuple
    adhoc_hakn_pi: tuple
    df_hakn_pi: float | np.ndarray
    seTE_predict: np.ndarray
    df_predict: np.ndarray
    level_predict: float
    lower_predict: np.ndarray
    upper_predict: np.ndarray
    seTE_hakn_pi: float
    seTE_hakn_adhoc_pi: np.ndarray
    Q: float
    df_Q: float
    pval_Q: float
    method_tau: str
    method_tau_ci: str
    level_hetstat: float
    tau2: float
    se_tau2: float
    lower_tau2: float
    upper_tau2: float
    tau: float
    lower_tau: float
    upper_tau: float
    sign_lower_tau: str
    sign_upper_tau: str
    method_I2: str
    H: float
    lower_H: float
    upper_H: float
    I2: float
    lower_I2: float
    upper_I2: float
    Rb: float
    lower_Rb: float
    upper_Rb: float
    three_level: bool = False
    tau2_calc: float = math.nan
    tau_preset: float | None = None
    version: str = "8.5-0"
    warnings: tuple = ()
    notes: tuple = ()

    def __post_init__(self):
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if isinstance(v, np.ndarray):
                v = v.copy()
                v.setflags(write=False)
                object.__setattr__(self, f.name, v)
            elif isinstance(v, list):
                object.__setattr__(self, f.name, tuple(v))

    # -- access ------------------------------------------------------------------------
    @classmethod
    def field_names(cls) -> tuple:
        """pymeta's field names, in R's order."""
        return tuple(f.name for f in dataclasses.fields(cls))

    def to_dict(self) -> dict:
        """The fields under R meta's dotted names (``TE.common``, ``df.Q`` ...)."""
        return {r_name(f.name): getattr(self, f.name) for f in dataclasses.fields(self)}

    def replace(self, **changes):
        """A copy with some fields changed (results stay immutable)."""
        return dataclasses.replace(self, **changes)

    # -- display -----------------------------------------------------------------------
    def _fmt_ci(self, est, lo, up, digits=4, exp=False):
        f = exp if callable(exp) else (np.exp if exp else (lambda x: x))
        return f"{float(f(est)):.{digits}f} [{float(f(lo)):.{digits}f}; {float(f(up)):.{digits}f}]"

    def __str__(self) -> str:
        # back-transformed as R prints them (backtransf = TRUE)
        ratio = self.sm in ("RR", "OR", "HR", "IRR", "ROM", "DOR", "MLN")
        if self.sm == "ZCOR" and self.backtransf:
            ratio = np.tanh
        lines = [f"Number of studies: k = {self.k}"]
        lines.append(f"{'':22s}{self.sm:>8s} {'95%-CI':>24s}  p-value")
        if self.k >= 1:
            lines.append(f"{'Common effect model':22s}"
                         f"{self._fmt_ci(self.TE_common, self.lower_common, self.upper_common, exp=ratio):>33s}"
                         f"  {self.pval_common:.4g}")
            lr, ur = np.atleast_1d(self.lower_random), np.atleast_1d(self.upper_random)
            te_r = np.atleast_1d(self.TE_random)
            for i, m in enumerate(self.method_random_ci):
                lines.append(f"{'Random effects model':22s}"
                             f"{self._fmt_ci(te_r[min(i, te_r.size - 1)], lr[i], ur[i], exp=ratio):>33s}"
                             f"  {np.atleast_1d(self.pval_random)[i]:.4g}"
                             + ("" if m == "classic" else f"  ({m})"))
        lines.append("")
        lines.append("Quantifying heterogeneity:")
        lines.append(f" tau^2 = {self.tau2:.4f} [{self.lower_tau2:.4f}; {self.upper_tau2:.4f}];"
                     f" tau = {self.tau:.4f}; I^2 = {100 * self.I2:.1f}%"
                     f" [{100 * self.lower_I2:.1f}%; {100 * self.upper_I2:.1f}%];"
                     f" H = {self.H:.2f}")
        lines.append(f" Q = {self.Q:.2f}, df = {self.df_Q:g}, p = {self.pval_Q:.4g}")
        lines.append("")
        how = {"MH": "Mantel-Haenszel", "Inverse": "inverse variance"}.get(self.method, self.method)
        lines.append(f"Details: {how} method; {self.method_tau} estimator for tau^2;"
                     f" {self.method_tau_ci or 'no'} CI for tau^2")
        for n in self.notes:
            lines.append(f"Note: {n}")
        return "\n".join(lines)


@dataclass(frozen=True, kw_only=True)
class MetaGen(Meta):
    """Result of :func:`pymeta.metagen`."""


@dataclass(frozen=True, kw_only=True)
class MetaCont(Meta):
    """Result of :func:`pymeta.metacont` (adds the per-arm data and its options)."""
    n_e: np.ndarray
    mean_e: np.ndarray
    sd_e: np.ndarray
    n_c: np.ndarray
    mean_c: np.ndarray
    sd_c: np.ndarray
    pooledvar: bool | float          # NA (nan) for sm = "SMD", as in R
    method_smd: str                  # "" unless sm = "SMD"
    sd_glass: str                    # "" unless method.smd = "Glass"
    exact_smd: bool | float          # NA (nan) unless sm = "SMD" with Hedges or Cohen
    method_ci: str
    n_e_pooled: float
    n_c_pooled: float


@dataclass(frozen=True, kw_only=True)
class MetaBin(Meta):
    """Result of :func:`pymeta.metabin` (adds the 2x2 data, continuity corrections, CMH)."""
    event_e: np.ndarray
    n_e: np.ndarray
    event_c: np.ndarray
    n_c: np.ndarray
    incr: float | str | np.ndarray
    method_incr: str
    sparse: bool
    allstudies: bool
    doublezeros: bool
    MH_exact: bool
    RR_Cochrane: bool
    Q_Cochrane: bool
    Q_CMH: float
    df_Q_CMH: float
    pval_Q_CMH: float
    print_CMH: bool
    pscale: float
    incr_e: np.ndarray
    incr_c: np.ndarray
    k_MH: float


@dataclass(frozen=True, kw_only=True)
class MetaMean(Meta):
    """Result of :func:`pymeta.metamean` (single means: sizes, means, SDs)."""
    n: np.ndarray
    mean: np.ndarray
    sd: np.ndarray
    method_ci: str


@dataclass(frozen=True, kw_only=True)
class MetaCor(Meta):
    """Result of :func:`pymeta.metacor` (correlations and sample sizes)."""
    cor: np.ndarray
    n: np.ndarray


@dataclass(frozen=True, kw_only=True)
class MetaProp(Meta):
    """Result of :func:`pymeta.metaprop` (single proportions: events and sample sizes)."""
    event: np.ndarray
    n: np.ndarray
    incr: float | np.ndarray
    method_incr: str
    sparse: bool
    method_ci: str
    incr_event: np.ndarray
    pscale: float


@dataclass(frozen=True, kw_only=True)
class MetaInc(Meta):
    """Result of :func:`pymeta.metainc` (events and person-times in two groups)."""
    event_e: np.ndarray
    time_e: np.ndarray
    event_c: np.ndarray
    time_c: np.ndarray
    incr: float | np.ndarray
    method_incr: str
    sparse: bool
    incr_e: np.ndarray
    incr_c: np.ndarray
    k_MH: float
    irscale: float
    irunit: str


@dataclass(frozen=True, kw_only=True)
class MetaRate(Meta):
    """Result of :func:`pymeta.metarate` (single incidence rates: events and person-times)."""
    event: np.ndarray
    time: np.ndarray
    n: np.ndarray | None
    incr: float | np.ndarray
    method_incr: str
    sparse: bool
    method_ci: str
    incr_event: np.ndarray
    irscale: float
    irunit: str
