"""query --timeout: a runaway query is stopped near the limit, in one line, with nothing printed.

The query runs in a forked process that is killed at the limit, since Oxigraph cannot be
interrupted from Python; these tests check that it really stops (no process is left running),
on every kind of dataset, that a query within the limit gives the same rows as without one, and
that Ctrl-C and a killed parent stop a runaway too.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from finops_kg.cli import main

ROOT = Path(__file__).resolve().parent.parent
RUNAWAY = ROOT / "tests" / "data" / "bad" / "runaway.rq"
COMMAND = str(Path(sys.executable).parent / "finops-kg")
STOPPED = re.compile(r"finops-kg: error: (?P<file>\S+: )?the query was stopped after "
                     r"(?P<seconds>[\d.]+) s \((?P<given>[^)]+)\); narrow it, add a LIMIT, or "
                     r"give it more time\n")


@pytest.fixture(autouse=True)
def no_hang():
    """End the test run with the stacks printed if a test hangs: a query that was not stopped."""
    import faulthandler

    faulthandler.dump_traceback_later(120, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


def children() -> set[int]:
    """The process ids of this process's live children."""
    mine = set()
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == os.getpid() and fields[0] != "Z":
            mine.add(int(entry.name))
    return mine


def run(capsys, *args: object) -> tuple[int, str, str, float]:
    started = time.monotonic()
    code = main([str(a) for a in args])
    elapsed = time.monotonic() - started
    out, err = capsys.readouterr()
    return code, out, err, elapsed


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="lists child processes through /proc")
@pytest.mark.parametrize("surface", ["--file", "--data", "--workspace"])  # --sparql: test_bad_input
def test_a_runaway_query_is_stopped_at_the_limit_in_one_line(capsys, empty_workspace, surface):
    source = ["--file", RUNAWAY] if surface == "--file" else ["--sparql", RUNAWAY.read_text()]
    dataset = {"--data": ["--data", ROOT / "data" / "examples" / "acme" / "assessments.ttl"],
               "--workspace": ["--workspace", empty_workspace]}.get(surface, [])
    # the same command with a query that ends at once: the time loading the dataset takes,
    # which the limit does not count
    code, _, err, loading = run(capsys, "query", "--sparql", "ASK {}", *dataset, "--timeout", "1")
    assert code == 0, err
    before = children()
    code, out, err, elapsed = run(capsys, "query", *source, *dataset, "--timeout", "1")
    assert (code, out) == (2, ""), err
    assert "Traceback" not in err
    stopped = STOPPED.fullmatch(err)
    assert stopped, err
    assert (stopped["seconds"], stopped["given"]) == ("1", "--timeout 1")
    assert stopped["file"] == (f"{RUNAWAY}: " if surface == "--file" else None)
    assert 1 <= elapsed < loading + 1 + 3, (elapsed, loading)  # 3 s for a busy machine
    assert children() <= before, "the stopped query's process is still there"


def test_a_limit_above_a_fast_query_gives_the_same_rows(capsys):
    arguments = ["query", "personas-in-a-capability", "--param", "capability=Allocation",
                 "--format", "csv"]
    code, unlimited, err, elapsed = run(capsys, *arguments)
    assert code == 0, err
    # the whole run, loading included, is more than the query itself takes (a quarter of a
    # second at least, for a busy machine)
    code, limited, err, _ = run(capsys, *arguments, "--timeout", f"{max(elapsed, 0.25):.2f}")
    assert (code, err) == (0, "")
    assert limited == unlimited and unlimited.count("\n") > 10


@pytest.mark.parametrize(("text", "message"), [
    ("SELECT * WHERE { ?s ?p }", r"SPARQL syntax error: line 1"),
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", r"SERVICE is refused"),
])
def test_errors_come_back_from_the_query_process_as_one_line(capsys, text, message):
    code, out, err, _ = run(capsys, "query", "--sparql", text, "--timeout", "30")
    assert (code, out) == (2, "") and "Traceback" not in err
    assert re.fullmatch(r"finops-kg: error: [^\n]+\n", err) and re.search(message, err), err


