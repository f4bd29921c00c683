"""The generated CUDA training step vs a tuned hand-written AMP + torch.compile loop, on a real
NVIDIA GPU: samples/s and model FLOPs utilisation (MFU). Two phases:

    python3 gpu_step.py run PROJECT --out RESULT.json [--quick]   # on the GPU machine
    python benchmarks/gpu_step.py report RESULT.json... [--write] # here: RESULTS.md

`run` imports the PyTorch image-classification project rendered for `cuda` by
`gpu_projects.py prepare` (its `src/` on sys.path; torch is the GPU machine's own) and, for two
shapes (the project's small ResNet at 32 px and ResNet-18 at 128 px), times one epoch of
pre-made uint8 batches already on the GPU, so only the step differs, not the input pipeline:

- the generated `train_epoch` as `train` runs it (bf16 autocast, channels-last, its AdamW);
- the same with `hardware.compile=true`;
- the same with a fused AdamW: a candidate change, measured before it is made;
- a hand-written loop: bf16 autocast, channels-last, fused AdamW, no host syncs, eager and
  under torch.compile.

Augmentation and gradient clipping are off on every side, so the same arithmetic is compared.
Each variant runs a warm-up epoch (compilation, cuDNN autotuning), then ROUNDS timed epochs,
interleaved across variants. MFU = samples/s x training FLOPs per sample (forward + backward,
counted by torch.utils.flop_counter) / the bf16 matrix-product rate measured on this GPU in the
same run. Nothing asserts a speed; the numbers go to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import platform
import statistics
import sys
import time
from pathlib import Path

ROUNDS = 3
SHAPES = {  # label -> (model.size, image size, batch, steps per epoch)
    "ResNet-18, 128 px": ("base", 128, 256, 40),
    "small ResNet, 32 px (the project's default)": ("small", 32, 256, 60),
}
QUICK = {"tiny ResNet, 32 px": ("tiny", 32, 16, 3)}  # a CPU dry run of the whole script


def matmul_peak(torch, device, quick: bool) -> float:
    """bf16 TFLOP/s of a large matrix product here: the ceiling MFU is measured against."""
    n = 512 if quick else 8192
    a = torch.randn(n, n, device=device, dtype=torch.bfloat16)
    b = torch.randn(n, n, device=device, dtype=torch.bfloat16)
    for _ in range(3):
        a @ b
    sync(torch, device)
    start = time.perf_counter()
    for _ in range(10):
        a @ b
    sync(torch, device)
    return 2 * n**3 * 10 / (time.perf_counter() - start) / 1e12


def sync(torch, device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def run(project: Path, out: Path, quick: bool, shape_filter: str, eager_only: bool) -> None:
    import torch
    from rich.console import Console
    from rich.progress import Progress

    sys.path.insert(0, str(project / "src"))
    package = next(p.name for p in (project / "src").iterdir() if (p / "train.py").exists())
    names = ("config", "hardware", "model", "optim", "task", "train")
    mod = {name: importlib.import_module(f"{package}.{name}") for name in names}
    fallback = ["hardware.allow_cpu_fallback=true"] if quick else []
    base_cfg = mod["config"].load_config(project / "configs/default.yaml", fallback)
    runtime0 = mod["hardware"].setup_hardware(base_cfg.hardware)
    device = runtime0.device
    result: dict = {
        "env": {
            "date": str(dt.date.today()),
            "python": platform.python_version(),
            "torch": torch.__version__,
            "gpu": torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu",
        },
        "shapes": {},
    }
    result["env"]["bf16_matmul_tflops"] = round(matmul_peak(torch, device, quick), 1)
    print(json.dumps(result["env"]), flush=True)
    quiet = Progress(console=Console(file=open("/dev/null", "w")), disable=True)

    for label, shape in (QUICK if quick else SHAPES).items():
        if shape_filter not in label:
            continue
        result["shapes"][label] = measure(torch, mod, project, runtime0, shape, fallback, quiet, eager_only)
        medians = {n: statistics.median(v) for n, v in result["shapes"][label]["samples_per_s"].items()}
        print(label, json.dumps(medians), flush=True)
        out.write_text(json.dumps(result, indent=1))  # a run cut off later still reports


def measure(torch, mod, project, runtime0, shape, fallback, quiet, eager_only: bool) -> dict:
    """Warm-up and ROUNDS interleaved timed epochs of every variant at one shape."""
    size, image, batch, steps = shape
    device = runtime0.device
    overrides = [
        f"model.size={size}",
        f"data.image_size={image}",
        f"data.batch_size={batch}",
        "augment.enabled=false",
        "grad_clip=0",
        "log_every=1000",
        *fallback,
    ]
    cfg = mod["config"].load_config(project / "configs/default.yaml", overrides)
    classes = 10
    meta = {"class_names": [str(i) for i in range(classes)]}
    gen = torch.Generator(device="cpu").manual_seed(0)
    batches = [
        (
            torch.randint(0, 256, (batch, 3, image, image), dtype=torch.uint8, generator=gen).to(device),
            torch.randint(0, classes, (batch,), generator=gen).to(device),
        )
        for _ in range(steps)
    ]

    def generated(compile_: bool = False, fused: bool = False):
        runtime = mod["hardware"].Runtime(
            device=device,
            precision=runtime0.precision,
            channels_last=runtime0.channels_last,
            compile=compile_,
        )
        task = mod["task"].Task(cfg, meta, device, runtime.channels_last)
        torch.manual_seed(0)
        model = runtime.place(mod["model"].build_model(**task.model_args()))
        if fused:
            groups = mod["optim"].parameter_groups(model, cfg.optim.weight_decay)
            optimizer = torch.optim.AdamW(
                groups, lr=cfg.optim.lr, betas=cfg.optim.betas, fused=device.type == "cuda"
            )
        else:
            optimizer = mod["optim"].build_optimizer(model, cfg.optim)
        scheduler = mod["optim"].build_scheduler(optimizer, cfg.schedule, cfg.epochs, steps)
        scaler = runtime.grad_scaler()
        forward = runtime.compiled(model)

        def epoch() -> None:
            mod["train"].train_epoch(
                forward, model, batches, task, optimizer, scheduler, scaler, runtime, cfg, quiet, 1
            )

        return epoch, model

    def hand_written(compile_: bool):
        torch.manual_seed(0)
        task = mod["task"].Task(cfg, meta, device, True)
        model = mod["model"].build_model(**task.model_args())
        model.to(device, memory_format=torch.channels_last)
        optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.optim.lr, fused=device.type == "cuda")
        forward = torch.compile(model) if compile_ else model
        criterion = torch.nn.CrossEntropyLoss(label_smoothing=cfg.loss.label_smoothing)
        mean = task.mean.view(1, -1, 1, 1)
        std = task.std.view(1, -1, 1, 1)

        def epoch() -> None:
            model.train()
            for images, labels in batches:
                x = ((images.float() / 255.0 - mean) / std).contiguous(memory_format=torch.channels_last)
                with torch.autocast(device.type, dtype=torch.bfloat16):
                    loss = criterion(forward(x), labels)
                loss.backward()
                optimizer.step()
                optimizer.zero_grad(set_to_none=True)

        return epoch, model

    variants = {
        "generated train_epoch": generated(),
        "generated, hardware.compile=true": generated(compile_=True),
        "generated, fused AdamW": generated(fused=True),
        "hand-written AMP, eager": hand_written(False),
        "hand-written AMP + compile": hand_written(True),
    }
    if eager_only:  # a short check: no compilation
        variants = {name: v for name, v in variants.items() if "compile" not in name}
    flops = training_flops(torch, variants["hand-written AMP, eager"][1], batches[0])
    entry: dict = {
        "model": size,
        "image": image,
        "batch": batch,
        "steps": steps,
        "flops_per_sample": flops,
    }
    rates: dict[str, list[float]] = {name: [] for name in variants}
    warm: dict[str, float] = {}
    for name, (epoch, _) in variants.items():
        start = time.perf_counter()
        epoch()
        sync(torch, device)
        warm[name] = round(time.perf_counter() - start, 1)
        print(f"{size}/{image}px: {name}: warm-up {warm[name]} s", flush=True)
    for _ in range(ROUNDS):
        for name, (epoch, _) in variants.items():
            sync(torch, device)
            start = time.perf_counter()
            epoch()
            sync(torch, device)
            rates[name].append(batch * steps / (time.perf_counter() - start))
    entry["warm_up_seconds"] = warm
    entry["samples_per_s"] = {name: [round(r) for r in values] for name, values in rates.items()}
    return entry


def training_flops(torch, model, batch) -> float:
    """FLOPs of one forward + backward per sample (matrix products and convolutions)."""
    from torch.utils.flop_counter import FlopCounterMode

    images, labels = batch
    x = (images[:8].float() / 255.0).contiguous(memory_format=torch.channels_last)
    with FlopCounterMode(display=False) as counter:
        torch.nn.functional.cross_entropy(model(x), labels[:8]).backward()
    model.zero_grad(set_to_none=True)
    return counter.get_total_flops() / 8


def report(paths: list[Path], write: bool) -> None:
    """One block of tables per run, in the order given (a run after a change follows the one
    that measured the change)."""
    lines = [
        "## PyTorch training step on a real GPU: generated vs tuned hand-written",
        "",
        "`benchmarks/gpu_step.py`: pre-made uint8 batches already on the GPU (no input pipeline), "
        "augmentation and clipping off on every side; a warm-up epoch, then "
        f"{ROUNDS} interleaved timed epochs per variant. MFU: samples/s x training FLOPs per sample "
        "(torch.utils.flop_counter) / the bf16 rate of an 8192x8192x8192 matrix product measured "
        "in the same run.",
    ]
    for number, path in enumerate(paths, 1):
        lines += ["", *run_report(number, path)]
    text = "\n".join(lines)
    print(text)
    if write:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from benchmarks.results import write_section

        write_section(text)


def run_report(number: int, path: Path) -> list[str]:
    data = json.loads(path.read_text())
    env = data["env"]
    peak = env["bf16_matmul_tflops"]
    lines = [
        f"Run {number} (`{path.name}`), {env['date']}: {env['gpu']}, torch {env['torch']}, "
        f"Python {env['python']}; bf16 matrix products at **{peak} TFLOP/s**.",
    ]
    for label, e in data["shapes"].items():
        candidates = ("hand-written AMP + compile", "hand-written AMP, eager")
        reference = next(name for name in candidates if name in e["samples_per_s"])
        hand = statistics.median(e["samples_per_s"][reference])
        lines += [
            "",
            f"**{label}** (model.size={e['model']}, batch {e['batch']}, {e['steps']} steps an epoch, "
            f"{e['flops_per_sample'] / 1e9:.2f} GFLOP per training sample):",
            "",
            f"| variant | samples/s min | median | max | / {reference} | MFU | warm-up s |",
            "|---|---|---|---|---|---|---|",
        ]
        for name, values in e["samples_per_s"].items():
            med = statistics.median(values)
            mfu = med * e["flops_per_sample"] / (peak * 1e12)
            lines.append(
                f"| {name} | {min(values):,} | {med:,.0f} | {max(values):,} | {med / hand:.2f} "
                f"| {mfu:.1%} | {e['warm_up_seconds'][name]} |"
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="phase", required=True)
    run_parser = sub.add_parser("run")
    run_parser.add_argument("project", type=Path)
    run_parser.add_argument("--out", type=Path, required=True)
    run_parser.add_argument("--quick", action="store_true", help="tiny shapes on any device: a dry run")
    run_parser.add_argument("--shape", default="", help="only the shapes whose label holds this")
    run_parser.add_argument("--eager-only", action="store_true", help="leave the compiled variants out")
    report_parser = sub.add_parser("report")
    report_parser.add_argument("results", type=Path, nargs="+")
    report_parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    if args.phase == "run":
        run(args.project.resolve(), args.out, args.quick, args.shape, args.eager_only)
    else:
        report(args.results, args.write)


if __name__ == "__main__":
    main()
