"""Reference fixtures: R meta's results written to JSON, with provenance.

``regenerate()`` runs every case of :data:`CASES` through R (rpy2) and writes
``fixtures/<group>/<case>.json``; numbers are written as ``%.17g`` (NA as ``null``,
infinities as ``"Inf"``/``"-Inf"``), keys in a fixed order, so a re-run gives
byte-identical files. The date in the provenance is the date the *content* last changed:
a file whose content is unchanged is not rewritten. ``check()`` regenerates in memory
and reports, field by field, what moved.

The cases: the seed paper's five outcomes (and the two RR outcomes with inverse variance
too), and meta's bundled datasets that fit metacont (``Fleiss1993cont``, ``amlodipine``, ``woodyplants``)
metabin (``Fleiss1993bin``, ``cisapride``, ``Olkin1995``, ``caffeine``, ``Pagliaro1992`` by
treatment subgroup), metagen (``Pagliaro1992``'s log odds ratios), metaprop (``Olkin1995``'s
both arms; caffeine has a study with n = 0, which R's metaprop rejects), metainc and metarate (``smoking``, ``lungcancer``), each with R's defaults
(metaprop: method "Inverse") and a few option variants from the declared grid.
"""
from __future__ import annotations

import csv
import datetime as _dt
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .versions import REPO_ROOT

__all__ = ["Case", "cases", "random_cases", "FIXTURE_DIR", "dumps", "load", "load_all",
           "fixture_files", "generate", "regenerate", "check", "case_call", "run_pymeta",
           "RANDOM_CORPUS"]

FIXTURE_DIR = REPO_ROOT / "fixtures"
PAPER_DIR = FIXTURE_DIR / "paper"


@dataclass(frozen=True)
class Case:
    group: str
    name: str
    fun: str
    data: dict          # argument -> vector (pymeta names)
    options: dict = field(default_factory=dict)
    source: str = ""    # where the data come from

    @property
    def args(self) -> dict:
        return {**self.data, **self.options}


# ------------------------------------------------------------------------------ JSON

def _num(x: float) -> str:
    if math.isnan(x):
        return "null"
    if math.isinf(x):
        return '"Inf"' if x > 0 else '"-Inf"'
    return "%.17g" % x


def _value(v, indent: str) -> str:
    if v is None:
        return "null"
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (int, float, np.integer, np.floating)):
        return _num(float(v))
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, dict):
        inner = indent + "  "
        items = [f"{inner}{json.dumps(k)}: {_value(x, inner)}" for k, x in v.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}" if items else "{}"
    seq = list(v.tolist() if isinstance(v, np.ndarray) else v)
    return "[" + ", ".join(_value(x, indent) for x in seq) + "]"


def dumps(obj: dict) -> str:
    """Deterministic JSON with every number as %.17g."""
    return _value(obj, "") + "\n"


def _decode(v):
    if v == "Inf":
        return math.inf
    if v == "-Inf":
        return -math.inf
    if v is None:
        return math.nan
    if isinstance(v, list):
        return [_decode(x) for x in v]
    return v


def _decode_record(rec: dict) -> dict:
    rec = dict(rec)
    rec["r_values"] = {k: (None if v is None else _decode(v)) for k, v in rec["r_values"].items()}
    for part in ("data", "options"):
        rec[part] = {k: _decode(v) for k, v in rec[part].items()}
    rec["args"] = {**rec["data"], **rec["options"]}
    return rec


def load(path: Path) -> dict:
    """Read a fixture file: provenance and its cases (numbers back to floats: null -> NaN,
    "Inf" -> inf; ``args`` = data + options)."""
    raw = json.loads(Path(path).read_text())
    raw["cases"] = [_decode_record(r) for r in raw["cases"]]
    return raw


def fixture_files(group: str | None = None) -> list:
    root = FIXTURE_DIR if group is None else FIXTURE_DIR / group
    return [p for p in sorted(root.rglob("*.json")) if p.name != "published.json"]


def load_all(group: str | None = None) -> list:
    """Every stored case as ``(id, record)``, id = "<group>/<file>#<i>" (sorted by path)."""
    out = []
    for p in fixture_files(group):
        for i, rec in enumerate(load(p)["cases"]):
            out.append((f"{p.parent.name}/{p.stem}#{i}", rec))
    return out


# ----------------------------------------------------------------------------- cases

def _read_csv(path: Path) -> dict:
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    out = {"studlab": [r["studlab"] for r in rows]}
    for key in rows[0]:
        if key in ("studlab", "year", "status"):
            continue
        out[key.replace(".", "_")] = [float(r[key]) for r in rows]
    return out


