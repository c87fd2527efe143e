"""The house's import rules, checked: no cycle between product modules, no import against the layers.

Reads every product module's imports (those inside functions too: a deferred import is still a
dependency) with `ast`, so nothing is imported or run. `make lint` runs it; so does
tests/test_architecture.py. docs/architecture.md draws the same layers.

    python scripts/check_architecture.py [ROOT]   # prints each problem; exits 1 when there is one
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

# Lowest first: an app may import its own modules and those of apps of a lower rank, never a higher one.
LAYERS: list[tuple[str, ...]] = [
    ("core",),  # helpers with no models
    ("accounts",),  # the user, the role and the access policy
    ("exports",),  # the export machinery pages plug into
    ("municipalities",),  # reference data
    ("catalog",),  # reference data (names its registers by municipality-free codes)
    ("adoption",),  # domain: declared adoption
    ("usage",),  # domain: observed usage
    ("reports", "dashboards"),  # what the ministry reads, built on the domain apps; not on each other
    ("scoring",),  # the adoption index, targets and peers, over the dashboards' figures
    ("outreach",),  # acting on the laggards: cases, scorecards, subscriptions
    ("opendata",),  # the public site, its editions and open data: nothing imports it
    ("demo",),  # the quick start's demo data, users and usage generator, over every app
    ("egov_portal",),  # settings and URLs: the project
]
RANK = {app: rank for rank, apps in enumerate(LAYERS) for app in apps}

# Known exceptions, each with its reason; an entry that no longer occurs is an error too.
ALLOWED_UPWARD: dict[tuple[str, str], str] = {
    ("municipalities.views", "adoption.views"): "the municipality page shows the adoption section",
    ("municipalities.api.views", "adoption.models"): "the municipalities API carries each declared stage",
    ("municipalities.api.serializers", "adoption.models"): "the municipalities API carries each declared stage",
}
ALLOWED_CYCLES: dict[frozenset[str], str] = {}
SKIP = {"tests", "bench", "scripts", ".venv", "node_modules", "staticfiles", "static", "templates", "var", "docs"}


def product_modules(root: Path) -> dict[str, Path]:
    modules = {}
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if relative.parts[0] in SKIP or "migrations" in relative.parts or len(relative.parts) == 1:
            continue
        name = ".".join(relative.with_suffix("").parts).removesuffix(".__init__")
        modules[name] = path
    return modules


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The product modules `name` imports, resolved to the longest known module name."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, base]) if base else ".".join(parts)
            targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name and not name.startswith(target + "."):
                found.add(target)
    return found


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result = []
    for start in graph:
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    result.append(frozenset(component))
    return result


def problems(root: Path) -> list[str]:
    modules = product_modules(root)
    graph = {name: imports_of(name, path, modules) for name, path in modules.items()}
    found = []
    seen_upward = set()
    for name, targets in sorted(graph.items()):
        app = name.split(".")[0]
        if app not in RANK:
            found.append(f"{name}: the app {app!r} has no layer in scripts/check_architecture.py")
            continue
        for target in sorted(targets):
            other = target.split(".")[0]
            if other == app or RANK.get(other, -1) < RANK[app]:
                continue
            if (name, target) in ALLOWED_UPWARD:
                seen_upward.add((name, target))
                continue
            found.append(f"{name} imports {target}: {app} may not import {other} (see docs/architecture.md)")
    for pair in sorted(set(ALLOWED_UPWARD) - seen_upward):
        found.append(f"allowed exception {pair[0]} -> {pair[1]} no longer occurs: remove it")
    components = cycles(graph)
    for component in components:
        if component not in ALLOWED_CYCLES:
            found.append("import cycle: " + " <-> ".join(sorted(component)))
    for component in set(ALLOWED_CYCLES) - set(components):
        found.append("allowed cycle " + " <-> ".join(sorted(component)) + " no longer occurs: remove it")
    return found


def main() -> int:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[1])
    found = problems(root)
    for problem in found:
        print(problem)
    print(f"{len(product_modules(root))} modules checked, {len(found)} problems")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
