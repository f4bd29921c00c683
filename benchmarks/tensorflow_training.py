"""TensorFlow/Keras image classification: generated training vs hand-written loops, the tf.data
input pipeline, and ONNX Runtime inference vs Keras. Run by hand (about 3 minutes on 2 cores):

    python benchmarks/tensorflow_training.py [--arch resnet] [--write]

1. Training throughput (samples/s) of one epoch on the same model (the project's builder, same
   seed), the same pre-decoded batches (normalised float32 images and one-hot labels from the
   project's own pipeline, held in memory as one tf.data dataset) and the same optimizer (the
   project's `build_optimizer`: AdamW, warm-up + cosine schedule, no decay of biases and norm
   scales): the generated path (`compile_for_training`, then `model.fit` with the project's
   per-step `ProgressBar` callback, as `train()` runs it; the per-epoch `EpochEnd` bookkeeping,
   checkpoints and validation are left out) vs a minimal `model.compile` + `model.fit` vs a
   minimal `tf.GradientTape` step in one `tf.function` over a persistent iterator; a `fit`
   epoch is timed by a callback from `on_epoch_begin` to `on_epoch_end` (fit()'s set-up and
   iterator teardown are paid once per run, not per epoch). One process, interleaved after a
   warm-up that traces every step (order alternating each round), op determinism on for all
   (the project's `seed_everything` turns it on process-wide); augmentation and clipping off
   so the same arithmetic is compared and only loop overhead differs. Each epoch's process
   CPU time is recorded too: on a shared machine it is less exposed to other processes than
   the wall clock (not immune: busy thread pools spin).
2. Input pipeline: the generated `build_datasets` tf.data pipeline (default config: parallel
   decoding, `data.cache`, augmentation in the pipeline) over the `sample-data` tree: the first
   epoch decodes, later epochs read the cache; vs what the training step consumes.
3. Inference latency: the model exported by the project's `export_onnx` (Keras `model.export`,
   tf2onnx) in onnxruntime vs Keras `model.predict`, the eager call and a `tf.function` call,
   batch 1 and 32.

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

STEPS = 30  # batches in a timed epoch


def fixed_batches(pkg, cfg, batch_size: int):
    """STEPS full batches of the project's un-augmented training pipeline, as one in-memory
    tf.data dataset, repeated (the same object feeds every contender)."""
    import numpy as np
    import tensorflow as tf

    data = pkg.data.build_datasets(cfg)
    images, labels = [], []
    for x, y in data.train.take(data.steps_per_epoch):
        if x.shape[0] == batch_size:
            images.append(x.numpy())
            labels.append(y.numpy())
    picks = [i % len(images) for i in range(STEPS)]
    x = np.concatenate([images[i] for i in picks])
    y = np.concatenate([labels[i] for i in picks])
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(batch_size).cache()
    # Repeated, as the project's own stream of epochs: a timed epoch never meets the end of the
    # data (ending a tf.data iterator here stalled for up to 2 s, in no pattern).
    return data, dataset.repeat().prefetch(2)


def measure_training(
    pkg, cfg, task, runtime, dataset
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    import keras
    import tensorflow as tf
    from rich.console import Console
    from rich.progress import Progress

    samples = STEPS * cfg.data.batch_size

    def fresh():
        keras.utils.set_random_seed(cfg.seed)
        return runtime.build(pkg.model.build_model, **task.model_args())

    def project_optimizer(model):
        schedule = pkg.optim.build_schedule(cfg.optim.lr, cfg.schedule, cfg.epochs, STEPS)
        return pkg.optim.build_optimizer(model, cfg.optim, schedule, cfg.grad_clip)

    class EpochClock(keras.callbacks.Callback):
        """Wall and CPU seconds of the epoch, from `on_epoch_begin` to `on_epoch_end`: without
        fit()'s set-up and the teardown of its data iterator, which a real run pays once (the
        teardown of an unfinished tf.data iterator stalled for up to 2 s here)."""

        def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
            self.start = time.perf_counter(), cpu_seconds()

        def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
            self.elapsed = time.perf_counter() - self.start[0], cpu_seconds() - self.start[1]

    clock = EpochClock()
    gen_model = fresh()
    with runtime.scope():
        pkg.train.compile_for_training(gen_model, cfg, task, STEPS, runtime.jit_compile)
    progress = Progress(console=Console(file=open(os.devnull, "w")), disable=True)
    bar = pkg.train.ProgressBar(progress, cfg.epochs, STEPS, cfg.log_every)

    def generated() -> tuple[float, float]:
        with runtime.scope():
            gen_model.fit(
                dataset, epochs=1, steps_per_epoch=STEPS, shuffle=False, callbacks=[clock, bar], verbose=0
            )
        return clock.elapsed

    fit_model = fresh()
    fit_model.compile(
        optimizer=project_optimizer(fit_model),
        loss=keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=cfg.loss.label_smoothing),
        metrics=["accuracy"],
    )

    def hand_fit() -> tuple[float, float]:
        fit_model.fit(dataset, epochs=1, steps_per_epoch=STEPS, shuffle=False, callbacks=[clock], verbose=0)
        return clock.elapsed

    tape_model = fresh()
    tape_optimizer = project_optimizer(tape_model)
    tape_optimizer.build(tape_model.trainable_variables)
    loss_fn = keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=cfg.loss.label_smoothing)

    @tf.function
    def tape_step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, tape_model(x, training=True))
        variables = tape_model.trainable_variables
        tape_optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables, strict=True))
        return loss

    batches = iter(dataset)

    def hand_tape() -> tuple[float, float]:
        start, cpu = time.perf_counter(), cpu_seconds()
        for _ in range(STEPS):
            loss = tape_step(*next(batches))
        float(loss)  # waits for the last step
        return time.perf_counter() - start, cpu_seconds() - cpu

    contenders = {
        "generated `model.fit` + callbacks": generated,
        "hand-written `compile` + `fit`": hand_fit,
        "hand-written `GradientTape` loop": hand_tape,
    }
    results: dict[str, list[float]] = {name: [] for name in contenders}  # samples/s
    cpu_used: dict[str, list[float]] = {name: [] for name in contenders}  # CPU seconds
    for run in contenders.values():  # warm-up: traces every step
        run()
    names = list(contenders)
    for round_ in range(ROUNDS):
        for name in names if round_ % 2 == 0 else names[::-1]:
            gc.collect()  # outside the clock (else a collection may land inside an epoch)
            wall, cpu = contenders[name]()
            results[name].append(samples / wall)
            cpu_used[name].append(cpu)
    return results, cpu_used


def measure_loader(pkg, cfg, rounds: int = 3) -> dict[str, list[float]]:
    """images/s of the first epoch (decoding into the cache) and of the third (cached), each
    from a fresh pipeline (augmentation as configured)."""
    rates: dict[str, list[float]] = {"first": [], "cached": []}
    for _ in range(rounds):
        data = pkg.data.build_datasets(cfg)
        batches = iter(data.train)
        for epoch in range(3):
            start = time.perf_counter()
            count = sum(int(next(batches)[0].shape[0]) for _ in range(data.steps_per_epoch))
            rate = count / (time.perf_counter() - start)
            if epoch == 0:
                rates["first"].append(rate)
            elif epoch == 2:
                rates["cached"].append(rate)
    return rates


def measure_inference(pkg, cfg, task, runtime, workdir: Path) -> dict[str, dict[int, list[float]]]:
    import keras
    import numpy as np
    import onnxruntime as ort
    import tensorflow as tf

    keras.utils.set_random_seed(1)
    model = runtime.build(pkg.model.build_model, **task.model_args())
    check = pkg.task.example_inputs(task.model_args(), 3)
    model(check, training=False)  # Keras exports to ONNX only a model that has run
    directory = workdir / "export"
    directory.mkdir()
    with pkg.export._quiet():
        onnx_path, _ = pkg.export.export_onnx(model, check, directory, cfg.export)
    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    compiled = tf.function(lambda x: model(x, training=False), reduce_retracing=True)
    runners = {
        "Keras `predict`": lambda x: model.predict(x, verbose=0),
        "Keras eager call": lambda x: model(x, training=False).numpy(),
        "Keras `tf.function` call": lambda x: compiled(x).numpy(),
        "onnxruntime": lambda x: session.run(None, {name: x})[0],
    }
    out: dict[str, dict[int, list[float]]] = {runner: {} for runner in runners}
    for batch in (1, 32):
        x = pkg.task.example_inputs(task.model_args(), batch, seed=batch)
        times: dict[str, list[float]] = {runner: [] for runner in runners}
        for i in range(50):
            for runner, run in runners.items():
                t = time.perf_counter()
                run(x)
                if i >= 10:  # warm-up
                    times[runner].append((time.perf_counter() - t) * 1000)
        for runner in runners:
            out[runner][batch] = times[runner]
        expected = model(x, training=False).numpy()
        np.testing.assert_allclose(expected, runners["onnxruntime"](x), atol=1e-4)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", default="resnet")
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    ensure_stable_malloc()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's C++ info logs
    import keras
    import tensorflow as tf

    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        project, pkg = generated_project(Path(tmp), "tensorflow", args.arch)
        data_root = Path(tmp) / "data"
        pkg.data.write_sample_data(data_root)
        config = project / "configs/default.yaml"
        overrides = [f"data.root={data_root}", "augment.enabled=false", "grad_clip=0", "log_every=10"]
        cfg = pkg.config.load_config(config, overrides)
        runtime = pkg.hardware.setup_hardware(cfg.hardware)
        pkg.hardware.seed_everything(cfg.seed, runtime)  # as train() does: op determinism on
        data, dataset = fixed_batches(pkg, cfg, cfg.data.batch_size)
        task = pkg.task.Task(cfg, data.meta)
        training, cpu_used = measure_training(pkg, cfg, task, runtime, dataset)
        loader_cfg = pkg.config.load_config(config, [f"data.root={data_root}", "epochs=3"])
        loader_rates = measure_loader(pkg, loader_cfg)
        inference = measure_inference(pkg, cfg, task, runtime, Path(tmp))
    load = max(load, os.getloadavg()[0])

    names = list(training)
    gen = training[names[0]]
    step_rate = statistics.median(gen)
    busy = busy_note(load)
    threads = tf.config.threading.get_intra_op_parallelism_threads() or "default"
    lines = [
        f"## TensorFlow image classification ({args.arch}, {cfg.model.size}, "
        f"{cfg.data.image_size}x{cfg.data.image_size}, batch {cfg.data.batch_size})",
        "",
        f"{dt.date.today()}, {platform.machine()}, {os.cpu_count()} cores, tensorflow "
        f"{tf.__version__}, keras {keras.__version__}, {threads} intra-op threads, op determinism "
        f"on, no XLA (the CPU default), glibc malloc thresholds set; {ROUNDS} interleaved rounds "
        f"of one epoch ({STEPS} batches) after a warm-up; `benchmarks/tensorflow_training.py`.{busy}",
        "",
        "| measurement | min | median | max |",
        "|---|---|---|---|",
    ]
    lines += [f"| {name}, samples/s | {stats(values)} |" for name, values in training.items()]
    lines += [
        "| input pipeline, first epoch (tf.data AUTOTUNE decode + cache + augmentation), "
        f"images/s | {stats(loader_rates['first'])} |",
        f"| input pipeline, cached epoch (augmentation), images/s | {stats(loader_rates['cached'])} |",
    ]
    for backend, by_batch in inference.items():
        for batch, values in by_batch.items():
            lines.append(f"| {backend} inference, batch {batch}, ms | {stats(values, '{:.2f}')} |")
    lines.append("")
    for name in names[1:]:
        ratio = step_rate / statistics.median(training[name])
        lines.append(
            f"Generated / {name} training throughput (medians): **{ratio:.3f}** (target >= 0.95); "
            f"{paired(gen, training[name])}; by process CPU time per epoch "
            f"{cpu_ratio(cpu_used, name, names[0]):.3f}."
        )
    first, cached = statistics.median(loader_rates["first"]), statistics.median(loader_rates["cached"])
    lines.append(
        f"Input pipeline / training consumption: **{first / step_rate:.1f}x** on the first epoch, "
        f"**{cached / step_rate:.1f}x** cached (target >= 3x)."
    )
    for batch in (1, 32):
        onnx = statistics.median(inference["onnxruntime"][batch])
        speedups = ", ".join(
            f"{statistics.median(inference[name][batch]) / onnx:.2f}x over {name}"
            for name in inference
            if name != "onnxruntime"
        )
        lines.append(f"onnxruntime speed-up at batch {batch}: **{speedups}**.")
    publish("\n".join(lines), args.write)


if __name__ == "__main__":
    main()
