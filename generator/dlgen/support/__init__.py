"""What each framework's templates implement: one module per framework.

The catalog (`dlgen.catalog`) lists every option once with its label; these modules say which
of them `templates/<framework>/` renders for real. An option no framework implements is listed
by `dlgen list` but never offered. Adding a framework = one module here + `templates/<id>/`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FrameworkSupport:
    id: str
    label: str
    architectures: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # task -> architectures
    hardware: tuple[str, ...] = ()
    exports: tuple[str, ...] = ()
    trackers: tuple[str, ...] = ()
    # Tasks whose projects get `serve` (FastAPI over the ONNX export) when onnx is exported.
    serving: tuple[str, ...] = ()
    note: str = ""  # shown by `dlgen list` while nothing is implemented


def all_supports() -> tuple[FrameworkSupport, ...]:
    from dlgen.support import jax, pytorch, tensorflow

    return (pytorch.SUPPORT, tensorflow.SUPPORT, jax.SUPPORT)
