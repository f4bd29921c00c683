"""`dlgen matrix`: render, install, lint and test every valid combination."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from dlgen import matrix
from dlgen.cli.console import console
from dlgen.errors import DlgenError

app = typer.Typer()


@app.command("matrix")
def matrix_(
    jobs: Annotated[int, typer.Option("-j", "--jobs", min=1, help="Combinations run in parallel.")] = 1,
    shard: Annotated[str | None, typer.Option(help="Run only shard i/n, e.g. 2/4.")] = None,
    list_only: Annotated[
        bool, typer.Option("--list", help="Print the combinations and why; run nothing.")
    ] = False,
    select: Annotated[
        str | None, typer.Option("-k", help="Only combinations whose id contains this text.")
    ] = None,
    report: Annotated[Path, typer.Option(help="Report path stem: writes STEM.md and STEM.json.")] = Path(
        "matrix-report"
    ),
) -> None:
    """Build and smoke-test every combination the catalog offers."""
    combos = matrix.shard(matrix.plan(), shard)
    if select:
        combos = [c for c in combos if select in c.id]
    if list_only:
        table = Table(title=f"{len(combos)} combinations")
        for column in (
            "#",
            "task",
            "architecture",
            "framework",
            "hardware",
            "export",
            "serving",
            "tracker",
            "ci",
            "why",
            "depth",
        ):
            table.add_column(column)
        for i, c in enumerate(combos):
            table.add_row(
                str(i), c.task, c.architecture, c.framework, c.hardware,
                ",".join(c.export) or "-", ",".join(c.serving) or "-", c.tracker, c.ci, c.reason, c.depth,
            )  # fmt: skip
        console.print(table)
        console.print(
            "primary: every task x architecture x framework x hardware; "
            "pairwise: added so every pair of option values appears at least once"
        )
        return
    if not combos:
        raise DlgenError("no combination selected")
    with Progress(
        TextColumn("[bold]matrix"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("{task.description}"), console=console,
    ) as progress:  # fmt: skip
        bar = progress.add_task("", total=len(combos))

        def show(result: matrix.Result) -> None:
            mark = "[green]pass[/green]" if result.passed else f"[red]FAIL ({result.failed_step})[/red]"
            progress.console.print(f"{mark} {result.id} [dim]{result.seconds:.1f}s[/dim]")
            progress.advance(bar)

        results = matrix.run(combos, jobs=jobs, on_result=show)
    json_path, md_path = matrix.write_report(results, report)
    failed = [r for r in results if not r.passed]
    for r in failed:
        console.print(f"[red]FAIL[/red] {r.id} at {r.failed_step}:\n{r.output_tail[-1500:]}", highlight=False)
    console.print(
        f"{len(results) - len(failed)} passed, {len(failed)} failed; report: {md_path}, {json_path}"
    )
    if failed:
        raise typer.Exit(1)
