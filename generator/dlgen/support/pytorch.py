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
    serving=("image_classification",),
)
