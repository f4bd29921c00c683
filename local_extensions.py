"""Jinja extension cookiecutter loads (cookiecutter.json `_extensions`).

It gives the hooks this template's absolute path: cookiecutter's `_repo_dir` is the path as
the user typed it, relative to their shell, while hooks run inside the new project.
"""

from pathlib import Path

from jinja2.ext import Extension


class DlgenPaths(Extension):
    def __init__(self, environment):
        super().__init__(environment)
        environment.globals["dlgen_template_root"] = str(Path(__file__).resolve().parent)
