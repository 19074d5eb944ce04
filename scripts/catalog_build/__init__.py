"""Build tokx catalog versions from the reference data (see scripts/build_catalog.py)."""
