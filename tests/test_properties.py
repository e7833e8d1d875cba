"""Property-based tests: invariants every pymeta result must satisfy (no R needed).

Data come from the public strategies in :mod:`pymeta.testing.strategies`, options from
the declared grid (:mod:`pymeta.testing.grid`).

Which invariants hold *exactly* (up to floating-point rounding) and which only
approximately matters for the tolerances below:

* Closed-form quantities (study TE/seTE, inverse-variance weights, the common effect,
  Q, H, I2 with ``method.I2 = "Q"``, their p-values) are exact functions of the data, so
  reordering, shifting or rescaling the data changes them only by rounding: we check
  them with a relative tolerance of 1e-9 (plus an absolute floor scaled to the data
  where a value can be ~0, e.g. Q of identical estimates).
* tau^2 is REML's Fisher-scoring iterate, stopped when the change is below an
  *absolute* threshold (metafor's ``threshold = 1e-5``). Rounding-level perturbations
  (reordering) leave it unchanged in practice, but multiplying the data by ``s`` does
  *not* multiply tau^2 by ``s^2`` exactly: the iteration stops at a different point
  (for data on a 1e-3 scale the very first step is already below 1e-5). The scale
  test therefore either sticks to the closed-form fields, or rescales metafor's
  threshold with the data (``control = {"threshold": 1e-5 * s^2}``) and uses
  ``s = 2^j``, for which every step of the iteration is an exact power-of-two
  rescaling. The Q-profile CI of tau^2 uses root-finding with absolute tolerances and
  an absolute upper search limit (``tau2.max = 100``): it is never tested for scale.
"""
from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

import pymeta
from pymeta.effects import proportion as prop_effects
from pymeta.model.tau2 import FisherScoringError, MetaforError
from pymeta.result import r_name
from pymeta.testing.budget import OverBudget, time_budget
from pymeta.testing.strategies import cases

pytestmark = pytest.mark.filterwarnings("ignore::pymeta.MetaWarning",
                                        "ignore::RuntimeWarning")

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FUN = {"metacont": pymeta.metacont, "metabin": pymeta.metabin, "metamean": pymeta.metamean,
       "metacor": pymeta.metacor, "metaprop": pymeta.metaprop, "metainc": pymeta.metainc,
       "metarate": pymeta.metarate}

#: Pooled scalar fields (depend on the studies as a set, not on their order).
POOLED_SCALARS = ("TE_common", "seTE_common", "lower_common", "upper_common", "pval_common",
                  "Q", "df_Q", "pval_Q", "H", "lower_H", "upper_H", "I2", "lower_I2",
                  "upper_I2", "Rb", "k", "k_all", "seTE_classic")
#: Pooled vector fields (one entry per CI / PI method).
POOLED_VECTORS = ("TE_random", "seTE_random", "lower_random", "upper_random",
                  "lower_predict", "upper_predict", "pval_random")
#: tau^2 and its CI: variance scale, compared with a floor relative to the study variances.
TAU2_FIELDS = ("tau2", "se_tau2", "lower_tau2", "upper_tau2")
#: Per-study fields (permute with the studies).
STUDY_FIELDS = ("TE", "seTE", "lower", "upper", "w_common", "w_random")


def run(fun, data, opts=None, **extra):
    """Call pymeta; data on which metafor's REML itself fails (R errors the same way,
    e.g. "Fisher scoring algorithm did not converge") are skipped, and so are the rare
    drawn analyses that take minutes (in R too; :mod:`pymeta.testing.budget`)."""
    try:
        with time_budget():
            return FUN[fun](**data, **(opts or {}), **extra)
    except (FisherScoringError, MetaforError, OverBudget):
        reject()
    except ValueError as exc:
        # option combinations on which R meta stops too (e.g. method.predict = "KR-PR"
        # when the Kenward-Roger df is NaN): pymeta raises R's error as ValueError
        if any(t in str(exc) for t in ("R meta stops", "with argument 'sm = \"OR\"'",
                                       "Cochran method only available",
                                       "Argument 'null.effect' must be between 0 and 1")):
            reject()   # option combinations R refuses too (e.g. Peto with sm != "OR")
        raise


def assert_close(a, b, rtol=1e-9, atol=0.0, what=""):
    """Element-wise |a - b| <= max(rtol * max(|a|, |b|), atol); NaN must meet NaN, inf inf."""
    a = np.atleast_1d(np.asarray(a, dtype=float))
    b = np.atleast_1d(np.asarray(b, dtype=float))
    assert a.shape == b.shape, f"{what}: shapes {a.shape} vs {b.shape}"
    for x, y in zip(a, b):
        if math.isnan(x) or math.isnan(y):
            assert math.isnan(x) and math.isnan(y), f"{what}: {x!r} vs {y!r}"
        elif math.isinf(x) or math.isinf(y):
            assert x == y, f"{what}: {x!r} vs {y!r}"
        else:
            tol = max(rtol * max(abs(x), abs(y)), atol, 1e-300)   # (subnormals)
            assert abs(x - y) <= tol, f"{what}: {x!r} vs {y!r} (diff {abs(x - y):.3g} > {tol:.3g})"


def var_floor(res) -> float:
    """Absolute floor for variance-scale fields: 1e-10 x median study variance."""
    se = np.asarray(res.seTE, dtype=float)
    se = se[np.isfinite(se)]
    return 1e-10 * float(np.median(se ** 2)) if se.size else 0.0


