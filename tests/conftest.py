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


# The matrix run's report: each combination's result travels from its xdist worker to the
# controller as a user property; the controller writes matrix-report.md/.json at the end and
# prints where the time went (CI keeps the log, so the next speed work starts from numbers).
_matrix_results: list[dict] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call":
        _matrix_results.extend(value for name, value in report.user_properties if name == "matrix_result")


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if hasattr(config, "workerinput") or not _matrix_results:
        return
    from dlgen import matrix

    results = [matrix.Result(**value) for value in _matrix_results]
    _, md_path = matrix.write_report(results, REPO_ROOT / "matrix-report")
    terminalreporter.write_sep("=", f"matrix: {len(results)} combinations, report {md_path}")
    for line in matrix.time_summary(results):
        terminalreporter.write_line(line)
    terminalreporter.write_line("slowest combinations:")
    for r in sorted(results, key=lambda r: -r.seconds)[:15]:
        steps = " ".join(f"{step}={seconds:.1f}" for step, seconds in r.steps.items())
        terminalreporter.write_line(f"  {r.seconds:6.1f} s  {r.id}  ({steps})")
