"""Hypothesis strategies for meta-analysis data sets and pymeta's option grid.

Public and reusable: the strategies depend only on ``hypothesis`` and ``numpy`` (plus
:mod:`pymeta.testing.grid` for the option values), so another project can draw realistic
two-arm continuous or binary data sets from them::

    from hypothesis import given
    from pymeta.testing.strategies import cases

    @given(cases("metabin"))
    def test_something(case):
        data, options = case
        res = pymeta.metabin(**data, **options)

Every data set is a ``dict`` whose keys are the argument names of
:func:`pymeta.metacont` / :func:`pymeta.metabin` / :func:`pymeta.metagen` /
:func:`pymeta.metamean` / :func:`pymeta.metacor` (numpy float arrays, plus ``studlab``, a
list of unique strings), so it can be passed on with ``**data``.

The data are *valid* (positive SDs, 0 <= events <= n, n >= 1) but deliberately awkward:
one or two studies, heterogeneity from none at all (identical estimates) to extreme,
values on scales from 1e-3 to 1e3, very large studies, zero cells, double zeros, arms in
which every patient has the event, and rare events. Per-study values are drawn element by
element, so failing examples shrink towards small, plain data sets.

A few data sets (about 1 in 150) are ones on which metafor's REML itself fails ("Fisher
scoring algorithm did not converge"); R meta stops there and so does pymeta
(``pymeta.model.tau2.FisherScoringError``). Tests should skip those, e.g. with
``hypothesis.reject()``.
"""
from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st

from .grid import APPROX_GRID, GRID, METAGEN_INPUTS, SELECTION, USER_GRID

__all__ = ["cont_data", "bin_data", "gen_data", "mean_data", "cor_data", "prop_data",
           "rate_data", "inc_data", "options", "cases", "subgroups", "selection",
           "gen_inputs",
           "study_count", "study_labels"]

#: Between-study SD as a multiple of the median within-study SE: none .. extreme.
_HETEROGENEITY = (0.0, 0.0, 0.1, 0.5, 1.0, 3.0, 10.0, 100.0)
#: Multiplier of the within-study sampling noise (0 = every study estimates exactly the
#: same effect, i.e. identical TE; small = nearly homogeneous).
_NOISE = (1.0, 1.0, 1.0, 0.1, 0.0)


def study_count(min_k: int = 1, max_k: int = 30) -> st.SearchStrategy[int]:
    """Number of studies in ``[min_k, max_k]``, with k = 1, 2 and 3 drawn often."""
    if not 1 <= min_k <= max_k:
        raise ValueError("need 1 <= min_k <= max_k")
    small = [k for k in (1, 2, 3) if min_k <= k <= max_k]
    any_k = st.integers(min_k, max_k)
    return st.one_of(st.sampled_from(small), any_k) if small else any_k


def study_labels(k: int) -> st.SearchStrategy[list]:
    """``k`` unique study labels (plain ASCII, as in a published forest plot)."""
    return st.sampled_from(("Study ", "S", "Trial-", "", "Author et al. ")).map(
        lambda prefix: [f"{prefix}{i + 1}" for i in range(k)])


def _sample_size() -> st.SearchStrategy[int]:
    """Arm sizes: mostly 2..500, sometimes very large (up to 10^5)."""
    return st.one_of(st.integers(2, 500), st.integers(2, 40),
                     st.integers(10_000, 100_000))


def _unit_normal() -> st.SearchStrategy[float]:
    """A standard-normal-like deviate, bounded (|z| <= 4) so data stay realistic."""
    return st.floats(-4.0, 4.0, allow_nan=False, allow_infinity=False)


@st.composite
def cont_data(draw, min_k: int = 1, max_k: int = 30, positive: bool = False) -> dict:
    """Continuous two-arm data: ``n_e, mean_e, sd_e, n_c, mean_c, sd_c`` and ``studlab``.

    Sizes are integers (2..500, sometimes 10^4..10^5); means and SDs share a scale factor
    drawn per data set from 1e-3..1e3; SDs are strictly positive. True study effects are
    ``mu + tau * u_i`` with ``tau`` from zero to 100 times the typical within-study SE,
    and the observed mean difference adds sampling noise ``se_i * z_i`` (sometimes
    shrunk, or switched off so that every study has the same estimate).

    With ``positive`` (a positive measurement, as for the ratio of means, sm = "ROM")
    every mean is > 0: control means are 3 to 100 times the scale, and the log ratio of
    means is ``mu + tau * u_i + noise * se_i * z_i`` on the log scale (|log ratio| <= 10).
    """
    k = draw(study_count(min_k, max_k))
    scale = 10.0 ** draw(st.floats(-3.0, 3.0))
    sd_base = scale * 10.0 ** draw(st.floats(-1.0, 1.0))
    if positive:
        level_c = scale * 10.0 ** draw(st.floats(0.5, 2.0))
        mu = draw(st.floats(-1.0, 1.0))          # log ratio of means
    else:
        level_c = scale * draw(st.floats(-10.0, 10.0))
        mu = scale * draw(st.floats(-2.0, 2.0))
    het = draw(st.sampled_from(_HETEROGENEITY))
    noise = draw(st.sampled_from(_NOISE))
    rounding = draw(st.sampled_from((None, None, 2, 1)))   # reported decimals (on scale)
    study = st.tuples(_sample_size(), _sample_size(),
                      st.floats(0.25, 4.0), st.floats(0.25, 4.0),   # SD multipliers
                      _unit_normal(), _unit_normal(), _unit_normal())
    rows = draw(st.lists(study, min_size=k, max_size=k))
    n_e, n_c, f_e, f_c, u, z, zc = (np.array(c, dtype=float) for c in zip(*rows))
    sd_e, sd_c = sd_base * f_e, sd_base * f_c
    if positive:
        mean_c = level_c * np.exp(0.1 * sd_base / level_c * zc)
        se = np.sqrt(sd_e ** 2 / (n_e * mean_c ** 2) + sd_c ** 2 / (n_c * mean_c ** 2))
        tau = het * float(np.median(se))
        mean_e = mean_c * np.exp(np.clip(mu + tau * u + noise * se * z, -10.0, 10.0))
    else:
        se = np.sqrt(sd_e ** 2 / n_e + sd_c ** 2 / n_c)
        tau = het * float(np.median(se))
        mean_c = level_c + 0.1 * sd_base * zc
        mean_e = mean_c + mu + tau * u + noise * se * z
    if rounding is not None:
        unit = 10.0 ** (math.floor(math.log10(scale)) - rounding)
        mean_e, mean_c = np.round(mean_e / unit) * unit, np.round(mean_c / unit) * unit
        if positive:
            mean_e, mean_c = np.maximum(mean_e, unit), np.maximum(mean_c, unit)
        sd_e = np.maximum(np.round(sd_e / unit), 1.0) * unit
        sd_c = np.maximum(np.round(sd_c / unit), 1.0) * unit
    return dict(n_e=n_e, mean_e=mean_e, sd_e=sd_e, n_c=n_c, mean_c=mean_c, sd_c=sd_c,
                studlab=draw(study_labels(k)))


