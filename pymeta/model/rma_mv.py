"""The three-level random-effects model that R meta fits when ``cluster`` repeats.

R meta 8.5 hands a meta-analysis with a ``cluster`` variable (estimates nested in
clusters) to metafor 3.8-1::

    V <- vcalc(vi = seTE^2, cluster = cluster, obs = idx, rho = rho)
    rma.mv(yi = TE, V = V, random = ~ 1 | cluster / idx, method = "REML" or "ML",
           test = "z" or "t", level = 100 * level.ma, data = data.frame(cluster, idx))

and profiles each variance component with ``confint.rma.mv`` (the default
``method.tau.ci = "PL"`` of three-level models).  This module computes the numbers of
that fit, for the intercept-only model meta uses, following metafor's code paths
(``vcalc`` in R/vcalc.r, ``rma.mv`` in R/rma.mv.r, its objective ``.ll.rma.mv`` in
R/misc.func.hidden.mv.r, ``confint.rma.mv`` with ``.profile.rma.mv`` in
R/confint.rma.mv.r and R/misc.func.hidden.prof.r, ``weights.rma.mv``) operation by
operation, so that the results equal R's bit for bit.

The model
---------
With ``k`` estimates ``y`` and the base covariance ``V``, the marginal covariance is
``M = V + sigma2_1 D1 + sigma2_2 I`` where ``D1[i, j] = 1`` when estimates ``i`` and
``j`` belong to the same cluster: ``sigma2_1`` is the between-cluster and ``sigma2_2``
the within-cluster variance.  The components are estimated by maximising the
restricted (REML) or full (ML) log likelihood with R's ``nlminb`` over
``log(sigma2)``; metafor passes a 6-vector (the two log variances plus four unused
slots of its other random-effect structures, all 0), and the port of ``nlminb`` must
see the same vector to take the same finite-difference steps.

How metafor evaluates it (and therefore how it is done here):

* ``vcalc`` builds a correlation matrix whose diagonal is 1 for the *first* row only
  and ``2 / (sqrt(2) * sqrt(2)) = 1 - 2^-52`` for all later rows (its general formula
  for ``type``/``time`` structures, evaluated with the defaults), within-cluster
  correlations ``(rho * 2) / (sqrt(2) * sqrt(2))``, and then ``V = S R S`` with
  ``S = diag(sqrt(vi))``, i.e. ``V[i, j] = (R[i, j] * s_i) * s_j``.  With ``rho != 0``
  this ``V`` is not exactly symmetric, and both triangles matter (the LU factorisation
  of the determinant reads the whole matrix).
* Start value: ``U = chol(chol2inv(chol(V)))``, ``sX = U 1``, ``sY = U y``, the
  weighted mean ``b = (sX.sY) / (sX.sX)``, then
  ``total = max(0.004, var(y - b) - 1 / mean(1 / diag(V)))`` and both components start
  at ``log(total / 4)`` (metafor divides by the number of its potential variance
  components, 2 + 1 + 1).  ``QE = sum((sY - sX b)^2)`` comes from the same step.
* Objective at ``par``: ``sigma2 = exp(par[0:2])`` (or the fixed values), values
  ``<= 10 eps`` set to 0; ``M`` as above; ``W = chol2inv(chol(M))``, ``U = chol(W)``
  (a failure gives ``+Inf``); ``beta``, ``RSS`` from ``U`` as for the start value;
  ``ldM = log|det M|`` and ``ldXWX = log(sum W)`` from LU factorisations; then
  ``ll = (((-(k-1)/2 log 2pi + log(k)/2) - ldM/2) - ldXWX/2) - RSS/2`` (REML) or
  ``((-k/2 log 2pi) - ldM/2) - RSS/2`` (ML), and nlminb minimises ``-ll``.
* Matrix routines: R's ``chol`` is LAPACK ``dpotrf`` on the upper triangle,
  ``chol2inv`` is ``dpotri`` mirrored, ``determinant`` is ``dgetrf`` with the log
  moduli of the diagonal added in double precision.  The products with the one-column
  design matrix are reference-BLAS ``dgemv``/``dsyrk`` loops, written out here as
  left-to-right sums (vectorised only across independent outputs).  R's ``sum``,
  ``mean``, ``var`` and ``rowSums`` accumulate in long double (pymeta's helpers).

The LAPACK routines are called through ``scipy.linalg.lapack`` (one small section
below).  The result is R's to the last bit only when scipy is linked against the same
*reference* LAPACK/BLAS 3.11 that R uses (true for Debian's python3-scipy and R on
this machine).  :data:`LAPACK_IS_REFERENCE` records, at import, whether the loaded
libraries are the netlib reference builds of LAPACK 3.11; when it is ``False`` (e.g.
pip wheels built on OpenBLAS, or MKL) the fits are still computed, but their last
bits -- and, because nlminb's stopping point depends on the last bits of the
objective, digits from about the 9th on for the variance components -- may differ
from R's.  :data:`LAPACK_INFO` says what was found.

Profile-likelihood CI (``confint.rma.mv``)
------------------------------------------
For each estimated component the model is refitted with that component fixed at a
value ``val`` (same start vector; the fixed slot is ignored by the objective) and the
criterion ``-2 (ll(val) - ll) - qchisq(1 - alpha, 1)`` is solved for 0 with R's
``uniroot`` (``check.conv = TRUE``: a warning inside the root finder, or no convergence,
is a failure) on ``[0, estimate]`` and ``[estimate, vc.max]``, ``vc.max =
max(10, 100 estimate)`` (10 when the estimate is ``<= sqrt(eps)``).  When the criterion
at an end point is already negative that end point is the bound (with sign ``">"`` for
the upper one, ``"<"`` for a lower one above 0).  A refit that fails at the end point
moves it 1/10 of the way towards the estimate (up to 10 tries); bounds that cannot be
found are NA with metafor's warnings "Cannot obtain lower/upper bound of profile
likelihood CI due to convergence problems.".

Warnings and errors carry metafor's texts (:class:`~pymeta.model.tau2.MetaforWarning`,
:class:`~pymeta.model.tau2.MetaforError`).  The refits of the profile run with warnings
suppressed, as in metafor.
"""
from __future__ import annotations

