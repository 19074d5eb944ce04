"""Packaging and CI contract: the distribution's own name, one version, no instruction anywhere
that installs the unrelated `tokx` from the package index, the README's test command is what
.ci/run runs, and constraints.txt pins every dependency."""

from __future__ import annotations

import importlib.metadata
import os
import re
import shlex
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tokenexport_cli import __version__
from tokenexport_cli.cli import app

REPO = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
README = (REPO / "README.md").read_text(encoding="utf-8")
DISTRIBUTION = "tokenexport-cli"
FOREIGN = "tokx"  # the name on the package index that belongs to an unrelated project

# --- the matcher: an install command naming the foreign distribution --------------------------

_SEPARATOR = r"""[\s"',\[]+"""  # shell words, or a Python/JSON argument list
_INSTALL = re.compile(
    rf"""(?<![\w-])(?:pip(?:3(?:\.\d+)?)?|pipx|pipenv|uv{_SEPARATOR}tool){_SEPARATOR}install\b
    |(?<![\w-])(?:uv|poetry){_SEPARATOR}add\b""",
    re.IGNORECASE | re.VERBOSE,
)
# a command's arguments end at a shell separator, a closing backtick (markdown) or parenthesis,
# and at a shell comment (cut off below)
_ARGUMENTS = re.compile(r"[^\n;&|`)]*")
_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")


def _requirement_name(word: str) -> str | None:
    """The normalised distribution name a command-line word asks for, or None for an option, a
    path or a URL."""
    word = word.strip("\"'")
    name = _NAME.match(word)
    if name is None or word[name.end() : name.end() + 1] in ("/", "\\", ":"):
        return None
    return re.sub(r"[-_.]+", "-", name.group()).lower()


def foreign_installs(text: str) -> list[str]:
    """Every install command in ``text`` that would fetch the foreign ``tokx`` by name."""
    text = text.replace("\\\n", " ")  # shell line continuations
    found = []
    for command in _INSTALL.finditer(text):
        arguments = _ARGUMENTS.match(text, command.end())
        assert arguments is not None
        words = re.split(r"[\s,\]]+", re.split(r"\s#", arguments.group())[0])
        if any(_requirement_name(word) == FOREIGN for word in words if word):
            found.append((command.group() + arguments.group()).strip())
    return found


# Written with {name} so that this file passes its own scan.
FOREIGN_SPELLINGS = [
    "pip install {name}",
    "pip install -U {name}",
    "pip install --upgrade {name}",
    'pip install "{name}[fast]"',
    "pip install '{name}[fast,test]'",
    "pip install {name}==0.1.1",
    "pip3 install {name}>=0.1",
    "PIP INSTALL {NAME}",
    "python -m pip install {name}",
    "python3 -m pip install -q --upgrade pip {name}",
    "pipx install {name}",
    "uv pip install {name}",
    "uv tool install {name}",
    "uv add {name}",
    "run: python -m pip install \\\n    {name}",
    "- **Fast path.** `pip install '{name}[fast]'` adds quicktok-v1",
    'subprocess.run(["pip", "install", "{name}"])',
]
OWN_SPELLINGS = [
    "pip install tokenexport-cli",
    "pip install 'tokenexport-cli[fast]'",
    "pip install .",
    "pip install -e '.[test]'",
    "python3 -m pip install -c constraints.txt -e '.[test]' && python3 -m pytest",
    "python3 -m pip install '.[fast]'",
    "python -m pip install /path/to/{name}",
    "python -m pip install ./{name}",
    'python -m pip install "tokenexport-cli @ git+https://example.org/{name}.git@abc123"',
    "pip install {name}-budget-helper",
    "pip install -r requirements.txt  # then run {name} estimate",
    "`pip install .` installs the {name} command",
    "reinstall {name}",
]


@pytest.mark.parametrize("spelling", FOREIGN_SPELLINGS)
def test_matcher_catches_every_spelling_of_installing_the_foreign_name(spelling: str) -> None:
    text = spelling.format(name=FOREIGN, NAME=FOREIGN.upper())
    assert len(foreign_installs(f"Before.\n{text}\nAfter.\n")) == 1


@pytest.mark.parametrize("spelling", OWN_SPELLINGS)
def test_matcher_accepts_installing_this_project(spelling: str) -> None:
    assert foreign_installs(spelling.format(name=FOREIGN)) == []


# --- the scan ----------------------------------------------------------------------------------

_SKIPPED_DIRS = {".git", "__pycache__", "node_modules", "build", "dist", ".tox", ".nox"}