def bound_scale(res) -> float:
    """Size of the numbers a random effects CI / PI bound is computed from."""
    v = np.concatenate([np.atleast_1d(np.asarray(getattr(res, f), dtype=float))
                        for f in ("TE_random", "lower_random", "upper_random",
                                  "lower_predict", "upper_predict")])
    v = np.abs(v[np.isfinite(v)])
    return float(v.max()) if v.size else 0.0


def permuted(data: dict, perm) -> dict:
    perm = list(perm)
    return {key: ([v[i] for i in perm] if isinstance(v, list) else np.asarray(v)[perm])
            for key, v in data.items()}


def within(lo, x, hi, slack=0.0) -> bool:
    """lo <= x <= hi, ignoring NaN bounds; ``slack`` relative allowance for rounding."""
    eps = slack * max(abs(lo) if math.isfinite(lo) else 0, abs(x), abs(hi) if math.isfinite(hi) else 0)
    return (math.isnan(lo) or lo <= x + eps) and (math.isnan(hi) or x <= hi + eps)


def _tau2_sensitivity(fun, data, opts, res) -> dict:
    """How far the fields that depend on tau2 move when tau2 moves by the allowance of the
    tau2 comparison (``var_floor``), as absolute allowances per field.

    metafor's tau2 (DL's ``y'Py``, with ``P = W - W X (X'WX)^-1 X'W``) cancels where one
    or two studies carry almost all the weight: another order of the same sums then
    moves tau2 by far more than 1e-9 relative but within the variance floor (seen: 2.4e-9
    relative for metaprop PLN with n ~ 5e4 and event = n - 0). The pooled fields inherit
    that: their allowance is their change between tau2 and tau2 +- the floor
    (pymeta itself with ``tau.preset``), twice for safety.
    """
    tau2, fl = float(res.tau2), var_floor(res)
    if not (math.isfinite(tau2) and fl > 0) or res.tau_preset is not None:
        return {}
    fields = ("TE_random", "seTE_random", "lower_random", "upper_random", "lower_predict",
              "upper_predict", "pval_random", "seTE_classic", "Rb", "w_random")
    base = {k: v for k, v in opts.items() if k != "tau_preset"}
    runs = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for t2 in (tau2, max(tau2 - fl, 0.0), tau2 + fl):
            try:
                runs.append(FUN[fun](**data, **base, tau_preset=math.sqrt(t2)))
            except (ValueError, ArithmeticError):
                return {}
    out = {}
    for f in fields:
        vals = [np.atleast_1d(np.asarray(getattr(r, f), dtype=float)) for r in runs]
        with np.errstate(invalid="ignore"):
            dev = np.maximum(np.abs(vals[1] - vals[0]), np.abs(vals[2] - vals[0]))
        dev = dev[np.isfinite(dev)]
        out[f] = 2 * float(dev.max()) if dev.size else 0.0
    return out


# ---------------------------------------------------------------------------------------
# Order of the studies does not matter
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("fun", ["metacont", "metabin", "metaprop", "metainc", "metarate"])
@SETTINGS
@given(data=st.data())
def test_permutation_invariance(fun, data):
    d, opts = data.draw(cases(fun, min_k=2))
    perm = data.draw(st.permutations(range(len(d["studlab"]))))
    a = run(fun, d, opts)
    # per-study options (metabin's incr.e / incr.c / incr vectors) move with the studies
    popts = {key: ([v[i] for i in perm] if isinstance(v, list) and len(v) == len(perm) else v)
             for key, v in opts.items()}
    b = run(fun, permuted(d, perm), popts)
    # Sums in another order differ in the last bits; REML then iterates from a start
    # value that differs by rounding only, so everything agrees to ~1e-12.
    # The Q-profile bounds are where uniroot stops, with an absolute tolerance of
    # eps^0.25 (far from converged): the stopping point moves with the rounding of Q
    # by far more than 1e-9 relative (seen: 2e-9), so these get 1e-6. With
    # method.I2 = "tau2" the I2/H bounds come from them.
    # With method.I2 = "tau2", H and I2 are 1 + tau2 / s2 with metafor's typical
    # within-study variance s2: Fisher scoring stops on an *absolute* change in tau2 below
    # 1e-5, so where s2 is tiny the stopping point, reached from another rounding of the
    # sums, moves H by more than 1e-9 relative (seen: 1.1e-9 with k = 2, s2 ~ 1e-5).
    from_qp = {"lower_tau2", "upper_tau2"}
    if a.method_I2 == "tau2":
        from_qp |= {"lower_I2", "upper_I2", "lower_H", "upper_H", "H", "I2"}
    # (only needed, and only measured, when the two orders gave different tau2)
    via_tau2 = {} if a.tau2 == b.tau2 else _tau2_sensitivity(fun, d, opts, a)
    for f in POOLED_SCALARS + POOLED_VECTORS:
        # (Rb, a proportion, is tau2 / (...): absolute 1e-9 when tau2 is ~0; a CI
        # bound near 0 is a difference of larger numbers: absolute 1e-9 x their size)
        atol = 1e-9 if f == "Rb" else 1e-9 * bound_scale(a) if f in POOLED_VECTORS else 1e-12
        assert_close(getattr(b, f), getattr(a, f), rtol=1e-6 if f in from_qp else 1e-9,
                     atol=atol + via_tau2.get(f, 0.0), what=f)
    fl = var_floor(a)
    for f in TAU2_FIELDS:
        assert_close(getattr(b, f), getattr(a, f), rtol=1e-6 if f in from_qp else 1e-9,
                     atol=fl, what=f)
    for f in STUDY_FIELDS:
        # study-level values are computed study by study: identical; w.random depends
        # on tau2 (order of summation, ~1e-12)
        assert_close(getattr(b, f), np.asarray(getattr(a, f))[list(perm)],
                     rtol=1e-9 if f == "w_random" else 0,
                     atol=via_tau2.get(f, 0.0), what=f)
    assert b.studlab == tuple(a.studlab[i] for i in perm)
    if fun == "metabin":
        assert_close(b.Q_CMH, a.Q_CMH, rtol=1e-9, atol=1e-12, what="Q_CMH")


