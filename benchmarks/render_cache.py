"""Matrix rendering: one process renders many projects from one template snapshot, as a
`dlgen matrix` worker does, with Jinja's compiled templates kept across renders
(`dlgen.jinja_cache`) and without. Renders alternate (with, without, with, ...) over a spread
of combinations after a warm-up of each; seconds per render, min/median/max. Run by hand:

    python benchmarks/render_cache.py [--renders 30] [--write]

`--write` replaces the "Matrix rendering" section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.results import ratio_table, write_section  # noqa: E402
from dlgen import jinja_cache, matrix  # noqa: E402
from dlgen.render import render  # noqa: E402

CACHED = jinja_cache.compiled_templates


def measure(renders: int) -> dict[str, list[float]]:
    plan = matrix.plan()
    combos = plan[:: max(1, len(plan) // renders)][:renders]
    template = matrix.template_snapshot()
    modes = {"compiled-template cache": CACHED, "no cache (copier as is)": contextlib.nullcontext}
    times: dict[str, list[float]] = {name: [] for name in modes}
    with tempfile.TemporaryDirectory() as tmp:
        for index, combo in enumerate([combos[0], *combos]):  # the first round is a warm-up
            for name, context in modes.items():
                jinja_cache.compiled_templates = context
                dest = Path(tmp) / f"{index}-{name[:2]}" / "bench"
                start = time.perf_counter()
                render(combo.answers("bench"), dest, template=template)
                if index:
                    times[name].append(time.perf_counter() - start)
    jinja_cache.compiled_templates = CACHED
    return times


def table(times: dict[str, list[float]]) -> str:
    return ratio_table(times, "no cache (copier as is)", "renders", "no cache")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=30)
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    times = measure(args.renders)
    header = (
        f"## Matrix rendering\n\n{dt.date.today()}, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}; {args.renders} combinations spread over the plan, each "
        "rendered with and without the cache in turn in one process (as a matrix worker renders), "
        "after a warm-up of each.\n\n"
    )
    text = header + table(times)
    print(text)
    if args.write:
        write_section(text)


if __name__ == "__main__":
    main()
