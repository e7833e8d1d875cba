"""Randomised parity campaigns: pymeta against R meta on many generated cases.

The engine behind ``pymeta parity`` and the live parity tests:

* :func:`draw_cases` draws reproducible ``(data, options)`` cases for a function from the
  public hypothesis strategies and the function's declared option grid (seeded);
* :func:`evaluate` judges one case given R's answer: where R errors pymeta must raise,
  where R returns every field must meet the parity contract (or lie within R's own
  variation, measured by re-running R with ``options(matprod = "internal")``), and R's
  meta/metafor warnings must be pymeta's;
* :func:`run_campaign` runs the cases in batches on ``jobs`` worker processes, each with
  its own embedded R (one ``run_many`` call per batch), and aggregates a
  :class:`Report` per function, per option value and per field;
* :func:`write_report` writes it as Markdown and JSON, with the worst case of each
  function as a reproducible dataset plus the R call.
"""
from __future__ import annotations

import json
import math
import os
import sys
import time
import warnings
from dataclasses import asdict, dataclass, field

from . import tolerance as T
from .compare import compare_field, compare_result, fields_to_compare
from .grid import GRID

__all__ = ["FUNCTIONS", "draw_cases", "evaluate", "CaseResult", "Report", "run_campaign",
           "write_report", "R_BASE_WARNINGS"]

#: Functions with a declared grid (a new function plugs in by declaring one).
FUNCTIONS = tuple(GRID)
#: R's own (base) warnings that are not meta's and not compared, on either side (pymeta
#: reports the ones from estmeansd's "QE-McGrath", which tests/test_estmeansd_live.py
#: compares with ``qe.mean.sd``'s, but not R's arithmetic warnings elsewhere).
R_BASE_WARNINGS = ("NaNs produced",)


def _result_class(fun: str):
    from .. import result
    return {"metagen": result.MetaGen, "metacont": result.MetaCont,
            "metabin": result.MetaBin, "metamean": result.MetaMean,
            "metacor": result.MetaCor, "metaprop": result.MetaProp,
            "metainc": result.MetaInc, "metarate": result.MetaRate}[fun]