_PAPER = {"mrs": "metacont", "barthel": "metacont", "nihss": "metacont",
          "mortality": "metabin", "recurrence": "metabin"}

#: meta's datasets: fixture name -> (dataset, function, R expression per argument).
_BUNDLED = {
    "Fleiss1993cont": ("Fleiss1993cont", "metacont", {
        "n_e": "n.psyc", "mean_e": "mean.psyc", "sd_e": "sd.psyc", "n_c": "n.cont",
        "mean_c": "mean.cont", "sd_c": "sd.cont", "studlab": "paste(study, year)"}),
    "amlodipine": ("amlodipine", "metacont", {
        "n_e": "n.amlo", "mean_e": "mean.amlo", "sd_e": "sqrt(var.amlo)", "n_c": "n.plac",
        "mean_c": "mean.plac", "sd_c": "sqrt(var.plac)", "studlab": "study"}),
    "woodyplants": ("woodyplants", "metacont", {
        "n_e": "n.elev", "mean_e": "mean.elev", "sd_e": "sd.elev", "n_c": "n.amb",
        "mean_c": "mean.amb", "sd_c": "sd.amb", "studlab": "paste(papno, obsno)"}),
    "Fleiss1993bin": ("Fleiss1993bin", "metabin", {
        "event_e": "d.asp", "n_e": "n.asp", "event_c": "d.plac", "n_c": "n.plac",
        "studlab": "paste(study, year)"}),
    "cisapride": ("cisapride", "metabin", {
        "event_e": "event.cisa", "n_e": "n.cisa", "event_c": "event.plac", "n_c": "n.plac",
        "studlab": "study"}),
    "Olkin1995": ("Olkin1995", "metabin", {
        "event_e": "ev.exp", "n_e": "n.exp", "event_c": "ev.cont", "n_c": "n.cont",
        "studlab": "paste(author, year)"}),
    "caffeine": ("caffeine", "metabin", {
        "event_e": "h.caf", "n_e": "n.caf", "event_c": "h.decaf", "n_c": "n.decaf",
        "studlab": "paste(study, year)"}),
    "Pagliaro1992": ("Pagliaro1992", "metabin", {
        "event_e": "bleed.exp", "n_e": "n.exp", "event_c": "bleed.plac", "n_c": "n.plac",
        "studlab": "paste(id, treat.exp)", "subgroup": "as.character(treat.exp)"}),
    "Pagliaro1992gen": ("Pagliaro1992", "metagen", {
        "TE": "logOR", "seTE": "selogOR", "studlab": "paste(id, treat.exp)",
        "subgroup": "as.character(treat.exp)"}),
    "Olkin1995prop": ("Olkin1995", "metaprop", {
        "event": "ev.exp", "n": "n.exp", "studlab": "paste(author, year)"}),
    "Olkin1995propcont": ("Olkin1995", "metaprop", {
        "event": "ev.cont", "n": "n.cont", "studlab": "paste(author, year)"}),
    "smoking": ("smoking", "metainc", {
        "event_e": "d.smokers", "time_e": "py.smokers", "event_c": "d.nonsmokers",
        "time_c": "py.nonsmokers", "studlab": "study"}),
    "lungcancer": ("lungcancer", "metainc", {
        "event_e": "d.smokers", "time_e": "py.smokers", "event_c": "d.nonsmokers",
        "time_c": "py.nonsmokers", "studlab": "study"}),
    "smokingrate": ("smoking", "metarate", {
        "event": "d.smokers", "time": "py.smokers", "studlab": "study"}),
    "lungcancerrate": ("lungcancer", "metarate", {
        "event": "d.smokers", "time": "py.smokers", "studlab": "study"}),
}

