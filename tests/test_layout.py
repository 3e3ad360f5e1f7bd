"""The boundaries of the design: enterprise never imports chatbot; chatbot names enterprise in
one place only, the root app's mount; shared imports neither product."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).parents[1] / "src"


def _imports(path: Path) -> list[tuple[str, int]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno))
    return found


def _imports_of(package: str, target: str) -> list[str]:
    return [
        f"{path.relative_to(SRC)}:{line}"
        for path in sorted((SRC / package).rglob("*.py"))
        for module, line in _imports(path)
        if module == target or module.startswith(target + ".")
    ]


def test_enterprise_never_imports_chatbot() -> None:
    assert _imports_of("enterprise", "chatbot") == []


def test_chatbot_imports_enterprise_only_to_mount_it() -> None:
    places = _imports_of("chatbot", "enterprise")
    assert len(places) == 1
    assert places[0].startswith("chatbot/main.py:")


def test_shared_imports_neither_product() -> None:
    assert _imports_of("shared", "chatbot") == []
    assert _imports_of("shared", "enterprise") == []


def test_services_do_not_import_fastapi() -> None:
    services = [p for p in SRC.rglob("service.py")]
    assert services
    for path in services:
        assert not [m for m, _ in _imports(path) if m.startswith(("fastapi", "starlette"))], path


def _domain_graph() -> dict[str, set[str]]:
    """Which enterprise domains (the packages under src/enterprise) each one imports."""
    root = SRC / "enterprise"
    domains = {p.name for p in root.iterdir() if (p / "__init__.py").exists()}
    graph: dict[str, set[str]] = {d: set() for d in domains}
    for domain in domains:
        for path in (root / domain).rglob("*.py"):
            for module, _ in _imports(path):
                parts = module.split(".")
                if parts[0] == "enterprise" and len(parts) > 1 and parts[1] in domains and parts[1] != domain:
                    graph[domain].add(parts[1])
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each import cycle once, as the domains along it."""
    found: list[list[str]] = []

    def walk(node: str, path: list[str]) -> None:
        for nxt in sorted(graph[node]):
            if nxt == path[0]:
                found.append(path)
            elif nxt not in path and nxt > path[0]:
                walk(nxt, [*path, nxt])

    for start in sorted(graph):
        walk(start, [start])
    return found


def test_the_enterprise_domains_import_one_another_one_way() -> None:
    graph = _domain_graph()
    assert {"auth", "audit", "documents", "finance", "ingestion", "answers", "tables", "dashboard"} <= set(graph)
    assert _cycles(graph) == []
    # documents is imported by what it feeds, never the other way (deletion and queueing go
    # through enterprise.documents.listeners, implemented by the runtime).
    assert graph["documents"] <= {"audit", "auth"}
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c"]]  # the check itself finds one
