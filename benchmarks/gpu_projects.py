"""Generated projects on a real NVIDIA GPU: the cuda and multi_gpu variants, run for real.

Three phases, because the GPU machine has no dlgen (and no network):

    python benchmarks/gpu_projects.py prepare DIR          # here: render the projects into DIR
    python3 gpu_projects.py run DIR --out OUT [--budget S] # on the GPU machine (stdlib only)
    python benchmarks/gpu_projects.py report RUN.json... [--write]   # here: RESULTS.md

`run` drives each project through its own commands (`sample-data`, `train`, `evaluate`,
`export`, `predict`, and its own pytest suite), with the project's `src/` on PYTHONPATH, and
times training: images per second of an epoch's wall time (training and validation passes,
PNG decoding by the project's DataLoader included) for fp32, the default bf16 autocast with
channels-last, and torch.compile. Steps run in priority order and stop starting once the
budget is spent, so a result always comes back. Nothing here asserts a speed; the numbers go
to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import fnmatch
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

# name -> (framework, task, architecture, hardware). Keep this short: a GPU lease is minutes.
PROJECTS: dict[str, tuple[str, str, str, str]] = {
    "pt_resnet_cuda": ("pytorch", "image_classification", "resnet", "cuda"),
    "pt_resnet_ddp": ("pytorch", "image_classification", "resnet", "multi_gpu"),
    "pt_text_cuda": ("pytorch", "text_classification", "transformer", "cuda"),
    "pt_detr_cuda": ("pytorch", "object_detection", "detr", "cuda"),
    "pt_ddpm_cuda": ("pytorch", "image_generation", "ddpm", "cuda"),
    "jax_resnet_cuda": ("jax", "image_classification", "resnet", "cuda"),
    "jax_resnet_dp": ("jax", "image_classification", "resnet", "multi_gpu"),
    "jax_lstm_cuda": ("jax", "time_series_forecasting", "lstm", "cuda"),
    # Task families not yet run on a GPU: their own test suites only (sample data, training,
    # evaluation and export are steps of every suite).
    "pt_unet_cuda": ("pytorch", "semantic_segmentation", "unet", "cuda"),
    "pt_maskrcnn_cuda": ("pytorch", "instance_segmentation", "mask_rcnn", "cuda"),
    "pt_conformer_cuda": ("pytorch", "speech_recognition", "conformer", "cuda"),
    "pt_t5_cuda": ("pytorch", "translation", "t5", "cuda"),
    "pt_ppo_cuda": ("pytorch", "reinforcement_learning", "ppo", "cuda"),
    "jax_text_cuda": ("jax", "text_classification", "transformer", "cuda"),
}
SUITES_ONLY = (
    "pt_unet_cuda",
    "pt_maskrcnn_cuda",
    "pt_conformer_cuda",
    "pt_t5_cuda",
    "pt_ppo_cuda",
    "jax_text_cuda",
)
BIG_IMAGES = ["--per-class-train", "2500", "--per-class-val", "500"]  # 10,000 + 2,000 PNGs
FAST = ["tracking.backend=csv"]  # PyTorch projects: no TensorBoard event files to write


def prepare(directory: Path) -> None:
    dlgen = Path(sys.executable).with_name("dlgen")
    directory.mkdir(parents=True, exist_ok=True)
    for name, answers in PROJECTS.items():
        target = directory / name
        shutil.rmtree(target, ignore_errors=True)
        keys = ("framework", "task", "architecture", "hardware")
        flags = [f"--{key}={value}" for key, value in zip(keys, answers, strict=True)]
        subprocess.run([str(dlgen), "new", str(target), f"--name={name}", *flags, "--defaults"], check=True)
    shutil.copy(__file__, directory / "gpu_projects.py")
    shutil.copy(Path(__file__).with_name("gpu_step.py"), directory / "gpu_step.py")
    print(f"{len(PROJECTS)} projects in {directory}")


class Runner:
    """Runs steps until the budget is spent; records each step's outcome for the report."""

    def __init__(self, root: Path, out: Path, budget: float, only: list[str]):
        self.root, self.out, self.deadline = root, out, time.monotonic() + budget
        self.only = only  # "project:step" globs; empty = every step
        self.steps: list[dict] = []
        self.env: dict[str, str] = {}
        self.log = (out / "log.txt").open("w")

    def step(self, project: str, name: str, cmd: list[str], timeout: float, **record) -> dict | None:
        if self.only and not any(fnmatch.fnmatch(f"{project}:{name}", glob) for glob in self.only):
            return None
        left = self.deadline - time.monotonic()
        if left < 20:
            self.steps.append({"project": project, "step": name, "status": "not run (budget)"})
            return None
        cwd = self.root / project
        path = os.pathsep.join(filter(None, [str(cwd / "src"), os.environ.get("PYTHONPATH")]))
        env = {**os.environ, "PYTHONPATH": path, "PYTHONUNBUFFERED": "1"}
        start = time.monotonic()
        try:
            done = subprocess.run(
                cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=min(timeout, left)
            )
            rc, output = done.returncode, done.stdout + done.stderr
        except subprocess.TimeoutExpired as error:
            rc, output = "timeout", f"{error.stdout or ''}{error.stderr or ''}"
            output = output.decode() if isinstance(output, bytes) else output
        seconds = time.monotonic() - start
        entry = {
            "project": project,
            "step": name,
            "status": "ok" if rc == 0 else f"failed ({rc})",
            "seconds": round(seconds, 1),
            "tail": output.strip().splitlines()[-6:],
            **record,
        }
        if summary := pytest_summary(output):
            entry["summary"] = summary
        self.steps.append(entry)
        self.log.write(f"\n===== {project} {name} rc={rc} {seconds:.1f}s\n$ {' '.join(cmd)}\n{output}\n")
        self.log.flush()
        print(f"{project:16} {name:28} {entry['status']:12} {seconds:6.1f}s", flush=True)
        self.save()
        return entry

    def save(self) -> None:
        """results.json after every step: a run cut off by its time limit still reports."""
        (self.out / "results.json").write_text(json.dumps({"env": self.env, "steps": self.steps}, indent=1))