#: Per-study 2x2 patterns, with their weight in the draw.
_BIN_PATTERNS = (("usual",) * 6 + ("zero_e", "zero_c", "double_zero", "all_e", "all_c",
                                    "all_both"))


@st.composite
def bin_data(draw, min_k: int = 1, max_k: int = 30) -> dict:
    """Binary two-arm data: ``event_e, n_e, event_c, n_c`` (floats holding integers), ``studlab``.

    Always valid (``0 <= event <= n``, ``n >= 1``; ``n`` from 1 to 5000). Control risks
    range from rare (1e-4) to near certain; log risk ratios are ``mu + tau * u_i`` with
    ``tau`` from none to large. Some studies are forced to have a zero cell in one arm,
    no events in either arm (double zero) or events in every patient of an arm.
    """
    k = draw(study_count(min_k, max_k))
    risk_kind = draw(st.sampled_from(("rare", "low", "moderate", "high")))
    lo, hi = {"rare": (-4.0, -2.0), "low": (-2.0, -1.0), "moderate": (-1.0, -0.3),
              "high": (-0.3, -0.005)}[risk_kind]
    log10_p_c = draw(st.floats(lo, hi))
    mu = draw(st.floats(-2.0, 2.0))
    tau = draw(st.sampled_from((0.0, 0.0, 0.1, 0.5, 1.0, 2.0)))
    n_size = draw(st.sampled_from(((1, 30), (10, 500), (100, 5000))))
    study = st.tuples(st.integers(*n_size), st.integers(*n_size), _unit_normal(),
                      _unit_normal(), _unit_normal(), st.sampled_from(_BIN_PATTERNS))
    rows = draw(st.lists(study, min_size=k, max_size=k))
    event_e, event_c, n_e, n_c = (np.zeros(k) for _ in range(4))
    for i, (ne, nc, u, ze, zc, pattern) in enumerate(rows):
        p_c = min(10.0 ** log10_p_c, 1.0)
        p_e = min(p_c * math.exp(mu + tau * u), 1.0)
        ee = round(ne * p_e + math.sqrt(ne * p_e * (1 - p_e)) * ze)
        ec = round(nc * p_c + math.sqrt(nc * p_c * (1 - p_c)) * zc)
        ee, ec = min(max(ee, 0), ne), min(max(ec, 0), nc)
        if pattern in ("zero_e", "double_zero"):
            ee = 0
        if pattern in ("zero_c", "double_zero"):
            ec = 0
        if pattern in ("all_e", "all_both"):
            ee = ne
        if pattern in ("all_c", "all_both"):
            ec = nc
        event_e[i], event_c[i], n_e[i], n_c[i] = ee, ec, ne, nc
    return dict(event_e=event_e, n_e=n_e, event_c=event_c, n_c=n_c,
                studlab=draw(study_labels(k)))


def options(fun: str) -> st.SearchStrategy[dict]:
    """Options for ``fun`` (a key of :data:`pymeta.testing.grid.GRID`) from the grid.

    One value per option, independently; options whose drawn value is ``None`` (meaning
    "not passed, R's default") are left out of the dict. Shrinks towards R's defaults
    (the first value of each entry).
    """
    grid = GRID[fun]
    items = {name: st.sampled_from(values) for name, values in grid.items()}
    return st.fixed_dictionaries(items).map(
        lambda d: {name: v for name, v in d.items() if v is not None})


