"""dlgen as a library: everything the CLI and the cookiecutter hooks do, callable from Python.

from dlgen import api
answers, result = api.new("my-net", flags={"architecture": "resnet"}, defaults_only=True)
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from dlgen import answers as answer_sources
from dlgen import configfiles
from dlgen.catalog import CATALOG, QUESTIONS, Catalog
from dlgen.errors import DlgenError
from dlgen.names import project_slug
from dlgen.render import RenderResult, check_destination, render, template_root


def resolve_answers(
    dest: Path | str | None = None,
    flags: dict[str, Any] | None = None,
    data_file: Path | str | None = None,
    ask: answer_sources.Asker | None = None,
    catalog: Catalog = CATALOG,
) -> dict[str, Any]:
    """Answers from flags, an answers file, prompts and defaults (see `dlgen.answers.resolve`).

    The destination folder's name is the default project name.
    """
    data = answer_sources.load_data_file(Path(data_file)) if data_file else {}
    defaults = {"project_name": Path(dest).name} if dest else {}
    return answer_sources.resolve(flags=flags, data=data, ask=ask, catalog=catalog, defaults=defaults)


def new(
    dest: Path | str | None,
    flags: dict[str, Any] | None = None,
    data_file: Path | str | None = None,
    ask: answer_sources.Asker | None = None,
    template: Path | str | None = None,
    vcs_ref: str | None = None,
    overwrite: bool = False,
    dry_run: bool = False,
) -> tuple[dict[str, Any], RenderResult]:
    """Resolve the answers and render a project into `dest` (default: `./<project_slug>`)."""
    if dest is not None:
        check_destination(Path(dest).expanduser().absolute(), overwrite)  # fail before any question
    answers = resolve_answers(dest, flags, data_file, ask)
    target = Path(dest) if dest is not None else Path(project_slug(answers["project_name"]))
    result = render(answers, target, template=template, vcs_ref=vcs_ref, overwrite=overwrite, dry_run=dry_run)
    return answers, result


def describe_catalog(catalog: Catalog = CATALOG) -> dict[str, Any]:
    """The full catalog and the valid combinations, as plain data (`dlgen list --json`)."""
    return {
        "questions": list(QUESTIONS),
        "defaults": dict(catalog.defaults),
        "frameworks": [asdict(o) for o in catalog.frameworks],
        "tasks": [asdict(o) for o in catalog.tasks],
        "architectures": [asdict(o) for o in catalog.architectures],
        "hardware": [asdict(o) for o in catalog.hardware],
        "exports": [asdict(o) for o in catalog.exports],
        "servers": [asdict(o) for o in catalog.servers],
        "trackers": [asdict(o) for o in catalog.trackers],
        "ci_providers": [asdict(o) for o in catalog.ci_providers],
        "combinations": list(catalog.combinations()),
    }


def sync_config(check: bool = False, root: Path | None = None) -> list[str]:
    """Regenerate copier.yml and cookiecutter.json from the catalog.

    With `check`, write nothing and raise if they are stale (for CI and pre-commit).
    """
    root = root or template_root()
    if check:
        stale = configfiles.stale_files(root)
        if stale:
            raise DlgenError(f"{', '.join(stale)} out of date with the catalog; run `dlgen sync-config`")
        return []
    return configfiles.write_files(root)
