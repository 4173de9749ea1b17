"""The output folder replaced whole: the swap, its fallback, recovery after a kill, and refusals."""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

import pytest

from finops_kg.cli import main
from finops_kg.errors import OutputError
from finops_kg.graph import folder as swap
from finops_kg.release.build import is_release_file

OLD = {"finops-kg.ttl": b"old turtle\n", "finops-kg.trig": b"old trig\n",
       "validation-report.txt": b"old report\n"}
NEW = {"finops-kg.ttl": b"new turtle\n", "finops-kg.nt": b"new triples\n",
       "validation-report.txt": b"new report\n"}


def made(folder: Path, files: dict[str, bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def beside(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir() if p != folder)


def leftover(folder: Path, kind: str, files: dict[str, bytes]) -> Path:
    return made(folder.parent / f".{folder.name}.{kind}-0123456789ab", files)


def one_error_line(capsys, args: list[str]) -> str:
    assert main(args) == 2
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and err.startswith("finops-kg: error: "), err
    assert "Traceback" not in out + err
    return err


def test_the_folder_is_swapped_whole_and_nothing_is_left_beside_it(tmp_path):
    dist = made(tmp_path / "dist", OLD)
    dist.chmod(0o750)
    reader = (dist / "finops-kg.ttl").open("rb")  # a reader that opened the old release
    written = swap.replace_folder(dist, NEW, is_release_file)
    assert written == [dist / name for name in NEW]
    assert contents(dist) == NEW  # finops-kg.trig, not made this time, went with the old folder
    assert reader.read() == b"old turtle\n"
    reader.close()
    assert beside(dist) == []
    assert dist.stat().st_mode & 0o7777 == 0o750
    assert all((dist / name).stat().st_mode & 0o777 == 0o644 for name in NEW)


def test_a_file_given_in_pieces_is_written_whole_and_one_that_fails_leaves_the_old_folder(
        tmp_path):
    dist = made(tmp_path / "dist", OLD)
    pieces = {"finops-kg.ttl": (part for part in (b"new ", b"", b"turtle\n")), "finops-kg.nt": []}
    swap.replace_folder(dist, pieces, is_release_file)
    assert contents(dist) == {"finops-kg.ttl": b"new turtle\n", "finops-kg.nt": b""}

    def failing():
        yield b"half a page"
        raise KeyError("a row without its unit")

    with pytest.raises(KeyError):
        swap.replace_folder(dist, {"finops-kg.ttl": b"next\n", "finops-kg.nt": failing()},
                            is_release_file)
    assert contents(dist) == {"finops-kg.ttl": b"new turtle\n", "finops-kg.nt": b""}
    assert beside(dist) == []


def test_on_linux_the_swap_is_one_exchange_with_no_plain_rename(tmp_path, monkeypatch):
    assert swap._renameat2() is not None or not sys.platform.startswith("linux")
    dist = made(tmp_path / "dist", OLD)

    def no_rename(*args):
        raise AssertionError(f"a plain rename: {args}")

    monkeypatch.setattr(os, "rename", no_rename)
    if swap._renameat2() is None:
        monkeypatch.undo()
    swap.replace_folder(dist, NEW, is_release_file)
    assert contents(dist) == NEW and beside(dist) == []


def test_without_an_exchange_the_old_folder_goes_aside_and_the_new_one_in(tmp_path, monkeypatch):
    monkeypatch.setattr(swap, "_exchange", lambda first, second: False)
    dist = made(tmp_path / "dist", OLD)
    swap.replace_folder(dist, NEW, is_release_file)
    assert contents(dist) == NEW and beside(dist) == []


def test_a_second_rename_that_fails_puts_the_old_folder_back(tmp_path, monkeypatch):
    monkeypatch.setattr(swap, "_exchange", lambda first, second: False)
    dist = made(tmp_path / "dist", OLD)
    real_rename = os.rename

    def failing(source, target):
        if Path(target) == dist and swap.NEW in Path(source).name:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_rename(source, target)

    monkeypatch.setattr(os, "rename", failing)
    with pytest.raises(OutputError, match=f"^{dist}: cannot replace the output folder"):
        swap.replace_folder(dist, NEW, is_release_file)
    assert contents(dist) == OLD and beside(dist) == []


def test_a_kill_between_the_two_renames_loses_nothing(tmp_path):
    """The state a kill leaves between renaming the old folder aside and the new one in: no
    folder, the old release under a hidden name, and the new one, whole or not, under another."""
    dist = tmp_path / "dist"
    aside = leftover(dist, swap.OLD, OLD)
    leftover(dist, swap.NEW, {"finops-kg.ttl": b"new tur"})
    assert swap.sibling_pattern(dist).fullmatch(aside.name)  # where a reader finds it meanwhile
    swap.check_replaceable(dist, is_release_file)  # what the next build does first
    assert contents(dist) == OLD and beside(dist) == []
    swap.replace_folder(dist, NEW, is_release_file)
    assert contents(dist) == NEW and beside(dist) == []


def test_leftovers_beside_a_folder_in_place_are_removed_and_nothing_else(tmp_path):
    dist = made(tmp_path / "dist", NEW)
    leftover(dist, swap.NEW, OLD)  # the old release after an exchange, before its removal
    leftover(dist, swap.OLD, OLD)  # after both renames, before its removal
    others = [made(tmp_path / name, OLD) for name in
              (".dist.finops-kg-new", ".distx.finops-kg-new-0123456789ab", ".dist.mine")]
    swap.check_replaceable(dist, is_release_file)
    assert contents(dist) == NEW
    assert beside(dist) == sorted(p.name for p in others)


def test_only_the_files_a_build_makes_or_left_count_as_its_own():
    assert all(is_release_file(name) for name in (
        "finops-kg.ttl", "finops-kg.jsonld", "finops-kg.trig", "finops-kg-inferred.ttl",
        "validation-report.ttl", ".finops-kg.nt.k3j_x9z2.tmp", ".write-test.abc123"))
    assert not any(is_release_file(name) for name in (
        "README.md", "finops-kg.ttl.bak", ".finops-kg.ttl", ".mine.ttl.abcd.tmp", "CNAME"))


def test_a_folder_with_files_build_does_not_make_is_refused_and_left_alone(tmp_path, capsys):
    dist = made(tmp_path / "dist", {**OLD, "README.md": b"mine\n", ".finops-kg.ttl.ab12.tmp": b""})
    (dist / "wheels").mkdir()
    (dist / "finops-kg.nt").mkdir()  # a release name, but not a file build wrote
    err = one_error_line(capsys, ["build", "--out", str(dist)])
    assert err == (f"finops-kg: error: {dist}: holds files build does not make (README.md, "
                   "finops-kg.nt/, wheels/); the folder is replaced whole, so move them out "
                   "or give --out another folder\n")
    assert sorted(p.name for p in dist.iterdir()) == sorted(
        [*OLD, "README.md", ".finops-kg.ttl.ab12.tmp", "wheels", "finops-kg.nt"])
    assert beside(dist) == []


def test_a_file_where_the_folder_should_be_is_refused_and_left_alone(tmp_path, capsys):
    dist = tmp_path / "dist"
    dist.write_bytes(b"mine\n")
    assert one_error_line(capsys, ["build", "--out", str(dist)]) == (
        f"finops-kg: error: {dist}: is a file, not a folder; give --out a folder\n")
    assert dist.read_bytes() == b"mine\n" and beside(dist) == []


def test_files_that_appear_during_the_build_stop_the_swap(tmp_path):
    dist = made(tmp_path / "dist", OLD)
    swap.check_replaceable(dist, is_release_file)
    (dist / "notes.txt").write_text("added while the build ran\n")
    with pytest.raises(OutputError, match="holds files build does not make"):
        swap.replace_folder(dist, NEW, is_release_file, "build")
    assert contents(dist) == {**OLD, "notes.txt": b"added while the build ran\n"}
    assert beside(dist) == []


def test_the_current_folder_and_a_mount_point_are_refused(tmp_path, capsys, monkeypatch):
    dist = made(tmp_path / "dist", OLD)
    monkeypatch.chdir(dist)
    assert "is the current folder" in one_error_line(capsys, ["build", "--out", "."])
    monkeypatch.chdir(tmp_path)
    assert "is a mount point" in one_error_line(capsys, ["build", "--out", "/"])
    monkeypatch.setattr(os.path, "ismount", lambda path: Path(path) == dist)
    assert one_error_line(capsys, ["build", "--out", "dist"]) == (
        "finops-kg: error: dist: is a mount point, which cannot be renamed; the output folder "
        "is replaced whole, so give --out a folder inside it\n")
    assert contents(dist) == OLD


def test_an_unwritable_parent_is_one_error_line(tmp_path, capsys, monkeypatch):
    """The new release is written beside the folder, so its parent must be writable. Root
    ignores a folder's mode, so the refusal is also injected where the tests run as root."""
    parent = tmp_path / "parent"
    dist = made(parent / "dist", OLD)
    parent.chmod(0o555)
    real_mkdir = os.mkdir

    def refused(path, *args, **kwargs):
        if Path(path).parent == parent:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        real_mkdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "mkdir", refused)
    try:
        assert one_error_line(capsys, ["build", "--out", str(dist)]) == (
            f"finops-kg: error: {dist}: output folder is not writable: its replacement is "
            f"written beside it, in {parent} (Permission denied)\n")
    finally:
        parent.chmod(0o755)
    assert contents(dist) == OLD and beside(dist) == []
