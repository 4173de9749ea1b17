"""Run one fuzz target for a while: a fresh working corpus first, then the seed corpora.

    python tests/fuzz/run.py TARGET [--runs N] [--seconds S] [--crashes DIR]

libFuzzer adds the inputs it finds to the first corpus folder, so that one is a temporary
folder and the seeds (tests/data/fuzz-corpus/TARGET, plus the project files of that kind) are
only read. A crash is written to DIR (default: a temporary folder) and the exit status is
libFuzzer's: 0 when no input crashed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SEEDS = {  # the project's own files of each kind, read as further seeds
    "rq_header": [ROOT / "queries"],
    "sssom": [ROOT / "tests" / "data" / "mappings", ROOT / "data" / "mappings"],
    "binding": [],
    "assessment": [],
    "endpoint": [],
}
TARGETS = tuple(SEEDS)


def command(target: str, corpus: Path, runs: int, seconds: int, crashes: Path) -> list[str]:
    """Return the command line that fuzzes target with these limits."""
    seeds = [ROOT / "tests" / "data" / "fuzz-corpus" / target, *SEEDS[target]]
    return [sys.executable, str(HERE / f"fuzz_{target}.py"), f"-runs={runs}",
            f"-max_total_time={seconds}", "-timeout=20", "-rss_limit_mb=3072",
            f"-artifact_prefix={crashes}/{target}-", "-print_final_stats=1",
            str(corpus), *(str(path) for path in seeds if path.is_dir())]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", choices=TARGETS)
    parser.add_argument("--runs", type=int, default=-1, help="inputs to try (-1: no limit)")
    parser.add_argument("--seconds", type=int, default=60, help="time to fuzz for")
    parser.add_argument("--crashes", type=Path, help="the folder crashing inputs go to")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix=f"fuzz-{args.target}-") as work:
        crashes = args.crashes or Path(work) / "crashes"
        crashes.mkdir(parents=True, exist_ok=True)
        corpus = Path(work) / "corpus"
        corpus.mkdir()
        return subprocess.run(command(args.target, corpus, args.runs, args.seconds, crashes),
                              cwd=work).returncode


if __name__ == "__main__":
    sys.exit(main())
