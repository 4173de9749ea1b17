"""The workspace: the Framework and an organisation's own graphs in one on-disk Oxigraph store.

`Workspace.init(path)` creates one, `Workspace.open(path)` opens it; then load, list, drop,
export, upgrade, and view() or store() to query it. See docs/workspace.md.
"""

from __future__ import annotations

from finops_kg.workspace.folder import WorkspaceError
from finops_kg.workspace.loaders import LoadError, Loader, register
from finops_kg.workspace.metadata import GraphRecord, Info
from finops_kg.workspace.workspace import Workspace

__all__ = ["GraphRecord", "Info", "LoadError", "Loader", "Workspace", "WorkspaceError", "register"]
