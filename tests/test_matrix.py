"""The matrix plan (full primary coverage, pairwise for the rest) and the matrix itself.

By default a sample of combinations is built and tested; `--full-matrix` (CI) runs all.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dlgen import matrix, warm
from dlgen.catalog import CATALOG
from dlgen.cli import app
from dlgen.errors import DlgenError


def test_plan_covers_every_primary_combination_once_as_primary() -> None:
    primaries = [c for c in matrix.plan() if c.reason == "primary"]
    keys = [(c.task, c.architecture, c.framework, c.hardware) for c in primaries]
    assert sorted(keys) == sorted(tuple(c.values()) for c in CATALOG.combinations())


def test_plan_covers_every_pair_involving_an_option() -> None:
    plan = matrix.plan()
    covered = set().union(*(matrix._pairs(c.values()) for c in plan))
    for primary in CATALOG.combinations():
        for secondary in matrix._assignments(CATALOG, primary):
            combo = {**primary, **secondary}
            assert matrix._pairs(combo) <= covered, combo
    assert len(plan) < len(list(CATALOG.combinations())) * 24  # far fewer than the full product


def test_every_tasks_architecture_is_exported_to_every_format() -> None:
    """Architecture ids are shared by tasks (transformer, gru, vae, gpt) but each task has its
    own model file: pairing exports with the id alone left 18 task models never exported."""
    plan = matrix.plan()
    for key in {(c.task, c.architecture, c.framework) for c in plan}:
        answers = dict(zip(("task", "architecture", "framework"), key, strict=True))
        formats = CATALOG.choices("export", answers)
        exported = set().union(*(set(c.export) for c in plan if (c.task, c.architecture, c.framework) == key))
        assert set(formats) <= exported, key


def test_each_part_of_a_generated_suite_runs_once_per_what_it_depends_on(tmp_path: Path) -> None:
    plan = matrix.plan()
    full = [(c.task, c.framework) for c in plan if c.depth == "full"]
    assert sorted(full) == sorted({(c.task, c.framework) for c in plan})  # workflow: per task
    models = [(c.task, c.architecture, c.framework) for c in plan if c.depth in ("full", "model")]
    assert sorted(models) == sorted({(c.task, c.architecture, c.framework) for c in plan})
    assert all(c.hardware == "cpu" for c in plan if c.depth != "smoke")
    launchers = [(c.task, c.framework, c.hardware) for c in plan if c.launchers]
    assert sorted(launchers) == sorted({(c.task, c.framework, c.hardware) for c in plan})  # per hardware

    (tmp_path / "tests").mkdir()
    for name in ("test_cli.py", "test_model.py", "test_tune.py", "test_train.py", "test_quantize.py"):
        (tmp_path / "tests" / name).write_text("")
    combo = dataclasses.replace(plan[0], depth="model")
    selection = matrix._test_selection(combo, tmp_path)
    assert selection[:3] == ["tests/test_model.py", "tests/test_quantize.py", "tests/test_train.py"]
    deselected = selection[4::2]  # the loop's and commands' checks run with the workflow
    assert selection[3::2] == ["--deselect"] * len(deselected)
    assert deselected == [test for test in matrix.WORKFLOW_CHECKS if "tflite" not in test]
    assert matrix._test_selection(dataclasses.replace(combo, depth="full"), tmp_path) == []
    later = dataclasses.replace(combo, depth="smoke", launchers=False)
    selection = matrix._test_selection(later, tmp_path)
    assert selection[selection.index("--deselect") + 1] in matrix.LAUNCHER_TESTS


def test_the_tests_the_matrix_moves_are_tests_the_templates_define() -> None:
    """A renamed test would silently run at every depth again."""
    root = Path(__file__).resolve().parents[1] / "templates"
    sources = "\n".join(path.read_text() for path in root.rglob("*test*.py.jinja"))
    once = [test for tests in matrix.ONCE_PER_HARDWARE_TESTS.values() for test in tests]
    once += [test for tests in matrix.ONCE_PER_FRAMEWORK_TESTS.values() for test in tests]
    for test in [*matrix.WORKFLOW_CHECKS, *matrix.LAUNCHER_TESTS, *once, *matrix.FALLBACK_RUN_TESTS]:
        assert f"def {test.partition('::')[2]}(" in sources, test


@pytest.mark.parametrize("framework", ["tensorflow", "jax"])
def test_tpu_leaves_the_replica_checks_to_multi_gpu(framework: str, tmp_path: Path) -> None:
    """The tpu smokes skip the two-device checks after the first of a task, because every
    architecture's multi_gpu combination runs the same checks on the same CPU fallback."""
    plan = matrix.plan()
    tpu = [c for c in plan if (c.framework, c.hardware) == (framework, "tpu")]
    assert tpu
    multi_gpu = {
        (c.task, c.architecture) for c in plan if (c.framework, c.hardware) == (framework, "multi_gpu")
    }
    assert {(c.task, c.architecture) for c in tpu} <= multi_gpu
    once = matrix.ONCE_PER_HARDWARE_TESTS[(framework, "tpu")]
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_hardware.py").write_text("")
    later = dataclasses.replace(tpu[0], depth="smoke", launchers=False)
    assert set(once) <= set(matrix._test_selection(later, tmp_path))
    assert set(once).isdisjoint(matrix._test_selection(dataclasses.replace(later, launchers=True), tmp_path))
    mirrored = dataclasses.replace(later, hardware="multi_gpu")
    assert set(once).isdisjoint(matrix._test_selection(mirrored, tmp_path))


