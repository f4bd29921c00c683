"""JAX / Flax NNX: what templates/jax/ implements."""

from dlgen.support import FrameworkSupport

SUPPORT = FrameworkSupport(
    id="jax",
    label="JAX / Flax NNX",
    note="planned (issue 7)",
)
