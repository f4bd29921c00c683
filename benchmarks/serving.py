"""`quantize` and `serve` beyond image classification, measured: PyTorch text classification,
forecasting, anomaly detection, segmentation, detection, face recognition, named-entity,
question-answering, text-generation, translation and music-generation projects trained for real
on their own `sample-data`. Run by hand (a few minutes):

    python benchmarks/serving.py [--epochs 8] [--only LABEL ...] [--write]

`--only` measures the projects whose label contains one of the words and writes them as a
section of their own.

For each project (its default preset), in one process on the CPU:

1. inference latency of the eager model, then of its ONNX export in onnxruntime and the int8
   model `quantize` writes (those two interleaved), batch 1 and 32, on the export's own example
   inputs, after a warm-up;
2. the task's metric and the file size of the float32 and int8 models (`quantize`'s report);
3. `serve`: round-trip latency of POST /predict with 1 and 32 validation samples (uvicorn in a
   thread, a urllib client, both in this process); for text and music generation 1 and 32
   prompts, each continued greedily by GENERATED_TOKENS tokens (one onnxruntime batch per token);
   for translation 1 and 32 texts, decoded greedily (one onnxruntime batch per output token).
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import importlib
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.harness import ensure_stable_malloc, publish, serve_round_trips, stats  # noqa: E402

# label -> (task, architecture)
PROJECTS = {
    "text classification, LSTM": ("text_classification", "lstm"),
    "text classification, Transformer": ("text_classification", "transformer"),
    "forecasting, LSTM": ("time_series_forecasting", "lstm"),
    "anomaly detection, autoencoder": ("anomaly_detection", "autoencoder"),
    "semantic segmentation, FCN": ("semantic_segmentation", "fcn"),
    "object detection, FCOS": ("object_detection", "fcos"),
    "face recognition, ResNet": ("face_recognition", "resnet"),
    "named entities, BiLSTM-CRF": ("token_classification", "bilstm"),
    "question answering, Transformer": ("question_answering", "transformer"),
    "text generation, GPT": ("text_generation", "gpt"),
    "translation, Transformer": ("translation", "transformer"),
    "music generation, LSTM": ("music_generation", "lstm"),
}
GENERATED_TOKENS = 16  # per prompt, in the text-generation serve requests
MODULES = ("checkpoint", "config", "data", "exported", "export", "quantize", "serve", "task", "train")


def render(workdir: Path, name: str, task: str, architecture: str) -> tuple[Path, ModuleType]:
    """Render the project `name` (defaults, onnx export) and import its modules."""
    project = workdir / name
    dlgen = Path(sys.executable).with_name("dlgen")
    flags = ["--task", task, "--architecture", architecture, "--export", "onnx", "--name", name]
    subprocess.run([str(dlgen), "new", str(project), "--defaults", *flags], check=True, capture_output=True)
    sys.path.insert(0, str(project / "src"))
    pkg = importlib.import_module(name)
    for module in MODULES:
        setattr(pkg, module, importlib.import_module(f"{name}.{module}"))
    return project, pkg


def latencies(
    pkg, cfg, export_dir: Path, rounds: int = 50, warmup: int = 10
) -> dict[str, dict[int, list[float]]]:
    """ms per call of the eager model, then of ONNX float32 and int8 (those two interleaved).
    The eager model runs first, before any onnxruntime session exists: the sessions' worker
    threads spin between runs and, interleaved, slowed eager PyTorch up to 50-fold here."""
    import torch

    trained, state = pkg.checkpoint.load_model(Path(cfg.output_dir) / cfg.export.checkpoint)
    model = pkg.task.inference_model(trained).eval()  # what export wrote, as PyTorch runs it
    shapes = {**state["meta"], **state["model_args"]}  # as export reads them
    inputs = {batch: pkg.task.example_inputs(shapes, batch) for batch in (1, 32)}
    out: dict[str, dict[int, list[float]]] = {"eager PyTorch": {}}
    with torch.inference_mode():
        for batch, x in inputs.items():
            times = []
            for i in range(rounds + warmup):
                started = time.perf_counter()
                model(*x)
                if i >= warmup:
                    times.append((time.perf_counter() - started) * 1000)
            out["eager PyTorch"][batch] = times
    runners = {
        "onnxruntime float32": pkg.exported.ExportedModel(export_dir, max_batch=64),
        "onnxruntime int8": pkg.exported.ExportedModel(export_dir, max_batch=64, int8=True),
    }
    for name in runners:
        out[name] = {}
    for batch, x in inputs.items():
        arrays = [tensor.numpy() for tensor in x]
        times_by: dict[str, list[float]] = {name: [] for name in runners}
        for i in range(rounds + warmup):
            for name, runner in runners.items():
                started = time.perf_counter()
                runner.run(dict(zip(runner.input_names, arrays, strict=True)))
                if i >= warmup:
                    times_by[name].append((time.perf_counter() - started) * 1000)
        for name in runners:
            out[name][batch] = times_by[name]
    return out


def encoded(paths: list[Path], count: int) -> list[str]:
    """`count` of the image files, base64-encoded (repeating them when there are fewer)."""
    return [base64.b64encode(path.read_bytes()).decode() for path in (paths * count)[:count]]


def requests_for(pkg, cfg, task: str, count: int) -> dict:
    """A POST /predict body with `count` validation samples of the project's task."""
    root = Path(cfg.data.root)
    if task == "time_series_forecasting":
        _, val = pkg.data.discover(cfg.data)
        length = cfg.data.context_length
        windows = [val.values[start : start + length].tolist() for start in range(count)]
        return {"histories": windows}
    if task == "text_classification":
        _, val = pkg.data.read_splits(cfg.data, cfg.seed)
        return {"texts": [record.text for record in (val * count)[:count]]}
    if task == "anomaly_detection":  # count windows' worth of rows, scored as one series
        val = pkg.data.read_split(cfg.data.root, "val")
        return {"rows": val.values[: count * cfg.data.window].tolist()}
    if task == "token_classification":
        _, val, _ = pkg.data.load_sentences(cfg.data)
        return {"sentences": [" ".join(s.words) for s in (val * count)[:count]]}
    if task == "question_answering":
        _, val = pkg.data.load_questions(cfg.data)
        questions = [{"question": q.question, "context": q.context} for q in (val * count)[:count]]
        return {"questions": questions}
    if task == "text_generation":
        prompts = ["Alice went", "The old", "", "Once"]
        return {"prompts": (prompts * count)[:count], "max_new_tokens": GENERATED_TOKENS, "temperature": 0}
    if task == "translation":
        sources = [source for source, _ in pkg.data.read_split(cfg.data, "val")]
        return {"texts": (sources * count)[:count]}
    if task == "music_generation":
        return {"prompts": [""] * count, "max_new_tokens": GENERATED_TOKENS, "temperature": 0}
    if task == "face_recognition":
        pairs = pkg.data.read_pairs(root / "val" / pkg.data.PAIRS_FILE)
        return {"images": encoded([pair.first for pair in pairs], count)}
    images = sorted(path for path in (root / "val" / "images").iterdir() if path.is_file())
    return {"images": encoded(images, count)}  # segmentation and detection


