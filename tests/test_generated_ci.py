"""The CI a generated project ships is safe to run: actions pinned to commit SHAs, read-only
token, no persisted credentials, no secrets, and an advisory dependency audit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from dlgen.api import new

SECRET = re.compile(r"secrets\.|token|password|api[_-]?key", re.IGNORECASE)


@pytest.fixture(scope="module")
def github(tmp_path_factory: pytest.TempPathFactory) -> dict:
    dest = tmp_path_factory.mktemp("gh") / "proj"
    new(dest, {"ci": "github"})
    return yaml.safe_load((dest / ".github/workflows/ci.yml").read_text())


def test_github_actions_are_pinned_to_commit_shas(github: dict) -> None:
    uses = [step["uses"] for job in github["jobs"].values() for step in job["steps"] if "uses" in step]
    assert uses and all(re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", use) for use in uses), uses


def test_github_jobs_read_only_without_persisted_credentials(github: dict) -> None:
    assert github["permissions"] == {"contents": "read"}
    for job in github["jobs"].values():
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False


def test_the_dependency_audit_is_advisory(github: dict) -> None:
    audit = github["jobs"]["audit"]
    assert audit["continue-on-error"] is True
    assert any("pip-audit" in step.get("run", "") for step in audit["steps"])


def test_gitlab_runs_an_advisory_audit(tmp_path: Path) -> None:
    new(tmp_path / "proj", {"ci": "gitlab"})
    pipeline = yaml.safe_load((tmp_path / "proj" / ".gitlab-ci.yml").read_text())
    assert pipeline["audit"]["allow_failure"] is True
    assert any("pip-audit" in line for line in pipeline["audit"]["script"])


@pytest.mark.parametrize("ci", ["github", "gitlab"])
def test_no_secret_or_token_is_referenced(ci: str, tmp_path: Path) -> None:
    new(tmp_path / "proj", {"ci": ci})
    name = ".github/workflows/ci.yml" if ci == "github" else ".gitlab-ci.yml"
    assert not SECRET.search((tmp_path / "proj" / name).read_text())
