"""`dlgen new`: ask (or take from flags / an answers file) and render a project."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.prompt import Prompt
from rich.tree import Tree

from dlgen import api
from dlgen.catalog import MULTI_SELECT, QUESTIONS
from dlgen.cli.console import console
from dlgen.configfiles import HELP
from dlgen.errors import DlgenError
from dlgen.names import package_name, project_slug

app = typer.Typer()


def ask(question: str, choices: list[str], default: Any) -> Any:
    """Interactive prompt: only the choices the catalog allows given earlier answers."""
    try:
        return _prompt(question, choices, default)
    except EOFError:
        raise DlgenError(f"no answer for {question} (input closed); pass --defaults or flags") from None


def _prompt(question: str, choices: list[str], default: Any) -> Any:
    if question == "project_name":
        return Prompt.ask(HELP[question], default=default, console=console)
    if question in MULTI_SELECT:
        shown = ", ".join(choices) or "none"
        answer = Prompt.ask(
            f"{HELP[question]} [dim](comma-separated from {shown}, or none)[/dim]",
            default=",".join(default) or "none",
            console=console,
        )
        return answer
    return Prompt.ask(HELP[question], choices=choices, default=default, console=console)


def _tree(root_name: str, files: list[str]) -> Tree:
    tree = Tree(f"[bold]{root_name}/[/bold]")
    nodes: dict[str, Tree] = {"": tree}
    for rel in files:
        parts = rel.split("/")
        for depth in range(1, len(parts)):
            key = "/".join(parts[:depth])
            if key not in nodes:
                nodes[key] = nodes["/".join(parts[: depth - 1])].add(f"{parts[depth - 1]}/")
        nodes["/".join(parts[:-1])].add(parts[-1])
    return tree


@app.command()
def new(
    dest: Annotated[
        Path | None, typer.Argument(help="Where to create the project (default: ./<project-slug>).")
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="Project name (default: DEST's name).")] = None,
    task: Annotated[str | None, typer.Option(help="Task, e.g. image_classification.")] = None,
    architecture: Annotated[str | None, typer.Option(help="Architecture of the chosen task.")] = None,
    framework: Annotated[str | None, typer.Option(help="pytorch, tensorflow or jax.")] = None,
    hardware: Annotated[str | None, typer.Option(help="cpu, cuda, ...")] = None,
    export: Annotated[
        list[str] | None, typer.Option(help="Export format; repeat or comma-separate; 'none' for none.")
    ] = None,
    serving: Annotated[
        list[str] | None,
        typer.Option(help="Model server to package for (torchserve); repeat or comma-separate; 'none'."),
    ] = None,
    tracker: Annotated[str | None, typer.Option(help="Experiment tracker.")] = None,
    ci: Annotated[str | None, typer.Option(help="CI provider: github, gitlab or none.")] = None,
    defaults: Annotated[
        bool, typer.Option("--defaults", help="Ask nothing: catalog defaults for what is not given.")
    ] = False,
    data_file: Annotated[
        Path | None,
        typer.Option("--data-file", help="YAML/JSON answers, e.g. another project's .copier-answers.yml."),
    ] = None,
    template: Annotated[
        str | None, typer.Option(help="Template path or git URL (default: the one shipped with dlgen).")
    ] = None,
    vcs_ref: Annotated[str | None, typer.Option("--vcs-ref", help="Git tag/commit of the template.")] = None,
    overwrite: Annotated[bool, typer.Option(help="Allow writing into a non-empty DEST.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the file tree; write nothing.")] = False,
) -> None:
    """Create a new deep-learning project."""
    flags = {
        "project_name": name,
        "task": task,
        "architecture": architecture,
        "framework": framework,
        "hardware": hardware,
        "export": [part for item in export for part in item.split(",")] if export else None,
        "serving": [part for item in serving for part in item.split(",")] if serving else None,
        "tracker": tracker,
        "ci": ci,
    }
    answers, result = api.new(
        dest,
        flags=flags,
        data_file=data_file,
        ask=None if defaults else ask,
        template=template,
        vcs_ref=vcs_ref,
        overwrite=overwrite,
        dry_run=dry_run,
    )
    name_ = answers["project_name"]
    summary = ", ".join(f"{q}={answers[q]}" for q in QUESTIONS[1:])
    if dry_run:
        console.print(_tree(result.destination.name, result.files))
        console.print(
            f"[dim]dry run: {len(result.files)} files would be written to {result.destination}[/dim]"
        )
        return
    console.print(
        f"[green]created[/green] {result.destination} ({len(result.files)} files): "
        f"package [bold]{package_name(name_)}[/bold], command [bold]{project_slug(name_)}[/bold]; {summary}",
        highlight=False,
    )
    console.print(
        f"next: cd {result.destination} && pip install -e '.[dev]' && {project_slug(name_)} sample-data "
        f"&& {project_slug(name_)} train",
        highlight=False,
        markup=False,
    )
