"""`audit`: find duplicates, leaks, label conflicts and odd files in a dataset, and write the page.

Example:
    from visionlab import api
    found = api.audit("data/pets")
    found.result.counts()   # {"exact_groups": 2, "leaks": 1, ...}
    found.files.html        # audit/pets/audit.html; found.files.exclude_list is audit.txt
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from visionlab.data.audit import NEAR_DUPLICATE_DISTANCE, AuditResult, audit_dataset
from visionlab.data.formats import resized_after_loading
from visionlab.data.loading import load_dataset
from visionlab.reports.audit import AuditFiles, write_audit

AUDIT_IMAGE_SIZE = 128  # folders are decoded at this side: enough for phash (32x32) and thumbnails


@dataclass(frozen=True)
class Audit:
    """What `audit` found (`result`) and the files it wrote (`files`)."""

    result: AuditResult
    files: AuditFiles


def audit(data: str | os.PathLike[str], *, data_path: str | os.PathLike[str] | None = None,
          output: str | os.PathLike[str] | None = None,
          threshold: int = NEAR_DUPLICATE_DISTANCE, image_size: int = AUDIT_IMAGE_SIZE,
          validation_fraction: float = 0.1, test_fraction: float = 0.2, seed: int = 0,
          progress: bool = True) -> Audit:
    """Audit a dataset and write `audit.html`, `audit.txt` (the exclude list) and `audit.json`.

    Folders are split as training splits them with the same fractions and seed (the defaults
    are `[data]`'s), so a leak is reported between the splits a run would use.

    Args:
        data: a built-in dataset name or an image folder.
        data_path: where a built-in dataset's files are. Defaults to None (search).
        output: the output folder. Defaults to `audit/<dataset name>/`.
        threshold: phash bits of a near-duplicate candidate; -1 skips near duplicates.
            Defaults to 4.
        image_size: side folders are decoded at. Defaults to 128. Arrays keep their size.
        validation_fraction: a folder's validation share. Defaults to 0.1.
        test_fraction: a folder's test share (when it has no test/ folder). Defaults to 0.2.
        seed: seed of a folder's splits. Defaults to 0.
        progress: show decoding progress. Defaults to True.
    """
    size = None if resized_after_loading(data) else (image_size, image_size)
    dataset = load_dataset(data, data_path=data_path, image_size=size,
                           validation_fraction=validation_fraction, test_fraction=test_fraction,
                           seed=seed, progress=progress)
    result = audit_dataset(dataset, threshold=threshold)
    output_dir = Path(output) if output is not None else Path("audit") / _folder_name(dataset.name)
    return Audit(result, write_audit(result, dataset, output_dir))


def _folder_name(dataset_name: str) -> str:
    """Turn a registry name or a folder path into one safe folder name (as `explore` does)."""
    name = Path(dataset_name.rstrip("/\\")).name or "dataset"
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)
