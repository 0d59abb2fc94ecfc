"""Layers: Modules that build their weights on first call, under Keras' names.

``tf.keras.layers``: ``Dense``, ``Flatten``, ``Dropout``, ``Conv2D``,
``MaxPooling2D``, ``Embedding``, and ``Model`` and ``Sequential`` to hold them,
for models trained with a hand-written ``GradientTape`` loop::

    model = Sequential([Dense(64, activation="relu"), Dense(10)])
    with GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    grads = tape.gradient(loss, model.trainable_variables)
"""
from __future__ import annotations
import functools
import inspect
import itertools
import re
import warnings
import threading

import numpy as np

from . import activations, initializers, regularizers
from .. import nn as _nn
from .. import random as _random
from .._core.dtypes import as_dtype
from .._core.convert import convert_to_tensor
from .._core.tensor import TensorLike
from .module import Module, unique_name
from .trainer import Trainer
from . import summary as _summary
from . import functional as _functional
from .functional import KerasTensor
from . import _masks
from .. import nest as _nest
from ..rules import elementwise as _ew
from ..rules import nn as _nn_rules
from ..rules import reductions as _red
from ..rules import shape as _shape_ops
from ..rules.indexing import gather as _gather
from ..rules.linalg import _dense, matmul as _matmul
from ..composite import repeat as _repeat
from ..variables import Variable
from .._missing import missing_names as _missing_names
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union
from .._core.types import Axis, DTypeLike, ShapeLike, TensorInput


def get_activation(identifier: Any) -> Any:
    """An activation function from its Keras name, a callable, or None (identity).

    The same as ``tf.keras.activations.get``.

    >>> import gradtape as tf
    >>> tf.layers.get_activation("relu")(tf.constant([-1.0, 2.0])).numpy()
    array([0., 2.], dtype=float32)
    """
    return activations.get(identifier)


# ---------------------------------------------------------------------------
# The training flag of the outermost call
# ---------------------------------------------------------------------------

class _CallContext(threading.local):
    depth = 0
    training = None
    # the layers holding losses from ``add_loss``: cleared when a call that holds them starts
    loss_holders = ()


_context = _CallContext()


_NO_TRAINING = (False, None, None)


@functools.lru_cache(maxsize=None)
def _training_parameter(call):
    """``(takes_training, position, default)`` of a ``call`` method's ``training`` parameter.

    ``position`` counts the arguments after ``inputs`` (None if keyword-only).
    """
    try:
        parameters = list(inspect.signature(call).parameters.values())
    except (TypeError, ValueError):
        return _NO_TRAINING
    names = [p.name for p in parameters]
    if "training" not in names:
        return _NO_TRAINING
    parameter = parameters[names.index("training")]
    positional = parameter.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    default = None if parameter.default is inspect.Parameter.empty else parameter.default
    return True, (names.index("training") - 2 if positional else None), default


def _resolve_training(layer, args, kwargs):
    """Keras' rule: the flag passed, else the one of an enclosing call, else ``call``'s default.

    The resolved flag then holds for the rest of the outermost call. Returns
    the positional arguments, the flag put in place if it came among them.
    """
    takes_training, position, default = _training_parameter(type(layer).call)
    in_args = position is not None and 0 <= position < len(args)
    training = args[position] if in_args else kwargs.pop("training", None)
    if training is None:
        training = _context.training if _context.training is not None else default
    _context.training = training
    if in_args:
        return args[:position] + (training,) + args[position + 1:]
    if takes_training and training is not None:
        kwargs["training"] = training
    return args


@functools.lru_cache(maxsize=None)
def _call_parameters(call):
    """The names of a ``call`` method's parameters after ``self`` (empty if unknown)."""
    try:
        return tuple(inspect.signature(call).parameters)[1:]
    except (TypeError, ValueError):
        return ()


@functools.lru_cache(maxsize=None)
def _takes_masks(names):
    """Whether a ``call`` with these parameters takes ``mask`` or some ``x_mask``."""
    return any(name == "mask" or name.endswith("_mask") for name in names)


def _holds_tensors(value):
    """Whether an argument is a tensor, an array or a non-empty structure of them (what
    Keras counts as a tensor argument of a call)."""
    if isinstance(value, (TensorLike, np.ndarray, KerasTensor)):
        return True
    if type(value) in (list, tuple, dict) and value:
        return all(_holds_tensors(leaf) for leaf in _nest.flatten(value))
    return False


def _populate_masks(layer, inputs, args, kwargs):
    """Keras 3's rule for the masks a call receives, put in ``kwargs``: a call with one
    tensor argument gets its masks as ``mask=``; with several, each argument ``x`` gets
    its masks as ``x_mask=`` when ``call`` takes that parameter. Arguments given are
    kept. Returns the mask the outputs' masks are computed from: ``mask=``, else the
    first argument's."""
    names = _call_parameters(type(layer).call)
    positional = dict(zip(names[1:], args))
    if not _masks._MASKS and not _takes_masks(names):   # no mask to give or to pass on
        return kwargs.get("mask", positional.get("mask"))
    tensors = {names[0] if names else "inputs": inputs} if _holds_tensors(inputs) else {}
    for name, value in list(positional.items()) + list(kwargs.items()):
        if _holds_tensors(value):
            tensors[name] = value
    if len(tensors) == 1:
        wanted = {"mask": next(iter(tensors.values()))}
    else:
        wanted = {f"{name}_mask": value for name, value in tensors.items()}
    for key, value in wanted.items():
        if key in names and key not in positional and kwargs.get(key) is None:
            kwargs[key] = _masks.masks_of(value)
    mask = kwargs.get("mask", positional.get("mask"))
    return mask if mask is not None else _masks.masks_of(inputs)


def _map_leaves(fn, value):
    """``value``'s list/tuple/dict structure with ``fn`` applied to each leaf."""
    if type(value) is dict:
        return {key: _map_leaves(fn, item) for key, item in value.items()}
    if type(value) in (list, tuple):
        return type(value)(_map_leaves(fn, item) for item in value)
    return fn(value)


def _only_tensors_positionally(args):
    """Keras 3's rule: a layer's positional arguments hold tensors, arrays or None.

    >>> _only_tensors_positionally(([[2.0, 2.0]],))
    Traceback (most recent call last):
    ...
    ValueError: Only input tensors may be passed as positional arguments. The following argument value should be passed as a keyword argument: 2.0 (of type <class 'float'>)
    """
    def check(leaf):
        if leaf is not None and not isinstance(leaf, (TensorLike, np.ndarray, np.generic)):
            raise ValueError(
                "Only input tensors may be passed as positional arguments. The following "
                f"argument value should be passed as a keyword argument: {leaf} "
                f"(of type {type(leaf)})")
    _map_leaves(check, args)


def _shape_of(inputs):
    shape = getattr(inputs, "shape", None)
    return None if shape is None else tuple(shape)


def _sample_shape(shape, who):
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    if not all(d is None or (isinstance(d, (int, np.integer)) and d >= 0) for d in shape):
        raise ValueError(f"{getattr(who, 'name', who)}: an input shape holds sizes (or None), "
                         f"got {shape!r}")
    return shape


class InputSpec:
    """The shape (without the batch axis) and dtype of a ``Sequential`` model's inputs.

    >>> import gradtape as tf
    >>> tf.keras.layers.InputSpec(shape=(28, 28))
    InputSpec(shape=(28, 28), dtype=float32)
    """

    def __init__(self, shape: Optional[ShapeLike], dtype: Optional[DTypeLike] = None,
                 name: Optional[str] = None) -> None:
        self.shape = _sample_shape(shape, "Input")
        self.dtype = as_dtype(dtype or "float32")
        self.name = name

    def __repr__(self):
        return f"InputSpec(shape={self.shape}, dtype={self.dtype.name})"


# ---------------------------------------------------------------------------
# Layer
# ---------------------------------------------------------------------------

def _snake_case(class_name):
    """Keras' default layer name for a class: ``'Conv2D'`` -> ``'conv2d'``
    (``tf.Module``'s rule, ``camel_to_snake``, gives ``'conv2_d'``).

    >>> _snake_case("ZeroPadding2D"), _snake_case("MyDenseLayer")
    ('zero_padding2d', 'my_dense_layer')
    """
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", class_name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def _marking_built(build):
    """``build`` that marks the layer built, as Keras: a layer built by hand
    (``layer.build(shape)``) keeps its weights on its first call."""
    if getattr(build, "_marks_built", False):
        return build

    @functools.wraps(build)
    def build_and_mark(self, *args, **kwargs):
        result = build(self, *args, **kwargs)
        self.built = True
        return result
    build_and_mark._marks_built = True
    return build_and_mark


#: the ids (``_uid``, never reused) of the Variables made by a layer's
#: ``add_weight``: the ones Keras collects
_LAYER_WEIGHTS = set()


def _positional_weight_args(args: tuple, shape: Any, initializer: Any, dtype: Any) -> tuple:
    """Fold ``add_weight``'s positional ``(shape, initializer, dtype)`` in, as Keras 3 does."""
    if len(args) > 3:
        raise TypeError(f"add_weight() takes at most 3 positional arguments but {len(args)} were given.")
    if args and isinstance(args[0], str):
        raise ValueError(
            "`name` must be passed as a keyword argument. "
            f"Received: add_weight('{args[0]}', ...). Use: add_weight(shape=..., name='{args[0]}').")
    given = [shape, initializer, dtype]
    for i, (label, value) in enumerate(zip(("shape", "initializer", "dtype"), args)):
        if given[i] is not None:
            raise ValueError(f"`{label}` was passed both positionally and as a keyword argument.")
        given[i] = value
    return tuple(given)


