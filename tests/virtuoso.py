"""A throwaway Virtuoso Open-Source 7.2 server for the tests (Debian: ``virtuoso-opensource-7-bin``).

    http_url, isql_port, proc = start(tmp_path)   # 2.5-4 s (CPU-bound), fresh or reused db
    stop(proc)                                    # SIGTERM -> clean exit 0 in ~0.03 s

Uploading and querying go through finops-kg's own publish and remote code, which the tests check.

Everything (database, transaction log, lock, log) lives in ``tmpdir``; both listeners
are bound to 127.0.0.1 on ports picked at run time. Needs ``httpx`` and the binary
``virtuoso-t`` (``apt-get install virtuoso-opensource`` or just ``virtuoso-opensource-7-bin``).
"""
from __future__ import annotations

import atexit
import ctypes
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx  # all calls pass trust_env=False: an HTTP(S)_PROXY must not catch 127.0.0.1

DBA = ("dba", "dba")  # default credentials of a fresh database
_RUNNING: set[subprocess.Popen] = set()  # stopped by atexit if a test forgets
_OWNER = os.getpid()  # a forked child must not stop its parent's servers at exit

# Minimal configuration: no [Plugins], no VAD dir, empty web root -> no demo content.
# ResultSetMaxRows is raised from the packaged 10000: Virtuoso truncates silently.
_INI = """\
[Database]
DatabaseFile       = {d}/virtuoso.db
ErrorLogFile       = {d}/virtuoso.log
LockFile           = {d}/virtuoso.lck
TransactionFile    = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile    = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx

[Parameters]
ServerPort          = 127.0.0.1:{isql}
DisableUnixSocket   = 1
DirsAllowed         = ., {d}
NumberOfBuffers     = 10000
MaxDirtyBuffers     = 6000
MaxClientConnections = 10

[HTTPServer]
ServerPort           = 127.0.0.1:{http}
ServerRoot           = {d}
ServerThreads        = 10
MaxClientConnections = 10
Charset              = UTF-8

[SPARQL]
ResultSetMaxRows           = 1000000
MaxQueryExecutionTime      = 120
MaxQueryCostEstimationTime = 400
"""


class VirtuosoError(RuntimeError):
    """Any failure of the harness: missing binary, start-up, HTTP error from the server."""


def find_binary() -> str:
    """Path of virtuoso-t ($VIRTUOSO_BIN wins), or VirtuosoError with the install hint."""
    path = os.environ.get("VIRTUOSO_BIN") or shutil.which("virtuoso-t")
    if not path or not os.access(path, os.X_OK):
        raise VirtuosoError(
            "virtuoso-t not found (set VIRTUOSO_BIN or run: "
            "DEBIAN_FRONTEND=noninteractive apt-get install -y virtuoso-opensource-7-bin)")
    return path


def _die_with_parent() -> None:
    """Runs in the child before exec: Linux sends it SIGTERM when the thread that started
    it dies, so even a SIGKILLed test run leaves no server (atexit covers normal exits).
    Caveat: start() from a short-lived thread would stop the server when that thread ends."""
    try:
        ctypes.CDLL(None).prctl(1, int(signal.SIGTERM))  # 1 = PR_SET_PDEATHSIG
    except Exception:
        pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _log_tail(d: Path, n: int = 25) -> str:
    text = ""
    for name in ("virtuoso.log", "virtuoso.out"):  # server log, then its stdout/stderr
        p = d / name
        if p.exists():
            text += f"--- {name}\n" + "\n".join(p.read_text(errors="replace").splitlines()[-n:]) + "\n"
    return text or "(no log written)"


def start(tmpdir, timeout: float = 60.0) -> tuple[str, int, subprocess.Popen]:
    """Start virtuoso-t in the foreground on database files in tmpdir.

    Returns (http_url, isql_port, process); http_url is like "http://127.0.0.1:PORT".
    Existing database files in tmpdir are reused (a warm start is faster).
    Raises VirtuosoError if the binary is missing, the server exits, or /sparql does
    not answer within `timeout` seconds; the message carries the log's tail.
    """
    binary = find_binary()
    d = Path(tmpdir).resolve()
    d.mkdir(parents=True, exist_ok=True)
    log_file = d / "virtuoso.log"
    for attempt in range(3):  # a port may be taken between _free_port() and bind()
        isql_port, http_port = _free_port(), _free_port()
        (d / "virtuoso.ini").write_text(_INI.format(d=d, isql=isql_port, http=http_port))
        log_start = log_file.stat().st_size if log_file.exists() else 0
        with open(d / "virtuoso.out", "ab") as out:  # +foreground also echoes the log here
            proc = subprocess.Popen(
                [binary, "+foreground", "+configfile", str(d / "virtuoso.ini")],
                cwd=d, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent)
        _RUNNING.add(proc)
        url = f"http://127.0.0.1:{http_port}"
        if _wait_ready(proc, url, timeout):
            return url, isql_port, proc
        # The server exited by itself. Port clash (the other port was taken, or both
        # picks were equal)? Then retry; otherwise report with the log.
        with open(log_file, "rb") as f:  # only this attempt's part of the log
            f.seek(log_start)
            this_log = f.read().decode(errors="replace")
        if not (attempt < 2 and re.search(r"Failed to start listening|Failed HTTP listen", this_log)):
            raise VirtuosoError(f"virtuoso-t exited with code {proc.returncode}\n{_log_tail(d)}")
    raise AssertionError("unreachable")


def _wait_ready(proc: subprocess.Popen, url: str, timeout: float) -> bool:
    """True once GET /sparql answers 200; False if the process exited; raises on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            _RUNNING.discard(proc)
            return False
        try:
            r = httpx.get(url + "/sparql", params={"query": "ASK {}"}, timeout=2, trust_env=False)
            if r.status_code == 200:
                return True
        except httpx.TransportError:
            pass  # not listening yet
        time.sleep(0.1)
    stop(proc, timeout=5)
    raise VirtuosoError(f"Virtuoso did not answer on {url}/sparql within {timeout} s\n"
                        f"{_log_tail(Path(proc.args[-1]).parent)}")


def stop(process: subprocess.Popen, timeout: float = 30.0) -> None:
    """Clean shutdown: on SIGTERM virtuoso-t does a "quick shutdown" (no checkpoint; the
    .trx log is replayed if the folder is started again), removes its .lck, exits 0.

    Falls back to SIGKILL after `timeout` s; the .lck then stays, which is harmless: a
    lock whose PID is dead does not block a later start on the same folder.
    """
    _RUNNING.discard(process)
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


@atexit.register
def _stop_all() -> None:
    if os.getpid() != _OWNER:
        return
    for p in list(_RUNNING):
        stop(p, timeout=10)
