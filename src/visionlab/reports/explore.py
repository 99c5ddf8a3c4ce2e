"""The dataset overview: `class_balance.png`, `samples.png`, `explore.json` and the terminal
table (and its HTML for notebooks), drawn from the numbers of
`visionlab.data.explore.dataset_statistics`.

Example:
    dataset = load_dataset("data/pizza_steak_sushi", image_size=224)
    stats = explore_dataset(dataset, "explore/pizza_steak_sushi")
    Console().print(render_explore_table(stats))
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from visionlab._io import write_json
from visionlab.data.dataset import ImageDataset
from visionlab.data.explore import dataset_statistics, sample_images
from visionlab.reports.figures import class_balance_figure, image_grid_figure, save_figure
from visionlab.reports.html import png_data_uri

HTML_WIDTH = 110  # characters of the table in a notebook


def explore_dataset(dataset: ImageDataset, output_dir: str | os.PathLike[str], *,
                    samples_per_class: int = 5, seed: int = 0) -> dict[str, Any]:
    """Compute a dataset's statistics, draw its overview figures and write them to `output_dir`.

    Writes `class_balance.png` (images per class and split), `samples.png` (random training
    images of each class, chosen with `seed`) and `explore.json` (every number returned).

    Args:
        dataset: the loaded dataset.
        output_dir: folder for the three files; created when missing.
        samples_per_class: images per class in `samples.png`. Defaults to 5.
        seed: seed of the random sample and pixel-statistics choice. Defaults to 0.

    Returns:
        The dict of `dataset_statistics` plus `files` (the three paths).
    """
    stats = dataset_statistics(dataset, samples_per_class=samples_per_class, seed=seed)
    output_dir = Path(output_dir)
    counts = {name: [split["per_class"][class_name] for class_name in dataset.class_names]
              for name, split in stats["splits"].items()}
    files = {"class_balance": output_dir / "class_balance.png",
             "samples": output_dir / "samples.png", "json": output_dir / "explore.json"}
    stats["files"] = {key: str(path) for key, path in files.items()}
    save_figure(class_balance_figure(counts, dataset.class_names), files["class_balance"])
    images, titles = sample_images(dataset, stats)
    save_figure(image_grid_figure(images, titles, columns=samples_per_class), files["samples"])
    write_json(files["json"], stats)
    return stats




def render_explore_table(stats: dict[str, Any]) -> Any:
    """Return a Rich renderable that walks through the statistics from `explore_dataset`.

    Args:
        stats: the dict returned by `explore_dataset` (or read back from `explore.json`).
    """

    parts: list[Any] = []
    height, width, channels = stats["image_shape"]
    parts.append(Text.assemble(
        "Dataset ", (stats["name"], "bold"),
        f" from {stats['source']}: " if stats["source"] != stats["name"] else ": ",
        (f"{stats['total_images']:,}", "bold"), f" images in {len(stats['splits'])} splits, ",
        (str(stats["num_classes"]), "bold"),
        f" classes, arrays of {width}x{height} pixels with {channels} channel(s)."))
    split_names = list(stats["splits"])
    if stats["num_classes"] * len(split_names) <= 30:
        walk = [_there_are(split["per_class"][name], f"{split_name}/{name}")
                for split_name, split in stats["splits"].items() for name in stats["class_names"]]
        parts.append(Text("\n".join(walk)))
    table = Table(title="Images per class", title_justify="left", show_footer=True)
    table.add_column("class", footer="total")
    for split_name in split_names:
        table.add_column(split_name, justify="right",
                         footer=f"{stats['splits'][split_name]['count']:,}")
    shown = stats["class_names"][:40]
    for name in shown:
        table.add_row(name, *(f"{stats['splits'][split]['per_class'][name]:,}"
                              for split in split_names))
    if len(stats["class_names"]) > len(shown):
        table.add_row(f"… {len(stats['class_names']) - len(shown)} more classes",
                      *("" for _ in split_names))
    parts.append(table)
    parts.append(_imbalance_text(stats))
    facts = Table(title="Image sizes", title_justify="left")
    facts.add_column("size (width x height)")
    facts.add_column("images", justify="right")
    for size, count in list(stats["image_sizes"]["counts"].items())[:8]:
        facts.add_row(size, f"{count:,}")
    modes = ", ".join(f"{mode} {count:,}" for mode, count in stats["color_modes"]["counts"].items())
    facts.caption = f"colour modes ({stats['color_modes']['source']}): {modes}"
    facts.caption_justify = "left"
    parts.append(facts)
    pixels = stats["pixel_statistics"]
    parts.append(Text(
        f"Pixel mean {_channels(pixels['mean'])}, std {_channels(pixels['std'])} (scale 0-1, "
        f"{pixels['sample_size']:,} {pixels['split']} images)."))
    parts.append(_skipped_renderable(stats["skipped"]))
    # A blank line between sections keeps the walk readable.
    spaced = [item for part in parts for item in (part, Text(""))][:-1]
    return Group(*spaced)


def explore_html(stats: dict[str, Any]) -> str:
    """Return the overview as an HTML fragment: the table of `render_explore_table` and the
    sample grid and class-balance figures (what a notebook shows for `visionlab.explore`).

    Args:
        stats: the dict returned by `explore_dataset` (its `files` must still exist).
    """
    # Recorded for export only: a console that thinks it is in Jupyter would display it too.
    console = Console(file=io.StringIO(), record=True, width=HTML_WIDTH, color_system="standard",
                      force_jupyter=False)
    console.print(render_explore_table(stats))
    table = console.export_html(inline_styles=True, code_format=(
        '<pre style="font-family: var(--jp-code-font-family, monospace); font-size: 12px; '
        'line-height: 1.3">{code}</pre>'))
    images = "".join(
        f'<img src="{png_data_uri(stats["files"][key])}" alt="{key}" '
        'style="max-width: 100%; display: block; margin: 6px 0">'
        for key in ("samples", "class_balance") if Path(stats["files"][key]).is_file())
    return f'<div class="visionlab-explore">{table}{images}</div>'


def _imbalance_text(stats: dict[str, Any]) -> Any:

    imbalance = stats["imbalance"]
    ratio = stats["imbalance_ratio"]
    if ratio is None:
        return Text(f"Classes without {imbalance['split']} images: "
                    f"{', '.join(imbalance['empty_classes'])}. Add images or remove the folders.",
                    style="bold red")
    style = "green" if ratio < 1.5 else "yellow" if ratio < 3 else "bold red"
    return Text.assemble(
        "Class imbalance (largest / smallest ", imbalance["split"], " class): ",
        (f"{ratio:.2f}", style),
        f"  ({imbalance['largest_class']} {imbalance['largest_count']:,} vs "
        f"{imbalance['smallest_class']} {imbalance['smallest_count']:,})")


def _skipped_renderable(skipped: dict[str, Any]) -> Any:

    if not skipped["count"]:
        return Text("No files were skipped.", style="green")
    table = Table(title=f"Skipped files: {skipped['count']:,}", title_justify="left",
                  title_style="bold yellow")
    table.add_column("file", overflow="fold")
    table.add_column("reason")
    for bad in skipped["files"][:10]:
        table.add_row(bad["path"], bad["reason"])
    if skipped["count"] > 10:
        table.caption = f"… and {skipped['count'] - 10:,} more (all listed in explore.json)"
    return table


def _there_are(count: int, folder: str) -> str:
    if count == 1:
        return f"There is 1 image in '{folder}'."
    return f"There are {count:,} images in '{folder}'."


def _channels(values: list[float]) -> str:
    return "[" + ", ".join(f"{value:.3f}" for value in values) + "]"
