"""dlgen's command line: parsing, prompting and printing only; `dlgen.api` does the work.

Each command lives in its own module with its own Typer app; they are joined here. User
errors (`DlgenError`) become one red line on stderr and exit code 2 in one place:
`DlgenGroup.invoke`.
"""

from __future__ import annotations

import os
import signal
import sys

import click
import typer
from typer.core import TyperGroup

from dlgen.cli import list_cmd, matrix_cmd, new_cmd, sync_cmd
from dlgen.cli.console import err_console
from dlgen.errors import DlgenError


def _interrupt_on_sigterm(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # unwinds through the engine's cleanup like Ctrl-C does


class DlgenGroup(TyperGroup):
    """Turns user errors into a one-line message and exit 2; never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        previous = signal.getsignal(signal.SIGTERM)
        try:
            signal.signal(signal.SIGTERM, _interrupt_on_sigterm)
        except ValueError:  # not the main thread (e.g. some test runners)
            previous = None
        try:
            return super().invoke(ctx)
        except DlgenError as exc:
            err_console.print(f"[red]error:[/red] {exc}", markup=True, highlight=False, soft_wrap=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            err_console.print("[red]aborted[/red]: nothing was written", markup=True)
            ctx.exit(130)
        except (click.ClickException, click.exceptions.Exit, click.Abort, typer.Exit, typer.Abort):
            raise
        except BrokenPipeError:  # `dlgen list | head`: click ends quietly (exit 1)
            raise
        except Exception as exc:  # a bug, not a user error: one line unless asked for more
            if os.environ.get("DLGEN_DEBUG"):
                raise
            err_console.print(
                f"[red]internal error:[/red] {type(exc).__name__}: {exc} "
                "(set DLGEN_DEBUG=1 for the traceback)",
                markup=True,
                highlight=False,
                soft_wrap=True,
            )
            ctx.exit(1)
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)


app = typer.Typer(
    cls=DlgenGroup,
    help="Generate complete, tested deep-learning projects.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(new_cmd.app)
app.add_typer(list_cmd.app)
app.add_typer(sync_cmd.app)
app.add_typer(matrix_cmd.app)


def _print_version(value: bool) -> None:
    if value:
        from dlgen import __version__

        print(f"dlgen {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", is_eager=True, callback=_print_version, help="Print dlgen's version and exit."
    ),
) -> None:
    """Generate complete, tested deep-learning projects."""


def main() -> None:  # pragma: no cover - console-script entry
    sys.exit(app())
