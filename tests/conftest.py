"""Shared pytest set-up: the --r option that controls tests needing R."""

import pytest


def pytest_addoption(parser):
    parser.addoption(
        "--r",
        choices=("auto", "require", "off"),
        default="auto",
        help="R reference tests: auto = run if R/meta are available, else skip; "
        "require = fail if unavailable; off = skip them",
    )


@pytest.fixture(scope="session")
def r_mode(request):
    """The --r setting: "auto", "require" or "off"."""
    return request.config.getoption("--r")
