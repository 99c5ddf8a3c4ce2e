"""Train the trainable top of a transfer model on cached outputs of its frozen bottom.

While a phase keeps the lower part of a model frozen and nothing before it is random (no
augmentation, no dropout), that part's output for each image is the same in every epoch. The
phase can then run the frozen part once over the training and validation images ("computing
features") and train only the rest on those stored outputs: the head alone during a warm-up,
the unfrozen top blocks of the base plus the head during a fine-tune. The trained layers are the
model's own (shared, not copies), so afterwards the full model holds the new weights.

Random flips are the one augmentation that still allows it: a flip has 2 outcomes (4 for
"horizontal_and_vertical"), so the features of every orientation of each training image are
stored, and each epoch picks one orientation per image at random (`VariantBatches`), as
`RandomFlip` would. Any other augmentation (rotation, zoom, shift, brightness, contrast) makes
infinitely many inputs: such a model trains on images.

The cut is the latest tensor of the chain `pixels -> scaling -> base preprocessing -> base ->
pool -> head` before the first trainable or random layer; inside a partly frozen base it is the
latest tensor that every path to the output passes through (a block boundary). A plan is only
used after a check on real images shows that `top(bottom(images))` equals `model(images)`.

Example:
    cached = plan_feature_cache(model)
    if cached is not None:
        train_features = cached.features(train.images, batch_size=32)
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import keras
import numpy as np

from visionlab.data.pipeline import ArrayBatches
from visionlab.errors import ModelError
from visionlab.i18n import Message
from visionlab.models.backbones import BACKBONE_LAYER

# Layers whose output is random in training mode: nothing at or after one can be cached.
_RANDOM_LAYERS = ("Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D",
                  "GaussianNoise", "GaussianDropout", "AlphaDropout")
# Stored features above this size (all splits together) are not worth the memory.
MAX_FEATURE_BYTES = 4 * 1024**3
# The plan's check: the cached path must reproduce the model's outputs this closely.
CHECK_TOLERANCE = 1e-4
# Plans by model and trainability, and the plans whose check passed (by id), per model.
_PLANS: weakref.WeakKeyDictionary[Any, dict[tuple[bool, ...], FeatureCache | None]] = \
    weakref.WeakKeyDictionary()
_CHECKED: weakref.WeakKeyDictionary[Any, dict[int, FeatureCache]] = weakref.WeakKeyDictionary()
# The image axes each RandomFlip mode may flip (NHWC: 1 is height, 2 is width).
_FLIP_AXES = {"horizontal": ((), (2,)), "vertical": ((), (1,)),
              "horizontal_and_vertical": ((), (2,), (1,), (1, 2))}


@dataclass
class FeatureCache:
    """A frozen bottom and a trainable top that together compute the model.

    Attributes:
        bottom: images (the model's input) -> features; frozen, deterministic.
        top: features -> the model's output; its layers are the model's own.
        cut: where the model is cut, e.g. `"pool"` or `"backbone/block14_add"`.
        orientations: the image axes flipped for each stored variant of a training image:
            `((),)` without a random flip, `((), (2,))` for a horizontal one.
    """

    bottom: keras.Model
    top: keras.Model
    cut: str
    orientations: tuple[tuple[int, ...], ...] = ((),)
    # The output tensor of each layer of `top`'s chain, by layer name (for `bridge`).
    top_outputs: dict[str, Any] = field(default_factory=dict)

    def bridge(self, cut: str) -> keras.Model | None:
        """features -> the output of layer `cut` inside `top` (a later, frozen cut), or None."""
        tensor = self.top_outputs.get(cut)
        return None if tensor is None else keras.Model(self.top.inputs[0], tensor,
                                                       name="bridge")

    @property
    def feature_shape(self) -> tuple[int, ...]:
        return tuple(int(size) for size in self.bottom.outputs[0].shape[1:])

    def feature_bytes(self, train_images: int, validation_images: int) -> int:
        """Bytes of the stored features: every orientation of the training images."""
        stored = train_images * len(self.orientations) + validation_images
        return int(stored * np.prod(self.feature_shape) * 4)

    def features(self, images: np.ndarray, batch_size: int,
                 on_batch: Callable[[int], None] | None = None,
                 flip: tuple[int, ...] = ()) -> np.ndarray:
        """Return the bottom's float32 outputs for `images`, computed `batch_size` at a time.

        Args:
            images: uint8 (num_images, height, width, channels), an array or a memory map.
            batch_size: images per forward pass.
            on_batch: called with the number of images done after each batch (progress).
                Defaults to None.
            flip: image axes to flip first (one of `orientations`). Defaults to () (none).
        """
        out = np.empty((len(images), *self.feature_shape), dtype=np.float32)
        for start in range(0, len(images), batch_size):
            stop = min(start + batch_size, len(images))
            batch = np.asarray(images[start:stop])
            if flip:
                batch = np.ascontiguousarray(np.flip(batch, axis=flip))
            out[start:stop] = _predicted(self.bottom, batch, batch_size)
            if on_batch is not None:
                on_batch(stop - start)
        return out


@dataclass
class CachedFeatures:
    """A phase's cut and the stored bottom outputs of its training and validation images.

    Attributes:
        cache: the bottom/top split of the model.
        train: float32 features of the training images, in the split's order, one array per
            orientation (`cache.orientations`).
        validation: features of the validation images (None without a validation split).
        seconds: the time computing them took.
        reused: they were computed for an earlier phase with the same cut.
    """

    cache: FeatureCache
    train: list[np.ndarray]
    validation: np.ndarray | None
    seconds: float = 0.0
    reused: bool = False

    def describe(self) -> dict[str, Any]:
        """The facts run.json records about the cached phase."""
        return {"cut": self.cache.cut, "feature_shape": list(self.cache.feature_shape),
                "images": len(self.train[0]) + (0 if self.validation is None else
                                                len(self.validation)),
                "orientations": len(self.train),
                # Read from the feature store (an earlier run computed them): memory maps.
                "from_store": isinstance(self.train[0], np.memmap),
                "seconds": round(self.seconds, 2), "reused": self.reused}


def plan_feature_cache(model: keras.Model) -> FeatureCache | None:
    """Return the bottom/top split of `model` for its current trainability, or None.

    None means nothing worth caching: an augmentation other than a random flip, a model that is
    not the chain visionlab builds, or first layers that already train.

    Args:
        model: the training model (`build_training_model` around a transfer body), with the
            phase's trainability applied.
    """
    units = _chain(model)
    if units is None:
        return None
    # The same trainability gives the same cut: the plan (its models, their compiled graphs)
    # and its check are made once per model, not once per phase and again for the test split.
    signature = tuple(bool(layer.trainable_weights) for layer in _all_layers(model))
    plans = _PLANS.setdefault(model, {})
    if signature not in plans:
        plans[signature] = _planned(model, units)
    return plans[signature]


def _planned(model: keras.Model, units: list[Unit]) -> FeatureCache | None:
    orientations: tuple[tuple[int, ...], ...] = ((),)
    if units and type(units[0][0]).__name__ == "RandomFlip":
        orientations = _FLIP_AXES.get(getattr(units[0][0], "mode", ""), ())
        units = units[1:]
    split = _first_changing(units)
    if not orientations or split == 0:
        return None
    if split < len(units) and units[split][0].name == BACKBONE_LAYER and _has_trainable(
            units[split][0]):
        cache = _cut_inside_base(_input_shape(model), units, split)
    elif split == len(units):
        return None
    else:
        cache = _assembled(_input_shape(model), units[:split], units[split:],
                           units[split - 1][0].name, lower=None, upper=None)
    if cache is not None:
        cache.orientations = orientations
    return cache


def check_feature_cache(model: keras.Model, cached: FeatureCache, images: np.ndarray) -> None:
    """Raise ModelError unless `top(bottom(images))` equals `model(images)` in inference mode.

    A plan passes once per model: its bottom and top are the model's own layers, so training
    changes both paths alike (`plan_feature_cache` hands the same plan back for the same cut).
    """
    checked = _CHECKED.setdefault(model, {})
    if checked.get(id(cached)) is cached:
        return
    sample = np.asarray(images[: min(len(images), 4)])
    expected = keras.ops.convert_to_numpy(model(sample, training=False))
    got = keras.ops.convert_to_numpy(cached.top(cached.bottom(sample, training=False),
                                                training=False))
    difference = float(np.max(np.abs(expected - got))) if expected.size else 0.0
    if not difference <= CHECK_TOLERANCE:
        raise ModelError(Message("error.features.mismatch", {
            "cut": cached.cut, "difference": f"{difference:.2g}"}))
    checked[id(cached)] = cached


def _predicted(model: keras.Model, batch: np.ndarray, batch_size: int) -> np.ndarray:
    """`model.predict_on_batch(batch)`, the last short batch padded to `batch_size` so every
    call has one shape (a new shape retraces the graph: seconds, and a TensorFlow warning)."""
    missing = batch_size - len(batch)
    if missing > 0:
        batch = np.concatenate([batch, np.zeros((missing, *batch.shape[1:]), batch.dtype)])
    output = keras.ops.convert_to_numpy(model.predict_on_batch(batch))
    return output[:batch_size - missing] if missing > 0 else output


# -- the chain of layers ------------------------------------------------------------------------

Unit = tuple[keras.layers.Layer, dict[str, Any]]  # a layer and the keyword arguments of its call


def _chain(model: keras.Model) -> list[Unit] | None:
    """Flatten `model` (and its transfer body) into its call chain, or None if it is no chain."""
    called = _called_layers(model)
    if called is None:
        return None
    units: list[Unit] = []
    for layer, kwargs in called:
        if isinstance(layer, keras.Model) and _is_body(layer):
            inner = _chain(layer)
            if inner is None:
                return None
            units += inner
        else:
            units.append((layer, kwargs))
    return units


def _called_layers(model: keras.Model) -> list[Unit] | None:
    """The non-input layers of functional `model` with their call's keyword arguments, if each
    takes the previous one's output (None otherwise)."""
    if len(getattr(model, "inputs", None) or []) != 1 or len(model.outputs) != 1:
        return None
    units: list[Unit] = []
    previous = model.inputs[0]
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        node = _node_in(model, layer)
        if node is None or len(node.input_tensors) != 1 or node.input_tensors[0] is not previous:
            return None
        training = node.arguments.kwargs.get("training") if node.arguments else None
        units.append((layer, {} if training is None else {"training": training}))
        previous = node.output_tensors[0]
    return units if previous is model.outputs[0] else None


def _node_in(model: keras.Model, layer: keras.layers.Layer) -> Any:
    """The one call of `layer` inside `model`'s graph (a layer may be called by other models)."""
    # Keras keys a functional model's nodes "<id(layer)>_ib-<index of the layer's call>".
    nodes = [node for index, node in enumerate(layer._inbound_nodes)
             if f"{id(layer)}_ib-{index}" in model._nodes]
    return nodes[0] if len(nodes) == 1 else None


def _is_body(layer: keras.Model) -> bool:
    """The model visionlab wraps (a transfer body): it holds the base as a direct layer."""
    return any(inner.name == BACKBONE_LAYER for inner in layer.layers)


def _has_trainable(layer: keras.layers.Layer) -> bool:
    return bool(layer.trainable_weights)


def _is_random(layer: keras.layers.Layer) -> bool:
    name = type(layer).__name__
    return name in _RANDOM_LAYERS or name.startswith("Random")


def _first_changing(units: list[Unit]) -> int:
    """Index of the first unit that trains or is random (len(units) when none)."""
    for index, (layer, _) in enumerate(units):
        if _has_trainable(layer) or _is_random(layer):
            return index
    return len(units)


# -- cutting inside a partly frozen base ---------------------------------------------------------


def _input_shape(model: keras.Model) -> tuple[int, ...]:
    return tuple(int(size) for size in model.inputs[0].shape[1:])


def _cut_inside_base(input_shape: tuple[int, ...], units: list[Unit],
                     index: int) -> FeatureCache | None:
    base = units[index][0]
    layers = base.layers
    first_trainable = next(position for position, layer in enumerate(layers)
                           if layer.trainable_weights)
    for position in range(first_trainable - 1, 0, -1):
        candidate = layers[position]
        node = _node_in(base, candidate)
        if _is_random(candidate) or node is None or len(node.output_tensors) != 1:
            continue
        cut_tensor = node.output_tensors[0]
        try:
            upper = keras.Model(cut_tensor, base.outputs[0], name="base_top")
        except (ValueError, TypeError):
            continue  # another path reaches the output around this tensor
        if not all(any(layer is kept for kept in _all_layers(upper))
                   for layer in layers[first_trainable:] if layer.trainable_weights):
            continue
        lower = keras.Model(base.inputs[0], cut_tensor, name="base_bottom")
        return _assembled(input_shape, units[:index], units[index + 1:],
                          f"{BACKBONE_LAYER}/{candidate.name}", lower=(lower, units[index][1]),
                          upper=(upper, units[index][1]))
    return None


def _all_layers(model: keras.Model) -> list[keras.layers.Layer]:
    found: list[keras.layers.Layer] = []
    for layer in model.layers:
        found.append(layer)
        if isinstance(layer, keras.Model):
            found += _all_layers(layer)
    return found


def _assembled(input_shape: tuple[int, ...], bottom_units: list[Unit], top_units: list[Unit],
               cut: str, *, lower: Unit | None, upper: Unit | None) -> FeatureCache:
    """Build the bottom and top models from the chain, calling each layer as the model does."""
    pixels = keras.Input(shape=input_shape, name="pixels")
    tensor = pixels
    for layer, kwargs in [*bottom_units, *([lower] if lower else [])]:
        tensor = layer(tensor, **kwargs)
    bottom = keras.Model(pixels, tensor, name="frozen_bottom")
    features = keras.Input(shape=tuple(tensor.shape[1:]), name="features")
    tensor = features
    outputs = {}
    for layer, kwargs in [*([upper] if upper else []), *top_units]:
        tensor = layer(tensor, **kwargs)
        # The upper part of the base ends where the whole base does.
        outputs[BACKBONE_LAYER if upper and layer is upper[0] else layer.name] = tensor
    return FeatureCache(bottom=bottom, top=keras.Model(features, tensor, name="trainable_top"),
                        cut=cut, top_outputs=outputs)


class VariantBatches(ArrayBatches):
    """`ArrayBatches` over stored features with several variants per example (orientations).

    Each epoch picks one variant per example, uniformly and independently, from
    (seed, epoch) alone, so a resumed run draws what an uninterrupted one would.

    Args:
        variants: arrays of the same shape, variant `v` of example `i` at `variants[v][i]`.
        labels, batch_size, shuffle, seed, num_classes, one_hot: as `ArrayBatches`.
    """

    def __init__(self, variants: list[np.ndarray], labels: np.ndarray, batch_size: int,
                 **kwargs: Any) -> None:
        self.variants = variants
        self._choice = np.zeros(len(labels), dtype=np.int64)
        super().__init__(variants[0], labels, batch_size, **kwargs)

    def set_epoch(self, epoch: int) -> None:
        super().set_epoch(epoch)
        # A stream of its own (the extra word), apart from the shuffle order's.
        self._choice = np.random.default_rng([self.seed, self.epoch, 1]).integers(
            len(self.variants), size=len(self.labels))

    def _inputs(self, indices: np.ndarray) -> np.ndarray:
        batch = np.array(self.variants[0][indices])
        for variant in range(1, len(self.variants)):
            chosen = self._choice[indices] == variant
            batch[chosen] = self.variants[variant][indices[chosen]]
        return batch
