"""Meta-analysis with user-specified weights (R meta 8.5 ``metagen`` arguments
``weights.common`` / ``weights.random``).

R meta hands such analyses to metafor: ``runUSW`` / ``extrUSW`` in ``R/meta-aux.R`` fit
``rma.uni(yi, sei, weights, method, test)`` on the usable studies (``method = "FE"`` for the
common effect model, ``method.tau`` for the random effects model, ``test = "t"`` for a
Hartung-Knapp CI and ``"z"`` otherwise). For an intercept-only model metafor's weighted
least squares fit is

* estimate ``b = sum(w * y) / sum(w)``,
* variance ``sum(w^2 * (v + tau2)) / sum(w)^2`` (``tau2 = 0`` for the common effect model;
  no Hartung-Knapp rescaling for ``test = "t"``, only t quantiles with ``k - 1`` df),

with ``tau2`` estimated as without weights (metafor's estimators ignore ``weights``).
meta then keeps metafor's weights (only the usable studies), its CI limits, recomputes the
test with ``ci()`` and derives prediction intervals with ``calcPI`` (``R/meta-aux.R``):
``sqrt(se^2 + tau2)`` with ``k - 1`` (V), ``k - 2`` (HTS), normal (S) or, for every other
method, NA df (a normal interval reported with ``df = Inf``).

Quirks kept as R has them: the common effect test statistic is
``(TE.common - 2 * null.effect) / seTE.common`` (``extrUSW`` subtracts the null effect before
``ci()`` subtracts it again); ``tau.preset`` and ``TE.tau`` do not reach the weighted
random effects fit; Hartung-Knapp, Kenward-Roger and ad hoc fields are NA.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from . import tau2 as t2
from .heterogeneity import calc_Rb
from .intervals import ci
from .rmath import r_take, rsum
from .tau2 import MetaforWarning, _dnrm2

__all__ = ["UswWarning", "fit_weights", "drop_missing_weights", "common_usw", "random_usw", "predict_df", "variance_ratio_warning",
           "check_all_infinite", "tau2_infinite_vi"]

NA = math.nan


class UswWarning(MetaforWarning):
    """metafor's warnings from the fits with user-specified weights (marked so that the
    warnings of metagen's common tau2 across subgroups can be placed before them)."""


def variance_ratio_warning(vi) -> None:
    """rma.uni's check of the sampling variances, which every fit repeats (also the common
    effect fit, which estimates no tau2)."""
    vi = np.asarray(vi, dtype=float)
    if vi.size and np.all(vi > 0):
        with np.errstate(invalid="ignore"):    # Inf / Inf: R's NaN, no warning
            ratio = vi.max() / vi.min()
        if np.isfinite(ratio) and ratio >= 1 / 1e-07:
            warnings.warn("Ratio of largest to smallest sampling variance extremely large. May "
                          "not be able to obtain stable results.", MetaforWarning, stacklevel=3)


def _wls(y, v, w, tau2: float) -> tuple[float, float]:
    """metafor's weighted least squares intercept and its standard error."""
    sw = rsum(w)
    b = rsum(w * y) / sw
    if y.size > 1 and np.isinf(v).any():
        # metafor's A %*% M %*% A with an infinite variance on M's diagonal: 0 * Inf = NaN
        return float(b), NA
    var = rsum(w * w * (v + tau2)) / (sw * sw)
    return float(b), math.sqrt(var)


def _fe_qr_singular(v) -> bool:
    """Whether the heterogeneity block of ``rma.uni`` (all ``vi > 0``, ``k > 1``) stops in
    ``.invcalc(X, W = diag(1/vi))``: ``qr.solve`` of the single column ``sqrt(1/vi)`` finds
    rank 0 when LINPACK ``dqrdc2`` sees its norm below 1e-7 times itself (the reference
    norm is 1 when the column's norm is 0), i.e. a zero (every ``vi`` infinite) or NaN norm."""
    if v.size <= 1 or not np.all(v > 0):
        return False
    nrm = _dnrm2(np.sqrt(1.0 / v))
    return not nrm >= (nrm if nrm != 0.0 else 1.0) * 1e-7


