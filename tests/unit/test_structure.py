"""The shape rules of the package, made executable: small modules, a thin App, one widget or
screen per file. (Import direction and cycles are import-linter's contracts in pyproject.toml.)"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "usms_tui"
MAX_MODULE_LINES = 400
MAX_APP_LINES = 200


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_the_walk_finds_the_package():
    assert len(modules()) > 50


def test_no_module_is_over_400_lines():
    long = {
        str(p.relative_to(PACKAGE)): n for p in modules() if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_the_app_is_thin():
    assert len((PACKAGE / "tui" / "app.py").read_text().splitlines()) <= MAX_APP_LINES


def _classes_based_on(path: Path, bases: set[str]) -> list[str]:
    tree = ast.parse(path.read_text())
    found = []
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            names = {
                b.id if isinstance(b, ast.Name) else b.attr if isinstance(b, ast.Attribute) else "" for b in node.bases
            }
            if names & bases:
                found.append(node.name)
    return found


def test_one_screen_per_screen_module():
    screens = {"Screen", "ModalScreen"}
    crowded = {
        p.name: c for p in (PACKAGE / "tui" / "screens").glob("*.py") if len(c := _classes_based_on(p, screens)) > 1
    }
    assert crowded == {}


def test_widgets_live_in_widgets():
    widget_bases = {"Widget", "Static", "DataTable", "ScrollView", "Label", "Input"}
    misplaced = {
        p.name: c for p in (PACKAGE / "tui" / "screens").glob("*.py") if (c := _classes_based_on(p, widget_bases))
    }
    assert misplaced == {}