import math
import os
import re
import warnings
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence

import numpy as np

from . import nmath
from .blas import ddot as _ddot, dnrm2 as _dnrm2
from .nlminb import nlminb
from .rmath import pchisq_upper, pnorm_upper, pt_upper, qchisq, qt, r_sum
from .rootfind import UnirootWarning, uniroot
from .tau2 import MetaforError, MetaforWarning, _metafor_level, _r_mean, _r_var

__all__ = [
    "LAPACK_IS_REFERENCE",
    "LAPACK_INFO",
    "RmaMvFit",
    "ProfileCI",
    "vcalc",
    "rma_mv",
    "rma_mv_fit",
    "confint_sigma2",
    "confint_rma_mv",
]

NA = math.nan
_EPS = 2.220446049250313e-16               # .Machine$double.eps
_SQRT_EPS = _EPS ** 0.5                     # .Machine$double.eps^0.5
_LOG_2PI = math.log(2 * math.pi)            # R: log(2*base::pi), libm log


# ----------------------------------------------------------------------------------
# LAPACK (the only place scipy is used)
# ----------------------------------------------------------------------------------

from scipy.linalg import lapack as _lapack   # noqa: E402


def _check_lapack() -> tuple:
    """Are the LAPACK/BLAS libraries behind scipy the netlib reference 3.11 builds?

    Looks at the shared objects mapped into this process (Linux ``/proc/self/maps``)
    after scipy's LAPACK wrappers are loaded: a reference ``liblapack.so.3.11.*`` and
    ``libblas.so.3.11.*`` and no optimised implementation (OpenBLAS, MKL, BLIS, ATLAS,
    Accelerate); and LAPACK's own version (``ilaver``) 3.11.0."""
    try:
        ver = tuple(int(v) for v in _lapack.ilaver())
    except Exception:                               # pragma: no cover
        ver = ()
    try:
        with open("/proc/self/maps") as fh:
            libs = {line.split()[-1] for line in fh if ".so" in line}
    except OSError:                                  # not Linux
        return False, "cannot inspect the loaded libraries; LAPACK version %s" % (ver,)
    libs = {os.path.realpath(p) for p in libs}
    fast = sorted(p for p in libs
                  if re.search(r"openblas|mkl|blis|atlas|accelerate|flexiblas", p, re.I))
    lapack = sorted(p for p in libs if re.search(r"/liblapack\.so\.3\.11(\.|$)", p))
    blas = sorted(p for p in libs if re.search(r"/libblas\.so\.3\.11(\.|$)", p))
    ok = ver == (3, 11, 0) and bool(lapack) and bool(blas) and not fast
    info = "LAPACK %s; lapack: %s; blas: %s; optimised: %s" % (
        ".".join(map(str, ver)), lapack or "-", blas or "-", fast or "-")
    return ok, info


