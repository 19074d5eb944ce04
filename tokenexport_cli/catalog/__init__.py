"""Catalog stage: locate versions, load YAML safely, validate, cache, and look things up."""

from tokenexport_cli.catalog.index import CatalogIndex
from tokenexport_cli.catalog.load import load_catalog, load_path
from tokenexport_cli.catalog.locate import list_versions, resolve_version
from tokenexport_cli.catalog.parse import CatalogInvalid

__all__ = [
    "CatalogIndex",
    "CatalogInvalid",
    "list_versions",
    "load_catalog",
    "load_path",
    "resolve_version",
]
