"""`quantize`, `serve`, `prune`, `distill`, `monitor` and `crossval` are rendered exactly where
the support modules say: `onnx_deployment` tasks with onnx among the exports,
`tflite_quantization` tasks with tflite among them, `monitoring`, `cross_validation`, `pruning`
and `distillation` tasks."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlgen import api
from dlgen.support import all_supports

DEPLOY_FILES = (
    "src/{package}/exported.py",
    "src/{package}/quantize.py",
    "src/{package}/serve.py",
    "tests/test_quantize.py",
    "tests/test_serve.py",
    "Dockerfile.serve",
)


def rendered(tmp_path: Path, **flags: object) -> set[str]:
    _, result = api.new(tmp_path / "proj", flags={"project_name": "proj", **flags})
    return set(result.files)


# A quick architecture of each deployment task.
SMALL_ARCHITECTURE = {
    "image_classification": "mlp",
    "text_classification": "rnn",
    "time_series_forecasting": "lstm",
    "anomaly_detection": "autoencoder",
    "semantic_segmentation": "fcn",
    "object_detection": "fcos",
    "face_recognition": "resnet",
    "text_generation": "gru",
    "question_answering": "transformer",
    "token_classification": "bilstm",
    "translation": "seq2seq",
    "summarization": "seq2seq",
    "music_generation": "lstm",
    "instance_segmentation": "mask_rcnn",
    "speech_recognition": "bilstm",
    "image_generation": "vae",
    "reinforcement_learning": "dqn",
}


@pytest.mark.parametrize(
    ("framework", "task"),
    [(support.id, task) for support in all_supports() for task in support.onnx_deployment],
)
def test_a_deployment_task_with_onnx_gets_quantize_and_serve(
    tmp_path: Path, framework: str, task: str
) -> None:
    architecture = SMALL_ARCHITECTURE[task]
    files = rendered(tmp_path, framework=framework, task=task, architecture=architecture, export=["onnx"])
    assert {name.format(package="proj") for name in DEPLOY_FILES} <= files
    pyproject = (tmp_path / "proj/pyproject.toml").read_text()
    assert '"fastapi>=' in pyproject and '"uvicorn>=' in pyproject
    cli = (tmp_path / "proj/src/proj/cli.py").read_text()
    assert "def serve(" in cli and "def quantize(" in cli


# One task that a framework offers without deployment, if any is left (none once every task
# serves): taken from the support modules, so the case follows them.
WITHOUT_DEPLOYMENT = [
    pytest.param(
        {"framework": support.id, "task": task, "architecture": names[0], "export": ["onnx"]},
        id=f"task-without-deployment-{support.id}-{task}",
    )
    for support in all_supports()
    for task, names in support.architectures.items()
    if task not in support.onnx_deployment
][:1]


@pytest.mark.parametrize(
    "flags",
    [
        pytest.param(
            {"framework": "pytorch", "architecture": "mlp", "export": ["torch_export"]},
            id="no-onnx",
        ),
        pytest.param({"framework": "tensorflow", "architecture": "mlp", "export": []}, id="no-export"),
        *WITHOUT_DEPLOYMENT,
    ],
)
def test_no_deployment_commands_without_onnx_or_outside_those_tasks(
    tmp_path: Path, flags: dict[str, object]
) -> None:
    files = rendered(tmp_path, **flags)
    assert not {name.format(package="proj") for name in DEPLOY_FILES} & files
    assert "fastapi" not in (tmp_path / "proj/pyproject.toml").read_text()
    cli = (tmp_path / "proj/src/proj/cli.py").read_text()
    assert "def serve(" not in cli and "def quantize(" not in cli


@pytest.mark.parametrize(
    ("framework", "export", "formats"),
    [
        ("tensorflow", ["tflite"], ["tflite"]),
        ("tensorflow", ["onnx", "tflite"], ["onnx", "tflite"]),
        ("jax", ["onnx", "tflite"], ["onnx"]),  # see support/jax.py
        ("pytorch", ["onnx"], ["onnx"]),
    ],
)
def test_quantize_offers_the_formats_it_can_quantize(
    tmp_path: Path, framework: str, export: list[str], formats: list[str]
) -> None:
    files = rendered(tmp_path, framework=framework, architecture="mlp", export=export)
    assert "src/proj/quantize.py" in files
    assert ("tests/test_quantize_tflite.py" in files) is ("tflite" in formats)
    assert ("src/proj/serve.py" in files) is ("onnx" in formats)  # serve runs ONNX only
    quantize = (tmp_path / "proj/src/proj/quantize.py").read_text()
    listed = ", ".join(f'"{name}"' for name in formats) + ("," if len(formats) == 1 else "")
    assert f"FORMATS = ({listed})" in quantize
    cli = (tmp_path / "proj/src/proj/cli.py").read_text()
    assert f"which export to quantize: {' or '.join(formats)}" in cli
    assert ("def serve(" in cli) is ("onnx" in formats)


@pytest.mark.parametrize(
    ("command", "flags", "offered"),
    [
        ("prune", {"framework": "pytorch", "architecture": "mlp"}, True),
        ("prune", {"task": "speech_recognition", "architecture": "bilstm"}, True),
        ("prune", {"task": "reinforcement_learning", "architecture": "dqn"}, False),
        ("prune", {"framework": "tensorflow", "architecture": "mlp"}, False),
        ("distill", {"framework": "pytorch", "architecture": "vit"}, True),
        ("distill", {"task": "text_classification", "architecture": "gru"}, True),
        ("distill", {"task": "time_series_forecasting", "architecture": "lstm"}, False),
        ("distill", {"framework": "jax", "architecture": "mlp"}, False),
        ("monitor", {"framework": "pytorch", "architecture": "mlp", "export": []}, True),
        ("monitor", {"framework": "tensorflow", "architecture": "mlp"}, True),
        ("monitor", {"framework": "jax", "architecture": "mlp"}, True),
        ("monitor", {"task": "text_classification", "architecture": "gru"}, True),
        ("monitor", {"task": "time_series_forecasting", "architecture": "lstm"}, True),
        ("monitor", {"task": "anomaly_detection", "architecture": "vae"}, True),
        (
            "monitor",
            {"framework": "tensorflow", "task": "anomaly_detection", "architecture": "vae"},
            True,
        ),
        (
            "crossval",
            {"framework": "tensorflow", "task": "anomaly_detection", "architecture": "autoencoder"},
            False,
        ),
        ("monitor", {"task": "speech_recognition", "architecture": "bilstm"}, False),
        ("crossval", {"framework": "pytorch", "architecture": "mlp"}, True),
        ("crossval", {"framework": "tensorflow", "task": "text_classification", "architecture": "gru"}, True),
        ("crossval", {"framework": "jax", "architecture": "mlp"}, True),
        ("crossval", {"framework": "jax", "task": "time_series_forecasting", "architecture": "gru"}, True),
        (
            "crossval",
            {"framework": "tensorflow", "task": "time_series_forecasting", "architecture": "tcn"},
            True,
        ),
        ("crossval", {"task": "object_detection", "architecture": "detr"}, False),
    ],
)
def test_prune_distill_monitor_and_crossval_follow_the_support_modules(
    tmp_path: Path, command: str, flags: dict[str, object], offered: bool
) -> None:
    files = rendered(tmp_path, **flags)
    assert (f"src/proj/{command}.py" in files) is offered
    assert (f"tests/test_{command}.py" in files) is offered
    assert (f"def {command}(" in (tmp_path / "proj/src/proj/cli.py").read_text()) is offered
    if command == "monitor":  # the task-neutral statistics and their tests come with it
        assert ("src/proj/drift.py" in files) is offered
        assert ("tests/test_drift.py" in files) is offered
    if command == "crossval":  # the fold split its data modules use comes with it
        assert ("src/proj/folds.py" in files) is offered
