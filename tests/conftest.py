"""Shared fixtures: the repository root, a CLI runner, and the matrix switch."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

REPO_ROOT = Path(__file__).resolve().parents[1]

# Git needs an identity for the commits tests (and `copier update`) make; CI machines have none.
for _key, _value in {
    "GIT_AUTHOR_NAME": "dlgen tests",
    "GIT_AUTHOR_EMAIL": "tests@dlgen.invalid",
    "GIT_COMMITTER_NAME": "dlgen tests",
    "GIT_COMMITTER_EMAIL": "tests@dlgen.invalid",
}.items():
    os.environ.setdefault(_key, _value)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--full-matrix",
        action="store_true",
        default=os.environ.get("DLGEN_FULL_MATRIX") == "1",
        help="run every matrix combination (CI does); default: a sample",
    )


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def files_of(root: Path) -> dict[str, bytes]:
    """Every file under `root` (relative path -> bytes), ignoring caches."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts and ".git" not in p.parts
    }


def git(cwd: Path, *args: str) -> str:
    import subprocess

    out = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return out.stdout


def make_template_copy(dest: Path, tag: str = "v1.0.0") -> Path:
    """A clean git copy of this template (tracked + new files), committed and tagged."""
    import shutil

    listed = git(REPO_ROOT, "ls-files", "--cached", "--others", "--exclude-standard", "-z").split("\0")
    for rel in filter(None, listed):
        source = REPO_ROOT / rel
        if source.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / rel)
    git(dest, "init", "-q", "-b", "main")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "template v1")
    git(dest, "tag", tag)
    return dest


@pytest.fixture(scope="session")
def template_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Read-only use: a clean, tagged template, so every door records the same `_commit`."""
    return make_template_copy(tmp_path_factory.mktemp("template"))
