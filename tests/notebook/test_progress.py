"""The notebook's live progress: one block updated in place, through a recording display."""

from __future__ import annotations

import keras
import numpy as np

from visionlab.notebook.progress import NotebookProgress, _clock, notebook_progress


class _Display:
    """Stands in for IPython.display.display: records the first bundle and every update."""

    def __init__(self):
        self.bundles: list[dict[str, str]] = []

    def __call__(self, bundle, raw=False, display_id=None):
        assert raw and display_id is True
        self.bundles.append(bundle)
        return self

    def update(self, bundle, raw=False):
        assert raw
        self.bundles.append(bundle)


def _fit(progress: NotebookProgress, epochs: int = 3, stop_at: int | None = None) -> None:
    generator = np.random.default_rng(0)
    x = generator.normal(size=(96, 4)).astype("float32")
    y = (x[:, 0] > 0).astype("int64")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    callbacks: list = [progress]
    if stop_at is not None:
        callbacks.insert(0, keras.callbacks.LambdaCallback(
            on_train_batch_end=lambda batch, logs: setattr(model, "stop_training",
                                                           batch == stop_at)))
    model.fit(x, y, batch_size=16, epochs=epochs, validation_split=0.25, verbose=0,
              callbacks=callbacks)


def test_one_block_shows_the_bar_eta_and_metrics_then_the_finished_epochs():
    display = _Display()
    progress = NotebookProgress(min_interval=0.0, display=display)
    _fit(progress)
    middle = [bundle["text/html"] for bundle in display.bundles
              if "<progress" in bundle["text/html"]]
    assert any("Epoch 2/3" in html and "left in epoch" in html and "loss " in html
               for html in middle)
    final = display.bundles[-1]
    assert "Trained 3 epoch(s)" in final["text/html"]
    assert "<progress" not in final["text/html"]
    assert final["text/html"].count("<tr>") == 4  # the header and one row per epoch
    for column in ("loss", "accuracy", "val_loss", "val_accuracy"):
        assert f">{column}</th>" in final["text/html"]
    assert final["text/plain"].splitlines()[1].startswith("epoch 1: loss ")
    assert [epoch for epoch, _ in progress.rows] == [1, 2, 3]


def test_an_epoch_cut_short_is_not_listed():
    display = _Display()
    progress = NotebookProgress(min_interval=10.0, display=display)  # epoch updates only
    _fit(progress, stop_at=1)
    assert progress.rows == []
    assert "Trained 0 epoch(s)" in display.bundles[-1]["text/plain"]


def test_outside_a_notebook_the_terminal_progress_is_kept():
    assert notebook_progress(verbose=1) is None
    assert notebook_progress(verbose=0) is None


def test_clock():
    assert _clock(5.4) == "0:05"
    assert _clock(125) == "2:05"
    assert _clock(3725) == "1:02:05"
