"""Faults: a command killed at random points, a full disk while writing, and no network at all.

Each fault must leave the previous release, output file or workspace as it was and readable, and
the next run of the same command must succeed.
"""

from __future__ import annotations

import builtins
import errno
import io
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pyoxigraph
import pytest

from finops_kg.cli import main
from finops_kg.graph import resources
from finops_kg.workspace import Workspace

from conftest import DATA

CLI = [sys.executable, "-m", "finops_kg"]
TRIALS = 20
GRAPH = "urn:finops-kg:test:faults"
ACME = resources.resource_root() / "data" / "examples" / "acme"
UNIT = "https://example.org/acme/unit/cloud-platform"
ASSESSED = {"B2": UNIT, "B3": "2026-06-30", "B5": "Ana Lima",
            "B9": 2, "C9": 2, "D9": 1, "E9": 1, "F9": 0, "G9": 10}
ENOSPC_TEXT = os.strerror(errno.ENOSPC)


def environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "FINOPS_KG_WORKSPACE"}


def nt_file(path: Path, version: str, count: int = 1000) -> Path:
    with path.open("w") as out:
        out.writelines(f"<https://example.org/faults/{i}> <https://example.org/faults/v> "
                       f"\"{version}-{i}\" .\n" for i in range(count))
    return path


# --- the workspaces the tests change --------------------------------------------------------------

@pytest.fixture()
def ws(empty_workspace, tmp_path) -> Path:
    path = tmp_path / "ws"
    shutil.copytree(empty_workspace, path)
    return path


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory) -> tuple[Path, Path]:
    """Two fillings of one assessment (one unit, one day) that differ in their scores."""
    folder = tmp_path_factory.mktemp("workbooks")
    blank = folder / "template.xlsx"
    assert main(["assess", "template", "--out", str(blank), "--capability", "Allocation",
                 "--capability", "Budgeting"]) == 0
    filled = []
    for name, score in (("first.xlsx", 1), ("second.xlsx", 3)):
        book = openpyxl.load_workbook(blank)
        sheet = book["Assessment"]
        for ref, value in {**ASSESSED, "B9": score}.items():
            sheet[ref] = value
        book.save(folder / name)
        filled.append(folder / name)
    return filled[0], filled[1]


@pytest.fixture()
def acme_ws(ws) -> Path:
    opened = Workspace.open(ws, warn=False)
    opened.load([ACME / "organization.ttl", ACME / "people.ttl", ACME / "roles.ttl"])
    opened.close()
    return ws


def workspace_state(folder: Path) -> tuple:
    """What a reader sees: the graph records (all but their load time) and every user triple."""
    opened = Workspace.open(folder, warn=False)
    try:
        records = opened.list()
        listed = tuple(sorted((r.graph, r.triples, r.source, r.sha256) for r in records))
        store = opened.store()
        answer = frozenset(str(q) for record in records for q in store.quads_for_pattern(
            None, None, None, pyoxigraph.NamedNode(record.graph)))
    finally:
        opened.close()
    return listed, answer


def unpublished(folder: Path) -> list[Path]:
    head = (folder / "HEAD").read_text().strip()
    return [p for p in (folder / "generations").iterdir() if p.is_dir() and p.name != head]


# --- SIGKILL at random points -------------------------------------------------------------------

Writing = Callable[[], bool]  # True once the command has begun to write its output


def watch(command: list[str], writing: Writing) -> tuple[float, float]:
    """Run the command to its end (it must succeed); return how long it ran, and for how long
    after it began to write."""
    start = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True, env=environment())
    began = None
    while process.poll() is None:
        if began is None and writing():
            began = time.monotonic()
        time.sleep(0.0005)
    end = time.monotonic()
    assert process.returncode == 0, process.stderr.read()
    process.stderr.close()
    assert began is not None, "the command was never seen writing: the watch cannot aim"
    return end - start, end - began


