"""Load an image folder into an `ImageDataset`: scan, decode in parallel, cache, split.

Two layouts are understood (class names are the sorted folder names; label = index):

    root/train/<class>/*.jpg, root/test/<class>/*.jpg [, root/validation/<class>/*.jpg]
    root/<class>/*.jpg        (validation/test carved out with a seeded stratified split)

Hidden files (".DS_Store", "._x.jpg") and files without an image extension are ignored;
image files that cannot be decoded are skipped and listed in `ImageDataset.skipped` with a
reason (or, with strict=True, reported all at once as a DataError).

Decoding runs on a thread pool (`decode_pool.decode_into`): Pillow releases the GIL while decoding
and resizing, threads write straight into the cache file with no pickling, and nothing forks
a process that already runs TensorFlow; processes were no faster on the 2-core benchmark box
(see BENCHMARKS.md, "Input pipeline").

Splits carved by `validation_fraction` / `test_fraction` are drawn (stratified, seeded) over
the listed image files before decoding, then undecodable files are dropped from them; so
fixing or breaking one file never reshuffles the others. Decoded rows are stored split by
split, so each split is a zero-copy slice of the cache's memory map.

`ImageDataset.checksum` is a SHA-256 over the class names and, per split, its name, labels
and the SHA-256 of every decoded image, so it identifies the exact pixels trained on
(independent of file timestamps or where the folder lives).
"""

from __future__ import annotations

import hashlib
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from visionlab.data import cache
from visionlab.data.dataset import BadFile, ImageDataset, Split
from visionlab.data.decode import IMAGE_EXTENSIONS, check_options, is_image_file, reason_message
from visionlab.data.decode_pool import decode_into
from visionlab.data.splits import check_fraction, stratified_split
from visionlab.errors import ConfigError, DataError
from visionlab.i18n import Message, joined, t

# Folder names accepted for each split in the split-folder layout.
SPLIT_FOLDER_NAMES = {"train": "train", "validation": "validation", "valid": "validation",
                      "val": "validation", "test": "test"}
SPLIT_ORDER = ("train", "validation", "test")
ALL = "all"  # the single split of a root of class folders, before carving
_IGNORED_FOLDERS = {"__MACOSX"}


@dataclass(frozen=True)
class ListedFile:
    """One image file found while scanning (`split` is "all" for a root of class folders)."""

    split: str
    label: int
    relative_path: str
    size: int
    mtime_ns: int


@dataclass
class FolderListing:
    """The result of `scan_image_folder`: classes and image files in a stable order."""

    root: Path
    layout: str  # "split folders" or "class folders"
    class_names: list[str]
    files: list[ListedFile]
    split_folders: dict[str, Path] = field(default_factory=dict)
    empty_folders: list[str] = field(default_factory=list)
    ignored_files: int = 0

    def full_path(self, index: int) -> str:
        """Return the path of `files[index]` (root joined with its relative path)."""
        relative_path = self.files[index].relative_path
        return os.path.join(self.root, relative_path.replace("/", os.sep))


def scan_image_folder(path: str | os.PathLike[str]) -> FolderListing:
    """List the classes and image files of an image folder without decoding anything.

    Raises:
        DataError: missing folder, no class folders, a single class, or class folders that
            differ between train/validation/test.
    """
    root = Path(path).expanduser()
    if not root.is_dir():
        raise DataError(Message("error.data.no_folder", {"path": root}))
    layout = "split folders" if (root / "train").is_dir() else "class folders"
    split_folders = _split_folders(root) if layout == "split folders" else {ALL: root}
    classes = {name: [folder.name for folder in _visible_folders(folder)]
               for name, folder in split_folders.items()}
    reference = "train" if layout == "split folders" else ALL
    class_names = sorted(classes[reference])
    where = split_folders[reference]
    if not class_names:
        raise DataError(Message("error.data.no_class_folders", {"path": where}))
    if len(class_names) < 2:
        raise DataError(Message("error.data.single_class",
                                {"name": class_names[0], "path": where}))
    _check_same_classes(root, class_names, classes)
    files, empty_folders, ignored = _list_class_files(root, split_folders, class_names)
    if not files:
        raise DataError(Message("error.data.no_images", {
            "extensions": ", ".join(sorted(IMAGE_EXTENSIONS)), "path": root}))
    return FolderListing(root, layout, class_names, files, split_folders, empty_folders, ignored)


