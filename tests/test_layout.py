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