def fit_weights(weights, sel) -> np.ndarray:
    """The weights ``rma.uni`` receives: meta's ``weights.common[sel.4]`` (metagen (12)),
    then metafor's own length rules.

    ``weights`` are the user weights as meta keeps them, ``sel`` the usable studies
    (``!is.na(TE) & !is.na(seTE) & !exclude``). metagen does not subset the user weights
    with ``subset`` (meta 8.5, section (6)), so with ``subset`` they have the length of all
    studies given while ``sel`` covers only the subset: R recycles the shorter logical index
    over the weights. metafor's ``rma.uni`` then repeats a single weight for every study and
    stops when the lengths differ. Without ``subset`` this is ``weights[sel]``.
    """
    w = np.asarray(weights, dtype=float)
    sel = np.asarray(sel, dtype=bool)
    out = r_take(w, sel)   # meta checked length(weights) == k.All >= length(sel)
    k = int(sel.sum())
    if out.size == 1:
        out = np.full(k, out[0])
    if out.size != k:
        raise ValueError("Length of 'yi' and 'weights' is not the same.")
    return out


def drop_missing_weights(sel, w, warn: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """rma.uni's NA handling of the weights (``na.action = "na.omit"``): studies whose
    weight is missing leave the fit, with metafor's warning, and none left stops it.
    Returns the studies fitted (a mask like ``sel``) and their weights."""
    sel = np.asarray(sel, dtype=bool)
    miss = np.isnan(w)
    if not miss.any():
        return sel, w
    if warn:
        warnings.warn("Studies with NAs omitted from model fitting.", MetaforWarning,
                      stacklevel=3)
    if miss.all():
        raise ValueError("Processing terminated since k = 0.")
    fit = sel.copy()
    fit[sel] = ~miss
    return fit, w[~miss]


def common_usw(TE, seTE, sel, w, opts) -> dict:
    """Common effect fields from ``rma.uni(..., weights, method = "FE")`` (meta ``extrUSW``);
    ``w`` from :func:`fit_weights`."""
    y, v, w = TE[sel], seTE[sel] ** 2, np.asarray(w, dtype=float)
    if _fe_qr_singular(v):
        raise ValueError("singular matrix 'a' in solve")
    b, se = _wls(y, v, w, 0.0)
    lim = ci(b, se, opts.level_ma)
    test = ci(b - opts.null_effect, se, null_effect=opts.null_effect)
    return dict(w_common=w, TE_common=b, seTE_common=se,
                lower_common=float(lim.lower), upper_common=float(lim.upper),
                statistic_common=float(test.statistic), pval_common=float(test.p))


def predict_df(method_predict: tuple, k: int) -> np.ndarray:
    """meta's ``set_df_predict``: the df of a prediction interval from ``calcPI``."""
    out = []
    for m in method_predict:
        if m == "V" and k >= 2:
            out.append(k - 1.0)
        elif m == "HTS" and k >= 3:
            out.append(k - 2.0)
        elif m == "S":
            out.append(math.inf)
        else:
            out.append(NA)
    return np.array(out)


def random_usw(TE, seTE, sel, w, tau2_fit: float, k: int, opts, method_random_ci: tuple,
               method_predict: tuple, Q: float, df_Q: float) -> dict:
    """Random effects and prediction fields from ``rma.uni(..., weights, method.tau)``
    (meta ``runUSW`` / ``extrUSW`` / ``calcPI``; ``tau2_fit`` is metafor's estimate, ``w``
    from :func:`fit_weights`; ``k`` is meta's number of studies, ``sel`` those fitted)."""
    tau2 = tau2_fit if k > 1 else NA
    tau2_calc = 0.0 if math.isnan(tau2) else tau2
    y, v, w = TE[sel], seTE[sel] ** 2, np.asarray(w, dtype=float)
    b, se = _wls(y, v, w, tau2_calc)
    n = len(method_random_ci)
    hk = [m == "HK" for m in method_random_ci]
    lower, upper = np.empty(n), np.empty(n)
    for i in range(n):
        # metafor's limits: t with its own k - 1 df (k studies fitted; z for one)
        lim = ci(b, se, opts.level_ma, df=(y.size - 1) if hk[i] and y.size > 1 else None)
        lower[i], upper[i] = float(lim.lower), float(lim.upper)
    test = ci(np.full(n, b), np.full(n, se), opts.level_ma, null_effect=opts.null_effect,
              df=np.array([k - 1.0 if h else math.inf for h in hk]))
    se_pred = math.sqrt(se * se + tau2_calc)
    dfp = predict_df(method_predict, k)
    pred = ci(np.full(dfp.size, b), np.full(dfp.size, se_pred), opts.level_predict, df=dfp)
    Rb = calc_Rb(seTE[~np.isnan(seTE)], se, tau2_calc, Q, df_Q, opts.level_ma)
    return dict(
        w_random=w, TE_random=b if n == 1 else np.full(n, b), seTE_random=np.full(n, se),
        statistic_random=np.asarray(test.statistic), pval_random=np.asarray(test.p),
        df_random=np.array([k - 1.0 if h else NA for h in hk]),
        lower_random=lower, upper_random=upper, seTE_classic=se,
        df_hakn_ci=NA, seTE_hakn_ci=NA, seTE_hakn_adhoc_ci=NA, df_kero=NA, seTE_kero=NA,
        df_hakn_pi=NA, seTE_hakn_pi=NA, seTE_hakn_adhoc_pi=NA,
        seTE_predict=np.full(dfp.size, se_pred), df_predict=np.asarray(pred.df),
        lower_predict=np.asarray(pred.lower), upper_predict=np.asarray(pred.upper),
        Rb=Rb.TE, lower_Rb=Rb.lower, upper_Rb=Rb.upper, tau2_calc=tau2_calc,
        method_random_ci=tuple(method_random_ci), method_predict=tuple(method_predict))


# ------------------------------------------------------------- studies of infinite variance
#
# meta's hetcalc leaves studies with an infinite TE or seTE out, but runUSW hands every
# usable study to rma.uni, so the weighted fits see vi = Inf (and, e.g. for a risk ratio
# with a zero cell and incr = 0, yi = +-Inf). metafor has no special case for them: its
# estimators run on as they are, with R's arithmetic (1 / Inf = 0, Inf - Inf = NaN,
# max() of a NaN is NaN), and stop where an ``if`` meets NA or LINPACK meets NaN. The
# functions below follow rma.uni (metafor 3.8-1, intercept-only model, all vi > 0 as
# metagen sets zero standard errors to NA) through those paths.

_NA_IF = "missing value where TRUE/FALSE needed"       # R's if (NA)
_FFI_NAN = "NA/NaN/Inf in foreign function call (arg 1)"  # qr() (LINPACK dqrdc2) on NaN
_SINGULAR = "singular matrix 'a' in solve"                # qr.solve() of a zero column


def _rmax(*xs: float) -> float:
    """R's ``max()`` of numbers: NaN as soon as one of them is NaN."""
    if any(math.isnan(x) for x in xs):
        return NA
    return max(xs)


def _invcalc(w: np.ndarray) -> float:
    """metafor's ``.invcalc(X = 1, W = diag(w))``: ``qr.solve(sqrt(W) %*% X, diag(k))``,
    which stops on a NaN weight (LINPACK) and on a column of zero weights (rank 0)."""
    if np.isnan(w).any():
        raise ValueError(_FFI_NAN)
    if not (w != 0).any():
        raise ValueError(_SINGULAR)
    return t2._invcalc_int(w)


def check_all_infinite(vi) -> None:
    """rma.uni's heterogeneity block (every method, also the common effect fit) inverts
    ``diag(1 / vi)`` when k > 1: with every vi infinite that is a zero matrix."""
    vi = np.asarray(vi, dtype=float)
    if vi.size > 1:
        _invcalc(1.0 / vi)


def tau2_infinite_vi(yi, vi, method: str, control=None) -> float:
    """``rma.uni(yi, vi, weights, method)$tau2`` for k >= 2 studies, some of infinite
    sampling variance (all vi > 0), or ValueError with R's message where rma.uni stops.

    With finite yi the infinite-variance studies get weight 1 / Inf = 0 in every
    inverse-variance sum but still count in k: DL gives ``(Q - (k - 1)) / tr(P)``, HS
    ``(Q - k) / sum(1/vi)``, PM the root of ``Q(tau2) = k - 1``, EB scores with
    ``k / (k - 1)``, SJ and ML / REML are those of the finite studies; HE is
    ``(RSS - Inf) / (k - 1)``, i.e. 0, which is also where ML, REML and EB start. The
    log likelihood check of ML and REML compares -Inf with -Inf: R stops when the
    estimate exceeds ``threshold`` (``NA && TRUE``) and carries on otherwise.

    With an infinite yi the centred estimates hold NaN: every Q is NaN, so DL, HS and HE
    return NaN (meta then uses tau2 = 0), PM and ML / REML / EB stop in an ``if`` on NA
    (ML / REML / EB through their NaN starting value) and SJ in ``qr()``.
    """
    yi = np.asarray(yi, dtype=float)
    vi = np.asarray(vi, dtype=float)
    k = yi.size
    con = t2._merge_control(control)
    user = t2._norm_control(control)
    tmin = float(con["tau2_min"])
    if tmin < 0 and -tmin > vi.min():
        tmin = con["tau2_min"] = -float(vi.min())
        warnings.warn("Value of 'tau2.min' constrained to -min(vi).", MetaforWarning,
                      stacklevel=3)
    # the ratio check of rma.uni skips an infinite max(vi) / min(vi): no warning
    finite_y = bool(np.isfinite(yi).all())
    yc = t2._r_center(yi) if finite_y else None

    def quad(M: np.ndarray) -> float:          # crossprod(Ymc, M) %*% Ymc
        return t2._quad(yc, M) if finite_y else NA

    def p_matrix(w: np.ndarray) -> np.ndarray:
        return t2._p_matrix(w, _invcalc(w))

    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if method in ("DL", "HS"):
            wi = 1.0 / vi
            P = p_matrix(wi)
            if method == "DL":
                tau2 = np.float64(quad(P) - (k - 1)) / np.float64(t2._tr(P))
            else:
                tau2 = np.float64(quad(P) - k) / np.float64(t2._rsum(wi))
        elif method == "HE":
            # tr(P V) is +Inf (diagonal of P positive): (RSS - Inf) / (k - 1)
            tau2 = -math.inf if finite_y else NA
        elif method == "SJ":
            if con["tau2_init"] is None:
                tau2_0 = t2._r_var(yc) * (k - 1) / k if finite_y else NA
            else:
                tau2_0 = float(con["tau2_init"])
            P = p_matrix(1.0 / (vi + tau2_0))
            tau2 = np.float64(tau2_0) * quad(P) / (k - 1)
        elif method == "PM":
            mad = t2._r_mad(yi) if finite_y else NA
            con["tau2_max"] = (float(user["tau2_max"]) if user.get("tau2_max") is not None
                               else _rmax(100.0, 10 * (mad * mad)))

            def qe(t: float) -> float:
                if np.any(t + vi < 0):
                    raise t2.MetaforError("Some marginal variances are negative.")
                return quad(p_matrix(1.0 / (vi + t)))

            if math.isnan(qe(tmin)):
                raise ValueError(_NA_IF)
            tau2 = t2.pm_root(qe, k - 1, tmin, con)
        elif method in ("ML", "REML", "EB"):
            tau2 = _fisher_infinite(yi, vi, yc, quad, p_matrix, method, con, k)
        else:
            raise NotImplementedError(
                f"method.tau = '{method}' with user-specified weights and a study of "
                "infinite standard error is not implemented in pymeta.")
        tau2 = _rmax(tmin, float(tau2))
        if not math.isnan(tau2) and np.any(tau2 + vi < 0):
            raise t2.MetaforError("Some marginal variances are negative.")
    check_all_infinite(vi)     # the heterogeneity block (reached by HE with all vi = Inf)
    return tau2


def _fisher_infinite(yi, vi, yc, quad, p_matrix, method, con, k) -> float:
    """rma.uni's Fisher scoring (ML, REML, EB) as in :func:`tau2_infinite_vi`."""
    finite_y = yc is not None
    tmin = float(con["tau2_min"])
    threshold = float(con["threshold"])
    if con["tau2_init"] is None:
        tau2 = _rmax(0.0, -math.inf if finite_y else NA, tmin)   # HE start
    else:
        tau2 = float(con["tau2_init"])
    change = threshold + 1.0
    it = 0
    while change > threshold:
        it += 1
        old2 = tau2
        if math.isnan(tau2):                   # any(tau2 + vi < 0) is NA
            raise ValueError(_NA_IF)
        if np.any(tau2 + vi < 0):
            raise t2.MetaforError("Some marginal variances are negative.")
        wi = 1.0 / (vi + tau2)
        if np.isinf(wi).any():
            raise t2.MetaforError("Division by zero when computing the inverse variance "
                                  "weights.")
        P = p_matrix(wi)
        if method == "ML":
            adj = (quad(t2._matmul_ref(P, P)) - t2._rsum(wi)) / np.float64(t2._rsum(wi * wi))
        elif method == "REML":
            PP = t2._matmul_ref(P, P)
            adj = (quad(PP) - t2._tr(P)) / np.float64(t2._tr(PP))
        else:
            adj = (quad(P) * k / (k - 1) - k) / np.float64(t2._rsum(wi))
        tau2 = t2.fisher_step(tau2, float(adj), con)
        change = abs(old2 - tau2)
        if it > con["maxiter"]:
            raise t2.FisherScoringError("Fisher scoring algorithm did not converge. "
                                        "See 'help(rma)' for possible remedies.")
    if method in ("ML", "REML") and con["ll0check"]:
        # the log likelihoods at 0 and at tau2 are both -Inf (sum(log(vi)) = Inf; NaN with
        # an infinite yi): if (NaN > tol && tau2 > threshold)
        p_matrix(1.0 / vi)
        if math.isnan(tau2) or tau2 > threshold:
            raise ValueError(_NA_IF)
    if np.any(tau2 + vi < 0):
        raise t2.MetaforError("Some marginal variances are negative.")
    p_matrix(1.0 / (vi + tau2))
    return tau2


def fit_infinite_vi(yi, vi, method: str, control=None) -> "t2.Tau2Fit":
    """The estimator's part of ``rma.uni(yi, vi, weights, method)`` on the path of
    :func:`tau2_infinite_vi` as metafor's object holds it (meta's ``keeprma = TRUE``):
    tau2, its standard error by the method's formula (metafor 3.8-1, with 1 / Inf = 0 in
    the weights; HE's and SJ's ``P V`` terms are infinite, so NaN) and the heterogeneity
    block's QE, vt, I2 and H2."""
    yi = np.asarray(yi, dtype=float)
    vi = np.asarray(vi, dtype=float)
    k = yi.size
    tau2 = tau2_infinite_vi(yi, vi, method, control)
    finite_y = bool(np.isfinite(yi).all())
    yc = t2._r_center(yi) if finite_y else np.full(k, NA)
    t = max(tau2, 0.0)
    with np.errstate(all="ignore"):
        wfe = 1.0 / vi
        if method in ("DL", "HS"):
            P = t2._p_matrix(wfe, _invcalc(wfe))
            trP = t2._tr(P)
            den = trP if method == "DL" else t2._rsum(wfe)
            se = (1 / (den * den)) * ((2 * (k - 1) + 4 * t * trP)
                                      + 2 * (t * t) * t2._colsum_pp(P, P))
        elif method in ("HE", "SJ"):
            if method == "HE":
                w0, scale = np.ones(k), 1 / ((k - 1) * (k - 1))
            else:
                con = t2._merge_control(control)
                tau2_0 = (t2._r_var(yc) * (k - 1) / k if con["tau2_init"] is None
                          else float(con["tau2_init"]))
                w0, scale = 1.0 / (vi + tau2_0), (tau2_0 * tau2_0) / ((k - 1) * (k - 1))
            P = t2._p_matrix(w0, _invcalc(w0))
            PV = P * vi[None, :]
            cross = 4 * t * (t2._tr(PV) if method == "HE" else t2._colsum_pp(PV, P))
            last = 2 * (t * t) * ((k - 1) if method == "HE" else t2._colsum_pp(P, P))
            se = scale * ((2 * t2._colsum_pp(PV, PV.T) + cross) + last)
        elif method == "ML":
            wi = 1.0 / (vi + tau2)
            se = 2 / t2._rsum(wi * wi)
        elif method == "REML":
            wi = 1.0 / (vi + tau2)
            P = t2._p_matrix(wi, _invcalc(wi))
            se = 2 / t2._colsum_pp(P, P)
        else:                                   # PM, EB
            sw = t2._rsum(1.0 / (vi + tau2))
            se = 2 * (k * k) / (k - 1) / (sw * sw)
        se = float(np.sqrt(np.float64(se)))
        QE, vt, I2, H2 = t2._het_fields(yc, vi, k, tau2, True)
    return t2.Tau2Fit(tau2=tau2, se_tau2=se, iterations=0, converged=True,
                      tau2_init=NA, ll0_reset=False, k=k, vt=vt, I2=I2, H2=H2, QE=QE)
