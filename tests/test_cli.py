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
    assert turned.iloc[0].tolist() == ["agent_key", "g:a1", ""]
    assert turned.set_index("agent").loc["m4"].tolist() == ["4", "10"]
    narrow = frame.iloc[:, :4]
    assert _readable(narrow) is narrow
