"""Pinned R reference versions and a check of what is installed.

Pure Python: no rpy2 import here, so it can be used to explain a broken
set-up even where rpy2 or R itself is missing. The pins are in
``r_reference/versions.json``; ``setup.sh`` / ``r_reference/install.R``
install them.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
R_REFERENCE_DIR = REPO_ROOT / "r_reference"
PINS_PATH = R_REFERENCE_DIR / "versions.json"

FIX = "run `bash setup.sh` (or `Rscript r_reference/install.R`) from the repository root"
# Packages that come from Debian rather than from install.R.
DEBIAN_FIX = {"metafor": "apt-get install -y r-cran-metafor"}


class RVersionMismatch(RuntimeError):
    """Installed R or R packages differ from r_reference/versions.json."""


def load_pins() -> dict[str, str]:
    """The pins, e.g. {"R": "4.2.2", "meta": "8.5-0", ...}."""
    return json.loads(PINS_PATH.read_text())


def _as_tuple(version: str) -> tuple[int, ...]:
    # R treats "8.5-0" and "8.5.0" as the same version.
    return tuple(int(p) for p in re.split(r"[.-]", version.strip()))


def same_version(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    try:
        return _as_tuple(a) == _as_tuple(b)
    except ValueError:
        return a == b


def mismatches(installed: dict[str, str | None]) -> list[str]:
    """One line per pin that `installed` does not meet (empty if all do)."""
    problems = []
    for name, pin in load_pins().items():
        have = installed.get(name)
        if not same_version(have, pin):
            extra = f" (fix: {DEBIAN_FIX[name]})" if name in DEBIAN_FIX else ""
            problems.append(f"{name}: installed {have or 'none'}, pinned {pin}{extra}")
    return problems


def installed_versions_rscript(rscript: str = "Rscript") -> dict[str, str | None]:
    """Ask R (through a subprocess, not rpy2) for the installed versions."""
    code = (
        f"source({json.dumps(str(R_REFERENCE_DIR / 'pymeta_ref.R'))}); "
        "v <- pymeta_ref_versions(); cat(paste0(names(v), '=', v), sep = '\\n')"
    )
    out = subprocess.run(
        [rscript, "--vanilla", "-e", code], capture_output=True, text=True, check=True
    ).stdout
    versions: dict[str, str | None] = {}
    for line in out.splitlines():
        name, _, value = line.partition("=")
        versions[name] = None if value in ("", "NA") else value
    return versions


def check_versions(installed: dict[str, str | None] | None = None) -> None:
    """Raise RVersionMismatch, naming the fix, unless every pin is met.

    `installed` defaults to what ``Rscript`` reports.
    """
    if installed is None:
        try:
            installed = installed_versions_rscript()
        except (OSError, subprocess.CalledProcessError) as exc:
            raise RVersionMismatch(f"cannot query R for package versions ({exc}); {FIX}") from exc
    problems = mismatches(installed)
    if problems:
        raise RVersionMismatch(
            "R reference set-up does not match r_reference/versions.json:\n  "
            + "\n  ".join(problems)
            + f"\nTo fix: {FIX}."
        )
