"""The engine: answers -> copier `run_copy` into a staging folder -> moved into place.

Rendering never writes into the destination until copier has succeeded, so a failure
(a bad answer, an exception, Ctrl-C) leaves no half-made project behind, and a non-empty
destination is only written into when the caller says `overwrite=True`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dlgen.errors import DlgenError

ANSWERS_FILE = ".copier-answers.yml"


def template_root() -> Path:
    """The template this dlgen renders by default: its own source tree, or the packaged copy."""
    here = Path(__file__).resolve().parent
    source = here.parents[1]  # generator/dlgen -> repository root (source or editable install)
    if (source / "copier.yml").is_file() and (source / "templates").is_dir():
        return source
    packaged = here / "_template"  # present in wheels (see pyproject.toml force-include)
    if (packaged / "copier.yml").is_file():
        return packaged
    raise DlgenError("dlgen's template was not found next to the package; reinstall dlgen")


def is_git_checkout(path: Path) -> bool:
    return (path / ".git").exists()


def default_vcs_ref(template: str) -> str | None:
    """For a local git checkout, render its working tree (HEAD plus uncommitted edits).

    copier would otherwise pick the newest tag, silently ignoring newer template work;
    `_commit` still records `git describe` of what was rendered, so `copier update` works.
    """
    path = Path(template)
    return "HEAD" if path.is_dir() and is_git_checkout(path) else None


@dataclass(frozen=True)
class RenderResult:
    destination: Path
    files: list[str]


def _copier_data(answers: Mapping[str, Any]) -> dict[str, Any]:
    data = dict(answers)
    data["export"] = list(answers.get("export", []))
    return data


def _render_into(staging: Path, answers: Mapping[str, Any], template: str, vcs_ref: str | None) -> None:
    from copier import run_copy  # imported late: `dlgen --help` and `dlgen list` stay fast
    from copier.errors import CopierError
    from jinja2 import TemplateError

    from dlgen.jinja_cache import compiled_templates

    try:
        with warnings.catch_warnings(), compiled_templates():
            warnings.simplefilter("ignore")  # copier's DirtyLocalWarning is for template authors
            run_copy(
                src_path=template,
                dst_path=staging,
                data=_copier_data(answers),
                defaults=True,
                overwrite=True,
                quiet=True,
                vcs_ref=vcs_ref,
                unsafe=False,
            )
    except (CopierError, ValueError, TemplateError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DlgenError(f"rendering failed: {first_line}") from None


def list_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def check_destination(dest: Path, overwrite: bool) -> None:
    if dest.exists() and not dest.is_dir():
        raise DlgenError(f"destination {dest} exists and is not a directory")
    if dest.is_dir() and any(dest.iterdir()) and not overwrite:
        raise DlgenError(f"destination {dest} is not empty; pass --overwrite to write into it")


def render(
    answers: Mapping[str, Any],
    dest: Path | str,
    *,
    template: Path | str | None = None,
    vcs_ref: str | None = None,
    overwrite: bool = False,
    dry_run: bool = False,
) -> RenderResult:
    """Render `answers` into `dest`. With `dry_run`, list what would be written and write nothing."""
    dest = Path(dest).expanduser().absolute()
    check_destination(dest, overwrite)
    source = str(template) if template is not None else str(template_root())
    if "://" not in source and not source.startswith("gh:") and not source.startswith("gl:"):
        source = str(Path(source).expanduser().resolve())  # copier update needs an absolute path
    ref = vcs_ref if vcs_ref is not None else default_vcs_ref(source)

    parent = dest.parent if dest.parent.is_dir() else None  # same filesystem -> atomic rename
    staging_root = Path(tempfile.mkdtemp(prefix=".dlgen-", dir=parent))
    try:
        staging = staging_root / dest.name
        _render_into(staging, answers, source, ref)
        files = list_files(staging)
        if not dry_run:
            _move_into_place(staging, dest)
        return RenderResult(destination=dest, files=files)
    finally:
        shutil.rmtree(staging_root, ignore_errors=True)


def _move_into_place(staging: Path, dest: Path) -> None:
    if dest.is_dir() and any(dest.iterdir()):
        shutil.copytree(staging, dest, dirs_exist_ok=True)  # --overwrite: copier's own semantics
        return
    if dest.is_dir():
        dest.rmdir()
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(staging, dest)
    except OSError:  # staging on another filesystem
        shutil.move(str(staging), str(dest))