def killed_at(command: list[str], delay: float, writing: Writing | None = None) -> str:
    """Start the command and SIGKILL it delay seconds after its start, or after it begins to
    write when writing is given; return whether it had "ended", was "running" or "writing"."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=environment())
    seen = False
    if writing is not None:
        while process.poll() is None and not (seen := writing()):
            time.sleep(0.0005)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    if process.wait() != -signal.SIGKILL:
        return "ended"
    return "writing" if seen else "running"


def trials(seed: str, run_time: float, window: float,
           writing: Writing) -> list[tuple[float, Writing | None]]:
    """TRIALS seeded delays, the same on every test run: half spread over the whole run time,
    half over the time the command writes, counted from when it begins to, since the write is a
    small part of the run and the part that matters."""
    chance = random.Random(seed)
    return [(chance.uniform(0, run_time), None) if i % 2 == 0 else
            (chance.uniform(0, window), writing) for i in range(TRIALS)]


def release(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if not p.name.startswith(".")}


def test_a_killed_build_leaves_the_previous_release_byte_for_byte(tmp_path):
    out = tmp_path / "dist"
    command = [*CLI, "build", "--out", str(out)]
    watch(command, lambda: True)  # the previous release; unchanged sources then come from cache
    before = release(out)
    assert len(before) >= 7 and all(before.values())
    inodes: dict[str, int] = {}

    def writing() -> bool:  # a temporary file beside the release, or a file replaced
        return any(entry.name.startswith(".") or entry.inode() != inodes.get(entry.name)
                   for entry in os.scandir(out))

    inodes.update((p.name, p.stat().st_ino) for p in out.iterdir())
    run_time, window = watch(command, writing)
    outcomes = Counter()
    for delay, aim in trials("build", run_time, window, writing):
        inodes.clear()
        inodes.update((p.name, p.stat().st_ino) for p in out.iterdir())
        outcomes[killed_at(command, delay, aim)] += 1
        assert release(out) == before, f"killed {delay:.3f} s in: the release changed"
        # what a kill may leave: temporary files beside the release, never one of its names
        for leftover in (p.name for p in out.iterdir() if p.name.startswith(".")):
            assert re.fullmatch(r"\.(.+)\.[^.]+\.tmp", leftover), leftover
            assert leftover[1:].rsplit(".", 2)[0] in before, leftover
    assert outcomes["writing"], f"no trial killed the build while it wrote: {outcomes}"
    assert sum(1 for _ in pyoxigraph.parse(path=str(out / "finops-kg.ttl"),
                                           format=pyoxigraph.RdfFormat.TURTLE)) > 10_000
    watch(command, lambda: True)
    assert release(out) == before
    print(f"build: {run_time:.2f} s, writes for {window:.3f} s; {dict(outcomes)}")


def alternating_trials(command_for, state_of, first: Path, second: Path, folder: Path,
                       seed: str) -> Counter:
    """Kill the command that replaces one version with the other, TRIALS times; after each kill
    the workspace holds the one or the other, whole. Return how the trials ended."""
    def writing() -> bool:  # a generation newer than the one published when the trial began
        return any(p.name > head[0] for p in (folder / "generations").iterdir() if p.is_dir())

    head = [(folder / "HEAD").read_text().strip()]
    states = {first: state_of()}
    run_time, window = watch(command_for(second), writing)
    states[second] = state_of()
    assert states[first] != states[second]
    current = second
    outcomes = Counter()
    for delay, aim in trials(seed, run_time, window, writing):
        other = second if current == first else first
        head[0] = max(p.name for p in (folder / "generations").iterdir() if p.is_dir())
        outcomes[killed_at(command_for(other), delay, aim)] += 1
        found = state_of()
        assert found in (states[current], states[other]), f"killed {delay:.3f} s in: a mix"
        if found == states[other]:
            current = other
            outcomes["replaced"] += 1
    assert outcomes["writing"], f"no trial killed the command while it wrote: {outcomes}"
    other = second if current == first else first
    watch(command_for(other), lambda: True)
    assert state_of() == states[other]
    assert not unpublished(folder), "the next change did not remove what the kills left"
    print(f"{seed}: {run_time:.2f} s, writes for {window:.3f} s; {dict(outcomes)}")
    return outcomes


def test_a_killed_workspace_load_leaves_the_workspace_whole(ws, tmp_path):
    first, second = nt_file(tmp_path / "first.nt", "a"), nt_file(tmp_path / "second.nt", "b")
    Workspace.open(ws, warn=False).load([first], graph=GRAPH)
    alternating_trials(
        lambda file: [*CLI, "workspace", "load", str(ws), str(file), "--graph", GRAPH],
        lambda: workspace_state(ws), first, second, ws, "workspace load")


def test_a_killed_assessment_import_leaves_the_workspace_whole(acme_ws, workbooks):
    first, second = workbooks
    assert main(["assess", "import", str(first), "--workspace", str(acme_ws)]) == 0
    alternating_trials(
        lambda file: [*CLI, "assess", "import", str(file), "--workspace", str(acme_ws)],
        lambda: workspace_state(acme_ws), first, second, acme_ws, "assess import")


# --- a full disk, injected ----------------------------------------------------------------------

class FullDisk:
    """Every file opened for writing under root fails with ENOSPC once room bytes are written.

    The writes go through io.open (open, Path.open and os.fdopen all use it), so the part that
    fits is really written, as on a disk that fills up in the middle of a file. Oxigraph's own
    store files are written by Rust and are not covered: test_a_small_tmpfs covers them.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch, root: Path, room: int = 4096) -> None:
        self.root, self.room, self.written, self.refused = str(root.resolve()), room, 0, 0
        real = io.open

        def opening(file, mode="r", *args, **kwargs):
            stream = real(file, mode, *args, **kwargs)
            if not set(mode) & set("wax+"):
                return stream
            path = os.readlink(f"/proc/self/fd/{file}") if isinstance(file, int) \
                else os.path.abspath(os.fspath(file))
            return Filling(stream, self) if path.startswith(self.root + os.sep) else stream

        monkeypatch.setattr(io, "open", opening)
        monkeypatch.setattr(builtins, "open", opening)


