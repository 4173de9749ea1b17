"""The MCP HTTP server bounds the sessions its clients leave open: past the cap a new one is
refused, and a session deleted by its client makes room again."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("mcp")

from starlette.testclient import TestClient  # noqa: E402

from finops_kg.assistant import make_server  # noqa: E402
from finops_kg.assistant.server import MAX_SESSIONS, PATH, SESSION_IDLE_S, http_app  # noqa: E402

HEADERS = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
INITIALIZE = json.dumps({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
    "protocolVersion": "2025-06-18", "capabilities": {},
    "clientInfo": {"name": "test", "version": "1"}}})


def open_session(client: TestClient) -> tuple[int, str]:
    """Send initialize; return the status and the session id given, if any."""
    response = client.post(PATH, content=INITIALIZE, headers=HEADERS)
    return response.status_code, response.headers.get("mcp-session-id", "")


def test_sessions_past_the_cap_are_refused_until_one_is_deleted():
    app = http_app(make_server(allow_sparql=False), max_sessions=2)
    with TestClient(app, base_url="http://127.0.0.1:8765") as client:
        first, second = open_session(client), open_session(client)
        assert first[0] == second[0] == 200 and first[1] and second[1] != first[1]
        assert open_session(client)[0] == 503  # the two are never closed: no room
        deleted = client.delete(PATH, headers={"mcp-session-id": first[1],
                                               "mcp-protocol-version": "2025-06-18"})
        assert deleted.status_code == 200
        status, third = open_session(client)
        assert status == 200 and third not in (first[1], second[1])


def test_the_served_app_has_the_documented_bounds():
    server = make_server(allow_sparql=False)
    http_app(server)  # as serve_http makes it
    assert server.session_manager.max_sessions == MAX_SESSIONS == 1000  # as SECURITY.md says
    assert server.session_manager.session_idle_timeout == SESSION_IDLE_S == 1800
