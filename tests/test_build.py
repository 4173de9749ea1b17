"""The build: its Python API, and the forked validation it runs beside the other steps."""

from __future__ import annotations

import sys

import pytest

import finops_kg
from finops_kg.errors import InputError, UnknownEditionError

build_module = sys.modules["finops_kg.build"]


def test_build_result_counts_individuals_per_class(tmp_path):
    result = finops_kg.build(tmp_path, edition="2026")
    assert result.ok and result.problems() == []
    counts = dict(result.individuals_per_class)
    assert counts["fo:Capability"] == 22
    assert counts["fo:Persona"] == 11  # entailed from fo:CorePersona and fo:AlliedPersona
    assert result.inferred_triples > result.asserted_triples
    assert sorted(p.name for p in result.files) == sorted(p.name for p in tmp_path.iterdir())


def test_build_refuses_an_unknown_edition_before_writing(tmp_path):
    with pytest.raises(UnknownEditionError):
        finops_kg.build(tmp_path / "dist", edition="1999")
    assert not (tmp_path / "dist").exists()


def _double(value):
    return value * 2


def _fail(message):
    raise InputError(message)


@pytest.mark.parametrize("fork", [True, False])
def test_forked_task_returns_the_value_or_raises_the_error(monkeypatch, fork):
    if not fork:
        monkeypatch.setattr("multiprocessing.get_all_start_methods", lambda: ["spawn"])
    assert build_module._ForkedTask(_double, 21).result() == 42
    with pytest.raises(InputError, match="bad.ttl:3: nope"):
        build_module._ForkedTask(_fail, "bad.ttl:3: nope").result()


def test_forked_task_can_be_cancelled():
    import time

    task = build_module._ForkedTask(time.sleep, 30)
    started = time.perf_counter()
    task.cancel()
    assert time.perf_counter() - started < 5