# ---------------------------------------------------------------------------------------
# metacont: location and scale
# ---------------------------------------------------------------------------------------

@SETTINGS
@given(case=cases("metacont", sm="MD", min_k=1), shift=st.floats(-10.0, 10.0))
def test_metacont_location_shift(case, shift):
    """mean.e + c: every TE, TE.common, TE.random and CI shifts by c; SEs, weights,
    heterogeneity unchanged (c is drawn on the scale of the SDs)."""
    d, opts = case
    c = shift * float(np.median(d["sd_e"]))
    a = run("metacont", d, opts)
    b = run("metacont", {**d, "mean_e": d["mean_e"] + c}, opts)
    # TE = mean.e - mean.c is rounded: absolute error ~ eps * size of the means
    big = float(np.max(np.abs(d["mean_e"])) + np.max(np.abs(d["mean_c"])) + abs(c))
    dte = 8 * np.finfo(float).eps * big
    assert_close(b.TE, a.TE + c, rtol=0, atol=dte, what="TE")
    assert_close(b.seTE, a.seTE, rtol=0, what="seTE")                 # exactly
    assert_close(b.w_common, a.w_common, rtol=0, what="w_common")     # exactly
    for f in ("TE_common", "lower_common", "upper_common", "lower", "upper"):
        assert_close(getattr(b, f), np.asarray(getattr(a, f)) + c, rtol=1e-12, atol=10 * dte,
                     what=f)
    # Q = sum w (TE - TE.common)^2: each residual moves by ~dte
    W = float(np.sum(a.w_common))
    atol_q = 4 * math.sqrt(a.Q * W) * 4 * dte + W * (4 * dte) ** 2 + 1e-12
    assert_close(b.Q, a.Q, rtol=1e-9, atol=atol_q, what="Q")
    if a.k >= 2 and atol_q < 1e-6 * max(a.Q, 1.0):
        # heterogeneity (and so the random effects model) is then unchanged as well
        assert_close(b.tau2, a.tau2, rtol=1e-6, atol=1e-6 * float(np.median(a.seTE ** 2)),
                     what="tau2")
        te_r = np.atleast_1d(a.TE_random)
        sdr = float(np.sqrt(1 / np.sum(a.w_random)))
        assert_close(b.TE_random, te_r + c, rtol=1e-9, atol=1e-6 * sdr, what="TE_random")
        assert_close(b.I2, a.I2, rtol=1e-6, atol=1e-9, what="I2")


@SETTINGS
@given(case=cases("metacont", sm="MD", min_k=1), s=st.floats(1e-2, 1e2))
def test_metacont_scale_closed_form(case, s):
    """Means and SDs times s > 0: TE, seTE, TE.common and its CI scale by s; Q, I2
    (method.I2 = "Q"), H and all p-values of the common effect model are unchanged.
    Only closed-form fields here (tau^2 is the subject of the next test)."""
    d, opts = case
    opts = {**opts, "method_I2": "Q", "method_common_ci": "classic"}
    a = run("metacont", d, opts)
    b = run("metacont", {**d, **{k: d[k] * s for k in ("mean_e", "mean_c", "sd_e", "sd_c")}},
            opts)
    big = float(np.max(np.abs(d["mean_e"])) + np.max(np.abs(d["mean_c"])))
    dte = 8 * np.finfo(float).eps * big * s      # (s*mean.e - s*mean.c) vs s*(mean.e - mean.c)
    assert_close(b.TE, a.TE * s, rtol=1e-12, atol=dte, what="TE")
    assert_close(b.seTE, a.seTE * s, rtol=1e-12, what="seTE")
    assert_close(b.w_common, a.w_common / s ** 2, rtol=1e-12, what="w_common")
    for f in ("TE_common", "seTE_common", "lower_common", "upper_common", "lower", "upper"):
        assert_close(getattr(b, f), np.asarray(getattr(a, f)) * s, rtol=1e-9, atol=10 * dte,
                     what=f)
    W = float(np.sum(a.w_common))
    atol_q = 16 * math.sqrt(a.Q * W) * dte / s + W * (4 * dte / s) ** 2 + 1e-12
    assert_close(b.Q, a.Q, rtol=1e-9, atol=atol_q, what="Q")
    if atol_q < 1e-6 * max(a.Q, 1.0):
        for f in ("pval_Q", "H", "I2", "lower_H", "upper_H", "lower_I2", "upper_I2",
                  "pval_common"):
            assert_close(getattr(b, f), getattr(a, f), rtol=1e-7, atol=1e-12, what=f)


