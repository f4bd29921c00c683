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
    },
    hardware=("cpu", "cuda", "multi_gpu"),
    exports=("onnx", "torch_export"),
    trackers=("tensorboard", "csv"),
)
