"""Template lines that name the project's package fit the generated lint's line length.

Ruff's E501 (line-length 100 in the generated pyproject.toml) only fails once a project's name
is long: a matrix run caught `from mx247_transformer_multi_gpu.task import ...` at 106 columns.
This reads every Python template line that names the package, substitutes the longest package
name the project-name validator allows, and checks the line still fits, so no name fails lint.
"""

from __future__ import annotations

import re
from pathlib import Path

from dlgen.render import template_root

ROOT = template_root()
LONGEST_PACKAGE = "p" * 32  # copier.yml's project_name validator: at most 32 characters
PACKAGE = re.compile(r"\{\{\s*package(?:_name)?\s*\}\}")
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}")


def _line_length() -> int:
    pyproject = (ROOT / "templates" / "project" / "pyproject.toml.jinja").read_text()
    return int(re.search(r"^line-length = (\d+)$", pyproject, re.MULTILINE).group(1))


def _package_lines() -> list[tuple[Path, int, str]]:
    lines = []
    for path in sorted((ROOT / "templates").rglob("*.py.jinja")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if PACKAGE.search(line):
                lines.append((path, number, line))
    return lines


def test_lines_naming_the_package_fit_with_the_longest_allowed_name() -> None:
    limit = _line_length()
    package_lines = _package_lines()
    assert len(package_lines) > 100  # the scan sees the templates' imports
    too_long = []
    for path, number, line in package_lines:
        rendered = PACKAGE.sub(LONGEST_PACKAGE, line)
        # Other expressions render to at least nothing: a line too long without them is too long.
        if len(JINJA.sub("", rendered)) > limit:
            too_long.append(f"{path.relative_to(ROOT)}:{number}")
    assert not too_long, f"lines over {limit} columns with a 32-character package: {too_long}"