@SETTINGS
@given(case=cases("metacont", sm="MD", min_k=2), j=st.integers(-8, 8))
def test_metacont_scale_reml(case, j):
    """With s = 2^j and metafor's stopping threshold rescaled by s^2, REML runs the same
    iterations on exactly rescaled numbers: tau^2 scales by s^2, tau, TE.random and the
    random effects and prediction intervals by s."""
    d, opts = case
    # REML's stopping rule is the one rescaled here (the other estimators stop on
    # uniroot's absolute tol or their own rules); the rest of the options as drawn
    opts = {**opts, "method_tau": "REML"}
    opts.pop("tau_preset", None)   # a preset tau is not rescaled
    s = 2.0 ** j
    a = run("metacont", d, opts, control={"threshold": 1e-5})
    b = run("metacont", {**d, **{k: d[k] * s for k in ("mean_e", "mean_c", "sd_e", "sd_c")}},
            opts, control={"threshold": 1e-5 * s * s})
    # TE = mean.e - mean.c is exact under power-of-two scaling, so everything is too
    assert_close(b.TE, a.TE * s, rtol=0, what="TE")
    assert_close(b.tau2, a.tau2 * s * s, rtol=1e-9, what="tau2")
    assert_close(b.tau, a.tau * s, rtol=1e-9, what="tau")
    for f in ("TE_random", "seTE_random", "lower_random", "upper_random", "lower_predict",
              "upper_predict"):
        assert_close(getattr(b, f), np.asarray(getattr(a, f)) * s, rtol=1e-9, what=f)
    assert_close(b.I2, a.I2, rtol=1e-9, atol=1e-12, what="I2")


@SETTINGS
@given(case=cases("metacont"))
def test_metacont_pools_like_metagen(case):
    """metacont's pooling is metagen's on its own TE/seTE (R's metacont calls metagen)."""
    d, opts = case
    a = run("metacont", d, opts)
    gen_opts = {k: v for k, v in opts.items()
                if k not in ("sm", "pooledvar", "method_ci", "method_smd", "exact_smd", "sd_glass")}
    g = pymeta.metagen(a.TE, a.seTE, studlab=d["studlab"], **gen_opts)
    for f in POOLED_SCALARS + POOLED_VECTORS + TAU2_FIELDS + ("w_common", "w_random"):
        assert_close(getattr(g, f), getattr(a, f), rtol=0, what=f)


@SETTINGS
@given(case=cases("metamean"))
def test_metamean_pools_like_metagen(case):
    """metamean's pooling is metagen's on its own TE/seTE, with the null effect on the
    analysis scale (log for MLN)."""
    d, opts = case
    a = run("metamean", d, opts)
    gen_opts = {k: v for k, v in opts.items() if k not in ("sm", "method_ci", "null_effect")}
    ne = opts.get("null_effect", math.nan)
    with np.errstate(divide="ignore"):
        ne = math.log(ne) if opts.get("sm") == "MLN" and ne > 0 else (
            -math.inf if opts.get("sm") == "MLN" and ne == 0 else ne)
    g = pymeta.metagen(a.TE, a.seTE, studlab=d["studlab"], null_effect=ne, **gen_opts)
    for f in POOLED_SCALARS + POOLED_VECTORS + TAU2_FIELDS + ("w_common", "w_random"):
        assert_close(getattr(g, f), getattr(a, f), rtol=0, what=f)


@SETTINGS
@given(case=cases("metacor"))
def test_metacor_estimates(case):
    """ZCOR: TE = atanh(cor), seTE = 1/sqrt(n-3); COR: TE = cor; both pool like metagen."""
    d, opts = case
    a = run("metacor", d, opts)
    if opts.get("sm", "ZCOR") == "ZCOR":
        assert_close(a.TE, np.arctanh(d["cor"]), rtol=1e-12, atol=1e-15, what="TE")
        assert_close(a.seTE, 1 / np.sqrt(d["n"] - 3), rtol=1e-15, what="seTE")
    else:
        assert_close(a.TE, d["cor"], rtol=0, what="TE")
    gen_opts = {k: v for k, v in opts.items() if k not in ("sm", "null_effect")}
    g = pymeta.metagen(a.TE, a.seTE, studlab=d["studlab"], **gen_opts)
    for f in ("TE_common", "seTE_common", "Q", "tau2", "TE_random", "w_common", "w_random"):
        assert_close(getattr(g, f), getattr(a, f), rtol=0, what=f)


@SETTINGS
@given(case=cases("metacont", sm="SMD"))
def test_smd_invariant_under_location_and_scale(case):
    """Hedges' g / Cohen's d / Glass' delta do not change (beyond rounding) when every
    mean is shifted and every mean and SD multiplied by the same positive number."""
    d, opts = case
    a = run("metacont", d, opts)
    t = {**d, "mean_e": d["mean_e"] * 3.0 + 7.0, "mean_c": d["mean_c"] * 3.0 + 7.0,
         "sd_e": d["sd_e"] * 3.0, "sd_c": d["sd_c"] * 3.0}
    b = run("metacont", t, opts)
    rel = float(np.max(np.abs(np.concatenate([d["mean_e"], d["mean_c"]])))
                / np.min(np.concatenate([d["sd_e"], d["sd_c"]]))) + 10.0
    assert_close(b.TE, a.TE, rtol=1e-12 * rel, atol=1e-12 * rel, what="TE")
    assert_close(b.seTE, a.seTE, rtol=1e-10 * rel, atol=1e-12 * rel, what="seTE")


