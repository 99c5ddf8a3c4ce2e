"""`load_dataset`: one entry point for built-in datasets (by name) and image folders (by path)."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

from visionlab.data.dataset import ImageDataset
from visionlab.data.registry import get_dataset_entry, is_registered, list_datasets
from visionlab.errors import DataError


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
) -> ImageDataset:
    """Load a built-in dataset by name or an image folder by path into uint8 splits.

    Built-in datasets keep their own train/test split (a validation split is carved later by
    the training layer); `validation_fraction`, `test_fraction`, `strict`, `cache_dir` and
    `workers` only apply to folders.

    Args:
        spec: a registered name (`"mnist"`, `"fashion_mnist"`, `"cifar10"`, `"digits"`) or
            the path of an image folder.
        data_path: folder (or file) holding a built-in dataset's files. Defaults to None
            (search the visionlab cache, Keras's cache and system locations).
        image_size: resize every image to (height, width). Defaults to None (built-ins keep
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

    Example:
        fashion = load_dataset("fashion_mnist")
        fashion.splits["train"].images.shape   # (60000, 28, 28, 1)
        pets = load_dataset("data/pets", image_size=(160, 160))
    """
    if not isinstance(spec, os.PathLike) and is_registered(str(spec)):
        dataset = get_dataset_entry(str(spec)).load(data_path, download=download,
                                                    progress=progress)
        if image_size is None and color_mode is None:
            return dataset
        from visionlab.data.transforms import conform

        return conform(dataset, image_size=image_size, color_mode=color_mode,
                       resize_mode=resize_mode)

    path = Path(spec).expanduser()
    if path.is_dir():
        if data_path is not None:
            raise DataError(
                f"--data-path ({data_path}) only applies to built-in datasets; '{spec}' is an "
                "image folder already. Drop --data-path."
            )
        from visionlab.data.folders import load_image_folder

        options = {"image_size": image_size, "color_mode": color_mode, "cache_dir": cache_dir,
                   "workers": workers}
        return load_image_folder(
            path, resize_mode=resize_mode, validation_fraction=validation_fraction,
            test_fraction=test_fraction, seed=seed, strict=strict, progress=progress,
            **{name: value for name, value in options.items() if value is not None},
        )
    if path.exists():
        raise DataError(
            f"'{spec}' is a file, not a dataset: pass a built-in dataset name or a folder of "
            "class subfolders (e.g. train/<class>/*.png)."
        )
    close = difflib.get_close_matches(str(spec).lower().replace("-", "_"), list_datasets(),
                                      n=1, cutoff=0.6)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    raise DataError(
        f"'{spec}' is neither a built-in dataset nor an existing folder.{hint} Built-in datasets: "
        f"{', '.join(list_datasets())} (see `visionlab datasets`). A folder path also works: "
        "a folder of class subfolders, or train/ and test/ folders of class subfolders."
    )