def _split_folders(root: Path) -> dict[str, Path]:
    """Return {split: folder} of the train/validation/test folders of `root`, in split order."""
    found: dict[str, Path] = {}
    for child in _visible_folders(root):
        split_name = SPLIT_FOLDER_NAMES.get(child.name.lower())
        if split_name is None:
            continue
        if split_name in found:
            raise DataError(Message("error.data.two_split_folders", {
                "path": root, "split": split_name, "first": found[split_name].name,
                "second": child.name}))
        found[split_name] = child
    return {name: found[name] for name in SPLIT_ORDER if name in found}


def _list_class_files(root: Path, split_folders: dict[str, Path], class_names: list[str]
                      ) -> tuple[list[ListedFile], list[str], int]:
    """Return (image files, class folders without images, number of non-image files)."""
    files: list[ListedFile] = []
    empty_folders: list[str] = []
    ignored = 0
    for split_name, split_folder in split_folders.items():
        for label, class_name in enumerate(class_names):
            class_folder = split_folder / class_name
            found = 0
            for full_path, relative_path in _walk_files(class_folder, root):
                if not is_image_file(relative_path):
                    ignored += 1
                    continue
                try:
                    status = os.stat(full_path)
                    size, mtime_ns = status.st_size, status.st_mtime_ns
                except OSError:  # broken link: decoding reports it
                    size, mtime_ns = -1, 0
                files.append(ListedFile(split_name, label, relative_path, size, mtime_ns))
                found += 1
            if found == 0:
                empty_folders.append(class_folder.relative_to(root).as_posix())
    return files, empty_folders, ignored


def load_image_folder(
    path: str | os.PathLike[str],
    *,
    image_size: tuple[int, int] = (224, 224),
    color_mode: str = "rgb",
    resize_mode: str = "squash",
    validation_fraction: float = 0.0,
    test_fraction: float = 0.2,
    seed: int = 0,
    strict: bool = False,
    cache_dir: str | os.PathLike[str] | None | bool = None,
    workers: int | None = None,
    progress: bool = True,
    require_test: bool = True,
) -> ImageDataset:
    """Decode an image folder into train / test (and validation) uint8 splits.

    Args:
        path: root of `train/<class>/`, `test/<class>/` (optional `validation/<class>/`) folders,
            or of class folders directly.
        image_size: (height, width) of every image. Defaults to (224, 224).
        color_mode: "rgb" or "grayscale". Defaults to "rgb".
        resize_mode: "squash", "crop" or "pad" (see `decode_image`). Defaults to "squash".
        validation_fraction: share held out for validation when there is no validation folder:
            of all images for a root of class folders, of train otherwise. Defaults to 0.0.
        test_fraction: share held out for test (of all images) for a root of class folders,
            or of train when there is no test folder. Defaults to 0.2.
        seed: seed of the stratified splits. Defaults to 0.
        strict: raise a DataError listing every undecodable file instead of skipping them.
            Defaults to False.
        cache_dir: folder of the decoded-image cache; None for `$VISIONLAB_CACHE/decoded` or
            `~/.cache/visionlab/decoded`; False to decode into memory without caching.
            Defaults to None.
        workers: decoding threads. Defaults to the number of usable CPU cores.
        progress: show a Rich progress bar while decoding. Defaults to True.
        require_test: refuse a folder that would leave no test split (training needs one).
            False accepts `test_fraction=0` on a folder without test/: everything stays in
            the folder's own splits (evaluating a run on a plain folder of class folders).
            Defaults to True.

    Returns:
        An ImageDataset whose splits hold read-only memory maps (or arrays when not cached).

    Example:
        dataset = load_image_folder("pets/", image_size=(160, 160), validation_fraction=0.1)
    """
    size = check_options(image_size, color_mode, resize_mode)
    if size is None:
        raise ConfigError(Message("error.data.folder_image_size"))
    validation_fraction = check_fraction("validation_fraction", validation_fraction)
    test_fraction = check_fraction("test_fraction", test_fraction)
    listing = scan_image_folder(path)
    _check_held_out(listing, validation_fraction, test_fraction, require_test)
    labels = np.array([listed.label for listed in listing.files], dtype=np.int64)
    split_indices, carved = _assign_splits(listing, labels, validation_fraction, test_fraction,
                                           seed)
    # Row order of a new cache entry: split by split, so each split is one contiguous slice.
    order = np.concatenate(list(split_indices.values()))
    decoded = _decode_listing(listing, order, size, color_mode, resize_mode, cache_dir, workers,
                              progress)
    skipped, split_indices = _drop_bad_files(listing, decoded, split_indices, strict)
    split_rows = {name: decoded.rows(indices) for name, indices in split_indices.items()}
    splits = {
        name: Split(
            images=cache.take_rows(decoded.images, split_rows[name], decoded.folder),
            labels=labels[indices],
            paths=[listing.full_path(index) for index in indices],
        )
        for name, indices in split_indices.items()
    }
    info = {
        "layout": listing.layout, "image_size": list(size), "color_mode": color_mode,
        "resize_mode": resize_mode, "files_listed": len(listing.files),
        "files_ignored": listing.ignored_files, "empty_folders": listing.empty_folders,
        "empty_classes": _warn_empty_classes(listing, splits), "carved_splits": carved,
        "cache": str(decoded.folder) if decoded.folder is not None else None,
        "cache_hit": decoded.cache_hit,
    }
    return ImageDataset(
        name=str(path), class_names=listing.class_names, splits=splits,
        source=str(listing.root.resolve()),
        checksum=_checksum(listing.class_names, split_indices, split_rows, labels,
                           decoded.digests),
        skipped=skipped, info=info,
    )


