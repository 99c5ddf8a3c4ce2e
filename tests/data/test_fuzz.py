"""A fixed-seed corpus of mutated real images through the folder loader and `predict`: every
file decodes or is skipped with a reason; nothing crashes, hangs or blows up memory.
The large run is `benchmarks/fuzz_decode.py` (figures in BENCHMARKS.md)."""

from __future__ import annotations

import resource
import time
from pathlib import Path

import pytest

from fuzzing import SHARED, time_limit, write_corpus
from needs import needs
from visionlab import api
from visionlab.data.decode import BadImageError, decode_image
from visionlab.data.folders import load_image_folder

pytestmark = pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
CORPUS_SIZE = 300
SECONDS_PER_IMAGE = 2.0
HANG_SECONDS = 10.0  # a file still decoding after this long is a hang: the test fails on it


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    needs(SHARED.is_dir(), f"the dog/cat photos in {SHARED}")
    folder = tmp_path_factory.mktemp("fuzz")
    return folder, write_corpus(folder, CORPUS_SIZE, seed=20261202)


def test_every_mutant_decodes_or_has_a_reason_quickly(corpus):
    folder, made = corpus
    assert len(made) == CORPUS_SIZE and len(set(made.values())) == 5  # every mutation kind
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    slowest, outcomes = 0.0, {"decoded": 0, "skipped": 0}
    for path in sorted(folder.glob("*/*")):
        started = time.perf_counter()
        try:
            with time_limit(HANG_SECONDS, f"decoding {path}"):
                pixels = decode_image(path, (32, 32))
            assert pixels.shape == (32, 32, 3) and pixels.dtype.name == "uint8"
            outcomes["decoded"] += 1
        except BadImageError as error:
            assert error.reason and path.name in str(error)
            outcomes["skipped"] += 1
        slowest = max(slowest, time.perf_counter() - started)
    assert slowest < SECONDS_PER_IMAGE, f"slowest file took {slowest:.2f} s"
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) / 1024
    assert grown_mib < 1024, f"peak RSS grew by {grown_mib:.0f} MiB"
    assert outcomes["decoded"] > 0 and outcomes["skipped"] > 0


def test_the_folder_loader_accounts_for_every_mutant(corpus, tmp_path):
    folder, made = corpus
    dataset = load_image_folder(folder, image_size=(16, 16), test_fraction=0.2,
                                cache_dir=tmp_path / "cache", progress=False, workers=2)
    kept = sum(len(split) for split in dataset.splits.values())
    assert kept + len(dataset.skipped) == len(made)
    assert all(bad.reason and bad.path for bad in dataset.skipped)


def test_predict_answers_every_mutant(corpus, tmp_path):
    folder, made = corpus
    run = api.train({"data": {"dataset": "digits"}, "model": {"name": "mlp", "units": [8]},
                     "train": {"epochs": 1, "seed": 0}}, runs_dir=tmp_path, verbose=0,
                    report=False)
    with time_limit(HANG_SECONDS * len(made) / 10, f"predict on {len(made)} files"):
        results = run.predict([folder], top_k=1)
    assert len(results) == len(made)
    for result in results:
        assert ("error" in result) != ("top" in result), result
