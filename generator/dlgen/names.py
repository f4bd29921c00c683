"""Project names: what is accepted, and the slug and package name derived from it.

The same rules are written as Jinja in copier.yml (see `dlgen.configfiles`); a test keeps
both in step.
"""

from __future__ import annotations

import keyword
import re

from dlgen.errors import DlgenError

MAX_NAME_LENGTH = 32  # longer package names push generated imports past the 100-column lint
NAME_PATTERN = rf"^[A-Za-z][A-Za-z0-9_-]{{0,{MAX_NAME_LENGTH - 1}}}$"
# Package names that would shadow a library every generated project imports.
RESERVED_PACKAGES: tuple[str, ...] = (
    "test", "tests", "torch", "numpy", "yaml", "typer", "rich", "onnx", "onnxruntime",
    "tensorflow", "keras", "jax", "flax", "optax", "src", "config", "data", "model",
    "ts",  # TorchServe's package, which the torchserve handler imports
    "bentoml",  # the BentoML service imports it
)  # fmt: skip


def project_slug(name: str) -> str:
    """Distribution and console-script name: `My_Net` -> `my-net`."""
    return name.lower().replace("_", "-")


def package_name(name: str) -> str:
    """Import package name: `My-Net` -> `my_net`."""
    return name.lower().replace("-", "_")


def check_project_name(name: object) -> str:
    """Return `name` if it makes a valid project, else raise a one-line DlgenError."""
    if not isinstance(name, str) or not name:
        raise DlgenError("project name must not be empty")
    if not re.match(NAME_PATTERN, name):
        suggestion = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        if suggestion and not suggestion[0].isalpha():
            suggestion = f"project-{suggestion}"
        hint = f" (try '{suggestion[:MAX_NAME_LENGTH]}')" if suggestion else ""
        raise DlgenError(
            f"invalid project name {name!r}: use letters, digits, '-' and '_', start with a "
            f"letter, at most {MAX_NAME_LENGTH} characters{hint}"
        )
    package = package_name(name)
    if keyword.iskeyword(package) or package in RESERVED_PACKAGES:
        raise DlgenError(
            f"invalid project name {name!r}: its package name '{package}' would shadow "
            "a Python keyword or a library the project imports"
        )
    return name
