"""What every fuzz target shares: how it is run, and how its input is cut into fields.

Each target is a script that atheris (libFuzzer) runs: `python tests/fuzz/fuzz_X.py -runs=N
CORPUS...`. A target calls the product and lets through only the project's own errors; any
other exception is a crash, which libFuzzer writes to the artifact prefix (see `make fuzz`).
"""

from __future__ import annotations

import sys
from typing import Callable

import atheris


def fuzz(test_one_input: Callable[[bytes], None]) -> None:
    """Run libFuzzer on test_one_input with the command line's options and corpora."""
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


def fields(data: bytes, count: int) -> list[bytes]:
    """Cut an input at NUL bytes into count fields (the last keeps any NUL), padding with b''."""
    parts = data.split(b"\x00", count - 1)
    return parts + [b""] * (count - len(parts))


def text(data: bytes) -> str:
    """Decode bytes as UTF-8, keeping what does not decode as replacement characters."""
    return data.decode("utf-8", "replace")
