"""Keep one-time set-up work (a weights conversion, a download) off a seeded run's random streams.

A seeded run draws its initial weights, dropout masks and shuffles from Python's `random`,
NumPy's global generator and Keras's global `SeedGenerator`. Work that happens only on a cold
cache — converting ImageNet weights builds a whole temporary Keras model — would draw from the
same streams and shift everything the run draws after it, so the first run on a machine would
differ from every later one. `isolated_random_state()` puts the streams back as they were.

Example:
    with isolated_random_state():
        convert_efficientnet_lite0(path)   # the run's next draws are as if it never happened
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Iterator

import numpy as np

# Keras keeps its global seed generator in its private global state; there is no public accessor.
from keras.src.backend.common import global_state

_KERAS_GENERATOR = "global_seed_generator"


@contextlib.contextmanager
def isolated_random_state() -> Iterator[None]:
    """Run the block, then restore Python's, NumPy's and Keras's global random states."""
    python_state, numpy_state = random.getstate(), np.random.get_state()
    generator = global_state.get_global_attribute(_KERAS_GENERATOR)
    keras_state = None if generator is None else np.array(generator.state.value)
    try:
        yield
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)
        if generator is None:
            # The block created the generator: drop it so the run creates its own, as it would
            # have without the block.
            global_state.set_global_attribute(_KERAS_GENERATOR, None)
        else:
            global_state.set_global_attribute(_KERAS_GENERATOR, generator)
            generator.state.assign(keras_state)
