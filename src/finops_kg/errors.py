"""Errors that the CLI reports as one line, without a traceback."""

from __future__ import annotations


class FinopsKGError(Exception):
    """Base class of every error the user can fix."""


class InputError(FinopsKGError):
    """A file the user or the project supplied cannot be read or parsed."""


class UnknownEditionError(FinopsKGError):
    """An edition was asked for that has no data."""


class OutputError(FinopsKGError):
    """An output file or folder cannot be written."""