def _check_held_out(listing: FolderListing, validation_fraction: float,
                    test_fraction: float, require_test: bool = True) -> None:
    """Raise ConfigError when the fractions leave no test split or nothing to train on."""
    if listing.layout == "class folders":
        if test_fraction == 0.0 and require_test:
            raise ConfigError(Message("error.data.no_test_folder", {"path": listing.root}))
        if validation_fraction + test_fraction >= 1.0:
            raise ConfigError(Message("error.data.fractions", {
                "validation": validation_fraction, "test": test_fraction}))
    elif "test" not in listing.split_folders and test_fraction == 0.0 and require_test:
        raise ConfigError(Message("error.data.train_without_test", {"path": listing.root}))


def _drop_bad_files(listing: FolderListing, decoded: cache.DecodedArrays,
                    split_indices: dict[str, np.ndarray], strict: bool
                    ) -> tuple[list[BadFile], dict[str, np.ndarray]]:
    """Return the undecodable files and the splits without them; strict=True raises instead."""
    skipped = [BadFile(listing.full_path(index), reason)
               for index, reason in sorted(decoded.bad.items())]
    if strict and skipped:
        lines = joined([Message("data.bad_file_line", {"path": bad.path,
                                                       "reason": reason_message(bad.reason)})
                        for bad in skipped], "\n")
        raise DataError(Message("error.data.undecodable", {
            "path": listing.root, "count": len(skipped), "lines": lines}))
    bad_files = np.fromiter(decoded.bad, dtype=np.int64, count=len(decoded.bad))
    return skipped, {name: indices[~np.isin(indices, bad_files)]
                     for name, indices in split_indices.items()}


def _decode_listing(listing, order, size, color_mode, resize_mode, cache_dir, workers, progress):
    channels = 1 if color_mode == "grayscale" else 3
    shape = (len(listing.files), size[0], size[1], channels)

    def fill(images: np.ndarray, digests: np.ndarray, order: np.ndarray) -> dict[int, str]:
        paths = [listing.full_path(index) for index in order]
        bad_rows = decode_into(paths, images, digests, size, color_mode, resize_mode, workers,
                               progress,
                               description=t("data.decoding",
                                             name=listing.root.name or listing.root))
        return {int(order[row]): reason for row, reason in bad_rows.items()}

    if cache_dir is False:
        return cache.build_in_memory(shape, fill, order)
    key = cache.cache_key(((listed.relative_path, listed.size, listed.mtime_ns)
                           for listed in listing.files), size, color_mode, resize_mode)
    options = {"image_size": list(size), "color_mode": color_mode, "resize_mode": resize_mode}
    meta = {"source": str(listing.root.resolve()), "options": options}
    return cache.load_or_build(None if cache_dir in (None, True) else cache_dir, key, shape,
                               fill, meta, order)


