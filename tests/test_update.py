"""`copier update` in a generated project: template changes come in, the user's work stays.

Each test renders v1 of a clean template copy, commits a user's change in the project, tags a
template v2 and runs `copier update` the way a user does. The behaviours asserted here are the
ones the generated README's "Updating" section documents (copier issues #1735, #1894, #686).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from dlgen import api
from tests.conftest import git, make_template_copy


@pytest.fixture
def v1(tmp_path: Path) -> tuple[Path, Path]:
    """(template at v1.0.0, project rendered from it and committed)."""
    template = make_template_copy(tmp_path / "template", tag="v1.0.0")
    project = tmp_path / "proj"
    api.new(project, flags={"project_name": "upd", "architecture": "mlp", "ci": "github"}, template=template)
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"] == "v1.0.0"
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "generated")
    return template, project


def commit_user_work(project: Path) -> None:
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "user work")


def release_v2(template: Path, edits: dict[str, tuple[str, str]]) -> None:
    """Apply `path: (old, new)` replacements ('' old = append) and tag v2.0.0."""
    for rel, (old, new) in edits.items():
        path = template / rel
        text = path.read_text()
        path.write_text(text + new if not old else text.replace(old, new))
    git(template, "commit", "-q", "-am", "template v2")
    git(template, "tag", "v2.0.0")


def copier_update(project: Path, *extra: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "copier", "update", "--defaults", *extra]
    proc = subprocess.run(cmd, cwd=project, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc


def conflict_markers(project: Path) -> list[str]:
    return [
        p.relative_to(project).as_posix()
        for p in project.rglob("*")
        if p.is_file() and ".git" not in p.parts and re.search(r"^<{7}", p.read_text(errors="ignore"), re.M)
    ]


MAKEFILE = "templates/project/Makefile.jinja"
TEST_LINE = "test:  ## run the test suite on all cores"


def test_update_merges_template_change_and_keeps_user_edits(v1) -> None:
    template, project = v1
    readme = project / "README.md"
    readme.write_text(readme.read_text() + "\n## Our team's notes\nKeep this.\n")
    (project / "NOTES.md").write_text("a file the template does not know\n")
    commit_user_work(project)
    release_v2(template, {MAKEFILE: ("", "\nhello:  ## added by template v2\n\t@echo hello\n")})

    copier_update(project)
    assert "added by template v2" in (project / "Makefile").read_text()
    assert "Keep this." in readme.read_text()
    assert (project / "NOTES.md").is_file()
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"] == "v2.0.0"
    assert conflict_markers(project) == [] and not list(project.rglob("*.rej"))


def test_a_deleted_generated_file_stays_deleted(v1) -> None:
    template, project = v1
    (project / "Dockerfile").unlink()
    commit_user_work(project)
    release_v2(template, {"templates/pytorch/hardware/cpu/Dockerfile.jinja": ("", "\n# changed in v2\n")})
    copier_update(project)
    assert not (project / "Dockerfile").exists()


def test_changing_an_answer_swaps_conditional_files(v1) -> None:
    template, project = v1
    release_v2(template, {MAKEFILE: ("", "\n# v2\n")})
    copier_update(project, "--data", "ci=gitlab")
    assert not (project / ".github").exists()
    assert (project / ".gitlab-ci.yml").is_file()
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["ci"] == "gitlab"


def test_conflicting_edits_are_reported_not_dropped(v1) -> None:
    template, project = v1
    makefile = project / "Makefile"
    makefile.write_text(makefile.read_text().replace(TEST_LINE, "test:  ## our own wording"))
    commit_user_work(project)
    release_v2(template, {MAKEFILE: (TEST_LINE, "test:  ## the template's new wording")})
    copier_update(project)
    text = makefile.read_text()
    assert conflict_markers(project) == ["Makefile"]
    assert "our own wording" in text and "the template's new wording" in text  # both sides kept
    assert "UU Makefile" in git(project, "status", "--short")  # git lists it as unmerged
