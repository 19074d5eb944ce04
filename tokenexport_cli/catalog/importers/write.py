"""Write an import as a new catalog version folder or an overlay file, atomically: build in a
temporary sibling, fsync, validate with tokx's own loader, then rename into place."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec

from tokenexport_cli.atomic import fsync_dir
from tokenexport_cli.catalog.importers import flow
from tokenexport_cli.catalog.importers.additions import file_chunks
from tokenexport_cli.catalog.importers.match import ImportPlan
from tokenexport_cli.catalog.load import CatalogFiles
from tokenexport_cli.catalog.locate import VersionDir, release_date
from tokenexport_cli.errors import DataError, UsageError
from tokenexport_cli.safetext import clean, one_line
from tokenexport_cli.schema import CatalogFile
from tokenexport_cli.validation import SourceFile
from tokenexport_cli.yamlsafe import MAX_FILE_BYTES

HEADER = (
    "# Written by `tokx catalog import` / `tokx catalog sync`; prices are per million tokens.\n"
)
#: Above the entries an import adds (``flow``): what a reader of the file needs to know.
FLOW_NOTE = "# entries: one JSON object a line (a YAML flow mapping), fields that are set only\n"
TMP_PREFIX = ".tokx-tmp-"
OLD_PREFIX = ".tokx-old-"


def dump_yaml(data: dict[str, Any]) -> str:
    """Block-style YAML with exact decimals and ISO dates, readable by tokx's safe loader."""
    import yaml

    # libyaml's emitter when present: the pure-Python one takes ~2 ms an entry (issue 18)
    base: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

    class Dumper(base):
        def ignore_aliases(self, data: Any) -> bool:
            return True  # tokx's loader rejects anchors and aliases

    def decimal(dumper: yaml.SafeDumper, value: Decimal) -> Any:
        return dumper.represent_scalar("tag:yaml.org,2002:float", decimal_text(value))

    def date(dumper: yaml.SafeDumper, value: dt.date) -> Any:
        return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())

    Dumper.add_representer(Decimal, decimal)
    Dumper.add_representer(dt.date, date)
    Dumper.add_representer(tuple, Dumper.represent_list)
    text: str = yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=110)
    return text


def decimal_text(value: Decimal) -> str:
    """Exact fixed-point text with a dot (a float tag, read back as Decimal); ``normalize``
    would round to the context's 28 digits."""
    text = format(value, "f")
    if "." not in text:
        return text + ".0"
    text = text.rstrip("0")
    return text + "0" if text.endswith(".") else text


def plain(entry: msgspec.Struct) -> dict[str, Any]:
    """A schema object as YAML-ready builtins, leaving out empty and unset fields, its strings
    cleaned as tokx's loader cleans them (so the data is what the written text reads back as)."""
    raw = msgspec.to_builtins(entry, builtin_types=(Decimal, dt.date))
    return _drop_empty(raw)


