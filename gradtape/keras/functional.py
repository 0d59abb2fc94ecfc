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
from . import _masks
from typing import Any, List, Optional, Tuple
from .._core.types import DTypeLike, ShapeLike


class KerasTensor:
    """A symbolic tensor of a functional model: a shape (``None`` for the batch) and a dtype.

    Only layers take it; ``Model(inputs, outputs)`` turns the layer calls
    between inputs and outputs into a model.

    >>> import gradtape as tf
    >>> images = tf.keras.Input(shape=(28, 28), name="images")
    >>> images
    <KerasTensor shape=(None, 28, 28), dtype=float32, sparse=False, ragged=False, name=images>
    >>> images.dtype
    'float32'
    """

    def __init__(self, shape: ShapeLike, dtype: DTypeLike, example: Any,
                 node: Any = None, name: Optional[str] = None, probe: Any = None) -> None:
        self.shape = tuple(shape)
        self._dtype = as_dtype(dtype)
        self.name = name or unique_name("keras_tensor")
        self._example = example   # a concrete value (an unknown size: 24), for the next layer
        # with unknown (None) sizes besides the batch: another value where they are 48, so
        # that the layers that follow learn which of their output sizes are unknown
        self._probe = probe
        self._node = node         # the layer call that made it; an InputLayer's for an Input

    @property
    def dtype(self) -> str:
        """The dtype's name, a string as in Keras 3 (``'float32'``)."""
        return self._dtype.name

    @property
    def ndim(self) -> int:
        """The number of axes, the batch axis counted."""
        return len(self.shape)

    def __repr__(self):
        return (f"<KerasTensor shape={self.shape}, dtype={self.dtype}, sparse=False, "
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
    (again on their probes when some sizes are unknown) and record the call as a node of
    the layer (``layer.input``/``layer.output`` are its first node's)."""
    if isinstance(inputs, KerasTensor) and not layer.built and hasattr(layer, "_build_for_shape"):
        layer._build_for_shape(inputs.shape)   # a Sequential: on the symbolic shape
    outputs = _run_on(layer, inputs, args, kwargs, "_example")
    probes = None
    if any(t._probe is not None for t in _nest.flatten(inputs) if isinstance(t, KerasTensor)):
        probes = _nest.flatten(_run_on(layer, inputs, args, kwargs, "_probe"))
    node = _Node(layer, inputs, args, kwargs)
    # the batch size is known (an Input made with one) only if the inputs agree on it
    batches = {t.shape[0] for t in node.parents()}
    batch = batches.pop() if len(batches) == 1 else None

    def symbolic(value):
        if not isinstance(value, TensorLike):
            raise TypeError(f"{layer.name}: a layer in a functional model must return "
                            f"tensors, got {type(value).__name__}")
        shape = (batch,) + tuple(value.shape[1:]) if value.shape.rank else ()
        symbol = KerasTensor(shape, value.dtype, value, node=node)
        mask = _masks.get_keras_mask(value)
        if mask is not None:   # Keras' symbolic mask: made by the same layer call
            mask_shape = (batch,) + tuple(mask.shape[1:]) if mask.shape.rank else ()
            symbol._keras_mask = KerasTensor(mask_shape, mask.dtype, mask, node=node)
        return symbol

    node.outputs = _nest.map_structure(symbolic, outputs)
    if probes is not None:
        for symbol, probe in zip(_nest.flatten(node.outputs), probes):
            _mark_unknown_sizes(symbol, probe)
            probe_mask = _masks.get_keras_mask(probe)
            if getattr(symbol, "_keras_mask", None) is not None and probe_mask is not None:
                _mark_unknown_sizes(symbol._keras_mask, probe_mask)
    layer.__dict__.setdefault("_inbound_nodes", []).append(node)
    return node.outputs


#: how many ``_run_on`` calls are running: layers that keep state between calls (stateful
#: recurrent layers) neither read nor update it while it is above zero
_shape_runs = [0]


def _in_shape_run() -> bool:
    """Whether a layer is being run on a symbolic call's examples to learn its shapes (a
    stateful layer then starts from zeros and keeps nothing, as Keras' symbolic call)."""
    return _shape_runs[0] > 0


def _run_on(layer, inputs, args, kwargs, which):
    """The layer's outputs on the KerasTensors' examples (or probes, where they have one),
    outside every tape, its ``add_loss`` values dropped."""
    def value(t):
        if not isinstance(t, KerasTensor):
            return t
        return t._probe if which == "_probe" and t._probe is not None else t._example
    _shape_runs[0] += 1
    try:
        with init_scope():
            outputs = layer(_nest.map_structure(value, inputs), *args, **kwargs)
    finally:
        _shape_runs[0] -= 1
    layer._clear_losses()
    return outputs


def _mark_unknown_sizes(symbol, probe):
    """The sizes that differ between a layer's output on the examples and on the probes are
    unknown (``None``); the output keeps its probe if it has some."""
    example_shape, probe_shape = tuple(symbol._example.shape), tuple(probe.shape)
    if len(example_shape) != len(probe_shape):
        return
    symbol.shape = symbol.shape[:1] + tuple(
        None if a != b else d for d, a, b in zip(symbol.shape[1:], example_shape[1:],
                                                 probe_shape[1:]))
    if None in symbol.shape[1:]:
        symbol._probe = probe


def _input_tensor(layer: Any, batch_shape: ShapeLike, dtype: Any, name: Optional[str]) -> KerasTensor:
    """The ``KerasTensor`` of an ``InputLayer``: zeros of ``batch_shape`` as its example
    (a batch of one; an unknown size other than the batch: 24, and 48 in its probe).

    >>> import gradtape as tf
    >>> tf.keras.Input(shape=(None, 3))._example.shape
    TensorShape([1, 24, 3])
    """
    def zeros(unknown):
        sizes = (1,) + tuple(unknown if d is None else d
                                               for d in batch_shape[1:])
        return convert_to_tensor(np.zeros(sizes, as_dtype(dtype)._np))
    node = _Node(layer, None, (), {})
    probe = zeros(48) if None in tuple(batch_shape)[1:] else None
    node.outputs = KerasTensor(batch_shape, dtype, zeros(24), node=node, name=name, probe=probe)
    layer.__dict__.setdefault("_inbound_nodes", []).append(node)
    return node.outputs


def _first_node(layer: Any, what: str) -> _Node:
    """The node of ``layer``'s first call on KerasTensors (Keras' ``layer.input``/``output``)."""
    nodes = layer.__dict__.get("_inbound_nodes")
    if not nodes:
        raise AttributeError(f"The layer {layer.name} has never been called and thus has "
                             f"no defined {what}.")
    return nodes[0]


def _chain(inputs: KerasTensor, layers: List[Any]) -> "_Graph":
    """The graph of ``layers`` called one after another on ``inputs`` (a built Sequential)."""
    x = inputs
    for layer in layers:
        x = layer(x)
    return _Graph(inputs, x)


def _get_layer(layers: List[Any], name: Optional[str], index: Optional[int]) -> Any:
    """Keras' ``Model.get_layer``: the layer named ``name``, or at ``index`` of ``layers``."""
    if index is not None and name is not None:
        raise ValueError("Provide only a layer name or a layer index. Received: "
                         f"index={index}, name={name}.")
    if index is not None:
        if len(layers) <= index:
            raise ValueError(f"Was asked to retrieve layer at index {index} but model only "
                             f"has {len(layers)} layers.")
        return layers[index]
    if name is None:
        raise ValueError("Provide either a layer name or layer index at `get_layer`.")
    for layer in layers:
        if layer.name == name:
            return layer
    raise ValueError(f"No such layer: {name}. Existing layers are: "
                     f"{[layer.name for layer in layers]}.")


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
        """``model.layers`` in Keras 3's order: by depth from the outputs (the deepest,
        the inputs, first), layers of the same depth in the order a walk from the outputs
        meets them."""
        return self._depths()[0]

    def _depths(self):
        """Keras 3's ``map_graph``: the layers ordered as ``layers`` says, and the graph's
        nodes (the Inputs' included) grouped by depth."""
        input_nodes = [t._node for t in _nest.flatten(self.inputs)]
        walked = input_nodes + self.nodes
        in_graph = {id(node) for node in walked}
        first_met = {}

        def meet(tensor, seen):
            node = tensor._node
            if id(node) in seen:
                return
            seen.add(id(node))
            first_met.setdefault(id(node.layer), len(first_met))
            for parent in node.parents() if id(node) in in_graph and not node.is_input else ():
                meet(parent, seen)

        seen = set()
        for tensor in _nest.flatten(self.outputs):
            meet(tensor, seen)
        node_depth, layer_depth = {}, {}
        for node in reversed(walked):   # from the outputs, each node after its users
            depth = max(node_depth.setdefault(id(node), 0), layer_depth.get(id(node.layer), 0))
            layer_depth[id(node.layer)] = node_depth[id(node)] = depth
            for parent in node.parents():
                if id(parent._node) in in_graph:
                    node_depth[id(parent._node)] = max(depth + 1,
                                                       node_depth.get(id(parent._node), 0))
        for node in input_nodes:   # an Input no output needs
            if id(node.layer) not in first_met:
                first_met[id(node.layer)], layer_depth[id(node.layer)] = -1, 0
        layers = {id(node.layer): node.layer for node in walked}
        order = sorted(layers, key=lambda key: (-layer_depth[key], first_met[key]))
        by_depth = {}
        for node in walked:
            by_depth.setdefault(node_depth.get(id(node), 0), []).append(node)
        return [layers[key] for key in order], by_depth

    def summary_rows(self) -> List[Tuple[Any, ...]]:
        """Keras 3's summary rows: ``(layer, output shape)`` for each of ``layers()`` when
        they form a chain, else ``(layer, output shape, connections)``."""
        layers, by_depth = self._depths()
        in_graph = {id(node) for nodes in by_depth.values() for node in nodes}
        chain = all(len(nodes) == 1 and len(nodes[0].parents()) <= 1
                    for nodes in by_depth.values())
        nodes_of = {id(layer): [n for n in layer._inbound_nodes if id(n) in in_graph]
                    for layer in layers}
        chain = chain and all(len(nodes) == 1 for nodes in nodes_of.values())
        rows = []
        for layer in layers:
            shape = _shape_of_outputs(layer._inbound_nodes[-1].outputs)
            if chain:
                rows.append((layer, shape))
            else:
                links = [_link(parent) for node in nodes_of[id(layer)] for parent in node.parents()]
                rows.append((layer, shape, ", ".join(links) or "-"))
        return rows

    def run(self, inputs: Any, training: Optional[bool] = None, mask: Any = None) -> Any:
        """The outputs for concrete ``inputs`` (the structure of the model's inputs).

        A ``training`` flag given (not None) replaces the one a layer was called with
        when the model was declared, as in Keras 3: ``base(inputs, training=False)``
        runs in training mode when the model is called with ``training=True`` (``fit``).
        ``mask`` (one per input) is attached to the inputs, as Keras 3's ``Functional``.
        """
        symbols = _nest.flatten(self.inputs)
        if isinstance(inputs, dict) and not isinstance(self.inputs, dict):
            values = _by_input_name(inputs, symbols)
        else:
            values = _nest.flatten(inputs) if isinstance(inputs, (list, tuple, dict)) else [inputs]
        if len(values) != len(symbols):
            raise ValueError(f"the model expects {len(symbols)} input(s), but it received "
                             f"{len(values)} input tensors")
        masks = [None] * len(symbols) if mask is None else _nest.flatten(mask)
        env = {}
        for t, v, m in zip(symbols, values, masks):
            value = adjust_input_rank(_as_input(v, t), t.shape, t.name)
            _masks.carry_masks(v, value)
            if m is not None:
                _masks.set_keras_mask(value, m)
            env[id(t)] = value
        for node in self.nodes:
            args = _nest.map_structure(
                lambda t: env[id(t)] if isinstance(t, KerasTensor) else t, node.inputs)
            kwargs = node.kwargs
            if training is not None and "training" in kwargs:
                kwargs = dict(kwargs, training=training)
            outputs = node.layer(args, *node.args, **kwargs)
            for symbol, value in zip(_nest.flatten(node.outputs), _nest.flatten(outputs)):
                env[id(symbol)] = value
                symbolic_mask = getattr(symbol, "_keras_mask", None)
                if symbolic_mask is not None:
                    env[id(symbolic_mask)] = _masks.get_keras_mask(value)
        return _nest.map_structure(lambda t: env[id(t)], self.outputs)


def _shape_of_outputs(outputs):
    """A layer's output shape as Keras 3's summary shows it: a tuple, or for several
    outputs a flat list of them as text (Keras' node keeps its outputs flat)."""
    flat = _nest.flatten(outputs)
    if len(flat) == 1:
        return flat[0].shape
    return "[" + ", ".join("(" + ", ".join(str(d) for d in t.shape) + ")" for t in flat) + "]"


def _link(tensor):
    """``'<layer>[<node index>][<tensor index>]'``: where a layer's input comes from."""
    node = tensor._node
    layer = node.layer
    node_index = next(i for i, n in enumerate(layer._inbound_nodes) if n is node)
    tensor_index = next(i for i, t in enumerate(_nest.flatten(node.outputs)) if t is tensor)
    return f"{layer.name}[{node_index}][{tensor_index}]"


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
        return convert_to_tensor(array, dtype=symbol._dtype if array.dtype.kind in "fiub"
                                 and symbol._dtype.is_floating else None)
    if value.dtype.is_floating and symbol._dtype.is_floating and value.dtype != symbol._dtype:
        return _ew.cast(value, symbol._dtype)
    return value
