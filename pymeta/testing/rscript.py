"""Running a script in R through ``Rscript`` for the live tests of pymeta's ports of R's
numerical routines (nmath, optim, nlminb, qbeta ...): the numbers travel as hexadecimal
doubles (``float.hex`` in, R's ``sprintf("%a")`` out), so nothing is lost on the way.

Not part of pymeta's analyses: the core never imports it.
"""
from __future__ import annotations

import math
import os
import shutil
import subprocess
import tempfile
from typing import Iterable

import pytest

__all__ = ["rscript_or_skip", "run_rscript", "from_hex", "same_double"]

_SPECIAL = {"Inf": math.inf, "-Inf": -math.inf, "NaN": math.nan, "NA": math.nan,
            "inf": math.inf, "-inf": -math.inf, "nan": math.nan}


def rscript_or_skip(config) -> str:
    """The path of ``Rscript``, or pytest's skip (``--r=off``, or no R with ``--r=auto``)
    or failure (no R with ``--r=require``)."""
    mode = config.getoption("--r")
    if mode == "off":
        pytest.skip("R tests switched off (--r off)")
    path = shutil.which("Rscript")
    if path is None:
        if mode == "require":
            pytest.fail("Rscript is required (--r=require) but not available", pytrace=False)
        pytest.skip("Rscript not available")
    return path


def run_rscript(rscript: str, script: str, lines: Iterable[str], timeout: float = 600,
                english: bool = False) -> list:
    """Run ``script`` with ``Rscript --vanilla script in out``: ``lines`` are written to
    ``in`` (one per line), the lines R writes to ``out`` are returned. ``english``: R's
    messages in English (``LANGUAGE=en``), for tests that compare warnings."""
    with tempfile.TemporaryDirectory() as d:
        inp, outp, scr = (os.path.join(d, n) for n in ("in.txt", "out.txt", "run.R"))
        with open(scr, "w") as fh:
            fh.write(script)
        with open(inp, "w") as fh:
            for line in lines:
                fh.write(line + "\n")
        env = dict(os.environ, LANGUAGE="en", LC_MESSAGES="C") if english else None
        subprocess.run([rscript, "--vanilla", scr, inp, outp], check=True,
                       capture_output=True, text=True, timeout=timeout, env=env)
        with open(outp) as fh:
            return [s.rstrip("\n") for s in fh]


def from_hex(s: str) -> float:
    """A double as R's ``sprintf("%a")`` writes it (also Inf, -Inf, NaN, NA)."""
    s = s.strip()
    return _SPECIAL[s] if s in _SPECIAL else float.fromhex(s)


def same_double(a: float, b: float) -> bool:
    """Bitwise equality of doubles (NaN equals NaN; 0 and -0 differ)."""
    return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) ==
                                                 math.copysign(1, b))
