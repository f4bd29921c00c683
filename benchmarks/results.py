"""benchmarks/RESULTS.md: each benchmark script owns one `## ` section and replaces only it."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def write_section(text: str) -> None:
    """Replace, where it stands, the section whose heading is `text`'s first line (or append it)."""
    heading = text.splitlines()[0]
    current = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    start = current.find(heading + "\n")
    if start == -1:
        RESULTS.write_text(current.rstrip() + "\n\n" + text.rstrip() + "\n")
        return
    end = current.find("\n## ", start + 1)
    after = current[end + 1 :] if end != -1 else ""
    RESULTS.write_text(current[:start] + text.rstrip() + "\n" + ("\n" + after if after else ""))


def ratio_table(
    times: dict[str, list[float]], base: str, label: str, versus: str, show: Callable[[str], str] = str
) -> str:
    """One row per entry of `times` (seconds): min, median, max and its median over `base`'s."""
    reference = statistics.median(times[base])
    lines = [f"| {label} | min s | median s | max s | median / {versus} |", "|---|---|---|---|---|"]
    for name, values in times.items():
        med = statistics.median(values)
        row = f"{min(values):.3f} | {med:.3f} | {max(values):.3f} | {med / reference:.2f}"
        lines.append(f"| {show(name)} | {row} |")
    return "\n".join(lines)
