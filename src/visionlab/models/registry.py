"""Model registry: architectures and backbones registered by name and built by one factory.

The built-in models register themselves when `visionlab.models` is imported (its `__init__`
imports `dense`, `cnn` and `backbones`), which importing this module does first.

A factory is a function `factory(input_shape, num_outputs, output_activation="softmax", *,
knob=default, ...) -> keras.Model` decorated with `@register_model(name)`. `create_model` drops
keyword arguments that are `None` (so unset CLI flags never override a model's defaults), checks
the rest against the factory's signature and calls it.

Example:
    model = create_model("tinyvgg", input_shape=(224, 224, 3), num_outputs=1,
                         output_activation="sigmoid")
    list_models("cnn*")
"""

from __future__ import annotations

import difflib
import fnmatch
import inspect
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from visionlab.errors import ModelError
from visionlab.i18n import Message, joined

KINDS = ("architecture", "backbone")
OUTPUT_ACTIVATIONS = ("softmax", "sigmoid", "linear")
# Parameters every factory takes; they are not listed as the model's own arguments.
_CORE_PARAMETERS = ("input_shape", "num_outputs", "output_activation")
REQUIRED = inspect.Parameter.empty


@dataclass(frozen=True)
class ModelEntry:
    """One registered model.

    Attributes:
        name: the registry name, e.g. `"tinyvgg"`.
        factory: the function that builds the `keras.Model`.
        kind: `"architecture"` (built from scratch) or `"backbone"` (transfer learning).
        description: one line for listings.
        arguments: the factory's own keyword arguments and their defaults, in signature order
            (`REQUIRED` marks an argument without a default).
        accepts_any: True when the factory takes `**kwargs`, so any keyword is passed through.
    """

    name: str
    factory: Callable[..., Any]
    kind: str
    description: str
    arguments: dict[str, Any]
    accepts_any: bool = False


_REGISTRY: dict[str, ModelEntry] = {}


