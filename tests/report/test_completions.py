"""Shell completion: committed scripts match the generator, bash completes for real, and the
dynamic completers read the catalog quickly without tokenizers or the network."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tokenexport_cli.cli.complete import (
    complete_benchmark,
    complete_catalog_version,
    complete_currency,
    complete_model,
    complete_path_kind,
    complete_provider,
    complete_tokenizer,
)

REPO = Path(__file__).resolve().parents[2]
BASH = shutil.which("bash")
needs_bash = pytest.mark.skipif(BASH is None, reason="bash is not installed")


def ctx(**params: Any) -> Any:
    """A stand-in for the click context: what the user typed before the word being completed."""
    return SimpleNamespace(params=params, parent=None)


def values(found: list[tuple[str, str]]) -> list[str]:
    return [value for value, _ in found]


def test_committed_scripts_match_freshly_generated_ones() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "gen_completions.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    bash = (REPO / "completions" / "tokx.bash").read_text(encoding="utf-8")
    assert "complete -o default -F _tokx_completion tokx" in bash
    assert (REPO / "completions" / "_tokx").read_text(encoding="utf-8").startswith("#compdef tokx")
    assert "complete --command tokx" in (REPO / "completions" / "tokx.fish").read_text()


def bash_complete(words: list[str], tmp_path: Path) -> list[str]:
    """Source completions/tokx.bash in a clean bash, complete the last word, return COMPREPLY."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    shim = bin_dir / "tokx"  # what the console script does, for the repo's code
    shim.write_text(
        f'#!/bin/sh\nexec "{sys.executable}" -c '
        '"from tokenexport_cli.cli import app; app(prog_name=\'tokx\')" "$@"\n'
    )
    shim.chmod(0o755)
    quoted = " ".join(f"'{word}'" for word in words)
    script = (
        f"source '{REPO / 'completions' / 'tokx.bash'}'\n"
        "complete -p tokx\n"
        f"COMP_WORDS=({quoted}); COMP_CWORD={len(words) - 1}\n"
        f"_tokx_completion tokx '{words[-1]}' '{words[-2]}'\n"
        "printf 'reply:%s\\n' \"${COMPREPLY[@]}\"\n"
    )
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    env["PYTHONPATH"] = str(REPO)
    assert BASH is not None
    done = subprocess.run(
        [BASH, "--norc", "--noprofile", "-c", script],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "complete -o default -F _tokx_completion tokx"
    return [line.removeprefix("reply:") for line in lines[1:] if line != "reply:"]


@needs_bash
def test_bash_completes_command_names(tmp_path: Path) -> None:
    assert bash_complete(["tokx", "est"], tmp_path) == ["estimate"]
    assert bash_complete(["tokx", "catalog", "v"], tmp_path) == ["validate", "versions"]


def compare_model_is_wired() -> bool:
    import typer

    from tokenexport_cli.cli import app

    compare = typer.main.get_command(app).commands["compare"]  # type: ignore[attr-defined]
    model = next(param for param in compare.params if param.name == "model")
    return model._custom_shell_complete is not None


@needs_bash
def test_bash_completes_model_ids_for_compare(tmp_path: Path) -> None:
    if not compare_model_is_wired():
        pytest.skip("compare's MODEL argument has no autocompletion= yet (complete_model)")
    found = bash_complete(["tokx", "compare", "deeps"], tmp_path)
    assert "deepseek-v3.2" in found
    assert found and all(value.startswith("deepseek-") for value in found)


def test_model_completion_offers_deepseek_ids_on_the_bundled_catalog() -> None:
    found = values(complete_model(ctx(), "deeps"))
    assert "deepseek-v3.2" in found
    assert all(value.startswith("deepseek-") for value in found)  # ids only: no alias clutter
    assert found == sorted(found)


def test_completers_on_the_fixture_catalog(fixture_root: Path) -> None:
    assert complete_model(ctx(), "") == [
        ("alpha-1", "Alpha One"),
        ("beta-2", "Beta Two"),
        ("gamma-ultra", "Gamma Ultra"),
    ]
    assert complete_model(ctx(), "ALPHA-O") == [("alpha-one", "alias of alpha-1")]
    assert values(complete_model(ctx(), "beta-2,al")) == ["beta-2,alpha-1"]
    assert values(complete_provider(ctx(), "")) == ["alphalab", "betaai", "router"]
    assert complete_provider(ctx(), "r") == [("router", "Router (aggregator)")]
    assert complete_tokenizer(ctx(), "") == [
        ("approx-beta", "approximate, from o200k_base"),
        ("o200k_base", "exact"),
    ]
    assert complete_catalog_version("") == [("2026-03-01", "bundled"), ("2026-01-01", "bundled")]
    assert values(complete_path_kind("")) == [
        "direct",
        "aggregator",
        "platform",
        "hyperscaler",
        "selfhost",
    ]
    assert values(complete_path_kind("direct,a")) == ["direct,aggregator"]
    assert values(complete_benchmark(ctx(), "g")) == ["gpqa-diamond="]
    assert complete_benchmark(ctx(), "gpqa-diamond=") == []
    assert values(complete_currency(ctx(), "")) == ["USD", "CNY"]


def test_completion_follows_catalog_options_typed_earlier(
    fixture_root: Path, tmp_path: Path
) -> None:
    overlay = tmp_path / "mine.yaml"
    overlay.write_text(
        "models:\n  - id: zeta-9\n    name: Zeta Nine\n    vendor: Z\n    origin: US\n"
        "    open_weights: true\n    tokenizer: o200k_base\n    source: mine\n"
        "    as_of: 2026-01-01\n",
        encoding="utf-8",
    )
    assert complete_model(ctx(), "z") == []
    assert complete_model(ctx(catalog=[str(overlay)]), "z") == [("zeta-9", "Zeta Nine")]
    child: Any = SimpleNamespace(params={}, parent=ctx(catalog_version="2026-01-01"))
    assert values(complete_model(child, "a")) == ["alpha-1"]


def test_completion_is_silent_when_the_catalog_is_broken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOKX_CATALOG_ROOT", str(tmp_path / "nothing-here"))
    assert complete_model(ctx(), "") == []
    assert complete_provider(ctx(), "") == []
    assert complete_catalog_version("") == []
    assert complete_model(ctx(catalog_version="1999-01-01"), "") == []


def test_completion_never_loads_tokenizers_or_the_network_stack() -> None:
    probe = (
        "import os, sys\n"
        "os.environ.update(_TOKX_COMPLETE='complete_bash', COMP_WORDS='tokx compare deeps',"
        " COMP_CWORD='2')\n"
        "from tokenexport_cli.cli import app\n"
        "from tokenexport_cli.cli import complete\n"
        "try:\n"
        "    app(prog_name='tokx')\n"
        "except SystemExit:\n"
        "    pass\n"
        "for name in dir(complete):\n"
        "    if name.startswith('complete_'):\n"
        "        func = getattr(complete, name)\n"
        "        func('') if func.__code__.co_argcount == 1 else func(None, '')\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('tiktoken', 'tokenizers', 'httpx', 'quicktok_v1'))\n"
        "print('heavy:', heavy, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "heavy: []" in done.stderr.splitlines()
