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

from visionlab import i18n
from visionlab._io import write_json
from visionlab.data.dataset import ImageDataset
from visionlab.data.decode import reason_text
from visionlab.data.explore import dataset_statistics, sample_images
from visionlab.reports.figures import class_balance_figure, image_grid_figure, save_figure
from visionlab.reports.html import png_data_uri
from visionlab.reports.style import split_label

HTML_WIDTH = 110  # characters of the table in a notebook


def explore_dataset(dataset: ImageDataset, output_dir: str | os.PathLike[str], *,
                    samples_per_class: int = 5, seed: int = 0,
                    lang: str | None = None) -> dict[str, Any]:
    """Compute a dataset's statistics, draw its overview figures and write them to `output_dir`.

    Writes `class_balance.png` (images per class and split), `samples.png` (random training
    images of each class, chosen with `seed`) and `explore.json` (every number returned).

    Args:
        dataset: the loaded dataset.
        output_dir: folder for the three files; created when missing.
        samples_per_class: images per class in `samples.png`. Defaults to 5.
        seed: seed of the random sample and pixel-statistics choice. Defaults to 0.
        lang: language of the figures' labels. Defaults to None (`i18n.resolve_language`).

    Returns:
        The dict of `dataset_statistics` plus `files` (the three paths).
    """
    lang = i18n.resolve_language(lang)
    stats = dataset_statistics(dataset, samples_per_class=samples_per_class, seed=seed)
    output_dir = Path(output_dir)
    counts = {name: [split["per_class"][class_name] for class_name in dataset.class_names]
              for name, split in stats["splits"].items()}
    files = {"class_balance": output_dir / "class_balance.png",
             "samples": output_dir / "samples.png", "json": output_dir / "explore.json"}
    stats["files"] = {key: str(path) for key, path in files.items()}
    save_figure(class_balance_figure(counts, dataset.class_names, lang=lang),
                files["class_balance"])
    images, titles = sample_images(dataset, stats)
    save_figure(image_grid_figure(images, titles, columns=samples_per_class), files["samples"])
    write_json(files["json"], stats)
    return stats


def render_explore_table(stats: dict[str, Any], lang: str | None = None) -> Any:
    """Return a Rich renderable that walks through the statistics from `explore_dataset`.

    Args:
        stats: the dict returned by `explore_dataset` (or read back from `explore.json`).
        lang: `"en"` or `"vi"`. Defaults to None (`i18n.resolve_language`).
    """
    lang = i18n.resolve_language(lang)

    def say(key: str, **values: Any) -> str:
        return i18n.t(key, lang, **values)

    def count(value: int) -> str:
        return i18n.format_count(value, lang)

    parts: list[Any] = []
    height, width, channels = stats["image_shape"]
    source = "" if stats["source"] == stats["name"] else say("explore.from", source=stats["source"])
    parts.append(Text(say("explore.headline", name=stats["name"], source=source,
                          images=count(stats["total_images"]), splits=len(stats["splits"]),
                          classes=stats["num_classes"], width=width, height=height,
                          channels=channels)))
    split_names = list(stats["splits"])
    if stats["num_classes"] * len(split_names) <= 30:
        walk = [say("explore.there_is_one" if split["per_class"][name] == 1 else
                    "explore.there_are", count=count(split["per_class"][name]),
                    folder=f"{split_name}/{name}")
                for split_name, split in stats["splits"].items() for name in stats["class_names"]]
        parts.append(Text("\n".join(walk)))
    table = Table(title=say("explore.images_per_class"), title_justify="left", show_footer=True)
    table.add_column(say("explore.column.class"), footer=say("explore.total"))
    for split_name in split_names:
        table.add_column(split_label(split_name, lang), justify="right",
                         footer=count(stats["splits"][split_name]["count"]))
    shown = stats["class_names"][:40]
    for name in shown:
        table.add_row(name, *(count(stats["splits"][split]["per_class"][name])
                              for split in split_names))
    if len(stats["class_names"]) > len(shown):
        table.add_row(say("explore.more_classes", count=count(len(stats["class_names"])
                                                             - len(shown))),
                      *("" for _ in split_names))
    parts.append(table)
    parts.append(_imbalance_text(stats, lang))
    facts = Table(title=say("explore.image_sizes"), title_justify="left")
    facts.add_column(say("explore.column.size"))
    facts.add_column(say("explore.column.images"), justify="right")
    for size, number in list(stats["image_sizes"]["counts"].items())[:8]:
        facts.add_row(size, count(number))
    modes = ", ".join(f"{_color_mode(mode, lang)} {count(number)}"
                      for mode, number in stats["color_modes"]["counts"].items())
    facts.caption = say("explore.color_modes", source=_color_source(stats, lang), modes=modes)
    facts.caption_justify = "left"
    parts.append(facts)
    pixels = stats["pixel_statistics"]
    parts.append(Text(say("explore.pixels", mean=_channels(pixels["mean"], lang),
                          std=_channels(pixels["std"], lang), images=count(pixels["sample_size"]),
                          split=split_label(pixels["split"], lang))))
    parts.append(_skipped_renderable(stats["skipped"], lang))
    # A blank line between sections keeps the walk readable.
    spaced = [item for part in parts for item in (part, Text(""))][:-1]
    return Group(*spaced)