def register_model(
    name: str, *, kind: str = "architecture", description: str = ""
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a model factory under `name` (decorator).

    Args:
        name: the registry name users type (`create_model(name, ...)`, `visionlab summary name`).
        kind: `"architecture"` or `"backbone"`. Defaults to `"architecture"`.
        description: one line shown by `visionlab models`. Defaults to the first line of the
            factory's docstring.

    Example:
        @register_model("tinyvgg")
        def tinyvgg(input_shape, num_outputs, output_activation="softmax", *, filters=10):
            ...
    """
    if kind not in KINDS:
        raise ValueError(f"Model kind must be one of {KINDS}; got {kind!r} for model {name!r}.")

    def decorator(factory: Callable[..., Any]) -> Callable[..., Any]:
        parameters = inspect.signature(factory).parameters
        missing = [core for core in _CORE_PARAMETERS if core not in parameters]
        if missing:
            raise TypeError(
                f"Model factory {factory.__qualname__} registered as {name!r} must accept "
                f"{', '.join(_CORE_PARAMETERS)}; it lacks {', '.join(missing)}."
            )
        existing = _REGISTRY.get(name)
        if existing is not None and _qualified_name(existing.factory) != _qualified_name(factory):
            raise ValueError(
                f"Model name {name!r} is already registered by "
                f"{_qualified_name(existing.factory)}; choose another name."
            )
        arguments = {
            parameter.name: parameter.default
            for parameter in parameters.values()
            if parameter.name not in _CORE_PARAMETERS
            and parameter.kind in (parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY)
        }
        accepts_any = any(p.kind == p.VAR_KEYWORD for p in parameters.values())
        docstring_lines = (inspect.getdoc(factory) or "").strip().splitlines()
        _REGISTRY[name] = ModelEntry(
            name=name,
            factory=factory,
            kind=kind,
            description=description or (docstring_lines[0] if docstring_lines else ""),
            arguments=arguments,
            accepts_any=accepts_any,
        )
        return factory

    return decorator


def list_models(pattern: str = "*", kind: str | None = None) -> list[str]:
    """Return the sorted names of registered models matching a shell-style pattern.

    Args:
        pattern: `fnmatch` pattern such as `"cnn*"`. Defaults to `"*"` (all models).
        kind: keep only `"architecture"` or `"backbone"` models. Defaults to `None` (both).
    """
    if kind is not None and kind not in KINDS:
        raise ModelError(Message("error.model.kind",
                                 {"choices": ", ".join(KINDS), "value": repr(kind)}))
    return sorted(
        name
        for name, entry in _REGISTRY.items()
        if fnmatch.fnmatchcase(name, pattern) and (kind is None or entry.kind == kind)
    )


def get_model_entry(name: str) -> ModelEntry:
    """Return the `ModelEntry` registered under `name`.

    Raises:
        ModelError: when no model has that name; the message names the nearest one.
    """
    if name in _REGISTRY:
        return _REGISTRY[name]
    nearest = difflib.get_close_matches(name, list(_REGISTRY), n=1, cutoff=0.5)
    hint = (
        Message("error.did_you_mean", {"name": nearest[0]})
        if nearest
        else Message("error.model.list_hint")
    )
    raise ModelError(Message("error.model.unknown", {
        "name": name, "hint": hint, "names": ", ".join(sorted(_REGISTRY))}))


def create_model(
    name: str,
    input_shape: Sequence[int],
    num_outputs: int,
    output_activation: str | None = "softmax",
    **kwargs: Any,
) -> Any:
    """Build the registered model `name` as a `keras.Model`.

    The model takes float32 images that are already scaled/normalized (the training layer adds
    those layers); its input is named `"image"` and its output layer `"predictions"`.

    Args:
        name: a registered model name (see `list_models()`).
        input_shape: `(height, width, channels)` of one image.
        num_outputs: units of the output layer (classes, or 1 for a binary sigmoid output).
        output_activation: `"softmax"`, `"sigmoid"`, or `"linear"`/`None` for logits.
            Defaults to `"softmax"`.
        **kwargs: the model's own arguments (`get_model_entry(name).arguments`). Arguments
            whose value is `None` are dropped so the model's defaults apply.

    Example:
        model = create_model("mlp", (28, 28, 1), 10, units=[128], dropout=0.2)
    """
    entry = get_model_entry(name)
    shape = _check_input_shape(input_shape)
    outputs = _check_num_outputs(num_outputs)
    activation = _check_output_activation(output_activation)
    arguments = {key: value for key, value in kwargs.items() if value is not None}
    if not entry.accepts_any:
        unknown = [key for key in arguments if key not in entry.arguments]
        if unknown:
            raise ModelError(_unknown_arguments_message(entry, unknown))
    missing = [
        key for key, default in entry.arguments.items()
        if default is REQUIRED and key not in arguments
    ]
    if missing:
        raise ModelError(Message("error.model.missing_arguments", {
            "name": name, "missing": ", ".join(missing), "first": missing[0]}))
    try:
        return entry.factory(shape, outputs, activation, **arguments)
    except ValueError as error:
        # Keras reports impossible shapes (an input too small for the pooling) as ValueError.
        described = Message("model.arguments", {"arguments": arguments}) if arguments \
            else Message("model.default_arguments")
        raise ModelError(Message("error.model.build_failed", {
            "name": name, "shape": shape, "described": described, "error": error})) from error


def format_default(value: Any) -> str:
    """Format an argument default for listings: tuples as lists, `REQUIRED` as `required`."""
    if value is REQUIRED:
        return "required"
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(format_default(item) for item in value) + "]"
    if isinstance(value, str):
        return repr(value)
    return str(value)


def summary_text(model: Any, expand_nested: bool = False) -> str:
    """Return the Keras summary of `model` as plain text (no colours), e.g. for summary.txt.

    Args:
        model: a built Keras model.
        expand_nested: also list the layers of nested models (a run's model wraps the
            registry model in preprocessing layers). Defaults to False.
    """
    lines: list[str] = []
    model.summary(print_fn=lambda text, line_break=True: lines.append(text),
                  expand_nested=expand_nested)
    return "\n".join(line.rstrip("\n") for line in lines) + "\n"


def _unknown_arguments_message(entry: ModelEntry, unknown: list[str]) -> Message:
    accepted: str | Message = ", ".join(
        f"{key}={format_default(default)}" for key, default in entry.arguments.items()
    ) or Message("model.no_arguments")
    hints: list[str | Message] = []
    for key in unknown:
        nearest = difflib.get_close_matches(key, list(entry.arguments), n=1, cutoff=0.6)
        hints.append(Message("model.argument_did_you_mean", {"key": key, "name": nearest[0]})
                     if nearest else f"'{key}'")
    return Message("error.model.unknown_arguments", {
        "name": entry.name, "arguments": joined(hints, ", "), "accepted": accepted})


def _check_input_shape(input_shape: Sequence[int]) -> tuple[int, int, int]:
    try:
        shape = tuple(int(size) for size in input_shape)
        valid = len(shape) == 3 and all(size > 0 for size in shape) and all(
            float(size) == float(original) for size, original in zip(shape, input_shape)
        )
    except (TypeError, ValueError):
        valid = False
    if not valid:
        raise ModelError(Message("error.model.shape", {"value": repr(input_shape)}))
    return shape  # type: ignore[return-value]


def _check_num_outputs(num_outputs: int) -> int:
    is_integer = isinstance(num_outputs, numbers.Integral) and not isinstance(num_outputs, bool)
    if is_integer and num_outputs >= 1:
        return int(num_outputs)
    raise ModelError(Message("error.model.num_outputs", {"value": repr(num_outputs)}))


def _check_output_activation(output_activation: str | None) -> str:
    activation = "linear" if output_activation is None else output_activation
    if activation not in OUTPUT_ACTIVATIONS:
        raise ModelError(Message("error.model.output_activation", {
            "choices": ", ".join(OUTPUT_ACTIVATIONS), "value": repr(output_activation)}))
    return activation


def _qualified_name(factory: Callable[..., Any]) -> str:
    return f"{factory.__module__}.{factory.__qualname__}"