def serve_latency(pkg, cfg, task: str, export_dir: Path) -> dict[int, list[float]]:
    """ms per POST /predict round trip with 1 and 32 validation samples."""
    bodies = {count: requests_for(pkg, cfg, task, count) for count in (1, 32)}
    return serve_round_trips(pkg.serve.create_app(export_dir), bodies)[0]


def measure(workdir: Path, name: str, task: str, architecture: str, epochs: int) -> list[str]:
    """Train, export, quantize and serve one project; its rows for RESULTS.md."""
    from rich.console import Console

    project, pkg = render(workdir, name, task, architecture)
    data_root = workdir / f"{name}-data"
    pkg.data.write_sample_data(data_root)
    overrides = [f"data.root={data_root}", f"output_dir={workdir / name / 'run'}", f"epochs={epochs}"]
    cfg = pkg.config.load_config(project / "configs/default.yaml", overrides)
    started = time.perf_counter()
    pkg.train.train(cfg, console=Console(quiet=True))
    train_seconds = time.perf_counter() - started
    pkg.export.export(cfg)
    export_dir = Path(cfg.output_dir) / cfg.export.directory
    report = pkg.quantize.quantize(cfg)
    timing = latencies(pkg, cfg, export_dir)
    serving = serve_latency(pkg, cfg, task, export_dir)
    agree = "" if report.agreement is None else f"; the same answer for {report.agreement:.1%}"
    lines = [
        f"{architecture} ({task}), trained {epochs} epochs in {train_seconds:.0f} s: "
        f"{report.metric} {report.float_value:.4f} float32 -> {report.int8_value:.4f} int8 on "
        f"{report.samples} validation samples{agree}; {report.float_bytes / 1e6:.2f} MB -> "
        f"{report.int8_bytes / 1e6:.2f} MB ({report.int8_bytes / report.float_bytes:.2f}x).",
        "",
        "| inference, ms per call | min | median | max |",
        "|---|---|---|---|",
    ]
    for runner, by_batch in timing.items():
        for batch, values in by_batch.items():
            lines.append(f"| {runner}, batch {batch} | {stats(values, '{:.2f}')} |")
    for count, values in serving.items():
        lines.append(
            f"| `serve`: POST /predict with {count} sample(s), round trip | {stats(values, '{:.2f}')} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--only", nargs="+", default=[], help="labels containing these words")
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    projects = {
        label: project
        for label, project in PROJECTS.items()
        if not args.only or any(word.lower() in label.lower() for word in args.only)
    }
    ensure_stable_malloc()
    import torch

    lines = [
        "## Deployment beyond image classification: PyTorch"
        + (f" ({'; '.join(projects)})" if args.only else ""),
        "",
        f"{dt.date.today()}, {platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, "
        f"{torch.get_num_threads()} threads; `benchmarks/serving.py`. Each generated project (default "
        "preset) trained on its own `sample-data` set, then `export`, `quantize` and `serve` ran on "
        "it in one process.",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for number, (label, (task, architecture)) in enumerate(projects.items()):
            lines += [
                "",
                f"**{label}**: "
                + "\n".join(measure(Path(tmp), f"serving{number}", task, architecture, args.epochs)),
            ]
    publish("\n".join(lines), args.write)


if __name__ == "__main__":
    main()
