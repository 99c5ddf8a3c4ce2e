"""The dataset formats `load_dataset` understands, each registered with `@register_format`.

A format says whether it accepts a spec (`accepts`) and turns it into an `ImageDataset`
(`load`). `find_format` asks the formats in registration order and returns the first that
accepts the spec:

    photos      a built-in photo dataset name ("dogs_vs_cats"): decoded and split as a folder
    registered  any other built-in dataset name ("mnist", "Fashion-MNIST" …)
    npz         an .npz file with Keras's x_train, y_train, x_test, y_test arrays (mnist.npz)
    idx         a folder of the four MNIST-style IDX files (.gz or raw), or one of those files
    cifar       a CIFAR-10 python folder (data_batch_1..5, test_batch) or a .tar.gz of one
    folder      any other folder: class folders, or train/ and test/ folders of class folders

An image folder (or a built-in photo dataset) is decoded straight at the target size
(`decodes_at_size = True`); every other
format gives arrays at their stored size, resized afterwards. `resized_after_loading` is that
one rule, used by `load_dataset` and `prepare_dataset`. Files loaded by path keep their own
train/test split; IDX and npz classes are named "0".."9" (and on, for labels above 9), CIFAR
classes by its `batches.meta` (CIFAR-10's names when the file is absent).

Example:
    @register_format("my_format")
    class MyFormat(DatasetFormat):
        description = "a .my file"

        def accepts(self, spec):
            return Path(spec).suffix == ".my"

        def load(self, spec, options):
            ...
"""

from __future__ import annotations

import abc
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np

from visionlab.data import cifar
from visionlab.data.builtin import CIFAR10_NAMES, DIGIT_NAMES, IDX_NAMES, array_dataset
from visionlab.data.dataset import ImageDataset
from visionlab.data.folders import load_image_folder
from visionlab.data.idx import read_idx
from visionlab.data.npz import read_npz
from visionlab.data.photo_folder import PhotoFolderDataset
from visionlab.data.registry import get_dataset_entry, is_registered
from visionlab.errors import DataError
from visionlab.i18n import MESSAGES, Message, term

Spec = str | os.PathLike[str]
FormatClass = TypeVar("FormatClass", bound=type)

_FORMATS: dict[str, DatasetFormat] = {}
_CIFAR_BATCHES = (*cifar.TRAIN_BATCHES, cifar.TEST_BATCH)
_ARCHIVE_SUFFIXES = (".tar.gz", ".tgz")


@dataclass(frozen=True)
class LoadOptions:
    """The keyword arguments of `load_dataset`, as handed to `DatasetFormat.load`.

    Each field means what the `load_dataset` argument of the same name means; formats use the
    ones that apply to them and ignore the rest.
    """

    data_path: str | os.PathLike[str] | None = None
    image_size: tuple[int, int] | None = None
    color_mode: str | None = None
    resize_mode: str = "squash"
    validation_fraction: float = 0.0
    test_fraction: float = 0.2
    seed: int = 0
    strict: bool = False
    cache_dir: str | os.PathLike[str] | bool | None = None
    download: bool = True
    workers: int | None = None
    progress: bool = True
    require_test: bool = True


class DatasetFormat(abc.ABC):
    """One kind of dataset spec that `load_dataset` can load.

    Attributes:
        name: registry name, set by `register_format`.
        description: what a spec of this format is, for messages (`"an image folder"`).
        decodes_at_size: True when `load` decodes straight at `options.image_size` and
            `options.color_mode`; False when it gives arrays that are resized afterwards.
    """

    name: str = ""
    description: str = ""
    decodes_at_size: bool = False

    @abc.abstractmethod
    def accepts(self, spec: Spec) -> bool:
        """Return True if this format loads `spec`; never decodes, only looks at names."""

    @abc.abstractmethod
    def load(self, spec: Spec, options: LoadOptions) -> ImageDataset:
        """Load `spec` into an `ImageDataset`; a bad file raises DataError naming it."""