def _drop_empty(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        kept = {}
        for key, item in value.items():
            if item is None or item == [] or item == ():
                continue
            kind = type(item)
            if kind is dict or kind is list or kind is tuple:
                item = _drop_empty(item)
            elif kind is str and not item.isprintable():
                item = clean(item)
            kept[key] = item
        return kept
    if kind is list or kind is tuple:
        return [_drop_empty(item) for item in value]
    if kind is str and not value.isprintable():
        return clean(value)
    return value


def check_version_name(name: str) -> None:
    if release_date(name) is None:
        raise UsageError(
            f"'{name}' is not a catalog version name (a date YYYY-MM-DD, optionally followed by "
            "'.name' of lowercase letters, digits, '.', '_' or '-')"
        )


@dataclass(frozen=True)
class BaseFiles:
    """The base version of an import: its folder, its files as read, and each data file's
    validated contents (parsed once, by the load that planned the import)."""

    version: VersionDir
    files: CatalogFiles
    contents: Mapping[Path, CatalogFile]


def write_version(plan: ImportPlan, base: BaseFiles, target: Path) -> Path:
    """Copy ``base`` with the plan applied into ``target`` (a new catalog version folder)."""
    check_version_name(target.name)
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    recover(parent)
    tmp = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{os.getpid()}-", dir=parent))
    try:
        os.chmod(tmp, 0o755)  # mkdtemp makes it private; a catalog is not a secret
        known = _build(plan, base, tmp, target.name)
        _validate(tmp, target.name, known)
        _swap(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def write_overlay(plan: ImportPlan, base: BaseFiles, target: Path) -> Path:
    """An overlay file with the imported offers and new models (overlays replace by key)."""
    if target.suffix not in (".yaml", ".yml"):
        raise UsageError(f"--to {target}: an overlay file must end in .yaml or .yml")
    sections: dict[str, list[Any]] = {"models": list(plan.models), "offers": list(plan.offers)}
    encoded, contents = next(file_chunks(sections, _head(plan), None, target))
    if len(encoded) > MAX_FILE_BYTES:
        raise UsageError(
            f"--to {target}: the overlay would be {len(encoded):,} bytes, over the "
            f"{MAX_FILE_BYTES:,} a catalog file may hold; write a version folder instead"
        )
    from tokenexport_cli.atomic import write_atomic
    from tokenexport_cli.catalog.load import compile_catalog

    # a bad overlay never replaces a good one: checked on the base with the entries validated
    # as written (``flow``), and the base files as the import's load parsed them
    overlay = SourceFile(target, encoded.decode("utf-8"))
    files = replace(base.files, overlays=(overlay,))
    compile_catalog(files, base.version.name, {**base.contents, target: contents})
    write_atomic(target, encoded, make_parents=True)
    return target


def describe(plan: ImportPlan) -> str:
    return (
        f"{plan.base_version} with prices imported from {plan.source.format} "
        f"({plan.source.location}) retrieved {plan.source.stamp}: {len(plan.replaced)} offers "
        f"replaced, {len(plan.added)} added, {len(plan.models)} models added"
    )


def _build(plan: ImportPlan, base: BaseFiles, tmp: Path, name: str) -> dict[Path, CatalogFile]:
    """Write the new version into ``tmp``; the validated contents of the data files written
    that need no parse: unchanged copies (the base's) and the additions (``flow``)."""
    from tokenexport_cli.yamlsafe import parse_yaml, read_text

    pending = {offer.key: offer for offer in plan.offers}
    stem = f"imported-{plan.source.format}"
    additions_name = f"{stem}.yaml"
    earlier = re.compile(rf"{re.escape(stem)}(?:-[0-9]+)?\.yaml")
    additions: dict[str, list[Any]] = {section: [] for section in flow.SECTION_TYPES}
    # each addition's line when it is kept as an earlier import wrote it (None: encode it)
    verbatim: dict[str, list[bytes | None]] = {section: [] for section in flow.SECTION_TYPES}
    texts = {source.path: source.text for source in base.files.data}
    had_additions = False
    known: dict[Path, CatalogFile] = {}
    root = base.version.path
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = path.relative_to(root).as_posix()
        out = tmp / relative
        out.parent.mkdir(parents=True, exist_ok=True)
        contents = base.contents.get(path)
        if relative == "manifest.yaml":
            manifest = parse_yaml(read_text(path), path)
            _write(out, HEADER + dump_yaml(_manifest(manifest, plan, name)))
            continue
        if contents is None:  # not a data file of the catalog
            _write_bytes(out, path.read_bytes())
            continue
        if earlier.fullmatch(relative):
            # an earlier import of this format (in one or more files): extend it, its entries
            # that stay as they are copied as written (validated when the base was loaded)
            lines = flow.entry_lines(texts[path], contents) or {}
            for section in additions:
                entries = list(getattr(contents, section))
                kept = list(lines.get(section, [None] * len(entries)))
                if section == "offers":
                    for index, offer in enumerate(entries):
                        if offer.key in pending:
                            entries[index], kept[index] = pending.pop(offer.key), None
                additions[section].extend(entries)
                verbatim[section].extend(kept)
            had_additions = True
        elif any(offer.key in pending for offer in contents.offers):
            data = parse_yaml(read_text(path), path)
            assert isinstance(data, dict) and isinstance(data.get("offers"), list)
            data["offers"] = [
                plain(pending.pop(key)) if key in pending else raw
                for key, raw in zip(
                    (offer.key for offer in contents.offers), data["offers"], strict=True
                )
            ]
            note = f"# rewritten from {base.version.name}/{relative}\n"
            _write(out, HEADER + note + dump_yaml(data))
        else:
            _write_bytes(out, path.read_bytes())
            known[out] = contents
    additions["models"].extend(plan.models)
    additions["offers"].extend(pending.values())
    verbatim["models"].extend([None] * len(plan.models))
    verbatim["offers"].extend([None] * len(pending))
    if any(additions.values()) or had_additions:
        where = tmp.parent / name / additions_name
        chunks = file_chunks(additions, _head(plan), MAX_FILE_BYTES - 4096, where, verbatim)
        for index, (encoded, contents) in enumerate(chunks):
            path = tmp / (additions_name if index == 0 else f"{stem}-{index + 1}.yaml")
            _write_bytes(path, encoded)
            known[path] = contents
    folders = {path.parent for path in tmp.rglob("*")} | {tmp}
    for folder in sorted(folders, key=lambda folder: -len(folder.parts)):
        fsync_dir(folder)
    return known


def _head(plan: ImportPlan) -> bytes:
    return (HEADER + f"# {one_line(describe(plan))}\n" + FLOW_NOTE + "schema_version: 1\n").encode()


def _manifest(manifest: Any, plan: ImportPlan, name: str) -> dict[str, Any]:
    if not isinstance(manifest, dict):
        raise DataError("base manifest.yaml is not a mapping")
    source_id = f"import-{plan.source.format}"
    sources = [
        s
        for s in manifest.get("sources") or ()
        if not (isinstance(s, dict) and s.get("id") == source_id)
    ]
    sources.append(
        {
            "id": source_id,
            "title": f"{plan.source.format} prices imported by tokx, retrieved {plan.source.stamp}",
            "url": plan.source.location,
            "as_of": plan.source.as_of,
        }
    )
    return {
        **manifest,
        "catalog_version": name,
        "released": plan.source.as_of,
        "description": describe(plan),
        "sources": sources,
    }


def _validate(folder: Path, name: str, known: dict[Path, CatalogFile]) -> None:
    """The new version loads: files rewritten are parsed, the rest checked from ``known``."""
    from tokenexport_cli.catalog.load import compile_catalog, read_files

    compile_catalog(read_files(VersionDir(name, folder, "synced")), name, known)


def _swap(tmp: Path, target: Path) -> None:
    """Rename into place; an existing version of the same name is moved aside first and is
    restored by ``recover`` if the process dies between the two renames."""
    if target.exists():
        old = target.parent / f"{OLD_PREFIX}{os.getpid()}-{target.name}"
        os.rename(target, old)
        try:
            os.rename(tmp, target)
        except BaseException:
            os.rename(old, target)
            raise
        fsync_dir(target.parent)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(tmp, target)
        fsync_dir(target.parent)


def recover(parent: Path) -> None:
    """Finish what a killed writer left: restore a moved-aside version, drop dead temp folders."""
    if os.name == "nt" or not parent.is_dir():
        return  # os.kill(pid, 0) would terminate the process on Windows
    for child in parent.iterdir():
        for prefix in (TMP_PREFIX, OLD_PREFIX):
            if not child.name.startswith(prefix):
                continue
            pid_text, _, rest = child.name[len(prefix) :].partition("-")
            if not pid_text.isdigit() or _alive(int(pid_text)):
                continue
            original = parent / rest
            if prefix == OLD_PREFIX and rest and not original.exists():
                os.rename(child, original)
            else:
                shutil.rmtree(child, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _write(path: Path, text: str) -> None:
    _write_bytes(path, text.encode("utf-8"))


def _write_bytes(path: Path, data: bytes) -> None:
    with path.open("wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
