"""An MCP server for AI assistants: the Framework's tools, cards as resources, prompts, citations.

`make_server(workspace=None, allow_sparql=True)` returns the official SDK's MCPServer;
`finops-kg mcp` serves it over stdio or streamable HTTP. The SDK is the optional extra `mcp`,
imported only here (through assistant.sdk), so the rest of finops-kg runs without it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from finops_kg.sparql.serve import Limits


def make_server(workspace: str | Path | None = None, allow_sparql: bool = True,
                edition: str | None = None, limits: Limits | None = None) -> Any:
    """Return the SDK's MCPServer over the Framework (and a workspace); needs the mcp extra."""
    from finops_kg.assistant.server import make_server as make
    from finops_kg.sparql.serve import Limits

    return make(workspace, allow_sparql, edition, limits or Limits())


__all__ = ["make_server"]
