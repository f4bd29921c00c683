"""Run generated projects' pytest from a process whose heavy imports are already done.

A generated project's test run spends seconds importing torch, onnx, onnxruntime and the
rest before its first test, and the matrix runs hundreds of them. A `WarmPytest` keeps one
server process (`python -m dlgen.warm FRAMEWORK`) that imports those libraries once and forks
a child per run: the child changes into the project, picks up its editable install and runs
`pytest.main`, sharing the imported modules copy-on-write. Forking a process whose threads
hold locks is unsafe, so the server only imports: with OMP_NUM_THREADS set (the matrix sets
it) none of these libraries starts a thread on import, and TensorFlow, XLA and torch create
their thread pools in the child, at its first operation. The server checks this: a preload
that starts a thread is a startup error, not a hang later.

Protocol (one JSON object per line): the client sends {"cwd", "args", "env", "log"}; the
server answers {"pid": child} at once and {"code": exit status} when the child is done.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import site
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any

# Not onnxruntime: its import starts a thread (and takes 20 ms once numpy and onnx are in).
# matplotlib.pyplot (with the Agg backend serve() sets): every training run draws its curves.
COMMON = ("numpy", "yaml", "rich", "typer", "PIL.Image", "matplotlib.pyplot", "optuna", "pytest", "onnx")
PRELOAD: dict[str, tuple[str, ...]] = {
    # torch._dynamo: torch.optim imports it on a first optimizer (about 1.5 s).
    "pytorch": (*COMMON, "torch", "torch._dynamo", "torch.export", "torch.onnx", "onnxscript"),
    "tensorflow": (*COMMON, "tensorflow", "keras", "tf2onnx", "ai_edge_litert.interpreter"),
    "jax": (*COMMON, "jax", "jax.numpy", "flax.nnx", "optax", "jax2onnx"),
}


class WarmPytest:
    """A client of one warm server; not thread-safe (use one per matrix worker)."""

    def __init__(self, framework: str, env: dict[str, str]):
        self.framework = framework
        self.process = subprocess.Popen(
            [sys.executable, "-m", "dlgen.warm", framework],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,  # fixes what libraries read at import (OMP_NUM_THREADS, ...)
        )

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def run(self, cwd: Path, args: list[str], env: dict[str, str], timeout: float) -> tuple[int, str]:
        """(exit code, output) of `pytest ARGS` in `cwd`; the child is killed after `timeout`."""
        log = cwd / ".warm-pytest.log"
        job = {"cwd": str(cwd), "args": args, "env": env, "log": str(log)}
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None
        stdin.write(json.dumps(job) + "\n")
        stdin.flush()
        pid = json.loads(_read_line(stdout))["pid"]
        timer = threading.Timer(timeout, _kill, (pid,))
        timer.start()
        started = time.monotonic()
        try:
            code = json.loads(_read_line(stdout))["code"]
        finally:
            timer.cancel()
        output = log.read_text(errors="replace") if log.exists() else ""
        log.unlink(missing_ok=True)
        if time.monotonic() - started >= timeout:
            output += f"\ntests timed out after {timeout:.0f}s"
        return code, output

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _read_line(stream: IO[str]) -> str:
    line = stream.readline()
    if not line:
        raise RuntimeError("the warm pytest server exited")
    return line


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _child(job: dict[str, Any]) -> None:
    """Runs in the forked child: becomes `pytest ARGS` in the project, then exits."""
    code = 1
    try:
        devnull = os.open(os.devnull, os.O_RDONLY)
        log = os.open(job["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(devnull, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.chdir(job["cwd"])
        os.environ.clear()
        os.environ.update(job["env"])
        for directory in site.getsitepackages():  # the project was installed after we started
            site.addsitedir(directory)
        sys.path[:0] = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
        import pytest

        sys.argv = ["pytest", *job["args"]]
        code = int(pytest.main(job["args"]))
    except BaseException as exc:  # noqa: BLE001 - the child must always reach os._exit
        print(f"warm pytest child failed: {exc!r}", file=sys.stderr)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _thread_count() -> int:
    """This process's OS threads (Linux), native ones included; 0 where /proc is missing."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 0


def preload(modules: tuple[str, ...]) -> None:
    """Import `modules`; refuse (SystemExit) one whose import starts a thread."""
    baseline = _thread_count()
    for module in modules:
        importlib.import_module(module)
        if _thread_count() > baseline:
            raise SystemExit(f"dlgen.warm: importing {module} started a thread; forking would be unsafe")


def serve(framework: str) -> None:
    """Import the framework's libraries, then run one forked pytest per request line."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    preload(PRELOAD.get(framework, COMMON))
    for line in sys.stdin:
        job = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _child(job)
        print(json.dumps({"pid": pid}), flush=True)
        _, status = os.waitpid(pid, 0)
        print(json.dumps({"code": os.waitstatus_to_exitcode(status)}), flush=True)


if __name__ == "__main__":
    serve(sys.argv[1])
