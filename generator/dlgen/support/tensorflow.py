"""TensorFlow / Keras 3: what templates/tensorflow/ implements."""

from dlgen.support import FrameworkSupport

SUPPORT = FrameworkSupport(
    id="tensorflow",
    label="TensorFlow / Keras 3",
    note="planned (issue 6)",
)
