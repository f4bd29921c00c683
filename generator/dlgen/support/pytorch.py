"""PyTorch: what templates/pytorch/ implements."""

from dlgen.support import FrameworkSupport

SUPPORT = FrameworkSupport(
    id="pytorch",
    label="PyTorch",
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
        "object_detection": ("detr", "fcos"),
        "semantic_segmentation": ("unet", "fcn"),
        "instance_segmentation": ("mask_rcnn",),
        "face_recognition": ("resnet",),
        "image_generation": ("vae", "dcgan", "stylegan", "ddpm", "realnvp"),
        "text_classification": ("rnn", "lstm", "gru", "bilstm", "transformer"),
        "token_classification": ("bilstm", "transformer"),
        "translation": ("seq2seq", "transformer", "t5"),
        "summarization": ("seq2seq", "transformer", "t5"),
        "question_answering": ("transformer",),
        "text_generation": ("lstm", "gru", "gpt"),
        "time_series_forecasting": ("lstm", "gru", "tcn", "transformer"),
        "anomaly_detection": ("autoencoder", "lstm_autoencoder", "vae"),
        "speech_recognition": ("bilstm", "conformer"),
        "music_generation": ("lstm", "gpt"),
        "reinforcement_learning": ("dqn", "ppo"),
    },
    hardware=("cpu", "cuda", "multi_gpu", "multi_node", "mps", "rocm"),
    exports=("onnx", "torch_export"),
    trackers=("tensorboard", "csv", "mlflow", "wandb"),
    onnx_deployment=(
        "image_classification",
        "text_classification",
        "time_series_forecasting",
        "anomaly_detection",
        "semantic_segmentation",
        "object_detection",
        "face_recognition",
        "text_generation",
        "question_answering",
        "token_classification",
    ),
    monitoring=(
        "image_classification",
        "text_classification",
        "time_series_forecasting",
        "anomaly_detection",
    ),
    cross_validation=("image_classification", "text_classification", "time_series_forecasting"),
    # Not reinforcement_learning (its data comes from the model being pruned), image_generation
    # (adversarial and diffusion objectives, where a validation loss says little) nor
    # summarization (its tests train no shared checkpoint); TensorFlow and JAX: see the README.
    pruning=(
        "image_classification",
        "object_detection",
        "semantic_segmentation",
        "instance_segmentation",
        "face_recognition",
        "text_classification",
        "token_classification",
        "translation",
        "question_answering",
        "text_generation",
        "time_series_forecasting",
        "anomaly_detection",
        "speech_recognition",
        "music_generation",
    ),
    # Classifiers: the soft targets are the teacher's class probabilities.
    distillation=("image_classification", "text_classification"),
)
