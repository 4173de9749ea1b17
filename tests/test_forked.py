"""A forked task returns its value, raises its error, falls back to running in place, and stops."""

from __future__ import annotations

import pytest

from finops_kg.errors import InputError
from finops_kg.forked import ForkedTask


def _double(value):
    return value * 2


def _fail(message):
    raise InputError(message)


@pytest.mark.parametrize("fork", [True, False])
def test_forked_task_returns_the_value_or_raises_the_error(monkeypatch, fork):
    if not fork:
        monkeypatch.setattr("multiprocessing.get_all_start_methods", lambda: ["spawn"])
    assert ForkedTask(_double, 21).result() == 42
    with pytest.raises(InputError, match="bad.ttl:3: nope"):
        ForkedTask(_fail, "bad.ttl:3: nope").result()


def test_forked_task_can_be_cancelled():
    import time

    task = ForkedTask(time.sleep, 30)
    started = time.perf_counter()
    task.cancel()
    assert time.perf_counter() - started < 5
