"""The command line as a whole: every command teaches through --help, errors stay short."""

from __future__ import annotations

import subprocess
import sys

import pytest
import typer

from supportstats.cli import app


def _commands() -> list[list[str]]:
    root = typer.main.get_command(app)
    found: list[list[str]] = []

    # Typer vendors its own Click, so groups are recognised by having sub-commands.
    def walk(group, prefix: list[str]) -> None:  # noqa: ANN001
        for name, command in group.commands.items():
            if hasattr(command, "commands"):
                walk(command, prefix + [name])
            else:
                found.append(prefix + [name])

    walk(root, [])
    return found


def test_the_documented_commands_exist():
    names = {" ".join(c) for c in _commands()}
    assert {
        "import", "db info", "db rejects", "sample", "demo", "metrics", "report agents",
        "report scorecard", "erlang", "staff", "forecast", "plan", "backtest",
    } <= names  # fmt: skip


@pytest.mark.parametrize("command", _commands(), ids=" ".join)
def test_every_command_has_help_with_an_example(cli, command):
    result = cli(*command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout, f"supportstats {' '.join(command)} --help has no example"


def test_module_entry_point_and_version():
    done = subprocess.run(
        [sys.executable, "-m", "supportstats", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0
    assert done.stdout.strip() == "supportstats 0.1.0"


def test_wide_short_tables_are_turned_for_people():
    import pandas as pd

    from supportstats.cli._common import _readable

    frame = pd.DataFrame(
        {"agent_key": ["g:a1", None], "agent": ["Ana", None]}
        | {f"m{i}": [i, 2.5 * i] for i in range(10)}
    )
    turned = _readable(frame)
    assert list(turned.columns) == ["agent", "Ana", "(none)"]
    assert turned.iloc[0].tolist() == ["agent_key", "g:a1", "—"]
    assert turned.set_index("agent").loc["m4"].tolist() == ["4", "10"]
    narrow = frame.iloc[:, :4]
    assert _readable(narrow) is narrow


def test_starting_the_cli_imports_no_data_library():
    """`supportstats --help` must start fast: importing the CLI loads neither pandas, numpy,
    duckdb nor pyarrow, nor the modules built on them (imports live inside the commands)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import supportstats.cli"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    # Lines read "import time: self [us] | cumulative | name", the name indented by depth.
    loaded = {
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    }
    assert "supportstats.cli" in loaded  # the log is parsed right
    heavy = {
        "pandas",
        "numpy",
        "duckdb",
        "pyarrow",
        "supportstats.metrics.table",
        "supportstats.importers._pipeline",
    }
    assert sorted(loaded & heavy) == []


def test_names_written_out_for_help_match_their_source():
    """The CLI spells out, for --help, lists whose home module would load pandas."""
    import dataclasses

    from supportstats.cli.import_ import SOURCES
    from supportstats.cli.metrics import FAMILY_NAMES
    from supportstats.cli.sample import SAMPLE_DEFAULTS
    from supportstats.importers import sources
    from supportstats.metrics.table import FAMILIES
    from supportstats.sample import SampleSpec

    assert SOURCES == tuple(sources())
    assert FAMILY_NAMES == tuple(FAMILIES)
    defaults = {f.name: f.default for f in dataclasses.fields(SampleSpec)}
    assert SAMPLE_DEFAULTS == {name: defaults[name] for name in SAMPLE_DEFAULTS}
