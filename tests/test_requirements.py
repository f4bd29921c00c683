"""The matrix's per-project dependency check: what `pip check` says about one project."""

from __future__ import annotations

import platform
from pathlib import Path

from dlgen import matrix
from dlgen.render import render
from dlgen.requirements import installed_versions, unmet_requirements


def write_pyproject(root: Path, dependencies: list[str], requires_python: str = ">=3.10") -> Path:
    lines = ", ".join(f'"{d}"' for d in dependencies)
    text = f'[project]\nname = "demo"\nrequires-python = "{requires_python}"\ndependencies = [{lines}]\n'
    (root / "pyproject.toml").write_text(text, encoding="utf-8")
    return root


def test_missing_and_out_of_range_dependencies_are_reported(tmp_path: Path) -> None:
    versions = {"numpy": "2.1.0", "pyyaml": "6.0.2"}
    project = write_pyproject(
        tmp_path,
        [
            "numpy>=1.26",  # met
            "PyYAML<6",  # out of range: names compare canonically
            "scipy>=1.10",  # missing
            "tomli>=2; python_version < '3.0'",  # marker false here: not required
            "rich>=13; extra == 'pretty'",  # an extra: `pip check` leaves it out too
        ],
    )
    assert unmet_requirements(project, versions) == [
        "demo has requirement PyYAML<6, but you have PyYAML 6.0.2",
        "demo requires scipy, which is not installed",
    ]


def test_a_python_outside_requires_python_is_reported(tmp_path: Path) -> None:
    project = write_pyproject(tmp_path, [], requires_python="<3.0")
    assert unmet_requirements(project, {}) == [
        f"demo requires Python <3.0, this is {platform.python_version()}"
    ]


def test_this_environment_satisfies_a_generated_project(tmp_path: Path) -> None:
    versions = installed_versions()
    assert {"torch", "pyyaml", "typer"} <= versions.keys()
    combo = next(c for c in matrix.plan() if c.framework == "pytorch")
    render(combo.answers("reqcheck"), tmp_path / "p", template=matrix.template_snapshot())
    assert unmet_requirements(tmp_path / "p", versions) == []
