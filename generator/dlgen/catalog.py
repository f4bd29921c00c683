"""The catalog: every option dlgen offers and the rules of what combines with what.

This is the single source of truth. The CLI prompts, `dlgen list`, `copier.yml`,
`cookiecutter.json` and the test matrix are all derived from it. Adding an architecture
means one `Architecture(...)` entry here plus one model template per framework.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from dlgen.support import FrameworkSupport, all_supports


@dataclass(frozen=True)
class Option:
    """One choosable value of a question (a framework, a hardware target, ...)."""

    id: str
    label: str
    frameworks: tuple[str, ...] = ()  # where it is implemented; empty = not offered yet
    note: str = ""  # why it is unavailable, or what it needs


@dataclass(frozen=True)
class Architecture(Option):
    task: str = ""


@dataclass(frozen=True)
class Task(Option):
    data_format: str = ""
    modality: str = "image"  # what a sample is; templates share code per modality (text: tokenizer)


# The export `serve` runs on (FastAPI over onnxruntime). Every server wraps serve's `answer`
# (its request, preprocessing, post-processing and response), so every server needs it too.
SERVE_EXPORT = "onnx"


@dataclass(frozen=True)
class Server(Option):
    """A model server the project can be packaged for: it wraps the task's `answer` (the
    `serve` request and response of templates/deploy/tasks/<task>/) over the `export` format."""

    export: str = "onnx"

    @property
    def exports(self) -> tuple[str, ...]:
        """The export formats it needs: the one it serves and the one `serve` runs on."""
        return tuple(dict.fromkeys((self.export, SERVE_EXPORT)))


@dataclass(frozen=True)
class Catalog:
    frameworks: tuple[Option, ...]
    tasks: tuple[Task, ...]
    architectures: tuple[Architecture, ...]
    hardware: tuple[Option, ...]
    exports: tuple[Option, ...]
    trackers: tuple[Option, ...]
    ci_providers: tuple[Option, ...]
    defaults: Mapping[str, object] = field(default_factory=dict)
    servers: tuple[Server, ...] = ()
    # framework -> the tasks whose projects get `serve` (what a server wraps): dlgen.support
    serve_tasks: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    # --- lookups -------------------------------------------------------------------
    def offered(self, options: tuple[Option, ...], framework: str | None = None) -> list[Option]:
        """Options implemented for `framework` (or for any framework when None)."""
        return [o for o in options if o.frameworks and (framework is None or framework in o.frameworks)]

    def frameworks_for(self, task: str, architecture: str) -> list[Option]:
        arch = self.architecture(task, architecture)
        return [f for f in self.frameworks if arch is not None and f.id in arch.frameworks]

    def architectures_for(self, task: str, framework: str | None = None) -> list[Architecture]:
        return [
            a
            for a in self.architectures
            if a.task == task and a.frameworks and (framework is None or framework in a.frameworks)
        ]

    def architecture(self, task: str, architecture: str) -> Architecture | None:
        return next((a for a in self.architectures if a.task == task and a.id == architecture), None)

    def offered_tasks(self) -> list[Task]:
        return [t for t in self.tasks if self.architectures_for(t.id)]

    def offered_frameworks(self) -> list[Option]:
        return [f for f in self.frameworks if any(f.id in a.frameworks for a in self.architectures)]

    # --- combinations --------------------------------------------------------------
    def combinations(self) -> Iterator[dict[str, str]]:
        """Every valid task x architecture x framework x hardware combination."""
        for task in self.offered_tasks():
            for arch in self.architectures_for(task.id):
                for framework in arch.frameworks:
                    for hw in self.offered(self.hardware, framework):
                        yield {
                            "task": task.id,
                            "architecture": arch.id,
                            "framework": framework,
                            "hardware": hw.id,
                        }

    def choices(self, question: str, answers: Mapping[str, object]) -> list[str]:
        """The values allowed for `question` given the earlier answers."""
        task = str(answers.get("task", ""))
        framework = answers.get("framework")
        if question == "task":
            return [t.id for t in self.offered_tasks()]
        if question == "architecture":
            return [a.id for a in self.architectures_for(task)]
        if question == "framework":
            return [f.id for f in self.frameworks_for(task, str(answers.get("architecture", "")))]
        table = {"hardware": self.hardware, "export": self.exports, "tracker": self.trackers}
        if question in table:
            return [o.id for o in self.offered(table[question], str(framework))]
        if question == "serving":
            return [s.id for s in self.servers_for(answers)]
        if question == "ci":
            return [o.id for o in self.ci_providers]
        raise KeyError(question)

    def servers_for(self, answers: Mapping[str, object]) -> list[Server]:
        """Servers implemented for the framework whose export formats (theirs and serve's)
        are among the answers' exports, for a task that has `serve` (its request, response
        and `answer`)."""
        framework, task = str(answers.get("framework", "")), str(answers.get("task", ""))
        exports = answers.get("export") or ()
        if task not in self.serve_tasks.get(framework, ()):
            return []
        offered = self.offered(self.servers, framework)
        return [s for s in offered if set(s.exports) <= set(exports)]  # type: ignore[attr-defined,arg-type]

    def default(self, question: str, answers: Mapping[str, object]) -> object:
        """Catalog default for `question`, or the first allowed choice."""
        if question == "project_name":
            return self.defaults["project_name"]
        allowed = self.choices(question, answers)
        preferred = self.defaults.get(question)
        if question in MULTI_SELECT:
            return [e for e in preferred or [] if e in allowed]  # type: ignore[union-attr]
        return preferred if preferred in allowed else (allowed[0] if allowed else None)


def _implemented_by(kind: str, option_id: str, task: str | None = None) -> tuple[str, ...]:
    """The frameworks whose templates implement `option_id` (see `dlgen.support`)."""
    frameworks = []
    for support in all_supports():
        implemented = (
            support.architectures.get(task or "", ()) if kind == "architectures" else getattr(support, kind)
        )
        if option_id in implemented:
            frameworks.append(support.id)
    return tuple(frameworks)


def _arch(id: str, label: str, task: str) -> Architecture:
    return Architecture(id=id, label=label, task=task, frameworks=_implemented_by("architectures", id, task))


def _option(kind: str, id: str, label: str, note: str = "") -> Option:
    return Option(id=id, label=label, frameworks=_implemented_by(kind, id), note=note)


def _server(id: str, label: str, export: str, note: str = "") -> Server:
    return Server(id=id, label=label, frameworks=_implemented_by("serving", id), note=note, export=export)


def _framework(support: FrameworkSupport) -> Option:
    offered = any(support.architectures.values())
    return Option(support.id, support.label, frameworks=(support.id,) if offered else (), note=support.note)


IMAGE_CLASSIFICATION = "image_classification"
OBJECT_DETECTION = "object_detection"
SEMANTIC_SEGMENTATION = "semantic_segmentation"
INSTANCE_SEGMENTATION = "instance_segmentation"
FACE_RECOGNITION = "face_recognition"
IMAGE_GENERATION = "image_generation"
TEXT_CLASSIFICATION = "text_classification"
TOKEN_CLASSIFICATION = "token_classification"
TRANSLATION = "translation"
SUMMARIZATION = "summarization"
QUESTION_ANSWERING = "question_answering"
TEXT_GENERATION = "text_generation"
TIME_SERIES_FORECASTING = "time_series_forecasting"
ANOMALY_DETECTION = "anomaly_detection"
SPEECH_RECOGNITION = "speech_recognition"
MUSIC_GENERATION = "music_generation"
REINFORCEMENT_LEARNING = "reinforcement_learning"

CATALOG = Catalog(
    frameworks=tuple(_framework(s) for s in all_supports()),
    tasks=(
        Task(
            IMAGE_CLASSIFICATION,
            "Image classification",
            data_format="class-per-folder image tree (PNG/JPEG)",
        ),
        Task(
            OBJECT_DETECTION,
            "Object detection",
            data_format="COCO JSON (boxes) + image folder",
        ),
        Task(
            SEMANTIC_SEGMENTATION,
            "Semantic segmentation",
            data_format="images + index-mask PNGs",
        ),
        Task(
            INSTANCE_SEGMENTATION,
            "Instance segmentation",
            data_format="COCO JSON (polygons) + image folder",
        ),
        Task(
            FACE_RECOGNITION,
            "Face recognition",
            data_format="identity-per-folder face crops + verification pairs file",
        ),
        Task(
            IMAGE_GENERATION,
            "Image generation",
            data_format="image folder (no labels)",
        ),
        Task(
            TEXT_CLASSIFICATION,
            "Text classification",
            data_format="CSV or JSONL with text and label",
            modality="text",
        ),
        Task(
            TOKEN_CLASSIFICATION,
            "Token classification (NER)",
            data_format="CoNLL: token and BIO tag per line",
            modality="text",
        ),
        Task(TRANSLATION, "Translation", data_format="JSONL with source and target", modality="text"),
        Task(
            SUMMARIZATION,
            "Summarization",
            data_format="JSONL with document and summary",
            modality="text",
        ),
        Task(
            QUESTION_ANSWERING,
            "Question answering (extractive)",
            data_format="SQuAD-format JSON",
            modality="text",
        ),
        Task(TEXT_GENERATION, "Text generation", data_format="plain-text files", modality="text"),
        Task(
            TIME_SERIES_FORECASTING,
            "Time-series forecasting",
            data_format="CSV: timestamp + value columns",
            modality="series",
        ),
        Task(
            ANOMALY_DETECTION,
            "Anomaly detection (time series)",
            data_format="CSV time series, optional label column",
            modality="series",
        ),
        Task(
            SPEECH_RECOGNITION,
            "Speech recognition",
            data_format="WAV files + transcripts.csv",
            modality="audio",
        ),
        Task(
            MUSIC_GENERATION,
            "Music generation",
            data_format="MIDI files (event tokens)",
            modality="music",
        ),
        Task(
            REINFORCEMENT_LEARNING,
            "Reinforcement learning",
            data_format="a gymnasium environment id (no data files)",
            modality="environment",
        ),
    ),
    architectures=(
        _arch("mlp", "MLP (SimpleNN)", IMAGE_CLASSIFICATION),
        _arch("lenet", "LeNet-5", IMAGE_CLASSIFICATION),
        _arch("alexnet", "AlexNet", IMAGE_CLASSIFICATION),
        _arch("vgg", "VGG-16 (BN)", IMAGE_CLASSIFICATION),
        _arch("resnet", "ResNet-18", IMAGE_CLASSIFICATION),
        _arch("densenet", "DenseNet-121", IMAGE_CLASSIFICATION),
        _arch("efficientnet", "EfficientNet-B0", IMAGE_CLASSIFICATION),
        _arch("vit", "Vision Transformer", IMAGE_CLASSIFICATION),
        _arch("detr", "DETR (compact transformer detector)", OBJECT_DETECTION),
        _arch("fcos", "FCOS (single-stage anchor-free CNN detector)", OBJECT_DETECTION),
        _arch("unet", "U-Net", SEMANTIC_SEGMENTATION),
        _arch("fcn", "FCN (fully convolutional network)", SEMANTIC_SEGMENTATION),
        _arch("mask_rcnn", "Mask R-CNN (compact: RPN, RoIAlign, box and mask heads)", INSTANCE_SEGMENTATION),
        _arch("resnet", "ResNet backbone + ArcFace head", FACE_RECOGNITION),
        _arch("vae", "Variational autoencoder", IMAGE_GENERATION),
        _arch("dcgan", "DCGAN", IMAGE_GENERATION),
        _arch("stylegan", "StyleGAN (compact: mapping net + modulated convs)", IMAGE_GENERATION),
        _arch("ddpm", "DDPM (diffusion with a U-Net)", IMAGE_GENERATION),
        _arch("realnvp", "RealNVP (normalizing flow)", IMAGE_GENERATION),
        _arch("rnn", "RNN (Elman)", TEXT_CLASSIFICATION),
        _arch("lstm", "LSTM", TEXT_CLASSIFICATION),
        _arch("gru", "GRU", TEXT_CLASSIFICATION),
        _arch("bilstm", "Bidirectional LSTM", TEXT_CLASSIFICATION),
        _arch("transformer", "Transformer encoder (BERT-style)", TEXT_CLASSIFICATION),
        _arch("bilstm", "Bidirectional LSTM (optional CRF)", TOKEN_CLASSIFICATION),
        _arch("transformer", "Transformer encoder (BERT-style)", TOKEN_CLASSIFICATION),
        _arch("seq2seq", "Seq2seq GRU/LSTM with attention", TRANSLATION),
        _arch("transformer", "Transformer (encoder-decoder)", TRANSLATION),
        _arch("t5", "T5 (pre-norm, relative position bias)", TRANSLATION),
        _arch("seq2seq", "Seq2seq GRU/LSTM with attention", SUMMARIZATION),
        _arch("transformer", "Transformer (encoder-decoder)", SUMMARIZATION),
        _arch("t5", "T5 (pre-norm, relative position bias)", SUMMARIZATION),
        _arch("transformer", "Transformer encoder (BERT-style) + span head", QUESTION_ANSWERING),
        _arch("lstm", "LSTM language model", TEXT_GENERATION),
        _arch("gru", "GRU language model", TEXT_GENERATION),
        _arch("gpt", "GPT (decoder-only transformer)", TEXT_GENERATION),
        _arch("lstm", "LSTM", TIME_SERIES_FORECASTING),
        _arch("gru", "GRU", TIME_SERIES_FORECASTING),
        _arch("tcn", "TCN (temporal convolutional network)", TIME_SERIES_FORECASTING),
        _arch("transformer", "Transformer encoder", TIME_SERIES_FORECASTING),
        _arch("autoencoder", "Autoencoder (windowed MLP)", ANOMALY_DETECTION),
        _arch("lstm_autoencoder", "LSTM autoencoder", ANOMALY_DETECTION),
        _arch("vae", "Variational autoencoder", ANOMALY_DETECTION),
        _arch("bilstm", "Bidirectional LSTM + CTC", SPEECH_RECOGNITION),
        _arch("conformer", "Conformer-style encoder + CTC", SPEECH_RECOGNITION),
        _arch("lstm", "LSTM over MIDI event tokens", MUSIC_GENERATION),
        _arch("gpt", "GPT over MIDI event tokens", MUSIC_GENERATION),
        _arch("dqn", "DQN (double, target network, replay buffer)", REINFORCEMENT_LEARNING),
        _arch("ppo", "PPO (actor-critic, clipped objective, GAE)", REINFORCEMENT_LEARNING),
    ),
    hardware=(
        _option("hardware", "cpu", "CPU"),
        _option("hardware", "cuda", "NVIDIA CUDA GPU"),
        _option(
            "hardware",
            "multi_gpu",
            "Several GPUs, one machine",
            note="PyTorch DDP via torchrun, TensorFlow MirroredStrategy, JAX jax.sharding",
        ),
        _option(
            "hardware",
            "multi_node",
            "Several machines with GPUs",
            note=(
                "PyTorch: torchrun c10d rendezvous + SLURM script; JAX: jax.distributed + SLURM "
                "script; not TensorFlow: Keras 3's model.fit fails under "
                "MultiWorkerMirroredStrategy (keras-team/keras#20585)"
            ),
        ),
        _option(
            "hardware",
            "tpu",
            "Google TPU",
            note=(
                "JAX (native; pod slices through jax.distributed); TensorFlow (TPUStrategy, one TPU "
                "VM or node); PyTorch needs torch_xla, whose wheels (2.9) do not match the pinned torch"
            ),
        ),
        _option(
            "hardware",
            "mps",
            "Apple-silicon GPU (MPS)",
            note="PyTorch (torch.mps), TensorFlow (tensorflow-metal), JAX (jax-metal, experimental)",
        ),
        _option(
            "hardware",
            "rocm",
            "AMD GPU (ROCm)",
            note="each framework's ROCm build (torch wheels, tensorflow-rocm, jax[rocm]): the CUDA code path",
        ),
    ),
    exports=(
        _option("exports", "onnx", "ONNX (parity-checked with onnxruntime)"),
        _option("exports", "torch_export", "torch.export ExportedProgram (.pt2)", note="PyTorch only"),
        _option(
            "exports",
            "tflite",
            "TFLite / LiteRT (parity-checked with the interpreter)",
            note=(
                "not for PyTorch: litert-torch 0.9.0-0.9.3 need torch<2.13 and 0.9.4 "
                "ai-edge-litert<2.3 and typing-extensions<4.13 (xdsl): pydantic back to 2.11"
            ),
        ),
        _option("exports", "saved_model", "TensorFlow SavedModel + .keras", note="TensorFlow only"),
    ),
    trackers=(
        _option("trackers", "tensorboard", "TensorBoard (+ CSV)"),
        _option("trackers", "csv", "CSV only"),
        _option("trackers", "mlflow", "MLflow (SQLite store, or a tracking server)"),
        _option("trackers", "wandb", "Weights & Biases (offline unless WANDB_API_KEY is set)"),
    ),
    servers=(
        _server(
            "torchserve",
            "TorchServe (handler over the ONNX export, .mar archive)",
            "onnx",
            note="with the onnx export, for tasks that have serve; TorchServe itself needs Java 17+",
        ),
        _server(
            "bentoml",
            "BentoML service over the ONNX export",
            "onnx",
            note="with the onnx export, for tasks that have serve (any framework: it serves ONNX)",
        ),
        _server(
            "tf_serving",
            "TensorFlow Serving (REST) over the SavedModel export",
            "saved_model",
            note=(
                "with the saved_model and onnx exports, for tasks that have serve: its client "
                "reuses serve's answer (onnx); tensorflow_model_server runs from its Docker image"
            ),
        ),
    ),
    serve_tasks={s.id: s.onnx_deployment for s in all_supports()},
    ci_providers=(
        Option("github", "GitHub Actions"),
        Option("gitlab", "GitLab CI"),
        Option("none", "No CI"),
    ),
    defaults={
        "project_name": "demo",
        "task": IMAGE_CLASSIFICATION,
        "architecture": "resnet",
        "framework": "pytorch",
        "hardware": "cpu",
        "export": ["onnx"],
        "serving": [],
        "tracker": "tensorboard",
        "ci": "github",
    },
)

# The questions, in the order every door asks them.
QUESTIONS: tuple[str, ...] = (
    "project_name",
    "task",
    "architecture",
    "framework",
    "hardware",
    "export",
    "serving",
    "tracker",
    "ci",
)
# Questions answered with a list (several formats, several servers).
MULTI_SELECT: tuple[str, ...] = ("export", "serving")
