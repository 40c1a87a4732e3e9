"""The layer rules of shared/design.md §2, checked on the source with ast."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def python_files(*folders: str) -> list[Path]:
    files = [p for folder in folders for p in (ROOT / folder).rglob("*.py")]
    assert files, f"no source found under {folders}"
    return files


@pytest.mark.parametrize("path", [p for p in ROOT.glob("**/*.py") if ".venv" not in p.parts
                                  and "app/ui" not in p.as_posix() and "tests" not in p.parts],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_only_app_ui_imports_qt(path):
    qt = {m for m in imported_modules(path) if m.split(".")[0] in ("PySide6", "PyQt5", "PyQt6", "shiboken6")}
    assert not qt, f"{path} imports {qt}"


def test_core_imports_no_other_layer():
    for path in python_files("app/core"):
        bad = {m for m in imported_modules(path)
               if m.startswith(("app.", "sync", "forms", "sqlalchemy", "requests", "PySide6"))
               and not m.startswith("app.core")}
        assert not bad, f"{path} imports {bad}"


def test_forms_and_sync_do_not_import_ui():
    for path in python_files("forms", "sync"):
        assert not {m for m in imported_modules(path) if m.startswith("app.ui")}, path


def _offenders(folders: tuple[str, ...], forbidden: tuple[str, ...]) -> dict[str, set[str]]:
    found = {}
    for path in python_files(*folders):
        bad = {m for m in imported_modules(path) if m.startswith(forbidden)}
        if bad:
            found[str(path.relative_to(ROOT))] = bad
    return found


@pytest.mark.parametrize("folders, forbidden", [
    (("sync/hub",), ("app.store",)),
    (("app/store",), ("app.services", "app.sync", "app.ui")),
    (("app/services",), ("app.ui", "app.sync")),
    (("app/sync",), ("app.ui",)),
], ids=["hub-no-store", "store-no-services", "services-no-ui-or-sync", "app-sync-no-ui"])
def test_layer_rules(folders, forbidden):
    """shared/design.md §2 and issue 8 §4: who may import whom."""
    assert _offenders(folders, forbidden) == {}


def test_sync_imports_from_app_only_core():
    for path in python_files("sync"):
        bad = {m for m in imported_modules(path) if m.startswith("app") and not m.startswith("app.core")}
        assert not bad, f"{path} imports {bad}"


def test_ereceipt_is_pure_and_imports_only_app_core_from_app():
    # The hub imports ereceipt, and the hub may import nothing from app but app.core.
    for path in python_files("ereceipt"):
        bad = {m for m in imported_modules(path)
               if m.split(".")[0] in ("PySide6", "shiboken6", "sqlalchemy", "forms", "sync")
               or (m.startswith("app") and not m.startswith("app.core"))}
        assert not bad, f"{path} imports {bad}"


def test_the_check_itself_sees_an_import(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("from PySide6.QtWidgets import QWidget\nimport app.store.models\n")
    assert {"PySide6.QtWidgets", "app.store.models"} <= imported_modules(sample)
