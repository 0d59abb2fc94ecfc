"""Layers: Modules that build their weights on first call, under Keras' names.

``Dense``, ``Dropout`` and ``Sequential`` are enough for a multilayer
perceptron trained with a hand-written ``GradientTape`` loop::

    model = Sequential([Dense(64, activation="relu"), Dense(10)])
    with GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    grads = tape.gradient(loss, model.trainable_variables)
"""
import inspect

import numpy as np

from . import initializers
from .. import nn as _nn
from .. import random as _random
from .._core.dtypes import as_dtype
from .._core.tensor import TensorLike, convert_to_tensor
from .module import Module, camel_to_snake, unique_name
from ..rules import elementwise as _ew
from ..rules import nn as _nn_rules
from ..rules import shape as _shape_ops
from ..rules.linalg import matmul as _matmul
from ..variables import Variable



# ---------------------------------------------------------------------------
# Activations
# ---------------------------------------------------------------------------

def _softmax(x):
    return _nn.softmax(x, axis=-1)


def _linear(x):
    return x


ACTIVATIONS = {
    "linear": _linear,
    "relu": _nn.relu,
    "tanh": _ew.tanh,
    "sigmoid": _ew.sigmoid,
    "softplus": _ew.softplus,
    "softmax": _softmax,
}


def get_activation(identifier):
    """An activation function from its Keras name, a callable, or None (identity).

    >>> import gradtape as tf
    >>> tf.layers.get_activation("relu")(tf.constant([-1.0, 2.0])).numpy()
    array([0., 2.], dtype=float32)
    """
    if identifier is None:
        return _linear
    if callable(identifier):
        return identifier
    if isinstance(identifier, str) and identifier in ACTIVATIONS:
        return ACTIVATIONS[identifier]
    raise ValueError(f"unknown activation {identifier!r}; expected a callable, None "
                     f"or one of {sorted(ACTIVATIONS)}")


# ---------------------------------------------------------------------------
# Layer
# ---------------------------------------------------------------------------

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

    def __init__(self, name=None, trainable=True, dtype=None):
        super().__init__(name=name or unique_name(camel_to_snake(type(self).__name__)))
        self.built = False
        self._trainable = bool(trainable)
        self._dtype = as_dtype(dtype or "float32")

    @staticmethod
    def _valid_name(name):
        return isinstance(name, str) and bool(name)

    @property
    def dtype(self):
        """The dtype of this layer's weights and outputs (float32 unless given)."""
        return self._dtype

    @property
    def trainable(self):
        """Whether this layer's weights train; setting it freezes or unfreezes them all."""
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        value = bool(value)
        for layer in (self,) + tuple(m for m in self.submodules if isinstance(m, Layer)):
            layer._trainable = value
        for var in self.variables:
            var._trainable = value

    @property
    def weights(self):
        """Keras' name for ``variables`` (a list)."""
        return list(self.variables)

    @property
    def trainable_weights(self):
        """Keras' name for ``trainable_variables`` (a list)."""
        return list(self.trainable_variables)

    @property
    def non_trainable_weights(self):
        """Keras' name for ``non_trainable_variables`` (a list)."""
        return list(self.non_trainable_variables)

    def add_weight(self, shape, initializer="glorot_uniform", name=None, trainable=True,
                   dtype=None):
        """Create a Variable named ``'<layer>/<name>'`` filled by ``initializer``.

        >>> import gradtape as tf
        >>> layer = tf.layers.Layer(name="block")
        >>> layer.add_weight((2,), initializer="zeros", name="offset")
        <gradtape.Variable 'block/offset:0' shape=(2,) dtype=float32, numpy=array([0., 0.], dtype=float32)>
        """
        dt = as_dtype(dtype or self._dtype)
        value = initializers.get(initializer)(tuple(int(d) for d in shape), dtype=dt)
        return Variable(value, trainable=trainable and self._trainable,
                        name=f"{self.name}/{name or 'weight'}", dtype=dt)

    def build(self, input_shape):
        """Create the weights for inputs of ``input_shape`` (nothing by default)."""

    def call(self, inputs, training=None):
        """The computation; subclasses override it."""
        return inputs

    def _cast_inputs(self, inputs):
        """Floating inputs take the layer's dtype, as Keras' autocasting does."""
        if not isinstance(inputs, TensorLike):
            array = np.asarray(inputs)
            return convert_to_tensor(array, dtype=self._dtype if array.dtype.kind == "f" else None)
        if inputs.dtype.is_floating and inputs.dtype != self._dtype:
            return _ew.cast(inputs, self._dtype)
        return inputs

    def __call__(self, inputs, *args, **kwargs):
        inputs = self._cast_inputs(inputs)
        if not self.built:
            self.build(tuple(inputs.shape))
            self.built = True
        return self.call(inputs, *args, **kwargs)


