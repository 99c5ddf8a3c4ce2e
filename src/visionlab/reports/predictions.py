"""`visionlab predict --plot`: each image with its predicted class, coloured right/wrong."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from visionlab.config import color_mode_for_channels
from visionlab.data.decode import decode_image
from visionlab.reports.figures import prediction_figure, save_figure
from visionlab.runs.run import Run


def plot_predictions(run: Any, results: list[dict[str, Any]],
                     folder: str | os.PathLike[str]) -> list[Path]:
    """Save one PNG per predicted image into `folder`; return the paths.

    The title reads "predicted (probability)"; when the image's parent folder is a class name,
    "actual / predicted" is shown in green when right and red when wrong (as in the tutorials).
    """
    run = run if isinstance(run, Run) else Run(run)
    height, width, channels = run.info["dataset"]["image_shape"]
    folder = Path(folder)
    written = []
    for index, result in enumerate(results):
        if "error" in result:
            continue
        path = Path(result["path"])
        image = decode_image(path, (max(height, 224), max(width, 224)),
                             color_mode_for_channels(channels))
        actual = path.parent.name if path.parent.name in run.class_names else None
        predicted = f"{result['predicted']} ({result['probability']:.1%})"
        if actual is None:
            title, color = f"predicted: {predicted}", "black"
        else:
            title = f"actual: {actual} / predicted: {predicted}"
            color = "green" if actual == result["predicted"] else "red"
        target = folder / f"{index:03d}-{path.stem}.png"
        save_figure(prediction_figure(image, title, color), target)
        written.append(target)
    return written
