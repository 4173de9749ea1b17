"""A short run of every fuzz target (tests/fuzz): each replays its corpus, crashes found before
included, then fuzzes briefly; none may end in an exception that is not the project's own.

`make fuzz` runs them for longer. The targets run side by side, each in a process of its own,
as libFuzzer owns the process it runs in.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("atheris")

FUZZ = Path(__file__).parent / "fuzz"
CORPUS = Path(__file__).parent / "data" / "fuzz-corpus"

def _targets() -> tuple[str, ...]:
    """The target names run.py knows, read without putting tests/fuzz on the import path."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("fuzz_runner", FUZZ / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.TARGETS


TARGETS = _targets()

RUNS, SECONDS = 400, 2


@pytest.fixture(scope="module")
def short_runs(tmp_path_factory) -> dict[str, tuple[int, str, list[Path]]]:
    """Each target's exit status, output and crash files after a short run."""
    started = {}
    for target in TARGETS:
        crashes = tmp_path_factory.mktemp(f"crashes-{target}")
        process = subprocess.Popen(
            [sys.executable, str(FUZZ / "run.py"), target, "--runs", str(RUNS), "--seconds",
             str(SECONDS), "--crashes", str(crashes)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
        started[target] = (process, crashes)
    deadline = time.monotonic() + 120
    finished = {}
    for target, (process, crashes) in started.items():
        output, _ = process.communicate(timeout=max(1.0, deadline - time.monotonic()))
        finished[target] = (process.returncode, output, sorted(crashes.iterdir()))
    return finished


def test_every_target_has_a_seed_corpus_and_a_file_of_its_own():
    assert sorted(TARGETS) == sorted(p.stem.removeprefix("fuzz_") for p in FUZZ.glob("fuzz_*.py"))
    for target in TARGETS:
        assert any((CORPUS / target).iterdir()), target


@pytest.mark.parametrize("target", TARGETS)
def test_a_short_fuzz_run_finds_no_crash(short_runs, target):
    status, output, crashes = short_runs[target]
    tail = output[-3000:]
    assert crashes == [], tail
    assert status == 0, tail
    done = re.search(r"Done (\d+) runs", output)
    assert done, tail  # it fuzzed, after replaying the corpus without a crash
    executed = re.search(r"stat::number_of_executed_units: (\d+)", output)
    seeds = sum(1 for _ in (CORPUS / target).iterdir())
    assert executed and int(executed.group(1)) > seeds, tail  # beyond the seeds