def register_format(name: str) -> Callable[[FormatClass], FormatClass]:
    """Register a `DatasetFormat` subclass under `name` (a class decorator).

    Formats are asked in registration order, so a specific format must be registered before
    a catch-all one (the image folder format accepts every folder).

    Args:
        name: the format's name, shown by `list_formats`.
    """

    def decorator(cls: FormatClass) -> FormatClass:
        if name in _FORMATS:
            raise ValueError(f"A dataset format named '{name}' is already registered.")
        instance = cls()
        instance.name = name
        _FORMATS[name] = instance
        return cls

    return decorator


def list_formats() -> list[str]:
    """Return the registered format names in the order `find_format` asks them."""
    return list(_FORMATS)


def find_format(spec: Spec) -> DatasetFormat | None:
    """Return the first registered format that accepts `spec`, or None."""
    return next((fmt for fmt in _FORMATS.values() if fmt.accepts(spec)), None)


def resized_after_loading(spec: Spec) -> bool:
    """Return True if `spec` loads as arrays resized afterwards, not decoded at the target size.

    True for built-in datasets and array files (npz, IDX, CIFAR), False for image folders and
    for specs no format accepts.
    """
    dataset_format = find_format(spec)
    return dataset_format is not None and not dataset_format.decodes_at_size


class PathFormat(DatasetFormat):
    """A format whose spec is a path; `--data-path` does not apply to it."""

    def check_no_data_path(self, spec: Spec, options: LoadOptions) -> Path:
        """Return `spec` as an expanded Path; raise DataError when `data_path` is given too."""
        if options.data_path is not None:
            key = f"data.format.{self.name}"  # a format registered elsewhere may lack one
            description = term(key) if key in MESSAGES["en"] else self.description
            raise DataError(Message("error.data.data_path_not_builtin", {
                "data_path": options.data_path, "spec": spec, "description": description}))
        return Path(spec).expanduser()


@register_format("photos")
class RegisteredPhotos(DatasetFormat):
    """A built-in photo dataset name: found and verified by its registry entry, then decoded at
    size and split (seeded, stratified) as an image folder of class folders."""

    description = "a built-in photo dataset name"
    decodes_at_size = True

    def accepts(self, spec: Spec) -> bool:
        return (not isinstance(spec, os.PathLike) and is_registered(str(spec))
                and isinstance(get_dataset_entry(str(spec)), PhotoFolderDataset))

    def load(self, spec: Spec, options: LoadOptions) -> ImageDataset:
        entry = get_dataset_entry(str(spec))
        assert isinstance(entry, PhotoFolderDataset), "accepts() only takes photo datasets"
        return entry.load(
            options.data_path, download=options.download, progress=options.progress,
            image_size=options.image_size, color_mode=options.color_mode,
            resize_mode=options.resize_mode, validation_fraction=options.validation_fraction,
            test_fraction=options.test_fraction, seed=options.seed, strict=options.strict,
            cache_dir=options.cache_dir, workers=options.workers,
            require_test=options.require_test,
        )


@register_format("registered")
class RegisteredDataset(DatasetFormat):
    """A built-in dataset name: loaded (found, fetched, verified) by its registry entry."""

    description = "a built-in dataset name"

    def accepts(self, spec: Spec) -> bool:
        return not isinstance(spec, os.PathLike) and is_registered(str(spec))

    def load(self, spec: Spec, options: LoadOptions) -> ImageDataset:
        return get_dataset_entry(str(spec)).load(options.data_path, download=options.download,
                                                 progress=options.progress)


