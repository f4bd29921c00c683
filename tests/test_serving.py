"""`serve` is rendered exactly where the catalog says: a serving task with an ONNX export."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlgen import api
from dlgen.support import all_supports

SERVE_FILES = ("src/{package}/serve.py", "tests/test_serve.py", "Dockerfile.serve")


def rendered(tmp_path: Path, **flags: object) -> set[str]:
    _, result = api.new(tmp_path / "proj", flags={"project_name": "proj", **flags})
    return set(result.files)


@pytest.mark.parametrize("framework", [support.id for support in all_supports()])
def test_a_serving_task_with_onnx_gets_serve(tmp_path: Path, framework: str) -> None:
    files = rendered(tmp_path, framework=framework, architecture="mlp", export=["onnx"])
    assert {name.format(package="proj") for name in SERVE_FILES} <= files
    pyproject = (tmp_path / "proj/pyproject.toml").read_text()
    assert '"fastapi>=' in pyproject and '"uvicorn>=' in pyproject
    assert "def serve(" in (tmp_path / "proj/src/proj/cli.py").read_text()


@pytest.mark.parametrize(
    "flags",
    [
        {"framework": "pytorch", "architecture": "mlp", "export": ["torch_export"]},
        {"framework": "tensorflow", "architecture": "mlp", "export": []},
        {"task": "text_classification", "architecture": "rnn", "export": ["onnx"]},
    ],
    ids=["no-onnx", "no-export", "task-without-serve"],
)
def test_no_serve_without_onnx_or_outside_the_serving_tasks(
    tmp_path: Path, flags: dict[str, object]
) -> None:
    files = rendered(tmp_path, **flags)
    assert not {name.format(package="proj") for name in SERVE_FILES} & files
    assert "fastapi" not in (tmp_path / "proj/pyproject.toml").read_text()
    assert "def serve(" not in (tmp_path / "proj/src/proj/cli.py").read_text()
