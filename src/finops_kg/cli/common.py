"""What the command groups share: exit codes, the command parser, common options and output."""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_REMOTE = 0, 1, 2, 3
EXIT_INTERRUPTED = 130

Run = Callable[[argparse.Namespace], int]


class Command(argparse.ArgumentParser):
    """An argument parser that adds its arguments only when it is used or its help is shown.

    Some arguments take their choices and defaults from modules that import rdflib or networkx;
    adding them lazily keeps `finops-kg --help` (and every other command) from paying for them.
    """

    def __init__(self, *args: Any, arguments: Callable[[Command], None] | None = None,
                 **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)
        self._arguments = arguments

    def complete(self) -> Command:
        """Add the arguments that are still pending, once; return the parser."""
        arguments, self._arguments = self._arguments, None
        if arguments is not None:
            arguments(self)
        return self

    def parse_known_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None) -> Any:
        """Parse as argparse does, once the arguments are in place."""
        self.complete()
        return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        """Return the usage line, with every argument."""
        self.complete()
        return super().format_usage()

    def format_help(self) -> str:
        """Return the help text, with every argument."""
        self.complete()
        return super().format_help()


def add_command(commands: Any, name: str, *, summary: str, description: str,
                examples: Sequence[str], arguments: Callable[[Command], None] | None = None,
                run: Run | None = None) -> Command:
    """Add a subcommand with its one-line summary, a description and an epilog of examples.

    The description is a paragraph (or paragraphs split by a blank line) wrapped here, because
    the raw formatter that keeps the examples' lines keeps the description's lines too.
    """
    paragraphs = [textwrap.fill(" ".join(p.split()), 79) for p in description.split("\n\n")]
    epilog = "examples:\n" + "\n".join(f"  {example}" for example in examples)
    parser = commands.add_parser(name, help=summary, description="\n\n".join(paragraphs),
                                 epilog=epilog, arguments=arguments)
    if run is not None:
        parser.set_defaults(run=run)
    return parser


def edition_option(parser: argparse.ArgumentParser, *, query: bool = False,
                   workspace: bool = False) -> None:
    """Add --edition, worded the same on every command, with the data layer's default.

    For `query` the option also fills the edition parameter of a catalogue query, and so has no
    default value of its own: a query comparing two editions keeps its own pair unless asked.
    A command that reads a workspace leaves it unset too: the workspace knows its own edition.
    """
    from finops_kg.graph.iris import DEFAULT_EDITION

    text = f"the Framework edition, such as 2025 (default: {DEFAULT_EDITION})"
    if query:
        text += ("; given, it also sets the edition parameter of a catalogue query, which "
                 "otherwise keeps its own default")
    if workspace:
        text += "; with --workspace, the workspace's own edition"
    parser.add_argument("--edition", default=None if query or workspace else DEFAULT_EDITION,
                        metavar="EDITION", help=text)


def format_option(parser: argparse.ArgumentParser, choices: Sequence[str], default: str | None,
                  what: str = "output format") -> None:
    """Add --format with its choices listed, and its default unless it is required."""
    if default is None:
        parser.add_argument("--format", required=True, choices=choices, metavar="FORMAT",
                            help=f"{what}: %(choices)s")
    else:
        parser.add_argument("--format", choices=choices, default=default, metavar="FORMAT",
                            help=f"{what}: %(choices)s (default: %(default)s)")


def data_option(parser: argparse.ArgumentParser) -> None:
    """Add --data: the user's own RDF or SSSOM sets, joined to the edition's graph."""
    parser.add_argument("--data", action="append", default=[], type=Path, metavar="FILE",
                        help="add your own RDF, or an SSSOM set (.sssom.tsv) applied as SKOS, "
                        "to the edition's graph (repeatable)")


def key_values(items: Sequence[str], option: str, metavar: str, error: type[Exception],
               empty_value: bool = True) -> dict[str, str]:
    """Split repeated NAME=VALUE options into a dict; a malformed one is an error naming it."""
    pairs = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name or not (value or empty_value):
            raise error(f"{option} {item!r}: write it as {metavar}")
        pairs[name] = value
    return pairs


def write_output(out: Path | None, data: bytes) -> None:
    """Write data to the file atomically, or to standard output when no file is given."""
    from finops_kg.graph.files import write_atomic

    if out:
        write_atomic(out, data)
        print(f"wrote {out} ({len(data)} bytes)", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
