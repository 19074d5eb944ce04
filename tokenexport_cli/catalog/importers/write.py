"""Write an import as a new catalog version folder or an overlay file, atomically: build in a
temporary sibling, fsync, validate with tokx's own loader, then rename into place."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec

from tokenexport_cli.atomic import fsync_dir
from tokenexport_cli.catalog.importers import emit
from tokenexport_cli.catalog.importers.match import ImportPlan, OfferKey
from tokenexport_cli.catalog.locate import VersionDir, release_date
from tokenexport_cli.errors import DataError, UsageError
from tokenexport_cli.safetext import clean
from tokenexport_cli.yamlsafe import MAX_FILE_BYTES

HEADER = (
    "# Written by `tokx catalog import` / `tokx catalog sync`; prices are per million tokens.\n"
)
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
        return dumper.represent_scalar("tag:yaml.org,2002:float", emit.decimal_text(value))

    def date(dumper: yaml.SafeDumper, value: dt.date) -> Any:
        return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())

    Dumper.add_representer(Decimal, decimal)
    Dumper.add_representer(dt.date, date)
    Dumper.add_representer(tuple, Dumper.represent_list)
    text: str = yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=110)
    return text


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


def write_version(plan: ImportPlan, base: VersionDir, target: Path) -> Path:
    """Copy ``base`` with the plan applied into ``target`` (a new catalog version folder)."""
    check_version_name(target.name)
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    recover(parent)
    tmp = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{os.getpid()}-", dir=parent))
    try:
        os.chmod(tmp, 0o755)  # mkdtemp makes it private; a catalog is not a secret
        written = _build(plan, base, tmp, target.name)
        _validate(tmp, target.name, written)
        _swap(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def write_overlay(plan: ImportPlan, base: VersionDir, target: Path) -> Path:
    """An overlay file with the imported offers and new models (overlays replace by key)."""
    if target.suffix not in (".yaml", ".yml"):
        raise UsageError(f"--to {target}: an overlay file must end in .yaml or .yml")
    data: dict[str, Any] = {"schema_version": 1}
    if plan.models:
        data["models"] = [plain(model) for model in plan.models]
    data["offers"] = [plain(offer) for offer in plan.offers]
    text = HEADER + f"# {describe(plan)}\n" + emit.document(data)
    encoded = text.encode("utf-8")
    if len(encoded) > MAX_FILE_BYTES:
        raise UsageError(
            f"--to {target}: the overlay would be {len(encoded):,} bytes, over the "
            f"{MAX_FILE_BYTES:,} a catalog file may hold; write a version folder instead"
        )
    from tokenexport_cli.atomic import write_atomic
    from tokenexport_cli.catalog.load import compile_catalog, read_files
    from tokenexport_cli.validation import SourceFile

    # a bad overlay never replaces a good one: checked on the base from the data the text was
    # written from (emit's output reads back to it), not by parsing the text again
    files = read_files(base)
    overlay = SourceFile(target, text)
    compile_catalog(replace(files, overlays=(overlay,)), base.name, {target: data})
    write_atomic(target, encoded, make_parents=True)
    return target


def describe(plan: ImportPlan) -> str:
    return (
        f"{plan.base_version} with prices imported from {plan.source.format} "
        f"({plan.source.location}) retrieved {plan.source.stamp}: {len(plan.replaced)} offers "
        f"replaced, {len(plan.added)} added, {len(plan.models)} models added"
    )


def _offer_key(raw: Any) -> OfferKey | None:
    if not isinstance(raw, dict):
        return None
    return (str(raw.get("model")), str(raw.get("provider")), str(raw.get("region") or ""))


def _build(plan: ImportPlan, base: VersionDir, tmp: Path, name: str) -> dict[Path, Any]:
    """Write the new version into ``tmp``; the additions files written, with their data."""
    from tokenexport_cli.yamlsafe import parse_yaml, read_text

    pending = {offer.key: offer for offer in plan.offers}
    stem = f"imported-{plan.source.format}"
    additions_name = f"{stem}.yaml"
    earlier = re.compile(rf"{re.escape(stem)}(?:-[0-9]+)?\.yaml")
    additions: dict[str, Any] = {"schema_version": 1}
    had_additions = False
    for path in sorted(p for p in base.path.rglob("*") if p.is_file()):
        relative = path.relative_to(base.path).as_posix()
        out = tmp / relative
        out.parent.mkdir(parents=True, exist_ok=True)
        if relative == "manifest.yaml":
            manifest = parse_yaml(read_text(path), path)
            _write(out, HEADER + dump_yaml(_manifest(manifest, plan, name)))
            continue
        if path.suffix != ".yaml":
            _write_bytes(out, path.read_bytes())
            continue
        data = parse_yaml(read_text(path), path)
        offers = data.get("offers") if isinstance(data, dict) else None
        keys = [_offer_key(raw) for raw in offers] if isinstance(offers, list) else []
        touched = any(key in pending for key in keys)
        if touched:
            assert isinstance(data, dict) and isinstance(offers, list)
            data["offers"] = [
                plain(pending.pop(key)) if key in pending else raw
                for key, raw in zip(keys, offers, strict=True)
            ]
        if earlier.fullmatch(relative) and isinstance(data, dict):
            # an earlier import of this format (in one or more files): extend it
            for key, value in data.items():
                if isinstance(value, list) and isinstance(additions.get(key), list):
                    additions[key] = additions[key] + value
                else:
                    additions[key] = value
            had_additions = True
        elif touched:
            note = f"# rewritten from {base.name}/{relative}\n"
            _write(out, HEADER + note + dump_yaml(data))
        else:
            _write_bytes(out, path.read_bytes())
    new_models = [plain(model) for model in plan.models]
    new_offers = [plain(offer) for offer in pending.values()]
    additions["models"] = list(additions.get("models") or ()) + new_models
    additions["offers"] = list(additions.get("offers") or ()) + new_offers
    written: dict[Path, Any] = {}
    if additions["models"] or additions["offers"] or had_additions:
        body = {key: value for key, value in additions.items() if value != []}
        for index, (text, chunk) in enumerate(_chunks(body, HEADER + f"# {describe(plan)}\n")):
            path = tmp / (additions_name if index == 0 else f"{stem}-{index + 1}.yaml")
            _write(path, text)
            written[path] = chunk
    folders = {path.parent for path in tmp.rglob("*")} | {tmp}
    for folder in sorted(folders, key=lambda folder: -len(folder.parts)):
        fsync_dir(folder)
    return written


def _chunks(body: dict[str, Any], header: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """The additions as files under ``MAX_FILE_BYTES`` each (the reader's limit): top-level
    scalars and the first entries in the first file, the rest in as few files as they fit."""
    limit = MAX_FILE_BYTES - 4096
    chunk = {key: value for key, value in body.items() if not isinstance(value, list)}
    text = [header + emit.document(chunk)]
    size, entries = len(text[0].encode()), 0
    for key, values in body.items():
        if not isinstance(values, list):
            continue
        for value in values:
            item = emit.entry(value)
            item_size = len(item.encode()) + len(key) + 2
            if entries and size + item_size > limit:
                yield "".join(text), chunk
                text, size, chunk, entries = [header], len(header.encode()), {}, 0
            if key not in chunk:
                text.append(f"{key}:\n")
                chunk[key] = []
            text.append(item)
            chunk[key].append(value)
            size, entries = size + item_size, entries + 1
    yield "".join(text), chunk


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


def _validate(folder: Path, name: str, written: dict[Path, Any]) -> None:
    """The new version loads; the additions are checked from the data they were written from."""
    from tokenexport_cli.catalog.load import compile_catalog, read_files

    compile_catalog(read_files(VersionDir(name, folder, "synced")), name, written)


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
