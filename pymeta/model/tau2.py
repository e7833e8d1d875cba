"""Between-study variance (tau^2) for the intercept-only random-effects model.

Replicates metafor 3.8-1 as called by R ``meta`` (R/hetcalc.R:
``rma.uni(yi = TE, sei = seTE, method = "REML", control = control)`` and
``confint.rma.uni(fit, level = 100 * level)``):

* :func:`tau2_he` - Hedges (HE) estimator (``rma.uni``, R/rma.uni.r, the
  ``method = "HE"`` block, also used as the REML starting value);
* :func:`tau2_reml` - REML by Fisher scoring (R/rma.uni.r, ML/REML/EB block,
  the ``ll0check`` block, the final ``P``/``se.tau2`` computation and the
  ``vt``/``I2``/``H2`` block);
* :func:`tau2_ci_qprofile` - Q-profile CI (R/confint.rma.uni.r, ``type="QP"``)
  using ``.QE.func`` (R/misc.func.hidden.uni.r) and :func:`uniroot`.

Rounding.  metafor works with k x k matrices (``W``, ``P = W - W X
(X'WX)^-1 X'W``) and R evaluates them with the reference (netlib) BLAS that
Debian's R links against, where every matrix/vector product element is a
plain left-to-right sum.  ``(X'WX)^-1`` comes from ``.invcalc``
(R/misc.func.hidden.uni.r): ``qr.solve`` (LINPACK ``dqrdc2``/``dqrsl``) on
``sqrt(W) X`` followed by ``tcrossprod``.  R's ``sum()``/``colMeans()``
accumulate in 80-bit long double.  This module reproduces all of those
operation orders with numpy element-wise operations and sequential
accumulations (``np.add.accumulate``), so results are bit-identical to R on
x86-64 with reference BLAS, independent of the BLAS numpy itself uses.
(With an optimised BLAS in R - OpenBLAS/MKL - R's own results change in the
last bits; agreement is then ~1e-14 relative, not bit-identical.)
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Mapping, Optional, Tuple

import numpy as np

from .rmath import r_sum as _rsum  # R's sum(): sequential long double
from .rmath import r_sqrt
from . import blas, nmath
from .rootfind import uniroot

__all__ = [
    "MetaforError",
    "FisherScoringError",
    "Tau2Fit",
    "Tau2CI",
    "tau2_he",
    "tau2_reml",
    "tau2_ci_qprofile",
    "qe_tau2",
]

_DBL_EPSILON = float(np.finfo(float).eps)


class MetaforWarning(RuntimeWarning):
    """A warning metafor gives (same text); meta passes it on as an R warning."""


class MetaforError(RuntimeError):
    """An error that metafor would raise with ``stop()`` (same message)."""


class FisherScoringError(MetaforError):
    """REML Fisher scoring did not converge within ``maxiter``."""


# ---------------------------------------------------------------------------
# low-level replicas of R / reference-BLAS arithmetic
# ---------------------------------------------------------------------------

def _seqsum(x: np.ndarray) -> float:
    """Left-to-right double sum (reference BLAS dot/gemv accumulation)."""
    if x.size == 0:
        return 0.0
    return float(np.add.accumulate(x.ravel())[-1])


def _r_center(yi: np.ndarray) -> np.ndarray:
    """``scale(yi, center=TRUE, scale=FALSE)``: colMeans in long double
    (sum / n in long double, then rounded), followed by ``x - center``."""
    k = yi.size
    s = np.add.accumulate(yi.astype(np.longdouble))[-1]
    center = float(s / np.longdouble(k))
    return yi - center


def _r_log(x: np.ndarray) -> np.ndarray:
    """Element-wise C-library ``log`` (as R), avoiding numpy SIMD variants."""
    return np.array([math.log(v) for v in x], dtype=float)


def _dnrm2(x: np.ndarray) -> float:
    """Reference BLAS 3.10+ ``dnrm2`` (Blue's algorithm with three accumulators,
    :func:`pymeta.model.blas.dnrm2`), which is what R's LINPACK ``dqrdc2`` calls."""
    v = [float(e) for e in np.ravel(x)]
    return blas.dnrm2(len(v), v, 0)


def _invcalc_int(w: np.ndarray) -> float:
    """``.invcalc(X, W=diag(w), k)`` for X = column of ones (k >= 2).

    ``sqrt(W) %*% X`` is ``sqrt(w)`` exactly; LINPACK ``dqrdc2`` on that
    single column gives one Householder vector; ``dqrsl`` (job 100, via
    ``dqrcf``) solves for each identity column; ``tcrossprod`` (dsyrk) sums
    the squared coefficients left to right.
    """
    x = np.sqrt(w)
    if not np.all(np.isfinite(x)):
        # R's qr.default refuses non-finite input before LINPACK sees it (an infinite
        # weight: a zero sampling variance with tau2 = 0, e.g. SJ's start value)
        raise MetaforError("NA/NaN/Inf in foreign function call (arg 1) "
                           "(qr.default in metafor's .invcalc: a weight 1/(vi + tau2) is "
                           "not finite)")
    nrmxl = _dnrm2(x)
    if x[0] != 0.0:
        nrmxl = math.copysign(nrmxl, x[0])
    xs = (1.0 / nrmxl) * x          # dscal
    qraux = 1.0 + xs[0]             # x(1,1) = 1 + x(1,1); qraux(1) = x(1,1)
    r11 = -nrmxl                    # x(1,1) = -nrmxl
    xq = xs.copy()
    xq[0] = qraux                   # dqrsl temporarily puts qraux on the diagonal
    # column j of the identity: t = -(xq_j)/qraux; qty_1 = e_j1 + t*qraux
    t = (-xq) / qraux
    e1 = np.zeros_like(w)
    e1[0] = 1.0
    qty1 = e1 + t * qraux
    b = qty1 / r11
    return _seqsum(b * b)


