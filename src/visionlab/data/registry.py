"""The one registry of built-in datasets: `@register_dataset`, `list_datasets`, `get_dataset_entry`.

A built-in dataset is a `BuiltinDataset` subclass registered by name. It knows its class names
and image shape, can find its files without decoding them (`locate`), load them into an
`ImageDataset` (`load`) and put them into the visionlab cache (`fetch`).

Example:
    @register_dataset("mnist")
    class Mnist(IdxDataset):
        ...

    list_datasets()            # ['cifar10', 'digits', 'dogs_vs_cats', 'fashion_mnist', 'mnist']
    get_dataset_entry("mnist").load()    # ImageDataset with train and test splits

The built-in datasets register themselves when `visionlab.data.builtin` is imported, which
`visionlab/data/__init__.py` does: importing any module of `visionlab.data` fills the registry,
and a built-in module that fails to import raises right there, naming the module. This module
never imports `builtin` (which imports it).
"""

from __future__ import annotations

import abc
import difflib
import fnmatch
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, TypeVar

from visionlab.data.dataset import ImageDataset
from visionlab.errors import DataError
from visionlab.i18n import Message

if TYPE_CHECKING:  # locate imports this module; Location is only needed in annotations
    from visionlab.data.locate import Location

_REGISTRY: dict[str, BuiltinDataset] = {}

DatasetClass = TypeVar("DatasetClass", bound=type)


class BuiltinDataset(abc.ABC):
    """A dataset that visionlab knows by name.

    Attributes:
        name: registry name, set by `register_dataset`.
        description: one line shown by `visionlab datasets`.
        class_names: display name of each label index.
        image_shape: (height, width, channels) of every image.
        split_sizes: number of images per split, e.g. `{"train": 60000, "test": 10000}`.
    """

    name: str = ""
    description: str = ""
    class_names: tuple[str, ...] = ()
    image_shape: tuple[int, int, int] = (0, 0, 0)
    split_sizes: ClassVar[dict[str, int]] = {}

    @abc.abstractmethod
    def locate(self, data_path: str | Path | None = None) -> Location | None:
        """Return where the dataset's files are, or `None`; never decodes or downloads."""

    @abc.abstractmethod
    def load(self, data_path: str | Path | None = None, *, download: bool = True,
             progress: bool = True) -> ImageDataset:
        """Find (or download), verify and decode the dataset into train and test splits."""

    @abc.abstractmethod
    def fetch(self, destination: str | Path | None = None, *, progress: bool = True,
              source: str | Path | None = None) -> Location:
        """Make the dataset's files present in `destination` (the visionlab cache by default).

        `source` (`--from`) names the one local copy to install from; nothing is downloaded.
        """

    def shape_text(self) -> str:
        """Return the image shape as tables show it: `"28x28x1"`."""
        return "x".join(str(dimension) for dimension in self.image_shape)


def register_dataset(name: str) -> Callable[[DatasetClass], DatasetClass]:
    """Register a `BuiltinDataset` subclass under `name` (a class decorator).

    Args:
        name: the registry name users type, lowercase with underscores (`"fashion_mnist"`).

    Example:
        @register_dataset("digits")
        class Digits(BuiltinDataset):
            ...
    """
    normalized = _normalize(name)

    def decorator(cls: DatasetClass) -> DatasetClass:
        if normalized in _REGISTRY:
            raise ValueError(f"A dataset named '{normalized}' is already registered.")
        instance = cls()
        instance.name = normalized
        _REGISTRY[normalized] = instance
        return cls

    return decorator


def list_datasets(pattern: str | None = None) -> list[str]:
    """Return the registered dataset names, sorted, optionally filtered by a glob `pattern`.

    Args:
        pattern: shell-style pattern such as `"*mnist"`. Defaults to None (every name).
    """
    names = sorted(_REGISTRY)
    if pattern is not None:
        names = [name for name in names if fnmatch.fnmatch(name, pattern)]
    return names


def is_registered(name: str) -> bool:
    """Return True if `name` (any case, `-` or `_`) names a registered dataset."""
    return _normalize(name) in _REGISTRY


def get_dataset_entry(name: str) -> BuiltinDataset:
    """Return the registered dataset `name`; a typo raises DataError naming the nearest match.

    Names are matched case-insensitively and `fashion-mnist` equals `fashion_mnist`.
    """
    normalized = _normalize(name)
    if normalized in _REGISTRY:
        return _REGISTRY[normalized]
    known = sorted(_REGISTRY)
    close = difflib.get_close_matches(normalized, known, n=1, cutoff=0.6)
    hint = Message("error.did_you_mean", {"name": close[0]}) if close else ""
    raise DataError(Message("error.data.unknown_dataset",
                            {"name": name, "hint": hint, "datasets": ", ".join(known)}))


def _normalize(name: str) -> str:
    return str(name).strip().lower().replace("-", "_")