@st.composite
def gen_data(draw, min_k: int = 1, max_k: int = 30) -> dict:
    """Generic data: study estimates ``TE`` and standard errors ``seTE`` (``studlab``).

    Standard errors are log-uniform over a per-data-set spread of up to six orders of
    magnitude (ratios up to 1e6 between studies); estimates are ``mu + tau * u_i`` plus
    sampling noise ``seTE_i * z_i``, with ``tau`` from zero to 100 times the median SE;
    values on scales from 1e-3 to 1e3.
    """
    k = draw(study_count(min_k, max_k))
    scale = 10.0 ** draw(st.floats(-3.0, 3.0))
    spread = draw(st.sampled_from((0.0, 0.5, 1.0, 2.0, 6.0)))     # log10 range of seTE
    het = draw(st.sampled_from(_HETEROGENEITY))
    noise = draw(st.sampled_from(_NOISE))
    mu = scale * draw(st.floats(-2.0, 2.0))
    rows = draw(st.lists(st.tuples(st.floats(0.0, 1.0), _unit_normal(), _unit_normal()),
                         min_size=k, max_size=k))
    v, u, z = (np.array(c, dtype=float) for c in zip(*rows))
    seTE = scale * 10.0 ** (spread * (v - 0.5))
    tau = het * float(np.median(seTE))
    TE = mu + tau * u + noise * seTE * z
    return dict(TE=TE, seTE=seTE, studlab=draw(study_labels(k)))


@st.composite
def mean_data(draw, min_k: int = 1, max_k: int = 30) -> dict:
    """Single-group data: ``n, mean, sd`` and ``studlab`` (for :func:`pymeta.metamean`).

    A positive measurement (means > 0, so that log means exist): the typical mean is
    drawn from 1e-3..1e3, coefficients of variation from 0.03 to 3 (means close to zero
    relative to their SD included); study means are ``level * exp(tau * u_i + noise *
    cv_i / sqrt(n_i) * z_i)`` with ``tau`` (log scale) from none to large. Sizes 2..500,
    sometimes 10^4..10^5. Values are sometimes rounded to the reported decimals (never
    to zero).
    """
    k = draw(study_count(min_k, max_k))
    level = 10.0 ** draw(st.floats(-3.0, 3.0))
    cv_base = 10.0 ** draw(st.floats(-1.5, 0.5))
    tau = draw(st.sampled_from((0.0, 0.0, 0.01, 0.1, 0.5, 1.0, 2.0)))
    noise = draw(st.sampled_from(_NOISE))
    rounding = draw(st.sampled_from((None, None, 2, 1)))
    study = st.tuples(_sample_size(), st.floats(0.25, 4.0), _unit_normal(), _unit_normal())
    rows = draw(st.lists(study, min_size=k, max_size=k))
    n, f, u, z = (np.array(c, dtype=float) for c in zip(*rows))
    cv = cv_base * f
    mean = level * np.exp(tau * u + noise * cv / np.sqrt(n) * z)
    sd = cv * level
    if rounding is not None:
        unit = 10.0 ** (math.floor(math.log10(level)) - rounding)
        mean = np.maximum(np.round(mean / unit), 1.0) * unit
        sd = np.maximum(np.round(sd / unit), 1.0) * unit
    return dict(n=n, mean=mean, sd=sd, studlab=draw(study_labels(k)))


@st.composite
def cor_data(draw, min_k: int = 1, max_k: int = 30) -> dict:
    """Correlation data: ``cor, n`` and ``studlab`` (for :func:`pymeta.metacor`).

    Correlations strictly inside (-1, 1), from none to near +-1 (|cor| up to 0.9999):
    Fisher-z study values are ``mu + tau * u_i + noise * z_i / sqrt(n_i - 3)`` (|z| <=
    5), with the mean correlation drawn over (-0.99, 0.99) or at +-0.999, and ``tau``
    from none to large. Sizes ``n >= 4`` (4..500, sometimes 10^4..10^5), so that the
    Fisher-z standard error ``1 / sqrt(n - 3)`` exists. Correlations are sometimes
    rounded to 2 or 3 decimals, as published (kept off +-1).
    """
    k = draw(study_count(min_k, max_k))
    rho = draw(st.one_of(st.floats(-0.99, 0.99), st.sampled_from((0.0, 0.999, -0.999))))
    mu = math.atanh(rho)
    tau = draw(st.sampled_from((0.0, 0.0, 0.05, 0.2, 0.5, 1.0)))
    noise = draw(st.sampled_from(_NOISE))
    rounding = draw(st.sampled_from((None, None, 2, 3)))
    size = st.one_of(st.integers(4, 500), st.integers(4, 40), st.integers(10_000, 100_000))
    rows = draw(st.lists(st.tuples(size, _unit_normal(), _unit_normal()),
                         min_size=k, max_size=k))
    n, u, z = (np.array(c, dtype=float) for c in zip(*rows))
    zi = np.clip(mu + tau * u + noise * z / np.sqrt(n - 3), -5.0, 5.0)
    cor = np.tanh(zi)
    if rounding is not None:
        unit = 10.0 ** -rounding
        cor = np.clip(np.round(cor / unit) * unit, -1 + unit, 1 - unit)
    return dict(cor=cor, n=n, studlab=draw(study_labels(k)))


#: Per-study patterns for single proportions / rates, with their weight in the draw.
_PROP_PATTERNS = ("usual",) * 7 + ("zero", "zero", "all", "all")