# ---------------------------------------------------------------------------------------
# metabin: swapping arms, MH vs inverse variance, double zeros
# ---------------------------------------------------------------------------------------

@SETTINGS
@given(case=cases("metabin"))
def test_metabin_swap_arms(case):
    """Swapping the groups inverts every risk ratio / odds ratio (and negates a risk or
    arcsine difference): TE, TE.common, TE.random and the CIs change sign (the bounds
    swap); SEs, tau^2, Q, I2, the CMH statistic stay."""
    d, opts = case
    a = run("metabin", d, opts)
    swapped = dict(opts)
    if "incr_e" in opts:   # user-given increments belong to the arms
        swapped.update(incr_e=opts["incr_c"], incr_c=opts["incr_e"])
    b = run("metabin", {**d, "event_e": d["event_c"], "n_e": d["n_c"], "event_c": d["event_e"],
                        "n_c": d["n_e"]}, swapped)
    # log(x/y) vs log(y/x): rounding of the ratio, absolute ~eps
    at = 1e-12
    assert_close(b.TE, -a.TE, rtol=1e-9, atol=at, what="TE")
    assert_close(b.seTE, a.seTE, rtol=1e-9, what="seTE")
    assert_close(b.lower, -a.upper, rtol=1e-9, atol=at, what="lower")
    for f in ("TE_common", "TE_random"):
        assert_close(getattr(b, f), -np.asarray(getattr(a, f)), rtol=1e-9, atol=at, what=f)
    for lo, up in (("lower_common", "upper_common"), ("lower_random", "upper_random"),
                   ("lower_predict", "upper_predict")):
        assert_close(getattr(b, lo), -np.asarray(getattr(a, up)), rtol=1e-9, atol=at, what=lo)
    # The study variances 1/a - 1/n + 1/c - 1/m are summed in the other order; in
    # arms where every patient has an event the terms nearly cancel (1/703 - 1/703.5),
    # which amplifies the rounding ~1000-fold; tau2 (and with method.I2 = "tau2", I2)
    # inherits it: 1e-7 for the heterogeneity fields.
    for f in ("seTE_common", "seTE_random", "pval_common", "Q_CMH"):
        assert_close(getattr(b, f), getattr(a, f), rtol=1e-9, atol=1e-12, what=f)
    for f in ("Q", "pval_Q", "I2", "H"):
        assert_close(getattr(b, f), getattr(a, f), rtol=1e-7, atol=1e-12, what=f)
    assert_close(b.tau2, a.tau2, rtol=1e-7, atol=var_floor(a), what="tau2")
    assert_close(b.w_random, a.w_random, rtol=1e-7, atol=0, what="w_random")
    if opts.get("method") == "Inverse":
        assert_close(b.w_common, a.w_common, rtol=1e-9, what="w_common")


@SETTINGS
@given(case=cases("metabin"))
def test_metabin_mh_and_inverse_share_random_effects(case):
    """The random effects model (and heterogeneity) uses the inverse-variance study
    estimates whatever ``method`` is, so MH and Inverse agree there, bit for bit
    (without Q.Cochrane, which takes Q and tau2 around the MH estimate instead)."""
    d, opts = case
    opts = {**opts, "Q_Cochrane": False}
    mh = run("metabin", d, {**opts, "method": "MH"})
    iv = run("metabin", d, {**opts, "method": "Inverse"})
    for f in (STUDY_FIELDS[:4] + ("w_random",) + POOLED_VECTORS + TAU2_FIELDS
              + ("Q", "df_Q", "pval_Q", "I2", "H", "lower_I2", "upper_I2", "k", "Q_CMH")):
        assert_close(getattr(mh, f), getattr(iv, f), rtol=0, what=f)


@SETTINGS
@given(case=cases("metabin"))
def test_metabin_double_zeros(case):
    """Non-informative studies (no events in either arm; for odds ratios also events in
    every patient of both arms) have TE = NA and no weight unless ``allstudies``, for
    ratio measures; risk and arcsine differences keep them. k counts the others."""
    d, opts = case
    res = run("metabin", d, opts)
    ee, ne, ec, nc = (np.asarray(d[k]) for k in ("event_e", "n_e", "event_c", "n_c"))
    dz = (ee == 0) & (ec == 0)
    if opts.get("allstudies", False) or res.sm in ("RD", "ASD"):
        out = np.zeros(dz.size, dtype=bool)
    elif res.sm in ("OR", "DOR"):
        out = dz | ((ee == ne) & (ec == nc))
    else:
        out = dz
    # (seTE is NaN or, for odds ratios, Inf: 1 / 0 cells, as in R)
    assert np.all(np.isnan(res.TE[out])) and not np.any(np.isfinite(res.seTE[out]))
    if res.method != "SSW":   # sample size weights come from n.e, n.c alone
        assert np.all(res.w_common[out] == 0) and np.all(res.w_random[out] == 0)
    assert res.k <= int((~out).sum())
    # with a positive continuity correction every other study has an estimate
    positive = ("incr_e" not in opts and opts.get("incr", 0.5) != 0.0
                and not isinstance(opts.get("incr"), list))
    if positive and not (res.method == "Peto" and opts.get("allstudies", False)):
        assert np.all(np.isfinite(res.TE[~out]))
        assert res.k == int((~out).sum())
    if out.any():
        assert any("double zero" in n for n in res.notes)


