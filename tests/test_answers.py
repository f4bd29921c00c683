"""Answer sources and their precedence: flag > answers file > prompt > catalog default."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dlgen.answers import load_data_file, resolve
from dlgen.catalog import CATALOG
from dlgen.errors import DlgenError
from dlgen.names import check_project_name, package_name, project_slug


def test_precedence_flag_over_file_over_prompt_over_default() -> None:
    asked: list[str] = []

    def ask(question, choices, default):
        asked.append(question)
        return {"hardware": "cuda", "tracker": "csv", "project_name": "from-prompt"}.get(question, default)

    answers = resolve(
        flags={"architecture": "vit", "hardware": None},  # None = flag not given
        data={"architecture": "lenet", "hardware": "cpu", "project_name": "from-file"},
        ask=ask,
    )
    assert answers["architecture"] == "vit"  # flag beats file
    assert answers["hardware"] == "cpu"  # file beats prompt
    assert answers["project_name"] == "from-file"
    assert answers["tracker"] == "csv"  # prompt beats default
    assert answers["ci"] == "github"  # prompt returned the default
    assert "architecture" not in asked and "hardware" not in asked and "tracker" in asked


def test_defaults_only() -> None:
    answers = resolve()
    assert answers == {
        "project_name": "demo",
        "task": "image_classification",
        "architecture": "resnet",
        "framework": "pytorch",
        "hardware": "cpu",
        "export": ["onnx"],
        "serving": [],
        "tracker": "tensorboard",
        "ci": "github",
    }


def test_a_server_needs_its_framework_its_export_and_a_task_with_serve() -> None:
    assert resolve(flags={"serving": "torchserve"})["serving"] == ["torchserve"]
    assert resolve(flags={"serving": "none"})["serving"] == []
    assert CATALOG.choices("serving", {"framework": "pytorch", "task": "image_classification"}) == []
    outside = {"framework": "pytorch", "task": "a_task_without_serve", "export": ["onnx"]}
    assert CATALOG.choices("serving", outside) == []
    refused = [
        ({"serving": "torchserve", "export": "none"}, "choose from: none"),
        ({"serving": "torchserve", "framework": "jax", "architecture": "mlp"}, "framework=jax"),
        ({"serving": "bentoml", "export": "none"}, "choose from: none"),
        ({"serving": "tf_serving"}, "choose from: torchserve, bentoml"),
        ({"serving": "kserve"}, "invalid serving kserve"),
        ({"serving": [1]}, "serving must be a list of server names"),
    ]
    for flags, message in refused:
        with pytest.raises(DlgenError, match=re.escape(message)):
            resolve(flags=flags)


def test_bentoml_serves_every_frameworks_onnx_export() -> None:
    for framework in ("pytorch", "tensorflow", "jax"):
        flags = {"framework": framework, "architecture": "mlp", "export": "onnx", "serving": "bentoml"}
        assert resolve(flags=flags)["serving"] == ["bentoml"]


def test_a_server_over_another_export_also_needs_the_onnx_export_serve_runs_on() -> None:
    tensorflow = {"framework": "tensorflow", "task": "image_classification", "architecture": "mlp"}
    both = resolve(flags={**tensorflow, "export": "onnx,saved_model", "serving": "tf_serving"})
    assert both["serving"] == ["tf_serving"]
    with pytest.raises(DlgenError, match="choose from: none"):
        resolve(flags={**tensorflow, "export": "saved_model", "serving": "tf_serving"})
    with pytest.raises(DlgenError, match="choose from: bentoml"):  # it serves the onnx export
        resolve(flags={**tensorflow, "export": "onnx", "serving": "tf_serving"})


def test_prompt_sees_only_allowed_choices() -> None:
    seen = {}

    def ask(question, choices, default):
        seen[question] = choices
        return default

    resolve(ask=ask)
    assert seen["framework"] == ["pytorch", "tensorflow", "jax"]
    assert seen["hardware"] == ["cpu", "cuda", "multi_gpu", "multi_node", "mps", "rocm"]  # PyTorch's
    assert set(seen["export"]) == {"onnx", "torch_export"}  # PyTorch's, the default framework


def test_choices_depend_on_the_framework_answer() -> None:
    seen = {}

    def ask(question, choices, default):
        seen[question] = choices
        return "tensorflow" if question == "framework" else default

    answers = resolve(ask=ask)
    assert set(seen["export"]) == {"onnx", "tflite", "saved_model"}
    assert answers["export"] == ["onnx"]  # the catalog default, still allowed
    with pytest.raises(DlgenError, match="invalid export torch_export for .*framework=tensorflow"):
        resolve(flags={"framework": "tensorflow", "export": "torch_export"})


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        ({"architecture": "detr"}, "invalid architecture 'detr' for task=image_classification"),
        ({"framework": "caffe"}, "invalid framework 'caffe'"),
        ({"hardware": "tpu"}, "invalid hardware 'tpu'"),
        ({"export": ["tflite"]}, "invalid export tflite"),
        ({"ci": "jenkins"}, "invalid ci 'jenkins'"),
        ({"task": 3}, "invalid task 3"),
        ({"export": {"a": 1}}, "export must be a list"),
    ],
)
def test_invalid_answers_name_the_allowed_choices(flags, message) -> None:
    with pytest.raises(DlgenError, match="choose from|must be") as info:
        resolve(flags=flags)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("value", [["onnx", "torch_export"], "onnx,torch_export", "onnx, torch_export,onnx"])
def test_export_accepts_lists_and_comma_strings(value) -> None:
    assert resolve(flags={"export": value})["export"] == ["onnx", "torch_export"]


@pytest.mark.parametrize("value", [[], "none", "", None])
def test_export_can_be_empty(value) -> None:
    answers = resolve(flags={"export": value}) if value is not None else resolve(data={"export": None})
    assert answers["export"] == []


@pytest.mark.parametrize(
    "name", ["", "../x", "a b", "1net", "{{x}}", "x{%y", "$(rm)", "-x", "a" * 65, "class", "torch", "tests"]
)
def test_invalid_project_names(name) -> None:
    with pytest.raises(DlgenError, match="project name"):
        check_project_name(name)


@pytest.mark.parametrize(
    ("name", "slug", "package"), [("My_Net", "my-net", "my_net"), ("a-b_c", "a-b-c", "a_b_c")]
)
def test_derived_names(name, slug, package) -> None:
    assert check_project_name(name) == name
    assert (project_slug(name), package_name(name)) == (slug, package)


def test_data_file_reads_copier_answers(tmp_path: Path) -> None:
    path = tmp_path / ".copier-answers.yml"
    path.write_text("_src_path: /x\n_commit: v1\narchitecture: lenet\nexport: [onnx]\n")
    assert load_data_file(path) == {"architecture": "lenet", "export": ["onnx"]}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("architecture: [unclosed\n", "not valid YAML"),
        ("- a\n- b\n", "must hold a mapping"),
        ("colour: red\n", "unknown questions ['colour']"),
        ('{"architecture": "lenet"', "not valid YAML"),
    ],
)
def test_malformed_data_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "answers.yml"
    path.write_text(text)
    with pytest.raises(DlgenError, match="answers file") as info:
        load_data_file(path)
    assert message in str(info.value)


def test_missing_data_file(tmp_path: Path) -> None:
    with pytest.raises(DlgenError, match="cannot read answers file"):
        load_data_file(tmp_path / "nope.yml")
