"""Outputs kept by content hash: read back unchanged, made anew when anything that makes them changes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from finops_kg.graph import resources
from finops_kg.release import memo


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("FINOPS_KG_CACHE", str(folder))
    monkeypatch.delenv("FINOPS_KG_NO_MEMO", raising=False)
    return folder


def counting(data: bytes | None):
    calls = []

    def make():
        calls.append(1)
        return data

    return make, calls


def test_a_kept_output_is_read_back_without_making_it_again(cache: Path) -> None:
    make, calls = counting(b"picture")
    assert memo.memoised("viz", ("matrix", "2026"), make) == b"picture"
    assert memo.memoised("viz", ("matrix", "2026"), make) == b"picture"
    assert len(calls) == 1
    assert memo.memoised("viz", ("matrix", "2025"), make) == b"picture"
    assert len(calls) == 2  # other parameters, another output


def test_named_files_keep_their_names_order_and_bytes(cache: Path) -> None:
    files = {"b.ttl": b"\x00\xffb", "a.nt": b"", "c.txt": "é\n".encode()}
    make, calls = counting(files)
    memo.memoised_files("build", ("2026",), make)
    again = memo.memoised_files("build", ("2026",), make)
    assert list(again.items()) == list(files.items())
    assert len(calls) == 1


def test_a_result_that_must_not_be_kept_is_made_every_time(cache: Path) -> None:
    make, calls = counting(None)
    assert memo.memoised_files("build", ("2026",), make) is None
    assert memo.memoised_files("build", ("2026",), make) is None
    assert len(calls) == 2


def test_a_changed_source_file_makes_the_output_anew(cache: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "sources"
    for name in memo.RESOURCE_FOLDERS:
        shutil.copytree(resources.resource_root() / name, copy / name)
    monkeypatch.setenv("FINOPS_KG_RESOURCES", str(copy))
    memo.project_key.cache_clear()
    make, calls = counting(b"x")
    memo.memoised("export", ("nt",), make)
    shape = next((copy / "shapes").glob("*.ttl"))
    shape.write_text(shape.read_text() + "\n# one more comment\n")
    memo.project_key.cache_clear()
    memo.memoised("export", ("nt",), make)
    assert len(calls) == 2
    memo.project_key.cache_clear()


def test_a_damaged_cache_file_is_made_anew(cache: Path) -> None:
    make, calls = counting(b"good")
    memo.memoised("export", ("nt",), make)
    (kept,) = (cache / "outputs").glob("*.zip")
    kept.write_bytes(b"not a zip")
    assert memo.memoised("export", ("nt",), make) == b"good"
    assert len(calls) == 2


def test_an_unwritable_cache_only_costs_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("FINOPS_KG_CACHE", str(blocker / "cache"))  # below a file: cannot exist
    make, calls = counting(b"x")
    assert memo.memoised("export", ("nt",), make) == b"x"
    assert memo.memoised("export", ("nt",), make) == b"x"
    assert len(calls) == 2


def test_the_cache_keeps_the_most_recent_outputs_only(cache: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memo, "KEPT", 3)
    for number in range(5):
        memo.memoised("export", (str(number),), lambda: b"x")
        for path in (cache / "outputs").glob("*.zip"):  # distinct times, oldest first
            os.utime(path, (path.stat().st_mtime - 1,) * 2)
    assert len(list((cache / "outputs").glob("*.zip"))) == 3
    make, calls = counting(b"x")
    memo.memoised("export", ("4",), make)
    memo.memoised("export", ("0",), make)
    assert len(calls) == 1  # the newest was kept, the oldest removed


def test_turning_it_off_makes_every_output(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FINOPS_KG_NO_MEMO", "1")
    make, calls = counting(b"x")
    memo.memoised("export", ("nt",), make)
    memo.memoised("export", ("nt",), make)
    assert len(calls) == 2 and not (cache / "outputs").exists()


def test_a_kept_build_writes_the_same_files_and_reports_the_same(cache: Path,
                                                                 tmp_path: Path) -> None:
    from finops_kg.release.build import build

    made = build(tmp_path / "made")
    kept = build(tmp_path / "kept")
    assert [p.name for p in kept.files] == [p.name for p in made.files]
    for path in made.files:
        assert (tmp_path / "kept" / path.name).read_bytes() == path.read_bytes(), path.name
    assert (kept.ok, kept.asserted_triples, kept.inferred_triples, kept.individuals_per_class) \
        == (made.ok, made.asserted_triples, made.inferred_triples, made.individuals_per_class)
    assert [h.name for h in kept.hygiene] == [h.name for h in made.hygiene]
    assert len(kept.report.graph) == len(made.report.graph) > 0
