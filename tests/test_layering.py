"""The core stays free of UI libraries (DESIGN.md §2): everything under supportstats/ except
``cli/``, ``__main__.py`` (the CLI's ``python -m`` entry) and ``charts.py`` imports neither
streamlit, plotly nor typer.

Two checks: importing every core module in a fresh interpreter leaves those packages out of
``sys.modules`` (catches indirect imports), and a static scan of the source (catches imports
inside functions that the first check never runs).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "supportstats"
FORBIDDEN = ("streamlit", "plotly", "typer")


def core_files() -> list[Path]:
    """Python files of the core: not the CLI (``cli/`` and ``python -m supportstats``), not
    the chart builders."""
    return sorted(
        p
        for p in PACKAGE.rglob("*.py")
        if "cli" not in p.relative_to(PACKAGE).parts[:1]
        and p.relative_to(PACKAGE).as_posix() not in ("charts.py", "__main__.py")
    )


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_core_files_are_found() -> None:
    names = {module_name(p) for p in core_files()}
    assert {"supportstats", "supportstats.metrics", "supportstats.planning.staffing"} <= names
    assert "supportstats.charts" not in names
    assert not any(n.startswith("supportstats.cli") for n in names)


def test_importing_the_core_loads_no_ui_library() -> None:
    modules = [module_name(p) for p in core_files()]
    script = (
        "import importlib, json, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        f"print(json.dumps(sorted(k for k in sys.modules if k.split('.')[0] in {FORBIDDEN!r})))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(out.stdout) == []


def test_charts_and_cli_are_where_those_libraries_live() -> None:
    """Sanity check of the subprocess method: charts does pull plotly in."""
    script = "import sys, supportstats.charts; print('plotly' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.stdout.strip() == "True"


@pytest.mark.parametrize("path", core_files(), ids=lambda p: module_name(p))
def test_core_source_never_imports_ui_libraries(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append(node.module)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            found.append(str(node.args[0].value))
    bad = [m for m in found if m.split(".")[0] in FORBIDDEN]
    assert not bad, f"{path.relative_to(PACKAGE.parent)} imports {bad}"
