"""The finops-kg command line: a thin layer over the Python API, one module per command group."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from finops_kg.cli import answer, assess, assistant, mapping, release, sparql, views, workspace
from finops_kg.cli.common import (
    EXIT_FINDINGS,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_REMOTE,
    EXIT_USAGE,
    Command,
)
from finops_kg.errors import FinopsKGError

__all__ = ["EXIT_FINDINGS", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_REMOTE", "EXIT_USAGE", "main",
           "make_parser"]

EPILOG = f"""\
examples:
  finops-kg build                                 # check and write the release into dist/
  finops-kg query personas-in-a-capability --param capability=Allocation
  finops-kg viz network --out explorer.html       # the interactive explorer, one file
  finops-kg map check my-roles.sssom.tsv          # your roles, mapped to the personas

exit codes:
  {EXIT_OK}    success: done, and nothing wrong found
  {EXIT_FINDINGS}    findings: SHACL violations or hygiene problems (build, validate),
       or problems in a mapping set (map check); the report lists them
  {EXIT_USAGE}    bad input or usage: an unknown command, option, edition or name, a
       file that cannot be read or parsed, an output that cannot be written,
       a query stopped at its --timeout; nothing is written
  {EXIT_REMOTE}    a remote SPARQL store failed: unreachable, wrong credentials or a
       refused request (query --endpoint, publish)
  {EXIT_INTERRUPTED}  interrupted with Ctrl-C

Run finops-kg COMMAND --help for a command's options and examples."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the finops-kg command line and return its exit code."""
    args = make_parser().parse_args(argv)
    try:
        return args.run(args)
    except FinopsKGError as error:
        print(f"finops-kg: error: {error}", file=sys.stderr)
        return EXIT_REMOTE if _is_remote_failure(error) else EXIT_USAGE
    except KeyboardInterrupt:
        print("finops-kg: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader, such as `head`, stopped early
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def make_parser() -> argparse.ArgumentParser:
    """Return the parser of every command; each adds its own arguments when it is used."""
    from finops_kg import __version__

    parser = Command(
        prog="finops-kg", epilog=EPILOG,
        description="The FinOps Framework as a knowledge graph: build, query, draw and map it.")
    parser.add_argument("--version", action="version", version=f"finops-kg {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in (release, sparql, answer, views, mapping, assess, workspace, assistant):
        group.register(commands)
    return parser


def _is_remote_failure(error: FinopsKGError) -> bool:
    # An EndpointError exists only once its module is loaded; importing the module to test for
    # it would load httpx and rdflib after every other error.
    remote = sys.modules.get("finops_kg.sparql.remote")
    return remote is not None and isinstance(error, remote.EndpointError)
