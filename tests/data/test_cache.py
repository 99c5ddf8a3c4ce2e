"""Decoded-image cache: second load decodes nothing, changes invalidate, rows stream from disk."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from visionlab.data import cache, decode
from visionlab.data.folders import load_image_folder

pytestmark = pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")


def load(path, **options):
    return load_image_folder(path, image_size=(10, 10), progress=False, workers=2, **options)


def test_second_load_does_no_decoding(bad_folder, folder_counts, cache_dir):
    decode.stats.reset()
    first = load(bad_folder)
    listed = folder_counts["train"] + folder_counts["test"] + folder_counts["bad"]
    assert decode.stats.calls == listed
    assert first.info["cache_hit"] is False
    decode.stats.reset()
    second = load(bad_folder)
    assert decode.stats.calls == 0
    assert second.info["cache_hit"] is True
    assert second.info["cache"].startswith(str(cache_dir))
    assert second.checksum == first.checksum
    assert [bad.reason for bad in second.skipped] == [bad.reason for bad in first.skipped]
    for name, split in second.splits.items():
        assert isinstance(split.images, np.memmap)
        assert not split.images.flags.writeable
        assert np.array_equal(split.images, first.split(name).images)


def test_changed_file_invalidates_and_replaces_the_entry(tmp_path, class_folder, cache_dir):
    root = class_folder(tmp_path / "flat", {"a": 6, "b": 6})
    first = load(root)
    changed = root / "a" / "000.png"
    Image.new("RGB", (12, 16), (1, 2, 3)).save(changed)
    os.utime(changed, ns=(1, 1_000_000_000))  # a different mtime even on coarse clocks
    decode.stats.reset()
    second = load(root)
    assert decode.stats.calls == 12
    assert second.info["cache"] != first.info["cache"]
    assert second.checksum != first.checksum
    assert sorted(path.name for path in cache_dir.iterdir()) == [second.info["cache"][-64:]]
    decode.stats.reset()
    load(root)
    assert decode.stats.calls == 0


def test_options_select_different_entries(tmp_path, class_folder, cache_dir):
    root = class_folder(tmp_path / "flat", {"a": 4, "b": 4})
    rgb = load(root)
    decode.stats.reset()
    gray = load(root, color_mode="grayscale")
    assert decode.stats.calls == 8 and gray.image_shape == (10, 10, 1)
    assert rgb.info["cache"] != gray.info["cache"]
    assert len(list(cache_dir.iterdir())) == 2  # both kept: other options are not stale


def test_explicit_cache_dir_and_no_temporary_files(tmp_path, class_folder):
    root = class_folder(tmp_path / "flat", {"a": 4, "b": 4})
    dataset = load(root, cache_dir=tmp_path / "mine")
    entry = tmp_path / "mine" / dataset.info["cache"][-64:]
    names = sorted(path.name for path in entry.iterdir())
    assert {"images.npy", "digests.npy", "meta.json"} <= set(names)
    assert not [name for name in names if name.startswith(".") or name.endswith(".tmp")]
    assert np.load(entry / "images.npy", mmap_mode="r").shape == (8, 10, 10, 3)


def test_default_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("VISIONLAB_CACHE", str(tmp_path / "vc"))
    assert cache.default_cache_dir() == tmp_path / "vc" / "decoded"
    monkeypatch.delenv("VISIONLAB_CACHE")
    assert cache.default_cache_dir().parts[-3:] == (".cache", "visionlab", "decoded")


def test_cache_key_depends_on_files_and_options():
    files = [("train/a/1.png", 10, 5), ("train/b/2.png", 11, 6)]
    key = cache.cache_key(files, (8, 8), "rgb", "squash")
    assert key == cache.cache_key(list(files), (8, 8), "rgb", "squash")
    assert key != cache.cache_key([files[0], ("train/b/2.png", 11, 7)], (8, 8), "rgb", "squash")
    assert key != cache.cache_key(files, (8, 9), "rgb", "squash")
    assert key != cache.cache_key(files, (8, 8), "rgb", "crop")


def test_take_rows_views_ranges_and_gathers_to_disk(tmp_path):
    source_path = tmp_path / "source.npy"
    np.save(source_path, np.arange(20 * 2, dtype=np.uint8).reshape(20, 2))
    source = np.load(source_path, mmap_mode="r")
    view = cache.take_rows(source, np.arange(5, 9))
    assert np.shares_memory(view, source) and view.shape == (4, 2)
    picked = np.array([1, 3, 17])
    gathered = cache.take_rows(source, picked, folder=tmp_path)
    assert isinstance(gathered, np.memmap)
    assert np.array_equal(gathered, np.asarray(source)[picked])
    rows_files = list(tmp_path.glob("rows-*.npy"))
    assert len(rows_files) == 1
    again = cache.take_rows(source, picked, folder=tmp_path)
    assert again.filename == gathered.filename
    assert cache.take_rows(source, np.array([], dtype=int)).shape == (0, 2)


def test_splits_are_zero_copy_slices_unless_the_seed_changes(tmp_path, class_folder, cache_dir):
    root = class_folder(tmp_path / "flat", {"a": 10, "b": 10})
    first = load(root, validation_fraction=0.2, seed=1)
    for split in first.splits.values():
        assert Path(split.images.filename).name == "images.npy"  # a slice of the decoded rows
    decode.stats.reset()
    other_seed = load(root, validation_fraction=0.2, seed=2)
    assert decode.stats.calls == 0  # same files and options: same entry, rows gathered
    assert other_seed.info["cache"] == first.info["cache"]
    assert Path(other_seed.split("test").images.filename).name.startswith("rows-")
    for name, split in other_seed.splits.items():
        expected = [np.asarray(Image.open(path).convert("RGB").resize((10, 10), Image.BOX))
                    for path in split.paths[:3]]
        assert np.array_equal(split.images[:3], np.stack(expected)), name


def test_split_holding_bad_files_is_gathered_without_them(bad_folder, cache_dir):
    dataset = load(bad_folder)
    train, test = dataset.split("train"), dataset.split("test")
    assert Path(train.images.filename).name.startswith("rows-")  # bad rows left out
    assert Path(test.images.filename).name == "images.npy"
    assert (train.images.reshape(len(train), -1).max(axis=1) > 0).all()  # no zero rows


def test_list_entries_and_clear_one_source_or_all(tmp_path, class_folder, cache_dir):
    first = class_folder(tmp_path / "first", {"a": 5, "b": 5})
    second = class_folder(tmp_path / "second", {"a": 6, "b": 6})
    load(first)
    load(second)
    load(second, color_mode="grayscale")
    entries = cache.list_entries()
    assert sorted((entry.source, entry.images) for entry in entries) == [
        (str(first.resolve()), 10), (str(second.resolve()), 12), (str(second.resolve()), 12)]
    assert all(entry.complete and entry.size_bytes > 0 for entry in entries)
    assert entries == sorted(entries, key=lambda entry: entry.size_bytes, reverse=True)
    assert cache.clear(source=tmp_path / "elsewhere") == (0, 0)
    deleted, freed = cache.clear(source=second)
    assert deleted == 2
    kept = str(first.resolve())
    assert freed == sum(entry.size_bytes for entry in entries if entry.source != kept)
    assert [entry.source for entry in cache.list_entries()] == [str(first.resolve())]
    decode.stats.reset()
    load(second)  # decoded again after clearing
    assert decode.stats.calls == 12
    assert cache.clear()[0] == 2
    assert cache.list_entries() == []
    assert list(cache_dir.iterdir()) == []