# ---------------------------------------------------------------------------------------
# Properties of every result
# ---------------------------------------------------------------------------------------

def _check_result(res):
    k, TE, seTE = res.k, np.asarray(res.TE), np.asarray(res.seTE)
    usable = np.isfinite(TE) & np.isfinite(seTE)
    assert res.k_all == TE.size
    # k counts the non-missing estimates; an infinite one (metabin with a zero
    # continuity correction: log(0), 1/0) counts too, as in R, but gets no weight
    assert k == int((~np.isnan(TE) & ~np.isnan(seTE)).sum())
    # study CIs contain the estimate (not metaprop/metarate's continuity-corrected score
    # CIs, which R computes on the proportion scale and can exclude 0 events: as in R)
    cc_ci = getattr(res, "method_ci", "") in ("WSCC", "SACC")
    if isinstance(res, pymeta.MetaProp) and res.method_ci != "NAsm":
        # metaprop's exact/score/Wald study CIs are intervals for the *uncorrected*
        # proportion event/n, mapped to the sm scale (TE carries the continuity
        # correction: 0 of 1 gives TE = logit(0.25) but SA's CI [0, 0] -> -Inf), so they
        # contain event/n on that scale; R's WSCC (no truncation at 0 events) need not
        # (checked on the proportion scale, up to rounding: WS's upper bound for 7 of 7 is
        # 1 - 1e-16, so logit 36.7, not Inf, in R as here)
        ev, n = np.asarray(res.event, float), np.asarray(res.n, float)
        sc = prop_effects.study_ci(ev, n, res.level, res.method_ci, res.null_effect)
        for i in ([] if res.method_ci == "WSCC" else np.flatnonzero(~np.isnan(ev / n))):
            assert sc.lower[i] - 1e-12 <= ev[i] / n[i] <= sc.upper[i] + 1e-12, \
                (i, sc.lower[i], ev[i] / n[i], sc.upper[i])
            # a bound past [0, 1] by rounding (WS's upper bound for 7 of 7 at level 0.9 is
            # 1 + 2e-16) is NaN on the logit/log scale, as R's qlogis/log give it
            for b, inside in ((res.lower[i], 0 <= sc.lower[i] <= 1),
                              (res.upper[i], 0 <= sc.upper[i] <= 1)):
                assert not math.isnan(b) or not inside, (i, sc.lower[i], sc.upper[i])
            assert not res.lower[i] > res.upper[i]
        cc_ci = True
    for i in ([] if cc_ci else np.flatnonzero(usable)):
        assert res.lower[i] <= TE[i] <= res.upper[i]
    # weights: non-negative, zero exactly where a study cannot be pooled (metabin's
    # sample size weights, SSW, come from n.e and n.c alone, as in R)
    # Mantel-Haenszel (and metainc's Cochran) weights come from the counts: a study whose
    # inverse-variance estimate is infinite (zero continuity correction, e.g. a user
    # increment of 0) can still have one
    ssw = getattr(res, "method", "") == "SSW"
    mh = getattr(res, "method", "") in ("MH", "Cochran")
    for w, skip in ((res.w_common, ssw or mh), (res.w_random, ssw)):
        assert np.all(w >= 0)
        assert skip or np.all(w[~usable] == 0)
    # inverse-variance weights are positive for every usable study (a Mantel-Haenszel
    # weight is 0 for a study without events in the control arm when MH.exact = TRUE)
    assert np.all(res.w_random[usable] > 0)
    if res.method not in ("MH", "Cochran"):   # (Cochran's, metainc: 0 with a zero cell)
        assert np.all(res.w_common[usable] > 0)
    if k == 0:
        # no inverse-variance estimate: no random effects, no tau2; a common estimate
        # only from the counts (Mantel-Haenszel / Cochran: 1 of 1 in both arms gives
        # seTE = 0 -> NA, k = 0, but the MH risk ratio 1 with standard error 0, as in R)
        assert math.isnan(res.tau2) and np.all(np.isnan(np.atleast_1d(res.TE_random)))
        assert math.isnan(res.TE_common) or res.method in ("MH", "Cochran")
        return
    if k != int(usable.sum()):   # infinite estimates: R's edge case, checked against R
        return
    # common effect (MH.exact = TRUE with zero cells can give log(0) = -Inf, as in R;
    # with method.common.ci = "IVhet" R's sum has no na.rm: a missing seTE gives NA)
    if math.isfinite(res.TE_common) and not math.isnan(res.seTE_common):
        assert res.lower_common <= res.TE_common <= res.upper_common
        assert res.seTE_common >= 0   # 0 for MH.exact with all events in both arms
        # (no test without a null effect: metamean/metaprop/metarate's default NA)
        assert 0 <= res.pval_common <= 1 or (math.isnan(res.pval_common) and (
            res.seTE_common == 0 or math.isnan(res.null_effect)))
    # random effects, one entry per CI method
    te_r = float(np.atleast_1d(res.TE_random)[0])
    assert np.all(np.atleast_1d(res.TE_random) == te_r)
    for lo, up in zip(np.atleast_1d(res.lower_random), np.atleast_1d(res.upper_random)):
        assert within(lo, te_r, up)
    # heterogeneity
    # metabin's Q.Cochrane: Q around the Mantel-Haenszel estimate, not the IV one
    q_mh = getattr(res, "Q_Cochrane", False)
    if k == 1:
        assert (res.Q >= 0 if q_mh else res.Q == 0) and res.df_Q == 0
        assert math.isnan(res.pval_Q)
        if res.tau_preset is None:
            assert math.isnan(res.tau2) and math.isnan(res.tau)
        else:   # R keeps the preset value whatever k is
            assert res.tau2 == res.tau_preset ** 2 and res.tau == res.tau_preset
        assert math.isnan(res.I2) and math.isnan(res.H)
        if res.k_all == 1:
            # the weighted mean of one value (exact up to the last bit); MH's RR with
            # a continuity correction is not the study's inverse-variance RR, and
            # Cochran's (metainc) is 0/0 = NaN for a study without events (as in R)
            if res.method not in ("MH", "Cochran"):
                assert_close(res.TE_common, TE[0], rtol=4e-16, what="TE_common")
            assert_close(te_r, TE[0], rtol=4e-16, what="TE_random")
            assert not (res.common or res.random or res.prediction or res.overall)
        return
    assert res.df_Q == k - 1
    assert res.Q >= 0 and 0 <= res.pval_Q <= 1
    assert res.tau2 >= 0
    assert res.tau == math.sqrt(res.tau2)
    # NOT an invariant: lower.tau2 <= tau2 <= upper.tau2. The Q-profile CI inverts the
    # generalised Q statistic (the Paule-Mandel estimating equation), not the REML
    # likelihood, so the REML estimate can lie outside it; metafor does the same, e.g.
    # yi = (0,0,0,0,0,0,0.1), vi = (1,1,1,1,1,2e-4,2e-4): tau2 = 0.00463,
    # CI [0.000132, 0.00388]. Even the order of the bounds holds only up to metafor's
    # uniroot tolerance, which is absolute (eps^0.25 = 1.2e-4 on the tau2 scale): for
    # data with study variances ~1e-6 R itself returns lower.tau2 > upper.tau2.
    tol_root = np.finfo(float).eps ** 0.25
    assert within(res.lower_tau2, res.lower_tau2, res.upper_tau2 + 2 * tol_root)
    assert math.isnan(res.lower_tau2) or res.lower_tau2 >= 0
    assert 0 <= res.I2 <= 1
    assert res.H >= 1
    if res.method_I2 == "Q":
        # I2 and its CI both come from Q (Higgins & Thompson); with method.I2 = "tau2"
        # they come from tau2 and its Q-profile CI, see above
        assert within(res.lower_I2, res.I2, res.upper_I2, slack=1e-9), \
            (res.lower_I2, res.I2, res.upper_I2)
        assert within(res.lower_H, res.H, res.upper_H, slack=1e-9), \
            (res.lower_H, res.H, res.upper_H)
    for b in (res.lower_I2, res.upper_I2):
        assert math.isnan(b) or 0 <= b <= 1
    if ssw:   # SSW replaces TE.random and its CI; the PI stays metagen's (IV) one
        return
    # prediction intervals contain TE.random ...
    for lo, up in zip(np.atleast_1d(res.lower_predict), np.atleast_1d(res.upper_predict)):
        assert within(lo, te_r, up)
    # ... and are at least as wide as the random effects CI of the same family (same SE
    # plus tau^2, same or fewer df): V/HTS/S vs classic, HK/HK-PR vs HK (no ad hoc
    # correction), KR/KR-PR vs KR
    if k >= 3 and res.level_ma == res.level_predict:
        family = {"V": "classic", "HTS": "classic", "S": "classic", "HK": "HK",
                  "HK-PR": "HK", "KR": "KR", "KR-PR": "KR"}
        ci_width = {m: u - l for m, a, l, u in zip(
            res.method_random_ci, res.adhoc_hakn_ci, np.atleast_1d(res.lower_random),
            np.atleast_1d(res.upper_random)) if a == ""}
        for m, a, lo, up in zip(res.method_predict, res.adhoc_hakn_pi,
                                np.atleast_1d(res.lower_predict),
                                np.atleast_1d(res.upper_predict)):
            fam = family.get(m)
            if a == "" and fam in ci_width and math.isfinite(up - lo):
                assert up - lo >= ci_width[fam] * (1 - 1e-12), (m, up - lo, ci_width[fam])


