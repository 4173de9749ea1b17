"""Wheel build hook: compile the query dataset into the wheel, so a fresh install needs no reasoning.

It runs the project's own release.dataset on the sources being packaged and adds the N-Quads and
their content key as finops_kg/_resources/dataset.nq and dataset.key. Editable installs skip it:
they read the sources in place and compile the dataset into the cache on first use.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompiledDatasetHook(BuildHookInterface):
    """Add the compiled dataset to the wheel."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        """Compile the dataset and force-include it, unless this is an editable wheel."""
        if self.target_name != "wheel" or version == "editable":
            return
        root = Path(self.root)
        sys.path.insert(0, str(root / "src"))
        os.environ.pop("FINOPS_KG_RESOURCES", None)  # the sources being packaged, no others
        from finops_kg.release.compiled import dataset_key
        from finops_kg.release.dataset import build_dataset_quads

        folder = Path(tempfile.mkdtemp(prefix="finops-kg-wheel-"))
        (folder / "dataset.nq").write_bytes(build_dataset_quads())
        (folder / "dataset.key").write_text(dataset_key() + "\n")
        for name in ("dataset.nq", "dataset.key"):
            build_data["force_include"][str(folder / name)] = f"finops_kg/_resources/{name}"
