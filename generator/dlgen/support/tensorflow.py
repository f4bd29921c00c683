"""TensorFlow / Keras 3: what templates/tensorflow/ implements."""

from dlgen.support import FrameworkSupport

SUPPORT = FrameworkSupport(
    id="tensorflow",
    label="TensorFlow / Keras 3",
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
        "text_classification": ("rnn", "lstm", "gru", "bilstm", "transformer"),
    },
    hardware=("cpu", "cuda", "multi_gpu", "mps", "rocm"),
    exports=("onnx", "tflite", "saved_model"),
    trackers=("tensorboard", "csv", "mlflow", "wandb"),
    onnx_deployment=("image_classification", "text_classification"),
    monitoring=("image_classification", "text_classification"),
    cross_validation=("image_classification", "text_classification"),
    tflite_quantization=("image_classification",),
)
