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
           "MetaRate", "MetaInf", "MetaCum", "r_name", "SUBGROUP_FIELDS"]

#: Field names whose R spelling is not the mechanical "_" -> "." mapping.
_R_NAME_EXCEPTIONS: dict[str, str] = {"sd_n_of_1": "sd.n_of_1"}   # R keeps this underscore
#: pymeta-only fields (kept under the same name in ``to_dict``).
_OWN_FIELDS = ("warnings", "notes")
#: Internal fields: not results (left out of ``to_dict``, comparisons and equality).
_INTERNAL = {"internal": True}

#: The fields of a subgroup analysis (R meta's ``subgroup()`` list and the arguments
#: stored with it); ``None`` when there are no subgroups (R's NULL).
SUBGROUP_FIELDS = (
    "subgroup", "subgroup_name", "tau_common", "test_subgroup", "prediction_subgroup",
    "subgroup_levels", "k_w", "k_study_w", "k_all_w", "k_TE_w",
    "TE_common_w", "seTE_common_w", "statistic_common_w", "pval_common_w", "lower_common_w",
    "upper_common_w", "w_common_w",
    "TE_random_w", "seTE_random_w", "statistic_random_w", "pval_random_w", "df_random_w",
    "lower_random_w", "upper_random_w", "w_random_w", "seTE_classic_w",
    "df_hakn_ci_w", "seTE_hakn_ci_w", "seTE_hakn_adhoc_ci_w", "df_kero_w", "seTE_kero_w",
    "seTE_predict_w", "df_predict_w", "lower_predict_w", "upper_predict_w", "seTE_hakn_pi_w",
    "seTE_hakn_adhoc_pi_w", "Q_w", "pval_Q_w", "tau2_w", "lower_tau2_w", "upper_tau2_w",
    "tau_w", "lower_tau_w", "upper_tau_w", "H_w", "lower_H_w", "upper_H_w", "I2_w",
    "lower_I2_w", "upper_I2_w", "Rb_w", "lower_Rb_w", "upper_Rb_w",
    "Q_w_common", "Q_w_random", "df_Q_w", "pval_Q_w_common", "pval_Q_w_random",
    "df_Q_w_random",
    "Q_b_common", "Q_b_random", "df_Q_b", "df_Q_b_common", "df_Q_b_random",
    "pval_Q_b_common", "pval_Q_b_random",
    "n_e_w", "n_c_w", "event_e_w", "event_c_w", "n_w", "n_harmonic_mean_w",
    "event_w", "time_e_w", "time_c_w", "t_harmonic_mean_w",
    "tau2_resid", "lower_tau2_resid", "upper_tau2_resid", "tau_resid", "lower_tau_resid",
    "upper_tau_resid", "Q_resid", "df_Q_resid", "pval_Q_resid", "H_resid", "lower_H_resid",
    "upper_H_resid", "I2_resid", "lower_I2_resid", "upper_I2_resid",
)


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
    #: ``cluster`` as given (subset; None = R's NULL), ``rho``, and R's ``id`` (the
    #: cluster, for a three-level model only)
    cluster: tuple | None = None
    rho: float = 0.0
    id: tuple | None = None
    # subgroup analysis (R's subgroup() list); None without subgroups
    subgroup: tuple | None = None
    subgroup_name: str | None = None
    tau_common: bool | None = None
    test_subgroup: bool | None = None
    prediction_subgroup: bool | None = None
    subgroup_levels: tuple | None = None
    k_w: np.ndarray | None = None
    k_study_w: np.ndarray | None = None
    k_all_w: np.ndarray | None = None
    k_TE_w: np.ndarray | None = None
    TE_common_w: np.ndarray | None = None
    seTE_common_w: np.ndarray | None = None
    statistic_common_w: np.ndarray | None = None
    pval_common_w: np.ndarray | None = None
    lower_common_w: np.ndarray | None = None
    upper_common_w: np.ndarray | None = None
    w_common_w: np.ndarray | None = None
    TE_random_w: np.ndarray | None = None
    seTE_random_w: np.ndarray | None = None
    statistic_random_w: np.ndarray | None = None
    pval_random_w: np.ndarray | None = None
    df_random_w: np.ndarray | None = None
    lower_random_w: np.ndarray | None = None
    upper_random_w: np.ndarray | None = None
    w_random_w: np.ndarray | None = None
    seTE_classic_w: np.ndarray | None = None
    df_hakn_ci_w: np.ndarray | None = None
    seTE_hakn_ci_w: np.ndarray | None = None
    seTE_hakn_adhoc_ci_w: np.ndarray | None = None
    df_kero_w: np.ndarray | None = None
    seTE_kero_w: np.ndarray | None = None
    seTE_predict_w: np.ndarray | None = None
    df_predict_w: np.ndarray | None = None
    lower_predict_w: np.ndarray | None = None
    upper_predict_w: np.ndarray | None = None
    seTE_hakn_pi_w: np.ndarray | None = None
    seTE_hakn_adhoc_pi_w: np.ndarray | None = None
    Q_w: np.ndarray | None = None
    pval_Q_w: np.ndarray | None = None
    tau2_w: np.ndarray | None = None
    lower_tau2_w: np.ndarray | None = None
    upper_tau2_w: np.ndarray | None = None
    tau_w: np.ndarray | None = None
    lower_tau_w: np.ndarray | None = None
    upper_tau_w: np.ndarray | None = None
    H_w: np.ndarray | None = None
    lower_H_w: np.ndarray | None = None
    upper_H_w: np.ndarray | None = None
    I2_w: np.ndarray | None = None
    lower_I2_w: np.ndarray | None = None
    upper_I2_w: np.ndarray | None = None
    Rb_w: np.ndarray | None = None
    lower_Rb_w: np.ndarray | None = None
    upper_Rb_w: np.ndarray | None = None
    Q_w_common: float | None = None
    Q_w_random: float | None = None
    df_Q_w: float | None = None
    pval_Q_w_common: float | None = None
    pval_Q_w_random: float | None = None
    df_Q_w_random: float | None = None
    Q_b_common: float | None = None
    Q_b_random: float | None = None
    df_Q_b: float | None = None
    df_Q_b_common: float | None = None
    df_Q_b_random: float | None = None
    pval_Q_b_common: float | None = None
    pval_Q_b_random: float | None = None
    n_e_w: np.ndarray | None = None
    n_c_w: np.ndarray | None = None
    event_e_w: np.ndarray | None = None
    event_c_w: np.ndarray | None = None
    n_w: np.ndarray | None = None
    n_harmonic_mean_w: np.ndarray | None = None
    event_w: np.ndarray | None = None
    time_e_w: np.ndarray | None = None
    time_c_w: np.ndarray | None = None
    t_harmonic_mean_w: np.ndarray | None = None
    tau2_resid: float | None = None
    lower_tau2_resid: float | None = None
    upper_tau2_resid: float | None = None
    tau_resid: float | None = None
    lower_tau_resid: float | None = None
    upper_tau_resid: float | None = None
    Q_resid: float | None = None
    df_Q_resid: float | None = None
    pval_Q_resid: float | None = None
    H_resid: float | None = None
    lower_H_resid: float | None = None
    upper_H_resid: float | None = None
    I2_resid: float | None = None
    lower_I2_resid: float | None = None
    upper_I2_resid: float | None = None
    tau2_calc: float = math.nan
    tau_preset: float | None = None
    #: meta's ``exclude`` (NULL unless the argument is given): studies left out of pooling
    exclude: np.ndarray | None = None
    #: user-specified weights as given (recycled to all studies, then subset); None = R's NULL
    weights_common: np.ndarray | None = None
    weights_random: np.ndarray | None = None
    TE_tau: float | None = None
    #: metagen with ``keeprma = TRUE``: metafor's fits with user weights
    #: (:class:`pymeta.model.rmafit.RmaFit`; ``rma_usw_r`` a tuple with several
    #: ``method_random_ci``), None otherwise (R's NULL)
    rma_usw_c: object | None = None
    rma_usw_r: object | None = None
    #: metagen with ``keeprma = TRUE`` and a three-level model: metafor's ``rma.mv`` fit
    #: (:class:`pymeta.model.rma_mv.RmaMvFit`; a tuple with several
    #: ``method_random_ci``), None otherwise
    rma_three_level: object | None = None
    detail_tau: str | tuple = ""
    seed_predict: float | None = None
    #: R meta's presentation arguments as stored (pymeta.api.presentation)
    text_common: str = "Common effect model"
    text_random: tuple = ("Random effects model",)
    text_predict: tuple = ("Prediction interval",)
    text_w_common: str = "common"
    text_w_random: str = "random"
    title: str = ""
    complab: str = ""
    outclab: str = ""
    #: the single-group functions store "" (metagen, metacont, metabin, metainc: the
    #: arguments, "Experimental" / "Control" by default)
    label_e: str = ""
    label_c: str = ""
    label_left: str = ""
    label_right: str = ""
    col_label_left: str = "black"
    col_label_right: str = "black"
    method_bias: str = "Egger"
    keepdata: bool = False
    #: with subgroups only (R: NULL otherwise)
    print_subgroup_name: bool | None = None
    sep_subgroup: str | None = None
    version: str = "8.5-0"
    warnings: tuple = ()
    notes: tuple = ()
    #: how this result was made: (function name, arguments) -- for :meth:`update`,
    #: :func:`pymeta.metainf` and :func:`pymeta.metacum`; not a result field
    call: tuple | None = dataclasses.field(default=None, compare=False, repr=False,
                                           metadata=_INTERNAL)
    #: where in ``warnings`` the warnings of the fits with user-specified weights begin
    #: (metagen: R's common tau2 across subgroups warns before them)
    usw_warning_at: int | None = dataclasses.field(default=None, compare=False, repr=False,
                                                   metadata=_INTERNAL)
    #: R's global random stream as this analysis left it (metagen / metacont / metamean:
    #: estmeansd's and pimeta's draws), where ``update`` continues, as R's next call does
    stream_after: object | None = dataclasses.field(default=None, compare=False, repr=False,
                                                    metadata=_INTERNAL)
    #: R's ``object$data`` columns that ``update`` passes metagen / metacont / metamean
    #: again (see ``pymeta.api.metagen._update_data``, ``pymeta.api._args.stored_column``)
    update_data: dict | None = dataclasses.field(default=None, compare=False, repr=False,
                                                 metadata=_INTERNAL)
    #: (method_predict, adhoc_hakn_pi) before meta unsets them where no interval exists
    predict_pre: tuple | None = dataclasses.field(default=None, compare=False, repr=False,
                                                  metadata=_INTERNAL)
    #: metabin's increments before MH.exact zeroes them (R's ``data$.incr.e``/``.incr.c``,
    #: which ``update`` passes on as user increments)
    incr_data: tuple | None = dataclasses.field(default=None, compare=False, repr=False,
                                                metadata=_INTERNAL)
    #: the study standard errors as handed to metagen, before its zeros become NA: the
    #: ``seTE`` R's metabin, metacont, ... give ``hetcalc`` for ``tau.common``
    seTE_given: np.ndarray | None = dataclasses.field(default=None, compare=False,
                                                      repr=False, metadata=_INTERNAL)

    def __post_init__(self):
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if isinstance(v, np.ndarray):
                v = v.copy()
                v.setflags(write=False)
                object.__setattr__(self, f.name, v)
            elif isinstance(v, list) and not f.metadata.get("internal"):
                object.__setattr__(self, f.name, tuple(v))

    # -- access ------------------------------------------------------------------------
    @classmethod
    def field_names(cls) -> tuple:
        """pymeta's field names, in R's order."""
        return tuple(f.name for f in dataclasses.fields(cls) if not f.metadata.get("internal"))

    def to_dict(self) -> dict:
        """The fields under R meta's dotted names (``TE.common``, ``df.Q`` ...)."""
        return {r_name(f.name): getattr(self, f.name) for f in dataclasses.fields(self)
                if not f.metadata.get("internal")}

    def replace(self, **changes):
        """A copy with some fields changed (results stay immutable)."""
        return dataclasses.replace(self, **changes)

    def update(self, **changes):
        """Re-run the meta-analysis on the same data with some options changed, as R meta's
        ``update.meta`` does (e.g. ``m.update(method_tau="PM")``). A result made with
        ``keepdata=False`` gives None with R's warning: R keeps no data to re-run on."""
        from .api.update import update
        return update(self, **changes)

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
        t2 = np.atleast_1d(self.tau2)
        if t2.size == 1:
            lines.append(f" tau^2 = {self.tau2:.4f} [{self.lower_tau2:.4f}; "
                         f"{self.upper_tau2:.4f}]; tau = {self.tau:.4f}; I^2 = "
                         f"{100 * self.I2:.1f}% [{100 * self.lower_I2:.1f}%; "
                         f"{100 * self.upper_I2:.1f}%]; H = {self.H:.2f}")
            t2 = t2[:0]
        lo2 = np.broadcast_to(np.atleast_1d(self.lower_tau2), t2.shape)
        up2 = np.broadcast_to(np.atleast_1d(self.upper_tau2), t2.shape)
        names = (self.detail_tau,) if isinstance(self.detail_tau, str) else self.detail_tau
        for i in range(t2.size):   # a three-level model: one line per variance component
            label = f" ({names[i]})" if t2.size > 1 and i < len(names) and names[i] else ""
            lines.append(f" tau^2{label} = {t2[i]:.4f} [{lo2[i]:.4f}; {up2[i]:.4f}];"
                         f" tau = {math.sqrt(t2[i]) if t2[i] >= 0 else math.nan:.4f}")
        if t2.size:
            lines.append(f" I^2 = {100 * self.I2:.1f}%"
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
    n_e: np.ndarray | None = None
    n_c: np.ndarray | None = None
    method_ci: str = "z"
    #: ``method.mean`` as given (R stores it whether or not a mean was approximated)
    method_mean: str = "Luo"
    #: per study "", "ci", "iqr.range", "iqr", "range" ("pval" too for seTE): how TE /
    #: seTE was approximated (metagen.R sections 7-8); None (R's NULL) when none was
    approx_TE: np.ndarray | None = None
    approx_seTE: np.ndarray | None = None
    #: level of the confidence limits given as ``lower``/``upper`` (R: only then)
    level_ci: np.ndarray | None = None
    #: n-of-1 trials: cycles per study and the pooled SD (R: NULL without ``cycles``)
    cycles: np.ndarray | None = None
    sd_n_of_1: float | None = None
    #: whether TE/lower/upper were given on the analysis scale, and the (back-)
    #: transformation's name (R: NULL when not given)
    transf: bool = True
    func_transf: str | None = None
    func_backtransf: str | None = None
    #: extra arguments of func.transf / func.backtransf (R: lists; NULL when not given)
    args_transf: dict | None = None
    args_backtransf: dict | None = None
    label_e: str = "Experimental"
    label_c: str = "Control"
    pscale: float = 1.0
    irscale: float = 1.0
    irunit: str = "person-years"


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
    # approximated means / SDs (metacont.R blocks 7-8): "" / None (R's NULL) when unused
    method_mean: str = ""
    method_sd: str = ""
    n_e_pooled: float
    n_c_pooled: float
    median_e: np.ndarray | None = None
    q1_e: np.ndarray | None = None
    q3_e: np.ndarray | None = None
    min_e: np.ndarray | None = None
    max_e: np.ndarray | None = None
    median_c: np.ndarray | None = None
    q1_c: np.ndarray | None = None
    q3_c: np.ndarray | None = None
    min_c: np.ndarray | None = None
    max_c: np.ndarray | None = None
    approx_sd_e: np.ndarray | None = None     # per study "", "iqr.range", "iqr", "range"
    approx_sd_c: np.ndarray | None = None
    approx_mean_e: np.ndarray | None = None
    approx_mean_c: np.ndarray | None = None
    label_e: str = "Experimental"
    label_c: str = "Control"


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
    label_e: str = "Experimental"
    label_c: str = "Control"


@dataclass(frozen=True, kw_only=True)
class MetaMean(Meta):
    """Result of :func:`pymeta.metamean` (single means: sizes, means, SDs)."""
    n: np.ndarray
    mean: np.ndarray
    sd: np.ndarray
    method_ci: str
    # approximated means / SDs (metamean.R blocks 7-8): "" / None (R's NULL) when unused
    method_mean: str = ""
    method_sd: str = ""
    median: np.ndarray | None = None
    q1: np.ndarray | None = None
    q3: np.ndarray | None = None
    min: np.ndarray | None = None
    max: np.ndarray | None = None
    approx_sd: np.ndarray | None = None       # per study "", "iqr.range", "iqr", "range"
    approx_mean: np.ndarray | None = None


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
    label_e: str = "Experimental"
    label_c: str = "Control"
    #: sample sizes as given (stored only; R: NULL without them)
    n_e: np.ndarray | None = None
    n_c: np.ndarray | None = None


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


@dataclass(frozen=True, kw_only=True)
class MetaInf:
    """Result of :func:`pymeta.metainf` (R meta's ``metainf`` object): one row per
    leave-one-out meta-analysis (``studlab`` "Omitting <study>") and the pooled analysis
    of all studies (``*_pooled``)."""
    studlab: tuple
    TE: np.ndarray
    seTE: np.ndarray
    df_random: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    statistic: np.ndarray
    pval: np.ndarray
    lower_predict: np.ndarray
    upper_predict: np.ndarray
    df_predict: np.ndarray
    w: np.ndarray
    tau2: np.ndarray
    se_tau2: np.ndarray
    lower_tau2: np.ndarray
    upper_tau2: np.ndarray
    tau: np.ndarray
    lower_tau: np.ndarray
    upper_tau: np.ndarray
    sign_lower_tau: tuple
    sign_upper_tau: tuple
    I2: np.ndarray
    lower_I2: np.ndarray
    upper_I2: np.ndarray
    Rb: np.ndarray
    n_harmonic_mean: np.ndarray
    t_harmonic_mean: np.ndarray
    k: np.ndarray
    k_study: np.ndarray
    k_all: np.ndarray
    k_TE: np.ndarray
    k_MH: np.ndarray
    sm: str
    null_effect: float
    pooled: str
    common: bool
    random: bool
    overall: bool
    overall_hetstat: bool
    prediction: bool
    method_predict: str
    adhoc_hakn_pi: str
    backtransf: bool
    level: float
    level_ma: float
    level_predict: float
    method: str
    method_random: str
    method_common_ci: str
    method_random_ci: str
    adhoc_hakn_ci: str
    method_tau: str
    method_tau_ci: str | tuple
    method_I2: str
    k_pooled: int
    k_study_pooled: int
    k_all_pooled: int
    k_TE_pooled: int
    k_MH_pooled: float | None
    TE_pooled: float
    seTE_pooled: float
    lower_pooled: float
    upper_pooled: float
    df_random_pooled: float
    statistic_pooled: float
    pval_pooled: float
    w_pooled: float
    lower_predict_pooled: float
    upper_predict_pooled: float
    df_predict_pooled: float
    Q_pooled: float
    Q_Cochrane: bool | None
    tau2_pooled: float
    se_tau2_pooled: float
    lower_tau2_pooled: float
    upper_tau2_pooled: float
    tau_pooled: float
    lower_tau_pooled: float
    upper_tau_pooled: float
    sign_lower_tau_pooled: str
    sign_upper_tau_pooled: str
    I2_pooled: float
    lower_I2_pooled: float
    upper_I2_pooled: float
    Rb_pooled: float
    n_harmonic_mean_pooled: float
    t_harmonic_mean_pooled: float
    no: int = 1
    classes: tuple = ()
    version: str = "8.5-0"
    warnings: tuple = ()
    notes: tuple = ()

    def __post_init__(self):
        Meta.__post_init__(self)

    #: the object's presentation fields (R: ``text.predict[1]``; ``pscale``, ``irscale``,
    #: ``irunit`` NULL where the object has none)
    text_predict: str = "Prediction interval"
    label_e: str = ""
    label_c: str = ""
    label_left: str = ""
    label_right: str = ""
    title: str = ""
    complab: str = ""
    outclab: str = ""
    pscale: float | None = None
    irscale: float | None = None
    irunit: str | None = None

    @classmethod
    def field_names(cls) -> tuple:
        """pymeta's field names, in R's order."""
        return tuple(f.name for f in dataclasses.fields(cls) if not f.metadata.get("internal"))

    def to_dict(self) -> dict:
        """The fields under R meta's dotted names."""
        return Meta.to_dict(self)

    def replace(self, **changes):
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)



@dataclass(frozen=True, kw_only=True)
class MetaCum(MetaInf):
    """Result of :func:`pymeta.metacum` (R meta's ``metacum`` object): one row per
    cumulative meta-analysis (``studlab`` "Adding <study> (k=<n>)")."""
