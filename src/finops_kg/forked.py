"""Run one function on the second core, in a forked process, while the caller does other work."""

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
