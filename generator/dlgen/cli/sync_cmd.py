"""`dlgen sync-config`: regenerate copier.yml and cookiecutter.json from the catalog."""

from __future__ import annotations

from typing import Annotated

import typer

from dlgen import api
from dlgen.cli.console import console

app = typer.Typer()


@app.command("sync-config")
def sync_config(
    check: Annotated[
        bool, typer.Option("--check", help="Fail if the files are stale; write nothing.")
    ] = False,
) -> None:
    """Rewrite the static door files (copier.yml, cookiecutter.json) from the catalog."""
    changed = api.sync_config(check=check)
    if check:
        console.print("copier.yml and cookiecutter.json match the catalog")
    else:
        console.print(f"updated: {', '.join(changed)}" if changed else "already up to date")
