"""Every third-party module a generated project imports is one of its declared dependencies.

A module that arrives only through another package (pydantic through fastapi) or only in
dlgen's own environment (tokenizers beside PyTorch) passes every test here and fails on a user's
fresh install. One project per framework x task (CPU target, default answers: every export,
so the serve and quantize modules too): its `src/` imports, mapped to the distributions that
provide them in this environment, against `pyproject.toml`'s dependencies and extras.
Accelerator targets leave the framework build to the user on purpose (tensorflow[and-cuda],
tensorflow-tpu, jax[cuda]) and are not checked here.
"""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
import tomllib

from dlgen import api
from dlgen.catalog import CATALOG
from dlgen.support import all_supports

PROVIDERS = packages_distributions()  # top-level module -> distributions installed here


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(pyproject: Path) -> set[str]:
    """The distributions a project declares, with its extras' (`dev`, trackers)."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    requirements = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        requirements += extra
    return {canonical(re.split(r"[<>=!~;\[ ]", requirement.strip())[0]) for requirement in requirements}


def imported(source: Path, package: str) -> set[str]:
    """Top-level modules imported absolutely anywhere under `source`, stdlib and the package
    itself left out."""
    modules = set()
    for path in source.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    return {m for m in modules if m not in sys.stdlib_module_names and m != package}


@pytest.mark.parametrize(
    ("framework", "task", "architecture"),
    [
        (support.id, task, architectures[0])
        for support in all_supports()
        for task, architectures in support.architectures.items()
    ],
)
def test_every_imported_module_is_declared(
    tmp_path: Path, framework: str, task: str, architecture: str
) -> None:
    project = tmp_path / "proj"
    flags = {"project_name": "proj", "framework": framework, "task": task}
    servers = CATALOG.choices("serving", {**flags, "export": ["onnx"]})  # every model server too
    api.new(project, flags={**flags, "architecture": architecture, "hardware": "cpu", "serving": servers})
    dependencies = declared(project / "pyproject.toml")
    undeclared = {
        module
        for module in imported(project / "src", "proj")
        if not {canonical(d) for d in PROVIDERS.get(module, [module])} & dependencies
    }
    assert not undeclared, f"imported but not declared in pyproject.toml: {sorted(undeclared)}"