#: Option variants run on every bundled dataset besides R's defaults.
_VARIANTS = {
    "metacont": {"default": {}, "HK": {"method_random_ci": "HK", "method_predict": "HK"},
                 "KR": {"method_random_ci": "KR", "method_predict": "KR"},
                 "I2tau2_t": {"method_I2": "tau2", "method_ci": "t", "pooledvar": True},
                 "SMD": {"sm": "SMD"},
                 "SMD_Glass_PM_BJ": {"sm": "SMD", "method_smd": "Glass", "method_tau": "PM",
                                     "method_tau_ci": "BJ"},
                 "ROM_DL": {"sm": "ROM", "method_tau": "DL"},
                 "ROM_SJ_IQWiG6": {"sm": "ROM", "method_tau": "SJ", "method_random_ci": "HK",
                                   "adhoc_hakn_ci": "IQWiG6"},
                 "MD_EB_tight": {"method_tau": "EB", "control": {"threshold": 1e-12,
                                                                 "tol": 1e-12, "maxiter": 1000}},
                 "MD_ML_HS_multi": {"method_tau": "ML", "method_random_ci": ["classic", "HK"],
                                    "method_predict": ["V", "HTS"]},
                 "SMD_NNF": {"sm": "SMD", "method_predict": ["NNF", "V"], "seed_predict": 1}},
    "metabin": {"default": {}, "Inverse": {"method": "Inverse"},
                "TACC_all": {"incr": "TACC", "method_incr": "all", "MH_exact": True},
                "HK_HTS": {"method_random_ci": "HK", "method_predict": "HTS",
                           "RR_Cochrane": True},
                "OR_MH_DL": {"sm": "OR", "method_tau": "DL"},     # Q.Cochrane
                "OR_Peto": {"sm": "OR", "method": "Peto"},
                "OR_SSW": {"sm": "OR", "method": "SSW", "method_random_ci": "HK"},
                "RD_MH": {"sm": "RD", "MH_exact": True},
                "ASD": {"sm": "ASD"}},
    "metagen": {"default": {"sm": "OR"},
                "PM_KR": {"sm": "OR", "method_tau": "PM", "method_random_ci": "KR",
                          "method_predict": "KR"},
                "DL_J_IQWiG6": {"sm": "OR", "method_tau": "DL", "method_random_ci": "HK",
                                "adhoc_hakn_ci": "IQWiG6", "method_predict": "HK"},
                "NNF": {"sm": "OR", "method_predict": "NNF", "seed_predict": 5,
                        "seed_predict_subgroup": 9, "prediction_subgroup": True}},
    # metaprop: R's default for PLOGIT is the GLMM (not in pymeta): Inverse throughout
    "metaprop": {"PLOGIT_Inverse": {"method": "Inverse"},
                 "PLOGIT_WS_DL": {"method": "Inverse", "method_ci": "WS", "method_tau": "DL"},
                 "PFT": {"sm": "PFT"}, "PAS_AC": {"sm": "PAS", "method_ci": "AC"},
                 "PLN_SA": {"sm": "PLN", "method_ci": "SA", "method_random_ci": "HK"},
                 "PRAW_NAsm_PM": {"sm": "PRAW", "method_ci": "NAsm", "method_tau": "PM"}},
    "metainc": {"default": {}, "Inverse": {"method": "Inverse"},
                "Cochran": {"method": "Cochran"}, "IRD": {"sm": "IRD"},
                "IRSD_HK": {"sm": "IRSD", "method_random_ci": "HK", "method_predict": "HK"},
                "VE_DL": {"sm": "VE", "method_tau": "DL"}},
    "metarate": {"default": {}, "IR": {"sm": "IR"}, "IRS_DL": {"sm": "IRS", "method_tau": "DL"},
                 "IRFT_Poisson": {"sm": "IRFT", "method_ci": "Poisson"},
                 "IRLN_PM_KR": {"method_tau": "PM", "method_random_ci": "KR",
                                "method_predict": "KR"}},
}


#: (dataset, variant) pairs left out, with the reason.
_LEFT_OUT = {
    # k = 102: pimeta's bootstrap (25,000 root searches over a 101-eigenvalue Farebrother
    # series) took R 644 s (`pimeta::pima(m$TE, m$seTE, method = "boot", seed = 1)`,
    # 2026-11-26); the fixture tests run R on every case twice and pymeta once, a third of
    # CI. NNF stays covered by Fleiss1993cont, amlodipine and Pagliaro1992's fixtures.
    ("woodyplants", "SMD_NNF"): "R's NNF bootstrap alone takes over ten minutes (k = 102)",
}


def _subgroups_implemented(fun: str) -> bool:
    from ..api.subgroup import DATA_ARGS
    return fun in DATA_ARGS


def _bundled_data(rm, dataset: str, exprs: dict) -> dict:
    ro = __import__("rpy2.robjects", fromlist=["r"])
    out = {}
    for arg, expr in exprs.items():
        v = ro.r(f'with(get(data({dataset}, package = "meta", envir = environment())), {expr})')
        out[arg] = ([str(x) for x in v] if arg in ("studlab", "subgroup")
                    else [float(x) for x in v])
    return out