@register_format("npz")
class NpzFile(PathFormat):
    """An `.npz` file holding `x_train, y_train, x_test, y_test` (Keras's `mnist.npz` layout)."""

    description = "an .npz file"

    def accepts(self, spec: Spec) -> bool:
        path = Path(spec).expanduser()
        return path.suffix.lower() == ".npz" and path.is_file()

    def load(self, spec: Spec, options: LoadOptions) -> ImageDataset:
        path = self.check_no_data_path(spec, options)
        arrays = read_npz(_read_bytes(path), path)
        return arrays_dataset(path, "npz", arrays)


@register_format("idx")
class IdxFiles(PathFormat):
    """The four MNIST-style IDX files (`train-images-idx3-ubyte[.gz]` …), by folder or file."""

    description = "a folder of IDX files"

    def accepts(self, spec: Spec) -> bool:
        path = Path(spec).expanduser()
        if path.is_file():
            return any(path.name in _idx_candidates(name) for name in IDX_NAMES)
        return path.is_dir() and any(_find_idx_file(path, name) for name in IDX_NAMES)

    def load(self, spec: Spec, options: LoadOptions) -> ImageDataset:
        path = self.check_no_data_path(spec, options)
        folder = path if path.is_dir() else path.parent
        found = {name: _find_idx_file(folder, name) for name in IDX_NAMES}
        missing = [name.removesuffix(".gz") for name, file in found.items() if file is None]
        if missing:
            raise DataError(Message("error.data.idx_folder_incomplete", {
                "folder": folder, "missing": ", ".join(missing), "files": ", ".join(IDX_NAMES)}))
        arrays = tuple(read_idx(file) for file in found.values() if file is not None)
        return arrays_dataset(folder, "idx", arrays)


@register_format("cifar")
class CifarPickles(PathFormat):
    """CIFAR-10's python version: a `cifar-10-batches-py` folder or a `.tar.gz` holding one."""

    description = "a CIFAR-10 python folder or archive"

    def accepts(self, spec: Spec) -> bool:
        path = Path(spec).expanduser()
        if path.is_file():
            return path.name.lower().endswith(_ARCHIVE_SUFFIXES)
        return path.is_dir() and _cifar_folder(path) is not None

    def load(self, spec: Spec, options: LoadOptions) -> ImageDataset:
        path = self.check_no_data_path(spec, options)
        if path.is_dir():
            source, layout = _cifar_folder(path) or path, "cifar-folder"
            meta = (cifar.META_FILE,) if (source / cifar.META_FILE).is_file() else ()
            members = cifar.read_folder_members(source, _CIFAR_BATCHES + meta)
        else:
            source, layout = path, "cifar-archive"
            try:
                with open(path, "rb") as archive:
                    members = cifar.read_archive_members(archive, _CIFAR_BATCHES, path,
                                                         optional=(cifar.META_FILE,))
            except OSError as error:
                raise DataError(Message("error.data.cannot_read",
                                        {"path": path, "error": error.strerror or error})) from None
        class_names = (cifar.decode_meta(members[cifar.META_FILE], source)
                       if cifar.META_FILE in members else list(CIFAR10_NAMES))
        arrays = cifar.decode_cifar10(members, source)
        return arrays_dataset(source, layout, arrays, class_names)


@register_format("folder")
class ImageFolder(PathFormat):
    """A folder of class folders (or of train/ and test/ folders of them), decoded at size."""

    description = "an image folder"
    decodes_at_size = True

    def accepts(self, spec: Spec) -> bool:
        return Path(spec).expanduser().is_dir()

    def load(self, spec: Spec, options: LoadOptions) -> ImageDataset:
        path = self.check_no_data_path(spec, options)
        # None means "load_image_folder's default", so those are left out.
        optional = {"image_size": options.image_size, "color_mode": options.color_mode,
                    "cache_dir": options.cache_dir, "workers": options.workers}
        return load_image_folder(
            path, resize_mode=options.resize_mode,
            validation_fraction=options.validation_fraction,
            test_fraction=options.test_fraction, seed=options.seed, strict=options.strict,
            progress=options.progress, require_test=options.require_test,
            **{name: value for name, value in optional.items() if value is not None},
        )


