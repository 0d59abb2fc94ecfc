"""Keras 3's recurrent layers: ``SimpleRNN``, ``LSTM``, ``GRU``, their cells, ``RNN`` and
``Bidirectional``.

A cell computes one time step, ``output, new_states = cell(inputs, states)``; ``RNN(cell)``
runs it over the time axis (axis 1) of its inputs in a Python loop of gradtape ops, so the
tape records every step and gradients flow through the whole sequence. Weights have Keras 3's
names, shapes, layouts and initializers (LSTM gates in the order i, f, c, o; GRU z, r, h,
with ``reset_after=True``), so TensorFlow's weights given to ``set_weights`` give its outputs::

    model = tf.keras.Sequential([tf.keras.layers.LSTM(32), tf.keras.layers.Dense(1)])

A ``mask=`` (``(batch, timesteps)`` booleans) keeps the states of masked steps and
repeats the last output, as Keras. Not supported (each raises ``NotImplementedError``):
dropout or recurrent dropout while training (TensorFlow's random masks cannot be matched).
A stateful layer called on a symbolic tensor (a functional model, a built Sequential) needs
a known batch size and keeps zero states for it; learning the shapes touches no state.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional

import numpy as np

from . import activations, initializers, regularizers
from .. import nest as _nest
from .._core.tensor import TensorLike
from ..rules import elementwise as _ew
from ..rules import shape as _shape_ops
from ..rules.indexing import reverse as _reverse
from ..rules.linalg import matmul as _matmul
from ..variables import Variable
from ..errors import InvalidArgumentError
from . import functional as _functional
from . import _masks
from .._core.convert import convert_to_tensor
from .layers import Layer, _map_leaves, _training_parameter
from .._core.types import ShapeLike, TensorInput

__all__ = ["Bidirectional", "GRU", "GRUCell", "LSTM", "LSTMCell", "RNN", "SimpleRNN",
           "SimpleRNNCell", "StackedRNNCells"]


# ---------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------

def _positive_units(units):
    if not isinstance(units, (int, np.integer)) or isinstance(units, bool) or units <= 0:
        raise ValueError(f"Received an invalid value for argument `units`, expected a positive "
                         f"integer, got {units}.")
    return int(units)


def _unit_interval(rate):
    """Keras' clipping of a dropout rate to [0, 1]."""
    return min(1.0, max(0.0, float(rate)))