def cases(rm=None) -> list:
    """All fixture cases; bundled datasets are read from R (``rm`` = a bridge)."""
    out = []
    for name, fun in _PAPER.items():
        data = _read_csv(PAPER_DIR / f"{name}.csv")
        src = f"fixtures/paper/{name}.csv (reconstruction; see fixtures/paper/README.md)"
        opts = {"sm": "MD"} if fun == "metacont" else {"sm": "RR"}
        out.append(Case("paper", name, fun, data, opts, src))
        if fun == "metabin":
            out.append(Case("paper", f"{name}_Inverse", fun, data, {**opts, "method": "Inverse"}, src))
    if rm is not None:
        for name, (ds, fun, exprs) in _BUNDLED.items():
            data = _bundled_data(rm, ds, exprs)
            if "subgroup" in data and not _subgroups_implemented(fun):
                data.pop("subgroup")
            for vname, opts in _VARIANTS[fun].items():
                if (name, vname) in _LEFT_OUT:
                    continue
                out.append(Case("bundled", f"{name}_{vname}", fun, data, opts,
                                f'R: data({ds}, package = "meta")'))
    return out


def case_call(case: Case) -> str:
    """The R call that reproduces a case (data written inline)."""
    def r_val(v):
        if isinstance(v, bool):
            return "TRUE" if v else "FALSE"
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, (int, float)):
            return "NA" if math.isnan(v) else "%.17g" % v
        return "c(" + ", ".join(r_val(x) for x in v) + ")"
    args = ", ".join(f"{k.replace('_', '.')} = {r_val(v)}" for k, v in case.args.items())
    return f"meta::{case.fun}({args})"


# ----------------------------------------------------------------------- generation

def run_pymeta(fun: str, args: dict):
    import warnings

    import pymeta
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return getattr(pymeta, fun)(**args)


def _result_class(fun: str):
    from .. import result
    return {"metacont": result.MetaCont, "metabin": result.MetaBin,
            "metagen": result.MetaGen, "metamean": result.MetaMean,
            "metacor": result.MetaCor, "metaprop": result.MetaProp,
            "metainc": result.MetaInc, "metarate": result.MetaRate}[fun]


def _record(case: Case, out: dict, fields) -> dict:
    """One stored case: what was asked (data, options) and what R answered."""
    return {
        "name": case.name, "fun": case.fun,
        "data": case.data, "options": case.options,
        "r_ok": out["ok"], "r_error": out["error"], "r_warnings": out["warnings"],
        "r_values": {f: out["values"].get(f) for f in fields} if out["ok"] else {},
    }


def _file(provenance: dict, records: list) -> dict:
    return {"provenance": provenance, "cases": records}


def _provenance(rm) -> dict:
    v = rm.versions()
    return {"generator": "python -m pymeta fixtures regenerate", "R": v.get("R"),
            "meta": v.get("meta"), "metafor": v.get("metafor"),
            "CompQuadForm": v.get("CompQuadForm"), "metabook": v.get("metabook"),
            "pimeta": v.get("pimeta"),
            "rpy2": rm.rpy2_version(), "seed": None}


def _with_date(text_without_date: dict, old_path: Path) -> str:
    """Keep the old file's date when nothing else changed (byte-identical re-runs)."""
    fx = dict(text_without_date)
    date = _dt.date.today().isoformat()
    if old_path.exists():
        try:
            old = json.loads(old_path.read_text())
            old_date = old["provenance"].pop("date", None)
            new_cmp = json.loads(dumps(fx))
            if old == new_cmp and old_date:
                date = old_date
        except (ValueError, KeyError):
            pass
    fx["provenance"] = {**fx["provenance"], "date": date}
    return dumps(fx)


#: The randomised corpus: cases per function (drawn from the declared grid), its seed and
#: the largest k (kept small so that the files stay small).
RANDOM_CORPUS = {"metagen": 450, "metacont": 450, "metabin": 450, "metamean": 250,
                 "metacor": 250, "metaprop": 250, "metainc": 250, "metarate": 250}
RANDOM_SEED = 20261125
#: Corpus cases left out because R takes minutes on them (a "BJ"/"J" tau2 CI whose
#: Farebrother series runs to 100,000 terms): found with the campaign's time limit
#: (``pymeta.testing.campaign.R_TIME_LIMIT``) and listed here by name, so that the corpus
#: does not depend on the speed of the machine that writes it.
SLOW_CASES = {"metainc": ("metainc_71",)}
RANDOM_MAX_K = 10


def random_cases(fun: str) -> list:
    """The corpus cases of ``fun`` (reproducible: hypothesis with a fixed seed)."""
    from ..testing.campaign import draw_cases
    out = []
    # the corpus predates the median / IQR / range draws, missing user weights, vector
    # TE.tau and subgroups with user arguments: drawn without them, so that it stays as
    # committed
    for i, (data, opts) in enumerate(draw_cases(fun, RANDOM_CORPUS[fun], RANDOM_SEED,
                                                max_k=RANDOM_MAX_K, summaries=False,
                                                corpus=True)):
        data = {k: (v.tolist() if hasattr(v, "tolist") else v) for k, v in data.items()}
        out.append(Case("random", f"{fun}_{i}", fun, data, dict(opts), "random corpus"))
    return out


