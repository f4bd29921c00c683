"""Every generated Dockerfile runs its commands as an unprivileged user."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlgen.render import template_root

DOCKERFILES = [
    *sorted(template_root().glob("templates/*/hardware/*/Dockerfile.jinja")),
    template_root() / "templates/deploy/Dockerfile.serve.jinja",
]


def test_every_framework_and_target_has_a_dockerfile() -> None:
    assert len(DOCKERFILES) >= 7


@pytest.mark.parametrize("path", DOCKERFILES, ids=lambda p: "/".join(p.parts[-4:-1]))
def test_the_entrypoint_runs_as_a_non_root_user(path: Path) -> None:
    lines = [line.strip() for line in path.read_text().splitlines()]
    entrypoint = next(i for i, line in enumerate(lines) if line.startswith("ENTRYPOINT"))
    last_from = max(i for i, line in enumerate(lines) if line.startswith("FROM "))
    users = [line.split()[1] for line in lines[last_from:entrypoint] if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0"), "no non-root USER before ENTRYPOINT"
