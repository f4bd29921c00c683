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
    # Model servers (TorchServe, ...) templates/deploy/serving/<server>/ packages the project
    # for; each wraps the `serve` task API, so only tasks in onnx_deployment get them.
    serving: tuple[str, ...] = ()
    # Tasks whose projects get `serve` (FastAPI over the ONNX export) and `quantize` (int8) when
    # onnx is among the exports: templates/deploy/tasks/<task>/.
    onnx_deployment: tuple[str, ...] = ()
    # Tasks whose projects get `quantize --format tflite` (the TFLite converter's calibrated
    # integer quantization) when tflite is among the exports.
    tflite_quantization: tuple[str, ...] = ()
    # Tasks whose projects get `monitor` (drift of new inputs and predictions, PSI/KS).
    monitoring: tuple[str, ...] = ()
    # Tasks whose projects get `crossval` (k-fold cross-validation, stratified by class); their
    # data modules read `data.folds` and `data.fold` (templates/mlops/folds_config.jinja).
    cross_validation: tuple[str, ...] = ()
    # Tasks whose projects get `prune` (magnitude pruning with fine-tuning).
    pruning: tuple[str, ...] = ()
    # Tasks whose projects get `distill` (a smaller preset trained from a teacher's logits).
    distillation: tuple[str, ...] = ()
    note: str = ""  # shown by `dlgen list` while nothing is implemented


def all_supports() -> tuple[FrameworkSupport, ...]:
    from dlgen.support import jax, pytorch, tensorflow

    return (pytorch.SUPPORT, tensorflow.SUPPORT, jax.SUPPORT)
