"""Suite-wide settings: wide, colourless terminal output so CLI tables are not folded."""

import os

os.environ.setdefault("COLUMNS", "200")
os.environ.setdefault("NO_COLOR", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


import pytest


@pytest.fixture(autouse=True, scope="session")
def _feature_store_of_the_session(tmp_path_factory):
    """Features computed by training tests go to a folder of this session, not the user's
    cache, so every session computes them (tests of the store pass their own folder)."""
    from visionlab.training import feature_store

    folder = tmp_path_factory.mktemp("feature-store")
    original = feature_store.default_store_dir
    feature_store.default_store_dir = lambda: folder
    yield folder
    feature_store.default_store_dir = original