class Layer(Module):
    """A Module that creates its weights on first call from the input's shape.

    Subclasses implement ``build(input_shape)`` (create weights with
    ``add_weight``) and ``call(inputs, training=None)``.

    >>> import gradtape as tf
    >>> class Scale(tf.layers.Layer):
    ...     def build(self, input_shape):
    ...         self.scale = self.add_weight((input_shape[-1],), initializer="ones", name="scale")
    ...     def call(self, inputs, training=None):
    ...         return inputs * self.scale
    >>> layer = Scale()
    >>> layer(tf.constant([[1.0, 2.0]])).numpy(), layer.built
    (array([[1., 2.]], dtype=float32), True)
    """

    # bookkeeping that holds Variables or tensors but is not the layer's state
    _IGNORED = frozenset({"_losses", "_regularizers"})

    def __init__(self, name: Optional[str] = None, trainable: bool = True,
                 dtype: Optional[DTypeLike] = None, input_shape: Optional[ShapeLike] = None,
                 input_dim: Optional[int] = None, activity_regularizer: Any = None) -> None:
        super().__init__(name=name or unique_name(_snake_case(type(self).__name__)))
        self._losses = []
        self._regularizers = {}   # id(weight) -> (weight, regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.built = False
        self._trainable = bool(trainable)
        self._dtype = as_dtype(dtype or "float32")
        if input_dim is not None:
            input_shape = (input_dim,)
        if input_shape is not None:
            warnings.warn("Do not pass an `input_shape`/`input_dim` argument to a layer. When "
                          "using Sequential models, prefer using an `Input(shape)` object as the "
                          "first layer in the model instead.", UserWarning, stacklevel=2)
        # the shape of one sample, for a Sequential model that starts with this layer
        self._input_shape = None if input_shape is None else _sample_shape(input_shape, self)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "build" in cls.__dict__:
            cls.build = _marking_built(cls.__dict__["build"])

    _KERAS = True
    # add_weight's record and the weights' penalties: bookkeeping, not weight paths (a
    # dict keyed by id would list the weights in memory order)
    _IGNORED = frozenset({"_weights_made", "_made_frozen", "_regularizers", "_losses"})

    def __setstate__(self, state):
        # a copy (pickle, deepcopy, another process) has new Variables: Keras collects them
        self.__dict__.update(state)
        _LAYER_WEIGHTS.update(var._uid for var in state.get("_weights_made", ()))

    @staticmethod
    def _valid_name(name):
        return isinstance(name, str) and bool(name)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"

    @property
    def input(self) -> Any:
        """The symbolic input of this layer's first call on ``KerasTensor``s (Keras').

        >>> import gradtape as tf
        >>> inputs = tf.keras.Input(shape=(3,))
        >>> dense = tf.keras.layers.Dense(2)
        >>> dense(inputs).shape, dense.input is inputs
        ((None, 2), True)
        """
        return _functional._first_node(self, "input").inputs

    @property
    def output(self) -> Any:
        """The symbolic output of this layer's first call on ``KerasTensor``s (Keras').

        >>> import gradtape as tf
        >>> tf.keras.layers.Dense(2, name="fresh").output
        Traceback (most recent call last):
        AttributeError: The layer fresh has never been called and thus has no defined output.
        """
        return _functional._first_node(self, "output").outputs

    def _tracks(self, leaf):
        """Whether Keras collects ``leaf``: weights made by ``add_weight`` and
        sub-layers; as Keras 3, not a plain ``tf.Variable`` or ``tf.Module`` attribute.

        >>> import gradtape as tf
        >>> class Raw(tf.keras.layers.Layer):
        ...     def build(self, input_shape):
        ...         self.w = tf.Variable(tf.ones([input_shape[-1], 1]))
        ...         self.k = self.add_weight((1,), initializer="ones", name="k")
        ...     def call(self, x):
        ...         return x @ self.w + self.k
        >>> layer = Raw(name="raw")
        >>> _ = layer(tf.ones((1, 2)))
        >>> [v.name for v in layer.variables]
        ['raw/k:0']
        """
        if isinstance(leaf, Module):
            return leaf._KERAS
        return not isinstance(leaf, Variable) or leaf._uid in _LAYER_WEIGHTS

    @staticmethod
    def _attribute_order(attrs):
        # Keras' order: weights and sub-layers as they were assigned, not sorted by name
        return list(attrs)

    @property
    def variables(self) -> List[Any]:
        """This layer's Variables, then each sub-layer's, in assignment order (a list)."""
        return list(super().variables)

    @property
    def trainable_variables(self) -> List[Any]:
        """The trainable Variables among ``variables`` (a list)."""
        return list(super().trainable_variables)

    @property
    def non_trainable_variables(self) -> List[Any]:
        """The Variables among ``variables`` that are not trainable (a list)."""
        return list(super().non_trainable_variables)

    @property
    def dtype(self) -> Any:
        """The dtype of this layer's weights and outputs (float32 unless given)."""
        return self._dtype

    @property
    def trainable(self) -> bool:
        """Whether this layer's weights train; setting it freezes or unfreezes them all
        (but weights made with ``trainable=False``, such as BatchNormalization's moving
        statistics, stay non-trainable).

        >>> import gradtape as tf
        >>> bn = tf.keras.layers.BatchNormalization()
        >>> bn.build((None, 3))
        >>> bn.trainable = False
        >>> bn.trainable = True
        >>> len(bn.trainable_weights), len(bn.non_trainable_weights)
        (2, 2)
        """
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        value = bool(value)
        layers = (self,) + tuple(m for m in self.submodules if isinstance(m, Layer))
        made_frozen = set()
        for layer in layers:
            layer._trainable = value
            made_frozen.update(id(var) for var in layer.__dict__.get("_made_frozen", ()))
        for var in self.variables:
            var._trainable = value and id(var) not in made_frozen

    @property
    def weights(self) -> List[Any]:
        """Keras' name for ``variables`` (a list)."""
        return list(self.variables)

    @property
    def trainable_weights(self) -> List[Any]:
        """Keras' name for ``trainable_variables`` (a list)."""
        return list(self.trainable_variables)

    @property
    def non_trainable_weights(self) -> List[Any]:
        """Keras' name for ``non_trainable_variables`` (a list)."""
        return list(self.non_trainable_variables)

    def count_params(self) -> int:
        """How many numbers the layer's weights hold (Keras raises ``ValueError`` before the
        layer is built).

        >>> import gradtape as tf
        >>> layer = tf.keras.layers.Dense(2)
        >>> layer.build((None, 3))
        >>> layer.count_params()
        8
        """
        if not self.built:
            raise ValueError(f"You tried to call `count_params` on layer '{self.name}', but the "
                             "layer isn't built. You can build it manually via: "
                             "`layer.build(input_shape)`.")
        return _summary._count(self.weights)

    def get_weights(self) -> List[Any]:
        """The values of ``weights``, as NumPy arrays (a list).

        >>> import gradtape as tf
        >>> layer = tf.keras.layers.Dense(2, kernel_initializer="ones")
        >>> _ = layer(tf.ones((1, 1)))
        >>> layer.get_weights()
        [array([[1., 1.]], dtype=float32), array([0., 0.], dtype=float32)]
        """
        return [var.numpy() for var in self.weights]

    def set_weights(self, weights: Any) -> None:
        """Assign NumPy arrays to ``weights``, in their order (as ``get_weights`` gives them).

        >>> import gradtape as tf
        >>> layer = tf.keras.layers.Dense(1)
        >>> _ = layer(tf.ones((1, 2)))
        >>> layer.set_weights([[[2.0], [3.0]], [1.0]])
        >>> layer(tf.ones((1, 2))).numpy()
        array([[6.]], dtype=float32)
        """
        variables = self.weights
        weights = list(weights)
        if len(weights) != len(variables):
            raise ValueError(f"{type(self).__name__} '{self.name}'.set_weights: expected "
                             f"{len(variables)} arrays, got {len(weights)}")
        for var, value in zip(variables, weights):
            value = np.asarray(value)
            if value.shape != tuple(var.shape):
                raise ValueError(f"{type(self).__name__} '{self.name}'.set_weights: {var.name} "
                                 f"has shape {tuple(var.shape)}, got an array of shape "
                                 f"{value.shape}")
        for var, value in zip(variables, weights):
            var.assign(np.asarray(value, var.dtype._np))

    def add_weight(self, *args: Any, shape: Optional[ShapeLike] = None, initializer: Any = None,
                   dtype: Optional[DTypeLike] = None, name: Optional[str] = None,
                   trainable: bool = True, constraint: Any = None, regularizer: Any = None) -> Any:
        """Create a Variable named ``'<layer>/<name>'`` filled by ``initializer``.

        As in Keras 3, only ``shape``, ``initializer`` and ``dtype`` may be
        passed by position (a name given first raises ``ValueError``); the
        initializer defaults to ``glorot_uniform`` for floats and ``zeros``
        otherwise. A ``regularizer`` puts its penalty of the weight in
        ``losses`` (while it is trainable).

        >>> import gradtape as tf
        >>> layer = tf.layers.Layer(name="block")
        >>> layer.add_weight((2,), initializer="zeros", name="offset")
        <tf.Variable 'block/offset:0' shape=(2,) dtype=float32, numpy=array([0., 0.], dtype=float32)>
        """
        shape, initializer, dtype = _positional_weight_args(args, shape, initializer, dtype)
        dt = as_dtype(dtype or self._dtype)
        if initializer is None:
            initializer = "glorot_uniform" if dt.is_floating else "zeros"
        value = initializers.get(initializer)(tuple(int(d) for d in shape or ()), dtype=dt)
        var = Variable(value, trainable=trainable and self._trainable,
                       name=f"{self.name}/{name or 'weight'}", dtype=dt, constraint=constraint)
        _LAYER_WEIGHTS.add(var._uid)
        self.__dict__.setdefault("_weights_made", []).append(var)
        if not trainable:   # stays non-trainable when the layer is unfrozen (moving statistics)
            self.__dict__.setdefault("_made_frozen", []).append(var)
        regularizer = regularizers.get(regularizer)
        if regularizer is not None:
            self._regularizers[id(var)] = (var, regularizer)
        return var

    # -- losses ----------------------------------------------------------
    def add_loss(self, loss: Any) -> None:
        """Keep ``loss`` (a scalar tensor, or a structure of them) in ``losses``, from ``call``.

        ``losses`` is emptied when the outermost layer's next call starts, so it
        holds the losses of the last forward pass.

        >>> import gradtape as tf
        >>> class Penalized(tf.keras.layers.Layer):
        ...     def call(self, inputs):
        ...         self.add_loss(0.5 * tf.reduce_sum(inputs))
        ...         return inputs
        >>> layer = Penalized()
        >>> _ = layer(tf.ones((2, 2)))
        >>> _ = layer(tf.ones((2, 2)))
        >>> [float(loss) for loss in layer.losses]
        [2.0]
        """
        values = _nest.flatten(loss)
        for value in values:
            if not isinstance(value, TensorLike):
                raise ValueError("`add_loss()` can only be called from inside `build()` or "
                                 f"`call()`, on a tensor input. Received invalid value: {value}")
        self._losses.extend(values)
        if self not in _context.loss_holders:
            _context.loss_holders = _context.loss_holders + (self,)

    @property
    def losses(self) -> List[Any]:
        """The ``add_loss`` values of this layer and its sub-layers from the last call,
        then the penalties of the trainable weights that have a regularizer (a list).

        >>> import gradtape as tf
        >>> layer = tf.keras.layers.Dense(1, kernel_initializer="ones",
        ...                               kernel_regularizer=tf.keras.regularizers.l2(0.5))
        >>> _ = layer(tf.ones((1, 2)))
        >>> [float(loss) for loss in layer.losses]
        [1.0]
        """
        layers = self._layers_within()
        losses = [loss for layer in layers for loss in layer._losses]
        penalties = {}
        for layer in layers:
            penalties.update(layer._regularizers)
        for var in self.trainable_weights:
            if id(var) in penalties:
                losses.append(penalties[id(var)][1](var))
        return losses

    def _layers_within(self):
        """This layer, then every layer reachable from it."""
        return [self] + [m for m in self.submodules if isinstance(m, Layer)]

    def _clear_losses(self):
        """Empty ``losses`` of this layer and its sub-layers (a new forward pass starts)."""
        cleared = set()
        for layer in self._layers_within():
            layer._losses = []
            cleared.add(id(layer))
        _context.loss_holders = tuple(h for h in _context.loss_holders if id(h) not in cleared)

    def _add_activity_losses(self, outputs):
        """Keras' activity penalty of each output, divided by the batch size."""
        for output in _nest.flatten(outputs):
            if isinstance(output, TensorLike):
                loss = self.activity_regularizer(output)
                if output.ndim > 0:
                    loss = _ew.divide_no_nan(loss, _ew.cast(convert_to_tensor(output.shape[0]),
                                                         loss.dtype))
                self.add_loss(loss)

    # -- configuration ---------------------------------------------------
    def get_config(self) -> Dict[str, Any]:
        """The layer's name, trainability and dtype (Keras 3's dict); subclasses add their
        ``__init__`` arguments to it, so that ``from_config`` rebuilds the layer.

        >>> import gradtape as tf
        >>> config = tf.keras.layers.Layer(name="block").get_config()
        >>> config["name"], config["trainable"], config["dtype"]["config"]
        ('block', True, {'name': 'float32'})
        """
        config = {"name": self.name}
        if self.activity_regularizer is not None:
            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        config["trainable"] = self.trainable
        config["dtype"] = {"module": "keras", "class_name": "DTypePolicy",
                           "config": {"name": self.dtype.name}, "registered_name": None}
        return config

    @classmethod
    def from_config(cls, config: Dict[str, Any]) -> Any:
        """A new layer from ``get_config()``'s dict: ``cls(**config)``.

        >>> import gradtape as tf
        >>> tf.keras.layers.Layer.from_config({"name": "copy"}).name
        'copy'
        """
        config = dict(config)
        dtype = config.get("dtype")
        if isinstance(dtype, dict):
            config["dtype"] = dtype.get("config", {}).get("name")
        return cls(**config)

    # -- masking -------------------------------------------------------
    @property
    def supports_masking(self) -> bool:
        """Whether the layer passes masks on: its outputs get ``compute_mask``'s masks (by
        default, a layer that overrides ``compute_mask``; settable, as in Keras). A layer
        that does not drops the mask of its input, with a warning.

        >>> import gradtape as tf
        >>> tf.keras.layers.Dense(2).supports_masking, tf.keras.layers.Flatten().supports_masking
        (True, False)
        """
        value = self.__dict__.get("_supports_masking")
        if value is None:
            return type(self).compute_mask is not Layer.compute_mask
        return value

    @supports_masking.setter
    def supports_masking(self, value: bool) -> None:
        self.__dict__["_supports_masking"] = bool(value)

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        """The mask of the outputs for ``inputs`` whose mask is ``previous_mask`` (by
        default ``previous_mask``, unchanged).

        >>> import gradtape as tf
        >>> layer = tf.keras.layers.Embedding(5, 2, mask_zero=True)
        >>> layer.compute_mask(tf.constant([[3, 0]])).numpy()
        array([[ True, False]])
        """
        return previous_mask

    def _populate_masks(self, inputs, args, kwargs):
        return _populate_masks(self, inputs, args, kwargs)

    def _first_argument(self, inputs):
        """The first argument of ``call`` (what ``compute_mask`` is given)."""
        return inputs

    def _set_mask_metadata(self, inputs, outputs, previous_mask):
        """Attach ``compute_mask``'s masks to the outputs that have none (Keras 3)."""
        flat_outputs = _nest.flatten(outputs)
        if all(_masks.get_keras_mask(x) is not None for x in flat_outputs):
            return
        output_masks = self.compute_mask(inputs, previous_mask)
        if output_masks is None:
            return
        for tensor, mask in zip(flat_outputs, _nest.flatten(output_masks)):
            if mask is not None and isinstance(tensor, TensorLike) \
                    and _masks.get_keras_mask(tensor) is None:
                _masks.set_keras_mask(tensor, mask)

    @_marking_built
    def build(self, input_shape: ShapeLike) -> None:
        """Create the weights for inputs of ``input_shape`` (nothing by default)."""

    def call(self, inputs: TensorInput, training: Optional[bool] = None) -> Any:
        """The computation; subclasses override it."""
        return inputs

    def _build_on_first_call(self, inputs):
        self.build(_shape_of(inputs))
        self.built = True

    def _cast_inputs(self, inputs):
        """Floating inputs take the layer's dtype, as Keras' autocasting does.

        A list, tuple or dict reaches a subclass's ``call`` as it is, each
        tensor cast; gradtape's own layers take it as one tensor (as Keras'
        ops convert it)."""
        if type(inputs) in (list, tuple, dict) and type(self).call.__module__ != __name__:
            return _map_leaves(self._cast_inputs, inputs)
        if inputs is None:
            return None
        if not isinstance(inputs, TensorLike):
            array = np.asarray(inputs)
            return convert_to_tensor(array, dtype=self._dtype if array.dtype.kind == "f" else None)
        if inputs.dtype.is_floating and inputs.dtype != self._dtype:
            return _ew.cast(inputs, self._dtype)
        return inputs

    def __call__(self, inputs: TensorInput, *args: Any, **kwargs: Any) -> Any:
        if _functional._is_symbolic(inputs):
            return _functional._call_symbolic(self, inputs, args, kwargs)
        _only_tensors_positionally((inputs,) + args)
        given = inputs
        inputs = self._cast_inputs(inputs)
        if _masks._MASKS:
            _masks.carry_masks(given, inputs)
        if not self.built:
            self._build_on_first_call(inputs)
        args = _resolve_training(self, args, kwargs)
        previous_mask = self._populate_masks(inputs, args, kwargs)
        if _context.depth == 0 and _context.loss_holders:
            self._clear_losses()
        _context.depth += 1
        try:
            outputs = self.call(inputs, *args, **kwargs)
            if self.activity_regularizer is not None:
                self._add_activity_losses(outputs)
            has_mask = _masks.any_mask(previous_mask)
            if self.supports_masking:
                if has_mask or type(self).compute_mask is not Layer.compute_mask:
                    self._set_mask_metadata(self._first_argument(inputs), outputs,
                                            previous_mask)
            elif has_mask:
                warnings.warn(
                    f"Layer '{self.name}' (of type {type(self).__name__}) was passed an input "
                    "with a mask attached to it. However, this layer does not support masking "
                    "and will therefore destroy the mask information. Downstream layers will "
                    "not see the mask.", UserWarning, stacklevel=2)
            return outputs
        finally:
            _context.depth -= 1
            if _context.depth == 0:
                _context.training = None


class InputLayer(Layer):
    """The layer behind ``Input``: it holds no weights and passes its input through.

    >>> import gradtape as tf
    >>> inputs = tf.keras.Input(shape=(3,), name="digits")
    >>> model = tf.keras.Model(inputs, tf.keras.layers.Dense(2)(inputs))
    >>> type(model.layers[0]).__name__, model.layers[0].name
    ('InputLayer', 'digits')
    """

    def __init__(self, shape: Optional[ShapeLike] = None, batch_size: Optional[int] = None,
                 dtype: Optional[DTypeLike] = None, name: Optional[str] = None,
                 batch_shape: Optional[ShapeLike] = None, **kwargs: Any) -> None:
        shape, batch_size = _input_layer_shape(shape, batch_size, batch_shape, kwargs)
        super().__init__(name=name or unique_name("input_layer"), dtype=dtype)
        self.batch_size = batch_size
        _functional._input_tensor(self, (batch_size,) + _sample_shape(shape, "Input"),
                                 self.dtype, name)
        self.built = True


def _input_layer_shape(shape, batch_size, batch_shape, kwargs):
    """``InputLayer``'s ``(shape, batch_size)`` from ``shape``, ``batch_shape`` or Keras 2's
    ``input_shape`` (deprecated, with Keras 3's warning)."""
    if "input_shape" in kwargs:
        warnings.warn("Argument `input_shape` is deprecated. Use `shape` instead.", UserWarning,
                      stacklevel=3)
        shape = kwargs.pop("input_shape")
    if shape is not None and batch_shape is not None:
        raise ValueError("You cannot pass both `shape` and `batch_shape` at the same time.")
    if batch_shape is not None:
        shape, batch_size = tuple(batch_shape)[1:], tuple(batch_shape)[0]
    if shape is None:
        raise ValueError("You must pass a `shape` argument.")
    if kwargs:
        raise TypeError(f"InputLayer: unexpected keyword arguments {sorted(kwargs)}")
    return shape, batch_size


def Input(shape: Optional[ShapeLike] = None, batch_size: Optional[int] = None,
          dtype: Optional[DTypeLike] = None, name: Optional[str] = None,
          batch_shape: Optional[ShapeLike] = None) -> KerasTensor:
    """A model's symbolic input of one sample's ``shape`` (the batch axis is added), or
    of ``batch_shape`` (the batch axis included).

    Start a functional model with it, or a ``Sequential`` model (which then
    builds its weights at once).

    >>> import gradtape as tf
    >>> inputs = tf.keras.Input(shape=(5,))
    >>> outputs = tf.keras.layers.Dense(3)(inputs)
    >>> outputs.shape
    (None, 3)
    >>> model = tf.keras.Model(inputs=inputs, outputs=outputs)
    >>> model(tf.ones((2, 5))).shape
    TensorShape([2, 3])
    >>> tf.keras.Input(batch_shape=(16, 10, 5)).shape
    (16, 10, 5)
    """
    return InputLayer(shape, batch_size=batch_size, dtype=dtype, name=name,
                      batch_shape=batch_shape).output