def explore_html(stats: dict[str, Any], lang: str | None = None) -> str:
    """Return the overview as an HTML fragment: the table of `render_explore_table` and the
    sample grid and class-balance figures (what a notebook shows for `visionlab.explore`).

    Args:
        stats: the dict returned by `explore_dataset` (its `files` must still exist).
        lang: `"en"` or `"vi"`. Defaults to None (`i18n.resolve_language`).
    """
    # Recorded for export only: a console that thinks it is in Jupyter would display it too.
    console = Console(file=io.StringIO(), record=True, width=HTML_WIDTH, color_system="standard",
                      force_jupyter=False)
    console.print(render_explore_table(stats, lang))
    table = console.export_html(inline_styles=True, code_format=(
        '<pre style="font-family: var(--jp-code-font-family, monospace); font-size: 12px; '
        'line-height: 1.3">{code}</pre>'))
    images = "".join(
        f'<img src="{png_data_uri(stats["files"][key])}" alt="{key}" '
        'style="max-width: 100%; display: block; margin: 6px 0">'
        for key in ("samples", "class_balance") if Path(stats["files"][key]).is_file())
    return f'<div class="visionlab-explore">{table}{images}</div>'


def _imbalance_text(stats: dict[str, Any], lang: str) -> Any:
    imbalance = stats["imbalance"]
    ratio = stats["imbalance_ratio"]
    split = split_label(imbalance["split"], lang)
    if ratio is None:
        return Text(i18n.t("explore.empty_classes", lang, split=split,
                           classes=", ".join(imbalance["empty_classes"])), style="bold red")
    style = "green" if ratio < 1.5 else "yellow" if ratio < 3 else "bold red"
    return Text.assemble(
        i18n.t("explore.imbalance", lang, split=split), " ",
        (i18n.format_decimal(ratio, lang, 2), style),
        "  " + i18n.t("explore.imbalance_detail", lang, largest=imbalance["largest_class"],
                      largest_count=i18n.format_count(imbalance["largest_count"], lang),
                      smallest=imbalance["smallest_class"],
                      smallest_count=i18n.format_count(imbalance["smallest_count"], lang)))


def _skipped_renderable(skipped: dict[str, Any], lang: str) -> Any:
    if not skipped["count"]:
        return Text(i18n.t("explore.none_skipped", lang), style="green")
    table = Table(title=i18n.t("explore.skipped", lang,
                               count=i18n.format_count(skipped["count"], lang)),
                  title_justify="left", title_style="bold yellow")
    table.add_column(i18n.t("explore.column.file", lang), overflow="fold")
    table.add_column(i18n.t("explore.column.reason", lang))
    for bad in skipped["files"][:10]:
        table.add_row(bad["path"], reason_text(bad["reason"], lang))
    if skipped["count"] > 10:
        table.caption = i18n.t("explore.skipped_more", lang,
                               count=i18n.format_count(skipped["count"] - 10, lang))
    return table


_COLOR_SOURCES = {"original files": "explore.color_source.files",
                  "arrays": "explore.color_source.arrays"}


def _color_source(stats: dict[str, Any], lang: str) -> str:
    source = stats["color_modes"]["source"]
    return i18n.t(_COLOR_SOURCES[source], lang) if source in _COLOR_SOURCES else source


def _color_mode(mode: str, lang: str) -> str:
    key = f"explore.color_mode.{mode}"
    return i18n.t(key, lang) if key in i18n.MESSAGES[lang] else mode


def _channels(values: list[float], lang: str) -> str:
    # Vietnamese writes "0,5", so its list separator is "; "
    separator = "; " if i18n.decimal_mark("0.5", lang) != "0.5" else ", "
    return "[" + separator.join(i18n.format_decimal(value, lang, 3) for value in values) + "]"
