"""JAX image classification: generated training step vs a hand-written Flax NNX + Optax loop,
the input pipeline, and ONNX Runtime inference vs the jitted JAX model. Run by hand (about
3 minutes on 2 cores):

    python benchmarks/jax_training.py [--arch resnet] [--write]

1. Training step throughput (samples/s): the generated project's `train_epoch` (its `train_step`
   compiled by `nnx.jit`, a device sync every `log_every` steps) vs a minimal loop (forward,
   label-smoothed cross-entropy, `nnx.value_and_grad`, `optimizer.update`, one `nnx.jit`) on
   the same model, the same pre-decoded uint8 batches and the same Optax transformation (the
   project's AdamW + warm-up/cosine schedule), in one process, interleaved after a warm-up
   that compiles both (order alternating each round: A B, B A, ...); augmentation and
   clipping off on both sides so the same arithmetic is compared and only loop overhead
   differs. The clock stops after `jax.block_until_ready` on the model and optimizer state.
   Each epoch's process CPU time is recorded too: on a shared machine it is less exposed to
   other processes than the wall clock (not immune: busy thread pools spin).
2. Input pipeline: the generated `ImageFolderLoader` (PIL decoding in `data.num_workers`
   threads, batches assembled in a background thread) over the `sample-data` tree: the first
   pass decodes, later passes gather from `data.cache`; vs what the training step consumes.
3. Inference latency: the model exported by the project's `export_onnx` (jax2onnx) in
   onnxruntime vs the jitted JAX model (`jax.jit` over the split state), batch 1 and 32.

The environment sets glibc's malloc thresholds (see ../shared/ENV.md) for stable CPU timings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.harness import (  # noqa: E402
    ROUNDS,
    busy_note,
    cpu_ratio,
    cpu_seconds,
    ensure_stable_malloc,
    generated_project,
    paired,
    publish,
    stats,
)


class FixedBatches(list):
    """A list of pre-decoded batches that quacks like the generated loader for train_epoch."""

    num_examples = 0

    def reseed(self, seed: int) -> None:
        pass


def measure_training(
    pkg, cfg, task, batches: FixedBatches
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    import jax
    import jax.numpy as jnp
    import optax
    from flax import nnx
    from rich.console import Console
    from rich.progress import Progress

    runtime = pkg.hardware.setup_hardware(cfg.hardware)
    # The project's transformation (AdamW, warm-up + cosine schedule; clipping off) for both.
    transform = pkg.optim.build_transform(
        cfg.optim, cfg.schedule, cfg.epochs, len(batches), cfg.grad_clip, cfg.grad_accumulation
    )
    samples = len(batches) * cfg.data.batch_size

    def fresh(seed: int = 0):
        params_key, dropout_key = jax.random.split(jax.random.key(seed))
        rngs = nnx.Rngs(params=params_key, dropout=dropout_key)
        model = runtime.place(pkg.model.build_model(**task.model_args(), rngs=rngs))
        return model, runtime.place(pkg.optim.build_optimizer(model, transform))

    gen_model, gen_optimizer = fresh()
    progress = Progress(console=Console(file=open(os.devnull, "w")), disable=True)
    epoch = 0

    def generated() -> tuple[float, float]:
        nonlocal epoch
        epoch += 1
        key = jax.random.fold_in(jax.random.key(cfg.seed), epoch)
        start, cpu = time.perf_counter(), cpu_seconds()
        pkg.train.train_epoch(gen_model, gen_optimizer, batches, task, key, runtime, cfg, progress, epoch)
        jax.block_until_ready((nnx.state(gen_model), nnx.state(gen_optimizer)))
        return time.perf_counter() - start, cpu_seconds() - cpu

    hand_model, hand_optimizer = fresh()
    mean, std = jnp.asarray(cfg.data.mean), jnp.asarray(cfg.data.std)
    smoothing, classes = cfg.loss.label_smoothing, len(task.class_names)

    @nnx.jit
    def step(model, optimizer, images, labels):
        def loss_fn(model):
            inputs = (images.astype(jnp.float32) / 255.0 - mean) / std
            targets = optax.smooth_labels(jax.nn.one_hot(labels, classes), smoothing)
            return optax.softmax_cross_entropy(model(inputs), targets).mean()

        loss, grads = nnx.value_and_grad(loss_fn)(model)
        optimizer.update(model, grads)
        return loss

    def hand_written() -> tuple[float, float]:
        hand_model.train()
        start, cpu = time.perf_counter(), cpu_seconds()
        for batch in batches:
            loss = step(hand_model, hand_optimizer, batch.images, batch.labels)
        jax.block_until_ready((loss, nnx.state(hand_model), nnx.state(hand_optimizer)))
        return time.perf_counter() - start, cpu_seconds() - cpu

    contenders = {"generated train_epoch": generated, "hand-written loop": hand_written}
    results: dict[str, list[float]] = {name: [] for name in contenders}  # samples/s
    cpu_used: dict[str, list[float]] = {name: [] for name in contenders}  # CPU seconds
    for run in contenders.values():  # warm-up: compiles both steps
        run()
    names = list(contenders)
    for round_ in range(ROUNDS):  # A B, B A, A B, ...: a slow drift favours neither
        for name in names if round_ % 2 == 0 else names[::-1]:
            gc.collect()  # outside the clock (else a collection may land inside an epoch)
            wall, cpu = contenders[name]()
            results[name].append(samples / wall)
            cpu_used[name].append(cpu)
    return results, cpu_used


def measure_loader(pkg, cfg) -> dict[str, list[float]]:
    """images/s of the first pass (decoding) and of the third pass (cached) of fresh loaders."""
    rates: dict[str, list[float]] = {"first": [], "cached": []}
    for _ in range(5):
        loader = pkg.data.build_loaders(cfg).train
        for index in range(3):
            start = time.perf_counter()
            count = sum(int(batch.mask.sum()) for batch in loader)
            rate = count / (time.perf_counter() - start)
            if index == 0:
                rates["first"].append(rate)
            elif index == 2:
                rates["cached"].append(rate)
    return rates


def measure_inference(pkg, cfg, task, workdir: Path) -> dict[str, dict[int, list[float]]]:
    import jax
    import numpy as np
    import onnxruntime as ort
    from flax import nnx

    rngs = nnx.Rngs(params=jax.random.key(1), dropout=jax.random.key(2))
    model = pkg.model.build_model(**task.model_args(), rngs=rngs)
    model.eval()
    graphdef, state = nnx.split(model)
    arrays, structure = jax.tree.flatten(state)

    def forward(*inputs):  # as the project's export() traces it
        return nnx.merge(graphdef, jax.tree.unflatten(structure, arrays))(*inputs)

    check = pkg.task.example_inputs(task.model_args(), 3)
    directory = workdir / "export"
    directory.mkdir()
    with pkg.export._quiet():
        onnx_path, _ = pkg.export.export_onnx(forward, check, directory, cfg.export)
    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    apply = jax.jit(lambda state, x: nnx.merge(graphdef, state)(x))
    out: dict[str, dict[int, list[float]]] = {"jitted JAX": {}, "onnxruntime": {}}
    for batch in (1, 32):
        x = pkg.task.example_inputs(task.model_args(), batch, seed=batch)[0]
        jax.block_until_ready(apply(state, x))  # compiles this batch size
        jitted, onnx = [], []
        for i in range(60):
            t = time.perf_counter()
            jax.block_until_ready(apply(state, x))
            t_jax = time.perf_counter() - t
            t = time.perf_counter()
            session.run(None, {name: x})
            t_onnx = time.perf_counter() - t
            if i >= 10:  # warm-up
                jitted.append(t_jax * 1000)
                onnx.append(t_onnx * 1000)
        out["jitted JAX"][batch], out["onnxruntime"][batch] = jitted, onnx
        expected = np.asarray(apply(state, x))
        np.testing.assert_allclose(expected, session.run(None, {name: x})[0], atol=1e-4)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", default="resnet")
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    ensure_stable_malloc()
    import flax
    import jax
    import optax

    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        project, pkg = generated_project(Path(tmp), "jax", args.arch)
        data_root = Path(tmp) / "data"
        pkg.data.write_sample_data(data_root)
        overrides = [f"data.root={data_root}", "augment.enabled=false", "grad_clip=0", "log_every=10"]
        cfg = pkg.config.load_config(project / "configs/default.yaml", overrides)
        data = pkg.data.build_loaders(cfg)
        task = pkg.task.Task.from_config(cfg, data.meta)
        batches = FixedBatches(list(data.train) * 3)  # 30 steps an epoch
        batches.num_examples = len(batches) * cfg.data.batch_size
        training, cpu_used = measure_training(pkg, cfg, task, batches)
        loader_rates = measure_loader(pkg, cfg)
        inference = measure_inference(pkg, cfg, task, Path(tmp))
    load = max(load, os.getloadavg()[0])

    gen, hand = training["generated train_epoch"], training["hand-written loop"]
    ratio = statistics.median(gen) / statistics.median(hand)
    step_rate = statistics.median(gen)
    busy = busy_note(load)
    lines = [
        f"## JAX image classification ({args.arch}, {cfg.model.size}, "
        f"{cfg.data.image_size}x{cfg.data.image_size}, batch {cfg.data.batch_size})",
        "",
        f"{dt.date.today()}, {platform.machine()}, {os.cpu_count()} cores, jax {jax.__version__}, "
        f"flax {flax.__version__}, optax {optax.__version__}, glibc malloc thresholds set; "
        f"{ROUNDS} interleaved rounds of one epoch ({len(batches)} batches) after a warm-up that "
        f"compiles both steps; `benchmarks/jax_training.py`.{busy}",
        "",
        "| measurement | min | median | max |",
        "|---|---|---|---|",
        f"| generated `train_epoch`, samples/s | {stats(gen)} |",
        f"| hand-written `nnx.jit` loop, samples/s | {stats(hand)} |",
        f"| input pipeline, first pass ({cfg.data.num_workers} decoding threads, PNG/JPEG), "
        f"images/s | {stats(loader_rates['first'])} |",
        f"| input pipeline, cached pass (`data.cache`), images/s | {stats(loader_rates['cached'])} |",
    ]
    for backend, by_batch in inference.items():
        for batch, values in by_batch.items():
            lines.append(f"| {backend} inference, batch {batch}, ms | {stats(values, '{:.2f}')} |")
    first, cached = statistics.median(loader_rates["first"]), statistics.median(loader_rates["cached"])
    lines += [
        "",
        f"Generated / hand-written training throughput (medians): **{ratio:.3f}** (target >= 0.95); "
        f"{paired(gen, hand)}; by process CPU time per epoch "
        f"{cpu_ratio(cpu_used, 'hand-written loop', 'generated train_epoch'):.3f}.",
        f"Input pipeline / training consumption: **{first / step_rate:.1f}x** on the first pass, "
        f"**{cached / step_rate:,.0f}x** cached (target >= 3x).",
    ]
    for batch in (1, 32):
        speedup = statistics.median(inference["jitted JAX"][batch]) / statistics.median(
            inference["onnxruntime"][batch]
        )
        lines.append(f"onnxruntime speed-up over jitted JAX at batch {batch}: **{speedup:.2f}x**.")
    publish("\n".join(lines), args.write)


if __name__ == "__main__":
    main()