def generate(rm=None, random: bool = True) -> dict:
    """{path: file text} for every fixture file (runs R)."""
    from ..testing.compare import fields_to_compare
    from .bridge import RMeta
    rm = rm or RMeta()
    ok, why = rm.available()
    if not ok:
        raise RuntimeError(f"R reference unavailable: {why}")
    prov = _provenance(rm)
    files = {}
    for case in cases(rm):
        fields = fields_to_compare(_result_class(case.fun))
        out = rm.run(case.fun, case.args, fields)
        if not out["ok"]:
            raise RuntimeError(f"R failed on fixture case {case.group}/{case.name}: {out['error']}")
        path = FIXTURE_DIR / case.group / f"{case.name}__{case.fun}.json"
        p = {**prov, "call": case_call(case), "data_source": case.source}
        files[path] = _with_date(_file(p, [_record(case, out, fields)]), path)
    if random:
        for fun in RANDOM_CORPUS:
            cs = random_cases(fun)
            fields = fields_to_compare(_result_class(fun))
            slow = sorted(SLOW_CASES.get(fun, ()))
            cs = [c for c in cs if c.name not in slow]
            outs = rm.run_many(fun, [c.args for c in cs], fields)
            path = FIXTURE_DIR / "random" / f"{fun}.json"
            p = {**prov, "seed": RANDOM_SEED, "cases": len(cs), "max_k": RANDOM_MAX_K,
                 "skipped_slow_in_R": slow,
                 "data_source": "pymeta.testing.strategies.cases(fun) with the option grid of "
                                "pymeta.testing.grid, drawn by pymeta.testing.campaign.draw_cases",
                 "call": f"meta::{fun}(<data>, <options>) per case, through "
                         "r_reference/pymeta_ref.R (settings.meta('reset') before each)"}
            files[path] = _with_date(_file(p, [_record(c, o, fields) for c, o in zip(cs, outs)]),
                                     path)
    return files


def regenerate(rm=None) -> list:
    """Write every fixture; returns the paths written (unchanged files are left alone)."""
    written = []
    for path, text in generate(rm).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
            written.append(path)
    return written


def check(rm=None, root: Path | None = None, random: bool = True) -> list:
    """Regenerate in memory and compare with the stored files (under ``root``, default
    ``fixtures/``): one line per value that moved, exactly (the same R on the same data
    gives the same bits). Empty = every stored number reproduced."""
    from ..testing.compare import compare_field
    lines = []
    for path, text in generate(rm, random=random).items():
        stored = (root / path.relative_to(FIXTURE_DIR)) if root is not None else path
        rel = path.relative_to(FIXTURE_DIR)
        if not stored.exists():
            lines.append(f"{rel}: missing (new file)")
            continue
        old, new = json.loads(stored.read_text()), json.loads(text)
        for key in ("R", "meta", "metafor"):
            if old["provenance"].get(key) != new["provenance"].get(key):
                lines.append(f"{rel}: {key} {old['provenance'].get(key)} -> "
                             f"{new['provenance'].get(key)}")
        if len(old["cases"]) != len(new["cases"]):
            lines.append(f"{rel}: {len(old['cases'])} stored cases, {len(new['cases'])} now")
        for i, (a_rec, b_rec) in enumerate(zip(old["cases"], new["cases"])):
            where = f"{rel}#{i} ({b_rec['name']})"
            if (a_rec["data"], a_rec["options"]) != (b_rec["data"], b_rec["options"]):
                lines.append(f"{where}: the case itself changed (data or options)")
                continue
            for key in ("r_ok", "r_error", "r_warnings"):
                if a_rec.get(key) != b_rec.get(key):
                    lines.append(f"{where}: {key}: stored {a_rec.get(key)!r} -> R now "
                                 f"{b_rec.get(key)!r}")
            av, bv = a_rec["r_values"], b_rec["r_values"]
            for f in sorted(set(av) | set(bv)):
                a, b = av.get(f), bv.get(f)
                if a != b:
                    d = compare_field(f, None if a is None else _decode(a),
                                      None if b is None else _decode(b))
                    lines.append(f"{where}: {f}: stored {a!r} -> R now {b!r} "
                                 f"(max abs diff {d.abs_diff:.3g}, rel {d.rel_diff:.3g})")
    return lines