def test_fallback_hardware_trains_once_per_task_and_every_model_trains_on_the_cpu(tmp_path: Path) -> None:
    """A cuda/mps/rocm smoke after the first of its task falls back to the cpu combination's
    fp32 CPU runtime, so only the first trains; the model's own run is its cpu combination's."""
    plan = matrix.plan()
    fallback = [c for c in plan if c.hardware in matrix.FALLBACK_HARDWARE]
    assert fallback
    cpu = {(c.task, c.architecture, c.framework) for c in plan if c.hardware == "cpu"}
    assert {(c.task, c.architecture, c.framework) for c in fallback} <= cpu
    (tmp_path / "tests").mkdir()
    for name in ("test_hardware.py", "test_train.py"):
        (tmp_path / "tests" / name).write_text("")
    run = matrix.FALLBACK_RUN_TESTS[0]
    later = dataclasses.replace(fallback[0], depth="smoke", launchers=False)
    selection = matrix._test_selection(later, tmp_path)
    assert run in selection and selection[selection.index(run, 2) - 1] == "--deselect"
    first = matrix._test_selection(dataclasses.replace(later, launchers=True), tmp_path)
    assert run in first and "--deselect" not in first
    on_cpu = matrix._test_selection(dataclasses.replace(later, hardware="cpu"), tmp_path)
    assert run not in on_cpu[on_cpu.index("--deselect") :]


def test_pytorch_multi_node_runs_its_slurm_job_once_and_every_model_trains_under_torchrun(
    tmp_path: Path,
) -> None:
    """PyTorch's multi_node runtime is multi_gpu's, whose every architecture trains under
    torchrun; the SLURM job (script and rendezvous, the same for every task) runs once."""
    plan = matrix.plan()
    multi_node = [c for c in plan if (c.framework, c.hardware) == ("pytorch", "multi_node")]
    assert [c.hardware_first for c in multi_node].count(True) == 1 and multi_node[0].hardware_first
    ddp = [c for c in plan if (c.framework, c.hardware) == ("pytorch", "multi_gpu")]
    multi_gpu = {(c.task, c.architecture) for c in ddp}
    assert {(c.task, c.architecture) for c in multi_node} <= multi_gpu
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_hardware.py").write_text("")
    (slurm,) = matrix.ONCE_PER_FRAMEWORK_TESTS[("pytorch", "multi_node")]
    next_task = next(c for c in multi_node if c.launchers and not c.hardware_first)
    selection = matrix._test_selection(next_task, tmp_path)
    assert selection[selection.index(slurm) - 1] == "--deselect"
    assert slurm not in matrix._test_selection(multi_node[0], tmp_path)
    later = dataclasses.replace(next_task, launchers=False)
    assert matrix._test_selection(later, tmp_path).count(slurm) == 1