@st.composite
def prop_data(draw, min_k: int = 1, max_k: int = 30) -> dict:
    """Single proportions: ``event, n`` (floats holding integers) and ``studlab``.

    Always valid (``0 <= event <= n``, ``n >= 1``). True proportions from rare (1e-4) to
    near certain, logit-scale heterogeneity from none to large; sample sizes 1..30,
    10..500 or very large (10^3..10^5). Some studies are forced to have no events or
    events in every patient.
    """
    k = draw(study_count(min_k, max_k))
    kind = draw(st.sampled_from(("rare", "low", "moderate", "high", "near_one")))
    lo, hi = {"rare": (-4.0, -2.0), "low": (-2.0, -1.0), "moderate": (-1.0, -0.3),
              "high": (-0.3, -0.05), "near_one": (-0.05, -0.0005)}[kind]
    p0 = 10.0 ** draw(st.floats(lo, hi))
    tau = draw(st.sampled_from((0.0, 0.0, 0.1, 0.5, 1.0, 2.0)))
    n_size = draw(st.sampled_from(((1, 30), (10, 500), (1000, 100_000))))
    study = st.tuples(st.integers(*n_size), _unit_normal(), _unit_normal(),
                      st.sampled_from(_PROP_PATTERNS))
    rows = draw(st.lists(study, min_size=k, max_size=k))
    event, n = np.zeros(k), np.zeros(k)
    mu = math.log(p0 / (1 - p0))
    for i, (ni, u, z, pattern) in enumerate(rows):
        p = 1 / (1 + math.exp(-(mu + tau * u)))
        e = round(ni * p + math.sqrt(ni * p * (1 - p)) * z)
        e = min(max(e, 0), ni)
        if pattern == "zero":
            e = 0
        elif pattern == "all":
            e = ni
        event[i], n[i] = e, ni
    return dict(event=event, n=n, studlab=draw(study_labels(k)))


def _person_time(scale: float) -> st.SearchStrategy[float]:
    """Person-times within a factor of 30 of ``scale`` (drawn per data set from 1 to 10^6),
    sometimes with one decimal (as reported person-years are)."""
    return st.tuples(st.floats(0.0, 1.5), st.booleans()).map(
        lambda t: max(round(scale * 10.0 ** t[0], 1 if t[1] else 0), 0.5))


def _time_scale() -> st.SearchStrategy[float]:
    return st.sampled_from((1.0, 20.0, 500.0, 10_000.0, 1_000_000.0))


@st.composite
def rate_data(draw, min_k: int = 1, max_k: int = 30) -> dict:
    """Single incidence rates: ``event`` (whole numbers), ``time`` (person-time) and ``studlab``.

    Rates from rare (1e-5 per unit of time) to high (10), log-scale heterogeneity from
    none to large; some studies have no events.
    """
    k = draw(study_count(min_k, max_k))
    log10_rate = draw(st.floats(-5.0, 1.0))
    tau = draw(st.sampled_from((0.0, 0.0, 0.1, 0.5, 1.0, 2.0)))
    scale = draw(_time_scale())
    rows = draw(st.lists(st.tuples(_person_time(scale), _unit_normal(), _unit_normal(),
                                   st.sampled_from(("usual",) * 8 + ("zero", "zero"))),
                         min_size=k, max_size=k))
    event, time = np.zeros(k), np.zeros(k)
    for i, (t, u, z, pattern) in enumerate(rows):
        lam = min(10.0 ** log10_rate * math.exp(tau * u) * t, 2e4)
        e = max(round(lam + math.sqrt(lam) * z), 0)
        event[i], time[i] = (0 if pattern == "zero" else e), t
    return dict(event=event, time=time, studlab=draw(study_labels(k)))


@st.composite
def inc_data(draw, min_k: int = 1, max_k: int = 30) -> dict:
    """Incidence rates in two groups: ``event_e, time_e, event_c, time_c`` and ``studlab``.

    Control rates from rare (1e-5) to high (10) per unit of person-time, log rate ratios
    ``mu + tau * u_i``; some studies have no events in one group or in both.
    """
    k = draw(study_count(min_k, max_k))
    log10_rate = draw(st.floats(-5.0, 1.0))
    mu = draw(st.floats(-2.0, 2.0))
    tau = draw(st.sampled_from((0.0, 0.0, 0.1, 0.5, 1.0, 2.0)))
    pattern = st.sampled_from(("usual",) * 7 + ("zero_e", "zero_c", "double_zero"))
    scale = draw(_time_scale())
    rows = draw(st.lists(st.tuples(_person_time(scale), _person_time(scale), _unit_normal(),
                                   _unit_normal(), _unit_normal(), pattern),
                         min_size=k, max_size=k))
    ee, te, ec, tc = (np.zeros(k) for _ in range(4))
    for i, (t1, t2, u, z1, z2, pat) in enumerate(rows):
        lam_c = min(10.0 ** log10_rate * t2, 2e4)
        lam_e = min(10.0 ** log10_rate * math.exp(mu + tau * u) * t1, 2e4)
        e1 = max(round(lam_e + math.sqrt(lam_e) * z1), 0)
        e2 = max(round(lam_c + math.sqrt(lam_c) * z2), 0)
        if pat in ("zero_e", "double_zero"):
            e1 = 0
        if pat in ("zero_c", "double_zero"):
            e2 = 0
        ee[i], te[i], ec[i], tc[i] = e1, t1, e2, t2
    out = dict(event_e=ee, time_e=te, event_c=ec, time_c=tc, studlab=draw(study_labels(k)))
    sizes = draw(st.sampled_from((None, None, None, "n_e", "both")))
    if sizes is not None:   # sample sizes R only stores (one group or both)
        n = st.lists(st.integers(5, 500).map(float), min_size=k, max_size=k)
        out["n_e"] = np.array(draw(n))
        if sizes == "both":
            out["n_c"] = np.array(draw(n))
    return out


_DATA = {"metacont": cont_data, "metabin": bin_data, "metagen": gen_data,
         "metamean": mean_data, "metacor": cor_data, "metaprop": prop_data,
         "metainc": inc_data, "metarate": rate_data}


#: Subgroup labels (drawn in shuffled order, so R's order of appearance matters).
_SUBGROUP_LABELS = ("B", "A", "D", "C")