def arrays_dataset(source: Path, layout: str, arrays: tuple[np.ndarray, ...],
                   class_names: list[str] | None = None) -> ImageDataset:
    """Check and wrap (train images, train labels, test images, test labels) read from a file.

    Images may be (N, height, width) or (N, height, width, 1 or 3) uint8; labels (N,) or (N, 1)
    integers.

    Args:
        source: the file or folder the arrays were read from; it names the dataset.
        layout: the format, stored as `info["format"]`.
        arrays: the four arrays, in that order.
        class_names: name of each label. Defaults to None ("0".."9", and on up to the
            largest label).
    """
    train_images, train_labels, test_images, test_labels = arrays
    train = _split_arrays("train", train_images, train_labels, source)
    test = _split_arrays("test", test_images, test_labels, source)
    if train[0].shape[1:] != test[0].shape[1:]:
        raise DataError(Message("error.data.arrays.shapes_differ", {
            "source": source, "train": train[0].shape[1:], "test": test[0].shape[1:]}))
    if class_names is None:
        largest = max((int(labels.max()) for _, labels in (train, test) if labels.size),
                      default=0)
        class_names = [*DIGIT_NAMES, *(str(label) for label in range(10, largest + 1))]
    for split_name, (_, labels) in (("train", train), ("test", test)):
        if labels.size and (labels.min() < 0 or labels.max() >= len(class_names)):
            raise DataError(Message("error.data.arrays.label_range", {
                "split": split_name, "source": source, "low": labels.min(),
                "high": labels.max(), "last": len(class_names) - 1,
                "names": ", ".join(class_names)}))
    return array_dataset(str(source), class_names, train, test, str(source), {"format": layout})


def _split_arrays(split_name: str, images: np.ndarray, labels: np.ndarray,
                  source: Path) -> tuple[np.ndarray, np.ndarray]:
    images, labels = np.asarray(images), np.asarray(labels)
    if images.ndim == 3:
        images = images[..., np.newaxis]  # (N, height, width) -> (N, height, width, 1)
    if images.ndim != 4 or images.shape[-1] not in (1, 3) or images.dtype != np.uint8:
        raise DataError(Message("error.data.arrays.image_shape", {
            "split": split_name, "source": source, "shape": images.shape,
            "dtype": images.dtype}))
    if len(images) == 0:
        raise DataError(Message("error.data.arrays.no_images",
                                {"source": source, "split": split_name}))
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]  # Keras's CIFAR arrays store labels as (N, 1)
    if labels.shape != (len(images),):
        raise DataError(Message("error.data.arrays.label_count", {
            "source": source, "count": len(images), "split": split_name,
            "shape": labels.shape}))
    if not np.issubdtype(labels.dtype, np.integer):
        raise DataError(Message("error.data.arrays.label_dtype", {
            "split": split_name, "source": source, "dtype": labels.dtype}))
    return images, labels


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise DataError(Message("error.data.cannot_read",
                                {"path": path, "error": error.strerror or error})) from None


def _idx_candidates(official_name: str) -> tuple[str, ...]:
    """The names one IDX file goes by: gzipped or raw, `-idx3` or Kaggle's `.idx3` spelling."""
    dotted = official_name.replace("-idx", ".idx")
    return (official_name, official_name.removesuffix(".gz"), dotted, dotted.removesuffix(".gz"))


def _find_idx_file(folder: Path, official_name: str) -> Path | None:
    return next((folder / name for name in _idx_candidates(official_name)
                 if (folder / name).is_file()), None)


def _cifar_folder(path: Path) -> Path | None:
    """Return `path` or its `cifar-10-batches-py` subfolder when it holds a CIFAR batch."""
    for folder in (path, path / cifar.FOLDER_NAME):
        if any((folder / name).is_file() for name in _CIFAR_BATCHES):
            return folder
    return None
