"""The wheel carries the compiled dataset: a fresh install answers its first query without reasoning."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIRST_QUERY = ("import sys\nfrom finops_kg.cli import main\n"
               "code = main(['query', 'personas-in-a-capability', '--param', 'capability=Allocation',"
               " '--format', 'csv'])\n"
               "print('rdflib imported' if 'rdflib' in sys.modules else 'no rdflib', file=sys.stderr)\n"
               "sys.exit(code)\n")


@pytest.fixture(scope="module")
def unpacked_wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out),
                    str(ROOT)], check=True, capture_output=True, timeout=600)
    [wheel] = out.glob("finops_kg-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(out / "site")
    return out / "site"


def run_from(site: Path, cache: Path, code: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(site), FINOPS_KG_CACHE=str(cache))
    env.pop("FINOPS_KG_RESOURCES", None)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          cwd=site, timeout=120)


def test_the_wheel_carries_the_dataset_of_its_own_sources(unpacked_wheel, tmp_path):
    bundled = unpacked_wheel / "finops_kg" / "_resources"
    assert (bundled / "dataset.nq").stat().st_size > 1_000_000
    key = run_from(unpacked_wheel, tmp_path, "from finops_kg.release.compiled import dataset_key; "
                   "import finops_kg; print(finops_kg.__file__); print(dataset_key())")
    package_file, computed = key.stdout.split()
    assert package_file.startswith(str(unpacked_wheel)), "the test must run the wheel's own code"
    assert (bundled / "dataset.key").read_text().strip() == computed


def test_a_fresh_install_answers_its_first_query_without_reasoning(unpacked_wheel, tmp_path):
    first = run_from(unpacked_wheel, tmp_path / "empty-cache", FIRST_QUERY)
    assert first.returncode == 0, first.stderr
    assert first.stderr.strip().splitlines()[-1] == "no rdflib"  # nothing was parsed or reasoned
    from_sources = subprocess.run([sys.executable, "-m", "finops_kg", "query",
                                   "personas-in-a-capability", "--param", "capability=Allocation",
                                   "--format", "csv"], capture_output=True, text=True, timeout=120)
    assert first.stdout == from_sources.stdout and len(first.stdout.splitlines()) == 22
