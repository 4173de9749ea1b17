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


def watch(command: list[str], writing: Writing,
          written: Writing | None = None) -> tuple[float, float]:
    """Run the command to its end (it must succeed); return how long it ran, and for how long
    after it began to write: until written() when given, else until it ended."""
    start = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True, env=environment())
    began = finished = None
    while process.poll() is None:
        if began is None:
            if writing():
                began = time.monotonic()
        elif finished is None and written is not None and written():
            finished = time.monotonic()
        time.sleep(0.0005)
    end = time.monotonic()
    assert process.returncode == 0, process.stderr.read()
    process.stderr.close()
    assert began is not None, "the command was never seen writing: the watch cannot aim"
    return end - start, (finished or end) - began


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


def alternating_trials(command_for, state_of, first, second, writing: Writing, seed: str,
                       mark: Callable[[], None] = lambda: None,
                       leftovers: Callable[[], list] = lambda: [],
                       written: Writing | None = None) -> Counter:
    """Kill the command that replaces one version with the other, TRIALS times; after each kill
    the output holds the one or the other, whole. Then the next run of the command must succeed
    and leave nothing that leftovers() returns. Return how the trials ended.

    mark() is called before each run, so that writing() can tell the run's own writes; the kills
    aimed at the writes land before written() turns true, when it is given."""
    states = {first: state_of()}
    mark()
    run_time, window = watch(command_for(second), writing, written)
    states[second] = state_of()
    assert states[first] != states[second]
    current = second
    outcomes = Counter()
    # A last kill as soon as the new version is in place: on a loaded machine the command runs
    # longer than when it was timed, and the kills spread over that time may all land before.
    last = [(0.0, written)] if written is not None else []
    for delay, aim in trials(seed, run_time, window, writing) + last:
        other = second if current == first else first
        mark()
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
    assert not leftovers(), "the next run did not remove what the kills left"
    print(f"{seed}: {run_time:.2f} s, writes for {window:.3f} s; {dict(outcomes)}")
    return outcomes


def folder_state(folder: Path) -> dict[str, bytes]:
    """Every entry of the folder, hidden ones too, with its bytes: the release a reader finds."""
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_a_killed_build_leaves_the_previous_release_or_the_new_one_whole(tmp_path):
    """The releases of two editions (the same seven names, every file's bytes different) replace
    each other; each kill must leave the folder exactly as the one or the other."""
    out = tmp_path / "dist"
    aside = re.compile(r"\.dist\.finops-kg-(?:new|old)-[0-9a-f]{12}")

    def command_for(edition: str) -> list[str]:
        return [*CLI, "build", "--out", str(out), "--edition", edition]

    def writing() -> bool:  # a folder beside the release with the new files in it
        try:
            return any(aside.fullmatch(entry.name) and any(os.scandir(entry.path))
                       for entry in os.scandir(tmp_path))
        except FileNotFoundError:  # removed while it was looked at: the swap was done
            return True

    def state() -> dict[str, bytes]:
        # a kill leaves nothing but the release and, beside it, folders named as its own
        assert all(aside.fullmatch(p.name) for p in tmp_path.iterdir() if p != out)
        if not out.exists():  # killed between the renames of a system with no exchange
            kept = [p for p in tmp_path.iterdir() if "-old-" in p.name]
            assert len(kept) == 1, "no release in place, and none aside"
            return folder_state(kept[0])
        return folder_state(out)

    def leftovers() -> list[str]:
        return [p.name for p in tmp_path.iterdir() if p != out] + \
            [p.name for p in out.iterdir() if p.name.startswith(".")]

    inode = [0]

    def mark() -> None:
        inode[0] = out.stat().st_ino if out.exists() else 0

    def written() -> bool:  # the new folder is in place and the old one is gone
        try:
            return out.stat().st_ino != inode[0] and not any(
                aside.fullmatch(entry.name) for entry in os.scandir(tmp_path))
        except FileNotFoundError:
            return False

    watch(command_for("2026"), lambda: True)  # so that the timed build reads it from the cache
    watch(command_for("2025"), lambda: True)
    outcomes = alternating_trials(command_for, state, "2025", "2026", writing, "build",
                                  mark=mark, leftovers=leftovers, written=written)
    assert outcomes["replaced"], f"no trial left the new release: {outcomes}"
    assert len(before := folder_state(out)) == 7 and all(before.values())
    assert sum(1 for _ in pyoxigraph.parse(path=str(out / "finops-kg.ttl"),
                                           format=pyoxigraph.RdfFormat.TURTLE)) > 1_000


def workspace_trials(command_for, first: Path, second: Path, folder: Path, seed: str) -> None:
    """alternating_trials on a workspace, which writes each change as a new generation."""
    head = [""]

    def mark() -> None:  # the newest generation when a run begins
        head[0] = max(p.name for p in (folder / "generations").iterdir() if p.is_dir())

    def writing() -> bool:  # a generation newer than the one there when the run began
        return any(p.name > head[0] for p in (folder / "generations").iterdir() if p.is_dir())

    alternating_trials(command_for, lambda: workspace_state(folder), first, second, writing, seed,
                       mark=mark, leftovers=lambda: unpublished(folder))


def test_a_killed_workspace_load_leaves_the_workspace_whole(ws, tmp_path):
    first, second = nt_file(tmp_path / "first.nt", "a"), nt_file(tmp_path / "second.nt", "b")
    Workspace.open(ws, warn=False).load([first], graph=GRAPH)
    workspace_trials(
        lambda file: [*CLI, "workspace", "load", str(ws), str(file), "--graph", GRAPH],
        first, second, ws, "workspace load")


def test_a_killed_assessment_import_leaves_the_workspace_whole(acme_ws, workbooks):
    first, second = workbooks
    assert main(["assess", "import", str(first), "--workspace", str(acme_ws)]) == 0
    workspace_trials(
        lambda file: [*CLI, "assess", "import", str(file), "--workspace", str(acme_ws)],
        first, second, acme_ws, "assess import")


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
    # build writes its new release beside the folder, then swaps the two
    disk = FullDisk(monkeypatch, out.parent if kind == "build" else out)
    refused_for_space(capsys, args)
    assert disk.refused, "nothing was written to the full disk"
    assert files_under(out) == before  # no temporary file left either
    assert not [p.name for p in out.parent.iterdir() if p.name.startswith(".")]
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
