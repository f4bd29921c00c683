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
    },
    hardware=("cpu", "cuda", "multi_gpu"),
    exports=("onnx", "torch_export"),
    trackers=("tensorboard", "csv"),
)
