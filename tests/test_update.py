"""`copier update` in a generated project pulls a template change and keeps the user's edits."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from dlgen import api
from tests.conftest import git, make_template_copy


def test_copier_update_keeps_user_edits(tmp_path: Path) -> None:
    template = make_template_copy(tmp_path / "template", tag="v1.0.0")
    project = tmp_path / "proj"
    api.new(project, flags={"project_name": "upd", "architecture": "mlp"}, template=template)
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"] == "v1.0.0"

    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "generated")
    readme = project / "README.md"
    readme.write_text(readme.read_text() + "\n## Our team's notes\nKeep this.\n")
    (project / "NOTES.md").write_text("a file the template does not know\n")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "user edits")

    makefile = template / "templates/project/Makefile.jinja"
    makefile.write_text(makefile.read_text() + "\nhello:  ## added by template v2\n\t@echo hello\n")
    git(template, "commit", "-q", "-am", "template v2")
    git(template, "tag", "v2.0.0")

    proc = subprocess.run(
        [sys.executable, "-m", "copier", "update", "--defaults"], cwd=project, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert "added by template v2" in (project / "Makefile").read_text()
    assert "Keep this." in readme.read_text()
    assert (project / "NOTES.md").is_file()
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"] == "v2.0.0"
    for path in project.rglob("*"):
        if path.is_file() and ".git" not in path.parts:
            assert "<<<<<<<" not in path.read_text(errors="ignore"), path
    assert not list(project.rglob("*.rej"))
