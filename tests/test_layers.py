"""The apps form a one-way stack: an app imports only from the apps below it.

    scoring  <-  checklist  <-  catalog  <-  evaluations  <-  reports
                                   accounts (at the side: any app from catalog up may use it; it uses none of them)
                                   vendors (beside evaluations: the vendor self-assessments write the catalog; nothing
                                            imports them)

A module-level or function-level import from a higher layer fails this test, naming the file and line. A new app must
be placed in the table below before it can import anything.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "vendoreval"

# app -> the apps it may import from (besides itself)
MAY_IMPORT = {
    "scoring": set(),
    "checklist": {"scoring"},
    "catalog": {"scoring", "checklist", "accounts"},
    "evaluations": {"scoring", "checklist", "catalog", "accounts"},
    "reports": {"scoring", "checklist", "catalog", "evaluations", "accounts"},
    "accounts": set(),
    "vendors": {"scoring", "checklist", "catalog", "accounts"},
}


def apps() -> list[str]:
    return sorted(p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists())


def imported_apps(path: Path, package: list[str] | None = None) -> list[tuple[int, str]]:
    """(line, app) for every `vendoreval.<app>` this file imports, wherever the import statement is; relative imports
    (`from ..reports import x`) are resolved against the file's package."""
    if package is None:
        package = list(path.resolve().relative_to(ROOT.parent).parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.ImportFrom):
            base = ".".join(package[:len(package) - node.level + 1]) if node.level else ""
            module = ".".join(part for part in (base, node.module) if part)
            names = [module] + [f"{module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        parts = [name.split(".") for name in names]
        found += sorted({(node.lineno, p[1]) for p in parts
                         if p[0] == "vendoreval" and len(p) > 1 and (ROOT / p[1]).is_dir()})
    return found


def test_every_app_has_a_place_in_the_stack():
    assert set(apps()) <= set(MAY_IMPORT), f"place these apps in MAY_IMPORT: {sorted(set(apps()) - set(MAY_IMPORT))}"
    assert set(MAY_IMPORT) <= set(apps()), f"no such apps (the walk found too little?): {set(MAY_IMPORT) - set(apps())}"


@pytest.mark.parametrize("app", apps())
def test_app_imports_only_from_lower_layers(app):
    allowed = MAY_IMPORT.get(app, set()) | {app}
    offending = [f"{path.relative_to(ROOT.parent)}:{line} imports vendoreval.{other}"
                 for path in sorted((ROOT / app).rglob("*.py"))
                 for line, other in imported_apps(path) if other not in allowed]
    assert offending == []


def test_the_check_sees_function_level_imports(tmp_path):
    """The test itself can fail: an import hidden inside a function is found."""
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from vendoreval.reports.models import Report\n    return Report\n")
    assert imported_apps(module, package=["vendoreval", "catalog"]) == [(2, "reports")]


def test_the_check_sees_relative_imports(tmp_path):
    """`from ..reports import x` in vendoreval/catalog/ is an import of the reports app; `from . import x` is not."""
    module = tmp_path / "m.py"
    module.write_text("from . import models\nfrom .. import evaluations\n"
                      "def f():\n    from ..reports.models import Report\n    return Report\n")
    assert imported_apps(module, package=["vendoreval", "catalog"]) == [(1, "catalog"), (2, "evaluations"),
                                                                       (4, "reports")]
