"""Means and standard deviations approximated from medians, quartiles and ranges.

Source: R meta 8.5 ``R/mean-sd-internal.R`` (``mean_sd_iqr``, ``mean_sd_range``,
``mean_sd_iqr_range``), the tables ``Wan2014.Table1`` / ``Wan2014.Table2`` set in
``R/meta-internal.R``, and the blocks "(7) Calculate means from other information" and
"(8) Calculate standard deviation from other information" of ``R/metacont.R`` /
``R/metamean.R`` (which studies get which approximation).

Methods: means by Luo et al. (2018) or Wan et al. (2014); standard deviations by Shi et
al. (2020) or Wan et al. (2014) when median, quartiles and range are known, and by Wan
et al. (2014) otherwise. Cai et al. (2021) ("Cai") and McGrath et al. (2020)'s Box-Cox
method ("BC-McGrath") come from the port of R's package estmeansd
(:mod:`pymeta.effects.estmeansd`), one study at a time on one random stream, in R's
order; so does McGrath et al.'s quantile estimation "QE-McGrath" (:mod:`pymeta.effects.qe`,
no random numbers).

R's quirks are kept: the tables are indexed with the vector of sample sizes inside
``ifelse``, so a size that gives index 0 (n <= 1) drops out of the looked-up vector and
R recycles what is left over the studies; a single ``approx.mean.e`` value is not
recycled (R's ``rep_len`` result is discarded), so it applies to the first study only.
"""
from __future__ import annotations

import math

import numpy as np

from ..model.rmath import qnorm, rpow
from . import estmeansd as _est

__all__ = ["mean_sd_iqr", "mean_sd_range", "mean_sd_iqr_range", "approximate",
           "approximate_means", "approximate_sds", "NOT_PORTED", "luo_mean",
           "APPROX_CHOICES", "ESTMEANSD_METHODS", "WAN2014_TABLE1", "WAN2014_TABLE2"]

#: Values of ``approx.mean`` / ``approx.sd`` (meta's ``setchar`` list).
APPROX_CHOICES = ("", "iqr.range", "iqr", "range")
#: Methods R computes with the package estmeansd.
ESTMEANSD_METHODS = ("Cai", "QE-McGrath", "BC-McGrath")
#: Of those, the ones pymeta lacks.
NOT_PORTED: tuple = ()
#: The methods pymeta computes with its port of estmeansd, study by study.
ESTMEANSD = ("Cai", "BC-McGrath", "QE-McGrath")

#: Wan et al. (2014), Table 1: expected range of n standard normal values, n = 1..50.
WAN2014_TABLE1 = np.array([
    0.000, 1.128, 1.693, 2.059, 2.326, 2.534, 2.704, 2.847, 2.970, 3.078,
    3.173, 3.259, 3.336, 3.407, 3.472, 3.532, 3.588, 3.640, 3.689, 3.735,
    3.778, 3.819, 3.858, 3.895, 3.931, 3.964, 3.997, 4.027, 4.057, 4.086,
    4.113, 4.139, 4.165, 4.189, 4.213, 4.236, 4.259, 4.280, 4.301, 4.322,
    4.341, 4.361, 4.379, 4.398, 4.415, 4.433, 4.450, 4.466, 4.482, 4.498])
#: Wan et al. (2014), Table 2: expected interquartile range divisor, n = 4Q + 1, Q = 1..50.
WAN2014_TABLE2 = np.array([
    0.990, 1.144, 1.206, 1.239, 1.260, 1.274, 1.284, 1.292, 1.298, 1.303,
    1.307, 1.311, 1.313, 1.316, 1.318, 1.320, 1.322, 1.323, 1.324, 1.326,
    1.327, 1.328, 1.329, 1.330, 1.330, 1.331, 1.332, 1.332, 1.333, 1.333,
    1.334, 1.334, 1.335, 1.335, 1.336, 1.336, 1.336, 1.337, 1.337, 1.337,
    1.338, 1.338, 1.338, 1.338, 1.339, 1.339, 1.339, 1.339, 1.339, 1.340])


