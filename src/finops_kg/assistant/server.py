"""The MCP server: make it with its tools, resources and prompts, and serve it by stdio or HTTP."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

from finops_kg.assistant import prompts, resources, tools
from finops_kg.assistant.backend import Backend
from finops_kg.assistant.queries import Sparql
from finops_kg.assistant.sdk import MCPServer
from finops_kg.errors import FinopsKGError
from finops_kg.graph.iris import DEFAULT_EDITION
from finops_kg.sparql.serve import MAX_BODY, Limits

HOST = "127.0.0.1"  # this machine only: the server may read the organisation's own workspace
PATH = "/mcp"
# An HTTP session holds about 70 kB on the server until its client deletes it; a client that
# never does is bounded by these: a session idle this long is closed (the SDK's default), and
# past this many open sessions a new one is refused with 503 (the SDK's 10,000 would be 700 MB).
SESSION_IDLE_S = 1800.0
MAX_SESSIONS = 1000

INSTRUCTIONS = """\
finops-kg serves the FinOps Framework of the FinOps Foundation as a knowledge graph, read-only.
Start with `search` when you do not know an exact name (job titles and misspellings work), then
`show` for an element's card, or the specific tools: `who_does_what`, `maturity`, `kpis`,
`crosswalks`, `edition_changes`. `catalogue` lists more questions that `run_query` answers.
Every answer ends with its citations: cite the finops.org pages and keep the CC BY 4.0
attribution; say when a statement is marked derived (finops-kg's, not the Foundation's).
Long lists come in pages: pass next_cursor back as cursor, with the same arguments."""

WORKSPACE_NOTE = """
This server also reads the organisation's own workspace: `assessment_status` and
`who_should_act` answer about its units, and run_query's assessment queries read it."""


def make_server(workspace: str | Path | None = None, allow_sparql: bool = True,
                edition: str | None = None, limits: Limits = Limits()) -> MCPServer:
    """Return the MCP server over the Framework (and a workspace, when given)."""
    from finops_kg import __version__

    # bm25s sets its own logger to DEBUG; the SDK's log handler on stderr would print each
    # index build to the client's log
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    backend = Backend(edition or DEFAULT_EDITION, workspace)
    # The SPARQL workers outlive a client's session (an HTTP client may open many); they are
    # daemon processes, which end with the server.
    sparql = Sparql(backend, limits) if allow_sparql else None
    server = MCPServer(
        "finops-kg", title="FinOps Framework knowledge graph", version=__version__,
        instructions=INSTRUCTIONS + (WORKSPACE_NOTE if backend.has_workspace else ""),
        website_url="https://www.finops.org/framework/", tools=tools.build(backend, sparql),
        log_level="WARNING")
    resources.register(server, backend)
    prompts.register(server, backend)
    return server


def serve_stdio(server: MCPServer) -> None:
    """Serve one client over standard input and output until it closes them."""
    server.run("stdio")


def listen(port: int) -> socket.socket:
    """Return a socket listening on 127.0.0.1:port (0: any free port), or fail in one line."""
    listener = socket.socket(socket.AF_INET)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((HOST, port))
        listener.listen(128)  # a client told the URL may connect before uvicorn accepts
    except OSError as error:
        listener.close()
        raise FinopsKGError(f"cannot listen on {HOST}:{port}: {error.strerror}") from None
    return listener


def http_app(server: MCPServer, max_sessions: int = MAX_SESSIONS) -> Any:
    """Return the server's streamable HTTP app, its sessions bounded in number and idle time."""
    # the same body limit as the SPARQL endpoint's: a client's message is far smaller. Replies
    # are plain JSON, not an event stream: no tool sends anything before its answer, and the
    # framing cost a quarter of the CPU per call (p95 132 against 96 ms at 8 clients).
    return server.streamable_http_app(streamable_http_path=PATH, host=HOST, json_response=True,
                                      max_request_body_size=MAX_BODY,
                                      session_idle_timeout=SESSION_IDLE_S,
                                      max_sessions=max_sessions)


def serve_http(server: MCPServer, listener: socket.socket,
               announce: Callable[[str], None]) -> None:
    """Serve streamable HTTP on the listening socket until interrupted; announce the URL first."""
    import uvicorn

    app = http_app(server)
    announce(f"http://{HOST}:{listener.getsockname()[1]}{PATH}")
    uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[listener])