class _Cell(Layer):
    """What Keras' three cells share: ``units``, activations, kernel/recurrent_kernel/bias
    initializers and regularizers, dropout rates, and zero initial states."""

    _GATES = 1    # how many blocks of ``units`` columns the kernels hold

    def __init__(self, units: int, activation: Any = "tanh", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, kernel_constraint: Any = None,
                 recurrent_constraint: Any = None, bias_constraint: Any = None,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 seed: Optional[int] = None, **kwargs: Any) -> None:
        self.units = _positive_units(units)
        kwargs.pop("implementation", None)    # Keras' choice of kernel layout; same numbers
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = kernel_constraint
        self.recurrent_constraint = recurrent_constraint
        self.bias_constraint = bias_constraint
        self.dropout = _unit_interval(dropout)
        self.recurrent_dropout = _unit_interval(recurrent_dropout)
        self.seed = seed
        self.kernel = self.recurrent_kernel = self.bias = None

    @property
    def state_size(self) -> Any:
        return self.units

    @property
    def output_size(self) -> int:
        return self.units

    def _bias_shape(self):
        return (self._GATES * self.units,)

    def _bias_initializer(self):
        return self.bias_initializer

    def build(self, input_shape: ShapeLike) -> None:
        width = self._GATES * self.units
        self.kernel = self.add_weight((input_shape[-1], width), self.kernel_initializer,
                                      name="kernel", regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(
            (self.units, width), self.recurrent_initializer, name="recurrent_kernel",
            regularizer=self.recurrent_regularizer, constraint=self.recurrent_constraint)
        if self.use_bias:
            self.bias = self.add_weight(self._bias_shape(), self._bias_initializer(), name="bias",
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)

    def _refuse_dropout(self, training):
        """Keras draws dropout masks from its own random stream while training: refuse."""
        for what in ("dropout", "recurrent_dropout"):
            if training and 0.0 < getattr(self, what) < 1.0:
                raise NotImplementedError(
                    f"{type(self).__name__} '{self.name}': {what}={getattr(self, what)} while "
                    "training is not supported (TensorFlow's random dropout masks cannot be "
                    f"matched); use {what}=0 or call with training=False")

    def _inputs(self, inputs):
        if not inputs.dtype.is_floating:
            inputs = _ew.cast(inputs, self.kernel.dtype)
        return inputs

    def get_initial_state(self, batch_size: Optional[int] = None) -> List[Any]:
        """Zeros of shape ``(batch_size, units)``, one per state, of the cell's dtype."""
        sizes = self.state_size if isinstance(self.state_size, list) else [self.state_size]
        return [_shape_ops.zeros((batch_size, size), self.dtype) for size in sizes]

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update(units=self.units, activation=activations.serialize(self.activation),
                      use_bias=self.use_bias,
                      kernel_initializer=self.kernel_initializer,
                      recurrent_initializer=self.recurrent_initializer,
                      bias_initializer=self.bias_initializer,
                      kernel_regularizer=self.kernel_regularizer,
                      recurrent_regularizer=self.recurrent_regularizer,
                      bias_regularizer=self.bias_regularizer,
                      kernel_constraint=self.kernel_constraint,
                      recurrent_constraint=self.recurrent_constraint,
                      bias_constraint=self.bias_constraint,
                      dropout=self.dropout, recurrent_dropout=self.recurrent_dropout,
                      seed=self.seed)
        return config


def _first_state(states):
    return states[0] if isinstance(states, (list, tuple)) else states


def _like_states(states, new_state):
    """A single-state cell's new state as its states came: a list, or a bare tensor."""
    return [new_state] if isinstance(states, (list, tuple)) else new_state


class SimpleRNNCell(_Cell):
    """One step of a fully connected RNN: ``h = activation(x @ kernel + bias + h_prev @
    recurrent_kernel)``; the output is ``h``.

    >>> import gradtape as tf
    >>> cell = tf.keras.layers.SimpleRNNCell(2, kernel_initializer="ones",
    ...                                      recurrent_initializer="zeros")
    >>> output, states = cell(tf.constant([[0.5]]), [tf.zeros((1, 2))])
    >>> output.numpy().round(4), len(states)
    (array([[0.4621, 0.4621]], dtype=float32), 1)
    """

    def call(self, inputs: TensorInput, states: Any, training: bool = False) -> Any:
        self._refuse_dropout(training)
        prev = _first_state(states)
        h = _matmul(self._inputs(inputs), self.kernel)
        if self.use_bias:
            h = h + self.bias
        output = self.activation(h + _matmul(prev, self.recurrent_kernel))
        return output, _like_states(states, output)


class LSTMCell(_Cell):
    """One step of a long short-term memory: gates ``i, f, c, o`` in that order along the
    kernels' columns; states ``[h, c]``; the output is ``h``.

    ``unit_forget_bias=True`` (the default) starts the forget gate's bias at one.

    >>> import gradtape as tf
    >>> cell = tf.keras.layers.LSTMCell(3)
    >>> h, (h_again, c) = cell(tf.ones((2, 4)), [tf.zeros((2, 3)), tf.zeros((2, 3))])
    >>> h.shape, c.shape, cell.kernel.shape, cell.bias.numpy()
    (TensorShape([2, 3]), TensorShape([2, 3]), TensorShape([4, 12]), array([0., 0., 0., 1., 1., 1., 0., 0., 0., 0., 0., 0.], dtype=float32))
    """

    _GATES = 4

    def __init__(self, units: int, activation: Any = "tanh",
                 recurrent_activation: Any = "sigmoid", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 unit_forget_bias: bool = True, **kwargs: Any) -> None:
        super().__init__(units, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer,
                         bias_initializer=bias_initializer, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = bool(unit_forget_bias)

    @property
    def state_size(self) -> Any:
        return [self.units, self.units]

    def _bias_initializer(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        units, init = self.units, self.bias_initializer

        def forget_bias_one(shape, dtype=None):
            parts = (init((units,), dtype=dtype), initializers.Ones()((units,), dtype=dtype),
                     init((2 * units,), dtype=dtype))
            return np.concatenate([np.asarray(part) for part in parts])
        return forget_bias_one

    def call(self, inputs: TensorInput, states: Any, training: bool = False) -> Any:
        self._refuse_dropout(training)
        h_prev, c_prev = states[0], states[1]
        z = _matmul(self._inputs(inputs), self.kernel) + _matmul(h_prev, self.recurrent_kernel)
        if self.use_bias:
            z = z + self.bias
        z_i, z_f, z_c, z_o = _shape_ops.split(z, 4, axis=1)
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        c = f * c_prev + i * self.activation(z_c)
        o = self.recurrent_activation(z_o)
        h = o * self.activation(c)
        return h, [h, c]

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update(recurrent_activation=activations.serialize(self.recurrent_activation),
                      unit_forget_bias=self.unit_forget_bias)
        return config


class GRUCell(_Cell):
    """One step of a gated recurrent unit: gates ``z, r, h`` in that order along the kernels'
    columns; the output is the new state ``h``.

    With ``reset_after=True`` (Keras 3's default) the reset gate multiplies the recurrent
    term after its matmul, and the bias has shape ``(2, 3 * units)``: input bias, then
    recurrent bias.

    >>> import gradtape as tf
    >>> cell = tf.keras.layers.GRUCell(3)
    >>> h, states = cell(tf.ones((2, 4)), [tf.zeros((2, 3))])
    >>> h.shape, cell.bias.shape
    (TensorShape([2, 3]), TensorShape([2, 9]))
    """

    _GATES = 3

    def __init__(self, units: int, activation: Any = "tanh",
                 recurrent_activation: Any = "sigmoid", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 reset_after: bool = True, **kwargs: Any) -> None:
        super().__init__(units, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer,
                         bias_initializer=bias_initializer, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.reset_after = bool(reset_after)

    def _bias_shape(self):
        width = self._GATES * self.units
        return (2, width) if self.reset_after else (width,)

    def call(self, inputs: TensorInput, states: Any, training: bool = False) -> Any:
        self._refuse_dropout(training)
        h_prev = _first_state(states)
        units = self.units
        input_bias = recurrent_bias = None
        if self.use_bias and self.reset_after:
            input_bias, recurrent_bias = _shape_ops.unstack(self.bias, num=2)
        elif self.use_bias:
            input_bias = self.bias
        matrix_x = _matmul(self._inputs(inputs), self.kernel)
        if input_bias is not None:
            matrix_x = matrix_x + input_bias
        x_z, x_r, x_h = _shape_ops.split(matrix_x, 3, axis=-1)
        if self.reset_after:
            inner = _matmul(h_prev, self.recurrent_kernel)
            if recurrent_bias is not None:
                inner = inner + recurrent_bias
        else:
            inner = _matmul(h_prev, self.recurrent_kernel[:, :2 * units])
        recurrent = _shape_ops.split(inner, 3 if self.reset_after else 2, axis=-1)
        z = self.recurrent_activation(x_z + recurrent[0])
        r = self.recurrent_activation(x_r + recurrent[1])
        if self.reset_after:
            recurrent_h = r * recurrent[2]
        else:
            recurrent_h = _matmul(r * h_prev, self.recurrent_kernel[:, 2 * units:])
        hh = self.activation(x_h + recurrent_h)
        h = z * h_prev + (1 - z) * hh
        return h, _like_states(states, h)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update(recurrent_activation=activations.serialize(self.recurrent_activation),
                      reset_after=self.reset_after)
        return config


def _output_size(cell):
    """What a cell gives the next cell of a stack: ``output_size``, else its first state's size."""
    size = getattr(cell, "output_size", None)
    if size is not None:
        return size
    states = cell.state_size
    return states[0] if isinstance(states, (list, tuple)) else states


class StackedRNNCells(Layer):
    """Cells run one after the other in each time step: each cell's output is the next
    one's input; the states are the cells' states, cell by cell.

    >>> import gradtape as tf
    >>> cells = [tf.keras.layers.GRUCell(2), tf.keras.layers.LSTMCell(3)]
    >>> layer = tf.keras.layers.RNN(cells, return_state=True)
    >>> output, gru_states, lstm_states = layer(tf.ones((1, 4, 5)))
    >>> output.shape, len(gru_states), len(lstm_states), layer.cell.state_size
    (TensorShape([1, 3]), 1, 2, [2, [3, 3]])
    """

    def __init__(self, cells: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for cell in cells:
            if not hasattr(cell, "call"):
                raise ValueError("All cells must have a `call` method. Received cell without "
                                 f"a `call` method: {cell}")
            if not hasattr(cell, "state_size"):
                raise ValueError("All cells must have a `state_size` attribute. Received cell "
                                 f"without a `state_size`: {cell}")
        self.cells = list(cells)

    @property
    def state_size(self) -> List[Any]:
        return [cell.state_size for cell in self.cells]

    @property
    def output_size(self) -> Any:
        return _output_size(self.cells[-1])

    def get_initial_state(self, batch_size: Optional[int] = None) -> List[Any]:
        """Each cell's initial states (zeros), cell by cell."""
        states = []
        for cell in self.cells:
            make = getattr(cell, "get_initial_state", None)
            if make is not None:
                states.append(make(batch_size=batch_size))
            elif isinstance(cell.state_size, (list, tuple)):
                states.append([_shape_ops.zeros((batch_size, size), self.dtype)
                               for size in cell.state_size])
            else:
                states.append(_shape_ops.zeros((batch_size, cell.state_size), self.dtype))
        return states

    def build(self, input_shape: ShapeLike) -> None:
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell.build(input_shape)
                cell.built = True
            input_shape = (_nest.flatten(input_shape)[0], _output_size(cell))

    def call(self, inputs: TensorInput, states: Any, training: bool = False) -> Any:
        new_states = []
        for cell, cell_states in zip(self.cells, states):
            listed = isinstance(cell_states, (list, tuple))
            kwargs = {"training": training} if _call_takes_training(cell) else {}
            inputs, cell_states = cell(inputs, list(cell_states) if listed else [cell_states],
                                       **kwargs)
            if len(cell_states) == 1 and not listed:
                cell_states = cell_states[0]
            new_states.append(cell_states)
        return inputs, (new_states[0] if len(new_states) == 1 else new_states)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config["cells"] = [type(cell).from_config(cell.get_config()) for cell in self.cells]
        return config


# ---------------------------------------------------------------------------
# The time loop
# ---------------------------------------------------------------------------

# the keys under which a call's ``initial_state`` and ``mask`` travel with its inputs, so
# that a functional model records (and replays) them as inputs of the layer's node; sorted
# (as nest flattens a dict) they come in the call's order, as Keras 3's node lists them
_SEQUENCES_KEY, _STATES_KEY, _MASK_KEY = ("__0_sequences__", "__1_initial_state__",
                                          "__2_mask__")


def _pack(sequences, initial_state, mask):
    if initial_state is None and mask is None:
        return sequences
    if initial_state is not None and not isinstance(initial_state, (list, tuple)):
        initial_state = [initial_state]
    packed = {_SEQUENCES_KEY: sequences}
    if initial_state is not None:
        packed[_STATES_KEY] = list(initial_state)
    if mask is not None:
        packed[_MASK_KEY] = mask
    return packed


def _unpack(inputs, initial_state, mask):
    """``(sequences, initial_state, mask)`` from a call's inputs and arguments."""
    if isinstance(inputs, dict) and _SEQUENCES_KEY in inputs:
        return (inputs[_SEQUENCES_KEY], inputs.get(_STATES_KEY, initial_state),
                inputs.get(_MASK_KEY, mask))
    return inputs, initial_state, mask


def _step_masks(mask, length, go_backwards):
    """A boolean ``(batch,)`` tensor per time step (in the order the steps run), or None.

    Tensor ops, not NumPy: a compiled ``fit`` step reads the mask of each batch."""
    mask = next((m for m in _nest.flatten(mask) if m is not None), None)
    if mask is None:
        return None
    mask = convert_to_tensor(mask)
    if mask.ndim != 2 or mask.shape[1] != length:
        raise ValueError(f"an RNN's mask has shape (batch, timesteps) = (batch, {length}), "
                         f"got shape {tuple(mask.shape)}")
    if mask.dtype.name != "bool":
        mask = _ew.cast(mask, "bool")
    steps = _shape_ops.unstack(mask, num=length, axis=1)
    return steps[::-1] if go_backwards else steps


def _masked(keep, new, old):
    """``new`` where the step is kept, else ``old``, leaf by leaf (Keras' ``tf.where``)."""
    def select(n, o):
        return _ew.where(_shape_ops.reshape(keep, (-1,) + (1,) * (n.ndim - 1)), n, o)
    return _nest.pack_sequence_as(new, [select(n, o) for n, o in
                                        zip(_nest.flatten(new), _nest.flatten(old))])


def _shapes(value):
    """The shape of each tensor of a structure, in the structure (Keras' nested shapes)."""
    return _map_leaves(lambda t: tuple(t.shape), value)


class _TakesInitialState:
    """``layer(sequences, initial_state=..., mask=...)``: the states and the mask travel with
    the inputs (so a functional model records them as inputs of the call) and ``call``
    takes them apart."""

    supports_masking = True

    def __call__(self, sequences: Any, initial_state: Any = None, mask: Any = None,
                 **kwargs: Any) -> Any:
        packed = isinstance(sequences, dict) and _SEQUENCES_KEY in sequences
        if mask is None and initial_state is None and not packed \
                and not _functional._is_symbolic(sequences) \
                and not any(isinstance(v, (TensorLike, np.ndarray)) for v in kwargs.values()):
            # Keras 3 gives a call with one tensor argument that tensor's mask
            mask = _first_mask(sequences)
        inputs = _pack(sequences, initial_state, mask)
        if getattr(self, "stateful", False) and _functional._is_symbolic(inputs):
            self._keep_states(_static_batch(_nest.flatten(sequences)[0]))
        return super().__call__(inputs, **kwargs)

    def _build_on_first_call(self, inputs):
        sequences, _, _ = _unpack(inputs, None, None)
        self.build(_shapes(sequences))
        self.built = True

    def _populate_masks(self, inputs, args, kwargs):
        # ``__call__`` put the mask among the inputs; the outputs' masks come from it, or
        # from the sequences' when it has none
        sequences, _, mask = _unpack(inputs, None, None)
        return mask if mask is not None else _masks.masks_of(sequences)

    def _first_argument(self, inputs):
        return _unpack(inputs, None, None)[0]


def _first_mask(sequences):
    """The mask of the first leaf of ``sequences`` that has one, or None."""
    return next((m for m in map(_masks.get_keras_mask, _nest.flatten(sequences))
                 if m is not None), None)


def _static_batch(sequences):
    """A stateful layer's batch size, from the symbolic sequences it is called on (Keras 3
    keeps one state per example, so the batch size must be known)."""
    batch = sequences.shape[0]
    if batch is None:
        raise ValueError("When using `stateful=True` in a RNN, the batch size must be static. "
                         f"Found dynamic batch size: sequence.shape={tuple(sequences.shape)}")
    return batch


def _steps(sequences):
    """The time steps of ``sequences`` (a tensor or a structure of them): a list of them."""
    leaves = _nest.flatten(sequences)
    for leaf in leaves:
        if leaf.ndim < 3:
            raise ValueError(f"an RNN expects inputs of shape (batch, timesteps, features), "
                             f"got shape {tuple(leaf.shape)}")
    length = leaves[0].shape[1]
    unstacked = [_shape_ops.unstack(leaf, num=length, axis=1) for leaf in leaves]
    return [_nest.pack_sequence_as(sequences, [steps[t] for steps in unstacked])
            for t in range(length)]


def _stack_outputs(outputs):
    """The per-step outputs stacked on a time axis (axis 1), structure by structure."""
    leaves = [_nest.flatten(output) for output in outputs]
    stacked = [_shape_ops.stack([step[i] for step in leaves], axis=1)
               for i in range(len(leaves[0]))]
    return _nest.pack_sequence_as(outputs[0], stacked)


class RNN(_TakesInitialState, Layer):
    """Run a cell over the time axis (axis 1) of its inputs.

    ``return_sequences`` gives every step's output (in the order the steps ran, so
    reversed with ``go_backwards``), else the last; ``return_state`` adds the final
    states after the output. ``initial_state`` (one tensor per state) replaces zeros.
    ``stateful=True`` keeps the final states for the next call (``reset_states()``
    zeroes them). A masked step (``mask=``, booleans of shape ``(batch, timesteps)``)
    keeps the states and repeats the previous output (zeros with ``zero_output_for_mask``).

    >>> import gradtape as tf
    >>> layer = tf.keras.layers.RNN(tf.keras.layers.LSTMCell(4), return_state=True)
    >>> output, h, c = layer(tf.ones((2, 5, 3)))
    >>> output.shape, c.shape
    (TensorShape([2, 4]), TensorShape([2, 4]))
    """

    def __init__(self, cell: Any, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, unroll: bool = False,
                 zero_output_for_mask: bool = False, **kwargs: Any) -> None:
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        if not hasattr(cell, "call"):
            raise ValueError(f"Argument `cell` should have a `call` method. Received: cell={cell}")
        if not hasattr(cell, "state_size"):
            raise ValueError("The RNN cell should have a `state_size` attribute (single integer "
                             "or list of integers, one integer per RNN state). "
                             f"Received: cell={cell}")
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)   # the loop is a Python loop either way
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self._states = None

    @property
    def state_size(self) -> List[Any]:
        size = self.cell.state_size
        return list(size) if isinstance(size, (list, tuple)) else [size]

    @property
    def states(self) -> Any:
        """A stateful layer's kept states (non-trainable Variables), else None."""
        return self._states

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """The input's mask for a sequence output (``return_sequences``), else None; no mask
        for the states."""
        mask = _nest.flatten(mask)[0] if mask is not None else None
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None for _ in self.state_size]
        return output_mask

    def build(self, sequences_shape: Any, initial_state_shape: Any = None) -> None:
        # Keras 3 drops the time axis of the outer structure: nested inputs give their cell
        # ``(shape_of_first,)`` (a cell that reads more of it fails, as in TensorFlow)
        step_shape = (sequences_shape[0],) + tuple(sequences_shape[2:])
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell.build(step_shape)
            self.cell.built = True

    def get_initial_state(self, batch_size: int) -> List[Any]:
        """Zeros for each state (the cell's ``get_initial_state`` when it has one)."""
        make = getattr(self.cell, "get_initial_state", None)
        if make is not None:
            states = make(batch_size=batch_size)
            return list(states) if isinstance(states, (list, tuple)) else [states]
        dtype = getattr(self.cell, "dtype", self.dtype)
        return [_shape_ops.zeros((batch_size,) + _size_shape(size), dtype)
                for size in self.state_size]

    def reset_states(self) -> None:
        """Zero a stateful layer's kept states."""
        self.reset_state()

    def reset_state(self) -> None:
        """Zero a stateful layer's kept states (Keras 3's newer name)."""
        for var in _nest.flatten(self._states or []):
            var.assign(np.zeros(tuple(var.shape), var.dtype._np))

    def _keep_states(self, batch: int) -> None:
        """Make the kept states (zeros for ``batch`` examples) unless the layer has them."""
        if self._states is None:
            initial = self.get_initial_state(batch)
            self._states = _nest.pack_sequence_as(initial, [
                Variable(state, trainable=False, name=f"{self.name}/rnn_state")
                for state in _nest.flatten(initial)])

    def _stateful_initial_state(self, sequences):
        batch = _nest.flatten(sequences)[0].shape[0]
        self._keep_states(batch)
        expected = _nest.flatten(self._states)[0].shape[0]
        if batch != expected:
            raise ValueError("If an RNN is stateful, the batch size of the input sequences must "
                             "be the same as the batch size of the initial state. \n"
                             f"- Expected batch size: {expected}\n- Received batch size: {batch}")
        return _nest.map_structure(lambda var: var.read_value(), self._states)

    def call(self, sequences: Any, initial_state: Any = None, mask: Any = None,
             training: bool = False) -> Any:
        sequences, initial_state, mask = _unpack(sequences, initial_state, mask)
        # a symbolic call learns shapes from one example: it neither reads nor keeps states
        keeps_states = self.stateful and not _functional._in_shape_run()
        if initial_state is None and keeps_states:
            initial_state = self._stateful_initial_state(sequences)
        elif initial_state is None:
            initial_state = self.get_initial_state(_nest.flatten(sequences)[0].shape[0])
        if not isinstance(initial_state, (list, tuple)):
            initial_state = [initial_state]
        states = [_ew.cast(s, self.dtype) if isinstance(s, TensorLike) and s.dtype.is_floating
                  and s.dtype != self.dtype else s for s in initial_state]
        last, outputs, states = self._loop(sequences, states, mask, training)
        if keeps_states:
            for var, state in zip(_nest.flatten(self._states), _nest.flatten(states)):
                var.assign(state)
        output = outputs if self.return_sequences else last
        if self.return_state:
            return (output, *states)
        return output

    def _loop(self, sequences, states, mask, training):
        steps = _steps(sequences)
        if not steps:   # TensorFlow's slice of the first step fails
            raise InvalidArgumentError("slice index 0 of dimension 1 out of bounds: an RNN "
                                       "needs at least one time step")
        if self.go_backwards:
            steps = steps[::-1]
        masks = _step_masks(mask, len(steps), self.go_backwards)
        kwargs = {"training": training} if _call_takes_training(self.cell) else {}
        outputs = []
        states = tuple(states)
        for t, step in enumerate(steps):
            output, new_states = self.cell(step, states, **kwargs)
            new_states = tuple(new_states) if isinstance(new_states, (list, tuple)) \
                else (new_states,)
            if masks is not None:   # a masked step keeps the states and repeats the output
                zeros = _nest.map_structure(_ew.zeros_like, output)
                held = zeros if self.zero_output_for_mask or not outputs else outputs[-1]
                output = _masked(masks[t], output, held)
                new_states = _masked(masks[t], new_states, states)
            states = new_states
            outputs.append(output)
        stacked = _stack_outputs(outputs) if self.return_sequences else None
        return outputs[-1], stacked, list(states)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update(return_sequences=self.return_sequences, return_state=self.return_state,
                      go_backwards=self.go_backwards, stateful=self.stateful,
                      unroll=self.unroll, zero_output_for_mask=self.zero_output_for_mask)
        if type(self) is RNN:
            config["cell"] = type(self.cell).from_config(self.cell.get_config())
        return config


def _size_shape(size):
    """A state size (an int, or a shape such as ``tf.TensorShape([2, 3])``) as a tuple."""
    if isinstance(size, (int, np.integer)):
        return (int(size),)
    return tuple(int(d) for d in size)


def _call_takes_training(cell):
    """Whether the cell's ``call`` has a ``training`` parameter (Keras then passes the flag)."""
    return isinstance(cell, Layer) and _training_parameter(type(cell).call)[0]


# ---------------------------------------------------------------------------
# SimpleRNN, LSTM, GRU: RNN with their cell built from their arguments
# ---------------------------------------------------------------------------

_RNN_ARGS = ("return_sequences", "return_state", "go_backwards", "stateful", "unroll",
             "zero_output_for_mask")
_LAYER_ARGS = ("name", "trainable", "dtype", "input_shape", "input_dim", "activity_regularizer")


class _CellLayer(RNN):
    """An RNN that makes its own cell (``_CELL``) from the arguments the RNN does not take."""

    _CELL: Any = None
    _CELL_NAME = ""

    def __init__(self, units: int, **kwargs: Any) -> None:
        kwargs.pop("use_cudnn", None)   # TensorFlow's choice of kernel; the same numbers
        rnn_kwargs = {k: kwargs.pop(k) for k in _RNN_ARGS + _LAYER_ARGS if k in kwargs}
        cell = self._CELL(units, name=self._CELL_NAME, dtype=rnn_kwargs.get("dtype"),
                          trainable=rnn_kwargs.get("trainable", True), **kwargs)
        super().__init__(cell, **rnn_kwargs)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        cell_config = self.cell.get_config()
        for key in ("name", "trainable", "dtype"):
            cell_config.pop(key, None)
        config.update(cell_config)
        return config


def _cell_setting(name):
    def setting(self) -> Any:
        return getattr(self.cell, name)
    setting.__doc__ = f"The cell's ``{name}`` (Keras' layers show their cell's settings)."
    return property(setting)


for _name in ("units", "activation", "recurrent_activation", "use_bias", "kernel_initializer",
              "recurrent_initializer", "bias_initializer", "unit_forget_bias", "reset_after",
              "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
              "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout",
              "recurrent_dropout", "seed"):
    setattr(_CellLayer, _name, _cell_setting(_name))
del _name


class SimpleRNN(_CellLayer):
    """A fully connected RNN layer: ``RNN(SimpleRNNCell(units, ...))``.

    >>> import gradtape as tf
    >>> layer = tf.keras.layers.SimpleRNN(4, return_sequences=True)
    >>> layer(tf.ones((2, 5, 3))).shape
    TensorShape([2, 5, 4])
    >>> [w.name for w in layer.weights]   # doctest: +ELLIPSIS
    ['simple_rnn_cell.../kernel:0', 'simple_rnn_cell.../recurrent_kernel:0', 'simple_rnn_cell.../bias:0']
    """

    _CELL = SimpleRNNCell
    _CELL_NAME = "simple_rnn_cell"


class LSTM(_CellLayer):
    """A long short-term memory layer: ``RNN(LSTMCell(units, ...))``; ``return_state``
    gives ``output, h, c``.

    >>> import gradtape as tf
    >>> layer = tf.keras.layers.LSTM(4, return_state=True)
    >>> output, h, c = layer(tf.ones((2, 5, 3)))
    >>> output.shape, layer.cell.kernel.shape, layer.cell.recurrent_kernel.shape
    (TensorShape([2, 4]), TensorShape([3, 16]), TensorShape([4, 16]))
    """

    _CELL = LSTMCell
    _CELL_NAME = "lstm_cell"


class GRU(_CellLayer):
    """A gated recurrent unit layer: ``RNN(GRUCell(units, ...))`` (``reset_after=True``).

    >>> import gradtape as tf
    >>> layer = tf.keras.layers.GRU(4)
    >>> layer(tf.ones((2, 5, 3))).shape, layer.cell.bias.shape
    (TensorShape([2, 4]), TensorShape([2, 12]))
    """

    _CELL = GRUCell
    _CELL_NAME = "gru_cell"


# ---------------------------------------------------------------------------
# Bidirectional
# ---------------------------------------------------------------------------

_MERGES = {
    "concat": lambda y, y_rev: _shape_ops.concat([y, y_rev], axis=-1),
    "sum": lambda y, y_rev: y + y_rev,
    "ave": lambda y, y_rev: (y + y_rev) / 2,
    "mul": lambda y, y_rev: y * y_rev,
    None: lambda y, y_rev: (y, y_rev),
}


def _copy_layer(layer, **changes):
    """A new, unbuilt layer of ``layer``'s configuration with ``changes`` (Keras copies a
    layer for ``Bidirectional`` through its config, so the copy has fresh weights)."""
    config = layer.get_config()
    config.update(changes)
    return type(layer).from_config(config)


def _without_prefix(name, prefix):
    return name[len(prefix):] if name.startswith(prefix) else name


class Bidirectional(_TakesInitialState, Layer):
    """Run a copy of an RNN layer forwards and another backwards, and merge their outputs.

    ``merge_mode`` is ``'concat'`` (the default), ``'sum'``, ``'ave'``, ``'mul'`` or None
    (both outputs). With ``return_sequences`` the backward outputs are put back in time
    order. ``initial_state`` holds the forward states, then the backward ones.

    >>> import gradtape as tf
    >>> layer = tf.keras.layers.Bidirectional(tf.keras.layers.LSTM(4, return_sequences=True))
    >>> layer(tf.ones((2, 5, 3))).shape
    TensorShape([2, 5, 8])
    >>> layer.forward_layer.name, layer.backward_layer.go_backwards   # doctest: +ELLIPSIS
    ('forward_lstm...', True)
    """

    def __init__(self, layer: Any, merge_mode: Optional[str] = "concat", weights: Any = None,
                 backward_layer: Any = None, **kwargs: Any) -> None:
        if not isinstance(layer, Layer):
            raise ValueError("Please initialize `Bidirectional` layer with a "
                             f"`keras.layers.Layer` instance. Received: {layer}")
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError("`backward_layer` need to be a `keras.layers.Layer` instance. "
                             f"Received: {backward_layer}")
        if merge_mode not in _MERGES:
            raise ValueError(f"Invalid merge mode. Received: {merge_mode}. Merge mode should be "
                             'one of {"sum", "mul", "ave", "concat", None}')
        if weights is not None:
            raise NotImplementedError("Bidirectional: weights= is not supported; call "
                                      "set_weights after the layer is built")
        super().__init__(**kwargs)
        self.forward_layer = _copy_layer(
            layer, name="forward_" + _without_prefix(layer.name, "forward_"))
        self.backward_layer = backward_layer if backward_layer is not None else _copy_layer(
            layer, name="backward_" + _without_prefix(layer.name, "backward_"),
            go_backwards=not layer.go_backwards)
        self._check_directions()
        for direction in (self.forward_layer, self.backward_layer):
            # as Keras: masked steps of a sequence output are zeros, so the two directions
            # line up when the backward one is put back in time order
            direction.zero_output_for_mask = direction.return_sequences
        self.merge_mode = merge_mode
        self.stateful = layer.stateful
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state

    def _check_directions(self):
        forward, backward = self.forward_layer, self.backward_layer
        if forward.go_backwards == backward.go_backwards:
            raise ValueError("Forward layer and backward layer should have different "
                             "`go_backwards` value. Received: forward_layer.go_backwards "
                             f"{forward.go_backwards}, backward_layer.go_backwards="
                             f"{backward.go_backwards}")
        for attr in ("stateful", "return_sequences", "return_state"):
            if getattr(forward, attr) != getattr(backward, attr):
                raise ValueError("Forward layer and backward layer are expected to have the "
                                 f'same value for attribute "{attr}", got '
                                 f'"{getattr(forward, attr)}" for forward layer and '
                                 f'"{getattr(backward, attr)}" for backward layer')

    def build(self, sequences_shape: Any, initial_state_shape: Any = None) -> None:
        for layer in (self.forward_layer, self.backward_layer):
            if not layer.built:
                layer.build(sequences_shape)
                layer.built = True

    def call(self, sequences: Any, initial_state: Any = None, mask: Any = None,
             training: Optional[bool] = None) -> Any:
        sequences, initial_state, mask = _unpack(sequences, initial_state, mask)
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = initial_state[:half], initial_state[half:]
        y = self.forward_layer(sequences, initial_state=forward_state, mask=mask,
                               training=training)
        y_rev = self.backward_layer(sequences, initial_state=backward_state, mask=mask,
                                    training=training)
        states = ()
        if self.return_state:
            states = tuple(y[1:]) + tuple(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = _reverse(y_rev, axis=[1])
        output = _MERGES[self.merge_mode](y, y_rev)
        if self.return_state:
            return (output + states) if self.merge_mode is None else (output,) + states
        return output

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """Keras': the input's mask for sequence outputs (one per output with
        ``merge_mode=None``), else None; none for the states."""
        if isinstance(mask, list):
            mask = mask[0]
        if self.return_sequences:
            output_mask = (mask, mask) if not self.merge_mode else mask
        else:
            output_mask = (None, None) if not self.merge_mode else None
        if self.return_state:
            states = [None] * (len(self.forward_layer.state_size) * 2)
            return (list(output_mask) if isinstance(output_mask, tuple) else [output_mask]) \
                + states
        return output_mask

    def _keep_states(self, batch: int) -> None:
        """Make both directions' kept states (zeros for ``batch`` examples)."""
        self.forward_layer._keep_states(batch)
        self.backward_layer._keep_states(batch)

    def reset_states(self) -> None:
        """Zero both directions' kept states (stateful layers)."""
        self.forward_layer.reset_states()
        self.backward_layer.reset_states()