#: True when scipy's LAPACK/BLAS are the reference 3.11 builds R uses (bit-exact results).
#: False: results are computed the same way but exact equality with R is not guaranteed.
LAPACK_IS_REFERENCE, LAPACK_INFO = _check_lapack()


def _chol(A: np.ndarray) -> Optional[np.ndarray]:
    """R's ``chol(A)`` (La_chol: dpotrf 'U' on the upper triangle); None on failure."""
    c, info = _lapack.dpotrf(np.asfortranarray(np.triu(A)), lower=0, clean=1,
                             overwrite_a=0)
    if info != 0:
        return None
    return c


def _chol2inv(R: np.ndarray) -> Optional[np.ndarray]:
    """R's ``chol2inv(R)`` (La_chol2inv: dpotri 'U', upper triangle mirrored)."""
    inv, info = _lapack.dpotri(np.asfortranarray(np.triu(R)), lower=0)
    if info != 0:
        return None
    return np.triu(inv) + np.triu(inv, 1).T


def _log_det(A: np.ndarray) -> float:
    """``determinant(A, logarithm = TRUE)$modulus`` (det_ge_real: dgetrf, then the
    log moduli of U's diagonal summed in double, first to last; -Inf if singular)."""
    lu, _piv, info = _lapack.dgetrf(np.asfortranarray(A))
    if info < 0:                                     # pragma: no cover
        raise MetaforError("error code %d from Lapack routine 'dgetrf'" % info)
    if info > 0:
        return -math.inf
    mod = 0.0
    for i in range(A.shape[0]):
        mod += math.log(abs(float(lu[i, i])))
    return mod


def _eigen_sym_values(A: np.ndarray) -> np.ndarray:
    """Eigenvalues of a symmetric matrix (R's ``eigen(symmetric = TRUE)`` uses dsyevr on
    the lower triangle).  Only compared with ``eps`` for warnings."""
    from scipy.linalg import eigh
    return eigh(A, eigvals_only=True, lower=True, driver="evr")


# ----------------------------------------------------------------------------------
# reference-BLAS products with the one-column design matrix
# ----------------------------------------------------------------------------------

def _gemv_ones(U: np.ndarray) -> np.ndarray:
    """``U %*% X`` with X a column of ones (dgemv 'N': y_i += U[i, j], j ascending)."""
    k = U.shape[0]
    acc = np.zeros(k)
    for j in range(k):
        acc = acc + U[:, j]
    return acc


