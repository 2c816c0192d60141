"""The import graph of ``oauthkit/``: no cycle, and no import from a higher layer than the importer's.

Every ``import`` statement counts wherever it stands (module level, inside a function, under
``TYPE_CHECKING``, in a ``try``), relative or absolute: a lazy import is still a dependency, and a
type-only one still couples the two modules. The layers are declared once, in the ``layers``
block of docs/DESIGN.md. Run ``python tests/test_layers.py`` to print the whole graph.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import sys
import types
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import oauthkit

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "oauthkit"
DESIGN = ROOT / "docs" / "DESIGN.md"
MAX_LINES = 450

# The known violations left to the rest of issue 12, each removed by the step named beside it.
# An entry that no longer matches an import fails the test too: delete it when its step lands.
# Imports that break the layers, each with the step that removes it (empty: the house is done).
ALLOWED_EDGES: dict[tuple[str, str], str] = {}
# Modules still over MAX_LINES, each split by the step named beside it.
ALLOWED_LONG: dict[str, str] = {}


# ---- the layers, as docs/DESIGN.md declares them ---------------------------------------------------
@dataclass(frozen=True)
class Layers:
    rank: dict[str, int]  # declared name ("store.base", "__init__") -> layer number
    isolated: tuple[str, ...]  # packages that import nothing of oauthkit outside themselves

    def of(self, module: str) -> int | None:
        """The layer of a module: its longest declared prefix ("store.base" before "store")."""
        name = "__init__" if module == "oauthkit" else module.removeprefix("oauthkit.")
        parts = name.split(".")
        for end in range(len(parts), 0, -1):
            prefix = ".".join(parts[:end])
            if prefix in self.rank:
                return self.rank[prefix]
        return None

    def island(self, module: str) -> str | None:
        name = module.removeprefix("oauthkit.")
        return next((i for i in self.isolated if name == i or name.startswith(i + ".")), None)


def read_layers(text: str) -> Layers:
    """The ```layers block: "N: name name ..." lines (N = 0 at the bottom) and "isolated: ..."."""
    block = re.search(r"^```layers\n(.*?)^```", text, flags=re.S | re.M)
    assert block, f"{DESIGN} has no ```layers block"
    rank: dict[str, int] = {}
    isolated: tuple[str, ...] = ()
    for raw in block.group(1).splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        head, _, names = line.partition(":")
        if head.strip() == "isolated":
            isolated = tuple(names.split())
            continue
        for name in names.split():
            assert name not in rank, f"{name} is declared in two layers"
            rank[name] = int(head)
    return Layers(rank, isolated)


# ---- the graph ---------------------------------------------------------------------------------
@dataclass
class Graph:
    files: dict[str, Path] = field(default_factory=dict)
    edges: dict[str, set[str]] = field(default_factory=dict)

    def add(self, importer: str, imported: str) -> None:
        if imported != importer:
            self.edges[importer].add(imported)

    def without(self, removed: Iterable[tuple[str, str]]) -> Graph:
        gone = set(removed)
        edges = {m: {t for t in ts if (m, t) not in gone} for m, ts in self.edges.items()}
        return Graph(dict(self.files), edges)

    def components(self) -> list[list[str]]:
        """Strongly connected components of more than one module (each holds a cycle)."""
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        stack: list[str] = []
        on_stack: set[str] = set()
        found: list[list[str]] = []

        def visit(v: str) -> None:  # Tarjan; the graph is a few dozen modules deep at most
            index[v] = low[v] = len(index)
            stack.append(v)
            on_stack.add(v)
            for w in sorted(self.edges[v]):
                if w not in index:
                    visit(w)
                    low[v] = min(low[v], low[w])
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
            if low[v] == index[v]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component.append(w)
                    if w == v:
                        break
                if len(component) > 1:
                    found.append(sorted(component))

        for v in sorted(self.edges):
            if v not in index:
                visit(v)
        return sorted(found, key=len, reverse=True)

    def summary(self) -> str:
        comps = self.components()
        biggest = len(comps[0]) if comps else 0
        n_edges = sum(map(len, self.edges.values()))
        return (
            f"{len(self.edges)} modules, {n_edges} imports, {len(comps)} cycle(s) "
            f"(strongly connected components), the biggest of {biggest} modules"
        )


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def build_graph() -> Graph:
    graph = Graph()
    for path in sorted(PACKAGE.rglob("*.py")):
        name = module_name(path)
        graph.files[name] = path
        graph.edges[name] = set()
    for name, path in graph.files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    target = _deepest(graph, alias.name)
                    if target:
                        graph.add(name, target)
            elif isinstance(node, ast.ImportFrom):
                base = _absolute(package, node.module, node.level)
                for alias in node.names:
                    # "from . import registry" imports a module; "from .store import Event" a name.
                    target = _deepest(graph, f"{base}.{alias.name}") or _deepest(graph, base)
                    if target:
                        graph.add(name, target)
    return graph


