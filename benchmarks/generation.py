"""Generation speed: `dlgen new --defaults` vs `copier copy --defaults` vs `cookiecutter --no-input`.

Whole-process wall time on the same template and answers, runs interleaved (A B C A B C ...)
after a discarded warm-up, min/median/max reported, ratio of medians vs copier. Run by hand:

    python benchmarks/generation.py [--runs 15] [--write]

`--write` replaces the "Generation" section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.results import ratio_table, write_section  # noqa: E402
from tests.conftest import make_template_copy  # noqa: E402

BIN = Path(sys.executable).parent


def commands(template: Path, out: Path) -> dict[str, list[str]]:
    return {
        "dlgen new --defaults": [str(BIN / "dlgen"), "new", str(out / "p"), "--defaults"]
        + ["--template", str(template)],
        "copier copy --defaults": [
            str(BIN / "copier"),
            "copy",
            "--defaults",
            "--quiet",
            str(template),
            str(out / "p"),
        ],
        "cookiecutter --no-input": [str(BIN / "cookiecutter"), "--no-input", "-o", str(out), str(template)],
    }


def measure(runs: int) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory() as tmp:
        template = make_template_copy(Path(tmp) / "template")
        times: dict[str, list[float]] = {}
        for i in range(runs + 1):  # the first round is a warm-up
            for name, cmd in commands(template, Path(tmp) / "out").items():
                out = Path(tmp) / "out"
                shutil.rmtree(out, ignore_errors=True)
                out.mkdir()
                start = time.perf_counter()
                subprocess.run(cmd, check=True, capture_output=True)
                elapsed = time.perf_counter() - start
                if i:
                    times.setdefault(name, []).append(elapsed)
        return times


def table(times: dict[str, list[float]]) -> str:
    return ratio_table(times, "copier copy --defaults", "command", "copier", lambda name: f"`{name}`")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    times = measure(args.runs)
    header = (
        f"## Generation\n\n{dt.date.today()}, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, {args.runs} interleaved runs after a warm-up; "
        "whole-process wall time, default answers, same clean tagged template.\n\n"
    )
    text = header + table(times)
    print(text)
    if args.write:
        write_section(text)


if __name__ == "__main__":
    main()
