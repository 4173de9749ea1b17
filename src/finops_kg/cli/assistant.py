"""The mcp command: the Framework served to AI assistants over the Model Context Protocol."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from finops_kg.cli.common import EXIT_OK, Command, add_command, edition_option
from finops_kg.cli.workspace import chosen_workspace, workspace_option


def register(commands: Any) -> None:
    """Add mcp to the command line."""
    add_command(
        commands, "mcp", summary="serve the Framework to AI assistants (Model Context Protocol)",
        description="""Serve the Framework to an AI assistant such as Claude, Copilot or
            Cursor over the Model Context Protocol, read-only: over standard input and output
            (the client starts the command), or with --http over streamable HTTP on this
            machine only (127.0.0.1). Its tools search the Framework, show an element's card,
            say who does what, what maturity looks like, which KPIs measure a capability,
            crosswalks and edition changes, and run catalogue queries and read-only SPARQL;
            every answer cites its IRIs, finops.org pages and edition, says what is derived,
            and long lists come in pages. Cards are resources (finops://capability/allocation),
            with the ontology and the licence; prompts explain a capability to a persona, plan a
            maturity step and map roles to personas.

            With --workspace DIR the assistant can also ask about your assessments
            (assessment_status, who_should_act). The server needs the optional mcp extra;
            docs/assistant.md says how to install it and configure a client.""",
        examples=["finops-kg mcp                          # stdio: what an MCP client runs",
                  "finops-kg mcp --http --port 8765       # http://127.0.0.1:8765/mcp",
                  "finops-kg mcp --workspace acme-ws --no-sparql",
                  "finops-kg mcp --edition 2025"],
        arguments=_arguments, run=run_mcp)


def _arguments(parser: Command) -> None:
    parser.add_argument("--http", action="store_true",
                        help="serve streamable HTTP on 127.0.0.1 instead of stdio")
    parser.add_argument("--port", type=int, default=8765,
                        help="the HTTP port, with --http (default: %(default)s)")
    edition_option(parser)
    workspace_option(parser)
    parser.add_argument("--no-sparql", action="store_true",
                        help="leave out the sparql tool (the other tools still run the "
                        "catalogue's queries)")
    parser.add_argument("--timeout", type=float, default=10.0,
                        help="seconds a sparql query may run (default: 10)")
    parser.add_argument("--max-rows", type=int, default=10_000,
                        help="rows a sparql result may have (default: 10000)")


def run_mcp(args: argparse.Namespace) -> int:
    """Serve the MCP server until the client closes it, or Ctrl-C."""
    from finops_kg.errors import InputError

    if args.port is not None and not 0 <= args.port <= 65535:
        raise InputError(f"--port must be between 0 and 65535, not {args.port}")
    if args.timeout <= 0 or args.max_rows < 1:
        raise InputError("--timeout must be above 0 and --max-rows at least 1")
    from finops_kg.assistant.server import listen, make_server, serve_http, serve_stdio
    from finops_kg.sparql.serve import Limits

    # a busy port is known before the server is made, which takes seconds
    listener = listen(args.port) if args.http else None
    server = make_server(chosen_workspace(args), allow_sparql=not args.no_sparql,
                         edition=args.edition,
                         limits=Limits(seconds=args.timeout, rows=args.max_rows))
    if listener is not None:
        serve_http(server, listener, lambda url: print(
            f"finops-kg: serving MCP at {url} (Ctrl-C stops)", file=sys.stderr, flush=True))
    else:
        serve_stdio(server)
    return EXIT_OK
