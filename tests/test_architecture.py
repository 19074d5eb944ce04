"""The package's shape: no import cycles, small modules, a core that never imports the CLI."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "tokenexport_cli"
NAME = "tokenexport_cli"
MAX_MODULE_LINES = 400


def module_files() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Every import of a package module by another, at any level (``TYPE_CHECKING`` and
    function-local imports included: a cycle there is still a design cycle)."""
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package
                    for _ in range(node.level - 1):
                        anchor = anchor.rpartition(".")[0]
                    base = f"{anchor}.{base}" if base else anchor
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                    for alias in node.names
                ]
            for target in targets:
                if target.startswith(NAME):
                    found = _resolve(target, modules)
                    if found and found != name:
                        graph[name].add(found)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_package_has_no_import_cycle() -> None:
    modules = module_files()
    assert len(modules) > 50  # the walk found the package
    assert cycles(import_graph(modules)) == []


def test_no_hand_written_module_is_over_400_lines() -> None:
    long = {
        name: lines
        for name, path in module_files().items()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_only_cli_and_render_import_typer_or_rich() -> None:
    offenders = []
    for name, path in module_files().items():
        if name.startswith((f"{NAME}.cli", f"{NAME}.render")):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            offenders += [f"{name}: {n}" for n in names if n.split(".")[0] in ("typer", "rich")]
    assert offenders == []


def test_the_python_api_runs_without_typer_or_rich() -> None:
    """Every command's core function can be called from Python; none pulls in the CLI."""
    code = (
        "import sys\n"
        "from decimal import Decimal\n"
        "from tokenexport_cli.api.choices import WorkloadChoice\n"
        "from tokenexport_cli.api.cost import EstimateRequest, estimate\n"
        "import tokenexport_cli.api.budget, tokenexport_cli.api.catalog, "
        "tokenexport_cli.api.report, tokenexport_cli.api.tokens\n"
        "work = WorkloadChoice(input_tokens=1000, output_tokens=100, "
        "requests_per_month=Decimal(1000))\n"
        "result = estimate(EstimateRequest(workload=work, models=('gpt-oss-20b',)))\n"
        "print(len(result.estimate.lines) > 0, "
        "sorted(m for m in ('typer', 'rich', 'click') if m in sys.modules))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "True []"
