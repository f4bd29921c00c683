"""Whether an environment satisfies a generated project's declared dependencies.

What `pip check` reports about one project, read from its pyproject.toml and the installed
distributions' metadata in this process: `pip check` scans every distribution in the
environment (seconds with torch, TensorFlow and JAX installed) to say the same about the one
project the matrix added. The rest of the environment is checked once, when it is made.
"""

from __future__ import annotations

import importlib.metadata
import platform
from pathlib import Path

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name


def installed_versions() -> dict[str, str]:
    """Canonical distribution name -> version, for what this interpreter can import."""
    versions: dict[str, str] = {}
    for dist in importlib.metadata.distributions():
        try:  # a project another matrix worker is installing or removing may be half there
            name, version = dist.metadata["Name"], dist.version
        except OSError:
            continue
        if name and version:
            versions.setdefault(canonicalize_name(name), version)
    return versions


def unmet_requirements(project: Path, versions: dict[str, str] | None = None) -> list[str]:
    """One line per dependency (markers evaluated here, no extras, as `pip check` does) that
    is missing or outside its range, and for a Python version outside `requires-python`."""
    import tomllib  # Python 3.11+, like the matrix

    meta = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8")).get("project", {})
    name = meta.get("name", project.name)
    versions = installed_versions() if versions is None else versions
    problems = []
    python = platform.python_version()
    if not SpecifierSet(meta.get("requires-python", "")).contains(python):
        problems.append(f"{name} requires Python {meta['requires-python']}, this is {python}")
    for line in meta.get("dependencies", []):
        requirement = Requirement(line)
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        have = versions.get(canonicalize_name(requirement.name))
        if have is None:
            problems.append(f"{name} requires {requirement.name}, which is not installed")
        elif not requirement.specifier.contains(have, prereleases=True):
            problems.append(f"{name} has requirement {requirement}, but you have {requirement.name} {have}")
    return problems
