"""`data.exclude`: leave the images of a list file out of a loaded dataset.

`visionlab audit` writes such a list (`audit.txt`); `data.exclude = "audit.txt"` applies it in
`prepare_dataset`, right after loading (before subsampling and the validation split). Format:

    # comment lines start with "#"; a comment after an entry follows two spaces and "#"
    train/cat/cat.12.jpg  # exact duplicate of test/cat/cat.3.jpg [leak across splits]
    train:1234  # near duplicate (2 bits) of test:17

An entry is a file path for image folders (relative to the dataset's folder, or absolute) and
`split:index` for array datasets (MNIST …): the row in that split as loaded, before a validation
split is carved from train. An entry that matches no image is an error: the list belongs to
another dataset, or a file was renamed since the audit.

Example:
    dataset = exclude_images(load_dataset("data/pets"), "audit.txt")
    dataset.info["excluded"]  # 7
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from visionlab.data.dataset import ImageDataset, Split
from visionlab.errors import DataError
from visionlab.i18n import Message

COMMENT = "  #"  # two spaces: a "#" inside a file name stays part of it
_SHOWN = 5


def read_exclude_list(path: str | os.PathLike[str]) -> list[str]:
    """Return the entries of an exclude list, without comments and blank lines.

    Raises:
        DataError: the file cannot be read.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DataError(Message("error.data.exclude.unreadable",
                                {"path": path, "error": error})) from None
    entries = []
    for line in text.splitlines():
        entry = line.split(COMMENT, 1)[0].strip()
        if entry and not entry.startswith("#"):
            entries.append(entry)
    return entries


def format_exclude_list(entries: Iterable[tuple[str, str]], *, root: str | None,
                        header: str = "", review: Iterable[tuple[str, str]] = ()) -> str:
    """Write (image key, reason) entries as list text; `review` ones as commented lines.

    Args:
        entries: images to exclude, each with the reason written as its comment.
        root: the dataset's folder; paths below it are written relative to it.
        header: comment lines at the top (without "#"). Defaults to "".
        review: images to look at but keep, written commented out. Defaults to ().
    """
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    lines += [f"{_relative(key, root)}{COMMENT} {_shorter(reason, root)}"
              for key, reason in entries]
    lines += [f"# {_relative(key, root)}{COMMENT} review: {_shorter(reason, root)}"
              for key, reason in review]
    return "\n".join(lines) + "\n"


def _shorter(reason: str, root: str | None) -> str:
    """The reason with paths below `root` written relative to it, as the entries are."""
    return reason.replace(root.rstrip("/\\") + os.sep, "") if root else reason


def _relative(key: str, root: str | None) -> str:
    if root and os.path.isabs(key):
        relative = os.path.relpath(key, root)
        if not relative.startswith(".."):
            return Path(relative).as_posix()
    return key


def exclude_images(dataset: ImageDataset, path: str | os.PathLike[str]) -> ImageDataset:
    """Return `dataset` without the images listed in the file `path`.

    The checksum changes with the list (it names the pixels trained on), and `info` records
    `exclude` (the file) and `excluded` (how many images left).

    Raises:
        DataError: an entry matches no image of the dataset.
    """
    entries = read_exclude_list(path)
    root = os.path.realpath(dataset.source)
    wanted = {_normalized(entry, root) for entry in entries}
    matched: set[str] = set()
    splits = {}
    for name, split in dataset.splits.items():
        keys = ([_normalized(file, root) for file in split.paths] if split.paths
                else [f"{name}:{index}" for index in range(len(split))])
        drop = np.array([key in wanted for key in keys], dtype=bool)
        matched.update(key for key, dropped in zip(keys, drop) if dropped)
        if not drop.any():
            splits[name] = split
            continue
        keep = np.flatnonzero(~drop)
        paths = [split.paths[index] for index in keep] if split.paths else None
        splits[name] = Split(np.asarray(split.images[keep]), split.labels[keep], paths)
    unmatched = sorted(wanted - matched)
    if unmatched:
        shown: str | Message = ", ".join(unmatched[:_SHOWN])
        if len(unmatched) > _SHOWN:
            shown = Message("data.photos.and_more",
                            {"shown": shown, "more": len(unmatched) - _SHOWN})
        raise DataError(Message("error.data.exclude.unmatched", {
            "path": path, "count": len(unmatched), "name": dataset.name, "shown": shown,
            "source": dataset.source}))
    digest = hashlib.sha256(f"{dataset.checksum}|exclude|".encode())
    digest.update("\n".join(sorted(matched)).encode())
    info = {**dataset.info, "exclude": str(path), "excluded": len(matched)}
    return ImageDataset(dataset.name, dataset.class_names, splits, dataset.source,
                        digest.hexdigest(), dataset.skipped, info)


def _normalized(entry: str, root: str) -> str:
    """An entry or file as a `/` path relative to `root` (real path), or `split:index`."""
    if not os.path.isabs(entry) and ":" in entry and "/" not in entry:
        return entry  # split:index
    full = entry if os.path.isabs(entry) else os.path.join(root, entry)
    relative = os.path.relpath(os.path.realpath(full), root)
    return Path(relative).as_posix()
