"""`load_dataset`: one entry point for built-in datasets (by name) and dataset files (by path).

The spec is dispatched through the format registry (`visionlab.data.formats`): a built-in name,
an `.npz` file, IDX files, a CIFAR-10 python folder or archive, or an image folder.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

from visionlab.data.dataset import ImageDataset
from visionlab.data.formats import LoadOptions, find_format, resized_after_loading
from visionlab.data.registry import list_datasets
from visionlab.data.transforms import conform
from visionlab.errors import DataError
from visionlab.i18n import Message


def load_dataset(
    spec: str | os.PathLike[str],
    *,
    data_path: str | os.PathLike[str] | None = None,
    image_size: tuple[int, int] | None = None,
    color_mode: str | None = None,
    resize_mode: str = "squash",
    validation_fraction: float = 0.0,
    test_fraction: float = 0.2,
    seed: int = 0,
    strict: bool = False,
    cache_dir: str | os.PathLike[str] | bool | None = None,
    download: bool = True,
    workers: int | None = None,
    progress: bool = True,
    require_test: bool = True,
) -> ImageDataset:
    """Load a built-in dataset by name, or a dataset file or image folder by path, as uint8.

    Built-in datasets and dataset files keep their own train/test split (a validation split is
    carved later by the training layer); `validation_fraction`, `test_fraction`, `strict`,
    `cache_dir` and `workers` only apply to image folders and to the built-in photo dataset
    `dogs_vs_cats`, which is split like a folder. The spec's format is found with
    `formats.find_format`; arrays are resized after loading, folders and photos decoded at
    `image_size`.

    Args:
        spec: a registered name (`"mnist"`, `"fashion_mnist"`, `"cifar10"`, `"digits"`,
            `"dogs_vs_cats"`), or
            the path of an `.npz` file in Keras's `mnist.npz` layout, of a folder of MNIST-style
            IDX files (or one of them), of a CIFAR-10 python folder or `.tar.gz`, or of an
            image folder.
        data_path: folder (or file) holding a built-in dataset's files. Defaults to None
            (search the visionlab cache, Keras's cache and system locations).
        image_size: resize every image to (height, width). Defaults to None (arrays keep
            their size; folders use `load_image_folder`'s default).
        color_mode: "rgb" or "grayscale". Defaults to None (keep / folder default).
        resize_mode: "squash", "crop" or "pad". Defaults to "squash".
        validation_fraction: folder images held out for validation. Defaults to 0.0.
        test_fraction: folder images held out for test when there is no test folder.
            Defaults to 0.2.
        seed: seed of the folder splits. Defaults to 0.
        strict: fail on undecodable folder images instead of skipping them. Defaults to False.
        cache_dir: where decoded folder arrays are cached; False disables the cache.
            Defaults to None (the default cache folder).
        download: download a missing built-in dataset. Defaults to True.
        workers: decoding threads for folders. Defaults to None (automatic).
        progress: show progress bars. Defaults to True.
        require_test: refuse an image folder that would leave no test split. False (used to
            evaluate on a plain folder of class folders) keeps every image. Defaults to True.

    Example:
        fashion = load_dataset("fashion_mnist")
        fashion.splits["train"].images.shape   # (60000, 28, 28, 1)
        pets = load_dataset("data/pets", image_size=(160, 160))
    """
    dataset_format = find_format(spec)
    if dataset_format is None:
        raise _not_a_dataset(spec)
    options = LoadOptions(
        data_path=data_path, image_size=image_size, color_mode=color_mode,
        resize_mode=resize_mode, validation_fraction=validation_fraction,
        test_fraction=test_fraction, seed=seed, strict=strict, cache_dir=cache_dir,
        download=download, workers=workers, progress=progress, require_test=require_test,
    )
    dataset = dataset_format.load(spec, options)
    if resized_after_loading(spec) and (image_size is not None or color_mode is not None):
        dataset = conform(dataset, image_size=image_size, color_mode=color_mode,
                          resize_mode=resize_mode)
    return dataset


def _not_a_dataset(spec: str | os.PathLike[str]) -> DataError:
    """The error for a spec no format accepts: an unknown name or a file of no known kind."""
    path = Path(spec).expanduser()
    if path.exists():
        return DataError(Message("error.data.file_not_dataset", {"spec": spec}))
    close = difflib.get_close_matches(str(spec).lower().replace("-", "_"), list_datasets(),
                                      n=1, cutoff=0.6)
    hint = Message("error.did_you_mean", {"name": close[0]}) if close else ""
    return DataError(Message("error.data.not_a_dataset", {
        "spec": spec, "hint": hint, "datasets": ", ".join(list_datasets())}))
