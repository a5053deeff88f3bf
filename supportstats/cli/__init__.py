"""The ``supportstats`` command line.

Each command group lives in its own module and adds itself to ``app`` through ``register``.
"""

from __future__ import annotations

import typer

from supportstats import __version__

app = typer.Typer(
    name="supportstats",
    help=(
        "Customer-support analytics and workforce planning on a DuckDB warehouse.\n\n"
        "Start with: supportstats sample --out data/ && supportstats import data/*.csv "
        "&& supportstats db info"
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"supportstats {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Customer-support analytics and workforce planning on a DuckDB warehouse."""


def _register_commands() -> None:
    from supportstats.cli import db as db_commands
    from supportstats.cli import import_ as import_commands
    from supportstats.cli import metrics as metrics_commands
    from supportstats.cli import plan as plan_commands
    from supportstats.cli import report as report_commands
    from supportstats.cli import sample as sample_commands

    for module in (
        import_commands,
        db_commands,
        metrics_commands,
        report_commands,
        plan_commands,
        sample_commands,
    ):
        module.register(app)


_register_commands()


def main() -> None:
    """Entry point of the ``supportstats`` console script."""
    app()
