"""Seeding and replayable randomness.

`seed_everything` seeds Python, NumPy and the backend once per run. `EpochSeeding` makes
every epoch's dropout/augmentation noise depend only on (seed, epoch).

Keras layers draw from `SeedGenerator` states that are not saved with the model, so a run resumed
from a checkpoint would otherwise get different dropout masks than the uninterrupted run.
Re-seeding every generator at the start of each epoch makes epoch N identical either way.
"""

from __future__ import annotations

from typing import Any

import keras

_MODULUS = 2**31 - 1


def seed_generators(model: keras.Model) -> list[Any]:
    """Return every `SeedGenerator` of `model`'s layers, nested models included, in layer order."""
    generators = []
    for layer in model._flatten_layers(include_self=True, recursive=True):
        generators += list(getattr(layer, "_seed_generators", []))
    return generators


class EpochSeeding(keras.callbacks.Callback):
    """Set each layer's random state from (seed, epoch, generator index) when an epoch begins.

    Args:
        seed: the run's seed.
    """

    def __init__(self, seed: int):
        super().__init__()
        self.seed = int(seed)

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        for index, generator in enumerate(seed_generators(self.model)):
            value = (self.seed * 7919 + (index + 1) * 104729 + epoch * 15485863) % _MODULUS
            generator.state.assign(
                keras.ops.convert_to_tensor([value, 0], dtype=generator.state.dtype))


def seed_everything(seed: int, deterministic: bool) -> None:
    """Seed Python, NumPy and the backend; on TensorFlow also make ops deterministic.

    Same config + seed on the CPU then gives an identical history.
    """
    keras.utils.set_random_seed(seed)
    if deterministic and keras.backend.backend() == "tensorflow":
        import tensorflow as tf  # only on the TensorFlow backend (JAX/PyTorch runs lack it)

        tf.config.experimental.enable_op_determinism()
