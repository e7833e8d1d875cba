"""Shared pytest set-up: the --r and --parity-n options, the r_meta fixture, markers and
the parity summary printed at the end of the session."""
import os

import pytest


def pytest_addoption(parser):
    parser.addoption(
        "--r",
        choices=("auto", "require", "off"),
        default="auto",
        help="R reference tests: auto = run if R/rpy2/meta (at the pinned versions) are "
        "available, else skip; require = fail if unavailable; off = skip them",
    )
    parser.addoption("--parity-n", type=int, default=150,
                     help="random cases per function/method in the live R campaign")


def pytest_configure(config):
    config.addinivalue_line("markers", "r: needs R, rpy2 and meta at the pinned versions")
    config.addinivalue_line("markers", "slow: long-running")
    os.environ["PYMETA_PARITY_N"] = str(config.getoption("--parity-n"))


def pytest_collection_modifyitems(config, items):
    if config.getoption("--r") == "off":
        skip = pytest.mark.skip(reason="--r=off")
        for item in items:
            if "r" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def r_mode(request):
    """The --r setting: "auto", "require" or "off"."""
    return request.config.getoption("--r")


@pytest.fixture(scope="session")
def r_meta(r_mode):
    """The R reference (rpy2 bridge); skips (auto) or fails (require) when unavailable."""
    if r_mode == "off":
        pytest.skip("--r=off")
    try:
        from pymeta.reference.bridge import RMeta
        rm = RMeta()
        ok, why = rm.available()
    except Exception as exc:  # pragma: no cover - environment dependent
        ok, why = False, repr(exc)
    if not ok:
        if r_mode == "require":
            pytest.fail(f"R reference required (--r=require) but unavailable: {why}",
                        pytrace=False)
        pytest.skip(f"R reference unavailable: {why}")
    return rm


def pytest_terminal_summary(terminalreporter):
    from pymeta.testing.report import LOG
    lines = LOG.lines()
    if lines:
        terminalreporter.section("parity with R meta (worst field per campaign)")
        for line in lines:
            terminalreporter.write_line(line)
        # the worst case of each campaign, reproducible (arguments as passed to R and pymeta)
        from pathlib import Path
        out = Path(__file__).resolve().parents[1] / "reports"
        out.mkdir(exist_ok=True)
        with open(out / "parity_worst_cases.txt", "w") as f:
            for rec in LOG.records.values():
                f.write(f"# {rec.label}: worst field {rec.worst_field}\n{rec.worst_case}\n\n")
        terminalreporter.write_line(f"worst cases written to {out / 'parity_worst_cases.txt'}")