def _absolute(package: str, module: str | None, level: int) -> str:
    if level == 0:
        return module or ""
    parts = package.split(".")
    base = parts[: len(parts) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def _deepest(graph: Graph, dotted: str) -> str | None:
    """The module an import of ``dotted`` runs: itself, or the nearest package above it."""
    if dotted != "oauthkit" and not dotted.startswith("oauthkit."):
        return None
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in graph.files:
            return candidate
    return None


def violations(graph: Graph, layers: Layers) -> list[tuple[str, str, str]]:
    """(importer, imported, why) for every import that goes up a layer or leaves an island."""
    found = []
    for importer, targets in sorted(graph.edges.items()):
        for imported in sorted(targets):
            island = layers.island(importer)
            if island and layers.island(imported) != island:
                found.append((importer, imported, f"{island} imports nothing of oauthkit outside itself"))
                continue
            low, high = layers.of(importer), layers.of(imported)
            if low is not None and high is not None and high > low:
                found.append((importer, imported, f"layer {low} imports layer {high}"))
    return found


def report(graph: Graph, layers: Layers) -> str:
    lines = [f"import graph: {graph.summary()}"]
    for importer, targets in sorted(graph.edges.items()):
        shown = ", ".join(t.removeprefix("oauthkit.") for t in sorted(targets)) or "-"
        lines.append(f"  [{layers.of(importer)}] {importer.removeprefix('oauthkit.')} -> {shown}")
    for comp in graph.components():
        lines.append(f"cycle: {' <-> '.join(comp)}")
    for importer, imported, why in violations(graph, layers):
        mark = "allowed" if (importer, imported) in ALLOWED_EDGES else "VIOLATION"
        lines.append(f"{mark}: {importer} -> {imported} ({why})")
    return "\n".join(lines)


# ---- the tests ---------------------------------------------------------------------------------
def _layers() -> Layers:
    return read_layers(DESIGN.read_text(encoding="utf-8"))


def test_every_module_has_a_declared_layer() -> None:
    layers, graph = _layers(), build_graph()
    missing = sorted(m for m in graph.files if layers.of(m) is None)
    assert not missing, f"declare these in the ```layers block of {DESIGN}: {missing}"


def test_no_import_goes_up_a_layer_and_no_cycle() -> None:
    layers, graph = _layers(), build_graph()
    print(report(graph, layers))  # shown with -s, or with the failure
    new = [v for v in violations(graph, layers) if (v[0], v[1]) not in ALLOWED_EDGES]
    assert not new, "imports against the layers:\n" + "\n".join(f"{a} -> {b}: {why}" for a, b, why in new)
    cycles = graph.without(ALLOWED_EDGES).components()
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_the_allow_list_only_names_imports_that_still_exist() -> None:
    graph = build_graph()
    stale = [edge for edge in ALLOWED_EDGES if edge[1] not in graph.edges.get(edge[0], set())]
    assert not stale, f"these imports are gone: delete them from ALLOWED_EDGES in {__file__}: {stale}"


def test_the_scanner_sees_lazy_type_only_and_relative_imports() -> None:
    graph = build_graph()
    assert "oauthkit.connection" in graph.edges["oauthkit.testing"]  # inside a function
    assert "oauthkit.connection" in graph.edges["oauthkit.notebook"]  # under TYPE_CHECKING
    assert "oauthkit.registry" in graph.edges["oauthkit.authoring._check"]  # "from .. import registry"
    assert "oauthkit.connection" in graph.edges["oauthkit.cli"]  # absolute
    cyclic = Graph({m: Path() for m in "abc"}, {"a": {"b"}, "b": {"c"}, "c": {"a"}})
    assert cyclic.components() == [["a", "b", "c"]]


def test_the_sandbox_and_display_import_nothing_of_oauthkit() -> None:
    graph = build_graph()
    for name, targets in graph.edges.items():
        if name == "oauthkit.display" or name.startswith("oauthkit.sandbox"):
            outside = {t for t in targets if not t.startswith("oauthkit.sandbox")}
            assert not outside, f"{name} imports {sorted(outside)}"


def test_no_module_is_longer_than_450_lines() -> None:
    long = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        n = len(path.read_text(encoding="utf-8").splitlines())
        if n > MAX_LINES and rel not in ALLOWED_LONG:
            long[rel] = n
    assert not long, f"split these modules (at most {MAX_LINES} lines, one job each): {long}"
    gone = [rel for rel in ALLOWED_LONG if len((ROOT / rel).read_text().splitlines()) <= MAX_LINES]
    assert not gone, f"short enough now: delete them from ALLOWED_LONG: {gone}"


def test_no_submodule_shadows_a_public_name() -> None:
    # "import oauthkit.history" would replace the function oauthkit.history() with the module.
    for info in pkgutil.walk_packages(oauthkit.__path__, "oauthkit."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)
    for name in oauthkit.__all__:
        value = getattr(oauthkit, name)
        assert not isinstance(value, types.ModuleType), f"oauthkit.{name} is now a module"
    assert callable(oauthkit.history) and callable(oauthkit.connect)


if __name__ == "__main__":
    sys.stdout.write(report(build_graph(), _layers()) + "\n")
