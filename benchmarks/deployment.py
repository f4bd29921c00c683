"""Deployment of the PyTorch image-classification project, measured: what `quantize`, `prune`,
`distill` and `serve` give on a model trained for real. Run by hand (a few minutes):

    python benchmarks/deployment.py [--arch resnet] [--epochs 6] [--write]

The generated project (its default `small` preset) trains on its own `sample-data` set, then in
one process on the CPU:

1. inference latency of the eager model, its ONNX export in onnxruntime and the int8 model
   `quantize` writes, batch 1 and 32 (interleaved, after a warm-up);
2. accuracy and file size of the float32 and int8 models (`quantize`'s own report);
3. `prune` at 50 % and 80 % with one fine-tuning epoch: sparsity and accuracy;
4. `distill` into the `tiny` preset: parameters and accuracy next to the teacher;
5. `serve`: round-trip latency of POST /predict with 1 and 32 images (uvicorn in a thread,
   a urllib client, both in this process).
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import importlib
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.harness import (  # noqa: E402
    ensure_stable_malloc,
    generated_project,
    publish,
    serve_round_trips,
    stats,
)

DEPLOY_MODULES = ("checkpoint", "quantize", "prune", "distill", "serve", "exported")


def latencies(
    pkg, cfg, export_dir: Path, rounds: int = 50, warmup: int = 10
) -> dict[str, dict[int, list[float]]]:
    """ms per call of the eager model, ONNX float32 and ONNX int8, interleaved per iteration."""
    import torch

    model, _ = pkg.checkpoint.load_model(Path(cfg.output_dir) / "best.pt")
    runners = {
        "eager PyTorch": None,
        "onnxruntime float32": pkg.exported.ExportedModel(export_dir, max_batch=64),
        "onnxruntime int8": pkg.exported.ExportedModel(export_dir, max_batch=64, int8=True),
    }
    out: dict[str, dict[int, list[float]]] = {name: {} for name in runners}
    for batch in (1, 32):
        x = torch.randn(batch, cfg.data.channels, cfg.data.image_size, cfg.data.image_size)
        array = x.numpy()
        times: dict[str, list[float]] = {name: [] for name in runners}
        with torch.inference_mode():
            for i in range(rounds + warmup):
                for name, runner in runners.items():
                    started = time.perf_counter()
                    if runner is None:
                        model(x)
                    else:
                        runner.run({runner.input_names[0]: array})
                    if i >= warmup:
                        times[name].append((time.perf_counter() - started) * 1000)
        for name in runners:
            out[name][batch] = times[name]
    return out


def serve_latency(pkg, export_dir: Path, files: list[Path]) -> dict[int, list[float]]:
    """ms per POST /predict round trip with 1 and 32 images."""
    encoded = [base64.b64encode(path.read_bytes()).decode() for path in files]
    bodies = {count: {"images": encoded[:count]} for count in (1, 32)}
    times, answers = serve_round_trips(pkg.serve.create_app(export_dir), bodies)
    for count, answer in answers.items():
        assert len(answer["predictions"]) == count
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", default="resnet")
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    ensure_stable_malloc()
    import torch
    from rich.console import Console

    quiet = Console(quiet=True)
    with tempfile.TemporaryDirectory() as tmp:
        project, pkg = generated_project(Path(tmp), "pytorch", args.arch)
        for module in DEPLOY_MODULES:
            setattr(pkg, module, importlib.import_module(f"bench.{module}"))
        data_root = Path(tmp) / "data"
        pkg.data.write_sample_data(data_root)
        overrides = [f"data.root={data_root}", f"output_dir={Path(tmp) / 'run'}", f"epochs={args.epochs}"]
        cfg = pkg.config.load_config(project / "configs/default.yaml", overrides)
        started = time.perf_counter()
        pkg.train.train(cfg, console=quiet)
        train_seconds = time.perf_counter() - started
        pkg.export.export(cfg)
        export_dir = Path(cfg.output_dir) / cfg.export.directory
        report = pkg.quantize.quantize(cfg)
        timing = latencies(pkg, cfg, export_dir)
        pruned = {
            amount: pkg.prune.prune(cfg, amount, 1, output=Path(tmp) / f"pruned-{amount}.pt", console=quiet)
            for amount in (0.5, 0.8)
        }
        student = pkg.distill.distill(cfg, student_size="tiny", epochs=args.epochs, console=quiet)
        files = sorted(path for path in (data_root / "val").rglob("*") if path.is_file())
        serving = serve_latency(pkg, export_dir, files)

    lines = [
        f"## Deployment: PyTorch image classification ({args.arch}, small, 32x32)",
        "",
        f"{dt.date.today()}, {platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, "
        f"{torch.get_num_threads()} threads. The generated project trained {args.epochs} epochs on its "
        f"`sample-data` set (600 training, {report.samples} validation images; {train_seconds:.0f} s), "
        "then `export`, `quantize`, `prune`, `distill` and `serve` ran on it in one process.",
        "",
        "| model | validation accuracy | file / parameters |",
        "|---|---|---|",
        f"| float32 (`model.onnx`) | {report.float_value:.3f} | {report.float_bytes / 1e6:.2f} MB |",
        f"| int8 (`quantize`, dynamic) | {report.int8_value:.3f} | {report.int8_bytes / 1e6:.2f} MB "
        f"({report.int8_bytes / report.float_bytes:.2f}x) |",
    ]
    for amount, result in pruned.items():
        lines.append(
            f"| `prune --amount {amount}` + 1 fine-tuning epoch | {result.finetuned:.3f} (right after "
            f"pruning: {result.pruned:.3f}) | {result.sparsity:.1%} of {result.weights:,} weights zero |"
        )
    lines += [
        f"| `distill` student (`tiny`, {args.epochs} epochs) | {student.student:.3f} (teacher "
        f"{student.teacher:.3f}) | {student.student_parameters:,} parameters "
        f"({student.student_parameters / student.teacher_parameters:.0%} of the teacher's) |",
        "",
        f"int8 and float32 give the same class for {report.agreement:.1%} of the validation images "
        f"(largest logit difference {report.max_abs_diff:.3f}).",
        "",
        "| inference, ms per call | min | median | max |",
        "|---|---|---|---|",
    ]
    for name, by_batch in timing.items():
        for batch, values in by_batch.items():
            lines.append(f"| {name}, batch {batch} | {stats(values, '{:.2f}')} |")
    for count, values in serving.items():
        name = f"`serve`: POST /predict with {count} PNG image(s), round trip"
        lines.append(f"| {name} | {stats(values, '{:.2f}')} |")
    publish("\n".join(lines), args.write)


if __name__ == "__main__":
    main()
