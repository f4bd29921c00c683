"""`dlgen new` / `list` / `sync-config` through Typer's CliRunner and the console script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from dlgen.cli import app
from tests.conftest import files_of


def test_new_defaults_renders_a_project(runner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["new", str(tmp_path / "demo"), "--defaults"])
    assert result.exit_code == 0, result.output
    project = tmp_path / "demo"
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["architecture"] == "resnet" and answers["export"] == ["onnx"]
    assert Path(answers["_src_path"]).is_absolute()  # `copier update` needs it
    assert answers["_commit"]
    for rel in ("pyproject.toml", "configs/default.yaml", "src/demo/model.py", "src/demo/train.py"):
        assert (project / rel).is_file(), rel
    assert "created" in result.stdout and "package demo" in result.stdout
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".dlgen-")]  # staging removed


def test_flags_and_name_option(runner, tmp_path: Path) -> None:
    dest = tmp_path / "out"
    args = ["new", str(dest), "--name", "My_Net", "--architecture", "lenet", "--export", "onnx,torch_export"]
    result = runner.invoke(app, [*args, "--hardware", "cuda", "--ci", "none", "--defaults"])
    assert result.exit_code == 0, result.output
    answers = yaml.safe_load((dest / ".copier-answers.yml").read_text())
    assert answers["project_name"] == "My_Net" and answers["hardware"] == "cuda"
    assert answers["export"] == ["onnx", "torch_export"]
    assert (dest / "src/my_net/__init__.py").is_file()
    assert not (dest / ".github").exists()


def test_interactive_prompts_in_order(runner, tmp_path: Path) -> None:
    # project name, task, architecture, framework, hardware, export, tracker, ci
    answers_typed = "\n".join(["net", "", "vit", "", "cuda", "none", "csv", "gitlab"]) + "\n"
    result = runner.invoke(app, ["new", str(tmp_path / "p")], input=answers_typed)
    assert result.exit_code == 0, result.output
    answers = yaml.safe_load((tmp_path / "p/.copier-answers.yml").read_text())
    assert (answers["architecture"], answers["hardware"], answers["export"]) == ("vit", "cuda", [])
    assert (answers["tracker"], answers["ci"]) == ("csv", "gitlab")
    assert (
        result.stdout.index("Task") < result.stdout.index("Architecture") < result.stdout.index("Framework")
    )


def test_serving_flag_adds_the_server_and_refuses_what_cannot_work(runner, tmp_path: Path) -> None:
    args = ["new", str(tmp_path / "served"), "--architecture", "mlp", "--serving", "torchserve", "--defaults"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert yaml.safe_load((tmp_path / "served/.copier-answers.yml").read_text())["serving"] == ["torchserve"]
    assert (tmp_path / "served/src/served/torchserve_handler.py").is_file()
    assert (tmp_path / "served/torchserve/config.properties").is_file()
    bad = ["new", str(tmp_path / "no"), "--export", "none", "--serving", "torchserve", "--defaults"]
    result = runner.invoke(app, bad)
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("error: invalid serving torchserve")
    assert not (tmp_path / "no").exists()


def test_tf_serving_adds_its_layout_client_and_models_config(runner, tmp_path: Path) -> None:
    tensorflow = ["--framework", "tensorflow", "--architecture", "mlp", "--serving", "tf_serving"]
    args = ["new", str(tmp_path / "tfs"), *tensorflow, "--export", "onnx,saved_model", "--defaults"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    for name in ("tf_serving_layout.py", "tf_serving_client.py"):
        assert (tmp_path / "tfs/src/tfs" / name).is_file(), name
    assert 'name: "tfs"' in (tmp_path / "tfs/tf_serving/models.config").read_text()
    assert "tf-serving-layout" in (tmp_path / "tfs/Makefile").read_text()
    bad = ["new", str(tmp_path / "no"), *tensorflow, "--export", "saved_model", "--defaults"]
    result = runner.invoke(app, bad)
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("error: invalid serving tf_serving")


def test_the_onnx_deployment_brings_the_tensorrt_build(runner, tmp_path: Path) -> None:
    """Every project that serves its ONNX export can build a TensorRT engine from it; one
    without the ONNX export has neither the command nor its files."""
    base = ["--architecture", "mlp", "--defaults"]
    result = runner.invoke(app, ["new", str(tmp_path / "trt"), *base, "--export", "onnx"])
    assert result.exit_code == 0, result.output
    project = tmp_path / "trt"
    assert (project / "src/trt/tensorrt_engine.py").is_file()
    assert (project / "tests/test_tensorrt.py").is_file()
    assert '"tensorrt-build"' in (project / "src/trt/cli.py").read_text()
    assert "tensorrt-build" in (project / "Makefile").read_text()
    assert "### TensorRT" in (project / "README.md").read_text()
    result = runner.invoke(app, ["new", str(tmp_path / "plain"), *base, "--export", "torch_export"])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "plain/src/plain/tensorrt_engine.py").exists()
    assert "tensorrt" not in (tmp_path / "plain/src/plain/cli.py").read_text()


def test_bentoml_adds_its_service_and_make_target_for_any_framework(runner, tmp_path: Path) -> None:
    jax = ["--framework", "jax", "--architecture", "mlp", "--export", "onnx", "--serving", "bentoml"]
    result = runner.invoke(app, ["new", str(tmp_path / "bento"), *jax, "--defaults"])
    assert result.exit_code == 0, result.output
    assert "class ModelService" in (tmp_path / "bento/src/bento/bentoml_service.py").read_text()
    assert (tmp_path / "bento/tests/test_bentoml.py").is_file()
    assert "bentoml serve bento.bentoml_service:ModelService" in (tmp_path / "bento/Makefile").read_text()
    assert '"bentoml>=1.4"' in (tmp_path / "bento/pyproject.toml").read_text()


def test_data_file_replays_another_projects_answers(runner, tmp_path: Path, template_copy: Path) -> None:
    template = ["--template", str(template_copy)]  # clean and tagged: both renders record one `_commit`
    args = ["new", str(tmp_path / "a"), "--architecture", "mlp", "--defaults", *template]
    assert runner.invoke(app, args).exit_code == 0
    data = tmp_path / "a/.copier-answers.yml"
    result = runner.invoke(
        app, ["new", str(tmp_path / "b"), "--data-file", str(data), "--defaults", *template]
    )
    assert result.exit_code == 0, result.output
    assert files_of(tmp_path / "a") == files_of(tmp_path / "b")  # same answers, same tree


def test_dry_run_writes_nothing(runner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["new", str(tmp_path / "dry"), "--defaults", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "model.py" in result.stdout and "dry run" in result.stdout
    assert list(tmp_path.iterdir()) == []


BAD_INPUTS = [
    (["--name", ""], "project name must not be empty"),
    (["--name", "../x"], "invalid project name"),
    (["--name", "{{ 7*7 }}"], "invalid project name"),
    (["--name", "my project"], "invalid project name"),
    (["--name", "9lives"], "invalid project name"),
    (["--name", "import"], "shadow"),
    (["--architecture", "detr"], "invalid architecture 'detr'"),
    (["--framework", "caffe"], "invalid framework 'caffe'"),
    (["--hardware", "tpu"], "invalid hardware 'tpu'"),
    (["--export", "tflite"], "invalid export tflite"),
    (["--framework", "jax", "--export", "torch_export"], "invalid export torch_export"),
    (["--tracker", "neptune"], "invalid tracker 'neptune'"),
]


@pytest.mark.parametrize(("args", "message"), BAD_INPUTS)
def test_bad_input_is_one_line_exit_2_nothing_written(runner, tmp_path: Path, args, message) -> None:
    result = runner.invoke(app, ["new", str(tmp_path / "p"), *args, "--defaults"])
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "text", ["architecture: [unclosed\n", "just a string\n", "colour: red\n", "architecture: detr\n"]
)
def test_bad_data_file(runner, tmp_path: Path, text: str) -> None:
    data = tmp_path / "answers.yml"
    data.write_text(text)
    result = runner.invoke(app, ["new", str(tmp_path / "p"), "--data-file", str(data), "--defaults"])
    assert result.exit_code == 2, result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.yml"]


def test_non_empty_destination_needs_overwrite(runner, tmp_path: Path) -> None:
    dest = tmp_path / "taken"
    dest.mkdir()
    (dest / "notes.txt").write_text("mine")
    result = runner.invoke(app, ["new", str(dest), "--defaults"])
    assert result.exit_code == 2 and "not empty; pass --overwrite" in result.stderr
    assert [p.name for p in dest.iterdir()] == ["notes.txt"]
    result = runner.invoke(app, ["new", str(dest), "--defaults", "--overwrite"])
    assert result.exit_code == 0, result.output
    assert (dest / "notes.txt").read_text() == "mine" and (dest / "pyproject.toml").is_file()


def test_destination_that_is_a_file(runner, tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    result = runner.invoke(app, ["new", str(tmp_path / "f"), "--defaults"])
    assert result.exit_code == 2 and "not a directory" in result.stderr


def test_closed_input_without_defaults(runner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["new", str(tmp_path / "p")], input="")
    assert result.exit_code == 2 and "--defaults" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_failed_render_leaves_nothing(runner, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["new", str(tmp_path / "p"), "--defaults", "--template", str(tmp_path / "nope")]
    )
    assert result.exit_code == 2 and "rendering failed" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_list_json_has_catalog_and_combinations(runner) -> None:
    result = runner.invoke(app, ["list", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert {"frameworks", "tasks", "architectures", "hardware", "combinations"} <= set(data)
    assert {
        "task": "image_classification",
        "architecture": "vit",
        "framework": "pytorch",
        "hardware": "cuda",
    } in (data["combinations"])


def test_list_table(runner) -> None:
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 0 and "resnet" in result.stdout
    # what some framework lacks is listed with its reason
    assert "torch_xla" in result.stdout and "litert-torch" in result.stdout


def test_sync_config_check_passes(runner) -> None:
    result = runner.invoke(app, ["sync-config", "--check"])
    assert result.exit_code == 0, result.output


IMPORT_PROBE = """
import sys
from typer.testing import CliRunner
from dlgen.cli import app
result = CliRunner().invoke(app, sys.argv[1:])
assert result.exit_code == 0, result.output
heavy = sorted(m for m in ("torch", "tensorflow", "jax", "flax", "keras", "onnx") if m in sys.modules)
print("HEAVY:" + ",".join(heavy))
"""


@pytest.mark.parametrize("args", [["--help"], ["list"], ["new", "{dest}", "--defaults"]])
def test_no_deep_learning_framework_is_imported(tmp_path: Path, args: list[str]) -> None:
    argv = [a.format(dest=tmp_path / "p") for a in args]
    out = subprocess.run(
        [sys.executable, "-c", IMPORT_PROBE, *argv], capture_output=True, text=True, check=True
    )
    assert "HEAVY:\n" in out.stdout, out.stdout


def test_console_script_error_is_one_line(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("dlgen")
    out = subprocess.run(
        [str(exe), "new", str(tmp_path / "p"), "--name", "../evil", "--defaults"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert out.returncode == 2
    assert (
        out.stderr.strip().startswith("error: invalid project name")
        and len(out.stderr.strip().splitlines()) == 1
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fault", [KeyboardInterrupt, RuntimeError])
def test_interrupted_render_leaves_no_partial_project(runner, tmp_path: Path, monkeypatch, fault) -> None:
    """Ctrl-C (or SIGTERM, which dlgen turns into the same) or a crash half-way through copier."""
    import copier

    def half_render(src_path, dst_path, **kwargs):
        Path(dst_path).mkdir(parents=True)
        (Path(dst_path) / "half-written.py").write_text("x = 1\n")
        raise fault()

    monkeypatch.setattr(copier, "run_copy", half_render)
    result = runner.invoke(app, ["new", str(tmp_path / "p"), "--defaults"])
    assert result.exit_code == (130 if fault is KeyboardInterrupt else 1)
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_sigterm_during_render_cleans_up(tmp_path: Path) -> None:
    """A real SIGTERM to the console script while copier renders: no project, no staging."""
    import signal
    import time

    probe = (
        "import time, copier\n"
        "def slow(src_path, dst_path, **kw):\n"
        "    import pathlib; p = pathlib.Path(dst_path); p.mkdir(parents=True)\n"
        "    (p / 'partial.txt').write_text('x'); print('rendering', flush=True); time.sleep(30)\n"
        "copier.run_copy = slow\n"
        "import sys; from dlgen.cli import app\n"
        "sys.argv = ['dlgen', 'new', sys.argv[1], '--defaults']; app()\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", probe, str(tmp_path / "p")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "rendering"
    time.sleep(0.1)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=20)
    assert proc.returncode == 130, stderr
    assert "nothing was written" in stderr
    assert list(tmp_path.iterdir()) == []


def test_a_reader_that_leaves_early_is_not_an_error() -> None:
    """`dlgen new --help | head`: output into a pipe the reader closed ends quietly."""
    exe = Path(sys.executable).with_name("dlgen")
    out = subprocess.run(
        f"'{exe}' new --help | head -40 >/dev/null",
        shell=True,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "80"},
    )
    assert out.stderr == ""


@pytest.mark.parametrize("command", ["new", "list", "sync-config", "matrix"])
def test_help_of_every_command_exits_cleanly(command: str) -> None:
    exe = Path(sys.executable).with_name("dlgen")
    out = subprocess.run([str(exe), command, "--help"], capture_output=True, text=True)
    assert (out.returncode, out.stderr) == (0, "")
    assert "Usage" in out.stdout


def test_a_longest_name_renders_lint_clean_code(runner, tmp_path: Path) -> None:
    """Generated imports and strings stay within the projects' 100-column lint at 32 chars."""
    from dlgen.names import MAX_NAME_LENGTH

    name = "n" * MAX_NAME_LENGTH
    result = runner.invoke(
        app,
        ["new", str(tmp_path / name), "--defaults", "--hardware", "multi_gpu", "--export", "onnx"],
    )
    assert result.exit_code == 0, result.output
    ruff = [sys.executable, "-m", "ruff"]
    for check in (["check", "."], ["format", "--check", "."]):
        out = subprocess.run([*ruff, *check], cwd=tmp_path / name, capture_output=True, text=True)
        assert out.returncode == 0, out.stdout[-2000:]
    too_long = runner.invoke(app, ["new", str(tmp_path / "x"), "--name", name + "n", "--defaults"])
    assert too_long.exit_code == 2 and f"at most {MAX_NAME_LENGTH} characters" in too_long.output