def test_the_crash_test_runs_in_each_frameworks_first_full_depth_combination(tmp_path: Path) -> None:
    """SIGKILL safety is train.py's and checkpoint.py's, shared by every task of a framework."""
    plan = matrix.plan()
    full = [c for c in plan if c.depth == "full"]
    first = {c.framework for c in full if c.hardware_first}
    assert first == {c.framework for c in plan}
    assert all(c.hardware == "cpu" for c in full)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_crash.py").write_text("")
    (crash,) = matrix.CRASH_TESTS
    for combo in full:
        assert (crash in matrix._test_selection(combo, tmp_path)) is not combo.hardware_first


def test_shards_partition_the_plan() -> None:
    plan = matrix.plan()
    shards = [matrix.shard(plan, f"{i}/3") for i in (1, 2, 3)]
    assert sorted(c.id for s in shards for c in s) == sorted(c.id for c in plan)
    with pytest.raises(DlgenError, match="invalid shard"):
        matrix.shard(plan, "4/3")


def test_leftover_jinja_is_found(tmp_path: Path) -> None:
    (tmp_path / "ok.yml").write_text("run: echo ${{ matrix.python }}\n")
    (tmp_path / "bad.py").write_text("x = '{{ name }}'\n")
    assert matrix.leftover_jinja(tmp_path) == ["bad.py"]


def test_matrix_list_cli(runner) -> None:
    result = runner.invoke(app, ["matrix", "--list"])
    assert result.exit_code == 0 and "pairwise" in result.stdout


def test_report_links_failures(tmp_path: Path) -> None:
    combo = matrix.plan()[0]
    meta = {**combo.values(), "reason": "primary", "depth": "full"}
    ok = matrix.Result(combination=meta, id="a", passed=True, seconds=1.0)
    bad = matrix.Result(
        combination=meta, id="b", passed=False, seconds=2.0,
        failed_step="test", output_tail="AssertionError: boom",
    )  # fmt: skip
    json_path, md_path = matrix.write_report([ok, bad], tmp_path / "report")
    assert [r["passed"] for r in json.loads(json_path.read_text())] == [True, False]
    md = md_path.read_text()
    assert "1 passed, 1 failed" in md and "(#failure-1)" in md and "AssertionError: boom" in md


def _default_combination() -> matrix.Combination:
    d = CATALOG.defaults
    return matrix.Combination(
        task=d["task"], architecture=d["architecture"], framework=d["framework"], hardware=d["hardware"],
        export=tuple(d["export"]), tracker=d["tracker"], ci=d["ci"], reason="defaults",
    )  # fmt: skip


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "combination" in metafunc.fixturenames:
        plan = matrix.plan()
        if not metafunc.config.getoption("--full-matrix"):
            plan = [_default_combination(), *plan[::16]]  # a sample for developers
        metafunc.parametrize("combination", plan, ids=[c.id for c in plan])


def test_the_template_snapshot_renders_what_the_checkout_renders(tmp_path: Path) -> None:
    from dlgen.render import render

    snapshot = matrix.template_snapshot()
    assert snapshot == matrix.template_snapshot()  # made once per process
    assert not (snapshot / ".git").exists() and (snapshot / "copier.yml").is_file()
    answers = _default_combination().answers("snap")
    fast = render(answers, tmp_path / "snapshot", template=snapshot)
    checkout = render(answers, tmp_path / "checkout")
    assert fast.files == checkout.files
    for name in checkout.files:
        if name != ".copier-answers.yml":  # records where it came from
            assert (tmp_path / "snapshot" / name).read_bytes() == (tmp_path / "checkout" / name).read_bytes()


TRY_LOCK = """
import fcntl, sys
with open(sys.argv[1], "a") as handle:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print("busy")
    else:
        print("free")
"""


