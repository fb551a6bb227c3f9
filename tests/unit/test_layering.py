"""Imports point one way: edge -> domain -> data (CONTRIBUTING.md, "Layering")."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

LAYER = Path(__file__).resolve().parents[2] / "layers" / "common" / "boxoffice"
DOMAINS = ("auth", "catalog", "booking", "payments")
# domain -> the domains it may import (never back)
MAY_USE = {"auth": set(), "booking": set(), "catalog": {"booking"}, "payments": {"auth", "booking", "catalog"}}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return {name for name in found if name.startswith("boxoffice")}


@pytest.mark.parametrize("domain", DOMAINS)
def test_a_domain_imports_neither_the_edge_nor_a_domain_above_it(domain):
    wrong = []
    for path in sorted((LAYER / domain).glob("*.py")):
        for name in imports_of(path):
            parts = name.split(".")
            if parts[1:2] == ["http"]:
                wrong.append(f"{path.name} imports the HTTP edge ({name})")
            if len(parts) > 1 and parts[1] in DOMAINS and parts[1] != domain and parts[1] not in MAY_USE[domain]:
                wrong.append(f"{path.name} imports {name}")
    assert not wrong, wrong


def test_the_data_layer_imports_no_domain():
    wrong = [
        f"{path.name}: {name}"
        for path in sorted((LAYER / "models").glob("*.py"))
        for name in imports_of(path)
        if name.split(".")[1:2] and name.split(".")[1] in (*DOMAINS, "http")
    ]
    assert not wrong, wrong
