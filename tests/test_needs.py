"""tests/needs.py: a missing input skips on a developer's machine and fails under CI=true."""

from __future__ import annotations

import pytest

import needs as needs_module_file
from needs import needs, needs_module


def test_a_missing_input_skips_locally(monkeypatch):
    monkeypatch.setattr(needs_module_file, "IN_CI", False)
    with pytest.raises(pytest.skip.Exception, match="the photos is missing; copy them"):
        needs(False, "the photos", "copy them")
    needs(True, "the photos")  # present: nothing happens


def test_a_missing_input_fails_under_ci(monkeypatch):
    monkeypatch.setattr(needs_module_file, "IN_CI", True)
    with pytest.raises(pytest.fail.Exception, match="CI=true: the photos is missing"):
        needs(False, "the photos", "copy them")
    with pytest.raises(pytest.fail.Exception, match=r"visionlab\[export\]"):
        needs_module("visionlab_no_such_package", extra="export")
    assert needs_module("json").dumps([1]) == "[1]"