@st.composite
def subgroups(draw, k: int) -> list | None:
    """A ``subgroup`` column for ``k`` studies, or None (no subgroups, about 1 in 3): 1 to 4
    groups, each study's group drawn on its own (so single-study groups are common)."""
    n_groups = draw(st.sampled_from((0, 0, 1, 2, 2, 3, 4)))
    if n_groups == 0:
        return None
    labels = list(_SUBGROUP_LABELS[:n_groups])
    return draw(st.lists(st.sampled_from(labels), min_size=k, max_size=k))


def _with_user_args(case, always: bool = False, corpus: bool = False):
    """Add :data:`pymeta.testing.grid.USER_GRID` draws: user weights (log-uniform between
    0.05 and 20, one in 25 missing, one per study, or a single value), TE.tau,
    seed.predict, detail.tau."""
    data, opts = case
    k = len(data["studlab"])
    if corpus:   # as the committed fixture corpus was drawn (no missing weight)
        weights = st.lists(st.floats(-1.3, 1.3).map(lambda x: float(10.0 ** x)),
                           min_size=k, max_size=k)
    else:        # now and then a missing weight (R lets it through; metafor omits it)
        weights = st.lists(st.tuples(st.floats(-1.3, 1.3), st.integers(0, 24)).map(
            lambda t: math.nan if t[1] == 0 else float(10.0 ** t[0])), min_size=k, max_size=k)

    def attach(d):
        kind, w, te_tau, seed, detail = d
        o = dict(opts)
        if kind == "single":
            o["weights"] = w[0]
        elif kind is not None:
            o[kind] = [float(x) for x in w]   # a list: JSON-serialisable in reports
        for name, v in (("TE_tau", te_tau), ("seed_predict", seed), ("detail_tau", detail)):
            if v is not None:
                o[name] = v
        return (data, o)

    kinds = tuple(v for v in USER_GRID["weights"] if v is not None or not always)
    te_tau = tuple(v for v in USER_GRID["TE_tau"] if not (corpus and isinstance(v, tuple)))
    return st.tuples(st.sampled_from(kinds), weights, st.sampled_from(te_tau),
                     *(st.sampled_from(USER_GRID[n]) for n in
                       ("seed_predict", "detail_tau"))).map(attach)


def presentation_args(fun: str) -> st.SearchStrategy[dict]:
    """Some of R meta's presentation arguments (:mod:`pymeta.api.presentation`): texts
    (several random effects / prediction texts too, of any length, as R accepts), labels,
    overall / overall.hetstat, method.bias (old names, and names metacont refuses),
    keepdata, the subgroup print settings, warn.deprecated; metacont / metabin
    backtransf; metagen pscale / irscale / irunit."""
    from ..api import presentation
    word = st.sampled_from(("A", "Treatment x", "", "ctrl"))
    texts = st.one_of(word, st.lists(word, min_size=1, max_size=3))
    pool = {
        "text_common": word, "text_random": texts, "text_predict": texts,
        "text_w_common": word, "text_w_random": word, "title": word, "complab": word,
        "outclab": word, "label_left": word, "label_right": word,
        "col_label_left": st.sampled_from(("red", "black")),
        "col_label_right": st.sampled_from(("blue", "black")),
        "overall": st.booleans(), "overall_hetstat": st.booleans(),
        "method_bias": st.sampled_from(("Begg", "Egger", "Thompson", "rank", "linreg", "Harbord",
                                        "Peters", "Pustejovsky", "Deeks")),
        "keepdata": st.booleans(), "print_subgroup_name": st.booleans(),
        "sep_subgroup": st.sampled_from((": ", " = ")), "warn_deprecated": st.booleans(),
        "label_e": word, "label_c": word, "backtransf": st.booleans(),
    }
    if fun == "metagen":
        pool.update(pscale=st.sampled_from((1, 100, 1000)), irscale=st.sampled_from((1, 1000)),
                    irunit=st.sampled_from(("person-years", "days")),
                    backtransf=st.booleans())
    names = set(presentation.ARGS[fun]) | ({"pscale", "irscale", "irunit", "backtransf"}
                                           if fun == "metagen" else set())
    return st.fixed_dictionaries({}, optional={k: v for k, v in pool.items() if k in names})


def _with_presentation(fun: str, case):
    """About one case in three gets :func:`presentation_args`."""
    data, opts = case
    return st.one_of(st.just(case), st.just(case),
                     presentation_args(fun).map(lambda p: (data, {**opts, **p})))


def _with_subgroups(case, corpus: bool = False):
    """Add a ``subgroup`` column to about two data sets in three; with subgroups, about one
    case in three asks for a common tau2 (``tau_common = True``; ``tau_preset`` makes R use
    one as well)."""
    data, opts = case
    if corpus and any(opts.get(n) is not None for n in
                      ("weights", "weights_common", "weights_random", "TE_tau")):
        return st.just(case)   # the committed corpus: drawn without subgroups there
    k = len(data["studlab"])

    def attach(draw):
        sg, tc = draw
        if sg is None:
            return data, opts
        return {**data, "subgroup": sg}, (opts if tc is None else {**opts, "tau_common": tc})
    return st.tuples(subgroups(k), st.sampled_from([None, None, True, False])).map(attach)


