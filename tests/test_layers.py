"""The package's layers: no module imports one above it, and there are no import cycles."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "finops_kg"


def test_the_import_linter_contract_holds():
    # import-linter reads every import, those inside functions too.
    result = subprocess.run([str(Path(sys.executable).parent / "lint-imports"), "--config",
                             str(PACKAGE.parent.parent / ".importlinter")],
                            capture_output=True, text=True, cwd=PACKAGE.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_every_module_opens_with_a_one_line_docstring():
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "_fo.py":
            continue
        docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        assert docstring, f"{path.relative_to(PACKAGE)} has no docstring"
        assert docstring.splitlines()[0].endswith("."), f"{path.relative_to(PACKAGE)}: {docstring.splitlines()[0]!r}"


def test_the_command_line_starts_without_rdflib():
    code = ("import sys, runpy; sys.argv = ['finops-kg', '--help']\n"
            "try:\n    runpy.run_module('finops_kg', run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('rdflib', 'pyshacl', 'networkx', 'owlrl', 'pyoxigraph')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout + result.stderr
