"""The catalog's rules, and that every offered option has the template files it names."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlgen.catalog import CATALOG, MULTI_SELECT, QUESTIONS
from dlgen.render import template_root

ROOT = template_root()


def test_offered_architectures_have_a_model_file_per_framework() -> None:
    for task in CATALOG.offered_tasks():
        for arch in CATALOG.architectures_for(task.id):
            for framework in arch.frameworks:
                model = ROOT / f"templates/{framework}/tasks/{arch.task}/models/{arch.id}.py.jinja"
                assert model.is_file(), arch


@pytest.mark.parametrize(
    ("group", "folder"),
    [("hardware", "hardware"), ("exports", "export"), ("trackers", "tracking")],
)
def test_offered_options_have_a_partial_per_framework(group: str, folder: str) -> None:
    for option in CATALOG.offered(getattr(CATALOG, group)):
        for framework in option.frameworks:
            partial = ROOT / f"templates/{framework}/{folder}/{option.id}"
            # Trackers are framework-neutral backends (templates/tracking/), each with its test
            neutral = ROOT / f"templates/{folder}/tests/{option.id}.py.jinja"
            found = partial.with_suffix(".py.jinja").is_file() or partial.is_dir()
            assert found or neutral.is_file(), option


def test_servers_offered_have_their_templates_and_the_others_say_why() -> None:
    for server in CATALOG.servers:
        if server.frameworks:
            assert (ROOT / f"templates/deploy/serving/{server.id}").is_dir(), server
        else:
            assert server.note, server


def test_choices_follow_earlier_answers() -> None:
    tasks = CATALOG.choices("task", {})
    assert tasks[0] == "image_classification" and tasks == [t.id for t in CATALOG.offered_tasks()]
    archs = CATALOG.choices("architecture", {"task": "image_classification"})
    assert {"mlp", "lenet", "resnet", "vit"} <= set(archs)
    assert CATALOG.choices("architecture", {"task": "no_such_task"}) == []
    assert CATALOG.choices("framework", {"task": "image_classification", "architecture": "resnet"}) == [
        "pytorch",
        "tensorflow",
        "jax",
    ]
    for task in tasks:  # architecture ids are per task: `resnet` names two different models
        for arch in CATALOG.choices("architecture", {"task": task}):
            assert CATALOG.architecture(task, arch).task == task
    assert CATALOG.choices("hardware", {"framework": "pytorch"}) == [
        "cpu",
        "cuda",
        "multi_gpu",
        "multi_node",
        "mps",
        "rocm",
    ]
    assert CATALOG.choices("hardware", {"framework": "jax"}) == [
        "cpu",
        "cuda",
        "multi_gpu",
        "multi_node",
        "tpu",
        "mps",
        "rocm",
    ]
    assert CATALOG.choices("export", {"framework": "jax"}) == ["onnx", "tflite"]
    assert CATALOG.choices("export", {"framework": "tensorflow"}) == ["onnx", "tflite", "saved_model"]
    assert CATALOG.choices("hardware", {"framework": "caffe"}) == []


def test_unimplemented_options_are_listed_but_not_offered() -> None:
    listed = {o.id for o in CATALOG.hardware}
    assert listed == {"cpu", "cuda", "multi_gpu", "multi_node", "tpu", "mps", "rocm"}
    assert {o.id for o in CATALOG.offered(CATALOG.hardware)} == listed  # each by some framework
    tensorflow = {o.id for o in CATALOG.offered(CATALOG.hardware, "tensorflow")}
    assert tensorflow == {"cpu", "cuda", "multi_gpu", "tpu", "mps", "rocm"}
    # An option some framework lacks says why in its note (`dlgen list` shows it).
    frameworks = {f.id for f in CATALOG.offered_frameworks()}
    for options in (CATALOG.hardware, CATALOG.exports, CATALOG.trackers):
        for option in options:
            if not frameworks <= set(option.frameworks):
                assert option.note, option.id


def test_defaults_are_valid_choices() -> None:
    answers: dict[str, object] = {}
    for question in QUESTIONS[1:]:
        default = CATALOG.default(question, answers)
        allowed = CATALOG.choices(question, answers)
        if question in MULTI_SELECT:
            assert set(default) <= set(allowed)  # type: ignore[arg-type]
        else:
            assert default in allowed
        answers[question] = default


def test_combinations_cover_the_four_axes() -> None:
    combos = list(CATALOG.combinations())
    assert len(combos) == len({tuple(c.values()) for c in combos})  # no duplicates
    expected = [
        (task.id, arch.id, framework, hardware)
        for task in CATALOG.offered_tasks()
        for arch in CATALOG.architectures_for(task.id)
        for framework in arch.frameworks
        for hardware in CATALOG.choices("hardware", {"framework": framework})
    ]
    assert [tuple(c.values()) for c in combos] == expected
    assert all(set(c) == {"task", "architecture", "framework", "hardware"} for c in combos)


def test_ids_are_unique_within_each_group() -> None:
    for group in ("frameworks", "tasks", "hardware", "exports", "trackers", "ci_providers"):
        ids = [o.id for o in getattr(CATALOG, group)]
        assert len(ids) == len(set(ids)), group
    pairs = [(a.task, a.id) for a in CATALOG.architectures]
    assert len(pairs) == len(set(pairs))


def test_template_root_is_the_repository(repo_root: Path) -> None:
    assert ROOT == repo_root
