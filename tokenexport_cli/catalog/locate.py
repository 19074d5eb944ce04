"""Where catalog versions live (bundled with tokx, or synced into the user data dir) and which
one a command uses."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path

from tokenexport_cli.errors import UsageError

VERSION_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})([._-][a-z0-9._-]+)?$")


@dataclass(frozen=True)
class VersionDir:
    """A catalog version folder; ``name`` starts with its release date, so names sort by age."""

    name: str
    path: Path
    origin: str  # "bundled" or "synced"

    @property
    def released(self) -> dt.date:
        date = release_date(self.name)
        assert date is not None  # list_versions only lists valid names
        return date


def release_date(name: str) -> dt.date | None:
    """The date a version name starts with, or None when the name is not a version's (a
    folder named ``2026-02-30.x`` is not one: the date does not exist)."""
    from tokenexport_cli.dates import DateProblem, parse_date

    match = VERSION_NAME.match(name)
    if match is None:
        return None
    try:
        return parse_date(match.group(1))
    except DateProblem:
        return None


def bundled_root() -> Path:
    """The catalogs shipped with tokx (inside the wheel, or the source tree's ``catalogs/``),
    or the folder named by ``TOKX_CATALOG_ROOT`` (an air-gapped mirror, or a test fixture)."""
    override = os.environ.get("TOKX_CATALOG_ROOT")
    if override:
        return Path(override)
    package_dir = Path(__file__).resolve().parent.parent
    inside_wheel = package_dir / "catalogs"
    if inside_wheel.is_dir():
        return inside_wheel
    return package_dir.parent / "catalogs"


def synced_root() -> Path:
    from tokenexport_cli.userdirs import data_dir

    return data_dir() / "catalogs"


def list_versions() -> list[VersionDir]:
    """Every catalog version, oldest first. A synced version shadows a bundled one of the same name."""
    found: dict[str, VersionDir] = {}
    for origin, root in (("bundled", bundled_root()), ("synced", synced_root())):
        if not root.is_dir():
            continue
        for child in root.iterdir():
            if release_date(child.name) and (child / "manifest.yaml").is_file():
                found[child.name] = VersionDir(child.name, child, origin)
    return [found[name] for name in sorted(found)]


def resolve_version(version: str | None = None, as_of: dt.date | None = None) -> VersionDir:
    """The version named, or the newest one released on or before ``as_of``, or the newest."""
    versions = list_versions()
    if not versions:
        raise UsageError(f"no catalog versions found under {bundled_root()} or {synced_root()}")
    if version is not None:
        for candidate in versions:
            if candidate.name == version:
                return candidate
        from tokenexport_cli.suggest import did_you_mean

        names = [v.name for v in versions]
        hint = did_you_mean(version, names, limit=1)
        raise UsageError(
            f"unknown catalog version '{version}'{hint} (available: {', '.join(names)})"
        )
    if as_of is not None:
        eligible = [v for v in versions if v.released <= as_of]
        if not eligible:
            raise UsageError(
                f"no catalog version released on or before {as_of.isoformat()} "
                f"(oldest is {versions[0].name})"
            )
        return eligible[-1]
    return versions[-1]