class Dense(Layer):
    """A fully connected layer: ``activation(inputs @ kernel + bias)``.

    The kernel's input size is taken from the first input it sees.

    >>> import gradtape as tf
    >>> layer = tf.layers.Dense(3, activation="relu", kernel_initializer="ones")
    >>> layer(tf.constant([[1.0, -2.0]])).numpy()
    array([[0., 0., 0.]], dtype=float32)
    >>> [v.name for v in layer.trainable_variables]   # doctest: +ELLIPSIS
    ['dense.../bias:0', 'dense.../kernel:0']
    """

    def __init__(self, units, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 name=None, trainable=True, dtype=None):
        if not isinstance(units, (int, np.integer)) or isinstance(units, bool) or units <= 0:
            raise ValueError(f"Dense: units must be a positive integer, got {units!r}")
        super().__init__(name=name, trainable=trainable, dtype=dtype)
        self.units = int(units)
        self.activation = get_activation(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel = None
        self.bias = None

    def build(self, input_shape):
        if len(input_shape) < 1 or input_shape[-1] is None:
            raise ValueError(f"Dense '{self.name}': inputs need a known last dimension, "
                             f"got shape {tuple(input_shape)}")
        self.kernel = self.add_weight((input_shape[-1], self.units), self.kernel_initializer,
                                      name="kernel")
        if self.use_bias:
            self.bias = self.add_weight((self.units,), self.bias_initializer, name="bias")

    def call(self, inputs, training=None):
        expected = self.kernel.shape[0]
        if inputs.ndim < 1 or inputs.shape[-1] != expected:
            raise ValueError(
                f"Dense '{self.name}': expected inputs whose last dimension is {expected}, "
                f"got shape {tuple(inputs.shape)}")
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

    def __init__(self, rate, noise_shape=None, seed=None, name=None, dtype=None):
        if not isinstance(rate, (int, float)) or not 0 <= rate < 1:
            raise ValueError(f"Dropout: rate must be a number in [0, 1), got {rate!r}")
        super().__init__(name=name, trainable=True, dtype=dtype)
        self.rate = float(rate)
        self.noise_shape = noise_shape
        self._rng = np.random.default_rng(seed) if seed is not None else None

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        shape = tuple(inputs.shape) if self.noise_shape is None else tuple(self.noise_shape)
        draw = _random._draw("uniform", shape, np.float64, None, 0.0, 1.0, self._rng)
        return inputs * _nn_rules._keep_mask(draw, self.rate, inputs)


class Sequential(Layer):
    """Layers applied one after another; ``training`` reaches the layers that take it.

    >>> import gradtape as tf
    >>> tf.random.set_seed(0)
    >>> model = tf.layers.Sequential([tf.layers.Dense(8, activation="relu"), tf.layers.Dense(2)])
    >>> model(tf.ones((4, 3))).shape
    TensorShape([4, 2])
    >>> [tuple(v.shape) for v in model.trainable_variables]
    [(8,), (3, 8), (2,), (8, 2)]
    """

    def __init__(self, layers=None, name=None, trainable=True):
        super().__init__(name=name, trainable=trainable)
        self.layers = []
        for layer in layers or ():
            self.add(layer)

    def add(self, layer):
        """Append a layer (any callable; Layers get the ``training`` flag)."""
        if not callable(layer):
            raise TypeError(f"Sequential.add: expected a layer or callable, "
                            f"got {type(layer).__name__}")
        self.layers.append(layer)

    def _cast_inputs(self, inputs):
        return inputs

    def call(self, inputs, training=None):
        x = inputs
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


from .normalization import BatchNormalization  # noqa: E402,F401 - it subclasses Layer