@pytest.mark.parametrize("form", ["ASK { ?s ?p ?o }", "CONSTRUCT { ?s a ?o } WHERE { ?s a ?o }"])
def test_every_query_form_crosses_from_the_query_process(capsys, form):
    arguments = ["query", "--sparql", form, "--format", "turtle" if "CONSTRUCT" in form else
                 "table"]
    code, unlimited, err, _ = run(capsys, *arguments)
    assert code == 0, err
    code, limited, err, _ = run(capsys, *arguments, "--timeout", "30")
    assert (code, err) == (0, "") and limited == unlimited


@pytest.mark.parametrize(("value", "where"), [("-1", "--timeout -1"), ("abc", "--timeout abc"),
                                               ("nan", "--timeout nan"), ("inf", "--timeout inf")])
def test_a_bad_timeout_is_one_line(capsys, value, where):
    code, out, err, _ = run(capsys, "query", "--sparql", "ASK {}", "--timeout", value)
    assert (code, out) == (2, "")
    assert err == (f"finops-kg: error: {where}: give the seconds the query may run, such as 30 "
                   "(0: no limit)\n")


def test_the_environment_sets_the_limit_and_zero_lifts_it(capsys, monkeypatch):
    import finops_kg.forked

    monkeypatch.setenv("FINOPS_KG_QUERY_TIMEOUT", "0.5")
    code, out, err, _ = run(capsys, "query", "--file", RUNAWAY)
    assert code == 2 and out == "", err
    assert STOPPED.fullmatch(err)["given"] == "FINOPS_KG_QUERY_TIMEOUT=0.5", err

    def no_fork(*args):
        raise AssertionError("a query without a limit was run in another process")

    monkeypatch.setattr(finops_kg.forked, "run_with_time_limit", no_fork)
    code, out, err, _ = run(capsys, "query", "--sparql", "ASK {}", "--timeout", "0")
    assert (code, out, err) == (0, "True\n", "")
    monkeypatch.setenv("FINOPS_KG_QUERY_TIMEOUT", "soon")
    code, out, err, _ = run(capsys, "query", "--sparql", "ASK {}")
    assert code == 2 and "FINOPS_KG_QUERY_TIMEOUT=soon: give the seconds" in err


def test_the_limited_query_path_does_not_import_rdflib():
    code = ("import sys\nfrom finops_kg.cli import main\n"
            "code = main(['query', 'personas-in-a-capability', '--param', "
            "'capability=Allocation', '--timeout', '30'])\n"
            "print(code, sorted(m for m in sys.modules if m.split('.')[0] == 'rdflib'), "
            "file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.stderr.strip().splitlines()[-1] == "0 []", result.stderr


def _start_runaway(*extra: str) -> tuple[subprocess.Popen, float]:
    """Start a runaway query in a session of its own, with Ctrl-C as a terminal leaves it."""
    process = subprocess.Popen(
        [COMMAND, "query", "--file", str(RUNAWAY), *extra], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(2)  # well into the query
    assert process.poll() is None, process.communicate()
    return process, time.monotonic()


@pytest.mark.parametrize("extra", [[], ["--timeout", "600"]])
def test_ctrl_c_stops_a_runaway_query_at_once(extra):
    process, started = _start_runaway(*extra)
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    try:
        out, err = process.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail("Ctrl-C did not stop the query")
    assert time.monotonic() - started < 5 and out == ""
    # the shell shows either as exit 130: killed by SIGINT, or exiting 130 itself
    assert process.returncode in (-signal.SIGINT, 130), (process.returncode, err)
    assert err in ("", "finops-kg: interrupted\n")
    assert subprocess.run(["pgrep", "-s", str(process.pid)], capture_output=True).stdout == b""


def test_a_killed_parent_takes_its_query_process_with_it():
    process, _ = _start_runaway("--timeout", "600")
    process.kill()  # no chance to stop its child
    process.communicate()
    deadline = time.monotonic() + 5
    while subprocess.run(["pgrep", "-s", str(process.pid)], capture_output=True).stdout:
        assert time.monotonic() < deadline, "the query process outlived its parent"
        time.sleep(0.1)