def _assign_splits(listing, labels, validation_fraction, test_fraction, seed):
    """Return ({split: sorted listing indices}, {carved split: fraction}) over listed files."""
    split_of = np.array([listed.split for listed in listing.files])
    indices = {name: np.flatnonzero(split_of == name) for name in (*SPLIT_ORDER, ALL)}
    carved: dict[str, float] = {}

    def carve(source: str, fraction: float, target: str) -> None:
        keep, held_out = stratified_split(labels[indices[source]], fraction, seed)
        indices[target] = indices[source][held_out]
        indices[source] = indices[source][keep]
        carved[target] = fraction

    if listing.layout == "class folders":
        indices["train"] = indices[ALL]
        if test_fraction > 0:  # 0 only when no test split is required (evaluating a folder)
            carve("train", test_fraction, "test")
        if validation_fraction > 0:
            # validation_fraction is a share of all images; train now holds 1 - test_fraction.
            carve("train", validation_fraction / (1.0 - test_fraction), "validation")
            carved["validation"] = validation_fraction
    else:
        if "test" not in listing.split_folders and test_fraction > 0:
            carve("train", test_fraction, "test")
        if "validation" not in listing.split_folders and validation_fraction > 0:
            carve("train", validation_fraction, "validation")
    present = {"train", *listing.split_folders, *carved}
    return {name: indices[name] for name in SPLIT_ORDER if name in present}, carved


def _warn_empty_classes(listing: FolderListing, splits: dict[str, Split]) -> dict[str, list[str]]:
    empty: dict[str, list[str]] = {}
    for split_name, split in splits.items():
        counts = split.class_counts(len(listing.class_names))
        missing = [name for name, count in zip(listing.class_names, counts) if count == 0]
        if missing:
            empty[split_name] = missing
            warnings.warn(t("data.empty_classes", split=split_name, path=listing.root,
                            classes=", ".join(repr(name) for name in missing)), stacklevel=3)
    return empty


def _checksum(class_names, split_indices, split_rows, labels, digests) -> str:
    digest = hashlib.sha256("\n".join(class_names).encode())
    for name, indices in split_indices.items():
        digest.update(f"|{name}|{indices.size}|".encode())
        digest.update(np.ascontiguousarray(labels[indices]).tobytes())
        digest.update(np.ascontiguousarray(digests[split_rows[name]]).tobytes())
    return digest.hexdigest()


def _check_same_classes(root: Path, class_names: list[str], classes: dict[str, list[str]]) -> None:
    expected = set(class_names)
    problems = []
    for split_name, names in classes.items():
        missing, extra = sorted(expected - set(names)), sorted(set(names) - expected)
        if missing:
            problems.append(Message("error.data.split_missing", {"split": split_name,
                                                                 "classes": missing}))
        if extra:
            problems.append(Message("error.data.split_extra", {"split": split_name,
                                                               "classes": extra}))
    if problems:
        raise DataError(Message("error.data.splits_differ", {
            "path": root, "train": sorted(expected), "problems": joined(problems)}))


def _visible_folders(folder: Path) -> list[Path]:
    return sorted((child for child in folder.iterdir()
                   if child.is_dir() and not child.name.startswith(".")
                   and child.name not in _IGNORED_FOLDERS), key=lambda child: child.name)


def _walk_files(folder: Path, root: Path) -> list[tuple[str, str]]:
    """(path, path relative to `root` with "/") of every visible file under `folder`, sorted.

    Hidden folders are skipped. Plain strings, not `Path` objects: this runs once per file.
    """
    found = []
    for directory, folder_names, file_names in os.walk(folder):
        folder_names[:] = sorted(name for name in folder_names
                                 if not name.startswith(".") and name not in _IGNORED_FOLDERS)
        prefix = Path(directory).relative_to(root).as_posix() + "/"
        found.extend((os.path.join(directory, name), prefix + name)
                     for name in sorted(file_names) if not name.startswith("."))
    return found