def _p_matrix(w: np.ndarray, s: float) -> np.ndarray:
    """``P <- W - W %*% X %*% stXWX %*% crossprod(X,W)`` for X = 1:
    element (i,j) is ``W_ij - (w_i*s)*w_j`` (each BLAS product is exact)."""
    P = -np.outer(w * s, w)
    idx = np.arange(w.size)
    P[idx, idx] = w - (w * s) * w
    return P


def _matmul_ref(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Reference ``dgemm`` (NN): C_ij = sum over l, left to right, of
    A_il * B_lj."""
    m, kk = A.shape
    C = np.zeros((m, B.shape[1]))
    for l in range(kk):
        C += np.outer(A[:, l], B[l, :])
    return C


def _quad(y: np.ndarray, M: np.ndarray) -> float:
    """``crossprod(y, M) %*% y``: dgemv('T') then dgemv('N'), both as left
    to right sums."""
    z = np.add.accumulate(M * y[:, None], axis=0)[-1]
    return _seqsum(z * y)


def _tr(M: np.ndarray) -> float:
    """metafor's ``.tr(X) = sum(diag(X))`` (long double sum)."""
    return _rsum(np.diagonal(M).copy())


def _check_inputs(yi, vi) -> Tuple[np.ndarray, np.ndarray]:
    yi = np.asarray(yi, dtype=float).ravel()
    vi = np.asarray(vi, dtype=float).ravel()
    if yi.shape != vi.shape:
        raise ValueError("yi and vi must have the same length")
    if yi.size < 1:
        raise MetaforError("Processing terminated since k = 0.")
    if not (np.all(np.isfinite(yi)) and np.all(np.isfinite(vi))):
        raise ValueError("yi and vi must be finite (remove missing studies first)")
    return yi, vi


def _clean_vi(vi: np.ndarray, *, fit: bool = False) -> Tuple[np.ndarray, bool]:
    """rma.uni: negative vi are set to 0; allvipos = all(vi > 0). ``fit``: a model fit
    (not a confint step), which warns of non-positive vi unless all of them are 0."""
    if np.any(vi <= 0):
        if fit and not np.all(vi == 0):
            warnings.warn("There are outcomes with non-positive sampling variances.",
                          MetaforWarning, stacklevel=3)
        if np.any(vi < 0):
            warnings.warn("Negative sampling variances constrained to zero.",
                          MetaforWarning, stacklevel=3)
            vi = np.where(vi < 0, 0.0, vi)
        return vi, False
    return vi, True


def _nonpos_het_warning(vi: np.ndarray, test: str = "Q") -> None:
    """The end of an rma.uni fit with non-positive vi (allvipos FALSE): no Q-test (QE-test
    for a model with moderators), I^2 or H^2, with a warning unless all vi are 0 (vi0;
    ``vi`` here are the fit's, negative ones already set to 0, which meta never has)."""
    if np.any(vi <= 0) and not np.all(vi == 0):
        warnings.warn(f"Cannot compute {test}-test, I^2, or H^2 when there are non-positive "
                      "sampling variances in the data.", MetaforWarning, stacklevel=3)


def _weights(vi: np.ndarray, tau2: float) -> np.ndarray:
    if np.any(tau2 + vi < 0):
        raise MetaforError("Some marginal variances are negative.")
    with np.errstate(divide="ignore"):
        wi = 1.0 / (vi + tau2)
    if np.any(np.isinf(wi)):
        raise MetaforError("Division by zero when computing the inverse variance weights.")
    return wi


def _fit_k1(vi: np.ndarray, con: Mapping, allvipos: bool) -> "Tau2Fit":
    """rma.uni with k = 1: metafor skips estimation (method "k1", tau2 = 0 or tau2.min),
    its model fit still computes wi = 1/(vi + tau2) and stops on vi = 0, and with k == p
    the heterogeneity block gives QE = 0, I2 = 0, H2 = 1, vt = 0 (NaN without positive vi)."""
    tau2 = max(float(con["tau2_min"]), 0.0)
    _weights(vi, tau2)
    fin = allvipos
    return Tau2Fit(tau2=tau2, se_tau2=math.nan, iterations=0, converged=True,
                   tau2_init=math.nan, ll0_reset=False, k=1,
                   vt=0.0 if fin else math.nan, I2=0.0 if fin else math.nan,
                   H2=1.0 if fin else math.nan, QE=0.0 if fin else math.nan)


def _reml_loglik(yc: np.ndarray, v: np.ndarray, k: int) -> float:
    """The REML log likelihood used by the ``ll0check`` in rma.uni.r
    (weights 1/v with v = vi or vi + tau2)."""
    wi = 1.0 / v
    s = _invcalc_int(wi)
    beta = _seqsum(yc * (wi * s))            # stXWX %*% crossprod(X,W) %*% Ymc
    r = yc - beta
    rss = _rsum(wi * (r * r))
    logdet = math.log(abs(_seqsum(wi)))      # determinant(crossprod(X,W) %*% X)
    return ((((-1.0 / 2.0) * (k - 1)) * math.log(2.0 * math.pi)
             - 0.5 * _rsum(_r_log(v)))
            - 0.5 * logdet) - 0.5 * rss


def _vt(vi: np.ndarray, k: int) -> float:
    """'Typical' within-study variance (rma.uni, i2def = "1"):
    ``(k-p)/.tr(P)`` with P built from weights 1/vi."""
    wi = 1.0 / vi
    s = _invcalc_int(wi)
    return (k - 1) / _tr(_p_matrix(wi, s))


# ---------------------------------------------------------------------------
# public API
# ---------------------------------------------------------------------------

_DEFAULT_CONTROL = {
    "tau2_init": None,
    "tau2_min": 0.0,
    "threshold": 1e-5,
    "tol": _DBL_EPSILON ** 0.25,
    "ll0check": True,
    "maxiter": 100,
    "stepadj": 1.0,
}


def _norm_control(control: Optional[Mapping]) -> dict:
    """Control dict with R's dotted names mapped to underscores."""
    if not control:
        return {}
    return {str(key).replace(".", "_"): val for key, val in control.items()}


def _merge_control(control: Optional[Mapping]) -> dict:
    # metafor matches names with pmatch() and silently ignores unknown ones
    # (e.g. tau2.max, evtol, REMLf, verbose are irrelevant for REML here)
    con = dict(_DEFAULT_CONTROL)
    for key, val in _norm_control(control).items():
        if key in con:
            con[key] = val
    return con


@dataclass(frozen=True)
class Tau2Fit:
    """Result of :func:`tau2_reml` (names after ``rma.uni`` components).

    ``iterations`` is metafor's Fisher-scoring counter; ``tau2_init`` the
    starting value; ``ll0_reset`` is True when the ``ll0check`` set tau2 to
    0; ``vt``, ``I2`` (percent), ``H2`` and ``QE`` are ``x$vt``, ``x$I2``,
    ``x$H2`` and ``x$QE`` of the fitted object.
    """

    tau2: float
    se_tau2: float
    iterations: int
    converged: bool
    tau2_init: float
    ll0_reset: bool
    k: int
    vt: float
    I2: float
    H2: float
    QE: float


@dataclass(frozen=True)
class Tau2CI:
    """Q-profile CI for tau^2 (``confint.rma.uni(..., type="QP")$random``).

    Bounds that could not be determined (uniroot error) are NaN; tau bounds
    are NaN where the tau2 bound is negative (R: ``NA``).  ``lb_sign`` /
    ``ub_sign`` are ``""``, ``"<"`` or ``">"`` as in metafor; ``ci_null``
    is metafor's ``ci.null``.  I2 bounds are in percent, as in metafor.
    """

    lower_tau2: float
    upper_tau2: float
    lower_tau: float
    upper_tau: float
    lb_sign: str
    ub_sign: str
    lower_I2: float
    upper_I2: float
    lower_H2: float
    upper_H2: float
    ci_null: bool = False
    lb_conv: bool = True
    ub_conv: bool = True
    tau2_min: float = 0.0
    tau2_max: float = 100.0
    crit_u: float = math.nan
    crit_l: float = math.nan


def tau2_he(yi, vi, *, truncate: bool = True) -> float:
    """Hedges (HE) estimator, metafor 3.8-1 ``rma.uni(method="HE")``.

    From R/rma.uni.r: ``P = I - X (X'X)^-1 X'`` (via ``.invcalc`` with
    ``W = diag(k)``), ``RSS = Ymc' P Ymc`` (Ymc = mean-centred yi),
    ``tau2 = (RSS - tr(P V)) / (k - 1)``.  With ``truncate=True`` the value
    is ``max(0, tau2)`` as returned by ``rma.uni(method="HE")``; REML uses
    ``max(0, tau2_HE, tau2.min)`` as its starting value.
    """
    yi, vi = _check_inputs(yi, vi)
    vi, _ = _clean_vi(vi)
    k = yi.size
    if k == 1:
        return 0.0
    return _tau2_he_raw(yi, vi, truncate)


def _tau2_he_raw(yi: np.ndarray, vi: np.ndarray, truncate: bool) -> float:
    k = yi.size
    yc = _r_center(yi)
    s = _invcalc_int(np.ones(k))
    P = np.full((k, k), -s)
    idx = np.arange(k)
    P[idx, idx] = 1.0 - s
    rss = _quad(yc, P)
    tr_pv = _rsum(np.diagonal(P) * vi)      # diag(P %*% diag(vi)) is exact
    tau2 = (rss - tr_pv) / (k - 1)
    if truncate:
        tau2 = max(0.0, tau2)
    return tau2


def tau2_reml(yi, vi, control: Optional[Mapping] = None) -> Tau2Fit:
    """REML estimate of tau^2, metafor 3.8-1 ``rma.uni(method="REML")``.

    Algorithm (R/rma.uni.r), intercept-only model, weights 1/(vi + tau2):

    * start: ``max(0, tau2_HE, tau2.min)`` unless ``tau2_init`` is given
      (HE estimate *untruncated* inside the max);
    * Fisher scoring: ``adj = (Ymc' P P Ymc - tr(P)) / tr(P P)``, times
      ``stepadj``; NaN ``adj`` -> 0; step halving ``while tau2 + adj <
      tau2.min``; ``tau2 += adj``; stop when ``|change| <= threshold``
      (default 1e-5); the last iterate is returned; more than ``maxiter``
      (default 100) iterations -> :class:`FisherScoringError` with R's
      message;
    * ``ll0check``: if the REML log likelihood at tau2 = 0 exceeds that at
      the estimate by more than ``tol`` (eps^0.25) and ``tau2 > threshold``,
      tau2 is set to 0 (with R's warning);
    * ``tau2 = max(tau2.min, tau2)``; ``se.tau2 = sqrt(2 / sum(P * P))`` with
      P at the final tau2.

    ``control`` accepts metafor's names (``tau2_init``/``tau2.init``,
    ``threshold``, ``maxiter``, ``stepadj``, ``tau2_min``, ``tol``,
    ``ll0check``).  For k == 1 metafor sets tau2 = 0 without estimation
    (se.tau2 is NA -> NaN here; QE = 0, I2 = 0, H2 = 1, vt = 0).
    """
    yi, vi = _check_inputs(yi, vi)
    vi, allvipos = _clean_vi(vi, fit=True)
    con = _merge_control(control)
    k = yi.size

    if con["tau2_min"] < 0 and -con["tau2_min"] > vi.min():
        con["tau2_min"] = -float(vi.min())
        warnings.warn("Value of 'tau2.min' constrained to -min(vi).",
                      MetaforWarning, stacklevel=2)
    if allvipos:
        vimaxmin = vi.max() / vi.min()
        if vimaxmin >= 1 / 1e-07:
            warnings.warn("Ratio of largest to smallest sampling variance extremely "
                          "large. May not be able to obtain stable results.",
                          MetaforWarning, stacklevel=2)

    if k == 1:
        return _fit_k1(vi, con, allvipos)

    tau2_min = float(con["tau2_min"])
    threshold = float(con["threshold"])
    maxiter = con["maxiter"]
    stepadj = float(con["stepadj"])

    yc = _r_center(yi)

    if con["tau2_init"] is None:
        he = _tau2_he_raw(yi, vi, truncate=False)
        tau2 = max(0.0, he, tau2_min)
    else:
        tau2 = float(con["tau2_init"])
    tau2_init = tau2

    change = threshold + 1.0
    it = 0
    conv = True
    while change > threshold:
        it += 1
        old2 = tau2
        wi = _weights(vi, tau2)
        s = _invcalc_int(wi)
        P = _p_matrix(wi, s)
        PP = _matmul_ref(P, P)
        adj = (_quad(yc, PP) - _tr(P)) / _tr(PP)
        adj = adj * stepadj
        if math.isnan(adj):
            adj = 0.0
        while tau2 + adj < tau2_min:
            if adj == 0.0:  # R would loop forever here (tau2 < tau2.min)
                raise MetaforError("Step halving cannot reach tau2.min "
                                   "(starting value below tau2.min).")
            adj = adj / 2
        tau2 = tau2 + adj
        change = abs(old2 - tau2)
        if it > maxiter:
            conv = False
            break

    if not conv:
        raise FisherScoringError("Fisher scoring algorithm did not converge. "
                                 "See 'help(rma)' for possible remedies.")

    ll0_reset = False
    if con["ll0check"] and allvipos:
        ll0 = _reml_loglik(yc, vi, k)
        _weights(vi, tau2)  # same checks as metafor
        ll = _reml_loglik(yc, vi + tau2, k)
        if ll0 - ll > con["tol"] and tau2 > threshold:
            warnings.warn("Fisher scoring algorithm may have gotten stuck at a local "
                          "maximum.\nSetting tau^2 = 0. Check the profile likelihood "
                          "plot with profile().", MetaforWarning, stacklevel=2)
            tau2 = 0.0
            ll0_reset = True

    wi = _weights(vi, tau2)
    s = _invcalc_int(wi)
    P = _p_matrix(wi, s)
    tau2 = max(tau2_min, tau2)
    if np.any(tau2 + vi < 0):
        raise MetaforError("Some marginal variances are negative.")
    # sum(P*P) runs over P in column-major order (P is not exactly symmetric)
    se_tau2 = math.sqrt(2.0 / _rsum((P * P).ravel(order="F")))

    if allvipos:
        wfe = 1.0 / vi
        sfe = _invcalc_int(wfe)
        Pfe = _p_matrix(wfe, sfe)
        q = _quad(yc, Pfe)
        QE = q if math.isnan(q) else max(0.0, q)   # R's max(0, NaN) is NaN
        vt = (k - 1) / _tr(Pfe)
        I2 = 100 * tau2 / (vt + tau2)
        H2 = tau2 / vt + 1
    else:
        QE = I2 = H2 = vt = math.nan
        _nonpos_het_warning(vi)

    return Tau2Fit(tau2=tau2, se_tau2=se_tau2, iterations=it, converged=True,
                   tau2_init=tau2_init, ll0_reset=ll0_reset, k=k, vt=vt,
                   I2=I2, H2=H2, QE=QE)


def qe_tau2(yi, vi, tau2: float) -> float:
    """Generalised Q statistic ``Q(tau2) = y' P y`` with weights
    1/(vi + tau2) (``.QE.func`` with ``objective = 0``; y is *not* centred)."""
    yi, vi = _check_inputs(yi, vi)
    return _qe(yi, vi, float(tau2))


def _qe(yi: np.ndarray, vi: np.ndarray, tau2val: float) -> float:
    if np.any(tau2val + vi < 0):
        raise MetaforError("Some marginal variances are negative.")
    w = 1.0 / (vi + tau2val)
    s = _invcalc_int(w)
    return _quad(yi, _p_matrix(w, s))


def _metafor_level(level: float) -> float:
    """metafor's ``.level``: 95 -> 0.05, 0.95 -> 0.05 (different rounding!)."""
    if level == 0:
        return 1.0
    if level >= 1:
        return (100 - level) / 100
    if level > 0.5:
        return 1 - level
    return level


def _qchisq_pair(alpha2: float, df: int) -> Tuple[float, float]:
    """(crit.u, crit.l) = qchisq(alpha/2, df) upper and lower tail, bit-identical to R."""
    return (float(nmath.qchisq(alpha2, df, lower_tail=False)),
            float(nmath.qchisq(alpha2, df, lower_tail=True)))


def tau2_ci_qprofile(yi, vi, tau2_hat: float, level: float = 0.95,
                     control: Optional[Mapping] = None, *,
                     ci_control: Optional[Mapping] = None,
                     crit: Optional[Tuple[float, float]] = None) -> Tau2CI:
    """Q-profile CI for tau^2, metafor 3.8-1 ``confint.rma.uni`` (type "QP").

    ``level`` is a proportion as in R meta, which calls
    ``confint.rma.uni(fit, level = 100 * level)``; metafor then uses
    ``alpha = (100 - 100*level)/100`` (exactly 0.05 for 0.95, whereas
    ``1 - 0.95`` is not).

    ``control`` is the control list given to ``rma.uni`` (``x$control``,
    e.g. meta's ``control`` argument): only its ``tau2.min``/``tau2.max``
    matter here, everything else (``maxiter``, ``threshold``, ...) belongs
    to the Fisher scoring and is ignored.  ``ci_control`` is
    ``confint.rma.uni``'s own ``control`` (``tol``, ``maxiter``,
    ``tau2.min``, ``tau2.max``), which meta never sets.

    Steps (R/confint.rma.uni.r):

    * ``tau2.min = x$control$tau2.min`` or else ``min(0, tau2_hat)``;
      ``tau2.max = x$control$tau2.max`` or else ``max(100, 10*tau2_hat,
      10*tau2.min)``; uniroot ``tol = eps^0.25``, ``maxiter = 1000``;
    * ``crit.u = qchisq(alpha/2, k-1, lower.tail=FALSE)``, ``crit.l =
      qchisq(alpha/2, k-1)``, from the bit-identical port of R's ``qchisq``
      (:mod:`pymeta.model.nmath`); ``crit=(crit_u, crit_l)`` overrides them;
    * ``Q(t) = y' P(t) y`` with weights 1/(vi + t) and *uncentred* yi;
    * upper bound: ``Q(tau2.min) < crit.l`` -> both bounds = tau2.min with
      signs "<" (``ci_null`` if tau2.min <= 0); else ``Q(tau2.max) > crit.l``
      -> ub = tau2.max with ">"; else ``uniroot(Q - crit.l)`` on
      [tau2.min, tau2.max];
    * lower bound: ``Q(tau2.max) > crit.u`` -> both bounds = tau2.max with
      ">"; else ``Q(tau2.min) < crit.u`` -> lb = tau2.min (sign "<" only if
      tau2.min > 0); else ``uniroot(Q - crit.u)``;
    * a uniroot error leaves the bound NaN (R: NA with a warning); a
      uniroot non-convergence warning is ignored (root used, as in R);
    * ``I2 = 100*tau2/(vt + tau2)``, ``H2 = tau2/vt + 1`` with ``vt =
      (k-1)/tr(P_FE)`` (``x$vt``); tau bounds are ``sqrt`` of tau2 bounds
      (NaN if negative).
    """
    yi, vi = _check_inputs(yi, vi)
    vi, allvipos = _clean_vi(vi)
    k = yi.size
    if k == 1:
        raise MetaforError("Stopped because k = 1.")
    if not allvipos:
        raise MetaforError("Cannot compute CI for tau^2 when there are non-positive "
                           "sampling variances in the data.")
    tau2_hat = float(tau2_hat)

    xcon = _norm_control(control)
    if xcon.get("tau2_min") is not None:
        tau2_min = float(xcon["tau2_min"])
    else:
        tau2_min = min(0.0, tau2_hat)
    if xcon.get("tau2_max") is not None:
        tau2_max = float(xcon["tau2_max"])
    else:
        tau2_max = max(100.0, tau2_hat * 10, tau2_min * 10)
    con = {"tol": _DBL_EPSILON ** 0.25, "maxiter": 1000,
           "tau2_min": tau2_min, "tau2_max": tau2_max}
    for key, val in _norm_control(ci_control).items():
        if key in con:
            con[key] = val
    tmin = float(con["tau2_min"])
    tmax = float(con["tau2_max"])

    alpha = _metafor_level(100 * level)
    if crit is None:
        crit_u, crit_l = _qchisq_pair(alpha / 2, k - 1)
    else:
        crit_u, crit_l = float(crit[0]), float(crit[1])

    def qfun(objective):
        return lambda t: _qe(yi, vi, t) - objective

    def root(objective):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # maxiter warning: result still used
                return uniroot(qfun(objective), min(tmin, tmax), max(tmin, tmax),
                               tol=con["tol"], maxiter=con["maxiter"]).root, True
        except (ValueError, MetaforError):
            return math.nan, False

    QE_max = _qe(yi, vi, tmax)
    QE_min = _qe(yi, vi, tmin)

    lb = ub = math.nan
    ci_null = False
    lb_conv = ub_conv = False
    lb_sign = ub_sign = ""

    if QE_min < crit_l:
        lb = ub = tmin
        lb_sign = ub_sign = "<"
        lb_conv = ub_conv = True
        if tmin <= 0:
            ci_null = True
    else:
        if QE_max > crit_l:
            ub = tmax
            ub_sign = ">"
            ub_conv = True
        else:
            ub, ub_conv = root(crit_l)

    if QE_max > crit_u:
        lb = ub = tmax
        lb_sign = ub_sign = ">"
        lb_conv = ub_conv = True
    else:
        if QE_min < crit_u:
            lb = tmin
            lb_conv = True
            if tmin > 0:
                lb_sign = "<"
        else:
            lb, lb_conv = root(crit_u)

    if not lb_conv:
        warnings.warn("Error in iterative search for the lower bound.",
                      MetaforWarning, stacklevel=2)
    if not ub_conv:
        warnings.warn("Error in iterative search for the upper bound.",
                      MetaforWarning, stacklevel=2)

    vt = _vt(vi, k)
    I2_lb = 100 * lb / (vt + lb)
    I2_ub = 100 * ub / (vt + ub)
    H2_lb = lb / vt + 1
    H2_ub = ub / vt + 1
    tau_lb = math.sqrt(lb) if lb >= 0 else math.nan
    tau_ub = math.sqrt(ub) if ub >= 0 else math.nan

    return Tau2CI(lower_tau2=lb, upper_tau2=ub, lower_tau=tau_lb, upper_tau=tau_ub,
                  lb_sign=lb_sign, ub_sign=ub_sign, lower_I2=I2_lb, upper_I2=I2_ub,
                  lower_H2=H2_lb, upper_H2=H2_ub, ci_null=ci_null, lb_conv=lb_conv,
                  ub_conv=ub_conv, tau2_min=tmin, tau2_max=tmax,
                  crit_u=crit_u, crit_l=crit_l)


# ---------------------------------------------------------------------------
# the other estimators of rma.uni (metafor 3.8-1, R/rma.uni.r), X = intercept
# ---------------------------------------------------------------------------

#: The values of ``method`` that :func:`estimate_tau2` implements.
TAU2_METHODS = ("REML", "DL", "HE", "HS", "SJ", "PM", "ML", "EB")


def _ld_sum(x) -> np.longdouble:
    """Left-to-right sum in 80-bit long double (kept in long double)."""
    return np.add.accumulate(np.asarray(x, dtype=np.longdouble))[-1]


def _r_mean(x: np.ndarray) -> float:
    """R's ``mean()`` of a double vector (summary.c: long double sum / n, then
    one refinement pass ``s += sum(x - s) / n``)."""
    n = np.longdouble(x.size)
    s = _ld_sum(x) / n
    if math.isfinite(float(s)):
        s = s + _ld_sum(x.astype(np.longdouble) - s) / n
    return float(s)


def _r_median(x: np.ndarray) -> float:
    """R's ``median.default`` (no NAs): middle value, or ``mean()`` of the two."""
    n = x.size
    srt = np.sort(x)
    half = (n + 1) // 2
    if n % 2 == 1:
        return float(srt[half - 1])
    return _r_mean(srt[half - 1:half + 1])


def _r_mad(x: np.ndarray) -> float:
    """R's ``mad(x)`` = 1.4826 * median(|x - median(x)|)."""
    return 1.4826 * _r_median(np.abs(x - _r_median(x)))


def _r_var(x: np.ndarray) -> float:
    """R's ``var(x)`` (stats cov.c, ``use = "everything"``): two-pass mean in
    long double, rounded to double, then ``sum((x - m)^2) / (n - 1)`` in long
    double."""
    n = x.size
    xl = x.astype(np.longdouble)
    tmp = _ld_sum(xl) / np.longdouble(n)
    if math.isfinite(float(tmp)):
        tmp = tmp + _ld_sum(xl - tmp) / np.longdouble(n)
    xm = np.longdouble(float(tmp))
    d = xl - xm
    return float(_ld_sum(d * d) / np.longdouble(n - 1))


def _colsum_pp(A: np.ndarray, B: np.ndarray) -> float:
    """``sum(A * B)`` in R: element-wise product, long double sum in
    column-major order."""
    return _rsum((A * B).ravel(order="F"))


def _setup(yi, vi, control, check=None):
    """rma.uni's preliminaries: inputs, control list and its warnings.

    ``check`` (no arguments) runs where rma.uni checks the model's dimensions: after
    the sampling variances are cleaned and before the tau2.min and variance-ratio
    warnings (metafor 3.8-1, R/rma.uni.r), so a fit that stops there gives none."""
    yi, vi = _check_inputs(yi, vi)
    vi, allvipos = _clean_vi(vi, fit=True)
    if check is not None:
        check()
    con = _merge_control(control)
    user = _norm_control(control)
    # [c] adaptive tau2.max (only PM uses it), replaced by a user value
    mad = _r_mad(yi)
    con["tau2_max"] = max(100.0, 10 * (mad * mad))
    if user.get("tau2_max") is not None:
        con["tau2_max"] = float(user["tau2_max"])
    if con["tau2_min"] < 0 and -con["tau2_min"] > vi.min():
        con["tau2_min"] = -float(vi.min())
        warnings.warn("Value of 'tau2.min' constrained to -min(vi).",
                      MetaforWarning, stacklevel=3)
    if allvipos:
        if vi.max() / vi.min() >= 1 / 1e-07:
            warnings.warn("Ratio of largest to smallest sampling variance extremely "
                          "large. May not be able to obtain stable results.",
                          MetaforWarning, stacklevel=3)
    return yi, vi, allvipos, con


def _rdiv(a: float, b: float) -> float:
    """R's double division: IEEE results (Inf, -Inf, NaN) instead of Python's
    ZeroDivisionError."""
    with np.errstate(all="ignore"):
        return float(np.float64(a) / np.float64(b))


def _het_fields(yc: np.ndarray, vi: np.ndarray, k: int, tau2: float,
                allvipos: bool) -> Tuple[float, float, float, float]:
    """(QE, vt, I2, H2) of rma.uni's heterogeneity block (i2def "1")."""
    if not allvipos:
        _nonpos_het_warning(vi)
        return math.nan, math.nan, math.nan, math.nan
    wfe = 1.0 / vi
    sfe = _invcalc_int(wfe)
    Pfe = _p_matrix(wfe, sfe)
    q = _quad(yc, Pfe)
    QE = q if math.isnan(q) else max(0.0, q)       # R's max(0, NaN) is NaN
    vt = _rdiv(k - 1, _tr(Pfe))
    return QE, vt, _rdiv(100 * tau2, vt + tau2), _rdiv(tau2, vt) + 1


def _fit(yc, vi, k, allvipos, tau2, se, *, it=0, init=math.nan, reset=False) -> Tau2Fit:
    QE, vt, I2, H2 = _het_fields(yc, vi, k, tau2, allvipos)
    return Tau2Fit(tau2=tau2, se_tau2=se, iterations=it, converged=True, tau2_init=init,
                   ll0_reset=reset, k=k, vt=vt, I2=I2, H2=H2, QE=QE)


def _finish_tau2(tau2: float, vi: np.ndarray, con: dict) -> float:
    """``tau2 <- max(con$tau2.min, c(tau2))`` and the marginal-variance check."""
    tau2 = max(float(con["tau2_min"]), tau2)
    if not math.isnan(tau2) and np.any(tau2 + vi < 0):
        raise MetaforError("Some marginal variances are negative.")
    return tau2


def _ml_loglik(yc: np.ndarray, v: np.ndarray, k: int) -> float:
    """The ML log likelihood of the ``ll0check`` (weights 1/v)."""
    wi = 1.0 / v
    s = _invcalc_int(wi)
    beta = _seqsum(yc * (wi * s))
    r = yc - beta
    rss = _rsum(wi * (r * r))
    return ((((-1.0 / 2.0) * k) * math.log(2.0 * math.pi)
             - 0.5 * _rsum(_r_log(v))) - 0.5 * rss)


def _tau2_dl(yi, vi, allvipos, con, k):
    if not allvipos:
        raise MetaforError("DL estimator cannot be used when there are non-positive "
                           "sampling variances in the data.")
    yc = _r_center(yi)
    wi = 1.0 / vi
    P = _p_matrix(wi, _invcalc_int(wi))
    rss = _quad(yc, P)
    trP = _tr(P)
    tau2 = _finish_tau2(_rdiv(rss - (k - 1), trP), vi, con)
    t = max(tau2, 0.0)
    se = r_sqrt(_rdiv(1, trP * trP) * ((2 * (k - 1) + 4 * t * trP)
                                        + 2 * (t * t) * _colsum_pp(P, P)))
    return _fit(yc, vi, k, allvipos, tau2, se)


def _tau2_hs(yi, vi, allvipos, con, k):
    if not allvipos:
        raise MetaforError("HS estimator cannot be used when there are non-positive "
                           "sampling variances in the data.")
    yc = _r_center(yi)
    wi = 1.0 / vi
    P = _p_matrix(wi, _invcalc_int(wi))
    rss = _quad(yc, P)
    sw = _rsum(wi)
    tau2 = _finish_tau2(_rdiv(rss - k, sw), vi, con)
    t = max(tau2, 0.0)
    se = r_sqrt(_rdiv(1, sw * sw) * ((2 * (k - 1) + 4 * t * _tr(P))
                                      + 2 * (t * t) * _colsum_pp(P, P)))
    return _fit(yc, vi, k, allvipos, tau2, se)


def _tau2_he(yi, vi, allvipos, con, k):
    yc = _r_center(yi)
    s = _invcalc_int(np.ones(k))
    P = np.full((k, k), -s)
    idx = np.arange(k)
    P[idx, idx] = 1.0 - s
    rss = _quad(yc, P)
    PV = P * vi[None, :]                      # P %*% diag(vi): exact products
    trPV = _tr(PV)
    tau2 = _finish_tau2((rss - trPV) / (k - 1), vi, con)
    t = max(tau2, 0.0)
    se = math.sqrt(1 / ((k - 1) * (k - 1)) * ((2 * _colsum_pp(PV, PV.T) + 4 * t * trPV)
                                              + 2 * (t * t) * (k - 1)))
    return _fit(yc, vi, k, allvipos, tau2, se)


def _tau2_sj(yi, vi, allvipos, con, k):
    yc = _r_center(yi)
    if con["tau2_init"] is None:
        tau2_0 = _r_var(yc) * (k - 1) / k
    else:
        tau2_0 = float(con["tau2_init"])
    wi = 1.0 / (vi + tau2_0)
    P = _p_matrix(wi, _invcalc_int(wi))
    rss = _quad(yc, P)
    PV = P * vi[None, :]
    tau2 = _finish_tau2(tau2_0 * rss / (k - 1), vi, con)
    t = max(tau2, 0.0)
    se = math.sqrt((tau2_0 * tau2_0) / ((k - 1) * (k - 1))
                   * ((2 * _colsum_pp(PV, PV.T) + 4 * t * _colsum_pp(PV, P))
                      + 2 * (t * t) * _colsum_pp(P, P)))
    return _fit(yc, vi, k, allvipos, tau2, se, init=tau2_0)


def _se_pm_eb(vi: np.ndarray, tau2: float, k: int) -> float:
    """``sqrt(2*k^2/(k-p) / sum(wi)^2)`` with wi = 1/(vi + tau2)."""
    sw = _rsum(1.0 / (vi + tau2))
    return math.sqrt(2 * (k * k) / (k - 1) / (sw * sw))


def pm_root(qe, target: float, tmin: float, con: dict) -> float:
    """rma.uni's Paule-Mandel step: the root of ``qe(tau2) = target`` (the generalised Q
    against its df) by uniroot on [tau2.min, tau2.max], tau2.min when Q is already below
    the target there; metafor's errors, uniroot's warnings as R's user sees them."""
    tmax = float(con["tau2_max"])
    if qe(tmin) < target:
        return tmin
    if qe(tmax) > target:
        raise MetaforError("Value of 'tau2.max' too low. Try increasing 'tau2.max' or "
                           "switch to another 'method'.")
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            tau2 = uniroot(lambda t: qe(t) - target, tmin, tmax,
                           tol=float(con["tol"]), maxiter=int(con["maxiter"])).root
    except (ValueError, MetaforError):
        raise MetaforError("Error in iterative search for tau2 using uniroot().")
    for c in caught:   # uniroot's "_NOT_ converged in ..." reaches R's user as is
        warnings.warn(str(c.message), MetaforWarning, stacklevel=3)
    return tau2


def _tau2_pm(yi, vi, allvipos, con, k):
    if not allvipos:
        raise MetaforError("PM estimator cannot be used when there are non-positive "
                           "sampling variances in the data.")
    yc = _r_center(yi)
    tau2 = pm_root(lambda t: _qe(yc, vi, t), k - 1, float(con["tau2_min"]), con)
    tau2 = _finish_tau2(tau2, vi, con)
    return _fit(yc, vi, k, allvipos, tau2, _se_pm_eb(vi, tau2, k))


def fisher_step(tau2: float, adj: float, con: dict) -> float:
    """One Fisher scoring update of rma.uni: ``adj * stepadj`` (0 if NA), halved while
    ``tau2 + adj < tau2.min``."""
    adj = float(adj) * float(con["stepadj"])
    if math.isnan(adj):
        adj = 0.0
    while tau2 + adj < float(con["tau2_min"]):
        if adj == 0.0:
            raise MetaforError("Step halving cannot reach tau2.min "
                               "(starting value below tau2.min).")
        adj = adj / 2
    return tau2 + adj


def _tau2_fisher(yi, vi, allvipos, con, k, method):
    """ML and EB: Fisher scoring from the (untruncated) HE value as rma.uni does."""
    yc = _r_center(yi)
    tau2_min = float(con["tau2_min"])
    threshold = float(con["threshold"])
    if con["tau2_init"] is None:
        tau2 = max(0.0, _tau2_he_raw(yi, vi, truncate=False), tau2_min)
    else:
        tau2 = float(con["tau2_init"])
    tau2_init = tau2
    change = threshold + 1.0
    it = 0
    conv = True
    while change > threshold:
        it += 1
        old2 = tau2
        wi = _weights(vi, tau2)
        s = _invcalc_int(wi)
        P = _p_matrix(wi, s)
        if method == "ML":
            PP = _matmul_ref(P, P)
            adj = (_quad(yc, PP) - _rsum(wi)) / _rsum(wi * wi)
        else:  # EB
            adj = (_quad(yc, P) * k / (k - 1) - k) / _rsum(wi)
        tau2 = fisher_step(tau2, adj, con)
        change = abs(old2 - tau2)
        if it > con["maxiter"]:
            conv = False
            break
    if not conv:
        raise FisherScoringError("Fisher scoring algorithm did not converge. "
                                 "See 'help(rma)' for possible remedies.")
    reset = False
    if method == "ML" and con["ll0check"] and allvipos:
        ll0 = _ml_loglik(yc, vi, k)
        _weights(vi, tau2)
        ll = _ml_loglik(yc, vi + tau2, k)
        if ll0 - ll > con["tol"] and tau2 > threshold:
            warnings.warn("Fisher scoring algorithm may have gotten stuck at a local "
                          "maximum.\nSetting tau^2 = 0. Check the profile likelihood "
                          "plot with profile().", MetaforWarning, stacklevel=3)
            tau2 = 0.0
            reset = True
    wi = _weights(vi, tau2)
    tau2 = _finish_tau2(tau2, vi, con)
    if method == "ML":
        se = math.sqrt(2 / _rsum(wi * wi))
    else:
        se = _se_pm_eb(vi, tau2, k)
    return _fit(yc, vi, k, allvipos, tau2, se, it=it, init=tau2_init, reset=reset)


def estimate_tau2(yi, vi, method: str = "REML", control: Optional[Mapping] = None) -> Tau2Fit:
    """tau^2 of ``rma.uni(yi, vi, method = method, control = control)``, metafor 3.8-1.

    ``method`` is one of :data:`TAU2_METHODS`; every estimator follows its
    block of R/rma.uni.r operation by operation, with rma.uni's default
    controls unless ``control`` (metafor's names) says otherwise:

    * DL: ``(Q - (k-1)) / tr(P)`` with weights 1/vi, truncated at tau2.min (0);
    * HE: ``(RSS - tr(PV)) / (k-1)`` with unit weights;
    * HS: ``(Q - k) / sum(1/vi)``;
    * SJ: one step from ``tau2.0 = var(yi) (k-1)/k`` (or ``tau2.init``):
      ``tau2.0 * Q(tau2.0) / (k-1)`` (metafor 3.8-1's SJ does not iterate);
    * PM: root of ``Q(tau2) = k-1`` by ``uniroot`` on [tau2.min, tau2.max]
      (tau2.max = max(100, 10 mad(yi)^2)), tol eps^0.25, maxiter 100; tau2.min
      when ``Q(tau2.min) < k-1``; an error when ``Q(tau2.max) > k-1``;
    * ML, EB: Fisher scoring from ``max(0, HE, tau2.min)`` (threshold 1e-5,
      maxiter 100, step halving), ML with the ``ll0check``;
    * REML: :func:`tau2_reml`.

    The standard errors are metafor's formulas for each method, ``I2``,
    ``H2``, ``vt`` and ``QE`` those of the fitted object.
    """
    if method == "REML":
        return tau2_reml(yi, vi, control)
    if method not in TAU2_METHODS:
        raise NotImplementedError(f"method = '{method}' is not implemented")
    yi, vi, allvipos, con = _setup(yi, vi, control)
    k = yi.size
    if k == 1:
        return _fit_k1(vi, con, allvipos)
    if method == "DL":
        return _tau2_dl(yi, vi, allvipos, con, k)
    if method == "HE":
        fit = _tau2_he(yi, vi, allvipos, con, k)
        _weights(vi, fit.tau2)   # rma.uni's model fitting: wi = 1/(vi + tau2), checked
        return fit
    if method == "HS":
        return _tau2_hs(yi, vi, allvipos, con, k)
    if method == "SJ":
        fit = _tau2_sj(yi, vi, allvipos, con, k)
        _weights(vi, fit.tau2)
        return fit
    if method == "PM":
        return _tau2_pm(yi, vi, allvipos, con, k)
    return _tau2_fisher(yi, vi, allvipos, con, k, method)
