"""The house: packages by stage with imports only downward, no import circle, and durable_rules behind one door.

Read from the source (every import statement, also inside functions and under
TYPE_CHECKING), not from what happens to be imported at run time: a circle
that only closes in a lazy import is still two modules that cannot be
understood, tested or moved one without the other.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "weerbaar_rules"


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> tuple[set[str], set[str]]:
    """The package's modules this one imports, and the outside packages it imports."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    inside: set[str] = set()
    outside: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                module = f"{target}.{alias.name}" if f"{target}.{alias.name}" in modules else target
                if module in modules:
                    inside.add(module)
                else:
                    outside.add(target.split(".")[0])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                (inside if alias.name in modules else outside).add(alias.name if alias.name in modules else alias.name.split(".")[0])
    inside.discard(name)
    return inside, outside


def _graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    modules = _modules()
    inside, outside = {}, {}
    for name, path in modules.items():
        inside[name], outside[name] = _imports(name, path, modules)
    return inside, outside


def _circle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle, if there is any (depth-first search with colours)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return stack[stack.index(target) :] + [target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_no_module_imports_its_way_back_to_itself() -> None:
    inside, _ = _graph()
    assert _circle(inside) is None, " -> ".join(_circle(inside) or [])


def test_the_circle_check_finds_a_circle() -> None:
    assert _circle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _circle({"a": {"b"}, "b": set()}) is None


def test_only_the_backend_imports_durable_rules() -> None:
    _, outside = _graph()
    users = sorted(name for name, packages in outside.items() if {"durable", "durable_rules_engine"} & packages)
    assert users == ["weerbaar_rules.engine.backend"]


# The stages, bottom to top (docs/engine.md): a module may import its own stage and the stages below it.
STAGES = ("core", "case", "language", "engine", "decision", "explain", "render", "evaluation", "lint", "testing", "serve", "cli")
# What a view may read: the decision, its explanation, the names of case fields and the ground floor.
VIEW_SOURCES = ("weerbaar_rules.render", "weerbaar_rules.explain", "weerbaar_rules.decision.model", "weerbaar_rules.case.names", "weerbaar_rules.core")


def _stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _upward(inside: dict[str, set[str]]) -> list[str]:
    rank = {stage: position for position, stage in enumerate(STAGES)}
    found = []
    for module, targets in sorted(inside.items()):
        here = _stage(module)
        if not here:
            continue  # the package root is the public face: it may gather from every stage
        for target in sorted(targets):
            there = _stage(target)
            if there != here and (there not in rank or here not in rank or rank[there] > rank[here]):
                found.append(f"{module} -> {target}")
    return found


def test_every_module_sits_in_a_stage() -> None:
    inside, _ = _graph()
    assert sorted({_stage(m) for m in inside} - {""}) == sorted(STAGES)


def test_imports_only_go_down_the_stages() -> None:
    inside, _ = _graph()
    assert _upward(inside) == []


def test_the_stage_check_finds_an_upward_import() -> None:
    assert _upward({"weerbaar_rules.engine.facts": {"weerbaar_rules.render.text"}}) == ["weerbaar_rules.engine.facts -> weerbaar_rules.render.text"]
    assert _upward({"weerbaar_rules.render.text": {"weerbaar_rules.engine.facts"}}) == []


def test_views_read_only_the_decision_and_its_explanation() -> None:
    # Following a decision through the text report, the Markdown, the picture or `rules explain` never
    # leaves explain/ and render/: a view formats, it does not run rules or walk conditions.
    inside, _ = _graph()
    views = [m for m in inside if _stage(m) == "render" and m != "weerbaar_rules.render.overview"]
    assert views
    for view in views:
        strays = sorted(t for t in inside[view] if not t.startswith(VIEW_SOURCES))
        assert strays == [], f"{view} reads {strays}"


def test_the_decision_and_the_graph_meet_in_the_run_records() -> None:
    # The import circle issue 13 named: evaluation built the graph, and the graph imported evaluation's run types.
    inside, _ = _graph()
    assert not {"weerbaar_rules.decision.assemble", "weerbaar_rules.evaluation.engine"} & inside["weerbaar_rules.explain.graph"]
    assert "weerbaar_rules.engine.runs" in inside["weerbaar_rules.explain.graph"]
