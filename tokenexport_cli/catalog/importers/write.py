"""Write an import as a new catalog version folder or an overlay file, atomically: build in a
temporary sibling, fsync, validate with tokx's own loader, then rename into place."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec

from tokenexport_cli.atomic import fsync_dir
from tokenexport_cli.catalog.importers.match import ImportPlan, OfferKey
from tokenexport_cli.catalog.locate import VERSION_NAME, VersionDir
from tokenexport_cli.errors import DataError, UsageError

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
        text = format(value.normalize(), "f")
        return dumper.represent_scalar(
            "tag:yaml.org,2002:float", text if "." in text else text + ".0"
        )

    def date(dumper: yaml.SafeDumper, value: dt.date) -> Any:
        return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())

    Dumper.add_representer(Decimal, decimal)
    Dumper.add_representer(dt.date, date)
    Dumper.add_representer(tuple, Dumper.represent_list)
    text: str = yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=110)
    return text


def plain(entry: msgspec.Struct) -> dict[str, Any]:
    """A schema object as YAML-ready builtins, leaving out empty and unset fields."""
    raw = msgspec.to_builtins(entry, builtin_types=(Decimal, dt.date))
    return _drop_empty(raw)


def _drop_empty(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: _drop_empty(v) for k, v in value.items() if v is not None and v != [] and v != ()
        }
    if isinstance(value, (list, tuple)):
        return [_drop_empty(item) for item in value]
    return value


def check_version_name(name: str) -> None:
    if not VERSION_NAME.match(name):
        raise UsageError(
            f"'{name}' is not a catalog version name (YYYY-MM-DD, optionally followed by "
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
        _build(plan, base, tmp, target.name)
        _validate(tmp, target.name)
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
    text = HEADER + f"# {describe(plan)}\n" + dump_yaml(data)
    from tokenexport_cli.atomic import write_atomic
    from tokenexport_cli.catalog.load import compile_catalog, read_files

    def loads_on_base(written: Path) -> None:  # a bad overlay never replaces a good one
        compile_catalog(read_files(base, (written,)), base.name)

    write_atomic(target, text.encode("utf-8"), check=loads_on_base, make_parents=True)
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


def _build(plan: ImportPlan, base: VersionDir, tmp: Path, name: str) -> None:
    from tokenexport_cli.yamlsafe import parse_yaml, read_text

    pending = {offer.key: offer for offer in plan.offers}
    additions_name = f"imported-{plan.source.format}.yaml"
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
        if relative == additions_name and isinstance(data, dict):
            additions = {**additions, **data}  # an earlier import of this format: extend it
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
    if additions["models"] or additions["offers"] or had_additions:
        body = {key: value for key, value in additions.items() if value != []}
        _write(tmp / additions_name, HEADER + f"# {describe(plan)}\n" + dump_yaml(body))
    folders = {path.parent for path in tmp.rglob("*")} | {tmp}
    for folder in sorted(folders, key=lambda folder: -len(folder.parts)):
        fsync_dir(folder)


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


def _validate(folder: Path, name: str) -> None:
    from tokenexport_cli.catalog.load import compile_catalog, read_files

    compile_catalog(read_files(VersionDir(name, folder, "synced")), name)


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