def _gemv_vec(U: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``U %*% y`` (dgemv 'N': y_i += y[j] * U[i, j], j ascending)."""
    k = U.shape[0]
    acc = np.zeros(k)
    for j in range(k):
        acc = acc + y[j] * U[:, j]
    return acc


def _colsums(W: np.ndarray) -> np.ndarray:
    """``crossprod(X, W)`` with X ones (dgemv 'T': c_j = sum_i W[i, j], i ascending)."""
    k = W.shape[0]
    acc = np.zeros(W.shape[1])
    for i in range(k):
        acc = acc + W[i, :]
    return acc


def _dot(a: np.ndarray, b: np.ndarray) -> float:
    """Left-to-right double dot product (dsyrk 'T' / dgemv 'T' with one column)."""
    s = 0.0
    for x, y in zip(a.tolist(), b.tolist()):
        s += x * y
    return s


def _seq(a: np.ndarray) -> float:
    s = 0.0
    for x in a.tolist():
        s += x
    return s


def _lm_sigma2_intercept(y: np.ndarray) -> float:
    """``sigma(lm(Y ~ X - 1))^2`` with X a column of ones, as R computes it (metafor's
    start value when ``V`` is not positive definite, e.g. vcalc with rho = 1).

    lm.fit calls LINPACK ``dqrls``: ``dqrdc2`` turns the column into the Householder
    vector h = (1 + 1/|x|, 1/|x|, ..., 1/|x|) (|x| = dnrm2 of the ones), ``dqrsl`` forms
    ``qty = Q'y`` and the residuals ``Q (0, qty[2:])``, each reflection being
    ``v += (-(h.v)/h_1) h`` (ddot, then daxpy).  Then ``deviance = sum(r^2)`` (long
    double), ``sigma = sqrt(deviance / (n - 1))`` and R squares it (``x * x``)."""
    n = y.size
    ones = [1.0] * n
    nrm = _dnrm2(n, ones, 0)
    inv = 1.0 / nrm
    h = [inv * 1.0 for _ in range(n)]
    h[0] = 1.0 + h[0]
    qty = [float(v) for v in y]
    t = -_ddot(n, h, 0, qty, 0) / h[0]
    qty = [qty[i] + t * h[i] for i in range(n)]
    rsd = [0.0] + qty[1:]
    t = -_ddot(n, h, 0, rsd, 0) / h[0]
    rsd = [rsd[i] + t * h[i] for i in range(n)]
    dev = r_sum(np.array(rsd) ** 2)
    sig = math.sqrt(dev / (n - 1))
    return sig * sig


# ----------------------------------------------------------------------------------
# vcalc
# ----------------------------------------------------------------------------------

def _cluster_codes(cluster) -> tuple:
    """Integer codes of the cluster labels (in order of first appearance) and the
    distinct labels.  Missing labels (None, NaN) are an error, as in vcalc."""
    labels = list(cluster)
    for c in labels:
        if c is None or (isinstance(c, float) and math.isnan(c)):
            raise MetaforError("No missing values allowed in 'cluster' variable.")
    seen: dict = {}
    codes = []
    for c in labels:
        if c not in seen:
            seen[c] = len(seen)
        codes.append(seen[c])
    return np.array(codes, dtype=int), list(seen)


def vcalc(vi: Sequence[float], cluster, rho: float = 0.0) -> np.ndarray:
    """metafor's ``vcalc(vi, cluster, obs = seq_along(vi), rho = rho)`` as meta calls it:
    the k x k base covariance matrix, built exactly as vcalc builds it (see the module
    docstring: diagonal ``(r s_i) s_i`` with r = 1 for the first row and 1 - 2^-52
    after, off-diagonal ``(((rho 2)/2.0000000000000004) s_i) s_j`` within clusters).

    Errors: k = 1 ("Processing terminated since k = 1."), missing cluster labels.
    Warning (:class:`MetaforWarning`): "The var-cov matrix appears to be not positive
    definite in cluster <c>." when a cluster's correlation block has an eigenvalue
    <= eps (only possible for |rho| near 1)."""
    vi = np.asarray(vi, dtype=float).ravel()
    k = vi.size
    if k == 1:
        raise MetaforError("Processing terminated since k = 1.")
    codes, labels = _cluster_codes(cluster)
    if codes.size != k:
        raise MetaforError("Length of variable specified via 'cluster' (%d) does not match "
                           "length of 'vi' (%d)." % (codes.size, k))
    rho = float(rho)
    c = math.sqrt(1.0 / 1.0 + 1.0 / 1.0 - 2 * 0.0 * math.sqrt(1.0)) * math.sqrt(2.0)
    b = ((1.0 * math.sqrt(1.0) - 0.0 * math.sqrt(1.0)) - 0.0 * math.sqrt(1.0)) \
        + 1.0 * math.sqrt(1.0)
    r_diag = (1.0 * b) / c
    r_off = (rho * b) / c
    same = codes[:, None] == codes[None, :]
    R = np.where(same, r_off, 0.0)
    np.fill_diagonal(R, r_diag)
    R[0, 0] = 1.0
    # checkpd: per cluster (in order of first appearance)
    for g, lab in enumerate(labels):
        idx = np.flatnonzero(codes == g)
        Ri = R[np.ix_(idx, idx)]
        if not np.isnan(Ri).any() and np.any(_eigen_sym_values(Ri) <= _EPS):
            warnings.warn("The var-cov matrix appears to be not positive definite in "
                          "cluster %s." % (lab,), MetaforWarning, stacklevel=2)
    s = np.sqrt(vi)
    # S %*% R %*% S with S diagonal: every BLAS sum has one non-zero term
    return (R * s[:, None]) * s[None, :]


# ----------------------------------------------------------------------------------
# the objective .ll.rma.mv
# ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Problem:
    y: np.ndarray
    V: np.ndarray
    D1: np.ndarray
    I: np.ndarray
    k: int
    reml: bool


@dataclass(frozen=True)
class _LL:
    """One evaluation of the log likelihood (metafor's dofit = TRUE pieces)."""
    ok: bool
    sigma2: tuple
    beta: float = NA
    vb: float = NA
    RSS: float = NA
    ll_ML: float = NA
    ll_REML: float = NA
    W: Optional[np.ndarray] = None
    M: Optional[np.ndarray] = None


def _sigma2_of(par, fixed) -> tuple:
    out = []
    for j in range(2):
        s = math.exp(par[j]) if fixed[j] is None else float(fixed[j])
        if s <= _EPS * 10:                # also NaN-safe below: NaN stays NaN
            s = 0.0
        out.append(s)
    return tuple(out)


def _loglik(pb: _Problem, sigma2: tuple, dofit: bool) -> _LL:
    s1, s2 = sigma2
    if not (math.isfinite(s1) and math.isfinite(s2)):
        return _LL(ok=False, sigma2=sigma2)
    M = (pb.V + s1 * pb.D1) + s2 * pb.I
    R = _chol(M)
    W = _chol2inv(R) if R is not None else None
    if W is None:
        if dofit:
            raise MetaforError("Final variance-covariance matrix not positive definite.")
        return _LL(ok=False, sigma2=sigma2)
    U = _chol(W)
    if U is None:
        if dofit:
            raise MetaforError("Cannot fit model based on estimated marginal "
                               "variance-covariance matrix.")
        return _LL(ok=False, sigma2=sigma2)
    k = pb.k
    sX = _gemv_ones(U)
    sY = _gemv_vec(U, pb.y)
    xx = _dot(sX, sX)
    beta = _dot(sX, sY) / xx
    RSS = r_sum((sY - sX * beta) ** 2)
    ldM = _log_det(M)
    ll_ML = ll_REML = NA
    if dofit or not pb.reml:
        ll_ML = ((-0.5 * k) * _LOG_2PI - 0.5 * ldM) - 0.5 * RSS
    if dofit or pb.reml:
        t = _seq(_colsums(W))
        ldXWX = _log_det(np.array([[t]]))
        ldXX = math.log(float(k))
        ll_REML = ((((-0.5 * (k - 1)) * _LOG_2PI + 0.5 * ldXX) + (-0.5 * ldM))
                   - 0.5 * ldXWX) - 0.5 * RSS
    return _LL(ok=True, sigma2=sigma2, beta=beta, vb=(1.0 / xx) if dofit else NA,
               RSS=RSS, ll_ML=ll_ML, ll_REML=ll_REML,
               W=W if dofit else None, M=M if dofit else None)


def _objective(pb: _Problem, fixed: tuple) -> Callable[[tuple], float]:
    def f(par: tuple) -> float:
        r = _loglik(pb, _sigma2_of(par, fixed), False)
        if not r.ok:
            return math.inf
        ll = r.ll_REML if pb.reml else r.ll_ML
        return -ll
    return f


# ----------------------------------------------------------------------------------
# the fit
# ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class RmaMvFit:
    """The numbers of metafor's ``rma.mv`` object for meta's three-level model
    (metafor's names, "." -> "_").

    ``sigma2``: (between cluster, within cluster); ``vc_fix``: which were fixed
    (sigma2[0] is fixed at 0 when there is a single cluster); ``s_nlevels``: (number of
    clusters, k).  ``ll_ML``/``ll_REML``: metafor's ``fit.stats`` log likelihoods;
    ``logLik``: the one of ``method``.  ``iterations``, ``evaluations`` (function,
    gradient), ``convergence``, ``message``: of nlminb (None/() when nothing was
    estimated).  ``weights``: ``weights(fit, type = "rowsum")`` (percent).  ``level``
    is metafor's stored alpha (0.05 for 95%).  ``warnings``: metafor's warnings of this
    fit, in order (also emitted unless suppressed)."""
    b: float
    se: float
    zval: float
    pval: float
    ci_lb: float
    ci_ub: float
    vb: float
    sigma2: tuple
    vc_fix: tuple
    QE: float
    QEp: float
    k: int
    p: int
    s_nlevels: tuple
    method: str
    test: str
    level: float
    ddf: float
    ll_ML: float
    ll_REML: float
    logLik: float
    iterations: Optional[int]
    evaluations: tuple
    convergence: Optional[int]
    message: str
    par: tuple
    sigma2_init: float
    weights: tuple
    warnings: tuple
    # inputs kept for the profile-likelihood refits
    yi: np.ndarray = field(repr=False, compare=False)
    V: np.ndarray = field(repr=False, compare=False)
    cluster_codes: np.ndarray = field(repr=False, compare=False)
    level_arg: float = field(repr=False, compare=False, default=95.0)


def _warn(msg: str, collected: list, emit: bool) -> None:
    collected.append(msg)
    if emit:
        warnings.warn(msg, MetaforWarning, stacklevel=4)


def rma_mv_fit(yi, V, cluster, *, method: str = "REML", test: str = "z",
               level: float = 95.0, sigma2: Sequence = (None, None),
               control: Optional[dict] = None, emit_warnings: bool = True) -> RmaMvFit:
    """``rma.mv(yi, V, random = ~ 1 | cluster/idx, method, test, level, sigma2)`` for a
    given base covariance matrix ``V`` (see :func:`vcalc`).

    ``sigma2``: fixed values (None/NaN = estimate), as metafor's ``sigma2`` argument;
    ``level`` is metafor's argument (meta passes ``100 * level.ma``); ``control``: extra
    nlminb control entries (metafor passes unknown names on to nlminb).

    Raises :class:`MetaforError` with metafor's messages (non-convergence, failed final
    fit); warns (:class:`MetaforWarning`) as metafor does about non-positive sampling
    variances, a non positive definite ``V``, extreme variance ratios and a single
    cluster."""
    method = str(method)
    if method not in ("REML", "ML"):
        raise ValueError("only method = 'REML' or 'ML' is supported for the three-level "
                         "model")
    if test not in ("z", "t"):
        raise ValueError("test must be 'z' or 't'")
    y = np.asarray(yi, dtype=float).ravel()
    V = np.array(V, dtype=float)
    k = y.size
    if V.shape != (k, k):
        raise MetaforError("Length of 'yi' and 'V' is not the same.")
    codes, _labels = _cluster_codes(cluster)
    if codes.size != k:
        raise ValueError("cluster must have one label per estimate")
    wlist: list = []
    vi = np.diag(V).copy()
    if np.any(vi <= 0):
        _warn("There are outcomes with non-positive sampling variances.", wlist,
              emit_warnings)
        if np.any(vi < 0):
            neg = vi < 0
            V[neg, :] = 0.0
            V[:, neg] = 0.0
            vi[neg] = 0.0
            _warn("Negative sampling variances constrained to zero.", wlist, emit_warnings)
    if np.all(np.isfinite(V)) and np.any(_eigen_sym_values(V) <= _EPS):
        _warn("'V' appears to be not positive definite.", wlist, emit_warnings)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = vi.max() / vi.min()
    if not math.isnan(ratio) and not math.isinf(ratio) and ratio >= 1e7:
        _warn("Ratio of largest to smallest sampling variance extremely large. May not be "
              "able to obtain stable results.", wlist, emit_warnings)
    n_cl = int(codes.max()) + 1
    s_nlevels = (n_cl, k)
    fixed = [None if (v is None or (isinstance(v, float) and math.isnan(v))) else float(v)
             for v in sigma2]
    if len(fixed) != 2:
        raise ValueError("sigma2 must have two entries")
    if fixed[0] is None and n_cl == 1:
        fixed[0] = 0.0
        _warn("Single-level factor(s) found in 'random' argument. Corresponding 'sigma2' "
              "value(s) fixed to 0.", wlist, emit_warnings)
    fixed_t = tuple(fixed)
    vc_fix = tuple(v is not None for v in fixed_t)

    D1 = (codes[:, None] == codes[None, :]).astype(float)
    pb = _Problem(y=y, V=V, D1=D1, I=np.eye(k), k=k, reml=(method == "REML"))

    # start values and QE
    U = None
    R0 = _chol(V)
    if R0 is not None:
        W0 = _chol2inv(R0)
        if W0 is not None:
            U = _chol(W0)
    if U is None or np.isinf(U).any():
        total = _lm_sigma2_intercept(y)
        if math.isnan(total):                        # pragma: no cover
            raise MetaforError("Cannot compute initial values.")
        QE = QEp = NA
    else:
        sX = _gemv_ones(U)
        sY = _gemv_vec(U, y)
        bFE = _dot(sX, sY) / _dot(sX, sX)
        total = max(0.001 * 4, _r_var(y - bFE) - 1.0 / _r_mean(1.0 / vi))
        QE = r_sum((sY - sX * bFE) ** 2)
        QEp = float(pchisq_upper(QE, k - 1))
    init = math.log(total / 4)

    if any(v is None for v in fixed_t):
        res = nlminb(_objective(pb, fixed_t), [init, init, 0.0, 0.0, 0.0, 0.0],
                     control=control or None)
        if res.convergence != 0:
            raise MetaforError("Optimizer (nlminb) did not achieve convergence "
                               "(convergence = %d)." % res.convergence)
        par = tuple(res.par)
        iterations, evaluations = res.iterations, tuple(res.evaluations)
        convergence, message = res.convergence, res.message
    else:
        par = tuple(0.0 if v is None else v for v in fixed_t) + (0.0,) * 4
        iterations, evaluations, convergence, message = None, (), None, ""

    fit = _loglik(pb, _sigma2_of(par, fixed_t), True)
    beta, vb = fit.beta, fit.vb
    se = math.sqrt(vb)
    zval = beta / se
    alpha = _metafor_level(level)
    if test == "t":
        ddf = float(k - 1)
        pval = 2 * float(pt_upper(abs(zval), ddf))
        crit = -float(qt(alpha / 2, ddf))
    else:
        ddf = NA
        pval = 2 * float(pnorm_upper(abs(zval)))
        crit = nmath.qnorm(alpha / 2, lower_tail=False)
    ci_lb = beta - crit * se
    ci_ub = beta + crit * se

    # weights(type = "rowsum"): W = chol2inv(chol(M)), rowSums in long double
    Wf = _chol2inv(_chol(fit.M))
    wi = np.add.accumulate(Wf.astype(np.longdouble), axis=1)[:, -1].astype(float)
    weights = tuple(((wi / r_sum(wi)) * 100).tolist())

    return RmaMvFit(
        b=beta, se=se, zval=zval, pval=pval, ci_lb=ci_lb, ci_ub=ci_ub, vb=vb,
        sigma2=fit.sigma2, vc_fix=vc_fix, QE=QE, QEp=QEp, k=k, p=1, s_nlevels=s_nlevels,
        method=method, test=test, level=alpha, ddf=ddf, ll_ML=fit.ll_ML,
        ll_REML=fit.ll_REML, logLik=fit.ll_REML if method == "REML" else fit.ll_ML,
        iterations=iterations, evaluations=evaluations, convergence=convergence,
        message=message, par=par, sigma2_init=total / 4, weights=weights,
        warnings=tuple(wlist), yi=y, V=V, cluster_codes=codes, level_arg=float(level))


def rma_mv(yi, vi, cluster, *, rho: float = 0.0, method: str = "REML", test: str = "z",
           level: float = 95.0, control: Optional[dict] = None,
           emit_warnings: bool = True) -> RmaMvFit:
    """meta's three-level fit: ``rma.mv(yi, V = vcalc(vi, cluster, obs = 1:k, rho), random
    = ~ 1 | cluster/idx, method, test, level)``.  ``vi`` as meta passes it
    (``seTE^2``); ``level`` is metafor's (``100 * level.ma``)."""
    V = vcalc(vi, cluster, rho)
    return rma_mv_fit(yi, V, cluster, method=method, test=test, level=level,
                      control=control, emit_warnings=emit_warnings)


# ----------------------------------------------------------------------------------
# profile-likelihood CI
# ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ProfileCI:
    """``confint(fit, sigma2 = component)``: rows ``sigma^2.<c>`` and ``sigma.<c>``
    (estimate, ci.lb, ci.ub) and the bound signs; ``warnings`` as emitted."""
    component: int          # 1 or 2 (R's numbering)
    estimate: float
    ci_lb: float
    ci_ub: float
    sigma: tuple            # sqrt of (estimate, ci.lb, ci.ub), NA if negative or NA
    lb_sign: str
    ub_sign: str
    warnings: tuple


class _ProfileFailure(Exception):
    """A refit of the profile failed (metafor's ``stop()`` inside .profile.rma.mv)."""


def _uniroot_checked(f, lower, upper, tol, maxiter):
    """R's ``uniroot(..., check.conv = TRUE)``: any warning in the root finder, or no
    convergence, is an error."""
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always", UnirootWarning)
        r = uniroot(f, lower, upper, tol=tol, maxiter=maxiter)
    if any(issubclass(w.category, UnirootWarning) for w in rec):
        raise _ProfileFailure("convergence problem in zero finding")
    return r.root


def confint_sigma2(fit: RmaMvFit, component: int, level: Optional[float] = None,
                   emit_warnings: bool = True) -> ProfileCI:
    """``confint.rma.mv(fit, sigma2 = component, level = level)`` (profile likelihood).
    ``level`` is metafor's argument (meta passes ``100 * level.hetstat``); default the
    fit's level."""
    if component not in (1, 2):
        raise MetaforError("No such 'sigma2' component in the model.")
    pos = component - 1
    if fit.vc_fix[pos]:
        raise MetaforError("Specified 'sigma2' component was fixed.")
    alpha = _metafor_level(fit.level_arg if level is None else level)
    vc = fit.sigma2[pos]
    tol = _EPS ** 0.25
    maxiter = 1000
    eptries = 10
    vc_min = 0.0
    vc_max = max((10.0 if vc <= _SQRT_EPS else max(10.0, vc * 100)), vc_min)
    if vc_min > vc:                                  # pragma: no cover
        raise MetaforError("Lower bound of interval to be searched must be <= estimated "
                           "value of component.")
    if vc_max < vc:                                  # pragma: no cover
        raise MetaforError("Upper bound of interval to be searched must be >= estimated "
                           "value of component.")
    objective = float(qchisq(1 - alpha, 1))
    base = [fit.sigma2[j] if fit.vc_fix[j] else None for j in range(2)]
    ll0 = fit.logLik
    cache: dict = {}

    def f(val: float) -> float:
        key = float(val).hex()
        if key not in cache:
            fx = list(base)
            fx[pos] = float(val)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    refit = rma_mv_fit(fit.yi, fit.V, fit.cluster_codes, method=fit.method,
                                       test=fit.test, level=fit.level_arg, sigma2=fx,
                                       emit_warnings=False)
                cache[key] = -2 * (refit.logLik - ll0) - objective
            except MetaforError:
                cache[key] = None
        v = cache[key]
        if v is None:
            raise _ProfileFailure()
        return v

    wlist: list = []

    def bound(end: float, lower: bool) -> tuple:
        """confint's search from one end point towards the estimate: up to ``eptries``
        end points until the profile is defined there; the end point itself when the
        profile is still below the critical value (with its sign), else uniroot's root.
        Returns (bound, converged, sign)."""
        step = abs(end - vc) / eptries
        for _ in range(eptries):
            try:
                res = f(end)
            except _ProfileFailure:
                res = None
            if res is not None and not math.isnan(res):
                if res < 0:
                    return end, True, ("<" if end > 0 else "") if lower else ">"
                try:
                    root = _uniroot_checked(f, *((end, vc) if lower else (vc, end)), tol,
                                            maxiter)
                    return root, True, ""
                except (_ProfileFailure, ValueError):
                    return NA, False, ""
            end = end + step if lower else end - step
        return NA, False, ""

    lb, lb_conv, lb_sign = bound(vc_min, True)
    ub, ub_conv, ub_sign = bound(vc_max, False)

    if not lb_conv:
        _warn("Cannot obtain lower bound of profile likelihood CI due to convergence "
              "problems.", wlist, emit_warnings)
    if not ub_conv:
        _warn("Cannot obtain upper bound of profile likelihood CI due to convergence "
              "problems.", wlist, emit_warnings)

    def _sq(x: float) -> float:
        return math.sqrt(x) if (not math.isnan(x) and x >= 0) else NA

    return ProfileCI(component=component, estimate=vc, ci_lb=lb, ci_ub=ub,
                     sigma=(_sq(vc), _sq(lb), _sq(ub)), lb_sign=lb_sign, ub_sign=ub_sign,
                     warnings=tuple(wlist))


def confint_rma_mv(fit: RmaMvFit, level: Optional[float] = None,
                   emit_warnings: bool = True) -> tuple:
    """``confint.rma.mv(fit, level)`` for all estimated sigma2 components: a tuple of
    :class:`ProfileCI`, one per component not fixed, in order (R returns a list of class
    ``list.confint.rma`` for two, the single object for one).

    meta (hetcalc) takes ``lower.tau2``/``upper.tau2`` from the ``ci_lb``/``ci_ub`` of
    these (NA for a fixed component), ``lower.tau``/``upper.tau`` from ``sigma[1:3]`` and
    the signs from ``lb_sign``/``ub_sign``."""
    out = []
    if all(fit.vc_fix):
        raise MetaforError("No components for which a CI can be obtained.")
    for c in (1, 2):
        if not fit.vc_fix[c - 1]:
            out.append(confint_sigma2(fit, c, level, emit_warnings))
    return tuple(out)
