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
    from supportstats.cli import accuracy as accuracy_commands
    from supportstats.cli import db as db_commands
    from supportstats.cli import import_ as import_commands
    from supportstats.cli import metrics as metrics_commands
    from supportstats.cli import plan as plan_commands
    from supportstats.cli import report as report_commands
    from supportstats.cli import sample as sample_commands
    from supportstats.cli import schedule as schedule_commands
    from supportstats.cli import simulate as simulate_commands

    for module in (
        import_commands,
        db_commands,
        metrics_commands,
        report_commands,
        plan_commands,
        accuracy_commands,
        schedule_commands,
        simulate_commands,
        sample_commands,
    ):
        module.register(app)


_register_commands()


def main() -> None:
    """Entry point of the ``supportstats`` console script.

    Usage errors (an unknown option or command, a missing argument, a bad choice) come out in
    the house style, like every other error: ``Error: ...`` and ``Hint: ...`` on stderr, exit 2.
    """
    import sys

    from supportstats.terminal import printable

    try:  # typer 0.2x carries its own copy of Click
        from typer._click import exceptions as click_errors
    except ImportError:  # pragma: no cover - older typer on Click itself
        from click import exceptions as click_errors  # type: ignore[no-redef]

    try:
        code = app(standalone_mode=False)
    except click_errors.NoArgsIsHelpError as exc:  # bare `supportstats`: the help
        exc.show()
        sys.exit(exc.exit_code)
    except click_errors.ClickException as exc:
        sys.stderr.write(f"Error: {printable(_one_line(exc.format_message()))}\n")
        sys.stderr.write(f"Hint: {printable(_usage_hint(exc))}\n")
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.stderr.write("Error: interrupted\nHint: run the command again\n")
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _usage_hint(exc: Exception) -> str:
    """``run supportstats staff --help`` for the command the user was typing."""
    ctx = getattr(exc, "ctx", None)
    group = ctx is None or hasattr(ctx.command, "commands")
    names: list[str] = []
    while ctx is not None and ctx.parent is not None:
        names.insert(0, ctx.info_name or "")
        ctx = ctx.parent
    command = " ".join(["supportstats", *filter(None, names)])
    return f"run {command} --help for " + (
        "its commands" if group else "its options and an example"
    )