@pytest.mark.parametrize("fun", ["metacont", "metabin", "metarate", "metaprop", "metainc"])
@settings(SETTINGS, max_examples=150)
@given(data=st.data())
def test_result_invariants(fun, data):
    d, opts = data.draw(cases(fun))
    _check_result(run(fun, d, opts))


@pytest.mark.parametrize("fun", ["metacont", "metabin", "metarate", "metaprop", "metainc"])
@SETTINGS
@given(data=st.data())
def test_single_study(fun, data):
    """k = 1: no pooling flags, Q = 0 on 0 df, no tau^2, the 'pooled' effect is the study's."""
    d, opts = data.draw(cases(fun, min_k=1, max_k=1))
    res = run(fun, d, opts)
    _check_result(res)
    assert res.k_all == 1
    assert not (res.common or res.random)


@pytest.mark.parametrize("fun", ["metacont", "metabin"])
@settings(SETTINGS, max_examples=20)
@given(data=st.data())
def test_results_are_immutable(fun, data):
    d, opts = data.draw(cases(fun))
    res = run(fun, d, opts)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.TE_common = 0.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.warnings = ()
    for f in dataclasses.fields(res):
        v = getattr(res, f.name)
        if isinstance(v, np.ndarray):
            assert not v.flags.writeable, f.name
            with pytest.raises(ValueError):
                v[...] = 0
    # the input arrays are not shared: changing them afterwards leaves the result alone
    before = np.array(res.TE)
    key = "mean_e" if fun == "metacont" else "n_e"
    d[key][...] = 0
    assert_close(res.TE, before, rtol=0, what="TE")