def _walk(root: Path) -> Iterator[Path]:
    """Every file under ``root`` minus VCS data, caches and virtualenvs (no git available)."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = [
            name
            for name in dirs
            if name not in _SKIPPED_DIRS
            and not name.endswith((".egg-info", "_cache"))
            and not name.startswith((".venv", "venv"))
            and not (Path(folder) / name / "pyvenv.cfg").exists()
        ]
        yield from (Path(folder) / name for name in files)


def project_files() -> list[Path]:
    """The files git tracks (plus new ones it does not ignore), else a walk of the tree."""
    if (REPO / ".git").exists():
        try:
            listed = subprocess.run(
                ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                cwd=REPO,
                capture_output=True,
                check=True,
            ).stdout
            return [REPO / os.fsdecode(name) for name in listed.split(b"\0") if name]
        except (OSError, subprocess.CalledProcessError):
            pass
    return list(_walk(REPO))


def _text(path: Path) -> str | None:
    try:
        data = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError):  # deleted but still tracked, or a submodule
        return None
    if b"\0" in data[:8192]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def test_no_file_installs_the_foreign_tokx_from_the_index() -> None:
    scanned, offenders = set(), []
    for path in project_files():
        text = _text(path)
        if text is None:
            continue
        scanned.add(path.relative_to(REPO).as_posix())
        offenders += [f"{path.relative_to(REPO)}: {hit}" for hit in foreign_installs(text)]
    assert {
        "README.md",
        "examples/ci/.github/workflows/tokx-budget.yml",
        "examples/ci/.pre-commit-config.yaml",
        "tokenexport_cli/cli/tokens_cmd.py",
    } <= scanned
    assert offenders == []


def test_example_workflow_installs_this_project_by_its_own_name() -> None:
    workflow = (REPO / "examples/ci/.github/workflows/tokx-budget.yml").read_text()
    installs = [line for line in workflow.splitlines() if re.search(r"\bpip install\b", line)]
    assert installs and all(f'"{DISTRIBUTION} @ ' in line for line in installs)


# --- name, entry point and version ------------------------------------------------------------


def test_distribution_name_and_console_script() -> None:
    project = PYPROJECT["project"]
    assert project["name"] == DISTRIBUTION
    assert project["scripts"] == {"tokx": "tokenexport_cli.cli:main"}
    # the version is written once, in the package, and the build reads it from there
    assert "version" not in project and "version" in project["dynamic"]
    assert PYPROJECT["tool"]["hatch"]["version"]["path"] == "tokenexport_cli/__init__.py"


def test_version_flag_prints_the_package_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert re.fullmatch(rf"tokx {re.escape(__version__)} \(default catalog \S+\)\n", result.stdout)


def test_installed_metadata_and_python_m_agree_with_the_package_version() -> None:
    try:
        installed = importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        pytest.skip(f"{DISTRIBUTION} is not installed (tests run from a bare source tree)")
    assert installed == __version__
    done = subprocess.run(
        [sys.executable, "-m", "tokenexport_cli", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"tokx {__version__} (default catalog ")


# --- the README's commands, .ci/run and constraints.txt ---------------------------------------


def readme_commands() -> list[str]:
    return re.findall(r"^```sh\n(.*?)\n```$", README, flags=re.MULTILINE | re.DOTALL)


def test_readme_opens_with_install_and_test_commands_and_ci_runs_the_test_one() -> None:
    install, test_command, *rest = readme_commands()
    assert install.startswith("python3 -m pip install . && tokx ")
    assert test_command == "python3 -m pip install -e '.[test]' && python3 -m pytest"
    ci_run = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assigned = [
        shlex.split(line)[0].partition("=")[2]
        for line in ci_run
        if line.startswith("readme_test_command=")
    ]
    assert assigned == [test_command]
    assert 'bash -c "$readme_test_command"' in ci_run
    # the pinned reproduction is the same command with the constraints file added
    pinned = test_command.replace(" install ", " install -c constraints.txt ", 1)
    assert pinned in rest


def _pinned(requirement: str) -> str:
    return _requirement_name(requirement) or ""


def test_constraints_pin_every_dependency_and_extra() -> None:
    lines = (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines()
    pins = [line for line in lines if line.strip() and not line.startswith("#")]
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+==[A-Za-z0-9.+!-]+", pin) for pin in pins), pins
    pinned = {_pinned(pin) for pin in pins}
    project = PYPROJECT["project"]
    wanted = {_pinned(requirement) for requirement in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        wanted |= {_pinned(requirement) for requirement in extra}
    assert wanted - pinned == set()
    assert DISTRIBUTION not in pinned and {"pip", "setuptools", "wheel"}.isdisjoint(pinned)
