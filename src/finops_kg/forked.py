"""Run a function in a forked process: on the second core meanwhile, or under a time limit."""

from __future__ import annotations

from typing import Any, Callable

from finops_kg.errors import FinopsKGError


class ForkedTask:
    """Run a function in a forked process while the caller goes on; fall back to running it now."""

    def __init__(self, task: Callable[..., Any], *args: Any) -> None:
        import multiprocessing

        self._process = None
        if "fork" not in multiprocessing.get_all_start_methods():
            self._outcome = self._run(task, args)
            return
        context = multiprocessing.get_context("fork")
        self._receiver, sender = context.Pipe(duplex=False)
        self._process = context.Process(
            target=lambda: sender.send(self._run(task, args)), daemon=True)
        self._process.start()
        sender.close()

    @staticmethod
    def _run(task: Callable[..., Any], args: tuple) -> tuple[bool, Any]:
        try:
            return True, task(*args)
        except BaseException as error:  # handed to the caller of result(), which raises it
            return False, error

    def result(self) -> Any:
        """Wait for the task and return its value, or raise its exception."""
        if self._process is not None:
            try:
                self._outcome = self._receiver.recv()
            except EOFError:
                raise FinopsKGError("a forked process ended without a result") from None
            finally:
                self._process.join()
                self._process = None
        succeeded, value = self._outcome
        if not succeeded:
            raise value
        return value

    def cancel(self) -> None:
        """Stop the task if it is still running."""
        if self._process is not None:
            self._process.terminate()
            self._process.join()
            self._process = None


class TimedOut(FinopsKGError):
    """A task ran past its time limit and its process was killed."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"stopped after {seconds:g} s, its time limit")
        self.seconds = seconds


def run_with_time_limit(task: Callable[..., Any], seconds: float, *args: Any) -> Any:
    """Run task(started, *args) in another process and return its value, or raise its error.

    The clock starts when the task calls started(): what comes before (loading its data, building
    a cache) is not limited, so a cold cache never makes a limit fail for good. Past the limit the
    process is killed, which really stops it: an Oxigraph query cannot be interrupted from
    Python while Rust runs it, and neither could a thread. Ctrl-C in the caller stops it too.
    """
    import multiprocessing
    import time

    methods = multiprocessing.get_all_start_methods()
    # fork starts in milliseconds; spawn (where there is no fork) imports everything again
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_limited_child, args=(sender, task, args), daemon=True)
    process.start()
    sender.close()
    deadline: float | None = None
    try:
        while True:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not receiver.poll(wait):
                raise TimedOut(seconds)
            try:
                kind, value = receiver.recv()
            except EOFError:
                process.join()
                raise FinopsKGError(f"the process running it ended without an answer (exit "
                                    f"code {process.exitcode}); it may have run out of "
                                    "memory") from None
            if kind == "started":
                deadline = time.monotonic() + seconds
            elif kind == "value":
                return value
            else:
                raise value
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()


def _end_with_parent(parent: int) -> None:
    """End this process once its parent has gone (killed, say), which could not stop it.

    Oxigraph lets other threads run while it evaluates, so this one notices within a second.
    """
    import os
    import time

    while os.getppid() == parent:
        time.sleep(0.25)
    os._exit(1)


def _limited_child(sender: Any, task: Callable[..., Any], args: tuple) -> None:
    import os
    import pickle
    import signal
    import threading
    import traceback

    # Ctrl-C reaches the whole process group; the parent stops this process, and this one
    # printing its own interruption would only add a traceback
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_end_with_parent, args=(os.getppid(),), daemon=True).start()
    try:
        outcome: tuple[str, Any] = ("value", task(lambda: sender.send(("started", None)), *args))
    except Exception as error:
        if not isinstance(error, FinopsKGError):  # a bug: keep where it happened
            error = RuntimeError(f"in the forked process:\n{traceback.format_exc()}")
        try:
            pickle.loads(pickle.dumps(error))
        except Exception:  # an error whose class cannot be rebuilt still ends as one line
            error = FinopsKGError(str(error))
        outcome = ("error", error)
    try:
        sender.send(outcome)
    except Exception as error:  # an answer that cannot be pickled still ends as one line
        sender.send(("error", FinopsKGError(f"the answer cannot be passed on ({error})")))
    finally:
        sender.close()
