"""What the framework training benchmarks share: stable malloc, the generated project they
measure, `serve` round trips, and the min/median/max and ratio formatting of their RESULTS.md
sections."""

from __future__ import annotations

import importlib
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from types import ModuleType
from typing import Any

from benchmarks.results import write_section

MALLOC = {"MALLOC_MMAP_THRESHOLD_": "4194304", "MALLOC_TRIM_THRESHOLD_": "1073741824"}
ROUNDS = 7
MODULES = ("config", "data", "model", "task", "train", "optim", "hardware", "export")


def ensure_stable_malloc() -> None:
    """Re-exec with glibc's malloc thresholds set (see ../shared/ENV.md): stable CPU timings."""
    if any(os.environ.get(k) != v for k, v in MALLOC.items()):
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, **MALLOC})


def generated_project(
    workdir: Path, framework: str, arch: str, export: str = "onnx", task: str | None = None
) -> tuple[Path, ModuleType]:
    """Render `bench` (defaults, `arch`, the `export` formats; `task`, or the default one) and
    import its package and MODULES."""
    project = workdir / "bench"
    cmd = [str(Path(sys.executable).with_name("dlgen")), "new", str(project), "--defaults"]
    options = ["--framework", framework, "--architecture", arch, "--export", export]
    options += ["--task", task] if task else []
    subprocess.run([*cmd, *options], check=True, capture_output=True)
    sys.path.insert(0, str(project / "src"))
    pkg = importlib.import_module("bench")
    for module in MODULES:
        setattr(pkg, module, importlib.import_module(f"bench.{module}"))
    return project, pkg


def stats(values: list[float], fmt: str = "{:.0f}") -> str:
    return " | ".join(fmt.format(v) for v in (min(values), statistics.median(values), max(values)))


def cpu_seconds() -> float:
    """User + system CPU time of this process (all its threads): other processes' load on a
    shared machine stretches the wall clock more than this."""
    times = os.times()
    return times.user + times.system


def cpu_ratio(cpu_used: dict[str, list[float]], reference: str, name: str) -> float:
    """Median CPU seconds of `reference` / those of `name`: a throughput ratio in CPU time."""
    return statistics.median(cpu_used[reference]) / statistics.median(cpu_used[name])


def paired(a: list[float], b: list[float]) -> str:
    """The per-round ratios a/b (each round ran both back to back): less exposed to slow drift."""
    ratios = [x / y for x, y in zip(a, b, strict=True)]
    return f"per-round ratios: median {statistics.median(ratios):.3f}, {min(ratios):.2f}-{max(ratios):.2f}"


def busy_note(load: float) -> str:
    """A sentence for the section when other work shared the machine ('' when it was idle)."""
    if load <= 0.5 * (os.cpu_count() or 1):
        return ""
    return (
        f" The machine was busy (1-minute load average up to {load:.1f} on {os.cpu_count()} cores): "
        "absolute rates are low and vary; interleaving keeps the ratios fair, and the CPU-time "
        "ratios give a second view."
    )


def publish(text: str, write: bool) -> None:
    """Print the section; with `write`, replace it in benchmarks/RESULTS.md."""
    print(text)
    if write:
        write_section(text)


def serve_round_trips(
    app: Any, bodies: dict[int, dict[str, Any]], rounds: int = 30, warmup: int = 5
) -> tuple[dict[int, list[float]], dict[int, Any]]:
    """ms per POST /predict round trip of each body (keyed by its sample count), uvicorn serving
    `app` from a thread of this process and a urllib client; and each body's last answer."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/predict"
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    times: dict[int, list[float]] = {}
    answers: dict[int, Any] = {}
    try:
        for count, body in bodies.items():
            data = json.dumps(body).encode()
            times[count] = []
            for i in range(rounds + warmup):
                request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
                started = time.perf_counter()
                with urllib.request.urlopen(request, timeout=60) as response:
                    answers[count] = json.loads(response.read())
                if i >= warmup:
                    times[count].append((time.perf_counter() - started) * 1000)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
    return times, answers
