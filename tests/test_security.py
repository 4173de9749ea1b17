"""The endpoint's protective headers: nosniff on every answer, a strict CSP on its one HTML page."""

from __future__ import annotations

import httpx
import pytest

from finops_kg.sparql.serve import HOME_CSP, Limits, create_app, served_quads

from test_serve import COUNT_DOMAINS, running


@pytest.fixture(scope="module")
def endpoint():
    with running(create_app(str(served_quads()), Limits(seconds=2.0, rows=50), workers=1,
                            cors=("https://yasgui.example",))) as url:
        yield url


def directives(policy: str) -> dict[str, list[str]]:
    """A Content-Security-Policy header as its directives and their sources."""
    found = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        assert name not in found, f"{name} given twice"
        found[name] = sources
    return found


@pytest.mark.parametrize("method, path, kwargs, status", [
    ("GET", "/", {}, 200),
    ("GET", "/sparql", {"params": {"query": COUNT_DOMAINS}}, 200),
    ("POST", "/sparql", {"data": {"query": COUNT_DOMAINS}}, 200),
    ("GET", "/sparql", {}, 200),  # the service description
    ("GET", "/queries/personas-in-a-capability", {"params": {"capability": "Allocation"}}, 200),
    ("GET", "/sparql", {"params": {"query": "SELECT * WHERE { SERVICE <http://x.example/> "
                                            "{ ?s ?p ?o } }"}}, 400),
    ("GET", "/sparql", {"params": {"update": "CLEAR ALL"}}, 400),
    ("GET", "/sparql", {"params": {"query": "SELECT * WHERE { ?s ?p ?o }"}}, 413),
    ("GET", "/queries/no-such-query", {}, 404),
    ("GET", "/nowhere", {}, 404),
    ("PUT", "/sparql", {}, 405),
    ("OPTIONS", "/sparql", {"headers": {"Origin": "https://yasgui.example",
                                        "Access-Control-Request-Method": "POST"}}, 200),
])
def test_every_answer_says_nosniff(endpoint, method, path, kwargs, status):
    reply = httpx.request(method, endpoint + path, timeout=30, **kwargs)
    assert reply.status_code == status, reply.text
    assert reply.headers.get_list("x-content-type-options") == ["nosniff"]


def test_only_the_html_page_has_a_policy_and_it_allows_only_what_the_page_holds(endpoint):
    page = httpx.get(f"{endpoint}/")
    assert page.headers["content-type"].startswith("text/html")
    policy = directives(page.headers["content-security-policy"])
    assert page.headers["content-security-policy"] == HOME_CSP
    assert policy["default-src"] == ["'none'"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["base-uri"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    # one digest each, no 'unsafe-inline', no host: the page has one inline style and script
    for kind, tag in (("style-src", "<style>"), ("script-src", "<script>")):
        assert len(policy[kind]) == 1 and policy[kind][0].startswith("'sha256-"), policy[kind]
        assert page.text.count(tag) == 1
    assert "unsafe" not in page.headers["content-security-policy"]
    answer = httpx.get(f"{endpoint}/sparql", params={"query": COUNT_DOMAINS})
    assert "content-security-policy" not in answer.headers


def test_the_page_runs_its_query_under_its_policy_with_no_violation(endpoint, browser):
    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                         "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI))")
    try:
        page.goto(f"{endpoint}/")
        assert page.evaluate("getComputedStyle(document.body).fontFamily") == "sans-serif"
        page.click("button")
        # A selector, not wait_for_function: its polling evaluates a string, which this very
        # policy refuses in the page (no 'unsafe-eval') whenever the answer is not there at once.
        page.wait_for_selector("#out:not(:empty)", timeout=30_000)
        rows = page.text_content("#out").splitlines()
    finally:
        page.close()
    assert rows[0].strip() == "capability,label" and len(rows) > 10, rows[:3]
    assert problems == []


def test_a_changed_inline_script_is_blocked_by_the_policy(endpoint, browser):
    """The digests are exact: a script the page did not ship is refused (the check is live)."""
    page = browser.new_page()
    violations: list[str] = []
    page.on("console", lambda message: "CSP violation" in message.text
            and violations.append(message.text))
    page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                         "console.error('CSP violation: ' + e.violatedDirective))")
    try:
        page.goto(f"{endpoint}/")
        page.evaluate("""() => { const s = document.createElement('script');
                                 s.textContent = 'window.injected = 1';
                                 document.body.appendChild(s); }""")
        page.wait_for_timeout(200)
        injected = page.evaluate("window.injected === undefined")
    finally:
        page.close()
    assert injected, "an injected inline script ran"
    assert any("script-src" in v for v in violations), violations