class Dense(Layer):
    """A fully connected layer: ``activation(inputs @ kernel + bias)``.

    The kernel's input size is taken from the first input it sees.

    >>> import gradtape as tf
    >>> layer = tf.layers.Dense(3, activation="relu", kernel_initializer="ones")
    >>> layer(tf.constant([[1.0, -2.0]])).numpy()
    array([[0., 0., 0.]], dtype=float32)
    >>> [v.name for v in layer.trainable_variables]   # doctest: +ELLIPSIS
    ['dense.../kernel:0', 'dense.../bias:0']
    """

    def __init__(self, units: int, activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 name: Optional[str] = None, trainable: bool = True, dtype: Optional[DTypeLike] = None,
                 **kwargs: Any) -> None:
        if not isinstance(units, (int, np.integer)) or isinstance(units, bool) or units <= 0:
            raise ValueError(f"Dense: units must be a positive integer, got {units!r}")
        super().__init__(name=name, trainable=trainable, dtype=dtype, **kwargs)
        self.units = int(units)
        self.activation = get_activation(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel = None
        self.bias = None

    def build(self, input_shape: ShapeLike) -> None:
        if len(input_shape) < 1 or input_shape[-1] is None:
            raise ValueError(f"Dense '{self.name}': inputs need a known last dimension, "
                             f"got shape {tuple(input_shape)}")
        self.kernel = self.add_weight((input_shape[-1], self.units), self.kernel_initializer,
                                      name="kernel", regularizer=self.kernel_regularizer)
        if self.use_bias:
            self.bias = self.add_weight((self.units,), self.bias_initializer, name="bias",
                                        regularizer=self.bias_regularizer)

    def call(self, inputs: TensorInput, training: Optional[bool] = None) -> Any:
        expected = self.kernel.shape[0]
        if not inputs.dtype.is_floating:  # Keras' matmul promotes integers to the kernel's dtype
            inputs = _ew.cast(inputs, self.kernel.dtype)
        if inputs.ndim < 2:
            raise ValueError(f"Dense '{self.name}': expected inputs with a batch axis "
                             f"(at least 2 dimensions), got shape {tuple(inputs.shape)}")
        if inputs.shape[-1] != expected:
            raise ValueError(
                f"Dense '{self.name}': expected inputs whose last dimension is {expected}, "
                f"got shape {tuple(inputs.shape)}")
        if inputs.ndim == 2 and self.use_bias:
            return self.activation(_dense(inputs, self.kernel, self.bias))
        if inputs.ndim == 2:
            out = _matmul(inputs, self.kernel)
        else:
            flat = _shape_ops.reshape(inputs, (-1, expected))
            out = _shape_ops.reshape(_matmul(flat, self.kernel),
                                     tuple(inputs.shape[:-1]) + (self.units,))
        if self.use_bias:
            out = out + self.bias
        return self.activation(out)


class Dropout(Layer):
    """Zero a fraction ``rate`` of the inputs while training, scaling the rest by ``1 / (1 - rate)``.

    Outside training (``training`` None or False) it passes inputs through.

    >>> import gradtape as tf
    >>> drop = tf.layers.Dropout(0.5, seed=0)
    >>> x = tf.ones((1, 6))
    >>> drop(x).numpy()
    array([[1., 1., 1., 1., 1., 1.]], dtype=float32)
    >>> sorted(set(drop(x, training=True).numpy().ravel().tolist())) in ([0.0, 2.0], [0.0], [2.0])
    True
    """

    def __init__(self, rate: float, noise_shape: Optional[ShapeLike] = None, seed: Optional[int] = None,
                 name: Optional[str] = None, dtype: Optional[DTypeLike] = None, **kwargs: Any) -> None:
        if not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
            raise ValueError(f"Dropout: rate must be a number in [0, 1], got {rate!r}")
        super().__init__(name=name, trainable=True, dtype=dtype, **kwargs)
        self.rate = float(rate)
        self.noise_shape = noise_shape
        self._rng = np.random.default_rng(seed) if seed is not None else None

    def _noise_shape(self, inputs):
        """The shape of the keep mask; Keras' ``None`` entries take the input's size."""
        if self.noise_shape is None:
            return tuple(inputs.shape)
        return tuple(int(d) if n is None else int(n)
                     for n, d in zip(self.noise_shape, inputs.shape))

    def call(self, inputs: TensorInput, training: Optional[bool] = None) -> Any:
        if not training or self.rate == 0:
            return inputs
        if self.rate == 1:  # as Keras: zeros, with no gradient
            return _ew.zeros_like(inputs)
        shape = self._noise_shape(inputs)
        draw = _random._draw("uniform", shape, np.float64, None, 0.0, 1.0, self._rng)
        return inputs * _nn_rules._keep_mask(draw, self.rate, inputs)


_TRAINING_LOOP = ("write the training loop with a GradientTape: "
                  "`with tf.GradientTape() as tape: loss = loss_fn(y, model(x, training=True))`, "
                  "then `grads = tape.gradient(loss, model.trainable_variables)` and "
                  "`optimizer.apply_gradients(zip(grads, model.trainable_variables))`")
_UNSUPPORTED = {
    "train_on_batch": _TRAINING_LOOP,
    "test_on_batch": "call the model with training=False and update metric objects: "
                     "`metric.update_state(y, model(x, training=False))`",
    "save": "save the weights with `gradtape.train.Checkpoint(model=model).write(path)`",
    "save_weights": "save the weights with `gradtape.train.Checkpoint(model=model).write(path)`",
    "load_weights": "restore the weights with `gradtape.train.Checkpoint(model=model).read(path)`",
}


class Activation(Layer):
    """Apply an activation function (a name from ``tf.keras.activations`` or a callable).

    >>> import gradtape as tf
    >>> tf.keras.layers.Activation("relu")(tf.constant([[-1.0, 2.0]])).numpy()
    array([[0., 2.]], dtype=float32)
    """

    def __init__(self, activation: Any, name: Optional[str] = None,
                 dtype: Optional[DTypeLike] = None, **kwargs: Any) -> None:
        super().__init__(name=name, dtype=dtype, **kwargs)
        self.activation = get_activation(activation)

    def call(self, inputs: TensorInput) -> Any:
        return self.activation(inputs)


class ReLU(Layer):
    """``tf.keras.activations.relu`` as a layer, with its ``max_value``,
    ``negative_slope`` and ``threshold``.

    >>> import gradtape as tf
    >>> tf.keras.layers.ReLU(max_value=1.0)(tf.constant([[-1.0, 2.0]])).numpy()
    array([[0., 1.]], dtype=float32)
    """

    def __init__(self, max_value: Optional[float] = None, negative_slope: float = 0.0,
                 threshold: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0.0:
            raise ValueError("max_value of a ReLU layer cannot be a negative value. "
                             f"Received: max_value={max_value}")
        if negative_slope is None or negative_slope < 0.0:
            raise ValueError("negative_slope of a ReLU layer cannot be None or a negative "
                             f"value. Received: negative_slope={negative_slope}")
        if threshold is None or threshold < 0.0:
            raise ValueError("threshold of a ReLU layer cannot be None or a negative value. "
                             f"Received: threshold={threshold}")
        self.max_value, self.negative_slope, self.threshold = max_value, negative_slope, threshold

    def call(self, inputs: TensorInput) -> Any:
        return activations.relu(inputs, negative_slope=self.negative_slope,
                                max_value=self.max_value, threshold=self.threshold)


def _broadcastable_mask(mask, inputs):
    """``mask`` as booleans (True above 0.5), checked to broadcast to ``inputs`` (Keras')."""
    mask = convert_to_tensor(mask)
    if mask.ndim > inputs.ndim:
        raise ValueError("The `mask` must be broadcastable to `inputs` and must not have "
                         f"more dimensions. Received: inputs.shape={tuple(inputs.shape)}, "
                         f"mask.shape={tuple(mask.shape)}")
    for m_dim, i_dim in zip(tuple(mask.shape)[::-1], tuple(inputs.shape)[::-1]):
        if m_dim is not None and i_dim is not None and m_dim not in (1, i_dim):
            raise ValueError("The `mask` must be broadcastable to `inputs`. Each mask "
                             "dimension must be 1 or match the corresponding input dimension. "
                             f"Received: inputs.shape={tuple(inputs.shape)}, "
                             f"mask.shape={tuple(mask.shape)}")
    if mask.dtype.name != "bool":
        mask = _ew.greater(mask, _ew.cast(0.5, mask.dtype))
    return mask


class Softmax(Layer):
    """``tf.keras.activations.softmax`` along ``axis`` as a layer (so the
    cross-entropy losses take its output through its logits, as Keras).

    >>> import gradtape as tf
    >>> tf.keras.layers.Softmax()(tf.constant([[0.0, 0.0]])).numpy()
    array([[0.5, 0.5]], dtype=float32)
    """

    def __init__(self, axis: Axis = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs: TensorInput, mask: Any = None) -> Any:
        if isinstance(self.axis, (tuple, list)) and len(self.axis) > 1:
            raise NotImplementedError("Softmax: a softmax over several axes is not supported")
        axis = self.axis[0] if isinstance(self.axis, (tuple, list)) else self.axis
        if mask is None:
            return activations.softmax(inputs, axis=axis)
        # as Keras: masked entries enter as -1e9 (-3e4 in float16) and come out as zeros
        mask = _broadcastable_mask(mask, inputs)
        low = -3e4 if inputs.dtype.name == "float16" else -1e9
        outputs = activations.softmax(_ew.where(mask, inputs, _ew.cast(low, inputs.dtype)),
                                      axis=axis)
        return _ew.where(mask, outputs, _ew.zeros_like(outputs))


class LeakyReLU(Layer):
    """``tf.keras.activations.leaky_relu`` as a layer (Keras 3's default slope: 0.3).

    >>> import gradtape as tf
    >>> tf.keras.layers.LeakyReLU()(tf.constant([[-1.0, 2.0]])).numpy()
    array([[-0.3,  2. ]], dtype=float32)
    """

    def __init__(self, negative_slope: float = 0.3, **kwargs: Any) -> None:
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            warnings.warn("Argument `alpha` is deprecated. Use `negative_slope` instead.",
                          UserWarning, stacklevel=2)
        super().__init__(**kwargs)
        if negative_slope is None or negative_slope < 0:
            raise ValueError("The negative_slope value of a Leaky ReLU layer cannot be None or "
                             f"negative value. Expected a float. Received: "
                             f"negative_slope={negative_slope}")
        self.negative_slope = negative_slope

    def call(self, inputs: TensorInput) -> Any:
        return activations.leaky_relu(inputs, negative_slope=self.negative_slope)


class ELU(Layer):
    """``tf.keras.activations.elu`` as a layer.

    >>> import gradtape as tf
    >>> tf.keras.layers.ELU(alpha=2.0)(tf.constant([[0.0, 2.0]])).numpy()
    array([[0., 2.]], dtype=float32)
    """

    def __init__(self, alpha: float = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.alpha = alpha

    def call(self, inputs: TensorInput) -> Any:
        return activations.elu(inputs, alpha=self.alpha)


class PReLU(Layer):
    """A leaky ReLU whose slopes below zero, ``alpha``, are trainable weights
    (one per input entry of a sample, shared along ``shared_axes``).

    >>> import gradtape as tf
    >>> layer = tf.keras.layers.PReLU(alpha_initializer=tf.keras.initializers.Constant(0.5))
    >>> layer(tf.constant([[-2.0, 2.0]])).numpy(), tuple(layer.alpha.shape)
    (array([[-1.,  2.]], dtype=float32), (2,))
    """

    def __init__(self, alpha_initializer: Any = "zeros", alpha_regularizer: Any = None,
                 alpha_constraint: Any = None, shared_axes: Any = None, **kwargs: Any) -> None:
        if alpha_regularizer is not None:
            raise NotImplementedError("PReLU: alpha_regularizer is not supported; add the "
                                      "penalty to the loss instead")
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_constraint = alpha_constraint
        self.shared_axes = (None if shared_axes is None else
                            list(shared_axes) if isinstance(shared_axes, (list, tuple))
                            else [shared_axes])
        self.alpha = None

    def build(self, input_shape: ShapeLike) -> None:
        shape = list(input_shape[1:])
        for axis in self.shared_axes or ():
            shape[axis - 1] = 1
        self.alpha = self.add_weight(tuple(shape), self.alpha_initializer, name="alpha",
                                     constraint=self.alpha_constraint)

    def call(self, inputs: TensorInput) -> Any:
        return activations.relu(inputs) + -self.alpha * activations.relu(-inputs)


class Identity(Layer):
    """The inputs, unchanged.

    >>> import gradtape as tf
    >>> tf.keras.layers.Identity()(tf.constant([[1.0]])).numpy()
    array([[1.]], dtype=float32)
    """

    def call(self, inputs: TensorInput) -> Any:
        return inputs


class Rescaling(Layer):
    """``inputs * scale + offset``, in the layer's dtype (pixels to ``[0, 1]``: ``scale=1/255``).

    >>> import gradtape as tf
    >>> tf.keras.layers.Rescaling(1 / 255)(tf.constant([[0, 255]])).numpy()
    array([[0., 1.]], dtype=float32)
    """

    def __init__(self, scale: Any, offset: Any = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scale, self.offset = scale, offset

    def call(self, inputs: TensorInput) -> Any:
        dtype = self.dtype
        return (_ew.cast(inputs, dtype) * _ew.cast(convert_to_tensor(self.scale), dtype)
                + _ew.cast(convert_to_tensor(self.offset), dtype))


def _refuse(method):
    def refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            f"{type(self).__name__}.{method}() is not supported: gradtape has Keras' "
            f"compile, fit and evaluate but not this method; {_UNSUPPORTED[method]}")
    refuse.__name__ = refuse.__qualname__ = method
    refuse.__doc__ = f"Not supported; raises NotImplementedError naming the alternative: {_UNSUPPORTED[method]}."
    return refuse


class _model_shape:
    """A model's ``input_shape``/``output_shape``, computed by the decorated method unless
    the instance assigns its own (a subclass of Keras' ``Model`` may: there it is a plain
    attribute).

    >>> import gradtape as tf
    >>> class Net(tf.keras.Model):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.input_shape = (28, 28)
    >>> Net().input_shape
    (28, 28)
    """

    def __init__(self, compute: Any) -> None:
        self._compute = compute
        self._name = compute.__name__
        self.__doc__ = compute.__doc__

    def __get__(self, model: Any, owner: Any = None) -> Any:
        if model is None:
            return self
        if self._name in model.__dict__:
            return model.__dict__[self._name]
        return self._compute(model)

    def __set__(self, model: Any, value: Any) -> None:
        model.__dict__[self._name] = value


class Model(Trainer, Layer):
    """``tf.keras.Model`` for subclassing: sub-layers as attributes, the computation in ``call``.

    Weights are created by the sub-layers on the first call, from the input's
    shape; ``trainable_variables`` lists them in the order the sub-layers were
    assigned. The ``training`` flag given to the model reaches every sub-layer
    (Dropout) unless a call passes its own; in a functional model, a flag given to
    the model also replaces the one a layer was called with when declared (Keras 3).
    ``compile``, ``fit``, ``evaluate`` and ``predict`` run Keras' training engine
    (``gradtape/keras/trainer.py``); ``summary`` and saving raise
    ``NotImplementedError`` naming the alternative.

    >>> import gradtape as tf
    >>> class MyModel(tf.keras.Model):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.hidden = tf.keras.layers.Dense(4, activation="relu")
    ...         self.out = tf.keras.layers.Dense(2)
    ...     def call(self, x, training=False):
    ...         return self.out(self.hidden(x))
    >>> model = MyModel()
    >>> model.trainable_variables
    []
    >>> model(tf.ones((1, 3))).shape
    TensorShape([1, 2])
    >>> [tuple(v.shape) for v in model.trainable_variables]
    [(3, 4), (4,), (4, 2), (2,)]
    >>> model.predict(tf.ones((1, 3)), verbose=0).shape
    (1, 2)
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        if cls is Model and (args or "inputs" in kwargs or "outputs" in kwargs):
            cls = Functional   # Keras 3: Model(inputs, outputs) is a Functional
        return super().__new__(cls)

    def __init__(self, *args: Any, name: Optional[str] = None, trainable: bool = True,
                 dtype: Optional[DTypeLike] = None, **kwargs: Any) -> None:
        graph = None
        if args or "inputs" in kwargs or "outputs" in kwargs:
            graph = _functional_graph(type(self).__name__, args, kwargs)
            if name is None and type(self) is Model:
                name = unique_name("functional")
        if kwargs:
            raise TypeError(f"{type(self).__name__}: unexpected keyword arguments {sorted(kwargs)}")
        super().__init__(name=name, trainable=trainable, dtype=dtype)
        if graph is not None:
            self.__dict__["layers"] = graph.layers()
            self._graph = graph
            self.built = True

    @property
    def layers(self) -> List[Any]:
        """The model's layers: a subclassed model's sub-layers in the order they were
        assigned (not those nested in them), as Keras 3.

        >>> import gradtape as tf
        >>> class Pair(tf.keras.Model):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.second = tf.keras.layers.Dense(1, name="b")
        ...         self.first = tf.keras.layers.Dense(1, name="a")
        >>> [layer.name for layer in Pair().layers]
        ['b', 'a']
        """
        stored = self.__dict__.get("layers")
        if stored is not None:
            return stored
        return self._flatten(lambda x: isinstance(x, Layer), recursive=False)

    @layers.setter
    def layers(self, _: Any) -> None:
        raise AttributeError("`Model.layers` attribute is reserved and should not be used. "
                             "Please use another name.")

    def build(self, input_shape: Optional[ShapeLike] = None) -> None:
        """Mark the model built; its layers create their weights on the first call (as in Keras)."""
        self.built = True

    def _symbolic_graph(self, what):
        """The graph between the model's Inputs and outputs; AttributeError without one."""
        graph = getattr(self, "_graph", None)
        if graph is None:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{what}'")
        return graph

    @property
    def inputs(self) -> List[Any]:
        """The model's symbolic inputs (``KerasTensor``s), a flat list.

        >>> import gradtape as tf
        >>> inputs = tf.keras.Input(shape=(3,))
        >>> model = tf.keras.Model(inputs, tf.keras.layers.Dense(2)(inputs))
        >>> model.inputs == [inputs], type(model).__name__
        (True, 'Functional')
        """
        return _nest.flatten(self._symbolic_graph("inputs").inputs)

    @property
    def outputs(self) -> List[Any]:
        """The model's symbolic outputs (``KerasTensor``s), a flat list."""
        return _nest.flatten(self._symbolic_graph("outputs").outputs)

    @property
    def input(self) -> Any:
        """A functional model's inputs as given to ``Model``; else the input of the model's
        first call on ``KerasTensor``s."""
        if getattr(self, "_graph", None) is not None and not isinstance(self, Sequential):
            return self._graph.inputs
        return Layer.input.fget(self)

    @property
    def output(self) -> Any:
        """A functional model's outputs as given to ``Model``; else the output of the
        model's first call on ``KerasTensor``s."""
        if getattr(self, "_graph", None) is not None and not isinstance(self, Sequential):
            return self._graph.outputs
        return Layer.output.fget(self)

    def get_layer(self, name: Optional[str] = None, index: Optional[int] = None) -> Any:
        """The layer named ``name``, or at ``index`` in ``model.layers``.

        >>> import gradtape as tf
        >>> model = tf.keras.Sequential([tf.keras.layers.Dense(2, name="hidden")])
        >>> model.get_layer("hidden").name, model.get_layer(index=0).name
        ('hidden', 'hidden')
        """
        return _functional._get_layer(self.layers, name, index)

    def _cast_inputs(self, inputs):
        # each sub-layer casts its own inputs; a model's may be any structure
        return super()._cast_inputs(inputs) if isinstance(inputs, np.ndarray) else inputs

    def summary(self, line_length: Optional[int] = None, positions: Any = None,
                print_fn: Any = None, expand_nested: bool = False, show_trainable: bool = False,
                layer_range: Any = None) -> None:
        """Print Keras 3's table of the layers, their output shapes and weight counts
        (``Sequential`` and functional models; a functional model whose layers do not form
        a chain gets Keras' "Connected to" column).

        >>> import gradtape as tf
        >>> inputs = tf.keras.Input(shape=(3,), name="x")
        >>> model = tf.keras.Model(inputs, tf.keras.layers.Dense(2, name="out")(inputs))
        >>> model.summary(print_fn=lambda text: print(text.splitlines()[6]))
        │ out (Dense)                     │ (None, 2)              │             8 │
        """
        if line_length is not None or positions is not None or expand_nested or show_trainable \
                or layer_range is not None:
            raise NotImplementedError("summary: line_length, positions, expand_nested, "
                                      "show_trainable and layer_range are not supported")
        _summary._print_summary(self, self._summary_rows(), print_fn)

    def _summary_rows(self):
        graph = getattr(self, "_graph", None)
        if graph is None:
            raise NotImplementedError(
                f"{type(self).__name__}.summary() of a subclassed model is not supported: "
                "list the weights: `[(v.name, v.shape) for v in model.variables]`")
        return graph.summary_rows()

    @_model_shape
    def input_shape(self) -> Any:
        """A functional model's input shape(s), ``None`` for the batch size."""
        return self._graph_shapes("input_shape", "inputs")

    @_model_shape
    def output_shape(self) -> Any:
        """A functional model's output shape(s): one tuple, or a list for several outputs.

        >>> import gradtape as tf
        >>> inputs = tf.keras.Input((4,))
        >>> tf.keras.Model(inputs, tf.keras.layers.Dense(2)(inputs)).output_shape
        (None, 2)
        """
        return self._graph_shapes("output_shape", "outputs")

    def _graph_shapes(self, attribute, which):
        graph = self._symbolic_graph(attribute)
        return _nest.map_structure(lambda t: tuple(t.shape), getattr(graph, which))

    def call(self, inputs: TensorInput, training: Optional[bool] = None, mask: Any = None) -> Any:
        """The model's computation: a functional model runs its layers (``mask``, one per
        input, attached to the inputs); subclasses override it."""
        graph = getattr(self, "_graph", None)
        if graph is not None:
            return graph.run(inputs, training, mask)
        raise NotImplementedError(f"{type(self).__name__}: a subclass of Model must define "
                                  "call(self, inputs, training=False)")


for _method in _UNSUPPORTED:
    setattr(Model, _method, _refuse(_method))


class Functional(Model):
    """The class of ``tf.keras.Model(inputs, outputs)``, as in Keras 3 (summaries show it).

    >>> import gradtape as tf
    >>> inputs = tf.keras.Input(shape=(3,))
    >>> model = tf.keras.Model(inputs, tf.keras.layers.Dense(2)(inputs))
    >>> type(model).__name__, isinstance(model, tf.keras.Model)
    ('Functional', True)
    """

    def get_config(self) -> Dict[str, Any]:
        """Not supported: a functional model's graph is not serialized."""
        raise NotImplementedError(
            "get_config() of a functional model (its graph of layers) is not supported in "
            "gradtape: rebuild the model with the code that made it and copy the weights "
            "with get_weights()/set_weights()")

    @classmethod
    def from_config(cls, config: Dict[str, Any], custom_objects: Any = None) -> Any:
        """Not supported: a functional model's graph is not serialized."""
        raise NotImplementedError("from_config() of a functional model is not supported "
                                  "in gradtape (see get_config)")


def _functional_graph(who, args, kwargs):
    """The graph of ``Model(inputs, outputs)`` (positional or keyword), taking them from kwargs."""
    names = ("inputs", "outputs")
    if len(args) > 2:
        raise TypeError(f"{who}: expected Model(inputs, outputs), got {len(args)} "
                        "positional arguments")
    given = dict(zip(names, args))
    for key in names:
        if key in kwargs:
            if key in given:
                raise TypeError(f"{who}: got multiple values for argument {key!r}")
            given[key] = kwargs.pop(key)
    missing = [key for key in names if key not in given]
    if missing:
        raise TypeError(f"{who}: Model(inputs, outputs) is missing {missing[0]!r}")
    return _functional._Graph(given["inputs"], given["outputs"])


class Sequential(Model):
    """Layers applied one after another; ``training`` reaches the layers that take it.

    As in Keras 3, once its input shape is known (an ``Input`` first, a first layer made
    with ``input_shape=``, ``build``, or the first call's shape) the model is built by
    calling its layers on an ``Input``: each layer gets its ``input`` and ``output``, the
    model its ``inputs``, ``outputs`` and ``output_shape``.

    >>> import gradtape as tf
    >>> tf.random.set_seed(0)
    >>> model = tf.keras.Sequential([tf.keras.layers.Dense(8, activation="relu"),
    ...                              tf.keras.layers.Dense(2)])
    >>> model(tf.ones((4, 3))).shape
    TensorShape([4, 2])
    >>> [tuple(v.shape) for v in model.trainable_variables]
    [(3, 8), (8,), (8, 2), (2,)]
    >>> model.output_shape
    (4, 2)
    """

    def __init__(self, layers: Any = None, name: Optional[str] = None, trainable: bool = True) -> None:
        super().__init__(name=name, trainable=trainable)
        self.__dict__["layers"] = []
        self._input = None    # the Input the layers are called on to build the model
        self._graph = None
        for layer in layers or ():
            self._append(layer)
        self._rebuild()

    def add(self, layer: Any) -> None:
        """Append a layer (any callable; Layers get the ``training`` flag).

        An ``Input`` first, or a first layer made with ``input_shape=``, makes
        the model build its weights at once; a built model is rebuilt with the layer.
        """
        self._append(layer)
        self._rebuild()

    def pop(self) -> Any:
        """Remove the last layer and return it (a built model is rebuilt without it).

        >>> import gradtape as tf
        >>> model = tf.keras.Sequential([tf.keras.Input(shape=(3,)),
        ...                              tf.keras.layers.Dense(2), tf.keras.layers.Dense(4)])
        >>> type(model.pop()).__name__, len(model.layers), model.output_shape
        ('Dense', 1, (None, 2))
        """
        if not self.layers:
            raise IndexError("pop from empty list (the Sequential model has no layers)")
        layer = self.layers.pop()
        self._graph = None
        self.built = False
        self._rebuild()
        return layer

    def _append(self, layer):
        if isinstance(layer, InputLayer):
            layer = layer.output
        if isinstance(layer, KerasTensor):
            if not layer._node.is_input:
                raise ValueError("Sequential: only a tf.keras.Input can come before the "
                                 "layers, not the output of a layer")
            if self.layers or self._input is not None:
                raise ValueError("Sequential: an Input can only come first")
            self._input = layer
            return
        if not callable(layer):
            raise TypeError(f"Sequential.add: expected a layer or callable, "
                            f"got {type(layer).__name__}")
        if not self.layers and self._input is None and getattr(layer, "_input_shape", None):
            self._input = Input(shape=layer._input_shape, dtype=layer.dtype)
        self.layers.append(layer)

    def _rebuild(self):
        if self._input is not None and self.layers:
            self._build_on(self._input)

    def _build_on(self, inputs):
        """Build by calling the layers on ``inputs`` (an Input), as Keras 3; a plain
        function does not take KerasTensors: then the layers build on the Input's zeros."""
        if all(isinstance(layer, Layer) for layer in self.layers):
            self._graph = _functional._chain(inputs, self.layers)
            # Keras 3 keeps the chain as a Functional model, which takes the next automatic
            # model name: a later Model(inputs, outputs) is named as in TensorFlow
            unique_name("functional")
        else:
            self._graph = None
            from ..eager import init_scope
            with init_scope():
                self.call(inputs._example)
            self._clear_losses()
        self.built = True

    def build(self, input_shape: Optional[ShapeLike] = None) -> None:
        """Create every layer's weights now, calling the layers on an Input of
        ``input_shape`` (the batch axis included). Without it, the weights are created on
        the first call.

        >>> import gradtape as tf
        >>> model = tf.keras.Sequential([tf.keras.layers.Dense(4), tf.keras.layers.Dense(2)])
        >>> model.build((None, 3))
        >>> [tuple(v.shape) for v in model.trainable_variables]
        [(3, 4), (4,), (4, 2), (2,)]
        """
        if input_shape is None and self._input is None:
            raise ValueError(f"Sequential '{self.name}'.build: give the input shape, "
                             "e.g. build((None, 784))")
        if input_shape is not None:
            shape = _sample_shape(input_shape, self)
            if self._input is None or self._input.shape != shape:
                dtype = self._input.dtype if self._input is not None else self.dtype
                self._input = Input(batch_shape=shape, dtype=dtype)
        self._build_on(self._input)

    def _build_on_first_call(self, inputs):
        # Keras 3 builds the model for the first input's shape, its batch size included
        if isinstance(inputs, TensorLike):
            self._build_for_shape(tuple(inputs.shape))
        self.built = True   # else the layers build themselves in the call

    def _build_for_shape(self, shape):
        """Build on an Input of ``shape`` (the batch axis included; of the model's dtype, as
        Keras 3) unless the model has its input: on its first call, its first call on a
        ``KerasTensor`` (inside another model), or ``fit``'s data (the batch size unknown)."""
        if self._input is None and self.layers:
            self._input = Input(batch_shape=shape, dtype=self.dtype)
            self._build_on(self._input)

    def _symbolic_graph(self, what):
        if self._graph is None:
            if self._input is not None and self.layers:
                raise NotImplementedError(
                    f"Sequential.{what.replace(' ', '_')} of a model holding a plain function "
                    "is not supported in gradtape: wrap it in tf.keras.layers.Lambda")
            raise AttributeError(f"Sequential model '{self.name}' has no defined {what} yet.")
        return self._graph

    @_model_shape
    def input_shape(self) -> Tuple[Optional[int], ...]:
        """The shape of the Input the model is built on (``None`` for an unknown batch size).

        >>> import gradtape as tf
        >>> tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(3)]).input_shape
        (None, 4)
        """
        if self._input is None:
            raise AttributeError(f"Sequential model '{self.name}' has no defined input shape yet.")
        return self._input.shape

    @_model_shape
    def output_shape(self) -> Tuple[Optional[int], ...]:
        """The shape of the last layer's output when the model is built.

        >>> import gradtape as tf
        >>> model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(3)])
        >>> model.output_shape
        (None, 3)
        """
        return self._symbolic_graph("output shape").outputs.shape

    def _summary_rows(self):
        if not self.built:   # Keras 3 lists an unbuilt model's layers with "?" shapes
            return [(layer, None) for layer in self.layers]
        if self._graph is None:
            raise NotImplementedError(
                "Sequential.summary() of a model holding a plain function, or first called "
                "on a structure of tensors, is not supported in gradtape: wrap functions in "
                "tf.keras.layers.Lambda, or start the model with tf.keras.Input")
        return [(node.layer, _nest.flatten(node.outputs)[0].shape) for node in self._graph.nodes]

    def call(self, inputs: TensorInput, training: Optional[bool] = None, mask: Any = None) -> Any:
        x = inputs
        if self._input is not None and hasattr(x, "shape"):
            x = _functional.adjust_input_rank(x, self._input.shape, self._input.name)
            _masks.carry_masks(inputs, x)
        if mask is not None and isinstance(x, TensorLike):
            _masks.set_keras_mask(x, mask)   # the first layer finds it there
        for layer in self.layers:
            x = layer(x, training=training) if _takes_training(layer) else layer(x)
        return x


def _takes_training(layer):
    if isinstance(layer, Layer):
        return True
    try:
        return "training" in inspect.signature(layer).parameters
    except (TypeError, ValueError):
        return False


# ---------------------------------------------------------------------------
# Reshaping, lookup, convolution and pooling
# ---------------------------------------------------------------------------

def _data_format(data_format, who, allowed=("channels_last",)):
    data_format = "channels_last" if data_format is None else data_format
    if data_format not in allowed:
        raise ValueError(f"{who}: data_format must be one of {allowed}, got {data_format!r}")
    return data_format


class Flatten(Layer):
    """Reshape each sample to one axis: ``(batch, d1, d2, ...)`` to ``(batch, d1 * d2 * ...)``.

    >>> import gradtape as tf
    >>> tf.keras.layers.Flatten()(tf.ones((2, 3, 4))).shape
    TensorShape([2, 12])
    >>> tf.keras.layers.Flatten()(tf.ones((3,))).shape
    TensorShape([3, 1])
    """

    def __init__(self, data_format: Optional[str] = None, name: Optional[str] = None,
                 dtype: Optional[DTypeLike] = None, **kwargs: Any) -> None:
        super().__init__(name=name, dtype=dtype, **kwargs)
        self.data_format = _data_format(data_format, "Flatten",
                                        ("channels_last", "channels_first"))

    def call(self, inputs: TensorInput) -> Any:
        if inputs.ndim < 1:
            raise ValueError(f"Flatten '{self.name}': inputs need a batch axis, got a scalar")
        if self.data_format == "channels_first" and inputs.ndim > 2:
            inputs = _shape_ops.transpose(inputs, (0,) + tuple(range(2, inputs.ndim)) + (1,))
        batch = int(inputs.shape[0])
        return _shape_ops.reshape(inputs, (batch, int(np.prod(inputs.shape[1:], dtype=np.int64))))


class Embedding(Layer):
    """Rows of a trainable ``(input_dim, output_dim)`` table looked up by integer index.

    >>> import gradtape as tf
    >>> layer = tf.keras.layers.Embedding(10, 3)
    >>> layer(tf.constant([[1, 2], [3, 9]])).shape
    TensorShape([2, 2, 3])
    >>> layer.embeddings.shape
    TensorShape([10, 3])
    """

    def __init__(self, input_dim: int, output_dim: int, embeddings_initializer: Any = "uniform",
                 mask_zero: bool = False, name: Optional[str] = None, trainable: bool = True,
                 dtype: Optional[DTypeLike] = None, **kwargs: Any) -> None:
        for what, value in (("input_dim", input_dim), ("output_dim", output_dim)):
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"Embedding: {what} must be a positive integer, got {value!r}")
        super().__init__(name=name, trainable=trainable, dtype=dtype, **kwargs)
        self.input_dim, self.output_dim = int(input_dim), int(output_dim)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings = None

    def build(self, input_shape: ShapeLike) -> None:
        self.embeddings = self.add_weight((self.input_dim, self.output_dim),
                                          self.embeddings_initializer, name="embeddings")

    def _cast_inputs(self, inputs):
        inputs = inputs if isinstance(inputs, TensorLike) else convert_to_tensor(np.asarray(inputs))
        return inputs if inputs.dtype.is_integer else _ew.cast(inputs, "int32")

    def call(self, inputs: TensorInput) -> Any:
        return _gather(self.embeddings, inputs)

    def compute_mask(self, inputs: TensorInput, mask: Any = None) -> Any:
        """With ``mask_zero=True``, where the indices are not 0 (padding), else None."""
        if not self.mask_zero:
            return None
        return _ew.not_equal(self._cast_inputs(inputs), 0)


class Masking(Layer):
    """Mask the time steps whose features all equal ``mask_value``: their outputs are
    zeros and the output's mask (``_keras_mask``, ``(batch, timesteps)``) is False there,
    so that the layers after it (recurrent layers, losses) skip them.

    >>> import gradtape as tf
    >>> x = tf.constant([[[1.0, 2.0], [0.0, 0.0]]])
    >>> y = tf.keras.layers.Masking(mask_value=0.0)(x)
    >>> y._keras_mask.numpy()
    array([[ True, False]])
    """

    def __init__(self, mask_value: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mask_value = mask_value
        self.supports_masking = True
        self.built = True

    def _kept_steps(self, inputs, keepdims):
        return _red.reduce_any(_ew.not_equal(inputs, self.mask_value), axis=-1,
                               keepdims=keepdims)

    def compute_mask(self, inputs: TensorInput, mask: Any = None) -> Any:
        """True at the time steps where some feature differs from ``mask_value``."""
        return self._kept_steps(convert_to_tensor(inputs), False)

    def call(self, inputs: TensorInput) -> Any:
        kept = self._kept_steps(inputs, True)
        outputs = _ew.where(kept, inputs, _ew.zeros_like(inputs))
        _masks.set_keras_mask(outputs, _shape_ops.squeeze(kept, axis=-1))
        return outputs

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config["mask_value"] = self.mask_value
        return config


def _pair(value, what, who):
    pair = (value, value) if isinstance(value, (int, np.integer)) else tuple(value)
    if len(pair) != 2 or not all(isinstance(v, (int, np.integer)) and v > 0 for v in pair):
        raise ValueError(f"{who}: {what} must be a positive integer or a pair of them, "
                         f"got {value!r}")
    return tuple(int(v) for v in pair)


def _padding(padding, who):
    if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
        raise ValueError(f"{who}: padding must be 'valid' or 'same', got {padding!r}")
    return padding.lower()


def _check_images(layer, inputs):
    if inputs.ndim != 4:
        raise ValueError(f"{type(layer).__name__} '{layer.name}': expected images of shape "
                         f"(batch, height, width, channels), got shape {tuple(inputs.shape)}")


class Conv2D(Layer):
    """A 2-D convolution over images ``(batch, height, width, channels)``, plus bias, then activation.

    The kernel has shape ``(kernel_height, kernel_width, in_channels, filters)``,
    the input channels taken from the first input.

    >>> import gradtape as tf
    >>> conv = tf.keras.layers.Conv2D(4, 3, kernel_initializer="ones")
    >>> y = conv(tf.ones((1, 5, 5, 2)))
    >>> y.shape, float(y[0, 0, 0, 0])      # 3 * 3 * 2 ones summed
    (TensorShape([1, 3, 3, 4]), 18.0)
    """

    def __init__(self, filters: int, kernel_size: Union[int, Sequence[int]],
                 strides: Union[int, Sequence[int]] = (1, 1), padding: str = "valid",
                 data_format: Optional[str] = None, dilation_rate: Union[int, Sequence[int]] = (1, 1),
                 activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 name: Optional[str] = None, trainable: bool = True, dtype: Optional[DTypeLike] = None,
                 **kwargs: Any) -> None:
        if not isinstance(filters, (int, np.integer)) or isinstance(filters, bool) or filters <= 0:
            raise ValueError(f"Conv2D: filters must be a positive integer, got {filters!r}")
        super().__init__(name=name, trainable=trainable, dtype=dtype, **kwargs)
        self.filters = int(filters)
        self.kernel_size = _pair(kernel_size, "kernel_size", "Conv2D")
        self.strides = _pair(strides, "strides", "Conv2D")
        self.dilation_rate = _pair(dilation_rate, "dilation_rate", "Conv2D")
        if self.strides != (1, 1) and self.dilation_rate != (1, 1):
            raise ValueError("Conv2D: strides > 1 together with dilation_rate > 1 is not "
                             "supported (as in Keras)")
        self.padding = _padding(padding, "Conv2D")
        self.data_format = _data_format(data_format, "Conv2D")
        self.activation = get_activation(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel = None
        self.bias = None

    def build(self, input_shape: ShapeLike) -> None:
        if input_shape is None or len(input_shape) != 4:
            raise ValueError(f"Conv2D '{self.name}': expected images of shape "
                             f"(batch, height, width, channels), got shape {input_shape}")
        self._make_weights(self.kernel_size + (input_shape[-1], self.filters))

    def _make_weights(self, kernel_shape):
        self.kernel = self.add_weight(kernel_shape, self.kernel_initializer, name="kernel",
                                      regularizer=self.kernel_regularizer)
        if self.use_bias:
            self.bias = self.add_weight((self.filters,), self.bias_initializer, name="bias",
                                        regularizer=self.bias_regularizer)

    def call(self, inputs: TensorInput) -> Any:
        _check_images(self, inputs)
        if inputs.shape[-1] != self.kernel.shape[2]:
            raise ValueError(f"Conv2D '{self.name}': expected {self.kernel.shape[2]} input "
                             f"channels, got shape {tuple(inputs.shape)}")
        out = _nn.conv2d(inputs, self.kernel, strides=self.strides, padding=self.padding.upper(),
                         dilations=self.dilation_rate)
        if self.use_bias:
            out = out + self.bias
        return self.activation(out)


class Conv1D(Conv2D):
    """A 1-D convolution over sequences ``(batch, steps, channels)``, plus bias, then activation.

    The kernel has shape ``(kernel_size, in_channels, filters)``; ``padding`` is
    ``'valid'``, ``'same'`` or ``'causal'`` (zeros before the sequence, as Keras).

    >>> import gradtape as tf
    >>> conv = tf.keras.layers.Conv1D(2, 3, kernel_initializer="ones")
    >>> y = conv(tf.ones((1, 5, 4)))
    >>> y.shape, float(y[0, 0, 0])      # 3 * 4 ones summed
    (TensorShape([1, 3, 2]), 12.0)
    >>> causal = tf.keras.layers.Conv1D(1, 2, padding="causal", kernel_initializer="ones")
    >>> causal(tf.constant([[[1.0], [2.0], [3.0]]]))[0, :, 0].numpy()
    array([1., 3., 5.], dtype=float32)
    """

    def __init__(self, filters: int, kernel_size: Union[int, Sequence[int]],
                 strides: Union[int, Sequence[int]] = 1, padding: str = "valid",
                 data_format: Optional[str] = None, dilation_rate: Union[int, Sequence[int]] = 1,
                 **kwargs: Any) -> None:
        causal = isinstance(padding, str) and padding.lower() == "causal"
        super().__init__(filters, (1,) + _single(kernel_size, "kernel_size"),
                         (1,) + _single(strides, "strides"), "valid" if causal else padding,
                         data_format, (1,) + _single(dilation_rate, "dilation_rate"), **kwargs)
        if causal:
            self.padding = "causal"

    def build(self, input_shape: ShapeLike) -> None:
        if input_shape is None or len(input_shape) != 3:
            raise ValueError(f"Conv1D '{self.name}': expected sequences of shape "
                             f"(batch, steps, channels), got shape {input_shape}")
        self._make_weights((self.kernel_size[1], input_shape[-1], self.filters))

    def call(self, inputs: TensorInput) -> Any:
        _sequence_axis(self, inputs)
        padding = self.padding.upper()
        if padding == "CAUSAL":   # Keras: zeros before the sequence, then a valid convolution
            before = self.dilation_rate[1] * (self.kernel_size[1] - 1)
            inputs = _shape_ops.pad(inputs, [[0, 0], [before, 0], [0, 0]])
            padding = "VALID"
        out = _nn.conv1d(inputs, self.kernel, stride=self.strides[1], padding=padding,
                         dilations=self.dilation_rate[1])
        if self.use_bias:
            out = out + self.bias
        return self.activation(out)


def _single(value, what):
    """A Conv1D size given as an int or a tuple of one, as a tuple of one."""
    single = tuple(value) if isinstance(value, (list, tuple)) else (value,)
    if len(single) != 1:
        raise ValueError(f"Conv1D: {what} must be an integer or a tuple of one integer, "
                         f"got {value!r}")
    return single


class Conv2DTranspose(Conv2D):
    """The transpose of a 2-D convolution (an upsampling convolution), plus bias, then activation.

    The kernel has shape ``(kernel_height, kernel_width, filters, in_channels)``;
    with ``padding="same"`` the output is ``strides`` times larger than the input,
    with ``"valid"`` it is ``(size - 1) * stride + kernel`` (Keras' sizes).

    >>> import gradtape as tf
    >>> up = tf.keras.layers.Conv2DTranspose(3, 2, strides=2, kernel_initializer="ones")
    >>> y = up(tf.ones((1, 2, 2, 4)))
    >>> y.shape, float(y[0, 0, 0, 0])      # each output sees one input pixel, 4 channels
    (TensorShape([1, 4, 4, 3]), 4.0)
    """

    def __init__(self, filters: int, kernel_size: Union[int, Sequence[int]],
                 strides: Union[int, Sequence[int]] = (1, 1), padding: str = "valid",
                 output_padding: Any = None, data_format: Optional[str] = None,
                 dilation_rate: Union[int, Sequence[int]] = (1, 1), **kwargs: Any) -> None:
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate, **kwargs)
        if output_padding is not None or self.dilation_rate != (1, 1):
            raise NotImplementedError("Conv2DTranspose: output_padding and dilation_rate > 1 "
                                      "are not supported in gradtape")

    def build(self, input_shape: ShapeLike) -> None:
        if input_shape is None or len(input_shape) != 4:
            raise ValueError(f"Conv2DTranspose '{self.name}': expected images of shape "
                             f"(batch, height, width, channels), got shape {input_shape}")
        self.kernel = self.add_weight(self.kernel_size + (self.filters, input_shape[-1]),
                                      self.kernel_initializer, name="kernel",
                                      regularizer=self.kernel_regularizer)
        if self.use_bias:
            self.bias = self.add_weight((self.filters,), self.bias_initializer, name="bias",
                                        regularizer=self.bias_regularizer)

    def _output_size(self, size, kernel, stride):
        if self.padding == "same":
            return size * stride
        return size * stride + max(kernel - stride, 0)

    def call(self, inputs: TensorInput) -> Any:
        _check_images(self, inputs)
        if inputs.shape[-1] != self.kernel.shape[3]:
            raise ValueError(f"Conv2DTranspose '{self.name}': expected {self.kernel.shape[3]} "
                             f"input channels, got shape {tuple(inputs.shape)}")
        height, width = (self._output_size(n, k, s) for n, k, s in
                         zip(inputs.shape[1:3], self.kernel_size, self.strides))
        out = _nn.conv2d_transpose(inputs, self.kernel,
                                   (inputs.shape[0], height, width, self.filters),
                                   strides=self.strides, padding=self.padding.upper())
        if self.use_bias:
            out = out + self.bias
        return self.activation(out)


def _keras_object(value, module):
    """``value`` or, for Keras' dict form ``{'class_name': ..., 'config': ...}`` (what
    ``get_config`` writes), the object of that class of ``module`` it describes."""
    if isinstance(value, dict) and "class_name" in value:
        return getattr(module, value["class_name"])(**value.get("config", {}))
    return value


def _serialized_initializer(initializer):
    """Keras 3's dict for an initializer of ``tf.keras.initializers``."""
    return {"module": "keras.initializers", "class_name": type(initializer).__name__,
            "config": initializer.get_config(), "registered_name": None}


class DepthwiseConv2D(Layer):
    """Each channel of images ``(batch, height, width, channels)`` convolved with its own
    ``depth_multiplier`` filters (``tf.nn.depthwise_conv2d``), plus bias, then activation.

    The kernel ``kernel`` has shape ``(kernel_height, kernel_width, in_channels,
    depth_multiplier)``; output channel ``c * depth_multiplier + m`` comes from input
    channel ``c``. ``data_format`` is ``'channels_last'`` only.

    >>> import gradtape as tf
    >>> dw = tf.keras.layers.DepthwiseConv2D(3, depth_multiplier=2, depthwise_initializer="ones")
    >>> y = dw(tf.ones((1, 5, 5, 4)))
    >>> y.shape, float(y[0, 0, 0, 0]), dw.kernel.shape      # 3 * 3 ones of one channel
    (TensorShape([1, 3, 3, 8]), 9.0, TensorShape([3, 3, 4, 2]))
    """

    def __init__(self, kernel_size: Union[int, Sequence[int]],
                 strides: Union[int, Sequence[int]] = (1, 1), padding: str = "valid",
                 depth_multiplier: int = 1, data_format: Optional[str] = None,
                 dilation_rate: Union[int, Sequence[int]] = (1, 1), activation: Any = None,
                 use_bias: bool = True, depthwise_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", depthwise_regularizer: Any = None,
                 bias_regularizer: Any = None, name: Optional[str] = None,
                 trainable: bool = True, dtype: Optional[DTypeLike] = None,
                 **kwargs: Any) -> None:
        if (not isinstance(depth_multiplier, (int, np.integer)) or isinstance(depth_multiplier, bool)
                or depth_multiplier <= 0):
            raise ValueError(f"DepthwiseConv2D: depth_multiplier must be a positive integer, "
                             f"got {depth_multiplier!r}")
        super().__init__(name=name, trainable=trainable, dtype=dtype, **kwargs)
        self.depth_multiplier = int(depth_multiplier)
        self.kernel_size = _pair(kernel_size, "kernel_size", "DepthwiseConv2D")
        self.strides = _pair(strides, "strides", "DepthwiseConv2D")
        self.dilation_rate = _pair(dilation_rate, "dilation_rate", "DepthwiseConv2D")
        self.padding = _padding(padding, "DepthwiseConv2D")
        self.data_format = _data_format(data_format, "DepthwiseConv2D")
        self.activation = get_activation(activation)
        self.use_bias = bool(use_bias)
        self.depthwise_initializer = initializers.get(
            _keras_object(depthwise_initializer, initializers))
        self.bias_initializer = initializers.get(_keras_object(bias_initializer, initializers))
        self.depthwise_regularizer = regularizers.get(
            _keras_object(depthwise_regularizer, regularizers))
        self.bias_regularizer = regularizers.get(_keras_object(bias_regularizer, regularizers))
        self.kernel = None
        self.bias = None

    def build(self, input_shape: ShapeLike) -> None:
        if input_shape is None or len(input_shape) != 4:
            raise ValueError(f"DepthwiseConv2D '{self.name}': expected images of shape "
                             f"(batch, height, width, channels), got shape {input_shape}")
        channels = input_shape[-1]
        self.kernel = self.add_weight(self.kernel_size + (channels, self.depth_multiplier),
                                      self.depthwise_initializer, name="kernel",
                                      regularizer=self.depthwise_regularizer)
        if self.use_bias:
            self.bias = self.add_weight((channels * self.depth_multiplier,),
                                        self.bias_initializer, name="bias",
                                        regularizer=self.bias_regularizer)

    def call(self, inputs: TensorInput) -> Any:
        _check_images(self, inputs)
        if inputs.shape[-1] != self.kernel.shape[2]:
            raise ValueError(f"DepthwiseConv2D '{self.name}': expected {self.kernel.shape[2]} "
                             f"input channels, got shape {tuple(inputs.shape)}")
        out = _nn.depthwise_conv2d(inputs, self.kernel, (1,) + self.strides + (1,),
                                   self.padding.upper(), dilations=self.dilation_rate)
        if self.use_bias:
            out = out + self.bias
        return self.activation(out)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({
            "depth_multiplier": self.depth_multiplier, "kernel_size": self.kernel_size,
            "strides": self.strides, "padding": self.padding, "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
            "depthwise_initializer": _serialized_initializer(self.depthwise_initializer),
            "bias_initializer": _serialized_initializer(self.bias_initializer),
            "depthwise_regularizer": regularizers.serialize(self.depthwise_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer)})
        return config


class _Pooling2D(Layer):
    """A pooling of each ``pool_size`` window of images ``(batch, height, width, channels)``;
    ``strides`` defaults to ``pool_size`` (windows side by side)."""

    _pool = None  # the gradtape.nn pooling function

    def __init__(self, pool_size: Union[int, Sequence[int]] = (2, 2),
                 strides: Optional[Union[int, Sequence[int]]] = None, padding: str = "valid",
                 data_format: Optional[str] = None, name: Optional[str] = None,
                 dtype: Optional[DTypeLike] = None, **kwargs: Any) -> None:
        super().__init__(name=name, dtype=dtype, **kwargs)
        who = type(self).__name__
        self.pool_size = _pair(pool_size, "pool_size", who)
        self.strides = self.pool_size if strides is None else _pair(strides, "strides", who)
        self.padding = _padding(padding, who)
        self.data_format = _data_format(data_format, who)

    def call(self, inputs: TensorInput) -> Any:
        _check_images(self, inputs)
        return type(self)._pool(inputs, ksize=self.pool_size, strides=self.strides,
                                padding=self.padding.upper())


class MaxPooling2D(_Pooling2D):
    """The maximum over each ``pool_size`` window of images ``(batch, height, width, channels)``.

    ``strides`` defaults to ``pool_size`` (windows side by side).

    >>> import gradtape as tf
    >>> x = tf.reshape(tf.range(16.0), (1, 4, 4, 1))
    >>> tf.keras.layers.MaxPooling2D()(x)[0, :, :, 0].numpy()
    array([[ 5.,  7.],
           [13., 15.]], dtype=float32)
    """

    _pool = _nn.max_pool2d


class AveragePooling2D(_Pooling2D):
    """The mean over each ``pool_size`` window of images ``(batch, height, width, channels)``
    (with ``padding="same"``, over the window's part inside the image).

    >>> import gradtape as tf
    >>> x = tf.reshape(tf.range(16.0), (1, 4, 4, 1))
    >>> tf.keras.layers.AveragePooling2D(2)(x)[0, :, :, 0].numpy()
    array([[ 2.5,  4.5],
           [10.5, 12.5]], dtype=float32)
    """

    _pool = _nn.avg_pool2d

    def __init__(self, pool_size: Union[int, Sequence[int]],
                 strides: Optional[Union[int, Sequence[int]]] = None, padding: str = "valid",
                 data_format: Optional[str] = None, name: Optional[str] = None,
                 **kwargs: Any) -> None:
        super().__init__(pool_size, strides, padding, data_format, name, **kwargs)


class _GlobalPooling(Layer):
    """A reduction of inputs ``(batch, *spatial, channels)`` over the spatial axes
    (``channels_first``: ``(batch, channels, *spatial)``)."""

    _rank = 4
    _reduce = None  # the gradtape reduction

    def __init__(self, data_format: Optional[str] = None, keepdims: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = _data_format(data_format, type(self).__name__,
                                        ("channels_last", "channels_first"))
        self.keepdims = bool(keepdims)

    def call(self, inputs: TensorInput) -> Any:
        if inputs.ndim != self._rank:
            raise ValueError(f"{type(self).__name__} '{self.name}': expected inputs of rank "
                             f"{self._rank}, got shape {tuple(inputs.shape)}")
        first = 1 if self.data_format == "channels_last" else 2
        axes = list(range(first, first + self._rank - 2))
        return type(self)._reduce(inputs, axis=axes, keepdims=self.keepdims)


class GlobalAveragePooling2D(_GlobalPooling):
    """The mean of images ``(batch, height, width, channels)`` over height and width.

    >>> import gradtape as tf
    >>> tf.keras.layers.GlobalAveragePooling2D()(tf.ones((2, 3, 3, 4))).shape
    TensorShape([2, 4])
    """

    _reduce = _red.reduce_mean


class GlobalMaxPooling2D(_GlobalPooling):
    """The maximum of images ``(batch, height, width, channels)`` over height and width.

    >>> import gradtape as tf
    >>> tf.keras.layers.GlobalMaxPooling2D()(tf.ones((2, 3, 3, 4))).shape
    TensorShape([2, 4])
    """

    _reduce = _red.reduce_max


class GlobalAveragePooling1D(_GlobalPooling):
    """The mean of sequences ``(batch, steps, channels)`` over the steps.

    >>> import gradtape as tf
    >>> tf.keras.layers.GlobalAveragePooling1D()(tf.ones((2, 5, 4))).shape
    TensorShape([2, 4])
    """

    _rank = 3
    _reduce = _red.reduce_mean

    def call(self, inputs: TensorInput, mask: Any = None) -> Any:
        if mask is None:
            return super().call(inputs)
        # as Keras: the mean over the steps the mask keeps
        steps, features = (1, 2) if self.data_format == "channels_last" else (2, 1)
        keep = _ew.cast(_shape_ops.expand_dims(convert_to_tensor(mask), features), "bool")
        kept = _ew.where(keep, inputs, _ew.zeros_like(inputs))
        count = _red.reduce_sum(_ew.cast(keep, inputs.dtype), axis=steps, keepdims=self.keepdims)
        return _red.reduce_sum(kept, axis=steps, keepdims=self.keepdims) / count

    def compute_mask(self, inputs: TensorInput, mask: Any = None) -> Any:
        """None: the steps are averaged away."""
        return None


class GlobalMaxPooling1D(_GlobalPooling):
    """The maximum of sequences ``(batch, steps, channels)`` over the steps.

    >>> import gradtape as tf
    >>> tf.keras.layers.GlobalMaxPooling1D()(tf.ones((2, 5, 4))).shape
    TensorShape([2, 4])
    """

    _rank = 3
    _reduce = _red.reduce_max


# ---------------------------------------------------------------------------
# Normalization
# ---------------------------------------------------------------------------

class BatchNormalization(Layer):
    """Normalize over the batch: ``(x - mean) / sqrt(variance + epsilon) * gamma + beta``.

    With ``training=True`` the mean and (biased) variance are the batch's,
    taken over every axis but ``axis``, and gradients flow through them; each
    such call also moves ``moving_mean`` and ``moving_variance`` towards them
    (``moving = moving * momentum + batch * (1 - momentum)``).  Otherwise the
    moving statistics are used.  ``gamma`` and ``beta`` are trainable, the
    moving statistics are not.

    >>> import gradtape as tf
    >>> bn = tf.keras.layers.BatchNormalization()
    >>> bn(tf.constant([[1.0], [3.0]]), training=True).numpy()
    array([[-0.9995004],
           [ 0.9995005]], dtype=float32)
    >>> bn.moving_mean.numpy(), bn.moving_variance.numpy()
    (array([0.02], dtype=float32), array([1.], dtype=float32))
    """

    def __init__(self, axis: Axis = -1, momentum: float = 0.99, epsilon: float = 1e-3,
                 center: bool = True, scale: bool = True, beta_initializer: Any = "zeros",
                 gamma_initializer: Any = "ones", moving_mean_initializer: Any = "zeros",
                 moving_variance_initializer: Any = "ones", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not isinstance(axis, int):
            raise TypeError(f"BatchNormalization: axis must be an int, got {axis!r}")
        self.axis = axis
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self._initializers = (gamma_initializer, beta_initializer,
                              moving_mean_initializer, moving_variance_initializer)

    def _feature_axis(self, ndim):
        if not -ndim <= self.axis < ndim:
            raise ValueError(f"BatchNormalization: axis {self.axis} is out of range for "
                             f"inputs of rank {ndim}")
        return self.axis % ndim

    def build(self, input_shape: ShapeLike) -> None:
        dim = input_shape[self._feature_axis(len(input_shape))]
        if dim is None:
            raise ValueError(f"BatchNormalization: axis {self.axis} of the inputs must have a "
                             f"known size, got input shape {tuple(input_shape)}")
        gamma_init, beta_init, mean_init, variance_init = self._initializers
        # created in Keras' order: gamma, beta, moving_mean, moving_variance
        if self.scale:
            self.gamma = self.add_weight((dim,), gamma_init, name="gamma")
        if self.center:
            self.beta = self.add_weight((dim,), beta_init, name="beta")
        self.moving_mean = self.add_weight((dim,), mean_init, name="moving_mean",
                                           trainable=False)
        self.moving_variance = self.add_weight((dim,), variance_init, name="moving_variance",
                                               trainable=False)

    def call(self, inputs: TensorInput, training: Optional[bool] = None, mask: Any = None) -> Any:
        ndim = len(inputs.shape)
        axis = self._feature_axis(ndim)
        if training and self.trainable:
            if mask is not None:
                raise NotImplementedError(
                    f"BatchNormalization '{self.name}': a mask while training (Keras' masked "
                    "moments) is not supported; drop the mask before the layer")
            mean, variance = _nn.moments(inputs, [a for a in range(ndim) if a != axis])
            self._move(self.moving_mean, mean)
            self._move(self.moving_variance, variance)
        else:
            mean, variance = self.moving_mean, self.moving_variance
        per_feature = [1] * ndim
        per_feature[axis] = -1

        def along_axis(t):
            return _shape_ops.reshape(t, per_feature)

        inv = _ew.rsqrt(along_axis(variance) + self.epsilon)
        if self.scale:
            inv = inv * along_axis(self.gamma)
        offset = -along_axis(mean) * inv
        if self.center:
            offset = along_axis(self.beta) + offset
        return inputs * inv + offset

    def _move(self, moving, batch_value):
        moving.assign(moving * self.momentum + batch_value * (1.0 - self.momentum))


__getattr__ = _missing_names("gradtape.keras.layers", "tf.keras.layers")


class LayerNormalization(Layer):
    """Normalize each sample over ``axis``: ``(x - mean) / sqrt(variance + epsilon) * gamma + beta``.

    >>> import gradtape as tf
    >>> ln = tf.keras.layers.LayerNormalization(epsilon=0.0)
    >>> ln(tf.constant([[1.0, 3.0]])).numpy()
    array([[-1.,  1.]], dtype=float32)
    >>> [v.name.split("/")[-1] for v in ln.weights]
    ['gamma:0', 'beta:0']
    """

    def __init__(self, axis: Axis = -1, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, rms_scaling: bool = False, beta_initializer: Any = "zeros",
                 gamma_initializer: Any = "ones", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if rms_scaling:
            warnings.warn("You passed `rms_scaling=True`, which is deprecated. This argument "
                          "incorrectly scales the input by the variance, not the root mean "
                          "square. To correctly use RMS Normalization, please use "
                          "`keras.layers.RMSNormalization` instead.", UserWarning, stacklevel=2)
        self.rms_scaling = bool(rms_scaling)
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else axis
        self.epsilon = float(epsilon)
        self.center, self.scale = bool(center), bool(scale)
        self._initializers = (gamma_initializer, beta_initializer)
        self.gamma = self.beta = None

    def _axes(self, ndim):
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        for a in axes:
            if not -ndim <= a < ndim:
                raise ValueError(f"LayerNormalization: axis {a} is out of range for inputs "
                                 f"of rank {ndim}")
        return sorted(a % ndim for a in axes)

    def build(self, input_shape: ShapeLike) -> None:
        axes = self._axes(len(input_shape))
        shape = tuple(input_shape[a] for a in axes)
        gamma_init, beta_init = self._initializers
        if self.scale or self.rms_scaling:
            self.gamma = self.add_weight(shape, gamma_init, name="gamma")
        if self.center and not self.rms_scaling:
            self.beta = self.add_weight(shape, beta_init, name="beta")

    def call(self, inputs: TensorInput) -> Any:
        ndim = inputs.ndim
        axes = self._axes(ndim)
        per_axis = [inputs.shape[a] if a in axes else 1 for a in range(ndim)]

        def broadcast(v):
            return v if axes == [ndim - 1] else _shape_ops.reshape(v, per_axis)
        if self.rms_scaling:  # as Keras: scaled by the variance (not the mean square), no beta
            variance = _red.reduce_variance(inputs, axis=axes, keepdims=True)
            return inputs * _ew.rsqrt(variance + self.epsilon) * broadcast(self.gamma)
        mean, variance = _nn.moments(inputs, axes, keepdims=True)
        inv = _ew.rsqrt(variance + self.epsilon)
        if self.gamma is not None:
            inv = inv * broadcast(self.gamma)
        res = -mean * inv
        if self.beta is not None:
            res = res + broadcast(self.beta)
        return inputs * inv + res


class Normalization(Layer):
    """Shift and scale inputs by a mean and variance: ``(x - mean) / max(sqrt(variance), 1e-7)``.

    The statistics are given (``mean=``, ``variance=``) or computed by
    ``adapt(data)`` for each position along ``axis`` (``axis=None``: one mean
    and variance for everything), as Keras 3's layer; ``invert=True`` maps
    back. A NumPy array is reduced in its own precision (float64 data in
    float64), a tensor in float32, and a list or other iterable is taken as
    a sequence of batches, whose statistics are merged.

    >>> import gradtape as tf, numpy as np
    >>> norm = tf.keras.layers.Normalization(axis=None, name="norm")
    >>> norm.adapt(np.array([1.0, 2.0, 3.0]))
    >>> norm(np.array([1.0, 3.0])).numpy()
    array([-1.2247449,  1.2247449], dtype=float32)
    >>> [v.name for v in norm.weights]
    ['norm/mean:0', 'norm/variance:0', 'norm/count:0']
    """

    def __init__(self, axis: Optional[Axis] = -1, mean: Any = None, variance: Any = None,
                 invert: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = () if axis is None else (axis,) if isinstance(axis, int) else tuple(axis)
        self.input_mean, self.input_variance, self.invert = mean, variance, bool(invert)
        self.mean = self.variance = None
        self._build_input_shape = None
        if (mean is None) != (variance is None):
            raise ValueError("When setting values directly, both `mean` and `variance` must be "
                             f"set. Received: mean={mean} and variance={variance}")
        if mean is not None and np.shape(mean) != np.shape(variance):
            raise ValueError("When setting values directly, `mean` and `variance` must have "
                             f"the same shape. Received: mean shape {np.shape(mean)} and "
                             f"variance shape {np.shape(variance)}")
        if mean is not None and np.ndim(mean) > len(self.axis):
            raise ValueError("The rank of `mean` must be less than or equal to the number of "
                             f"axes ({len(self.axis)}). Received: mean shape {np.shape(mean)} "
                             f"for axis {self.axis}")

    def build(self, input_shape: ShapeLike) -> None:
        ndim = len(input_shape)
        self._build_input_shape = tuple(input_shape)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError("All `axis` values must be in the range [-ndim, ndim). Received "
                             f"inputs with ndim={ndim}, while axis={self.axis}")
        self._keep_axis = tuple(sorted(a % ndim for a in self.axis))
        for d in self._keep_axis:
            if input_shape[d] is None:
                raise ValueError(f"All `axis` values to be kept must have a known shape. Received "
                                 f"axis={self.axis}, inputs.shape={tuple(input_shape)}, with "
                                 f"unknown axis at index {d}")
        self._reduce_axis = tuple(d for d in range(ndim) if d not in self._keep_axis)
        self._broadcast_shape = [int(input_shape[d]) if d in self._keep_axis else 1
                                 for d in range(ndim)]
        self._stats_shape = tuple(int(input_shape[d]) for d in self._keep_axis)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(name="mean", shape=self._stats_shape,
                                              initializer="zeros", trainable=False)
            self.adapt_variance = self.add_weight(name="variance", shape=self._stats_shape,
                                                  initializer="ones", trainable=False)
            self.count = self.add_weight(name="count", shape=(), dtype="int64",
                                         initializer="zeros", trainable=False)
            self._finalize_state()
        else:
            self.mean, self.variance = (self._given_statistic(v) for v in
                                        (self.input_mean, self.input_variance))
        self.built = True

    def _given_statistic(self, value):
        """``mean=`` or ``variance=`` set along the kept axes and broadcast, as Keras."""
        value = np.asarray(value)
        expanded = [1] * len(self._broadcast_shape)
        for i in range(1, value.ndim + 1):
            expanded[self._keep_axis[-i]] = value.shape[-i]
        value = np.broadcast_to(value.reshape(expanded), self._broadcast_shape)
        return convert_to_tensor(value.astype(self._dtype._np))

    def _finalize_state(self):
        self.mean = _shape_ops.reshape(self.adapt_mean, self._broadcast_shape)
        self.variance = _shape_ops.reshape(self.adapt_variance, self._broadcast_shape)

    def adapt(self, data: Any) -> None:
        """Compute the mean and variance of ``data`` (an array, a tensor, or batches)."""
        batches = None
        if isinstance(data, (np.ndarray, TensorLike)):
            shape = tuple(data.shape)
        elif hasattr(data, "__iter__"):
            batches = iter(data)
            first = next(batches, None)
            if first is None:
                raise ValueError("adapt() received an empty iterable (no batches). Expected at "
                                 "least one batch.")
            if not hasattr(first, "shape"):
                raise TypeError("adapt() expects an iterable that yields arrays or tensors with "
                                f"a `.shape` attribute. Got an element of type "
                                f"{type(first).__name__}.")
            shape, batches = tuple(first.shape), itertools.chain([first], batches)
        else:
            raise TypeError(f"Unsupported data type: {type(data)}. `adapt` supports "
                            "`np.ndarray`, tensors and iterables of batches.")
        if not self.built:
            self.build(shape)
        elif any(shape[d] != self._build_input_shape[d] for d in self._keep_axis):
            raise ValueError(f"The layer was built with input_shape={self._build_input_shape}, "
                             f"but adapt() is being called with data with an incompatible "
                             f"shape, data.shape={shape}")
        if batches is None:
            values = data if isinstance(data, np.ndarray) else np.asarray(data, np.float32)
            mean, variance = (np.mean(values, axis=self._reduce_axis),
                              np.var(values, axis=self._reduce_axis))
        else:
            mean, variance = self._merged_moments(batches)
        self.adapt_mean.assign(np.asarray(mean, self._dtype._np))
        self.adapt_variance.assign(np.asarray(variance, self._dtype._np))
        self._finalize_state()

    def _merged_moments(self, batches):
        """Keras' running merge of each batch's float32 mean and variance."""
        mean = np.zeros(self._stats_shape, np.float32)
        variance = np.zeros(self._stats_shape, np.float32)
        total = 0
        for batch in batches:
            batch = np.asarray(batch.numpy() if isinstance(batch, TensorLike) else batch,
                               np.float32)
            count = int(np.prod([batch.shape[d] for d in self._reduce_axis]))
            batch_mean = np.mean(batch, axis=self._reduce_axis)
            batch_var = np.var(batch, axis=self._reduce_axis)
            total += count
            weight = np.float32(count / total)
            new_mean = mean * (1 - weight) + batch_mean * weight
            variance = ((variance + (mean - new_mean) ** 2) * (1 - weight)
                        + (batch_var + (batch_mean - new_mean) ** 2) * weight)
            mean = new_mean
        return mean, variance

    def call(self, inputs: TensorInput) -> Any:
        if self.mean is None:
            raise ValueError("You must call `.build(input_shape)` on the layer before using it.")
        scale = _ew.maximum(_ew.sqrt(self.variance), 1e-7)
        if self.invert:
            return self.mean + inputs * scale
        return (inputs - self.mean) / scale

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"axis": self.axis, "invert": self.invert,
                       "mean": np.array(self.input_mean).tolist(),
                       "variance": np.array(self.input_variance).tolist()})
        return config


# ---------------------------------------------------------------------------
# Lambda, reshaping, merging, padding, cropping and noise
# ---------------------------------------------------------------------------

class Lambda(Layer):
    """A function as a layer: ``function(inputs, **arguments)``.

    ``training`` and ``mask`` reach the function if it takes them. As in
    Keras, variables the function creates are not tracked: make a Layer
    subclass for weights.

    >>> import gradtape as tf
    >>> tf.keras.layers.Lambda(lambda x: x * 2.0)(tf.constant([[1.0, 2.0]])).numpy()
    array([[2., 4.]], dtype=float32)
    """

    def __init__(self, function: Any, output_shape: Any = None, mask: Any = None,
                 arguments: Optional[dict] = None, **kwargs: Any) -> None:
        if not callable(function):
            raise TypeError(f"Lambda: expected a callable, got {type(function).__name__}")
        super().__init__(**kwargs)
        self.function = function
        self.arguments = dict(arguments or {})
        try:
            params = inspect.signature(function).parameters
        except (TypeError, ValueError):
            params = {}
        self._passes = tuple(name for name in ("mask", "training") if name in params)
        self.mask = mask
        self.supports_masking = mask is not None

    def _cast_inputs(self, inputs):
        return inputs if type(inputs) in (list, tuple, dict) else super()._cast_inputs(inputs)

    def call(self, inputs: TensorInput, mask: Any = None, training: Optional[bool] = None) -> Any:
        kwargs = dict(self.arguments)
        given = {"mask": mask, "training": training}
        kwargs.update((name, given[name]) for name in self._passes)
        return self.function(inputs, **kwargs)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """The ``mask`` given: ``mask(inputs, mask)`` for a function, else the value."""
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask


class Reshape(Layer):
    """Reshape each sample to ``target_shape`` (one entry may be -1); the batch axis stays.

    >>> import gradtape as tf
    >>> tf.keras.layers.Reshape((3, -1))(tf.ones((2, 12))).shape
    TensorShape([2, 3, 4])
    """

    def __init__(self, target_shape: ShapeLike, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.target_shape = tuple(int(d) for d in target_shape)
        if self.target_shape.count(-1) > 1 or any(d < -1 for d in self.target_shape):
            raise ValueError("Reshape: target_shape holds sizes and at most one -1, "
                             f"got {target_shape!r}")

    def call(self, inputs: TensorInput) -> Any:
        size = int(np.prod(inputs.shape[1:], dtype=np.int64))
        known = int(np.prod([d for d in self.target_shape if d != -1], dtype=np.int64))
        if (size != known) if -1 not in self.target_shape else (known == 0 or size % known):
            raise ValueError("The total size of the tensor must be unchanged. Received: "
                             f"input_shape={tuple(inputs.shape[1:])}, "
                             f"target_shape={self.target_shape}")
        return _shape_ops.reshape(inputs, (int(inputs.shape[0]),) + self.target_shape)


class Permute(Layer):
    """Permute the axes of each sample: ``dims`` numbers them from 1 (the batch axis stays).

    >>> import gradtape as tf
    >>> tf.keras.layers.Permute((2, 1))(tf.ones((5, 3, 4))).shape
    TensorShape([5, 4, 3])
    """

    def __init__(self, dims: Sequence[int], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError("Invalid permutation argument `dims` for Permute Layer. The set "
                             "of indices in `dims` must be consecutive and start from 1. "
                             f"Received dims={dims}")

    def call(self, inputs: TensorInput) -> Any:
        if inputs.ndim != len(self.dims) + 1:
            raise ValueError(f"Permute '{self.name}': dims {self.dims} expect inputs of rank "
                             f"{len(self.dims) + 1}, got shape {tuple(inputs.shape)}")
        return _shape_ops.transpose(inputs, (0,) + self.dims)


class RepeatVector(Layer):
    """Repeat each sample ``n`` times: ``(batch, features)`` to ``(batch, n, features)``.

    >>> import gradtape as tf
    >>> tf.keras.layers.RepeatVector(3)(tf.constant([[1.0, 2.0]])).numpy()
    array([[[1., 2.],
            [1., 2.],
            [1., 2.]]], dtype=float32)
    """

    def __init__(self, n: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
            raise TypeError(f"Expected an integer value for `n`, got {type(n)}.")
        self.n = int(n)

    def call(self, inputs: TensorInput) -> Any:
        if inputs.ndim != 2:
            raise ValueError(f"RepeatVector '{self.name}': expected inputs of shape "
                             f"(batch, features), got shape {tuple(inputs.shape)}")
        return _repeat(_shape_ops.expand_dims(inputs, 1), self.n, axis=1)


class _Merge(Layer):
    """A layer called on a list of tensors, merged elementwise (with broadcasting).

    As Keras, inputs of lower rank get axes inserted after the batch axis first.
    """

    _at_least = 1
    _MASKS_VALUES = False   # Keras takes the masks into the merged values (not supported)

    def _cast_inputs(self, inputs):
        if type(inputs) not in (list, tuple):
            raise ValueError(f"A merge layer should be called on a list of inputs. Received: "
                             f"inputs={inputs} (not a list of tensors)")
        if len(inputs) < self._at_least:
            raise ValueError(f"{type(self).__name__} '{self.name}': expected at least "
                             f"{self._at_least} inputs, got {len(inputs)}")
        cast = [super(_Merge, self)._cast_inputs(x) for x in inputs]
        batch_sizes = {int(x.shape[0]) for x in cast if x.ndim}
        if len(batch_sizes) > 1:
            raise ValueError("Cannot merge tensors with different batch sizes. Received "
                             f"tensors with shapes {[tuple(x.shape) for x in cast]}")
        _masks.carry_masks(list(inputs), cast)
        return cast

    def call(self, inputs: Sequence[TensorInput]) -> Any:
        if self._MASKS_VALUES and any(_masks.get_keras_mask(x) is not None for x in inputs):
            raise NotImplementedError(
                f"{type(self).__name__} '{self.name}': inputs with masks are not supported "
                "(Keras merges the masked values specially); drop the masks first")
        rank = max(x.ndim for x in inputs)
        expanded = []
        for x in inputs:
            for _ in range(rank - x.ndim):
                x = _shape_ops.expand_dims(x, 1)
            expanded.append(x)
        return self._merge(expanded)

    def _merge(self, inputs):
        raise NotImplementedError

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """Keras' mask of an elementwise merge: the OR of the inputs' masks when they all
        have one, else None."""
        masks = _merge_masks(inputs, mask)
        if masks is None or any(m is None for m in masks):
            return None
        return _fold(_ew.logical_or, masks)


def _merge_masks(inputs, mask):
    """A merge layer's masks (a list, one per input), or None; Keras' checks."""
    if mask is None:
        return None
    if not isinstance(mask, (tuple, list)):
        raise ValueError(f"`mask` should be a list. Received: mask={mask}")
    if not isinstance(inputs, (tuple, list)):
        raise ValueError(f"`inputs` should be a list. Received: inputs={inputs}")
    if len(mask) != len(inputs):
        raise ValueError("The lists `inputs` and `mask` should have the same length. "
                         f"Received: inputs={inputs} of length {len(inputs)}, and "
                         f"mask={mask} of length {len(mask)}")
    return list(mask)


def _fold(op, inputs):
    out = inputs[0]
    for x in inputs[1:]:
        out = op(out, x)
    return out


class Add(_Merge):
    """The sum of a list of tensors.

    >>> import gradtape as tf
    >>> tf.keras.layers.Add()([tf.ones((1, 2)), tf.ones((1, 2))]).numpy()
    array([[2., 2.]], dtype=float32)
    """

    def _merge(self, inputs):
        return _fold(_ew.add, inputs)


class Subtract(_Merge):
    """The first of two tensors minus the second.

    >>> import gradtape as tf
    >>> tf.keras.layers.Subtract()([tf.ones((1, 2)), tf.ones((1, 2))]).numpy()
    array([[0., 0.]], dtype=float32)
    """

    def _merge(self, inputs):
        if len(inputs) != 2:
            raise ValueError("A `Subtract` layer should be called on exactly 2 inputs. "
                             f"Received: {len(inputs)} inputs")
        return _ew.subtract(inputs[0], inputs[1])


class Multiply(_Merge):
    """The product of a list of tensors.

    >>> import gradtape as tf
    >>> tf.keras.layers.Multiply()([tf.fill((1, 2), 2.0), tf.fill((1, 2), 3.0)]).numpy()
    array([[6., 6.]], dtype=float32)
    """

    _MASKS_VALUES = True

    def _merge(self, inputs):
        return _fold(_ew.multiply, inputs)


class Average(_Merge):
    """The mean of a list of tensors (their sum divided by their number).

    >>> import gradtape as tf
    >>> tf.keras.layers.Average()([tf.fill((1, 2), 2.0), tf.fill((1, 2), 3.0)]).numpy()
    array([[2.5, 2.5]], dtype=float32)
    """

    def _merge(self, inputs):
        return _fold(_ew.add, inputs) / len(inputs)


class Maximum(_Merge):
    """The elementwise maximum of a list of tensors.

    >>> import gradtape as tf
    >>> tf.keras.layers.Maximum()([tf.constant([[1.0, 5.0]]), tf.constant([[3.0, 2.0]])]).numpy()
    array([[3., 5.]], dtype=float32)
    """

    _MASKS_VALUES = True

    def _merge(self, inputs):
        return _fold(_ew.maximum, inputs)


class Minimum(_Merge):
    """The elementwise minimum of a list of tensors.

    >>> import gradtape as tf
    >>> tf.keras.layers.Minimum()([tf.constant([[1.0, 5.0]]), tf.constant([[3.0, 2.0]])]).numpy()
    array([[1., 2.]], dtype=float32)
    """

    _MASKS_VALUES = True

    def _merge(self, inputs):
        return _fold(_ew.minimum, inputs)


class Concatenate(_Merge):
    """A list of tensors joined along ``axis``.

    >>> import gradtape as tf
    >>> tf.keras.layers.Concatenate()([tf.ones((2, 3)), tf.zeros((2, 1))]).shape
    TensorShape([2, 4])
    """

    def __init__(self, axis: int = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs: Sequence[TensorInput]) -> Any:
        shapes = [tuple(x.shape) for x in inputs]
        rank = len(shapes[0])
        if any(len(shape) != rank for shape in shapes) or len(
                {shape[:self.axis % rank] + shape[self.axis % rank + 1:] for shape in shapes}) > 1:
            raise ValueError("A `Concatenate` layer requires inputs with matching shapes "
                             f"except for the concatenation axis. Received: input_shape={shapes}")
        return _shape_ops.concat(list(inputs), axis=self.axis)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """Keras' mask of a concatenation: the inputs' masks (all True for an input without
        one) joined along ``axis``, then any over the last axis."""
        masks = _merge_masks(inputs, mask)
        if masks is None or all(m is None for m in masks):
            return None
        full = []
        for x, m in zip(inputs, masks):
            if m is None:
                full.append(_ew.cast(_ew.ones_like(x), "bool"))
            elif m.ndim < x.ndim:
                full.append(_ew.logical_or(_shape_ops.expand_dims(m, -1),
                                           _ew.cast(_ew.zeros_like(x), "bool")))
            else:
                full.append(m)
        return _red.reduce_any(_shape_ops.concat(full, axis=self.axis), axis=-1)


def _merge_function(layer_class, doc):
    def merge(inputs: Sequence[TensorInput], **kwargs: Any) -> Any:
        return layer_class(**kwargs)(inputs)
    merge.__name__ = merge.__qualname__ = layer_class.__name__.lower()
    merge.__doc__ = doc
    return merge


add = _merge_function(Add, """``Add()(inputs)``.

    >>> import gradtape as tf
    >>> tf.keras.layers.add([tf.ones((1, 1)), tf.ones((1, 1))]).numpy()
    array([[2.]], dtype=float32)
    """)
subtract = _merge_function(Subtract, """``Subtract()(inputs)``.

    >>> import gradtape as tf
    >>> tf.keras.layers.subtract([tf.ones((1, 1)), tf.ones((1, 1))]).numpy()
    array([[0.]], dtype=float32)
    """)
multiply = _merge_function(Multiply, """``Multiply()(inputs)``.

    >>> import gradtape as tf
    >>> tf.keras.layers.multiply([tf.ones((1, 1)), tf.ones((1, 1))]).numpy()
    array([[1.]], dtype=float32)
    """)
average = _merge_function(Average, """``Average()(inputs)``.

    >>> import gradtape as tf
    >>> tf.keras.layers.average([tf.ones((1, 1)), tf.zeros((1, 1))]).numpy()
    array([[0.5]], dtype=float32)
    """)
maximum = _merge_function(Maximum, """``Maximum()(inputs)``.

    >>> import gradtape as tf
    >>> tf.keras.layers.maximum([tf.ones((1, 1)), tf.zeros((1, 1))]).numpy()
    array([[1.]], dtype=float32)
    """)
minimum = _merge_function(Minimum, """``Minimum()(inputs)``.

    >>> import gradtape as tf
    >>> tf.keras.layers.minimum([tf.ones((1, 1)), tf.zeros((1, 1))]).numpy()
    array([[0.]], dtype=float32)
    """)
concatenate = _merge_function(Concatenate, """``Concatenate(axis)(inputs)``.

    >>> import gradtape as tf
    >>> tf.keras.layers.concatenate([tf.ones((1, 1)), tf.zeros((1, 1))]).numpy()
    array([[1., 0.]], dtype=float32)
    """)


def _pairs(value, what, who):
    """Keras' ``((top, bottom), (left, right))`` from an int, a pair of ints or a pair of pairs."""
    if isinstance(value, (int, np.integer)):
        value = ((value, value), (value, value))
    pairs = tuple((v, v) if isinstance(v, (int, np.integer)) else tuple(v) for v in value)
    if len(pairs) != 2 or not all(len(p) == 2 and all(
            isinstance(n, (int, np.integer)) and n >= 0 for n in p) for p in pairs):
        raise ValueError(f"{who}: {what} must be an int, a pair of ints or a pair of pairs "
                         f"of non-negative ints, got {value!r}")
    return tuple((int(a), int(b)) for a, b in pairs)


class _Spatial2D(Layer):
    """A layer on images, ``channels_last`` ``(batch, height, width, channels)``
    or ``channels_first``."""

    def __init__(self, data_format: Optional[str] = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = _data_format(data_format, type(self).__name__,
                                        ("channels_last", "channels_first"))

    def _spatial_axes(self, inputs):
        _check_images(self, inputs)
        return (1, 2) if self.data_format == "channels_last" else (2, 3)


class ZeroPadding2D(_Spatial2D):
    """Zeros around images: ``padding`` is an int, ``(rows, cols)`` or
    ``((top, bottom), (left, right))``.

    >>> import gradtape as tf
    >>> tf.keras.layers.ZeroPadding2D(1)(tf.ones((1, 2, 2, 1)))[0, :, :, 0].numpy()
    array([[0., 0., 0., 0.],
           [0., 1., 1., 0.],
           [0., 1., 1., 0.],
           [0., 0., 0., 0.]], dtype=float32)
    """

    def __init__(self, padding: Any = (1, 1), data_format: Optional[str] = None,
                 **kwargs: Any) -> None:
        super().__init__(data_format, **kwargs)
        self.padding = _pairs(padding, "padding", "ZeroPadding2D")

    def call(self, inputs: TensorInput) -> Any:
        rows, cols = self._spatial_axes(inputs)
        paddings = [[0, 0]] * 4
        paddings[rows], paddings[cols] = list(self.padding[0]), list(self.padding[1])
        return _shape_ops.pad(inputs, paddings)


class Cropping2D(_Spatial2D):
    """Images with ``cropping`` rows and columns cut off: an int, ``(rows, cols)``
    or ``((top, bottom), (left, right))``.

    >>> import gradtape as tf
    >>> tf.keras.layers.Cropping2D(((1, 0), (0, 1)))(tf.ones((1, 3, 3, 2))).shape
    TensorShape([1, 2, 2, 2])
    """

    def __init__(self, cropping: Any = ((0, 0), (0, 0)), data_format: Optional[str] = None,
                 **kwargs: Any) -> None:
        super().__init__(data_format, **kwargs)
        self.cropping = _pairs(cropping, "cropping", "Cropping2D")

    def call(self, inputs: TensorInput) -> Any:
        axes = self._spatial_axes(inputs)
        index = [slice(None)] * 4
        for axis, (start, end) in zip(axes, self.cropping):
            if start + end >= inputs.shape[axis]:
                raise ValueError("Values in `cropping` argument should be smaller than the "
                                 "corresponding spatial dimension of the input. Received: "
                                 f"inputs.shape={tuple(inputs.shape)}, "
                                 f"cropping={self.cropping}")
            index[axis] = slice(start, int(inputs.shape[axis]) - end)
        return inputs[tuple(index)]


class UpSampling2D(_Spatial2D):
    """Images enlarged by repeating each row ``size[0]`` and each column ``size[1]`` times.

    Only Keras' default ``interpolation="nearest"`` is supported.

    >>> import gradtape as tf
    >>> x = tf.reshape(tf.range(4.0), (1, 2, 2, 1))
    >>> tf.keras.layers.UpSampling2D()(x)[0, :, :, 0].numpy()
    array([[0., 0., 1., 1.],
           [0., 0., 1., 1.],
           [2., 2., 3., 3.],
           [2., 2., 3., 3.]], dtype=float32)
    """

    def __init__(self, size: Union[int, Sequence[int]] = (2, 2),
                 data_format: Optional[str] = None, interpolation: str = "nearest",
                 **kwargs: Any) -> None:
        super().__init__(data_format, **kwargs)
        self.size = _pair(size, "size", "UpSampling2D")
        if interpolation != "nearest":
            raise NotImplementedError(f"UpSampling2D: interpolation={interpolation!r} is not "
                                      "supported; only 'nearest' is")
        self.interpolation = interpolation

    def call(self, inputs: TensorInput) -> Any:
        rows, cols = self._spatial_axes(inputs)
        return _repeat(_repeat(inputs, self.size[0], axis=rows), self.size[1], axis=cols)


def _sequence_axis(layer, inputs):
    if inputs.ndim != 3:
        raise ValueError(f"{type(layer).__name__} '{layer.name}': expected sequences of shape "
                         f"(batch, steps, channels), got shape {tuple(inputs.shape)}")
    return 2 if getattr(layer, "data_format", "channels_last") == "channels_first" else 1


def _two_ints(value, what, who):
    pair = (value, value) if isinstance(value, (int, np.integer)) else tuple(value)
    if len(pair) != 2 or not all(isinstance(n, (int, np.integer)) and n >= 0 for n in pair):
        raise ValueError(f"{who}: {what} must be a non-negative int or a pair of them, "
                         f"got {value!r}")
    return tuple(int(n) for n in pair)


class ZeroPadding1D(Layer):
    """Zeros before and after sequences ``(batch, steps, channels)``: an int or ``(before, after)``.

    >>> import gradtape as tf
    >>> tf.keras.layers.ZeroPadding1D((1, 2))(tf.ones((1, 2, 1)))[0, :, 0].numpy()
    array([0., 1., 1., 0., 0.], dtype=float32)
    """

    def __init__(self, padding: Any = 1, data_format: Optional[str] = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.padding = _two_ints(padding, "padding", "ZeroPadding1D")
        self.data_format = _data_format(data_format, "ZeroPadding1D",
                                        ("channels_last", "channels_first"))

    def call(self, inputs: TensorInput) -> Any:
        paddings = [[0, 0]] * 3
        paddings[_sequence_axis(self, inputs)] = list(self.padding)
        return _shape_ops.pad(inputs, paddings)


class Cropping1D(Layer):
    """Sequences ``(batch, steps, channels)`` with ``(before, after)`` steps cut off.

    >>> import gradtape as tf
    >>> tf.keras.layers.Cropping1D((1, 0))(tf.ones((1, 3, 2))).shape
    TensorShape([1, 2, 2])
    """

    def __init__(self, cropping: Any = (1, 1), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cropping = _two_ints(cropping, "cropping", "Cropping1D")

    def call(self, inputs: TensorInput) -> Any:
        _sequence_axis(self, inputs)
        start, end = self.cropping
        steps = int(inputs.shape[1])
        if start + end >= steps:
            raise ValueError("`cropping` parameter of `Cropping1D` layer must be smaller than "
                             f"the input length. Received: inputs.shape={tuple(inputs.shape)}, "
                             f"cropping={self.cropping}")
        return inputs[:, start:steps - end, :]


class UpSampling1D(Layer):
    """Sequences ``(batch, steps, channels)`` with each step repeated ``size`` times.

    >>> import gradtape as tf
    >>> tf.keras.layers.UpSampling1D(2)(tf.constant([[[1.0], [2.0]]]))[0, :, 0].numpy()
    array([1., 1., 2., 2.], dtype=float32)
    """

    def __init__(self, size: int = 2, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not isinstance(size, int) or isinstance(size, bool):
            raise TypeError(f"Expected an integer value for `size`, got {type(size)}.")
        if size <= 0:
            raise ValueError(f"Argument `size` should be a positive integer. Received: size={size}")
        self.size = size

    def call(self, inputs: TensorInput) -> Any:
        return _repeat(inputs, self.size, axis=_sequence_axis(self, inputs))


class _SpatialDropout(Dropout):
    """Dropout of whole feature maps: each sample's channel is kept or zeroed as a whole."""

    _rank = 4

    def __init__(self, rate: float, data_format: Optional[str] = None, seed: Optional[int] = None,
                 name: Optional[str] = None, dtype: Optional[DTypeLike] = None) -> None:
        super().__init__(rate, seed=seed, name=name, dtype=dtype)
        self.data_format = _data_format(data_format, type(self).__name__,
                                        ("channels_last", "channels_first"))

    def call(self, inputs: TensorInput, training: Optional[bool] = None) -> Any:
        if inputs.ndim != self._rank:
            raise ValueError(f"{type(self).__name__} '{self.name}': expected inputs of rank "
                             f"{self._rank}, got shape {tuple(inputs.shape)}")
        return super().call(inputs, training)

    def _noise_shape(self, inputs):
        batch, channels = int(inputs.shape[0]), int(inputs.shape[-1])
        if self.data_format == "channels_first":
            return (batch, int(inputs.shape[1])) + (1,) * (self._rank - 2)
        return (batch,) + (1,) * (self._rank - 2) + (channels,)


class SpatialDropout1D(_SpatialDropout):
    """Dropout of whole channels of sequences ``(batch, steps, channels)``.

    >>> import gradtape as tf
    >>> tf.keras.layers.SpatialDropout1D(0.5)(tf.ones((1, 4, 3))).shape
    TensorShape([1, 4, 3])
    """

    _rank = 3

    def __init__(self, rate: float, seed: Optional[int] = None, name: Optional[str] = None,
                 dtype: Optional[DTypeLike] = None) -> None:
        super().__init__(rate, seed=seed, name=name, dtype=dtype)


class SpatialDropout2D(_SpatialDropout):
    """Dropout of whole feature maps of images: each sample's channel is kept or zeroed as a whole.

    >>> import gradtape as tf
    >>> tf.keras.layers.SpatialDropout2D(0.5)(tf.ones((1, 2, 2, 3))).shape
    TensorShape([1, 2, 2, 3])
    """


class SpatialDropout3D(_SpatialDropout):
    """Dropout of whole feature maps of volumes ``(batch, d1, d2, d3, channels)``.

    >>> import gradtape as tf
    >>> tf.keras.layers.SpatialDropout3D(0.5)(tf.ones((1, 2, 2, 2, 3))).shape
    TensorShape([1, 2, 2, 2, 3])
    """

    _rank = 5


def _rate_in_unit_interval(value, what, who):
    if not isinstance(value, (int, float, np.floating)) or not 0 <= value <= 1:
        raise ValueError(f"Invalid value received for argument `{what}` of {who}. Expected "
                         f"a float value between 0 and 1. Received: {what}={value}")
    return float(value)


class _GaussianNoiseBase(Layer):
    """Normal noise applied while training (``training=True``); inputs pass otherwise.

    ``_amount`` names the constructor's number (in [0, 1]); zero means no noise.
    """

    _amount = ""

    def __init__(self, amount: float, seed: Optional[int] = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        setattr(self, self._amount,
                _rate_in_unit_interval(amount, self._amount, type(self).__name__))
        self.seed = seed

    def call(self, inputs: TensorInput, training: Optional[bool] = False) -> Any:
        if not training or getattr(self, self._amount) == 0:
            return inputs
        return self._apply_noise(inputs)

    def _normal(self, inputs, mean, stddev):
        return _random.normal(tuple(inputs.shape), mean, stddev, dtype=inputs.dtype,
                              seed=self.seed)


class GaussianNoise(_GaussianNoiseBase):
    """Add normal noise of ``stddev`` while training (``training=True``); else pass inputs.

    >>> import gradtape as tf
    >>> tf.keras.layers.GaussianNoise(0.1)(tf.ones((1, 2))).numpy()
    array([[1., 1.]], dtype=float32)
    """

    _amount = "stddev"

    def __init__(self, stddev: float, seed: Optional[int] = None, **kwargs: Any) -> None:
        super().__init__(stddev, seed, **kwargs)

    def _apply_noise(self, inputs):
        return inputs + self._normal(inputs, 0.0, self.stddev)


class GaussianDropout(_GaussianNoiseBase):
    """Multiply by normal noise of mean 1 and standard deviation
    ``sqrt(rate / (1 - rate))`` while training; else pass inputs.

    >>> import gradtape as tf
    >>> tf.keras.layers.GaussianDropout(0.5)(tf.ones((1, 2))).numpy()
    array([[1., 1.]], dtype=float32)
    """

    _amount = "rate"

    def __init__(self, rate: float, seed: Optional[int] = None, **kwargs: Any) -> None:
        super().__init__(rate, seed, **kwargs)

    def _apply_noise(self, inputs):
        return inputs * self._normal(inputs, 1.0, float(np.sqrt(self.rate / (1.0 - self.rate))))


# the layers that pass their input's mask on, as Keras 3's (``supports_masking = True``)
for _cls in (Dense, Dropout, Activation, ReLU, LeakyReLU, ELU, PReLU, Softmax, Identity,
             Rescaling, Normalization, BatchNormalization, LayerNormalization, _Merge,
             _GaussianNoiseBase):
    _cls.supports_masking = True
del _cls
