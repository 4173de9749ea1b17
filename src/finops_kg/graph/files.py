"""Write files atomically, so that a failure leaves the previous file as it was."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from finops_kg.errors import OutputError


def write_atomic(path: str | Path, data: bytes) -> Path:
    """Write data to path through a temporary file in the same folder, then rename it."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise OutputError(f"{path.parent}: cannot write here ({error.strerror or error})") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write ({error.strerror or error})") from None
    return path