def draw_cases(fun: str, n: int, seed: int, max_k: int = 30, summaries: bool = True,
               with_selection: bool = False, corpus: bool = False) -> list:
    """``n`` reproducible ``(data, options)`` cases for ``fun`` (same seed, same cases);
    ``summaries``: metacont / metamean data sets may report medians, quartiles and ranges
    (``strategies.cases(summaries=True)``); ``with_selection`` adds R's
    ``exclude``/``subset`` masks and metagen's other inputs
    (:func:`pymeta.testing.strategies.cases`; the fixture corpus is drawn without)."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hseed

    from .strategies import cases

    out: list = []

    @hseed(seed)
    @settings(max_examples=n, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(cases(fun, max_k=max_k, with_subgroups=True, summaries=summaries,
                 with_selection=with_selection, user_args=True, corpus=corpus))
    def collect(case):
        if len(out) < n:
            out.append(case)

    collect()
    return out


def case_args(data: dict, options: dict) -> dict:
    """The arguments of one call (data vectors as lists, so they serialise)."""
    args = {k: (v.tolist() if hasattr(v, "tolist") else v) for k, v in data.items()}
    args.update(options)
    return args


@dataclass
class CaseResult:
    fun: str
    index: int
    options: dict
    status: str                  # ok | r_error | mismatch | slow
    detail: str = ""
    diffs: list = field(default_factory=list)   # (field, abs, rel, allowed, ok, r_own)
    r_seconds: float = 0.0
    py_seconds: float = 0.0
    r_error: str | None = None
    py_error: str | None = None

    @property
    def passed(self) -> bool:
        return self.status in ("ok", "r_error", "slow")


def _r_meta_warnings(ws) -> list:
    return [m for m in ws if not any(b in m for b in R_BASE_WARNINGS)]


def evaluate(fun: str, args: dict, r_out: dict, rm=None, *, index: int = 0,
             options: dict | None = None, fields=None, strict: bool = False) -> CaseResult:
    """Judge pymeta on one case against R's output ``r_out`` (from the bridge).

    ``rm`` (the bridge) is used to measure R's own variation on fields outside the
    1e-10 bound; with ``strict`` (or without ``rm``) there is no such fallback.
    """
    import pymeta
    fields = fields or fields_to_compare(_result_class(fun))
    res_kw = dict(fun=fun, index=index, options=options or {}, r_seconds=r_out.get("seconds", 0.0))
    if r_out.get("timeout"):
        return CaseResult(**res_kw, status="slow",
                          detail="skipped: R took longer than the campaign's time limit")
    t0 = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = getattr(pymeta, fun)(**args)
        py_error = None
    except (ValueError, RuntimeError, ArithmeticError, NotImplementedError) as exc:
        res, py_error = None, f"{type(exc).__name__}: {exc}"
    py_seconds = time.perf_counter() - t0
    res_kw["py_seconds"] = py_seconds
    if not r_out["ok"]:
        r_err = (r_out["error"] or "").strip()
        if py_error is None or py_error.startswith("NotImplementedError"):
            return CaseResult(**res_kw, status="mismatch", r_error=r_err, py_error=py_error,
                              detail=f"R stops ({r_err!r}) but pymeta "
                                     + ("returned a result" if py_error is None else py_error))
        return CaseResult(**res_kw, status="r_error", r_error=r_err, py_error=py_error)
    if py_error is not None:
        return CaseResult(**res_kw, status="mismatch", py_error=py_error,
                          detail=f"R returns but pymeta raised {py_error}")
    diffs = compare_result(res, r_out["values"], fields)
    bad = [d for d in diffs if not d.ok]
    own: dict = {}
    if bad and rm is not None and not strict:
        rm.set_matprod("internal")
        try:
            alt = rm.run(fun, args, [d.field for d in bad])
        finally:
            rm.set_matprod("default")
        for d in bad:
            own[d.field] = compare_field(d.field, alt["values"].get(d.field),
                                         r_out["values"].get(d.field)).abs_diff
    rows = [(d.field, d.abs_diff, d.rel_diff, d.allowed,
             d.ok or (d.field in own and d.abs_diff <= own[d.field]), own.get(d.field, math.nan))
            for d in diffs]
    failing = [r for r in rows if not r[4]]
    detail = "; ".join(f"{f}: |diff| {a:.3g} > allowed {al:.3g} (R's own variation {o:.3g}) "
                       f"[{next(d.detail for d in diffs if d.field == f)}]"
                       for f, a, _, al, _, o in failing)
    py_w, r_w = _r_meta_warnings(res.warnings), _r_meta_warnings(r_out["warnings"])
    if py_w != r_w:
        detail += f"{'; ' if detail else ''}warnings differ: pymeta {py_w!r} vs R {r_w!r}"
    return CaseResult(**res_kw, status="mismatch" if detail else "ok", detail=detail, diffs=rows)


# ------------------------------------------------------------------------------ report

@dataclass
class FieldStat:
    max_abs: float = 0.0
    max_rel: float = 0.0
    max_excess: float = 0.0      # |diff| / allowed (<= 1 passes without fallback)
    out_of_bound: int = 0        # cases beyond the 1e-10 bound
    fallbacks: int = 0           # of those, cases within R's own variation
    failures: int = 0
    worst_index: int = -1
    r_own_at_worst: float = math.nan

    def add(self, index, abs_, rel, allowed, ok, r_own):
        excess = abs_ / allowed if allowed > 0 else (0.0 if abs_ == 0 else math.inf)
        if abs_ > allowed:
            self.out_of_bound += 1
            if ok:
                self.fallbacks += 1
        if not ok:
            self.failures += 1
        self.max_abs = max(self.max_abs, abs_)
        self.max_rel = max(self.max_rel, rel)
        if excess >= self.max_excess:
            self.max_excess, self.worst_index, self.r_own_at_worst = excess, index, r_own


@dataclass
class FunctionStat:
    cases: int = 0
    r_errors: int = 0
    mismatches: int = 0
    slow: int = 0                                     # skipped: R over the time limit
    r_seconds: float = 0.0
    py_seconds: float = 0.0
    fields: dict = field(default_factory=dict)        # field -> FieldStat
    by_option: dict = field(default_factory=dict)     # "opt=value" -> field -> FieldStat
    errors: dict = field(default_factory=dict)        # R error -> pymeta error
    failures: list = field(default_factory=list)      # (index, detail), first 20


@dataclass
class Report:
    n: int
    seed: int
    jobs: int
    functions: dict = field(default_factory=dict)     # fun -> FunctionStat
    cases: dict = field(default_factory=dict)         # fun -> list of (data, options)
    wall_seconds: float = 0.0
    r_versions: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(f.mismatches == 0 for f in self.functions.values())

    @property
    def r_seconds(self) -> float:
        return sum(f.r_seconds for f in self.functions.values())

    @property
    def py_seconds(self) -> float:
        return sum(f.py_seconds for f in self.functions.values())

    def add(self, r: CaseResult) -> None:
        fs = self.functions.setdefault(r.fun, FunctionStat())
        fs.cases += 1
        fs.r_seconds += r.r_seconds
        fs.py_seconds += r.py_seconds
        if r.status == "slow":
            fs.slow += 1
        if r.status == "r_error":
            fs.r_errors += 1
            fs.errors.setdefault(r.r_error, r.py_error)
        if r.status == "mismatch":
            fs.mismatches += 1
            if len(fs.failures) < 20:
                fs.failures.append((r.index, r.detail))
        keys = [f"{k}={_show(v)}" for k, v in sorted(r.options.items())]
        for row in r.diffs:
            name = row[0]
            fs.fields.setdefault(name, FieldStat()).add(r.index, *row[1:])
            for key in keys:
                fs.by_option.setdefault(key, {}).setdefault(name, FieldStat()).add(r.index, *row[1:])

    def worst(self, fun: str):
        """(field, FieldStat) furthest from R for ``fun``."""
        fs = self.functions[fun]
        if not fs.fields:
            return None, None
        name = max(fs.fields, key=lambda f: fs.fields[f].max_excess)
        return name, fs.fields[name]


def _show(v) -> str:
    if isinstance(v, (list, tuple)) or hasattr(v, "shape"):
        return "<per-study vector>"   # e.g. metabin's incr.e: one row, not one per draw
    return json.dumps(v) if isinstance(v, str) else str(v)


# --------------------------------------------------------------------------- running

_WORKER: dict = {}


def _worker_rm():
    if "rm" not in _WORKER:
        from ..reference.bridge import RMeta
        rm = RMeta()
        ok, why = rm.available()
        if not ok:
            raise RuntimeError(f"R reference unavailable: {why}")
        _WORKER["rm"] = rm
    return _WORKER["rm"]


#: Per-case budget of the random campaigns (R's elapsed seconds). A tau2 CI by "BJ"/"J"
#: (also computed by R for every subgroup test, through metagen(..., method.tau = "DL"))
#: runs Farebrother's series to its 100,000 terms when the study variances are spread
#: widely; such a case takes minutes in R and in pymeta alike. The campaign skips the
#: few cases R has not finished in this time and reports how many; the long series are
#: proven separately (tests/test_tau2_methods.py, tests/test_edge_cases.py).
R_TIME_LIMIT = 10.0


def _run_chunk(fun: str, start: int, chunk: list, time_limit: float | None = R_TIME_LIMIT) -> list:
    """Worker: one R batch for ``chunk``, then pymeta and the comparison per case."""
    rm = _worker_rm()
    fields = fields_to_compare(_result_class(fun))
    arglist = [case_args(d, o) for d, o in chunk]
    outs = rm.run_many(fun, arglist, fields, time_limit=time_limit)
    return [evaluate(fun, a, out, rm, index=start + i, options=o, fields=fields)
            for i, (a, out, (_, o)) in enumerate(zip(arglist, outs, chunk))]


class _Progress:
    def __init__(self, total: int, stream=sys.stderr):
        self.total, self.done, self.t0, self.stream = total, 0, time.perf_counter(), stream

    def update(self, k: int, failures: int) -> None:
        self.done += k
        width = 30
        filled = int(width * self.done / max(self.total, 1))
        el = time.perf_counter() - self.t0
        self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}"
                          f" cases, {failures} failing, {el:.0f}s")
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")


def run_campaign(n: int, seed: int, functions=FUNCTIONS, jobs: int = 1, chunk: int = 50,
                 progress: bool = True, max_k: int = 30) -> Report:
    """``n`` random cases split evenly over ``functions``, run on ``jobs`` R workers."""
    import concurrent.futures as cf
    import multiprocessing as mp

    functions = tuple(functions)
    for f in functions:
        if f not in GRID:
            raise ValueError(f"unknown function {f!r} (have: {', '.join(GRID)})")
    t0 = time.perf_counter()
    report = Report(n=n, seed=seed, jobs=jobs)
    per = [n // len(functions) + (i < n % len(functions)) for i in range(len(functions))]
    bar = _Progress(n) if progress else None
    failing = 0

    def collect(rs):
        nonlocal failing
        for r in rs:
            report.add(r)
            failing += not r.passed
        if bar:
            bar.update(len(rs), failing)

    def chunks_of(fun, m):
        cs = draw_cases(fun, m, seed, max_k=max_k, with_selection=True)
        report.cases[fun] = cs
        return [(fun, s, cs[s:s + chunk]) for s in range(0, len(cs), chunk)]

    if jobs <= 1:
        for fun, m in zip(functions, per):
            for t in chunks_of(fun, m):
                collect(_run_chunk(*t))
        report.r_versions = _worker_rm().versions()
    else:
        # the workers start on one function's cases while the next one's are drawn
        with cf.ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("fork")) as ex:
            futs = []
            for fun, m in zip(functions, per):
                futs += [ex.submit(_run_chunk, *t) for t in chunks_of(fun, m)]
                done = [f for f in futs if f.done()]
                for f in done:
                    collect(f.result())
                    futs.remove(f)
            for f in cf.as_completed(futs):
                collect(f.result())
            report.r_versions = ex.submit(_versions).result()
    if bar:
        bar.close()
    report.wall_seconds = time.perf_counter() - t0
    return report


def _versions() -> dict:
    return _worker_rm().versions()


# --------------------------------------------------------------------------- writing

def summary_lines(report: Report) -> list:
    lines = []
    for fun, fs in report.functions.items():
        name, st = report.worst(fun)
        own = "n/a" if st is None or math.isnan(st.r_own_at_worst) else f"{st.r_own_at_worst:.3g}"
        lines.append(f"{fun}: {fs.cases} cases, {fs.r_errors} R errors (pymeta raised too), "
                     f"{fs.slow} skipped (R over {R_TIME_LIMIT:g} s), "
                     f"{fs.mismatches} mismatches; worst field {name}: max |diff| "
                     f"{st.max_abs if st else 0:.3g}, max rel {st.max_rel if st else 0:.3g}, "
                     f"{(st.max_excess if st else 0):.3g} x its allowance; R's own variation "
                     f"there {own}")
    ratio = report.wall_seconds / report.r_seconds if report.r_seconds else math.nan
    lines.append(f"wall time {report.wall_seconds:.1f} s with {report.jobs} job(s); R meta's own "
                 f"time on these cases (measured in R) {report.r_seconds:.1f} s; pymeta's own "
                 f"time {report.py_seconds:.1f} s; wall / R = {ratio:.2f}")
    return lines


def write_report(report: Report, out_dir) -> list:
    """Markdown + JSON report and the worst case of each function; returns the paths."""
    from ..reference.fixtures import Case, case_call
    out_dir = os.fspath(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    paths = []
    js = {"n": report.n, "seed": report.seed, "jobs": report.jobs, "ok": report.ok,
          "wall_seconds": report.wall_seconds, "r_seconds": report.r_seconds,
          "py_seconds": report.py_seconds, "r_versions": report.r_versions,
          "tolerance": {"rtol": T.RTOL, "abs_floor": T.ABS_FLOOR,
                        "var_floor_factor": T.VAR_FLOOR_FACTOR},
          "functions": {}}
    md = ["# pymeta parity report", "",
          f"{report.n} random cases, seed {report.seed}, {report.jobs} job(s); "
          f"R {report.r_versions.get('R')}, meta {report.r_versions.get('meta')}, "
          f"metafor {report.r_versions.get('metafor')}. Result: "
          f"{'every field within the parity contract' if report.ok else 'MISMATCHES (see below)'}.",
          "", *[f"- {x}" for x in summary_lines(report)], ""]
    for fun, fs in report.functions.items():
        js["functions"][fun] = {
            "cases": fs.cases, "r_errors": fs.r_errors, "slow": fs.slow,
            "mismatches": fs.mismatches,
            "r_seconds": fs.r_seconds, "py_seconds": fs.py_seconds,
            "errors": fs.errors, "failures": fs.failures,
            "fields": {k: asdict(v) for k, v in fs.fields.items()},
            "by_option": {o: {k: asdict(v) for k, v in d.items()} for o, d in fs.by_option.items()},
        }
        md += [f"## {fun}", "", "| field | max abs diff | max rel diff | x allowance | "
               "beyond 1e-10 | within R's own variation | failures |", "|---|---|---|---|---|---|---|"]
        for k, v in sorted(fs.fields.items(), key=lambda kv: -kv[1].max_excess)[:15]:
            md.append(f"| {k} | {v.max_abs:.3g} | {v.max_rel:.3g} | {v.max_excess:.3g} | "
                      f"{v.out_of_bound} | {v.fallbacks} | {v.failures} |")
        md += ["", "Per option value (worst field):", "",
               "| option | worst field | max rel diff | x allowance | failures |", "|---|---|---|---|---|"]
        for o, d in sorted(fs.by_option.items()):
            k = max(d, key=lambda f: d[f].max_excess)
            md.append(f"| {o} | {k} | {d[k].max_rel:.3g} | {d[k].max_excess:.3g} | "
                      f"{sum(x.failures for x in d.values())} |")
        if fs.errors:
            md += ["", "R errors (pymeta raised as well):", ""]
            md += [f"- R: `{r}` / pymeta: `{p}`" for r, p in fs.errors.items()]
        if fs.failures:
            md += ["", "Mismatches (first 20):", ""]
            md += [f"- case {i}: {d}" for i, d in fs.failures]
        name, st = report.worst(fun)
        if st is not None and st.worst_index >= 0:
            data, opts = report.cases[fun][st.worst_index]
            case = Case("worst", f"{fun}_{st.worst_index}", fun, case_args(data, {}), opts)
            base = os.path.join(out_dir, f"worst_{fun}")
            with open(base + ".json", "w") as f:
                json.dump({"fun": fun, "field": name, "index": st.worst_index,
                           "args": case_args(data, opts)}, f, indent=1)
            with open(base + ".R", "w") as f:
                f.write(f"# worst field {name}: max rel diff {st.max_rel:.3g}\n"
                        f"library(meta)\nm <- {case_call(case)}\n")
            paths += [base + ".json", base + ".R"]
            md += ["", f"Worst case: `{os.path.basename(base)}.json` (arguments) and "
                   f"`{os.path.basename(base)}.R` (the R call)."]
        md.append("")
    with open(os.path.join(out_dir, "parity.json"), "w") as f:
        json.dump(js, f, indent=1, default=str)
    with open(os.path.join(out_dir, "parity.md"), "w") as f:
        f.write("\n".join(md))
    return [os.path.join(out_dir, "parity.md"), os.path.join(out_dir, "parity.json"), *paths]