@pytest.mark.parametrize("fun", ["metacont", "metabin"])
@settings(SETTINGS, max_examples=20)
@given(data=st.data())
def test_to_dict(fun, data):
    d, opts = data.draw(cases(fun))
    res = run(fun, d, opts)
    out = res.to_dict()
    names = list(type(res).field_names())   # (the recorded call is internal: not R's)
    assert list(out) == [r_name(n) for n in names]
    assert all("_" not in key for key in out if key not in ("warnings", "notes"))
    for key in ("TE.common", "seTE.common", "lower.tau2", "df.Q", "w.random", "k.all", "I2"):
        assert key in out
    for n in names:
        assert out[r_name(n)] is getattr(res, n)


# ---------------------------------------------------------------------------------------
# metaprop, metainc, metarate
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("fun", ["metaprop", "metainc", "metarate"])
@SETTINGS
@given(data=st.data())
def test_single_group_and_rates_pool_like_metagen(fun, data):
    """The study estimates pool exactly as metagen pools them (inverse variance parts)."""
    d, opts = data.draw(cases(fun))
    a = run(fun, d, opts)
    gen_opts = {k: v for k, v in opts.items()
                if k not in ("sm", "method", "method_ci", "incr", "method_incr", "null_effect",
                             "incr_e", "incr_c")}
    with np.errstate(all="ignore"):
        g = pymeta.metagen(a.TE, a.seTE, studlab=d["studlab"], **gen_opts)
    fields = ["Q", "tau2", "TE_random", "w_random", "lower_random", "upper_random"]
    if a.method == "Inverse":
        fields += ["TE_common", "seTE_common", "w_common"]
    for f in fields:
        assert_close(getattr(g, f), getattr(a, f), rtol=0, what=f)


@SETTINGS
@given(case=cases("metaprop"))
def test_metaprop_study_ci_contains_estimate(case):
    """Each study's interval contains its estimate where no continuity correction moves the
    estimate (always for PRAW, PAS, PFT; for PLOGIT and PLN without an increment)."""
    d, opts = case
    a = run("metaprop", d, opts)
    for lo, te, up, inc, e, n in zip(a.lower, a.TE, a.upper, a.incr_event, a.event, a.n):
        if a.sm in ("PLOGIT", "PLN") and inc > 0:
            continue
        if a.method_ci == "WSCC" and e in (0, n):
            continue   # Newcombe's WSCC formula without his special cases (as in R meta)
        # a Wilson bound for 0 or n events is 0 or 1 only up to rounding (1 - 3e-17), which
        # asin(sqrt(.)) magnifies to ~1e-8 near 1 (R computes the same)
        assert within(lo, te, up, slack=1e-7 if a.sm in ("PAS", "PFT") else 1e-12), \
            (lo, te, up)
    assert np.all(np.asarray(a.event) <= np.asarray(a.n))


@SETTINGS
@given(case=cases("metarate"))
def test_metarate_study_ci_contains_estimate(case):
    d, opts = case
    a = run("metarate", d, opts)
    for lo, te, up, inc in zip(a.lower, a.TE, a.upper, a.incr_event):
        if a.sm in ("IR", "IRLN") and inc > 0:
            continue
        assert within(lo, te, up, slack=1e-12), (lo, te, up)


@SETTINGS
@given(case=cases("metainc", min_k=2))
def test_metainc_swap_groups(case):
    """Swapping the groups negates the log rate ratio / rate difference, study by study and
    pooled (the continuity correction is symmetric in the groups; user increments
    ``incr.e`` / ``incr.c`` swap with them)."""
    d, opts = case
    a = run("metainc", d, opts)
    s = {**d, "event_e": d["event_c"], "time_e": d["time_c"], "event_c": d["event_e"],
         "time_c": d["time_e"]}
    sopts = {**opts, **({"incr_e": opts["incr_c"], "incr_c": opts["incr_e"]}
                        if "incr_e" in opts else {})}
    b = run("metainc", s, sopts)
    assert_close(b.TE, -np.asarray(a.TE), rtol=1e-12, atol=1e-15, what="TE")
    assert_close(b.seTE, a.seTE, rtol=1e-12, what="seTE")
    assert_close(b.Q, a.Q, rtol=1e-9, atol=1e-12 * max(1.0, a.Q), what="Q")
    if a.method != "Cochran":   # Cochran's weights are not symmetric in the groups
        te_scale = float(np.nanmax(np.abs(a.TE))) if np.isfinite(a.TE).any() else 1.0
        assert_close(b.TE_common, -a.TE_common, rtol=1e-9, atol=1e-12 * te_scale,
                     what="TE_common")
