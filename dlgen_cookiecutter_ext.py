"""Jinja extension that cookiecutter loads (cookiecutter.json `_extensions`) for dlgen's hooks.

The hooks need this template's absolute path, and cookiecutter's `_repo_dir` is the path as
the user typed it (relative to their shell) while hooks run inside the new project. But
cookiecutter renders each hook *inside the template directory* (hooks.run_hook_from_repo_dir
works in repo_dir), so the working directory at render time is the template root. The value
is computed when the hook renders, not when this module is imported: cookiecutter appends the
template to sys.path, so another copy of this module (say, a dlgen checkout in the user's
current directory) may be the one imported.
"""

import os

from jinja2.ext import Extension


def template_root_at_render_time() -> str:
    return os.getcwd()


class DlgenPaths(Extension):
    def __init__(self, environment):
        super().__init__(environment)
        environment.globals["dlgen_template_root"] = template_root_at_render_time