def cases(fun: str, min_k: int = 1, max_k: int = 30, *, with_subgroups: bool = False,
          summaries: bool = False, with_selection: bool = False, user_args: bool = False,
          user_weights: bool = False, corpus: bool = False,
          **fixed) -> st.SearchStrategy[tuple]:
    """``(data, options)`` pairs for ``fun``: call ``getattr(pymeta, fun)(**data, **options)``.

    With ``with_subgroups`` (the parity campaigns) about two data sets in three carry a ``subgroup`` column
    (:func:`subgroups`): 1 to 4 groups, single-study groups included.

    With ``with_selection`` the data also carry, now and then, ``exclude`` and ``subset``
    masks (:func:`selection`) and, for metagen, the other inputs R derives estimates and
    standard errors from (:func:`gen_inputs`: confidence limits, p-values, ``df`` with
    ``method_ci``, ``n_e``/``n_c``).

    With ``user_args`` (the parity campaigns) the arguments of
    :data:`pymeta.testing.grid.USER_GRID` are drawn too (user weights in one case in
    three); with ``user_weights`` every case gets user-specified weights. Without either,
    cases have none (the property tests rely on inverse variance weights).

    ``fixed`` options (e.g. ``sm="ROM"``) replace the grid's draw for that option. For
    metacont the data depend on ``sm``: the ratio of means gets positive means
    (``cont_data(positive=True)``), as measured quantities whose ratio is taken are.

    With ``summaries`` (metacont, metamean) about half the data sets report some studies
    by medians, quartiles and/or ranges instead of means and SDs (:func:`with_summaries`).
    """
    if fun not in _DATA:
        raise ValueError(f"no data strategy for {fun!r} (have: {', '.join(_DATA)})")
    opts = options(fun)
    if fixed:
        opts = opts.map(lambda o: {**o, **fixed})
    if fun == "metacont":
        out = opts.flatmap(lambda o: st.tuples(
            cont_data(min_k, max_k, positive=o.get("sm") == "ROM"), st.just(o)))
    elif fun == "metabin":
        out = st.tuples(bin_data(min_k, max_k), opts, st.integers(0, 9)).flatmap(
            lambda c: _bin_case(c[0], c[1], keep_invalid=c[2] == 5, fixed=fixed))
    elif fun == "metainc" and "method_incr" not in fixed:
        out = st.tuples(inc_data(min_k, max_k), opts).flatmap(lambda c: _inc_case(*c))
    else:
        out = st.tuples(_DATA[fun](min_k, max_k), opts)
    if summaries and fun in _ARMS:
        out = out.flatmap(lambda c: with_summaries(fun, c))
    if with_selection:
        if fun == "metagen":
            out = out.flatmap(lambda c: gen_inputs(c[0]).map(lambda d: (d[0], {**c[1], **d[1]})))
        out = out.flatmap(lambda c: selection(len(c[0]["studlab"])).map(
            lambda sel: ({**c[0], **sel}, c[1])))
    if user_args or user_weights:
        out = out.flatmap(lambda c: _with_user_args(c, user_weights, corpus))
    if user_args:
        out = out.flatmap(lambda c: _with_presentation(fun, c))
        if fun == "metagen" and corpus:
            # the layer the committed corpus was drawn with (hypothesis' mutations follow
            # the strategies' structure); it drops the subset, which the corpus never has
            out = out.map(lambda c: ({k: v for k, v in c[0].items() if k != "subset"}, c[1])
                          if any(c[1].get(n) is not None for n in
                                 ("weights", "weights_common", "weights_random")) else c)
    if with_subgroups and fun in _SUBGROUP_FUNS:
        out = out.flatmap(lambda c: _with_subgroups(c, corpus))
    return out


#: Per arm: (n, mean, sd, median, q1, q3, min, max, approx.mean, approx.sd) argument names.
_ARMS = {
    "metamean": (("n", "mean", "sd", "median", "q1", "q3", "min", "max", "approx_mean",
                  "approx_sd"),),
    "metacont": tuple(tuple(f"{a}_{arm}" for a in ("n", "mean", "sd", "median", "q1", "q3",
                                                   "min", "max", "approx_mean", "approx_sd"))
                      for arm in ("e", "c")),
}

#: How a study reports an arm: means and SDs, median + quartiles + range, median +
#: quartiles, median + range, the mean with quartiles (no SD), or the median and
#: quartiles with the SD (no mean); "both": mean and SD plus all summaries (R keeps the
#: mean and SD).
_REPORTS = ("mean_sd", "mean_sd", "iqr.range", "iqr", "range", "mean_iqr", "median_sd",
            "both")
_NEEDS = {"iqr.range": ("median", "q1", "q3", "min", "max"), "iqr": ("median", "q1", "q3"),
          "range": ("median", "min", "max"), "mean_iqr": ("q1", "q3"),
          "median_sd": ("median", "q1", "q3"), "both": ("median", "q1", "q3", "min", "max"),
          "mean_sd": ()}


