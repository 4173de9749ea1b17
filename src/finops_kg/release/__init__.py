"""Make a release: reason, validate, check hygiene, derive, assemble the dataset, build files."""
