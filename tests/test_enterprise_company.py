"""The benchmark's made-up enterprise: deterministic, near the size asked, valid but for the seeded faults."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import enterprise_company  # noqa: E402

CLI = [sys.executable, "-m", "finops_kg"]


@pytest.fixture(scope="module")
def company(tmp_path_factory) -> enterprise_company.Written:
    return enterprise_company.generate(tmp_path_factory.mktemp("company"), 20_000, faults=5)


def validate(files: list[Path], engine: str = "fast") -> dict:
    rdf = [str(f) for f in files if f.suffix == ".nt"]
    result = subprocess.run([*CLI, "validate", *rdf, "--format", "json", "--engine", engine],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def test_the_same_seed_gives_the_same_bytes_and_about_the_size_asked(company, tmp_path):
    again = enterprise_company.generate(tmp_path, 20_000, faults=5)
    assert [f.read_bytes() for f in again.files] == [f.read_bytes() for f in company.files]
    assert 16_000 < company.total < 24_000
    assert company.teams > 20 and company.people > 10 * company.teams
    lines = sum(1 for f in company.files if f.suffix == ".nt" for _ in open(f, encoding="utf-8"))
    assert lines == company.total


def test_validation_finds_exactly_the_seeded_faults(company):
    report = validate(company.files)
    assert not report["conforms"]
    found = sorted((r["focus"], r["path"].rsplit("#", 1)[-1].rsplit(":", 1)[-1])
                   for r in report["results"])
    assert len(found) == 5, found
    assert {path for _, path in found} == {"score", "targetScore", "lensWeight",
                                           "hasLensScore", "assessedCapability"}


def test_without_faults_the_company_conforms_for_pyshacl_too(tmp_path):
    clean = enterprise_company.generate(tmp_path, 4_000, faults=0)
    assert validate(clean.files)["conforms"]
    assert validate(clean.files, engine="pyshacl")["conforms"]


def test_the_role_mapping_passes_map_check(company):
    mapping = next(f for f in company.files if f.name.endswith(".sssom.tsv"))
    result = subprocess.run([*CLI, "map", "check", str(mapping)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
