"""The seed paper's five pooled results: published, R meta and pymeta side by side.

Hassanein et al., Frontiers in Stroke 2024, doi:10.3389/fstro.2023.1339331 (IV mesenchymal
stem cells vs placebo in ischaemic stroke; common effect model, R meta). The per-study data
in fixtures/paper/ are a *reconstruction* that reproduces the printed numbers (see
fixtures/paper/README.md), not the trials' data.

For each outcome this prints the published value, R meta's and pymeta's (common effect as
the paper used it; random effects and heterogeneity beside) and whether each reproduces
the published figure at the paper's printed precision. R runs live through rpy2 when it is
available; otherwise (or with ``--r off``) R's numbers come from the stored fixtures.
"""
from __future__ import annotations

import json
import math

from .reference.fixtures import PAPER_DIR, cases, load, FIXTURE_DIR, run_pymeta
from .testing.compare import compare_result, fields_to_compare, worst

__all__ = ["main"]


def _r_results(mode: str):
    """{case name: (R values, source)}."""
    paper_cases = [c for c in cases() if c.group == "paper"]
    if mode != "off":
        try:
            from .reference.bridge import RMeta
            rm = RMeta()
            ok, why = rm.available()
        except Exception as exc:  # rpy2 missing
            ok, why = False, repr(exc)
        if ok:
            v = rm.versions()
            src = f"R {v['R']}, meta {v['meta']}, metafor {v['metafor']} (live, rpy2)"
            out = {}
            for c in paper_cases:
                from . import result
                cls = {"metacont": result.MetaCont, "metabin": result.MetaBin}[c.fun]
                r = rm.run(c.fun, c.args, fields_to_compare(cls))
                if not r["ok"]:
                    raise RuntimeError(f"R failed on {c.name}: {r['error']}")
                out[c.name] = r["values"]
            return paper_cases, out, src
        if mode == "require":
            raise SystemExit(f"R is required but unavailable: {why}")
        print(f"(R unavailable: {why}; using the stored R fixtures)\n")
    out = {}
    for c in paper_cases:
        fx = load(FIXTURE_DIR / "paper" / f"{c.name}__{c.fun}.json")
        out[c.name] = fx["cases"][0]["r_values"]
        p = fx["provenance"]
    src = f"R {p['R']}, meta {p['meta']}, metafor {p['metafor']} (stored fixtures, {p['date']})"
    return paper_cases, out, src


def _fmt(x, d):
    return "NA" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{d}f}"


def _r(x):
    return float(x[0]) if isinstance(x, (list, tuple)) else float(x)


def main(r: str = "auto") -> int:
    pub = json.loads((PAPER_DIR / "published.json").read_text())
    paper_cases, rvals, src = _r_results(r)
    print(pub["paper"]["citation"])
    print(f"doi:{pub['paper']['doi']} - data: reconstruction (fixtures/paper/README.md)")
    print(f"R reference: {src}\n")
    all_ok = True
    for name, p in pub["results"].items():
        case = next(c for c in paper_cases if c.name == name)
        res = run_pymeta(case.fun, case.args)
        rv = rvals[name]
        ratio = p["measure"] == "RR"
        tr = math.exp if ratio else (lambda x: x)
        method = "MH" if case.fun == "metabin" and case.args.get("method", "MH") == "MH" else "IV"
        print(f"== {p['outcome']} ({p['measure']}, common effect, {method}); k = {res.k}"
              f" of {res.k_all} studies")
        py = {"estimate": tr(res.TE_common), "lower": tr(res.lower_common),
              "upper": tr(res.upper_common), "p": res.pval_common}
        rr = {"estimate": tr(_r(rv["TE.common"])), "lower": tr(_r(rv["lower.common"])),
              "upper": tr(_r(rv["upper.common"])), "p": _r(rv["pval.common"])}
        print(f"   {'':10s}{'published':>12s}{'R meta':>14s}{'pymeta':>14s}   at printed precision")
        for key in ("estimate", "lower", "upper", "p"):
            if p.get(key) is None:
                print(f"   {key:10s}{'-':>12s}{_fmt(rr[key], 6):>14s}{_fmt(py[key], 6):>14s}")
                continue
            d = p["digits"][key]
            ok_r = round(rr[key], d) == round(p[key], d)
            ok_py = round(py[key], d) == round(p[key], d)
            all_ok &= ok_r and ok_py
            verdict = f"R {'reproduces' if ok_r else 'DIFFERS'}, pymeta {'reproduces' if ok_py else 'DIFFERS'}"
            print(f"   {key:10s}{_fmt(p[key], d):>12s}{_fmt(rr[key], 6):>14s}{_fmt(py[key], 6):>14s}"
                  f"   {verdict}")
        print(f"   random effects ({res.method_tau}): R {_fmt(tr(_r(rv['TE.random'])), 4)} "
              f"[{_fmt(tr(_r(rv['lower.random'])), 4)}; {_fmt(tr(_r(rv['upper.random'])), 4)}]"
              f"   pymeta {_fmt(tr(float(res.TE_random)), 4)} "
              f"[{_fmt(tr(float(res.lower_random[0])), 4)}; {_fmt(tr(float(res.upper_random[0])), 4)}]")
        print(f"   heterogeneity: tau2 = {_fmt(res.tau2, 4)} [{_fmt(res.lower_tau2, 4)}; "
              f"{_fmt(res.upper_tau2, 4)}], I2 = {_fmt(100 * res.I2, 1)}% "
              f"[{_fmt(100 * res.lower_I2, 1)}%; {_fmt(100 * res.upper_I2, 1)}%], "
              f"Q = {_fmt(res.Q, 2)} (df {res.df_Q:g}, p {_fmt(res.pval_Q, 4)})")
        diffs = compare_result(res, rv)
        w = worst(diffs)
        nbad = sum(not d.ok for d in diffs)
        all_ok &= nbad == 0
        print(f"   parity: {len(diffs)} fields compared, {nbad} outside 1e-10; worst "
              f"{w.field} |diff| {w.abs_diff:.2g} (rel {w.rel_diff:.2g})")
        for n in res.notes:
            print(f"   note: {n}")
        print()
    print("All five published results reproduced by R and pymeta at printed precision; "
          "pymeta = R on every field." if all_ok else "MISMATCH: see above.")
    return 0 if all_ok else 1
