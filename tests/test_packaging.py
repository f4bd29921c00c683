"""The wheel ships the template, and an installed (non-editable) dlgen renders from it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

PROBE = """
import sys
from dlgen import api
from dlgen.render import template_root
root = template_root()
assert root.name == "_template", root
_, result = api.new(sys.argv[1], flags={"architecture": "mlp"})
print(len(result.files))
"""


def test_wheel_contains_template_and_renders_from_it(repo_root: Path, tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            ".",
        ],
        cwd=repo_root,
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("dlgen-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "site")
    assert "dlgen/_template/copier.yml" in names
    assert "dlgen/_template/templates/project/pyproject.toml.jinja" in names
    assert "dlgen/cli/__init__.py" in names
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path / "proj")],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "proj/src/proj/model.py").is_file()
