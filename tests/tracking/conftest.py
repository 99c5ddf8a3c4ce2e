"""A real Ctrl-C during training, for the tracking tests that interrupt and resume a run."""

from __future__ import annotations

import signal

import keras
import pytest


class CtrlCAtEpoch(keras.callbacks.Callback):
    """Press Ctrl-C (a real SIGINT) as Keras's epoch `epoch` (0-based) begins."""

    def __init__(self, epoch: int):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            signal.raise_signal(signal.SIGINT)


@pytest.fixture
def ctrl_c_at_epoch() -> type[CtrlCAtEpoch]:
    """The `CtrlCAtEpoch` callback class: `ctrl_c_at_epoch(1)` interrupts the second epoch."""
    return CtrlCAtEpoch
