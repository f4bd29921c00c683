"""Figures written beside a run: training curves and confusion matrices.

`matplotlib.figure.Figure` renders without pyplot, so no GUI backend or global state is involved.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from matplotlib.figure import Figure


def read_metrics(csv_path: Path) -> list[dict[str, float]]:
    """Rows of a metrics CSV as floats (the first column is the epoch)."""
    with Path(csv_path).open(newline="") as handle:
        return [{key: float(value) for key, value in row.items()} for row in csv.DictReader(handle)]


def plot_curves(csv_path: Path, png_path: Path) -> Path:
    """One panel per metric (loss, accuracy, ...), train and validation curves over epochs."""
    rows = read_metrics(csv_path)
    names = sorted(
        {key.split("_", 1)[1] for key in rows[0] if key.startswith(("train_", "val_"))},
        key=lambda name: (name != "loss", name),  # loss first
    )
    epochs = [row["epoch"] for row in rows]
    figure = Figure(figsize=(5 * len(names), 4), layout="constrained")
    for index, name in enumerate(names):
        axes = figure.add_subplot(1, len(names), index + 1)
        for split in ("train", "val"):
            key = f"{split}_{name}"
            if key in rows[0]:
                axes.plot(epochs, [row[key] for row in rows], marker="o", label=split)
        axes.set_xlabel("epoch")
        axes.set_title(name)
        axes.grid(alpha=0.3)
        axes.legend()
    figure.savefig(png_path, dpi=100)
    return Path(png_path)


def plot_confusion_matrix(
    matrix: Sequence[Sequence[int]], class_names: Sequence[str], png_path: Path
) -> Path:
    """Counts of (true class, predicted class), true classes as rows."""
    size = max(4.0, 0.6 * len(class_names) + 2)
    figure = Figure(figsize=(size, size), layout="constrained")
    axes = figure.add_subplot()
    image = axes.imshow(matrix, cmap="Blues")
    figure.colorbar(image, ax=axes, shrink=0.8)
    ticks = range(len(class_names))
    axes.set_xticks(ticks, class_names, rotation=45, ha="right")
    axes.set_yticks(ticks, class_names)
    axes.set_xlabel("predicted")
    axes.set_ylabel("true")
    peak = max((max(row) for row in matrix), default=0)
    for row_index, row in enumerate(matrix):
        for col_index, count in enumerate(row):
            color = "white" if count > peak / 2 else "black"
            axes.text(col_index, row_index, str(count), ha="center", va="center", color=color)
    figure.savefig(png_path, dpi=100)
    return Path(png_path)