class Filling:
    """A file being written on a FullDisk."""

    def __init__(self, stream, disk: FullDisk) -> None:
        self.stream, self.disk = stream, disk

    def write(self, data) -> int:
        room = self.disk.room - self.disk.written
        if len(data) > room:
            if room > 0:
                self.stream.write(data[:room])
                self.disk.written += room
            self.disk.refused += 1
            raise OSError(errno.ENOSPC, ENOSPC_TEXT)
        self.disk.written += len(data)
        return self.stream.write(data)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.stream.close()

    def __getattr__(self, name: str):
        return getattr(self.stream, name)


def files_under(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def errors_only(stderr: str) -> list[str]:
    """The lines of stderr but a warning that the workspace's Framework is older than the code
    (it is, when the sources change while the tests run)."""
    return [line for line in stderr.splitlines(keepends=True)
            if not line.startswith("finops-kg: warning: ")]


def refused_for_space(capsys, args: list[object]) -> str:
    """Run the command on the full disk: exit 2 and one error line that says why."""
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert code == 2, err
    assert "Traceback" not in err
    err = "".join(errors_only(err))
    assert len(err.splitlines()) == 1 and err.startswith("finops-kg: error: "), err
    assert ENOSPC_TEXT in err, err
    return err


def make_outputs(kind: str, out: Path, acme: Path | None, workbook: Path) -> list[object]:
    """The command that writes one kind of output into the folder out."""
    return {
        "build": ["build", "--out", out],
        "export": ["export", "--format", "turtle", "--out", out / "finops.ttl"],
        "export-xml": ["export", "--format", "xml", "--out", out / "finops.rdf"],
        "map apply": ["map", "apply", "--out", out / "mappings.trig"],
        "workspace export": ["workspace", "export", acme, "--format", "trig", "--out",
                             out / "mine.trig"],
        "assess import --out": ["assess", "import", workbook, "--out", out / "q2.nt"],
        "assess export": ["assess", "export", "--workspace", acme, "--format", "xlsx",
                          "--out", out / "q2.xlsx"],
        "assess report": ["assess", "report", "--workspace", acme, "--out", out / "report"],
    }[kind]


@pytest.mark.parametrize("kind", ["build", "export", "export-xml", "map apply",
                                  "workspace export", "assess import --out", "assess export",
                                  "assess report"])
def test_a_full_disk_keeps_the_previous_output(kind, workbooks, tmp_path, monkeypatch, capsys,
                                               request):
    first, second = workbooks
    acme_ws = None
    if kind in ("workspace export", "assess export", "assess report"):
        acme_ws = request.getfixturevalue("acme_ws")
        assert main(["assess", "import", str(first), "--workspace", str(acme_ws)]) == 0
    out = tmp_path / "out"
    out.mkdir()
    args = make_outputs(kind, out, acme_ws, first)
    assert main([str(a) for a in args]) == 0
    before = files_under(out)
    assert before
    capsys.readouterr()
    disk = FullDisk(monkeypatch, out)
    refused_for_space(capsys, args)
    assert disk.refused, "nothing was written to the full disk"
    assert files_under(out) == before  # no temporary file left either
    monkeypatch.undo()
    assert main([str(a) for a in args]) == 0  # with room again, the same command succeeds


@pytest.mark.parametrize("command", ["workspace load", "assess import"])
def test_a_full_disk_leaves_the_workspace_as_it_was(command, acme_ws, workbooks, tmp_path,
                                                    monkeypatch, capsys):
    first, second = workbooks
    data = nt_file(tmp_path / "first.nt", "a")
    assert main(["workspace", "load", str(acme_ws), str(data), "--graph", GRAPH]) == 0
    assert main(["assess", "import", str(first), "--workspace", str(acme_ws)]) == 0
    before = workspace_state(acme_ws)
    args = (["workspace", "load", acme_ws, nt_file(tmp_path / "second.nt", "b"), "--graph", GRAPH]
            if command == "workspace load" else
            ["assess", "import", second, "--workspace", acme_ws])
    capsys.readouterr()
    disk = FullDisk(monkeypatch, acme_ws, room=0)
    refused_for_space(capsys, args)
    assert disk.refused
    monkeypatch.undo()
    assert workspace_state(acme_ws) == before
    assert main([str(a) for a in args]) == 0
    assert workspace_state(acme_ws) != before
    assert not unpublished(acme_ws)


def test_a_store_write_that_fails_for_space_is_one_line_and_changes_nothing(ws, tmp_path,
                                                                            monkeypatch, capsys):
    """Oxigraph reports a full disk inside a RocksDB message, with no errno; where no tmpfs can
    be mounted, this is the test of that path."""
    from finops_kg.workspace.generation import GenerationWriter

    assert main(["workspace", "load", str(ws), str(nt_file(tmp_path / "a.nt", "a")),
                 "--graph", GRAPH]) == 0
    before = workspace_state(ws)

    def full(*args, **kwargs):
        raise OSError("IO error: No space left on device: While appending to file: "
                      f"{ws}/generations/g000009/000008.log: No space left on device")

    monkeypatch.setattr(GenerationWriter, "load_file", full)
    capsys.readouterr()
    args = ["workspace", "load", ws, nt_file(tmp_path / "b.nt", "b"), "--graph", GRAPH]
    assert refused_for_space(capsys, args) == (
        f"finops-kg: error: {ws}: cannot write the workspace ({ENOSPC_TEXT}); it was left as it "
        "was\n")
    monkeypatch.undo()
    assert workspace_state(ws) == before
    assert not unpublished(ws)


# --- a full disk, for real: a small tmpfs in a mount namespace of its own ---------------------------

# Runs inside `unshare -m`: mounts a tmpfs, makes the previous output, fills the tmpfs but for
# a little room, runs the command again, then frees the room and runs it once more. It prints
# what it saw as JSON; the tmpfs goes with the namespace.
DRIVER = r"""
import hashlib, json, os, subprocess, sys
spec = json.loads(sys.argv[1])
mount = spec["mount"]
subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={spec['size']}", "tmpfs", mount], check=True)
def run(args):
    done = subprocess.run([sys.executable, "-m", "finops_kg", *args], capture_output=True,
                          text=True)
    return {"code": done.returncode, "stdout": done.stdout, "stderr": done.stderr}
def digest(path):
    with open(path, "rb") as stream:
        return hashlib.sha256(stream.read()).hexdigest()
def state():
    # the store's own files change name from one generation to the next: the look commands
    # read it; every other file must keep its bytes
    return [run(args) for args in spec["look"]] + [sorted(
        (os.path.relpath(os.path.join(d, f), mount), digest(os.path.join(d, f)))
        for d, _, fs in os.walk(mount) for f in fs
        if f != "filler" and os.sep + "generations" not in d)]
for command in spec["setup"]:
    if command[0] == "copy":
        subprocess.run(["cp", "-a", command[1], command[2]], check=True)
    else:
        assert run(command)["code"] == 0, run(command)
before = state()
free = os.statvfs(mount).f_bavail * os.statvfs(mount).f_frsize
with open(os.path.join(mount, "filler"), "wb") as filler:
    os.posix_fallocate(filler.fileno(), 0, free - spec["room"])
full = run(spec["command"])
after = state()
os.unlink(os.path.join(mount, "filler"))
again = run(spec["command"])
print(json.dumps({"before": before, "full": full, "after": after, "again": again}))
"""


def in_mount_namespace() -> None:
    """Skip, naming the reason, where the kernel or the container refuses a tmpfs mount."""
    if shutil.which("unshare") is None:
        pytest.skip("no unshare command (util-linux) on this machine")
    probe = subprocess.run(["unshare", "-m", "--propagation", "private", "--", "mount", "-t",
                            "tmpfs", "-o", "size=1m", "tmpfs", "/mnt"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"a tmpfs cannot be mounted here: {probe.stderr.strip()}")


def on_small_tmpfs(spec: dict) -> dict:
    done = subprocess.run(["unshare", "-m", "--propagation", "private", "--", sys.executable,
                           "-c", DRIVER, json.dumps(spec)], capture_output=True, text=True,
                          env=environment(), timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def assert_refused_and_kept(seen: dict) -> None:
    full = seen["full"]
    assert full["code"] == 2, full["stderr"]
    assert "Traceback" not in full["stderr"]
    lines = [line.rstrip("\n") for line in errors_only(full["stderr"])]
    assert len(lines) == 1 and lines[0].startswith("finops-kg: error: "), lines
    assert "No space left on device" in lines[0], lines
    assert seen["after"] == seen["before"]
    assert seen["again"]["code"] == 0, seen["again"]["stderr"]


def test_a_small_tmpfs_that_fills_up_keeps_the_previous_release(tmp_path):
    in_mount_namespace()
    mount = tmp_path / "tmpfs"
    mount.mkdir()
    out = str(mount / "dist")
    seen = on_small_tmpfs({"mount": str(mount), "size": "16m", "room": 256 * 1024,
                           "setup": [["build", "--out", out]], "command": ["build", "--out", out],
                           "look": []})
    assert_refused_and_kept(seen)
    assert len(seen["before"][-1]) >= 7


# With 64 kB left the new generation's store cannot even open; with 1 MB it fails while loading.
@pytest.mark.parametrize("room", [64 * 1024, 1024 * 1024])
def test_a_small_tmpfs_that_fills_up_keeps_the_workspace(empty_workspace, tmp_path, room):
    in_mount_namespace()
    mount = tmp_path / "tmpfs"
    mount.mkdir()
    ws = str(mount / "ws")
    first, second = nt_file(tmp_path / "first.nt", "a"), nt_file(tmp_path / "second.nt", "b",
                                                                 40_000)
    look = [["workspace", "list", ws],
            ["query", "--workspace", ws, "--format", "csv", "--sparql",
             f"SELECT ?s ?o WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }} ORDER BY ?s ?o"]]
    seen = on_small_tmpfs({"mount": str(mount), "size": "64m", "room": room,
                           "setup": [["copy", str(empty_workspace), ws],
                                     ["workspace", "load", ws, str(first), "--graph", GRAPH]],
                           "command": ["workspace", "load", ws, str(second), "--graph", GRAPH],
                           "look": look})
    assert_refused_and_kept(seen)
    listed, answer = seen["before"][0], seen["before"][1]
    assert listed["code"] == 0 and "first.nt" in listed["stdout"]
    assert answer["code"] == 0 and answer["stdout"].count("\n") == 1001


# --- no network ---------------------------------------------------------------------------------

def test_no_socket_reaches_past_this_machine():
    """pytest-socket, set in pyproject.toml, refuses connections to anywhere but this machine."""
    import socket

    from pytest_socket import SocketConnectBlockedError

    with pytest.raises(SocketConnectBlockedError):
        socket.create_connection(("192.0.2.1", 80), timeout=1)  # TEST-NET-1, never routed


READ_COMMANDS = {
    "query": ["query", "personas-in-a-capability", "--param", "capability=Allocation",
              "--format", "csv"],
    "query --data": ["query", "--data", str(DATA / "workspace" / "org.ttl"), "--sparql",
                     "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"],
    "show": ["show", "Allocation"],
    "search": ["search", "split the shared Kubernetes bill"],
    "validate": ["validate", str(ACME / "assessments.ttl")],
    "export": ["export", "--format", "turtle"],
    "stats": ["stats"],
    "diff": ["diff", "2025", "2026"],
}


@pytest.fixture(scope="module")
def offline() -> list[str]:
    """The command prefix that runs in a network namespace with no interface up."""
    if shutil.which("unshare") is None:
        pytest.skip("no unshare command (util-linux) on this machine")
    probe = subprocess.run(["unshare", "-n", "--", sys.executable, "-c",
                            "import socket; socket.create_connection(('192.0.2.1', 80), 2)"],
                           capture_output=True, text=True)
    if "unshare" in probe.stderr.split(":")[0]:
        pytest.skip(f"a network namespace cannot be made here: {probe.stderr.strip()}")
    assert probe.returncode != 0 and "Network is unreachable" in probe.stderr, probe.stderr
    return ["unshare", "-n", "--", *CLI]


@pytest.mark.parametrize("name", READ_COMMANDS)
def test_read_commands_work_with_no_network(offline, name):
    done = subprocess.run([*offline, *READ_COMMANDS[name]], capture_output=True, text=True,
                          env=environment(), timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip(), "no output"
    assert "Traceback" not in done.stderr
