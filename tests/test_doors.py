"""The three doors (dlgen new, copier copy, cookiecutter) give the same tree for the same answers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from dlgen import api
from tests.conftest import files_of

ANSWERS = {
    "project_name": "door_test",
    "task": "image_classification",
    "architecture": "lenet",
    "framework": "pytorch",
    "hardware": "cuda",
    "export": ["onnx", "torch_export"],
    "serving": ["torchserve"],
    "tracker": "csv",
    "ci": "gitlab",
}


def _without_src_path(files: dict[str, bytes]) -> dict[str, object]:
    result: dict[str, object] = dict(files)
    answers = yaml.safe_load(files[".copier-answers.yml"])
    assert Path(answers.pop("_src_path")).is_absolute()
    result[".copier-answers.yml"] = answers
    return result


def _cookiecutter(template: Path, out: Path, answers: dict) -> subprocess.CompletedProcess:
    extra = [f"{k}={','.join(v) if isinstance(v, list) else v}" for k, v in answers.items()]
    cmd = [sys.executable, "-m", "cookiecutter", "--no-input", "-o", str(out), str(template), *extra]
    return subprocess.run(cmd, capture_output=True, text=True)


@pytest.fixture(scope="module")
def dlgen_tree(template_copy: Path, tmp_path_factory) -> dict[str, object]:
    dest = tmp_path_factory.mktemp("dlgen") / "door-test"
    api.new(dest, flags=ANSWERS, template=template_copy)
    return _without_src_path(files_of(dest))


def test_copier_door_gives_the_same_tree(template_copy: Path, tmp_path: Path, dlgen_tree) -> None:
    dest = tmp_path / "door-test"
    data = [arg for k, v in ANSWERS.items() for arg in ("--data", f"{k}={v}")]
    cmd = [sys.executable, "-m", "copier", "copy", "--defaults", *data, str(template_copy), str(dest)]
    subprocess.run(cmd, check=True, capture_output=True)
    assert _without_src_path(files_of(dest)) == dlgen_tree


def test_copie_fixture_gives_the_same_tree(copie, template_copy: Path, dlgen_tree) -> None:
    result = copie.copy(extra_answers=ANSWERS, template_dir=template_copy)
    assert result.exit_code == 0, result.exception
    assert _without_src_path(files_of(result.project_dir)) == dlgen_tree


def test_cookiecutter_door_gives_the_same_tree(template_copy: Path, tmp_path: Path, dlgen_tree) -> None:
    proc = _cookiecutter(template_copy, tmp_path, ANSWERS)
    assert proc.returncode == 0, proc.stderr
    assert _without_src_path(files_of(tmp_path / "door-test")) == dlgen_tree


def test_cookiecutter_relative_template_path(template_copy: Path, tmp_path: Path, dlgen_tree) -> None:
    """`_repo_dir` is relative to the caller while hooks run inside the project: still works."""
    relative = Path("..") / template_copy.parent.name / template_copy.name
    cmd = [sys.executable, "-m", "cookiecutter", "--no-input", "-o", "out", str(relative)]
    cmd += [f"{k}={','.join(v) if isinstance(v, list) else v}" for k, v in ANSWERS.items()]
    workdir = template_copy.parent.parent / "caller"
    workdir.mkdir(exist_ok=True)
    proc = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    project = workdir / "out" / "door-test"
    assert _without_src_path(files_of(project)) == dlgen_tree
    assert Path(yaml.safe_load((project / ".copier-answers.yml").read_text())["_src_path"]) == template_copy


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"export": "onnx,tflite"}, "invalid export tflite"),
        ({"project_name": "9lives"}, "invalid project name"),
    ],
)
def test_cookiecutter_rejects_invalid_combinations(
    template_copy: Path, tmp_path: Path, override, message
) -> None:
    proc = _cookiecutter(template_copy, tmp_path, {**ANSWERS, **override})
    assert proc.returncode != 0
    assert message in proc.stderr
    assert list(tmp_path.iterdir()) == []
