"""Replace an output folder whole, so that a reader or a kill sees the old folder or the new one."""

from __future__ import annotations

import errno
import os
import re
import secrets
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from finops_kg.errors import OutputError

# The new folder is written as a hidden sibling and swapped in; a previous folder moved aside
# waits as another. Both names say which folder they belong to and who made them.
NEW = "finops-kg-new"
OLD = "finops-kg-old"

Owned = Callable[[str], bool]  # True for a file name the command makes (or leaves when killed)
Content = bytes | Iterable[bytes]  # a file's bytes, or its pieces in order, made as they are written


def sibling_pattern(folder: Path) -> re.Pattern[str]:
    """Return the pattern of the hidden siblings that replacing folder makes."""
    return re.compile(rf"\.{re.escape(folder.name)}\.(?P<kind>{NEW}|{OLD})-[0-9a-f]{{12}}")


def check_replaceable(folder: str | Path, owned: Owned, maker: str = "this command") -> None:
    """Fail, before any work, when folder cannot be replaced whole; restore what a kill left.

    maker names what writes the folder ("build", "the report") in the refusal of foreign files.
    """
    folder = Path(folder)
    real = _unswappable(folder)
    with _locked(folder, real):
        recover(real)
        probe = _sibling(folder, real, NEW)
        probe.rmdir()
        _refuse_foreign(folder, real, owned, maker)


def replace_folder(folder: str | Path, files: Mapping[str, Content], owned: Owned,
                   maker: str = "this command") -> list[Path]:
    """Make folder hold exactly files: write them into a hidden sibling, then swap the two.

    The swap is one renameat2(RENAME_EXCHANGE) call where the system has it. Elsewhere the old
    folder is renamed aside and the new one into its place; a kill between the two renames leaves
    the old folder under a hidden name, and the next call (or recover) puts it back.
    """
    folder = Path(folder)
    real = _unswappable(folder)
    with _locked(folder, real):
        recover(real)
        _refuse_foreign(folder, real, owned, maker)
        staging = _sibling(folder, real, NEW)
        try:
            _fill(folder, staging, files, real)
            _swap(folder, staging, real)
        finally:
            # After an exchange the staging name holds the previous folder; after a failure, the
            # unfinished new one. Either way it goes.
            shutil.rmtree(staging, ignore_errors=True)
    return [folder / name for name in files]


def recover(folder: Path) -> None:
    """Put back a folder left aside by a replacement killed between its renames; drop the rest.

    Whatever a killed replacement left is a hidden sibling of folder (see sibling_pattern). Call
    it with the parent locked, so that no replacement is under way.
    """
    pattern = sibling_pattern(folder)
    try:
        found = [(match["kind"], entry.name) for entry in os.scandir(folder.parent)
                 if (match := pattern.fullmatch(entry.name))
                 and entry.is_dir(follow_symlinks=False)]
    except OSError:
        return
    for kind, name in sorted(found, key=lambda found: (found[0] != OLD, found[1])):
        leftover = folder.parent / name  # a folder left aside comes first: it may go back
        if kind == OLD and not os.path.lexists(folder):
            try:
                os.rename(leftover, folder)
                continue
            except OSError as error:
                raise OutputError(f"{folder}: cannot put back the previous folder from "
                                  f"{leftover} ({error.strerror or error})") from None
        shutil.rmtree(leftover, ignore_errors=True)


def _unswappable(folder: Path) -> Path:
    """Return folder's real path, or fail where a rename cannot replace it."""
    real = Path(os.path.realpath(folder))
    if real.exists() and not real.is_dir():
        raise OutputError(f"{folder}: is a file, not a folder; give --out a folder")
    if real == Path(os.path.realpath(os.getcwd())):
        raise OutputError(f"{folder}: is the current folder, which cannot be replaced whole; "
                          "give --out a folder inside it or run from its parent")
    if real == real.parent or os.path.ismount(real):
        raise OutputError(f"{folder}: is a mount point, which cannot be renamed; the output "
                          "folder is replaced whole, so give --out a folder inside it")
    return real


@contextmanager
def _locked(folder: Path, real: Path) -> Iterator[None]:
    """Hold an exclusive lock on the parent folder, so that two replacements take turns."""
    try:
        import fcntl
    except ImportError:  # no flock on this system: replacements are not serialised
        fcntl = None
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(real.parent, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as error:
        raise OutputError(f"{folder}: output folder is not writable "
                          f"({error.strerror or error})") from None
    try:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)  # released by close, or by the kernel on a kill
        yield
    finally:
        os.close(handle)


def _sibling(folder: Path, real: Path, kind: str) -> Path:
    path = real.parent / f".{real.name}.{kind}-{secrets.token_hex(6)}"
    try:
        os.mkdir(path, 0o777)  # the umask applies, as to any new folder
    except OSError as error:
        raise OutputError(f"{folder}: output folder is not writable: its replacement is written "
                          f"beside it, in {real.parent} ({error.strerror or error})") from None
    return path


def _refuse_foreign(folder: Path, real: Path, owned: Owned, maker: str) -> None:
    try:
        entries = list(os.scandir(real))
    except FileNotFoundError:
        return
    except OSError as error:
        raise OutputError(f"{folder}: cannot read the output folder ({error.strerror or error})") from None
    foreign = sorted(entry.name + ("/" if entry.is_dir(follow_symlinks=False) else "")
                     for entry in entries
                     if not (owned(entry.name) and entry.is_file(follow_symlinks=False)))
    if foreign:
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        raise OutputError(f"{folder}: holds files {maker} does not make ({shown}); the folder is "
                          "replaced whole, so move them out or give --out another folder")


def _fill(folder: Path, staging: Path, files: Mapping[str, Content], real: Path) -> None:
    name = ""
    try:
        for name, data in files.items():
            path = staging / name
            with open(path, "xb") as stream:
                if isinstance(data, bytes):
                    stream.write(data)
                else:
                    stream.writelines(data)
            os.chmod(path, 0o644)
        if real.is_dir():
            os.chmod(staging, real.stat().st_mode & 0o7777)
    except OSError as error:
        raise OutputError(f"{folder / name}: cannot write ({error.strerror or error})") from None


def _swap(folder: Path, staging: Path, real: Path) -> None:
    try:
        if not real.exists():
            os.rename(staging, real)
        elif not _exchange(staging, real):
            _rename_aside_then_in(folder, staging, real)
    except OSError as error:
        raise OutputError(f"{folder}: cannot replace the output folder "
                          f"({error.strerror or error})") from None


def _rename_aside_then_in(folder: Path, staging: Path, real: Path) -> None:
    aside = _sibling(folder, real, OLD)
    os.rename(real, aside)  # onto the empty folder just made, which rename replaces
    try:
        os.rename(staging, real)
    except BaseException:
        os.rename(aside, real)
        raise
    os.rename(aside, staging)  # the staging name is removed by the caller


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders with one renameat2(RENAME_EXCHANGE); return False where the system cannot."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second),
                 _RENAME_EXCHANGE) == 0:
        return True
    import ctypes

    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # a file system without it
        return False
    raise OSError(code, os.strerror(code), str(second))


_AT_FDCWD, _RENAME_EXCHANGE = -100, 2  # from <fcntl.h> and <linux/fs.h>


@lru_cache(maxsize=1)
def _renameat2() -> Callable[..., int] | None:
    """Return the C library's renameat2 (glibc 2.28 and later, musl 1.2.2), or None."""
    import sys

    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                         ctypes.c_uint]
    function.restype = ctypes.c_int
    return function
