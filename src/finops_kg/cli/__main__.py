"""Run the finops-kg command line as `python -m finops_kg.cli`."""

from finops_kg.cli import main

raise SystemExit(main())
