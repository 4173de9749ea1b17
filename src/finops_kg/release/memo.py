"""Outputs kept under the content hash of everything that makes them, so a repeated command reads them.

A build, an export or a picture depends only on the sources (ontology, shapes, data, queries)
and on the code; the key hashes all of them with the command's own parameters, so any change to
either computes the output anew. Failed results are never kept. FINOPS_KG_NO_MEMO=1 turns it off.
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Callable, Sequence

from finops_kg.errors import FinopsKGError
from finops_kg.graph import resources
from finops_kg.graph.files import write_atomic
from finops_kg.release.compiled import PACKAGE, cache_dir

RESOURCE_FOLDERS = ("ontology", "shapes", "data", "queries", "context")
KEPT = 200  # outputs kept in the cache; the least recently written beyond this are removed


@lru_cache(maxsize=1)
def project_key() -> str:
    """Return the content hash of the package's code and of every resource file."""
    root = resources.resource_root()
    folders = [PACKAGE] + [root / name for name in RESOURCE_FOLDERS
                           if not (root / name).is_relative_to(PACKAGE)]
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()


def memoised(kind: str, params: Sequence[str], make: Callable[[], bytes]) -> bytes:
    """Return make()'s bytes, read from the cache when the project and params are unchanged."""
    return memoised_files(kind, params, lambda: {"output": make()})["output"]


def memoised_files(kind: str, params: Sequence[str],
                   make: Callable[[], dict[str, bytes] | None]) -> dict[str, bytes] | None:
    """Return make()'s named files, read from the cache when the project and params are unchanged.

    When make returns None (a result that must not be kept, such as a failed build), so does this.
    """
    if os.environ.get("FINOPS_KG_NO_MEMO"):
        return make()
    digest = hashlib.sha256(project_key().encode())
    for param in params:
        digest.update(b"\0" + param.encode())
    path = cache_dir() / "outputs" / f"{kind}-{digest.hexdigest()[:32]}.zip"
    try:
        with zipfile.ZipFile(path) as archive:
            return {name: archive.read(name) for name in archive.namelist()}
    except (OSError, zipfile.BadZipFile, KeyError):
        pass
    files = make()
    if files is not None:
        _keep(path, files)
    return files


def _keep(path: Path, files: dict[str, bytes]) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in files.items():
            # A fixed date keeps the archive's bytes a function of its content alone.
            archive.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data)
    try:
        write_atomic(path, buffer.getvalue())
    except FinopsKGError:  # an unwritable cache only costs time
        return
    kept = sorted(path.parent.glob("*.zip"), key=_written_at, reverse=True)
    for old in kept[KEPT:]:
        old.unlink(missing_ok=True)


def _written_at(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # removed by another process meanwhile
        return 0.0