def _r_lookup(table: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """R's ``table[idx]`` for non-negative double indices: NA gives NA, the index is
    truncated, index 0 is dropped (the result gets shorter), beyond the end gives NA."""
    out = []
    for v in idx:
        if math.isnan(v):
            out.append(math.nan)
            continue
        i = int(v)            # R truncates a double index towards zero
        if i == 0:
            continue
        out.append(table[i - 1] if i <= table.size else math.nan)
    return np.array(out, dtype=float)


def _r_ifelse(test: np.ndarray, yes: np.ndarray, no: np.ndarray) -> np.ndarray:
    """R's ``ifelse`` on doubles: NA test gives NA; ``yes``/``no`` recycled to the test's
    length (an empty one gives NA)."""
    k = test.size
    out = np.full(k, math.nan)

    def recycle(v):
        return np.resize(v, k) if v.size else np.full(k, math.nan)
    yes_r, no_r = recycle(yes), recycle(no)
    for i, t in enumerate(test):
        if t is None:
            continue
        out[i] = yes_r[i] if t else no_r[i]
    return out


def _test(cond: np.ndarray, n: np.ndarray) -> np.ndarray:
    """``n > c`` as an R logical vector (None where n is NA)."""
    return np.array([None if math.isnan(v) else bool(c) for v, c in zip(n, cond)], dtype=object)


def _range_divisor(n: np.ndarray) -> np.ndarray:
    """``ifelse(n > 50, 2 * qnorm((n - 0.375) / (n + 0.25)), Wan2014.Table1[n])``."""
    with np.errstate(all="ignore"):
        yes = 2 * qnorm((n - 0.375) / (n + 0.25))
        test = _test(n > 50, n)
    return _r_ifelse(test, np.atleast_1d(yes), _r_lookup(WAN2014_TABLE1, n))


def _iqr_divisor(n: np.ndarray) -> np.ndarray:
    """``ifelse(n > 201, 2 * qnorm((0.75 * n - 0.125) / (n + 0.25)),
    Wan2014.Table2[ceiling(0.25 * (n - 1))])``."""
    with np.errstate(all="ignore"):
        yes = 2 * qnorm((0.75 * n - 0.125) / (n + 0.25))
        test = _test(n > 201, n)
        idx = np.ceil(0.25 * (n - 1)) + 0.0     # -0.0 -> 0.0
    return _r_ifelse(test, np.atleast_1d(yes), _r_lookup(WAN2014_TABLE2, idx))


def _vectors(n, **given):
    n = np.atleast_1d(np.asarray(n, dtype=float))
    out = {}
    for name, v in given.items():
        if v is None:
            raise ValueError(f"Arguments 'n' and '{name}' must have the same length.")
        a = np.atleast_1d(np.asarray(v, dtype=float))
        if a.size != n.size:
            raise ValueError(f"Arguments 'n' and '{name}' must have the same length.")
        out[name] = a
    nn = n[~np.isnan(n)]
    if np.any(nn <= 0):
        raise ValueError("Argument 'n' must be positive.")
    return n, out


def _lt(a, b) -> bool:
    """R's ``any(a < b, na.rm = TRUE)``."""
    with np.errstate(invalid="ignore"):
        return bool(np.any(a < b))


def _check_iqr(median, q1, q3):
    if _lt(median, q1):
        raise ValueError("Median must be larger than first quartile.")
    if _lt(q3, median):
        raise ValueError("Median must be smaller than third quartile.")
    with np.errstate(invalid="ignore"):
        if np.any(q1 >= q3):
            raise ValueError("First quartile must be smaller than third quartile.")


def _check_range(median, mn, mx):
    if _lt(median, mn):
        raise ValueError("Median must be larger than minumum.")   # sic, R's message
    if _lt(mx, median):
        raise ValueError("Median must be smaller than maximum.")
    with np.errstate(invalid="ignore"):
        if np.any(mn >= mx):
            raise ValueError("Minimum must be smaller than maximum.")


def _check_quartiles_in_range(median, q1, q3, mn, mx):
    if _lt(q1, mn):
        raise ValueError("First quartile must be larger than minumum.")   # sic
    if _lt(mx, q3):
        raise ValueError("Third quartile must be smaller than maximum.")


def _inputs(n, method_mean, checks, **given):
    """The helpers' argument checks, in R's order: lengths, n > 0, the order of the
    summaries (each check gets the vectors it names), then the estmeansd methods."""
    n, v = _vectors(n, **given)
    for check in checks:
        names = check.__code__.co_varnames[:check.__code__.co_argcount]
        check(*(v[{"mn": "min", "mx": "max"}.get(a, a)] for a in names))
    if method_mean in NOT_PORTED:
        _estmeansd(method_mean, "method.mean")
    return n, tuple(v.values())


def _estmeansd(method: str, arg: str):
    raise NotImplementedError(
        f"Argument '{arg} = \"{method}\"' (R meta calls package estmeansd) is not implemented "
        "in pymeta.")


def luo_mean(n, median, q1=None, q3=None, mn=None, mx=None):
    """Luo et al. (2018)'s mean from the quartiles (eq. 15), the range (eq. 2) or both
    (eq. 10), whichever are given; in the operation order of meta's helpers, which is also
    that of ``metaBLUE::Luo.mean`` (estmeansd's), so both get the same doubles."""
    with np.errstate(all="ignore"):
        if mn is None:
            return (0.7 + 0.39 / n) * (q1 + q3) / 2 + (0.3 - 0.39 / n) * median
        n75 = rpow(n, 0.75)
        if q1 is None:
            return 4 / (4 + n75) * (mn + mx) / 2 + n75 / (4 + n75) * median
        n55 = rpow(n, 0.55)
        return (2.2 / (2.2 + n75) * (mn + mx) / 2 + (0.7 - 0.72 / n55) * (q1 + q3) / 2
                + (0.3 + 0.72 / n55 - 2.2 / (2.2 + n75)) * median)


def mean_sd_iqr(n, median, q1, q3, method_mean: str = "Luo", stream=None):
    """meta's ``mean_sd_iqr``: (mean, sd) from n, median and the quartiles.

    Mean: Luo et al. (2018) or Wan et al. (2014), eq. (14); SD: Wan et al. (2014),
    eq. (15)/(16) (for "Luo" and "Wan"). For "Cai" / "BC-McGrath" both come from
    estmeansd, the means for every study first, then the SDs (R calls it twice per
    study, drawing from ``stream`` each time).
    """
    n, (median, q1, q3) = _inputs(n, method_mean, (_check_iqr,), median=median, q1=q1, q3=q3)
    if method_mean in ESTMEANSD:
        cols = dict(q1=q1, median=median, q3=q3)
        return (_est.estimate(method_mean, "mean", n, stream, **cols),
                _est.estimate(method_mean, "sd", n, stream, **cols))
    with np.errstate(all="ignore"):
        if method_mean == "Luo":
            mean = luo_mean(n, median, q1, q3)
        elif method_mean == "Wan":
            mean = (q1 + median + q3) / 3
        else:
            mean = np.full(n.size, math.nan)
        sd = (q3 - q1) / _iqr_divisor(n)
    return mean, sd


def mean_sd_range(n, median, mn, mx, method_mean: str = "Luo", stream=None):
    """meta's ``mean_sd_range``: (mean, sd) from n, median, minimum and maximum.

    Mean: Luo et al. (2018) or Wan et al. (2014), eq. (2); SD: Wan et al. (2014),
    eq. (7)/(9). "Cai" / "BC-McGrath" as in :func:`mean_sd_iqr`.
    """
    n, (median, mn, mx) = _inputs(n, method_mean, (_check_range,), median=median, min=mn,
                                  max=mx)
    if method_mean in ESTMEANSD:
        cols = dict(min=mn, median=median, max=mx)
        return (_est.estimate(method_mean, "mean", n, stream, **cols),
                _est.estimate(method_mean, "sd", n, stream, **cols))
    with np.errstate(all="ignore"):
        if method_mean == "Luo":
            mean = luo_mean(n, median, mn=mn, mx=mx)
        elif method_mean == "Wan":
            mean = (mn + 2 * median + mx) / 4 + np.where(np.isnan(n), 0.0,
                                                         (mn - 2 * median + mx) / (4 * n))
        else:
            mean = np.full(n.size, math.nan)
        sd = (mx - mn) / _range_divisor(n)
    return mean, sd


def mean_sd_iqr_range(n, median, q1, q3, mn, mx, method_mean: str = "Luo",
                      method_sd: str = "Shi", stream=None):
    """meta's ``mean_sd_iqr_range``: (mean, sd) from n, median, quartiles and range.

    Mean: Luo et al. (2018) or Wan et al. (2014), eq. (10); SD: Shi et al. (2020),
    eq. (11), or Wan et al. (2014), eq. (12)/(13); "Cai" / "BC-McGrath" (either) from
    estmeansd on ``stream``, the means before the SDs.
    """
    n, (median, q1, q3, mn, mx) = _inputs(
        n, method_mean, (_check_iqr, _check_range, _check_quartiles_in_range),
        median=median, q1=q1, q3=q3, min=mn, max=mx)
    if method_sd in NOT_PORTED:
        _estmeansd(method_sd, "method.sd")
    cols = dict(min=mn, q1=q1, median=median, q3=q3, max=mx)
    with np.errstate(all="ignore"):
        if method_mean in ESTMEANSD:
            mean = _est.estimate(method_mean, "mean", n, stream, **cols)
        elif method_mean == "Luo":
            mean = luo_mean(n, median, q1, q3, mn, mx)
        elif method_mean == "Wan":
            mean = (mn + 2 * q1 + 2 * median + 2 * q3 + mx) / 8
        else:
            mean = np.full(n.size, math.nan)
        if method_sd in ESTMEANSD:
            sd = _est.estimate(method_sd, "sd", n, stream, **cols)
        elif method_sd == "Shi":
            n6 = rpow(n, 0.6)
            theta1 = (2 + 0.14 * n6) * qnorm((n - 0.375) / (n + 0.25))
            theta2 = (2 + 2 / (0.07 * n6)) * qnorm((0.75 * n - 0.125) / (n + 0.25))
            sd = (mx - mn) / theta1 + (q3 - q1) / theta2
        elif method_sd == "Wan":
            sd = 0.5 * ((mx - mn) / _range_divisor(n) + (q3 - q1) / _iqr_divisor(n))
        else:
            sd = np.full(n.size, math.nan)
    return mean, sd


def approximate(n, mean, sd, median, q1, q3, mn, mx, *, method_mean: str, method_sd: str,
                approx_mean, approx_sd, explicit_iqr_range_median_raw: bool = False,
                stream=None):
    """One arm's means and SDs after R's blocks (7) and (8) (metacont / metamean).

    ``median`` ... ``mx`` are arrays or None (argument not given); ``approx_mean`` /
    ``approx_sd`` are tuples of validated values (R's ``approx.*`` arguments) or None.
    Without ``approx_*``, studies with a missing mean (SD) get one from, in this order,
    median + quartiles + range, median + quartiles, median + range, where those are all
    available; with it, each listed study gets the approximation named (even where a
    mean is given). The SD uses the median, or the mean where the median is missing.
    ``explicit_iqr_range_median_raw``: metacont's control arm passes the raw median (not
    the one completed with means) to the listed "iqr.range" SD approximation, as R does.

    Returns ``(mean, sd, approx_mean, approx_sd)`` with the approximation labels
    (tuples: k values, or the single value given). ``stream``: the random stream of the
    Monte Carlo methods (:class:`pymeta.effects.estmeansd.RStream`). metacont, which
    approximates both arms' means before their SDs, calls :func:`approximate_means` and
    :func:`approximate_sds` itself.
    """
    mean, approx_mean = approximate_means(n, mean, median, q1, q3, mn, mx,
                                          method_mean=method_mean, method_sd=method_sd,
                                          approx_mean=approx_mean, stream=stream)
    sd, approx_sd = approximate_sds(n, mean, sd, median, q1, q3, mn, mx,
                                    method_mean=method_mean, method_sd=method_sd,
                                    approx_sd=approx_sd, stream=stream,
                                    explicit_iqr_range_median_raw=explicit_iqr_range_median_raw)
    return mean, sd, approx_mean, approx_sd


def approximate_means(n, mean, median, q1, q3, mn, mx, *, method_mean: str, method_sd: str,
                      approx_mean, stream=None):
    """R's block (7) for one arm (see :func:`approximate`): ``(mean, approx_mean)``."""
    have_iqr = median is not None and q1 is not None and q3 is not None
    have_range = median is not None and mn is not None and mx is not None
    return _fill(mean, n, "mean", (median, q1, q3, mn, mx), have_iqr, have_range,
                 approx_mean, method_mean, method_sd, stream=stream)


def approximate_sds(n, mean, sd, median, q1, q3, mn, mx, *, method_mean: str, method_sd: str,
                    approx_sd, stream=None, explicit_iqr_range_median_raw: bool = False):
    """R's block (8) for one arm (see :func:`approximate`), given the arm's means after
    block (7): ``(sd, approx_sd)``."""
    # standard deviations, with the median completed by the means
    if median is None:
        median_sd = mean
    else:
        median_sd = median.copy()
        median_sd[np.isnan(median_sd)] = mean[np.isnan(median_sd)]
    return _fill(sd, n, "sd", (median_sd, q1, q3, mn, mx),
                 q1 is not None and q3 is not None, mn is not None and mx is not None,
                 approx_sd, method_mean, method_sd,
                 raw_median=(median,) if explicit_iqr_range_median_raw else None, stream=stream)


def _fill(x, n, want, summaries, have_iqr, have_range, labels, method_mean, method_sd,
          raw_median=None, stream=None):
    """One of R's blocks (7) / (8): fill the missing ``x`` (means or SDs) by R's rules,
    or compute it for every study ``labels`` names. Returns (x, labels)."""
    x = x.copy()
    median, q1, q3, mn, mx = summaries
    if labels is None:
        out = [""] * n.size
        for label, avail, xs in (("iqr.range", have_iqr and have_range, summaries),
                                 ("iqr", have_iqr, (median, q1, q3)),
                                 ("range", have_range, (median, mn, mx))):
            sel = np.isnan(x)
            if not (sel.any() and avail):
                continue
            j = sel.copy()
            for v in xs:
                j &= ~np.isnan(v)
            for i in np.flatnonzero(j):
                out[i] = label
            x[j] = _approx_one(label, n[j], *[v[j] for v in xs], method_mean=method_mean,
                               method_sd=method_sd, want=want, stream=stream)
        return x, tuple(out)
    for j, label in enumerate(labels):
        if label is None:   # a single label indexed by subset (see subset_approx)
            raise ValueError("missing value where TRUE/FALSE needed")
        if label:
            med = raw_median[0] if (label == "iqr.range" and raw_median is not None) else median
            xs = _args_for(label, med, q1, q3, mn, mx, j)
            x[j] = _approx_one(label, n[j:j + 1], *xs, method_mean=method_mean,
                               method_sd=method_sd, want=want, stream=stream)[0]
    return x, labels


def _args_for(label, median, q1, q3, mn, mx, j):
    """The one-study argument vectors R passes (``median.e[j]`` ...); a missing argument
    (R's NULL[j]) makes R stop on the length check."""
    names = {"iqr.range": ("median", "q1", "q3", "min", "max"), "iqr": ("median", "q1", "q3"),
             "range": ("median", "min", "max")}[label]
    vals = dict(median=median, q1=q1, q3=q3, min=mn, max=mx)
    out = []
    for nm in names:
        v = vals[nm]
        if v is None:
            raise ValueError(f"Arguments 'n' and '{nm}' must have the same length.")
        out.append(v[j:j + 1])
    return out


def _approx_one(label, n, *xs, method_mean="Luo", method_sd="Shi", want="mean", stream=None):
    """Call meta's helper for ``label``: for the SD, R passes only ``method.sd`` (to
    ``mean_sd_iqr_range``) and leaves the other helpers at their defaults."""
    if label == "iqr.range":
        res = mean_sd_iqr_range(n, *xs, method_mean=method_mean if want == "mean" else "Luo",
                                method_sd=method_sd if want == "sd" else "Shi", stream=stream)
    elif label == "iqr":
        res = mean_sd_iqr(n, *xs, method_mean=method_mean if want == "mean" else "Luo",
                          stream=stream)
    else:
        res = mean_sd_range(n, *xs, method_mean=method_mean if want == "mean" else "Luo",
                            stream=stream)
    return res[0] if want == "mean" else res[1]


def check_methods(method_mean, method_sd):
    """``method.mean`` / ``method.sd`` as meta's ``setchar`` gives them (a method in
    :data:`NOT_PORTED`, none at present, raises NotImplementedError up front: R asks for
    package estmeansd whether or not a study is approximated)."""
    from ..api._args import setchar
    mm = setchar("Luo" if method_mean is None else method_mean,
                 ("Luo", "Wan") + ESTMEANSD_METHODS, "method_mean")
    ms = setchar("Shi" if method_sd is None else method_sd,
                 ("Shi", "Wan") + ESTMEANSD_METHODS, "method_sd")
    if mm in NOT_PORTED:
        _estmeansd(mm, "method.mean")
    if ms in NOT_PORTED:
        _estmeansd(ms, "method.sd")
    return mm, ms


def approx_labels(value, k: int, arg: str, ref: str):
    """An ``approx.*`` argument as R reads it: None when not given or all "" (R then
    picks the approximations itself); otherwise the validated values, k of them or the
    single one given (R does not recycle it)."""
    from ..api._args import r_name, setchar
    if value is None:
        return None
    vals = (value,) if isinstance(value, str) else tuple(np.asarray(value, dtype=object).ravel())
    if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in vals):
        raise ValueError(f"Missing value in argument '{r_name(arg)}'.")
    if all(v == "" for v in vals):
        return None
    if len(vals) != 1 and len(vals) != k:
        raise ValueError(f"Arguments '{r_name(ref)}' and '{r_name(arg)}' must have the same "
                         f"length ({k} and {len(vals)}).")
    return tuple(setchar(v, APPROX_CHOICES, arg) for v in vals)


