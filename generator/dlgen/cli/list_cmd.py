"""`dlgen list`: what can be combined with what, as a table or as JSON."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from dlgen import api
from dlgen.catalog import CATALOG
from dlgen.cli.console import console

app = typer.Typer()


@app.command("list")
def list_(
    as_json: Annotated[
        bool, typer.Option("--json", help="The full catalog and combinations as JSON.")
    ] = False,
) -> None:
    """Show every task, architecture, framework, hardware target and option."""
    if as_json:
        print(json.dumps(api.describe_catalog(), indent=2))
        return
    combos = Table(title="Architectures per task, and where they run", show_lines=False)
    for column in ("task", "architecture", "frameworks", "hardware"):
        combos.add_column(column)
    for task in CATALOG.offered_tasks():
        for arch in CATALOG.architectures_for(task.id):
            hardware = "; ".join(
                f"{fw}: {', '.join(o.id for o in CATALOG.offered(CATALOG.hardware, fw))}"
                for fw in arch.frameworks
            )
            combos.add_row(
                task.id, f"{arch.id} [dim]({arch.label})[/dim]", ", ".join(arch.frameworks), hardware
            )
    console.print(combos)

    options = Table(title="Options")
    for column in ("question", "value", "available for", "note"):
        options.add_column(column)
    groups = {
        "framework": CATALOG.frameworks,
        "hardware": CATALOG.hardware,
        "export": CATALOG.exports,
        "serving": CATALOG.servers,
        "tracker": CATALOG.trackers,
    }
    for question, items in groups.items():
        for option in items:
            where = (
                ", ".join(option.frameworks)
                if question != "framework"
                else ("offered" if option in CATALOG.offered_frameworks() else "")
            )
            options.add_row(question, option.id, where or "[dim]not yet[/dim]", option.note)
    for option in CATALOG.ci_providers:
        options.add_row("ci", option.id, "all", option.note)
    console.print(options)
    count = sum(1 for _ in CATALOG.combinations())
    console.print(f"{count} valid task x architecture x framework x hardware combinations")
