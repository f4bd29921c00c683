"""PyTorch image classification: generated training step vs a hand-written loop, the input
pipeline, and ONNX Runtime inference vs eager PyTorch. Run by hand (about 3 minutes):

    python benchmarks/pytorch_training.py [--arch resnet] [--write]

1. Training step throughput (samples/s): the generated project's `train_epoch` vs a minimal
   loop (forward, cross-entropy, backward, AdamW step) on the same model, batches and thread
   count, in one process, interleaved A B A B after a warm-up; augmentation and clipping off
   on both sides so the same arithmetic is compared and only loop overhead differs.
2. Input pipeline: the generated DataLoader (PNG decoding, default workers) over the
   `sample-data` tree vs what the training step consumes.
3. Inference latency: the exported ONNX model in onnxruntime vs the eager model, batch 1 and 32.

The environment sets glibc's malloc thresholds (see ../shared/ENV.md) for stable CPU timings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.harness import ROUNDS, ensure_stable_malloc, generated_project, publish, stats  # noqa: E402


def measure_training(pkg, cfg, batches, steps: int) -> dict[str, list[float]]:
    import torch
    from rich.console import Console
    from rich.progress import Progress

    task = pkg.task.Task(cfg, {"class_names": [str(i) for i in range(4)]}, torch.device("cpu"))
    runtime = pkg.hardware.Runtime(device=torch.device("cpu"))

    def fresh():
        torch.manual_seed(0)
        model = pkg.model.build_model(**task.model_args())
        return model, torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.05)

    def generated() -> float:
        model, optimizer = fresh()
        scheduler = pkg.optim.build_scheduler(optimizer, cfg.schedule, cfg.epochs, len(batches))
        scaler = runtime.grad_scaler()
        progress = Progress(console=Console(file=open(os.devnull, "w")), disable=True)
        start = time.perf_counter()
        pkg.train.train_epoch(
            model, model, batches, task, optimizer, scheduler, scaler, runtime, cfg, progress, 1
        )  # the module it calls, the module that syncs (DDP): one and the same here
        return len(batches) * cfg.data.batch_size / (time.perf_counter() - start)

    def hand_written() -> float:
        model, optimizer = fresh()
        model.train()
        criterion = torch.nn.CrossEntropyLoss(label_smoothing=cfg.loss.label_smoothing)
        start = time.perf_counter()
        for images, labels in batches:
            inputs = (images.float() / 255.0 - task.mean.view(1, -1, 1, 1)) / task.std.view(1, -1, 1, 1)
            loss = criterion(model(inputs), labels)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        return len(batches) * cfg.data.batch_size / (time.perf_counter() - start)

    results: dict[str, list[float]] = {"generated train_epoch": [], "hand-written loop": []}
    generated(), hand_written()  # warm-up
    for _ in range(ROUNDS):
        results["generated train_epoch"].append(generated())
        results["hand-written loop"].append(hand_written())
    return results


class FixedBatches(list):
    """A list of pre-collated batches that quacks like a DataLoader for train_epoch."""


def measure_loader(pkg, cfg) -> list[float]:
    rates = []
    for _ in range(3):
        data = pkg.data.build_loaders(cfg)
        start = time.perf_counter()
        count = sum(len(labels) for _, labels in data.train)
        rates.append(count / (time.perf_counter() - start))
    return rates


def measure_inference(pkg, cfg, project: Path) -> dict[str, dict[int, list[float]]]:
    import numpy as np
    import onnxruntime as ort
    import torch

    task = pkg.task.Task(cfg, {"class_names": [str(i) for i in range(4)]}, torch.device("cpu"))
    model = pkg.model.build_model(**task.model_args()).eval()
    example = torch.randn(2, cfg.data.channels, cfg.data.image_size, cfg.data.image_size)
    onnx_path, _ = pkg.export.export_onnx(model, (example,), (example,), project, cfg.export)
    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    out: dict[str, dict[int, list[float]]] = {"eager PyTorch": {}, "onnxruntime": {}}
    # Eager PyTorch and onnxruntime take turns per batch size, each in its own block:
    # onnxruntime's worker threads spin between runs, and interleaved call by call they slowed
    # eager PyTorch many-fold here (benchmarks/serving.py measured it), flattering onnxruntime.
    for batch in (1, 32):
        x = torch.randn(batch, cfg.data.channels, cfg.data.image_size, cfg.data.image_size)
        x_np = x.numpy()
        eager, onnx = [], []
        with torch.inference_mode():
            for i in range(60):
                t = time.perf_counter()
                model(x)
                if i >= 10:  # warm-up
                    eager.append((time.perf_counter() - t) * 1000)
        for i in range(60):
            t = time.perf_counter()
            session.run(None, {name: x_np})
            if i >= 10:
                onnx.append((time.perf_counter() - t) * 1000)
        out["eager PyTorch"][batch], out["onnxruntime"][batch] = eager, onnx
        np.testing.assert_allclose(model(x).detach().numpy(), session.run(None, {name: x_np})[0], atol=1e-4)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", default="resnet")
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    ensure_stable_malloc()
    import torch

    with tempfile.TemporaryDirectory() as tmp:
        project, pkg = generated_project(Path(tmp), "pytorch", args.arch)
        data_root = Path(tmp) / "data"
        pkg.data.write_sample_data(data_root)
        overrides = [f"data.root={data_root}", "augment.enabled=false", "grad_clip=0", "log_every=10"]
        cfg = pkg.config.load_config(project / "configs/default.yaml", overrides)
        loader = pkg.data.build_loaders(
            pkg.config.load_config(project / "configs/default.yaml", overrides[:1])
        )
        batches = FixedBatches(list(loader.train) * 3)  # 30 steps an epoch
        training = measure_training(pkg, cfg, batches, len(batches))
        loader_rates = measure_loader(pkg, cfg)
        inference = measure_inference(pkg, cfg, project)

    gen, hand = training["generated train_epoch"], training["hand-written loop"]
    ratio = statistics.median(gen) / statistics.median(hand)
    step_rate = statistics.median(gen)
    lines = [
        f"## PyTorch image classification ({args.arch}, small, 32x32, batch {cfg.data.batch_size})",
        "",
        f"{dt.date.today()}, {platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, "
        f"{torch.get_num_threads()} threads, glibc malloc thresholds set; {ROUNDS} interleaved rounds "
        f"of one epoch ({len(batches)} batches) after a warm-up.",
        "",
        "| measurement | min | median | max |",
        "|---|---|---|---|",
        f"| generated `train_epoch`, samples/s | {stats(gen)} |",
        f"| hand-written loop, samples/s | {stats(hand)} |",
        f"| input pipeline (DataLoader, {cfg.data.num_workers} workers, PNG decode), samples/s "
        f"| {stats(loader_rates)} |",
    ]
    for backend, by_batch in inference.items():
        for batch, values in by_batch.items():
            lines.append(f"| {backend} inference, batch {batch}, ms | {stats(values, '{:.2f}')} |")
    lines += [
        "",
        f"Generated / hand-written training throughput (medians): **{ratio:.3f}** (target >= 0.95).",
        f"Input pipeline / training consumption: **{statistics.median(loader_rates) / step_rate:.1f}x** "
        "(target >= 3x).",
    ]
    for batch in (1, 32):
        speedup = statistics.median(inference["eager PyTorch"][batch]) / statistics.median(
            inference["onnxruntime"][batch]
        )
        lines.append(f"onnxruntime speed-up over eager PyTorch at batch {batch}: **{speedup:.2f}x**.")
    publish("\n".join(lines), args.write)


if __name__ == "__main__":
    main()
