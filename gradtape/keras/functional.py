"""Keras' functional API: ``Input``, layers called on symbolic tensors, ``Model(inputs, outputs)``.

A ``KerasTensor`` stands for the inputs or outputs of a layer in a model
being declared. Calling a layer on one builds the layer and runs it once on
a batch of one example of zeros (outside every tape) to learn the output's
shape and dtype; the call is recorded as a node. ``Model(inputs, outputs)``
keeps the nodes between its inputs and outputs and replays them, in order,
on every call::

    inputs = tf.keras.Input(shape=(784,))
    x = tf.keras.layers.Dense(64, activation="relu")(inputs)
    outputs = tf.keras.layers.Dense(10)(x)
    model = tf.keras.Model(inputs=inputs, outputs=outputs)
"""
from __future__ import annotations

import numpy as np

from .. import nest as _nest
from .._core.convert import convert_to_tensor
from .._core.dtypes import as_dtype
from .._core.tensor import TensorLike
from ..eager import init_scope
from ..rules import elementwise as _ew
from ..rules import shape as _shape_ops
from .module import unique_name
from typing import Any, List, Optional
from .._core.types import DTypeLike, ShapeLike


class KerasTensor:
    """A symbolic tensor of a functional model: a shape (``None`` for the batch) and a dtype.

    Only layers take it; ``Model(inputs, outputs)`` turns the layer calls
    between inputs and outputs into a model.

    >>> import gradtape as tf
    >>> tf.keras.Input(shape=(28, 28), name="images")
    <KerasTensor shape=(None, 28, 28), dtype=float32, sparse=False, ragged=False, name=images>
    """

    def __init__(self, shape: ShapeLike, dtype: DTypeLike, example: Any,
                 node: Any = None, name: Optional[str] = None) -> None:
        self.shape = tuple(shape)
        self.dtype = as_dtype(dtype)
        self.name = name or unique_name("keras_tensor")
        self._example = example   # a concrete value of batch size one, for the next layer
        self._node = node         # the layer call that made it; an InputLayer's for an Input

    @property
    def ndim(self) -> int:
        """The number of axes, the batch axis counted."""
        return len(self.shape)

    def __repr__(self):
        return (f"<KerasTensor shape={self.shape}, dtype={self.dtype.name}, sparse=False, "
                f"ragged=False, name={self.name}>")

    def __array__(self, dtype=None, copy=None):
        raise ValueError(
            "A KerasTensor cannot be used as input to a TensorFlow function. A KerasTensor is "
            "a symbolic placeholder for a shape and dtype, used when constructing Keras "
            "Functional models; only a Keras layer takes it (wrap the computation in a "
            "tf.keras.layers.Lambda or a Layer subclass)")


class _Node:
    """One layer call of a functional model: the layer, its symbolic arguments, its outputs."""

    def __init__(self, layer, inputs, args, kwargs):
        self.layer, self.inputs, self.args, self.kwargs = layer, inputs, args, kwargs
        self.outputs = None

    @property
    def is_input(self):
        """Whether this is an ``Input``'s node (its layer takes no symbolic inputs)."""
        return self.inputs is None

    def parents(self):
        return [t for t in _nest.flatten(self.inputs) if isinstance(t, KerasTensor)]


def _is_symbolic(inputs: Any) -> bool:
    """Whether a layer's first argument holds a ``KerasTensor`` (a functional-model call)."""
    if type(inputs) is KerasTensor:
        return True
    if isinstance(inputs, (list, tuple, dict)):
        return any(type(t) is KerasTensor for t in _nest.flatten(inputs))
    return False


def _call_symbolic(layer: Any, inputs: Any, args: tuple, kwargs: dict) -> Any:
    """``layer(inputs, *args, **kwargs)`` on KerasTensors: run it once on their examples
    (outside every tape; its ``add_loss`` values dropped) and record the call."""
    examples = _nest.map_structure(
        lambda t: t._example if isinstance(t, KerasTensor) else t, inputs)
    with init_scope():
        outputs = layer(examples, *args, **kwargs)
    layer._clear_losses()
    node = _Node(layer, inputs, args, kwargs)

    def symbolic(value):
        if not isinstance(value, TensorLike):
            raise TypeError(f"{layer.name}: a layer in a functional model must return "
                            f"tensors, got {type(value).__name__}")
        return KerasTensor((None,) + tuple(value.shape[1:]), value.dtype, value, node=node)

    node.outputs = _nest.map_structure(symbolic, outputs)
    return node.outputs


