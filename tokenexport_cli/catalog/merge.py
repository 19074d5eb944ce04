"""Merge a catalog version's files and the user's overlays into one Catalog, remembering where
each entry came from so that later checks can point at its line."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

import msgspec

from tokenexport_cli.catalog.parse import ParsedFile, SourceFile
from tokenexport_cli.schema import Catalog, Manifest

# section name -> the key that identifies an entry (None: entries are never replaced, only added)
KEYED_SECTIONS: dict[str, Callable[[Any], Hashable] | None] = {
    "fx": attrgetter("currency"),
    "models": attrgetter("id"),
    "providers": attrgetter("id"),
    "offers": attrgetter("key"),
    "benchmarks": None,
    "gpus": attrgetter("id"),
    "serving": attrgetter("id"),
    "market": None,
    "tokenizers": attrgetter("id"),
}


class Origin(msgspec.Struct, frozen=True):
    """Where an entry was defined: its file, section and index there. One is made for every
    entry of every load (a Struct: made in C) and its key path only when a problem needs it."""

    source: SourceFile
    section: str
    index: int

    @property
    def key_path(self) -> str:
        return f"{self.section}[{self.index}]"

    def problem(self, suffix: str, problem: str) -> str:
        key_path = f"{self.key_path}.{suffix}" if suffix else self.key_path
        return self.source.problem(key_path, problem)


@dataclass
class Merged:
    """Entries per section, each with its origin; the input to validation."""

    keyed: dict[str, dict[Hashable, tuple[Any, Origin]]] = field(
        default_factory=lambda: {name: {} for name, key in KEYED_SECTIONS.items() if key}
    )
    unkeyed: dict[str, list[tuple[Any, Origin]]] = field(
        default_factory=lambda: {name: [] for name, key in KEYED_SECTIONS.items() if not key}
    )
    problems: list[str] = field(default_factory=list)

    def section(self, name: str) -> list[tuple[Any, Origin]]:
        if name in self.keyed:
            return list(self.keyed[name].values())
        return self.unkeyed[name]


def _describe_key(key: Hashable) -> str:
    if isinstance(key, tuple):
        model, provider, region = key
        return f"offer of '{model}' by '{provider}'" + (f" in '{region}'" if region else "")
    return f"id '{key}'"


def merge_layers(
    layers: list[list[ParsedFile]], manifest_source: SourceFile, manifest: Manifest
) -> Merged:
    """Each layer is a set of files; a duplicate key inside a layer is an error, while a key
    repeated by a later layer (an overlay) replaces the earlier entry."""
    merged = Merged()
    for index, rate in enumerate(manifest.fx):
        merged.keyed["fx"][rate.currency] = (rate, Origin(manifest_source, "fx", index))
    for layer_number, layer in enumerate(layers):
        seen: dict[str, dict[Hashable, Origin]] = {name: {} for name in merged.keyed}
        if layer_number == 0:
            seen["fx"] = {key: origin for key, (_, origin) in merged.keyed["fx"].items()}
        for parsed in layer:
            for section, key_of in KEYED_SECTIONS.items():
                entries = getattr(parsed.data, section)
                if key_of is None:
                    merged.unkeyed[section] += [
                        (entry, Origin(parsed.source, section, index))
                        for index, entry in enumerate(entries)
                    ]
                    continue
                seen_keys, keyed = seen[section], merged.keyed[section]
                for index, entry in enumerate(entries):
                    origin = Origin(parsed.source, section, index)
                    key = key_of(entry)
                    first = seen_keys.get(key)
                    if first is not None:
                        merged.problems.append(
                            origin.problem(
                                "",
                                (
                                    f"duplicate {_describe_key(key)}, already defined in "
                                    f"{first.source.path.name} at {first.key_path}"
                                ),
                            )
                        )
                        continue
                    seen_keys[key] = origin
                    keyed[key] = (entry, origin)
    return merged


def build_catalog(merged: Merged, manifest: Manifest, overlays: tuple[str, ...]) -> Catalog:
    sections = {name: tuple(entry for entry, _ in merged.section(name)) for name in KEYED_SECTIONS}
    return Catalog(
        version=manifest.catalog_version,
        released=manifest.released,
        sources=manifest.sources,
        overlays=overlays,
        **sections,
    )
