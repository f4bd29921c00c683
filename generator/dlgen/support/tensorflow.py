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
        "time_series_forecasting": ("lstm", "gru", "tcn", "transformer"),
        "text_generation": ("lstm", "gru", "gpt"),
        "anomaly_detection": ("autoencoder", "lstm_autoencoder", "vae"),
        "semantic_segmentation": ("unet", "fcn"),
        "question_answering": ("transformer",),
        "token_classification": ("bilstm", "transformer"),
        "face_recognition": ("resnet",),
        "music_generation": ("lstm", "gpt"),
    },
    hardware=("cpu", "cuda", "multi_gpu", "tpu", "mps", "rocm"),
    exports=("onnx", "tflite", "saved_model"),
    trackers=("tensorboard", "csv", "mlflow", "wandb"),
    serving=("tf_serving", "bentoml"),
    onnx_deployment=(
        "image_classification",
        "text_classification",
        "time_series_forecasting",
        "anomaly_detection",
        "text_generation",
        "semantic_segmentation",
        "question_answering",
        "token_classification",
        "face_recognition",
        "music_generation",
    ),
    monitoring=(
        "image_classification",
        "text_classification",
        "time_series_forecasting",
        "anomaly_detection",
    ),
    cross_validation=("image_classification", "text_classification", "time_series_forecasting"),
    # tflite_quantization: the tasks whose templates/deploy/tasks/<task>/quantize.py.jinja has
    # a calibration_set. Recurrent models (unrolled for TFLite) quantize, but their int8 file
    # can come out larger than the float one: the README says so.
    tflite_quantization=(
        "image_classification",
        "semantic_segmentation",
        "time_series_forecasting",
        "anomaly_detection",
        "text_classification",
    ),
)
