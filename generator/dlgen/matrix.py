"""The matrix: every valid combination rendered, installed, linted and tested.

The four mission axes (task x architecture x framework x hardware) are covered fully; the
remaining options (export set, model servers, tracker, CI provider) are added so that every pair of values
of any two questions appears in at least one combination (a greedy all-pairs generator).
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import fcntl
import functools
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from dlgen import warm
from dlgen.catalog import CATALOG, Catalog
from dlgen.errors import DlgenError
from dlgen.names import MAX_NAME_LENGTH

PRIMARY = ("task", "architecture", "framework", "hardware")
SECONDARY = ("export", "serving", "tracker", "ci")
FRAMEWORK_SPECIFIC = ("architecture", "hardware", "tracker")  # rendered from templates/<framework>/
# Questions whose templates never meet: the CI file does not depend on the model.
# A model server wraps the task's `serve` API over the export whatever the model, the hardware
# it trained on, its tracker or its CI: it pairs with the task, framework and export only.
INDEPENDENT = {frozenset(("architecture", "ci"))} | {
    frozenset(("serving", q)) for q in ("architecture", "hardware", "tracker", "ci")
}
LEFTOVER_JINJA = re.compile(r"(?<!\$)\{\{|\{%|\{#")
PYTEST_ARGS = ("-q", "-x", "-p", "no:cacheprovider")
# A generated project's tests run with pytest's own plugins only (PYTEST_DISABLE_PLUGIN_AUTOLOAD):
# its environment has none of the plugins dlgen's has (hypothesis, anyio, copier's, cookiecutter's,
# ...), so a test that leaned on one would pass here and fail there; loading and
# assertion-rewriting them also cost 2-4 s per run (benchmarks/RESULTS.md).
# TF_CPP_MIN_LOG_LEVEL: TensorFlow's C++ warnings (Grappler's cost estimator writes lines of
# kilobytes) would push a failure's assertion out of the report's tail.
TEST_ENV = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}
# What a variant that only changes hardware/export/serving/tracker/CI must still pass: its
# hardware tests, a real training run on its runtime (writing checkpoints, metrics and the
# tracker's files), each of its export formats' parity check and each model server it picked.
# The CLI end to end, evaluate and predict do not depend on those answers: the full-depth run
# of the same model covers them.
SMOKE_TESTS = (
    "tests/test_hardware.py",
    "tests/test_train.py::test_a_run_writes_checkpoints_metrics_and_plots",
    "tests/test_export.py",
    "tests/test_torchserve.py",  # only where torchserve is picked: ~2.5 s over a trained model
    "tests/test_tf_serving.py",  # only where tf_serving is picked: ~2.7 s over a trained model
    "tests/test_bentoml.py",  # only where bentoml is picked: ~1 s over the trained model and serve
)
# The workflow around a model: the CLI end to end, tuning, run records, cross-validation, drift
# monitoring, serving and surviving SIGKILL are the same files whatever the architecture (they
# take the model as a black box; in-process resume is tested per model), so they run once per
# task x framework; every other architecture runs the rest of its suite
# (model, data, training, tracking with its tracker, export, quantize, prune, distill, ...).
WORKFLOW_TESTS = (
    "tests/test_cli.py",
    "tests/test_tune.py",
    "tests/test_runs.py",
    "tests/test_monitor.py",
    "tests/test_crossval.py",
    "tests/test_drift.py",
    "tests/test_serve.py",
    "tests/test_crash.py",
)
# Tests in the model-dependent files that take the model as a black box as well: the training
# loop's early stopping and NaN guard (the framework's loop and the task's loss, whatever the
# architecture) and the quantize commands' report (the same quantization the tests before them
# ran on the same model, through the CLI). Once per task x framework, with WORKFLOW_TESTS; in
# a TensorFlow model-depth suite they were 17 s of 74.
WORKFLOW_CHECKS = (
    "tests/test_train.py::test_early_stopping_ends_a_run_that_stops_improving",
    "tests/test_train.py::test_a_loss_that_turns_nan_names_the_last_finite_one",
    "tests/test_train.py::test_nan_loss_stops_with_a_clear_message",
    "tests/test_quantize.py::test_the_command_prints_the_change_and_enforces_max_drop",
    "tests/test_quantize_tflite.py::test_the_command_prints_the_change",
)
# A hardware's launcher end to end (its script, torchrun or SLURM, the rendezvous) takes the
# model as a black box too: once per task x framework x hardware. The other architectures'
# multi-process runs still go through torchrun in the multi-GPU DDP step test.
LAUNCHER_TESTS = (
    "tests/test_hardware.py::test_the_launcher_without_gpus_says_how_to_train_on_the_cpu",
    "tests/test_hardware.py::test_launch_script_requires_the_rendezvous_host",
    "tests/test_hardware.py::test_the_slurm_job_trains_on_two_processes_and_one_resumes",
)
# Tests that run with LAUNCHER_TESTS (once per task x framework x hardware) only on the hardware
# named: TensorFlow's tpu falls back to the same MirroredStrategy over two logical CPUs
# (replicated.py's cpu_fallback) as multi_gpu does, so its two-replica checks would repeat, per
# architecture, what the multi_gpu combination of the same architecture has checked; they cost
# ~8 s a combination. The tpu-only tests (its errors, the resolver) still run in every one.
REPLICA_TESTS = (
    "tests/test_hardware.py::test_a_two_replica_step_equals_a_one_device_step",
    "tests/test_hardware.py::test_a_two_replica_checkpoint_resumes_on_one_device",
)
# JAX's tpu likewise: without a TPU it trains data parallel over the two logical CPU devices
# through the same Runtime.over as multi_gpu, whose every architecture runs the same test.
DATA_PARALLEL_TESTS = ("tests/test_hardware.py::test_two_devices_train_and_one_resumes",)
# Single-accelerator targets without their accelerator (CI has none) train on the CPU at fp32:
# each one's test_hardware checks that fallback, and the tests' config allows it. A smoke's
# training run there is the cpu combination's run of the same architecture plus the target's
# config keys, so it runs once per task x framework x hardware (about 300 s of CI work over 327
# smokes, c0a0695's run). The others still collect test_train.py (importing the training code)
# and run their hardware tests; one that exports or serves trains through its fixtures.
FALLBACK_HARDWARE = ("cuda", "mps", "rocm")
FALLBACK_RUN_TESTS = ("tests/test_train.py::test_a_run_writes_checkpoints_metrics_and_plots",)
ONCE_PER_HARDWARE_TESTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("tensorflow", "tpu"): REPLICA_TESTS,
    ("jax", "tpu"): DATA_PARALLEL_TESTS,
} | {
    (framework.id, hardware): FALLBACK_RUN_TESTS
    for framework in CATALOG.frameworks
    for hardware in FALLBACK_HARDWARE
}
# Tests that run once per framework x hardware (its first combination): PyTorch's multi_node
# runtime is multi_gpu's (its setup.py includes it: torchrun hands every process its rank
# either way), and every architecture's multi_gpu combination trains and resumes under torchrun
# in its DDP step test, so the SLURM job adds only the sbatch script and the c10d rendezvous,
# which are the same files for every task (~9 s a task). Surviving SIGKILL is the framework's:
# train.py writes each epoch's metrics row before the checkpoint that commits it and
# checkpoint.py writes, fsyncs and renames, for every task alike (a task's own resume is tested
# in-process per architecture by test_train.py); three fresh `train` processes cost 11-24 s a
# task, so test_crash.py runs in the first cpu combination of each framework.
CRASH_TESTS = ("tests/test_crash.py::test_a_killed_run_resumes_from_its_last_checkpoint",)
ONCE_PER_FRAMEWORK_TESTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("pytorch", "multi_node"): (
        "tests/test_hardware.py::test_the_slurm_job_trains_on_two_processes_and_one_resumes",
    ),
    ("pytorch", "cpu"): CRASH_TESTS,
    ("tensorflow", "cpu"): CRASH_TESTS,
    ("jax", "cpu"): CRASH_TESTS,
}


@dataclass(frozen=True)
class Combination:
    task: str
    architecture: str
    framework: str
    hardware: str
    export: tuple[str, ...]
    tracker: str
    ci: str
    serving: tuple[str, ...] = ()  # model servers; last so that ids without one stay as they were
    reason: str = "primary"  # "primary": a mission-axis combination; "pairwise": added for pair coverage
    # "full": the project's whole suite; "model": all but WORKFLOW_TESTS and WORKFLOW_CHECKS;
    # "smoke": SMOKE_TESTS
    depth: str = "full"
    launchers: bool = True  # whether LAUNCHER_TESTS run: the first of each task x framework x hardware
    hardware_first: bool = True  # the first of each framework x hardware: ONCE_PER_FRAMEWORK_TESTS run

    @property
    def id(self) -> str:
        exports = "+".join(self.export) or "noexport"
        parts = (self.task, self.architecture, self.framework, self.hardware, exports, self.tracker, self.ci)
        return "-".join(parts + (("+".join(self.serving),) if self.serving else ()))

    def values(self) -> dict[str, Any]:
        return {q: getattr(self, q) for q in PRIMARY + SECONDARY}

    def answers(self, project_name: str) -> dict[str, Any]:
        values = {**self.values(), "export": list(self.export), "serving": list(self.serving)}
        return {"project_name": project_name, **values}


def _subsets(values: list[str]) -> list[tuple[str, ...]]:
    return [tuple(s) for size in range(len(values) + 1) for s in itertools.combinations(values, size)]


def _secondary_values(catalog: Catalog, framework: str, task: str = "") -> dict[str, list[Any]]:
    """Each secondary question's values for a framework (and task: the servers it can have
    with every export format; `_assignments` drops the sets its exports do not allow)."""
    formats = catalog.choices("export", {"framework": framework})
    servers = catalog.choices("serving", {"framework": framework, "task": task, "export": formats})
    return {
        "export": _subsets(formats),
        "serving": _subsets(servers),
        "tracker": catalog.choices("tracker", {"framework": framework}),
        "ci": catalog.choices("ci", {"framework": framework}),
    }


def _assignments(catalog: Catalog, primary: dict[str, str]) -> list[dict[str, Any]]:
    """Every valid answer to the secondary questions for one primary combination."""
    options = _secondary_values(catalog, primary["framework"], primary["task"])
    every = (dict(zip(SECONDARY, values, strict=True)) for values in itertools.product(*options.values()))
    return [s for s in every if set(s["serving"]) <= set(catalog.choices("serving", {**primary, **s}))]


def _pairs(values: dict[str, Any]) -> set[tuple[tuple[str, Any], tuple[str, Any]]]:
    """Value pairs of a combination that involve at least one secondary question.

    The export answer is a set, so it contributes one value per format it holds (or "none"):
    every architecture is exported to every format at least once, and rendered once without
    export, without trying every subset of formats. Values rendered from per-framework
    templates count per framework (TensorFlow's ResNet is not PyTorch's), and an architecture
    per task too: each task has its own model file (token classification's Transformer is not
    text classification's), so an id several tasks share is exported, tracked and served once
    per task.
    """
    framework = values.get("framework", "")
    items = []
    for question, value in sorted(values.items()):
        if question in ("export", "serving"):
            items += [(question, f"{framework}:{v}") for v in value] or [(question, f"{framework}:none")]
        elif question == "architecture":
            items.append((question, f"{framework}:{values.get('task', '')}:{value}"))
        elif question in FRAMEWORK_SPECIFIC:
            items.append((question, f"{framework}:{value}"))
        else:
            items.append((question, value))
    return {
        (a, b)
        for a, b in itertools.combinations(items, 2)
        if a[0] != b[0]
        and (a[0] in SECONDARY or b[0] in SECONDARY)
        and frozenset((a[0], b[0])) not in INDEPENDENT
    }


def plan(catalog: Catalog = CATALOG) -> list[Combination]:
    """All primary combinations, each given secondary options greedily for pair coverage,
    then extra combinations until every pair is covered (the catalog's plan is made once a
    process)."""
    return list(_catalog_plan()) if catalog is CATALOG else _plan(catalog)


@functools.cache
def _catalog_plan() -> tuple[Combination, ...]:
    return tuple(_plan(CATALOG))


def _plan(catalog: Catalog) -> list[Combination]:
    # Each candidate's pairs are worked out once: the greedy loop below scores every candidate
    # again after each choice (computing them there took 12 s of a plan's 12.1).
    candidates: list[tuple[dict[str, str], list[dict[str, Any]], list[frozenset]]] = []
    for primary in catalog.combinations():
        assignments = _assignments(catalog, primary)
        pairs = [frozenset(_pairs({**primary, **s})) for s in assignments]
        candidates.append((primary, assignments, pairs))
    uncovered = set().union(*(p for _, _, pairs in candidates for p in pairs)) if candidates else set()

    def best(assignments: list[dict[str, Any]], pairs: list[frozenset]) -> tuple[int, int]:
        """The highest number of uncovered pairs an assignment covers, and the first that does."""
        scored = [(len(covers & uncovered), i) for i, covers in enumerate(pairs)]
        return max(scored, key=lambda t: (t[0], -t[1]))

    chosen: list[Combination] = []

    def take(primary: dict[str, str], secondary: dict[str, Any], covers: frozenset, reason: str) -> None:
        uncovered.difference_update(covers)
        chosen.append(Combination(**primary, **secondary, reason=reason))

    for primary, assignments, pairs in candidates:
        index = best(assignments, pairs)[1]
        take(primary, assignments[index], pairs[index], "primary")
    while uncovered:
        (gain, index), primary, assignments, pairs = max(
            ((best(a, ps), p, a, ps) for p, a, ps in candidates), key=lambda t: t[0][0]
        )
        if gain == 0:  # pragma: no cover - would mean a pair no candidate can cover
            break
        take(primary, assignments[index], pairs[index], "pairwise")
    return _assign_depth(chosen)


def _assign_depth(combos: list[Combination]) -> list[Combination]:
    """Depth follows what a variant changes: the whole generated suite runs once per task x
    framework (its first combination), the architecture-dependent part of it once per task x
    architecture x framework (the first combination of each), and the other variants run
    SMOKE_TESTS; LAUNCHER_TESTS run in the first combination of each task x framework x hardware,
    ONCE_PER_FRAMEWORK_TESTS in the first of each framework x hardware."""
    seen_tasks: set[tuple[str, str]] = set()
    seen_models: set[tuple[str, str, str]] = set()
    seen_hardware: set[tuple[str, str, str]] = set()
    seen_targets: set[tuple[str, str]] = set()
    result = []
    for combo in combos:
        task, model = (combo.task, combo.framework), (combo.task, combo.architecture, combo.framework)
        hardware, target = (combo.task, combo.framework, combo.hardware), (combo.framework, combo.hardware)
        depth = "smoke" if model in seen_models else "model" if task in seen_tasks else "full"
        launchers, first = hardware not in seen_hardware, target not in seen_targets
        result.append(dataclasses.replace(combo, depth=depth, launchers=launchers, hardware_first=first))
        seen_tasks.add(task)
        seen_models.add(model)
        seen_hardware.add(hardware)
        seen_targets.add(target)
    return result


def shard(combos: list[Combination], spec: str | None) -> list[Combination]:
    """`i/n` keeps every n-th combination starting at the i-th (1-based)."""
    if not spec:
        return combos
    match = re.fullmatch(r"(\d+)/(\d+)", spec)
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise DlgenError(f"invalid shard {spec!r}: use i/n with 1 <= i <= n, e.g. 1/4")
    index, count = int(match[1]), int(match[2])
    return combos[index - 1 :: count]


@dataclass
class Result:
    combination: dict[str, Any]
    id: str
    passed: bool
    seconds: float
    failed_step: str = ""
    output_tail: str = ""
    steps: dict[str, float] = field(default_factory=dict)


def leftover_jinja(root: Path) -> list[str]:
    """Files that still hold `{{`, `{%` or `{#` (GitHub's `${{ }}` is not Jinja)."""
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and ".git" not in path.parts:
            try:
                text = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue
            if LEFTOVER_JINJA.search(text):
                found.append(path.relative_to(root).as_posix())
    return found


def _run(step: str, cmd: list[str], cwd: Path, env: dict[str, str], timeout: float) -> tuple[bool, str]:
    try:
        proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        return False, f"{step} timed out after {timeout:.0f}s\n{exc.stdout or ''}{exc.stderr or ''}"
    return proc.returncode == 0, proc.stdout + proc.stderr


ENVIRONMENT_LOCK = Path(sys.prefix) / ".dlgen-matrix-pip.lock"  # see _environment_lock


@contextlib.contextmanager
def _environment_lock() -> Iterator[None]:
    """Hold the shared environment's package set still, across threads and processes.

    Combinations install into one environment, and two pip processes (xdist workers) that
    install or uninstall at once could both rewrite the same files, and a `pip check` run
    meanwhile read a package without a version and crash. So installs and uninstalls take
    turns (an flock on a file in the environment)."""
    with open(ENVIRONMENT_LOCK, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


_servers = threading.local()  # this worker thread's warm pytest servers, by framework


def _warm_pytest(framework: str, env: dict[str, str]) -> warm.WarmPytest:
    """This thread's warm server for `framework` (started on first use, closed at exit)."""
    servers: dict[tuple[str, str], warm.WarmPytest] = _servers.__dict__.setdefault("by_key", {})
    key = (framework, env["OMP_NUM_THREADS"])
    server = servers.get(key)
    if server is None or not server.alive:
        server = servers[key] = warm.WarmPytest(framework, env)
        atexit.register(server.close)
    return server


def _test(
    combo: Combination, project: Path, env: dict[str, str], timeout: float, server_env: dict[str, str]
) -> tuple[bool, str]:
    """The project's pytest (environment `env`): forked from a warm server (started with
    `server_env`, shared by projects), or a fresh process when DLGEN_MATRIX_COLD=1 (to
    compare, or to rule the server out)."""
    args = [*PYTEST_ARGS, *_test_selection(combo, project)]
    if os.environ.get("DLGEN_MATRIX_COLD") == "1":
        return _run("test", [sys.executable, "-m", "pytest", *args], project, env, timeout)
    code, output = _warm_pytest(combo.framework, server_env).run(project, args, env, timeout)
    return code == 0, output


def _test_selection(combo: Combination, project: Path) -> list[str]:
    """pytest's arguments that pick the combination's share of its project's suite."""
    key = (combo.framework, combo.hardware)
    once: tuple[str, ...] = ()
    if not combo.launchers:
        once = LAUNCHER_TESTS + ONCE_PER_HARDWARE_TESTS.get(key, ())
    if not combo.hardware_first:
        once += ONCE_PER_FRAMEWORK_TESTS.get(key, ())
    deselect = [arg for test in dict.fromkeys(once) for arg in ("--deselect", test)]
    if combo.depth == "full":
        return deselect
    if combo.depth == "model":
        files = sorted(path.relative_to(project).as_posix() for path in (project / "tests").glob("test_*.py"))
        model_files = [name for name in files if name not in WORKFLOW_TESTS]
        checks = [test for test in WORKFLOW_CHECKS if test.partition("::")[0] in model_files]
        return model_files + [arg for test in checks for arg in ("--deselect", test)] + deselect
    return [t for t in SMOKE_TESTS if (project / t.partition("::")[0]).is_file()] + deselect


_installed_lock = threading.Lock()
_installed: set[str] = set()  # packaging keys this process has installed and checked


def packaging_key(project: Path) -> str:
    """What installing the project depends on: its build system, Python range, dependencies
    and extras; not its name, description, entry point or package path. Two projects with the
    same key install the same way, so the matrix installs once per key (and every full-depth
    combination); the others run their tests from `src/`."""
    import tomllib

    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    meta = pyproject.get("project", {})
    key = {
        "build-system": pyproject.get("build-system"),
        "requires-python": meta.get("requires-python"),
        "dependencies": sorted(meta.get("dependencies", [])),
        "optional-dependencies": {k: sorted(v) for k, v in meta.get("optional-dependencies", {}).items()},
    }
    return json.dumps(key, sort_keys=True)


def _needs_install(combo: Combination, key: str) -> bool:
    with _installed_lock:
        return combo.depth == "full" or key not in _installed


_snapshot_lock = threading.Lock()
_snapshot: list[Path] = []  # this process's template snapshot, made on first use


def template_snapshot() -> Path:
    """A plain copy of the template's files, made once per process and removed at exit.

    copier clones a git template for every render, which was most of a combination's render
    time (seconds each); a folder without .git is read in place. The copy holds what git
    tracks plus new files it does not ignore: the working tree, as `dlgen new` renders it."""
    from dlgen.render import is_git_checkout, template_root

    with _snapshot_lock:
        if _snapshot:
            return _snapshot[0]
        root = template_root()
        if is_git_checkout(root):
            listed = subprocess.run(
                ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                cwd=root,
                capture_output=True,
                check=True,
            ).stdout.decode()
            files = [root / rel for rel in listed.split("\0") if rel and (root / rel).is_file()]
        else:
            files = [path for path in root.rglob("*") if path.is_file()]
        base = Path(tempfile.mkdtemp(prefix="dlgen-template-"))
        atexit.register(shutil.rmtree, base, ignore_errors=True)
        for source in files:
            target = base / "template" / source.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        _snapshot.append(base / "template")
        return _snapshot[0]


def combination_env(threads: int) -> dict[str, str]:
    """The environment a combination's steps (and its warm pytest server) run in.

    OPENBLAS_NUM_THREADS=1: with OMP_NUM_THREADS above 1 (fewer jobs than cores), NumPy's
    OpenBLAS starts its pool on import, and the warm server must not fork a threaded process.
    Torch, TensorFlow and XLA keep OMP_NUM_THREADS for their own pools; NumPy's BLAS is not
    where generated tests spend their time."""
    return {
        **os.environ,
        "OMP_NUM_THREADS": str(threads),
        "OPENBLAS_NUM_THREADS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        **TEST_ENV,
    }


def run_one(combo: Combination, workdir: Path, index: int, threads: int, timeout: float = 900) -> Result:
    """Render, check the declared dependencies against the environment, install (no deps;
    once per packaging key), lint and test one combination."""
    from dlgen.render import render
    from dlgen.requirements import unmet_requirements

    # At most the 32 characters a project name may have: long names are what stress the lint.
    name = f"mx{index}-{combo.architecture}-{combo.hardware}"[:MAX_NAME_LENGTH].rstrip("-_")
    project = workdir / name
    env = combination_env(threads)
    py = sys.executable
    started = time.perf_counter()
    steps: dict[str, float] = {}
    result = Result(combination=asdict(combo), id=combo.id, passed=False, seconds=0.0, steps=steps)
    installed = False
    try:
        t = time.perf_counter()
        try:
            render(combo.answers(name), project, template=template_snapshot())
        except DlgenError as exc:
            result.failed_step, result.output_tail = "render", str(exc)
            return result
        steps["render"] = time.perf_counter() - t
        leftovers = leftover_jinja(project)
        if leftovers:
            result.failed_step, result.output_tail = "render", f"unrendered Jinja in: {', '.join(leftovers)}"
            return result
        key = packaging_key(project)
        run_env = env  # what lint and tests run with
        t = time.perf_counter()
        unmet = unmet_requirements(project)
        steps["requirements"] = time.perf_counter() - t
        if unmet:
            result.failed_step, result.output_tail = "requirements", "\n".join(unmet)
            return result
        commands = [
            ("install", [py, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "-e", "."]),
            ("lint", [py, "-m", "ruff", "check", "--no-cache", "."]),
        ]
        if not _needs_install(combo, key):  # an identical pyproject.toml already installed
            commands = commands[1:]
            source = str(project / "src")
            run_env = {**env, "PYTHONPATH": os.pathsep.join(filter(None, [source, env.get("PYTHONPATH")]))}
        for step, cmd in commands:
            t = time.perf_counter()
            if step == "lint":
                ok, output = _run(step, cmd, project, run_env, timeout)
            else:
                with _environment_lock():
                    ok, output = _run(step, cmd, project, env, timeout)
            steps[step] = time.perf_counter() - t
            installed = installed or step == "install"
            if not ok:
                result.failed_step, result.output_tail = step, output[-4000:]
                return result
        if installed:
            with _installed_lock:
                _installed.add(key)
        t = time.perf_counter()
        ok, output = _test(combo, project, run_env, timeout, server_env=env)
        steps["test"] = time.perf_counter() - t
        if not ok:
            result.failed_step, result.output_tail = "test", output[-4000:]
            return result
        result.passed = True
        return result
    finally:
        if installed:
            with _environment_lock():
                subprocess.run([py, "-m", "pip", "uninstall", "-q", "-y", name], capture_output=True, env=env)
        shutil.rmtree(project, ignore_errors=True)
        result.seconds = time.perf_counter() - started


def run(
    combos: list[Combination],
    jobs: int = 1,
    on_result: Callable[[Result], None] | None = None,
    keep_dir: Path | None = None,
) -> list[Result]:
    """Run combinations in parallel (`jobs` at a time); results in plan order."""
    from concurrent.futures import ThreadPoolExecutor

    threads = max(1, (os.cpu_count() or 1) // max(1, jobs))
    workdir = Path(tempfile.mkdtemp(prefix="dlgen-matrix-", dir=keep_dir))
    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures = [pool.submit(run_one, c, workdir, i, threads) for i, c in enumerate(combos)]
            results = []
            for future in futures:
                results.append(future.result())
                if on_result:
                    on_result(results[-1])
        return results
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _summary(results: list[Result]) -> list[str]:
    """Passed/total per task (rows) and framework (columns)."""
    tasks = sorted({r.combination["task"] for r in results})
    frameworks = sorted({r.combination["framework"] for r in results})
    lines = ["| task | " + " | ".join(frameworks) + " |", "|---|" + "---|" * len(frameworks)]
    for task in tasks:
        cells = []
        for framework in frameworks:
            group = [
                r
                for r in results
                if r.combination["task"] == task and r.combination["framework"] == framework
            ]
            cells.append(f"{sum(r.passed for r in group)}/{len(group)}" if group else "-")
        lines.append(f"| {task} | " + " | ".join(cells) + " |")
    return lines


def time_summary(results: list[Result]) -> list[str]:
    """Where the time went: seconds per framework and depth, and per step, to aim speed work."""
    import statistics

    lines = [
        "| framework | depth | combinations | median s | max s | total s |",
        "|---|---|---|---|---|---|",
    ]
    groups: dict[tuple[str, str], list[float]] = {}
    for r in results:
        groups.setdefault((r.combination["framework"], r.combination["depth"]), []).append(r.seconds)
    for (framework, depth), seconds in sorted(groups.items()):
        lines.append(
            f"| {framework} | {depth} | {len(seconds)} | {statistics.median(seconds):.1f} "
            f"| {max(seconds):.1f} | {sum(seconds):.0f} |"
        )
    steps: dict[str, float] = {}
    for r in results:
        for step, seconds in r.steps.items():
            steps[step] = steps.get(step, 0.0) + seconds
    lines += ["", "| step | total s |", "|---|---|"]
    lines += [f"| {step} | {seconds:.0f} |" for step, seconds in steps.items()]
    return lines


def write_report(results: Iterable[Result], out: Path) -> tuple[Path, Path]:
    """`<out>.json` and `<out>.md`: combination, result, seconds, and the tail of each failure."""
    results = list(results)
    out.parent.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out.with_suffix(".json"), out.with_suffix(".md")
    json_path.write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n", encoding="utf-8")
    passed = sum(r.passed for r in results)
    lines = [
        "# dlgen matrix report",
        "",
        f"{passed} passed, {len(results) - passed} failed, {sum(r.seconds for r in results):.0f} s of work",
        "",
        "| # | combination | why, depth | checks run | result | seconds |",
        "|---|---|---|---|---|---|",
    ]
    lines[4:4] = _summary(results) + [""] + time_summary(results) + [""]
    for i, r in enumerate(results):
        status = "pass" if r.passed else f"[FAIL: {r.failed_step}](#failure-{i})"
        combo = r.combination
        launchers = ", launchers" if combo.get("launchers") and combo["hardware"] != "cpu" else ""
        why = f"{combo['reason']}, {combo['depth']}{launchers}"
        checks = ", ".join(r.steps) or "-"
        lines.append(f"| {i} | `{r.id}` | {why} | {checks} | {status} | {r.seconds:.1f} |")
    for i, r in enumerate(results):
        if not r.passed:
            lines += [
                "",
                f'<a id="failure-{i}"></a>',
                f"## failure {i}: `{r.id}` ({r.failed_step})",
                "",
                "```",
            ]
            lines += [r.output_tail.rstrip(), "```"]
    md_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return json_path, md_path
