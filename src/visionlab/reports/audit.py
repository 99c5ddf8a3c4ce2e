"""The dataset audit's files: `audit.html` (duplicates side by side), `audit.txt`, `audit.json`.

The page is self-contained like the run report: every thumbnail is a PNG data URI. `audit.txt`
is the exclude list that `data.exclude` applies (`visionlab.data.exclude`): the copies to drop,
one a line with the reason as a comment, then size outliers and grayscale-as-RGB files as
commented lines to review.

Example:
    result = audit_dataset(dataset)
    files = write_audit(result, dataset, "audit/pets")
    files.html   # audit/pets/audit.html
"""

from __future__ import annotations

import base64
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from visionlab import _io
from visionlab.data.audit import NEAR_PIXEL_DIFFERENCE, AuditResult, DuplicateGroup, ImageRef
from visionlab.data.dataset import ImageDataset
from visionlab.data.exclude import format_exclude_list
from visionlab.reports.html import render_page

HTML_FILE = "audit.html"
LIST_FILE = "audit.txt"
JSON_FILE = "audit.json"
MAX_ROWS = 100  # rows shown per section; audit.json holds all
THUMBNAIL_SIDE = 128  # pixels of the longer side shown; small images are enlarged to it


@dataclass(frozen=True)
class AuditFiles:
    """Where `write_audit` wrote the page, the exclude list and the JSON findings."""

    html: Path
    exclude_list: Path
    json: Path


def write_audit(result: AuditResult, dataset: ImageDataset,
                output_dir: str | os.PathLike[str]) -> AuditFiles:
    """Write `audit.html`, `audit.txt` and `audit.json` into `output_dir` (created if missing).

    Args:
        result: the findings of `audit_dataset(dataset)`.
        dataset: the dataset audited, whose pixels are the thumbnails.
        output_dir: the folder of the three files.
    """
    output_dir = Path(output_dir)
    files = AuditFiles(output_dir / HTML_FILE, output_dir / LIST_FILE, output_dir / JSON_FILE)
    root = dataset.source if result.sizes_checked else None  # checked: files
    review = [(finding.image.key, finding.detail if finding.kind == "size_outlier"
               else f"grayscale stored as RGB ({finding.detail})")
              for finding in result.findings]
    header = (f"visionlab audit of {result.name}: images to leave out of training.\n"
              f"Apply with data.exclude = \"{files.exclude_list}\" in the experiment.\n"
              "Paths are relative to " + (f"{root}" if root else "the dataset (split:index)")
              + "; commented lines are for review only.")
    _io.write_text(files.exclude_list, format_exclude_list(result.exclusions(), root=root,
                                                           header=header, review=review))
    _io.write_json(files.json, result.to_dict())
    _io.write_text(files.html, audit_html(result, dataset, list_name=str(files.exclude_list)))
    return files


def audit_html(result: AuditResult, dataset: ImageDataset, *, list_name: str = LIST_FILE) -> str:
    """Return the audit page: counts, then each kind of finding with its images side by side."""
    counts = result.counts()
    tiles = [("images", counts["images"]), ("exact copies", counts["exact_copies"]),
             ("near pairs", counts["near_pairs"]), ("leaks", counts["leaks"]),
             ("label conflicts", counts["conflicts"]), ("size outliers", counts["size_outliers"]),
             ("grayscale as RGB", counts["grayscale_rgb"])]
    thumbnails = _Thumbnails(dataset, result.source if result.sizes_checked else None,
                             result.class_names)
    sections = [
        _group_section("leaks", "Leaks between splits", result.leaks, thumbnails),
        _group_section("conflicts", "Label conflicts", result.conflicts, thumbnails),
        _group_section("exact", "Exact duplicates", result.exact_groups, thumbnails),
        _group_section("near", "Near duplicates", result.near_pairs, thumbnails),
    ]
    for kind, title in (("size_outlier", "Size outliers"), ("grayscale_rgb", "Grayscale as RGB")):
        found = result.of_kind(kind)
        sections.append({"id": kind.replace("_", "-"), "title": title, "total": len(found),
                         "rows": [{"why": finding.detail,
                                   "images": [thumbnails.image(finding.image)]}
                                  for finding in found[:MAX_ROWS]]})
    return render_page("audit.html", "en", result=result, counts=counts, tiles=tiles,
                       sections=sections, list_name=list_name,
                       pixel_difference=NEAR_PIXEL_DIFFERENCE)


def _group_section(section_id: str, title: str, groups: list[DuplicateGroup],
                   thumbnails: _Thumbnails) -> dict[str, Any]:
    rows = []
    for group in groups[:MAX_ROWS]:
        what = ("exact duplicates" if group.kind == "exact"
                else f"near duplicates, {group.distance} bits apart")
        flags = [flag for flag, on in (("leak", group.is_leak), ("label conflict",
                                                                  group.is_conflict)) if on]
        rows.append({"why": f"{len(group.images)} {what}"
                            + (f" ({', '.join(flags)})" if flags else ""),
                     "images": [thumbnails.image(image) for image in group.images]})
    return {"id": section_id, "title": title, "total": len(groups), "rows": rows}


class _Thumbnails:
    """PNG data URIs of the dataset's images, each made once."""

    def __init__(self, dataset: ImageDataset, root: str | None, class_names: list[str]) -> None:
        self.dataset, self.root, self.class_names = dataset, root, class_names
        self.made: dict[tuple[str, int], dict[str, Any]] = {}

    def image(self, ref: ImageRef) -> dict[str, Any]:
        key = (ref.split, ref.index)
        if key not in self.made:
            pixels = np.asarray(self.dataset.splits[ref.split].images[ref.index])
            picture = Image.fromarray(pixels[..., 0] if pixels.shape[-1] == 1 else pixels)
            scale = THUMBNAIL_SIDE / max(picture.size)
            size = (max(1, round(picture.width * scale)), max(1, round(picture.height * scale)))
            buffer = io.BytesIO()
            picture.save(buffer, format="PNG")  # enlarged by the page (pixelated), not here
            name = ref.key if self.root is None or ref.path is None else os.path.relpath(
                ref.path, self.root)
            self.made[key] = {
                "uri": "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode(),
                "width": size[0], "height": size[1], "split": ref.split,
                "label": self.class_names[ref.label], "name": Path(name).as_posix(),
                "caption": f"{ref.split} {self.class_names[ref.label]} {name}"}
        return self.made[key]
