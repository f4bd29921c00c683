"""copier.yml and cookiecutter.json are derived from the catalog and must not drift."""

from __future__ import annotations

import json
from pathlib import Path

import jinja2
import pytest
import yaml

from dlgen import api
from dlgen.catalog import CATALOG, QUESTIONS
from dlgen.configfiles import cookiecutter_json, copier_config, copier_yml
from dlgen.errors import DlgenError
from dlgen.names import check_project_name


def test_committed_door_files_match_the_catalog(repo_root: Path) -> None:
    assert (repo_root / "copier.yml").read_text() == copier_yml(), "run `dlgen sync-config`"
    assert (repo_root / "cookiecutter.json").read_text() == cookiecutter_json(), "run `dlgen sync-config`"


def test_sync_config_check_reports_drift(tmp_path: Path) -> None:
    (tmp_path / "copier.yml").write_text("stale: true\n")
    (tmp_path / "cookiecutter.json").write_text(cookiecutter_json())
    with pytest.raises(DlgenError, match="copier.yml out of date"):
        api.sync_config(check=True, root=tmp_path)
    assert api.sync_config(root=tmp_path) == ["copier.yml"]
    assert api.sync_config(check=True, root=tmp_path) == []


def test_both_doors_ask_the_same_questions_in_order() -> None:
    copier_questions = [k for k in yaml.safe_load(copier_yml()) if not k.startswith("_")]
    assert copier_questions[: len(QUESTIONS)] == list(QUESTIONS)
    cookie = json.loads(cookiecutter_json())
    assert [k for k in cookie if not k.startswith("_")] == list(QUESTIONS)


def _render(expression: str, **context: object) -> str:
    env = jinja2.Environment(extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"])
    return env.from_string(expression).render(**context).strip()


@pytest.mark.parametrize(
    "name",
    ["demo", "My_Net", "a-b", "x" * 64, "x" * 65, "1net", "a b", "../x", "{{x}}", "class", "torch", ""],
)
def test_copier_name_validator_agrees_with_python(name: str) -> None:
    validator = copier_config()["project_name"]["validator"]
    copier_rejects = bool(_render(validator, project_name=name))
    try:
        check_project_name(name)
        python_rejects = False
    except DlgenError:
        python_rejects = True
    assert copier_rejects == python_rejects


def test_copier_choice_validators_agree_with_the_catalog() -> None:
    config = copier_config()
    for combo in CATALOG.combinations():
        for question in ("architecture", "framework", "hardware"):
            for spec in config[question]["choices"].values():
                value, validator = spec["value"], spec["validator"]
                allowed = value in CATALOG.choices(question, combo)
                assert bool(_render(validator, **combo)) is not allowed, (question, value, combo)
    arch_default = config["architecture"]["default"]
    assert _render(arch_default, task="image_classification") == CATALOG.defaults["architecture"]


def test_copier_asks_for_a_model_server_only_where_one_can_be_picked() -> None:
    spec = copier_config()["serving"]
    env = jinja2.Environment()
    when = env.from_string(spec["when"])
    validators = {c["value"]: env.from_string(c["validator"]) for c in spec["choices"].values()}
    exports = [[], ["onnx"], ["saved_model"], ["onnx", "saved_model"], ["onnx", "torch_export"]]
    asked = set()
    for combo in CATALOG.combinations():
        for export in exports:
            answers = {**combo, "export": export}
            choices = CATALOG.choices("serving", answers)
            assert (when.render(**answers).strip() == "True") is bool(choices), answers
            for value, validator in validators.items():
                assert bool(validator.render(**answers).strip()) is (value not in choices), answers
            asked.add(bool(choices))
    assert asked == {True, False}
