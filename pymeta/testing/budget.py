"""A wall-clock budget for one pymeta call in the test-suite.

Randomly drawn data reach analyses that take minutes in R and in pymeta alike: a tau2 CI
by "BJ"/"J" (Farebrother's series, up to 100,000 terms per evaluation) when the study
variances are spread over many orders of magnitude, repeated for every leave-one-out or
cumulative step of ``metainf``/``metacum``. The live campaigns skip the cases R does not
finish within :data:`pymeta.testing.campaign.R_TIME_LIMIT`; tests that run pymeta without
R (property tests) or before R (subgroup, metainf and metacum parity) skip the cases pymeta
does not finish within :data:`PY_TIME_LIMIT`, so one draw cannot stall the suite.

The budget is a ``SIGALRM`` timer: it interrupts pure-Python and numpy work (every
iterative part of pymeta is), only in the main thread and where the platform has
``SIGALRM``; elsewhere it does nothing.
"""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager

__all__ = ["OverBudget", "PY_TIME_LIMIT", "time_budget"]

#: Seconds one pymeta call may take in the property and subgroup tests (typical calls take
#: milliseconds; the slow ones take minutes).
PY_TIME_LIMIT = 20.0


class OverBudget(BaseException):
    """Raised inside the call when its budget is spent. A BaseException, so no
    ``except Exception`` inside pymeta can swallow it."""


@contextmanager
def time_budget(seconds: float = PY_TIME_LIMIT):
    """Raise :class:`OverBudget` in the body once ``seconds`` of wall time have passed."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise OverBudget(f"over the budget of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
