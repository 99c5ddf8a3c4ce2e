"""`OneCycleSchedule`: the per-step one-cycle learning rate, a Keras `LearningRateSchedule`.

Registered with Keras (package "visionlab") on import, so a checkpoint whose optimizer uses it
reloads with `keras.models.load_model` once visionlab is imported. The `model.keras` users get
never needs this class: its optimizer carries the rate the schedule ended at as a plain float
(`visionlab.training.saving.save_portable_model`).
"""

from __future__ import annotations

import math

import keras


@keras.saving.register_keras_serializable(package="visionlab")
class OneCycleSchedule(keras.optimizers.schedules.LearningRateSchedule):
    """Per-step one-cycle schedule (Smith; fastai's `fit_one_cycle`), cosine in both phases.

    Args:
        max_lr: peak learning rate.
        total_steps: optimizer steps in the whole run (epochs * steps_per_epoch).
        pct_start: fraction of the steps spent warming up. Defaults to 0.25.
        div_factor: the run starts at `max_lr / div_factor`. Defaults to 25.
        final_div: the run ends at `max_lr / final_div`. Defaults to 1e4.
    """

    def __init__(self, max_lr, total_steps, pct_start=0.25, div_factor=25.0,
                 final_div=1e4, name="OneCycle"):
        super().__init__()
        self.max_lr = float(max_lr)
        self.total_steps = int(total_steps)
        self.pct_start = float(pct_start)
        self.div_factor = float(div_factor)
        self.final_div = float(final_div)
        self.name = name

    def __call__(self, step):
        step = keras.ops.cast(step, "float32")
        warmup_steps = max(1.0, self.pct_start * self.total_steps)
        low, final = self.max_lr / self.div_factor, self.max_lr / self.final_div
        rising = keras.ops.minimum(step / warmup_steps, 1.0)
        falling = keras.ops.clip((step - warmup_steps)
                                 / max(1.0, self.total_steps - warmup_steps), 0.0, 1.0)
        warm = low + (self.max_lr - low) * 0.5 * (1.0 - keras.ops.cos(math.pi * rising))
        anneal = final + (self.max_lr - final) * 0.5 * (1.0 + keras.ops.cos(math.pi * falling))
        return keras.ops.where(step < warmup_steps, warm, anneal)

    def get_config(self):
        return {"max_lr": self.max_lr, "total_steps": self.total_steps,
                "pct_start": self.pct_start, "div_factor": self.div_factor,
                "final_div": self.final_div, "name": self.name}
