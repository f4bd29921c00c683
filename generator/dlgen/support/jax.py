"""JAX / Flax NNX: what templates/jax/ implements."""

from dlgen.support import FrameworkSupport

SUPPORT = FrameworkSupport(
    id="jax",
    label="JAX / Flax NNX",
    architectures={
        "image_classification": (
            "mlp",
            "lenet",
            "alexnet",
            "vgg",
            "resnet",
            "densenet",
            "efficientnet",
            "vit",
        ),
        "time_series_forecasting": ("lstm", "gru", "tcn", "transformer"),
        "text_classification": ("rnn", "lstm", "gru", "bilstm", "transformer"),
        "text_generation": ("lstm", "gru", "gpt"),
        "anomaly_detection": ("autoencoder", "lstm_autoencoder", "vae"),
        "semantic_segmentation": ("unet", "fcn"),
        "token_classification": ("bilstm", "transformer"),
        "question_answering": ("transformer",),
        "face_recognition": ("resnet",),
        "music_generation": ("lstm", "gpt"),
        "speech_recognition": ("bilstm", "conformer"),
    },
    hardware=("cpu", "cuda", "multi_gpu", "multi_node", "mps", "rocm", "tpu"),
    exports=("onnx", "tflite"),
    trackers=("tensorboard", "csv", "mlflow", "wandb"),
    serving=("bentoml",),
    onnx_deployment=(
        "image_classification",
        "text_classification",
        "time_series_forecasting",
        "anomaly_detection",
        "text_generation",
        "semantic_segmentation",
        "token_classification",
        "question_answering",
        "face_recognition",
        "music_generation",
        "speech_recognition",
    ),
    monitoring=(
        "image_classification",
        "text_classification",
        "time_series_forecasting",
        "anomaly_detection",
    ),
    cross_validation=("image_classification", "text_classification", "time_series_forecasting"),
    # tflite_quantization: not yet. The converter's integer quantization of jax2tf graphs fails
    # for DenseNet (avg_pool lowers to STABLEHLO_REDUCE_WINDOW, which it cannot quantize) and
    # ViT (LiteRT's int8 DIV kernel rejects a divisor at its zero point at run time).
)