def test_installs_and_checks_take_turns_across_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An xdist worker's `pip check` must not read a package another worker is installing.

    The lock file is this test's own: the environment's real one may be held by a matrix
    combination another xdist worker is installing at this moment."""
    monkeypatch.setattr(matrix, "ENVIRONMENT_LOCK", tmp_path / "pip.lock")

    def other_process_sees() -> str:
        probe = [sys.executable, "-c", TRY_LOCK, str(matrix.ENVIRONMENT_LOCK)]
        return subprocess.run(probe, capture_output=True, text=True, check=True).stdout.strip()

    with matrix._environment_lock():
        assert other_process_sees() == "busy"
    assert other_process_sees() == "free"


@pytest.mark.matrix
def test_combination_builds_lints_and_passes_its_tests(
    combination: matrix.Combination, tmp_path: Path, record_property
) -> None:
    index = abs(hash(combination.id)) % 10_000
    result = matrix.run_one(combination, tmp_path, index=index, threads=1)
    record_property("matrix_result", dataclasses.asdict(result))  # for the run's report
    assert result.passed, f"{combination.id} failed at {result.failed_step}:\n{result.output_tail}"


def test_warm_pytest_reports_exit_codes_output_and_timeouts(tmp_path: Path) -> None:
    (tmp_path / "test_sample.py").write_text(
        "import os, time\n"
        "def test_ok():\n    print('hello from the child')\n"
        "def test_fails():\n    assert os.environ['MARK'] == 'yes'\n"
        "def test_hangs():\n    time.sleep(60)\n"
    )
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MARK": "no"}
    server = warm.WarmPytest("neutral", env)  # no framework: the shared libraries only
    try:
        code, output = server.run(tmp_path, ["-q", "-s", "-k", "ok"], env, timeout=60)
        assert code == 0 and "hello from the child" in output and "1 passed" in output
        code, output = server.run(tmp_path, ["-q", "-k", "fails"], env, timeout=60)
        assert code == 1 and "AssertionError" in output
        code, output = server.run(tmp_path, ["-q", "-k", "fails"], {**env, "MARK": "yes"}, 60)
        assert code == 0  # each run gets its own environment
        code, output = server.run(tmp_path, ["-q", "-k", "hangs"], env, timeout=2)
        assert code != 0 and "timed out after 2s" in output
        assert server.alive  # a killed child does not take the server down
    finally:
        server.close()


@pytest.mark.parametrize("threads", [1, 4])
def test_the_warm_servers_preloads_start_no_thread_with_any_job_count(threads: int) -> None:
    """`-j 1` on a two-core machine gives OMP_NUM_THREADS=2, with which NumPy's OpenBLAS
    starts its pool on import: the combination environment must keep the server forkable."""
    env = matrix.combination_env(threads)
    script = "from dlgen import warm; warm.preload(warm.COMMON)"
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=120)


def test_a_preload_that_starts_a_thread_is_refused(tmp_path: Path, monkeypatch) -> None:
    """Forking with another thread alive can deadlock the child: the server must not start."""
    (tmp_path / "starts_a_thread.py").write_text(
        "import threading, time\nthreading.Thread(target=time.sleep, args=(5,), daemon=True).start()\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    warm.preload(("json",))  # a quiet import passes
    with pytest.raises(SystemExit, match="importing starts_a_thread started a thread"):
        warm.preload(("starts_a_thread",))


def test_install_runs_once_per_packaging_key(tmp_path: Path, monkeypatch) -> None:
    """Projects whose dependencies and build settings agree install alike."""
    from dlgen.render import render

    combo = next(c for c in matrix.plan() if c.depth == "smoke" and c.framework == "pytorch")
    other_tracker = next(t for t in ("csv", "mlflow") if t != combo.tracker)
    keys = {}
    for name, variant in [
        ("mx1-a", combo),
        ("mx22-longer-name", combo),
        ("mx3-a", dataclasses.replace(combo, tracker=other_tracker)),
    ]:
        render(variant.answers(name), tmp_path / name, template=matrix.template_snapshot())
        keys[name] = matrix.packaging_key(tmp_path / name)
    assert keys["mx1-a"] == keys["mx22-longer-name"] != keys["mx3-a"]
    assert "mx1" not in keys["mx1-a"]
    monkeypatch.setattr(matrix, "_installed", {keys["mx1-a"]})
    assert not matrix._needs_install(combo, keys["mx22-longer-name"])
    assert matrix._needs_install(combo, keys["mx3-a"])
    assert matrix._needs_install(dataclasses.replace(combo, depth="full"), keys["mx1-a"])
