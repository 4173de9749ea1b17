"""The workspace folder on disk: its marker, the generations of its store, HEAD and the locks.

A workspace never changes the store that readers have open. Each change (init, load, drop,
upgrade) writes a new generation, a whole Oxigraph store in generations/NAME (a checkpoint of the
current one, made of hard links, or a new one), and then publishes it by replacing the one-line
file HEAD. Readers open the generation HEAD names read-only; a change that fails or is killed
leaves a generation that HEAD never named, which the next writer removes. Oxigraph 0.5 leaves a
read-only open undefined while another process writes the same store, and this design never
does that.

Writers take an exclusive lock on writer.lock, one at a time. Readers hold a shared lock on
generations/NAME.readers while they have NAME open, so that no writer removes it under them.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from finops_kg.errors import FinopsKGError

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; changes are still published atomically
    fcntl = None  # type: ignore[assignment]

MARKER = "finops-kg-workspace.txt"
HEAD = "HEAD"
GENERATIONS = "generations"
WRITER_LOCK = "writer.lock"
READERS = ".readers"
MARKER_TEXT = """\
This folder is a finops-kg workspace: the FinOps Framework and your own graphs in an Oxigraph
store. Change it with `finops-kg workspace load|drop|upgrade`, not by hand; see docs/workspace.md.
HEAD names the current generation of the store, in generations/.
"""


class WorkspaceError(FinopsKGError):
    """A workspace cannot be created, opened or changed as asked."""


class Folder:
    """The files of one workspace folder; it opens no store itself."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        # The highest generation number seen by this writer, so that a number freed by removing
        # a killed change's leftover is never given again: a name means one store, ever.
        self._highest = 0

    @property
    def generations(self) -> Path:
        """Return the folder that holds one store per generation."""
        return self.path / GENERATIONS

    def is_workspace(self) -> bool:
        """Return True when the folder carries the workspace marker."""
        return (self.path / MARKER).is_file()

    def is_complete(self) -> bool:
        """Return True when a generation has been published (init has finished)."""
        return (self.path / HEAD).is_file()

    def check(self) -> None:
        """Refuse a folder that is not a finished workspace, naming what to do."""
        if not self.path.exists():
            raise WorkspaceError(f"{self.path}: no such workspace; create it with "
                                 f"finops-kg workspace init {self.path}")
        if not self.is_workspace():
            raise WorkspaceError(f"{self.path}: not a finops-kg workspace; create one with "
                                 "finops-kg workspace init DIR")
        if not self.is_complete():
            raise WorkspaceError(f"{self.path}: the workspace was never finished (its init was "
                                 f"stopped); run finops-kg workspace init {self.path} again")

    def head(self) -> str:
        """Return the name of the published generation."""
        try:
            return (self.path / HEAD).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise WorkspaceError(f"{self.path / HEAD}: cannot be read "
                                 f"({error.strerror or error})") from None

    def generation(self, name: str) -> Path:
        """Return the folder of one generation's store."""
        return self.generations / name

    def new_generation(self) -> Path:
        """Return the folder for the next generation; it does not exist yet."""
        self.generations.mkdir(parents=True, exist_ok=True)
        self._highest = max(self._highest, self._highest_number()) + 1
        return self.generation(f"g{self._highest:06d}")

    def _highest_number(self) -> int:
        if not self.generations.is_dir():
            return 0
        numbers = [int(entry.name[1:].split(".")[0]) for entry in self.generations.iterdir()
                   if entry.name[:1] == "g" and entry.name[1:].split(".")[0].isdigit()]
        return max(numbers, default=0)

    def publish(self, name: str) -> None:
        """Make a finished generation the one every reader opens from now on, atomically."""
        from finops_kg.graph.files import write_atomic

        write_atomic(self.path / HEAD, f"{name}\n".encode())

    def write_marker(self) -> None:
        """Mark the folder as a workspace (before its first generation is published)."""
        try:
            (self.path / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        except OSError as error:
            raise WorkspaceError(f"{self.path}: cannot write here "
                                 f"({error.strerror or error})") from None

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the writer lock for the block; wait, saying so, while another writer holds it."""
        with _open_lock(self.path / WRITER_LOCK) as handle:
            if fcntl is not None:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    print(f"finops-kg: waiting for another command that changes {self.path}",
                          file=sys.stderr, flush=True)
                    fcntl.flock(handle, fcntl.LOCK_EX)
            self.collect_garbage()
            yield

    def open_for_reading(self) -> tuple[str, IO[str] | None]:
        """Return the published generation's name and a shared lock that keeps it on disk.

        A writer may publish and remove a generation between reading HEAD and locking it; the
        lock is then taken on a folder that is gone, and HEAD is read again.
        """
        for _ in range(20):
            name = self.head()
            try:
                handle: IO[str] | None = (self.generations / f"{name}{READERS}").open("a")
            except OSError:  # a workspace on read-only media: no writer can remove anything
                handle = None
            if handle is not None and fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_SH)
            if self.generation(name).is_dir():
                return name, handle
            if handle is not None:
                handle.close()
            time.sleep(0.01)
        raise WorkspaceError(f"{self.path}: its generation {name} is missing; the folder was "
                             "changed by hand")

    def collect_garbage(self) -> None:
        """Remove every generation HEAD does not name and no reader holds (the caller writes)."""
        if not self.generations.is_dir():
            return
        self._highest = max(self._highest, self._highest_number())
        head = self.head() if self.is_complete() else None
        names = {entry.name.removesuffix(READERS) for entry in self.generations.iterdir()}
        for name in sorted(names - {head}):
            lock = self.generations / f"{name}{READERS}"
            with _open_lock(lock) as handle:
                if fcntl is not None:
                    try:
                        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    except BlockingIOError:
                        continue  # a reader still has it open
                shutil.rmtree(self.generation(name), ignore_errors=True)
                lock.unlink(missing_ok=True)

    def remove_unfinished(self, generation: Path) -> None:
        """Remove a generation that failed before it was published."""
        shutil.rmtree(generation, ignore_errors=True)


@contextmanager
def _open_lock(path: Path) -> Iterator[IO[str]]:
    try:
        handle = path.open("a")
    except OSError as error:
        raise WorkspaceError(f"{path.parent}: cannot write here "
                             f"({error.strerror or error})") from None
    try:
        yield handle
    finally:
        handle.close()


def is_empty_folder(path: Path) -> bool:
    """Return True for a folder with nothing in it."""
    return path.is_dir() and not any(os.scandir(path))
