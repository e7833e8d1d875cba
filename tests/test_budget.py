"""pymeta.testing.budget: the per-call time budget of the property and subgroup tests."""
import signal
import time

import pytest

from pymeta.testing.budget import OverBudget, time_budget


def test_budget_interrupts_a_long_computation():
    t0 = time.perf_counter()
    with pytest.raises(OverBudget):
        with time_budget(0.2):
            while True:
                sum(range(1000))
    assert time.perf_counter() - t0 < 5


def test_budget_is_not_caught_by_except_exception():
    with pytest.raises(OverBudget):
        with time_budget(0.2):
            try:
                time.sleep(5)
            except Exception:   # noqa: BLE001 - what a library might do
                pytest.fail("OverBudget was caught as an Exception")


def test_budget_is_disarmed_and_the_handler_restored():
    before = signal.getsignal(signal.SIGALRM)
    with time_budget(0.2):
        pass
    time.sleep(0.4)                       # no late alarm
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
