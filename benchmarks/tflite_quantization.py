"""`quantize --format tflite` on a TensorFlow project, measured: size, the task's validation
metric and CPU latency of the calibrated int8 model next to the float32 one. Run by hand (a
minute or two per task):

    python benchmarks/tflite_quantization.py [--task image_classification] [--arch resnet]
        [--epochs 6] [--write]

The generated project (its default `small` preset) trains on its own `sample-data` set, exports
model.tflite, and `quantize --format tflite` writes model.int8.tflite. Then, in one process:
the Keras model, the float32 and the int8 TFLite models (LiteRT interpreter) on validation
inputs, batch 1 and 32, interleaved per round after a warm-up.
"""

from __future__ import annotations

import argparse
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
from benchmarks.harness import ensure_stable_malloc, generated_project, publish, stats  # noqa: E402


def latencies(
    pkg, cfg, export_dir: Path, rounds: int = 50, warmup: int = 10
) -> dict[str, dict[int, list[float]]]:
    """ms per call of the Keras model (as exported) and of the float32 and int8 TFLite models,
    interleaved, on the first validation inputs (repeated up to the batch)."""
    import numpy as np

    trained, state = pkg.checkpoint.load_model(Path(cfg.output_dir) / "best.keras")
    model = pkg.task.inference_model(trained, state["model_args"])
    float_model = pkg.quantize.LiteRTModel(export_dir)
    inputs, _ = pkg.quantize.validation_set(cfg, float_model)
    (samples,) = inputs.values()
    runners = {
        "Keras (TensorFlow, eager call)": None,
        "LiteRT float32 (`model.tflite`)": pkg.quantize.LiteRTModel(export_dir, max_batch=64),
        "LiteRT int8 (`model.int8.tflite`)": pkg.quantize.LiteRTModel(export_dir, max_batch=64, int8=True),
    }
    out: dict[str, dict[int, list[float]]] = {name: {} for name in runners}
    for batch in (1, 32):
        x = np.resize(samples, (batch, *samples.shape[1:]))
        x = x.astype(float_model.interpreter.get_input_details()[0]["dtype"])
        times: dict[str, list[float]] = {name: [] for name in runners}
        for i in range(rounds + warmup):
            for name, runner in runners.items():
                started = time.perf_counter()
                if runner is None:
                    model(x, training=False)
                else:
                    runner.run({runner.input_names[0]: x})
                if i >= warmup:
                    times[name].append((time.perf_counter() - started) * 1000)
        for name in runners:
            out[name][batch] = times[name]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="image_classification")
    parser.add_argument("--arch", default="resnet")
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    ensure_stable_malloc()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf
    from rich.console import Console

    with tempfile.TemporaryDirectory() as tmp:
        project, pkg = generated_project(Path(tmp), "tensorflow", args.arch, export="tflite", task=args.task)
        for module in ("checkpoint", "quantize"):
            setattr(pkg, module, importlib.import_module(f"bench.{module}"))
        data_root = Path(tmp) / "data"
        pkg.data.write_sample_data(data_root)
        overrides = [f"data.root={data_root}", f"output_dir={Path(tmp) / 'run'}", f"epochs={args.epochs}"]
        cfg = pkg.config.load_config(project / "configs/default.yaml", overrides)
        pkg.train.train(cfg, console=Console(quiet=True))
        pkg.export.export(cfg)
        export_dir = Path(cfg.output_dir) / cfg.export.directory
        started = time.perf_counter()
        report = pkg.quantize.quantize(cfg, format="tflite")
        quantize_seconds = time.perf_counter() - started
        timing = latencies(pkg, cfg, export_dir)

    task = args.task.replace("_", " ")
    title = f"({args.arch}, small, 32x32)" if args.task == "image_classification" else f"({args.arch}, small)"
    lines = [
        f"## TFLite int8: TensorFlow {task} {title}",
        "",
        f"{dt.date.today()}, {platform.machine()}, {os.cpu_count()} cores, TensorFlow {tf.__version__}. "
        f"The generated project trained {args.epochs} epochs on its `sample-data` set, exported "
        f"model.tflite, and `quantize --format tflite` ({quantize_seconds:.1f} s, calibrated on up "
        "to 100 training samples) wrote model.int8.tflite.",
        "",
        f"| model | validation {report.metric} | file |",
        "|---|---|---|",
        f"| float32 (`model.tflite`) | {report.float_value:.3f} | {report.float_bytes / 1e6:.2f} MB |",
        f"| int8 (`model.int8.tflite`) | {report.int8_value:.3f} | {report.int8_bytes / 1e6:.2f} MB "
        f"({report.int8_bytes / report.float_bytes:.2f}x) |",
        "",
        f"{report.samples} validation samples; "
        + (
            f"the int8 and float32 answers (classes, pixels, flags) agree on {report.agreement:.1%}"
            if report.agreement is not None
            else "the answers are values (no agreement to count)"
        )
        + f"; largest output difference {report.max_abs_diff:.3f}.",
        "",
        "| inference, ms per call | min | median | max |",
        "|---|---|---|---|",
    ]
    for name, by_batch in timing.items():
        for batch, values in by_batch.items():
            lines.append(f"| {name}, batch {batch} | {stats(values, '{:.2f}')} |")
    publish("\n".join(lines), args.write)


if __name__ == "__main__":
    main()