@st.composite
def _arm_summaries(draw, data: dict, names: tuple) -> dict:
    """Medians, quartiles and ranges for one arm (R's rules decide which studies get
    approximated: those whose mean / SD is missing and whose summaries are there)."""
    n_, mean_, sd_, med_, q1_, q3_, min_, max_, am_, as_ = names
    k = len(data[n_])
    mean, sd = np.asarray(data[mean_], float), np.asarray(data[sd_], float)
    skew = draw(st.floats(-0.3, 0.3))
    rows = draw(st.lists(st.tuples(st.sampled_from(_REPORTS), st.floats(0.4, 1.0),
                                   st.floats(0.4, 1.0), st.floats(0.3, 3.0),
                                   st.floats(0.3, 3.0)), min_size=k, max_size=k))
    rounding = draw(st.sampled_from((None, 1, 2)))
    out = {x: np.full(k, math.nan) for x in (med_, q1_, q3_, min_, max_)}
    new_mean, new_sd = mean.copy(), sd.copy()
    report = []
    for i, (rep, a, b, c, d) in enumerate(rows):
        report.append(rep)
        med = mean[i] + skew * sd[i]
        vals = {"median": med, "q1": med - a * sd[i], "q3": med + b * sd[i]}
        vals.update(min=vals["q1"] - c * sd[i], max=vals["q3"] + d * sd[i])
        if rounding is not None and sd[i] > 0:
            unit = 10.0 ** (math.floor(math.log10(sd[i])) - rounding)
            vals = {key: round(v / unit) * unit for key, v in vals.items()}
        col = {"median": med_, "q1": q1_, "q3": q3_, "min": min_, "max": max_}
        for key in _NEEDS[rep]:
            out[col[key]][i] = vals[key]
        if rep in ("iqr.range", "iqr", "range", "median_sd"):
            new_mean[i] = math.nan
        if rep in ("iqr.range", "iqr", "range", "mean_iqr"):
            new_sd[i] = math.nan
    if draw(st.integers(0, 14)) == 0:   # an impossible summary: R stops, so must pymeta
        i = draw(st.integers(0, k - 1))
        out[q1_][i], out[med_][i] = out[med_][i], out[q1_][i]
    res = {n_: data[n_]}
    res[mean_] = None if np.isnan(new_mean).all() and draw(st.booleans()) else new_mean
    res[sd_] = None if np.isnan(new_sd).all() and draw(st.booleans()) else new_sd
    for x in (med_, q1_, q3_, min_, max_):
        res[x] = out[x] if not np.isnan(out[x]).all() else None
    # R's rule: q1 & q3 or min & max are needed without any SD (and a median without means)
    if res[sd_] is None and not ((res[q1_] is not None and res[q3_] is not None)
                                 or (res[min_] is not None and res[max_] is not None)):
        res[sd_] = new_sd
    if res[mean_] is None and res[med_] is None:
        res[mean_] = new_mean
    explicit = draw(st.sampled_from((None, None, None, "vector", "scalar")))
    if explicit is not None:
        def label(i, what):
            if report[i] == "mean_sd" or (what == "mean" and report[i] == "mean_iqr"):
                return ""
            have = [x for x, keys in (("iqr.range", ("median", "q1", "q3", "min", "max")),
                                      ("iqr", ("median", "q1", "q3")),
                                      ("range", ("median", "min", "max")))
                    if all(res[{"median": med_, "q1": q1_, "q3": q3_, "min": min_,
                                "max": max_}[key]] is not None for key in keys)]
            return draw(st.sampled_from(have + [""])) if have else ""
        for what, arg in (("mean", am_), ("sd", as_)):
            if draw(st.booleans()):
                labels = [label(i, what) for i in range(k)]
                res[arg] = labels[0] if explicit == "scalar" else labels
    return res


def with_summaries(fun: str, case) -> st.SearchStrategy[tuple]:
    """``case`` as drawn, or (about half the time) with some studies reporting medians,
    quartiles and ranges instead of means and SDs in one or both arms, ``method_mean`` /
    ``method_sd`` from :data:`pymeta.testing.grid.APPROX_GRID` and sometimes the
    approximations named per study (``approx_mean`` ...; a single value, which R applies
    to the first study only). About 1 in 15 such data sets has a median below its first
    quartile (R stops)."""
    data, opts = case

    @st.composite
    def convert(draw):
        if draw(st.booleans()):
            return case
        d = dict(data)
        for names in _ARMS[fun]:
            if draw(st.integers(0, 3)) > 0:
                d.update(draw(_arm_summaries(d, names)))
        o = dict(opts)
        for name, values in APPROX_GRID.items():
            v = draw(st.sampled_from(values))
            if v is not None:
                o[name] = v
        if {o.get("method_mean"), o.get("method_sd")} & {"Cai", "BC-McGrath"}:
            # Monte Carlo (estmeansd): R's stream after set.seed(seed_estmeansd)
            o["seed_estmeansd"] = draw(st.integers(-2**31 + 1, 2**31 - 1))
        return ({k: v for k, v in d.items() if v is not None}, o)

    return convert()


def _mask(k: int, p_true: float) -> st.SearchStrategy[list]:
    """``k`` logicals, each TRUE with probability about ``p_true`` (shrinks to FALSE)."""
    cut = int(round(p_true * 100))
    return st.lists(st.integers(0, 99).map(lambda u: u < cut), min_size=k, max_size=k)


@st.composite
def selection(draw, k: int) -> dict:
    """R meta's ``exclude`` (studies in the output, not pooled) and ``subset`` (studies
    analysed) as logical masks over ``k`` studies, each given in about one case in three;
    every study excluded, or none selected (R: "No studies to combine"), happens too."""
    out = {}
    if draw(st.integers(0, 2)) == 0:
        out["exclude"] = draw(_mask(k, draw(st.sampled_from(SELECTION["exclude"]))))
    if draw(st.integers(0, 2)) == 0:
        out["subset"] = draw(_mask(k, draw(st.sampled_from(SELECTION["subset"]))))
    return out


#: Upper normal quantiles for the levels of the confidence limits drawn.
_Z = {0.95: 1.959963984540054, 0.9: 1.6448536269514722}


