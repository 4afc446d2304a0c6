"""No import loops: the modules of `warehouse/` and `flows/` import each other one way only.

The graph is read from the source with `ast`, so it holds every import a module can run: at
the top, inside functions (the lazy ones) and in `try` blocks. Only `if TYPE_CHECKING:` blocks
are left out, since they never run. An edge goes to the module named: `from warehouse.formats
import xml` points at `warehouse.formats.xml`, `from warehouse.formats import parser_for` at the
package `warehouse.formats`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import REPO

PACKAGES = ("warehouse", "flows")


def project_modules() -> dict[str, Path]:
    """Dotted name -> file of every module of the project's packages."""
    modules = {}
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            parts = path.relative_to(REPO).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement in the tree, at any depth, outside `if TYPE_CHECKING:`."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If) and _is_type_checking(node):
            yield from _imports(ast.Module(body=node.orelse, type_ignores=[]))
        else:
            yield from _imports(node)


def _targets(node: ast.Import | ast.ImportFrom, package: str) -> Iterator[str]:
    """Dotted names an import statement may load: each submodule named, else its package."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    base = node.module or ""
    if node.level:
        anchor = package.rsplit(".", node.level - 1)[0]
        base = f"{anchor}.{base}" if base else anchor
    yield base
    yield from (f"{base}.{alias.name}" for alias in node.names)


def import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports."""
    modules = project_modules()
    graph = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        graph[name] = {
            target
            for node in _imports(tree)
            for target in _named_modules(node, package, modules)
            if target != name
        }
    return graph


def _named_modules(
    node: ast.Import | ast.ImportFrom, package: str, modules: dict[str, Path]
) -> set[str]:
    """The project modules an import runs: those it names and the packages above them.

    `from P import N` names the submodule `P.N` when there is one, else P itself.
    """
    base, *names = _targets(node, package)
    if isinstance(node, ast.Import):
        named = {name for name in (base, *names) if name in modules}
    else:
        named = {name for name in names if name in modules}
        if len(named) < len(names):
            named.add(base)
    return {parent for name in named for parent in _with_packages(name) if parent in modules}


def _with_packages(name: str) -> Iterator[str]:
    """`a.b.c`, `a.b`, `a`: importing a module first runs the packages above it."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        yield ".".join(parts[:end])


def cycles(graph: dict[str, set[str]]) -> list[tuple[list[str], set[str]]]:
    """Each group of modules that import each other in a loop, with one loop through it.

    The loop is `[a, b, ..., a]`, the shortest from the group's first module by name.
    """
    found = []
    for group in _strongly_connected(graph):
        if len(group) > 1:
            found.append((_shortest_loop(graph, min(group), group), group))
    return sorted(found)


def _strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's strongly connected components (recursive: the graph is a few hundred nodes)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = {stack.pop()}
            while node not in group:
                group.add(stack.pop())
            groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def _shortest_loop(graph: dict[str, set[str]], start: str, group: set[str]) -> list[str]:
    """The shortest path from `start` back to itself through `group` (breadth first)."""
    paths = [[start]]
    seen = {start}
    while paths:
        path = paths.pop(0)
        for target in sorted(graph[path[-1]] & group):
            if target == start:
                return [*path, start]
            if target not in seen:
                seen.add(target)
                paths.append([*path, target])
    raise AssertionError(f"{start} is in a loop but has no path back to itself")


def test_no_import_loops() -> None:
    loops = cycles(import_graph())
    assert not loops, "import loops:\n" + "\n".join(
        f"{' -> '.join(loop)} (the loop joins {', '.join(sorted(group))})" for loop, group in loops
    )


def test_graph_holds_lazy_imports_and_packages() -> None:
    """The CLI's imports inside its commands are edges, and so is each package above a module."""
    graph = import_graph()
    assert {"warehouse", "warehouse.inputs", "warehouse.readers.status"} <= graph["warehouse.cli"]
    assert {"warehouse", "warehouse.formats"} <= graph["warehouse.formats.registry"]


def test_cycles_names_each_loop() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": {"e"}, "e": {"d"}, "f": {"a"}}
    assert cycles(graph) == [(["a", "b", "c", "a"], {"a", "b", "c"}), (["d", "e", "d"], {"d", "e"})]