def pytest_summary(output: str) -> str:
    """pytest's closing line ("85 passed, 2 skipped in 36.5s"); warnings can follow it."""
    lines = [line.strip("= ") for line in output.splitlines()]
    found = [line for line in lines if re.match(r"\d+ (passed|failed|errors?)\b", line)]
    return found[-1] if found else ""


def epoch_rate(metrics: Path, images: int) -> dict:
    """Images per second of epoch wall time, from the epochs after the first (warm-up)."""
    with metrics.open() as f:
        seconds = [float(row["seconds"]) for row in csv.DictReader(f)]
    steady = seconds[1:] or seconds
    return {"epoch_seconds": seconds, "images_per_s": round(images / statistics.median(steady))}


def run(root: Path, out: Path, budget: float, overrides: list[str], quick: bool, only: list[str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    r = Runner(root, out, budget, only)
    py = sys.executable
    env_info = r.env
    env_info.update(python=platform.python_version(), date=str(dt.date.today()))
    for label, cmd in {
        "gpu": ["nvidia-smi", "--query-gpu=name,memory.total,driver_version", "--format=csv,noheader"],
        "torch": [py, "-c", "import torch; print(torch.__version__, torch.cuda.get_device_name(0))"],
        "jax": [
            py,
            "-c",
            "import jax, flax, optax as o; "
            "print(jax.__version__, flax.__version__, o.__version__, jax.devices())",
        ],
    }.items():
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
            lines = (done.stdout or done.stderr).strip().splitlines()
            env_info[label] = lines[-1] if lines else ""
        except (OSError, subprocess.TimeoutExpired) as error:
            env_info[label] = f"unavailable ({error})"
    print(json.dumps(env_info, indent=1), flush=True)
    big = root / "images"  # one image tree for every image-classification project
    workers = ["data.num_workers=8"]
    extra = overrides  # e.g. hardware.allow_cpu_fallback=true for a dry run without a GPU
    images = ["--per-class-train", "20", "--per-class-val", "5"] if quick else BIG_IMAGES

    def train(
        project: str,
        label: str,
        extra: list[str],
        epochs: int = 3,
        launcher: list[str] | None = None,
        images: int | None = None,
        timeout: float = 120,
    ) -> None:
        output = f"runs/{label}"
        cmd = launcher or [py, "-m", project, "train"]
        fast = FAST if project.startswith("pt_") else []
        args = [f"epochs={epochs if not quick else 1}", f"output_dir={output}", *fast, *extra, *overrides]
        entry = r.step(project, f"train {label}", cmd + args, timeout)
        metrics = root / project / output / "metrics.csv"
        if entry and entry["status"] == "ok" and metrics.exists() and images:
            entry.update(epoch_rate(metrics, images))

    # 1. PyTorch image classification on one GPU: pipeline, precision variants, its own tests.
    p = "pt_resnet_cuda"
    r.step(p, "sample-data (12k PNG)", [py, "-m", p, "sample-data", str(big), *images], 180)
    img = [f"data.root={big}", "data.batch_size=256", *workers]
    train(p, "bf16_channels_last", img, images=12000)
    train(p, "fp32", [*img, "hardware.precision=fp32", "hardware.channels_last=false"], images=12000)
    train(p, "bf16_compile", [*img, "hardware.compile=true"], images=12000, timeout=240)
    for cmd, name in (
        (["evaluate", "output_dir=runs/bf16_channels_last", f"data.root={big}", *extra], "evaluate"),
        (["export", "output_dir=runs/bf16_channels_last", *extra], "export onnx (parity)"),
        (["predict", "--checkpoint", "runs/bf16_channels_last/best.pt", str(big / "val")], "predict"),
    ):
        r.step(p, name, [py, "-m", p, *cmd], 90)
    r.step(p, "pytest", [py, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "8"], 240)
    # 2. DDP through the project's torchrun launcher (NCCL on the GPU), then its tests.
    p = "pt_resnet_ddp"
    launch = ["bash", "scripts/launch_multi_gpu.sh", "gpu"]
    train(p, "torchrun_ddp_bf16", img, launcher=launch, images=12000, timeout=150)
    r.step(p, "pytest", [py, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "8"], 240)
    # 3. JAX image classification on the GPU, then data parallel over every visible GPU.
    p = "jax_resnet_cuda"
    jimg = [f"data.root={big}", "data.batch_size=256"]
    train(p, "bf16", jimg, images=12000, timeout=180)
    train(p, "fp32", [*jimg, "hardware.precision=fp32"], images=12000, timeout=180)
    r.step(p, "pytest", [py, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "8"], 240)
    p = "jax_resnet_dp"
    train(p, "sharded_bf16", jimg, images=12000, timeout=180)
    r.step(p, "pytest", [py, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "8"], 240)
    # 4. Other task families on one GPU: sample data, two epochs, evaluate, tests.
    for p in ("pt_text_cuda", "pt_detr_cuda", "pt_ddpm_cuda", "jax_lstm_cuda"):
        r.step(p, "sample-data", [py, "-m", p, "sample-data", "data"], 60)
        train(p, "default", ["data.root=data"], epochs=2, timeout=150)
        r.step(
            p, "evaluate", [py, "-m", p, "evaluate", "output_dir=runs/default", "data.root=data", *extra], 90
        )
    for p in ("pt_text_cuda", "pt_detr_cuda", "pt_ddpm_cuda", "jax_lstm_cuda", *SUITES_ONLY):
        r.step(p, "pytest", [py, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "8"], 180)
    r.save()


def report(runs: list[Path], write: bool) -> None:
    """One table per run (a run after fixes follows the run that found them)."""
    lines = [
        "## Generated projects on a real GPU",
        "",
        "Run by `benchmarks/gpu_projects.py` through each project's own commands and tests, under "
        "the GPU machine's own Python and packages (raw results and logs in "
        "`benchmarks/gpu-runs/`). Training rate: the 12,000 images of one epoch (10,000 train + "
        "2,000 val 32x32 PNGs, batch 256, 8 DataLoader workers for PyTorch) over the median wall "
        "time of epochs 2-3 (epoch 1 pays start-up and compilation).",
    ]
    for number, path in enumerate(runs, 1):
        env = json.loads(path.read_text())["env"]
        lines += [
            "",
            f"Run {number} (`{path.name}`), {env['date']}: {env['gpu']}; Python {env['python']}, "
            f"torch {env['torch']}; jax, flax, optax, devices: {env['jax']}.",
            "",
            "| project | step | result | seconds | images/s |",
            "|---|---|---|---|---|",
        ]
        for s in json.loads(path.read_text())["steps"]:
            rate = s.get("images_per_s", "")
            result = f"{s['status']}: {s['summary']}" if s.get("summary") else s["status"]
            lines.append(f"| {s['project']} | {s['step']} | {result} | {s.get('seconds', '')} | {rate} |")
    text = "\n".join(lines)
    print(text)
    if write:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from benchmarks.results import write_section

        write_section(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="phase", required=True)
    sub.add_parser("prepare").add_argument("dir", type=Path)
    run_parser = sub.add_parser("run")
    run_parser.add_argument("dir", type=Path)
    run_parser.add_argument("--out", type=Path, required=True)
    run_parser.add_argument("--budget", type=float, default=420, help="seconds before no new step starts")
    run_parser.add_argument("--override", action="append", default=[], help="key=value for every command")
    run_parser.add_argument("--only", action="append", default=[], help="project:step glob to run")
    run_parser.add_argument("--quick", action="store_true", help="tiny data and one epoch: a dry run")
    report_parser = sub.add_parser("report")
    report_parser.add_argument("results", type=Path, nargs="+")
    report_parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    if args.phase == "prepare":
        prepare(args.dir)
    elif args.phase == "run":
        run(args.dir.resolve(), args.out.resolve(), args.budget, args.override, args.quick, args.only)
    else:
        report(args.results, args.write)


if __name__ == "__main__":
    main()
