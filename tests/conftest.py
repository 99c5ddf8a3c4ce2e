"""Suite-wide settings: wide, colourless terminal output so CLI tables are not folded."""

import os

os.environ.setdefault("COLUMNS", "200")
os.environ.setdefault("NO_COLOR", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


import pytest


def pytest_configure(config):
    """Refuse `--dist loadgroup` where it would not group.

    Tests of one `xdist_group` share a worker on purpose (Ctrl-C tests away from Ray Tune's
    signal handler, module fixtures built once). pytest 9.2 with pytest-xdist 3.8 ignores the
    marks silently (pytest-dev/pytest-xdist#1386): stop instead of running a different suite.
    """
    if config.getoption("dist", None) != "loadgroup" or hasattr(config, "workerinput"):
        return
    import xdist
    from packaging.version import Version

    if Version(pytest.__version__) >= Version("9.2") and \
            Version(xdist.__version__) <= Version("3.8.0"):
        raise pytest.UsageError(
            f"--dist loadgroup does not group with pytest {pytest.__version__} and "
            f"pytest-xdist {xdist.__version__} (pytest-dev/pytest-xdist#1386): install the "
            "versions that pyproject.toml's dev extra allows (`make test` does).")


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