@st.composite
def gen_inputs(draw, data: dict) -> tuple:
    """metagen data re-expressed as R's other inputs: ``(data, options)``.

    One of: as drawn; confidence limits ``lower``/``upper`` (at ``level_ci`` 0.95 or
    0.9) for ``seTE`` or for both ``TE`` and ``seTE`` (R takes the midpoint and the
    width), some studies missing; two-sided p-values ``pval`` for ``seTE`` (p of 0 or 1,
    which R refuses, arise from extreme or null estimates); study ``df`` with
    ``method_ci`` "t" (R's default once df is given) or "z"; limits given beside
    ``TE``/``seTE`` (R keeps them as the study intervals). ``n_e``/``n_c`` now and then.
    """
    TE, seTE = np.asarray(data["TE"], float), np.asarray(data["seTE"], float)
    k = TE.size
    d, o = dict(data), {}
    variant = draw(st.integers(0, 5))
    lev = draw(st.sampled_from(METAGEN_INPUTS["level_ci"]))
    gaps = draw(_mask(k, draw(st.sampled_from((0.0, 0.0, 0.3)))))
    lo, up = TE - _Z[lev] * seTE, TE + _Z[lev] * seTE
    lo[np.array(gaps, bool)] = np.nan
    if variant in (1, 2, 5):
        d.update(lower=lo, upper=up)
        if lev != 0.95:
            o["level_ci"] = lev
        if variant == 1:
            d["seTE"] = np.where(np.array(gaps, bool), seTE, np.nan)
        elif variant == 2:
            del d["TE"]
            del d["seTE"]
    elif variant == 3:
        with np.errstate(all="ignore"):
            p = np.array([math.erfc(abs(t / s) / math.sqrt(2)) for t, s in zip(TE, seTE)])
        d["pval"] = p
        d["seTE"] = np.where(np.array(gaps, bool), seTE, np.nan)
        if draw(st.booleans()):
            # with t quantiles (p-values near 1 and far below 1e-20 included: R's qt
            # is followed step by step, see pymeta.model.rmath.qt)
            d["pval"] = p
            d["df"] = np.array(draw(st.lists(st.sampled_from(METAGEN_INPUTS["df"]),
                                             min_size=k, max_size=k)))
    elif variant == 4:
        d["df"] = np.array(draw(st.lists(st.sampled_from(METAGEN_INPUTS["df"]),
                                         min_size=k, max_size=k)))
        mc = draw(st.sampled_from(METAGEN_INPUTS["method_ci"]))
        if mc is not None:
            o["method_ci"] = mc
    elif draw(st.booleans()):
        o["method_ci"] = "t"          # without df: R falls back to normal quantiles
    if draw(st.integers(0, 3)) == 0:
        d["n_e"] = np.array(draw(st.lists(st.integers(2, 500), min_size=k, max_size=k)), float)
        if draw(st.booleans()):
            d["n_c"] = np.array(draw(st.lists(st.integers(2, 500), min_size=k, max_size=k)),
                                float)
    return d, o


#: The functions with subgroup analyses in pymeta.
_SUBGROUP_FUNS = ("metagen", "metacont", "metabin", "metamean", "metacor", "metaprop",
                  "metainc", "metarate")


#: Continuity corrections drawn for method.incr = "user" (per study).
_USER_INCR = (0.5, 0.1, 0.0, 1.0, 0.25)


def _bin_case(data: dict, opts: dict, keep_invalid: bool, fixed: dict) -> st.SearchStrategy:
    """metabin options made to fit the data and each other.

    * Peto's method and sample size weighting need sm = "OR" (R stops otherwise): such
      draws get sm = "OR" (or, if sm was fixed, method = "MH"), except about one in ten,
      which stay as drawn so that R's refusal is checked too (pymeta must raise).
    * method.incr = "user" needs per-study increments: ``incr.e`` / ``incr.c`` (vectors,
      or single values R recycles), or a study-specific ``incr`` vector (R then uses it
      for both arms); sometimes ``method.incr`` is left out (R sets "user" itself) or
      set to "only0" (R warns that the increments given win).
    """
    o = dict(opts)
    if (o.get("method") in ("Peto", "SSW") and o.get("sm", "RR") not in ("OR", "ASD")
            and not keep_invalid):
        if "sm" not in fixed:
            o["sm"] = "OR"
        elif "method" not in fixed:
            o["method"] = "MH"
    if o.get("method_incr") != "user":
        return st.tuples(st.just(data), st.just(o))
    return _user_increments(data, o)


def _inc_case(data: dict, opts: dict) -> st.SearchStrategy:
    """metainc options: about one draw in three gets user increments (``incr.e`` /
    ``incr.c`` or a study-specific ``incr``, as :func:`_bin_case` draws them; the grid
    itself keeps R's three method.incr values)."""
    return st.integers(0, 2).flatmap(
        lambda v: _user_increments(data, {**opts, "method_incr": "user"}) if v == 0
        else st.just((data, opts)))


def _user_increments(data: dict, o: dict) -> st.SearchStrategy:
    """Per-study increments for method.incr = "user" (metabin, metainc)."""
    k = len(data["studlab"])
    vec = st.lists(st.sampled_from(_USER_INCR), min_size=k, max_size=k)

    def attach(draw):
        variant, ie, ic, one = draw
        u = dict(o)
        if variant == 0:        # incr.e / incr.c, method.incr = "user"
            u.update(incr_e=ie, incr_c=ic)
        elif variant == 1:      # incr.e / incr.c, method.incr not given
            u.pop("method_incr")
            u.update(incr_e=ie, incr_c=ic)
        elif variant == 2:      # study-specific incr (R: incr.e = incr.c = incr)
            u.pop("method_incr")
            u["incr"] = ie if k > 1 else ie[0]   # (one study: a plain incr)
        elif variant == 3:      # increments given but method.incr = "only0": R warns
            u.update(method_incr="only0", incr_e=ie, incr_c=ic)
        else:                   # single values, recycled by R
            u.update(incr_e=one, incr_c=one)
        return (data, u)

    return st.tuples(st.integers(0, 4), vec, vec, st.sampled_from(_USER_INCR)).map(attach)
