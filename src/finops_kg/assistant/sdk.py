"""The parts of the official MCP SDK that the server uses, with one clear error when it is missing.

The SDK is the optional extra `mcp`: this module is the only door to it, so that nothing else in
finops-kg needs it and a missing SDK is one line, not a traceback.
"""

from __future__ import annotations

from finops_kg.errors import FinopsKGError

MISSING = ("the MCP server needs the official MCP SDK: pip install 'finops-kg[mcp]' "
           "(or pip install 'mcp>=2.3,<3')")

try:
    from mcp.server.mcpserver import MCPServer, UserMessage
    from mcp.server.mcpserver.exceptions import ResourceNotFoundError, ToolError
    from mcp.server.mcpserver.resources import FunctionResource
    from mcp.server.mcpserver.tools import Tool
    from mcp.shared.exceptions import MCPError
    from mcp.types import CallToolResult, TextContent, ToolAnnotations
except ImportError:  # only the SDK's absence: its own import errors name it anyway
    raise FinopsKGError(MISSING) from None

INVALID_PARAMS = -32602  # JSON-RPC: a prompt or resource asked for with a bad argument

__all__ = ["CallToolResult", "FunctionResource", "INVALID_PARAMS", "MCPError", "MCPServer",
           "ResourceNotFoundError", "TextContent", "Tool", "ToolAnnotations", "ToolError",
           "UserMessage"]