def r_labels(labels):
    """R drops an ``approx.*`` vector with no approximation (NULL): None; else an array."""
    if labels is None or all(v == "" for v in labels):
        return None
    return np.array(labels, dtype=object)


def subset_approx(idx, k_all: int, summaries: dict, labels: dict, subset=None):
    """R's section (6) "Use subset for analysis" (metacont.R, metamean.R) for the
    medians / quartiles / ranges (``summaries``, name -> vector or None) and the
    ``approx.*`` labels (name -> tuple or None): both restricted to the positions ``idx``
    (None: all studies), before R approximates means and SDs. ``subset`` is the argument
    as given (a column already looked up).

    A single ``approx.*`` value given for several studies is not recycled by R
    (``rep_len`` without assignment), so R's ``approx.mean[subset]`` indexes a vector of
    length one: the first study keeps the label, every other selected study gets NA, and
    a logical ``subset`` shorter than the studies is not recycled over the label (it is
    longer than it). R's loop over the labels then stops at the first NA (``if (NA ==
    "iqr.range")``): :func:`_fill` raises R's message.
    """
    from ..api._args import take
    if idx is None:
        return summaries, labels
    out = {}
    for name, v in labels.items():
        if v is not None and len(v) == 1 and k_all > 1:
            out[name] = tuple(v[0] if i == 0 else None for i in _r_positions(subset, idx))
        else:
            out[name] = take(v, idx)
    return {n: take(v, idx) for n, v in summaries.items()}, out


def _r_positions(subset, idx) -> np.ndarray:
    """The positions R's ``x[subset]`` reads for a vector ``x`` of length one: those of a
    logical ``subset`` as given (a vector longer than ``x`` is not recycled), else ``idx``."""
    v = np.asarray(subset, dtype=object).ravel() if subset is not None else np.array([])
    if v.size and all(isinstance(e, (bool, np.bool_)) for e in v):
        return np.flatnonzero(v.astype(bool))
    return np.asarray(idx)