class _Graph:
    """The layer calls between a functional model's inputs and outputs, in the order to run them."""

    def __init__(self, inputs: Any, outputs: Any) -> None:
        for t in _nest.flatten(inputs):
            if not isinstance(t, KerasTensor) or not t._node.is_input:
                raise ValueError("All `inputs` values must be KerasTensors (made by "
                                 f"tf.keras.Input). Received: {t!r}")
        for t in _nest.flatten(outputs):
            if not isinstance(t, KerasTensor):
                raise ValueError("Model(inputs, outputs): outputs must be the outputs of "
                                 f"layers called on tf.keras.Input tensors, got {t!r}")
        self.inputs, self.outputs = inputs, outputs
        self.nodes = self._sorted_nodes()

    def _sorted_nodes(self):
        """The nodes the outputs depend on, each after the nodes that feed it."""
        known = {id(t) for t in _nest.flatten(self.inputs)}
        order, seen = [], set()

        def visit(tensor):
            if id(tensor) in known:
                return
            node = tensor._node
            if node.is_input:
                raise ValueError(f"Output with path `` is not connected to `inputs`: "
                                 f"{node.layer.name} is not among the model's inputs")
            if id(node) in seen:
                return
            seen.add(id(node))
            for parent in node.parents():
                visit(parent)
            order.append(node)

        for tensor in _nest.flatten(self.outputs):
            visit(tensor)
        return order

    def layers(self) -> List[Any]:
        """The input layers, then each layer called, once each: ``model.layers``."""
        layers = [t._node.layer for t in _nest.flatten(self.inputs)]
        for node in self.nodes:
            if all(node.layer is not layer for layer in layers):
                layers.append(node.layer)
        return layers

    def run(self, inputs: Any, training: Optional[bool] = None) -> Any:
        """The outputs for concrete ``inputs`` (the structure of the model's inputs).

        A ``training`` flag given (not None) replaces the one a layer was called with
        when the model was declared, as in Keras 3: ``base(inputs, training=False)``
        runs in training mode when the model is called with ``training=True`` (``fit``).
        """
        symbols = _nest.flatten(self.inputs)
        if isinstance(inputs, dict) and not isinstance(self.inputs, dict):
            values = _by_input_name(inputs, symbols)
        else:
            values = _nest.flatten(inputs) if isinstance(inputs, (list, tuple, dict)) else [inputs]
        if len(values) != len(symbols):
            raise ValueError(f"the model expects {len(symbols)} input(s), but it received "
                             f"{len(values)} input tensors")
        env = {id(t): adjust_input_rank(_as_input(v, t), t.shape, t.name)
               for t, v in zip(symbols, values)}
        for node in self.nodes:
            args = _nest.map_structure(
                lambda t: env[id(t)] if isinstance(t, KerasTensor) else t, node.inputs)
            kwargs = node.kwargs
            if training is not None and "training" in kwargs:
                kwargs = dict(kwargs, training=training)
            outputs = node.layer(args, *node.args, **kwargs)
            for symbol, value in zip(_nest.flatten(node.outputs), _nest.flatten(outputs)):
                env[id(symbol)] = value
        return _nest.map_structure(lambda t: env[id(t)], self.outputs)


def adjust_input_rank(value: Any, shape: Any, name: Optional[str]) -> Any:
    """``value`` fitted to an Input of ``shape`` (batch axis included) as Keras 3 does: a
    rank one short gains a last axis when that axis has size 1, a trailing axis of size 1
    too many is dropped; other ranks raise ``ValueError``.

    >>> import numpy as np
    >>> adjust_input_rank(np.zeros(3), (None, 1), "x").shape
    TensorShape([3, 1])
    """
    rank, ref_rank = len(value.shape), len(shape)
    if rank == ref_rank:
        return value
    if rank == ref_rank + 1 and value.shape[-1] == 1:
        return _shape_ops.squeeze(value, axis=-1)
    if rank == ref_rank - 1 and shape[-1] == 1:
        return _shape_ops.expand_dims(value, axis=-1)
    raise ValueError(f"Invalid input shape for input with name '{name}'. Expected shape "
                     f"{tuple(shape)}, but input has incompatible shape {tuple(value.shape)}")


def _by_input_name(data, symbols):
    """A dict of data for a model whose inputs are not a dict: matched by the Inputs' names
    (Keras 3), not by the dict's key order."""
    names = [t._node.layer.name for t in symbols]
    for name in names:
        if name not in data:
            raise ValueError(f'Missing data for input "{name}". You passed a data dictionary '
                             f"with keys {list(data)}. Expected the following keys: {names}")
    return [data[name] for name in names]


def _as_input(value, symbol):
    """A model input as a tensor of its Input's dtype (floating values are cast, as Keras)."""
    if not isinstance(value, TensorLike):
        array = np.asarray(value)
        return convert_to_tensor(array, dtype=symbol.dtype if array.dtype.kind in "fiub"
                                 and symbol.dtype.is_floating else None)
    if value.dtype.is_floating and symbol.dtype.is_floating and value.dtype != symbol.dtype:
        return _ew.cast(value, symbol.dtype)
    return value
